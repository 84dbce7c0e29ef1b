/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fake_nic.c - a NIC for the channel tests (see fake_nic.h).
 *
 * One thread; everything it does happens under n->mu, which it drops only
 * to sleep in poll().  Test helpers take the same mutex, so the rings have
 * one producer at a time on the NIC side.
 */
#define _GNU_SOURCE
#include "fake_nic.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "snic_chan_layout.h"
#include "snic_fw.h"
#include "snic_fw_memhal.h"

#define RING_MASK (SNIC_CHAN_RING_SIZE - 1u)

struct slot_track {
	bool active, ignored;
	uint32_t seq;
	uint64_t due;
};

struct fake_nic {
	pthread_t thr;
	pthread_mutex_t mu;
	pthread_cond_t cv;             /* attach/detach/tx progress */
	int lsock, conn, mem_fd, db_fd, irq_fd, ctl_fd;
	int rxq_fd[SNIC_CHAN_MAX_QUEUES];  /* rx interrupts, -1 when detached */
	bool rxq_kick[SNIC_CHAN_MAX_QUEUES];  /* rx published since raise_irq */
	bool stop, hangup_req;

	struct snic_fw_memhal hal;
	struct snic_fw *fw;
	void *dtb;
	size_t dtb_len;
	uint32_t n_queues, n_vfs;

	/* the attachment; geo is the true layout (the header may be corrupt) */
	uint8_t *base;
	uint64_t size;
	struct snic_chan_shm geo;
	struct snic_chan_shm *shm;
	struct snic_chan_cmd *cmd;
	struct snic_chan_evq *evq;
	struct snic_chan_queue *qs;
	uint32_t rx_prod[SNIC_CHAN_MAX_QUEUES];
	uint32_t tx_cons[SNIC_CHAN_MAX_QUEUES];
	uint32_t ev_prod;
	struct slot_track track[SNIC_CHAN_CMD_SLOTS];
	uint64_t cmds_seen;
	uint64_t next_due;

	struct fake_nic_ctl ctl;
	struct fake_nic_stats st;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void drain(int fd, uint64_t *count)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v;

	if (fd >= 0 && poll(&p, 1, 0) > 0 && (p.revents & POLLIN) &&
	    read(fd, &v, sizeof(v)) == (ssize_t)sizeof(v) && count)
		*count += v;
}

/* The channel's interrupt if the host sleeps, and the rx interrupt of each
 * armed queue that got frames (one-shot: the flag is cleared). */
static void raise_irq(struct fake_nic *n)
{
	uint64_t one = 1;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (n->conn < 0)
		return;
	if (__atomic_load_n(&n->shm->host_sleeping.v, __ATOMIC_RELAXED)) {
		if (write(n->irq_fd, &one, sizeof(one)) == (ssize_t)sizeof(one))
			n->st.irqs++;
	}
	for (uint32_t q = 0; q < n->n_queues; q++) {
		if (!n->rxq_kick[q])
			continue;
		n->rxq_kick[q] = false;
		if (__atomic_exchange_n(&n->qs[q].rx_armed.v, 0u, __ATOMIC_ACQ_REL) &&
		    write(n->rxq_fd[q], &one, sizeof(one)) == (ssize_t)sizeof(one)) {
			n->st.rxq_irqs++;
			n->shm->stats.rxq_irqs++;
		}
	}
}

/* ---- rings (NIC side, under mu) ---- */

static bool rx_push_locked(struct fake_nic *n, uint32_t q, const void *frame,
			   uint32_t len)
{
	struct snic_chan_ring *r;
	uint32_t prod, cons, slot;

	if (n->conn < 0 || q >= n->n_queues)
		return false;
	r = &n->qs[q].rx;
	prod = n->rx_prod[q];
	cons = __atomic_load_n(&r->cons.v, __ATOMIC_ACQUIRE);
	if (prod - cons >= SNIC_CHAN_RING_SIZE) {
		n->shm->stats.rx_ring_full++;
		return false;
	}
	if (len > SNIC_CHAN_BUF_SIZE) {
		n->shm->stats.rx_too_big++;
		return false;
	}
	slot = prod & RING_MASK;
	if (frame)
		memcpy(n->base + snic_chan_buf_off(&n->geo, q, 0, slot), frame, len);
	r->desc[slot].len = len;
	r->desc[slot].vport = n->geo.queue_vport[q];
	r->desc[slot].flags = 0;
	n->rx_prod[q] = prod + 1;
	__atomic_store_n(&r->prod.v, prod + 1, __ATOMIC_RELEASE);
	n->rxq_kick[q] = true;
	return true;
}

static bool event_push_locked(struct fake_nic *n, const struct snic_ifc_event *ev)
{
	uint32_t cons;

	if (n->conn < 0)
		return false;
	cons = __atomic_load_n(&n->evq->cons.v, __ATOMIC_ACQUIRE);
	if (n->ev_prod - cons >= SNIC_CHAN_EVENTS) {
		n->shm->stats.events_lost++;
		return false;
	}
	n->evq->ev[n->ev_prod & (SNIC_CHAN_EVENTS - 1)] = *ev;
	n->ev_prod++;
	__atomic_store_n(&n->evq->prod.v, n->ev_prod, __ATOMIC_RELEASE);
	return true;
}

static int queue_of_locked(struct fake_nic *n, uint16_t vport)
{
	for (uint32_t q = 0; q < n->n_queues; q++)
		if (n->geo.queue_vport[q] == vport)
			return (int)q;
	return -1;
}

/* What the firmware sent to representors and its events go to the host. */
static void forward_fw_output(struct fake_nic *n)
{
	for (size_t i = 0; i < n->hal.n_frames; i++) {
		const struct snic_fw_memhal_frame *f = &n->hal.frames[i];
		int q = f->q == SNIC_FW_TX_REP ? queue_of_locked(n, f->vport) : -1;

		if (q >= 0)
			rx_push_locked(n, (uint32_t)q, f->data, f->len);
	}
	for (size_t i = 0; i < n->hal.n_events; i++)
		event_push_locked(n, &n->hal.events[i]);
	snic_fw_memhal_clear(&n->hal);
}

/* ---- attach / detach ---- */

static void send_msg(int fd, const void *buf, size_t len, const int *fds,
		     int n_fds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * SNIC_CHAN_IRQS_PER_MSG)];
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (n_fds > 0) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n_fds);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n_fds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * (size_t)n_fds);
	}
	if (sendmsg(fd, &msg, MSG_NOSIGNAL) < 0)
		perror("fake_nic: sendmsg");
}

static void send_welcome(int fd, const struct snic_chan_welcome *w,
			 const int *fds, int n_fds)
{
	send_msg(fd, w, sizeof(*w), fds, n_fds);
}

/* The queues' rx interrupt eventfds, SNIC_CHAN_IRQS_PER_MSG a message; the
 * last message one descriptor short when the test asks. */
static void send_rxq_irqs(struct fake_nic *n, int fd)
{
	for (uint32_t first = 0; first < n->n_queues; first += SNIC_CHAN_IRQS_PER_MSG) {
		uint32_t left = n->n_queues - first;
		struct snic_chan_irqs m = {
			.magic = SNIC_CHAN_MAGIC, .first = first,
			.count = left < SNIC_CHAN_IRQS_PER_MSG ? left : SNIC_CHAN_IRQS_PER_MSG,
		};
		bool last = first + m.count == n->n_queues;

		send_msg(fd, &m, sizeof(m), &n->rxq_fd[first],
			 (int)m.count - (last && n->ctl.rxq_irqs_short));
	}
}

static void detach(struct fake_nic *n)
{
	if (n->conn < 0)
		return;
	munmap(n->base, n->size);
	close(n->mem_fd);
	close(n->db_fd);
	close(n->irq_fd);
	close(n->conn);
	for (uint32_t q = 0; q < n->n_queues; q++) {
		close(n->rxq_fd[q]);
		n->rxq_fd[q] = -1;
	}
	n->conn = n->mem_fd = n->db_fd = n->irq_fd = -1;
	n->base = NULL;
	n->shm = NULL;
	n->st.detaches++;
	pthread_cond_broadcast(&n->cv);
}

static void accept_one(struct fake_nic *n)
{
	struct snic_chan_welcome w = { .magic = SNIC_CHAN_MAGIC };
	struct snic_chan_hello h;
	struct pollfd p;
	int fd, fds[3];

	fd = accept4(n->lsock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (poll(&p, 1, 1000) <= 0 ||
	    recv(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    h.magic != SNIC_CHAN_MAGIC) {
		close(fd);
		return;
	}
	w.version = n->ctl.version;
	if (n->conn >= 0) {
		struct ucred cr;
		socklen_t l = sizeof(cr);

		getsockopt(n->conn, SOL_SOCKET, SO_PEERCRED, &cr, &l);
		w.status = SNIC_CHAN_BUSY;
		snprintf(w.message, sizeof(w.message),
			 "another host is attached (pid %d)", (int)cr.pid);
		send_welcome(fd, &w, NULL, 0);
		n->st.busy_refused++;
		close(fd);
		return;
	}
	if (h.version != n->ctl.version) {
		w.status = SNIC_CHAN_VERSION_MISMATCH;
		snprintf(w.message, sizeof(w.message),
			 "this snic-sim speaks device-channel version %u", n->ctl.version);
		send_welcome(fd, &w, NULL, 0);
		close(fd);
		return;
	}
	if (n->ctl.status >= 0) {
		w.status = (uint32_t)n->ctl.status;
		snprintf(w.message, sizeof(w.message), "test: status %d", n->ctl.status);
		send_welcome(fd, &w, NULL, 0);
		close(fd);
		return;
	}

	n->size = snic_chan_layout(&n->geo, n->n_queues, n->n_vfs);
	n->mem_fd = memfd_create("snic-chan", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (n->mem_fd < 0 || ftruncate(n->mem_fd, (off_t)n->size) < 0) {
		perror("fake_nic: memfd");
		abort();
	}
	n->base = mmap(NULL, n->size, PROT_READ | PROT_WRITE, MAP_SHARED, n->mem_fd, 0);
	if (n->base == MAP_FAILED) {
		perror("fake_nic: mmap");
		abort();
	}
	n->db_fd = eventfd(0, EFD_CLOEXEC);
	n->irq_fd = eventfd(0, EFD_CLOEXEC);
	for (uint32_t q = 0; q < n->n_queues; q++)
		n->rxq_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	memset(n->rxq_kick, 0, sizeof(n->rxq_kick));
	n->shm = (struct snic_chan_shm *)n->base;
	memcpy(n->shm, &n->geo, sizeof(n->geo));
	n->cmd = (struct snic_chan_cmd *)(n->base + n->geo.cmd_off);
	n->evq = (struct snic_chan_evq *)(n->base + n->geo.evq_off);
	n->qs = (struct snic_chan_queue *)(n->base + n->geo.queue_off);
	memset(n->rx_prod, 0, sizeof(n->rx_prod));
	memset(n->tx_cons, 0, sizeof(n->tx_cons));
	memset(n->track, 0, sizeof(n->track));
	n->ev_prod = 0;
	w.mem_size = n->size;
	if (n->ctl.corrupt)
		n->ctl.corrupt(n->shm, &w.mem_size);
	w.status = SNIC_CHAN_OK;
	fds[0] = n->mem_fd;
	fds[1] = n->db_fd;
	fds[2] = n->irq_fd;
	n->conn = fd;
	send_welcome(fd, &w, fds, n->ctl.n_fds);
	send_rxq_irqs(n, fd);
	n->st.attaches++;
	pthread_cond_broadcast(&n->cv);
}

/* ---- the work ---- */

static void exec_slot(struct fake_nic *n, uint32_t i)
{
	struct snic_chan_cmd *s = &n->cmd[i];
	uint32_t in_len = __atomic_load_n(&s->in_len, __ATOMIC_RELAXED);
	size_t out;

	if (in_len > SNIC_IFC_MAX_IN) {
		n->shm->stats.bad_cmd_len++;
		in_len = 0;
	}
	out = snic_fw_cmd(n->fw, SNIC_IFC_FUNC_PF, s->in, in_len, s->out,
			  SNIC_IFC_MAX_OUT);
	if (n->ctl.bad_out_len_next >= 0) {
		out = (size_t)n->ctl.bad_out_len_next;
		n->ctl.bad_out_len_next = -1;
	}
	if (n->ctl.bad_seq_next) {
		s->seq += 1000;
		n->ctl.bad_seq_next = false;
	}
	__atomic_store_n(&s->out_len, (uint32_t)out, __ATOMIC_RELAXED);
	__atomic_store_n(&s->state, (uint32_t)SNIC_CHAN_CMD_DONE, __ATOMIC_RELEASE);
	n->st.commands++;
	n->shm->stats.commands++;
	forward_fw_output(n);
}

/* Do what there is to do; true when anything was done. */
static bool service(struct fake_nic *n)
{
	bool did = false, answered = false;
	uint64_t now = now_ns();

	if (n->conn < 0)
		return false;
	if (n->hangup_req) {
		n->hangup_req = false;
		detach(n);
		return true;
	}
	n->next_due = UINT64_MAX;
	for (uint32_t i = 0; i < SNIC_CHAN_CMD_SLOTS; i++) {
		struct slot_track *t = &n->track[i];
		uint32_t st = __atomic_load_n(&n->cmd[i].state, __ATOMIC_ACQUIRE);
		uint32_t seq = __atomic_load_n(&n->cmd[i].seq, __ATOMIC_RELAXED);

		if (st != SNIC_CHAN_CMD_POSTED) {
			t->active = false;
			continue;
		}
		if (!t->active || t->seq != seq) {
			*t = (struct slot_track){ .active = true, .seq = seq, .due = now };
			n->cmds_seen++;
			if (n->ctl.ignore_next) {
				n->ctl.ignore_next--;
				t->ignored = true;
			} else if (n->ctl.delay_next_ms) {
				t->due = now + n->ctl.delay_next_ms * 1000000ull;
				n->ctl.delay_next_ms = 0;
			} else if (n->ctl.delay_every &&
				   n->cmds_seen % n->ctl.delay_every == 0) {
				t->due = now + n->ctl.delay_every_us * 1000ull;
			}
		}
		if (t->ignored ? !n->ctl.answer_ignored : now < t->due) {
			if (!t->ignored && t->due < n->next_due)
				n->next_due = t->due;
			continue;
		}
		exec_slot(n, i);
		t->active = false;
		did = answered = true;
	}
	n->ctl.answer_ignored = false;
	if (answered)
		raise_irq(n);

	for (uint32_t q = 0; q < n->n_queues && !n->ctl.tx_paused; q++) {
		struct snic_chan_ring *r = &n->qs[q].tx;
		uint32_t prod = __atomic_load_n(&r->prod.v, __ATOMIC_ACQUIRE);
		uint32_t cons = n->tx_cons[q];

		if (prod == cons)
			continue;
		if (prod - cons > SNIC_CHAN_RING_SIZE) {
			n->shm->stats.bad_ring_index++;
			cons = prod;
		}
		for (; cons != prod; cons++) {
			const struct snic_chan_desc *d = &r->desc[cons & RING_MASK];
			uint32_t len = d->len;
			const uint8_t *b;

			if (len < 14 || len > SNIC_CHAN_BUF_SIZE) {
				n->shm->stats.bad_desc_len++;
				n->st.tx_bad++;
				continue;
			}
			b = n->base + snic_chan_buf_off(&n->geo, q, 1, cons & RING_MASK);
			n->st.tx_frames++;
			n->st.tx_bytes += len;
			for (uint32_t k = 0; k < len; k++)
				n->st.tx_sum += b[k];
			n->st.tx_last_len[0] = n->st.tx_last_len[1];
			n->st.tx_last_len[1] = len;
			memcpy(n->st.tx_last, b, len);
			n->st.tx_last_vport = d->vport;
		}
		n->tx_cons[q] = cons;
		__atomic_store_n(&r->cons.v, cons, __ATOMIC_RELEASE);
		pthread_cond_broadcast(&n->cv);
		did = true;
	}
	return did;
}

static void *nic_main(void *arg)
{
	struct fake_nic *n = arg;

	pthread_mutex_lock(&n->mu);
	while (!n->stop) {
		struct pollfd p[4];
		int timeout = -1;

		if (n->conn >= 0)
			__atomic_fetch_add(&n->shm->heartbeat.v, 1u, __ATOMIC_RELAXED);
		if (service(n))
			continue;
		if (n->conn >= 0) {
			/* going to sleep: flag, fence, look again */
			__atomic_store_n(&n->shm->nic_sleeping.v, 1u, __ATOMIC_SEQ_CST);
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			if (service(n)) {
				if (n->conn >= 0)
					__atomic_store_n(&n->shm->nic_sleeping.v, 0u,
							 __ATOMIC_RELAXED);
				continue;
			}
			if (n->next_due != UINT64_MAX) {
				uint64_t now = now_ns();
				timeout = n->next_due <= now ? 0 :
					(int)((n->next_due - now + 999999) / 1000000);
			}
		}
		p[0] = (struct pollfd){ .fd = n->lsock, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = n->ctl_fd, .events = POLLIN };
		p[2] = (struct pollfd){ .fd = n->conn, .events = POLLIN | POLLRDHUP };
		p[3] = (struct pollfd){ .fd = n->db_fd, .events = POLLIN };
		pthread_mutex_unlock(&n->mu);
		int r = poll(p, n->conn >= 0 ? 4 : 2, timeout);
		pthread_mutex_lock(&n->mu);
		n->st.wakeups++;
		if (r < 0)
			continue;
		if (n->conn >= 0) {
			__atomic_store_n(&n->shm->nic_sleeping.v, 0u, __ATOMIC_RELAXED);
			drain(n->db_fd, &n->st.doorbells);
		}
		drain(n->ctl_fd, NULL);
		if (n->conn >= 0 && (p[2].revents & (POLLHUP | POLLRDHUP | POLLERR)))
			detach(n);
		if (p[0].revents & POLLIN)
			accept_one(n);
	}
	detach(n);
	pthread_mutex_unlock(&n->mu);
	return NULL;
}

/* ---- the test's side ---- */

struct fake_nic *fake_nic_start(const char *sock_path, const char *dtb)
{
	struct fake_nic *n = calloc(1, sizeof(*n));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	pthread_condattr_t ca;
	char err[256];
	const struct snic_fw_board *b;

	n->conn = n->mem_fd = n->db_fd = n->irq_fd = -1;
	for (uint32_t q = 0; q < SNIC_CHAN_MAX_QUEUES; q++)
		n->rxq_fd[q] = -1;
	n->ctl.version = SNIC_CHAN_VERSION;
	n->ctl.status = -1;
	n->ctl.n_fds = 3;
	n->ctl.bad_out_len_next = -1;
	pthread_mutex_init(&n->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&n->cv, &ca);
	pthread_condattr_destroy(&ca);

	snic_fw_memhal_init(&n->hal);
	n->hal.real_clock = true;
	n->dtb = snic_fw_read_file(dtb, &n->dtb_len);
	if (!n->dtb || snic_fw_boot(n->dtb, n->dtb_len, &n->hal.hal, &n->fw, err,
				    sizeof(err))) {
		fprintf(stderr, "fake_nic: cannot boot %s: %s\n", dtb,
			n->dtb ? err : strerror(errno));
		abort();
	}
	b = snic_fw_get_board(n->fw);
	n->n_vfs = b->n_vfs;
	n->n_queues = b->n_uplinks + 1u + b->n_vfs;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	unlink(sock_path);
	n->lsock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (n->lsock < 0 || bind(n->lsock, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(n->lsock, 8) < 0) {
		perror("fake_nic: listen");
		abort();
	}
	n->ctl_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	pthread_create(&n->thr, NULL, nic_main, n);
	return n;
}

void fake_nic_stop(struct fake_nic *n)
{
	struct sockaddr_un sa;
	socklen_t l = sizeof(sa);

	pthread_mutex_lock(&n->mu);
	n->stop = true;
	pthread_mutex_unlock(&n->mu);
	fake_nic_poke(n);
	pthread_join(n->thr, NULL);
	if (getsockname(n->lsock, (struct sockaddr *)&sa, &l) == 0)
		unlink(sa.sun_path);
	close(n->lsock);
	close(n->ctl_fd);
	snic_fw_shutdown(n->fw);
	snic_fw_memhal_fini(&n->hal);
	free(n->dtb);
	pthread_cond_destroy(&n->cv);
	pthread_mutex_destroy(&n->mu);
	free(n);
}

void fake_nic_lock(struct fake_nic *n)
{
	pthread_mutex_lock(&n->mu);
}

void fake_nic_unlock(struct fake_nic *n)
{
	pthread_mutex_unlock(&n->mu);
}

struct fake_nic_ctl *fake_nic_ctl(struct fake_nic *n)
{
	return &n->ctl;
}

void fake_nic_poke(struct fake_nic *n)
{
	uint64_t one = 1;

	if (write(n->ctl_fd, &one, sizeof(one)) < 0)
		perror("fake_nic: poke");
}

void fake_nic_stats(struct fake_nic *n, struct fake_nic_stats *out)
{
	pthread_mutex_lock(&n->mu);
	*out = n->st;
	pthread_mutex_unlock(&n->mu);
}

static bool wait_cond(struct fake_nic *n, bool (*cond)(struct fake_nic *, uint64_t),
		      uint64_t arg, int timeout_ms)
{
	uint64_t dl = now_ns() + (uint64_t)timeout_ms * 1000000ull;
	struct timespec ts = { .tv_sec = (time_t)(dl / 1000000000ull),
			       .tv_nsec = (long)(dl % 1000000000ull) };
	bool ok;

	pthread_mutex_lock(&n->mu);
	while (!(ok = cond(n, arg)))
		if (pthread_cond_timedwait(&n->cv, &n->mu, &ts) == ETIMEDOUT) {
			ok = cond(n, arg);
			break;
		}
	pthread_mutex_unlock(&n->mu);
	return ok;
}

static bool is_attached(struct fake_nic *n, uint64_t want)
{
	return (n->conn >= 0) == (want != 0);
}

static bool tx_reached(struct fake_nic *n, uint64_t count)
{
	return n->st.tx_frames + n->st.tx_bad >= count;
}

bool fake_nic_wait_attached(struct fake_nic *n, bool attached, int timeout_ms)
{
	return wait_cond(n, is_attached, attached, timeout_ms);
}

bool fake_nic_wait_tx(struct fake_nic *n, uint64_t count, int timeout_ms)
{
	return wait_cond(n, tx_reached, count, timeout_ms);
}

bool fake_nic_rx_push(struct fake_nic *n, uint32_t q, const void *frame,
		      uint32_t len)
{
	bool ok;

	pthread_mutex_lock(&n->mu);
	ok = rx_push_locked(n, q, frame, len);
	if (ok)
		raise_irq(n);
	pthread_mutex_unlock(&n->mu);
	return ok;
}

void fake_nic_rx_push_len(struct fake_nic *n, uint32_t q, uint32_t len)
{
	pthread_mutex_lock(&n->mu);
	if (n->conn >= 0 && q < n->n_queues) {
		struct snic_chan_ring *r = &n->qs[q].rx;
		uint32_t slot = n->rx_prod[q] & RING_MASK;

		r->desc[slot].len = len;
		n->rx_prod[q]++;
		__atomic_store_n(&r->prod.v, n->rx_prod[q], __ATOMIC_RELEASE);
		n->rxq_kick[q] = true;
		raise_irq(n);
	}
	pthread_mutex_unlock(&n->mu);
}

void fake_nic_rx_bump_prod(struct fake_nic *n, uint32_t q, uint32_t delta)
{
	pthread_mutex_lock(&n->mu);
	if (n->conn >= 0 && q < n->n_queues) {
		n->rx_prod[q] += delta;
		__atomic_store_n(&n->qs[q].rx.prod.v, n->rx_prod[q], __ATOMIC_RELEASE);
		n->rxq_kick[q] = true;
		raise_irq(n);
	}
	pthread_mutex_unlock(&n->mu);
}

bool fake_nic_event_push(struct fake_nic *n, uint16_t type, uint16_t vport,
			 uint32_t value)
{
	struct snic_ifc_event ev = {
		.type = snic_ifc_le16(type), .vport = snic_ifc_le16(vport),
		.value = snic_ifc_le32(value),
	};
	bool ok;

	pthread_mutex_lock(&n->mu);
	ev.seq = snic_ifc_le64(1000u + n->ev_prod);
	ok = event_push_locked(n, &ev);
	if (ok)
		raise_irq(n);
	pthread_mutex_unlock(&n->mu);
	return ok;
}

void fake_nic_event_bump_prod(struct fake_nic *n, uint32_t delta)
{
	pthread_mutex_lock(&n->mu);
	if (n->conn >= 0) {
		n->ev_prod += delta;
		__atomic_store_n(&n->evq->prod.v, n->ev_prod, __ATOMIC_RELEASE);
		raise_irq(n);
	}
	pthread_mutex_unlock(&n->mu);
}

void fake_nic_fw_rx(struct fake_nic *n, uint16_t vport, const void *frame,
		    uint32_t len)
{
	pthread_mutex_lock(&n->mu);
	snic_fw_rx(n->fw, vport, frame, len);
	forward_fw_output(n);
	if (n->conn >= 0)
		raise_irq(n);
	pthread_mutex_unlock(&n->mu);
}

void fake_nic_hangup(struct fake_nic *n)
{
	pthread_mutex_lock(&n->mu);
	n->hangup_req = true;
	pthread_mutex_unlock(&n->mu);
	fake_nic_poke(n);
}

int fake_nic_queue_of(struct fake_nic *n, uint16_t vport)
{
	int q;

	pthread_mutex_lock(&n->mu);
	q = n->conn >= 0 ? queue_of_locked(n, vport) : -1;
	pthread_mutex_unlock(&n->mu);
	return q;
}
