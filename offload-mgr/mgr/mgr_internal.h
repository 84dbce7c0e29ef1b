/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mgr_internal.h - private to offload-mgr/mgr.
 *
 *   mgr.c        life cycle, ports, tunnels, settings, loading the store,
 *                the planner's environment
 *   mgr_index.c  the rule index, the software datapath's copies
 *   mgr_rules.c  add/del/mod/replace, timeouts
 *   mgr_dump.c   dump-flows, dump-hw, counts by state
 *   mgr_plan.c   rules to the planner, sync, its failures (logged, retried)
 */
#ifndef MGR_INTERNAL_H
#define MGR_INTERNAL_H

#include "snic_mgr.h"

/** A rule as the manager keeps it (a million of them must fit: no fixed
 *  buffers). */
struct mrule {
	uint64_t id;                /**< the user-visible id (the store's) */
	uint64_t plan_id;           /**< its id in the planner (new per change) */
	/** The rule.  One copy is kept: the planner's while the planner has
	 *  the rule (plan_rc 0; mgr_plan_rule()), else own.  Compact (never
	 *  copy *of by value); a change (mod-flows) makes a new version. */
	const struct snic_of_rule *of;
	struct snic_of_rule *own;   /**< of when it is not the planner's, else
					 NULL (snic_of_rule_dup, freed with r) */
	char *text;                 /**< canonical text (malloc'd, its length) */
	uint64_t created_ms;        /**< monotonic */
	uint64_t used_ms;           /**< last time its counters moved */
	uint64_t sw_packets, sw_bytes;
	uint64_t hw_base_packets, hw_base_bytes;  /**< of its earlier versions'
						       hardware rules (mod-flows);
						       the planner keeps those
						       of this version's */
	uint64_t seen_packets;      /**< hw + sw total at the last check */
	bool seen_valid;            /**< seen_packets came from a good read */
	int plan_rc;                /**< 0, or why the planner does not have it
					 (snic_mgr_plan_add; retried by tick) */
	struct mrule *id_next, *key_next;  /**< hash chains */
};

enum neigh_state { NEIGH_INCOMPLETE, NEIGH_REACHABLE, NEIGH_FAILED, NEIGH_STATIC };

/** An underlay neighbor (mgr_neigh.c). */
struct neigh {
	uint32_t ip;
	uint8_t mac[6];
	uint8_t state;          /**< enum neigh_state */
	uint8_t tries;          /**< requests sent without an answer */
	uint8_t used;           /**< a rule's next hop (looked up), static or
				     from the store; 0: only asked us for our
				     VTEP (kept, never asked or persisted,
				     evicted first when the table is full) */
	uint64_t next_ms;       /**< next request (retry or refresh) */
};

struct snic_mgr {
	struct snic_mgr_config cfg;
	struct snic_mgr_store *store;
	struct snic_mgr_plan *plan;
	struct snic_mgr_swdp *dp;       /**< every rule, in software */
	struct snic_mgr_xlate_env env;  /**< shared by plan and dp */
	struct snic_of_ports of_ports;

	struct snic_mgr_port *ports;    /**< uplink, VFs, then tunnels */
	unsigned n_ports, n_fixed;      /**< all; uplink + VFs */

	struct neigh *neigh;
	unsigned n_neigh;
	unsigned neigh_evict;            /**< where the next eviction looks (mgr_neigh.c) */
	uint64_t arp_sent, arp_answered;
	enum snic_mgr_miss miss;

	struct mrule **by_id, **by_key;
	size_t hsize, n_rules;
	uint64_t next_id, next_plan_id;
};

/* mgr.c */
uint64_t mgr_now(const struct snic_mgr *m);
int mgr_fail(struct snic_mgr_err *err, int code, long long index,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
const struct snic_mgr_port *mgr_port_by_name(const struct snic_mgr *m, const char *name);

/* mgr_neigh.c */
/** MAC of ip: 0; -EAGAIN (being resolved: a request went out); -EHOSTUNREACH. */
int mgr_neigh_lookup(struct snic_mgr *m, uint32_t ip, uint8_t mac[6]);
/** A static entry (mac NULL: remove it). */
int mgr_neigh_set_static(struct snic_mgr *m, uint32_t ip, const uint8_t *mac);
/** A learnt entry from the store (refreshed with ARP at the first tick). */
int mgr_neigh_set_learnt(struct snic_mgr *m, uint32_t ip, const uint8_t *mac);
/** Retries, refreshes, failures; true when an entry's usability changed. */
bool mgr_neigh_tick(struct snic_mgr *m);

/* mgr_index.c */
int mgr_rules_init(struct snic_mgr *m);
void mgr_rules_fini(struct snic_mgr *m);
/** Room for want rules in the index (rehashed when it grows). */
int mgr_grow(struct snic_mgr *m, size_t want);
void mgr_link_rule(struct snic_mgr *m, struct mrule *r);
void mgr_unlink_rule(struct snic_mgr *m, struct mrule *r);
/** The rule with of's identity (table, priority, match), or NULL. */
struct mrule *mgr_find_key(const struct snic_mgr *m, const struct snic_of_rule *of);
/** Free r (its own rule and text). */
void mgr_free_rule(struct mrule *r);
/** Every rule, for filters (the caller frees the array; NULL: no memory). */
struct mrule **mgr_all_rules(const struct snic_mgr *m, size_t *n);
/** Software counters of r: kept + the datapath's. */
void mgr_sw_counts(struct snic_mgr *m, const struct mrule *r, uint64_t *pk,
		   uint64_t *by);
/** Put r into the software datapath (log on refusal). */
void mgr_sw_add(struct snic_mgr *m, const struct mrule *r);
/** Take r out, keeping its counts in r. */
void mgr_sw_del(struct snic_mgr *m, struct mrule *r);

/* mgr_rules.c */
/** Add a rule from the store (no store write, planned at the next sync). */
int mgr_rule_load(struct snic_mgr *m, const struct snic_mgr_store_rule *sr,
		  struct snic_mgr_err *err);
/** The environment changed: planner and software datapath. */
void mgr_env_changed(struct snic_mgr *m);
/** A next hop changed: the rules with tunnel outputs, and the caches. */
void mgr_neigh_changed(struct snic_mgr *m);
/** Does filter f select r?  (ovs-ofctl: non-strict = the filter's fields
 *  are a subset of the rule's; strict = same priority and match) */
bool mgr_selects(const struct snic_of_rule *f, const struct mrule *r, bool strict);
/** Hardware counters of r now (0 with *error set when unknown). */
void mgr_hw_counts(struct snic_mgr *m, const struct mrule *r, uint64_t *pk,
		   uint64_t *by, char *error, size_t len);

/* mgr_plan.c */
/** The old version of a removed or changed rule (to name it in a log). */
struct mgr_gone {
	uint64_t id, plan_id;
	char *text;                 /**< malloc'd, may be NULL */
};
/** Log the ones whose hardware rules could not be destroyed; frees g. */
void mgr_report_stuck(struct snic_mgr *m, struct mgr_gone *g, size_t n);
/** Tick: retry failed destroys and rules the planner could not take. */
void mgr_tick_retry(struct snic_mgr *m);
/** Re-plan and apply; a hardware failure is logged.  @return as
 *  snic_mgr_plan_sync(). */
int mgr_sync(struct snic_mgr *m);
/** Give r to the planner (r->plan_rc says how it went; logged).  Taken:
 *  r->of becomes the planner's copy, valid until r's removal from the
 *  planner is synced (own is freed).  Refused: r keeps own. */
int mgr_plan_rule(struct snic_mgr *m, struct mrule *r);
/** The planner took r (snic_mgr_plan_add() was 0): use its copy. */
void mgr_plan_took(struct snic_mgr *m, struct mrule *r);
/** Make of (compact, taken over) r's rule, its own until mgr_plan_rule(). */
void mgr_rule_set(struct mrule *r, struct snic_of_rule *of);
/** Why r is not in the planner, in buf; NULL when it is. */
const char *mgr_unplanned(const struct mrule *r, char *buf, size_t len);

#endif /* MGR_INTERNAL_H */
