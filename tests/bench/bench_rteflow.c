/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_rteflow.c - how fast does net_snic take raw rte_flow rules?
 *
 * The floor under snic-offloadd's insertion rate: no rule text, no planner,
 * no state on disk, just rte_flow_create() on net_snic (linked in the way
 * snic-offloadd links it) against a running snic-sim.  The EAL starts as
 * the project's programs start it (-l 0 --no-huge --no-shconf --no-pci
 * -m 256, one core, nothing spins) with
 * --vdev net_snic0,dev=SOCKET,representor=vf[0-7]; then N transfer rules,
 * each a distinct 5-tuple as the insert benchmark's files have them:
 *
 *   transfer group 0 priority 0 pattern represented_port (vf i % 8) / eth /
 *   ipv4 src dst proto tcp / tcp src dst / end actions count /
 *   represented_port (the uplink) / end
 *
 * Each rte_flow_create() is timed on its own (rate = N / the time of the
 * loop; p50/p99 of the calls in the conditions); the NIC's entry count
 * (`snic-sim ctl ... status`) must have grown by exactly N; then every rule
 * is destroyed, timed too, and the NIC must be back where it started.
 *
 * The row (tests/bench/README.md has the contract) is appended to --out:
 * insert.rteflow, rules/s, no reference (ref null).  bench_insert.sh runs
 * this on the snic-sim it started, before snic-offloadd attaches to it (a
 * NIC serves one driver instance at a time).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_flow.h>

#ifndef SNIC_BENCH_BUILD
#define SNIC_BENCH_BUILD "unknown build"
#endif

#define N_VFS       8u
#define QUICK_RULES 2000u
#define FULL_RULES  100000u
#define MAX_RULES   1000000u

struct opts {
	const char *dev, *ctl, *sim, *out;
	unsigned long rules;
	bool quick;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: bench_rteflow [--quick] --out FILE --dev SOCKET --sim SNIC_SIM\n"
"                     [--ctl PATH] [--rules N] [--help]\n"
"\n"
"Times raw rte_flow_create()/rte_flow_destroy() of N distinct 5-tuple\n"
"transfer rules on net_snic over a running snic-sim (no driver may be\n"
"attached to it) and appends the insert.rteflow row (JSON Lines, see\n"
"tests/bench/README.md) to FILE.\n"
"\n"
"  --dev SOCKET    the snic-sim's device channel (its --socket)\n"
"  --sim SNIC_SIM  the snic-sim program, to read the NIC's entry count\n"
"  --ctl PATH      its control socket (default: SOCKET with .sock -> .ctl)\n"
"  --rules N       rules to create (default %u, with --quick %u; at most %u)\n"
"  --quick         the small size\n"
"  --out FILE      where the row goes (appended)\n",
		FULL_RULES, QUICK_RULES, MAX_RULES);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The NIC's flow entries ("steering ... entries=N" of `snic-sim ctl
 * status`), or -1 with the reason on stderr. */
static long nic_entries(const struct opts *o)
{
	char cmd[1024], line[512];
	long n = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "'%s' ctl --ctl '%s' status 2>&1", o->sim, o->ctl);
	p = popen(cmd, "r");
	if (!p) {
		fprintf(stderr, "bench_rteflow: cannot run %s: %s\n", o->sim, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), p)) {
		const char *e = strstr(line, " entries=");

		if (!strncmp(line, "steering ", 9) && e)
			n = strtol(e + 9, NULL, 10);
	}
	if (pclose(p) != 0 || n < 0) {
		fprintf(stderr, "bench_rteflow: '%s ctl --ctl %s status' gave no entry "
			"count: is snic-sim running with that control socket? (--ctl)\n",
			o->sim, o->ctl);
		return -1;
	}
	return n;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "ctl", required_argument, NULL, 'c' },
		{ "sim", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "rules", required_argument, NULL, 'n' },
		{ "quick", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char ctl[512];
	int c;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'd': o->dev = optarg; break;
		case 'c': o->ctl = optarg; break;
		case 's': o->sim = optarg; break;
		case 'o': o->out = optarg; break;
		case 'q': o->quick = true; break;
		case 'n':
			errno = 0;
			o->rules = strtoul(optarg, &end, 10);
			if (errno || !*optarg || *end || !o->rules || o->rules > MAX_RULES) {
				fprintf(stderr, "bench_rteflow: --rules %s: give a number "
					"from 1 to %u\n", optarg, MAX_RULES);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc || !o->dev || !o->sim || !o->out) {
		fprintf(stderr, "bench_rteflow: %s (see --help)\n", optind < argc ?
			"unexpected argument" : "--dev, --sim and --out are needed");
		return 2;
	}
	if (!o->rules)
		o->rules = o->quick ? QUICK_RULES : FULL_RULES;
	if (!o->ctl) {
		size_t n = strlen(o->dev);

		if (n > 5 && !strcmp(o->dev + n - 5, ".sock"))
			snprintf(ctl, sizeof(ctl), "%.*s.ctl", (int)(n - 5), o->dev);
		else
			snprintf(ctl, sizeof(ctl), "%s.ctl", o->dev);
		o->ctl = ctl;
	}
	return -1;
}

/* The EAL with net_snic0 over the NIC; the uplink and representor ports. */
static int start_eal(const struct opts *o, uint16_t *up, uint16_t rep[N_VFS])
{
	static char vdev[600];
	char *eal[] = { "bench_rteflow", "-l", "0", "--no-huge", "--no-shconf",
			"--no-pci", "--no-telemetry", "-m", "256", "--log-level",
			"*:warning", "--vdev", vdev, NULL };
	char name[RTE_ETH_NAME_MAX_LEN];

	snprintf(vdev, sizeof(vdev), "net_snic0,dev=%s,representor=vf[0-%u]", o->dev,
		 N_VFS - 1);
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0]) - 1), eal) < 0) {
		fprintf(stderr, "bench_rteflow: the EAL did not start: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	if (rte_eth_dev_get_port_by_name("net_snic0", up)) {
		fprintf(stderr, "bench_rteflow: no net_snic0 port: does %s belong to a "
			"running snic-sim with no other driver attached?\n", o->dev);
		return -1;
	}
	for (unsigned i = 0; i < N_VFS; i++) {
		snprintf(name, sizeof(name), "net_snic0_representor_vf%u", i);
		if (rte_eth_dev_get_port_by_name(name, &rep[i])) {
			fprintf(stderr, "bench_rteflow: no port %s: the NIC needs %u VFs "
				"enabled (snic-sim --num-vfs)\n", name, N_VFS);
			return -1;
		}
	}
	return 0;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s >= 0x20 ? *s : ' ', f);
	}
	fputc('"', f);
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct rte_flow_error err;
	struct rte_flow **flows;
	double *lat, t0, t_create, t_destroy, tc;
	long before, after, end;
	uint16_t up, rep[N_VFS];
	char cond[768];
	FILE *out;
	int rc;

	rc = parse_opts(argc, argv, &o);
	if (rc >= 0)
		return rc;
	flows = calloc(o.rules, sizeof(*flows));
	lat = calloc(o.rules, sizeof(*lat));
	if (!flows || !lat) {
		fprintf(stderr, "bench_rteflow: out of memory for %lu rules\n", o.rules);
		return 1;
	}
	if ((before = nic_entries(&o)) < 0 || start_eal(&o, &up, rep))
		return 1;

	/* the rules: pattern and actions filled in per rule */
	struct rte_flow_attr attr = { .transfer = 1 };
	struct rte_flow_item_ethdev from = { 0 };
	struct rte_flow_item_ipv4 ip = { 0 }, ip_m = { 0 };
	struct rte_flow_item_tcp tcp = { 0 }, tcp_m = { 0 };
	struct rte_flow_action_ethdev to_up = { .port_id = up };
	struct rte_flow_item pattern[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, .spec = &from },
		{ .type = RTE_FLOW_ITEM_TYPE_ETH },
		{ .type = RTE_FLOW_ITEM_TYPE_IPV4, .spec = &ip, .mask = &ip_m },
		{ .type = RTE_FLOW_ITEM_TYPE_TCP, .spec = &tcp, .mask = &tcp_m },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
	};
	struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, .conf = &to_up },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	ip_m.hdr.src_addr = ip_m.hdr.dst_addr = RTE_BE32(0xffffffff);
	ip_m.hdr.next_proto_id = 0xff;
	ip.hdr.next_proto_id = 6;
	tcp_m.hdr.src_port = tcp_m.hdr.dst_port = RTE_BE16(0xffff);

	t0 = now_s();
	for (unsigned long i = 0; i < o.rules; i++) {
		uint32_t k = (uint32_t)(i % N_VFS), n = (uint32_t)(i / N_VFS);

		from.port_id = rep[k];
		ip.hdr.src_addr = rte_cpu_to_be_32(0x0a000000u | k << 16 | ((n + 1) & 0xffff));
		ip.hdr.dst_addr = rte_cpu_to_be_32(0x64000000u | ((n * 2654435761u) & 0xffffffu) | 1);
		tcp.hdr.src_port = rte_cpu_to_be_16((uint16_t)(1024 + (n >> 16)));
		tcp.hdr.dst_port = rte_cpu_to_be_16((uint16_t)(1 + n % 65535));
		tc = now_s();
		flows[i] = rte_flow_create(up, &attr, pattern, actions, &err);
		lat[i] = now_s() - tc;
		if (!flows[i]) {
			fprintf(stderr, "bench_rteflow: rte_flow_create of rule %lu of %lu "
				"failed: %s (is the board's max-entries below %lu?)\n", i,
				o.rules, err.message ? err.message : rte_strerror(rte_errno),
				o.rules);
			return 1;
		}
	}
	t_create = now_s() - t0;
	after = nic_entries(&o);
	if (after != before + (long)o.rules) {
		fprintf(stderr, "bench_rteflow: the NIC holds %ld entries after %lu "
			"rte_flow_create() calls (%ld before): the driver and the NIC "
			"disagree; no row written\n", after, o.rules, before);
		return 1;
	}
	t0 = now_s();
	for (unsigned long i = 0; i < o.rules; i++)
		if (rte_flow_destroy(up, flows[i], &err)) {
			fprintf(stderr, "bench_rteflow: rte_flow_destroy of rule %lu "
				"failed: %s\n", i, err.message ? err.message : "?");
			return 1;
		}
	t_destroy = now_s() - t0;
	end = nic_entries(&o);
	if (end != before) {
		fprintf(stderr, "bench_rteflow: the NIC holds %ld entries after "
			"destroying every rule (%ld before); no row written\n", end, before);
		return 1;
	}
	RTE_ETH_FOREACH_DEV(up)
		rte_eth_dev_close(up);   /* the last close detaches from the NIC */
	rte_eal_cleanup();

	qsort(lat, o.rules, sizeof(*lat), cmp_double);
	snprintf(cond, sizeof(cond),
		 "%lu transfer rules (represented_port/eth/ipv4 src+dst/tcp src+dst -> "
		 "count+represented_port uplink, 8 VF representors, one group), "
		 "net_snic over snic-sim (default board), EAL -l 0 --no-huge; create "
		 "p50 %.1f us p99 %.1f us; NIC entries +%lu checked; destroy %.0f "
		 "rules/s; %s%s", o.rules, lat[o.rules / 2] * 1e6,
		 lat[(size_t)((double)o.rules * 0.99)] * 1e6, o.rules,
		 (double)o.rules / t_destroy, SNIC_BENCH_BUILD, o.quick ? "; --quick" : "");
	out = fopen(o.out, "a");
	if (!out) {
		fprintf(stderr, "bench_rteflow: cannot append to %s: %s\n", o.out,
			strerror(errno));
		return 1;
	}
	fprintf(out, "{\"id\":\"insert.rteflow\",\"section\":\"insert\","
		"\"metric\":\"raw rte_flow_create on net_snic (snic-sim NIC)\","
		"\"unit\":\"rules/s\",\"snic\":%.1f,\"ref\":null,\"ref_name\":\"none\","
		"\"ratio\":null,\"better\":\"higher\",\"conditions\":",
		(double)o.rules / t_create);
	json_str(out, cond);
	fputs("}\n", out);
	if (fclose(out)) {
		fprintf(stderr, "bench_rteflow: writing %s: %s\n", o.out, strerror(errno));
		return 1;
	}
	printf("insert.rteflow: %lu rules created in %.3f s (%.0f rules/s), destroyed "
	       "in %.3f s (%.0f rules/s)\n", o.rules, t_create,
	       (double)o.rules / t_create, t_destroy, (double)o.rules / t_destroy);
	free(flows);
	free(lat);
	return 0;
}
