/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_pmd.h - net_snic, the DPDK poll-mode driver of the snic NIC: its
 * objects, private to host-driver/pmd.
 *
 * One vdev (--vdev net_snic0,dev=<channel socket>[,representor=vf[0-3]])
 * attaches to one NIC over the device channel (snic_drv_chan.h) and creates
 * ethdev ports, as mlx5 does in switchdev mode:
 *
 *   net_snic0                       the uplink: the e-switch manager and
 *                                   transfer proxy; rx is the uplink's
 *                                   exception traffic, tx goes out on the wire
 *   net_snic0_representor_vf<N>     one per requested VF representor; rx is
 *                                   what VF N sent that no rule took, tx goes
 *                                   to VF N
 *
 * All ports of a NIC share a struct snic_pmd_nic: the channel, the switch
 * domain, and the rte_flow context (any port of the NIC accepts rules; the
 * uplink port is the transfer proxy).  Each port has one rx and one tx
 * queue, backed by its vport's rings in the channel; frames are copied
 * between mbufs and ring buffers (rings hold frames of up to 2048 bytes).
 *
 * Rx interrupts (pmd_intr.c): a port started with intr_conf.rxq = 1 gets a
 * vdev interrupt handle whose one vector is its channel queue's own rx
 * interrupt eventfd, so an lcore can sleep on its queues with DPDK's
 * rx-interrupt API as it does on mlx5 (rte_eth_dev_rx_intr_ctl_q(),
 * rx_intr_enable, rte_epoll_wait(), rx_intr_disable, rx_burst); a frame for
 * one port wakes only the thread sleeping on that port's queue.  There is
 * no link-state or removal interrupt: intr_conf.lsc and intr_conf.rmv are
 * refused by rte_eth_dev_configure().
 *
 * Threads: DPDK's usual contract - a queue is polled by one lcore at a time
 * (its rx_intr_enable/disable and rte_epoll_wait() too); control operations
 * (configure, start, stats, flow) come from one thread at a time.  The
 * channel library is safe for commands from any thread and for rx/tx of
 * different queues from different threads.
 */
#ifndef SNIC_PMD_H
#define SNIC_PMD_H

#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_mbuf.h>

#include <pthread.h>

#include "snic_drv_chan.h"
#include "snic_flow.h"
#include "snic_fwc.h"

#define SNIC_PMD_DRIVER   net_snic
#define SNIC_PMD_MAX_PORTS (1 + SNIC_IFC_MAX_VFS)
#define SNIC_PMD_BURST    32

extern int snic_pmd_logtype;
#define SNIC_PMD_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, snic_pmd_logtype, "net_snic: " fmt "\n", ##__VA_ARGS__)

struct snic_pmd_nic;

struct snic_pmd_rxq {
	struct snic_pmd_port *port;
	struct rte_mempool *mp;
	uint16_t queue_id;
};

struct snic_pmd_txq {
	struct snic_pmd_port *port;
	uint16_t queue_id;
	uint8_t linear[SNIC_CHAN_BUF_SIZE];   /* for multi-segment mbufs */
};

struct snic_pmd_port {
	struct snic_pmd_nic *nic;
	struct rte_eth_dev *dev;
	uint16_t vport;          /* what this port represents */
	uint32_t queue;          /* its channel queue */
	bool proxy;              /* the uplink / e-switch manager port */
	bool started;
	struct snic_pmd_rxq rxq;
	struct snic_pmd_txq txq;
	/* counted by the burst functions (one lcore per queue) */
	uint64_t ipackets, ibytes, opackets, obytes, rx_nombuf;
};

struct snic_pmd_nic {
	char name[RTE_DEV_NAME_MAX_LEN];
	char path[108];
	struct snic_drv_chan *chan;
	struct snic_fwc fwc;     /* control commands, under lock */
	pthread_mutex_t lock;    /* serialises fwc and flow */
	struct snic_flow_ctx *flow;  /* NULL: rte_flow unavailable (flow_err) */
	enum snic_flow_recover flow_recover;  /* devarg flow_recover */
	char flow_err[256];
	uint16_t domain_id;
	uint32_t n_vfs;
	uint32_t uplink_speed;   /* Mbit/s */
	unsigned n_ports;        /* ports created */
	unsigned n_open;         /* ports not yet closed */
	struct rte_eth_dev *ports[SNIC_PMD_MAX_PORTS];
};

/* pmd_ethdev.c */
extern const struct eth_dev_ops snic_pmd_ops;
uint16_t snic_pmd_rx_burst(void *q, struct rte_mbuf **pkts, uint16_t n);
uint16_t snic_pmd_tx_burst(void *q, struct rte_mbuf **pkts, uint16_t n);
void snic_pmd_nic_put(struct snic_pmd_nic *nic);

/* pmd_intr.c */
int snic_pmd_intr_setup(struct rte_eth_dev *dev);
void snic_pmd_intr_free(struct rte_eth_dev *dev);
int snic_pmd_rx_intr_enable(struct rte_eth_dev *dev, uint16_t qid);
int snic_pmd_rx_intr_disable(struct rte_eth_dev *dev, uint16_t qid);

/* pmd_flow.c */
int snic_pmd_flow_attach(struct snic_pmd_nic *nic);
void snic_pmd_flow_detach(struct snic_pmd_nic *nic);
int snic_pmd_flow_ops_get(struct rte_eth_dev *dev, const struct rte_flow_ops **ops);

#endif /* SNIC_PMD_H */
