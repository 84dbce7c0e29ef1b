/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * plan.c - the planner's rules and tables: staging, sync, queries.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_internal.h"

const char *snic_mgr_state_name(enum snic_mgr_state s)
{
	switch (s) {
	case SNIC_MGR_PENDING: return "pending";
	case SNIC_MGR_HW:      return "hw";
	case SNIC_MGR_SW:      return "sw";
	case SNIC_MGR_FAILED:  return "failed";
	}
	return "?";
}

/* ---- the id hash (open addressing, linear probing, tombstone-free) ---- */

static size_t slot_of(uint64_t id, size_t cap)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdull;
	id ^= id >> 33;
	return (size_t)id & (cap - 1);
}

struct prule *plan_find(const struct snic_mgr_plan *p, uint64_t id)
{
	if (!p->hcap)
		return NULL;
	for (size_t i = slot_of(id, p->hcap); p->by_id[i]; i = (i + 1) & (p->hcap - 1))
		if (p->by_id[i]->id == id)
			return p->by_id[i];
	return NULL;
}

static void hash_put(struct prule **tab, size_t cap, struct prule *r)
{
	size_t i = slot_of(r->id, cap);

	while (tab[i])
		i = (i + 1) & (cap - 1);
	tab[i] = r;
}

static int hash_grow(struct snic_mgr_plan *p)
{
	size_t cap = p->hcap ? p->hcap * 2 : 1024;
	struct prule **tab = calloc(cap, sizeof(*tab));

	if (!tab)
		return -ENOMEM;
	for (size_t i = 0; i < p->hcap; i++)
		if (p->by_id[i])
			hash_put(tab, cap, p->by_id[i]);
	free(p->by_id);
	p->by_id = tab;
	p->hcap = cap;
	return 0;
}

static void hash_del(struct snic_mgr_plan *p, struct prule *r)
{
	size_t i = slot_of(r->id, p->hcap), j;

	while (p->by_id[i] != r)
		i = (i + 1) & (p->hcap - 1);
	p->by_id[i] = NULL;
	/* re-insert the rest of the cluster (no tombstones) */
	for (j = (i + 1) & (p->hcap - 1); p->by_id[j]; j = (j + 1) & (p->hcap - 1)) {
		struct prule *m = p->by_id[j];
		p->by_id[j] = NULL;
		hash_put(p->by_id, p->hcap, m);
	}
}

/* ---- texts ---- */

char plan_text_nomem[] = "out of memory (the reason could not be kept)";

void plan_text(char **slot, const char *text)
{
	char *c = NULL;

	if (text && *text) {
		if (*slot && strcmp(*slot, text) == 0)
			return;
		c = strdup(text);
		if (!c)
			c = plan_text_nomem;
	}
	if (*slot != plan_text_nomem)
		free(*slot);
	*slot = c;
}

static void prule_free(struct prule *r)
{
	if (!r)
		return;
	plan_text(&r->xl_reason, NULL);
	plan_text(&r->cap_reason, NULL);
	plan_text(&r->reason, NULL);
	free(r->want);
	free(r->inst);
	free(r->of);
	free(r);
}

/* ---- fingerprints and translation ---- */

/* FNV-1a of [c, end) (end NULL: to the NUL), never 0. */
static uint64_t fnv(const char *c, const char *end)
{
	uint64_t h = 1469598103934665603ull;

	for (; *c && c != end; c++)
		h = (h ^ (uint8_t)*c) * 1099511628211ull;
	return h ? h : 1;
}

/* The key's part of a testpmd text: "flow create" (after a "set vxlan"
 * line) up to " actions ". */
static const char *key_part(const char *buf, const char **end)
{
	const char *c = strstr(buf, "flow create");

	c = c ? c : buf;
	*end = strstr(c, " actions ");
	return c;
}

uint64_t plan_fp(const struct snic_mgr_hwrule *r)
{
	char buf[4096];

	snic_mgr_hwrule_testpmd(r, buf, sizeof(buf));
	return fnv(buf, NULL);
}

uint64_t plan_key(const struct snic_mgr_hwrule *r)
{
	char buf[4096];
	const char *c, *end;

	snic_mgr_hwrule_testpmd(r, buf, sizeof(buf));
	c = key_part(buf, &end);
	return fnv(c, end);
}

void plan_ids(const struct snic_mgr_hwrule *r, struct hw_id *id)
{
	char buf[4096];
	const char *c, *end;

	snic_mgr_hwrule_testpmd(r, buf, sizeof(buf));
	id->fp = fnv(buf, NULL);
	c = key_part(buf, &end);
	id->key = fnv(c, end);
}

/*
 * Levels.  On a device with at least 32768 pairs of levels an OF priority
 * maps to a fixed level (snic_mgr_xlate_priority: stable, no re-creation
 * when priorities come and go).  With fewer, the distinct priorities in use
 * in a group are ranked and the ranks spread over the pairs, so only
 * priorities actually used compete for levels.
 */
static bool tunnel_rule(const struct snic_mgr_plan *p, const struct prule *r)
{
	const struct snic_mgr_port *pt;

	if (r->of->table != 0 || !r->of->match.in_port_mask)
		return false;
	pt = p->env.port(p->env.arg, r->of->match.in_port);
	return pt && pt->kind == SNIC_MGR_PORT_TUNNEL;
}

static uint32_t dense_level(const struct snic_mgr_plan *p, const struct prio_map *m,
			    unsigned prio, bool tunnel, bool excl)
{
	uint32_t levels = p->env.priority_levels - (tunnel ? 2u : 1u);
	uint32_t pairs = levels / 2 ? levels / 2 : 1;
	size_t lo = 0, hi = m->n, rank;

	while (lo < hi) {       /* descending: first index with v <= prio */
		size_t mid = (lo + hi) / 2;
		if (m->v[mid] > prio)
			lo = mid + 1;
		else
			hi = mid;
	}
	rank = lo;
	if (m->n > pairs)
		rank = rank * pairs / m->n;
	return (uint32_t)(2u * rank) + (excl ? 0u : 1u);
}

void plan_set_levels(struct snic_mgr_plan *p, const struct prule *r,
		     struct snic_mgr_hwrule *h, unsigned n)
{
	bool tun = tunnel_rule(p, r);
	const struct prio_map *m = tun ? &p->root_map : &p->t[r->of->table].map;

	if (!p->dense)
		return;
	for (unsigned i = 0; i < n; i++)
		h[i].attr.priority = dense_level(p, m, r->priority, tun,
						 h[i].kind == SNIC_MGR_HW_RULE && i > 0);
}

/* Rebuild the priority map(s) of table t; true when one changed.  A bitmap
 * of the priorities in use per kind (table 0's tunnel rules have their
 * own): linear in the rules, whatever the number of distinct priorities. */
static bool remap(struct snic_mgr_plan *p, unsigned t)
{
	struct ptable *tb = &p->t[t];
	struct prio_map nm[2] = { { NULL, 0 }, { NULL, 0 } };
	unsigned kinds = t == 0 ? 2 : 1;        /* tunnel rules: table 0 only */
	uint64_t (*used)[65536 / 64];
	bool changed = false;

	if (!p->dense)
		return false;
	used = calloc(kinds, sizeof(*used));
	if (!used)
		return false;
	for (size_t i = 0; i < tb->n; i++) {
		const struct prule *r = tb->r[i];

		if (!r->deleted)
			used[tunnel_rule(p, r)][r->priority / 64] |= 1ull << (r->priority % 64);
	}
	for (unsigned k = 0; k < kinds; k++) {
		size_t n = 0;

		for (unsigned w = 0; w < 65536 / 64; w++)
			n += (size_t)__builtin_popcountll(used[k][w]);
		nm[k].v = malloc((n ? n : 1) * sizeof(uint16_t));
		if (!nm[k].v) {
			free(nm[0].v);
			free(used);
			return false;
		}
		for (unsigned w = 65536 / 64; w-- > 0;)        /* descending */
			for (uint64_t bits = used[k][w]; bits; bits &= ~(1ull << (63 - __builtin_clzll(bits))))
				nm[k].v[nm[k].n++] = (uint16_t)(w * 64 + 63 - (unsigned)__builtin_clzll(bits));
	}
	free(used);
	for (unsigned k = 0; k < kinds; k++) {
		struct prio_map *old = k ? &p->root_map : &tb->map;

		if (old->n != nm[k].n || (old->n && memcmp(old->v, nm[k].v, old->n * 2)))
			changed = true;
		free(old->v);
		*old = nm[k];
	}
	return changed;
}

/* Hashes of a match's masks and of its values (equal masks and values:
 * equal hashes). */
static void match_hashes(const struct snic_of_match *m, uint32_t *mh, uint32_t *vh)
{
	struct snic_of_match k = *m;

	k.tun_id = 0; k.tun_src = k.tun_dst = 0; k.metadata = 0; k.in_port = 0;
	k.vlan_tci = 0; memset(k.dl_src, 0, 6); memset(k.dl_dst, 0, 6); k.dl_type = 0;
	k.nw_src = k.nw_dst = 0; memset(k.ipv6_src, 0, 16); memset(k.ipv6_dst, 0, 16);
	k.nw_proto = k.nw_tos = k.nw_ttl = 0; k.tp_src = k.tp_dst = 0;
	*mh = snic_of_match_hash(&k, 0x6d61736b);
	*vh = snic_of_match_hash(m, 0x76616c75);
}

void plan_translate(struct snic_mgr_plan *p, struct prule *r)
{
	struct snic_mgr_xlate_info info;
	struct snic_mgr_hwrule *trap = &p->scratch.r[0];

	r->xl_rc = snic_mgr_xlate(&p->env, r->of, &p->scratch, &info);
	r->trappable = info.trappable;
	r->tunnel_rx = info.tunnel_rx;
	r->any_in_port = info.any_in_port;
	r->n_fp = 0;
	r->level = 0;
	r->group = info.tunnel_rx ? 0 : r->of->table + 1u;
	if (!r->xl_rc) {        /* room for what they are (n >= 1) */
		struct hw_id *w = realloc(r->want, p->scratch.n * sizeof(*w));

		if (w) {
			r->want = w;
		} else {
			r->xl_rc = -ENOTSUP;
			snprintf(info.reason, sizeof(info.reason), "out of memory while "
				 "planning");
		}
	}
	plan_text(&r->xl_reason, r->xl_rc ? info.reason : NULL);
	if (!r->xl_rc) {
		plan_set_levels(p, r, p->scratch.r, p->scratch.n);
		r->n_fp = p->scratch.n;
		for (unsigned i = 0; i < p->scratch.n; i++)
			plan_ids(&p->scratch.r[i], &r->want[i]);
		r->level = p->scratch.r[0].attr.priority;
	}
	match_hashes(&r->of->match, &r->mask_h, &r->value_h);
	r->trap_fp = 0;         /* formatted when a trap is wanted */
	if (r->trappable && !snic_mgr_xlate_trap(&p->env, r->of, trap, &info)) {
		plan_set_levels(p, r, trap, 1);
		if (r->xl_rc)
			r->level = trap->attr.priority;
	} else {
		r->trappable = false;
	}
	r->dirty = false;
}

/* ---- life cycle ---- */

int snic_mgr_plan_create(struct snic_mgr_plan **out,
			 const struct snic_mgr_xlate_env *env,
			 const struct snic_mgr_hw_ops *ops, void *ops_arg,
			 char *err, size_t errlen)
{
	struct snic_mgr_plan *p;

	*out = NULL;
	if (!env || !ops || !ops->create || !ops->destroy || !env->port || !env->neigh) {
		snprintf(err, errlen, "planner: incomplete environment or hardware ops");
		return -EINVAL;
	}
	if (env->priority_levels < 4 || env->max_group < 2) {
		snprintf(err, errlen, "planner: the device has %u priority levels and "
			 "groups 0..%u; it needs at least 4 levels and 3 groups",
			 env->priority_levels, env->max_group);
		return -ENOTSUP;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "planner: out of memory");
		return -ENOMEM;
	}
	p->env = *env;
	p->dense = (env->priority_levels - 2u) / 2u < 32768u;
	p->ops = ops;
	p->ops_arg = ops_arg;
	p->env_dirty = true;
	*out = p;
	return 0;
}

static void plan_free(struct snic_mgr_plan *p, bool uninstall);

void snic_mgr_plan_destroy(struct snic_mgr_plan *p)
{
	plan_free(p, true);
}

void snic_mgr_plan_detach(struct snic_mgr_plan *p)
{
	plan_free(p, false);
}

static void plan_free(struct snic_mgr_plan *p, bool uninstall)
{
	if (!p)
		return;
	if (!uninstall) {
		static const struct snic_mgr_hw_ops none;

		p->ops = &none;     /* forget handles without destroying */
	}
	for (unsigned t = 0; t < PLAN_TABLES; t++) {
		struct ptable *tb = &p->t[t];

		for (size_t i = 0; i < tb->n; i++) {
			plan_uninstall(p, tb->r[i]);
			prule_free(tb->r[i]);
		}
		plan_hw_destroy(p, &tb->miss);
		free(tb->r);
		free(tb->map.v);
	}
	for (size_t i = 0; i < p->n_guards; i++)
		plan_hw_destroy(p, &p->guards[i].g);
	plan_hw_destroy(p, &p->root_next);
	if (uninstall)
		snic_mgr_plan_retry_destroys(p, NULL, 0);
	free(p->stuck);
	free(p->guards);
	free(p->root_map.v);
	free(p->by_id);
	free(p);
}

void snic_mgr_plan_set_miss(struct snic_mgr_plan *p, enum snic_mgr_miss miss)
{
	if (p->miss == miss)
		return;
	p->miss = miss;
	for (unsigned t = 0; t < PLAN_TABLES; t++)
		p->t[t].dirty = true;
}

int snic_mgr_plan_add(struct snic_mgr_plan *p, uint64_t id,
		      const struct snic_of_rule *rule)
{
	struct ptable *t;
	struct prule *r;

	if (!id || !rule || rule->mode != SNIC_OF_MODE_ADD || rule->table >= PLAN_TABLES)
		return -EINVAL;
	if (plan_find(p, id))
		return -EEXIST;
	if ((p->n_rules + 1) * 2 > p->hcap && hash_grow(p))
		return -ENOMEM;
	t = &p->t[rule->table];
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct prule **a = realloc(t->r, cap * sizeof(*a));
		if (!a)
			return -ENOMEM;
		t->r = a;
		t->cap = cap;
	}
	r = calloc(1, sizeof(*r));
	if (!r || !(r->of = snic_of_rule_dup(rule))) {
		free(r);
		return -ENOMEM;
	}
	r->id = id;
	r->priority = rule->priority;
	r->dirty = true;
	r->state = SNIC_MGR_PENDING;
	plan_text(&r->reason, "not planned yet");
	t->r[t->n++] = r;
	t->dirty = true;
	hash_put(p->by_id, p->hcap, r);
	p->n_rules++;
	return 0;
}

int snic_mgr_plan_del(struct snic_mgr_plan *p, uint64_t id)
{
	struct prule *r = plan_find(p, id);

	if (!r || r->deleted)
		return -ENOENT;
	r->deleted = true;
	p->t[r->of->table].dirty = true;
	return 0;
}

void snic_mgr_plan_env_changed(struct snic_mgr_plan *p)
{
	p->env_dirty = true;
}

void snic_mgr_plan_neigh_changed(struct snic_mgr_plan *p)
{
	for (unsigned t = 0; t < PLAN_TABLES; t++)
		for (size_t i = 0; i < p->t[t].n; i++) {
			struct prule *r = p->t[t].r[i];

			for (unsigned a = 0; a < r->of->n_actions; a++) {
				const struct snic_mgr_port *pt;

				if (r->of->actions[a].type != SNIC_OF_ACT_OUTPUT)
					continue;
				pt = p->env.port(p->env.arg, r->of->actions[a].u.port);
				if (pt && pt->kind == SNIC_MGR_PORT_TUNNEL) {
					r->dirty = true;
					r->refused = false;
					p->t[t].dirty = true;
					break;
				}
			}
		}
}

/* Drop the deleted rules of t from the planner (their hardware goes after
 * the new decision is installed: see sync). */
static void reap(struct snic_mgr_plan *p, struct ptable *t, struct prule ***gone,
		 size_t *n_gone, size_t *cap_gone)
{
	size_t w = 0;

	for (size_t i = 0; i < t->n; i++) {
		struct prule *r = t->r[i];

		if (!r->deleted) {
			t->r[w++] = r;
			continue;
		}
		hash_del(p, r);
		p->n_rules--;
		if (*n_gone == *cap_gone) {
			size_t cap = *cap_gone ? *cap_gone * 2 : 64;
			struct prule **a = realloc(*gone, cap * sizeof(*a));
			if (!a) {       /* cannot defer: uninstall now */
				plan_uninstall(p, r);
				prule_free(r);
				continue;
			}
			*gone = a;
			*cap_gone = cap;
		}
		(*gone)[(*n_gone)++] = r;
		p->retry_capacity = true;
	}
	t->n = w;
}

/* Rules went away: room may have appeared, try the refused ones again. */
static void retry_refused(struct snic_mgr_plan *p)
{
	for (unsigned t = 0; t < PLAN_TABLES; t++)
		for (size_t i = 0; i < p->t[t].n; i++) {
			struct prule *r = p->t[t].r[i];
			if (r->cap_sw || r->cap_notrap) {
				r->cap_sw = r->cap_notrap = false;
				p->t[t].dirty = true;
			}
		}
}

/* Decide and apply every dirty table. */
static void plan_pass(struct snic_mgr_plan *p)
{
	for (unsigned t = 0; t < PLAN_TABLES; t++) {
		struct ptable *tb = &p->t[t];
		unsigned rounds = 0;

		if (!tb->dirty)
			continue;
		if (remap(p, t))
			for (size_t i = 0; i < tb->n; i++)
				tb->r[i]->dirty = true;
		for (size_t i = 0; i < tb->n; i++)
			if (tb->r[i]->dirty)
				plan_translate(p, tb->r[i]);
		do {
			plan_decide(p, tb, t);
		} while (plan_apply(p, tb, t) && ++rounds < 1000);
		tb->dirty = false;
	}
}

int snic_mgr_plan_sync(struct snic_mgr_plan *p, struct snic_mgr_sync_stats *st)
{
	struct prule **gone = NULL;
	size_t n_gone = 0, cap_gone = 0;

	memset(&p->st, 0, sizeof(p->st));
	for (unsigned t = 0; t < PLAN_TABLES; t++)
		if (p->t[t].dirty || p->env_dirty)
			reap(p, &p->t[t], &gone, &n_gone, &cap_gone);
	if (p->env_dirty) {
		plan_apply_root(p);
		for (unsigned t = 0; t < PLAN_TABLES; t++) {
			for (size_t i = 0; i < p->t[t].n; i++) {
				p->t[t].r[i]->dirty = true;
				p->t[t].r[i]->refused = false;
			}
			p->t[t].dirty = true;
		}
		p->env_dirty = false;
	}
	/* make before break: removed rules (and the old versions of changed
	 * ones) keep their hardware while the new decision goes in, so their
	 * packets never fall to a lower overlapping hardware rule meanwhile;
	 * a new rule with the key of one of theirs replaces it (plan_apply.c) */
	p->retiring = gone;
	p->n_retiring = n_gone;
	plan_pass(p);
	p->retiring = NULL;
	p->n_retiring = 0;
	for (size_t i = 0; i < n_gone; i++) {
		plan_uninstall(p, gone[i]);
		prule_free(gone[i]);
	}
	free(gone);
	if (p->retry_capacity) {
		/* their room is free now */
		p->retry_capacity = false;
		retry_refused(p);
		plan_pass(p);
	}
	for (unsigned t = 0; t < PLAN_TABLES; t++)
		for (size_t i = 0; i < p->t[t].n; i++) {
			switch (p->t[t].r[i]->state) {
			case SNIC_MGR_HW: p->st.hw++; break;
			case SNIC_MGR_SW: p->st.sw++; break;
			case SNIC_MGR_PENDING: p->st.pending++; break;
			case SNIC_MGR_FAILED: p->st.failed_rules++; break;
			}
		}
	p->st.stuck = (unsigned)p->n_stuck;
	if (st)
		*st = p->st;
	return p->st.failed ? -EIO : 0;
}

unsigned snic_mgr_plan_retry_destroys(struct snic_mgr_plan *p, char *err, size_t errlen)
{
	size_t w = 0, n = p->n_stuck;

	if (err && errlen)
		err[0] = 0;
	if (!p->ops->destroy) {         /* detaching: the hardware keeps them */
		p->n_stuck = 0;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct rte_flow_error e = { 0 };
		int rc = p->ops->destroy(p->ops_arg, p->stuck[i].h, &e);

		if (rc == 0)
			continue;
		if (err && errlen)
			snprintf(err, errlen, "destroying a hardware rule failed again: "
				 "%.150s (%s)", e.message ? e.message : "no reason given",
				 strerror(-rc));
		p->stuck[w++] = p->stuck[i];
	}
	p->n_stuck = w;
	return (unsigned)w;
}

unsigned snic_mgr_plan_hw_stuck(const struct snic_mgr_plan *p)
{
	return (unsigned)p->n_stuck;
}

bool snic_mgr_plan_stuck_rule(const struct snic_mgr_plan *p, uint64_t id)
{
	for (size_t i = 0; i < p->n_stuck; i++)
		if (p->stuck[i].rule == id)
			return true;
	return false;
}

const char *snic_mgr_plan_last_error(const struct snic_mgr_plan *p)
{
	return p->msg;
}

/* ---- queries ---- */

static void fill_info(const struct prule *r, struct snic_mgr_rule_info *info)
{
	info->id = r->id;
	info->rule = r->of;
	info->state = r->state;
	info->reason = r->state == SNIC_MGR_HW ? NULL : plan_str(r->reason);
	info->n_hw = r->n_inst;
	info->trapped = r->trap.h != NULL;
}

int snic_mgr_plan_get(const struct snic_mgr_plan *p, uint64_t id,
		      struct snic_mgr_rule_info *info)
{
	const struct prule *r = plan_find(p, id);

	if (!r)
		return -ENOENT;
	fill_info(r, info);
	return 0;
}

int snic_mgr_plan_walk(const struct snic_mgr_plan *p,
		       int (*fn)(void *arg, const struct snic_mgr_rule_info *info),
		       void *arg)
{
	struct snic_mgr_rule_info info;
	int rc = 0;

	for (unsigned t = 0; t < PLAN_TABLES && !rc; t++) {
		const struct ptable *tb = &p->t[t];
		struct prule **v;

		if (!tb->n)
			continue;
		v = malloc(tb->n * sizeof(*v));
		if (!v)
			return -ENOMEM;
		memcpy(v, tb->r, tb->n * sizeof(*v));
		qsort(v, tb->n, sizeof(*v), plan_of_cmp);
		for (size_t i = 0; i < tb->n && !rc; i++) {
			fill_info(v[i], &info);
			rc = fn(arg, &info);
		}
		free(v);
	}
	return rc;
}

int snic_mgr_plan_hw_counters(struct snic_mgr_plan *p, uint64_t id,
			      uint64_t *packets, uint64_t *bytes,
			      char *err, size_t errlen)
{
	struct prule *r = plan_find(p, id);
	uint64_t pk = 0, by = 0;

	*packets = r ? r->hw_base_packets : 0;      /* of its earlier ones */
	*bytes = r ? r->hw_base_bytes : 0;
	if (!r)
		return -ENOENT;
	if (!r->n_inst || !p->ops->query)
		return -ENODATA;
	for (unsigned i = 0; i < r->n_inst; i++) {
		struct rte_flow_error e = { 0 };
		uint64_t a = 0, b = 0;
		int rc = p->ops->query(p->ops_arg, r->inst[i].h, &a, &b, &e);

		if (rc) {
			snprintf(err, errlen, "querying the counter of hardware rule %u "
				 "of rule %llu failed: %s", i, (unsigned long long)id,
				 e.message ? e.message : strerror(-rc));
			return rc;
		}
		pk += a;
		by += b;
	}
	*packets += pk;
	*bytes += by;
	return 0;
}

int snic_mgr_plan_hw_text(struct snic_mgr_plan *p, uint64_t id, char *buf,
			  size_t len)
{
	struct prule *r = plan_find(p, id);
	struct snic_mgr_xlate_info info;
	size_t used = 0;
	int rc = 0;

	if (!r)
		return -ENOENT;
	buf[0] = 0;
	if (r->n_inst && !snic_mgr_xlate(&p->env, r->of, &p->scratch, &info)) {
		plan_set_levels(p, r, p->scratch.r, p->scratch.n);
		for (unsigned i = 0; i < p->scratch.n && !rc; i++) {
			rc = snic_mgr_hwrule_testpmd(&p->scratch.r[i], buf + used, len - used);
			used = strlen(buf);
		}
	}
	if (!rc && r->trap.h && !snic_mgr_xlate_trap(&p->env, r->of, &p->scratch.r[0], &info)) {
		plan_set_levels(p, r, &p->scratch.r[0], 1);
		rc = snic_mgr_hwrule_testpmd(&p->scratch.r[0], buf + used, len - used);
	}
	return rc;
}

unsigned snic_mgr_plan_hw_installed(const struct snic_mgr_plan *p)
{
	unsigned n = p->root_next.h != NULL;

	/* not counted: the stuck ones (snic_mgr_plan_hw_stuck) */

	for (size_t i = 0; i < p->n_guards; i++)
		n += p->guards[i].g.h != NULL;
	for (unsigned t = 0; t < PLAN_TABLES; t++) {
		n += p->t[t].miss.h != NULL;
		for (size_t i = 0; i < p->t[t].n; i++)
			n += p->t[t].r[i]->n_inst + (p->t[t].r[i]->trap.h != NULL);
	}
	return n;
}
