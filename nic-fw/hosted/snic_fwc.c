/* SPDX-License-Identifier: BSD-3-Clause */
#include "snic_fwc.h"

#include <stdio.h>
#include <string.h>

#include "snic_fw.h"

#define LE16 snic_ifc_le16
#define LE32 snic_ifc_le32
#define LE64 snic_ifc_le64

static size_t direct_exec(void *ctx, const void *in, size_t in_len, void *out,
			  size_t out_cap)
{
	struct snic_fwc *c = ctx;

	return snic_fw_cmd(c->direct_fw, c->direct_func, in, in_len, out, out_cap);
}

void snic_fwc_init(struct snic_fwc *c, snic_fwc_exec_fn exec, void *ctx)
{
	memset(c, 0, sizeof(*c));
	c->exec = exec;
	c->ctx = ctx;
}

void snic_fwc_init_direct(struct snic_fwc *c, struct snic_fw *fw, uint16_t func)
{
	snic_fwc_init(c, direct_exec, c);
	c->direct_fw = fw;
	c->direct_func = func;
}

const char *snic_fwc_opcode_name(uint16_t op)
{
	switch (op) {
#define N(x) case SNIC_CMD_##x: return #x
	N(QUERY_CAPS); N(QUERY_ESW_MODE); N(SET_ESW_MODE);
	N(CREATE_FLOW_TABLE); N(DESTROY_FLOW_TABLE); N(QUERY_FLOW_TABLE);
	N(CREATE_FLOW_GROUP); N(DESTROY_FLOW_GROUP); N(QUERY_FLOW_GROUP);
	N(CREATE_FLOW_ENTRY); N(DESTROY_FLOW_ENTRY); N(QUERY_FLOW_ENTRY);
	N(ALLOC_REFORMAT); N(DEALLOC_REFORMAT); N(ALLOC_MODIFY_HDR);
	N(DEALLOC_MODIFY_HDR); N(ALLOC_COUNTERS); N(DEALLOC_COUNTERS);
	N(QUERY_COUNTERS); N(QUERY_VPORT); N(MODIFY_VPORT); N(QUERY_STATS);
	N(LIST_OBJECTS); N(QUERY_REFORMAT); N(QUERY_MODIFY_HDR);
	N(RESET_STEERING); N(QUERY_SRIOV); N(SET_NUM_VFS);
#undef N
	default: return "UNKNOWN_OPCODE";
	}
}

const char *snic_fwc_strerror(const struct snic_fwc *c, char *buf, size_t len)
{
	if (c->last_syndrome == SNIC_FWC_ETRANSPORT)
		snprintf(buf, len, "%s: no reply from the device",
			 snic_fwc_opcode_name(c->last_opcode));
	else if (c->last_syndrome == SNIC_FWC_ESHORT)
		snprintf(buf, len, "%s: reply shorter than its layout",
			 snic_fwc_opcode_name(c->last_opcode));
	else
		snprintf(buf, len, "%s: %s: %s (%s)",
			 snic_fwc_opcode_name(c->last_opcode),
			 snic_fw_status_str(c->last_status),
			 snic_fw_syndrome_str(c->last_syndrome),
			 snic_fw_syndrome_name(c->last_syndrome));
	return buf;
}

uint32_t snic_fwc_exec(struct snic_fwc *c, const void *in, size_t in_len,
		       size_t min_out)
{
	const struct snic_ifc_in_hdr *ih = in;
	struct snic_ifc_out_hdr *oh = (struct snic_ifc_out_hdr *)c->out;
	size_t n;

	c->last_opcode = LE16(ih->opcode);
	if (in_len > sizeof(c->in)) {
		c->last_status = 0xff;
		return c->last_syndrome = SNIC_FWC_ETRANSPORT;
	}
	if (in != c->in)
		memmove(c->in, in, in_len);
	n = c->exec(c->ctx, c->in, in_len, c->out, sizeof(c->out));
	if (n < sizeof(*oh)) {
		c->last_status = 0xff;
		return c->last_syndrome = SNIC_FWC_ETRANSPORT;
	}
	c->last_status = oh->status;
	c->last_syndrome = LE32(oh->syndrome);
	if (c->last_syndrome == SNIC_SYN_OK && n < min_out)
		return c->last_syndrome = SNIC_FWC_ESHORT;
	return c->last_syndrome;
}

/* Start a command in the client's input mailbox. */
static void *begin(struct snic_fwc *c, uint16_t opcode, size_t size)
{
	struct snic_ifc_in_hdr *ih = (struct snic_ifc_in_hdr *)c->in;

	memset(c->in, 0, size);
	ih->opcode = LE16(opcode);
	ih->token = LE32(0x5a5a0000u | opcode);
	return c->in;
}

uint32_t snic_fwc_query_caps(struct snic_fwc *c, const void **fdt, uint32_t *len)
{
	const struct snic_ifc_query_caps_out *o = (const void *)c->out;
	uint32_t s;

	begin(c, SNIC_CMD_QUERY_CAPS, sizeof(struct snic_ifc_in_hdr));
	s = snic_fwc_exec(c, c->in, sizeof(struct snic_ifc_in_hdr), sizeof(*o));
	if (s == SNIC_SYN_OK) {
		*fdt = o->fdt;
		*len = LE32(o->fdt_len);
	}
	return s;
}

uint32_t snic_fwc_set_esw_mode(struct snic_fwc *c, uint32_t mode)
{
	struct snic_ifc_set_esw_mode_in *in = begin(c, SNIC_CMD_SET_ESW_MODE, sizeof(*in));

	in->mode = LE32(mode);
	return snic_fwc_exec(c, in, sizeof(*in), sizeof(struct snic_ifc_out_hdr));
}

uint32_t snic_fwc_query_sriov(struct snic_fwc *c, uint32_t *total_vfs,
			      uint32_t *num_vfs)
{
	const struct snic_ifc_query_sriov_out *o = (const void *)c->out;
	uint32_t s;

	begin(c, SNIC_CMD_QUERY_SRIOV, sizeof(struct snic_ifc_in_hdr));
	s = snic_fwc_exec(c, c->in, sizeof(struct snic_ifc_in_hdr), sizeof(*o));
	if (s == SNIC_SYN_OK) {
		if (total_vfs)
			*total_vfs = LE32(o->total_vfs);
		if (num_vfs)
			*num_vfs = LE32(o->num_vfs);
	}
	return s;
}

uint32_t snic_fwc_set_num_vfs(struct snic_fwc *c, uint32_t num_vfs)
{
	struct snic_ifc_set_num_vfs_in *in = begin(c, SNIC_CMD_SET_NUM_VFS, sizeof(*in));

	in->num_vfs = LE32(num_vfs);
	return snic_fwc_exec(c, in, sizeof(*in), sizeof(struct snic_ifc_out_hdr));
}

uint32_t snic_fwc_query_esw_mode(struct snic_fwc *c, uint32_t *mode)
{
	const struct snic_ifc_query_esw_mode_out *o = (const void *)c->out;
	uint32_t s;

	begin(c, SNIC_CMD_QUERY_ESW_MODE, sizeof(struct snic_ifc_in_hdr));
	s = snic_fwc_exec(c, c->in, sizeof(struct snic_ifc_in_hdr), sizeof(*o));
	if (s == SNIC_SYN_OK)
		*mode = LE32(o->mode);
	return s;
}

static uint32_t obj_reply(struct snic_fwc *c, uint32_t s, uint32_t *id)
{
	const struct snic_ifc_obj_out *o = (const void *)c->out;

	if (s == SNIC_SYN_OK && id)
		*id = LE32(o->id);
	return s;
}

static uint32_t obj_cmd(struct snic_fwc *c, uint16_t opcode, uint32_t id,
			size_t min_out)
{
	struct snic_ifc_obj_in *in = begin(c, opcode, sizeof(*in));

	in->id = LE32(id);
	return snic_fwc_exec(c, in, sizeof(*in), min_out);
}

/* A query by id whose whole reply is copied out. */
static uint32_t query_obj(struct snic_fwc *c, uint16_t opcode, uint32_t id, void *out,
			  size_t size)
{
	uint32_t s = obj_cmd(c, opcode, id, size);

	if (s == SNIC_SYN_OK)
		memcpy(out, c->out, size);
	return s;
}

uint32_t snic_fwc_create_table(struct snic_fwc *c, uint32_t level, uint32_t miss,
			       uint32_t miss_table, uint32_t flags, uint32_t *id)
{
	struct snic_ifc_create_table_in *in =
		begin(c, SNIC_CMD_CREATE_FLOW_TABLE, sizeof(*in));

	in->level = LE32(level);
	in->miss = LE32(miss);
	in->miss_table = LE32(miss_table);
	in->flags = LE32(flags);
	return obj_reply(c, snic_fwc_exec(c, in, sizeof(*in),
					  sizeof(struct snic_ifc_obj_out)), id);
}

uint32_t snic_fwc_destroy_table(struct snic_fwc *c, uint32_t id)
{
	return obj_cmd(c, SNIC_CMD_DESTROY_FLOW_TABLE, id,
		       sizeof(struct snic_ifc_out_hdr));
}

uint32_t snic_fwc_query_table(struct snic_fwc *c, uint32_t id,
			      struct snic_ifc_query_table_out *out)
{
	return query_obj(c, SNIC_CMD_QUERY_FLOW_TABLE, id, out, sizeof(*out));
}

uint32_t snic_fwc_query_group(struct snic_fwc *c, uint32_t id,
			      struct snic_ifc_query_group_out *out)
{
	return query_obj(c, SNIC_CMD_QUERY_FLOW_GROUP, id, out, sizeof(*out));
}

uint32_t snic_fwc_create_group(struct snic_fwc *c, uint32_t table,
			       const struct snic_ifc_match *mask, uint32_t *id)
{
	struct snic_ifc_create_group_in *in =
		begin(c, SNIC_CMD_CREATE_FLOW_GROUP, sizeof(*in));

	in->table = LE32(table);
	in->mask = *mask;
	return obj_reply(c, snic_fwc_exec(c, in, sizeof(*in),
					  sizeof(struct snic_ifc_obj_out)), id);
}

uint32_t snic_fwc_destroy_group(struct snic_fwc *c, uint32_t id)
{
	return obj_cmd(c, SNIC_CMD_DESTROY_FLOW_GROUP, id,
		       sizeof(struct snic_ifc_out_hdr));
}

uint32_t snic_fwc_create_entry(struct snic_fwc *c, uint32_t group,
			       uint32_t priority, const struct snic_ifc_match *value,
			       const struct snic_ifc_actions *actions, uint32_t *id)
{
	struct snic_ifc_create_entry_in *in =
		begin(c, SNIC_CMD_CREATE_FLOW_ENTRY, sizeof(*in));

	in->group = LE32(group);
	in->priority = LE32(priority);
	in->value = *value;
	in->actions = *actions;
	return obj_reply(c, snic_fwc_exec(c, in, sizeof(*in),
					  sizeof(struct snic_ifc_obj_out)), id);
}

uint32_t snic_fwc_destroy_entry(struct snic_fwc *c, uint32_t id)
{
	return obj_cmd(c, SNIC_CMD_DESTROY_FLOW_ENTRY, id,
		       sizeof(struct snic_ifc_out_hdr));
}

uint32_t snic_fwc_query_entry(struct snic_fwc *c, uint32_t id,
			      struct snic_ifc_query_entry_out *out)
{
	return query_obj(c, SNIC_CMD_QUERY_FLOW_ENTRY, id, out, sizeof(*out));
}

uint32_t snic_fwc_alloc_reformat(struct snic_fwc *c, uint32_t type,
				 const uint8_t *data, uint32_t len, uint32_t *id)
{
	struct snic_ifc_alloc_reformat_in *in =
		begin(c, SNIC_CMD_ALLOC_REFORMAT, sizeof(*in));

	in->type = LE32(type);
	in->len = LE32(len);
	memcpy(in->data, data, len > sizeof(in->data) ? sizeof(in->data) : len);
	return obj_reply(c, snic_fwc_exec(c, in, sizeof(*in),
					  sizeof(struct snic_ifc_obj_out)), id);
}

uint32_t snic_fwc_dealloc_reformat(struct snic_fwc *c, uint32_t id)
{
	return obj_cmd(c, SNIC_CMD_DEALLOC_REFORMAT, id,
		       sizeof(struct snic_ifc_out_hdr));
}

uint32_t snic_fwc_alloc_modify(struct snic_fwc *c,
			       const struct snic_ifc_modify_op_desc *ops,
			       uint32_t n_ops, uint32_t *id)
{
	struct snic_ifc_alloc_modify_in *in =
		begin(c, SNIC_CMD_ALLOC_MODIFY_HDR, sizeof(*in));

	in->n_ops = LE32(n_ops);
	memcpy(in->ops, ops, (n_ops > SNIC_IFC_MAX_MODIFY_OPS ?
			      SNIC_IFC_MAX_MODIFY_OPS : n_ops) * sizeof(*ops));
	return obj_reply(c, snic_fwc_exec(c, in, sizeof(*in),
					  sizeof(struct snic_ifc_obj_out)), id);
}

uint32_t snic_fwc_dealloc_modify(struct snic_fwc *c, uint32_t id)
{
	return obj_cmd(c, SNIC_CMD_DEALLOC_MODIFY_HDR, id,
		       sizeof(struct snic_ifc_out_hdr));
}

uint32_t snic_fwc_alloc_counters(struct snic_fwc *c, uint32_t count, uint32_t *base)
{
	struct snic_ifc_alloc_counters_in *in =
		begin(c, SNIC_CMD_ALLOC_COUNTERS, sizeof(*in));

	in->count = LE32(count);
	return obj_reply(c, snic_fwc_exec(c, in, sizeof(*in),
					  sizeof(struct snic_ifc_obj_out)), base);
}

uint32_t snic_fwc_dealloc_counters(struct snic_fwc *c, uint32_t base)
{
	return obj_cmd(c, SNIC_CMD_DEALLOC_COUNTERS, base,
		       sizeof(struct snic_ifc_out_hdr));
}

uint32_t snic_fwc_query_counters(struct snic_fwc *c, uint32_t base,
				 uint32_t count, uint32_t flags,
				 uint64_t *packets, uint64_t *bytes)
{
	struct snic_ifc_query_counters_in *in =
		begin(c, SNIC_CMD_QUERY_COUNTERS, sizeof(*in));
	const struct snic_ifc_query_counters_out *o = (const void *)c->out;
	uint32_t s;

	in->base = LE32(base);
	in->count = LE32(count);
	in->flags = LE32(flags);
	s = snic_fwc_exec(c, in, sizeof(*in),
			  sizeof(*o) + (size_t)count * sizeof(o->c[0]));
	if (s == SNIC_SYN_OK) {
		for (uint32_t i = 0; i < count; i++) {
			if (packets)
				packets[i] = LE64(o->c[i].packets);
			if (bytes)
				bytes[i] = LE64(o->c[i].bytes);
		}
	}
	return s;
}

uint32_t snic_fwc_list_objects(struct snic_fwc *c, uint32_t type, uint32_t start,
			       uint32_t max, struct snic_ifc_list_item *items,
			       uint32_t *n, uint32_t *next)
{
	struct snic_ifc_list_objects_in *in =
		begin(c, SNIC_CMD_LIST_OBJECTS, sizeof(*in));
	const struct snic_ifc_list_objects_out *o = (const void *)c->out;
	uint32_t s, got;

	in->type = LE32(type);
	in->start = LE32(start);
	in->max = LE32(max);
	s = snic_fwc_exec(c, in, sizeof(*in), sizeof(*o));
	if (s != SNIC_SYN_OK)
		return s;
	got = LE32(o->n);
	if (got > max || LE32(o->hdr.out_len) < sizeof(*o) + (size_t)got * sizeof(o->items[0]))
		return c->last_syndrome = SNIC_FWC_ESHORT;
	for (uint32_t i = 0; i < got; i++) {
		items[i].id = LE32(o->items[i].id);
		items[i].aux = LE32(o->items[i].aux);
	}
	*n = got;
	*next = LE32(o->next);
	return s;
}

uint32_t snic_fwc_query_reformat(struct snic_fwc *c, uint32_t id,
				 struct snic_ifc_query_reformat_out *out)
{
	return query_obj(c, SNIC_CMD_QUERY_REFORMAT, id, out, sizeof(*out));
}

uint32_t snic_fwc_query_modify(struct snic_fwc *c, uint32_t id,
			       struct snic_ifc_query_modify_out *out)
{
	return query_obj(c, SNIC_CMD_QUERY_MODIFY_HDR, id, out, sizeof(*out));
}

uint32_t snic_fwc_reset_steering(struct snic_fwc *c,
				 struct snic_ifc_reset_steering_out *out)
{
	struct snic_ifc_reset_steering_in *in =
		begin(c, SNIC_CMD_RESET_STEERING, sizeof(*in));
	uint32_t s = snic_fwc_exec(c, in, sizeof(*in), sizeof(*out));

	if (s == SNIC_SYN_OK && out)
		memcpy(out, c->out, sizeof(*out));
	return s;
}

uint32_t snic_fwc_query_vport(struct snic_fwc *c, uint16_t vport,
			      struct snic_ifc_query_vport_out *out)
{
	struct snic_ifc_query_vport_in *in = begin(c, SNIC_CMD_QUERY_VPORT, sizeof(*in));
	uint32_t s;

	in->vport = LE16(vport);
	s = snic_fwc_exec(c, in, sizeof(*in), sizeof(*out));
	if (s == SNIC_SYN_OK)
		memcpy(out, c->out, sizeof(*out));
	return s;
}

uint32_t snic_fwc_modify_vport(struct snic_fwc *c, uint16_t vport,
			       uint32_t fields, const struct snic_ifc_vport_ctx *x)
{
	struct snic_ifc_modify_vport_in *in =
		begin(c, SNIC_CMD_MODIFY_VPORT, sizeof(*in));

	in->vport = LE16(vport);
	in->fields = LE32(fields);
	in->ctx = *x;
	in->ctx.vlan = LE16(x->vlan);
	in->ctx.min_rate = LE32(x->min_rate);
	in->ctx.max_rate = LE32(x->max_rate);
	return snic_fwc_exec(c, in, sizeof(*in), sizeof(struct snic_ifc_out_hdr));
}

uint32_t snic_fwc_query_stats(struct snic_fwc *c, struct snic_ifc_query_stats_out *out)
{
	uint32_t s;

	begin(c, SNIC_CMD_QUERY_STATS, sizeof(struct snic_ifc_in_hdr));
	s = snic_fwc_exec(c, c->in, sizeof(struct snic_ifc_in_hdr), sizeof(*out));
	if (s == SNIC_SYN_OK)
		memcpy(out, c->out, sizeof(*out));
	return s;
}

void snic_fwc_modify_op(struct snic_ifc_modify_op_desc *op, uint8_t opcode,
			uint8_t field, uint64_t value)
{
	memset(op, 0, sizeof(*op));
	op->op = opcode;
	op->field = field;
	for (int i = 7; i >= 0; i--, value >>= 8)
		op->value[i] = (uint8_t)value;
}

void snic_fwc_vxlan_template(uint8_t *t, const uint8_t dmac[6],
			     const uint8_t smac[6], uint32_t src_ip,
			     uint32_t dst_ip, uint16_t dst_port, uint32_t vni)
{
	memset(t, 0, SNIC_REFORMAT_VXLAN_LEN);
	memcpy(t, dmac, 6);
	memcpy(t + 6, smac, 6);
	t[12] = 0x08;                         /* IPv4 */
	t[14] = 0x45;                         /* version 4, IHL 5 */
	t[20] = 0x40;                         /* DF */
	t[22] = 64;                           /* TTL */
	t[23] = 17;                           /* UDP */
	for (int i = 0; i < 4; i++) {
		t[26 + i] = (uint8_t)(src_ip >> (24 - 8 * i));
		t[30 + i] = (uint8_t)(dst_ip >> (24 - 8 * i));
	}
	t[36] = (uint8_t)(dst_port >> 8);
	t[37] = (uint8_t)dst_port;
	t[42] = 0x08;                         /* VXLAN I flag */
	t[46] = (uint8_t)(vni >> 16);
	t[47] = (uint8_t)(vni >> 8);
	t[48] = (uint8_t)vni;
}
