/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_client.c - the client side: connect, send one request, wait for its
 * response line within the timeout, and hand back the result or the error.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_internal.h"

#define MAX_RESPONSE (1u << 30)   /* the server's is 512 MiB by default */
#define PROGRESS_STEP (1u << 20)

struct snic_mgr_ctl_client {
	int fd;
	unsigned timeout_ms;
	uint64_t next_id;
	bool broken;              /* a call failed on the way: unusable */
	char *in;                 /* received, not yet consumed */
	size_t in_len, in_cap;
	void (*progress)(void *ctx, size_t sent, size_t total);
	void *progress_ctx;
};

static int fail(struct snic_mgr_ctl_error *e, enum snic_mgr_ctl_code code,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct snic_mgr_ctl_error *e, enum snic_mgr_ctl_code code,
		const char *fmt, ...)
{
	va_list ap;

	*e = (struct snic_mgr_ctl_error){ .code = code, .index = -1, .line = -1 };
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return -1;
}

struct snic_mgr_ctl_client *snic_mgr_ctl_connect(const char *path,
						 unsigned timeout_ms,
						 char *err, size_t errlen,
						 int *err_errno)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	double deadline = ctl_now() + timeout_ms / 1000.0;
	struct snic_mgr_ctl_client *c;
	int fd, e = 0;

	if (!path)
		path = SNIC_MGR_CTL_DEFAULT_PATH;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		e = ENAMETOOLONG;
		goto out;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		e = errno;
		goto out;
	}
	/* a full backlog says EAGAIN on a non-blocking socket: retry */
	while (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		e = errno;
		if ((e != EAGAIN && e != EINTR) ||
		    (timeout_ms && ctl_now() >= deadline)) {
			close(fd);
			goto out;
		}
		usleep(10000);
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		e = ENOMEM;
		goto out;
	}
	c->fd = fd;
	c->timeout_ms = timeout_ms;
	c->next_id = 1;
	return c;
out:
	snprintf(err, errlen, "cannot connect to snic-offloadd at %s: %s", path,
		 strerror(e));
	if (err_errno)
		*err_errno = e;
	return NULL;
}

void snic_mgr_ctl_client_progress(struct snic_mgr_ctl_client *c,
				  void (*cb)(void *ctx, size_t sent, size_t total),
				  void *ctx)
{
	c->progress = cb;
	c->progress_ctx = ctx;
}

void snic_mgr_ctl_client_close(struct snic_mgr_ctl_client *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c->in);
	free(c);
}

/* Wait for events on the socket until the deadline: 1 ready, 0 timed out. */
static int wait_for(const struct snic_mgr_ctl_client *c, short events,
		    double deadline)
{
	struct pollfd p = { .fd = c->fd, .events = events };
	int ms = -1, k;

	for (;;) {
		if (c->timeout_ms) {
			double left = deadline - ctl_now();
			if (left <= 0)
				return 0;
			ms = (int)(left * 1000) + 1;
		}
		k = poll(&p, 1, ms);
		if (k > 0)
			return 1;
		if (k < 0 && errno != EINTR)
			return 1;   /* let the send/recv report it */
	}
}

/* Send all of buf; 0, 1 if the peer closed (its answer may be waiting),
 * or -1 with e filled. */
static int send_all(struct snic_mgr_ctl_client *c, const char *buf, size_t len,
		    double deadline, struct snic_mgr_ctl_error *e)
{
	size_t off = 0, reported = 0;

	while (off < len) {
		ssize_t k = send(c->fd, buf + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (k < 0 && (errno == EPIPE || errno == ECONNRESET))
			return 1;
		if (k < 0 && errno != EAGAIN && errno != EINTR)
			return fail(e, SNIC_MGR_CTL_ECONN, "sending to snic-offloadd: %s",
				    strerror(errno));
		if (k < 0) {
			if (!wait_for(c, POLLOUT, deadline))
				return fail(e, SNIC_MGR_CTL_ETIMEDOUT, "timed out after "
					    "%.3g s sending the request to snic-offloadd "
					    "(%zu of %zu bytes sent)",
					    c->timeout_ms / 1000.0, off, len);
			continue;
		}
		off += (size_t)k;
		if (c->progress && (off - reported >= PROGRESS_STEP || off == len)) {
			c->progress(c->progress_ctx, off, len);
			reported = off;
		}
	}
	return 0;
}

/* Receive one response line; its length (without '\n') or -1. */
static ssize_t recv_line(struct snic_mgr_ctl_client *c, double deadline,
			 bool peer_closed, struct snic_mgr_ctl_error *e)
{
	size_t scan = 0;

	for (;;) {
		char *nl = c->in_len > scan ?
			memchr(c->in + scan, '\n', c->in_len - scan) : NULL;
		ssize_t k;

		if (nl)
			return nl - c->in;
		scan = c->in_len;
		if (c->in_len == c->in_cap) {
			size_t cap = c->in_cap ? c->in_cap * 2 : 65536;
			char *in = cap <= MAX_RESPONSE ? realloc(c->in, cap) : NULL;
			if (!in)
				return fail(e, SNIC_MGR_CTL_EPROTO, "the response of "
					    "snic-offloadd is longer than %u bytes",
					    MAX_RESPONSE);
			c->in = in;
			c->in_cap = cap;
		}
		k = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
		if (k > 0) {
			c->in_len += (size_t)k;
		} else if (k == 0 || (errno != EAGAIN && errno != EINTR)) {
			return fail(e, SNIC_MGR_CTL_ECONN, "snic-offloadd closed the "
				    "connection %s", peer_closed ? "while the request "
				    "was being sent" : "without answering");
		} else if (!wait_for(c, POLLIN, deadline)) {
			return fail(e, SNIC_MGR_CTL_ETIMEDOUT, "timed out after %.3g s "
				    "waiting for snic-offloadd's answer",
				    c->timeout_ms / 1000.0);
		}
	}
}

static void copy_str(char *dst, size_t len, const json_t *j)
{
	snprintf(dst, len, "%s", json_is_string(j) ? json_string_value(j) : "");
}

/* The daemon's error object into e; 1 (refused) or -1 (malformed). */
static int take_error(const json_t *err, struct snic_mgr_ctl_error *e)
{
	const json_t *code = json_object_get(err, "code");
	const json_t *msg = json_object_get(err, "message");
	const json_t *idx = json_object_get(err, "index");
	const json_t *line = json_object_get(err, "line");

	if (!json_is_string(code) || !json_is_string(msg))
		return fail(e, SNIC_MGR_CTL_EPROTO, "snic-offloadd sent an error "
			    "without a code or a message");
	*e = (struct snic_mgr_ctl_error){ .index = -1, .line = -1 };
	e->code = snic_mgr_ctl_code_parse(json_string_value(code));
	if (e->code == SNIC_MGR_CTL_CODE_COUNT)
		e->code = SNIC_MGR_CTL_EIO;   /* a newer daemon's code */
	copy_str(e->message, sizeof(e->message), msg);
	copy_str(e->field, sizeof(e->field), json_object_get(err, "field"));
	if (json_is_integer(idx))
		e->index = json_integer_value(idx);
	if (json_is_integer(line))
		e->line = json_integer_value(line);
	return 1;
}

/* Check a parsed response to request id; 0, 1 or -1 as snic_mgr_ctl_call. */
static int take_response(json_t *resp, uint64_t id, json_t **result,
			 struct snic_mgr_ctl_error *e)
{
	const json_t *rid = json_object_get(resp, "id");
	const json_t *ok = json_object_get(resp, "ok");
	json_t *res = json_object_get(resp, "result");

	if (!json_is_object(resp) || json_integer_value(json_object_get(resp, "v")) !=
	    SNIC_MGR_CTL_VERSION || !json_is_boolean(ok))
		return fail(e, SNIC_MGR_CTL_EPROTO, "snic-offloadd's response is "
			    "not a version %d response", SNIC_MGR_CTL_VERSION);
	/* an error about an unreadable request carries id null */
	if (!(json_is_integer(rid) && (uint64_t)json_integer_value(rid) == id) &&
	    !(json_is_null(rid) && json_is_false(ok)))
		return fail(e, SNIC_MGR_CTL_EPROTO, "snic-offloadd answered another "
			    "request than %llu", (unsigned long long)id);
	if (json_is_false(ok))
		return take_error(json_object_get(resp, "error"), e);
	if (!json_is_object(res))
		return fail(e, SNIC_MGR_CTL_EPROTO, "snic-offloadd's response has "
			    "no result object");
	*result = json_incref(res);
	*e = (struct snic_mgr_ctl_error){ .code = SNIC_MGR_CTL_OK, .index = -1, .line = -1 };
	return 0;
}

int snic_mgr_ctl_call(struct snic_mgr_ctl_client *c, const char *cmd,
		      json_t *args, json_t **result, struct snic_mgr_ctl_error *err)
{
	double deadline = ctl_now() + c->timeout_ms / 1000.0;
	uint64_t id = c->next_id++;
	json_t *req, *resp;
	json_error_t jerr;
	char *line;
	ssize_t n;
	int rc;

	*result = NULL;
	if (c->broken)
		return fail(err, SNIC_MGR_CTL_ECONN, "the connection to "
			    "snic-offloadd failed earlier");
	/* "o" steals the reference, also when json_pack() fails */
	req = json_pack("{s:i,s:I,s:s,s:o}", "v", SNIC_MGR_CTL_VERSION,
			"id", (json_int_t)id, "cmd", cmd, "args",
			args ? json_incref(args) : json_object());
	line = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (!line)
		return fail(err, SNIC_MGR_CTL_EIO, "cannot build the request "
			    "(out of memory, or a string is not UTF-8)");
	size_t len = strlen(line);
	char *full = realloc(line, len + 2);
	if (!full) {
		free(line);
		return fail(err, SNIC_MGR_CTL_EIO, "out of memory");
	}
	full[len++] = '\n';
	rc = send_all(c, full, len, deadline, err);
	free(full);
	if (rc < 0 || (n = recv_line(c, deadline, rc == 1, err)) < 0) {
		c->broken = true;
		return -1;
	}
	resp = json_loadb(c->in, (size_t)n, 0, &jerr);
	memmove(c->in, c->in + n + 1, c->in_len - (size_t)n - 1);
	c->in_len -= (size_t)n + 1;
	if (!resp) {
		c->broken = true;
		return fail(err, SNIC_MGR_CTL_EPROTO, "snic-offloadd's response is "
			    "not valid JSON: %s", jerr.text);
	}
	rc = take_response(resp, id, result, err);
	json_decref(resp);
	if (rc < 0)
		c->broken = true;
	return rc;
}
