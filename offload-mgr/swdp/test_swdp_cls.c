/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_swdp_cls.c - the classifier (swdp_cls.c with its prefix tries,
 * swdp_trie.c) against a brute-force scan of its rules.
 *
 * Rounds of random rule sets in three tables: nw_src, nw_dst, tp_src and
 * tp_dst with CIDR masks of every length and non-CIDR masks, over a few
 * address families and port ranges whose prefixes nest (so that tries
 * branch, rules tie on a prefix and the walk leaves the trie at every
 * depth), plus random other fields (dl_type, nw_proto, in_port) and
 * priorities from a small set (ties: the lower id wins).  Rules are
 * inserted and removed in random order.  After every step:
 *   - each trie holds exactly the prefixes of its table's rules in CIDR
 *     subtables (node counts), and keeps its shape (a node without rules
 *     branches; a child extends its parent's prefix);
 *   - for random keys (on rules' values, moved a little, and anywhere), the
 *     lookup's rule is the scan's: highest priority, then lowest id;
 *   - the wildcards are sound (the megaflow property): keys that agree with
 *     the key on its wildcard mask get the same rule -- random ones, and
 *     for every wildcarded bit of the four trie fields the key with just
 *     that bit flipped (where an off-by-one in the bits a trie skip depends
 *     on would show).
 * Everything is removed at the end: the tries must be empty (and ASan sees
 * no node leak).
 *
 * Seeded: the seed is printed; SNIC_SEED=<seed> replays a run.
 */
#include <errno.h>
#include <time.h>

#include "snic_test.h"
#include "snic_test_fw.h"
#include "swdp_internal.h"

#define N_TABLES    3u
#define MAX_RULES   600u
#define ROUNDS      40u

static struct snic_rng rng;

static uint64_t rnd(void)
{
	return snic_rng_next(&rng);
}

static unsigned rn(unsigned n)
{
	return snic_rng_below(&rng, n);
}

static uint32_t pmask(unsigned plen)
{
	return plen ? ~0u << (32 - plen) : 0;
}

/* ---- random rules ---- */

static const uint32_t bases[] = {
	0x0a000000u, 0x0a000100u, 0x0a800000u, 0xc0a80000u, 0xc0a80101u, 0x00000000u,
	0xffffffffu,
};

/* An address near one of the families (a few random low bits flipped). */
static uint32_t near_addr(void)
{
	uint32_t a = bases[rn(sizeof(bases) / sizeof(bases[0]))];

	switch (rn(4)) {
	case 0:
		return a;
	case 1:
		return a ^ (uint32_t)rn(256);
	case 2:
		return a ^ (1u << rn(32));
	default:
		return a ^ ((uint32_t)rnd() & (pmask(rn(33)) ^ ~0u));
	}
}

static uint32_t gen_addr_mask(void)
{
	switch (rn(8)) {
	case 0:
		return 0;
	case 1:
		return ~0u;
	case 2:                             /* not CIDR */
		return (uint32_t)rnd() | 1u;
	case 3:
		return 0xff00ff00u;
	default:
		return pmask(rn(33));
	}
}

/* Ports: small ones, and the top of the range (as range expansions). */
static uint16_t near_port(void)
{
	switch (rn(4)) {
	case 0:
		return (uint16_t)rn(16);
	case 1:
		return (uint16_t)(0x400u << rn(6));
	case 2:
		return (uint16_t)(0xff00u | rn(256));
	default:
		return (uint16_t)rnd();
	}
}

static uint16_t gen_port_mask(void)
{
	switch (rn(6)) {
	case 0:
		return 0;
	case 1:
		return 0xffff;
	case 2:                             /* not CIDR */
		return (uint16_t)(rnd() | 1u);
	default:
		return (uint16_t)(0xffffu << rn(17));
	}
}

static void gen_match(union swdp_keyw *val, union swdp_keyw *mask)
{
	memset(val, 0, sizeof(*val));
	memset(mask, 0, sizeof(*mask));
	mask->k.nw_src = gen_addr_mask();
	mask->k.nw_dst = gen_addr_mask();
	val->k.nw_src = near_addr();
	val->k.nw_dst = near_addr();
	if (rn(2)) {
		mask->k.dl_type = 0xffff;
		val->k.dl_type = rn(4) ? 0x0800 : 0x0806;
	}
	if (rn(2)) {
		mask->k.nw_proto = 0xff;
		val->k.nw_proto = rn(2) ? 6 : 17;
	}
	mask->k.tp_dst = gen_port_mask();
	val->k.tp_dst = near_port();
	mask->k.tp_src = rn(2) ? 0 : gen_port_mask();
	val->k.tp_src = near_port();
	if (!rn(6)) {
		mask->k.in_port = ~0u;
		val->k.in_port = rn(3);
	}
	for (unsigned i = 0; i < SWDP_KEY_WORDS; i++)
		val->w[i] &= mask->w[i];
}

/* ---- the reference ---- */

struct ref {
	struct swdp_rule *r;        /* owned by the classifier */
	union swdp_keyw mask;
};

static struct ref live[MAX_RULES];
static unsigned n_live;
static uint32_t next_id = 1;

static const struct swdp_rule *scan(unsigned table, const union swdp_keyw *k)
{
	const struct swdp_rule *best = NULL;

	for (unsigned i = 0; i < n_live; i++) {
		const struct swdp_rule *r = live[i].r;
		bool match = true;

		for (unsigned w = 0; w < SWDP_KEY_WORDS; w++)
			match &= (k->w[w] & live[i].mask.w[w]) == r->val.w[w];
		if (r->table != table || !match)
			continue;
		if (!best || r->priority > best->priority ||
		    (r->priority == best->priority && r->id < best->id))
			best = r;
	}
	return best;
}

static void add_rule(struct swdp_cls *c)
{
	struct swdp_rule *r = calloc(1, sizeof(*r));
	union swdp_keyw val, mask;

	SNIC_REQUIRE(r, "out of memory");
	gen_match(&val, &mask);
	r->id = next_id++;
	r->table = (uint8_t)rn(N_TABLES);
	r->priority = (uint16_t)(rn(3) ? rn(4) : rn(1000));
	r->val = val;
	SNIC_REQUIRE(!swdp_cls_insert(c, r, &mask), "insert rule %u", r->id);
	live[n_live].r = r;
	live[n_live].mask = mask;
	n_live++;
}

static void del_rule(struct swdp_cls *c, unsigned i)
{
	SNIC_REQUIRE(swdp_cls_find(c, live[i].r->id) == live[i].r, "find rule %u",
		     live[i].r->id);
	swdp_cls_remove(c, live[i].r);
	live[i] = live[--n_live];
}

/* ---- the tries' shape and contents ---- */

static unsigned failures;

static uint64_t count_nodes(const struct swdp_trie_node *n, const struct swdp_trie_node *parent,
			    unsigned *bad)
{
	if (!n)
		return 0;
	if (!n->n_rules && !(n->child[0] && n->child[1]))
		(*bad)++;
	if (n->plen > 32)
		(*bad)++;
	if (n->prefix & ~pmask(n->plen))
		(*bad)++;
	if (parent && (n->plen <= parent->plen ||
		       ((n->prefix ^ parent->prefix) & pmask(parent->plen)) ||
		       parent->child[(n->prefix >> (31 - parent->plen)) & 1u] != n))
		(*bad)++;
	return n->n_rules + count_nodes(n->child[0], n, bad) + count_nodes(n->child[1], n, bad);
}

static void check_tries(const struct swdp_cls *c)
{
	for (unsigned t = 0; t < N_TABLES; t++) {
		for (unsigned f = 0; f < SWDP_N_TRIES; f++) {
			uint64_t want = 0;
			unsigned bad = 0;
			uint64_t got = count_nodes(c->tables[t].tries[f].root, NULL, &bad);

			for (unsigned i = 0; i < n_live; i++) {
				unsigned plen = swdp_mask_plen(swdp_trie_field(&live[i].mask, f));

				if (live[i].r->table == t && plen >= 1 && plen <= 32)
					want++;
			}
			if ((got != want || bad) && failures++ < 10)
				SNIC_CHECK(got == want && !bad, "table %u trie %u: %llu rules "
					   "in nodes, want %llu; %u malformed nodes", t, f,
					   (unsigned long long)got, (unsigned long long)want, bad);
		}
	}
}

/* ---- lookups ---- */

static void gen_key_free(union swdp_keyw *k)
{
	k->k.nw_src = rn(2) ? near_addr() : (uint32_t)rnd();
	k->k.nw_dst = rn(2) ? near_addr() : (uint32_t)rnd();
	if (rn(3))
		k->k.dl_type = rn(4) ? 0x0800 : 0x0806;
	if (rn(3))
		k->k.nw_proto = rn(2) ? 6 : 17;
	k->k.tp_dst = near_port();
	k->k.tp_src = near_port();
	if (rn(4))
		k->k.in_port = rn(3);
}

static void gen_key(union swdp_keyw *k)
{
	memset(k, 0, sizeof(*k));
	if (n_live && rn(4)) {
		const struct ref *x = &live[rn(n_live)];

		/* on a rule (wildcarded bits from a near key), then moved a little */
		gen_key_free(k);
		for (unsigned w = 0; w < SWDP_KEY_WORDS; w++)
			k->w[w] = x->r->val.w[w] | (k->w[w] & ~x->mask.w[w]);
		switch (rn(6)) {
		case 0:
			k->k.nw_src ^= rn(2) ? (uint32_t)rn(256) : 1u << rn(32);
			break;
		case 1:
			k->k.nw_dst ^= rn(2) ? (uint32_t)rn(256) : 1u << rn(32);
			break;
		case 2:
			k->k.tp_dst ^= (uint16_t)(1u << rn(16));
			break;
		case 3:
			k->k.tp_src ^= (uint16_t)(1u << rn(16));
			break;
		}
	} else {
		gen_key_free(k);
	}
}

static int rid(const struct swdp_rule *r)
{
	return r ? (int)r->id : -1;
}

static void expect_same(unsigned t, const union swdp_keyw *k2, const struct swdp_rule *r,
			const char *how)
{
	const struct swdp_rule *r2 = scan(t, k2);

	if (r2 != r && failures++ < 10)
		SNIC_CHECK(r2 == r, "table %u: wildcards unsound (%s): rule %d, a key "
			   "agreeing on them (nw_src %08x nw_dst %08x) hits %d", t, how,
			   rid(r), k2->k.nw_src, k2->k.nw_dst, rid(r2));
}

static uint64_t n_lookups, n_hits, src_bits, dst_bits;

static void check_lookups(const struct swdp_cls *c, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned t = rn(N_TABLES);
		union swdp_keyw k, k2, wc;
		const struct swdp_rule *r, *want;

		gen_key(&k);
		memset(&wc, 0, sizeof(wc));
		r = swdp_cls_lookup(c, t, &k, &wc);
		want = scan(t, &k);
		n_lookups++;
		n_hits += r != NULL;
		src_bits += (unsigned)__builtin_popcount(wc.k.nw_src);
		dst_bits += (unsigned)__builtin_popcount(wc.k.nw_dst);
		if (r != want && failures++ < 10)
			SNIC_CHECK(r == want, "table %u key nw_src %08x nw_dst %08x: rule %d, "
				   "the scan says %d", t, k.k.nw_src, k.k.nw_dst, rid(r),
				   rid(want));
		/* random keys that agree with k on wc */
		for (unsigned j = 0; j < 8; j++) {
			for (unsigned w = 0; w < SWDP_KEY_WORDS; w++)
				k2.w[w] = (k.w[w] & wc.w[w]) | (rnd() & ~wc.w[w]);
			expect_same(t, &k2, r, "random");
			/* only the addresses' wildcarded bits */
			k2 = k;
			k2.k.nw_src ^= (uint32_t)rnd() & ~wc.k.nw_src;
			k2.k.nw_dst ^= (uint32_t)rnd() & ~wc.k.nw_dst;
			expect_same(t, &k2, r, "addresses");
		}
		/* every wildcarded address bit, alone */
		for (unsigned b = 0; b < 32; b++) {
			uint32_t bit = 1u << b;

			k2 = k;
			if (!(wc.k.nw_src & bit)) {
				k2.k.nw_src ^= bit;
				expect_same(t, &k2, r, "one nw_src bit");
				k2.k.nw_src ^= bit;
			}
			if (!(wc.k.nw_dst & bit)) {
				k2.k.nw_dst ^= bit;
				expect_same(t, &k2, r, "one nw_dst bit");
				k2.k.nw_dst ^= bit;
			}
			if (b < 16 && !(wc.k.tp_src & bit)) {
				k2.k.tp_src ^= (uint16_t)bit;
				expect_same(t, &k2, r, "one tp_src bit");
				k2.k.tp_src ^= (uint16_t)bit;
			}
			if (b < 16 && !(wc.k.tp_dst & bit)) {
				k2.k.tp_dst ^= (uint16_t)bit;
				expect_same(t, &k2, r, "one tp_dst bit");
			}
		}
	}
}

static void test_plen(void)
{
	SNIC_CHECK_EQ(swdp_mask_plen(0), 0, "plen of 0");
	SNIC_CHECK_EQ(swdp_mask_plen(~0u), 32, "plen of /32");
	SNIC_CHECK_EQ(swdp_mask_plen(0xffffff00u), 24, "plen of /24");
	SNIC_CHECK_EQ(swdp_mask_plen(0x80000000u), 1, "plen of /1");
	SNIC_CHECK_EQ(swdp_mask_plen(0xff00ff00u), SWDP_PLEN_NONE, "not CIDR");
	SNIC_CHECK_EQ(swdp_mask_plen(0x000000ffu), SWDP_PLEN_NONE, "low bits");
	SNIC_CHECK_EQ(swdp_mask_plen(0x7fffffffu), SWDP_PLEN_NONE, "no top bit");
}

/* A trie by hand: lengths on a path and how far the walk looked. */
static void test_trie_walk(void)
{
	struct swdp_trie t = { NULL };
	unsigned end;
	uint64_t lens;

	lens = swdp_trie_lookup(&t, 0x0a000001u, &end);
	SNIC_CHECK(lens == 0 && end == 0, "empty trie: %llx, end %u",
		   (unsigned long long)lens, end);
	SNIC_REQUIRE(!swdp_trie_insert(&t, 0x0a000000u, 8) &&
		     !swdp_trie_insert(&t, 0x0a010000u, 16) &&
		     !swdp_trie_insert(&t, 0x0a010000u, 16) &&
		     !swdp_trie_insert(&t, 0x0a020000u, 16) &&
		     !swdp_trie_insert(&t, 0x0a010203u, 32), "insert");
	lens = swdp_trie_lookup(&t, 0x0a010203u, &end);
	SNIC_CHECK(lens == (1ull << 8 | 1ull << 16 | 1ull << 32) && end == 32,
		   "10.1.2.3: %llx, end %u", (unsigned long long)lens, end);
	lens = swdp_trie_lookup(&t, 0x0a010204u, &end);
	/* 10.1.2.4 leaves 10.1.2.3/32 at bit 29 */
	SNIC_CHECK(lens == (1ull << 8 | 1ull << 16) && end == 30,
		   "10.1.2.4: %llx, end %u", (unsigned long long)lens, end);
	lens = swdp_trie_lookup(&t, 0x0b000000u, &end);
	/* 11/8 leaves 10/8 at bit 7 */
	SNIC_CHECK(lens == 0 && end == 8, "11.0.0.0: %llx, end %u",
		   (unsigned long long)lens, end);
	lens = swdp_trie_lookup(&t, 0x0a030000u, &end);
	/* 10.3: 10/8, then the fork of 10.1/16 and 10.2/16 at /14 */
	SNIC_CHECK(lens == 1ull << 8 && end == 16, "10.3.0.0: %llx, end %u",
		   (unsigned long long)lens, end);
	swdp_trie_remove(&t, 0x0a010000u, 16);
	lens = swdp_trie_lookup(&t, 0x0a010203u, &end);
	SNIC_CHECK(lens == (1ull << 8 | 1ull << 16 | 1ull << 32), "one of two 10.1/16 "
		   "removed: %llx", (unsigned long long)lens);
	swdp_trie_remove(&t, 0x0a010000u, 16);
	lens = swdp_trie_lookup(&t, 0x0a010203u, &end);
	SNIC_CHECK(lens == (1ull << 8 | 1ull << 32), "both 10.1/16 removed: %llx",
		   (unsigned long long)lens);
	swdp_trie_remove(&t, 0x0a000000u, 8);
	swdp_trie_remove(&t, 0x0a020000u, 16);
	swdp_trie_remove(&t, 0x0a010203u, 32);
	SNIC_CHECK(t.root == NULL, "all removed: empty");
	swdp_trie_destroy(&t);
}

int main(void)
{
	const char *seed_env = getenv("SNIC_SEED");
	uint64_t seed = seed_env ? strtoull(seed_env, NULL, 0) :
			(uint64_t)time(NULL) ^ (uint64_t)getpid() << 20;
	struct swdp_cls c;

	printf("test_swdp_cls: seed %llu (SNIC_SEED=%llu replays)\n",
	       (unsigned long long)seed, (unsigned long long)seed);
	rng.s = seed ? seed : 1;
	test_plen();
	test_trie_walk();
	SNIC_REQUIRE(!swdp_cls_init(&c), "init");
	for (unsigned round = 0; round < ROUNDS && failures < 10; round++) {
		unsigned target = 1 + rn(round & 1 ? MAX_RULES : 40);

		/* grow towards target with some removals, then shrink */
		while (n_live < target) {
			add_rule(&c);
			if (n_live > 2 && !rn(5))
				del_rule(&c, rn(n_live));
			if (!rn(25)) {
				check_tries(&c);
				check_lookups(&c, 20);
			}
		}
		check_tries(&c);
		check_lookups(&c, 400);
		while (n_live > target / 3) {
			del_rule(&c, rn(n_live));
			if (!rn(25)) {
				check_tries(&c);
				check_lookups(&c, 20);
			}
		}
		check_tries(&c);
		check_lookups(&c, 200);
	}
	while (n_live)
		del_rule(&c, rn(n_live));
	check_tries(&c);
	for (unsigned t = 0; t < N_TABLES; t++) {
		bool empty = !c.tables[t].n_st;

		for (unsigned f = 0; f < SWDP_N_TRIES; f++)
			empty &= !c.tables[t].tries[f].root;
		SNIC_CHECK(empty, "table %u empty at the end", t);
	}
	swdp_cls_fini(&c);
	printf("%llu lookups, %llu hits; wildcards: %.1f nw_src bits, %.1f nw_dst bits "
	       "on average\n", (unsigned long long)n_lookups, (unsigned long long)n_hits,
	       n_lookups ? (double)src_bits / (double)n_lookups : 0.0,
	       n_lookups ? (double)dst_bits / (double)n_lookups : 0.0);
	SNIC_CHECK(failures == 0, "%u mismatches (the first 10 reported above)", failures);
	SNIC_CHECK(n_hits * 4 > n_lookups, "keys hit rules often enough (%llu of %llu)",
		   (unsigned long long)n_hits, (unsigned long long)n_lookups);
	return snic_test_done();
}
