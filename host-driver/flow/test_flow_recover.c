/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_flow_recover.c - a context attaching to a NIC whose steering an
 * earlier context left behind (its application crashed):
 *
 *   - refuse: -EBUSY, and the message says how to recover;
 *   - adopt: the old rules keep forwarding and counting as orphans; the
 *     remains of an interrupted create are freed; re-creating a rule with
 *     the same actions takes its orphan over (same firmware entry, counter
 *     value kept), with other actions replaces it; flushing the orphans
 *     removes the rest, and what they alone used;
 *   - adopt refuses objects the library did not make, changing nothing;
 *   - flush removes everything and starts with an empty root.
 *
 * The crash is simulated by abandoning the first context without a word to
 * the firmware (its memory is leaked on purpose, hidden from LeakSanitizer).
 */
#include "test_flow_lib.h"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_LSAN 1
#endif
#endif
#ifdef HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#define LSAN_OFF() __lsan_disable()
#define LSAN_ON()  __lsan_enable()
#else
#define LSAN_OFF() ((void)0)
#define LSAN_ON()  ((void)0)
#endif

static const uint8_t peer_mac[6] = { 0x02, 0xcc, 0, 0, 0, 9 };

/* The rules the crashed application had. */
static const struct rule r_encap = {   /* VF0 -> 10.0.0.2: count, encap, uplink */
	"encap", 1, T_ATTR,
	{ PORT_IT(1), ETH_ANY, IPV4_DST(IP4(10, 0, 0, 2)), { .type = RTE_FLOW_ITEM_TYPE_END } },
	{ AC(COUNT, NULL), AC(VXLAN_ENCAP, &vx_encap), TO(0), AC(END, NULL) },
};
static const struct rule r_jump = {    /* VF1 -> group 2 */
	"jump", 2, T_ATTR,
	{ PORT_IT(2), { .type = RTE_FLOW_ITEM_TYPE_END } },
	{ AC(JUMP, CONF(jump, .group = 2)), AC(END, NULL) },
};
static const struct rule r_rewrite = { /* group 2: new MAC, count, to VF0 */
	"rewrite", 2, { .transfer = 1, .group = 2 },
	{ ETH_ANY, IPV4_DST(IP4(10, 0, 0, 3)), { .type = RTE_FLOW_ITEM_TYPE_END } },
	{ AC(SET_MAC_DST, CONF(set_mac, .mac_addr = { 0x02, 0xcc, 0, 0, 0, 9 })),
	  AC(COUNT, NULL), TO(1), AC(END, NULL) },
};
static const struct rule r_drop = {    /* VF2: count and drop */
	"drop", 3, { .transfer = 1, .priority = 3 },
	{ PORT_IT(3), { .type = RTE_FLOW_ITEM_TYPE_END } },
	{ AC(COUNT, NULL), AC(DROP, NULL), AC(END, NULL) },
};
static const struct rule r_drop_now_fwd = { /* same match, other actions */
	"drop, now to VF3", 3, { .transfer = 1, .priority = 3 },
	{ PORT_IT(3), { .type = RTE_FLOW_ITEM_TYPE_END } },
	{ AC(COUNT, NULL), TO(4), AC(END, NULL) },
};

static uint64_t hits(struct snic_flow *f)
{
	struct rte_flow_query_count q = { 0 };
	const struct rte_flow_action count = AC(COUNT, NULL);
	struct rte_flow_error e = { 0 };

	SNIC_REQUIRE(snic_flow_query(ctx, f, &count, &q, &e) == 0, "query: %s",
		     e.message ? e.message : "?");
	return q.hits;
}

static unsigned fw_count(uint32_t type)
{
	struct snic_ifc_list_item it[SNIC_IFC_MAX_LIST];
	uint32_t start = 0, n, next, total = 0;

	do {
		SNIC_OK(&nic.pf, snic_fwc_list_objects(&nic.pf, type, start,
						       SNIC_IFC_MAX_LIST, it, &n, &next));
		total += n;
		start = next;
	} while (next != SNIC_LIST_END);
	return total;
}

static void frame_in(uint16_t vport, uint32_t dst, struct tf *t)
{
	udp_frame(t, vf_mac[1], vf_mac[vport - 1], dst, 5000, 64, -1);
	snic_test_rx(&nic, vport, tf_data(t), t->len);
}

static struct snic_flow *old_encap, *old_rewrite, *old_drop;
static struct snic_flow_fw_ids old_encap_ids;

/* The first application: installs its rules, passes traffic, "crashes". */
static void first_owner(void)
{
	char err[256];
	struct tf t;

	LSAN_OFF();
	SNIC_REQUIRE(snic_flow_ctx_create(&ctx, &nic.pf, ports, RTE_DIM(ports),
					  SNIC_FLOW_RECOVER_REFUSE, err, sizeof(err)) == 0,
		     "first owner: %s", err);
	old_encap = must(&r_encap);
	must(&r_jump);
	old_rewrite = must(&r_rewrite);
	old_drop = must(&r_drop);
	LSAN_ON();
	snic_flow_get_fw_ids(old_encap, &old_encap_ids);
	for (int i = 0; i < 3; i++)
		frame_in(VF(0), 0x0a000002, &t);
	for (int i = 0; i < 2; i++)
		frame_in(VF(1), 0x0a000003, &t);
	for (int i = 0; i < 4; i++)
		frame_in(VF(2), 0x0a000004, &t);
	SNIC_CHECK(hits(old_encap) == 3 && hits(old_rewrite) == 2 && hits(old_drop) == 4,
		   "the first owner's counters: %" PRIu64 " %" PRIu64 " %" PRIu64,
		   hits(old_encap), hits(old_rewrite), hits(old_drop));
	/* then it crashed in the middle of a create: objects no entry uses */
	{
		struct snic_ifc_modify_op_desc op;
		struct snic_ifc_match mask = { 0 };
		uint32_t id, t5;
		uint8_t tmpl[SNIC_REFORMAT_VXLAN_LEN];

		snic_fwc_modify_op(&op, SNIC_MOD_SET, SNIC_FIELD_TP_DST, 53);
		SNIC_OK(&nic.pf, snic_fwc_alloc_modify(&nic.pf, &op, 1, &id));
		SNIC_OK(&nic.pf, snic_fwc_alloc_counters(&nic.pf, 1, &id));
		snic_fwc_vxlan_template(tmpl, ext_mac, vf_mac[0], 1, 2, 4789, 9);
		SNIC_OK(&nic.pf, snic_fwc_alloc_reformat(&nic.pf, SNIC_REFORMAT_VXLAN_ENCAP,
							 tmpl, sizeof(tmpl), &id));
		SNIC_OK(&nic.pf, snic_fwc_create_table(&nic.pf, 5, SNIC_MISS_DEFAULT, 0, 0, &t5));
		mask.src_vport = 0xffff;
		SNIC_OK(&nic.pf, snic_fwc_create_group(&nic.pf, t5, &mask, &id));
	}
	ctx = NULL;     /* abandoned, as a killed process would */
}

static void test_refuse(void)
{
	struct snic_flow_ctx *c2 = NULL;
	char err[256] = "";
	int rc;

	rc = snic_flow_ctx_create(&c2, &nic.pf, ports, RTE_DIM(ports),
				  SNIC_FLOW_RECOVER_REFUSE, err, sizeof(err));
	SNIC_CHECK(rc == -EBUSY && !c2 && strstr(err, "flow_recover=flush") &&
		   strstr(err, "flow_recover=adopt"), "refuse: %d: %s", rc, err);
}

static void test_adopt(void)
{
	struct snic_flow_usage u;
	struct snic_flow_fw_ids ids;
	struct snic_flow *f;
	struct rte_flow_error e = { 0 };
	const struct snic_fw_memhal_frame *out;
	char err[256];
	struct tf t;

	SNIC_REQUIRE(snic_flow_ctx_create(&ctx, &nic.pf, ports, RTE_DIM(ports),
					  SNIC_FLOW_RECOVER_ADOPT, err, sizeof(err)) == 0,
		     "adopt: %s", err);
	snic_flow_get_usage(ctx, &u);
	SNIC_CHECK(u.flows == 4 && u.orphans == 4 && snic_flow_orphans(ctx) == 4,
		   "4 orphan rules (flows %u, orphans %u)", u.flows, u.orphans);
	SNIC_CHECK(u.tables == 2 && u.groups == 3 && u.reformats == 1 &&
		   u.modifies == 1 && u.counters == 3, "adopted objects: tables %u "
		   "groups %u reformats %u modifies %u counters %u", u.tables,
		   u.groups, u.reformats, u.modifies, u.counters);
	SNIC_CHECK(fw_count(SNIC_OBJ_TABLE) == 2 && fw_count(SNIC_OBJ_GROUP) == 3 &&
		   fw_count(SNIC_OBJ_REFORMAT) == 1 && fw_count(SNIC_OBJ_MODIFY) == 1 &&
		   fw_count(SNIC_OBJ_COUNTERS) == 3 && fw_count(SNIC_OBJ_ENTRY) == 4,
		   "the interrupted create's objects were freed in the firmware");

	/* orphans keep forwarding: VF1's frame is rewritten and reaches VF0 */
	frame_in(VF(1), 0x0a000003, &t);
	out = snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(0));
	SNIC_CHECK(out && nic.hal.n_frames == 1 && !memcmp(out->data, peer_mac, 6),
		   "an orphan rewrites and forwards");

	/* the same rule again: the orphan itself, counter value kept */
	f = create(&r_encap, &e);
	SNIC_REQUIRE(f != NULL, "re-create encap: %s", e.message ? e.message : "?");
	snic_flow_get_fw_ids(f, &ids);
	SNIC_CHECK(!memcmp(&ids, &old_encap_ids, sizeof(ids)),
		   "taken over: same entry %u (was %u), counter %u (was %u)",
		   ids.entry, old_encap_ids.entry, ids.counter, old_encap_ids.counter);
	SNIC_CHECK_EQ(hits(f), 3, "the counter kept its 3 hits");
	frame_in(VF(0), 0x0a000002, &t);
	SNIC_CHECK_EQ(hits(f), 4, "and keeps counting");
	SNIC_CHECK_EQ(snic_flow_orphans(ctx), 3, "3 orphans left");
	SNIC_CHECK(create(&r_encap, &e) == NULL && rte_errno == EEXIST,
		   "a third create of it is a duplicate again");

	/* validate does not take anything over */
	SNIC_CHECK(snic_flow_validate(ctx, r_jump.port, &r_jump.attr, r_jump.pat,
				      r_jump.act, &e) == 0, "validate of an orphan's rule");
	SNIC_CHECK_EQ(snic_flow_orphans(ctx), 3, "validate changed nothing");

	/* other actions for an orphan's match: replaced */
	f = create(&r_drop_now_fwd, &e);
	SNIC_REQUIRE(f != NULL, "replace: %s", e.message ? e.message : "?");
	SNIC_CHECK_EQ(snic_flow_orphans(ctx), 2, "the drop orphan was replaced");
	SNIC_CHECK_EQ(hits(f), 0, "the replacement counts from zero");
	frame_in(VF(2), 0x0a000004, &t);
	SNIC_CHECK(snic_test_out_to(&nic, SNIC_FW_TX_VPORT, VF(3)) && hits(f) == 1,
		   "VF2's frames now reach VF3, counted");

	/* the rest go; what only they used goes with them */
	SNIC_CHECK(snic_flow_flush_orphans(ctx, &e) == 0, "flush orphans: %s",
		   e.message ? e.message : "?");
	snic_flow_get_usage(ctx, &u);
	SNIC_CHECK(u.flows == 2 && u.orphans == 0 && u.tables == 1 && u.modifies == 0,
		   "after flushing orphans: flows %u, tables %u, modifies %u",
		   u.flows, u.tables, u.modifies);
	SNIC_CHECK(fw_count(SNIC_OBJ_ENTRY) == 2 && fw_count(SNIC_OBJ_TABLE) == 1,
		   "the firmware holds the 2 live rules and the root only");
	frame_in(VF(1), 0x0a000003, &t);
	SNIC_CHECK(nic.hal.n_frames == 1 && snic_test_out_to(&nic, SNIC_FW_TX_REP, VF(1)),
		   "VF1's frames miss now: to VF1's representor");
	frame_in(VF(0), 0x0a000002, &t);
	SNIC_CHECK(snic_test_out_to(&nic, SNIC_FW_TX_VPORT, UP), "the adopted encap stays");
}

/* Objects this library would not make: adoption refuses and touches nothing. */
static void test_foreign_then_flush(void)
{
	struct snic_flow_ctx *c2 = NULL;
	struct snic_flow_usage u;
	char err[256] = "";
	uint32_t id, before;
	int rc;

	ctx = NULL;     /* the context of test_adopt crashes too */
	SNIC_OK(&nic.pf, snic_fwc_create_table(&nic.pf, 4, SNIC_MISS_DROP, 0, 0, &id));
	before = fw_count(SNIC_OBJ_TABLE) * 1000 + fw_count(SNIC_OBJ_ENTRY);
	rc = snic_flow_ctx_create(&c2, &nic.pf, ports, RTE_DIM(ports),
				  SNIC_FLOW_RECOVER_ADOPT, err, sizeof(err));
	SNIC_CHECK(rc == -EBUSY && !c2 && strstr(err, "did not make") &&
		   strstr(err, "flow_recover=flush"), "foreign table: %d: %s", rc, err);
	SNIC_CHECK_EQ(fw_count(SNIC_OBJ_TABLE) * 1000 + fw_count(SNIC_OBJ_ENTRY), before,
		      "a refused adoption changed nothing");

	rc = snic_flow_ctx_create(&ctx, &nic.pf, ports, RTE_DIM(ports),
				  SNIC_FLOW_RECOVER_FLUSH, err, sizeof(err));
	SNIC_REQUIRE(rc == 0, "flush: %s", err);
	SNIC_CHECK_EQ(snic_flow_flushed_at_attach(ctx), 2, "2 entries flushed");
	snic_flow_get_usage(ctx, &u);
	SNIC_CHECK(u.flows == 0 && u.tables == 1 && fw_count(SNIC_OBJ_TABLE) == 1 &&
		   fw_count(SNIC_OBJ_ENTRY) == 0 && fw_count(SNIC_OBJ_COUNTERS) == 0 &&
		   fw_count(SNIC_OBJ_REFORMAT) == 0, "after flush: only a new root");
	must(&r_drop);
	SNIC_CHECK(fw_count(SNIC_OBJ_ENTRY) == 1, "rules work after a flush");
	snic_flow_ctx_destroy(ctx);
	SNIC_CHECK(fw_count(SNIC_OBJ_TABLE) == 0, "destroy leaves no table");
}

int main(void)
{
	snic_test_nic_boot(&nic, SNIC_SMALL_BOARD);
	make_raw_tmpl();
	first_owner();
	test_refuse();
	LSAN_OFF();     /* this context is abandoned later */
	test_adopt();
	LSAN_ON();
	test_foreign_then_flush();
	snic_test_nic_down(&nic);
	return snic_test_done();
}
