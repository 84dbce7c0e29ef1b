/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * steer.c - flow tables, groups and entries, and the lookup.
 *
 * Tuple-space search: each group is one mask; its entries sit in a single
 * hash table shared by all groups, keyed by hash(group id, masked key), so
 * insert and delete are O(1) and a lookup costs one hash probe per group
 * visited.  A table keeps its groups sorted by the best (lowest) priority
 * they may hold; the lookup stops as soon as the next group cannot beat the
 * best entry found, so high-priority groups shadow the rest for free.
 *
 * The per-group bound is a lower bound, not exact: deleting an entry never
 * raises it (that would need a scan); it resets when the group empties.  A
 * stale bound costs a probe, never a wrong answer.
 *
 * Callers (cmd_steer.c) have validated every argument.
 */
#include "fw_internal.h"

/* ---- tables ---- */

static void tables_link_next(struct snic_fw *fw)
{
	const uint32_t n = fw->board.max_tables;

	for (uint32_t i = 0; i < n; i++) {
		struct fw_table *t = &fw->tables[i];
		uint32_t best = FW_NONE;

		if (!t->used)
			continue;
		for (uint32_t j = 0; j < n; j++) {
			const struct fw_table *u = &fw->tables[j];
			if (!u->used || u->level <= t->level)
				continue;
			if (best == FW_NONE || u->level < fw->tables[best].level)
				best = j;
		}
		t->next = best;
	}
}

uint32_t fw_table_create(struct snic_fw *fw, uint32_t level, uint32_t miss,
			 uint32_t miss_table, uint32_t flags)
{
	uint32_t id = fw_idpool_get(&fw->table_ids);
	struct fw_table *t = &fw->tables[id];
	uint32_t *order = t->order;

	memset(t, 0, sizeof(*t));
	t->order = order;
	t->used = true;
	t->level = level;
	t->miss = (uint8_t)miss;
	t->miss_table = miss_table;
	t->flags = flags;
	if (miss == SNIC_MISS_GOTO)
		fw->tables[miss_table].refs++;
	if (flags & SNIC_TABLE_F_ROOT)
		fw->root = id;
	fw->n_tables_used++;
	tables_link_next(fw);
	return id;
}

void fw_table_destroy(struct snic_fw *fw, uint32_t id)
{
	struct fw_table *t = &fw->tables[id];
	uint32_t *order = t->order;

	if (t->miss == SNIC_MISS_GOTO)
		fw->tables[t->miss_table].refs--;
	if (fw->root == id)
		fw->root = FW_NONE;
	memset(t, 0, sizeof(*t));
	t->order = order;
	fw->n_tables_used--;
	fw_idpool_put(&fw->table_ids, id);
	tables_link_next(fw);
}

uint32_t fw_table_next(const struct snic_fw *fw, uint32_t table)
{
	return fw->tables[table].next;
}

/* ---- groups ---- */

/* Move group gid to its place in its table's order after min_prio changed. */
static void order_fix(struct snic_fw *fw, struct fw_table *t, uint32_t gid)
{
	uint32_t i = 0, n = t->n_groups, prio = fw->groups[gid].min_prio;

	while (i < n && t->order[i] != gid)
		i++;
	while (i > 0 && fw->groups[t->order[i - 1]].min_prio > prio) {
		t->order[i] = t->order[i - 1];
		t->order[--i] = gid;
	}
	while (i + 1 < n && fw->groups[t->order[i + 1]].min_prio < prio) {
		t->order[i] = t->order[i + 1];
		t->order[++i] = gid;
	}
}

uint32_t fw_group_create(struct snic_fw *fw, uint32_t table,
			 const union fw_key *mask)
{
	uint32_t id = fw_idpool_get(&fw->group_ids);
	struct fw_group *g = &fw->groups[id];
	struct fw_table *t = &fw->tables[table];

	memset(g, 0, sizeof(*g));
	g->used = true;
	g->table = table;
	g->min_prio = FW_NONE;
	g->mask = *mask;
	for (unsigned w = 0; w < FW_W; w++)
		if (mask->w[w])
			g->words[g->n_words++] = (uint8_t)w;
	t->order[t->n_groups++] = id;   /* empty groups sort last */
	return id;
}

void fw_group_destroy(struct snic_fw *fw, uint32_t id)
{
	struct fw_group *g = &fw->groups[id];
	struct fw_table *t = &fw->tables[g->table];
	uint32_t i = 0;

	while (i < t->n_groups && t->order[i] != id)
		i++;
	for (; i + 1 < t->n_groups; i++)
		t->order[i] = t->order[i + 1];
	t->n_groups--;
	memset(g, 0, sizeof(*g));
	fw_idpool_put(&fw->group_ids, id);
}

/* Masked words of key under g, packed in tmp; returns the hash. */
static inline uint32_t group_hash(const struct fw_group *g, uint32_t gid,
				  const union fw_key *key, uint64_t *tmp)
{
	for (unsigned i = 0; i < g->n_words; i++)
		tmp[i] = key->w[g->words[i]] & g->mask.w[g->words[i]];
	return (uint32_t)snic_fw_hash_words(tmp, g->n_words, 0x5eed0000ull + gid);
}

uint32_t fw_group_hash(const struct fw_group *g, uint32_t gid,
		       const union fw_key *key)
{
	uint64_t tmp[FW_W];

	return group_hash(g, gid, key, tmp);
}

static inline bool entry_matches(const struct fw_entry *e,
				 const struct fw_group *g, const uint64_t *tmp)
{
	for (unsigned i = 0; i < g->n_words; i++)
		if (e->value.w[g->words[i]] != tmp[i])
			return false;
	return true;
}

/* ---- entries ---- */

bool fw_entry_valid(const struct snic_fw *fw, uint32_t id)
{
	return id < fw->entry_hwm && fw->entries[id].group != 0;
}

uint32_t fw_entry_find(const struct snic_fw *fw, uint32_t gid,
		       const union fw_key *value, uint32_t prio)
{
	const struct fw_group *g = &fw->groups[gid];
	uint64_t tmp[FW_W];
	uint32_t h = group_hash(g, gid, value, tmp);

	for (uint32_t e1 = fw->buckets[h & fw->bucket_mask]; e1; ) {
		const struct fw_entry *e = &fw->entries[e1 - 1];
		if (e->hash == h && e->group == gid + 1 && e->prio == prio &&
		    entry_matches(e, g, tmp))
			return e1 - 1;
		e1 = e->hnext;
	}
	return FW_NONE;
}

static void refs_adjust(struct snic_fw *fw, const struct fw_actions *a, int d)
{
	if (a->flags & SNIC_ACT_COUNT)
		fw->counter_meta[a->counter].refs += (uint32_t)d;
	if (a->flags & SNIC_ACT_GOTO)
		fw->tables[a->goto_table].refs += (uint32_t)d;
	if (a->flags & SNIC_ACT_MODIFY)
		fw->modifies[a->modify].refs += (uint32_t)d;
	if (a->flags & SNIC_ACT_FWD)
		for (unsigned i = 0; i < a->n_dests; i++)
			if (a->dests[i].flags & SNIC_DEST_F_REFORMAT)
				fw->reformats[a->dests[i].reformat].refs += (uint32_t)d;
}

uint32_t fw_entry_create(struct snic_fw *fw, uint32_t gid,
			 const union fw_key *value, uint32_t prio,
			 const struct fw_actions *act)
{
	struct fw_group *g = &fw->groups[gid];
	struct fw_table *t = &fw->tables[g->table];
	uint64_t tmp[FW_W];
	uint32_t id, b;
	struct fw_entry *e;

	if (fw->entry_free) {
		id = fw->entry_free - 1;
		fw->entry_free = fw->entries[id].hnext;
	} else {
		id = fw->entry_hwm++;
	}
	e = &fw->entries[id];
	e->group = gid + 1;
	e->prio = prio;
	e->value = *value;
	e->act = *act;
	e->hash = group_hash(g, gid, value, tmp);
	b = e->hash & fw->bucket_mask;
	e->hnext = fw->buckets[b];
	fw->buckets[b] = id + 1;

	refs_adjust(fw, act, +1);
	g->n_entries++;
	t->n_entries++;
	fw->n_entries++;
	if (prio < g->min_prio) {
		g->min_prio = prio;
		order_fix(fw, t, gid);
	}
	return id;
}

void fw_entry_destroy(struct snic_fw *fw, uint32_t id)
{
	struct fw_entry *e = &fw->entries[id];
	uint32_t gid = e->group - 1;
	struct fw_group *g = &fw->groups[gid];
	struct fw_table *t = &fw->tables[g->table];
	uint32_t *link = &fw->buckets[e->hash & fw->bucket_mask];

	while (*link != id + 1)
		link = &fw->entries[*link - 1].hnext;
	*link = e->hnext;

	refs_adjust(fw, &e->act, -1);
	g->n_entries--;
	t->n_entries--;
	fw->n_entries--;
	if (g->n_entries == 0) {
		g->min_prio = FW_NONE;
		order_fix(fw, t, gid);
	}
	memset(e, 0, sizeof(*e));
	e->hnext = fw->entry_free;
	fw->entry_free = id + 1;
}

/* ---- lookup ---- */

uint32_t fw_lookup(struct snic_fw *fw, uint32_t table, const union fw_key *key)
{
	struct fw_table *t = &fw->tables[table];
	uint32_t best = FW_NONE, best_prio = FW_NONE;
	uint64_t tmp[FW_W];

	t->lookups++;
	for (uint32_t i = 0; i < t->n_groups; i++) {
		uint32_t gid = t->order[i];
		const struct fw_group *g = &fw->groups[gid];
		uint32_t h;

		/* sorted: no later group can beat (or tie) the best */
		if (g->min_prio > best_prio || g->n_entries == 0)
			break;
		h = group_hash(g, gid, key, tmp);
		for (uint32_t e1 = fw->buckets[h & fw->bucket_mask]; e1; ) {
			const struct fw_entry *e = &fw->entries[e1 - 1];
			if (e->hash == h && e->group == gid + 1 &&
			    (e->prio < best_prio ||
			     (e->prio == best_prio && e1 - 1 < best)) &&
			    entry_matches(e, g, tmp)) {
				best = e1 - 1;
				best_prio = e->prio;
			}
			e1 = e->hnext;
		}
	}
	if (best == FW_NONE)
		t->misses++;
	return best;
}
