/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * swdp_cache.c - the megaflow cache and the exact-match cache (EMC), as in
 * Open vSwitch's userspace datapath (dpif-netdev's dpcls and EMC).
 *
 * Megaflows.  A translation depends on some bits of the key only (its
 * wildcard mask); the megaflow cache keeps its program under (mask, key &
 * mask).  Distinct masks are few; a lookup tries each (most-hit first),
 * hashing the key under it and probing one open-addressing table shared by
 * all masks.  Programs are copied into an op pool.
 *
 * EMC.  A 2-way set-associative table from a whole key (and its hash) to a
 * megaflow: two probes at most, no masking.
 *
 * Generations.  Every entry records the generation it was made in; only the
 * current generation's entries are valid.  swdp_cache_flush() starts a new
 * generation in O(1): the megaflow table, the masks and the op pool start
 * over, and every EMC entry (which names a megaflow by index) becomes stale
 * with them.  Within a generation megaflows are never removed or moved, so
 * a probe may stop at the first invalid slot and an EMC entry's index stays
 * right.  When the megaflows, masks or ops of a generation run out, the
 * cache is flushed (an OVS datapath would evict instead).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "swdp_internal.h"

#define MF_SEED        0x9ae16a3b2f90404full
#define MAX_MASKS      256u
#define OPS_PER_MF     16u      /* op pool: this many per megaflow */
#define REORDER_EVERY  4096u    /* lookups between re-orderings of masks */

int swdp_cache_init(struct swdp_cache *c, uint32_t megaflows, uint32_t emc)
{
	memset(c, 0, sizeof(*c));
	c->gen = 1;
	c->max_mf = megaflows;
	c->mf_slots = megaflows * 2;
	c->max_masks = MAX_MASKS;
	c->max_pool = megaflows * OPS_PER_MF;
	c->mf = calloc(c->mf_slots, sizeof(*c->mf));
	c->masks = calloc(c->max_masks, sizeof(*c->masks));
	c->order = calloc(c->max_masks, sizeof(*c->order));
	c->pool = calloc(c->max_pool, sizeof(*c->pool));
	if (emc) {
		c->emc_slots = emc;
		c->emc = calloc(emc, sizeof(*c->emc));
	}
	if (!c->mf || !c->masks || !c->order || !c->pool || (emc && !c->emc)) {
		swdp_cache_fini(c);
		return -ENOMEM;
	}
	return 0;
}

void swdp_cache_fini(struct swdp_cache *c)
{
	free(c->mf);
	free(c->masks);
	free(c->order);
	free(c->pool);
	free(c->emc);
	memset(c, 0, sizeof(*c));
}

void swdp_cache_flush(struct swdp_cache *c)
{
	c->gen++;
	c->n_masks = 0;
	c->n_mf = 0;
	c->n_pool = 0;
	c->lookups = 0;
}

const struct swdp_mf *swdp_emc_lookup(const struct swdp_cache *c,
				      const union swdp_keyw *key, uint64_t hash)
{
	if (!c->emc)
		return NULL;
	for (unsigned w = 0; w < 2; w++) {
		const struct swdp_emc *e = swdp_emc_way(c, hash, w);

		if (e->gen == c->gen && e->hash == hash && swdp_key_eq(&e->key, key))
			return &c->mf[e->mf];
	}
	return NULL;
}

void swdp_emc_insert(struct swdp_cache *c, const union swdp_keyw *key,
		     uint64_t hash, const struct swdp_mf *mf)
{
	struct swdp_emc *e;

	if (!c->emc)
		return;
	/* a stale slot if there is one, else each way in turn */
	e = swdp_emc_way(c, hash, 0);
	if (e->gen == c->gen) {
		e = swdp_emc_way(c, hash, 1);
		if (e->gen == c->gen)
			e = swdp_emc_way(c, hash, c->emc_turn++ & 1u);
	}
	e->gen = c->gen;
	e->hash = hash;
	e->mf = (uint32_t)(mf - c->mf);
	e->key = *key;
}

/* Masks by hits, most first (insertion sort: the order changes little). */
static void reorder(struct swdp_cache *c)
{
	for (uint32_t i = 1; i < c->n_masks; i++) {
		uint32_t x = c->order[i], j = i;

		while (j > 0 && c->masks[c->order[j - 1]].hits < c->masks[x].hits) {
			c->order[j] = c->order[j - 1];
			j--;
		}
		c->order[j] = x;
	}
	for (uint32_t i = 0; i < c->n_masks; i++)
		c->masks[i].hits >>= 1;         /* age */
	c->lookups = 0;
}

static uint64_t mf_hash(const struct swdp_cache *c, const union swdp_keyw *key,
			uint32_t mask)
{
	return swdp_hash_masked(key, &c->masks[mask].mask, MF_SEED + mask);
}

const struct swdp_mf *swdp_mf_lookup(struct swdp_cache *c,
				     const union swdp_keyw *key)
{
	uint32_t slots = c->mf_slots - 1;

	if (++c->lookups >= REORDER_EVERY)
		reorder(c);
	for (uint32_t i = 0; i < c->n_masks; i++) {
		uint32_t mi = c->order[i];
		const struct swdp_mask *m = &c->masks[mi].mask;
		uint64_t h = mf_hash(c, key, mi);

		for (uint32_t s = (uint32_t)h & slots;; s = (s + 1) & slots) {
			const struct swdp_mf *e = &c->mf[s];

			if (e->gen != c->gen)
				break;
			if (e->hash == h && e->mask == mi && swdp_masked_eq(key, m, &e->val)) {
				c->masks[mi].hits++;
				return e;
			}
		}
	}
	return NULL;
}

static int mask_index(struct swdp_cache *c, const union swdp_keyw *wc)
{
	for (uint32_t i = 0; i < c->n_masks; i++)
		if (swdp_key_eq(&c->masks[i].mask.m, wc))
			return (int)i;
	if (c->n_masks == c->max_masks)
		return -1;
	swdp_mask_init(&c->masks[c->n_masks].mask, wc);
	c->masks[c->n_masks].hits = 0;
	c->order[c->n_masks] = c->n_masks;
	return (int)c->n_masks++;
}

const struct swdp_mf *swdp_mf_insert(struct swdp_cache *c,
				     const union swdp_keyw *key,
				     const struct swdp_xlate_out *x,
				     uint64_t *flushes)
{
	uint32_t slots = c->mf_slots - 1;
	struct swdp_mf *e;
	uint64_t h;
	int mi;

	if (x->n_ops > c->max_pool)
		return NULL;            /* never fits: run uncached */
	if (c->n_mf == c->max_mf || c->n_pool + x->n_ops > c->max_pool ||
	    (mi = mask_index(c, &x->wc)) < 0) {
		swdp_cache_flush(c);
		(*flushes)++;
		mi = mask_index(c, &x->wc);
	}
	h = mf_hash(c, key, (uint32_t)mi);
	for (uint32_t s = (uint32_t)h & slots;; s = (s + 1) & slots) {
		e = &c->mf[s];
		if (e->gen != c->gen)
			break;
	}
	e->gen = c->gen;
	e->hash = h;
	e->mask = (uint32_t)mi;
	for (unsigned i = 0; i < SWDP_KEY_WORDS; i++)
		e->val.w[i] = key->w[i] & x->wc.w[i];
	e->ops = c->n_pool;
	e->n_ops = x->n_ops;
	memcpy(c->pool + c->n_pool, x->ops, x->n_ops * sizeof(*x->ops));
	c->n_pool += x->n_ops;
	c->n_mf++;
	return e;
}
