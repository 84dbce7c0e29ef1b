/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_golden.c - the golden rule of partial offload, differentially: for
 * random OpenFlow rule sets and random frames, every frame's fate is the
 * same
 *   (A) with offload off: the software datapath (swdp) alone, and
 *   (B) with the planner free: the frame enters the NIC (the firmware
 *       booted in-process, the planner's rte_flow rules installed through
 *       host-driver/flow); what the NIC sends out of a vport is final; what
 *       it hands to a representor (a miss or a trap: the frame as it
 *       entered) goes through a second software datapath as entering on
 *       that representor's port, whose outputs are final.
 * A fate is the multiset of (port, exact bytes) outputs plus the packets
 * handed to the controller (with reason, table, controller id and length);
 * drops are the absence of outputs.
 *
 * Each round installs 10-150 random rules (test_golden_gen.h) in the
 * planner and both datapaths under the same ids, sends frames, then
 * deletes and adds some rules (and sometimes flips the table-miss policy),
 * syncs and sends more.  A mismatch prints the seed, the round, the rules
 * with their planner state and hardware rules, the frame and both fates,
 * and ends the round.
 *
 *   SNIC_SEED=N     replay a run (the seed is printed)
 *   SNIC_ROUND=R    run only round R of that seed
 *   SNIC_ROUNDS=N   rounds (default 64)
 *   SNIC_PACKETS=N  frames per round (default 400)
 */
#include "test_nic.h"
#include "test_golden_gen.h"
#include "snic_mgr_swdp.h"

#define MAX_RULES 400u
#define MAX_OUT   96u
#define FRAME_MAX 2048u
#define CTL_PORT  0xffffu

struct grule {
	uint64_t id;
	struct snic_of_rule of;
};

static struct grule rules[MAX_RULES];
static unsigned n_rules;
static uint64_t next_id;
static struct snic_mgr_xlate_env env;
static struct snic_mgr_plan *plan;
static struct snic_mgr_swdp *sw_ref, *sw_nic;
static enum snic_mgr_miss miss;

/* what a run saw */
static struct {
	unsigned rounds, packets, mismatches, refused_parse, refused_sw;
	unsigned nic_only, via_sw, dropped, rules_hw, rules_sw, rules_trapped,
		 rules_pending;
} st;

/* ---- ports ---- */

static uint32_t ofport_of(uint16_t vport)
{
	return vport == UP ? 1u : SNIC_IFC_VPORT_VF_INDEX(vport) + 2u;
}

static uint16_t dpdk_of(uint16_t vport)
{
	return vport == UP ? 0 : (uint16_t)(SNIC_IFC_VPORT_VF_INDEX(vport) + 1u);
}

/* ---- fates ---- */

struct fout {
	uint16_t port;          /* DPDK port; CTL_PORT: to the controller */
	uint8_t reason, table;  /* controller: packet-in reason, table */
	uint16_t ctl_id;
	uint32_t total_len, len;
	uint8_t data[FRAME_MAX];
};

struct fate {
	unsigned n;
	bool overflow;
	char how[256];          /* the way through (B): "nic", "rep ..." */
	struct fout o[MAX_OUT];
};

static struct fate fa, fb;

static void fate_reset(struct fate *f)
{
	f->n = 0;
	f->overflow = false;
	f->how[0] = 0;
}

static struct fout *fate_add(struct fate *f, uint16_t port, const uint8_t *d, uint32_t len)
{
	struct fout *o;

	if (f->n == MAX_OUT || len > FRAME_MAX) {
		f->overflow = true;
		return NULL;
	}
	o = &f->o[f->n++];
	memset(o, 0, offsetof(struct fout, data));
	o->port = port;
	o->len = o->total_len = len;
	memcpy(o->data, d, len);
	return o;
}

static void fate_add_sw(struct fate *f, const struct snic_mgr_swdp_result *res)
{
	for (unsigned i = 0; i < res->n_out; i++) {
		const struct snic_mgr_swdp_out *so = &res->out[i];
		bool ctl = so->ofport == SNIC_OF_PORT_CONTROLLER;
		struct fout *o = fate_add(f, ctl ? CTL_PORT : so->dpdk_port, so->frame, so->len);

		if (o && ctl) {
			o->reason = so->reason;
			o->table = so->table;
			o->ctl_id = so->controller_id;
			o->total_len = so->total_len;
		}
	}
}

static int fout_cmp(const void *a, const void *b)
{
	const struct fout *x = a, *y = b;
	int c = memcmp(x, y, offsetof(struct fout, data));

	return c ? c : memcmp(x->data, y->data, x->len);
}

static bool fate_equal(struct fate *a, struct fate *b)
{
	if (a->n != b->n || a->overflow != b->overflow)
		return false;
	qsort(a->o, a->n, sizeof(a->o[0]), fout_cmp);
	qsort(b->o, b->n, sizeof(b->o[0]), fout_cmp);
	for (unsigned i = 0; i < a->n; i++)
		if (fout_cmp(&a->o[i], &b->o[i]))
			return false;
	return true;
}

static void hex(const uint8_t *d, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		fprintf(stderr, "%02x%s", d[i], (i & 31) == 31 || i + 1 == len ? "\n      " : "");
	fputc('\n', stderr);
}

static void fate_print(const char *name, const struct fate *f)
{
	fprintf(stderr, "  %s: %u output(s)%s%s%s\n", name, f->n, f->overflow ? " (overflow)" : "",
		f->how[0] ? ", " : "", f->how);
	for (unsigned i = 0; i < f->n; i++) {
		const struct fout *o = &f->o[i];

		if (o->port == CTL_PORT)
			fprintf(stderr, "    controller (reason %u, table %u, id %u, total %u) "
				"%u bytes:\n      ", o->reason, o->table, o->ctl_id,
				o->total_len, o->len);
		else
			fprintf(stderr, "    port %u, %u bytes:\n      ", o->port, o->len);
		hex(o->data, o->len);
	}
}

/* ---- the two ways ---- */

static void run_ref(uint16_t vport, const uint8_t *f, uint32_t len,
		    struct snic_mgr_swdp_result *res)
{
	fate_reset(&fa);
	snic_mgr_swdp_process(sw_ref, ofport_of(vport), f, len, res);
	fate_add_sw(&fa, res);
}

static void run_nic(uint16_t vport, const uint8_t *f, uint32_t len)
{
	static struct snic_mgr_swdp_result res;
	bool rep = false;

	fate_reset(&fb);
	snic_test_rx(&nic, vport, f, len);
	for (size_t i = 0; i < nic.hal.n_frames; i++) {
		const struct snic_fw_memhal_frame *o = &nic.hal.frames[i];

		if (o->q == SNIC_FW_TX_VPORT) {
			fate_add(&fb, dpdk_of(o->vport), o->data, o->len);
			continue;
		}
		rep = true;
		cat(fb.how, sizeof(fb.how), "rep 0x%x (%u bytes%s) ", o->vport, o->len,
		    o->len == len && !memcmp(o->data, f, len) ? ", as it entered" : ", CHANGED");
		snic_mgr_swdp_process(sw_nic, ofport_of(o->vport), o->data, o->len, &res);
		fate_add_sw(&fb, &res);
	}
	if (!nic.hal.n_frames)
		cat(fb.how, sizeof(fb.how), "dropped by the NIC");
	st.via_sw += rep;
	st.nic_only += !rep && nic.hal.n_frames;
	st.dropped += !nic.hal.n_frames;
}

/* The NIC's drop reasons for the frame, sent again (deterministic). */
static void nic_drops(uint16_t vport, const uint8_t *f, uint32_t len)
{
	struct snic_ifc_query_stats_out a, b;

	SNIC_OK(&nic.pf, snic_fwc_query_stats(&nic.pf, &a));
	snic_test_rx(&nic, vport, f, len);
	SNIC_OK(&nic.pf, snic_fwc_query_stats(&nic.pf, &b));
	for (uint32_t r = 1; r < SNIC_DROP_MAX_; r++)
		if (b.drops[r] != a.drops[r])
			fprintf(stderr, " %s", snic_fw_drop_name(r));
}

/* ---- rules ---- */

static bool add_rule(const char *text)
{
	struct grule *g = &rules[n_rules];
	struct snic_of_error e;
	char why[SNIC_MGR_SWDP_REASON_MAX];

	if (n_rules == MAX_RULES)
		return false;
	if (snic_of_rule_parse(text, SNIC_OF_MODE_ADD, &of_ports, &g->of, &e)) {
		st.refused_parse++;
		return false;
	}
	g->id = next_id;
	if (snic_mgr_swdp_add_rule(sw_ref, (uint32_t)g->id, &g->of, why, sizeof(why))) {
		st.refused_sw++;
		return false;
	}
	SNIC_REQUIRE(snic_mgr_swdp_add_rule(sw_nic, (uint32_t)g->id, &g->of, why,
					    sizeof(why)) == 0, "swdp: %s: %s", text, why);
	SNIC_REQUIRE(snic_mgr_plan_add(plan, g->id, &g->of) == 0, "plan add %s", text);
	next_id++;
	n_rules++;
	return true;
}

static void del_rule(unsigned i)
{
	SNIC_REQUIRE(snic_mgr_plan_del(plan, rules[i].id) == 0 &&
		     snic_mgr_swdp_del_rule(sw_ref, (uint32_t)rules[i].id) == 0 &&
		     snic_mgr_swdp_del_rule(sw_nic, (uint32_t)rules[i].id) == 0,
		     "delete rule %llu", (unsigned long long)rules[i].id);
	rules[i] = rules[--n_rules];
}

static void add_rules(unsigned n)
{
	char text[1024];

	for (unsigned tries = 0; n && tries < 20 * n + 100; tries++) {
		gen_rule(text, sizeof(text));
		n -= add_rule(text);
	}
}

static void set_miss(enum snic_mgr_miss m)
{
	enum snic_mgr_swdp_miss sm = m == SNIC_MGR_MISS_DROP ? SNIC_MGR_SWDP_MISS_DROP :
				     SNIC_MGR_SWDP_MISS_REPORT;

	miss = m;
	snic_mgr_plan_set_miss(plan, m);
	snic_mgr_swdp_set_miss(sw_ref, sm);
	snic_mgr_swdp_set_miss(sw_nic, sm);
}

static bool sync_rules(uint64_t seed, unsigned round)
{
	struct snic_mgr_sync_stats ss;
	int rc = snic_mgr_plan_sync(plan, &ss);

	SNIC_CHECK(rc == 0 && ss.failed == 0 && ss.failed_rules == 0,
		   "seed %llu round %u: sync %d, %u hardware failures, %u failed rules",
		   (unsigned long long)seed, round, rc, ss.failed, ss.failed_rules);
	return rc == 0;
}

static int cmp_rule(const void *a, const void *b)
{
	const struct grule *x = a, *y = b;

	if (x->of.table != y->of.table)
		return x->of.table < y->of.table ? -1 : 1;
	if (x->of.priority != y->of.priority)
		return x->of.priority > y->of.priority ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void dump_rules(void)
{
	static char text[SNIC_OF_RULE_TEXT_MAX], hw_text[16384];
	static struct grule sorted[MAX_RULES];

	memcpy(sorted, rules, n_rules * sizeof(rules[0]));
	qsort(sorted, n_rules, sizeof(sorted[0]), cmp_rule);
	fprintf(stderr, "  rules (table, priority, id order), %s table-miss, %u hardware "
		"rules installed:\n", miss == SNIC_MGR_MISS_DROP ? "drop" : "sw",
		snic_mgr_plan_hw_installed(plan));
	for (unsigned i = 0; i < n_rules; i++) {
		struct snic_mgr_rule_info in;

		snic_of_rule_format(&sorted[i].of, &of_ports, text, sizeof(text));
		SNIC_REQUIRE(snic_mgr_plan_get(plan, sorted[i].id, &in) == 0, "rule info");
		fprintf(stderr, "    #%llu %s%s%s%s: %s\n", (unsigned long long)sorted[i].id,
			snic_mgr_state_name(in.state), in.trapped ? " trapped" : "",
			in.reason ? " - " : "", in.reason ? in.reason : "", text);
		if (!snic_mgr_plan_hw_text(plan, sorted[i].id, hw_text, sizeof(hw_text)) &&
		    hw_text[0])
			fprintf(stderr, "      hw: %s", hw_text);
	}
}

static void count_states(void)
{
	for (unsigned i = 0; i < n_rules; i++) {
		struct snic_mgr_rule_info in;

		if (snic_mgr_plan_get(plan, rules[i].id, &in))
			continue;
		st.rules_hw += in.state == SNIC_MGR_HW;
		st.rules_sw += in.state == SNIC_MGR_SW;
		st.rules_pending += in.state == SNIC_MGR_PENDING;
		st.rules_trapped += in.trapped;
	}
}

/* ---- one frame, one round ---- */

/* false on a mismatch (reported) */
static bool one_packet(uint64_t seed, unsigned round, unsigned k)
{
	static uint8_t frame[FRAME_MAX];
	static struct snic_mgr_swdp_result res;
	struct pspec s;
	uint32_t len;

	if (n_rules && rn(10) < 7)
		spec_from_match(&s, &rules[rn(n_rules)].of.match);
	else
		spec_random(&s);
	len = build(&s, frame, sizeof(frame));
	run_ref(s.vport, frame, len, &res);
	run_nic(s.vport, frame, len);
	st.packets++;
	if (fate_equal(&fa, &fb))
		return true;
	st.mismatches++;
	SNIC_CHECK(false, "seed %llu round %u packet %u: the fates differ (replay: "
		   "SNIC_SEED=%llu SNIC_ROUND=%u)", (unsigned long long)seed, round, k,
		   (unsigned long long)seed, round);
	fprintf(stderr, "MISMATCH seed %llu round %u packet %u: %u bytes into vport 0x%x "
		"(OpenFlow port %u):\n      ", (unsigned long long)seed, round, k, len,
		s.vport, ofport_of(s.vport));
	hex(frame, len);
	fate_print("offload off (software only)", &fa);
	fprintf(stderr, "    rules hit:");
	for (unsigned i = 0; i < res.n_hits && i < SNIC_MGR_SWDP_MAX_HITS; i++)
		fprintf(stderr, " #%u", res.hits[i]);
	fprintf(stderr, "%s\n", res.n_hits ? "" : " none");
	fate_print("offload on (NIC, then software)", &fb);
	fprintf(stderr, "    the NIC's drops:");
	nic_drops(s.vport, frame, len);
	fputc('\n', stderr);
	dump_rules();
	return false;
}

static void round_run(uint64_t seed, unsigned round, unsigned packets)
{
	struct snic_mgr_swdp_config cfg = {
		.env = &env, .emc_entries = 256, .megaflows = 1024, .arena_bytes = 1u << 20,
	};
	char err[256];
	unsigned k = 0;

	grng.s = seed + 0x9e3779b97f4a7c15ull * (round + 1);     /* splitmix64 */
	grng.s = (grng.s ^ (grng.s >> 30)) * 0xbf58476d1ce4e5b9ull;
	grng.s = (grng.s ^ (grng.s >> 27)) * 0x94d049bb133111ebull;
	grng.s = (grng.s ^ (grng.s >> 31)) | 1;
	cfg.no_megaflow = chance(4);
	SNIC_REQUIRE(snic_mgr_swdp_create(&cfg, &sw_ref) == 0, "swdp");
	cfg.no_megaflow = false;
	SNIC_REQUIRE(snic_mgr_swdp_create(&cfg, &sw_nic) == 0, "swdp");
	SNIC_REQUIRE(snic_mgr_plan_create(&plan, &env, &hw, NULL, err, sizeof(err)) == 0,
		     "plan: %s", err);
	n_rules = 0;
	next_id = 1;            /* ids as in a replay of this round alone */
	set_miss(round % 4 == 3 ? SNIC_MGR_MISS_DROP : SNIC_MGR_MISS_SW);
	add_rules(10 + rn(141));
	if (!sync_rules(seed, round))
		goto out;
	for (; k < packets / 2; k++)
		if (!one_packet(seed, round, k))
			goto out;
	/* change the rule set under traffic's feet */
	for (unsigned d = rn(n_rules / 3 + 1); d > 0 && n_rules; d--)
		del_rule(rn(n_rules));
	add_rules(rn(30));
	if (chance(5))
		set_miss(miss == SNIC_MGR_MISS_DROP ? SNIC_MGR_MISS_SW : SNIC_MGR_MISS_DROP);
	if (!sync_rules(seed, round))
		goto out;
	for (; k < packets; k++)
		if (!one_packet(seed, round, k))
			goto out;
out:
	count_states();
	st.rounds++;
	snic_mgr_plan_destroy(plan);
	SNIC_CHECK_EQ(n_live, 0, "the planner removed every hardware rule");
	snic_mgr_swdp_destroy(sw_ref);
	snic_mgr_swdp_destroy(sw_nic);
}

static unsigned env_num(const char *name, unsigned def)
{
	const char *e = getenv(name);

	return e && *e ? (unsigned)strtoul(e, NULL, 0) : def;
}

int main(void)
{
	uint64_t seed = snic_test_seed();
	unsigned rounds = env_num("SNIC_ROUNDS", 64), packets = env_num("SNIC_PACKETS", 400);
	const char *only = getenv("SNIC_ROUND");

	test_nic_up();
	env.port = port_by_no;
	env.neigh = neigh;
	env.tunnels = tunnels;
	memcpy(env.uplink_mac, up_mac, 6);
	env.priority_levels = snic_flow_get_caps(ctx)->priority_levels;
	env.max_group = snic_flow_get_caps(ctx)->max_table_level;
	for (unsigned r = 0; r < rounds; r++)
		if (!only || (unsigned)strtoul(only, NULL, 0) == r)
			round_run(seed, r, packets);
	printf("golden: %u rounds, %u frames (%u through the NIC alone, %u via software, "
	       "%u dropped by the NIC), %u mismatches; rules: %u hw, %u sw (%u trapped), "
	       "%u pending; %u texts refused by the parser, %u by the software datapath\n",
	       st.rounds, st.packets, st.nic_only, st.via_sw, st.dropped, st.mismatches,
	       st.rules_hw, st.rules_sw, st.rules_trapped, st.rules_pending,
	       st.refused_parse, st.refused_sw);
	test_nic_down();
	return snic_test_done();
}
