/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * plan_internal.h - private to the planner (plan*.c).
 *
 *   plan.c        rules, tables, staging, queries
 *   plan_decide.c per table: where each rule runs, which traps are needed
 *   plan_apply.c  the difference to the hardware: creates, then destroys
 *                 (a living rule's counter read before, into its base)
 */
#ifndef PLAN_INTERNAL_H
#define PLAN_INTERNAL_H

#include "snic_mgr_plan.h"

#define PLAN_TABLES 255u

/** A hardware rule the planner installed. */
struct hw_inst {
	void *h;            /**< the driver's handle; NULL: none */
	uint64_t fp;        /**< fingerprint of what it is */
	uint64_t key;       /**< of its group, priority and pattern (plan_key) */
};

/** What a wanted hardware rule is (plan_ids()). */
struct hw_id {
	uint64_t fp;        /**< fingerprint of all of it (plan_fp) */
	uint64_t key;       /**< of its group, priority and pattern (plan_key) */
};

/** A hardware rule whose destroy failed: it may still forward. */
struct stuck {
	void *h;
	uint64_t rule;      /**< the planner id of its rule; 0: none known */
};

/*
 * A rule.  It is kept small (a table may hold a million): the OpenFlow rule
 * is a compact copy (snic_of_rule_dup), the texts are allocated only when
 * there is something to say (NULL: none; plan_text()), and the per-variant
 * arrays are as long as the rule's translation.
 */
struct prule {
	uint64_t id;
	struct snic_of_rule *of;   /**< compact copy: never copy *of by value */
	uint16_t priority;  /**< of->priority, where sorting looks */
	bool deleted;       /**< staged removal */
	bool dirty;         /**< translate again */

	/* the translation (cached while not dirty) */
	int xl_rc;          /**< 0, -ENOTSUP, -EAGAIN */
	bool trappable, tunnel_rx, any_in_port;
	unsigned n_fp;      /**< hardware rules it translates to */
	struct hw_id *want; /**< [n_fp] what they are */
	uint64_t trap_fp;   /**< of its trap; 0: not known yet (install_trap) */
	uint32_t level;     /**< rte_flow priority of its main rule */
	uint32_t mask_h, value_h;  /**< hashes of its match's masks / values */
	uint32_t group;     /**< its rte_flow group */
	char *xl_reason;    /**< why it does not translate */

	/* capacity refusals, remembered until rules are removed */
	bool cap_sw;        /**< its create was refused: runs in software */
	bool cap_notrap;    /**< its trap was refused: cannot be trapped */
	bool refused;       /**< the driver refused it (not capacity) */
	char *cap_reason;

	/* the decision */
	enum snic_mgr_state state;
	bool want_hw, want_trap;
	bool tie_held;      /**< held back for a priority-level tie */
	char *reason;       /**< why not in hardware (HW: none) */

	/* what is installed */
	unsigned n_inst, cap_inst;
	struct hw_inst *inst;      /**< [cap_inst] */
	struct hw_inst trap;
	/** The counts of its hardware rules destroyed while it lived on
	 *  (re-created, replaced, moved to software; plan_hw_fold): added to
	 *  the live ones, so its counters never go back. */
	uint64_t hw_base_packets, hw_base_bytes;
};

/** Distinct OF priorities of a group, descending (for dense levels). */
struct prio_map {
	uint16_t *v;
	size_t n;
};

struct ptable {
	struct prule **r;
	size_t n, cap;
	struct prio_map map;        /**< its group's priorities (dense mode) */
	bool dirty;
	bool want_miss;             /**< a table-miss drop is wanted */
	struct hw_inst miss;        /**< the installed table-miss drop */
};

/** A tunnel guard: one per distinct VTEP (keyed by its fingerprint). */
struct guard {
	struct hw_inst g;
	bool want;
};

struct snic_mgr_plan {
	struct snic_mgr_xlate_env env;
	const struct snic_mgr_hw_ops *ops;
	void *ops_arg;
	enum snic_mgr_miss miss;
	bool env_dirty;
	bool retry_capacity;        /**< rules went away: retry refused ones */

	struct ptable t[PLAN_TABLES];
	struct prule **by_id;       /**< open hash by id */
	size_t hcap, n_rules;

	bool dense;                 /**< levels by rank, not by value */
	struct prio_map root_map;   /**< group 0: table 0's tunnel rules */
	struct hw_inst root_next;
	struct guard *guards;
	size_t n_guards;

	struct snic_mgr_xlate_set scratch;   /**< one translation at a time */
	struct snic_mgr_hwrule bridge;       /**< a bridge trap (plan_apply.c) */
	struct snic_mgr_sync_stats st;
	char msg[SNIC_MGR_REASON_MAX];

	/* make before break: the rules a sync removes keep their hardware
	 * until the new decision is installed (a create whose key one of
	 * theirs holds replaces it) */
	struct prule **retiring;
	size_t n_retiring;

	/* failed destroys, retried (snic_mgr_plan_retry_destroys) */
	struct stuck *stuck;
	size_t n_stuck, cap_stuck;
	uint64_t owner;             /**< planner id of the rule being destroyed */
};

/* plan.c */
struct prule *plan_find(const struct snic_mgr_plan *p, uint64_t id);
/** What a text slot of a prule holds when its text could not be kept. */
extern char plan_text_nomem[];
/** Set a text slot (*slot: NULL, plan_text_nomem or malloc'd) to text
 *  (NULL or "": none); the same text is kept as it is. */
void plan_text(char **slot, const char *text);
/** The text of a slot ("" for none). */
static inline const char *plan_str(const char *slot)
{
	return slot ? slot : "";
}
/** Set the rte_flow priorities of r's translation in scratch (and of a
 *  trap) from the planner's level map. */
void plan_set_levels(struct snic_mgr_plan *p, const struct prule *r,
		     struct snic_mgr_hwrule *h, unsigned n);
uint64_t plan_fp(const struct snic_mgr_hwrule *r);
/** plan_fp() and plan_key() of r, from one formatting of it. */
void plan_ids(const struct snic_mgr_hwrule *r, struct hw_id *id);
/** Fingerprint of r's group, priority and pattern: the NIC holds one rule
 *  per key (a second one is EEXIST). */
uint64_t plan_key(const struct snic_mgr_hwrule *r);
/** Translate r again (sets the cache fields). */
void plan_translate(struct snic_mgr_plan *p, struct prule *r);

/* plan_decide.c */
/** qsort() order of struct prule pointers: OpenFlow's (priority
 *  descending, then id: older first). */
int plan_of_cmp(const void *a, const void *b);
void plan_decide(struct snic_mgr_plan *p, struct ptable *t, unsigned table);

/* plan_apply.c */
/** Make the hardware of table t match the decision.  @return true when a
 *  refusal changed a decision input (decide again). */
bool plan_apply(struct snic_mgr_plan *p, struct ptable *t, unsigned table);
/** The root catch-all and the guards of the tunnel ports. */
void plan_apply_root(struct snic_mgr_plan *p);
/** Destroy everything a rule has installed. */
void plan_uninstall(struct snic_mgr_plan *p, struct prule *r);
/** Destroy i's hardware rule; a failure keeps the handle on the stuck list
 *  (retried) and says why in p->msg. */
void plan_hw_destroy(struct snic_mgr_plan *p, struct hw_inst *i);
/** Just before h, a hardware rule of r (NULL: none, a trap's: nothing to
 *  do), is destroyed while r lives on: read its counter a last time into
 *  r's base.  A failed read loses its counts (p->st.lost_counts, p->msg). */
void plan_hw_fold(struct snic_mgr_plan *p, struct prule *r, void *h);

#endif /* PLAN_INTERNAL_H */
