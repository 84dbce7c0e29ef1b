/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_mgr_swdp.h - the software datapath of snic-offloadd
 * (offload-mgr/swdp/): OpenFlow rules (snic_ofrule.h) applied to raw
 * Ethernet frames, for whatever the NIC does not finish itself (table
 * misses, rules the hardware cannot do, trapped packets).  A library: no
 * DPDK (it uses snic_mgr_xlate.h's port and environment types only), no
 * threads, no I/O; the caller receives frames and transmits the outputs.
 *
 * Semantics are OpenFlow 1.3 as Open vSwitch implements them
 * (ovs-actions(7), ovs-fields(7)), and every parse and header rewrite is the
 * firmware's packet library (snic_fw_pkt.h: parse, decap, encap, VLAN push
 * and pop, modify-header ops): the NIC and this datapath cannot disagree on
 * what a packet is or what an action does to its bytes.
 *
 *   Ingress.  process() takes a frame and the OpenFlow port it entered on.
 *     A frame from the uplink that is VXLAN (IPv4/UDP to a tunnel port's
 *     dst_port, to its local_ip (any address with local_ip=flow), from its
 *     remote_ip unless remote_ip=flow, VNI = its key unless key=flow) is
 *     decapsulated and enters on that tunnel port with tun_id = VNI and
 *     tun_src/tun_dst = the outer IPv4 source/destination; ports are tried
 *     in Open vSwitch's order (a fixed key before key=flow, then a fixed
 *     remote before remote_ip=flow, then a fixed local_ip before flow).
 *     VXLAN to a local VTEP address and port that no tunnel port accepts is
 *     dropped (SNIC_MGR_SWDP_DROP_NO_TUNNEL), as is a malformed one
 *     (SNIC_DROP_BAD_VXLAN, or the inner frame's reason); any other frame
 *     from the uplink enters on the uplink.  A malformed frame is dropped
 *     with the packet library's reason (SNIC_DROP_RUNT ... SNIC_DROP_BAD_UDP)
 *     -- but UDP that merely looks like VXLAN and is not addressed to a
 *     local VTEP is plain UDP, whatever its payload.  Frames cannot enter
 *     on a tunnel port directly (SNIC_DROP_BAD_VPORT, as for unknown ports).
 *   Pipeline.  Table 0 first; the matching rule of highest priority wins,
 *     ties going to the lowest rule id; its actions run in order; goto_table
 *     continues in a later table with the packet and metadata as they are.
 *     A table miss drops (SNIC_DROP_TABLE_MISS) or, with the REPORT miss
 *     policy, hands the packet to the caller (SNIC_MGR_SWDP_R_MISS).  A
 *     pipeline that ends without any output drops (SNIC_DROP_RULE).
 *   Outputs.  Each output sends the packet as it is at that point.  Output
 *     to the port the packet entered on is skipped, except output:in_port.
 *     Output to a tunnel port encapsulates (snic_fw_pkt_encap: outer source
 *     MAC the uplink's, destination MAC the next hop's from env->neigh, IPv4
 *     source local_ip, destination remote_ip, UDP destination dst_port,
 *     source port 49152-65535 from the inner flow, VNI = key, DF, TTL 64)
 *     and goes out of the uplink.  A port option "flow" takes the packet's
 *     tunnel metadata instead (tun_src, tun_dst, the low 24 bits of tun_id):
 *     what it was received with, as set_tunnel and set_field left it; a
 *     fixed option always wins (OVS's tnl_port_send).  No remote or local
 *     address: that output drops (SNIC_MGR_SWDP_DROP_TUNNEL_ADDR); next hop
 *     unreachable: SNIC_MGR_SWDP_DROP_NO_ROUTE; next hop being resolved
 *     (neigh returns -EAGAIN): the output is not made and the result says so
 *     (SNIC_MGR_SWDP_R_WAIT_NEIGH, neigh_ip).  `controller` hands the packet
 *     to the caller (SNIC_MGR_SWDP_R_CONTROLLER).
 *   Rewrites are OVS's: mod_vlan_vid/mod_vlan_pcp push a 0x8100 tag on an
 *     untagged packet; push_vlan pushes VID 0 PCP 0; strip_vlan pops the
 *     outer tag; mod_nw_src/dst act on IPv4 only, mod_nw_tos/ttl and dec_ttl
 *     on IPv4 and IPv6, mod_tp_* on the bytes of TCP and UDP (and, as in
 *     OVS, on the key of any IP packet but a non-first fragment); set_field
 *     writes the field where the packet has it (its prerequisites);
 *     dec_ttl of a TTL 0 or 1 packet stops the actions and drops
 *     (SNIC_DROP_TTL_EXPIRED; outputs before it stay made); write_metadata,
 *     set_tunnel and set_field to tun_id/tun_src/tun_dst/metadata write the
 *     packet's metadata, seen by later tables and by tunnel outputs.
 *   Refused rules (add_rule -ENOTSUP, with the reason): what the packet
 *     library cannot parse or rewrite as OVS would (SCTP ports, matched or
 *     set; RARP addresses and opcode), set_field to vlan_vid without the
 *     tag-present bit, output to reserved ports but IN_PORT and LOCAL.
 *   Known differences from Open vSwitch, all the packet library's (so the
 *     NIC does the same): malformed frames drop (OVS forwards them with the
 *     unparsed fields 0); the outer header of an encapsulation does not
 *     inherit the inner ECN bits; a rewritten VLAN tag keeps its DEI bit;
 *     an ARP opcode above 255 matches by its low byte (OVS: 0); 802.2 SNAP
 *     frames are not looked into (dl_type 0x05ff); L3 behind a third VLAN
 *     tag is not parsed.  And local_ip=flow accepts VXLAN to any address
 *     (the datapath does not know the host's addresses).
 *
 * The OpenFlow view of a packet (the fields rules match) is built once per
 * packet from the struct snic_ifc_match that snic_fw_pkt_parse() fills
 * (`h` = its outer headers; for a tunnel packet, the decapsulated frame's):
 *   in_port   the port it entered on (the tunnel port after decap)
 *   tun_id, tun_src, tun_dst   VNI and outer IPv4 source/destination of the
 *             tunnel it came through, else 0
 *   metadata  0
 *   dl_src, dl_dst   h.smac, h.dmac
 *   vlan_tci  h.vlan_tci[0]: the outer tag's TCI with 0x1000 = "a tag is
 *             present" (its DEI bit is not kept), 0 when untagged
 *   dl_type   h.ethertype: after up to two tags (as OVS with vlan-limit 2);
 *             a length below 0x600 reads 0x05ff (OVS: no EtherType)
 *   nw_src, nw_dst   IPv4: h.ip_src[0], h.ip_dst[0]; ARP: SPA, TPA
 *   ipv6_src, ipv6_dst   IPv6: h.ip_src, h.ip_dst
 *   nw_proto  IPv4/IPv6: h.ip_proto (after IPv6 extension headers); ARP: the
 *             opcode's low byte
 *   nw_tos, nw_ttl   IPv4/IPv6: h.ip_tos (DSCP and ECN), h.ip_ttl
 *   tp_src, tp_dst   TCP/UDP ports, ICMP/ICMPv6 type and code; 0 in a
 *             non-first fragment and for other protocols
 * Fields a packet does not have are 0.  Internally the key also holds the
 * inner VLAN tag and the fragment bits (what actions depend on).
 *
 * Caching, in the spirit of Open vSwitch.  Rules live in a tuple-space
 * classifier per table (one hash table per distinct mask, probed in order of
 * their highest priority, stopping when no later one can win), with prefix
 * tries on nw_src, nw_dst, tp_src and tp_dst: a subtable whose prefix
 * length on such a field no rule has on the packet's path is not probed
 * (and only the top bits of the field that decided so, in whole bytes,
 * enter the megaflow's mask, rather than the subtable's whole mask).  The
 * tries cost a walk per field (a few nodes) and O(32) per rule insert or
 * remove.  Translating
 * a packet through all tables yields one program (the rewrites, outputs and
 * drops of the whole pipeline) and the bits of the packet's key that
 * translation looked at (the masks of the subtables probed, and the fields
 * actions depended on: is it tagged, IPv4, TTL above 1, ...); the megaflow
 * cache keeps the program under that wildcarded key, and a 2-way
 * exact-match cache (EMC) in front maps whole keys to megaflows.  Both
 * belong to one generation, which add_rule(), del_rule(), set_miss() and
 * env_changed() end (and a full cache): a program of an older generation is
 * never used.  Translations that met an unresolved or unreachable next hop
 * are not cached.  What the environment's callbacks return is cached: call
 * env_changed() when a port, a tunnel port, the uplink MAC or a neighbor
 * entry changes.
 *
 * Memory.  Everything is allocated by create() (about 15 MiB with the
 * default sizes: megaflows and their programs 10, arena 4, EMC 1) and
 * add_rule(); processing never allocates.  Output frames live in an arena
 * owned by the datapath, valid until the next process() or process_burst()
 * call.
 *
 * Thread safety: none.  One thread owns a datapath and makes every call on
 * it; the environment's callbacks are called from that thread, during
 * create(), env_changed(), process() and process_burst().
 *
 * Errors: functions return 0 or a negative errno; bad arguments change
 * nothing.
 */
#ifndef SNIC_MGR_SWDP_H
#define SNIC_MGR_SWDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snic_ifc.h"
#include "snic_ofrule.h"

#ifdef __cplusplus
extern "C" {
#endif

struct snic_mgr_xlate_env;      /* snic_mgr_xlate.h */
struct snic_mgr_swdp;

/** Outputs one packet can have (more are dropped: DROP_OUT_LIMIT). */
#define SNIC_MGR_SWDP_MAX_OUT    32u
/** Rule ids a result lists (a longer pipeline counts them all). */
#define SNIC_MGR_SWDP_MAX_HITS   32u
/** Largest frame processed (the firmware's frame buffer). */
#define SNIC_MGR_SWDP_MAX_FRAME  9216u
/** Longest reason add_rule() writes (bytes, with the NUL). */
#define SNIC_MGR_SWDP_REASON_MAX 256u

/**
 * Drop reasons: enum snic_ifc_drop (the packet library's and the
 * firmware's: malformed frames, SNIC_DROP_RULE for a pipeline without
 * outputs, SNIC_DROP_TABLE_MISS, SNIC_DROP_TTL_EXPIRED, SNIC_DROP_TOO_BIG,
 * SNIC_DROP_NO_HEADROOM, SNIC_DROP_BAD_VPORT for an unknown ingress port),
 * then the software datapath's own.
 */
enum snic_mgr_swdp_drop {
	/** VXLAN to a local VTEP that no tunnel port accepts */
	SNIC_MGR_SWDP_DROP_NO_TUNNEL = SNIC_DROP_MAX_,
	/** output to a port the environment does not know */
	SNIC_MGR_SWDP_DROP_NO_PORT,
	/** tunnel output without a remote (tun_dst) or local (tun_src) IP */
	SNIC_MGR_SWDP_DROP_TUNNEL_ADDR,
	/** neigh: the tunnel's next hop is unreachable */
	SNIC_MGR_SWDP_DROP_NO_ROUTE,
	/** the encap header would be invalid (zero or multicast MAC) */
	SNIC_MGR_SWDP_DROP_BAD_ENCAP,
	/** more than SNIC_MGR_SWDP_MAX_OUT outputs, or the arena is full */
	SNIC_MGR_SWDP_DROP_OUT_LIMIT,
	SNIC_MGR_SWDP_DROP_MAX_
};

/** What a table miss does. */
enum snic_mgr_swdp_miss {
	SNIC_MGR_SWDP_MISS_DROP = 0,   /**< drop, SNIC_DROP_TABLE_MISS */
	SNIC_MGR_SWDP_MISS_REPORT = 1, /**< hand the packet to the caller */
};

/** How to make a datapath (create() copies what it needs). */
struct snic_mgr_swdp_config {
	/** Ports, tunnel ports, next hops, the uplink (the same environment
	 *  the hardware translation uses; copied).  Used: port, neigh,
	 *  tunnels, arg, uplink_port (the DPDK port tunnel outputs leave on)
	 *  and uplink_mac. */
	const struct snic_mgr_xlate_env *env;
	enum snic_mgr_swdp_miss miss;  /**< table-miss policy */
	bool no_emc;                   /**< no exact-match cache */
	bool no_megaflow;              /**< no caches at all: translate every
					    packet (a reference, and for
					    benchmarks) */
	uint32_t emc_entries;          /**< power of two; 0: 8192 */
	uint32_t megaflows;            /**< megaflows of one generation, power
					    of two; 0: 16384 (when full, the
					    cache starts over) */
	uint32_t arena_bytes;          /**< frames of one call (each packet's
					    working copy and its outputs but the
					    last); 0: 4 MiB.  When it runs out,
					    outputs drop (DROP_OUT_LIMIT) */
};

/** Result flags. */
#define SNIC_MGR_SWDP_R_DROPPED    0x01u /**< something was dropped: the
					      whole packet when n_out is 0,
					      else an output or the rest of
					      the actions; drop_reason says
					      why (the first) */
#define SNIC_MGR_SWDP_R_CONTROLLER 0x02u /**< a controller action ran: out[]
					      holds the packet-in */
#define SNIC_MGR_SWDP_R_MISS       0x04u /**< a table missed (REPORT policy):
					      out[] holds the packet */
#define SNIC_MGR_SWDP_R_WAIT_NEIGH 0x08u /**< a tunnel output waits for the
					      next hop's MAC (neigh_ip) */
#define SNIC_MGR_SWDP_R_TUNNEL_RX  0x10u /**< entered through a tunnel port
					      (decapsulated) */

/** One frame to transmit or hand over. */
struct snic_mgr_swdp_out {
	const uint8_t *frame;   /**< in the datapath's arena */
	uint32_t len;           /**< bytes at frame */
	uint32_t ofport;        /**< the OpenFlow port output to (a tunnel
				     port for an encapsulated frame);
				     SNIC_OF_PORT_CONTROLLER for packets
				     handed to the caller (controller, miss) */
	uint16_t dpdk_port;     /**< where to transmit: the port's DPDK port,
				     the uplink's for tunnel ports; 0xffff for
				     SNIC_OF_PORT_CONTROLLER */
	uint8_t  reason;        /**< CONTROLLER: enum snic_of_reason (NO_MATCH
				     for a miss) */
	uint8_t  table;         /**< CONTROLLER: the table of the rule or miss */
	uint16_t controller_id; /**< CONTROLLER: the action's controller id */
	uint32_t total_len;     /**< CONTROLLER: length before the action's
				     max_len cut; else len */
};

/** What happened to one packet. */
struct snic_mgr_swdp_result {
	uint32_t flags;         /**< SNIC_MGR_SWDP_R_* */
	uint32_t drop_reason;   /**< with R_DROPPED: enum snic_mgr_swdp_drop */
	uint32_t in_ofport;     /**< the port the pipeline saw (tunnel port
				     after decap) */
	uint32_t neigh_ip;      /**< with R_WAIT_NEIGH: the next hop being
				     resolved (host order; the first one) */
	uint8_t  miss_table;    /**< with R_MISS: the table that missed */
	unsigned n_out;         /**< entries of out[] */
	struct snic_mgr_swdp_out out[SNIC_MGR_SWDP_MAX_OUT];
	unsigned n_hits;        /**< rules hit, in pipeline order */
	uint32_t hits[SNIC_MGR_SWDP_MAX_HITS]; /**< their ids (the first
				     SNIC_MGR_SWDP_MAX_HITS) */
};

/** A frame for process_burst(). */
struct snic_mgr_swdp_pkt {
	uint32_t in_ofport;     /**< the OpenFlow port it entered on */
	uint32_t len;           /**< bytes at frame */
	const uint8_t *frame;   /**< the caller's; read during the call only
				     (NULL: an empty frame, dropped as a runt) */
};

/** A rule's software counters. */
struct snic_mgr_swdp_rule_stats {
	uint64_t packets;       /**< packets that hit it */
	uint64_t bytes;         /**< the frame as it entered the pipeline
				     (after a tunnel's decap), for every rule
				     it hit, as OVS counts */
};

/** Datapath totals since create(). */
struct snic_mgr_swdp_stats {
	uint64_t packets;       /**< frames processed */
	uint64_t emc_hits;      /**< found in the exact-match cache */
	uint64_t megaflow_hits; /**< found in the megaflow cache */
	uint64_t upcalls;       /**< translated (cache misses) */
	uint64_t megaflows;     /**< megaflows in the current generation */
	uint64_t flushes;       /**< generations ended by a full cache */
	uint64_t generation;    /**< the current generation */
	uint64_t controller;    /**< packets handed over by controller actions */
	uint64_t misses;        /**< table misses (either policy) */
	uint64_t wait_neigh;    /**< tunnel outputs held for a next hop */
	uint64_t tunnel_rx;     /**< frames decapsulated */
	uint64_t drops[SNIC_MGR_SWDP_DROP_MAX_]; /**< by reason */
};

/** Create a datapath with no rules.
 *  @return 0, -EINVAL (cfg, env or its callbacks missing; sizes not powers
 *          of two), -ENOMEM. */
int snic_mgr_swdp_create(const struct snic_mgr_swdp_config *cfg,
			 struct snic_mgr_swdp **out);
void snic_mgr_swdp_destroy(struct snic_mgr_swdp *dp);

/**
 * Add rule (ADD mode, as parsed by snic_of_rule_parse) under the caller's
 * id.  Its counters start at 0.
 * @param why  filled with the reason on failure (may be NULL)
 * @return 0; -EEXIST (id in use); -EINVAL (not an ADD rule, bad table,
 *         goto_table not to a later table); -ENOTSUP (see "Refused rules");
 *         -ENOMEM.
 */
int snic_mgr_swdp_add_rule(struct snic_mgr_swdp *dp, uint32_t id,
			   const struct snic_of_rule *rule, char *why,
			   size_t why_len);
/** Remove a rule.  @return 0 or -ENOENT. */
int snic_mgr_swdp_del_rule(struct snic_mgr_swdp *dp, uint32_t id);
/** Rules installed. */
size_t snic_mgr_swdp_n_rules(const struct snic_mgr_swdp *dp);

/** The environment changed (ports, tunnel ports, uplink MAC, neighbors):
 *  re-read the tunnel ports and start a new cache generation. */
void snic_mgr_swdp_env_changed(struct snic_mgr_swdp *dp);
/** Change the table-miss policy. */
void snic_mgr_swdp_set_miss(struct snic_mgr_swdp *dp, enum snic_mgr_swdp_miss miss);

/**
 * Process one frame that entered on in_ofport.  res says what happened;
 * its frames are valid until the next process()/process_burst() call.
 * @return 0 (the packet's fate is in res, drops included), or -EINVAL
 *         (NULL arguments).
 */
int snic_mgr_swdp_process(struct snic_mgr_swdp *dp, uint32_t in_ofport,
			  const uint8_t *frame, uint32_t len,
			  struct snic_mgr_swdp_result *res);

/**
 * Process n frames (results in res[0..n)), faster than one at a time.
 * Every result's frames are valid until the next call.
 * @return n, or -EINVAL.
 */
int snic_mgr_swdp_process_burst(struct snic_mgr_swdp *dp,
				const struct snic_mgr_swdp_pkt *pkts, unsigned n,
				struct snic_mgr_swdp_result *res);

/** A rule's counters; reset: zero them after reading.
 *  @return 0 or -ENOENT. */
int snic_mgr_swdp_rule_stats(struct snic_mgr_swdp *dp, uint32_t id,
			     struct snic_mgr_swdp_rule_stats *st, bool reset);
/** Datapath totals. */
void snic_mgr_swdp_stats(const struct snic_mgr_swdp *dp,
			 struct snic_mgr_swdp_stats *st);
/** "NO_TUNNEL", "TTL_EXPIRED", ...: the name of a drop reason. */
const char *snic_mgr_swdp_drop_name(uint32_t reason);

#ifdef __cplusplus
}
#endif
#endif /* SNIC_MGR_SWDP_H */
