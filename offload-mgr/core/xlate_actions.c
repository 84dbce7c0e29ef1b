/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xlate_actions.c - OpenFlow actions as rte_flow actions, whole rules, the
 * manager's own rules (root catch-all, tunnel guards, traps, table-miss
 * drops) and the priority mapping.
 *
 * OpenFlow applies actions in order and every output sends the packet as it
 * is at that point; rte_flow describes one set of changes applied to every
 * destination (the NIC's fixed order).  So a rule is expressible when every
 * rewrite comes before the first output; after that only more outputs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>

#include "xlate_internal.h"

/* Tunnel metadata the actions set (for a tunnel output). */
struct tun_meta {
	bool id_set, src_set, dst_set;
	uint64_t id;
	uint32_t src, dst;
};

static int out_tunnel(struct xl *x, const struct snic_mgr_port *t,
		      const struct tun_meta *tm)
{
	const struct snic_mgr_xlate_env *env = x->env;
	struct snic_mgr_hwrule *r = x->r;
	struct rte_flow_action_vxlan_encap *enc;
	struct rte_flow_action_ethdev *to;
	struct rte_flow_item_eth *e;
	struct rte_flow_item_ipv4 *ip;
	struct rte_flow_item_udp *udp;
	struct rte_flow_item_vxlan *vx;
	uint32_t remote, local;
	uint64_t key;
	uint8_t nh[6];
	int rc;

	if (r->n_def)
		return xl_fail(x, -ENOTSUP, "outputs to two tunnels: the NIC "
			       "encapsulates once per rule");
	if (t->remote_flow && !tm->dst_set)
		return xl_fail(x, -ENOTSUP, "output:%s needs the tunnel destination "
			       "(remote_ip=flow): set_field:IP->tun_dst first", t->name);
	if (t->key_flow && !tm->id_set)
		return xl_fail(x, -ENOTSUP, "output:%s needs the tunnel key (key=flow): "
			       "set_tunnel:VNI first", t->name);
	if (t->local_flow && !tm->src_set)
		return xl_fail(x, -ENOTSUP, "output:%s needs the tunnel source "
			       "(local_ip=flow): set_field:IP->tun_src first", t->name);
	/* a fixed option of the port wins over the packet's tunnel metadata
	 * (OVS: only "flow" options take it) */
	remote = t->remote_flow ? tm->dst : t->remote_ip;
	local = t->local_flow ? tm->src : t->local_ip;
	key = t->key_flow ? tm->id : t->key;
	if (key >> 24)
		return xl_fail(x, -ENOTSUP, "tunnel key %llu: a VXLAN VNI has 24 bits",
			       (unsigned long long)key);
	rc = env->neigh(env->arg, remote, nh);
	if (rc == -EAGAIN)
		return xl_fail(x, -EAGAIN, "waiting for the MAC address of the next "
			       "hop to %u.%u.%u.%u (ARP)", remote >> 24,
			       (remote >> 16) & 255, (remote >> 8) & 255, remote & 255);
	if (rc)
		return xl_fail(x, -ENOTSUP, "no route to the tunnel destination "
			       "%u.%u.%u.%u", remote >> 24, (remote >> 16) & 255,
			       (remote >> 8) & 255, remote & 255);
	/* the definition: ETH / IPV4 / UDP / VXLAN / END, specs only */
	r->n_def = 5;
	e = &r->def_spec[0].eth;
	memcpy(e->hdr.dst_addr.addr_bytes, nh, 6);
	memcpy(e->hdr.src_addr.addr_bytes, env->uplink_mac, 6);
	e->hdr.ether_type = RTE_BE16(0x0800);
	ip = &r->def_spec[1].ipv4;
	ip->hdr.version_ihl = 0x45;
	ip->hdr.fragment_offset = RTE_BE16(0x4000);    /* DF, as OVS and swdp */
	ip->hdr.time_to_live = 64;
	ip->hdr.next_proto_id = 17;
	ip->hdr.src_addr = rte_cpu_to_be_32(local);
	ip->hdr.dst_addr = rte_cpu_to_be_32(remote);
	udp = &r->def_spec[2].udp;
	udp->hdr.dst_port = rte_cpu_to_be_16(t->dst_port);
	vx = &r->def_spec[3].vxlan;
	vx->flags = 0x08;
	for (int i = 0; i < 3; i++)
		vx->vni[i] = (uint8_t)(key >> (16 - 8 * i));
	r->def[0].type = RTE_FLOW_ITEM_TYPE_ETH;
	r->def[1].type = RTE_FLOW_ITEM_TYPE_IPV4;
	r->def[2].type = RTE_FLOW_ITEM_TYPE_UDP;
	r->def[3].type = RTE_FLOW_ITEM_TYPE_VXLAN;
	r->def[4].type = RTE_FLOW_ITEM_TYPE_END;
	for (int i = 0; i < 4; i++)
		r->def[i].spec = &r->def_spec[i];
	enc = xl_action(x, RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP, true);
	enc->definition = r->def;
	to = xl_action(x, RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, true);
	to->port_id = env->uplink_port;
	return 0;
}

static int act_output(struct xl *x, uint32_t ofport, const struct tun_meta *tm)
{
	const struct snic_mgr_port *p;
	struct rte_flow_action_ethdev *to;

	if (ofport == SNIC_OF_PORT_IN_PORT) {
		if (!x->in)
			return xl_fail(x, -ENOTSUP, "output:in_port on a rule that does "
				       "not match in_port");
		p = x->in;
	} else if (ofport >= SNIC_OF_PORT_MAX) {
		return xl_fail(x, -ENOTSUP, "output to reserved port 0x%x has no "
			       "hardware equivalent", ofport);
	} else {
		p = x->env->port(x->env->arg, ofport);
		if (!p)
			return xl_fail(x, -ENOTSUP, "output:%u: no such port", ofport);
		if (x->in == p)
			return 0;       /* OpenFlow never sends back to in_port;
					   without in_port, exclusions do it */
	}
	if (p->kind == SNIC_MGR_PORT_TUNNEL)
		return out_tunnel(x, p, tm);
	to = xl_action(x, RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, true);
	to->port_id = p->dpdk_port;
	if (x->overflow)
		return 0;       /* it was not appended: nothing to move */
	if (x->r->n_def) {
		/* rte_flow: a port after VXLAN_ENCAP gets the encapsulated packet;
		 * OpenFlow gives this output the plain one: move it before */
		struct snic_mgr_hwrule *r = x->r;
		unsigned last = r->n_actions - 1, enc = last;
		struct rte_flow_action a = r->actions[last];

		while (enc > 0 && r->actions[enc].type != RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP)
			enc--;
		memmove(&r->actions[enc + 1], &r->actions[enc],
			(last - enc) * sizeof(r->actions[0]));
		r->actions[enc] = a;
	}
	return 0;
}

static void act_mac(struct xl *x, bool dst, const uint8_t *mac)
{
	struct rte_flow_action_set_mac *c =
		xl_action(x, dst ? RTE_FLOW_ACTION_TYPE_SET_MAC_DST :
			  RTE_FLOW_ACTION_TYPE_SET_MAC_SRC, true);

	memcpy(c->mac_addr, mac, 6);
}

static void u64_mac(uint64_t v, uint8_t *mac)
{
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(v >> (40 - 8 * i));
}

static int need_ipv4(struct xl *x, const char *what)
{
	return x->l3 == 4 ? 0 : xl_fail(x, -ENOTSUP, "%s on a rule that does not "
					"match IPv4 only (add \"ip\")", what);
}

static int need_l4(struct xl *x, const struct snic_of_rule *rule, const char *what)
{
	const struct snic_of_match *m = &rule->match;

	if (x->l3 && m->nw_proto_mask && (m->nw_proto == 6 || m->nw_proto == 17))
		return 0;
	return xl_fail(x, -ENOTSUP, "%s on a rule that does not match TCP or UDP "
		       "only", what);
}

/* OpenFlow's set VID/PCP pushes a tag on an untagged packet first. */
static void push_if_untagged(struct xl *x)
{
	if (!x->tagged) {
		struct rte_flow_action_of_push_vlan *p =
			xl_action(x, RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN, true);
		p->ethertype = RTE_BE16(0x8100);
		x->tagged = 1;
	}
}

static int act_vid(struct xl *x, uint16_t vid)
{
	struct rte_flow_action_of_set_vlan_vid *v;

	if (x->tagged < 0)
		return xl_fail(x, -ENOTSUP, "setting the VLAN id of packets that may "
			       "or may not be tagged (OpenFlow pushes a tag on "
			       "untagged ones): match vlan_tci's tag-present bit");
	push_if_untagged(x);
	v = xl_action(x, RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID, true);
	v->vlan_vid = rte_cpu_to_be_16(vid & 0xfff);
	return 0;
}

static int act_pcp(struct xl *x, uint8_t pcp)
{
	struct rte_flow_action_of_set_vlan_pcp *v;

	if (x->tagged < 0)
		return xl_fail(x, -ENOTSUP, "setting the VLAN priority of packets that "
			       "may or may not be tagged: match vlan_tci's "
			       "tag-present bit");
	push_if_untagged(x);
	v = xl_action(x, RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP, true);
	v->vlan_pcp = pcp;
	return 0;
}

static int act_set_field(struct xl *x, const struct snic_of_rule *rule,
			 const struct snic_of_action *a, struct tun_meta *tm)
{
	uint64_t v = a->u.set_field.value, mask = a->u.set_field.mask;
	enum snic_of_field f = a->u.set_field.field;
	uint8_t mac[6];
	int rc;

	switch (f) {
	case SNIC_OF_F_TUN_ID:
		tm->id_set = true;
		tm->id = v;
		return 0;
	case SNIC_OF_F_TUN_SRC:
		tm->src_set = true;
		tm->src = (uint32_t)v;
		return 0;
	case SNIC_OF_F_TUN_DST:
		tm->dst_set = true;
		tm->dst = (uint32_t)v;
		return 0;
	default:
		break;
	}
	if (f == SNIC_OF_F_METADATA)
		return xl_fail(x, -ENOTSUP, "set_field:...->metadata has no hardware "
			       "equivalent on this NIC");
	if (f == SNIC_OF_F_NW_TOS || f == SNIC_OF_F_IP_DSCP)
		return xl_fail(x, -ENOTSUP, "setting the DSCP has no hardware "
			       "equivalent on this NIC");
	{
		static const uint64_t full[SNIC_OF_F_N_FIELDS] = {
			[SNIC_OF_F_ETH_SRC] = 0xffffffffffffull,
			[SNIC_OF_F_ETH_DST] = 0xffffffffffffull,
			[SNIC_OF_F_VLAN_VID] = 0x1fff, [SNIC_OF_F_VLAN_PCP] = 7,
			[SNIC_OF_F_IP_SRC] = 0xffffffffu, [SNIC_OF_F_IP_DST] = 0xffffffffu,
			[SNIC_OF_F_NW_TTL] = 0xff,
			[SNIC_OF_F_TCP_SRC] = 0xffff, [SNIC_OF_F_TCP_DST] = 0xffff,
			[SNIC_OF_F_UDP_SRC] = 0xffff, [SNIC_OF_F_UDP_DST] = 0xffff,
		};
		if ((unsigned)f < SNIC_OF_F_N_FIELDS && full[f] &&
		    (mask & full[f]) != full[f] && f != SNIC_OF_F_VLAN_VID)
			return xl_fail(x, -ENOTSUP, "set_field with a partial mask "
				       "(0x%llx) writes some bits of %s: the NIC writes "
				       "whole fields", (unsigned long long)mask,
				       snic_of_field_name(f));
	}
	switch (f) {
	case SNIC_OF_F_ETH_SRC:
	case SNIC_OF_F_ETH_DST:
		u64_mac(v, mac);
		act_mac(x, f == SNIC_OF_F_ETH_DST, mac);
		return 0;
	case SNIC_OF_F_VLAN_VID:
		if (!(v & 0x1000))
			return xl_fail(x, -ENOTSUP, "set_field:%llu->vlan_vid without "
				       "the tag-present bit", (unsigned long long)v);
		return act_vid(x, (uint16_t)(v & 0xfff));
	case SNIC_OF_F_VLAN_PCP:
		return act_pcp(x, (uint8_t)v);
	case SNIC_OF_F_IP_SRC:
	case SNIC_OF_F_IP_DST: {
		struct rte_flow_action_set_ipv4 *c;

		if ((rc = need_ipv4(x, snic_of_field_name(f))))
			return rc;
		c = xl_action(x, f == SNIC_OF_F_IP_SRC ? RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC :
			      RTE_FLOW_ACTION_TYPE_SET_IPV4_DST, true);
		c->ipv4_addr = rte_cpu_to_be_32((uint32_t)v);
		return 0;
	}
	case SNIC_OF_F_NW_TTL: {
		struct rte_flow_action_set_ttl *c;

		if (!x->l3)
			return xl_fail(x, -ENOTSUP, "setting the TTL on a rule that "
				       "does not match IP only");
		c = xl_action(x, RTE_FLOW_ACTION_TYPE_SET_TTL, true);
		c->ttl_value = (uint8_t)v;
		return 0;
	}
	case SNIC_OF_F_TCP_SRC: case SNIC_OF_F_UDP_SRC:
	case SNIC_OF_F_TCP_DST: case SNIC_OF_F_UDP_DST: {
		struct rte_flow_action_set_tp *c;
		bool dst = f == SNIC_OF_F_TCP_DST || f == SNIC_OF_F_UDP_DST;

		if ((rc = need_l4(x, rule, snic_of_field_name(f))))
			return rc;
		c = xl_action(x, dst ? RTE_FLOW_ACTION_TYPE_SET_TP_DST :
			      RTE_FLOW_ACTION_TYPE_SET_TP_SRC, true);
		c->port = rte_cpu_to_be_16((uint16_t)v);
		return 0;
	}
	default:
		return xl_fail(x, -ENOTSUP, "set_field:...->%s has no hardware "
			       "equivalent on this NIC", snic_of_field_name(f));
	}
}

/* One OF action; *outputs counts outputs so far. */
static int act_one(struct xl *x, const struct snic_of_rule *rule,
		   const struct snic_of_action *a, struct tun_meta *tm,
		   unsigned *outputs)
{
	int rc;

	if (*outputs && a->type != SNIC_OF_ACT_OUTPUT &&
	    a->type != SNIC_OF_ACT_GOTO_TABLE && a->type != SNIC_OF_ACT_CONTROLLER)
		return xl_fail(x, -ENOTSUP, "an action after an output changes what "
			       "later outputs get: the NIC sends one version of the "
			       "packet to all of a rule's ports");
	switch (a->type) {
	case SNIC_OF_ACT_OUTPUT:
		(*outputs)++;
		return act_output(x, a->u.port, tm);
	case SNIC_OF_ACT_CONTROLLER:
		return xl_fail(x, -ENOTSUP, "action controller has no hardware "
			       "equivalent");
	case SNIC_OF_ACT_MOD_VLAN_VID:
		return act_vid(x, a->u.vlan_vid);
	case SNIC_OF_ACT_MOD_VLAN_PCP:
		return act_pcp(x, a->u.vlan_pcp);
	case SNIC_OF_ACT_STRIP_VLAN:
		if (x->tagged < 0)
			return xl_fail(x, -ENOTSUP, "strip_vlan on packets that may or "
				       "may not be tagged: match vlan_tci's tag-present "
				       "bit");
		if (x->tagged) {
			xl_action(x, RTE_FLOW_ACTION_TYPE_OF_POP_VLAN, false);
			x->popped = true;
		}
		/* after a pop, an inner tag (OpenFlow does not match it) may
		 * be the outer one */
		x->tagged = x->tagged ? -1 : 0;
		x->deep -= x->deep > 0;
		return 0;
	case SNIC_OF_ACT_PUSH_VLAN: {
		struct rte_flow_action_of_push_vlan *p =
			xl_action(x, RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN, true);
		bool may_be_tagged = x->tagged != 0;

		p->ethertype = rte_cpu_to_be_16(a->u.ethertype);
		x->tagged = 1;
		/* Open vSwitch's new tag is VID 0, PCP 0; rte_flow's (the
		 * OpenFlow spec's) copies the packet's outer tag */
		if (may_be_tagged) {
			x->deep++;
			act_vid(x, 0);
			act_pcp(x, 0);
		}
		return 0;
	}
	case SNIC_OF_ACT_MOD_DL_SRC:
	case SNIC_OF_ACT_MOD_DL_DST:
		act_mac(x, a->type == SNIC_OF_ACT_MOD_DL_DST, a->u.mac);
		return 0;
	case SNIC_OF_ACT_MOD_NW_SRC:
	case SNIC_OF_ACT_MOD_NW_DST: {
		struct rte_flow_action_set_ipv4 *c;

		if ((rc = need_ipv4(x, a->type == SNIC_OF_ACT_MOD_NW_SRC ?
				    "mod_nw_src" : "mod_nw_dst")))
			return rc;
		c = xl_action(x, a->type == SNIC_OF_ACT_MOD_NW_SRC ?
			      RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC :
			      RTE_FLOW_ACTION_TYPE_SET_IPV4_DST, true);
		c->ipv4_addr = rte_cpu_to_be_32(a->u.ipv4);
		return 0;
	}
	case SNIC_OF_ACT_MOD_TP_SRC:
	case SNIC_OF_ACT_MOD_TP_DST: {
		struct rte_flow_action_set_tp *c;

		if ((rc = need_l4(x, rule, a->type == SNIC_OF_ACT_MOD_TP_SRC ?
				  "mod_tp_src" : "mod_tp_dst")))
			return rc;
		c = xl_action(x, a->type == SNIC_OF_ACT_MOD_TP_SRC ?
			      RTE_FLOW_ACTION_TYPE_SET_TP_SRC :
			      RTE_FLOW_ACTION_TYPE_SET_TP_DST, true);
		c->port = rte_cpu_to_be_16(a->u.tp_port);
		return 0;
	}
	case SNIC_OF_ACT_MOD_NW_TTL: {
		struct rte_flow_action_set_ttl *c;

		if (!x->l3)
			return xl_fail(x, -ENOTSUP, "mod_nw_ttl on a rule that does not "
				       "match IP only");
		c = xl_action(x, RTE_FLOW_ACTION_TYPE_SET_TTL, true);
		c->ttl_value = a->u.ttl;
		return 0;
	}
	case SNIC_OF_ACT_DEC_TTL:
		if (!x->l3)
			return xl_fail(x, -ENOTSUP, "dec_ttl on a rule that does not "
				       "match IP only");
		xl_action(x, RTE_FLOW_ACTION_TYPE_DEC_TTL, false);
		return 0;
	case SNIC_OF_ACT_MOD_NW_TOS:
		return xl_fail(x, -ENOTSUP, "mod_nw_tos has no hardware equivalent "
			       "on this NIC");
	case SNIC_OF_ACT_SET_TUNNEL:
		tm->id_set = true;
		tm->id = a->u.tunnel.id;
		return 0;
	case SNIC_OF_ACT_SET_FIELD:
		return act_set_field(x, rule, a, tm);
	case SNIC_OF_ACT_WRITE_METADATA:
		return xl_fail(x, -ENOTSUP, "write_metadata has no hardware "
			       "equivalent on this NIC");
	case SNIC_OF_ACT_GOTO_TABLE: {
		struct rte_flow_action_jump *j;

		if (x->info->tunnel_rx)
			return xl_fail(x, -ENOTSUP, "a packet from tunnel port %s "
				       "continues to table %u only in software: the NIC "
				       "would match its outer headers there",
				       x->in->name, a->u.table);
		if (x->deep)
			return xl_fail(x, -ENOTSUP, "push_vlan on a packet that may be "
				       "tagged, then goto_table:%u: the NIC parses two "
				       "tags, so a third would hide the packet's IP "
				       "headers from the next table", a->u.table);
		if (x->popped && !rule->match.dl_type_mask)
			return xl_fail(x, -ENOTSUP, "strip_vlan, then goto_table:%u, "
				       "without dl_type matched: a packet with a third "
				       "tag has no IP headers for OpenFlow, but the "
				       "NIC's next table would find them (match dl_type)",
				       a->u.table);
		for (unsigned i = 0; i < x->r->n_actions; i++)
			if (x->r->actions[i].type == RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT)
				return xl_fail(x, -ENOTSUP, "an output before goto_table:%u: "
					       "when a later table hands the packet to "
					       "software (a miss or a trap), software runs "
					       "the whole pipeline again and the output "
					       "would be made twice", a->u.table);
		if (a->u.table + 1u >= x->env->max_group)
			return xl_fail(x, -ENOTSUP, "goto_table:%u: the NIC has groups "
				       "for tables 0..%u", a->u.table,
				       x->env->max_group >= 2 ? x->env->max_group - 2 : 0);
		j = xl_action(x, RTE_FLOW_ACTION_TYPE_JUMP, true);
		j->group = a->u.table + 1u;
		return 0;
	}
	}
	return xl_fail(x, -ENOTSUP, "unknown action %d", (int)a->type);
}

uint32_t snic_mgr_xlate_priority(const struct snic_mgr_xlate_env *env,
				 enum snic_mgr_hw_kind kind, unsigned p, bool exclusion)
{
	uint32_t levels = env->priority_levels, pairs;
	uint64_t s = 65535u - (p & 0xffff);     /* 0 = highest OF priority */

	if (kind == SNIC_MGR_HW_ROOT_NEXT || kind == SNIC_MGR_HW_MISS_DROP)
		return levels - 1;
	if (kind == SNIC_MGR_HW_GUARD)
		return levels >= 2 ? levels - 2 : 0;
	if (kind == SNIC_MGR_HW_TUNNEL_RX && levels >= 3)
		levels -= 2;        /* above the guard and the catch-all */
	else if (levels >= 2)
		levels -= 1;        /* above a table-miss drop */
	/* the levels in pairs, an OF priority's exclusions first: a pair never
	 * holds two OF priorities unless they share it */
	pairs = levels / 2 ? levels / 2 : 1;
	return (uint32_t)(2u * ((s * pairs) >> 16)) + (exclusion ? 0u : 1u);
}

static void set_group(struct xl *x, const struct snic_of_rule *rule, bool excl)
{
	x->r->attr.group = x->info->tunnel_rx ? 0 : rule->table + 1u;
	x->r->attr.priority = snic_mgr_xlate_priority(x->env, x->r->kind,
						     rule->priority, excl);
}

/* One hardware rule for rule (excl: an ingress exclusion variant). */
static int xlate_one(const struct snic_mgr_xlate_env *env,
		     const struct snic_of_rule *rule, bool excl,
		     struct snic_mgr_hwrule *out, struct snic_mgr_xlate_info *info)
{
	struct tun_meta tm = { 0 };
	struct xl x;
	unsigned outputs = 0, first_act;
	bool jump = false;
	int rc;

	memset(info, 0, sizeof(*info));
	xl_begin(&x, env, out, info, SNIC_MGR_HW_RULE);
	if (rule->table + 1u >= env->max_group)
		return xl_fail(&x, -ENOTSUP, "table %u: the NIC has groups for tables "
			       "0..%u", rule->table,
			       env->max_group >= 2 ? env->max_group - 2 : 0);
	xl_action(&x, RTE_FLOW_ACTION_TYPE_COUNT, false);
	rc = xl_match(&x, rule);
	if (!rc)
		rc = xl_check_room(&x);
	info->trappable = rc == 0;
	if (rc)
		return rc;
	if (info->tunnel_rx) {
		const struct snic_mgr_port *rival;

		if (rule->table != 0)
			return xl_fail(&x, -ENOTSUP, "in_port=%s in table %u: tunnel "
				       "packets reach tables after 0 only in software",
				       x.in->name, rule->table);
		if ((rival = xl_tunnel_rival(env, x.in, &rule->match)))
			return xl_fail(&x, -ENOTSUP, "some packets it matches belong to "
				       "tunnel port %s (a fixed key or remote_ip comes "
				       "first), which the NIC cannot leave out",
				       rival->name);
		out->kind = SNIC_MGR_HW_TUNNEL_RX;
	}
	first_act = out->n_actions;
	if (info->tunnel_rx)
		xl_action(&x, RTE_FLOW_ACTION_TYPE_VXLAN_DECAP, false);
	for (unsigned i = 0; i < rule->n_actions; i++) {
		/* past the capacity the actions are only counted (the reason
		 * says how many the rule needs); a refusal then is still one */
		if ((rc = act_one(&x, rule, &rule->actions[i], &tm, &outputs)))
			return x.overflow ? xl_check_room(&x) : rc;
		jump |= rule->actions[i].type == SNIC_OF_ACT_GOTO_TABLE;
	}
	if ((rc = xl_check_room(&x)))
		return rc;
	if (out->n_actions == first_act + (info->tunnel_rx ? 1u : 0u) ||
	    (!jump && !outputs)) {
		/* no output and no goto: drop (a decap is pointless then) */
		out->n_actions = first_act;
		xl_action(&x, RTE_FLOW_ACTION_TYPE_DROP, false);
	} else if (!jump && out->actions[out->n_actions - 1].type !=
		   RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT) {
		/* only rewrites, or every output was to in_port: OpenFlow drops */
		out->n_actions = first_act;
		xl_action(&x, RTE_FLOW_ACTION_TYPE_DROP, false);
	}
	set_group(&x, rule, excl);
	xl_end(&x);
	return 0;
}

int snic_mgr_xlate(const struct snic_mgr_xlate_env *env,
		   const struct snic_of_rule *rule, struct snic_mgr_xlate_set *out,
		   struct snic_mgr_xlate_info *info)
{
	struct snic_mgr_xlate_info vi;
	struct snic_of_rule v;
	uint32_t seen[SNIC_OF_MAX_ACTIONS];
	unsigned n_seen = 0;
	int rc;

	out->n = 0;
	rc = xlate_one(env, rule, false, &out->r[0], info);
	if (rc)
		return rc;
	out->n = 1;
	if (rule->match.in_port_mask)
		return 0;
	/* in_port open: one exclusion per port it outputs to (not tunnels) */
	for (unsigned i = 0; i < rule->n_actions; i++) {
		const struct snic_of_action *a = &rule->actions[i];
		const struct snic_mgr_port *p;
		bool dup = false;

		if (a->type != SNIC_OF_ACT_OUTPUT || a->u.port >= SNIC_OF_PORT_MAX)
			continue;
		p = env->port(env->arg, a->u.port);
		if (!p || p->kind == SNIC_MGR_PORT_TUNNEL)
			continue;
		for (unsigned k = 0; k < n_seen; k++)
			dup |= seen[k] == a->u.port;
		if (dup)
			continue;
		if (out->n == SNIC_MGR_MAX_VARIANTS) {
			out->n = 0;
			snprintf(info->reason, sizeof(info->reason), "outputs to more "
				 "than %u ports on a rule that does not match in_port",
				 SNIC_MGR_MAX_VARIANTS - 1);
			return -ENOTSUP;
		}
		seen[n_seen++] = a->u.port;
		memcpy(&v, rule, snic_of_rule_size(rule));  /* may be compact */
		v.match.in_port = a->u.port;
		v.match.in_port_mask = 0xffffffffu;
		rc = xlate_one(env, &v, true, &out->r[out->n], &vi);
		if (rc) {
			out->n = 0;
			if (snprintf(info->reason, sizeof(info->reason), "%.180s (for "
				     "packets from %s)", vi.reason, p->name) < 0)
				info->reason[0] = 0;
			return rc;
		}
		out->n++;
	}
	return 0;
}

int snic_mgr_xlate_trap(const struct snic_mgr_xlate_env *env,
			const struct snic_of_rule *rule, struct snic_mgr_hwrule *out,
			struct snic_mgr_xlate_info *info)
{
	struct rte_flow_action_jump *j;
	struct xl x;
	int rc;

	memset(info, 0, sizeof(*info));
	xl_begin(&x, env, out, info, SNIC_MGR_HW_TRAP);
	rc = xl_match(&x, rule);
	if (!rc)
		rc = xl_check_room(&x);
	info->trappable = rc == 0;
	if (rc)
		return rc;
	if (info->tunnel_rx && rule->table != 0)
		return xl_fail(&x, -ENOTSUP, "tunnel packets never reach table %u in "
			       "hardware", rule->table);
	j = xl_action(&x, RTE_FLOW_ACTION_TYPE_JUMP, true);
	j->group = env->max_group;
	x.r->attr.group = info->tunnel_rx ? 0 : rule->table + 1u;
	x.r->attr.priority = snic_mgr_xlate_priority(env, info->tunnel_rx ?
						     SNIC_MGR_HW_TUNNEL_RX :
						     SNIC_MGR_HW_RULE, rule->priority, false);
	xl_end(&x);
	return 0;
}

void snic_mgr_xlate_root_next(const struct snic_mgr_xlate_env *env,
			      struct snic_mgr_hwrule *out)
{
	struct snic_mgr_xlate_info info;
	struct rte_flow_action_jump *j;
	struct xl x;

	xl_begin(&x, env, out, &info, SNIC_MGR_HW_ROOT_NEXT);
	j = xl_action(&x, RTE_FLOW_ACTION_TYPE_JUMP, true);
	j->group = 1;
	out->attr.group = 0;
	out->attr.priority = snic_mgr_xlate_priority(env, out->kind, 0, false);
	xl_end(&x);
}

void snic_mgr_xlate_guard(const struct snic_mgr_xlate_env *env,
			  const struct snic_mgr_port *tunnel,
			  struct snic_mgr_hwrule *out)
{
	struct snic_mgr_xlate_info info;
	struct snic_mgr_port any = *tunnel;
	struct rte_flow_action_jump *j;
	struct xl x;

	/* every packet to the VTEP, whichever remote or key */
	any.remote_flow = any.key_flow = true;
	xl_begin(&x, env, out, &info, SNIC_MGR_HW_GUARD);
	xl_tunnel_outer(&x, &any, NULL);
	/* without the VXLAN item: UDP to the VTEP that is not good VXLAN is
	 * software's too (it drops it; the NIC would take it for plain UDP) */
	out->n_items--;
	j = xl_action(&x, RTE_FLOW_ACTION_TYPE_JUMP, true);
	j->group = env->max_group;
	out->attr.group = 0;
	out->attr.priority = snic_mgr_xlate_priority(env, out->kind, 0, false);
	xl_end(&x);
}

void snic_mgr_xlate_arp_guard(const struct snic_mgr_xlate_env *env,
			      struct snic_mgr_hwrule *out)
{
	struct snic_mgr_xlate_info info;
	struct rte_flow_item_ethdev *pt, *ptm;
	struct rte_flow_item_eth *e, *em;
	struct rte_flow_action_jump *j;
	struct xl x;

	xl_begin(&x, env, out, &info, SNIC_MGR_HW_GUARD);
	pt = xl_item(&x, RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, true);
	ptm = (void *)((union snic_mgr_spec *)pt + 1);
	pt->port_id = env->uplink_port;
	ptm->port_id = 0xffff;
	e = xl_item(&x, RTE_FLOW_ITEM_TYPE_ETH, true);
	em = (void *)((union snic_mgr_spec *)e + 1);
	e->hdr.ether_type = RTE_BE16(0x0806);
	em->hdr.ether_type = RTE_BE16(0xffff);
	em->has_vlan = 1;
	j = xl_action(&x, RTE_FLOW_ACTION_TYPE_JUMP, true);
	j->group = env->max_group;
	out->attr.group = 0;
	out->attr.priority = snic_mgr_xlate_priority(env, out->kind, 0, false);
	xl_end(&x);
}

void snic_mgr_xlate_miss_drop(const struct snic_mgr_xlate_env *env,
			      unsigned table, struct snic_mgr_hwrule *out)
{
	struct snic_mgr_xlate_info info;
	struct xl x;

	xl_begin(&x, env, out, &info, SNIC_MGR_HW_MISS_DROP);
	xl_action(&x, RTE_FLOW_ACTION_TYPE_COUNT, false);
	xl_action(&x, RTE_FLOW_ACTION_TYPE_DROP, false);
	out->attr.group = table + 1u;
	out->attr.priority = snic_mgr_xlate_priority(env, out->kind, 0, false);
	xl_end(&x);
}
