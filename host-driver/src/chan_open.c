/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * chan_open.c - attaching to a NIC: connect, hello/welcome, descriptors,
 * mapping and validation of the shared memory; detaching; the queue map
 * and the statistics getters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "chan_internal.h"

/* Descriptors accepted in one message: 3 in the welcome, up to
 * SNIC_CHAN_IRQS_PER_MSG in an rx interrupt message; more is a protocol
 * error (MSG_CTRUNC). */
#define MAX_FDS ((int)SNIC_CHAN_IRQS_PER_MSG)

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* ---- connect and handshake ---- */

static int chan_connect(const char *path, int *sock, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, e;

	if (strlen(path) >= sizeof(sa.sun_path))
		return fail(err, errlen, -ENAMETOOLONG,
			    "snic-sim socket path '%.48s...' is %zu bytes: a UNIX socket path has at most %zu",
			    path, strlen(path), sizeof(sa.sun_path) - 1);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(err, errlen, -errno, "socket(AF_UNIX, SOCK_SEQPACKET): %s",
			    strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		*sock = fd;
		return 0;
	}
	e = errno;
	close(fd);
	switch (e) {
	case ENOENT:
		return fail(err, errlen, -ENOENT,
			    "no snic-sim at %s (no such socket file: is snic-sim running?)", path);
	case ECONNREFUSED:
		return fail(err, errlen, -ECONNREFUSED,
			    "no snic-sim listening at %s (connection refused)", path);
	case EPROTOTYPE:
		return fail(err, errlen, -EPROTOTYPE,
			    "%s is not a snic-sim device channel (not a SOCK_SEQPACKET socket)", path);
	default:
		return fail(err, errlen, -e, "cannot connect to snic-sim at %s: %s",
			    path, strerror(e));
	}
}

/* The NIC's sentence, printable and NUL-terminated. */
static void welcome_message(const struct snic_chan_welcome *w, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(w->message) && i + 1 < len && w->message[i]; i++) {
		unsigned char ch = (unsigned char)w->message[i];
		buf[i] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
	}
	buf[i] = 0;
}

static void close_fds(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* One message of the NIC's within the hello timeout, with its descriptors. */
struct nic_msg {
	ssize_t n;              /* bytes; 0: the NIC hung up */
	int flags;              /* msg_flags (MSG_TRUNC, MSG_CTRUNC) */
	int n_fds;
	int fds[MAX_FDS];
};

/*
 * Receive one message into buf (len bytes) and m.  Returns 0, or an error
 * (err names what: the welcome, an rx interrupt message) after which no
 * descriptor is held.
 */
static int recv_nic_msg(int sock, const char *path, const char *what, void *buf,
			size_t len, struct nic_msg *m, char *err, size_t errlen)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	int rc;

	do
		rc = poll(&pfd, 1, SNIC_DRV_CHAN_HELLO_TIMEOUT_MS);
	while (rc < 0 && errno == EINTR);
	if (rc == 0)
		return fail(err, errlen, -ETIMEDOUT,
			    "snic-sim at %s did not send %s within %u ms",
			    path, what, SNIC_DRV_CHAN_HELLO_TIMEOUT_MS);
	memset(buf, 0, len);
	m->n_fds = 0;
	do
		m->n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (m->n < 0 && errno == EINTR);
	if (m->n < 0)
		return fail(err, errlen, errno == ECONNRESET ? -ECONNRESET : -EPROTO,
			    "snic-sim at %s: cannot receive %s: %s", path, what,
			    strerror(errno));
	m->flags = msg.msg_flags;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k && m->n_fds < MAX_FDS; i++)
			memcpy(&m->fds[m->n_fds++], CMSG_DATA(cm) + i * sizeof(int),
			       sizeof(int));
	}
	if (m->n == 0) {
		close_fds(m->fds, m->n_fds);
		return fail(err, errlen, -ECONNRESET,
			    "snic-sim at %s closed the connection without %s", path, what);
	}
	if (m->flags & MSG_CTRUNC) {
		close_fds(m->fds, m->n_fds);
		return fail(err, errlen, -EPROTO,
			    "snic-sim at %s: %s carried more descriptors than the ABI allows (or this process is out of descriptors)",
			    path, what);
	}
	if ((size_t)m->n != len || (m->flags & MSG_TRUNC)) {
		close_fds(m->fds, m->n_fds);
		return fail(err, errlen, -EPROTO, "snic-sim at %s: %s of %s%zd bytes, want %zu",
			    path, what, (m->flags & MSG_TRUNC) ? "more than " : "", m->n, len);
	}
	return 0;
}

/*
 * Send the hello and receive the welcome with its descriptors.  Returns 0
 * with fds[0..2] (memfd, doorbell, irq) and *mem_size, or an error.
 */
static int handshake(int sock, const char *path, uint32_t flags, int fds[3],
		     uint64_t *mem_size, char *err, size_t errlen)
{
	struct snic_chan_hello hello = {
		.magic = SNIC_CHAN_MAGIC, .version = SNIC_CHAN_VERSION, .flags = flags,
	};
	struct snic_chan_welcome w;
	struct nic_msg m;
	int rc;
	char text[sizeof(w.message) + 1];

	if (send(sock, &hello, sizeof(hello), MSG_NOSIGNAL) != (ssize_t)sizeof(hello))
		return fail(err, errlen, -ECONNRESET,
			    "snic-sim at %s: cannot send the hello: %s", path,
			    strerror(errno));
	rc = recv_nic_msg(sock, path, "the welcome", &w, sizeof(w), &m, err, errlen);
	if (rc == -ETIMEDOUT)
		return fail(err, errlen, -ETIMEDOUT,
			    "snic-sim at %s did not answer the hello within %u ms",
			    path, SNIC_DRV_CHAN_HELLO_TIMEOUT_MS);
	if (rc)
		return rc;
	welcome_message(&w, text, sizeof(text));
	if (w.magic != SNIC_CHAN_MAGIC) {
		close_fds(m.fds, m.n_fds);
		return fail(err, errlen, -EPROTO,
			    "%s is not a snic-sim device channel (welcome magic 0x%08x, want 0x%08x)",
			    path, w.magic, SNIC_CHAN_MAGIC);
	}
	if (w.status != SNIC_CHAN_OK)
		close_fds(m.fds, m.n_fds);
	switch (w.status) {
	case SNIC_CHAN_OK:
		break;
	case SNIC_CHAN_BUSY:
		return fail(err, errlen, -EBUSY, "snic-sim at %s: %s", path,
			    text[0] ? text : "another host is attached");
	case SNIC_CHAN_VERSION_MISMATCH:
		return fail(err, errlen, -EPROTONOSUPPORT,
			    "snic-sim at %s speaks device-channel version %u, this driver version %u%s%s",
			    path, w.version, SNIC_CHAN_VERSION, text[0] ? ": " : "", text);
	case SNIC_CHAN_BAD_FLAGS:
		return fail(err, errlen, -EPROTONOSUPPORT,
			    "snic-sim at %s does not do the attachment asked for (hello flags 0x%x)%s%s",
			    path, flags, text[0] ? ": " : "", text);
	case SNIC_CHAN_NOMEM:
		return fail(err, errlen, -ENOMEM,
			    "snic-sim at %s could not create the shared memory%s%s",
			    path, text[0] ? ": " : "", text);
	default:
		return fail(err, errlen, -EPROTO,
			    "snic-sim at %s: unknown welcome status %u%s%s", path,
			    w.status, text[0] ? ": " : "", text);
	}
	if (w.version != SNIC_CHAN_VERSION) {
		close_fds(m.fds, m.n_fds);
		return fail(err, errlen, -EPROTO,
			    "snic-sim at %s welcomed version %u, this driver asked for %u",
			    path, w.version, SNIC_CHAN_VERSION);
	}
	if (m.n_fds != 3) {
		close_fds(m.fds, m.n_fds);
		return fail(err, errlen, -EPROTO,
			    "snic-sim at %s: welcome carried %d descriptors, want 3 (memfd, doorbell, interrupt)",
			    path, m.n_fds);
	}
	memcpy(fds, m.fds, 3 * sizeof(int));
	*mem_size = w.mem_size;
	return 0;
}

/* Is fd an eventfd?  (true when /proc cannot tell) */
static bool is_eventfd(int fd)
{
	char link[64], target[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return true;
	target[n] = 0;
	return strcmp(target, "anon_inode:[eventfd]") == 0;
}

/*
 * After the welcome: the queues' rx interrupt eventfds, in messages of
 * struct snic_chan_irqs (snic_chan.h), now that n_queues is known.
 */
static int recv_rxq_irqs(struct snic_drv_chan *c, char *err, size_t errlen)
{
	for (uint32_t first = 0; first < c->n_queues; first += SNIC_CHAN_IRQS_PER_MSG) {
		uint32_t left = c->n_queues - first;
		uint32_t want = left < SNIC_CHAN_IRQS_PER_MSG ? left : SNIC_CHAN_IRQS_PER_MSG;
		struct snic_chan_irqs h;
		struct nic_msg m;
		bool ok = true;
		int rc;

		rc = recv_nic_msg(c->sock, c->path, "the rx interrupts", &h, sizeof(h),
				  &m, err, errlen);
		if (rc)
			return rc;
		for (int i = 0; i < m.n_fds; i++)
			ok = ok && is_eventfd(m.fds[i]);
		if (h.magic != SNIC_CHAN_MAGIC || h.first != first || h.count != want ||
		    m.n_fds != (int)want || !ok) {
			close_fds(m.fds, m.n_fds);
			return fail(err, errlen, -EPROTO,
				    "snic-sim at %s: rx interrupt message for queues %u..%u: magic 0x%08x, first %u, count %u, %d descriptors%s; want %u eventfds",
				    c->path, first, first + want - 1, h.magic, h.first,
				    h.count, m.n_fds, ok ? "" : " (not all eventfds)", want);
		}
		for (uint32_t i = 0; i < want; i++)
			c->q[first + i].irq_fd = m.fds[i];
	}
	return 0;
}

/* ---- shared memory header validation ---- */

struct region {
	const char *name;
	uint64_t off, len;
};

/*
 * Check a private copy of the header against the region's size; why gets
 * the first problem, naming the field.
 */
static int validate_header(const struct snic_chan_shm *h, uint64_t size,
			   bool cmd_only, char *why, size_t len)
{
	struct region r[5];
	int n_r = cmd_only ? 2 : 5;
	uint64_t n_up;
	int16_t seen[SNIC_CHAN_MAX_QUEUES];

	if (h->magic != SNIC_CHAN_MAGIC)
		return fail(why, len, -EPROTO, "magic 0x%08x, want 0x%08x",
			    h->magic, SNIC_CHAN_MAGIC);
	if (h->version != SNIC_CHAN_VERSION)
		return fail(why, len, -EPROTO, "version %u, want %u (as welcomed)",
			    h->version, SNIC_CHAN_VERSION);
	if (h->size != size)
		return fail(why, len, -EPROTO,
			    "size %" PRIu64 " differs from the %" PRIu64 "-byte memfd (welcome mem_size)",
			    h->size, size);
	if (h->ring_size != SNIC_CHAN_RING_SIZE)
		return fail(why, len, -EPROTO, "ring_size %u, the ABI says %u",
			    h->ring_size, SNIC_CHAN_RING_SIZE);
	if (h->buf_size != SNIC_CHAN_BUF_SIZE)
		return fail(why, len, -EPROTO, "buf_size %u, the ABI says %u",
			    h->buf_size, SNIC_CHAN_BUF_SIZE);
	if (h->n_vfs > SNIC_IFC_MAX_VFS)
		return fail(why, len, -EPROTO, "n_vfs %u beyond the ABI's %u",
			    h->n_vfs, SNIC_IFC_MAX_VFS);
	if (cmd_only && (h->n_queues || h->evq_off || h->queue_off || h->buf_off))
		return fail(why, len, -EPROTO,
			    "n_queues %u, evq_off 0x%" PRIx64 ", queue_off 0x%" PRIx64 ", buf_off 0x%" PRIx64 ": a command-only attachment has no queues and no event ring (all 0)",
			    h->n_queues, h->evq_off, h->queue_off, h->buf_off);
	if (!cmd_only && (h->n_queues == 0 || h->n_queues > SNIC_CHAN_MAX_QUEUES))
		return fail(why, len, -EPROTO, "n_queues %u outside 1..%u",
			    h->n_queues, SNIC_CHAN_MAX_QUEUES);
	if (!cmd_only && (h->n_queues < h->n_vfs + 2u ||
			  h->n_queues > h->n_vfs + 1u + SNIC_IFC_MAX_UPLINKS))
		return fail(why, len, -EPROTO,
			    "n_queues %u does not fit n_vfs %u (one queue per uplink, the PF and each VF: %u..%u)",
			    h->n_queues, h->n_vfs, h->n_vfs + 2u,
			    h->n_vfs + 1u + SNIC_IFC_MAX_UPLINKS);

	r[0] = (struct region){ "header", 0, sizeof(struct snic_chan_shm) };
	r[1] = (struct region){ "cmd_off", h->cmd_off,
		(uint64_t)SNIC_CHAN_CMD_SLOTS * sizeof(struct snic_chan_cmd) };
	r[2] = (struct region){ "evq_off", h->evq_off, sizeof(struct snic_chan_evq) };
	r[3] = (struct region){ "queue_off", h->queue_off,
		(uint64_t)h->n_queues * sizeof(struct snic_chan_queue) };
	r[4] = (struct region){ "buf_off", h->buf_off,
		(uint64_t)h->n_queues * 2u * SNIC_CHAN_RING_SIZE * SNIC_CHAN_BUF_SIZE };
	for (int i = 1; i < n_r; i++) {
		if (r[i].off % 64)
			return fail(why, len, -EPROTO,
				    "%s 0x%" PRIx64 " is not 64-byte aligned",
				    r[i].name, r[i].off);
		if (r[i].off > size || r[i].len > size - r[i].off)
			return fail(why, len, -EPROTO,
				    "%s 0x%" PRIx64 " + 0x%" PRIx64 " bytes runs past the end of the 0x%" PRIx64 "-byte region",
				    r[i].name, r[i].off, r[i].len, size);
	}
	for (int i = 1; i < n_r; i++)
		for (int j = 0; j < n_r; j++)
			if (j != i && r[i].off < r[j].off + r[j].len &&
			    r[j].off < r[i].off + r[i].len)
				return fail(why, len, -EPROTO,
					    "%s region [0x%" PRIx64 ", 0x%" PRIx64 ") overlaps the %s region [0x%" PRIx64 ", 0x%" PRIx64 ")",
					    r[i].name, r[i].off, r[i].off + r[i].len,
					    j ? r[j].name : "header", r[j].off,
					    r[j].off + r[j].len);

	n_up = h->n_queues - 1u - h->n_vfs;
	memset(seen, 0xff, sizeof(seen));
	for (uint32_t q = 0; q < h->n_queues; q++) {
		uint16_t v = h->queue_vport[q];
		int x = vport_index(v);
		bool ok = x >= 0 &&
			  (SNIC_IFC_VPORT_IS_UPLINK(v)
				   ? (uint64_t)(v - SNIC_IFC_VPORT_UPLINK_BASE) < n_up
				   : v == SNIC_IFC_VPORT_PF || SNIC_IFC_VPORT_VF_INDEX(v) < h->n_vfs);

		if (!ok)
			return fail(why, len, -EPROTO,
				    "queue_vport[%u] = 0x%04x names no vport of a board with %u VFs and %" PRIu64 " uplinks",
				    q, v, h->n_vfs, n_up);
		if (seen[x] >= 0)
			return fail(why, len, -EPROTO,
				    "queue_vport[%u] = 0x%04x: that vport already has queue %d",
				    q, v, seen[x]);
		seen[x] = (int16_t)q;
	}
	return 0;
}

/* Map and validate; fills the geometry of c. */
static int map_memory(struct snic_drv_chan *c, uint64_t mem_size, char *err,
		      size_t errlen)
{
	struct snic_chan_shm h;
	struct stat st;
	char why[256];
	int rc;

	/* Keep the NIC from shrinking the file under the mapping (SIGBUS);
	 * best effort: the memfd may not allow sealing. */
	(void)fcntl(c->mem_fd, F_ADD_SEALS, F_SEAL_SHRINK);
	if (fstat(c->mem_fd, &st) < 0 || !S_ISREG(st.st_mode))
		return fail(err, errlen, -EPROTO,
			    "snic-sim at %s: the first descriptor of the welcome is not a memfd",
			    c->path);
	if (!is_eventfd(c->doorbell_fd) || !is_eventfd(c->irq_fd))
		return fail(err, errlen, -EPROTO,
			    "snic-sim at %s: the doorbell and interrupt descriptors of the welcome are not eventfds",
			    c->path);
	if (mem_size < sizeof(struct snic_chan_shm) || mem_size > SIZE_MAX ||
	    (uint64_t)st.st_size != mem_size)
		return fail(err, errlen, -EPROTO,
			    "snic-sim at %s: welcome mem_size %" PRIu64 " but the memfd has %lld bytes (at least %zu needed)",
			    c->path, mem_size, (long long)st.st_size,
			    sizeof(struct snic_chan_shm));
	c->base = mmap(NULL, (size_t)mem_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       c->mem_fd, 0);
	if (c->base == MAP_FAILED) {
		c->base = NULL;
		return fail(err, errlen, -ENOMEM,
			    "cannot map the %" PRIu64 "-byte shared memory of snic-sim at %s: %s",
			    mem_size, c->path, strerror(errno));
	}
	c->map_size = (size_t)mem_size;
	memcpy(&h, c->base, sizeof(h));    /* read the header once */
	rc = validate_header(&h, mem_size, c->cmd_only, why, sizeof(why));
	if (rc)
		return fail(err, errlen, rc, "snic-sim at %s: shared memory header: %s",
			    c->path, why);

	c->shm = (struct snic_chan_shm *)c->base;
	c->cmd = (struct snic_chan_cmd *)(c->base + h.cmd_off);
	c->n_vfs = h.n_vfs;
	c->buf_size = h.buf_size;
	if (c->cmd_only)
		return 0;       /* no event ring, no queues (checked) */
	c->evq = (struct snic_chan_evq *)(c->base + h.evq_off);
	c->n_queues = h.n_queues;
	c->q = calloc(h.n_queues, sizeof(*c->q));
	if (!c->q)
		return fail(err, errlen, -ENOMEM, "out of memory");
	for (uint32_t i = 0; i < h.n_queues; i++) {
		struct snic_chan_queue *sq = (struct snic_chan_queue *)
			(c->base + h.queue_off) + i;

		c->q[i].rx = &sq->rx;
		c->q[i].tx = &sq->tx;
		c->q[i].rx_armed = &sq->rx_armed.v;
		c->q[i].irq_fd = -1;    /* recv_rxq_irqs() */
		c->q[i].rx_buf = c->base + snic_chan_buf_off(&h, i, 0, 0);
		c->q[i].tx_buf = c->base + snic_chan_buf_off(&h, i, 1, 0);
		c->q[i].vport = h.queue_vport[i];
		c->vport_q[vport_index(h.queue_vport[i])] = (int16_t)i;
		/* A fresh NIC starts at 0, but adopt what it says. */
		c->q[i].rx_cons = LOAD_ACQ(&sq->rx.cons.v);
		c->q[i].tx_prod = LOAD_ACQ(&sq->tx.prod.v);
	}
	c->ev_cons = LOAD_ACQ(&c->evq->cons.v);
	return 0;
}

static int chan_open(const char *socket_path, uint32_t flags,
		     struct snic_drv_chan **out, char *err, size_t errlen)
{
	struct snic_drv_chan *c;
	pthread_condattr_t ca;
	uint64_t mem_size = 0;
	int fds[3], rc;

	*out = NULL;
	if (!socket_path || !*socket_path)
		return fail(err, errlen, -EINVAL, "no snic-sim socket path given");
	c = calloc(1, sizeof(*c));
	if (!c)
		return fail(err, errlen, -ENOMEM, "out of memory");
	c->sock = c->mem_fd = c->doorbell_fd = c->irq_fd = c->local_fd = -1;
	c->cmd_only = (flags & SNIC_CHAN_HELLO_CMD_ONLY) != 0;
	snprintf(c->path, sizeof(c->path), "%s", socket_path);
	memset(c->vport_q, 0xff, sizeof(c->vport_q));
	c->cmd_timeout_ms = SNIC_DRV_CHAN_CMD_TIMEOUT_MS;
	pthread_mutex_init(&c->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->wake_cv, &ca);
	pthread_cond_init(&c->slot_cv, &ca);
	pthread_condattr_destroy(&ca);

	rc = chan_connect(socket_path, &c->sock, err, errlen);
	if (rc)
		goto out;
	rc = handshake(c->sock, c->path, flags, fds, &mem_size, err, errlen);
	if (rc)
		goto out;
	c->mem_fd = fds[0];
	c->doorbell_fd = fds[1];
	c->irq_fd = fds[2];
	rc = map_memory(c, mem_size, err, errlen);
	if (rc)
		goto out;
	rc = recv_rxq_irqs(c, err, errlen);
	if (rc)
		goto out;
	c->local_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (c->local_fd < 0) {
		rc = fail(err, errlen, -errno, "eventfd: %s", strerror(errno));
		goto out;
	}
	*out = c;
	return 0;
out:
	snic_drv_chan_close(c);
	return rc;
}

int snic_drv_chan_open(const char *socket_path, struct snic_drv_chan **out,
		       char *err, size_t errlen)
{
	return chan_open(socket_path, 0, out, err, errlen);
}

int snic_drv_chan_open_cmd(const char *socket_path, struct snic_drv_chan **out,
			   char *err, size_t errlen)
{
	return chan_open(socket_path, SNIC_CHAN_HELLO_CMD_ONLY, out, err, errlen);
}

void snic_drv_chan_close(struct snic_drv_chan *c)
{
	if (!c)
		return;
	if (c->base)
		munmap(c->base, c->map_size);
	for (uint32_t i = 0; c->q && i < c->n_queues; i++)
		if (c->q[i].irq_fd >= 0)
			close(c->q[i].irq_fd);
	free(c->q);
	int fds[] = { c->sock, c->mem_fd, c->doorbell_fd, c->irq_fd, c->local_fd };
	close_fds(fds, 5);
	pthread_cond_destroy(&c->slot_cv);
	pthread_cond_destroy(&c->wake_cv);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

const char *snic_drv_chan_path(const struct snic_drv_chan *c)
{
	return c->path;
}

/* ---- queue map ---- */

uint32_t snic_drv_chan_n_queues(const struct snic_drv_chan *c)
{
	return c->n_queues;
}

uint32_t snic_drv_chan_n_vfs(const struct snic_drv_chan *c)
{
	return c->n_vfs;
}

uint16_t snic_drv_chan_queue_vport(const struct snic_drv_chan *c, uint32_t q)
{
	return q < c->n_queues ? c->q[q].vport : 0xffffu;
}

int snic_drv_chan_queue_of(const struct snic_drv_chan *c, uint16_t vport)
{
	int x = vport_index(vport);

	return x < 0 ? -1 : c->vport_q[x];
}

int snic_drv_chan_irq_fd(const struct snic_drv_chan *c)
{
	return c->irq_fd;
}

int snic_drv_chan_sock_fd(const struct snic_drv_chan *c)
{
	return c->sock;
}

struct snic_chan_shm *snic_drv_chan_shm(const struct snic_drv_chan *c)
{
	return c->shm;
}

int snic_drv_chan_doorbell_fd(const struct snic_drv_chan *c)
{
	return c->doorbell_fd;
}

/* ---- statistics ---- */

void snic_drv_chan_nic_stats(const struct snic_drv_chan *c,
			     struct snic_chan_stats *out)
{
	const uint64_t *src = (const uint64_t *)&c->shm->stats;
	uint64_t *dst = (uint64_t *)out;

	_Static_assert(sizeof(struct snic_chan_stats) % 8 == 0, "u64 counters");
	for (size_t i = 0; i < sizeof(*out) / 8; i++)
		dst[i] = LOAD_RLX(&src[i]);
}

void snic_drv_chan_stats(const struct snic_drv_chan *c,
			 struct snic_drv_chan_stats *out)
{
	const uint64_t *src = (const uint64_t *)&c->st;
	uint64_t *dst = (uint64_t *)out;

	_Static_assert(sizeof(struct snic_drv_chan_stats) % 8 == 0, "u64 counters");
	for (size_t i = 0; i < sizeof(*out) / 8; i++)
		dst[i] = LOAD_RLX(&src[i]);
}
