/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_stub.c - the stub backend of ctl_stub.h: rules as strings, indexed by
 * their match part in an open-addressing hash table.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_stub.h"

struct rule {
	uint64_t id;
	char *text;
	size_t mlen;             /* the match part: text[0, mlen) */
};

struct table {
	struct rule *r;
	size_t n, alloc;
	uint32_t *slot;          /* index + 1 into r, 0 = empty */
	size_t nslot;            /* power of two, > 2 n */
};

struct ctl_stub {
	size_t cap;
	struct table t;
	uint64_t next_id;
	char **tunnels;
	size_t n_tunnels;
};

/* The match part of a rule: its length, or -1 without "actions=X". */
static long match_len(const char *text)
{
	const char *a = strstr(text, "actions=");
	size_t m;

	if (!a || !a[8] || (a != text && a[-1] != ',' && a[-1] != ' '))
		return -1;
	m = (size_t)(a - text);
	return (long)(m ? m - 1 : 0);
}

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static size_t probe(const struct table *t, const char *s, size_t n, bool *found)
{
	size_t i = hash(s, n) & (t->nslot - 1);

	for (;; i = (i + 1) & (t->nslot - 1)) {
		const struct rule *r;
		if (!t->slot[i]) {
			*found = false;
			return i;
		}
		r = &t->r[t->slot[i] - 1];
		if (r->mlen == n && memcmp(r->text, s, n) == 0) {
			*found = true;
			return i;
		}
	}
}

/* The rule whose match part is s[0, n), or NULL. */
static struct rule *find(const struct table *t, const char *s, size_t n)
{
	bool found;
	size_t i;

	if (!t->nslot)
		return NULL;
	i = probe(t, s, n, &found);
	return found ? &t->r[t->slot[i] - 1] : NULL;
}

static int reindex(struct table *t, size_t want)
{
	size_t ns = 16;
	bool found;

	while (ns <= 2 * want)
		ns *= 2;
	free(t->slot);
	t->slot = calloc(ns, sizeof(*t->slot));
	t->nslot = t->slot ? ns : 0;
	if (!t->slot)
		return -1;
	for (size_t i = 0; i < t->n; i++)
		t->slot[probe(t, t->r[i].text, t->r[i].mlen, &found)] = (uint32_t)i + 1;
	return 0;
}

/* Append a rule (its match must be new); 0 or -1 out of memory. */
static int append(struct table *t, const char *text, size_t mlen, uint64_t id)
{
	bool found;

	if (t->n == t->alloc) {
		size_t a = t->alloc ? t->alloc * 2 : 64;
		struct rule *r = realloc(t->r, a * sizeof(*r));
		if (!r)
			return -1;
		t->r = r;
		t->alloc = a;
	}
	if (2 * (t->n + 1) >= t->nslot && reindex(t, t->n + 1))
		return -1;
	t->r[t->n] = (struct rule){ .id = id, .text = strdup(text), .mlen = mlen };
	if (!t->r[t->n].text)
		return -1;
	t->slot[probe(t, text, mlen, &found)] = (uint32_t)++t->n;
	return 0;
}

/* Drop rules [from, n) (a failed batch) or nothing. */
static void truncate_to(struct table *t, size_t from)
{
	while (t->n > from)
		free(t->r[--t->n].text);
	reindex(t, t->n);
}

static void table_free(struct table *t)
{
	truncate_to(t, 0);
	free(t->r);
	free(t->slot);
	*t = (struct table){ 0 };
}

struct ctl_stub *ctl_stub_new(size_t capacity)
{
	struct ctl_stub *st = calloc(1, sizeof(*st));

	if (st) {
		st->cap = capacity;
		st->next_id = 1;
	}
	return st;
}

void ctl_stub_reset(struct ctl_stub *st)
{
	table_free(&st->t);
	for (size_t i = 0; i < st->n_tunnels; i++)
		free(st->tunnels[i]);
	free(st->tunnels);
	st->tunnels = NULL;
	st->n_tunnels = 0;
	st->next_id = 1;
}

void ctl_stub_free(struct ctl_stub *st)
{
	if (st)
		ctl_stub_reset(st);
	free(st);
}

size_t ctl_stub_count(const struct ctl_stub *st)
{
	return st->t.n;
}

const char *ctl_stub_rule(const struct ctl_stub *st, size_t i)
{
	return i < st->t.n ? st->t.r[i].text : NULL;
}

/* Add flows to t (new ids from *next_id, or the ids of old's rules with
 * the same match when old is given); all or nothing. */
static int add_batch(struct ctl_stub *st, struct table *t, const struct table *old,
		     const struct snic_mgr_ctl_strv *f, struct snic_mgr_ctl_reply *r)
{
	size_t from = t->n;
	uint64_t next_id = st->next_id;

	if (t->n + f->n > st->cap)
		return snic_mgr_ctl_fail(r, SNIC_MGR_CTL_ENOSPC, (long long)(st->cap - t->n),
					 "rule %zu: the stub holds at most %zu rules",
					 st->cap - t->n, st->cap);
	for (size_t i = 0; i < f->n; i++) {
		long m = match_len(f->v[i]);
		const struct rule *dup, *was;
		if (m < 0) {
			truncate_to(t, from);
			st->next_id = next_id;
			return snic_mgr_ctl_fail(r, SNIC_MGR_CTL_EINVAL, (long long)i,
						 "rule %zu: no actions= (\"%.60s\")", i, f->v[i]);
		}
		dup = find(t, f->v[i], (size_t)m);
		if (dup) {
			uint64_t id = dup->id;
			truncate_to(t, from);
			st->next_id = next_id;
			return snic_mgr_ctl_fail(r, SNIC_MGR_CTL_EEXIST, (long long)i,
						 "rule %zu: a rule with the same match exists "
						 "(id %" PRIu64 ")", i, id);
		}
		was = old ? find(old, f->v[i], (size_t)m) : NULL;
		if (append(t, f->v[i], (size_t)m, was ? was->id : st->next_id++)) {
			truncate_to(t, from);
			return snic_mgr_ctl_fail(r, SNIC_MGR_CTL_EIO, (long long)i,
						 "out of memory");
		}
	}
	return 0;
}

static int add_flows(void *be, const struct snic_mgr_ctl_strv *f, uint64_t *added,
		     struct snic_mgr_ctl_reply *r)
{
	struct ctl_stub *st = be;

	if (add_batch(st, &st->t, NULL, f, r))
		return -1;
	*added = f->n;
	return 0;
}

static int del_flows(void *be, const char *match, bool strict, uint64_t *deleted,
		     struct snic_mgr_ctl_reply *r)
{
	struct ctl_stub *st = be;
	struct table *t = &st->t;
	size_t keep = 0, ml = match ? strlen(match) : 0;

	if (match && strstr(match, "actions="))
		return snic_mgr_ctl_fail(r, SNIC_MGR_CTL_EINVAL, SNIC_MGR_CTL_NO_INDEX,
					 "match: a match has no actions (\"%.60s\")", match);
	for (size_t i = 0; i < t->n; i++) {
		struct rule *x = &t->r[i];
		bool hit = !match || (strict ? x->mlen == ml && !memcmp(x->text, match, ml)
				      : memmem(x->text, x->mlen, match, ml) != NULL);
		if (hit)
			free(x->text);
		else
			t->r[keep++] = *x;
	}
	*deleted = t->n - keep;
	t->n = keep;
	reindex(t, t->n);
	return 0;
}

static int mod_flows(void *be, const struct snic_mgr_ctl_strv *f, bool strict,
		     uint64_t *modified, struct snic_mgr_ctl_reply *r)
{
	struct ctl_stub *st = be;
	char **texts = calloc(f->n ? f->n : 1, sizeof(*texts));

	if (!texts)
		return snic_mgr_ctl_fail(r, SNIC_MGR_CTL_EIO, -1, "out of memory");
	/* check and copy everything first: all or nothing */
	for (size_t i = 0; i < f->n; i++) {
		bool bad = match_len(f->v[i]) < 0;
		if (bad || !(texts[i] = strdup(f->v[i]))) {
			for (size_t j = 0; j < i; j++)
				free(texts[j]);
			free(texts);
			return snic_mgr_ctl_fail(r, bad ? SNIC_MGR_CTL_EINVAL : SNIC_MGR_CTL_EIO,
						 (long long)i, "rule %zu: %s (\"%.60s\")", i,
						 bad ? "no actions=" : "out of memory", f->v[i]);
		}
	}
	*modified = 0;
	for (size_t i = 0; i < f->n; i++) {
		struct rule *x = find(&st->t, texts[i], (size_t)match_len(texts[i]));
		if (x) {
			free(x->text);
			x->text = texts[i];
			++*modified;
		} else {
			free(texts[i]);
		}
	}
	free(texts);
	return 0;
}

static int replace_flows(void *be, const struct snic_mgr_ctl_strv *f,
			 struct snic_mgr_ctl_replaced *out, struct snic_mgr_ctl_reply *r)
{
	struct ctl_stub *st = be;
	struct table nt = { 0 };
	size_t kept = 0;

	if (add_batch(st, &nt, &st->t, f, r)) {
		table_free(&nt);
		return -1;
	}
	*out = (struct snic_mgr_ctl_replaced){ 0 };
	for (size_t i = 0; i < nt.n; i++) {
		const struct rule *was = find(&st->t, nt.r[i].text, nt.r[i].mlen);
		if (!was)
			out->added++;
		else if (kept++, strcmp(was->text, nt.r[i].text) != 0)
			out->modified++;
	}
	out->deleted = st->t.n - kept;
	table_free(&st->t);
	st->t = nt;
	return 0;
}

static int diff_flows(void *be, const struct snic_mgr_ctl_strv *f,
		      struct snic_mgr_ctl_reply *r)
{
	struct ctl_stub *st = be;
	bool *seen = calloc(st->t.n + 1, sizeof(*seen));

	if (!seen)
		return snic_mgr_ctl_fail(r, SNIC_MGR_CTL_EIO, -1, "out of memory");
	for (size_t i = 0; i < f->n; i++) {
		long m = match_len(f->v[i]);
		const struct rule *x = m < 0 ? NULL : find(&st->t, f->v[i], (size_t)m);
		if (x && strcmp(x->text, f->v[i]) == 0)
			seen[x - st->t.r] = true;
		else
			snic_mgr_ctl_reply_diff(r, SNIC_MGR_CTL_ONLY_IN_FILE, f->v[i]);
	}
	for (size_t i = 0; i < st->t.n; i++)
		if (!seen[i])
			snic_mgr_ctl_reply_diff(r, SNIC_MGR_CTL_ONLY_IN_SWITCH, st->t.r[i].text);
	free(seen);
	return 0;
}

static unsigned long field_of(const char *text, const char *name, unsigned long def,
			      unsigned long max)
{
	const char *p = strstr(text, name);
	unsigned long v;

	if (!p || (p != text && p[-1] != ','))
		return def;
	v = strtoul(p + strlen(name), NULL, 10);
	return v > max ? max : v;
}

static int dump_flows(void *be, const char *match, const struct snic_mgr_ctl_uint *table,
		      struct snic_mgr_ctl_reply *r)
{
	struct ctl_stub *st = be;

	for (size_t i = 0; i < st->t.n; i++) {
		const struct rule *x = &st->t.r[i];
		struct snic_mgr_ctl_flow fl = {
			.id = x->id, .text = x->text,
			.table = (uint8_t)field_of(x->text, "table=", 0, 254),
			.priority = (uint16_t)field_of(x->text, "priority=", 32768, 65535),
			.cookie = x->id * 16,
			.state = x->id % 2 ? SNIC_MGR_CTL_STATE_SW : SNIC_MGR_CTL_STATE_HW,
			.reason = x->id % 2 ? "stub: odd ids stay in software" : NULL,
			.hw_error = strstr(x->text, "hwerr") ? "stub: counter read failed" : NULL,
			.hw = { x->id % 2 ? 0 : x->id * 10, x->id % 2 ? 0 : x->id * 1000 },
			.sw = { x->id % 2 ? x->id * 10 : 1, x->id % 2 ? x->id * 1000 : 64 },
			.age_s = (double)x->id / 4, .idle_s = 0.5,
		};
		if (match && !strstr(x->text, match))
			continue;
		if (table->present && table->value != fl.table)
			continue;
		if (snic_mgr_ctl_reply_flow(r, &fl))
			return -1;
	}
	return 0;
}

static int dump_hw(void *be, struct snic_mgr_ctl_reply *r)
{
	struct ctl_stub *st = be;
	char buf[160];

	for (size_t i = 0; i < st->t.n; i++) {
		const struct rule *x = &st->t.r[i];
		if (x->id % 2)
			continue;
		snprintf(buf, sizeof(buf), "flow create 0 transfer group %lu priority 1 "
			 "pattern eth / end actions count / drop / end",
			 field_of(x->text, "table=", 0, 254));
		if (snic_mgr_ctl_reply_hw_rule(r, x->id, buf))
			return -1;
	}
	return 0;
}

static int show(void *be, struct snic_mgr_ctl_reply *r)
{
	struct ctl_stub *st = be;
	json_t *tun = json_array();

	for (size_t i = 0; tun && i < st->n_tunnels; i++)
		json_array_append_new(tun, json_pack("{s:s}", "name", st->tunnels[i]));
	return snic_mgr_ctl_reply_show(r, SNIC_MGR_CTL_SHOW_PORTS,
				       json_pack("[{s:s,s:i},{s:s,s:i}]", "name", "uplink0",
						 "port", 0, "name", "vf0", "port", 1)) |
	       snic_mgr_ctl_reply_show(r, SNIC_MGR_CTL_SHOW_TUNNELS, tun) |
	       snic_mgr_ctl_reply_show(r, SNIC_MGR_CTL_SHOW_CAPACITY,
				       json_pack("{s:I,s:I}", "rules", (json_int_t)st->cap,
						 "used", (json_int_t)st->t.n));
}

static long tunnel_at(const struct ctl_stub *st, const char *name)
{
	for (size_t i = 0; i < st->n_tunnels; i++)
		if (strcmp(st->tunnels[i], name) == 0)
			return (long)i;
	return -1;
}

static int add_tunnel(void *be, const struct snic_mgr_ctl_tunnel *t,
		      struct snic_mgr_ctl_reply *r)
{
	struct ctl_stub *st = be;
	char **v;

	if (tunnel_at(st, t->name) >= 0)
		return snic_mgr_ctl_fail(r, SNIC_MGR_CTL_EEXIST, -1, "tunnel %s exists already",
					 t->name);
	v = realloc(st->tunnels, (st->n_tunnels + 1) * sizeof(*v));
	if (!v || !(v[st->n_tunnels] = strdup(t->name))) {
		if (v)
			st->tunnels = v;
		return snic_mgr_ctl_fail(r, SNIC_MGR_CTL_EIO, -1, "out of memory");
	}
	st->tunnels = v;
	st->n_tunnels++;
	return 0;
}

static int del_tunnel(void *be, const char *name, struct snic_mgr_ctl_reply *r)
{
	struct ctl_stub *st = be;
	long i = tunnel_at(st, name);

	if (i < 0)
		return snic_mgr_ctl_fail(r, SNIC_MGR_CTL_ENOENT, -1, "no tunnel named %s", name);
	free(st->tunnels[i]);
	st->tunnels[i] = st->tunnels[--st->n_tunnels];
	return 0;
}

static int set(void *be, const char *key, const char *value, struct snic_mgr_ctl_reply *r)
{
	static const struct snic_mgr_ctl_flow misuse = { .text = "x" };

	if (strcmp(key, "stub.fail") == 0)
		return -1;
	if (strcmp(key, "stub.bug") == 0) {
		snic_mgr_ctl_reply_flow(r, &misuse);   /* not dump-flows: a bug */
		return 0;
	}
	if (strcmp(key, "log-level") != 0)
		return snic_mgr_ctl_fail(r, SNIC_MGR_CTL_ENOENT, -1, "no setting named %s "
					 "(settings: log-level)", key);
	if (strcmp(value, "debug") && strcmp(value, "info") && strcmp(value, "warn"))
		return snic_mgr_ctl_fail(r, SNIC_MGR_CTL_EINVAL, -1, "log-level: \"%s\" is "
					 "not one of debug, info, warn", value);
	return 0;
}

const struct snic_mgr_ctl_ops ctl_stub_ops = {
	.add_flows = add_flows, .del_flows = del_flows, .mod_flows = mod_flows,
	.replace_flows = replace_flows, .diff_flows = diff_flows,
	.dump_flows = dump_flows, .dump_hw = dump_hw, .show = show,
	.add_tunnel = add_tunnel, .del_tunnel = del_tunnel, .set = set,
};
