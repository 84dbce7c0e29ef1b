/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * swdp_exec.c - a program (swdp_xlate.c) applied to one frame.
 *
 * The frame is in a working buffer in the arena, with headroom for VLAN
 * pushes and an encapsulation.  Rewrites are the packet library's, in
 * place.  Each output takes the frame as it is then: a copy in the arena,
 * except the program's last output, which takes the working buffer itself
 * (a tunnel output encapsulates into its headroom).  A tunnel's UDP source
 * port hashes the frame's flow: the parse of the frame as it entered, or a
 * new parse when a rewrite came first (as the firmware does).
 */
#include <string.h>

#include "swdp_internal.h"

uint8_t *swdp_arena_alloc(struct snic_mgr_swdp *dp, uint32_t n)
{
	size_t sz = ((size_t)n + 63u) & ~(size_t)63u;
	uint8_t *p;

	if (dp->arena_used + sz > dp->arena_size)
		return NULL;
	p = dp->arena + dp->arena_used;
	dp->arena_used += sz;
	return p;
}

void swdp_drop(struct snic_mgr_swdp *dp, struct snic_mgr_swdp_result *res,
	       uint32_t reason)
{
	if (reason >= SNIC_MGR_SWDP_DROP_MAX_)
		reason = 0;
	dp->st.drops[reason]++;
	if (reason == SNIC_DROP_TABLE_MISS)
		dp->st.misses++;
	if (!(res->flags & SNIC_MGR_SWDP_R_DROPPED)) {
		res->flags |= SNIC_MGR_SWDP_R_DROPPED;
		res->drop_reason = reason;
	}
}

/* A new output entry holding len bytes (with room for an encap), or NULL
 * (dropped: too many outputs or no arena left). */
static struct snic_mgr_swdp_out *out_new(struct snic_mgr_swdp *dp,
					 struct snic_mgr_swdp_result *res,
					 const struct swdp_op *op,
					 const struct snic_fw_buf *b,
					 struct snic_fw_buf *ob)
{
	struct snic_mgr_swdp_out *o;

	if (res->n_out == SNIC_MGR_SWDP_MAX_OUT)
		goto full;
	*ob = *b;
	if (!op->in_place) {
		uint8_t *p = swdp_arena_alloc(dp, SWDP_ENCAP_ROOM + b->len);

		if (!p)
			goto full;
		ob->data = p + SWDP_ENCAP_ROOM;
		ob->headroom = SWDP_ENCAP_ROOM;
		ob->tailroom = 0;
		memcpy(ob->data, b->data, b->len);
	}
	o = &res->out[res->n_out++];
	memset(o, 0, sizeof(*o));
	return o;
full:
	swdp_drop(dp, res, SNIC_MGR_SWDP_DROP_OUT_LIMIT);
	return NULL;
}

/* An output to a port (op: OUTPUT or TUNNEL) of the frame in ob. */
static void out_fill(struct snic_mgr_swdp_out *o, const struct swdp_op *op,
		     const struct snic_fw_buf *ob)
{
	o->frame = ob->data;
	o->len = o->total_len = ob->len;
	o->ofport = op->arg;
	o->dpdk_port = op->port;
}

static void out_port(struct snic_mgr_swdp *dp, struct snic_mgr_swdp_result *res,
		     const struct swdp_op *op, const struct snic_fw_buf *b)
{
	struct snic_fw_buf ob;
	struct snic_mgr_swdp_out *o = out_new(dp, res, op, b, &ob);

	if (o)
		out_fill(o, op, &ob);
}

static void out_tunnel(struct snic_mgr_swdp *dp, struct snic_mgr_swdp_result *res,
		       const struct swdp_op *op, struct swdp_pkt *pkt, bool dirty)
{
	struct snic_ifc_match fresh;
	const struct snic_ifc_match *flow = &pkt->m;
	struct snic_mgr_swdp_out *o;
	struct snic_fw_buf ob;
	int rc;

	if (dirty) {
		rc = swdp_parse_plain(pkt->b.data, pkt->b.len, &fresh);
		if (rc) {
			swdp_drop(dp, res, (uint32_t)rc);
			return;
		}
		flow = &fresh;
	}
	o = out_new(dp, res, op, &pkt->b, &ob);
	if (!o)
		return;
	rc = snic_fw_pkt_encap(&ob, swdp_op_tmpl(op), SNIC_REFORMAT_VXLAN_LEN, flow);
	if (rc) {
		res->n_out--;
		swdp_drop(dp, res, (uint32_t)rc);
		return;
	}
	out_fill(o, op, &ob);
}

/* A packet handed to the caller: a controller action, or a table miss. */
static void out_caller(struct snic_mgr_swdp *dp, struct snic_mgr_swdp_result *res,
		       const struct swdp_op *op, const struct snic_fw_buf *b)
{
	struct snic_fw_buf ob;
	struct snic_mgr_swdp_out *o = out_new(dp, res, op, b, &ob);
	bool miss = op->type == SWDP_OP_MISS;

	if (!o)
		return;
	o->frame = ob.data;
	o->total_len = ob.len;
	o->len = !miss && op->arg < ob.len ? op->arg : ob.len;
	o->ofport = SNIC_OF_PORT_CONTROLLER;
	o->dpdk_port = 0xffff;
	o->table = op->u.ctl.table;
	if (miss) {
		o->reason = SNIC_OF_REASON_NO_MATCH;
		res->flags |= SNIC_MGR_SWDP_R_MISS;
		res->miss_table = op->u.ctl.table;
		dp->st.misses++;
	} else {
		o->reason = op->u.ctl.reason;
		o->controller_id = op->u.ctl.id;
		res->flags |= SNIC_MGR_SWDP_R_CONTROLLER;
		dp->st.controller++;
	}
}

static void hit(struct snic_mgr_swdp *dp, struct snic_mgr_swdp_result *res,
		uint32_t slot, uint32_t len)
{
	struct swdp_rule *r = dp->cls.rules[slot];

	r->packets++;
	r->bytes += len;
	if (res->n_hits < SNIC_MGR_SWDP_MAX_HITS)
		res->hits[res->n_hits] = r->id;
	res->n_hits++;
}

/*
 * A rewrite of an IP or L4 field after VLAN pushes: the NIC (and Open
 * vSwitch's datapath) rewrite the headers whatever tags went in front,
 * while the packet library finds L3 behind two tags at most.  So the
 * pushed tags come off for the rewrite and go back on (they commute).
 */
static int modify(struct swdp_pkt *pkt, const struct swdp_op *op, unsigned pushed)
{
	struct snic_fw_buf *b = &pkt->b;
	uint16_t tags[8][2];
	uint8_t field = op->u.mod.field;
	unsigned n = 0;
	int rc;

	if (field == SNIC_FIELD_DMAC || field == SNIC_FIELD_SMAC ||
	    field == SNIC_FIELD_VLAN_VID || field == SNIC_FIELD_VLAN_PCP)
		pushed = 0;
	for (; n < pushed && n < 8 && b->len >= 18; n++) {
		tags[n][0] = (uint16_t)(b->data[12] << 8 | b->data[13]);
		tags[n][1] = (uint16_t)(b->data[14] << 8 | b->data[15]);
		snic_fw_pkt_pop_vlan(b);
	}
	/* scratch key: no register ops are ever emitted */
	rc = snic_fw_pkt_modify(b, &pkt->m, &op->u.mod);
	while (n-- > 0)
		snic_fw_pkt_push_vlan(b, tags[n][0], tags[n][1]);
	return rc;
}

void swdp_exec(struct snic_mgr_swdp *dp, struct swdp_pkt *pkt,
	       const struct swdp_op *ops, unsigned n_ops,
	       struct snic_mgr_swdp_result *res)
{
	struct snic_fw_buf *b = &pkt->b;
	bool dirty = false;
	unsigned pushed = 0;        /* tags this program put in front */
	int rc = 0;

	for (unsigned i = 0; i < n_ops; i++) {
		const struct swdp_op *op = &ops[i];

		switch (op->type) {
		case SWDP_OP_HIT:
			hit(dp, res, op->arg, pkt->in_len);
			break;
		case SWDP_OP_MODIFY:
			rc = modify(pkt, op, pushed);
			dirty = true;
			break;
		case SWDP_OP_PUSH_VLAN:
			rc = snic_fw_pkt_push_vlan(b, op->port, (uint16_t)op->arg);
			pushed += !rc;
			dirty = true;
			break;
		case SWDP_OP_POP_VLAN:
			rc = snic_fw_pkt_pop_vlan(b);
			pushed -= pushed > 0;
			dirty = true;
			break;
		case SWDP_OP_OUTPUT:
			out_port(dp, res, op, b);
			break;
		case SWDP_OP_TUNNEL:
			out_tunnel(dp, res, op, pkt, dirty);
			i += SWDP_TMPL_OPS;
			break;
		case SWDP_OP_CONTROLLER:
		case SWDP_OP_MISS:
			out_caller(dp, res, op, b);
			break;
		case SWDP_OP_DROP:
			swdp_drop(dp, res, op->arg);
			break;
		case SWDP_OP_STOP:
			swdp_drop(dp, res, op->arg);
			return;
		case SWDP_OP_WAIT:
			if (!(res->flags & SNIC_MGR_SWDP_R_WAIT_NEIGH))
				res->neigh_ip = op->arg;
			res->flags |= SNIC_MGR_SWDP_R_WAIT_NEIGH;
			dp->st.wait_neigh++;
			break;
		default:
			break;
		}
		if (rc) {
			/* a rewrite the frame has no room for: the rest goes */
			swdp_drop(dp, res, (uint32_t)rc);
			return;
		}
	}
}
