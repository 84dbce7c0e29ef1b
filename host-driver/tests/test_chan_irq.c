/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_chan_irq.c - sleeping and waking on the device channel
 * (snic_drv_chan.h) against the fake NIC (fake_nic.h): wait() without
 * spinning, woken by rx, events and the NIC leaving; the caller's own epoll
 * on the channel's interrupt; the per-queue rx interrupts (one eventfd per
 * queue, armed with the Dekker protocol of snic_chan.h: readable only after
 * a frame on that queue, one-shot, not for another queue's frames, events or
 * completions, 1 instead of armed when frames are pending); commands and
 * sleepers when the NIC hangs up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chan_test.h"
#include "snic_fw.h"
#include "snic_fwc.h"

/* ---- sleeping ---- */

struct later {
	int ms;
	int what;     /* 0 rx frame on queue q, 1 event, 2 hang up */
	uint32_t q;
};

static void *later_thread(void *arg)
{
	struct later *l = arg;
	uint8_t f[60] = { 0 };

	usleep((useconds_t)l->ms * 1000u);
	if (l->what == 0)
		fake_nic_rx_push(nic, l->q, f, sizeof(f));
	else if (l->what == 1)
		fake_nic_event_push(nic, SNIC_EVENT_HEALTH, 0, 0);
	else
		fake_nic_hangup(nic);
	return NULL;
}

struct cmd_later {
	struct snic_drv_chan *c;
	uint32_t syn;
	uint64_t ms;
};

static void *cmd_later_thread(void *arg)
{
	struct cmd_later *t = arg;
	struct snic_fwc *f = malloc(sizeof(*f));
	uint64_t t0 = ms_now();
	uint32_t mode;

	snic_drv_chan_fwc_init(t->c, f);
	t->syn = snic_fwc_query_esw_mode(f, &mode);
	t->ms = ms_now() - t0;
	free(f);
	return NULL;
}

static void test_wait(void)
{
	struct snic_drv_chan *c = attach();
	struct snic_ifc_event ev;
	uint8_t buf[2048];
	void *bufs[1] = { buf };
	uint32_t len;
	uint64_t t0, cpu0, dt;
	pthread_t th;
	struct later l;

	SNIC_CHECK_EQ(snic_drv_chan_wait(c, 0), 0, "nothing");
	t0 = ms_now();
	cpu0 = cpu_ms();
	SNIC_CHECK_EQ(snic_drv_chan_wait(c, 200), 0, "timeout");
	dt = ms_now() - t0;
	SNIC_CHECK(dt >= 195 && dt < 1000, "waited %llu ms", (unsigned long long)dt);
	SNIC_CHECK(cpu_ms() - cpu0 < 40, "without spinning: %llu ms CPU",
		   (unsigned long long)(cpu_ms() - cpu0));

	l = (struct later){ 60, 0, 3 };
	pthread_create(&th, NULL, later_thread, &l);
	t0 = ms_now();
	SNIC_CHECK(snic_drv_chan_wait(c, 3000) > 0, "woken by rx");
	dt = ms_now() - t0;
	SNIC_CHECK(dt >= 50 && dt < 1000, "after %llu ms", (unsigned long long)dt);
	pthread_join(th, NULL);
	SNIC_CHECK_EQ(snic_drv_chan_rx_burst(c, 3, bufs, &len, 1, sizeof(buf)), 1, "the frame");

	l = (struct later){ 30, 1, 0 };
	pthread_create(&th, NULL, later_thread, &l);
	SNIC_CHECK(snic_drv_chan_wait(c, -1) > 0, "woken by an event");
	pthread_join(th, NULL);
	SNIC_CHECK_EQ(snic_drv_chan_events(c, &ev, 1), 1, "the event");

	/* the caller's own poll on the irq fd */
	struct pollfd p = { .fd = snic_drv_chan_irq_fd(c), .events = POLLIN };
	SNIC_CHECK_EQ(snic_drv_chan_irq_arm(c), 0, "armed");
	SNIC_CHECK_EQ(snic_drv_chan_irq_arm(c), -EBUSY, "one external sleeper");
	l = (struct later){ 40, 0, 3 };
	pthread_create(&th, NULL, later_thread, &l);
	t0 = ms_now();
	SNIC_CHECK_EQ(poll(&p, 1, 3000), 1, "irq fd readable");
	SNIC_CHECK(ms_now() - t0 >= 30, "after the frame");
	snic_drv_chan_irq_disarm(c);
	pthread_join(th, NULL);
	SNIC_CHECK_EQ(poll(&p, 1, 0), 0, "drained by disarm");
	SNIC_CHECK_EQ(snic_drv_chan_irq_arm(c), 1, "frame pending: do not sleep");
	SNIC_CHECK_EQ(snic_drv_chan_rx_burst(c, 3, bufs, &len, 1, sizeof(buf)), 1, "the frame");
	SNIC_CHECK_EQ(snic_drv_chan_irq_arm(c), 0, "armed again");
	snic_drv_chan_irq_disarm(c);
	snic_drv_chan_irq_disarm(c);   /* harmless */

	/* an external sleeper and a sleeping command share the interrupt: the
	 * command's thread leaves the eventfd to the external one */
	struct cmd_later cl = { .c = c };
	uint64_t cpu1 = cpu_ms();

	CTL(ctl->delay_next_ms = 80);
	SNIC_CHECK_EQ(snic_drv_chan_irq_arm(c), 0, "armed");
	pthread_create(&th, NULL, cmd_later_thread, &cl);
	SNIC_CHECK_EQ(poll(&p, 1, 3000), 1, "completion raised the irq");
	snic_drv_chan_irq_disarm(c);
	pthread_join(th, NULL);
	SNIC_CHECK_EQ(cl.syn, SNIC_SYN_OK, "the command completed");
	SNIC_CHECK(cl.ms >= 70 && cl.ms < 1000, "in %llu ms", (unsigned long long)cl.ms);
	SNIC_CHECK(cpu_ms() - cpu1 < 40, "nobody spun: %llu ms CPU",
		   (unsigned long long)(cpu_ms() - cpu1));
	detach(c);
}

static void test_hangup(void)
{
	struct snic_drv_chan *c = attach();
	static struct snic_fwc f;
	uint32_t mode;
	uint64_t t0;
	pthread_t th;
	struct later l = { 50, 2, 0 };

	snic_drv_chan_fwc_init(c, &f);
	/* a command in flight when the NIC goes: fails at once, not after 5 s */
	CTL(ctl->ignore_next = 1);
	pthread_create(&th, NULL, later_thread, &l);
	t0 = ms_now();
	SNIC_CHECK_EQ(snic_fwc_query_esw_mode(&f, &mode), SNIC_FWC_ETRANSPORT, "in flight");
	SNIC_CHECK_EQ(snic_drv_chan_exec_errno(), -EPIPE, "NIC gone");
	SNIC_CHECK(ms_now() - t0 < 1000, "at once (%llu ms)", (unsigned long long)(ms_now() - t0));
	pthread_join(th, NULL);
	SNIC_CHECK(fake_nic_wait_attached(nic, false, 2000), "NIC detached");
	SNIC_CHECK(!snic_drv_chan_alive(c), "not alive");
	SNIC_CHECK_EQ(snic_drv_chan_wait(c, -1), -EPIPE, "wait reports it");
	t0 = ms_now();
	SNIC_CHECK_EQ(snic_fwc_query_esw_mode(&f, &mode), SNIC_FWC_ETRANSPORT, "after");
	SNIC_CHECK_EQ(snic_drv_chan_exec_errno(), -EPIPE, "EPIPE");
	SNIC_CHECK(ms_now() - t0 < 50, "fast");
	SNIC_CHECK_EQ(snic_drv_chan_irq_arm(c), -EPIPE, "arm too");
	SNIC_CHECK_EQ(snic_drv_chan_rxq_irq_arm(c, 0), -EPIPE, "rx interrupt arm too");
	SNIC_CHECK_EQ(snic_drv_chan_rxq_irq_disarm(c, 0), 0, "disarm is harmless");
	snic_drv_chan_close(c);

	/* and a sleeping waiter is woken by the hang-up */
	c = attach();
	l = (struct later){ 50, 2, 0 };
	pthread_create(&th, NULL, later_thread, &l);
	t0 = ms_now();
	SNIC_CHECK_EQ(snic_drv_chan_wait(c, 5000), -EPIPE, "woken by the hang-up");
	SNIC_CHECK(ms_now() - t0 < 1000, "at once");
	pthread_join(th, NULL);
	snic_drv_chan_close(c);
	SNIC_CHECK(fake_nic_wait_attached(nic, false, 2000), "NIC detached");
	detach(attach());   /* the NIC takes the next host */
}

/* ---- per-queue rx interrupts ---- */

/* Queue q's rx_armed flag as the NIC sees it. */
static uint32_t rx_armed(struct snic_drv_chan *c, uint32_t q)
{
	struct snic_chan_shm *shm = snic_drv_chan_shm(c);
	struct snic_chan_queue *qs = (void *)((uint8_t *)shm + shm->queue_off);

	return __atomic_load_n(&qs[q].rx_armed.v, __ATOMIC_ACQUIRE);
}

static void test_rxq_irq(void)
{
	struct snic_drv_chan *c = attach();
	static struct snic_fwc fwc;
	struct snic_drv_chan_stats st;
	struct fake_nic_stats fs0, fs;
	struct snic_chan_stats ns;
	uint8_t f[60], buf[2048];
	void *bufs[1] = { buf };
	uint32_t len, mode, nq = snic_drv_chan_n_queues(c);
	struct pollfd p[6];
	uint64_t t0, cpu0, dt, v = 0;
	pthread_t th;
	struct later l;

	SNIC_REQUIRE(nq == 6, "the small board has 6 queues (%u)", nq);
	snic_drv_chan_fwc_init(c, &fwc);
	/* one eventfd per queue, each its own */
	for (uint32_t q = 0; q < nq; q++) {
		p[q] = (struct pollfd){ .fd = snic_drv_chan_rxq_irq_fd(c, q), .events = POLLIN };
		SNIC_CHECK(p[q].fd >= 0 && p[q].fd != snic_drv_chan_irq_fd(c),
			   "queue %u has an rx interrupt eventfd (%d)", q, p[q].fd);
		for (uint32_t k = 0; k < q; k++)
			SNIC_CHECK(p[q].fd != p[k].fd, "queues %u and %u share one", k, q);
	}
	SNIC_CHECK_EQ(snic_drv_chan_rxq_irq_fd(c, nq), -EINVAL, "no queue 6: fd");
	SNIC_CHECK_EQ(snic_drv_chan_rxq_irq_arm(c, nq), -EINVAL, "no queue 6: arm");
	SNIC_CHECK_EQ(snic_drv_chan_rxq_irq_arm(c, UINT32_MAX), -EINVAL, "no queue 2^32-1");
	SNIC_CHECK_EQ(snic_drv_chan_rxq_irq_disarm(c, nq), -EINVAL, "no queue 6: disarm");

	/* armed on an empty queue: readable only once the NIC posts to it */
	fake_nic_stats(nic, &fs0);
	SNIC_CHECK_EQ(snic_drv_chan_rxq_irq_arm(c, 2), 0, "q2 armed");
	SNIC_CHECK_EQ(rx_armed(c, 2), 1, "q2's flag is set");
	SNIC_CHECK_EQ(poll(&p[2], 1, 50), 0, "q2 quiet while nothing arrives");
	frame_fill(f, sizeof(f), 3);
	SNIC_CHECK(fake_nic_rx_push(nic, 3, f, sizeof(f)), "a frame on q3");
	SNIC_CHECK(fake_nic_event_push(nic, SNIC_EVENT_HEALTH, 0, 1), "an event");
	SNIC_CHECK_EQ(snic_fwc_query_esw_mode(&fwc, &mode), SNIC_SYN_OK, "a command");
	SNIC_CHECK_EQ(poll(&p[2], 1, 100), 0,
		      "q3's frame, the event and the completion leave q2 quiet");
	SNIC_CHECK_EQ(poll(&p[3], 1, 0), 0, "q3 is not armed: no interrupt for it either");
	SNIC_CHECK_EQ(rx_armed(c, 2), 1, "q2 still armed");
	l = (struct later){ 60, 0, 2 };
	pthread_create(&th, NULL, later_thread, &l);
	t0 = ms_now();
	cpu0 = cpu_ms();
	SNIC_CHECK_EQ(poll(&p[2], 1, 3000), 1, "q2 readable once the NIC posts to q2");
	dt = ms_now() - t0;
	SNIC_CHECK(dt >= 50 && dt < 1000, "after %llu ms", (unsigned long long)dt);
	SNIC_CHECK(cpu_ms() - cpu0 < 40, "nobody spun: %llu ms CPU",
		   (unsigned long long)(cpu_ms() - cpu0));
	pthread_join(th, NULL);
	SNIC_CHECK_EQ(rx_armed(c, 2), 0, "the NIC disarmed q2 (one-shot)");
	SNIC_CHECK_EQ(snic_drv_chan_rxq_irq_disarm(c, 2), 0, "disarm");
	SNIC_CHECK_EQ(poll(&p[2], 1, 0), 0, "drained by disarm");
	snic_drv_chan_stats(c, &st);
	fake_nic_stats(nic, &fs);
	snic_drv_chan_nic_stats(c, &ns);
	SNIC_CHECK(st.rxq_arms == 1 && st.rxq_irqs == 1, "host: armed %llu, drained %llu",
		   (unsigned long long)st.rxq_arms, (unsigned long long)st.rxq_irqs);
	SNIC_CHECK_EQ(fs.rxq_irqs - fs0.rxq_irqs, 1, "the NIC raised one rx interrupt");
	SNIC_CHECK_EQ(ns.rxq_irqs, fs.rxq_irqs, "and counted it in the shared stats");

	/* frames pending: arm says so and leaves the queue unarmed */
	SNIC_CHECK_EQ(snic_drv_chan_rxq_irq_arm(c, 2), 1, "q2 has a frame: do not sleep");
	SNIC_CHECK_EQ(rx_armed(c, 2), 0, "q2 not left armed");
	SNIC_CHECK_EQ(snic_drv_chan_rx_burst(c, 2, bufs, &len, 1, sizeof(buf)), 1, "q2's frame");
	SNIC_CHECK_EQ(snic_drv_chan_rxq_irq_arm(c, 3), 1, "q3's frame is pending too");
	SNIC_CHECK(snic_drv_chan_rx_burst(c, 3, bufs, &len, 1, sizeof(buf)) == 1 &&
		   len == sizeof(f) && !memcmp(buf, f, sizeof(f)), "q3's frame, as sent");
	SNIC_CHECK_EQ(snic_drv_chan_rxq_irq_arm(c, 3), 0, "q3 empty: armed");
	SNIC_CHECK_EQ(snic_drv_chan_rxq_irq_disarm(c, 3), 0, "disarmed");
	SNIC_CHECK_EQ(rx_armed(c, 3), 0, "q3's flag cleared by disarm");

	/* one-shot: two frames, one write */
	SNIC_CHECK_EQ(snic_drv_chan_rxq_irq_arm(c, 4), 0, "q4 armed");
	SNIC_CHECK(fake_nic_rx_push(nic, 4, f, sizeof(f)) &&
		   fake_nic_rx_push(nic, 4, f, sizeof(f)), "two frames on q4");
	SNIC_CHECK_EQ(poll(&p[4], 1, 1000), 1, "q4 readable");
	SNIC_CHECK(read(p[4].fd, &v, sizeof(v)) == (ssize_t)sizeof(v) && v == 1,
		   "one interrupt for both (count %llu)", (unsigned long long)v);
	SNIC_CHECK_EQ(snic_drv_chan_rxq_irq_disarm(c, 4), 0, "disarm after the caller read it");
	SNIC_CHECK_EQ(snic_drv_chan_rx_burst(c, 4, bufs, &len, 1, sizeof(buf)) +
		      snic_drv_chan_rx_burst(c, 4, bufs, &len, 1, sizeof(buf)), 2, "both frames");

	/* a count a late NIC write left behind is drained by the next arm */
	v = 1;
	SNIC_CHECK(write(p[5].fd, &v, sizeof(v)) == (ssize_t)sizeof(v), "a stale count on q5");
	SNIC_CHECK_EQ(snic_drv_chan_rxq_irq_arm(c, 5), 0, "q5 armed");
	SNIC_CHECK_EQ(poll(&p[5], 1, 0), 0, "the stale count is gone");
	SNIC_CHECK_EQ(snic_drv_chan_rxq_irq_disarm(c, 5), 0, "disarmed");

	/* the channel's interrupt works alongside: wait() sees the same frame */
	SNIC_CHECK_EQ(snic_drv_chan_rxq_irq_arm(c, 2), 0, "q2 armed");
	l = (struct later){ 30, 0, 2 };
	pthread_create(&th, NULL, later_thread, &l);
	SNIC_CHECK(snic_drv_chan_wait(c, 3000) > 0, "wait() woken by q2's frame");
	SNIC_CHECK_EQ(poll(&p[2], 1, 1000), 1, "and q2's interrupt raised");
	pthread_join(th, NULL);
	SNIC_CHECK_EQ(snic_drv_chan_rxq_irq_disarm(c, 2), 0, "disarmed");
	SNIC_CHECK_EQ(snic_drv_chan_rx_burst(c, 2, bufs, &len, 1, sizeof(buf)), 1, "the frame");
	fake_nic_stats(nic, &fs);
	SNIC_CHECK_EQ(fs.rxq_irqs - fs0.rxq_irqs, 3, "three rx interrupts in all");
	detach(c);
}

int main(void)
{
	chan_test_begin();
	test_wait();
	test_rxq_irq();
	test_hangup();
	return chan_test_end();
}
