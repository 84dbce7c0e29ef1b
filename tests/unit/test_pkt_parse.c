/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_pkt_parse.c - snic_fw_pkt_parse(): every field of the flow key for
 * good frames, every drop reason for bad ones, metadata kept, no read past
 * the frame for any prefix; the checksum and hash helpers.
 */
#include <arpa/inet.h>
#include <stdlib.h>

#include "snic_fw_pkt.h"
#include "snic_test.h"
#include "pkt_frames.h"

static const uint8_t DMAC[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t SMAC[6] = { 0x02, 0x66, 0x77, 0x88, 0x99, 0xaa };
static const struct snic_fw_pkt_cfg CFG = { .vxlan_port = 4789 };

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
static const uint8_t SRC6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
				  0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t DST6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
				  0, 0, 0, 0, 0xfe, 0xdc, 0xba, 2 };

/*
 * Parse a copy of frame[0, len) in a buffer of exactly len bytes, so that
 * AddressSanitizer catches any read past the end.
 */
static int parse_exact(const uint8_t *frame, uint32_t len,
		       const struct snic_fw_pkt_cfg *cfg,
		       struct snic_ifc_match *key)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	memcpy(copy, frame, len);
	rc = snic_fw_pkt_parse(copy, len, cfg, key);
	free(copy);
	return rc;
}

static int parse_tf(struct tf *t, struct snic_ifc_match *key)
{
	memset(key, 0, sizeof(*key));
	return parse_exact(tf_data(t), t->len, &CFG, key);
}

/* Every prefix of a good frame parses without reading past its end. */
static void check_prefixes(struct tf *t, const char *what)
{
	struct snic_ifc_match key;
	unsigned bad = 0;

	for (uint32_t n = 0; n < t->len; n++) {
		int rc = parse_exact(tf_data(t), n, &CFG, &key);

		if (rc < 0 || rc >= SNIC_DROP_MAX_)
			bad++;
	}
	SNIC_CHECK(bad == 0, "%s: %u prefixes gave a bad return code", what,
		   bad);
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* expected headers: the caller fills, then compares the whole struct */
static void check_hdrs(const struct snic_ifc_hdrs *got,
		       const struct snic_ifc_hdrs *want, const char *what)
{
	SNIC_CHECK_MEM(got->dmac, want->dmac, 6, what);
	SNIC_CHECK_MEM(got->smac, want->smac, 6, what);
	SNIC_CHECK_EQ(ntohs(got->ethertype), ntohs(want->ethertype), what);
	SNIC_CHECK_EQ(ntohs(got->vlan_tci[0]), ntohs(want->vlan_tci[0]), what);
	SNIC_CHECK_EQ(ntohs(got->vlan_tci[1]), ntohs(want->vlan_tci[1]), what);
	SNIC_CHECK_EQ(got->ip_proto, want->ip_proto, what);
	SNIC_CHECK_EQ(got->ip_tos, want->ip_tos, what);
	SNIC_CHECK_EQ(got->ip_ttl, want->ip_ttl, what);
	SNIC_CHECK_EQ(got->ip_frag, want->ip_frag, what);
	SNIC_CHECK_EQ(ntohs(got->tp_src), ntohs(want->tp_src), what);
	SNIC_CHECK_EQ(ntohs(got->tp_dst), ntohs(want->tp_dst), what);
	SNIC_CHECK_EQ(got->tcp_flags, want->tcp_flags, what);
	SNIC_CHECK_MEM(got->ip_src, want->ip_src, 16, what);
	SNIC_CHECK_MEM(got->ip_dst, want->ip_dst, 16, what);
	/* and nothing else: the whole struct, rsvd included */
	SNIC_CHECK_MEM(got, want, sizeof(*got), what);
}

static struct snic_ifc_hdrs eth_hdrs(uint16_t et)
{
	struct snic_ifc_hdrs h;

	memset(&h, 0, sizeof(h));
	memcpy(h.dmac, DMAC, 6);
	memcpy(h.smac, SMAC, 6);
	h.ethertype = htons(et);
	return h;
}

static void check_no_tunnel(const struct snic_ifc_match *k, const char *what)
{
	SNIC_CHECK_EQ(k->tun_type, SNIC_IFC_TUN_NONE, what);
	SNIC_CHECK(k->vni == 0 && k->vxlan_flags == 0 &&
		   all_zero(k->rsvd1, 3) && all_zero(&k->inner, sizeof(k->inner)),
		   "%s: tunnel fields not zero", what);
}

/* ---- Ethernet and VLAN ------------------------------------------------- */

static void test_eth(void)
{
	struct snic_ifc_match k;
	struct snic_ifc_hdrs w;
	struct tf t;

	tf_init(&t);
	tf_payload(&t, 46, 3);
	tf_eth(&t, DMAC, SMAC, 0x88cc);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "eth: rc");
	w = eth_hdrs(0x88cc);
	check_hdrs(&k.outer, &w, "eth");
	check_no_tunnel(&k, "eth");
	check_prefixes(&t, "eth");

	/* exactly 14 bytes */
	tf_init(&t);
	tf_eth(&t, DMAC, SMAC, 0x1234);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "eth 14: rc");
	w = eth_hdrs(0x1234);
	check_hdrs(&k.outer, &w, "eth 14");
}

static void test_vlan(void)
{
	static const uint16_t one[][2] = { { 0x8100, 0xa123 } };
	static const uint16_t dei[][2] = { { 0x8100, 0x3fff } };
	static const uint16_t two[][2] = { { 0x88a8, 0x0064 }, { 0x8100, 0xe00a } };
	static const uint16_t three[][2] = { { 0x88a8, 1 }, { 0x8100, 2 },
					     { 0x8100, 3 } };
	struct snic_ifc_match k;
	struct snic_ifc_hdrs w;
	struct tf t;

	tf_init(&t);
	tf_payload(&t, 20, 0);
	tf_udp(&t, 1, 2);
	tf_ipv4(&t, &(struct tf_ip4){ .proto = 17, .ttl = 9,
				      .src = IP4(10, 0, 0, 1),
				      .dst = IP4(10, 0, 0, 2) });
	tf_eth_tags(&t, DMAC, SMAC, 0x0800, 1, one);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "vlan1: rc");
	w = eth_hdrs(0x0800);
	w.vlan_tci[0] = htons(0xa123 | SNIC_IFC_VLAN_PRESENT);
	w.ip_proto = 17;
	w.ip_ttl = 9;
	w.tp_src = htons(1);
	w.tp_dst = htons(2);
	w.ip_src[0] = htonl(IP4(10, 0, 0, 1));
	w.ip_dst[0] = htonl(IP4(10, 0, 0, 2));
	check_hdrs(&k.outer, &w, "vlan1");
	check_prefixes(&t, "vlan1");

	/* DEI set in the frame: not kept (the bit means "present" in a key) */
	tf_init(&t);
	tf_eth_tags(&t, DMAC, SMAC, 0x9999, 1, dei);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "vlan dei: rc");
	SNIC_CHECK_EQ(ntohs(k.outer.vlan_tci[0]), 0x3fff, "vlan dei: tci");

	tf_init(&t);
	tf_payload(&t, 8, 0);
	tf_ipv6(&t, &(struct tf_ip6){ .nh = 59, .hlim = 1, .tc = 0xb8 });
	tf_eth_tags(&t, DMAC, SMAC, 0x86dd, 2, two);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "vlan2: rc");
	w = eth_hdrs(0x86dd);
	w.vlan_tci[0] = htons(0x1064);
	w.vlan_tci[1] = htons(0xf00a);
	w.ip_proto = 59;
	w.ip_ttl = 1;
	w.ip_tos = 0xb8;
	check_hdrs(&k.outer, &w, "vlan2");
	check_prefixes(&t, "vlan2");

	/* a third tag is not parsed: the EtherType reads 0x8100 */
	tf_init(&t);
	tf_payload(&t, 30, 0);
	tf_eth_tags(&t, DMAC, SMAC, 0x0800, 3, three);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "vlan3: rc");
	w = eth_hdrs(0x8100);
	w.vlan_tci[0] = htons(0x1001);
	w.vlan_tci[1] = htons(0x1002);
	check_hdrs(&k.outer, &w, "vlan3");
}

/* ---- IPv4 ------------------------------------------------------------ */

static void test_ipv4_tcp_options(void)
{
	struct snic_ifc_match k;
	struct snic_ifc_hdrs w;
	struct tf t;

	tf_init(&t);
	tf_payload(&t, 100, 5);
	tf_tcp(&t, 443, 50123, 0x12, 12);
	tf_ipv4(&t, &(struct tf_ip4){ .proto = 6, .ttl = 64, .tos = 0x2e,
				      .frag = 0x4000, .optlen = 12,
				      .src = IP4(192, 168, 1, 1),
				      .dst = IP4(172, 16, 254, 3) });
	tf_eth(&t, DMAC, SMAC, 0x0800);
	SNIC_CHECK(ref_csums_ok(tf_data(&t), t.len), "builder csums");
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "ipv4 tcp: rc");
	w = eth_hdrs(0x0800);
	w.ip_proto = 6;
	w.ip_ttl = 64;
	w.ip_tos = 0x2e;
	w.tp_src = htons(443);
	w.tp_dst = htons(50123);
	w.tcp_flags = 0x12;
	w.ip_src[0] = htonl(IP4(192, 168, 1, 1));
	w.ip_dst[0] = htonl(IP4(172, 16, 254, 3));
	check_hdrs(&k.outer, &w, "ipv4 tcp opts");
	check_no_tunnel(&k, "ipv4 tcp");
	check_prefixes(&t, "ipv4 tcp");

	/* the 9th flag bit (NS) is not in tcp_flags */
	tf_data(&t)[14 + 32 + 12] |= 1;
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "tcp ns: rc");
	SNIC_CHECK_EQ(k.outer.tcp_flags, 0x12, "tcp ns: flags");
}

static void test_ipv4_udp_icmp(void)
{
	struct snic_ifc_match k;
	struct snic_ifc_hdrs w;
	struct tf t;

	/* UDP, short: padded to 60 bytes; padding is not part of anything */
	tf_init(&t);
	tf_payload(&t, 2, 0);
	tf_udp(&t, 53, 33000);
	tf_ipv4(&t, &(struct tf_ip4){ .proto = 17, .ttl = 255,
				      .src = IP4(1, 2, 3, 4),
				      .dst = IP4(5, 6, 7, 8) });
	tf_eth(&t, DMAC, SMAC, 0x0800);
	tf_pad(&t, 60);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "ipv4 udp: rc");
	w = eth_hdrs(0x0800);
	w.ip_proto = 17;
	w.ip_ttl = 255;
	w.tp_src = htons(53);
	w.tp_dst = htons(33000);
	w.ip_src[0] = htonl(IP4(1, 2, 3, 4));
	w.ip_dst[0] = htonl(IP4(5, 6, 7, 8));
	check_hdrs(&k.outer, &w, "ipv4 udp padded");
	check_prefixes(&t, "ipv4 udp");

	tf_init(&t);
	tf_payload(&t, 56, 0);
	tf_icmp(&t, 8, 0);
	tf_ipv4(&t, &(struct tf_ip4){ .proto = 1, .ttl = 3,
				      .src = IP4(1, 2, 3, 4),
				      .dst = IP4(5, 6, 7, 8) });
	tf_eth(&t, DMAC, SMAC, 0x0800);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "icmp: rc");
	w.ip_proto = 1;
	w.ip_ttl = 3;
	w.tp_src = htons(8);
	w.tp_dst = htons(0);
	check_hdrs(&k.outer, &w, "icmp echo");
	check_prefixes(&t, "icmp");

	tf_init(&t);
	tf_payload(&t, 28, 0);
	tf_icmp(&t, 3, 4);
	tf_ipv4(&t, &(struct tf_ip4){ .proto = 1, .ttl = 3,
				      .src = IP4(1, 2, 3, 4),
				      .dst = IP4(5, 6, 7, 8) });
	tf_eth(&t, DMAC, SMAC, 0x0800);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "icmp unreach: rc");
	SNIC_CHECK_EQ(ntohs(k.outer.tp_src), 3, "icmp type");
	SNIC_CHECK_EQ(ntohs(k.outer.tp_dst), 4, "icmp code");

	/* unknown protocol: L3 only */
	tf_init(&t);
	tf_payload(&t, 10, 0);
	tf_ipv4(&t, &(struct tf_ip4){ .proto = 47, .ttl = 3,
				      .src = IP4(1, 2, 3, 4),
				      .dst = IP4(5, 6, 7, 8) });
	tf_eth(&t, DMAC, SMAC, 0x0800);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "gre: rc");
	w.ip_proto = 47;
	w.tp_src = w.tp_dst = 0;
	check_hdrs(&k.outer, &w, "ipv4 proto 47");

	/* ICMPv6's number over IPv4 is not ICMP: no ports */
	tf_init(&t);
	tf_payload(&t, 10, 0);
	tf_ipv4(&t, &(struct tf_ip4){ .proto = 58, .ttl = 3,
				      .src = IP4(1, 2, 3, 4),
				      .dst = IP4(5, 6, 7, 8) });
	tf_eth(&t, DMAC, SMAC, 0x0800);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "58 over v4: rc");
	SNIC_CHECK(k.outer.tp_src == 0 && k.outer.tp_dst == 0, "58 over v4");
}

static void test_ipv4_frags(void)
{
	struct snic_ifc_match k;
	struct snic_ifc_hdrs w;
	struct tf t;

	/* first fragment of a big UDP datagram: UDP length > fragment */
	tf_init(&t);
	tf_payload(&t, 64, 0);
	tf_udp(&t, 7, 9);
	tf_put16(tf_data(&t) + 4, 3000);
	tf_ipv4(&t, &(struct tf_ip4){ .proto = 17, .ttl = 5, .frag = 0x2000,
				      .no_l4_csum = true,
				      .src = IP4(1, 1, 1, 1),
				      .dst = IP4(2, 2, 2, 2) });
	tf_eth(&t, DMAC, SMAC, 0x0800);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "first frag: rc");
	w = eth_hdrs(0x0800);
	w.ip_proto = 17;
	w.ip_ttl = 5;
	w.ip_frag = SNIC_IFC_FRAG_ANY;
	w.tp_src = htons(7);
	w.tp_dst = htons(9);
	w.ip_src[0] = htonl(IP4(1, 1, 1, 1));
	w.ip_dst[0] = htonl(IP4(2, 2, 2, 2));
	check_hdrs(&k.outer, &w, "first frag");
	check_prefixes(&t, "first frag");

	/* later fragment: garbage where L4 would be, no ports */
	tf_init(&t);
	tf_payload(&t, 3, 0xff);
	tf_ipv4(&t, &(struct tf_ip4){ .proto = 6, .ttl = 5, .frag = 0x00b9,
				      .src = IP4(1, 1, 1, 1),
				      .dst = IP4(2, 2, 2, 2) });
	tf_eth(&t, DMAC, SMAC, 0x0800);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "later frag: rc");
	w.ip_proto = 6;
	w.ip_frag = SNIC_IFC_FRAG_ANY | SNIC_IFC_FRAG_LATER;
	w.tp_src = w.tp_dst = 0;
	check_hdrs(&k.outer, &w, "later frag");

	/* last fragment (MF clear, offset set) */
	tf_data(&t)[14 + 6] = 0x00;
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "last frag: rc");
	SNIC_CHECK_EQ(k.outer.ip_frag, SNIC_IFC_FRAG_ANY | SNIC_IFC_FRAG_LATER,
		      "last frag");
}

/* ---- IPv6 ------------------------------------------------------------ */

static struct snic_ifc_hdrs v6_hdrs(uint8_t proto, uint8_t hlim, uint8_t tc)
{
	struct snic_ifc_hdrs w = eth_hdrs(0x86dd);

	w.ip_proto = proto;
	w.ip_ttl = hlim;
	w.ip_tos = tc;
	memcpy(w.ip_src, SRC6, 16);
	memcpy(w.ip_dst, DST6, 16);
	return w;
}

static struct tf_ip6 ip6(uint8_t nh)
{
	struct tf_ip6 ip = { .nh = nh, .hlim = 77, .tc = 0xe5,
			     .flow = 0xabcde };

	memcpy(ip.src, SRC6, 16);
	memcpy(ip.dst, DST6, 16);
	return ip;
}

static void test_ipv6(void)
{
	struct snic_ifc_match k;
	struct snic_ifc_hdrs w;
	struct tf t;

	tf_init(&t);
	tf_payload(&t, 10, 0);
	tf_tcp(&t, 22, 40000, 0x18, 0);
	tf_l4_csum(&t, SRC6, DST6, true, 6);
	{
		struct tf_ip6 ip = ip6(6);
		tf_ipv6(&t, &ip);
	}
	tf_eth(&t, DMAC, SMAC, 0x86dd);
	SNIC_CHECK(ref_csums_ok(tf_data(&t), t.len), "v6 tcp builder csum");
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "v6 tcp: rc");
	w = v6_hdrs(6, 77, 0xe5);
	w.tp_src = htons(22);
	w.tp_dst = htons(40000);
	w.tcp_flags = 0x18;
	check_hdrs(&k.outer, &w, "ipv6 tcp");
	check_prefixes(&t, "ipv6 tcp");

	/* every extension header we skip, then a first fragment, then UDP */
	tf_init(&t);
	tf_payload(&t, 12, 0);
	tf_udp(&t, 5353, 5353);
	tf_ipv6_ext(&t, 60, 17, 8);             /* dest opts */
	tf_ipv6_ext(&t, 51, 60, 24);            /* AH */
	tf_ipv6_frag(&t, 51, 0, true);          /* fragment, first */
	tf_ipv6_ext(&t, 43, 44, 24);            /* routing */
	tf_ipv6_ext(&t, 60, 43, 16);            /* dest opts */
	{
		struct tf_ip6 ip = ip6(0);
		tf_ipv6_ext(&t, 0, 60, 8);      /* hop-by-hop */
		tf_ipv6(&t, &ip);
	}
	tf_eth(&t, DMAC, SMAC, 0x86dd);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "v6 ext: rc");
	w = v6_hdrs(17, 77, 0xe5);
	w.ip_frag = SNIC_IFC_FRAG_ANY;
	w.tp_src = htons(5353);
	w.tp_dst = htons(5353);
	check_hdrs(&k.outer, &w, "ipv6 ext headers");
	check_prefixes(&t, "ipv6 ext");

	/* 8 extension headers are fine */
	tf_init(&t);
	tf_payload(&t, 4, 0);
	for (int i = 0; i < 7; i++)
		tf_ipv6_ext(&t, 60, i ? 60 : 59, 8);
	{
		struct tf_ip6 ip = ip6(0);
		tf_ipv6_ext(&t, 0, 60, 8);
		tf_ipv6(&t, &ip);
	}
	tf_eth(&t, DMAC, SMAC, 0x86dd);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "v6 8 ext: rc");
	SNIC_CHECK_EQ(k.outer.ip_proto, 59, "v6 8 ext: proto");

	/* a later fragment: the protocol is the fragment header's next */
	tf_init(&t);
	tf_payload(&t, 5, 0xee);
	tf_ipv6_frag(&t, 6, 100, false);
	{
		struct tf_ip6 ip = ip6(44);
		tf_ipv6(&t, &ip);
	}
	tf_eth(&t, DMAC, SMAC, 0x86dd);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "v6 later frag: rc");
	w = v6_hdrs(6, 77, 0xe5);
	w.ip_frag = SNIC_IFC_FRAG_ANY | SNIC_IFC_FRAG_LATER;
	check_hdrs(&k.outer, &w, "ipv6 later frag");

	/* an atomic fragment (offset 0, M clear) is no fragment */
	tf_init(&t);
	tf_payload(&t, 4, 0);
	tf_udp(&t, 1, 2);
	tf_ipv6_frag(&t, 17, 0, false);
	{
		struct tf_ip6 ip = ip6(44);
		tf_ipv6(&t, &ip);
	}
	tf_eth(&t, DMAC, SMAC, 0x86dd);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "v6 atomic frag: rc");
	SNIC_CHECK_EQ(k.outer.ip_frag, 0, "v6 atomic frag");
	SNIC_CHECK_EQ(ntohs(k.outer.tp_dst), 2, "v6 atomic frag: port");

	/* ICMP's number over IPv6 is not ICMPv6: no type/code */
	tf_init(&t);
	tf_payload(&t, 8, 1);
	{
		struct tf_ip6 ip = ip6(1);
		tf_ipv6(&t, &ip);
	}
	tf_eth(&t, DMAC, SMAC, 0x86dd);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "1 over v6: rc");
	w = v6_hdrs(1, 77, 0xe5);
	check_hdrs(&k.outer, &w, "ipv6 proto 1");

	/* ICMPv6 neighbour solicitation */
	tf_init(&t);
	tf_payload(&t, 16, 0);
	tf_icmp(&t, 135, 0);
	tf_l4_csum(&t, SRC6, DST6, true, 58);
	{
		struct tf_ip6 ip = ip6(58);
		tf_ipv6(&t, &ip);
	}
	tf_eth(&t, DMAC, SMAC, 0x86dd);
	SNIC_CHECK(ref_csums_ok(tf_data(&t), t.len), "icmpv6 builder csum");
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "icmpv6: rc");
	w = v6_hdrs(58, 77, 0xe5);
	w.tp_src = htons(135);
	check_hdrs(&k.outer, &w, "icmpv6");
	check_prefixes(&t, "icmpv6");
}

/* ---- ARP ------------------------------------------------------------- */

static void test_arp(void)
{
	static const uint8_t zero[6];
	struct snic_ifc_match k;
	struct snic_ifc_hdrs w;
	struct tf t;

	tf_init(&t);
	tf_arp(&t, 1, SMAC, IP4(10, 1, 1, 1), zero, IP4(10, 1, 1, 2));
	tf_eth(&t, DMAC, SMAC, 0x0806);
	tf_pad(&t, 60);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "arp: rc");
	w = eth_hdrs(0x0806);
	w.ip_proto = 1;
	w.ip_src[0] = htonl(IP4(10, 1, 1, 1));
	w.ip_dst[0] = htonl(IP4(10, 1, 1, 2));
	check_hdrs(&k.outer, &w, "arp request");
	check_prefixes(&t, "arp");

	tf_init(&t);
	tf_arp(&t, 0x0102, SMAC, IP4(10, 1, 1, 2), DMAC, IP4(10, 1, 1, 1));
	tf_eth(&t, DMAC, SMAC, 0x0806);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "arp reply: rc");
	SNIC_CHECK_EQ(k.outer.ip_proto, 2, "arp opcode low byte");
	SNIC_CHECK_EQ(ntohl(k.outer.ip_src[0]), IP4(10, 1, 1, 2), "arp spa");
}

/* ---- VXLAN ----------------------------------------------------------- */

/* inner Ethernet/IPv4/TCP, then VXLAN/UDP(dport)/outer IPv4/Ethernet */
static void build_vxlan(struct tf *t, uint16_t dport, uint32_t vni)
{
	static const uint8_t idmac[6] = { 0x0a, 0, 0, 0, 0, 1 };
	static const uint8_t ismac[6] = { 0x0a, 0, 0, 0, 0, 2 };

	tf_init(t);
	tf_payload(t, 40, 9);
	tf_tcp(t, 1234, 80, 0x02, 4);
	tf_ipv4(t, &(struct tf_ip4){ .proto = 6, .ttl = 63, .tos = 4,
				     .src = IP4(10, 0, 0, 1),
				     .dst = IP4(10, 0, 0, 2) });
	tf_eth(t, idmac, ismac, 0x0800);
	tf_vxlan(t, vni);
	tf_udp(t, 55555, dport);
	tf_ipv4(t, &(struct tf_ip4){ .proto = 17, .ttl = 64, .frag = 0x4000,
				     .no_l4_csum = true,
				     .src = IP4(192, 0, 2, 1),
				     .dst = IP4(192, 0, 2, 2) });
	tf_eth(t, DMAC, SMAC, 0x0800);
}

static void test_vxlan(void)
{
	struct snic_fw_pkt_cfg cfg8472 = { .vxlan_port = 8472 };
	struct snic_ifc_match k, in;
	struct snic_ifc_hdrs w;
	struct tf t, inner;

	build_vxlan(&t, 4789, 0xabcdef);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "vxlan: rc");
	SNIC_CHECK_EQ(k.tun_type, SNIC_IFC_TUN_VXLAN, "vxlan: tun_type");
	SNIC_CHECK_EQ(k.vni, htonl(0xabcdef), "vxlan: vni");
	SNIC_CHECK_EQ(k.vxlan_flags, 0x08, "vxlan: flags");
	SNIC_CHECK(all_zero(k.rsvd1, 3), "vxlan: rsvd1");
	w = eth_hdrs(0x0800);
	w.ip_proto = 17;
	w.ip_ttl = 64;
	w.tp_src = htons(55555);
	w.tp_dst = htons(4789);
	w.ip_src[0] = htonl(IP4(192, 0, 2, 1));
	w.ip_dst[0] = htonl(IP4(192, 0, 2, 2));
	check_hdrs(&k.outer, &w, "vxlan outer");
	/* inner: what the inner frame parses to on its own */
	tf_init(&inner);
	tf_append(&inner, tf_data(&t) + 50, t.len - 50);
	SNIC_CHECK_EQ(parse_tf(&inner, &in), 0, "vxlan inner alone: rc");
	check_hdrs(&k.inner, &in.outer, "vxlan inner");
	SNIC_CHECK_EQ(in.outer.tcp_flags, 0x02, "vxlan inner: flags");
	SNIC_CHECK_EQ(ntohs(in.outer.tp_dst), 80, "vxlan inner: port");
	check_prefixes(&t, "vxlan");

	/* another port: not VXLAN with the default cfg, VXLAN with its own */
	build_vxlan(&t, 8472, 7);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "vxlan 8472 default: rc");
	SNIC_CHECK_EQ(k.tun_type, SNIC_IFC_TUN_NONE, "8472 with 4789 cfg");
	check_no_tunnel(&k, "8472 with 4789 cfg");
	SNIC_CHECK_EQ(parse_exact(tf_data(&t), t.len, &cfg8472, &k), 0,
		      "vxlan 8472: rc");
	SNIC_CHECK_EQ(k.tun_type, SNIC_IFC_TUN_VXLAN, "8472: tun_type");
	SNIC_CHECK_EQ(ntohl(k.vni), 7, "8472: vni");
	check_hdrs(&k.inner, &in.outer, "8472 inner");

	/* the I flag with other flags (e.g. GBP's G bit) is still VXLAN */
	build_vxlan(&t, 4789, 1);
	tf_data(&t)[42] = 0x88;
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "vxlan G flag: rc");
	SNIC_CHECK_EQ(k.vxlan_flags, 0x88, "vxlan G flag");

	/* VXLAN over IPv6 with tags: still a tunnel (decap refuses it) */
	{
		static const uint16_t tag[][2] = { { 0x8100, 5 } };
		struct tf_ip6 ip = ip6(17);

		tf_init(&t);
		tf_append(&t, tf_data(&inner), inner.len);
		tf_vxlan(&t, 99);
		tf_udp(&t, 1, 4789);
		tf_l4_csum(&t, SRC6, DST6, true, 17);
		tf_ipv6(&t, &ip);
		tf_eth_tags(&t, DMAC, SMAC, 0x86dd, 1, tag);
		SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "vxlan6: rc");
		SNIC_CHECK_EQ(k.tun_type, SNIC_IFC_TUN_VXLAN, "vxlan6 tun");
		SNIC_CHECK_EQ(ntohl(k.vni), 99, "vxlan6 vni");
		SNIC_CHECK_EQ(ntohs(k.outer.vlan_tci[0]), 0x1005, "vxlan6 tci");
		check_hdrs(&k.inner, &in.outer, "vxlan6 inner");
		check_prefixes(&t, "vxlan6");
	}

	/* a later fragment to the VXLAN port is no tunnel */
	build_vxlan(&t, 4789, 1);
	tf_data(&t)[14 + 6] = 0x00;
	tf_data(&t)[14 + 7] = 0x10;
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "vxlan later frag: rc");
	SNIC_CHECK_EQ(k.tun_type, SNIC_IFC_TUN_NONE, "vxlan later frag");

	/* nor is a first fragment (MF set): its inner frame is incomplete */
	build_vxlan(&t, 4789, 1);
	tf_data(&t)[14 + 6] = 0x20;
	tf_data(&t)[14 + 7] = 0x00;
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "vxlan first frag: rc");
	SNIC_CHECK_EQ(k.tun_type, SNIC_IFC_TUN_NONE, "vxlan first frag");
	SNIC_CHECK_EQ(k.outer.ip_frag, SNIC_IFC_FRAG_ANY, "vxlan first frag flagged");
	SNIC_CHECK_EQ(ntohs(k.outer.tp_dst), 4789, "vxlan first frag: still UDP 4789");

	/* VXLAN is UDP only: TCP to 4789 is not */
	tf_init(&t);
	tf_tcp(&t, 1, 4789, 2, 0);
	tf_ipv4(&t, &(struct tf_ip4){ .proto = 6, .src = 1, .dst = 2 });
	tf_eth(&t, DMAC, SMAC, 0x0800);
	SNIC_CHECK_EQ(parse_tf(&t, &k), 0, "tcp 4789: rc");
	SNIC_CHECK_EQ(k.tun_type, SNIC_IFC_TUN_NONE, "tcp 4789");
}

/* ---- metadata -------------------------------------------------------- */

static void test_metadata_kept(void)
{
	struct snic_ifc_match k, fresh;
	struct tf t;

	build_vxlan(&t, 4789, 3);
	SNIC_CHECK_EQ(parse_tf(&t, &fresh), 0, "fresh: rc");

	memset(&k, 0xa5, sizeof(k));
	k.src_vport = 0x1234;
	k.tun_id = htonl(42);
	k.tun_src = htonl(IP4(1, 2, 3, 4));
	k.tun_dst = htonl(IP4(5, 6, 7, 8));
	for (int i = 0; i < 4; i++)
		k.reg[i] = 0x11111111u * (unsigned)(i + 1);
	SNIC_CHECK_EQ(snic_fw_pkt_parse(tf_data(&t), t.len, &CFG, &k), 0,
		      "meta: rc");
	SNIC_CHECK_EQ(k.src_vport, 0x1234, "src_vport kept");
	SNIC_CHECK_EQ(k.tun_id, htonl(42), "tun_id kept");
	SNIC_CHECK_EQ(k.tun_src, htonl(IP4(1, 2, 3, 4)), "tun_src kept");
	SNIC_CHECK_EQ(k.tun_dst, htonl(IP4(5, 6, 7, 8)), "tun_dst kept");
	for (int i = 0; i < 4; i++)
		SNIC_CHECK_EQ(k.reg[i], 0x11111111u * (unsigned)(i + 1),
			      "reg kept");
	SNIC_CHECK_EQ(k.rsvd0, 0, "rsvd0 written");
	/* everything from outer on equals a parse into a zeroed key */
	SNIC_CHECK_MEM(&k.outer, &fresh.outer,
		       sizeof(k) - offsetof(struct snic_ifc_match, outer),
		       "headers independent of the key's previous content");
	SNIC_CHECK_EQ(k.tun_type, SNIC_IFC_TUN_VXLAN, "meta: tun_type");

	/* and a non-tunnel parse over a tunnel key clears the tunnel part */
	tf_init(&t);
	tf_eth(&t, DMAC, SMAC, 0x0800 + 1);
	SNIC_CHECK_EQ(snic_fw_pkt_parse(tf_data(&t), t.len, &CFG, &k), 0,
		      "reparse: rc");
	check_no_tunnel(&k, "reparse");
	SNIC_CHECK_EQ(k.src_vport, 0x1234, "src_vport kept again");
}

/* ---- drop reasons ---------------------------------------------------- */

static void expect_drop(struct tf *t, int want, const char *what)
{
	struct snic_ifc_match k;

	SNIC_CHECK_EQ(parse_tf(t, &k), want, what);
}

static void ipv4_udp(struct tf *t, uint32_t payload)
{
	tf_init(t);
	tf_payload(t, payload, 0);
	tf_udp(t, 1, 2);
	tf_ipv4(t, &(struct tf_ip4){ .proto = 17, .src = 1, .dst = 2 });
	tf_eth(t, DMAC, SMAC, 0x0800);
}

static void ipv4_tcp(struct tf *t)
{
	tf_init(t);
	tf_payload(t, 4, 0);
	tf_tcp(t, 1, 2, 2, 0);
	tf_ipv4(t, &(struct tf_ip4){ .proto = 6, .src = 1, .dst = 2 });
	tf_eth(t, DMAC, SMAC, 0x0800);
}

static void test_drops_l2l3(void)
{
	static const uint16_t tag[][2] = { { 0x8100, 5 } };
	static const uint16_t tags2[][2] = { { 0x88a8, 5 }, { 0x8100, 6 } };
	struct tf t;
	uint8_t *ip;

	tf_init(&t);
	tf_eth(&t, DMAC, SMAC, 0x0800);
	t.len = 13;
	expect_drop(&t, SNIC_DROP_RUNT, "13 bytes");
	t.len = 0;
	expect_drop(&t, SNIC_DROP_RUNT, "0 bytes");

	tf_init(&t);
	tf_eth_tags(&t, DMAC, SMAC, 0x0800, 1, tag);
	t.len = 17;
	expect_drop(&t, SNIC_DROP_BAD_VLAN, "truncated tag");
	t.len = 14;
	expect_drop(&t, SNIC_DROP_BAD_VLAN, "tag TPID only");
	tf_init(&t);
	tf_eth_tags(&t, DMAC, SMAC, 0x0800, 2, tags2);
	t.len = 21;
	expect_drop(&t, SNIC_DROP_BAD_VLAN, "truncated second tag");
	t.len = 22;
	expect_drop(&t, SNIC_DROP_BAD_IPV4, "two tags, no IPv4");

	/* IPv4 header */
	ipv4_udp(&t, 10);
	ip = tf_data(&t) + 14;
	ip[0] = 0x55;
	expect_drop(&t, SNIC_DROP_BAD_IPV4, "version 5");
	ip[0] = 0x44;
	expect_drop(&t, SNIC_DROP_BAD_IPV4, "IHL 4");
	ip[0] = 0x4f;
	expect_drop(&t, SNIC_DROP_BAD_IPV4, "IHL 15 beyond frame");
	ip[0] = 0x45;
	t.len = 14 + 19;
	expect_drop(&t, SNIC_DROP_BAD_IPV4, "19 bytes of IPv4");
	ipv4_udp(&t, 10);
	ip = tf_data(&t) + 14;
	tf_put16(ip + 2, 19);
	expect_drop(&t, SNIC_DROP_BAD_IPV4_LEN, "total length 19");
	ip[0] = 0x46;
	tf_put16(ip + 2, 23);
	expect_drop(&t, SNIC_DROP_BAD_IPV4_LEN, "total length < IHL*4");
	ipv4_udp(&t, 10);
	ip = tf_data(&t) + 14;
	tf_put16(ip + 2, (uint16_t)(t.len - 14 + 1));
	expect_drop(&t, SNIC_DROP_BAD_IPV4_LEN, "total length beyond frame");

	/* IPv6 header */
	tf_init(&t);
	tf_payload(&t, 8, 0);
	{
		struct tf_ip6 ip6h = ip6(59);
		tf_ipv6(&t, &ip6h);
	}
	tf_eth(&t, DMAC, SMAC, 0x86dd);
	t.len -= 9;
	expect_drop(&t, SNIC_DROP_BAD_IPV6, "IPv6 header truncated");
	t.len += 9;
	tf_put16(tf_data(&t) + 14 + 4, 9);
	expect_drop(&t, SNIC_DROP_BAD_IPV6, "IPv6 payload beyond frame");
	tf_put16(tf_data(&t) + 14 + 4, 8);
	tf_data(&t)[14] = 0x40;
	expect_drop(&t, SNIC_DROP_BAD_IPV6, "IPv6 version 4");
}

static void test_drops_ext_l4(void)
{
	struct tf t;
	uint8_t *l4;

	/* IPv6 extension headers */
	tf_init(&t);
	tf_payload(&t, 8, 0);
	tf_ipv6_ext(&t, 0, 59, 16);
	{
		struct tf_ip6 ip = ip6(0);
		tf_ipv6(&t, &ip);
	}
	tf_eth(&t, DMAC, SMAC, 0x86dd);
	expect_drop(&t, 0, "hop-by-hop ok");
	tf_data(&t)[14 + 40 + 1] = 3;   /* 32 bytes: beyond the payload */
	expect_drop(&t, SNIC_DROP_BAD_IPV6_EXT, "ext beyond payload");
	tf_data(&t)[14 + 40 + 1] = 1;
	tf_put16(tf_data(&t) + 14 + 4, 7);
	t.len = 14 + 40 + 7;
	expect_drop(&t, SNIC_DROP_BAD_IPV6_EXT, "ext header < 8 bytes");

	tf_init(&t);
	for (int i = 0; i < 8; i++)
		tf_ipv6_ext(&t, 60, i ? 60 : 59, 8);
	{
		struct tf_ip6 ip = ip6(0);
		tf_ipv6_ext(&t, 0, 60, 8);
		tf_ipv6(&t, &ip);
	}
	tf_eth(&t, DMAC, SMAC, 0x86dd);
	expect_drop(&t, SNIC_DROP_BAD_IPV6_EXT, "9 extension headers");

	/* TCP */
	ipv4_tcp(&t);
	l4 = tf_data(&t) + 34;
	expect_drop(&t, 0, "tcp ok");
	l4[12] = 0x40;
	expect_drop(&t, SNIC_DROP_BAD_TCP, "tcp data offset 4");
	l4[12] = 0x60;  /* 24 bytes: the whole segment */
	expect_drop(&t, 0, "tcp data offset 6");
	l4[12] = 0x70;
	expect_drop(&t, SNIC_DROP_BAD_TCP, "tcp options beyond payload");
	l4[12] = 0x50;
	tf_put16(tf_data(&t) + 16, 20 + 19);
	t.len = 14 + 20 + 19;
	expect_drop(&t, SNIC_DROP_BAD_TCP, "tcp 19 bytes");
	/* padding does not make a truncated TCP header whole */
	ipv4_tcp(&t);
	tf_put16(tf_data(&t) + 16, 20 + 10);
	expect_drop(&t, SNIC_DROP_BAD_TCP, "tcp cut by IP length");

	/* UDP */
	ipv4_udp(&t, 4);
	l4 = tf_data(&t) + 34;
	tf_put16(l4 + 4, 7);
	expect_drop(&t, SNIC_DROP_BAD_UDP, "udp length 7");
	tf_put16(l4 + 4, 13);
	expect_drop(&t, SNIC_DROP_BAD_UDP, "udp length beyond payload");
	tf_put16(l4 + 4, 8);
	expect_drop(&t, 0, "udp length shorter than payload");
	tf_put16(tf_data(&t) + 16, 20 + 7);
	t.len = 14 + 27;
	expect_drop(&t, SNIC_DROP_BAD_UDP, "udp 7 bytes");

	/* ICMP, ICMPv6 */
	tf_init(&t);
	tf_payload(&t, 3, 0);
	tf_ipv4(&t, &(struct tf_ip4){ .proto = 1, .src = 1, .dst = 2 });
	tf_eth(&t, DMAC, SMAC, 0x0800);
	expect_drop(&t, SNIC_DROP_BAD_ICMP, "icmp 3 bytes");
	tf_init(&t);
	tf_payload(&t, 3, 0);
	{
		struct tf_ip6 ip = ip6(58);
		tf_ipv6(&t, &ip);
	}
	tf_eth(&t, DMAC, SMAC, 0x86dd);
	expect_drop(&t, SNIC_DROP_BAD_ICMP, "icmpv6 3 bytes");
	/* an IPv6 TCP header cut by the payload length */
	tf_init(&t);
	tf_payload(&t, 19, 0);
	{
		struct tf_ip6 ip = ip6(6);
		tf_ipv6(&t, &ip);
	}
	tf_eth(&t, DMAC, SMAC, 0x86dd);
	expect_drop(&t, SNIC_DROP_BAD_TCP, "ipv6 tcp 19 bytes");
}

static void test_drops_arp_vxlan(void)
{
	static const uint8_t zero[6];
	struct tf t;
	uint8_t *a;

	tf_init(&t);
	tf_arp(&t, 1, SMAC, 1, zero, 2);
	tf_eth(&t, DMAC, SMAC, 0x0806);
	a = tf_data(&t) + 14;
	t.len--;
	expect_drop(&t, SNIC_DROP_BAD_ARP, "arp 27 bytes");
	t.len++;
	a[1] = 6;
	expect_drop(&t, SNIC_DROP_BAD_ARP, "arp htype 6");
	a[1] = 1;
	a[2] = 0x86;
	a[3] = 0xdd;
	expect_drop(&t, SNIC_DROP_BAD_ARP, "arp ptype IPv6");
	a[2] = 0x08;
	a[3] = 0x00;
	a[4] = 8;
	expect_drop(&t, SNIC_DROP_BAD_ARP, "arp hlen 8");
	a[4] = 6;
	a[5] = 16;
	expect_drop(&t, SNIC_DROP_BAD_ARP, "arp plen 16");
	a[5] = 4;
	expect_drop(&t, 0, "arp fixed");

	build_vxlan(&t, 4789, 5);
	tf_data(&t)[42] = 0x00;
	expect_drop(&t, SNIC_DROP_BAD_VXLAN, "vxlan I flag clear");
	tf_data(&t)[42] = 0xf7;
	expect_drop(&t, SNIC_DROP_BAD_VXLAN, "vxlan other flags, no I");
	/* UDP datagram with 7 bytes of VXLAN */
	tf_init(&t);
	tf_payload(&t, 7, 8);
	tf_udp(&t, 1, 4789);
	tf_ipv4(&t, &(struct tf_ip4){ .proto = 17, .src = 1, .dst = 2 });
	tf_eth(&t, DMAC, SMAC, 0x0800);
	expect_drop(&t, SNIC_DROP_BAD_VXLAN, "vxlan header truncated");
	/* VXLAN header alone: inner frame empty */
	tf_init(&t);
	tf_vxlan(&t, 1);
	tf_udp(&t, 1, 4789);
	tf_ipv4(&t, &(struct tf_ip4){ .proto = 17, .src = 1, .dst = 2 });
	tf_eth(&t, DMAC, SMAC, 0x0800);
	tf_pad(&t, 60);
	expect_drop(&t, SNIC_DROP_RUNT, "vxlan inner empty (pad ignored)");

	/* malformed inner frames give the inner reason */
	build_vxlan(&t, 4789, 5);
	tf_put16(tf_data(&t) + 50 + 14 + 2, 19);        /* inner length */
	expect_drop(&t, SNIC_DROP_BAD_IPV4_LEN, "inner total length");
	build_vxlan(&t, 4789, 5);
	tf_data(&t)[50 + 34 + 12] = 0x30;
	expect_drop(&t, SNIC_DROP_BAD_TCP, "inner tcp doff 3");
	build_vxlan(&t, 4789, 5);
	tf_data(&t)[50 + 12] = 0x81;
	tf_data(&t)[50 + 13] = 0x00;
	{
		/* inner tag with the frame ending right after the TPID */
		uint8_t *u = tf_data(&t) + 34;

		tf_put16(u + 4, 8 + 8 + 14);
		tf_put16(tf_data(&t) + 16, 20 + 8 + 8 + 14);
		t.len = 14 + 20 + 8 + 8 + 14;
	}
	expect_drop(&t, SNIC_DROP_BAD_VLAN, "inner truncated tag");
}

/* ---- checksum helpers ------------------------------------------------ */

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void test_csum(void)
{
	static uint8_t buf[300];
	unsigned bad_partial = 0, bad_upd = 0;

	for (int iter = 0; iter < 3000; iter++) {
		uint32_t off = rnd() % 8, len = rnd() % 280;
		uint32_t init = iter & 1 ? rnd() : rnd() & 0xffff;
		uint32_t got, want;

		for (uint32_t i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)rnd();
		if (iter % 7 == 0)
			memset(buf, 0xff, sizeof(buf));
		got = snic_fw_csum_partial(buf + off, len, init);
		want = ref_fold(ref_sum(buf + off, len, 0) + (init & 0xffff) +
				(init >> 16));
		/* 0 and 0xffff are the same one's-complement number */
		if (got > 0xffff || (got != want && !(got % 0xffff == 0 &&
						       want % 0xffff == 0)))
			bad_partial++;

		/* incremental update == full recomputation, as a checksum */
		{
			uint32_t wlen = 2 * (2 + rnd() % 30), p = 2 * (rnd() % (wlen / 2));
			uint16_t c, oldv, newv;
			bool wide = (iter & 2) && p + 4 <= wlen;

			memset(buf + wlen, 0, 2);
			tf_put16(buf + wlen, 0);
			c = (uint16_t)~ref_fold(ref_sum(buf, wlen, 0));
			tf_put16(buf + wlen, c);
			if (wide) {
				uint32_t o = tf_get32(buf + p), n = rnd();

				tf_put32(buf + p, n);
				c = snic_fw_csum_update32(c, o, n);
			} else {
				oldv = tf_get16(buf + p);
				newv = (uint16_t)rnd();
				tf_put16(buf + p, newv);
				c = snic_fw_csum_update16(c, oldv, newv);
			}
			tf_put16(buf + wlen, c);
			if (ref_fold(ref_sum(buf, wlen + 2, 0)) != 0xffff)
				bad_upd++;
		}
	}
	SNIC_CHECK(bad_partial == 0, "csum_partial: %u mismatches", bad_partial);
	SNIC_CHECK(bad_upd == 0, "csum_update: %u do not verify", bad_upd);

	/* known values: RFC 1071's example, and a real IPv4 header */
	{
		static const uint8_t ex[8] = { 0x00, 0x01, 0xf2, 0x03,
					       0xf4, 0xf5, 0xf6, 0xf7 };
		static const uint8_t hdr[20] = {
			0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
			0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01,
			0xc0, 0xa8, 0x00, 0xc7 };

		SNIC_CHECK_EQ(snic_fw_csum_partial(ex, 8, 0), 0xddf2,
			      "RFC 1071 example");
		SNIC_CHECK_EQ(snic_fw_csum_fold(snic_fw_csum_partial(hdr, 20, 0)),
			      0xb861, "IPv4 header checksum");
		SNIC_CHECK_EQ(snic_fw_csum_partial(ex, 3, 0), 0xf201,
			      "odd length: last byte high");
		SNIC_CHECK_EQ(snic_fw_csum_fold(0x1fffe), 0x0000, "fold carry");
		SNIC_CHECK_EQ(snic_fw_csum_fold(0), 0xffff, "fold 0");
	}
}

/* ---- hashing --------------------------------------------------------- */

static void test_hash(void)
{
	uint64_t w[21], h0, h;
	unsigned flips = 0, n = 0, worst = 64;
	struct snic_ifc_match k;
	struct tf t;
	uint32_t f0;

	for (int i = 0; i < 21; i++)
		w[i] = (uint64_t)rnd() << 32 | rnd();
	h0 = snic_fw_hash_words(w, 21, 0);
	SNIC_CHECK(h0 == snic_fw_hash_words(w, 21, 0), "hash deterministic");
	SNIC_CHECK(h0 != snic_fw_hash_words(w, 21, 1), "hash seed matters");
	SNIC_CHECK(h0 != snic_fw_hash_words(w, 20, 0), "hash length matters");
	/* avalanche: each input bit flips about half of the output bits */
	for (int i = 0; i < 21; i++) {
		for (int b = 0; b < 64; b++) {
			unsigned c;

			w[i] ^= 1ull << b;
			h = snic_fw_hash_words(w, 21, 0);
			w[i] ^= 1ull << b;
			c = (unsigned)__builtin_popcountll(h ^ h0);
			flips += c;
			n++;
			if (c < worst)
				worst = c;
		}
	}
	SNIC_CHECK(flips > n * 30 && flips < n * 34,
		   "avalanche: %.2f bits flip on average", (double)flips / n);
	SNIC_CHECK(worst >= 12, "avalanche: worst case %u bits", worst);
	{
		static const uint64_t zero[2];

		SNIC_CHECK(snic_fw_hash_words(zero, 1, 0) !=
			   snic_fw_hash_words(zero, 2, 0), "zeros of two lengths");
	}

	/* hash_flow: the 5-tuple, and only it */
	ipv4_udp(&t, 4);
	memset(&k, 0, sizeof(k));
	SNIC_REQUIRE(snic_fw_pkt_parse(tf_data(&t), t.len, &CFG, &k) == 0, "p");
	f0 = snic_fw_hash_flow(&k);
	{
		struct snic_ifc_match k2 = k;

		k2.outer.ip_src[0] ^= htonl(1);
		SNIC_CHECK(snic_fw_hash_flow(&k2) != f0, "flow hash: src");
		k2 = k;
		k2.outer.ip_dst[3] ^= 1;
		SNIC_CHECK(snic_fw_hash_flow(&k2) != f0, "flow hash: dst v6");
		k2 = k;
		k2.outer.ip_proto = 6;
		SNIC_CHECK(snic_fw_hash_flow(&k2) != f0, "flow hash: proto");
		k2 = k;
		k2.outer.tp_src ^= 1;
		SNIC_CHECK(snic_fw_hash_flow(&k2) != f0, "flow hash: sport");
		k2 = k;
		k2.outer.tp_dst ^= htons(0x100);
		SNIC_CHECK(snic_fw_hash_flow(&k2) != f0, "flow hash: dport");
		k2 = k;
		k2.outer.dmac[0] ^= 1;
		k2.outer.ip_ttl ^= 1;
		k2.src_vport = 9;
		k2.inner.ip_proto = 1;
		SNIC_CHECK(snic_fw_hash_flow(&k2) == f0, "flow hash: not others");
	}
}

int main(void)
{
	test_eth();
	test_vlan();
	test_ipv4_tcp_options();
	test_ipv4_udp_icmp();
	test_ipv4_frags();
	test_ipv6();
	test_arp();
	test_vxlan();
	test_metadata_kept();
	test_drops_l2l3();
	test_drops_ext_l4();
	test_drops_arp_vxlan();
	test_csum();
	test_hash();
	return snic_test_done();
}
