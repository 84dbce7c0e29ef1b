/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_server.c - the listening socket and its connections: accept (with the
 * peer-credential check), non-blocking reads into a per-connection buffer,
 * one request answered at a time per connection, non-blocking writes,
 * closing connections that stop reading.  Everything is registered in one
 * epoll instance whose fd the daemon watches (see snic_mgr_ctl.h).
 */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_internal.h"

#ifndef SNIC_VERSION_STRING
#define SNIC_VERSION_STRING "snic"
#endif
#define IN_MIN (64u << 10)      /* first input buffer */
#define IN_KEEP (1u << 20)      /* a larger idle input buffer is freed */
#define ACCEPTS_PER_POLL 16

struct conn {
	int fd;
	uint64_t serial;         /* for log lines: "client 7" */
	struct ucred cred;
	char *in;                /* received bytes: [in_off, in_len) unanswered */
	size_t in_off, in_len, in_cap;
	size_t scan;             /* no '\n' in [in_off, scan) */
	char *out;               /* the response being written */
	size_t out_off, out_len;
	double progress;         /* when the output last moved */
	bool eof;                /* the peer will send nothing more */
	bool closing;            /* close once the output is written */
	uint32_t events;         /* registered epoll interest */
};

struct snic_mgr_ctl_server {
	struct ctl_handler h;
	struct snic_mgr_ctl_server_opts o;
	char version[128];
	char *path;
	int ep, lfd, tfd;
	bool timer_armed;
	struct conn **conns;     /* o.max_clients slots */
	uint64_t serial;
	struct snic_mgr_ctl_server_stats st;
};

static void say(const struct snic_mgr_ctl_server *s,
		enum snic_mgr_ctl_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(const struct snic_mgr_ctl_server *s,
		enum snic_mgr_ctl_log_level lvl, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!s->o.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->o.log(s->o.log_ctx, lvl, line);
}

/* Replace a socket file nobody answers on; refuse one that is alive. */
static int claim_path(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	int fd, alive;

	snprintf(dir, sizeof(dir), "%s", path);
	if (mkdir(dirname(dir), 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create the directory of %s: %s",
			 path, strerror(errno));
		return -1;
	}
	if (access(path, F_OK) != 0)
		return 0;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	alive = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	if (fd >= 0)
		close(fd);
	if (alive) {
		snprintf(err, errlen, "%s is in use: another snic-offloadd is "
			 "serving it", path);
		return -1;
	}
	if (unlink(path) != 0) {
		snprintf(err, errlen, "cannot remove the stale socket %s: %s",
			 path, strerror(errno));
		return -1;
	}
	return 0;
}

static int listen_on(struct snic_mgr_ctl_server *s, const char *path,
		     char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN };

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path %s is longer than %zu bytes",
			 path, sizeof(sa.sun_path) - 1);
		return -1;
	}
	if (claim_path(path, err, errlen))
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
		return -1;
	}
	s->path = strdup(path);
	/* nobody can connect before listen(): set the mode first */
	if (!s->path || chmod(path, 0660) != 0 ||
	    (s->o.allow_gid_set && chown(path, (uid_t)-1, s->o.allow_gid) != 0) ||
	    listen(s->lfd, 128) != 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
		return -1;
	}
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	s->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->ep < 0 || s->tfd < 0) {
		snprintf(err, errlen, "cannot create the server's epoll/timer: %s",
			 strerror(errno));
		return -1;
	}
	ev.data.ptr = &s->lfd;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, s->lfd, &ev) != 0)
		goto fail;
	ev.data.ptr = &s->tfd;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, s->tfd, &ev) != 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "epoll_ctl: %s", strerror(errno));
	return -1;
}

struct snic_mgr_ctl_server *
snic_mgr_ctl_server_open(const char *path, const struct snic_mgr_ctl_ops *ops,
			 void *be, const struct snic_mgr_ctl_server_opts *opts,
			 char *err, size_t errlen)
{
	struct snic_mgr_ctl_server *s = calloc(1, sizeof(*s));

	if (!s || !ops) {
		snprintf(err, errlen, s ? "no backend ops given" : "out of memory");
		free(s);
		return NULL;
	}
	s->ep = s->lfd = s->tfd = -1;
	if (opts)
		s->o = *opts;
	if (!s->o.max_line)
		s->o.max_line = SNIC_MGR_CTL_DEFAULT_MAX_LINE;
	if (!s->o.max_response)
		s->o.max_response = SNIC_MGR_CTL_DEFAULT_MAX_RESPONSE;
	if (!s->o.max_clients)
		s->o.max_clients = SNIC_MGR_CTL_DEFAULT_MAX_CLIENTS;
	if (!s->o.stall_timeout_ms)
		s->o.stall_timeout_ms = SNIC_MGR_CTL_DEFAULT_STALL_MS;
	snprintf(s->version, sizeof(s->version), "%s",
		 s->o.version ? s->o.version : SNIC_VERSION_STRING);
	ctl_clean_text(s->version);
	s->o.version = NULL;
	s->h = (struct ctl_handler){ .ops = ops, .be = be, .version = s->version,
				     .started = ctl_now(),
				     .max_response = s->o.max_response };
	s->conns = calloc(s->o.max_clients, sizeof(*s->conns));
	if (!s->conns) {
		snprintf(err, errlen, "out of memory");
		snic_mgr_ctl_server_close(s);
		return NULL;
	}
	if (path && listen_on(s, path, err, errlen)) {
		snic_mgr_ctl_server_close(s);
		return NULL;
	}
	if (path)
		say(s, SNIC_MGR_CTL_LOG_INFO, "control socket %s listening", path);
	return s;
}

int snic_mgr_ctl_server_fd(const struct snic_mgr_ctl_server *s)
{
	return s->ep;
}

char *snic_mgr_ctl_server_handle(struct snic_mgr_ctl_server *s,
				 const char *line, size_t len, size_t *resp_len)
{
	bool is_error = false;
	char *out = ctl_handle_line(&s->h, line, len, resp_len, &is_error);

	if (out) {
		s->st.requests++;
		s->st.errors += is_error;
	}
	return out;
}

static void drop(struct snic_mgr_ctl_server *s, struct conn *c, const char *why)
{
	for (unsigned i = 0; i < s->o.max_clients; i++)
		if (s->conns[i] == c)
			s->conns[i] = NULL;
	say(s, SNIC_MGR_CTL_LOG_INFO, "client %llu (pid %d): %s",
	    (unsigned long long)c->serial, (int)c->cred.pid, why);
	/* close() alone would leave it registered while a forked child
	 * still holds the descriptor */
	epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
	s->st.clients--;
}

/* Write what is pending; 0, or -1 when the peer is gone. */
static int flush(struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t k = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (k < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->out_off += (size_t)k;
		c->progress = ctl_now();
	}
	free(c->out);
	c->out = NULL;
	c->out_off = c->out_len = 0;
	return 0;
}

static void queue(struct conn *c, char *resp, size_t len)
{
	c->out = resp;
	c->out_len = len;
	c->out_off = 0;
	c->progress = ctl_now();
}

/* Answer the next complete line; false when there is none. */
static bool answer_one(struct snic_mgr_ctl_server *s, struct conn *c)
{
	char *nl = c->scan < c->in_len ?
		memchr(c->in + c->scan, '\n', c->in_len - c->scan) : NULL;
	size_t end, next, len = 0;
	bool is_error = false;
	char *resp;

	if (nl) {
		end = (size_t)(nl - c->in);
		next = end + 1;
	} else if (c->eof && c->in_len > c->in_off) {
		end = next = c->in_len;   /* a last line without '\n' counts too */
	} else {
		c->scan = c->in_len;
		if (c->in_len - c->in_off <= s->o.max_line)
			return false;
		end = next = c->in_len;   /* too long already */
	}
	if (end - c->in_off > s->o.max_line) {
		resp = ctl_error_line(SNIC_MGR_CTL_EPROTO, &len, "the request line "
				      "is longer than %zu bytes (this server's "
				      "max_line); closing the connection", s->o.max_line);
		c->closing = true;
		next = c->in_len;
		s->st.requests++;
		s->st.errors++;
	} else {
		resp = ctl_handle_line(&s->h, c->in + c->in_off, end - c->in_off,
				       &len, &is_error);
		if (resp) {
			s->st.requests++;
			s->st.errors += is_error;
		}
	}
	if (!resp && (is_error || c->closing))
		c->closing = true;   /* out of memory: the answers would be out of order */
	c->in_off = c->scan = next;
	if (c->in_off == c->in_len) {
		c->in_off = c->in_len = c->scan = 0;
		if (c->in_cap > IN_KEEP) {
			free(c->in);
			c->in = NULL;
			c->in_cap = 0;
		}
	}
	if (resp)
		queue(c, resp, len);
	return true;
}

/* Read once (up to *budget bytes): 1 read, 0 nothing now, -1 gone. */
static int read_some(struct snic_mgr_ctl_server *s, struct conn *c, size_t *budget)
{
	size_t room, want;
	ssize_t k;

	if (c->in_off) {
		memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
		c->in_len -= c->in_off;
		c->scan -= c->in_off;
		c->in_off = 0;
	}
	if (c->in_len == c->in_cap) {
		size_t cap = c->in_cap ? c->in_cap * 2 : IN_MIN;
		if (cap > s->o.max_line + 1)
			cap = s->o.max_line + 1;
		char *in = cap > c->in_cap ? realloc(c->in, cap) : NULL;
		if (!in)
			return -1;   /* out of memory, or full at max_line + 1 */
		c->in = in;
		c->in_cap = cap;
	}
	room = c->in_cap - c->in_len;
	want = room < *budget ? room : *budget;
	k = recv(c->fd, c->in + c->in_len, want, MSG_DONTWAIT);
	if (k < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (k == 0) {
		c->eof = true;
		return 1;
	}
	c->in_len += (size_t)k;
	*budget -= (size_t)k;
	return 1;
}

static void set_interest(struct snic_mgr_ctl_server *s, struct conn *c)
{
	uint32_t want = c->out ? EPOLLOUT : (c->eof || c->closing ? 0 : EPOLLIN);
	struct epoll_event ev = { .events = want, .data.ptr = c };

	if (want != c->events && epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->events = want;
}

/* Everything this connection can do now, within the read budget. */
static int conn_run(struct snic_mgr_ctl_server *s, struct conn *c)
{
	size_t budget = SNIC_MGR_CTL_READ_BUDGET;
	int answered = 0, k;

	for (;;) {
		if (c->out && flush(c)) {
			drop(s, c, "connection lost while writing");
			return answered;
		}
		if (c->out)
			break;           /* the peer is not reading: wait */
		if (c->closing) {
			drop(s, c, "closed after a fatal request error");
			return answered;
		}
		if (answer_one(s, c)) {
			answered++;
			continue;
		}
		if (c->eof) {
			drop(s, c, "disconnected");
			return answered;
		}
		if (!budget)
			break;
		k = read_some(s, c, &budget);
		if (k < 0) {
			drop(s, c, "connection lost while reading");
			return answered;
		}
		if (k == 0)
			break;
	}
	set_interest(s, c);
	return answered;
}

static void refuse(struct snic_mgr_ctl_server *s, int fd, const struct ucred *cr,
		   enum snic_mgr_ctl_code code, const char *why)
{
	size_t len = 0;
	char *line = ctl_error_line(code, &len, "%s", why);

	if (line)    /* best effort: the peer is going anyway */
		send(fd, line, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	free(line);
	close(fd);
	s->st.refused++;
	say(s, SNIC_MGR_CTL_LOG_WARN, "refused pid %d uid %u gid %u: %s",
	    (int)cr->pid, (unsigned)cr->uid, (unsigned)cr->gid, why);
}

static void accept_some(struct snic_mgr_ctl_server *s)
{
	for (int i = 0; i < ACCEPTS_PER_POLL; i++) {
		struct ucred cr = { .pid = 0 };
		socklen_t crlen = sizeof(cr);
		struct epoll_event ev = { .events = EPOLLIN };
		unsigned slot = s->o.max_clients;
		struct conn *c;
		char why[160];
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				say(s, SNIC_MGR_CTL_LOG_WARN, "accept: %s", strerror(errno));
			return;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) != 0) {
			refuse(s, fd, &cr, SNIC_MGR_CTL_EPERM, "peer credentials unavailable");
			continue;
		}
		if (cr.uid != 0 && cr.uid != geteuid() &&
		    !(s->o.allow_gid_set && cr.gid == s->o.allow_gid)) {
			snprintf(why, sizeof(why), "uid %u may not use snic-offloadd's "
				 "control socket (root, uid %u%s only)", (unsigned)cr.uid,
				 (unsigned)geteuid(), s->o.allow_gid_set ? " and its group" : "");
			refuse(s, fd, &cr, SNIC_MGR_CTL_EPERM, why);
			continue;
		}
		for (unsigned j = 0; j < s->o.max_clients && slot == s->o.max_clients; j++)
			if (!s->conns[j])
				slot = j;
		c = slot < s->o.max_clients ? calloc(1, sizeof(*c)) : NULL;
		if (!c) {
			snprintf(why, sizeof(why), "too many clients (%u): try again later",
				 s->o.max_clients);
			refuse(s, fd, &cr, SNIC_MGR_CTL_EBUSY, why);
			continue;
		}
		*c = (struct conn){ .fd = fd, .serial = ++s->serial, .cred = cr,
				    .events = EPOLLIN };
		ev.data.ptr = c;
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			free(c);
			refuse(s, fd, &cr, SNIC_MGR_CTL_EIO, "cannot register the connection");
			continue;
		}
		s->conns[slot] = c;
		s->st.clients++;
		s->st.accepted++;
		say(s, SNIC_MGR_CTL_LOG_INFO, "client %llu connected: pid %d uid %u gid %u",
		    (unsigned long long)c->serial, (int)cr.pid, (unsigned)cr.uid,
		    (unsigned)cr.gid);
	}
}

/* Close connections whose output has not moved for stall_timeout_ms, and
 * keep the timer running while any output is pending. */
static void check_stalls(struct snic_mgr_ctl_server *s)
{
	double now = ctl_now(), limit = s->o.stall_timeout_ms / 1000.0;
	bool pending = false;

	for (unsigned i = 0; i < s->o.max_clients; i++) {
		struct conn *c = s->conns[i];
		if (!c || !c->out)
			continue;
		if (now - c->progress >= limit) {
			s->st.stalled++;
			drop(s, c, "closed: it stopped reading its responses");
		} else {
			pending = true;
		}
	}
	if (pending != s->timer_armed) {
		long ns = (long)s->o.stall_timeout_ms * 250000L;   /* a quarter */
		struct itimerspec it = { { 0, 0 }, { 0, 0 } };
		if (ns > 1000000000L)
			ns = 1000000000L;
		if (pending)
			it.it_interval = it.it_value =
				(struct timespec){ ns / 1000000000L, ns % 1000000000L };
		if (timerfd_settime(s->tfd, 0, &it, NULL) == 0)
			s->timer_armed = pending;
	}
}

int snic_mgr_ctl_server_poll(struct snic_mgr_ctl_server *s)
{
	struct epoll_event ev[32];
	int n, answered = 0;
	uint64_t ticks;

	if (s->ep < 0)
		return 0;
	n = epoll_wait(s->ep, ev, 32, 0);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (int i = 0; i < n; i++) {
		if (ev[i].data.ptr == &s->lfd)
			accept_some(s);
		else if (ev[i].data.ptr == &s->tfd)
			(void)!read(s->tfd, &ticks, sizeof(ticks));
		else
			answered += conn_run(s, ev[i].data.ptr);
	}
	check_stalls(s);
	return answered;
}

void snic_mgr_ctl_server_stats(const struct snic_mgr_ctl_server *s,
			       struct snic_mgr_ctl_server_stats *st)
{
	*st = s->st;
	st->out_pending = st->out_pending_max = 0;
	for (unsigned i = 0; i < s->o.max_clients; i++) {
		const struct conn *c = s->conns[i];
		size_t p = c && c->out ? c->out_len - c->out_off : 0;
		st->out_pending += p;
		if (p > st->out_pending_max)
			st->out_pending_max = p;
	}
}

void snic_mgr_ctl_server_close(struct snic_mgr_ctl_server *s)
{
	if (!s)
		return;
	for (unsigned i = 0; s->conns && i < s->o.max_clients; i++)
		if (s->conns[i])
			drop(s, s->conns[i], "server closing");
	if (s->lfd >= 0) {
		close(s->lfd);
		if (s->path)
			unlink(s->path);
	}
	if (s->tfd >= 0)
		close(s->tfd);
	if (s->ep >= 0)
		close(s->ep);
	free(s->path);
	free(s->conns);
	free(s);
}
