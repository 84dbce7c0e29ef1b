/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fw_model.c - the steering engine against a naive reference model.
 *
 * Random rule sets (random tables and levels, miss behaviours, groups with
 * random masks, entries with random values, colliding priorities, drops,
 * gotos and terminal forwards) are installed through the command interface;
 * random frames go through snic_fw_rx().  The model scans every live entry
 * of a table and takes the lowest priority (then the lowest id) - no hashing,
 * no groups, no shortcuts - and predicts each frame's fate.  Terminal entries
 * stamp their id into the frame's source MAC, so the frame that comes out
 * says which entry the firmware chose.  Midway, a third of the entries are
 * deleted and new ones added.  At the end every entry's counter must equal
 * the model's hit count.
 *
 * It runs on the small board (4096 entries) and on a tiny one (40 entries in
 * 128 hash slots), where the board fills up, hash clusters form and entries
 * are deleted from the middle of clusters every few hundred frames.
 *
 * At least 100 000 frames are checked per run.  SNIC_SEED=N reproduces a run.
 */
#include <arpa/inet.h>

#include "pkt_frames.h"
#include "snic_test_fw.h"

#define N_SETS        25
#define PKTS_PER_SET  4200
#define MAX_ENTRIES   1200

union mkey {
	struct snic_ifc_match m;
	uint64_t w[SNIC_IFC_MATCH_WORDS];
};

struct mgroup {
	uint32_t id, table;
	union mkey mask;
};

struct mentry {
	bool alive;
	uint32_t id, table, group, prio, counter, modify;
	uint64_t value[SNIC_IFC_MATCH_WORDS];
	enum { M_DROP, M_GOTO, M_FWD } kind;
	uint32_t goto_table;
	uint64_t hits;
};

struct mtable {
	uint32_t id, level, miss, miss_table;
};

static struct snic_test_nic nic;
static struct snic_rng rng;
static struct mtable tables[8];
static unsigned n_tables;
static struct mgroup groups[64];
static unsigned n_groups;
static struct mentry ents[MAX_ENTRIES];
static unsigned n_ents;
static uint32_t counter_base;
static unsigned checks;

/* ---- random frames from small pools, so rules and frames meet ---- */

static const uint8_t macs[4][6] = {
	{ 0x02, 0, 0, 0, 0, 1 }, { 0x02, 0, 0, 0, 0, 2 },
	{ 0x02, 0x11, 0, 0, 0, 3 }, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
};
static const uint16_t vports[] = { 0, 1, 2, 3, 4, SNIC_IFC_VPORT_UPLINK(0) };
static const uint32_t nets[4] = { 0x0a000000, 0x0a010000, 0xc0a80100, 0xac100000 };
static const uint16_t ports[5] = { 53, 80, 443, 8080, 4789 };

static uint32_t pick_ip(void)
{
	return nets[snic_rng_below(&rng, 4)] | snic_rng_below(&rng, 4);
}

static void gen_l4(struct tf *t, uint8_t proto)
{
	uint16_t sp = ports[snic_rng_below(&rng, 4)], dp = ports[snic_rng_below(&rng, 4)];

	tf_payload(t, snic_rng_below(&rng, 40), (uint8_t)snic_rng_next(&rng));
	if (proto == 6)
		tf_tcp(t, sp, dp, 0x10, 0);
	else if (proto == 17)
		tf_udp(t, sp, dp);
	else
		tf_icmp(t, (uint8_t)(snic_rng_below(&rng, 2) ? 8 : 0), 0);
}

static void gen_ipv4(struct tf *t, bool vxlan)
{
	static const uint8_t protos[3] = { 6, 17, 1 };
	struct tf_ip4 ip = { 0 };

	ip.proto = vxlan ? 17 : protos[snic_rng_below(&rng, 3)];
	ip.ttl = snic_rng_below(&rng, 2) ? 64 : 1;
	ip.tos = snic_rng_below(&rng, 2) ? 0 : 0x10;
	ip.src = pick_ip();
	ip.dst = pick_ip();
	if (vxlan) {
		struct tf_ip4 in = { .proto = 6, .ttl = 64, .src = pick_ip(),
				     .dst = pick_ip() };
		tf_payload(t, 10, 1);
		tf_tcp(t, 80, 1234, 0x18, 0);
		tf_ipv4(t, &in);
		tf_eth(t, macs[snic_rng_below(&rng, 3)], macs[snic_rng_below(&rng, 3)],
		       0x0800);
		tf_vxlan(t, 100 + snic_rng_below(&rng, 3));
		tf_udp(t, 50000, 4789);
	} else {
		gen_l4(t, ip.proto);
	}
	tf_ipv4(t, &ip);
}

/* A random frame and the vport it enters from. */
static uint16_t gen_frame(struct tf *t)
{
	uint16_t vport = vports[snic_rng_below(&rng, 6)];
	unsigned kind = snic_rng_below(&rng, 10);
	uint16_t et;

	tf_init(t);
	if (kind < 6) {
		gen_ipv4(t, false);
		et = 0x0800;
	} else if (kind < 7) {
		gen_ipv4(t, true);
		et = 0x0800;
	} else if (kind < 9) {
		struct tf_ip6 ip = { .hlim = 64, .nh = 17 };
		ip.src[0] = 0x20; ip.src[1] = 0x01; ip.src[15] = (uint8_t)snic_rng_below(&rng, 3);
		ip.dst[0] = 0x20; ip.dst[1] = 0x01; ip.dst[15] = (uint8_t)snic_rng_below(&rng, 3);
		gen_l4(t, 17);
		tf_ipv6(t, &ip);
		et = 0x86dd;
	} else {
		tf_arp(t, 1, macs[0], pick_ip(), macs[1], pick_ip());
		et = 0x0806;
	}
	if (snic_rng_below(&rng, 3) == 0) {
		uint16_t tag[1][2] = { { 0x8100, (uint16_t)((snic_rng_below(&rng, 2) << 13) |
							   (10 + 10 * snic_rng_below(&rng, 2))) } };
		tf_eth_tags(t, macs[snic_rng_below(&rng, 4)], macs[snic_rng_below(&rng, 3)],
			    et, 1, tag);
	} else {
		tf_eth(t, macs[snic_rng_below(&rng, 4)], macs[snic_rng_below(&rng, 3)], et);
	}
	tf_pad(t, 60);
	return vport;
}

static void frame_key(struct tf *t, uint16_t vport, union mkey *k)
{
	struct snic_fw_pkt_cfg cfg = { 4789 };

	memset(k, 0, sizeof(*k));
	k->m.src_vport = htons(vport);
	SNIC_REQUIRE(snic_fw_pkt_parse(tf_data(t), t->len, &cfg, &k->m) == 0,
		     "generated frame does not parse");
}

/* ---- random masks ---- */

static uint32_t prefix(unsigned len)
{
	return len ? htonl(~0u << (32 - len)) : 0;
}

static void add_field(struct snic_ifc_match *m)
{
	switch (snic_rng_below(&rng, 17)) {
	case 0: m->src_vport = 0xffff; break;
	case 1: memset(m->outer.dmac, 0xff, 6); break;
	case 2: memset(m->outer.dmac, 0xff, 3); break;
	case 3: memset(m->outer.smac, 0xff, 6); break;
	case 4: m->outer.ethertype = 0xffff; break;
	case 5: m->outer.vlan_tci[0] = htons(0x1fff); break;
	case 6: m->outer.vlan_tci[0] = htons(0x1000); break;
	case 7: m->outer.ip_proto = 0xff; break;
	case 8: m->outer.ip_src[0] = prefix(8 + snic_rng_below(&rng, 25)); break;
	case 9: m->outer.ip_dst[0] = prefix(8 + snic_rng_below(&rng, 25)); break;
	case 10: m->outer.tp_src = snic_rng_below(&rng, 2) ? 0xffff : htons(0xfff0); break;
	case 11: m->outer.tp_dst = 0xffff; break;
	case 12: m->tun_type = 0xff; m->vni = htonl(0xffffff); break;
	case 13: m->inner.ip_dst[0] = prefix(16 + snic_rng_below(&rng, 17)); break;
	case 14: m->outer.ip_ttl = 0xff; break;
	case 15: m->outer.ip_tos = 0xfc; break;
	default: memset(m->outer.ip_src, 0xff, 16); break;
	}
}

/* ---- building a rule set ---- */

static uint32_t board_entries;

static unsigned live_entries(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < n_ents; i++)
		n += ents[i].alive;
	return n;
}

static void add_entry(unsigned gi)
{
	struct mgroup *g = &groups[gi];
	struct mentry *e;
	union mkey k;
	struct snic_ifc_actions a;
	struct tf t;
	unsigned ti = 0;
	uint32_t syn, id;
	bool dup = false;

	if (n_ents == MAX_ENTRIES)
		return;
	e = &ents[n_ents];
	memset(e, 0, sizeof(*e));
	frame_key(&t, gen_frame(&t), &k);
	for (unsigned w = 0; w < SNIC_IFC_MATCH_WORDS; w++)
		e->value[w] = k.w[w] & g->mask.w[w];
	e->table = g->table;
	e->group = g->id;
	e->prio = snic_rng_below(&rng, 8);
	e->counter = counter_base + n_ents;
	while (tables[ti].id != g->table)
		ti++;

	memset(&a, 0, sizeof(a));
	a.flags = SNIC_ACT_COUNT;
	a.counter = e->counter;
	unsigned r = snic_rng_below(&rng, 10);
	if (r < 2) {
		e->kind = M_DROP;
		a.flags |= SNIC_ACT_DROP;
	} else if (r < 5 && ti + 1 < n_tables) {
		e->kind = M_GOTO;
		e->goto_table = tables[ti + 1 + snic_rng_below(&rng, n_tables - ti - 1)].id;
		a.flags |= SNIC_ACT_GOTO;
		a.goto_table = e->goto_table;
	} else {
		struct snic_ifc_modify_op_desc op;
		e->kind = M_FWD;
		/* stamp the entry's index into the source MAC */
		snic_fwc_modify_op(&op, SNIC_MOD_SET, SNIC_FIELD_SMAC,
				   0x0e0000000000ull | n_ents);
		SNIC_OK(&nic.pf, snic_fwc_alloc_modify(&nic.pf, &op, 1, &e->modify));
		a.flags |= SNIC_ACT_FWD | SNIC_ACT_MODIFY;
		a.modify = e->modify;
		a.n_dests = 1;
		a.dests[0].type = SNIC_DEST_REP;
		a.dests[0].vport = SNIC_IFC_VPORT_PF;
	}
	for (unsigned i = 0; i < n_ents; i++)
		if (ents[i].alive && ents[i].group == e->group && ents[i].prio == e->prio &&
		    !memcmp(ents[i].value, e->value, sizeof(e->value)))
			dup = true;
	syn = snic_fwc_create_entry(&nic.pf, g->id, e->prio, (void *)e->value, &a, &id);
	if (!dup && syn == SNIC_SYN_ENTRY_LIMIT && live_entries() >= board_entries) {
		if (e->kind == M_FWD)
			SNIC_OK(&nic.pf, snic_fwc_dealloc_modify(&nic.pf, e->modify));
		return;
	}
	if (dup) {
		SNIC_CHECK_EQ(syn, SNIC_SYN_ENTRY_DUPLICATE, "duplicate entry refused");
		if (e->kind == M_FWD)
			SNIC_OK(&nic.pf, snic_fwc_dealloc_modify(&nic.pf, e->modify));
		return;
	}
	SNIC_CHECK_EQ(syn, SNIC_SYN_OK, "create entry");
	if (syn)
		return;
	e->id = id;
	e->alive = true;
	n_ents++;
}

static void build_set(void)
{
	n_tables = 1 + snic_rng_below(&rng, 4);
	n_groups = 0;
	n_ents = 0;
	SNIC_OK(&nic.pf, snic_fwc_set_esw_mode(&nic.pf, SNIC_ESW_SWITCHDEV));
	/* create from the highest level down so misses can point upward */
	for (unsigned i = n_tables; i-- > 0;) {
		struct mtable *t = &tables[i];
		uint32_t miss = snic_rng_below(&rng, 4), mt = 0;

		if (miss == SNIC_MISS_GOTO) {
			if (i + 1 < n_tables)
				mt = tables[i + 1 + snic_rng_below(&rng, n_tables - i - 1)].id;
			else
				miss = SNIC_MISS_DROP;
		}
		t->level = i * 2;       /* gaps between levels */
		t->miss = miss;
		t->miss_table = mt;
		SNIC_OK(&nic.pf, snic_fwc_create_table(&nic.pf, t->level, miss, mt,
						       i == 0 ? SNIC_TABLE_F_ROOT : 0,
						       &t->id));
	}
	for (unsigned i = 0; i < n_tables; i++) {
		unsigned ng = 1 + snic_rng_below(&rng, 6);
		for (unsigned j = 0; j < ng; j++) {
			struct mgroup *g = &groups[n_groups++];
			unsigned nf = snic_rng_below(&rng, 5);
			memset(&g->mask, 0, sizeof(g->mask));
			for (unsigned f = 0; f < nf; f++)
				add_field(&g->mask.m);
			g->table = tables[i].id;
			SNIC_OK(&nic.pf, snic_fwc_create_group(&nic.pf, g->table,
							       &g->mask.m, &g->id));
		}
	}
	for (unsigned i = 0; i < n_groups; i++) {
		unsigned ne = snic_rng_below(&rng, 40);
		for (unsigned j = 0; j < ne; j++)
			add_entry(i);
	}
}

static void teardown_set(void)
{
	uint64_t pk[256];

	/* every entry's counter equals the model's hits */
	for (unsigned i = 0; i < n_ents; i += 256) {
		unsigned n = n_ents - i < 256 ? n_ents - i : 256;
		SNIC_OK(&nic.pf, snic_fwc_query_counters(&nic.pf, counter_base + i, n,
							 0, pk, NULL));
		for (unsigned j = 0; j < n; j++) {
			SNIC_CHECK(pk[j] == ents[i + j].hits,
				   "entry %u: counter %llu, model %llu", i + j,
				   (unsigned long long)pk[j],
				   (unsigned long long)ents[i + j].hits);
			checks++;
		}
	}
	for (unsigned i = 0; i < n_ents; i++) {
		if (ents[i].alive)
			SNIC_OK(&nic.pf, snic_fwc_destroy_entry(&nic.pf, ents[i].id));
		if (ents[i].kind == M_FWD)
			SNIC_OK(&nic.pf, snic_fwc_dealloc_modify(&nic.pf, ents[i].modify));
	}
	/* zero the counters for the next set */
	for (unsigned i = 0; i < MAX_ENTRIES; i += 256)
		SNIC_OK(&nic.pf, snic_fwc_query_counters(&nic.pf, counter_base + i,
							 256, SNIC_COUNTERS_Q_CLEAR,
							 NULL, NULL));
	for (unsigned i = 0; i < n_groups; i++)
		SNIC_OK(&nic.pf, snic_fwc_destroy_group(&nic.pf, groups[i].id));
	for (unsigned i = 0; i < n_tables; i++)
		SNIC_OK(&nic.pf, snic_fwc_destroy_table(&nic.pf, tables[i].id));
}

/* ---- the model ---- */

static int model_best(uint32_t table, const uint64_t *key)
{
	int best = -1;

	for (unsigned i = 0; i < n_ents; i++) {
		const struct mentry *e = &ents[i];
		const struct mgroup *g = NULL;
		bool match = true;

		if (!e->alive || e->table != table)
			continue;
		for (unsigned j = 0; j < n_groups; j++)
			if (groups[j].id == e->group)
				g = &groups[j];
		for (unsigned w = 0; w < SNIC_IFC_MATCH_WORDS && match; w++)
			match = (key[w] & g->mask.w[w]) == e->value[w];
		if (match && (best < 0 || e->prio < ents[best].prio ||
			      (e->prio == ents[best].prio && e->id < ents[best].id)))
			best = (int)i;
	}
	return best;
}

static const struct mtable *mtable(uint32_t id)
{
	for (unsigned i = 0; i < n_tables; i++)
		if (tables[i].id == id)
			return &tables[i];
	return NULL;
}

/* The table a NEXT miss goes to: lowest level above, lowest id on ties. */
static uint32_t model_next(uint32_t id)
{
	const struct mtable *t = mtable(id), *best = NULL;

	for (unsigned i = 0; i < n_tables; i++)
		if (tables[i].level > t->level &&
		    (!best || tables[i].level < best->level))
			best = &tables[i];
	return best ? best->id : 0xffffffffu;
}

enum fate { F_DROP, F_REP_SRC, F_FWD };

static void run_packet(void)
{
	union mkey k;
	struct tf t;
	uint16_t vport = gen_frame(&t);
	uint32_t table = tables[0].id;
	enum fate fate = F_DROP;
	int last = -1;

	frame_key(&t, vport, &k);
	for (unsigned stage = 0; stage < 16; stage++) {
		int b = model_best(table, k.w);
		if (b >= 0) {
			ents[b].hits++;
			if (ents[b].kind == M_DROP) {
				fate = F_DROP;
			} else if (ents[b].kind == M_GOTO) {
				table = ents[b].goto_table;
				continue;
			} else {
				fate = F_FWD;
				last = b;
			}
			break;
		}
		const struct mtable *mt = mtable(table);
		if (mt->miss == SNIC_MISS_DROP) {
			fate = F_DROP;
		} else if (mt->miss == SNIC_MISS_GOTO) {
			table = mt->miss_table;
			continue;
		} else if (mt->miss == SNIC_MISS_NEXT && model_next(table) != 0xffffffffu) {
			table = model_next(table);
			continue;
		} else {
			fate = F_REP_SRC;
		}
		break;
	}

	snic_fw_memhal_clear(&nic.hal);
	snic_fw_rx(nic.fw, vport, tf_data(&t), t.len);
	checks++;
	switch (fate) {
	case F_DROP:
		SNIC_CHECK(nic.hal.n_frames == 0, "model drops, firmware sent %zu frame(s)",
			   nic.hal.n_frames);
		break;
	case F_REP_SRC:
		SNIC_CHECK(nic.hal.n_frames == 1 && nic.hal.frames[0].q == SNIC_FW_TX_REP &&
			   nic.hal.frames[0].vport == vport &&
			   nic.hal.frames[0].len == t.len &&
			   !memcmp(nic.hal.frames[0].data, tf_data(&t), t.len),
			   "model: miss to representor of vport %u; firmware sent %zu frame(s)",
			   vport, nic.hal.n_frames);
		break;
	case F_FWD: {
		const uint8_t *f = nic.hal.n_frames == 1 ? nic.hal.frames[0].data : NULL;
		unsigned got = f ? (unsigned)(f[10] << 8 | f[11]) : 0xffff;
		SNIC_CHECK(f && nic.hal.frames[0].q == SNIC_FW_TX_REP &&
			   nic.hal.frames[0].vport == 0 && got == (unsigned)last,
			   "model: entry %d (id %u prio %u), firmware: %s entry %u",
			   last, ents[last].id, ents[last].prio,
			   f ? "stamped" : "no frame,", got);
		break;
	}
	}
}

static void churn(void)
{
	/* delete a third of the entries, then add new ones */
	for (unsigned i = 0; i < n_ents; i++) {
		if (ents[i].alive && snic_rng_below(&rng, 3) == 0) {
			SNIC_OK(&nic.pf, snic_fwc_destroy_entry(&nic.pf, ents[i].id));
			ents[i].alive = false;
		}
	}
	for (unsigned i = 0; i < n_groups; i++) {
		unsigned ne = snic_rng_below(&rng, 10);
		for (unsigned j = 0; j < ne; j++)
			add_entry(i);
	}
}

static void run_board(const char *board, unsigned sets, unsigned pkts,
		      unsigned churn_every, uint64_t seed)
{
	const struct snic_fw_board *b;

	snic_test_nic_boot(&nic, board);
	b = snic_fw_get_board(nic.fw);
	board_entries = b->max_entries;
	SNIC_OK(&nic.pf, snic_fwc_alloc_counters(&nic.pf, 256, &counter_base));
	for (unsigned i = 256; i < MAX_ENTRIES; i += 256) {
		uint32_t base;
		SNIC_OK(&nic.pf, snic_fwc_alloc_counters(&nic.pf, 256, &base));
		SNIC_REQUIRE(base == counter_base + i, "counter bulks are contiguous");
	}
	for (unsigned s = 0; s < sets; s++) {
		unsigned before = snic_test_failed_;
		build_set();
		for (unsigned p = 0; p < pkts; p++) {
			if (p && p % churn_every == 0)
				churn();
			run_packet();
		}
		teardown_set();
		if (snic_test_failed_ != before) {
			printf("%s: rule set %u differs from the model (seed %llu)\n",
			       b->model, s, (unsigned long long)seed);
			break;
		}
	}
	snic_test_nic_down(&nic);
}

int main(void)
{
	uint64_t seed = snic_test_seed();

	rng.s = seed;
	run_board(SNIC_SMALL_BOARD, N_SETS, PKTS_PER_SET, PKTS_PER_SET / 2, seed);
	run_board(SNIC_TINY_BOARD, 40, 1000, 100, seed);
	printf("%u checks against the reference model\n", checks);
	SNIC_CHECK(checks >= 100000, "at least 100000 checks ran (%u)", checks);
	return snic_test_done();
}
