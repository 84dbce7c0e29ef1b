/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flow_ctx.c - the per-NIC context: capabilities, the port table, the root
 * table, refusal messages and the names used in them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "flow_internal.h"
#include "snic_fw.h"

/* ---- refusal messages ---- */

int flow_error(struct snic_flow_ctx *ctx, struct rte_flow_error *error, int code,
	       enum rte_flow_error_type type, const void *cause,
	       const char *fmt, ...)
{
	static char fallback[SNIC_FLOW_MSG_LEN];
	char *msg = ctx ? ctx->msgs[ctx->msg_next++ % SNIC_FLOW_MSG_RING] : fallback;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, SNIC_FLOW_MSG_LEN, fmt, ap);
	va_end(ap);
	return rte_flow_error_set(error, code, type, cause, msg);
}

/* ---- names ---- */

const char *flow_item_name(int type)
{
	static _Thread_local char buf[4][32];
	static _Thread_local unsigned i;
	struct rte_flow_error e;
	const char *name = NULL;

	switch (type) {
#define N(t) case RTE_FLOW_ITEM_TYPE_##t: return #t
	N(END); N(VOID); N(ETH); N(VLAN); N(IPV4); N(IPV6); N(UDP); N(TCP);
	N(ICMP); N(VXLAN); N(PORT_ID); N(REPRESENTED_PORT); N(PORT_REPRESENTOR);
#undef N
	default:
		break;
	}
	if (type >= 0 &&
	    rte_flow_conv(RTE_FLOW_CONV_OP_ITEM_NAME_PTR, &name, sizeof(name),
			  (const void *)(uintptr_t)type, &e) > 0 && name)
		return name;
	snprintf(buf[i & 3], sizeof(buf[0]), "item type %d", type);
	return buf[i++ & 3];
}

const char *flow_action_name(int type)
{
	static _Thread_local char buf[4][32];
	static _Thread_local unsigned i;
	struct rte_flow_error e;
	const char *name = NULL;

	switch (type) {
#define N(t) case RTE_FLOW_ACTION_TYPE_##t: return #t
	N(END); N(VOID); N(DROP); N(COUNT); N(JUMP); N(PORT_ID);
	N(REPRESENTED_PORT); N(PORT_REPRESENTOR); N(VXLAN_ENCAP);
	N(VXLAN_DECAP); N(RAW_ENCAP); N(RAW_DECAP); N(OF_PUSH_VLAN);
	N(OF_SET_VLAN_VID); N(OF_SET_VLAN_PCP); N(OF_POP_VLAN);
	N(SET_MAC_SRC); N(SET_MAC_DST); N(SET_IPV4_SRC); N(SET_IPV4_DST);
	N(SET_TP_SRC); N(SET_TP_DST); N(DEC_TTL); N(SET_TTL);
#undef N
	default:
		break;
	}
	if (type >= 0 &&
	    rte_flow_conv(RTE_FLOW_CONV_OP_ACTION_NAME_PTR, &name, sizeof(name),
			  (const void *)(uintptr_t)type, &e) > 0 && name)
		return name;
	snprintf(buf[i & 3], sizeof(buf[0]), "action type %d", type);
	return buf[i++ & 3];
}

/* ---- ports ---- */

const struct snic_flow_port *flow_port(const struct snic_flow_ctx *ctx,
				       uint32_t port_id)
{
	for (unsigned i = 0; i < ctx->n_ports; i++)
		if (ctx->ports[i].port_id == port_id)
			return &ctx->ports[i];
	return NULL;
}

static void vport_name(uint16_t vport, char *buf, size_t len)
{
	if (vport == SNIC_IFC_VPORT_PF)
		snprintf(buf, len, "pf");
	else if (SNIC_IFC_VPORT_IS_UPLINK(vport))
		snprintf(buf, len, "uplink%u", vport - SNIC_IFC_VPORT_UPLINK_BASE);
	else
		snprintf(buf, len, "vf%u", SNIC_IFC_VPORT_VF_INDEX(vport));
}

const char *flow_port_str(const struct snic_flow_ctx *ctx, uint32_t port_id,
			  char *buf, size_t len)
{
	const struct snic_flow_port *p = flow_port(ctx, port_id);
	char v[16];

	if (!p) {
		snprintf(buf, len, "port %u", port_id);
		return buf;
	}
	vport_name(p->vport, v, sizeof(v));
	snprintf(buf, len, "port %u (%s)", port_id, v);
	return buf;
}

const char *flow_ports_list(const struct snic_flow_ctx *ctx, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < ctx->n_ports && n + 1 < len; i++) {
		char v[16];
		int w;

		vport_name(ctx->ports[i].vport, v, sizeof(v));
		w = snprintf(buf + n, len - n, "%s%u=%s", i ? ", " : "",
			     ctx->ports[i].port_id, v);
		if (w < 0)
			break;
		n += (size_t)w;
	}
	return buf;
}

/* ---- capabilities ---- */

static int caps_u32(const void *fdt, int node, const char *path, const char *prop,
		    uint32_t *out, char *err, size_t errlen)
{
	const fdt32_t *v;
	int len;

	v = node >= 0 ? fdt_getprop(fdt, node, prop, &len) : NULL;
	if (!v || len != 4) {
		snprintf(err, errlen, "the NIC's capabilities lack %s/%s", path, prop);
		return -EPROTO;
	}
	*out = fdt32_ld(v);
	return 0;
}

static int caps_read(struct snic_flow_ctx *ctx, char *err, size_t errlen)
{
	struct snic_flow_caps *c = &ctx->caps;
	const void *fdt;
	uint32_t len, syn;
	char buf[160];
	int st, po, vx, rc = 0;

	syn = snic_fwc_query_caps(ctx->fwc, &fdt, &len);
	if (syn != SNIC_SYN_OK) {
		snprintf(err, errlen, "reading the NIC's capabilities: %s",
			 snic_fwc_strerror(ctx->fwc, buf, sizeof(buf)));
		return -EIO;
	}
	if (len < sizeof(struct fdt_header) || fdt_check_header(fdt) != 0 ||
	    fdt_totalsize(fdt) > len) {
		snprintf(err, errlen, "the NIC's capabilities are not a valid "
			 "flattened device tree (%u bytes)", len);
		return -EPROTO;
	}
	st = fdt_path_offset(fdt, "/steering");
	po = fdt_path_offset(fdt, "/ports");
	vx = fdt_path_offset(fdt, "/vxlan");
#define U(node, path, prop, field) \
	if (!rc) rc = caps_u32(fdt, node, path, prop, &c->field, err, errlen)
	U(po, "/ports", "num-uplinks", num_uplinks);
	U(po, "/ports", "num-vfs", num_vfs);
	U(st, "/steering", "max-tables", max_tables);
	U(st, "/steering", "max-table-level", max_table_level);
	U(st, "/steering", "max-groups", max_groups);
	U(st, "/steering", "max-groups-per-table", max_groups_per_table);
	U(st, "/steering", "max-entries", max_entries);
	U(st, "/steering", "max-counters", max_counters);
	U(st, "/steering", "max-encap", max_encap);
	U(st, "/steering", "max-modify", max_modify);
	U(st, "/steering", "priority-levels", priority_levels);
	U(st, "/steering", "max-dests", max_dests);
	U(st, "/steering", "max-modify-ops", max_modify_ops);
	U(vx, "/vxlan", "udp-port", vxlan_port);
#undef U
	if (rc)
		return rc;
	if (c->max_dests > SNIC_IFC_MAX_DESTS)
		c->max_dests = SNIC_IFC_MAX_DESTS;
	if (c->max_modify_ops > SNIC_IFC_MAX_MODIFY_OPS)
		c->max_modify_ops = SNIC_IFC_MAX_MODIFY_OPS;
	if (c->max_tables == 0 || c->max_entries == 0 || c->priority_levels == 0 ||
	    c->max_table_level > 0xffff || c->vxlan_port == 0 || c->vxlan_port > 0xffff) {
		snprintf(err, errlen, "the NIC's steering capabilities are unusable "
			 "(max-tables %u, max-entries %u, priority-levels %u, "
			 "max-table-level %u, vxlan udp-port %u)", c->max_tables,
			 c->max_entries, c->priority_levels, c->max_table_level,
			 c->vxlan_port);
		return -EPROTO;
	}
	return 0;
}

static bool vport_exists(const struct snic_flow_caps *c, uint16_t v)
{
	if (v == SNIC_IFC_VPORT_PF)
		return true;
	if (SNIC_IFC_VPORT_IS_UPLINK(v))
		return (uint32_t)(v - SNIC_IFC_VPORT_UPLINK_BASE) < c->num_uplinks;
	return SNIC_IFC_VPORT_VF_INDEX(v) < c->num_vfs;
}

static int ports_check(const struct snic_flow_ctx *ctx,
		       const struct snic_flow_port *ports, unsigned n,
		       char *err, size_t errlen)
{
	unsigned proxies = 0;

	if (n == 0 || !ports) {
		snprintf(err, errlen, "no DPDK ports given for the NIC");
		return -EINVAL;
	}
	for (unsigned i = 0; i < n; i++) {
		char v[16];

		vport_name(ports[i].vport, v, sizeof(v));
		if (!vport_exists(&ctx->caps, ports[i].vport)) {
			snprintf(err, errlen, "port %u represents %s (vport 0x%x), "
				 "which this board lacks (%u VFs, %u uplinks)",
				 ports[i].port_id, v, ports[i].vport,
				 ctx->caps.num_vfs, ctx->caps.num_uplinks);
			return -EINVAL;
		}
		for (unsigned j = 0; j < i; j++)
			if (ports[j].port_id == ports[i].port_id) {
				snprintf(err, errlen, "port id %u is given twice",
					 ports[i].port_id);
				return -EINVAL;
			}
		proxies += ports[i].is_proxy;
	}
	if (proxies > 1) {
		snprintf(err, errlen, "%u ports claim to be the transfer proxy; "
			 "a NIC has one", proxies);
		return -EINVAL;
	}
	return 0;
}

/* ---- the context ---- */

static int esw_switchdev(struct snic_flow_ctx *ctx, char *err, size_t errlen)
{
	uint32_t mode = 0;
	char buf[160];

	if (snic_fwc_query_esw_mode(ctx->fwc, &mode) == SNIC_SYN_OK &&
	    mode == SNIC_ESW_SWITCHDEV)
		return 0;
	if (snic_fwc_set_esw_mode(ctx->fwc, SNIC_ESW_SWITCHDEV) != SNIC_SYN_OK) {
		snprintf(err, errlen, "switching the e-switch to switchdev: %s",
			 snic_fwc_strerror(ctx->fwc, buf, sizeof(buf)));
		return -EIO;
	}
	return 0;
}

static int root_create(struct snic_flow_ctx *ctx, enum snic_flow_recover recover,
		       char *err, size_t errlen)
{
	uint32_t id, syn;
	char buf[160];
	int rc;

	syn = snic_fwc_create_table(ctx->fwc, 0, SNIC_MISS_DEFAULT, 0,
				    SNIC_TABLE_F_ROOT, &id);
	if (syn == SNIC_SYN_TABLE_ROOT_EXISTS) {
		rc = flow_recover(ctx, recover, err, errlen);
		if (rc || recover == SNIC_FLOW_RECOVER_ADOPT)
			return rc;      /* adopted: the root is the old one */
		syn = snic_fwc_create_table(ctx->fwc, 0, SNIC_MISS_DEFAULT, 0,
					    SNIC_TABLE_F_ROOT, &id);
	}
	if (syn != SNIC_SYN_OK) {
		snprintf(err, errlen, "creating the root flow table: %s",
			 snic_fwc_strerror(ctx->fwc, buf, sizeof(buf)));
		return syn == SNIC_SYN_TABLE_LIMIT ? -ENOSPC : -EIO;
	}
	ctx->tables[0].used = true;
	ctx->tables[0].fw_id = id;
	ctx->tables[0].refs = 1;        /* the context's own reference */
	ctx->use.tables = 1;
	return 0;
}

int snic_flow_ctx_create(struct snic_flow_ctx **out, struct snic_fwc *fwc,
			 const struct snic_flow_port *ports, unsigned n_ports,
			 enum snic_flow_recover recover, char *err, size_t errlen)
{
	struct snic_flow_ctx *ctx;
	char dummy[8];
	int rc;

	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (!out || !fwc) {
		snprintf(err, errlen, "no context pointer or no command client");
		return -EINVAL;
	}
	*out = NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ctx->fwc = fwc;
	rc = caps_read(ctx, err, errlen);
	if (!rc)
		rc = ports_check(ctx, ports, n_ports, err, errlen);
	if (rc) {
		free(ctx);
		return rc;
	}
	ctx->n_ports = n_ports;
	ctx->ports = calloc(n_ports, sizeof(*ports));
	ctx->tables = calloc((size_t)ctx->caps.max_table_level + 1, sizeof(*ctx->tables));
	ctx->hash_size = 64;
	while (ctx->hash_size < ctx->caps.max_entries && ctx->hash_size < (1u << 16))
		ctx->hash_size <<= 1;
	ctx->hash = calloc(ctx->hash_size, sizeof(*ctx->hash));
	if (!ctx->ports || !ctx->tables || !ctx->hash) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
		goto fail;
	}
	memcpy(ctx->ports, ports, n_ports * sizeof(*ports));
	rc = esw_switchdev(ctx, err, errlen);
	if (!rc)
		rc = root_create(ctx, recover, err, errlen);
	if (rc)
		goto fail;
	*out = ctx;
	return 0;
fail:
	free(ctx->ports);
	free(ctx->tables);
	free(ctx->hash);
	free(ctx);
	return rc;
}

void snic_flow_ctx_destroy(struct snic_flow_ctx *ctx)
{
	if (!ctx)
		return;
	snic_flow_flush(ctx, NULL);
	if (ctx->tables[0].used &&
	    snic_fwc_destroy_table(ctx->fwc, ctx->tables[0].fw_id) == SNIC_SYN_OK)
		ctx->use.tables--;
	/* flush released all groups and reformats; free what memory is left */
	snic_flow_ctx_release(ctx);
}

void snic_flow_ctx_release(struct snic_flow_ctx *ctx)
{
	if (!ctx)
		return;
	flow_drop_all(ctx);     /* memory only: the firmware keeps everything */
	free(ctx->ports);
	free(ctx->tables);
	free(ctx->hash);
	free(ctx);
}

int snic_flow_transfer_proxy(const struct snic_flow_ctx *ctx, uint16_t *port_id)
{
	for (unsigned i = 0; i < ctx->n_ports; i++)
		if (ctx->ports[i].is_proxy) {
			*port_id = ctx->ports[i].port_id;
			return 0;
		}
	return -ENODEV;
}

const struct snic_flow_caps *snic_flow_get_caps(const struct snic_flow_ctx *ctx)
{
	return &ctx->caps;
}

void snic_flow_get_usage(const struct snic_flow_ctx *ctx, struct snic_flow_usage *u)
{
	*u = ctx->use;
}

uint32_t snic_flow_flushed_at_attach(const struct snic_flow_ctx *ctx)
{
	return ctx->flushed;
}
