/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fw_recover.c - what a host that attaches after another one relies
 * on: LIST_OBJECTS returns exactly the live objects (across pages), the
 * QUERY commands give back what was created, RESET_STEERING returns the
 * steering to its boot state and nothing else; and the counter allocator
 * agrees with a plain first-fit model over random alloc/free sequences
 * (SNIC_SEED=N replays one).
 */
#include <arpa/inet.h>
#include <time.h>

#include "snic_test_fw.h"

static struct snic_test_nic nic;

#define FW_NONE_ID 0xffffffffu

static bool fw_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* Every live object of type, paging max items at a time; aux[] too. */
static uint32_t list_all(uint32_t type, uint32_t max, uint32_t *ids,
			 uint32_t *aux, uint32_t cap)
{
	struct snic_ifc_list_item items[SNIC_IFC_MAX_LIST];
	uint32_t start = 0, total = 0, n, next, calls = 0;

	do {
		SNIC_OK(&nic.pf, snic_fwc_list_objects(&nic.pf, type, start, max,
						       items, &n, &next));
		SNIC_REQUIRE(n <= max, "list returned %u items for max %u", n, max);
		for (uint32_t i = 0; i < n; i++) {
			SNIC_REQUIRE(total < cap, "more than %u objects listed", cap);
			if (total)
				SNIC_CHECK(items[i].id > ids[total - 1],
					   "ids ascend (%u after %u)", items[i].id,
					   ids[total - 1]);
			ids[total] = items[i].id;
			aux[total++] = items[i].aux;
		}
		SNIC_REQUIRE(next == SNIC_LIST_END || next > start,
			     "list makes progress (next %u, start %u)", next, start);
		start = next;
		SNIC_REQUIRE(++calls < 100000, "list terminates");
	} while (next != SNIC_LIST_END);
	return total;
}

#define N_ENTRIES 700u   /* more than one full page of SNIC_IFC_MAX_LIST */

static uint32_t t_root, t_1, g_a, g_b, r_1, r_2, m_1, c_1, c_bulk;
static uint32_t e_ids[N_ENTRIES];
static uint8_t tmpl1[SNIC_REFORMAT_VXLAN_LEN], tmpl2[SNIC_REFORMAT_VXLAN_LEN];
static struct snic_ifc_modify_op_desc mod_ops[2];

static void build(void)
{
	struct snic_fwc *c = &nic.pf;
	struct snic_ifc_match mask = { 0 }, val = { 0 };
	struct snic_ifc_actions a = { 0 };
	static const uint8_t d[6] = { 2, 0, 0, 0, 0, 1 }, s[6] = { 2, 0, 0, 0, 0, 2 };

	SNIC_OK(c, snic_fwc_create_table(c, 0, SNIC_MISS_DEFAULT, 0,
					 SNIC_TABLE_F_ROOT, &t_root));
	SNIC_OK(c, snic_fwc_create_table(c, 3, SNIC_MISS_DROP, 0, 0, &t_1));
	mask.src_vport = 0xffff;
	SNIC_OK(c, snic_fwc_create_group(c, t_root, &mask, &g_a));
	memset(mask.outer.dmac, 0xff, 6);
	SNIC_OK(c, snic_fwc_create_group(c, t_1, &mask, &g_b));
	snic_fwc_vxlan_template(tmpl1, d, s, 0x0a000001, 0x0a000002, 4789, 42);
	snic_fwc_vxlan_template(tmpl2, d, s, 0x0a000001, 0x0a000003, 4789, 43);
	SNIC_OK(c, snic_fwc_alloc_reformat(c, SNIC_REFORMAT_VXLAN_ENCAP, tmpl1,
					   sizeof(tmpl1), &r_1));
	SNIC_OK(c, snic_fwc_alloc_reformat(c, SNIC_REFORMAT_VXLAN_ENCAP, tmpl2,
					   sizeof(tmpl2), &r_2));
	snic_fwc_modify_op(&mod_ops[0], SNIC_MOD_SET, SNIC_FIELD_DMAC, 0x020000000099ull);
	snic_fwc_modify_op(&mod_ops[1], SNIC_MOD_ADD, SNIC_FIELD_IP_TTL, 0xff);
	SNIC_OK(c, snic_fwc_alloc_modify(c, mod_ops, 2, &m_1));
	SNIC_OK(c, snic_fwc_alloc_counters(c, 1, &c_1));
	SNIC_OK(c, snic_fwc_alloc_counters(c, 100, &c_bulk));

	/* root: VF0 -> encap r_1 -> uplink, counted, then goto t_1 */
	val.src_vport = htons(SNIC_IFC_VPORT_VF(0));
	a.flags = SNIC_ACT_FWD | SNIC_ACT_COUNT | SNIC_ACT_MODIFY;
	a.counter = c_1;
	a.modify = m_1;
	a.n_dests = 2;
	a.dests[0].type = SNIC_DEST_VPORT;
	a.dests[0].flags = SNIC_DEST_F_REFORMAT;
	a.dests[0].vport = SNIC_IFC_VPORT_UPLINK(0);
	a.dests[0].reformat = r_1;
	a.dests[1] = a.dests[0];
	a.dests[1].reformat = r_2;
	SNIC_OK(c, snic_fwc_create_entry(c, g_a, 3, &val, &a, &e_ids[0]));
	/* t_1: many entries by destination MAC, each to VF1 */
	memset(&a, 0, sizeof(a));
	a.flags = SNIC_ACT_FWD;
	a.n_dests = 1;
	a.dests[0].type = SNIC_DEST_VPORT;
	a.dests[0].vport = SNIC_IFC_VPORT_VF(1);
	memset(&val, 0, sizeof(val));
	val.outer.dmac[0] = 2;
	for (uint32_t i = 1; i < N_ENTRIES; i++) {
		val.outer.dmac[4] = (uint8_t)(i >> 8);
		val.outer.dmac[5] = (uint8_t)i;
		SNIC_OK(c, snic_fwc_create_entry(c, g_b, i % 7, &val, &a, &e_ids[i]));
	}
	/* holes: every third entry of t_1 goes */
	for (uint32_t i = 3; i < N_ENTRIES; i += 3) {
		SNIC_OK(c, snic_fwc_destroy_entry(c, e_ids[i]));
		e_ids[i] = FW_NONE_ID;
	}
}

static bool in_set(uint32_t id, const uint32_t *set, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (set[i] == id)
			return true;
	return false;
}

static void test_list(void)
{
	static uint32_t ids[8192], aux[8192];
	uint32_t n, live = 0;

	n = list_all(SNIC_OBJ_TABLE, 1, ids, aux, 8192);
	SNIC_CHECK_EQ(n, 2, "tables listed");
	SNIC_CHECK(n == 2 && ids[0] == t_root && aux[0] == 0 && ids[1] == t_1 &&
		   aux[1] == 3, "tables %u (level %u), %u (level %u)", ids[0],
		   aux[0], ids[1], aux[1]);
	n = list_all(SNIC_OBJ_GROUP, 5, ids, aux, 8192);
	SNIC_CHECK(n == 2 && in_set(g_a, ids, n) && in_set(g_b, ids, n),
		   "both groups listed (%u)", n);
	for (uint32_t i = 0; i < n; i++)
		SNIC_CHECK_EQ(aux[i], ids[i] == g_a ? t_root : t_1, "group's table");

	for (uint32_t max = 1; max <= SNIC_IFC_MAX_LIST; max = max * 3 + 4) {
		n = list_all(SNIC_OBJ_ENTRY, max, ids, aux, 8192);
		live = 0;
		for (uint32_t i = 0; i < N_ENTRIES; i++)
			if (e_ids[i] != FW_NONE_ID) {
				live++;
				SNIC_CHECK(in_set(e_ids[i], ids, n),
					   "page size %u: entry %u listed", max, e_ids[i]);
			}
		SNIC_CHECK_EQ(n, live, "entries listed: only the live ones");
	}
	for (uint32_t i = 0; i < n; i++)
		SNIC_CHECK_EQ(aux[i], ids[i] == e_ids[0] ? g_a : g_b, "entry's group");

	n = list_all(SNIC_OBJ_REFORMAT, 512, ids, aux, 8192);
	SNIC_CHECK(n == 2 && ids[0] == r_1 && ids[1] == r_2 && aux[0] == 1 &&
		   aux[1] == 1, "reformats with one reference each");
	n = list_all(SNIC_OBJ_MODIFY, 512, ids, aux, 8192);
	SNIC_CHECK(n == 1 && ids[0] == m_1 && aux[0] == 1, "modify, 1 reference");
	n = list_all(SNIC_OBJ_COUNTERS, 512, ids, aux, 8192);
	SNIC_CHECK(n == 2 && ids[0] == c_1 && aux[0] == 1 && ids[1] == c_bulk &&
		   aux[1] == 100, "counter bulks: base and size");
}

static void test_query(void)
{
	struct snic_ifc_query_reformat_out r;
	struct snic_ifc_query_modify_out m;
	struct snic_ifc_query_entry_out e;

	SNIC_OK(&nic.pf, snic_fwc_query_reformat(&nic.pf, r_2, &r));
	SNIC_CHECK_EQ(snic_ifc_le32(r.type), SNIC_REFORMAT_VXLAN_ENCAP, "reformat type");
	SNIC_CHECK_EQ(snic_ifc_le32(r.len), sizeof(tmpl2), "reformat length");
	SNIC_CHECK_EQ(snic_ifc_le32(r.refs), 1, "reformat references");
	SNIC_CHECK_MEM(r.data, tmpl2, sizeof(tmpl2), "reformat template");
	SNIC_CHECK(fw_zero(r.data + sizeof(tmpl2), sizeof(r.data) - sizeof(tmpl2)),
		   "template tail is zero");

	SNIC_OK(&nic.pf, snic_fwc_query_modify(&nic.pf, m_1, &m));
	SNIC_CHECK_EQ(snic_ifc_le32(m.n_ops), 2, "modify ops");
	SNIC_CHECK_EQ(snic_ifc_le32(m.refs), 1, "modify references");
	SNIC_CHECK_MEM(m.ops, mod_ops, sizeof(mod_ops), "modify ops as allocated");
	SNIC_CHECK(fw_zero(&m.ops[2], sizeof(m.ops) - sizeof(mod_ops)), "unused ops zero");

	/* an entry reads back with the ids a new host needs to adopt it */
	SNIC_OK(&nic.pf, snic_fwc_query_entry(&nic.pf, e_ids[0], &e));
	SNIC_CHECK(snic_ifc_le32(e.actions.counter) == c_1 &&
		   snic_ifc_le32(e.actions.modify) == m_1 &&
		   snic_ifc_le32(e.actions.dests[1].reformat) == r_2 &&
		   snic_ifc_le32(e.table) == t_root, "entry's object ids");
}

static void test_reset(void)
{
	static const uint8_t frame[60] = { 2, 0, 0, 0, 0, 7, 2, 0, 0, 0, 0, 8, 0x88, 0xb5 };
	struct snic_ifc_reset_steering_out out;
	struct snic_ifc_query_vport_out vq0, vq1;
	struct snic_ifc_list_item it[4];
	uint32_t n, next, mode, id, live = 0;

	for (uint32_t i = 0; i < N_ENTRIES; i++)
		live += e_ids[i] != FW_NONE_ID;
	SNIC_OK(&nic.pf, snic_fwc_query_vport(&nic.pf, SNIC_IFC_VPORT_VF(0), &vq0));

	/* before: VF0's frames are encapsulated twice to the uplink */
	snic_test_rx(&nic, SNIC_IFC_VPORT_VF(0), frame, sizeof(frame));
	SNIC_CHECK_EQ(nic.hal.n_frames, 2, "two encapsulated copies before reset");

	SNIC_OK(&nic.pf, snic_fwc_reset_steering(&nic.pf, &out));
	SNIC_CHECK_EQ(snic_ifc_le32(out.entries), live, "entries destroyed");
	SNIC_CHECK_EQ(snic_ifc_le32(out.groups), 2, "groups destroyed");
	SNIC_CHECK_EQ(snic_ifc_le32(out.tables), 2, "tables destroyed");
	SNIC_CHECK_EQ(snic_ifc_le32(out.others), 2 + 1 + 2, "reformats + modify + bulks");
	for (uint32_t t = SNIC_OBJ_TABLE; t <= SNIC_OBJ_COUNTERS; t++) {
		SNIC_OK(&nic.pf, snic_fwc_list_objects(&nic.pf, t, 0, 4, it, &n, &next));
		SNIC_CHECK(n == 0 && next == SNIC_LIST_END, "type %u: none left", t);
	}

	/* the e-switch mode and the vports are untouched */
	SNIC_OK(&nic.pf, snic_fwc_query_esw_mode(&nic.pf, &mode));
	SNIC_CHECK_EQ(mode, SNIC_ESW_SWITCHDEV, "still switchdev");
	SNIC_OK(&nic.pf, snic_fwc_query_vport(&nic.pf, SNIC_IFC_VPORT_VF(0), &vq1));
	SNIC_CHECK_MEM(&vq1.ctx, &vq0.ctx, sizeof(vq0.ctx), "VF0's context kept");
	SNIC_CHECK(snic_ifc_le64(vq1.stats.rx_packets) == snic_ifc_le64(vq0.stats.rx_packets) + 1,
		   "VF0's statistics kept");

	/* no root: the frame takes the exception path, unchanged */
	snic_test_rx(&nic, SNIC_IFC_VPORT_VF(0), frame, sizeof(frame));
	SNIC_CHECK(nic.hal.n_frames == 1 &&
		   snic_test_out_to(&nic, SNIC_FW_TX_REP, SNIC_IFC_VPORT_VF(0)) &&
		   nic.hal.frames[0].len == sizeof(frame) &&
		   memcmp(nic.hal.frames[0].data, frame, sizeof(frame)) == 0,
		   "after reset VF0's frame reaches its representor as sent");

	/* ids start over and every capacity is free again */
	SNIC_OK(&nic.pf, snic_fwc_create_table(&nic.pf, 0, SNIC_MISS_DEFAULT, 0,
					       SNIC_TABLE_F_ROOT, &id));
	SNIC_CHECK_EQ(id, 0, "first table id after reset");
	SNIC_OK(&nic.pf, snic_fwc_alloc_counters(&nic.pf, 256, &id));
	SNIC_CHECK_EQ(id, 0, "first counter bulk after reset");
	SNIC_OK(&nic.pf, snic_fwc_reset_steering(&nic.pf, &out));
	SNIC_CHECK(snic_ifc_le32(out.tables) == 1 && snic_ifc_le32(out.others) == 1,
		   "second reset: the table and the bulk");
	SNIC_OK(&nic.pf, snic_fwc_reset_steering(&nic.pf, &out));
	SNIC_CHECK(fw_zero(&out.entries, 16), "reset of nothing destroys nothing");
}

/*
 * The counter allocator against a model: first fit from the cursor (the end
 * of the last allocation), then from 0.  Sizes are mostly 1 (per-rule
 * counters) with bulks up to 256, which fragment the space.
 */
static void test_counter_model(uint64_t seed)
{
	enum { MAXC = 4096, LIVE = 512 };
	static bool used[MAXC];
	static uint32_t base[LIVE], size[LIVE];
	struct snic_rng rng = { seed };
	uint32_t n_live = 0, cursor = 0, refused = 0, ops = 0;
	static uint64_t pk[256];

	memset(used, 0, sizeof(used));
	for (ops = 0; ops < 20000; ops++) {
		bool alloc = n_live == 0 || (n_live < LIVE && snic_rng_below(&rng, 100) < 55);

		if (alloc) {
			uint32_t r = snic_rng_below(&rng, 100), want = FW_NONE_ID, got, syn;
			uint32_t sz = r < 70 ? 1 : r < 90 ? 1 + snic_rng_below(&rng, 64) :
				      1 + snic_rng_below(&rng, 256);

			for (int pass = 0; pass < 2 && want == FW_NONE_ID; pass++) {
				uint32_t run = 0;
				for (uint32_t i = pass ? 0 : cursor; i < MAXC; i++) {
					run = used[i] ? 0 : run + 1;
					if (run == sz) {
						want = i + 1 - sz;
						break;
					}
				}
			}
			syn = snic_fwc_alloc_counters(&nic.pf, sz, &got);
			if (want == FW_NONE_ID) {
				SNIC_CHECK(syn == SNIC_SYN_COUNTER_LIMIT,
					   "op %u: %u counters cannot fit, got %s", ops, sz,
					   snic_fw_syndrome_name(syn));
				refused++;
				continue;
			}
			SNIC_REQUIRE(syn == SNIC_SYN_OK && got == want,
				     "op %u (seed %llu): %u counters at %u, firmware "
				     "says %s at %u", ops, (unsigned long long)seed,
				     sz, want, snic_fw_syndrome_name(syn), got);
			SNIC_OK(&nic.pf, snic_fwc_query_counters(&nic.pf, got, sz, 0, pk, NULL));
			for (uint32_t i = 0; i < sz; i++)
				used[got + i] = true;
			base[n_live] = got;
			size[n_live++] = sz;
			cursor = got + sz;
		} else {
			uint32_t k = snic_rng_below(&rng, n_live);

			SNIC_OK(&nic.pf, snic_fwc_dealloc_counters(&nic.pf, base[k]));
			for (uint32_t i = 0; i < size[k]; i++)
				used[base[k] + i] = false;
			base[k] = base[--n_live];
			size[k] = size[n_live];
		}
	}
	printf("counter model: %u operations, %u refused as full, %u bulks live\n",
	       ops, refused, n_live);
	SNIC_CHECK(refused > 0, "the sequence reached a full, fragmented space");
	for (uint32_t k = 0; k < n_live; k++)
		SNIC_OK(&nic.pf, snic_fwc_dealloc_counters(&nic.pf, base[k]));
}

int main(void)
{
	uint64_t seed = snic_test_seed();

	snic_test_nic_boot(&nic, SNIC_SMALL_BOARD);
	build();
	test_list();
	test_query();
	test_reset();
	test_counter_model(seed);
	snic_test_nic_down(&nic);
	return snic_test_done();
}
