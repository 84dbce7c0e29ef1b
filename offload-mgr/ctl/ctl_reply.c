/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_reply.c - the reply a backend op builds: its error (snic_mgr_ctl_fail)
 * and the typed result builders; error code names; message cleaning.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ctl_internal.h"

static const char *const code_names[SNIC_MGR_CTL_CODE_COUNT] = {
	[SNIC_MGR_CTL_OK] = "OK",
	[SNIC_MGR_CTL_EINVAL] = "EINVAL",
	[SNIC_MGR_CTL_ENOENT] = "ENOENT",
	[SNIC_MGR_CTL_EEXIST] = "EEXIST",
	[SNIC_MGR_CTL_ENOSPC] = "ENOSPC",
	[SNIC_MGR_CTL_ENOTSUP] = "ENOTSUP",
	[SNIC_MGR_CTL_EBUSY] = "EBUSY",
	[SNIC_MGR_CTL_EPROTO] = "EPROTO",
	[SNIC_MGR_CTL_EIO] = "EIO",
	[SNIC_MGR_CTL_EPERM] = "EPERM",
	[SNIC_MGR_CTL_ETIMEDOUT] = "ETIMEDOUT",
	[SNIC_MGR_CTL_ECONN] = "ECONN",
};

const char *snic_mgr_ctl_code_name(enum snic_mgr_ctl_code code)
{
	return (unsigned)code < SNIC_MGR_CTL_CODE_COUNT ? code_names[code] : "?";
}

enum snic_mgr_ctl_code snic_mgr_ctl_code_parse(const char *name)
{
	for (unsigned i = 0; i < SNIC_MGR_CTL_CODE_COUNT; i++)
		if (name && strcmp(code_names[i], name) == 0)
			return (enum snic_mgr_ctl_code)i;
	return SNIC_MGR_CTL_CODE_COUNT;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

void ctl_clean_text(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		size_t n = utf8_len(p);
		if (n == 0) {
			*p++ = '?';
		} else if (n == 1 && (*p < 0x20 || *p == 0x7f)) {
			*p++ = ' ';
		} else {
			p += n;
		}
	}
}

int ctl_set(json_t *obj, const char *key, json_t *value)
{
	return value && json_object_set_new(obj, key, value) == 0 ? 0 : -1;
}

int ctl_reply_vfail(struct snic_mgr_ctl_reply *r, enum snic_mgr_ctl_code code,
		    const char *field, long long index, const char *fmt, va_list ap)
{
	if (r->code != SNIC_MGR_CTL_OK)
		return -1;
	if (code == SNIC_MGR_CTL_OK || (unsigned)code >= SNIC_MGR_CTL_CODE_COUNT)
		code = SNIC_MGR_CTL_EIO;
	r->code = code;
	r->index = index < 0 ? -1 : index;
	snprintf(r->field, sizeof(r->field), "%s", field ? field : "");
	ctl_clean_text(r->field);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	ctl_clean_text(r->message);
	if (!r->message[0])
		snprintf(r->message, sizeof(r->message), "%s (no message given)",
			 snic_mgr_ctl_code_name(code));
	return -1;
}

int ctl_reply_fail(struct snic_mgr_ctl_reply *r, enum snic_mgr_ctl_code code,
		   const char *field, long long index, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctl_reply_vfail(r, code, field, index, fmt, ap);
	va_end(ap);
	return -1;
}

int snic_mgr_ctl_fail(struct snic_mgr_ctl_reply *r, enum snic_mgr_ctl_code code,
		      long long index, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctl_reply_vfail(r, code, NULL, index, fmt, ap);
	va_end(ap);
	return -1;
}

int ctl_reply_bug(struct snic_mgr_ctl_reply *r, const char *fmt, ...)
{
	va_list ap;

	if (r->bug[0])
		return -1;
	va_start(ap, fmt);
	vsnprintf(r->bug, sizeof(r->bug), fmt, ap);
	va_end(ap);
	ctl_clean_text(r->bug);
	return -1;
}

/* The result array key of the running command, or a bug. */
static json_t *list(struct snic_mgr_ctl_reply *r, enum ctl_cmd_id want,
		    const char *key, const char *fn)
{
	json_t *a = r->cmd == want ? json_object_get(r->result, key) : NULL;

	if (!a)
		ctl_reply_bug(r, "%s() called outside its command", fn);
	return a;
}

static json_t *counts(const struct snic_mgr_ctl_counts *c)
{
	/* counters beyond 2^63 - 1 cannot be a JSON integer in jansson */
	return json_pack("{s:I,s:I}",
			 "packets", (json_int_t)(c->packets > INT64_MAX ? INT64_MAX : c->packets),
			 "bytes", (json_int_t)(c->bytes > INT64_MAX ? INT64_MAX : c->bytes));
}

/* A string from the backend, or NULL with a bug recorded. */
static json_t *text(struct snic_mgr_ctl_reply *r, const char *s, const char *what)
{
	json_t *j = s ? json_string(s) : NULL;

	if (!j)
		ctl_reply_bug(r, "%s is %s", what, s ? "not valid UTF-8 (or out of memory)" : "NULL");
	return j;
}

static const char *const state_names[] = { "hw", "sw", "pending", "failed" };

int snic_mgr_ctl_reply_flow(struct snic_mgr_ctl_reply *r,
			    const struct snic_mgr_ctl_flow *f)
{
	json_t *a = list(r, CTL_DUMP_FLOWS, "flows", __func__), *o, *t, *hw;
	struct snic_mgr_ctl_counts tot = f->sw;
	char cookie[24], err[SNIC_MGR_CTL_MSG_MAX];
	bool bad = false;

	if (!a)
		return -1;
	if (f->id > SNIC_MGR_CTL_MAX_ID || f->table > 254 ||
	    (unsigned)f->state > SNIC_MGR_CTL_STATE_FAILED || !(f->age_s >= 0) ||
	    !(f->idle_s >= 0))
		return ctl_reply_bug(r, "rule %" PRIu64 ": id, table, state, age_s "
				     "or idle_s out of range", f->id);
	snprintf(cookie, sizeof(cookie), "0x%" PRIx64, f->cookie);
	if (f->hw_error) {
		snprintf(err, sizeof(err), "query failed: %s", f->hw_error);
		ctl_clean_text(err);
		hw = json_pack("{s:s}", "error", err);
	} else {
		hw = counts(&f->hw);
		tot.packets += f->hw.packets;
		tot.bytes += f->hw.bytes;
	}
	t = counts(&tot);
	if (t && f->hw_error)
		bad = json_object_set_new(t, "incomplete", json_true()) != 0;
	/* every ctl_set() consumes its value, also when o is NULL: no leak */
	o = json_object();
	bad |= ctl_set(o, "id", json_integer((json_int_t)f->id)) != 0;
	bad |= ctl_set(o, "text", text(r, f->text, "the rule text")) != 0;
	bad |= ctl_set(o, "table", json_integer(f->table)) != 0;
	bad |= ctl_set(o, "priority", json_integer(f->priority)) != 0;
	bad |= ctl_set(o, "cookie", json_string(cookie)) != 0;
	bad |= ctl_set(o, "state", json_string(state_names[f->state])) != 0;
	bad |= ctl_set(o, "reason", f->reason ? text(r, f->reason, "the reason")
					      : json_null()) != 0;
	bad |= ctl_set(o, "hw", hw) != 0;
	bad |= ctl_set(o, "sw", counts(&f->sw)) != 0;
	bad |= ctl_set(o, "total", t) != 0;
	bad |= ctl_set(o, "age_s", json_real(f->age_s)) != 0;
	bad |= ctl_set(o, "idle_s", json_real(f->idle_s)) != 0;
	if (bad || json_array_append_new(a, o)) {
		if (bad)
			json_decref(o);
		return ctl_reply_bug(r, "cannot build rule %" PRIu64 " of the result", f->id);
	}
	return 0;
}

int snic_mgr_ctl_reply_hw_rule(struct snic_mgr_ctl_reply *r, uint64_t id,
			       const char *flow)
{
	json_t *a = list(r, CTL_DUMP_HW, "rules", __func__), *o, *s;

	if (!a)
		return -1;
	if (id > SNIC_MGR_CTL_MAX_ID)
		return ctl_reply_bug(r, "hardware rule id %" PRIu64 " out of range", id);
	s = text(r, flow, "the hardware rule");
	o = s ? json_pack("{s:I,s:o}", "id", (json_int_t)id, "flow", s) : NULL;
	if (!o || json_array_append_new(a, o))
		return ctl_reply_bug(r, "cannot build hardware rule %" PRIu64, id);
	return 0;
}

int snic_mgr_ctl_reply_diff(struct snic_mgr_ctl_reply *r,
			    enum snic_mgr_ctl_diff_side side, const char *t)
{
	json_t *a = list(r, CTL_DIFF_FLOWS, side == SNIC_MGR_CTL_ONLY_IN_FILE ?
			 "only_in_file" : "only_in_switch", __func__);
	json_t *s;

	if (!a)
		return -1;
	if ((unsigned)side > SNIC_MGR_CTL_ONLY_IN_SWITCH)
		return ctl_reply_bug(r, "diff side %d out of range", (int)side);
	s = text(r, t, "the rule text");
	if (!s || json_array_append_new(a, s))
		return ctl_reply_bug(r, "cannot build the diff");
	return 0;
}

int snic_mgr_ctl_reply_show(struct snic_mgr_ctl_reply *r,
			    enum snic_mgr_ctl_show_part part, json_t *value)
{
	static const char *const names[] = { "ports", "tunnels", "capacity" };

	if (r->cmd != CTL_SHOW) {
		json_decref(value);
		return ctl_reply_bug(r, "%s() called outside its command", __func__);
	}
	if ((unsigned)part > SNIC_MGR_CTL_SHOW_CAPACITY || !value ||
	    (part == SNIC_MGR_CTL_SHOW_CAPACITY ? !json_is_object(value)
						: !json_is_array(value))) {
		json_decref(value);
		return ctl_reply_bug(r, "show part %d: wrong kind of value", (int)part);
	}
	if (json_object_set_new(r->result, names[part], value))
		return ctl_reply_bug(r, "cannot build the show result");
	return 0;
}
