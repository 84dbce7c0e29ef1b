/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_test_fw.h - boot a firmware instance on an in-memory HAL for a test,
 * and a seedable random generator whose seed is printed when a test fails.
 */
#ifndef SNIC_TEST_FW_H
#define SNIC_TEST_FW_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "snic_fw.h"
#include "snic_fw_memhal.h"
#include "snic_fwc.h"
#include "snic_test.h"

struct snic_test_nic {
	struct snic_fw_memhal hal;
	struct snic_fw *fw;
	struct snic_fwc pf;          /* PF command client */
	void *dtb;
	size_t dtb_len;
};

static inline void snic_test_nic_boot(struct snic_test_nic *n, const char *dtb)
{
	char err[256];

	snic_fw_memhal_init(&n->hal);
	n->dtb = snic_fw_read_file(dtb, &n->dtb_len);
	SNIC_REQUIRE(n->dtb != NULL, "cannot read board %s", dtb);
	SNIC_REQUIRE(snic_fw_boot(n->dtb, n->dtb_len, &n->hal.hal, &n->fw, err,
				  sizeof(err)) == 0, "boot %s: %s", dtb, err);
	snic_fwc_init_direct(&n->pf, n->fw, SNIC_IFC_FUNC_PF);
}

static inline void snic_test_nic_down(struct snic_test_nic *n)
{
	snic_fw_shutdown(n->fw);
	snic_fw_memhal_fini(&n->hal);
	free(n->dtb);
}

/* Require a command to succeed, printing the firmware's reason if not. */
#define SNIC_OK(c, call)                                                       \
	do {                                                                   \
		uint32_t s_ = (call);                                          \
		char b_[256];                                                  \
		SNIC_REQUIRE(s_ == SNIC_SYN_OK, "%s", snic_fwc_strerror((c), b_, sizeof(b_))); \
	} while (0)

/* Push a frame into the NIC from vport, forgetting earlier output. */
static inline void snic_test_rx(struct snic_test_nic *n, uint16_t vport,
				const uint8_t *frame, uint32_t len)
{
	snic_fw_memhal_clear(&n->hal);
	snic_fw_rx(n->fw, vport, frame, len);
}

/* The frame the NIC sent to (q, vport), or NULL. */
static inline const struct snic_fw_memhal_frame *
snic_test_out_to(const struct snic_test_nic *n, enum snic_fw_txq q, uint16_t vport)
{
	for (size_t i = 0; i < n->hal.n_frames; i++)
		if (n->hal.frames[i].q == q && n->hal.frames[i].vport == vport)
			return &n->hal.frames[i];
	return NULL;
}

/* The NIC's count of frames dropped for reason. */
static inline uint64_t snic_test_drops(struct snic_test_nic *n, uint32_t reason)
{
	struct snic_ifc_query_stats_out st;

	SNIC_OK(&n->pf, snic_fwc_query_stats(&n->pf, &st));
	return snic_ifc_le64(st.drops[reason]);
}

/* xorshift64*: reproducible from the seed */
struct snic_rng {
	uint64_t s;
};

static inline uint64_t snic_rng_next(struct snic_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

static inline uint32_t snic_rng_below(struct snic_rng *r, uint32_t n)
{
	return n ? (uint32_t)((snic_rng_next(r) >> 32) % n) : 0;
}

/* Seed from SNIC_SEED in the environment, else from the clock; printed. */
static inline uint64_t snic_test_seed(void)
{
	const char *e = getenv("SNIC_SEED");
	uint64_t s = e ? strtoull(e, NULL, 0) : (uint64_t)time(NULL) * 2654435761u;

	if (!s)
		s = 1;
	printf("seed %llu (rerun with SNIC_SEED=%llu)\n", (unsigned long long)s,
	       (unsigned long long)s);
	return s;
}

#endif /* SNIC_TEST_FW_H */
