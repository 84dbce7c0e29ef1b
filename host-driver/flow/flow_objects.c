/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flow_objects.c - the firmware objects behind rules: tables (one per
 * rte_flow group in use), groups (one per distinct group + mask), reformat
 * contexts (one per distinct encap header), modify-header contexts and
 * counters (one per rule), entries (one per rule).
 *
 * Tables, groups and reformats are shared and reference counted; the last
 * rule to let go destroys them.  flow_check_room() predicts, from the
 * context's own bookkeeping and the board's capacities, whether a commit
 * would run out of anything, so validate and create refuse alike.  The
 * firmware can still refuse (another owner used the resources); the commit
 * then undoes every step it did, in reverse, so a failed create leaves
 * nothing behind.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_internal.h"
#include "snic_fw.h"

/* ---- lookups ---- */

uint32_t flow_hash(uint32_t group, uint32_t prio, const struct snic_ifc_match *v)
{
	const uint8_t *p = (const uint8_t *)v;
	uint32_t h = 2166136261u ^ group;

	h = (h ^ prio) * 16777619u;
	for (size_t i = 0; i < sizeof(*v); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

struct flow_group *flow_group_find(struct snic_flow_ctx *ctx, uint32_t group,
				   const struct snic_ifc_match *mask)
{
	for (struct flow_group *g = ctx->groups; g; g = g->next)
		if (g->group == group && !memcmp(&g->mask, mask, sizeof(*mask)))
			return g;
	return NULL;
}

struct flow_reformat *flow_reformat_find(struct snic_flow_ctx *ctx,
					 const uint8_t *data, uint32_t len)
{
	for (struct flow_reformat *r = ctx->reformats; r; r = r->next)
		if (r->len == len && !memcmp(r->data, data, len))
			return r;
	return NULL;
}

static struct snic_flow *dup_find(struct snic_flow_ctx *ctx,
				  const struct flow_xlate *x)
{
	uint32_t h = flow_hash(x->group, x->priority, &x->value) & (ctx->hash_size - 1);

	for (struct snic_flow *f = ctx->hash[h]; f; f = f->hnext)
		if (f->group == x->group && f->priority == x->priority &&
		    !memcmp(&f->value, &x->value, sizeof(f->value)) &&
		    !memcmp(&f->grp->mask, &x->mask, sizeof(x->mask)))
			return f;
	return NULL;
}

/* ---- firmware errors ---- */

int flow_fw_error(struct snic_flow_ctx *ctx, struct rte_flow_error *error,
		  uint32_t syn, enum rte_flow_error_type type, const void *cause,
		  const char *doing)
{
	char fw[200];
	int code;

	switch (syn == SNIC_FWC_ETRANSPORT || syn == SNIC_FWC_ESHORT ? 0xff :
		ctx->fwc->last_status) {
	case SNIC_STATUS_NO_RESOURCES:
		code = ENOSPC;
		break;
	case SNIC_STATUS_BAD_PARAM:
		code = EINVAL;
		break;
	case SNIC_STATUS_BAD_RESOURCE:
		code = ENOENT;
		break;
	case SNIC_STATUS_BAD_STATE:
		code = syn == SNIC_SYN_ENTRY_DUPLICATE ? EEXIST : EBUSY;
		break;
	case SNIC_STATUS_PERMISSION:
		code = EPERM;
		break;
	default:
		code = EIO;
		break;
	}
	snic_fwc_strerror(ctx->fwc, fw, sizeof(fw));
	return flow_error(ctx, error, code, type, cause, "%s: the NIC refused: %s",
			  doing, fw);
}

/* ---- capacity ---- */

int flow_check_room(struct flow_xlate *x)
{
	struct snic_flow_ctx *ctx = x->ctx;
	const struct snic_flow_caps *c = &ctx->caps;
	const struct snic_flow_usage *u = &ctx->use;
	struct snic_flow *dup = dup_find(ctx, x);
	unsigned need_tables = 0;

	uint32_t freed_flows = 0, freed_counters = 0, freed_modifies = 0;

	x->adopt = x->replace = NULL;
	if (dup && dup->orphan) {
		/* left by a previous owner: take it over as it is, or replace
		 * it (its entry, counter and rewrite list go first) */
		if (flow_orphan_same(x, dup)) {
			x->adopt = dup;
			return 0;
		}
		x->replace = dup;
		freed_flows = 1;
		freed_counters = dup->counter != SNIC_FLOW_NO_ID;
		freed_modifies = dup->modify != SNIC_FLOW_NO_ID;
	} else if (dup) {
		return XERR(x, EEXIST, RTE_FLOW_ERROR_TYPE_HANDLE, dup,
			    "a rule with the same group (%u), priority (%u) and "
			    "match exists already", x->group, x->priority);
	}
	if (u->flows - freed_flows >= c->max_entries)
		return XERR(x, ENOSPC, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
			    "flow entries: all %u of the NIC are in use (board "
			    "max-entries %u); destroy a rule first", u->flows,
			    c->max_entries);
	need_tables = !ctx->tables[x->group].used;
	if (x->jump && !ctx->tables[x->jump_group].used)
		need_tables++;
	if (u->tables + need_tables > c->max_tables)
		return XERR(x, ENOSPC, need_tables == 1 && ctx->tables[x->group].used ?
			    RTE_FLOW_ERROR_TYPE_ACTION : RTE_FLOW_ERROR_TYPE_ATTR_GROUP,
			    need_tables == 1 && ctx->tables[x->group].used ?
			    (const void *)x->jump_act : (const void *)x->attr,
			    "flow tables: group %u needs a table of its own and all "
			    "%u of the NIC are in use (board max-tables %u)",
			    ctx->tables[x->group].used ? x->jump_group : x->group,
			    u->tables, c->max_tables);
	if (!flow_group_find(ctx, x->group, &x->mask)) {
		if (u->groups >= c->max_groups)
			return XERR(x, ENOSPC, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
				    "flow groups: the rule matches a new set of fields "
				    "(a new mask), which needs a flow group, and all %u "
				    "of the NIC are in use (board max-groups %u)",
				    u->groups, c->max_groups);
		if (ctx->tables[x->group].n_groups >= c->max_groups_per_table)
			return XERR(x, ENOSPC, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
				    "flow groups: group %u already matches on %u "
				    "different sets of fields (masks), the most one "
				    "table holds (board max-groups-per-table %u)",
				    x->group, ctx->tables[x->group].n_groups,
				    c->max_groups_per_table);
	}
	if (x->count && u->counters - freed_counters >= c->max_counters)
		return XERR(x, ENOSPC, RTE_FLOW_ERROR_TYPE_ACTION, x->count_act,
			    "counters: all %u of the NIC are in use (board "
			    "max-counters %u)", u->counters, c->max_counters);
	if (x->encap && !flow_reformat_find(ctx, x->tmpl, x->tmpl_len) &&
	    u->reformats >= c->max_encap)
		return XERR(x, ENOSPC, RTE_FLOW_ERROR_TYPE_ACTION, x->encap_act,
			    "encap headers: all %u of the NIC are in use (board "
			    "max-encap %u; rules with identical headers share one)",
			    u->reformats, c->max_encap);
	if (x->n_ops && u->modifies - freed_modifies >= c->max_modify)
		return XERR(x, ENOSPC, RTE_FLOW_ERROR_TYPE_ACTION, x->modify_act,
			    "header-rewrite lists: all %u of the NIC are in use "
			    "(board max-modify %u; one per rule with rewrites)",
			    u->modifies, c->max_modify);
	return 0;
}

/* ---- tables, groups, reformats ---- */

static int table_get(struct flow_xlate *x, uint32_t group, bool *created,
		     enum rte_flow_error_type type, const void *cause)
{
	struct snic_flow_ctx *ctx = x->ctx;
	struct flow_table *t = &ctx->tables[group];
	char doing[64];
	uint32_t syn, id;

	*created = false;
	if (t->used)
		return 0;
	syn = snic_fwc_create_table(ctx->fwc, group, SNIC_MISS_DEFAULT, 0, 0, &id);
	if (syn != SNIC_SYN_OK) {
		snprintf(doing, sizeof(doing), "creating the flow table of group %u",
			 group);
		return flow_fw_error(ctx, x->error, syn, type, cause, doing);
	}
	memset(t, 0, sizeof(*t));
	t->used = true;
	t->fw_id = id;
	ctx->use.tables++;
	*created = true;
	return 0;
}

static int table_put(struct snic_flow_ctx *ctx, uint32_t group)
{
	struct flow_table *t = &ctx->tables[group];

	if (t->refs || group == 0)
		return 0;
	if (snic_fwc_destroy_table(ctx->fwc, t->fw_id) != SNIC_SYN_OK)
		return -EIO;
	t->used = false;
	ctx->use.tables--;
	return 0;
}

static int group_put(struct snic_flow_ctx *ctx, struct flow_group *g)
{
	struct flow_group **pp;

	if (g->refs)
		return 0;
	if (snic_fwc_destroy_group(ctx->fwc, g->fw_id) != SNIC_SYN_OK)
		return -EIO;
	for (pp = &ctx->groups; *pp != g; pp = &(*pp)->next)
		;
	*pp = g->next;
	ctx->tables[g->group].n_groups--;
	ctx->use.groups--;
	free(g);
	return 0;
}

static int reformat_put(struct snic_flow_ctx *ctx, struct flow_reformat *r)
{
	struct flow_reformat **pp;

	if (r->refs)
		return 0;
	if (snic_fwc_dealloc_reformat(ctx->fwc, r->fw_id) != SNIC_SYN_OK)
		return -EIO;
	for (pp = &ctx->reformats; *pp != r; pp = &(*pp)->next)
		;
	*pp = r->next;
	ctx->use.reformats--;
	free(r);
	return 0;
}

/* ---- commit ---- */

static void hash_link(struct snic_flow_ctx *ctx, struct snic_flow *f)
{
	uint32_t h = flow_hash(f->group, f->priority, &f->value) & (ctx->hash_size - 1);

	f->hnext = ctx->hash[h];
	ctx->hash[h] = f;
}

static void hash_unlink(struct snic_flow_ctx *ctx, struct snic_flow *f)
{
	uint32_t h = flow_hash(f->group, f->priority, &f->value) & (ctx->hash_size - 1);
	struct snic_flow **pp;

	for (pp = &ctx->hash[h]; *pp && *pp != f; pp = &(*pp)->hnext)
		;
	if (*pp)
		*pp = f->hnext;
}

void flow_link(struct snic_flow_ctx *ctx, struct snic_flow *f)
{
	f->next = NULL;
	f->prev = ctx->flows_tail;
	if (ctx->flows_tail)
		ctx->flows_tail->next = f;
	else
		ctx->flows = f;
	ctx->flows_tail = f;
	hash_link(ctx, f);
}

static void fill_actions(const struct flow_xlate *x, const struct snic_flow *f,
			 struct snic_ifc_actions *a)
{
	memset(a, 0, sizeof(*a));
	a->flags = snic_ifc_le32(x->act_flags);
	if (f->counter != SNIC_FLOW_NO_ID)
		a->counter = snic_ifc_le32(f->counter);
	if (x->jump)
		a->goto_table = snic_ifc_le32(x->ctx->tables[x->jump_group].fw_id);
	if (f->modify != SNIC_FLOW_NO_ID)
		a->modify = snic_ifc_le32(f->modify);
	if (x->act_flags & SNIC_ACT_PUSH_VLAN) {
		a->push_tpid = snic_ifc_le16(x->push_tpid);
		a->push_tci = snic_ifc_le16(x->push_tci);
	}
	a->pop_vlan = x->pop;
	a->n_dests = (uint8_t)x->n_dests;
	for (unsigned i = 0; i < x->n_dests; i++) {
		a->dests[i].type = x->dests[i].type;
		a->dests[i].vport = snic_ifc_le16(x->dests[i].vport);
		if (x->dests[i].encap) {
			a->dests[i].flags = SNIC_DEST_F_REFORMAT;
			a->dests[i].reformat = snic_ifc_le32(f->reformat->fw_id);
		}
	}
}

struct snic_flow *flow_commit(struct flow_xlate *x)
{
	struct snic_flow_ctx *ctx = x->ctx;
	struct snic_fwc *c = ctx->fwc;
	struct flow_group *g = NULL;
	struct flow_reformat *r = NULL;
	struct snic_ifc_actions act;
	bool new_t = false, new_j = false, new_g = false, new_r = false;
	struct snic_flow *f;
	uint32_t syn;
	char doing[96];

	f = calloc(1, sizeof(*f));
	if (!f) {
		flow_error(ctx, x->error, ENOMEM, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
			   NULL, "out of memory for the rule");
		return NULL;
	}
	f->magic = FLOW_MAGIC;
	f->ctx = ctx;
	f->group = x->group;
	f->priority = x->priority;
	f->jump_group = x->jump ? x->jump_group : UINT32_MAX;
	f->entry = f->modify = f->counter = SNIC_FLOW_NO_ID;
	f->value = x->value;

	if (table_get(x, x->group, &new_t, RTE_FLOW_ERROR_TYPE_ATTR_GROUP, x->attr))
		goto fail;
	if (x->jump && table_get(x, x->jump_group, &new_j, RTE_FLOW_ERROR_TYPE_ACTION,
				 x->jump_act))
		goto fail;
	g = flow_group_find(ctx, x->group, &x->mask);
	if (!g) {
		g = calloc(1, sizeof(*g));
		if (!g) {
			flow_error(ctx, x->error, ENOMEM, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
				   NULL, "out of memory for a flow group");
			goto fail;
		}
		syn = snic_fwc_create_group(c, ctx->tables[x->group].fw_id, &x->mask,
					    &g->fw_id);
		if (syn != SNIC_SYN_OK) {
			free(g);
			g = NULL;
			snprintf(doing, sizeof(doing), "creating a flow group in group %u",
				 x->group);
			flow_fw_error(ctx, x->error, syn, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
				      NULL, doing);
			goto fail;
		}
		g->group = x->group;
		g->mask = x->mask;
		g->next = ctx->groups;
		ctx->groups = g;
		ctx->tables[x->group].n_groups++;
		ctx->use.groups++;
		new_g = true;
	}
	f->grp = g;
	if (x->encap) {
		r = flow_reformat_find(ctx, x->tmpl, x->tmpl_len);
		if (!r) {
			r = calloc(1, sizeof(*r));
			if (!r) {
				flow_error(ctx, x->error, ENOMEM,
					   RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
					   "out of memory for an encap context");
				goto fail;
			}
			syn = snic_fwc_alloc_reformat(c, SNIC_REFORMAT_VXLAN_ENCAP, x->tmpl,
						      x->tmpl_len, &r->fw_id);
			if (syn != SNIC_SYN_OK) {
				free(r);
				r = NULL;
				flow_fw_error(ctx, x->error, syn, RTE_FLOW_ERROR_TYPE_ACTION,
					      x->encap_act, "allocating the encap header");
				goto fail;
			}
			r->len = x->tmpl_len;
			memcpy(r->data, x->tmpl, x->tmpl_len);
			r->next = ctx->reformats;
			ctx->reformats = r;
			ctx->use.reformats++;
			new_r = true;
		}
		f->reformat = r;
	}
	if (x->n_ops) {
		syn = snic_fwc_alloc_modify(c, x->ops, x->n_ops, &f->modify);
		if (syn != SNIC_SYN_OK) {
			f->modify = SNIC_FLOW_NO_ID;
			flow_fw_error(ctx, x->error, syn, RTE_FLOW_ERROR_TYPE_ACTION,
				      x->modify_act, "allocating the header-rewrite list");
			goto fail;
		}
	}
	if (x->count) {
		syn = snic_fwc_alloc_counters(c, 1, &f->counter);
		if (syn != SNIC_SYN_OK) {
			f->counter = SNIC_FLOW_NO_ID;
			flow_fw_error(ctx, x->error, syn, RTE_FLOW_ERROR_TYPE_ACTION,
				      x->count_act, "allocating the rule's counter");
			goto fail;
		}
	}
	fill_actions(x, f, &act);
	syn = snic_fwc_create_entry(c, g->fw_id, x->priority, &x->value, &act,
				    &f->entry);
	if (syn != SNIC_SYN_OK) {
		f->entry = SNIC_FLOW_NO_ID;
		snprintf(doing, sizeof(doing), "creating the flow entry in group %u",
			 x->group);
		flow_fw_error(ctx, x->error, syn, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
			      NULL, doing);
		goto fail;
	}

	/* done: take the references, link the rule */
	ctx->tables[x->group].refs++;
	if (x->jump)
		ctx->tables[x->jump_group].refs++;
	g->refs++;
	if (r)
		r->refs++;
	ctx->use.flows++;
	ctx->use.modifies += f->modify != SNIC_FLOW_NO_ID;
	ctx->use.counters += f->counter != SNIC_FLOW_NO_ID;
	flow_link(ctx, f);
	return f;

fail:   /* undo in reverse; none of these are referenced by anything */
	if (f->counter != SNIC_FLOW_NO_ID)
		snic_fwc_dealloc_counters(c, f->counter);
	if (f->modify != SNIC_FLOW_NO_ID)
		snic_fwc_dealloc_modify(c, f->modify);
	if (new_r)
		reformat_put(ctx, r);
	if (new_g)
		group_put(ctx, g);
	if (new_j)
		table_put(ctx, x->jump_group);
	if (new_t)
		table_put(ctx, x->group);
	free(f);
	return NULL;
}

/* ---- release ---- */

static void unlink_flow(struct snic_flow_ctx *ctx, struct snic_flow *f)
{
	hash_unlink(ctx, f);
	if (f->prev)
		f->prev->next = f->next;
	else
		ctx->flows = f->next;
	if (f->next)
		f->next->prev = f->prev;
	else
		ctx->flows_tail = f->prev;
}

static void flow_free(struct snic_flow_ctx *ctx, struct snic_flow *f)
{
	if (f->orphan) {
		free(f->orphan);
		ctx->use.orphans--;
	}
	f->magic = 0;
	free(f);
}

void flow_forget(struct snic_flow_ctx *ctx, struct snic_flow *f)
{
	unlink_flow(ctx, f);
	flow_free(ctx, f);
}

int flow_put_unused(struct snic_flow_ctx *ctx)
{
	struct flow_group *g, *gn;
	struct flow_reformat *r, *rn;

	for (g = ctx->groups; g; g = gn) {
		gn = g->next;
		if (group_put(ctx, g))
			return -EIO;
	}
	for (r = ctx->reformats; r; r = rn) {
		rn = r->next;
		if (reformat_put(ctx, r))
			return -EIO;
	}
	for (uint32_t l = 1; l <= ctx->caps.max_table_level; l++)
		if (ctx->tables[l].used && table_put(ctx, l))
			return -EIO;
	return 0;
}

void flow_drop_all(struct snic_flow_ctx *ctx)
{
	while (ctx->flows)
		flow_forget(ctx, ctx->flows);
	while (ctx->groups) {
		struct flow_group *g = ctx->groups;
		ctx->groups = g->next;
		free(g);
	}
	while (ctx->reformats) {
		struct flow_reformat *r = ctx->reformats;
		ctx->reformats = r->next;
		free(r);
	}
	memset(ctx->tables, 0, ((size_t)ctx->caps.max_table_level + 1) *
	       sizeof(ctx->tables[0]));
	memset(&ctx->use, 0, sizeof(ctx->use));
}

int flow_release(struct snic_flow_ctx *ctx, struct snic_flow *f,
		 struct rte_flow_error *error)
{
	struct snic_fwc *c = ctx->fwc;
	uint32_t syn;
	int rc = 0;

	syn = snic_fwc_destroy_entry(c, f->entry);
	if (syn != SNIC_SYN_OK)
		return flow_fw_error(ctx, error, syn, RTE_FLOW_ERROR_TYPE_HANDLE, f,
				     "destroying the rule's flow entry");
	ctx->use.flows--;
	unlink_flow(ctx, f);

	/* the entry is gone: release the rest even if one step fails */
	if (f->counter != SNIC_FLOW_NO_ID) {
		syn = snic_fwc_dealloc_counters(c, f->counter);
		if (syn == SNIC_SYN_OK)
			ctx->use.counters--;
		else if (!rc)
			rc = flow_fw_error(ctx, error, syn, RTE_FLOW_ERROR_TYPE_HANDLE,
					   f, "freeing the rule's counter");
	}
	if (f->modify != SNIC_FLOW_NO_ID) {
		syn = snic_fwc_dealloc_modify(c, f->modify);
		if (syn == SNIC_SYN_OK)
			ctx->use.modifies--;
		else if (!rc)
			rc = flow_fw_error(ctx, error, syn, RTE_FLOW_ERROR_TYPE_HANDLE,
					   f, "freeing the rule's header-rewrite list");
	}
	if (f->reformat) {
		f->reformat->refs--;
		if (reformat_put(ctx, f->reformat) && !rc)
			rc = flow_fw_error(ctx, error, c->last_syndrome,
					   RTE_FLOW_ERROR_TYPE_HANDLE, f,
					   "freeing the encap header");
	}
	f->grp->refs--;
	if (group_put(ctx, f->grp) && !rc)
		rc = flow_fw_error(ctx, error, c->last_syndrome,
				   RTE_FLOW_ERROR_TYPE_HANDLE, f,
				   "destroying the flow group");
	ctx->tables[f->group].refs--;
	if (table_put(ctx, f->group) && !rc)
		rc = flow_fw_error(ctx, error, c->last_syndrome,
				   RTE_FLOW_ERROR_TYPE_HANDLE, f,
				   "destroying the group's flow table");
	if (f->jump_group != UINT32_MAX) {
		ctx->tables[f->jump_group].refs--;
		if (table_put(ctx, f->jump_group) && !rc)
			rc = flow_fw_error(ctx, error, c->last_syndrome,
					   RTE_FLOW_ERROR_TYPE_HANDLE, f,
					   "destroying the JUMP target's flow table");
	}
	flow_free(ctx, f);
	return rc;
}
