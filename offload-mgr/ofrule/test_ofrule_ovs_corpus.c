/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ofrule_ovs_corpus.c - the rules test_ofrule_ovs compares with
 * ovs-ofctl: a hand-written corpus (every field, every action, the edges of
 * numbers, addresses and ports, the refusals, and the rules where snic is
 * deliberately stricter than OVS) and a seeded generator of rules from the
 * supported fields and actions, mostly valid, some with missing
 * prerequisites, some corrupted.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "test_ofrule_ovs.h"

/* ---- the hand-written corpus ---- */

#define H(r) { r, AUTO, NULL }
#define S(r, why) { r, STRICT, why }

const struct hand ovs_hand[] = {
	/* rule settings */
	H("priority=100,in_port=1,ip,nw_dst=10.0.0.0/24,actions=output:2"),
	H("table=3,cookie=0x5,idle_timeout=10,hard_timeout=20,actions=drop"),
	H("priority=0,actions=drop"),
	H("priority=65535,actions=drop"),
	H("priority=65536,actions=drop"),
	H("priority=-1,actions=drop"),
	H("priority=0x10,actions=drop"),
	H("priority=010,actions=drop"),
	H("priority=,actions=drop"),
	H("table=254,actions=drop"),
	H("table=255,actions=drop"),
	H("table=256,actions=drop"),
	H("table=0x3,actions=drop"),
	H("cookie=0xffffffffffffffff,actions=drop"),
	H("cookie=18446744073709551616,actions=drop"),
	H("cookie=1/1,actions=drop"),
	H("idle_timeout=65535,hard_timeout=0,actions=drop"),
	H("idle_timeout=65536,actions=drop"),
	H("in_port=1"),
	H("in_port=1,action=drop"),
	H("  ip ,  actions = drop  "),
	H("ip tcp actions=drop"),
	H("cookie=0x5, table=3, idle_timeout=10, priority=7,ip actions=drop"),
	H("duration=1.5s,n_packets=3,n_bytes=4,idle_age=5,actions=drop"),
	H("foo=1,actions=drop"),
	H("IP,actions=drop"),
	H("out_port=1,actions=drop"),
	/* matches */
	H("in_port=0,actions=drop"),
	H("in_port=65279,actions=drop"),
	H("in_port=LOCAL,actions=drop"),
	H("in_port=local,actions=drop"),
	H("in_port=65534,actions=drop"),
	H("in_port=0xfffe,actions=drop"),
	H("in_port=4294967294,actions=drop"),
	H("in_port=70000,actions=drop"),
	H("in_port=*,actions=drop"),
	H("in_port=1/1,actions=drop"),
	H("dl_src=00:11:22:33:44:55,dl_dst=ff:ff:ff:ff:ff:ff,actions=drop"),
	H("dl_src=00:11:22:33:44:55/ff:ff:ff:00:00:00,actions=drop"),
	H("dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=drop"),
	H("eth_src=1:2:3:4:5:6,actions=drop"),
	H("dl_src=00:11:22:33:44,actions=drop"),
	H("dl_type=0x0800,actions=drop"),
	H("dl_type=2048,actions=drop"),
	H("dl_type=0x88cc,actions=drop"),
	H("dl_type=0x0800/0xff00,actions=drop"),
	H("dl_vlan=5,actions=drop"),
	H("dl_vlan=4095,actions=drop"),
	H("dl_vlan=0xffff,actions=drop"),
	H("dl_vlan=5,dl_vlan_pcp=3,actions=drop"),
	H("dl_vlan_pcp=7,actions=drop"),
	H("vlan_tci=0,actions=drop"),
	H("vlan_tci=0x1005/0x1fff,actions=drop"),
	H("vlan_tci=0x1000/0x1000,actions=drop"),
	H("vlan_tci=0xf005/0xf000,actions=drop"),
	H("vlan_tci=0x7005/0xefff,actions=drop"),
	H("dl_vlan=5,vlan_tci=0/0x1000,actions=drop"),
	H("vlan_tci=0x1005,dl_vlan_pcp=2,actions=drop"),
	H("dl_vlan_pcp=3,dl_vlan=*,actions=drop"),
	H("dl_vlan=5/0xf,actions=drop"),
	H("vlan_vid=0x1005/0x1fff,actions=drop"),
	H("vlan_pcp=3,actions=drop"),
	H("ip,nw_src=10.0.0.1,nw_dst=10.0.0.0/8,actions=drop"),
	H("ip,nw_src=10.0.0.0/255.255.0.0,actions=drop"),
	H("ip,nw_src=10.0.0.0/255.0.255.0,actions=drop"),
	H("ip,nw_src=10.0.0.1/24,actions=drop"),
	H("ip,nw_src=10.0.0.1/33,actions=drop"),
	H("ip,nw_src=10.0.0.1/0,actions=drop"),
	H("ip,nw_src=1.2.3,actions=drop"),
	H("ip,ip_src=1.2.3.4,ip_dst=5.6.7.8,actions=drop"),
	H("ipv6,ipv6_src=2001:db8::1/64,actions=drop"),
	H("ipv6,ipv6_src=2001:db8::1/ffff:ffff::,actions=drop"),
	H("ipv6,ipv6_dst=2001:db8::1/ffff:0:ffff::,actions=drop"),
	H("ipv6,ipv6_dst=::ffff:1.2.3.4,actions=drop"),
	H("ipv6,ipv6_src=2001:db8::1/129,actions=drop"),
	H("ipv6,ipv6_src=2001:db8:::1,actions=drop"),
	H("tcp,tp_src=1,tp_dst=80,actions=drop"),
	H("tcp,tp_dst=0x50/0xfff0,actions=drop"),
	H("tcp,tp_dst=65536,actions=drop"),
	H("tcp,tcp_dst=80,actions=drop"),
	H("udp,udp_src=53,actions=drop"),
	H("udp6,udp_dst=53,actions=drop"),
	H("tcp6,tp_dst=22,actions=drop"),
	H("sctp,sctp_dst=5,actions=drop"),
	H("ip,nw_proto=6,tp_dst=80,actions=drop"),
	H("ip,nw_proto=2,actions=drop"),
	H("icmp,icmp_type=8,icmp_code=0,actions=drop"),
	H("icmp,tp_src=3,actions=drop"),
	H("icmp6,icmp_type=135,actions=drop"),
	H("icmp,icmp_type=256,actions=drop"),
	H("icmp,icmp_type=3/0xf,actions=drop"),
	H("arp,nw_src=1.2.3.4,nw_dst=1.2.3.0/24,actions=drop"),
	H("arp,arp_op=2,arp_spa=1.2.3.4,actions=drop"),
	H("arp,nw_proto=1,actions=drop"),
	H("rarp,nw_src=1.2.3.4,actions=drop"),
	H("ip,nw_tos=4,nw_ttl=64,actions=drop"),
	H("ip,nw_tos=3,actions=drop"),
	H("ip,ip_dscp=63,actions=drop"),
	H("ipv6,nw_tos=8,nw_ttl=1,actions=drop"),
	H("ip,nw_ttl=256,actions=drop"),
	H("ip,nw_ttl=010,actions=drop"),
	H("ip,nw_ttl=abc,actions=drop"),
	H("tun_id=5,actions=drop"),
	H("tun_id=0x5/0xff,actions=drop"),
	H("tunnel_id=0,actions=drop"),
	H("tun_id=0x10000000000000000,actions=drop"),
	H("tun_src=1.2.3.4,tun_dst=10.0.0.0/8,actions=drop"),
	H("metadata=0x10/0xf0,actions=drop"),
	H("metadata=5,actions=drop"),
	H("tcp,udp,actions=drop"),
	H("tcp,ip,actions=drop"),
	H("tcp,ipv6,tp_dst=80,actions=drop"),
	H("in_port=1,in_port=2,actions=drop"),
	H("ip4,ip6,mpls,actions=drop"),
	H("mplsm,actions=drop"),
	H("tcp,tp_dst,actions=drop"),
	H("tcp,tp_dst=*,actions=drop"),
	H("eth,ip,actions=drop"),
	H("priority=+5,table=+3,in_port=+1,actions=drop"),
	H("tcp,tp_dst=+80,actions=drop"),
	H("ip,nw_src=010.0.0.1,nw_dst=1.2.3.4/+8,actions=drop"),
	H("ip,nw_src=1.2.3.4/08,actions=drop"),
	H("ip,nw_src=,actions=drop"),
	H("ipv6,ipv6_src=::/0,ipv6_dst=FE80::1/10,actions=drop"),
	H("dl_dst=ff:ff:ff:ff:ff:ff/00:00:00:00:00:00,actions=drop"),
	H("in_port=-1,actions=drop"),
	H("in_port=IN_PORT,actions=drop"),
	H("in_port=\"vf0\",actions=drop"),
	H("actions=Mod_Vlan_Vid:5,OUTPUT:2,Drop"),
	H("actions=controller(MAX_LEN=5)"),
	H("actions=set_field:5->TUN_ID"),
	H("actions=set_field:5->tunnel_id,set_field:1.2.3.4->tun_src"),
	H("actions=controller(reason=)"),
	H("actions=controller(reason=action,max_len=7)"),
	H("ip,actions=set_field:1.2.3.4/0.0.0.255->ip_dst"),
	H("in_port=1 actions=output:2 priority=3"),
	H("actionsxyz=1"),
	H("table=1,goto_table:2,actions=drop"),
	/* prerequisites (OVS drops the field, snic refuses) */
	H("tp_dst=80,actions=drop"),
	H("nw_src=1.2.3.4,actions=drop"),
	H("ipv6,nw_src=1.2.3.4,actions=drop"),
	H("ip,ipv6_src=::1,actions=drop"),
	H("arp,nw_tos=4,actions=drop"),
	H("nw_proto=6,actions=drop"),
	H("ip,tp_dst=80,actions=drop"),
	H("ip,nw_proto=2,tp_src=3,actions=drop"),
	H("ipv6,nw_proto=1,tp_src=5,actions=drop"),
	H("udp,nw_ttl=5,tp_dst=1,dl_type=0x88cc,actions=drop"),
	/* unsupported by snic */
	H("reg0=5,actions=drop"),
	H("ct_state=+trk,actions=drop"),
	H("send_flow_rem,actions=drop"),
	H("importance=5,actions=drop"),
	H("arp,arp_sha=00:11:22:33:44:55,actions=drop"),
	/* actions */
	H("actions=output:1,2,in_port,local,output:IN_PORT"),
	H("actions=OUTPUT:1"),
	H("actions=output:65279"),
	H("actions=output:65280"),
	H("actions=output:ANY"),
	H("actions=output:foo"),
	H("actions=output"),
	H("actions=foo"),
	H("actions="),
	H("actions=1,,2"),
	H("actions=drop,output:1"),
	H("actions=DROP"),
	H("actions=1 2"),
	H("actions=controller"),
	H("actions=controller:100"),
	H("actions=controller(reason=no_match,max_len=100)"),
	H("actions=controller(reason=invalid_ttl,id=3)"),
	H("actions=controller(max_len=65535)"),
	H("actions=controller(max_len=65536)"),
	H("actions=controller(reason=foo)"),
	H("actions=controller(foo=1)"),
	H("actions=controller:0x10"),
	H("actions=output:controller"),
	H("actions=controller(userdata=00.11)"),
	H("actions=mod_vlan_vid:5,mod_vlan_pcp:3"),
	H("actions=mod_vlan_vid:4096"),
	H("actions=mod_vlan_pcp:8"),
	H("actions=strip_vlan"),
	H("dl_vlan=5,actions=pop_vlan"),
	H("actions=push_vlan:0x8100"),
	H("actions=push_vlan:0x88a8,set_field:5->vlan_vid"),
	H("actions=push_vlan:0x800"),
	H("actions=push_vlan"),
	H("actions=strip_vlan,push_vlan:0x8100"),
	H("actions=push_vlan:0x8100,strip_vlan"),
	H("actions=push_vlan:0x8100,push_vlan:0x8100"),
	H("dl_vlan=1,actions=push_vlan:0x8100,push_vlan:0x8100"),
	H("actions=mod_dl_src:00:11:22:33:44:55,mod_dl_dst:01:02:03:04:05:06"),
	H("actions=mod_dl_src:1:2:3:4:5"),
	H("ip,actions=mod_nw_src:1.2.3.4,mod_nw_dst:5.6.7.8"),
	H("actions=mod_nw_src:1.2.3.4"),
	H("actions=mod_nw_src:1.2.3"),
	H("ip,actions=mod_nw_tos:4,mod_nw_ttl:9"),
	H("actions=mod_nw_tos:3"),
	H("tcp,actions=mod_tp_src:1,mod_tp_dst:80"),
	H("udp,actions=mod_tp_dst:65536"),
	H("actions=mod_tp_dst:80"),
	H("ip,actions=dec_ttl"),
	H("actions=dec_ttl"),
	H("actions=dec_ttl()"),
	H("actions=set_tunnel:5,set_tunnel64:6"),
	H("actions=set_tunnel:0x1ffffffff"),
	H("actions=set_tunnel"),
	H("actions=set_field:5->tun_id,set_field:0x5/0xff->tun_id"),
	H("actions=set_field:1.2.3.4->tun_src,set_field:1.2.3.4/24->tun_dst"),
	H("actions=set_field:00:11:22:33:44:55->eth_src"),
	H("actions=set_field:00:11:22:33:44:55/ff:ff:ff:00:00:00->dl_dst"),
	H("ip,actions=set_field:1.2.3.4->nw_src,set_field:5.6.7.8->ip_dst"),
	H("actions=set_field:1.2.3.4->nw_src"),
	H("tcp,actions=set_field:80->tp_dst,set_field:1->tcp_src"),
	H("udp,actions=set_field:80->tp_dst"),
	H("udp,actions=set_field:80->udp_dst"),
	H("sctp,actions=set_field:80->sctp_src"),
	H("dl_vlan=5,actions=set_field:7->vlan_vid,set_field:3->vlan_pcp"),
	H("actions=set_field:5->vlan_vid"),
	H("dl_vlan=1,actions=set_field:0x2005->vlan_vid"),
	H("dl_vlan=1,actions=set_field:8->vlan_pcp"),
	H("ip,actions=set_field:9->nw_ttl,set_field:9->ip_dscp"),
	H("ipv6,actions=set_field:36->nw_tos"),
	H("ip,actions=set_field:3->nw_tos"),
	H("ip,actions=set_field:64->ip_dscp"),
	H("ip,actions=set_field:5/3->nw_ttl"),
	H("actions=set_field:0x10/0xf0->metadata,set_field:7->metadata"),
	H("actions=set_field:1->foo"),
	H("actions=set_field:1"),
	H("actions=set_field:1->"),
	H("actions=set_field:0x800->eth_type"),
	H("actions=set_field:1->in_port"),
	H("actions=write_metadata:5"),
	H("actions=write_metadata:0xff/0xf"),
	H("actions=write_metadata:0x5/0xf/0x3"),
	H("actions=goto_table:1"),
	H("table=3,actions=goto_table:4"),
	H("table=5,actions=goto_table:5"),
	H("table=5,actions=goto_table:3"),
	H("actions=output:1,goto_table:5"),
	H("actions=goto_table:5,output:1"),
	H("actions=write_metadata:5,output:1"),
	H("actions=goto_table:5,write_metadata:5"),
	H("actions=write_metadata:5,goto_table:5"),
	H("actions=goto_table:5,goto_table:6"),
	H("actions=goto_table"),
	H("actions=apply_actions(1)"),
	H("actions=normal"),
	H("actions=flood,all"),
	H("actions=learn(table=1)"),
	H("actions=resubmit:3"),
	H("actions=note:00"),
	H("actions=enqueue:1:2"),
	H("actions=dec_ttl(1,2)"),
	H("actions=output(port=1,max_len=100)"),
	H("tcp,actions=priority=5"),
	/* snic is stricter: OVS silently changes these */
	S("ip,nw_src=10.0.0.300,actions=drop", "invalid IP address"),
	S("ip,ip_dscp=64,actions=drop", "DSCP value is 0 to 63"),
	S("dl_vlan=5000,actions=drop", "VLAN ID is 0 to 4095"),
	S("dl_vlan_pcp=8,actions=drop", "VLAN priority is 0 to 7"),
	S("arp,arp_op=256,actions=drop", "ARP opcode above 255"),
	S("icmp,tp_src=300,actions=drop", "ICMP type"),
	S("tun_id=-1,actions=drop", "negative"),
	S("cookie=-1,actions=drop", "negative numbers"),
	S("actions=set_tunnel:-1", "negative numbers"),
	S("dl_src=100:2:3:4:5:6,actions=drop", "invalid Ethernet address"),
	S("actions=mod_dl_src:00:11:22:33:44:55x", "invalid mac address"),
	S("actions=goto_table:0", "later table"),
	S("actions=goto_table:255", "not a table"),
	S("actions=strip_vlan:5", "takes no argument"),
	S("actions=1:2", "takes no argument"),
	S("ip=5,actions=drop", "takes no value"),
	S("actions=set_field:*->tun_id", "all-zero mask"),
};

/* ---- generated rules ---- */

static uint64_t rng = 1;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned rn(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static bool chance(unsigned pct)
{
	return rn(100) < pct;
}

struct gen {
	char s[2048];
	size_t n;
};

static void g_add(struct gen *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void g_add(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(g->s + g->n, sizeof(g->s) - g->n, fmt, ap);
	va_end(ap);
	if (k > 0 && g->n + (size_t)k < sizeof(g->s))
		g->n += (size_t)k;
}

static void g_num(struct gen *g, uint64_t v, unsigned bits, bool maskable)
{
	uint64_t all = bits == 64 ? UINT64_MAX : (1ull << bits) - 1;
	v &= all;
	g_add(g, chance(30) ? "%#" PRIx64 : "%" PRIu64, v);
	if (maskable && chance(25))
		g_add(g, "/%#" PRIx64, rnd() & all);
}

/* masked: 0 no mask, 1 any mask, 2 a non-zero mask */
static void g_ipv4(struct gen *g, int masked)
{
	uint32_t ip = (uint32_t)rnd();
	g_add(g, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
	      ip & 255);
	if (masked && chance(30))
		g_add(g, "/%u", masked == 2 ? 1 + rn(32) : rn(33));
	else if (masked && chance(10))
		g_add(g, "/255.%u.%u.0", rn(256), rn(256));
}

static void g_mac(struct gen *g, bool masked)
{
	g_add(g, "%02x:%02x:%02x:%02x:%02x:%02x", rn(256), rn(256), rn(256),
	      rn(256), rn(256), rn(256));
	if (masked && chance(20))
		g_add(g, "/ff:ff:%02x:00:00:00", rn(256));
}

static void g_ipv6(struct gen *g)
{
	g_add(g, "%x:%x::%x:%x", rn(0x10000), rn(0x10000), rn(0x10000),
	      rn(0x10000));
	if (chance(30))
		g_add(g, "/%u", rn(129));
}

/* A match field, fitting the base protocol or (rarely) not. */
static void g_field(struct gen *g, int base)
{
	static const char *const l4[] = { "tp_src", "tp_dst", "tcp_src",
					  "udp_dst", "sctp_src" };
	bool ip4 = base >= 1 && base <= 5, ip6 = base >= 6 && base <= 9;
	bool l4ok = (base >= 2 && base <= 4) || (base >= 7 && base <= 9);
	unsigned pick = rn(16);

	if (chance(85)) {       /* keep to what the base allows */
		if (pick >= 8 && pick <= 9 && !(ip4 || base == 10))
			pick = 0;
		if (pick == 10 && !ip6)
			pick = 1;
		if (pick >= 11 && pick <= 12 && !(ip4 || ip6))
			pick = 2;
		if (pick == 13 && !l4ok)
			pick = 3;
		if (pick == 14 && !(base == 5))
			pick = 4;
	}
	switch (pick) {
	case 0: g_add(g, "in_port=%u,", rn(0xff00)); break;
	case 1:
		g_add(g, "%s=", chance(50) ? "dl_src" : "dl_dst");
		g_mac(g, true);
		g_add(g, ",");
		break;
	case 2:
		if (chance(30))
			g_add(g, "dl_vlan=%u,", chance(10) ? 0xffff : rn(4096));
		else if (chance(40))
			g_add(g, "dl_vlan_pcp=%u,", rn(8));
		else
			g_add(g, "vlan_tci=%#x/%#x,", rn(0x10000), rn(0x10000));
		break;
	case 3: g_add(g, "tun_id="); g_num(g, rnd(), 64, true); g_add(g, ","); break;
	case 4:
		g_add(g, "%s=", chance(50) ? "tun_src" : "tun_dst");
		g_ipv4(g, 1);
		g_add(g, ",");
		break;
	case 5: g_add(g, "metadata="); g_num(g, rnd(), 64, true); g_add(g, ","); break;
	case 6: case 7:
		g_add(g, "in_port=%s,", chance(50) ? "LOCAL" : "1");
		break;
	case 8: case 9:
		g_add(g, "%s=", chance(50) ? "nw_src" : "nw_dst");
		g_ipv4(g, 1);
		g_add(g, ",");
		break;
	case 10:
		g_add(g, "%s=", chance(50) ? "ipv6_src" : "ipv6_dst");
		g_ipv6(g);
		g_add(g, ",");
		break;
	case 11: g_add(g, "nw_ttl=%u,", rn(256)); break;
	case 12:
		if (chance(50))
			g_add(g, "nw_tos=%u,", rn(64) * 4);
		else
			g_add(g, "ip_dscp=%u,", rn(64));
		break;
	case 13:
		g_add(g, "%s=", l4[rn(5)]);
		g_num(g, rnd(), 16, true);
		g_add(g, ",");
		break;
	case 14:
		g_add(g, "icmp_%s=%u,", chance(50) ? "type" : "code", rn(256));
		break;
	default:
		g_add(g, "nw_proto=%u,", rn(256));
		break;
	}
}

static const char *const sf_fields[] = {
	"tun_id", "tun_src", "tun_dst", "metadata", "eth_src", "eth_dst",
	"vlan_vid", "vlan_pcp", "ip_src", "nw_dst", "nw_tos", "ip_dscp",
	"nw_ttl", "tcp_src", "tp_dst", "udp_src", "udp_dst", "sctp_dst",
};

static void g_set_field(struct gen *g)
{
	unsigned f = rn(sizeof(sf_fields) / sizeof(sf_fields[0]));

	g_add(g, "set_field:");
	switch (f) {
	case 0: case 3: g_num(g, rnd(), 64, true); break;
	case 1: case 2: case 8: case 9: g_ipv4(g, chance(20) ? 2 : 0); break;
	case 4: case 5: g_mac(g, true); break;
	case 6: g_add(g, "%u", 0x1000 | rn(4096)); break;
	case 7: g_add(g, "%u", rn(8)); break;
	case 10: g_add(g, "%u", rn(64) * 4); break;
	case 11: g_add(g, "%u", rn(64)); break;
	case 12: g_add(g, "%u", rn(256)); break;
	default: g_num(g, rnd(), 16, true); break;
	}
	g_add(g, "->%s", sf_fields[f]);
}

static void g_action(struct gen *g, unsigned table)
{
	switch (rn(22)) {
	case 0: g_add(g, "output:%u", rn(0xff00)); break;
	case 1: g_add(g, "%u", 1 + rn(100)); break;
	case 2: g_add(g, "%s", chance(50) ? "in_port" : "LOCAL"); break;
	case 3:
		if (chance(40))
			g_add(g, "controller");
		else if (chance(50))
			g_add(g, "controller:%u", rn(65536));
		else
			g_add(g, "controller(reason=%s,max_len=%u)",
			      chance(50) ? "no_match" : "invalid_ttl",
			      rn(65536));
		break;
	case 4: g_add(g, "mod_vlan_vid:%u", rn(4096)); break;
	case 5: g_add(g, "mod_vlan_pcp:%u", rn(8)); break;
	case 6: g_add(g, "strip_vlan"); break;
	case 7: g_add(g, "push_vlan:%s", chance(50) ? "0x8100" : "0x88a8"); break;
	case 8: g_add(g, "mod_dl_%s:", chance(50) ? "src" : "dst"); g_mac(g, false); break;
	case 9: g_add(g, "mod_nw_%s:", chance(50) ? "src" : "dst"); g_ipv4(g, 0); break;
	case 10: g_add(g, "mod_nw_tos:%u", rn(64) * 4); break;
	case 11: g_add(g, "mod_nw_ttl:%u", rn(256)); break;
	case 12: g_add(g, "mod_tp_%s:%u", chance(50) ? "src" : "dst", rn(65536)); break;
	case 13: g_add(g, "dec_ttl"); break;
	case 14: g_add(g, "set_tunnel:%#x", (unsigned)rnd()); break;
	case 15: g_add(g, "set_tunnel64:%#" PRIx64, rnd()); break;
	case 16: case 17: case 18: g_set_field(g); break;
	case 19: g_add(g, "write_metadata:"); g_num(g, rnd(), 64, true); break;
	case 20: g_add(g, "goto_table:%u", table + 1 + rn(5)); break;
	default: g_add(g, "drop"); break;
	}
}

static const char *const bases[] = {
	"", "ip,", "tcp,", "udp,", "sctp,", "icmp,", "ipv6,", "tcp6,", "udp6,",
	"sctp6,", "arp,",
};

static const char *const corruptions[] = {
	"bogus=1,", "nw_ttl=300,", "priority=70000,", "tcp_dst=0x,",
	"dl_src=1:2:3,", "in_port=,", "table=x,", "ip,nw_src=1.2.3.4/40,",
};

static void gen_rule(struct gen *g)
{
	unsigned table = 0;
	int base = (int)rn(sizeof(bases) / sizeof(bases[0]));

	g->n = 0;
	g->s[0] = '\0';
	if (chance(20)) {
		table = rn(10);
		g_add(g, "table=%u,", table);
	}
	if (chance(50))
		g_add(g, "priority=%u,", rn(65536));
	if (chance(20))
		g_add(g, "cookie=%#" PRIx64 ",", rnd());
	if (chance(15))
		g_add(g, "idle_timeout=%u,hard_timeout=%u,", rn(65536), rn(100));
	g_add(g, "%s", bases[base]);
	for (unsigned i = rn(4); i > 0; i--)
		g_field(g, base);
	if (chance(8))
		g_add(g, "%s", corruptions[rn(sizeof(corruptions) /
					   sizeof(corruptions[0]))]);
	g_add(g, "actions=");
	unsigned n = rn(5);
	for (unsigned i = 0; i < n; i++) {
		if (i)
			g_add(g, ",");
		g_action(g, table);
	}
}

const size_t ovs_n_hand = sizeof(ovs_hand) / sizeof(ovs_hand[0]);

void ovs_gen_seed(uint64_t seed)
{
	rng = seed ? seed : 1;
}

void ovs_gen_rule(char *buf, size_t len)
{
	struct gen g;

	gen_rule(&g);
	snprintf(buf, len, "%s", g.s);
}
