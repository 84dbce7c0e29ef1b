/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_cls_run.c - the two sections of bench_cls (what each row measures:
 * bench_cls.c's opening comment).
 *
 * cls: per rule set (1 k, 10 k), per trace (uniform, Zipf): generate, check
 * that snic's classifier and rte_acl pick the same rule for every distinct
 * flow, lay the headers out in trace order, time both, then time snic
 * through its caches (the cache emptied first, a checked warm-up pass, then
 * the timed rounds).
 *
 * pkt: the 1 k rule set in three datapaths (all caches, megaflows only,
 * none), 60-byte frames through snic_mgr_swdp_process_burst(), checked,
 * warmed, timed; the cache under test must have taken at least 90 % of the
 * timed packets.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_cls_run.h"

#define EMC_FLOWS 1024u             /* pkt.emc / pkt.megaflow working set */
#define WARM_MAX  262144u           /* packets of a cached row's warm-up */

/* One rule set with both classifiers. */
struct rset {
	const char *tag;            /* "1k", "10k" */
	struct cls_rules rs;
	struct cls_snic s;
	struct rte_acl_ctx *acl;
	double acl_build_s;
};

/* One trace over one rule set. */
struct tcase {
	const char *name;           /* "uniform", "zipf" */
	const char *desc;           /* "uniform", "Zipf s=1" */
	struct cls_flows fl;
	struct cls_trace t;
	int32_t *want;              /* per flow: rte_acl's rule */
	union swdp_keyw *keys;      /* per packet, trace order */
	struct cls_acl_tuple *tup;  /* per packet, trace order */
	const uint8_t **ptr;        /* per packet: &tup[i] */
};

struct run_ctx {
	struct rset *r;
	struct tcase *c;
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		cls_die("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

static uint64_t rules_seed(const struct cls_opts *o, uint32_t n_rules)
{
	return o->seed * 1000003u + n_rules;
}

/* ---- the correctness check ---- */

static void disagree(const struct rset *r, const struct tcase *c, uint32_t j, int32_t snic,
		     uint32_t n_bad)
{
	char f[96], a[160] = "no rule", b[160] = "no rule";

	cls_flow_str(&c->fl.f[j], f, sizeof(f));
	if (snic != CLS_MISS)
		cls_rule_str(&r->rs.r[snic], a, sizeof(a));
	if (c->want[j] != CLS_MISS)
		cls_rule_str(&r->rs.r[c->want[j]], b, sizeof(b));
	cls_die("snic and rte_acl disagree on %u of %u flows (%s rules, %s trace); the "
		"first: flow %u (%s%s): snic picks %d (%s), rte_acl picks %d (%s).  "
		"The figures would compare different work: fix the classifier (or the "
		"generator) before timing",
		n_bad, c->fl.n, r->tag, c->name, j, f, c->fl.f[j].miss ? ", built to miss" : "",
		snic, a, c->want[j], b);
}

/* Both classifiers on every distinct flow: want[] (rte_acl), fkeys[]
 * (snic's keys per flow); dies when they differ, or when a flow built for a
 * rule misses (or one built to miss hits): then the generator or the frame
 * builder is wrong, and the traces would not be what they say. */
static void check_flows(const struct rset *r, struct tcase *c, union swdp_keyw *fkeys)
{
	uint32_t n_bad = 0, first = 0, n_gen = 0;
	int32_t first_snic = 0;

	for (uint32_t j = 0; j < c->fl.n; j += CLS_ACL_BATCH) {
		unsigned n = c->fl.n - j < CLS_ACL_BATCH ? c->fl.n - j : CLS_ACL_BATCH;
		struct cls_acl_tuple tup[CLS_ACL_BATCH];
		const uint8_t *p[CLS_ACL_BATCH];

		for (unsigned k = 0; k < n; k++) {
			cls_acl_tuple(&c->fl.f[j + k], &tup[k]);
			p[k] = (const uint8_t *)&tup[k];
		}
		cls_acl_rules(r->acl, p, n, &c->want[j]);
		for (unsigned k = 0; k < n; k++) {
			uint8_t frame[CLS_STRIDE];
			int32_t got;

			cls_snic_frame(&c->fl.f[j + k], frame);
			cls_snic_key(frame, &fkeys[j + k]);
			got = cls_snic_rule(&r->s, &fkeys[j + k]);
			if (got != c->want[j + k] && !n_bad++) {
				first = j + k;
				first_snic = got;
			}
			n_gen += (c->want[j + k] == CLS_MISS) != (c->fl.f[j + k].miss != 0);
		}
	}
	if (n_bad)
		disagree(r, c, first, first_snic, n_bad);
	if (n_gen)
		cls_die("%u of %u flows of the %s trace (%s rules) were built to hit a rule "
			"and hit none, or to miss and hit one: the generator "
			"(bench_cls_gen.c) is wrong", n_gen, c->fl.n, c->name, r->tag);
}

/* ---- timed loops ---- */

static void chunk_snic(void *arg, uint32_t first, uint32_t n)
{
	const struct run_ctx *x = arg;
	const struct swdp_cls *cls = &x->r->s.dp->cls;

	for (uint32_t i = first; i < first + n; i++) {
		union swdp_keyw wc;

		memset(&wc, 0, sizeof(wc));
		cls_sink += (uintptr_t)swdp_cls_lookup(cls, 0, &x->c->keys[i], &wc);
	}
}

static void chunk_acl(void *arg, uint32_t first, uint32_t n)
{
	const struct run_ctx *x = arg;
	uint32_t res[CLS_ACL_BATCH];

	for (uint32_t i = first; i < first + n; i += CLS_ACL_BATCH) {
		unsigned m = first + n - i < CLS_ACL_BATCH ? first + n - i : CLS_ACL_BATCH;

		cls_acl_classify(x->r->acl, &x->c->ptr[i], m, res);
		cls_sink += res[0];
	}
}

static void chunk_cached(void *arg, uint32_t first, uint32_t n)
{
	const struct run_ctx *x = arg;

	for (uint32_t i = first; i < first + n; i += SWDP_BURST) {
		unsigned m = first + n - i < SWDP_BURST ? first + n - i : SWDP_BURST;

		cls_snic_cached(&x->r->s, &x->c->keys[i], m, NULL);
	}
}

/* The caches emptied, then a warm-up pass over (up to WARM_MAX) packets
 * whose every answer must be rte_acl's. */
static void warm_cached(struct rset *r, const struct tcase *c)
{
	uint32_t n = c->t.n < WARM_MAX ? c->t.n : WARM_MAX;

	swdp_cache_flush(&r->s.dp->cache);
	for (uint32_t i = 0; i < n; i += SWDP_BURST) {
		unsigned m = n - i < SWDP_BURST ? n - i : SWDP_BURST;
		int32_t got[SWDP_BURST];

		cls_snic_cached(&r->s, &c->keys[i], m, got);
		for (unsigned k = 0; k < m; k++) {
			uint32_t j = c->t.flow[i + k];

			if (got[k] != c->want[j])
				cls_die("with its caches on, snic picks rule %d for flow %u "
					"(packet %u of the %s trace, %s rules), rte_acl and the "
					"classifier alone pick %d: a cache returned a wrong "
					"program", got[k], j, i + k, c->name, r->tag, c->want[j]);
		}
	}
	memset(&r->s.cs, 0, sizeof(r->s.cs));
}

/* ---- section cls ---- */

static void make_case(const struct cls_opts *o, struct rset *r, struct tcase *c, bool zipf)
{
	uint32_t n_flows = zipf ? (o->quick ? 4000 : 100000) : (o->quick ? 10000 : 1000000);
	uint32_t n_pkts = o->quick ? 10000 : 1000000;
	uint64_t seed = rules_seed(o, r->rs.n) * 7 + (zipf ? 2 : 1);
	union swdp_keyw *fkeys;

	c->name = zipf ? "zipf" : "uniform";
	c->desc = zipf ? "Zipf (s=1)" : "uniform";
	fprintf(stderr, "bench_cls: %s rules, %s trace: %u flows, checking snic against "
		"rte_acl on every one...\n", r->tag, c->name, n_flows);
	cls_flows_gen(&c->fl, &r->rs, n_flows, 0.05, seed);
	if (zipf)
		cls_trace_zipf(&c->t, c->fl.n, n_pkts, 1.0, seed);
	else
		cls_trace_uniform(&c->t, c->fl.n, n_pkts, seed);
	c->want = xcalloc(c->fl.n, sizeof(*c->want));
	fkeys = xcalloc(c->fl.n, sizeof(*fkeys));
	check_flows(r, c, fkeys);
	c->keys = aligned_alloc(64, (size_t)n_pkts * sizeof(*c->keys));
	c->tup = xcalloc(n_pkts, sizeof(*c->tup));
	c->ptr = xcalloc(n_pkts, sizeof(*c->ptr));
	if (!c->keys)
		cls_die("out of memory for %u keys", n_pkts);
	for (uint32_t i = 0; i < n_pkts; i++) {
		c->keys[i] = fkeys[c->t.flow[i]];
		cls_acl_tuple(&c->fl.f[c->t.flow[i]], &c->tup[i]);
		c->ptr[i] = (const uint8_t *)&c->tup[i];
	}
	free(fkeys);
}

static void free_case(struct tcase *c)
{
	cls_flows_free(&c->fl);
	cls_trace_free(&c->t);
	free(c->want);
	free(c->keys);
	free(c->tup);
	free(c->ptr);
	memset(c, 0, sizeof(*c));
}

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0;
}

static void time_case(const struct cls_opts *o, struct rset *r, struct tcase *c)
{
	struct run_ctx x = { r, c };
	const struct cls_cache_stats *cs = &r->s.cs;
	char id[48], base[1024], cond[2048];
	double snic_ns, acl_ns, cached_ns;

	snprintf(base, sizeof(base),
		 "%u rules (ClassBench-style, seed %llu) = %u OpenFlow rules after port-range "
		 "expansion, %u subtables; %s trace: %u packets over %u flows (%u built to "
		 "miss), headers in trace order (snic: its key from the datapath's parse of "
		 "60-byte frames; rte_acl: 16-byte tuples); rte_acl: rte_acl_classify, %s "
		 "(%s), %u per call, 1 category, build %.2f s; thread CPU time, best of %u rounds of "
		 "%.2f s; %s", r->rs.n, (unsigned long long)o->seed, r->s.n_of,
		 cls_snic_subtables(&r->s), c->desc, c->t.n, c->fl.n, c->fl.n_miss,
		 cls_acl_alg_name(), cls_acl_alg_how(), CLS_ACL_BATCH, r->acl_build_s, o->rounds,
		 o->secs / o->rounds, cls_build_name());
	fprintf(stderr, "bench_cls: %s rules, %s trace: timing...\n", r->tag, c->name);
	snic_ns = cls_best_ns(o, chunk_snic, &x, c->t.n);
	acl_ns = cls_best_ns(o, chunk_acl, &x, c->t.n);
	snprintf(id, sizeof(id), "cls.%s.%s", r->tag, c->name);
	snprintf(cond, sizeof(cond), "snic: swdp_cls_lookup (tuple-space classifier, table 0) "
		 "per key; %s", base);
	cls_row(&(struct cls_row_in){
		.id = id, .section = "cls",
		.metric = "lookups/s on one core, snic's classifier alone",
		.unit = "Mlookups/s", .snic = 1e3 / snic_ns, .ref = 1e3 / acl_ns,
		.ref_name = "rte_acl", .better = "higher", .cond = cond });

	warm_cached(r, c);
	cached_ns = cls_best_ns(o, chunk_cached, &x, c->t.n);
	snprintf(id, sizeof(id), "cls.%s.%s.cached", r->tag, c->name);
	snprintf(cond, sizeof(cond),
		 "snic: through its flow caches, process_burst's per-packet path on the keys "
		 "(key hash, EMC of %u entries 2-way, megaflow cache of %u, else translate and "
		 "insert; no parse, no actions), caches emptied then warmed on %u packets; "
		 "while timed: EMC %.1f %%, megaflow %.1f %%, upcalls %.1f %%, %u megaflow "
		 "masks, %llu flushes; rte_acl: the same figure as cls.%s.%s; %s",
		 r->s.dp->cache.emc_slots, r->s.dp->cache.max_mf,
		 c->t.n < WARM_MAX ? c->t.n : WARM_MAX, pct(cs->emc, cs->lookups),
		 pct(cs->megaflow, cs->lookups), pct(cs->upcalls, cs->lookups),
		 cls_snic_mf_masks(&r->s), (unsigned long long)cs->flushes, r->tag, c->name,
		 base);
	cls_row(&(struct cls_row_in){
		.id = id, .section = "cls",
		.metric = "lookups/s on one core, snic with its flow caches on",
		.unit = "Mlookups/s", .snic = 1e3 / cached_ns, .ref = 1e3 / acl_ns,
		.ref_name = "rte_acl", .better = "higher", .cond = cond });
}

static int run_set(const struct cls_opts *o, uint32_t n_rules, const char *tag)
{
	struct rset r = { .tag = tag };
	char name[32];

	fprintf(stderr, "bench_cls: %s rules: generating, building snic and rte_acl...\n", tag);
	cls_rules_gen(&r.rs, n_rules, rules_seed(o, n_rules));
	snprintf(name, sizeof(name), "bench_cls_%s", tag);
	r.acl = cls_acl_build(&r.rs, name, &r.acl_build_s);
	if (!r.acl) {
		cls_rules_free(&r.rs);
		return -1;
	}
	cls_snic_build(&r.s, &r.rs, CLS_CACHES_ALL);
	for (int z = 0; z < 2; z++) {
		struct tcase c = { 0 };

		make_case(o, &r, &c, z == 1);
		time_case(o, &r, &c);
		free_case(&c);
	}
	cls_snic_free(&r.s);
	cls_acl_free(r.acl);
	cls_rules_free(&r.rs);
	return 0;
}

int cls_section(const struct cls_opts *o, const char *prog)
{
	int rc;

	if (cls_acl_eal_start(prog))
		return -1;
	rc = run_set(o, 1000, "1k");
	if (!rc)
		rc = run_set(o, 10000, "10k");
	cls_acl_eal_stop();
	return rc;
}

/* ---- section pkt ---- */

struct pkt_ctx {
	struct cls_snic *s;
	const struct cls_frames *fr;
};

static void chunk_pkt(void *arg, uint32_t first, uint32_t n)
{
	const struct pkt_ctx *x = arg;

	cls_snic_process(x->s, x->fr, first, n);
}

static void pkt_row(const struct cls_opts *o, const struct cls_rules *rs, const char *id,
		    const char *what, enum cls_caches caches, const struct cls_flows *fl,
		    const struct cls_trace *t, uint32_t n_flows, const int32_t *want)
{
	struct cls_snic s;
	struct cls_frames fr;
	struct snic_mgr_swdp_stats a, b;
	struct pkt_ctx x = { &s, &fr };
	uint64_t pk, hit;
	char cond[1024], metric[160];
	double ns;

	fprintf(stderr, "bench_cls: %s...\n", id);
	cls_snic_build(&s, rs, caches);
	cls_frames_build(&fr, fl, t);
	cls_snic_check_frames(&s, &fr, t, want);        /* checks, and warms */
	cls_snic_check_frames(&s, &fr, t, want);
	snic_mgr_swdp_stats(s.dp, &a);
	ns = cls_best_ns(o, chunk_pkt, &x, fr.n);
	snic_mgr_swdp_stats(s.dp, &b);
	pk = b.packets - a.packets;
	hit = caches == CLS_CACHES_ALL ? b.emc_hits - a.emc_hits :
	      caches == CLS_CACHES_MEGAFLOW ? b.megaflow_hits - a.megaflow_hits :
	      b.upcalls - a.upcalls;
	if (hit < pk * 9 / 10)
		cls_die("%s: of %llu packets timed, %llu EMC hits, %llu megaflow hits, %llu "
			"upcalls (%llu flushes, %u megaflow masks): the path under test did "
			"not take the packets", id, (unsigned long long)pk,
			(unsigned long long)(b.emc_hits - a.emc_hits),
			(unsigned long long)(b.megaflow_hits - a.megaflow_hits),
			(unsigned long long)(b.upcalls - a.upcalls),
			(unsigned long long)(b.flushes - a.flushes), cls_snic_mf_masks(&s));
	snprintf(metric, sizeof(metric), "whole packet on one core: parse + %s + VXLAN encap",
		 what);
	snprintf(cond, sizeof(cond),
		 "%.2f Mpps; %u rules (ClassBench-style, seed %llu) = %u OpenFlow rules in %u "
		 "subtables, all output:vxlan0; %u packets over %u flows (uniform), 60-byte "
		 "TCP/UDP/ICMP IPv4 frames (64 B on the wire) from vf0 through "
		 "snic_mgr_swdp_process_burst in bursts of %u, each checked to leave "
		 "VXLAN-encapsulated (%u bytes) on the uplink having hit the classifier's "
		 "rule; while timed: %.1f %% %s, %u megaflow masks; thread CPU time, best of "
		 "%u rounds of %.2f s; %s", 1e3 / ns, rs->n, (unsigned long long)o->seed,
		 s.n_of, cls_snic_subtables(&s), fr.n, n_flows, SWDP_BURST, CLS_FRAME_LEN + 50,
		 pct(hit, pk), caches == CLS_CACHES_ALL ? "EMC hits" :
		 caches == CLS_CACHES_MEGAFLOW ? "megaflow hits" : "translated",
		 cls_snic_mf_masks(&s), o->rounds, o->secs / o->rounds, cls_build_name());
	cls_row(&(struct cls_row_in){
		.id = id, .section = "pkt", .metric = metric, .unit = "ns/packet",
		.snic = ns, .ref = CLS_BUDGET_NS, .ref_name = "10GbE 64B budget",
		.better = "lower", .cond = cond });
	cls_frames_free(&fr);
	cls_snic_free(&s);
}

void pkt_section(const struct cls_opts *o)
{
	uint32_t n_flows = o->quick ? 4096 : 65536, n_pkts = o->quick ? 4096 : 65536;
	struct cls_rules rs;
	struct cls_flows fl;
	struct cls_trace small, all;
	uint32_t n_small;
	struct cls_snic ref;
	int32_t *want;

	fprintf(stderr, "bench_cls: pkt: 1k rules, %u flows...\n", n_flows);
	cls_rules_gen(&rs, 1000, rules_seed(o, 1000));
	cls_flows_gen(&fl, &rs, n_flows, 0.0, rules_seed(o, 1000) * 7 + 3);
	n_small = EMC_FLOWS < fl.n ? EMC_FLOWS : fl.n;
	cls_trace_uniform(&small, n_small, n_pkts, rules_seed(o, 1000) * 7 + 4);
	cls_trace_uniform(&all, fl.n, n_pkts, rules_seed(o, 1000) * 7 + 5);
	/* what every packet must hit: the classifier alone (which section cls
	 * checks against rte_acl) */
	cls_snic_build(&ref, &rs, CLS_CACHES_NONE);
	want = xcalloc(fl.n, sizeof(*want));
	for (uint32_t j = 0; j < fl.n; j++) {
		uint8_t frame[CLS_STRIDE];
		union swdp_keyw k;

		cls_snic_frame(&fl.f[j], frame);
		cls_snic_key(frame, &k);
		want[j] = cls_snic_rule(&ref, &k);
	}
	cls_snic_free(&ref);
	pkt_row(o, &rs, "pkt.emc", "EMC hit", CLS_CACHES_ALL, &fl, &small, n_small,
		want);
	pkt_row(o, &rs, "pkt.megaflow", "megaflow hit (EMC off)", CLS_CACHES_MEGAFLOW, &fl,
		&small, n_small, want);
	pkt_row(o, &rs, "pkt.nocache.1k", "classify + translate (no caches)",
		CLS_CACHES_NONE, &fl, &all, fl.n, want);
	free(want);
	cls_trace_free(&small);
	cls_trace_free(&all);
	cls_flows_free(&fl);
	cls_rules_free(&rs);
}
