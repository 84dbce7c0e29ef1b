/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ofrule_api.c - offload-mgr/ofrule beyond single rules:
 *
 *   1. ports by name through a port table (quoting, names that cannot be
 *      written back, unknown names, a table giving a bad number, a table
 *      without names, no table);
 *   2. match-only modes (del-flows): cookie masks, out_port, strict
 *      priority, what they refuse;
 *   3. rules files: comments, blank lines, CR LF, the line of an error,
 *      NUL bytes, outputs untouched on failure, many rules;
 *   4. match algebra: OVS-equivalent spellings compare and hash equal,
 *      subset and overlap on chosen pairs, including the documented
 *      over-approximations;
 *   5. the formatter: -ENOSPC, and SNIC_OF_RULE_TEXT_MAX holds the longest
 *      rule;
 *   6. compact copies: their size, and that every reader (equality, the
 *      formatter, match algebra) reads no action beyond n_actions (under
 *      ASan a read past the copy fails the test).
 */
#include "test_ofrule_lib.h"
#include "test_ofrule_ports.h"

/* ---- 1. ports by name ---- */

static void test_port_table(void)
{
	static const struct {
		const char *text, *canon, *canon_numbers;
	} cases[] = {
		{ "in_port=vf0,actions=output:uplink,vxlan0,vf1",
		  "in_port=vf0 actions=output:uplink,output:vxlan0,output:vf1",
		  "in_port=10 actions=output:1,output:100,output:11" },
		{ "in_port=\"1x\",actions=\"local\",LOCAL",
		  "in_port=\"1x\" actions=output:\"local\",LOCAL",
		  "in_port=7 actions=output:9,LOCAL" },
		{ "in_port=10,actions=11,output:13",
		  "in_port=vf0 actions=output:vf1,output:13",
		  "in_port=10 actions=output:11,output:13" },
		{ "in_port=20,actions=\"a\\\"b\\\\c\"",
		  "in_port=\"a\\\"b\\\\c\" actions=output:\"a\\\"b\\\\c\"",
		  "in_port=20 actions=output:20" },
		/* names that could not be read back are written as numbers */
		{ "in_port=30,actions=31", "in_port=30 actions=output:31",
		  "in_port=30 actions=output:31" },
	};
	struct snic_of_rule r;
	struct snic_of_error e;
	char buf[SNIC_OF_RULE_TEXT_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = snic_of_rule_parse(cases[i].text, SNIC_OF_MODE_ADD,
					    &test_ports, &r, &e);
		SNIC_CHECK(rc == 0, "%s: %s", cases[i].text, rc ? e.msg : "");
		if (rc)
			continue;
		SNIC_REQUIRE(!snic_of_rule_format(&r, &test_ports, buf, sizeof(buf)),
			     "format");
		SNIC_CHECK(!strcmp(buf, cases[i].canon), "%s: \"%s\"",
			   cases[i].text, buf);
		SNIC_REQUIRE(!snic_of_rule_format(&r, NULL, buf, sizeof(buf)),
			     "format");
		SNIC_CHECK(!strcmp(buf, cases[i].canon_numbers), "%s: \"%s\"",
			   cases[i].text, buf);
		round_trip(cases[i].text, &r, &test_ports);
		round_trip(cases[i].text, &r, NULL);
	}
	SNIC_CHECK_EQ(snic_of_rule_parse("in_port=vf9,actions=drop",
					 SNIC_OF_MODE_ADD, &test_ports, &r, &e),
		      -ENOENT, "unknown name");
	SNIC_CHECK(strstr(e.msg, "vf9: invalid or unknown port for in_port (the "
			  "port table has no port of that name)"), "%s", e.msg);
	SNIC_CHECK_EQ(snic_of_rule_parse("actions=output:vf9", SNIC_OF_MODE_ADD,
					 &test_ports, &r, &e), -ENOENT, "unknown");
	SNIC_CHECK(strstr(e.msg, "output to unknown port (the port table has "
			  "no port of that name)"), "%s", e.msg);
	SNIC_CHECK_EQ(snic_of_rule_parse("actions=evil", SNIC_OF_MODE_ADD,
					 &test_ports, &r, &e), -EINVAL, "bad table");
	SNIC_CHECK(strstr(e.msg, "evil: the port table gave a port number that "
			  "is not below 0xff00"), "%s", e.msg);
	/* a reserved name wins over a port of that name unless quoted */
	SNIC_REQUIRE(!snic_of_rule_parse("in_port=local,actions=drop",
					 SNIC_OF_MODE_ADD, &test_ports, &r, &e), "%s",
		     e.msg);
	SNIC_CHECK_EQ(r.match.in_port, SNIC_OF_PORT_LOCAL, "local is LOCAL");
	/* a table without names writes numbers */
	static const struct snic_of_port_ops lookup_only = { test_port_lookup, NULL };
	struct snic_of_ports lp = { &lookup_only, NULL };
	SNIC_REQUIRE(!snic_of_rule_parse("in_port=vf0,actions=vf1",
					 SNIC_OF_MODE_ADD, &lp, &r, &e), "%s",
		     e.msg);
	SNIC_REQUIRE(!snic_of_rule_format(&r, &lp, buf, sizeof(buf)), "fmt");
	SNIC_CHECK(!strcmp(buf, "in_port=10 actions=output:11"), "%s", buf);
}

/* ---- 2. match modes ---- */

static void test_match_modes(void)
{
	static const struct {
		enum snic_of_mode mode;
		const char *text, *canon;
		struct snic_of_rule want;
	} ok[] = {
		{ SNIC_OF_MODE_MATCH, "cookie=0x15/0xf,table=2,out_port=3,tcp",
		  "cookie=0x5/0xf, table=2, out_port=3, tcp",
		  RULE(.mode = SNIC_OF_MODE_MATCH, .cookie = 5,
		       .cookie_mask = 0xf, .table = 2, .out_port = 3,
		       M(.dl_type = 0x0800, .dl_type_mask = 0xffff,
			 .nw_proto = 6, .nw_proto_mask = 0xff)) },
		{ SNIC_OF_MODE_MATCH, "", "",
		  RULE(.mode = SNIC_OF_MODE_MATCH, .table = 255) },
		{ SNIC_OF_MODE_MATCH, "table=255,out_port=LOCAL",
		  "out_port=LOCAL",
		  RULE(.mode = SNIC_OF_MODE_MATCH, .table = 255,
		       .out_port = SNIC_OF_PORT_LOCAL) },
		{ SNIC_OF_MODE_MATCH_STRICT, "priority=5,ip", "priority=5,ip",
		  RULE(.mode = SNIC_OF_MODE_MATCH_STRICT, .table = 255,
		       .priority = 5,
		       M(.dl_type = 0x0800, .dl_type_mask = 0xffff)) },
	};
	static const struct {
		enum snic_of_mode mode;
		const char *text, *msg;
	} bad[] = {
		{ SNIC_OF_MODE_MATCH, "priority=5,ip",
		  "priority is only taken by strict matches" },
		{ SNIC_OF_MODE_MATCH, "cookie=5", "cannot set cookie" },
		{ SNIC_OF_MODE_MATCH, "ip,actions=drop",
		  "actions are not taken when matching rules" },
		{ SNIC_OF_MODE_MATCH_STRICT, "idle_timeout=5",
		  "idle_timeout is only taken when adding rules" },
		{ SNIC_OF_MODE_ADD, "out_port=1,actions=drop",
		  "unknown keyword out_port" },
		{ (enum snic_of_mode)7, "ip", "unknown mode 7" },
	};
	struct snic_of_rule r;
	struct snic_of_error e;
	char buf[SNIC_OF_RULE_TEXT_MAX];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		int rc = snic_of_rule_parse(ok[i].text, ok[i].mode, NULL, &r, &e);
		SNIC_CHECK(rc == 0, "%s: %s", ok[i].text, rc ? e.msg : "");
		if (rc)
			continue;
		check_rule(ok[i].text, &r, &ok[i].want);
		SNIC_REQUIRE(!snic_of_rule_format(&r, NULL, buf, sizeof(buf)),
			     "format");
		SNIC_CHECK(!strcmp(buf, ok[i].canon), "%s: \"%s\"", ok[i].text,
			   buf);
		round_trip(ok[i].text, &r, NULL);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = snic_of_rule_parse(bad[i].text, bad[i].mode, NULL, &r,
					    &e);
		SNIC_CHECK_EQ(rc, -EINVAL, bad[i].text);
		SNIC_CHECK(rc && strstr(e.msg, bad[i].msg), "%s: \"%s\"",
			   bad[i].text, rc ? e.msg : "");
	}
}

/* ---- 3. rules files ---- */

static void test_rules_file(void)
{
	static const char good[] =
		"# the rules of host a\n"
		"\n"
		"  table=1, ip, actions=drop  \r\n"
		"priority=5,in_port=vf0,actions=output:uplink # to the wire\n"
		"\t \r\n"
		"# done\n"
		"tcp,actions=1";
	static const char bad[] = "ip,actions=drop\n\n  foo=1,actions=drop\n";
	static const char nul[] = "ip,actions=drop\nip\0,actions=drop\n";
	struct snic_of_rule *rules, *sentinel = (struct snic_of_rule *)&rules;
	struct snic_of_error e;
	size_t n = 77;

	rules = sentinel;
	int rc = snic_of_rules_parse(good, strlen(good), &test_ports, &rules, &n, &e);
	SNIC_REQUIRE(rc == 0, "good file: %s", e.msg);
	SNIC_REQUIRE(n == 3, "3 rules, got %zu", n);
	SNIC_CHECK_EQ(rules[0].table, 1, "rule 1 table");
	SNIC_CHECK_EQ(rules[0].match.dl_type, 0x0800, "rule 1 ip");
	SNIC_CHECK_EQ(rules[1].priority, 5, "rule 2 priority");
	SNIC_CHECK_EQ(rules[1].match.in_port, 10, "rule 2 in_port=vf0");
	SNIC_CHECK_EQ(rules[1].actions[0].u.port, 1, "rule 2 output:uplink");
	SNIC_CHECK_EQ(rules[2].match.nw_proto, 6, "rule 3 tcp");
	free(rules);

	rules = sentinel;
	n = 77;
	rc = snic_of_rules_parse(bad, strlen(bad), NULL, &rules, &n, &e);
	SNIC_CHECK_EQ(rc, -EINVAL, "bad file");
	SNIC_CHECK_EQ(e.line, 3, "error line");
	SNIC_CHECK_EQ(e.column, 3, "error column");
	SNIC_CHECK(!strcmp(e.msg, "line 3, column 3: foo=1: unknown field "
			   "\"foo\""), "%s", e.msg);
	SNIC_CHECK(rules == sentinel && n == 77, "outputs untouched");

	rc = snic_of_rules_parse(nul, sizeof(nul) - 1, NULL, &rules, &n, &e);
	SNIC_CHECK_EQ(rc, -EINVAL, "NUL byte");
	SNIC_CHECK(e.line == 2 && strstr(e.msg, "a NUL byte"), "%s", e.msg);

	rc = snic_of_rules_parse("# nothing\n\n", 11, NULL, &rules, &n, &e);
	SNIC_CHECK(rc == 0 && n == 0 && rules == NULL, "empty file: %d %zu",
		   rc, n);
	rc = snic_of_rules_parse("", 0, NULL, &rules, &n, &e);
	SNIC_CHECK(rc == 0 && n == 0 && rules == NULL, "no text");

	/* many rules (the array grows) */
	char big[64 * 40];
	size_t o = 0;
	for (int i = 0; i < 40; i++)
		o += (size_t)snprintf(big + o, sizeof(big) - o,
				      "priority=%d,actions=%d\n", i, i + 1);
	rc = snic_of_rules_parse(big, o, NULL, &rules, &n, &e);
	SNIC_CHECK(rc == 0 && n == 40, "40 rules: %d %zu", rc, n);
	if (rc == 0) {
		SNIC_CHECK_EQ(rules[39].priority, 39, "last rule");
		SNIC_CHECK_EQ(rules[39].actions[0].u.port, 40, "last rule");
		free(rules);
	}
}

/* ---- 4. match algebra ---- */

static struct snic_of_match match_of(const char *m)
{
	char text[512];
	struct snic_of_rule r;
	struct snic_of_error e;

	snprintf(text, sizeof(text), "%s%sactions=drop", m, *m ? "," : "");
	SNIC_REQUIRE(!snic_of_rule_parse(text, SNIC_OF_MODE_ADD, NULL, &r, &e),
		     "%s: %s", text, e.msg);
	return r.match;
}

static void test_match_algebra(void)
{
	static const char *const same[][2] = {
		{ "ip,nw_src=10.0.0.1/24",
		  "dl_type=0x0800,nw_src=10.0.0.0/255.255.255.0" },
		{ "tcp,tp_dst=80", "ip,nw_proto=6,tcp_dst=0x50/0xffff" },
		{ "dl_vlan=5", "vlan_tci=0x1005/0x1fff" },
		{ "dl_vlan=5,dl_vlan_pcp=3", "vlan_tci=0x7005" },
		{ "dl_vlan=0xffff", "vlan_tci=0" },
		{ "ip,nw_tos=4", "ip,ip_dscp=1" },
		{ "arp,nw_src=1.2.3.4", "arp,arp_spa=1.2.3.4" },
		{ "icmp,icmp_type=3", "icmp,tp_src=3" },
		{ "tcp,tp_dst=80,tp_dst=*", "tcp" },
		{ "ipv6,ipv6_src=2001:db8::/32",
		  "ip6,ipv6_src=2001:db8:0:0::1/ffff:ffff::" },
		{ "in_port=65534", "in_port=LOCAL" },
		{ "metadata=0x1f/0xf0", "metadata=0x10/0xf0" },
	};
	static const struct {
		const char *a, *b;
		bool overlaps, a_in_b, b_in_a;
	} pairs[] = {
		{ "tcp", "udp", false, false, false },
		{ "ip,nw_src=10.0.0.0/25", "ip,nw_src=10.0.0.0/24", true, true,
		  false },
		{ "tcp,tp_dst=80", "tcp,tp_dst=81", false, false, false },
		{ "tcp,tp_dst=80", "tcp,tp_dst=0x50/0xfff0", true, true, false },
		{ "ip", "ipv6", false, false, false },
		{ "in_port=1", "in_port=2", false, false, false },
		{ "ip,nw_src=10.0.0.0/8", "ip,nw_dst=10.0.0.0/8", true, false,
		  false },
		{ "tcp,in_port=3", "", true, true, false },
		{ "dl_vlan=5", "vlan_tci=0x1000/0x1000", true, true, false },
		{ "dl_vlan=0xffff", "vlan_tci=0x1000/0x1000", false, false,
		  false },
		/* the documented over-approximations (no real packet) */
		{ "vlan_tci=0x0000/0x1000", "vlan_tci=0x0005/0x0fff", true, false,
		  false },
		{ "vlan_tci=0x0000/0x1000", "vlan_tci=0x0000", true, false,
		  true },
		{ "tun_id=5", "tun_id=0x5/0xf", true, true, false },
		{ "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00",
		  "dl_dst=ff:ff:ff:ff:ff:ff", true, false, true },
	};

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		struct snic_of_match a = match_of(same[i][0]);
		struct snic_of_match b = match_of(same[i][1]);
		SNIC_CHECK(snic_of_match_equal(&a, &b), "%s == %s", same[i][0],
			   same[i][1]);
		SNIC_CHECK_EQ(snic_of_match_hash(&a, 7), snic_of_match_hash(&b, 7),
			      same[i][0]);
		SNIC_CHECK(snic_of_match_subset(&a, &b) &&
			   snic_of_match_subset(&b, &a) &&
			   snic_of_match_overlaps(&a, &b), "%s", same[i][0]);
	}
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct snic_of_match a = match_of(pairs[i].a);
		struct snic_of_match b = match_of(pairs[i].b);
		SNIC_CHECK(!snic_of_match_equal(&a, &b), "%s != %s", pairs[i].a,
			   pairs[i].b);
		SNIC_CHECK_EQ(snic_of_match_overlaps(&a, &b), pairs[i].overlaps,
			      pairs[i].a);
		SNIC_CHECK_EQ(snic_of_match_overlaps(&b, &a), pairs[i].overlaps,
			      pairs[i].b);
		SNIC_CHECK_EQ(snic_of_match_subset(&a, &b), pairs[i].a_in_b,
			      pairs[i].a);
		SNIC_CHECK_EQ(snic_of_match_subset(&b, &a), pairs[i].b_in_a,
			      pairs[i].b);
		SNIC_CHECK(snic_of_match_subset(&a, &a) &&
			   snic_of_match_overlaps(&a, &a), "%s", pairs[i].a);
	}
	/* distinct matches spread over the hash, and the basis matters */
	uint32_t h[sizeof(pairs) / sizeof(pairs[0])];
	size_t collisions = 0;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct snic_of_match a = match_of(pairs[i].a);
		h[i] = snic_of_match_hash(&a, 0);
		for (size_t j = 0; j < i; j++)
			collisions += h[i] == h[j] &&
				      strcmp(pairs[i].a, pairs[j].a);
		SNIC_CHECK(h[i] != snic_of_match_hash(&a, 1), "basis: %s",
			   pairs[i].a);
	}
	SNIC_CHECK_EQ(collisions, 0, "hash collisions among distinct matches");
}

/* ---- 5. the formatter's limits ---- */

static int long_name(void *arg, uint32_t ofport, char *buf, size_t len)
{
	(void)arg;
	if (ofport != 1 && ofport != 2)
		return -ENOENT;
	memset(buf, ofport == 1 ? '"' : 'a', SNIC_OF_PORT_NAME_MAX);
	buf[SNIC_OF_PORT_NAME_MAX] = '\0';
	return len > SNIC_OF_PORT_NAME_MAX ? 0 : -ENOSPC;
}

static int long_lookup(void *arg, const char *name, uint32_t *ofport)
{
	(void)arg;
	*ofport = name[0] == '"' ? 1 : 2;
	return strlen(name) == SNIC_OF_PORT_NAME_MAX ? 0 : -ENOENT;
}

static void test_format_limits(void)
{
	static const struct snic_of_port_ops lops = { long_lookup, long_name };
	struct snic_of_ports lp = { &lops, NULL };
	struct snic_of_rule r;
	struct snic_of_error e;
	char buf[SNIC_OF_RULE_TEXT_MAX], small[10];

	SNIC_REQUIRE(!snic_of_rule_parse("tcp,tp_dst=80,actions=drop",
					 SNIC_OF_MODE_ADD, NULL, &r, &e), "%s",
		     e.msg);
	memset(small, 'x', sizeof(small));
	SNIC_CHECK_EQ(snic_of_rule_format(&r, NULL, small, sizeof(small)),
		      -ENOSPC, "short buffer");
	SNIC_CHECK(!strcmp(small, "tcp,tp_ds"), "truncated: \"%s\"", small);

	/* the longest rule: every field with a non-prefix mask, 32 outputs to
	 * ports whose names are 63 characters needing quotes and escapes */
	char text[SNIC_OF_RULE_TEXT_MAX] =
		"cookie=0xffffffffffffffff,table=254,priority=65535,"
		"idle_timeout=65535,hard_timeout=65535,udp6,"
		"tun_id=0xfffffffffffffffe/0xfffffffffffffffe,"
		"tun_src=255.255.255.254/255.255.255.254,"
		"tun_dst=255.255.255.254/255.255.255.254,"
		"metadata=0xfffffffffffffffe/0xfffffffffffffffe,in_port=2,"
		"vlan_tci=0xeffe/0xeffe,"
		"dl_src=fe:ff:ff:ff:ff:ff/fe:ff:ff:ff:ff:ff,"
		"dl_dst=fe:ff:ff:ff:ff:ff/fe:ff:ff:ff:ff:ff,"
		"ipv6_src=fffe:fffe:fffe:fffe:fffe:fffe:fffe:fffe/"
		"fffe:fffe:fffe:fffe:fffe:fffe:fffe:fffe,"
		"ipv6_dst=fffe:fffe:fffe:fffe:fffe:fffe:fffe:fffe/"
		"fffe:fffe:fffe:fffe:fffe:fffe:fffe:fffe,"
		"nw_tos=252,nw_ttl=255,tp_src=0xfffe/0xfffe,tp_dst=0xfffe/0xfffe,"
		"actions=";
	for (int i = 0; i < 32; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "%soutput:1", i ? "," : "");
	int rc = snic_of_rule_parse(text, SNIC_OF_MODE_ADD, &lp, &r, &e);
	SNIC_REQUIRE(rc == 0, "longest rule: %s", e.msg);
	SNIC_CHECK_EQ(snic_of_rule_format(&r, &lp, buf, sizeof(buf)), 0,
		      "SNIC_OF_RULE_TEXT_MAX holds the longest rule");
	SNIC_CHECK(strlen(buf) > 5000, "long: %zu bytes", strlen(buf));
	round_trip("longest rule", &r, &lp);
}

/* ---- 6. compact copies ---- */

static void test_compact(void)
{
	static const char *const texts[] = {
		"priority=20,in_port=2,ip,nw_dst=10.0.0.1,actions=drop",
		"table=3,tcp,tp_dst=80,actions=mod_tp_dst:8080,dec_ttl,output:4",
		"cookie=0x5,udp6,actions=goto_table:9",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct snic_of_rule r, back;
		struct snic_of_rule *c;
		struct snic_of_error e;
		char a[SNIC_OF_RULE_TEXT_MAX], b[SNIC_OF_RULE_TEXT_MAX];

		SNIC_REQUIRE(!snic_of_rule_parse(texts[i], SNIC_OF_MODE_ADD, NULL, &r, &e),
			     "%s: %s", texts[i], e.msg);
		SNIC_CHECK(snic_of_rule_size(&r) == offsetof(struct snic_of_rule, actions) +
			   r.n_actions * sizeof(r.actions[0]), "size of %s: %zu", texts[i],
			   snic_of_rule_size(&r));
		SNIC_REQUIRE((c = snic_of_rule_dup(&r)) != NULL, "dup");
		SNIC_CHECK(snic_of_rule_equal(c, &r) && snic_of_rule_equal(&r, c),
			   "a compact copy equals the rule: %s", texts[i]);
		SNIC_CHECK(!snic_of_rule_format(c, NULL, a, sizeof(a)) &&
			   !snic_of_rule_format(&r, NULL, b, sizeof(b)) && !strcmp(a, b),
			   "and formats the same: %s / %s", a, b);
		SNIC_CHECK(snic_of_match_equal(&c->match, &r.match) &&
			   snic_of_match_hash(&c->match, 7) == snic_of_match_hash(&r.match, 7),
			   "its match: %s", texts[i]);
		memcpy(&back, c, snic_of_rule_size(c));
		SNIC_CHECK(snic_of_rule_equal(&back, &r), "copied back whole: %s", texts[i]);
		free(c);
	}
}

int main(void)
{
	test_port_table();
	test_match_modes();
	test_rules_file();
	test_match_algebra();
	test_format_limits();
	test_compact();
	return snic_test_done();
}
