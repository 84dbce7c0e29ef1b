/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_plan.c - the offload planner over the real translation and the real
 * rte_flow driver code (host-driver/flow) on the firmware booted in-process
 * (small board: 64 priority levels, groups 0..7, 4096 entries).  Each case
 * builds an overlap where a wrong planner would misroute a packet, sends
 * the packet through the firmware and checks the OpenFlow outcome: the
 * hardware delivers it where OpenFlow says, or hands it to software (the
 * representor of its source port) as it entered.
 */
#include "pkt_frames.h"
#include "test_nic.h"

static struct snic_mgr_plan *plan;
static const uint8_t mac_a[6] = { 2, 0, 0, 0, 0, 0xa }, mac_b[6] = { 2, 0, 0, 0, 0, 0xb };

/* ---- the hardware as the planner sees it: test_nic.h's, with a log of
 * creates and destroys, a probe run after each one, injected failures ---- */

static void (*probe_fn)(const char *op);  /* after every create/destroy */
static unsigned fail_destroys;             /* the next n destroys fail */
static char op_log[4096];

static void log_op(const char *op, const struct snic_mgr_hwrule *r)
{
	size_t n = strlen(op_log);
	char line[96];

	if (r)
		snprintf(line, sizeof(line), "%s g%u p%u; ", op, r->attr.group, r->attr.priority);
	else
		snprintf(line, sizeof(line), "%s; ", op);
	if (n + strlen(line) < sizeof(op_log))
		memcpy(op_log + n, line, strlen(line) + 1);
}

static int log_create(void *arg, const struct snic_mgr_hwrule *r, void **h,
		      struct rte_flow_error *e)
{
	int rc = hw.create(arg, r, h, e);

	log_op(rc ? "create refused" : "create", r);
	if (!rc && probe_fn)
		probe_fn("create");
	return rc;
}

static int log_destroy(void *arg, void *h, struct rte_flow_error *e)
{
	int rc;

	if (fail_destroys) {
		fail_destroys--;
		e->message = "injected destroy failure";
		log_op("destroy failed", NULL);
		return -EIO;
	}
	rc = hw.destroy(arg, h, e);
	log_op("destroy", NULL);
	if (!rc && probe_fn)
		probe_fn("destroy");
	return rc;
}

static const struct snic_mgr_hw_ops logged_hw = { log_create, log_destroy, hw_query };

/* ---- helpers ---- */

static uint64_t next_id = 1;

static uint64_t add(const char *text)
{
	struct snic_of_rule r;
	struct snic_of_error e;

	SNIC_REQUIRE(snic_of_rule_parse(text, SNIC_OF_MODE_ADD, &of_ports, &r, &e) == 0,
		     "%s: %s", text, e.msg);
	SNIC_REQUIRE(snic_mgr_plan_add(plan, next_id, &r) == 0, "add %s", text);
	return next_id++;
}

static void sync_ok(const char *what)
{
	struct snic_mgr_sync_stats st;
	int rc = snic_mgr_plan_sync(plan, &st);

	SNIC_CHECK(rc == 0 && st.failed == 0, "%s: sync %d, %u hardware failures", what,
		   rc, st.failed);
}

static struct snic_mgr_rule_info info(uint64_t id)
{
	struct snic_mgr_rule_info i;

	SNIC_REQUIRE(snic_mgr_plan_get(plan, id, &i) == 0, "rule %llu", (unsigned long long)id);
	return i;
}

static void udp4(struct tf *t, uint32_t dst)
{
	struct tf_ip4 ip = { .proto = 17, .ttl = 64, .src = 0x0a000001, .dst = dst };

	tf_init(t);
	tf_payload(t, 30, 3);
	tf_udp(t, 1000, 2000);
	tf_ipv4(t, &ip);
	tf_eth(t, mac_b, mac_a, 0x0800);
}

/* Where did the last frame go?  "vport N", "rep N" (software) or "drop". */
static const char *fate(void)
{
	static char b[64];

	if (nic.hal.n_frames == 0)
		return "drop";
	snprintf(b, sizeof(b), "%s 0x%x%s", nic.hal.frames[0].q == SNIC_FW_TX_REP ? "rep" : "vport",
		 nic.hal.frames[0].vport, nic.hal.n_frames > 1 ? " (+more)" : "");
	return b;
}

static void expect(uint16_t from, struct tf *t, const char *want, const char *what)
{
	snic_test_rx(&nic, from, tf_data(t), t->len);
	SNIC_CHECK(!strcmp(fate(), want), "%s: the frame went to %s, OpenFlow says %s",
		   what, fate(), want);
}

static char *vp(const char *kind, uint16_t v)
{
	static char b[4][32];
	static unsigned i;

	snprintf(b[i & 3], sizeof(b[0]), "%s 0x%x", kind, v);
	return b[i++ & 3];
}

static void clear_rules(void)
{
	for (uint64_t id = 1; id < next_id; id++)
		snic_mgr_plan_del(plan, id);
	sync_ok("clear");
}

/* ---- cases ---- */

/* A software rule above an overlapping hardware rule gets a trap. */
static void test_trap(void)
{
	uint64_t hi = add("priority=200,in_port=vf0,ip,nw_dst=10.0.0.2,actions=controller");
	uint64_t lo = add("priority=100,in_port=vf0,actions=output:vf1");
	struct tf t;

	sync_ok("trap");
	SNIC_CHECK(info(hi).state == SNIC_MGR_SW && info(hi).trapped &&
		   strstr(info(hi).reason, "controller"), "controller rule: sw, trapped: %s",
		   info(hi).reason);
	SNIC_CHECK(info(lo).state == SNIC_MGR_HW, "the output rule runs in hardware: %s", info(lo).reason ? info(lo).reason : "");
	udp4(&t, 0x0a000002);
	expect(VF(0), &t, vp("rep", VF(0)), "to 10.0.0.2 (the software rule's)");
	udp4(&t, 0x0a000003);
	expect(VF(0), &t, vp("vport", VF(1)), "to 10.0.0.3 (the hardware rule's)");
	clear_rules();
}

/* A software rule the NIC cannot express holds overlapping lower ones. */
static void test_hold_back(void)
{
	uint64_t hi = add("priority=300,in_port=vf2,metadata=0,actions=output:vf3");
	uint64_t lo = add("priority=100,in_port=vf2,actions=output:vf1");
	uint64_t other = add("priority=100,in_port=vf3,actions=output:vf0");
	struct tf t;

	sync_ok("hold back");
	SNIC_CHECK(info(hi).state == SNIC_MGR_SW && !info(hi).trapped, "metadata rule: "
		   "sw, no trap possible: %s", info(hi).reason);
	SNIC_CHECK(info(lo).state == SNIC_MGR_SW && strstr(info(lo).reason, "held back"),
		   "the overlapping lower rule is held back: %s", info(lo).reason ?
		   info(lo).reason : "(hw)");
	SNIC_CHECK(info(other).state == SNIC_MGR_HW, "a rule it does not overlap stays in hw");
	udp4(&t, 0x0a000002);
	expect(VF(2), &t, vp("rep", VF(2)), "from vf2 (OpenFlow: vf3, via software)");
	expect(VF(3), &t, vp("vport", VF(0)), "from vf3");
	clear_rules();
}

/* A tunnel rule below a rule with no in_port that also applies to tunnel
 * packets is held back; one above it runs in hardware. */
static void test_tunnel_below_any(void)
{
	uint64_t any = add("priority=500,dl_dst=02:00:00:00:00:55,actions=output:vf3");
	uint64_t low = add("priority=100,in_port=vxlan0,actions=output:vf0");
	uint64_t high = add("priority=600,in_port=vxlan0,tun_id=100,dl_dst=02:00:00:00:00:66,"
			    "actions=output:vf2");
	static const uint8_t d55[6] = { 2, 0, 0, 0, 0, 0x55 }, d66[6] = { 2, 0, 0, 0, 0, 0x66 };
	struct tf_ip4 oip = { .proto = 17, .ttl = 64, .src = 0xc0a80102, .dst = 0xc0a80101 };
	struct tf inner, t;

	sync_ok("tunnel");
	SNIC_CHECK(info(any).state == SNIC_MGR_HW, "the any-in_port rule: hw");
	SNIC_CHECK(info(low).state == SNIC_MGR_SW && strstr(info(low).reason, "any in_port"),
		   "the lower tunnel rule is held back: %s", info(low).reason ?
		   info(low).reason : "(hw)");
	SNIC_CHECK(info(high).state == SNIC_MGR_HW, "the higher tunnel rule: hw");
	for (int k = 0; k < 2; k++) {
		struct tf_ip4 iip = { .proto = 17, .ttl = 64, .src = 0x0a000001, .dst = 0x0a000002 };

		tf_init(&inner);
		tf_payload(&inner, 20, 1);
		tf_udp(&inner, 7, 8);
		tf_ipv4(&inner, &iip);
		tf_eth(&inner, k ? d66 : d55, mac_a, 0x0800);
		tf_init(&t);
		tf_append(&t, tf_data(&inner), inner.len);
		tf_vxlan(&t, 100);
		tf_udp(&t, 50000, 4789);
		tf_ipv4(&t, &oip);
		tf_eth(&t, up_mac, nh_mac, 0x0800);
		if (k) {
			expect(UP, &t, vp("vport", VF(2)), "tunnel packet for :66 (decapsulated)");
			SNIC_CHECK(nic.hal.n_frames == 1 && nic.hal.frames[0].len == inner.len &&
				   !memcmp(nic.hal.frames[0].data, tf_data(&inner), inner.len),
				   "vf2 gets the inner frame byte for byte");
		} else {
			expect(UP, &t, vp("rep", UP), "tunnel packet for :55 (OpenFlow: "
			       "vf3 by the any-in_port rule, via software)");
		}
	}
	clear_rules();
}

/* Two overlapping rules whose priorities share a level of the 64-level
 * board (62 distinct priorities over 31 pairs of levels): the lower one is
 * held back, the packet it alone matches goes to software instead of being
 * decided by the NIC's tie-break. */
static void test_level_tie(void)
{
	char text[128];
	uint64_t a, b, far;
	struct tf t;

	for (unsigned i = 0; i < 59; i++) {
		snprintf(text, sizeof(text), "priority=%u,in_port=vf0,ip,nw_dst=10.9.0.%u,"
			 "actions=drop", 2000 + i, i);
		add(text);
	}
	a = add("priority=1001,in_port=vf1,ip,actions=output:vf2");
	b = add("priority=1000,in_port=vf1,actions=drop");
	far = add("priority=50000,in_port=vf1,ip,nw_dst=10.0.0.9,actions=output:vf3");

	sync_ok("tie");
	SNIC_CHECK(info(a).state == SNIC_MGR_HW && info(far).state == SNIC_MGR_HW,
		   "the higher rules: hw");
	SNIC_CHECK(info(b).state == SNIC_MGR_SW && strstr(info(b).reason, "priority level"),
		   "the tied lower rule: %s", info(b).reason ? info(b).reason : "(hw)");
	udp4(&t, 0x0a000002);
	expect(VF(1), &t, vp("vport", VF(2)), "IP from vf1");
	udp4(&t, 0x0a000009);
	expect(VF(1), &t, vp("vport", VF(3)), "IP from vf1 to 10.0.0.9");
	tf_init(&t);
	tf_payload(&t, 46, 9);
	tf_eth(&t, mac_b, mac_a, 0x88b5);
	expect(VF(1), &t, vp("rep", VF(1)), "non-IP from vf1 (OpenFlow: drop, via software)");
	clear_rules();
}

/* Rules without in_port: OpenFlow never sends a packet back to its port. */
static void test_ingress_exclusion(void)
{
	uint64_t r = add("priority=10,ip,nw_dst=10.0.0.7,actions=output:vf1,output:vf2");
	struct tf t;

	sync_ok("exclusion");
	SNIC_CHECK(info(r).state == SNIC_MGR_HW && info(r).n_hw == 3,
		   "hw with 2 exclusions (%u hardware rules)", info(r).n_hw);
	udp4(&t, 0x0a000007);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	SNIC_CHECK(nic.hal.n_frames == 2 && snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(1)) &&
		   snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(2)), "from vf0: vf1 and vf2");
	expect(VF(1), &t, vp("vport", VF(2)), "from vf1: vf2 only");
	expect(VF(2), &t, vp("vport", VF(1)), "from vf2: vf1 only");
	clear_rules();
}

/* The hardware fills up: the rest run in software with the driver's
 * reason, and move to hardware when room appears. */
static void test_capacity(void)
{
	const unsigned n = 4200;
	unsigned hw_n = 0, sw_n = 0, sw_cap = 0;
	uint64_t first = next_id, probe;
	char text[128];
	struct tf t;

	for (unsigned i = 0; i < n; i++) {
		snprintf(text, sizeof(text), "priority=10,in_port=vf3,ip,nw_dst=10.%u.%u.%u,"
			 "actions=output:vf0", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		add(text);
	}
	sync_ok("fill");
	for (uint64_t id = first; id < next_id; id++) {
		struct snic_mgr_rule_info i = info(id);

		hw_n += i.state == SNIC_MGR_HW;
		sw_n += i.state == SNIC_MGR_SW;
		sw_cap += i.state == SNIC_MGR_SW && i.reason && strstr(i.reason, "max-");
	}
	printf("capacity: %u rules in hardware, %u in software\n", hw_n, sw_n);
	SNIC_CHECK(hw_n > 3000 && sw_n > 0 && hw_n + sw_n == n, "%u hw + %u sw", hw_n, sw_n);
	SNIC_CHECK(sw_cap == sw_n, "every software rule says which board limit (%u of %u)",
		   sw_cap, sw_n);
	probe = next_id - 1;    /* the last one went to software */
	SNIC_CHECK(info(probe).state == SNIC_MGR_SW, "the last rule is in software");
	udp4(&t, 0x0a000000 | (uint32_t)((n - 1) & 0xffff));
	expect(VF(3), &t, vp("rep", VF(3)), "a packet of a rule in software");
	for (uint64_t id = first; id < first + 1000; id++)
		snic_mgr_plan_del(plan, id);
	sync_ok("make room");
	SNIC_CHECK(info(probe).state == SNIC_MGR_HW, "after removing 1000 rules the last "
		   "one runs in hardware");
	expect(VF(3), &t, vp("vport", VF(0)), "its packet now goes through the NIC");
	clear_rules();
	SNIC_CHECK_EQ(n_live, 1 + 2, "only the root catch-all and the guards remain");
}

/* Changing a rule's actions (same match and priority) and table-miss drop. */
static void test_replace_and_miss(void)
{
	uint64_t a = add("priority=10,in_port=vf0,actions=output:vf1");
	uint64_t b, sw;
	struct tf t;

	sync_ok("replace: before");
	snic_mgr_plan_del(plan, a);
	b = add("priority=10,in_port=vf0,actions=output:vf2");
	sync_ok("replace");
	SNIC_CHECK(info(b).state == SNIC_MGR_HW, "the new version is in hardware: %s",
		   info(b).reason ? info(b).reason : "");
	udp4(&t, 0x0a000002);
	expect(VF(0), &t, vp("vport", VF(2)), "after the replacement");

	snic_mgr_plan_set_miss(plan, SNIC_MGR_MISS_DROP);
	sync_ok("miss drop");
	expect(VF(3), &t, "drop", "table-miss drop in hardware");
	sw = add("priority=5,in_port=vf3,metadata=0,actions=output:vf0");
	sync_ok("miss drop + untrappable");
	expect(VF(3), &t, vp("rep", VF(3)), "with an untrappable software rule, misses go "
	       "to software (which applies the drop itself)");
	(void)sw;
	snic_mgr_plan_set_miss(plan, SNIC_MGR_MISS_SW);
	clear_rules();
}

/* ---- found by test_golden: the NIC and software alone disagreed ---- */

/* Rule id runs in software, its reason saying words. */
static void want_sw(uint64_t id, const char *words, const char *what)
{
	struct snic_mgr_rule_info i = info(id);

	SNIC_CHECK(i.state == SNIC_MGR_SW && strstr(i.reason, words), "%s: %s", what,
		   i.reason ? i.reason : "(hw)");
}

/* Overlapping rules of one priority: the older wins (OpenFlow's order and
 * the software datapath's); the newer, whose ingress exclusion would sit a
 * level above the older rule, is held back. */
static void test_same_priority(void)
{
	uint64_t older = add("priority=50,in_port=vf1,ip,actions=output:vf3");
	uint64_t newer = add("priority=50,ip,actions=output:vf1,output:vf2");
	struct tf t;

	sync_ok("same priority");
	SNIC_CHECK(info(older).state == SNIC_MGR_HW, "the older rule: hw");
	want_sw(newer, "same priority", "the newer one is held back");
	udp4(&t, 0x0a000002);
	expect(VF(1), &t, vp("vport", VF(3)), "IP from vf1 (the older rule's)");
	expect(VF(0), &t, vp("rep", VF(0)), "IP from vf0 (the newer rule's, in software)");
	clear_rules();
}

static void vxlan_frame(struct tf *t, uint32_t vni, bool good)
{
	struct tf_ip4 oip = { .proto = 17, .ttl = 64, .src = 0xc0a80102, .dst = 0xc0a80101 };
	struct tf inner;

	udp4(&inner, 0x0a000002);
	tf_init(t);
	tf_append(t, tf_data(&inner), inner.len);
	tf_vxlan(t, vni);
	if (!good)
		tf_data(t)[0] = 0;      /* no I flag: not VXLAN */
	tf_udp(t, 50000, 4789);
	tf_ipv4(t, &oip);
	tf_eth(t, up_mac, nh_mac, 0x0800);
}

/* A tunnel rule the NIC cannot express (metadata) holds back the lower
 * tunnel rules of its port: the planner knows it is one (group 0). */
static void test_tunnel_hold_back(void)
{
	uint64_t hi = add("priority=200,in_port=vxlan0,metadata=0,actions=output:vf3");
	uint64_t lo = add("priority=100,in_port=vxlan0,actions=output:vf0");
	struct tf t;

	sync_ok("tunnel hold back");
	want_sw(hi, "metadata", "the metadata rule");
	want_sw(lo, "held back", "the lower tunnel rule");
	vxlan_frame(&t, 100, true);
	expect(UP, &t, vp("rep", UP), "VXLAN for vxlan0 (OpenFlow: vf3, in software)");
	clear_rules();
}

/* UDP to the VXLAN port that is not VXLAN: plain UDP for a VF's frame; to
 * the VTEP, software's (which drops it) */
static void test_not_vxlan(void)
{
	struct tf t;

	add("priority=10,udp,actions=output:vf1");
	sync_ok("not VXLAN");
	vxlan_frame(&t, 100, false);
	memcpy(tf_data(&t), mac_b, 6);
	expect(VF(0), &t, vp("vport", VF(1)), "UDP to port 4789 from vf0, no VXLAN inside");
	memcpy(tf_data(&t), up_mac, 6);
	expect(UP, &t, vp("rep", UP), "the same to the VTEP from the wire");
	clear_rules();
}

/* The encapsulation is OVS's and the software datapath's: DF set */
static void test_encap_df(void)
{
	struct tf t;

	add("priority=10,in_port=vf0,actions=output:vxlan0");
	sync_ok("encap");
	udp4(&t, 0x0a000002);
	expect(VF(0), &t, vp("vport", UP), "to vxlan0");
	SNIC_CHECK(nic.hal.n_frames == 1 && nic.hal.frames[0].len > 34 &&
		   tf_get16(nic.hal.frames[0].data + 20) == 0x4000,
		   "the outer IPv4 header says DF");
	clear_rules();
}

/* A pop uncovers the IP header of a frame with three tags (which OpenFlow
 * did not parse): no re-parse, so a bad header there drops nothing */
static void test_pop_uncovers(void)
{
	static const uint16_t tags[3][2] = { { 0x8100, 10 }, { 0x8100, 20 }, { 0x8100, 30 } };
	struct tf_ip4 ip = { .proto = 17, .ttl = 64, .src = 0x0a000001, .dst = 0x0a000002 };
	struct tf t;

	add("priority=10,in_port=vf0,vlan_tci=0x1000/0x1000,actions=strip_vlan,"
	    "mod_dl_src:02:00:00:00:00:0b,output:vf1");
	sync_ok("pop");
	tf_init(&t);
	tf_payload(&t, 20, 1);
	tf_ipv4(&t, &ip);
	tf_put16(tf_data(&t) + 2, 400);         /* longer than the frame */
	tf_eth_tags(&t, mac_b, mac_a, 0x0800, 3, tags);
	expect(VF(0), &t, vp("vport", VF(1)), "three tags, a bad IPv4 length behind");
	clear_rules();
}

/* ---- make before break ---- */

static unsigned misrouted;
static char misrouted_at[256];

/* A frame from vf0 to 10.0.0.1: rule A's (vf1 before, vf3 after the
 * change) or software's, never B's (vf2, the lower overlapping rule). */
static void probe_a(const char *op)
{
	struct tf t;

	udp4(&t, 0x0a000001);
	snic_test_rx(&nic, VF(0), tf_data(&t), t.len);
	if (nic.hal.n_frames == 1 && nic.hal.frames[0].q != SNIC_FW_TX_REP &&
	    nic.hal.frames[0].vport == VF(2)) {
		if (!misrouted++)
			snprintf(misrouted_at, sizeof(misrouted_at), "after a %s: %.200s", op,
				 op_log);
	}
}

/* Changing rule A (a new version with the same table, priority and match:
 * what mod-flows and add-flows do) over an overlapping lower hardware rule
 * B: at no moment does A's traffic reach B. */
static void test_make_before_break(void)
{
	uint64_t a = add("priority=200,ip,nw_dst=10.0.0.1,actions=output:vf1");
	uint64_t b = add("priority=100,ip,actions=output:vf2");
	uint64_t a2, a3;
	struct tf t;

	sync_ok("mbb: before");
	SNIC_CHECK(info(a).state == SNIC_MGR_HW && info(b).state == SNIC_MGR_HW,
		   "A and B in hardware");
	udp4(&t, 0x0a000001);
	expect(VF(0), &t, vp("vport", VF(1)), "A's packet before the change");
	misrouted = 0;
	op_log[0] = 0;
	probe_fn = probe_a;
	snic_mgr_plan_del(plan, a);
	a2 = add("priority=200,ip,nw_dst=10.0.0.1,actions=output:vf3");
	sync_ok("mbb: change A");
	SNIC_CHECK(misrouted == 0, "A's packet went to B's vf2 during the change "
		   "(%u probes) %s", misrouted, misrouted_at);
	SNIC_CHECK(info(a2).state == SNIC_MGR_HW, "the new A in hardware: %s",
		   info(a2).reason ? info(a2).reason : "");
	/* and once more with a different match (no key clash) */
	misrouted = 0;
	op_log[0] = 0;
	snic_mgr_plan_del(plan, a2);
	a3 = add("priority=200,ip,nw_dst=10.0.0.0/30,actions=output:vf3");
	sync_ok("mbb: replace A");
	SNIC_CHECK(misrouted == 0, "A's packet went to B's vf2 during the replacement "
		   "%s", misrouted_at);
	probe_fn = NULL;
	SNIC_CHECK(info(a3).state == SNIC_MGR_HW, "the replacement in hardware");
	expect(VF(0), &t, vp("vport", VF(3)), "A's packet after the change");
	clear_rules();
	SNIC_CHECK_EQ(n_live, 3, "no bridge or old rule left behind");
}

/* A destroy that fails is not forgotten: the handle stays, the sync says
 * -EIO, and a retry removes the rule. */
static void test_failed_destroy(void)
{
	uint64_t a = add("priority=300,in_port=vf1,ip,actions=output:vf2");
	struct snic_mgr_sync_stats st;
	unsigned live;
	char err[256];
	struct tf t;

	sync_ok("failed destroy: add");
	live = n_live;
	fail_destroys = 1;
	snic_mgr_plan_del(plan, a);
	SNIC_CHECK(snic_mgr_plan_sync(plan, &st) == -EIO && st.failed == 1 && st.stuck == 1,
		   "a failed destroy: -EIO, 1 failure, 1 stuck (%u, %u)", st.failed, st.stuck);
	SNIC_CHECK(strstr(snic_mgr_plan_last_error(plan), "injected destroy failure") != NULL,
		   "the planner says why: %s", snic_mgr_plan_last_error(plan));
	SNIC_CHECK(snic_mgr_plan_stuck_rule(plan, a), "it names the rule");
	udp4(&t, 0x0a000002);
	expect(VF(1), &t, vp("vport", VF(2)), "the stuck rule still forwards");
	SNIC_CHECK_EQ(n_live, live, "its hardware rule is still there");
	fail_destroys = 1;
	SNIC_CHECK(snic_mgr_plan_retry_destroys(plan, err, sizeof(err)) == 1 &&
		   strstr(err, "injected"), "a failed retry keeps it: %s", err);
	SNIC_CHECK(snic_mgr_plan_retry_destroys(plan, err, sizeof(err)) == 0 &&
		   snic_mgr_plan_hw_stuck(plan) == 0, "a good retry removes it");
	SNIC_CHECK_EQ(n_live, live - 1, "its hardware rule is gone");
	expect(VF(1), &t, vp("rep", VF(1)), "its packets miss now");
	clear_rules();
}

/* Level ties across match classes (rules with different masks) and within
 * one (equal masks and values), in a level holding many rules of one mask:
 * the planner compares a rule with the other classes of its level only (a
 * big one-mask table costs a sort), which must still find every tie. */
static void test_tie_classes(void)
{
	uint64_t cls[40], dup, b1, b2, c3, other;
	char text[128];
	unsigned n_hw = 0;

	other = add("priority=60,in_port=vf2,udp,tp_dst=99,actions=drop");
	for (unsigned i = 0; i < 40; i++) {
		snprintf(text, sizeof(text), "priority=60,in_port=vf1,ip,nw_dst=10.1.0.%u,"
			 "actions=output:vf3", i + 1);
		cls[i] = add(text);
	}
	b1 = add("priority=60,in_port=vf1,ip,nw_src=10.2.0.1,actions=drop");
	dup = add("priority=60,in_port=vf1,ip,nw_dst=10.1.0.7,actions=drop");
	b2 = add("priority=60,in_port=vf1,ip,nw_src=10.3.0.1,actions=drop");
	c3 = add("priority=60,in_port=vf1,udp,tp_dst=99,actions=drop");
	sync_ok("tie classes");
	for (unsigned i = 0; i < 40; i++)
		n_hw += info(cls[i]).state == SNIC_MGR_HW;
	SNIC_CHECK_EQ(n_hw, 40, "the oldest class of the level: all in hardware");
	SNIC_CHECK(info(other).state == SNIC_MGR_HW, "a rule overlapping none: hw");
	want_sw(dup, "same priority", "the newer of two equal matches");
	want_sw(b1, "same priority", "a rule of a second class overlapping the first");
	want_sw(b2, "same priority", "another one of that class");
	want_sw(c3, "same priority", "a rule of a third class overlapping both");
	clear_rules();
}

/* A rule's hardware counters never go back while it lives: held back to
 * software and back into hardware (a new hardware rule), the counts of the
 * old one are kept; a failed last read loses that one's counts only, and is
 * not a failure of the sync. */
static uint64_t hw_pk(uint64_t id, int want_rc)
{
	uint64_t pk = 99, by = 99;
	char err[256] = "";
	int rc = snic_mgr_plan_hw_counters(plan, id, &pk, &by, err, sizeof(err));

	SNIC_CHECK(rc == want_rc, "hw counters of %llu: %d, want %d (%s)",
		   (unsigned long long)id, rc, want_rc, err);
	SNIC_CHECK(by >= pk * 60 && by <= pk * 128, "bytes %llu for %llu packets",
		   (unsigned long long)by, (unsigned long long)pk);
	return pk;
}

static void test_counters_kept(void)
{
	const char *metadata = "priority=300,in_port=vf2,metadata=0,actions=output:vf3";
	uint64_t lo = add("priority=100,in_port=vf2,actions=output:vf1"), hi;
	struct snic_mgr_sync_stats st;
	struct tf t;

	sync_ok("counted");
	udp4(&t, 0x0a000002);
	for (int i = 0; i < 3; i++)
		expect(VF(2), &t, vp("vport", VF(1)), "in hardware");
	SNIC_CHECK_EQ(hw_pk(lo, 0), 3, "3 packets");
	hi = add(metadata);
	sync_ok("held back");
	SNIC_CHECK(info(lo).state == SNIC_MGR_SW && info(lo).n_hw == 0, "held back");
	SNIC_CHECK_EQ(hw_pk(lo, -ENODATA), 3, "in software: no hardware rule, still 3");
	expect(VF(2), &t, vp("rep", VF(2)), "to software (not a hardware count)");
	snic_mgr_plan_del(plan, hi);
	sync_ok("back");
	SNIC_CHECK(info(lo).state == SNIC_MGR_HW, "back in hardware");
	SNIC_CHECK_EQ(hw_pk(lo, 0), 3, "a new hardware rule, still 3");
	for (int i = 0; i < 2; i++)
		expect(VF(2), &t, vp("vport", VF(1)), "in hardware again");
	SNIC_CHECK_EQ(hw_pk(lo, 0), 5, "3 + 2");
	hi = add(metadata);
	fail_queries = true;
	SNIC_CHECK(snic_mgr_plan_sync(plan, &st) == 0 && st.failed == 0 &&
		   st.lost_counts == 1, "a failed last read: sync 0, %u failed, %u lost",
		   st.failed, st.lost_counts);
	SNIC_CHECK(strstr(snic_mgr_plan_last_error(plan), "counts are lost"), "said: %s",
		   snic_mgr_plan_last_error(plan));
	fail_queries = false;
	SNIC_CHECK_EQ(hw_pk(lo, -ENODATA), 3, "the 2 of the unread hardware rule are lost");
	(void)hi;
	clear_rules();
}

int main(void)
{
	struct snic_mgr_xlate_env env = {
		.port = port_by_no, .neigh = neigh, .tunnels = tunnels,
		.proxy_port = 0, .uplink_port = 0,
	};
	char err[256];

	test_nic_up();
	memcpy(env.uplink_mac, up_mac, 6);
	env.priority_levels = snic_flow_get_caps(ctx)->priority_levels;
	env.max_group = snic_flow_get_caps(ctx)->max_table_level;
	SNIC_REQUIRE(snic_mgr_plan_create(&plan, &env, &logged_hw, NULL, err, sizeof(err)) == 0,
		     "plan: %s", err);
	sync_ok("empty");
	SNIC_CHECK_EQ(n_live, 3, "an empty plan: the root catch-all, one tunnel guard "
		      "(vxlan0 and vxlanf share the VTEP 192.168.1.1:4789) and the ARP guard");
	test_trap();
	test_hold_back();
	test_tunnel_below_any();
	test_level_tie();
	test_ingress_exclusion();
	test_capacity();
	test_replace_and_miss();
	test_same_priority();
	test_tie_classes();
	test_tunnel_hold_back();
	test_not_vxlan();
	test_encap_df();
	test_pop_uncovers();
	test_make_before_break();
	test_failed_destroy();
	test_counters_kept();
	snic_mgr_plan_destroy(plan);
	SNIC_CHECK_EQ(n_live, 0, "destroying the planner removes every hardware rule");
	test_nic_down();
	return snic_test_done();
}
