/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mgr_rules.c - the flow requests (every batch parsed and checked before
 * anything changes; the store written in one transaction before the
 * planner and the hardware) and timeouts.  The index is mgr_index.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mgr_internal.h"

/* ---- texts and the store ---- */

/* The canonical text, malloc'd to its length (kept per rule). */
static char *rule_text(const struct snic_mgr *m, const struct snic_of_rule *of)
{
	char buf[SNIC_OF_RULE_TEXT_MAX];

	if (snic_of_rule_format(of, &m->of_ports, buf, sizeof(buf)))
		return NULL;
	return strdup(buf);
}

static int store_put(struct snic_mgr *m, const struct mrule *r)
{
	char match[SNIC_OF_RULE_TEXT_MAX], actions[SNIC_OF_RULE_TEXT_MAX];
	struct snic_mgr_store_rule sr = {
		.id = r->id, .table = r->of->table, .priority = r->of->priority,
		.match = match, .actions = actions, .cookie = r->of->cookie,
		.idle_timeout = r->of->idle_timeout, .hard_timeout = r->of->hard_timeout,
		.created_ms = (int64_t)time(NULL) * 1000 -
			      (int64_t)(mgr_now(m) - r->created_ms),
	};

	if (!m->store)
		return 0;
	snic_of_match_format(&r->of->match, SNIC_OF_DEFAULT_PRIORITY, &m->of_ports,
			     match, sizeof(match));
	snic_of_actions_format(r->of->actions, r->of->n_actions, &m->of_ports,
			       actions, sizeof(actions));
	return snic_mgr_store_put_rule(m->store, &sr);
}

int mgr_rule_load(struct snic_mgr *m, const struct snic_mgr_store_rule *sr,
		  struct snic_mgr_err *err)
{
	char text[2 * SNIC_OF_RULE_TEXT_MAX + 128];
	struct snic_of_rule of;
	struct snic_of_error oe;
	struct mrule *r;
	int64_t age;

	snprintf(text, sizeof(text), "table=%u,priority=%u,cookie=0x%llx,idle_timeout=%u,"
		 "hard_timeout=%u%s%s,actions=%s", sr->table, sr->priority,
		 (unsigned long long)sr->cookie, sr->idle_timeout, sr->hard_timeout,
		 sr->match[0] ? "," : "", sr->match, sr->actions);
	if (snic_of_rule_parse(text, SNIC_OF_MODE_ADD, &m->of_ports, &of, &oe))
		return mgr_fail(err, -EINVAL, -1, "stored rule %llu no longer parses (%s): %s",
				(unsigned long long)sr->id, text, oe.msg);
	r = calloc(1, sizeof(*r));
	if (!r)
		return mgr_fail(err, -ENOMEM, -1, "out of memory");
	if (mgr_grow(m, m->n_rules + 1) || !(r->own = snic_of_rule_dup(&of)) ||
	    !(r->text = rule_text(m, r->own))) {
		mgr_free_rule(r);
		return mgr_fail(err, -ENOMEM, -1, "out of memory");
	}
	r->id = sr->id;
	age = (int64_t)time(NULL) * 1000 - sr->created_ms;
	r->created_ms = mgr_now(m) - (uint64_t)(age > 0 && (uint64_t)age < mgr_now(m) ? age : 0);
	r->used_ms = mgr_now(m);
	r->of = r->own;
	r->plan_id = m->next_plan_id++;
	mgr_link_rule(m, r);
	if (snic_mgr_plan_add(m->plan, r->plan_id, r->of)) {
		mgr_unlink_rule(m, r);
		mgr_free_rule(r);
		return mgr_fail(err, -ENOMEM, -1, "out of memory");
	}
	mgr_plan_took(m, r);
	mgr_sw_add(m, r);
	return 0;
}

/* ---- staged changes of one request ---- */

enum op_kind { OP_ADD, OP_DEL, OP_MOD };

struct op {
	enum op_kind kind;
	struct mrule *r;            /* the rule (new for ADD) */
	struct snic_of_rule *of;    /* MOD: the new version (compact, owned) */
};

struct batch {
	struct op *v;
	size_t n, cap;
};

/* Push an op; a MOD's of (compact) becomes the batch's, pushed or not. */
static int batch_push(struct batch *b, enum op_kind kind, struct mrule *r,
		      struct snic_of_rule *of)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct op *a = realloc(b->v, cap * sizeof(*a));
		if (!a) {
			free(of);
			return -ENOMEM;
		}
		b->v = a;
		b->cap = cap;
	}
	b->v[b->n].kind = kind;
	b->v[b->n].r = r;
	b->v[b->n].of = of;
	b->n++;
	return 0;
}

static void batch_free(struct batch *b, bool applied)
{
	for (size_t i = 0; i < b->n; i++) {
		if (b->v[i].kind == OP_ADD && !applied)
			mgr_free_rule(b->v[i].r);
		free(b->v[i].of);       /* a MOD's version not taken over */
	}
	free(b->v);
}

/* The version of old a MOD with new's actions makes (compact), or NULL. */
static struct snic_of_rule *mod_version(const struct snic_of_rule *old,
					const struct snic_of_rule *new)
{
	struct snic_of_rule x;

	memcpy(&x, old, offsetof(struct snic_of_rule, actions));
	x.n_actions = new->n_actions;
	memcpy(x.actions, new->actions, snic_of_rule_size(new) -
	       offsetof(struct snic_of_rule, actions));
	x.cookie = new->cookie;
	x.idle_timeout = new->idle_timeout;
	x.hard_timeout = new->hard_timeout;
	return snic_of_rule_dup(&x);
}

/* Write the batch to the store in one transaction. */
static int batch_store(struct snic_mgr *m, struct batch *b, struct snic_mgr_err *err)
{
	int rc = 0;

	if (!m->store || !b->n)
		return 0;
	if ((rc = snic_mgr_store_begin(m->store)))
		return mgr_fail(err, rc, -1, "state store: %s", snic_mgr_store_error(m->store));
	for (size_t i = 0; i < b->n && !rc; i++) {
		struct op *o = &b->v[i];

		if (o->kind == OP_DEL) {
			rc = snic_mgr_store_del_rule(m->store, o->r->id);
		} else if (o->kind == OP_ADD) {
			rc = store_put(m, o->r);
		} else {
			struct mrule tmp = *o->r;
			tmp.of = o->of;         /* the new version */
			rc = store_put(m, &tmp);
		}
	}
	if (rc) {
		mgr_fail(err, rc, -1, "state store: %s", snic_mgr_store_error(m->store));
		snic_mgr_store_rollback(m->store);
		return rc;
	}
	if ((rc = snic_mgr_store_commit(m->store)))
		return mgr_fail(err, rc, -1, "state store: %s", snic_mgr_store_error(m->store));
	return 0;
}

/* Hardware counters of r now: the planner's (its hardware rules now and
 * the ones its planner id had before, snic_mgr_plan_hw_counters) + r's base
 * (of its earlier versions: mod-flows).  On a failed query, the known part
 * with *error set. */
void mgr_hw_counts(struct snic_mgr *m, const struct mrule *r, uint64_t *pk,
		      uint64_t *by, char *error, size_t len)
{
	int rc = snic_mgr_plan_hw_counters(m->plan, r->plan_id, pk, by, error, len);

	if (rc == -ENODATA || rc == -ENOENT || rc == 0)
		error[0] = 0;   /* else the planner said why */
	*pk += r->hw_base_packets;
	*by += r->hw_base_bytes;
}

/* Apply a stored batch to memory and the planner, then sync. */
static void batch_apply(struct snic_mgr *m, struct batch *b)
{
	/* the old versions, to name them if their hardware stays */
	struct mgr_gone *g = calloc(b->n ? b->n : 1, sizeof(*g));
	size_t n_g = 0;

	for (size_t i = 0; i < b->n; i++) {
		struct op *o = &b->v[i];
		struct mrule *r = o->r;

		if (g && o->kind != OP_ADD && !r->plan_rc) {
			g[n_g].id = r->id;
			g[n_g].plan_id = r->plan_id;
			g[n_g++].text = strdup(r->text);
		}
		switch (o->kind) {
		case OP_ADD:
			mgr_link_rule(m, r);
			mgr_plan_rule(m, r);
			mgr_sw_add(m, r);
			break;
		case OP_DEL:
			if (!r->plan_rc)
				snic_mgr_plan_del(m->plan, r->plan_id);
			mgr_sw_del(m, r);
			mgr_unlink_rule(m, r);
			mgr_free_rule(r);
			break;
		case OP_MOD: {
			char e[16];
			uint64_t pk, by;
			char *text;

			/* keep the counts of the hardware rules going away (a
			 * new planner id starts from 0); add-flow of an existing
			 * identity is a new rule instead: its counts start at 0 */
			mgr_hw_counts(m, r, &pk, &by, e, sizeof(e));
			r->hw_base_packets = pk;
			r->hw_base_bytes = by;
			if (!r->plan_rc)
				snic_mgr_plan_del(m->plan, r->plan_id);
			mgr_sw_del(m, r);
			mgr_unlink_rule(m, r);
			mgr_rule_set(r, o->of); /* taken over */
			o->of = NULL;
			text = rule_text(m, r->of);
			if (text) {
				free(r->text);
				r->text = text;
			}
			r->plan_id = m->next_plan_id++;
			mgr_link_rule(m, r);
			mgr_plan_rule(m, r);
			mgr_sw_add(m, r);
			break;
		}
		}
	}
	mgr_sync(m);
	if (g)
		mgr_report_stuck(m, g, n_g);
}

static void free_all(struct snic_of_rule **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* Parse texts (ADD mode) into compact rules v[]; err names the bad one. */
static int parse_all(struct snic_mgr *m, const char *const *texts, size_t n,
		     struct snic_of_rule ***out, struct snic_mgr_err *err)
{
	struct snic_of_rule **v = calloc(n ? n : 1, sizeof(*v));
	struct snic_of_rule r;
	struct snic_of_error oe;

	if (!v)
		return mgr_fail(err, -ENOMEM, -1, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (snic_of_rule_parse(texts[i], SNIC_OF_MODE_ADD, &m->of_ports, &r, &oe)) {
			free_all(v, i);
			return mgr_fail(err, oe.code, (long long)i, "rule %zu: %s", i + 1,
					oe.msg);
		}
		if (!(v[i] = snic_of_rule_dup(&r))) {
			free_all(v, i);
			return mgr_fail(err, -ENOMEM, -1, "out of memory");
		}
	}
	*out = v;
	return 0;
}

/* A new rule owning *of (compact; *of is then NULL). */
static struct mrule *new_rule(struct snic_mgr *m, struct snic_of_rule **of,
			      uint64_t id)
{
	struct mrule *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->text = rule_text(m, *of);
	if (!r->text) {
		free(r);
		return NULL;
	}
	mgr_rule_set(r, *of);
	*of = NULL;
	r->id = id;
	r->plan_id = m->next_plan_id++;
	r->created_ms = r->used_ms = mgr_now(m);
	return r;
}

/* Identity order: table, priority, match hash, then position. */
struct ident {
	uint32_t h;
	size_t i;
	const struct snic_of_rule *r;
};

static int ident_cmp(const void *a, const void *b)
{
	const struct ident *x = a, *y = b;

	if (x->r->table != y->r->table)
		return x->r->table < y->r->table ? -1 : 1;
	if (x->r->priority != y->r->priority)
		return x->r->priority < y->r->priority ? -1 : 1;
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* superseded[i]: a later rule of v has the same identity (it wins). */
static int find_superseded(struct snic_of_rule *const *v, size_t n, bool *superseded)
{
	struct ident *id = malloc((n ? n : 1) * sizeof(*id));

	if (!id)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		id[i].h = snic_of_match_hash(&v[i]->match, 0);
		id[i].i = i;
		id[i].r = v[i];
		superseded[i] = false;
	}
	if (n)
		qsort(id, n, sizeof(*id), ident_cmp);
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b < n && id[b].h == id[a].h &&
		     id[b].r->table == id[a].r->table && id[b].r->priority == id[a].r->priority; b++)
			if (snic_of_match_equal(&id[a].r->match, &id[b].r->match)) {
				superseded[id[a].i] = true;     /* b comes later */
				break;
			}
	free(id);
	return 0;
}

/* Stage the addition of v[0..n): a rule with an existing identity replaces
 * it (ovs-ofctl add-flow); a later rule of the batch replaces an earlier.
 * The new rules take their v[i] over (NULL then). */
static int stage_adds(struct snic_mgr *m, struct snic_of_rule **v, size_t n,
		      struct batch *b, uint64_t *added, struct snic_mgr_err *err)
{
	uint64_t id = m->next_id;
	bool *superseded = malloc((n ? n : 1) * sizeof(*superseded));

	if (!superseded || find_superseded(v, n, superseded)) {
		free(superseded);
		return mgr_fail(err, -ENOMEM, -1, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		struct mrule *old, *r;

		if (superseded[i])
			continue;       /* the later one wins */
		old = mgr_find_key(m, v[i]);
		if (old && batch_push(b, OP_DEL, old, NULL))
			goto nomem;
		r = new_rule(m, &v[i], id++);
		if (!r || batch_push(b, OP_ADD, r, NULL)) {
			if (r)
				mgr_free_rule(r);
			goto nomem;
		}
		(*added)++;
	}
	free(superseded);
	return 0;
nomem:
	free(superseded);
	return mgr_fail(err, -ENOMEM, -1, "out of memory");
}

int snic_mgr_add_flows(struct snic_mgr *m, const char *const *texts, size_t n,
		       uint64_t *added, struct snic_mgr_err *err)
{
	struct snic_of_rule **v = NULL;
	struct batch b = { 0 };
	uint64_t count = 0;
	int rc;

	*added = 0;
	if ((rc = parse_all(m, texts, n, &v, err)))
		return rc;
	if ((rc = mgr_grow(m, m->n_rules + n)) ||
	    (rc = stage_adds(m, v, n, &b, &count, err)) ||
	    (rc = batch_store(m, &b, err))) {
		if (rc == -ENOMEM && err && !err->msg[0])
			mgr_fail(err, rc, -1, "out of memory");
		free_all(v, n);
		batch_free(&b, false);
		return rc;
	}
	m->next_id += count;
	/* the replaced ones: DEL ops come before their ADD in the batch */
	batch_apply(m, &b);
	batch_free(&b, true);
	free_all(v, n);
	*added = count;
	return 0;
}

/* Does filter select r?  (ovs-ofctl: non-strict = the filter's fields are
 * a subset of the rule's; strict = same priority and match) */
bool mgr_selects(const struct snic_of_rule *f, const struct mrule *r, bool strict)
{
	const struct snic_of_rule *o = r->of;

	if (f->table != SNIC_OF_TABLE_ALL && f->table != o->table)
		return false;
	if ((o->cookie & f->cookie_mask) != f->cookie)
		return false;
	if (f->out_port != SNIC_OF_PORT_ANY) {
		bool out = false;
		for (unsigned i = 0; i < o->n_actions && !out; i++)
			out = o->actions[i].type == SNIC_OF_ACT_OUTPUT &&
			      o->actions[i].u.port == f->out_port;
		if (!out)
			return false;
	}
	if (strict)
		return o->priority == f->priority && snic_of_match_equal(&o->match, &f->match);
	return snic_of_match_subset(&o->match, &f->match);
}

int snic_mgr_del_flows(struct snic_mgr *m, const char *match, bool strict,
		       uint64_t *deleted, struct snic_mgr_err *err)
{
	struct snic_of_rule f;
	struct snic_of_error oe;
	struct batch b = { 0 };
	struct mrule **all;
	size_t n = 0;
	int rc;

	*deleted = 0;
	if (snic_of_rule_parse(match ? match : "", strict ? SNIC_OF_MODE_MATCH_STRICT :
			       SNIC_OF_MODE_MATCH, &m->of_ports, &f, &oe))
		return mgr_fail(err, oe.code, -1, "%s", oe.msg);
	if (!(all = mgr_all_rules(m, &n)))
		return mgr_fail(err, -ENOMEM, -1, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (mgr_selects(&f, all[i], strict) && batch_push(&b, OP_DEL, all[i], NULL)) {
			free(all);
			batch_free(&b, false);
			return mgr_fail(err, -ENOMEM, -1, "out of memory");
		}
	free(all);
	if ((rc = batch_store(m, &b, err))) {
		batch_free(&b, false);
		return rc;
	}
	batch_apply(m, &b);
	*deleted = b.n;
	batch_free(&b, true);
	return 0;
}

int snic_mgr_mod_flows(struct snic_mgr *m, const char *const *texts, size_t n,
		       bool strict, uint64_t *modified, struct snic_mgr_err *err)
{
	struct snic_of_rule **v = NULL;
	struct batch b = { 0 };
	struct mrule **all = NULL;
	size_t na = 0;
	int rc;

	*modified = 0;
	if ((rc = parse_all(m, texts, n, &v, err)))
		return rc;
	if (!(all = mgr_all_rules(m, &na))) {
		free(v);
		return mgr_fail(err, -ENOMEM, -1, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		struct snic_of_rule f;

		memcpy(&f, v[i], snic_of_rule_size(v[i]));
		f.cookie_mask = 0;
		f.out_port = SNIC_OF_PORT_ANY;
		for (size_t k = 0; k < na; k++) {
			struct snic_of_rule *nv;

			if (!mgr_selects(&f, all[k], strict))
				continue;
			if (!(nv = mod_version(all[k]->of, v[i])) ||
			    batch_push(&b, OP_MOD, all[k], nv)) {
				rc = mgr_fail(err, -ENOMEM, -1, "out of memory");
				goto out;
			}
		}
	}
	if ((rc = batch_store(m, &b, err)))
		goto out;
	batch_apply(m, &b);
	*modified = b.n;
out:
	free(all);
	free_all(v, n);
	batch_free(&b, rc == 0);
	return rc;
}

static bool same_actions(const struct snic_of_rule *a, const struct snic_of_rule *b)
{
	struct snic_of_rule x;

	memcpy(&x, a, snic_of_rule_size(a));    /* a may be compact */
	x.match = b->match;
	x.table = b->table;
	x.priority = b->priority;
	return snic_of_rule_equal(&x, b);
}

int snic_mgr_replace_flows(struct snic_mgr *m, const char *const *texts, size_t n,
			   uint64_t *added, uint64_t *deleted, uint64_t *modified,
			   struct snic_mgr_err *err)
{
	struct snic_of_rule **v = NULL;
	struct batch b = { 0 };
	struct mrule **all = NULL;
	bool *keep = NULL, *superseded = NULL;
	uint64_t id = m->next_id;
	size_t na = 0;
	int rc;

	*added = *deleted = *modified = 0;
	if ((rc = parse_all(m, texts, n, &v, err)))
		return rc;
	all = mgr_all_rules(m, &na);
	keep = calloc(na ? na : 1, sizeof(*keep));
	superseded = malloc((n ? n : 1) * sizeof(*superseded));
	if (!all || !keep || !superseded || (rc = mgr_grow(m, m->n_rules + n)) ||
	    find_superseded(v, n, superseded)) {
		rc = mgr_fail(err, -ENOMEM, -1, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct mrule *old, *r;

		if (superseded[i])
			continue;       /* as add-flows: the later one wins */
		old = mgr_find_key(m, v[i]);
		if (old) {
			struct snic_of_rule *nv;

			for (size_t k = 0; k < na; k++)
				keep[k] |= all[k] == old;
			if (same_actions(old->of, v[i]))
				continue;
			if (!(nv = mod_version(old->of, v[i])) ||
			    batch_push(&b, OP_MOD, old, nv))
				goto nomem;
			(*modified)++;
			continue;
		}
		r = new_rule(m, &v[i], id++);
		if (!r || batch_push(&b, OP_ADD, r, NULL)) {
			if (r)
				mgr_free_rule(r);
			goto nomem;
		}
		(*added)++;
	}
	for (size_t k = 0; k < na; k++)
		if (!keep[k]) {
			if (batch_push(&b, OP_DEL, all[k], NULL))
				goto nomem;
			(*deleted)++;
		}
	if ((rc = batch_store(m, &b, err)))
		goto out;
	m->next_id = id;
	batch_apply(m, &b);
	goto out;
nomem:
	rc = mgr_fail(err, -ENOMEM, -1, "out of memory");
out:
	if (rc)
		*added = *deleted = *modified = 0;
	free(superseded);
	free(keep);
	free(all);
	free_all(v, n);
	batch_free(&b, rc == 0);
	return rc;
}

int snic_mgr_canonical(struct snic_mgr *m, const char *text, char **out,
		       struct snic_mgr_err *err)
{
	struct snic_of_rule r;
	struct snic_of_error oe;

	if (snic_of_rule_parse(text, SNIC_OF_MODE_ADD, &m->of_ports, &r, &oe))
		return mgr_fail(err, oe.code, -1, "%s", oe.msg);
	*out = rule_text(m, &r);
	return *out ? 0 : mgr_fail(err, -ENOMEM, -1, "out of memory");
}

/* ---- timeouts ---- */

unsigned snic_mgr_tick(struct snic_mgr *m)
{
	uint64_t now = mgr_now(m);

	if (mgr_neigh_tick(m)) {
		mgr_neigh_changed(m);
		mgr_sync(m);
	}
	mgr_tick_retry(m);
	struct batch b = { 0 };
	struct snic_mgr_err err;
	unsigned removed = 0;

	for (size_t i = 0; i < m->hsize; i++)
		for (struct mrule *r = m->by_id[i]; r; r = r->id_next) {
			bool expire = false;

			if (r->of->hard_timeout &&
			    now - r->created_ms >= (uint64_t)r->of->hard_timeout * 1000u)
				expire = true;
			if (r->of->idle_timeout && !expire) {
				uint64_t pk, by;
				char e[256];

				mgr_hw_counts(m, r, &pk, &by, e, sizeof(e));
				if (e[0]) {
					/* unknown: never idle on a failed read */
					r->seen_valid = false;
				} else {
					uint64_t sp, sb;
					uint64_t total;

					mgr_sw_counts(m, r, &sp, &sb);
					total = pk + sp;

					if (!r->seen_valid || total != r->seen_packets)
						r->used_ms = now;
					r->seen_packets = total;
					r->seen_valid = true;
					expire = now - r->used_ms >=
						 (uint64_t)r->of->idle_timeout * 1000u;
				}
			}
			if (expire && !batch_push(&b, OP_DEL, r, NULL))
				removed++;
		}
	if (b.n && !batch_store(m, &b, &err))
		batch_apply(m, &b);
	else
		removed = 0;
	batch_free(&b, true);
	return removed;
}
