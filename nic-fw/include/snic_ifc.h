/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_ifc.h - the snic device ABI: everything that crosses the boundary
 * between the host and the NIC firmware, described once.
 *
 * The host (the net_snic driver, tests, tools) talks to the firmware with
 * commands.  A command is an input mailbox (struct snic_ifc_in_hdr followed by
 * the opcode's input layout) and an output mailbox (struct snic_ifc_out_hdr
 * followed by the opcode's output layout).  The firmware validates every field
 * of every command before it changes anything: a command that fails leaves the
 * device exactly as it was, and says why with a status (the class of error)
 * and a syndrome (exactly which field or limit).  Syndromes are listed once, in
 * SNIC_IFC_SYNDROMES below, with their status and a sentence for people.
 *
 * Mailboxes are 8-byte aligned.  Byte order.  Command fields (ids, counts, flags) are little-endian; use
 * snic_ifc_le16/32/64() to convert.  Values that are packet fields -- match
 * keys and masks, encap header templates, modify-header values -- are in
 * network byte order, laid out as in struct snic_ifc_match, so that a key is
 * compared and hashed as plain bytes.
 *
 * Object model (as in ConnectX's flow steering):
 *   flow table   - a stage of the pipeline, with a level and a miss behaviour.
 *                  Packets enter the root table; an entry can send them on to
 *                  a table of a strictly higher level, so the pipeline has no
 *                  loops by construction.
 *   flow group   - a match mask within a table.  Entries of a group match on
 *                  exactly the group's mask (tuple-space search).
 *   flow entry   - a match value (within its group's mask), a priority and an
 *                  action set.  Numerically lower priority wins; among equal
 *                  priorities the lower entry id wins.
 *   reformat     - a VXLAN encapsulation header template, shared by entries.
 *   modify hdr   - a list of header rewrites (set field / add to field).
 *   counters     - packet and byte counters, allocated in bulk.
 *   vport        - a function of the NIC: the PF (vport 0), VF n (vport n+1),
 *                  uplink n (SNIC_IFC_VPORT_UPLINK(n)).  Each vport has a
 *                  representor: the host-side queue that receives the vport's
 *                  exception traffic and whose transmissions go to the vport.
 *
 * Actions of an entry run in a fixed order, as on the hardware:
 *   count -> decap -> pop VLAN -> modify header -> push VLAN
 *         -> forward to each destination (each with an optional encap)
 *         -> goto table | drop.
 * Count counts the frame as the entry matched it (its length then), also
 * when a later action drops it (e.g. TTL expired) - as ConnectX counts hits.
 *
 * Who may do what.  Each command is issued by a PCI function: the PF (the
 * e-switch manager) may issue every command; a VF may query capabilities and
 * query or (when trusted) change its own vport's MAC, and nothing else; a VF
 * that is not enabled (SET_NUM_VFS) may issue nothing.  The issuing function
 * is given by the transport, never by the command itself.
 */
#ifndef SNIC_IFC_H
#define SNIC_IFC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Byte order helpers                                                        */
/* ------------------------------------------------------------------------ */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
static inline uint16_t snic_ifc_le16(uint16_t v) { return __builtin_bswap16(v); }
static inline uint32_t snic_ifc_le32(uint32_t v) { return __builtin_bswap32(v); }
static inline uint64_t snic_ifc_le64(uint64_t v) { return __builtin_bswap64(v); }
static inline uint16_t snic_ifc_be16(uint16_t v) { return v; }
static inline uint32_t snic_ifc_be32(uint32_t v) { return v; }
#else
/** Convert between host order and the ABI's little-endian command fields. */
static inline uint16_t snic_ifc_le16(uint16_t v) { return v; }
static inline uint32_t snic_ifc_le32(uint32_t v) { return v; }
static inline uint64_t snic_ifc_le64(uint64_t v) { return v; }
/** Convert between host order and network order (packet fields). */
static inline uint16_t snic_ifc_be16(uint16_t v) { return __builtin_bswap16(v); }
static inline uint32_t snic_ifc_be32(uint32_t v) { return __builtin_bswap32(v); }
#endif

/* ------------------------------------------------------------------------ */
/* Limits fixed by the ABI (capacities come from the board, see QUERY_CAPS)  */
/* ------------------------------------------------------------------------ */

#define SNIC_IFC_MAX_IN          4096u  /**< largest input mailbox, bytes */
#define SNIC_IFC_MAX_OUT         8192u  /**< largest output mailbox, bytes */
#define SNIC_IFC_MAX_DESTS       8u     /**< destinations of one entry */
#define SNIC_IFC_MAX_MODIFY_OPS  16u    /**< ops of one modify-header list */
#define SNIC_IFC_MAX_REFORMAT    64u    /**< bytes of one encap template */
#define SNIC_IFC_MAX_COUNTER_Q   256u   /**< counters returned by one query */
#define SNIC_IFC_MAX_VFS         1024u  /**< VFs a board may declare */
#define SNIC_IFC_MAX_UPLINKS     4u     /**< uplink ports a board may declare */
#define SNIC_IFC_MAX_LIST        512u   /**< objects returned by one LIST_OBJECTS */

/* ------------------------------------------------------------------------ */
/* Vports                                                                    */
/* ------------------------------------------------------------------------ */

#define SNIC_IFC_VPORT_PF            0u
#define SNIC_IFC_VPORT_VF(n)         ((uint16_t)((n) + 1u))
#define SNIC_IFC_VPORT_UPLINK_BASE   0xff00u
#define SNIC_IFC_VPORT_UPLINK(n)     ((uint16_t)(SNIC_IFC_VPORT_UPLINK_BASE + (n)))
#define SNIC_IFC_VPORT_IS_UPLINK(v)  ((v) >= SNIC_IFC_VPORT_UPLINK_BASE)
#define SNIC_IFC_VPORT_IS_VF(v)      ((v) != 0u && (v) < SNIC_IFC_VPORT_UPLINK_BASE)
#define SNIC_IFC_VPORT_VF_INDEX(v)   ((uint16_t)((v) - 1u))

/** Issuing function of a command (given by the transport). */
#define SNIC_IFC_FUNC_PF             0u
#define SNIC_IFC_FUNC_VF(n)          ((uint16_t)((n) + 1u))

/* ------------------------------------------------------------------------ */
/* The flow key                                                              */
/* ------------------------------------------------------------------------ */

/** VLAN TCI bit that says "a tag is present" (the CFI/DEI bit, as in OVS). */
#define SNIC_IFC_VLAN_PRESENT        0x1000u

/** ip_frag bits. */
#define SNIC_IFC_FRAG_ANY            0x01u  /**< packet is a fragment */
#define SNIC_IFC_FRAG_LATER          0x02u  /**< not the first fragment */

/** Tunnel types of snic_ifc_match.tun_type. */
#define SNIC_IFC_TUN_NONE            0u
#define SNIC_IFC_TUN_VXLAN           1u

/**
 * One stack of headers: Ethernet, up to two VLAN tags, IPv4/IPv6/ARP, L4.
 * All multi-byte fields are in network byte order.
 */
struct snic_ifc_hdrs {
	uint8_t  dmac[6];       /**< destination MAC */
	uint8_t  smac[6];       /**< source MAC */
	uint16_t ethertype;     /**< EtherType after the VLAN tags */
	uint16_t vlan_tci[2];   /**< outer, inner tag; SNIC_IFC_VLAN_PRESENT set
	                             when present (the DEI bit is not kept) */
	uint8_t  ip_proto;      /**< IPv4 protocol / IPv6 next header (after
	                             extension headers) / ARP opcode (low byte) */
	uint8_t  ip_tos;        /**< IPv4 TOS / IPv6 traffic class (DSCP+ECN) */
	uint8_t  ip_ttl;        /**< IPv4 TTL / IPv6 hop limit */
	uint8_t  ip_frag;       /**< SNIC_IFC_FRAG_* */
	uint16_t tp_src;        /**< TCP/UDP source port; ICMP type in low byte */
	uint16_t tp_dst;        /**< TCP/UDP destination port; ICMP code */
	uint8_t  tcp_flags;     /**< TCP flags (FIN..CWR) */
	uint8_t  rsvd[5];       /**< zero */
	uint32_t ip_src[4];     /**< IPv4 in [0] (ARP: sender IP); IPv6 all four */
	uint32_t ip_dst[4];     /**< IPv4 in [0] (ARP: target IP); IPv6 all four */
};

/**
 * The flow key: what a packet is matched on.  A flow group's mask and a flow
 * entry's value are both of this layout; an entry's value must have no bit
 * set outside its group's mask (SNIC_SYN_ENTRY_VALUE_OUTSIDE_MASK).
 *
 * The firmware fills it from the packet: `outer` is the packet's own headers;
 * when the packet is VXLAN (UDP to the board's VXLAN port, I flag set),
 * `tun_type`, `vni` and `inner` describe the tunnel and the encapsulated
 * frame.  After a decap action the decapsulated frame becomes `outer` and the
 * tunnel's VNI and outer addresses are kept in `tun_id`, `tun_src`, `tun_dst`
 * for the following tables.
 */
struct snic_ifc_match {
	/* metadata: 32 bytes */
	uint16_t src_vport;     /**< vport the packet entered from */
	uint8_t  tun_type;      /**< SNIC_IFC_TUN_* of the packet's headers */
	uint8_t  rsvd0;         /**< zero */
	uint32_t tun_id;        /**< VNI of the tunnel decapsulated earlier */
	uint32_t tun_src;       /**< its outer IPv4 source (network order) */
	uint32_t tun_dst;       /**< its outer IPv4 destination */
	uint32_t reg[4];        /**< metadata registers, written by modify-header
	                             (reg[0..1] hold the 64-bit OF metadata) */
	/* headers */
	struct snic_ifc_hdrs outer;  /**< the packet's headers (64 bytes) */
	uint32_t vni;           /**< VXLAN VNI in the low 24 bits (network order
	                             of the whole 32-bit word) */
	uint8_t  vxlan_flags;   /**< VXLAN flags byte */
	uint8_t  rsvd1[3];      /**< zero */
	struct snic_ifc_hdrs inner;  /**< the encapsulated frame (64 bytes) */
};

#define SNIC_IFC_MATCH_WORDS (sizeof(struct snic_ifc_match) / 8u)

/* ------------------------------------------------------------------------ */
/* Status and syndromes                                                      */
/* ------------------------------------------------------------------------ */

/** Status: the class of the error. */
enum snic_ifc_status {
	SNIC_STATUS_OK            = 0x00, /**< done */
	SNIC_STATUS_BAD_OPCODE    = 0x01, /**< unknown opcode */
	SNIC_STATUS_BAD_PARAM     = 0x02, /**< a field has a value it may not */
	SNIC_STATUS_BAD_RESOURCE  = 0x03, /**< an id names no object */
	SNIC_STATUS_NO_RESOURCES  = 0x04, /**< a capacity is exhausted */
	SNIC_STATUS_BAD_STATE     = 0x05, /**< object busy / wrong e-switch mode */
	SNIC_STATUS_PERMISSION    = 0x06, /**< issuer may not do this */
	SNIC_STATUS_BAD_LENGTH    = 0x07, /**< mailbox length wrong */
};

/*
 * X(name, value, status, text): every syndrome the firmware can return.
 * Text says what was wrong; the host adds which object.
 */
#define SNIC_IFC_SYNDROMES(X) \
	X(OK,                        0x0000, OK,           "success") \
	/* framing */ \
	X(BAD_OPCODE,                0x0001, BAD_OPCODE,   "unknown opcode") \
	X(IN_TOO_SHORT,              0x0002, BAD_LENGTH,   "input mailbox shorter than the opcode's layout") \
	X(IN_TOO_LONG,               0x0003, BAD_LENGTH,   "input mailbox longer than the opcode's layout") \
	X(OUT_TOO_SHORT,             0x0004, BAD_LENGTH,   "output mailbox too small for the reply") \
	X(RSVD_NOT_ZERO,             0x0005, BAD_PARAM,    "a reserved field is not zero") \
	X(PERMISSION,                0x0006, PERMISSION,   "the issuing function may not use this command") \
	X(OTHER_VPORT,               0x0007, PERMISSION,   "a VF may only address its own vport") \
	X(MAILBOX_ALIGN,             0x0008, BAD_LENGTH,   "mailboxes must be 8-byte aligned") \
	X(UNKNOWN_FUNCTION,          0x0009, PERMISSION,   "the issuing function does not exist on this board") \
	/* e-switch */ \
	X(ESW_MODE_INVALID,          0x0010, BAD_PARAM,    "e-switch mode is neither legacy nor switchdev") \
	X(ESW_MODE_BUSY,             0x0011, BAD_STATE,    "e-switch mode cannot change while flow tables exist") \
	X(ESW_NOT_SWITCHDEV,         0x0012, BAD_STATE,    "steering objects need the e-switch in switchdev mode") \
	/* tables */ \
	X(TABLE_LEVEL_RANGE,         0x0020, BAD_PARAM,    "table level beyond the board's max-table-level") \
	X(TABLE_MISS_TYPE,           0x0021, BAD_PARAM,    "unknown table miss behaviour") \
	X(TABLE_MISS_TABLE,          0x0022, BAD_RESOURCE, "miss table does not exist") \
	X(TABLE_MISS_LEVEL,          0x0023, BAD_PARAM,    "miss table level must be higher than the table's own") \
	X(TABLE_FLAGS,               0x0024, BAD_PARAM,    "unknown table flags") \
	X(TABLE_ROOT_EXISTS,         0x0025, BAD_STATE,    "a root table exists already") \
	X(TABLE_ROOT_LEVEL,          0x0026, BAD_PARAM,    "the root table must have level 0") \
	X(TABLE_LIMIT,               0x0027, NO_RESOURCES, "no free flow table (board max-tables)") \
	X(TABLE_NOT_FOUND,           0x0028, BAD_RESOURCE, "no flow table with this id") \
	X(TABLE_BUSY,                0x0029, BAD_STATE,    "table still has groups or is the target of a goto or miss") \
	/* groups */ \
	X(GROUP_LIMIT,               0x0030, NO_RESOURCES, "no free flow group (board max-groups)") \
	X(GROUP_TABLE_LIMIT,         0x0031, NO_RESOURCES, "table has its maximum of groups (board max-groups-per-table)") \
	X(GROUP_NOT_FOUND,           0x0032, BAD_RESOURCE, "no flow group with this id") \
	X(GROUP_BUSY,                0x0033, BAD_STATE,    "group still has entries") \
	X(GROUP_MASK_RSVD,           0x0034, BAD_PARAM,    "group mask sets reserved bits of the flow key") \
	/* entries */ \
	X(ENTRY_LIMIT,               0x0040, NO_RESOURCES, "no free flow entry (board max-entries)") \
	X(ENTRY_NOT_FOUND,           0x0041, BAD_RESOURCE, "no flow entry with this id") \
	X(ENTRY_VALUE_OUTSIDE_MASK,  0x0042, BAD_PARAM,    "match value has bits outside the group's mask") \
	X(ENTRY_PRIO_RANGE,          0x0043, BAD_PARAM,    "priority beyond the board's priority-levels") \
	X(ENTRY_DUPLICATE,           0x0044, BAD_STATE,    "an entry with the same match and priority exists in the group") \
	/* actions */ \
	X(ACT_FLAGS_UNKNOWN,         0x0050, BAD_PARAM,    "unknown action flag") \
	X(ACT_NONE,                  0x0051, BAD_PARAM,    "entry has no forward, goto or drop action") \
	X(ACT_DROP_AND_FWD,          0x0052, BAD_PARAM,    "drop cannot be combined with forward or goto") \
	X(ACT_DEST_COUNT,            0x0053, BAD_PARAM,    "forward needs 1..8 destinations, and none without forward") \
	X(ACT_DEST_TYPE,             0x0054, BAD_PARAM,    "unknown destination type") \
	X(ACT_DEST_VPORT,            0x0055, BAD_PARAM,    "destination vport does not exist on this board") \
	X(ACT_DEST_REFORMAT,         0x0056, BAD_RESOURCE, "destination reformat context does not exist") \
	X(ACT_GOTO_TABLE,            0x0057, BAD_RESOURCE, "goto table does not exist") \
	X(ACT_GOTO_LEVEL,            0x0058, BAD_PARAM,    "goto table level must be higher than the entry's table") \
	X(ACT_COUNTER,               0x0059, BAD_RESOURCE, "counter is not allocated") \
	X(ACT_MODIFY,                0x005a, BAD_RESOURCE, "modify-header context does not exist") \
	X(ACT_DECAP_NO_TUNNEL,       0x005b, BAD_PARAM,    "decap needs the entry to match tun_type VXLAN exactly") \
	X(ACT_POP_VLAN_COUNT,        0x005c, BAD_PARAM,    "pop VLAN count must be 1 or 2 with POP_VLAN, 0 without") \
	X(ACT_PUSH_VLAN_TPID,        0x005d, BAD_PARAM,    "push VLAN TPID must be 0x8100 or 0x88a8") \
	X(ACT_PUSH_VLAN_TCI,         0x005e, BAD_PARAM,    "push VLAN TCI must not set the DEI bit") \
	X(ACT_RSVD,                  0x005f, BAD_PARAM,    "action set has a non-zero reserved field or unused destination") \
	/* packet reformat */ \
	X(REFORMAT_TYPE,             0x0060, BAD_PARAM,    "unknown reformat type") \
	X(REFORMAT_LEN,              0x0061, BAD_PARAM,    "encap template length is not 50 (or 54 with a VLAN tag)") \
	X(REFORMAT_ETHERTYPE,        0x0062, BAD_PARAM,    "encap template is not Ethernet/[VLAN/]IPv4") \
	X(REFORMAT_IPV4,             0x0063, BAD_PARAM,    "encap template IPv4 header must be version 4, IHL 5, protocol UDP, not a fragment") \
	X(REFORMAT_UDP_PORT,         0x0064, BAD_PARAM,    "encap template UDP destination port is zero") \
	X(REFORMAT_VXLAN,            0x0065, BAD_PARAM,    "encap template VXLAN header must have only the I flag and zero reserved bits") \
	X(REFORMAT_MAC,              0x0066, BAD_PARAM,    "encap template MAC addresses must be unicast and non-zero") \
	X(REFORMAT_LIMIT,            0x0067, NO_RESOURCES, "no free reformat context (board max-encap)") \
	X(REFORMAT_NOT_FOUND,        0x0068, BAD_RESOURCE, "no reformat context with this id") \
	X(REFORMAT_BUSY,             0x0069, BAD_STATE,    "reformat context is used by flow entries") \
	/* modify header */ \
	X(MODIFY_NUM,                0x0070, BAD_PARAM,    "modify-header list needs 1..16 ops") \
	X(MODIFY_OP,                 0x0071, BAD_PARAM,    "unknown modify-header op") \
	X(MODIFY_FIELD,              0x0072, BAD_PARAM,    "unknown modify-header field, or op not allowed on it") \
	X(MODIFY_VALUE,              0x0073, BAD_PARAM,    "modify-header value does not fit the field") \
	X(MODIFY_LIMIT,              0x0074, NO_RESOURCES, "no free modify-header context (board max-modify)") \
	X(MODIFY_NOT_FOUND,          0x0075, BAD_RESOURCE, "no modify-header context with this id") \
	X(MODIFY_BUSY,               0x0076, BAD_STATE,    "modify-header context is used by flow entries") \
	/* counters */ \
	X(COUNTER_NUM,               0x0080, BAD_PARAM,    "counter bulk size must be 1..256") \
	X(COUNTER_LIMIT,             0x0081, NO_RESOURCES, "not enough contiguous free counters (board max-counters)") \
	X(COUNTER_NOT_FOUND,         0x0082, BAD_RESOURCE, "counter id is not the base of an allocated bulk / not allocated") \
	X(COUNTER_BUSY,              0x0083, BAD_STATE,    "a counter of the bulk is used by flow entries") \
	X(COUNTER_FLAGS,             0x0084, BAD_PARAM,    "unknown counter query flags") \
	/* vports */ \
	X(VPORT_NOT_FOUND,           0x0090, BAD_RESOURCE, "vport does not exist on this board") \
	X(VPORT_FIELDS,              0x0091, BAD_PARAM,    "unknown bit in the vport modify field mask") \
	X(VPORT_MAC,                 0x0092, BAD_PARAM,    "vport MAC must be unicast (zero clears it)") \
	X(VPORT_VLAN,                0x0093, BAD_PARAM,    "VLAN id must be 0..4094") \
	X(VPORT_QOS,                 0x0094, BAD_PARAM,    "VLAN priority must be 0..7") \
	X(VPORT_LINK_STATE,          0x0095, BAD_PARAM,    "link state must be auto, up or down") \
	X(VPORT_RATE,                0x0096, BAD_PARAM,    "rate beyond the uplink speed, or min rate above max rate") \
	X(VPORT_NOT_VF,              0x0097, BAD_PARAM,    "this setting applies to VF vports only") \
	X(VPORT_BOOL,                0x0098, BAD_PARAM,    "spoof-check and trust take 0 or 1") \
	X(VPORT_NOT_TRUSTED,         0x0099, PERMISSION,   "an untrusted VF may not change its MAC") \
	\
	X(LIST_TYPE,                 0x00a0, BAD_PARAM,    "unknown object type to list") \
	X(LIST_MAX,                  0x00a1, BAD_PARAM,    "list size must be 1..512 (SNIC_IFC_MAX_LIST)") \
	X(RESET_FLAGS,               0x00a2, BAD_PARAM,    "unknown reset-steering flags") \
	/* SR-IOV */ \
	X(NUM_VFS_RANGE,             0x00b0, BAD_PARAM,    "more VFs than the board has (QUERY_SRIOV total_vfs)") \
	X(NUM_VFS_BUSY,              0x00b1, BAD_STATE,    "VFs are enabled: disable them (0) before enabling another number") \
	X(NUM_VFS_IN_USE,            0x00b2, BAD_STATE,    "flow entries still match on or forward to a VF that would be disabled: destroy them first") \
	X(VF_DISABLED,               0x00b3, BAD_STATE,    "the VF is not enabled (SET_NUM_VFS)")

/** Syndromes: see SNIC_IFC_SYNDROMES for the meaning of each. */
enum snic_ifc_syndrome {
#define SNIC_IFC_SYN_ENUM(name, val, st, text) SNIC_SYN_##name = val,
	SNIC_IFC_SYNDROMES(SNIC_IFC_SYN_ENUM)
#undef SNIC_IFC_SYN_ENUM
};

/* ------------------------------------------------------------------------ */
/* Command framing                                                           */
/* ------------------------------------------------------------------------ */

/** Opcodes. */
enum snic_ifc_opcode {
	SNIC_CMD_QUERY_CAPS          = 0x0100, /**< capabilities as an FDT */
	SNIC_CMD_QUERY_ESW_MODE      = 0x0110,
	SNIC_CMD_SET_ESW_MODE        = 0x0111,
	SNIC_CMD_QUERY_SRIOV         = 0x0120, /**< total and enabled VFs */
	SNIC_CMD_SET_NUM_VFS         = 0x0121, /**< enable/disable VFs */
	SNIC_CMD_CREATE_FLOW_TABLE   = 0x0200,
	SNIC_CMD_DESTROY_FLOW_TABLE  = 0x0201,
	SNIC_CMD_QUERY_FLOW_TABLE    = 0x0202,
	SNIC_CMD_CREATE_FLOW_GROUP   = 0x0210,
	SNIC_CMD_DESTROY_FLOW_GROUP  = 0x0211,
	SNIC_CMD_QUERY_FLOW_GROUP    = 0x0212,
	SNIC_CMD_CREATE_FLOW_ENTRY   = 0x0220,
	SNIC_CMD_DESTROY_FLOW_ENTRY  = 0x0221,
	SNIC_CMD_QUERY_FLOW_ENTRY    = 0x0222,
	SNIC_CMD_ALLOC_REFORMAT      = 0x0230,
	SNIC_CMD_DEALLOC_REFORMAT    = 0x0231,
	SNIC_CMD_ALLOC_MODIFY_HDR    = 0x0240,
	SNIC_CMD_DEALLOC_MODIFY_HDR  = 0x0241,
	SNIC_CMD_ALLOC_COUNTERS      = 0x0250,
	SNIC_CMD_DEALLOC_COUNTERS    = 0x0251,
	SNIC_CMD_QUERY_COUNTERS      = 0x0252,
	SNIC_CMD_QUERY_VPORT         = 0x0260,
	SNIC_CMD_MODIFY_VPORT        = 0x0261,
	SNIC_CMD_QUERY_STATS         = 0x0270, /**< device-wide drop reasons */
	SNIC_CMD_LIST_OBJECTS        = 0x0280, /**< ids of live objects */
	SNIC_CMD_QUERY_REFORMAT      = 0x0232,
	SNIC_CMD_QUERY_MODIFY_HDR    = 0x0242,
	SNIC_CMD_RESET_STEERING      = 0x0290, /**< destroy all steering objects */
};

/** Every input mailbox starts with this. */
struct snic_ifc_in_hdr {
	uint16_t opcode;        /**< le, enum snic_ifc_opcode */
	uint16_t rsvd;          /**< zero */
	uint32_t token;         /**< le, echoed in the output */
};

/** Every output mailbox starts with this. */
struct snic_ifc_out_hdr {
	uint8_t  status;        /**< enum snic_ifc_status */
	uint8_t  rsvd[3];
	uint32_t syndrome;      /**< le, enum snic_ifc_syndrome */
	uint32_t token;         /**< le, the input's token */
	uint32_t out_len;       /**< le, bytes of the output, header included */
};

/* ---- QUERY_CAPS: in = hdr; out = hdr + caps ---- */
struct snic_ifc_query_caps_out {
	struct snic_ifc_out_hdr hdr;
	uint32_t fdt_len;       /**< le, bytes of fdt[] */
	uint32_t rsvd;
	uint8_t  fdt[];         /**< flattened device tree, see snic_fw caps */
};

/* ---- e-switch mode ---- */
enum snic_ifc_esw_mode {
	SNIC_ESW_LEGACY    = 0,  /**< MAC-based forwarding between vports */
	SNIC_ESW_SWITCHDEV = 1,  /**< flow tables + representors */
};
struct snic_ifc_set_esw_mode_in {
	struct snic_ifc_in_hdr hdr;
	uint32_t mode;          /**< le, enum snic_ifc_esw_mode */
	uint32_t rsvd;
};
struct snic_ifc_query_esw_mode_out {
	struct snic_ifc_out_hdr hdr;
	uint32_t mode;          /**< le */
	uint32_t rsvd;
};

/* ---- SR-IOV: the PF's SR-IOV capability (PF only) ---- */
/*
 * The board has total_vfs VFs; VFs 0..num_vfs-1 are enabled, as with PCI
 * SR-IOV's NumVFs.  The firmware boots with all of them enabled.
 *
 * SET_NUM_VFS changes the count: from 0 to any number up to total_vfs, from
 * any number to 0, or to the same number (no change); from one nonzero
 * count to another it is refused (NUM_VFS_BUSY), as Linux's sriov_numvfs
 * answers EBUSY.  Disabling is refused while flow entries match on one of
 * the VFs that would go (src_vport, fully masked) or forward to it
 * (NUM_VFS_IN_USE).  A change posts SNIC_EVENT_SRIOV (value: num_vfs), then
 * PORT_LINK events for the VFs whose link changed.
 *
 * A VF that is not enabled: its frames are dropped (SNIC_DROP_VF_DISABLED),
 * and so are frames forwarded to it or sent on its representor; legacy
 * forwarding neither floods to it nor knows its MAC; MODIFY_VPORT on it and
 * commands it issues are refused (VF_DISABLED); QUERY_VPORT reports it with
 * enabled = 0 and its link down.  Entries may name it (its representor
 * exists on the host).  Enabling or disabling a VF resets its vport context
 * and statistics to what it boots with: MAC = the board's mac-base + n, no
 * VLAN, spoof check and trust off, link auto, no rate.
 */
struct snic_ifc_query_sriov_out {
	struct snic_ifc_out_hdr hdr;
	uint32_t total_vfs;     /**< le, VFs of the board */
	uint32_t num_vfs;       /**< le, VFs enabled now (VFs 0..num_vfs-1) */
};
struct snic_ifc_set_num_vfs_in {
	struct snic_ifc_in_hdr hdr;
	uint32_t num_vfs;       /**< le, 0..total_vfs */
	uint32_t rsvd;
};

/* ---- flow tables ---- */
enum snic_ifc_miss {
	SNIC_MISS_DEFAULT  = 0, /**< to the source vport's representor */
	SNIC_MISS_DROP     = 1, /**< drop (counted) */
	SNIC_MISS_GOTO     = 2, /**< continue in miss_table (higher level) */
	SNIC_MISS_NEXT     = 3, /**< continue in the existing table of the next
	                             higher level (lowest id first); default
	                             behaviour when there is none */
};
#define SNIC_TABLE_F_ROOT  0x1u /**< packets enter the pipeline here */

struct snic_ifc_create_table_in {
	struct snic_ifc_in_hdr hdr;
	uint32_t level;         /**< le, 0..max-table-level; root needs 0 */
	uint32_t miss;          /**< le, enum snic_ifc_miss */
	uint32_t miss_table;    /**< le, table id for SNIC_MISS_GOTO, else 0 */
	uint32_t flags;         /**< le, SNIC_TABLE_F_* */
};
struct snic_ifc_obj_out {       /**< output of every create/alloc command */
	struct snic_ifc_out_hdr hdr;
	uint32_t id;            /**< le, the new object's id */
	uint32_t rsvd;
};
struct snic_ifc_obj_in {        /**< input of destroy/query-by-id commands */
	struct snic_ifc_in_hdr hdr;
	uint32_t id;            /**< le */
	uint32_t rsvd;
};
struct snic_ifc_query_table_out {
	struct snic_ifc_out_hdr hdr;
	uint32_t level, miss, miss_table, flags;  /**< le, as created */
	uint32_t n_groups;      /**< le */
	uint32_t n_entries;     /**< le */
	uint64_t lookups;       /**< le, packets looked up in this table */
	uint64_t misses;        /**< le, of which missed */
};

/* ---- flow groups ---- */
struct snic_ifc_create_group_in {
	struct snic_ifc_in_hdr hdr;
	uint32_t table;         /**< le */
	uint32_t rsvd;
	struct snic_ifc_match mask;
};
struct snic_ifc_query_group_out {
	struct snic_ifc_out_hdr hdr;
	uint32_t table;         /**< le */
	uint32_t n_entries;     /**< le */
	struct snic_ifc_match mask;
};

/* ---- flow entries ---- */
#define SNIC_ACT_FWD        0x0001u /**< send to dests[0..n_dests) */
#define SNIC_ACT_DROP       0x0002u
#define SNIC_ACT_COUNT      0x0004u /**< count in `counter` */
#define SNIC_ACT_GOTO       0x0008u /**< continue in `goto_table` */
#define SNIC_ACT_DECAP      0x0010u /**< strip the VXLAN outer headers */
#define SNIC_ACT_POP_VLAN   0x0020u /**< pop `pop_vlan` tags (1 or 2) */
#define SNIC_ACT_MODIFY     0x0040u /**< apply modify-header `modify` */
#define SNIC_ACT_PUSH_VLAN  0x0080u /**< push a tag `push_tpid`/`push_tci` */
#define SNIC_ACT_ALL        0x00ffu

enum snic_ifc_dest_type {
	SNIC_DEST_VPORT = 1,     /**< to the vport itself (VF, PF, wire) */
	SNIC_DEST_REP   = 2,     /**< to the vport's representor (host) */
};
#define SNIC_DEST_F_REFORMAT 0x1u /**< encapsulate with `reformat` first */

struct snic_ifc_dest {
	uint8_t  type;          /**< enum snic_ifc_dest_type */
	uint8_t  flags;         /**< SNIC_DEST_F_* */
	uint16_t vport;         /**< le */
	uint32_t reformat;      /**< le, reformat id if SNIC_DEST_F_REFORMAT */
};

struct snic_ifc_actions {
	uint32_t flags;         /**< le, SNIC_ACT_* */
	uint32_t counter;       /**< le, counter id with SNIC_ACT_COUNT */
	uint32_t goto_table;    /**< le, table id with SNIC_ACT_GOTO */
	uint32_t modify;        /**< le, modify-header id with SNIC_ACT_MODIFY */
	uint16_t push_tpid;     /**< le, 0x8100 or 0x88a8 */
	uint16_t push_tci;      /**< le, PCP/VID (no DEI) */
	uint8_t  pop_vlan;      /**< 1 or 2 with SNIC_ACT_POP_VLAN */
	uint8_t  n_dests;       /**< destinations with SNIC_ACT_FWD */
	uint16_t rsvd;
	struct snic_ifc_dest dests[SNIC_IFC_MAX_DESTS];
};

struct snic_ifc_create_entry_in {
	struct snic_ifc_in_hdr hdr;
	uint32_t group;         /**< le */
	uint32_t priority;      /**< le, 0 = highest */
	struct snic_ifc_match value;
	struct snic_ifc_actions actions;
};
struct snic_ifc_query_entry_out {
	struct snic_ifc_out_hdr hdr;
	uint32_t group;         /**< le */
	uint32_t priority;      /**< le */
	uint32_t table;         /**< le */
	uint32_t rsvd;
	struct snic_ifc_match value;
	struct snic_ifc_actions actions;
};

/* ---- packet reformat (VXLAN encap templates) ---- */
enum snic_ifc_reformat_type {
	SNIC_REFORMAT_VXLAN_ENCAP = 1, /**< Ethernet[/VLAN]/IPv4/UDP/VXLAN */
};
#define SNIC_REFORMAT_VXLAN_LEN       50u  /**< 14 + 20 + 8 + 8 */
#define SNIC_REFORMAT_VXLAN_VLAN_LEN  54u  /**< with one 802.1Q tag */

struct snic_ifc_alloc_reformat_in {
	struct snic_ifc_in_hdr hdr;
	uint32_t type;          /**< le, enum snic_ifc_reformat_type */
	uint32_t len;           /**< le, bytes of data[] used */
	uint8_t  data[SNIC_IFC_MAX_REFORMAT]; /**< header template; the firmware
	     fills IPv4 total length, id and checksum, UDP length, source port
	     (from the inner flow) and checksum (0) for each packet */
};

struct snic_ifc_query_reformat_out {
	struct snic_ifc_out_hdr hdr;
	uint32_t type;          /**< le, as allocated */
	uint32_t len;           /**< le, as allocated */
	uint32_t refs;          /**< le, flow-entry destinations using it */
	uint32_t rsvd;
	uint8_t  data[SNIC_IFC_MAX_REFORMAT]; /**< the template, as allocated */
};

/* ---- modify header ---- */
enum snic_ifc_modify_op {
	SNIC_MOD_SET = 1,       /**< field = value */
	SNIC_MOD_ADD = 2,       /**< field += value (mod 2^width); TTL only */
};
/*
 * X(name, value, width, text): the fields modify-header ops can write, with
 * their width in bits (a SET value must fit it).
 */
#define SNIC_IFC_MODIFY_FIELDS(X) \
	X(DMAC,     1,  48, "destination MAC") \
	X(SMAC,     2,  48, "source MAC") \
	X(VLAN_VID, 3,  12, "outer VLAN id; no-op when untagged") \
	X(VLAN_PCP, 4,   3, "outer VLAN priority; no-op when untagged") \
	X(IPV4_SRC, 5,  32, "IPv4 source; IPv4 and L4 checksums fixed") \
	X(IPV4_DST, 6,  32, "IPv4 destination; IPv4 and L4 checksums fixed") \
	X(IP_DSCP,  7,   6, "DSCP of IPv4 or IPv6 (ECN kept)") \
	X(IP_TTL,   8,   8, "IPv4 TTL or IPv6 hop limit; ADD 0xff is decrement " \
			    "TTL, which drops a TTL 0 or 1 packet (TTL_EXPIRED)") \
	X(TP_SRC,   9,  16, "TCP/UDP source port; checksum fixed") \
	X(TP_DST,   10, 16, "TCP/UDP destination port; checksum fixed") \
	X(REG0,     11, 32, "metadata register 0") \
	X(REG1,     12, 32, "metadata register 1") \
	X(REG2,     13, 32, "metadata register 2") \
	X(REG3,     14, 32, "metadata register 3")

enum snic_ifc_modify_field {
#define SNIC_IFC_FIELD_ENUM(name, val, width, text) SNIC_FIELD_##name = val,
	SNIC_IFC_MODIFY_FIELDS(SNIC_IFC_FIELD_ENUM)
#undef SNIC_IFC_FIELD_ENUM
	SNIC_FIELD_MAX_
};

/** Width in bits of a modify field; 0 for a value that names no field. */
static inline unsigned snic_ifc_field_width(unsigned field)
{
	switch (field) {
#define SNIC_IFC_FIELD_W(name, val, width, text) case val: return width;
	SNIC_IFC_MODIFY_FIELDS(SNIC_IFC_FIELD_W)
#undef SNIC_IFC_FIELD_W
	default: return 0;
	}
}
struct snic_ifc_modify_op_desc {
	uint8_t  op;            /**< enum snic_ifc_modify_op */
	uint8_t  field;         /**< enum snic_ifc_modify_field */
	uint16_t rsvd;
	uint32_t rsvd1;
	uint8_t  value[8];      /**< network order, right-aligned in 8 bytes
	                             (a MAC is value[2..7], a port value[6..7]) */
};
struct snic_ifc_alloc_modify_in {
	struct snic_ifc_in_hdr hdr;
	uint32_t n_ops;         /**< le, 1..SNIC_IFC_MAX_MODIFY_OPS */
	uint32_t rsvd;
	struct snic_ifc_modify_op_desc ops[SNIC_IFC_MAX_MODIFY_OPS];
};

struct snic_ifc_query_modify_out {
	struct snic_ifc_out_hdr hdr;
	uint32_t n_ops;         /**< le, as allocated */
	uint32_t refs;          /**< le, flow entries using it */
	struct snic_ifc_modify_op_desc ops[SNIC_IFC_MAX_MODIFY_OPS]; /**< as
	                             allocated; unused ones zero */
};

/* ---- counters ---- */
struct snic_ifc_alloc_counters_in {
	struct snic_ifc_in_hdr hdr;
	uint32_t count;         /**< le, 1..SNIC_IFC_MAX_COUNTER_Q; ids are
	                             base..base+count-1 */
	uint32_t rsvd;
};
#define SNIC_COUNTERS_Q_CLEAR 0x1u /**< zero the counters after reading */
struct snic_ifc_query_counters_in {
	struct snic_ifc_in_hdr hdr;
	uint32_t base;          /**< le, first counter id */
	uint32_t count;         /**< le, 1..SNIC_IFC_MAX_COUNTER_Q */
	uint32_t flags;         /**< le, SNIC_COUNTERS_Q_* */
	uint32_t rsvd;
};
struct snic_ifc_counter {
	uint64_t packets;       /**< le */
	uint64_t bytes;         /**< le */
};
struct snic_ifc_query_counters_out {
	struct snic_ifc_out_hdr hdr;
	uint32_t count;         /**< le */
	uint32_t rsvd;
	struct snic_ifc_counter c[]; /**< count of them */
};

/* ---- vports ---- */
enum snic_ifc_link_state {
	SNIC_LINK_AUTO = 0,     /**< follow the uplink */
	SNIC_LINK_UP   = 1,
	SNIC_LINK_DOWN = 2,
};
/** Bits of modify_vport_in.fields: which fields to change. */
#define SNIC_VPORT_F_MAC        0x01u
#define SNIC_VPORT_F_VLAN       0x02u /**< vlan and qos together */
#define SNIC_VPORT_F_SPOOFCHK   0x04u
#define SNIC_VPORT_F_TRUST      0x08u
#define SNIC_VPORT_F_LINK       0x10u
#define SNIC_VPORT_F_RATE       0x20u /**< min and max rate together */
#define SNIC_VPORT_F_ALL        0x3fu

struct snic_ifc_vport_ctx {
	uint8_t  mac[6];        /**< zero: none set */
	uint16_t vlan;          /**< le, 0 = no VLAN insertion, else VID */
	uint8_t  qos;           /**< PCP for the inserted tag */
	uint8_t  spoofchk;      /**< 1: drop frames whose source MAC is not mac */
	uint8_t  trust;         /**< 1: VF may change its own MAC */
	uint8_t  link_state;    /**< enum snic_ifc_link_state */
	uint32_t min_rate;      /**< le, Mbit/s, 0 = none (advisory) */
	uint32_t max_rate;      /**< le, Mbit/s, 0 = unlimited; enforced on
	                             traffic the VF sends: a shaper (the
	                             platform holds the VF's frames back,
	                             snic_fw_vport_tx_wait_ns()), then a
	                             policer for what comes anyway (drop_rate) */
};
struct snic_ifc_vport_stats {
	uint64_t rx_packets, rx_bytes;   /**< le, frames the vport sent in */
	uint64_t tx_packets, tx_bytes;   /**< le, frames delivered to it */
	uint64_t rep_packets;            /**< le, sent to its representor */
	uint64_t drop_spoof;             /**< le, forged source MAC */
	uint64_t drop_vlan;              /**< le, VLAN policy */
	uint64_t drop_link;              /**< le, link down */
	uint64_t drop_rate;              /**< le, over max_rate */
};
struct snic_ifc_query_vport_in {
	struct snic_ifc_in_hdr hdr;
	uint16_t vport;         /**< le */
	uint16_t rsvd;
	uint32_t rsvd1;
};
struct snic_ifc_query_vport_out {
	struct snic_ifc_out_hdr hdr;
	uint16_t vport;         /**< le */
	uint8_t  link_up;       /**< effective link state */
	uint8_t  enabled;       /**< 1: the vport exists now (PF, uplinks,
	                             VFs below num_vfs); 0: a disabled VF */
	uint32_t rsvd1;
	struct snic_ifc_vport_ctx ctx;
	struct snic_ifc_vport_stats stats;
};
struct snic_ifc_modify_vport_in {
	struct snic_ifc_in_hdr hdr;
	uint16_t vport;         /**< le */
	uint16_t rsvd;
	uint32_t fields;        /**< le, SNIC_VPORT_F_* */
	struct snic_ifc_vport_ctx ctx;
};

/* ---- device statistics: drop reasons ---- */
/*
 * X(name, text): why the firmware dropped a packet.  Counted device-wide.
 */
#define SNIC_IFC_DROPS(X) \
	X(RUNT,          "frame shorter than an Ethernet header") \
	X(BAD_VLAN,      "truncated VLAN tag") \
	X(BAD_IPV4,      "IPv4 header: version, IHL or truncated") \
	X(BAD_IPV4_LEN,  "IPv4 total length beyond the frame or below the header") \
	X(BAD_IPV6,      "IPv6 header truncated or payload length beyond the frame") \
	X(BAD_IPV6_EXT,  "IPv6 extension header truncated or too many") \
	X(BAD_TCP,       "TCP header truncated or data offset below 5") \
	X(BAD_UDP,       "UDP header truncated or length wrong") \
	X(BAD_ICMP,      "ICMP header truncated") \
	X(BAD_ARP,       "ARP packet truncated or not Ethernet/IPv4") \
	X(BAD_VXLAN,     "VXLAN header truncated or I flag not set") \
	X(TOO_BIG,       "frame larger than the firmware's frame buffer") \
	X(RULE,          "dropped by a flow entry") \
	X(TABLE_MISS,    "dropped by a table's miss behaviour") \
	X(TTL_EXPIRED,   "decrement TTL on TTL 0 or 1") \
	X(NO_HEADROOM,   "push VLAN or encap would exceed the frame buffer") \
	X(DECAP_NOT_TUNNEL, "decap on a packet that is not VXLAN") \
	X(LEGACY_NO_DEST, "legacy mode: no vport for the destination MAC") \
	X(LOOP,          "pipeline exceeded its stage budget") \
	X(BAD_VPORT,     "frame from a vport that does not exist") \
	X(VF_DISABLED,   "frame from, to or on the representor of a VF that is not enabled")

enum snic_ifc_drop {
	SNIC_DROP_NONE = 0,     /**< not dropped (index 0 of drops[] unused) */
#define SNIC_IFC_DROP_ENUM(name, text) SNIC_DROP_##name,
	SNIC_IFC_DROPS(SNIC_IFC_DROP_ENUM)
#undef SNIC_IFC_DROP_ENUM
	SNIC_DROP_MAX_
};

struct snic_ifc_query_stats_out {
	struct snic_ifc_out_hdr hdr;
	uint32_t n_drops;       /**< le, SNIC_DROP_MAX_ */
	uint32_t rsvd;
	uint64_t rx_packets;    /**< le, packets into the pipeline */
	uint64_t drops[32];     /**< le, indexed by enum snic_ifc_drop */
};

/* ---- recovery: listing what exists, and starting over ---- */
/*
 * A host that attaches after another one went away (a crashed DPDK
 * application) finds the steering objects its predecessor made still in
 * place and still forwarding.  LIST_OBJECTS tells it which ids are live, so
 * it can read them back with the QUERY commands and adopt them;
 * RESET_STEERING removes them all at once instead.
 */
enum snic_ifc_obj_type {
	SNIC_OBJ_TABLE    = 1,  /**< aux: the table's level */
	SNIC_OBJ_GROUP    = 2,  /**< aux: its table */
	SNIC_OBJ_ENTRY    = 3,  /**< aux: its group */
	SNIC_OBJ_REFORMAT = 4,  /**< aux: references (entry destinations) */
	SNIC_OBJ_MODIFY   = 5,  /**< aux: references (entries) */
	SNIC_OBJ_COUNTERS = 6,  /**< one item per bulk: id = base, aux = size */
};
#define SNIC_LIST_END 0xffffffffu  /**< list_objects_out.next: no more */

struct snic_ifc_list_objects_in {
	struct snic_ifc_in_hdr hdr;
	uint32_t type;          /**< le, enum snic_ifc_obj_type */
	uint32_t start;         /**< le, first id to consider */
	uint32_t max;           /**< le, 1..SNIC_IFC_MAX_LIST items wanted */
	uint32_t rsvd;
};
struct snic_ifc_list_item {
	uint32_t id;            /**< le */
	uint32_t aux;           /**< le, see enum snic_ifc_obj_type */
};
/*
 * Items come in ascending id order.  One command examines a bounded number
 * of ids, so a reply may hold fewer than `max` items (even none) while
 * `next` is not SNIC_LIST_END: continue from `next` until it is.  The reply
 * holds as many items as fit the output mailbox.
 */
struct snic_ifc_list_objects_out {
	struct snic_ifc_out_hdr hdr;
	uint32_t n;             /**< le, items that follow */
	uint32_t next;          /**< le, start of the next call, or SNIC_LIST_END */
	struct snic_ifc_list_item items[];
};

/*
 * RESET_STEERING: destroy every flow entry, group and table, every reformat
 * and modify-header context and every counter, as if the NIC had just
 * booted; vports, their policy and statistics, and the e-switch mode stay.
 * Packets in switchdev mode then take the exception path (no root table).
 */
struct snic_ifc_reset_steering_in {
	struct snic_ifc_in_hdr hdr;
	uint32_t flags;         /**< le, zero (none defined) */
	uint32_t rsvd;
};
struct snic_ifc_reset_steering_out {
	struct snic_ifc_out_hdr hdr;
	uint32_t entries;       /**< le, flow entries destroyed */
	uint32_t groups;        /**< le, flow groups destroyed */
	uint32_t tables;        /**< le, flow tables destroyed */
	uint32_t others;        /**< le, reformat + modify contexts + counter
	                             bulks destroyed */
};

/* ------------------------------------------------------------------------ */
/* Events (firmware -> host)                                                 */
/* ------------------------------------------------------------------------ */
enum snic_ifc_event_type {
	SNIC_EVENT_PORT_LINK  = 1, /**< a vport's effective link changed */
	SNIC_EVENT_VF_STATE   = 2, /**< a VF's context was modified */
	SNIC_EVENT_HEALTH     = 3, /**< firmware health (value: 0 ok) */
	SNIC_EVENT_SRIOV      = 4, /**< the PF's num_vfs changed (vport: the
	                                PF; value: num_vfs) */
};
struct snic_ifc_event {
	uint16_t type;          /**< le, enum snic_ifc_event_type */
	uint16_t vport;         /**< le */
	uint32_t value;         /**< le, link: 1 up / 0 down */
	uint64_t seq;           /**< le, increments per event */
};

/* ------------------------------------------------------------------------ */
/* Layout pins: the ABI does not move                                        */
/* ------------------------------------------------------------------------ */
_Static_assert(sizeof(struct snic_ifc_hdrs) == 64, "hdrs layout");
_Static_assert(offsetof(struct snic_ifc_hdrs, ip_src) == 32, "hdrs ip_src");
_Static_assert(offsetof(struct snic_ifc_hdrs, tp_src) == 22, "hdrs tp_src");
_Static_assert(sizeof(struct snic_ifc_match) == 168, "match layout");
_Static_assert(offsetof(struct snic_ifc_match, outer) == 32, "match outer");
_Static_assert(offsetof(struct snic_ifc_match, vni) == 96, "match vni");
_Static_assert(offsetof(struct snic_ifc_match, inner) == 104, "match inner");
_Static_assert(sizeof(struct snic_ifc_in_hdr) == 8, "in hdr");
_Static_assert(sizeof(struct snic_ifc_out_hdr) == 16, "out hdr");
_Static_assert(sizeof(struct snic_ifc_dest) == 8, "dest");
_Static_assert(sizeof(struct snic_ifc_actions) == 88, "actions");
_Static_assert(sizeof(struct snic_ifc_create_entry_in) == 272, "entry in");
_Static_assert(sizeof(struct snic_ifc_create_group_in) == 184, "group in");
_Static_assert(sizeof(struct snic_ifc_create_table_in) == 24, "table in");
_Static_assert(sizeof(struct snic_ifc_alloc_reformat_in) == 80, "reformat in");
_Static_assert(sizeof(struct snic_ifc_modify_op_desc) == 16, "modify op");
_Static_assert(sizeof(struct snic_ifc_alloc_modify_in) == 272, "modify in");
_Static_assert(sizeof(struct snic_ifc_vport_ctx) == 20, "vport ctx");
_Static_assert(sizeof(struct snic_ifc_modify_vport_in) == 36, "vport mod in");
_Static_assert(sizeof(struct snic_ifc_query_vport_out) == 120, "vport query out");
_Static_assert(offsetof(struct snic_ifc_query_vport_out, enabled) == 19, "enabled");
_Static_assert(offsetof(struct snic_ifc_query_vport_out, ctx) == 24, "vport ctx");
_Static_assert(sizeof(struct snic_ifc_query_sriov_out) == 24, "sriov out");
_Static_assert(sizeof(struct snic_ifc_set_num_vfs_in) == 16, "num vfs in");
_Static_assert(sizeof(struct snic_ifc_event) == 16, "event");
_Static_assert(sizeof(struct snic_ifc_query_reformat_out) == 96, "reformat out");
_Static_assert(sizeof(struct snic_ifc_query_modify_out) == 280, "modify out");
_Static_assert(sizeof(struct snic_ifc_list_objects_in) == 24, "list in");
_Static_assert(sizeof(struct snic_ifc_list_objects_out) == 24, "list out");
_Static_assert(sizeof(struct snic_ifc_list_objects_out) +
	       SNIC_IFC_MAX_LIST * sizeof(struct snic_ifc_list_item) <=
	       SNIC_IFC_MAX_OUT, "a full list fits the output mailbox");
_Static_assert(sizeof(struct snic_ifc_reset_steering_in) == 16, "reset in");
_Static_assert(sizeof(struct snic_ifc_reset_steering_out) == 32, "reset out");
_Static_assert(SNIC_DROP_MAX_ <= 32, "drop reasons fit the stats reply");

#ifdef __cplusplus
}
#endif
#endif /* SNIC_IFC_H */
