/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cmd.c - the command interface: framing, permissions, dispatch.
 *
 * One table describes every opcode: its exact input size, its fixed reply
 * size (0 when the handler computes it), who may issue it, and its handler.
 * The checks that apply to all commands run here, once, before any handler;
 * handlers validate their own fields completely before they change anything,
 * so a failing command leaves the device as it was.
 */
#include "fw_internal.h"

#define F_VF_OK      0x1u  /* a VF may issue it (handler checks the vport) */

static uint32_t cmd_query_caps(struct fw_cmd_ctx *c)
{
	struct snic_ifc_query_caps_out *o = c->out;
	uint32_t need = (uint32_t)sizeof(*o) + c->fw->caps_len;

	if (c->out_cap < need)
		return SNIC_SYN_OUT_TOO_SHORT;
	o->fdt_len = fw_le32(c->fw->caps_len);
	o->rsvd = 0;
	memcpy(o->fdt, c->fw->caps_fdt, c->fw->caps_len);
	c->out_len = need;
	return SNIC_SYN_OK;
}

static uint32_t cmd_query_esw(struct fw_cmd_ctx *c)
{
	struct snic_ifc_query_esw_mode_out *o = c->out;

	o->mode = fw_le32(c->fw->esw_mode);
	o->rsvd = 0;
	return SNIC_SYN_OK;
}

static uint32_t cmd_set_esw(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_set_esw_mode_in *in = c->in;
	uint32_t mode = fw_le32(in->mode);

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (mode != SNIC_ESW_LEGACY && mode != SNIC_ESW_SWITCHDEV)
		return SNIC_SYN_ESW_MODE_INVALID;
	if (mode != c->fw->esw_mode && c->fw->n_tables_used)
		return SNIC_SYN_ESW_MODE_BUSY;
	if (mode != c->fw->esw_mode)
		fw_log(c->fw, SNIC_FW_LOG_INFO, "e-switch mode: %s",
		       mode == SNIC_ESW_SWITCHDEV ? "switchdev" : "legacy");
	c->fw->esw_mode = mode;
	return SNIC_SYN_OK;
}

static uint32_t cmd_query_stats(struct fw_cmd_ctx *c)
{
	struct snic_ifc_query_stats_out *o = c->out;

	memset((uint8_t *)o + sizeof(o->hdr), 0, sizeof(*o) - sizeof(o->hdr));
	o->n_drops = fw_le32(SNIC_DROP_MAX_);
	o->rx_packets = fw_le64(c->fw->rx_packets);
	for (unsigned i = 0; i < SNIC_DROP_MAX_; i++)
		o->drops[i] = fw_le64(c->fw->drops[i]);
	return SNIC_SYN_OK;
}

struct cmd_desc {
	uint16_t opcode;
	uint16_t flags;
	uint32_t in_size;
	uint32_t out_size;
	uint32_t (*fn)(struct fw_cmd_ctx *c);
};

#define OBJ_IN  sizeof(struct snic_ifc_obj_in)
#define OBJ_OUT sizeof(struct snic_ifc_obj_out)
#define HDR_IN  sizeof(struct snic_ifc_in_hdr)
#define HDR_OUT sizeof(struct snic_ifc_out_hdr)

static const struct cmd_desc cmds[] = {
	{ SNIC_CMD_QUERY_CAPS, F_VF_OK, HDR_IN, 0, cmd_query_caps },
	{ SNIC_CMD_QUERY_ESW_MODE, 0, HDR_IN,
	  sizeof(struct snic_ifc_query_esw_mode_out), cmd_query_esw },
	{ SNIC_CMD_SET_ESW_MODE, 0, sizeof(struct snic_ifc_set_esw_mode_in),
	  HDR_OUT, cmd_set_esw },
	{ SNIC_CMD_QUERY_SRIOV, 0, HDR_IN,
	  sizeof(struct snic_ifc_query_sriov_out), fw_cmd_query_sriov },
	{ SNIC_CMD_SET_NUM_VFS, 0, sizeof(struct snic_ifc_set_num_vfs_in),
	  HDR_OUT, fw_cmd_set_num_vfs },
	{ SNIC_CMD_CREATE_FLOW_TABLE, 0, sizeof(struct snic_ifc_create_table_in),
	  OBJ_OUT, fw_cmd_create_table },
	{ SNIC_CMD_DESTROY_FLOW_TABLE, 0, OBJ_IN, HDR_OUT, fw_cmd_destroy_table },
	{ SNIC_CMD_QUERY_FLOW_TABLE, 0, OBJ_IN,
	  sizeof(struct snic_ifc_query_table_out), fw_cmd_query_table },
	{ SNIC_CMD_CREATE_FLOW_GROUP, 0, sizeof(struct snic_ifc_create_group_in),
	  OBJ_OUT, fw_cmd_create_group },
	{ SNIC_CMD_DESTROY_FLOW_GROUP, 0, OBJ_IN, HDR_OUT, fw_cmd_destroy_group },
	{ SNIC_CMD_QUERY_FLOW_GROUP, 0, OBJ_IN,
	  sizeof(struct snic_ifc_query_group_out), fw_cmd_query_group },
	{ SNIC_CMD_CREATE_FLOW_ENTRY, 0, sizeof(struct snic_ifc_create_entry_in),
	  OBJ_OUT, fw_cmd_create_entry },
	{ SNIC_CMD_DESTROY_FLOW_ENTRY, 0, OBJ_IN, HDR_OUT, fw_cmd_destroy_entry },
	{ SNIC_CMD_QUERY_FLOW_ENTRY, 0, OBJ_IN,
	  sizeof(struct snic_ifc_query_entry_out), fw_cmd_query_entry },
	{ SNIC_CMD_ALLOC_REFORMAT, 0, sizeof(struct snic_ifc_alloc_reformat_in),
	  OBJ_OUT, fw_cmd_alloc_reformat },
	{ SNIC_CMD_DEALLOC_REFORMAT, 0, OBJ_IN, HDR_OUT, fw_cmd_dealloc_reformat },
	{ SNIC_CMD_ALLOC_MODIFY_HDR, 0, sizeof(struct snic_ifc_alloc_modify_in),
	  OBJ_OUT, fw_cmd_alloc_modify },
	{ SNIC_CMD_DEALLOC_MODIFY_HDR, 0, OBJ_IN, HDR_OUT, fw_cmd_dealloc_modify },
	{ SNIC_CMD_ALLOC_COUNTERS, 0, sizeof(struct snic_ifc_alloc_counters_in),
	  OBJ_OUT, fw_cmd_alloc_counters },
	{ SNIC_CMD_DEALLOC_COUNTERS, 0, OBJ_IN, HDR_OUT, fw_cmd_dealloc_counters },
	{ SNIC_CMD_QUERY_COUNTERS, 0, sizeof(struct snic_ifc_query_counters_in), 0,
	  fw_cmd_query_counters },
	{ SNIC_CMD_QUERY_VPORT, F_VF_OK, sizeof(struct snic_ifc_query_vport_in),
	  sizeof(struct snic_ifc_query_vport_out), fw_cmd_query_vport },
	{ SNIC_CMD_MODIFY_VPORT, F_VF_OK, sizeof(struct snic_ifc_modify_vport_in),
	  HDR_OUT, fw_cmd_modify_vport },
	{ SNIC_CMD_QUERY_STATS, 0, HDR_IN, sizeof(struct snic_ifc_query_stats_out),
	  cmd_query_stats },
	{ SNIC_CMD_LIST_OBJECTS, 0, sizeof(struct snic_ifc_list_objects_in), 0,
	  fw_cmd_list_objects },
	{ SNIC_CMD_QUERY_REFORMAT, 0, OBJ_IN,
	  sizeof(struct snic_ifc_query_reformat_out), fw_cmd_query_reformat },
	{ SNIC_CMD_QUERY_MODIFY_HDR, 0, OBJ_IN,
	  sizeof(struct snic_ifc_query_modify_out), fw_cmd_query_modify },
	{ SNIC_CMD_RESET_STEERING, 0, sizeof(struct snic_ifc_reset_steering_in),
	  sizeof(struct snic_ifc_reset_steering_out), fw_cmd_reset_steering },
};

static const struct cmd_desc *cmd_find(uint16_t opcode)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cmds[i].opcode == opcode)
			return &cmds[i];
	return NULL;
}

static uint32_t cmd_check(struct fw_cmd_ctx *c, const struct cmd_desc *d,
			  const struct snic_ifc_in_hdr *ih, size_t in_len)
{
	if (!d)
		return SNIC_SYN_BAD_OPCODE;
	if (in_len < d->in_size)
		return SNIC_SYN_IN_TOO_SHORT;
	if (in_len > d->in_size)
		return SNIC_SYN_IN_TOO_LONG;
	if (ih->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (c->func > c->fw->board.n_vfs)
		return SNIC_SYN_UNKNOWN_FUNCTION;
	if (!fw_vport_enabled(c->fw, c->func))   /* FUNC_VF(n) == VPORT_VF(n) */
		return SNIC_SYN_VF_DISABLED;
	if (c->func != SNIC_IFC_FUNC_PF && !(d->flags & F_VF_OK))
		return SNIC_SYN_PERMISSION;
	if (d->out_size && c->out_cap < d->out_size)
		return SNIC_SYN_OUT_TOO_SHORT;
	c->out_len = d->out_size ? d->out_size : (uint32_t)HDR_OUT;
	return d->fn(c);
}

size_t snic_fw_cmd(struct snic_fw *fw, uint16_t func, const void *in,
		   size_t in_len, void *out, size_t out_cap)
{
	struct snic_ifc_out_hdr *oh = out;
	struct fw_cmd_ctx c = {
		.fw = fw, .func = func, .in = in, .out = out,
		.out_cap = out_cap > SNIC_IFC_MAX_OUT ? SNIC_IFC_MAX_OUT :
						       (uint32_t)out_cap,
		.out_len = HDR_OUT,
	};
	uint32_t syn, token = 0;

	if (!out || out_cap < HDR_OUT || ((uintptr_t)out & 7))
		return 0;
	if (!in || in_len < HDR_IN) {
		syn = SNIC_SYN_IN_TOO_SHORT;
	} else if (in_len > SNIC_IFC_MAX_IN) {
		syn = SNIC_SYN_IN_TOO_LONG;
		token = ((const struct snic_ifc_in_hdr *)in)->token;
	} else if ((uintptr_t)in & 7) {
		syn = SNIC_SYN_MAILBOX_ALIGN;
	} else {
		const struct snic_ifc_in_hdr *ih = in;
		token = ih->token;
		syn = cmd_check(&c, cmd_find(fw_le16(ih->opcode)), ih, in_len);
	}
	if (syn != SNIC_SYN_OK)
		c.out_len = HDR_OUT;
	oh->status = (uint8_t)fw_syndrome_status(syn);
	oh->rsvd[0] = oh->rsvd[1] = oh->rsvd[2] = 0;
	oh->syndrome = fw_le32(syn);
	oh->token = token;
	oh->out_len = fw_le32(c.out_len);
	return c.out_len;
}
