/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_pkt_actions.c - VXLAN encap/decap, VLAN push/pop, modify-header ops
 * and the checks of their parameters.  Checksums are verified by full
 * recomputation (pkt_frames.h's oracle), header fields by re-parsing and
 * comparing with a model of each op.
 */
#include <arpa/inet.h>
#include <stdlib.h>

#include "snic_fw_pkt.h"
#include "snic_test.h"
#include "pkt_model.h"
#include "pkt_frames.h"

static const uint8_t DMAC[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t SMAC[6] = { 0x02, 0x66, 0x77, 0x88, 0x99, 0xaa };
static const struct snic_fw_pkt_cfg CFG = { .vxlan_port = 4789 };

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define VNI 0x123456u

/* ---- buffers with exact bounds (ASan sees any stray access) ---------- */

struct pbuf {
	uint8_t *mem;
	uint32_t size;
	struct snic_fw_buf b;
};

static void pbuf_new(struct pbuf *p, const uint8_t *f, uint32_t len,
		     uint32_t head, uint32_t tail)
{
	p->size = head + len + tail;
	p->mem = malloc(p->size ? p->size : 1);
	memset(p->mem, 0x5c, p->size);
	memcpy(p->mem + head, f, len);
	p->b = (struct snic_fw_buf){ .data = p->mem + head, .len = len,
				     .headroom = head, .tailroom = tail };
}

static void pbuf_free(struct pbuf *p)
{
	free(p->mem);
	p->mem = NULL;
}

static bool pbuf_sane(const struct pbuf *p)
{
	return p->b.data - p->mem == (ptrdiff_t)p->b.headroom &&
	       p->b.headroom + p->b.len + p->b.tailroom == p->size;
}

static int parse_buf(const struct snic_fw_buf *b, struct snic_ifc_match *k)
{
	return snic_fw_pkt_parse(b->data, b->len, &CFG, k);
}

/* parse a copy of t of exactly its length into k */
static bool parse_exact_ok(const struct tf *t, struct snic_ifc_match *k)
{
	uint8_t *c = malloc(t->len ? t->len : 1);
	int rc;

	memcpy(c, t->mem + t->off, t->len);
	rc = snic_fw_pkt_parse(c, t->len, &CFG, k);
	free(c);
	return rc == 0;
}

/* ---- sample frames --------------------------------------------------- */

enum { N_SAMPLES = 10 };

static const char *sample(int i, struct tf *t)
{
	static const uint16_t tag[][2] = { { 0x8100, 0x2064 } };
	static const uint16_t tags2[][2] = { { 0x88a8, 0x000a },
					     { 0x8100, 0xe00b } };
	static const uint8_t s6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
					0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t d6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
					0, 0, 0, 0, 0, 0, 0x12, 2 };
	struct tf_ip6 ip6 = { .tc = 0x9d, .hlim = 64, .flow = 0x12345 };
	struct tf_ip4 ip4 = { .ttl = 64, .tos = 0x29, .frag = 0x4000,
			      .src = IP4(10, 0, 0, 1), .dst = IP4(10, 9, 8, 7) };

	memcpy(ip6.src, s6, 16);
	memcpy(ip6.dst, d6, 16);
	tf_init(t);
	switch (i) {
	case 0:
		tf_payload(t, 100, 1);
		tf_tcp(t, 40000, 80, 0x18, 0);
		ip4.proto = 6;
		tf_ipv4(t, &ip4);
		tf_eth(t, DMAC, SMAC, 0x0800);
		return "ipv4 tcp";
	case 1:
		tf_payload(t, 33, 2);
		tf_udp(t, 5000, 53);
		ip4.proto = 17;
		tf_ipv4(t, &ip4);
		tf_eth(t, DMAC, SMAC, 0x0800);
		return "ipv4 udp";
	case 2:
		tf_payload(t, 20, 3);
		tf_tcp(t, 22, 33333, 0x10, 8);
		tf_l4_csum(t, s6, d6, true, 6);
		ip6.nh = 6;
		tf_ipv6(t, &ip6);
		tf_eth(t, DMAC, SMAC, 0x86dd);
		return "ipv6 tcp";
	case 3: {
		static const uint8_t zero[6];

		tf_arp(t, 1, SMAC, IP4(10, 0, 0, 1), zero, IP4(10, 0, 0, 2));
		tf_eth(t, DMAC, SMAC, 0x0806);
		tf_pad(t, 60);
		return "arp";
	}
	case 4:
		tf_payload(t, 56, 4);
		tf_icmp(t, 8, 0);
		ip4.proto = 1;
		tf_ipv4(t, &ip4);
		tf_eth_tags(t, DMAC, SMAC, 0x0800, 1, tag);
		return "vlan ipv4 icmp";
	case 5:
		/* IPv4 options, UDP without checksum */
		tf_payload(t, 9, 5);
		tf_udp(t, 6000, 7000);
		ip4.proto = 17;
		ip4.optlen = 8;
		ip4.no_l4_csum = true;
		tf_ipv4(t, &ip4);
		tf_eth(t, DMAC, SMAC, 0x0800);
		return "ipv4 opts udp csum 0";
	case 6:
		tf_payload(t, 40, 6);
		ip4.proto = 6;
		ip4.frag = 0x0020;
		tf_ipv4(t, &ip4);
		tf_eth(t, DMAC, SMAC, 0x0800);
		return "ipv4 later fragment";
	case 7:
		tf_payload(t, 17, 7);
		tf_udp(t, 1111, 2222);
		tf_l4_csum(t, s6, d6, true, 17);
		ip6.nh = 17;
		tf_ipv6(t, &ip6);
		tf_eth_tags(t, DMAC, SMAC, 0x86dd, 2, tags2);
		return "qinq ipv6 udp";
	case 8:
		/* first fragment of TCP, with tags: checksums still fixed */
		tf_payload(t, 12, 8);
		tf_tcp(t, 1, 2, 0x01, 0);
		ip4.proto = 6;
		tf_ipv4(t, &ip4);
		tf_eth_tags(t, DMAC, SMAC, 0x0800, 2, tags2);
		/* MF after the checksums were computed: fix the IP csum */
		tf_data(t)[22 + 6] = 0x20;
		tf_put16(tf_data(t) + 22 + 10, 0);
		tf_put16(tf_data(t) + 22 + 10,
			 (uint16_t)~ref_fold(ref_sum(tf_data(t) + 22, 20, 0)));
		return "qinq ipv4 first fragment tcp";
	default:
		tf_payload(t, 50, 9);
		tf_eth(t, DMAC, SMAC, 0x88b5);
		return "unknown ethertype";
	}
}

/* ---- templates ------------------------------------------------------- */

static uint32_t make_tmpl(uint8_t *t, bool vlan, bool df)
{
	static const uint8_t tdmac[6] = { 0x52, 0x54, 0, 0, 0, 2 };
	static const uint8_t tsmac[6] = { 0x52, 0x54, 0, 0, 0, 1 };
	uint32_t e = vlan ? 18 : 14;

	memset(t, 0, 64);
	memcpy(t, tdmac, 6);
	memcpy(t + 6, tsmac, 6);
	if (vlan) {
		tf_put16(t + 12, 0x8100);
		tf_put16(t + 14, 0x0123);
	}
	tf_put16(t + e - 2, 0x0800);
	t[e] = 0x45;
	t[e + 1] = 0x10;
	tf_put16(t + e + 2, 0xdead);    /* filled by encap */
	tf_put16(t + e + 4, 0xbeef);
	tf_put16(t + e + 6, df ? 0x4000 : 0);
	t[e + 8] = 33;
	t[e + 9] = 17;
	tf_put16(t + e + 10, 0xffff);
	tf_put32(t + e + 12, IP4(192, 0, 2, 1));
	tf_put32(t + e + 16, IP4(192, 0, 2, 2));
	tf_put16(t + e + 20, 0x1111);
	tf_put16(t + e + 22, 4789);
	tf_put16(t + e + 24, 0x2222);
	tf_put16(t + e + 26, 0x3333);
	t[e + 28] = 0x08;
	tf_put32(t + e + 32, VNI << 8);
	return e + 36;
}

static void test_check_encap(void)
{
	uint8_t t[64];
	uint32_t n;

	n = make_tmpl(t, false, true);
	SNIC_CHECK_EQ(n, 50, "template length");
	SNIC_CHECK_EQ(snic_fw_pkt_check_encap(t, n), 0, "good template");
	n = make_tmpl(t, true, false);
	SNIC_CHECK_EQ(n, 54, "vlan template length");
	SNIC_CHECK_EQ(snic_fw_pkt_check_encap(t, n), 0, "good vlan template");
	tf_put16(t + 12, 0x88a8);
	SNIC_CHECK_EQ(snic_fw_pkt_check_encap(t, n), 0, "802.1ad template");

	/* length */
	n = make_tmpl(t, false, true);
	SNIC_CHECK_EQ(snic_fw_pkt_check_encap(t, 49), SNIC_SYN_REFORMAT_LEN, "49");
	SNIC_CHECK_EQ(snic_fw_pkt_check_encap(t, 51), SNIC_SYN_REFORMAT_LEN, "51");
	SNIC_CHECK_EQ(snic_fw_pkt_check_encap(t, 0), SNIC_SYN_REFORMAT_LEN, "0");
	SNIC_CHECK_EQ(snic_fw_pkt_check_encap(t, 64), SNIC_SYN_REFORMAT_LEN, "64");
	/* ethertype */
	tf_put16(t + 12, 0x86dd);
	SNIC_CHECK_EQ(snic_fw_pkt_check_encap(t, n), SNIC_SYN_REFORMAT_ETHERTYPE,
		      "ipv6 ethertype");
	tf_put16(t + 12, 0x8100);
	SNIC_CHECK_EQ(snic_fw_pkt_check_encap(t, n), SNIC_SYN_REFORMAT_ETHERTYPE,
		      "tag in a 50-byte template");
	n = make_tmpl(t, true, true);
	tf_put16(t + 12, 0x0800);
	SNIC_CHECK_EQ(snic_fw_pkt_check_encap(t, n), SNIC_SYN_REFORMAT_ETHERTYPE,
		      "54 bytes without tag");
	n = make_tmpl(t, true, true);
	tf_put16(t + 16, 0x0806);
	SNIC_CHECK_EQ(snic_fw_pkt_check_encap(t, n), SNIC_SYN_REFORMAT_ETHERTYPE,
		      "tag then ARP");
	/* IPv4 */
	{
		static const struct { uint32_t off; uint8_t v; const char *w; }
		bad[] = {
			{ 0, 0x65, "version 6" }, { 0, 0x46, "IHL 6" },
			{ 0, 0x44, "IHL 4" }, { 9, 6, "proto TCP" },
			{ 6, 0x60, "MF+DF" }, { 6, 0x20, "MF" },
			{ 7, 0x01, "offset" }, { 6, 0x41, "DF+offset" },
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			n = make_tmpl(t, i & 1, true);
			t[n - 36 + bad[i].off] = bad[i].v;
			SNIC_CHECK_EQ(snic_fw_pkt_check_encap(t, n),
				      SNIC_SYN_REFORMAT_IPV4, bad[i].w);
		}
	}
	/* UDP port */
	n = make_tmpl(t, false, true);
	tf_put16(t + n - 16 + 2, 0);
	SNIC_CHECK_EQ(snic_fw_pkt_check_encap(t, n), SNIC_SYN_REFORMAT_UDP_PORT,
		      "dport 0");
	/* VXLAN */
	{
		static const struct { uint32_t off; uint8_t v; const char *w; }
		bad[] = {
			{ 0, 0x00, "no flags" }, { 0, 0x0c, "I+other flag" },
			{ 0, 0x88, "G+I" }, { 1, 1, "rsvd 1" },
			{ 2, 0x80, "rsvd 2" }, { 3, 1, "rsvd 3" },
			{ 7, 1, "rsvd 7" },
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			n = make_tmpl(t, i & 1, true);
			t[n - 8 + bad[i].off] = bad[i].v;
			SNIC_CHECK_EQ(snic_fw_pkt_check_encap(t, n),
				      SNIC_SYN_REFORMAT_VXLAN, bad[i].w);
		}
	}
	/* MACs */
	{
		static const struct { uint32_t off; uint8_t v; const char *w; }
		bad[] = {
			{ 0, 0x01, "dst multicast" }, { 6, 0x53, "src multicast" },
			{ 0, 0xff, "dst broadcast" },
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			n = make_tmpl(t, i & 1, true);
			t[bad[i].off] = bad[i].v;
			SNIC_CHECK_EQ(snic_fw_pkt_check_encap(t, n),
				      SNIC_SYN_REFORMAT_MAC, bad[i].w);
		}
		n = make_tmpl(t, false, true);
		memset(t, 0, 6);
		SNIC_CHECK_EQ(snic_fw_pkt_check_encap(t, n),
			      SNIC_SYN_REFORMAT_MAC, "dst zero");
		n = make_tmpl(t, false, true);
		memset(t + 6, 0, 6);
		SNIC_CHECK_EQ(snic_fw_pkt_check_encap(t, n),
			      SNIC_SYN_REFORMAT_MAC, "src zero");
	}
	/* the VNI may be anything, the template's lengths and csum too */
	n = make_tmpl(t, false, true);
	memset(t + n - 4, 0xff, 3);
	SNIC_CHECK_EQ(snic_fw_pkt_check_encap(t, n), 0, "vni 0xffffff");
}

/* ---- encap ----------------------------------------------------------- */

static void check_encapped(const struct pbuf *p, const uint8_t *tmpl,
			   uint32_t tn, const struct snic_ifc_match *orig,
			   uint32_t inner_len, const char *what)
{
	const uint8_t *f = p->b.data;
	const uint8_t *ip = f + tn - 36, *udp = ip + 20;
	struct snic_ifc_match k;
	uint16_t sport;

	SNIC_CHECK(pbuf_sane(p), "%s: buffer accounting", what);
	SNIC_CHECK_EQ(p->b.len, inner_len + tn, what);
	memset(&k, 0, sizeof(k));
	SNIC_CHECK_EQ(parse_buf(&p->b, &k), 0, what);
	SNIC_CHECK_EQ(k.tun_type, SNIC_IFC_TUN_VXLAN, what);
	SNIC_CHECK_EQ(ntohl(k.vni), VNI, what);
	SNIC_CHECK(memcmp(&k.inner, &orig->outer, sizeof(k.inner)) == 0,
		   "%s: inner key != the original's outer key", what);
	/* outer headers: template, with lengths, id, checksums filled */
	SNIC_CHECK_MEM(f, tmpl, tn - 36, what);
	SNIC_CHECK_EQ(tf_get16(ip + 2), inner_len + 36, "ip total length");
	SNIC_CHECK_EQ(tf_get16(ip + 4), 0, "ip id");
	SNIC_CHECK_EQ(tf_get16(ip + 6), tf_get16(tmpl + tn - 36 + 6), "ip DF");
	SNIC_CHECK_MEM(ip + 8, tmpl + tn - 36 + 8, 2, "ttl, proto");
	SNIC_CHECK_MEM(ip + 12, tmpl + tn - 36 + 12, 8, "addresses");
	SNIC_CHECK_EQ(ip[1], tmpl[tn - 36 + 1], "tos");
	SNIC_CHECK(ref_fold(ref_sum(ip, 20, 0)) == 0xffff,
		   "%s: IPv4 header checksum does not verify", what);
	sport = tf_get16(udp);
	SNIC_CHECK(sport >= 49152, "%s: sport %u", what, sport);
	SNIC_CHECK_EQ(sport, 49152 + snic_fw_hash_flow(orig) % 16384, "sport");
	SNIC_CHECK_EQ(tf_get16(udp + 2), 4789, "dport");
	SNIC_CHECK_EQ(tf_get16(udp + 4), inner_len + 16, "udp length");
	SNIC_CHECK_EQ(tf_get16(udp + 6), 0, "udp csum");
	SNIC_CHECK_MEM(udp + 8, tmpl + tn - 8, 8, "vxlan header");
	SNIC_CHECK(ref_csums_ok(f, p->b.len), "%s: outer csums", what);
}

static void test_encap_decap(void)
{
	uint8_t tmpl[2][64];
	uint32_t tn[2];

	tn[0] = make_tmpl(tmpl[0], false, true);
	tn[1] = make_tmpl(tmpl[1], true, false);
	for (int i = 0; i < N_SAMPLES; i++) {
		for (int v = 0; v < 2; v++) {
			struct snic_ifc_match k, k2;
			struct pbuf p;
			struct tf t;
			const char *what = sample(i, &t);
			int rc;

			memset(&k, 0, sizeof(k));
			SNIC_REQUIRE(parse_exact_ok(&t, &k), "%s parses", what);
			pbuf_new(&p, tf_data(&t), t.len, 64, 7);
			rc = snic_fw_pkt_encap(&p.b, tmpl[v], tn[v], &k);
			SNIC_CHECK_EQ(rc, 0, what);
			check_encapped(&p, tmpl[v], tn[v], &k, t.len, what);

			/* decap(encap(x)) == x */
			memset(&k2, 0, sizeof(k2));
			k2.src_vport = 77;
			k2.reg[2] = 0xabcdef;
			SNIC_CHECK_EQ(parse_buf(&p.b, &k2), 0, what);
			SNIC_CHECK_EQ(snic_fw_pkt_decap(&p.b, &k2), 0, what);
			SNIC_CHECK_EQ(p.b.len, t.len, what);
			SNIC_CHECK(p.b.len == t.len &&
				   memcmp(p.b.data, tf_data(&t), t.len) == 0,
				   "%s: decap(encap(x)) != x", what);
			SNIC_CHECK(p.b.headroom == 64 && p.b.tailroom == 7 &&
				   pbuf_sane(&p), "%s: decap accounting", what);
			SNIC_CHECK_EQ(k2.tun_id, htonl(VNI), "tun_id");
			SNIC_CHECK_EQ(k2.tun_src, htonl(IP4(192, 0, 2, 1)),
				      "tun_src");
			SNIC_CHECK_EQ(k2.tun_dst, htonl(IP4(192, 0, 2, 2)),
				      "tun_dst");
			SNIC_CHECK(k2.src_vport == 77 && k2.reg[2] == 0xabcdef,
				   "%s: decap keeps metadata", what);
			/* after re-parse: the original key plus the tunnel */
			SNIC_CHECK_EQ(parse_buf(&p.b, &k2), 0, what);
			SNIC_CHECK_MEM(&k2.outer, &k.outer, sizeof(k.outer),
				       "decapped key");
			SNIC_CHECK_EQ(k2.tun_type, SNIC_IFC_TUN_NONE, what);
			pbuf_free(&p);
		}
	}
}

/* the UDP source port follows the inner flow */
static void test_encap_sport_spread(void)
{
	uint8_t tmpl[64], seen[4] = { 0 };
	uint32_t tn = make_tmpl(tmpl, false, true);
	unsigned distinct = 0;
	uint16_t first = 0;

	for (int i = 0; i < 64; i++) {
		struct snic_ifc_match k;
		struct pbuf p;
		struct tf t;
		uint16_t sp;

		tf_init(&t);
		tf_payload(&t, 8, 0);
		tf_udp(&t, (uint16_t)(1000 + i), 53);
		tf_ipv4(&t, &(struct tf_ip4){ .proto = 17, .src = 1, .dst = 2 });
		tf_eth(&t, DMAC, SMAC, 0x0800);
		memset(&k, 0, sizeof(k));
		SNIC_REQUIRE(parse_exact_ok(&t, &k), "parses");
		pbuf_new(&p, tf_data(&t), t.len, 50, 0);
		SNIC_CHECK_EQ(snic_fw_pkt_encap(&p.b, tmpl, tn, &k), 0,
			      "exact headroom");
		sp = tf_get16(p.b.data + 34);
		if (i == 0)
			first = sp;
		else if (sp != first)
			distinct++;
		seen[(sp - 49152) >> 12]++;
		pbuf_free(&p);
	}
	SNIC_CHECK(distinct >= 60, "sport varies with the flow (%u)", distinct);
	SNIC_CHECK(seen[0] && seen[1] && seen[2] && seen[3],
		   "sport covers the range");
}

static void test_encap_no_headroom(void)
{
	uint8_t tmpl[64];
	uint32_t tn = make_tmpl(tmpl, true, true);
	struct snic_ifc_match k;
	struct pbuf p;
	struct tf t;
	uint8_t *snap;

	sample(0, &t);
	memset(&k, 0, sizeof(k));
	SNIC_REQUIRE(parse_exact_ok(&t, &k), "parses");
	pbuf_new(&p, tf_data(&t), t.len, 53, 10);
	snap = malloc(p.size);
	memcpy(snap, p.mem, p.size);
	{
		struct snic_fw_buf before = p.b;

		SNIC_CHECK_EQ(snic_fw_pkt_encap(&p.b, tmpl, tn, &k),
			      SNIC_DROP_NO_HEADROOM, "headroom 53 for 54");
		SNIC_CHECK(memcmp(&before, &p.b, sizeof(before)) == 0,
			   "no headroom: buf descriptor unchanged");
		SNIC_CHECK_MEM(snap, p.mem, p.size, "no headroom: memory");
		SNIC_CHECK_EQ(snic_fw_pkt_push_vlan(&p.b, 0x8100, 1), 0,
			      "push with headroom 53");
		p.b.headroom = 3;       /* pretend: only 3 bytes in front */
		p.b.data = p.mem + 3;
		memcpy(snap, p.mem, p.size);
		before = p.b;
		SNIC_CHECK_EQ(snic_fw_pkt_push_vlan(&p.b, 0x8100, 1),
			      SNIC_DROP_NO_HEADROOM, "push headroom 3");
		SNIC_CHECK(memcmp(&before, &p.b, sizeof(before)) == 0,
			   "push no headroom: descriptor unchanged");
		SNIC_CHECK_MEM(snap, p.mem, p.size, "push no headroom: memory");
	}
	free(snap);
	pbuf_free(&p);

	/* an IPv4 datagram over 65535 bytes cannot be made */
	{
		static uint8_t big[65535 - 36 + 1];
		uint8_t t50[64];
		uint32_t n50 = make_tmpl(t50, false, true);

		memcpy(big, tf_data(&t), t.len);
		pbuf_new(&p, big, sizeof(big), 64, 0);
		SNIC_CHECK_EQ(snic_fw_pkt_encap(&p.b, t50, n50, &k),
			      SNIC_DROP_TOO_BIG, "encap of 65500 bytes");
		SNIC_CHECK(p.b.len == sizeof(big) && p.b.headroom == 64,
			   "too big: unchanged");
		p.b.len--;
		SNIC_CHECK_EQ(snic_fw_pkt_encap(&p.b, t50, n50, &k), 0,
			      "encap of 65499 bytes");
		SNIC_CHECK_EQ(tf_get16(p.b.data + 14 + 2), 65535, "ip length");
		SNIC_CHECK_EQ(snic_fw_pkt_encap(&p.b, t50, 49, &k),
			      SNIC_DROP_NO_HEADROOM, "unchecked template length");
		pbuf_free(&p);
	}
	/* no VLAN push into a frame without the MACs */
	pbuf_new(&p, tf_data(&t), 13, 8, 0);
	SNIC_CHECK_EQ(snic_fw_pkt_push_vlan(&p.b, 0x8100, 1), SNIC_DROP_RUNT,
		      "push on 13 bytes");
	SNIC_CHECK(p.b.len == 13 && p.b.headroom == 8, "push runt: unchanged");
	pbuf_free(&p);
}

/* hand-built VXLAN: 2 outer tags, IPv4 options, Ethernet padding */
static void test_decap_odd_outer(void)
{
	static const uint16_t tags[][2] = { { 0x88a8, 7 }, { 0x8100, 8 } };
	struct snic_ifc_match k;
	struct tf t, in;
	struct pbuf p;
	uint8_t *snap;

	tf_init(&in);
	tf_payload(&in, 2, 0);
	tf_eth(&in, DMAC, SMAC, 0x9000);
	tf_init(&t);
	tf_append(&t, tf_data(&in), in.len);
	tf_vxlan(&t, 0xfffffe);
	tf_udp(&t, 3, 4789);
	tf_ipv4(&t, &(struct tf_ip4){ .proto = 17, .optlen = 16,
				      .src = IP4(198, 51, 100, 1),
				      .dst = IP4(198, 51, 100, 2) });
	tf_eth_tags(&t, DMAC, SMAC, 0x0800, 2, tags);
	tf_pad(&t, t.len + 13);         /* trailing bytes beyond IP */
	memset(&k, 0, sizeof(k));
	SNIC_REQUIRE(parse_exact_ok(&t, &k), "odd outer parses");
	SNIC_CHECK_EQ(k.tun_type, SNIC_IFC_TUN_VXLAN, "odd outer tunnel");
	pbuf_new(&p, tf_data(&t), t.len, 0, 0);
	SNIC_CHECK_EQ(snic_fw_pkt_decap(&p.b, &k), 0, "odd outer decap");
	SNIC_CHECK(p.b.len == in.len &&
		   memcmp(p.b.data, tf_data(&in), in.len) == 0,
		   "odd outer: decap gives the inner frame (len %u, want %u)",
		   p.b.len, in.len);
	SNIC_CHECK(pbuf_sane(&p), "odd outer accounting");
	SNIC_CHECK_EQ(p.b.tailroom, 13, "padding becomes tailroom");
	SNIC_CHECK_EQ(ntohl(k.tun_id), 0xfffffe, "odd outer vni");
	SNIC_CHECK_EQ(ntohl(k.tun_src), IP4(198, 51, 100, 1), "odd tun_src");
	SNIC_CHECK_EQ(ntohl(k.tun_dst), IP4(198, 51, 100, 2), "odd tun_dst");
	pbuf_free(&p);

	/* not a tunnel: key says so, or the buffer does, or IPv6 outer */
	for (int i = 0; i < 3; i++) {
		struct snic_fw_buf before;

		if (i == 0) {
			sample(0, &t);
		} else if (i == 1) {
			/* VXLAN over IPv6 */
			struct tf_ip6 ip6 = { .nh = 17, .hlim = 1 };

			tf_init(&t);
			tf_append(&t, tf_data(&in), in.len);
			tf_vxlan(&t, 1);
			tf_udp(&t, 3, 4789);
			ip6.src[15] = 1;
			ip6.dst[15] = 2;
			tf_l4_csum(&t, ip6.src, ip6.dst, true, 17);
			tf_ipv6(&t, &ip6);
			tf_eth(&t, DMAC, SMAC, 0x86dd);
		} else {
			sample(1, &t);
		}
		memset(&k, 0, sizeof(k));
		SNIC_REQUIRE(parse_exact_ok(&t, &k), "parses");
		if (i == 1)
			SNIC_CHECK_EQ(k.tun_type, SNIC_IFC_TUN_VXLAN, "vxlan6");
		if (i == 2)
			k.tun_type = SNIC_IFC_TUN_VXLAN;  /* a stale key */
		pbuf_new(&p, tf_data(&t), t.len, 16, 16);
		snap = malloc(p.size);
		memcpy(snap, p.mem, p.size);
		before = p.b;
		SNIC_CHECK_EQ(snic_fw_pkt_decap(&p.b, &k),
			      SNIC_DROP_DECAP_NOT_TUNNEL, "not a tunnel");
		SNIC_CHECK(memcmp(&before, &p.b, sizeof(before)) == 0 &&
			   memcmp(snap, p.mem, p.size) == 0,
			   "decap refused: buffer unchanged (%d)", i);
		SNIC_CHECK(k.tun_id == 0 && k.tun_src == 0,
			   "decap refused: key metadata unchanged");
		free(snap);
		pbuf_free(&p);
	}
}

/* ---- VLAN push / pop ------------------------------------------------- */

static void test_push_pop(void)
{
	for (int i = 0; i < N_SAMPLES; i++) {
		struct snic_ifc_match k, k2;
		struct pbuf p;
		struct tf t;
		const char *what = sample(i, &t);

		memset(&k, 0, sizeof(k));
		SNIC_REQUIRE(parse_exact_ok(&t, &k), "%s parses", what);
		pbuf_new(&p, tf_data(&t), t.len, 8, 0);
		SNIC_CHECK_EQ(snic_fw_pkt_push_vlan(&p.b, 0x88a8, 0xe123), 0,
			      what);
		SNIC_CHECK(pbuf_sane(&p) && p.b.len == t.len + 4, "%s: push", what);
		memset(&k2, 0, sizeof(k2));
		SNIC_CHECK_EQ(parse_buf(&p.b, &k2), 0, what);
		SNIC_CHECK_EQ(ntohs(k2.outer.vlan_tci[0]), 0xf123, "pushed tci");
		SNIC_CHECK_EQ(k2.outer.vlan_tci[1], k.outer.vlan_tci[0],
			      "old outer tag becomes inner");
		SNIC_CHECK_MEM(p.b.data, tf_data(&t), 12, "MACs in front");
		SNIC_CHECK_MEM(p.b.data + 16, tf_data(&t) + 12, t.len - 12,
			       "rest of the frame after the tag");
		if (!k.outer.vlan_tci[1]) {
			/* up to 2 tags: everything else parses the same */
			k2.outer.vlan_tci[0] = k.outer.vlan_tci[0];
			k2.outer.vlan_tci[1] = k.outer.vlan_tci[1];
			SNIC_CHECK_MEM(&k2.outer, &k.outer, sizeof(k.outer),
				       what);
		}
		SNIC_CHECK_EQ(snic_fw_pkt_pop_vlan(&p.b), 0, what);
		SNIC_CHECK(p.b.len == t.len && pbuf_sane(&p) &&
			   memcmp(p.b.data, tf_data(&t), t.len) == 0,
			   "%s: pop(push(x)) != x", what);
		pbuf_free(&p);
	}

	/* pop: untagged frames stay, tags come off outermost first */
	{
		static const uint16_t tags[][2] = { { 0x88a8, 1 }, { 0x8100, 2 } };
		struct tf t, plain;
		struct pbuf p;

		sample(0, &plain);
		pbuf_new(&p, tf_data(&plain), plain.len, 0, 0);
		SNIC_CHECK_EQ(snic_fw_pkt_pop_vlan(&p.b), 0, "pop untagged");
		SNIC_CHECK(p.b.len == plain.len &&
			   memcmp(p.b.data, tf_data(&plain), plain.len) == 0,
			   "pop untagged: unchanged");
		pbuf_free(&p);

		tf_init(&t);
		tf_append(&t, tf_data(&plain) + 14, plain.len - 14);
		tf_eth_tags(&t, DMAC, SMAC, 0x0800, 2, tags);
		pbuf_new(&p, tf_data(&t), t.len, 0, 0);
		SNIC_CHECK_EQ(snic_fw_pkt_pop_vlan(&p.b), 0, "pop 1");
		SNIC_CHECK_EQ(tf_get16(p.b.data + 12), 0x8100, "inner tag left");
		SNIC_CHECK_EQ(tf_get16(p.b.data + 14), 2, "inner tag tci");
		SNIC_CHECK_EQ(snic_fw_pkt_pop_vlan(&p.b), 0, "pop 2");
		SNIC_CHECK(p.b.len == plain.len &&
			   memcmp(p.b.data, tf_data(&plain), plain.len) == 0,
			   "pop pop: the untagged frame");
		SNIC_CHECK(pbuf_sane(&p) && p.b.headroom == 8, "pop accounting");
		pbuf_free(&p);

		/* a truncated tag is left alone */
		tf_init(&t);
		tf_eth_tags(&t, DMAC, SMAC, 0x0800, 1, tags);
		pbuf_new(&p, tf_data(&t), 17, 0, 1);
		SNIC_CHECK_EQ(snic_fw_pkt_pop_vlan(&p.b), 0, "pop truncated");
		SNIC_CHECK_EQ(p.b.len, 17, "pop truncated: unchanged");
		pbuf_free(&p);
	}
}

/* ---- modify ---------------------------------------------------------- */

static struct snic_ifc_modify_op_desc mkop(uint8_t op, uint8_t field,
					   uint64_t v)
{
	struct snic_ifc_modify_op_desc d;

	memset(&d, 0, sizeof(d));
	d.op = op;
	d.field = field;
	for (int i = 7; i >= 0; i--, v >>= 8)
		d.value[i] = (uint8_t)v;
	return d;
}

static unsigned n_diff(const uint8_t *a, const uint8_t *b, uint32_t n)
{
	unsigned d = 0;

	for (uint32_t i = 0; i < n; i++)
		d += a[i] != b[i];
	return d;
}

/*
 * Apply one op to frame t and check: the return code, the key (re-parsed)
 * against the model, all checksums by full recomputation, and that no
 * more bytes changed than the field and its checksums span.
 */
static void check_op(struct tf *t, uint8_t op, uint8_t field, uint64_t v,
		     const char *what)
{
	struct snic_ifc_match k, want, got;
	struct snic_ifc_modify_op_desc d = mkop(op, field, v);
	int rc, want_rc;
	struct pbuf p;
	bool csum_before;

	memset(&k, 0, sizeof(k));
	SNIC_REQUIRE(parse_exact_ok(t, &k), "%s parses", what);
	csum_before = ref_csums_ok(tf_data(t), t->len);
	want = k;
	want_rc = pkt_model_modify(&want, op, field, v);
	SNIC_CHECK_EQ(snic_fw_pkt_check_modify(&d), 0, "valid op");

	pbuf_new(&p, tf_data(t), t->len, 0, 0);
	rc = snic_fw_pkt_modify(&p.b, &k, &d);
	SNIC_CHECK(rc == want_rc, "%s: field %u op %u value 0x%llx: rc %d, want %d",
		   what, field, op, (unsigned long long)v, rc, want_rc);
	SNIC_CHECK(p.b.len == t->len && pbuf_sane(&p), "%s: length", what);
	if (rc) {
		SNIC_CHECK(memcmp(p.b.data, tf_data(t), t->len) == 0,
			   "%s: dropped packet modified", what);
		pbuf_free(&p);
		return;
	}
	SNIC_CHECK(n_diff(p.b.data, tf_data(t), t->len) <= 10,
		   "%s: field %u: %u bytes changed", what, field,
		   n_diff(p.b.data, tf_data(t), t->len));
	SNIC_CHECK(!csum_before || ref_csums_ok(p.b.data, p.b.len),
		   "%s: field %u value 0x%llx: checksums do not verify", what,
		   field, (unsigned long long)v);
	memcpy(&got, &k, sizeof(got));       /* metadata (regs) from modify */
	SNIC_CHECK_EQ(parse_buf(&p.b, &got), 0, what);
	SNIC_CHECK(memcmp(&got, &want, sizeof(got)) == 0,
		   "%s: field %u op %u value 0x%llx: key differs from model",
		   what, field, op, (unsigned long long)v);
	pbuf_free(&p);
}

static void test_modify_each_field(void)
{
	static const uint64_t vals[SNIC_FIELD_MAX_][3] = {
		[SNIC_FIELD_DMAC] = { 0x0200deadbeefull, 0xffffffffffffull, 0 },
		[SNIC_FIELD_SMAC] = { 0x0200cafebabeull, 1, 0x123456789abcull },
		[SNIC_FIELD_VLAN_VID] = { 0xfff, 0, 42 },
		[SNIC_FIELD_VLAN_PCP] = { 7, 0, 5 },
		[SNIC_FIELD_IPV4_SRC] = { 0xc0a80001, 0xffffffff, 0 },
		[SNIC_FIELD_IPV4_DST] = { 0x08080808, 0x0a000001, 0x7f000001 },
		[SNIC_FIELD_IP_DSCP] = { 46, 0, 63 },
		[SNIC_FIELD_IP_TTL] = { 1, 0, 255 },
		[SNIC_FIELD_TP_SRC] = { 0, 65535, 8080 },
		[SNIC_FIELD_TP_DST] = { 443, 1, 0x8000 },
		[SNIC_FIELD_REG0] = { 0xffffffff, 1, 0x80000000 },
		[SNIC_FIELD_REG1] = { 2, 0, 0x12345678 },
		[SNIC_FIELD_REG2] = { 3, 0xdeadbeef, 0 },
		[SNIC_FIELD_REG3] = { 4, 5, 6 },
	};

	for (int i = 0; i < N_SAMPLES; i++) {
		struct tf t;
		const char *what = sample(i, &t);

		for (uint8_t f = SNIC_FIELD_DMAC; f < SNIC_FIELD_MAX_; f++)
			for (int j = 0; j < 3; j++)
				check_op(&t, SNIC_MOD_SET, f, vals[f][j], what);
		check_op(&t, SNIC_MOD_ADD, SNIC_FIELD_IP_TTL, 0xff, what);
		check_op(&t, SNIC_MOD_ADD, SNIC_FIELD_IP_TTL, 1, what);
		check_op(&t, SNIC_MOD_ADD, SNIC_FIELD_IP_TTL, 200, what);
	}
}

/* frames with a given TTL / hop limit, v4 or v6 */
static void ttl_frame(struct tf *t, bool v6, uint8_t ttl)
{
	sample(v6 ? 2 : 0, t);
	if (v6) {
		tf_data(t)[14 + 7] = ttl;
	} else {
		uint8_t *ip = tf_data(t) + 14;

		ip[8] = ttl;
		tf_put16(ip + 10, 0);
		tf_put16(ip + 10, (uint16_t)~ref_fold(ref_sum(ip, 20, 0)));
	}
}

static void test_ttl(void)
{
	for (int v6 = 0; v6 < 2; v6++) {
		struct tf t;

		ttl_frame(&t, v6, 1);
		check_op(&t, SNIC_MOD_ADD, SNIC_FIELD_IP_TTL, 0xff, "ttl 1 dec");
		ttl_frame(&t, v6, 0);
		check_op(&t, SNIC_MOD_ADD, SNIC_FIELD_IP_TTL, 0xff, "ttl 0 dec");
		ttl_frame(&t, v6, 2);
		check_op(&t, SNIC_MOD_ADD, SNIC_FIELD_IP_TTL, 0xff, "ttl 2 dec");
		ttl_frame(&t, v6, 255);
		check_op(&t, SNIC_MOD_ADD, SNIC_FIELD_IP_TTL, 1, "ttl 255 + 1");
		ttl_frame(&t, v6, 1);
		check_op(&t, SNIC_MOD_SET, SNIC_FIELD_IP_TTL, 0, "ttl set 0");
		ttl_frame(&t, v6, 0);
		check_op(&t, SNIC_MOD_ADD, SNIC_FIELD_IP_TTL, 0xfe, "ttl 0 - 2");
	}
	/* the expiry codes themselves */
	{
		struct snic_ifc_modify_op_desc d =
			mkop(SNIC_MOD_ADD, SNIC_FIELD_IP_TTL, 0xff);
		struct snic_ifc_match k;
		struct pbuf p;
		struct tf t;

		ttl_frame(&t, false, 1);
		memset(&k, 0, sizeof(k));
		SNIC_REQUIRE(parse_exact_ok(&t, &k), "parses");
		pbuf_new(&p, tf_data(&t), t.len, 0, 0);
		SNIC_CHECK_EQ(snic_fw_pkt_modify(&p.b, &k, &d),
			      SNIC_DROP_TTL_EXPIRED, "ttl expired");
		SNIC_CHECK_MEM(p.b.data, tf_data(&t), t.len, "expired: untouched");
		pbuf_free(&p);
	}
}

/* An updated UDP checksum that computes to 0 is sent as 0xffff. */
static void test_udp_csum_ffff(void)
{
	uint8_t tmp[256], *f;
	uint32_t seg, s0;
	struct tf t;
	int found = -1;

	sample(1, &t);
	f = tf_data(&t);
	seg = t.len - 34;
	/* the UDP sum with source port and checksum 0; find the port that
	 * makes the checksum compute to 0 */
	memcpy(tmp, f + 34, seg);
	memset(tmp, 0, 2);
	memset(tmp + 6, 0, 2);
	s0 = ref_sum(tmp, seg, ref_pseudo(f + 26, f + 30, false, 17, seg));
	for (uint32_t port = 0; port < 65536 && found < 0; port++)
		if (ref_fold(s0 + port) == 0xffff)
			found = (int)port;
	SNIC_REQUIRE(found >= 0, "a port giving checksum 0 exists");
	{
		struct snic_ifc_modify_op_desc d =
			mkop(SNIC_MOD_SET, SNIC_FIELD_TP_SRC, (uint64_t)found);
		struct snic_ifc_match k;
		struct pbuf p;

		memset(&k, 0, sizeof(k));
		SNIC_REQUIRE(parse_exact_ok(&t, &k), "parses");
		pbuf_new(&p, tf_data(&t), t.len, 0, 0);
		SNIC_CHECK_EQ(snic_fw_pkt_modify(&p.b, &k, &d), 0, "set port");
		SNIC_CHECK_EQ(tf_get16(p.b.data + 34 + 6), 0xffff,
			      "udp csum 0 sent as 0xffff");
		SNIC_CHECK(ref_csums_ok(p.b.data, p.b.len), "0xffff verifies");
		pbuf_free(&p);
	}
	/* and a zero UDP checksum stays zero */
	{
		struct snic_ifc_modify_op_desc d =
			mkop(SNIC_MOD_SET, SNIC_FIELD_IPV4_DST, 0x01020304);
		struct snic_ifc_match k;
		struct pbuf p;

		sample(5, &t);
		memset(&k, 0, sizeof(k));
		SNIC_REQUIRE(parse_exact_ok(&t, &k), "parses");
		pbuf_new(&p, tf_data(&t), t.len, 0, 0);
		SNIC_CHECK_EQ(tf_get16(p.b.data + 42 + 6), 0, "csum 0 before");
		SNIC_CHECK_EQ(snic_fw_pkt_modify(&p.b, &k, &d), 0, "set dst");
		SNIC_CHECK_EQ(tf_get16(p.b.data + 42 + 6), 0, "csum 0 after");
		pbuf_free(&p);
	}
}

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* random op sequences on random frames: always checksum-correct */
static void test_modify_random(void)
{
	for (int it = 0; it < 1500; it++) {
		struct tf t;
		const char *what = sample((int)(rnd() % N_SAMPLES), &t);

		for (int n = 0; n < 4; n++) {
			uint8_t f = (uint8_t)(1 + rnd() % (SNIC_FIELD_MAX_ - 1));
			uint8_t op = f == SNIC_FIELD_IP_TTL && (rnd() & 1) ?
				     SNIC_MOD_ADD : SNIC_MOD_SET;
			uint64_t v = rnd() & ((1ull << snic_ifc_field_width(f)) - 1);
			struct snic_ifc_modify_op_desc d = mkop(op, f, v);
			struct snic_ifc_match k;
			struct snic_fw_buf b;

			check_op(&t, op, f, v, what);
			/* apply it for real, for the next op */
			memset(&k, 0, sizeof(k));
			snic_fw_pkt_parse(tf_data(&t), t.len, &CFG, &k);
			b = (struct snic_fw_buf){ .data = tf_data(&t),
						  .len = t.len };
			snic_fw_pkt_modify(&b, &k, &d);
		}
	}
}

static void test_check_modify(void)
{
	struct snic_ifc_modify_op_desc d;

	for (uint8_t f = SNIC_FIELD_DMAC; f < SNIC_FIELD_MAX_; f++) {
		uint64_t max = (1ull << snic_ifc_field_width(f)) - 1;

		d = mkop(SNIC_MOD_SET, f, max);
		SNIC_CHECK_EQ(snic_fw_pkt_check_modify(&d), 0, "max value");
		d = mkop(SNIC_MOD_SET, f, 0);
		SNIC_CHECK_EQ(snic_fw_pkt_check_modify(&d), 0, "value 0");
		d = mkop(SNIC_MOD_SET, f, max + 1);
		SNIC_CHECK_EQ(snic_fw_pkt_check_modify(&d), SNIC_SYN_MODIFY_VALUE,
			      "value one bit too wide");
		d = mkop(SNIC_MOD_SET, f, 1ull << 63);
		SNIC_CHECK_EQ(snic_fw_pkt_check_modify(&d), SNIC_SYN_MODIFY_VALUE,
			      "value top bit");
		d = mkop(SNIC_MOD_ADD, f, 1);
		SNIC_CHECK_EQ(snic_fw_pkt_check_modify(&d),
			      f == SNIC_FIELD_IP_TTL ? 0 : SNIC_SYN_MODIFY_FIELD,
			      "add only on TTL");
	}
	d = mkop(0, SNIC_FIELD_DMAC, 0);
	SNIC_CHECK_EQ(snic_fw_pkt_check_modify(&d), SNIC_SYN_MODIFY_OP, "op 0");
	d = mkop(3, SNIC_FIELD_IP_TTL, 0);
	SNIC_CHECK_EQ(snic_fw_pkt_check_modify(&d), SNIC_SYN_MODIFY_OP, "op 3");
	d = mkop(SNIC_MOD_SET, SNIC_FIELD_IP_TTL, 0);
	d.rsvd = 1;
	SNIC_CHECK_EQ(snic_fw_pkt_check_modify(&d), SNIC_SYN_MODIFY_OP, "rsvd");
	d = mkop(SNIC_MOD_SET, SNIC_FIELD_IP_TTL, 0);
	d.rsvd1 = 0x100;
	SNIC_CHECK_EQ(snic_fw_pkt_check_modify(&d), SNIC_SYN_MODIFY_OP, "rsvd1");
	d = mkop(SNIC_MOD_SET, 0, 0);
	SNIC_CHECK_EQ(snic_fw_pkt_check_modify(&d), SNIC_SYN_MODIFY_FIELD,
		      "field 0");
	d = mkop(SNIC_MOD_SET, SNIC_FIELD_MAX_, 0);
	SNIC_CHECK_EQ(snic_fw_pkt_check_modify(&d), SNIC_SYN_MODIFY_FIELD,
		      "field MAX_");
	d = mkop(SNIC_MOD_SET, 255, 0);
	SNIC_CHECK_EQ(snic_fw_pkt_check_modify(&d), SNIC_SYN_MODIFY_FIELD,
		      "field 255");
	d = mkop(SNIC_MOD_ADD, SNIC_FIELD_IP_TTL, 0x100);
	SNIC_CHECK_EQ(snic_fw_pkt_check_modify(&d), SNIC_SYN_MODIFY_VALUE,
		      "ttl add 256");
}

/* ops on headers the frame lacks leave it alone (covered by the model);
 * ops the checker refuses must still be harmless at run time */
static void test_modify_unchecked(void)
{
	for (int i = 0; i < N_SAMPLES; i++) {
		for (unsigned f = 0; f < 256; f += (f < 20 ? 1 : 37)) {
			struct snic_ifc_modify_op_desc d;
			struct snic_ifc_match k;
			struct pbuf p;
			struct tf t;

			sample(i, &t);
			memset(&k, 0, sizeof(k));
			SNIC_REQUIRE(parse_exact_ok(&t, &k), "parses");
			memset(&d, 0xff, sizeof(d));
			d.field = (uint8_t)f;
			d.op = (uint8_t)(f & 3);
			pbuf_new(&p, tf_data(&t), t.len, 0, 0);
			snic_fw_pkt_modify(&p.b, &k, &d);
			SNIC_CHECK(p.b.len == t.len && pbuf_sane(&p),
				   "unchecked op: length");
			pbuf_free(&p);
		}
	}
}

int main(void)
{
	test_check_encap();
	test_encap_decap();
	test_encap_sport_spread();
	test_encap_no_headroom();
	test_decap_odd_outer();
	test_push_pop();
	test_modify_each_field();
	test_ttl();
	test_udp_csum_ffff();
	test_modify_random();
	test_check_modify();
	test_modify_unchecked();
	return snic_test_done();
}
