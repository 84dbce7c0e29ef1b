/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_swdp.c - how fast is the software datapath on one core?
 *
 * Rows (64-byte frames on the wire: 60-byte UDP/IPv4 frames from the VFs,
 * in bursts of 32 through snic_mgr_swdp_process_burst(), every one
 * checked to leave VXLAN-encapsulated on the uplink before timing):
 *   EMC hit + VXLAN encap     1 rule, 1024 flows: every packet an
 *                             exact-match cache hit
 *   EMC hit, output uplink   the same without the encap
 *   megaflow hit + encap      the EMC off, 64k flows, one megaflow
 *   caches off, N subtables   no caches: parse + classify + translate +
 *                             encap for every packet, over R rules in N
 *                             subtables (masks: in_port + nw_dst/32, and by
 *                             the bits of the subtable's index tp_dst,
 *                             nw_src/24, dl_src, tp_src), all of one
 *                             priority so every lookup probes every subtable
 *   classify only, N subt.    swdp_cls_lookup() alone over the same keys
 * (The packet library's parse and encap alone: bench_fw's reference rows.)
 * Times are the benchmark thread's CPU time, the best of 5 rounds.  The
 * budget is 10 GbE line rate with 64-byte frames: (64 + 20) * 8 bits /
 * 10 Gbit/s = 67.2 ns per packet.
 *
 * A benchmark, not a test: it prints figures.  --quick (bench_swdp-smoke)
 * runs small sizes briefly so the harness keeps working.
 */
#include <getopt.h>
#include <stdlib.h>
#include <time.h>

#include "swdp_internal.h"
#include "test_swdp_lib.h"

#define BUDGET_NS    67.2
#define FRAME_LEN    60u
#define STRIDE       64u
#define BURSTN       32u

struct row {
	char what[40];
	unsigned rules, subtables;
	double ns;
};

static struct row rows[24];
static unsigned n_rows;
static struct snic_mgr_xlate_env env;
static volatile uint64_t sink;

/* CPU time of this thread: what other load on the machine takes is not
 * counted (its effect on the caches is). */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_swdp: %s\n", what);
	exit(1);
}

/* ---- flows and frames ---- */

struct flow {
	uint32_t port, src, dst;
	uint16_t sport, dport;
	uint8_t smac5;
};

static struct flow flow_of(uint32_t j)
{
	struct flow f;

	f.port = P_VF(j % 4);
	f.dst = IP4(10, 0, 0, 0) + j;
	f.src = IP4(172, 16, 0, 0) | ((j * 2654435761u) & 0xfffffu);
	f.sport = (uint16_t)(1024u + (j * 7u) % 60000u);
	f.dport = (uint16_t)(1u + (j * 13u) % 65000u);
	f.smac5 = (uint8_t)(j * 5u);
	return f;
}

struct traffic {
	uint8_t *frames;
	struct snic_mgr_swdp_pkt *pkts;
	uint32_t n;
};

static void traffic_build(struct traffic *t, uint32_t n, uint32_t flows)
{
	t->n = n;
	t->frames = aligned_alloc(64, (size_t)n * STRIDE);
	t->pkts = calloc(n, sizeof(*t->pkts));
	if (!t->frames || !t->pkts)
		die("out of memory");
	for (uint32_t i = 0; i < n; i++) {
		uint32_t j = (uint32_t)(((uint64_t)i * 0x9e3779b97f4a7c15ull) >> 40) % flows;
		struct flow f = flow_of(j);
		struct fs s = fs_udp4();
		struct tf tf;

		s.smac[5] = f.smac5;
		s.src = f.src;
		s.dst = f.dst;
		s.sp = f.sport;
		s.dp = f.dport;
		fs_build(&tf, &s);
		if (tf.len != FRAME_LEN)
			die("frame length");
		memcpy(t->frames + (size_t)i * STRIDE, tf_data(&tf), FRAME_LEN);
		t->pkts[i] = (struct snic_mgr_swdp_pkt){ f.port, FRAME_LEN,
							 t->frames + (size_t)i * STRIDE };
	}
}

static void traffic_free(struct traffic *t)
{
	free(t->frames);
	free(t->pkts);
}

/* ---- datapaths ---- */

static struct snic_mgr_swdp *dp_new(bool no_emc, bool no_mf)
{
	struct snic_mgr_swdp_config cfg = { .env = &env, .no_emc = no_emc,
					    .no_megaflow = no_mf };
	struct snic_mgr_swdp *dp;

	if (snic_mgr_swdp_create(&cfg, &dp))
		die("create");
	return dp;
}

static void add(struct snic_mgr_swdp *dp, uint32_t id, const char *text)
{
	struct snic_of_rule r;
	struct snic_of_error err;
	char why[SNIC_MGR_SWDP_REASON_MAX];

	if (snic_of_rule_parse(text, SNIC_OF_MODE_ADD, &tenv_ports, &r, &err)) {
		fprintf(stderr, "bench_swdp: %s: %s\n", text, err.msg);
		exit(1);
	}
	if (snic_mgr_swdp_add_rule(dp, id, &r, why, sizeof(why))) {
		fprintf(stderr, "bench_swdp: %s: %s\n", text, why);
		exit(1);
	}
}

/* rules rules over subtables subtables, one per flow */
static void add_flow_rules(struct snic_mgr_swdp *dp, uint32_t rules, unsigned subtables)
{
	for (uint32_t j = 0; j < rules; j++) {
		struct flow f = flow_of(j);
		unsigned g = j % subtables;
		char text[512];
		int n;

		n = snprintf(text, sizeof(text), "priority=100,in_port=vf%u,udp,nw_dst=%u.%u.%u.%u",
			     f.port - 2, f.dst >> 24, (f.dst >> 16) & 255, (f.dst >> 8) & 255,
			     f.dst & 255);
		if (g & 1)
			n += snprintf(text + n, sizeof(text) - (size_t)n, ",tp_dst=%u", f.dport);
		if (g & 2)
			n += snprintf(text + n, sizeof(text) - (size_t)n, ",nw_src=%u.%u.%u.0/24",
				      f.src >> 24, (f.src >> 16) & 255, (f.src >> 8) & 255);
		if (g & 4)
			n += snprintf(text + n, sizeof(text) - (size_t)n,
				      ",dl_src=02:aa:00:00:00:%02x", f.smac5);
		if (g & 8)
			n += snprintf(text + n, sizeof(text) - (size_t)n, ",tp_src=%u", f.sport);
		snprintf(text + n, sizeof(text) - (size_t)n, ",actions=output:vxlan0");
		add(dp, j + 1, text);
	}
}

/* Every packet must leave on want_port with want_len bytes. */
static void verify(struct snic_mgr_swdp *dp, const struct traffic *t, uint32_t want_port,
		   uint32_t want_len)
{
	static struct snic_mgr_swdp_result res[BURSTN];

	for (uint32_t i = 0; i + BURSTN <= t->n; i += BURSTN) {
		snic_mgr_swdp_process_burst(dp, t->pkts + i, BURSTN, res);
		for (unsigned k = 0; k < BURSTN; k++)
			if (res[k].n_out != 1 || res[k].out[0].ofport != want_port ||
			    res[k].out[0].len != want_len || res[k].flags) {
				fprintf(stderr, "bench_swdp: packet %u: %u outputs, flags 0x%x "
					"(%s)\n", i + k, res[k].n_out, res[k].flags,
					snic_mgr_swdp_drop_name(res[k].drop_reason));
				exit(1);
			}
	}
}

/* ns per packet: the best of ROUNDS rounds of secs / ROUNDS each (this
 * machine may be shared: the best round is the one least disturbed) */
#define ROUNDS 5

static double run(struct snic_mgr_swdp *dp, const struct traffic *t, double secs)
{
	static struct snic_mgr_swdp_result res[BURSTN];
	double best = 1e30;

	for (int r = 0; r < ROUNDS; r++) {
		uint64_t pkts = 0;
		double t0 = now_s(), el;

		do {
			for (uint32_t i = 0; i + BURSTN <= t->n; i += BURSTN) {
				snic_mgr_swdp_process_burst(dp, t->pkts + i, BURSTN, res);
				sink += res[0].n_out;
			}
			pkts += t->n - t->n % BURSTN;
			el = now_s() - t0;
		} while (el < secs / ROUNDS);
		if (el * 1e9 / (double)pkts < best)
			best = el * 1e9 / (double)pkts;
	}
	return best;
}

static void add_row(const char *what, unsigned rules, unsigned st, double ns)
{
	struct row *r = &rows[n_rows++];

	snprintf(r->what, sizeof(r->what), "%s", what);
	r->rules = rules;
	r->subtables = st;
	r->ns = ns;
}

/* ---- rows ---- */

static void row_cached(const char *what, bool no_emc, uint32_t flows, bool encap,
		       uint32_t n_frames, double secs)
{
	struct snic_mgr_swdp *dp = dp_new(no_emc, false);
	struct snic_mgr_swdp_stats st;
	struct traffic t;
	double ns;

	add(dp, 1, encap ? "ip,actions=output:vxlan0" : "ip,actions=output:uplink");
	traffic_build(&t, n_frames, flows);
	verify(dp, &t, encap ? P_VX0 : P_UPLINK, FRAME_LEN + (encap ? 50 : 0));
	run(dp, &t, secs / 4);
	snic_mgr_swdp_stats(dp, &st);
	if ((no_emc ? st.megaflow_hits : st.emc_hits) < st.packets * 9 / 10) {
		fprintf(stderr, "bench_swdp: %s: %llu packets, %llu EMC hits, %llu "
			"megaflow hits, %llu upcalls\n", what,
			(unsigned long long)st.packets, (unsigned long long)st.emc_hits,
			(unsigned long long)st.megaflow_hits,
			(unsigned long long)st.upcalls);
		die("the cache under test did not take the packets");
	}
	ns = run(dp, &t, secs);
	add_row(what, 1, 1, ns);
	traffic_free(&t);
	snic_mgr_swdp_destroy(dp);
}

static double run_classify(const struct snic_mgr_swdp *dp, const union swdp_keyw *keys,
			   uint32_t n, double secs)
{
	double best = 1e30;

	for (int r = 0; r < ROUNDS; r++) {
		uint64_t pkts = 0;
		double t0 = now_s(), el;

		do {
			for (uint32_t i = 0; i < n; i++) {
				union swdp_keyw wc;

				memset(&wc, 0, sizeof(wc));
				sink += (uintptr_t)swdp_cls_lookup(&dp->cls, 0, &keys[i], &wc);
			}
			pkts += n;
			el = now_s() - t0;
		} while (el < secs / ROUNDS);
		if (el * 1e9 / (double)pkts < best)
			best = el * 1e9 / (double)pkts;
	}
	return best;
}

static void rows_classifier(uint32_t rules, uint32_t n_frames, double secs)
{
	static const unsigned sts[] = { 1, 4, 16 };
	struct traffic t;
	union swdp_keyw *keys;

	traffic_build(&t, n_frames, rules);
	keys = calloc(t.n, sizeof(*keys));
	if (!keys)
		die("out of memory");
	for (uint32_t i = 0; i < t.n; i++) {
		struct snic_fw_pkt_cfg cfg = { 4789 };
		struct snic_ifc_match m;

		memset(&m, 0, sizeof(m));
		if (snic_fw_pkt_parse(t.pkts[i].frame, FRAME_LEN, &cfg, &m))
			die("parse");
		swdp_key_from_hdrs(&m.outer, t.pkts[i].in_ofport, &keys[i]);
	}
	for (unsigned k = 0; k < 3; k++) {
		struct snic_mgr_swdp *dp = dp_new(true, true);
		char what[40];
		double ns;

		fprintf(stderr, "bench_swdp: %u rules, %u subtables...\n", rules, sts[k]);
		add_flow_rules(dp, rules, sts[k]);
		verify(dp, &t, P_VX0, FRAME_LEN + 50);
		run(dp, &t, secs / 4);
		ns = run(dp, &t, secs);
		snprintf(what, sizeof(what), "caches off");
		add_row(what, rules, sts[k], ns);
		run_classify(dp, keys, t.n, secs / 4);
		add_row("classify only", rules, sts[k], run_classify(dp, keys, t.n, secs));
		snic_mgr_swdp_destroy(dp);
	}
	free(keys);
	traffic_free(&t);
}

static void print_table(bool quick, uint32_t n_frames)
{
	printf("snic software datapath (snic_mgr_swdp), one core%s\n",
	       quick ? "  [--quick: small sizes, short runs]" : "");
	printf("traffic: %u precomputed %u-byte UDP/IPv4 frames (64 B on the wire) from 4 VFs, "
	       "bursts of %u;\nevery packet leaves VXLAN-encapsulated on the uplink unless the "
	       "row says otherwise.\n", n_frames, FRAME_LEN, BURSTN);
	printf("budget: 10 GbE line rate at 64 B = %.1f ns/packet (%.2f Mpps); "
	       "'x budget' < 1 keeps up.\n\n", BUDGET_NS, 1e3 / BUDGET_NS);
	printf("%-28s %7s %9s %9s %8s %9s\n", "row", "rules", "subtables", "ns/pkt", "Mpps",
	       "x budget");
	for (unsigned i = 0; i < n_rows; i++) {
		const struct row *r = &rows[i];
		char ru[16] = "-", st[16] = "-";

		if (r->rules)
			snprintf(ru, sizeof(ru), "%u", r->rules);
		if (r->subtables)
			snprintf(st, sizeof(st), "%u", r->subtables);
		printf("%-28s %7s %9s %9.1f %8.2f %9.2f\n", r->what, ru, st, r->ns, 1e3 / r->ns,
		       r->ns / BUDGET_NS);
	}
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "quick", no_argument, NULL, 'q' }, { "secs", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	bool quick = false;
	double secs = 0;
	uint32_t n_frames, rules[2];
	unsigned n_cfg;
	int c;

	while ((c = getopt_long(argc, argv, "qs:h", lo, NULL)) != -1) {
		switch (c) {
		case 'q': quick = true; break;
		case 's': secs = atof(optarg); break;
		case 'h':
			printf("usage: bench_swdp [--quick] [--secs S]\n"
			       "  software datapath ns/packet: EMC and megaflow hits, the\n"
			       "  classifier with the caches off (1, 4, 16 subtables).\n"
			       "  --quick  small sizes, short rows (the smoke test)\n"
			       "  --secs   seconds per row (default 1; --quick 0.05)\n");
			return 0;
		default:
			return 2;
		}
	}
	n_frames = quick ? 4096 : 65536;
	if (secs <= 0)
		secs = quick ? 0.05 : 1.0;
	rules[0] = 1000;
	rules[1] = 16384;
	n_cfg = quick ? 1 : 2;
	tenv_init(&env);

	row_cached("EMC hit + VXLAN encap", false, 1024, true, n_frames, secs);
	row_cached("EMC hit, output uplink", false, 1024, false, n_frames, secs);
	row_cached("megaflow hit + VXLAN encap", true, 65536, true, n_frames, secs);
	for (unsigned i = 0; i < n_cfg; i++)
		rows_classifier(rules[i], n_frames, secs);
	print_table(quick, n_frames);
	return 0;
}
