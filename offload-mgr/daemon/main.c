/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * main.c - snic-offloadd: options, the DPDK ports, the manager, the control
 * socket and the loop.  See offloadd.h.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_flow.h>

#include "offloadd.h"
#include "rte_pmd_snic.h"

#define DEFAULT_STATE  "/var/lib/snic/offloadd.db"
#define DEFAULT_VFS    4u

struct opts {
	const char *dev, *device, *state, *sock, *eal, *pidfile;
	unsigned vfs;
	bool quiet;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: snic-offloadd --dev SOCKET [options]\n"
"       snic-offloadd --device DEVARGS [options]\n"
"\n"
"The snic offload manager: keeps OpenFlow-style rules (given with snicctl),\n"
"offloads them to the NIC through rte_flow and tells, per rule, where it runs.\n"
"\n"
"  --dev SOCKET      the device channel of a snic-sim NIC (net_snic), e.g.\n"
"                    /run/snic/snic0.sock\n"
"  --vfs N           VF representors to open: vf0..vf(N-1) (default %u)\n"
"  --device DEVARGS  the DPDK device instead, as given to --vdev, e.g.\n"
"                    'net_snic0,dev=/run/snic/snic0.sock,representor=vf[0-3],\n"
"                    flow_recover=adopt'\n"
"  --state PATH      the desired state (SQLite; default %s)\n"
"  --socket PATH     the control socket (default %s)\n"
"  --eal ARGS        extra EAL arguments (space separated)\n"
"  --pidfile PATH    write the process id there\n"
"  -q, --quiet       log warnings and errors only\n"
"  -h, --help        this text\n"
"\n"
"Runs in the foreground; SIGTERM/SIGINT stop it.  The NIC keeps forwarding\n"
"with the offloaded rules while it is down; at the next start it adopts\n"
"them and makes the hardware match the stored state again.\n",
		DEFAULT_VFS, DEFAULT_STATE, SNIC_MGR_CTL_DEFAULT_PATH);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "vfs", required_argument, NULL, 'n' },
		{ "device", required_argument, NULL, 'D' },
		{ "state", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "eal", required_argument, NULL, 'e' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->vfs = DEFAULT_VFS;
	o->state = DEFAULT_STATE;
	o->sock = SNIC_MGR_CTL_DEFAULT_PATH;
	while ((c = getopt_long(argc, argv, "qh", lo, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'd': o->dev = optarg; break;
		case 'D': o->device = optarg; break;
		case 's': o->state = optarg; break;
		case 'S': o->sock = optarg; break;
		case 'e': o->eal = optarg; break;
		case 'p': o->pidfile = optarg; break;
		case 'q': o->quiet = true; break;
		case 'n':
			o->vfs = (unsigned)strtoul(optarg, &end, 10);
			if (!*optarg || *end || o->vfs > SNIC_MGR_MAX_VFS) {
				fprintf(stderr, "snic-offloadd: --vfs %s: a number 0..%u\n",
					optarg, SNIC_MGR_MAX_VFS);
				return 64;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 64;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "snic-offloadd: unexpected argument '%s' (see --help)\n",
			argv[optind]);
		return 64;
	}
	if (!o->dev == !o->device) {
		fprintf(stderr, "snic-offloadd: give --dev SOCKET (a snic-sim NIC) or "
			"--device DEVARGS, one of them (see --help)\n");
		return 64;
	}
	return -1;
}

/* EAL arguments: defaults for this kind of host, the device, extras. */
static int eal_init(const struct opts *o)
{
	static char vdev[512], extra[1024];
	char *argv[64];
	int argc = 0;

	argv[argc++] = "snic-offloadd";
	argv[argc++] = "-l";
	argv[argc++] = "0";
	argv[argc++] = "--no-huge";
	argv[argc++] = "--no-shconf";
	argv[argc++] = "--no-pci";
	argv[argc++] = "--no-telemetry";
	argv[argc++] = "-m";
	argv[argc++] = "256";
	argv[argc++] = "--log-level";
	argv[argc++] = o->quiet ? "*:warning" : "*:notice";
	if (o->device) {
		snprintf(vdev, sizeof(vdev), "%s", o->device);
	} else if (o->vfs) {
		snprintf(vdev, sizeof(vdev), "net_snic0,dev=%s,representor=vf[0-%u],"
			 "flow_recover=adopt", o->dev, o->vfs - 1);
	} else {
		snprintf(vdev, sizeof(vdev), "net_snic0,dev=%s,flow_recover=adopt", o->dev);
	}
	argv[argc++] = "--vdev";
	argv[argc++] = vdev;
	if (o->eal) {
		snprintf(extra, sizeof(extra), "%s", o->eal);
		for (char *t = strtok(extra, " "); t && argc < 62; t = strtok(NULL, " "))
			argv[argc++] = t;
	}
	argv[argc] = NULL;
	return rte_eal_init(argc, argv);
}

const char *offloadd_port_name(const struct offloadd *d, uint16_t port)
{
	return port < RTE_MAX_ETHPORTS ? d->port_names[port] : "?";
}

void offloadd_show_capacity(const struct offloadd *d, json_t *cap)
{
	struct snic_mgr_swdp_stats st;
	json_t *sw = json_object();

	json_object_set_new(cap, "driver", json_string(d->is_snic ? "net_snic" : "other"));
	snic_mgr_sw_stats(d->mgr, &st);
	if (!sw)
		return;
	json_object_set_new(sw, "rx", json_integer((json_int_t)d->sw.rx));
	json_object_set_new(sw, "tx", json_integer((json_int_t)d->sw.tx));
	json_object_set_new(sw, "tx_drops", json_integer((json_int_t)d->sw.tx_drops));
	json_object_set_new(sw, "to_controller", json_integer((json_int_t)d->sw.to_controller));
	json_object_set_new(sw, "wait_neighbor", json_integer((json_int_t)d->sw.wait_neigh));
	json_object_set_new(sw, "emc_hits", json_integer((json_int_t)st.emc_hits));
	json_object_set_new(sw, "megaflow_hits", json_integer((json_int_t)st.megaflow_hits));
	json_object_set_new(sw, "upcalls", json_integer((json_int_t)st.upcalls));
	json_object_set_new(sw, "misses", json_integer((json_int_t)st.misses));
	json_object_set_new(cap, "software_path", sw);
}

/* The proxy (uplink) and the VF representors, by name "..._representor_vfN". */
static int find_ports(struct offloadd *d)
{
	struct rte_flow_error e;
	uint16_t port;
	bool have = false;

	RTE_ETH_FOREACH_DEV(port) {
		struct rte_eth_dev_info di;
		const char *r;
		unsigned vf;

		rte_eth_dev_get_name_by_port(port, d->port_names[port]);
		if (rte_eth_dev_info_get(port, &di))
			continue;
		if (!have && rte_flow_pick_transfer_proxy(port, &d->proxy, &e) == 0)
			have = true;
		d->is_snic |= !strcmp(di.driver_name, "net_snic");
		r = strstr(d->port_names[port], "_representor_vf");
		if (r && sscanf(r, "_representor_vf%u", &vf) == 1 && vf < SNIC_MGR_MAX_VFS) {
			if (vf >= d->n_vfs) {
				for (unsigned k = d->n_vfs; k < vf; k++)
					d->vf_ports[k] = UINT16_MAX;
				d->n_vfs = vf + 1;
			}
			d->vf_ports[vf] = port;
		}
	}
	if (!have) {
		fprintf(stderr, "snic-offloadd: no transfer proxy port: the device "
			"does not offer e-switch (transfer) rte_flow rules\n");
		return -ENODEV;
	}
	for (unsigned k = 0; k < d->n_vfs; k++)
		if (d->vf_ports[k] == UINT16_MAX) {
			fprintf(stderr, "snic-offloadd: VF representors must be vf0..vfN "
				"without gaps (vf%u is missing)\n", k);
			return -EINVAL;
		}
	d->uplink = d->proxy;
	return 0;
}

static void ctl_log(void *ctx, enum snic_mgr_ctl_log_level lvl, const char *line)
{
	const struct opts *o = ctx;

	if (lvl == SNIC_MGR_CTL_LOG_INFO && o->quiet)
		return;
	fprintf(stderr, "snic-offloadd: %s\n", line);
}

#define RX_TAG (1ull << 32)

static int run(struct offloadd *d, const struct opts *o)
{
	struct epoll_event ev, evs[16];
	struct itimerspec its = { { 1, 0 }, { 1, 0 } };
	sigset_t sigs;
	int ep, tfd, sfd, rc = 0;
	bool stop = false;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	ep = epoll_create1(EPOLL_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	if (ep < 0 || tfd < 0 || sfd < 0 || timerfd_settime(tfd, 0, &its, NULL)) {
		perror("snic-offloadd: epoll/timerfd/signalfd");
		return 1;
	}
	ev.events = EPOLLIN;
	ev.data.u64 = (uint64_t)snic_mgr_ctl_server_fd(d->ctl);
	epoll_ctl(ep, EPOLL_CTL_ADD, snic_mgr_ctl_server_fd(d->ctl), &ev);
	ev.data.u64 = (uint64_t)tfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
	ev.data.u64 = (uint64_t)sfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	if (offloadd_dp_start(d, ep, RX_TAG)) {
		close(ep);
		close(tfd);
		close(sfd);
		return 1;
	}
	if (!o->quiet)
		fprintf(stderr, "snic-offloadd: ready: control socket %s\n", o->sock);
	while (!stop) {
		int n = epoll_wait(ep, evs, 16, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("snic-offloadd: epoll_wait");
			rc = 1;
			break;
		}
		for (int i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;
			int fd = (int)tag;

			if (tag & RX_TAG) {
				offloadd_dp_rx(d, (uint16_t)(tag & 0xffff));
			} else if (fd == sfd) {
				struct signalfd_siginfo si;
				if (read(sfd, &si, sizeof(si)) == sizeof(si) && !o->quiet)
					fprintf(stderr, "snic-offloadd: %s: stopping; the NIC "
						"keeps its rules\n", strsignal((int)si.ssi_signo));
				stop = true;
			} else if (fd == tfd) {
				uint64_t x;
				unsigned gone;

				if (read(tfd, &x, sizeof(x)) < 0)
					continue;
				gone = snic_mgr_tick(d->mgr);
				if (gone && !o->quiet)
					fprintf(stderr, "snic-offloadd: %u rule(s) timed out\n", gone);
			} else {
				snic_mgr_ctl_server_poll(d->ctl);
			}
		}
	}
	close(ep);
	close(tfd);
	close(sfd);
	return rc;
}

int main(int argc, char **argv)
{
	static struct offloadd d;
	struct opts o = { 0 };
	struct snic_mgr_config cfg = { 0 };
	struct snic_mgr_ctl_server_opts so = { 0 };
	struct snic_mgr_err err = { 0 };
	struct rte_ether_addr mac;
	struct rte_flow_error fe;
	char msg[512], dir[512], *slash;
	int rc, orphans;
	uint16_t port;

	rc = parse_opts(argc, argv, &o);
	if (rc >= 0)
		return rc;
	/* the state's directory */
	snprintf(dir, sizeof(dir), "%s", o.state);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		mkdir(dir, 0755);
	}
	if (eal_init(&o) < 0) {
		fprintf(stderr, "snic-offloadd: DPDK EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (!rte_eth_dev_count_avail()) {
		fprintf(stderr, "snic-offloadd: no DPDK port: is snic-sim running (%s)?\n",
			o.dev ? o.dev : o.device);
		rte_eal_cleanup();
		return 1;
	}
	if (find_ports(&d) ||
	    offloadd_probe_limits(d.proxy, &cfg.priority_levels, &cfg.max_group)) {
		fprintf(stderr, "snic-offloadd: the device's rte_flow is unusable for "
			"transfer rules (see the driver's messages above)\n");
		rte_eal_cleanup();
		return 1;
	}
	rte_eth_macaddr_get(d.uplink, &mac);
	cfg.hw = &offloadd_hw_ops;
	cfg.hw_arg = &d;
	cfg.proxy_port = d.proxy;
	cfg.uplink_port = d.uplink;
	memcpy(cfg.uplink_mac, mac.addr_bytes, 6);
	cfg.n_vfs = d.n_vfs;
	cfg.vf_ports = d.vf_ports;
	cfg.store_path = o.state;
	cfg.tx = offloadd_dp_tx;
	cfg.tx_arg = &d;
	if (snic_mgr_create(&d.mgr, &cfg, &err)) {
		fprintf(stderr, "snic-offloadd: %s\n", err.msg);
		rte_eal_cleanup();
		return 1;
	}
	/* what a previous instance left and the store no longer wants */
	if (d.is_snic && (orphans = rte_pmd_snic_flow_orphans(d.proxy)) > 0) {
		if (rte_pmd_snic_flow_flush_orphans(d.proxy, &fe))
			fprintf(stderr, "snic-offloadd: removing %d stale hardware rule(s) "
				"failed: %s\n", orphans, fe.message ? fe.message : "?");
		else if (!o.quiet)
			fprintf(stderr, "snic-offloadd: removed %d stale hardware rule(s) "
				"the stored state does not hold\n", orphans);
	}
	so.log = ctl_log;
	so.log_ctx = &o;
	d.ctl = snic_mgr_ctl_server_open(o.sock, &offloadd_ops, &d, &so, msg, sizeof(msg));
	if (!d.ctl) {
		fprintf(stderr, "snic-offloadd: %s\n", msg);
		snic_mgr_detach(d.mgr);
		rte_eal_cleanup();
		return 1;
	}
	if (o.pidfile) {
		FILE *f = fopen(o.pidfile, "w");
		if (f) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
	}
	if (!o.quiet) {
		unsigned hw, sw, pending, failed;

		snic_mgr_counts(d.mgr, &hw, &sw, &pending, &failed);
		fprintf(stderr, "snic-offloadd: %u VF representor(s), %u priority levels, "
			"groups 0..%u; %u rule(s) in hardware, %u in software, %u pending\n",
			d.n_vfs, cfg.priority_levels, cfg.max_group, hw, sw, pending);
	}
	rc = run(&d, &o);
	snic_mgr_ctl_server_close(d.ctl);
	offloadd_dp_stop(&d);
	snic_mgr_detach(d.mgr);
	RTE_ETH_FOREACH_DEV(port)
		rte_eth_dev_close(port);
	rte_eal_cleanup();
	if (o.pidfile)
		unlink(o.pidfile);
	return rc;
}
