/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_stub_server.c - the control protocol's server on the stub backend
 * (ctl_stub.h), as a process: what test_snicctl.sh runs snicctl against.
 *
 *   ctl_stub_server SOCKET [CAPACITY]
 *
 * Serves until SIGTERM or SIGINT (then removes the socket); logs each
 * connection on stderr.  Test code, not a product.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctl_stub.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void log_line(void *ctx, enum snic_mgr_ctl_log_level lvl, const char *line)
{
	(void)ctx;
	fprintf(stderr, "ctl_stub_server: %s%s\n",
		lvl == SNIC_MGR_CTL_LOG_WARN ? "warning: " : "", line);
}

int main(int argc, char **argv)
{
	struct snic_mgr_ctl_server_opts o = { .log = log_line,
					      .version = "snic-offloadd stub" };
	struct sigaction sa = { .sa_handler = on_signal };
	struct snic_mgr_ctl_server *s;
	struct ctl_stub *st;
	struct pollfd p;
	char err[256];

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: ctl_stub_server SOCKET [CAPACITY]\n");
		return 64;
	}
	st = ctl_stub_new(argc == 3 ? strtoul(argv[2], NULL, 0) : 1000000);
	s = st ? snic_mgr_ctl_server_open(argv[1], &ctl_stub_ops, st, &o, err, sizeof(err))
	       : NULL;
	if (!s) {
		fprintf(stderr, "ctl_stub_server: %s\n", st ? err : "out of memory");
		ctl_stub_free(st);
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	p = (struct pollfd){ .fd = snic_mgr_ctl_server_fd(s), .events = POLLIN };
	while (!stop) {
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
		if (snic_mgr_ctl_server_poll(s) < 0)
			break;
	}
	snic_mgr_ctl_server_close(s);
	ctl_stub_free(st);
	return 0;
}
