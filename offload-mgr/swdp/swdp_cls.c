/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * swdp_cls.c - the rules, in a tuple-space-search classifier per table (as
 * Open vSwitch's lib/classifier.c): one subtable per distinct mask, each a
 * hash table of the rules' masked values; a table's subtables are kept in
 * order of their highest rule priority, and a lookup stops at the first
 * subtable that cannot hold a better rule than the best found.  Better:
 * higher priority, then lower rule id.
 *
 * The lookup reports the masks of the subtables it probed: the bits of the
 * key its answer depends on (a subtable it skipped could not have changed
 * the answer whatever the key), which is what makes megaflows correct.
 *
 * Prefix tries (swdp_trie.c), as Open vSwitch's: per table, one trie per
 * field of nw_src, nw_dst, tp_src and tp_dst over the prefixes of the
 * rules whose subtable has a CIDR mask of length >= 1 on that field.  A
 * lookup walks a field's trie (once, when the first subtable that could be
 * skipped by it comes up) and learns which prefix lengths some rule has on
 * the key's path; a subtable whose length is not among them cannot match
 * and is not probed.  Its mask is then not ORed into wc; instead the top
 * min(L, end) bits of the field are (L: the subtable's length, end: the
 * bits the walk looked at, through the one where it left the trie), which
 * every key that takes the same skip agrees on.  That count is rounded up
 * to TRIE_WC_STEP bits so that megaflows come in few distinct masks (the
 * megaflow cache probes each mask in turn).  A table uses a field's trie
 * only when that field's subtables have two or more prefix lengths; the
 * summaries (swdp_table.sum, parallel to st) carry the lengths a lookup
 * reads, so subtables passed over cost no cache miss.  Tries are updated
 * on insert and remove (O(32) each, at most two nodes allocated).
 *
 * A subtable's hash table is open-addressed (linear probing, at most half
 * full, backward-shift deletion) and keeps each rule's hash next to its
 * slot, so a probe that misses touches no rule.  Rules live in slots
 * (stable indexes, reused after removal) so that cached programs can name
 * them; an id hash (chained) finds a rule by the caller's id.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "swdp_internal.h"

#define CLS_SEED 0x5bd1e9955bd1e995ull
_Static_assert(SWDP_N_TRIES == 4, "trie_skip reads a summary's lengths as one word");
/* Trie skips un-wildcard a field's top bits in multiples of this: coarser
 * megaflows masks are fewer (8: at most 5 per address field). */
#define TRIE_WC_STEP 8u

static bool better(const struct swdp_rule *a, const struct swdp_rule *b)
{
	return !b || a->priority > b->priority ||
	       (a->priority == b->priority && a->id < b->id);
}

static uint32_t id_bucket(const struct swdp_cls *c, uint32_t id)
{
	return (uint32_t)((id * 0x9e3779b97f4a7c15ull) >> 32) & (c->n_id_buckets - 1);
}

static int32_t *alloc_buckets(uint32_t n)
{
	int32_t *b = malloc(n * sizeof(*b));

	if (b)
		memset(b, 0xff, n * sizeof(*b));        /* -1 */
	return b;
}

int swdp_cls_init(struct swdp_cls *c)
{
	memset(c, 0, sizeof(*c));
	c->n_id_buckets = 64;
	c->id_buckets = alloc_buckets(c->n_id_buckets);
	return c->id_buckets ? 0 : -ENOMEM;
}

static void rule_free(struct swdp_rule *r)
{
	if (r) {
		free(r->actions);
		free(r);
	}
}

static void subtable_free(struct swdp_subtable *st)
{
	free(st->buckets);
	free(st->pris);
	free(st);
}

void swdp_cls_fini(struct swdp_cls *c)
{
	for (unsigned t = 0; t < SWDP_N_TABLES; t++) {
		for (uint32_t i = 0; i < c->tables[t].n_st; i++)
			subtable_free(c->tables[t].st[i]);
		free(c->tables[t].st);
		free(c->tables[t].sum);
		for (unsigned f = 0; f < SWDP_N_TRIES; f++)
			swdp_trie_destroy(&c->tables[t].tries[f]);
	}
	for (uint32_t i = 0; i < c->n_slots; i++)
		rule_free(c->rules[i]);
	free(c->rules);
	free(c->free_slots);
	free(c->id_buckets);
	memset(c, 0, sizeof(*c));
}

struct swdp_rule *swdp_cls_find(const struct swdp_cls *c, uint32_t id)
{
	for (int32_t s = c->id_buckets[id_bucket(c, id)]; s >= 0; s = c->rules[s]->id_next)
		if (c->rules[s]->id == id)
			return c->rules[s];
	return NULL;
}

/* ---- growth (control path only) ---- */

static int grow_ids(struct swdp_cls *c)
{
	uint32_t n = c->n_id_buckets * 2;
	int32_t *b = alloc_buckets(n);

	if (!b)
		return -ENOMEM;
	free(c->id_buckets);
	c->id_buckets = b;
	c->n_id_buckets = n;
	for (uint32_t s = 0; s < c->n_slots; s++) {
		struct swdp_rule *r = c->rules[s];
		uint32_t h;

		if (!r)
			continue;
		h = id_bucket(c, r->id);
		r->id_next = b[h];
		b[h] = (int32_t)s;
	}
	return 0;
}

static struct swdp_bucket *alloc_table(uint32_t n)
{
	struct swdp_bucket *b = malloc(n * sizeof(*b));

	for (uint32_t i = 0; b && i < n; i++)
		b[i] = (struct swdp_bucket){ 0, -1, 0 };
	return b;
}

static void st_put(struct swdp_subtable *st, uint64_t hash, int32_t slot)
{
	uint32_t m = st->n_buckets - 1, i = (uint32_t)hash & m;

	while (st->buckets[i].slot >= 0)
		i = (i + 1) & m;
	st->buckets[i] = (struct swdp_bucket){ hash, slot, 0 };
}

static int grow_subtable(struct swdp_subtable *st)
{
	struct swdp_bucket *old = st->buckets;
	uint32_t n = st->n_buckets;

	st->buckets = alloc_table(n * 2);
	if (!st->buckets) {
		st->buckets = old;
		return -ENOMEM;
	}
	st->n_buckets = n * 2;
	for (uint32_t i = 0; i < n; i++)
		if (old[i].slot >= 0)
			st_put(st, old[i].hash, old[i].slot);
	free(old);
	return 0;
}

/* Remove slot's entry, shifting back the entries after it that would
 * otherwise become unreachable. */
static void st_del(struct swdp_subtable *st, uint64_t hash, int32_t slot)
{
	uint32_t m = st->n_buckets - 1, i = (uint32_t)hash & m, j;

	while (st->buckets[i].slot != slot)
		i = (i + 1) & m;
	for (j = i;;) {
		uint32_t home;

		j = (j + 1) & m;
		if (st->buckets[j].slot < 0)
			break;
		home = (uint32_t)st->buckets[j].hash & m;
		/* j's entry may move to i unless its home lies in (i, j] */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		st->buckets[i] = st->buckets[j];
		i = j;
	}
	st->buckets[i].slot = -1;
}

/* A free slot for a rule, growing the arrays when needed. */
static int take_slot(struct swdp_cls *c, uint32_t *slot)
{
	if (c->n_free) {
		*slot = c->free_slots[--c->n_free];
		return 0;
	}
	if (c->n_slots == c->cap_slots) {
		uint32_t n = c->cap_slots ? c->cap_slots * 2 : 64;
		struct swdp_rule **r = realloc(c->rules, n * sizeof(*r));
		uint32_t *f;

		if (!r)
			return -ENOMEM;
		c->rules = r;
		f = realloc(c->free_slots, n * sizeof(*f));
		if (!f)
			return -ENOMEM;
		c->free_slots = f;
		c->cap_slots = n;
	}
	*slot = c->n_slots++;
	c->rules[*slot] = NULL;
	return 0;
}

/* A prefix length the tries keep (0 and non-CIDR masks: never skipped). */
static bool in_trie(unsigned plen)
{
	return plen - 1u < 32u;
}


/* Un-wildcard the top n bits of trie f's field. */
static void trie_unwildcard(union swdp_keyw *wc, unsigned f, unsigned n)
{
	uint32_t m = n ? ~0u << (32 - n) : 0;

	switch (f) {
	case SWDP_TRIE_SRC:
		wc->k.nw_src |= m;
		break;
	case SWDP_TRIE_DST:
		wc->k.nw_dst |= m;
		break;
	case SWDP_TRIE_TP_SRC:
		wc->k.tp_src |= (uint16_t)(m >> 16);
		break;
	default:
		wc->k.tp_dst |= (uint16_t)(m >> 16);
		break;
	}
}

/* ---- priorities of a subtable ---- */

static uint16_t st_max(const struct swdp_subtable *st)
{
	return st->max_pri;
}

static void set_max(struct swdp_subtable *st)
{
	st->max_pri = st->n_pris ? st->pris[0].pri : 0;
}

static int pri_add(struct swdp_subtable *st, uint16_t pri)
{
	uint32_t i = 0;

	while (i < st->n_pris && st->pris[i].pri > pri)
		i++;
	if (i < st->n_pris && st->pris[i].pri == pri) {
		st->pris[i].n++;
		set_max(st);
		return 0;
	}
	if (st->n_pris == st->cap_pris) {
		uint32_t n = st->cap_pris ? st->cap_pris * 2 : 4;
		struct swdp_pri *p = realloc(st->pris, n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		st->pris = p;
		st->cap_pris = n;
	}
	memmove(&st->pris[i + 1], &st->pris[i], (st->n_pris - i) * sizeof(*st->pris));
	st->pris[i] = (struct swdp_pri){ pri, 1 };
	st->n_pris++;
	set_max(st);
	return 0;
}

static void pri_del(struct swdp_subtable *st, uint16_t pri)
{
	for (uint32_t i = 0; i < st->n_pris; i++) {
		if (st->pris[i].pri != pri)
			continue;
		if (--st->pris[i].n == 0) {
			memmove(&st->pris[i], &st->pris[i + 1],
				(st->n_pris - i - 1) * sizeof(*st->pris));
			st->n_pris--;
			set_max(st);
		}
		return;
	}
}

/*
 * Refresh t's summaries of its subtables.  A trie is used only when its
 * field's subtables have at least two prefix lengths (1..32) between them:
 * with one, the trie could only tell what the probe of that subtable tells
 * anyway, at the cost of a walk; summaries then show length 0 (never
 * skipped) for that field.
 */
static void sync_sums(struct swdp_table *t)
{
	uint64_t lens[SWDP_N_TRIES] = { 0 };

	for (uint32_t i = 0; i < t->n_st; i++)
		for (unsigned f = 0; f < SWDP_N_TRIES; f++)
			if (in_trie(t->st[i]->plen[f]))
				lens[f] |= 1ull << t->st[i]->plen[f];
	for (uint32_t i = 0; i < t->n_st; i++) {
		struct swdp_st_sum *s = &t->sum[i];

		s->max_pri = t->st[i]->max_pri;
		for (unsigned f = 0; f < SWDP_N_TRIES; f++)
			s->plen[f] = __builtin_popcountll(lens[f]) > 1 &&
				     in_trie(t->st[i]->plen[f]) ? t->st[i]->plen[f] : 0;
	}
}

/* Restore the order of t's subtables after st's highest priority changed. */
static void resort(struct swdp_table *t)
{
	/* insertion sort: one element is out of place, the arrays are small */
	for (uint32_t i = 1; i < t->n_st; i++) {
		struct swdp_subtable *x = t->st[i];
		uint32_t j = i;

		while (j > 0 && st_max(t->st[j - 1]) < st_max(x)) {
			t->st[j] = t->st[j - 1];
			j--;
		}
		t->st[j] = x;
	}
	sync_sums(t);
}

static struct swdp_subtable *subtable_get(struct swdp_table *t,
					  const union swdp_keyw *mask)
{
	struct swdp_subtable *st;

	for (uint32_t i = 0; i < t->n_st; i++)
		if (swdp_key_eq(&t->st[i]->mask.m, mask))
			return t->st[i];
	if (t->n_st == t->cap_st) {
		uint32_t n = t->cap_st ? t->cap_st * 2 : 4;
		struct swdp_subtable **a = realloc(t->st, n * sizeof(*a));
		struct swdp_st_sum *sum;

		if (!a)
			return NULL;
		t->st = a;
		sum = realloc(t->sum, n * sizeof(*sum));
		if (!sum)
			return NULL;
		t->sum = sum;
		t->cap_st = n;
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->n_buckets = 16;
	st->buckets = alloc_table(st->n_buckets);
	if (!st->buckets) {
		free(st);
		return NULL;
	}
	swdp_mask_init(&st->mask, mask);
	for (unsigned f = 0; f < SWDP_N_TRIES; f++)
		st->plen[f] = (uint8_t)swdp_mask_plen(swdp_trie_field(mask, f));
	t->st[t->n_st++] = st;          /* empty: sorts last */
	sync_sums(t);
	return st;
}

static void subtable_drop_if_empty(struct swdp_table *t, struct swdp_subtable *st)
{
	if (st->n_rules)
		return;
	for (uint32_t i = 0; i < t->n_st; i++) {
		if (t->st[i] == st) {
			memmove(&t->st[i], &t->st[i + 1], (t->n_st - i - 1) * sizeof(*t->st));
			t->n_st--;
			sync_sums(t);
			break;
		}
	}
	subtable_free(st);
}

/* ---- the tries ---- */


static int tries_add(struct swdp_table *t, const struct swdp_subtable *st,
		     const union swdp_keyw *val)
{
	for (unsigned f = 0; f < SWDP_N_TRIES; f++) {
		if (!in_trie(st->plen[f]) ||
		    !swdp_trie_insert(&t->tries[f], swdp_trie_field(val, f), st->plen[f]))
			continue;
		while (f--)
			if (in_trie(st->plen[f]))
				swdp_trie_remove(&t->tries[f], swdp_trie_field(val, f), st->plen[f]);
		return -ENOMEM;
	}
	return 0;
}

static void tries_del(struct swdp_table *t, const struct swdp_subtable *st,
		      const union swdp_keyw *val)
{
	for (unsigned f = 0; f < SWDP_N_TRIES; f++)
		if (in_trie(st->plen[f]))
			swdp_trie_remove(&t->tries[f], swdp_trie_field(val, f), st->plen[f]);
}

int swdp_cls_insert(struct swdp_cls *c, struct swdp_rule *r,
		    const union swdp_keyw *mask)
{
	struct swdp_table *t = &c->tables[r->table];
	struct swdp_subtable *st;
	uint32_t slot, h;

	if ((c->n_rules + 1) * 2 > c->n_id_buckets && grow_ids(c))
		return -ENOMEM;
	st = subtable_get(t, mask);
	if (!st)
		return -ENOMEM;
	if (take_slot(c, &slot)) {
		subtable_drop_if_empty(t, st);
		return -ENOMEM;
	}
	if (((st->n_rules + 1) * 2 > st->n_buckets && grow_subtable(st)) ||
	    tries_add(t, st, &r->val)) {
		c->free_slots[c->n_free++] = slot;
		subtable_drop_if_empty(t, st);
		return -ENOMEM;
	}
	if (pri_add(st, r->priority)) {
		tries_del(t, st, &r->val);
		c->free_slots[c->n_free++] = slot;
		subtable_drop_if_empty(t, st);
		return -ENOMEM;
	}
	r->slot = slot;
	r->st = st;
	r->hash = swdp_hash_masked(&r->val, &st->mask, CLS_SEED);
	st_put(st, r->hash, (int32_t)slot);
	st->n_rules++;
	c->rules[slot] = r;
	h = id_bucket(c, r->id);
	r->id_next = c->id_buckets[h];
	c->id_buckets[h] = (int32_t)slot;
	c->n_rules++;
	resort(t);
	return 0;
}

static void unlink_id(struct swdp_cls *c, uint32_t slot)
{
	for (int32_t *p = &c->id_buckets[id_bucket(c, c->rules[slot]->id)]; *p >= 0;
	     p = &c->rules[*p]->id_next) {
		if ((uint32_t)*p == slot) {
			*p = c->rules[slot]->id_next;
			return;
		}
	}
}

void swdp_cls_remove(struct swdp_cls *c, struct swdp_rule *r)
{
	struct swdp_table *t = &c->tables[r->table];
	struct swdp_subtable *st = r->st;

	st_del(st, r->hash, (int32_t)r->slot);
	unlink_id(c, r->slot);
	st->n_rules--;
	pri_del(st, r->priority);
	tries_del(t, st, &r->val);
	c->rules[r->slot] = NULL;
	c->free_slots[c->n_free++] = r->slot;
	c->n_rules--;
	subtable_drop_if_empty(t, st);
	resort(t);
	rule_free(r);
}

/* What the tries told one lookup: per field, walked yet, the prefix
 * lengths on the key's path, how many top bits the walk looked at, and how
 * many top bits the skips so far depend on. */
struct trie_ctx {
	uint64_t lens[SWDP_N_TRIES];
	uint8_t walked[SWDP_N_TRIES], end[SWDP_N_TRIES], need[SWDP_N_TRIES];
};

/*
 * Can st hold no rule for key, by the tries?  Skipping on a trie's answer
 * for length L depends on the key's top min(L, end) bits of the field: bit
 * L of the answer is a function of the top L bits, and every address that
 * agrees on the walk's `end` bits takes the same path.
 */
static bool trie_skip(const struct swdp_table *t, const struct swdp_st_sum *st,
		      const union swdp_keyw *key, struct trie_ctx *x)
{
	uint32_t any;

	memcpy(&any, st->plen, sizeof(any));
	if (!any)
		return false;           /* the common case without tries */
	for (unsigned f = 0; f < SWDP_N_TRIES; f++) {
		unsigned plen = st->plen[f], n;

		if (!plen)
			continue;
		if (!x->walked[f]) {
			unsigned end;

			x->lens[f] = swdp_trie_lookup(&t->tries[f], swdp_trie_field(key, f), &end);
			x->end[f] = (uint8_t)end;
			x->walked[f] = 1;
		}
		if ((x->lens[f] >> plen) & 1u)
			continue;
		n = plen < x->end[f] ? plen : x->end[f];
		n = (n + TRIE_WC_STEP - 1) / TRIE_WC_STEP * TRIE_WC_STEP;
		if (n > x->need[f])
			x->need[f] = (uint8_t)n;
		return true;
	}
	return false;
}

const struct swdp_rule *swdp_cls_lookup(const struct swdp_cls *c, unsigned table,
					const union swdp_keyw *key,
					union swdp_keyw *wc)
{
	const struct swdp_table *t = &c->tables[table];
	const struct swdp_rule *best = NULL;
	struct trie_ctx x;

	memset(x.walked, 0, sizeof(x.walked));
	memset(x.need, 0, sizeof(x.need));
	for (uint32_t i = 0; i < t->n_st; i++) {
		const struct swdp_subtable *st;
		uint64_t h;

		/* sorted: no later subtable has a rule that could win */
		if (best && t->sum[i].max_pri < best->priority)
			break;
		if (trie_skip(t, &t->sum[i], key, &x))
			continue;
		st = t->st[i];
		for (unsigned w = 0; w < st->mask.n_words; w++)
			wc->w[st->mask.words[w]] |= st->mask.m.w[st->mask.words[w]];
		h = swdp_hash_masked(key, &st->mask, CLS_SEED);
		for (uint32_t m = st->n_buckets - 1, b = (uint32_t)h & m;
		     st->buckets[b].slot >= 0; b = (b + 1) & m) {
			const struct swdp_rule *r;

			if (st->buckets[b].hash != h)
				continue;
			r = c->rules[st->buckets[b].slot];
			if (swdp_masked_eq(key, &st->mask, &r->val) && better(r, best))
				best = r;
		}
	}
	for (unsigned f = 0; f < SWDP_N_TRIES; f++)
		if (x.need[f])
			trie_unwildcard(wc, f, x.need[f]);
	return best;
}
