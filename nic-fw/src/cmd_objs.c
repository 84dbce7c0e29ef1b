/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cmd_objs.c - commands for the objects entries refer to (packet reformat
 * contexts, modify-header lists, counters) and for vports.
 */
#include "fw_internal.h"

/* ---- packet reformat ---- */

uint32_t fw_cmd_alloc_reformat(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_alloc_reformat_in *in = c->in;
	struct snic_ifc_obj_out *o = c->out;
	struct snic_fw *fw = c->fw;
	uint32_t type = fw_le32(in->type), len = fw_le32(in->len), syn, id;
	struct fw_reformat *r;

	if (type != SNIC_REFORMAT_VXLAN_ENCAP)
		return SNIC_SYN_REFORMAT_TYPE;
	if (len > SNIC_IFC_MAX_REFORMAT)
		return SNIC_SYN_REFORMAT_LEN;
	syn = snic_fw_pkt_check_encap(in->data, len);
	if (syn)
		return syn;
	if (!fw_bytes_zero(in->data + len, SNIC_IFC_MAX_REFORMAT - len))
		return SNIC_SYN_RSVD_NOT_ZERO;
	if ((id = fw_idpool_get(&fw->reformat_ids)) == FW_NONE)
		return SNIC_SYN_REFORMAT_LIMIT;
	r = &fw->reformats[id];
	r->used = true;
	r->type = type;
	r->len = (uint8_t)len;
	r->refs = 0;
	memcpy(r->data, in->data, SNIC_IFC_MAX_REFORMAT);
	o->id = fw_le32(id);
	o->rsvd = 0;
	return SNIC_SYN_OK;
}

uint32_t fw_cmd_dealloc_reformat(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_obj_in *in = c->in;
	struct snic_fw *fw = c->fw;
	uint32_t id = fw_le32(in->id);

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (id >= fw->board.max_encap || !fw->reformats[id].used)
		return SNIC_SYN_REFORMAT_NOT_FOUND;
	if (fw->reformats[id].refs)
		return SNIC_SYN_REFORMAT_BUSY;
	memset(&fw->reformats[id], 0, sizeof(fw->reformats[id]));
	fw_idpool_put(&fw->reformat_ids, id);
	return SNIC_SYN_OK;
}

/* ---- modify header ---- */

uint32_t fw_cmd_alloc_modify(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_alloc_modify_in *in = c->in;
	struct snic_ifc_obj_out *o = c->out;
	struct snic_fw *fw = c->fw;
	uint32_t n = fw_le32(in->n_ops), syn, id;
	struct fw_modify *m;

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (n < 1 || n > SNIC_IFC_MAX_MODIFY_OPS)
		return SNIC_SYN_MODIFY_NUM;
	for (uint32_t i = 0; i < n; i++)
		if ((syn = snic_fw_pkt_check_modify(&in->ops[i])))
			return syn;
	if (!fw_bytes_zero(&in->ops[n], (SNIC_IFC_MAX_MODIFY_OPS - n) * sizeof(in->ops[0])))
		return SNIC_SYN_RSVD_NOT_ZERO;
	if ((id = fw_idpool_get(&fw->modify_ids)) == FW_NONE)
		return SNIC_SYN_MODIFY_LIMIT;
	m = &fw->modifies[id];
	m->used = true;
	m->n_ops = (uint8_t)n;
	m->refs = 0;
	memcpy(m->ops, in->ops, sizeof(m->ops));
	o->id = fw_le32(id);
	o->rsvd = 0;
	return SNIC_SYN_OK;
}

uint32_t fw_cmd_dealloc_modify(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_obj_in *in = c->in;
	struct snic_fw *fw = c->fw;
	uint32_t id = fw_le32(in->id);

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (id >= fw->board.max_modify || !fw->modifies[id].used)
		return SNIC_SYN_MODIFY_NOT_FOUND;
	if (fw->modifies[id].refs)
		return SNIC_SYN_MODIFY_BUSY;
	memset(&fw->modifies[id], 0, sizeof(fw->modifies[id]));
	fw_idpool_put(&fw->modify_ids, id);
	return SNIC_SYN_OK;
}

/* ---- counters ---- */

/*
 * First run of n free counters at or after `from` and before `to`, from the
 * bitmap of used counters: whole words that are full (or, inside a run,
 * empty) are passed at once, so a search over a million counters reads at
 * most 16 Ki words.
 */
static uint32_t counters_find(const struct snic_fw *fw, uint32_t from,
			      uint32_t to, uint32_t n)
{
	uint32_t run = 0, i = from;

	while (i < to) {
		uint64_t w = fw->counter_bits[i >> 6];

		if ((i & 63u) == 0 && to - i >= 64u) {
			if (w == ~0ull) {
				run = 0;
				i += 64;
				continue;
			}
			if (w == 0) {
				if (run + 64u >= n)
					return i - run;
				run += 64u;
				i += 64;
				continue;
			}
		}
		run = (w >> (i & 63u)) & 1u ? 0 : run + 1;
		i++;
		if (run == n)
			return i - n;
	}
	return FW_NONE;
}

static void counter_bit(struct snic_fw *fw, uint32_t id, bool used)
{
	if (used)
		fw->counter_bits[id >> 6] |= 1ull << (id & 63u);
	else
		fw->counter_bits[id >> 6] &= ~(1ull << (id & 63u));
}

uint32_t fw_cmd_alloc_counters(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_alloc_counters_in *in = c->in;
	struct snic_ifc_obj_out *o = c->out;
	struct snic_fw *fw = c->fw;
	uint32_t n = fw_le32(in->count), max = fw->board.max_counters, base;

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (n < 1 || n > SNIC_IFC_MAX_COUNTER_Q)
		return SNIC_SYN_COUNTER_NUM;
	base = counters_find(fw, fw->counter_cursor < max ? fw->counter_cursor : 0,
			     max, n);
	if (base == FW_NONE)
		base = counters_find(fw, 0, max, n);
	if (base == FW_NONE)
		return SNIC_SYN_COUNTER_LIMIT;
	for (uint32_t i = base; i < base + n; i++) {
		fw->counter_meta[i].used = 1;
		fw->counter_meta[i].refs = 0;
		counter_bit(fw, i, true);
		fw->counters[i].packets = fw->counters[i].bytes = 0;
	}
	fw->counter_meta[base].bulk = (uint16_t)n;
	fw->counter_cursor = base + n;
	o->id = fw_le32(base);
	o->rsvd = 0;
	return SNIC_SYN_OK;
}

uint32_t fw_cmd_dealloc_counters(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_obj_in *in = c->in;
	struct snic_fw *fw = c->fw;
	uint32_t base = fw_le32(in->id), n;

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (base >= fw->board.max_counters || !fw->counter_meta[base].bulk)
		return SNIC_SYN_COUNTER_NOT_FOUND;
	n = fw->counter_meta[base].bulk;
	for (uint32_t i = base; i < base + n; i++)
		if (fw->counter_meta[i].refs)
			return SNIC_SYN_COUNTER_BUSY;
	for (uint32_t i = base; i < base + n; i++) {
		memset(&fw->counter_meta[i], 0, sizeof(fw->counter_meta[i]));
		fw->counters[i].packets = fw->counters[i].bytes = 0;
		counter_bit(fw, i, false);
	}
	return SNIC_SYN_OK;
}

uint32_t fw_cmd_query_counters(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_query_counters_in *in = c->in;
	struct snic_ifc_query_counters_out *o = c->out;
	struct snic_fw *fw = c->fw;
	uint32_t base = fw_le32(in->base), n = fw_le32(in->count);
	uint32_t flags = fw_le32(in->flags), need;

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (n < 1 || n > SNIC_IFC_MAX_COUNTER_Q)
		return SNIC_SYN_COUNTER_NUM;
	if (flags & ~SNIC_COUNTERS_Q_CLEAR)
		return SNIC_SYN_COUNTER_FLAGS;
	if (base >= fw->board.max_counters || n > fw->board.max_counters - base)
		return SNIC_SYN_COUNTER_NOT_FOUND;
	for (uint32_t i = base; i < base + n; i++)
		if (!fw->counter_meta[i].used)
			return SNIC_SYN_COUNTER_NOT_FOUND;
	need = (uint32_t)sizeof(*o) + n * (uint32_t)sizeof(o->c[0]);
	if (c->out_cap < need)
		return SNIC_SYN_OUT_TOO_SHORT;
	o->count = fw_le32(n);
	o->rsvd = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct fw_counter *k = &fw->counters[base + i];
		o->c[i].packets = fw_le64(k->packets);
		o->c[i].bytes = fw_le64(k->bytes);
		if (flags & SNIC_COUNTERS_Q_CLEAR)
			k->packets = k->bytes = 0;
	}
	c->out_len = need;
	return SNIC_SYN_OK;
}

/* ---- vports ---- */

/* A VF may address only its own vport. */
static uint32_t vport_access(const struct fw_cmd_ctx *c, uint16_t vport)
{
	if (!snic_fw_vport_valid(c->fw, vport))
		return SNIC_SYN_VPORT_NOT_FOUND;
	if (c->func != SNIC_IFC_FUNC_PF && vport != c->func)
		return SNIC_SYN_OTHER_VPORT;   /* FUNC_VF(n) == VPORT_VF(n) */
	return SNIC_SYN_OK;
}

uint32_t fw_cmd_query_vport(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_query_vport_in *in = c->in;
	struct snic_ifc_query_vport_out *o = c->out;
	uint16_t vport = fw_le16(in->vport);
	const struct fw_vport *vp;
	uint32_t syn;

	if (in->rsvd || in->rsvd1)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if ((syn = vport_access(c, vport)))
		return syn;
	vp = fw_vport(c->fw, vport);
	memset((uint8_t *)o + sizeof(o->hdr), 0, sizeof(*o) - sizeof(o->hdr));
	o->vport = fw_le16(vport);
	o->link_up = snic_fw_vport_link_up(c->fw, vport);
	o->enabled = fw_vport_enabled(c->fw, vport);
	memcpy(o->ctx.mac, vp->ctx.mac, 6);
	o->ctx.vlan = fw_le16(vp->ctx.vlan);
	o->ctx.qos = vp->ctx.qos;
	o->ctx.spoofchk = vp->ctx.spoofchk;
	o->ctx.trust = vp->ctx.trust;
	o->ctx.link_state = vp->ctx.link_state;
	o->ctx.min_rate = fw_le32(vp->ctx.min_rate);
	o->ctx.max_rate = fw_le32(vp->ctx.max_rate);
	o->stats.rx_packets = fw_le64(vp->st.rx_packets);
	o->stats.rx_bytes = fw_le64(vp->st.rx_bytes);
	o->stats.tx_packets = fw_le64(vp->st.tx_packets);
	o->stats.tx_bytes = fw_le64(vp->st.tx_bytes);
	o->stats.rep_packets = fw_le64(vp->st.rep_packets);
	o->stats.drop_spoof = fw_le64(vp->st.drop_spoof);
	o->stats.drop_vlan = fw_le64(vp->st.drop_vlan);
	o->stats.drop_link = fw_le64(vp->st.drop_link);
	o->stats.drop_rate = fw_le64(vp->st.drop_rate);
	return SNIC_SYN_OK;
}

uint32_t fw_cmd_modify_vport(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_modify_vport_in *in = c->in;
	struct snic_fw *fw = c->fw;
	uint16_t vport = fw_le16(in->vport);
	uint32_t fields = fw_le32(in->fields), syn;
	uint32_t min_rate = fw_le32(in->ctx.min_rate);
	uint32_t max_rate = fw_le32(in->ctx.max_rate);
	uint16_t vlan = fw_le16(in->ctx.vlan);
	struct fw_vport *vp;

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if ((syn = vport_access(c, vport)))
		return syn;
	if (fields & ~SNIC_VPORT_F_ALL)
		return SNIC_SYN_VPORT_FIELDS;
	if (!SNIC_IFC_VPORT_IS_VF(vport))
		return SNIC_SYN_VPORT_NOT_VF;
	if (!fw_vport_enabled(fw, vport))
		return SNIC_SYN_VF_DISABLED;
	vp = fw_vport(fw, vport);
	if (c->func != SNIC_IFC_FUNC_PF) {
		if (fields & ~SNIC_VPORT_F_MAC)
			return SNIC_SYN_PERMISSION;
		if (!vp->ctx.trust)
			return SNIC_SYN_VPORT_NOT_TRUSTED;
	}
	if ((fields & SNIC_VPORT_F_MAC) && (in->ctx.mac[0] & 1))
		return SNIC_SYN_VPORT_MAC;
	if (fields & SNIC_VPORT_F_VLAN) {
		if (vlan > 4094)
			return SNIC_SYN_VPORT_VLAN;
		if (in->ctx.qos > 7)
			return SNIC_SYN_VPORT_QOS;
	}
	if (((fields & SNIC_VPORT_F_SPOOFCHK) && in->ctx.spoofchk > 1) ||
	    ((fields & SNIC_VPORT_F_TRUST) && in->ctx.trust > 1))
		return SNIC_SYN_VPORT_BOOL;
	if ((fields & SNIC_VPORT_F_LINK) && in->ctx.link_state > SNIC_LINK_DOWN)
		return SNIC_SYN_VPORT_LINK_STATE;
	if ((fields & SNIC_VPORT_F_RATE) &&
	    (max_rate > fw->board.uplink_speed[0] ||
	     min_rate > fw->board.uplink_speed[0] ||
	     (max_rate && min_rate > max_rate)))
		return SNIC_SYN_VPORT_RATE;

	if (fields & SNIC_VPORT_F_MAC)
		memcpy(vp->ctx.mac, in->ctx.mac, 6);
	if (fields & SNIC_VPORT_F_VLAN) {
		vp->ctx.vlan = vlan;
		vp->ctx.qos = in->ctx.qos;
	}
	if (fields & SNIC_VPORT_F_SPOOFCHK)
		vp->ctx.spoofchk = in->ctx.spoofchk;
	if (fields & SNIC_VPORT_F_TRUST)
		vp->ctx.trust = in->ctx.trust;
	if (fields & SNIC_VPORT_F_LINK)
		vp->ctx.link_state = in->ctx.link_state;
	if (fields & SNIC_VPORT_F_RATE) {
		vp->ctx.min_rate = min_rate;
		vp->ctx.max_rate = max_rate;
		vp->tokens = 0;
		vp->last_ns = 0;
	}
	if (fields) {
		fw_post_event(fw, SNIC_EVENT_VF_STATE, vport, fields);
		fw_vport_link_update(fw);
	}
	return SNIC_SYN_OK;
}
