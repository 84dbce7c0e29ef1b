/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * swdp_key.c - the OpenFlow view of a packet and of a rule's match, in one
 * layout (struct swdp_key), and the rules this datapath refuses.
 *
 * A packet's view comes from the packet library's parse (struct
 * snic_ifc_hdrs, network order) and follows Open vSwitch's flow extraction
 * (lib/flow.c): fields a packet does not have stay 0, so a rule's value
 * (whose prerequisites snic_ofrule guarantees) compares against the same
 * zeros OVS would.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "swdp_internal.h"

#define ETH_P_IPV4   0x0800u
#define ETH_P_ARP    0x0806u
#define ETH_P_RARP   0x8035u
#define ETH_P_IPV6   0x86ddu
#define ETH_P_NONE   0x05ffu    /* OVS: an 802.2 frame has no EtherType */
#define IPPROTO_SCTP_ 132u

static uint16_t be16(uint16_t v)
{
	return snic_ifc_be16(v);
}

static uint32_t be32(uint32_t v)
{
	return snic_ifc_be32(v);
}

void swdp_key_from_hdrs(const struct snic_ifc_hdrs *h, uint32_t in_port,
			union swdp_keyw *kw)
{
	struct swdp_key *k = &kw->k;
	uint16_t et = be16(h->ethertype);

	memset(kw, 0, sizeof(*kw));
	k->in_port = in_port;
	memcpy(k->dl_dst, h->dmac, 6);
	memcpy(k->dl_src, h->smac, 6);
	k->vlan_tci = be16(h->vlan_tci[0]);
	k->vlan_inner = be16(h->vlan_tci[1]);
	k->dl_type = et < 0x600u ? ETH_P_NONE : et;
	switch (et) {
	case ETH_P_IPV4:
		k->nw_src = be32(h->ip_src[0]);
		k->nw_dst = be32(h->ip_dst[0]);
		break;
	case ETH_P_IPV6:
		memcpy(k->ipv6_src, h->ip_src, 16);
		memcpy(k->ipv6_dst, h->ip_dst, 16);
		break;
	case ETH_P_ARP:
		k->nw_src = be32(h->ip_src[0]);
		k->nw_dst = be32(h->ip_dst[0]);
		k->nw_proto = h->ip_proto;
		return;
	default:
		return;
	}
	k->nw_proto = h->ip_proto;
	k->nw_tos = h->ip_tos;
	k->nw_ttl = h->ip_ttl;
	k->nw_frag = h->ip_frag;
	k->tp_src = be16(h->tp_src);
	k->tp_dst = be16(h->tp_dst);
}

/* The fields of struct snic_of_match that have a namesake in struct
 * swdp_key: integers, and byte arrays. */
#define MATCH_INTS(X) X(tun_id) X(tun_src) X(tun_dst) X(metadata) X(in_port) \
	X(vlan_tci) X(dl_type) X(nw_src) X(nw_dst) X(nw_proto) X(nw_tos) \
	X(nw_ttl) X(tp_src) X(tp_dst)
#define MATCH_ARRAYS(X) X(dl_src) X(dl_dst) X(ipv6_src) X(ipv6_dst)

void swdp_key_from_match(const struct snic_of_match *m, union swdp_keyw *vw,
			 union swdp_keyw *mw)
{
	struct swdp_key *v = &vw->k, *k = &mw->k;

	memset(vw, 0, sizeof(*vw));
	memset(mw, 0, sizeof(*mw));
#define INT(f) v->f = m->f; k->f = m->f##_mask;
#define ARRAY(f) memcpy(v->f, m->f, sizeof(v->f)); memcpy(k->f, m->f##_mask, sizeof(k->f));
	MATCH_INTS(INT)
	MATCH_ARRAYS(ARRAY)
#undef INT
#undef ARRAY
	/* snic_ofrule keeps value bits inside the mask; make sure */
	for (unsigned i = 0; i < SWDP_KEY_WORDS; i++)
		vw->w[i] &= mw->w[i];
}

void swdp_mask_init(struct swdp_mask *m, const union swdp_keyw *bits)
{
	m->m = *bits;
	m->n_words = 0;
	for (unsigned i = 0; i < SWDP_KEY_WORDS; i++)
		if (bits->w[i])
			m->words[m->n_words++] = (uint8_t)i;
}

static int refuse(char *why, size_t len, const char *msg)
{
	if (why && len)
		snprintf(why, len, "%s", msg);
	return -ENOTSUP;
}

/*
 * What the packet library cannot do exactly as Open vSwitch: it does not
 * parse SCTP (ports would read 0) or RARP (addresses would read 0), and
 * does not rewrite SCTP ports (nor the SCTP CRC).  A VLAN id set without
 * the tag-present bit removes the tag in OVS's flow but not in a way a
 * packet can follow (and the hardware translation refuses it too).
 */
int swdp_rule_check(const struct snic_of_rule *r, char *why, size_t len)
{
	const struct snic_of_match *m = &r->match;
	bool sctp = m->nw_proto_mask && m->nw_proto == IPPROTO_SCTP_ &&
		    (m->dl_type == ETH_P_IPV4 || m->dl_type == ETH_P_IPV6);

	if (sctp && (m->tp_src_mask || m->tp_dst_mask))
		return refuse(why, len, "matching SCTP ports is not supported by "
			      "the software datapath (the packet library does not "
			      "parse SCTP)");
	if (m->dl_type_mask && m->dl_type == ETH_P_RARP &&
	    (m->nw_src_mask || m->nw_dst_mask || m->nw_proto_mask))
		return refuse(why, len, "matching RARP addresses or opcode is not "
			      "supported by the software datapath (the packet "
			      "library parses ARP, not RARP)");
	for (unsigned i = 0; i < r->n_actions; i++) {
		const struct snic_of_action *a = &r->actions[i];

		if (a->type == SNIC_OF_ACT_SET_FIELD &&
		    (a->u.set_field.field == SNIC_OF_F_SCTP_SRC ||
		     a->u.set_field.field == SNIC_OF_F_SCTP_DST))
			return refuse(why, len, "set_field to an SCTP port is not "
				      "supported by the software datapath (the "
				      "packet library does not rewrite SCTP)");
		if (sctp && (a->type == SNIC_OF_ACT_MOD_TP_SRC ||
			     a->type == SNIC_OF_ACT_MOD_TP_DST))
			return refuse(why, len, "mod_tp_src/mod_tp_dst on SCTP is "
				      "not supported by the software datapath (the "
				      "packet library does not rewrite SCTP)");
		if (a->type == SNIC_OF_ACT_SET_FIELD &&
		    a->u.set_field.field == SNIC_OF_F_VLAN_VID &&
		    (a->u.set_field.mask & SWDP_CFI) &&
		    !(a->u.set_field.value & SWDP_CFI))
			return refuse(why, len, "set_field to vlan_vid without the "
				      "tag-present bit (0x1000) is not supported: "
				      "use strip_vlan to remove a tag");
		if (a->type == SNIC_OF_ACT_OUTPUT && a->u.port >= SNIC_OF_PORT_MAX &&
		    a->u.port != SNIC_OF_PORT_IN_PORT && a->u.port != SNIC_OF_PORT_LOCAL)
			return refuse(why, len, "output to this reserved port is not "
				      "supported by the software datapath");
	}
	return 0;
}
