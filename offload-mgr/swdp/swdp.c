/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * swdp.c - the software datapath's public face: create/destroy, rules,
 * environment, ingress (parse, tunnel receive), the per-packet path through
 * the caches, bursts, counters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic_fw.h"
#include "swdp_internal.h"

#define DEF_EMC        8192u
#define DEF_MEGAFLOWS  16384u
#define DEF_ARENA      (4u << 20)
#define ETH_P_IPV4     0x0800u

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* ---- tunnel ports ---- */

/* Open vSwitch's receive order (ofproto/tunnel.c tnl_find): a fixed key
 * before key=flow, then a fixed remote before remote_ip=flow, then a fixed
 * local_ip before local_ip=flow. */
static unsigned tun_rank(const struct snic_mgr_port *t)
{
	return (t->key_flow ? 4u : 0u) | (t->remote_flow ? 2u : 0u) |
	       (t->local_flow ? 1u : 0u);
}

static void load_tunnels(struct snic_mgr_swdp *dp)
{
	const struct snic_mgr_port *tmp[64], **p = tmp;
	unsigned n = 0, cap = 64;

	dp->n_tun = 0;
	if (!dp->env.tunnels)
		return;
	n = dp->env.tunnels(dp->env.arg, p, cap);
	if (n > cap) {
		p = malloc(n * sizeof(*p));
		if (!p)
			return;         /* no tunnel receive until memory */
		cap = n;
		n = dp->env.tunnels(dp->env.arg, p, cap);
		if (n > cap)
			n = cap;
	}
	if (n > dp->cap_tun) {
		struct snic_mgr_port *t = realloc(dp->tun, n * sizeof(*t));

		if (!t)
			n = dp->cap_tun;
		else {
			dp->tun = t;
			dp->cap_tun = n;
		}
	}
	/* stable insertion by rank */
	for (unsigned i = 0; i < n; i++) {
		unsigned j = dp->n_tun;

		if (p[i]->kind != SNIC_MGR_PORT_TUNNEL)
			continue;
		while (j > 0 && tun_rank(&dp->tun[j - 1]) > tun_rank(p[i])) {
			dp->tun[j] = dp->tun[j - 1];
			j--;
		}
		dp->tun[j] = *p[i];
		dp->n_tun++;
	}
	if (p != tmp)
		free(p);
}

static bool tun_udp_port(const struct snic_mgr_swdp *dp, uint16_t port)
{
	for (unsigned i = 0; i < dp->n_tun; i++)
		if (dp->tun[i].dst_port == port)
			return true;
	return false;
}

/* Is (dst, port) a local VTEP address of some tunnel port? */
static bool local_vtep(const struct snic_mgr_swdp *dp, uint32_t dst, uint16_t port)
{
	for (unsigned i = 0; i < dp->n_tun; i++) {
		const struct snic_mgr_port *t = &dp->tun[i];

		if (t->dst_port == port && (t->local_flow || t->local_ip == dst))
			return true;
	}
	return false;
}

static const struct snic_mgr_port *tun_find(const struct snic_mgr_swdp *dp,
					    uint16_t port, uint32_t src,
					    uint32_t dst, uint32_t vni)
{
	for (unsigned i = 0; i < dp->n_tun; i++) {
		const struct snic_mgr_port *t = &dp->tun[i];

		if (t->dst_port == port && (t->key_flow || t->key == vni) &&
		    (t->remote_flow || t->remote_ip == src) &&
		    (t->local_flow || t->local_ip == dst))
			return t;
	}
	return NULL;
}

/* ---- lifecycle ---- */

int snic_mgr_swdp_create(const struct snic_mgr_swdp_config *cfg,
			 struct snic_mgr_swdp **out)
{
	struct snic_mgr_swdp *dp;
	uint32_t emc, mf;

	if (!cfg || !out || !cfg->env || !cfg->env->port || !cfg->env->neigh)
		return -EINVAL;
	emc = cfg->emc_entries ? cfg->emc_entries : DEF_EMC;
	mf = cfg->megaflows ? cfg->megaflows : DEF_MEGAFLOWS;
	if (!pow2(emc) || !pow2(mf) || cfg->miss > SNIC_MGR_SWDP_MISS_REPORT)
		return -EINVAL;
	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	dp->env = *cfg->env;
	dp->miss = cfg->miss;
	dp->use_mf = !cfg->no_megaflow;
	dp->use_emc = dp->use_mf && !cfg->no_emc;
	dp->memo_kind = -1;
	dp->arena_size = cfg->arena_bytes ? cfg->arena_bytes : DEF_ARENA;
	dp->arena = aligned_alloc(64, (dp->arena_size + 63u) & ~(size_t)63u);
	dp->xops = calloc(SWDP_XOPS_MAX, sizeof(*dp->xops));
	if (!dp->arena || !dp->xops || swdp_cls_init(&dp->cls) ||
	    swdp_cache_init(&dp->cache, dp->use_mf ? mf : 1, dp->use_emc ? emc : 0)) {
		snic_mgr_swdp_destroy(dp);
		return -ENOMEM;
	}
	load_tunnels(dp);
	*out = dp;
	return 0;
}

void snic_mgr_swdp_destroy(struct snic_mgr_swdp *dp)
{
	if (!dp)
		return;
	swdp_cls_fini(&dp->cls);
	swdp_cache_fini(&dp->cache);
	free(dp->tun);
	free(dp->xops);
	free(dp->arena);
	free(dp);
}

static void new_generation(struct snic_mgr_swdp *dp)
{
	swdp_cache_flush(&dp->cache);
}

void snic_mgr_swdp_env_changed(struct snic_mgr_swdp *dp)
{
	dp->memo_kind = -1;
	load_tunnels(dp);
	new_generation(dp);
}

void snic_mgr_swdp_set_miss(struct snic_mgr_swdp *dp, enum snic_mgr_swdp_miss miss)
{
	dp->miss = miss;
	new_generation(dp);
}

/* ---- rules ---- */

static int fail(char *why, size_t len, int rc, const char *msg, unsigned v)
{
	if (why && len)
		snprintf(why, len, msg, v);
	return rc;
}

int snic_mgr_swdp_add_rule(struct snic_mgr_swdp *dp, uint32_t id,
			   const struct snic_of_rule *rule, char *why,
			   size_t why_len)
{
	union swdp_keyw mask;
	struct swdp_rule *r;
	int rc;

	if (!dp || !rule)
		return -EINVAL;
	if (rule->mode != SNIC_OF_MODE_ADD || rule->n_actions > SNIC_OF_MAX_ACTIONS)
		return fail(why, why_len, -EINVAL, "not a rule to add (mode %u)", rule->mode);
	if (rule->table >= SWDP_N_TABLES)
		return fail(why, why_len, -EINVAL, "table %u: tables are 0..254", rule->table);
	for (unsigned i = 0; i < rule->n_actions; i++)
		if (rule->actions[i].type == SNIC_OF_ACT_GOTO_TABLE &&
		    (rule->actions[i].u.table <= rule->table ||
		     rule->actions[i].u.table >= SWDP_N_TABLES || i + 1 != rule->n_actions))
			return fail(why, why_len, -EINVAL, "goto_table:%u must be last and go "
				    "to a later table", rule->actions[i].u.table);
	if ((rc = swdp_rule_check(rule, why, why_len)))
		return rc;
	if (swdp_cls_find(&dp->cls, id))
		return fail(why, why_len, -EEXIST, "rule id %u is in use", id);
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->id = id;
	r->table = rule->table;
	r->priority = rule->priority;
	r->n_actions = rule->n_actions;
	if (rule->n_actions) {
		r->actions = malloc(rule->n_actions * sizeof(*r->actions));
		if (!r->actions) {
			free(r);
			return -ENOMEM;
		}
		memcpy(r->actions, rule->actions, rule->n_actions * sizeof(*r->actions));
	}
	swdp_key_from_match(&rule->match, &r->val, &mask);
	if ((rc = swdp_cls_insert(&dp->cls, r, &mask))) {
		free(r->actions);
		free(r);
		return rc;
	}
	new_generation(dp);
	return 0;
}

int snic_mgr_swdp_del_rule(struct snic_mgr_swdp *dp, uint32_t id)
{
	struct swdp_rule *r = dp ? swdp_cls_find(&dp->cls, id) : NULL;

	if (!r)
		return -ENOENT;
	swdp_cls_remove(&dp->cls, r);
	new_generation(dp);
	return 0;
}

size_t snic_mgr_swdp_n_rules(const struct snic_mgr_swdp *dp)
{
	return dp->cls.n_rules;
}

int snic_mgr_swdp_rule_stats(struct snic_mgr_swdp *dp, uint32_t id,
			     struct snic_mgr_swdp_rule_stats *st, bool reset)
{
	struct swdp_rule *r = swdp_cls_find(&dp->cls, id);

	if (!r)
		return -ENOENT;
	if (st) {
		st->packets = r->packets;
		st->bytes = r->bytes;
	}
	if (reset)
		r->packets = r->bytes = 0;
	return 0;
}

void snic_mgr_swdp_stats(const struct snic_mgr_swdp *dp, struct snic_mgr_swdp_stats *st)
{
	*st = dp->st;
	st->megaflows = dp->cache.n_mf;
	st->generation = dp->cache.gen;
}

const char *snic_mgr_swdp_drop_name(uint32_t reason)
{
	static const char *const own[] = {
		"NO_TUNNEL", "NO_PORT", "TUNNEL_ADDR", "NO_ROUTE", "BAD_ENCAP",
		"OUT_LIMIT",
	};

	if (reason < SNIC_DROP_MAX_)
		return snic_fw_drop_name(reason);
	if (reason < SNIC_MGR_SWDP_DROP_MAX_)
		return own[reason - SNIC_DROP_MAX_];
	return "UNKNOWN";
}

/* ---- ingress ---- */

static int parse(const uint8_t *f, uint32_t len, uint16_t vxlan_port,
		 struct snic_ifc_match *m)
{
	struct snic_fw_pkt_cfg cfg = { vxlan_port };

	memset(m, 0, offsetof(struct snic_ifc_match, outer));
	return snic_fw_pkt_parse(f, len, &cfg, m);
}

/*
 * The parser takes UDP to its VXLAN port for VXLAN and fails on a bad VXLAN
 * header or inner frame.  When it fails, the same frame parsed with another
 * port tells whether the frame itself is good (then it was only its payload).
 */
static int parse_port(const uint8_t *f, uint32_t len, uint16_t port,
		      struct snic_ifc_match *m, int *payload_rc)
{
	int rc = parse(f, len, port, m);

	*payload_rc = 0;
	if (rc && !parse(f, len, (uint16_t)(port ^ 1u), m)) {
		*payload_rc = rc;
		return 0;
	}
	return rc;
}

int swdp_parse_plain(const uint8_t *f, uint32_t len, struct snic_ifc_match *m)
{
	int payload_rc;

	return parse_port(f, len, 0, m, &payload_rc);
}

static uint16_t be16(uint16_t v)
{
	return snic_ifc_be16(v);
}

/* IPv4 UDP (not a fragment) to a tunnel port's UDP port? */
static bool udp_to_tunnel(const struct snic_mgr_swdp *dp, const struct snic_ifc_hdrs *h)
{
	return be16(h->ethertype) == ETH_P_IPV4 && h->ip_proto == 17 && !h->ip_frag &&
	       tun_udp_port(dp, be16(h->tp_dst));
}

/*
 * A frame from the uplink: a tunnel packet for one of the tunnel ports
 * (*tun set, m.inner its frame), or a plain frame.  0 or the drop reason.
 */
static int parse_uplink(struct snic_mgr_swdp *dp, const uint8_t *f, uint32_t len,
			struct snic_ifc_match *m, const struct snic_mgr_port **tun)
{
	uint16_t port = dp->n_tun ? dp->tun[0].dst_port : 4789;
	const struct snic_ifc_hdrs *h = &m->outer;
	int rc, payload_rc;
	uint32_t dst;

	*tun = NULL;
	rc = parse_port(f, len, port, m, &payload_rc);
	if (rc)
		return rc;
	if (!udp_to_tunnel(dp, h))
		return 0;
	if (be16(h->tp_dst) != port) {
		/* another tunnel UDP port: parse again for it */
		port = be16(h->tp_dst);
		if ((rc = parse_port(f, len, port, m, &payload_rc)))
			return rc;
	}
	dst = snic_ifc_be32(h->ip_dst[0]);
	if (!local_vtep(dp, dst, port))
		return 0;               /* UDP passing by: a plain frame */
	if (payload_rc)
		return payload_rc;      /* to our VTEP, but malformed */
	*tun = tun_find(dp, port, snic_ifc_be32(h->ip_src[0]), dst,
			snic_ifc_be32(m->vni));
	return *tun ? 0 : SNIC_MGR_SWDP_DROP_NO_TUNNEL;
}

/* The kind of the ingress port (memoised until env_changed), 0 if none. */
static int in_kind(struct snic_mgr_swdp *dp, uint32_t ofport)
{
	const struct snic_mgr_port *p;

	if (dp->memo_kind >= 0 && dp->memo_ofport == ofport)
		return dp->memo_kind;
	p = dp->env.port(dp->env.arg, ofport);
	dp->memo_ofport = ofport;
	dp->memo_kind = p ? (int)p->kind : 0;
	return dp->memo_kind;
}

/* Parse, receive tunnels, load the working buffer and build the key. */
static void rx(struct snic_mgr_swdp *dp, uint32_t in_ofport, const uint8_t *f,
	       uint32_t len, struct swdp_pkt *pkt, struct snic_mgr_swdp_result *res)
{
	const struct snic_mgr_port *tun = NULL;
	int kind, rc;
	uint8_t *buf;

	pkt->ok = false;
	memset(res, 0, offsetof(struct snic_mgr_swdp_result, out));
	res->n_hits = 0;
	res->in_ofport = in_ofport;
	dp->st.packets++;
	if (len > SNIC_MGR_SWDP_MAX_FRAME) {
		swdp_drop(dp, res, SNIC_DROP_TOO_BIG);
		return;
	}
	kind = in_kind(dp, in_ofport);
	if (kind == 0 || kind == SNIC_MGR_PORT_TUNNEL) {
		/* tunnel ports receive through the uplink only */
		swdp_drop(dp, res, SNIC_DROP_BAD_VPORT);
		return;
	}
	if (kind == SNIC_MGR_PORT_UPLINK)
		rc = parse_uplink(dp, f, len, &pkt->m, &tun);
	else
		rc = swdp_parse_plain(f, len, &pkt->m);
	if (rc) {
		swdp_drop(dp, res, (uint32_t)rc);
		return;
	}
	buf = swdp_arena_alloc(dp, SWDP_HEADROOM + len + SWDP_TAILROOM);
	if (!buf) {
		swdp_drop(dp, res, SNIC_MGR_SWDP_DROP_OUT_LIMIT);
		return;
	}
	pkt->b = (struct snic_fw_buf){ buf + SWDP_HEADROOM, len, SWDP_HEADROOM, SWDP_TAILROOM };
	memcpy(pkt->b.data, f, len);
	if (tun) {
		if ((rc = snic_fw_pkt_decap(&pkt->b, &pkt->m))) {
			swdp_drop(dp, res, (uint32_t)rc);
			return;
		}
		/* the pipeline's frame is the inner one: its headers become
		 * the key's (and the flow an encap hashes) */
		pkt->m.outer = pkt->m.inner;
		pkt->m.tun_type = SNIC_IFC_TUN_NONE;
		res->in_ofport = tun->ofport;
		res->flags |= SNIC_MGR_SWDP_R_TUNNEL_RX;
		dp->st.tunnel_rx++;
	}
	swdp_key_from_hdrs(&pkt->m.outer, res->in_ofport, &pkt->key);
	if (tun) {
		pkt->key.k.tun_id = snic_ifc_be32(pkt->m.tun_id);
		pkt->key.k.tun_src = snic_ifc_be32(pkt->m.tun_src);
		pkt->key.k.tun_dst = snic_ifc_be32(pkt->m.tun_dst);
	}
	pkt->in_len = pkt->b.len;
	pkt->ok = true;
}

/* Find or make the program for pkt, and run it. */
static void run(struct snic_mgr_swdp *dp, struct swdp_pkt *pkt,
		struct snic_mgr_swdp_result *res)
{
	struct swdp_xlate_out x;
	const struct swdp_op *ops;
	unsigned n_ops;

	ops = swdp_program(dp, &pkt->key, pkt->hash, &x, &n_ops);
	swdp_exec(dp, pkt, ops, n_ops, res);
}

int snic_mgr_swdp_process(struct snic_mgr_swdp *dp, uint32_t in_ofport,
			  const uint8_t *frame, uint32_t len,
			  struct snic_mgr_swdp_result *res)
{
	struct swdp_pkt pkt;

	if (!dp || !frame || !res)
		return -EINVAL;
	dp->arena_used = 0;
	rx(dp, in_ofport, frame, len, &pkt, res);
	if (pkt.ok) {
		pkt.hash = swdp_hash_key(&pkt.key);
		run(dp, &pkt, res);
	}
	return 0;
}

int snic_mgr_swdp_process_burst(struct snic_mgr_swdp *dp,
				const struct snic_mgr_swdp_pkt *pkts, unsigned n,
				struct snic_mgr_swdp_result *res)
{
	struct swdp_pkt p[SWDP_BURST];

	if (!dp || (n && (!pkts || !res)))
		return -EINVAL;
	dp->arena_used = 0;
	for (unsigned base = 0; base < n; base += SWDP_BURST) {
		unsigned m = n - base < SWDP_BURST ? n - base : SWDP_BURST;

		/* stage 1: parse and key every frame */
		for (unsigned i = 0; i < m; i++) {
			static const uint8_t none[1];
			const struct snic_mgr_swdp_pkt *in = &pkts[base + i];

			/* no frame: an empty one (a runt) */
			rx(dp, in->in_ofport, in->frame ? in->frame : none,
			   in->frame ? in->len : 0, &p[i], &res[base + i]);
		}
		/* stage 2: hash the keys (apart from writing them: the loads
		 * then need not wait for those stores) and prefetch the EMC */
		for (unsigned i = 0; i < m; i++) {
			if (!p[i].ok)
				continue;
			p[i].hash = swdp_hash_key(&p[i].key);
			if (dp->cache.emc) {
				__builtin_prefetch(swdp_emc_way(&dp->cache, p[i].hash, 0));
				__builtin_prefetch(swdp_emc_way(&dp->cache, p[i].hash, 1));
			}
		}
		/* stage 3: look up and run */
		for (unsigned i = 0; i < m; i++)
			if (p[i].ok)
				run(dp, &p[i], &res[base + i]);
	}
	return (int)n;
}
