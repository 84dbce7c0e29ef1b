/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pkt_model.h - the test oracle for modify-header ops: what an op does to a
 * parsed key, written from the ABI's words, independently of nic-fw/src.
 * Shared by test_pkt_actions and fuzz_pkt.
 */
#ifndef PKT_MODEL_H
#define PKT_MODEL_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>

#include "snic_ifc.h"

/* The model: what an op does to a parsed key.  Returns the drop reason. */
static inline int pkt_model_modify(struct snic_ifc_match *k, uint8_t op, uint8_t field,
		 uint64_t v)
{
	struct snic_ifc_hdrs *h = &k->outer;
	uint16_t et = ntohs(h->ethertype);
	bool ip = et == 0x0800 || et == 0x86dd;
	bool l4 = ip && (h->ip_proto == 6 || h->ip_proto == 17) &&
		  !(h->ip_frag & SNIC_IFC_FRAG_LATER);
	uint16_t tci = ntohs(h->vlan_tci[0]);

	switch (field) {
	case SNIC_FIELD_DMAC:
	case SNIC_FIELD_SMAC:
		for (int i = 5; i >= 0; i--, v >>= 8)
			(field == SNIC_FIELD_DMAC ? h->dmac : h->smac)[i] =
				(uint8_t)v;
		break;
	case SNIC_FIELD_VLAN_VID:
		if (tci)
			h->vlan_tci[0] = htons((uint16_t)((tci & 0xf000) | v));
		break;
	case SNIC_FIELD_VLAN_PCP:
		if (tci)
			h->vlan_tci[0] = htons((uint16_t)((tci & 0x1fff) | v << 13));
		break;
	case SNIC_FIELD_IPV4_SRC:
		if (et == 0x0800)
			h->ip_src[0] = htonl((uint32_t)v);
		break;
	case SNIC_FIELD_IPV4_DST:
		if (et == 0x0800)
			h->ip_dst[0] = htonl((uint32_t)v);
		break;
	case SNIC_FIELD_IP_DSCP:
		if (ip)
			h->ip_tos = (uint8_t)(v << 2 | (h->ip_tos & 3));
		break;
	case SNIC_FIELD_IP_TTL:
		if (!ip)
			break;
		if (op == SNIC_MOD_ADD && v == 0xff && h->ip_ttl <= 1)
			return SNIC_DROP_TTL_EXPIRED;
		h->ip_ttl = (uint8_t)(op == SNIC_MOD_ADD ? h->ip_ttl + v : v);
		break;
	case SNIC_FIELD_TP_SRC:
		if (l4)
			h->tp_src = htons((uint16_t)v);
		break;
	case SNIC_FIELD_TP_DST:
		if (l4)
			h->tp_dst = htons((uint16_t)v);
		break;
	default:
		k->reg[field - SNIC_FIELD_REG0] = htonl((uint32_t)v);
		break;
	}
	return 0;
}

#endif /* PKT_MODEL_H */
