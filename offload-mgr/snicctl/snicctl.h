/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snicctl.h - snicctl, the command-line client of snic-offloadd: the
 * contract between its files.
 *
 * What it is.  An ovs-ofctl-like CLI that turns each command into one
 * request of the control protocol (offload-mgr/ctl/PROTOCOL.md) through the
 * client library (snic_mgr_ctl.h), and prints the result for a person or,
 * with --json, as the raw JSON result.  snicctl.c parses the command line
 * and owns the command table, help texts and exit codes; snicctl_cmds.c
 * builds each request; snicctl_rules.c reads rules files; snicctl_print.c
 * prints results.
 *
 * Exit codes (also in `snicctl --help`):
 *   0   done
 *   1   snic-offloadd refused the request (its message is printed, naming
 *       the rule -- as FILE:LINE for rules files -- or the field)
 *   2   diff-flows: the daemon's rules and the file differ
 *   64  usage error (EX_USAGE)
 *   65  a rules file cannot be sent: a NUL byte, invalid UTF-8 (EX_DATAERR)
 *   66  a rules file cannot be read (EX_NOINPUT)
 *   69  snic-offloadd is not reachable, did not answer within --timeout,
 *       or the connection broke (EX_UNAVAILABLE)
 *
 * Errors go to stderr as one line starting "snicctl: " (or "FILE:LINE: "),
 * results to stdout.  Thread safety: single-threaded program.
 */
#ifndef SNICCTL_H
#define SNICCTL_H

#include <stdbool.h>
#include <stdio.h>

#include "snic_mgr_ctl.h"

enum {
	SNICCTL_OK = 0,
	SNICCTL_REFUSED = 1,
	SNICCTL_DIFFERENT = 2,
	SNICCTL_USAGE = 64,
	SNICCTL_DATAERR = 65,
	SNICCTL_NOINPUT = 66,
	SNICCTL_UNAVAILABLE = 69,
};

/* Command options (which commands take them: struct snicctl_cmd.opts). */
#define SNICCTL_OPT_STRICT 0x1u
#define SNICCTL_OPT_TABLE  0x2u

/** What the command line said, and the connection (made on first use). */
struct snicctl {
	const char *socket;       /**< --socket (default SNIC_MGR_CTL_DEFAULT_PATH) */
	bool json;                /**< --json: print results as JSON */
	double timeout_s;         /**< --timeout (0: none) */
	bool strict;              /**< --strict */
	bool has_table;           /**< --table given */
	unsigned table;           /**< --table N (0..254) */
	const struct snicctl_cmd *cmd;
	struct snic_mgr_ctl_client *client;
};

/** One command: its words, help, and what it takes. */
struct snicctl_cmd {
	const char *name;         /**< "add-flows" */
	const char *args;         /**< "FILE" (synopsis after the name) */
	const char *summary;      /**< one line for the command list */
	const char *help;         /**< paragraphs for `snicctl CMD --help` */
	unsigned min_args, max_args;
	unsigned opts;            /**< SNICCTL_OPT_* it accepts */
	int (*run)(struct snicctl *ctl, char **argv, int argc);
};

/* snicctl.c */
/**
 * Send one request (args stolen; NULL = {}) and wait for the answer.
 * On success *result is set (json_decref it) and 0 returned.  A refusal
 * is printed (as "FILE:LINE: message" when file is given and the error has
 * a line; with --json also as {"error":{...}} on stdout) and
 * SNICCTL_REFUSED returned; a transport failure is printed and
 * SNICCTL_UNAVAILABLE returned.
 */
int snicctl_call(struct snicctl *ctl, const char *cmd, json_t *args,
		 json_t **result, const char *file);
/** "snicctl: CMD: " + message on stderr; returns code. */
int snicctl_fail(const struct snicctl *ctl, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/** Print a result as indented JSON on stdout. */
void snicctl_print_json(const json_t *j);

/* snicctl_cmds.c: the command table (NULL-name terminated). */
extern const struct snicctl_cmd snicctl_cmds[];

/* snicctl_rules.c */
/**
 * Read a rules file (path "-" = stdin): one rule per line; blank lines and
 * lines whose first non-blank character is '#' are skipped; leading and
 * trailing white space is removed.  *flows gets the rule texts, *lines
 * their line numbers.  Progress goes to stderr when it is a terminal.
 * Returns 0, or SNICCTL_NOINPUT / SNICCTL_DATAERR after printing
 * "FILE:LINE: why" (or "snicctl: cannot read FILE: why").
 */
int snicctl_read_rules(const char *path, json_t **flows, json_t **lines);
/** Show sending progress on stderr when it is a terminal (client hook). */
void snicctl_progress(void *ctx, size_t sent, size_t total);
/** Clear a progress line left on stderr. */
void snicctl_progress_done(void);

/* snicctl_print.c: human output of each result. */
void snicctl_print_flows(const json_t *result);
void snicctl_print_hw(const json_t *result);
void snicctl_print_show(const json_t *result);
void snicctl_print_ping(const json_t *result);
/** Print "-" / "+" lines; returns the number of differences. */
size_t snicctl_print_diff(const json_t *result);

#endif /* SNICCTL_H */
