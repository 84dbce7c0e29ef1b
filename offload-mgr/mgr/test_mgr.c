/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_mgr.c - the manager's requests over the real translation, planner
 * and rte_flow driver code on the firmware booted in-process (small board),
 * with a real store in a private directory: atomic batches, replacement by
 * identity, del/mod/replace filters, tunnels and neighbors, persistence
 * across a restart, hardware counters, hard and idle timeouts (with a
 * counter read that fails, which must never make a rule idle).
 */
#include <stdlib.h>
#include <sys/stat.h>

#include "mgr_internal.h"
#include "pkt_frames.h"
#include "snic_mgr.h"
#include "test_nic.h"

static struct snic_mgr *mgr;
static struct snic_mgr_config cfg;
static char dir[64], db[128];
static uint64_t clock_ms = 1000000;

static uint64_t now_ms(void *arg)
{
	(void)arg;
	return clock_ms;
}

/* frames the manager sent (ARP) */
static unsigned n_tx;
static uint8_t tx_frame[16][64];

static int tx(void *arg, uint16_t port, const uint8_t *f, uint32_t len)
{
	(void)arg;
	if (port == 0 && n_tx < 16 && len <= 64)
		memcpy(tx_frame[n_tx], f, len);
	n_tx++;
	return 0;
}

/* the hardware: test_nic.h's, with a probe after every create and destroy
 * and injected destroy failures */
static void (*probe_fn)(void);
static unsigned fail_destroys;

static int probed_create(void *arg, const struct snic_mgr_hwrule *r, void **h,
			 struct rte_flow_error *e)
{
	int rc = hw.create(arg, r, h, e);

	if (!rc && probe_fn)
		probe_fn();
	return rc;
}

static int probed_destroy(void *arg, void *h, struct rte_flow_error *e)
{
	int rc;

	if (fail_destroys) {
		fail_destroys--;
		e->message = "injected destroy failure";
		return -EIO;
	}
	rc = hw.destroy(arg, h, e);
	if (!rc && probe_fn)
		probe_fn();
	return rc;
}

static const struct snic_mgr_hw_ops probed_hw = { probed_create, probed_destroy, hw_query };

static void start(void)
{
	struct snic_mgr_err err = { 0 };

	SNIC_REQUIRE(snic_mgr_create(&mgr, &cfg, &err) == 0, "manager: %s", err.msg);
}

/* ---- helpers ---- */

struct seen {
	unsigned n;
	char text[16][512];
	enum snic_mgr_state state[16];
	uint64_t id[16], hw_packets[16], sw_packets[16];
	char reason[16][256];
};

static int collect(void *arg, const struct snic_mgr_flow_view *v)
{
	struct seen *s = arg;

	if (s->n < 16) {
		snprintf(s->text[s->n], sizeof(s->text[0]), "%s", v->text);
		snprintf(s->reason[s->n], sizeof(s->reason[0]), "%s", v->reason ? v->reason : "");
		s->state[s->n] = v->state;
		s->id[s->n] = v->id;
		s->hw_packets[s->n] = v->hw_packets;
		s->sw_packets[s->n] = v->sw_packets;
	}
	s->n++;
	return 0;
}

static struct seen dump(const char *match)
{
	struct seen s = { 0 };
	struct snic_mgr_err err;

	SNIC_REQUIRE(snic_mgr_dump_flows(mgr, match, -1, collect, &s, &err) == 0,
		     "dump: %s", err.msg);
	return s;
}

static void add(const char *const *texts, size_t n)
{
	struct snic_mgr_err err = { 0 };
	uint64_t added;

	SNIC_REQUIRE(snic_mgr_add_flows(mgr, texts, n, &added, &err) == 0 && added == n,
		     "add: %s", err.msg);
}

static void frame(struct tf *t, uint32_t dst)
{
	static const uint8_t d[6] = { 2, 0, 0, 0, 0, 1 }, s[6] = { 2, 0, 0, 0, 0, 2 };
	struct tf_ip4 ip = { .proto = 17, .ttl = 64, .src = 0x0a000001, .dst = dst };

	tf_init(t);
	tf_payload(t, 30, 3);
	tf_udp(t, 1000, 2000);
	tf_ipv4(t, &ip);
	tf_eth(t, d, s, 0x0800);
}

static const struct snic_fw_memhal_frame *send_from(uint16_t vport, uint32_t dst)
{
	struct tf t;

	frame(&t, dst);
	snic_test_rx(&nic, vport, tf_data(&t), t.len);
	return nic.hal.n_frames ? &nic.hal.frames[0] : NULL;
}

static bool went(uint16_t from, uint32_t dst, enum snic_fw_txq q, uint16_t vport)
{
	const struct snic_fw_memhal_frame *f = send_from(from, dst);

	return f && nic.hal.n_frames == 1 && f->q == q && f->vport == vport;
}

/* ---- cases ---- */

static void test_batches(void)
{
	const char *bad[] = { "priority=100,in_port=vf0,actions=output:vf1",
			      "priority=90,in_port=vf1,actions=output:vf0",
			      "priority=80,in_port=vf9,actions=drop" };
	const char *good[] = { "priority=100,in_port=vf0,actions=output:vf1",
			       "priority=90,in_port=vf1,ip,actions=output:vf0",
			       "priority=80,in_port=vf2,actions=controller" };
	const char *again[] = { "priority=100,in_port=vf0,actions=output:vf3" };
	struct snic_mgr_err err = { 0 };
	uint64_t added = 99;
	struct seen s;
	int rc;

	rc = snic_mgr_add_flows(mgr, bad, 3, &added, &err);
	SNIC_CHECK(rc < 0 && err.index == 2 && strstr(err.msg, "vf9") && added == 0,
		   "a bad third rule refuses the batch: %d index %lld: %s", rc, err.index, err.msg);
	SNIC_CHECK_EQ(dump(NULL).n, 0, "nothing of the refused batch was added");
	add(good, 3);
	s = dump(NULL);
	SNIC_CHECK(s.n == 3 && !strcmp(s.text[0], "priority=100,in_port=vf0 actions=output:vf1"),
		   "dump: %u rules, first \"%s\"", s.n, s.text[0]);
	SNIC_CHECK(s.state[0] == SNIC_MGR_HW && s.state[1] == SNIC_MGR_HW &&
		   s.state[2] == SNIC_MGR_SW && strstr(s.reason[2], "controller"),
		   "states hw, hw, sw (%s)", s.reason[2]);
	SNIC_CHECK(went(VF(0), 0x0a000002, SNIC_FW_TX_VPORT, VF(1)), "vf0 -> vf1 in the NIC");
	/* the same identity again: replaces */
	add(again, 1);
	s = dump(NULL);
	SNIC_CHECK(s.n == 3 && !strcmp(s.text[0], "priority=100,in_port=vf0 actions=output:vf3"),
		   "add-flow of an existing identity replaced it: %s", s.text[0]);
	SNIC_CHECK(went(VF(0), 0x0a000002, SNIC_FW_TX_VPORT, VF(3)), "vf0 -> vf3 now");
	s = dump(NULL);
	SNIC_CHECK(s.hw_packets[0] == 1, "the new rule counted 1 packet (%llu)",
		   (unsigned long long)s.hw_packets[0]);
}

static void test_del_mod_replace(void)
{
	const char *mod[] = { "in_port=vf1,ip,actions=output:vf2" };
	const char *repl[] = { "priority=100,in_port=vf0,actions=output:vf3",
			       "priority=90,in_port=vf1,ip,actions=output:vf3",
			       "priority=70,in_port=vf3,actions=drop" };
	struct snic_mgr_err err = { 0 };
	uint64_t n, a, d, mo;
	struct seen s;

	SNIC_CHECK(snic_mgr_mod_flows(mgr, mod, 1, true, &n, &err) == 0 && n == 0,
		   "strict mod of priority 32768 selects nothing (%llu)", (unsigned long long)n);
	SNIC_CHECK(snic_mgr_mod_flows(mgr, mod, 1, false, &n, &err) == 0 && n == 1,
		   "mod-flows in_port=vf1,ip: %llu modified (%s)", (unsigned long long)n, err.msg);
	SNIC_CHECK(went(VF(1), 0x0a000002, SNIC_FW_TX_VPORT, VF(2)), "vf1 -> vf2 after mod");
	SNIC_CHECK(snic_mgr_replace_flows(mgr, repl, 3, &a, &d, &mo, &err) == 0 &&
		   a == 1 && d == 1 && mo == 1, "replace: +%llu -%llu ~%llu",
		   (unsigned long long)a, (unsigned long long)d, (unsigned long long)mo);
	s = dump(NULL);
	SNIC_CHECK(s.n == 3 && strstr(s.text[2], "in_port=vf3"), "after replace: %u rules", s.n);
	SNIC_CHECK(snic_mgr_del_flows(mgr, "in_port=vf3", false, &n, &err) == 0 && n == 1,
		   "del-flows in_port=vf3: %llu", (unsigned long long)n);
	SNIC_CHECK(snic_mgr_del_flows(mgr, "priority=1,in_port=vf0", true, &n, &err) == 0 && n == 0,
		   "strict del with another priority deletes nothing");
	SNIC_CHECK(snic_mgr_del_flows(mgr, "in_port=vf7x", false, &n, &err) < 0 &&
		   strstr(err.msg, "vf7x"), "a bad filter is refused: %s", err.msg);
	SNIC_CHECK_EQ(dump(NULL).n, 2, "two rules left");
	SNIC_CHECK_EQ(dump("in_port=vf1").n, 1, "dump filter in_port=vf1");
}

/* A rule is kept once, as the planner's copy; a change makes a new version
 * (the manager's own until the planner has it).  Versions with more and
 * fewer actions, two changes of one rule in one request (the last wins),
 * a replace, and the store's copy after a restart. */
static void test_versions(void)
{
	const char *r[] = { "priority=300,in_port=vf3,ip,actions=output:vf0" };
	const char *two[] = {
		"in_port=vf3,ip,actions=mod_dl_dst:02:00:00:00:00:08,output:vf1",
		"in_port=vf3,ip,actions=mod_dl_src:02:00:00:00:00:07,"
		"mod_dl_dst:02:00:00:00:00:09,output:vf2",
	};
	const char *fewer[] = { "priority=300,in_port=vf3,ip,actions=output:vf1" };
	struct snic_mgr_err err = { 0 };
	uint64_t n, a, d, mo;
	struct seen s;

	SNIC_REQUIRE(snic_mgr_del_flows(mgr, NULL, false, &n, &err) == 0, "clear: %s", err.msg);
	add(r, 1);
	SNIC_CHECK(snic_mgr_mod_flows(mgr, two, 2, false, &n, &err) == 0 && n == 2,
		   "two changes of one rule: %llu (%s)", (unsigned long long)n, err.msg);
	s = dump("in_port=vf3");
	SNIC_CHECK(s.n == 1 && s.state[0] == SNIC_MGR_HW &&
		   strstr(s.text[0], "mod_dl_src:02:00:00:00:00:07,mod_dl_dst:02:00:00:00:00:09,"
			  "output:vf2"), "the last one wins: %s", s.text[0]);
	SNIC_CHECK(went(VF(3), 0x0a000002, SNIC_FW_TX_VPORT, VF(2)), "vf3 -> vf2");
	SNIC_CHECK(snic_mgr_replace_flows(mgr, fewer, 1, &a, &d, &mo, &err) == 0 && mo == 1,
		   "replace with fewer actions: ~%llu (%s)", (unsigned long long)mo, err.msg);
	SNIC_CHECK(went(VF(3), 0x0a000002, SNIC_FW_TX_VPORT, VF(1)), "vf3 -> vf1");
	snic_mgr_destroy(mgr);
	start();
	s = dump("in_port=vf3");
	SNIC_CHECK(s.n == 1 && s.state[0] == SNIC_MGR_HW &&
		   !strcmp(s.text[0], "priority=300,ip,in_port=vf3 actions=output:vf1"),
		   "stored as changed: %s", s.text[0]);
	SNIC_CHECK(went(VF(3), 0x0a000002, SNIC_FW_TX_VPORT, VF(1)), "after a restart too");
	SNIC_CHECK(snic_mgr_del_flows(mgr, NULL, false, &n, &err) == 0 && n == 1,
		   "del-flows: %llu", (unsigned long long)n);
}

static void test_tunnels(void)
{
	const char *out[] = { "priority=200,in_port=vf2,ip,actions=output:vxlan0" };
	struct snic_mgr_err err = { 0 };
	const struct snic_fw_memhal_frame *f;
	uint64_t n;
	struct seen s;

	SNIC_CHECK(snic_mgr_add_tunnel(mgr, "vxlan0", "192.168.1.2", "192.168.1.1", "100",
				       4789, &err) == 0, "add tunnel: %s", err.msg);
	SNIC_CHECK(snic_mgr_add_tunnel(mgr, "vxlan1", "192.168.1.300", "192.168.1.1", "100",
				       4789, &err) < 0 && strstr(err.msg, "remote_ip"),
		   "bad remote_ip refused: %s", err.msg);
	add(out, 1);
	s = dump("in_port=vf2");
	SNIC_CHECK(s.n == 1 && s.state[0] == SNIC_MGR_PENDING && strstr(s.reason[0], "192.168.1.2"),
		   "encap rule pending on the next hop: %s", s.reason[0]);
	SNIC_CHECK(snic_mgr_set(mgr, "neighbor.192.168.1.2", "02:ee:00:00:00:02", &err) == 0,
		   "set neighbor: %s", err.msg);
	SNIC_CHECK(snic_mgr_set(mgr, "neighbor.192.168.1.2", "01:00:00:00:00:02", &err) < 0 &&
		   strstr(err.msg, "unicast"), "a multicast neighbor MAC is refused");
	s = dump("in_port=vf2");
	SNIC_CHECK(s.state[0] == SNIC_MGR_HW, "with the neighbor known: hw (%s)", s.reason[0]);
	f = send_from(VF(2), 0x0a000002);
	SNIC_CHECK(f && f->q == SNIC_FW_TX_VPORT && f->vport == UP && f->len > 50 &&
		   f->data[0] == 0x02 && f->data[1] == 0xee && f->data[23] == 17 &&
		   f->data[46] == 0 && f->data[47] == 0 && f->data[48] == 100,
		   "VXLAN VNI 100 to the next hop's MAC on the uplink");
	SNIC_CHECK(snic_mgr_del_tunnel(mgr, "vxlan0", &err) == -EBUSY &&
		   strstr(err.msg, "used by rule"), "a tunnel in use stays: %s", err.msg);
	SNIC_CHECK(snic_mgr_del_flows(mgr, "in_port=vf2", false, &n, &err) == 0 && n == 1, "del");
}

static void test_restart(void)
{
	struct seen before = dump(NULL), after;
	struct snic_mgr_err err;
	bool same = true;

	snic_mgr_destroy(mgr);
	mgr = NULL;
	SNIC_CHECK(send_from(VF(0), 0x0a000002) && nic.hal.frames[0].q == SNIC_FW_TX_REP,
		   "without the manager the NIC has no rules (exception path)");
	start();
	after = dump(NULL);
	same = before.n == after.n;
	for (unsigned i = 0; i < before.n && same; i++)
		same = before.id[i] == after.id[i] && !strcmp(before.text[i], after.text[i]) &&
		       before.state[i] == after.state[i];
	SNIC_CHECK(same, "after a restart the same %u rules, ids, texts and states", after.n);
	SNIC_CHECK(went(VF(0), 0x0a000002, SNIC_FW_TX_VPORT, VF(3)), "and the NIC forwards again");
	SNIC_CHECK(snic_mgr_del_tunnel(mgr, "vxlan0", &err) == 0, "the tunnel came back: %s",
		   err.msg);
}

/* An ARP frame from ip/mac for tpa (op 1 request, 2 reply). */
static void arp(uint8_t *f, uint16_t op, const uint8_t *mac, uint32_t ip, uint32_t tpa)
{
	static const uint8_t up[6] = { 0x02, 0xaa, 0, 0, 1, 0 };
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	if (op == 2)
		memcpy(f, up, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 8; f[13] = 6; f[15] = 1; f[16] = 8; f[18] = 6; f[19] = 4; f[21] = (uint8_t)op;
	memcpy(f + 22, mac, 6);
	f[28] = (uint8_t)(ip >> 24); f[29] = (uint8_t)(ip >> 16); f[30] = (uint8_t)(ip >> 8); f[31] = (uint8_t)ip;
	if (op == 2)
		memcpy(f + 32, up, 6);
	f[38] = (uint8_t)(tpa >> 24); f[39] = (uint8_t)(tpa >> 16); f[40] = (uint8_t)(tpa >> 8); f[41] = (uint8_t)tpa;
}

/* Next hops resolved with ARP on the uplink, kept current, answered. */
static void test_arp(void)
{
	const char *enc[] = { "priority=210,in_port=vf1,ip,actions=output:vxlan1" };
	const char *wire[] = { "priority=500,in_port=uplink,actions=output:vf0" };
	const char *lost[] = { "priority=220,in_port=vf3,ip,actions=output:vxlan2" };
	static const uint8_t m7[6] = { 2, 0x77, 0, 0, 0, 7 }, m8[6] = { 2, 0x77, 0, 0, 0, 8 };
	static const uint8_t m9[6] = { 2, 0x77, 0, 0, 0, 9 };
	const struct snic_fw_memhal_frame *f;
	struct snic_mgr_err err;
	uint8_t a[60];
	uint64_t n;
	struct seen s;

	SNIC_REQUIRE(snic_mgr_add_tunnel(mgr, "vxlan1", "192.168.1.7", "192.168.1.1", "200",
					 4789, &err) == 0, "tunnel: %s", err.msg);
	n_tx = 0;
	add(enc, 1);
	s = dump("in_port=vf1,ip");
	SNIC_CHECK(s.state[0] == SNIC_MGR_PENDING && strstr(s.reason[0], "192.168.1.7"),
		   "pending on ARP: %s", s.reason[0]);
	SNIC_CHECK(n_tx == 1 && !memcmp(tx_frame[0], "\xff\xff\xff\xff\xff\xff", 6) &&
		   tx_frame[0][21] == 1 && tx_frame[0][41] == 7 && tx_frame[0][31] == 1 &&
		   tx_frame[0][22] == 0x02 && tx_frame[0][23] == 0xaa,
		   "an ARP request for 192.168.1.7 from 192.168.1.1 went out (%u)", n_tx);
	clock_ms += 1100;
	snic_mgr_tick(mgr);
	SNIC_CHECK_EQ(n_tx, 2, "no answer within a second: asked again");
	arp(a, 2, m7, 0xc0a80107, 0xc0a80101);
	SNIC_CHECK_EQ(snic_mgr_arp_input(mgr, a, 60), 1, "the reply is the manager's");
	s = dump("in_port=vf1,ip");
	SNIC_CHECK(s.state[0] == SNIC_MGR_HW, "resolved: the encap rule is in hardware "
		   "(%u, %s: %s)", s.state[0], s.text[0], s.reason[0]);
	f = send_from(VF(1), 0x0a000002);
	SNIC_CHECK(f && f->vport == UP && !memcmp(f->data, m7, 6), "encapsulated to the learnt MAC");
	arp(a, 2, m8, 0xc0a80107, 0xc0a80101);
	snic_mgr_arp_input(mgr, a, 60);
	f = send_from(VF(1), 0x0a000002);
	SNIC_CHECK(f && f->vport == UP && !memcmp(f->data, m8, 6),
		   "the next hop moved: the hardware rule follows its new MAC");
	/* asked for our VTEP: answered; and the wire's ARP always reaches us */
	n_tx = 0;
	arp(a, 1, m9, 0xc0a80109, 0xc0a80101);
	SNIC_CHECK_EQ(snic_mgr_arp_input(mgr, a, 60), 1, "a request for the VTEP is ours");
	SNIC_CHECK(n_tx == 1 && !memcmp(tx_frame[0], m9, 6) && tx_frame[0][21] == 2 &&
		   !memcmp(tx_frame[0] + 22, "\x02\xaa\x00\x00\x01\x00", 6) &&
		   tx_frame[0][31] == 1 && tx_frame[0][41] == 9, "answered with the uplink's MAC");
	add(wire, 1);
	snic_test_rx(&nic, UP, a, 60);
	SNIC_CHECK(nic.hal.n_frames == 1 && nic.hal.frames[0].q == SNIC_FW_TX_REP &&
		   nic.hal.frames[0].vport == UP, "ARP from the wire goes to software even "
		   "with a hardware rule for everything from the uplink");
	/* nobody answers: after 3 requests the next hop is unreachable */
	SNIC_REQUIRE(snic_mgr_add_tunnel(mgr, "vxlan2", "192.168.1.99", "192.168.1.1", "300",
					 4789, &err) == 0, "tunnel: %s", err.msg);
	add(lost, 1);
	for (int i = 0; i < 4; i++) {
		clock_ms += 1100;
		snic_mgr_tick(mgr);
	}
	s = dump("in_port=vf3,ip");
	SNIC_CHECK(s.state[0] == SNIC_MGR_SW && strstr(s.reason[0], "no route"),
		   "unanswered: %s", s.reason[0]);
	snic_mgr_del_flows(mgr, "priority=210,in_port=vf1,ip", true, &n, &err);
	snic_mgr_del_flows(mgr, "priority=220,in_port=vf3,ip", true, &n, &err);
	snic_mgr_del_flows(mgr, "priority=500,in_port=uplink", true, &n, &err);
	/* an ARP flood for the VTEP from 10 000 addresses: every request
	 * answered, the table bounded, the askers never asked in return */
	n_tx = 0;
	for (uint32_t i = 0; i < 10000; i++) {
		uint8_t mk[6] = { 2, 0x66, 0, 0, (uint8_t)(i >> 8), (uint8_t)i };

		arp(a, 1, mk, 0x0a090000 + i, 0xc0a80101);
		snic_mgr_arp_input(mgr, a, 60);
	}
	SNIC_CHECK_EQ(n_tx, 10000, "every request for the VTEP answered");
	SNIC_CHECK(mgr->n_neigh <= 4096, "the neighbor table stays bounded (%u)", mgr->n_neigh);
	n_tx = 0;
	clock_ms += 61000;
	snic_mgr_tick(mgr);
	{
		unsigned asked_askers = 0;

		for (unsigned i = 0; i < n_tx && i < 16; i++)
			asked_askers += tx_frame[i][21] == 1 && tx_frame[i][38] == 10 &&
					tx_frame[i][39] == 9;
		SNIC_CHECK(n_tx <= 3 && asked_askers == 0, "a minute later only the rules' "
			   "next hops are asked again (%u requests, %u to askers)", n_tx,
			   asked_askers);
	}
	/* a rule that needs a recent asker uses its MAC at once, without asking */
	SNIC_REQUIRE(snic_mgr_add_tunnel(mgr, "vxlan3", "10.9.39.15", "192.168.1.1", "400",
					 4789, &err) == 0, "tunnel: %s", err.msg);
	n_tx = 0;
	{
		const char *asker[] = { "priority=230,in_port=vf2,ip,actions=output:vxlan3" };

		add(asker, 1);
		s = dump("in_port=vf2,ip");
		SNIC_CHECK(s.state[0] == SNIC_MGR_HW && n_tx == 0,
			   "the asker's MAC serves the rule: %u (%s), %u requests", s.state[0],
			   s.reason[0], n_tx);
		f = send_from(VF(2), 0x0a000002);
		SNIC_CHECK(f && f->vport == UP && f->data[0] == 2 && f->data[1] == 0x66 &&
			   f->data[4] == 0x27 && f->data[5] == 0x0f,
			   "encapsulated to the asker's MAC");
	}
	snic_mgr_del_flows(mgr, "priority=230,in_port=vf2,ip", true, &n, &err);
	SNIC_CHECK(snic_mgr_del_tunnel(mgr, "vxlan3", &err) == 0, "tunnel gone: %s", err.msg);
	SNIC_CHECK(snic_mgr_del_tunnel(mgr, "vxlan1", &err) == 0 &&
		   snic_mgr_del_tunnel(mgr, "vxlan2", &err) == 0, "tunnels gone: %s", err.msg);
}

/* A rule the NIC cannot do runs in the software datapath: the frame the
 * NIC hands over (on vf0's representor) comes out rewritten for vf1. */
static void test_software(void)
{
	const char *r[] = { "priority=400,in_port=vf0,ip,actions=mod_nw_tos:32,output:vf1" };
	struct snic_mgr_swdp_result res;
	struct snic_mgr_swdp_pkt pk;
	uint64_t n;
	struct snic_mgr_err err;
	struct seen s;
	struct tf t;

	add(r, 1);
	s = dump("in_port=vf0,ip");
	SNIC_CHECK(s.n >= 1 && s.state[0] == SNIC_MGR_SW && strstr(s.reason[0], "mod_nw_tos"),
		   "the DSCP rule runs in software: %s", s.reason[0]);
	SNIC_CHECK(went(VF(0), 0x0a000002, SNIC_FW_TX_REP, VF(0)),
		   "the NIC hands its packets to vf0's representor (trapped)");
	frame(&t, 0x0a000002);
	pk.in_ofport = snic_mgr_ofport_of_dpdk(mgr, 1);
	pk.frame = tf_data(&t);
	pk.len = t.len;
	SNIC_CHECK(pk.in_ofport == SNIC_MGR_OFPORT_VF0, "vf0's representor is OpenFlow port %u",
		   pk.in_ofport);
	SNIC_REQUIRE(snic_mgr_sw_process(mgr, &pk, 1, &res) == 1, "sw process");
	SNIC_CHECK(res.n_out == 1 && res.out[0].dpdk_port == 2 && res.out[0].len == t.len &&
		   res.out[0].frame[15] == 32, "software: one frame to vf1 with ToS 32 "
		   "(n_out %u, port %u, tos %u)", res.n_out, res.n_out ? res.out[0].dpdk_port : 0,
		   res.n_out ? res.out[0].frame[15] : 0);
	s = dump("in_port=vf0,ip");
	SNIC_CHECK(s.n >= 1 && s.state[0] == SNIC_MGR_SW && s.sw_packets[0] == 1 &&
		   s.hw_packets[0] == 0, "dump-flows: sw, 1 software packet, 0 in hardware "
		   "(%llu, %llu)", (unsigned long long)s.sw_packets[0],
		   (unsigned long long)s.hw_packets[0]);
	SNIC_CHECK(snic_mgr_del_flows(mgr, "in_port=vf0,ip", true, &n, &err) == 0 ||
		   snic_mgr_del_flows(mgr, "priority=400,in_port=vf0,ip", true, &n, &err) == 0,
		   "delete it: %s", err.msg);
}

static void test_timeouts(void)
{
	const char *t[] = { "priority=300,hard_timeout=5,in_port=vf3,actions=drop",
			    "priority=300,idle_timeout=3,in_port=vf2,actions=output:vf1" };
	uint64_t t0 = clock_ms;

	add(t, 2);
	clock_ms = t0 + 4000;
	SNIC_CHECK_EQ(snic_mgr_tick(mgr), 0, "nothing expires at 4 s");
	for (int s = 1; s <= 6; s++) {        /* traffic keeps the idle rule */
		clock_ms = t0 + 4000 + (uint64_t)s * 1000;
		send_from(VF(2), 0x0a000002);
		snic_mgr_tick(mgr);
	}
	SNIC_CHECK(dump("in_port=vf2").n == 1, "the idle rule lives while it sees traffic");
	SNIC_CHECK(dump("in_port=vf3").n == 0, "the hard timeout removed its rule");
	fail_queries = true;
	for (int s = 1; s <= 6; s++) {
		clock_ms = t0 + 10000 + (uint64_t)s * 1000;
		snic_mgr_tick(mgr);
	}
	SNIC_CHECK(dump("in_port=vf2").n == 1, "failed counter reads never make a rule idle");
	fail_queries = false;
	for (int s = 1; s <= 5; s++) {
		clock_ms = t0 + 20000 + (uint64_t)s * 1000;
		snic_mgr_tick(mgr);
	}
	SNIC_CHECK(dump("in_port=vf2").n == 0, "idle for 3 s of good reads: removed");
}

/* A rule whose actions expand past a hardware rule's room runs in software
 * (it overflowed the translation's arrays before). */
static void test_too_many_actions(void)
{
	char text[1024] = "priority=660,in_port=vf2,actions=";
	const char *r[] = { text };
	struct snic_mgr_swdp_result res;
	struct snic_mgr_swdp_pkt pk;
	struct snic_mgr_err err;
	uint64_t n;
	struct seen s;
	struct tf t;

	for (int i = 0; i < 15; i++)
		strcat(text, "push_vlan:0x8100,strip_vlan,");
	strcat(text, "output:vf1");
	add(r, 1);
	s = dump("in_port=vf2");
	SNIC_CHECK(s.n == 1 && s.state[0] == SNIC_MGR_SW &&
		   strstr(s.reason[0], "too many hardware actions (63, the limit is 48)"),
		   "in software, saying why: %s", s.reason[0]);
	SNIC_CHECK(went(VF(2), 0x0a000002, SNIC_FW_TX_REP, VF(2)), "the NIC traps its packets");
	frame(&t, 0x0a000002);
	pk.in_ofport = snic_mgr_ofport_of_dpdk(mgr, 3);
	pk.frame = tf_data(&t);
	pk.len = t.len;
	SNIC_REQUIRE(snic_mgr_sw_process(mgr, &pk, 1, &res) == 1, "sw process");
	SNIC_CHECK(res.n_out == 1 && res.out[0].dpdk_port == 2 && res.out[0].len == t.len,
		   "software sends it to vf1 as it came (n_out %u)", res.n_out);
	SNIC_CHECK(snic_mgr_del_flows(mgr, "in_port=vf2", false, &n, &err) == 0 && n == 1,
		   "delete it: %s", err.msg);
}

static unsigned misrouted;

/* From vf2 to 10.0.0.1: rule A's or software's, never B's vf0. */
static void probe_a(void)
{
	const struct snic_fw_memhal_frame *f = send_from(VF(2), 0x0a000001);

	misrouted += f && f->q == SNIC_FW_TX_VPORT && f->vport == VF(0);
}

/* mod-flows and add-flows of an existing identity over an overlapping
 * lower hardware rule: no moment where A's traffic reaches B. */
static void test_change_in_place(void)
{
	const char *ab[] = { "priority=650,in_port=vf2,ip,nw_dst=10.0.0.1,actions=output:vf1",
			     "priority=640,in_port=vf2,ip,actions=output:vf0" };
	const char *mod[] = { "priority=650,in_port=vf2,ip,nw_dst=10.0.0.1,actions=output:vf3" };
	const char *again[] = { "priority=650,in_port=vf2,ip,nw_dst=10.0.0.1,actions=output:vf1" };
	struct snic_mgr_err err;
	uint64_t n;
	struct seen s;

	add(ab, 2);
	s = dump("in_port=vf2");
	SNIC_CHECK(s.n == 2 && s.state[0] == SNIC_MGR_HW && s.state[1] == SNIC_MGR_HW,
		   "A and B in hardware");
	misrouted = 0;
	probe_fn = probe_a;
	SNIC_CHECK(snic_mgr_mod_flows(mgr, mod, 1, true, &n, &err) == 0 && n == 1,
		   "mod-flows A: %s", err.msg);
	SNIC_CHECK_EQ(misrouted, 0, "during mod-flows A's packets never went to B's vf0");
	add(again, 1);
	SNIC_CHECK_EQ(misrouted, 0, "during add-flows replacing A neither");
	probe_fn = NULL;
	SNIC_CHECK(went(VF(2), 0x0a000001, SNIC_FW_TX_VPORT, VF(1)), "A's packets to vf1 now");
	SNIC_CHECK(snic_mgr_del_flows(mgr, "in_port=vf2", false, &n, &err) == 0 && n == 2,
		   "delete them: %s", err.msg);
}

/* Hardware destroys that fail on del-flows: reported, retried by tick.
 * (Every destroy of that sync fails: on this board a removal also moves
 * the other rules' levels, and the old versions go too.) */
static void test_failed_destroy(void)
{
	const char *r[] = { "priority=670,in_port=vf2,actions=output:vf1" };
	struct snic_mgr_err err;
	unsigned stuck;
	uint64_t n;

	add(r, 1);
	fail_destroys = 1000;
	SNIC_CHECK(snic_mgr_del_flows(mgr, "in_port=vf2", false, &n, &err) == 0 && n == 1,
		   "del-flows: %s", err.msg);
	stuck = snic_mgr_hw_stuck(mgr);
	SNIC_CHECK(stuck >= 1, "its hardware rule is stuck (for show): %u", stuck);
	SNIC_CHECK(went(VF(2), 0x0a000002, SNIC_FW_TX_VPORT, VF(1)),
		   "it still forwards meanwhile");
	snic_mgr_tick(mgr);
	SNIC_CHECK_EQ(snic_mgr_hw_stuck(mgr), stuck, "a failed retry keeps them");
	fail_destroys = 0;
	snic_mgr_tick(mgr);
	SNIC_CHECK_EQ(snic_mgr_hw_stuck(mgr), 0, "a good retry removes them");
	SNIC_CHECK(went(VF(2), 0x0a000002, SNIC_FW_TX_REP, VF(2)), "its packets miss now");
}

/* The planner refuses a rule (out of memory; here its planner id is taken):
 * the rule shows as failed, "not planned", and tick plans it later. */
static void test_not_planned(void)
{
	const char *r[] = { "priority=680,in_port=vf2,actions=output:vf3" };
	struct snic_of_rule rogue;
	struct snic_of_error oe;
	struct snic_mgr_err err;
	uint64_t taken = mgr->next_plan_id, n;
	unsigned hw_n, sw_n, pe_n, fa_n;
	struct seen s;

	SNIC_REQUIRE(snic_of_rule_parse("priority=1,in_port=vf3,actions=drop", SNIC_OF_MODE_ADD,
					&of_ports, &rogue, &oe) == 0, "rogue: %s", oe.msg);
	SNIC_REQUIRE(snic_mgr_plan_add(mgr->plan, taken, &rogue) == 0, "take the id");
	mgr_sync(mgr);
	add(r, 1);
	s = dump("in_port=vf2");
	SNIC_CHECK(s.n == 1 && s.state[0] == SNIC_MGR_FAILED && strstr(s.reason[0], "not planned"),
		   "dump-flows: failed, not planned (%s: %s)", snic_mgr_state_name(s.state[0]),
		   s.reason[0]);
	snic_mgr_counts(mgr, &hw_n, &sw_n, &pe_n, &fa_n);
	SNIC_CHECK_EQ(fa_n, 1, "show counts it failed");
	snic_mgr_plan_del(mgr->plan, taken);
	mgr_sync(mgr);
	snic_mgr_tick(mgr);
	s = dump("in_port=vf2");
	SNIC_CHECK(s.n == 1 && s.state[0] == SNIC_MGR_HW, "tick planned it: %s (%s)",
		   snic_mgr_state_name(s.state[0]), s.reason[0]);
	SNIC_CHECK(went(VF(2), 0x0a000002, SNIC_FW_TX_VPORT, VF(3)), "and the NIC forwards it");
	SNIC_CHECK(snic_mgr_del_flows(mgr, "in_port=vf2", false, &n, &err) == 0 && n == 1,
		   "delete it: %s", err.msg);
}

/* A rule's hardware counters never go back while it lives: a higher
 * overlapping rule makes the planner re-create its hardware rule (new
 * levels or exclusions); the old one's counts are kept.  A failed last read
 * loses that one's counts only (never a wrong sum, never a lasting error). */
static char hw_text[4096];

static int hw_of(void *arg, uint64_t id, const char *testpmd)
{
	if (id == *(const uint64_t *)arg)
		snprintf(hw_text, sizeof(hw_text), "%s", testpmd);
	return 0;
}

/* dump-flows' hardware packets of the rule priority=700,in_port=vf2 */
static uint64_t hw_packets_700(uint64_t *id)
{
	struct seen s = dump("in_port=vf2");

	for (unsigned i = 0; i < s.n && i < 16; i++)
		if (strstr(s.text[i], "priority=700,") == s.text[i]) {
			SNIC_CHECK(s.state[i] == SNIC_MGR_HW, "in hardware: %s", s.reason[i]);
			*id = s.id[i];
			return s.hw_packets[i];
		}
	SNIC_REQUIRE(0, "no priority=700 rule among %u", s.n);
	return 0;
}

static void test_counters_kept(void)
{
	const char *r[] = { "priority=700,in_port=vf2,actions=output:vf1" };
	const char *hi[] = { "priority=710,in_port=vf2,ip,nw_dst=10.0.0.9,actions=output:vf3",
			     "priority=720,in_port=vf2,ip,nw_dst=10.0.0.8,actions=output:vf3" };
	struct snic_mgr_err err;
	char before[sizeof(hw_text)];
	uint64_t id, n;

	add(r, 1);
	for (int i = 0; i < 3; i++)
		SNIC_CHECK(went(VF(2), 0x0a000002, SNIC_FW_TX_VPORT, VF(1)), "to vf1 (%d)", i);
	SNIC_CHECK_EQ(hw_packets_700(&id), 3, "3 packets counted");
	snic_mgr_dump_hw(mgr, hw_of, &id);
	snprintf(before, sizeof(before), "%s", hw_text);
	add(hi, 1);     /* the planner re-creates the lower rule */
	snic_mgr_dump_hw(mgr, hw_of, &id);
	SNIC_CHECK(strcmp(before, hw_text) != 0, "its hardware rule was re-created:\n%s\n%s",
		   before, hw_text);
	SNIC_CHECK_EQ(hw_packets_700(&id), 3,
		      "the re-created rule still shows the 3 packets");
	for (int i = 0; i < 2; i++)
		SNIC_CHECK(went(VF(2), 0x0a000002, SNIC_FW_TX_VPORT, VF(1)), "to vf1 (%d)", i);
	SNIC_CHECK_EQ(hw_packets_700(&id), 5, "3 + 2 packets");
	/* the last read of the replaced one fails: its counts are lost */
	strcpy(before, hw_text);
	fail_queries = true;
	add(hi + 1, 1);
	fail_queries = false;
	snic_mgr_dump_hw(mgr, hw_of, &id);
	SNIC_CHECK(strcmp(before, hw_text) != 0, "re-created again:\n%s\n%s", before, hw_text);
	SNIC_CHECK(went(VF(2), 0x0a000002, SNIC_FW_TX_VPORT, VF(1)), "to vf1");
	n = hw_packets_700(&id);
	SNIC_CHECK_EQ(n, 4, "a failed last read loses the 2 packets of that hardware "
		      "rule only: 3 + 1");
	SNIC_CHECK(snic_mgr_del_flows(mgr, "in_port=vf2", false, &n, &err) == 0 && n == 3,
		   "delete them: %s", err.msg);
}

/* replace-flows with two rules of one identity: the later wins, as in
 * add-flows (one rule, not two). */
static void test_replace_duplicates(void)
{
	const char *r[] = { "priority=690,in_port=vf2,actions=output:vf1",
			    "priority=690,in_port=vf2,actions=output:vf3" };
	struct snic_mgr_err err = { 0 };
	uint64_t a, d, mo;
	struct seen s;

	SNIC_CHECK(snic_mgr_replace_flows(mgr, r, 2, &a, &d, &mo, &err) == 0 && a == 1 &&
		   mo == 0, "replace: +%llu ~%llu (%s)", (unsigned long long)a,
		   (unsigned long long)mo, err.msg);
	s = dump(NULL);
	SNIC_CHECK(s.n == 1 && strstr(s.text[0], "output:vf3"), "one rule, the later: %u, %s",
		   s.n, s.text[0]);
	SNIC_CHECK(snic_mgr_replace_flows(mgr, r, 2, &a, &d, &mo, &err) == 0 && a == 0 &&
		   d == 0 && mo == 0, "again: nothing changes (+%llu -%llu ~%llu)",
		   (unsigned long long)a, (unsigned long long)d, (unsigned long long)mo);
	SNIC_CHECK_EQ(dump(NULL).n, 1, "still one rule");
}

int main(void)
{
	static const uint16_t vf_ports[] = { 1, 2, 3, 4 };

	snprintf(dir, sizeof(dir), "/var/tmp/test_mgr.XXXXXX");
	SNIC_REQUIRE(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(db, sizeof(db), "%s/state.db", dir);
	test_nic_up();
	cfg = (struct snic_mgr_config){
		.hw = &probed_hw, .proxy_port = 0, .uplink_port = 0,
		.uplink_mac = { 0x02, 0xaa, 0, 0, 1, 0 },
		.priority_levels = snic_flow_get_caps(ctx)->priority_levels,
		.max_group = snic_flow_get_caps(ctx)->max_table_level,
		.n_vfs = 4, .vf_ports = vf_ports, .store_path = db, .now_ms = now_ms,
		.tx = tx,
	};
	start();
	test_batches();
	test_del_mod_replace();
	test_tunnels();
	test_restart();
	test_software();
	test_arp();
	test_timeouts();
	test_too_many_actions();
	test_change_in_place();
	test_failed_destroy();
	test_not_planned();
	test_counters_kept();
	test_replace_duplicates();
	test_versions();
	snic_mgr_destroy(mgr);
	test_nic_down();
	{
		char cmd[160];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return snic_test_done();
}
