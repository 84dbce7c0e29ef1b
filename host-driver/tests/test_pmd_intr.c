/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_pmd_intr.c - net_snic's rx interrupts under the real DPDK EAL over a
 * real snic-sim, through DPDK's public rx-interrupt API only, the way
 * l3fwd-power uses it on mlx5: intr_conf.rxq = 1,
 * rte_eth_dev_rx_intr_ctl_q(port, 0, RTE_EPOLL_PER_THREAD,
 * RTE_INTR_EVENT_ADD, data), then rte_eth_dev_rx_intr_enable(),
 * rte_epoll_wait(), rte_eth_dev_rx_intr_disable() and rte_eth_rx_burst();
 * and rte_eth_dev_rx_intr_ctl_q_get_fd().
 *
 * Checks: intr_conf.lsc/rmv are refused; a port started without
 * intr_conf.rxq has no rx interrupt; each port's queue has its own fd; with
 * no traffic a 300 ms wait times out after 300 ms using next to no CPU; a
 * frame the VM on VF0 sends wakes the thread sleeping on VF0's
 * representor, and rx_burst returns exactly that frame; a frame for VF1
 * wakes the thread sleeping on VF1's representor and not the one sleeping
 * on VF0's; the uplink port's queue wakes its sleeper too; a frame that
 * arrived before rx_intr_enable makes the wait return at once; stop takes
 * the interrupts down, start brings them back; closing detaches.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include <rte_epoll.h>

#include "pmd_test.h"

static uint16_t up, rep[2];

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* CPU time of the calling thread, microseconds. */
static uint64_t thread_cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* One sleep on port's rx queue, as l3fwd-power does it.  No checks here:
 * a sleeper thread records, the main thread checks. */
struct nap {
	int enable, n, disable;  /* what the three calls returned */
	void *data;              /* of the first event */
	uint64_t ms, cpu_us;     /* the wait's duration, the thread's CPU in it */
};

static void nap(uint16_t port, int timeout_ms, struct nap *r)
{
	struct rte_epoll_event ev[4];
	uint64_t t0, c0;

	r->enable = rte_eth_dev_rx_intr_enable(port, 0);
	t0 = now_ms();
	c0 = thread_cpu_us();
	r->n = rte_epoll_wait(RTE_EPOLL_PER_THREAD, ev, 4, timeout_ms);
	r->cpu_us = thread_cpu_us() - c0;
	r->ms = now_ms() - t0;
	r->data = r->n > 0 ? ev[0].epdata.data : NULL;
	r->disable = rte_eth_dev_rx_intr_disable(port, 0);
}

/* Send r's frame from inside the namespace delay_ms from now, without
 * waiting for it: a child process (exits by itself). */
static pid_t send_later(struct raw *r, int delay_ms)
{
	pid_t pid = fork();

	if (pid == 0) {
		usleep((useconds_t)delay_ms * 1000u);
		if (snic_net_enter(ns))
			_exit(100);
		_exit(raw_send(r));
	}
	return pid;
}

static int child_status(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The port's queue holds exactly r's frame, byte for byte. */
static bool rx_exactly(uint16_t port, const struct raw *r)
{
	struct rte_mbuf *m[8];
	uint16_t n = rte_eth_rx_burst(port, 0, m, 8), more;
	bool ok = n == 1 && m[0]->pkt_len == r->len &&
		  !memcmp(rte_pktmbuf_mtod(m[0], const void *), r->frame, r->len);

	if (n)
		rte_pktmbuf_free_bulk(m, n);
	more = rte_eth_rx_burst(port, 0, m, 8);
	if (more)
		rte_pktmbuf_free_bulk(m, more);
	if (!ok || more)
		printf("port %u: %u frame(s) (first %u bytes), then %u more; want 1 of %zu\n",
		       port, n, n ? m[0]->pkt_len : 0, more, r->len);
	return ok && more == 0;
}

static void check_nap(const struct nap *r, const char *what)
{
	printf("%s: rte_epoll_wait %d after %llu ms, %llu us CPU\n", what, r->n,
	       (unsigned long long)r->ms, (unsigned long long)r->cpu_us);
	SNIC_CHECK(r->enable == 0 && r->disable == 0, "%s: rx_intr_enable %d, disable %d",
		   what, r->enable, r->disable);
}

static int ctl_q(uint16_t port, int op, void *data)
{
	return rte_eth_dev_rx_intr_ctl_q(port, 0, RTE_EPOLL_PER_THREAD, op, data);
}

/* A thread sleeping on VF0's representor while the main thread works. */
struct sleeper {
	pthread_barrier_t ready;
	int add, del;
	struct nap nap;
};

static void *sleeper_main(void *arg)
{
	struct sleeper *s = arg;

	s->add = ctl_q(rep[0], RTE_INTR_EVENT_ADD, &rep[0]);
	pthread_barrier_wait(&s->ready);
	nap(rep[0], 1000, &s->nap);
	s->del = ctl_q(rep[0], RTE_INTR_EVENT_DEL, NULL);
	return NULL;
}

static void test_config(void)
{
	struct rte_eth_conf conf = { 0 };

	conf.intr_conf.lsc = 1;
	SNIC_CHECK_EQ(rte_eth_dev_configure(up, 1, 1, &conf), -EINVAL,
		      "intr_conf.lsc refused");
	conf.intr_conf.lsc = 0;
	conf.intr_conf.rmv = 1;
	SNIC_CHECK_EQ(rte_eth_dev_configure(rep[0], 1, 1, &conf), -EINVAL,
		      "intr_conf.rmv refused");
	conf.intr_conf.rmv = 0;

	pmd_test_start_port(up, &conf);
	SNIC_CHECK(ctl_q(up, RTE_INTR_EVENT_ADD, NULL) < 0,
		   "no rx interrupt to add without intr_conf.rxq");
	SNIC_CHECK_EQ(rte_eth_dev_rx_intr_ctl_q_get_fd(up, 0), -1, "nor its fd");
	SNIC_CHECK(rte_eth_dev_rx_intr_enable(up, 0) < 0, "nor enable");
	SNIC_CHECK_EQ(rte_eth_dev_stop(up), 0, "stop");
}

int main(void)
{
	struct rte_eth_conf iconf = { .intr_conf.rxq = 1 };
	char if_vf0[IF_NAMESIZE], if_vf1[IF_NAMESIZE], if_up[IF_NAMESIZE];
	struct sleeper sl;
	struct raw r;
	struct nap n;
	pthread_t th;
	pid_t pid;
	int fd[3];

	pmd_test_begin("test_pmd_intr");
	SNIC_REQUIRE(rte_eth_dev_get_port_by_name("net_snic0", &up) == 0 &&
		     rte_eth_dev_get_port_by_name("net_snic0_representor_vf0", &rep[0]) == 0 &&
		     rte_eth_dev_get_port_by_name("net_snic0_representor_vf1", &rep[1]) == 0,
		     "the uplink port and VF0's and VF1's representors");
	snprintf(if_vf0, sizeof(if_vf0), "%spf0vf0", name);
	snprintf(if_vf1, sizeof(if_vf1), "%spf0vf1", name);
	snprintf(if_up, sizeof(if_up), "%sp0", name);
	test_config();

	pmd_test_start_port(up, &iconf);
	pmd_test_start_port(rep[0], &iconf);
	pmd_test_start_port(rep[1], &iconf);
	fd[0] = rte_eth_dev_rx_intr_ctl_q_get_fd(up, 0);
	fd[1] = rte_eth_dev_rx_intr_ctl_q_get_fd(rep[0], 0);
	fd[2] = rte_eth_dev_rx_intr_ctl_q_get_fd(rep[1], 0);
	SNIC_CHECK(fd[0] >= 0 && fd[1] >= 0 && fd[2] >= 0 && fd[0] != fd[1] &&
		   fd[1] != fd[2] && fd[0] != fd[2],
		   "each port's rx queue has its own interrupt fd (%d, %d, %d)",
		   fd[0], fd[1], fd[2]);

	/* no traffic: the wait times out, asleep */
	SNIC_REQUIRE(ctl_q(rep[0], RTE_INTR_EVENT_ADD, &rep[0]) == 0,
		     "VF0 representor's queue into this thread's epoll");
	nap(rep[0], 300, &n);
	check_nap(&n, "idle");
	SNIC_CHECK(n.n == 0, "no traffic: rte_epoll_wait returns 0 (%d)", n.n);
	SNIC_CHECK(n.ms >= 295 && n.ms < 1000, "after the 300 ms timeout (%llu ms)",
		   (unsigned long long)n.ms);
	SNIC_CHECK(n.cpu_us < 20000, "asleep, not spinning: %llu us of CPU in 300 ms",
		   (unsigned long long)n.cpu_us);

	/* the VM on VF0 sends: VF0's representor's sleeper wakes */
	test_frame(&r, if_vf0, 21, 120);
	pid = send_later(&r, 100);
	nap(rep[0], 3000, &n);
	check_nap(&n, "VF0 frame");
	SNIC_CHECK(child_status(pid) == 0, "the VM on VF0 sent its frame");
	SNIC_CHECK(n.n == 1 && n.data == &rep[0], "woken by VF0's representor's queue (%d)",
		   n.n);
	SNIC_CHECK(n.ms >= 80 && n.ms < 2000, "when the frame came (%llu ms)",
		   (unsigned long long)n.ms);
	SNIC_CHECK(rx_exactly(rep[0], &r), "rx_burst returns exactly that frame");

	/* a frame for VF1 wakes VF1's sleeper, not VF0's */
	SNIC_CHECK_EQ(ctl_q(rep[0], RTE_INTR_EVENT_DEL, NULL), 0, "VF0's queue out of this epoll");
	memset(&sl, 0, sizeof(sl));
	pthread_barrier_init(&sl.ready, NULL, 2);
	SNIC_REQUIRE(pthread_create(&th, NULL, sleeper_main, &sl) == 0, "sleeper thread");
	pthread_barrier_wait(&sl.ready);
	SNIC_CHECK_EQ(ctl_q(rep[1], RTE_INTR_EVENT_ADD, &rep[1]), 0, "VF1's queue into this epoll");
	test_frame(&r, if_vf1, 22, 90);
	pid = send_later(&r, 100);
	nap(rep[1], 3000, &n);
	check_nap(&n, "VF1 frame, VF1 sleeper");
	SNIC_CHECK(child_status(pid) == 0, "the VM on VF1 sent its frame");
	SNIC_CHECK(n.n == 1 && n.data == &rep[1], "VF1's sleeper woken (%d)", n.n);
	SNIC_CHECK(rx_exactly(rep[1], &r), "rx_burst on VF1's representor: exactly that frame");
	pthread_join(th, NULL);
	pthread_barrier_destroy(&sl.ready);
	check_nap(&sl.nap, "VF1 frame, VF0 sleeper");
	SNIC_CHECK(sl.add == 0 && sl.del == 0, "the sleeper added and removed VF0's queue");
	SNIC_CHECK(sl.nap.n == 0, "VF0's sleeper slept through VF1's frame (%d)", sl.nap.n);
	SNIC_CHECK(sl.nap.ms >= 990, "until its 1000 ms timeout (%llu ms)",
		   (unsigned long long)sl.nap.ms);
	SNIC_CHECK(sl.nap.cpu_us < 20000, "asleep: %llu us CPU",
		   (unsigned long long)sl.nap.cpu_us);
	SNIC_CHECK_EQ(rte_eth_rx_burst(rep[0], 0, (struct rte_mbuf *[1]){ NULL }, 1), 0,
		      "nothing on VF0's representor");

	/* the uplink port: a frame from the wire (VF1's queue stays registered
	 * here, not enabled: it must not be reported) */
	SNIC_CHECK_EQ(ctl_q(up, RTE_INTR_EVENT_ADD, &up), 0, "the uplink's queue into this epoll");
	test_frame(&r, if_up, 23, 1400);
	pid = send_later(&r, 100);
	nap(up, 3000, &n);
	check_nap(&n, "wire frame");
	SNIC_CHECK(child_status(pid) == 0, "a frame came from the wire");
	SNIC_CHECK(n.n == 1 && n.data == &up, "the uplink port's sleeper woken (%d)", n.n);
	SNIC_CHECK(rx_exactly(up, &r), "rx_burst on the uplink port: exactly that frame");

	/* a frame already waiting when the queue is enabled: no sleep */
	test_frame(&r, if_vf1, 24, 64);
	SNIC_CHECK(in_ns(raw_send, &r) == 0, "the VM on VF1 sends before the enable");
	usleep(300000);
	nap(rep[1], 3000, &n);
	check_nap(&n, "frame before enable");
	SNIC_CHECK(n.n == 1 && n.data == &rep[1], "rte_epoll_wait reports VF1's queue (%d)", n.n);
	SNIC_CHECK(n.ms < 100, "at once (%llu ms)", (unsigned long long)n.ms);
	SNIC_CHECK(rx_exactly(rep[1], &r), "and rx_burst has that frame");

	/* stop takes the interrupt down (out of the epoll too), start brings
	 * it back */
	SNIC_CHECK_EQ(rte_eth_dev_stop(up), 0, "stop the uplink port");
	SNIC_CHECK_EQ(rte_eth_dev_rx_intr_ctl_q_get_fd(up, 0), -1, "no interrupt while stopped");
	SNIC_CHECK_EQ(rte_eth_dev_start(up), 0, "start it again");
	SNIC_CHECK(rte_eth_dev_rx_intr_ctl_q_get_fd(up, 0) >= 0, "its interrupt is back");
	SNIC_CHECK_EQ(ctl_q(up, RTE_INTR_EVENT_ADD, &up), 0, "and can be added again");

	/* closing every port detaches from the NIC */
	return pmd_test_end(up, rep);
}
