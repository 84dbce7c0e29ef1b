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
#include "snic_mgr_xlate.h"
#include "test_nic.h"

static struct snic_mgr_xlate_env env = {
	.port = port_by_no, .neigh = neigh, .tunnels = tunnels, .proxy_port = 0,
	.uplink_port = 0,
	.uplink_mac = { 0x02, 0xaa, 0, 0, 1, 0 },
};

/* Translate one rule into text: testpmd lines, "sw: reason" or
 * "pending: reason"; validate hardware rules through the flow library. */
static void render(const char *text, char *out, size_t len)
{
	static struct snic_mgr_xlate_set set;
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
	rc = snic_mgr_xlate(&env, &rule, &set, &info);
	if (rc == -ENOTSUP || rc == -EAGAIN) {
		snprintf(out, len, "%s: %s\n", rc == -EAGAIN ? "pending" : "sw", info.reason);
		return;
	}
	SNIC_REQUIRE(rc == 0 && set.n >= 1, "%s: xlate returned %d", text, rc);
	out[0] = 0;
	for (unsigned i = 0; i < set.n; i++) {
		const struct snic_mgr_hwrule *h = &set.r[i];
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
	FILE *upd = NULL;
	size_t n;
	char *file, *line, *save = NULL;
	char rule[4096] = "", want[8192] = "", got[8192];
	unsigned blocks = 0, n_hw = 0, n_sw = 0;

	test_nic_up();
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
				n_sw++;
				if (upd)
					fprintf(upd, "rule: %s\n%s\n", rule, want);
			} else {
				SNIC_CHECK(!strcmp(want, got), "%s\n  want:\n%s  got:\n%s", rule,
					   want, got);
				n_hw++;
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
	       blocks, n_hw, n_sw);
	SNIC_CHECK(blocks >= 40, "the golden file has %u rules", blocks);
	if (upd) {
		fclose(upd);
		printf("wrote %s.new\n", SNIC_GOLDEN);
	}
	free(file);
	test_nic_down();
	return snic_test_done();
}
