/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * steer.c - flow tables, groups and entries, and the lookup.
 *
 * Tuple-space search: each group is one mask; its entries sit in a single
 * open-addressing hash table (linear probing, at most half full) shared by
 * all groups, keyed by hash(group id, masked key), so insert and delete are
 * O(1) expected and a lookup costs one probe per group visited.  A slot holds
 * the entry's hash next to its id, so a probe touches an entry only when the
 * hash matches: one cache line per group, and the lines of the next groups
 * are prefetched while the current one is compared, so the memory latency of
 * the groups overlaps.  A table keeps its groups sorted by the best (lowest)
 * priority they may hold; the lookup stops as soon as the next group cannot
 * beat the best entry found, so high-priority groups shadow the rest.
 *
 * Deletion shifts the following slots of the cluster back (no tombstones),
 * so the table never degrades with churn.
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

/* Masked words of key under g, packed in tmp. */
static inline void group_masked(const struct fw_group *g, const union fw_key *key,
				uint64_t *tmp)
{
	for (unsigned i = 0; i < g->n_words; i++)
		tmp[i] = key->w[g->words[i]] & g->mask.w[g->words[i]];
}

/* Masked words in tmp, and their hash (seeded by the group id). */
static inline uint32_t group_hash(const struct fw_group *g, uint32_t gid,
				  const union fw_key *key, uint64_t *tmp)
{
	group_masked(g, key, tmp);
	return (uint32_t)snic_fw_hash_words(tmp, g->n_words, 0x5eed0000ull + gid);
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

	for (uint32_t i = h & fw->slot_mask; fw->slots[i].id1;
	     i = (i + 1) & fw->slot_mask) {
		const struct fw_entry *e;

		if (fw->slots[i].hash != h)
			continue;
		e = &fw->entries[fw->slots[i].id1 - 1];
		if (e->group == gid + 1 && e->prio == prio && entry_matches(e, g, tmp))
			return fw->slots[i].id1 - 1;
	}
	return FW_NONE;
}

/* Put id in the first free slot of its cluster. */
static void slot_insert(struct snic_fw *fw, uint32_t h, uint32_t id)
{
	uint32_t i = h & fw->slot_mask;

	while (fw->slots[i].id1)
		i = (i + 1) & fw->slot_mask;
	fw->slots[i].hash = h;
	fw->slots[i].id1 = id + 1;
}

/* Remove id's slot and shift the rest of its cluster back where allowed. */
static void slot_remove(struct snic_fw *fw, uint32_t h, uint32_t id)
{
	const uint32_t mask = fw->slot_mask;
	uint32_t i = h & mask, j;

	while (fw->slots[i].id1 != id + 1)
		i = (i + 1) & mask;
	for (j = (i + 1) & mask; fw->slots[j].id1; j = (j + 1) & mask) {
		uint32_t home = fw->slots[j].hash & mask;
		/* slot j may move to the hole at i unless its home lies
		 * cyclically in (i, j] */
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			fw->slots[i] = fw->slots[j];
			i = j;
		}
	}
	fw->slots[i].hash = 0;
	fw->slots[i].id1 = 0;
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
	uint32_t id;
	struct fw_entry *e;

	if (fw->entry_free) {
		id = fw->entry_free - 1;
		fw->entry_free = fw->entries[id].next_free;
	} else {
		id = fw->entry_hwm++;
	}
	e = &fw->entries[id];
	e->group = gid + 1;
	e->prio = prio;
	e->value = *value;
	e->act = *act;
	e->hash = group_hash(g, gid, value, tmp);
	slot_insert(fw, e->hash, id);

	refs_adjust(fw, act, +1);
	fw_vport_refs(fw, e, g, +1);
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

	slot_remove(fw, e->hash, id);
	refs_adjust(fw, &e->act, -1);
	fw_vport_refs(fw, e, g, -1);
	g->n_entries--;
	t->n_entries--;
	fw->n_entries--;
	if (g->n_entries == 0) {
		g->min_prio = FW_NONE;
		order_fix(fw, t, gid);
	}
	memset(e, 0, sizeof(*e));
	e->next_free = fw->entry_free;
	fw->entry_free = id + 1;
}

/* ---- reset ---- */

void fw_steering_reset(struct snic_fw *fw, struct fw_reset_counts *n)
{
	const struct snic_fw_board *b = &fw->board;

	memset(n, 0, sizeof(*n));
	for (uint32_t id = 0; id < fw->entry_hwm; id++)
		if (fw->entries[id].group) {
			fw_entry_destroy(fw, id);
			n->entries++;
		}
	fw->entry_hwm = 0;              /* every entry is free and zeroed */
	fw->entry_free = 0;
	for (uint32_t id = 0; id < b->max_groups; id++)
		if (fw->groups[id].used) {
			fw_group_destroy(fw, id);
			n->groups++;
		}
	for (uint32_t id = 0; id < b->max_tables; id++)
		if (fw->tables[id].used) {
			fw_table_destroy(fw, id);
			n->tables++;
		}
	for (uint32_t id = 0; id < b->max_encap; id++)
		if (fw->reformats[id].used) {
			memset(&fw->reformats[id], 0, sizeof(fw->reformats[id]));
			n->others++;
		}
	for (uint32_t id = 0; id < b->max_modify; id++)
		if (fw->modifies[id].used) {
			memset(&fw->modifies[id], 0, sizeof(fw->modifies[id]));
			n->others++;
		}
	for (uint32_t id = 0; id < b->max_counters; id++) {
		if (!fw->counter_bits[id >> 6]) {
			id |= 63u;      /* 64 unused counters */
			continue;
		}
		if (fw->counter_meta[id].used) {
			n->others += fw->counter_meta[id].bulk != 0;
			memset(&fw->counter_meta[id], 0, sizeof(fw->counter_meta[id]));
			fw->counters[id].packets = fw->counters[id].bytes = 0;
		}
	}
	memset(fw->counter_bits, 0, ((size_t)b->max_counters + 63u) / 64u * 8u);
	fw->counter_cursor = 0;
	fw_idpool_init(&fw->table_ids, fw->table_ids.ids, b->max_tables);
	fw_idpool_init(&fw->group_ids, fw->group_ids.ids, b->max_groups);
	fw_idpool_init(&fw->reformat_ids, fw->reformat_ids.ids, b->max_encap);
	fw_idpool_init(&fw->modify_ids, fw->modify_ids.ids, b->max_modify);
}

/* ---- lookup ---- */

#define PREFETCH_AHEAD 8u

static inline void prefetch_group(const struct snic_fw *fw, const struct fw_group *g,
				  uint32_t gid, const union fw_key *key, uint32_t *hash)
{
	uint64_t tmp[FW_W];

	*hash = group_hash(g, gid, key, tmp);
	__builtin_prefetch(&fw->slots[*hash & fw->slot_mask]);
}

uint32_t fw_lookup(struct snic_fw *fw, uint32_t table, const union fw_key *key)
{
	struct fw_table *t = &fw->tables[table];
	uint32_t best = FW_NONE, best_prio = FW_NONE;
	uint32_t hash[PREFETCH_AHEAD];
	uint64_t tmp[FW_W];
	uint32_t n = t->n_groups;

	t->lookups++;
	/* hash the first groups and prefetch their slots */
	for (uint32_t i = 0; i < n && i < PREFETCH_AHEAD; i++)
		prefetch_group(fw, &fw->groups[t->order[i]], t->order[i], key,
			       &hash[i]);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t gid = t->order[i], h = hash[i % PREFETCH_AHEAD];
		const struct fw_group *g = &fw->groups[gid];
		bool have_tmp = false;

		/* sorted: no later group can beat (or tie) the best */
		if (g->min_prio > best_prio || g->n_entries == 0)
			break;
		if (i + PREFETCH_AHEAD < n)
			prefetch_group(fw, &fw->groups[t->order[i + PREFETCH_AHEAD]],
				       t->order[i + PREFETCH_AHEAD], key,
				       &hash[i % PREFETCH_AHEAD]);
		for (uint32_t s = h & fw->slot_mask; fw->slots[s].id1;
		     s = (s + 1) & fw->slot_mask) {
			const struct fw_entry *e;
			uint32_t id;

			if (fw->slots[s].hash != h)
				continue;
			id = fw->slots[s].id1 - 1;
			e = &fw->entries[id];
			if (e->group != gid + 1 || e->prio > best_prio ||
			    (e->prio == best_prio && id > best))
				continue;
			if (!have_tmp) {
				group_masked(g, key, tmp);
				have_tmp = true;
			}
			if (entry_matches(e, g, tmp)) {
				best = id;
				best_prio = e->prio;
			}
		}
	}
	if (best == FW_NONE)
		t->misses++;
	return best;
}
