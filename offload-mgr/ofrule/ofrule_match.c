/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ofrule_match.c - match fields: the field table (names as OVS's meta-flow
 * has them), reading a field's value as mf_parse() does, writing it into
 * struct snic_of_match as mf_set() does (dl_vlan and friends fold into
 * vlan_tci, shorthands into dl_type/nw_proto), the prerequisite check, and
 * equality, hashing, subset and overlap over the slots of the match.
 */
#include <errno.h>
#include <string.h>

#include "ofrule_internal.h"

/* ---- slots: where each field lives in struct snic_of_match ---- */

#define SLOT(v, m, w, b) { offsetof(struct snic_of_match, v), \
			   offsetof(struct snic_of_match, m), w, b }

static const struct {
	size_t voff, moff;
	uint8_t width;   /* bytes of the member */
	bool bytes;      /* a byte array (wire order), else a host integer */
} slots[OF_SL_N] = {
	[OF_SL_TUN_ID] = SLOT(tun_id, tun_id_mask, 8, false),
	[OF_SL_TUN_SRC] = SLOT(tun_src, tun_src_mask, 4, false),
	[OF_SL_TUN_DST] = SLOT(tun_dst, tun_dst_mask, 4, false),
	[OF_SL_METADATA] = SLOT(metadata, metadata_mask, 8, false),
	[OF_SL_IN_PORT] = SLOT(in_port, in_port_mask, 4, false),
	[OF_SL_VLAN] = SLOT(vlan_tci, vlan_tci_mask, 2, false),
	[OF_SL_DL_SRC] = SLOT(dl_src, dl_src_mask, 6, true),
	[OF_SL_DL_DST] = SLOT(dl_dst, dl_dst_mask, 6, true),
	[OF_SL_DL_TYPE] = SLOT(dl_type, dl_type_mask, 2, false),
	[OF_SL_NW_SRC] = SLOT(nw_src, nw_src_mask, 4, false),
	[OF_SL_NW_DST] = SLOT(nw_dst, nw_dst_mask, 4, false),
	[OF_SL_IPV6_SRC] = SLOT(ipv6_src, ipv6_src_mask, 16, true),
	[OF_SL_IPV6_DST] = SLOT(ipv6_dst, ipv6_dst_mask, 16, true),
	[OF_SL_NW_PROTO] = SLOT(nw_proto, nw_proto_mask, 1, false),
	[OF_SL_NW_TOS] = SLOT(nw_tos, nw_tos_mask, 1, false),
	[OF_SL_NW_TTL] = SLOT(nw_ttl, nw_ttl_mask, 1, false),
	[OF_SL_TP_SRC] = SLOT(tp_src, tp_src_mask, 2, false),
	[OF_SL_TP_DST] = SLOT(tp_dst, tp_dst_mask, 2, false),
};

static const char *const slot_names[OF_SL_N] = {
	"tun_id", "tun_src", "tun_dst", "metadata", "in_port", "vlan_tci",
	"dl_src", "dl_dst", "dl_type", "nw_src", "nw_dst", "ipv6_src",
	"ipv6_dst", "nw_proto", "nw_tos", "nw_ttl", "tp_src", "tp_dst",
};

static void slot_put(void *p, unsigned width, uint64_t x)
{
	switch (width) {
	case 1: *(uint8_t *)p = (uint8_t)x; break;
	case 2: { uint16_t v = (uint16_t)x; memcpy(p, &v, 2); break; }
	case 4: { uint32_t v = (uint32_t)x; memcpy(p, &v, 4); break; }
	default: memcpy(p, &x, 8); break;
	}
}

#define SV(m, s) ((uint8_t *)(m) + slots[s].voff)
#define SM(m, s) ((uint8_t *)(m) + slots[s].moff)
#define CSV(m, s) ((const uint8_t *)(m) + slots[s].voff)
#define CSM(m, s) ((const uint8_t *)(m) + slots[s].moff)

/* ---- the field table ---- */

#define F(n, a, k, w, mk, hx, sl, st, sf, ro) \
	{ n, a, OF_FK_##k, w, mk, hx, OF_SL_##sl, OF_FS_##st, sf, ro }

static const struct of_field fields[] = {
	F("tun_id", "tunnel_id", INT, 8, true, true, TUN_ID, PLAIN,
	  SNIC_OF_F_TUN_ID, false),
	F("tun_src", NULL, IPV4, 4, true, false, TUN_SRC, PLAIN,
	  SNIC_OF_F_TUN_SRC, false),
	F("tun_dst", NULL, IPV4, 4, true, false, TUN_DST, PLAIN,
	  SNIC_OF_F_TUN_DST, false),
	F("metadata", NULL, INT, 8, true, true, METADATA, PLAIN,
	  SNIC_OF_F_METADATA, false),
	F("in_port", NULL, PORT, 2, false, false, IN_PORT, PLAIN, -1, false),
	F("eth_src", "dl_src", MAC, 6, true, false, DL_SRC, PLAIN,
	  SNIC_OF_F_ETH_SRC, false),
	F("eth_dst", "dl_dst", MAC, 6, true, false, DL_DST, PLAIN,
	  SNIC_OF_F_ETH_DST, false),
	F("eth_type", "dl_type", INT, 2, false, true, DL_TYPE, PLAIN, -1, true),
	F("vlan_tci", NULL, INT, 2, true, true, VLAN, PLAIN, -1, false),
	F("dl_vlan", NULL, INT, 2, false, false, VLAN, DL_VLAN, -1, false),
	F("vlan_vid", NULL, INT, 2, true, false, VLAN, VLAN_VID,
	  SNIC_OF_F_VLAN_VID, false),
	F("dl_vlan_pcp", NULL, INT, 1, false, false, VLAN, PCP, -1, false),
	F("vlan_pcp", NULL, INT, 1, false, false, VLAN, PCP,
	  SNIC_OF_F_VLAN_PCP, false),
	F("ip_src", "nw_src", IPV4, 4, true, false, NW_SRC, PLAIN,
	  SNIC_OF_F_IP_SRC, false),
	F("ip_dst", "nw_dst", IPV4, 4, true, false, NW_DST, PLAIN,
	  SNIC_OF_F_IP_DST, false),
	F("arp_spa", NULL, IPV4, 4, true, false, NW_SRC, PLAIN, -1, false),
	F("arp_tpa", NULL, IPV4, 4, true, false, NW_DST, PLAIN, -1, false),
	F("ipv6_src", NULL, IPV6, 16, true, false, IPV6_SRC, PLAIN, -1, false),
	F("ipv6_dst", NULL, IPV6, 16, true, false, IPV6_DST, PLAIN, -1, false),
	F("nw_proto", "ip_proto", INT, 1, false, false, NW_PROTO, PLAIN, -1,
	  true),
	F("arp_op", NULL, INT, 2, false, false, NW_PROTO, ARP_OP, -1, false),
	F("nw_tos", NULL, INT, 1, false, false, NW_TOS, NW_TOS,
	  SNIC_OF_F_NW_TOS, false),
	F("ip_dscp", NULL, INT, 1, false, false, NW_TOS, IP_DSCP,
	  SNIC_OF_F_IP_DSCP, false),
	F("nw_ttl", NULL, INT, 1, false, false, NW_TTL, PLAIN,
	  SNIC_OF_F_NW_TTL, false),
	F("tcp_src", "tp_src", INT, 2, true, false, TP_SRC, PLAIN,
	  SNIC_OF_F_TCP_SRC, false),
	F("tcp_dst", "tp_dst", INT, 2, true, false, TP_DST, PLAIN,
	  SNIC_OF_F_TCP_DST, false),
	F("udp_src", NULL, INT, 2, true, false, TP_SRC, PLAIN,
	  SNIC_OF_F_UDP_SRC, false),
	F("udp_dst", NULL, INT, 2, true, false, TP_DST, PLAIN,
	  SNIC_OF_F_UDP_DST, false),
	F("sctp_src", NULL, INT, 2, true, false, TP_SRC, PLAIN,
	  SNIC_OF_F_SCTP_SRC, false),
	F("sctp_dst", NULL, INT, 2, true, false, TP_DST, PLAIN,
	  SNIC_OF_F_SCTP_DST, false),
	F("icmp_type", NULL, INT, 1, false, false, TP_SRC, PLAIN, -1, false),
	F("icmp_code", NULL, INT, 1, false, false, TP_DST, PLAIN, -1, false),
	F("icmpv6_type", NULL, INT, 1, false, false, TP_SRC, PLAIN, -1, false),
	F("icmpv6_code", NULL, INT, 1, false, false, TP_DST, PLAIN, -1, false),
};

const struct of_field *of_field_find(const char *s, size_t n)
{
	for (size_t i = 0; i < OF_ARRAY_SIZE(fields); i++)
		if (of_span_eq(s, n, fields[i].name) ||
		    (fields[i].alias && of_span_eq(s, n, fields[i].alias)))
			return &fields[i];
	return NULL;
}

const char *snic_of_field_name(enum snic_of_field field)
{
	for (size_t i = 0; i < OF_ARRAY_SIZE(fields); i++)
		if (fields[i].sf == (int)field)
			return fields[i].name;
	return NULL;
}

/* OVS fields and flow keywords snic does not implement. */
static const char *const ovs_only[] = {
	"conj_id", "tun_ipv6_src", "tun_ipv6_dst", "tun_gbp_id",
	"tun_gbp_flags", "tun_erspan_ver", "tun_erspan_idx", "tun_erspan_dir",
	"tun_erspan_hwid", "tun_gtpu_flags", "tun_gtpu_msgtype", "tun_flags",
	"tun_tos", "tun_ttl", "in_port_oxm", "skb_priority", "pkt_mark",
	"actset_output", "packet_type", "ct_state", "ct_zone", "ct_mark",
	"ct_label", "ct_nw_src", "ct_nw_dst", "ct_ipv6_src", "ct_ipv6_dst",
	"ct_nw_proto", "ct_tp_src", "ct_tp_dst", "mpls_label", "mpls_tc",
	"mpls_bos", "mpls_ttl", "ipv6_label", "ip_frag", "nw_frag", "nw_ecn",
	"ip_ecn", "arp_sha", "arp_tha", "nsh_flags", "nsh_ttl", "nsh_mdtype",
	"nsh_np", "nsh_spi", "nsp", "nsh_si", "nsi", "nsh_c1", "nsh_c2",
	"nsh_c3", "nsh_c4", "nshc1", "nshc2", "nshc3", "nshc4", "tcp_flags",
	"nd_target", "nd_sll", "nd_tll", "nd_reserved", "nd_options_type",
	"recirc_id", "dp_hash", "send_flow_rem", "check_overlap",
	"reset_counts", "no_packet_counts", "no_byte_counts", "importance",
	"out_group",
};

static bool numbered(const char *s, size_t n, const char *prefix, unsigned max)
{
	size_t pl = strlen(prefix);
	unsigned long long v;

	return n > pl && memcmp(s, prefix, pl) == 0 && s[pl] != '+' &&
	       of_scan_uint10(s + pl, n - pl, max, &v);
}

bool of_ovs_field_known(const char *s, size_t n)
{
	for (size_t i = 0; i < OF_ARRAY_SIZE(ovs_only); i++)
		if (of_span_eq(s, n, ovs_only[i]))
			return true;
	return numbered(s, n, "reg", 15) || numbered(s, n, "xreg", 7) ||
	       numbered(s, n, "xxreg", 3) || numbered(s, n, "tun_metadata", 63);
}

/* ---- reading a value (mf_parse) ---- */

static bool all_is(const uint8_t *b, unsigned n, uint8_t x)
{
	for (unsigned i = 0; i < n; i++)
		if (b[i] != x)
			return false;
	return true;
}

static int int_error(const struct of_ctx *c, const struct of_kv *kv, int r,
		     const char *s, size_t n, const struct of_field *f,
		     const char *what)
{
	if (r == ERANGE)
		return of_fail_kv(c, -ERANGE, kv, "%.*s: %s too large for "
				  "%u-byte field %s", (int)n, s, what,
				  f->width, f->name);
	if (r == EDOM)
		return of_fail_kv(c, -EINVAL, kv, "%.*s: negative %s for field "
				  "%s", (int)n, s, what, f->name);
	return of_fail_kv(c, -EINVAL, kv, "%.*s: bad syntax for %s %s",
			  (int)n, s, f->name, what);
}

int of_field_parse(const struct of_ctx *c, const struct of_kv *kv,
		   const struct of_field *f, const char *s, size_t n,
		   uint8_t v[16], uint8_t m[16])
{
	const char *why;
	size_t used, used2;
	int r;

	memset(v, 0, 16);
	memset(m, 0, 16);
	if (n == 1 && s[0] == '*')
		return 0;
	if (!n) {            /* OVS: no value means "0/0" */
		s = "0/0";
		n = 3;
	}
	switch (f->kind) {
	case OF_FK_INT:
		r = of_scan_int(s, n, f->width, v, &used);
		if (!r && used < n && s[used] != '/')
			r = EINVAL;
		if (r)
			return int_error(c, kv, r, s, n, f, "value");
		if (used < n) {
			r = of_scan_int(s + used + 1, n - used - 1, f->width,
					m, &used2);
			if (!r && used + 1 + used2 != n)
				r = EINVAL;
			if (r)
				return int_error(c, kv, r, s, n, f, "mask");
		} else {
			memset(m, 0xff, f->width);
		}
		break;
	case OF_FK_MAC:
		if (of_scan_mac(s, n, v, &used) && used == n) {
			memset(m, 0xff, 6);
		} else if (!(of_scan_mac(s, n, v, &used) && used < n &&
			     s[used] == '/' &&
			     of_scan_mac(s + used + 1, n - used - 1, m, &used2) &&
			     used + 1 + used2 == n)) {
			return of_fail_kv(c, -EINVAL, kv, "%.*s: invalid "
					  "Ethernet address", (int)n, s);
		}
		break;
	case OF_FK_IPV4: {
		uint32_t ip, mask;
		if (of_parse_ipv4_masked(s, n, &ip, &mask, &why))
			return of_fail_kv(c, -EINVAL, kv, "%.*s: %s", (int)n, s,
					  why);
		of_be_put(v, 4, ip);
		of_be_put(m, 4, mask);
		break;
	}
	case OF_FK_IPV6:
		if (of_parse_ipv6_masked(s, n, v, m, &why))
			return of_fail_kv(c, -EINVAL, kv, "%.*s: %s", (int)n, s,
					  why);
		break;
	case OF_FK_PORT: {
		uint32_t port;
		enum of_port_res res = of_parse_port(c, s, n, &port);
		if (res != OF_PORT_OK)
			return of_fail_port(c, kv, res, s, n,
					    "invalid or unknown port for "
					    "in_port");
		of_be_put(v, 2, port);
		memset(m, 0xff, 2);
		break;
	}
	}
	if (!f->maskable && !all_is(m, f->width, 0) &&
	    !all_is(m, f->width, 0xff))
		return of_fail_kv(c, -EINVAL, kv, "%.*s: invalid mask for field "
				  "%s", (int)n, s, f->name);
	return 0;
}

/* ---- writing a value (mf_set, mf_set_value, mf_set_wild) ---- */

static void set_any_vid(struct snic_of_match *m)
{
	if (m->vlan_tci_mask & 0xe000) {
		m->vlan_tci_mask &= (uint16_t)~0x0fff;
		m->vlan_tci &= (uint16_t)~0x0fff;
	} else {
		m->vlan_tci = m->vlan_tci_mask = 0;
	}
}

static void set_any_pcp(struct snic_of_match *m)
{
	if (m->vlan_tci_mask & 0x0fff) {
		m->vlan_tci_mask &= (uint16_t)~0xe000;
		m->vlan_tci &= (uint16_t)~0xe000;
	} else {
		m->vlan_tci = m->vlan_tci_mask = 0;
	}
}

static void apply(struct snic_of_match *m, const struct of_field *f,
		  const uint8_t *v, const uint8_t *mk)
{
	unsigned w = f->width, sw = slots[f->slot].width;
	bool wild = all_is(mk, w, 0);
	uint64_t x = w <= 8 ? of_be_get(v, w) : 0;
	uint64_t mx = w <= 8 ? of_be_get(mk, w) : 0;
	void *sv = SV(m, f->slot), *sm = SM(m, f->slot);

	switch (f->set) {
	case OF_FS_DL_VLAN:
		if (wild) {
			set_any_vid(m);
		} else if (x == 0xffff) {
			m->vlan_tci = 0;
			m->vlan_tci_mask = 0xffff;
		} else {
			m->vlan_tci = (uint16_t)((m->vlan_tci & ~0x0fff) |
						 (x & 0x0fff) | 0x1000);
			m->vlan_tci_mask |= 0x1fff;
		}
		return;
	case OF_FS_VLAN_VID:
		if (wild) {
			set_any_vid(m);
		} else {
			mx &= 0x1fff;
			m->vlan_tci = (uint16_t)((m->vlan_tci & ~0x1fff) |
						 (x & mx));
			m->vlan_tci_mask = (uint16_t)(mx |
						      (m->vlan_tci_mask & 0xe000));
		}
		return;
	case OF_FS_PCP:
		if (wild) {
			set_any_pcp(m);
		} else {
			m->vlan_tci = (uint16_t)((m->vlan_tci & ~0xe000) |
						 ((x & 7) << 13) | 0x1000);
			m->vlan_tci_mask |= 0xf000;
		}
		return;
	case OF_FS_NW_TOS:
	case OF_FS_IP_DSCP:
		m->nw_tos &= (uint8_t)~0xfc;
		m->nw_tos_mask &= (uint8_t)~0xfc;
		if (!wild) {
			x = f->set == OF_FS_IP_DSCP ? x << 2 : x;
			m->nw_tos |= (uint8_t)(x & 0xfc);
			m->nw_tos_mask |= 0xfc;
		}
		return;
	case OF_FS_ARP_OP:
		m->nw_proto = wild ? 0 : (uint8_t)x;
		m->nw_proto_mask = wild ? 0 : 0xff;
		return;
	case OF_FS_PLAIN:
		break;
	}
	if (slots[f->slot].bytes) {
		for (unsigned i = 0; i < w; i++) {
			((uint8_t *)sv)[i] = v[i] & mk[i];
			((uint8_t *)sm)[i] = mk[i];
		}
	} else if (wild) {
		slot_put(sv, sw, 0);
		slot_put(sm, sw, 0);
	} else if (w < sw) {    /* exact-only narrower field: icmp, in_port */
		slot_put(sv, sw, x);
		slot_put(sm, sw, UINT64_MAX);
	} else {
		slot_put(sv, sw, x & mx);
		slot_put(sm, sw, mx);
	}
}

void of_match_build_init(struct of_match_build *b)
{
	memset(b, 0, sizeof(*b));
}

int of_match_field(const struct of_ctx *c, struct of_match_build *b,
		   const struct of_kv *kv, const struct of_field *f)
{
	uint8_t v[16], m[16];
	int r = of_field_parse(c, kv, f, kv->val, kv->val_len, v, m);

	if (r)
		return r;
	if (all_is(m, f->width, 0xff) && f->kind == OF_FK_INT) {
		uint64_t x = of_be_get(v, f->width);
		const char *bad = NULL;

		if (f->set == OF_FS_DL_VLAN && x > 4095 && x != 0xffff)
			bad = "a VLAN ID is 0 to 4095 (0xffff: no VLAN header)";
		else if (f->set == OF_FS_PCP && x > 7)
			bad = "a VLAN priority is 0 to 7";
		else if (f->set == OF_FS_IP_DSCP && x > 63)
			bad = "a DSCP value is 0 to 63";
		else if (f->set == OF_FS_ARP_OP && x > 255)
			bad = "an ARP opcode above 255 cannot be matched (OVS "
			      "keeps only its low byte)";
		if (bad)
			return of_fail_kv(c, -EINVAL, kv, "%.*s: %s",
					  (int)kv->val_len, kv->val, bad);
	}
	apply(&b->m, f, v, m);
	b->who[f->slot] = *kv;
	b->set[f->slot] = true;
	return 0;
}

/* ---- shorthands ---- */

static const struct {
	const char *name;
	uint16_t dl_type;
	uint8_t nw_proto;
} shorthands[] = {
	{ "ip", 0x0800, 0 }, { "ipv4", 0x0800, 0 }, { "ip4", 0x0800, 0 },
	{ "arp", 0x0806, 0 }, { "icmp", 0x0800, 1 }, { "tcp", 0x0800, 6 },
	{ "udp", 0x0800, 17 }, { "sctp", 0x0800, 132 }, { "ipv6", 0x86dd, 0 },
	{ "ip6", 0x86dd, 0 }, { "icmp6", 0x86dd, 58 }, { "tcp6", 0x86dd, 6 },
	{ "udp6", 0x86dd, 17 }, { "sctp6", 0x86dd, 132 },
	{ "rarp", 0x8035, 0 }, { "mpls", 0x8847, 0 }, { "mplsm", 0x8848, 0 },
};

bool of_match_shorthand(struct of_match_build *b, const struct of_kv *kv)
{
	for (size_t i = 0; i < OF_ARRAY_SIZE(shorthands); i++) {
		if (!of_span_eq(kv->key, kv->key_len, shorthands[i].name))
			continue;
		b->m.dl_type = shorthands[i].dl_type;
		b->m.dl_type_mask = 0xffff;
		b->who[OF_SL_DL_TYPE] = *kv;
		b->set[OF_SL_DL_TYPE] = true;
		if (shorthands[i].nw_proto) {
			b->m.nw_proto = shorthands[i].nw_proto;
			b->m.nw_proto_mask = 0xff;
			b->who[OF_SL_NW_PROTO] = *kv;
			b->set[OF_SL_NW_PROTO] = true;
		}
		return true;
	}
	return false;
}

/* ---- prerequisites ---- */

static bool slot_matched(const struct snic_of_match *m, enum of_slot s)
{
	return !all_is(CSM(m, s), slots[s].width, 0);
}

int of_match_check_prereqs(const struct of_ctx *c,
			   const struct of_match_build *b)
{
	const struct snic_of_match *m = &b->m;
	uint16_t dl = m->dl_type;
	bool ip = dl == 0x0800, ip6 = dl == 0x86dd;
	bool arp = dl == 0x0806 || dl == 0x8035;
	uint8_t pr = m->nw_proto;
	bool l4 = (ip && (pr == 6 || pr == 17 || pr == 132 || pr == 1)) ||
		  (ip6 && (pr == 6 || pr == 17 || pr == 132 || pr == 58));
	bool icmp = (ip && pr == 1) || (ip6 && pr == 58);
	const char *why[OF_SL_N] = { NULL };
	int worst = -1;

	if (!(ip || arp)) {
		why[OF_SL_NW_SRC] = why[OF_SL_NW_DST] =
			"requires dl_type ip or arp (add \"ip\" or \"arp\")";
	}
	if (!ip6) {
		why[OF_SL_IPV6_SRC] = why[OF_SL_IPV6_DST] =
			"requires dl_type ipv6 (add \"ipv6\")";
	}
	if (!(ip || ip6 || arp))
		why[OF_SL_NW_PROTO] = "requires dl_type ip, ipv6 or arp (add "
				      "\"ip\", \"ipv6\" or \"arp\")";
	if (!(ip || ip6)) {
		why[OF_SL_NW_TOS] = why[OF_SL_NW_TTL] =
			"requires dl_type ip or ipv6 (add \"ip\" or \"ipv6\")";
	}
	if (!l4) {
		why[OF_SL_TP_SRC] = why[OF_SL_TP_DST] =
			"requires nw_proto tcp, udp or sctp (add \"tcp\" or "
			"\"udp\"), or icmp for ICMP type and code";
	} else if (icmp) {
		if (m->tp_src_mask && (m->tp_src_mask != 0xffff ||
				       m->tp_src > 255))
			why[OF_SL_TP_SRC] = "on icmp this is the ICMP type: a "
					    "value 0 to 255 without a mask";
		if (m->tp_dst_mask && (m->tp_dst_mask != 0xffff ||
				       m->tp_dst > 255))
			why[OF_SL_TP_DST] = "on icmp this is the ICMP code: a "
					    "value 0 to 255 without a mask";
	}
	for (int s = 0; s < OF_SL_N; s++) {
		if (!why[s] || !slot_matched(m, (enum of_slot)s) || !b->set[s])
			continue;
		if (worst < 0 || b->who[s].start < b->who[worst].start)
			worst = s;
	}
	if (worst < 0)
		return 0;

	const struct of_kv *kv = &b->who[worst];
	const char *name = kv->key;
	int nl = (int)kv->key_len;
	if (!of_field_find(kv->key, kv->key_len)) {   /* a shorthand */
		name = slot_names[worst];
		nl = (int)strlen(name);
	}
	return of_fail_kv(c, -EINVAL, kv, "%.*s %s", nl, name, why[worst]);
}

/* ---- comparisons ---- */

void snic_of_match_init(struct snic_of_match *match)
{
	memset(match, 0, sizeof(*match));
}

bool snic_of_match_equal(const struct snic_of_match *a,
			 const struct snic_of_match *b)
{
	for (int s = 0; s < OF_SL_N; s++)
		if (memcmp(CSV(a, s), CSV(b, s), slots[s].width) ||
		    memcmp(CSM(a, s), CSM(b, s), slots[s].width))
			return false;
	return true;
}

uint32_t snic_of_match_hash(const struct snic_of_match *match, uint32_t basis)
{
	uint32_t h = 2166136261u ^ basis;

	for (int s = 0; s < OF_SL_N; s++) {
		for (unsigned i = 0; i < slots[s].width; i++) {
			h = (h ^ CSV(match, s)[i]) * 16777619u;
			h = (h ^ CSM(match, s)[i]) * 16777619u;
		}
	}
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return h;
}

bool snic_of_match_overlaps(const struct snic_of_match *a,
			    const struct snic_of_match *b)
{
	for (int s = 0; s < OF_SL_N; s++)
		for (unsigned i = 0; i < slots[s].width; i++)
			if ((CSV(a, s)[i] ^ CSV(b, s)[i]) & CSM(a, s)[i] &
			    CSM(b, s)[i])
				return false;
	return true;
}

bool snic_of_match_subset(const struct snic_of_match *a,
			  const struct snic_of_match *b)
{
	for (int s = 0; s < OF_SL_N; s++) {
		for (unsigned i = 0; i < slots[s].width; i++) {
			uint8_t am = CSM(a, s)[i], bm = CSM(b, s)[i];
			if ((bm & ~am) || ((CSV(a, s)[i] ^ CSV(b, s)[i]) & bm))
				return false;
		}
	}
	return true;
}
