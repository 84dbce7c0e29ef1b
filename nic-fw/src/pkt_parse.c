/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pkt_parse.c - the header walker and the flow-key parser.
 *
 * snic_fw_pkt_walk() is the only code that knows header formats and
 * lengths: the parser runs it on the outer frame and, for VXLAN, on the inner
 * one; the actions run it to find the headers they rewrite.  Every read is
 * bounds-checked against the end of what the enclosing header says is there
 * (frame, IP datagram, UDP datagram), never past frame + len.
 */
#include "pkt_internal.h"

/* IPv4 flags/fragment-offset word */
#define IPV4_MF        0x2000u
#define IPV4_OFFSET    0x1fffu

/* IPv6 extension headers skipped, and how many at most */
#define IPV6_NH_HOPOPT   0u
#define IPV6_NH_ROUTING  43u
#define IPV6_NH_FRAGMENT 44u
#define IPV6_NH_AH       51u
#define IPV6_NH_DSTOPTS  60u
#define IPV6_MAX_EXT     8u

static inline uint16_t be16(uint16_t v)
{
	return snic_ifc_be16(v);
}

static int parse_tcp(const uint8_t *x, uint32_t rem, struct snic_ifc_hdrs *h)
{
	uint32_t doff;

	if (rem < PKT_TCP_HLEN)
		return SNIC_DROP_BAD_TCP;
	doff = (uint32_t)(x[12] >> 4) * 4u;
	if (doff < PKT_TCP_HLEN || doff > rem)
		return SNIC_DROP_BAD_TCP;
	pkt_memcpy(&h->tp_src, x, 2);
	pkt_memcpy(&h->tp_dst, x + 2, 2);
	h->tcp_flags = x[13];
	return 0;
}

/*
 * UDP: the length field must cover the header and stay within the IP
 * payload.  A fragment (first fragment: later ones have no UDP header)
 * carries only part of the datagram, so there the upper bound cannot hold
 * and is not checked; the segment then ends with the IP payload.
 */
static int parse_udp(const uint8_t *x, uint32_t rem, bool frag,
		     struct snic_ifc_hdrs *h, uint32_t *seg_len)
{
	uint32_t ulen;

	if (rem < PKT_UDP_HLEN)
		return SNIC_DROP_BAD_UDP;
	ulen = pkt_rd16(x + 4);
	if (ulen < PKT_UDP_HLEN || (ulen > rem && !frag))
		return SNIC_DROP_BAD_UDP;
	pkt_memcpy(&h->tp_src, x, 2);
	pkt_memcpy(&h->tp_dst, x + 2, 2);
	*seg_len = ulen < rem ? ulen : rem;
	return 0;
}

/* ICMP and ICMPv6: type and code (and the checksum) must be there. */
static int parse_icmp(const uint8_t *x, uint32_t rem, struct snic_ifc_hdrs *h)
{
	if (rem < 4)
		return SNIC_DROP_BAD_ICMP;
	h->tp_src = be16(x[0]);
	h->tp_dst = be16(x[1]);
	return 0;
}

/* L4 header at f[off, end), end being the end of the IP payload. */
static int walk_l4(const uint8_t *f, uint32_t off, uint32_t end, uint8_t proto,
		   bool v6, bool frag, struct snic_ifc_hdrs *h,
		   struct snic_fw_pkt_layout *lay)
{
	const uint8_t *x = f + off;
	uint32_t rem = end - off;
	uint32_t seg = rem;
	int rc;

	switch (proto) {
	case PKT_IPPROTO_TCP:
		rc = parse_tcp(x, rem, h);
		break;
	case PKT_IPPROTO_UDP:
		rc = parse_udp(x, rem, frag, h, &seg);
		break;
	case PKT_IPPROTO_ICMP:
		if (v6)
			return 0;
		rc = parse_icmp(x, rem, h);
		break;
	case PKT_IPPROTO_ICMPV6:
		if (!v6)
			return 0;
		rc = parse_icmp(x, rem, h);
		break;
	default:
		return 0;
	}
	if (rc)
		return rc;
	lay->l4 = off;
	lay->l4_end = off + seg;
	lay->l4_proto = proto;
	return 0;
}

static int walk_ipv4(const uint8_t *f, uint32_t off, uint32_t len,
		     struct snic_ifc_hdrs *h, struct snic_fw_pkt_layout *lay)
{
	const uint8_t *ip = f + off;
	uint32_t rem = len - off;
	uint32_t hl, tot;
	uint16_t fo;
	uint8_t frag = 0;

	if (rem < PKT_IPV4_HLEN || (ip[0] >> 4) != 4)
		return SNIC_DROP_BAD_IPV4;
	hl = (ip[0] & 0x0fu) * 4u;
	if (hl < PKT_IPV4_HLEN || hl > rem)
		return SNIC_DROP_BAD_IPV4;
	tot = pkt_rd16(ip + 2);
	if (tot < hl || tot > rem)
		return SNIC_DROP_BAD_IPV4_LEN;

	h->ip_tos = ip[1];
	h->ip_ttl = ip[8];
	h->ip_proto = ip[9];
	pkt_memcpy(&h->ip_src[0], ip + 12, 4);
	pkt_memcpy(&h->ip_dst[0], ip + 16, 4);
	lay->l3 = off;
	lay->l3_type = PKT_ETH_P_IPV4;

	fo = pkt_rd16(ip + 6);
	if (fo & (IPV4_MF | IPV4_OFFSET))
		frag = SNIC_IFC_FRAG_ANY;
	if (fo & IPV4_OFFSET)
		frag |= SNIC_IFC_FRAG_LATER;
	h->ip_frag = frag;
	if (frag & SNIC_IFC_FRAG_LATER)
		return 0;       /* no L4 header in this fragment */
	return walk_l4(f, off + hl, off + tot, ip[9], false, frag != 0, h, lay);
}

static bool ipv6_is_ext(uint8_t nh)
{
	switch (nh) {
	case IPV6_NH_HOPOPT:
	case IPV6_NH_ROUTING:
	case IPV6_NH_FRAGMENT:
	case IPV6_NH_AH:
	case IPV6_NH_DSTOPTS:
		return true;
	default:
		return false;
	}
}

/*
 * Skip the extension headers from *off (< end), updating *nh to the next
 * header after them and *frag from a fragment header.  Stops after the
 * fragment header of a non-first fragment: what follows is not a header.
 */
static int skip_ipv6_ext(const uint8_t *f, uint32_t *off, uint32_t end,
			 uint8_t *nh, uint8_t *frag)
{
	unsigned n;

	for (n = 0; ipv6_is_ext(*nh); n++) {
		const uint8_t *x = f + *off;
		uint32_t elen;

		/* every extension header is at least 8 bytes */
		if (n == IPV6_MAX_EXT || end - *off < 8)
			return SNIC_DROP_BAD_IPV6_EXT;
		if (*nh == IPV6_NH_FRAGMENT) {
			uint16_t fo = pkt_rd16(x + 2); /* offset:13 res:2 M:1 */

			elen = 8;
			if (fo & 0xfff9u)
				*frag |= SNIC_IFC_FRAG_ANY;
			if (fo >> 3)
				*frag |= SNIC_IFC_FRAG_LATER;
		} else if (*nh == IPV6_NH_AH) {
			elen = (x[1] + 2u) * 4u;        /* in 4-byte units */
		} else {
			elen = (x[1] + 1u) * 8u;        /* in 8-byte units */
		}
		if (elen > end - *off)
			return SNIC_DROP_BAD_IPV6_EXT;
		*nh = x[0];
		*off += elen;
		if (*frag & SNIC_IFC_FRAG_LATER)
			break;
	}
	return 0;
}

static int walk_ipv6(const uint8_t *f, uint32_t off, uint32_t len,
		     struct snic_ifc_hdrs *h, struct snic_fw_pkt_layout *lay)
{
	const uint8_t *ip = f + off;
	uint32_t end;
	uint8_t nh, frag = 0;
	int rc;

	if (len - off < PKT_IPV6_HLEN || (ip[0] >> 4) != 6)
		return SNIC_DROP_BAD_IPV6;
	end = off + PKT_IPV6_HLEN + pkt_rd16(ip + 4);
	if (end > len)
		return SNIC_DROP_BAD_IPV6;

	h->ip_tos = (uint8_t)(pkt_rd16(ip) >> 4);      /* traffic class */
	h->ip_ttl = ip[7];
	pkt_memcpy(h->ip_src, ip + 8, 16);
	pkt_memcpy(h->ip_dst, ip + 24, 16);
	lay->l3 = off;
	lay->l3_type = PKT_ETH_P_IPV6;

	nh = ip[6];
	off += PKT_IPV6_HLEN;
	rc = skip_ipv6_ext(f, &off, end, &nh, &frag);
	h->ip_proto = nh;
	h->ip_frag = frag;
	if (rc || (frag & SNIC_IFC_FRAG_LATER))
		return rc;
	return walk_l4(f, off, end, nh, true, frag != 0, h, lay);
}

/* ARP for IPv4 over Ethernet only; the opcode's low byte is the "proto". */
static int walk_arp(const uint8_t *x, uint32_t rem, struct snic_ifc_hdrs *h)
{
	if (rem < PKT_ARP_LEN || pkt_rd16(x) != 1 ||
	    pkt_rd16(x + 2) != PKT_ETH_P_IPV4 || x[4] != 6 || x[5] != 4)
		return SNIC_DROP_BAD_ARP;
	h->ip_proto = x[7];
	pkt_memcpy(&h->ip_src[0], x + 14, 4);
	pkt_memcpy(&h->ip_dst[0], x + 24, 4);
	return 0;
}

int snic_fw_pkt_walk(const uint8_t *f, uint32_t len, struct snic_ifc_hdrs *h,
		     struct snic_fw_pkt_layout *lay)
{
	uint32_t off = 12;      /* the TPID / EtherType field */
	uint16_t et;
	uint8_t i;

	pkt_memset(lay, 0, sizeof(*lay));
	if (len < PKT_ETH_HLEN)
		return SNIC_DROP_RUNT;
	pkt_memcpy(h->dmac, f, 12);     /* dmac and smac are adjacent */
	et = pkt_rd16(f + off);
	/* A tag is TPID, TCI, then the next TPID/EtherType: 6 bytes. */
	for (i = 0; i < 2 && pkt_is_vlan_tpid(et); i++) {
		if (len - off < 6)
			return SNIC_DROP_BAD_VLAN;
		/* SNIC_IFC_VLAN_PRESENT is the DEI bit: setting it clears DEI */
		h->vlan_tci[i] = be16(pkt_rd16(f + off + 2) |
				      SNIC_IFC_VLAN_PRESENT);
		off += PKT_VLAN_HLEN;
		et = pkt_rd16(f + off);
	}
	lay->n_tags = i;
	h->ethertype = be16(et);
	off += 2;

	switch (et) {
	case PKT_ETH_P_IPV4:
		return walk_ipv4(f, off, len, h, lay);
	case PKT_ETH_P_IPV6:
		return walk_ipv6(f, off, len, h, lay);
	case PKT_ETH_P_ARP:
		return walk_arp(f + off, len - off, h);
	default:
		return 0;
	}
}

/* VXLAN header at the start of the UDP payload, then the inner frame. */
static int parse_vxlan(const uint8_t *f, const struct snic_fw_pkt_layout *lay,
		       struct snic_ifc_match *key)
{
	struct snic_fw_pkt_layout in_lay;
	uint32_t off = lay->l4 + PKT_UDP_HLEN;
	const uint8_t *vx = f + off;
	uint8_t vni[4];

	if (lay->l4_end - off < PKT_VXLAN_HLEN || !(vx[0] & PKT_VXLAN_F_I))
		return SNIC_DROP_BAD_VXLAN;
	/* the VNI is bytes 4..6: the low 24 bits of a network-order word */
	vni[0] = 0;
	vni[1] = vx[4];
	vni[2] = vx[5];
	vni[3] = vx[6];
	pkt_memcpy(&key->vni, vni, 4);
	key->vxlan_flags = vx[0];
	key->tun_type = SNIC_IFC_TUN_VXLAN;
	off += PKT_VXLAN_HLEN;
	return snic_fw_pkt_walk(f + off, lay->l4_end - off, &key->inner,
				&in_lay);
}

int snic_fw_pkt_parse(const uint8_t *frame, uint32_t len,
		      const struct snic_fw_pkt_cfg *cfg,
		      struct snic_ifc_match *key)
{
	struct snic_fw_pkt_layout lay;
	int rc;

	/* everything from tun_type on except the metadata (tun_id .. reg) */
	key->tun_type = SNIC_IFC_TUN_NONE;
	key->rsvd0 = 0;
	pkt_memset(&key->outer, 0,
		   sizeof(*key) - offsetof(struct snic_ifc_match, outer));

	rc = snic_fw_pkt_walk(frame, len, &key->outer, &lay);
	/* a fragment is never a tunnel: its inner frame is incomplete, so it
	 * stays plain UDP (for the host to reassemble) */
	if (rc || lay.l4_proto != PKT_IPPROTO_UDP || key->outer.ip_frag ||
	    pkt_rd16(frame + lay.l4 + 2) != cfg->vxlan_port)
		return rc;
	return parse_vxlan(frame, &lay, key);
}
