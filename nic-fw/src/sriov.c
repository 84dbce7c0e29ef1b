/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sriov.c - the PF's SR-IOV capability: how many of the board's VFs are
 * enabled (see "SR-IOV" in snic_ifc.h for the rules).
 *
 * VFs 0..num_vfs-1 are enabled.  A VF that is not enabled keeps its vport
 * slot (memory is sized at boot for all of the board's VFs); the packet path
 * and the vport commands ask fw_vport_enabled().
 */
#include "fw_internal.h"

uint32_t fw_cmd_query_sriov(struct fw_cmd_ctx *c)
{
	struct snic_ifc_query_sriov_out *o = c->out;

	o->total_vfs = fw_le32(c->fw->board.n_vfs);
	o->num_vfs = fw_le32(c->fw->num_vfs);
	return SNIC_SYN_OK;
}

uint32_t fw_cmd_set_num_vfs(struct fw_cmd_ctx *c)
{
	const struct snic_ifc_set_num_vfs_in *in = c->in;
	struct snic_fw *fw = c->fw;
	uint32_t n = fw_le32(in->num_vfs), lo, hi;

	if (in->rsvd)
		return SNIC_SYN_RSVD_NOT_ZERO;
	if (n > fw->board.n_vfs)
		return SNIC_SYN_NUM_VFS_RANGE;
	if (n == fw->num_vfs)
		return SNIC_SYN_OK;
	if (n && fw->num_vfs)
		return SNIC_SYN_NUM_VFS_BUSY;
	/* the VFs that change: [lo, hi) */
	lo = n ? fw->num_vfs : n;
	hi = n ? n : fw->num_vfs;
	if (!n)
		for (uint32_t i = lo; i < hi; i++)
			if (fw->vports[1 + i].refs)
				return SNIC_SYN_NUM_VFS_IN_USE;
	for (uint32_t i = lo; i < hi; i++)
		fw_vport_reset(fw, 1 + i);
	fw_log(fw, SNIC_FW_LOG_INFO, "SR-IOV: %u of %u VFs enabled (was %u)", n,
	       fw->board.n_vfs, fw->num_vfs);
	fw->num_vfs = n;
	fw_post_event(fw, SNIC_EVENT_SRIOV, SNIC_IFC_VPORT_PF, n);
	fw_vport_link_update(fw);
	return SNIC_SYN_OK;
}
