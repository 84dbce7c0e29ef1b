/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mgr_index.c - the rule index: by id and by OpenFlow identity (table,
 * priority, match), chained hashes kept at most one rule per bucket on
 * average; and the software datapath's copy of each rule.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgr_internal.h"

/* ---- the index ---- */

static size_t id_slot(const struct snic_mgr *m, uint64_t id)
{
	id ^= id >> 31;
	id *= 0x9e3779b97f4a7c15ull;
	return (size_t)(id >> 20) & (m->hsize - 1);
}

static size_t key_slot(const struct snic_mgr *m, const struct snic_of_rule *r)
{
	uint32_t h = snic_of_match_hash(&r->match, (uint32_t)r->table << 16 | r->priority);

	return h & (m->hsize - 1);
}

int mgr_rules_init(struct snic_mgr *m)
{
	m->hsize = 1024;
	m->by_id = calloc(m->hsize, sizeof(*m->by_id));
	m->by_key = calloc(m->hsize, sizeof(*m->by_key));
	return m->by_id && m->by_key ? 0 : -ENOMEM;
}

void mgr_link_rule(struct snic_mgr *m, struct mrule *r)
{
	size_t i = id_slot(m, r->id), k = key_slot(m, r->of);

	r->id_next = m->by_id[i];
	m->by_id[i] = r;
	r->key_next = m->by_key[k];
	m->by_key[k] = r;
	m->n_rules++;
}

void mgr_unlink_rule(struct snic_mgr *m, struct mrule *r)
{
	struct mrule **pp;

	for (pp = &m->by_id[id_slot(m, r->id)]; *pp != r; pp = &(*pp)->id_next)
		;
	*pp = r->id_next;
	for (pp = &m->by_key[key_slot(m, r->of)]; *pp != r; pp = &(*pp)->key_next)
		;
	*pp = r->key_next;
	m->n_rules--;
}

int mgr_grow(struct snic_mgr *m, size_t want)
{
	struct mrule **ids, **keys, *all = NULL;
	size_t size = m->hsize;

	while (size < want)
		size *= 2;
	if (size == m->hsize)
		return 0;
	ids = calloc(size, sizeof(*ids));
	keys = calloc(size, sizeof(*keys));
	if (!ids || !keys) {
		free(ids);
		free(keys);
		return -ENOMEM;
	}
	for (size_t i = 0; i < m->hsize; i++)
		while (m->by_id[i]) {
			struct mrule *r = m->by_id[i];
			m->by_id[i] = r->id_next;
			r->id_next = all;
			all = r;
		}
	free(m->by_id);
	free(m->by_key);
	m->by_id = ids;
	m->by_key = keys;
	m->hsize = size;
	m->n_rules = 0;
	while (all) {
		struct mrule *r = all;
		all = r->id_next;
		mgr_link_rule(m, r);
	}
	return 0;
}

struct mrule *mgr_find_key(const struct snic_mgr *m, const struct snic_of_rule *of)
{
	for (struct mrule *r = m->by_key[key_slot(m, of)]; r; r = r->key_next)
		if (r->of->table == of->table && r->of->priority == of->priority &&
		    snic_of_match_equal(&r->of->match, &of->match))
			return r;
	return NULL;
}

void mgr_free_rule(struct mrule *r)
{
	free(r->text);
	free(r->own);
	free(r);
}

void mgr_rules_fini(struct snic_mgr *m)
{
	for (size_t i = 0; m->by_id && i < m->hsize; i++)
		while (m->by_id[i]) {
			struct mrule *r = m->by_id[i];
			m->by_id[i] = r->id_next;
			mgr_free_rule(r);
		}
	free(m->by_id);
	free(m->by_key);
}

/* Every rule, for filters (the caller frees the array). */
struct mrule **mgr_all_rules(const struct snic_mgr *m, size_t *n)
{
	struct mrule **v = malloc((m->n_rules ? m->n_rules : 1) * sizeof(*v));
	size_t k = 0;

	if (!v)
		return NULL;
	for (size_t i = 0; i < m->hsize; i++)
		for (struct mrule *r = m->by_id[i]; r; r = r->id_next)
			v[k++] = r;
	*n = k;
	return v;
}

/* ---- the software datapath's copy ---- */

void mgr_sw_add(struct snic_mgr *m, const struct mrule *r)
{
	char why[SNIC_MGR_SWDP_REASON_MAX] = "";
	int rc = snic_mgr_swdp_add_rule(m->dp, (uint32_t)r->id, r->of, why, sizeof(why));

	if (rc)
		fprintf(stderr, "snic-offloadd: rule %llu (%s) is not in the software "
			"datapath: %s\n", (unsigned long long)r->id, r->text,
			why[0] ? why : strerror(-rc));
}

void mgr_sw_del(struct snic_mgr *m, struct mrule *r)
{
	struct snic_mgr_swdp_rule_stats st;

	if (!snic_mgr_swdp_rule_stats(m->dp, (uint32_t)r->id, &st, false)) {
		r->sw_packets += st.packets;
		r->sw_bytes += st.bytes;
	}
	snic_mgr_swdp_del_rule(m->dp, (uint32_t)r->id);
}

/* Software counters of r: kept + the datapath's. */
void mgr_sw_counts(struct snic_mgr *m, const struct mrule *r, uint64_t *pk,
		      uint64_t *by)
{
	struct snic_mgr_swdp_rule_stats st = { 0, 0 };

	snic_mgr_swdp_rule_stats(m->dp, (uint32_t)r->id, &st, false);
	*pk = r->sw_packets + st.packets;
	*by = r->sw_bytes + st.bytes;
}
