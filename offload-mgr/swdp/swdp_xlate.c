/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * swdp_xlate.c - one packet key through the OpenFlow pipeline, as Open
 * vSwitch's ofproto-dpif-xlate.c does it: the key is looked up table after
 * table and the actions are applied to the key (what later tables and
 * tunnel outputs see) and compiled into a program of packet-library ops
 * (what the bytes go through).  Alongside, `wc` collects every bit of the
 * original key the outcome depended on: the masks of the subtables the
 * classifier probed, and the fields whose values decided what an action did
 * (is there a VLAN tag? is it IPv4? is the TTL above 1? ...).  Setting those
 * bits conservatively (a field rewritten before a lookup is still counted as
 * read) only makes megaflows narrower, never wrong.
 *
 * The program of a packet depends on nothing but its key, the rules and the
 * environment's answers: that is what lets the caches reuse it.
 */
#include <errno.h>
#include <string.h>

#include "snic_fwc.h"
#include "swdp_internal.h"

#define ETH_P_IPV4 0x0800u
#define ETH_P_IPV6 0x86ddu

struct xl {
	struct snic_mgr_swdp *dp;
	union swdp_keyw k;          /* the key as the actions left it */
	struct swdp_xlate_out *x;
	unsigned max_ops;
	bool outputs;               /* an output, packet-in or miss was made */
	bool dropped;               /* a drop was recorded */
	bool waiting;               /* an output waits for a next hop */
	bool full;                  /* the program overflowed */
};

#define WC(xl, field) memset(&(xl)->x->wc.k.field, 0xff, sizeof((xl)->x->wc.k.field))

static struct swdp_op *emit(struct xl *x, uint8_t type)
{
	struct swdp_op *op;

	if (x->x->n_ops >= x->max_ops) {
		x->full = true;
		return NULL;
	}
	op = &x->x->ops[x->x->n_ops++];
	memset(op, 0, sizeof(*op));
	op->type = type;
	return op;
}

static void emit_drop(struct xl *x, uint8_t type, uint32_t reason)
{
	struct swdp_op *op = emit(x, type);

	if (op)
		op->arg = reason;
	x->dropped = true;
}

static void emit_modify(struct xl *x, uint8_t op_, uint8_t field, uint64_t v)
{
	struct swdp_op *op = emit(x, SWDP_OP_MODIFY);

	if (op)
		snic_fwc_modify_op(&op->u.mod, op_, field, v);
}

static void emit_push(struct xl *x, uint16_t tpid, uint16_t tci)
{
	struct swdp_op *op = emit(x, SWDP_OP_PUSH_VLAN);

	if (op) {
		op->port = tpid;
		op->arg = tci;
	}
	x->k.k.vlan_inner = x->k.k.vlan_tci;
	x->k.k.vlan_tci = (uint16_t)(tci | SWDP_CFI);
}

static bool ip_any(struct xl *x)
{
	WC(x, dl_type);
	return x->k.k.dl_type == ETH_P_IPV4 || x->k.k.dl_type == ETH_P_IPV6;
}

static bool ipv4(struct xl *x)
{
	WC(x, dl_type);
	return x->k.k.dl_type == ETH_P_IPV4;
}

static bool tagged(struct xl *x)
{
	WC(x, vlan_tci);
	WC(x, vlan_inner);
	return x->k.k.vlan_tci & SWDP_CFI;
}

static uint64_t mac48(const uint8_t *m)
{
	uint64_t v = 0;

	for (int i = 0; i < 6; i++)
		v = v << 8 | m[i];
	return v;
}

static void set_mac(uint8_t *m, uint64_t v)
{
	for (int i = 5; i >= 0; i--, v >>= 8)
		m[i] = (uint8_t)v;
}

/* ---- outputs ---- */

static void out_tunnel(struct xl *x, const struct snic_mgr_port *t)
{
	const struct snic_mgr_xlate_env *env = &x->dp->env;
	struct swdp_op *op;
	uint8_t nh[6], tmpl[SWDP_TMPL_OPS * sizeof(struct swdp_op)];
	uint32_t dst, src, vni;
	int rc;

	if (t->remote_flow)
		WC(x, tun_dst);
	if (t->local_flow)
		WC(x, tun_src);
	if (t->key_flow)
		WC(x, tun_id);
	dst = t->remote_flow ? x->k.k.tun_dst : t->remote_ip;
	src = t->local_flow ? x->k.k.tun_src : t->local_ip;
	/* VXLAN carries the low 24 bits of tun_id (as OVS's vxlan header) */
	vni = (uint32_t)(t->key_flow ? x->k.k.tun_id : t->key) & 0xffffffu;
	if (!dst || !src) {
		emit_drop(x, SWDP_OP_DROP, SNIC_MGR_SWDP_DROP_TUNNEL_ADDR);
		return;
	}
	rc = env->neigh(env->arg, dst, nh);
	if (rc) {
		/* the answer will change: never cache it */
		x->x->cacheable = false;
		if (rc != -EAGAIN) {
			emit_drop(x, SWDP_OP_DROP, SNIC_MGR_SWDP_DROP_NO_ROUTE);
			return;
		}
		op = emit(x, SWDP_OP_WAIT);
		if (op)
			op->arg = dst;
		x->waiting = true;
		return;
	}
	memset(tmpl, 0, sizeof(tmpl));
	snic_fwc_vxlan_template(tmpl, nh, env->uplink_mac, src, dst, t->dst_port, vni);
	if (snic_fw_pkt_check_encap(tmpl, SNIC_REFORMAT_VXLAN_LEN)) {
		emit_drop(x, SWDP_OP_DROP, SNIC_MGR_SWDP_DROP_BAD_ENCAP);
		return;
	}
	op = emit(x, SWDP_OP_TUNNEL);
	if (!op)
		return;
	op->arg = t->ofport;
	op->port = env->uplink_port;
	for (unsigned i = 0; i < SWDP_TMPL_OPS; i++) {
		struct swdp_op *d = emit(x, SWDP_OP_DATA);

		if (!d)
			return;
		memcpy(d, tmpl + i * sizeof(*d), sizeof(*d));
	}
	x->outputs = true;
}

static void act_output(struct xl *x, uint32_t port)
{
	const struct snic_mgr_xlate_env *env = &x->dp->env;
	const struct snic_mgr_port *p;
	struct swdp_op *op;
	uint32_t ofport;

	/* in_port is always part of a megaflow (see swdp_xlate) */
	if (port == SNIC_OF_PORT_IN_PORT)
		ofport = x->k.k.in_port;
	else if (port == x->k.k.in_port)
		return;         /* OpenFlow never sends a packet back unasked */
	else
		ofport = port;
	p = env->port(env->arg, ofport);
	if (!p) {
		emit_drop(x, SWDP_OP_DROP, SNIC_MGR_SWDP_DROP_NO_PORT);
		return;
	}
	if (p->kind == SNIC_MGR_PORT_TUNNEL) {
		out_tunnel(x, p);
		return;
	}
	op = emit(x, SWDP_OP_OUTPUT);
	if (op) {
		op->arg = ofport;
		op->port = p->dpdk_port;
	}
	x->outputs = true;
}

static void act_controller(struct xl *x, const struct snic_of_action *a,
			   unsigned table)
{
	struct swdp_op *op = emit(x, SWDP_OP_CONTROLLER);

	if (op) {
		op->arg = a->u.controller.max_len;
		op->u.ctl.id = a->u.controller.id;
		op->u.ctl.reason = a->u.controller.reason;
		op->u.ctl.table = (uint8_t)table;
	}
	x->outputs = true;
}

/* ---- VLAN: OVS's flow_set_vlan_vid / _pcp, push and pop ---- */

static void set_tci(struct xl *x, uint16_t tci, bool push_if_none)
{
	struct swdp_key *k = &x->k.k;

	if (tagged(x)) {
		if ((k->vlan_tci ^ tci) & 0x0fffu)
			emit_modify(x, SNIC_MOD_SET, SNIC_FIELD_VLAN_VID, tci & 0x0fffu);
		if ((k->vlan_tci ^ tci) & 0xe000u)
			emit_modify(x, SNIC_MOD_SET, SNIC_FIELD_VLAN_PCP, tci >> 13);
		k->vlan_tci = (uint16_t)(tci | SWDP_CFI);
	} else if (push_if_none) {
		emit_push(x, 0x8100, (uint16_t)(tci & ~SWDP_CFI));
	}
}

static void act_pop_vlan(struct xl *x)
{
	if (!tagged(x))
		return;
	emit(x, SWDP_OP_POP_VLAN);
	x->k.k.vlan_tci = x->k.k.vlan_inner;
	x->k.k.vlan_inner = 0;
}

/* ---- set_field ---- */

static uint64_t merge(uint64_t cur, uint64_t v, uint64_t m)
{
	return (cur & ~m) | (v & m);
}

/* A set_field under a partial mask keeps some of the field's bits: the
 * value written then depends on them. */
static bool partial(uint64_t m, uint64_t full)
{
	return (m & full) != full;
}

static void sf_l4(struct xl *x, uint8_t proto, bool dst, uint64_t v, uint64_t m)
{
	struct swdp_key *k = &x->k.k;
	uint16_t *f = dst ? &k->tp_dst : &k->tp_src;

	if (!ip_any(x))
		return;
	WC(x, nw_proto);
	if (k->nw_proto != proto)
		return;
	if (partial(m, 0xffff)) {
		if (dst)
			WC(x, tp_dst);
		else
			WC(x, tp_src);
	}
	*f = (uint16_t)merge(*f, v, m);
	emit_modify(x, SNIC_MOD_SET, dst ? SNIC_FIELD_TP_DST : SNIC_FIELD_TP_SRC, *f);
}

static void set_dscp(struct xl *x, uint8_t dscp)
{
	x->k.k.nw_tos = (uint8_t)((x->k.k.nw_tos & 3u) | (dscp << 2));
	emit_modify(x, SNIC_MOD_SET, SNIC_FIELD_IP_DSCP, dscp);
}

static void act_set_field(struct xl *x, const struct snic_of_action *a)
{
	struct swdp_key *k = &x->k.k;
	uint64_t v = a->u.set_field.value, m = a->u.set_field.mask;

	switch (a->u.set_field.field) {
	case SNIC_OF_F_TUN_ID:
		k->tun_id = merge(k->tun_id, v, m);
		return;
	case SNIC_OF_F_TUN_SRC:
		k->tun_src = (uint32_t)merge(k->tun_src, v, m);
		return;
	case SNIC_OF_F_TUN_DST:
		k->tun_dst = (uint32_t)merge(k->tun_dst, v, m);
		return;
	case SNIC_OF_F_METADATA:
		k->metadata = merge(k->metadata, v, m);
		return;
	case SNIC_OF_F_ETH_SRC:
	case SNIC_OF_F_ETH_DST: {
		bool dst = a->u.set_field.field == SNIC_OF_F_ETH_DST;
		uint8_t *mac = dst ? k->dl_dst : k->dl_src;
		uint64_t nv = merge(mac48(mac), v, m);

		if (partial(m, 0xffffffffffffull)) {
			if (dst)
				WC(x, dl_dst);
			else
				WC(x, dl_src);
		}
		set_mac(mac, nv);
		emit_modify(x, SNIC_MOD_SET, dst ? SNIC_FIELD_DMAC : SNIC_FIELD_SMAC, nv);
		return;
	}
	case SNIC_OF_F_VLAN_VID: {
		/* the 13 bits VID + CFI; swdp_rule_check keeps CFI set */
		uint16_t tci = (uint16_t)merge(k->vlan_tci, v, m & 0x1fffu);

		if (tci & SWDP_CFI)
			set_tci(x, tci, true);
		else
			act_pop_vlan(x);
		return;
	}
	case SNIC_OF_F_VLAN_PCP:
		/* prerequisite: a tag (OVS: vlan_pcp needs vlan_vid) */
		if (tagged(x))
			set_tci(x, (uint16_t)merge(k->vlan_tci, v << 13, (m & 7u) << 13),
				false);
		return;
	case SNIC_OF_F_IP_SRC:
	case SNIC_OF_F_IP_DST: {
		bool dst = a->u.set_field.field == SNIC_OF_F_IP_DST;
		uint32_t *f = dst ? &k->nw_dst : &k->nw_src;

		if (!ipv4(x))
			return;
		if (partial(m, 0xffffffffu)) {
			if (dst)
				WC(x, nw_dst);
			else
				WC(x, nw_src);
		}
		*f = (uint32_t)merge(*f, v, m);
		emit_modify(x, SNIC_MOD_SET, dst ? SNIC_FIELD_IPV4_DST : SNIC_FIELD_IPV4_SRC, *f);
		return;
	}
	case SNIC_OF_F_NW_TOS:
		/* the DSCP bits in place: ip_dscp shifted (ECN is never set) */
		v >>= 2;
		m >>= 2;
		/* fall through */
	case SNIC_OF_F_IP_DSCP:
		if (!ip_any(x))
			return;
		if (partial(m, 0x3f))
			WC(x, nw_tos);
		set_dscp(x, (uint8_t)(merge(k->nw_tos >> 2, v, m) & 0x3fu));
		return;
	case SNIC_OF_F_NW_TTL:
		if (!ip_any(x))
			return;
		if (partial(m, 0xff))
			WC(x, nw_ttl);
		k->nw_ttl = (uint8_t)merge(k->nw_ttl, v, m);
		emit_modify(x, SNIC_MOD_SET, SNIC_FIELD_IP_TTL, k->nw_ttl);
		return;
	case SNIC_OF_F_TCP_SRC:
	case SNIC_OF_F_TCP_DST:
		sf_l4(x, 6, a->u.set_field.field == SNIC_OF_F_TCP_DST, v, m);
		return;
	case SNIC_OF_F_UDP_SRC:
	case SNIC_OF_F_UDP_DST:
		sf_l4(x, 17, a->u.set_field.field == SNIC_OF_F_UDP_DST, v, m);
		return;
	default:
		return;         /* SCTP: refused by swdp_rule_check */
	}
}

/* mod_tp_src/dst (OVS: the key changes on any IP packet that has an L4
 * header slot, the bytes on TCP and UDP). */
static void act_mod_tp(struct xl *x, bool dst, uint16_t port)
{
	struct swdp_key *k = &x->k.k;

	if (!ip_any(x))
		return;
	WC(x, nw_frag);
	WC(x, nw_proto);
	if (k->nw_frag & SNIC_IFC_FRAG_LATER)
		return;
	if (dst)
		k->tp_dst = port;
	else
		k->tp_src = port;
	if (k->nw_proto == 6 || k->nw_proto == 17)
		emit_modify(x, SNIC_MOD_SET, dst ? SNIC_FIELD_TP_DST : SNIC_FIELD_TP_SRC, port);
}

/* Apply one action; false when processing stops (dec_ttl at TTL <= 1). */
static bool act_one(struct xl *x, const struct snic_of_action *a, unsigned table)
{
	struct swdp_key *k = &x->k.k;

	switch (a->type) {
	case SNIC_OF_ACT_OUTPUT:
		act_output(x, a->u.port);
		break;
	case SNIC_OF_ACT_CONTROLLER:
		act_controller(x, a, table);
		break;
	case SNIC_OF_ACT_MOD_VLAN_VID:
		set_tci(x, (uint16_t)((k->vlan_tci & ~0x0fffu) | a->u.vlan_vid), true);
		break;
	case SNIC_OF_ACT_MOD_VLAN_PCP:
		set_tci(x, (uint16_t)((k->vlan_tci & ~0xe000u) | a->u.vlan_pcp << 13), true);
		break;
	case SNIC_OF_ACT_STRIP_VLAN:
		act_pop_vlan(x);
		break;
	case SNIC_OF_ACT_PUSH_VLAN:
		tagged(x);      /* the shift moves both tags */
		emit_push(x, a->u.ethertype, 0);
		break;
	case SNIC_OF_ACT_MOD_DL_SRC:
		memcpy(k->dl_src, a->u.mac, 6);
		emit_modify(x, SNIC_MOD_SET, SNIC_FIELD_SMAC, mac48(a->u.mac));
		break;
	case SNIC_OF_ACT_MOD_DL_DST:
		memcpy(k->dl_dst, a->u.mac, 6);
		emit_modify(x, SNIC_MOD_SET, SNIC_FIELD_DMAC, mac48(a->u.mac));
		break;
	case SNIC_OF_ACT_MOD_NW_SRC:
	case SNIC_OF_ACT_MOD_NW_DST:
		if (ipv4(x)) {
			bool dst = a->type == SNIC_OF_ACT_MOD_NW_DST;

			*(dst ? &k->nw_dst : &k->nw_src) = a->u.ipv4;
			emit_modify(x, SNIC_MOD_SET, dst ? SNIC_FIELD_IPV4_DST :
				    SNIC_FIELD_IPV4_SRC, a->u.ipv4);
		}
		break;
	case SNIC_OF_ACT_MOD_NW_TOS:
		if (ip_any(x))
			set_dscp(x, a->u.tos >> 2);
		break;
	case SNIC_OF_ACT_MOD_NW_TTL:
		if (ip_any(x)) {
			k->nw_ttl = a->u.ttl;
			emit_modify(x, SNIC_MOD_SET, SNIC_FIELD_IP_TTL, a->u.ttl);
		}
		break;
	case SNIC_OF_ACT_MOD_TP_SRC:
	case SNIC_OF_ACT_MOD_TP_DST:
		act_mod_tp(x, a->type == SNIC_OF_ACT_MOD_TP_DST, a->u.tp_port);
		break;
	case SNIC_OF_ACT_DEC_TTL:
		if (!ip_any(x))
			break;
		WC(x, nw_ttl);
		if (k->nw_ttl <= 1) {
			emit_drop(x, SWDP_OP_STOP, SNIC_DROP_TTL_EXPIRED);
			return false;
		}
		k->nw_ttl--;
		emit_modify(x, SNIC_MOD_ADD, SNIC_FIELD_IP_TTL, 0xff);
		break;
	case SNIC_OF_ACT_SET_TUNNEL:
		k->tun_id = a->u.tunnel.id;
		break;
	case SNIC_OF_ACT_SET_FIELD:
		act_set_field(x, a);
		break;
	case SNIC_OF_ACT_WRITE_METADATA:
		k->metadata = merge(k->metadata, a->u.metadata.value, a->u.metadata.mask);
		break;
	case SNIC_OF_ACT_GOTO_TABLE:
		break;          /* handled by the caller, always last */
	}
	return true;
}

/*
 * Drop rewrites after the last output (nothing sees them) and let the last
 * output use the working buffer in place.
 */
static void finish(struct xl *x)
{
	struct swdp_xlate_out *o = x->x;
	int last = -1;
	unsigned n = 0;

	for (unsigned i = 0; i < o->n_ops; i++) {
		uint8_t t = o->ops[i].type;

		if (t == SWDP_OP_OUTPUT || t == SWDP_OP_TUNNEL ||
		    t == SWDP_OP_CONTROLLER || t == SWDP_OP_MISS)
			last = (int)i;
		if (t == SWDP_OP_TUNNEL)
			i += SWDP_TMPL_OPS;     /* template bytes, not ops */
	}
	for (unsigned i = 0; i < o->n_ops; i++) {
		uint8_t t = o->ops[i].type;
		unsigned len = t == SWDP_OP_TUNNEL ? 1 + SWDP_TMPL_OPS : 1;

		if ((int)i > last && (t == SWDP_OP_MODIFY || t == SWDP_OP_PUSH_VLAN ||
				      t == SWDP_OP_POP_VLAN))
			continue;
		if ((int)i == last)
			last = (int)n;
		memmove(&o->ops[n], &o->ops[i], len * sizeof(*o->ops));
		n += len;
		i += len - 1;
	}
	o->n_ops = n;
	if (last >= 0)
		o->ops[last].in_place = 1;
}

void swdp_xlate(struct snic_mgr_swdp *dp, const union swdp_keyw *key,
		struct swdp_xlate_out *out)
{
	struct xl x = { .dp = dp, .k = *key, .x = out, .max_ops = SWDP_XOPS_MAX };
	unsigned table = 0;

	out->ops = dp->xops;
	out->n_ops = 0;
	out->cacheable = true;
	memset(&out->wc, 0, sizeof(out->wc));
	/* always exact on in_port: outputs compare against it, and tunnel
	 * receive decided it */
	WC(&x, in_port);
	for (;;) {
		const struct swdp_rule *r = swdp_cls_lookup(&dp->cls, table, &x.k, &out->wc);
		struct swdp_op *op;
		int next = -1;

		if (!r) {
			if (dp->miss == SNIC_MGR_SWDP_MISS_REPORT) {
				op = emit(&x, SWDP_OP_MISS);
				if (op)
					op->u.ctl.table = (uint8_t)table;
				x.outputs = true;
			} else {
				emit_drop(&x, SWDP_OP_DROP, SNIC_DROP_TABLE_MISS);
			}
			break;
		}
		op = emit(&x, SWDP_OP_HIT);
		if (op)
			op->arg = r->slot;
		for (unsigned i = 0; i < r->n_actions; i++) {
			const struct snic_of_action *a = &r->actions[i];

			if (a->type == SNIC_OF_ACT_GOTO_TABLE)
				next = a->u.table;
			else if (!act_one(&x, a, table))
				goto done;
		}
		if (next <= (int)table)
			break;
		table = (unsigned)next;
	}
	if (!x.outputs && !x.dropped && !x.waiting)
		emit_drop(&x, SWDP_OP_DROP, SNIC_DROP_RULE);
done:
	if (x.full) {
		/* a pipeline too long to run: drop it, never half of it */
		out->n_ops = 0;
		x.max_ops = SWDP_XOPS_MAX;
		x.full = false;
		emit_drop(&x, SWDP_OP_STOP, SNIC_DROP_LOOP);
	}
	finish(&x);
}
