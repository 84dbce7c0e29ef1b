/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * board.c - the board description: a flattened device tree, checked node by
 * node.  Every error names the node and property, what was found and what is
 * allowed.  nic-fw/boards/README.md documents the properties.
 */
#include <libfdt.h>

#include "fw_internal.h"

struct bctx {
	const void *fdt;
	char *err;
	size_t errlen;
};

/* node(): an optional node that is absent */
#define NODE_ABSENT (-1000)

#define BERR(b, ...) \
	(snic_fw_fmt((b)->err, (b)->errlen, "board: " __VA_ARGS__), -SNIC_FW_EBOARD)

static int node(struct bctx *b, int parent, const char *parent_path,
		const char *name, bool required)
{
	int off = fdt_subnode_offset(b->fdt, parent, name);

	if (off == -FDT_ERR_NOTFOUND && !required)
		return NODE_ABSENT;
	if (off < 0)
		return BERR(b, "node %s/%s is missing (%s)", parent_path, name,
			    fdt_strerror(off));
	return off;
}

/* A u32 property in [lo, hi]; def when absent and !required. */
static int prop_u32(struct bctx *b, int off, const char *path, const char *prop,
		    uint32_t lo, uint32_t hi, bool required, uint32_t def,
		    uint32_t *out)
{
	int len;
	const fdt32_t *v = fdt_getprop(b->fdt, off, prop, &len);
	uint32_t x;

	if (!v) {
		if (required || len != -FDT_ERR_NOTFOUND)
			return BERR(b, "%s: property '%s' is missing", path, prop);
		*out = def;
		return 0;
	}
	if (len != 4)
		return BERR(b, "%s: property '%s' must be one 32-bit cell, is %d bytes",
			    path, prop, len);
	x = fdt32_ld(v);
	if (x < lo || x > hi)
		return BERR(b, "%s: property '%s' = %u is out of range %u..%u",
			    path, prop, x, lo, hi);
	*out = x;
	return 0;
}

static int prop_mac(struct bctx *b, int off, const char *path, const char *prop,
		    uint8_t mac[6])
{
	int len;
	const uint8_t *v = fdt_getprop(b->fdt, off, prop, &len);

	if (!v)
		return BERR(b, "%s: property '%s' is missing", path, prop);
	if (len != 6)
		return BERR(b, "%s: property '%s' must be 6 bytes, is %d", path,
			    prop, len);
	if ((v[0] & 1) || !(v[0] | v[1] | v[2] | v[3] | v[4] | v[5]))
		return BERR(b, "%s: property '%s' must be a unicast, non-zero MAC",
			    path, prop);
	memcpy(mac, v, 6);
	return 0;
}

/* A NUL-terminated string property of at most cap-1 characters. */
static int prop_str(struct bctx *b, int off, const char *path, const char *prop,
		    bool required, char *out, size_t cap)
{
	int len;
	const char *v = fdt_getprop(b->fdt, off, prop, &len);

	if (!v) {
		if (required || len != -FDT_ERR_NOTFOUND)
			return BERR(b, "%s: property '%s' is missing", path, prop);
		out[0] = '\0';
		return 0;
	}
	if (len < 2 || v[len - 1] != '\0' || strlen(v) != (size_t)len - 1)
		return BERR(b, "%s: property '%s' must be one non-empty string",
			    path, prop);
	if ((size_t)len > cap)
		return BERR(b, "%s: property '%s' is longer than %u characters",
			    path, prop, (unsigned)cap - 1);
	memcpy(out, v, (size_t)len);
	return 0;
}

static int parse_uplinks(struct bctx *b, int nic, struct snic_fw_board *bd)
{
	int ups = node(b, nic, "/nic", "uplinks", true), port;
	uint32_t seen = 0;

	if (ups < 0)
		return ups;
	fdt_for_each_subnode(port, b->fdt, ups) {
		char path[96];
		const char *name = fdt_get_name(b->fdt, port, NULL);
		uint32_t reg;
		int r;

		snic_fw_fmt(path, sizeof(path), "/nic/uplinks/%s", name ? name : "?");
		if (!name || strncmp(name, "port@", 5) != 0)
			return BERR(b, "%s: only port@N nodes may be under /nic/uplinks",
				    path);
		r = prop_u32(b, port, path, "reg", 0, SNIC_IFC_MAX_UPLINKS - 1,
			     true, 0, &reg);
		if (r)
			return r;
		if (seen & (1u << reg))
			return BERR(b, "%s: property 'reg' = %u is used by another port",
				    path, reg);
		seen |= 1u << reg;
		r = prop_mac(b, port, path, "mac-address", bd->uplink_mac[reg]);
		if (!r)
			r = prop_u32(b, port, path, "speed-mbps", 1, 400000, true, 0,
				     &bd->uplink_speed[reg]);
		if (r)
			return r;
		bd->n_uplinks++;
	}
	if (bd->n_uplinks == 0)
		return BERR(b, "/nic/uplinks: needs at least one port@N node");
	if (seen != (1u << bd->n_uplinks) - 1)
		return BERR(b, "/nic/uplinks: port 'reg' values must be 0..%u without gaps",
			    bd->n_uplinks - 1);
	return 0;
}

static int parse_steering(struct bctx *b, int nic, struct snic_fw_board *bd)
{
	static const char path[] = "/nic/steering";
	int st = node(b, nic, "/nic", "steering", true), r;

	if (st < 0)
		return st;
	if ((r = prop_u32(b, st, path, "max-tables", 1, 4096, true, 0, &bd->max_tables)) ||
	    (r = prop_u32(b, st, path, "max-table-level", 1, 65535, true, 0,
			  &bd->max_table_level)) ||
	    (r = prop_u32(b, st, path, "max-groups", 1, 1u << 20, true, 0,
			  &bd->max_groups)) ||
	    (r = prop_u32(b, st, path, "max-groups-per-table", 1, 4096, true, 0,
			  &bd->max_groups_per_table)) ||
	    (r = prop_u32(b, st, path, "max-entries", 1, 1u << 24, true, 0,
			  &bd->max_entries)) ||
	    (r = prop_u32(b, st, path, "max-counters", 0, 1u << 24, true, 0,
			  &bd->max_counters)) ||
	    (r = prop_u32(b, st, path, "max-encap", 0, 1u << 20, true, 0,
			  &bd->max_encap)) ||
	    (r = prop_u32(b, st, path, "max-modify", 0, 1u << 20, true, 0,
			  &bd->max_modify)) ||
	    (r = prop_u32(b, st, path, "priority-levels", 1, 1u << 24, true, 0,
			  &bd->priority_levels)))
		return r;
	if (bd->max_groups_per_table > bd->max_groups)
		return BERR(b, "%s: property 'max-groups-per-table' = %u exceeds "
			    "'max-groups' = %u", path, bd->max_groups_per_table,
			    bd->max_groups);
	return 0;
}

int snic_fw_board_parse(const void *fdt, size_t fdt_len,
			struct snic_fw_board *bd, char *err, size_t errlen)
{
	struct bctx b = { fdt, err, errlen };
	char mode[16];
	int r, nic, sub;

	memset(bd, 0, sizeof(*bd));
	if (err && errlen)
		err[0] = '\0';
	if (!fdt || fdt_len < sizeof(struct fdt_header) || fdt_len > 0x7fffffff)
		return BERR(&b, "not a flattened device tree (%u bytes)",
			    (unsigned)fdt_len);
	/* only version 17 blobs (what dtc writes): libfdt's older-version
	 * paths are not worth trusting with hostile input (fdt_check_full of
	 * Debian's libfdt 1.6.1 dereferences NULL on some version-7 blobs) */
	r = fdt_check_header(fdt);
	if (r)
		return BERR(&b, "not a valid flattened device tree: %s",
			    fdt_strerror(r));
	if (fdt_version(fdt) < 17)
		return BERR(&b, "device tree version %u: this firmware reads version "
			    "17 (what dtc writes)", (unsigned)fdt_version(fdt));
	r = fdt_check_full(fdt, fdt_len);
	if (r)
		return BERR(&b, "not a valid flattened device tree: %s",
			    fdt_strerror(r));
	r = fdt_node_check_compatible(fdt, 0, "snic,smartnic");
	if (r)
		return BERR(&b, "/: property 'compatible' must list \"snic,smartnic\"");
	if ((r = prop_str(&b, 0, "/", "model", true, bd->model, sizeof(bd->model))) ||
	    (r = prop_str(&b, 0, "/", "snic,fw-version", true, bd->fw_version,
			  sizeof(bd->fw_version))))
		return r;
	if (strcmp(bd->fw_version, SNIC_FW_VERSION) != 0)
		return BERR(&b, "/: property 'snic,fw-version' = \"%s\" but this "
			    "firmware is %s", bd->fw_version, SNIC_FW_VERSION);
	nic = node(&b, 0, "", "nic", true);
	if (nic < 0)
		return nic;
	if ((r = prop_str(&b, nic, "/nic", "eswitch-mode", false, mode, sizeof(mode))))
		return r;
	if (!mode[0] || !strcmp(mode, "legacy"))
		bd->esw_mode = SNIC_ESW_LEGACY;
	else if (!strcmp(mode, "switchdev"))
		bd->esw_mode = SNIC_ESW_SWITCHDEV;
	else
		return BERR(&b, "/nic: property 'eswitch-mode' = \"%s\" must be "
			    "\"legacy\" or \"switchdev\"", mode);

	sub = node(&b, nic, "/nic", "pf", true);
	if (sub < 0)
		return sub;
	if ((r = prop_mac(&b, sub, "/nic/pf", "mac-address", bd->pf_mac)))
		return r;
	if ((r = parse_uplinks(&b, nic, bd)))
		return r;

	sub = node(&b, nic, "/nic", "sriov", false);
	if (sub >= 0) {
		uint32_t low;
		if ((r = prop_u32(&b, sub, "/nic/sriov", "num-vfs", 0,
				  SNIC_IFC_MAX_VFS, true, 0, &bd->n_vfs)))
			return r;
		if (bd->n_vfs &&
		    (r = prop_mac(&b, sub, "/nic/sriov", "mac-base", bd->vf_mac_base)))
			return r;
		low = (uint32_t)bd->vf_mac_base[3] << 16 |
		      (uint32_t)bd->vf_mac_base[4] << 8 | bd->vf_mac_base[5];
		if (low + bd->n_vfs > 0x1000000u)
			return BERR(&b, "/nic/sriov: property 'mac-base' leaves no room "
				    "for %u VF MACs in its last 3 bytes", bd->n_vfs);
	} else if (sub != NODE_ABSENT) {
		return sub;
	}

	if ((r = parse_steering(&b, nic, bd)))
		return r;

	sub = node(&b, nic, "/nic", "vxlan", false);
	bd->vxlan_port = 4789;
	if (sub >= 0) {
		if ((r = prop_u32(&b, sub, "/nic/vxlan", "udp-port", 1, 65535, false,
				  4789, &bd->vxlan_port)))
			return r;
	} else if (sub != NODE_ABSENT) {
		return sub;
	}
	return 0;
}
