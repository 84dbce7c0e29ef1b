/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flow_internal.h - private to host-driver/flow: the context, the rule, the
 * shared firmware objects, and the translation state that validate and
 * create share.
 *
 *   flow_items.c    the item table: fields, default masks, converters
 *   flow_pattern.c  pattern walk, common item checks, EtherType/tags
 *   flow_actions.c  action list -> firmware action set, modify-header ops
 *                   (fixed-order check)
 *   flow_encap.c    VXLAN encap headers (definition or raw), RAW_DECAP data
 *   flow_objects.c  tables/groups/reformats (refcounted), capacity checks,
 *                   commit and rollback, firmware errors -> errno
 *   flow_ctx.c      context: caps, ports, root table, refusal messages
 *   flow_recover.c  steering left by a previous owner: flush or adopt,
 *                   orphan rules and their takeover
 *   flow_ops.c      validate/create/destroy/flush/query
 */
#ifndef SNIC_FLOW_INTERNAL_H
#define SNIC_FLOW_INTERNAL_H

#include <stdarg.h>

#include "snic_flow.h"

#define FLOW_MAGIC 0x736e666cu  /* "snfl" */

/** A firmware flow table: one per rte_flow group in use. */
struct flow_table {
	bool     used;
	uint32_t fw_id;
	uint32_t refs;      /**< rules in it + rules jumping to it (+1 root) */
	uint32_t n_groups;  /**< firmware groups of ours in it */
};

/** A firmware flow group: one per distinct (rte_flow group, mask). */
struct flow_group {
	struct flow_group *next;
	uint32_t group;     /**< rte_flow group (= table level) */
	uint32_t fw_id;
	uint32_t refs;      /**< rules using it */
	struct snic_ifc_match mask;
};

/** A VXLAN encap context: one per distinct (normalised) header. */
struct flow_reformat {
	struct flow_reformat *next;
	uint32_t fw_id;
	uint32_t refs;
	uint32_t len;
	uint8_t  data[SNIC_IFC_MAX_REFORMAT];
};

/** Where a pattern level (outer, or the frame inside VXLAN) stands. */
struct flow_level {
	bool     any;              /**< some item matched at this level */
	const struct rte_flow_item *eth;
	unsigned n_vlan;           /**< VLAN items (0..2) */
	const struct rte_flow_item *vlan[2];
	/* type fields in wire order: [0] ETH type, [1] after VLAN 1, [2] after
	 * VLAN 2; the last one present is the EtherType, earlier ones TPIDs */
	uint16_t type_v[3], type_m[3];       /**< host order */
	const struct rte_flow_item *type_item[3];
	int      has_vlan;         /**< -1 unspecified, 0, 1 */
	int      has_more_vlan;    /**< of VLAN 1: -1, 0, 1 */
	uint8_t  l3;               /**< 0, 4, 6: the IP item seen */
	uint8_t  l4;               /**< 0 or the IP protocol of the L4 item */
	const struct rte_flow_item *l3_item, *l4_item;
	uint8_t  vlan_pcp_known;   /**< VLAN 1 PCP fully matched */
	uint8_t  vlan_pcp;
	uint8_t  vlan_vid_known;   /**< VLAN 1 VID fully matched */
	uint16_t vlan_vid;
};

/** A destination of the rule. */
struct flow_dest {
	uint8_t  type;             /**< SNIC_DEST_VPORT / SNIC_DEST_REP */
	bool     encap;
	uint16_t vport;
};

/**
 * Everything a rule translates to, before anything exists in the firmware.
 * Filled by flow_xlate_*(); flow_commit() creates the objects.
 */
struct flow_xlate {
	struct snic_flow_ctx *ctx;
	struct rte_flow_error *error;
	const struct rte_flow_attr *attr;
	const struct snic_flow_port *port;   /**< the port given */
	bool     transfer;
	uint32_t group, priority;

	/* pattern */
	struct snic_ifc_match value, mask;
	struct flow_level lvl[2];            /**< outer, inner */
	const struct rte_flow_item *vxlan;   /**< the VXLAN item, if any */
	const struct rte_flow_item *src_item;/**< the port item, if any */

	/* actions */
	uint32_t act_flags;                  /**< SNIC_ACT_* */
	unsigned n_dests;
	struct flow_dest dests[SNIC_IFC_MAX_DESTS];
	uint8_t  pop;
	uint16_t push_tpid, push_tci;
	bool     push_vid_set;
	unsigned n_ops;
	struct snic_ifc_modify_op_desc ops[SNIC_IFC_MAX_MODIFY_OPS];
	bool     count, encap, jump;
	uint32_t jump_group;
	uint32_t tmpl_len;
	uint8_t  tmpl[SNIC_IFC_MAX_REFORMAT];
	const struct rte_flow_action *count_act, *encap_act, *jump_act;
	const struct rte_flow_action *modify_act, *end_act;

	/* an orphan with the same group, priority and match (flow_check_room) */
	struct snic_flow *adopt;             /**< same actions: take it over */
	struct snic_flow *replace;           /**< other actions: replace it */
};

/** What an orphan rule was created with, to compare a new rule against
 *  (allocated with room for its n_ops ops only: a restart may hold a
 *  million orphans). */
struct flow_orphan {
	struct snic_ifc_actions act;         /**< as the firmware holds them (le) */
	uint32_t n_ops;
	struct snic_ifc_modify_op_desc ops[]; /**< [n_ops] */
};

/** A rule. */
struct snic_flow {
	uint32_t magic;
	struct snic_flow_ctx *ctx;
	struct snic_flow *prev, *next;       /**< ctx->flows, creation order */
	struct snic_flow *hnext;             /**< duplicate-check hash chain */
	uint32_t group, priority;
	uint32_t jump_group;                 /**< UINT32_MAX: no JUMP */
	struct flow_group *grp;
	struct flow_reformat *reformat;
	uint32_t entry, modify, counter;     /**< SNIC_FLOW_NO_ID when none */
	struct snic_ifc_match value;
	struct flow_orphan *orphan;          /**< non-NULL: left by a previous
	                                          owner, no handle given out */
};

struct snic_flow_ctx {
	struct snic_fwc *fwc;
	struct snic_flow_caps caps;
	unsigned n_ports;
	struct snic_flow_port *ports;
	struct flow_table *tables;           /**< [max_table_level + 1] */
	struct flow_group *groups;
	struct flow_reformat *reformats;
	struct snic_flow *flows, *flows_tail;
	struct snic_flow **hash;             /**< [hash_size] */
	uint32_t hash_size;
	struct snic_flow_usage use;
	uint32_t flushed;                    /**< entries removed at attach */
	unsigned msg_next;
	char msgs[SNIC_FLOW_MSG_RING][SNIC_FLOW_MSG_LEN];
};

/* ---- flow_ctx.c ---- */

/** Fill *error (message formatted into ctx's ring), set rte_errno; -code. */
int flow_error(struct snic_flow_ctx *ctx, struct rte_flow_error *error, int code,
	       enum rte_flow_error_type type, const void *cause,
	       const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/** As flow_error() with the translation's context and error. */
#define XERR(x, code, type, cause, ...) \
	flow_error((x)->ctx, (x)->error, (code), (type), (cause), __VA_ARGS__)

const struct snic_flow_port *flow_port(const struct snic_flow_ctx *ctx,
				       uint32_t port_id);
/** "port 3 (vf2)" into buf. */
const char *flow_port_str(const struct snic_flow_ctx *ctx, uint32_t port_id,
			  char *buf, size_t len);
/** The ports of ctx as "0 (uplink0, proxy), 1 (vf0)..." into buf. */
const char *flow_ports_list(const struct snic_flow_ctx *ctx, char *buf, size_t len);
const char *flow_item_name(int type);
const char *flow_action_name(int type);

/* ---- flow_items.c: the item table ---- */

#define F_FULL 0x1u   /* mask must be all-ones or zero */
#define F_WORD 0x2u   /* a 32-bit word of bit-fields (see flow_item_word_bits()) */

struct flow_item_field {
	const char *name;
	uint16_t off, len;
	const uint8_t *supp;   /* matchable mask bits; NULL: all */
	uint8_t flags;
};

struct flow_item_desc;
typedef int (*flow_item_conv_fn)(struct flow_xlate *x, const struct flow_item_desc *d,
			    const struct rte_flow_item *it, const uint8_t *spec,
			    const uint8_t *mask, unsigned level);

struct flow_item_desc {
	int type;
	size_t size;
	const void *default_mask;
	const struct flow_item_field *fields;
	unsigned n_fields;
	const char *supported;        /* fields it matches, for messages */
	flow_item_conv_fn conv;
	bool meta;
};

/** The row of a supported item type, or NULL. */
const struct flow_item_desc *flow_item_find(int type);
/** Named and matchable bits of an item's bit-field word (ETH, VLAN, IPV6). */
void flow_item_word_bits(int type, uint32_t *named, uint32_t *supp);
/** A field's "supported bits" meaning: none. */
extern const uint8_t flow_item_no[16];

static inline struct snic_ifc_hdrs *hv(struct flow_xlate *x, unsigned level)
{
	return level ? &x->value.inner : &x->value.outer;
}

static inline struct snic_ifc_hdrs *hm(struct flow_xlate *x, unsigned level)
{
	return level ? &x->mask.inner : &x->mask.outer;
}

static inline const char *level_name(unsigned level)
{
	return level ? "inner " : "";
}

/* ---- flow_pattern.c ---- */

int flow_xlate_pattern(struct flow_xlate *x, const struct rte_flow_item pattern[]);
/** Merge value/mask bytes into the key; a contradiction is reported by the
 *  caller.  @return false on a contradiction (nothing changed then). */
bool flow_key_merge(void *kv, void *km, const void *v, const void *m, size_t n);

/* ---- flow_actions.c ---- */

int flow_xlate_actions(struct flow_xlate *x, const struct rte_flow_action actions[]);

/* ---- flow_encap.c ---- */

/**
 * Check ETH/[VLAN]/IPv4/UDP/VXLAN headers in t[0, len) (refusals name what
 * and cause a); for an encap (encap true) normalise the per-packet fields.
 */
int flow_tmpl_check(struct flow_xlate *x, const struct rte_flow_action *a,
		    uint8_t *t, size_t len, bool encap, const char *what);
/** Build x->tmpl from a VXLAN_ENCAP definition, checked and normalised. */
int flow_encap_def(struct flow_xlate *x, const struct rte_flow_action *a,
		   const struct rte_flow_item *def);

/* ---- flow_objects.c ---- */

/** Capacity and duplicate checks against the context's state. */
int flow_check_room(struct flow_xlate *x);
/** Create the firmware objects of x; on failure nothing is left. */
struct snic_flow *flow_commit(struct flow_xlate *x);
/** Destroy a rule's firmware objects; 0 or a negative errno. */
int flow_release(struct snic_flow_ctx *ctx, struct snic_flow *f,
		 struct rte_flow_error *error);
/** Drop a rule from the context's lists without touching the firmware. */
void flow_forget(struct snic_flow_ctx *ctx, struct snic_flow *f);
/** Append a rule to the context's list and hash. */
void flow_link(struct snic_flow_ctx *ctx, struct snic_flow *f);
/** Destroy groups, reformats and non-root tables no rule uses; 0 or -EIO. */
int flow_put_unused(struct snic_flow_ctx *ctx);
/** Forget every rule, group, reformat and table without firmware commands. */
void flow_drop_all(struct snic_flow_ctx *ctx);
struct flow_group *flow_group_find(struct snic_flow_ctx *ctx, uint32_t group,
				   const struct snic_ifc_match *mask);
struct flow_reformat *flow_reformat_find(struct snic_flow_ctx *ctx,
					 const uint8_t *data, uint32_t len);
uint32_t flow_hash(uint32_t group, uint32_t prio, const struct snic_ifc_match *v);
/** Report the last firmware error of ctx->fwc: "<doing>: <firmware says>". */
int flow_fw_error(struct snic_flow_ctx *ctx, struct rte_flow_error *error,
		  uint32_t syndrome, enum rte_flow_error_type type,
		  const void *cause, const char *doing);

/* ---- flow_recover.c ---- */

/** The root table exists at attach: flush or adopt per mode, or refuse. */
int flow_recover(struct snic_flow_ctx *ctx, enum snic_flow_recover mode,
		 char *err, size_t errlen);
/** Would x create exactly orphan f (same actions and objects)? */
bool flow_orphan_same(const struct flow_xlate *x, const struct snic_flow *f);
/** Orphan f becomes an ordinary rule (its handle is given out). */
void flow_orphan_adopt(struct snic_flow_ctx *ctx, struct snic_flow *f);

#endif /* SNIC_FLOW_INTERNAL_H */
