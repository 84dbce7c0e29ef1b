/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * offloadd.h - snic-offloadd, the offload manager daemon: private to
 * offload-mgr/daemon.
 *
 *   main.c        options, the EAL and the ports, the main loop, shutdown
 *   hw_rteflow.c  the planner's hardware: rte_flow on the transfer proxy,
 *                 and probing the device's priority levels and groups
 *   backend.c     the control protocol's commands on the manager
 *   dataplane.c   the software path's ports: representor rx with DPDK rx
 *                 interrupts, the software datapath, tx
 *
 * One thread: the main loop sleeps in epoll on the control socket, a 1 s
 * timer (timeouts) and the rx interrupts of the ports, and does all the
 * work.  The hardware keeps forwarding
 * while the daemon is down: with net_snic (flow_recover=adopt) its rules
 * stay in the NIC when the daemon exits or is killed, and the next start
 * adopts them (nothing duplicated), re-plans the stored rules over them
 * and removes what the store no longer wants.
 */
#ifndef OFFLOADD_H
#define OFFLOADD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

#include <rte_common.h>
#include <rte_ethdev.h>

#include "snic_mgr.h"
#include "snic_mgr_ctl.h"

struct offloadd {
	struct snic_mgr *mgr;
	struct snic_mgr_ctl_server *ctl;
	uint16_t proxy, uplink;
	uint16_t vf_ports[SNIC_MGR_MAX_VFS];
	unsigned n_vfs;
	bool is_snic;               /**< the ports are net_snic's */
	int rx_fd[RTE_MAX_ETHPORTS];  /**< rx interrupt eventfd per port */
	struct {
		uint64_t rx, tx, tx_drops, rx_errors, to_controller, wait_neigh;
	} sw;                       /**< software path counters (show) */
	char port_names[RTE_MAX_ETHPORTS][RTE_ETH_NAME_MAX_LEN];
};

extern const struct snic_mgr_ctl_ops offloadd_ops;
extern const struct snic_mgr_hw_ops offloadd_hw_ops;

/** The device's rte_flow priorities and highest group, by validation. */
int offloadd_probe_limits(uint16_t proxy, uint32_t *levels, uint32_t *max_group);
const char *offloadd_port_name(const struct offloadd *d, uint16_t port);
/** Start the ports for the software path; their rx interrupts go into
 *  epfd with data.u64 = tag | port. */
int offloadd_dp_start(struct offloadd *d, int epfd, uint64_t tag);
/** Port's rx interrupt fired: drain it through the software datapath. */
void offloadd_dp_rx(struct offloadd *d, uint16_t port);
void offloadd_dp_stop(struct offloadd *d);
/** Send one frame out of port (the manager's ARP); snic_mgr_config.tx. */
int offloadd_dp_tx(void *arg, uint16_t port, const uint8_t *frame, uint32_t len);
/** Device capacity facts for show (entries used/free where known). */
void offloadd_show_capacity(const struct offloadd *d, json_t *cap);

#endif /* OFFLOADD_H */
