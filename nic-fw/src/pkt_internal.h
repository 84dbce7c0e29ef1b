/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pkt_internal.h - private helpers shared by pkt_parse.c, pkt_actions.c and
 * pkt_csum.c: byte-order loads and stores, protocol numbers, and the one
 * header walker that both the parser and the actions use to find headers.
 */
#ifndef SNIC_FW_PKT_INTERNAL_H
#define SNIC_FW_PKT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snic_fw_pkt.h"

/*
 * -ffreestanding implies -fno-builtin: a plain memcpy() would stay a call.
 * The __builtin_ forms still expand inline for small constant sizes (and
 * fall back to calling memcpy/memset, which the freestanding check allows).
 */
#define pkt_memcpy(d, s, n)  __builtin_memcpy((d), (s), (n))
#define pkt_memset(d, c, n)  __builtin_memset((d), (c), (n))

#define PKT_ETH_HLEN       14u
#define PKT_VLAN_HLEN      4u
#define PKT_IPV4_HLEN      20u
#define PKT_IPV6_HLEN      40u
#define PKT_UDP_HLEN       8u
#define PKT_TCP_HLEN       20u
#define PKT_VXLAN_HLEN     8u
#define PKT_ARP_LEN        28u

#define PKT_ETH_P_IPV4     0x0800u
#define PKT_ETH_P_ARP      0x0806u
#define PKT_ETH_P_8021Q    0x8100u
#define PKT_ETH_P_8021AD   0x88a8u
#define PKT_ETH_P_IPV6     0x86ddu

#define PKT_IPPROTO_ICMP   1u
#define PKT_IPPROTO_TCP    6u
#define PKT_IPPROTO_UDP    17u
#define PKT_IPPROTO_ICMPV6 58u

#define PKT_VXLAN_F_I      0x08u

/* Unaligned big-endian loads and stores (no casted-pointer accesses). */
static inline uint16_t pkt_rd16(const uint8_t *p)
{
	uint16_t v;

	pkt_memcpy(&v, p, 2);
	return snic_ifc_be16(v);
}

static inline uint32_t pkt_rd32(const uint8_t *p)
{
	uint32_t v;

	pkt_memcpy(&v, p, 4);
	return snic_ifc_be32(v);
}

static inline void pkt_wr16(uint8_t *p, uint16_t v)
{
	v = snic_ifc_be16(v);
	pkt_memcpy(p, &v, 2);
}

static inline void pkt_wr32(uint8_t *p, uint32_t v)
{
	v = snic_ifc_be32(v);
	pkt_memcpy(p, &v, 4);
}

static inline bool pkt_is_vlan_tpid(uint16_t et)
{
	return et == PKT_ETH_P_8021Q || et == PKT_ETH_P_8021AD;
}

/* ---- one's-complement arithmetic, inline for the actions' hot paths ---- */

/* Fold a 64-bit one's-complement sum to 16 bits (not inverted). */
static inline uint16_t pkt_fold64(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	return (uint16_t)s;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') */
static inline uint16_t pkt_csum_update16(uint16_t csum, uint16_t old,
					 uint16_t new_)
{
	return (uint16_t)~pkt_fold64((uint16_t)~csum + (uint32_t)(uint16_t)~old +
				     new_);
}

static inline uint16_t pkt_csum_update32(uint16_t csum, uint32_t old,
					 uint32_t new_)
{
	uint64_t s = (uint16_t)~csum;

	s += (uint16_t)~(old >> 16);
	s += (uint16_t)~old;
	s += new_ >> 16;
	s += new_ & 0xffffu;
	return (uint16_t)~pkt_fold64(s);
}

/* The checksum of a 20-byte IPv4 header (its checksum field read as is). */
static inline uint16_t pkt_ipv4_hdr_csum(const uint8_t *ip)
{
	uint64_t s = 0;
	uint32_t w;

	/* native-order 32-bit words; the folded sum is byte-swapped after */
	for (unsigned i = 0; i < 20; i += 4) {
		pkt_memcpy(&w, ip + i, 4);
		s += w;
	}
	return (uint16_t)~snic_ifc_be16(pkt_fold64(s));
}

/*
 * Where the headers of one header stack are, as found by
 * snic_fw_pkt_walk().  Offsets are from the start of the frame; a header's
 * offset is set only once that header has been validated, so after a failed
 * walk the fields describe the headers that were good.
 */
struct snic_fw_pkt_layout {
	uint32_t l3;        /**< IPv4/IPv6 header; 0: none (or ARP) */
	uint32_t l4;        /**< TCP/UDP/ICMP/ICMPv6 header; 0: none */
	uint32_t l4_end;    /**< end of the L4 segment (UDP: by its length) */
	uint16_t l3_type;   /**< PKT_ETH_P_IPV4/_IPV6 when l3 is set, else 0 */
	uint8_t  l4_proto;  /**< protocol of the header at l4 */
	uint8_t  n_tags;    /**< VLAN tags parsed (0..2) */
};

/*
 * Walk one header stack (Ethernet .. L4, no tunnels) of frame[0, len),
 * filling h (which the caller has zeroed when it wants unused fields zero)
 * and lay.  Returns 0 or the snic_ifc_drop reason.
 */
int snic_fw_pkt_walk(const uint8_t *frame, uint32_t len,
		     struct snic_ifc_hdrs *h, struct snic_fw_pkt_layout *lay);

#endif /* SNIC_FW_PKT_INTERNAL_H */
