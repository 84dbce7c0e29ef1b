/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_store.c - snic_mgr_store: every field round trips (NULLs, unicode,
 * limits), duplicates and bad input are refused without changing anything,
 * changes outside a transaction are refused, rollback and close leave
 * nothing, reopen sees committed data only; foreign, newer, damaged and
 * locked files are refused with a clear message; disk full during a
 * statement and during commit; 100 000 rules in one transaction, timed.
 */
#include "test_store_lib.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <sqlite3.h>

#define MSG(s) snic_mgr_store_error(s)
#define HAS(s, text) (strstr(MSG(s), (text)) != NULL)

/* Run SQL on a file directly, as another program would. */
static void raw_sql(const char *path, const char *sql)
{
	sqlite3 *db;
	int rc = sqlite3_open(path, &db);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	SNIC_REQUIRE(rc == SQLITE_OK, "%s: %s: %s", path, sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

static long long raw_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	long long v = -1;

	SNIC_REQUIRE(sqlite3_open(path, &db) == SQLITE_OK, "open %s", path);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b;
	long n;

	SNIC_REQUIRE(f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0,
		     "read %s", path);
	b = malloc((size_t)n + 1);
	rewind(f);
	SNIC_REQUIRE(b && fread(b, 1, (size_t)n, f) == (size_t)n, "read %s", path);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void write_file(const char *path, const void *b, size_t len)
{
	FILE *f = fopen(path, "wb");

	SNIC_REQUIRE(f && fwrite(b, 1, len, f) == len && fclose(f) == 0,
		     "write %s", path);
}

/* Open must fail with want, a message containing text, and no store. */
static void open_refused(const char *path, int want, const char *text)
{
	struct snic_mgr_store *s = (void *)1;
	char err[SNIC_MGR_STORE_MSG_LEN];
	int rc = snic_mgr_store_open(path, &s, err, sizeof(err));

	SNIC_CHECK(rc == want && !s && strstr(err, text) && strstr(err, path),
		   "open %s: got %d (%s), want %d with \"%s\"", path, rc, err,
		   want, text);
	printf("refused as expected: %s\n", err);
}

/* Put n generated rules with ids first.. in the open transaction. */
static void put_rules(struct snic_mgr_store *s, uint64_t first, unsigned n)
{
	struct test_rule t;

	for (unsigned i = 0; i < n; i++)
		TEST_OK(s, snic_mgr_store_put_rule(s, test_rule(&t, first + i)));
}

/* ---- data ---- */

static char big_text[SNIC_MGR_STORE_TEXT_MAX + 2];  /* one byte over */

static const struct snic_mgr_store_port ports[] = {
	{ .name = "uplink0", .kind = SNIC_MGR_STORE_PORT_UPLINK, .vf = -1 },
	{ .name = "vf0", .kind = SNIC_MGR_STORE_PORT_VF, .vf = 0, .vm = "vm1" },
	{ .name = "vf65535", .kind = SNIC_MGR_STORE_PORT_VF, .vf = 65535,
	  .vm = "ヴイエム" },
	{ .name = "vxlan0", .kind = SNIC_MGR_STORE_PORT_TUNNEL, .vf = -1,
	  .remote_ip = "10.0.0.2", .local_ip = "flow", .key = "flow",
	  .dst_port = 4789 },
	{ .name = "vxlan-flow", .kind = SNIC_MGR_STORE_PORT_TUNNEL, .vf = -1,
	  .remote_ip = "flow", .key = "16777215", .dst_port = 65535 },
	{ .name = "ポート🚀", .kind = SNIC_MGR_STORE_PORT_TUNNEL, .vf = -1,
	  .remote_ip = "255.255.255.255", .local_ip = "0.0.0.0", .key = "0",
	  .dst_port = 1, .vm = "vm2" },
};
#define N_PORTS (sizeof(ports) / sizeof(ports[0]))

static const char *const settings[][2] = {
	{ "table_miss", "sw" }, { "empty", "" }, { "ключ", "значение ✓" },
};
#define N_SETTINGS (sizeof(settings) / sizeof(settings[0]))

#define N_RULES 6
static void fill_rules(struct snic_mgr_store_rule r[N_RULES])
{
	const struct snic_mgr_store_rule all[N_RULES] = {
		{ .id = 1, .match = "", .actions = "" },  /* zeros */
		{ .id = 2, .table = 254, .priority = 65535,
		  .match = "in_port=vf0,ip,nw_dst=10.0.0.0/24",
		  .actions = "output:vxlan0", .cookie = UINT64_MAX,
		  .idle_timeout = 65535, .hard_timeout = 65535,
		  .flags = UINT32_MAX, .created_ms = INT64_MAX },
		{ .id = 3, .table = 1, .priority = 7,
		  .match = "dl_src=ü,note=日本語🚀", .actions = "note:ĉu",
		  .cookie = 1ull << 63, .created_ms = INT64_MIN },
		{ .id = 4, .match = big_text + 1, .actions = big_text + 1 },
		{ .id = 5, .match = "\xff\xfe not UTF-8 \xc3", .actions = "drop" },
		{ .id = SNIC_MGR_STORE_RULE_ID_MAX, .table = 3,
		  .match = "tun_id=5", .actions = "drop", .created_ms = -1 },
	};

	memcpy(r, all, sizeof(all));
}

/* Every rule, port and setting loaded equals the one put, in load order. */
static void check_all(struct snic_mgr_store *s, const char *when)
{
	struct snic_mgr_store_rule r[N_RULES];
	struct test_loaded l = { 0 };

	fill_rules(r);
	SNIC_CHECK(test_load(s, &l) == 0, "%s: load: %s", when, MSG(s));
	SNIC_CHECK_EQ(l.n_rules, N_RULES, "rules loaded");
	SNIC_CHECK_EQ(l.n_ports, N_PORTS, "ports loaded");
	SNIC_CHECK_EQ(l.n_settings, N_SETTINGS, "settings loaded");
	for (unsigned i = 0; i < N_RULES; i++)
		SNIC_CHECK(test_rule_eq(test_find_rule(&l, r[i].id), &r[i]),
			   "%s: rule %llu differs", when, (unsigned long long)r[i].id);
	for (unsigned i = 0; i < N_PORTS; i++)
		SNIC_CHECK(test_port_eq(test_find_port(&l, ports[i].name), &ports[i]),
			   "%s: port %s differs", when, ports[i].name);
	for (unsigned i = 0; i < N_SETTINGS; i++)
		SNIC_CHECK(test_text_eq(test_find_setting(&l, settings[i][0]),
					settings[i][1]), "%s: setting %s", when,
			   settings[i][0]);
	for (size_t i = 1; i < l.n_rules; i++)
		SNIC_CHECK(l.rules[i - 1].id < l.rules[i].id, "rules by id");
	for (size_t i = 1; i < l.n_ports; i++)
		SNIC_CHECK(strcmp(l.ports[i - 1].name, l.ports[i].name) < 0,
			   "ports by name");
	for (size_t i = 1; i < l.n_settings; i++)
		SNIC_CHECK(strcmp(l.keys[i - 1], l.keys[i]) < 0, "settings by key");
	test_loaded_free(&l);
}

/* ---- the tests ---- */

static void test_outside_txn(void)
{
	struct snic_mgr_store *s = test_open(test_path("outside.db"));
	struct test_rule t;
	uint64_t id = 0;

	SNIC_CHECK(access(test_path("outside.db"), F_OK) == 0, "file created");
	SNIC_CHECK(snic_mgr_store_next_rule_id(s, &id) == 0 && id == 1,
		   "next id of an empty store: %llu", (unsigned long long)id);
	SNIC_CHECK(snic_mgr_store_put_rule(s, test_rule(&t, 1)) == -EINVAL &&
		   HAS(s, "put_rule: no transaction"), "%s", MSG(s));
	SNIC_CHECK(snic_mgr_store_del_rule(s, 1) == -EINVAL &&
		   HAS(s, "no transaction"), "%s", MSG(s));
	SNIC_CHECK(snic_mgr_store_del_all_rules(s) == -EINVAL &&
		   HAS(s, "no transaction"), "%s", MSG(s));
	SNIC_CHECK(snic_mgr_store_put_port(s, &ports[0]) == -EINVAL &&
		   HAS(s, "no transaction"), "%s", MSG(s));
	SNIC_CHECK(snic_mgr_store_del_port(s, "uplink0") == -EINVAL &&
		   HAS(s, "no transaction"), "%s", MSG(s));
	SNIC_CHECK(snic_mgr_store_set(s, "a", "b") == -EINVAL &&
		   HAS(s, "no transaction"), "%s", MSG(s));
	SNIC_CHECK(snic_mgr_store_commit(s) == -EINVAL, "commit without begin");
	SNIC_CHECK(snic_mgr_store_rollback(s) == -EINVAL &&
		   HAS(s, "no transaction"), "%s", MSG(s));
	TEST_OK(s, snic_mgr_store_begin(s));
	SNIC_CHECK(snic_mgr_store_begin(s) == -EINVAL &&
		   HAS(s, "a transaction is open"), "nested begin: %s", MSG(s));
	SNIC_CHECK(snic_mgr_store_check(s) == -EINVAL, "check inside a transaction");
	TEST_OK(s, snic_mgr_store_rollback(s));
	TEST_OK(s, snic_mgr_store_check(s));
	snic_mgr_store_close(s);
}

static void test_round_trip(const char *path)
{
	struct snic_mgr_store *s = test_open(path);
	struct snic_mgr_store_rule r[N_RULES];
	struct test_loaded l = { 0 };
	uint64_t id = 0;

	fill_rules(r);
	TEST_OK(s, snic_mgr_store_begin(s));
	for (unsigned i = 0; i < N_RULES; i++)
		TEST_OK(s, snic_mgr_store_put_rule(s, &r[i]));
	for (unsigned i = 0; i < N_PORTS; i++)
		TEST_OK(s, snic_mgr_store_put_port(s, &ports[i]));
	for (unsigned i = 0; i < N_SETTINGS; i++)
		TEST_OK(s, snic_mgr_store_set(s, settings[i][0], settings[i][1]));
	check_all(s, "inside the transaction");
	SNIC_CHECK(snic_mgr_store_next_rule_id(s, &id) == -EOVERFLOW &&
		   HAS(s, "highest id"), "next id after the highest: %s", MSG(s));
	TEST_OK(s, snic_mgr_store_commit(s));
	check_all(s, "after commit");
	snic_mgr_store_close(s);

	s = test_open(path);
	check_all(s, "after reopen");
	TEST_OK(s, snic_mgr_store_check(s));

	/* put replaces by id / name / key; set NULL removes */
	TEST_OK(s, snic_mgr_store_begin(s));
	r[1].actions = "drop";
	r[1].cookie = 5;
	TEST_OK(s, snic_mgr_store_put_rule(s, &r[1]));
	TEST_OK(s, snic_mgr_store_put_port(s, &(struct snic_mgr_store_port){
		.name = "vf0", .kind = SNIC_MGR_STORE_PORT_UPLINK, .vf = -1 }));
	TEST_OK(s, snic_mgr_store_set(s, "table_miss", "drop"));
	TEST_OK(s, snic_mgr_store_set(s, "empty", NULL));
	TEST_OK(s, snic_mgr_store_set(s, "never-set", NULL));
	TEST_OK(s, snic_mgr_store_del_rule(s, SNIC_MGR_STORE_RULE_ID_MAX));
	SNIC_CHECK(snic_mgr_store_next_rule_id(s, &id) == 0 && id == 6,
		   "next id: %llu", (unsigned long long)id);
	SNIC_CHECK(test_load(s, &l) == 0, "load: %s", MSG(s));
	SNIC_CHECK(l.n_rules == N_RULES - 1 && test_rule_eq(test_find_rule(&l, 2), &r[1]),
		   "rule 2 replaced");
	SNIC_CHECK(l.n_ports == N_PORTS && test_find_port(&l, "vf0")->kind ==
		   SNIC_MGR_STORE_PORT_UPLINK && test_find_port(&l, "vf0")->vm == NULL,
		   "port vf0 replaced");
	SNIC_CHECK(l.n_settings == N_SETTINGS - 1 &&
		   test_text_eq(test_find_setting(&l, "table_miss"), "drop") &&
		   !test_find_setting(&l, "empty"), "settings replaced / removed");
	TEST_OK(s, snic_mgr_store_rollback(s));
	check_all(s, "after rolling the replacements back");
	test_loaded_free(&l);
	snic_mgr_store_close(s);
}

static void test_unique(void)
{
	struct snic_mgr_store *s = test_open(test_path("unique.db"));
	struct snic_mgr_store_rule r = { .id = 7, .priority = 100,
		.match = "in_port=vf0", .actions = "output:vf1" };
	struct test_loaded l = { 0 };

	TEST_OK(s, snic_mgr_store_begin(s));
	TEST_OK(s, snic_mgr_store_put_rule(s, &r));
	TEST_OK(s, snic_mgr_store_commit(s));

	TEST_OK(s, snic_mgr_store_begin(s));
	r.id = 8;  /* same identity as committed rule 7 */
	SNIC_CHECK(snic_mgr_store_put_rule(s, &r) == -EEXIST &&
		   HAS(s, "rule 8 (table 0, priority 100, in_port=vf0): a rule "
		       "with the same table, priority and match exists (id 7)"),
		   "%s", MSG(s));
	printf("refused as expected: %s\n", MSG(s));
	/* the transaction goes on */
	TEST_OK(s, snic_mgr_store_put_rule(s, &(struct snic_mgr_store_rule){
		.id = 9, .priority = 100, .match = "in_port=vf1", .actions = "a" }));
	SNIC_CHECK(snic_mgr_store_put_rule(s, &(struct snic_mgr_store_rule){
		.id = 10, .priority = 100, .match = "in_port=vf1", .actions = "b" })
		   == -EEXIST && HAS(s, "rule 10 ") && HAS(s, "(id 9)"),
		   "duplicate of a rule of this transaction: %s", MSG(s));
	SNIC_CHECK(snic_mgr_store_put_rule(s, &(struct snic_mgr_store_rule){
		.id = 9, .priority = 100, .match = "in_port=vf0", .actions = "c" })
		   == -EEXIST && HAS(s, "rule 9 ") && HAS(s, "(id 7)"),
		   "moving rule 9 onto rule 7's identity: %s", MSG(s));
	SNIC_CHECK(snic_mgr_store_put_rule(s, &(struct snic_mgr_store_rule){
		.id = 11, .priority = 100, .match = "", .actions = "" }) == 0,
		   "empty match: %s", MSG(s));
	SNIC_CHECK(snic_mgr_store_put_rule(s, &(struct snic_mgr_store_rule){
		.id = 12, .priority = 100, .match = "", .actions = "" }) == -EEXIST &&
		   HAS(s, "priority 100, any packet)"), "%s", MSG(s));
	r.id = 7;  /* the same rule again, other actions: replaced */
	r.actions = "drop";
	TEST_OK(s, snic_mgr_store_put_rule(s, &r));
	TEST_OK(s, snic_mgr_store_commit(s));

	SNIC_CHECK(test_load(s, &l) == 0, "load: %s", MSG(s));
	SNIC_CHECK(l.n_rules == 3 && test_rule_eq(test_find_rule(&l, 7), &r) &&
		   test_find_rule(&l, 9) && test_find_rule(&l, 11) &&
		   test_text_eq(test_find_rule(&l, 9)->match, "in_port=vf1"),
		   "after duplicates: %zu rules", l.n_rules);
	test_loaded_free(&l);
	snic_mgr_store_close(s);
}

static void test_rollback_and_close(const char *path)
{
	struct snic_mgr_store *s = test_open(path);
	struct test_loaded l = { 0 };

	TEST_OK(s, snic_mgr_store_begin(s));
	put_rules(s, 1000, 100);
	TEST_OK(s, snic_mgr_store_put_port(s, &(struct snic_mgr_store_port){
		.name = "new", .kind = SNIC_MGR_STORE_PORT_UPLINK, .vf = -1 }));
	TEST_OK(s, snic_mgr_store_set(s, "x", "y"));
	TEST_OK(s, snic_mgr_store_del_rule(s, 1));
	TEST_OK(s, snic_mgr_store_del_port(s, "vf0"));
	TEST_OK(s, snic_mgr_store_set(s, "table_miss", NULL));
	TEST_OK(s, snic_mgr_store_del_all_rules(s));
	SNIC_CHECK(test_load(s, &l) == 0 && l.n_rules == 0 && l.n_ports == N_PORTS &&
		   l.n_settings == N_SETTINGS, "inside: %zu rules %zu ports %zu "
		   "settings", l.n_rules, l.n_ports, l.n_settings);
	TEST_OK(s, snic_mgr_store_rollback(s));
	check_all(s, "after rollback");

	/* closing with a transaction open loses it */
	TEST_OK(s, snic_mgr_store_begin(s));
	put_rules(s, 1000, 10);
	TEST_OK(s, snic_mgr_store_set(s, "x", "y"));
	snic_mgr_store_close(s);
	s = test_open(path);
	check_all(s, "after close with a transaction open");
	test_loaded_free(&l);
	snic_mgr_store_close(s);
}

static void test_bad_input(const char *path)
{
	struct snic_mgr_store *s = test_open(path);
	struct { struct snic_mgr_store_rule r; const char *want; } rules[] = {
		{ { .id = 0, .match = "m", .actions = "a" },
		  "rule 0: the id is out of range (1..9223372036854775807)" },
		{ { .id = SNIC_MGR_STORE_RULE_ID_MAX + 1, .match = "m", .actions = "a" },
		  "the id is out of range" },
		{ { .id = 50, .table = 255, .match = "m", .actions = "a" },
		  "rule 50: table 255 is out of range (0..254" },
		{ { .id = 50, .actions = "a" }, "rule 50: no match text (NULL)" },
		{ { .id = 50, .match = "m" }, "rule 50: no actions text (NULL)" },
		{ { .id = 50, .match = big_text, .actions = "a" },
		  "rule 50: the match text is longer than the limit of 65536 bytes" },
		{ { .id = 50, .match = "m", .actions = big_text },
		  "the actions text is longer" },
	};
#define PORT(n, k, v, ...) { .name = n, .kind = SNIC_MGR_STORE_PORT_##k, .vf = v, __VA_ARGS__ }
#define TUN(...) PORT("t", TUNNEL, -1, .dst_port = 4789, __VA_ARGS__)
	struct { struct snic_mgr_store_port p; const char *want; } bad_ports[] = {
		{ PORT(NULL, UPLINK, -1), "put_port: no port name (NULL)" },
		{ PORT("", UPLINK, -1), "put_port: the port name is empty" },
		{ PORT(big_text, UPLINK, -1), "the port name is longer" },
		{ { .name = "p", .kind = 7, .vf = -1 },
		  "port p: kind 7 is not uplink (0), vf (1) or tunnel (2)" },
		{ PORT("p", VF, -1), "port p: a vf port needs a VF index 0..65535 "
		  "(got -1)" },
		{ PORT("p", VF, 65536), "(got 65536)" },
		{ PORT("p", UPLINK, 3), "port p: only vf ports have a VF index "
		  "(got 3; use -1)" },
		{ PORT("p", UPLINK, -1, .remote_ip = "10.0.0.1"),
		  "port p: remote_ip, local_ip, key and dst_port are for tunnel" },
		{ PORT("p", VF, 1, .dst_port = 4789), "are for tunnel ports only" },
		{ TUN(.remote_ip = NULL), "port t: no remote_ip (NULL)" },
		{ TUN(.remote_ip = "10.0.0.300"), "port t: remote_ip \"10.0.0.300\" "
		  "is neither an IPv4 address nor \"flow\"" },
		{ TUN(.remote_ip = "::1"), "neither an IPv4" },
		{ TUN(.remote_ip = "flow", .local_ip = ""), "port t: the local_ip is empty" },
		{ TUN(.remote_ip = "flow", .local_ip = "Flow"), "local_ip \"Flow\" is neither" },
		{ TUN(.remote_ip = "flow", .key = "16777216"),
		  "port t: key \"16777216\" is neither a VNI (0..16777215) nor" },
		{ TUN(.remote_ip = "flow", .key = "-1"), "key \"-1\" is neither" },
		{ TUN(.remote_ip = "flow", .key = "0x10"), "key \"0x10\" is neither" },
		{ PORT("t", TUNNEL, -1, .remote_ip = "flow"),
		  "port t: a tunnel port needs a UDP dst_port 1..65535 (got 0)" },
		{ PORT("p", UPLINK, -1, .vm = ""), "port p: the VM name is empty" },
	};
#undef TUN
#undef PORT

	TEST_OK(s, snic_mgr_store_begin(s));
	SNIC_CHECK(snic_mgr_store_put_rule(s, NULL) == -EINVAL &&
		   HAS(s, "the rule is NULL"), "%s", MSG(s));
	for (unsigned i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		SNIC_CHECK(snic_mgr_store_put_rule(s, &rules[i].r) == -EINVAL &&
			   HAS(s, rules[i].want), "bad rule %u: got \"%s\", want "
			   "\"%s\"", i, MSG(s), rules[i].want);
	SNIC_CHECK(snic_mgr_store_put_port(s, NULL) == -EINVAL, "NULL port");
	for (unsigned i = 0; i < sizeof(bad_ports) / sizeof(bad_ports[0]); i++)
		SNIC_CHECK(snic_mgr_store_put_port(s, &bad_ports[i].p) == -EINVAL &&
			   HAS(s, bad_ports[i].want), "bad port %u: got \"%s\", "
			   "want \"%s\"", i, MSG(s), bad_ports[i].want);
	SNIC_CHECK(snic_mgr_store_set(s, NULL, "v") == -EINVAL &&
		   HAS(s, "set: no setting key (NULL)"), "%s", MSG(s));
	SNIC_CHECK(snic_mgr_store_set(s, "", "v") == -EINVAL &&
		   HAS(s, "the setting key is empty"), "%s", MSG(s));
	SNIC_CHECK(snic_mgr_store_set(s, "k", big_text) == -EINVAL &&
		   HAS(s, "setting k: the value is longer"), "%s", MSG(s));
	SNIC_CHECK(snic_mgr_store_del_rule(s, 0) == -EINVAL &&
		   HAS(s, "rule 0: the id is out of range"), "%s", MSG(s));
	SNIC_CHECK(snic_mgr_store_del_rule(s, 999) == -ENOENT &&
		   HAS(s, "rule 999: no such rule"), "%s", MSG(s));
	SNIC_CHECK(snic_mgr_store_del_port(s, "nope") == -ENOENT &&
		   HAS(s, "port nope: no such port"), "%s", MSG(s));
	SNIC_CHECK(snic_mgr_store_del_port(s, NULL) == -EINVAL, "del_port NULL");
	SNIC_CHECK(snic_mgr_store_next_rule_id(s, NULL) == -EINVAL, "NULL id");
	SNIC_CHECK(snic_mgr_store_load(s, NULL, NULL) == -EINVAL, "NULL visitor");
	/* none of it changed anything, and the transaction still works */
	TEST_OK(s, snic_mgr_store_commit(s));
	check_all(s, "after bad input");
	snic_mgr_store_close(s);

	{
		char err[64] = "x";
		struct snic_mgr_store *o = NULL;

		SNIC_CHECK(snic_mgr_store_open(NULL, &o, err, sizeof(err)) == -EINVAL &&
			   err[0] && !o, "open(NULL)");
		SNIC_CHECK(snic_mgr_store_open("", &o, err, sizeof(err)) == -EINVAL,
			   "open(\"\")");
		SNIC_CHECK(snic_mgr_store_open(test_path("x.db"), NULL, NULL, 0) ==
			   -EINVAL, "open without out");
		open_refused(test_path("no/such/dir.db"), -ENOENT, "cannot open");
	}
}

struct cb_state {
	struct snic_mgr_store *s;
	int rules, begin_rc, stop_at;
	char begin_msg[SNIC_MGR_STORE_MSG_LEN];
};

static int cb_rule(void *arg, const struct snic_mgr_store_rule *r)
{
	struct cb_state *c = arg;

	(void)r;
	if (c->rules++ == 0) {
		c->begin_rc = snic_mgr_store_begin(c->s);
		snprintf(c->begin_msg, sizeof(c->begin_msg), "%s", MSG(c->s));
	}
	return c->rules == c->stop_at ? -42 : 0;
}

static void test_load_callbacks(const char *path)
{
	struct snic_mgr_store *s = test_open(path);
	struct cb_state c = { .s = s, .stop_at = 1000 };
	const struct snic_mgr_store_visitor rules_only = { .rule = cb_rule };

	SNIC_CHECK(snic_mgr_store_load(s, &rules_only, &c) == 0 &&
		   c.rules == N_RULES, "load: %d rules, %s", c.rules, MSG(s));
	SNIC_CHECK(c.begin_rc == -EBUSY && strstr(c.begin_msg, "load callback"),
		   "store called from a callback: %d %s", c.begin_rc, c.begin_msg);
	c = (struct cb_state){ .s = s, .stop_at = 2 };
	SNIC_CHECK(snic_mgr_store_load(s, &rules_only, &c) == -42 && c.rules == 2 &&
		   HAS(s, "stopped at rule 2"), "stopping: %s", MSG(s));
	TEST_OK(s, snic_mgr_store_begin(s));  /* nothing left behind */
	TEST_OK(s, snic_mgr_store_rollback(s));
	snic_mgr_store_close(s);
}

/* A second owner is refused, naming the first; then gets in after it. */
static void test_locked(const char *path)
{
	int go[2], ready[2];
	pid_t pid;
	char b, want[128];
	double t0;

	SNIC_REQUIRE(pipe(go) == 0 && pipe(ready) == 0, "pipe");
	pid = fork();
	SNIC_REQUIRE(pid >= 0, "fork");
	if (pid == 0) {
		struct snic_mgr_store *s = NULL;

		close(go[1]);  /* the parent's end: read() returns when it exits */
		if (snic_mgr_store_open(path, &s, NULL, 0) != 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &b, 1) < 0)
			_exit(2);
		snic_mgr_store_close(s);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	SNIC_REQUIRE(read(ready[0], &b, 1) == 1, "the holder did not open");
	snprintf(want, sizeof(want), "database is locked by another process: "
		 "pid %d (test_store); stop it first", (int)pid);
	t0 = test_now();
	open_refused(path, -EBUSY, want);
	SNIC_CHECK(test_now() - t0 >= SNIC_MGR_STORE_BUSY_MS / 1000.0 * 0.9,
		   "open waited for the holder");
	close(go[1]);
	SNIC_CHECK(waitpid(pid, NULL, 0) == pid, "holder exit");
	close(ready[0]);
	snic_mgr_store_close(test_open(path));
}

static void test_foreign_files(const char *ours)
{
	const char *v99 = test_path("v99.db"), *garbage = test_path("garbage.db");
	const char *foreign = test_path("foreign.db"), *appid = test_path("appid.db");
	unsigned char junk[16384], *after;
	size_t len;

	snic_mgr_store_close(test_open(v99));
	raw_sql(v99, "PRAGMA user_version = 99");
	open_refused(v99, -ENOTSUP, "written by a newer snic (store schema "
		     "version 99; this snic reads up to 1)");
	SNIC_CHECK_EQ(raw_int(v99, "PRAGMA user_version"), 99, "v99 left alone");

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)("garbage!"[i % 8] ^ (i >> 8));
	write_file(garbage, junk, sizeof(junk));
	open_refused(garbage, -EINVAL,
		     "not a snic store: the file is not an SQLite database");
	after = read_file(garbage, &len);
	SNIC_CHECK(len == sizeof(junk) && memcmp(after, junk, len) == 0,
		   "the garbage file was changed");
	free(after);

	raw_sql(foreign, "CREATE TABLE inventory (item TEXT);"
		"INSERT INTO inventory VALUES ('apple')");
	open_refused(foreign, -EINVAL, "not a snic store: an SQLite database of "
		     "another application (application_id 0, user_version 0, "
		     "1 schema objects)");
	SNIC_CHECK_EQ(raw_int(foreign, "SELECT count(*) FROM sqlite_schema"), 1,
		      "foreign schema left alone");
	raw_sql(appid, "PRAGMA application_id = 42");
	open_refused(appid, -EINVAL, "application_id 0x2a");

	/* a zero-length file is an empty database: it becomes a store */
	write_file(test_path("empty.db"), "", 0);
	snic_mgr_store_close(test_open(test_path("empty.db")));
	SNIC_CHECK_EQ(raw_int(test_path("empty.db"), "PRAGMA application_id"),
		      SNIC_MGR_STORE_APPLICATION_ID, "application_id of a new store");
	SNIC_CHECK_EQ(raw_int(ours, "PRAGMA user_version"),
		      SNIC_MGR_STORE_SCHEMA_VERSION, "user_version of a store");
}

/* Damage a closed store's file: XOR n bytes at off with 0xff. */
static void flip(const char *path, size_t off, size_t n)
{
	size_t len;
	unsigned char *b = read_file(path, &len);

	SNIC_REQUIRE(off + n <= len, "flip beyond the end");
	for (size_t i = 0; i < n; i++)
		b[off + i] ^= 0xff;
	write_file(path, b, len);
	free(b);
}

static void test_damage(void)
{
	const char *page = test_path("damaged-page.db"), *text = test_path("damaged-text.db");
	static const char marker[] = "nw_dst=MARKER";
	struct snic_mgr_store *s;
	struct test_loaded l = { 0 };
	unsigned char *b, *p;
	size_t len, psize, hits = 0;

	/* a b-tree page in the middle of the file: quick_check sees it */
	s = test_open(page);
	TEST_OK(s, snic_mgr_store_begin(s));
	put_rules(s, 1, 3000);
	TEST_OK(s, snic_mgr_store_commit(s));
	snic_mgr_store_close(s);
	SNIC_CHECK(access(test_path("damaged-page.db-wal"), F_OK) != 0,
		   "close checkpoints and removes the WAL");
	b = read_file(page, &len);
	psize = (size_t)b[16] << 8 | b[17];
	free(b);
	SNIC_REQUIRE(psize >= 512 && len / psize > 10, "%zu pages", len / psize);
	flip(page, len / psize / 2 * psize, 64);
	open_refused(page, -EUCLEAN, "quick_check");
	open_refused(page, -EUCLEAN, "the database is corrupt");

	/* one byte of a rule's text: SQLite cannot notice, the checksum does */
	s = test_open(text);
	TEST_OK(s, snic_mgr_store_begin(s));
	put_rules(s, 1, 100);
	TEST_OK(s, snic_mgr_store_put_rule(s, &(struct snic_mgr_store_rule){
		.id = 500, .match = marker, .actions = "drop" }));
	TEST_OK(s, snic_mgr_store_commit(s));
	snic_mgr_store_close(s);
	b = read_file(text, &len);
	for (p = b; (p = memmem(p, len - (size_t)(p - b), marker, 13)); p++) {
		p[7] = 'N';  /* MARKER -> NARKER, in the row and in its index */
		hits++;
	}
	write_file(text, b, len);
	free(b);
	SNIC_CHECK(hits == 2, "marker found %zu times (row + unique index)", hits);
	s = test_open(text);  /* quick_check passes: SQLite has no page sums */
	SNIC_CHECK(test_load(s, &l) == -EUCLEAN &&
		   HAS(s, "rule 500: the stored row does not match its checksum"),
		   "load of a damaged row: %s", MSG(s));
	printf("refused as expected: %s\n", MSG(s));
	SNIC_CHECK(l.n_rules == 100, "rules before the damaged one: %zu", l.n_rules);
	SNIC_CHECK(snic_mgr_store_check(s) == -EUCLEAN && HAS(s, "rule 500"),
		   "check: %s", MSG(s));
	/* the way out the message names: delete it and add it again */
	TEST_OK(s, snic_mgr_store_begin(s));
	TEST_OK(s, snic_mgr_store_del_rule(s, 500));
	TEST_OK(s, snic_mgr_store_commit(s));
	TEST_OK(s, snic_mgr_store_check(s));
	test_loaded_free(&l);
	snic_mgr_store_close(s);
}

/* ---- disk full: SQLite's own write calls fail with ENOSPC on demand ---- */

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
static write_fn real_write;
static pwrite_fn real_pwrite, real_pwrite64;
static bool disk_full;

static ssize_t full_write(int fd, const void *b, size_t n)
{
	if (disk_full)
		return errno = ENOSPC, -1;
	return real_write(fd, b, n);
}

static ssize_t full_pwrite(int fd, const void *b, size_t n, off_t off)
{
	if (disk_full)
		return errno = ENOSPC, -1;
	return real_pwrite(fd, b, n, off);
}

static ssize_t full_pwrite64(int fd, const void *b, size_t n, off_t off)
{
	if (disk_full)
		return errno = ENOSPC, -1;
	return real_pwrite64(fd, b, n, off);
}

static void disk_full_install(void)
{
	sqlite3_vfs *v = sqlite3_vfs_find(NULL);

	SNIC_REQUIRE(v && v->iVersion >= 3 && v->xSetSystemCall, "unix VFS");
	real_write = (write_fn)v->xGetSystemCall(v, "write");
	real_pwrite = (pwrite_fn)v->xGetSystemCall(v, "pwrite");
	real_pwrite64 = (pwrite_fn)v->xGetSystemCall(v, "pwrite64");
	SNIC_REQUIRE(real_write || real_pwrite || real_pwrite64, "no write calls");
	SNIC_REQUIRE((!real_write || v->xSetSystemCall(v, "write",
			(sqlite3_syscall_ptr)full_write) == SQLITE_OK) &&
		     (!real_pwrite || v->xSetSystemCall(v, "pwrite",
			(sqlite3_syscall_ptr)full_pwrite) == SQLITE_OK) &&
		     (!real_pwrite64 || v->xSetSystemCall(v, "pwrite64",
			(sqlite3_syscall_ptr)full_pwrite64) == SQLITE_OK),
		     "cannot override SQLite's write calls");
}

static void check_unchanged(struct snic_mgr_store *s, size_t rules, const char *when)
{
	struct test_loaded l = { 0 };

	SNIC_CHECK(test_load(s, &l) == 0 && l.n_rules == rules &&
		   l.n_settings == 0, "%s: %zu rules %zu settings (%s)", when,
		   l.n_rules, l.n_settings, MSG(s));
	test_loaded_free(&l);
}

static void test_disk_full(void)
{
	const char *path = test_path("full.db");
	struct snic_mgr_store *s = test_open(path);
	struct test_rule t;
	int rc = 0;
	unsigned n;

	disk_full_install();
	TEST_OK(s, snic_mgr_store_begin(s));
	put_rules(s, 1, 10);
	TEST_OK(s, snic_mgr_store_commit(s));

	/* at commit */
	TEST_OK(s, snic_mgr_store_begin(s));
	put_rules(s, 100, 10);
	TEST_OK(s, snic_mgr_store_set(s, "k", "v"));
	disk_full = true;
	rc = snic_mgr_store_commit(s);
	disk_full = false;
	SNIC_CHECK(rc == -ENOSPC && HAS(s, path) && HAS(s, "commit: disk full") &&
		   HAS(s, "nothing of this transaction was written"),
		   "commit on a full disk: %d %s", rc, MSG(s));
	printf("refused as expected: %s\n", MSG(s));
	check_unchanged(s, 10, "after a failed commit");
	SNIC_CHECK(snic_mgr_store_rollback(s) == -EINVAL, "the commit ended it");

	/* while a big transaction spills to the log */
	TEST_OK(s, snic_mgr_store_begin(s));
	disk_full = true;
	for (n = 0, rc = 0; n < 200000 && !rc; n++)
		rc = snic_mgr_store_put_rule(s, test_rule(&t, 1000 + n));
	SNIC_CHECK(rc == -ENOSPC && HAS(s, "disk full"), "put on a full disk "
		   "after %u rules: %d %s", n, rc, MSG(s));
	printf("refused as expected after %u rules: %s\n", n, MSG(s));
	if (HAS(s, "SQLite abandoned the transaction")) {
		SNIC_CHECK(snic_mgr_store_put_rule(s, test_rule(&t, 999)) == -ENOSPC &&
			   HAS(s, "the transaction was abandoned"), "%s", MSG(s));
		SNIC_CHECK(snic_mgr_store_commit(s) == -ENOSPC, "commit refused");
	}
	disk_full = false;
	TEST_OK(s, snic_mgr_store_rollback(s));
	check_unchanged(s, 10, "after a failed statement");
	TEST_OK(s, snic_mgr_store_begin(s));  /* the store still works */
	put_rules(s, 100, 10);
	TEST_OK(s, snic_mgr_store_commit(s));
	snic_mgr_store_close(s);
	s = test_open(path);
	check_unchanged(s, 20, "reopened");
	snic_mgr_store_close(s);
}

/* ---- 100 000 rules in one transaction ---- */

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ASan + UBSan make the puts about twice as slow (measured). */
#if defined(__SANITIZE_ADDRESS__)
#define SLOWER 3
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOWER 3
#endif
#endif
#ifndef SLOWER
#define SLOWER 1
#endif

/*
 * Wall time includes waiting for a busy machine's CPUs and disk; CPU time
 * is this process's work.  Both are printed; the bounds are loose enough
 * for a sanitizer build on a loaded machine and tight enough to catch a
 * sync per rule or a quadratic step.
 */
static void test_bulk(void)
{
	const char *path = test_path("bulk.db");
	const unsigned n = 100000;
	struct snic_mgr_store *s = test_open(path);
	struct test_loaded l = { 0 };
	struct test_rule t;
	double t0, c0, t_put, c_put, t_commit, t_open, t_load, t_del;
	struct stat st;
	uint64_t id = 0;
	size_t bad = 0;

	t0 = test_now();
	c0 = cpu_now();
	TEST_OK(s, snic_mgr_store_begin(s));
	put_rules(s, 1, n);
	t_put = test_now() - t0;
	c_put = cpu_now() - c0;
	TEST_OK(s, snic_mgr_store_commit(s));
	t_commit = test_now() - t0 - t_put;
	snic_mgr_store_close(s);
	SNIC_REQUIRE(stat(path, &st) == 0, "stat %s", path);

	t0 = test_now();
	s = test_open(path);
	t_open = test_now() - t0;
	t0 = test_now();
	SNIC_CHECK(test_load(s, &l) == 0 && l.n_rules == n, "load: %zu %s",
		   l.n_rules, MSG(s));
	t_load = test_now() - t0;
	for (size_t i = 0; i < l.n_rules; i++)
		bad += !test_rule_eq(&l.rules[i], test_rule(&t, i + 1));
	SNIC_CHECK(bad == 0, "%zu of %u rules differ", bad, n);
	SNIC_CHECK(snic_mgr_store_next_rule_id(s, &id) == 0 && id == n + 1,
		   "next id %llu", (unsigned long long)id);
	t0 = test_now();
	TEST_OK(s, snic_mgr_store_begin(s));
	TEST_OK(s, snic_mgr_store_del_all_rules(s));
	TEST_OK(s, snic_mgr_store_commit(s));
	t_del = test_now() - t0;
	SNIC_CHECK(test_load(s, &l) == 0 && l.n_rules == 0, "after del_all");
	printf("%u rules in one transaction: put %.3f s (%.3f s CPU, %.2f us/rule),"
	       " commit %.3f s; file %.1f MB; reopen with quick_check %.3f s; "
	       "load %.3f s; delete all %.3f s\n", n, t_put, c_put,
	       c_put * 1e6 / n, t_commit, (double)st.st_size / 1e6, t_open,
	       t_load, t_del);
	SNIC_CHECK(c_put < 3.0 * SLOWER, "100 000 puts took %.2f s of CPU", c_put);
	SNIC_CHECK(t_put + t_commit < 10.0 * SLOWER, "100 000 rules took %.2f s",
		   t_put + t_commit);
	test_loaded_free(&l);
	snic_mgr_store_close(s);
}

int main(void)
{
	static char main_db[600];

	memset(big_text, 'x', sizeof(big_text) - 1);  /* 65537 bytes; +1: 65536 */
	test_dir_make();
	snprintf(main_db, sizeof(main_db), "%s", test_path("state.db"));
	test_outside_txn();
	test_round_trip(main_db);
	test_unique();
	test_rollback_and_close(main_db);
	test_bad_input(main_db);
	test_load_callbacks(main_db);
	test_locked(main_db);
	test_foreign_files(main_db);
	test_damage();
	test_disk_full();
	test_bulk();
	return snic_test_done();
}
