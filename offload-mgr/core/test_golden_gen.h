/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_golden_gen.h - test_golden's random rule texts and frames.
 *
 * Rules are ovs-ofctl text over small pools of values (so that rules
 * overlap, tie and chain through tables 0..3), with a share of what the NIC
 * cannot do (metadata, ARP fields, controller, mod_nw_tos, rewrites after an
 * output, EtherTypes without a VLAN match, partial VLAN masks, tunnel rules
 * in later tables).  Frames are built from a rule's parsed match (a frame
 * that matches it, then now and then one field changed) or from the pools
 * alone: 0-3 VLAN tags, IPv4/IPv6 (fragments, TTL 0/1/64), TCP/UDP/ICMP,
 * ARP, other EtherTypes, VXLAN from the uplink (right and wrong VNI,
 * remote, VTEP address; and from a VF), truncated and corrupted frames.
 *
 * The ports are test_nic.h's: uplink 1, vf0..vf3 2..5, vxlan0 10 (remote
 * 192.168.1.2, key 100), vxlanf 11 (remote and key from the flow); next
 * hops 192.168.1.2/.4 known, .3 being resolved, others unreachable.
 */
#ifndef TEST_GOLDEN_GEN_H
#define TEST_GOLDEN_GEN_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pkt_frames.h"
#include "snic_ofrule.h"
#include "snic_test_fw.h"

static struct snic_rng grng;

static unsigned rn(unsigned n)
{
	return snic_rng_below(&grng, n);
}

static bool chance(unsigned one_in)
{
	return rn(one_in) == 0;
}

#define PICK(...) ({ static const char *const a_[] = { __VA_ARGS__ }; \
		     a_[rn(sizeof(a_) / sizeof(a_[0]))]; })
#define PICKN(...) ({ static const unsigned a_[] = { __VA_ARGS__ }; \
		      a_[rn(sizeof(a_) / sizeof(a_[0]))]; })

/* ---- the pools (rules and frames draw from the same values) ---- */

static const uint8_t g_macs[][6] = {
	{ 2, 0, 0, 0, 0, 0x0a }, { 2, 0, 0, 0, 0, 0x0b }, { 2, 0, 0, 0, 0, 0x0c },
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, { 1, 0, 0x5e, 0, 0, 1 },
};
static const char *const g_mac_txt[] = {
	"02:00:00:00:00:0a", "02:00:00:00:00:0b", "02:00:00:00:00:0c",
	"ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01",
};
#define N_MACS 5u
static const uint32_t g_ip4[] = { 0x0a000001, 0x0a000002, 0x0a000003, 0x0a000101,
				  0xc0a80102, 0x0a000009 };
#define N_IP4 6u
static const uint16_t g_tp[] = { 53, 80, 1000, 2000, 4789, 0x7d5 };
#define N_TP 6u
static const char *const g_ports[] = { "uplink", "vf0", "vf1", "vf2", "vf3",
				       "vxlan0", "vxlanf" };

static void cat(char *b, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void cat(char *b, size_t n, const char *fmt, ...)
{
	size_t l = strlen(b);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b + l, n - l, fmt, ap);
	va_end(ap);
}

static const char *ip4_txt(uint32_t a)
{
	static char b[4][20];
	static unsigned i;
	char *s = b[i++ & 3];

	snprintf(s, 20, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return s;
}

/* ---- rules ---- */

/* What a rule's match says, for actions that make sense with it (most of
 * the time: now and then they do not, and the rule runs in software). */
struct gctx {
	unsigned table;
	int fam;        /* 0, 4 (ip), 6 (tcp), 17 (udp), 1 (icmp), 60 (ipv6), 2 (arp) */
	int vlan;       /* -1 either, 0 untagged, 1 tagged */
	bool in_port, tun;
};

static void gen_match(char *b, size_t n, struct gctx *c)
{
	const char *in = NULL;

	if (rn(2)) {
		in = g_ports[rn(7)];
		if (strncmp(in, "vxlan", 5) == 0 && (c->table == 0 || chance(4)))
			c->tun = true;
		else if (strncmp(in, "vxlan", 5) == 0)
			in = "vf0";
		cat(b, n, ",in_port=%s", in);
		c->in_port = true;
	}
	if (chance(4))
		cat(b, n, ",dl_dst=%s%s", g_mac_txt[rn(N_MACS)],
		    PICK("", "", "/ff:ff:ff:ff:ff:f0", "/01:00:00:00:00:00"));
	if (chance(5))
		cat(b, n, ",dl_src=%s%s", g_mac_txt[rn(N_MACS)],
		    PICK("", "/ff:ff:ff:ff:ff:00"));
	c->vlan = -1;
	switch (rn(9)) {
	case 0: case 1: cat(b, n, ",vlan_tci=%s", PICK("0", "0/0x1000")); c->vlan = 0; break;
	case 2: cat(b, n, ",dl_vlan=%u", PICKN(10, 20)); c->vlan = 1; break;
	case 3: cat(b, n, ",vlan_tci=0x1000/0x1000"); c->vlan = 1; break;
	case 4: cat(b, n, ",dl_vlan_pcp=%u", PICKN(0, 3)); c->vlan = 1; break;
	case 5: if (chance(3)) cat(b, n, ",vlan_tci=0x000a/0x0fff"); break;
	default: break;
	}
	switch (rn(12)) {
	case 0: case 1: cat(b, n, ",ip"); c->fam = 4; break;
	case 2: case 3: cat(b, n, ",udp"); c->fam = 17; break;
	case 4: cat(b, n, ",tcp"); c->fam = 6; break;
	case 5: cat(b, n, ",icmp"); c->fam = 1; break;
	case 6: cat(b, n, ",%s", PICK("ipv6", "udp6", "tcp6")); c->fam = 60; break;
	case 7: cat(b, n, ",arp"); c->fam = 2; break;
	case 8: cat(b, n, ",dl_type=0x88b5"); break;
	default: break;
	}
	/* a non-IP EtherType has a hardware form on untagged packets only */
	if ((c->fam == 2 || strstr(b, "0x88b5")) && c->vlan && !chance(4)) {
		cat(b, n, ",vlan_tci=0/0x1000");
		c->vlan = 0;
	}
	if (c->fam && c->fam != 2 && c->fam != 60) {
		if (rn(2))
			cat(b, n, ",nw_dst=%s/%u", ip4_txt(g_ip4[rn(N_IP4)]), PICKN(32, 32, 24, 30, 16));
		if (chance(3))
			cat(b, n, ",nw_src=%s/%u", ip4_txt(g_ip4[rn(N_IP4)]), PICKN(32, 24, 8));
		if (chance(6))
			cat(b, n, ",nw_tos=%u", PICKN(0, 32, 184));
		if (chance(6))
			cat(b, n, ",nw_ttl=%u", PICKN(0, 1, 64));
		if (c->fam == 4 && chance(4))
			cat(b, n, ",nw_proto=%u", PICKN(6, 17, 1, 47));
	}
	if (c->fam == 60 && chance(2))
		cat(b, n, ",ipv6_%s=%s", PICK("src", "dst"), PICK("fd00::1", "fd00::2", "fd00::/64"));
	if (c->fam == 6 || c->fam == 17) {
		if (rn(2))
			cat(b, n, ",tp_dst=%u", g_tp[rn(N_TP)]);
		if (chance(3))
			cat(b, n, ",tp_src=%s", PICK("1000", "53", "0x7d0/0xfff0", "0x400/0xfc00"));
	}
	if (c->fam == 1 && rn(2))
		cat(b, n, ",icmp_type=%u%s", PICKN(0, 8), PICK("", ",icmp_code=0"));
	if (c->fam == 2 && chance(4))
		cat(b, n, ",%s", PICK("arp_op=1", "arp_tpa=10.0.0.2", "arp_spa=10.0.0.1"));
	if (c->tun && rn(2))
		cat(b, n, ",%s", PICK("tun_id=100", "tun_id=200", "tun_id=7",
				      "tun_src=192.168.1.2", "tun_src=192.168.1.5",
				      "tun_dst=192.168.1.1", "tun_id=0x64/0xff"));
	if (chance(25))
		cat(b, n, ",metadata=%s", PICK("0x1/0xf", "0", "0x2/0x2"));
}

/* One rewrite; mostly one the match makes sense of. */
static void gen_rewrite(char *b, size_t n, struct gctx *c)
{
	bool ip4 = c->fam == 4 || c->fam == 1 || c->fam == 6 || c->fam == 17;
	bool odd = chance(8);           /* whatever the match */
	unsigned k = rn(13);

	if (!odd && !c->fam && k >= 5 && k <= 9)
		k = 4;                  /* no IP rewrites without IP */
	if (!odd && c->vlan < 0 && k <= 2)
		k = 4;                  /* no VLAN rewrites on "either" */
	switch (k) {
	case 0: cat(b, n, "mod_vlan_vid:%u", PICKN(10, 30)); c->vlan = 1; break;
	case 1: cat(b, n, "mod_vlan_pcp:%u", PICKN(3, 5)); c->vlan = 1; break;
	case 2: cat(b, n, "strip_vlan"); c->vlan = c->vlan ? -1 : 0; break;
	case 3: cat(b, n, "push_vlan:0x8100"); c->vlan = 1; break;
	case 4: cat(b, n, "mod_dl_%s:%s", PICK("src", "dst"), g_mac_txt[rn(3)]); break;
	case 5:
		if (ip4 || odd)
			cat(b, n, "mod_nw_%s:%s", PICK("src", "dst"), ip4_txt(g_ip4[rn(N_IP4)]));
		else
			cat(b, n, "dec_ttl");
		break;
	case 6:
		if (c->fam == 6 || c->fam == 17 || odd)
			cat(b, n, "mod_tp_%s:%u", PICK("src", "dst"), g_tp[rn(N_TP)]);
		else
			cat(b, n, "mod_nw_ttl:%u", PICKN(1, 9));
		break;
	case 7: cat(b, n, "dec_ttl"); break;
	case 8: cat(b, n, "mod_nw_ttl:%u", PICKN(1, 9)); break;
	case 9:
		if (chance(3))
			cat(b, n, "mod_nw_tos:32");             /* software only */
		else if ((c->fam == 6 || c->fam == 17) && rn(2))
			cat(b, n, "set_field:%u->%s_dst", g_tp[rn(N_TP)], c->fam == 6 ? "tcp" : "udp");
		else if (ip4)
			cat(b, n, "set_field:%s->ip_dst", ip4_txt(g_ip4[rn(N_IP4)]));
		else
			cat(b, n, "set_field:%s->eth_dst", g_mac_txt[rn(3)]);
		break;
	case 10: cat(b, n, "set_tunnel:%u", PICKN(100, 200, 7)); break;
	case 11:
		if (chance(4))
			cat(b, n, "set_field:192.168.1.%u->tun_src", PICKN(1, 7));
		else
			cat(b, n, "set_field:%s->tun_dst", PICK("192.168.1.2", "192.168.1.4",
								"192.168.1.3", "192.168.1.9"));
		break;
	default:
		if (chance(4))
			cat(b, n, "write_metadata:%s", PICK("0x1/0xf", "0x2/0x2"));
		else
			cat(b, n, "mod_dl_src:%s", g_mac_txt[rn(3)]);
		break;
	}
}

static void gen_output(char *b, size_t n, const struct gctx *c)
{
	switch (rn(c->in_port ? 12 : 24)) {
	case 0: cat(b, n, "in_port"); break;
	case 1: cat(b, n, "%s", chance(3) ? "controller:64" : "controller"); break;
	case 2: case 3: cat(b, n, "output:vxlan0"); break;
	case 4:
		cat(b, n, "set_field:%s->tun_dst,%soutput:vxlanf",
		    PICK("192.168.1.2", "192.168.1.4", "192.168.1.4", "192.168.1.3", "192.168.1.9"),
		    chance(6) ? "" : chance(2) ? "set_tunnel:200," : "set_tunnel:0x64,");
		break;
	default: cat(b, n, "output:%s", g_ports[rn(5)]); break;
	}
}

/* One rule's text (may be one the parser refuses). */
static void gen_rule(char *b, size_t n)
{
	struct gctx c = { .table = PICKN(0, 0, 0, 1, 1, 2, 3) };
	bool go = c.table < 3 && chance(3);
	unsigned nout = go && !chance(6) ? 0 : PICKN(0, 1, 1, 1, 1, 2, 2, 3, 4);

	b[0] = 0;
	cat(b, n, "table=%u,priority=%u", c.table,
	    chance(4) ? rn(65536) : PICKN(0, 1, 5, 10, 10, 100, 100, 1000, 32768, 65535));
	gen_match(b, n, &c);
	cat(b, n, ",actions=");
	if (!nout && !go) {
		cat(b, n, "drop");
		return;
	}
	for (unsigned i = rn(3); i > 0; i--) {
		gen_rewrite(b, n, &c);
		cat(b, n, ",");
	}
	for (unsigned i = 0; i < nout; i++) {
		gen_output(b, n, &c);
		cat(b, n, ",");
		if (chance(16)) {        /* a rewrite after an output: software */
			gen_rewrite(b, n, &c);
			cat(b, n, ",");
		}
	}
	if (go)
		cat(b, n, "goto_table:%u,", c.table + 1 + rn(3 - c.table));
	b[strlen(b) - 1] = 0;   /* the last comma */
}

/* ---- frames ---- */

/* A frame's description (host order). */
struct pspec {
	uint16_t vport;          /* where it enters the NIC */
	bool vxlan;              /* from the uplink, VXLAN around the rest */
	uint32_t o_src, o_dst, vni;
	uint16_t o_dport;
	uint8_t dmac[6], smac[6];
	unsigned ntags;
	uint16_t tags[3][2];     /* tpid, tci (a third: not parsed) */
	uint16_t et;             /* 0x0800, 0x86dd, 0x0806 or another */
	uint8_t proto, tos, ttl, icmp_type, icmp_code;
	uint16_t frag;           /* IPv4 flags + offset; v6: offset8 << 3 | M */
	uint32_t src, dst;       /* IPv4, ARP SPA/TPA */
	uint8_t src6[16], dst6[16];
	uint16_t sp, dp, arp_op;
	unsigned pay;
	unsigned mangle;         /* 0 none, 1 truncate, 2 corrupt a byte */
};

static void spec_random(struct pspec *s)
{
	memset(s, 0, sizeof(*s));
	s->vport = chance(4) ? UP : VF(rn(4));
	memcpy(s->dmac, g_macs[rn(N_MACS)], 6);
	memcpy(s->smac, g_macs[rn(3)], 6);
	s->ntags = chance(25) ? 3 : PICKN(0, 0, 0, 1, 1, 2);
	for (unsigned i = 0; i < s->ntags; i++) {
		s->tags[i][0] = (uint16_t)(i == 0 && chance(4) ? 0x88a8 : 0x8100);
		s->tags[i][1] = (uint16_t)(PICKN(0, 3, 5) << 13 | PICKN(10, 20, 30, 0));
	}
	s->et = (uint16_t)PICKN(0x0800, 0x0800, 0x0800, 0x86dd, 0x0806, 0x88b5);
	s->proto = (uint8_t)PICKN(17, 17, 6, 6, 1, 47);
	s->tos = (uint8_t)PICKN(0, 0, 0x20, 0xb8, 0x03);
	s->ttl = (uint8_t)PICKN(64, 64, 64, 0, 1, 2);
	s->src = g_ip4[rn(N_IP4)];
	s->dst = g_ip4[rn(N_IP4)];
	s->src6[0] = s->dst6[0] = 0xfd;
	s->src6[15] = (uint8_t)(1 + rn(2));
	s->dst6[15] = (uint8_t)(1 + rn(2));
	s->sp = g_tp[rn(N_TP)];
	s->dp = g_tp[rn(N_TP)];
	s->icmp_type = (uint8_t)PICKN(0, 8);
	s->arp_op = (uint16_t)PICKN(1, 2);
	if (chance(12))
		s->frag = (uint16_t)PICKN(0x2000, 0x0010, 0x2010);
	s->pay = rn(60);
	if (chance(s->vport == UP ? 3 : 20)) {    /* VXLAN from a VF: plain UDP */
		s->vxlan = true;
		s->o_src = PICKN(0xc0a80102, 0xc0a80102, 0xc0a80105);
		s->o_dst = chance(8) ? 0xc0a80109 : 0xc0a80101;
		s->vni = PICKN(100, 100, 200, 7);
		s->o_dport = chance(10) ? 4790 : 4789;
	}
	if (chance(30))
		s->mangle = 1 + rn(2);
}

static uint64_t rnd_bits(void)
{
	return snic_rng_next(&grng);
}

/* A frame the match m takes (its masked bits), the rest random. */
static void spec_from_match(struct pspec *s, const struct snic_of_match *m)
{
	spec_random(s);
	s->mangle = 0;
	if (m->in_port_mask) {
		uint32_t p = m->in_port;

		s->vxlan = false;
		if (p == 1)
			s->vport = UP;
		else if (p >= 2 && p <= 5)
			s->vport = VF(p - 2);
		else if (p == 10 || p == 11) {
			s->vport = UP;
			s->vxlan = true;
			s->o_dst = 0xc0a80101;
			s->o_dport = 4789;
			s->o_src = p == 10 ? 0xc0a80102 : PICKN(0xc0a80102, 0xc0a80105);
			s->vni = p == 10 ? 100 : PICKN(100, 200, 7);
			if (m->tun_id_mask)
				s->vni = (uint32_t)((m->tun_id & m->tun_id_mask) |
						    (s->vni & ~m->tun_id_mask)) & 0xffffff;
			if (m->tun_src_mask)
				s->o_src = (m->tun_src & m->tun_src_mask) |
					   (s->o_src & ~m->tun_src_mask);
		}
	}
	for (int i = 0; i < 6; i++) {
		s->dmac[i] = (uint8_t)((m->dl_dst[i] & m->dl_dst_mask[i]) |
				       (s->dmac[i] & ~m->dl_dst_mask[i]));
		s->smac[i] = (uint8_t)((m->dl_src[i] & m->dl_src_mask[i]) |
				       (s->smac[i] & ~m->dl_src_mask[i]));
	}
	if (m->vlan_tci_mask & 0x1000) {
		if (!(m->vlan_tci & 0x1000))
			s->ntags = 0;
		else if (!s->ntags)
			s->ntags = 1, s->tags[0][0] = 0x8100;
	} else if (m->vlan_tci_mask && !s->ntags) {
		s->ntags = 1;
		s->tags[0][0] = 0x8100;
	}
	if (s->ntags)
		s->tags[0][1] = (uint16_t)((m->vlan_tci & m->vlan_tci_mask & 0xefff) |
					   (s->tags[0][1] & ~m->vlan_tci_mask & 0xefff));
	if (m->dl_type_mask)
		s->et = m->dl_type;
	if (m->nw_proto_mask)
		s->proto = s->et == 0x0806 ? s->proto : m->nw_proto;
	if (s->et == 0x0806 && m->nw_proto_mask)
		s->arp_op = m->nw_proto;
	s->src = (m->nw_src & m->nw_src_mask) | ((uint32_t)rnd_bits() & ~m->nw_src_mask);
	s->dst = (m->nw_dst & m->nw_dst_mask) | (s->dst & ~m->nw_dst_mask);
	for (int i = 0; i < 16; i++) {
		s->src6[i] = (uint8_t)((m->ipv6_src[i] & m->ipv6_src_mask[i]) |
				       (s->src6[i] & ~m->ipv6_src_mask[i]));
		s->dst6[i] = (uint8_t)((m->ipv6_dst[i] & m->ipv6_dst_mask[i]) |
				       (s->dst6[i] & ~m->ipv6_dst_mask[i]));
	}
	if (m->nw_tos_mask)
		s->tos = (uint8_t)(m->nw_tos | (s->tos & 3));
	if (m->nw_ttl_mask)
		s->ttl = m->nw_ttl;
	if (s->proto == 1 || s->proto == 58) {
		if (m->tp_src_mask)
			s->icmp_type = (uint8_t)m->tp_src;
		if (m->tp_dst_mask)
			s->icmp_code = (uint8_t)m->tp_dst;
	} else {
		s->sp = (uint16_t)((m->tp_src & m->tp_src_mask) | (s->sp & ~m->tp_src_mask));
		s->dp = (uint16_t)((m->tp_dst & m->tp_dst_mask) | (s->dp & ~m->tp_dst_mask));
	}
	if (m->tp_src_mask || m->tp_dst_mask)
		s->frag = 0;
	/* now and then one field off, to land next to the rule */
	switch (chance(3) ? rn(8) : 99) {
	case 0: s->dst ^= 1u << rn(32); break;
	case 1: s->dp ^= (uint16_t)(1u << rn(16)); break;
	case 2: s->ntags = s->ntags ? 0 : 1; s->tags[0][0] = 0x8100; break;
	case 3: s->ttl = (uint8_t)PICKN(0, 1, 64); break;
	case 4: s->vport = VF(rn(4)); s->vxlan = false; break;
	case 5: s->vni ^= 1; break;
	case 6: s->dmac[5] ^= 1; break;
	case 7: s->frag = 0x0010; break;
	}
}

static void build_l3(struct tf *t, const struct pspec *s, uint16_t *et)
{
	*et = s->et;
	tf_payload(t, s->pay, (uint8_t)s->pay);
	if (s->et == 0x0800) {
		struct tf_ip4 ip = { .tos = s->tos, .ttl = s->ttl, .proto = s->proto,
				     .id = 7, .frag = s->frag, .src = s->src, .dst = s->dst };

		if (!(s->frag & 0x1fff)) {
			if (s->proto == 17)
				tf_udp(t, s->sp, s->dp);
			else if (s->proto == 6)
				tf_tcp(t, s->sp, s->dp, 0x10, 0);
			else if (s->proto == 1)
				tf_icmp(t, s->icmp_type, s->icmp_code);
		}
		tf_ipv4(t, &ip);
	} else if (s->et == 0x86dd) {
		uint8_t proto = s->proto == 1 ? 58 : s->proto;
		struct tf_ip6 ip = { .tc = s->tos, .hlim = s->ttl, .nh = proto, .flow = 5 };

		memcpy(ip.src, s->src6, 16);
		memcpy(ip.dst, s->dst6, 16);
		if (!(s->frag & 0x1fff)) {
			if (proto == 17)
				tf_udp(t, s->sp, s->dp);
			else if (proto == 6)
				tf_tcp(t, s->sp, s->dp, 0x10, 0);
			else if (proto == 58)
				tf_icmp(t, s->icmp_type, s->icmp_code);
			if (proto == 17 || proto == 6 || proto == 58)
				tf_l4_csum(t, ip.src, ip.dst, true, proto);
		}
		if (s->frag) {
			tf_ipv6_frag(t, proto, (uint16_t)((s->frag & 0x1fff) >> 3 ? 1 : 0),
				     s->frag & 0x2000);
			ip.nh = 44;
		}
		tf_ipv6(t, &ip);
	} else if (s->et == 0x0806) {
		tf_arp(t, s->arp_op, s->smac, s->src, g_macs[0], s->dst);
	}
}

/* The frame of s into buf; returns its length. */
static uint32_t build(const struct pspec *s, uint8_t *buf, uint32_t cap)
{
	static struct tf t, inner;
	static const uint8_t peer_mac[6] = { 0x02, 0xee, 0, 0, 0, 2 };
	static const uint8_t vtep_mac[6] = { 0x02, 0xaa, 0, 0, 1, 0 };
	uint16_t et;

	tf_init(&t);
	build_l3(&t, s, &et);
	tf_eth_tags(&t, s->dmac, s->smac, et, s->ntags, s->tags);
	if (s->vxlan) {
		struct tf_ip4 o = { .ttl = 64, .proto = 17, .src = s->o_src, .dst = s->o_dst,
				    .frag = 0x4000, .no_l4_csum = true };

		tf_init(&inner);
		tf_append(&inner, tf_data(&t), t.len);
		tf_vxlan(&inner, s->vni);
		tf_udp(&inner, (uint16_t)(49152 + rn(1000)), s->o_dport);
		tf_ipv4(&inner, &o);
		tf_eth(&inner, vtep_mac, peer_mac, 0x0800);
		t = inner;
	}
	if (chance(4))
		tf_pad(&t, 60);
	if (s->mangle == 1 && t.len > 1)
		t.len = 1 + rn(t.len - 1);
	else if (s->mangle == 2)
		tf_data(&t)[rn(t.len < 64 ? t.len : 64)] ^= (uint8_t)(1u << rn(8));
	if (t.len > cap)
		t.len = cap;
	memcpy(buf, tf_data(&t), t.len);
	return t.len;
}

#endif /* TEST_GOLDEN_GEN_H */
