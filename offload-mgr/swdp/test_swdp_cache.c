/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_swdp_cache.c - the caches never change an answer.
 *
 * Random rules (ovs-ofctl text over a small space of values, so that rules
 * overlap, tie and chain through tables) and random frames (tagged,
 * untagged, IPv4/IPv6/ARP, fragments, TTLs 0-64, VXLAN from the uplink,
 * truncated) go through three datapaths:
 *   A  caches on (EMC + megaflows), default sizes
 *   B  caches off: every packet translated
 *   C  caches on, tiny (64 megaflows, 64 EMC entries): flushes when full
 * while, in half of the batches, rules are added and deleted; now and then
 * the environment changes (a next hop resolves, next-hop MACs change) and
 * the miss policy flips.  Every result (flags, drop reason, outputs byte
 * for byte, rules hit) and at the end every rule's counters must be the
 * same in A, B and C.
 *
 * The classifier is checked on its own against a linear scan of the rules
 * (the reference: highest priority, then lowest id), and its wildcards for
 * soundness: a key that differs from another only in bits the lookup said
 * it did not look at must get the same rule.  Then under load: 3000 rules
 * in three subtables, many of equal match, half of them deleted again.
 *
 * Seeded: the seed is printed; SNIC_SEED=<seed> replays a run.
 */
#include <time.h>

#include "snic_test.h"
#include "swdp_internal.h"
#include "test_swdp_lib.h"

#define N_BATCHES  300u
#define BATCH      200u      /* 60 000 packets */
#define MAX_RULES  400u

static uint64_t rng_s;

static uint64_t rnd(void)
{
	rng_s ^= rng_s >> 12;
	rng_s ^= rng_s << 25;
	rng_s ^= rng_s >> 27;
	return rng_s * 0x2545f4914f6cdd1dull;
}

static unsigned rn(unsigned n)
{
	return (unsigned)((rnd() >> 32) % n);
}

#define PICK(...) ({ static const char *const a_[] = { __VA_ARGS__ }; \
		     a_[rn(sizeof(a_) / sizeof(a_[0]))]; })
#define PICKN(...) ({ static const unsigned a_[] = { __VA_ARGS__ }; \
		      a_[rn(sizeof(a_) / sizeof(a_[0]))]; })

/* ---- random rules ---- */

static void cat(char *b, size_t n, const char *s)
{
	size_t l = strlen(b);

	snprintf(b + l, n - l, "%s", s);
}

static void gen_rule(char *b, size_t n, unsigned *table)
{
	static const char *const ports[] = { "uplink", "vf0", "vf1", "vf2", "vf3",
					     "vxlan0", "vxlanf", "vxlan8" };
	char t[128];
	unsigned tb = rn(4), fam = rn(9), nact = 1 + rn(4);
	bool ip = false, l4 = false, tagged = false;

	*table = tb;
	snprintf(b, n, "table=%u,priority=%s", tb, PICK("1", "5", "10", "20"));
	if (rn(3) == 0) {
		snprintf(t, sizeof(t), ",in_port=%s", ports[rn(8)]);
		cat(b, n, t);
	}
	switch (fam) {
	case 0: cat(b, n, ",ip"); ip = true; break;
	case 1: cat(b, n, ",udp"); ip = l4 = true; break;
	case 2: cat(b, n, ",tcp"); ip = l4 = true; break;
	case 3: cat(b, n, ",icmp"); ip = true;
		if (rn(2))
			cat(b, n, ",icmp_type=8");
		break;
	case 4: cat(b, n, PICK(",ipv6", ",udp6")); break;
	case 5: cat(b, n, PICK(",arp", ",arp,arp_op=1", ",arp,arp_spa=10.0.0.1")); break;
	default: break;
	}
	if (ip && rn(2))
		cat(b, n, PICK(",nw_src=10.0.0.1", ",nw_dst=10.0.0.0/30", ",nw_dst=10.0.0.2",
			       ",nw_tos=32", ",nw_ttl=1", ",nw_ttl=64", ",nw_src=10.0.0.0/24"));
	if (l4 && rn(2))
		cat(b, n, PICK(",tp_dst=2000", ",tp_src=1000", ",tp_dst=0x7d0/0xfff0",
			       ",tp_dst=4789", ",tp_src=7"));
	switch (rn(6)) {
	case 0: cat(b, n, ",dl_vlan=10"); tagged = true; break;
	case 1: cat(b, n, ",vlan_tci=0/0x1000"); break;
	case 2: cat(b, n, ",vlan_tci=0x1000/0x1000"); tagged = true; break;
	default: break;
	}
	if (rn(4) == 0)
		cat(b, n, PICK(",metadata=0x1/0xf", ",metadata=0", ",tun_id=100", ",tun_id=200",
			       ",tun_src=192.168.1.2", ",dl_src=02:aa:00:00:00:01",
			       ",dl_dst=02:aa:00:00:00:00/ff:ff:ff:ff:ff:fe"));
	cat(b, n, ",actions=");
	for (unsigned i = 0; i < nact; i++) {
		if (i)
			cat(b, n, ",");
		switch (rn(12)) {
		case 0: case 1: case 2:
			snprintf(t, sizeof(t), "output:%s", ports[rn(8)]);
			cat(b, n, t);
			break;
		case 3:
			cat(b, n, PICK("in_port", "controller", "controller:20", "output:LOCAL"));
			break;
		case 4:
			cat(b, n, PICK("mod_vlan_vid:30", "mod_vlan_pcp:3", "strip_vlan",
				       "mod_dl_src:02:00:00:00:00:09", "mod_dl_dst:02:aa:00:00:00:01"));
			break;
		case 5:
			cat(b, n, PICK("mod_nw_src:10.0.0.2", "mod_nw_dst:10.0.0.1", "mod_nw_tos:32",
				       "mod_nw_ttl:1", "mod_tp_src:7", "mod_tp_dst:2000", "dec_ttl"));
			break;
		case 6:
			cat(b, n, PICK("set_field:192.168.1.2->tun_dst", "set_field:192.168.1.99->tun_dst",
				       "set_field:192.168.1.66->tun_dst", "set_field:192.168.1.9->tun_dst",
				       "set_tunnel:200", "set_field:0x5->tun_id",
				       "set_field:192.168.1.1->tun_src"));
			break;
		case 7:
			if (ip)
				cat(b, n, PICK("set_field:10.0.0.3->ip_dst", "set_field:10.9.0.0/255.255.0.0->ip_src",
					       "set_field:46->ip_dscp", "set_field:9->nw_ttl"));
			else if (tagged)
				cat(b, n, PICK("set_field:0x1014->vlan_vid", "set_field:5->vlan_pcp"));
			else
				cat(b, n, "set_field:00:00:00:00:00:33/00:00:00:00:00:ff->eth_src");
			break;
		case 8:
			if (l4 && strstr(b, ",tcp"))
				cat(b, n, "set_field:80->tcp_dst");
			else if (l4)
				cat(b, n, "set_field:0x35/0xff->udp_src");
			else
				cat(b, n, "dec_ttl");
			break;
		case 9:
			cat(b, n, "push_vlan:0x8100");
			break;
		default:
			cat(b, n, PICK("output:vf1", "output:vxlan0", "output:vxlanf"));
			break;
		}
	}
	if (rn(3) == 0)
		cat(b, n, PICK(",write_metadata:0x1/0xf", ",write_metadata:0x2/0x3"));
	if (tb < 3 && rn(2)) {
		snprintf(t, sizeof(t), ",goto_table:%u", tb + 1 + rn(3 - tb));
		cat(b, n, t);
	}
}

/* ---- random frames ---- */

static void gen_inner(struct fs *s)
{
	static const uint32_t ips[] = { IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), IP4(10, 0, 0, 3),
					IP4(10, 0, 1, 1) };
	static const uint16_t tports[] = { 1000, 2000, 4789, 53, 7, 0 };
	unsigned k = rn(20);

	*s = fs_udp4();
	s->dmac[5] = (uint8_t)rn(3);
	s->smac[5] = (uint8_t)(1 + rn(2));
	if (rn(3) == 0)
		fs_tag(s, rn(4) ? 0x8100 : 0x88a8, (uint16_t)(rn(2) * (3 << 13) | (10 + 10 * rn(2))));
	if (s->ntags && rn(3) == 0)
		fs_tag(s, 0x8100, (uint16_t)PICKN(10, 30, 3 << 13 | 10));
	s->src = ips[rn(4)];
	s->dst = ips[rn(4)];
	s->sp = tports[rn(6)];
	s->dp = tports[rn(6)];
	s->ttl = (uint8_t)PICKN(0, 1, 2, 64);
	s->tos = (uint8_t)PICKN(0, 0x20, 0x03);
	s->pay = rn(40);
	if (k < 11) {
		s->proto = (uint8_t)PICKN(17, 6, 1, 47);
		if (rn(8) == 0)
			s->frag = rn(2) ? 0x2000 : 0x0010;
	} else if (k < 14) {
		s->et = 0x86dd;
		s->proto = rn(2) ? 17 : 6;
		s->src6[0] = s->dst6[0] = 0xfd;
		s->src6[15] = (uint8_t)(1 + rn(2));
		s->dst6[15] = (uint8_t)(1 + rn(2));
	} else if (k < 18) {
		s->et = 0x0806;
		s->arp_op = (uint16_t)(1 + rn(2));
	} else {
		s->et = 0x88cc;
	}
}

/* A frame into buf; returns its length and the port it enters on. */
static uint32_t gen_frame(uint8_t *buf, uint32_t *in_port)
{
	struct fs s;
	struct tf t;
	uint32_t len;

	gen_inner(&s);
	*in_port = rn(3) == 0 ? P_UPLINK : P_VF(rn(4));
	if (*in_port == P_UPLINK && rn(2)) {
		s.vx = true;
		memcpy(s.vx_dmac, up_mac, 6);
		tenv_nh_mac(PEER, s.vx_smac);
		s.vx_src = rn(4) ? PEER : PEER8;
		s.vx_dst = rn(5) ? VTEP : IP4(192, 168, 1, 50);
		s.vx_sport = (uint16_t)(49152 + rn(100));
		s.vx_dport = rn(4) ? 4789 : 8472;
		s.vni = PICKN(100, 200, 5, 6);
		s.vx_flags = rn(10) ? 0 : 0x01;
	}
	fs_build(&t, &s);
	len = t.len;
	if (rn(25) == 0)
		len = rn(len);          /* truncated */
	memcpy(buf, tf_data(&t), len);
	return len;
}

/* ---- comparing results ---- */

static unsigned mismatches;

static bool same(const struct snic_mgr_swdp_result *a, const struct snic_mgr_swdp_result *b,
		 const char *what, unsigned pkt)
{
	char why[128] = "";

	if (a->flags != b->flags || a->drop_reason != b->drop_reason)
		snprintf(why, sizeof(why), "flags 0x%x/%s vs 0x%x/%s", a->flags,
			 snic_mgr_swdp_drop_name(a->drop_reason), b->flags,
			 snic_mgr_swdp_drop_name(b->drop_reason));
	else if (a->in_ofport != b->in_ofport || a->neigh_ip != b->neigh_ip ||
		 a->miss_table != b->miss_table)
		snprintf(why, sizeof(why), "in_port/neigh/miss table");
	else if (a->n_hits != b->n_hits ||
		 memcmp(a->hits, b->hits, (a->n_hits < SNIC_MGR_SWDP_MAX_HITS ?
					    a->n_hits : SNIC_MGR_SWDP_MAX_HITS) * 4))
		snprintf(why, sizeof(why), "rules hit");
	else if (a->n_out != b->n_out)
		snprintf(why, sizeof(why), "%u outputs vs %u", a->n_out, b->n_out);
	for (unsigned i = 0; !why[0] && i < a->n_out; i++) {
		const struct snic_mgr_swdp_out *x = &a->out[i], *y = &b->out[i];

		if (x->ofport != y->ofport || x->dpdk_port != y->dpdk_port ||
		    x->len != y->len || x->total_len != y->total_len ||
		    x->reason != y->reason || x->table != y->table ||
		    x->controller_id != y->controller_id ||
		    memcmp(x->frame, y->frame, x->len))
			snprintf(why, sizeof(why), "output %u", i);
	}
	SNIC_CHECK(!why[0], "packet %u: %s differs: %s", pkt, what, why);
	if (why[0])
		mismatches++;
	return !why[0];
}

/* ---- the classifier against a linear scan ---- */

static const struct swdp_rule *linear(const struct swdp_cls *c, unsigned table,
				      const union swdp_keyw *k)
{
	const struct swdp_rule *best = NULL;

	for (uint32_t s = 0; s < c->n_slots; s++) {
		const struct swdp_rule *r = c->rules[s];

		if (!r || r->table != table || !swdp_masked_eq(k, &r->st->mask, &r->val))
			continue;
		if (!best || r->priority > best->priority ||
		    (r->priority == best->priority && r->id < best->id))
			best = r;
	}
	return best;
}

static void check_cls(const struct swdp_cls *c, const uint8_t *f, uint32_t len,
		      uint32_t in_port)
{
	struct snic_fw_pkt_cfg cfg = { 4789 };
	struct snic_ifc_match m;
	union swdp_keyw k, k2, wc;

	memset(&m, 0, sizeof(m));
	if (snic_fw_pkt_parse(f, len, &cfg, &m))
		return;
	swdp_key_from_hdrs(&m.outer, in_port, &k);
	k.k.metadata = rn(4);
	k.k.tun_id = rn(2) ? 100 : 200;
	for (unsigned t = 0; t < 4; t++) {
		const struct swdp_rule *r;

		memset(&wc, 0, sizeof(wc));
		r = swdp_cls_lookup(c, t, &k, &wc);
		SNIC_CHECK(r == linear(c, t, &k), "classifier: table %u: rule %d, linear "
			   "scan %d", t, r ? (int)r->id : -1,
			   linear(c, t, &k) ? (int)linear(c, t, &k)->id : -1);
		/* anything outside wc may change: same rule */
		for (unsigned i = 0; i < SWDP_KEY_WORDS; i++)
			k2.w[i] = (k.w[i] & wc.w[i]) | (rnd() & ~wc.w[i]);
		SNIC_CHECK(linear(c, t, &k2) == r, "classifier: table %u: wildcards "
			   "unsound (rule %d)", t, r ? (int)r->id : -1);
	}
}

/*
 * The classifier under load: thousands of rules in a few subtables, many
 * with equal matches (same hash, other priorities), half of them removed
 * again (backward-shift deletion), then random keys against a linear scan.
 */
static void cls_stress(const struct snic_mgr_xlate_env *env)
{
	struct snic_mgr_swdp_config cfg = { .env = env, .no_megaflow = true };
	struct snic_mgr_swdp *dp;
	uint32_t n = 0;

	SNIC_REQUIRE(!snic_mgr_swdp_create(&cfg, &dp), "create");
	for (uint32_t id = 1; id <= 3000; id++) {
		char text[160];
		struct snic_of_rule r;

		switch (rn(3)) {
		case 0:
			snprintf(text, sizeof(text), "priority=%u,ip,nw_dst=10.0.%u.%u,actions=drop",
				 rn(4), rn(4), rn(64));
			break;
		case 1:
			snprintf(text, sizeof(text), "priority=%u,ip,nw_dst=10.0.%u.0/24,actions=drop",
				 rn(4), rn(4));
			break;
		default:
			snprintf(text, sizeof(text), "priority=%u,udp,tp_dst=%u,actions=drop",
				 rn(4), rn(64));
			break;
		}
		SNIC_REQUIRE(!snic_of_rule_parse(text, SNIC_OF_MODE_ADD, NULL, &r, NULL) &&
			     !snic_mgr_swdp_add_rule(dp, id, &r, NULL, 0), "add %s", text);
	}
	for (uint32_t id = 1; id <= 3000; id++)
		if (rn(2) && !snic_mgr_swdp_del_rule(dp, id))
			n++;
	SNIC_CHECK(snic_mgr_swdp_n_rules(dp) == 3000 - n, "rules left");
	for (unsigned i = 0; i < 5000; i++) {
		union swdp_keyw k, wc;
		const struct swdp_rule *r;

		memset(&k, 0, sizeof(k));
		k.k.dl_type = 0x0800;
		k.k.nw_proto = rn(2) ? 17 : 6;
		k.k.nw_dst = IP4(10, 0, rn(5), rn(70));
		k.k.tp_dst = (uint16_t)rn(70);
		memset(&wc, 0, sizeof(wc));
		r = swdp_cls_lookup(&dp->cls, 0, &k, &wc);
		SNIC_CHECK(r == linear(&dp->cls, 0, &k), "stress: key %u: rule %d", i,
			   r ? (int)r->id : -1);
	}
	snic_mgr_swdp_destroy(dp);
}

int main(void)
{
	static uint8_t frames[BATCH][512];
	static uint32_t lens[BATCH], ports[BATCH];
	static struct snic_mgr_swdp_result ra[BATCH], rb[BATCH], rc[BATCH];
	static uint32_t ids[MAX_RULES];
	struct snic_mgr_xlate_env env;
	struct snic_mgr_swdp *a, *b, *c;
	struct snic_mgr_swdp_config ca = { .env = &env }, cb = ca, cc = ca;
	const char *seed_env = getenv("SNIC_SEED");
	uint64_t seed = seed_env ? strtoull(seed_env, NULL, 0) :
			(uint64_t)time(NULL) ^ (uint64_t)getpid() << 20;
	unsigned n_ids = 0, next_id = 1, tried = 0, parsed = 0, refused = 0, packets = 0;
	struct snic_mgr_swdp_stats sa, sc;

	printf("test_swdp_cache: seed %llu (SNIC_SEED=%llu replays)\n",
	       (unsigned long long)seed, (unsigned long long)seed);
	rng_s = seed ? seed : 1;
	tenv_init(&env);
	cb.no_megaflow = true;
	cc.megaflows = 64;
	cc.emc_entries = 64;
	SNIC_REQUIRE(!snic_mgr_swdp_create(&ca, &a) && !snic_mgr_swdp_create(&cb, &b) &&
		     !snic_mgr_swdp_create(&cc, &c), "create");

	for (unsigned batch = 0; batch < N_BATCHES && mismatches < 5; batch++) {
		/* change the rules, sometimes the environment */
		for (unsigned k = rn(2) ? rn(6) : 0; k > 0; k--) {
			if (n_ids && (rn(3) == 0 || n_ids == MAX_RULES)) {
				unsigned i = rn(n_ids);

				SNIC_CHECK(!snic_mgr_swdp_del_rule(a, ids[i]) &&
					   !snic_mgr_swdp_del_rule(b, ids[i]) &&
					   !snic_mgr_swdp_del_rule(c, ids[i]), "del %u", ids[i]);
				ids[i] = ids[--n_ids];
			} else {
				char text[1024];
				struct snic_of_rule r;
				unsigned table;

				gen_rule(text, sizeof(text), &table);
				tried++;
				if (snic_of_rule_parse(text, SNIC_OF_MODE_ADD, &tenv_ports, &r, NULL))
					continue;
				parsed++;
				if (snic_mgr_swdp_add_rule(a, next_id, &r, NULL, 0)) {
					refused++;      /* none expected */
					continue;
				}
				SNIC_CHECK(!snic_mgr_swdp_add_rule(b, next_id, &r, NULL, 0) &&
					   !snic_mgr_swdp_add_rule(c, next_id, &r, NULL, 0),
					   "add %s", text);
				ids[n_ids++] = next_id++;
			}
		}
		if (rn(8) == 0) {
			if (rn(2))
				tenv.resolved = !tenv.resolved;
			else
				tenv.nh_last_byte = (uint8_t)rn(4);
			snic_mgr_swdp_env_changed(a);
			snic_mgr_swdp_env_changed(b);
			snic_mgr_swdp_env_changed(c);
		}
		if (rn(10) == 0) {
			enum snic_mgr_swdp_miss m = rn(2) ? SNIC_MGR_SWDP_MISS_REPORT :
							    SNIC_MGR_SWDP_MISS_DROP;
			snic_mgr_swdp_set_miss(a, m);
			snic_mgr_swdp_set_miss(b, m);
			snic_mgr_swdp_set_miss(c, m);
		}
		/* a batch: A and C as bursts, B one at a time; a third of the
		 * frames repeat earlier ones (EMC hits) */
		for (unsigned i = 0; i < BATCH; i++) {
			if (i >= 8 && rn(3) == 0) {
				unsigned j = rn(i);

				memcpy(frames[i], frames[j], lens[j]);
				lens[i] = lens[j];
				ports[i] = ports[j];
			} else {
				lens[i] = gen_frame(frames[i], &ports[i]);
			}
		}
		for (unsigned i = 0; i < BATCH; i += 31) {
			struct snic_mgr_swdp_pkt in[31];
			unsigned n = BATCH - i < 31 ? BATCH - i : 31;

			for (unsigned j = 0; j < n; j++)
				in[j] = (struct snic_mgr_swdp_pkt){ ports[i + j], lens[i + j],
								    frames[i + j] };
			/* results of one call stay valid until the next: compare
			 * chunk by chunk */
			snic_mgr_swdp_process_burst(a, in, n, ra);
			snic_mgr_swdp_process_burst(c, in, n, rc);
			for (unsigned j = 0; j < n; j++) {
				snic_mgr_swdp_process(b, ports[i + j], frames[i + j], lens[i + j], rb);
				same(&ra[j], rb, "caches on", packets + j);
				same(&rc[j], rb, "tiny caches", packets + j);
				if (mismatches)
					break;
			}
			packets += n;
		}
		for (unsigned i = 0; i < BATCH; i += 7)
			check_cls(&a->cls, frames[i], lens[i], ports[i]);
		if (mismatches) {
			fprintf(stderr, "rules installed at batch %u (replay: SNIC_SEED=%llu):\n",
				batch, (unsigned long long)seed);
			for (uint32_t s = 0; s < a->cls.n_slots; s++)
				if (a->cls.rules[s])
					fprintf(stderr, "  id %u table %u priority %u\n",
						a->cls.rules[s]->id, a->cls.rules[s]->table,
						a->cls.rules[s]->priority);
		}
	}
	for (unsigned i = 0; i < n_ids; i++) {
		struct snic_mgr_swdp_rule_stats x, y, z;

		snic_mgr_swdp_rule_stats(a, ids[i], &x, false);
		snic_mgr_swdp_rule_stats(b, ids[i], &y, false);
		snic_mgr_swdp_rule_stats(c, ids[i], &z, false);
		SNIC_CHECK(x.packets == y.packets && x.bytes == y.bytes &&
			   z.packets == y.packets && z.bytes == y.bytes,
			   "rule %u counters: %llu/%llu/%llu packets", ids[i],
			   (unsigned long long)x.packets, (unsigned long long)y.packets,
			   (unsigned long long)z.packets);
	}
	snic_mgr_swdp_stats(a, &sa);
	snic_mgr_swdp_stats(c, &sc);
	printf("%u packets, %u rules tried, %u parsed, %u installed at the end; "
	       "A: %llu EMC hits, %llu megaflow hits, %llu upcalls; C: %llu flushes\n",
	       packets, tried, parsed, n_ids, (unsigned long long)sa.emc_hits,
	       (unsigned long long)sa.megaflow_hits, (unsigned long long)sa.upcalls,
	       (unsigned long long)sc.flushes);
	SNIC_CHECK(packets >= 20000, "at least 20 000 packets (%u)", packets);
	SNIC_CHECK(parsed * 2 > tried, "the rule generator makes valid rules (%u of %u)",
		   parsed, tried);
	SNIC_CHECK(sa.emc_hits > 0 && sa.megaflow_hits > 0 && sa.upcalls > 0,
		   "every path of A was used");
	SNIC_CHECK(sc.flushes > 0, "C's caches filled up and were flushed");
	SNIC_CHECK(refused == 0, "%u generated rules refused", refused);
	snic_mgr_swdp_destroy(a);
	snic_mgr_swdp_destroy(b);
	snic_mgr_swdp_destroy(c);
	cls_stress(&env);
	return snic_test_done();
}
