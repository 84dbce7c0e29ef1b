/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * chan.c - the NIC side of the device channel (sim/include/snic_chan.h).
 *
 * Everything the host writes is read once into snic-sim's own memory before
 * it is looked at: command mailboxes are copied before the firmware sees
 * them, ring indexes are read once and bounded, descriptor lengths checked,
 * frames copied out before they are processed.  Our own indexes live in
 * struct sim_chan, never read back from the shared memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sim.h"
#include "snic_chan_layout.h"

#define LOAD(p)     atomic_load_explicit((_Atomic uint32_t *)(p), memory_order_acquire)
#define STORE(p, v) atomic_store_explicit((_Atomic uint32_t *)(p), (v), memory_order_release)

int sim_claim_socket_path(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path %s is longer than %zu characters",
			 path, sizeof(sa.sun_path) - 1);
		return -1;
	}
	if (access(path, F_OK) != 0)
		return 0;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(fd);
		snprintf(err, errlen, "%s is in use: another snic-sim is serving it "
			 "(pick another --name or --socket)", path);
		return -1;
	}
	if (fd >= 0)
		close(fd);
	/* nobody answers: a leftover of a snic-sim that died */
	if (unlink(path) != 0) {
		snprintf(err, errlen, "cannot remove stale socket %s: %s", path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static uint32_t queue_of(const struct sim *s, uint16_t vport)
{
	const uint32_t up = s->board->n_uplinks;

	if (SNIC_IFC_VPORT_IS_UPLINK(vport))
		return vport - SNIC_IFC_VPORT_UPLINK_BASE;
	return up + vport;      /* PF is vport 0, VF n is vport n + 1 */
}

int sim_chan_listen(struct sim *s, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct sim_chan *ch = &s->ch;
	char dir[sizeof(s->o.sock_path)], *slash;

	ch->conn_fd = ch->doorbell_fd = ch->irq_fd = ch->listen_fd = -1;
	for (uint32_t q = 0; q < SNIC_CHAN_MAX_QUEUES; q++)
		ch->rxq_irq_fd[q] = -1;
	for (uint32_t i = 0; i < SNIC_CHAN_MAX_CMD_HOSTS; i++)
		ch->cmdh[i].conn_fd = ch->cmdh[i].doorbell_fd = ch->cmdh[i].irq_fd = -1;
	snprintf(dir, sizeof(dir), "%s", s->o.sock_path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
			return -1;
		}
	}
	if (sim_claim_socket_path(s->o.sock_path, err, errlen))
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", s->o.sock_path);
	ch->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ch->listen_fd < 0 ||
	    bind(ch->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(s->o.sock_path, 0600) != 0 || listen(ch->listen_fd, 4) != 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", s->o.sock_path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* One message with up to SNIC_CHAN_IRQS_PER_MSG descriptors; 0 or -1. */
static int send_fds(int fd, const void *buf, size_t len, const int *fds,
		    uint32_t n_fds)
{
	union {
		char buf[CMSG_SPACE(SNIC_CHAN_IRQS_PER_MSG * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (n_fds) {
		struct cmsghdr *c;
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE((size_t)n_fds * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN((size_t)n_fds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, (size_t)n_fds * sizeof(int));
	}
	return sendmsg(fd, &mh, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

void sim_chan_welcome(int fd, uint32_t status, uint64_t size, const int *fds,
		      uint32_t n_fds, const char *msg)
{
	struct snic_chan_welcome w = {
		.magic = SNIC_CHAN_MAGIC, .version = SNIC_CHAN_VERSION,
		.status = status, .mem_size = size,
	};

	snprintf(w.message, sizeof(w.message), "%s", msg ? msg : "");
	(void)send_fds(fd, &w, sizeof(w), fds, n_fds);
}

/* After the welcome: each queue's rx interrupt eventfd, in queue order. */
static int send_rxq_irqs(int fd, const struct sim_chan *ch)
{
	for (uint32_t first = 0; first < ch->n_queues; first += SNIC_CHAN_IRQS_PER_MSG) {
		uint32_t left = ch->n_queues - first;
		struct snic_chan_irqs m = {
			.magic = SNIC_CHAN_MAGIC, .first = first,
			.count = left < SNIC_CHAN_IRQS_PER_MSG ? left : SNIC_CHAN_IRQS_PER_MSG,
		};

		if (send_fds(fd, &m, sizeof(m), &ch->rxq_irq_fd[first], m.count))
			return -1;
	}
	return 0;
}

static void close_rxq_irqs(struct sim_chan *ch)
{
	for (uint32_t q = 0; q < ch->n_queues; q++) {
		if (ch->rxq_irq_fd[q] >= 0)
			close(ch->rxq_irq_fd[q]);
		ch->rxq_irq_fd[q] = -1;
	}
}

/* A host connected: its hello is read when it arrives (sim_pending_*). */
int sim_chan_accept(struct sim *s)
{
	int fd = accept4(s->ch.listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return 0;       /* EMFILE and friends: nothing done, no spin */
	sim_pending_add(s, fd, SIM_PENDING_HELLO);
	return 1;
}

/* The hello of a pending connection is readable. */
void sim_chan_hello(struct sim *s, int fd)
{
	struct sim_chan *ch = &s->ch;
	struct snic_chan_hello h;
	struct snic_chan_shm hdr;
	struct ucred cred;
	socklen_t cl = sizeof(cred);
	char msg[104];
	int memfd = -1, fds[3];
	ssize_t n;
	uint64_t size;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0)
		cred.pid = 0;
	n = recv(fd, &h, sizeof(h), MSG_DONTWAIT);
	if (n != (ssize_t)sizeof(h) || h.magic != SNIC_CHAN_MAGIC) {
		sim_chan_welcome(fd, SNIC_CHAN_VERSION_MISMATCH, 0, NULL, 0,
				 "not a snic channel hello");
		goto refuse;
	}
	if (h.version != SNIC_CHAN_VERSION) {
		snprintf(msg, sizeof(msg), "channel version %u, this snic-sim speaks %u",
			 h.version, SNIC_CHAN_VERSION);
		sim_chan_welcome(fd, SNIC_CHAN_VERSION_MISMATCH, 0, NULL, 0, msg);
		goto refuse;
	}
	if (h.flags & ~SNIC_CHAN_HELLO_FLAGS) {
		snprintf(msg, sizeof(msg), "hello flags 0x%x: this snic-sim knows 0x%x "
			 "(command-only)", h.flags, SNIC_CHAN_HELLO_FLAGS);
		sim_chan_welcome(fd, SNIC_CHAN_BAD_FLAGS, 0, NULL, 0, msg);
		sim_log(s, SNIC_FW_LOG_WARN, "refused host pid %d: %s", (int)cred.pid, msg);
		goto refuse;
	}
	if (h.flags & SNIC_CHAN_HELLO_CMD_ONLY) {
		sim_cmdh_attach(s, fd, cred.pid);       /* takes the fd */
		return;
	}
	if (ch->conn_fd >= 0) {
		snprintf(msg, sizeof(msg), "another host is attached (pid %d)",
			 (int)ch->host_pid);
		sim_chan_welcome(fd, SNIC_CHAN_BUSY, 0, NULL, 0, msg);
		sim_log(s, SNIC_FW_LOG_WARN, "refused host pid %d: %s", (int)cred.pid, msg);
		goto refuse;
	}

	ch->n_queues = 1 + s->board->n_uplinks + s->board->n_vfs;
	memset(&hdr, 0, sizeof(hdr));
	size = snic_chan_layout(&hdr, ch->n_queues, s->board->n_vfs);
	memfd = memfd_create("snic-chan", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (!size || memfd < 0 || ftruncate(memfd, (off_t)size) != 0 ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0)
		goto nomem;
	ch->mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (ch->mem == MAP_FAILED) {
		ch->mem = NULL;
		goto nomem;
	}
	ch->mem_size = size;
	ch->shm = (struct snic_chan_shm *)ch->mem;
	ch->layout = hdr;       /* ours; the shared copy is the host's to read */
	memcpy(ch->shm, &hdr, sizeof(hdr));
	ch->cmds = (struct snic_chan_cmd *)(ch->mem + hdr.cmd_off);
	ch->evq = (struct snic_chan_evq *)(ch->mem + hdr.evq_off);
	ch->queues = (struct snic_chan_queue *)(ch->mem + hdr.queue_off);
	memset(ch->rx_prod, 0, sizeof(ch->rx_prod));
	memset(ch->tx_cons, 0, sizeof(ch->tx_cons));
	memset(ch->rxq_kick, 0, sizeof(ch->rxq_kick));
	ch->ev_prod = 0;
	ch->doorbell_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ch->irq_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ch->doorbell_fd < 0 || ch->irq_fd < 0)
		goto nomem;
	for (uint32_t q = 0; q < ch->n_queues; q++)
		if ((ch->rxq_irq_fd[q] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
			goto nomem;
	fds[0] = memfd;
	fds[1] = ch->doorbell_fd;
	fds[2] = ch->irq_fd;
	sim_chan_welcome(fd, SNIC_CHAN_OK, size, fds, 3, NULL);
	close(memfd);
	if (send_rxq_irqs(fd, ch))      /* the host's open fails and hangs up */
		sim_log(s, SNIC_FW_LOG_WARN, "cannot hand the rx interrupts to host pid %d: %s",
			(int)cred.pid, strerror(errno));
	ch->conn_fd = fd;
	ch->host_pid = cred.pid;
	ch->attaches++;
	sim_epoll_add(s, fd, SIM_TAG(SIM_TAG_CONN, 0));
	sim_epoll_add(s, ch->doorbell_fd, SIM_TAG(SIM_TAG_DOORBELL, 0));
	sim_chan_sync_stats(s);
	sim_log(s, SNIC_FW_LOG_INFO, "host attached (pid %d), %u queues, %llu KiB shared",
		(int)cred.pid, ch->n_queues, (unsigned long long)(size >> 10));
	return;

nomem:
	snprintf(msg, sizeof(msg), "snic-sim could not create the shared memory: %s",
		 strerror(errno));
	sim_chan_welcome(fd, SNIC_CHAN_NOMEM, 0, NULL, 0, msg);
	if (memfd >= 0)
		close(memfd);
	if (ch->mem)
		munmap(ch->mem, ch->mem_size);
	ch->mem = NULL;
	ch->shm = NULL;
	if (ch->doorbell_fd >= 0)
		close(ch->doorbell_fd);
	if (ch->irq_fd >= 0)
		close(ch->irq_fd);
	ch->doorbell_fd = ch->irq_fd = -1;
	close_rxq_irqs(ch);
refuse:
	close(fd);
}

void sim_chan_detach(struct sim *s, const char *why)
{
	struct sim_chan *ch = &s->ch;

	if (ch->conn_fd < 0)
		return;
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, ch->conn_fd, NULL);
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, ch->doorbell_fd, NULL);
	close(ch->conn_fd);
	close(ch->doorbell_fd);
	close(ch->irq_fd);
	close_rxq_irqs(ch);
	munmap(ch->mem, ch->mem_size);
	ch->conn_fd = ch->doorbell_fd = ch->irq_fd = -1;
	ch->mem = NULL;
	ch->shm = NULL;
	sim_log(s, SNIC_FW_LOG_INFO, "host detached (pid %d): %s; offloaded flows "
		"keep forwarding", (int)ch->host_pid, why);
	ch->host_pid = 0;
}

void sim_chan_close(struct sim *s)
{
	sim_chan_detach(s, "snic-sim is stopping");
	sim_cmdh_detach_all(s, "snic-sim is stopping");
	if (s->ch.listen_fd >= 0) {
		close(s->ch.listen_fd);
		unlink(s->o.sock_path);
		s->ch.listen_fd = -1;
	}
}

/* Each slot is looked at once: at most SNIC_CHAN_CMD_SLOTS commands of one
 * attachment per turn, whatever its host keeps posting. */
int sim_chan_serve_slots(struct sim *s, struct snic_chan_cmd *cmds)
{
	static _Alignas(8) uint8_t in[SNIC_IFC_MAX_IN], out[SNIC_IFC_MAX_OUT];
	int work = 0;

	for (uint32_t i = 0; i < SNIC_CHAN_CMD_SLOTS; i++) {
		struct snic_chan_cmd *c = &cmds[i];
		uint32_t in_len;
		size_t out_len;

		if (LOAD(&c->state) != SNIC_CHAN_CMD_POSTED)
			continue;
		in_len = *(volatile uint32_t *)&c->in_len;
		if (in_len > SNIC_IFC_MAX_IN)
			s->stats.bad_cmd_len++;
		/* the firmware works on our copy, never on the host's memory */
		memcpy(in, c->in, in_len < SNIC_IFC_MAX_IN ? in_len : SNIC_IFC_MAX_IN);
		out_len = snic_fw_cmd(s->fw, SNIC_IFC_FUNC_PF, in, in_len, out, sizeof(out));
		memcpy(c->out, out, out_len);
		c->out_len = (uint32_t)out_len;
		STORE(&c->state, SNIC_CHAN_CMD_DONE);
		s->stats.commands++;
		work++;
	}
	return work;
}

static int poll_commands(struct sim *s)
{
	int work = sim_chan_serve_slots(s, s->ch.cmds);

	if (work)
		s->ch.irq_pending = true;
	return work;
}

static int poll_tx(struct sim *s)
{
	struct sim_chan *ch = &s->ch;
	const uint32_t size = SNIC_CHAN_RING_SIZE, mask = size - 1;
	int work = 0;

	for (uint32_t q = 0; q < ch->n_queues; q++) {
		struct snic_chan_ring *r = &ch->queues[q].tx;
		uint32_t prod = LOAD(&r->prod.v), cons = ch->tx_cons[q];
		uint16_t vport = ch->layout.queue_vport[q];

		if (prod == cons)
			continue;
		if (prod - cons > size) {
			/* not a producer index a sane host can have: skip all */
			s->stats.bad_ring_index++;
			ch->tx_cons[q] = prod;
			STORE(&r->cons.v, prod);
			continue;
		}
		for (; cons != prod; cons++) {
			uint32_t len = *(volatile uint32_t *)&r->desc[cons & mask].len;

			if (len < 14 || len > SNIC_CHAN_BUF_SIZE) {
				s->stats.bad_desc_len++;
				continue;
			}
			memcpy(s->frame, ch->mem + snic_chan_buf_off(&ch->layout, q, 1,
								     cons & mask), len);
			snic_fw_rep_tx(s->fw, vport, s->frame, len);
			work++;
		}
		ch->tx_cons[q] = cons;
		STORE(&r->cons.v, cons);
		ch->irq_pending = true;   /* room in the ring: wake a waiting host */
	}
	return work;
}

/* The command slots of every attachment - the data host's and each
 * command-only host's - in turn, starting with another one each turn. */
int sim_chan_poll(struct sim *s)
{
	const uint32_t n = 1u + SNIC_CHAN_MAX_CMD_HOSTS;
	uint32_t first = s->ch.cmd_turn++ % n;
	int work = 0;

	for (uint32_t k = 0; k < n; k++) {
		uint32_t a = (first + k) % n;

		if (a)
			work += sim_cmdh_poll(s, a - 1);
		else if (s->ch.conn_fd >= 0)
			work += poll_commands(s);
	}
	if (s->ch.conn_fd >= 0)
		work += poll_tx(s);
	return work;
}

void sim_chan_conn_event(struct sim *s, uint32_t idx)
{
	if (idx == 0)
		sim_chan_detach(s, "the host closed the channel or exited");
	else if (idx <= SNIC_CHAN_MAX_CMD_HOSTS)
		sim_cmdh_detach(s, idx - 1, "the host closed the channel or exited");
}

void sim_chan_doorbell(struct sim *s, uint32_t idx)
{
	int fd = idx == 0 ? s->ch.doorbell_fd
		 : idx <= SNIC_CHAN_MAX_CMD_HOSTS ? s->ch.cmdh[idx - 1].doorbell_fd : -1;
	uint64_t v;

	if (fd >= 0)
		(void)!read(fd, &v, sizeof(v));
}

void sim_chan_rep_rx(struct sim *s, uint16_t vport, const uint8_t *frame,
		     uint32_t len)
{
	struct sim_chan *ch = &s->ch;
	uint32_t q, prod, cons;
	struct snic_chan_ring *r;

	if (ch->conn_fd < 0) {
		s->stats.no_host++;
		return;
	}
	if (len > SNIC_CHAN_BUF_SIZE) {
		s->stats.rx_too_big++;
		return;
	}
	q = queue_of(s, vport);
	r = &ch->queues[q].rx;
	prod = ch->rx_prod[q];
	cons = LOAD(&r->cons.v);
	if (prod - cons > SNIC_CHAN_RING_SIZE) {
		s->stats.bad_ring_index++;      /* the host wrote nonsense */
		return;
	}
	if (prod - cons == SNIC_CHAN_RING_SIZE) {
		s->stats.rx_ring_full++;
		return;
	}
	memcpy(ch->mem + snic_chan_buf_off(&ch->layout, q, 0,
					   prod & (SNIC_CHAN_RING_SIZE - 1)),
	       frame, len);
	r->desc[prod & (SNIC_CHAN_RING_SIZE - 1)].len = len;
	r->desc[prod & (SNIC_CHAN_RING_SIZE - 1)].vport = vport;
	r->desc[prod & (SNIC_CHAN_RING_SIZE - 1)].flags = 0;
	ch->rx_prod[q] = prod + 1;
	STORE(&r->prod.v, prod + 1);
	ch->irq_pending = true;
	ch->rxq_kick[q / 64] |= 1ull << (q % 64);
}

void sim_chan_event(struct sim *s, const struct snic_ifc_event *ev)
{
	struct sim_chan *ch = &s->ch;
	uint32_t cons;

	if (ch->conn_fd < 0)
		return;         /* a new host reads the state with commands */
	cons = LOAD(&ch->evq->cons.v);
	if (ch->ev_prod - cons >= SNIC_CHAN_EVENTS) {
		s->stats.events_lost++;
		return;
	}
	ch->evq->ev[ch->ev_prod % SNIC_CHAN_EVENTS] = *ev;
	ch->ev_prod++;
	STORE(&ch->evq->prod.v, ch->ev_prod);
	ch->irq_pending = true;
}

/* The rx interrupts of the queues that got frames (after the fence): each
 * armed one is disarmed and raised, once. */
static void kick_rxqs(struct sim *s)
{
	struct sim_chan *ch = &s->ch;
	uint64_t one = 1;

	for (uint32_t w = 0; w < (ch->n_queues + 63) / 64; w++) {
		for (uint64_t bits = ch->rxq_kick[w]; bits; bits &= bits - 1) {
			uint32_t q = w * 64 + (uint32_t)__builtin_ctzll(bits);
			uint32_t *armed = &ch->queues[q].rx_armed.v;

			if (LOAD(armed) &&
			    atomic_exchange_explicit((_Atomic uint32_t *)armed, 0u,
						     memory_order_acq_rel)) {
				(void)!write(ch->rxq_irq_fd[q], &one, sizeof(one));
				s->stats.rxq_irqs++;
			}
		}
		ch->rxq_kick[w] = 0;
	}
}

void sim_chan_kick(struct sim *s)
{
	struct sim_chan *ch = &s->ch;
	uint64_t one = 1;

	sim_cmdh_kick(s);
	if (!ch->irq_pending || ch->conn_fd < 0)
		return;
	ch->irq_pending = false;
	/* publish before reading the host's flags (it sets a flag, then
	 * re-checks our indexes: one of us sees the other) */
	atomic_thread_fence(memory_order_seq_cst);
	if (LOAD(&ch->shm->host_sleeping.v))
		(void)!write(ch->irq_fd, &one, sizeof(one));
	kick_rxqs(s);
}

void sim_chan_sleep(struct sim *s, bool sleeping)
{
	sim_cmdh_sleep(s, sleeping);
	if (s->ch.conn_fd < 0)
		return;
	STORE(&s->ch.shm->nic_sleeping.v, sleeping);
	atomic_thread_fence(memory_order_seq_cst);
}

void sim_chan_sync_stats(struct sim *s)
{
	for (unsigned i = 0; i < s->board->n_uplinks; i++) {
		s->stats.uplink_rx[i] = s->uplinks[i].rx;
		s->stats.uplink_tx[i] = s->uplinks[i].tx;
	}
	sim_cmdh_sync_stats(s);
	if (s->ch.conn_fd < 0)
		return;
	memcpy(&s->ch.shm->stats, &s->stats, sizeof(s->stats));
	s->ch.shm->heartbeat.v++;
}
