/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snicctl_cmds.c - the command table: each command's help and the request
 * it sends (PROTOCOL.md names the commands and fields).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "snicctl.h"

/* A JSON string of a command-line word, or NULL after saying why. */
static json_t *word(const struct snicctl *ctl, const char *s, const char *what)
{
	json_t *j = json_string(s);

	if (!j)
		snicctl_fail(ctl, 0, "%s is not valid UTF-8", what);
	return j;
}

/* Send cmd (args stolen), print the result (as JSON, or printer's way;
 * NULL: nothing); the exit code.  file: for FILE:LINE in refusals. */
static int request(struct snicctl *ctl, const char *cmd, json_t *args,
		   const char *file, void (*printer)(const json_t *))
{
	json_t *res;
	int rc = snicctl_call(ctl, cmd, args, &res, file);

	if (rc == SNICCTL_OK && ctl->json)
		snicctl_print_json(res);
	else if (rc == SNICCTL_OK && printer)
		printer(res);
	json_decref(res);
	return rc;
}

static long long count(const json_t *res, const char *key)
{
	return json_integer_value(json_object_get(res, key));
}

static void print_added(const json_t *r)
{
	printf("added %lld rule%s\n", count(r, "added"), count(r, "added") == 1 ? "" : "s");
}

static void print_deleted(const json_t *r)
{
	printf("deleted %lld rule%s\n", count(r, "deleted"), count(r, "deleted") == 1 ? "" : "s");
}

static void print_modified(const json_t *r)
{
	printf("modified %lld rule%s\n", count(r, "modified"),
	       count(r, "modified") == 1 ? "" : "s");
}

static void print_replaced(const json_t *r)
{
	printf("added %lld, deleted %lld, modified %lld rules\n", count(r, "added"),
	       count(r, "deleted"), count(r, "modified"));
}

/* {"flows":[RULE]} plus extra members; NULL after saying why. */
static json_t *one_rule(const struct snicctl *ctl, const char *rule)
{
	json_t *s = word(ctl, rule, "the rule");

	return s ? json_pack("{s:[o]}", "flows", s) : NULL;
}

/* {"flows":[...],"lines":[...]} from a rules file, or an exit code. */
static int file_rules(const char *path, json_t **args)
{
	json_t *flows, *lines;
	int rc = snicctl_read_rules(path, &flows, &lines);

	if (rc)
		return rc;
	*args = json_pack("{s:o,s:o}", "flows", flows, "lines", lines);
	return *args ? 0 : snicctl_fail(NULL, SNICCTL_REFUSED, "out of memory");
}

static const char *file_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

static int run_add_flow(struct snicctl *ctl, char **argv, int argc)
{
	json_t *args = one_rule(ctl, argv[0]);

	if (!args)
		return SNICCTL_DATAERR;
	return request(ctl, "add-flows", args, NULL, NULL);
}

static int run_file(struct snicctl *ctl, char **argv, const char *cmd,
		    void (*printer)(const json_t *))
{
	json_t *args;
	int rc = file_rules(argv[0], &args);

	if (rc)
		return rc;
	return request(ctl, cmd, args, file_name(argv[0]), printer);
}

static int run_add_flows(struct snicctl *ctl, char **argv, int argc)
{
	return run_file(ctl, argv, "add-flows", print_added);
}

static int run_replace_flows(struct snicctl *ctl, char **argv, int argc)
{
	return run_file(ctl, argv, "replace-flows", print_replaced);
}

static int run_diff_flows(struct snicctl *ctl, char **argv, int argc)
{
	json_t *args, *res;
	size_t n;
	int rc = file_rules(argv[0], &args);

	if (rc)
		return rc;
	rc = snicctl_call(ctl, "diff-flows", args, &res, file_name(argv[0]));
	if (rc)
		return rc;
	if (ctl->json) {
		snicctl_print_json(res);
		n = json_array_size(json_object_get(res, "only_in_file")) +
		    json_array_size(json_object_get(res, "only_in_switch"));
	} else {
		n = snicctl_print_diff(res);
	}
	json_decref(res);
	return n ? SNICCTL_DIFFERENT : SNICCTL_OK;
}

static int run_del_flows(struct snicctl *ctl, char **argv, int argc)
{
	json_t *args = json_pack("{s:b}", "strict", ctl->strict), *m;

	if (argc == 1) {
		if (!(m = word(ctl, argv[0], "the match")))
			return json_decref(args), SNICCTL_DATAERR;
		json_object_set_new(args, "match", m);
	}
	return request(ctl, "del-flows", args, NULL, print_deleted);
}

static int run_mod_flows(struct snicctl *ctl, char **argv, int argc)
{
	json_t *args = one_rule(ctl, argv[0]);

	if (!args)
		return SNICCTL_DATAERR;
	json_object_set_new(args, "strict", json_boolean(ctl->strict));
	return request(ctl, "mod-flows", args, NULL, print_modified);
}

static int run_dump_flows(struct snicctl *ctl, char **argv, int argc)
{
	json_t *args = json_object(), *m;

	if (argc == 1) {
		if (!(m = word(ctl, argv[0], "the match")))
			return json_decref(args), SNICCTL_DATAERR;
		json_object_set_new(args, "match", m);
	}
	if (ctl->has_table)
		json_object_set_new(args, "table", json_integer(ctl->table));
	return request(ctl, "dump-flows", args, NULL, snicctl_print_flows);
}

static int run_dump_hw(struct snicctl *ctl, char **argv, int argc)
{
	return request(ctl, "dump-hw", NULL, NULL, snicctl_print_hw);
}

static int run_show(struct snicctl *ctl, char **argv, int argc)
{
	return request(ctl, "show", NULL, NULL, snicctl_print_show);
}

static int run_ping(struct snicctl *ctl, char **argv, int argc)
{
	return request(ctl, "ping", NULL, NULL, snicctl_print_ping);
}

/* key=value words of add-tunnel into args. */
static int tunnel_words(const struct snicctl *ctl, char **argv, int argc, json_t *args)
{
	static const char *const keys[] = { "remote_ip", "local_ip", "key", "dst_port" };

	for (int i = 0; i < argc; i++) {
		const char *eq = strchr(argv[i], '='), *v = eq ? eq + 1 : "";
		size_t kl = eq ? (size_t)(eq - argv[i]) : 0, k;
		json_t *val;

		for (k = 0; k < 4; k++)
			if (strlen(keys[k]) == kl && strncmp(argv[i], keys[k], kl) == 0)
				break;
		if (k == 4 || !*v)
			return snicctl_fail(ctl, SNICCTL_USAGE, "\"%s\" is not one of "
					    "remote_ip=IP|flow local_ip=IP key=VNI|flow "
					    "dst_port=PORT (see snicctl add-tunnel --help)", argv[i]);
		if (json_object_get(args, keys[k]))
			return snicctl_fail(ctl, SNICCTL_USAGE, "%s given twice", keys[k]);
		if (k >= 2 && strcmp(v, "flow") != 0) {
			char *end;
			unsigned long long n;
			errno = 0;
			n = strtoull(v, &end, 0);
			if (errno || *end || v[0] == '-' || n > SNIC_MGR_CTL_MAX_ID)
				return snicctl_fail(ctl, SNICCTL_USAGE, "%s: \"%s\" is not a "
						    "number", keys[k], v);
			val = json_integer((json_int_t)n);
		} else {
			val = word(ctl, v, keys[k]);
			if (!val)
				return SNICCTL_DATAERR;
		}
		json_object_set_new(args, keys[k], val);
	}
	return 0;
}

static int run_add_tunnel(struct snicctl *ctl, char **argv, int argc)
{
	json_t *name = word(ctl, argv[0], "the name"), *args;
	int rc;

	if (!name)
		return SNICCTL_DATAERR;
	args = json_pack("{s:o}", "name", name);
	rc = tunnel_words(ctl, argv + 1, argc - 1, args);
	if (rc) {
		json_decref(args);
		return rc;
	}
	return request(ctl, "add-tunnel", args, NULL, NULL);
}

static int run_del_tunnel(struct snicctl *ctl, char **argv, int argc)
{
	json_t *name = word(ctl, argv[0], "the name");

	if (!name)
		return SNICCTL_DATAERR;
	return request(ctl, "del-tunnel", json_pack("{s:o}", "name", name), NULL, NULL);
}

static int run_set(struct snicctl *ctl, char **argv, int argc)
{
	json_t *k = word(ctl, argv[0], "the key"), *v = k ? word(ctl, argv[1], "the value") : NULL;

	if (!v) {
		json_decref(k);
		return SNICCTL_DATAERR;
	}
	return request(ctl, "set", json_pack("{s:o,s:o}", "key", k, "value", v), NULL, NULL);
}

#define RULES_FILE \
	"FILE holds one rule per line; blank lines and lines starting with '#' are\n" \
	"skipped; '-' reads standard input.  Errors name FILE:LINE.  Thousands of\n" \
	"rules go in one request (progress on stderr when it is a terminal)."

const struct snicctl_cmd snicctl_cmds[] = {
	{ "add-flow", "RULE", "add one rule",
	  "RULE is an OpenFlow rule in ovs-ofctl syntax, e.g.\n"
	  "  snicctl add-flow 'table=0,priority=100,in_port=vm1,ip,nw_dst=10.0.0.0/24,actions=output:vm2'\n"
	  "Prints nothing on success.",
	  1, 1, 0, run_add_flow },
	{ "add-flows", "FILE", "add every rule of FILE, all or none",
	  "Adds the rules of FILE atomically: if snic-offloadd refuses one, none is\n"
	  "added and the refused rule is named as FILE:LINE.  Prints how many were\n"
	  "added.\n" RULES_FILE,
	  1, 1, 0, run_add_flows },
	{ "del-flows", "[MATCH]", "delete the rules MATCH matches (all without MATCH)",
	  "Without MATCH every rule is deleted.  MATCH is the match part of a rule\n"
	  "(no actions), e.g. 'table=0,ip,nw_dst=10.0.0.0/24'.  Prints how many were\n"
	  "deleted.",
	  0, 1, SNICCTL_OPT_STRICT, run_del_flows },
	{ "mod-flows", "RULE", "change the actions of the rules RULE matches",
	  "The rules that RULE's match selects get RULE's actions.  Prints how many\n"
	  "were modified.",
	  1, 1, SNICCTL_OPT_STRICT, run_mod_flows },
	{ "replace-flows", "FILE", "make the daemon's rules exactly those of FILE",
	  "Adds what is only in FILE, deletes what is only in the daemon and changes\n"
	  "the actions of rules in both, atomically.  Prints the counts.\n" RULES_FILE,
	  1, 1, 0, run_replace_flows },
	{ "diff-flows", "FILE", "compare the daemon's rules with FILE",
	  "Prints each rule only in the daemon as '-RULE' and each rule only in FILE\n"
	  "as '+RULE' (as `ovs-ofctl diff-flows SWITCH FILE` does); exits 2 when there\n"
	  "is a difference, 0 when they are the same.\n" RULES_FILE,
	  1, 1, 0, run_diff_flows },
	{ "dump-flows", "[MATCH]", "list rules with offload state, reason and counters",
	  "One row per rule: id, table, priority, state (hw: in the NIC, sw: in the\n"
	  "software datapath, pending, failed), age, idle time, packets and bytes in\n"
	  "hardware, in software and in total, and the rule; the reason a rule is\n"
	  "not in hardware, and a failed hardware counter query, on the next line.\n"
	  "MATCH selects rules as del-flows does.  --json prints the daemon's result.",
	  0, 1, SNICCTL_OPT_TABLE, run_dump_flows },
	{ "dump-hw", "", "list the hardware rules in testpmd flow syntax",
	  "Each rule the NIC holds, as the testpmd command that would create it\n"
	  "(flow create PORT ... pattern ... / end actions ... / end), after a\n"
	  "'# rule ID' line naming the rule it implements.",
	  0, 0, 0, run_dump_hw },
	{ "show", "", "ports, tunnels and capacity",
	  "What snic-offloadd manages: its ports, its tunnel ports, and the NIC's\n"
	  "capacity and use.",
	  0, 0, 0, run_show },
	{ "add-tunnel", "NAME remote_ip=IP|flow [local_ip=IP] [key=VNI|flow] [dst_port=PORT]",
	  "add a VXLAN tunnel port",
	  "A VXLAN tunnel port in OVS's model.  remote_ip=flow and key=flow leave\n"
	  "them to the rules (set_field:...->tun_dst, set_tunnel:VNI).  key defaults\n"
	  "to 0, dst_port to 4789.  NAME: up to 15 of [A-Za-z0-9_.-].",
	  2, 5, 0, run_add_tunnel },
	{ "del-tunnel", "NAME", "delete a tunnel port", "Deletes the tunnel port NAME.",
	  1, 1, 0, run_del_tunnel },
	{ "set", "KEY VALUE", "change a daemon setting",
	  "Sets the daemon setting KEY (e.g. log-level) to VALUE.",
	  2, 2, 0, run_set },
	{ "ping", "", "check that snic-offloadd answers",
	  "Prints the daemon's version, protocol version and uptime.",
	  0, 0, 0, run_ping },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL },
};
