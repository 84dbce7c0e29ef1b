/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_cls.h - what the files of bench_cls (tests/bench/bench_cls*.c)
 * share: the ClassBench-style rule sets, flows and traces
 * (bench_cls_gen.c), the rte_acl reference (bench_cls_acl.c, the only file
 * that calls DPDK), snic's software datapath side
 * (bench_cls_snic.c) and a few helpers of bench_cls.c (the sections,
 * bench_cls_run.c, have their own header, bench_cls_run.h).
 *
 * Addresses and ports are host order everywhere here; each side converts
 * to what its classifier reads.
 */
#ifndef BENCH_CLS_H
#define BENCH_CLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swdp_internal.h"

#define CLS_BUDGET_NS  67.2     /* 10 GbE, 64-byte frames: (64+20)*8/10e9 */
#define CLS_FRAME_LEN  60u      /* + 4 FCS = 64 bytes on the wire */
#define CLS_STRIDE     64u      /* bytes between frames in memory */
#define CLS_MISS       (-1)     /* "no rule" in rule-index results */

/* ---- deterministic pseudo-random numbers (splitmix64) ---- */

struct cls_rng {
	uint64_t s;
};

static inline uint64_t cls_rng_next(struct cls_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* uniform in [0, n) */
static inline uint32_t cls_rng_below(struct cls_rng *r, uint32_t n)
{
	return (uint32_t)(((cls_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* uniform in [0, 1) */
static inline double cls_rng_unit(struct cls_rng *r)
{
	return (double)(cls_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* ---- rules (bench_cls_gen.c) ---- */

struct cls_range {
	uint16_t lo, hi;            /* inclusive */
};

/* One 5-tuple rule; rule i of a set has priority n - i (higher wins). */
struct cls_rule {
	uint32_t src, dst;          /* masked to their prefix lengths */
	uint8_t src_len, dst_len;   /* 0..32; 0 = any */
	uint8_t proto;              /* 6, 17, 1; 0 = any */
	struct cls_range sp, dp;    /* 0-65535 = any */
};

struct cls_rules {
	struct cls_rule *r;
	uint32_t n;
};

/* The prefixes ("value/mask", as OpenFlow matches a port) that cover
 * range r exactly; at most CLS_MAX_PIECES.  Returns how many. */
#define CLS_MAX_PIECES 32u
unsigned cls_range_prefixes(struct cls_range r, uint16_t *val, uint16_t *mask);

/* n rules from seed (see bench_cls_gen.c for the mix). */
void cls_rules_gen(struct cls_rules *rs, uint32_t n, uint64_t seed);
void cls_rules_free(struct cls_rules *rs);
/* rule r as text ("src/len dst/len sp-range dp-range proto"), for errors */
void cls_rule_str(const struct cls_rule *r, char *buf, size_t len);

/* ---- flows and traces ---- */

struct cls_flow {
	uint32_t src, dst;
	uint16_t sp, dp;            /* ICMP: type, code */
	uint8_t proto;              /* 6, 17, 1 */
	uint8_t miss;               /* built to miss every rule */
	uint8_t pad[2];
};

struct cls_flows {
	struct cls_flow *f;
	uint32_t n;                 /* distinct 5-tuples */
	uint32_t n_miss;            /* built to miss every rule */
};

/* n distinct flows, each built to hit a rule picked at random (the rule
 * may be shadowed by a higher one), a fraction miss_frac to miss all. */
void cls_flows_gen(struct cls_flows *fl, const struct cls_rules *rs, uint32_t n,
		   double miss_frac, uint64_t seed);
void cls_flows_free(struct cls_flows *fl);
void cls_flow_str(const struct cls_flow *f, char *buf, size_t len);

/* A trace: the flow of each packet. */
struct cls_trace {
	uint32_t *flow;
	uint32_t n;
};

void cls_trace_uniform(struct cls_trace *t, uint32_t n_flows, uint32_t n, uint64_t seed);
/* Zipf with exponent s over n_flows flows (rank k has weight 1/(k+1)^s) */
void cls_trace_zipf(struct cls_trace *t, uint32_t n_flows, uint32_t n, double s,
		    uint64_t seed);
void cls_trace_free(struct cls_trace *t);

/* ---- the rte_acl reference (bench_cls_acl.c) ---- */

/* What rte_acl reads per packet: network order, 1 + 3 + 4 + 4 + 2 + 2. */
struct cls_acl_tuple {
	uint8_t proto;
	uint8_t pad[3];
	uint32_t src, dst;
	uint16_t sp, dp;
};

#define CLS_ACL_BATCH 64u       /* packets per rte_acl_classify() call */

struct rte_acl_ctx;

/* Start DPDK's EAL in memory (no hugepages, no PCI, one lcore); 0, or -1
 * with the reason on stderr. */
int cls_acl_eal_start(const char *prog);
void cls_acl_eal_stop(void);
/* An rte_acl context of rs (userdata = rule index + 1), built with the
 * best classify method this CPU and EAL allow; NULL with the reason on
 * stderr.  *build_s: seconds rte_acl_build took. */
struct rte_acl_ctx *cls_acl_build(const struct cls_rules *rs, const char *name,
				  double *build_s);
void cls_acl_free(struct rte_acl_ctx *ctx);
/* Use method name instead of rte_acl's default; 0 or -1 (unknown name). */
int cls_acl_force_alg(const char *name);
/* The classify method in use ("AVX512X32", "AVX2", ...). */
const char *cls_acl_alg_name(void);
/* How it was chosen (for the conditions). */
const char *cls_acl_alg_how(void);
void cls_acl_tuple(const struct cls_flow *f, struct cls_acl_tuple *t);
/* Classify n <= CLS_ACL_BATCH tuples; res[i] = rule index or CLS_MISS. */
void cls_acl_rules(const struct rte_acl_ctx *ctx, const uint8_t **data, unsigned n,
		   int32_t *res);
/* The timed call: raw results (userdata), one category. */
void cls_acl_classify(const struct rte_acl_ctx *ctx, const uint8_t **data, unsigned n,
		      uint32_t *res);

/* ---- snic's software datapath (bench_cls_snic.c) ---- */

struct cls_cache_stats {
	uint64_t lookups, emc, megaflow, upcalls, flushes;
};

struct cls_snic {
	struct snic_mgr_swdp *dp;
	int32_t *id_rule;           /* OpenFlow rule id -> generated rule index */
	uint32_t n_of;              /* OpenFlow rules (ranges expanded) */
	struct cls_cache_stats cs;  /* of cls_snic_cached() */
};

enum cls_caches {
	CLS_CACHES_ALL,             /* EMC + megaflow (the defaults) */
	CLS_CACHES_MEGAFLOW,        /* megaflow only */
	CLS_CACHES_NONE,            /* translate every packet */
};

/* A datapath with rs as OpenFlow rules in table 0 (port ranges expanded
 * into value/mask pieces, actions=output:vxlan0); dies on failure. */
void cls_snic_build(struct cls_snic *s, const struct cls_rules *rs, enum cls_caches caches);
void cls_snic_free(struct cls_snic *s);
/* table 0's subtables (distinct masks) */
uint32_t cls_snic_subtables(const struct cls_snic *s);
/* megaflow masks in the cache now */
uint32_t cls_snic_mf_masks(const struct cls_snic *s);
/* A 60-byte frame of flow f, as a VM sends it. */
void cls_snic_frame(const struct cls_flow *f, uint8_t *frame);
/* The key the datapath builds from that frame (parsed by its parser). */
void cls_snic_key(const uint8_t *frame, union swdp_keyw *k);
/* The generated rule the classifier picks for k, or CLS_MISS. */
int32_t cls_snic_rule(const struct cls_snic *s, const union swdp_keyw *k);
/* The same through the caches (EMC, megaflow, else translate and insert,
 * as process_burst() does), n <= SWDP_BURST keys; rules may be NULL. */
void cls_snic_cached(struct cls_snic *s, const union swdp_keyw *keys, unsigned n,
		     int32_t *rules);
/* Frames as the VFs send them, for process_burst(). */
struct cls_frames {
	uint8_t *mem;
	struct snic_mgr_swdp_pkt *pkts;
	uint32_t n;
};
void cls_frames_build(struct cls_frames *fr, const struct cls_flows *fl,
		      const struct cls_trace *t);
void cls_frames_free(struct cls_frames *fr);
/* Process every frame (bursts of 32): each must leave VXLAN-encapsulated on
 * the uplink, its hit naming want[trace flow] when want is given; dies
 * with the packet otherwise. */
void cls_snic_check_frames(struct cls_snic *s, const struct cls_frames *fr,
			   const struct cls_trace *t, const int32_t *want);
/* Process frames [first, first + n) in bursts of 32. */
void cls_snic_process(struct cls_snic *s, const struct cls_frames *fr, uint32_t first,
		      uint32_t n);

/* ---- common ---- */

extern volatile uint64_t cls_sink;   /* keeps results alive */

/* This thread's CPU time in seconds (other load on a shared machine is
 * not counted; its effect on the caches is). */
double cls_cpu_now(void);
_Noreturn void cls_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* BENCH_CLS_H */
