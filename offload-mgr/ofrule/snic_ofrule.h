/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_ofrule.h - OpenFlow rules in ovs-ofctl flow syntax: the parser, the
 * data model and the formatter of snic-offloadd (offload-mgr/ofrule/).
 *
 * What it is.  snic-offloadd takes rules written as ovs-ofctl(8) writes them
 * ("table=0,priority=100,in_port=vf0,ip,nw_dst=10.0.0.0/24,
 * actions=mod_dl_dst:02:00:00:00:00:01,output:uplink") and later turns them
 * into rte_flow rules and a software datapath.  This library is the front
 * of that: text -> struct snic_of_rule -> text.  It has no DPDK dependency
 * and no global state.
 *
 * Semantics are Open vSwitch's (ovs-fields(7), ovs-actions(7), ovs-ofctl(8),
 * Open vSwitch 3.1): ovs-ofctl accepts a rule exactly when this parser does,
 * apart from the deliberate differences listed in README.md (in short: snic
 * refuses a field whose prerequisites the match does not establish, where OVS
 * silently drops it; it refuses values OVS silently truncates, e.g. IPv4
 * octets above 255; and it refuses, as "not supported by snic", actions and
 * fields OVS has and snic does not implement).
 *
 * The data model.
 *   struct snic_of_rule   one rule: table, priority, cookie, timeouts, a
 *                         match and up to SNIC_OF_MAX_ACTIONS actions.
 *   struct snic_of_match  a value and a mask per field, normalised the way
 *                         OVS normalises a struct match:
 *                           - a mask bit of 0 wildcards that bit; a field
 *                             whose mask is 0 is not matched at all;
 *                           - value bits outside the mask are always 0;
 *                           - dl_vlan, dl_vlan_pcp, vlan_vid, vlan_pcp and
 *                             vlan_tci all fold into one vlan_tci value/mask,
 *                             with OVS's meaning of bit 0x1000 (CFI): "a VLAN
 *                             header is present" (vlan_tci=0 mask 0xffff is
 *                             "no VLAN header");
 *                           - shorthands (ip, tcp, udp6, arp, ...) fold into
 *                             dl_type and nw_proto;
 *                           - aliases share a slot (tp_dst, tcp_dst, udp_dst
 *                             and sctp_dst are tp_dst; icmp_type is tp_src on
 *                             ICMP; nw_src on ARP is arp_spa; nw_proto on ARP
 *                             is the low byte of arp_op);
 *                           - every matched field has its prerequisites in the
 *                             same match (nw_src: dl_type ip, arp or rarp;
 *                             tp_dst: ip/ipv6 with nw_proto tcp, udp, sctp or
 *                             icmp/icmpv6; ...).
 *                         So two matches OVS considers the same compare equal
 *                         with snic_of_match_equal().
 *   struct snic_of_action one action with its arguments; a rule's actions
 *                         are kept in the order written.  No actions means
 *                         "drop".
 * Integers are in host byte order (an IPv4 address 10.0.0.1 is 0x0a000001);
 * Ethernet and IPv6 addresses are byte arrays in wire order.
 *
 * Ports.  Port numbers are OpenFlow 1.0 / OVS port numbers: 0 to 0xfeff are
 * ports, 0xfff7 to 0xffff the reserved ports (SNIC_OF_PORT_*: IN_PORT,
 * CONTROLLER, LOCAL, ...), written by name as OVS writes them.  A rule may
 * name ports ("in_port=vf0", "output:uplink"): names are resolved through a
 * caller's port table (struct snic_of_ports); a number always works; with no
 * table a name is refused with a message saying no port table is available.
 * The formatter writes a port by name when the table has one.
 *
 * Errors.  Every function that can fail returns 0 or a negative errno and,
 * when given a struct snic_of_error, fills it with a message in the style of
 * ovs-ofctl that names the offending token and its column and says why and,
 * where it can, what is valid:
 *   "column 6: nw_src=10.0.0.300: 10.0.0.300: invalid IP address"
 *   "column 1: tp_dst=80: tp_dst requires nw_proto tcp, udp or sctp
 *    (add "tcp" or "udp")"
 * The errno says which kind:
 *   -EINVAL   malformed, or invalid as OVS would refuse it (or snic, where it
 *             is stricter);
 *   -ERANGE   a number too large for its field;
 *   -ENOTSUP  valid OVS syntax snic does not implement (the message says
 *             "not supported by snic" and names the field or action);
 *   -ENOENT   a port name the port table does not know, or a port name with
 *             no port table;
 *   -E2BIG    more than SNIC_OF_MAX_ACTIONS actions;
 *   -ENOMEM   out of memory (rules files only);
 *   -ENOSPC   a formatting buffer too small (the output is truncated and
 *             NUL-terminated).
 * Bad input changes nothing: on failure the output arguments are untouched.
 *
 * Thread safety: none needed.  Every function works only on its arguments;
 * calls on distinct objects may run concurrently, and a const object may be
 * read by several threads at once.  The port table callbacks are called from
 * the calling thread, during the call.
 */
#ifndef SNIC_OFRULE_H
#define SNIC_OFRULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Most actions in one rule. */
#define SNIC_OF_MAX_ACTIONS 32u
/** A buffer this large always holds snic_of_rule_format()'s output. */
#define SNIC_OF_RULE_TEXT_MAX 8192u
/** Longest port name a port table may return (bytes, without the NUL). */
#define SNIC_OF_PORT_NAME_MAX 63u
/** Default priority (OpenFlow's OFP_DEFAULT_PRIORITY). */
#define SNIC_OF_DEFAULT_PRIORITY 32768u
/** struct snic_of_rule.table in the match modes: every table. */
#define SNIC_OF_TABLE_ALL 255u

/* Reserved ports (OpenFlow 1.0 numbering, as OVS uses internally). */
#define SNIC_OF_PORT_MAX        0xff00u  /**< ports are below this */
#define SNIC_OF_PORT_UNSET      0xfff7u
#define SNIC_OF_PORT_IN_PORT    0xfff8u
#define SNIC_OF_PORT_TABLE      0xfff9u
#define SNIC_OF_PORT_NORMAL     0xfffau
#define SNIC_OF_PORT_FLOOD      0xfffbu
#define SNIC_OF_PORT_ALL        0xfffcu
#define SNIC_OF_PORT_CONTROLLER 0xfffdu
#define SNIC_OF_PORT_LOCAL      0xfffeu
#define SNIC_OF_PORT_ANY        0xffffu  /**< "ANY", also written "NONE" */

/* ---- errors ---- */

#define SNIC_OF_ERR_MSG_MAX   384u
#define SNIC_OF_ERR_TOKEN_MAX 96u

/** Why a call failed.  Filled only on failure. */
struct snic_of_error {
	int code;           /**< the negative errno the call returned */
	unsigned line;      /**< rules files: 1-based line; 0 for one rule */
	unsigned column;    /**< 1-based byte column of the offending token in
			         the rule (in its line for files); 0 when the
			         rule as a whole is at fault */
	char token[SNIC_OF_ERR_TOKEN_MAX]; /**< the offending token as written
					        (non-printable bytes as \xNN,
					        long ones cut with "...");
					        "" when none */
	char msg[SNIC_OF_ERR_MSG_MAX];     /**< "[line L, ]column C: TOKEN:
					        reason"; never empty */
};

/* ---- ports ---- */

/**
 * A port table: how names map to port numbers.  Both callbacks get the
 * table's arg.  Names are compared as the table likes (OVS: exactly).
 */
struct snic_of_port_ops {
	/** Number of the port called name: 0 with *ofport set (below
	 *  SNIC_OF_PORT_MAX), or -ENOENT. */
	int (*lookup)(void *arg, const char *name, uint32_t *ofport);
	/** Name of port ofport into buf (at most SNIC_OF_PORT_NAME_MAX bytes
	 *  plus the NUL): 0, or -ENOENT if the port has no name.  May be NULL
	 *  (ports are then written as numbers). */
	int (*name)(void *arg, uint32_t ofport, char *buf, size_t len);
};

/** A port table handle; NULL wherever one is taken means "no port table". */
struct snic_of_ports {
	const struct snic_of_port_ops *ops;
	void *arg;
};

/* ---- the match ---- */

/**
 * What a rule matches: a value and a mask per field (see the invariants at
 * the top).  In OVS's ovs-ofctl order (the order the formatter writes).
 * Initialise with snic_of_match_init() (all wildcards).
 */
struct snic_of_match {
	uint64_t tun_id, tun_id_mask;     /**< tunnel key (VXLAN VNI) */
	uint32_t tun_src, tun_src_mask;   /**< outer IPv4 source of the tunnel */
	uint32_t tun_dst, tun_dst_mask;   /**< outer IPv4 destination */
	uint64_t metadata, metadata_mask; /**< OpenFlow metadata register */
	uint32_t in_port, in_port_mask;   /**< ingress port; mask 0 or
					       0xffffffff (not maskable) */
	uint16_t vlan_tci, vlan_tci_mask; /**< 802.1Q TCI of the outer tag;
					       0x1000 = tag present */
	uint8_t dl_src[6], dl_src_mask[6]; /**< Ethernet source */
	uint8_t dl_dst[6], dl_dst_mask[6]; /**< Ethernet destination */
	uint16_t dl_type, dl_type_mask;   /**< EtherType; mask 0 or 0xffff */
	uint32_t nw_src, nw_src_mask;     /**< IPv4 source; ARP SPA on arp */
	uint32_t nw_dst, nw_dst_mask;     /**< IPv4 destination; ARP TPA */
	uint8_t ipv6_src[16], ipv6_src_mask[16]; /**< IPv6 source */
	uint8_t ipv6_dst[16], ipv6_dst_mask[16]; /**< IPv6 destination */
	uint8_t nw_proto, nw_proto_mask;  /**< IP protocol (ARP: opcode low
					       byte); mask 0 or 0xff */
	uint8_t nw_tos, nw_tos_mask;      /**< IP ToS/traffic class, DSCP bits
					       only: mask 0 or 0xfc */
	uint8_t nw_ttl, nw_ttl_mask;      /**< IP TTL / hop limit; 0 or 0xff */
	uint16_t tp_src, tp_src_mask;     /**< TCP/UDP/SCTP source port; ICMP
					       type (mask 0xffff, value < 256) */
	uint16_t tp_dst, tp_dst_mask;     /**< destination port; ICMP code */
};

/* ---- actions ---- */

enum snic_of_action_type {
	SNIC_OF_ACT_OUTPUT,        /**< output:PORT, a bare port, in_port */
	SNIC_OF_ACT_CONTROLLER,    /**< controller[:N] / controller(...) */
	SNIC_OF_ACT_MOD_VLAN_VID,  /**< mod_vlan_vid:VID (pushes a tag if none) */
	SNIC_OF_ACT_MOD_VLAN_PCP,  /**< mod_vlan_pcp:PCP (pushes a tag if none) */
	SNIC_OF_ACT_STRIP_VLAN,    /**< strip_vlan / pop_vlan */
	SNIC_OF_ACT_PUSH_VLAN,     /**< push_vlan:ETHERTYPE */
	SNIC_OF_ACT_MOD_DL_SRC,    /**< mod_dl_src:MAC */
	SNIC_OF_ACT_MOD_DL_DST,    /**< mod_dl_dst:MAC */
	SNIC_OF_ACT_MOD_NW_SRC,    /**< mod_nw_src:IP (IPv4 packets only) */
	SNIC_OF_ACT_MOD_NW_DST,    /**< mod_nw_dst:IP */
	SNIC_OF_ACT_MOD_NW_TOS,    /**< mod_nw_tos:TOS (DSCP bits) */
	SNIC_OF_ACT_MOD_NW_TTL,    /**< mod_nw_ttl:TTL / set_nw_ttl:TTL */
	SNIC_OF_ACT_MOD_TP_SRC,    /**< mod_tp_src:PORT (TCP/UDP/SCTP only) */
	SNIC_OF_ACT_MOD_TP_DST,    /**< mod_tp_dst:PORT */
	SNIC_OF_ACT_DEC_TTL,       /**< dec_ttl */
	SNIC_OF_ACT_SET_TUNNEL,    /**< set_tunnel:ID / set_tunnel64:ID */
	SNIC_OF_ACT_SET_FIELD,     /**< set_field:VALUE[/MASK]->FIELD */
	SNIC_OF_ACT_WRITE_METADATA,/**< write_metadata:VALUE[/MASK] */
	SNIC_OF_ACT_GOTO_TABLE,    /**< goto_table:TABLE (always last) */
};

/** The fields set_field can write (canonical OVS names in comments). */
enum snic_of_field {
	SNIC_OF_F_TUN_ID,    /**< tun_id (tunnel_id), 64 bits */
	SNIC_OF_F_TUN_SRC,   /**< tun_src, IPv4 */
	SNIC_OF_F_TUN_DST,   /**< tun_dst, IPv4 */
	SNIC_OF_F_METADATA,  /**< metadata, 64 bits */
	SNIC_OF_F_ETH_SRC,   /**< eth_src (dl_src), 48 bits */
	SNIC_OF_F_ETH_DST,   /**< eth_dst (dl_dst), 48 bits */
	SNIC_OF_F_VLAN_VID,  /**< vlan_vid, 13 bits (0x1000 | VID) */
	SNIC_OF_F_VLAN_PCP,  /**< vlan_pcp, 0-7 */
	SNIC_OF_F_IP_SRC,    /**< ip_src (nw_src), IPv4 */
	SNIC_OF_F_IP_DST,    /**< ip_dst (nw_dst), IPv4 */
	SNIC_OF_F_NW_TOS,    /**< nw_tos, DSCP bits in place (low 2 bits 0) */
	SNIC_OF_F_IP_DSCP,   /**< ip_dscp, DSCP 0-63 */
	SNIC_OF_F_NW_TTL,    /**< nw_ttl */
	SNIC_OF_F_TCP_SRC,   /**< tcp_src (tp_src) */
	SNIC_OF_F_TCP_DST,   /**< tcp_dst (tp_dst) */
	SNIC_OF_F_UDP_SRC,   /**< udp_src */
	SNIC_OF_F_UDP_DST,   /**< udp_dst */
	SNIC_OF_F_SCTP_SRC,  /**< sctp_src */
	SNIC_OF_F_SCTP_DST,  /**< sctp_dst */
	SNIC_OF_F_N_FIELDS
};

/** OpenFlow packet-in reasons a controller action may give. */
enum snic_of_reason {
	SNIC_OF_REASON_NO_MATCH,     /**< "no_match" */
	SNIC_OF_REASON_ACTION,       /**< "action" (the default) */
	SNIC_OF_REASON_INVALID_TTL,  /**< "invalid_ttl" */
	SNIC_OF_REASON_ACTION_SET,   /**< "action_set" */
	SNIC_OF_REASON_GROUP,        /**< "group" */
	SNIC_OF_REASON_PACKET_OUT,   /**< "packet_out" */
	SNIC_OF_REASON_MISS,         /**< "" (OVS's explicit miss) */
};

/** One action.  Only the union member named by type is meaningful. */
struct snic_of_action {
	enum snic_of_action_type type;
	union {
		/** OUTPUT: a port below SNIC_OF_PORT_MAX, or IN_PORT or
		 *  LOCAL. */
		uint32_t port;
		/** CONTROLLER: send to the controller. */
		struct {
			uint16_t max_len;  /**< bytes to send; 65535 = all */
			uint16_t id;       /**< controller connection id */
			uint8_t reason;    /**< enum snic_of_reason */
		} controller;
		uint16_t vlan_vid;     /**< MOD_VLAN_VID: 0-4095 */
		uint8_t vlan_pcp;      /**< MOD_VLAN_PCP: 0-7 */
		bool pop;              /**< STRIP_VLAN: written as pop_vlan */
		uint16_t ethertype;    /**< PUSH_VLAN: 0x8100 or 0x88a8 */
		uint8_t mac[6];        /**< MOD_DL_SRC, MOD_DL_DST */
		uint32_t ipv4;         /**< MOD_NW_SRC, MOD_NW_DST */
		uint8_t tos;           /**< MOD_NW_TOS: DSCP bits, low 2 bits 0 */
		uint8_t ttl;           /**< MOD_NW_TTL */
		uint16_t tp_port;      /**< MOD_TP_SRC, MOD_TP_DST */
		/** SET_TUNNEL: the tunnel id. */
		struct {
			uint64_t id;
			bool wide;     /**< written as set_tunnel64 */
		} tunnel;
		/** SET_FIELD: value bits outside mask are 0; mask is never
		 *  0.  Ethernet addresses as 48-bit and IPv4 addresses as
		 *  32-bit integers. */
		struct {
			enum snic_of_field field;
			uint64_t value, mask;
		} set_field;
		/** WRITE_METADATA: only the bits in mask are written; the
		 *  value is kept as given (as OVS keeps it). */
		struct {
			uint64_t value, mask;
		} metadata;
		uint8_t table;         /**< GOTO_TABLE: above the rule's table */
	} u;
};

/* ---- the rule ---- */

/** Which ovs-ofctl command the text is for. */
enum snic_of_mode {
	/** add-flow(s): a whole rule; "actions=" required and last; cookie
	 *  without mask; priority, idle_timeout, hard_timeout. */
	SNIC_OF_MODE_ADD,
	/** del-flows / dump-flows: a match only; no actions, no priority,
	 *  no timeouts; cookie=V/M filters on the cookie, out_port=P on an
	 *  output action; table defaults to SNIC_OF_TABLE_ALL. */
	SNIC_OF_MODE_MATCH,
	/** del-flows --strict: SNIC_OF_MODE_MATCH plus priority. */
	SNIC_OF_MODE_MATCH_STRICT,
};

struct snic_of_rule {
	enum snic_of_mode mode;  /**< what it was parsed as */
	uint8_t table;           /**< 0-254; SNIC_OF_TABLE_ALL only in match
				      modes (ADD treats table=255 as 0) */
	uint16_t priority;       /**< SNIC_OF_DEFAULT_PRIORITY unless given */
	uint16_t idle_timeout;   /**< seconds; 0 = none */
	uint16_t hard_timeout;   /**< seconds; 0 = none */
	uint64_t cookie;         /**< ADD: the rule's cookie; match modes:
				      the value to filter on (bits outside
				      cookie_mask are 0) */
	uint64_t cookie_mask;    /**< match modes: which cookie bits must
				      equal cookie; 0 = any (always 0 in ADD) */
	uint32_t out_port;       /**< match modes: only rules that output to
				      this port; SNIC_OF_PORT_ANY = any */
	struct snic_of_match match;
	unsigned n_actions;      /**< 0 = drop (always 0 in match modes) */
	struct snic_of_action actions[SNIC_OF_MAX_ACTIONS];
};

/** Empty rule for mode: default priority, table 0 (ADD) or all (match),
 *  cookie 0, no timeouts, out_port ANY, match-all, no actions. */
void snic_of_rule_init(struct snic_of_rule *rule, enum snic_of_mode mode);

/** Match-all (every mask and value 0). */
void snic_of_match_init(struct snic_of_match *match);

/**
 * Parse one rule in ovs-ofctl flow syntax (ovs-ofctl(8) "Flow Syntax"):
 * comma- or space-separated key=value (or key:value) fields and shorthands,
 * then, in ADD mode, "actions=" and the actions up to the end.
 * @param text   NUL-terminated rule
 * @param ports  port table for names; NULL: numbers only
 * @param out    the rule on success; untouched on failure
 * @param err    filled on failure; may be NULL
 * @return 0, or a negative errno (see the top).
 */
int snic_of_rule_parse(const char *text, enum snic_of_mode mode,
		       const struct snic_of_ports *ports,
		       struct snic_of_rule *out, struct snic_of_error *err);

/**
 * Parse a rules file (ovs-ofctl add-flows): one ADD rule per line; '#'
 * starts a comment to the end of the line; blank lines and leading and
 * trailing white space are ignored; CR LF line ends are accepted.  A NUL
 * byte is refused.  The first bad line fails the whole file; the error names
 * its line.
 * @param text, len  the file's contents (need not be NUL-terminated)
 * @param rules      on success a malloc()ed array of *n_rules rules (NULL
 *                   when there are none) for the caller to free(); both
 *                   untouched on failure
 */
int snic_of_rules_parse(const char *text, size_t len,
			const struct snic_of_ports *ports,
			struct snic_of_rule **rules, size_t *n_rules,
			struct snic_of_error *err);

/**
 * Write rule in ovs-ofctl dump-flows (--no-stats) order and spelling:
 *   "cookie=0x5, table=1, idle_timeout=10, hard_timeout=20, priority=100,
 *    ip,in_port=vf0,nw_dst=10.0.0.0/24 actions=output:uplink"
 * (fields at their defaults are left out; ports by name when ports names
 * them).  Match-mode rules are written as their filter: "cookie=V/M,
 * table=N, out_port=P, " then the match, without actions.  For every rule r
 * parsed in mode m, parsing this text in mode m gives a rule equal to r
 * (snic_of_rule_equal()).
 * @param buf, len  output (NUL-terminated); SNIC_OF_RULE_TEXT_MAX always
 *                  suffices
 * @return 0, or -ENOSPC with the text truncated.
 */
int snic_of_rule_format(const struct snic_of_rule *rule,
			const struct snic_of_ports *ports,
			char *buf, size_t len);

/**
 * Write just the match as ovs-ofctl does: "priority=P," first when priority
 * is not SNIC_OF_DEFAULT_PRIORITY, then the fields in OVS order; "" for a
 * match-all at the default priority.
 */
int snic_of_match_format(const struct snic_of_match *match, unsigned priority,
			 const struct snic_of_ports *ports,
			 char *buf, size_t len);

/** Write an action list as after "actions=" ("drop" when n is 0). */
int snic_of_actions_format(const struct snic_of_action *actions, unsigned n,
			   const struct snic_of_ports *ports,
			   char *buf, size_t len);

/** The same packets: every field's value and mask equal. */
bool snic_of_match_equal(const struct snic_of_match *a,
			 const struct snic_of_match *b);

/** Hash of the match (equal matches hash equal), mixed with basis. */
uint32_t snic_of_match_hash(const struct snic_of_match *match, uint32_t basis);

/**
 * May one packet match both a and b?  Computed over the flow key (the
 * fields of struct snic_of_match, each bit independent): true exactly when
 * some key satisfies both, i.e. for every field no bit that both masks
 * constrain has different values.  Never false when a real packet matches
 * both; may be true for a key no real packet produces (e.g. a with
 * vlan_tci=0x0000/0x1000 "untagged" and b with vlan_tci=0x0005/0x0fff).
 */
bool snic_of_match_overlaps(const struct snic_of_match *a,
			    const struct snic_of_match *b);

/**
 * Does every packet that matches a also match b (a is a subset of b)?
 * Computed over the flow key: true exactly when every bit b constrains is
 * constrained by a to the same value.  Never true when some real packet
 * matches a but not b; may be false for a pair that differs only in keys
 * no real packet produces.  snic_of_match_subset(a, b) &&
 * snic_of_match_subset(b, a) is snic_of_match_equal(a, b).
 */
bool snic_of_match_subset(const struct snic_of_match *a,
			  const struct snic_of_match *b);

/** Everything equal: mode, header fields, match and actions in order. */
bool snic_of_rule_equal(const struct snic_of_rule *a,
			const struct snic_of_rule *b);

/**
 * Compact copies, for keeping many rules.  A struct snic_of_rule has room
 * for SNIC_OF_MAX_ACTIONS actions (over 1 KiB); a compact copy holds only
 * the rule's n_actions of them: snic_of_rule_size(rule) bytes.  It is read
 * through its pointer like any rule (every function of this library, and
 * every one of snic-offloadd's, reads only actions[0 .. n_actions - 1]), but
 * it must never be copied by value (*rule) or with sizeof(struct
 * snic_of_rule), and never get more actions: to change a compact rule, copy
 * snic_of_rule_size() bytes of it into a whole struct, change that, and make
 * a new compact copy.
 */
/** Bytes of rule in use: the struct up to its actions, and n_actions of
 *  them (n_actions above SNIC_OF_MAX_ACTIONS counts as the maximum). */
size_t snic_of_rule_size(const struct snic_of_rule *rule);
/** A compact copy of rule (malloc'd: free() it), or NULL (out of memory). */
struct snic_of_rule *snic_of_rule_dup(const struct snic_of_rule *rule);

/** Canonical OVS name of a set_field field ("tcp_dst"), or NULL. */
const char *snic_of_field_name(enum snic_of_field field);

#ifdef __cplusplus
}
#endif
#endif /* SNIC_OFRULE_H */
