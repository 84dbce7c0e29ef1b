/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_fw_pkt.h - the one definition of snic's packet semantics.
 *
 * Parsing a frame into a flow key (struct snic_ifc_match) and every header
 * rewrite an action can do -- VXLAN encap and decap, VLAN push and pop, set
 * field with checksum fix-up, TTL decrement -- live here, once.  The firmware
 * pipeline (nic-fw) and the host's software datapath (offload-mgr) both call
 * these functions, so hardware and software cannot disagree on what a packet
 * is or what an action does to it.
 *
 * Freestanding: pure functions over caller-owned memory; no allocation, no
 * global state, no OS calls.  Safe to call from any number of threads on
 * distinct buffers.
 *
 * Error convention: every function that can fail returns 0 on success or an
 * enum snic_ifc_drop reason (> 0) saying why the packet must be dropped.
 * On failure the buffer and key may have been partly examined but a function
 * that modifies the buffer only does so after all of its checks passed.
 */
#ifndef SNIC_FW_PKT_H
#define SNIC_FW_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snic_ifc.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Parser configuration. */
struct snic_fw_pkt_cfg {
	uint16_t vxlan_port;    /**< UDP destination port of VXLAN, host order */
};

/**
 * A frame in a buffer with room around it.  Actions move `data` and change
 * `len`; [data - headroom, data + len + tailroom) is writable memory.
 */
struct snic_fw_buf {
	uint8_t  *data;
	uint32_t  len;
	uint32_t  headroom;
	uint32_t  tailroom;
};

/**
 * Parse a frame into key.
 *
 * Writes key->tun_type, outer, vni, vxlan_flags and inner (all unused fields
 * zero); leaves src_vport, tun_id, tun_src, tun_dst and reg untouched, so the
 * pipeline can re-parse after an action without losing metadata.
 *
 * Understands Ethernet, up to two 802.1Q/802.1ad tags (a third is left
 * unparsed: ethertype reads 0x8100), IPv4 (options skipped; fragments flagged
 * and, if not first, no L4), IPv6 (hop-by-hop, routing, fragment, destination
 * options and AH extension headers skipped, at most 8), ARP (Ethernet/IPv4),
 * TCP, UDP, ICMP, ICMPv6, and VXLAN on UDP to cfg->vxlan_port with the inner
 * frame parsed into key->inner (not further tunnels; an IP fragment is never
 * taken for a tunnel, since its inner frame is incomplete).
 *
 * @return 0, or the reason the frame is malformed (SNIC_DROP_RUNT ...
 *         SNIC_DROP_BAD_VXLAN).
 */
int snic_fw_pkt_parse(const uint8_t *frame, uint32_t len,
		      const struct snic_fw_pkt_cfg *cfg,
		      struct snic_ifc_match *key);

/**
 * Strip the outer Ethernet/[VLAN/]IPv4/UDP/VXLAN headers of a frame that
 * snic_fw_pkt_parse() found to be VXLAN over IPv4, keeping the tunnel in the
 * key's metadata: tun_id = VNI, tun_src/tun_dst = outer IPv4 addresses.  The
 * caller re-parses the buffer afterwards.
 *
 * @return 0, or SNIC_DROP_DECAP_NOT_TUNNEL (not VXLAN, or VXLAN over IPv6).
 */
int snic_fw_pkt_decap(struct snic_fw_buf *b, struct snic_ifc_match *key);

/**
 * Prepend a VXLAN encap template (validated by snic_fw_pkt_check_encap())
 * and fill it in: IPv4 total length, identification (0, DF as in the
 * template), header checksum; UDP length, source port = 49152 + (inner flow
 * hash mod 16384) (RFC 7348 §5), UDP checksum 0.
 *
 * @param key  the key of the frame being encapsulated (its `outer` headers
 *             are the inner flow that picks the UDP source port)
 * @return 0, or SNIC_DROP_NO_HEADROOM.
 */
int snic_fw_pkt_encap(struct snic_fw_buf *b, const uint8_t *tmpl,
		      uint32_t tmpl_len, const struct snic_ifc_match *key);

/**
 * Check that tmpl is a usable VXLAN encap template.
 * @return 0 or the snic_ifc_syndrome saying what is wrong with it
 *         (SNIC_SYN_REFORMAT_LEN ... SNIC_SYN_REFORMAT_MAC).
 */
uint32_t snic_fw_pkt_check_encap(const uint8_t *tmpl, uint32_t tmpl_len);

/**
 * Push a VLAN tag in front of the existing tags (outermost).
 * @return 0, or SNIC_DROP_NO_HEADROOM.
 */
int snic_fw_pkt_push_vlan(struct snic_fw_buf *b, uint16_t tpid, uint16_t tci);

/**
 * Pop the outermost VLAN tag.  A frame without a tag is left alone.
 * @return 0.
 */
int snic_fw_pkt_pop_vlan(struct snic_fw_buf *b);

/**
 * Apply one modify-header op (validated by snic_fw_pkt_check_modify()) to
 * the frame described by key (as parsed from b), fixing the IPv4 header
 * checksum and the TCP/UDP checksum (a zero UDP checksum stays zero) when an
 * address, port, DSCP or TTL changes.  Register fields write key->reg.  Ops
 * on a header the frame lacks (VLAN on untagged, IPv4 field on IPv6, L4 port
 * on a non-TCP/UDP or non-first fragment) do nothing.  The caller re-parses
 * after a list of ops if it needs the key's header fields to follow.
 *
 * @return 0, or SNIC_DROP_TTL_EXPIRED (TTL decrement of a TTL 0 or 1 packet).
 */
int snic_fw_pkt_modify(struct snic_fw_buf *b, struct snic_ifc_match *key,
		       const struct snic_ifc_modify_op_desc *op);

/**
 * Check one modify-header op.
 * @return 0 or SNIC_SYN_MODIFY_OP / _FIELD / _VALUE.
 */
uint32_t snic_fw_pkt_check_modify(const struct snic_ifc_modify_op_desc *op);

/* ---- checksums and hashing (shared with the steering code) ---- */

/** One's-complement sum of len bytes folded into 16 bits (not inverted),
 *  added to sum; data read as big-endian 16-bit words. */
uint32_t snic_fw_csum_partial(const void *data, uint32_t len, uint32_t sum);
/** Fold and invert: the value to store in a checksum field (host order). */
uint16_t snic_fw_csum_fold(uint32_t sum);
/** RFC 1624 incremental update of checksum field value `csum` (host order)
 *  when a 16-bit word changes from old to new (host order). */
uint16_t snic_fw_csum_update16(uint16_t csum, uint16_t old, uint16_t new_);
/** Same for a 32-bit value (two words). */
uint16_t snic_fw_csum_update32(uint16_t csum, uint32_t old, uint32_t new_);

/** 64-bit hash of n 64-bit words, with seed. */
uint64_t snic_fw_hash_words(const uint64_t *w, unsigned n, uint64_t seed);
/** Hash of a key's 5-tuple (outer headers): used for the encap source port. */
uint32_t snic_fw_hash_flow(const struct snic_ifc_match *key);

#ifdef __cplusplus
}
#endif
#endif /* SNIC_FW_PKT_H */
