/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_chan_cmd.c - command-only attachments of the device channel
 * (snic_drv_chan_open_cmd(), snic_chan.h), against a real snic-sim on the
 * small test board in a network namespace of the test's.
 *
 *   basics      a command-only host without a data host: no queues (rx/tx
 *               bursts, events 0, rxq irqs -EINVAL, wait times out), its
 *               commands run as the PF (a VF MAC it sets is what the data
 *               host reads back), ctl status lists it with its pid; a data
 *               host attaches beside it, a second data host is still BUSY
 *   busy        4 command-only hosts beside the data host; a 5th gets -EBUSY
 *               with a message naming the path and the pids; closing one
 *               frees its place
 *   concurrent  the data host and 4 command-only hosts execute commands
 *               from their own threads (tables at a level of their own,
 *               each reply checked: id, level), none waits long for a
 *               command (no starvation), while the data host's rx and tx
 *               on VF0's representor queue carry frames byte for byte
 *   kill        a command-only host in another process is SIGKILLed with
 *               commands in flight: snic-sim forgets it, the other
 *               command-only hosts and the data host keep working, its
 *               place is free again
 *   idle        the data host and 4 idle command-only hosts attached: the
 *               sim uses (almost) no CPU over 2 s, a command-only wait()
 *               sleeps
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "snic_drv_chan.h"
#include "snic_fwc.h"
#include "snic_test.h"
#include "snic_test_net.h"

#define N_CMDH ((int)SNIC_CHAN_MAX_CMD_HOSTS)

static char ns[SNIC_NET_NAME_MAX], name[8], sock[128], ctl[128], simlog[128];
static pid_t sim_pid;

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t thread_cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Wait (up to 3 s) until ctl status contains what. */
static bool status_has(const char *what)
{
	for (int i = 0; i < 60; i++) {
		char *st = snic_net_sim_status(SNIC_SIM, ctl);
		bool ok = st && strstr(st, what);

		free(st);
		if (ok)
			return true;
		usleep(50000);
	}
	return false;
}

static struct snic_drv_chan *open_cmd(void)
{
	struct snic_drv_chan *c = NULL;
	char err[256];
	int rc = snic_drv_chan_open_cmd(sock, &c, err, sizeof(err));

	SNIC_REQUIRE(rc == 0 && c, "command-only open: %d %s", rc, err);
	return c;
}

static struct snic_drv_chan *open_data(void)
{
	struct snic_drv_chan *c = NULL;
	char err[256];
	int rc = snic_drv_chan_open(sock, &c, err, sizeof(err));

	SNIC_REQUIRE(rc == 0 && c, "data open: %d %s", rc, err);
	return c;
}

/* An AF_PACKET socket on VF0's TAP (the VM's side), made inside the
 * namespace; the calling thread returns to ours. */
static int vf0_raw(int *ifindex)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(0x0003) };
	char ifname[IF_NAMESIZE];
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), fd = -1;

	snprintf(ifname, sizeof(ifname), "%spf0vf0", name);
	if (self >= 0 && snic_net_enter(ns) == 0) {
		fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(0x0003));
		sll.sll_ifindex = (int)if_nametoindex(ifname);
		if (fd >= 0 && (!sll.sll_ifindex ||
				bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0)) {
			close(fd);
			fd = -1;
		}
		*ifindex = sll.sll_ifindex;
	}
	SNIC_REQUIRE(self >= 0 && setns(self, CLONE_NEWNET) == 0, "back to our namespace");
	close(self);
	return fd;
}

static void test_frame(uint8_t *f, size_t len, uint8_t tag)
{
	memcpy(f, "\x02\x00\x00\x00\x77\x01\x02\x00\x00\x00\x77\x02\x88\xb5", 14);
	for (size_t i = 14; i < len; i++)
		f[i] = (uint8_t)(tag + i);
}

/* n frames from the VM into VF0 (rx on its representor queue), and n frames
 * out of VF0's representor (tx: the VM receives them); returns how many of
 * each arrived byte for byte. */
static void data_traffic(struct snic_drv_chan *d, int raw, int ifindex, int n,
			 int *rx_ok, int *tx_ok)
{
	int q = snic_drv_chan_queue_of(d, SNIC_IFC_VPORT_VF(0));
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = ifindex,
				  .sll_halen = 6 };
	uint8_t f[256], got[2048];

	*rx_ok = *tx_ok = 0;
	SNIC_REQUIRE(q >= 0, "VF0 has a representor queue");
	for (int k = 0; k < n; k++) {
		uint64_t end = ms_now() + 3000;
		bool seen = false;

		test_frame(f, 100 + (size_t)k, (uint8_t)k);
		if (sendto(raw, f, 100 + (size_t)k, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			continue;
		while (!seen && ms_now() < end) {
			void *bufs[1] = { got };
			uint32_t len = 0;

			if (snic_drv_chan_rx_burst(d, (uint32_t)q, bufs, &len, 1, sizeof(got)) == 1)
				seen = len == 100u + (uint32_t)k && !memcmp(got, f, len);
			else
				snic_drv_chan_wait(d, 100);
		}
		*rx_ok += seen;
	}
	for (int k = 0; k < n; k++) {
		const void *frames[1] = { f };
		uint32_t len = 120 + (uint32_t)k;
		uint64_t end = ms_now() + 3000;
		bool seen = false;

		test_frame(f, len, (uint8_t)(0x40 + k));
		if (snic_drv_chan_tx_burst(d, (uint32_t)q, frames, &len, 1) != 1)
			continue;
		while (!seen && ms_now() < end) {
			struct pollfd p = { .fd = raw, .events = POLLIN };
			struct sockaddr_ll from;
			socklen_t fl = sizeof(from);
			ssize_t r;

			if (poll(&p, 1, 200) <= 0)
				continue;
			r = recvfrom(raw, got, sizeof(got), 0, (struct sockaddr *)&from, &fl);
			if (from.sll_pkttype == PACKET_OUTGOING)
				continue;       /* our own rx frames going in */
			seen = r == (ssize_t)len && !memcmp(got, f, len);
		}
		*tx_ok += seen;
	}
}

/* ---- command workers ---- */

struct worker {
	struct snic_drv_chan *c;
	uint32_t level;          /* tables at this level: a reply of another's
	                            would show; 0: stateless rounds (queries) */
	int iters;
	volatile bool *stop;     /* run until set, when iters is 0 */
	int done, bad;
	uint64_t max_ms;         /* the slowest create/query/destroy round */
	char why[256];
};

/* One round: create a table at w->level, query it, destroy it. */
static bool round_ok(struct worker *w, struct snic_fwc *f)
{
	struct snic_ifc_query_table_out q;
	uint32_t id = 0, st, total = 0, num = 0;
	char e[200];

	if (!w->level) {        /* nothing left behind if we die mid-round */
		st = snic_fwc_query_sriov(f, &total, &num);
		if (st == 0 && total != 4) {
			snprintf(w->why, sizeof(w->why), "total_vfs %u, not 4", total);
			return false;
		}
		goto out;
	}
	st = snic_fwc_create_table(f, w->level, SNIC_MISS_DEFAULT, 0, 0, &id);
	if (st == 0)
		st = snic_fwc_query_table(f, id, &q);
	if (st == 0 && snic_ifc_le32(q.level) != w->level) {
		snprintf(w->why, sizeof(w->why), "table %u: level %u, created %u", id,
			 snic_ifc_le32(q.level), w->level);
		return false;
	}
	if (st == 0)
		st = snic_fwc_destroy_table(f, id);
out:
	if (st) {
		snprintf(w->why, sizeof(w->why), "%s (%s)", snic_fwc_strerror(f, e, sizeof(e)),
			 snic_drv_chan_cmd_strerror(snic_drv_chan_exec_errno()));
		return false;
	}
	return true;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct snic_fwc *f = malloc(sizeof(*f));

	if (!f)
		return NULL;
	snic_drv_chan_fwc_init(w->c, f);
	while (w->iters ? w->done + w->bad < w->iters : !*w->stop) {
		uint64_t t0 = ms_now(), dt;

		if (round_ok(w, f))
			w->done++;
		else
			w->bad++;
		dt = ms_now() - t0;
		if (dt > w->max_ms)
			w->max_ms = dt;
	}
	free(f);
	return NULL;
}

/* ---- the tests ---- */

static void test_basics(void)
{
	struct snic_drv_chan *c = open_cmd(), *d, *d2 = NULL;
	struct snic_ifc_query_vport_out vq;
	struct snic_ifc_vport_ctx x = { .mac = { 0x02, 0xcc, 0, 0, 0, 3 } };
	struct snic_ifc_event ev[4];
	struct snic_fwc f;
	uint32_t total = 0, num = 0, len = 64;
	uint8_t buf[64] = { 0 };
	void *bufs[1] = { buf };
	const void *frames[1] = { buf };
	char want[64], err[256];
	uint64_t t0;

	SNIC_CHECK(snic_drv_chan_n_queues(c) == 0, "command-only: no queues (%u)",
		   snic_drv_chan_n_queues(c));
	SNIC_CHECK(snic_drv_chan_n_vfs(c) == 4, "command-only: the board's 4 VFs");
	SNIC_CHECK(snic_drv_chan_rx_burst(c, 0, bufs, &len, 1, sizeof(buf)) == 0 &&
		   snic_drv_chan_tx_burst(c, 0, frames, &len, 1) == 0 &&
		   snic_drv_chan_rx_pending(c, 0) == 0, "command-only: rx/tx bursts take nothing");
	SNIC_CHECK(snic_drv_chan_events(c, ev, 4) == 0, "command-only: no events");
	SNIC_CHECK(snic_drv_chan_rxq_irq_fd(c, 0) == -EINVAL &&
		   snic_drv_chan_rxq_irq_arm(c, 0) == -EINVAL, "command-only: no rx interrupts");
	t0 = ms_now();
	SNIC_CHECK(snic_drv_chan_wait(c, 100) == 0 && ms_now() - t0 >= 90,
		   "command-only: wait times out");
	snic_drv_chan_fwc_init(c, &f);
	SNIC_CHECK(snic_fwc_query_sriov(&f, &total, &num) == 0 && total == 4,
		   "a command without a data host attached (total_vfs %u)", total);
	SNIC_CHECK(snic_fwc_modify_vport(&f, SNIC_IFC_VPORT_VF(3), SNIC_VPORT_F_MAC, &x) == 0,
		   "a PF-only command (VF3's MAC) from the command-only host");
	snprintf(want, sizeof(want), "cmdhost pid=%d ", (int)getpid());
	SNIC_CHECK(status_has("cmdhosts attached=1 ") && status_has(want) &&
		   status_has("host none"), "ctl status lists the command-only host, no data host");

	d = open_data();
	SNIC_CHECK(snic_drv_chan_n_queues(d) == 6, "the data host beside it: 6 queues (%u)",
		   snic_drv_chan_n_queues(d));
	snic_drv_chan_fwc_init(d, &f);
	SNIC_CHECK(snic_fwc_query_vport(&f, SNIC_IFC_VPORT_VF(3), &vq) == 0 &&
		   !memcmp(vq.ctx.mac, x.mac, 6),
		   "the data host reads the MAC the command-only host set (same PF)");
	SNIC_CHECK(snic_drv_chan_open(sock, &d2, err, sizeof(err)) == -EBUSY && !d2 &&
		   strstr(err, "another host is attached") && strstr(err, sock),
		   "a second data host is still BUSY: %s", err);
	SNIC_CHECK(status_has("host attached"), "ctl status: the data host");
	snic_drv_chan_close(c);
	SNIC_CHECK(status_has("cmdhosts attached=0 "), "closing the command-only host frees it");
	snic_fwc_init(&f, snic_drv_chan_exec, d);
	SNIC_CHECK(snic_fwc_query_sriov(&f, &total, &num) == 0, "the data host goes on");
	snic_drv_chan_close(d);
	SNIC_CHECK(status_has("host none"), "the data host detached");
}

static void test_busy(void)
{
	struct snic_drv_chan *d = open_data(), *c[N_CMDH], *x = NULL;
	char err[256], pid[32];
	int rc;

	for (int i = 0; i < N_CMDH; i++)
		c[i] = open_cmd();
	rc = snic_drv_chan_open_cmd(sock, &x, err, sizeof(err));
	snprintf(pid, sizeof(pid), " %d", (int)getpid());
	SNIC_CHECK(rc == -EBUSY && !x, "a 5th command-only host is refused: %d", rc);
	SNIC_CHECK(strstr(err, sock) && strstr(err, "4 command-only hosts are attached (pids") &&
		   strstr(err, pid), "the refusal names the path and the pids: %s", err);
	printf("refused: %s\n", err);
	SNIC_CHECK(status_has("cmdhosts attached=4 max=4") && status_has("refused=1"),
		   "ctl status: 4 attached, 1 refused");
	snic_drv_chan_close(c[2]);
	rc = -1;
	for (int i = 0; i < 40 && rc; i++) {  /* the NIC sees the close */
		rc = snic_drv_chan_open_cmd(sock, &c[2], err, sizeof(err));
		if (rc)
			usleep(50000);
	}
	SNIC_CHECK(rc == 0, "closing one frees its place: %s", rc ? err : "");
	for (int i = 0; i < N_CMDH; i++)
		snic_drv_chan_close(c[i]);      /* c[2] NULL if the reopen failed */
	snic_drv_chan_close(d);
	SNIC_CHECK(status_has("cmdhosts attached=0 ") && status_has("host none"),
		   "all detached");
}

static void test_concurrent(void)
{
	struct snic_drv_chan *d = open_data();
	struct worker w[N_CMDH + 1];
	pthread_t t[N_CMDH + 1];
	volatile bool stop = false;
	int ifindex = 0, raw = vf0_raw(&ifindex), rx_ok, tx_ok, total = 0;
	uint64_t t0 = ms_now();

	SNIC_REQUIRE(raw >= 0, "a raw socket on VF0's TAP");
	memset(w, 0, sizeof(w));
	for (int i = 0; i <= N_CMDH; i++) {
		w[i].c = i < N_CMDH ? open_cmd() : d;
		w[i].level = 1u + (uint32_t)i;
		w[i].stop = &stop;
		SNIC_REQUIRE(pthread_create(&t[i], NULL, worker_main, &w[i]) == 0, "thread");
	}
	data_traffic(d, raw, ifindex, 16, &rx_ok, &tx_ok);
	while (ms_now() - t0 < 1500)
		usleep(50000);
	stop = true;
	for (int i = 0; i <= N_CMDH; i++) {
		pthread_join(t[i], NULL);
		printf("%s %d: %d rounds, %d bad, slowest round %llu ms%s%s\n",
		       i < N_CMDH ? "command-only host" : "data host", i, w[i].done,
		       w[i].bad, (unsigned long long)w[i].max_ms, w[i].bad ? ": " : "",
		       w[i].why);
		SNIC_CHECK(w[i].bad == 0 && w[i].done > 20,
			   "host %d: %d correct rounds, %d bad %s", i, w[i].done, w[i].bad,
			   w[i].why);
		SNIC_CHECK(w[i].max_ms < 1000, "host %d is not starved (slowest %llu ms)", i,
			   (unsigned long long)w[i].max_ms);
		total += w[i].done;
	}
	printf("%d rounds (x3 commands) in 1.5 s by 5 hosts\n", total);
	SNIC_CHECK(rx_ok == 16, "data host rx while command-only hosts hammer: %d/16", rx_ok);
	SNIC_CHECK(tx_ok == 16, "data host tx while command-only hosts hammer: %d/16", tx_ok);
	for (int i = 0; i < N_CMDH; i++)
		snic_drv_chan_close(w[i].c);
	close(raw);
	snic_drv_chan_close(d);
	SNIC_CHECK(status_has("cmdhosts attached=0 ") && status_has("host none"),
		   "all detached");
}

/* The victim: attach, say so, wait for go, hammer commands from 4 threads,
 * report progress; never returns (killed). */
static void victim(int ready_fd, int go_fd)
{
	struct snic_drv_chan *c = NULL;
	struct worker w[4];
	pthread_t t[4];
	volatile bool stop = false;
	char err[256], b;

	if (snic_drv_chan_open_cmd(sock, &c, err, sizeof(err)) != 0)
		_exit(3);
	(void)!write(ready_fd, "A", 1);
	if (read(go_fd, &b, 1) != 1)
		_exit(4);
	memset(w, 0, sizeof(w));
	for (int i = 0; i < 4; i++) {
		w[i].c = c;
		w[i].level = 0;         /* stateless: the kill leaks nothing */
		w[i].stop = &stop;
		pthread_create(&t[i], NULL, worker_main, &w[i]);
	}
	while (w[0].done + w[1].done + w[2].done + w[3].done < 200)
		usleep(1000);
	(void)!write(ready_fd, "R", 1);
	for (;;)
		pause();
}

static void test_kill(void)
{
	int ready[2], go[2], st, ifindex = 0, raw, rx_ok, tx_ok;
	struct snic_drv_chan *d, *c[2], *again;
	struct worker w[2];
	pthread_t t[2];
	volatile bool stop = false;
	char b = 0, want[64];
	pid_t pid;

	SNIC_REQUIRE(pipe(ready) == 0 && pipe(go) == 0, "pipes");
	pid = fork();       /* before our threads */
	SNIC_REQUIRE(pid >= 0, "fork");
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		victim(ready[1], go[0]);
	}
	close(ready[1]);
	close(go[0]);
	SNIC_REQUIRE(read(ready[0], &b, 1) == 1 && b == 'A', "the victim attached");
	d = open_data();
	raw = vf0_raw(&ifindex);
	SNIC_REQUIRE(raw >= 0, "a raw socket on VF0's TAP");
	memset(w, 0, sizeof(w));
	for (int i = 0; i < 2; i++) {
		w[i].c = c[i] = open_cmd();
		w[i].level = 1u + (uint32_t)i;
		w[i].stop = &stop;
		SNIC_REQUIRE(pthread_create(&t[i], NULL, worker_main, &w[i]) == 0, "thread");
	}
	snprintf(want, sizeof(want), "cmdhost pid=%d ", (int)pid);
	SNIC_CHECK(status_has("cmdhosts attached=3 ") && status_has(want),
		   "3 command-only hosts, the victim among them");
	(void)!write(go[1], "G", 1);
	SNIC_CHECK(read(ready[0], &b, 1) == 1 && b == 'R', "the victim is hammering");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	SNIC_CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "the victim died of SIGKILL");
	SNIC_CHECK(status_has("cmdhosts attached=2 "), "snic-sim forgot the killed host");
	int before0 = w[0].done, before1 = w[1].done;
	usleep(300000);
	SNIC_CHECK(w[0].done > before0 && w[1].done > before1,
		   "the other command-only hosts go on (%d, %d rounds since)",
		   w[0].done - before0, w[1].done - before1);
	data_traffic(d, raw, ifindex, 8, &rx_ok, &tx_ok);
	SNIC_CHECK(rx_ok == 8 && tx_ok == 8, "the data host's rx %d/8, tx %d/8 after the kill",
		   rx_ok, tx_ok);
	again = open_cmd();
	SNIC_CHECK(status_has("cmdhosts attached=3 "), "the killed host's place is free again");
	{
		struct worker one = { .c = again, .level = 5, .iters = 20 };

		worker_main(&one);
		SNIC_CHECK(one.done == 20, "the new command-only host works: %s", one.why);
	}
	stop = true;
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		SNIC_CHECK(w[i].bad == 0, "host %d: no bad reply (%s)", i, w[i].why);
		snic_drv_chan_close(c[i]);
	}
	snic_drv_chan_close(again);
	close(raw);
	close(ready[0]);
	close(go[1]);
	snic_drv_chan_close(d);
	SNIC_CHECK(status_has("cmdhosts attached=0 ") && status_has("host none"),
		   "all detached");
}

static void test_idle(void)
{
	struct snic_drv_chan *d = open_data(), *c[N_CMDH];
	unsigned long long t0, t1;
	uint64_t c0, w0;
	int rc;

	for (int i = 0; i < N_CMDH; i++) {
		struct worker one = { .iters = 3 };

		one.c = c[i] = open_cmd();
		one.level = 1u + (uint32_t)i;
		worker_main(&one);      /* each has been used, then idles */
		SNIC_CHECK(one.done == 3, "host %d works: %s", i, one.why);
	}
	usleep(300000);         /* the sim's adaptive polling falls asleep */
	t0 = snic_net_proc_ticks(sim_pid);
	c0 = thread_cpu_ms();
	w0 = ms_now();
	rc = snic_drv_chan_wait(c[0], 2000);    /* a command-only host sleeps */
	t1 = snic_net_proc_ticks(sim_pid);
	printf("idle 2 s with a data host and 4 command-only hosts: snic-sim %llu ticks, "
	       "the waiting host %llu ms CPU\n", t1 - t0,
	       (unsigned long long)(thread_cpu_ms() - c0));
	SNIC_CHECK(rc == 0 && ms_now() - w0 >= 1900, "command-only wait timed out (%d)", rc);
	SNIC_CHECK(thread_cpu_ms() - c0 < 100, "the waiting command-only host sleeps");
	SNIC_CHECK(t1 - t0 <= 10, "snic-sim sleeps with idle command-only hosts (%llu ticks "
		   "in 2 s)", t1 - t0);
	for (int i = 0; i < N_CMDH; i++)
		snic_drv_chan_close(c[i]);
	snic_drv_chan_close(d);
}

int main(void)
{
	snic_test_need_root();
	signal(SIGPIPE, SIG_IGN);
	snprintf(name, sizeof(name), "c%05d", (int)(getpid() % 100000));
	snprintf(sock, sizeof(sock), "/tmp/snict-%s.sock", name);
	snprintf(ctl, sizeof(ctl), "/tmp/snict-%s.ctl", name);
	snprintf(simlog, sizeof(simlog), "/tmp/snict-%s.log", name);
	SNIC_REQUIRE(snic_net_ns_create(ns) == 0, "namespace");
	snic_net_run(ns, NULL, "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 "
		     "net.ipv6.conf.default.disable_ipv6=1");
	sim_pid = snic_net_spawn(ns, simlog, "%s --name %s --socket %s --board %s",
				 SNIC_SIM, name, sock,
				 snic_test_build_path("tests/fixtures/small.dtb"));
	SNIC_REQUIRE(sim_pid > 0, "start snic-sim");
	SNIC_REQUIRE(snic_net_sim_wait(SNIC_SIM, ctl, simlog) == 0, "snic-sim is up");

	test_basics();
	test_busy();
	test_concurrent();
	test_kill();
	test_idle();

	SNIC_CHECK(kill(sim_pid, 0) == 0, "snic-sim is still running");
	SNIC_CHECK(snic_net_stop(sim_pid, SIGTERM, 5000) == 0, "snic-sim exits 0 on SIGTERM");
	if (snic_test_failed_)
		snic_net_run(NULL, NULL, "tail -n 40 %s", simlog);
	unlink(simlog);
	return snic_test_done();
}
