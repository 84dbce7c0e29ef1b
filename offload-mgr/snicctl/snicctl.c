/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snicctl.c - the command line (global and command options anywhere, "--"
 * ends them), help texts, exit codes, and the one place requests are sent.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snicctl.h"

#define DEFAULT_TIMEOUT_S 60.0

static const char exit_codes[] =
	"Exit codes:\n"
	"  0   done\n"
	"  1   snic-offloadd refused the request (the message names the rule, as\n"
	"      FILE:LINE for rules files, or the field)\n"
	"  2   diff-flows: the daemon's rules and the file differ\n"
	"  64  usage error\n"
	"  65  a rules file cannot be sent (NUL byte, invalid UTF-8)\n"
	"  66  a rules file cannot be read\n"
	"  69  snic-offloadd is not reachable, did not answer within --timeout, or\n"
	"      the connection broke\n";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: snicctl [--socket PATH] [--json] [--timeout S] COMMAND [ARG...]\n"
		"       snicctl COMMAND --help\n\n"
		"Talks to snic-offloadd, the SmartNIC offload manager, over its control\n"
		"socket.  Rules are OpenFlow rules in ovs-ofctl syntax; each is offloaded\n"
		"to the NIC (hw), kept in the software datapath (sw), or failed, with the\n"
		"reason kept.\n\nCommands:\n");
	for (const struct snicctl_cmd *c = snicctl_cmds; c->name; c++) {
		char syn[160];
		snprintf(syn, sizeof(syn), "%s %s", c->name, c->args);
		if (strlen(syn) > 30)   /* a long synopsis gets a line of its own */
			fprintf(f, "  %s\n  %-30s %s\n", syn, "", c->summary);
		else
			fprintf(f, "  %-30s %s\n", syn, c->summary);
	}
	fprintf(f,
		"\nOptions (anywhere on the line):\n"
		"  --socket PATH   the daemon's control socket (default %s)\n"
		"  --json          print the daemon's result as JSON (errors too)\n"
		"  --timeout S     give up after S seconds (default %.0f; 0 = wait forever)\n"
		"  -h, --help      this text; after a command, that command's help\n\n%s",
		SNIC_MGR_CTL_DEFAULT_PATH, DEFAULT_TIMEOUT_S, exit_codes);
}

static void cmd_help(const struct snicctl_cmd *c)
{
	printf("usage: snicctl [--socket PATH] [--json] [--timeout S] %s %s\n\n%s\n\n%s\n",
	       c->name, c->args, c->summary, c->help);
	if (c->opts) {
		printf("Options:\n");
		if (c->opts & SNICCTL_OPT_STRICT)
			printf("  --strict        the match and the priority must be equal (not a\n"
			       "                  subset): one rule at most\n");
		if (c->opts & SNICCTL_OPT_TABLE)
			printf("  --table N       only OpenFlow table N (0..254)\n");
		printf("\n");
	}
	printf("%s", exit_codes);
}

int snicctl_fail(const struct snicctl *ctl, int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "snicctl: ");
	if (ctl && ctl->cmd)
		fprintf(stderr, "%s: ", ctl->cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

void snicctl_print_json(const json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
			     JSON_REAL_PRECISION(10));

	if (s)
		printf("%s\n", s);
	free(s);
}

static int connect_once(struct snicctl *ctl)
{
	char err[512];
	int e = 0;
	double ms = ceil(ctl->timeout_s * 1000);   /* 0 only for --timeout 0 */

	if (ctl->client)
		return 0;
	ctl->client = snic_mgr_ctl_connect(ctl->socket, ms > 4e9 ? 4000000000u : (unsigned)ms,
					   err, sizeof(err), &e);
	if (ctl->client)
		return 0;
	fprintf(stderr, "snicctl: %s%s\n", err,
		e == ENOENT || e == ECONNREFUSED ? " (is snic-offloadd running?)" :
		e == EACCES ? " (run as root or as snic-offloadd's user)" : "");
	return SNICCTL_UNAVAILABLE;
}

static void print_refusal(const struct snicctl *ctl, const struct snic_mgr_ctl_error *e,
			  const char *file)
{
	if (file && e->line > 0)
		fprintf(stderr, "%s:%lld: %s\n", file, e->line, e->message);
	else
		snicctl_fail(ctl, 0, "%s", e->message);
	if (ctl->json) {
		json_t *j = json_pack("{s:{s:s,s:s}}", "error", "code",
				      snic_mgr_ctl_code_name(e->code), "message", e->message);
		json_t *o = json_object_get(j, "error");
		if (o && e->field[0])
			json_object_set_new(o, "field", json_string(e->field));
		if (o && e->index >= 0)
			json_object_set_new(o, "index", json_integer(e->index));
		if (o && e->line > 0)
			json_object_set_new(o, "line", json_integer(e->line));
		if (j)
			snicctl_print_json(j);
		json_decref(j);
	}
}

int snicctl_call(struct snicctl *ctl, const char *cmd, json_t *args,
		 json_t **result, const char *file)
{
	struct snic_mgr_ctl_error e;
	int rc = connect_once(ctl);

	*result = NULL;
	if (rc) {
		json_decref(args);
		return rc;
	}
	if (isatty(STDERR_FILENO))
		snic_mgr_ctl_client_progress(ctl->client, snicctl_progress, NULL);
	rc = snic_mgr_ctl_call(ctl->client, cmd, args, result, &e);
	snicctl_progress_done();
	json_decref(args);
	if (rc == 0)
		return SNICCTL_OK;
	if (rc == 1) {
		print_refusal(ctl, &e, file);
		return SNICCTL_REFUSED;
	}
	return snicctl_fail(ctl, SNICCTL_UNAVAILABLE, "%s", e.message);
}

static const struct snicctl_cmd *find_cmd(const char *name)
{
	for (const struct snicctl_cmd *c = snicctl_cmds; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* The value of an option: "--x=V" or the next word. */
static const char *opt_value(char **argv, int argc, int *i, const char *name)
{
	const char *eq = strchr(argv[*i], '=');

	if (eq)
		return eq + 1;
	if (*i + 1 >= argc) {
		snicctl_fail(NULL, 0, "%s needs a value (see snicctl --help)", name);
		return NULL;
	}
	return argv[++*i];
}

static bool opt_is(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, name, n) == 0 && (arg[n] == 0 || arg[n] == '=');
}

/* Parse everything; positional words go to pos.  0, or an exit code. */
static int parse(struct snicctl *ctl, int argc, char **argv, char **pos, int *npos,
		 bool *help, unsigned *given)
{
	bool opts_done = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		char *end;

		if (opts_done || a[0] != '-' || strcmp(a, "-") == 0) {
			pos[(*npos)++] = argv[i];
		} else if (strcmp(a, "--") == 0) {
			opts_done = true;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			*help = true;
		} else if (strcmp(a, "--json") == 0) {
			ctl->json = true;
		} else if (strcmp(a, "--strict") == 0) {
			ctl->strict = true;
			*given |= SNICCTL_OPT_STRICT;
		} else if (opt_is(a, "--socket")) {
			if (!(ctl->socket = opt_value(argv, argc, &i, "--socket")))
				return SNICCTL_USAGE;
		} else if (opt_is(a, "--timeout")) {
			if (!(v = opt_value(argv, argc, &i, "--timeout")))
				return SNICCTL_USAGE;
			errno = 0;
			ctl->timeout_s = strtod(v, &end);
			if (errno || end == v || *end || !(ctl->timeout_s >= 0) ||
			    !isfinite(ctl->timeout_s))
				return snicctl_fail(NULL, SNICCTL_USAGE, "--timeout: \"%s\" "
						    "is not a number of seconds >= 0", v);
		} else if (opt_is(a, "--table")) {
			unsigned long t;
			if (!(v = opt_value(argv, argc, &i, "--table")))
				return SNICCTL_USAGE;
			errno = 0;
			t = strtoul(v, &end, 10);
			if (errno || end == v || *end || t > 254 || v[0] == '-')
				return snicctl_fail(NULL, SNICCTL_USAGE, "--table: \"%s\" is "
						    "not a table number 0..254", v);
			ctl->table = (unsigned)t;
			ctl->has_table = true;
			*given |= SNICCTL_OPT_TABLE;
		} else {
			return snicctl_fail(NULL, SNICCTL_USAGE, "unknown option '%s' "
					    "(see snicctl --help)", a);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct snicctl ctl = { .socket = SNIC_MGR_CTL_DEFAULT_PATH,
			       .timeout_s = DEFAULT_TIMEOUT_S };
	char **pos = calloc((size_t)argc + 1, sizeof(*pos));
	unsigned given = 0;
	bool help = false;
	int npos = 0, rc;

	if (!pos)
		return snicctl_fail(NULL, SNICCTL_REFUSED, "out of memory");
	rc = parse(&ctl, argc, argv, pos, &npos, &help, &given);
	if (!rc && npos > 0 && strcmp(pos[0], "help") == 0) {
		help = true;       /* "snicctl help [COMMAND]" */
		memmove(pos, pos + 1, (size_t)npos-- * sizeof(*pos));
	}
	if (!rc && npos == 0) {
		if (help) {
			usage(stdout);
		} else {
			usage(stderr);
			rc = SNICCTL_USAGE;
		}
	} else if (!rc) {
		ctl.cmd = find_cmd(pos[0]);
		if (!ctl.cmd)
			rc = snicctl_fail(NULL, SNICCTL_USAGE, "unknown command '%s' "
					  "(see snicctl --help)", pos[0]);
		else if (help)
			cmd_help(ctl.cmd);
		else if (given & ~ctl.cmd->opts)
			rc = snicctl_fail(&ctl, SNICCTL_USAGE, "%s does not apply here "
					  "(see snicctl %s --help)", given & ~ctl.cmd->opts &
					  SNICCTL_OPT_STRICT ? "--strict" : "--table",
					  ctl.cmd->name);
		else if ((unsigned)(npos - 1) < ctl.cmd->min_args ||
			 (unsigned)(npos - 1) > ctl.cmd->max_args)
			rc = snicctl_fail(&ctl, SNICCTL_USAGE, "takes %s%s%s; got %d "
					  "argument%s (see snicctl %s --help)",
					  ctl.cmd->args[0] ? "\"" : "no arguments",
					  ctl.cmd->args, ctl.cmd->args[0] ? "\"" : "",
					  npos - 1, npos == 2 ? "" : "s", ctl.cmd->name);
		else
			rc = ctl.cmd->run(&ctl, pos + 1, npos - 1);
	}
	snic_mgr_ctl_client_close(ctl.client);
	free(pos);
	return rc;
}
