/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_cls_snic.c - snic's side of bench_cls: the software datapath
 * (offload-mgr/swdp) with a generated rule set as OpenFlow rules, the keys
 * it builds from frames, and the three ways bench_cls drives it:
 *
 *   classifier alone   swdp_cls_lookup() on table 0, per key (the
 *                      tuple-space classifier, as translation calls it);
 *   through the caches the per-packet cache path of process_burst() on
 *                      keys: whole-key hash, EMC (prefetched per burst of
 *                      32), megaflow cache, and on a miss translation
 *                      (classifier + actions) and insertion -- no parse
 *                      and no actions run;
 *   whole packets      snic_mgr_swdp_process_burst() on 60-byte frames:
 *                      parse, caches or classifier, VXLAN encap, outputs
 *                      ready to transmit.
 *
 * OpenFlow matches ports by value/mask only, so each rule's port ranges are
 * expanded into prefixes and the rule into their cross product (all with
 * the rule's priority: the pieces are disjoint).  The environment and the
 * frames are test_swdp_lib.h's (bench_swdp's and the unit tests'): frames
 * enter on vf0, every rule outputs to vxlan0 (VXLAN to 192.168.1.2).
 */
#include <stdlib.h>

#include "bench_cls.h"
#include "test_swdp_lib.h"

static struct snic_mgr_xlate_env env;
static bool env_ready;

static const char *proto_word(uint8_t p)
{
	return p == 6 ? "tcp" : p == 17 ? "udp" : p == 1 ? "icmp" : "ip";
}

static int add_ip(char *b, size_t len, const char *name, uint32_t a, unsigned plen)
{
	if (!plen)
		return 0;
	return snprintf(b, len, ",%s=%u.%u.%u.%u/%u", name, a >> 24, (a >> 16) & 255,
			(a >> 8) & 255, a & 255, plen);
}

static int add_port(char *b, size_t len, const char *name, uint16_t v, uint16_t m)
{
	if (!m)
		return 0;
	if (m == 0xffff)
		return snprintf(b, len, ",%s=%u", name, v);
	return snprintf(b, len, ",%s=0x%x/0x%x", name, v, m);
}

static void add_of(struct cls_snic *s, uint32_t rule, const char *text, uint32_t *cap)
{
	struct snic_of_rule r;
	struct snic_of_error err;
	char why[SNIC_MGR_SWDP_REASON_MAX];
	uint32_t id = ++s->n_of;

	if (snic_of_rule_parse(text, SNIC_OF_MODE_ADD, &tenv_ports, &r, &err))
		cls_die("rule %u: %s: %s", rule, text, err.msg);
	if (snic_mgr_swdp_add_rule(s->dp, id, &r, why, sizeof(why)))
		cls_die("rule %u: %s: the datapath refused it: %s", rule, text, why);
	if (id >= *cap) {
		int32_t *p = realloc(s->id_rule, (size_t)*cap * 2 * sizeof(*p));

		if (!p)
			cls_die("out of memory for %u OpenFlow rules", id);
		s->id_rule = p;
		*cap *= 2;
	}
	s->id_rule[id] = (int32_t)rule;
}

void cls_snic_build(struct cls_snic *s, const struct cls_rules *rs, enum cls_caches caches)
{
	struct snic_mgr_swdp_config cfg = {
		.env = &env, .no_emc = caches != CLS_CACHES_ALL,
		.no_megaflow = caches == CLS_CACHES_NONE,
	};
	uint32_t cap = rs->n * 2 + 16;

	if (!env_ready) {
		tenv_init(&env);
		env_ready = true;
	}
	memset(s, 0, sizeof(*s));
	if (snic_mgr_swdp_create(&cfg, &s->dp))
		cls_die("snic_mgr_swdp_create failed (out of memory?)");
	s->id_rule = calloc(cap, sizeof(*s->id_rule));
	if (!s->id_rule)
		cls_die("out of memory for %u OpenFlow rules", cap);
	for (uint32_t i = 0; i < rs->n; i++) {
		const struct cls_rule *r = &rs->r[i];
		uint16_t sv[CLS_MAX_PIECES], sm[CLS_MAX_PIECES];
		uint16_t dv[CLS_MAX_PIECES], dm[CLS_MAX_PIECES];
		unsigned ns = cls_range_prefixes(r->sp, sv, sm);
		unsigned nd = cls_range_prefixes(r->dp, dv, dm);

		for (unsigned a = 0; a < ns; a++) {
			for (unsigned b = 0; b < nd; b++) {
				char t[256];
				int n = snprintf(t, sizeof(t), "priority=%u,%s", rs->n - i,
						 proto_word(r->proto));

				n += add_ip(t + n, sizeof(t) - (size_t)n, "nw_src", r->src, r->src_len);
				n += add_ip(t + n, sizeof(t) - (size_t)n, "nw_dst", r->dst, r->dst_len);
				n += add_port(t + n, sizeof(t) - (size_t)n, "tp_src", sv[a], sm[a]);
				n += add_port(t + n, sizeof(t) - (size_t)n, "tp_dst", dv[b], dm[b]);
				snprintf(t + n, sizeof(t) - (size_t)n, ",actions=output:vxlan0");
				add_of(s, i, t, &cap);
			}
		}
	}
}

void cls_snic_free(struct cls_snic *s)
{
	snic_mgr_swdp_destroy(s->dp);
	free(s->id_rule);
	memset(s, 0, sizeof(*s));
}

uint32_t cls_snic_subtables(const struct cls_snic *s)
{
	return s->dp->cls.tables[0].n_st;
}

uint32_t cls_snic_mf_masks(const struct cls_snic *s)
{
	return s->dp->cache.n_masks;
}

void cls_snic_frame(const struct cls_flow *f, uint8_t *frame)
{
	struct fs sp = fs_udp4();
	struct tf tf;

	sp.proto = f->proto;
	sp.src = f->src;
	sp.dst = f->dst;
	sp.sp = f->sp;
	sp.dp = f->dp;
	/* 14 + 20 + L4 header + payload = 60 bytes */
	sp.pay = f->proto == 6 ? 6 : 18;
	fs_build(&tf, &sp);
	if (tf.len != CLS_FRAME_LEN)
		cls_die("a frame of protocol %u is %u bytes, not %u", f->proto, tf.len,
			CLS_FRAME_LEN);
	memcpy(frame, tf_data(&tf), CLS_FRAME_LEN);
}

void cls_snic_key(const uint8_t *frame, union swdp_keyw *k)
{
	struct snic_ifc_match m;
	int rc;

	memset(&m, 0, sizeof(m));
	if ((rc = swdp_parse_plain(frame, CLS_FRAME_LEN, &m)))
		cls_die("the datapath's parser dropped a generated frame: %s",
			snic_mgr_swdp_drop_name((uint32_t)rc));
	swdp_key_from_hdrs(&m.outer, P_VF(0), k);
}

int32_t cls_snic_rule(const struct cls_snic *s, const union swdp_keyw *k)
{
	union swdp_keyw wc;
	const struct swdp_rule *r;

	memset(&wc, 0, sizeof(wc));
	r = swdp_cls_lookup(&s->dp->cls, 0, k, &wc);
	return r ? s->id_rule[r->id] : CLS_MISS;
}

/* The generated rule a program hit (its first op), or CLS_MISS. */
static int32_t program_rule(const struct cls_snic *s, const struct swdp_op *ops, unsigned n)
{
	if (n && ops[0].type == SWDP_OP_HIT)
		return s->id_rule[s->dp->cls.rules[ops[0].arg]->id];
	return CLS_MISS;
}

void cls_snic_cached(struct cls_snic *s, const union swdp_keyw *keys, unsigned n,
		     int32_t *rules)
{
	struct swdp_cache *c = &s->dp->cache;
	const struct snic_mgr_swdp_stats st0 = s->dp->st;
	uint64_t hash[SWDP_BURST];

	for (unsigned i = 0; i < n; i++) {
		hash[i] = swdp_hash_key(&keys[i]);
		if (c->emc) {
			__builtin_prefetch(swdp_emc_way(c, hash[i], 0));
			__builtin_prefetch(swdp_emc_way(c, hash[i], 1));
		}
	}
	for (unsigned i = 0; i < n; i++) {
		struct swdp_xlate_out x;
		const struct swdp_op *ops;
		unsigned n_ops;

		/* the datapath's own cache path, without parse and actions */
		ops = swdp_program(s->dp, &keys[i], hash[i], &x, &n_ops);
		if (rules)
			rules[i] = program_rule(s, ops, n_ops);
		else
			cls_sink += ops[0].arg;
	}
	s->cs.emc += s->dp->st.emc_hits - st0.emc_hits;
	s->cs.megaflow += s->dp->st.megaflow_hits - st0.megaflow_hits;
	s->cs.upcalls += s->dp->st.upcalls - st0.upcalls;
	s->cs.flushes += s->dp->st.flushes - st0.flushes;
	s->cs.lookups += n;
}

void cls_frames_build(struct cls_frames *fr, const struct cls_flows *fl,
		      const struct cls_trace *t)
{
	fr->n = t->n;
	fr->mem = aligned_alloc(64, (size_t)t->n * CLS_STRIDE);
	fr->pkts = calloc(t->n, sizeof(*fr->pkts));
	if (!fr->mem || !fr->pkts)
		cls_die("out of memory for %u frames", t->n);
	for (uint32_t i = 0; i < t->n; i++) {
		uint8_t *f = fr->mem + (size_t)i * CLS_STRIDE;

		cls_snic_frame(&fl->f[t->flow[i]], f);
		fr->pkts[i] = (struct snic_mgr_swdp_pkt){ P_VF(0), CLS_FRAME_LEN, f };
	}
}

void cls_frames_free(struct cls_frames *fr)
{
	free(fr->mem);
	free(fr->pkts);
	memset(fr, 0, sizeof(*fr));
}

void cls_snic_check_frames(struct cls_snic *s, const struct cls_frames *fr,
			   const struct cls_trace *t, const int32_t *want)
{
	static struct snic_mgr_swdp_result res[SWDP_BURST];

	for (uint32_t i = 0; i < fr->n; i += SWDP_BURST) {
		unsigned n = fr->n - i < SWDP_BURST ? fr->n - i : SWDP_BURST;

		snic_mgr_swdp_process_burst(s->dp, fr->pkts + i, n, res);
		for (unsigned k = 0; k < n; k++) {
			const struct snic_mgr_swdp_result *r = &res[k];
			int32_t got = r->n_hits ? s->id_rule[r->hits[0]] : CLS_MISS;

			if (r->n_out != 1 || r->out[0].ofport != P_VX0 ||
			    r->out[0].len != CLS_FRAME_LEN + 50 || r->flags)
				cls_die("packet %u: %u outputs (want 1 to vxlan0, %u bytes), "
					"flags 0x%x, drop reason %s", i + k, r->n_out,
					CLS_FRAME_LEN + 50, r->flags,
					snic_mgr_swdp_drop_name(r->drop_reason));
			if (want && got != want[t->flow[i + k]])
				cls_die("packet %u: the datapath hit rule %d, rte_acl "
					"picks %d", i + k, got, want[t->flow[i + k]]);
		}
	}
}

void cls_snic_process(struct cls_snic *s, const struct cls_frames *fr, uint32_t first,
		      uint32_t n)
{
	static struct snic_mgr_swdp_result res[SWDP_BURST];

	for (uint32_t i = first; i < first + n; i += SWDP_BURST) {
		unsigned m = first + n - i < SWDP_BURST ? first + n - i : SWDP_BURST;

		snic_mgr_swdp_process_burst(s->dp, fr->pkts + i, m, res);
		cls_sink += res[0].n_out;
	}
}
