/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fw_internal.h - the firmware's object model, private to nic-fw/src.
 *
 * Memory: every array below is allocated once at boot, sized from the board
 * (fw.c), and never grows.  Ids handed to the host are array indices.
 *
 *   tables[max_tables]          each with order[max_groups_per_table]: the
 *                               ids of its groups, sorted by min_prio
 *   groups[max_groups]          mask as words + the list of non-zero words
 *   entries[max_entries]        allocated from a free list, then a high-water
 *                               mark, so boot touches none of them
 *   slots[pow2 >= 2 x entries]  one open-addressing hash table for all
 *                               groups: an entry is found by hash(group id,
 *                               masked key); each slot keeps the hash next
 *                               to the entry id, so a probe reads no entry
 *                               unless the hash matches
 *   counters, reformat, modify  fixed pools with reference counts; counters
 *                               also have a bitmap of used ids, so finding a
 *                               free run skips full words
 *   vports[1 + n_vfs + n_uplinks]  PF, VFs, uplinks
 *
 * Layers: steer.c owns tables/groups/entries and lookup (no validation of
 * host input); cmd*.c decode and validate commands, then call steer.c;
 * pipeline.c runs packets; vport.c applies per-vport policy.
 */
#ifndef SNIC_FW_INTERNAL_H
#define SNIC_FW_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "snic_fw.h"

#define FW_W SNIC_IFC_MATCH_WORDS
#define FW_NONE 0xffffffffu

/** A flow key that can be read as 64-bit words. */
union fw_key {
	struct snic_ifc_match m;
	uint64_t w[FW_W];
};

/** Actions of an entry, decoded to host order. */
struct fw_dest {
	uint8_t  type;
	uint8_t  flags;
	uint16_t vport;
	uint32_t reformat;
};
struct fw_actions {
	uint32_t flags;
	uint32_t counter;
	uint32_t goto_table;
	uint32_t modify;
	uint16_t push_tpid;
	uint16_t push_tci;
	uint8_t  pop_vlan;
	uint8_t  n_dests;
	struct fw_dest dests[SNIC_IFC_MAX_DESTS];
};

struct fw_table {
	bool     used;
	uint8_t  miss;           /* enum snic_ifc_miss */
	uint32_t level;
	uint32_t miss_table;
	uint32_t flags;
	uint32_t refs;           /* gotos and misses that target this table */
	uint32_t next;           /* table of the next higher level, or FW_NONE */
	uint32_t n_groups;
	uint32_t n_entries;
	uint32_t *order;         /* group ids, ascending min_prio */
	uint64_t lookups;
	uint64_t misses;
};

struct fw_group {
	bool     used;
	uint8_t  n_words;        /* non-zero words of mask */
	uint8_t  words[FW_W];    /* their indices */
	uint32_t table;
	uint32_t n_entries;
	uint32_t min_prio;       /* lower bound of its entries' priorities;
	                            FW_NONE when empty */
	union fw_key mask;
};

struct fw_entry {
	uint32_t next_free;      /* free list link (entry id + 1) when free */
	uint32_t group;          /* group id + 1, 0 = free */
	uint32_t prio;
	uint32_t hash;
	union fw_key value;      /* already masked */
	struct fw_actions act;
};

/** A hash table slot: empty when id1 == 0. */
struct fw_slot {
	uint32_t hash;
	uint32_t id1;            /* entry id + 1 */
};

struct fw_reformat {
	bool     used;
	uint8_t  len;
	uint32_t type;
	uint32_t refs;
	uint8_t  data[SNIC_IFC_MAX_REFORMAT];
};

struct fw_modify {
	bool     used;
	uint8_t  n_ops;
	uint32_t refs;
	struct snic_ifc_modify_op_desc ops[SNIC_IFC_MAX_MODIFY_OPS];
};

struct fw_counter {
	uint64_t packets;
	uint64_t bytes;
};
struct fw_counter_meta {
	uint32_t refs;           /* entries counting here */
	uint16_t bulk;           /* bulk size when this is a bulk's base */
	uint8_t  used;
	uint8_t  rsvd;
};

struct fw_vport {
	uint16_t id;
	struct snic_ifc_vport_ctx ctx;   /* host order in memory */
	struct snic_ifc_vport_stats st;  /* host order in memory */
	uint64_t tokens;                 /* rate limiter, 1e-3 bit */
	uint64_t last_ns;
	uint32_t refs;                   /* flow entries naming it: src_vport
	                                    match (full mask), destinations */
	bool     link_reported;          /* last PORT_LINK state posted */
};

/** A LIFO of free ids; pops ascending ids first. */
struct fw_idpool {
	uint32_t *ids;
	uint32_t n_free;
	uint32_t cap;
};

struct snic_fw {
	const struct snic_fw_hal *hal;
	struct snic_fw_board board;
	struct snic_fw_pkt_cfg pcfg;
	uint32_t esw_mode;
	uint32_t root;                   /* root table id or FW_NONE */
	uint32_t n_tables_used;

	struct fw_table *tables;
	struct fw_idpool table_ids;
	struct fw_group *groups;
	struct fw_idpool group_ids;
	struct fw_entry *entries;
	uint32_t entry_hwm;              /* entries [0, hwm) have been used */
	uint32_t entry_free;             /* free list head id + 1 */
	uint32_t n_entries;
	struct fw_slot *slots;
	uint32_t slot_mask;

	struct fw_reformat *reformats;
	struct fw_idpool reformat_ids;
	struct fw_modify *modifies;
	struct fw_idpool modify_ids;
	struct fw_counter *counters;
	struct fw_counter_meta *counter_meta;
	uint64_t *counter_bits;          /* bit set: counter used */
	uint32_t counter_cursor;         /* where the next search starts */

	struct fw_vport *vports;
	uint32_t n_vports;
	uint32_t num_vfs;                /* VFs enabled: 0..num_vfs-1 */
	bool uplink_up[SNIC_IFC_MAX_UPLINKS];

	uint64_t rx_packets;
	uint64_t drops[SNIC_DROP_MAX_];
	uint64_t event_seq;

	uint8_t *caps_fdt;               /* capabilities, built at boot */
	uint32_t caps_len;
	uint8_t *frame;                  /* pipeline buffer: headroom + frame */

	struct { void *p; size_t size; } mem[24];
	unsigned n_mem;
};

/* fw.c */
void fw_log(struct snic_fw *fw, enum snic_fw_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void fw_post_event(struct snic_fw *fw, uint16_t type, uint16_t vport,
		   uint32_t value);
/** All cap ids free; gets return 0, 1, 2, ... */
void fw_idpool_init(struct fw_idpool *p, uint32_t *ids, uint32_t cap);
uint32_t fw_idpool_get(struct fw_idpool *p);
void fw_idpool_put(struct fw_idpool *p, uint32_t id);

/* caps.c */
int fw_caps_build(struct snic_fw *fw, uint8_t *buf, uint32_t cap);

/* steer.c: no validation of host input here (cmd_steer.c did it). */
uint32_t fw_table_create(struct snic_fw *fw, uint32_t level, uint32_t miss,
			 uint32_t miss_table, uint32_t flags);
void fw_table_destroy(struct snic_fw *fw, uint32_t id);
uint32_t fw_group_create(struct snic_fw *fw, uint32_t table,
			 const union fw_key *mask);
void fw_group_destroy(struct snic_fw *fw, uint32_t id);
/** An entry in group with the same masked value and priority, or FW_NONE. */
uint32_t fw_entry_find(const struct snic_fw *fw, uint32_t gid,
		       const union fw_key *value, uint32_t prio);
uint32_t fw_entry_create(struct snic_fw *fw, uint32_t gid,
			 const union fw_key *value, uint32_t prio,
			 const struct fw_actions *act);
void fw_entry_destroy(struct snic_fw *fw, uint32_t id);
bool fw_entry_valid(const struct snic_fw *fw, uint32_t id);
/** Best entry of table for key, or FW_NONE. */
uint32_t fw_lookup(struct snic_fw *fw, uint32_t table, const union fw_key *key);
/** The table a NEXT miss goes to, or FW_NONE. */
uint32_t fw_table_next(const struct snic_fw *fw, uint32_t table);
/** What fw_steering_reset() destroyed. */
struct fw_reset_counts {
	uint32_t entries, groups, tables, others;
};
/** Destroy every steering object (entries, groups, tables, reformat and
 *  modify contexts, counters); ids restart from 0 as after boot. */
void fw_steering_reset(struct snic_fw *fw, struct fw_reset_counts *n);

/* vport.c */
struct fw_vport *fw_vport(struct snic_fw *fw, uint16_t vport);
void fw_vport_init(struct snic_fw *fw);
/** Ingress policy for a frame a vport sends: false when dropped (counted
 *  in the vport).  May push the VF's VLAN tag into b. */
bool fw_vport_ingress(struct snic_fw *fw, struct fw_vport *vp,
		      struct snic_fw_buf *b);
/** Egress policy + transmit to a vport; applies VLAN strip for VST VFs. */
void fw_vport_deliver(struct snic_fw *fw, uint16_t vport,
		      struct snic_fw_buf *b);
void fw_vport_to_rep(struct snic_fw *fw, uint16_t vport, const uint8_t *frame,
		     uint32_t len);
void fw_vport_link_update(struct snic_fw *fw);
/** Vport array index i back to its boot defaults (context, stats, rate). */
void fw_vport_reset(struct snic_fw *fw, uint32_t i);
/** Flow entry e starts (d = +1) or stops (d = -1) naming its vports. */
void fw_vport_refs(struct snic_fw *fw, const struct fw_entry *e,
		   const struct fw_group *g, int d);

/** Is vport (which exists) enabled: anything but a VF at or above num_vfs. */
static inline bool fw_vport_enabled(const struct snic_fw *fw, uint16_t vport)
{
	return !SNIC_IFC_VPORT_IS_VF(vport) ||
	       SNIC_IFC_VPORT_VF_INDEX(vport) < fw->num_vfs;
}

/* cmd_*.c handlers: return a syndrome; write *out_len bytes of reply. */
struct fw_cmd_ctx {
	struct snic_fw *fw;
	uint16_t func;
	const void *in;
	void *out;
	uint32_t out_cap;
	uint32_t out_len;
};
uint32_t fw_cmd_create_table(struct fw_cmd_ctx *c);
uint32_t fw_cmd_destroy_table(struct fw_cmd_ctx *c);
uint32_t fw_cmd_query_table(struct fw_cmd_ctx *c);
uint32_t fw_cmd_create_group(struct fw_cmd_ctx *c);
uint32_t fw_cmd_destroy_group(struct fw_cmd_ctx *c);
uint32_t fw_cmd_query_group(struct fw_cmd_ctx *c);
uint32_t fw_cmd_create_entry(struct fw_cmd_ctx *c);
uint32_t fw_cmd_destroy_entry(struct fw_cmd_ctx *c);
uint32_t fw_cmd_query_entry(struct fw_cmd_ctx *c);
uint32_t fw_cmd_alloc_reformat(struct fw_cmd_ctx *c);
uint32_t fw_cmd_dealloc_reformat(struct fw_cmd_ctx *c);
uint32_t fw_cmd_alloc_modify(struct fw_cmd_ctx *c);
uint32_t fw_cmd_dealloc_modify(struct fw_cmd_ctx *c);
uint32_t fw_cmd_alloc_counters(struct fw_cmd_ctx *c);
uint32_t fw_cmd_dealloc_counters(struct fw_cmd_ctx *c);
uint32_t fw_cmd_query_counters(struct fw_cmd_ctx *c);
uint32_t fw_cmd_query_vport(struct fw_cmd_ctx *c);
uint32_t fw_cmd_modify_vport(struct fw_cmd_ctx *c);
uint32_t fw_cmd_list_objects(struct fw_cmd_ctx *c);
uint32_t fw_cmd_query_reformat(struct fw_cmd_ctx *c);
uint32_t fw_cmd_query_modify(struct fw_cmd_ctx *c);
uint32_t fw_cmd_reset_steering(struct fw_cmd_ctx *c);
uint32_t fw_cmd_query_sriov(struct fw_cmd_ctx *c);
uint32_t fw_cmd_set_num_vfs(struct fw_cmd_ctx *c);

/* strings.c */
uint32_t fw_syndrome_status(uint32_t syndrome);

/* helpers */
static inline bool fw_bytes_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static inline uint32_t fw_le32(uint32_t v) { return snic_ifc_le32(v); }
static inline uint16_t fw_le16(uint16_t v) { return snic_ifc_le16(v); }
static inline uint64_t fw_le64(uint64_t v) { return snic_ifc_le64(v); }

#endif /* SNIC_FW_INTERNAL_H */
