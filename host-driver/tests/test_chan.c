/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_chan.c - the host side of the device channel (snic_drv_chan.h)
 * against a fake NIC (fake_nic.h) that runs the real firmware on the small
 * test board: handshake and its failures, header validation, commands (late,
 * lost, malformed, concurrent), rx/tx bursts at the limits and against a
 * misbehaving NIC, events.  Sleeping (wait, the caller's own epoll, the
 * per-queue rx interrupts) and the NIC leaving: test_chan_irq.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "chan_test.h"
#include "snic_chan_layout.h"
#include "snic_fw.h"
#include "snic_fwc.h"

/* ------------------------------------------------------------------------ */

static void test_layout(void)
{
	struct snic_chan_shm h;
	uint64_t size = snic_chan_layout(&h, 6, 4);
	uint64_t ends[] = { sizeof(h), h.cmd_off + SNIC_CHAN_CMD_SLOTS * sizeof(struct snic_chan_cmd),
			    h.evq_off + sizeof(struct snic_chan_evq),
			    h.queue_off + 6 * sizeof(struct snic_chan_queue) };

	SNIC_CHECK(size > 0 && size == h.size && size % 4096 == 0, "size %llu",
		   (unsigned long long)size);
	SNIC_CHECK(h.cmd_off % 64 == 0 && h.evq_off % 64 == 0 &&
		   h.queue_off % 64 == 0 && h.buf_off % 4096 == 0, "alignment");
	SNIC_CHECK(h.cmd_off >= ends[0] && h.evq_off >= ends[1] &&
		   h.queue_off >= ends[2] && h.buf_off >= ends[3], "order");
	SNIC_CHECK_EQ(snic_chan_buf_off(&h, 5, 1, 255) + SNIC_CHAN_BUF_SIZE <= size, 1,
		      "last buffer inside");
	SNIC_CHECK_EQ(h.queue_vport[0], SNIC_IFC_VPORT_UPLINK(0), "q0 uplink");
	SNIC_CHECK_EQ(h.queue_vport[1], SNIC_IFC_VPORT_PF, "q1 PF");
	SNIC_CHECK_EQ(h.queue_vport[5], SNIC_IFC_VPORT_VF(3), "q5 VF3");
	SNIC_CHECK_EQ(snic_chan_layout(&h, 5, 4), 0, "too few queues");
	SNIC_CHECK_EQ(snic_chan_layout(&h, 10, 4), 0, "too many queues");
	SNIC_CHECK_EQ(snic_chan_layout(&h, 1030, 1025), 0, "too many VFs");
	SNIC_CHECK(snic_chan_layout(&h, SNIC_CHAN_MAX_QUEUES, SNIC_IFC_MAX_VFS) > 0,
		   "largest board");
	SNIC_CHECK_EQ(h.queue_vport[SNIC_CHAN_MAX_QUEUES - 1], SNIC_IFC_VPORT_VF(1023),
		      "largest board last queue");
}

static void test_connect_errors(void)
{
	struct snic_drv_chan *c = (void *)1;
	char err[256], path[108], longp[200];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, rc;

	snprintf(path, sizeof(path), "%s/nobody.sock", dir);
	rc = snic_drv_chan_open(path, &c, err, sizeof(err));
	SNIC_CHECK_EQ(rc, -ENOENT, "no socket file");
	SNIC_CHECK(c == NULL, "out cleared");
	SNIC_CHECK(strstr(err, "no snic-sim at") && strstr(err, path), "%s", err);

	/* a socket file nobody listens on */
	snprintf(path, sizeof(path), "%s/dead.sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	SNIC_REQUIRE(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind");
	close(fd);
	rc = snic_drv_chan_open(path, &c, err, sizeof(err));
	SNIC_CHECK_EQ(rc, -ECONNREFUSED, "not listening");
	SNIC_CHECK(strstr(err, "no snic-sim listening at") &&
		   strstr(err, "connection refused"), "%s", err);
	unlink(path);

	/* a stream socket is not a channel */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	SNIC_REQUIRE(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
		     listen(fd, 1) == 0, "stream listen");
	rc = snic_drv_chan_open(path, &c, err, sizeof(err));
	SNIC_CHECK_EQ(rc, -EPROTOTYPE, "stream socket");
	SNIC_CHECK(strstr(err, "SOCK_SEQPACKET"), "%s", err);
	close(fd);
	unlink(path);

	memset(longp, 'x', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = 0;
	rc = snic_drv_chan_open(longp, &c, err, sizeof(err));
	SNIC_CHECK_EQ(rc, -ENAMETOOLONG, "long path");
	SNIC_CHECK(strstr(err, "at most 107"), "%s", err);
}

static void test_handshake(void)
{
	struct snic_drv_chan *c = attach(), *c2 = NULL;
	struct snic_chan_stats ns;
	char err[256], want[64];
	int rc;

	SNIC_CHECK_EQ(snic_drv_chan_n_queues(c), 6, "1 uplink + PF + 4 VFs");
	SNIC_CHECK_EQ(snic_drv_chan_n_vfs(c), 4, "VFs");
	SNIC_CHECK_EQ(snic_drv_chan_queue_vport(c, 0), SNIC_IFC_VPORT_UPLINK(0), "q0");
	SNIC_CHECK_EQ(snic_drv_chan_queue_vport(c, 2), SNIC_IFC_VPORT_VF(0), "q2");
	SNIC_CHECK_EQ(snic_drv_chan_queue_vport(c, 6), 0xffff, "q6 none");
	SNIC_CHECK_EQ(snic_drv_chan_queue_of(c, SNIC_IFC_VPORT_VF(3)), 5, "VF3 queue");
	SNIC_CHECK_EQ(snic_drv_chan_queue_of(c, SNIC_IFC_VPORT_PF), 1, "PF queue");
	SNIC_CHECK_EQ(snic_drv_chan_queue_of(c, SNIC_IFC_VPORT_VF(4)), -1, "VF4 none");
	SNIC_CHECK_EQ(snic_drv_chan_queue_of(c, SNIC_IFC_VPORT_UPLINK(1)), -1, "uplink1 none");
	SNIC_CHECK_EQ(snic_drv_chan_queue_of(c, 0xfff0), -1, "junk vport");
	SNIC_CHECK(strcmp(snic_drv_chan_path(c), sock_path) == 0, "path");
	SNIC_CHECK(snic_drv_chan_alive(c), "alive");
	SNIC_CHECK(snic_drv_chan_irq_fd(c) >= 0, "irq fd");
	snic_drv_chan_nic_stats(c, &ns);
	SNIC_CHECK_EQ(ns.commands, 0, "no commands yet");

	/* a second host is refused with the NIC's sentence */
	rc = snic_drv_chan_open(sock_path, &c2, err, sizeof(err));
	SNIC_CHECK_EQ(rc, -EBUSY, "second host");
	snprintf(want, sizeof(want), "another host is attached (pid %d)", (int)getpid());
	SNIC_CHECK(strstr(err, want) && strstr(err, sock_path), "%s", err);
	SNIC_CHECK(c2 == NULL, "no channel");
	SNIC_CHECK(snic_drv_chan_alive(c), "first host unaffected");

	detach(c);
	c = attach();   /* the next host gets in */
	detach(c);

	CTL(ctl->version = SNIC_CHAN_VERSION + 1);
	rc = snic_drv_chan_open(sock_path, &c2, err, sizeof(err));
	SNIC_CHECK_EQ(rc, -EPROTONOSUPPORT, "version mismatch");
	{
		char vwant[96];

		snprintf(vwant, sizeof(vwant), "speaks device-channel version %u, this driver version %u",
			 SNIC_CHAN_VERSION + 1, SNIC_CHAN_VERSION);
		SNIC_CHECK(strstr(err, vwant), "%s", err);
	}
	CTL(ctl->version = SNIC_CHAN_VERSION; ctl->status = SNIC_CHAN_NOMEM);
	rc = snic_drv_chan_open(sock_path, &c2, err, sizeof(err));
	SNIC_CHECK_EQ(rc, -ENOMEM, "NIC out of memory");
	SNIC_CHECK(strstr(err, "could not create the shared memory"), "%s", err);
	CTL(ctl->status = 7);
	rc = snic_drv_chan_open(sock_path, &c2, err, sizeof(err));
	SNIC_CHECK_EQ(rc, -EPROTO, "unknown status");
	SNIC_CHECK(strstr(err, "unknown welcome status 7"), "%s", err);
	CTL(ctl->status = SNIC_CHAN_BAD_FLAGS);
	rc = snic_drv_chan_open_cmd(sock_path, &c2, err, sizeof(err));
	SNIC_CHECK_EQ(rc, -EPROTONOSUPPORT, "hello flags refused");
	SNIC_CHECK(strstr(err, "does not do the attachment asked for (hello flags 0x1)"),
		   "%s", err);
	CTL(ctl->status = -1);

	/* A NIC that takes a command-only hello for a data one (the fake
	 * ignores the flags): the host refuses the queues it did not ask for. */
	rc = snic_drv_chan_open_cmd(sock_path, &c2, err, sizeof(err));
	SNIC_CHECK_EQ(rc, -EPROTO, "command-only hello answered with queues");
	SNIC_CHECK(!c2 && strstr(err, "a command-only attachment has no queues") &&
		   strstr(err, sock_path), "%s", err);
	SNIC_CHECK(fake_nic_wait_attached(nic, false, 2000), "the refused attachment closed");
}

/* ---- malformed headers: each bad field is named ---- */

static void bad_magic(struct snic_chan_shm *h, uint64_t *m) { h->magic = 0x12345678; (void)m; }
static void bad_version(struct snic_chan_shm *h, uint64_t *m) { h->version = 9; (void)m; }
static void bad_size(struct snic_chan_shm *h, uint64_t *m) { h->size += 4096; (void)m; }
static void bad_mem_size(struct snic_chan_shm *h, uint64_t *m) { (void)h; *m -= 4096; }
static void bad_ring(struct snic_chan_shm *h, uint64_t *m) { h->ring_size = 512; (void)m; }
static void bad_buf(struct snic_chan_shm *h, uint64_t *m) { h->buf_size = 4096; (void)m; }
static void bad_vfs(struct snic_chan_shm *h, uint64_t *m) { h->n_vfs = 2000; (void)m; }
static void bad_nq0(struct snic_chan_shm *h, uint64_t *m) { h->n_queues = 0; (void)m; }
static void bad_nq(struct snic_chan_shm *h, uint64_t *m) { h->n_queues = 12; (void)m; }
static void bad_cmd_align(struct snic_chan_shm *h, uint64_t *m) { h->cmd_off += 8; (void)m; }
static void bad_evq_overlap(struct snic_chan_shm *h, uint64_t *m) { h->evq_off = h->cmd_off + 64; (void)m; }
static void bad_queue_end(struct snic_chan_shm *h, uint64_t *m) { h->queue_off = h->size - 64; (void)m; }
static void bad_buf_header(struct snic_chan_shm *h, uint64_t *m) { h->buf_off = 0; (void)m; }
static void bad_buf_huge(struct snic_chan_shm *h, uint64_t *m) { h->buf_off = ~0ull - 63; (void)m; }
static void bad_vport(struct snic_chan_shm *h, uint64_t *m) { h->queue_vport[3] = SNIC_IFC_VPORT_VF(9); (void)m; }
static void bad_uplink(struct snic_chan_shm *h, uint64_t *m) { h->queue_vport[0] = SNIC_IFC_VPORT_UPLINK(2); (void)m; }
static void dup_vport(struct snic_chan_shm *h, uint64_t *m) { h->queue_vport[4] = h->queue_vport[2]; (void)m; }
static void tiny_mem(struct snic_chan_shm *h, uint64_t *m) { (void)h; *m = 100; }

static void test_bad_header(void)
{
	static const struct {
		void (*fn)(struct snic_chan_shm *, uint64_t *);
		int n_fds;
		const char *want;
	} cases[] = {
		{ bad_magic, 3, "header: magic 0x12345678" },
		{ bad_version, 3, "header: version 9" },
		{ bad_size, 3, "header: size" },
		{ bad_mem_size, 3, "welcome mem_size" },
		{ tiny_mem, 3, "welcome mem_size 100" },
		{ bad_ring, 3, "ring_size 512" },
		{ bad_buf, 3, "buf_size 4096" },
		{ bad_vfs, 3, "n_vfs 2000" },
		{ bad_nq0, 3, "n_queues 0 outside" },
		{ bad_nq, 3, "n_queues 12 does not fit n_vfs 4" },
		{ bad_cmd_align, 3, "cmd_off 0x" },
		{ bad_evq_overlap, 3, "overlaps the evq_off region" },
		{ bad_queue_end, 3, "queue_off 0x" },
		{ bad_buf_header, 3, "buf_off region [0x0" },
		{ bad_buf_huge, 3, "buf_off 0xffffffffffffffc0" },
		{ bad_vport, 3, "queue_vport[3] = 0x000a" },
		{ bad_uplink, 3, "queue_vport[0] = 0xff02" },
		{ dup_vport, 3, "queue_vport[4] = 0x0001: that vport already has queue 2" },
		{ NULL, 2, "carried 2 descriptors, want 3" },
		{ NULL, 0, "carried 0 descriptors" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct snic_drv_chan *c = (void *)1;
		char err[512] = "";
		int rc;

		CTL(ctl->corrupt = cases[i].fn; ctl->n_fds = cases[i].n_fds);
		rc = snic_drv_chan_open(sock_path, &c, err, sizeof(err));
		SNIC_CHECK_EQ(rc, -EPROTO, cases[i].want);
		SNIC_CHECK(c == NULL, "no channel");
		SNIC_CHECK(strstr(err, cases[i].want) != NULL, "case %zu: want '%s' in '%s'",
			   i, cases[i].want, err);
		SNIC_CHECK(fake_nic_wait_attached(nic, false, 2000),
			   "case %zu: refused host detached", i);
	}
	CTL(ctl->corrupt = NULL; ctl->n_fds = 3);

	/* the rx interrupt eventfds that follow the welcome: one missing */
	struct snic_drv_chan *c = (void *)1;
	char err[512] = "";

	CTL(ctl->rxq_irqs_short = true);
	SNIC_CHECK_EQ(snic_drv_chan_open(sock_path, &c, err, sizeof(err)), -EPROTO,
		      "an rx interrupt missing");
	SNIC_CHECK(c == NULL, "no channel");
	SNIC_CHECK(strstr(err, "rx interrupt message for queues 0..5") &&
		   strstr(err, "count 6, 5 descriptors; want 6 eventfds"), "%s", err);
	SNIC_CHECK(fake_nic_wait_attached(nic, false, 2000), "refused host detached");
	CTL(ctl->rxq_irqs_short = false);
	detach(attach());
}

/* ---- commands ---- */

static void test_commands(void)
{
	struct snic_drv_chan *c = attach();
	static struct snic_fwc f;
	struct snic_drv_chan_stats st;
	struct fake_nic_stats fs;
	struct snic_ifc_match mask, val;
	struct snic_ifc_actions act;
	const void *fdt;
	uint32_t len, mode, root, grp, ctr, ids[40];
	uint64_t pk[4], by[4];
	char b[256];

	snic_drv_chan_fwc_init(c, &f);
	SNIC_CHECK_EQ(snic_fwc_query_caps(&f, &fdt, &len), SNIC_SYN_OK, "caps");
	SNIC_CHECK(len > 64 && len < SNIC_IFC_MAX_OUT, "caps fdt %u bytes", len);
	SNIC_CHECK_EQ(snic_fwc_query_esw_mode(&f, &mode), SNIC_SYN_OK, "esw");
	SNIC_CHECK_EQ(mode, SNIC_ESW_SWITCHDEV, "board says switchdev");
	SNIC_CHECK_EQ(snic_fwc_create_table(&f, 0, SNIC_MISS_DEFAULT, 0,
					    SNIC_TABLE_F_ROOT, &root), SNIC_SYN_OK,
		      snic_fwc_strerror(&f, b, sizeof(b)));
	/* a firmware refusal comes back as its syndrome */
	SNIC_CHECK_EQ(snic_fwc_create_table(&f, 0, SNIC_MISS_DEFAULT, 0,
					    SNIC_TABLE_F_ROOT, &len),
		      SNIC_SYN_TABLE_ROOT_EXISTS, "second root");
	SNIC_CHECK_EQ(snic_fwc_destroy_table(&f, 777), SNIC_SYN_TABLE_NOT_FOUND, "no table");
	memset(&mask, 0, sizeof(mask));
	mask.src_vport = 0xffff;
	SNIC_CHECK_EQ(snic_fwc_create_group(&f, root, &mask, &grp), SNIC_SYN_OK, "group");
	SNIC_CHECK_EQ(snic_fwc_alloc_counters(&f, 4, &ctr), SNIC_SYN_OK, "counters");
	for (uint32_t i = 0; i < 40; i++) {   /* 5x the slots: slots are reused */
		memset(&val, 0, sizeof(val));
		memset(&act, 0, sizeof(act));
		val.src_vport = (uint16_t)(i + 100);
		act.flags = SNIC_ACT_DROP | SNIC_ACT_COUNT;
		act.counter = ctr + (i & 3);
		SNIC_CHECK_EQ(snic_fwc_create_entry(&f, grp, i % 8, &val, &act, &ids[i]),
			      SNIC_SYN_OK, snic_fwc_strerror(&f, b, sizeof(b)));
	}
	SNIC_CHECK_EQ(snic_fwc_query_counters(&f, ctr, 4, 0, pk, by), SNIC_SYN_OK, "query counters");
	SNIC_CHECK(pk[0] == 0 && by[3] == 0, "fresh counters");
	for (uint32_t i = 0; i < 40; i++)
		SNIC_CHECK_EQ(snic_fwc_destroy_entry(&f, ids[i]), SNIC_SYN_OK, "destroy entry");
	SNIC_CHECK_EQ(snic_fwc_dealloc_counters(&f, ctr), SNIC_SYN_OK, "dealloc");
	SNIC_CHECK_EQ(snic_fwc_destroy_group(&f, grp), SNIC_SYN_OK, "destroy group");
	SNIC_CHECK_EQ(snic_fwc_destroy_table(&f, root), SNIC_SYN_OK, "destroy table");

	snic_drv_chan_stats(c, &st);
	fake_nic_stats(nic, &fs);
	SNIC_CHECK_EQ(st.cmds, 91, "commands completed");
	SNIC_CHECK_EQ(fs.commands, 91, "commands the NIC executed");
	SNIC_CHECK_EQ(st.cmd_timeouts + st.cmd_bad_reply, 0, "no errors");

	/* argument errors never reach the NIC */
	{
		uint8_t in[SNIC_IFC_MAX_IN + 8] = { 0 }, out[16];
		size_t n = 99;

		SNIC_CHECK_EQ(snic_drv_chan_cmd(c, in, SNIC_IFC_MAX_IN + 1, out, 16, &n),
			      -EINVAL, "in too long");
		SNIC_CHECK_EQ(n, 0, "no reply");
		SNIC_CHECK_EQ(snic_drv_chan_cmd(c, in, 4, out, 16, &n), -EINVAL, "in too short");
		SNIC_CHECK_EQ(snic_drv_chan_cmd(c, in, 8, out, 8, &n), -EINVAL, "out too small");
		/* a reply larger than the caller's buffer */
		((struct snic_ifc_in_hdr *)in)->opcode = snic_ifc_le16(SNIC_CMD_QUERY_CAPS);
		SNIC_CHECK_EQ(snic_drv_chan_cmd(c, in, 8, out, 16, &n), -EMSGSIZE, "caps in 16 bytes");
		SNIC_CHECK(strstr(snic_drv_chan_cmd_strerror(-EMSGSIZE), "larger"), "strerror");
	}
	detach(c);
}

static void test_command_sleep_and_loss(void)
{
	struct snic_drv_chan *c = attach();
	static struct snic_fwc f;
	struct snic_drv_chan_stats st;
	struct fake_nic_stats fs0, fs;
	uint32_t mode;
	uint64_t t0, cpu0;

	snic_drv_chan_fwc_init(c, &f);
	fake_nic_stats(nic, &fs0);

	/* late: the host sleeps, the NIC raises the interrupt */
	CTL(ctl->delay_next_ms = 150);
	usleep(20000);   /* let the NIC fall asleep: the host must kick it */
	t0 = ms_now();
	cpu0 = cpu_ms();
	SNIC_CHECK_EQ(snic_fwc_query_esw_mode(&f, &mode), SNIC_SYN_OK, "late command");
	SNIC_CHECK(ms_now() - t0 >= 140, "answered late (%llu ms)",
		   (unsigned long long)(ms_now() - t0));
	SNIC_CHECK(cpu_ms() - cpu0 < 60, "slept, did not spin: %llu ms CPU",
		   (unsigned long long)(cpu_ms() - cpu0));
	snic_drv_chan_stats(c, &st);
	fake_nic_stats(nic, &fs);
	SNIC_CHECK_EQ(st.cmd_sleeps, 1, "went to sleep once");
	SNIC_CHECK(st.sleeps >= 1 && st.irqs >= 1, "slept on the irq (%llu, %llu)",
		   (unsigned long long)st.sleeps, (unsigned long long)st.irqs);
	SNIC_CHECK(fs.irqs > fs0.irqs, "the NIC raised the interrupt");
	SNIC_CHECK(st.doorbells >= 1, "the sleeping NIC was kicked");
	for (int i = 0; i < 100 && fs.doorbells - fs0.doorbells < st.doorbells; i++) {
		usleep(2000);
		fake_nic_stats(nic, &fs);
	}
	SNIC_CHECK_EQ(fs.doorbells - fs0.doorbells, st.doorbells, "every kick arrived");

	/* lost: timeout, the channel stays usable */
	snic_drv_chan_set_cmd_timeout(c, 150);
	CTL(ctl->ignore_next = 1);
	t0 = ms_now();
	SNIC_CHECK_EQ(snic_fwc_query_esw_mode(&f, &mode), SNIC_FWC_ETRANSPORT, "lost command");
	SNIC_CHECK_EQ(snic_drv_chan_exec_errno(), -ETIMEDOUT, "timeout remembered");
	SNIC_CHECK(ms_now() - t0 >= 140 && ms_now() - t0 < 1000, "after the timeout");
	SNIC_CHECK_EQ(snic_fwc_query_esw_mode(&f, &mode), SNIC_SYN_OK, "next command works");
	SNIC_CHECK_EQ(snic_drv_chan_exec_errno(), 0, "errno cleared");
	/* the NIC finishes the lost one later: its slot comes back */
	CTL(ctl->answer_ignored = true);
	for (int i = 0; i < 100; i++) {
		fake_nic_stats(nic, &fs);
		if (fs.commands == fs0.commands + 3)
			break;
		usleep(2000);
	}
	SNIC_CHECK_EQ(snic_fwc_query_esw_mode(&f, &mode), SNIC_SYN_OK, "after reclaim");
	snic_drv_chan_stats(c, &st);
	SNIC_CHECK_EQ(st.cmd_timeouts, 1, "one timeout");
	SNIC_CHECK_EQ(st.cmd_reclaimed, 1, "slot reclaimed");

	/* every slot lost: fail fast with EBUSY, recover when the NIC answers */
	snic_drv_chan_set_cmd_timeout(c, 20);
	CTL(ctl->ignore_next = SNIC_CHAN_CMD_SLOTS);
	for (unsigned i = 0; i < SNIC_CHAN_CMD_SLOTS; i++)
		SNIC_CHECK_EQ(snic_fwc_query_esw_mode(&f, &mode), SNIC_FWC_ETRANSPORT, "lost");
	t0 = ms_now();
	SNIC_CHECK_EQ(snic_fwc_query_esw_mode(&f, &mode), SNIC_FWC_ETRANSPORT, "no slot");
	SNIC_CHECK_EQ(snic_drv_chan_exec_errno(), -EBUSY, "all slots lost");
	SNIC_CHECK(ms_now() - t0 < 10, "fails at once");
	snic_drv_chan_set_cmd_timeout(c, 2000);
	CTL(ctl->answer_ignored = true);
	for (int i = 0; i < 200; i++) {
		fake_nic_stats(nic, &fs0);
		if (fs0.commands == fs.commands + 1 + SNIC_CHAN_CMD_SLOTS)
			break;
		usleep(2000);
	}
	SNIC_CHECK_EQ(snic_fwc_query_esw_mode(&f, &mode), SNIC_SYN_OK, "recovered");
	snic_drv_chan_stats(c, &st);
	SNIC_CHECK_EQ(st.cmd_reclaimed, 1 + SNIC_CHAN_CMD_SLOTS, "all reclaimed");

	/* malformed replies are refused, the next command works */
	CTL(ctl->bad_out_len_next = SNIC_IFC_MAX_OUT + 1);
	SNIC_CHECK_EQ(snic_fwc_query_esw_mode(&f, &mode), SNIC_FWC_ETRANSPORT, "out_len too big");
	SNIC_CHECK_EQ(snic_drv_chan_exec_errno(), -EPROTO, "EPROTO");
	CTL(ctl->bad_out_len_next = 8);
	SNIC_CHECK_EQ(snic_fwc_query_esw_mode(&f, &mode), SNIC_FWC_ETRANSPORT, "out_len too small");
	CTL(ctl->bad_seq_next = true);
	SNIC_CHECK_EQ(snic_fwc_query_esw_mode(&f, &mode), SNIC_FWC_ETRANSPORT, "stale seq");
	SNIC_CHECK_EQ(snic_drv_chan_exec_errno(), -EPROTO, "EPROTO");
	SNIC_CHECK_EQ(snic_fwc_query_esw_mode(&f, &mode), SNIC_SYN_OK, "fine again");
	snic_drv_chan_stats(c, &st);
	SNIC_CHECK_EQ(st.cmd_bad_reply, 3, "bad replies counted");
	detach(c);
}

/* Two threads issue commands while a third sleeps in wait(). */
struct cmd_thread {
	struct snic_drv_chan *c;
	unsigned ok, bad;
};

static void *cmd_thread(void *arg)
{
	struct cmd_thread *t = arg;
	struct snic_fwc *f = malloc(sizeof(*f));
	uint32_t base;

	snic_drv_chan_fwc_init(t->c, f);
	for (int i = 0; i < 150; i++) {
		if (snic_fwc_alloc_counters(f, 2, &base) == SNIC_SYN_OK &&
		    snic_fwc_dealloc_counters(f, base) == SNIC_SYN_OK)
			t->ok++;
		else
			t->bad++;
	}
	free(f);
	return NULL;
}

struct waiter {
	struct snic_drv_chan *c;
	int stop;
	unsigned frames;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	uint8_t buf[2048];
	void *bufs[1] = { buf };
	uint32_t len;

	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		if (snic_drv_chan_wait(w->c, 50) > 0)
			while (snic_drv_chan_rx_burst(w->c, 1, bufs, &len, 1, sizeof(buf)))
				__atomic_fetch_add(&w->frames, 1u, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void test_threads(void)
{
	struct snic_drv_chan *c = attach();
	struct cmd_thread t[2] = { { .c = c }, { .c = c } };
	struct waiter w = { .c = c };
	struct snic_drv_chan_stats st;
	pthread_t th[3];
	uint8_t frame[64];

	frame_fill(frame, sizeof(frame), 1);
	CTL(ctl->delay_every = 7; ctl->delay_every_us = 500);
	pthread_create(&th[2], NULL, wait_thread, &w);
	pthread_create(&th[0], NULL, cmd_thread, &t[0]);
	pthread_create(&th[1], NULL, cmd_thread, &t[1]);
	for (int i = 0; i < 40; i++) {
		SNIC_CHECK(fake_nic_rx_push(nic, 1, frame, sizeof(frame)), "push");
		usleep(2000);
	}
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	for (int i = 0; i < 200 && __atomic_load_n(&w.frames, __ATOMIC_RELAXED) < 40; i++)
		usleep(5000);
	__atomic_store_n(&w.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th[2], NULL);
	CTL(ctl->delay_every = 0);
	SNIC_CHECK_EQ(t[0].ok + t[1].ok, 300, "all concurrent commands succeeded");
	SNIC_CHECK_EQ(t[0].bad + t[1].bad, 0, "none failed");
	SNIC_CHECK_EQ(w.frames, 40, "the waiter got every frame");
	snic_drv_chan_stats(c, &st);
	SNIC_CHECK_EQ(st.cmd_timeouts, 0, "no timeouts");
	SNIC_CHECK(st.cmd_sleeps > 0, "some commands slept (%llu)",
		   (unsigned long long)st.cmd_sleeps);
	detach(c);
}

/* ---- rings ---- */

static void test_tx(void)
{
	struct snic_drv_chan *c = attach();
	static uint8_t frames[300][2049];
	const void *ptr[300];
	uint32_t lens[300];
	uint64_t sum = 0;
	struct snic_drv_chan_stats st;
	struct fake_nic_stats fs;
	uint16_t n;
	uint32_t q = (uint32_t)snic_drv_chan_queue_of(c, SNIC_IFC_VPORT_VF(2));

	for (int i = 0; i < 300; i++) {
		lens[i] = 14 + (uint32_t)(i * 97) % (2048 - 14 + 1);
		frame_fill(frames[i], 2049, (uint32_t)i);
		ptr[i] = frames[i];
	}
	lens[0] = 14;
	lens[1] = 2048;
	lens[2] = 13;     /* refused */
	lens[3] = 2049;   /* refused */
	lens[4] = 0;      /* refused */
	for (int i = 0; i < 300; i++)
		if (lens[i] >= 14 && lens[i] <= 2048 && i < 259)
			for (uint32_t k = 0; k < lens[i]; k++)
				sum += frames[i][k];

	CTL(ctl->tx_paused = true);
	n = snic_drv_chan_tx_burst(c, q, ptr, lens, 300);
	SNIC_CHECK_EQ(n, 259, "256 queued + 3 refused, then the ring is full");
	SNIC_CHECK_EQ(snic_drv_chan_tx_burst(c, q, ptr + n, lens + n, 300 - n), 0,
		      "still full");
	SNIC_CHECK_EQ(snic_drv_chan_tx_burst(c, 99, ptr, lens, 1), 0, "bad queue");
	snic_drv_chan_stats(c, &st);
	SNIC_CHECK_EQ(st.tx_packets, 256, "queued");
	SNIC_CHECK_EQ(st.tx_refused, 3, "refused");
	SNIC_CHECK_EQ(st.tx_ring_full, 41 + 41, "left to the caller");

	CTL(ctl->tx_paused = false);
	SNIC_CHECK(fake_nic_wait_tx(nic, 256, 2000), "the NIC consumed the ring");
	fake_nic_stats(nic, &fs);
	SNIC_CHECK_EQ(fs.tx_frames, 256, "NIC got 256");
	SNIC_CHECK_EQ(fs.tx_bad, 0, "no bad descriptor");
	SNIC_CHECK_EQ(fs.tx_sum, sum, "bytes intact");
	SNIC_CHECK_EQ(fs.tx_last_vport, SNIC_IFC_VPORT_VF(2), "descriptor vport");

	/* the rest: the NIC sleeps now, so the host must kick it */
	usleep(20000);
	n = snic_drv_chan_tx_burst(c, q, ptr + 259, lens + 259, 41);
	SNIC_CHECK_EQ(n, 41, "rest queued");
	SNIC_CHECK(fake_nic_wait_tx(nic, 297, 2000), "the kicked NIC consumed them");
	fake_nic_stats(nic, &fs);
	SNIC_CHECK_EQ(fs.tx_last_len[1], lens[299], "last frame length");
	SNIC_CHECK_MEM(fs.tx_last, frames[299], lens[299], "last frame bytes");
	snic_drv_chan_stats(c, &st);
	SNIC_CHECK(st.doorbells >= 1, "kicked");
	detach(c);
}

static void test_rx(void)
{
	struct snic_drv_chan *c = attach();
	static uint8_t src[2048], dst[64][2048];
	void *bufs[64];
	uint32_t lens[64];
	struct snic_drv_chan_stats st;
	struct snic_chan_stats ns;
	uint16_t n;
	unsigned total = 0;
	bool ok = true;

	for (int i = 0; i < 64; i++)
		bufs[i] = dst[i];
	SNIC_CHECK_EQ(snic_drv_chan_rx_burst(c, 2, bufs, lens, 64, 2048), 0, "empty");

	/* fill the ring: 256 frames, the 257th does not fit */
	for (uint32_t i = 0; i < SNIC_CHAN_RING_SIZE; i++) {
		frame_fill(src, 2048, i);
		ok &= fake_nic_rx_push(nic, 2, src, i == 0 ? 14 : i == 1 ? 2048 : 60 + i);
	}
	SNIC_CHECK(ok, "256 pushed");
	SNIC_CHECK(!fake_nic_rx_push(nic, 2, src, 60), "ring full on the NIC side");
	snic_drv_chan_nic_stats(c, &ns);
	SNIC_CHECK_EQ(ns.rx_ring_full, 1, "NIC counted the overflow");
	SNIC_CHECK(snic_drv_chan_wait(c, 0) > 0, "pending");
	while ((n = snic_drv_chan_rx_burst(c, 2, bufs, lens, 64, 2048)) > 0) {
		for (uint16_t k = 0; k < n; k++, total++) {
			uint32_t want = total == 0 ? 14 : total == 1 ? 2048 : 60 + total;

			frame_fill(src, 2048, total);
			if (lens[k] != want || memcmp(dst[k], src, want)) {
				SNIC_CHECK(0, "frame %u: len %u want %u", total, lens[k], want);
				break;
			}
		}
	}
	SNIC_CHECK_EQ(total, 256, "all received in bursts of 64");
	SNIC_CHECK_EQ(snic_drv_chan_wait(c, 0), 0, "nothing pending");

	/* bad descriptors from a misbehaving NIC */
	fake_nic_rx_push_len(nic, 2, 0);
	fake_nic_rx_push_len(nic, 2, 13);
	fake_nic_rx_push_len(nic, 2, 2049);
	fake_nic_rx_push_len(nic, 2, 0xffffffffu);
	frame_fill(src, 2048, 7);
	fake_nic_rx_push(nic, 2, src, 100);          /* too big for a 64-byte buffer */
	fake_nic_rx_push(nic, 2, src, 64);           /* fits exactly */
	n = snic_drv_chan_rx_burst(c, 2, bufs, lens, 64, 64);
	SNIC_CHECK_EQ(n, 1, "one good frame among the bad");
	SNIC_CHECK(n == 1 && lens[0] == 64 && memcmp(dst[0], src, 64) == 0, "the good one");
	snic_drv_chan_stats(c, &st);
	SNIC_CHECK_EQ(st.rx_bad_len, 4, "bad lengths dropped");
	SNIC_CHECK_EQ(st.rx_too_big, 1, "too big for the caller dropped");

	/* producer index far ahead: resynchronised, nothing read */
	fake_nic_rx_bump_prod(nic, 2, 100000);
	SNIC_CHECK_EQ(snic_drv_chan_rx_burst(c, 2, bufs, lens, 64, 2048), 0, "refused");
	snic_drv_chan_stats(c, &st);
	SNIC_CHECK_EQ(st.rx_bad_index, 1, "bad index counted");
	SNIC_CHECK_EQ(snic_drv_chan_wait(c, 0), 0, "resynchronised");
	fake_nic_rx_bump_prod(nic, 2, 257);   /* one more than a ring */
	SNIC_CHECK_EQ(snic_drv_chan_rx_burst(c, 2, bufs, lens, 64, 2048), 0, "refused");
	snic_drv_chan_stats(c, &st);
	SNIC_CHECK_EQ(st.rx_bad_index, 2, "ring + 1 is impossible too");
	SNIC_CHECK(fake_nic_rx_push(nic, 2, src, 60), "NIC goes on");
	SNIC_CHECK_EQ(snic_drv_chan_rx_burst(c, 2, bufs, lens, 64, 2048), 1, "and is heard");
	SNIC_CHECK_EQ(snic_drv_chan_rx_burst(c, 6, bufs, lens, 64, 2048), 0, "bad queue");

	/* through the firmware: a VF's frame misses (no tables) and goes to
	 * the VF's representor */
	{
		uint8_t pkt[60] = { 0x02, 0xaa, 0, 0, 0x10, 0x01, 0x02, 0xaa, 0, 0,
				    0x10, 0x00, 0x88, 0xb5 };
		int q = snic_drv_chan_queue_of(c, SNIC_IFC_VPORT_VF(0));

		SNIC_CHECK_EQ(q, fake_nic_queue_of(nic, SNIC_IFC_VPORT_VF(0)), "same map");
		fake_nic_fw_rx(nic, SNIC_IFC_VPORT_VF(0), pkt, sizeof(pkt));
		n = snic_drv_chan_rx_burst(c, (uint32_t)q, bufs, lens, 64, 2048);
		SNIC_CHECK_EQ(n, 1, "exception frame on the VF0 representor");
		SNIC_CHECK(n == 1 && lens[0] == 60 && !memcmp(dst[0], pkt, 60), "as sent");
	}
	detach(c);
}

static void test_events(void)
{
	struct snic_drv_chan *c = attach();
	static struct snic_fwc f;
	struct snic_ifc_event ev[8];
	struct snic_ifc_vport_ctx vc;
	struct snic_drv_chan_stats st;
	int n;

	SNIC_CHECK_EQ(snic_drv_chan_events(c, ev, 8), 0, "none");
	snic_drv_chan_fwc_init(c, &f);
	memset(&vc, 0, sizeof(vc));
	vc.link_state = SNIC_LINK_DOWN;
	SNIC_CHECK_EQ(snic_fwc_modify_vport(&f, SNIC_IFC_VPORT_VF(1), SNIC_VPORT_F_LINK, &vc),
		      SNIC_SYN_OK, "modify vport");
	SNIC_CHECK(snic_drv_chan_wait(c, 1000) > 0, "event pending");
	n = snic_drv_chan_events(c, ev, 8);
	SNIC_CHECK(n >= 1, "firmware events: %d", n);
	bool vf_state = false;
	for (int i = 0; i < n; i++)
		vf_state |= ev[i].type == SNIC_EVENT_VF_STATE &&
			    ev[i].vport == SNIC_IFC_VPORT_VF(1);
	SNIC_CHECK(vf_state, "VF_STATE for VF1");

	for (uint32_t i = 0; i < 5; i++)
		fake_nic_event_push(nic, SNIC_EVENT_HEALTH, 0, i);
	SNIC_CHECK_EQ(snic_drv_chan_events(c, ev, 2), 2, "two at a time");
	SNIC_CHECK(ev[0].value == 0 && ev[1].value == 1, "in order");
	SNIC_CHECK_EQ(snic_drv_chan_events(c, ev, 8), 3, "the rest");
	SNIC_CHECK(ev[2].value == 4 && ev[2].type == SNIC_EVENT_HEALTH, "host order");
	SNIC_CHECK_EQ(snic_drv_chan_events(c, ev, 0), 0, "max 0");

	fake_nic_event_bump_prod(nic, 300);
	SNIC_CHECK_EQ(snic_drv_chan_events(c, ev, 8), 0, "impossible index refused");
	snic_drv_chan_stats(c, &st);
	SNIC_CHECK_EQ(st.ev_bad_index, 1, "counted");
	SNIC_CHECK(fake_nic_event_push(nic, SNIC_EVENT_HEALTH, 0, 9), "NIC goes on");
	SNIC_CHECK_EQ(snic_drv_chan_events(c, ev, 8), 1, "heard");
	snic_drv_chan_stats(c, &st);
	SNIC_CHECK_EQ(st.events, n + 6, "events counted");
	detach(c);
}

int main(void)
{
	chan_test_begin();

	test_layout();
	test_connect_errors();
	test_handshake();
	test_bad_header();
	test_commands();
	test_command_sleep_and_loss();
	test_threads();
	test_tx();
	test_rx();
	test_events();
	return chan_test_end();
}
