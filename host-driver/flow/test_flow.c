/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_flow.c - host-driver/flow against the firmware booted in-process on
 * the small test board (4 VFs, 1 uplink, max-entries 4096):
 *
 *   1. the validation matrix: every supported item and every supported
 *      action in a minimal rule is accepted, and the firmware entry, group
 *      mask and table it made are exactly what the rule says;
 *   2. frames through the firmware do what key rules say: VF to VF, drop,
 *      VXLAN encap (bytes), decap, jump + miss, VLAN push/pop, set-field,
 *      to a representor, priorities, per-port encap, ingress rules, COUNT;
 *   3. the refusals: each case refused by validate and create alike with
 *      the expected errno, error type and cause, a message, and nothing
 *      left behind;
 *   4. sharing: groups, encap contexts and tables are shared and freed with
 *      their last rule; counters are per rule; duplicates are EEXIST;
 *      a create the firmware refuses half-way leaves nothing;
 *   5. capacity: max-entries rules fit, the next is ENOSPC naming the limit,
 *      destroying one makes room again.
 */
#include "test_flow_lib.h"

/* Firmware tables that exist now (probe every id). */
static unsigned fw_tables(void)
{
	struct snic_ifc_query_table_out q;
	unsigned n = 0;

	for (uint32_t i = 0; i < snic_flow_get_caps(ctx)->max_tables; i++)
		n += snic_fwc_query_table(&nic.pf, i, &q) == SNIC_SYN_OK;
	return n;
}

static uint32_t query_group(uint32_t id, struct snic_ifc_query_group_out *o)
{
	return snic_fwc_query_group(&nic.pf, id, o);
}

/* ---- 1. accepted: every item and action, and what the firmware holds ---- */

typedef void (*key_fn)(struct snic_ifc_match *v, struct snic_ifc_match *m);

struct accept {
	struct rule r;
	key_fn key;                  /* expected value and mask */
	uint32_t flags;              /* expected SNIC_ACT_* */
	uint8_t pop;
	uint16_t tpid, tci;
	uint8_t n_dests;
	struct { uint8_t type, flags; uint16_t vport; } d[2];
	uint32_t table_level;
};

static void k16(uint16_t *v, uint16_t *m, uint16_t host)
{
	*v = htons(host);
	*m = 0xffff;
}

static void kb(void *v, void *m, const void *val, size_t n)
{
	memcpy(v, val, n);
	memset(m, 0xff, n);
}

static void k_vlan(uint16_t *v, uint16_t *m, uint16_t tci, uint16_t mask)
{
	*v = htons((uint16_t)(tci | SNIC_IFC_VLAN_PRESENT));
	*m = htons((uint16_t)(mask | SNIC_IFC_VLAN_PRESENT));
}

static void k_none(struct snic_ifc_match *v, struct snic_ifc_match *m) { }
static void k_eth_dst(struct snic_ifc_match *v, struct snic_ifc_match *m)
{
	kb(v->outer.dmac, m->outer.dmac, vf_mac[1], 6);
}
static void k_eth_type(struct snic_ifc_match *v, struct snic_ifc_match *m)
{
	k16(&v->outer.ethertype, &m->outer.ethertype, 0x0800);
	m->outer.vlan_tci[0] = htons(SNIC_IFC_VLAN_PRESENT);   /* untagged */
}
static void k_has_vlan(struct snic_ifc_match *v, struct snic_ifc_match *m)
{
	k_vlan(&v->outer.vlan_tci[0], &m->outer.vlan_tci[0], 0, 0);
}
static void k_vlan100(struct snic_ifc_match *v, struct snic_ifc_match *m)
{
	k_vlan(&v->outer.vlan_tci[0], &m->outer.vlan_tci[0], 100, 0x0fff);
}
static void k_qinq(struct snic_ifc_match *v, struct snic_ifc_match *m)
{
	k_vlan(&v->outer.vlan_tci[0], &m->outer.vlan_tci[0], 0, 0);
	k_vlan(&v->outer.vlan_tci[1], &m->outer.vlan_tci[1], 200, 0x0fff);
}
static void k_ip4(struct snic_ifc_match *v, struct snic_ifc_match *m)
{
	uint32_t s = htonl(0x0a000001), d = htonl(0x0a000002);

	k16(&v->outer.ethertype, &m->outer.ethertype, 0x0800);
	kb(&v->outer.ip_src[0], &m->outer.ip_src[0], &s, 4);
	kb(&v->outer.ip_dst[0], &m->outer.ip_dst[0], &d, 4);
}
static void k_ip6(struct snic_ifc_match *v, struct snic_ifc_match *m)
{
	static const uint8_t d[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

	k16(&v->outer.ethertype, &m->outer.ethertype, 0x86dd);
	kb(v->outer.ip_dst, m->outer.ip_dst, d, 16);
	v->outer.ip_proto = 6;
	m->outer.ip_proto = 0xff;
	v->outer.ip_tos = 0xb8;
	m->outer.ip_tos = 0xfc;
}
static void k_udp(struct snic_ifc_match *v, struct snic_ifc_match *m)
{
	k16(&v->outer.ethertype, &m->outer.ethertype, 0x0800);
	v->outer.ip_proto = 17;
	m->outer.ip_proto = 0xff;
	k16(&v->outer.tp_dst, &m->outer.tp_dst, 53);
}
static void k_tcp(struct snic_ifc_match *v, struct snic_ifc_match *m)
{
	k16(&v->outer.ethertype, &m->outer.ethertype, 0x0800);
	v->outer.ip_proto = 6;
	m->outer.ip_proto = 0xff;
	v->outer.tcp_flags = 0x02;
	m->outer.tcp_flags = 0x12;
}
static void k_icmp(struct snic_ifc_match *v, struct snic_ifc_match *m)
{
	k16(&v->outer.ethertype, &m->outer.ethertype, 0x0800);
	v->outer.ip_proto = 1;
	m->outer.ip_proto = 0xff;
	k16(&v->outer.tp_src, &m->outer.tp_src, 8);
	m->outer.tp_src = htons(0x00ff);
	v->outer.tp_dst = 0;
	m->outer.tp_dst = htons(0x00ff);
}
static void k_vxlan(struct snic_ifc_match *v, struct snic_ifc_match *m)
{
	k16(&v->outer.ethertype, &m->outer.ethertype, 0x0800);
	v->outer.ip_proto = 17;
	m->outer.ip_proto = 0xff;
	v->tun_type = SNIC_IFC_TUN_VXLAN;
	m->tun_type = 0xff;
	v->vni = htonl(4242);
	m->vni = htonl(0xffffff);
}
static void k_inner(struct snic_ifc_match *v, struct snic_ifc_match *m)
{
	uint32_t d = htonl(0x0a000102);

	v->tun_type = SNIC_IFC_TUN_VXLAN;
	m->tun_type = 0xff;
	kb(v->inner.dmac, m->inner.dmac, vf_mac[3], 6);
	k16(&v->inner.ethertype, &m->inner.ethertype, 0x0800);
	kb(&v->inner.ip_dst[0], &m->inner.ip_dst[0], &d, 4);
	v->inner.ip_proto = 6;
	m->inner.ip_proto = 0xff;
}
static void k_src_vf0(struct snic_ifc_match *v, struct snic_ifc_match *m)
{
	k16(&v->src_vport, &m->src_vport, VF(0));
}
static void k_src_up(struct snic_ifc_match *v, struct snic_ifc_match *m)
{
	k16(&v->src_vport, &m->src_vport, UP);
}
static void k_src_vf1(struct snic_ifc_match *v, struct snic_ifc_match *m)
{
	k16(&v->src_vport, &m->src_vport, VF(1));
}
/* the pattern every action case uses: VF0 / ETH / IPV4 dst / UDP dst */
static void k_base(struct snic_ifc_match *v, struct snic_ifc_match *m)
{
	uint32_t d = htonl(0x0a000002);

	k_src_vf0(v, m);
	k16(&v->outer.ethertype, &m->outer.ethertype, 0x0800);
	kb(&v->outer.ip_dst[0], &m->outer.ip_dst[0], &d, 4);
	v->outer.ip_proto = 17;
	m->outer.ip_proto = 0xff;
	k16(&v->outer.tp_dst, &m->outer.tp_dst, 5000);
}
static void k_base_vlan(struct snic_ifc_match *v, struct snic_ifc_match *m)
{
	k_base(v, m);
	k_vlan(&v->outer.vlan_tci[0], &m->outer.vlan_tci[0], 9, 0x0fff);
}
static void k_decap(struct snic_ifc_match *v, struct snic_ifc_match *m)
{
	k_src_up(v, m);
	k_vxlan(v, m);
}

#define BASE PORT_IT(1), ETH_ANY, IPV4_DST(IP4(10, 0, 0, 2)), UDP_DST(5000)
#define BASE_VLAN PORT_IT(1), ETH_ANY, IT(VLAN, SPEC(vlan, .hdr.vlan_tci = RTE_BE16(9)), NULL), \
	IPV4_DST(IP4(10, 0, 0, 2)), UDP_DST(5000)
#define DECAP_PAT PORT_IT(0), ETH_ANY, IT(IPV4, NULL, NULL), IT(UDP, NULL, NULL), \
	IT(VXLAN, SPEC(vxlan, .vni = { 0, 0x10, 0x92 }), NULL)
#define FWD_VF1 { SNIC_DEST_VPORT, 0, VF(1) }
#define MOD (SNIC_ACT_MODIFY | SNIC_ACT_FWD)

static const struct accept accepts[] = {
	/* items (actions: DROP) */
	{ .r = { "ETH dst", 0, T_ATTR, { IT(ETH, SPEC(eth, .hdr.dst_addr.addr_bytes = MAC_VF1),
					 SPEC(eth, .hdr.dst_addr.addr_bytes = FF6)) },
	    { AC(DROP, NULL) } }, .key = k_eth_dst, .flags = SNIC_ACT_DROP },
	{ .r = { "ETH type (untagged)", 0, T_ATTR,
	    { IT(ETH, SPEC(eth, .hdr.ether_type = RTE_BE16(0x0800)),
		 SPEC(eth, .hdr.ether_type = RTE_BE16(0xffff))) },
	    { AC(DROP, NULL) } }, .key = k_eth_type, .flags = SNIC_ACT_DROP },
	{ .r = { "ETH has_vlan", 0, T_ATTR,
	    { IT(ETH, SPEC(eth, .has_vlan = 1), SPEC(eth, .has_vlan = 1)) },
	    { AC(DROP, NULL) } }, .key = k_has_vlan, .flags = SNIC_ACT_DROP },
	{ .r = { "VLAN vid", 0, T_ATTR, { ETH_ANY, IT(VLAN, SPEC(vlan, .hdr.vlan_tci = RTE_BE16(100)), NULL) },
	    { AC(DROP, NULL) } }, .key = k_vlan100, .flags = SNIC_ACT_DROP },
	{ .r = { "VLAN / VLAN (QinQ)", 0, T_ATTR, { ETH_ANY, IT(VLAN, NULL, NULL),
	    IT(VLAN, SPEC(vlan, .hdr.vlan_tci = RTE_BE16(200)), NULL) },
	    { AC(DROP, NULL) } }, .key = k_qinq, .flags = SNIC_ACT_DROP },
	{ .r = { "IPV4 src/dst", 0, T_ATTR, { ETH_ANY, IT(IPV4, SPEC(ipv4, .hdr.src_addr = IP4(10, 0, 0, 1),
							.hdr.dst_addr = IP4(10, 0, 0, 2)), NULL) },
	    { AC(DROP, NULL) } }, .key = k_ip4, .flags = SNIC_ACT_DROP },
	{ .r = { "IPV6 dst/proto/tc", 0, T_ATTR, { ETH_ANY,
	    IT(IPV6, SPEC(ipv6, .hdr.dst_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 },
			  .hdr.proto = 6, .hdr.vtc_flow = RTE_BE32(0xb8u << 20)),
		     SPEC(ipv6, .hdr.dst_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
			  .hdr.proto = 0xff, .hdr.vtc_flow = RTE_BE32(0xfcu << 20))) },
	    { AC(DROP, NULL) } }, .key = k_ip6, .flags = SNIC_ACT_DROP },
	{ .r = { "UDP dst", 0, T_ATTR, { ETH_ANY, IT(IPV4, NULL, NULL), UDP_DST(53) },
	    { AC(DROP, NULL) } }, .key = k_udp, .flags = SNIC_ACT_DROP },
	{ .r = { "TCP flags (SYN, not ACK)", 0, T_ATTR, { ETH_ANY, IT(IPV4, NULL, NULL),
	    IT(TCP, SPEC(tcp, .hdr.tcp_flags = 0x02), SPEC(tcp, .hdr.tcp_flags = 0x12)) },
	    { AC(DROP, NULL) } }, .key = k_tcp, .flags = SNIC_ACT_DROP },
	{ .r = { "ICMP type/code", 0, T_ATTR, { ETH_ANY, IT(IPV4, NULL, NULL),
	    IT(ICMP, SPEC(icmp, .hdr.icmp_type = 8), NULL) },
	    { AC(DROP, NULL) } }, .key = k_icmp, .flags = SNIC_ACT_DROP },
	{ .r = { "VXLAN vni (outer)", 0, T_ATTR, { ETH_ANY, IT(IPV4, NULL, NULL), IT(UDP, NULL, NULL),
	    IT(VXLAN, SPEC(vxlan, .vni = { 0, 0x10, 0x92 }), NULL) },
	    { AC(DROP, NULL) } }, .key = k_vxlan, .flags = SNIC_ACT_DROP },
	{ .r = { "VXLAN / inner ETH / IPV4 / TCP", 0, T_ATTR, { IT(VXLAN, NULL, NULL),
	    IT(ETH, SPEC(eth, .hdr.dst_addr.addr_bytes = { 0x02, 0xaa, 0, 0, 0x10, 3 }),
		 SPEC(eth, .hdr.dst_addr.addr_bytes = FF6)),
	    IPV4_DST(IP4(10, 0, 1, 2)), IT(TCP, NULL, NULL) },
	    { AC(DROP, NULL) } }, .key = k_inner, .flags = SNIC_ACT_DROP },
	{ .r = { "REPRESENTED_PORT", 0, T_ATTR, { PORT_IT(1) }, { AC(DROP, NULL) } },
	  .key = k_src_vf0, .flags = SNIC_ACT_DROP },
	{ .r = { "PORT_ID", 0, T_ATTR, { IT(PORT_ID, SPEC(port_id, .id = 0), NULL) },
	    { AC(DROP, NULL) } }, .key = k_src_up, .flags = SNIC_ACT_DROP },
	{ .r = { "VOID items", 0, T_ATTR, { IT(VOID, NULL, NULL), PORT_IT(1), IT(VOID, NULL, NULL) },
	    { AC(VOID, NULL), AC(DROP, NULL) } }, .key = k_src_vf0, .flags = SNIC_ACT_DROP },
	{ .r = { "ingress on port 2 (implicit source)", 2, { .ingress = 1 }, { ETH_ANY },
	    { AC(DROP, NULL) } }, .key = k_src_vf1, .flags = SNIC_ACT_DROP },
	{ .r = { "group 3 priority 5", 0, { .transfer = 1, .group = 3, .priority = 5 },
	    { PORT_IT(1) }, { AC(DROP, NULL) } }, .key = k_src_vf0, .flags = SNIC_ACT_DROP,
	  .table_level = 3 },
	{ .r = { "no items (all traffic)", 0, T_ATTR, { { 0 } }, { AC(DROP, NULL) } },
	  .key = k_none, .flags = SNIC_ACT_DROP },
	/* actions */
	{ .r = { "DROP", 0, T_ATTR, { BASE }, { AC(DROP, NULL) } }, .key = k_base, .flags = SNIC_ACT_DROP },
	{ .r = { "COUNT", 0, T_ATTR, { BASE }, { AC(COUNT, NULL), AC(DROP, NULL) } },
	  .key = k_base, .flags = SNIC_ACT_COUNT | SNIC_ACT_DROP },
	{ .r = { "JUMP", 0, T_ATTR, { BASE }, { AC(JUMP, CONF(jump, .group = 1)) } },
	  .key = k_base, .flags = SNIC_ACT_GOTO },
	{ .r = { "REPRESENTED_PORT", 0, T_ATTR, { BASE }, { TO(2) } }, k_base,
	  SNIC_ACT_FWD, .n_dests = 1, .d = { FWD_VF1 } },
	{ .r = { "PORT_REPRESENTOR", 0, T_ATTR, { BASE },
	    { AC(PORT_REPRESENTOR, CONF(ethdev, .port_id = 2)) } }, k_base,
	  SNIC_ACT_FWD, .n_dests = 1, .d = { { SNIC_DEST_REP, 0, VF(1) } } },
	{ .r = { "PORT_ID", 0, T_ATTR, { BASE }, { AC(PORT_ID, CONF(port_id, .id = 0)) } },
	  .key = k_base, .flags = SNIC_ACT_FWD, .n_dests = 1, .d = { { SNIC_DEST_VPORT, 0, UP } } },
	{ .r = { "VXLAN_ENCAP", 0, T_ATTR, { BASE }, { AC(VXLAN_ENCAP, &vx_encap), TO(0) } },
	  .key = k_base, .flags = SNIC_ACT_FWD, .n_dests = 1,
	  .d = { { SNIC_DEST_VPORT, SNIC_DEST_F_REFORMAT, UP } } },
	{ .r = { "RAW_ENCAP", 0, T_ATTR, { BASE }, { AC(RAW_ENCAP, &raw_encap), TO(0) } },
	  .key = k_base, .flags = SNIC_ACT_FWD, .n_dests = 1,
	  .d = { { SNIC_DEST_VPORT, SNIC_DEST_F_REFORMAT, UP } } },
	{ .r = { "VXLAN_DECAP", 0, T_ATTR, { DECAP_PAT }, { AC(VXLAN_DECAP, NULL), TO(2) } },
	  .key = k_decap, .flags = SNIC_ACT_DECAP | SNIC_ACT_FWD, .n_dests = 1, .d = { FWD_VF1 } },
	{ .r = { "RAW_DECAP", 0, T_ATTR, { DECAP_PAT }, { AC(RAW_DECAP, &raw_decap), TO(2) } },
	  .key = k_decap, .flags = SNIC_ACT_DECAP | SNIC_ACT_FWD, .n_dests = 1, .d = { FWD_VF1 } },
	{ .r = { "OF_PUSH_VLAN + SET_VLAN_VID/PCP", 0, T_ATTR, { BASE },
	    { AC(OF_PUSH_VLAN, CONF(of_push_vlan, .ethertype = RTE_BE16(0x88a8))),
	      AC(OF_SET_VLAN_VID, CONF(of_set_vlan_vid, .vlan_vid = RTE_BE16(42))),
	      AC(OF_SET_VLAN_PCP, CONF(of_set_vlan_pcp, .vlan_pcp = 3)), TO(2) } },
	  .key = k_base, .flags = SNIC_ACT_PUSH_VLAN | SNIC_ACT_FWD, .tpid = 0x88a8,
	  .tci = 3 << 13 | 42, .n_dests = 1, .d = { FWD_VF1 } },
	{ .r = { "OF_POP_VLAN", 0, T_ATTR, { BASE_VLAN }, { AC(OF_POP_VLAN, NULL), TO(2) } },
	  .key = k_base_vlan, .flags = SNIC_ACT_POP_VLAN | SNIC_ACT_FWD, .pop = 1, .n_dests = 1,
	  .d = { FWD_VF1 } },
	{ .r = { "OF_SET_VLAN_VID", 0, T_ATTR, { BASE_VLAN },
	    { AC(OF_SET_VLAN_VID, CONF(of_set_vlan_vid, .vlan_vid = RTE_BE16(7))), TO(2) } },
	  .key = k_base_vlan, .flags = MOD, .n_dests = 1, .d = { FWD_VF1 } },
	{ .r = { "OF_SET_VLAN_PCP", 0, T_ATTR, { BASE_VLAN },
	    { AC(OF_SET_VLAN_PCP, CONF(of_set_vlan_pcp, .vlan_pcp = 5)), TO(2) } },
	  .key = k_base_vlan, .flags = MOD, .n_dests = 1, .d = { FWD_VF1 } },
	{ .r = { "SET_MAC_SRC", 0, T_ATTR, { BASE },
	    { AC(SET_MAC_SRC, CONF(set_mac, .mac_addr = MAC_VF1)), TO(2) } },
	  .key = k_base, .flags = MOD, .n_dests = 1, .d = { FWD_VF1 } },
	{ .r = { "SET_MAC_DST", 0, T_ATTR, { BASE },
	    { AC(SET_MAC_DST, CONF(set_mac, .mac_addr = MAC_VF1)), TO(2) } },
	  .key = k_base, .flags = MOD, .n_dests = 1, .d = { FWD_VF1 } },
	{ .r = { "SET_IPV4_SRC", 0, T_ATTR, { BASE },
	    { AC(SET_IPV4_SRC, CONF(set_ipv4, .ipv4_addr = IP4(1, 2, 3, 4))), TO(2) } },
	  .key = k_base, .flags = MOD, .n_dests = 1, .d = { FWD_VF1 } },
	{ .r = { "SET_IPV4_DST", 0, T_ATTR, { BASE },
	    { AC(SET_IPV4_DST, CONF(set_ipv4, .ipv4_addr = IP4(1, 2, 3, 4))), TO(2) } },
	  .key = k_base, .flags = MOD, .n_dests = 1, .d = { FWD_VF1 } },
	{ .r = { "SET_TP_SRC", 0, T_ATTR, { BASE },
	    { AC(SET_TP_SRC, CONF(set_tp, .port = RTE_BE16(1234))), TO(2) } },
	  .key = k_base, .flags = MOD, .n_dests = 1, .d = { FWD_VF1 } },
	{ .r = { "SET_TP_DST", 0, T_ATTR, { BASE },
	    { AC(SET_TP_DST, CONF(set_tp, .port = RTE_BE16(1234))), TO(2) } },
	  .key = k_base, .flags = MOD, .n_dests = 1, .d = { FWD_VF1 } },
	{ .r = { "DEC_TTL", 0, T_ATTR, { BASE }, { AC(DEC_TTL, NULL), TO(2) } },
	  .key = k_base, .flags = MOD, .n_dests = 1, .d = { FWD_VF1 } },
	{ .r = { "SET_TTL", 0, T_ATTR, { BASE }, { AC(SET_TTL, CONF(set_ttl, .ttl_value = 9)), TO(2) } },
	  .key = k_base, .flags = MOD, .n_dests = 1, .d = { FWD_VF1 } },
	{ .r = { "VOID", 0, T_ATTR, { BASE }, { AC(VOID, NULL), TO(2), AC(VOID, NULL) } },
	  .key = k_base, .flags = SNIC_ACT_FWD, .n_dests = 1, .d = { FWD_VF1 } },
};

#define N_ITEM_CASES 18     /* accepts[] starts with the item cases */

static void test_accept(void)
{
	struct snic_flow_usage u0 = usage();
	unsigned n_items = 0, n_actions = 0;

	SNIC_REQUIRE(!strcmp(accepts[N_ITEM_CASES].r.name, "DROP"),
		     "the action cases start at %d", N_ITEM_CASES);

	for (size_t i = 0; i < RTE_DIM(accepts); i++) {
		const struct accept *c = &accepts[i];
		struct rte_flow_error e = { 0 };
		struct snic_ifc_query_entry_out q;
		struct snic_ifc_query_group_out g;
		struct snic_ifc_query_table_out t;
		struct snic_ifc_match ev = { 0 }, em = { 0 };
		struct snic_flow_fw_ids ids;
		struct snic_flow *f;
		int rc;

		rc = snic_flow_validate(ctx, c->r.port, &c->r.attr, c->r.pat, c->r.act, &e);
		SNIC_CHECK(rc == 0, "%s: validate: %d %s", c->r.name, rc,
			   e.message ? e.message : "");
		f = create(&c->r, &e);
		SNIC_CHECK(f != NULL, "%s: create: %s", c->r.name, e.message ? e.message : "");
		if (!f)
			continue;
		i < N_ITEM_CASES ? n_items++ : n_actions++;
		snic_flow_get_fw_ids(f, &ids);
		SNIC_OK(&nic.pf, snic_fwc_query_entry(&nic.pf, ids.entry, &q));
		SNIC_OK(&nic.pf, query_group(ids.group, &g));
		SNIC_OK(&nic.pf, snic_fwc_query_table(&nic.pf, ids.table, &t));
		c->key(&ev, &em);
		SNIC_CHECK(!memcmp(&g.mask, &em, sizeof(em)), "%s: group mask as expected",
			   c->r.name);
		SNIC_CHECK(!memcmp(&q.value, &ev, sizeof(ev)), "%s: entry value as expected",
			   c->r.name);
		SNIC_CHECK_EQ(snic_ifc_le32(q.priority), c->r.attr.priority, c->r.name);
		SNIC_CHECK_EQ(snic_ifc_le32(t.level), c->table_level, c->r.name);
		SNIC_CHECK_EQ(snic_ifc_le32(q.actions.flags), c->flags, c->r.name);
		SNIC_CHECK_EQ(q.actions.pop_vlan, c->pop, c->r.name);
		SNIC_CHECK_EQ(snic_ifc_le16(q.actions.push_tpid), c->tpid, c->r.name);
		SNIC_CHECK_EQ(snic_ifc_le16(q.actions.push_tci), c->tci, c->r.name);
		SNIC_CHECK_EQ(q.actions.n_dests, c->n_dests, c->r.name);
		for (unsigned d = 0; d < c->n_dests && d < 2; d++) {
			SNIC_CHECK(q.actions.dests[d].type == c->d[d].type &&
				   q.actions.dests[d].flags == c->d[d].flags &&
				   snic_ifc_le16(q.actions.dests[d].vport) == c->d[d].vport,
				   "%s: destination %u", c->r.name, d);
			if (c->d[d].flags & SNIC_DEST_F_REFORMAT)
				SNIC_CHECK_EQ(snic_ifc_le32(q.actions.dests[d].reformat),
					      ids.reformat, c->r.name);
		}
		if (c->flags & SNIC_ACT_COUNT)
			SNIC_CHECK(ids.counter != SNIC_FLOW_NO_ID &&
				   snic_ifc_le32(q.actions.counter) == ids.counter,
				   "%s: a counter of its own", c->r.name);
		if (c->flags & SNIC_ACT_MODIFY)
			SNIC_CHECK(ids.modify != SNIC_FLOW_NO_ID &&
				   snic_ifc_le32(q.actions.modify) == ids.modify,
				   "%s: a modify-header context of its own", c->r.name);
		if (c->flags & SNIC_ACT_GOTO) {
			struct snic_ifc_query_table_out jt;

			SNIC_OK(&nic.pf, snic_fwc_query_table(&nic.pf, ids.goto_table, &jt));
			SNIC_CHECK(snic_ifc_le32(q.actions.goto_table) == ids.goto_table &&
				   snic_ifc_le32(jt.level) == 1 &&
				   snic_ifc_le32(jt.miss) == SNIC_MISS_DEFAULT,
				   "%s: goes to the table of group 1 (miss: exception path)",
				   c->r.name);
		}
		SNIC_CHECK(snic_flow_destroy(ctx, f, &e) == 0, "%s: destroy", c->r.name);
		SNIC_CHECK(usage_eq(usage(), u0), "%s: destroy released everything",
			   c->r.name);
	}
	printf("validation matrix: %u item rules and %u action rules accepted\n",
	       n_items, n_actions);
}

/* ---- 2. frames through the firmware ---- */

static void test_frames_basic(void)
{
	const struct rule vf2vf = { "VF0 -> VF1 by dst MAC", 0, T_ATTR,
		{ PORT_IT(1), IT(ETH, SPEC(eth, .hdr.dst_addr.addr_bytes = MAC_VF1),
				 SPEC(eth, .hdr.dst_addr.addr_bytes = FF6)) }, { TO(2) } };
	const struct rule drop = { "count and drop", 0, T_ATTR,
		{ PORT_IT(1), ETH_ANY, IPV4_DST(IP4(10, 0, 0, 99)) },
		{ AC(COUNT, NULL), AC(DROP, NULL) } };
	const struct rule to_rep = { "to the uplink's representor", 0, T_ATTR,
		{ PORT_IT(2), ETH_ANY, IPV4_DST(IP4(10, 0, 0, 98)) },
		{ AC(PORT_REPRESENTOR, CONF(ethdev, .port_id = 0)) } };
	const struct rule ingress = { "ingress on VF2's port: drop", 3,
		{ .ingress = 1 }, { ETH_ANY, IPV4_DST(IP4(10, 0, 0, 97)) },
		{ AC(DROP, NULL) } };
	const struct rte_flow_action count = AC(COUNT, NULL), jmp = AC(JUMP, NULL);
	struct rte_flow_query_count qc = { 0 };
	struct rte_flow_error e = { 0 };
	struct snic_flow *f, *g;
	struct tf t;
	uint64_t d0;

	f = must(&vf2vf);
	udp_frame(&t, vf_mac[1], vf_mac[0], 0x0a000002, 5000, 64, -1);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1 && same(snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(1)), &t),
		   "VF0 -> VF1: the frame reaches VF1 unchanged");
	snic_test_rx(&nic, VF(2), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1 && same(snic_test_out_to(&nic, SNIC_FW_TX_REP, VF(2)), &t),
		   "the same frame from VF2 misses: VF2's representor gets it");
	destroy(f);

	f = must(&drop);
	d0 = snic_test_drops(&nic, SNIC_DROP_RULE);
	udp_frame(&t, vf_mac[1], vf_mac[0], 0x0a000063, 5000, 64, -1);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 0 && snic_test_drops(&nic, SNIC_DROP_RULE) == d0 + 2,
		   "DROP: nothing leaves, two rule drops counted");
	SNIC_CHECK(snic_flow_query(ctx, f, &count, &qc, &e) == 0 && qc.hits_set &&
		   qc.bytes_set && qc.hits == 2 && qc.bytes == 2ull * t.len,
		   "COUNT query: 2 hits, %u bytes (got %llu, %llu)", 2 * t.len,
		   (unsigned long long)qc.hits, (unsigned long long)qc.bytes);
	qc = (struct rte_flow_query_count){ .reset = 1 };
	SNIC_CHECK(snic_flow_query(ctx, f, &count, &qc, &e) == 0 && qc.hits == 2,
		   "COUNT query with reset still reports 2");
	qc = (struct rte_flow_query_count){ 0 };
	SNIC_CHECK(snic_flow_query(ctx, f, &count, &qc, &e) == 0 && qc.hits == 0 &&
		   qc.bytes == 0, "after the reset: 0 hits, 0 bytes");
	SNIC_CHECK(snic_flow_query(ctx, f, &jmp, &qc, &e) == -ENOTSUP &&
		   e.type == RTE_FLOW_ERROR_TYPE_ACTION && e.cause == &jmp && e.message,
		   "querying JUMP: ENOTSUP (%s)", e.message);
	destroy(f);
	f = must(&vf2vf);
	SNIC_CHECK(snic_flow_query(ctx, f, &count, &qc, &e) == -ENOTSUP && e.message,
		   "querying a rule without COUNT: ENOTSUP (%s)", e.message);
	destroy(f);

	f = must(&to_rep);
	udp_frame(&t, vf_mac[0], vf_mac[1], 0x0a000062, 5000, 64, -1);
	snic_test_rx(&nic, VF(1), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1 && same(snic_test_out_to(&nic, SNIC_FW_TX_REP, UP), &t),
		   "PORT_REPRESENTOR 0: the uplink's representor gets VF1's frame");
	destroy(f);

	f = must(&ingress);
	udp_frame(&t, vf_mac[0], vf_mac[2], 0x0a000061, 5000, 64, -1);
	snic_test_rx(&nic, VF(2), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 0, "ingress rule on VF2's port drops VF2's frame");
	snic_test_rx(&nic, VF(1), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1 && snic_test_out_to(&nic, SNIC_FW_TX_REP, VF(1)),
		   "... and not VF1's (implicit source port)");
	destroy(f);

	/* priorities: the lower number wins */
	const struct rule lo = { "prio 2 -> VF1", 0, { .transfer = 1, .priority = 2 },
		{ PORT_IT(1), ETH_ANY, IPV4_DST(IP4(10, 0, 0, 6)) }, { TO(2) } };
	const struct rule hi = { "prio 1 -> VF2", 0, { .transfer = 1, .priority = 1 },
		{ PORT_IT(1), ETH_ANY, IPV4_DST(IP4(10, 0, 0, 6)), UDP_DST(5000) }, { TO(3) } };
	f = must(&lo);
	g = must(&hi);
	udp_frame(&t, vf_mac[1], vf_mac[0], 0x0a000006, 5000, 64, -1);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1 && snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(2)),
		   "priority 1 beats priority 2");
	destroy(g);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1 && snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(1)),
		   "without it, the priority 2 rule forwards");
	destroy(f);
}

static void check_encap(const struct snic_fw_memhal_frame *f, struct tf *inner,
			const char *what)
{
	const uint8_t *d, *ip, *udp;

	SNIC_CHECK(f && f->len == inner->len + 50, "%s: 50 bytes of VXLAN headers", what);
	if (!f || f->len != inner->len + 50)
		return;
	d = f->data;
	ip = d + 14;
	udp = ip + 20;
	SNIC_CHECK(!memcmp(d, ext_mac, 6) && d[6] == 0x02 && d[7] == 0xaa && d[10] == 1 &&
		   tf_get16(d + 12) == 0x0800, "%s: outer Ethernet", what);
	SNIC_CHECK(ip[0] == 0x45 && ip[8] == 64 && ip[9] == 17 &&
		   tf_get16(ip + 6) == 0x4000 && tf_get32(ip + 12) == 0xc0000201 &&
		   tf_get32(ip + 16) == 0xc0000202 &&
		   tf_get16(ip + 2) == inner->len + 36 &&
		   ref_fold(ref_sum(ip, 20, 0)) == 0xffff,
		   "%s: outer IPv4 (TTL 64, DF, 192.0.2.1 -> .2, length, checksum)", what);
	SNIC_CHECK(tf_get16(udp) >= 49152 && tf_get16(udp + 2) == 4789 &&
		   tf_get16(udp + 4) == inner->len + 16, "%s: outer UDP", what);
	SNIC_CHECK(udp[8] == 0x08 && tf_get32(udp + 12) == 777u << 8,
		   "%s: VXLAN I flag, VNI 777", what);
	SNIC_CHECK(!memcmp(d + 50, tf_data(inner), inner->len), "%s: the inner frame", what);
}

static void test_frames_tunnels(void)
{
	const struct rule enc = { "encap to the uplink", 0, T_ATTR,
		{ PORT_IT(1), ETH_ANY, IPV4_DST(IP4(10, 0, 0, 2)) },
		{ AC(VXLAN_ENCAP, &vx_encap), TO(0) } };
	const struct rule mixed = { "VF1 plain, uplink encapsulated", 0, T_ATTR,
		{ PORT_IT(1), ETH_ANY, IPV4_DST(IP4(10, 0, 0, 3)) },
		{ TO(2), AC(RAW_ENCAP, &raw_encap), TO(0) } };
	const struct rule dec = { "decap VNI 4242 to VF3", 0, T_ATTR,
		{ DECAP_PAT, IT(ETH, SPEC(eth, .hdr.dst_addr.addr_bytes = { 0x02, 0xaa, 0, 0, 0x10, 3 }),
				SPEC(eth, .hdr.dst_addr.addr_bytes = FF6)) },
		{ AC(VXLAN_DECAP, NULL), TO(4) } };
	struct snic_flow *f;
	struct tf t, inner;
	struct tf_ip4 oip = { .proto = 17, .ttl = 64, .src = 0xc0000263, .dst = 0xc0000201 };

	f = must(&enc);
	udp_frame(&t, vf_mac[1], vf_mac[0], 0x0a000002, 5000, 64, -1);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1, "VXLAN_ENCAP: one frame");
	check_encap(snic_test_out_to(&nic, SNIC_FW_TX_VPORT, UP), &t, "VXLAN_ENCAP");
	destroy(f);

	f = must(&mixed);
	udp_frame(&t, vf_mac[1], vf_mac[0], 0x0a000003, 5000, 64, -1);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 2 && same(snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(1)), &t),
		   "port, RAW_ENCAP, port: VF1 (before the encap) gets the plain frame");
	check_encap(snic_test_out_to(&nic, SNIC_FW_TX_VPORT, UP), &t, "RAW_ENCAP after a plain port");
	destroy(f);

	f = must(&dec);
	udp_frame(&inner, vf_mac[3], ext_mac, 0x0a000003, 5000, 64, -1);
	tf_init(&t);
	tf_append(&t, tf_data(&inner), inner.len);
	tf_vxlan(&t, 4242);
	tf_udp(&t, 55555, 4789);
	tf_ipv4(&t, &oip);
	tf_eth(&t, vf_mac[0], ext_mac, 0x0800);
	snic_test_rx(&nic, UP, tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1 && same(snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(3)), &inner),
		   "VXLAN_DECAP: VF3 gets the inner frame");
	tf_data(&t)[14 + 20 + 8 + 6] ^= 1;      /* VNI 4243 */
	snic_test_rx(&nic, UP, tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1 && same(snic_test_out_to(&nic, SNIC_FW_TX_REP, UP), &t),
		   "another VNI misses: the uplink's representor gets it whole");
	destroy(f);
}

static void test_frames_rewrites(void)
{
	const struct rule j0 = { "VF2: jump to group 1", 0, T_ATTR,
		{ PORT_IT(3), ETH_ANY }, { AC(JUMP, CONF(jump, .group = 1)) } };
	const struct rule j1 = { "group 1: 10.0.0.7 -> VF1", 0,
		{ .transfer = 1, .group = 1 }, { ETH_ANY, IPV4_DST(IP4(10, 0, 0, 7)) },
		{ TO(2) } };
	const struct rule push = { "push VLAN 42", 0, T_ATTR,
		{ PORT_IT(1), ETH_ANY, IPV4_DST(IP4(10, 0, 0, 4)) },
		{ AC(OF_PUSH_VLAN, CONF(of_push_vlan, .ethertype = RTE_BE16(0x8100))),
		  AC(OF_SET_VLAN_VID, CONF(of_set_vlan_vid, .vlan_vid = RTE_BE16(42))),
		  AC(OF_SET_VLAN_PCP, CONF(of_set_vlan_pcp, .vlan_pcp = 3)), TO(2) } };
	const struct rule pop = { "pop VLAN 9", 0, T_ATTR,
		{ PORT_IT(1), ETH_ANY, IT(VLAN, SPEC(vlan, .hdr.vlan_tci = RTE_BE16(9)), NULL) },
		{ AC(OF_POP_VLAN, NULL), TO(2) } };
	const struct rule set = { "set MAC, IP, port, TTL", 0, T_ATTR,
		{ PORT_IT(1), ETH_ANY, IPV4_DST(IP4(10, 0, 0, 5)), UDP_DST(5000) },
		{ AC(SET_MAC_DST, CONF(set_mac, .mac_addr = MAC_VF1)),
		  AC(SET_IPV4_DST, CONF(set_ipv4, .ipv4_addr = IP4(10, 9, 9, 9))),
		  AC(SET_TP_DST, CONF(set_tp, .port = RTE_BE16(6000))),
		  AC(DEC_TTL, NULL), TO(2) } };
	const struct snic_fw_memhal_frame *o;
	struct snic_flow *f, *g;
	struct tf t;
	uint64_t x0;

	f = must(&j0);
	g = must(&j1);
	udp_frame(&t, vf_mac[1], vf_mac[2], 0x0a000007, 5000, 64, -1);
	snic_test_rx(&nic, VF(2), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1 && same(snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(1)), &t),
		   "JUMP: group 1's rule forwards VF2's frame to VF1");
	udp_frame(&t, vf_mac[1], vf_mac[2], 0x0a000008, 5000, 64, -1);
	snic_test_rx(&nic, VF(2), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1 && same(snic_test_out_to(&nic, SNIC_FW_TX_REP, VF(2)), &t),
		   "a miss in group 1: VF2's representor gets the frame as it entered");
	destroy(f);
	destroy(g);

	f = must(&push);
	udp_frame(&t, vf_mac[1], vf_mac[0], 0x0a000004, 5000, 64, -1);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	o = snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(1));
	SNIC_CHECK(o && o->len == t.len + 4 && tf_get16(o->data + 12) == 0x8100 &&
		   tf_get16(o->data + 14) == (3 << 13 | 42) &&
		   !memcmp(o->data + 16, tf_data(&t) + 12, t.len - 12),
		   "OF_PUSH_VLAN: VF1 gets the frame tagged 0x8100, PCP 3, VID 42");
	destroy(f);

	f = must(&pop);
	udp_frame(&t, vf_mac[1], vf_mac[0], 0x0a000004, 5000, 64, 9);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	o = snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(1));
	SNIC_CHECK(o && o->len == t.len - 4 && tf_get16(o->data + 12) == 0x0800 &&
		   !memcmp(o->data + 12, tf_data(&t) + 16, t.len - 16),
		   "OF_POP_VLAN: VF1 gets the frame untagged");
	destroy(f);

	f = must(&set);
	udp_frame(&t, ext_mac, vf_mac[0], 0x0a000005, 5000, 64, -1);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	o = snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(1));
	SNIC_CHECK(o && o->len == t.len && !memcmp(o->data, vf_mac[1], 6) &&
		   tf_get32(o->data + 30) == 0x0a090909 && o->data[22] == 63 &&
		   tf_get16(o->data + 36) == 6000 && ref_csums_ok(o->data, o->len),
		   "set-field: dst MAC, IPv4 dst, UDP dst, TTL 63, checksums valid");
	x0 = snic_test_drops(&nic, SNIC_DROP_TTL_EXPIRED);
	udp_frame(&t, ext_mac, vf_mac[0], 0x0a000005, 5000, 1, -1);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 0 && snic_test_drops(&nic, SNIC_DROP_TTL_EXPIRED) == x0 + 1,
		   "DEC_TTL on TTL 1: dropped, counted as TTL_EXPIRED");
	destroy(f);
}

/* ---- 3. refusals ---- */

#define C_NULL (-1)
#define C_ATTR (-2)
#define CI(k)  (k)
#define CA(k)  (100 + (k))

struct refuse {
	struct rule r;
	int err;
	enum rte_flow_error_type type;
	int cause;
};

static const struct rte_flow_item vx_def_v6[] = {
	IT(ETH, SPEC(eth, .hdr.dst_addr.addr_bytes = { 0x02, 0xee, 0, 0, 0, 1 },
		     .hdr.src_addr.addr_bytes = { 0x02, 0xaa, 0, 0, 1, 0 }), NULL),
	IT(IPV6, SPEC(ipv6, .hdr.dst_addr = { 0x20, 0x01, [15] = 1 }), NULL),
	IT(UDP, NULL, NULL), IT(VXLAN, NULL, NULL), { .type = RTE_FLOW_ITEM_TYPE_END },
};
static const struct rte_flow_item vx_def_sport[] = {
	VXD_ETH, VXD_IP,
	IT(UDP, SPEC(udp, .hdr.src_port = RTE_BE16(1234), .hdr.dst_port = RTE_BE16(4789)), NULL),
	VXD_VX, VXD_END,
};
static const struct rte_flow_item vx_def_mcast[] = {
	IT(ETH, SPEC(eth, .hdr.dst_addr.addr_bytes = { 0x01, 0, 0x5e, 0, 0, 1 },
		     .hdr.src_addr.addr_bytes = { 0x02, 0xaa, 0, 0, 1, 0 }), NULL),
	VXD_IP, VXD_UDP, VXD_VX, VXD_END,
};
static const struct rte_flow_item vx_def_noudp[] = {
	VXD_ETH, VXD_IP, VXD_VX, VXD_END,
};
#define ENCAP_DEF(d) AC(VXLAN_ENCAP, CONF(vxlan_encap, \
	.definition = (struct rte_flow_item *)(uintptr_t)(d)))

#define TTL9 AC(SET_TTL, CONF(set_ttl, .ttl_value = 9))
#define TTL9x4 TTL9, TTL9, TTL9, TTL9

static const struct refuse refusals[] = {
	/* attributes */
	{ .r = { "egress", 0, { .egress = 1, .transfer = 1 }, { PORT_IT(1) }, { AC(DROP, NULL) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ATTR_EGRESS, .cause = C_ATTR },
	{ .r = { "neither ingress nor transfer", 0, { 0 }, { PORT_IT(1) }, { AC(DROP, NULL) } },
	  .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ATTR, .cause = C_ATTR },
	{ .r = { "reserved attribute bits", 0, { .transfer = 1, .reserved = 4 }, { PORT_IT(1) },
	    { AC(DROP, NULL) } }, .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ATTR, .cause = C_ATTR },
	{ .r = { "group beyond max-table-level", 0, { .transfer = 1, .group = 8 }, { PORT_IT(1) },
	    { AC(DROP, NULL) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ATTR_GROUP, .cause = C_ATTR },
	{ .r = { "priority beyond priority-levels", 0, { .transfer = 1, .priority = 64 },
	    { PORT_IT(1) }, { AC(DROP, NULL) } }, ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_PRIORITY,
	  C_ATTR },
	{ .r = { "rule on a port not of this NIC", 9, T_ATTR, { PORT_IT(1) }, { AC(DROP, NULL) } },
	  .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_UNSPECIFIED, .cause = C_NULL },
	/* items */
	{ .r = { "RAW item", 0, T_ATTR, { IT(RAW, NULL, NULL) }, { AC(DROP, NULL) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM, .cause = CI(0) },
	{ .r = { "ICMP6 item", 0, T_ATTR, { ETH_ANY, IT(IPV6, NULL, NULL), IT(ICMP6, NULL, NULL) },
	    { AC(DROP, NULL) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM, .cause = CI(2) },
	{ .r = { "PORT_REPRESENTOR item", 0, T_ATTR,
	    { IT(PORT_REPRESENTOR, SPEC(ethdev, .port_id = 1), NULL) }, { AC(DROP, NULL) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM, .cause = CI(0) },
	{ .r = { "mask without spec", 0, T_ATTR, { IT(ETH, NULL, SPEC(eth, .hdr.ether_type = 0xffff)) },
	    { AC(DROP, NULL) } }, .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ITEM_MASK, .cause = CI(0) },
	{ .r = { "last without spec", 0, T_ATTR, { ETH_ANY, IT(IPV4, NULL, NULL),
	    ITL(UDP, NULL, SPEC(udp, .hdr.dst_port = RTE_BE16(90)), NULL) },
	    { AC(DROP, NULL) } }, .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ITEM_LAST, .cause = CI(2) },
	{ .r = { "spec bits outside the (default) mask", 0, T_ATTR,
	    { ETH_ANY, IT(IPV4, SPEC(ipv4, .hdr.next_proto_id = 17), NULL) },
	    { AC(DROP, NULL) } }, .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ITEM_SPEC, .cause = CI(1) },
	{ .r = { "IPv4 total_length", 0, T_ATTR, { ETH_ANY,
	    IT(IPV4, SPEC(ipv4, .hdr.total_length = RTE_BE16(60)),
		     SPEC(ipv4, .hdr.total_length = RTE_BE16(0xffff))) },
	    { AC(DROP, NULL) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM_MASK, .cause = CI(1) },
	{ .r = { "VLAN DEI bit", 0, T_ATTR, { ETH_ANY,
	    IT(VLAN, SPEC(vlan, .hdr.vlan_tci = RTE_BE16(0x1000)),
		     SPEC(vlan, .hdr.vlan_tci = RTE_BE16(0x1fff))) },
	    { AC(DROP, NULL) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM_MASK, .cause = CI(1) },
	{ .r = { "UDP port range", 0, T_ATTR, { ETH_ANY, IT(IPV4, NULL, NULL),
	    ITL(UDP, SPEC(udp, .hdr.dst_port = RTE_BE16(80)),
		SPEC(udp, .hdr.dst_port = RTE_BE16(90)), NULL) },
	    { AC(DROP, NULL) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM_LAST, .cause = CI(2) },
	{ .r = { "last below spec", 0, T_ATTR, { ETH_ANY, IT(IPV4, NULL, NULL),
	    ITL(UDP, SPEC(udp, .hdr.dst_port = RTE_BE16(90)),
		SPEC(udp, .hdr.dst_port = RTE_BE16(80)), NULL) },
	    { AC(DROP, NULL) } }, .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ITEM_LAST, .cause = CI(2) },
	{ .r = { "partial port mask", 0, T_ATTR,
	    { IT(REPRESENTED_PORT, SPEC(ethdev, .port_id = 1), SPEC(ethdev, .port_id = 0xff)) },
	    { AC(DROP, NULL) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM_MASK, .cause = CI(0) },
	{ .r = { "ETH / UDP (no L3)", 0, T_ATTR, { ETH_ANY, UDP_DST(53) }, { AC(DROP, NULL) } },
	  .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ITEM, .cause = CI(1) },
	{ .r = { "ETH type IPv6 then IPV4", 0, T_ATTR,
	    { IT(ETH, SPEC(eth, .hdr.ether_type = RTE_BE16(0x86dd)),
		 SPEC(eth, .hdr.ether_type = 0xffff)), IT(IPV4, NULL, NULL) },
	    { AC(DROP, NULL) } }, .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ITEM, .cause = CI(1) },
	{ .r = { "three VLAN items", 0, T_ATTR, { ETH_ANY, IT(VLAN, NULL, NULL),
	    IT(VLAN, NULL, NULL), IT(VLAN, NULL, NULL) }, { AC(DROP, NULL) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM, .cause = CI(3) },
	{ .r = { "ETH type is a TPID", 0, T_ATTR,
	    { IT(ETH, SPEC(eth, .hdr.ether_type = RTE_BE16(0x8100)),
		 SPEC(eth, .hdr.ether_type = 0xffff)), IT(VLAN, NULL, NULL) },
	    { AC(DROP, NULL) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM_MASK, .cause = CI(0) },
	{ .r = { "VXLAN on UDP port 4790", 0, T_ATTR, { ETH_ANY, IT(IPV4, NULL, NULL),
	    UDP_DST(4790), IT(VXLAN, NULL, NULL) }, { AC(DROP, NULL) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM, .cause = CI(3) },
	{ .r = { "VXLAN in VXLAN", 0, T_ATTR, { IT(VXLAN, NULL, NULL), ETH_ANY,
	    IT(IPV4, NULL, NULL), IT(UDP, NULL, NULL), IT(VXLAN, NULL, NULL) },
	    { AC(DROP, NULL) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM, .cause = CI(4) },
	{ .r = { "ICMP after IPV6", 0, T_ATTR, { ETH_ANY, IT(IPV6, NULL, NULL), IT(ICMP, NULL, NULL) },
	    { AC(DROP, NULL) } }, .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ITEM, .cause = CI(2) },
	{ .r = { "REPRESENTED_PORT of another NIC", 0, T_ATTR, { PORT_IT(9) },
	    { AC(DROP, NULL) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM_SPEC, .cause = CI(0) },
	{ .r = { "REPRESENTED_PORT without transfer", 0, { .ingress = 1 }, { PORT_IT(1) },
	    { AC(DROP, NULL) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM, .cause = CI(0) },
	{ .r = { "two source ports", 0, T_ATTR, { PORT_IT(1), IT(PORT_ID, SPEC(port_id, .id = 2), NULL) },
	    { AC(DROP, NULL) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM, .cause = CI(1) },
	{ .r = { "IPv6 flow label", 0, T_ATTR, { ETH_ANY,
	    IT(IPV6, SPEC(ipv6, .hdr.vtc_flow = RTE_BE32(5)),
		     SPEC(ipv6, .hdr.vtc_flow = RTE_BE32(0xfffff))) },
	    { AC(DROP, NULL) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM_MASK, .cause = CI(1) },
	{ .r = { "IPv6 has_frag_ext", 0, T_ATTR, { ETH_ANY,
	    IT(IPV6, SPEC(ipv6, .has_frag_ext = 1), SPEC(ipv6, .has_frag_ext = 1)) },
	    { AC(DROP, NULL) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM_MASK, .cause = CI(1) },
	{ .r = { "ETH reserved bits", 0, T_ATTR,
	    { IT(ETH, SPEC(eth, .reserved = 1), SPEC(eth, .reserved = 1)) },
	    { AC(DROP, NULL) } }, .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ITEM_SPEC, .cause = CI(0) },
	{ .r = { "TCP sent_seq", 0, T_ATTR, { ETH_ANY, IT(IPV4, NULL, NULL),
	    IT(TCP, SPEC(tcp, .hdr.sent_seq = 1), SPEC(tcp, .hdr.sent_seq = 0xffffffff)) },
	    { AC(DROP, NULL) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM_MASK, .cause = CI(2) },
	{ .r = { "VXLAN reserved byte", 0, T_ATTR,
	    { IT(VXLAN, SPEC(vxlan, .rsvd1 = 0), SPEC(vxlan, .rsvd1 = 0xff)) },
	    { AC(DROP, NULL) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM_MASK, .cause = CI(0) },
	{ .r = { "has_vlan 0 with a VLAN item", 0, T_ATTR,
	    { IT(ETH, SPEC(eth, .has_vlan = 0), SPEC(eth, .has_vlan = 1)), IT(VLAN, NULL, NULL) },
	    { AC(DROP, NULL) } }, .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ITEM, .cause = CI(0) },
	{ .r = { "TCP after IPv4 proto 17", 0, T_ATTR, { ETH_ANY,
	    IT(IPV4, SPEC(ipv4, .hdr.next_proto_id = 17), SPEC(ipv4, .hdr.next_proto_id = 0xff)),
	    IT(TCP, NULL, NULL) }, { AC(DROP, NULL) } }, .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ITEM, .cause = CI(2) },
	{ .r = { "has_more_vlan on the second tag", 0, T_ATTR, { ETH_ANY, IT(VLAN, NULL, NULL),
	    IT(VLAN, SPEC(vlan, .has_more_vlan = 1), SPEC(vlan, .has_more_vlan = 1)) },
	    { AC(DROP, NULL) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ITEM_MASK, .cause = CI(2) },
	/* actions */
	{ .r = { "no fate", 0, T_ATTR, { BASE }, { AC(COUNT, NULL) } },
	  .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(1) },
	{ .r = { "QUEUE", 0, T_ATTR, { BASE }, { AC(QUEUE, CONF(queue, .index = 0)) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(0) },
	{ .r = { "MARK", 0, T_ATTR, { BASE }, { AC(MARK, CONF(mark, .id = 1)), AC(DROP, NULL) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(0) },
	{ .r = { "DROP, port", 0, T_ATTR, { BASE }, { AC(DROP, NULL), TO(2) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(1) },
	{ .r = { "port, DROP", 0, T_ATTR, { BASE }, { TO(2), AC(DROP, NULL) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(1) },
	{ .r = { "two JUMPs", 0, T_ATTR, { BASE }, { AC(JUMP, CONF(jump, .group = 1)),
	    AC(JUMP, CONF(jump, .group = 2)) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(1) },
	{ .r = { "JUMP backwards", 0, { .transfer = 1, .group = 2 }, { BASE },
	    { AC(JUMP, CONF(jump, .group = 1)) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION_CONF, .cause = CA(0) },
	{ .r = { "JUMP beyond max-table-level", 0, T_ATTR, { BASE },
	    { AC(JUMP, CONF(jump, .group = 8)) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION_CONF, .cause = CA(0) },
	{ .r = { "JUMP without conf", 0, T_ATTR, { BASE }, { AC(JUMP, NULL) } },
	  .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ACTION_CONF, .cause = CA(0) },
	{ .r = { "SET_MAC_DST after a port", 0, T_ATTR, { BASE },
	    { TO(2), AC(SET_MAC_DST, CONF(set_mac, .mac_addr = MAC_VF1)), TO(3) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(1) },
	{ .r = { "SET_IPV4_SRC after VXLAN_ENCAP", 0, T_ATTR, { BASE },
	    { AC(VXLAN_ENCAP, &vx_encap), AC(SET_IPV4_SRC, CONF(set_ipv4, .ipv4_addr = 1)),
	      TO(0) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(1) },
	{ .r = { "JUMP after VXLAN_ENCAP", 0, T_ATTR, { BASE },
	    { AC(VXLAN_ENCAP, &vx_encap), TO(0), AC(JUMP, CONF(jump, .group = 1)) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(2) },
	{ .r = { "VXLAN_ENCAP over IPv6", 0, T_ATTR, { BASE }, { ENCAP_DEF(vx_def_v6), TO(0) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION_CONF, .cause = CA(0) },
	{ .r = { "VXLAN_ENCAP UDP source port", 0, T_ATTR, { BASE },
	    { ENCAP_DEF(vx_def_sport), TO(0) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION_CONF, .cause = CA(0) },
	{ .r = { "VXLAN_ENCAP multicast MAC", 0, T_ATTR, { BASE },
	    { ENCAP_DEF(vx_def_mcast), TO(0) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION_CONF, .cause = CA(0) },
	{ .r = { "VXLAN_ENCAP without UDP", 0, T_ATTR, { BASE },
	    { ENCAP_DEF(vx_def_noudp), TO(0) } }, .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ACTION_CONF, .cause = CA(0) },
	{ .r = { "VXLAN_ENCAP, no port after it", 0, T_ATTR, { BASE },
	    { TO(0), AC(VXLAN_ENCAP, &vx_encap) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(1) },
	{ .r = { "two encaps", 0, T_ATTR, { BASE },
	    { AC(VXLAN_ENCAP, &vx_encap), AC(RAW_ENCAP, &raw_encap), TO(0) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(1) },
	{ .r = { "VXLAN_DECAP without VXLAN", 0, T_ATTR, { BASE }, { AC(VXLAN_DECAP, NULL), TO(2) } },
	  .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(0) },
	{ .r = { "VXLAN_DECAP after SET_TTL", 0, T_ATTR, { DECAP_PAT },
	    { TTL9, AC(VXLAN_DECAP, NULL), TO(2) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(1) },
	{ .r = { "VXLAN_DECAP over IPv6", 0, T_ATTR, { ETH_ANY, IT(IPV6, NULL, NULL),
	    IT(UDP, NULL, NULL), IT(VXLAN, NULL, NULL) }, { AC(VXLAN_DECAP, NULL), TO(2) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(0) },
	{ .r = { "OF_POP_VLAN without a VLAN item", 0, T_ATTR, { BASE },
	    { AC(OF_POP_VLAN, NULL), TO(2) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(0) },
	{ .r = { "OF_POP_VLAN after OF_PUSH_VLAN", 0, T_ATTR, { BASE_VLAN },
	    { AC(OF_PUSH_VLAN, CONF(of_push_vlan, .ethertype = RTE_BE16(0x8100))),
	      AC(OF_SET_VLAN_VID, CONF(of_set_vlan_vid, .vlan_vid = RTE_BE16(3))),
	      AC(OF_POP_VLAN, NULL), TO(2) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(2) },
	{ .r = { "OF_PUSH_VLAN TPID 0x9100", 0, T_ATTR, { BASE },
	    { AC(OF_PUSH_VLAN, CONF(of_push_vlan, .ethertype = RTE_BE16(0x9100))), TO(2) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION_CONF, .cause = CA(0) },
	{ .r = { "OF_PUSH_VLAN without a VID", 0, T_ATTR, { BASE },
	    { AC(OF_PUSH_VLAN, CONF(of_push_vlan, .ethertype = RTE_BE16(0x8100))), TO(2) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(0) },
	{ .r = { "OF_SET_VLAN_VID 4096", 0, T_ATTR, { BASE_VLAN },
	    { AC(OF_SET_VLAN_VID, CONF(of_set_vlan_vid, .vlan_vid = RTE_BE16(4096))), TO(2) } },
	  .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ACTION_CONF, .cause = CA(0) },
	{ .r = { "OF_SET_VLAN_PCP 8", 0, T_ATTR, { BASE_VLAN },
	    { AC(OF_SET_VLAN_PCP, CONF(of_set_vlan_pcp, .vlan_pcp = 8)), TO(2) } },
	  .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ACTION_CONF, .cause = CA(0) },
	{ .r = { "SET_IPV4_DST without IPV4", 0, T_ATTR, { PORT_IT(1), ETH_ANY },
	    { AC(SET_IPV4_DST, CONF(set_ipv4, .ipv4_addr = 1)), TO(2) } },
	  .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(0) },
	{ .r = { "SET_TP_SRC without TCP/UDP", 0, T_ATTR, { PORT_IT(1), ETH_ANY, IT(IPV4, NULL, NULL) },
	    { AC(SET_TP_SRC, CONF(set_tp, .port = 1)), TO(2) } },
	  .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(0) },
	{ .r = { "SET_TTL without IP", 0, T_ATTR, { PORT_IT(1), ETH_ANY }, { TTL9, TO(2) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(0) },
	{ .r = { "SET_MAC_SRC without conf", 0, T_ATTR, { BASE }, { AC(SET_MAC_SRC, NULL), TO(2) } },
	  .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ACTION_CONF, .cause = CA(0) },
	{ .r = { "17 header rewrites", 0, T_ATTR, { BASE },
	    { TTL9x4, TTL9x4, TTL9x4, TTL9x4, TTL9, TO(2) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(16) },
	{ .r = { "9 destinations", 0, T_ATTR, { BASE },
	    { TO(1), TO(2), TO(3), TO(4), TO(0), TO(1), TO(2), TO(3), TO(4) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(8) },
	{ .r = { "port of another NIC", 0, T_ATTR, { BASE }, { TO(9) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION_CONF, .cause = CA(0) },
	{ .r = { "port action without transfer", 1, { .ingress = 1 }, { ETH_ANY }, { TO(2) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(0) },
	{ .r = { "PORT_ID original", 0, T_ATTR, { BASE },
	    { AC(PORT_ID, CONF(port_id, .original = 1, .id = 2)) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION_CONF, .cause = CA(0) },
	{ .r = { "two COUNTs", 0, T_ATTR, { BASE }, { AC(COUNT, NULL), AC(COUNT, NULL),
	    AC(DROP, NULL) } }, .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION, .cause = CA(1) },
	{ .r = { "RAW_ENCAP of an L2 header", 0, T_ATTR, { BASE },
	    { AC(RAW_ENCAP, CONF(raw_encap, .data = raw_tmpl, .size = 14)), TO(0) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION_CONF, .cause = CA(0) },
	{ .r = { "RAW_ENCAP with preserve", 0, T_ATTR, { BASE },
	    { AC(RAW_ENCAP, CONF(raw_encap, .data = raw_tmpl, .preserve = raw_tmpl,
				 .size = 50)), TO(0) } },
	  .err = ENOTSUP, .type = RTE_FLOW_ERROR_TYPE_ACTION_CONF, .cause = CA(0) },
	{ .r = { "RAW_DECAP of 20 bytes", 0, T_ATTR, { DECAP_PAT },
	    { AC(RAW_DECAP, CONF(raw_decap, .size = 20)), TO(2) } },
	  .err = EINVAL, .type = RTE_FLOW_ERROR_TYPE_ACTION_CONF, .cause = CA(0) },
};

static const char *errno_name(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case ENOTSUP: return "ENOTSUP";
	case ENOSPC: return "ENOSPC";
	case EEXIST: return "EEXIST";
	default: return "E?";
	}
}

static const char *type_name(int t)
{
	static const char *n[] = {
		"NONE", "UNSPECIFIED", "HANDLE", "ATTR_GROUP", "ATTR_PRIORITY",
		"ATTR_INGRESS", "ATTR_EGRESS", "ATTR_TRANSFER", "ATTR", "ITEM_NUM",
		"ITEM_SPEC", "ITEM_LAST", "ITEM_MASK", "ITEM", "ACTION_NUM",
		"ACTION_CONF", "ACTION", "STATE",
	};
	return t >= 0 && t < (int)RTE_DIM(n) ? n[t] : "?";
}

static const void *cause_of(const struct refuse *c)
{
	if (c->cause == C_NULL)
		return NULL;
	if (c->cause == C_ATTR)
		return &c->r.attr;
	if (c->cause < 100)
		return &c->r.pat[c->cause];
	return &c->r.act[c->cause - 100];
}

/* Both validate and create refuse r as expected; nothing changes. */
static void refused(const char *name, uint16_t port, const struct rte_flow_attr *attr,
		    const struct rte_flow_item *pat, const struct rte_flow_action *act,
		    int err, enum rte_flow_error_type type, const void *cause, bool print)
{
	struct snic_flow_usage u0 = usage();
	struct rte_flow_error e = { 0 }, e2 = { 0 };
	struct snic_flow *f;
	int rc;

	rc = snic_flow_validate(ctx, port, attr, pat, act, &e);
	SNIC_CHECK(rc == -err && e.type == type && e.cause == cause && e.message &&
		   e.message[0], "%s: validate: got %d %s cause %p (%s), want %d %s "
		   "cause %p", name, rc, type_name(e.type), e.cause,
		   e.message ? e.message : "no message", -err, type_name(type), cause);
	rte_errno = 0;
	f = snic_flow_create(ctx, port, attr, pat, act, &e2);
	SNIC_CHECK(f == NULL && rte_errno == err && e2.type == type && e2.cause == cause &&
		   e2.message && !strcmp(e2.message, e.message ? e.message : ""),
		   "%s: create refuses as validate did (rte_errno %d, %s)", name,
		   rte_errno, e2.message ? e2.message : "no message");
	SNIC_CHECK(usage_eq(usage(), u0), "%s: nothing left behind", name);
	if (print)
		printf("  %-36s %-7s %-13s %s\n", name, errno_name(err), type_name(type),
		       e.message ? e.message : "");
}

static void test_refuse(void)
{
	const struct rte_flow_item pat[] = { PORT_IT(1), { 0 } };
	const struct rte_flow_action act[] = { AC(DROP, NULL), { 0 } };
	unsigned n[3] = { 0 };

	printf("refusals (errno, error type, message):\n");
	for (size_t i = 0; i < RTE_DIM(refusals); i++) {
		const struct refuse *c = &refusals[i];

		refused(c->r.name, c->r.port, &c->r.attr, c->r.pat, c->r.act, c->err,
			c->type, cause_of(c), true);
		n[c->cause >= 100 ? 2 : c->cause >= 0 ? 1 : 0]++;
	}
	refused("no attributes", 0, NULL, pat, act, EINVAL, RTE_FLOW_ERROR_TYPE_ATTR,
		NULL, true);
	refused("no pattern", 0, &(struct rte_flow_attr)T_ATTR, NULL, act, EINVAL,
		RTE_FLOW_ERROR_TYPE_ITEM_NUM, NULL, true);
	refused("no actions", 0, &(struct rte_flow_attr)T_ATTR, pat, NULL, EINVAL,
		RTE_FLOW_ERROR_TYPE_ACTION_NUM, NULL, true);
	n[0] += 3;
	printf("validation matrix: %zu refusals (%u attribute/other, %u item, %u action)\n",
	       RTE_DIM(refusals) + 3, n[0], n[1], n[2]);
}

/* ---- 4. sharing, per-rule objects, duplicates, rollback ---- */

static struct snic_flow_fw_ids ids_of(struct snic_flow *f)
{
	struct snic_flow_fw_ids ids;

	snic_flow_get_fw_ids(f, &ids);
	return ids;
}

static void test_share(void)
{
	const struct rule a = { "A: dst 10.1.0.1", 0, T_ATTR,
		{ PORT_IT(1), ETH_ANY, IPV4_DST(IP4(10, 1, 0, 1)) }, { AC(COUNT, NULL), TO(2) } };
	const struct rule b = { "B: dst 10.1.0.2 (same mask)", 0, T_ATTR,
		{ PORT_IT(1), ETH_ANY, IPV4_DST(IP4(10, 1, 0, 2)) }, { AC(COUNT, NULL), TO(2) } };
	const struct rule c = { "C: src (another mask)", 0, T_ATTR,
		{ PORT_IT(1), ETH_ANY, IT(IPV4, SPEC(ipv4, .hdr.src_addr = IP4(10, 1, 0, 3)),
					  SPEC(ipv4, .hdr.src_addr = RTE_BE32(0xffffffff))) },
		{ TO(2) } };
	const struct rule ea = { "encap A", 0, T_ATTR,
		{ PORT_IT(1), ETH_ANY, IPV4_DST(IP4(10, 2, 0, 1)) },
		{ AC(VXLAN_ENCAP, &vx_encap), TO(0) } };
	const struct rule eb = { "encap B (same header, RAW_ENCAP)", 0, T_ATTR,
		{ PORT_IT(1), ETH_ANY, IPV4_DST(IP4(10, 2, 0, 2)) },
		{ AC(RAW_ENCAP, &raw_encap), TO(2), TO(0) } };
	const struct rule ec = { "encap C (VNI 778)", 0, T_ATTR,
		{ PORT_IT(1), ETH_ANY, IPV4_DST(IP4(10, 2, 0, 3)) },
		{ AC(VXLAN_ENCAP, CONF(vxlan_encap, .definition = (struct rte_flow_item[]){
			VXD_ETH, VXD_IP, VXD_UDP,
			IT(VXLAN, SPEC(vxlan, .vni = { 0, 0x03, 0x0a }), NULL),
			{ .type = RTE_FLOW_ITEM_TYPE_END } })), TO(0) } };
	const struct rule jmp = { "jump to group 5", 0, T_ATTR,
		{ PORT_IT(2) }, { AC(JUMP, CONF(jump, .group = 5)) } };
	const struct rule in5 = { "a rule in group 5", 0, { .transfer = 1, .group = 5 },
		{ ETH_ANY }, { AC(DROP, NULL) } };
	struct snic_flow_usage u0 = usage(), u;
	struct snic_ifc_query_group_out gq;
	struct snic_ifc_query_table_out tq;
	struct rte_flow_error e = { 0 };
	struct snic_flow *fa, *fb, *fc, *f5;
	struct snic_flow_fw_ids ia, ib, ic, i5;
	int rc;

	/* groups: one per distinct mask, freed with the last rule */
	fa = must(&a);
	fb = must(&b);
	fc = must(&c);
	ia = ids_of(fa);
	ib = ids_of(fb);
	ic = ids_of(fc);
	SNIC_CHECK(ia.group == ib.group && ia.group != ic.group,
		   "rules with the same mask share a flow group; another mask gets its own");
	SNIC_CHECK(query_group(ia.group, &gq) == SNIC_SYN_OK &&
		   snic_ifc_le32(gq.n_entries) == 2, "the shared group holds 2 entries");
	SNIC_CHECK(usage().groups == u0.groups + 2, "2 groups in use");
	SNIC_CHECK(ia.counter != SNIC_FLOW_NO_ID && ib.counter != SNIC_FLOW_NO_ID &&
		   ia.counter != ib.counter, "each COUNT rule has its own counter");
	destroy(fc);
	SNIC_CHECK(query_group(ic.group, &gq) == SNIC_SYN_GROUP_NOT_FOUND,
		   "C's group is destroyed with its only rule");
	destroy(fa);
	SNIC_CHECK(query_group(ib.group, &gq) == SNIC_SYN_OK &&
		   snic_ifc_le32(gq.n_entries) == 1, "the shared group stays for B");
	destroy(fb);
	SNIC_CHECK(query_group(ib.group, &gq) == SNIC_SYN_GROUP_NOT_FOUND,
		   "and goes with B");
	SNIC_CHECK(usage_eq(usage(), u0), "groups and counters all released");

	/* encap headers: identical ones share a context, whatever the action */
	fa = must(&ea);
	fb = must(&eb);
	fc = must(&ec);
	ia = ids_of(fa);
	ib = ids_of(fb);
	ic = ids_of(fc);
	SNIC_CHECK(ia.reformat == ib.reformat && ia.reformat != ic.reformat,
		   "VXLAN_ENCAP and RAW_ENCAP of the same header share a reformat "
		   "context; another VNI gets its own");
	SNIC_CHECK_EQ(usage().reformats, u0.reformats + 2, "2 encap contexts");
	destroy(fa);
	SNIC_CHECK_EQ(usage().reformats, u0.reformats + 2, "the shared one stays for B");
	destroy(fb);
	SNIC_CHECK_EQ(usage().reformats, u0.reformats + 1, "and goes with B");
	destroy(fc);
	SNIC_CHECK(usage_eq(usage(), u0), "encap contexts all released");

	/* tables: created for a JUMP target, kept while used */
	fa = must(&jmp);
	ia = ids_of(fa);
	SNIC_CHECK(usage().tables == u0.tables + 1 &&
		   snic_fwc_query_table(&nic.pf, ia.goto_table, &tq) == SNIC_SYN_OK &&
		   snic_ifc_le32(tq.level) == 5, "a JUMP to group 5 creates its table (level 5)");
	f5 = must(&in5);
	i5 = ids_of(f5);
	SNIC_CHECK(i5.table == ia.goto_table && usage().tables == u0.tables + 1,
		   "a rule in group 5 uses that table");
	destroy(fa);
	SNIC_CHECK(snic_fwc_query_table(&nic.pf, i5.table, &tq) == SNIC_SYN_OK,
		   "the table stays while a rule is in it");
	destroy(f5);
	SNIC_CHECK(snic_fwc_query_table(&nic.pf, i5.table, &tq) == SNIC_SYN_TABLE_NOT_FOUND &&
		   usage_eq(usage(), u0), "and goes with its last rule");

	/* duplicates */
	fa = must(&a);
	rc = snic_flow_validate(ctx, a.port, &a.attr, a.pat, a.act, &e);
	SNIC_CHECK(rc == -EEXIST && e.type == RTE_FLOW_ERROR_TYPE_HANDLE && e.cause == fa &&
		   e.message, "the same rule again: EEXIST naming the existing rule (%s)",
		   e.message);
	SNIC_CHECK(create(&a, &e) == NULL && rte_errno == EEXIST, "create: EEXIST too");
	{
		struct rule a2 = a;

		a2.attr.priority = 1;
		fb = must(&a2);
		destroy(fb);
	}
	destroy(fa);
	u = usage();
	SNIC_CHECK(usage_eq(u, u0), "duplicates left nothing behind");
}

/* The firmware refuses half-way (someone else took its counters or encap
 * contexts): everything the create made so far is undone. */
static void test_rollback(void)
{
	const struct rule cnt = { "COUNT in group 3", 0, { .transfer = 1, .group = 3 },
		{ PORT_IT(1), ETH_ANY }, { AC(COUNT, NULL), AC(DROP, NULL) } };
	const struct rule enc = { "encap in group 4", 0, { .transfer = 1, .group = 4 },
		{ PORT_IT(1), ETH_ANY }, { AC(VXLAN_ENCAP, &vx_encap), TO(0) } };
	const struct snic_flow_caps *caps = snic_flow_get_caps(ctx);
	struct snic_flow_usage u0 = usage();
	struct rte_flow_error e = { 0 };
	uint32_t bases[256], refs[256], n = 0, nr = 0, t0 = fw_tables();

	/* take every counter (the firmware's free space may be fragmented) */
	for (uint32_t k = 256; k && n < RTE_DIM(bases);)
		if (snic_fwc_alloc_counters(&nic.pf, k, &bases[n]) == SNIC_SYN_OK)
			n++;
		else
			k /= 2;
	SNIC_CHECK(snic_flow_validate(ctx, 0, &cnt.attr, cnt.pat, cnt.act, &e) == 0,
		   "validate cannot know another owner took the counters");
	SNIC_CHECK(create(&cnt, &e) == NULL && rte_errno == ENOSPC &&
		   e.type == RTE_FLOW_ERROR_TYPE_ACTION && e.cause == &cnt.act[0] &&
		   strstr(e.message, "max-counters"), "the firmware's refusal: ENOSPC (%s)",
		   e.message);
	SNIC_CHECK(usage_eq(usage(), u0) && fw_tables() == t0,
		   "group 3's new table and flow group were undone");
	for (uint32_t i = 0; i < n; i++)
		SNIC_OK(&nic.pf, snic_fwc_dealloc_counters(&nic.pf, bases[i]));

	for (; nr < caps->max_encap && nr < RTE_DIM(refs); nr++) {
		uint8_t t[SNIC_REFORMAT_VXLAN_LEN];

		snic_fwc_vxlan_template(t, ext_mac, vf_mac[0], 1, 2, 4789, 5000 + nr);
		SNIC_OK(&nic.pf, snic_fwc_alloc_reformat(&nic.pf, SNIC_REFORMAT_VXLAN_ENCAP,
							 t, sizeof(t), &refs[nr]));
	}
	SNIC_CHECK(create(&enc, &e) == NULL && rte_errno == ENOSPC &&
		   e.cause == &enc.act[0] && strstr(e.message, "max-encap"),
		   "encap contexts taken: ENOSPC (%s)", e.message);
	SNIC_CHECK(usage_eq(usage(), u0) && fw_tables() == t0,
		   "group 4's new table and flow group were undone");
	for (uint32_t i = 0; i < nr; i++)
		SNIC_OK(&nic.pf, snic_fwc_dealloc_reformat(&nic.pf, refs[i]));
	{
		struct snic_flow *f = must(&cnt);

		destroy(f);
		f = must(&enc);
		destroy(f);
	}
	SNIC_CHECK(usage_eq(usage(), u0), "after the others let go, both rules work");
}

/* ---- 5. capacity ---- */

static void test_capacity(void)
{
	const uint32_t max = snic_flow_get_caps(ctx)->max_entries;
	const struct rte_flow_attr attr = T_ATTR;
	const struct rte_flow_action act[] = { AC(DROP, NULL), { 0 } };
	struct rte_flow_item_ipv4 spec = { 0 }, mask = { 0 };
	struct rte_flow_item pat[] = { ETH_ANY, IT(IPV4, &spec, &mask), { 0 } };
	struct snic_flow_usage u0 = usage();
	struct rte_flow_error e = { 0 };
	struct snic_flow **flows = calloc(max, sizeof(*flows));
	uint32_t made = 0;
	int rc;

	SNIC_REQUIRE(flows && u0.flows == 0, "start empty");
	mask.hdr.dst_addr = RTE_BE32(0xffffffff);
	for (; made < max; made++) {
		spec.hdr.dst_addr = rte_cpu_to_be_32(0x0a000000u + made);
		flows[made] = snic_flow_create(ctx, 0, &attr, pat, act, &e);
		if (!flows[made])
			break;
	}
	SNIC_CHECK_EQ(made, max, "rules created up to max-entries");
	if (made < max)
		printf("create %u failed: %s\n", made, e.message);
	spec.hdr.dst_addr = rte_cpu_to_be_32(0x0b000000u);
	rc = snic_flow_validate(ctx, 0, &attr, pat, act, &e);
	SNIC_CHECK(rc == -ENOSPC && e.message && strstr(e.message, "max-entries"),
		   "validate at capacity: ENOSPC (%s)", e.message);
	rte_errno = 0;
	SNIC_CHECK(snic_flow_create(ctx, 0, &attr, pat, act, &e) == NULL &&
		   rte_errno == ENOSPC && e.type == RTE_FLOW_ERROR_TYPE_UNSPECIFIED &&
		   strstr(e.message, "max-entries") && strstr(e.message, "4096"),
		   "create #%u: ENOSPC naming the limit", max + 1);
	printf("capacity: %u rules; the next: %s\n", made, e.message);
	if (made == max) {
		destroy(flows[max / 2]);
		flows[max / 2] = snic_flow_create(ctx, 0, &attr, pat, act, &e);
		SNIC_CHECK(flows[max / 2] != NULL, "after one destroy, a create works (%s)",
			   flows[max / 2] ? "" : e.message);
	}
	SNIC_CHECK(snic_flow_flush(ctx, &e) == 0, "flush");
	SNIC_CHECK(usage_eq(usage(), u0), "flush released everything");
	free(flows);
}

/* ---- the context ---- */

static void test_ctx(void)
{
	static const struct snic_flow_port bad[] = {
		{ .port_id = 0, .vport = UP, .is_proxy = true }, { .port_id = 1, .vport = VF(7) },
	};
	struct snic_flow_ctx *c2 = NULL;
	struct snic_fwc pf2;
	char err[256];
	uint16_t proxy = 99;
	uint32_t mode = 9;
	int rc;

	SNIC_CHECK(snic_fwc_query_esw_mode(&nic.pf, &mode) == SNIC_SYN_OK &&
		   mode == SNIC_ESW_SWITCHDEV, "the e-switch is in switchdev");
	SNIC_CHECK(usage().tables == 1 && fw_tables() == 1, "the root table exists");
	SNIC_CHECK(snic_flow_transfer_proxy(ctx, &proxy) == 0 && proxy == 0,
		   "the transfer proxy is port 0");
	snic_fwc_init_direct(&pf2, nic.fw, SNIC_IFC_FUNC_PF);
	rc = snic_flow_ctx_create(&c2, &pf2, ports, RTE_DIM(ports), SNIC_FLOW_RECOVER_REFUSE, err, sizeof(err));
	SNIC_CHECK(rc == -EBUSY && !c2 && strstr(err, "root flow table"),
		   "a second owner is refused: %s", err);
	rc = snic_flow_ctx_create(&c2, &pf2, bad, RTE_DIM(bad), SNIC_FLOW_RECOVER_REFUSE, err, sizeof(err));
	SNIC_CHECK(rc == -EINVAL && !c2 && strstr(err, "vf7"), "a port of a VF the board "
		   "lacks is refused: %s", err);
}

int main(void)
{
	char err[256];
	uint32_t max_tables;
	int rc;

	snic_test_nic_boot(&nic, SNIC_SMALL_BOARD);
	make_raw_tmpl();
	rc = snic_flow_ctx_create(&ctx, &nic.pf, ports, RTE_DIM(ports), SNIC_FLOW_RECOVER_REFUSE, err, sizeof(err));
	SNIC_REQUIRE(rc == 0, "ctx: %s", err);
	max_tables = snic_flow_get_caps(ctx)->max_tables;
	test_ctx();
	test_accept();
	test_frames_basic();
	test_frames_tunnels();
	test_frames_rewrites();
	test_refuse();
	test_share();
	test_rollback();
	test_capacity();
	snic_flow_ctx_destroy(ctx);
	{
		struct snic_ifc_query_table_out q;
		unsigned n = 0;

		for (uint32_t i = 0; i < max_tables; i++)
			n += snic_fwc_query_table(&nic.pf, i, &q) == SNIC_SYN_OK;
		SNIC_CHECK(n == 0, "after ctx_destroy no flow table is left (%u)", n);
	}
	snic_test_nic_down(&nic);
	return snic_test_done();
}
