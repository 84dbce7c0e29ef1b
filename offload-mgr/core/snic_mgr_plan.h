/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_mgr_plan.h - the offload planner of snic-offloadd: which OpenFlow
 * rules run in the NIC, which in software, and the hardware rules that make
 * the two agree.
 *
 * What it is.  The planner holds the rule set (struct snic_of_rule, each
 * with a manager-given id), decides per rule where it runs, and keeps the
 * hardware (any rte_flow implementation, through struct snic_mgr_hw_ops) in
 * line with that decision.  Changes are staged (add, del) and applied by
 * snic_mgr_plan_sync(), which re-plans the tables they touched and turns
 * the difference into rte_flow creates and destroys.
 *
 * The invariant: partial offload never changes what a packet does.  The
 * hardware holds a subset of the rules; a packet either ends in a hardware
 * rule that OpenFlow would also have chosen, or it goes to software (a miss,
 * or a trap) as it entered the NIC, where the whole rule set decides.  Per
 * table, in OpenFlow order (priority, then id):
 *   - a rule that cannot be translated runs in software (state SW, reason:
 *     the translation's or the driver's own refusal);
 *   - a software rule whose match can be expressed gets a trap (its match ->
 *     the trap group) when some lower hardware rule overlaps it, so those
 *     packets reach software instead of the lower rule;
 *   - a software rule whose match cannot be expressed holds back every lower
 *     rule that overlaps it (they run in software too, reason "held back");
 *   - two overlapping rules of different OpenFlow priority that the device
 *     can only give the same rte_flow priority level: the lower one is held
 *     back;
 *   - a tunnel rule of table 0 below an overlapping rule with no in_port
 *     (which OpenFlow also applies to tunnel packets, on their inner
 *     headers) is held back;
 *   - a hardware create refused for capacity (ENOSPC) moves the rule to
 *     software with the driver's reason; it is retried when rules are
 *     removed.  A trap refused for capacity makes its rule hold back instead.
 * Table-miss: "sw" (default) leaves a miss to the NIC's exception path;
 * "drop" adds a lowest-priority drop to each table in use (treated as a
 * hardware rule overlapping everything, so the rules above it are trapped or
 * hold it back).
 *
 * Updates are made without a moment where a packet is misrouted: new and
 * changed hardware rules are created before the ones they replace are
 * destroyed, and removed rules leave last, after the new decision is
 * installed.  Where the NIC needs the old rule gone first (the same group,
 * priority and match), a trap for the rule's match one level above covers
 * the swap: its packets go to software, never to a lower overlapping rule.
 * Rules a removal frees room for are tried again in the same sync.
 *
 * Levels.  OF priority p maps to a pair of rte_flow levels (a rule's
 * ingress exclusions take the upper one).  A device with at least 32768
 * pairs gets a fixed mapping (snic_mgr_xlate_priority); with fewer, the
 * distinct priorities in use per group are ranked and the ranks spread
 * over the pairs, so only priorities in use compete for levels.
 *
 * Errors: functions return 0 or a negative errno and, where they take
 * char *err, a sentence saying what and why.  Thread safety: none; one
 * thread owns the planner and the hardware calls it makes.
 */
#ifndef SNIC_MGR_PLAN_H
#define SNIC_MGR_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snic_mgr_xlate.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where a rule runs. */
enum snic_mgr_state {
	SNIC_MGR_PENDING = 0,  /**< waiting (next hop resolution) */
	SNIC_MGR_HW,           /**< in the NIC */
	SNIC_MGR_SW,           /**< in software, reason says why */
	SNIC_MGR_FAILED,       /**< neither (a hardware error), reason says */
};

const char *snic_mgr_state_name(enum snic_mgr_state s);

/** The hardware: an rte_flow implementation. */
struct snic_mgr_hw_ops {
	/** Create r; *handle on success, else a negative errno and e. */
	int (*create)(void *arg, const struct snic_mgr_hwrule *r, void **handle,
		      struct rte_flow_error *e);
	int (*destroy)(void *arg, void *handle, struct rte_flow_error *e);
	/** COUNT of the rule: its totals since its create (never reset). */
	int (*query)(void *arg, void *handle, uint64_t *packets, uint64_t *bytes,
		     struct rte_flow_error *e);
};

/** Table-miss behaviour. */
enum snic_mgr_miss {
	SNIC_MGR_MISS_SW = 0,   /**< to the software datapath (default) */
	SNIC_MGR_MISS_DROP,     /**< drop (in hardware where possible) */
};

struct snic_mgr_plan;

/** What one rule looks like from outside. */
struct snic_mgr_rule_info {
	uint64_t id;
	/** The planner's copy of the rule (compact: snic_of_rule_dup()),
	 *  the same pointer for the rule's life: valid until a sync after
	 *  its snic_mgr_plan_del() (or the planner's end). */
	const struct snic_of_rule *rule;
	enum snic_mgr_state state;
	const char *reason;        /**< NULL in HW state */
	unsigned n_hw;             /**< hardware rules (variants) */
	bool trapped;              /**< SW with a trap rule in hardware */
};

/** What the planner changed in the hardware by one sync. */
struct snic_mgr_sync_stats {
	unsigned created, destroyed, failed;
	unsigned hw, sw, pending, failed_rules;   /**< rules by state after */
	unsigned stuck;     /**< hardware rules whose destroy failed (they may
			         still forward), after */
	unsigned lost_counts;  /**< last counter reads before a destroy that
				    failed (those counts are lost; not a
				    failure of the sync) */
};

int snic_mgr_plan_create(struct snic_mgr_plan **out,
			 const struct snic_mgr_xlate_env *env,
			 const struct snic_mgr_hw_ops *ops, void *ops_arg,
			 char *err, size_t errlen);
/** Destroy every hardware rule the planner made, then free it. */
void snic_mgr_plan_destroy(struct snic_mgr_plan *p);
/** Free the planner, leaving its hardware rules in place (forwarding). */
void snic_mgr_plan_detach(struct snic_mgr_plan *p);

void snic_mgr_plan_set_miss(struct snic_mgr_plan *p, enum snic_mgr_miss miss);

/**
 * Stage a rule (copied, compactly: snic_of_rule_dup(); rule itself may be
 * whole or compact).  id must be new and non-zero; the rule in ADD mode.
 * Nothing changes in the hardware until snic_mgr_plan_sync().
 * @return 0, -EEXIST (id taken), -EINVAL, -ENOMEM.
 */
int snic_mgr_plan_add(struct snic_mgr_plan *p, uint64_t id,
		      const struct snic_of_rule *rule);
/** Stage a removal.  @return 0 or -ENOENT. */
int snic_mgr_plan_del(struct snic_mgr_plan *p, uint64_t id);
/** The environment changed (ports, tunnels, neighbors): re-translate all. */
void snic_mgr_plan_env_changed(struct snic_mgr_plan *p);
/** Only next hops changed: re-translate the rules that output to tunnels. */
void snic_mgr_plan_neigh_changed(struct snic_mgr_plan *p);

/**
 * Re-plan what changed and apply it to the hardware.
 * @return 0, or a negative errno when a hardware call failed in a way
 *         that left a rule FAILED (the stats and the rules say which).
 */
int snic_mgr_plan_sync(struct snic_mgr_plan *p, struct snic_mgr_sync_stats *st);

/**
 * Failed destroys.  A hardware rule whose destroy fails (a removed rule's,
 * a replaced one's) may still forward: the planner keeps its handle and
 * counts it a failure of that sync (p->st.failed, -EIO, the last error).
 * snic_mgr_plan_retry_destroys() tries them again (call it periodically);
 * @return how many are still stuck, err (may be NULL) the last failure.
 */
unsigned snic_mgr_plan_retry_destroys(struct snic_mgr_plan *p, char *err,
				      size_t errlen);
/** How many hardware rules are stuck now. */
unsigned snic_mgr_plan_hw_stuck(const struct snic_mgr_plan *p);
/** Is a hardware rule of (removed) rule id among them? */
bool snic_mgr_plan_stuck_rule(const struct snic_mgr_plan *p, uint64_t id);
/** What the last failed hardware call was and why ("" if none yet). */
const char *snic_mgr_plan_last_error(const struct snic_mgr_plan *p);

/** A rule's state; -ENOENT if there is no such id. */
int snic_mgr_plan_get(const struct snic_mgr_plan *p, uint64_t id,
		      struct snic_mgr_rule_info *info);
/** Visit every rule in table, then priority, then id order; stop on non-0. */
int snic_mgr_plan_walk(const struct snic_mgr_plan *p,
		       int (*fn)(void *arg, const struct snic_mgr_rule_info *info),
		       void *arg);

/**
 * Hardware counters of a rule: the sum over its hardware rules, queried
 * now, plus the counts of the ones it had before.  A rule's hardware rules
 * change while it lives (re-created for new exclusions or levels, a variant
 * replaced, moved to software and back): just before one is destroyed its
 * counter is read a last time into a per-rule base (creates come before
 * destroys, so the old and new rules count distinct packets: no double
 * counting), so the counters only grow for the life of the planner id.
 * Packets the old rule counts between that read and its destroy, and all
 * of its counts when that read fails (sync stats lost_counts, last error),
 * are lost; a rule whose destroy fails counts on unseen.  A new planner id
 * (snic_mgr_plan_del + add: the manager's mod-flows or add-flow of an
 * existing identity) starts from zero: keeping counts across is the
 * caller's.
 * @return 0; -ENOENT (*packets, *bytes 0); -ENODATA when the rule has no
 *         hardware rule now (*packets, *bytes: the base); another negative
 *         errno when a query failed (err says which and why; *packets,
 *         *bytes: the base only).
 */
int snic_mgr_plan_hw_counters(struct snic_mgr_plan *p, uint64_t id,
			      uint64_t *packets, uint64_t *bytes,
			      char *err, size_t errlen);

/** Hardware rules the planner has installed now (all kinds). */
unsigned snic_mgr_plan_hw_installed(const struct snic_mgr_plan *p);

/** The hardware rules of a rule as testpmd lines (dump-hw). */
int snic_mgr_plan_hw_text(struct snic_mgr_plan *p, uint64_t id, char *buf,
			  size_t len);

#ifdef __cplusplus
}
#endif
#endif /* SNIC_MGR_PLAN_H */
