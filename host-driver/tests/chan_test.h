/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * chan_test.h - what the channel test programs (test_chan, test_chan_irq)
 * share: the fake NIC they run against (fake_nic.h, booted on the small test
 * board, listening in a fresh temporary directory), attaching and detaching
 * a host, clocks, and steering the fake NIC (CTL).  Each program is one
 * translation unit: include this once, call chan_test_begin() first and end
 * main with `return chan_test_end();`.
 */
#ifndef CHAN_TEST_H
#define CHAN_TEST_H

#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fake_nic.h"
#include "snic_drv_chan.h"
#include "snic_test.h"

static char dir[64], sock_path[128];
static struct fake_nic *nic;

static inline uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* CPU time of the whole process (all threads, the fake NIC's too), ms. */
static inline uint64_t cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static inline struct snic_drv_chan *attach(void)
{
	struct snic_drv_chan *c = NULL;
	char err[256];
	int rc = snic_drv_chan_open(sock_path, &c, err, sizeof(err));

	SNIC_REQUIRE(rc == 0 && c, "open: %d %s", rc, err);
	return c;
}

static inline void detach(struct snic_drv_chan *c)
{
	snic_drv_chan_close(c);
	SNIC_CHECK(fake_nic_wait_attached(nic, false, 2000),
		   "the NIC saw the host leave");
}

static inline void frame_fill(uint8_t *f, uint32_t len, uint32_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		f[i] = (uint8_t)(seed * 31u + i * 7u);
}

#define CTL(stmt)                                                              \
	do {                                                                   \
		fake_nic_lock(nic);                                            \
		struct fake_nic_ctl *ctl = fake_nic_ctl(nic);                  \
		stmt;                                                          \
		fake_nic_unlock(nic);                                          \
		fake_nic_poke(nic);                                            \
	} while (0)

/* A temporary directory with the fake NIC's socket in it, the NIC up. */
static inline void chan_test_begin(void)
{
	struct stat sb;

	snprintf(dir, sizeof(dir), "/tmp/snic-chan-XXXXXX");
	SNIC_REQUIRE(mkdtemp(dir), "mkdtemp");
	snprintf(sock_path, sizeof(sock_path), "%s/nic.sock", dir);
	SNIC_REQUIRE(stat(SNIC_SMALL_BOARD, &sb) == 0, "board %s missing: build target snic_board_small",
		     SNIC_SMALL_BOARD);
	nic = fake_nic_start(sock_path, SNIC_SMALL_BOARD);
}

static inline int chan_test_end(void)
{
	fake_nic_stop(nic);
	rmdir(dir);
	return snic_test_done();
}

#endif /* CHAN_TEST_H */
