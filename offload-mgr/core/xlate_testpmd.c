/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xlate_testpmd.c - a built rte_flow rule as the testpmd commands that
 * reproduce it (doc/guides/testpmd_app_ug/testpmd_funcs.rst, "Flow rules
 * management"): fields whose mask is all ones are written "F is V", prefix
 * masks "F spec V F prefix N", other masks "F spec V F mask M".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>

#include "xlate_internal.h"

struct out {
	char *buf;
	size_t len, n;
	bool full;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (o->full)
		return;
	va_start(ap, fmt);
	w = vsnprintf(o->buf + o->n, o->len - o->n, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= o->len - o->n) {
		o->full = true;
		o->n = o->len - 1;
		return;
	}
	o->n += (size_t)w;
}

static bool all_ones(const uint8_t *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (m[i] != 0xff)
			return false;
	return true;
}

static bool all_zero(const uint8_t *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (m[i])
			return false;
	return true;
}

/* Leading ones of a big-endian mask, or -1 when it is not a prefix. */
static int prefix_len(const uint8_t *m, size_t n)
{
	int bits = 0;
	size_t i = 0;

	while (i < n && m[i] == 0xff) {
		bits += 8;
		i++;
	}
	if (i < n) {
		uint8_t b = m[i];
		while (b & 0x80) {
			bits++;
			b = (uint8_t)(b << 1);
		}
		if (b)
			return -1;
		for (i++; i < n; i++)
			if (m[i])
				return -1;
	}
	return bits;
}

enum fkind { F_UINT, F_HEX, F_MAC, F_IP4, F_IP6 };

static void put_val(struct out *o, enum fkind k, const uint8_t *v, size_t n)
{
	uint64_t u = 0;

	switch (k) {
	case F_MAC:
		put(o, "%02x:%02x:%02x:%02x:%02x:%02x", v[0], v[1], v[2], v[3], v[4], v[5]);
		return;
	case F_IP4:
		put(o, "%u.%u.%u.%u", v[0], v[1], v[2], v[3]);
		return;
	case F_IP6:
		for (int i = 0; i < 16; i += 2)
			put(o, "%s%x", i ? ":" : "", v[i] << 8 | v[i + 1]);
		return;
	case F_UINT:
	case F_HEX:
		for (size_t i = 0; i < n; i++)
			u = u << 8 | v[i];
		put(o, k == F_HEX ? "0x%04llx" : "%llu", (unsigned long long)u);
		return;
	}
}

/* One field: value v, mask m, n bytes (network order). */
static void field(struct out *o, const char *name, enum fkind k,
		  const void *vp, const void *mp, size_t n)
{
	const uint8_t *v = vp, *m = mp;
	int pl;

	if (all_zero(m, n))
		return;
	if (all_ones(m, n)) {
		put(o, " %s is ", name);
		put_val(o, k, v, n);
		return;
	}
	put(o, " %s spec ", name);
	put_val(o, k, v, n);
	pl = (k == F_IP4 || k == F_IP6 || k == F_MAC) ? prefix_len(m, n) : -1;
	if (pl >= 0) {
		put(o, " %s prefix %d", name, pl);
	} else {
		put(o, " %s mask ", name);
		put_val(o, k, m, n);
	}
}

/* A 1-bit flag field. */
static void flag(struct out *o, const char *name, unsigned v, unsigned m)
{
	if (m)
		put(o, " %s is %u", name, v);
}

static void item(struct out *o, const struct rte_flow_item *it)
{
	const void *s = it->spec, *m = it->mask;

	switch (it->type) {
	case RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT: {
		const struct rte_flow_item_ethdev *p = s;
		put(o, "represented_port");
		if (p)
			put(o, " ethdev_port_id is %u", p->port_id);
		return;
	}
	case RTE_FLOW_ITEM_TYPE_ETH: {
		const struct rte_flow_item_eth *e = s, *em = m;
		put(o, "eth");
		if (!e)
			return;
		field(o, "dst", F_MAC, &e->hdr.dst_addr, &em->hdr.dst_addr, 6);
		field(o, "src", F_MAC, &e->hdr.src_addr, &em->hdr.src_addr, 6);
		field(o, "type", F_HEX, &e->hdr.ether_type, &em->hdr.ether_type, 2);
		flag(o, "has_vlan", e->has_vlan, em->has_vlan);
		return;
	}
	case RTE_FLOW_ITEM_TYPE_VLAN: {
		const struct rte_flow_item_vlan *v = s, *vm = m;
		put(o, "vlan");
		if (!v)
			return;
		field(o, "tci", F_HEX, &v->hdr.vlan_tci, &vm->hdr.vlan_tci, 2);
		field(o, "inner_type", F_HEX, &v->hdr.eth_proto, &vm->hdr.eth_proto, 2);
		return;
	}
	case RTE_FLOW_ITEM_TYPE_IPV4: {
		const struct rte_flow_item_ipv4 *i = s, *im = m;
		put(o, "ipv4");
		if (!i)
			return;
		field(o, "src", F_IP4, &i->hdr.src_addr, &im->hdr.src_addr, 4);
		field(o, "dst", F_IP4, &i->hdr.dst_addr, &im->hdr.dst_addr, 4);
		field(o, "proto", F_UINT, &i->hdr.next_proto_id, &im->hdr.next_proto_id, 1);
		field(o, "tos", F_UINT, &i->hdr.type_of_service, &im->hdr.type_of_service, 1);
		field(o, "ttl", F_UINT, &i->hdr.time_to_live, &im->hdr.time_to_live, 1);
		return;
	}
	case RTE_FLOW_ITEM_TYPE_IPV6: {
		const struct rte_flow_item_ipv6 *i = s, *im = m;
		uint32_t tc = rte_be_to_cpu_32(i ? i->hdr.vtc_flow : 0) >> 20 & 0xff;
		uint32_t tcm = rte_be_to_cpu_32(im ? im->hdr.vtc_flow : 0) >> 20 & 0xff;
		uint8_t tcb = (uint8_t)tc, tcmb = (uint8_t)tcm;
		put(o, "ipv6");
		if (!i)
			return;
		field(o, "src", F_IP6, i->hdr.src_addr, im->hdr.src_addr, 16);
		field(o, "dst", F_IP6, i->hdr.dst_addr, im->hdr.dst_addr, 16);
		field(o, "proto", F_UINT, &i->hdr.proto, &im->hdr.proto, 1);
		field(o, "tc", F_UINT, &tcb, &tcmb, 1);
		field(o, "hop", F_UINT, &i->hdr.hop_limits, &im->hdr.hop_limits, 1);
		return;
	}
	case RTE_FLOW_ITEM_TYPE_UDP:
	case RTE_FLOW_ITEM_TYPE_TCP: {
		const struct rte_flow_item_udp *u = s, *um = m;
		put(o, it->type == RTE_FLOW_ITEM_TYPE_UDP ? "udp" : "tcp");
		if (!u)
			return;
		field(o, "src", F_UINT, &u->hdr.src_port, &um->hdr.src_port, 2);
		field(o, "dst", F_UINT, &u->hdr.dst_port, &um->hdr.dst_port, 2);
		return;
	}
	case RTE_FLOW_ITEM_TYPE_ICMP: {
		const struct rte_flow_item_icmp *i = s, *im = m;
		put(o, "icmp");
		if (!i)
			return;
		field(o, "type", F_UINT, &i->hdr.icmp_type, &im->hdr.icmp_type, 1);
		field(o, "code", F_UINT, &i->hdr.icmp_code, &im->hdr.icmp_code, 1);
		return;
	}
	case RTE_FLOW_ITEM_TYPE_VXLAN: {
		const struct rte_flow_item_vxlan *v = s, *vm = m;
		put(o, "vxlan");
		if (!v)
			return;
		field(o, "vni", F_UINT, v->vni, vm->vni, 3);
		return;
	}
	default:
		put(o, "item%d", (int)it->type);
		return;
	}
}

static void mac_str(char *b, const uint8_t *m)
{
	snprintf(b, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		 m[4], m[5]);
}

static void ip_str(char *b, rte_be32_t a)
{
	uint32_t v = rte_be_to_cpu_32(a);

	snprintf(b, 16, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255);
}

/* testpmd's "set vxlan" for an encap definition ETH/IPV4/UDP/VXLAN. */
static void set_vxlan(struct out *o, const struct rte_flow_item *def)
{
	const struct rte_flow_item_eth *e = def[0].spec;
	const struct rte_flow_item_ipv4 *ip = def[1].spec;
	const struct rte_flow_item_udp *udp = def[2].spec;
	const struct rte_flow_item_vxlan *vx = def[3].spec;
	char smac[18], dmac[18], sip[16], dip[16];

	mac_str(smac, e->hdr.src_addr.addr_bytes);
	mac_str(dmac, e->hdr.dst_addr.addr_bytes);
	ip_str(sip, ip->hdr.src_addr);
	ip_str(dip, ip->hdr.dst_addr);
	put(o, "set vxlan ip-version ipv4 vni %u udp-src 0 udp-dst %u ip-src %s "
	    "ip-dst %s eth-src %s eth-dst %s\n",
	    (unsigned)vx->vni[0] << 16 | vx->vni[1] << 8 | vx->vni[2],
	    rte_be_to_cpu_16(udp->hdr.dst_port), sip, dip, smac, dmac);
}

static void action(struct out *o, const struct rte_flow_action *a)
{
	const void *c = a->conf;
	char b[20];

	switch (a->type) {
	case RTE_FLOW_ACTION_TYPE_COUNT: put(o, "count"); return;
	case RTE_FLOW_ACTION_TYPE_DROP: put(o, "drop"); return;
	case RTE_FLOW_ACTION_TYPE_VXLAN_DECAP: put(o, "vxlan_decap"); return;
	case RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP: put(o, "vxlan_encap"); return;
	case RTE_FLOW_ACTION_TYPE_OF_POP_VLAN: put(o, "of_pop_vlan"); return;
	case RTE_FLOW_ACTION_TYPE_DEC_TTL: put(o, "dec_ttl"); return;
	case RTE_FLOW_ACTION_TYPE_JUMP:
		put(o, "jump group %u", ((const struct rte_flow_action_jump *)c)->group);
		return;
	case RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT:
		put(o, "represented_port ethdev_port_id %u",
		    ((const struct rte_flow_action_ethdev *)c)->port_id);
		return;
	case RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN:
		put(o, "of_push_vlan ethertype 0x%04x", rte_be_to_cpu_16(
			((const struct rte_flow_action_of_push_vlan *)c)->ethertype));
		return;
	case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID:
		put(o, "of_set_vlan_vid vlan_vid %u", rte_be_to_cpu_16(
			((const struct rte_flow_action_of_set_vlan_vid *)c)->vlan_vid));
		return;
	case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP:
		put(o, "of_set_vlan_pcp vlan_pcp %u",
		    ((const struct rte_flow_action_of_set_vlan_pcp *)c)->vlan_pcp);
		return;
	case RTE_FLOW_ACTION_TYPE_SET_MAC_SRC:
	case RTE_FLOW_ACTION_TYPE_SET_MAC_DST:
		mac_str(b, ((const struct rte_flow_action_set_mac *)c)->mac_addr);
		put(o, "%s mac_addr %s", a->type == RTE_FLOW_ACTION_TYPE_SET_MAC_SRC ?
		    "set_mac_src" : "set_mac_dst", b);
		return;
	case RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC:
	case RTE_FLOW_ACTION_TYPE_SET_IPV4_DST:
		ip_str(b, ((const struct rte_flow_action_set_ipv4 *)c)->ipv4_addr);
		put(o, "%s ipv4_addr %s", a->type == RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC ?
		    "set_ipv4_src" : "set_ipv4_dst", b);
		return;
	case RTE_FLOW_ACTION_TYPE_SET_TP_SRC:
	case RTE_FLOW_ACTION_TYPE_SET_TP_DST:
		put(o, "%s port %u", a->type == RTE_FLOW_ACTION_TYPE_SET_TP_SRC ?
		    "set_tp_src" : "set_tp_dst",
		    rte_be_to_cpu_16(((const struct rte_flow_action_set_tp *)c)->port));
		return;
	case RTE_FLOW_ACTION_TYPE_SET_TTL:
		put(o, "set_ttl ttl_value %u",
		    ((const struct rte_flow_action_set_ttl *)c)->ttl_value);
		return;
	default:
		put(o, "action%d", (int)a->type);
		return;
	}
}

int snic_mgr_hwrule_testpmd(const struct snic_mgr_hwrule *r, char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len };

	if (!len)
		return -ENOSPC;
	buf[0] = 0;
	for (unsigned i = 0; i < r->n_actions; i++)
		if (r->actions[i].type == RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP)
			set_vxlan(&o, ((const struct rte_flow_action_vxlan_encap *)
				       r->actions[i].conf)->definition);
	put(&o, "flow create %u", r->port_id);
	if (r->attr.ingress)
		put(&o, " ingress");
	if (r->attr.transfer)
		put(&o, " transfer");
	put(&o, " group %u priority %u pattern ", r->attr.group, r->attr.priority);
	for (unsigned i = 0; i < r->n_items; i++) {
		if (r->items[i].type == RTE_FLOW_ITEM_TYPE_END) {
			put(&o, "end");
			break;
		}
		item(&o, &r->items[i]);
		put(&o, " / ");
	}
	put(&o, " actions ");
	for (unsigned i = 0; i < r->n_actions; i++) {
		if (r->actions[i].type == RTE_FLOW_ACTION_TYPE_END) {
			put(&o, "end");
			break;
		}
		action(&o, &r->actions[i]);
		put(&o, " / ");
	}
	put(&o, "\n");
	return o.full ? -ENOSPC : 0;
}
