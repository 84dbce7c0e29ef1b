/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl.c - snic-sim's control socket and the `snic-sim ctl` client.
 *
 * A SOCK_SEQPACKET socket next to the device channel (NAME.ctl).  One
 * request per connection: a line of words; the answer starts with "ok" or
 * "error: " and a sentence.
 *
 *   status                    the NIC, its ports and counters, the host
 *   capture PORT FILE|off     start or stop a pcap of PORT (uplink0, pf, vfN)
 *   link uplinkN up|down      pull or plug the uplink cable
 *   stop                      stop snic-sim (as SIGTERM)
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sim.h"

int sim_ctl_listen(struct sim *s, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (sim_claim_socket_path(s->o.ctl_path, err, errlen))
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", s->o.ctl_path);
	s->ctl_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->ctl_fd < 0 || bind(s->ctl_fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(s->o.ctl_path, 0600) != 0 || listen(s->ctl_fd, 4) != 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", s->o.ctl_path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

void sim_ctl_close(struct sim *s)
{
	if (s->ctl_fd >= 0) {
		close(s->ctl_fd);
		unlink(s->o.ctl_path);
		s->ctl_fd = -1;
	}
}

struct out {
	char buf[196608];       /* status of 1024 VFs */
	size_t n;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (o->n >= sizeof(o->buf))
		return;
	va_start(ap, fmt);
	k = vsnprintf(o->buf + o->n, sizeof(o->buf) - o->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->n += (size_t)k < sizeof(o->buf) - o->n ? (size_t)k : sizeof(o->buf) - o->n - 1;
}

static void port_line(struct out *o, const struct sim_port *p)
{
	if (p->fd < 0 && p->kind == SIM_PORT_NONE)
		return;
	put(o, "port %s %s netns=%s carrier=%s rx=%llu tx=%llu rx_bytes=%llu "
	    "tx_bytes=%llu tx_errors=%llu rx_errors=%llu rx_too_big=%llu capture=%s\n",
	    p->label, p->ifname,
	    p->netns[0] ? p->netns : "-", p->carrier ? "up" : "down",
	    (unsigned long long)p->rx, (unsigned long long)p->tx,
	    (unsigned long long)p->rx_bytes, (unsigned long long)p->tx_bytes,
	    (unsigned long long)p->tx_errors, (unsigned long long)p->rx_errors,
	    (unsigned long long)p->rx_too_big, p->cap_path[0] ? p->cap_path : "-");
}

static void status(struct sim *s, struct out *o)
{
	const struct snic_chan_stats *st = &s->stats;

	put(o, "ok\nnic %s model=\"%s\" firmware=%s vfs=%u uplinks=%u\n", s->o.name,
	    s->board->model, SNIC_FW_VERSION, s->board->n_vfs, s->board->n_uplinks);
	put(o, "host %s pid=%d attaches=%llu socket=%s\n",
	    s->ch.conn_fd >= 0 ? "attached" : "none", (int)s->ch.host_pid,
	    (unsigned long long)s->ch.attaches, s->o.sock_path);
	put(o, "channel commands=%llu bad_ring_index=%llu bad_desc_len=%llu "
	    "bad_cmd_len=%llu rx_ring_full=%llu rx_too_big=%llu no_host=%llu "
	    "events_lost=%llu rxq_irqs=%llu\n", (unsigned long long)st->commands,
	    (unsigned long long)st->bad_ring_index, (unsigned long long)st->bad_desc_len,
	    (unsigned long long)st->bad_cmd_len, (unsigned long long)st->rx_ring_full,
	    (unsigned long long)st->rx_too_big, (unsigned long long)st->no_host,
	    (unsigned long long)st->events_lost, (unsigned long long)st->rxq_irqs);
	{
		char cmdh[512];

		sim_cmdh_status(s, cmdh, sizeof(cmdh));
		put(o, "%s", cmdh);
	}
	{
		struct snic_fw_usage u;

		snic_fw_get_usage(s->fw, &u);
		put(o, "steering tables=%u groups=%u entries=%u\n", u.tables, u.groups,
		    u.entries);
	}
	put(o, "sriov total_vfs=%u num_vfs=%u\n", s->board->n_vfs, s->num_vfs);
	for (unsigned i = 0; i < s->board->n_uplinks; i++)
		port_line(o, &s->uplinks[i]);
	port_line(o, &s->pf);
	for (unsigned i = 0; i < s->board->n_vfs; i++)
		port_line(o, &s->vfs[i]);
	put(o, "loops %llu\n", (unsigned long long)s->loops);
}

static void request(struct sim *s, char *line, struct out *o)
{
	char *argv[8], *save = NULL, err[400];
	int argc = 0;

	for (char *w = strtok_r(line, " \t\n", &save); w && argc < 8;
	     w = strtok_r(NULL, " \t\n", &save))
		argv[argc++] = w;
	if (argc == 1 && !strcmp(argv[0], "status")) {
		status(s, o);
	} else if (argc == 3 && !strcmp(argv[0], "capture")) {
		struct sim_port *p = sim_port_by_label(s, argv[1]);
		if (p && SNIC_IFC_VPORT_IS_VF(p->vport) && !p->enabled)
			put(o, "error: %s is not enabled (SR-IOV: %u of %u VFs enabled): "
			    "enable it first (SET_NUM_VFS)\n", argv[1], s->num_vfs,
			    s->board->n_vfs);
		else if (!p || p->fd < 0)
			put(o, "error: no port '%s' (uplink0, pf, vf0..vf%u)\n", argv[1],
			    s->board->n_vfs ? s->board->n_vfs - 1 : 0);
		else if (sim_port_capture(s, p, argv[2], err, sizeof(err)))
			put(o, "error: %s\n", err);
		else
			put(o, "ok\n");
	} else if (argc == 3 && !strcmp(argv[0], "link") &&
		   !strncmp(argv[1], "uplink", 6) &&
		   (!strcmp(argv[2], "up") || !strcmp(argv[2], "down"))) {
		struct sim_port *p = sim_port_by_label(s, argv[1]);
		bool up = !strcmp(argv[2], "up");
		if (!p || p->fd < 0) {
			put(o, "error: no port '%s'\n", argv[1]);
		} else {
			snic_fw_set_uplink_link(s->fw, p->vport - SNIC_IFC_VPORT_UPLINK_BASE, up);
			sim_port_set_carrier(s, p, up);
			put(o, "ok\n");
		}
	} else if (argc == 1 && !strcmp(argv[0], "stop")) {
		s->stop = true;
		put(o, "ok\n");
	} else {
		put(o, "error: unknown request '%s': use status | capture PORT FILE|off"
		    " | link uplinkN up|down | stop\n", argc ? argv[0] : "");
	}
}

int sim_ctl_accept(struct sim *s)
{
	int fd = accept4(s->ctl_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return 0;
	sim_pending_add(s, fd, SIM_PENDING_CTL);
	return 1;
}

/* A pending control connection's request is readable: answer, close. */
void sim_ctl_request(struct sim *s, int fd)
{
	static struct out o;
	char line[512];
	ssize_t n;

	n = recv(fd, line, sizeof(line) - 1, MSG_DONTWAIT);
	if (n > 0) {
		line[n] = '\0';
		o.n = 0;
		request(s, line, &o);
		(void)send(fd, o.buf, o.n, MSG_NOSIGNAL | MSG_DONTWAIT);
	}
	close(fd);
}

int sim_ctl_client(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "ctl", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static char reply[196608];
	char req[512] = "";
	const char *name = "snic0", *path = NULL;
	size_t len = 0;
	ssize_t n;
	int c, fd;

	while ((c = getopt_long(argc, argv, "+n:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'c': path = optarg; break;
		case 'h':
			printf("usage: snic-sim ctl [--name NAME | --ctl PATH] COMMAND...\n"
			       "commands: status | capture PORT FILE|off | "
			       "link uplinkN up|down | stop\n");
			return 0;
		default:
			return 2;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "snic-sim ctl: no command (status, capture, link, stop)\n");
		return 2;
	}
	if (path)
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	else
		snprintf(sa.sun_path, sizeof(sa.sun_path), "/run/snic/%s.ctl", name);
	for (int i = optind; i < argc && len < sizeof(req); i++)
		len += (size_t)snprintf(req + len, sizeof(req) - len, "%s%s",
					i > optind ? " " : "", argv[i]);
	if (len >= sizeof(req)) {
		fprintf(stderr, "snic-sim ctl: request too long\n");
		return 2;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "snic-sim ctl: no snic-sim at %s: %s\n", sa.sun_path,
			strerror(errno));
		return 1;
	}
	if (send(fd, req, len, 0) != (ssize_t)len || (n = recv(fd, reply, sizeof(reply) - 1, 0)) <= 0) {
		fprintf(stderr, "snic-sim ctl: %s did not answer: %s\n", sa.sun_path,
			strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	reply[n] = '\0';
	fputs(reply, strncmp(reply, "ok", 2) ? stderr : stdout);
	return strncmp(reply, "ok", 2) ? 1 : 0;
}
