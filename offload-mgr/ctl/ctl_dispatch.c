/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_dispatch.c - one request line in, one response line out: parse the
 * JSON, validate the envelope and the command's arguments (ctl_schema.c),
 * call the backend's op with C arguments, and serialise the result or the
 * error.  No sockets here: the fuzz target drives this directly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_internal.h"

/* Numbers are decoded as doubles so that an out-of-range integer reaches
 * the validator (which names the field) instead of failing the parse;
 * any JSON value is parsed so that "not an object" can be said. */
#define LOAD_FLAGS (JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL | JSON_DECODE_ANY)
#define DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(10))

double ctl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Serialise a response object: a malloc'd line ending in '\n'. */
static char *finish(json_t *resp, size_t *out_len)
{
	char *s = resp ? json_dumps(resp, DUMP_FLAGS) : NULL;
	size_t n;

	json_decref(resp);
	if (!s)
		return NULL;
	n = strlen(s);
	/* json_dumps allocates with jansson's allocator, which is malloc */
	char *line = realloc(s, n + 2);
	if (!line) {
		free(s);
		return NULL;
	}
	line[n] = '\n';
	line[n + 1] = 0;
	*out_len = n + 1;
	return line;
}

static json_t *id_value(const struct ctl_envelope *env)
{
	return env && env->id.present ? json_integer((json_int_t)env->id.value)
				       : json_null();
}

static json_t *error_response(const struct ctl_envelope *env,
			      const struct snic_mgr_ctl_reply *r,
			      const struct ctl_lines *lines)
{
	json_t *e = json_pack("{s:s,s:s}", "code", snic_mgr_ctl_code_name(r->code),
			      "message", r->message);
	if (e && r->field[0])
		ctl_set(e, "field", json_string(r->field));
	if (e && r->index >= 0) {
		ctl_set(e, "index", json_integer(r->index));
		if (lines && lines->present && (size_t)r->index < lines->n)
			ctl_set(e, "line", json_integer((json_int_t)lines->v[r->index]));
	}
	return e ? json_pack("{s:i,s:o,s:b,s:o}", "v", SNIC_MGR_CTL_VERSION,
			     "id", id_value(env), "ok", 0, "error", e) : NULL;
}

char *ctl_error_line(enum snic_mgr_ctl_code code, size_t *out_len,
		     const char *fmt, ...)
{
	struct snic_mgr_ctl_reply r = { .code = SNIC_MGR_CTL_OK };
	va_list ap;

	va_start(ap, fmt);
	ctl_reply_vfail(&r, code, NULL, -1, fmt, ap);
	va_end(ap);
	return finish(error_response(NULL, &r, NULL), out_len);
}

/* Pre-made result skeletons: lists the builders append to, parts show fills. */
static json_t *skeleton(enum ctl_cmd_id cmd)
{
	switch (cmd) {
	case CTL_DUMP_FLOWS: return json_pack("{s:[]}", "flows");
	case CTL_DUMP_HW:    return json_pack("{s:[]}", "rules");
	case CTL_DIFF_FLOWS: return json_pack("{s:[],s:[]}", "only_in_file", "only_in_switch");
	case CTL_SHOW:       return json_pack("{s:[],s:[],s:{}}", "ports", "tunnels", "capacity");
	default:             return json_object();
	}
}

static int put_count(struct snic_mgr_ctl_reply *r, const char *key, uint64_t n)
{
	if (n > SNIC_MGR_CTL_MAX_ID)
		return ctl_reply_bug(r, "%s = %llu out of range", key, (unsigned long long)n);
	return ctl_set(r->result, key, json_integer((json_int_t)n));
}

/* The backend's op for cmd, NULL if it has none. */
static bool has_op(const struct snic_mgr_ctl_ops *o, enum ctl_cmd_id cmd)
{
	switch (cmd) {
	case CTL_ADD_FLOWS:     return o->add_flows;
	case CTL_DEL_FLOWS:     return o->del_flows;
	case CTL_MOD_FLOWS:     return o->mod_flows;
	case CTL_REPLACE_FLOWS: return o->replace_flows;
	case CTL_DIFF_FLOWS:    return o->diff_flows;
	case CTL_DUMP_FLOWS:    return o->dump_flows;
	case CTL_DUMP_HW:       return o->dump_hw;
	case CTL_SHOW:          return o->show;
	case CTL_ADD_TUNNEL:    return o->add_tunnel;
	case CTL_DEL_TUNNEL:    return o->del_tunnel;
	case CTL_SET:           return o->set;
	default:                return true;
	}
}

/* Call the op; 0 or -1 (the op's own verdict). */
static int call(const struct ctl_handler *h, enum ctl_cmd_id cmd,
		const struct ctl_args *a, struct snic_mgr_ctl_reply *r)
{
	const struct snic_mgr_ctl_ops *o = h->ops;
	struct snic_mgr_ctl_replaced rep = { 0 };
	uint64_t n = 0;
	void *be = h->be;
	int rc;

	switch (cmd) {
	case CTL_ADD_FLOWS:
		rc = o->add_flows(be, &a->flows, &n, r);
		return rc ? rc : put_count(r, "added", n);
	case CTL_DEL_FLOWS:
		rc = o->del_flows(be, a->match, a->strict, &n, r);
		return rc ? rc : put_count(r, "deleted", n);
	case CTL_MOD_FLOWS:
		rc = o->mod_flows(be, &a->flows, a->strict, &n, r);
		return rc ? rc : put_count(r, "modified", n);
	case CTL_REPLACE_FLOWS:
		rc = o->replace_flows(be, &a->flows, &rep, r);
		return rc ? rc : (put_count(r, "added", rep.added) |
				  put_count(r, "deleted", rep.deleted) |
				  put_count(r, "modified", rep.modified));
	case CTL_DIFF_FLOWS:  return o->diff_flows(be, &a->flows, r);
	case CTL_DUMP_FLOWS:  return o->dump_flows(be, a->match, &a->table, r);
	case CTL_DUMP_HW:     return o->dump_hw(be, r);
	case CTL_SHOW:        return o->show(be, r);
	case CTL_ADD_TUNNEL:  return o->add_tunnel(be, &a->tunnel, r);
	case CTL_DEL_TUNNEL:  return o->del_tunnel(be, a->name, r);
	case CTL_SET:         return o->set(be, a->key, a->value, r);
	case CTL_PING:
		return ctl_set(r->result, "version", json_string(h->version)) |
		       ctl_set(r->result, "uptime_s", json_real(ctl_now() - h->started)) |
		       ctl_set(r->result, "protocol", json_integer(SNIC_MGR_CTL_VERSION));
	default:
		return ctl_reply_bug(r, "command %d has no handler", (int)cmd);
	}
}

/* Envelope, command, arguments, op; r says how it went. */
static void process(const struct ctl_handler *h, json_t *req,
		    struct ctl_envelope *env, struct ctl_args *args,
		    struct snic_mgr_ctl_reply *r)
{
	const struct ctl_cmd *cmd;
	json_t *id = json_object_get(req, "id"), *v = json_object_get(req, "v");
	json_t *empty = NULL;
	double d;
	int rc;

	/* echo the id whenever it is usable, even if the rest is not */
	if (id && json_is_number(id)) {
		d = json_number_value(id);
		if (d >= 0 && d <= (double)SNIC_MGR_CTL_MAX_ID && d == (double)(uint64_t)d)
			env->id = (struct snic_mgr_ctl_uint){ true, false, (uint64_t)d };
	}
	/* another version's request may differ in anything: say so first */
	if (v && json_is_number(v) && json_number_value(v) != SNIC_MGR_CTL_VERSION) {
		ctl_reply_fail(r, SNIC_MGR_CTL_EPROTO, "v", -1, "v: unsupported "
			       "protocol version %.17g (this server speaks version %d)",
			       json_number_value(v), SNIC_MGR_CTL_VERSION);
		return;
	}
	if (ctl_validate(ctl_envelope_fields, ctl_n_envelope_fields, req, "",
			 SNIC_MGR_CTL_EPROTO, "the request", env, r))
		return;
	cmd = ctl_cmd_find(env->cmd);
	if (!cmd) {
		ctl_reply_fail(r, SNIC_MGR_CTL_ENOTSUP, "cmd", -1, "cmd: unknown "
			       "command \"%.64s\" (commands: %s)", env->cmd, ctl_cmd_names());
		return;
	}
	r->cmd = cmd->id;
	if (!env->args && !(empty = json_object())) {
		ctl_reply_fail(r, SNIC_MGR_CTL_EIO, NULL, -1, "out of memory");
		return;
	}
	rc = ctl_validate(cmd->fields, cmd->n_fields, env->args ? env->args : empty,
			  "args.", SNIC_MGR_CTL_EINVAL, cmd->name, args, r);
	json_decref(empty);
	if (rc)
		return;
	if (args->lines.present && args->lines.n != args->flows.n) {
		ctl_reply_fail(r, SNIC_MGR_CTL_EINVAL, "args.lines", -1, "args.lines: "
			       "%zu line numbers for %zu flows (one per rule)",
			       args->lines.n, args->flows.n);
		return;
	}
	if (!has_op(h->ops, cmd->id)) {
		ctl_reply_fail(r, SNIC_MGR_CTL_ENOTSUP, "cmd", -1, "%s is not "
			       "supported by this daemon", cmd->name);
		return;
	}
	r->result = skeleton(cmd->id);
	if (!r->result) {
		ctl_reply_fail(r, SNIC_MGR_CTL_EIO, NULL, -1, "out of memory");
		return;
	}
	if (call(h, cmd->id, args, r) == 0 && r->code == SNIC_MGR_CTL_OK && !r->bug[0])
		return;
	if (r->bug[0]) {
		r->code = SNIC_MGR_CTL_OK;   /* a misbuilt result overrides the op's word */
		ctl_reply_fail(r, SNIC_MGR_CTL_EIO, NULL, -1, "%s failed inside "
			       "snic-offloadd: %s", cmd->name, r->bug);
	} else if (r->code == SNIC_MGR_CTL_OK) {
		ctl_reply_fail(r, SNIC_MGR_CTL_EIO, NULL, -1, "%s failed inside "
			       "snic-offloadd without saying why", cmd->name);
	}
}

/* Blank: nothing but JSON white space. */
static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

char *ctl_handle_line(const struct ctl_handler *h, const char *line,
		      size_t len, size_t *out_len, bool *is_error)
{
	struct snic_mgr_ctl_reply r = { .code = SNIC_MGR_CTL_OK, .index = -1 };
	struct ctl_envelope env = { 0 };
	struct ctl_args args = { 0 };
	const char *nul = memchr(line, 0, len);
	json_error_t jerr;
	json_t *req = NULL, *resp;
	char *out;

	*out_len = 0;
	*is_error = false;
	if (blank(line, len))
		return NULL;
	*is_error = true;
	if (nul) {
		ctl_reply_fail(&r, SNIC_MGR_CTL_EPROTO, NULL, -1, "the request "
			       "contains a NUL byte at offset %zu", (size_t)(nul - line));
	} else if (!(req = json_loadb(line, len, LOAD_FLAGS, &jerr))) {
		ctl_reply_fail(&r, SNIC_MGR_CTL_EPROTO, NULL, -1, "the request is "
			       "not valid JSON: %s at byte %d", jerr.text, jerr.position);
	} else if (!json_is_object(req)) {
		ctl_reply_fail(&r, SNIC_MGR_CTL_EPROTO, NULL, -1, "the request must "
			       "be a JSON object {\"v\":1,\"id\":N,\"cmd\":...,"
			       "\"args\":{...}}, not %s", json_is_array(req) ? "an array"
			       : json_is_string(req) ? "a string" : "a scalar");
	} else {
		process(h, req, &env, &args, &r);
	}
	if (r.code == SNIC_MGR_CTL_OK) {
		resp = json_pack("{s:i,s:o,s:b,s:O}", "v", SNIC_MGR_CTL_VERSION,
				 "id", id_value(&env), "ok", 1, "result", r.result);
		out = finish(resp, out_len);
		if (out && *out_len > h->max_response) {
			free(out);
			r.code = SNIC_MGR_CTL_OK;
			ctl_reply_fail(&r, SNIC_MGR_CTL_ENOSPC, NULL, -1, "the result "
				       "is %zu bytes, more than this server's "
				       "max_response (%zu): ask for less (a match, "
				       "a table)", *out_len, h->max_response);
		} else if (!out) {
			ctl_reply_fail(&r, SNIC_MGR_CTL_EIO, NULL, -1, "out of memory "
				       "building the response");
		} else {
			*is_error = false;
		}
	}
	if (r.code != SNIC_MGR_CTL_OK)
		out = finish(error_response(&env, &r, &args.lines), out_len);
	json_decref(r.result);
	ctl_args_release(&args);
	json_decref(req);
	return out;
}
