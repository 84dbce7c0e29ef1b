/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flow_recover.c - attaching to a NIC whose steering another context left
 * behind (an application that crashed or was killed without closing its
 * ports): flush it, or adopt it.
 *
 * Adoption reads every firmware object back (LIST_OBJECTS + the QUERY
 * commands) and rebuilds the context's bookkeeping from them: tables by
 * level, groups by (level, mask), encap contexts by template, and one
 * orphan rule per flow entry.  Orphans keep forwarding and counting.  A
 * later create of a rule that translates to the same group, priority and
 * match takes its orphan over when the actions are the same too (no
 * firmware command at all: the entry, its counter and the counter's value
 * stay), and replaces it otherwise.  snic_flow_flush_orphans() removes the
 * orphans nobody took over.  Objects no entry uses (the remains of a create
 * that was interrupted) are freed during adoption.
 *
 * Only what this library itself creates can be adopted: tables with the
 * default miss at levels 0..max-table-level (the root at 0), at most one
 * per level; entries whose encap destinations share one context; single
 * counters.  Anything else means another tool steers the NIC, and adoption
 * refuses with -EBUSY rather than guess.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_internal.h"
#include "snic_fw.h"

/* What adoption found, keyed by firmware id (freed at the end). */
struct scan {
	struct snic_flow_ctx *ctx;
	char *err;
	size_t errlen;
	uint32_t *table_level;   /* [max_tables]: level + 1, 0 = not ours */
	struct flow_group **group_by_id;       /* [max_groups] */
	struct flow_reformat **reformat_by_id; /* [max_encap] */
	struct snic_ifc_query_modify_out **modify_by_id; /* [max_modify] */
	uint8_t *modify_refs;    /* [max_modify]: entries using it (0/1+) */
	uint8_t *counter_state;  /* [max_counters]: 1 bulk of 1, 2 used */
};

static int fw_fail(struct scan *s, const char *doing)
{
	char buf[200];

	snprintf(s->err, s->errlen, "%s: %s", doing,
		 snic_fwc_strerror(s->ctx->fwc, buf, sizeof(buf)));
	return -EIO;
}

static int foreign(struct scan *s, const char *what, uint32_t id, uint32_t v)
{
	snprintf(s->err, s->errlen, "the NIC holds steering objects this driver "
		 "did not make (%s %u: %u), so they cannot be adopted; attach "
		 "with flow_recover=flush to remove them", what, id, v);
	return -EBUSY;
}

/* Call fn for every live object of type, in id order. */
static int each(struct scan *s, uint32_t type, const char *doing,
		int (*fn)(struct scan *s, uint32_t id, uint32_t aux))
{
	struct snic_ifc_list_item items[SNIC_IFC_MAX_LIST];
	uint32_t start = 0, n, next;
	int rc;

	do {
		if (snic_fwc_list_objects(s->ctx->fwc, type, start, SNIC_IFC_MAX_LIST,
					  items, &n, &next) != SNIC_SYN_OK)
			return fw_fail(s, doing);
		for (uint32_t i = 0; i < n; i++)
			if ((rc = fn(s, items[i].id, items[i].aux)))
				return rc;
		if (next != SNIC_LIST_END && next <= start)
			return foreign(s, "list position", start, next);
		start = next;
	} while (next != SNIC_LIST_END);
	return 0;
}

static int on_table(struct scan *s, uint32_t id, uint32_t level)
{
	struct snic_flow_ctx *ctx = s->ctx;
	struct snic_ifc_query_table_out q;
	uint32_t flags;

	if (id >= ctx->caps.max_tables || level > ctx->caps.max_table_level)
		return foreign(s, "table, level", id, level);
	if (snic_fwc_query_table(ctx->fwc, id, &q) != SNIC_SYN_OK)
		return fw_fail(s, "reading a flow table");
	flags = snic_ifc_le32(q.flags);
	if (snic_ifc_le32(q.miss) != SNIC_MISS_DEFAULT)
		return foreign(s, "table, miss behaviour", id, snic_ifc_le32(q.miss));
	if ((flags != 0 && flags != SNIC_TABLE_F_ROOT) ||
	    (flags == SNIC_TABLE_F_ROOT) != (level == 0) || ctx->tables[level].used)
		return foreign(s, "table, level", id, level);
	ctx->tables[level].used = true;
	ctx->tables[level].fw_id = id;
	ctx->tables[level].refs = level == 0;   /* the context's own on the root */
	ctx->use.tables++;
	s->table_level[id] = level + 1;
	return 0;
}

static int on_group(struct scan *s, uint32_t id, uint32_t table)
{
	struct snic_flow_ctx *ctx = s->ctx;
	struct snic_ifc_query_group_out q;
	struct flow_group *g;
	uint32_t level;

	if (id >= ctx->caps.max_groups || table >= ctx->caps.max_tables ||
	    !s->table_level[table])
		return foreign(s, "group, table", id, table);
	level = s->table_level[table] - 1;
	if (snic_fwc_query_group(ctx->fwc, id, &q) != SNIC_SYN_OK)
		return fw_fail(s, "reading a flow group");
	if (flow_group_find(ctx, level, &q.mask))
		return foreign(s, "group with a duplicate mask, table", id, table);
	g = calloc(1, sizeof(*g));
	if (!g) {
		snprintf(s->err, s->errlen, "out of memory");
		return -ENOMEM;
	}
	g->group = level;
	g->fw_id = id;
	g->mask = q.mask;
	g->next = ctx->groups;
	ctx->groups = g;
	ctx->tables[level].n_groups++;
	ctx->use.groups++;
	s->group_by_id[id] = g;
	return 0;
}

static int on_reformat(struct scan *s, uint32_t id, uint32_t refs)
{
	struct snic_flow_ctx *ctx = s->ctx;
	struct snic_ifc_query_reformat_out q;
	struct flow_reformat *r;
	uint32_t len;

	(void)refs;
	if (id >= ctx->caps.max_encap)
		return foreign(s, "encap context", id, 0);
	if (snic_fwc_query_reformat(ctx->fwc, id, &q) != SNIC_SYN_OK)
		return fw_fail(s, "reading an encap context");
	len = snic_ifc_le32(q.len);
	if (snic_ifc_le32(q.type) != SNIC_REFORMAT_VXLAN_ENCAP ||
	    len > SNIC_IFC_MAX_REFORMAT || flow_reformat_find(ctx, q.data, len))
		return foreign(s, "encap context, type", id, snic_ifc_le32(q.type));
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(s->err, s->errlen, "out of memory");
		return -ENOMEM;
	}
	r->fw_id = id;
	r->len = len;
	memcpy(r->data, q.data, len);
	r->next = ctx->reformats;
	ctx->reformats = r;
	ctx->use.reformats++;
	s->reformat_by_id[id] = r;
	return 0;
}

static int on_modify(struct scan *s, uint32_t id, uint32_t refs)
{
	struct snic_flow_ctx *ctx = s->ctx;
	struct snic_ifc_query_modify_out *q;

	(void)refs;
	if (id >= ctx->caps.max_modify)
		return foreign(s, "header-rewrite list", id, 0);
	q = malloc(sizeof(*q));
	if (!q) {
		snprintf(s->err, s->errlen, "out of memory");
		return -ENOMEM;
	}
	if (snic_fwc_query_modify(ctx->fwc, id, q) != SNIC_SYN_OK) {
		free(q);
		return fw_fail(s, "reading a header-rewrite list");
	}
	s->modify_by_id[id] = q;
	ctx->use.modifies++;
	return 0;
}

static int on_counters(struct scan *s, uint32_t base, uint32_t size)
{
	if (base >= s->ctx->caps.max_counters || size != 1)
		return foreign(s, "counter bulk, size", base, size);
	s->counter_state[base] = 1;
	s->ctx->use.counters++;
	return 0;
}

/* The orphan rule of one flow entry. */
static int on_entry(struct scan *s, uint32_t id, uint32_t gid)
{
	struct snic_flow_ctx *ctx = s->ctx;
	struct snic_ifc_query_entry_out q;
	struct snic_ifc_actions *a;
	struct flow_reformat *r = NULL;
	struct flow_group *g;
	struct snic_flow *f;
	uint32_t flags, mod, cnt, n_ops, kept;

	if (gid >= ctx->caps.max_groups || !(g = s->group_by_id[gid]))
		return foreign(s, "entry, group", id, gid);
	if (snic_fwc_query_entry(ctx->fwc, id, &q) != SNIC_SYN_OK)
		return fw_fail(s, "reading a flow entry");
	a = &q.actions;
	flags = snic_ifc_le32(a->flags);
	for (unsigned i = 0; i < a->n_dests && i < SNIC_IFC_MAX_DESTS; i++) {
		uint32_t rid = snic_ifc_le32(a->dests[i].reformat);

		if (!(a->dests[i].flags & SNIC_DEST_F_REFORMAT))
			continue;
		if (rid >= ctx->caps.max_encap || !s->reformat_by_id[rid] ||
		    (r && r != s->reformat_by_id[rid]))
			return foreign(s, "entry, encap context", id, rid);
		r = s->reformat_by_id[rid];
	}
	mod = snic_ifc_le32(a->modify);
	if ((flags & SNIC_ACT_MODIFY) &&
	    (mod >= ctx->caps.max_modify || !s->modify_by_id[mod] ||
	     s->modify_refs[mod]))
		return foreign(s, "entry, header-rewrite list", id, mod);
	cnt = snic_ifc_le32(a->counter);
	if ((flags & SNIC_ACT_COUNT) &&
	    (cnt >= ctx->caps.max_counters || s->counter_state[cnt] != 1))
		return foreign(s, "entry, counter", id, cnt);
	if ((flags & SNIC_ACT_GOTO) &&
	    (snic_ifc_le32(a->goto_table) >= ctx->caps.max_tables ||
	     !s->table_level[snic_ifc_le32(a->goto_table)]))
		return foreign(s, "entry, goto table", id, snic_ifc_le32(a->goto_table));

	/* as the NIC says (more than the most never equals a new rule's) */
	n_ops = (flags & SNIC_ACT_MODIFY) ? snic_ifc_le32(s->modify_by_id[mod]->n_ops) : 0;
	kept = n_ops < SNIC_IFC_MAX_MODIFY_OPS ? n_ops : SNIC_IFC_MAX_MODIFY_OPS;
	f = calloc(1, sizeof(*f));
	if (f)
		f->orphan = malloc(sizeof(*f->orphan) + kept * sizeof(f->orphan->ops[0]));
	if (!f || !f->orphan) {
		free(f);
		snprintf(s->err, s->errlen, "out of memory");
		return -ENOMEM;
	}
	f->magic = FLOW_MAGIC;
	f->ctx = ctx;
	f->group = g->group;
	f->priority = snic_ifc_le32(q.priority);
	f->value = q.value;
	f->grp = g;
	f->reformat = r;
	f->entry = id;
	f->modify = f->counter = SNIC_FLOW_NO_ID;
	f->jump_group = UINT32_MAX;
	f->orphan->act = *a;
	f->orphan->n_ops = n_ops;
	if (flags & SNIC_ACT_MODIFY) {
		f->modify = mod;
		s->modify_refs[mod] = 1;
		memcpy(f->orphan->ops, s->modify_by_id[mod]->ops,
		       kept * sizeof(f->orphan->ops[0]));
	}
	if (flags & SNIC_ACT_COUNT) {
		f->counter = cnt;
		s->counter_state[cnt] = 2;
	}
	if (flags & SNIC_ACT_GOTO) {
		f->jump_group = s->table_level[snic_ifc_le32(a->goto_table)] - 1;
		ctx->tables[f->jump_group].refs++;
	}
	ctx->tables[f->group].refs++;
	g->refs++;
	if (r)
		r->refs++;
	ctx->use.flows++;
	ctx->use.orphans++;
	flow_link(ctx, f);
	return 0;
}

/* Free what no entry uses: the remains of an interrupted create. */
static int sweep(struct scan *s)
{
	struct snic_flow_ctx *ctx = s->ctx;
	struct snic_fwc *c = ctx->fwc;
	const struct snic_flow_caps *cp = &ctx->caps;

	for (uint32_t id = 0; id < cp->max_modify; id++)
		if (s->modify_by_id[id] && !s->modify_refs[id]) {
			if (snic_fwc_dealloc_modify(c, id) != SNIC_SYN_OK)
				return fw_fail(s, "freeing an unused header-rewrite list");
			ctx->use.modifies--;
		}
	for (uint32_t id = 0; id < cp->max_counters; id++)
		if (s->counter_state[id] == 1) {
			if (snic_fwc_dealloc_counters(c, id) != SNIC_SYN_OK)
				return fw_fail(s, "freeing an unused counter");
			ctx->use.counters--;
		}
	if (flow_put_unused(ctx))
		return fw_fail(s, "destroying an unused flow object");
	return 0;
}

static int adopt(struct snic_flow_ctx *ctx, char *err, size_t errlen)
{
	const struct snic_flow_caps *c = &ctx->caps;
	struct scan s = { .ctx = ctx, .err = err, .errlen = errlen };
	int rc = -ENOMEM;

	s.table_level = calloc(c->max_tables, sizeof(*s.table_level));
	s.group_by_id = calloc(c->max_groups, sizeof(*s.group_by_id));
	s.reformat_by_id = calloc(c->max_encap ? c->max_encap : 1, sizeof(*s.reformat_by_id));
	s.modify_by_id = calloc(c->max_modify ? c->max_modify : 1, sizeof(*s.modify_by_id));
	s.modify_refs = calloc(c->max_modify ? c->max_modify : 1, 1);
	s.counter_state = calloc(c->max_counters ? c->max_counters : 1, 1);
	if (!s.table_level || !s.group_by_id || !s.reformat_by_id ||
	    !s.modify_by_id || !s.modify_refs || !s.counter_state) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if ((rc = each(&s, SNIC_OBJ_TABLE, "listing flow tables", on_table)) ||
	    (rc = each(&s, SNIC_OBJ_GROUP, "listing flow groups", on_group)) ||
	    (rc = each(&s, SNIC_OBJ_REFORMAT, "listing encap contexts", on_reformat)) ||
	    (rc = each(&s, SNIC_OBJ_MODIFY, "listing header-rewrite lists", on_modify)) ||
	    (rc = each(&s, SNIC_OBJ_COUNTERS, "listing counters", on_counters)) ||
	    (rc = each(&s, SNIC_OBJ_ENTRY, "listing flow entries", on_entry)))
		goto out;
	if (!ctx->tables[0].used) {
		rc = foreign(&s, "root table missing; tables", 0, ctx->use.tables);
		goto out;
	}
	rc = sweep(&s);
out:
	if (s.modify_by_id)
		for (uint32_t i = 0; i < c->max_modify; i++)
			free(s.modify_by_id[i]);
	free(s.table_level);
	free(s.group_by_id);
	free(s.reformat_by_id);
	free(s.modify_by_id);
	free(s.modify_refs);
	free(s.counter_state);
	return rc;
}

int flow_recover(struct snic_flow_ctx *ctx, enum snic_flow_recover mode,
		 char *err, size_t errlen)
{
	struct snic_ifc_reset_steering_out out;
	char buf[200];
	int rc;

	switch (mode) {
	case SNIC_FLOW_RECOVER_FLUSH:
		if (snic_fwc_reset_steering(ctx->fwc, &out) != SNIC_SYN_OK) {
			snprintf(err, errlen, "removing the steering left in the "
				 "NIC: %s", snic_fwc_strerror(ctx->fwc, buf, sizeof(buf)));
			return -EIO;
		}
		ctx->flushed = snic_ifc_le32(out.entries);
		return 0;
	case SNIC_FLOW_RECOVER_ADOPT:
		rc = adopt(ctx, err, errlen);
		if (rc)
			flow_drop_all(ctx);   /* forget, touching nothing */
		return rc;
	default:
		snprintf(err, errlen, "the NIC's root flow table exists already: "
			 "another driver instance or tool steers this e-switch "
			 "(attach with flow_recover=flush to remove what a crashed "
			 "one left, or flow_recover=adopt to keep it)");
		return -EBUSY;
	}
}

/* ---- taking orphans over ---- */

bool flow_orphan_same(const struct flow_xlate *x, const struct snic_flow *f)
{
	const struct snic_ifc_actions *a = &f->orphan->act;

	if (snic_ifc_le32(a->flags) != x->act_flags || a->n_dests != x->n_dests ||
	    a->pop_vlan != x->pop)
		return false;
	if ((x->act_flags & SNIC_ACT_PUSH_VLAN) &&
	    (snic_ifc_le16(a->push_tpid) != x->push_tpid ||
	     snic_ifc_le16(a->push_tci) != x->push_tci))
		return false;
	if (x->jump && f->jump_group != x->jump_group)
		return false;
	for (unsigned i = 0; i < x->n_dests; i++)
		if (a->dests[i].type != x->dests[i].type ||
		    snic_ifc_le16(a->dests[i].vport) != x->dests[i].vport ||
		    !!(a->dests[i].flags & SNIC_DEST_F_REFORMAT) != x->dests[i].encap)
			return false;
	if (x->encap && (!f->reformat || f->reformat->len != x->tmpl_len ||
			 memcmp(f->reformat->data, x->tmpl, x->tmpl_len)))
		return false;
	return f->orphan->n_ops == x->n_ops &&
	       !memcmp(f->orphan->ops, x->ops, x->n_ops * sizeof(x->ops[0]));
}

void flow_orphan_adopt(struct snic_flow_ctx *ctx, struct snic_flow *f)
{
	free(f->orphan);
	f->orphan = NULL;
	ctx->use.orphans--;
}

unsigned snic_flow_orphans(const struct snic_flow_ctx *ctx)
{
	return ctx ? ctx->use.orphans : 0;
}

int snic_flow_flush_orphans(struct snic_flow_ctx *ctx, struct rte_flow_error *error)
{
	struct snic_flow *f, *prev;
	int rc = 0;

	if (!ctx)
		return flow_error(NULL, error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
				  NULL, "no flow context (the port is not attached)");
	/* newest first, as flush does: JUMP targets and shared objects last */
	for (f = ctx->flows_tail; f; f = prev) {
		prev = f->prev;
		if (!f->orphan)
			continue;
		int r = flow_release(ctx, f, rc ? NULL : error);
		if (r && !rc)
			rc = r;
	}
	return rc;
}
