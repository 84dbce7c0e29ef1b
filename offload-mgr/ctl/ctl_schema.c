/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_schema.c - the request schema: one field table per command (which
 * fields, their types, required or not, limits, defaults) and the one
 * validator every request goes through, envelope and arguments alike.
 * PROTOCOL.md documents these tables; keep them in step.
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_internal.h"

#define A(f) offsetof(struct ctl_args, f)
#define E(f) offsetof(struct ctl_envelope, f)
#define N(t) (sizeof(t) / sizeof((t)[0]))
#define REQ CTL_F_REQUIRED
#define RULE_LEN 1, SNIC_MGR_CTL_MAX_RULE_LEN
#define LINE_NO 1, SNIC_MGR_CTL_MAX_ID

const struct ctl_field ctl_envelope_fields[] = {
	{ "v",    CTL_T_UINT,   REQ, 0, SNIC_MGR_CTL_MAX_ID, 0, E(v) },
	{ "id",   CTL_T_UINT,   REQ, 0, SNIC_MGR_CTL_MAX_ID, 0, E(id) },
	{ "cmd",  CTL_T_STRING, REQ, 1, 64, 0, E(cmd) },
	{ "args", CTL_T_OBJECT, 0,   0, 0, 0, E(args) },
};
const size_t ctl_n_envelope_fields = N(ctl_envelope_fields);

/* "lines" comes before "flows" so that an error in flows[i] finds it. */
static const struct ctl_field f_add[] = {
	{ "lines", CTL_T_LINES, 0,   LINE_NO, 0, A(lines) },
	{ "flows", CTL_T_RULES, REQ, RULE_LEN, 0, A(flows) },
};
static const struct ctl_field f_del[] = {
	{ "match",  CTL_T_STRING, 0, RULE_LEN, 0, A(match) },
	{ "strict", CTL_T_BOOL,   0, 0, 0, 0, A(strict) },
};
static const struct ctl_field f_mod[] = {
	{ "lines",  CTL_T_LINES, 0,   LINE_NO, 0, A(lines) },
	{ "flows",  CTL_T_RULES, REQ, RULE_LEN, 0, A(flows) },
	{ "strict", CTL_T_BOOL,  0,   0, 0, 0, A(strict) },
};
static const struct ctl_field f_dump[] = {
	{ "match", CTL_T_STRING, 0, RULE_LEN, 0, A(match) },
	{ "table", CTL_T_UINT,   0, 0, 254, 0, A(table) },
};
static const struct ctl_field f_add_tunnel[] = {
	{ "name",      CTL_T_NAME, REQ, 1, SNIC_MGR_CTL_MAX_NAME, 0, A(tunnel.name) },
	{ "remote_ip", CTL_T_ADDR, REQ | CTL_F_FLOW, 0, 0, 0, A(tunnel.remote_ip) },
	{ "local_ip",  CTL_T_ADDR, 0, 0, 0, 0, A(tunnel.local_ip) },
	{ "key",       CTL_T_UINT, CTL_F_FLOW, 0, 16777215, 0, A(tunnel.key) },
	{ "dst_port",  CTL_T_UINT, 0, 1, 65535, 4789, A(tunnel.dst_port) },
};
static const struct ctl_field f_del_tunnel[] = {
	{ "name", CTL_T_NAME, REQ, 1, SNIC_MGR_CTL_MAX_NAME, 0, A(name) },
};
static const struct ctl_field f_set[] = {
	{ "key",   CTL_T_NAME,   REQ, 1, SNIC_MGR_CTL_MAX_KEY, 0, A(key) },
	{ "value", CTL_T_STRING, REQ, 0, SNIC_MGR_CTL_MAX_VALUE, 0, A(value) },
};

static const struct ctl_cmd cmds[] = {
	{ "add-flows",     CTL_ADD_FLOWS,     f_add, N(f_add) },
	{ "del-flows",     CTL_DEL_FLOWS,     f_del, N(f_del) },
	{ "mod-flows",     CTL_MOD_FLOWS,     f_mod, N(f_mod) },
	{ "replace-flows", CTL_REPLACE_FLOWS, f_add, N(f_add) },
	{ "diff-flows",    CTL_DIFF_FLOWS,    f_add, N(f_add) },
	{ "dump-flows",    CTL_DUMP_FLOWS,    f_dump, N(f_dump) },
	{ "dump-hw",       CTL_DUMP_HW,       NULL, 0 },
	{ "show",          CTL_SHOW,          NULL, 0 },
	{ "add-tunnel",    CTL_ADD_TUNNEL,    f_add_tunnel, N(f_add_tunnel) },
	{ "del-tunnel",    CTL_DEL_TUNNEL,    f_del_tunnel, N(f_del_tunnel) },
	{ "set",           CTL_SET,           f_set, N(f_set) },
	{ "ping",          CTL_PING,          NULL, 0 },
};

const struct ctl_cmd *ctl_cmd_find(const char *name)
{
	for (size_t i = 0; i < N(cmds); i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

const char *ctl_cmd_names(void)
{
	static char buf[256];

	if (!buf[0])
		for (size_t i = 0; i < N(cmds); i++)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
				 "%s%s", i ? ", " : "", cmds[i].name);
	return buf;
}

static const char *type_of(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:  return "an object";
	case JSON_ARRAY:   return "an array";
	case JSON_STRING:  return "a string";
	case JSON_INTEGER:
	case JSON_REAL:    return "a number";
	case JSON_TRUE:
	case JSON_FALSE:   return "a boolean";
	default:           return "null";
	}
}

/* What a field takes, for messages: "an integer from 0 to 254". */
static void expected(const struct ctl_field *f, char *buf, size_t len)
{
	const char *flow = (f->flags & CTL_F_FLOW) ? " or \"flow\"" : "";

	switch (f->type) {
	case CTL_T_UINT:
		snprintf(buf, len, "an integer from %llu to %llu%s",
			 (unsigned long long)f->min, (unsigned long long)f->max, flow);
		break;
	case CTL_T_BOOL:
		snprintf(buf, len, "true or false");
		break;
	case CTL_T_STRING:
		snprintf(buf, len, "a string of %llu to %llu bytes without control characters",
			 (unsigned long long)f->min, (unsigned long long)f->max);
		break;
	case CTL_T_NAME:
		snprintf(buf, len, "a name of %llu to %llu characters from [A-Za-z0-9_.-]",
			 (unsigned long long)f->min, (unsigned long long)f->max);
		break;
	case CTL_T_ADDR:
		snprintf(buf, len, "an IPv4 or IPv6 address%s", flow);
		break;
	case CTL_T_RULES:
		snprintf(buf, len, "an array of at most %u rule texts (strings)",
			 SNIC_MGR_CTL_MAX_FLOWS);
		break;
	case CTL_T_LINES:
		snprintf(buf, len, "an array of line numbers (integers from %llu to %llu)",
			 (unsigned long long)f->min, (unsigned long long)f->max);
		break;
	case CTL_T_OBJECT:
		snprintf(buf, len, "an object");
		break;
	}
}

/* A short, printable excerpt of a string value for messages. */
static void excerpt(char *buf, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (n + 3 > len)
		snprintf(buf, len, "\"%.*s...\"", (int)(len > 8 ? len - 8 : 0), s);
	else
		snprintf(buf, len, "\"%s\"", s);
	ctl_clean_text(buf);
}

/* The shortest text that reads back as d ("1e+300", not 1.0000000000000001e+300). */
static void number(char *buf, size_t len, double d)
{
	if (d == floor(d) && fabs(d) < 1e17) {
		snprintf(buf, len, "%.0f", d);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

/* Human name of a value for "got ..." (number, string excerpt, type). */
static void got(const json_t *j, char *buf, size_t len)
{
	if (json_is_number(j))
		number(buf, len, json_number_value(j));
	else if (json_is_string(j))
		excerpt(buf, len, json_string_value(j));
	else
		snprintf(buf, len, "%s", type_of(j));
}

static int is_flow(const struct ctl_field *f, const json_t *j)
{
	return (f->flags & CTL_F_FLOW) && json_is_string(j) &&
	       strcmp(json_string_value(j), "flow") == 0;
}

/* An integral number in [min, max]: 0 with *v, or -1. */
static int uint_in(const json_t *j, uint64_t min, uint64_t max, uint64_t *v)
{
	double d;

	if (!json_is_number(j))
		return -1;
	d = json_number_value(j);
	if (!isfinite(d) || d != floor(d) || d < (double)min || d > (double)max)
		return -1;
	*v = (uint64_t)d;
	return *v >= min && *v <= max ? 0 : -1;
}

/* Why a string is not a valid value of f ("" if it is). */
static void string_problem(const struct ctl_field *f, const char *s, size_t n,
			   char *why, size_t len)
{
	why[0] = 0;
	if (n < f->min || n > f->max) {
		snprintf(why, len, "%zu bytes long", n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool bad = f->type == CTL_T_NAME
			? !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.')
			: ((c < 0x20 && c != '\t') || c == 0x7f);
		if (bad) {
			if (c < 0x20 || c >= 0x7f)
				snprintf(why, len, "byte 0x%02x at offset %zu", c, i);
			else
				snprintf(why, len, "'%c' at offset %zu", c, i);
			return;
		}
	}
}

static int addr_ok(const char *s)
{
	unsigned char b[16];

	return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

/*
 * Check one value j of field f (path: its name in messages) and store it
 * at dst.  index: the element index for RULES errors (reported as the
 * error's "index").
 */
static int check_value(const struct ctl_field *f, const json_t *j,
		       const char *path, enum snic_mgr_ctl_code code, void *dst,
		       struct snic_mgr_ctl_reply *r)
{
	char exp[160], g[96], why[96];

	expected(f, exp, sizeof(exp));
	got(j, g, sizeof(g));
	switch (f->type) {
	case CTL_T_UINT: {
		struct snic_mgr_ctl_uint *u = dst;
		if (is_flow(f, j)) {
			*u = (struct snic_mgr_ctl_uint){ .present = true, .flow = true };
			return 0;
		}
		if (uint_in(j, f->min, f->max, &u->value))
			break;
		u->present = true;
		return 0;
	}
	case CTL_T_BOOL:
		if (!json_is_boolean(j))
			break;
		*(bool *)dst = json_is_true(j);
		return 0;
	case CTL_T_STRING:
	case CTL_T_NAME:
		if (!json_is_string(j))
			break;
		string_problem(f, json_string_value(j), json_string_length(j),
			       why, sizeof(why));
		if (why[0])
			return ctl_reply_fail(r, code, path, -1, "%s: expected %s; "
					      "got %s, %s", path, exp, g, why);
		*(const char **)dst = json_string_value(j);
		return 0;
	case CTL_T_ADDR:
		if (!json_is_string(j) || (!is_flow(f, j) && !addr_ok(json_string_value(j))))
			break;
		*(const char **)dst = json_string_value(j);
		return 0;
	case CTL_T_OBJECT:
		if (!json_is_object(j))
			break;
		*(json_t **)dst = (json_t *)j;
		return 0;
	case CTL_T_RULES:
	case CTL_T_LINES:
		break;   /* arrays: check_array() */
	}
	return ctl_reply_fail(r, code, path, -1, "%s: expected %s, got %s",
			      path, exp, g);
}

static int check_array(const struct ctl_field *f, const json_t *j,
		       const char *path, enum snic_mgr_ctl_code code, void *dst,
		       struct snic_mgr_ctl_reply *r)
{
	char exp[160], g[96], el[160];
	size_t n = json_array_size(j);
	struct ctl_field ef = *f;

	expected(f, exp, sizeof(exp));
	if (!json_is_array(j) || n > SNIC_MGR_CTL_MAX_FLOWS) {
		got(j, g, sizeof(g));
		if (json_is_array(j))
			snprintf(g, sizeof(g), "%zu elements", n);
		return ctl_reply_fail(r, code, path, -1, "%s: expected %s, got %s",
				      path, exp, g);
	}
	ef.type = f->type == CTL_T_RULES ? CTL_T_STRING : CTL_T_UINT;
	if (f->type == CTL_T_RULES) {
		struct snic_mgr_ctl_strv *sv = dst;
		const char **v = calloc(n ? n : 1, sizeof(*v));
		if (!v)
			return ctl_reply_fail(r, SNIC_MGR_CTL_EIO, path, -1,
					      "out of memory for %zu rules", n);
		sv->v = v;
		for (size_t i = 0; i < n; i++) {
			snprintf(el, sizeof(el), "%s[%zu]", path, i);
			if (check_value(&ef, json_array_get(j, i), el, code, &v[i], r)) {
				r->index = (long long)i;
				return -1;
			}
		}
		sv->n = n;
	} else {
		struct ctl_lines *ln = dst;
		uint64_t *v = calloc(n ? n : 1, sizeof(*v));
		struct snic_mgr_ctl_uint u;
		if (!v)
			return ctl_reply_fail(r, SNIC_MGR_CTL_EIO, path, -1,
					      "out of memory for %zu line numbers", n);
		ln->v = v;
		ln->present = true;
		for (size_t i = 0; i < n; i++) {
			snprintf(el, sizeof(el), "%s[%zu]", path, i);
			if (check_value(&ef, json_array_get(j, i), el, code, &u, r))
				return -1;
			v[i] = u.value;
		}
		ln->n = n;
	}
	return 0;
}

int ctl_validate(const struct ctl_field *fields, size_t n_fields, json_t *obj,
		 const char *path, enum snic_mgr_ctl_code code, const char *what,
		 void *out, struct snic_mgr_ctl_reply *r)
{
	char fp[96], exp[160], names[256] = "";
	const char *key;
	json_t *j;

	for (size_t i = 0; i < n_fields; i++) {
		const struct ctl_field *f = &fields[i];
		void *dst = (char *)out + f->off;

		snprintf(fp, sizeof(fp), "%s%s", path, f->name);
		snprintf(names + strlen(names), sizeof(names) - strlen(names),
			 "%s%s", i ? ", " : "", f->name);
		j = json_object_get(obj, f->name);
		if (!j) {
			if (f->flags & CTL_F_REQUIRED) {
				expected(f, exp, sizeof(exp));
				return ctl_reply_fail(r, code, fp, -1, "%s: missing "
						      "(required: %s)", fp, exp);
			}
			if (f->type == CTL_T_UINT)
				((struct snic_mgr_ctl_uint *)dst)->value = f->def;
			continue;
		}
		if (f->type == CTL_T_RULES || f->type == CTL_T_LINES) {
			if (check_array(f, j, fp, code, dst, r))
				return -1;
		} else if (check_value(f, j, fp, code, dst, r)) {
			return -1;
		}
	}
	json_object_foreach(obj, key, j) {
		bool known = false;
		for (size_t i = 0; i < n_fields && !known; i++)
			known = strcmp(fields[i].name, key) == 0;
		if (!known) {
			snprintf(fp, sizeof(fp), "%s%.64s", path, key);
			ctl_clean_text(fp);
			return ctl_reply_fail(r, code, fp, -1, "%s: unknown field "
					      "in %s (%s%s)", fp, what,
					      n_fields ? "allowed: " : "it takes none",
					      names);
		}
	}
	return 0;
}

void ctl_args_release(struct ctl_args *a)
{
	free((void *)a->flows.v);
	free((void *)a->lines.v);
	a->flows.v = NULL;
	a->lines.v = NULL;
}
