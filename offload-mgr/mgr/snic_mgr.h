/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_mgr.h - the offload manager's state and operations: what
 * snic-offloadd does between its control socket (offload-mgr/ctl) and the
 * hardware (any rte_flow implementation, through the planner's
 * struct snic_mgr_hw_ops).
 *
 * What it holds.  The switch's ports (the uplink, the VFs, VXLAN tunnel
 * ports in Open vSwitch's model), its settings (table-miss behaviour, static
 * neighbors), and the OpenFlow rules, each with an id, a canonical text
 * (snic_ofrule's formatter), its creation time, its software counters and
 * the last hardware counters read.  The planner (snic_mgr_plan.h) decides
 * where each rule runs and keeps the hardware in line.
 *
 * Desired state and crash safety.  With a store (snic_mgr_store.h), every
 * request that changes state is one store transaction, committed before
 * the hardware is touched: after a crash the store holds exactly the state
 * before or after the request, and snic_mgr_create() rebuilds the rules from
 * it; the planner then makes the hardware match (the driver adopts the
 * hardware rules a previous instance left, see net_snic's flow_recover).
 *
 * Requests.  The snic_mgr_*() request functions implement the control
 * protocol's commands (offload-mgr/ctl/PROTOCOL.md): batches are atomic
 * (every rule is parsed and checked before anything changes); errors say
 * which rule (its index in the batch) and why, in struct snic_mgr_err.
 *
 * Thread safety: none; one thread (the daemon's main loop) owns it.
 */
#ifndef SNIC_MGR_H
#define SNIC_MGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snic_mgr_plan.h"
#include "snic_mgr_store.h"
#include "snic_mgr_swdp.h"
#include "snic_ofrule.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SNIC_MGR_MAX_VFS      1024u
#define SNIC_MGR_MAX_TUNNELS  64u
#define SNIC_MGR_OFPORT_UPLINK 1u
#define SNIC_MGR_OFPORT_VF0    2u    /**< VF n is 2 + n */
#define SNIC_MGR_OFPORT_TUNNEL0 1000u /**< tunnels from here */

/** Why a request failed. */
struct snic_mgr_err {
	int code;            /**< negative errno */
	long long index;     /**< the offending rule of a batch, or -1 */
	char msg[512];
};

/** How the manager meets the hardware and the world. */
struct snic_mgr_config {
	const struct snic_mgr_hw_ops *hw;   /**< rte_flow */
	void *hw_arg;
	uint16_t proxy_port;        /**< DPDK port transfer rules go on */
	uint16_t uplink_port;       /**< the uplink's DPDK port */
	uint8_t uplink_mac[6];
	uint32_t priority_levels;   /**< the device's rte_flow priorities */
	uint32_t max_group;         /**< the device's highest group */
	unsigned n_vfs;             /**< VF representors: vf0..vf(n-1) */
	const uint16_t *vf_ports;   /**< their DPDK ports [n_vfs] */
	const char *store_path;     /**< SQLite file; NULL: no persistence */
	/** Send a frame out of a DPDK port (ARP on the uplink); NULL: the
	 *  manager cannot resolve next hops itself (static neighbors only). */
	int (*tx)(void *arg, uint16_t dpdk_port, const uint8_t *frame, uint32_t len);
	void *tx_arg;
	/** Monotonic milliseconds (timeouts, ages); NULL: CLOCK_MONOTONIC. */
	uint64_t (*now_ms)(void *arg);
	void *now_arg;
};

struct snic_mgr;

/** Create; with a store, load it and plan every rule (hardware included). */
int snic_mgr_create(struct snic_mgr **out, const struct snic_mgr_config *cfg,
		    struct snic_mgr_err *err);
/** Remove every hardware rule the manager made (the store is kept). */
void snic_mgr_destroy(struct snic_mgr *m);
/** Free the manager, leaving its hardware rules forwarding (a restart
 *  adopts them through the driver). */
void snic_mgr_detach(struct snic_mgr *m);

/* ---- requests (the control protocol's commands) ---- */

/** add-flows: every rule or none.  A rule with the table, priority and
 *  match of an existing one replaces it (ovs-ofctl add-flow). */
int snic_mgr_add_flows(struct snic_mgr *m, const char *const *texts, size_t n,
		       uint64_t *added, struct snic_mgr_err *err);
/** del-flows: match NULL = all; strict: priority and match equal. */
int snic_mgr_del_flows(struct snic_mgr *m, const char *match, bool strict,
		       uint64_t *deleted, struct snic_mgr_err *err);
/** mod-flows: new actions for the rules each text selects. */
int snic_mgr_mod_flows(struct snic_mgr *m, const char *const *texts, size_t n,
		       bool strict, uint64_t *modified, struct snic_mgr_err *err);
/** replace-flows: the rule set becomes texts, atomically. */
int snic_mgr_replace_flows(struct snic_mgr *m, const char *const *texts, size_t n,
			   uint64_t *added, uint64_t *deleted, uint64_t *modified,
			   struct snic_mgr_err *err);
/** add-tunnel: a VXLAN tunnel port (OVS options; "flow" allowed). */
int snic_mgr_add_tunnel(struct snic_mgr *m, const char *name, const char *remote_ip,
			const char *local_ip, const char *key, unsigned dst_port,
			struct snic_mgr_err *err);
int snic_mgr_del_tunnel(struct snic_mgr *m, const char *name, struct snic_mgr_err *err);
/**
 * set: "table_miss" = "sw" | "drop"; "neighbor.A.B.C.D" = "MAC" (a static
 * next hop for tunnel destinations, instead of ARP) or "" to remove.
 */
int snic_mgr_set(struct snic_mgr *m, const char *key, const char *value,
		 struct snic_mgr_err *err);

/** The canonical text of a rule (as dump-flows writes it), malloc'd. */
int snic_mgr_canonical(struct snic_mgr *m, const char *text, char **out,
		       struct snic_mgr_err *err);

/** One rule as dump-flows shows it. */
struct snic_mgr_flow_view {
	uint64_t id;
	const char *text;           /**< canonical rule text */
	const struct snic_of_rule *rule;
	enum snic_mgr_state state;
	const char *reason;         /**< NULL in hardware */
	const char *hw_error;       /**< NULL, or why hw counters are unknown */
	uint64_t hw_packets, hw_bytes, sw_packets, sw_bytes;
	double age_s, idle_s;
	unsigned n_hw;              /**< hardware rules behind it */
};
/**
 * dump-flows: call fn for each rule the filter selects (match NULL = all;
 * table < 0 = every table), in table, priority, id order.  Hardware
 * counters are read now.  A rule's counters never go back while it lives:
 * the hardware rules the planner re-creates, replaces or moves to software
 * leave their counts in a base (snic_mgr_plan_hw_counters), and mod-flows
 * keeps the old version's.  add-flow of an existing identity makes a new
 * rule (new id, age and counters from 0), as replace-flows does.  A failed
 * query: hw_error says why, hw_packets/hw_bytes are the known part.
 */
int snic_mgr_dump_flows(struct snic_mgr *m, const char *match, int table,
			int (*fn)(void *arg, const struct snic_mgr_flow_view *v),
			void *arg, struct snic_mgr_err *err);
/** dump-hw: each rule in hardware as testpmd lines. */
int snic_mgr_dump_hw(struct snic_mgr *m,
		     int (*fn)(void *arg, uint64_t id, const char *testpmd),
		     void *arg);

/** The port table (for show and the software datapath). */
unsigned snic_mgr_ports(const struct snic_mgr *m, const struct snic_mgr_port **out,
			unsigned max);
/** Rules by state, for show. */
void snic_mgr_counts(const struct snic_mgr *m, unsigned *hw, unsigned *sw,
		     unsigned *pending, unsigned *failed);
const struct snic_mgr_config *snic_mgr_config(const struct snic_mgr *m);
/** Hardware rules installed now (every kind: rules, exclusions, traps,
 *  guards, the root catch-all, table-miss drops). */
unsigned snic_mgr_hw_rules(const struct snic_mgr *m);
/** Hardware rules of removed or changed rules whose destroy failed: they
 *  may still forward; snic_mgr_tick() retries them (and logs). */
unsigned snic_mgr_hw_stuck(const struct snic_mgr *m);

/**
 * Run frames the NIC handed over (on the representor of the port they
 * entered) through the software datapath: pkts[i].in_ofport is that port's
 * OpenFlow number (snic_mgr_ofport_of_dpdk()).  The results' frames (to
 * transmit on out[].dpdk_port) stay valid until the next call.
 * @return n, or a negative errno.
 */
int snic_mgr_sw_process(struct snic_mgr *m, const struct snic_mgr_swdp_pkt *pkts,
			unsigned n, struct snic_mgr_swdp_result *res);
/** The OpenFlow port of a DPDK port (uplink or VF representor), or 0. */
uint32_t snic_mgr_ofport_of_dpdk(const struct snic_mgr *m, uint16_t dpdk_port);
/**
 * An ARP frame from the uplink: learn the sender if it is a next hop we
 * asked for (or one asking us), answer requests for this host's VTEP
 * addresses (the tunnel ports' local_ip).
 * @return 1 when the frame was for a VTEP address (consumed), else 0 (the
 *         OpenFlow rules decide what it does).
 */
int snic_mgr_arp_input(struct snic_mgr *m, const uint8_t *frame, uint32_t len);
/** Software datapath totals. */
void snic_mgr_sw_stats(const struct snic_mgr *m, struct snic_mgr_swdp_stats *st);

/**
 * Periodic work: expire hard and idle timeouts (idleness from hardware +
 * software counters; a failed or stale counter read never makes a rule
 * idle), retry hardware destroys that failed and rules the planner could
 * not take (out of memory: dump-flows shows them failed, "not planned"),
 * re-plan what changed.  Call about once a second.
 * @return rules removed.
 */
unsigned snic_mgr_tick(struct snic_mgr *m);

#ifdef __cplusplus
}
#endif
#endif /* SNIC_MGR_H */
