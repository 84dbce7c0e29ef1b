/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * caps.c - the capabilities the host reads with QUERY_CAPS, as a flattened
 * device tree built once at boot (libfdt's sequential-write API):
 *
 *   / { compatible = "snic,caps"; model; fw-version;
 *       ports { num-uplinks; num-vfs; pf-mac-address;
 *               uplink@N { mac-address; speed-mbps; } }
 *       steering { max-tables; max-table-level; max-groups;
 *                  max-groups-per-table; max-entries; max-counters;
 *                  max-encap; max-modify; priority-levels; max-dests;
 *                  max-modify-ops; match-bytes; action-flags; }
 *       vxlan { udp-port; } }
 */
#include <libfdt.h>

#include "fw_internal.h"

#define TRY(x) do { int r_ = (x); if (r_ < 0) return r_; } while (0)

static int u32p(void *f, const char *name, uint32_t v)
{
	return fdt_property_u32(f, name, v);
}

int fw_caps_build(struct snic_fw *fw, uint8_t *buf, uint32_t cap)
{
	const struct snic_fw_board *b = &fw->board;
	void *f = buf;

	TRY(fdt_create(f, (int)cap));
	TRY(fdt_finish_reservemap(f));
	TRY(fdt_begin_node(f, ""));
	TRY(fdt_property_string(f, "compatible", "snic,caps"));
	TRY(fdt_property_string(f, "model", b->model));
	TRY(fdt_property_string(f, "fw-version", SNIC_FW_VERSION));

	TRY(fdt_begin_node(f, "ports"));
	TRY(u32p(f, "num-uplinks", b->n_uplinks));
	TRY(u32p(f, "num-vfs", b->n_vfs));
	TRY(fdt_property(f, "pf-mac-address", b->pf_mac, 6));
	for (uint32_t i = 0; i < b->n_uplinks; i++) {
		char name[16];
		snic_fw_fmt(name, sizeof(name), "uplink@%u", i);
		TRY(fdt_begin_node(f, name));
		TRY(fdt_property(f, "mac-address", b->uplink_mac[i], 6));
		TRY(u32p(f, "speed-mbps", b->uplink_speed[i]));
		TRY(fdt_end_node(f));
	}
	TRY(fdt_end_node(f));

	TRY(fdt_begin_node(f, "steering"));
	TRY(u32p(f, "max-tables", b->max_tables));
	TRY(u32p(f, "max-table-level", b->max_table_level));
	TRY(u32p(f, "max-groups", b->max_groups));
	TRY(u32p(f, "max-groups-per-table", b->max_groups_per_table));
	TRY(u32p(f, "max-entries", b->max_entries));
	TRY(u32p(f, "max-counters", b->max_counters));
	TRY(u32p(f, "max-encap", b->max_encap));
	TRY(u32p(f, "max-modify", b->max_modify));
	TRY(u32p(f, "priority-levels", b->priority_levels));
	TRY(u32p(f, "max-dests", SNIC_IFC_MAX_DESTS));
	TRY(u32p(f, "max-modify-ops", SNIC_IFC_MAX_MODIFY_OPS));
	TRY(u32p(f, "match-bytes", (uint32_t)sizeof(struct snic_ifc_match)));
	TRY(u32p(f, "action-flags", SNIC_ACT_ALL));
	TRY(fdt_end_node(f));

	TRY(fdt_begin_node(f, "vxlan"));
	TRY(u32p(f, "udp-port", b->vxlan_port));
	TRY(fdt_end_node(f));

	TRY(fdt_end_node(f));
	TRY(fdt_finish(f));
	fw->caps_len = fdt_totalsize(f);
	return 0;
}
