/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xlate_internal.h - private to the translation (xlate_*.c).
 *
 *   xlate_match.c    OF match -> items (tunnel outer headers, L2, L3, L4)
 *   xlate_actions.c  OF actions -> rte_flow actions; the rule and the
 *                    manager's own rules; priorities
 *   xlate_testpmd.c  a built rule -> testpmd commands
 */
#ifndef XLATE_INTERNAL_H
#define XLATE_INTERNAL_H

#include "snic_mgr_xlate.h"

/** One translation in progress. */
struct xl {
	const struct snic_mgr_xlate_env *env;
	struct snic_mgr_hwrule *r;
	struct snic_mgr_xlate_info *info;
	const struct snic_mgr_port *in;  /**< the in_port, if matched */
	int tagged;                      /**< -1 unknown, 0 untagged, 1 tagged */
	int l3;                          /**< 0, 4 or 6: matched IP version */
	unsigned deep;                   /**< tags pushed in front of a packet
					      that may be tagged */
	bool popped;                     /**< a tag was popped */
	/* capacity: past the arrays of struct snic_mgr_hwrule, xl_item and
	 * xl_action write into the spare below and set the sticky flag */
	bool overflow;                   /**< an item or action did not fit */
	unsigned want_items, want_actions;  /**< asked for, END included */
	union snic_mgr_spec spare_spec[2];  /**< a spec and its mask */
	union snic_mgr_conf spare_conf;
};

void xl_begin(struct xl *x, const struct snic_mgr_xlate_env *env,
	      struct snic_mgr_hwrule *out, struct snic_mgr_xlate_info *info,
	      enum snic_mgr_hw_kind kind);
/** Append an item; with_spec: give it a zeroed spec and mask (returned is
 *  the spec; the mask is the next union slot).  When the rule is full it
 *  sets x->overflow and returns scratch storage (never NULL with_spec). */
void *xl_item(struct xl *x, enum rte_flow_item_type type, bool with_spec);
/** Append an action; with_conf: give it a zeroed conf (returned).  When
 *  the rule is full (one slot stays for END) it sets x->overflow and
 *  returns scratch storage (never NULL with_conf). */
void *xl_action(struct xl *x, enum rte_flow_action_type type, bool with_conf);
/** Terminate items and actions. */
void xl_end(struct xl *x);
/** After an overflow: -ENOTSUP with the reason (what, how many, the
 *  limit); else 0. */
int xl_check_room(struct xl *x);
/** Set info->reason; returns code. */
int xl_fail(struct xl *x, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int xl_match(struct xl *x, const struct snic_of_rule *rule);
/** A tunnel port that comes before t in Open vSwitch's receive order and
 *  may claim some packets of a rule on t with match m, or NULL. */
const struct snic_mgr_port *xl_tunnel_rival(const struct snic_mgr_xlate_env *env,
					    const struct snic_mgr_port *t,
					    const struct snic_of_match *m);
/** A tunnel port's outer headers (+ the rule's tun_* matches if m). */
int xl_tunnel_outer(struct xl *x, const struct snic_mgr_port *t,
		    const struct snic_of_match *m);

#endif /* XLATE_INTERNAL_H */
