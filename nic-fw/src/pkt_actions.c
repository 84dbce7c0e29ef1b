/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pkt_actions.c - header rewrites: VXLAN encap/decap, VLAN push/pop and
 * modify-header ops with checksum fix-up, and the checks of their
 * parameters.
 *
 * Headers are located by walking the buffer with snic_fw_pkt_walk() (the
 * parser's own walker), so an action always works on what is in the buffer
 * now.  Each action does all of its checks before it writes anything.
 */
#include "pkt_internal.h"

#define IPV4_OFF_TOS     1u
#define IPV4_OFF_TOTLEN  2u
#define IPV4_OFF_ID      4u
#define IPV4_OFF_FRAG    6u
#define IPV4_OFF_TTL     8u
#define IPV4_OFF_CSUM    10u
#define IPV4_OFF_SRC     12u
#define IPV4_OFF_DST     16u
#define IPV6_OFF_HLIM    7u
#define TCP_OFF_CSUM     16u
#define UDP_OFF_LEN      4u
#define UDP_OFF_CSUM     6u

/* Encap template: Ethernet [+ tag] + these. */
#define ENCAP_L3_LEN     (PKT_IPV4_HLEN + PKT_UDP_HLEN + PKT_VXLAN_HLEN)
#define ENCAP_SPORT_BASE 49152u
#define ENCAP_SPORT_SPAN 16384u

/* ---- VXLAN encap ------------------------------------------------------- */

static bool mac_is_unicast_nonzero(const uint8_t *m)
{
	static const uint8_t zero[6];

	return !(m[0] & 1u) && __builtin_memcmp(m, zero, 6) != 0;
}

uint32_t snic_fw_pkt_check_encap(const uint8_t *t, uint32_t tmpl_len)
{
	uint32_t eth = tmpl_len - ENCAP_L3_LEN;
	const uint8_t *ip, *vx;
	uint16_t et;

	if (tmpl_len != SNIC_REFORMAT_VXLAN_LEN &&
	    tmpl_len != SNIC_REFORMAT_VXLAN_VLAN_LEN)
		return SNIC_SYN_REFORMAT_LEN;
	et = pkt_rd16(t + 12);
	if (tmpl_len == SNIC_REFORMAT_VXLAN_VLAN_LEN) {
		if (!pkt_is_vlan_tpid(et))
			return SNIC_SYN_REFORMAT_ETHERTYPE;
		et = pkt_rd16(t + 16);
	}
	if (et != PKT_ETH_P_IPV4)
		return SNIC_SYN_REFORMAT_ETHERTYPE;

	ip = t + eth;
	/* version 4, IHL 5, UDP, neither MF nor an offset (DF is fine) */
	if (ip[0] != 0x45 || ip[9] != PKT_IPPROTO_UDP ||
	    (pkt_rd16(ip + IPV4_OFF_FRAG) & 0x3fffu))
		return SNIC_SYN_REFORMAT_IPV4;
	if (pkt_rd16(ip + PKT_IPV4_HLEN + 2) == 0)
		return SNIC_SYN_REFORMAT_UDP_PORT;
	vx = ip + PKT_IPV4_HLEN + PKT_UDP_HLEN;
	if (vx[0] != PKT_VXLAN_F_I || vx[1] || vx[2] || vx[3] || vx[7])
		return SNIC_SYN_REFORMAT_VXLAN;
	if (!mac_is_unicast_nonzero(t) || !mac_is_unicast_nonzero(t + 6))
		return SNIC_SYN_REFORMAT_MAC;
	return 0;
}

int snic_fw_pkt_encap(struct snic_fw_buf *b, const uint8_t *tmpl,
		      uint32_t tmpl_len, const struct snic_ifc_match *key)
{
	uint32_t eth = tmpl_len - ENCAP_L3_LEN;
	uint32_t ip_len;
	uint16_t sport;
	uint8_t *o, *ip, *udp;

	/*
	 * The template was validated by snic_fw_pkt_check_encap(); a length
	 * it would refuse is refused here too rather than written out of
	 * place.
	 */
	if (b->headroom < tmpl_len || (tmpl_len != SNIC_REFORMAT_VXLAN_LEN &&
				       tmpl_len != SNIC_REFORMAT_VXLAN_VLAN_LEN))
		return SNIC_DROP_NO_HEADROOM;
	/* the IPv4 total length must fit its 16 bits */
	if (b->len > 0xffffu - ENCAP_L3_LEN)
		return SNIC_DROP_TOO_BIG;
	ip_len = b->len + ENCAP_L3_LEN;
	sport = (uint16_t)(ENCAP_SPORT_BASE +
			   snic_fw_hash_flow(key) % ENCAP_SPORT_SPAN);

	o = b->data - tmpl_len;
	/* constant sizes: copied inline, not by a call */
	if (tmpl_len == SNIC_REFORMAT_VXLAN_LEN)
		pkt_memcpy(o, tmpl, SNIC_REFORMAT_VXLAN_LEN);
	else
		pkt_memcpy(o, tmpl, SNIC_REFORMAT_VXLAN_VLAN_LEN);
	ip = o + eth;
	pkt_wr16(ip + IPV4_OFF_TOTLEN, (uint16_t)ip_len);
	pkt_wr16(ip + IPV4_OFF_ID, 0);
	pkt_wr16(ip + IPV4_OFF_CSUM, 0);
	pkt_wr16(ip + IPV4_OFF_CSUM, pkt_ipv4_hdr_csum(ip));
	udp = ip + PKT_IPV4_HLEN;
	pkt_wr16(udp, sport);
	pkt_wr16(udp + UDP_OFF_LEN, (uint16_t)(ip_len - PKT_IPV4_HLEN));
	pkt_wr16(udp + UDP_OFF_CSUM, 0);

	b->data = o;
	b->len += tmpl_len;
	b->headroom -= tmpl_len;
	return 0;
}

/* ---- VXLAN decap ------------------------------------------------------- */

int snic_fw_pkt_decap(struct snic_fw_buf *b, struct snic_ifc_match *key)
{
	struct snic_fw_pkt_layout lay;
	struct snic_ifc_hdrs h;
	const uint8_t *vx;
	uint32_t inner, inner_len;
	uint8_t vni[4];

	if (key->tun_type != SNIC_IFC_TUN_VXLAN)
		return SNIC_DROP_DECAP_NOT_TUNNEL;
	/* the key says VXLAN; find its headers in the buffer, and re-check */
	if (snic_fw_pkt_walk(b->data, b->len, &h, &lay) ||
	    lay.l3_type != PKT_ETH_P_IPV4 || lay.l4_proto != PKT_IPPROTO_UDP)
		return SNIC_DROP_DECAP_NOT_TUNNEL;
	inner = lay.l4 + PKT_UDP_HLEN + PKT_VXLAN_HLEN;
	vx = b->data + lay.l4 + PKT_UDP_HLEN;
	if (lay.l4_end < inner || !(vx[0] & PKT_VXLAN_F_I))
		return SNIC_DROP_DECAP_NOT_TUNNEL;
	/* the inner frame ends with the UDP datagram (not the Ethernet pad) */
	inner_len = lay.l4_end - inner;

	vni[0] = 0;
	vni[1] = vx[4];
	vni[2] = vx[5];
	vni[3] = vx[6];
	pkt_memcpy(&key->tun_id, vni, 4);
	key->tun_src = h.ip_src[0];
	key->tun_dst = h.ip_dst[0];

	b->tailroom += b->len - inner - inner_len;
	b->data += inner;
	b->headroom += inner;
	b->len = inner_len;
	return 0;
}

/* ---- VLAN push / pop --------------------------------------------------- */

/* Move the 12 MAC bytes (overlapping ranges): through registers. */
static inline void move_macs(uint8_t *to, const uint8_t *from)
{
	uint8_t macs[12];

	pkt_memcpy(macs, from, 12);
	pkt_memcpy(to, macs, 12);
}

int snic_fw_pkt_push_vlan(struct snic_fw_buf *b, uint16_t tpid, uint16_t tci)
{
	uint8_t *d;

	if (b->headroom < PKT_VLAN_HLEN)
		return SNIC_DROP_NO_HEADROOM;
	if (b->len < PKT_ETH_HLEN)
		return SNIC_DROP_RUNT;
	d = b->data - PKT_VLAN_HLEN;
	move_macs(d, b->data);
	pkt_wr16(d + 12, tpid);
	pkt_wr16(d + 14, tci);
	b->data = d;
	b->len += PKT_VLAN_HLEN;
	b->headroom -= PKT_VLAN_HLEN;
	return 0;
}

int snic_fw_pkt_pop_vlan(struct snic_fw_buf *b)
{
	uint8_t *d = b->data;

	/* a whole tag and the EtherType after it, else leave the frame be */
	if (b->len < PKT_ETH_HLEN + PKT_VLAN_HLEN ||
	    !pkt_is_vlan_tpid(pkt_rd16(d + 12)))
		return 0;
	move_macs(d + PKT_VLAN_HLEN, d);
	b->data = d + PKT_VLAN_HLEN;
	b->len -= PKT_VLAN_HLEN;
	b->headroom += PKT_VLAN_HLEN;
	return 0;
}

/* ---- modify header ----------------------------------------------------- */


/* The op's value: 8 bytes, network order. */
static uint64_t op_value(const struct snic_ifc_modify_op_desc *op)
{
	return (uint64_t)pkt_rd32(op->value) << 32 | pkt_rd32(op->value + 4);
}

uint32_t snic_fw_pkt_check_modify(const struct snic_ifc_modify_op_desc *op)
{
	uint8_t w;

	if (op->rsvd || op->rsvd1 ||
	    (op->op != SNIC_MOD_SET && op->op != SNIC_MOD_ADD))
		return SNIC_SYN_MODIFY_OP;
	if (!snic_ifc_field_width(op->field))
		return SNIC_SYN_MODIFY_FIELD;
	if (op->op == SNIC_MOD_ADD && op->field != SNIC_FIELD_IP_TTL)
		return SNIC_SYN_MODIFY_FIELD;
	w = snic_ifc_field_width(op->field);
	if (op_value(op) >> w)
		return SNIC_SYN_MODIFY_VALUE;
	return 0;
}

/*
 * Fix the TCP/UDP checksum at the layout's L4 header for a change of a
 * 16-bit word (port) or of a 32-bit word (IPv4 address: pseudo-header).
 * A zero UDP checksum means "none" and stays zero; an updated UDP checksum
 * that comes out zero is sent as 0xffff, its other one's-complement form.
 */
static void l4_csum_fix(uint8_t *f, const struct snic_fw_pkt_layout *lay,
			uint32_t old, uint32_t new_, bool wide)
{
	uint8_t *c;
	uint16_t sum;

	if (lay->l4_proto == PKT_IPPROTO_TCP)
		c = f + lay->l4 + TCP_OFF_CSUM;
	else if (lay->l4_proto == PKT_IPPROTO_UDP)
		c = f + lay->l4 + UDP_OFF_CSUM;
	else
		return;
	sum = pkt_rd16(c);
	if (lay->l4_proto == PKT_IPPROTO_UDP && sum == 0)
		return;
	if (wide)
		sum = pkt_csum_update32(sum, old, new_);
	else
		sum = pkt_csum_update16(sum, (uint16_t)old, (uint16_t)new_);
	if (lay->l4_proto == PKT_IPPROTO_UDP && sum == 0)
		sum = 0xffff;
	pkt_wr16(c, sum);
}

/* Replace the 16-bit word at ip + off of an IPv4 header, fixing its csum. */
static void ipv4_set16(uint8_t *ip, uint32_t off, uint16_t v)
{
	uint16_t old = pkt_rd16(ip + off);

	pkt_wr16(ip + off, v);
	pkt_wr16(ip + IPV4_OFF_CSUM,
		 pkt_csum_update16(pkt_rd16(ip + IPV4_OFF_CSUM), old, v));
}

static void set_ipv4_addr(uint8_t *f, const struct snic_fw_pkt_layout *lay,
			  uint32_t off, uint32_t v)
{
	uint8_t *ip = f + lay->l3;
	uint32_t old;

	if (lay->l3_type != PKT_ETH_P_IPV4)
		return;
	old = pkt_rd32(ip + off);
	pkt_wr32(ip + off, v);
	pkt_wr16(ip + IPV4_OFF_CSUM,
		 pkt_csum_update32(pkt_rd16(ip + IPV4_OFF_CSUM), old, v));
	l4_csum_fix(f, lay, old, v, true);
}

static void set_dscp(uint8_t *f, const struct snic_fw_pkt_layout *lay,
		     uint8_t dscp)
{
	uint8_t *ip = f + lay->l3;

	if (lay->l3_type == PKT_ETH_P_IPV4) {
		/* version/IHL and TOS share a checksummed word; keep ECN */
		ipv4_set16(ip, 0, (uint16_t)((ip[0] << 8) | (dscp << 2) |
					     (ip[IPV4_OFF_TOS] & 3u)));
	} else if (lay->l3_type == PKT_ETH_P_IPV6) {
		/* version:4 traffic class:8 (DSCP:6 ECN:2) flow label:20 */
		ip[0] = (uint8_t)((ip[0] & 0xf0u) | (dscp >> 2));
		ip[1] = (uint8_t)((ip[1] & 0x3fu) | ((dscp & 3u) << 6));
	}
}

static int set_ttl(uint8_t *f, const struct snic_fw_pkt_layout *lay,
		   uint8_t op, uint8_t v)
{
	uint8_t *ttl, nv;

	if (lay->l3_type == PKT_ETH_P_IPV4)
		ttl = f + lay->l3 + IPV4_OFF_TTL;
	else if (lay->l3_type == PKT_ETH_P_IPV6)
		ttl = f + lay->l3 + IPV6_OFF_HLIM;
	else
		return 0;
	nv = v;
	if (op == SNIC_MOD_ADD) {
		if (v == 0xff && *ttl <= 1)
			return SNIC_DROP_TTL_EXPIRED;
		nv = (uint8_t)(*ttl + v);
	}
	if (lay->l3_type == PKT_ETH_P_IPV4)
		ipv4_set16(f + lay->l3, IPV4_OFF_TTL,
			   (uint16_t)((nv << 8) | ttl[1]));    /* TTL, proto */
	else
		*ttl = nv;
	return 0;
}

static void set_port(uint8_t *f, const struct snic_fw_pkt_layout *lay,
		     uint32_t off, uint16_t v)
{
	uint8_t *p = f + lay->l4 + off;
	uint16_t old;

	if (lay->l4_proto != PKT_IPPROTO_TCP && lay->l4_proto != PKT_IPPROTO_UDP)
		return;
	old = pkt_rd16(p);
	pkt_wr16(p, v);
	l4_csum_fix(f, lay, old, v, false);
}

/* Outer VLAN tag's TCI, rewritten under mask. */
static void set_tci(uint8_t *f, uint32_t len, uint16_t mask, uint16_t v)
{
	if (len < PKT_ETH_HLEN + PKT_VLAN_HLEN ||
	    !pkt_is_vlan_tpid(pkt_rd16(f + 12)))
		return;
	pkt_wr16(f + 14, (uint16_t)((pkt_rd16(f + 14) & ~mask) | (v & mask)));
}

/* Fields of the IP and L4 headers: need the walker to find them. */
static int modify_l3l4(struct snic_fw_buf *b, uint8_t op, uint8_t field,
		       uint64_t v)
{
	struct snic_fw_pkt_layout lay;
	struct snic_ifc_hdrs h;
	uint8_t *f = b->data;

	/* a failed walk leaves only the headers that were good in lay */
	(void)snic_fw_pkt_walk(f, b->len, &h, &lay);
	switch (field) {
	case SNIC_FIELD_IPV4_SRC:
		set_ipv4_addr(f, &lay, IPV4_OFF_SRC, (uint32_t)v);
		break;
	case SNIC_FIELD_IPV4_DST:
		set_ipv4_addr(f, &lay, IPV4_OFF_DST, (uint32_t)v);
		break;
	case SNIC_FIELD_IP_DSCP:
		set_dscp(f, &lay, (uint8_t)(v & 0x3fu));
		break;
	case SNIC_FIELD_IP_TTL:
		return set_ttl(f, &lay, op, (uint8_t)v);
	case SNIC_FIELD_TP_SRC:
		set_port(f, &lay, 0, (uint16_t)v);
		break;
	case SNIC_FIELD_TP_DST:
		set_port(f, &lay, 2, (uint16_t)v);
		break;
	default:
		break;
	}
	return 0;
}

int snic_fw_pkt_modify(struct snic_fw_buf *b, struct snic_ifc_match *key,
		       const struct snic_ifc_modify_op_desc *op)
{
	uint8_t *f = b->data;

	switch (op->field) {
	case SNIC_FIELD_DMAC:
	case SNIC_FIELD_SMAC:
		if (b->len >= PKT_ETH_HLEN)
			pkt_memcpy(f + (op->field == SNIC_FIELD_DMAC ? 0 : 6),
				   op->value + 2, 6);
		return 0;
	case SNIC_FIELD_VLAN_VID:
		set_tci(f, b->len, 0x0fffu, pkt_rd16(op->value + 6));
		return 0;
	case SNIC_FIELD_VLAN_PCP:
		set_tci(f, b->len, 0xe000u, (uint16_t)(op->value[7] << 13));
		return 0;
	case SNIC_FIELD_REG0:
	case SNIC_FIELD_REG1:
	case SNIC_FIELD_REG2:
	case SNIC_FIELD_REG3:
		/* registers are key fields: network order, like the rest */
		pkt_memcpy(&key->reg[op->field - SNIC_FIELD_REG0],
			   op->value + 4, 4);
		return 0;
	default:
		return modify_l3l4(b, op->op, op->field, op_value(op));
	}
}
