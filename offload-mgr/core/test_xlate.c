/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_xlate.c - golden translation tests: each rule of xlate_golden.txt is
 * parsed (snic_ofrule), translated (snic_mgr_xlate), written as testpmd
 * commands and compared line by line with the file; a rule expected in
 * software must give a reason containing the expected words.  Every rule
 * translated to hardware is also validated by host-driver/flow against the
 * firmware booted in-process on the small board, so the golden lines are
 * rules the NIC really accepts.
 *
 * The file: blocks separated by blank lines; "rule: TEXT" then either the
 * expected testpmd lines, or "sw: WORDS" / "pending: WORDS".  Lines starting
 * with '#' are comments.  SNIC_GOLDEN_UPDATE=1 rewrites the expected lines
 * from what the code produces (review the diff before committing it).
 */
#include <errno.h>

#include "snic_flow.h"
#include "snic_mgr_xlate.h"
#include "snic_test_fw.h"

static struct snic_test_nic nic;
static struct snic_flow_ctx *ctx;

/* OpenFlow ports: uplink 1, vf0..vf3 2..5, vxlan0 10, vxlanf 11. */
static struct snic_mgr_port ports[] = {
	{ "uplink", 1, SNIC_MGR_PORT_UPLINK, 0, -1, false, false, false, 0, 0, 0, 0 },
	{ "vf0", 2, SNIC_MGR_PORT_VF, 1, 0, false, false, false, 0, 0, 0, 0 },
	{ "vf1", 3, SNIC_MGR_PORT_VF, 2, 1, false, false, false, 0, 0, 0, 0 },
	{ "vf2", 4, SNIC_MGR_PORT_VF, 3, 2, false, false, false, 0, 0, 0, 0 },
	{ "vf3", 5, SNIC_MGR_PORT_VF, 4, 3, false, false, false, 0, 0, 0, 0 },
	{ "vxlan0", 10, SNIC_MGR_PORT_TUNNEL, 0, -1, false, false, false,
	  0xc0a80102, 0xc0a80101, 100, 4789 },
	{ "vxlanf", 11, SNIC_MGR_PORT_TUNNEL, 0, -1, true, false, true,
	  0, 0xc0a80101, 0, 4789 },
};

static const struct snic_mgr_port *port_by_no(void *arg, uint32_t ofport)
{
	(void)arg;
	for (size_t i = 0; i < RTE_DIM(ports); i++)
		if (ports[i].ofport == ofport)
			return &ports[i];
	return NULL;
}

static int neigh(void *arg, uint32_t ip, uint8_t mac[6])
{
	static const uint8_t nh[6] = { 0x02, 0xee, 0, 0, 0, 2 };

	(void)arg;
	if (ip == 0xc0a80102 || ip == 0xc0a80104) {
		memcpy(mac, nh, 6);
		return 0;
	}
	return ip == 0xc0a80103 ? -EAGAIN : -EHOSTUNREACH;
}

static int of_lookup(void *arg, const char *name, uint32_t *ofport)
{
	(void)arg;
	for (size_t i = 0; i < RTE_DIM(ports); i++)
		if (!strcmp(ports[i].name, name)) {
			*ofport = ports[i].ofport;
			return 0;
		}
	return -ENOENT;
}

static const struct snic_of_port_ops of_ops = { .lookup = of_lookup };
static const struct snic_of_ports of_ports = { &of_ops, NULL };

static struct snic_mgr_xlate_env env = {
	.port = port_by_no, .neigh = neigh, .proxy_port = 0, .uplink_port = 0,
	.uplink_mac = { 0x02, 0xaa, 0, 0, 1, 0 },
};

/* Translate one rule into text: testpmd lines, "sw: reason" or
 * "pending: reason"; validate hardware rules through the flow library. */
static void render(const char *text, char *out, size_t len)
{
	static struct snic_mgr_xlate_set hw;
	struct snic_mgr_xlate_info info;
	struct snic_of_rule rule;
	struct snic_of_error oe;
	struct rte_flow_error fe = { 0 };
	int rc;

	rc = snic_of_rule_parse(text, SNIC_OF_MODE_ADD, &of_ports, &rule, &oe);
	if (rc) {
		snprintf(out, len, "parse: %s\n", oe.msg);
		return;
	}
	rc = snic_mgr_xlate(&env, &rule, &hw, &info);
	if (rc == -ENOTSUP || rc == -EAGAIN) {
		snprintf(out, len, "%s: %s\n", rc == -EAGAIN ? "pending" : "sw", info.reason);
		return;
	}
	SNIC_REQUIRE(rc == 0 && hw.n >= 1, "%s: xlate returned %d", text, rc);
	out[0] = 0;
	for (unsigned i = 0; i < hw.n; i++) {
		const struct snic_mgr_hwrule *h = &hw.r[i];
		size_t used = strlen(out);

		SNIC_CHECK(snic_mgr_hwrule_testpmd(h, out + used, len - used) == 0,
			   "%s: testpmd text fits", text);
		rc = snic_flow_validate(ctx, h->port_id, &h->attr, h->items, h->actions, &fe);
		SNIC_CHECK(rc == 0, "%s: the NIC refuses the translation: %s\n%s", text,
			   fe.message ? fe.message : "?", out + used);
	}
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long sz;

	SNIC_REQUIRE(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = calloc(1, (size_t)sz + 1);
	SNIC_REQUIRE(b && fread(b, 1, (size_t)sz, f) == (size_t)sz, "read %s", path);
	fclose(f);
	*n = (size_t)sz;
	return b;
}

int main(void)
{
	const bool update = getenv("SNIC_GOLDEN_UPDATE") != NULL;
	static const struct snic_flow_port fports[] = {
		{ 0, SNIC_IFC_VPORT_UPLINK(0), true }, { 1, SNIC_IFC_VPORT_VF(0), false },
		{ 2, SNIC_IFC_VPORT_VF(1), false }, { 3, SNIC_IFC_VPORT_VF(2), false },
		{ 4, SNIC_IFC_VPORT_VF(3), false },
	};
	FILE *upd = NULL;
	size_t n;
	char *file, *line, *save = NULL, err[256];
	char rule[4096] = "", want[8192] = "", got[8192];
	unsigned blocks = 0, hw = 0, sw = 0;

	snic_test_nic_boot(&nic, SNIC_SMALL_BOARD);
	SNIC_REQUIRE(snic_flow_ctx_create(&ctx, &nic.pf, fports, RTE_DIM(fports),
					  SNIC_FLOW_RECOVER_REFUSE, err, sizeof(err)) == 0,
		     "flow ctx: %s", err);
	env.priority_levels = snic_flow_get_caps(ctx)->priority_levels;
	env.max_group = snic_flow_get_caps(ctx)->max_table_level;
	file = slurp(SNIC_GOLDEN, &n);
	if (update)
		upd = fopen(SNIC_GOLDEN ".new", "w");
	/* one pass over lines; a block ends at a blank line or EOF */
	for (line = strtok_r(file, "\n", &save);; line = strtok_r(NULL, "\n", &save)) {
		/* a block ends at the next rule, a comment or the end */
		bool end = !line || line[0] == '#' || !strncmp(line, "rule: ", 6);

		if (end && rule[0]) {
			render(rule, got, sizeof(got));
			blocks++;
			if (!strncmp(want, "sw: ", 4) || !strncmp(want, "pending: ", 9)) {
				char *words = strchr(want, ' ') + 1;
				size_t wl = strcspn(words, "\n");
				bool kind = !strncmp(want, got, (size_t)(words - want));

				words[wl] = 0;
				SNIC_CHECK(kind && strstr(got, words), "%s\n  want %.*s%s\n  got  %s",
					   rule, (int)(words - want), want, words, got);
				words[wl] = '\n';
				sw++;
				if (upd)
					fprintf(upd, "rule: %s\n%s\n", rule, want);
			} else {
				SNIC_CHECK(!strcmp(want, got), "%s\n  want:\n%s  got:\n%s", rule,
					   want, got);
				hw++;
				if (upd)
					fprintf(upd, "rule: %s\n%s\n", rule, got);
			}
			rule[0] = want[0] = 0;
		}
		if (!line)
			break;
		if (line[0] == '#') {
			if (upd)
				fprintf(upd, "%s\n", line);
		} else if (!strncmp(line, "rule: ", 6)) {
			snprintf(rule, sizeof(rule), "%s", line + 6);
		} else if (rule[0]) {
			size_t w = strlen(want);
			snprintf(want + w, sizeof(want) - w, "%s\n", line);
		}
	}
	printf("golden translations: %u rules (%u expected in hardware, %u in software)\n",
	       blocks, hw, sw);
	SNIC_CHECK(blocks >= 40, "the golden file has %u rules", blocks);
	if (upd) {
		fclose(upd);
		printf("wrote %s.new\n", SNIC_GOLDEN);
	}
	free(file);
	snic_flow_ctx_destroy(ctx);
	snic_test_nic_down(&nic);
	return snic_test_done();
}
