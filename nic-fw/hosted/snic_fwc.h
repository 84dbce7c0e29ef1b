/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_fwc.h - host-side firmware command client: one typed call per
 * command of snic_ifc.h, over any transport.
 *
 * The caller supplies the transport as an exec function (direct call into an
 * in-process firmware, or the simulator's device channel).  Each call builds
 * the input mailbox, executes it, checks the reply's length, and returns the
 * syndrome (SNIC_SYN_OK on success); output values are written only on
 * success.  `last` keeps the last status/syndrome for error messages:
 * snic_fwc_strerror() renders "CREATE_FLOW_ENTRY: bad parameter: match value
 * has bits outside the group's mask (ENTRY_VALUE_OUTSIDE_MASK)".
 *
 * Not thread-safe: one client per thread (mailboxes live in the struct).
 */
#ifndef SNIC_FWC_H
#define SNIC_FWC_H

#include <stddef.h>
#include <stdint.h>

#include "snic_ifc.h"

struct snic_fw;

/** Execute a command: returns the bytes written to out (0: transport error). */
typedef size_t (*snic_fwc_exec_fn)(void *ctx, const void *in, size_t in_len,
				   void *out, size_t out_cap);

/** Transport error: no reply at all. */
#define SNIC_FWC_ETRANSPORT 0xffffffffu
/** The reply was shorter than the command's reply layout. */
#define SNIC_FWC_ESHORT     0xfffffffeu

struct snic_fwc {
	snic_fwc_exec_fn exec;
	void *ctx;
	uint16_t last_opcode;
	uint8_t last_status;
	uint32_t last_syndrome;
	struct snic_fw *direct_fw;      /* for snic_fwc_init_direct() */
	uint16_t direct_func;
	_Alignas(8) uint8_t in[SNIC_IFC_MAX_IN];
	_Alignas(8) uint8_t out[SNIC_IFC_MAX_OUT];
};

/** A client that calls snic_fw_cmd() directly as function func. */
void snic_fwc_init_direct(struct snic_fwc *c, struct snic_fw *fw, uint16_t func);
void snic_fwc_init(struct snic_fwc *c, snic_fwc_exec_fn exec, void *ctx);

/** "OPCODE: status: sentence (NAME)" for the last command. */
const char *snic_fwc_strerror(const struct snic_fwc *c, char *buf, size_t len);
const char *snic_fwc_opcode_name(uint16_t opcode);

/** Raw: execute an input mailbox (its header's opcode set by the caller). */
uint32_t snic_fwc_exec(struct snic_fwc *c, const void *in, size_t in_len,
		       size_t min_out);

uint32_t snic_fwc_query_caps(struct snic_fwc *c, const void **fdt, uint32_t *len);
uint32_t snic_fwc_set_esw_mode(struct snic_fwc *c, uint32_t mode);
uint32_t snic_fwc_query_esw_mode(struct snic_fwc *c, uint32_t *mode);
/** SR-IOV: the board's VFs and how many are enabled (either may be NULL). */
uint32_t snic_fwc_query_sriov(struct snic_fwc *c, uint32_t *total_vfs,
			      uint32_t *num_vfs);
/** Enable num_vfs VFs (0: disable them all); see SET_NUM_VFS in snic_ifc.h. */
uint32_t snic_fwc_set_num_vfs(struct snic_fwc *c, uint32_t num_vfs);
uint32_t snic_fwc_create_table(struct snic_fwc *c, uint32_t level, uint32_t miss,
			       uint32_t miss_table, uint32_t flags, uint32_t *id);
uint32_t snic_fwc_destroy_table(struct snic_fwc *c, uint32_t id);
uint32_t snic_fwc_query_table(struct snic_fwc *c, uint32_t id,
			      struct snic_ifc_query_table_out *out);
uint32_t snic_fwc_create_group(struct snic_fwc *c, uint32_t table,
			       const struct snic_ifc_match *mask, uint32_t *id);
uint32_t snic_fwc_destroy_group(struct snic_fwc *c, uint32_t id);
uint32_t snic_fwc_query_group(struct snic_fwc *c, uint32_t id,
			      struct snic_ifc_query_group_out *out);
uint32_t snic_fwc_create_entry(struct snic_fwc *c, uint32_t group,
			       uint32_t priority, const struct snic_ifc_match *value,
			       const struct snic_ifc_actions *actions, uint32_t *id);
uint32_t snic_fwc_destroy_entry(struct snic_fwc *c, uint32_t id);
uint32_t snic_fwc_query_entry(struct snic_fwc *c, uint32_t id,
			      struct snic_ifc_query_entry_out *out);
uint32_t snic_fwc_alloc_reformat(struct snic_fwc *c, uint32_t type,
				 const uint8_t *data, uint32_t len, uint32_t *id);
uint32_t snic_fwc_dealloc_reformat(struct snic_fwc *c, uint32_t id);
uint32_t snic_fwc_alloc_modify(struct snic_fwc *c,
			       const struct snic_ifc_modify_op_desc *ops,
			       uint32_t n_ops, uint32_t *id);
uint32_t snic_fwc_dealloc_modify(struct snic_fwc *c, uint32_t id);
uint32_t snic_fwc_alloc_counters(struct snic_fwc *c, uint32_t count, uint32_t *base);
uint32_t snic_fwc_dealloc_counters(struct snic_fwc *c, uint32_t base);
/** Query count counters from base into packets[]/bytes[] (host order). */
uint32_t snic_fwc_query_counters(struct snic_fwc *c, uint32_t base,
				 uint32_t count, uint32_t flags,
				 uint64_t *packets, uint64_t *bytes);
/**
 * LIST_OBJECTS: up to max (1..SNIC_IFC_MAX_LIST) live objects of type from
 * id start on, into items[] (host order); *next is where to continue, or
 * SNIC_LIST_END.  *n may be 0 while *next is not the end.
 */
uint32_t snic_fwc_list_objects(struct snic_fwc *c, uint32_t type, uint32_t start,
			       uint32_t max, struct snic_ifc_list_item *items,
			       uint32_t *n, uint32_t *next);
/** The reply as the firmware wrote it (fields little-endian). */
uint32_t snic_fwc_query_reformat(struct snic_fwc *c, uint32_t id,
				 struct snic_ifc_query_reformat_out *out);
/** The reply as the firmware wrote it (fields little-endian). */
uint32_t snic_fwc_query_modify(struct snic_fwc *c, uint32_t id,
			       struct snic_ifc_query_modify_out *out);
/** Destroy every steering object; out (may be NULL): what went, le. */
uint32_t snic_fwc_reset_steering(struct snic_fwc *c,
				 struct snic_ifc_reset_steering_out *out);
uint32_t snic_fwc_query_vport(struct snic_fwc *c, uint16_t vport,
			      struct snic_ifc_query_vport_out *out);
/** ctx fields in host order; fields is a SNIC_VPORT_F_* mask. */
uint32_t snic_fwc_modify_vport(struct snic_fwc *c, uint16_t vport,
			       uint32_t fields, const struct snic_ifc_vport_ctx *ctx);
uint32_t snic_fwc_query_stats(struct snic_fwc *c,
			      struct snic_ifc_query_stats_out *out);

/** Fill a modify-header op: value right-aligned in 8 bytes, network order. */
void snic_fwc_modify_op(struct snic_ifc_modify_op_desc *op, uint8_t opcode,
			uint8_t field, uint64_t value);

/** Build a VXLAN encap template (50 bytes, IPv4, no VLAN) into buf[50]. */
void snic_fwc_vxlan_template(uint8_t *buf, const uint8_t dmac[6],
			     const uint8_t smac[6], uint32_t src_ip,
			     uint32_t dst_ip, uint16_t dst_port, uint32_t vni);

#endif /* SNIC_FWC_H */
