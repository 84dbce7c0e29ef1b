/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_test_lib.h - plumbing for test_ctl (no checks in here): a control
 * server on the stub backend running in its own thread, and a raw client
 * that writes bytes and reads response lines without the client library.
 *
 * The server thread holds srv->lock while it polls; the test takes it
 * (ctl_srv_lock) before touching the stub or the server's counters.
 */
#ifndef SNIC_CTL_TEST_LIB_H
#define SNIC_CTL_TEST_LIB_H

#include <pthread.h>
#include <stddef.h>

#include "ctl_stub.h"

struct ctl_srv {
	struct snic_mgr_ctl_server *s;
	struct ctl_stub *stub;
	char dir[64], path[108];
	pthread_t thread;
	pthread_mutex_t lock;
	int stop_fd;             /* eventfd: the thread exits when it is set */
};

/** Start a server at a fresh path under /tmp; 0 or -1 (said on stderr). */
int ctl_srv_start(struct ctl_srv *srv, const struct snic_mgr_ctl_server_opts *o,
		  size_t capacity);
void ctl_srv_stop(struct ctl_srv *srv);
void ctl_srv_lock(struct ctl_srv *srv);
void ctl_srv_unlock(struct ctl_srv *srv);
struct snic_mgr_ctl_server_stats ctl_srv_stats(struct ctl_srv *srv);

/** A blocking connection to path, or -1. */
int ctl_raw_connect(const char *path);
/** Write all of buf (blocking); 0 or -1 (the peer closed). */
int ctl_raw_send(int fd, const void *buf, size_t len);
/** Send line + "\n" (len bytes; may hold NULs). */
int ctl_raw_send_line(int fd, const char *line, size_t len);
/**
 * Read one response line within timeout_ms and parse it; NULL on timeout,
 * EOF or unparsable JSON (*raw, if not NULL, gets the line text: free it).
 */
json_t *ctl_raw_recv(int fd, int timeout_ms, char **raw);
/** Send a line, read its response. */
json_t *ctl_raw_call(int fd, const char *line);
/** 1 if the peer closed (EOF or reset) within timeout_ms, else 0. */
int ctl_raw_closed(int fd, int timeout_ms);

/** Milliseconds, CLOCK_MONOTONIC. */
double ctl_ms(void);

#endif /* SNIC_CTL_TEST_LIB_H */
