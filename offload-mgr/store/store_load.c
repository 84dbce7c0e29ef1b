/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * store_load.c - reading the state back: load (every row checked against
 * its checksum) and the next free rule id.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "store_internal.h"

/* Column i as text, NULL for SQL NULL; a NUL byte inside is damage. */
static int col_text(struct snic_mgr_store *s, sqlite3_stmt *st, int i,
		    const char **out)
{
	const char *t = (const char *)sqlite3_column_text(st, i);

	*out = t;
	if (!t && sqlite3_column_type(st, i) != SQLITE_NULL)
		return store_sqlite_fail(s, SQLITE_NOMEM, "load");
	if (t && strlen(t) != (size_t)sqlite3_column_bytes(st, i))
		return -EUCLEAN;
	return 0;
}

/* A row that failed col_text() (ret) or its checksum: -EUCLEAN naming it. */
static int damaged(struct snic_mgr_store *s, int ret, const char *obj,
		   const char *how)
{
	if (ret == -ENOMEM)
		return ret;
	return store_fail(s, -EUCLEAN, "%s: %s: the stored row does not match "
			  "its checksum (the file was damaged, or edited outside "
			  "snic): restore a backup, or %s", s->path, obj, how);
}

/* After a row's callback: its value, with a message when it stopped. */
static int visited(struct snic_mgr_store *s, int ret, const char *obj)
{
	if (ret)
		store_fail(s, ret, "load: the callback stopped at %s (it "
			   "returned %d)", obj, ret);
	return ret;
}

/* One row of a load query: decode, verify, call back; 0 to go on. */
typedef int load_row_fn(struct snic_mgr_store *s, sqlite3_stmt *st,
			const struct snic_mgr_store_visitor *ops, void *arg);

static int setting_row(struct snic_mgr_store *s, sqlite3_stmt *st,
		       const struct snic_mgr_store_visitor *ops, void *arg)
{
	const char *key, *value = NULL;
	char obj[96], b[64];
	int ret = col_text(s, st, 0, &key);

	snprintf(obj, sizeof(obj), "setting %s",
		 key ? store_clip(key, b, sizeof(b)) : "?");
	if (ret || (ret = col_text(s, st, 1, &value)) || !key || !value ||
	    sqlite3_column_int64(st, 2) != store_sum_setting(key, value))
		return damaged(s, ret, obj, "set it again");
	return ops->setting ? visited(s, ops->setting(arg, key, value), obj) : 0;
}

static int port_row(struct snic_mgr_store *s, sqlite3_stmt *st,
		    const struct snic_mgr_store_visitor *ops, void *arg)
{
	struct snic_mgr_store_port p = {
		.kind = (enum snic_mgr_store_port_kind)sqlite3_column_int64(st, 1),
		.vf = (int)sqlite3_column_int64(st, 2),
		.dst_port = (uint16_t)sqlite3_column_int64(st, 6),
	};
	char obj[96], b[64];
	int ret = col_text(s, st, 0, &p.name);

	snprintf(obj, sizeof(obj), "port %s",
		 p.name ? store_clip(p.name, b, sizeof(b)) : "?");
	if (ret || !p.name ||
	    (ret = col_text(s, st, 3, &p.remote_ip)) ||
	    (ret = col_text(s, st, 4, &p.local_ip)) ||
	    (ret = col_text(s, st, 5, &p.key)) ||
	    (ret = col_text(s, st, 7, &p.vm)) ||
	    sqlite3_column_int64(st, 8) != store_sum_port(&p))
		return damaged(s, ret, obj, "delete the port and add it again");
	return ops->port ? visited(s, ops->port(arg, &p), obj) : 0;
}

static int rule_row(struct snic_mgr_store *s, sqlite3_stmt *st,
		    const struct snic_mgr_store_visitor *ops, void *arg)
{
	struct snic_mgr_store_rule r = {
		.id = (uint64_t)sqlite3_column_int64(st, 0),
		.table = (uint8_t)sqlite3_column_int64(st, 1),
		.priority = (uint16_t)sqlite3_column_int64(st, 2),
		.cookie = (uint64_t)sqlite3_column_int64(st, 5),
		.idle_timeout = (uint16_t)sqlite3_column_int64(st, 6),
		.hard_timeout = (uint16_t)sqlite3_column_int64(st, 7),
		.flags = (uint32_t)sqlite3_column_int64(st, 8),
		.created_ms = sqlite3_column_int64(st, 9),
	};
	char obj[40];
	int ret;

	snprintf(obj, sizeof(obj), "rule %llu", (unsigned long long)r.id);
	if ((ret = col_text(s, st, 3, &r.match)) ||
	    (ret = col_text(s, st, 4, &r.actions)) || !r.match || !r.actions ||
	    sqlite3_column_int64(st, 10) != store_sum_rule(&r))
		return damaged(s, ret, obj, "delete the rule and add it again");
	return ops->rule ? visited(s, ops->rule(arg, &r), obj) : 0;
}

static int load_rows(struct snic_mgr_store *s, enum store_stmt id,
		     load_row_fn *row, const char *what,
		     const struct snic_mgr_store_visitor *ops, void *arg)
{
	int rc = SQLITE_DONE, ret = 0;

	while (!ret && (rc = sqlite3_step(s->stmt[id])) == SQLITE_ROW)
		ret = row(s, s->stmt[id], ops, arg);
	if (!ret && rc != SQLITE_DONE)
		ret = store_sqlite_fail(s, rc, what);
	store_reset(s, id);
	return ret;
}

int snic_mgr_store_load(struct snic_mgr_store *s,
			const struct snic_mgr_store_visitor *ops, void *arg)
{
	int err = store_guard(s, "load", NEED_ANY);

	if (err)
		return err;
	if (!ops)
		return store_fail(s, -EINVAL, "load: the visitor is NULL");
	s->loading = true;
	if (!(err = load_rows(s, ST_LOAD_SETTINGS, setting_row, "loading settings",
			      ops, arg)) &&
	    !(err = load_rows(s, ST_LOAD_PORTS, port_row, "loading ports", ops, arg)))
		err = load_rows(s, ST_LOAD_RULES, rule_row, "loading rules", ops, arg);
	s->loading = false;
	return err;
}

int snic_mgr_store_next_rule_id(struct snic_mgr_store *s, uint64_t *id)
{
	sqlite3_stmt *st;
	int err = store_guard(s, "next_rule_id", NEED_ANY);
	int rc;

	if (err)
		return err;
	if (!id)
		return store_fail(s, -EINVAL, "next_rule_id: id is NULL");
	st = s->stmt[ST_MAX_RULE_ID];
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = store_sqlite_fail(s, rc == SQLITE_DONE ? SQLITE_ERROR : rc,
					"next_rule_id");
	} else if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
		*id = 1;
	} else if ((uint64_t)sqlite3_column_int64(st, 0) >= SNIC_MGR_STORE_RULE_ID_MAX) {
		err = store_fail(s, -EOVERFLOW, "next_rule_id: rule %llu has the "
				 "highest id there is",
				 (unsigned long long)SNIC_MGR_STORE_RULE_ID_MAX);
	} else {
		*id = (uint64_t)sqlite3_column_int64(st, 0) + 1;
	}
	store_reset(s, ST_MAX_RULE_ID);
	return err;
}
