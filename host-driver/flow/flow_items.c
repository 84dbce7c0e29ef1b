/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flow_items.c - the supported pattern items: one table row per item (in
 * the style of DPDK's tap_flow.c) with the size of its spec, its default
 * mask, its fields (and which of their bits the NIC can match), and a
 * converter that merges the item into the match value and mask over struct
 * snic_ifc_match.
 *
 * flow_pattern.c walks the pattern and runs the checks every item shares
 * before its converter, in this order:
 *   - mask or last without spec                      -> EINVAL
 *   - reserved bits set (bit-field words)            -> EINVAL
 *   - spec bits outside the mask                     -> EINVAL
 *   - last below spec                                -> EINVAL
 *   - mask on a field (or bits) the NIC cannot match -> ENOTSUP
 *   - a partial mask where only exact matches work   -> ENOTSUP
 *   - a range (last neither 0 nor spec)              -> ENOTSUP
 * Only named fields are read: padding in the caller's structs is ignored.
 * The values merge into the key; a merge that contradicts what an earlier
 * item (or an implication, e.g. UDP -> IP protocol 17) set is EINVAL.
 * EtherType, "tagged" and "exactly N tags" are settled after the whole
 * pattern is read, once it is known which type field is a TPID.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "flow_internal.h"

const uint8_t flow_item_no[16] = { 0 };  /* "not matchable" supported mask */
static const uint8_t VLAN_TCI_SUPP[2] = { 0xef, 0xff };     /* no DEI */
static const uint8_t IPV6_VTC_SUPP[4] = { 0x0f, 0xf0, 0, 0 }; /* TC only */

/* Bit-field words sit at the end of their structs. */
#define ETH_WORD  (sizeof(struct rte_flow_item_eth) - 4)
#define VLAN_WORD (sizeof(struct rte_flow_item_vlan) - 4)
#define IPV6_WORD (sizeof(struct rte_flow_item_ipv6) - 4)
_Static_assert(sizeof(struct rte_flow_item_eth) == 20, "eth item layout");
_Static_assert(sizeof(struct rte_flow_item_vlan) == 8, "vlan item layout");
_Static_assert(sizeof(struct rte_flow_item_ipv6) == 44, "ipv6 item layout");
_Static_assert(sizeof(struct rte_flow_item_vxlan) == 8, "vxlan item layout");

#define FLD(T, f, n, s, fl) { n, (uint16_t)offsetof(T, f), \
	(uint16_t)sizeof(((T *)0)->f), s, fl }

static const struct flow_item_field eth_fields[] = {
	FLD(struct rte_flow_item_eth, hdr.dst_addr, "dst", NULL, 0),
	FLD(struct rte_flow_item_eth, hdr.src_addr, "src", NULL, 0),
	FLD(struct rte_flow_item_eth, hdr.ether_type, "type", NULL, F_FULL),
	{ "has_vlan", ETH_WORD, 4, NULL, F_WORD },
};
static const struct flow_item_field vlan_fields[] = {
	FLD(struct rte_flow_item_vlan, hdr.vlan_tci, "tci", VLAN_TCI_SUPP, 0),
	FLD(struct rte_flow_item_vlan, hdr.eth_proto, "inner_type", NULL, F_FULL),
	{ "has_more_vlan", VLAN_WORD, 4, NULL, F_WORD },
};
static const struct flow_item_field ipv4_fields[] = {
	FLD(struct rte_flow_item_ipv4, hdr.version_ihl, "version_ihl", flow_item_no, 0),
	FLD(struct rte_flow_item_ipv4, hdr.type_of_service, "type_of_service", NULL, 0),
	FLD(struct rte_flow_item_ipv4, hdr.total_length, "total_length", flow_item_no, 0),
	FLD(struct rte_flow_item_ipv4, hdr.packet_id, "packet_id", flow_item_no, 0),
	FLD(struct rte_flow_item_ipv4, hdr.fragment_offset, "fragment_offset", flow_item_no, 0),
	FLD(struct rte_flow_item_ipv4, hdr.time_to_live, "time_to_live", NULL, 0),
	FLD(struct rte_flow_item_ipv4, hdr.next_proto_id, "next_proto_id", NULL, 0),
	FLD(struct rte_flow_item_ipv4, hdr.hdr_checksum, "hdr_checksum", flow_item_no, 0),
	FLD(struct rte_flow_item_ipv4, hdr.src_addr, "src_addr", NULL, 0),
	FLD(struct rte_flow_item_ipv4, hdr.dst_addr, "dst_addr", NULL, 0),
};
static const struct flow_item_field ipv6_fields[] = {
	FLD(struct rte_flow_item_ipv6, hdr.vtc_flow, "vtc_flow", IPV6_VTC_SUPP, 0),
	FLD(struct rte_flow_item_ipv6, hdr.payload_len, "payload_len", flow_item_no, 0),
	FLD(struct rte_flow_item_ipv6, hdr.proto, "proto", NULL, 0),
	FLD(struct rte_flow_item_ipv6, hdr.hop_limits, "hop_limits", NULL, 0),
	FLD(struct rte_flow_item_ipv6, hdr.src_addr, "src_addr", NULL, 0),
	FLD(struct rte_flow_item_ipv6, hdr.dst_addr, "dst_addr", NULL, 0),
	{ "has_*_ext", IPV6_WORD, 4, NULL, F_WORD },
};
static const struct flow_item_field udp_fields[] = {
	FLD(struct rte_flow_item_udp, hdr.src_port, "src_port", NULL, 0),
	FLD(struct rte_flow_item_udp, hdr.dst_port, "dst_port", NULL, 0),
	FLD(struct rte_flow_item_udp, hdr.dgram_len, "dgram_len", flow_item_no, 0),
	FLD(struct rte_flow_item_udp, hdr.dgram_cksum, "dgram_cksum", flow_item_no, 0),
};
static const struct flow_item_field tcp_fields[] = {
	FLD(struct rte_flow_item_tcp, hdr.src_port, "src_port", NULL, 0),
	FLD(struct rte_flow_item_tcp, hdr.dst_port, "dst_port", NULL, 0),
	FLD(struct rte_flow_item_tcp, hdr.sent_seq, "sent_seq", flow_item_no, 0),
	FLD(struct rte_flow_item_tcp, hdr.recv_ack, "recv_ack", flow_item_no, 0),
	FLD(struct rte_flow_item_tcp, hdr.data_off, "data_off", flow_item_no, 0),
	FLD(struct rte_flow_item_tcp, hdr.tcp_flags, "tcp_flags", NULL, 0),
	FLD(struct rte_flow_item_tcp, hdr.rx_win, "rx_win", flow_item_no, 0),
	FLD(struct rte_flow_item_tcp, hdr.cksum, "cksum", flow_item_no, 0),
	FLD(struct rte_flow_item_tcp, hdr.tcp_urp, "tcp_urp", flow_item_no, 0),
};
static const struct flow_item_field icmp_fields[] = {
	FLD(struct rte_flow_item_icmp, hdr.icmp_type, "icmp_type", NULL, 0),
	FLD(struct rte_flow_item_icmp, hdr.icmp_code, "icmp_code", NULL, 0),
	FLD(struct rte_flow_item_icmp, hdr.icmp_cksum, "icmp_cksum", flow_item_no, 0),
	FLD(struct rte_flow_item_icmp, hdr.icmp_ident, "icmp_ident", flow_item_no, 0),
	FLD(struct rte_flow_item_icmp, hdr.icmp_seq_nb, "icmp_seq_nb", flow_item_no, 0),
};
static const struct flow_item_field vxlan_fields[] = {
	FLD(struct rte_flow_item_vxlan, flags, "flags", NULL, 0),
	FLD(struct rte_flow_item_vxlan, rsvd0, "rsvd0", flow_item_no, 0),
	FLD(struct rte_flow_item_vxlan, vni, "vni", NULL, 0),
	FLD(struct rte_flow_item_vxlan, rsvd1, "rsvd1", flow_item_no, 0),
};
static const struct flow_item_field port_id_fields[] = {
	FLD(struct rte_flow_item_port_id, id, "id", NULL, F_FULL),
};
static const struct flow_item_field ethdev_fields[] = {
	FLD(struct rte_flow_item_ethdev, port_id, "port_id", NULL, F_FULL),
};

/* Named and matchable bits of a bit-field word; the rest are reserved. */
void flow_item_word_bits(int type, uint32_t *named, uint32_t *supp)
{
	union {
		struct rte_flow_item_eth eth;
		struct rte_flow_item_vlan vlan;
		struct rte_flow_item_ipv6 ipv6;
	} u;
	size_t off = 0;

	memset(&u, 0, sizeof(u));
	*named = *supp = 0;
	switch (type) {
	case RTE_FLOW_ITEM_TYPE_ETH:
		u.eth.has_vlan = 1;
		off = ETH_WORD;
		break;
	case RTE_FLOW_ITEM_TYPE_VLAN:
		u.vlan.has_more_vlan = 1;
		off = VLAN_WORD;
		break;
	case RTE_FLOW_ITEM_TYPE_IPV6:
		u.ipv6.has_hop_ext = u.ipv6.has_route_ext = u.ipv6.has_frag_ext = 1;
		u.ipv6.has_auth_ext = u.ipv6.has_esp_ext = u.ipv6.has_dest_ext = 1;
		u.ipv6.has_mobil_ext = u.ipv6.has_hip_ext = u.ipv6.has_shim6_ext = 1;
		memcpy(named, (const uint8_t *)&u + IPV6_WORD, 4);
		return;         /* none matchable */
	default:
		return;
	}
	memcpy(named, (const uint8_t *)&u + off, 4);
	*supp = *named;
}

/* ---- key helpers ---- */

bool flow_key_merge(void *kv, void *km, const void *v, const void *m, size_t n)
{
	uint8_t *a = kv, *b = km;
	const uint8_t *c = v, *d = m;

	for (size_t i = 0; i < n; i++)
		if ((b[i] & d[i]) & (a[i] ^ c[i]))
			return false;
	for (size_t i = 0; i < n; i++) {
		a[i] = (uint8_t)((a[i] & b[i]) | (c[i] & d[i]));
		b[i] |= d[i];
	}
	return true;
}

/* Merge n bytes of spec (already masked) under mask into a key field. */
#define MERGE(x, it, kf_v, kf_m, s, m, n, what) \
	do { \
		if (!flow_key_merge((kf_v), (kf_m), (s), (m), (n))) \
			return XERR((x), EINVAL, RTE_FLOW_ERROR_TYPE_ITEM, (it), \
				    "%s item: %s contradicts an earlier item of " \
				    "the pattern", flow_item_name((it)->type), (what)); \
	} while (0)

/* ---- converters ---- */

static int conv_eth(struct flow_xlate *x, const struct flow_item_desc *d,
		    const struct rte_flow_item *it, const uint8_t *s,
		    const uint8_t *m, unsigned level)
{
	struct flow_level *l = &x->lvl[level];
	const struct rte_flow_item_eth *es = (const void *)s, *em = (const void *)m;

	l->eth = it;
	if (!s)
		return 0;
	MERGE(x, it, hv(x, level)->dmac, hm(x, level)->dmac,
	      &es->hdr.dst_addr, &em->hdr.dst_addr, 6, "dst");
	MERGE(x, it, hv(x, level)->smac, hm(x, level)->smac,
	      &es->hdr.src_addr, &em->hdr.src_addr, 6, "src");
	l->type_v[0] = rte_be_to_cpu_16(es->hdr.ether_type);
	l->type_m[0] = rte_be_to_cpu_16(em->hdr.ether_type);
	l->type_item[0] = it;
	if (em->has_vlan)
		l->has_vlan = es->has_vlan;
	return 0;
}

static int conv_vlan(struct flow_xlate *x, const struct flow_item_desc *d,
		     const struct rte_flow_item *it, const uint8_t *s,
		     const uint8_t *m, unsigned level)
{
	struct flow_level *l = &x->lvl[level];
	const struct rte_flow_item_vlan *vs = (const void *)s, *vm = (const void *)m;
	unsigned i = l->n_vlan;
	uint16_t tv = 0, tm = 0;

	if (i == 2)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM, it,
			    "%sVLAN item: a third VLAN tag; the NIC parses two "
			    "tags (802.1Q/802.1ad) per header stack", level_name(level));
	l->vlan[i] = it;
	l->n_vlan++;
	if (s) {
		tv = rte_be_to_cpu_16(vs->hdr.vlan_tci);
		tm = rte_be_to_cpu_16(vm->hdr.vlan_tci);
		l->type_v[i + 1] = rte_be_to_cpu_16(vs->hdr.eth_proto);
		l->type_m[i + 1] = rte_be_to_cpu_16(vm->hdr.eth_proto);
		l->type_item[i + 1] = it;
		if (vm->has_more_vlan) {
			if (i == 1)
				return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_MASK, it,
					    "%sVLAN item: has_more_vlan on the second "
					    "tag; the NIC does not see a third tag",
					    level_name(level));
			l->has_more_vlan = vs->has_more_vlan;
		}
		if (i == 0) {
			l->vlan_vid_known = (tm & 0x0fff) == 0x0fff;
			l->vlan_vid = tv & 0x0fff;
			l->vlan_pcp_known = (tm & 0xe000) == 0xe000;
			l->vlan_pcp = (uint8_t)(tv >> 13);
		}
	}
	/* "tagged" is the PRESENT bit in the DEI position (snic_ifc.h) */
	tv = rte_cpu_to_be_16((uint16_t)(tv | SNIC_IFC_VLAN_PRESENT));
	tm = rte_cpu_to_be_16((uint16_t)(tm | SNIC_IFC_VLAN_PRESENT));
	MERGE(x, it, &hv(x, level)->vlan_tci[i], &hm(x, level)->vlan_tci[i],
	      &tv, &tm, 2, i ? "the second tag" : "the first tag");
	return 0;
}

static int conv_ipv4(struct flow_xlate *x, const struct flow_item_desc *d,
		     const struct rte_flow_item *it, const uint8_t *s,
		     const uint8_t *m, unsigned level)
{
	struct flow_level *l = &x->lvl[level];
	const struct rte_ipv4_hdr *is = (const void *)s, *im = (const void *)m;
	struct snic_ifc_hdrs *v = hv(x, level), *k = hm(x, level);

	l->l3 = 4;
	l->l3_item = it;
	if (!s)
		return 0;
	MERGE(x, it, &v->ip_tos, &k->ip_tos, &is->type_of_service,
	      &im->type_of_service, 1, "type_of_service");
	MERGE(x, it, &v->ip_ttl, &k->ip_ttl, &is->time_to_live, &im->time_to_live,
	      1, "time_to_live");
	MERGE(x, it, &v->ip_proto, &k->ip_proto, &is->next_proto_id,
	      &im->next_proto_id, 1, "next_proto_id");
	MERGE(x, it, &v->ip_src[0], &k->ip_src[0], &is->src_addr, &im->src_addr,
	      4, "src_addr");
	MERGE(x, it, &v->ip_dst[0], &k->ip_dst[0], &is->dst_addr, &im->dst_addr,
	      4, "dst_addr");
	return 0;
}

static int conv_ipv6(struct flow_xlate *x, const struct flow_item_desc *d,
		     const struct rte_flow_item *it, const uint8_t *s,
		     const uint8_t *m, unsigned level)
{
	struct flow_level *l = &x->lvl[level];
	const struct rte_ipv6_hdr *is = (const void *)s, *im = (const void *)m;
	struct snic_ifc_hdrs *v = hv(x, level), *k = hm(x, level);
	uint8_t tcv, tcm;

	l->l3 = 6;
	l->l3_item = it;
	if (!s)
		return 0;
	tcv = (uint8_t)(rte_be_to_cpu_32(is->vtc_flow) >> 20);
	tcm = (uint8_t)(rte_be_to_cpu_32(im->vtc_flow) >> 20);
	MERGE(x, it, &v->ip_tos, &k->ip_tos, &tcv, &tcm, 1, "traffic class");
	MERGE(x, it, &v->ip_ttl, &k->ip_ttl, &is->hop_limits, &im->hop_limits, 1,
	      "hop_limits");
	MERGE(x, it, &v->ip_proto, &k->ip_proto, &is->proto, &im->proto, 1, "proto");
	MERGE(x, it, v->ip_src, k->ip_src, is->src_addr, im->src_addr, 16, "src_addr");
	MERGE(x, it, v->ip_dst, k->ip_dst, is->dst_addr, im->dst_addr, 16, "dst_addr");
	return 0;
}

/* The IP protocol an L4 item implies. */
static int l4_proto(struct flow_xlate *x, const struct rte_flow_item *it,
		    unsigned level, uint8_t proto)
{
	struct flow_level *l = &x->lvl[level];
	uint8_t ff = 0xff;

	if (!flow_key_merge(&hv(x, level)->ip_proto, &hm(x, level)->ip_proto,
			    &proto, &ff, 1))
		return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM, it,
			    "%s%s item contradicts the IP protocol %u the %s item "
			    "matches", level_name(level), flow_item_name(it->type),
			    hv(x, level)->ip_proto,
			    l->l3_item ? flow_item_name(l->l3_item->type) : "IP");
	l->l4 = proto;
	l->l4_item = it;
	return 0;
}

static int conv_udp(struct flow_xlate *x, const struct flow_item_desc *d,
		    const struct rte_flow_item *it, const uint8_t *s,
		    const uint8_t *m, unsigned level)
{
	const struct rte_udp_hdr *us = (const void *)s, *um = (const void *)m;
	int rc = l4_proto(x, it, level, 17);

	if (rc || !s)
		return rc;
	MERGE(x, it, &hv(x, level)->tp_src, &hm(x, level)->tp_src, &us->src_port,
	      &um->src_port, 2, "src_port");
	MERGE(x, it, &hv(x, level)->tp_dst, &hm(x, level)->tp_dst, &us->dst_port,
	      &um->dst_port, 2, "dst_port");
	return 0;
}

static int conv_tcp(struct flow_xlate *x, const struct flow_item_desc *d,
		    const struct rte_flow_item *it, const uint8_t *s,
		    const uint8_t *m, unsigned level)
{
	const struct rte_tcp_hdr *ts = (const void *)s, *tm = (const void *)m;
	int rc = l4_proto(x, it, level, 6);

	if (rc || !s)
		return rc;
	MERGE(x, it, &hv(x, level)->tp_src, &hm(x, level)->tp_src, &ts->src_port,
	      &tm->src_port, 2, "src_port");
	MERGE(x, it, &hv(x, level)->tp_dst, &hm(x, level)->tp_dst, &ts->dst_port,
	      &tm->dst_port, 2, "dst_port");
	MERGE(x, it, &hv(x, level)->tcp_flags, &hm(x, level)->tcp_flags,
	      &ts->tcp_flags, &tm->tcp_flags, 1, "tcp_flags");
	return 0;
}

static int conv_icmp(struct flow_xlate *x, const struct flow_item_desc *d,
		     const struct rte_flow_item *it, const uint8_t *s,
		     const uint8_t *m, unsigned level)
{
	const struct rte_icmp_hdr *is = (const void *)s, *im = (const void *)m;
	struct snic_ifc_hdrs *v = hv(x, level), *k = hm(x, level);
	int rc = l4_proto(x, it, level, 1);

	if (rc || !s)
		return rc;
	/* ICMP type and code: the low byte of tp_src / tp_dst */
	MERGE(x, it, (uint8_t *)&v->tp_src + 1, (uint8_t *)&k->tp_src + 1,
	      &is->icmp_type, &im->icmp_type, 1, "icmp_type");
	MERGE(x, it, (uint8_t *)&v->tp_dst + 1, (uint8_t *)&k->tp_dst + 1,
	      &is->icmp_code, &im->icmp_code, 1, "icmp_code");
	return 0;
}

static int conv_vxlan(struct flow_xlate *x, const struct flow_item_desc *d,
		      const struct rte_flow_item *it, const uint8_t *s,
		      const uint8_t *m, unsigned level)
{
	const struct rte_flow_item_vxlan *vs = (const void *)s, *vm = (const void *)m;
	const struct snic_ifc_hdrs *o = &x->value.outer, *om = &x->mask.outer;
	uint8_t t = SNIC_IFC_TUN_VXLAN, ff = 0xff;
	uint16_t port = rte_be_to_cpu_16(o->tp_dst);

	/* the NIC sees VXLAN only on the board's UDP port */
	if (x->lvl[0].l4 == 17 && om->tp_dst == 0xffff &&
	    port != x->ctx->caps.vxlan_port)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM, it,
			    "VXLAN item after UDP dst_port %u: the NIC recognises "
			    "VXLAN only on UDP port %u (board vxlan udp-port)",
			    port, x->ctx->caps.vxlan_port);
	x->vxlan = it;
	MERGE(x, it, &x->value.tun_type, &x->mask.tun_type, &t, &ff, 1, "tunnel");
	if (!s)
		return 0;
	MERGE(x, it, &x->value.vxlan_flags, &x->mask.vxlan_flags, &vs->flags,
	      &vm->flags, 1, "flags");
	MERGE(x, it, (uint8_t *)&x->value.vni + 1, (uint8_t *)&x->mask.vni + 1,
	      vs->vni, vm->vni, 3, "vni");
	return 0;
}

static int conv_port(struct flow_xlate *x, const struct flow_item_desc *d,
		     const struct rte_flow_item *it, const uint8_t *s,
		     const uint8_t *m, unsigned level)
{
	const struct snic_flow_port *p;
	uint32_t id, idm;
	uint16_t v, vm = 0xffff;
	char list[160];

	if (!x->transfer)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM, it,
			    "%s item needs the transfer attribute: it matches "
			    "where traffic enters the e-switch",
			    flow_item_name(it->type));
	if (x->src_item)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM, it,
			    "%s item: the rule already matches a source port; "
			    "the NIC matches one source per rule",
			    flow_item_name(it->type));
	x->src_item = it;
	if (!s)
		return 0;
	if (it->type == RTE_FLOW_ITEM_TYPE_PORT_ID) {
		id = ((const struct rte_flow_item_port_id *)s)->id;
		idm = ((const struct rte_flow_item_port_id *)m)->id;
	} else {
		id = ((const struct rte_flow_item_ethdev *)s)->port_id;
		idm = ((const struct rte_flow_item_ethdev *)m)->port_id;
	}
	if (!idm)
		return 0;       /* zero mask: any source */
	p = flow_port(x->ctx, id);
	if (!p)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_SPEC, it,
			    "%s item: port %u is not a port of this NIC (ports: %s)",
			    flow_item_name(it->type), id,
			    flow_ports_list(x->ctx, list, sizeof(list)));
	v = rte_cpu_to_be_16(p->vport);
	MERGE(x, it, &x->value.src_vport, &x->mask.src_vport, &v, &vm, 2,
	      "the source port");
	return 0;
}

/* ---- the table ---- */

static const struct flow_item_desc items[] = {
	{ RTE_FLOW_ITEM_TYPE_ETH, sizeof(struct rte_flow_item_eth),
	  &rte_flow_item_eth_mask, eth_fields, RTE_DIM(eth_fields),
	  "dst, src, type, has_vlan", conv_eth, false },
	{ RTE_FLOW_ITEM_TYPE_VLAN, sizeof(struct rte_flow_item_vlan),
	  &rte_flow_item_vlan_mask, vlan_fields, RTE_DIM(vlan_fields),
	  "tci (PCP and VID; not DEI), inner_type, has_more_vlan", conv_vlan, false },
	{ RTE_FLOW_ITEM_TYPE_IPV4, sizeof(struct rte_flow_item_ipv4),
	  &rte_flow_item_ipv4_mask, ipv4_fields, RTE_DIM(ipv4_fields),
	  "src_addr, dst_addr, next_proto_id, time_to_live, type_of_service",
	  conv_ipv4, false },
	{ RTE_FLOW_ITEM_TYPE_IPV6, sizeof(struct rte_flow_item_ipv6),
	  &rte_flow_item_ipv6_mask, ipv6_fields, RTE_DIM(ipv6_fields),
	  "src_addr, dst_addr, proto, hop_limits, the traffic class of vtc_flow",
	  conv_ipv6, false },
	{ RTE_FLOW_ITEM_TYPE_UDP, sizeof(struct rte_flow_item_udp),
	  &rte_flow_item_udp_mask, udp_fields, RTE_DIM(udp_fields),
	  "src_port, dst_port", conv_udp, false },
	{ RTE_FLOW_ITEM_TYPE_TCP, sizeof(struct rte_flow_item_tcp),
	  &rte_flow_item_tcp_mask, tcp_fields, RTE_DIM(tcp_fields),
	  "src_port, dst_port, tcp_flags", conv_tcp, false },
	{ RTE_FLOW_ITEM_TYPE_ICMP, sizeof(struct rte_flow_item_icmp),
	  &rte_flow_item_icmp_mask, icmp_fields, RTE_DIM(icmp_fields),
	  "icmp_type, icmp_code", conv_icmp, false },
	{ RTE_FLOW_ITEM_TYPE_VXLAN, sizeof(struct rte_flow_item_vxlan),
	  &rte_flow_item_vxlan_mask, vxlan_fields, RTE_DIM(vxlan_fields),
	  "flags, vni", conv_vxlan, false },
	{ RTE_FLOW_ITEM_TYPE_PORT_ID, sizeof(struct rte_flow_item_port_id),
	  &rte_flow_item_port_id_mask, port_id_fields, RTE_DIM(port_id_fields),
	  "id (exact or any)", conv_port, true },
	{ RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, sizeof(struct rte_flow_item_ethdev),
	  &rte_flow_item_ethdev_mask, ethdev_fields, RTE_DIM(ethdev_fields),
	  "port_id (exact or any)", conv_port, true },
};

const struct flow_item_desc *flow_item_find(int type)
{
	for (unsigned i = 0; i < RTE_DIM(items); i++)
		if (items[i].type == type)
			return &items[i];
	return NULL;
}
