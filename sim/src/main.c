/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * main.c - snic-sim: the command line, start-up, the loop, shutdown.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <libfdt.h>

#include "sim.h"
#include "snic_fw_memhal.h"
#include "snic_fwc.h"

#ifndef SNIC_DEFAULT_BOARD
#define SNIC_DEFAULT_BOARD "/usr/share/snic/snic-cx6.dtb"
#endif

/* Turns of the loop without work before the NIC sleeps: the adaptive part of
 * the polling.  Each turn is one non-blocking epoll_wait (about a microsecond
 * or two), so a busy host is served without wake-ups, an idle NIC sleeps. */
#define SPIN_TURNS 256
#define HEARTBEAT_MS 1000

static void usage(FILE *f)
{
	fprintf(f,
"usage: snic-sim [options]\n"
"       snic-sim ctl [--name NAME | --ctl PATH] COMMAND...\n"
"\n"
"Runs the snic NIC firmware as a simulated SmartNIC: one TAP per VF (what a\n"
"VM sees as its NIC, optionally inside the VM's network namespace), a TAP for\n"
"the PF, the uplink as a TAP in the underlay namespace (or AF_PACKET on an\n"
"existing interface), and the device channel the host driver attaches to.\n"
"\n"
"  -n, --name NAME          NIC name, 1-6 of [a-z0-9]; TAPs are NAMEpf0vfN,\n"
"                           NAMEpf0 and NAMEp0 (default: snic0... see below)\n"
"  -b, --board FILE         board description, .dtb or .dts (default:\n"
"                           %s)\n"
"  -s, --socket PATH        device channel (default: /run/snic/NAME.sock);\n"
"                           the control socket is the same path, .ctl\n"
"      --num-vfs N          enable VFs 0..N-1 at start (default: all the\n"
"                           board's); only enabled VFs have a TAP.  The host\n"
"                           changes it with the firmware's SET_NUM_VFS\n"
"      --vf-netns N=NETNS   create VF N's TAP in network namespace NETNS\n"
"                           (a name from ip netns, or a /proc/PID/ns/net path);\n"
"                           repeatable\n"
"      --uplink-mac MAC     uplink 0's MAC address (default: the board's);\n"
"                           NICs sharing an underlay need distinct ones\n"
"      --vf-mac N=MAC       VF N's MAC address (default: the board's mac-base\n"
"                           + N), as the PF driver would set it; VFs enabled\n"
"                           at start only (enabling a VF later gives it the\n"
"                           board's default, as after a reset)\n"
"      --uplink-netns NETNS create the uplink TAP in NETNS (the underlay)\n"
"      --uplink-dev IFNAME  use AF_PACKET on existing IFNAME (in --uplink-netns\n"
"                           when given) instead of creating a TAP\n"
"      --no-pf-tap          do not create the PF's TAP\n"
"  -c, --capture PORT=FILE  write PORT's traffic (uplink0, pf, vfN) to a pcap\n"
"                           from the start; repeatable (at run time: ctl capture)\n"
"  -p, --pidfile FILE       write the process id to FILE\n"
"  -v, --verbose            log more (repeat for debug)\n"
"  -q, --quiet              log errors only\n"
"  -h, --help               this text\n"
"      --version            firmware and program version\n"
"      --check              boot the firmware on the board with these options,\n"
"                           print what it would be (model, vfs, uplinks,\n"
"                           default_board) and exit: 0 usable, 1 not\n"
"\n"
"VF rate limits (max_rate) are shaped: snic-sim stops reading a VF's TAP while\n"
"the VF is over its rate, so the VM sees back-pressure.\n"
"\n"
"Control (snic-sim ctl): status | capture PORT FILE|off | link uplinkN up|down\n"
"| stop.  SIGTERM or SIGINT stop snic-sim cleanly: its TAPs and sockets go.\n"
"The default NAME is snic0.\n", SNIC_DEFAULT_BOARD);
}

static int parse_name(struct sim_opts *o, const char *v)
{
	size_t n = strlen(v);

	if (n < 1 || n > SIM_NAME_MAX || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789") != n) {
		fprintf(stderr, "snic-sim: --name '%s': use 1 to %d characters of a-z "
			"and 0-9 (TAP names NAMEpf0vfN must fit 15 characters)\n",
			v, SIM_NAME_MAX);
		return -1;
	}
	snprintf(o->name, sizeof(o->name), "%s", v);
	return 0;
}

static int parse_opts(struct sim_opts *o, int argc, char **argv)
{
	enum { O_VF_NETNS = 256, O_VF_MAC, O_UPLINK_NETNS, O_UPLINK_DEV, O_NO_PF_TAP,
	       O_VERSION, O_CHECK, O_UPLINK_MAC, O_NUM_VFS };
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "board", required_argument, NULL, 'b' },
		{ "socket", required_argument, NULL, 's' },
		{ "vf-netns", required_argument, NULL, O_VF_NETNS },
		{ "num-vfs", required_argument, NULL, O_NUM_VFS },
		{ "vf-mac", required_argument, NULL, O_VF_MAC },
		{ "uplink-netns", required_argument, NULL, O_UPLINK_NETNS },
		{ "uplink-dev", required_argument, NULL, O_UPLINK_DEV },
		{ "uplink-mac", required_argument, NULL, O_UPLINK_MAC },
		{ "no-pf-tap", no_argument, NULL, O_NO_PF_TAP },
		{ "capture", required_argument, NULL, 'c' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ "check", no_argument, NULL, O_CHECK },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = NULL;
	int c;

	snprintf(o->name, sizeof(o->name), "snic0");
	o->board = SNIC_DEFAULT_BOARD;
	o->log_level = SNIC_FW_LOG_INFO;
	o->num_vfs = -1;
	while ((c = getopt_long(argc, argv, "n:b:s:c:p:vqh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_name(o, optarg))
				return -1;
			break;
		case 'b': o->board = optarg; break;
		case 's': sock = optarg; break;
		case O_VF_NETNS: {
			char *eq = strchr(optarg, '='), *end;
			unsigned long n = strtoul(optarg, &end, 10);
			if (!eq || end != eq || eq == optarg || !eq[1] || n >= SNIC_IFC_MAX_VFS) {
				fprintf(stderr, "snic-sim: --vf-netns '%s': expected N=NETNS "
					"with N a VF index\n", optarg);
				return -1;
			}
			o->vf_netns[n] = eq + 1;
			break;
		}
		case O_NUM_VFS: {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);
			if (!optarg[0] || *end || optarg[0] == '-' || n > SNIC_IFC_MAX_VFS) {
				fprintf(stderr, "snic-sim: --num-vfs '%s': expected a number "
					"of VFs, 0..%u\n", optarg, SNIC_IFC_MAX_VFS);
				return -1;
			}
			o->num_vfs = (int)n;
			break;
		}
		case O_VF_MAC: {
			unsigned m[6];
			char *eq = strchr(optarg, '='), *end, tail;
			unsigned long n = strtoul(optarg, &end, 10);
			if (!eq || end != eq || eq == optarg || n >= SNIC_IFC_MAX_VFS ||
			    sscanf(eq + 1, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2],
				   &m[3], &m[4], &m[5], &tail) != 6 || (m[0] & 1) ||
			    !(m[0] | m[1] | m[2] | m[3] | m[4] | m[5])) {
				fprintf(stderr, "snic-sim: --vf-mac '%s': expected N=MAC with "
					"N a VF index and MAC a unicast xx:xx:xx:xx:xx:xx\n",
					optarg);
				return -1;
			}
			for (int k = 0; k < 6; k++)
				o->vf_mac[n][k] = (uint8_t)m[k];
			break;
		}
		case O_UPLINK_MAC: {
			unsigned m[6];
			char tail;
			if (sscanf(optarg, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2],
				   &m[3], &m[4], &m[5], &tail) != 6 || (m[0] & 1) ||
			    !(m[0] | m[1] | m[2] | m[3] | m[4] | m[5])) {
				fprintf(stderr, "snic-sim: --uplink-mac '%s': expected a "
					"unicast xx:xx:xx:xx:xx:xx\n", optarg);
				return -1;
			}
			for (int k = 0; k < 6; k++)
				o->uplink_mac[k] = (uint8_t)m[k];
			o->have_uplink_mac = true;
			break;
		}
		case O_UPLINK_NETNS: o->uplink_netns = optarg; break;
		case O_UPLINK_DEV: o->uplink_dev = optarg; break;
		case O_NO_PF_TAP: o->no_pf_tap = true; break;
		case 'c':
			if (!strchr(optarg, '=') || o->n_captures == 16) {
				fprintf(stderr, "snic-sim: --capture '%s': expected PORT=FILE "
					"(at most 16)\n", optarg);
				return -1;
			}
			o->captures[o->n_captures++] = optarg;
			break;
		case 'p': o->pidfile = optarg; break;
		case 'v': o->log_level = SNIC_FW_LOG_DBG; break;
		case 'q': o->log_level = SNIC_FW_LOG_ERR; break;
		case 'h': usage(stdout); exit(0);
		case O_CHECK: o->check = true; break;
		case O_VERSION:
			printf("snic-sim, firmware %s, device channel v%u\n",
			       SNIC_FW_VERSION, SNIC_CHAN_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "snic-sim: unexpected argument '%s' (see --help)\n",
			argv[optind]);
		return -1;
	}
	if (sock && strlen(sock) > 100) {
		fprintf(stderr, "snic-sim: --socket %s: at most 100 characters (a UNIX "
			"socket path, and its .ctl sibling, must fit 107)\n", sock);
		return -1;
	}
	if (sock)
		snprintf(o->sock_path, sizeof(o->sock_path), "%s", sock);
	else
		snprintf(o->sock_path, sizeof(o->sock_path), "/run/snic/%s.sock", o->name);
	snprintf(o->ctl_path, sizeof(o->ctl_path), "%.*s.ctl",
		 (int)(strlen(o->sock_path) -
		       (strlen(o->sock_path) > 5 &&
			!strcmp(o->sock_path + strlen(o->sock_path) - 5, ".sock") ? 5 : 0)),
		 o->sock_path);
	return 0;
}

/* Read a board: a .dtb as is, a .dts through dtc. */
static void *load_board(const char *path, size_t *len)
{
	size_t n = strlen(path);

	if (n > 4 && !strcmp(path + n - 4, ".dts")) {
		char cmd[600];
		size_t cap = 1 << 16, got = 0;
		char *buf = malloc(cap);
		FILE *p;

		if (access(path, R_OK) != 0) {
			fprintf(stderr, "snic-sim: cannot read board %s: %s\n", path,
				strerror(errno));
			free(buf);
			return NULL;
		}
		snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb '%s'", path);
		p = popen(cmd, "r");
		if (!p || !buf) {
			free(buf);
			return NULL;
		}
		while (!feof(p) && got < cap)
			got += fread(buf + got, 1, cap - got, p);
		if (pclose(p) != 0 || got == 0 || got == cap) {
			fprintf(stderr, "snic-sim: dtc could not compile %s (see its "
				"message above)\n", path);
			free(buf);
			return NULL;
		}
		*len = got;
		return buf;
	}
	void *b = snic_fw_read_file(path, len);
	if (!b)
		fprintf(stderr, "snic-sim: cannot read board %s: %s\n", path, strerror(errno));
	return b;
}

void sim_pending_add(struct sim *s, int fd, enum sim_pending_kind kind)
{
	unsigned slot = 0;

	/* a free slot, else the oldest connection makes room */
	for (unsigned i = 0; i < SIM_MAX_PENDING; i++) {
		if (s->pending[i].fd < 0) {
			slot = i;
			break;
		}
		if (s->pending[i].seq < s->pending[slot].seq)
			slot = i;
	}
	if (s->pending[slot].fd >= 0) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->pending[slot].fd, NULL);
		close(s->pending[slot].fd);
	}
	s->pending[slot].fd = fd;
	s->pending[slot].kind = kind;
	s->pending[slot].seq = ++s->pending_seq;
	if (sim_epoll_add(s, fd, SIM_TAG(SIM_TAG_PENDING, slot)) != 0) {
		close(fd);
		s->pending[slot].fd = -1;
	}
}

int sim_epoll_add(struct sim *s, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.u64 = tag };

	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static struct sim_port *port_at(struct sim *s, uint32_t idx)
{
	uint32_t up = s->board->n_uplinks;

	if (idx < up)
		return &s->uplinks[idx];
	if (idx == up)
		return &s->pf;
	return &s->vfs[idx - up - 1];
}

/* The board with uplink 0's mac-address replaced (--uplink-mac). */
static int set_uplink_mac(struct sim *s, char *err, size_t errlen)
{
	size_t len = s->dtb_len + 256;
	void *n = malloc(len);
	int off;

	if (!n || fdt_open_into(s->dtb, n, (int)len) ||
	    (off = fdt_path_offset(n, "/nic/uplinks/port@0")) < 0 ||
	    fdt_setprop(n, off, "mac-address", s->o.uplink_mac, 6) || fdt_pack(n)) {
		free(n);
		snprintf(err, errlen, "--uplink-mac: the board %s has no "
			 "/nic/uplinks/port@0 to set it on", s->o.board);
		return -1;
	}
	free(s->dtb);
	s->dtb = n;
	s->dtb_len = fdt_totalsize(n);
	return 0;
}

/* --num-vfs: the firmware boots with all the board's VFs enabled. */
static int set_num_vfs(struct sim *s, char *err, size_t errlen)
{
	static struct snic_fwc c;
	uint32_t total = 0, n = (uint32_t)s->o.num_vfs;
	char e[256];

	snic_fwc_init_direct(&c, s->fw, SNIC_IFC_FUNC_PF);
	if (snic_fwc_query_sriov(&c, &total, &s->num_vfs)) {
		snprintf(err, errlen, "SR-IOV: %s", snic_fwc_strerror(&c, e, sizeof(e)));
		return -1;
	}
	if (s->o.num_vfs < 0 || n == s->num_vfs)
		return 0;
	if (n > total) {
		snprintf(err, errlen, "--num-vfs %u: the board %s has %u VFs", n,
			 s->o.board, total);
		return -1;
	}
	if (snic_fwc_set_num_vfs(&c, 0) || snic_fwc_set_num_vfs(&c, n)) {
		snprintf(err, errlen, "--num-vfs %u: %s", n,
			 snic_fwc_strerror(&c, e, sizeof(e)));
		return -1;
	}
	s->num_vfs = n;
	return 0;
}

static int start(struct sim *s, char *err, size_t errlen)
{
	const struct snic_fw_board *b;
	sigset_t mask;
	int r;

	s->dtb = load_board(s->o.board, &s->dtb_len);
	if (!s->dtb)
		return -2;
	if (s->o.have_uplink_mac && set_uplink_mac(s, err, errlen))
		return -1;
	sim_hal_init(s);
	r = snic_fw_boot(s->dtb, s->dtb_len, &s->hal, &s->fw, err, errlen);
	if (r)
		return -1;
	b = s->board = snic_fw_get_board(s->fw);
	if (set_num_vfs(s, err, errlen))
		return -1;
	for (unsigned i = 0; i < b->n_vfs; i++) {
		static const uint8_t zero[6];
		struct snic_ifc_vport_ctx x = { 0 };
		struct snic_fwc c;
		char e[256];

		if (!memcmp(s->o.vf_mac[i], zero, 6))
			continue;
		if (i >= s->num_vfs) {
			snprintf(err, errlen, "--vf-mac %u: VF %u is not enabled (--num-vfs "
				 "%u)", i, i, s->num_vfs);
			return -1;
		}
		memcpy(x.mac, s->o.vf_mac[i], 6);
		snic_fwc_init_direct(&c, s->fw, SNIC_IFC_FUNC_PF);
		if (snic_fwc_modify_vport(&c, SNIC_IFC_VPORT_VF(i), SNIC_VPORT_F_MAC, &x)) {
			snprintf(err, errlen, "--vf-mac %u: %s", i,
				 snic_fwc_strerror(&c, e, sizeof(e)));
			return -1;
		}
	}
	for (unsigned i = b->n_vfs; i < SNIC_IFC_MAX_VFS; i++) {
		static const uint8_t zero[6];
		if (memcmp(s->o.vf_mac[i], zero, 6)) {
			snprintf(err, errlen, "--vf-mac %u: the board has %u VFs", i, b->n_vfs);
			return -1;
		}
		if (s->o.vf_netns[i]) {
			snprintf(err, errlen, "--vf-netns %u=%s: the board has %u VFs "
				 "(0..%u)", i, s->o.vf_netns[i], b->n_vfs,
				 b->n_vfs ? b->n_vfs - 1 : 0);
			return -1;
		}
	}
	if (s->o.check) {
		printf("model=\"%s\" firmware=%s vfs=%u num_vfs=%u uplinks=%u board=%s "
		       "default_board=%s\n", b->model, SNIC_FW_VERSION, b->n_vfs,
		       s->num_vfs, b->n_uplinks, s->o.board, SNIC_DEFAULT_BOARD);
		return 1;       /* main: checked, stop here */
	}
	s->vfs = calloc(b->n_vfs ? b->n_vfs : 1, sizeof(*s->vfs));
	for (unsigned i = 0; s->vfs && i < b->n_vfs; i++)
		s->vfs[i].fd = -1;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	/* a shell starts background jobs with SIGINT ignored, and a blocked
	 * but ignored signal is discarded: take the defaults back first */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	s->sig_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	s->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->epfd < 0 || s->sig_fd < 0 || s->timer_fd < 0 || !s->vfs) {
		snprintf(err, errlen, "cannot set up the event loop: %s", strerror(errno));
		return -1;
	}
	sim_epoll_add(s, s->sig_fd, SIM_TAG(SIM_TAG_SIGNAL, 0));
	sim_epoll_add(s, s->timer_fd, SIM_TAG(SIM_TAG_TIMER, 0));
	/* the sockets first: a second snic-sim of the same name is told so */
	if (sim_chan_listen(s, err, errlen) || sim_ctl_listen(s, err, errlen))
		return -1;
	sim_epoll_add(s, s->ch.listen_fd, SIM_TAG(SIM_TAG_LISTEN, 0));
	sim_epoll_add(s, s->ctl_fd, SIM_TAG(SIM_TAG_CTL, 0));
	if (sim_ports_open(s, err, errlen))
		return -1;
	for (uint32_t i = 0; i < 1 + b->n_uplinks + b->n_vfs; i++) {
		struct sim_port *p = port_at(s, i);
		if (p->fd >= 0)
			sim_epoll_add(s, p->fd, SIM_TAG(SIM_TAG_PORT, i));
	}
	s->ports_ready = true;
	for (unsigned i = 0; i < s->o.n_captures; i++) {
		char spec[300], *eq;
		struct sim_port *p;
		snprintf(spec, sizeof(spec), "%s", s->o.captures[i]);
		eq = strchr(spec, '=');
		*eq = '\0';
		p = sim_port_by_label(s, spec);
		if (p && SNIC_IFC_VPORT_IS_VF(p->vport) && !p->enabled) {
			snprintf(err, errlen, "--capture %s: %s is not enabled (--num-vfs "
				 "%u)", s->o.captures[i], spec, s->num_vfs);
			return -1;
		}
		if (!p) {
			snprintf(err, errlen, "--capture %s: no port '%s' (uplink0, pf, "
				 "vf0..vf%u)", s->o.captures[i], spec,
				 b->n_vfs ? b->n_vfs - 1 : 0);
			return -1;
		}
		if (sim_port_capture(s, p, eq + 1, err, errlen))
			return -1;
	}
	if (s->o.pidfile) {
		FILE *f = fopen(s->o.pidfile, "w");
		if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0) {
			snprintf(err, errlen, "cannot write pidfile %s: %s", s->o.pidfile,
				 strerror(errno));
			return -1;
		}
	}
	sim_log(s, SNIC_FW_LOG_INFO, "%s (firmware %s): %u uplink(s), PF, %u of %u "
		"VFs enabled; device channel %s, control %s", b->model,
		SNIC_FW_VERSION, b->n_uplinks, s->num_vfs, b->n_vfs, s->o.sock_path,
		s->o.ctl_path);
	return 0;
}

static void stop(struct sim *s)
{
	for (unsigned i = 0; i < SIM_MAX_PENDING; i++)
		if (s->pending[i].fd >= 0)
			close(s->pending[i].fd);
	sim_chan_close(s);
	sim_ctl_close(s);
	if (s->board)
		sim_ports_close(s);
	if (s->fw)
		snic_fw_shutdown(s->fw);
	if (s->o.pidfile)
		unlink(s->o.pidfile);
	if (s->sig_fd >= 0)
		close(s->sig_fd);
	if (s->timer_fd >= 0)
		close(s->timer_fd);
	if (s->epfd >= 0)
		close(s->epfd);
	free(s->vfs);
	free(s->dtb);
}

static int handle(struct sim *s, const struct epoll_event *ev)
{
	uint32_t type = (uint32_t)(ev->data.u64 >> 32), idx = (uint32_t)ev->data.u64;

	switch (type) {
	case SIM_TAG_PORT: {
		struct sim_port *p = port_at(s, idx);
		if (p->fd >= 0 && (ev->events & (EPOLLERR | EPOLLHUP)) &&
		    !(ev->events & EPOLLIN)) {
			p->rx_errors++;
			sim_port_poll(s, p);    /* reads the error, closes */
			return 1;
		}
		return sim_port_poll(s, p);
	}
	case SIM_TAG_LISTEN:
		return sim_chan_accept(s);
	case SIM_TAG_PENDING: {
		int fd = s->pending[idx].fd;
		enum sim_pending_kind kind = s->pending[idx].kind;

		if (fd < 0)
			return 0;
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
		s->pending[idx].fd = -1;
		if (kind == SIM_PENDING_HELLO)
			sim_chan_hello(s, fd);  /* takes the fd */
		else {
			sim_ctl_request(s, fd);
			close(fd);
		}
		return 1;
	}
	case SIM_TAG_CONN:      /* idx 0: the data host, i + 1: command-only i */
		if (ev->events & (EPOLLHUP | EPOLLRDHUP | EPOLLERR | EPOLLIN))
			sim_chan_conn_event(s, idx);
		return 1;
	case SIM_TAG_DOORBELL:
		sim_chan_doorbell(s, idx);
		return 0;       /* the rings say what to do */
	case SIM_TAG_CTL:
		return sim_ctl_accept(s);
	case SIM_TAG_TIMER:
		return sim_ports_timer(s);
	case SIM_TAG_SIGNAL: {
		struct signalfd_siginfo si;
		if (read(s->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			sim_log(s, SNIC_FW_LOG_INFO, "signal %u: stopping", si.ssi_signo);
			s->stop = true;
		}
		return 1;
	}
	}
	return 0;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void run(struct sim *s)
{
	struct epoll_event evs[64];
	unsigned idle = 0;
	uint64_t last_sync = 0;

	while (!s->stop) {
		int timeout = idle < SPIN_TURNS ? 0 : HEARTBEAT_MS, n, work = 0;

		if (timeout) {
			/* about to sleep: tell the host to kick us, then look
			 * once more so a post that raced the flag is not missed */
			sim_chan_sleep(s, true);
			if (sim_chan_poll(s)) {
				sim_chan_sleep(s, false);
				sim_chan_kick(s);
				idle = 0;
				continue;
			}
		}
		n = epoll_wait(s->epfd, evs, 64, timeout);
		if (timeout)
			sim_chan_sleep(s, false);
		for (int i = 0; i < n; i++)
			work += handle(s, &evs[i]);
		work += sim_chan_poll(s);
		if (s->sriov_sync) {
			sim_ports_sync(s);
			work++;
		}
		sim_chan_kick(s);
		s->loops++;
		idle = work ? 0 : idle + 1;
		if (timeout || mono_ms() - last_sync >= 100) {
			sim_chan_sync_stats(s);
			last_sync = mono_ms();
		}
	}
}

int main(int argc, char **argv)
{
	static struct sim s;
	char err[512] = "";
	int r;

	if (argc > 1 && !strcmp(argv[1], "ctl"))
		return sim_ctl_client(argc - 1, argv + 1);
	s.epfd = s.sig_fd = s.ctl_fd = s.timer_fd = -1;
	for (unsigned i = 0; i < SIM_MAX_PENDING; i++)
		s.pending[i].fd = -1;
	s.ch.listen_fd = s.ch.conn_fd = s.ch.doorbell_fd = s.ch.irq_fd = -1;
	s.pf.fd = -1;
	for (unsigned i = 0; i < SNIC_IFC_MAX_UPLINKS; i++)
		s.uplinks[i].fd = -1;
	if (parse_opts(&s.o, argc, argv))
		return 2;
	r = start(&s, err, sizeof(err));
	if (r == 1 && s.o.check) {
		stop(&s);
		return 0;
	}
	if (r) {
		if (err[0])
			fprintf(stderr, "snic-sim: %s\n", err);
		stop(&s);
		return r == -2 ? 2 : 1;
	}
	run(&s);
	stop(&s);
	sim_log(&s, SNIC_FW_LOG_INFO, "stopped");
	return 0;
}
