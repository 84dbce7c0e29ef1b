/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * store_write.c - transactions, input validation, and the changes: put and
 * delete rules and ports, set settings.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

/* ---- transactions ---- */

int store_guard(struct snic_mgr_store *s, const char *what, enum store_need need)
{
	if (!s)
		return -EINVAL;
	if (s->loading)
		return store_fail(s, -EBUSY, "%s: called from a load callback "
				  "(callbacks must not call the store)", what);
	switch (need) {
	case NEED_TXN:
	case NEED_ANY:
		if (s->txn == TXN_FAILED)
			return store_fail(s, s->txn_err, "%s: the transaction was "
					  "abandoned after an earlier error (%s): "
					  "call snic_mgr_store_rollback()", what,
					  strerror(-s->txn_err));
		if (need == NEED_TXN && s->txn == TXN_NONE)
			return store_fail(s, -EINVAL, "%s: no transaction: call "
					  "snic_mgr_store_begin() first (a request's "
					  "changes are written together)", what);
		return 0;
	case NEED_NO_TXN:
		if (s->txn != TXN_NONE)
			return store_fail(s, -EINVAL, "%s: a transaction is open: "
					  "commit or roll it back first", what);
		return 0;
	case NEED_END:
		if (s->txn == TXN_NONE)
			return store_fail(s, -EINVAL, "%s: no transaction is open",
					  what);
		return 0;
	}
	return -EINVAL;
}

int snic_mgr_store_begin(struct snic_mgr_store *s)
{
	int err = store_guard(s, "begin", NEED_NO_TXN);

	if (!err && !(err = store_step_done(s, ST_BEGIN, "begin")))
		s->txn = TXN_OPEN;
	return err;
}

/* End SQLite's transaction if it is still open; the state follows SQLite. */
static int end_txn(struct snic_mgr_store *s)
{
	int err = 0;

	s->txn = TXN_NONE;  /* the rollback's own failure is not "abandoned" */
	if (!sqlite3_get_autocommit(s->db))
		err = store_step_done(s, ST_ROLLBACK, "rollback");
	s->txn = sqlite3_get_autocommit(s->db) ? TXN_NONE : TXN_FAILED;
	return err;
}

int snic_mgr_store_commit(struct snic_mgr_store *s)
{
	char msg[SNIC_MGR_STORE_MSG_LEN];
	int err = store_guard(s, "commit", NEED_TXN);

	if (err)
		return err;
	s->txn = TXN_NONE;  /* a failed commit is reported as such, below */
	err = store_step_done(s, ST_COMMIT, "commit");
	if (!err)
		return 0;
	snprintf(msg, sizeof(msg), "%s", s->msg);
	return store_fail(s, err, "%s%s%s", msg, err == -EIO ?
			  "; whether the transaction reached the disk is "
			  "unknown: reopen the store and reload" :
			  "; nothing of this transaction was written",
			  end_txn(s) ? "; the rollback failed too: close and "
			  "reopen the store" : "");
}

int snic_mgr_store_rollback(struct snic_mgr_store *s)
{
	int err = store_guard(s, "rollback", NEED_END);

	return err ? err : end_txn(s);
}

/* ---- validation ---- */

#define CLIP 72  /* bytes of a name or match shown in a message */

/* A text field: NULL only when allowed, not empty when required, not over
 * SNIC_MGR_STORE_TEXT_MAX. */
static int check_text(struct snic_mgr_store *s, const char *obj,
		      const char *field, const char *t, bool may_null,
		      bool may_empty)
{
	size_t n;

	if (!t)
		return may_null ? 0 : store_fail(s, -EINVAL, "%s: no %s (NULL)",
						 obj, field);
	n = strnlen(t, SNIC_MGR_STORE_TEXT_MAX + 1);
	if (n > SNIC_MGR_STORE_TEXT_MAX)
		return store_fail(s, -EINVAL, "%s: the %s is longer than the "
				  "limit of %u bytes", obj, field,
				  SNIC_MGR_STORE_TEXT_MAX);
	if (!n && !may_empty)
		return store_fail(s, -EINVAL, "%s: the %s is empty", obj, field);
	return 0;
}

static int check_rule(struct snic_mgr_store *s,
		      const struct snic_mgr_store_rule *r, char *obj, size_t len)
{
	int err;

	if (!r)
		return store_fail(s, -EINVAL, "put_rule: the rule is NULL");
	snprintf(obj, len, "rule %llu", (unsigned long long)r->id);
	if (r->id == 0 || r->id > SNIC_MGR_STORE_RULE_ID_MAX)
		return store_fail(s, -EINVAL, "%s: the id is out of range "
				  "(1..%llu)", obj,
				  (unsigned long long)SNIC_MGR_STORE_RULE_ID_MAX);
	if (r->table > SNIC_MGR_STORE_TABLE_MAX)
		return store_fail(s, -EINVAL, "%s: table %u is out of range "
				  "(0..%u; 255 means all tables)", obj, r->table,
				  SNIC_MGR_STORE_TABLE_MAX);
	if ((err = check_text(s, obj, "match text", r->match, false, true)) ||
	    (err = check_text(s, obj, "actions text", r->actions, false, true)))
		return err;
	return 0;
}

/* A tunnel address: dotted IPv4 or "flow". */
static int check_addr(struct snic_mgr_store *s, const char *obj,
		      const char *field, const char *t)
{
	struct in_addr a;
	char b[CLIP];

	if (strcmp(t, "flow") == 0 || inet_pton(AF_INET, t, &a) == 1)
		return 0;
	return store_fail(s, -EINVAL, "%s: %s \"%s\" is neither an IPv4 "
			  "address nor \"flow\"", obj, field, store_clip(t, b, sizeof(b)));
}

/* A tunnel key: a VNI in decimal or "flow". */
static int check_key(struct snic_mgr_store *s, const char *obj, const char *t)
{
	size_t n = strspn(t, "0123456789");
	char b[CLIP];

	if (strcmp(t, "flow") == 0 ||
	    (n && n == strlen(t) && n <= 8 &&
	     strtoul(t, NULL, 10) <= SNIC_MGR_STORE_VNI_MAX))
		return 0;
	return store_fail(s, -EINVAL, "%s: key \"%s\" is neither a VNI (0..%u) "
			  "nor \"flow\"", obj, store_clip(t, b, sizeof(b)),
			  SNIC_MGR_STORE_VNI_MAX);
}

static int check_port(struct snic_mgr_store *s,
		      const struct snic_mgr_store_port *p, char *obj, size_t len)
{
	char b[CLIP];
	int err;

	if (!p)
		return store_fail(s, -EINVAL, "put_port: the port is NULL");
	if ((err = check_text(s, "put_port", "port name", p->name, false,
			      false)))
		return err;
	snprintf(obj, len, "port %s", store_clip(p->name, b, sizeof(b)));
	if (p->kind != SNIC_MGR_STORE_PORT_UPLINK &&
	    p->kind != SNIC_MGR_STORE_PORT_VF &&
	    p->kind != SNIC_MGR_STORE_PORT_TUNNEL)
		return store_fail(s, -EINVAL, "%s: kind %d is not uplink (%d), "
				  "vf (%d) or tunnel (%d)", obj, (int)p->kind,
				  SNIC_MGR_STORE_PORT_UPLINK, SNIC_MGR_STORE_PORT_VF,
				  SNIC_MGR_STORE_PORT_TUNNEL);
	if (p->kind == SNIC_MGR_STORE_PORT_VF &&
	    (p->vf < 0 || p->vf > SNIC_MGR_STORE_VF_MAX))
		return store_fail(s, -EINVAL, "%s: a vf port needs a VF index "
				  "0..%d (got %d)", obj, SNIC_MGR_STORE_VF_MAX, p->vf);
	if (p->kind != SNIC_MGR_STORE_PORT_VF && p->vf != -1)
		return store_fail(s, -EINVAL, "%s: only vf ports have a VF index "
				  "(got %d; use -1)", obj, p->vf);
	if (p->kind != SNIC_MGR_STORE_PORT_TUNNEL &&
	    (p->remote_ip || p->local_ip || p->key || p->dst_port))
		return store_fail(s, -EINVAL, "%s: remote_ip, local_ip, key and "
				  "dst_port are for tunnel ports only", obj);
	if (p->kind == SNIC_MGR_STORE_PORT_TUNNEL &&
	    ((err = check_text(s, obj, "remote_ip", p->remote_ip, false, false)) ||
	     (err = check_addr(s, obj, "remote_ip", p->remote_ip)) ||
	     (err = check_text(s, obj, "local_ip", p->local_ip, true, false)) ||
	     (p->local_ip && (err = check_addr(s, obj, "local_ip", p->local_ip))) ||
	     (err = check_text(s, obj, "key", p->key, true, false)) ||
	     (p->key && (err = check_key(s, obj, p->key)))))
		return err;
	if (p->kind == SNIC_MGR_STORE_PORT_TUNNEL && p->dst_port == 0)
		return store_fail(s, -EINVAL, "%s: a tunnel port needs a UDP "
				  "dst_port 1..65535 (got 0)", obj);
	return check_text(s, obj, "VM name", p->vm, true, false);
}

/* ---- rules ---- */

/* The message for a rule whose table, priority and match another has. */
static int rule_exists(struct snic_mgr_store *s,
		       const struct snic_mgr_store_rule *r)
{
	char b[CLIP], other[40] = "";
	int err = store_bind(s, ST_FIND_RULE, "iit", (int64_t)r->table,
			     (int64_t)r->priority, r->match);

	if (err)
		return err;
	/* if this lookup fails, the message just does not name the other */
	if (sqlite3_step(s->stmt[ST_FIND_RULE]) == SQLITE_ROW)
		snprintf(other, sizeof(other), " (id %lld)", (long long)
			 sqlite3_column_int64(s->stmt[ST_FIND_RULE], 0));
	store_reset(s, ST_FIND_RULE);
	return store_fail(s, -EEXIST, "rule %llu (table %u, priority %u, %s): "
			  "a rule with the same table, priority and match "
			  "exists%s", (unsigned long long)r->id, r->table,
			  r->priority, *r->match ? store_clip(r->match, b, sizeof(b))
			  : "any packet", other);
}

int snic_mgr_store_put_rule(struct snic_mgr_store *s,
			    const struct snic_mgr_store_rule *r)
{
	char obj[40];
	int err = store_guard(s, "put_rule", NEED_TXN);

	if (err || (err = check_rule(s, r, obj, sizeof(obj))) ||
	    (err = store_bind(s, ST_PUT_RULE, "iiittiiiiii", (int64_t)r->id,
			      (int64_t)r->table, (int64_t)r->priority, r->match,
			      r->actions, (int64_t)r->cookie,
			      (int64_t)r->idle_timeout, (int64_t)r->hard_timeout,
			      (int64_t)r->flags, r->created_ms, store_sum_rule(r))))
		return err;
	err = store_step_done(s, ST_PUT_RULE, obj);
	return err == -EEXIST ? rule_exists(s, r) : err;
}

/* After a DELETE: -ENOENT when it removed nothing. */
static int deleted(struct snic_mgr_store *s, const char *obj, const char *kind)
{
	if (sqlite3_changes(s->db) > 0)
		return 0;
	return store_fail(s, -ENOENT, "%s: no such %s", obj, kind);
}

int snic_mgr_store_del_rule(struct snic_mgr_store *s, uint64_t id)
{
	char obj[40];
	int err = store_guard(s, "del_rule", NEED_TXN);

	if (err)
		return err;
	snprintf(obj, sizeof(obj), "rule %llu", (unsigned long long)id);
	if (id == 0 || id > SNIC_MGR_STORE_RULE_ID_MAX)
		return store_fail(s, -EINVAL, "%s: the id is out of range "
				  "(1..%llu)", obj,
				  (unsigned long long)SNIC_MGR_STORE_RULE_ID_MAX);
	if ((err = store_bind(s, ST_DEL_RULE, "i", (int64_t)id)) ||
	    (err = store_step_done(s, ST_DEL_RULE, obj)))
		return err;
	return deleted(s, obj, "rule");
}

int snic_mgr_store_del_all_rules(struct snic_mgr_store *s)
{
	int err = store_guard(s, "del_all_rules", NEED_TXN);

	return err ? err : store_step_done(s, ST_DEL_ALL_RULES, "del_all_rules");
}

/* ---- ports and settings ---- */

int snic_mgr_store_put_port(struct snic_mgr_store *s,
			    const struct snic_mgr_store_port *p)
{
	char obj[CLIP + 8];
	int err = store_guard(s, "put_port", NEED_TXN);

	if (err || (err = check_port(s, p, obj, sizeof(obj))) ||
	    (err = store_bind(s, ST_PUT_PORT, "tiitttiti", p->name,
			      (int64_t)p->kind, (int64_t)p->vf, p->remote_ip,
			      p->local_ip, p->key, (int64_t)p->dst_port, p->vm,
			      store_sum_port(p))))
		return err;
	return store_step_done(s, ST_PUT_PORT, obj);
}

int snic_mgr_store_del_port(struct snic_mgr_store *s, const char *name)
{
	char obj[CLIP + 8], b[CLIP];
	int err = store_guard(s, "del_port", NEED_TXN);

	if (err || (err = check_text(s, "del_port", "port name", name,
				     false, false)))
		return err;
	snprintf(obj, sizeof(obj), "port %s", store_clip(name, b, sizeof(b)));
	if ((err = store_bind(s, ST_DEL_PORT, "t", name)) ||
	    (err = store_step_done(s, ST_DEL_PORT, obj)))
		return err;
	return deleted(s, obj, "port");
}

int snic_mgr_store_set(struct snic_mgr_store *s, const char *key,
		       const char *value)
{
	char obj[CLIP + 12], b[CLIP];
	int err = store_guard(s, "set", NEED_TXN);

	if (err || (err = check_text(s, "set", "setting key", key, false,
				     false)))
		return err;
	snprintf(obj, sizeof(obj), "setting %s", store_clip(key, b, sizeof(b)));
	if (!value)
		return (err = store_bind(s, ST_UNSET, "t", key)) ? err :
		       store_step_done(s, ST_UNSET, obj);
	if ((err = check_text(s, obj, "value", value, false, true)) ||
	    (err = store_bind(s, ST_SET, "tti", key, value,
			      store_sum_setting(key, value))))
		return err;
	return store_step_done(s, ST_SET, obj);
}
