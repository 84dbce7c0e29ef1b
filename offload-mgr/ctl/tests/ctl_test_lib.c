/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_test_lib.c - see ctl_test_lib.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl_test_lib.h"

double ctl_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *serve(void *arg)
{
	struct ctl_srv *srv = arg;
	struct pollfd p[2] = {
		{ .fd = snic_mgr_ctl_server_fd(srv->s), .events = POLLIN },
		{ .fd = srv->stop_fd, .events = POLLIN },
	};

	while (!(p[1].revents & POLLIN)) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		pthread_mutex_lock(&srv->lock);
		snic_mgr_ctl_server_poll(srv->s);
		pthread_mutex_unlock(&srv->lock);
	}
	return NULL;
}

int ctl_srv_start(struct ctl_srv *srv, const struct snic_mgr_ctl_server_opts *o,
		  size_t capacity)
{
	static int n;
	char err[256];

	memset(srv, 0, sizeof(*srv));
	snprintf(srv->dir, sizeof(srv->dir), "/tmp/snic-test-ctl.%d.%d", (int)getpid(), n++);
	snprintf(srv->path, sizeof(srv->path), "%s/offloadd.sock", srv->dir);
	srv->stub = ctl_stub_new(capacity);
	srv->s = srv->stub ? snic_mgr_ctl_server_open(srv->path, &ctl_stub_ops, srv->stub,
						      o, err, sizeof(err)) : NULL;
	if (!srv->s) {
		fprintf(stderr, "cannot start the control server: %s\n", err);
		return -1;
	}
	srv->stop_fd = eventfd(0, EFD_CLOEXEC);
	pthread_mutex_init(&srv->lock, NULL);
	return pthread_create(&srv->thread, NULL, serve, srv) ? -1 : 0;
}

void ctl_srv_stop(struct ctl_srv *srv)
{
	uint64_t one = 1;

	if (!srv->s)
		return;
	(void)!write(srv->stop_fd, &one, sizeof(one));
	pthread_join(srv->thread, NULL);
	snic_mgr_ctl_server_close(srv->s);
	ctl_stub_free(srv->stub);
	close(srv->stop_fd);
	pthread_mutex_destroy(&srv->lock);
	rmdir(srv->dir);
	srv->s = NULL;
}

void ctl_srv_lock(struct ctl_srv *srv)
{
	pthread_mutex_lock(&srv->lock);
}

void ctl_srv_unlock(struct ctl_srv *srv)
{
	pthread_mutex_unlock(&srv->lock);
}

struct snic_mgr_ctl_server_stats ctl_srv_stats(struct ctl_srv *srv)
{
	struct snic_mgr_ctl_server_stats st;

	ctl_srv_lock(srv);
	snic_mgr_ctl_server_stats(srv->s, &st);
	ctl_srv_unlock(srv);
	return st;
}

int ctl_raw_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}

int ctl_raw_send(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t k = send(fd, p, len, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

int ctl_raw_send_line(int fd, const char *line, size_t len)
{
	return ctl_raw_send(fd, line, len) || ctl_raw_send(fd, "\n", 1) ? -1 : 0;
}

json_t *ctl_raw_recv(int fd, int timeout_ms, char **raw)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap + 1);
	double end = ctl_ms() + timeout_ms;
	json_t *j = NULL;

	if (raw)
		*raw = NULL;
	/* peek, then take exactly up to the newline: never read past this line */
	while (buf) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = (int)(end - ctl_ms());
		ssize_t k;
		char *nl;
		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		if (len == cap) {
			char *nb = realloc(buf, (cap *= 2) + 1);
			if (!nb)
				break;
			buf = nb;
		}
		k = recv(fd, buf + len, cap - len, MSG_PEEK);
		if (k <= 0)
			break;
		nl = memchr(buf + len, '\n', (size_t)k);
		k = recv(fd, buf + len, nl ? (size_t)(nl - (buf + len)) + 1 : (size_t)k, 0);
		if (k <= 0)
			break;
		len += (size_t)k;
		if (nl) {
			buf[len - 1] = 0;
			j = json_loads(buf, 0, NULL);
			if (raw) {
				*raw = buf;
				buf = NULL;
			}
			break;
		}
	}
	free(buf);
	return j;
}

json_t *ctl_raw_call(int fd, const char *line)
{
	if (ctl_raw_send_line(fd, line, strlen(line)))
		return NULL;
	return ctl_raw_recv(fd, 10000, NULL);
}

int ctl_raw_closed(int fd, int timeout_ms)
{
	double end = ctl_ms() + timeout_ms;
	char buf[4096];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = (int)(end - ctl_ms());
		ssize_t k;
		if (left <= 0 || poll(&p, 1, left) <= 0)
			return 0;
		k = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (k == 0 || (k < 0 && errno != EAGAIN && errno != EINTR))
			return 1;
	}
}
