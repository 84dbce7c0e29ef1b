/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_mgr_ctl.h - the control protocol of snic-offloadd, server and client
 * side: the contract of offload-mgr/ctl/.
 *
 * What it is.  snic-offloadd listens on a UNIX stream socket (default
 * SNIC_MGR_CTL_DEFAULT_PATH) for requests from snicctl and other tools.  The
 * protocol (newline-delimited JSON, version 1) is specified completely in
 * offload-mgr/ctl/PROTOCOL.md: every command, field, type, limit and error
 * code.  This library is both ends of it:
 *   - the server: the listening socket, its connections, reading requests,
 *     validating them against one table per command (fields, types,
 *     required/optional, limits), calling the daemon's backend with C
 *     arguments, and writing the responses.  The backend never sees JSON
 *     it has to check: only validated arguments;
 *   - the client: connect, then one call per request with a timeout.
 *
 * The server and the caller's event loop.  The server never blocks and owns
 * no thread.  snic_mgr_ctl_server_fd() is one file descriptor (an epoll
 * instance holding the listening socket, every connection and a timer) that
 * becomes readable whenever the server has something to do; the daemon adds
 * it to its own epoll/poll set (level-triggered, EPOLLIN) and calls
 * snic_mgr_ctl_server_poll() when it is readable.  poll() accepts, reads,
 * answers complete request lines (calling the backend), writes, and returns;
 * it does a bounded amount of work per call (SNIC_MGR_CTL_READ_BUDGET bytes
 * read per connection), so one client sending a huge request does not hold
 * the loop for longer than reading that much.  A backend op runs inside
 * poll(): a slow backend op delays every client (the daemon's state is
 * serialised through its loop anyway).
 *
 * Connections.  Many clients, each with its own input and output buffer.
 * Requests on one connection are answered one at a time, in order; a client
 * may pipeline.  Output is bounded: while a response is not completely
 * written, the server reads no further request from that connection (so a
 * client that never reads holds at most one response in the server, and
 * stops being read); a connection whose pending output makes no progress
 * for stall_timeout_ms is closed.  Nothing a client sends -- bad JSON, a
 * line longer than max_line, NUL bytes, deep nesting, huge numbers, a
 * half-sent request and silence -- blocks the server or other clients.
 *
 * Who may connect.  The socket is created with mode 0660.  Every accepted
 * connection's peer credentials (SO_PEERCRED) are checked: root, the
 * server's own effective uid, and (when opts.allow_gid is set) peers whose
 * primary gid is allow_gid are served; any other peer gets one EPERM error
 * line and is disconnected.  Every accept and refusal is logged through
 * opts.log (pid, uid, gid of the peer).
 *
 * Errors.  Functions that can fail return NULL or a negative number and,
 * where they take (char *err, size_t errlen), put a sentence there a person
 * can act on ("cannot listen on /run/snic/offloadd.sock: Permission
 * denied").  Protocol errors travel as enum snic_mgr_ctl_code (the "code"
 * strings of PROTOCOL.md).  A backend op refuses with
 * snic_mgr_ctl_fail(), which records a code, a message and optionally the
 * index of the offending rule of a batch; the server adds the rule's line
 * number when the request carried "lines".
 *
 * Thread safety.  None inside.  A server is used by one thread at a time
 * (the daemon's loop); a client likewise.  Distinct servers and clients are
 * independent.  The backend's ops are called from inside
 * snic_mgr_ctl_server_poll() / snic_mgr_ctl_server_handle() only, on the
 * caller's thread.
 *
 * JSON.  Results are built with jansson (<jansson.h>, pkg-config jansson):
 * the typed reply functions below for every result the protocol defines,
 * and jansson values only where the protocol passes the backend's objects
 * through unchanged (show).  The client hands results back as jansson
 * values.
 */
#ifndef SNIC_MGR_CTL_H
#define SNIC_MGR_CTL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- protocol constants (PROTOCOL.md, "Limits") ---- */

/** The protocol version this library speaks ("v"). */
#define SNIC_MGR_CTL_VERSION 1
/** Where snic-offloadd listens unless told otherwise. */
#define SNIC_MGR_CTL_DEFAULT_PATH "/run/snic/offloadd.sock"
/** Default longest request line, bytes without the newline (64 MiB). */
#define SNIC_MGR_CTL_DEFAULT_MAX_LINE (64u << 20)
/** Default largest response line, bytes (512 MiB). */
#define SNIC_MGR_CTL_DEFAULT_MAX_RESPONSE (512u << 20)
/** Default most connections served at once. */
#define SNIC_MGR_CTL_DEFAULT_MAX_CLIENTS 64u
/** Default: close a connection whose output makes no progress this long. */
#define SNIC_MGR_CTL_DEFAULT_STALL_MS 30000u
/** Bytes read from one connection per snic_mgr_ctl_server_poll() call. */
#define SNIC_MGR_CTL_READ_BUDGET (4u << 20)
/** Most rules in one request's "flows". */
#define SNIC_MGR_CTL_MAX_FLOWS (1u << 20)
/** Longest rule text or match, bytes. */
#define SNIC_MGR_CTL_MAX_RULE_LEN 65535u
/** Largest "id" (of a request, of a rule): 2^53 - 1, exact in any JSON. */
#define SNIC_MGR_CTL_MAX_ID 9007199254740991ull
/** Longest error message, bytes with the NUL (longer ones are cut). */
#define SNIC_MGR_CTL_MSG_MAX 1024u
/** Longest tunnel name (a port name, IFNAMSIZ - 1). */
#define SNIC_MGR_CTL_MAX_NAME 15u
/** Longest "set" key and value, bytes. */
#define SNIC_MGR_CTL_MAX_KEY 64u
#define SNIC_MGR_CTL_MAX_VALUE 4096u

/**
 * Error codes: the "code" of an error response.  Their meaning on the wire
 * is PROTOCOL.md's table; in short:
 */
enum snic_mgr_ctl_code {
	SNIC_MGR_CTL_OK = 0,
	SNIC_MGR_CTL_EINVAL,  /**< an argument is wrong (names the field / rule) */
	SNIC_MGR_CTL_ENOENT,  /**< the named object does not exist */
	SNIC_MGR_CTL_EEXIST,  /**< it exists already */
	SNIC_MGR_CTL_ENOSPC,  /**< a capacity or size limit (named) is reached */
	SNIC_MGR_CTL_ENOTSUP, /**< unknown command, or not supported by the daemon */
	SNIC_MGR_CTL_EBUSY,   /**< try later (too many clients, state in flux) */
	SNIC_MGR_CTL_EPROTO,  /**< not a valid request: JSON, envelope, version, line */
	SNIC_MGR_CTL_EIO,     /**< the daemon failed (hardware, out of memory, bug) */
	SNIC_MGR_CTL_EPERM,   /**< the peer is not allowed to use the socket */
	SNIC_MGR_CTL_ETIMEDOUT, /**< client only: no answer within the timeout */
	SNIC_MGR_CTL_ECONN,   /**< client only: cannot connect, or connection lost */
	SNIC_MGR_CTL_CODE_COUNT
};

/** "EINVAL", ...; "?" for a value outside the enum. */
const char *snic_mgr_ctl_code_name(enum snic_mgr_ctl_code code);
/** The code named name, or SNIC_MGR_CTL_CODE_COUNT for an unknown name. */
enum snic_mgr_ctl_code snic_mgr_ctl_code_parse(const char *name);

/* ---- validated arguments, as the backend receives them ---- */

/** A list of rule texts: n valid UTF-8 strings, 1..MAX_RULE_LEN bytes,
 *  without control characters (TAB allowed). */
struct snic_mgr_ctl_strv {
	const char *const *v;
	size_t n;
};

/** An optional integer argument (possibly the word "flow" where allowed). */
struct snic_mgr_ctl_uint {
	bool present;    /**< given in the request (else value is the default) */
	bool flow;       /**< the request said "flow" (value is then 0) */
	uint64_t value;  /**< within the field's limits (PROTOCOL.md) */
};

/** add-tunnel's arguments (a VXLAN tunnel port in OVS's model). */
struct snic_mgr_ctl_tunnel {
	const char *name;       /**< 1..15 of [A-Za-z0-9_.-] */
	const char *remote_ip;  /**< IPv4/IPv6 address text, or "flow" */
	const char *local_ip;   /**< IPv4/IPv6 address text; NULL if absent */
	struct snic_mgr_ctl_uint key;      /**< VNI 0..16777215 or flow; default 0 */
	struct snic_mgr_ctl_uint dst_port; /**< UDP 1..65535; default 4789 */
};

/** Offload state of a rule (dump-flows "state"). */
enum snic_mgr_ctl_state {
	SNIC_MGR_CTL_STATE_HW = 0,  /**< "hw": in the NIC */
	SNIC_MGR_CTL_STATE_SW,      /**< "sw": in the software datapath */
	SNIC_MGR_CTL_STATE_PENDING, /**< "pending": the planner has not decided */
	SNIC_MGR_CTL_STATE_FAILED,  /**< "failed": neither (reason says why) */
};

/** A packet/byte count pair. */
struct snic_mgr_ctl_counts {
	uint64_t packets, bytes;
};

/**
 * One rule of a dump-flows result, as the backend describes it.  Strings
 * are copied by snic_mgr_ctl_reply_flow(); they need only live during it.
 */
struct snic_mgr_ctl_flow {
	uint64_t id;            /**< the daemon's rule id, <= SNIC_MGR_CTL_MAX_ID */
	const char *text;       /**< canonical rule text (ovs-ofctl syntax) */
	uint8_t table;          /**< OpenFlow table 0..254 */
	uint16_t priority;      /**< OpenFlow priority (higher wins) */
	uint64_t cookie;        /**< sent as "0x..." (64 bits do not fit JSON) */
	enum snic_mgr_ctl_state state;
	const char *reason;     /**< why sw/pending/failed; NULL -> null */
	const char *hw_error;   /**< NULL: hw is valid; else why the hardware
	                             counters could not be read (sent as
	                             {"error":"query failed: <hw_error>"}) */
	struct snic_mgr_ctl_counts hw;  /**< hardware counters (0 if never in hw) */
	struct snic_mgr_ctl_counts sw;  /**< software datapath counters */
	double age_s;           /**< seconds since the rule was added */
	double idle_s;          /**< seconds since it last matched a packet */
};

/** Which list of a diff-flows result. */
enum snic_mgr_ctl_diff_side {
	SNIC_MGR_CTL_ONLY_IN_FILE = 0,  /**< in the request, not in the daemon */
	SNIC_MGR_CTL_ONLY_IN_SWITCH,    /**< in the daemon, not in the request */
};

/** Which part of a show result. */
enum snic_mgr_ctl_show_part {
	SNIC_MGR_CTL_SHOW_PORTS = 0,  /**< "ports": a JSON array */
	SNIC_MGR_CTL_SHOW_TUNNELS,    /**< "tunnels": a JSON array */
	SNIC_MGR_CTL_SHOW_CAPACITY,   /**< "capacity": a JSON object */
};

/** replace-flows' counts. */
struct snic_mgr_ctl_replaced {
	uint64_t added, deleted, modified;
};

/** The result being built for one request (opaque; see the reply_* calls). */
struct snic_mgr_ctl_reply;

/* ---- the backend: one op per command ---- */

/**
 * The daemon's side.  Every op gets the backend pointer given to
 * snic_mgr_ctl_server_open(), its validated arguments, and the reply.  It
 * returns 0 on success (after filling its out-parameters and calling the
 * reply_* functions its result needs) or -1 after snic_mgr_ctl_fail().
 * An op that returns -1 without snic_mgr_ctl_fail() produces EIO "the
 * daemon failed without saying why".  A NULL op makes its command answer
 * ENOTSUP.  Argument pointers are valid during the call only.
 *
 * Batches (add/mod/replace-flows) are atomic: an op that refuses one rule
 * must change nothing, and names the rule with snic_mgr_ctl_fail()'s index.
 */
struct snic_mgr_ctl_ops {
	/** add-flows: add every rule or none; *added = rules added. */
	int (*add_flows)(void *be, const struct snic_mgr_ctl_strv *flows,
			 uint64_t *added, struct snic_mgr_ctl_reply *r);
	/** del-flows: match NULL = every rule; strict: priority and match
	 *  must be equal (ovs-ofctl --strict).  *deleted = rules removed. */
	int (*del_flows)(void *be, const char *match, bool strict,
			 uint64_t *deleted, struct snic_mgr_ctl_reply *r);
	/** mod-flows: change the actions of the rules each rule matches. */
	int (*mod_flows)(void *be, const struct snic_mgr_ctl_strv *flows,
			 bool strict, uint64_t *modified,
			 struct snic_mgr_ctl_reply *r);
	/** replace-flows: make the rule set equal to flows, atomically. */
	int (*replace_flows)(void *be, const struct snic_mgr_ctl_strv *flows,
			     struct snic_mgr_ctl_replaced *out,
			     struct snic_mgr_ctl_reply *r);
	/** diff-flows: snic_mgr_ctl_reply_diff() for each difference. */
	int (*diff_flows)(void *be, const struct snic_mgr_ctl_strv *flows,
			  struct snic_mgr_ctl_reply *r);
	/** dump-flows: snic_mgr_ctl_reply_flow() for each rule that matches
	 *  (match NULL = all) in table (not present = every table). */
	int (*dump_flows)(void *be, const char *match,
			  const struct snic_mgr_ctl_uint *table,
			  struct snic_mgr_ctl_reply *r);
	/** dump-hw: snic_mgr_ctl_reply_hw_rule() for each rule in the NIC. */
	int (*dump_hw)(void *be, struct snic_mgr_ctl_reply *r);
	/** show: snic_mgr_ctl_reply_show() for the parts it has (a part not
	 *  given is sent empty). */
	int (*show)(void *be, struct snic_mgr_ctl_reply *r);
	int (*add_tunnel)(void *be, const struct snic_mgr_ctl_tunnel *t,
			  struct snic_mgr_ctl_reply *r);
	int (*del_tunnel)(void *be, const char *name,
			  struct snic_mgr_ctl_reply *r);
	/** set: a daemon setting; key 1..64 of [A-Za-z0-9_.-], value 0..4096
	 *  bytes without control characters. */
	int (*set)(void *be, const char *key, const char *value,
		   struct snic_mgr_ctl_reply *r);
};
/* ping is answered by the library: {"version", "uptime_s", "protocol"}. */

/** No batch index (snic_mgr_ctl_fail()). */
#define SNIC_MGR_CTL_NO_INDEX (-1LL)

/**
 * Refuse the request: code, the index of the offending rule in the
 * request's "flows" (or SNIC_MGR_CTL_NO_INDEX) and a message (printf; cut
 * at SNIC_MGR_CTL_MSG_MAX, invalid UTF-8 replaced).  The message should name
 * the rule or object and say why.  Returns -1, for `return snic_mgr_ctl_fail(...)`.
 * The first call wins; later calls are ignored.
 */
int snic_mgr_ctl_fail(struct snic_mgr_ctl_reply *r, enum snic_mgr_ctl_code code,
		      long long index, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Result builders.  Each returns 0, or -1 when called for another command
 * than the one it belongs to, with a value outside the protocol's range, or
 * out of memory; the request is then answered with EIO naming the problem
 * (a backend bug, not the client's).  Strings are copied. */

/** dump-flows: append one rule (total = hw + sw; see PROTOCOL.md). */
int snic_mgr_ctl_reply_flow(struct snic_mgr_ctl_reply *r,
			    const struct snic_mgr_ctl_flow *f);
/** dump-hw: append one hardware rule in testpmd syntax. */
int snic_mgr_ctl_reply_hw_rule(struct snic_mgr_ctl_reply *r, uint64_t id,
			       const char *flow);
/** diff-flows: append a rule text to one side. */
int snic_mgr_ctl_reply_diff(struct snic_mgr_ctl_reply *r,
			    enum snic_mgr_ctl_diff_side side, const char *text);
/** show: set a part; value is stolen (decref'd on failure too); ports and
 *  tunnels must be arrays, capacity an object. */
int snic_mgr_ctl_reply_show(struct snic_mgr_ctl_reply *r,
			    enum snic_mgr_ctl_show_part part, json_t *value);

/* ---- the server ---- */

/** Log levels of opts.log. */
enum snic_mgr_ctl_log_level { SNIC_MGR_CTL_LOG_INFO, SNIC_MGR_CTL_LOG_WARN };

/** Server options; zero fields take the default.  NULL opts = all defaults. */
struct snic_mgr_ctl_server_opts {
	size_t max_line;        /**< longest request line (DEFAULT_MAX_LINE) */
	size_t max_response;    /**< largest response (DEFAULT_MAX_RESPONSE);
	                             a larger result is answered ENOSPC */
	unsigned max_clients;   /**< connections at once (DEFAULT_MAX_CLIENTS);
	                             one more gets EBUSY and is closed */
	unsigned stall_timeout_ms; /**< DEFAULT_STALL_MS */
	bool allow_gid_set;     /**< also serve peers whose gid is allow_gid */
	gid_t allow_gid;
	const char *version;    /**< ping's "version" (default "snic <ver>") */
	/** Where log lines go (one sentence, no newline); NULL: nowhere. */
	void (*log)(void *log_ctx, enum snic_mgr_ctl_log_level level,
		    const char *line);
	void *log_ctx;
};

/** Server counters (snic_mgr_ctl_server_stats()). */
struct snic_mgr_ctl_server_stats {
	unsigned clients;        /**< connections open now */
	uint64_t accepted;       /**< connections accepted and served, ever */
	uint64_t refused;        /**< refused (credentials, too many clients) */
	uint64_t requests;       /**< request lines answered */
	uint64_t errors;         /**< of which answered with an error */
	uint64_t stalled;        /**< connections closed for not reading */
	size_t out_pending;      /**< response bytes not yet written, all
	                              connections together */
	size_t out_pending_max;  /**< the most one connection has pending now */
};

struct snic_mgr_ctl_server;

/**
 * Create a server: listen on path (SOCK_STREAM, mode 0660; its directory is
 * created 0755 if missing; a stale socket nobody answers on is replaced, a
 * live one is an error) and serve requests with ops/be.  path NULL: no
 * socket at all (snic_mgr_ctl_server_handle() only: fuzzing, tests).
 * ops must outlive the server.  Returns NULL with err filled on failure.
 */
struct snic_mgr_ctl_server *
snic_mgr_ctl_server_open(const char *path, const struct snic_mgr_ctl_ops *ops,
			 void *be, const struct snic_mgr_ctl_server_opts *opts,
			 char *err, size_t errlen);

/** The fd to watch for EPOLLIN (-1 when opened without a path). */
int snic_mgr_ctl_server_fd(const struct snic_mgr_ctl_server *s);

/**
 * Do what is ready, without blocking: accept, read, answer, write, close
 * stalled connections.  Call it whenever the fd is readable (calling it
 * when it is not is harmless).  Returns the number of requests answered,
 * or -1 if the server's own epoll failed (errno set; this does not happen
 * in practice).
 */
int snic_mgr_ctl_server_poll(struct snic_mgr_ctl_server *s);

/**
 * Answer one request line (without its newline; NUL bytes in it are
 * refused, not terminators) exactly as a connection would be answered.
 * Returns the response line (malloc'd, ending in '\n', *resp_len bytes
 * without a NUL inside; free it), or NULL for a blank line (no response)
 * and on out of memory (*resp_len is 0 then).  The only entry the fuzz
 * target needs.
 */
char *snic_mgr_ctl_server_handle(struct snic_mgr_ctl_server *s,
				 const char *line, size_t len, size_t *resp_len);

void snic_mgr_ctl_server_stats(const struct snic_mgr_ctl_server *s,
			       struct snic_mgr_ctl_server_stats *st);

/** Close every connection and the socket (unlinked); free the server. */
void snic_mgr_ctl_server_close(struct snic_mgr_ctl_server *s);

/* ---- the client ---- */

/** An error a call returned: the daemon's, or the client's own. */
struct snic_mgr_ctl_error {
	enum snic_mgr_ctl_code code;
	char message[SNIC_MGR_CTL_MSG_MAX];
	long long index;   /**< rule of the batch, or -1 */
	long long line;    /**< its "lines" entry, or -1 */
	char field[128];   /**< offending field ("args.flows[3]"), or "" */
};

struct snic_mgr_ctl_client;

/**
 * Connect to the daemon at path (NULL: the default path).  timeout_ms
 * bounds the connect and every later call (0: wait forever).  Returns NULL
 * with err set to "cannot connect to snic-offloadd at PATH: <strerror>" and
 * *err_errno (may be NULL) set to the errno.
 */
struct snic_mgr_ctl_client *snic_mgr_ctl_connect(const char *path,
						 unsigned timeout_ms,
						 char *err, size_t errlen,
						 int *err_errno);

/**
 * Send {"v":1,"id":N,"cmd":cmd,"args":args} (args borrowed; NULL = {}) and
 * wait for its response.
 * @return 0 with *result set (a new reference: json_decref it) when the
 *         daemon said ok; 1 when the daemon refused (err filled from the
 *         response, *result NULL); -1 when the call failed on the way
 *         (err->code ETIMEDOUT, ECONN or EPROTO for an unreadable
 *         response; the client is unusable afterwards).
 */
int snic_mgr_ctl_call(struct snic_mgr_ctl_client *c, const char *cmd,
		      json_t *args, json_t **result,
		      struct snic_mgr_ctl_error *err);

/**
 * Called while a request is being sent (for progress bars): sent of total
 * bytes, at most every 1 MiB and once at the end.  NULL: none.
 */
void snic_mgr_ctl_client_progress(struct snic_mgr_ctl_client *c,
				  void (*cb)(void *ctx, size_t sent, size_t total),
				  void *ctx);

void snic_mgr_ctl_client_close(struct snic_mgr_ctl_client *c);

#ifdef __cplusplus
}
#endif
#endif /* SNIC_MGR_CTL_H */
