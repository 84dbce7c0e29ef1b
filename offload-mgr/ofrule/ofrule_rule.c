/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ofrule_rule.c - a whole rule (parse_ofp_str__()): the rule settings
 * (table, priority, cookie, timeouts, out_port), the match fields and
 * shorthands, "actions=" and what follows it; rules files (add-flows);
 * rule equality, compact copies.
 */
#define _GNU_SOURCE   /* memmem() */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ofrule_internal.h"

void snic_of_rule_init(struct snic_of_rule *rule, enum snic_of_mode mode)
{
	memset(rule, 0, sizeof(*rule));
	rule->mode = mode;
	rule->table = mode == SNIC_OF_MODE_ADD ? 0 : SNIC_OF_TABLE_ALL;
	rule->priority = SNIC_OF_DEFAULT_PRIORITY;
	rule->out_port = SNIC_OF_PORT_ANY;
}

size_t snic_of_rule_size(const struct snic_of_rule *rule)
{
	unsigned n = rule->n_actions < SNIC_OF_MAX_ACTIONS ? rule->n_actions :
		     SNIC_OF_MAX_ACTIONS;

	return offsetof(struct snic_of_rule, actions) + n * sizeof(rule->actions[0]);
}

struct snic_of_rule *snic_of_rule_dup(const struct snic_of_rule *rule)
{
	size_t size = snic_of_rule_size(rule);
	struct snic_of_rule *r = malloc(size);

	if (r)
		memcpy(r, rule, size);
	return r;
}

/* Keywords OVS takes and ignores (dump-flows output fed back, and two
 * switches of its own). */
static const char *const ignored[] = {
	"duration", "n_packets", "n_bytes", "idle_age", "hard_age",
	"no_readonly_table", "allow_hidden_fields",
};

static const char *const settings[] = {
	"table", "priority", "idle_timeout", "hard_timeout", "cookie",
	"out_port",
};

static int u16_setting(const struct of_ctx *c, const struct of_kv *kv,
		       const char *name, uint16_t *out)
{
	long long x;

	if (!of_scan_ll(kv->val, kv->val_len, 0, UINT16_MAX, &x))
		return of_fail_kv(c, -EINVAL, kv, "invalid %s \"%.*s\"", name,
				  (int)kv->val_len, kv->val);
	*out = (uint16_t)x;
	return 0;
}

static int u64_value(const struct of_ctx *c, const struct of_kv *kv,
		     const char *s, size_t n, uint64_t *out)
{
	int r = of_scan_u64(s, n, out);

	if (r == EDOM)
		return of_fail_kv(c, -EINVAL, kv, "%.*s: negative numbers are "
				  "not allowed here", (int)n, s);
	if (r)
		return of_fail_kv(c, -EINVAL, kv, "invalid numeric format %.*s",
				  (int)n, s);
	return 0;
}

static int parse_cookie(const struct of_ctx *c, const struct of_kv *kv,
			struct snic_of_rule *r)
{
	const char *slash = memchr(kv->val, '/', kv->val_len);
	size_t vn = slash ? (size_t)(slash - kv->val) : kv->val_len;

	if (slash) {
		if (r->mode == SNIC_OF_MODE_ADD)
			return of_fail_kv(c, -EINVAL, kv, "flow additions cannot "
					  "use a cookie mask");
		if (u64_value(c, kv, kv->val, vn, &r->cookie) ||
		    u64_value(c, kv, slash + 1, kv->val_len - vn - 1,
			      &r->cookie_mask))
			return -EINVAL;
		r->cookie &= r->cookie_mask;
		return 0;
	}
	if (r->mode != SNIC_OF_MODE_ADD)
		return of_fail_kv(c, -EINVAL, kv, "cannot set cookie (to match "
				  "on the cookie write cookie=VALUE/MASK)");
	return u64_value(c, kv, kv->val, kv->val_len, &r->cookie);
}

/* One rule setting (table=, priority=, ...): 1 if kv is not one. */
static int parse_setting(const struct of_ctx *c, const struct of_kv *kv,
			 struct snic_of_rule *r)
{
	const char *k = kv->key;
	size_t kn = kv->key_len;
	bool add = r->mode == SNIC_OF_MODE_ADD;
	unsigned long long t;
	uint32_t port;

	if (of_span_eq(k, kn, "table")) {
		if (!of_scan_uint10(kv->val, kv->val_len, 255, &t))
			return of_fail_kv(c, -EINVAL, kv, "unknown table "
					  "\"%.*s\" (tables are 0 to 254)",
					  (int)kv->val_len, kv->val);
		r->table = (uint8_t)(add && t == 255 ? 0 : t);
		return 0;
	}
	if (of_span_eq(k, kn, "priority")) {
		if (r->mode == SNIC_OF_MODE_MATCH)
			return of_fail_kv(c, -EINVAL, kv, "priority is only "
					  "taken by strict matches");
		return u16_setting(c, kv, "priority", &r->priority);
	}
	if (of_span_eq(k, kn, "idle_timeout") ||
	    of_span_eq(k, kn, "hard_timeout")) {
		if (!add)
			return of_fail_kv(c, -EINVAL, kv, "%.*s is only taken "
					  "when adding rules", (int)kn, k);
		return u16_setting(c, kv, k[0] == 'i' ? "idle_timeout" :
				   "hard_timeout", k[0] == 'i' ?
				   &r->idle_timeout : &r->hard_timeout);
	}
	if (of_span_eq(k, kn, "cookie"))
		return parse_cookie(c, kv, r);
	if (of_span_eq(k, kn, "out_port")) {
		if (add)
			return of_fail_kv(c, -EINVAL, kv, "unknown keyword "
					  "out_port (only del-flows and "
					  "dump-flows take it)");
		enum of_port_res res = of_parse_port(c, kv->val, kv->val_len,
						     &port);
		if (res != OF_PORT_OK)
			return of_fail_port(c, kv, res, kv->val, kv->val_len,
					    "not a valid OpenFlow port");
		r->out_port = port;
		return 0;
	}
	return 1;
}

static int parse_match_token(const struct of_ctx *c, const struct of_kv *kv,
			     struct of_match_build *mb, struct snic_of_rule *r)
{
	const char *k = kv->key;
	size_t kn = kv->key_len;
	const struct of_field *f;
	int err;

	/* a rule setting with a value (table=, priority=, ...), first: none
	 * of the checks below takes these names, and they are in every rule
	 * snic-offloadd loads from its store */
	for (size_t i = 0; kv->val_len && i < OF_ARRAY_SIZE(settings); i++)
		if (of_span_eq(k, kn, settings[i]))
			return parse_setting(c, kv, r);
	if (of_match_shorthand(mb, kv) || of_span_eq(k, kn, "eth")) {
		if (kv->val_len)
			return of_fail_kv(c, -EINVAL, kv, "%.*s takes no value",
					  (int)kn, k);
		return 0;
	}
	for (size_t i = 0; i < OF_ARRAY_SIZE(ignored); i++)
		if (of_span_eq(k, kn, ignored[i]))
			return 0;
	f = of_field_find(k, kn);
	if (f)
		return of_match_field(c, mb, kv, f);
	if (memchr(k, '[', kn) || of_ovs_field_known(k, kn))
		return of_fail_kv(c, -ENOTSUP, kv, "%.*s is not supported by "
				  "snic", (int)kn, k);
	if (!kv->val_len) {
		for (size_t i = 0; i < OF_ARRAY_SIZE(settings); i++)
			if (of_span_eq(k, kn, settings[i]))
				return of_fail_kv(c, -EINVAL, kv, "field %.*s "
						  "missing value", (int)kn, k);
		return of_fail_kv(c, -EINVAL, kv, "unknown field \"%.*s\" (not "
				  "a field=value nor a shorthand such as ip or "
				  "tcp)", (int)kn, k);
	}
	err = parse_setting(c, kv, r);
	if (err <= 0)
		return err;
	if (of_span_eq(k, kn, "actions"))
		return of_fail_kv(c, -EINVAL, kv, "actions are not taken when "
				  "matching rules (del-flows, dump-flows)");
	return of_fail_kv(c, -EINVAL, kv, "unknown field \"%.*s\"", (int)kn, k);
}

static int parse_rule(const struct of_ctx *c, size_t len,
		      enum snic_of_mode mode, struct snic_of_rule *out)
{
	const char *t = c->base;
	size_t match_end = len, act_start = len, pos = 0;
	struct of_match_build mb;
	struct snic_of_rule r;
	struct of_kv kv;
	int err;

	if (mode == SNIC_OF_MODE_ADD) {
		/* ofp_extract_actions(): the first "action", then its '='. */
		const char *a = memmem(t, len, "action", 6);
		const char *eq = a ? memchr(a + 1, '=', len - (size_t)(a + 1 - t))
				   : NULL;
		if (!eq)
			return of_fail(c, -EINVAL, SIZE_MAX, 0, "must specify an "
				       "action (\"actions=...\" last, e.g. "
				       "actions=drop)");
		match_end = (size_t)(a - t);
		act_start = (size_t)(eq + 1 - t);
	}
	of_match_build_init(&mb);
	snic_of_rule_init(&r, mode);
	while (of_next_kv(t, &pos, match_end, &kv)) {
		err = parse_match_token(c, &kv, &mb, &r);
		if (err)
			return err;
	}
	err = of_match_check_prereqs(c, &mb);
	if (err)
		return err;
	r.match = mb.m;
	if (mode == SNIC_OF_MODE_ADD) {
		err = of_parse_actions(c, act_start, len, &r);
		if (err)
			return err;
	}
	*out = r;
	return 0;
}

int snic_of_rule_parse(const char *text, enum snic_of_mode mode,
		       const struct snic_of_ports *ports,
		       struct snic_of_rule *out, struct snic_of_error *err)
{
	struct of_ctx c = { .base = text, .ports = ports, .err = err };

	if (mode != SNIC_OF_MODE_ADD && mode != SNIC_OF_MODE_MATCH &&
	    mode != SNIC_OF_MODE_MATCH_STRICT)
		return of_fail(&c, -EINVAL, SIZE_MAX, 0, "unknown mode %d",
			       (int)mode);
	return parse_rule(&c, strlen(text), mode, out);
}

/* ---- rules files ---- */

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n\v\f", s[i]) || !s[i])
			return false;
	return true;
}

int snic_of_rules_parse(const char *text, size_t len,
			const struct snic_of_ports *ports,
			struct snic_of_rule **rules, size_t *n_rules,
			struct snic_of_error *err)
{
	struct of_ctx c = { .ports = ports, .err = err };
	struct snic_of_rule *arr = NULL;
	size_t n = 0, cap = 0, pos = 0;
	char *line = NULL;
	int r = 0;

	for (unsigned no = 1; pos < len; no++) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - s) : len - pos;
		const char *hash = memchr(s, '#', ll);
		size_t body = hash ? (size_t)(hash - s) : ll;

		pos += ll + (nl != NULL);
		c.line = no;
		if (memchr(s, '\0', body)) {
			c.base = s;
			r = of_fail(&c, -EINVAL, (size_t)((const char *)
					       memchr(s, '\0', body) - s), 0,
				    "a NUL byte in the line");
			break;
		}
		if (blank(s, body))
			continue;
		free(line);
		line = malloc(body + 1);
		if (n == cap) {
			size_t nc = cap ? 2 * cap : 16;
			struct snic_of_rule *na = realloc(arr, nc * sizeof(*arr));
			if (na) {
				arr = na;
				cap = nc;
			}
		}
		if (!line || n == cap) {
			r = of_fail(&c, -ENOMEM, SIZE_MAX, 0, "out of memory");
			break;
		}
		memcpy(line, s, body);
		line[body] = '\0';
		c.base = line;
		r = parse_rule(&c, body, SNIC_OF_MODE_ADD, &arr[n]);
		if (r)
			break;
		n++;
	}
	free(line);
	if (r) {
		free(arr);
		return r;
	}
	if (!n) {
		free(arr);
		arr = NULL;
	}
	*rules = arr;
	*n_rules = n;
	return 0;
}

/* ---- equality ---- */

static bool action_equal(const struct snic_of_action *a,
			 const struct snic_of_action *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case SNIC_OF_ACT_OUTPUT:
		return a->u.port == b->u.port;
	case SNIC_OF_ACT_CONTROLLER:
		return a->u.controller.max_len == b->u.controller.max_len &&
		       a->u.controller.id == b->u.controller.id &&
		       a->u.controller.reason == b->u.controller.reason;
	case SNIC_OF_ACT_MOD_VLAN_VID:
		return a->u.vlan_vid == b->u.vlan_vid;
	case SNIC_OF_ACT_MOD_VLAN_PCP:
		return a->u.vlan_pcp == b->u.vlan_pcp;
	case SNIC_OF_ACT_STRIP_VLAN:
		return a->u.pop == b->u.pop;
	case SNIC_OF_ACT_PUSH_VLAN:
		return a->u.ethertype == b->u.ethertype;
	case SNIC_OF_ACT_MOD_DL_SRC:
	case SNIC_OF_ACT_MOD_DL_DST:
		return !memcmp(a->u.mac, b->u.mac, 6);
	case SNIC_OF_ACT_MOD_NW_SRC:
	case SNIC_OF_ACT_MOD_NW_DST:
		return a->u.ipv4 == b->u.ipv4;
	case SNIC_OF_ACT_MOD_NW_TOS:
		return a->u.tos == b->u.tos;
	case SNIC_OF_ACT_MOD_NW_TTL:
		return a->u.ttl == b->u.ttl;
	case SNIC_OF_ACT_MOD_TP_SRC:
	case SNIC_OF_ACT_MOD_TP_DST:
		return a->u.tp_port == b->u.tp_port;
	case SNIC_OF_ACT_DEC_TTL:
		return true;
	case SNIC_OF_ACT_SET_TUNNEL:
		return a->u.tunnel.id == b->u.tunnel.id &&
		       (a->u.tunnel.wide || a->u.tunnel.id > UINT32_MAX) ==
		       (b->u.tunnel.wide || b->u.tunnel.id > UINT32_MAX);
	case SNIC_OF_ACT_SET_FIELD:
		return a->u.set_field.field == b->u.set_field.field &&
		       a->u.set_field.value == b->u.set_field.value &&
		       a->u.set_field.mask == b->u.set_field.mask;
	case SNIC_OF_ACT_WRITE_METADATA:
		return a->u.metadata.value == b->u.metadata.value &&
		       a->u.metadata.mask == b->u.metadata.mask;
	case SNIC_OF_ACT_GOTO_TABLE:
		return a->u.table == b->u.table;
	}
	return false;
}

bool snic_of_rule_equal(const struct snic_of_rule *a,
			const struct snic_of_rule *b)
{
	if (a->mode != b->mode || a->table != b->table ||
	    a->priority != b->priority || a->idle_timeout != b->idle_timeout ||
	    a->hard_timeout != b->hard_timeout || a->cookie != b->cookie ||
	    a->cookie_mask != b->cookie_mask || a->out_port != b->out_port ||
	    a->n_actions != b->n_actions ||
	    !snic_of_match_equal(&a->match, &b->match))
		return false;
	for (unsigned i = 0; i < a->n_actions && i < SNIC_OF_MAX_ACTIONS; i++)
		if (!action_equal(&a->actions[i], &b->actions[i]))
			return false;
	return true;
}
