/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flow_encap.c - VXLAN encap headers: built from a VXLAN_ENCAP item
 * definition or taken from RAW_ENCAP data, checked against what the
 * firmware accepts (snic_fw_pkt_check_encap()) with a message per field,
 * and normalised: the fields the firmware fills per packet (IPv4 length,
 * id, checksum; UDP length, checksum) are zeroed so that equal tunnels, from
 * either action, share one reformat context.  RAW_DECAP data is checked for
 * the same header stack.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "flow_internal.h"
#include "snic_fw.h"

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static bool zero6(const uint8_t *m)
{
	static const uint8_t z[6];

	return !memcmp(m, z, 6);
}

/*
 * Check ETH/[VLAN]/IPv4/UDP/VXLAN headers in t[0, len) and, for an encap,
 * normalise the fields the firmware fills per packet.  what names them in
 * messages ("RAW_ENCAP data", "VXLAN_ENCAP definition").
 */
int flow_tmpl_check(struct flow_xlate *x, const struct rte_flow_action *a,
		      uint8_t *t, size_t len, bool encap, const char *what)
{
	size_t off = 14;
	uint16_t et;
	uint8_t *ip, *udp, *vx;
	uint32_t syn;

#define TERR(code, ...) XERR(x, code, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a, __VA_ARGS__)
	if (len == 14)
		return TERR(ENOTSUP, "%s: %zu bytes is an L2 header (for L3 tunnels "
			    "such as MPLSoGRE); the NIC encapsulates and "
			    "decapsulates VXLAN only", what, len);
	if (len < 14)
		return TERR(EINVAL, "%s: %zu bytes is shorter than an Ethernet "
			    "header", what, len);
	et = rd16(t + 12);
	if (et == 0x8100 || et == 0x88a8) {
		off = 18;
		if (len < 18)
			return TERR(EINVAL, "%s: truncated VLAN tag", what);
		et = rd16(t + 16);
	}
	if (et == 0x86dd)
		return TERR(ENOTSUP, "%s: VXLAN over IPv6 is not supported: the NIC's "
			    "tunnels are IPv4", what);
	if (et != 0x0800)
		return TERR(EINVAL, "%s: EtherType 0x%04x; expected ETH/[VLAN]/IPV4/"
			    "UDP/VXLAN headers", what, et);
	if (len != off + 36)
		return TERR(len > off + 36 ? ENOTSUP : EINVAL, "%s: %zu bytes; "
			    "ETH/%sIPV4/UDP/VXLAN headers are %zu bytes (the NIC "
			    "takes no IPv4 options and nothing after VXLAN)", what,
			    len, off == 18 ? "VLAN/" : "", off + 36);
	ip = t + off;
	udp = ip + 20;
	vx = udp + 8;
	if ((ip[0] >> 4) != 4)
		return TERR(EINVAL, "%s: IPv4 version is %u", what, ip[0] >> 4);
	if (ip[0] != 0x45)
		return TERR(ENOTSUP, "%s: IPv4 header length %u: the NIC takes no "
			    "IPv4 options", what, (ip[0] & 15) * 4);
	if (ip[9] != 17)
		return TERR(EINVAL, "%s: IPv4 protocol %u is not UDP", what, ip[9]);
	if (rd16(ip + 6) & 0x3fff)
		return TERR(EINVAL, "%s: the IPv4 header is a fragment", what);
	if (!(vx[0] & 0x08))
		return TERR(EINVAL, "%s: VXLAN flags 0x%02x lack the I flag", what, vx[0]);
	if (!encap)
		return 0;
	if (vx[0] != 0x08 || vx[1] || vx[2] || vx[3] || vx[7])
		return TERR(ENOTSUP, "%s: VXLAN header with flags 0x%02x or reserved "
			    "bits set: the NIC sends the I flag only", what, vx[0]);
	if (zero6(t) || zero6(t + 6))
		return TERR(EINVAL, "%s: the outer %s MAC is zero", what,
			    zero6(t) ? "destination" : "source");
	if ((t[0] & 1) || (t[6] & 1))
		return TERR(ENOTSUP, "%s: the outer %s MAC is multicast: the NIC "
			    "encapsulates to unicast VTEPs only", what,
			    (t[0] & 1) ? "destination" : "source");
	if (!rd16(udp + 2))
		return TERR(EINVAL, "%s: UDP destination port 0", what);
	if (rd16(udp))
		return TERR(ENOTSUP, "%s: UDP source port %u: the NIC sets the source "
			    "port from the inner flow's hash (RFC 7348 section 5); "
			    "leave it 0", what, rd16(udp));
	if (!ip[12] && !ip[13] && !ip[14] && !ip[15])
		return TERR(EINVAL, "%s: the outer IPv4 source is 0.0.0.0", what);
	if (!ip[16] && !ip[17] && !ip[18] && !ip[19])
		return TERR(EINVAL, "%s: the outer IPv4 destination is 0.0.0.0", what);
	/* filled per packet by the firmware: zero so equal headers share */
	wr16(ip + 2, 0);
	wr16(ip + 4, 0);
	wr16(ip + 10, 0);
	wr16(udp + 4, 0);
	wr16(udp + 6, 0);
	syn = snic_fw_pkt_check_encap(t, (uint32_t)len);
	if (syn)
		return TERR(ENOTSUP, "%s: the NIC refuses the header: %s", what,
			    snic_fw_syndrome_str(syn));
	return 0;
#undef TERR
}

/* VXLAN_ENCAP: build the header from its item definition. */
int flow_encap_def(struct flow_xlate *x, const struct rte_flow_action *a,
		     const struct rte_flow_item *def)
{
	static const int want[] = { RTE_FLOW_ITEM_TYPE_ETH, RTE_FLOW_ITEM_TYPE_VLAN,
				    RTE_FLOW_ITEM_TYPE_IPV4, RTE_FLOW_ITEM_TYPE_UDP,
				    RTE_FLOW_ITEM_TYPE_VXLAN, RTE_FLOW_ITEM_TYPE_END };
	const char *what = "VXLAN_ENCAP definition";
	uint8_t *t = x->tmpl, *ip;
	unsigned w = 0, n = 0;
	size_t off = 14;

	memset(t, 0, sizeof(x->tmpl));
#define DERR(code, ...) XERR(x, code, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a, __VA_ARGS__)
	for (;; n++) {
		const struct rte_flow_item *it = &def[n];
		const uint8_t *s = it->spec, *m = it->mask;
		uint8_t eff[64];

		if (n > 16)
			return DERR(EINVAL, "%s: no END item within 16 items", what);
		if (it->type == RTE_FLOW_ITEM_TYPE_VOID)
			continue;
		if (want[w] == RTE_FLOW_ITEM_TYPE_VLAN && it->type != RTE_FLOW_ITEM_TYPE_VLAN)
			w++;            /* the tag is optional */
		if (it->type == RTE_FLOW_ITEM_TYPE_IPV6 && want[w] == RTE_FLOW_ITEM_TYPE_IPV4)
			return DERR(ENOTSUP, "%s: an IPv6 outer header (item %u); the "
				    "NIC's tunnels are IPv4", what, n);
		if ((int)it->type != want[w])
			return DERR(EINVAL, "%s: item %u is %s, expected %s (ETH/[VLAN]/"
				    "IPV4/UDP/VXLAN/END)", what, n,
				    flow_item_name(it->type), flow_item_name(want[w]));
		if (it->type == RTE_FLOW_ITEM_TYPE_END)
			break;
		if (s && m) {   /* masked-out fields take their defaults */
			size_t sz = it->type == RTE_FLOW_ITEM_TYPE_ETH ?
				sizeof(struct rte_flow_item_eth) :
				it->type == RTE_FLOW_ITEM_TYPE_VLAN ?
				sizeof(struct rte_flow_item_vlan) :
				it->type == RTE_FLOW_ITEM_TYPE_IPV4 ?
				sizeof(struct rte_flow_item_ipv4) :
				it->type == RTE_FLOW_ITEM_TYPE_UDP ?
				sizeof(struct rte_flow_item_udp) :
				sizeof(struct rte_flow_item_vxlan);
			for (size_t b = 0; b < sz; b++)
				eff[b] = s[b] & m[b];
			s = eff;
		}
		switch (it->type) {
		case RTE_FLOW_ITEM_TYPE_ETH: {
			const struct rte_flow_item_eth *e = (const void *)s;

			if (!e)
				return DERR(EINVAL, "%s: the ETH item has no spec (the "
					    "outer MAC addresses)", what);
			memcpy(t, &e->hdr.dst_addr, 6);
			memcpy(t + 6, &e->hdr.src_addr, 6);
			wr16(t + 12, 0x0800);
			break;
		}
		case RTE_FLOW_ITEM_TYPE_VLAN: {
			const struct rte_flow_item_vlan *v = (const void *)s;

			wr16(t + 12, 0x8100);
			wr16(t + 14, v ? rte_be_to_cpu_16(v->hdr.vlan_tci) : 0);
			wr16(t + 16, 0x0800);
			off = 18;
			break;
		}
		case RTE_FLOW_ITEM_TYPE_IPV4: {
			const struct rte_ipv4_hdr *h = (const void *)s;
			uint16_t fo;

			if (!h)
				return DERR(EINVAL, "%s: the IPV4 item has no spec (the "
					    "tunnel's addresses)", what);
			ip = t + off;
			if (h->version_ihl && h->version_ihl != 0x45)
				return DERR(ENOTSUP, "%s: IPv4 version_ihl 0x%02x: the NIC "
					    "sends IPv4 without options (0x45)", what,
					    h->version_ihl);
			fo = rte_be_to_cpu_16(h->fragment_offset);
			if (fo & ~0x4000u)
				return DERR(ENOTSUP, "%s: IPv4 fragment_offset 0x%04x: only "
					    "the DF flag may be set", what, fo);
			if (h->next_proto_id && h->next_proto_id != 17)
				return DERR(EINVAL, "%s: IPv4 next_proto_id %u is not UDP",
					    what, h->next_proto_id);
			ip[0] = 0x45;
			ip[1] = h->type_of_service;
			wr16(ip + 6, fo);
			ip[8] = h->time_to_live ? h->time_to_live : 64;
			ip[9] = 17;
			memcpy(ip + 12, &h->src_addr, 4);
			memcpy(ip + 16, &h->dst_addr, 4);
			break;
		}
		case RTE_FLOW_ITEM_TYPE_UDP: {
			const struct rte_udp_hdr *u = (const void *)s;
			uint8_t *udp = t + off + 20;

			wr16(udp, u ? rte_be_to_cpu_16(u->src_port) : 0);
			wr16(udp + 2, u && u->dst_port ? rte_be_to_cpu_16(u->dst_port) : 4789);
			break;
		}
		case RTE_FLOW_ITEM_TYPE_VXLAN: {
			const struct rte_flow_item_vxlan *v = (const void *)s;
			uint8_t *vx = t + off + 28;

			vx[0] = 0x08;
			if (v) {
				if (v->rsvd0[0] || v->rsvd0[1] || v->rsvd0[2] || v->rsvd1)
					return DERR(EINVAL, "%s: VXLAN reserved bits set",
						    what);
				if (v->flags && v->flags != 0x08)
					return DERR(ENOTSUP, "%s: VXLAN flags 0x%02x: the "
						    "NIC sends the I flag (0x08) only",
						    what, v->flags);
				memcpy(vx + 4, v->vni, 3);
			}
			break;
		}
		default:
			break;
		}
		w++;
	}
#undef DERR
	x->tmpl_len = (uint32_t)off + 36;
	return flow_tmpl_check(x, a, t, x->tmpl_len, true, what);
}

