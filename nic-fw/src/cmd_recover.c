/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cmd_recover.c - what a host needs after another host went away: listing
 * the live objects, reading back reformat and modify-header contexts, and
 * resetting the steering to its boot state.
 */
#include "fw_internal.h"

/* Ids one LIST_OBJECTS examines at most: bounds the command's run time. */
#define LIST_BUDGET 65536u

/* Is object `id` of `type` live?  Fills *aux when it is. */
static bool list_live(const struct snic_fw *fw, uint32_t type, uint32_t id,
		      uint32_t *aux)
{
	switch (type) {
	case SNIC_OBJ_TABLE:
		*aux = fw->tables[id].level;
		return fw->tables[id].used;
	case SNIC_OBJ_GROUP:
		*aux = fw->groups[id].table;
		return fw->groups[id].used;
	case SNIC_OBJ_ENTRY:
		*aux = fw->entries[id].group - 1;
		return fw->entries[id].group != 0;
	case SNIC_OBJ_REFORMAT:
		*aux = fw->reformats[id].refs;
		return fw->reformats[id].used;
	case SNIC_OBJ_MODIFY:
		*aux = fw->modifies[id].refs;
		return fw->modifies[id].used;
	default: /* SNIC_OBJ_COUNTERS: bulk bases only */
		*aux = fw->counter_meta[id].bulk;
		return fw->counter_meta[id].bulk != 0;
	}
}

/* Number of ids of `type` (0 for an unknown type). */
static uint32_t list_limit(const struct snic_fw *fw, uint32_t type)
{
	switch (type) {
	case SNIC_OBJ_TABLE:    return fw->board.max_tables;
	case SNIC_OBJ_GROUP:    return fw->board.max_groups;
	case SNIC_OBJ_ENTRY:    return fw->entry_hwm;   /* none live above it */
	case SNIC_OBJ_REFORMAT: return fw->board.max_encap;
	case SNIC_OBJ_MODIFY:   return fw->board.max_modify;
	case SNIC_OBJ_COUNTERS: return fw->board.max_counters;
	default:                return 0;
	}
}

uint32_t fw_cmd_list_objects(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_list_objects_in *in = c->in;
	struct snic_ifc_list_objects_out *o = c->out;
	const struct snic_fw *fw = c->fw;
	uint32_t type = fw_le32(in->type), start = fw_le32(in->start);
	uint32_t max = fw_le32(in->max), room, limit, id, n = 0, budget;

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (type < SNIC_OBJ_TABLE || type > SNIC_OBJ_COUNTERS)
		return SNIC_SYN_LIST_TYPE;
	if (max < 1 || max > SNIC_IFC_MAX_LIST)
		return SNIC_SYN_LIST_MAX;
	room = (c->out_cap - (uint32_t)sizeof(*o)) / (uint32_t)sizeof(o->items[0]);
	if (c->out_cap < sizeof(*o) || room == 0)
		return SNIC_SYN_OUT_TOO_SHORT;
	if (max > room)
		max = room;
	limit = list_limit(fw, type);
	budget = LIST_BUDGET;
	for (id = start; id < limit && n < max && budget; id++, budget--) {
		uint32_t aux;

		if (!list_live(fw, type, id, &aux))
			continue;
		o->items[n].id = fw_le32(id);
		o->items[n].aux = fw_le32(aux);
		n++;
	}
	o->n = fw_le32(n);
	o->next = fw_le32(id < limit ? id : SNIC_LIST_END);
	c->out_len = (uint32_t)(sizeof(*o) + n * sizeof(o->items[0]));
	return SNIC_SYN_OK;
}

uint32_t fw_cmd_query_reformat(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_obj_in *in = c->in;
	struct snic_ifc_query_reformat_out *o = c->out;
	const struct snic_fw *fw = c->fw;
	uint32_t id = fw_le32(in->id);
	const struct fw_reformat *r;

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (id >= fw->board.max_encap || !fw->reformats[id].used)
		return SNIC_SYN_REFORMAT_NOT_FOUND;
	r = &fw->reformats[id];
	o->type = fw_le32(r->type);
	o->len = fw_le32(r->len);
	o->refs = fw_le32(r->refs);
	o->rsvd = 0;
	memcpy(o->data, r->data, sizeof(o->data));
	return SNIC_SYN_OK;
}

uint32_t fw_cmd_query_modify(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_obj_in *in = c->in;
	struct snic_ifc_query_modify_out *o = c->out;
	const struct snic_fw *fw = c->fw;
	uint32_t id = fw_le32(in->id);
	const struct fw_modify *m;

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (id >= fw->board.max_modify || !fw->modifies[id].used)
		return SNIC_SYN_MODIFY_NOT_FOUND;
	m = &fw->modifies[id];
	o->n_ops = fw_le32(m->n_ops);
	o->refs = fw_le32(m->refs);
	memcpy(o->ops, m->ops, sizeof(o->ops));
	return SNIC_SYN_OK;
}

uint32_t fw_cmd_reset_steering(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_reset_steering_in *in = c->in;
	struct snic_ifc_reset_steering_out *o = c->out;
	struct fw_reset_counts n;

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (in->flags)
		return SNIC_SYN_RESET_FLAGS;
	fw_steering_reset(c->fw, &n);
	o->entries = fw_le32(n.entries);
	o->groups = fw_le32(n.groups);
	o->tables = fw_le32(n.tables);
	o->others = fw_le32(n.others);
	if (n.entries || n.groups || n.tables || n.others)
		fw_log(c->fw, SNIC_FW_LOG_INFO, "steering reset: %u entries, %u "
		       "groups, %u tables, %u other objects destroyed",
		       n.entries, n.groups, n.tables, n.others);
	return SNIC_SYN_OK;
}
