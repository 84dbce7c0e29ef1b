/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_internal.h - what the files of offload-mgr/ctl/ share: the request
 * schema (ctl_schema.c: one field table per command and the one validator
 * that walks them), the reply being built (ctl_reply.c), the request
 * handler (ctl_dispatch.c) the server's connections (ctl_server.c) feed.
 */
#ifndef SNIC_MGR_CTL_INTERNAL_H
#define SNIC_MGR_CTL_INTERNAL_H

#include "snic_mgr_ctl.h"

/* ---- schema: the fields of a JSON object and where their value goes ---- */

enum ctl_type {
	CTL_T_UINT,    /* integral number in [min, max]   -> struct snic_mgr_ctl_uint */
	CTL_T_BOOL,    /* true / false                    -> bool */
	CTL_T_STRING,  /* [min, max] bytes, no control characters but TAB
	                                                  -> const char * */
	CTL_T_NAME,    /* [min, max] bytes of [A-Za-z0-9_.-] -> const char * */
	CTL_T_ADDR,    /* IPv4 or IPv6 address text       -> const char * */
	CTL_T_RULES,   /* array (<= SNIC_MGR_CTL_MAX_FLOWS) of CTL_T_STRING
	                  elements of [min, max] bytes    -> struct snic_mgr_ctl_strv */
	CTL_T_LINES,   /* array (<= SNIC_MGR_CTL_MAX_FLOWS) of integers in
	                  [min, max]                      -> struct ctl_lines */
	CTL_T_OBJECT,  /* any JSON object (borrowed)      -> json_t * */
};

#define CTL_F_REQUIRED 0x1u  /* absent is an error */
#define CTL_F_FLOW     0x2u  /* UINT, ADDR: the string "flow" is accepted too */

struct ctl_field {
	const char *name;
	enum ctl_type type;
	unsigned flags;
	uint64_t min, max;   /* value (UINT, LINES) or length (strings) limits */
	uint64_t def;        /* UINT: the value when absent */
	size_t off;          /* offset of the destination in the target struct */
};

/* Line numbers of a batch's rules (the request's "lines"). */
struct ctl_lines {
	bool present;
	const uint64_t *v;   /* malloc'd by the validator */
	size_t n;
};

/* Every command's arguments; each command uses some of them. */
struct ctl_args {
	struct snic_mgr_ctl_strv flows;
	struct ctl_lines lines;
	const char *match;
	bool strict;
	struct snic_mgr_ctl_uint table;
	struct snic_mgr_ctl_tunnel tunnel;
	const char *name, *key, *value;
};

/* The request envelope. */
struct ctl_envelope {
	struct snic_mgr_ctl_uint v, id;
	const char *cmd;
	json_t *args;
};

enum ctl_cmd_id {
	CTL_ADD_FLOWS, CTL_DEL_FLOWS, CTL_MOD_FLOWS, CTL_REPLACE_FLOWS,
	CTL_DIFF_FLOWS, CTL_DUMP_FLOWS, CTL_DUMP_HW, CTL_SHOW, CTL_ADD_TUNNEL,
	CTL_DEL_TUNNEL, CTL_SET, CTL_PING, CTL_CMD_COUNT
};

struct ctl_cmd {
	const char *name;
	enum ctl_cmd_id id;
	const struct ctl_field *fields;
	size_t n_fields;
};

extern const struct ctl_field ctl_envelope_fields[];
extern const size_t ctl_n_envelope_fields;

/* The command called name, or NULL. */
const struct ctl_cmd *ctl_cmd_find(const char *name);
/* "add-flows, del-flows, ..." (static). */
const char *ctl_cmd_names(void);

/*
 * Check obj against fields and store the values into out (zeroed by the
 * caller; defaults are applied here).  path is the prefix of field names in
 * messages ("" or "args."), code the error code for a mismatch, what the
 * object's name for unknown-field messages ("request", "add-flows").
 * Returns 0, or -1 with r's error set.  Free with ctl_args_release().
 */
int ctl_validate(const struct ctl_field *fields, size_t n_fields, json_t *obj,
		 const char *path, enum snic_mgr_ctl_code code, const char *what,
		 void *out, struct snic_mgr_ctl_reply *r);
/* Free what ctl_validate() allocated into a struct ctl_args. */
void ctl_args_release(struct ctl_args *a);

/* ---- the reply being built ---- */

struct snic_mgr_ctl_reply {
	enum ctl_cmd_id cmd;
	json_t *result;          /* the "result" object */
	enum snic_mgr_ctl_code code;   /* SNIC_MGR_CTL_OK until something fails */
	long long index;
	char field[128];
	char message[SNIC_MGR_CTL_MSG_MAX];
	char bug[256];           /* a result builder was misused ("" if not) */
};

/* Set r's error (first one wins), with the offending field (may be NULL). */
int ctl_reply_fail(struct snic_mgr_ctl_reply *r, enum snic_mgr_ctl_code code,
		   const char *field, long long index, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
int ctl_reply_vfail(struct snic_mgr_ctl_reply *r, enum snic_mgr_ctl_code code,
		    const char *field, long long index, const char *fmt,
		    va_list ap) __attribute__((format(printf, 5, 0)));
/* Record a result-builder misuse; returns -1. */
int ctl_reply_bug(struct snic_mgr_ctl_reply *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Make s (NUL-terminated) one line of valid UTF-8: bytes of invalid
 * sequences become '?', control characters ' '. */
void ctl_clean_text(char *s);

/* json_object_set_new() that reports failure (-1) instead of ignoring it. */
int ctl_set(json_t *obj, const char *key, json_t *value);

/* ---- answering a request line (ctl_dispatch.c) ---- */

struct ctl_handler {
	const struct snic_mgr_ctl_ops *ops;
	void *be;
	const char *version;
	double started;          /* CLOCK_MONOTONIC seconds at open */
	size_t max_response;
};

/* A response line (malloc'd, '\n'-terminated, *out_len bytes), or NULL for
 * a blank request line (*is_error false) and on out of memory (*is_error
 * true).  *is_error: the response says ok:false. */
char *ctl_handle_line(const struct ctl_handler *h, const char *line,
		      size_t len, size_t *out_len, bool *is_error);

/* An error response line for a request whose id is unknown (id null). */
char *ctl_error_line(enum snic_mgr_ctl_code code, size_t *out_len,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

double ctl_now(void);    /* CLOCK_MONOTONIC, seconds */

#endif /* SNIC_MGR_CTL_INTERNAL_H */
