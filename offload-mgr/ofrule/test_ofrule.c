/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ofrule.c - offload-mgr/ofrule, the parser on its own:
 *
 *   1. accepted rules: the exact model, field by field (header, every match
 *      value and mask, every action and argument), and the canonical text;
 *   2. refused rules: the errno, the message (token, column, reason), and
 *      the output left untouched;
 *   3. round trip: parse(format(r)) == r for every accepted rule.
 * (Ports, match-only modes, rules files, the match algebra and the
 * formatter's limits: test_ofrule_api.c.)
 */
#include "test_ofrule_lib.h"

/* ---- 1. accepted ---- */

struct ok_case {
	const char *text;
	const char *canon;           /* snic_of_rule_format() */
	struct snic_of_rule want;
};

static const struct ok_case ok_cases[] = {
	{ "priority=100,in_port=1,ip,nw_dst=10.0.0.0/24,actions=output:2",
	  "priority=100,ip,in_port=1,nw_dst=10.0.0.0/24 actions=output:2",
	  RULE(.priority = 100,
	       M(.in_port = 1, .in_port_mask = M32, .dl_type = 0x0800,
		 .dl_type_mask = 0xffff, .nw_dst = IP4(10, 0, 0, 0),
		 .nw_dst_mask = 0xffffff00),
	       A(OUT(2))) },
	{ "table=3,cookie=0x5,idle_timeout=10,hard_timeout=20,actions=drop",
	  "cookie=0x5, table=3, idle_timeout=10, hard_timeout=20, actions=drop",
	  RULE(.table = 3, .cookie = 5, .idle_timeout = 10,
	       .hard_timeout = 20) },
	{ "actions=", "actions=drop", RULE() },
	{ "cookie=0,priority=32768,table=255,actions=drop", "actions=drop",
	  RULE() },
	{ "priority=0x10,ip,nw_ttl=010,actions=drop",
	  "priority=16,ip,nw_ttl=8 actions=drop",
	  RULE(.priority = 16, M(.dl_type = 0x0800, .dl_type_mask = 0xffff,
				 .nw_ttl = 8, .nw_ttl_mask = 0xff)) },
	{ "  ip   tcp actions=1 2 ", "tcp actions=output:1,output:2",
	  RULE(M(.dl_type = 0x0800, .dl_type_mask = 0xffff, .nw_proto = 6,
		 .nw_proto_mask = 0xff), A(OUT(1), OUT(2))) },
	{ "duration=3.2s,n_packets=1,n_bytes=64,idle_age=3,ip,actions=drop",
	  "ip actions=drop",
	  RULE(M(.dl_type = 0x0800, .dl_type_mask = 0xffff)) },
	{ "tcp,tp_dst=80,actions=1", "tcp,tp_dst=80 actions=output:1",
	  RULE(M(.dl_type = 0x0800, .dl_type_mask = 0xffff, .nw_proto = 6,
		 .nw_proto_mask = 0xff, .tp_dst = 80, .tp_dst_mask = 0xffff),
	       A(OUT(1))) },
	{ "ip,nw_proto=6,tcp_dst=80,tp_dst=*,actions=drop", "tcp actions=drop",
	  RULE(M(.dl_type = 0x0800, .dl_type_mask = 0xffff, .nw_proto = 6,
		 .nw_proto_mask = 0xff)) },
	{ "udp6,udp_dst=0x35/0xfff0,udp_src,actions=drop",
	  "udp6,tp_dst=0x30/0xfff0 actions=drop",
	  RULE(M(.dl_type = 0x86dd, .dl_type_mask = 0xffff, .nw_proto = 17,
		 .nw_proto_mask = 0xff, .tp_dst = 0x30,
		 .tp_dst_mask = 0xfff0)) },
	{ "sctp,sctp_src=5,actions=drop", "sctp,tp_src=5 actions=drop",
	  RULE(M(.dl_type = 0x0800, .dl_type_mask = 0xffff, .nw_proto = 132,
		 .nw_proto_mask = 0xff, .tp_src = 5, .tp_src_mask = 0xffff)) },
	{ "icmp,icmp_type=8,icmp_code=0,actions=drop",
	  "icmp,icmp_type=8,icmp_code=0 actions=drop",
	  RULE(M(.dl_type = 0x0800, .dl_type_mask = 0xffff, .nw_proto = 1,
		 .nw_proto_mask = 0xff, .tp_src = 8, .tp_src_mask = 0xffff,
		 .tp_dst = 0, .tp_dst_mask = 0xffff)) },
	{ "eth_type=0x86dd,ip_proto=58,icmpv6_type=135,actions=drop",
	  "icmp6,icmp_type=135 actions=drop",
	  RULE(M(.dl_type = 0x86dd, .dl_type_mask = 0xffff, .nw_proto = 58,
		 .nw_proto_mask = 0xff, .tp_src = 135,
		 .tp_src_mask = 0xffff)) },
	{ "dl_vlan=5,actions=drop", "dl_vlan=5 actions=drop",
	  RULE(M(.vlan_tci = 0x1005, .vlan_tci_mask = 0x1fff)) },
	{ "dl_vlan_pcp=3,dl_vlan=5,actions=drop",
	  "dl_vlan=5,dl_vlan_pcp=3 actions=drop",
	  RULE(M(.vlan_tci = 0x7005, .vlan_tci_mask = 0xffff)) },
	{ "dl_vlan=0xffff,actions=drop", "vlan_tci=0x0000 actions=drop",
	  RULE(M(.vlan_tci = 0, .vlan_tci_mask = 0xffff)) },
	{ "vlan_tci=0x1005,actions=drop", "dl_vlan=5,dl_vlan_pcp=0 actions=drop",
	  RULE(M(.vlan_tci = 0x1005, .vlan_tci_mask = 0xffff)) },
	{ "vlan_tci=0x1000/0x1000,actions=drop",
	  "vlan_tci=0x1000/0x1000 actions=drop",
	  RULE(M(.vlan_tci = 0x1000, .vlan_tci_mask = 0x1000)) },
	{ "vlan_tci=0x7005/0xefff,actions=drop",
	  "vlan_tci=0x6005/0xefff actions=drop",
	  RULE(M(.vlan_tci = 0x6005, .vlan_tci_mask = 0xefff)) },
	{ "dl_vlan_pcp=3,dl_vlan=*,actions=drop",
	  "dl_vlan_pcp=3 actions=drop",
	  RULE(M(.vlan_tci = 0x7000, .vlan_tci_mask = 0xf000)) },
	{ "vlan_vid=0x1005/0x1fff,vlan_pcp=2,actions=drop",
	  "dl_vlan=5,dl_vlan_pcp=2 actions=drop",
	  RULE(M(.vlan_tci = 0x5005, .vlan_tci_mask = 0xffff)) },
	{ "dl_src=00:11:22:33:44:55/ff:ff:ff:00:00:00,dl_dst=1:2:3:4:5:6,"
	  "actions=drop",
	  "dl_src=00:11:22:00:00:00/ff:ff:ff:00:00:00,dl_dst=01:02:03:04:05:06 "
	  "actions=drop",
	  RULE(M(.dl_src = { 0, 0x11, 0x22 }, .dl_src_mask = { 0xff, 0xff, 0xff },
		 .dl_dst = { 1, 2, 3, 4, 5, 6 },
		 .dl_dst_mask = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff })) },
	{ "dl_type=0x88cc,actions=drop", "dl_type=0x88cc actions=drop",
	  RULE(M(.dl_type = 0x88cc, .dl_type_mask = 0xffff)) },
	{ "rarp,nw_src=1.2.3.4,actions=drop", "rarp,arp_spa=1.2.3.4 actions=drop",
	  RULE(M(.dl_type = 0x8035, .dl_type_mask = 0xffff,
		 .nw_src = IP4(1, 2, 3, 4), .nw_src_mask = M32)) },
	{ "arp,nw_src=1.2.3.4,nw_proto=2,actions=drop",
	  "arp,arp_spa=1.2.3.4,arp_op=2 actions=drop",
	  RULE(M(.dl_type = 0x0806, .dl_type_mask = 0xffff,
		 .nw_src = IP4(1, 2, 3, 4), .nw_src_mask = M32, .nw_proto = 2,
		 .nw_proto_mask = 0xff)) },
	{ "ip,nw_src=10.1.2.3/255.0.255.0,actions=drop",
	  "ip,nw_src=10.0.2.0/255.0.255.0 actions=drop",
	  RULE(M(.dl_type = 0x0800, .dl_type_mask = 0xffff,
		 .nw_src = IP4(10, 0, 2, 0), .nw_src_mask = 0xff00ff00)) },
	{ "ip,nw_tos=7,actions=drop", "ip,nw_tos=4 actions=drop",
	  RULE(M(.dl_type = 0x0800, .dl_type_mask = 0xffff, .nw_tos = 4,
		 .nw_tos_mask = 0xfc)) },
	{ "ipv6,ip_dscp=10,nw_ttl=64,ipv6_src=2001:db8::1/64,ipv6_dst=::1,"
	  "actions=drop",
	  "ipv6,ipv6_src=2001:db8::/64,ipv6_dst=::1,nw_tos=40,nw_ttl=64 "
	  "actions=drop",
	  RULE(M(.dl_type = 0x86dd, .dl_type_mask = 0xffff, .nw_tos = 40,
		 .nw_tos_mask = 0xfc, .nw_ttl = 64, .nw_ttl_mask = 0xff,
		 .ipv6_src = { 0x20, 0x01, 0x0d, 0xb8 },
		 .ipv6_src_mask = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				    0xff },
		 .ipv6_dst = { [15] = 1 },
		 .ipv6_dst_mask = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				    0xff, 0xff })) },
	{ "tun_id=0x5/0xff,tun_src=1.2.3.4,tun_dst=10.0.0.0/8,"
	  "metadata=0x10/0xf0,in_port=LOCAL,actions=drop",
	  "tun_id=0x5/0xff,tun_src=1.2.3.4,tun_dst=10.0.0.0/8,"
	  "metadata=0x10/0xf0,in_port=LOCAL actions=drop",
	  RULE(M(.tun_id = 5, .tun_id_mask = 0xff, .tun_src = IP4(1, 2, 3, 4),
		 .tun_src_mask = M32, .tun_dst = IP4(10, 0, 0, 0),
		 .tun_dst_mask = 0xff000000, .metadata = 0x10,
		 .metadata_mask = 0xf0, .in_port = SNIC_OF_PORT_LOCAL,
		 .in_port_mask = M32)) },
	{ "tunnel_id=0,actions=drop", "tun_id=0 actions=drop",
	  RULE(M(.tun_id_mask = M64)) },
	{ "in_port=LOCAL,actions=in_port,output:IN_PORT,local,65279",
	  "in_port=LOCAL actions=IN_PORT,IN_PORT,LOCAL,output:65279",
	  RULE(M(.in_port = SNIC_OF_PORT_LOCAL, .in_port_mask = M32),
	       A(OUT(SNIC_OF_PORT_IN_PORT), OUT(SNIC_OF_PORT_IN_PORT),
		 OUT(SNIC_OF_PORT_LOCAL), OUT(65279))) },
	{ "actions=controller,controller:100,"
	  "controller(reason=no_match,max_len=128,id=7),output:controller",
	  "actions=CONTROLLER:65535,CONTROLLER:100,"
	  "controller(reason=no_match,max_len=128,id=7),CONTROLLER:65535",
	  RULE(A({ .type = SNIC_OF_ACT_CONTROLLER, .u.controller =
		   { 65535, 0, SNIC_OF_REASON_ACTION } },
		 { .type = SNIC_OF_ACT_CONTROLLER, .u.controller =
		   { 100, 0, SNIC_OF_REASON_ACTION } },
		 { .type = SNIC_OF_ACT_CONTROLLER, .u.controller =
		   { 128, 7, SNIC_OF_REASON_NO_MATCH } },
		 { .type = SNIC_OF_ACT_CONTROLLER, .u.controller =
		   { 65535, 0, SNIC_OF_REASON_ACTION } })) },
	{ "dl_vlan=1,actions=mod_vlan_vid:5,mod_vlan_pcp:3,strip_vlan,"
	  "push_vlan:0x88a8,pop_vlan",
	  "dl_vlan=1 actions=mod_vlan_vid:5,mod_vlan_pcp:3,strip_vlan,"
	  "push_vlan:0x88a8,pop_vlan",
	  RULE(M(.vlan_tci = 0x1001, .vlan_tci_mask = 0x1fff),
	       A({ .type = SNIC_OF_ACT_MOD_VLAN_VID, .u.vlan_vid = 5 },
		 { .type = SNIC_OF_ACT_MOD_VLAN_PCP, .u.vlan_pcp = 3 },
		 { .type = SNIC_OF_ACT_STRIP_VLAN, .u.pop = false },
		 { .type = SNIC_OF_ACT_PUSH_VLAN, .u.ethertype = 0x88a8 },
		 { .type = SNIC_OF_ACT_STRIP_VLAN, .u.pop = true })) },
	{ "ip,actions=mod_dl_src:00:11:22:33:44:55,mod_dl_dst:66:77:88:99:aa:bb,"
	  "mod_nw_src:10.0.0.1,mod_nw_dst:10.0.0.2,mod_nw_tos:8,mod_nw_ttl:9,"
	  "set_nw_ttl:10,dec_ttl,dec_ttl()",
	  "ip actions=mod_dl_src:00:11:22:33:44:55,mod_dl_dst:66:77:88:99:aa:bb,"
	  "mod_nw_src:10.0.0.1,mod_nw_dst:10.0.0.2,mod_nw_tos:8,mod_nw_ttl:9,"
	  "mod_nw_ttl:10,dec_ttl,dec_ttl",
	  RULE(M(.dl_type = 0x0800, .dl_type_mask = 0xffff),
	       A({ .type = SNIC_OF_ACT_MOD_DL_SRC,
		   .u.mac = { 0, 0x11, 0x22, 0x33, 0x44, 0x55 } },
		 { .type = SNIC_OF_ACT_MOD_DL_DST,
		   .u.mac = { 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb } },
		 { .type = SNIC_OF_ACT_MOD_NW_SRC, .u.ipv4 = IP4(10, 0, 0, 1) },
		 { .type = SNIC_OF_ACT_MOD_NW_DST, .u.ipv4 = IP4(10, 0, 0, 2) },
		 { .type = SNIC_OF_ACT_MOD_NW_TOS, .u.tos = 8 },
		 { .type = SNIC_OF_ACT_MOD_NW_TTL, .u.ttl = 9 },
		 { .type = SNIC_OF_ACT_MOD_NW_TTL, .u.ttl = 10 },
		 { .type = SNIC_OF_ACT_DEC_TTL },
		 { .type = SNIC_OF_ACT_DEC_TTL })) },
	{ "tcp,actions=mod_tp_src:1,mod_tp_dst:0x50",
	  "tcp actions=mod_tp_src:1,mod_tp_dst:80",
	  RULE(M(.dl_type = 0x0800, .dl_type_mask = 0xffff, .nw_proto = 6,
		 .nw_proto_mask = 0xff),
	       A({ .type = SNIC_OF_ACT_MOD_TP_SRC, .u.tp_port = 1 },
		 { .type = SNIC_OF_ACT_MOD_TP_DST, .u.tp_port = 80 })) },
	{ "actions=set_tunnel:5,set_tunnel64:6,set_tunnel:0x100000000",
	  "actions=set_tunnel:0x5,set_tunnel64:0x6,set_tunnel64:0x100000000",
	  RULE(A({ .type = SNIC_OF_ACT_SET_TUNNEL, .u.tunnel = { 5, false } },
		 { .type = SNIC_OF_ACT_SET_TUNNEL, .u.tunnel = { 6, true } },
		 { .type = SNIC_OF_ACT_SET_TUNNEL,
		   .u.tunnel = { 0x100000000ull, false } })) },
	{ "tcp,dl_vlan=1,actions=set_field:0x5/0xff->tun_id,"
	  "set_field:1.2.3.4->tun_dst,set_field:00:11:22:33:44:55->eth_src,"
	  "set_field:10.9.8.7/8->nw_src,set_field:80->tp_dst,"
	  "set_field:4101->vlan_vid,set_field:5->vlan_pcp,set_field:8->nw_tos,"
	  "set_field:2->ip_dscp,set_field:64->nw_ttl,"
	  "set_field:0x3/0x1->metadata,set_field:0->tunnel_id",
	  "tcp,dl_vlan=1 actions=set_field:0x5/0xff->tun_id,"
	  "set_field:1.2.3.4->tun_dst,set_field:00:11:22:33:44:55->eth_src,"
	  "set_field:10.0.0.0/8->ip_src,set_field:80->tcp_dst,"
	  "set_field:4101->vlan_vid,set_field:5->vlan_pcp,set_field:8->nw_tos,"
	  "set_field:2->ip_dscp,set_field:64->nw_ttl,"
	  "set_field:0x1/0x1->metadata,set_field:0->tun_id",
	  RULE(M(.dl_type = 0x0800, .dl_type_mask = 0xffff, .nw_proto = 6,
		 .nw_proto_mask = 0xff, .vlan_tci = 0x1001,
		 .vlan_tci_mask = 0x1fff),
	       A(SF(TUN_ID, 5, 0xff), SF(TUN_DST, IP4(1, 2, 3, 4), M32),
		 SF(ETH_SRC, 0x001122334455ull, 0xffffffffffffull),
		 SF(IP_SRC, IP4(10, 0, 0, 0), 0xff000000),
		 SF(TCP_DST, 80, 0xffff), SF(VLAN_VID, 4101, 0xffff),
		 SF(VLAN_PCP, 5, 0xff), SF(NW_TOS, 8, 0xff),
		 SF(IP_DSCP, 2, 0xff), SF(NW_TTL, 64, 0xff),
		 SF(METADATA, 1, 1), SF(TUN_ID, 0, M64))) },
	{ "udp,actions=set_field:53->udp_dst,set_field:1->udp_src",
	  "udp actions=set_field:53->udp_dst,set_field:1->udp_src",
	  RULE(M(.dl_type = 0x0800, .dl_type_mask = 0xffff, .nw_proto = 17,
		 .nw_proto_mask = 0xff),
	       A(SF(UDP_DST, 53, 0xffff), SF(UDP_SRC, 1, 0xffff))) },
	{ "actions=push_vlan:0x8100,set_field:0x1005->vlan_vid",
	  "actions=push_vlan:0x8100,set_field:4101->vlan_vid",
	  RULE(A({ .type = SNIC_OF_ACT_PUSH_VLAN, .u.ethertype = 0x8100 },
		 SF(VLAN_VID, 0x1005, 0xffff))) },
	{ "table=1,actions=write_metadata:0xff/0xf,goto_table:2",
	  "table=1, actions=write_metadata:0xff/0xf,goto_table:2",
	  RULE(.table = 1,
	       A({ .type = SNIC_OF_ACT_WRITE_METADATA,
		   .u.metadata = { 0xff, 0xf } },
		 { .type = SNIC_OF_ACT_GOTO_TABLE, .u.table = 2 })) },
	{ "actions=write_metadata:5,goto_table:254",
	  "actions=write_metadata:0x5,goto_table:254",
	  RULE(A({ .type = SNIC_OF_ACT_WRITE_METADATA,
		   .u.metadata = { 5, M64 } },
		 { .type = SNIC_OF_ACT_GOTO_TABLE, .u.table = 254 })) },
};

static void test_accepted(void)
{
	for (size_t i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		const struct ok_case *c = &ok_cases[i];
		struct snic_of_rule r;
		struct snic_of_error e;
		char buf[SNIC_OF_RULE_TEXT_MAX];

		int rc = snic_of_rule_parse(c->text, SNIC_OF_MODE_ADD, NULL, &r,
					    &e);
		SNIC_CHECK(rc == 0, "%s: refused: %s", c->text, rc ? e.msg : "");
		if (rc)
			continue;
		check_rule(c->text, &r, &c->want);
		SNIC_CHECK(snic_of_rule_equal(&r, &c->want), "%s: rule_equal "
			   "with the expected model", c->text);
		SNIC_REQUIRE(snic_of_rule_format(&r, NULL, buf, sizeof(buf)) ==
			     0, "%s", c->text);
		SNIC_CHECK(!strcmp(buf, c->canon), "%s: formatted \"%s\", want "
			   "\"%s\"", c->text, buf, c->canon);
		round_trip(c->text, &r, NULL);
	}
}

/* ---- 2. refused ---- */

struct bad_case {
	const char *text;
	int code;
	const char *msg;      /* in the message */
	const char *token;    /* the error's token */
	unsigned column;
};

static const struct bad_case bad_cases[] = {
	{ "tp_dst=80,actions=drop", -EINVAL,
	  "tp_dst requires nw_proto tcp, udp or sctp (add \"tcp\" or \"udp\")",
	  "tp_dst=80", 1 },
	{ "ip,udp_src=53,nw_src=1.1.1.1,actions=drop", -EINVAL,
	  "udp_src requires nw_proto tcp, udp or sctp", "udp_src=53", 4 },
	{ "ip,nw_src=10.0.0.300,actions=drop", -EINVAL,
	  "nw_src=10.0.0.300: 10.0.0.300: invalid IP address",
	  "nw_src=10.0.0.300", 4 },
	{ "nw_src=10.0.0.1,actions=drop", -EINVAL,
	  "nw_src requires dl_type ip or arp (add \"ip\" or \"arp\")",
	  "nw_src=10.0.0.1", 1 },
	{ "ip,ipv6_dst=::1,actions=drop", -EINVAL,
	  "ipv6_dst requires dl_type ipv6", "ipv6_dst=::1", 4 },
	{ "arp,nw_ttl=3,actions=drop", -EINVAL,
	  "nw_ttl requires dl_type ip or ipv6", "nw_ttl=3", 5 },
	{ "tcp,dl_type=0x88cc,actions=drop", -EINVAL,
	  "nw_proto requires dl_type ip, ipv6 or arp", "tcp", 1 },
	{ "icmp,tp_src=0x3/0xff,actions=drop", -EINVAL,
	  "on icmp this is the ICMP type: a value 0 to 255 without a mask",
	  "tp_src=0x3/0xff", 6 },
	{ "foo=1,actions=drop", -EINVAL, "unknown field \"foo\"", "foo=1", 1 },
	{ "ip,IP,actions=drop", -EINVAL, "unknown field \"IP\"", "IP", 4 },
	{ "in_port=1", -EINVAL, "must specify an action", "", 0 },
	{ "priority=65536,actions=drop", -EINVAL,
	  "invalid priority \"65536\"", "priority=65536", 1 },
	{ "priority=,actions=drop", -EINVAL, "field priority missing value",
	  "priority=", 1 },
	{ "table=0x3,actions=drop", -EINVAL, "unknown table \"0x3\"",
	  "table=0x3", 1 },
	{ "tcp,tp_dst=65536,actions=drop", -ERANGE,
	  "65536: value too large for 2-byte field tcp_dst", "tp_dst=65536", 5 },
	{ "ip,nw_ttl=08,actions=drop", -EINVAL,
	  "08: bad syntax for nw_ttl value", "nw_ttl=08", 4 },
	{ "ip,nw_src=1.2.3.4/33,actions=drop", -EINVAL,
	  "prefix bits not between 0 and 32, inclusive", "nw_src=1.2.3.4/33",
	  4 },
	{ "ipv6,ipv6_src=1::/129,actions=drop", -EINVAL,
	  "IPv6 network prefix bits not between 0 and 128",
	  "ipv6_src=1::/129", 6 },
	{ "dl_src=00:11:22:33:44,actions=drop", -EINVAL,
	  "00:11:22:33:44: invalid Ethernet address", "dl_src=00:11:22:33:44",
	  1 },
	{ "dl_type=0x0800/0xff00,actions=drop", -EINVAL,
	  "invalid mask for field eth_type", "dl_type=0x0800/0xff00", 1 },
	{ "ip,ip_dscp=64,actions=drop", -EINVAL, "DSCP value is 0 to 63",
	  "ip_dscp=64", 4 },
	{ "dl_vlan=4096,actions=drop", -EINVAL, "VLAN ID is 0 to 4095",
	  "dl_vlan=4096", 1 },
	{ "cookie=-1,actions=drop", -EINVAL, "negative numbers",
	  "cookie=-1", 1 },
	{ "cookie=1/1,actions=drop", -EINVAL,
	  "flow additions cannot use a cookie mask", "cookie=1/1", 1 },
	{ "ip=4,actions=drop", -EINVAL, "ip takes no value", "ip=4", 1 },
	{ "reg0=1,actions=drop", -ENOTSUP, "reg0 is not supported by snic",
	  "reg0=1", 1 },
	{ "send_flow_rem,actions=drop", -ENOTSUP, "not supported by snic",
	  "send_flow_rem", 1 },
	{ "in_port=vf0,actions=drop", -ENOENT,
	  "vf0: invalid or unknown port for in_port (a port name, but no port "
	  "table is available", "in_port=vf0", 1 },
	{ "in_port=70000,actions=drop", -EINVAL,
	  "invalid or unknown port for in_port", "in_port=70000", 1 },
	{ "actions=normal", -ENOTSUP, "output to NORMAL is not supported by snic",
	  "normal", 9 },
	{ "actions=learn(table=1)", -ENOTSUP,
	  "action \"learn\" is not supported by snic", "learn(table=1)", 9 },
	{ "actions=dec_ttl(1)", -ENOTSUP,
	  "dec_ttl with controller ids is not supported by snic", "dec_ttl(1)",
	  9 },
	{ "actions=controller(pause)", -ENOTSUP,
	  "controller pause is not supported by snic", "controller(pause)", 9 },
	{ "actions=set_field:1->in_port", -ENOTSUP,
	  "set_field to in_port is not supported by snic",
	  "set_field:1->in_port", 9 },
	{ "actions=output:vf0", -ENOENT, "no port table is available",
	  "output:vf0", 9 },
	{ "actions=output:65280", -EINVAL,
	  "port 65280 cannot be an output port", "output:65280", 9 },
	{ "actions=output:ANY", -EINVAL, "cannot be an output port",
	  "output:ANY", 9 },
	{ "actions=foo", -ENOENT, "foo: unknown action, or output to unknown "
	  "port", "foo", 9 },
	{ "actions=foo/bar", -EINVAL, "unknown action foo/bar", "foo/bar", 9 },
	{ "tcp,actions=priority=5", -EINVAL, "unknown action priority (match "
	  "fields and rule settings go before \"actions=\")", "priority=5",
	  13 },
	{ "actions=drop,output:1", -EINVAL,
	  "\"drop\" must not be accompanied by any other action", "drop,output:1",
	  9 },
	{ "actions=drop:1", -EINVAL, "drop takes no argument", "drop:1", 9 },
	{ "actions=goto_table:2,output:1", -EINVAL,
	  "invalid instruction ordering: apply_actions must appear before "
	  "goto_table", "output:1", 22 },
	{ "actions=goto_table:2,goto_table:3", -EINVAL,
	  "duplicate goto_table instruction not allowed", "goto_table:3", 22 },
	{ "table=2,actions=goto_table:2", -EINVAL,
	  "goto_table must go to a later table than this rule's table 2",
	  "goto_table:2", 17 },
	{ "actions=goto_table:255", -EINVAL, "table 255 is not a table",
	  "goto_table:255", 9 },
	{ "actions=set_field:80->tcp_dst", -EINVAL,
	  "set_field to tcp_dst requires tcp in the match (add \"tcp\") "
	  "(OFPBAC_MATCH_INCONSISTENT)", "set_field:80->tcp_dst", 9 },
	{ "actions=set_field:5->vlan_vid", -EINVAL,
	  "set_field to vlan_vid requires a VLAN tag", "set_field:5->vlan_vid",
	  9 },
	{ "dl_vlan=1,actions=strip_vlan,set_field:5->vlan_pcp", -EINVAL,
	  "set_field to vlan_pcp requires a VLAN tag", "set_field:5->vlan_pcp",
	  30 },
	{ "actions=set_field:1->foo", -EINVAL, "foo is not a valid OXM field "
	  "name", "set_field:1->foo", 9 },
	{ "actions=set_field:0x800->eth_type", -EINVAL, "eth_type is read-only",
	  "set_field:0x800->eth_type", 9 },
	{ "actions=set_field:1", -EINVAL, "1: missing `->'", "set_field:1", 9 },
	{ "ip,actions=set_field:3->nw_tos", -EINVAL,
	  "3 is not a valid value for field nw_tos", "set_field:3->nw_tos", 12 },
	{ "ip,actions=set_field:5/3->nw_ttl", -EINVAL,
	  "5/3: invalid mask for field nw_ttl", "set_field:5/3->nw_ttl", 12 },
	{ "actions=strip_vlan,push_vlan:0x8100", -EINVAL,
	  "push_vlan (column 20) needs OpenFlow 1.1 or later, but strip_vlan "
	  "(column 9) has OpenFlow 1.0 semantics here because the match does "
	  "not guarantee a VLAN tag (OFPBAC_MATCH_INCONSISTENT)",
	  "push_vlan:0x8100", 20 },
	{ "actions=push_vlan:0x8100,mod_tp_dst:1", -EINVAL,
	  "the match is not tcp, udp or sctp", "mod_tp_dst:1", 26 },
	{ "dl_vlan=1,actions=push_vlan:0x8100,push_vlan:0x8100", -EINVAL,
	  "a third VLAN tag: at most 2 (OFPBAC_BAD_TAG)", "push_vlan:0x8100",
	  36 },
	{ "actions=mod_vlan_vid:4096", -EINVAL, "4096: not a valid VLAN VID",
	  "mod_vlan_vid:4096", 9 },
	{ "actions=mod_vlan_pcp:x", -EINVAL, "invalid VLAN PCP \"x\"",
	  "mod_vlan_pcp:x", 9 },
	{ "actions=push_vlan:0x800", -EINVAL, "not a valid VLAN ethertype",
	  "push_vlan:0x800", 9 },
	{ "actions=mod_nw_src:1.2.3", -EINVAL,
	  "1.2.3: could not convert to IP address", "mod_nw_src:1.2.3", 9 },
	{ "actions=mod_dl_dst:1:2:3:4:5", -EINVAL,
	  "invalid mac address 1:2:3:4:5", "mod_dl_dst:1:2:3:4:5", 9 },
	{ "actions=mod_nw_tos:3", -EINVAL, "3: not a valid TOS",
	  "mod_nw_tos:3", 9 },
	{ "actions=controller(reason=foo)", -EINVAL, "unknown reason \"foo\"",
	  "controller(reason=foo)", 9 },
	{ "actions=controller(max_len=65536)", -EINVAL,
	  "invalid max_len \"65536\"", "controller(max_len=65536)", 9 },
	{ "actions=set_tunnel", -EINVAL, "missing required numeric argument",
	  "set_tunnel", 9 },
	{ "actions=write_metadata:1/2/3", -EINVAL, "invalid numeric format 2/3",
	  "write_metadata:1/2/3", 9 },
	{ "actions=apply_actions(1)", -EINVAL,
	  "apply_actions is the default instruction", "apply_actions(1)", 9 },
	{ "actions=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,"
	  "23,24,25,26,27,28,29,30,31,32,33", -E2BIG,
	  "too many actions (snic takes at most 32)", "33", 96 },
};

static void test_refused(void)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct snic_of_rule r, before;
		struct snic_of_error e;

		memset(&r, 0xa5, sizeof(r));
		memcpy(&before, &r, sizeof(r));
		int rc = snic_of_rule_parse(c->text, SNIC_OF_MODE_ADD, NULL, &r,
					    &e);
		SNIC_CHECK_EQ(rc, c->code, c->text);
		if (!rc)
			continue;
		SNIC_CHECK_EQ(e.code, rc, c->text);
		SNIC_CHECK(strstr(e.msg, c->msg), "%s: message \"%s\" lacks "
			   "\"%s\"", c->text, e.msg, c->msg);
		SNIC_CHECK(!strcmp(e.token, c->token), "%s: token \"%s\", want "
			   "\"%s\"", c->text, e.token, c->token);
		SNIC_CHECK_EQ(e.column, c->column, c->text);
		SNIC_CHECK_EQ(e.line, 0, c->text);
		if (c->column) {
			char prefix[64];
			snprintf(prefix, sizeof(prefix), "column %u: %s: ",
				 c->column, c->token);
			SNIC_CHECK(!strncmp(e.msg, prefix, strlen(prefix)),
				   "%s: message \"%s\" does not start with "
				   "\"%s\"", c->text, e.msg, prefix);
		}
		SNIC_CHECK_MEM(&r, &before, sizeof(r), "output untouched");
		/* err may be NULL */
		SNIC_CHECK_EQ(snic_of_rule_parse(c->text, SNIC_OF_MODE_ADD,
						 NULL, &r, NULL), c->code,
			      c->text);
	}
}

int main(void)
{
	test_accepted();
	test_refused();
	return snic_test_done();
}
