/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_flow_lib.h - what the host-driver/flow tests share: the small test
 * board's ports, rule building blocks (items, actions, the VXLAN header
 * every encap uses), and the context under test.  Included by one test
 * program each (the statics are per program).
 */
#ifndef TEST_FLOW_LIB_H
#define TEST_FLOW_LIB_H

#include <arpa/inet.h>
#include <errno.h>

#include <rte_errno.h>

#include "pkt_frames.h"
#include "snic_flow.h"
#include "snic_test_fw.h"

#define VF(n) SNIC_IFC_VPORT_VF(n)
#define UP    SNIC_IFC_VPORT_UPLINK(0)

static struct snic_test_nic nic;
static struct snic_flow_ctx *ctx;

static const struct snic_flow_port ports[] = {
	{ .port_id = 0, .vport = UP, .is_proxy = true },
	{ .port_id = 1, .vport = VF(0) }, { .port_id = 2, .vport = VF(1) },
	{ .port_id = 3, .vport = VF(2) }, { .port_id = 4, .vport = VF(3) },
};

#define MAC_VF1 { 0x02, 0xaa, 0, 0, 0x10, 1 }
static const uint8_t vf_mac[4][6] = {
	{ 0x02, 0xaa, 0, 0, 0x10, 0 }, MAC_VF1,
	{ 0x02, 0xaa, 0, 0, 0x10, 2 }, { 0x02, 0xaa, 0, 0, 0x10, 3 },
};
static const uint8_t ext_mac[6] = { 0x02, 0xee, 0, 0, 0, 1 };
#define FF6 { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }

/* ---- rule building blocks ---- */

#define IT(t, s, m) { .type = RTE_FLOW_ITEM_TYPE_##t, .spec = (s), .mask = (m) }
#define ITL(t, s, l, m) { .type = RTE_FLOW_ITEM_TYPE_##t, .spec = (s), .last = (l), .mask = (m) }
#define AC(t, c) { .type = RTE_FLOW_ACTION_TYPE_##t, .conf = (c) }
#define SPEC(T, ...) (&(const struct rte_flow_item_##T){ __VA_ARGS__ })
#define CONF(T, ...) (&(const struct rte_flow_action_##T){ __VA_ARGS__ })
#define PORT_IT(p) IT(REPRESENTED_PORT, SPEC(ethdev, .port_id = (p)), NULL)
#define TO(p) AC(REPRESENTED_PORT, CONF(ethdev, .port_id = (p)))
#define IP4(a, b, c, d) RTE_BE32((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
				(uint32_t)(c) << 8 | (uint32_t)(d))
#define ETH_ANY IT(ETH, NULL, NULL)
#define IPV4_DST(a) IT(IPV4, SPEC(ipv4, .hdr.dst_addr = (a)), \
			SPEC(ipv4, .hdr.dst_addr = RTE_BE32(0xffffffff)))
#define UDP_DST(p) IT(UDP, SPEC(udp, .hdr.dst_port = RTE_BE16(p)), \
		      SPEC(udp, .hdr.dst_port = RTE_BE16(0xffff)))
#define T_ATTR { .transfer = 1 }

struct rule {
	const char *name;
	uint16_t port;
	struct rte_flow_attr attr;
	struct rte_flow_item pat[12];
	struct rte_flow_action act[20];
};

/* The outer tunnel every encap in this test uses: 192.0.2.1 -> .2, VNI 777 */
#define VXD_ETH IT(ETH, SPEC(eth, .hdr.dst_addr.addr_bytes = { 0x02, 0xee, 0, 0, 0, 1 }, \
			  .hdr.src_addr.addr_bytes = { 0x02, 0xaa, 0, 0, 1, 0 }), NULL)
#define VXD_IP IT(IPV4, SPEC(ipv4, .hdr.src_addr = IP4(192, 0, 2, 1), \
			   .hdr.dst_addr = IP4(192, 0, 2, 2), .hdr.time_to_live = 64, \
			   .hdr.fragment_offset = RTE_BE16(0x4000)), NULL)
#define VXD_UDP IT(UDP, SPEC(udp, .hdr.dst_port = RTE_BE16(4789)), NULL)
#define VXD_VX IT(VXLAN, SPEC(vxlan, .vni = { 0, 0x03, 0x09 }), NULL)
#define VXD_END { .type = RTE_FLOW_ITEM_TYPE_END }
static const struct rte_flow_item vx_def[] = { VXD_ETH, VXD_IP, VXD_UDP, VXD_VX, VXD_END };
static const struct rte_flow_action_vxlan_encap vx_encap = {
	.definition = (struct rte_flow_item *)(uintptr_t)vx_def,
};
static uint8_t raw_tmpl[SNIC_REFORMAT_VXLAN_LEN];    /* same header, raw */
static const struct rte_flow_action_raw_encap raw_encap = {
	.data = raw_tmpl, .size = sizeof(raw_tmpl),
};
static const struct rte_flow_action_raw_decap raw_decap = { .size = 50 };

static inline void make_raw_tmpl(void)
{
	static const uint8_t up_mac[6] = { 0x02, 0xaa, 0, 0, 1, 0 };

	snic_fwc_vxlan_template(raw_tmpl, ext_mac, up_mac, 0xc0000201, 0xc0000202,
				4789, 777);
}

static inline struct snic_flow *create(const struct rule *r, struct rte_flow_error *e)
{
	return snic_flow_create(ctx, r->port, &r->attr, r->pat, r->act, e);
}

static inline struct snic_flow_usage usage(void)
{
	struct snic_flow_usage u;

	snic_flow_get_usage(ctx, &u);
	return u;
}

static inline bool usage_eq(struct snic_flow_usage a, struct snic_flow_usage b)
{
	return !memcmp(&a, &b, sizeof(a));
}

/* UDP/IPv4 10.0.0.1 -> dst:1111 -> dport, optionally tagged */
static inline void udp_frame(struct tf *t, const uint8_t *dmac, const uint8_t *smac,
		      uint32_t dst, uint16_t dport, uint8_t ttl, int vid)
{
	struct tf_ip4 ip = { .proto = 17, .ttl = ttl, .src = 0x0a000001, .dst = dst };

	tf_init(t);
	tf_payload(t, 40, 7);
	tf_udp(t, 1111, dport);
	tf_ipv4(t, &ip);
	if (vid >= 0) {
		uint16_t tag[1][2] = { { 0x8100, (uint16_t)vid } };
		tf_eth_tags(t, dmac, smac, 0x0800, 1, tag);
	} else {
		tf_eth(t, dmac, smac, 0x0800);
	}
}

static inline struct snic_flow *must(const struct rule *r)
{
	struct rte_flow_error e = { 0 };
	struct snic_flow *f = create(r, &e);

	SNIC_REQUIRE(f != NULL, "%s: create: %s", r->name, e.message ? e.message : "?");
	return f;
}

static inline void destroy(struct snic_flow *f)
{
	struct rte_flow_error e = { 0 };

	SNIC_CHECK(snic_flow_destroy(ctx, f, &e) == 0, "destroy: %s",
		   e.message ? e.message : "?");
}

static inline bool same(const struct snic_fw_memhal_frame *f, struct tf *t)
{
	return f && f->len == t->len && !memcmp(f->data, tf_data(t), t->len);
}

#endif /* TEST_FLOW_LIB_H */
