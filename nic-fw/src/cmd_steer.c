/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cmd_steer.c - flow table, group and entry commands: every field checked,
 * in a fixed order (so each bad field has exactly one syndrome), before
 * steer.c is asked to change anything.
 */
#include "fw_internal.h"

static bool table_ok(const struct snic_fw *fw, uint32_t id)
{
	return id < fw->board.max_tables && fw->tables[id].used;
}

static bool group_ok(const struct snic_fw *fw, uint32_t id)
{
	return id < fw->board.max_groups && fw->groups[id].used;
}

/* ---- tables ---- */

uint32_t fw_cmd_create_table(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_create_table_in *in = c->in;
	struct snic_ifc_obj_out *o = c->out;
	struct snic_fw *fw = c->fw;
	uint32_t level = fw_le32(in->level), miss = fw_le32(in->miss);
	uint32_t mt = fw_le32(in->miss_table), flags = fw_le32(in->flags);

	if (fw->esw_mode != SNIC_ESW_SWITCHDEV)
		return SNIC_SYN_ESW_NOT_SWITCHDEV;
	if (flags & ~SNIC_TABLE_F_ROOT)
		return SNIC_SYN_TABLE_FLAGS;
	if (level > fw->board.max_table_level)
		return SNIC_SYN_TABLE_LEVEL_RANGE;
	if (miss > SNIC_MISS_NEXT)
		return SNIC_SYN_TABLE_MISS_TYPE;
	if (miss == SNIC_MISS_GOTO) {
		if (!table_ok(fw, mt))
			return SNIC_SYN_TABLE_MISS_TABLE;
		if (fw->tables[mt].level <= level)
			return SNIC_SYN_TABLE_MISS_LEVEL;
	} else if (mt != 0) {
		return SNIC_SYN_TABLE_MISS_TABLE;
	}
	if (flags & SNIC_TABLE_F_ROOT) {
		if (level != 0)
			return SNIC_SYN_TABLE_ROOT_LEVEL;
		if (fw->root != FW_NONE)
			return SNIC_SYN_TABLE_ROOT_EXISTS;
	}
	if (fw->table_ids.n_free == 0)
		return SNIC_SYN_TABLE_LIMIT;
	o->id = fw_le32(fw_table_create(fw, level, miss, mt, flags));
	o->rsvd = 0;
	return SNIC_SYN_OK;
}

uint32_t fw_cmd_destroy_table(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_obj_in *in = c->in;
	uint32_t id = fw_le32(in->id);

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (!table_ok(c->fw, id))
		return SNIC_SYN_TABLE_NOT_FOUND;
	if (c->fw->tables[id].n_groups || c->fw->tables[id].refs)
		return SNIC_SYN_TABLE_BUSY;
	fw_table_destroy(c->fw, id);
	return SNIC_SYN_OK;
}

uint32_t fw_cmd_query_table(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_obj_in *in = c->in;
	struct snic_ifc_query_table_out *o = c->out;
	uint32_t id = fw_le32(in->id);
	const struct fw_table *t;

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (!table_ok(c->fw, id))
		return SNIC_SYN_TABLE_NOT_FOUND;
	t = &c->fw->tables[id];
	o->level = fw_le32(t->level);
	o->miss = fw_le32(t->miss);
	o->miss_table = fw_le32(t->miss_table);
	o->flags = fw_le32(t->flags);
	o->n_groups = fw_le32(t->n_groups);
	o->n_entries = fw_le32(t->n_entries);
	o->lookups = fw_le64(t->lookups);
	o->misses = fw_le64(t->misses);
	return SNIC_SYN_OK;
}

/* ---- groups ---- */

static bool hdrs_rsvd_zero(const struct snic_ifc_hdrs *h)
{
	for (unsigned i = 0; i < sizeof(h->rsvd); i++)
		if (h->rsvd[i])
			return false;
	return true;
}

static bool match_rsvd_zero(const struct snic_ifc_match *m)
{
	return !m->rsvd0 && !m->rsvd1[0] && !m->rsvd1[1] && !m->rsvd1[2] &&
	       hdrs_rsvd_zero(&m->outer) && hdrs_rsvd_zero(&m->inner);
}

uint32_t fw_cmd_create_group(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_create_group_in *in = c->in;
	struct snic_ifc_obj_out *o = c->out;
	struct snic_fw *fw = c->fw;
	uint32_t table = fw_le32(in->table);
	union fw_key mask;

	if (fw->esw_mode != SNIC_ESW_SWITCHDEV)
		return SNIC_SYN_ESW_NOT_SWITCHDEV;
	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (!table_ok(fw, table))
		return SNIC_SYN_TABLE_NOT_FOUND;
	if (!match_rsvd_zero(&in->mask))
		return SNIC_SYN_GROUP_MASK_RSVD;
	if (fw->group_ids.n_free == 0)
		return SNIC_SYN_GROUP_LIMIT;
	if (fw->tables[table].n_groups >= fw->board.max_groups_per_table)
		return SNIC_SYN_GROUP_TABLE_LIMIT;
	memcpy(&mask.m, &in->mask, sizeof(mask.m));
	o->id = fw_le32(fw_group_create(fw, table, &mask));
	o->rsvd = 0;
	return SNIC_SYN_OK;
}

uint32_t fw_cmd_destroy_group(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_obj_in *in = c->in;
	uint32_t id = fw_le32(in->id);

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (!group_ok(c->fw, id))
		return SNIC_SYN_GROUP_NOT_FOUND;
	if (c->fw->groups[id].n_entries)
		return SNIC_SYN_GROUP_BUSY;
	fw_group_destroy(c->fw, id);
	return SNIC_SYN_OK;
}

uint32_t fw_cmd_query_group(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_obj_in *in = c->in;
	struct snic_ifc_query_group_out *o = c->out;
	uint32_t id = fw_le32(in->id);
	const struct fw_group *g;

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (!group_ok(c->fw, id))
		return SNIC_SYN_GROUP_NOT_FOUND;
	g = &c->fw->groups[id];
	o->table = fw_le32(g->table);
	o->n_entries = fw_le32(g->n_entries);
	memcpy(&o->mask, &g->mask.m, sizeof(o->mask));
	return SNIC_SYN_OK;
}

/* ---- entries ---- */

static uint32_t check_dest(const struct snic_fw *fw, const struct snic_ifc_dest *d,
			   struct fw_dest *out)
{
	out->type = d->type;
	out->flags = d->flags;
	out->vport = fw_le16(d->vport);
	out->reformat = fw_le32(d->reformat);
	/* judge the copy, never the mailbox again */
	if (out->type != SNIC_DEST_VPORT && out->type != SNIC_DEST_REP)
		return SNIC_SYN_ACT_DEST_TYPE;
	if (out->flags & ~SNIC_DEST_F_REFORMAT)
		return SNIC_SYN_ACT_RSVD;
	if (!snic_fw_vport_valid(fw, out->vport))
		return SNIC_SYN_ACT_DEST_VPORT;
	if (out->flags & SNIC_DEST_F_REFORMAT) {
		if (out->reformat >= fw->board.max_encap ||
		    !fw->reformats[out->reformat].used)
			return SNIC_SYN_ACT_DEST_REFORMAT;
	} else if (out->reformat) {
		return SNIC_SYN_ACT_RSVD;
	}
	return SNIC_SYN_OK;
}

/* Decode and check an action set for an entry of `table` matching
 * value/mask. */
static uint32_t check_actions(const struct snic_fw *fw, uint32_t table,
			      const struct snic_ifc_actions *a,
			      const struct snic_ifc_match *value,
			      const struct snic_ifc_match *mask,
			      struct fw_actions *o)
{
	uint32_t syn;

	memset(o, 0, sizeof(*o));
	o->flags = fw_le32(a->flags);
	o->counter = fw_le32(a->counter);
	o->goto_table = fw_le32(a->goto_table);
	o->modify = fw_le32(a->modify);
	o->push_tpid = fw_le16(a->push_tpid);
	o->push_tci = fw_le16(a->push_tci);
	o->pop_vlan = a->pop_vlan;
	o->n_dests = a->n_dests;

	if (o->flags & ~SNIC_ACT_ALL)
		return SNIC_SYN_ACT_FLAGS_UNKNOWN;
	if (!(o->flags & (SNIC_ACT_FWD | SNIC_ACT_GOTO | SNIC_ACT_DROP)))
		return SNIC_SYN_ACT_NONE;
	if ((o->flags & SNIC_ACT_DROP) && (o->flags & (SNIC_ACT_FWD | SNIC_ACT_GOTO)))
		return SNIC_SYN_ACT_DROP_AND_FWD;
	if (a->rsvd)
		return SNIC_SYN_ACT_RSVD;
	if ((o->flags & SNIC_ACT_FWD) ?
	    (o->n_dests < 1 || o->n_dests > SNIC_IFC_MAX_DESTS) : o->n_dests != 0)
		return SNIC_SYN_ACT_DEST_COUNT;
	for (unsigned i = 0; i < o->n_dests; i++)
		if ((syn = check_dest(fw, &a->dests[i], &o->dests[i])))
			return syn;
	if (!fw_bytes_zero(&a->dests[o->n_dests],
			(SNIC_IFC_MAX_DESTS - o->n_dests) * sizeof(a->dests[0])))
		return SNIC_SYN_ACT_RSVD;
	if (o->flags & SNIC_ACT_GOTO) {
		if (o->goto_table >= fw->board.max_tables ||
		    !fw->tables[o->goto_table].used)
			return SNIC_SYN_ACT_GOTO_TABLE;
		if (fw->tables[o->goto_table].level <= fw->tables[table].level)
			return SNIC_SYN_ACT_GOTO_LEVEL;
	} else if (o->goto_table) {
		return SNIC_SYN_ACT_RSVD;
	}
	if (o->flags & SNIC_ACT_COUNT) {
		if (o->counter >= fw->board.max_counters ||
		    !fw->counter_meta[o->counter].used)
			return SNIC_SYN_ACT_COUNTER;
	} else if (o->counter) {
		return SNIC_SYN_ACT_RSVD;
	}
	if (o->flags & SNIC_ACT_MODIFY) {
		if (o->modify >= fw->board.max_modify || !fw->modifies[o->modify].used)
			return SNIC_SYN_ACT_MODIFY;
	} else if (o->modify) {
		return SNIC_SYN_ACT_RSVD;
	}
	if ((o->flags & SNIC_ACT_DECAP) &&
	    (mask->tun_type != 0xff || value->tun_type != SNIC_IFC_TUN_VXLAN))
		return SNIC_SYN_ACT_DECAP_NO_TUNNEL;
	if ((o->flags & SNIC_ACT_POP_VLAN) ? (o->pop_vlan < 1 || o->pop_vlan > 2) :
					       o->pop_vlan != 0)
		return SNIC_SYN_ACT_POP_VLAN_COUNT;
	if (o->flags & SNIC_ACT_PUSH_VLAN) {
		if (o->push_tpid != 0x8100 && o->push_tpid != 0x88a8)
			return SNIC_SYN_ACT_PUSH_VLAN_TPID;
		if (o->push_tci & SNIC_IFC_VLAN_PRESENT)
			return SNIC_SYN_ACT_PUSH_VLAN_TCI;
	} else if (o->push_tpid || o->push_tci) {
		return SNIC_SYN_ACT_RSVD;
	}
	return SNIC_SYN_OK;
}

uint32_t fw_cmd_create_entry(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_create_entry_in *in = c->in;
	struct snic_ifc_obj_out *o = c->out;
	struct snic_fw *fw = c->fw;
	uint32_t gid = fw_le32(in->group), prio = fw_le32(in->priority), syn;
	const struct fw_group *g;
	struct fw_actions act;
	union fw_key value;

	if (fw->esw_mode != SNIC_ESW_SWITCHDEV)
		return SNIC_SYN_ESW_NOT_SWITCHDEV;
	if (!group_ok(fw, gid))
		return SNIC_SYN_GROUP_NOT_FOUND;
	g = &fw->groups[gid];
	if (prio >= fw->board.priority_levels)
		return SNIC_SYN_ENTRY_PRIO_RANGE;
	memcpy(&value.m, &in->value, sizeof(value.m));
	for (unsigned w = 0; w < FW_W; w++)
		if (value.w[w] & ~g->mask.w[w])
			return SNIC_SYN_ENTRY_VALUE_OUTSIDE_MASK;
	syn = check_actions(fw, g->table, &in->actions, &value.m, &g->mask.m, &act);
	if (syn)
		return syn;
	if (fw_entry_find(fw, gid, &value, prio) != FW_NONE)
		return SNIC_SYN_ENTRY_DUPLICATE;
	if (fw->n_entries >= fw->board.max_entries)
		return SNIC_SYN_ENTRY_LIMIT;
	o->id = fw_le32(fw_entry_create(fw, gid, &value, prio, &act));
	o->rsvd = 0;
	return SNIC_SYN_OK;
}

uint32_t fw_cmd_destroy_entry(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_obj_in *in = c->in;
	uint32_t id = fw_le32(in->id);

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (!fw_entry_valid(c->fw, id))
		return SNIC_SYN_ENTRY_NOT_FOUND;
	fw_entry_destroy(c->fw, id);
	return SNIC_SYN_OK;
}

uint32_t fw_cmd_query_entry(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_obj_in *in = c->in;
	struct snic_ifc_query_entry_out *o = c->out;
	uint32_t id = fw_le32(in->id);
	const struct fw_entry *e;
	const struct fw_actions *a;

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (!fw_entry_valid(c->fw, id))
		return SNIC_SYN_ENTRY_NOT_FOUND;
	e = &c->fw->entries[id];
	a = &e->act;
	memset((uint8_t *)o + sizeof(o->hdr), 0, sizeof(*o) - sizeof(o->hdr));
	o->group = fw_le32(e->group - 1);
	o->priority = fw_le32(e->prio);
	o->table = fw_le32(c->fw->groups[e->group - 1].table);
	memcpy(&o->value, &e->value.m, sizeof(o->value));
	o->actions.flags = fw_le32(a->flags);
	o->actions.counter = fw_le32(a->counter);
	o->actions.goto_table = fw_le32(a->goto_table);
	o->actions.modify = fw_le32(a->modify);
	o->actions.push_tpid = fw_le16(a->push_tpid);
	o->actions.push_tci = fw_le16(a->push_tci);
	o->actions.pop_vlan = a->pop_vlan;
	o->actions.n_dests = a->n_dests;
	for (unsigned i = 0; i < a->n_dests; i++) {
		o->actions.dests[i].type = a->dests[i].type;
		o->actions.dests[i].flags = a->dests[i].flags;
		o->actions.dests[i].vport = fw_le16(a->dests[i].vport);
		o->actions.dests[i].reformat = fw_le32(a->dests[i].reformat);
	}
	return SNIC_SYN_OK;
}
