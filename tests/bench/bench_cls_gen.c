/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_cls_gen.c - ClassBench-style 5-tuple rule sets, flows and traces
 * for bench_cls, seeded and deterministic (the same seed gives the same
 * rules, flows and traces on every machine).
 *
 * Rules.  Shaped after the statistics of ClassBench's ACL seed "acl1"
 * (Taylor and Turner, 2005; the figures below are this file's own,
 * rounded and simplified):
 *   prefix-length pairs  mostly host to host (/32 - /32, 55 %), then /24 on
 *               one side, wildcard sources, /28, /30, /31, /16 and /22
 *               pairs: 16 (source, destination) pairs in all (pairs[]
 *               below); never both sides wildcard;
 *   addresses   drawn from a few "sites" per side (about n/16 random /16s,
 *               the first few picked far more often), the bits below /16,
 *               /24 or /28 of the site randomised: rules share and nest
 *               prefixes, so rules overlap and priority decides; first
 *               octets avoid 100/8, kept for misses;
 *   protocol    TCP 80 %, UDP 8 %, ICMP 3 %, any 9 % (ICMP and any: ports
 *               wildcard, as OpenFlow needs a TCP/UDP match for ports);
 *   source port wildcard 95 %, 1024-65535 5 %;
 *   destination port  exact 62 % (services[]), a narrow range of 10 to 100
 *               ports 13 %, wildcard 20 %, 1024-65535 3 %, 0-1023 2 %.
 * Rule i has priority n - i: no two rules tie, so every classifier has one
 * right answer.
 *
 * Flows.  As ClassBench's trace generator: each flow is a header built to
 * match a rule picked at random (addresses filled below the prefix, ports
 * within the ranges, a protocol for "any"), distinct 5-tuples only; a
 * fraction are built to miss every rule (both addresses in 100/8).
 *
 * Traces.  Uniform: each packet a flow picked uniformly.  Zipf: the flow of
 * rank k with probability proportional to 1/(k+1)^s.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_cls.h"

/* (source, destination) prefix lengths, percent */
static const struct {
	uint8_t src, dst, w;
} pairs[] = {
	{ 32, 32, 55 }, { 24, 32, 8 }, { 32, 24, 8 }, { 0, 32, 5 }, { 0, 24, 3 },
	{ 32, 28, 3 }, { 28, 32, 3 }, { 16, 24, 3 }, { 32, 30, 2 }, { 31, 32, 2 },
	{ 24, 16, 2 }, { 16, 16, 2 }, { 32, 0, 1 }, { 8, 32, 1 }, { 22, 32, 1 },
	{ 32, 22, 1 },
};
/* destination ports of exact rules: services, databases, RPC */
static const uint16_t services[] = {
	1521, 1526, 1221, 1433, 1525, 135, 80, 443, 53, 22, 25, 21, 20, 110,
	143, 123, 161, 389, 445, 3306, 3389, 5432, 8080, 5555, 6000, 1712,
	1704, 1711, 5540, 5541, 5631, 5632, 6789, 14753,
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static uint32_t prefix_mask(unsigned len)
{
	return len ? 0xffffffffu << (32 - len) : 0;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		cls_die("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

unsigned cls_range_prefixes(struct cls_range r, uint16_t *val, uint16_t *mask)
{
	uint32_t lo = r.lo, hi = r.hi;
	unsigned n = 0;

	/* the largest aligned block that starts at lo and stays in range */
	while (lo <= hi && n < CLS_MAX_PIECES) {
		uint32_t size = 1;

		while (size < 65536u && !(lo & size) && lo + size * 2 - 1 <= hi)
			size *= 2;
		val[n] = (uint16_t)lo;
		mask[n] = (uint16_t)~(size - 1);
		n++;
		lo += size;
	}
	return n;
}

/* ---- rules ---- */

/* A site: a random /16 whose first octet is 1-223 but not 100 or 127. */
static uint32_t new_site(struct cls_rng *g)
{
	uint32_t o;

	do
		o = 1 + cls_rng_below(g, 223);
	while (o == 100 || o == 127);
	return o << 24 | (cls_rng_below(g, 65536) << 8 & 0xffff00u) | cls_rng_below(g, 256);
}

static uint32_t rule_addr(struct cls_rng *g, const uint32_t *sites, uint32_t n_sites)
{
	static const unsigned keep[] = { 16, 24, 28 };
	double u = cls_rng_unit(g);
	uint32_t s = sites[(uint32_t)(u * u * u * n_sites)];
	uint32_t m = prefix_mask(keep[cls_rng_below(g, 3)]);

	return (s & m) | ((uint32_t)cls_rng_next(g) & ~m);
}

static struct cls_range any_port(void)
{
	return (struct cls_range){ 0, 65535 };
}

static struct cls_range exact(uint16_t p)
{
	return (struct cls_range){ p, p };
}

static struct cls_range src_port(struct cls_rng *g)
{
	if (cls_rng_below(g, 100) < 95)
		return any_port();
	return (struct cls_range){ 1024, 65535 };
}

static struct cls_range dst_port(struct cls_rng *g)
{
	uint32_t x = cls_rng_below(g, 100);

	if (x < 62)
		return exact(services[cls_rng_below(g, N_OF(services))]);
	if (x < 75) {
		uint16_t lo = (uint16_t)(1024 + cls_rng_below(g, 62000));

		return (struct cls_range){ lo, (uint16_t)(lo + 9 + cls_rng_below(g, 91)) };
	}
	if (x < 95)
		return any_port();
	if (x < 98)
		return (struct cls_range){ 1024, 65535 };
	return (struct cls_range){ 0, 1023 };
}

static void pick_lengths(struct cls_rng *g, struct cls_rule *r)
{
	uint32_t x = cls_rng_below(g, 100);

	for (size_t i = 0; i < N_OF(pairs); i++) {
		if (x < pairs[i].w || i + 1 == N_OF(pairs)) {
			r->src_len = pairs[i].src;
			r->dst_len = pairs[i].dst;
			return;
		}
		x -= pairs[i].w;
	}
}

void cls_rules_gen(struct cls_rules *rs, uint32_t n, uint64_t seed)
{
	struct cls_rng g = { seed * 0x2545f4914f6cdd1dull + 0x5eed };
	uint32_t n_sites = n / 16 + 8;
	uint32_t *ss = xcalloc(n_sites, sizeof(*ss)), *ds = xcalloc(n_sites, sizeof(*ds));

	for (uint32_t i = 0; i < n_sites; i++) {
		ss[i] = new_site(&g);
		ds[i] = new_site(&g);
	}
	rs->n = n;
	rs->r = xcalloc(n, sizeof(*rs->r));
	for (uint32_t i = 0; i < n; i++) {
		struct cls_rule *r = &rs->r[i];
		uint32_t p = cls_rng_below(&g, 100);

		pick_lengths(&g, r);
		r->src = rule_addr(&g, ss, n_sites) & prefix_mask(r->src_len);
		r->dst = rule_addr(&g, ds, n_sites) & prefix_mask(r->dst_len);
		r->proto = p < 80 ? 6 : p < 88 ? 17 : p < 91 ? 1 : 0;
		if (r->proto == 6 || r->proto == 17) {
			r->sp = src_port(&g);
			r->dp = dst_port(&g);
		} else {
			r->sp = r->dp = any_port();
		}
	}
	free(ss);
	free(ds);
}

void cls_rules_free(struct cls_rules *rs)
{
	free(rs->r);
	memset(rs, 0, sizeof(*rs));
}

static void ip_str(uint32_t a, char *b, size_t len)
{
	snprintf(b, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

void cls_rule_str(const struct cls_rule *r, char *buf, size_t len)
{
	char s[16], d[16];

	ip_str(r->src, s, sizeof(s));
	ip_str(r->dst, d, sizeof(d));
	snprintf(buf, len, "src %s/%u dst %s/%u sport %u-%u dport %u-%u proto %s%u", s,
		 r->src_len, d, r->dst_len, r->sp.lo, r->sp.hi, r->dp.lo, r->dp.hi,
		 r->proto ? "" : "any/", r->proto);
}

void cls_flow_str(const struct cls_flow *f, char *buf, size_t len)
{
	char s[16], d[16];

	ip_str(f->src, s, sizeof(s));
	ip_str(f->dst, d, sizeof(d));
	snprintf(buf, len, "%s:%u -> %s:%u proto %u", s, f->sp, d, f->dp, f->proto);
}

/* ---- flows ---- */

static uint16_t in_range(struct cls_rng *g, struct cls_range r)
{
	return (uint16_t)(r.lo + cls_rng_below(g, (uint32_t)r.hi - r.lo + 1));
}

static void flow_for(struct cls_rng *g, const struct cls_rule *r, struct cls_flow *f)
{
	static const uint8_t icmp_types[] = { 0, 3, 8, 11 };
	uint32_t sm = prefix_mask(r->src_len), dm = prefix_mask(r->dst_len);

	memset(f, 0, sizeof(*f));
	f->src = r->src | ((uint32_t)cls_rng_next(g) & ~sm);
	f->dst = r->dst | ((uint32_t)cls_rng_next(g) & ~dm);
	f->proto = r->proto;
	if (!f->proto) {
		uint32_t p = cls_rng_below(g, 10);

		f->proto = p < 6 ? 6 : p < 9 ? 17 : 1;
	}
	if (f->proto == 1) {
		f->sp = icmp_types[cls_rng_below(g, N_OF(icmp_types))];
		f->dp = f->sp == 3 ? (uint16_t)cls_rng_below(g, 16) : 0;
	} else if (r->sp.lo == 0 && r->sp.hi == 65535) {
		f->sp = (uint16_t)(1024 + cls_rng_below(g, 64512));   /* ephemeral */
		f->dp = in_range(g, r->dp);
	} else {
		f->sp = in_range(g, r->sp);
		f->dp = in_range(g, r->dp);
	}
}

static void flow_miss(struct cls_rng *g, struct cls_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->src = 100u << 24 | cls_rng_below(g, 1u << 24);
	f->dst = 100u << 24 | cls_rng_below(g, 1u << 24);
	f->proto = cls_rng_below(g, 2) ? 6 : 17;
	f->sp = (uint16_t)(1024 + cls_rng_below(g, 64512));
	f->dp = (uint16_t)cls_rng_below(g, 65536);
	f->miss = 1;
}

static uint64_t flow_hash(const struct cls_flow *f)
{
	uint64_t a = (uint64_t)f->src << 32 | f->dst;
	uint64_t b = (uint64_t)f->sp << 24 | (uint64_t)f->dp << 8 | f->proto;

	a = (a ^ (a >> 29)) * 0xbf58476d1ce4e5b9ull;
	a ^= b * 0x94d049bb133111ebull;
	return a ^ (a >> 32);
}

static bool flow_eq(const struct cls_flow *a, const struct cls_flow *b)
{
	return a->src == b->src && a->dst == b->dst && a->sp == b->sp && a->dp == b->dp &&
	       a->proto == b->proto;
}

void cls_flows_gen(struct cls_flows *fl, const struct cls_rules *rs, uint32_t n,
		   double miss_frac, uint64_t seed)
{
	struct cls_rng g = { seed * 0x9e3779b97f4a7c15ull + 0xf10e };
	uint32_t slots = 1, *set;
	uint64_t tries = 0;

	while (slots < 2 * n)
		slots *= 2;
	set = xcalloc(slots, sizeof(*set));          /* flow index + 1 */
	fl->f = xcalloc(n, sizeof(*fl->f));
	fl->n = fl->n_miss = 0;
	while (fl->n < n) {
		struct cls_flow *f = &fl->f[fl->n];
		bool miss = cls_rng_unit(&g) < miss_frac;
		uint32_t s;

		if (++tries > 64ull * n + 1000)
			cls_die("cannot make %u distinct flows from %u rules", n, rs->n);
		if (miss)
			flow_miss(&g, f);
		else
			flow_for(&g, &rs->r[cls_rng_below(&g, rs->n)], f);
		for (s = (uint32_t)flow_hash(f) & (slots - 1); set[s];
		     s = (s + 1) & (slots - 1))
			if (flow_eq(&fl->f[set[s] - 1], f))
				break;
		if (set[s])
			continue;               /* seen: draw another */
		set[s] = ++fl->n;
		fl->n_miss += miss;
	}
	free(set);
}

void cls_flows_free(struct cls_flows *fl)
{
	free(fl->f);
	memset(fl, 0, sizeof(*fl));
}

/* ---- traces ---- */

void cls_trace_uniform(struct cls_trace *t, uint32_t n_flows, uint32_t n, uint64_t seed)
{
	struct cls_rng g = { seed * 0xd1342543de82ef95ull + 0x0417 };

	t->n = n;
	t->flow = xcalloc(n, sizeof(*t->flow));
	for (uint32_t i = 0; i < n; i++)
		t->flow[i] = cls_rng_below(&g, n_flows);
}

void cls_trace_zipf(struct cls_trace *t, uint32_t n_flows, uint32_t n, double s,
		    uint64_t seed)
{
	struct cls_rng g = { seed * 0xd1342543de82ef95ull + 0x21bf };
	double *cdf = xcalloc(n_flows, sizeof(*cdf)), sum = 0;

	for (uint32_t k = 0; k < n_flows; k++) {
		sum += 1.0 / pow((double)k + 1.0, s);
		cdf[k] = sum;
	}
	t->n = n;
	t->flow = xcalloc(n, sizeof(*t->flow));
	for (uint32_t i = 0; i < n; i++) {
		double u = cls_rng_unit(&g) * sum;
		uint32_t lo = 0, hi = n_flows - 1;

		while (lo < hi) {               /* first k with cdf[k] > u */
			uint32_t mid = lo + (hi - lo) / 2;

			if (cdf[mid] > u)
				hi = mid;
			else
				lo = mid + 1;
		}
		t->flow[i] = lo;
	}
	free(cdf);
}

void cls_trace_free(struct cls_trace *t)
{
	free(t->flow);
	memset(t, 0, sizeof(*t));
}
