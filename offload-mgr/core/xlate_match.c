/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xlate_match.c - an OpenFlow match as an rte_flow pattern (see
 * snic_mgr_xlate.h for the layout and what has no hardware form).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>

#include "xlate_internal.h"

int xl_fail(struct xl *x, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->info->reason, sizeof(x->info->reason), fmt, ap);
	va_end(ap);
	return code;
}

void xl_begin(struct xl *x, const struct snic_mgr_xlate_env *env,
	      struct snic_mgr_hwrule *out, struct snic_mgr_xlate_info *info,
	      enum snic_mgr_hw_kind kind)
{
	memset(x, 0, sizeof(*x));
	memset(out, 0, sizeof(*out));
	x->env = env;
	x->r = out;
	x->info = info;
	out->kind = kind;
	out->port_id = env->proxy_port;
	out->attr.transfer = 1;
}

void *xl_item(struct xl *x, enum rte_flow_item_type type, bool with_spec)
{
	struct snic_mgr_hwrule *r = x->r;
	struct rte_flow_item *it;
	union snic_mgr_spec *s, *m;

	x->want_items++;
	/* one item slot stays for END; a spec takes two slots */
	if (x->overflow || r->n_items + 1 >= SNIC_MGR_MAX_ITEMS ||
	    (with_spec && r->n_spec + 2 > RTE_DIM(r->spec))) {
		x->overflow = true;
		memset(x->spare_spec, 0, sizeof(x->spare_spec));
		return with_spec ? &x->spare_spec[0] : NULL;
	}
	it = &r->items[r->n_items++];
	it->type = type;
	if (!with_spec)
		return NULL;
	s = &r->spec[r->n_spec++];
	m = &r->spec[r->n_spec++];
	it->spec = s;
	it->mask = m;
	return s;
}

void *xl_action(struct xl *x, enum rte_flow_action_type type, bool with_conf)
{
	struct snic_mgr_hwrule *r = x->r;
	struct rte_flow_action *a;

	x->want_actions++;
	/* one action slot stays for END */
	if (x->overflow || r->n_actions + 1 >= SNIC_MGR_MAX_HWACTS ||
	    (with_conf && r->n_conf >= RTE_DIM(r->conf))) {
		x->overflow = true;
		memset(&x->spare_conf, 0, sizeof(x->spare_conf));
		return with_conf ? &x->spare_conf : NULL;
	}
	a = &r->actions[r->n_actions++];
	a->type = type;
	if (!with_conf)
		return NULL;
	a->conf = &r->conf[r->n_conf++];
	return (void *)(uintptr_t)a->conf;
}

void xl_end(struct xl *x)
{
	/* xl_item and xl_action always leave a slot for END */
	x->r->items[x->r->n_items++].type = RTE_FLOW_ITEM_TYPE_END;
	x->r->actions[x->r->n_actions++].type = RTE_FLOW_ACTION_TYPE_END;
}

int xl_check_room(struct xl *x)
{
	if (!x->overflow)
		return 0;
	if (x->want_actions + 1 > SNIC_MGR_MAX_HWACTS)
		return xl_fail(x, -ENOTSUP, "too many hardware actions (%u, the limit "
			       "is %u): its actions expand to more rte_flow actions "
			       "(COUNT and END included) than one rule holds",
			       x->want_actions + 1, SNIC_MGR_MAX_HWACTS);
	return xl_fail(x, -ENOTSUP, "too many hardware pattern items (%u, the "
		       "limit is %u)", x->want_items + 1, SNIC_MGR_MAX_ITEMS);
}

/* The mask of the item whose spec is s. */
#define MASK_OF(s) ((void *)((union snic_mgr_spec *)(s) + 1))

static bool mac_zero(const uint8_t *m)
{
	static const uint8_t z[6];

	return !memcmp(m, z, 6);
}

static void port_item(struct xl *x, uint16_t dpdk_port)
{
	struct rte_flow_item_ethdev *p = xl_item(x, RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, true);
	struct rte_flow_item_ethdev *m = MASK_OF(p);

	p->port_id = dpdk_port;
	m->port_id = 0xffff;
}

/* Outer headers of a tunnel port's packets: uplink / IPv4 / UDP / VXLAN. */
int xl_tunnel_outer(struct xl *x, const struct snic_mgr_port *t,
		    const struct snic_of_match *m)
{
	struct rte_flow_item_ipv4 *ip, *ipm;
	struct rte_flow_item_udp *udp, *udpm;
	struct rte_flow_item_vxlan *vx, *vxm;
	uint32_t vni = 0, vni_m = 0;

	port_item(x, x->env->uplink_port);
	xl_item(x, RTE_FLOW_ITEM_TYPE_ETH, false);
	ip = xl_item(x, RTE_FLOW_ITEM_TYPE_IPV4, true);
	ipm = MASK_OF(ip);
	if (!t->local_flow) {
		ip->hdr.dst_addr = rte_cpu_to_be_32(t->local_ip);
		ipm->hdr.dst_addr = RTE_BE32(0xffffffff);
	} else if (m && m->tun_dst_mask) {
		ip->hdr.dst_addr = rte_cpu_to_be_32(m->tun_dst);
		ipm->hdr.dst_addr = rte_cpu_to_be_32(m->tun_dst_mask);
	}
	if (m && m->tun_src_mask) {
		if (!t->remote_flow && (m->tun_src ^ t->remote_ip) & m->tun_src_mask)
			return xl_fail(x, -ENOTSUP, "tun_src contradicts tunnel port %s's "
				       "remote_ip: the rule can never match", t->name);
		ip->hdr.src_addr = rte_cpu_to_be_32(m->tun_src);
		ipm->hdr.src_addr = rte_cpu_to_be_32(m->tun_src_mask);
	} else if (!t->remote_flow) {
		ip->hdr.src_addr = rte_cpu_to_be_32(t->remote_ip);
		ipm->hdr.src_addr = RTE_BE32(0xffffffff);
	}
	if (m && m->tun_dst_mask && !t->local_flow &&
	    ((m->tun_dst ^ t->local_ip) & m->tun_dst_mask))
		return xl_fail(x, -ENOTSUP, "tun_dst contradicts tunnel port %s's "
			       "local_ip: the rule can never match", t->name);
	udp = xl_item(x, RTE_FLOW_ITEM_TYPE_UDP, true);
	udpm = MASK_OF(udp);
	udp->hdr.dst_port = rte_cpu_to_be_16(t->dst_port);
	udpm->hdr.dst_port = RTE_BE16(0xffff);
	if (m && m->tun_id_mask) {
		if (m->tun_id >> 24)
			return xl_fail(x, -ENOTSUP, "tun_id=0x%llx: a VXLAN VNI has 24 "
				       "bits, so the rule can never match",
				       (unsigned long long)m->tun_id);
		if (!t->key_flow && ((m->tun_id ^ t->key) & m->tun_id_mask))
			return xl_fail(x, -ENOTSUP, "tun_id contradicts tunnel port %s's "
				       "key: the rule can never match", t->name);
		vni = (uint32_t)m->tun_id;
		vni_m = (uint32_t)m->tun_id_mask;
	} else if (!t->key_flow) {
		vni = t->key;
		vni_m = 0xffffff;
	}
	vx = xl_item(x, RTE_FLOW_ITEM_TYPE_VXLAN, true);
	vxm = MASK_OF(vx);
	for (int i = 0; i < 3; i++) {
		vx->vni[i] = (uint8_t)(vni >> (16 - 8 * i));
		vxm->vni[i] = (uint8_t)(vni_m >> (16 - 8 * i));
	}
	return 0;
}

/* Open vSwitch's receive order of tunnel ports (as the software datapath's):
 * a fixed key before key=flow, then a fixed remote before remote_ip=flow,
 * then a fixed local_ip before local_ip=flow; list order among equals. */
static unsigned tun_rank(const struct snic_mgr_port *t)
{
	return (t->key_flow ? 4u : 0u) | (t->remote_flow ? 2u : 0u) |
	       (t->local_flow ? 1u : 0u);
}

/* May a packet of the rule (port option fixed to t_v unless t_flow, rule
 * match mv/mm) carry the value rival port option o_v (unless o_flow)? */
static bool opt_may(bool o_flow, uint64_t o_v, bool t_flow, uint64_t t_v,
		    uint64_t mv, uint64_t mm)
{
	if (o_flow)
		return true;
	if (!t_flow)
		return o_v == t_v;
	return ((o_v ^ mv) & mm) == 0;
}

const struct snic_mgr_port *xl_tunnel_rival(const struct snic_mgr_xlate_env *env,
					    const struct snic_mgr_port *t,
					    const struct snic_of_match *m)
{
	const struct snic_mgr_port *tun[64];
	unsigned n = env->tunnels ? env->tunnels(env->arg, tun, 64) : 0;
	bool before = true;

	for (unsigned i = 0; i < n && i < 64; i++) {
		const struct snic_mgr_port *o = tun[i];

		if (o->ofport == t->ofport) {
			before = false;
			continue;
		}
		if (tun_rank(o) > tun_rank(t) || (tun_rank(o) == tun_rank(t) && !before) ||
		    o->dst_port != t->dst_port)
			continue;
		if (opt_may(o->local_flow, o->local_ip, t->local_flow, t->local_ip,
			    m->tun_dst, m->tun_dst_mask) &&
		    opt_may(o->remote_flow, o->remote_ip, t->remote_flow, t->remote_ip,
			    m->tun_src, m->tun_src_mask) &&
		    opt_may(o->key_flow, o->key, t->key_flow, t->key, m->tun_id,
			    m->tun_id_mask))
			return o;
	}
	return NULL;
}

/* L2: Ethernet addresses, VLAN, and the EtherType when it needs an item. */
static int xl_l2(struct xl *x, const struct snic_of_match *m)
{
	struct rte_flow_item_eth *e, *em;
	uint16_t tci = m->vlan_tci, tcim = m->vlan_tci_mask;
	bool ip = m->dl_type_mask && (m->dl_type == 0x0800 || m->dl_type == 0x86dd);

	x->tagged = -1;
	if (tcim & 0x1000)
		x->tagged = !!(tci & 0x1000);
	else if (tcim && (tci & tcim))
		x->tagged = 1;          /* a non-zero VID/PCP bit: a tag */
	else if (tcim)
		return xl_fail(x, -ENOTSUP, "vlan_tci=0x%04x/0x%04x matches tagged "
			       "and untagged packets alike (VID/PCP 0); match the "
			       "tag-present bit 0x1000 too", tci, tcim);
	e = xl_item(x, RTE_FLOW_ITEM_TYPE_ETH, true);
	em = MASK_OF(e);
	memcpy(e->hdr.dst_addr.addr_bytes, m->dl_dst, 6);
	memcpy(em->hdr.dst_addr.addr_bytes, m->dl_dst_mask, 6);
	memcpy(e->hdr.src_addr.addr_bytes, m->dl_src, 6);
	memcpy(em->hdr.src_addr.addr_bytes, m->dl_src_mask, 6);
	if (x->tagged == 0) {
		e->has_vlan = 0;
		em->has_vlan = 1;
		if (m->dl_type_mask && !ip) {
			e->hdr.ether_type = rte_cpu_to_be_16(m->dl_type);
			em->hdr.ether_type = RTE_BE16(0xffff);
		}
	} else if (x->tagged == 1) {
		struct rte_flow_item_vlan *v = xl_item(x, RTE_FLOW_ITEM_TYPE_VLAN, true);
		struct rte_flow_item_vlan *vm = MASK_OF(v);

		if (m->dl_type_mask && !ip)
			return xl_fail(x, -ENOTSUP, "dl_type=0x%04x on tagged packets: "
				       "OpenFlow's EtherType is the one after one or two "
				       "tags, the NIC's the one after exactly the tags "
				       "matched", m->dl_type);
		v->hdr.vlan_tci = rte_cpu_to_be_16(tci & 0xefff);
		vm->hdr.vlan_tci = rte_cpu_to_be_16(tcim & 0xefff);
	} else if (m->dl_type_mask && !ip) {
		return xl_fail(x, -ENOTSUP, "dl_type=0x%04x without a VLAN match: the "
			       "NIC matches an EtherType only with the number of VLAN "
			       "tags fixed (add vlan_tci=0x0000/0x1000 for untagged "
			       "packets)", m->dl_type);
	}
	if (!mac_zero(m->dl_src_mask) || !mac_zero(m->dl_dst_mask) || x->tagged >= 0 ||
	    (m->dl_type_mask && !ip))
		return 0;
	/* nothing to say at L2: keep the item (it carries no constraint) */
	x->r->items[x->r->n_items - 1].spec = NULL;
	x->r->items[x->r->n_items - 1].mask = NULL;
	return 0;
}

static int xl_l4(struct xl *x, const struct snic_of_match *m, bool v6)
{
	if (!m->tp_src_mask && !m->tp_dst_mask) {
		/* TCP/UDP known: say so with the item (port rewrites need it) */
		if (m->nw_proto_mask && (m->nw_proto == 6 || m->nw_proto == 17))
			xl_item(x, m->nw_proto == 6 ? RTE_FLOW_ITEM_TYPE_TCP :
				RTE_FLOW_ITEM_TYPE_UDP, false);
		return 0;
	}
	if (m->nw_proto == 6 || m->nw_proto == 17) {
		/* TCP and UDP items share the port layout at the start */
		struct rte_flow_item_udp *u = xl_item(x, m->nw_proto == 6 ?
						      RTE_FLOW_ITEM_TYPE_TCP :
						      RTE_FLOW_ITEM_TYPE_UDP, true);
		struct rte_flow_item_udp *um = MASK_OF(u);

		u->hdr.src_port = rte_cpu_to_be_16(m->tp_src);
		um->hdr.src_port = rte_cpu_to_be_16(m->tp_src_mask);
		u->hdr.dst_port = rte_cpu_to_be_16(m->tp_dst);
		um->hdr.dst_port = rte_cpu_to_be_16(m->tp_dst_mask);
		return 0;
	}
	if (m->nw_proto == 1 && !v6) {
		struct rte_flow_item_icmp *ic = xl_item(x, RTE_FLOW_ITEM_TYPE_ICMP, true);
		struct rte_flow_item_icmp *icm = MASK_OF(ic);

		ic->hdr.icmp_type = (uint8_t)m->tp_src;
		icm->hdr.icmp_type = (uint8_t)m->tp_src_mask;
		ic->hdr.icmp_code = (uint8_t)m->tp_dst;
		icm->hdr.icmp_code = (uint8_t)m->tp_dst_mask;
		return 0;
	}
	return xl_fail(x, -ENOTSUP, "%s ports/types of IP protocol %u have no "
		       "hardware match (TCP, UDP and ICMP only)", v6 ? "IPv6" : "IPv4",
		       m->nw_proto);
}

static int xl_l3(struct xl *x, const struct snic_of_match *m)
{
	if (!m->dl_type_mask)
		return 0;
	if (m->dl_type == 0x0800) {
		struct rte_flow_item_ipv4 *ip = xl_item(x, RTE_FLOW_ITEM_TYPE_IPV4, true);
		struct rte_flow_item_ipv4 *im = MASK_OF(ip);

		ip->hdr.src_addr = rte_cpu_to_be_32(m->nw_src);
		im->hdr.src_addr = rte_cpu_to_be_32(m->nw_src_mask);
		ip->hdr.dst_addr = rte_cpu_to_be_32(m->nw_dst);
		im->hdr.dst_addr = rte_cpu_to_be_32(m->nw_dst_mask);
		ip->hdr.next_proto_id = m->nw_proto;
		im->hdr.next_proto_id = m->nw_proto_mask;
		ip->hdr.type_of_service = m->nw_tos;
		im->hdr.type_of_service = m->nw_tos_mask;
		ip->hdr.time_to_live = m->nw_ttl;
		im->hdr.time_to_live = m->nw_ttl_mask;
		x->l3 = 4;
		return xl_l4(x, m, false);
	}
	if (m->dl_type == 0x86dd) {
		struct rte_flow_item_ipv6 *ip = xl_item(x, RTE_FLOW_ITEM_TYPE_IPV6, true);
		struct rte_flow_item_ipv6 *im = MASK_OF(ip);

		memcpy(ip->hdr.src_addr, m->ipv6_src, 16);
		memcpy(im->hdr.src_addr, m->ipv6_src_mask, 16);
		memcpy(ip->hdr.dst_addr, m->ipv6_dst, 16);
		memcpy(im->hdr.dst_addr, m->ipv6_dst_mask, 16);
		ip->hdr.proto = m->nw_proto;
		im->hdr.proto = m->nw_proto_mask;
		ip->hdr.hop_limits = m->nw_ttl;
		im->hdr.hop_limits = m->nw_ttl_mask;
		ip->hdr.vtc_flow = rte_cpu_to_be_32((uint32_t)m->nw_tos << 20);
		im->hdr.vtc_flow = rte_cpu_to_be_32((uint32_t)m->nw_tos_mask << 20);
		if (m->nw_proto_mask && m->nw_proto == 58 &&
		    (m->tp_src_mask || m->tp_dst_mask))
			return xl_fail(x, -ENOTSUP, "ICMPv6 type/code have no hardware "
				       "match");
		x->l3 = 6;
		return xl_l4(x, m, true);
	}
	if (m->nw_src_mask || m->nw_dst_mask || m->nw_proto_mask)
		return xl_fail(x, -ENOTSUP, "ARP fields (arp_spa, arp_tpa, arp_op) "
			       "have no hardware match");
	return 0;
}

int xl_match(struct xl *x, const struct snic_of_rule *rule)
{
	const struct snic_of_match *m = &rule->match;
	const struct snic_mgr_port *p = NULL;
	int rc;

	x->info->any_in_port = !m->in_port_mask;
	if (m->in_port_mask) {
		p = x->env->port(x->env->arg, m->in_port);
		if (!p)
			return xl_fail(x, -ENOTSUP, "in_port=%u is not a port of this "
				       "switch", m->in_port);
		x->in = p;
		/* known before any refusal: the planner places the rule by it */
		x->info->tunnel_rx = p->kind == SNIC_MGR_PORT_TUNNEL;
	}
	if (m->metadata_mask)
		return xl_fail(x, -ENOTSUP, "metadata has no hardware match on this "
			       "NIC (rte_flow TAG/META are not supported by the driver)");
	if (x->info->tunnel_rx) {
		if ((rc = xl_tunnel_outer(x, p, m)))
			return rc;
	} else if (m->tun_id_mask || m->tun_src_mask || m->tun_dst_mask) {
		return xl_fail(x, -ENOTSUP, "tun_id/tun_src/tun_dst describe packets "
			       "received on a tunnel port: add in_port=<tunnel port>");
	} else if (p) {
		port_item(x, p->dpdk_port);
	}
	if ((rc = xl_l2(x, m)))
		return rc;
	return xl_l3(x, m);
}
