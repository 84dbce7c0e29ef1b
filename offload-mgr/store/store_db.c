/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * store_db.c - the SQL, messages, SQLite result codes in words, binding and
 * stepping the cached statements, and the row checksums.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "store_internal.h"

/* ---- the SQL ---- */

/*
 * Version 1.  STRICT tables: a value of the wrong type is an error, not a
 * conversion.  Integers hold the C values exactly (cookie is the uint64_t's
 * bit pattern as a signed 64-bit integer).  "sum" is the row's checksum
 * (store_sum_*), verified by load.
 */
const char store_schema_sql[] =
	"CREATE TABLE setting ("
	" name TEXT PRIMARY KEY NOT NULL,"
	" value TEXT NOT NULL,"
	" sum INTEGER NOT NULL) STRICT;"
	"CREATE TABLE port ("
	" name TEXT PRIMARY KEY NOT NULL CHECK (name <> ''),"
	" kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 2),"
	" vf INTEGER NOT NULL CHECK (vf BETWEEN -1 AND 65535),"
	" remote_ip TEXT,"
	" local_ip TEXT,"
	" tun_key TEXT,"
	" dst_port INTEGER NOT NULL CHECK (dst_port BETWEEN 0 AND 65535),"
	" vm TEXT,"
	" sum INTEGER NOT NULL) STRICT;"
	"CREATE TABLE rule ("
	" id INTEGER PRIMARY KEY CHECK (id > 0),"
	" tbl INTEGER NOT NULL CHECK (tbl BETWEEN 0 AND 254),"
	" priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 65535),"
	" match_text TEXT NOT NULL,"
	" actions_text TEXT NOT NULL,"
	" cookie INTEGER NOT NULL,"
	" idle_timeout INTEGER NOT NULL CHECK (idle_timeout BETWEEN 0 AND 65535),"
	" hard_timeout INTEGER NOT NULL CHECK (hard_timeout BETWEEN 0 AND 65535),"
	" flags INTEGER NOT NULL CHECK (flags BETWEEN 0 AND 4294967295),"
	" created_ms INTEGER NOT NULL,"
	" sum INTEGER NOT NULL,"
	" UNIQUE (tbl, priority, match_text)) STRICT;";

#define RULE_COLS "id, tbl, priority, match_text, actions_text, cookie, " \
	"idle_timeout, hard_timeout, flags, created_ms, sum"
#define PORT_COLS "name, kind, vf, remote_ip, local_ip, tun_key, dst_port, " \
	"vm, sum"

const char *const store_stmt_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_PUT_RULE] = "INSERT INTO rule (" RULE_COLS ")"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
		" ON CONFLICT (id) DO UPDATE SET tbl = excluded.tbl,"
		" priority = excluded.priority, match_text = excluded.match_text,"
		" actions_text = excluded.actions_text, cookie = excluded.cookie,"
		" idle_timeout = excluded.idle_timeout,"
		" hard_timeout = excluded.hard_timeout, flags = excluded.flags,"
		" created_ms = excluded.created_ms, sum = excluded.sum",
	[ST_FIND_RULE] = "SELECT id FROM rule"
		" WHERE tbl = ?1 AND priority = ?2 AND match_text = ?3",
	[ST_DEL_RULE] = "DELETE FROM rule WHERE id = ?1",
	[ST_DEL_ALL_RULES] = "DELETE FROM rule",
	[ST_PUT_PORT] = "INSERT INTO port (" PORT_COLS ")"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
		" ON CONFLICT (name) DO UPDATE SET kind = excluded.kind,"
		" vf = excluded.vf, remote_ip = excluded.remote_ip,"
		" local_ip = excluded.local_ip, tun_key = excluded.tun_key,"
		" dst_port = excluded.dst_port, vm = excluded.vm, sum = excluded.sum",
	[ST_DEL_PORT] = "DELETE FROM port WHERE name = ?1",
	[ST_SET] = "INSERT INTO setting (name, value, sum) VALUES (?1, ?2, ?3)"
		" ON CONFLICT (name) DO UPDATE SET value = excluded.value,"
		" sum = excluded.sum",
	[ST_UNSET] = "DELETE FROM setting WHERE name = ?1",
	[ST_LOAD_SETTINGS] = "SELECT name, value, sum FROM setting ORDER BY name",
	[ST_LOAD_PORTS] = "SELECT " PORT_COLS " FROM port ORDER BY name",
	[ST_LOAD_RULES] = "SELECT " RULE_COLS " FROM rule ORDER BY id",
	[ST_MAX_RULE_ID] = "SELECT max(id) FROM rule",
};

/* ---- messages ---- */

int store_fail(struct snic_mgr_store *s, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof(s->msg), fmt, ap);
	va_end(ap);
	return err;
}

const char *store_clip(const char *text, char *buf, size_t len)
{
	size_t n = strlen(text);

	if (n < len)
		return text;
	n = len - 4;
	while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
		n--;  /* do not cut a UTF-8 sequence */
	memcpy(buf, text, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

/* The errno and the words for an SQLite result code. */
static int sqlite_reason(int rc, const char **reason)
{
	switch (rc & 0xff) {
	case SQLITE_FULL:
		*reason = "disk full";
		return -ENOSPC;
	case SQLITE_IOERR:
		*reason = rc == SQLITE_IOERR_NOMEM ? "out of memory" : "I/O error";
		return rc == SQLITE_IOERR_NOMEM ? -ENOMEM : -EIO;
	case SQLITE_NOMEM:
		*reason = "out of memory";
		return -ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		*reason = "database is locked";
		return -EBUSY;
	case SQLITE_READONLY:
		*reason = "the file (or its directory) is read-only";
		return -EROFS;
	case SQLITE_CANTOPEN:
		*reason = "cannot open the file";
		return -EACCES;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		*reason = "permission denied";
		return -EACCES;
	case SQLITE_CORRUPT:
		*reason = "the database is corrupt (restore a backup, or move the "
			  "file away to start empty)";
		return -EUCLEAN;
	case SQLITE_NOTADB:
		*reason = "not a snic store: the file is not an SQLite database";
		return -EINVAL;
	case SQLITE_TOOBIG:
		*reason = "a value is too big";
		return -E2BIG;
	case SQLITE_CONSTRAINT:
		*reason = "a constraint failed";
		return rc == SQLITE_CONSTRAINT_UNIQUE ||
		       rc == SQLITE_CONSTRAINT_PRIMARYKEY ? -EEXIST : -EINVAL;
	default:
		*reason = "SQLite error";
		return -EIO;
	}
}

int store_sqlite_fail(struct snic_mgr_store *s, int rc, const char *what)
{
	const char *reason;
	int err = sqlite_reason(rc, &reason);
	int sys = s->db ? sqlite3_system_errno(s->db) : 0;
	size_t n;
	char holder[128];

	if (err == -EACCES && rc == SQLITE_CANTOPEN && sys)
		err = -sys;  /* ENOENT, EISDIR, ... say more than EACCES */
	if (err == -EBUSY)
		n = (size_t)snprintf(s->msg, sizeof(s->msg),
				     "%s: %s: %s by %s", s->path, what, reason,
				     store_lock_holder(s->path, holder,
						       sizeof(holder)));
	else if (sys && (err == -EIO || rc == SQLITE_CANTOPEN))
		n = (size_t)snprintf(s->msg, sizeof(s->msg),
				     "%s: %s: %s: %s (SQLite: %s)", s->path, what,
				     reason, strerror(sys),
				     s->db ? sqlite3_errmsg(s->db) : "-");
	else
		n = (size_t)snprintf(s->msg, sizeof(s->msg),
				     "%s: %s: %s (SQLite: %s)", s->path, what,
				     reason,
				     s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
	if (s->txn == TXN_OPEN && s->db && sqlite3_get_autocommit(s->db)) {
		s->txn = TXN_FAILED;
		s->txn_err = err;
		if (n < sizeof(s->msg))
			snprintf(s->msg + n, sizeof(s->msg) - n,
				 "; SQLite abandoned the transaction: call "
				 "snic_mgr_store_rollback()");
	}
	return err;
}

/* ---- statements ---- */

void store_reset(struct snic_mgr_store *s, enum store_stmt id)
{
	/* Both return the last step's error, already reported; they cannot
	 * fail themselves. */
	(void)sqlite3_reset(s->stmt[id]);
	(void)sqlite3_clear_bindings(s->stmt[id]);
}

int store_bind(struct snic_mgr_store *s, enum store_stmt id,
	       const char *types, ...)
{
	sqlite3_stmt *st = s->stmt[id];
	va_list ap;
	int rc = SQLITE_OK;

	store_reset(s, id);
	va_start(ap, types);
	for (int i = 0; types[i] && rc == SQLITE_OK; i++) {
		if (types[i] == 'i')
			rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		else
			rc = sqlite3_bind_text(st, i + 1, va_arg(ap, const char *),
					       -1, SQLITE_STATIC);
	}
	va_end(ap);
	return rc == SQLITE_OK ? 0 : store_sqlite_fail(s, rc, "binding values");
}

int store_step_done(struct snic_mgr_store *s, enum store_stmt id,
		    const char *what)
{
	int rc = sqlite3_step(s->stmt[id]);
	int err = 0;

	if (rc != SQLITE_DONE)
		err = store_sqlite_fail(s, rc == SQLITE_ROW ? SQLITE_ERROR : rc,
					what);
	store_reset(s, id);
	return err;
}

/* ---- row checksums: FNV-1a 64 over the values, byte order fixed ---- */

static uint64_t sum_u64(uint64_t h, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* The length first, so that NULL (all ones), "" and moved bytes differ. */
static uint64_t sum_text(uint64_t h, const char *t)
{
	size_t n = t ? strlen(t) : 0;

	h = sum_u64(h, t ? n : UINT64_MAX);
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)t[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

#define SUM_START(tag) sum_u64(0xcbf29ce484222325ull, (tag))

int64_t store_sum_rule(const struct snic_mgr_store_rule *r)
{
	uint64_t h = SUM_START('R');

	h = sum_u64(h, r->id);
	h = sum_u64(h, r->table);
	h = sum_u64(h, r->priority);
	h = sum_text(h, r->match);
	h = sum_text(h, r->actions);
	h = sum_u64(h, r->cookie);
	h = sum_u64(h, r->idle_timeout);
	h = sum_u64(h, r->hard_timeout);
	h = sum_u64(h, r->flags);
	h = sum_u64(h, (uint64_t)r->created_ms);
	return (int64_t)h;
}

int64_t store_sum_port(const struct snic_mgr_store_port *p)
{
	uint64_t h = SUM_START('P');

	h = sum_text(h, p->name);
	h = sum_u64(h, (uint64_t)p->kind);
	h = sum_u64(h, (uint64_t)(int64_t)p->vf);
	h = sum_text(h, p->remote_ip);
	h = sum_text(h, p->local_ip);
	h = sum_text(h, p->key);
	h = sum_u64(h, p->dst_port);
	h = sum_text(h, p->vm);
	return (int64_t)h;
}

int64_t store_sum_setting(const char *key, const char *value)
{
	return (int64_t)sum_text(sum_text(SUM_START('S'), key), value);
}
