/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * chan_wait.c - sleeping and waking: the doorbell kick, the interrupt
 * protocol of snic_drv_chan.h (sleepers, the poller, the generation), the
 * caller's own epoll (irq_arm/irq_disarm), the per-queue rx interrupts
 * (rxq_irq_*), and hang-up detection.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chan_internal.h"

void drv_kick(struct snic_drv_chan *c)
{
	uint64_t one = 1;

	FENCE_FULL();   /* the publication before the flag read (Dekker) */
	if (LOAD_RLX(&c->shm->nic_sleeping.v)) {
		STAT_ADD(c, doorbells, 1);
		/* Cannot block: only an overflowing counter would. */
		if (write(c->doorbell_fd, &one, sizeof(one)) < 0)
			(void)0;
	}
}

static void mark_dead(struct snic_drv_chan *c)
{
	__atomic_store_n(&c->dead, 1, __ATOMIC_RELEASE);
}

/* The socket polled readable or hung up: tell which. */
static void sock_event(struct snic_drv_chan *c, short revents)
{
	char buf[256];
	ssize_t n;

	if (revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL)) {
		mark_dead(c);
		return;
	}
	if (!(revents & POLLIN))
		return;
	n = recv(c->sock, buf, sizeof(buf), MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		mark_dead(c);
	else if (n > 0)
		STAT_ADD(c, sock_unexpected, 1);
}

void drv_check_sock(struct snic_drv_chan *c)
{
	struct pollfd p = { .fd = c->sock, .events = POLLIN | POLLRDHUP };

	if (!drv_dead(c) && poll(&p, 1, 0) > 0)
		sock_event(c, p.revents);
}

bool snic_drv_chan_alive(struct snic_drv_chan *c)
{
	drv_check_sock(c);
	return !drv_dead(c);
}

bool drv_rx_or_events_pending(struct snic_drv_chan *c, void *arg)
{
	(void)arg;
	if (c->evq && LOAD_ACQ(&c->evq->prod.v) != LOAD_RLX(&c->ev_cons))
		return true;
	for (uint32_t q = 0; q < c->n_queues; q++)
		if (LOAD_ACQ(&c->q[q].rx->prod.v) != LOAD_RLX(&c->q[q].rx_cons))
			return true;
	return false;
}

/* ---- sleepers (under c->mu) ---- */

static void arm_locked(struct snic_drv_chan *c)
{
	if (c->n_armed++ == 0)
		__atomic_store_n(&c->shm->host_sleeping.v, 1u, __ATOMIC_SEQ_CST);
}

static void disarm_locked(struct snic_drv_chan *c)
{
	if (--c->n_armed == 0)
		__atomic_store_n(&c->shm->host_sleeping.v, 0u, __ATOMIC_SEQ_CST);
}

/* Read an eventfd if it is readable.  Only c->mu holders read the irq and
 * local eventfds, and only the thread that owns a queue reads its rx
 * interrupt eventfd, so readable-then-read never blocks. */
static bool drain_if_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v;

	if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))
		return false;
	return read(fd, &v, sizeof(v)) == (ssize_t)sizeof(v);
}

/* The poller is back (under c->mu): look at what woke it. */
static void poller_done_locked(struct snic_drv_chan *c, const struct pollfd *p)
{
	if (p[2].revents)
		sock_event(c, p[2].revents);
	(void)drain_if_readable(c->local_fd);
	if (c->n_external) {
		struct pollfd q = { .fd = c->irq_fd, .events = POLLIN };
		/* Leave it to the external sleeper's epoll (drained in disarm);
		 * meanwhile nobody polls it, which would spin. */
		if (poll(&q, 1, 0) > 0 && (q.revents & POLLIN))
			c->irq_undrained = true;
	} else if (drain_if_readable(c->irq_fd)) {
		STAT_ADD(c, irqs, 1);
	}
	c->gen++;
	pthread_cond_broadcast(&c->wake_cv);
}

static struct timespec to_timespec(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000ull),
			       .tv_nsec = (long)(ns % 1000000000ull) };
	return ts;
}

int drv_sleep(struct snic_drv_chan *c, drv_ready_fn ready, void *arg,
	      uint64_t deadline_ns)
{
	for (;;) {
		bool timed_out = false;
		uint64_t g;

		if (drv_dead(c))
			return ready(c, arg) ? 1 : -EPIPE;
		pthread_mutex_lock(&c->mu);
		g = c->gen;
		arm_locked(c);
		pthread_mutex_unlock(&c->mu);
		FENCE_FULL();   /* host_sleeping before the re-check (Dekker) */
		if (ready(c, arg)) {
			pthread_mutex_lock(&c->mu);
			disarm_locked(c);
			pthread_mutex_unlock(&c->mu);
			return 1;
		}

		pthread_mutex_lock(&c->mu);
		while (c->gen == g && !drv_dead(c) && !timed_out) {
			uint64_t now = drv_now_ns();

			if (now >= deadline_ns) {
				timed_out = true;
				break;
			}
			STAT_ADD(c, sleeps, 1);
			if (!c->poller && !c->irq_undrained) {
				struct pollfd p[3] = {
					{ .fd = c->irq_fd, .events = POLLIN },
					{ .fd = c->local_fd, .events = POLLIN },
					{ .fd = c->sock, .events = POLLIN | POLLRDHUP },
				};
				struct timespec left = to_timespec(deadline_ns - now);

				c->poller = true;
				pthread_mutex_unlock(&c->mu);
				int r = ppoll(p, 3, deadline_ns == UINT64_MAX ? NULL : &left,
					      NULL);
				pthread_mutex_lock(&c->mu);
				c->poller = false;
				if (r < 0)
					for (int i = 0; i < 3; i++)
						p[i].revents = 0;
				poller_done_locked(c, p);   /* bumps gen */
			} else {
				struct timespec ts = to_timespec(deadline_ns);

				if (deadline_ns == UINT64_MAX)
					pthread_cond_wait(&c->wake_cv, &c->mu);
				else if (pthread_cond_timedwait(&c->wake_cv, &c->mu,
								&ts) == ETIMEDOUT)
					timed_out = true;
			}
		}
		disarm_locked(c);
		pthread_mutex_unlock(&c->mu);

		if (ready(c, arg))
			return 1;
		if (drv_dead(c))
			return -EPIPE;
		if (timed_out || drv_now_ns() >= deadline_ns)
			return 0;
	}
}

/* ---- the public sleeping calls ---- */

int snic_drv_chan_wait(struct snic_drv_chan *c, int timeout_ms)
{
	uint64_t deadline = timeout_ms < 0 ? UINT64_MAX
			    : drv_now_ns() + (uint64_t)timeout_ms * 1000000ull;

	if (drv_rx_or_events_pending(c, NULL))
		return 1;
	drv_check_sock(c);
	if (drv_dead(c))
		return -EPIPE;
	if (timeout_ms == 0)
		return 0;
	return drv_sleep(c, drv_rx_or_events_pending, NULL, deadline);
}

int snic_drv_chan_irq_arm(struct snic_drv_chan *c)
{
	drv_check_sock(c);
	if (drv_dead(c))
		return -EPIPE;
	pthread_mutex_lock(&c->mu);
	if (c->n_external) {
		pthread_mutex_unlock(&c->mu);
		return -EBUSY;
	}
	c->n_external = 1;
	arm_locked(c);
	pthread_mutex_unlock(&c->mu);
	FENCE_FULL();
	if (!drv_rx_or_events_pending(c, NULL))
		return 0;
	snic_drv_chan_irq_disarm(c);
	return 1;
}

void snic_drv_chan_irq_disarm(struct snic_drv_chan *c)
{
	uint64_t one = 1;

	pthread_mutex_lock(&c->mu);
	if (!c->n_external) {
		pthread_mutex_unlock(&c->mu);
		return;
	}
	if (drain_if_readable(c->irq_fd))
		STAT_ADD(c, irqs, 1);
	c->irq_undrained = false;
	c->n_external = 0;
	disarm_locked(c);
	c->gen++;
	pthread_cond_broadcast(&c->wake_cv);
	/* The poller may have been woken by what we just drained and gone
	 * back to sleep: make it look again. */
	if (c->poller && write(c->local_fd, &one, sizeof(one)) < 0)
		(void)0;
	pthread_mutex_unlock(&c->mu);
}

/* ---- per-queue rx interrupts (snic_chan.h) ---- */

int snic_drv_chan_rxq_irq_fd(const struct snic_drv_chan *c, uint32_t q)
{
	return q < c->n_queues ? c->q[q].irq_fd : -EINVAL;
}

int snic_drv_chan_rxq_irq_arm(struct snic_drv_chan *c, uint32_t q)
{
	struct drv_queue *dq;

	if (q >= c->n_queues)
		return -EINVAL;
	drv_check_sock(c);
	if (drv_dead(c))
		return -EPIPE;
	dq = &c->q[q];
	/* a count left by a NIC write that raced with the last disarm */
	(void)drain_if_readable(dq->irq_fd);
	STORE_RLX(dq->rx_armed, 1u);
	FENCE_FULL();   /* rx_armed before the re-check (Dekker) */
	if (LOAD_ACQ(&dq->rx->prod.v) != LOAD_RLX(&dq->rx_cons)) {
		STORE_RLX(dq->rx_armed, 0u);
		return 1;
	}
	STAT_ADD(c, rxq_arms, 1);
	return 0;
}

int snic_drv_chan_rxq_irq_disarm(struct snic_drv_chan *c, uint32_t q)
{
	if (q >= c->n_queues)
		return -EINVAL;
	STORE_RLX(c->q[q].rx_armed, 0u);
	if (drain_if_readable(c->q[q].irq_fd))
		STAT_ADD(c, rxq_irqs, 1);
	return 0;
}
