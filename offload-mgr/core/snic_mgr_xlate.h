/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_mgr_xlate.h - one OpenFlow rule (snic_ofrule.h) as one rte_flow
 * transfer rule, or the reason it cannot be one: the translation half of
 * snic-offloadd's offload planner (offload-mgr/core/).
 *
 * The hardware layout.  OpenFlow table t is rte_flow group t + 1; group 0,
 * the root where packets enter, is the manager's own:
 *
 *   group 0   tunnel receive: each rule of OF table 0 with in_port=<tunnel
 *             port> (outer headers + VXLAN + inner headers -> VXLAN_DECAP,
 *             its actions), ordered by OF priority; below them one guard per
 *             tunnel port (its outer headers -> JUMP trap group), so a tunnel
 *             packet no hardware rule takes goes to software; below that a
 *             catch-all JUMP group 1.  With tunnel ports, the wire's ARP
 *             also goes to software there (the manager's VTEP ARP).  Tunnel packets therefore never reach
 *             the groups of OF tables, and those groups only ever see packets
 *             whose OpenFlow view (the headers OF matches) is the packet as
 *             the NIC sees it.
 *   group t+1 OF table t: every other rule, OF priority p at rte_flow
 *             priority 65535 - p (scaled into the device's levels); goto_table
 *             is JUMP.
 *   trap      the highest group: it holds no rule, so everything sent there
 *             misses, and a miss sends the frame, as it entered the NIC, to
 *             the representor of its source port: the software datapath.
 *             "Trap rules" (a software rule's match -> JUMP trap) keep a
 *             software rule's packets away from lower hardware rules.
 *
 * Semantics are OpenFlow's as Open vSwitch implements them; where rte_flow
 * cannot say the same thing the rule is not translated and the reason says
 * what and why (the rule then runs in software).  In particular:
 *   - dl_type other than IPv4/IPv6 needs untagged packets matched
 *     (vlan_tci=0/0x1000): the NIC matches such an EtherType only with the
 *     number of tags fixed, OpenFlow's is the one after one or two tags;
 *   - tun_id/tun_src/tun_dst need in_port=<tunnel port>; metadata, ARP
 *     fields, SCTP and ICMPv6 have no hardware match;
 *   - a rewrite after an output, mod_nw_tos/ip_dscp, write_metadata,
 *     controller, output:LOCAL, more than one tunnel output: no hardware
 *     action;
 *   - an output to a port the rule may also receive from (OpenFlow skips the
 *     ingress port, the NIC would send the packet back);
 *   - a tunnel packet cannot continue to another table in hardware;
 *   - a rule on a tunnel port whose packets another tunnel port may claim
 *     first (OVS's order: a fixed key, then a fixed remote_ip, before
 *     "flow"): the NIC cannot leave those packets out;
 *   - goto_table after an output (a later table may hand the packet to
 *     software, which runs the whole pipeline again: a second output),
 *     after a push_vlan on a packet that may be tagged (a third tag hides
 *     the IP headers from the NIC's next table), or after a strip_vlan
 *     without dl_type matched (a third tag OpenFlow did not look behind
 *     becomes the second, and the NIC's next table would).
 * push_vlan on a packet that may be tagged sets VID 0 and PCP 0, as Open
 * vSwitch does (rte_flow's OF_PUSH_VLAN copies the outer tag).
 * A tunnel output whose next hop is not resolved yet is -EAGAIN (pending).
 *
 * Thread safety: none inside; a struct snic_mgr_hwrule is written by one
 * thread and then read-only.
 */
#ifndef SNIC_MGR_XLATE_H
#define SNIC_MGR_XLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_flow.h>

#include "snic_ofrule.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SNIC_MGR_MAX_ITEMS   16u
#define SNIC_MGR_MAX_VARIANTS 9u   /**< hardware rules of one OF rule */
#define SNIC_MGR_MAX_HWACTS  48u
#define SNIC_MGR_REASON_MAX  256u

/** What a manager port is. */
enum snic_mgr_port_kind {
	SNIC_MGR_PORT_UPLINK = 1,  /**< the wire: the uplink's DPDK port */
	SNIC_MGR_PORT_VF     = 2,  /**< a VF: its representor's DPDK port */
	SNIC_MGR_PORT_TUNNEL = 3,  /**< a VXLAN tunnel port over the uplink */
};

/** A port as the translation needs it. */
struct snic_mgr_port {
	char name[SNIC_OF_PORT_NAME_MAX + 1];
	uint32_t ofport;            /**< OpenFlow port number */
	enum snic_mgr_port_kind kind;
	uint16_t dpdk_port;         /**< UPLINK/VF: the DPDK port (representor) */
	int vf;                     /**< VF: its index; else -1 */
	/* TUNNEL (OVS's options; "flow" = taken from the rule) */
	bool remote_flow, local_flow, key_flow;
	uint32_t remote_ip;         /**< host order, unless remote_flow */
	uint32_t local_ip;          /**< host order, unless local_flow */
	uint32_t key;               /**< VNI, unless key_flow */
	uint16_t dst_port;          /**< VXLAN UDP port (4789) */
};

/** What the translation asks of the manager. */
struct snic_mgr_xlate_env {
	/** The port with this OpenFlow number, or NULL. */
	const struct snic_mgr_port *(*port)(void *arg, uint32_t ofport);
	/** MAC of the next hop to reach ip (host order): 0, or -EAGAIN while
	 *  it is being resolved, or another negative errno (unreachable). */
	int (*neigh)(void *arg, uint32_t ip, uint8_t mac[6]);
	/** The tunnel ports: up to max into out[]; returns how many there
	 *  are.  May be NULL when there are none. */
	unsigned (*tunnels)(void *arg, const struct snic_mgr_port **out, unsigned max);
	void *arg;
	uint16_t proxy_port;        /**< DPDK port transfer rules are given on */
	uint16_t uplink_port;       /**< the uplink's DPDK port */
	uint8_t uplink_mac[6];      /**< source MAC of encapsulated frames */
	uint32_t priority_levels;   /**< rte_flow priorities 0..levels-1 */
	uint32_t max_group;         /**< highest rte_flow group (the trap) */
};

/** Where a rule goes in the hardware layout (see the top). */
enum snic_mgr_hw_kind {
	SNIC_MGR_HW_RULE = 0,       /**< an OF rule in group table + 1 */
	SNIC_MGR_HW_TUNNEL_RX,      /**< an OF table-0 tunnel rule, group 0 */
	SNIC_MGR_HW_TRAP,           /**< a software rule's match -> trap */
	SNIC_MGR_HW_GUARD,          /**< a tunnel port's packets -> trap */
	SNIC_MGR_HW_ROOT_NEXT,      /**< group 0 catch-all -> group 1 */
	SNIC_MGR_HW_MISS_DROP,      /**< table-miss drop in a group */
};

/**
 * One rte_flow rule with the storage its items and actions point into.
 * Not copyable by assignment (the arrays point into the struct): build it
 * where it stays.
 */
struct snic_mgr_hwrule {
	enum snic_mgr_hw_kind kind;
	uint16_t port_id;           /**< the DPDK port to create it on */
	struct rte_flow_attr attr;
	unsigned n_items, n_actions;   /**< END included */
	struct rte_flow_item items[SNIC_MGR_MAX_ITEMS];
	struct rte_flow_action actions[SNIC_MGR_MAX_HWACTS];
	/* storage */
	unsigned n_spec, n_conf, n_def;
	union snic_mgr_spec {
		struct rte_flow_item_ethdev ethdev;
		struct rte_flow_item_eth eth;
		struct rte_flow_item_vlan vlan;
		struct rte_flow_item_ipv4 ipv4;
		struct rte_flow_item_ipv6 ipv6;
		struct rte_flow_item_udp udp;
		struct rte_flow_item_tcp tcp;
		struct rte_flow_item_icmp icmp;
		struct rte_flow_item_vxlan vxlan;
	} spec[2 * SNIC_MGR_MAX_ITEMS];
	union snic_mgr_conf {
		struct rte_flow_action_ethdev ethdev;
		struct rte_flow_action_jump jump;
		struct rte_flow_action_set_mac mac;
		struct rte_flow_action_set_ipv4 ipv4;
		struct rte_flow_action_set_tp tp;
		struct rte_flow_action_set_ttl ttl;
		struct rte_flow_action_of_push_vlan push;
		struct rte_flow_action_of_set_vlan_vid vid;
		struct rte_flow_action_of_set_vlan_pcp pcp;
		struct rte_flow_action_vxlan_encap encap;
	} conf[SNIC_MGR_MAX_HWACTS];
	struct rte_flow_item def[6];         /**< VXLAN_ENCAP definition */
	union snic_mgr_spec def_spec[5];
};

/**
 * The hardware rules of one OpenFlow rule.  r[0] is the rule; when its
 * in_port is not matched and it outputs to ports it may also receive from,
 * r[1..] are its "ingress exclusions": the same rule with in_port fixed to
 * each such port P and P left out of the outputs (OpenFlow never sends a
 * packet back where it came from), one rte_flow priority step above r[0]
 * so they win for packets from P.
 */
struct snic_mgr_xlate_set {
	unsigned n;
	struct snic_mgr_hwrule r[SNIC_MGR_MAX_VARIANTS];
};

/** Result of a translation, besides the rules themselves. */
struct snic_mgr_xlate_info {
	bool trappable;             /**< the match alone is expressible: a
				         trap rule for it can be built */
	bool tunnel_rx;             /**< in_port is a tunnel port */
	bool any_in_port;           /**< in_port not matched */
	char reason[SNIC_MGR_REASON_MAX]; /**< why not, on failure */
};

/**
 * Translate rule (whole, or a compact copy: snic_of_rule_dup()) into out
 * (kind RULE or TUNNEL_RX; see struct snic_mgr_xlate_set for when there is
 * more than one hardware rule).
 * @return 0; -ENOTSUP with info->reason (the rule must run in software);
 *         -EAGAIN with info->reason (a tunnel next hop is being resolved).
 *         info->trappable is set in every case.
 */
int snic_mgr_xlate(const struct snic_mgr_xlate_env *env,
		   const struct snic_of_rule *rule, struct snic_mgr_xlate_set *out,
		   struct snic_mgr_xlate_info *info);

/** A trap for rule's match (info->trappable): match -> JUMP trap group. */
int snic_mgr_xlate_trap(const struct snic_mgr_xlate_env *env,
			const struct snic_of_rule *rule, struct snic_mgr_hwrule *out,
			struct snic_mgr_xlate_info *info);

/** The manager's own rules: the root catch-all, a tunnel port's guard, a
 *  table-miss drop for OF table `table`. */
void snic_mgr_xlate_root_next(const struct snic_mgr_xlate_env *env,
			      struct snic_mgr_hwrule *out);
void snic_mgr_xlate_guard(const struct snic_mgr_xlate_env *env,
			  const struct snic_mgr_port *tunnel,
			  struct snic_mgr_hwrule *out);
void snic_mgr_xlate_miss_drop(const struct snic_mgr_xlate_env *env,
			      unsigned table, struct snic_mgr_hwrule *out);
/** ARP from the wire (untagged) -> trap group: the manager answers ARP for
 *  its VTEP addresses and learns next hops, whatever the OF rules say
 *  about the uplink's ARP (the rest goes through them in software). */
void snic_mgr_xlate_arp_guard(const struct snic_mgr_xlate_env *env,
			      struct snic_mgr_hwrule *out);

/**
 * rte_flow priority of OF priority p for a rule of this kind (exclusion:
 * an ingress exclusion, one step above).  Order-preserving: a higher OF
 * priority never gets a lower rte_flow level; distinct OF priorities may
 * share a level when the device has fewer than 2 x 65536 levels (the
 * planner checks overlapping rules that do).
 */
uint32_t snic_mgr_xlate_priority(const struct snic_mgr_xlate_env *env,
				 enum snic_mgr_hw_kind kind, unsigned of_priority,
				 bool exclusion);

/**
 * The rule as testpmd commands that reproduce it: for a VXLAN encap first
 * the "set vxlan ..." line its vxlan_encap action uses, then
 * "flow create PORT transfer group G priority P pattern ... / end actions
 * ... / end".  Lines end with '\n'.
 * @return 0, or -ENOSPC (truncated, NUL-terminated).
 */
int snic_mgr_hwrule_testpmd(const struct snic_mgr_hwrule *r, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* SNIC_MGR_XLATE_H */
