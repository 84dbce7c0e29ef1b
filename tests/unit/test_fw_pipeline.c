/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fw_pipeline.c - what the firmware does to frames: legacy forwarding,
 * the exception path, VF policy (spoof check, VLAN insertion and strip, link
 * state, rate), every action (modify, VLAN push/pop, multi-destination with
 * per-destination encap, decap + goto on the tunnel id), miss behaviours,
 * counters, per-reason drops, capabilities and events.
 */
#include <arpa/inet.h>
#include <libfdt.h>

#include "pkt_frames.h"
#include "snic_test_fw.h"

static struct snic_test_nic nic;
#define PF   SNIC_IFC_VPORT_PF
#define VF(n) SNIC_IFC_VPORT_VF(n)
#define UP   SNIC_IFC_VPORT_UPLINK(0)

static const uint8_t vf_mac[4][6] = {
	{ 0x02, 0xaa, 0, 0, 0x10, 0 }, { 0x02, 0xaa, 0, 0, 0x10, 1 },
	{ 0x02, 0xaa, 0, 0, 0x10, 2 }, { 0x02, 0xaa, 0, 0, 0x10, 3 },
};
static const uint8_t ext_mac[6] = { 0x02, 0xee, 0, 0, 0, 1 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* A UDP/IPv4 frame with ttl; optional 802.1Q tag. */
static void udp_frame(struct tf *t, const uint8_t *dmac, const uint8_t *smac,
		      uint8_t ttl, int vid, uint32_t payload)
{
	struct tf_ip4 ip = { .proto = 17, .ttl = ttl, .src = 0x0a000001,
			     .dst = 0x0a000002 };

	tf_init(t);
	tf_payload(t, payload, 3);
	tf_udp(t, 1111, 2222);
	tf_ipv4(t, &ip);
	if (vid >= 0) {
		uint16_t tag[1][2] = { { 0x8100, (uint16_t)vid } };
		tf_eth_tags(t, dmac, smac, 0x0800, 1, tag);
	} else {
		tf_eth(t, dmac, smac, 0x0800);
	}
}

static struct snic_ifc_query_vport_out vport_q(uint16_t v)
{
	struct snic_ifc_query_vport_out q;

	SNIC_OK(&nic.pf, snic_fwc_query_vport(&nic.pf, v, &q));
	return q;
}

static void set_vport(uint16_t v, uint32_t fields, struct snic_ifc_vport_ctx x)
{
	SNIC_OK(&nic.pf, snic_fwc_modify_vport(&nic.pf, v, fields, &x));
}

/* ---- legacy ---- */

static void test_legacy(void)
{
	struct tf t;
	uint64_t before;

	SNIC_OK(&nic.pf, snic_fwc_set_esw_mode(&nic.pf, SNIC_ESW_LEGACY));
	udp_frame(&t, vf_mac[1], vf_mac[0], 64, -1, 20);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1 && snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(1)),
		   "legacy: VF0 -> VF1's MAC reaches VF1 only");
	udp_frame(&t, bcast, vf_mac[0], 64, -1, 20);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 5 && snic_test_out_to(&nic, SNIC_FW_TX_VPORT, PF) &&
		   snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(1)) && snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(3)) &&
		   snic_test_out_to(&nic, SNIC_FW_TX_VPORT, UP) && !snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(0)),
		   "legacy: broadcast floods to all but the source (%zu frames)",
		   nic.hal.n_frames);
	udp_frame(&t, ext_mac, vf_mac[2], 64, -1, 20);
	snic_test_rx(&nic, VF(2), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1 && snic_test_out_to(&nic, SNIC_FW_TX_VPORT, UP),
		   "legacy: unknown unicast from a VF goes to the wire");
	before = snic_test_drops(&nic, SNIC_DROP_LEGACY_NO_DEST);
	snic_test_rx(&nic, UP, tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 0 && snic_test_drops(&nic, SNIC_DROP_LEGACY_NO_DEST) == before + 1,
		   "legacy: unknown unicast from the wire is dropped and counted");
	SNIC_OK(&nic.pf, snic_fwc_set_esw_mode(&nic.pf, SNIC_ESW_SWITCHDEV));
}

/* ---- exception path and VF policy ---- */

static void test_vf_policy(void)
{
	struct snic_ifc_vport_ctx x = { 0 };
	struct tf t;
	const struct snic_fw_memhal_frame *f;

	/* no tables: everything goes to the source's representor */
	udp_frame(&t, ext_mac, vf_mac[0], 64, -1, 20);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	f = snic_test_out_to(&nic, SNIC_FW_TX_REP, VF(0));
	SNIC_CHECK(nic.hal.n_frames == 1 && f && f->len == t.len &&
		   !memcmp(f->data, tf_data(&t), t.len),
		   "no root table: the frame goes unchanged to VF0's representor");

	/* spoof check */
	x.spoofchk = 1;
	set_vport(VF(0), SNIC_VPORT_F_SPOOFCHK, x);
	udp_frame(&t, ext_mac, ext_mac, 64, -1, 20);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 0 && snic_ifc_le64(vport_q(VF(0)).stats.drop_spoof) == 1,
		   "spoof check drops a forged source MAC and counts it");
	udp_frame(&t, ext_mac, vf_mac[0], 64, -1, 20);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1, "spoof check passes the VF's own MAC");

	/* VLAN insertion (VST) on VF1: vlan 100, qos 5 */
	x.vlan = 100;
	x.qos = 5;
	set_vport(VF(1), SNIC_VPORT_F_VLAN, x);
	udp_frame(&t, ext_mac, vf_mac[1], 64, -1, 20);
	snic_test_rx(&nic, VF(1), tf_data(&t), t.len);
	f = snic_test_out_to(&nic, SNIC_FW_TX_REP, VF(1));
	SNIC_CHECK(f && f->len == t.len + 4 && f->data[12] == 0x81 && f->data[13] == 0 &&
		   (f->data[14] << 8 | f->data[15]) == (5 << 13 | 100) &&
		   !memcmp(f->data + 16, tf_data(&t) + 12, t.len - 12),
		   "VST: the VF's frame gets its tag (PCP 5, VID 100)");
	udp_frame(&t, ext_mac, vf_mac[1], 64, 7, 20);
	snic_test_rx(&nic, VF(1), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 0 && snic_ifc_le64(vport_q(VF(1)).stats.drop_vlan) == 1,
		   "VST: a tagged frame from the VF is dropped and counted");
	/* host -> VF1 on its representor: strip VID 100, drop others */
	udp_frame(&t, vf_mac[1], ext_mac, 64, 100, 20);
	snic_fw_memhal_clear(&nic.hal);
	snic_fw_rep_tx(nic.fw, VF(1), tf_data(&t), t.len);
	f = snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(1));
	SNIC_CHECK(f && f->len == t.len - 4 && f->data[12] == 0x08 &&
		   !memcmp(f->data, tf_data(&t), 12),
		   "VST: a frame of VLAN 100 reaches the VF untagged");
	udp_frame(&t, vf_mac[1], ext_mac, 64, 101, 20);
	snic_fw_memhal_clear(&nic.hal);
	snic_fw_rep_tx(nic.fw, VF(1), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 0 && snic_ifc_le64(vport_q(VF(1)).stats.drop_vlan) == 2,
		   "VST: a frame of another VLAN never reaches the VF");
	x.vlan = 0;
	x.qos = 0;
	set_vport(VF(1), SNIC_VPORT_F_VLAN, x);

	/* link state */
	size_t ev0 = nic.hal.n_events;
	x.link_state = SNIC_LINK_DOWN;
	set_vport(VF(2), SNIC_VPORT_F_LINK, x);
	SNIC_CHECK(!snic_fw_vport_link_up(nic.fw, VF(2)) && vport_q(VF(2)).link_up == 0,
		   "VF2 link down");
	bool link_ev = false;
	for (size_t i = ev0; i < nic.hal.n_events; i++)
		if (snic_ifc_le16(nic.hal.events[i].type) == SNIC_EVENT_PORT_LINK &&
		    snic_ifc_le16(nic.hal.events[i].vport) == VF(2) &&
		    nic.hal.events[i].value == 0)
			link_ev = true;
	SNIC_CHECK(link_ev, "a PORT_LINK down event for VF2 was posted");
	udp_frame(&t, ext_mac, vf_mac[2], 64, -1, 20);
	snic_test_rx(&nic, VF(2), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 0, "link down: VF2 sends nothing");
	snic_fw_memhal_clear(&nic.hal);
	snic_fw_rep_tx(nic.fw, VF(2), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 0 && snic_ifc_le64(vport_q(VF(2)).stats.drop_link) == 2,
		   "link down: nothing reaches VF2; both counted");
	x.link_state = SNIC_LINK_AUTO;
	set_vport(VF(2), SNIC_VPORT_F_LINK, x);
	snic_fw_set_uplink_link(nic.fw, 0, false);
	SNIC_CHECK(!snic_fw_vport_link_up(nic.fw, VF(2)) &&
		   !snic_fw_vport_link_up(nic.fw, UP), "auto: VF follows the uplink down");
	snic_fw_set_uplink_link(nic.fw, 0, true);
	SNIC_CHECK(snic_fw_vport_link_up(nic.fw, VF(2)), "auto: and back up");
	snic_test_rx(&nic, VF(2), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1, "link up again: VF2 sends");
}

static void test_rate(void)
{
	struct snic_ifc_vport_ctx x = { 0 };
	struct tf t;
	uint64_t sent = 0, passed = 0;

	/* VF3 limited to 100 Mbit/s, offered 200 Mbit/s for one simulated
	 * second in 1500-byte frames: 1 frame every 60 us */
	x.max_rate = 100;
	set_vport(VF(3), SNIC_VPORT_F_RATE, x);
	udp_frame(&t, ext_mac, vf_mac[3], 64, -1, 1458);
	SNIC_REQUIRE(t.len == 1500, "frame is 1500 bytes (%u)", t.len);
	nic.hal.keep_frames = false;
	uint64_t tx0 = nic.hal.tx_count;
	for (uint64_t ns = 0; ns < 1000000000ull; ns += 60000) {
		nic.hal.now = 5000000000ull + ns;
		snic_fw_rx(nic.fw, VF(3), tf_data(&t), t.len);
		sent++;
	}
	passed = nic.hal.tx_count - tx0;
	nic.hal.keep_frames = true;
	double mbps = (double)passed * 1500 * 8 / 1e6;
	printf("rate limit 100 Mbit/s: offered %.0f Mbit/s, passed %.1f Mbit/s\n",
	       (double)sent * 1500 * 8 / 1e6, mbps);
	SNIC_CHECK(mbps > 95 && mbps < 105, "max rate holds within 5%% (%.1f Mbit/s)", mbps);
	SNIC_CHECK(snic_ifc_le64(vport_q(VF(3)).stats.drop_rate) == sent - passed,
		   "every frame over the rate is counted");
	x.max_rate = 0;
	set_vport(VF(3), SNIC_VPORT_F_RATE, x);
}

/* ---- actions ---- */

static uint32_t root, t1, t2, g_src, g_t1, cnt;

static struct snic_ifc_actions fwd(unsigned n, const uint16_t *vports, const uint8_t *types)
{
	struct snic_ifc_actions a = { 0 };

	a.flags = SNIC_ACT_FWD;
	a.n_dests = (uint8_t)n;
	for (unsigned i = 0; i < n; i++) {
		a.dests[i].type = types ? types[i] : SNIC_DEST_VPORT;
		a.dests[i].vport = vports[i];
	}
	return a;
}

static uint32_t entry_from(uint16_t vport, uint32_t prio, struct snic_ifc_actions a)
{
	struct snic_ifc_match v = { 0 };
	uint32_t id;

	v.src_vport = htons(vport);
	SNIC_OK(&nic.pf, snic_fwc_create_entry(&nic.pf, g_src, prio, &v, &a, &id));
	return id;
}

static void test_actions(void)
{
	struct snic_fwc *c = &nic.pf;
	struct snic_ifc_match m = { 0 };
	struct snic_ifc_actions a;
	struct snic_ifc_modify_op_desc ops[3];
	struct tf t;
	const struct snic_fw_memhal_frame *f;
	uint32_t mod, e, ref;
	uint64_t pk[2], by[2];

	SNIC_OK(c, snic_fwc_create_table(c, 2, SNIC_MISS_DROP, 0, 0, &t2));
	SNIC_OK(c, snic_fwc_create_table(c, 1, SNIC_MISS_DEFAULT, 0, 0, &t1));
	SNIC_OK(c, snic_fwc_create_table(c, 0, SNIC_MISS_NEXT, 0, SNIC_TABLE_F_ROOT, &root));
	m.src_vport = 0xffff;
	SNIC_OK(c, snic_fwc_create_group(c, root, &m, &g_src));
	SNIC_OK(c, snic_fwc_alloc_counters(c, 2, &cnt));

	/* modify: set dmac, decrement TTL, set UDP dst port; to VF1 */
	snic_fwc_modify_op(&ops[0], SNIC_MOD_SET, SNIC_FIELD_DMAC, 0x02aa00001001ull);
	snic_fwc_modify_op(&ops[1], SNIC_MOD_ADD, SNIC_FIELD_IP_TTL, 0xff);
	snic_fwc_modify_op(&ops[2], SNIC_MOD_SET, SNIC_FIELD_TP_DST, 5353);
	SNIC_OK(c, snic_fwc_alloc_modify(c, ops, 3, &mod));
	uint16_t d1[1] = { VF(1) };
	a = fwd(1, d1, NULL);
	a.flags |= SNIC_ACT_MODIFY | SNIC_ACT_COUNT;
	a.modify = mod;
	a.counter = cnt;
	e = entry_from(VF(0), 5, a);
	udp_frame(&t, ext_mac, vf_mac[0], 64, -1, 30);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	f = snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(1));
	SNIC_CHECK(nic.hal.n_frames == 1 && f && f->len == t.len, "modify: one frame to VF1");
	if (f) {
		SNIC_CHECK_MEM(f->data, vf_mac[1], 6, "modify: dmac set");
		SNIC_CHECK_EQ(f->data[14 + 8], 63, "modify: TTL decremented");
		SNIC_CHECK_EQ(tf_get16(f->data + 14 + 20 + 2), 5353, "modify: UDP port set");
		SNIC_CHECK(ref_csums_ok(f->data, f->len), "modify: IPv4 and UDP checksums valid");
	}
	udp_frame(&t, ext_mac, vf_mac[0], 1, -1, 30);
	uint64_t exp = snic_test_drops(&nic, SNIC_DROP_TTL_EXPIRED);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 0 && snic_test_drops(&nic, SNIC_DROP_TTL_EXPIRED) == exp + 1,
		   "TTL 1 is dropped as expired and counted");
	SNIC_OK(c, snic_fwc_query_counters(c, cnt, 1, SNIC_COUNTERS_Q_CLEAR, pk, by));
	SNIC_CHECK(pk[0] == 2 && by[0] == 2ull * t.len, "counter: 2 packets, %llu bytes",
		   (unsigned long long)by[0]);
	SNIC_OK(c, snic_fwc_query_counters(c, cnt, 1, 0, pk, by));
	SNIC_CHECK(pk[0] == 0 && by[0] == 0, "counter cleared by the query");

	/* query the entry back: what was set is what is stored */
	struct snic_ifc_query_entry_out q;
	SNIC_OK(c, snic_fwc_query_entry(c, e, &q));
	SNIC_CHECK(snic_ifc_le32(q.priority) == 5 && snic_ifc_le32(q.group) == g_src &&
		   snic_ifc_le32(q.table) == root && q.value.src_vport == htons(VF(0)) &&
		   snic_ifc_le32(q.actions.modify) == mod && q.actions.n_dests == 1 &&
		   snic_ifc_le16(q.actions.dests[0].vport) == VF(1),
		   "QUERY_FLOW_ENTRY returns the entry as created");
	SNIC_OK(c, snic_fwc_destroy_entry(c, e));

	/* multi-destination: VF1 plain, uplink encapsulated, VF2's rep; push VLAN */
	uint8_t tmpl[SNIC_REFORMAT_VXLAN_LEN];
	snic_fwc_vxlan_template(tmpl, ext_mac, vf_mac[3], 0xc0000201, 0xc0000202, 4789, 777);
	SNIC_OK(c, snic_fwc_alloc_reformat(c, SNIC_REFORMAT_VXLAN_ENCAP, tmpl, sizeof(tmpl), &ref));
	uint16_t d3[3] = { VF(1), UP, VF(2) };
	uint8_t ty[3] = { SNIC_DEST_VPORT, SNIC_DEST_VPORT, SNIC_DEST_REP };
	a = fwd(3, d3, ty);
	a.dests[1].flags = SNIC_DEST_F_REFORMAT;
	a.dests[1].reformat = ref;
	a.flags |= SNIC_ACT_PUSH_VLAN;
	a.push_tpid = 0x8100;
	a.push_tci = 42;
	e = entry_from(VF(0), 5, a);
	udp_frame(&t, ext_mac, vf_mac[0], 64, -1, 30);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	SNIC_CHECK_EQ(nic.hal.n_frames, 3, "multi-destination: three frames");
	const struct snic_fw_memhal_frame *fa = snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(1));
	const struct snic_fw_memhal_frame *fb = snic_test_out_to(&nic, SNIC_FW_TX_VPORT, UP);
	const struct snic_fw_memhal_frame *fc = snic_test_out_to(&nic, SNIC_FW_TX_REP, VF(2));
	SNIC_CHECK(fa && fa->len == t.len + 4 && (fa->data[14] << 8 | fa->data[15]) == 42 &&
		   !memcmp(fa->data + 16, tf_data(&t) + 12, t.len - 12),
		   "multi-destination: VF1 gets the tagged frame");
	SNIC_CHECK(fb && fa && fb->len == fa->len + 50 && !memcmp(fb->data + 50, fa->data, fa->len),
		   "multi-destination: the uplink gets it VXLAN-encapsulated");
	SNIC_CHECK(fc && fa && fc->len == fa->len && !memcmp(fc->data, fa->data, fa->len),
		   "multi-destination: the encap did not touch the copy for VF2's rep");
	SNIC_OK(c, snic_fwc_destroy_entry(c, e));

	/* pop VLAN; then miss NEXT -> t1 -> DEFAULT to representor */
	a = fwd(1, d1, NULL);
	a.flags |= SNIC_ACT_POP_VLAN;
	a.pop_vlan = 1;
	e = entry_from(VF(3), 5, a);
	udp_frame(&t, ext_mac, vf_mac[3], 64, 9, 30);
	snic_test_rx(&nic, VF(3), tf_data(&t), t.len);
	f = snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(1));
	SNIC_CHECK(f && f->len == t.len - 4 && f->data[12] == 0x08,
		   "pop VLAN removes the tag");
	SNIC_OK(c, snic_fwc_destroy_entry(c, e));
	udp_frame(&t, ext_mac, vf_mac[2], 64, -1, 30);
	snic_test_rx(&nic, VF(2), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1 && snic_test_out_to(&nic, SNIC_FW_TX_REP, VF(2)),
		   "miss NEXT continues in level 1, whose miss goes to the representor");
	struct snic_ifc_query_table_out tq;
	SNIC_OK(c, snic_fwc_query_table(c, t1, &tq));
	SNIC_CHECK(snic_ifc_le64(tq.lookups) >= 1 && snic_ifc_le64(tq.misses) >= 1,
		   "table 1 counted the lookup and the miss");

	/* goto t2 (miss drop) after a modify: dropped, counted */
	a = (struct snic_ifc_actions){ 0 };
	a.flags = SNIC_ACT_GOTO;
	a.goto_table = t2;
	e = entry_from(VF(2), 5, a);
	uint64_t md = snic_test_drops(&nic, SNIC_DROP_TABLE_MISS);
	snic_test_rx(&nic, VF(2), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 0 && snic_test_drops(&nic, SNIC_DROP_TABLE_MISS) == md + 1,
		   "goto a table whose miss drops: dropped and counted");
	SNIC_OK(c, snic_fwc_destroy_entry(c, e));

	/* modify then goto t1, which misses to the representor: the
	 * representor gets the frame as it entered, not the modified one */
	snic_fwc_modify_op(&ops[0], SNIC_MOD_SET, SNIC_FIELD_IPV4_DST, 0x08080808);
	uint32_t mod2;
	SNIC_OK(c, snic_fwc_alloc_modify(c, ops, 1, &mod2));
	a = (struct snic_ifc_actions){ 0 };
	a.flags = SNIC_ACT_GOTO | SNIC_ACT_MODIFY;
	a.goto_table = t1;
	a.modify = mod2;
	e = entry_from(VF(2), 5, a);
	snic_test_rx(&nic, VF(2), tf_data(&t), t.len);
	f = snic_test_out_to(&nic, SNIC_FW_TX_REP, VF(2));
	SNIC_CHECK(nic.hal.n_frames == 1 && f && f->len == t.len &&
		   !memcmp(f->data, tf_data(&t), t.len),
		   "a later miss sends the original frame to the representor");
	SNIC_OK(c, snic_fwc_destroy_entry(c, e));
}

static void test_decap(void)
{
	struct snic_fwc *c = &nic.pf;
	struct snic_ifc_match m = { 0 }, v = { 0 };
	struct snic_ifc_actions a = { 0 };
	struct tf inner, t;
	uint32_t gt, e1, e2;
	const struct snic_fw_memhal_frame *f;

	m.src_vport = 0xffff;
	m.tun_type = 0xff;
	m.vni = htonl(0xffffff);
	SNIC_OK(c, snic_fwc_create_group(c, root, &m, &gt));
	v.src_vport = htons(UP);
	v.tun_type = SNIC_IFC_TUN_VXLAN;
	v.vni = htonl(4242);
	a.flags = SNIC_ACT_DECAP | SNIC_ACT_GOTO;
	a.goto_table = t1;
	SNIC_OK(c, snic_fwc_create_entry(c, gt, 1, &v, &a, &e1));
	memset(&m, 0, sizeof(m));
	m.tun_id = htonl(0xffffff);
	m.tun_src = 0xffffffff;
	SNIC_OK(c, snic_fwc_create_group(c, t1, &m, &g_t1));
	memset(&v, 0, sizeof(v));
	v.tun_id = htonl(4242);
	v.tun_src = htonl(0xc0000263);
	uint16_t d[1] = { VF(3) };
	a = fwd(1, d, NULL);
	SNIC_OK(c, snic_fwc_create_entry(c, g_t1, 1, &v, &a, &e2));

	udp_frame(&inner, vf_mac[3], ext_mac, 64, -1, 40);
	tf_init(&t);
	tf_append(&t, tf_data(&inner), inner.len);
	tf_vxlan(&t, 4242);
	tf_udp(&t, 55555, 4789);
	struct tf_ip4 ip = { .proto = 17, .ttl = 64, .src = 0xc0000263, .dst = 0xc0000201 };
	tf_ipv4(&t, &ip);
	tf_eth(&t, vf_mac[0], ext_mac, 0x0800);
	snic_test_rx(&nic, UP, tf_data(&t), t.len);
	f = snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(3));
	SNIC_CHECK(nic.hal.n_frames == 1 && f && f->len == inner.len &&
		   !memcmp(f->data, tf_data(&inner), inner.len),
		   "decap + goto + match on tun_id/tun_src delivers the inner frame");
	/* same VNI from another VTEP: the tun_src match fails -> rep of uplink */
	tf_init(&t);
	tf_append(&t, tf_data(&inner), inner.len);
	tf_vxlan(&t, 4242);
	tf_udp(&t, 55555, 4789);
	ip.src = 0xc0000264;
	tf_ipv4(&t, &ip);
	tf_eth(&t, vf_mac[0], ext_mac, 0x0800);
	snic_test_rx(&nic, UP, tf_data(&t), t.len);
	f = snic_test_out_to(&nic, SNIC_FW_TX_REP, UP);
	SNIC_CHECK(nic.hal.n_frames == 1 && f && f->len == t.len &&
		   !memcmp(f->data, tf_data(&t), t.len),
		   "a VTEP without a rule: the whole VXLAN frame goes to the uplink's rep");
	SNIC_OK(c, snic_fwc_destroy_entry(c, e1));
	SNIC_OK(c, snic_fwc_destroy_entry(c, e2));
}

static void test_malformed(void)
{
	uint8_t runt[10] = { 0 };
	struct tf t;
	uint64_t r0 = snic_test_drops(&nic, SNIC_DROP_RUNT), i0 = snic_test_drops(&nic, SNIC_DROP_BAD_IPV4_LEN);
	uint64_t b0 = snic_test_drops(&nic, SNIC_DROP_TOO_BIG), v0 = snic_test_drops(&nic, SNIC_DROP_BAD_VPORT);
	static uint8_t big[SNIC_FW_MAX_FRAME + 1];

	snic_fw_memhal_clear(&nic.hal);
	snic_fw_rx(nic.fw, UP, runt, sizeof(runt));
	udp_frame(&t, vf_mac[0], ext_mac, 64, -1, 30);
	tf_data(&t)[17] = 0xff;          /* IPv4 total length beyond the frame */
	snic_fw_rx(nic.fw, UP, tf_data(&t), t.len);
	snic_fw_rx(nic.fw, UP, big, sizeof(big));
	snic_fw_rx(nic.fw, 77, tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 0, "malformed frames go nowhere");
	SNIC_CHECK(snic_test_drops(&nic, SNIC_DROP_RUNT) == r0 + 1, "runt counted");
	SNIC_CHECK(snic_test_drops(&nic, SNIC_DROP_BAD_IPV4_LEN) == i0 + 1, "bad IPv4 length counted");
	SNIC_CHECK(snic_test_drops(&nic, SNIC_DROP_TOO_BIG) == b0 + 1, "oversized frame counted");
	SNIC_CHECK(snic_test_drops(&nic, SNIC_DROP_BAD_VPORT) == v0 + 1, "frame from vport 77 counted");
	SNIC_CHECK(!strcmp(snic_fw_drop_name(SNIC_DROP_RUNT), "RUNT") &&
		   strstr(snic_fw_drop_str(SNIC_DROP_BAD_IPV4_LEN), "total length"),
		   "drop reasons have names and sentences");
}

static void test_caps(void)
{
	const void *fdt;
	uint32_t len;
	int st, l;
	const fdt32_t *v;

	SNIC_OK(&nic.pf, snic_fwc_query_caps(&nic.pf, &fdt, &len));
	SNIC_REQUIRE(fdt_check_full(fdt, len) == 0, "capabilities are a valid FDT");
	st = fdt_path_offset(fdt, "/steering");
	v = fdt_getprop(fdt, st, "max-entries", &l);
	SNIC_CHECK(v && l == 4 && fdt32_ld(v) == 4096, "caps max-entries");
	v = fdt_getprop(fdt, st, "priority-levels", &l);
	SNIC_CHECK(v && l == 4 && fdt32_ld(v) == 64, "caps priority-levels");
	v = fdt_getprop(fdt, fdt_path_offset(fdt, "/ports"), "num-vfs", &l);
	SNIC_CHECK(v && l == 4 && fdt32_ld(v) == 4, "caps num-vfs");
	SNIC_CHECK(!strcmp(fdt_getprop(fdt, 0, "fw-version", NULL), SNIC_FW_VERSION),
		   "caps fw-version");
	/* a VF may read the capabilities too */
	struct snic_fwc vf;
	snic_fwc_init_direct(&vf, nic.fw, SNIC_IFC_FUNC_VF(1));
	SNIC_CHECK_EQ(snic_fwc_query_caps(&vf, &fdt, &len), SNIC_SYN_OK, "VF reads caps");
}

int main(void)
{
	snic_test_nic_boot(&nic, SNIC_SMALL_BOARD);
	test_caps();
	test_legacy();
	test_vf_policy();
	test_rate();
	test_actions();
	test_decap();
	test_malformed();
	snic_test_nic_down(&nic);
	return snic_test_done();
}
