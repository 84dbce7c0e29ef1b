/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fw_sriov.c - the firmware's SR-IOV state and VF rate shaping, on the
 * small test board (4 VFs, switchdev):
 *
 *  - boot: all 4 VFs enabled; QUERY_SRIOV says 4 of 4;
 *  - the rules: more than the board has, nonzero -> other nonzero, and
 *    disabling VFs that flow entries name (as a matched src_vport or as a
 *    destination) are refused, and change nothing (memory snapshot); the
 *    same count is a no-op without an event;
 *  - disabling: the SRIOV event (value 0) and PORT_LINK down events; every
 *    VF reports enabled 0, link down, and its boot defaults (MAC base + n,
 *    no VLAN, spoof check and trust off, link auto, no rate, zero stats);
 *    frames from it, forwarded to it, sent on its representor are dropped
 *    and counted (VF_DISABLED); legacy flooding leaves it out;
 *  - enabling 2: the event (value 2); VF0 and VF1 work, VF2 stays disabled;
 *  - shaping: snic_fw_vport_tx_wait_ns() is 0 without a rate, 0 while the
 *    bucket holds a largest frame, then the time until it is a quarter
 *    full; after that time it is 0 again; the policer still drops what is
 *    sent over the rate anyway.
 */
#include "pkt_frames.h"
#include "snic_test_fw.h"

static struct snic_test_nic nic;

static const uint8_t vm_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* A UDP frame from src to dst of total length len (>= 64). */
static void frame(struct tf *t, const uint8_t dst[6], const uint8_t src[6],
		  unsigned len)
{
	struct tf_ip4 ip = { .ttl = 64, .proto = 17, .src = 0x0a000001,
			     .dst = 0x0a000002 };

	tf_init(t);
	tf_payload(t, len - 42, 1);
	tf_udp(t, 1000, 2000);
	tf_ipv4(t, &ip);
	tf_eth(t, dst, src, 0x0800);
}

static bool fw_bytes_zero_(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void vf_query(uint16_t vf, struct snic_ifc_query_vport_out *q)
{
	SNIC_OK(&nic.pf, snic_fwc_query_vport(&nic.pf, SNIC_IFC_VPORT_VF(vf), q));
}

static const struct snic_ifc_event *event_of(uint16_t type, uint16_t vport)
{
	for (size_t i = 0; i < nic.hal.n_events; i++)
		if (snic_ifc_le16(nic.hal.events[i].type) == type &&
		    snic_ifc_le16(nic.hal.events[i].vport) == vport)
			return &nic.hal.events[i];
	return NULL;
}

static uint32_t num_vfs(void)
{
	uint32_t total = 0, num = 0;

	SNIC_OK(&nic.pf, snic_fwc_query_sriov(&nic.pf, &total, &num));
	SNIC_CHECK_EQ(total, 4, "total_vfs of the small board");
	return num;
}

/* A refused SET_NUM_VFS changes no byte of the firmware's memory. */
static void refuse_num(uint32_t n, uint32_t want, const char *what)
{
	struct snic_fw_memhal_snap *s = snic_fw_memhal_snapshot(&nic.hal);
	uint32_t syn = snic_fwc_set_num_vfs(&nic.pf, n);
	long long d = snic_fw_memhal_snap_diff(&nic.hal, s);

	SNIC_CHECK(syn == want, "%s: %s, want %s", what, snic_fw_syndrome_name(syn),
		   snic_fw_syndrome_name(want));
	SNIC_CHECK(d == -1, "%s: firmware memory changed at byte %lld", what, d);
	snic_fw_memhal_snap_free(s);
}

static void test_rules(void)
{
	struct snic_ifc_match mask = { .src_vport = 0xffff }, val = { 0 };
	struct snic_ifc_actions fwd = { .flags = snic_ifc_le32(SNIC_ACT_FWD), .n_dests = 1 };
	struct snic_ifc_actions drop = { .flags = snic_ifc_le32(SNIC_ACT_DROP) };
	struct snic_ifc_query_vport_out q;
	uint32_t t, g, e_src, e_dst;

	SNIC_CHECK_EQ(num_vfs(), 4, "boot: every VF enabled");
	vf_query(3, &q);
	SNIC_CHECK(q.enabled == 1 && q.link_up == 1, "VF3 enabled, link up");
	refuse_num(5, SNIC_SYN_NUM_VFS_RANGE, "5 of 4 VFs");
	refuse_num(2, SNIC_SYN_NUM_VFS_BUSY, "4 -> 2 VFs");
	snic_fw_memhal_clear(&nic.hal);
	SNIC_OK(&nic.pf, snic_fwc_set_num_vfs(&nic.pf, 4));
	SNIC_CHECK(nic.hal.n_events == 0, "the same count: no event");

	/* entries naming VF3 (matched source) and VF2 (destination) */
	SNIC_OK(&nic.pf, snic_fwc_create_table(&nic.pf, 0, SNIC_MISS_DEFAULT, 0,
					       SNIC_TABLE_F_ROOT, &t));
	SNIC_OK(&nic.pf, snic_fwc_create_group(&nic.pf, t, &mask, &g));
	val.src_vport = snic_ifc_be16(SNIC_IFC_VPORT_VF(3));
	SNIC_OK(&nic.pf, snic_fwc_create_entry(&nic.pf, g, 0, &val, &drop, &e_src));
	val.src_vport = snic_ifc_be16(SNIC_IFC_VPORT_UPLINK(0));
	fwd.dests[0].type = SNIC_DEST_VPORT;
	fwd.dests[0].vport = snic_ifc_le16(SNIC_IFC_VPORT_VF(2));
	SNIC_OK(&nic.pf, snic_fwc_create_entry(&nic.pf, g, 0, &val, &fwd, &e_dst));
	refuse_num(0, SNIC_SYN_NUM_VFS_IN_USE, "disable with entries on VF3 and VF2");
	SNIC_OK(&nic.pf, snic_fwc_destroy_entry(&nic.pf, e_src));
	refuse_num(0, SNIC_SYN_NUM_VFS_IN_USE, "disable with an entry forwarding to VF2");
	SNIC_OK(&nic.pf, snic_fwc_destroy_entry(&nic.pf, e_dst));
	/* an entry from the uplink to the PF names no VF */
	fwd.dests[0].vport = snic_ifc_le16(SNIC_IFC_VPORT_PF);
	SNIC_OK(&nic.pf, snic_fwc_create_entry(&nic.pf, g, 0, &val, &fwd, &e_dst));
	SNIC_CHECK_EQ(num_vfs(), 4, "refusals changed nothing");
}

static void test_disable(void)
{
	const struct snic_fw_board *b = snic_fw_get_board(nic.fw);
	struct snic_ifc_vport_ctx x = { .vlan = 10, .qos = 3, .spoofchk = 1, .trust = 1,
					.link_state = SNIC_LINK_UP, .max_rate = 100 };
	struct snic_ifc_query_vport_out q;
	const struct snic_ifc_event *ev;
	struct snic_fwc vf0;
	uint64_t before;
	struct tf t;

	/* VF1 configured and with traffic counted */
	x.mac[0] = 2;
	x.mac[5] = 0x77;
	SNIC_OK(&nic.pf, snic_fwc_modify_vport(&nic.pf, SNIC_IFC_VPORT_VF(1),
					       SNIC_VPORT_F_ALL, &x));
	frame(&t, vm_mac, x.mac, 100);
	snic_test_rx(&nic, SNIC_IFC_VPORT_VF(1), tf_data(&t), t.len);
	vf_query(1, &q);
	SNIC_CHECK(snic_ifc_le64(q.stats.rx_packets) == 1, "VF1 counted a frame");

	snic_fw_memhal_clear(&nic.hal);
	SNIC_OK(&nic.pf, snic_fwc_set_num_vfs(&nic.pf, 0));
	SNIC_CHECK_EQ(num_vfs(), 0, "disabled");
	ev = event_of(SNIC_EVENT_SRIOV, SNIC_IFC_VPORT_PF);
	SNIC_CHECK(ev && snic_ifc_le32(ev->value) == 0, "SRIOV event, value 0");
	SNIC_CHECK(ev == &nic.hal.events[0], "SRIOV event before the link events");
	for (uint16_t i = 0; i < 4; i++) {
		ev = event_of(SNIC_EVENT_PORT_LINK, SNIC_IFC_VPORT_VF(i));
		SNIC_CHECK(ev && snic_ifc_le32(ev->value) == 0, "VF%u: link down event", i);
		vf_query(i, &q);
		SNIC_CHECK(!q.enabled && !q.link_up, "VF%u: disabled, link down", i);
		SNIC_CHECK(!memcmp(q.ctx.mac, b->vf_mac_base, 5) &&
			   q.ctx.mac[5] == b->vf_mac_base[5] + i,
			   "VF%u: MAC back to the board's base + %u", i, i);
		SNIC_CHECK(!q.ctx.vlan && !q.ctx.qos && !q.ctx.spoofchk && !q.ctx.trust &&
			   q.ctx.link_state == SNIC_LINK_AUTO && !q.ctx.max_rate &&
			   !q.ctx.min_rate, "VF%u: context back to its defaults", i);
		SNIC_CHECK(fw_bytes_zero_(&q.stats, sizeof(q.stats)),
			   "VF%u: statistics zero", i);
	}

	/* frames from, to and on the representor of a disabled VF */
	before = snic_test_drops(&nic, SNIC_DROP_VF_DISABLED);
	frame(&t, vm_mac, b->vf_mac_base, 100);
	snic_test_rx(&nic, SNIC_IFC_VPORT_VF(0), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 0, "nothing from disabled VF0");
	snic_test_rx(&nic, SNIC_IFC_VPORT_UPLINK(0), tf_data(&t), t.len);
	SNIC_CHECK(snic_test_out_to(&nic, SNIC_FW_TX_VPORT, SNIC_IFC_VPORT_PF) != NULL,
		   "the uplink -> PF entry still forwards");
	snic_fw_rep_tx(nic.fw, SNIC_IFC_VPORT_VF(1), tf_data(&t), t.len);
	SNIC_CHECK(!snic_test_out_to(&nic, SNIC_FW_TX_VPORT, SNIC_IFC_VPORT_VF(1)),
		   "nothing out of disabled VF1's representor");
	SNIC_CHECK_EQ(snic_test_drops(&nic, SNIC_DROP_VF_DISABLED) - before, 2,
		      "two frames dropped as VF_DISABLED");
	vf_query(1, &q);
	SNIC_CHECK(fw_bytes_zero_(&q.stats, sizeof(q.stats)),
		   "a disabled VF counts nothing itself");

	/* commands on and from a disabled VF */
	SNIC_CHECK_EQ(snic_fwc_modify_vport(&nic.pf, SNIC_IFC_VPORT_VF(1),
					    SNIC_VPORT_F_TRUST, &x),
		      SNIC_SYN_VF_DISABLED, "MODIFY_VPORT on disabled VF1");
	snic_fwc_init_direct(&vf0, nic.fw, SNIC_IFC_FUNC_VF(0));
	SNIC_CHECK_EQ(snic_fwc_query_vport(&vf0, SNIC_IFC_VPORT_VF(0), &q),
		      SNIC_SYN_VF_DISABLED, "disabled VF0 issues a command");

	/* legacy: a broadcast from the PF floods the uplink only */
	SNIC_OK(&nic.pf, snic_fwc_reset_steering(&nic.pf, NULL));
	SNIC_OK(&nic.pf, snic_fwc_set_esw_mode(&nic.pf, SNIC_ESW_LEGACY));
	before = snic_test_drops(&nic, SNIC_DROP_VF_DISABLED);
	frame(&t, bcast, b->pf_mac, 100);
	snic_test_rx(&nic, SNIC_IFC_VPORT_PF, tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1 &&
		   snic_test_out_to(&nic, SNIC_FW_TX_VPORT, SNIC_IFC_VPORT_UPLINK(0)),
		   "legacy flood: only the uplink (%zu frames)", nic.hal.n_frames);
	SNIC_CHECK_EQ(snic_test_drops(&nic, SNIC_DROP_VF_DISABLED), before,
		      "no drops counted for VFs that are not there");
}

static void test_enable(void)
{
	const struct snic_fw_board *b = snic_fw_get_board(nic.fw);
	struct snic_ifc_query_vport_out q;
	const struct snic_ifc_event *ev;
	uint8_t vf1_mac[6];
	struct tf t;

	snic_fw_memhal_clear(&nic.hal);
	SNIC_OK(&nic.pf, snic_fwc_set_num_vfs(&nic.pf, 2));
	ev = event_of(SNIC_EVENT_SRIOV, SNIC_IFC_VPORT_PF);
	SNIC_CHECK(ev && snic_ifc_le32(ev->value) == 2, "SRIOV event, value 2");
	ev = event_of(SNIC_EVENT_PORT_LINK, SNIC_IFC_VPORT_VF(1));
	SNIC_CHECK(ev && snic_ifc_le32(ev->value) == 1, "VF1: link up event");
	SNIC_CHECK(!event_of(SNIC_EVENT_PORT_LINK, SNIC_IFC_VPORT_VF(2)),
		   "VF2: no link event");
	vf_query(1, &q);
	SNIC_CHECK(q.enabled && q.link_up, "VF1 enabled, link up");
	vf_query(2, &q);
	SNIC_CHECK(!q.enabled, "VF2 still disabled");
	refuse_num(3, SNIC_SYN_NUM_VFS_BUSY, "2 -> 3 VFs");

	/* legacy: VF0 -> VF1 by MAC */
	memcpy(vf1_mac, b->vf_mac_base, 6);
	vf1_mac[5]++;
	frame(&t, vf1_mac, b->vf_mac_base, 100);
	snic_test_rx(&nic, SNIC_IFC_VPORT_VF(0), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1 &&
		   snic_test_out_to(&nic, SNIC_FW_TX_VPORT, SNIC_IFC_VPORT_VF(1)),
		   "VF0 -> VF1 in legacy mode");
	/* a frame for VF2's MAC goes to the uplink: VF2 is not there */
	vf1_mac[5]++;
	frame(&t, vf1_mac, b->vf_mac_base, 100);
	snic_test_rx(&nic, SNIC_IFC_VPORT_VF(0), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 1 &&
		   snic_test_out_to(&nic, SNIC_FW_TX_VPORT, SNIC_IFC_VPORT_UPLINK(0)),
		   "VF2's MAC is unknown while it is disabled");
}

static void test_shaping(void)
{
	struct snic_ifc_vport_ctx x = { .max_rate = 100 };
	struct snic_ifc_query_vport_out q;
	const uint16_t vf0 = SNIC_IFC_VPORT_VF(0);
	uint64_t w, sent = 0;
	struct tf t;

	nic.hal.now = 1000000000ull;
	frame(&t, vm_mac, snic_fw_get_board(nic.fw)->vf_mac_base, 1500);
	SNIC_CHECK_EQ(snic_fw_vport_tx_wait_ns(nic.fw, vf0), 0, "no rate: no wait");
	SNIC_CHECK_EQ(snic_fw_vport_tx_wait_ns(nic.fw, SNIC_IFC_VPORT_PF), 0, "PF: no wait");
	SNIC_CHECK_EQ(snic_fw_vport_tx_wait_ns(nic.fw, SNIC_IFC_VPORT_VF(3)), 0,
		      "disabled VF: no wait");
	SNIC_OK(&nic.pf, snic_fwc_modify_vport(&nic.pf, vf0, SNIC_VPORT_F_RATE, &x));
	/* the bucket: 10 ms at 100 Mbit/s = 125000 bytes */
	while ((w = snic_fw_vport_tx_wait_ns(nic.fw, vf0)) == 0 && sent < 1000000) {
		snic_test_rx(&nic, vf0, tf_data(&t), t.len);
		sent += t.len;
	}
	SNIC_CHECK(sent > 125000 - 9216 - 1500 && sent <= 125000,
		   "%llu bytes before the shaper holds back", (unsigned long long)sent);
	/* resume at a quarter of the bucket: 31250 bytes, 2.5 ms minus what is left */
	SNIC_CHECK(w > 1500000 && w <= 2500000, "wait %llu ns", (unsigned long long)w);
	vf_query(0, &q);
	SNIC_CHECK_EQ(snic_ifc_le64(q.stats.drop_rate), 0, "nothing policed while shaped");
	/* sent anyway: the policer drops what exceeds the bucket */
	for (int i = 0; i < 20; i++)
		snic_test_rx(&nic, vf0, tf_data(&t), t.len);
	vf_query(0, &q);
	SNIC_CHECK(snic_ifc_le64(q.stats.drop_rate) > 0, "over the rate anyway: policed");
	nic.hal.now += 3000000;
	SNIC_CHECK_EQ(snic_fw_vport_tx_wait_ns(nic.fw, vf0), 0, "after the wait: go");
	x.max_rate = 0;
	SNIC_OK(&nic.pf, snic_fwc_modify_vport(&nic.pf, vf0, SNIC_VPORT_F_RATE, &x));
	SNIC_CHECK_EQ(snic_fw_vport_tx_wait_ns(nic.fw, vf0), 0, "rate removed: no wait");
}

int main(void)
{
	snic_test_nic_boot(&nic, SNIC_SMALL_BOARD);
	test_rules();
	test_disable();
	test_enable();
	test_shaping();
	snic_test_nic_down(&nic);
	return snic_test_done();
}
