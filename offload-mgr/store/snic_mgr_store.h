/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_mgr_store.h - the offload manager's desired state on disk (SQLite):
 * the contract of offload-mgr/store/.
 *
 * What it is.  snic-offloadd keeps what the operator asked for - ports,
 * tunnel ports, OpenFlow-style rules and a few settings - in one SQLite file
 * (in production /var/lib/snic/state.db), and reconciles the hardware with
 * it on restart.  This layer only stores plain values: it never parses rule
 * text (match and actions are the manager's canonical text, kept byte for
 * byte).  One struct snic_mgr_store is one open file.
 *
 * Transactions.  Every change happens inside a transaction, one per control
 * request: snic_mgr_store_begin(), any number of put/del/set calls,
 * snic_mgr_store_commit() or snic_mgr_store_rollback().  A change outside a
 * transaction is refused (-EINVAL).  After commit returns 0 the whole
 * transaction is on disk; after a kill -9 at any moment (in the middle of a
 * 10 000-rule request, or of the commit itself) the next open sees the state
 * exactly before or exactly after it, never a part.
 *   - A call that fails inside a transaction changed nothing; the transaction
 *     stays open with its earlier changes (a duplicate rule, a bad argument,
 *     a missing rule to delete: commit or roll back as the request needs).
 *     When SQLite itself had to abandon the transaction (disk full, I/O
 *     error, out of memory) the message says so, and every later call but
 *     rollback fails until snic_mgr_store_rollback() ends it.
 *   - A commit that fails ends the transaction: nothing of it was written
 *     (-ENOSPC disk full, ...), except after an I/O error (-EIO), when
 *     whether it reached the disk is unknown: the message says to reopen the
 *     store and reload.
 *
 * Durability.  journal_mode=WAL with synchronous=FULL: a commit appends the
 * transaction to the write-ahead log and fsyncs it before returning, so a
 * committed transaction survives a process kill and a power loss (on
 * storage that honours fsync); an interrupted one is a torn tail of the
 * log, which SQLite's checksummed WAL frames let the next open discard.
 * (synchronous=NORMAL would survive kill -9 but could lose the last commits
 * on power loss; the fsync per commit is cheap at one commit per control
 * request.)  A new file's directory is fsynced after the schema is created.
 * The WAL needs a local file system with working POSIX locks (not NFS).
 *
 * One owner.  The store takes SQLite's exclusive lock at open
 * (locking_mode=EXCLUSIVE) and holds it until close: a second open of the
 * same file - another snic-offloadd, or the sqlite3 shell - waits
 * SNIC_MGR_STORE_BUSY_MS and then fails with -EBUSY naming the holder's pid
 * and command when /proc/locks shows it.  (The WAL's shared-memory index is
 * then not used at all.)  Inspect a live store through the manager, or stop
 * it first.
 *
 * Identity, versions, damage.  A store file carries application_id
 * SNIC_MGR_STORE_APPLICATION_ID and user_version
 * SNIC_MGR_STORE_SCHEMA_VERSION.  Open creates the schema in a missing or
 * empty file, and refuses, changing nothing: a file that is not SQLite or
 * is another application's SQLite database (-EINVAL), a newer schema version
 * (-ENOTSUP), and a database that fails PRAGMA quick_check (-EUCLEAN).
 * SQLite has no page checksums, so damage inside a row's text is invisible
 * to quick_check; every row therefore carries a checksum of its values,
 * which load and check verify (-EUCLEAN naming the row).  Edit a store only
 * through this API.
 *
 * Data.  rule: id 1..SNIC_MGR_STORE_RULE_ID_MAX (assigned by the manager,
 * unique), and (table, priority, match) unique, the OpenFlow identity of a
 * rule.  port: name unique; a vf port has a VF index, a tunnel port a remote
 * IP, the other tunnel fields optional.  setting: key -> value text.  All
 * text is NUL-terminated, at most SNIC_MGR_STORE_TEXT_MAX bytes, and stored
 * byte for byte (UTF-8 or not).  Invalid input is refused (-EINVAL) with the
 * field named, and changes nothing.
 *
 * Errors.  Every int function returns 0 or a negative errno and, on
 * failure, leaves a message in snic_mgr_store_error() that says what and
 * why, e.g. "rule 42 (table 0, priority 100, in_port=vf0): a rule with the
 * same table, priority and match exists (id 7)" or "/var/lib/snic/state.db:
 * commit: disk full (SQLite: database or disk is full); nothing of this
 * transaction was written".  Open, which has no store yet, writes its
 * message to the caller's buffer.
 *
 * Thread safety: none inside.  The caller serialises every call on one
 * store; distinct stores (distinct files) are independent.  Load callbacks
 * must not call the store (-EBUSY).
 */
#ifndef SNIC_MGR_STORE_H
#define SNIC_MGR_STORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Schema version this code writes and reads (PRAGMA user_version). */
#define SNIC_MGR_STORE_SCHEMA_VERSION 1
/** PRAGMA application_id of a snic store: "snic". */
#define SNIC_MGR_STORE_APPLICATION_ID 0x736e6963
/** Longest text value (match, actions, names, settings), bytes without NUL. */
#define SNIC_MGR_STORE_TEXT_MAX 65536u
/** Highest rule table (OpenFlow: 255 means "all tables"). */
#define SNIC_MGR_STORE_TABLE_MAX 254u
/** Highest rule id (ids are SQLite rowids, signed 64-bit). */
#define SNIC_MGR_STORE_RULE_ID_MAX ((uint64_t)INT64_MAX)
/** Highest VF index of a vf port. */
#define SNIC_MGR_STORE_VF_MAX 65535
/** Highest VXLAN network identifier in a tunnel port's key (24 bits). */
#define SNIC_MGR_STORE_VNI_MAX 0xffffffu
/** How long open waits for another owner to release the file. */
#define SNIC_MGR_STORE_BUSY_MS 2000
/** Longest message of snic_mgr_store_error(), bytes with the NUL. */
#define SNIC_MGR_STORE_MSG_LEN 1024u

struct snic_mgr_store;

/** An OpenFlow-style rule, as the manager canonicalised it. */
struct snic_mgr_store_rule {
	uint64_t id;            /**< 1..SNIC_MGR_STORE_RULE_ID_MAX, unique */
	uint8_t table;          /**< 0..SNIC_MGR_STORE_TABLE_MAX */
	uint16_t priority;      /**< OpenFlow priority (higher wins) */
	const char *match;      /**< canonical match text ("" matches all);
	                             never NULL */
	const char *actions;    /**< canonical actions text ("" drops);
	                             never NULL */
	uint64_t cookie;        /**< opaque controller cookie */
	uint16_t idle_timeout;  /**< seconds, 0 = none */
	uint16_t hard_timeout;  /**< seconds, 0 = none */
	uint32_t flags;         /**< the manager's rule flags, opaque here */
	int64_t created_ms;     /**< wall clock at creation, ms since the epoch */
};

/** What a port is. */
enum snic_mgr_store_port_kind {
	SNIC_MGR_STORE_PORT_UPLINK = 0, /**< a physical uplink */
	SNIC_MGR_STORE_PORT_VF = 1,     /**< an SR-IOV virtual function */
	SNIC_MGR_STORE_PORT_TUNNEL = 2, /**< a VXLAN tunnel port (OVS model) */
};

/**
 * A port.  The tunnel fields (remote_ip, local_ip, key, dst_port) are set
 * on tunnel ports only and are NULL / 0 on the others.
 */
struct snic_mgr_store_port {
	const char *name;       /**< unique, non-empty */
	enum snic_mgr_store_port_kind kind;  /**< uplink, vf or tunnel */
	int vf;                 /**< VF index 0..SNIC_MGR_STORE_VF_MAX for a vf
	                             port, -1 otherwise */
	const char *remote_ip;  /**< tunnel: dotted IPv4 or "flow"; required */
	const char *local_ip;   /**< tunnel: dotted IPv4, "flow" or NULL (the
	                             manager's default) */
	const char *key;        /**< tunnel: VNI 0..SNIC_MGR_STORE_VNI_MAX in
	                             decimal, "flow" or NULL (default) */
	uint16_t dst_port;      /**< tunnel: UDP destination port, 1..65535 */
	const char *vm;         /**< VM the port is attached to, or NULL; when
	                             set, non-empty */
};

/**
 * Callbacks of snic_mgr_store_load(); any may be NULL.  Pointers passed are
 * valid during the call only.  A callback returning non-zero stops the load,
 * which returns that value (use negative errnos).
 */
struct snic_mgr_store_visitor {
	/** Each setting, by key. */
	int (*setting)(void *arg, const char *key, const char *value);
	/** Each port, by name. */
	int (*port)(void *arg, const struct snic_mgr_store_port *port);
	/** Each rule, by id. */
	int (*rule)(void *arg, const struct snic_mgr_store_rule *rule);
};

/**
 * Open the store at path, creating the file and the schema when missing
 * (the directory must exist).  Takes the file's lock until close.
 * @return 0 with *out set, or a negative errno with err saying why:
 *         -EBUSY another process holds it; -EINVAL not a snic store;
 *         -ENOTSUP newer schema; -EUCLEAN corrupt; -EACCES not writable;
 *         -ENOENT, -EIO... from the file system.
 */
int snic_mgr_store_open(const char *path, struct snic_mgr_store **out,
			char *err, size_t errlen);

/** Close (rolling back an open transaction) and free.  NULL is a no-op. */
void snic_mgr_store_close(struct snic_mgr_store *s);

/** The message of the last failed call ("" before any); valid until the next
 *  call on s. */
const char *snic_mgr_store_error(const struct snic_mgr_store *s);

/** Start a transaction; -EINVAL if one is open. */
int snic_mgr_store_begin(struct snic_mgr_store *s);
/** Make the transaction durable and end it (see "Transactions" above). */
int snic_mgr_store_commit(struct snic_mgr_store *s);
/** Discard the transaction's changes and end it; -EINVAL if none is open. */
int snic_mgr_store_rollback(struct snic_mgr_store *s);

/**
 * Add a rule, or replace the rule with the same id.  -EEXIST when another
 * rule has the same table, priority and match (the message names both).
 */
int snic_mgr_store_put_rule(struct snic_mgr_store *s,
			    const struct snic_mgr_store_rule *rule);
/** Remove rule id; -ENOENT if there is none. */
int snic_mgr_store_del_rule(struct snic_mgr_store *s, uint64_t id);
/** Remove every rule (ports and settings stay). */
int snic_mgr_store_del_all_rules(struct snic_mgr_store *s);
/** Add a port, or replace the port with the same name. */
int snic_mgr_store_put_port(struct snic_mgr_store *s,
			    const struct snic_mgr_store_port *port);
/** Remove port name; -ENOENT if there is none (rules naming it stay). */
int snic_mgr_store_del_port(struct snic_mgr_store *s, const char *name);
/** Set a setting; value NULL removes it (absent or not). */
int snic_mgr_store_set(struct snic_mgr_store *s, const char *key,
		       const char *value);

/**
 * Call the visitor for every setting (by key), then every port (by name),
 * then every rule (by id), verifying each row's checksum first.  Inside a
 * transaction it sees the transaction's changes.
 * @return 0, a callback's non-zero value, or a negative errno (-EUCLEAN for
 *         a damaged row, named in the message; the rows before it were
 *         visited, so a caller building state from them discards it).
 */
int snic_mgr_store_load(struct snic_mgr_store *s,
			const struct snic_mgr_store_visitor *ops, void *arg);

/** The highest rule id + 1 (1 without rules) into *id; -EOVERFLOW when the
 *  highest id is SNIC_MGR_STORE_RULE_ID_MAX. */
int snic_mgr_store_next_rule_id(struct snic_mgr_store *s, uint64_t *id);

/**
 * Full check (slower than open's): PRAGMA integrity_check and every row's
 * checksum.  Outside a transaction.  0, or -EUCLEAN saying what is wrong.
 */
int snic_mgr_store_check(struct snic_mgr_store *s);

#ifdef __cplusplus
}
#endif
#endif /* SNIC_MGR_STORE_H */
