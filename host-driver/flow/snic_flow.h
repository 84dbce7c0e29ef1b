/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_flow.h - rte_flow rules translated into snic firmware steering
 * objects: the contract of host-driver/flow/.
 *
 * What it is.  The net_snic PMD's rte_flow ops (validate, create, destroy,
 * flush, query) without the PMD around them: given a firmware command client
 * (struct snic_fwc, see nic-fw/hosted/snic_fwc.h) and the table of DPDK ports
 * of one NIC, it turns a DPDK rule (attributes, pattern, actions) into
 * firmware objects (snic_ifc.h): flow tables, flow groups, flow entries,
 * VXLAN reformat contexts, modify-header contexts and counters.  It uses only
 * rte_flow.h's types and rte_flow_error_set()/rte_flow_conv() from
 * librte_ethdev, never the EAL, so it runs in a unit test against an
 * in-process firmware.
 *
 * One struct snic_flow_ctx per NIC.  It owns the NIC's e-switch steering: at
 * creation it reads the capabilities (QUERY_CAPS), switches the e-switch to
 * switchdev if it is not already, and creates the root flow table (level 0,
 * miss to the source vport's representor).  An empty root behaves on the
 * wire exactly like no root at all.
 *
 * Steering left behind.  When the root exists already, an earlier context
 * went away without destroying its objects (its application crashed); they
 * still forward.  The caller says what to do (enum snic_flow_recover):
 * refuse, flush them (RESET_STEERING), or adopt them.  Adopted rules are
 * "orphans": they keep forwarding and counting, but no handle exists for
 * them.  A create whose rule translates to an orphan's group, priority and
 * match takes the orphan over when the actions are the same (the same
 * firmware entry and counter, which keeps its value: the handle returned is
 * the orphan) and replaces it otherwise; validate accepts both.  That lets
 * a restarted application re-install its rules without a gap in forwarding
 * or counting, then remove what it no longer wants with
 * snic_flow_flush_orphans().  rte_flow_flush() removes orphans too.
 * snic_flow_ctx_destroy() destroys every rule and every object the context
 * created, root table included; it leaves the e-switch in switchdev (the
 * representor ports need it; the mode is a NIC setting, not an object).
 *
 * Translation (the semantics are DPDK's, doc/guides/prog_guide/rte_flow.rst;
 * deviations are listed in host-driver/flow/README.md):
 *   - group g -> the firmware table of level g (group 0 = the root table);
 *     tables are created when a rule needs them (a rule in the group, or a
 *     JUMP to it) and destroyed when the last such rule goes.  A packet that
 *     misses every rule of any group takes the exception path: the frame, as
 *     it entered the NIC, goes to the representor of the port it came from.
 *   - priority -> entry priority (0 wins), below the board's priority-levels;
 *   - a pattern -> a match value and mask over struct snic_ifc_match; one
 *     firmware group per distinct (group, mask), shared and reference
 *     counted; items after VXLAN match the encapsulated frame;
 *   - transfer rules are e-switch rules; without a REPRESENTED_PORT/PORT_ID
 *     item they match traffic from every source.  A non-transfer ingress rule
 *     on port P is an e-switch rule with an implicit REPRESENTED_PORT P item
 *     (as mlx5 does for ingress rules on representors);
 *   - actions -> the firmware's fixed action order (decap, pop VLAN, modify
 *     header, push VLAN, count, forward with per-destination encap, goto or
 *     drop); a list whose order cannot be realised in that order is refused;
 *   - identical encap headers share one reformat context (refcounted); each
 *     rule with header rewrites gets its own modify-header context and each
 *     rule with COUNT its own counter.
 *
 * Errors.  Validation is strict and says what and why.  validate and create
 * run the same code: create succeeds exactly when validate, on the same
 * state, succeeded (unless the firmware's resources are used by someone
 * else).  A refusal returns a negative errno and fills the rte_flow_error:
 *   EINVAL   malformed (a spec bit outside its mask, mask without spec, a
 *            contradiction, an impossible stacking, a missing prerequisite);
 *   ENOTSUP  valid rte_flow the NIC cannot do (an item, field, action or
 *            combination);
 *   ENOSPC   a capacity of the board is exhausted (the message names it);
 *   EEXIST   a rule with the same group, priority and match exists;
 *   EIO/...  the firmware refused a command (message: which and why).
 * The cause points at the offending struct rte_flow_item / rte_flow_action
 * (ITEM*, ACTION* types) or at the attributes (ATTR_* types).  Messages live
 * in the context: each stays valid until the context is destroyed or
 * SNIC_FLOW_MSG_RING later refusals.  A create that fails leaves nothing
 * behind.
 *
 * Thread safety: none inside.  The caller serialises every call on one
 * context (and on its struct snic_fwc, which the context uses while a call
 * runs); distinct contexts are independent.
 */
#ifndef SNIC_FLOW_H
#define SNIC_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_flow.h>

#include "snic_fwc.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Refusal messages kept per context (each valid for this many refusals). */
#define SNIC_FLOW_MSG_RING 8u
/** Longest refusal message, bytes with the NUL. */
#define SNIC_FLOW_MSG_LEN  384u
/** Most items (or actions) of one rule, END excluded. */
#define SNIC_FLOW_MAX_LIST 64u

/**
 * A DPDK port of this NIC.  REPRESENTED_PORT, PORT_REPRESENTOR and PORT_ID
 * items and actions name DPDK port ids; this table maps them to vports.
 * The proxy port is the transfer proxy (the e-switch manager's port, in
 * practice the uplink's representor); every other port represents a VF.
 */
struct snic_flow_port {
	uint16_t port_id;  /**< DPDK port id */
	uint16_t vport;    /**< the vport it represents (SNIC_IFC_VPORT_*) */
	bool is_proxy;     /**< the transfer proxy (at most one) */
};

struct snic_flow_ctx;
struct snic_flow;

/** The board's capacities, from QUERY_CAPS. */
struct snic_flow_caps {
	uint32_t num_uplinks, num_vfs;
	uint32_t max_tables, max_table_level;
	uint32_t max_groups, max_groups_per_table;
	uint32_t max_entries, max_counters, max_encap, max_modify;
	uint32_t priority_levels, max_dests, max_modify_ops;
	uint32_t vxlan_port;
};

/** What the context holds now (objects it created or adopted). */
struct snic_flow_usage {
	uint32_t flows;      /**< rules (= flow entries), orphans included */
	uint32_t orphans;    /**< adopted rules not taken over yet */
	uint32_t tables;     /**< flow tables, the root included */
	uint32_t groups;     /**< flow groups (distinct group + mask) */
	uint32_t counters;   /**< counters (one per rule with COUNT) */
	uint32_t reformats;  /**< encap contexts (one per distinct header) */
	uint32_t modifies;   /**< modify-header contexts (one per rule) */
};

/** The firmware objects behind one rule (for tests and dumps). */
struct snic_flow_fw_ids {
	uint32_t entry, group, table;
	uint32_t goto_table;  /**< SNIC_FLOW_NO_ID without JUMP */
	uint32_t reformat;    /**< SNIC_FLOW_NO_ID without encap */
	uint32_t modify;      /**< SNIC_FLOW_NO_ID without header rewrites */
	uint32_t counter;     /**< SNIC_FLOW_NO_ID without COUNT */
};
#define SNIC_FLOW_NO_ID 0xffffffffu

/** What to do with steering objects a previous owner left in the NIC. */
enum snic_flow_recover {
	SNIC_FLOW_RECOVER_REFUSE = 0, /**< fail with -EBUSY */
	SNIC_FLOW_RECOVER_FLUSH  = 1, /**< remove them all, start empty */
	SNIC_FLOW_RECOVER_ADOPT  = 2, /**< keep them as orphan rules; -EBUSY
	                                   when they are not this library's */
};

/**
 * Attach to a NIC: read its capabilities, switch its e-switch to switchdev
 * if needed, and create the root flow table (or recover the one there).
 * @param fwc    command client of the PF (the e-switch manager); must
 *               outlive the context
 * @param ports  the DPDK ports of this NIC (copied); port ids unique, vports
 *               existing on the board, at most one proxy
 * @param recover  what to do when steering objects exist already
 * @return 0 with *out set, or a negative errno with err saying why
 *         (e.g. a root table exists and recover is REFUSE: -EBUSY).
 */
int snic_flow_ctx_create(struct snic_flow_ctx **out, struct snic_fwc *fwc,
			 const struct snic_flow_port *ports, unsigned n_ports,
			 enum snic_flow_recover recover, char *err, size_t errlen);

/** Destroy every rule and object the context created, then free it. */
void snic_flow_ctx_destroy(struct snic_flow_ctx *ctx);

/**
 * Free the context but leave its rules and objects in the NIC, forwarding:
 * for a driver instance whose successor adopts them (SNIC_FLOW_RECOVER_ADOPT).
 * Handles are invalid afterwards.
 */
void snic_flow_ctx_release(struct snic_flow_ctx *ctx);

/**
 * rte_flow_validate(): would this rule be created now?  Changes nothing.
 * @param port_id  the DPDK port the rule is given on (one of ctx's ports)
 * @return 0, or a negative errno with *error filled (error may be NULL).
 */
int snic_flow_validate(struct snic_flow_ctx *ctx, uint16_t port_id,
		       const struct rte_flow_attr *attr,
		       const struct rte_flow_item pattern[],
		       const struct rte_flow_action actions[],
		       struct rte_flow_error *error);

/** rte_flow_create(): the rule's handle, or NULL with rte_errno and *error. */
struct snic_flow *snic_flow_create(struct snic_flow_ctx *ctx, uint16_t port_id,
				   const struct rte_flow_attr *attr,
				   const struct rte_flow_item pattern[],
				   const struct rte_flow_action actions[],
				   struct rte_flow_error *error);

/**
 * rte_flow_destroy().  On a firmware failure the rule stays (retry later).
 * @return 0 or a negative errno.
 */
int snic_flow_destroy(struct snic_flow_ctx *ctx, struct snic_flow *flow,
		      struct rte_flow_error *error);

/**
 * rte_flow_flush(): destroy every rule.  Handles are invalid afterwards even
 * on failure; the first failure is returned.
 */
int snic_flow_flush(struct snic_flow_ctx *ctx, struct rte_flow_error *error);

/**
 * rte_flow_query(): COUNT only.  data is a struct rte_flow_query_count:
 * hits and bytes since creation or the last reset (bytes of the frames as
 * they matched the rule); reset zeroes them after reading.
 */
int snic_flow_query(struct snic_flow_ctx *ctx, struct snic_flow *flow,
		    const struct rte_flow_action *action, void *data,
		    struct rte_flow_error *error);

/** Orphan rules not taken over (0 unless attached with ADOPT). */
unsigned snic_flow_orphans(const struct snic_flow_ctx *ctx);
/** Destroy the orphan rules; 0 or the first failure's negative errno. */
int snic_flow_flush_orphans(struct snic_flow_ctx *ctx, struct rte_flow_error *error);
/** Flow entries a FLUSH recovery removed when the context was created. */
uint32_t snic_flow_flushed_at_attach(const struct snic_flow_ctx *ctx);

/** rte_flow_pick_transfer_proxy(): the proxy port; -ENODEV without one. */
int snic_flow_transfer_proxy(const struct snic_flow_ctx *ctx, uint16_t *port_id);

const struct snic_flow_caps *snic_flow_get_caps(const struct snic_flow_ctx *ctx);
void snic_flow_get_usage(const struct snic_flow_ctx *ctx, struct snic_flow_usage *u);
void snic_flow_get_fw_ids(const struct snic_flow *flow, struct snic_flow_fw_ids *ids);

#ifdef __cplusplus
}
#endif
#endif /* SNIC_FLOW_H */
