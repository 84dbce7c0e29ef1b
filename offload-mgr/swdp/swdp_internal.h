/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * swdp_internal.h - the software datapath's insides, shared by its files
 * (and by its tests, which look at the classifier directly):
 *
 *   swdp_key.c    the OpenFlow view of a packet (struct swdp_key) from a
 *                 parsed frame, and of a rule's match as value + mask
 *   swdp_cls.c    the tuple-space classifier of the rules, per table
 *   swdp_trie.c   its prefix tries (which subtables a lookup can skip)
 *   swdp_xlate.c  one packet's key through the pipeline -> a program
 *                 (struct swdp_op list) + the key bits it depended on
 *   swdp_cache.c  megaflow cache and exact-match cache of programs
 *   swdp_exec.c   a program applied to a frame (the packet library's
 *                 rewrites), outputs into the arena
 *   swdp.c        ingress (parse, tunnel receive), the public API
 */
#ifndef SWDP_INTERNAL_H
#define SWDP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snic_fw_pkt.h"
#include "snic_mgr_swdp.h"
#include "snic_mgr_xlate.h"

#define SWDP_CFI          0x1000u   /* vlan_tci: a tag is present */
#define SWDP_N_TABLES     255u      /* OpenFlow tables 0..254 */
#define SWDP_HEADROOM     256u      /* working buffer: VLAN pushes + encap */
#define SWDP_TAILROOM     64u
#define SWDP_ENCAP_ROOM   64u       /* headroom of a copied tunnel output */
#define SWDP_XOPS_MAX     8192u     /* ops of one translation */
#define SWDP_BURST        32u       /* packets per internal burst */

/* ---- the key: the OpenFlow view of a packet (host order) ---- */

struct swdp_key {
	uint64_t tun_id;
	uint32_t tun_src, tun_dst;
	uint64_t metadata;
	uint32_t in_port;
	uint16_t vlan_tci;          /* outer tag, SWDP_CFI = present */
	uint16_t dl_type;
	uint8_t  dl_src[6];
	uint16_t vlan_inner;        /* inner tag (not matchable: actions) */
	uint8_t  dl_dst[6];
	uint8_t  nw_proto, nw_tos;
	uint32_t nw_src, nw_dst;    /* IPv4; ARP SPA/TPA */
	uint8_t  ipv6_src[16], ipv6_dst[16];
	uint16_t tp_src, tp_dst;
	uint8_t  nw_ttl;
	uint8_t  nw_frag;           /* SNIC_IFC_FRAG_* (not matchable: actions) */
	uint8_t  pad[2];
};

#define SWDP_KEY_WORDS 12u
union swdp_keyw {
	struct swdp_key k;
	uint64_t w[SWDP_KEY_WORDS];
};
_Static_assert(sizeof(struct swdp_key) == 8 * SWDP_KEY_WORDS, "key layout");

/* A mask and the indexes of its non-zero words (what is hashed/compared). */
struct swdp_mask {
	union swdp_keyw m;
	uint8_t n_words;
	uint8_t words[SWDP_KEY_WORDS];
};

void swdp_mask_init(struct swdp_mask *m, const union swdp_keyw *bits);

/*
 * Hash of key & mask over the mask's words: a multiply-rotate per word and
 * a final avalanche (murmur-style), inline because the classifier and the
 * megaflow cache compute one per subtable probed.
 */
static inline uint64_t swdp_hash_masked(const union swdp_keyw *k,
					const struct swdp_mask *m, uint64_t seed)
{
	uint64_t h = seed;

	for (unsigned i = 0; i < m->n_words; i++) {
		unsigned j = m->words[i];
		uint64_t w = (k->w[j] & m->m.w[j]) * 0x87c37b91114253d5ull;

		w = (w << 31 | w >> 33) * 0x4cf5ad432745937full;
		h ^= w;
		h = (h << 27 | h >> 37) * 5 + 0x52dce729;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

/*
 * Hash of a whole key, for the EMC (which compares whole keys, so the hash
 * only has to spread them): four lanes of XOR-folded words, multiplied,
 * then the avalanche -- a fraction of a general hash's cost per packet.
 */
static inline uint64_t swdp_hash_key(const union swdp_keyw *k)
{
	const uint64_t *w = k->w;
	uint64_t a = (w[0] ^ w[4] ^ w[8]) * 0x9e3779b97f4a7c15ull;
	uint64_t b = (w[1] ^ w[5] ^ w[9]) * 0xc2b2ae3d27d4eb4full;
	uint64_t c = (w[2] ^ w[6] ^ w[10]) * 0x165667b19e3779f9ull;
	uint64_t d = (w[3] ^ w[7] ^ w[11]) * 0x27d4eb2f165667c5ull;
	uint64_t h = a ^ (b << 21 | b >> 43) ^ (c << 42 | c >> 22) ^ (d << 11 | d >> 53);

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

/* key & mask == val (val already masked)? */
static inline bool swdp_masked_eq(const union swdp_keyw *k,
				  const struct swdp_mask *m,
				  const union swdp_keyw *val)
{
	uint64_t diff = 0;

	for (unsigned i = 0; i < m->n_words; i++) {
		unsigned j = m->words[i];
		diff |= (k->w[j] & m->m.w[j]) ^ val->w[j];
	}
	return diff == 0;
}

static inline bool swdp_key_eq(const union swdp_keyw *a, const union swdp_keyw *b)
{
	uint64_t diff = 0;

	for (unsigned i = 0; i < SWDP_KEY_WORDS; i++)
		diff |= a->w[i] ^ b->w[i];
	return diff == 0;
}

/* The OpenFlow view of headers h (see snic_mgr_swdp.h for the mapping). */
void swdp_key_from_hdrs(const struct snic_ifc_hdrs *h, uint32_t in_port,
			union swdp_keyw *k);
/* A rule's match as value (masked) + mask. */
void swdp_key_from_match(const struct snic_of_match *m, union swdp_keyw *val,
			 union swdp_keyw *mask);
/* 0, or -ENOTSUP with why: what this datapath cannot do exactly. */
int swdp_rule_check(const struct snic_of_rule *r, char *why, size_t len);

/* ---- prefix tries (swdp_trie.c) ---- */

/*
 * One per table and field (nw_src, nw_dst): a path-compressed binary trie
 * of the rules' prefixes on the field, each node counting the rules whose
 * prefix it is.  A lookup walks it once for the key's address and learns
 * which prefix lengths some rule has on that path; a subtable whose mask is
 * a prefix of another length on the field cannot match and is skipped.
 * Ports are kept as the top 16 bits (lengths 0..16).  Invariants: a node
 * without rules has two children; a child extends its parent's prefix;
 * n_rules sums to the table's rules with a CIDR mask of length >= 1 on the
 * field.  Nodes: fewer than twice the distinct prefixes, 24 bytes each.
 */
#define SWDP_N_TRIES   4u
#define SWDP_TRIE_SRC  0u           /* nw_src */
#define SWDP_TRIE_DST  1u           /* nw_dst */
#define SWDP_TRIE_TP_SRC 2u         /* tp_src (as the top 16 bits) */
#define SWDP_TRIE_TP_DST 3u         /* tp_dst */
#define SWDP_PLEN_NONE 0xffu        /* a mask that is not a CIDR prefix */

/* Trie f's field of k, its first bit the top one (ports: 16 bits, so their
 * prefixes have lengths 0..16). */
static inline uint32_t swdp_trie_field(const union swdp_keyw *k, unsigned f)
{
	switch (f) {
	case SWDP_TRIE_SRC:
		return k->k.nw_src;
	case SWDP_TRIE_DST:
		return k->k.nw_dst;
	case SWDP_TRIE_TP_SRC:
		return (uint32_t)k->k.tp_src << 16;
	default:
		return (uint32_t)k->k.tp_dst << 16;
	}
}

struct swdp_trie_node {
	uint32_t prefix;            /* the top plen bits; the rest 0 */
	uint8_t  plen;              /* 0..32 */
	uint32_t n_rules;           /* rules whose prefix this is */
	struct swdp_trie_node *child[2];  /* by bit plen of the address */
};

struct swdp_trie {
	struct swdp_trie_node *root;
};

/* The prefix length of a mask, or SWDP_PLEN_NONE. */
unsigned swdp_mask_plen(uint32_t m);
/* One more rule with this prefix: 0 or -ENOMEM (trie unchanged). */
int swdp_trie_insert(struct swdp_trie *t, uint32_t prefix, unsigned plen);
/* One rule fewer (inserted before); frees the nodes no longer needed. */
void swdp_trie_remove(struct swdp_trie *t, uint32_t prefix, unsigned plen);
void swdp_trie_destroy(struct swdp_trie *t);
/* Bit L set: some rule's prefix of length L covers addr.  *end: how many
 * top bits of addr the walk looked at (every address agreeing on them gets
 * the same answer). */
uint64_t swdp_trie_lookup(const struct swdp_trie *t, uint32_t addr, unsigned *end);

/* ---- the classifier ---- */

struct swdp_rule {
	uint32_t id;
	uint32_t slot;              /* index in swdp_cls.rules */
	uint8_t  table;
	uint16_t priority;
	struct swdp_subtable *st;
	int32_t  id_next;           /* id hash chain */
	uint64_t hash;              /* of val under st's mask */
	union swdp_keyw val;
	uint64_t packets, bytes;
	unsigned n_actions;
	struct snic_of_action *actions;
};

struct swdp_pri {
	uint16_t pri;
	uint32_t n;
};

/* A subtable's hash table entry: open addressing, linear probing. */
struct swdp_bucket {
	uint64_t hash;
	int32_t slot;               /* rule slot; -1: empty */
	uint32_t pad;
};

struct swdp_subtable {
	/* what a lookup reads first, together */
	uint16_t max_pri;           /* pris[0].pri (0 when empty) */
	uint8_t  plen[SWDP_N_TRIES]; /* the mask's prefix length on each trie's
					field, or SWDP_PLEN_NONE (not CIDR) */
	uint32_t n_buckets;         /* power of two, at least twice n_rules */
	struct swdp_bucket *buckets;
	struct swdp_mask mask;
	uint32_t n_rules;
	struct swdp_pri *pris;      /* distinct priorities, highest first */
	uint32_t n_pris, cap_pris;
};

/* What a lookup reads of a subtable to decide whether to probe it, in an
 * array parallel to swdp_table.st: dense (8 to a cache line), so subtables
 * that are passed over cost no cache miss. */
struct swdp_st_sum {
	uint16_t max_pri;
	uint8_t  plen[SWDP_N_TRIES]; /* the subtable's plen[], 0 (never skip)
					where the table does not use that trie
					or the mask is not a prefix */
	uint8_t  pad[2];
};

struct swdp_table {
	struct swdp_subtable **st;  /* by highest priority, highest first */
	struct swdp_st_sum *sum;    /* sum[i]: of st[i] */
	uint32_t n_st, cap_st;
	/* per field (SWDP_TRIE_*): the prefixes of the rules whose subtable
	 * has a CIDR mask of length >= 1 on that field (swdp_trie.c) */
	struct swdp_trie tries[SWDP_N_TRIES];
};

struct swdp_cls {
	struct swdp_table tables[SWDP_N_TABLES];
	struct swdp_rule **rules;   /* by slot; NULL = free */
	uint32_t n_slots, cap_slots;
	uint32_t *free_slots;
	uint32_t n_free;
	int32_t *id_buckets;
	uint32_t n_id_buckets;
	size_t n_rules;
};

int swdp_cls_init(struct swdp_cls *c);
void swdp_cls_fini(struct swdp_cls *c);
struct swdp_rule *swdp_cls_find(const struct swdp_cls *c, uint32_t id);
/* Takes ownership of r (allocated with malloc, actions too) on success. */
int swdp_cls_insert(struct swdp_cls *c, struct swdp_rule *r,
		    const union swdp_keyw *mask);
void swdp_cls_remove(struct swdp_cls *c, struct swdp_rule *r);
/* The rule table `table` gives key, or NULL; ORs into wc every mask it
 * probed (the bits the answer depends on). */
const struct swdp_rule *swdp_cls_lookup(const struct swdp_cls *c, unsigned table,
					const union swdp_keyw *key,
					union swdp_keyw *wc);

/* ---- programs ---- */

enum swdp_op_type {
	SWDP_OP_HIT = 1,     /* arg: rule slot (counters, res->hits) */
	SWDP_OP_MODIFY,      /* u.mod */
	SWDP_OP_PUSH_VLAN,   /* port: TPID, arg: TCI */
	SWDP_OP_POP_VLAN,
	SWDP_OP_OUTPUT,      /* arg: ofport, port: DPDK port */
	SWDP_OP_TUNNEL,      /* OUTPUT with encap; the template follows in
				SWDP_TMPL_OPS DATA ops */
	SWDP_OP_CONTROLLER,  /* arg: max_len, u.ctl */
	SWDP_OP_MISS,        /* u.ctl.table: hand the packet over */
	SWDP_OP_DROP,        /* arg: reason; processing goes on */
	SWDP_OP_STOP,        /* arg: reason; processing stops */
	SWDP_OP_WAIT,        /* arg: next hop IP being resolved */
	SWDP_OP_DATA,
};

struct swdp_op {
	uint8_t  type;
	uint8_t  in_place;   /* outputs: the last use of the buffer */
	uint16_t port;
	uint32_t arg;
	union {
		struct snic_ifc_modify_op_desc mod;
		struct {
			uint16_t id;
			uint8_t reason, table;
		} ctl;
		uint8_t data[16];
	} u;
};
_Static_assert(sizeof(struct swdp_op) == 24, "op layout");
#define SWDP_TMPL_OPS 3u     /* 3 * 24 >= SNIC_REFORMAT_VXLAN_LEN */

static inline const uint8_t *swdp_op_tmpl(const struct swdp_op *tunnel_op)
{
	return (const uint8_t *)(tunnel_op + 1);
}

/* A translation: the program and what it depended on. */
struct swdp_xlate_out {
	struct swdp_op *ops;
	unsigned n_ops;
	union swdp_keyw wc;         /* bits of the key the program depends on */
	bool cacheable;             /* no unresolved/unreachable next hop */
};

/* ---- caches ---- */

struct swdp_mf_mask {
	struct swdp_mask mask;
	uint64_t hits;
};

struct swdp_mf {
	uint64_t gen;               /* valid when the cache's generation */
	uint64_t hash;
	uint32_t mask;              /* index in masks[] */
	uint32_t ops;               /* offset in the op pool */
	uint32_t n_ops;
	uint32_t pad;
	union swdp_keyw val;        /* key & mask */
};

struct swdp_emc {
	uint64_t gen;
	uint64_t hash;
	uint32_t mf;                /* index in mf[] */
	uint32_t pad;
	union swdp_keyw key;
};

struct swdp_cache {
	uint64_t gen;
	struct swdp_mf_mask *masks;
	uint32_t *order;            /* masks by hits, most first */
	uint32_t n_masks, max_masks;
	uint64_t lookups;           /* since the last re-ordering */
	struct swdp_mf *mf;
	uint32_t mf_slots;          /* power of two, twice max_mf */
	uint32_t n_mf, max_mf;
	struct swdp_op *pool;
	uint32_t n_pool, max_pool;
	struct swdp_emc *emc;       /* NULL: no EMC */
	uint32_t emc_slots;
	uint32_t emc_turn;          /* which way an insert replaces next */
};

/* The EMC is 2-way: a key may sit in either of two slots its hash picks. */
static inline struct swdp_emc *swdp_emc_way(const struct swdp_cache *c,
					    uint64_t hash, unsigned way)
{
	return &c->emc[(way ? hash >> 32 : hash) & (c->emc_slots - 1)];
}

int swdp_cache_init(struct swdp_cache *c, uint32_t megaflows, uint32_t emc);
void swdp_cache_fini(struct swdp_cache *c);
/* Start a new generation: every entry becomes invalid. */
void swdp_cache_flush(struct swdp_cache *c);
/* The cached program for key (hash: of the whole key), or NULL. */
const struct swdp_mf *swdp_emc_lookup(const struct swdp_cache *c,
				      const union swdp_keyw *key, uint64_t hash);
const struct swdp_mf *swdp_mf_lookup(struct swdp_cache *c,
				     const union swdp_keyw *key);
void swdp_emc_insert(struct swdp_cache *c, const union swdp_keyw *key,
		     uint64_t hash, const struct swdp_mf *mf);
/* Cache x for key; NULL when it cannot (then flushed: full). */
const struct swdp_mf *swdp_mf_insert(struct swdp_cache *c,
				     const union swdp_keyw *key,
				     const struct swdp_xlate_out *x,
				     uint64_t *flushes);

static inline const struct swdp_op *swdp_mf_ops(const struct swdp_cache *c,
						const struct swdp_mf *mf)
{
	return c->pool + mf->ops;
}

/* ---- the datapath ---- */

struct snic_mgr_swdp {
	struct snic_mgr_xlate_env env;
	enum snic_mgr_swdp_miss miss;
	bool use_emc, use_mf;
	struct swdp_cls cls;
	struct swdp_cache cache;

	struct snic_mgr_port *tun;  /* tunnel ports, in receive order */
	unsigned n_tun, cap_tun;

	uint32_t memo_ofport;       /* last ingress port looked up */
	int memo_kind;              /* its kind; 0 = no such port; -1 none */

	struct swdp_op *xops;       /* the translation's scratch program */

	uint8_t *arena;
	size_t arena_size, arena_used;

	struct snic_mgr_swdp_stats st;
};

/* One packet in flight. */
struct swdp_pkt {
	struct snic_ifc_match m;    /* parsed; m.outer = the pipeline's frame */
	struct snic_fw_buf b;       /* working buffer (arena) */
	union swdp_keyw key;
	uint64_t hash;
	uint32_t in_len;            /* length entering the pipeline */
	bool ok;                    /* reached the pipeline */
};

/* Translate key (swdp_xlate.c) into x (ops in dp->xops). */
void swdp_xlate(struct snic_mgr_swdp *dp, const union swdp_keyw *key,
		struct swdp_xlate_out *x);

/* The program for key (hash: swdp_hash_key(key)): from the exact-match
 * cache, else the megaflow cache (then put in the EMC), else translated
 * into x (the caller's room) and cached when it may be; counted in dp->st.
 * The one cache path: process() and the benchmarks both take it. */
static inline const struct swdp_op *swdp_program(struct snic_mgr_swdp *dp,
						 const union swdp_keyw *key,
						 uint64_t hash,
						 struct swdp_xlate_out *x,
						 unsigned *n_ops)
{
	struct swdp_cache *c = &dp->cache;
	const struct swdp_mf *mf = NULL;

	if (dp->use_emc && (mf = swdp_emc_lookup(c, key, hash))) {
		dp->st.emc_hits++;
	} else if (dp->use_mf && (mf = swdp_mf_lookup(c, key))) {
		dp->st.megaflow_hits++;
		swdp_emc_insert(c, key, hash, mf);
	}
	if (mf) {
		*n_ops = mf->n_ops;
		return swdp_mf_ops(c, mf);
	}
	dp->st.upcalls++;
	swdp_xlate(dp, key, x);
	if (dp->use_mf && x->cacheable &&
	    (mf = swdp_mf_insert(c, key, x, &dp->st.flushes)))
		swdp_emc_insert(c, key, hash, mf);
	*n_ops = x->n_ops;
	return x->ops;
}
/* Run ops on pkt (swdp_exec.c). */
void swdp_exec(struct snic_mgr_swdp *dp, struct swdp_pkt *pkt,
	       const struct swdp_op *ops, unsigned n_ops,
	       struct snic_mgr_swdp_result *res);
/* Record a drop in res and the totals. */
void swdp_drop(struct snic_mgr_swdp *dp, struct snic_mgr_swdp_result *res,
	       uint32_t reason);
/* Arena memory (64-byte aligned), or NULL when it is full. */
uint8_t *swdp_arena_alloc(struct snic_mgr_swdp *dp, uint32_t n);
/* Parse a frame as the pipeline sees it (no tunnel): VXLAN-looking UDP
 * whose payload is not VXLAN is plain UDP.  0 or the drop reason. */
int swdp_parse_plain(const uint8_t *f, uint32_t len, struct snic_ifc_match *m);

#endif /* SWDP_INTERNAL_H */
