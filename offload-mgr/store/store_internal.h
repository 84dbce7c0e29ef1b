/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * store_internal.h - private to offload-mgr/store: the store, its cached
 * statements, and the helpers the files share.
 *
 *   store_db.c     the SQL, messages, SQLite result codes -> errno and
 *                  words, binding and stepping, row checksums
 *   store_open.c   open (pragmas, identity, schema, quick_check), close,
 *                  check, the lock holder's name
 *   store_write.c  transactions, input validation, put/del/set
 *   store_load.c   load, next_rule_id
 */
#ifndef SNIC_MGR_STORE_INTERNAL_H
#define SNIC_MGR_STORE_INTERNAL_H

#include <stdbool.h>

#include <sqlite3.h>

#include "snic_mgr_store.h"

/** The cached statements, prepared at open (SQL in store_db.c). */
enum store_stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_PUT_RULE,
	ST_FIND_RULE,      /**< id of the rule with a (table, priority, match) */
	ST_DEL_RULE,
	ST_DEL_ALL_RULES,
	ST_PUT_PORT,
	ST_DEL_PORT,
	ST_SET,
	ST_UNSET,
	ST_LOAD_SETTINGS,
	ST_LOAD_PORTS,
	ST_LOAD_RULES,
	ST_MAX_RULE_ID,
	ST_COUNT
};

/** Where the store's transaction stands. */
enum store_txn {
	TXN_NONE,    /**< no transaction: changes are refused */
	TXN_OPEN,    /**< begun, changes allowed */
	TXN_FAILED,  /**< SQLite abandoned it after an error; only rollback */
};

struct snic_mgr_store {
	sqlite3 *db;                        /**< the connection (owned) */
	sqlite3_stmt *stmt[ST_COUNT];       /**< prepared at open (owned) */
	enum store_txn txn;
	int txn_err;                        /**< with TXN_FAILED: the errno that
	                                         ended it (negative) */
	bool loading;                       /**< a load callback is running */
	char *path;                         /**< as given to open (owned) */
	char msg[SNIC_MGR_STORE_MSG_LEN];   /**< snic_mgr_store_error() */
};

/** Schema of version SNIC_MGR_STORE_SCHEMA_VERSION (several statements). */
extern const char store_schema_sql[];
/** Text of each cached statement. */
extern const char *const store_stmt_sql[ST_COUNT];

/** What a call needs of the transaction (store_guard()). */
enum store_need {
	NEED_TXN,     /**< an open transaction (changes) */
	NEED_NO_TXN,  /**< none (begin, check) */
	NEED_ANY,     /**< either, but not an abandoned one (load) */
	NEED_END,     /**< an open or an abandoned one (rollback) */
};

/**
 * Refuse a call on s that is made from a load callback, or in the wrong
 * transaction state, with a message starting with what.
 */
int store_guard(struct snic_mgr_store *s, const char *what, enum store_need need);

/** Set s->msg from fmt and return err (a negative errno). */
int store_fail(struct snic_mgr_store *s, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * Turn a failed SQLite call's result code rc into a negative errno and the
 * message "<path>: <what>: <reason>".  Inside a transaction that SQLite
 * abandoned, marks it TXN_FAILED.
 */
int store_sqlite_fail(struct snic_mgr_store *s, int rc, const char *what);

/**
 * Bind the parameters of st in order from the arguments, one per letter of
 * types: 'i' int64_t, 't' const char * (NULL binds SQL NULL; bound
 * without copying, so it must outlive the step).  Resets st first.
 */
int store_bind(struct snic_mgr_store *s, enum store_stmt id,
	       const char *types, ...);

/** Step a cached statement that returns no row, then reset it. */
int store_step_done(struct snic_mgr_store *s, enum store_stmt id,
		    const char *what);

/** Reset a cached statement and drop its bindings (after reading rows). */
void store_reset(struct snic_mgr_store *s, enum store_stmt id);

/** text, shortened to fit len (with "..." when cut), for messages. */
const char *store_clip(const char *text, char *buf, size_t len);

/** The checksum kept in a row's "sum" column. */
int64_t store_sum_rule(const struct snic_mgr_store_rule *r);
int64_t store_sum_port(const struct snic_mgr_store_port *p);
int64_t store_sum_setting(const char *key, const char *value);

/** Who holds path's lock, for "database is locked by ...": "another
 *  process: pid 12 (snic-offloadd); stop it first", "another connection
 *  in this process" or "another process (pid unknown)". */
const char *store_lock_holder(const char *path, char *buf, size_t len);

#endif /* SNIC_MGR_STORE_INTERNAL_H */
