/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_swdp.c - the software datapath's OpenFlow semantics, case by case:
 * each case installs a few rules (ovs-ofctl syntax), sends one frame in and
 * compares every output, byte for byte, with a frame built independently
 * from a description (test_swdp_lib.h over pkt_frames.h, which computes
 * checksums from scratch), plus the result's flags, drop reason and rules
 * hit.  Every case runs twice: with the caches off (every packet
 * translated) and with them on (each frame sent twice; the second answer,
 * from the exact-match cache, is the one checked).
 */
#include "snic_test.h"
#include "test_swdp_lib.h"

static struct snic_mgr_xlate_env env;
static struct snic_mgr_swdp_result res;
static bool cached;                     /* the mode of this run */
static const char *cname;               /* the case being run */

#define CHECK_EQ(a, b, what) SNIC_CHECK_EQ(a, b, what)

static struct snic_mgr_swdp *mk_ids(enum snic_mgr_swdp_miss miss,
				    const char *const *rules, const uint32_t *ids)
{
	struct snic_mgr_swdp_config cfg = { .env = &env, .miss = miss,
					    .no_megaflow = !cached };
	struct snic_mgr_swdp *dp;

	SNIC_REQUIRE(snic_mgr_swdp_create(&cfg, &dp) == 0, "%s: create", cname);
	for (unsigned i = 0; rules && rules[i]; i++) {
		struct snic_of_rule r;
		struct snic_of_error err;
		char why[SNIC_MGR_SWDP_REASON_MAX] = "";
		int rc = snic_of_rule_parse(rules[i], SNIC_OF_MODE_ADD, &tenv_ports, &r, &err);

		SNIC_REQUIRE(rc == 0, "%s: rule %s: %s", cname, rules[i], err.msg);
		rc = snic_mgr_swdp_add_rule(dp, ids ? ids[i] : i + 1, &r, why, sizeof(why));
		SNIC_REQUIRE(rc == 0, "%s: add %s: %d %s", cname, rules[i], rc, why);
	}
	return dp;
}

static struct snic_mgr_swdp *mk(const char *const *rules)
{
	return mk_ids(SNIC_MGR_SWDP_MISS_DROP, rules, NULL);
}

/* Send s in on in_port (twice when cached: the second result counts, and
 * must come from the EMC when the packet reached the pipeline and its
 * answer could be cached). */
static void send_fs(struct snic_mgr_swdp *dp, uint32_t in_port, const struct fs *s)
{
	struct snic_mgr_swdp_stats a, b;
	struct tf t;

	fs_build(&t, s);
	SNIC_CHECK(snic_mgr_swdp_process(dp, in_port, tf_data(&t), t.len, &res) == 0,
		   "%s: process", cname);
	if (!cached)
		return;
	snic_mgr_swdp_stats(dp, &a);
	SNIC_CHECK(snic_mgr_swdp_process(dp, in_port, tf_data(&t), t.len, &res) == 0,
		   "%s: process again", cname);
	snic_mgr_swdp_stats(dp, &b);
	if (b.emc_hits + b.megaflow_hits + b.upcalls == a.emc_hits + a.megaflow_hits + a.upcalls)
		return;         /* dropped at ingress */
	if ((res.flags & SNIC_MGR_SWDP_R_WAIT_NEIGH) ||
	    res.drop_reason == SNIC_MGR_SWDP_DROP_NO_ROUTE)
		CHECK_EQ(b.upcalls - a.upcalls, 1, cname);
	else
		CHECK_EQ(b.emc_hits - a.emc_hits, 1, cname);
}

static void want(unsigned n_out, uint32_t flags, uint32_t reason)
{
	SNIC_CHECK(res.n_out == n_out, "%s: %u outputs, want %u", cname, res.n_out, n_out);
	SNIC_CHECK(res.flags == flags, "%s: flags 0x%x, want 0x%x", cname, res.flags, flags);
	SNIC_CHECK(res.drop_reason == reason, "%s: drop reason %s, want %s", cname,
		   snic_mgr_swdp_drop_name(res.drop_reason), snic_mgr_swdp_drop_name(reason));
}

static void want_hits(unsigned n, const uint32_t *ids)
{
	SNIC_CHECK(res.n_hits == n, "%s: %u rules hit, want %u", cname, res.n_hits, n);
	for (unsigned i = 0; i < n && i < res.n_hits; i++)
		SNIC_CHECK(res.hits[i] == ids[i], "%s: hit %u is rule %u, want %u", cname,
			   i, res.hits[i], ids[i]);
}

/* Output i goes to ofport and is the frame s describes (for a VXLAN frame
 * the UDP source port is checked for range and then taken as is). */
static void want_out(unsigned i, uint32_t ofport, const struct fs *s)
{
	const struct snic_mgr_swdp_out *o = &res.out[i];
	struct fs e = *s;
	struct tf t;

	if (i >= res.n_out) {
		SNIC_CHECK(i < res.n_out, "%s: no output %u", cname, i);
		return;
	}
	SNIC_CHECK(o->ofport == ofport, "%s: output %u to port %u, want %u", cname, i,
		   o->ofport, ofport);
	if (e.vx && o->len >= 36) {
		e.vx_sport = tf_get16(o->frame + 34);
		SNIC_CHECK(e.vx_sport >= 49152, "%s: VXLAN source port %u outside "
			   "49152-65535", cname, e.vx_sport);
	}
	fs_build(&t, &e);
	SNIC_CHECK(o->len == t.len, "%s: output %u is %u bytes, want %u", cname, i,
		   o->len, t.len);
	if (o->len == t.len && memcmp(o->frame, tf_data(&t), t.len)) {
		SNIC_CHECK(0, "%s: output %u: bytes differ", cname, i);
		for (uint32_t j = 0; j < t.len; j++)
			if (o->frame[j] != tf_data(&t)[j])
				fprintf(stderr, "  byte %u: got 0x%02x, want 0x%02x\n", j,
					o->frame[j], tf_data(&t)[j]);
	}
	SNIC_CHECK(ref_csums_ok(o->frame, o->len), "%s: output %u: bad checksum", cname, i);
}

#define RULES(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define IDS(...) ((const uint32_t[]){ __VA_ARGS__ })

/* ---- the cases ---- */

static void c_priority(void)
{
	struct snic_mgr_swdp *dp = mk(RULES("priority=10,ip,actions=output:vf1",
					    "priority=20,udp,actions=output:vf2",
					    "priority=30,tcp,actions=output:vf3"));
	struct fs s = fs_udp4();

	send_fs(dp, P_VF(0), &s);
	want(1, 0, 0);
	want_out(0, P_VF(2), &s);
	want_hits(1, IDS(2));
	snic_mgr_swdp_destroy(dp);
}

static void c_tie(void)
{
	/* equal priorities: the lowest id wins, whatever the order added */
	struct snic_mgr_swdp *dp = mk_ids(SNIC_MGR_SWDP_MISS_DROP,
		RULES("priority=5,udp,actions=output:vf1", "priority=5,ip,actions=output:vf2",
		      "priority=5,in_port=vf0,actions=output:vf3"), IDS(9, 4, 7));
	struct fs s = fs_udp4();

	send_fs(dp, P_VF(0), &s);
	want(1, 0, 0);
	want_out(0, P_VF(2), &s);
	want_hits(1, IDS(4));
	snic_mgr_swdp_destroy(dp);
}

static void c_goto_metadata(void)
{
	struct snic_mgr_swdp *dp = mk(RULES(
		"table=0,in_port=vf0,actions=write_metadata:0x1234/0xff00,goto_table:2",
		"table=2,priority=9,metadata=0x1200/0xff00,actions=set_field:0x1/0xff->metadata,goto_table:3",
		"table=2,priority=1,actions=output:vf3",
		"table=3,metadata=0x1201,actions=output:vf1",
		"table=3,priority=0,actions=output:vf2"));
	struct fs s = fs_udp4();

	send_fs(dp, P_VF(0), &s);
	want(1, 0, 0);
	want_out(0, P_VF(1), &s);
	want_hits(3, IDS(1, 2, 4));
	/* another port skips table 0's rule: miss */
	send_fs(dp, P_VF(1), &s);
	want(0, SNIC_MGR_SWDP_R_DROPPED, SNIC_DROP_TABLE_MISS);
	snic_mgr_swdp_destroy(dp);
}

static void c_in_port(void)
{
	struct snic_mgr_swdp *dp = mk(RULES(
		"priority=3,udp,actions=output:vf0,output:vf1",
		"priority=2,tcp,actions=in_port,output:vf1",
		"priority=1,actions=output:vf0"));
	struct fs s = fs_udp4(), t = fs_udp4();

	send_fs(dp, P_VF(0), &s);          /* output:vf0 skipped */
	want(1, 0, 0);
	want_out(0, P_VF(1), &s);
	t.proto = 6;
	send_fs(dp, P_VF(0), &t);          /* output:in_port sends back */
	want(2, 0, 0);
	want_out(0, P_VF(0), &t);
	want_out(1, P_VF(1), &t);
	t.proto = 1;
	send_fs(dp, P_VF(0), &t);          /* only to in_port: nothing out */
	want(0, SNIC_MGR_SWDP_R_DROPPED, SNIC_DROP_RULE);
	snic_mgr_swdp_destroy(dp);
}

static void c_outputs_between_rewrites(void)
{
	struct snic_mgr_swdp *dp = mk(RULES("ip,actions=output:vf1,mod_nw_dst:10.0.0.9,"
					    "output:vf2,mod_vlan_vid:7,output:vf3,"
					    "mod_dl_src:02:00:00:00:00:99"));
	struct fs s = fs_udp4(), e2, e3;

	send_fs(dp, P_VF(0), &s);
	want(3, 0, 0);
	want_out(0, P_VF(1), &s);
	e2 = s;
	e2.dst = IP4(10, 0, 0, 9);
	want_out(1, P_VF(2), &e2);
	e3 = e2;
	fs_tag(&e3, 0x8100, 7);
	want_out(2, P_VF(3), &e3);
	snic_mgr_swdp_destroy(dp);
}

static void c_l2_rewrites(void)
{
	static const uint8_t m1[6] = { 0x02, 0, 0, 0, 0, 0x11 }, m2[6] = { 0x02, 0, 0, 0, 0, 0x22 };
	struct snic_mgr_swdp *dp = mk(RULES(
		"in_port=vf0,actions=mod_dl_src:02:00:00:00:00:11,mod_dl_dst:02:00:00:00:00:22,output:vf1",
		"in_port=vf1,actions=set_field:00:00:00:00:77:00/00:00:00:00:ff:00->eth_dst,"
		"set_field:02:00:00:00:00:22->eth_src,output:vf2"));
	struct fs s = fs_udp4(), e = s;

	memcpy(e.smac, m1, 6);
	memcpy(e.dmac, m2, 6);
	send_fs(dp, P_VF(0), &s);
	want(1, 0, 0);
	want_out(0, P_VF(1), &e);
	e = s;
	e.dmac[4] = 0x77;
	memcpy(e.smac, m2, 6);
	send_fs(dp, P_VF(1), &s);
	want(1, 0, 0);
	want_out(0, P_VF(2), &e);
	snic_mgr_swdp_destroy(dp);
}

static void c_l3l4_rewrites(void)
{
	struct snic_mgr_swdp *dp = mk(RULES(
		"udp,in_port=vf0,actions=mod_nw_src:10.1.1.1,mod_nw_tos:0x20,mod_nw_ttl:9,"
		"mod_tp_src:7,set_field:8->udp_dst,output:vf1",
		"tcp,in_port=vf0,actions=set_field:10.2.2.2->ip_dst,set_field:46->ip_dscp,"
		"mod_tp_dst:99,set_field:5->tcp_src,dec_ttl,output:vf1",
		"in_port=vf2,actions=mod_nw_src:10.1.1.1,mod_nw_tos:0x20,output:vf1"));
	struct fs s = fs_udp4(), e;

	s.tos = 0x03;                     /* ECN bits stay */
	e = s;
	e.src = IP4(10, 1, 1, 1);
	e.tos = 0x23;
	e.ttl = 9;
	e.sp = 7;
	e.dp = 8;
	send_fs(dp, P_VF(0), &s);
	want(1, 0, 0);
	want_out(0, P_VF(1), &e);
	s.proto = 6;
	e = s;
	e.dst = IP4(10, 2, 2, 2);
	e.tos = 46 << 2 | 3;
	e.dp = 99;
	e.sp = 5;
	e.ttl = 63;
	send_fs(dp, P_VF(0), &s);
	want(1, 0, 0);
	want_out(0, P_VF(1), &e);
	/* IPv6: mod_nw_src is IPv4-only, mod_nw_tos is not; ARP: neither */
	s = fs_udp4();
	s.et = 0x86dd;
	s.src6[0] = 0xfd;
	s.src6[15] = 1;
	s.dst6[0] = 0xfd;
	s.dst6[15] = 2;
	e = s;
	e.tos = 0x20;
	send_fs(dp, P_VF(2), &s);
	want(1, 0, 0);
	want_out(0, P_VF(1), &e);
	s = fs_udp4();
	s.et = 0x0806;
	s.arp_op = 1;
	send_fs(dp, P_VF(2), &s);
	want(1, 0, 0);
	want_out(0, P_VF(1), &s);
	snic_mgr_swdp_destroy(dp);
}

static void c_vlan(void)
{
	struct snic_mgr_swdp *dp = mk(RULES(
		"in_port=vf0,actions=mod_vlan_vid:20,output:vf1",
		"in_port=vf1,actions=mod_vlan_pcp:5,output:vf2",
		"in_port=vf2,actions=strip_vlan,output:vf3",
		"in_port=vf3,actions=push_vlan:0x88a8,output:vf0",
		"in_port=uplink,dl_vlan=10,actions=set_field:0x101e->vlan_vid,"
		"set_field:6->vlan_pcp,output:vf0"));
	struct fs u = fs_udp4(), t = fs_udp4(), e;

	fs_tag(&t, 0x8100, 5 << 13 | 10);
	/* mod_vlan_vid: pushes on untagged, rewrites the VID of tagged */
	e = u;
	fs_tag(&e, 0x8100, 20);
	send_fs(dp, P_VF(0), &u);
	want(1, 0, 0);
	want_out(0, P_VF(1), &e);
	e = u;
	fs_tag(&e, 0x8100, 5 << 13 | 20);
	send_fs(dp, P_VF(0), &t);
	want_out(0, P_VF(1), &e);
	/* mod_vlan_pcp: pushes VID 0 on untagged */
	e = u;
	fs_tag(&e, 0x8100, 5 << 13);
	send_fs(dp, P_VF(1), &u);
	want_out(0, P_VF(2), &e);
	/* strip_vlan: the outer tag of two goes; untagged stays */
	e = t;
	fs_tag(&e, 0x8100, 30);
	send_fs(dp, P_VF(2), &e);
	e = u;
	fs_tag(&e, 0x8100, 30);
	want_out(0, P_VF(3), &e);
	send_fs(dp, P_VF(2), &u);
	want_out(0, P_VF(3), &u);
	/* push_vlan: a new outer tag, VID 0 PCP 0 */
	e = u;
	fs_tag(&e, 0x88a8, 0);
	fs_tag(&e, 0x8100, 5 << 13 | 10);
	send_fs(dp, P_VF(3), &t);
	want_out(0, P_VF(0), &e);
	/* set_field vlan_vid / vlan_pcp on a tagged packet */
	e = u;
	fs_tag(&e, 0x8100, 6 << 13 | 30);
	send_fs(dp, P_UPLINK, &t);
	want(1, 0, 0);
	want_out(0, P_VF(0), &e);
	snic_mgr_swdp_destroy(dp);
}

/* IP and port rewrites after a push_vlan made a third tag: the NIC (and
 * OVS) rewrite behind it (found by test_golden) */
static void c_push_then_rewrite(void)
{
	struct snic_mgr_swdp *dp = mk(RULES(
		"in_port=vf0,udp,actions=push_vlan:0x8100,mod_nw_dst:10.0.0.9,"
		"mod_tp_dst:80,output:vf1"));
	struct fs t = fs_udp4(), e = fs_udp4();

	fs_tag(&t, 0x88a8, 10);
	fs_tag(&t, 0x8100, 20);
	fs_tag(&e, 0x8100, 0);
	fs_tag(&e, 0x88a8, 10);
	fs_tag(&e, 0x8100, 20);
	e.dst = IP4(10, 0, 0, 9);
	e.dp = 80;
	send_fs(dp, P_VF(0), &t);
	want(1, 0, 0);
	want_out(0, P_VF(1), &e);
	snic_mgr_swdp_destroy(dp);
}

static void c_dec_ttl(void)
{
	struct snic_mgr_swdp *dp = mk(RULES("ip,actions=output:vf1,dec_ttl,output:vf2"));
	struct fs s = fs_udp4(), e;

	s.ttl = 2;
	e = s;
	e.ttl = 1;
	send_fs(dp, P_VF(0), &s);
	want(2, 0, 0);
	want_out(0, P_VF(1), &s);
	want_out(1, P_VF(2), &e);
	s.ttl = 1;                         /* what went out before stays out */
	send_fs(dp, P_VF(0), &s);
	want(1, SNIC_MGR_SWDP_R_DROPPED, SNIC_DROP_TTL_EXPIRED);
	want_out(0, P_VF(1), &s);
	snic_mgr_swdp_destroy(dp);
}

static void c_controller(void)
{
	struct snic_mgr_swdp *dp = mk(RULES("udp,actions=controller(max_len=20,id=3),"
					    "mod_nw_ttl:5,controller,output:vf1"));
	struct fs s = fs_udp4(), e = s;
	struct tf t;

	e.ttl = 5;
	send_fs(dp, P_VF(0), &s);
	want(3, SNIC_MGR_SWDP_R_CONTROLLER, 0);
	fs_build(&t, &s);
	CHECK_EQ(res.out[0].ofport, SNIC_OF_PORT_CONTROLLER, "controller port");
	CHECK_EQ(res.out[0].len, 20, "max_len cut");
	CHECK_EQ(res.out[0].total_len, t.len, "whole length");
	CHECK_EQ(res.out[0].controller_id, 3, "controller id");
	CHECK_EQ(res.out[0].reason, SNIC_OF_REASON_ACTION, "reason");
	SNIC_CHECK_MEM(res.out[0].frame, tf_data(&t), 20, "packet-in head");
	want_out(1, SNIC_OF_PORT_CONTROLLER, &e);
	want_out(2, P_VF(1), &e);
	snic_mgr_swdp_destroy(dp);
}

/* set_field to the packet's metadata, seen by later tables; set_field to
 * nw_tos and nw_ttl; mod_tp_src on ICMP changes what later tables see (as
 * OVS's flow) but not the bytes. */
static void c_set_field_more(void)
{
	struct snic_mgr_swdp *dp = mk(RULES(
		"in_port=vf0,actions=set_field:0xabc->tun_id,set_field:1.2.3.4->tun_src,"
		"set_field:5.6.7.8->tun_dst,goto_table:1",
		"table=1,tun_id=0xabc,tun_src=1.2.3.4,tun_dst=5.6.7.8,actions=output:vf1",
		"in_port=vf1,ip,actions=set_field:0x40->nw_tos,set_field:33->nw_ttl,output:vf2",
		"in_port=vf2,icmp,actions=mod_tp_src:5,goto_table:2",
		"table=2,icmp,icmp_type=5,actions=output:vf3"));
	struct fs s = fs_udp4(), e;

	send_fs(dp, P_VF(0), &s);
	want(1, 0, 0);
	want_out(0, P_VF(1), &s);
	s.tos = 0x01;
	e = s;
	e.tos = 0x41;
	e.ttl = 33;
	send_fs(dp, P_VF(1), &s);
	want(1, 0, 0);
	want_out(0, P_VF(2), &e);
	s = fs_udp4();
	s.proto = 1;
	s.sp = 8;
	s.dp = 0;
	send_fs(dp, P_VF(2), &s);
	want(1, 0, 0);
	want_out(0, P_VF(3), &s);
	snic_mgr_swdp_destroy(dp);
}

/* 20 outputs in table 0 and 20 in table 1: 32 go out, the rest is counted */
static void c_out_limit(void)
{
	char r0[1024] = "actions=", r1[1024] = "table=1,actions=";
	const char *rules[] = { r0, r1, NULL };
	struct snic_mgr_swdp *dp;
	struct fs s = fs_udp4();

	for (int i = 0; i < 20; i++) {
		strcat(r0, "output:vf1,");
		strcat(r1, i ? ",output:vf2" : "output:vf2");
	}
	strcat(r0, "goto_table:1");
	dp = mk(rules);
	send_fs(dp, P_VF(0), &s);
	want(SNIC_MGR_SWDP_MAX_OUT, SNIC_MGR_SWDP_R_DROPPED, SNIC_MGR_SWDP_DROP_OUT_LIMIT);
	want_out(19, P_VF(1), &s);
	want_out(31, P_VF(2), &s);
	snic_mgr_swdp_destroy(dp);
}

static void c_miss(void)
{
	struct snic_mgr_swdp *dp = mk_ids(SNIC_MGR_SWDP_MISS_REPORT,
		RULES("udp,actions=mod_nw_ttl:7,goto_table:4"), NULL);
	struct fs s = fs_udp4(), e = s;

	e.ttl = 7;
	send_fs(dp, P_VF(0), &s);          /* misses in table 4, as it is then */
	want(1, SNIC_MGR_SWDP_R_MISS, 0);
	want_out(0, SNIC_OF_PORT_CONTROLLER, &e);
	CHECK_EQ(res.miss_table, 4, "missed table");
	CHECK_EQ(res.out[0].reason, SNIC_OF_REASON_NO_MATCH, "miss reason");
	s.proto = 6;                       /* misses in table 0 */
	send_fs(dp, P_VF(0), &s);
	want(1, SNIC_MGR_SWDP_R_MISS, 0);
	CHECK_EQ(res.miss_table, 0, "missed table");
	snic_mgr_swdp_set_miss(dp, SNIC_MGR_SWDP_MISS_DROP);
	send_fs(dp, P_VF(0), &s);
	want(0, SNIC_MGR_SWDP_R_DROPPED, SNIC_DROP_TABLE_MISS);
	snic_mgr_swdp_destroy(dp);
}

static void c_vxlan_encap(void)
{
	struct snic_mgr_swdp *dp = mk(RULES(
		"in_port=vf0,actions=set_tunnel:77,output:vxlan0",
		"in_port=vf1,actions=set_field:192.168.1.7->tun_dst,set_tunnel:5000,"
		"mod_dl_dst:02:00:00:00:00:01,output:vxlanf,output:vxlan8",
		"in_port=vf2,actions=output:vxlanf"));
	struct fs s = fs_udp4(), e = s, e2;
	uint16_t sport;

	fs_vxlan_out(&e, PEER, 100, 4789);        /* key=100 is fixed: set_tunnel
						     does not apply */
	send_fs(dp, P_VF(0), &s);
	want(1, 0, 0);
	want_out(0, P_VX0, &e);
	CHECK_EQ(res.out[0].dpdk_port, 0, "tunnel output leaves on the uplink");
	sport = res.n_out ? tf_get16(res.out[0].frame + 34) : 0;
	send_fs(dp, P_VF(0), &s);                 /* same flow, same port */
	CHECK_EQ(res.n_out ? tf_get16(res.out[0].frame + 34) : 0, sport, "stable sport");
	s.sp = 1001;
	send_fs(dp, P_VF(0), &s);
	SNIC_CHECK(res.n_out && tf_get16(res.out[0].frame + 34) != sport,
		   "another flow, another source port");

	s = fs_udp4();
	e = s;
	e.dmac[5] = 0x01;
	e.dmac[1] = e.dmac[2] = e.dmac[3] = e.dmac[4] = 0;
	e2 = e;
	fs_vxlan_out(&e, IP4(192, 168, 1, 7), 5000, 4789);
	fs_vxlan_out(&e2, PEER8, 5, 8472);
	send_fs(dp, P_VF(1), &s);
	want(2, 0, 0);
	want_out(0, P_VXF, &e);
	want_out(1, P_VX8, &e2);
	/* remote_ip=flow without tun_dst: nowhere to send */
	send_fs(dp, P_VF(2), &s);
	want(0, SNIC_MGR_SWDP_R_DROPPED, SNIC_MGR_SWDP_DROP_TUNNEL_ADDR);
	snic_mgr_swdp_destroy(dp);
}

static void c_neighbor(void)
{
	struct snic_mgr_swdp *dp = mk(RULES(
		"in_port=vf0,actions=set_field:192.168.1.99->tun_dst,output:vxlanf,output:vf1",
		"in_port=vf1,actions=set_field:192.168.1.66->tun_dst,output:vxlanf"));
	struct fs s = fs_udp4(), e = s;

	send_fs(dp, P_VF(0), &s);
	want(1, SNIC_MGR_SWDP_R_WAIT_NEIGH, 0);
	CHECK_EQ(res.neigh_ip, NH_WAIT, "next hop waited for");
	want_out(0, P_VF(1), &s);
	/* resolved: the next packet goes out (waiting is never cached) */
	tenv.resolved = true;
	fs_vxlan_out(&e, NH_WAIT, 0, 4789);
	send_fs(dp, P_VF(0), &s);
	want(2, 0, 0);
	want_out(0, P_VXF, &e);
	tenv.resolved = false;
	send_fs(dp, P_VF(1), &s);
	want(0, SNIC_MGR_SWDP_R_DROPPED, SNIC_MGR_SWDP_DROP_NO_ROUTE);
	snic_mgr_swdp_destroy(dp);
}

static void c_tunnel_rx(void)
{
	struct snic_mgr_swdp *dp = mk(RULES(
		"in_port=vxlan0,tun_id=100,tun_src=192.168.1.2,tun_dst=192.168.1.1,actions=output:vf0",
		"in_port=vxlanf,tun_id=200,actions=output:vf1,output:vxlan0",
		"in_port=vxlan8,actions=output:vxlan8,output:in_port,output:vf3",
		"in_port=uplink,actions=output:vf2",
		"in_port=vxlanf,tun_id=300,actions=mod_nw_ttl:3,output:vxlanf"));
	struct fs in = fs_udp4(), s = in, e;
	static const uint8_t vtep_mac[6] = { 0x02, 0x5e, 0, 0, 1, 0 };

	s.vx = true;
	memcpy(s.vx_dmac, vtep_mac, 6);
	tenv_nh_mac(PEER, s.vx_smac);
	s.vx_src = PEER;
	s.vx_dst = VTEP;
	s.vx_sport = 55555;
	s.vx_dport = 4789;
	s.vni = 100;
	send_fs(dp, P_UPLINK, &s);
	want(1, SNIC_MGR_SWDP_R_TUNNEL_RX, 0);
	CHECK_EQ(res.in_ofport, P_VX0, "entered on vxlan0");
	want_out(0, P_VF(0), &in);
	/* another VNI: key=flow's port; back out of vxlan0 */
	s.vni = 200;
	e = in;
	fs_vxlan_out(&e, PEER, 100, 4789);
	send_fs(dp, P_UPLINK, &s);
	want(2, SNIC_MGR_SWDP_R_TUNNEL_RX, 0);
	CHECK_EQ(res.in_ofport, P_VXF, "entered on vxlanf");
	want_out(0, P_VF(1), &in);
	want_out(1, P_VX0, &e);
	/* output to the tunnel port it came from is skipped */
	s.vni = 300;
	send_fs(dp, P_UPLINK, &s);
	want(0, SNIC_MGR_SWDP_R_TUNNEL_RX | SNIC_MGR_SWDP_R_DROPPED, SNIC_DROP_RULE);
	CHECK_EQ(res.in_ofport, P_VXF, "entered on vxlanf");
	/* UDP port 8472: vxlan8; output:vxlan8 is skipped, output:in_port not */
	s.vx_src = PEER8;
	s.vx_dport = 8472;
	s.vni = 5;
	e = in;
	fs_vxlan_out(&e, PEER8, 5, 8472);
	send_fs(dp, P_UPLINK, &s);
	want(2, SNIC_MGR_SWDP_R_TUNNEL_RX, 0);
	want_out(0, P_VX8, &e);
	want_out(1, P_VF(3), &in);
	/* to the VTEP on 8472 with a VNI no port takes */
	s.vni = 6;
	send_fs(dp, P_UPLINK, &s);
	want(0, SNIC_MGR_SWDP_R_DROPPED, SNIC_MGR_SWDP_DROP_NO_TUNNEL);
	/* to the VTEP without the I flag: malformed */
	s.vni = 5;
	s.vx_flags = 0x01;
	send_fs(dp, P_UPLINK, &s);
	want(0, SNIC_MGR_SWDP_R_DROPPED, SNIC_DROP_BAD_VXLAN);
	/* VXLAN to another address: a plain frame on the uplink */
	s.vx_flags = 0;
	s.vx_dst = IP4(192, 168, 1, 50);
	send_fs(dp, P_UPLINK, &s);
	want(1, 0, 0);
	want_out(0, P_VF(2), &s);
	/* not-VXLAN UDP to 4789 from a VF is plain UDP */
	snic_mgr_swdp_destroy(dp);
	dp = mk(RULES("udp,tp_dst=4789,actions=output:vf1"));
	s = fs_udp4();
	s.dp = 4789;
	send_fs(dp, P_VF(0), &s);
	want(1, 0, 0);
	want_out(0, P_VF(1), &s);
	snic_mgr_swdp_destroy(dp);
}

static void c_malformed(void)
{
	static const uint8_t runt[10] = { 1, 2, 3 };
	struct snic_mgr_swdp *dp = mk(RULES("actions=output:vf1"));
	struct snic_mgr_swdp_stats st;
	struct fs s = fs_udp4();
	struct tf t;

	SNIC_CHECK(snic_mgr_swdp_process(dp, P_VF(0), runt, sizeof(runt), &res) == 0, "runt");
	want(0, SNIC_MGR_SWDP_R_DROPPED, SNIC_DROP_RUNT);
	fs_build(&t, &s);
	SNIC_CHECK(snic_mgr_swdp_process(dp, P_VF(0), tf_data(&t), 30, &res) == 0, "cut");
	want(0, SNIC_MGR_SWDP_R_DROPPED, SNIC_DROP_BAD_IPV4);
	tf_data(&t)[17] = 200;             /* IPv4 total length beyond the frame */
	SNIC_CHECK(snic_mgr_swdp_process(dp, P_VF(0), tf_data(&t), t.len, &res) == 0, "len");
	want(0, SNIC_MGR_SWDP_R_DROPPED, SNIC_DROP_BAD_IPV4_LEN);
	SNIC_CHECK(snic_mgr_swdp_process(dp, 77, tf_data(&t), t.len, &res) == 0, "port");
	want(0, SNIC_MGR_SWDP_R_DROPPED, SNIC_DROP_BAD_VPORT);
	snic_mgr_swdp_stats(dp, &st);
	CHECK_EQ(st.drops[SNIC_DROP_RUNT], 1, "runts counted");
	CHECK_EQ(st.drops[SNIC_DROP_BAD_IPV4_LEN], 1, "bad lengths counted");
	CHECK_EQ(st.drops[SNIC_DROP_BAD_VPORT], 1, "unknown ports counted");
	snic_mgr_swdp_destroy(dp);
}

static void c_counters(void)
{
	struct snic_mgr_swdp *dp = mk(RULES("in_port=vf0,actions=goto_table:1",
					    "table=1,udp,actions=output:vf1",
					    "table=1,tcp,actions=drop"));
	struct snic_mgr_swdp_rule_stats st;
	struct fs s = fs_udp4();
	struct tf t;
	unsigned per = cached ? 2 : 1;

	fs_build(&t, &s);
	for (int i = 0; i < 3; i++)
		send_fs(dp, P_VF(0), &s);
	s.proto = 6;
	send_fs(dp, P_VF(0), &s);
	want(0, SNIC_MGR_SWDP_R_DROPPED, SNIC_DROP_RULE);
	SNIC_CHECK(snic_mgr_swdp_rule_stats(dp, 1, &st, false) == 0, "stats 1");
	CHECK_EQ(st.packets, 4 * per, "rule 1 packets");
	SNIC_CHECK(snic_mgr_swdp_rule_stats(dp, 2, &st, true) == 0, "stats 2");
	CHECK_EQ(st.packets, 3 * per, "rule 2 packets");
	CHECK_EQ(st.bytes, 3 * per * t.len, "rule 2 bytes");
	SNIC_CHECK(snic_mgr_swdp_rule_stats(dp, 2, &st, false) == 0, "stats 2 again");
	CHECK_EQ(st.packets, 0, "rule 2 reset");
	SNIC_CHECK(snic_mgr_swdp_rule_stats(dp, 3, &st, false) == 0, "stats 3");
	CHECK_EQ(st.packets, per, "rule 3 packets");
	CHECK_EQ(snic_mgr_swdp_rule_stats(dp, 4, &st, false), -ENOENT, "no rule 4");
	snic_mgr_swdp_destroy(dp);
}

static void c_rule_changes(void)
{
	struct snic_mgr_swdp *dp = mk(RULES("priority=1,udp,actions=output:vf1"));
	struct snic_of_rule r;
	char why[SNIC_MGR_SWDP_REASON_MAX];
	struct fs s = fs_udp4();

	send_fs(dp, P_VF(0), &s);
	want_out(0, P_VF(1), &s);
	/* a better rule added: cached answers must not survive */
	SNIC_REQUIRE(snic_of_rule_parse("priority=2,udp,actions=output:vf2",
					SNIC_OF_MODE_ADD, &tenv_ports, &r, NULL) == 0, "parse");
	CHECK_EQ(snic_mgr_swdp_add_rule(dp, 2, &r, why, sizeof(why)), 0, "add");
	CHECK_EQ(snic_mgr_swdp_add_rule(dp, 2, &r, why, sizeof(why)), -EEXIST, "dup id");
	send_fs(dp, P_VF(0), &s);
	want_out(0, P_VF(2), &s);
	CHECK_EQ(snic_mgr_swdp_del_rule(dp, 2), 0, "del");
	CHECK_EQ(snic_mgr_swdp_del_rule(dp, 2), -ENOENT, "del again");
	send_fs(dp, P_VF(0), &s);
	want_out(0, P_VF(1), &s);
	/* a next hop's MAC changes: env_changed */
	snic_mgr_swdp_destroy(dp);
	dp = mk(RULES("actions=output:vxlan0"));
	send_fs(dp, P_VF(0), &s);
	tenv.nh_last_byte = 9;
	snic_mgr_swdp_env_changed(dp);
	send_fs(dp, P_VF(0), &s);
	SNIC_CHECK(res.n_out == 1 && res.out[0].frame[3] == 9, "new next-hop MAC used");
	tenv.nh_last_byte = 0;
	snic_mgr_swdp_destroy(dp);
}

static void c_refused(void)
{
	static const char *const bad[] = {
		"sctp,tp_dst=80,actions=output:vf1",
		"dl_vlan=5,actions=set_field:0x5->vlan_vid,output:vf1",
		"rarp,nw_src=10.0.0.1,actions=output:vf1",
	};
	struct snic_mgr_swdp *dp = mk(NULL);

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct snic_of_rule r;
		char why[SNIC_MGR_SWDP_REASON_MAX] = "";
		int rc = snic_of_rule_parse(bad[i], SNIC_OF_MODE_ADD, &tenv_ports, &r, NULL);

		SNIC_REQUIRE(rc == 0, "parse %s", bad[i]);
		CHECK_EQ(snic_mgr_swdp_add_rule(dp, 1, &r, why, sizeof(why)), -ENOTSUP, bad[i]);
		SNIC_CHECK(why[0] != 0, "%s: a reason", bad[i]);
	}
	CHECK_EQ(snic_mgr_swdp_n_rules(dp), 0, "nothing added");
	snic_mgr_swdp_destroy(dp);
}

/*
 * Pairs of packets that look alike to the rules' masks but must be told
 * apart because an action's effect depends on a field no rule matches:
 * with the caches on, the second must not reuse the first one's megaflow.
 */
static void c_megaflow_deps(void)
{
	struct snic_mgr_swdp *dp = mk(RULES(
		"in_port=vf0,dl_vlan=10,actions=strip_vlan,goto_table:1",
		"table=1,dl_vlan=30,actions=output:vf1",
		"table=1,vlan_tci=0/0x1000,actions=output:vf2",
		"in_port=vf1,ip,actions=mod_tp_src:7,goto_table:2",
		"table=2,udp,tp_src=7,actions=output:vf3",
		"table=2,priority=0,actions=output:vf2",
		"in_port=vf2,ip,actions=set_field:10.9.0.0/255.255.0.0->ip_src,output:vf3"));
	struct fs s = fs_udp4(), e;

	/* after strip_vlan, the inner tag (or none) is what table 1 sees */
	fs_tag(&s, 0x8100, 10);
	fs_tag(&s, 0x8100, 30);
	send_fs(dp, P_VF(0), &s);
	want(1, 0, 0);
	e = fs_udp4();
	fs_tag(&e, 0x8100, 30);
	want_out(0, P_VF(1), &e);
	s = fs_udp4();
	fs_tag(&s, 0x8100, 10);
	send_fs(dp, P_VF(0), &s);
	want(1, 0, 0);
	e = fs_udp4();
	want_out(0, P_VF(2), &e);
	/* mod_tp_src changes the key of a first fragment, not of a later one
	 * (both have ports 0 in the key) */
	s = fs_udp4();
	s.sp = s.dp = 0;
	e = s;
	e.sp = 7;
	send_fs(dp, P_VF(1), &s);
	want_out(0, P_VF(3), &e);
	s.frag = 0x0010;
	send_fs(dp, P_VF(1), &s);
	want(1, 0, 0);
	want_out(0, P_VF(2), &s);
	/* a partial set_field keeps the other bits: they decide the bytes */
	for (uint32_t i = 1; i <= 2; i++) {
		s = fs_udp4();
		s.src = IP4(10, 0, 0, i);
		e = s;
		e.src = IP4(10, 9, 0, i);
		send_fs(dp, P_VF(2), &s);
		want_out(0, P_VF(3), &e);
	}
	snic_mgr_swdp_destroy(dp);
}

static const struct { const char *name; void (*fn)(void); } cases[] = {
	{ "megaflow dependencies", c_megaflow_deps },
	{ "priority", c_priority },
	{ "tie", c_tie },
	{ "goto+metadata", c_goto_metadata },
	{ "in_port", c_in_port },
	{ "outputs between rewrites", c_outputs_between_rewrites },
	{ "L2 rewrites", c_l2_rewrites },
	{ "L3/L4 rewrites", c_l3l4_rewrites },
	{ "VLAN", c_vlan },
	{ "rewrites behind a pushed third tag", c_push_then_rewrite },
	{ "dec_ttl", c_dec_ttl },
	{ "controller", c_controller },
	{ "table miss", c_miss },
	{ "output limit", c_out_limit },
	{ "set_field (metadata, nw_tos, nw_ttl)", c_set_field_more },
	{ "VXLAN encap", c_vxlan_encap },
	{ "neighbor", c_neighbor },
	{ "tunnel receive", c_tunnel_rx },
	{ "malformed", c_malformed },
	{ "counters", c_counters },
	{ "rule changes", c_rule_changes },
	{ "refused rules", c_refused },
};

int main(void)
{
	tenv_init(&env);
	for (int mode = 0; mode < 2; mode++) {
		cached = mode == 1;
		for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			char n[96];

			snprintf(n, sizeof(n), "%s (%s)", cases[i].name,
				 cached ? "cached" : "uncached");
			cname = n;
			cases[i].fn();
		}
	}
	return snic_test_done();
}
