/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fw_cmds.c - every invalid field of every command gets its own
 * syndrome, the status that goes with it, and changes nothing: the firmware's
 * whole memory (every byte the HAL gave it) is compared before and after each
 * refused command.  At the end, every syndrome the ABI defines must have been
 * produced at least once.
 */
#include <arpa/inet.h>

#include "snic_test_fw.h"

static struct snic_test_nic nic;
static bool seen[0x100];

static uint8_t syn_status(uint32_t syn)
{
#define ST(name, val, st, text) if (syn == val) return SNIC_STATUS_##st;
	SNIC_IFC_SYNDROMES(ST)
#undef ST
	return 0xff;
}

/* Aligned mailboxes. */
static _Alignas(8) uint8_t inbox[SNIC_IFC_MAX_IN + 8];
static _Alignas(8) uint8_t outbox[SNIC_IFC_MAX_OUT];

static void *mb(uint16_t opcode, size_t size)
{
	struct snic_ifc_in_hdr *h = (void *)inbox;

	memset(inbox, 0, size);
	h->opcode = snic_ifc_le16(opcode);
	h->token = snic_ifc_le32(0x1234);
	return inbox;
}

/* Run a command that must fail with `want` and change nothing. */
static void refuse_as(const char *what, uint16_t func, const void *in,
		      size_t len, size_t out_cap, uint32_t want)
{
	struct snic_fw_memhal_snap *s = snic_fw_memhal_snapshot(&nic.hal);
	const struct snic_ifc_out_hdr *o = (const void *)outbox;
	size_t n = snic_fw_cmd(nic.fw, func, in, len, outbox, out_cap);
	uint32_t syn = n >= sizeof(*o) ? snic_ifc_le32(o->syndrome) : 0xdead;
	long long d = snic_fw_memhal_snap_diff(&nic.hal, s);

	SNIC_CHECK(syn == want, "%s: syndrome %s (0x%x), want %s (0x%x)", what,
		   snic_fw_syndrome_name(syn), syn, snic_fw_syndrome_name(want), want);
	if (n >= sizeof(*o)) {
		SNIC_CHECK(o->status == syn_status(want), "%s: status %u, want %u",
			   what, o->status, syn_status(want));
		SNIC_CHECK(snic_ifc_le32(o->out_len) == sizeof(*o),
			   "%s: an error reply is only the header", what);
		if (len >= 8 && !((uintptr_t)in & 7))
			SNIC_CHECK(o->token == snic_ifc_le32(0x1234), "%s: token echoed", what);
	}
	SNIC_CHECK(d == -1, "%s: firmware memory changed at byte %lld", what, d);
	snic_fw_memhal_snap_free(s);
	if (want < 0x100)
		seen[want] = true;
}

static void refuse(const char *what, const void *in, size_t len, uint32_t want)
{
	refuse_as(what, SNIC_IFC_FUNC_PF, in, len, sizeof(outbox), want);
}

static uint32_t run(const void *in, size_t len)
{
	return snic_fw_memhal_cmd(nic.fw, SNIC_IFC_FUNC_PF, in, len, outbox,
				  sizeof(outbox));
}

static uint32_t out_id(void)
{
	return snic_ifc_le32(((struct snic_ifc_obj_out *)outbox)->id);
}

/* ---- objects the invalid commands refer to ---- */
static uint32_t t_root, t_2, t_4, g_1, e_1, c_base, r_1, m_1;

static void setup(void)
{
	struct snic_fwc *c = &nic.pf;
	struct snic_ifc_match mask = { 0 }, val = { 0 };
	struct snic_ifc_actions a = { 0 };
	uint8_t tmpl[SNIC_REFORMAT_VXLAN_LEN];
	static const uint8_t d[6] = { 2, 0, 0, 0, 0, 1 }, s[6] = { 2, 0, 0, 0, 0, 2 };
	struct snic_ifc_modify_op_desc op;

	SNIC_OK(c, snic_fwc_create_table(c, 4, SNIC_MISS_DEFAULT, 0, 0, &t_4));
	SNIC_OK(c, snic_fwc_create_table(c, 2, SNIC_MISS_GOTO, t_4, 0, &t_2));
	SNIC_OK(c, snic_fwc_create_table(c, 0, SNIC_MISS_DEFAULT, 0, SNIC_TABLE_F_ROOT, &t_root));
	mask.src_vport = 0xffff;
	SNIC_OK(c, snic_fwc_create_group(c, t_root, &mask, &g_1));
	SNIC_OK(c, snic_fwc_alloc_counters(c, 4, &c_base));
	snic_fwc_vxlan_template(tmpl, d, s, 0x0a000001, 0x0a000002, 4789, 42);
	SNIC_OK(c, snic_fwc_alloc_reformat(c, SNIC_REFORMAT_VXLAN_ENCAP, tmpl, sizeof(tmpl), &r_1));
	snic_fwc_modify_op(&op, SNIC_MOD_ADD, SNIC_FIELD_IP_TTL, 0xff);
	SNIC_OK(c, snic_fwc_alloc_modify(c, &op, 1, &m_1));
	val.src_vport = htons(1);
	a.flags = SNIC_ACT_FWD | SNIC_ACT_COUNT | SNIC_ACT_GOTO | SNIC_ACT_MODIFY;
	a.counter = c_base;
	a.goto_table = t_2;
	a.modify = m_1;
	a.n_dests = 1;
	a.dests[0].type = SNIC_DEST_VPORT;
	a.dests[0].flags = SNIC_DEST_F_REFORMAT;
	a.dests[0].vport = SNIC_IFC_VPORT_UPLINK(0);
	a.dests[0].reformat = r_1;
	SNIC_OK(c, snic_fwc_create_entry(c, g_1, 5, &val, &a, &e_1));
}

/* ---- framing ---- */

static void test_framing(void)
{
	struct snic_ifc_create_table_in *t;
	struct snic_ifc_in_hdr *h;

	mb(SNIC_CMD_QUERY_CAPS, 8);
	refuse("4-byte mailbox", inbox, 4, SNIC_SYN_IN_TOO_SHORT);
	mb(0x9999, 8);
	refuse("unknown opcode", inbox, 8, SNIC_SYN_BAD_OPCODE);
	t = mb(SNIC_CMD_CREATE_FLOW_TABLE, sizeof(*t) + 8);
	refuse("table: input too long", t, sizeof(*t) + 8, SNIC_SYN_IN_TOO_LONG);
	refuse("table: input too short", t, sizeof(*t) - 4, SNIC_SYN_IN_TOO_SHORT);
	h = mb(SNIC_CMD_QUERY_ESW_MODE, 8);
	h->rsvd = 1;
	refuse("header rsvd", h, 8, SNIC_SYN_RSVD_NOT_ZERO);
	memmove(inbox + 4, inbox, 8);
	((struct snic_ifc_in_hdr *)(inbox + 4))->rsvd = 0;
	refuse("misaligned mailbox", inbox + 4, 8, SNIC_SYN_MAILBOX_ALIGN);
	t = mb(SNIC_CMD_CREATE_FLOW_TABLE, sizeof(*t));
	t->level = snic_ifc_le32(3);
	refuse_as("reply does not fit", SNIC_IFC_FUNC_PF, t, sizeof(*t), 16,
		  SNIC_SYN_OUT_TOO_SHORT);
	refuse_as("VF creates a table", SNIC_IFC_FUNC_VF(0), t, sizeof(*t),
		  sizeof(outbox), SNIC_SYN_PERMISSION);
	refuse_as("function 99", 99, t, sizeof(*t), sizeof(outbox),
		  SNIC_SYN_UNKNOWN_FUNCTION);
	SNIC_CHECK(snic_fw_cmd(nic.fw, 0, t, sizeof(*t), outbox, 8) == 0,
		   "an output mailbox smaller than its header gets nothing");
}

/* ---- e-switch ---- */

static void test_esw(void)
{
	struct snic_ifc_set_esw_mode_in *in = mb(SNIC_CMD_SET_ESW_MODE, sizeof(*in));

	in->mode = snic_ifc_le32(7);
	refuse("mode 7", in, sizeof(*in), SNIC_SYN_ESW_MODE_INVALID);
	in->mode = snic_ifc_le32(SNIC_ESW_LEGACY);
	refuse("legacy with tables", in, sizeof(*in), SNIC_SYN_ESW_MODE_BUSY);
	in->mode = snic_ifc_le32(SNIC_ESW_SWITCHDEV);
	in->rsvd = 1;
	refuse("esw rsvd", in, sizeof(*in), SNIC_SYN_RSVD_NOT_ZERO);
}

static void test_legacy_refuses_tables(void)
{
	struct snic_test_nic saved = nic;
	struct snic_ifc_create_table_in *t;

	snic_test_nic_boot(&nic, SNIC_DEFAULT_BOARD);   /* boots legacy */
	t = mb(SNIC_CMD_CREATE_FLOW_TABLE, sizeof(*t));
	refuse("table in legacy mode", t, sizeof(*t), SNIC_SYN_ESW_NOT_SWITCHDEV);
	snic_test_nic_down(&nic);
	nic = saved;
	snic_fwc_init_direct(&nic.pf, nic.fw, SNIC_IFC_FUNC_PF);
}

/* ---- tables ---- */

static struct snic_ifc_create_table_in *table_in(uint32_t level, uint32_t miss,
						 uint32_t mt, uint32_t flags)
{
	struct snic_ifc_create_table_in *t = mb(SNIC_CMD_CREATE_FLOW_TABLE, sizeof(*t));

	t->level = snic_ifc_le32(level);
	t->miss = snic_ifc_le32(miss);
	t->miss_table = snic_ifc_le32(mt);
	t->flags = snic_ifc_le32(flags);
	return t;
}

static void test_tables(void)
{
	const size_t n = sizeof(struct snic_ifc_create_table_in);
	struct snic_ifc_obj_in *o;
	uint32_t extra[8], ne = 0;

	refuse("table flags", table_in(1, 0, 0, 2), n, SNIC_SYN_TABLE_FLAGS);
	refuse("table level 8 > 7", table_in(8, 0, 0, 0), n, SNIC_SYN_TABLE_LEVEL_RANGE);
	refuse("miss 9", table_in(1, 9, 0, 0), n, SNIC_SYN_TABLE_MISS_TYPE);
	refuse("miss goto nowhere", table_in(1, SNIC_MISS_GOTO, 77, 0), n,
	       SNIC_SYN_TABLE_MISS_TABLE);
	refuse("miss goto lower level", table_in(5, SNIC_MISS_GOTO, t_4, 0), n,
	       SNIC_SYN_TABLE_MISS_LEVEL);
	refuse("miss goto same level", table_in(4, SNIC_MISS_GOTO, t_4, 0), n,
	       SNIC_SYN_TABLE_MISS_LEVEL);
	refuse("miss table without goto", table_in(1, SNIC_MISS_DROP, t_2, 0), n,
	       SNIC_SYN_TABLE_MISS_TABLE);
	refuse("root at level 1", table_in(1, 0, 0, SNIC_TABLE_F_ROOT), n,
	       SNIC_SYN_TABLE_ROOT_LEVEL);
	refuse("second root", table_in(0, 0, 0, SNIC_TABLE_F_ROOT), n,
	       SNIC_SYN_TABLE_ROOT_EXISTS);
	/* fill the board's 8 tables */
	while (run(table_in(6, 0, 0, 0), n) == SNIC_SYN_OK)
		extra[ne++] = out_id();
	SNIC_CHECK_EQ(ne, 5, "tables created up to max-tables");
	refuse("ninth table", table_in(6, 0, 0, 0), n, SNIC_SYN_TABLE_LIMIT);
	for (uint32_t i = 0; i < ne; i++)
		SNIC_OK(&nic.pf, snic_fwc_destroy_table(&nic.pf, extra[i]));

	o = mb(SNIC_CMD_DESTROY_FLOW_TABLE, sizeof(*o));
	o->id = snic_ifc_le32(55);
	refuse("destroy table 55", o, sizeof(*o), SNIC_SYN_TABLE_NOT_FOUND);
	o->id = snic_ifc_le32(t_root);
	refuse("destroy table with groups", o, sizeof(*o), SNIC_SYN_TABLE_BUSY);
	o->id = snic_ifc_le32(t_4);
	refuse("destroy table a miss points at", o, sizeof(*o), SNIC_SYN_TABLE_BUSY);
	o->id = snic_ifc_le32(t_2);
	refuse("destroy table a goto points at", o, sizeof(*o), SNIC_SYN_TABLE_BUSY);
	o->rsvd = 1;
	refuse("destroy table rsvd", o, sizeof(*o), SNIC_SYN_RSVD_NOT_ZERO);
	o = mb(SNIC_CMD_QUERY_FLOW_TABLE, sizeof(*o));
	o->id = snic_ifc_le32(55);
	refuse("query table 55", o, sizeof(*o), SNIC_SYN_TABLE_NOT_FOUND);
}

/* ---- groups ---- */

static void test_groups(void)
{
	struct snic_ifc_create_group_in *g;
	struct snic_ifc_obj_in *o;
	uint32_t made[64], n = 0, tbl[3], nt = 0;

	g = mb(SNIC_CMD_CREATE_FLOW_GROUP, sizeof(*g));
	g->table = snic_ifc_le32(55);
	refuse("group in table 55", g, sizeof(*g), SNIC_SYN_TABLE_NOT_FOUND);
	g->table = snic_ifc_le32(t_2);
	g->mask.rsvd0 = 1;
	refuse("group mask rsvd0", g, sizeof(*g), SNIC_SYN_GROUP_MASK_RSVD);
	g->mask.rsvd0 = 0;
	g->mask.inner.rsvd[3] = 0x80;
	refuse("group mask inner rsvd", g, sizeof(*g), SNIC_SYN_GROUP_MASK_RSVD);
	g->mask.inner.rsvd[3] = 0;
	g->rsvd = 1;
	refuse("group rsvd", g, sizeof(*g), SNIC_SYN_RSVD_NOT_ZERO);
	g->rsvd = 0;

	/* 32 groups per table */
	while (run(g, sizeof(*g)) == SNIC_SYN_OK) {
		made[n++] = out_id();
		g = mb(SNIC_CMD_CREATE_FLOW_GROUP, sizeof(*g));
		g->table = snic_ifc_le32(t_2);
	}
	SNIC_CHECK_EQ(n, 32, "groups per table up to max-groups-per-table");
	refuse("33rd group in a table", g, sizeof(*g), SNIC_SYN_GROUP_TABLE_LIMIT);
	/* 64 groups on the board: fill other tables */
	for (;;) {
		uint32_t s;
		SNIC_OK(&nic.pf, snic_fwc_create_table(&nic.pf, 6, 0, 0, 0, &tbl[nt]));
		nt++;
		do {
			g = mb(SNIC_CMD_CREATE_FLOW_GROUP, sizeof(*g));
			g->table = snic_ifc_le32(tbl[nt - 1]);
			s = run(g, sizeof(*g));
			if (s == SNIC_SYN_OK)
				made[n++] = out_id();
		} while (s == SNIC_SYN_OK);
		if (s == SNIC_SYN_GROUP_LIMIT)
			break;
		SNIC_REQUIRE(nt < 3, "group limit not reached");
	}
	refuse("65th group", g, sizeof(*g), SNIC_SYN_GROUP_LIMIT);
	for (uint32_t i = 0; i < n; i++)
		SNIC_OK(&nic.pf, snic_fwc_destroy_group(&nic.pf, made[i]));
	for (uint32_t i = 0; i < nt; i++)
		SNIC_OK(&nic.pf, snic_fwc_destroy_table(&nic.pf, tbl[i]));

	o = mb(SNIC_CMD_DESTROY_FLOW_GROUP, sizeof(*o));
	o->id = snic_ifc_le32(63);
	refuse("destroy group 63", o, sizeof(*o), SNIC_SYN_GROUP_NOT_FOUND);
	o->id = snic_ifc_le32(g_1);
	refuse("destroy group with entries", o, sizeof(*o), SNIC_SYN_GROUP_BUSY);
	o = mb(SNIC_CMD_QUERY_FLOW_GROUP, sizeof(*o));
	o->id = snic_ifc_le32(63);
	refuse("query group 63", o, sizeof(*o), SNIC_SYN_GROUP_NOT_FOUND);
}

/* ---- entries ---- */

static struct snic_ifc_create_entry_in *entry_in(void)
{
	struct snic_ifc_create_entry_in *e = mb(SNIC_CMD_CREATE_FLOW_ENTRY, sizeof(*e));

	e->group = snic_ifc_le32(g_1);
	e->priority = snic_ifc_le32(7);
	e->value.src_vport = htons(2);
	e->actions.flags = snic_ifc_le32(SNIC_ACT_FWD);
	e->actions.n_dests = 1;
	e->actions.dests[0].type = SNIC_DEST_VPORT;
	e->actions.dests[0].vport = snic_ifc_le16(SNIC_IFC_VPORT_UPLINK(0));
	return e;
}

#define ENTRY_CASE(what, mutate, want)                                         \
	do {                                                                   \
		struct snic_ifc_create_entry_in *e = entry_in();               \
		mutate;                                                        \
		refuse(what, e, sizeof(*e), want);                             \
	} while (0)

static void test_entries(void)
{
	struct snic_ifc_obj_in *o;
	uint32_t id, made[4096], n = 0;

	/* the base input is valid */
	SNIC_CHECK_EQ(run(entry_in(), sizeof(struct snic_ifc_create_entry_in)),
		      SNIC_SYN_OK, "valid entry");
	id = out_id();
	ENTRY_CASE("entry duplicate", , SNIC_SYN_ENTRY_DUPLICATE);
	SNIC_OK(&nic.pf, snic_fwc_destroy_entry(&nic.pf, id));

	ENTRY_CASE("group 999", e->group = snic_ifc_le32(999), SNIC_SYN_GROUP_NOT_FOUND);
	ENTRY_CASE("priority 64", e->priority = snic_ifc_le32(64), SNIC_SYN_ENTRY_PRIO_RANGE);
	ENTRY_CASE("value outside mask", e->value.outer.ip_proto = 6,
		   SNIC_SYN_ENTRY_VALUE_OUTSIDE_MASK);
	ENTRY_CASE("value rsvd bits", e->value.rsvd0 = 1,
		   SNIC_SYN_ENTRY_VALUE_OUTSIDE_MASK);
	ENTRY_CASE("action flag 0x100", e->actions.flags |= snic_ifc_le32(0x100),
		   SNIC_SYN_ACT_FLAGS_UNKNOWN);
	ENTRY_CASE("count only", (e->actions.flags = snic_ifc_le32(SNIC_ACT_COUNT),
				  e->actions.counter = snic_ifc_le32(c_base),
				  e->actions.n_dests = 0,
				  memset(e->actions.dests, 0, sizeof(e->actions.dests))),
		   SNIC_SYN_ACT_NONE);
	ENTRY_CASE("drop and forward", e->actions.flags |= snic_ifc_le32(SNIC_ACT_DROP),
		   SNIC_SYN_ACT_DROP_AND_FWD);
	ENTRY_CASE("actions rsvd", e->actions.rsvd = 1, SNIC_SYN_ACT_RSVD);
	ENTRY_CASE("forward to 0 dests", e->actions.n_dests = 0, SNIC_SYN_ACT_DEST_COUNT);
	ENTRY_CASE("forward to 9 dests", e->actions.n_dests = 9, SNIC_SYN_ACT_DEST_COUNT);
	ENTRY_CASE("drop with a dest", e->actions.flags = snic_ifc_le32(SNIC_ACT_DROP),
		   SNIC_SYN_ACT_DEST_COUNT);
	ENTRY_CASE("dest type 7", e->actions.dests[0].type = 7, SNIC_SYN_ACT_DEST_TYPE);
	ENTRY_CASE("dest flags 4", e->actions.dests[0].flags = 4, SNIC_SYN_ACT_RSVD);
	ENTRY_CASE("dest vport 77", e->actions.dests[0].vport = snic_ifc_le16(77),
		   SNIC_SYN_ACT_DEST_VPORT);
	ENTRY_CASE("dest uplink 1", e->actions.dests[0].vport =
			   snic_ifc_le16(SNIC_IFC_VPORT_UPLINK(1)), SNIC_SYN_ACT_DEST_VPORT);
	ENTRY_CASE("dest reformat 63", (e->actions.dests[0].flags = SNIC_DEST_F_REFORMAT,
					e->actions.dests[0].reformat = snic_ifc_le32(63)),
		   SNIC_SYN_ACT_DEST_REFORMAT);
	ENTRY_CASE("dest reformat without flag",
		   e->actions.dests[0].reformat = snic_ifc_le32(5), SNIC_SYN_ACT_RSVD);
	ENTRY_CASE("unused dest slot set", e->actions.dests[3].type = 1, SNIC_SYN_ACT_RSVD);
	ENTRY_CASE("goto table 55", (e->actions.flags |= snic_ifc_le32(SNIC_ACT_GOTO),
				     e->actions.goto_table = snic_ifc_le32(55)),
		   SNIC_SYN_ACT_GOTO_TABLE);
	ENTRY_CASE("goto own level", (e->actions.flags |= snic_ifc_le32(SNIC_ACT_GOTO),
				      e->actions.goto_table = snic_ifc_le32(t_root)),
		   SNIC_SYN_ACT_GOTO_LEVEL);
	ENTRY_CASE("goto table without flag", e->actions.goto_table = snic_ifc_le32(t_2),
		   SNIC_SYN_ACT_RSVD);
	ENTRY_CASE("counter not allocated", (e->actions.flags |= snic_ifc_le32(SNIC_ACT_COUNT),
					     e->actions.counter = snic_ifc_le32(4000)),
		   SNIC_SYN_ACT_COUNTER);
	ENTRY_CASE("counter without flag", e->actions.counter = snic_ifc_le32(c_base + 1),
		   SNIC_SYN_ACT_RSVD);
	ENTRY_CASE("modify not allocated", (e->actions.flags |= snic_ifc_le32(SNIC_ACT_MODIFY),
					    e->actions.modify = snic_ifc_le32(4000)),
		   SNIC_SYN_ACT_MODIFY);
	ENTRY_CASE("modify without flag", e->actions.modify = snic_ifc_le32(3),
		   SNIC_SYN_ACT_RSVD);
	ENTRY_CASE("decap without tunnel match",
		   e->actions.flags |= snic_ifc_le32(SNIC_ACT_DECAP),
		   SNIC_SYN_ACT_DECAP_NO_TUNNEL);
	ENTRY_CASE("pop 3 tags", (e->actions.flags |= snic_ifc_le32(SNIC_ACT_POP_VLAN),
				  e->actions.pop_vlan = 3), SNIC_SYN_ACT_POP_VLAN_COUNT);
	ENTRY_CASE("pop count without flag", e->actions.pop_vlan = 1,
		   SNIC_SYN_ACT_POP_VLAN_COUNT);
	ENTRY_CASE("push tpid 0x9100", (e->actions.flags |= snic_ifc_le32(SNIC_ACT_PUSH_VLAN),
					e->actions.push_tpid = snic_ifc_le16(0x9100)),
		   SNIC_SYN_ACT_PUSH_VLAN_TPID);
	ENTRY_CASE("push tci with DEI", (e->actions.flags |= snic_ifc_le32(SNIC_ACT_PUSH_VLAN),
					 e->actions.push_tpid = snic_ifc_le16(0x8100),
					 e->actions.push_tci = snic_ifc_le16(0x1005)),
		   SNIC_SYN_ACT_PUSH_VLAN_TCI);
	ENTRY_CASE("push tci without flag", e->actions.push_tci = snic_ifc_le16(5),
		   SNIC_SYN_ACT_RSVD);

	/* fill the board's 4096 entries (one exists) */
	for (;;) {
		struct snic_ifc_create_entry_in *e = entry_in();
		e->priority = snic_ifc_le32(n % 64);
		e->value.src_vport = htons((uint16_t)(10 + n / 64));
		e->group = snic_ifc_le32(g_1);
		/* src_vport is the mask; vary within it */
		if (run(e, sizeof(*e)) != SNIC_SYN_OK)
			break;
		made[n++] = out_id();
	}
	SNIC_CHECK_EQ(n, 4095, "entries created up to max-entries");
	ENTRY_CASE("entry 4097", e->value.src_vport = htons(999), SNIC_SYN_ENTRY_LIMIT);
	for (uint32_t i = 0; i < n; i++)
		SNIC_OK(&nic.pf, snic_fwc_destroy_entry(&nic.pf, made[i]));

	o = mb(SNIC_CMD_DESTROY_FLOW_ENTRY, sizeof(*o));
	o->id = snic_ifc_le32(4000);
	refuse("destroy entry 4000", o, sizeof(*o), SNIC_SYN_ENTRY_NOT_FOUND);
	o->id = snic_ifc_le32(made[7]);
	refuse("destroy a destroyed entry", o, sizeof(*o), SNIC_SYN_ENTRY_NOT_FOUND);
	o = mb(SNIC_CMD_QUERY_FLOW_ENTRY, sizeof(*o));
	o->id = snic_ifc_le32(9999);
	refuse("query entry 9999", o, sizeof(*o), SNIC_SYN_ENTRY_NOT_FOUND);
}

/* ---- reformat ---- */

static struct snic_ifc_alloc_reformat_in *reformat_in(void)
{
	struct snic_ifc_alloc_reformat_in *r = mb(SNIC_CMD_ALLOC_REFORMAT, sizeof(*r));
	static const uint8_t d[6] = { 2, 0, 0, 0, 0, 1 }, s[6] = { 2, 0, 0, 0, 0, 2 };

	r->type = snic_ifc_le32(SNIC_REFORMAT_VXLAN_ENCAP);
	r->len = snic_ifc_le32(SNIC_REFORMAT_VXLAN_LEN);
	snic_fwc_vxlan_template(r->data, d, s, 0x0a000001, 0x0a000002, 4789, 7);
	return r;
}

#define REFORMAT_CASE(what, mutate, want)                                      \
	do {                                                                   \
		struct snic_ifc_alloc_reformat_in *r = reformat_in();          \
		mutate;                                                        \
		refuse(what, r, sizeof(*r), want);                             \
	} while (0)

static void test_reformat(void)
{
	struct snic_ifc_obj_in *o;
	uint32_t made[64], n = 0;

	REFORMAT_CASE("type 2", r->type = snic_ifc_le32(2), SNIC_SYN_REFORMAT_TYPE);
	REFORMAT_CASE("length 65", r->len = snic_ifc_le32(65), SNIC_SYN_REFORMAT_LEN);
	REFORMAT_CASE("length 49", r->len = snic_ifc_le32(49), SNIC_SYN_REFORMAT_LEN);
	REFORMAT_CASE("IPv6 ethertype", r->data[12] = 0x86, SNIC_SYN_REFORMAT_ETHERTYPE);
	REFORMAT_CASE("IHL 6", r->data[14] = 0x46, SNIC_SYN_REFORMAT_IPV4);
	REFORMAT_CASE("protocol TCP", r->data[23] = 6, SNIC_SYN_REFORMAT_IPV4);
	REFORMAT_CASE("UDP port 0", (r->data[36] = 0, r->data[37] = 0),
		      SNIC_SYN_REFORMAT_UDP_PORT);
	REFORMAT_CASE("VXLAN flags 0x0c", r->data[42] = 0x0c, SNIC_SYN_REFORMAT_VXLAN);
	REFORMAT_CASE("multicast dst MAC", r->data[0] = 1, SNIC_SYN_REFORMAT_MAC);
	REFORMAT_CASE("bytes after the template", r->data[60] = 1, SNIC_SYN_RSVD_NOT_ZERO);
	while (run(reformat_in(), sizeof(struct snic_ifc_alloc_reformat_in)) == SNIC_SYN_OK)
		made[n++] = out_id();
	SNIC_CHECK_EQ(n, 63, "reformats up to max-encap");
	REFORMAT_CASE("65th reformat", , SNIC_SYN_REFORMAT_LIMIT);
	for (uint32_t i = 0; i < n; i++)
		SNIC_OK(&nic.pf, snic_fwc_dealloc_reformat(&nic.pf, made[i]));
	o = mb(SNIC_CMD_DEALLOC_REFORMAT, sizeof(*o));
	o->id = snic_ifc_le32(made[0]);
	refuse("dealloc a freed reformat", o, sizeof(*o), SNIC_SYN_REFORMAT_NOT_FOUND);
	o->id = snic_ifc_le32(r_1);
	refuse("dealloc a reformat in use", o, sizeof(*o), SNIC_SYN_REFORMAT_BUSY);
}

/* ---- modify header ---- */

static struct snic_ifc_alloc_modify_in *modify_in(void)
{
	struct snic_ifc_alloc_modify_in *m = mb(SNIC_CMD_ALLOC_MODIFY_HDR, sizeof(*m));

	m->n_ops = snic_ifc_le32(1);
	snic_fwc_modify_op(&m->ops[0], SNIC_MOD_SET, SNIC_FIELD_VLAN_VID, 100);
	return m;
}

#define MODIFY_CASE(what, mutate, want)                                        \
	do {                                                                   \
		struct snic_ifc_alloc_modify_in *m = modify_in();              \
		mutate;                                                        \
		refuse(what, m, sizeof(*m), want);                             \
	} while (0)

static void test_modify(void)
{
	static uint32_t made[4096];
	struct snic_ifc_obj_in *o;
	uint32_t n = 0;

	MODIFY_CASE("0 ops", m->n_ops = 0, SNIC_SYN_MODIFY_NUM);
	MODIFY_CASE("17 ops", m->n_ops = snic_ifc_le32(17), SNIC_SYN_MODIFY_NUM);
	MODIFY_CASE("op 9", m->ops[0].op = 9, SNIC_SYN_MODIFY_OP);
	MODIFY_CASE("field 99", m->ops[0].field = 99, SNIC_SYN_MODIFY_FIELD);
	MODIFY_CASE("ADD to a MAC", (m->ops[0].op = SNIC_MOD_ADD,
				     m->ops[0].field = SNIC_FIELD_DMAC), SNIC_SYN_MODIFY_FIELD);
	MODIFY_CASE("VID 4096", snic_fwc_modify_op(&m->ops[0], SNIC_MOD_SET,
						   SNIC_FIELD_VLAN_VID, 4096),
		    SNIC_SYN_MODIFY_VALUE);
	MODIFY_CASE("op rsvd", m->ops[0].rsvd = 1, SNIC_SYN_MODIFY_OP);
	MODIFY_CASE("unused op set", m->ops[5].op = 1, SNIC_SYN_RSVD_NOT_ZERO);
	MODIFY_CASE("modify rsvd", m->rsvd = 1, SNIC_SYN_RSVD_NOT_ZERO);
	while (run(modify_in(), sizeof(struct snic_ifc_alloc_modify_in)) == SNIC_SYN_OK)
		made[n++] = out_id();
	SNIC_CHECK_EQ(n, 4095, "modify contexts up to max-modify");
	MODIFY_CASE("4097th modify", , SNIC_SYN_MODIFY_LIMIT);
	for (uint32_t i = 0; i < n; i++)
		SNIC_OK(&nic.pf, snic_fwc_dealloc_modify(&nic.pf, made[i]));
	o = mb(SNIC_CMD_DEALLOC_MODIFY_HDR, sizeof(*o));
	o->id = snic_ifc_le32(5000);
	refuse("dealloc modify 5000", o, sizeof(*o), SNIC_SYN_MODIFY_NOT_FOUND);
	o->id = snic_ifc_le32(m_1);
	refuse("dealloc a modify in use", o, sizeof(*o), SNIC_SYN_MODIFY_BUSY);
}

/* ---- counters ---- */

static void test_counters(void)
{
	struct snic_ifc_alloc_counters_in *a;
	struct snic_ifc_query_counters_in *q;
	struct snic_ifc_obj_in *o;
	uint32_t made[32], n = 0;

	a = mb(SNIC_CMD_ALLOC_COUNTERS, sizeof(*a));
	refuse("0 counters", a, sizeof(*a), SNIC_SYN_COUNTER_NUM);
	a->count = snic_ifc_le32(257);
	refuse("257 counters", a, sizeof(*a), SNIC_SYN_COUNTER_NUM);
	a->count = snic_ifc_le32(1);
	a->rsvd = 1;
	refuse("counters rsvd", a, sizeof(*a), SNIC_SYN_RSVD_NOT_ZERO);
	for (;;) {
		a = mb(SNIC_CMD_ALLOC_COUNTERS, sizeof(*a));
		a->count = snic_ifc_le32(256);
		if (run(a, sizeof(*a)) != SNIC_SYN_OK)
			break;
		made[n++] = out_id();
	}
	SNIC_CHECK_EQ(n, 15, "15 bulks of 256 fit next to the first 4 counters");
	refuse("counters beyond max-counters", a, sizeof(*a), SNIC_SYN_COUNTER_LIMIT);
	for (uint32_t i = 0; i < n; i++)
		SNIC_OK(&nic.pf, snic_fwc_dealloc_counters(&nic.pf, made[i]));

	o = mb(SNIC_CMD_DEALLOC_COUNTERS, sizeof(*o));
	o->id = snic_ifc_le32(c_base + 1);
	refuse("dealloc inside a bulk", o, sizeof(*o), SNIC_SYN_COUNTER_NOT_FOUND);
	o->id = snic_ifc_le32(c_base);
	refuse("dealloc a bulk in use", o, sizeof(*o), SNIC_SYN_COUNTER_BUSY);

	q = mb(SNIC_CMD_QUERY_COUNTERS, sizeof(*q));
	q->base = snic_ifc_le32(c_base);
	q->count = snic_ifc_le32(4);
	q->flags = snic_ifc_le32(2);
	refuse("query flags 2", q, sizeof(*q), SNIC_SYN_COUNTER_FLAGS);
	q->flags = 0;
	q->count = snic_ifc_le32(300);
	refuse("query 300", q, sizeof(*q), SNIC_SYN_COUNTER_NUM);
	q->count = snic_ifc_le32(5);
	refuse("query past the bulk", q, sizeof(*q), SNIC_SYN_COUNTER_NOT_FOUND);
	q->count = snic_ifc_le32(4);
	q->flags = snic_ifc_le32(SNIC_COUNTERS_Q_CLEAR);
	refuse_as("query reply does not fit", SNIC_IFC_FUNC_PF, q, sizeof(*q), 40,
		  SNIC_SYN_OUT_TOO_SHORT);
}

/* ---- vports ---- */

static struct snic_ifc_modify_vport_in *vport_in(uint16_t vport, uint32_t fields)
{
	struct snic_ifc_modify_vport_in *v = mb(SNIC_CMD_MODIFY_VPORT, sizeof(*v));

	v->vport = snic_ifc_le16(vport);
	v->fields = snic_ifc_le32(fields);
	v->ctx.mac[0] = 2;
	v->ctx.mac[5] = 9;
	return v;
}

static void test_vports(void)
{
	struct snic_ifc_query_vport_in *q = mb(SNIC_CMD_QUERY_VPORT, sizeof(*q));
	struct snic_ifc_modify_vport_in *v;
	const size_t n = sizeof(*v);
	const uint16_t vf0 = SNIC_IFC_VPORT_VF(0), vf1 = SNIC_IFC_VPORT_VF(1);

	q->vport = snic_ifc_le16(77);
	refuse("query vport 77", q, sizeof(*q), SNIC_SYN_VPORT_NOT_FOUND);
	q->vport = snic_ifc_le16(vf1);
	refuse_as("VF0 queries VF1", SNIC_IFC_FUNC_VF(0), q, sizeof(*q),
		  sizeof(outbox), SNIC_SYN_OTHER_VPORT);
	q->vport = snic_ifc_le16(vf0);
	SNIC_CHECK_EQ(snic_fw_memhal_cmd(nic.fw, SNIC_IFC_FUNC_VF(0), q, sizeof(*q),
					 outbox, sizeof(outbox)), SNIC_SYN_OK,
		      "VF0 queries itself");

	refuse("field bit 0x40", vport_in(vf0, 0x40), n, SNIC_SYN_VPORT_FIELDS);
	refuse("VLAN on the uplink", vport_in(SNIC_IFC_VPORT_UPLINK(0), SNIC_VPORT_F_VLAN),
	       n, SNIC_SYN_VPORT_NOT_VF);
	v = vport_in(vf0, SNIC_VPORT_F_MAC);
	v->ctx.mac[0] = 3;
	refuse("multicast VF MAC", v, n, SNIC_SYN_VPORT_MAC);
	v = vport_in(vf0, SNIC_VPORT_F_VLAN);
	v->ctx.vlan = snic_ifc_le16(4095);
	refuse("VLAN 4095", v, n, SNIC_SYN_VPORT_VLAN);
	v = vport_in(vf0, SNIC_VPORT_F_VLAN);
	v->ctx.qos = 8;
	refuse("QoS 8", v, n, SNIC_SYN_VPORT_QOS);
	v = vport_in(vf0, SNIC_VPORT_F_SPOOFCHK);
	v->ctx.spoofchk = 2;
	refuse("spoofchk 2", v, n, SNIC_SYN_VPORT_BOOL);
	v = vport_in(vf0, SNIC_VPORT_F_TRUST);
	v->ctx.trust = 5;
	refuse("trust 5", v, n, SNIC_SYN_VPORT_BOOL);
	v = vport_in(vf0, SNIC_VPORT_F_LINK);
	v->ctx.link_state = 3;
	refuse("link state 3", v, n, SNIC_SYN_VPORT_LINK_STATE);
	v = vport_in(vf0, SNIC_VPORT_F_RATE);
	v->ctx.max_rate = snic_ifc_le32(10001);
	refuse("max rate above 10G uplink", v, n, SNIC_SYN_VPORT_RATE);
	v = vport_in(vf0, SNIC_VPORT_F_RATE);
	v->ctx.max_rate = snic_ifc_le32(100);
	v->ctx.min_rate = snic_ifc_le32(200);
	refuse("min rate above max rate", v, n, SNIC_SYN_VPORT_RATE);
	v = vport_in(vf0, SNIC_VPORT_F_MAC);
	v->rsvd = 1;
	refuse("vport rsvd", v, n, SNIC_SYN_RSVD_NOT_ZERO);

	/* a VF on itself: only the MAC, only when trusted; never another VF */
	refuse_as("VF0 sets its VLAN", SNIC_IFC_FUNC_VF(0), vport_in(vf0, SNIC_VPORT_F_VLAN),
		  n, sizeof(outbox), SNIC_SYN_PERMISSION);
	refuse_as("untrusted VF0 sets its MAC", SNIC_IFC_FUNC_VF(0),
		  vport_in(vf0, SNIC_VPORT_F_MAC), n, sizeof(outbox),
		  SNIC_SYN_VPORT_NOT_TRUSTED);
	refuse_as("VF0 sets VF1's MAC", SNIC_IFC_FUNC_VF(0), vport_in(vf1, SNIC_VPORT_F_MAC),
		  n, sizeof(outbox), SNIC_SYN_OTHER_VPORT);
	v = vport_in(vf0, SNIC_VPORT_F_TRUST);
	v->ctx.trust = 1;
	SNIC_CHECK_EQ(run(v, n), SNIC_SYN_OK, "PF trusts VF0");
	SNIC_CHECK_EQ(snic_fw_memhal_cmd(nic.fw, SNIC_IFC_FUNC_VF(0),
					 vport_in(vf0, SNIC_VPORT_F_MAC), n, outbox,
					 sizeof(outbox)), SNIC_SYN_OK,
		      "trusted VF0 sets its MAC");
	refuse_as("trusted VF0 still cannot touch VF1", SNIC_IFC_FUNC_VF(0),
		  vport_in(vf1, SNIC_VPORT_F_MAC), n, sizeof(outbox), SNIC_SYN_OTHER_VPORT);
	refuse_as("VF2 cannot create counters", SNIC_IFC_FUNC_VF(2),
		  mb(SNIC_CMD_ALLOC_COUNTERS, sizeof(struct snic_ifc_alloc_counters_in)),
		  sizeof(struct snic_ifc_alloc_counters_in), sizeof(outbox),
		  SNIC_SYN_PERMISSION);
}

/* LIST_OBJECTS, QUERY_REFORMAT/MODIFY_HDR, RESET_STEERING: refusals. */
static void test_recover(void)
{
	struct snic_ifc_list_objects_in *l;
	struct snic_ifc_reset_steering_in *r;
	struct snic_ifc_obj_in *o;
	const size_t lsz = sizeof(*l);

	l = mb(SNIC_CMD_LIST_OBJECTS, lsz);
	l->max = snic_ifc_le32(8);
	refuse("list type 0", l, lsz, SNIC_SYN_LIST_TYPE);
	l->type = snic_ifc_le32(SNIC_OBJ_COUNTERS + 1);
	refuse("list type 7", l, lsz, SNIC_SYN_LIST_TYPE);
	l->type = snic_ifc_le32(SNIC_OBJ_ENTRY);
	l->max = 0;
	refuse("list max 0", l, lsz, SNIC_SYN_LIST_MAX);
	l->max = snic_ifc_le32(SNIC_IFC_MAX_LIST + 1);
	refuse("list max 513", l, lsz, SNIC_SYN_LIST_MAX);
	l->max = snic_ifc_le32(1);
	l->rsvd = 1;
	refuse("list rsvd", l, lsz, SNIC_SYN_RSVD_NOT_ZERO);
	l->rsvd = 0;
	refuse_as("list with no room for one item", SNIC_IFC_FUNC_PF, l, lsz,
		  sizeof(struct snic_ifc_list_objects_out) + 4, SNIC_SYN_OUT_TOO_SHORT);
	refuse_as("VF0 lists entries", SNIC_IFC_FUNC_VF(0), l, lsz, sizeof(outbox),
		  SNIC_SYN_PERMISSION);
	refuse("list, one byte short", l, lsz - 1, SNIC_SYN_IN_TOO_SHORT);

	o = mb(SNIC_CMD_QUERY_REFORMAT, sizeof(*o));
	o->id = snic_ifc_le32(r_1 + 1);
	refuse("query a free reformat", o, sizeof(*o), SNIC_SYN_REFORMAT_NOT_FOUND);
	o->id = snic_ifc_le32(1u << 20);
	refuse("query reformat 2^20", o, sizeof(*o), SNIC_SYN_REFORMAT_NOT_FOUND);
	o = mb(SNIC_CMD_QUERY_MODIFY_HDR, sizeof(*o));
	o->id = snic_ifc_le32(m_1 + 1);
	refuse("query a free modify", o, sizeof(*o), SNIC_SYN_MODIFY_NOT_FOUND);
	o->id = snic_ifc_le32(m_1);
	o->rsvd = 1;
	refuse("query modify rsvd", o, sizeof(*o), SNIC_SYN_RSVD_NOT_ZERO);

	r = mb(SNIC_CMD_RESET_STEERING, sizeof(*r));
	r->flags = snic_ifc_le32(1);
	refuse("reset flags 1", r, sizeof(*r), SNIC_SYN_RESET_FLAGS);
	r->flags = 0;
	r->rsvd = 1;
	refuse("reset rsvd", r, sizeof(*r), SNIC_SYN_RSVD_NOT_ZERO);
	r->rsvd = 0;
	refuse_as("VF1 resets the e-switch", SNIC_IFC_FUNC_VF(1), r, sizeof(*r),
		  sizeof(outbox), SNIC_SYN_PERMISSION);
}

/* SR-IOV: each refusal of QUERY_SRIOV / SET_NUM_VFS, and of a disabled VF
 * (test_fw_sriov.c checks what the accepted commands do). */
static void test_sriov(void)
{
	struct snic_ifc_set_num_vfs_in *n;
	struct snic_ifc_match m = { .src_vport = 0xffff }, v = { 0 };
	struct snic_ifc_actions a = { .flags = snic_ifc_le32(SNIC_ACT_DROP) };
	uint32_t t, g, e;

	SNIC_OK(&nic.pf, snic_fwc_reset_steering(&nic.pf, NULL));
	SNIC_OK(&nic.pf, snic_fwc_set_esw_mode(&nic.pf, SNIC_ESW_SWITCHDEV));
	refuse_as("VF0 queries SR-IOV", SNIC_IFC_FUNC_VF(0),
		  mb(SNIC_CMD_QUERY_SRIOV, 8), 8, sizeof(outbox), SNIC_SYN_PERMISSION);
	n = mb(SNIC_CMD_SET_NUM_VFS, sizeof(*n));
	n->num_vfs = snic_ifc_le32(5);
	refuse("5 of 4 VFs", n, sizeof(*n), SNIC_SYN_NUM_VFS_RANGE);
	n->num_vfs = snic_ifc_le32(2);
	refuse("4 -> 2 VFs", n, sizeof(*n), SNIC_SYN_NUM_VFS_BUSY);
	n->num_vfs = 0;
	n->rsvd = 1;
	refuse("num VFs rsvd", n, sizeof(*n), SNIC_SYN_RSVD_NOT_ZERO);
	n->rsvd = 0;
	refuse_as("VF1 disables VFs", SNIC_IFC_FUNC_VF(1), n, sizeof(*n),
		  sizeof(outbox), SNIC_SYN_PERMISSION);
	/* an entry matching on VF3 holds the VFs enabled */
	SNIC_OK(&nic.pf, snic_fwc_create_table(&nic.pf, 0, 0, 0, SNIC_TABLE_F_ROOT, &t));
	SNIC_OK(&nic.pf, snic_fwc_create_group(&nic.pf, t, &m, &g));
	v.src_vport = snic_ifc_be16(SNIC_IFC_VPORT_VF(3));
	SNIC_OK(&nic.pf, snic_fwc_create_entry(&nic.pf, g, 0, &v, &a, &e));
	refuse("disable VFs an entry matches on", mb(SNIC_CMD_SET_NUM_VFS, sizeof(*n)),
	       sizeof(*n), SNIC_SYN_NUM_VFS_IN_USE);
	SNIC_OK(&nic.pf, snic_fwc_reset_steering(&nic.pf, NULL));
	SNIC_OK(&nic.pf, snic_fwc_set_num_vfs(&nic.pf, 0));
	refuse("modify disabled VF1", vport_in(SNIC_IFC_VPORT_VF(1), SNIC_VPORT_F_TRUST),
	       sizeof(struct snic_ifc_modify_vport_in), SNIC_SYN_VF_DISABLED);
	refuse_as("disabled VF0 queries caps", SNIC_IFC_FUNC_VF(0),
		  mb(SNIC_CMD_QUERY_CAPS, 8), 8, sizeof(outbox), SNIC_SYN_VF_DISABLED);
	SNIC_OK(&nic.pf, snic_fwc_set_num_vfs(&nic.pf, 4));
}

int main(void)
{
	snic_test_nic_boot(&nic, SNIC_SMALL_BOARD);
	setup();
	test_framing();
	test_esw();
	test_legacy_refuses_tables();
	test_tables();
	test_groups();
	test_entries();
	test_reformat();
	test_modify();
	test_counters();
	test_vports();
	test_recover();
	test_sriov();

	/* every syndrome of the ABI was produced */
#define SEEN(name, val, st, text) \
	if (val != 0) SNIC_CHECK(seen[val], "syndrome %s (0x%x) never produced by a test", #name, val);
	SNIC_IFC_SYNDROMES(SEEN)
#undef SEEN
	snic_test_nic_down(&nic);
	return snic_test_done();
}
