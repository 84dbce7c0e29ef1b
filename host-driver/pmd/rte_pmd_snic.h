/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_pmd_snic.h - net_snic's driver-specific API (as rte_pmd_mlx5.h is
 * mlx5's): what a DPDK application may ask of a net_snic port beyond
 * rte_ethdev and rte_flow.
 *
 * Flow rules across driver instances.  With devarg flow_recover=adopt the
 * rules an instance made stay in the NIC when it goes away (closed or
 * killed), and the next instance adopts them as "orphans": they keep
 * forwarding and counting; rte_flow_create() of an identical rule returns
 * the orphan itself (its counter keeps its value), a rule with the same
 * group, priority and pattern but other actions replaces it.  An
 * application that re-created what it wants then removes the rest with
 * rte_pmd_snic_flow_flush_orphans(): nothing duplicated, nothing lost.
 *
 * Thread safety: as rte_flow (the driver serialises per NIC).
 */
#ifndef RTE_PMD_SNIC_H
#define RTE_PMD_SNIC_H

#include <stdint.h>

#include <rte_flow.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Orphan rules on port's NIC: >= 0; -ENODEV (not net_snic), -ENOTSUP
 *  (rte_flow unavailable). */
int rte_pmd_snic_flow_orphans(uint16_t port_id);

/** Destroy the orphan rules of port's NIC: 0 or a negative errno with
 *  error filled. */
int rte_pmd_snic_flow_flush_orphans(uint16_t port_id, struct rte_flow_error *error);

#ifdef __cplusplus
}
#endif
#endif /* RTE_PMD_SNIC_H */
