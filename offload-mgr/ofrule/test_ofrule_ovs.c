/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ofrule_ovs.c - offload-mgr/ofrule against Open vSwitch itself:
 * `ovs-ofctl parse-flow RULE` reads a rule offline and prints the flow_mod
 * it would send.  For a corpus of hand-written rules and rules from a seeded
 * generator (the seed is printed; SNIC_SEED=N replays it; SNIC_RULES=N sets
 * how many are generated):
 *
 *   1. the decision: ovs-ofctl (every OpenFlow version allowed, so a rule is
 *      accepted when some protocol can carry it) accepts exactly the rules
 *      snic accepts, except the deliberate differences (README.md):
 *        unsupported  snic -ENOTSUP "not supported by snic", OVS accepts;
 *        prereq       snic refuses a field whose prerequisites the match
 *                     lacks ("... requires ..."); OVS accepts and drops the
 *                     field.  Checked: with the offending tokens removed,
 *                     snic accepts and prints what OVS printed;
 *        icmp         snic refuses ICMP type/code above 255 or masked (OVS
 *                     truncates);
 *        stricter     hand-written rules OVS accepts by silently changing
 *                     a value (each listed with the reason snic gives);
 *   2. for rules both accept, with OVS printing in the most faithful
 *      protocol that can carry the rule (NXM, else OpenFlow 1.3, else 1.1):
 *        - table, cookie and timeouts are what OVS printed;
 *        - snic_of_match_format() is exactly OVS's printed match;
 *        - snic_of_actions_format() is exactly OVS's printed actions when
 *          OVS prints them in the spelling they were written in (NXM and
 *          no set_field, goto_table, mod_nw_ttl, pop_vlan, write_metadata,
 *          which NXM prints as load/resubmit/strip_vlan or unmasked);
 *        - normalised by OVS: OVS prints the very same flow_mod for
 *          snic_of_rule_format()'s text as for the original rule;
 *        - and snic parses its own text back to the same rule.
 * Ports are numbers here: ovs-ofctl has no port table.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <time.h>

#include "snic_ofrule.h"
#include "snic_test.h"
#include "test_ofrule_ovs.h"

#define ALL_VERSIONS "OpenFlow10,OpenFlow11,OpenFlow12,OpenFlow13," \
		     "OpenFlow14,OpenFlow15"
#define OUT_MAX 32768

static unsigned n_same_ok, n_same_refused, n_unsup, n_prereq, n_icmp,
	n_strict, n_text_actions, n_unprintable;

/* ---- running ovs-ofctl ---- */

/* ovs-ofctl FLAG1 FLAG2 parse-flow RULE; stdout+stderr into out. */
static int run_ovs(const char *f1, const char *f2, const char *rule,
		   char *out, size_t len)
{
	int fd[2], status = -1;
	size_t o = 0;

	if (pipe(fd))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[0]);
		close(fd[1]);
		execlp("ovs-ofctl", "ovs-ofctl", f1, f2, "parse-flow", rule,
		       (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	for (;;) {
		ssize_t n = read(fd[0], out + o, len - 1 - o);
		if (n <= 0)
			break;
		o += (size_t)n;
		if (o >= len - 1)
			break;
	}
	out[o] = '\0';
	close(fd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A flow_mod as OVS printed it. */
struct ovs_flow {
	char line[8192];        /* the flow_mod line, from "ADD" */
	unsigned table;
	uint64_t cookie;
	unsigned idle, hard;
	char match[4096], actions[4096];
	char other[256];        /* unexpected header tokens */
};

/* Split OVS's output into *f; false when no flow_mod was printed. */
static bool ovs_flow_parse(const char *out, struct ovs_flow *f)
{
	const char *p = strstr(out, "): ADD ");
	if (!p || strstr(out, "decode error"))
		return false;
	p += 3;
	size_t n = strcspn(p, "\n");
	memset(f, 0, sizeof(*f));
	snprintf(f->line, sizeof(f->line), "%.*s", (int)n, p);

	char *s = f->line + 4, *save = NULL, buf[8192];
	snprintf(buf, sizeof(buf), "%s", s);
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (!strncmp(t, "actions=", 8)) {
			snprintf(f->actions, sizeof(f->actions), "%s",
				 strstr(s, " actions=") ? strstr(s, " actions=") + 9
							: s + 8);
			break;
		}
		if (!strncmp(t, "table:", 6))
			f->table = (unsigned)strtoul(t + 6, NULL, 0) % 255;
		else if (!strncmp(t, "cookie:", 7))
			f->cookie = strtoull(t + 7, NULL, 0);
		else if (!strncmp(t, "idle:", 5))
			f->idle = (unsigned)strtoul(t + 5, NULL, 0);
		else if (!strncmp(t, "hard:", 5))
			f->hard = (unsigned)strtoul(t + 5, NULL, 0);
		else if (strchr(t, ':') && !strchr(t, '=') &&
			 strspn(t, "abcdefghijklmnopqrstuvwxyz_") ==
			 (size_t)(strchr(t, ':') - t))
			snprintf(f->other + strlen(f->other),
				 sizeof(f->other) - strlen(f->other), "%s ", t);
		else if (!f->match[0])
			snprintf(f->match, sizeof(f->match), "%s", t);
		else
			snprintf(f->other + strlen(f->other),
				 sizeof(f->other) - strlen(f->other), "%s ", t);
	}
	return true;
}

static bool ovs_accepts(const char *rule, char *out)
{
	int st = run_ovs("-O", ALL_VERSIONS, rule, out, OUT_MAX);
	return st == 0 && strstr(out, "_FLOW_MOD");
}

static const char *const dialects[][2] = {
	{ "-F", "nxm" }, { "-O", "OpenFlow13" }, { "-O", "OpenFlow11" },
};

/* Print rule in the first dialect that carries it (from dialect first):
 * its index, or -1. */
static int ovs_print(const char *rule, int first, int only,
		     struct ovs_flow *f)
{
	static char out[OUT_MAX];

	for (int d = first; d < (int)(sizeof(dialects) / sizeof(dialects[0]));
	     d++) {
		if (only >= 0 && d != only)
			continue;
		if (run_ovs(dialects[d][0], dialects[d][1], rule, out,
			    sizeof(out)) == 0 && ovs_flow_parse(out, f))
			return d;
	}
	return -1;
}

/* ---- comparing ---- */

static bool nxm_spells_as_written(const struct snic_of_rule *r)
{
	for (unsigned i = 0; i < r->n_actions; i++) {
		const struct snic_of_action *a = &r->actions[i];
		switch (a->type) {
		case SNIC_OF_ACT_SET_FIELD:
		case SNIC_OF_ACT_GOTO_TABLE:
		case SNIC_OF_ACT_MOD_NW_TTL:
		case SNIC_OF_ACT_WRITE_METADATA:
			return false;
		case SNIC_OF_ACT_STRIP_VLAN:
			if (a->u.pop)
				return false;
			break;
		default:
			break;
		}
	}
	return true;
}

/* NXM carries a masked set_field to a field OpenFlow 1.0 has an action
 * for as that action, without the mask: print those in OpenFlow 1.3. */
static bool nxm_loses_mask(const struct snic_of_rule *r)
{
	for (unsigned i = 0; i < r->n_actions; i++) {
		const struct snic_of_action *a = &r->actions[i];
		if (a->type != SNIC_OF_ACT_SET_FIELD)
			continue;
		switch (a->u.set_field.field) {
		case SNIC_OF_F_TUN_ID: case SNIC_OF_F_TUN_SRC:
		case SNIC_OF_F_TUN_DST: case SNIC_OF_F_METADATA:
		case SNIC_OF_F_SCTP_SRC: case SNIC_OF_F_SCTP_DST:
			break;
		case SNIC_OF_F_ETH_SRC: case SNIC_OF_F_ETH_DST:
			if (a->u.set_field.mask != 0xffffffffffffull)
				return true;
			break;
		case SNIC_OF_F_IP_SRC: case SNIC_OF_F_IP_DST:
			if (a->u.set_field.mask != 0xffffffffull)
				return true;
			break;
		default:
			if (a->u.set_field.mask != 0xffff &&
			    a->u.set_field.mask != 0xff)
				return true;
		}
	}
	return false;
}

/* r (snic's reading of text) against OVS's printing of ovs_text. */
static void compare_printed(const char *ovs_text, const struct snic_of_rule *r)
{
	static struct ovs_flow f, g;
	char mt[4096], at[4096], rt[SNIC_OF_RULE_TEXT_MAX];
	struct snic_of_rule back;
	struct snic_of_error e;

	SNIC_REQUIRE(snic_of_rule_format(r, NULL, rt, sizeof(rt)) == 0,
		     "rule format");
	int rc = snic_of_rule_parse(rt, SNIC_OF_MODE_ADD, NULL, &back, &e);
	SNIC_CHECK(rc == 0 && snic_of_rule_equal(&back, r), "%s: round trip "
		   "of \"%s\": %s", ovs_text, rt, rc ? e.msg : "differs");

	int d = ovs_print(ovs_text, nxm_loses_mask(r), -1, &f);
	if (d < 0) {
		n_unprintable++;
		printf("  not printable by ovs-ofctl in NXM, OF1.3 or OF1.1 "
		       "(decision compared only): %s\n", ovs_text);
		return;
	}
	SNIC_CHECK_EQ(f.table, r->table, ovs_text);
	/* flow_mod_format() does not print the all-ones cookie (OVS's "no
	 * new cookie" marker). */
	SNIC_CHECK_EQ(f.cookie, r->cookie == UINT64_MAX ? 0 : r->cookie,
		      ovs_text);
	SNIC_CHECK_EQ(f.idle, r->idle_timeout, ovs_text);
	SNIC_CHECK_EQ(f.hard, r->hard_timeout, ovs_text);
	SNIC_CHECK(!f.other[0], "%s: unexpected in OVS's flow_mod: %s",
		   ovs_text, f.other);

	SNIC_REQUIRE(snic_of_match_format(&r->match, r->priority, NULL, mt,
					  sizeof(mt)) == 0, "match format");
	/* OXM carries only the usual VLAN matches (dl_vlan, dl_vlan_pcp, tag
	 * or no tag) as they are: others are widened or dropped in OpenFlow
	 * 1.1+ (the OVS-normalised check below still covers them).  "No tag"
	 * as dl_vlan=0xffff gives (vlan_tci 0, mask 0xffff) and is OXM's
	 * vlan_vid=OFPVID_NONE, which carries no PCP: OVS reads it back as
	 * vlan_tci=0x0000/0x1fff (the same packets: none without a tag has a
	 * PCP), so only NXM (dialect 0) keeps it as written (seed 1795230579). */
	uint16_t vm = r->match.vlan_tci_mask, vv = r->match.vlan_tci;
	bool std_vlan = !vm || (vv & 0x1000 && (vm == 0x1fff || vm == 0xf000 ||
						vm == 0xffff || vm == 0x1000)) ||
			(!vv && (vm == 0x1000 || (vm == 0xffff && d == 0)));
	if (d == 0 || std_vlan)
		SNIC_CHECK(!strcmp(mt, f.match), "%s: match: snic \"%s\", "
			   "ovs \"%s\"", ovs_text, mt, f.match);
	SNIC_REQUIRE(snic_of_actions_format(r->actions, r->n_actions, NULL, at,
					    sizeof(at)) == 0, "actions format");
	if (d == 0 && nxm_spells_as_written(r)) {
		n_text_actions++;
		SNIC_CHECK(!strcmp(at, f.actions), "%s: actions: snic \"%s\", "
			   "ovs \"%s\"", ovs_text, at, f.actions);
	}

	int d2 = ovs_print(rt, d, d, &g);
	SNIC_CHECK(d2 == d && !strcmp(f.line, g.line), "%s: OVS reads snic's "
		   "text differently:\n    snic text: %s\n    ovs(orig): %s\n"
		   "    ovs(snic): %s", ovs_text, rt, f.line,
		   d2 == d ? g.line : "(refused)");
}

/* snic refused a field OVS accepted and dropped: remove the offending
 * tokens one by one; what is left must be accepted and print as OVS. */
static void check_prereq_drop(const char *text, const struct snic_of_error *e0)
{
	char t[4096];
	struct snic_of_rule r;
	struct snic_of_error e = *e0;
	int rc = -EINVAL;

	snprintf(t, sizeof(t), "%s", text);
	for (int i = 0; i < 12 && rc && strstr(e.msg, " requires ") &&
	     e.column && !strstr(e.token, "..."); i++) {
		size_t at = e.column - 1, n = strlen(e.token);
		SNIC_REQUIRE(at + n <= strlen(t) && !strncmp(t + at, e.token, n),
			     "%s: error token \"%s\" is not at column %u", text,
			     e.token, e.column);
		memset(t + at, ' ', n);
		rc = snic_of_rule_parse(t, SNIC_OF_MODE_ADD, NULL, &r, &e);
	}
	if (rc && strstr(e.msg, "on icmp this is the ICMP")) {
		/* what is left meets the other deliberate difference, the ICMP
		 * range OVS truncates (e.g. icmp,ipv6_dst=..,tp_dst=39899: seed
		 * 121) */
		n_icmp++;
		return;
	}
	SNIC_CHECK(rc == 0, "%s: prerequisite refusal, but without the "
		   "offending fields still refused: %s", text,
		   rc ? e.msg : "");
	if (rc == 0) {
		n_prereq++;
		compare_printed(text, &r);
	}
}

static void check_rule(const char *text, enum tag tag, const char *why)
{
	static char out[OUT_MAX];
	struct snic_of_rule r;
	struct snic_of_error e;

	bool ovs = ovs_accepts(text, out);
	int rc = snic_of_rule_parse(text, SNIC_OF_MODE_ADD, NULL, &r, &e);

	if (rc) {
		SNIC_CHECK(e.code == rc && e.msg[0], "%s: refusal without a "
			   "message or with another code", text);
	}
	if (tag == STRICT) {
		n_strict++;
		SNIC_CHECK(ovs, "%s: listed as stricter than OVS, but OVS "
			   "refuses it too:\n%s", text, out);
		SNIC_CHECK(rc == -EINVAL || rc == -ERANGE, "%s: want -EINVAL, "
			   "got %d", text, rc);
		SNIC_CHECK(rc && strstr(e.msg, why), "%s: message \"%s\" lacks "
			   "\"%s\"", text, rc ? e.msg : "(accepted)", why);
		return;
	}
	if (ovs && rc == -ENOTSUP) {
		n_unsup++;
		SNIC_CHECK(strstr(e.msg, "not supported by snic"), "%s: %s",
			   text, e.msg);
		return;
	}
	if (ovs && rc && strstr(e.msg, " requires ") &&
	    !strstr(e.msg, "set_field")) {
		check_prereq_drop(text, &e);
		return;
	}
	if (ovs && rc && strstr(e.msg, "on icmp this is the ICMP")) {
		n_icmp++;
		return;
	}
	SNIC_CHECK(ovs == (rc == 0), "%s: ovs-ofctl %s, snic %s\n  ovs: %s"
		   "  snic: %s", text, ovs ? "accepts" : "refuses",
		   rc ? "refuses" : "accepts", out, rc ? e.msg : "");
	if (!ovs || rc) {
		n_same_refused += !ovs && rc;
		return;
	}
	n_same_ok++;
	compare_printed(text, &r);
}

int main(void)
{
	const char *seed_env = getenv("SNIC_SEED");
	const char *n_env = getenv("SNIC_RULES");
	uint64_t seed = seed_env ? strtoull(seed_env, NULL, 0)
				 : (uint64_t)time(NULL) ^ (uint64_t)getpid();
	unsigned n_gen = n_env ? (unsigned)strtoul(n_env, NULL, 0) : 200;
	char g[2048];

	snic_test_need_tool("ovs-ofctl");
	printf("seed %" PRIu64 " (SNIC_SEED=%" PRIu64 " replays it)\n", seed,
	       seed);
	ovs_gen_seed(seed);

	for (size_t i = 0; i < ovs_n_hand; i++)
		check_rule(ovs_hand[i].rule, ovs_hand[i].tag, ovs_hand[i].why);
	for (unsigned i = 0; i < n_gen; i++) {
		ovs_gen_rule(g, sizeof(g));
		check_rule(g, AUTO, NULL);
	}
	printf("%zu hand-written + %u generated rules: %u accepted by both "
	       "(%u with actions compared as text), %u refused by both, "
	       "%u unsupported by snic, %u prerequisite refusals checked "
	       "against OVS's dropping, %u icmp, %u stricter than OVS, "
	       "%u not printable by OVS\n", ovs_n_hand,
	       n_gen, n_same_ok, n_text_actions, n_same_refused, n_unsup,
	       n_prereq, n_icmp, n_strict, n_unprintable);
	return snic_test_done();
}
