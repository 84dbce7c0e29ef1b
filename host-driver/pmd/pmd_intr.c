/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pmd_intr.c - net_snic's rx interrupts: DPDK's rx-interrupt API
 * (intr_conf.rxq, rte_eth_dev_rx_intr_ctl_q(), rx_intr_enable/disable,
 * rte_epoll_wait()) on the channel's per-queue rx interrupts (snic_chan.h).
 *
 * A port's rx queue is one channel queue, with its own rx interrupt eventfd
 * (as an MSI-X vector of its own).  When the port starts with
 * intr_conf.rxq = 1, dev->intr_handle becomes a vdev interrupt handle whose
 * only event fd (vector RTE_INTR_VEC_RXTX_OFFSET + 0) is that eventfd;
 * efd_counter_size 8 makes the EAL read (drain) it when rte_epoll_wait()
 * reports it.  The eventfd belongs to the channel: the handle never closes
 * it (max_intr == nb_efd, and the handle is taken down with
 * rte_intr_free_epoll_fd(), not rte_intr_efd_disable(), which closes event
 * fds it believes the EAL made).  The handle lives from start to stop (as
 * with mlx5 and ixgbe: an application adds the queue to its epoll after
 * starting the port), and is freed on close.
 *
 * rx_intr_enable arms the queue (snic_drv_chan_rxq_irq_arm()); when frames
 * are already waiting it writes the eventfd itself, so the application's
 * rte_epoll_wait() returns at once, as hardware raises an interrupt for a
 * queue armed with completions pending.  rx_intr_disable disarms it.  Both
 * run on the lcore that polls the queue, the EAL's read of the eventfd too.
 *
 * No link-state (lsc) or removal (rmv) interrupt: the ports do not set
 * RTE_ETH_DEV_INTR_LSC/RMV, so rte_eth_dev_configure() refuses
 * intr_conf.lsc = 1 and intr_conf.rmv = 1 with -EINVAL.
 */
#include <errno.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_interrupts.h>

#include "snic_pmd.h"

void snic_pmd_intr_free(struct rte_eth_dev *dev)
{
	struct rte_intr_handle *h = dev->intr_handle;

	if (!h)
		return;
	rte_intr_free_epoll_fd(h);      /* out of any epoll it was added to */
	rte_intr_vec_list_free(h);
	rte_intr_instance_free(h);
	dev->intr_handle = NULL;
}

int snic_pmd_intr_setup(struct rte_eth_dev *dev)
{
	struct snic_pmd_port *p = dev->data->dev_private;
	struct rte_intr_handle *h;
	int fd = snic_drv_chan_rxq_irq_fd(p->nic->chan, p->queue);

	snic_pmd_intr_free(dev);
	if (!dev->data->dev_conf.intr_conf.rxq || dev->data->nb_rx_queues == 0)
		return 0;
	if (fd < 0)
		return fd;
	h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (!h)
		return -ENOMEM;
	dev->intr_handle = h;
	if (rte_intr_type_set(h, RTE_INTR_HANDLE_VDEV) || rte_intr_fd_set(h, -1) ||
	    rte_intr_efds_index_set(h, 0, fd) || rte_intr_nb_efd_set(h, 1) ||
	    rte_intr_max_intr_set(h, 1) ||
	    rte_intr_efd_counter_size_set(h, sizeof(uint64_t)) ||
	    rte_intr_efd_enable(h, 1) ||
	    rte_intr_vec_list_alloc(h, "net_snic_intr_vec", dev->data->nb_rx_queues) ||
	    rte_intr_vec_list_index_set(h, 0, RTE_INTR_VEC_RXTX_OFFSET + 0)) {
		SNIC_PMD_LOG(ERR, "port %u: cannot set up the rx interrupt handle: %s",
			     dev->data->port_id, rte_strerror(rte_errno));
		snic_pmd_intr_free(dev);
		return rte_errno ? -rte_errno : -ENOMEM;
	}
	return 0;
}

int snic_pmd_rx_intr_enable(struct rte_eth_dev *dev, uint16_t qid)
{
	struct snic_pmd_port *p = dev->data->dev_private;
	uint64_t one = 1;
	int r;

	if (qid != 0 || !dev->intr_handle) {
		SNIC_PMD_LOG(ERR, "port %u: rx queue %u has no interrupt (start the port "
			     "with intr_conf.rxq = 1)", dev->data->port_id, qid);
		return -EINVAL;
	}
	r = snic_drv_chan_rxq_irq_arm(p->nic->chan, p->queue);
	if (r == 1 &&
	    write(snic_drv_chan_rxq_irq_fd(p->nic->chan, p->queue), &one, sizeof(one)) !=
		    (ssize_t)sizeof(one))
		return -errno;
	return r == -EPIPE ? -EIO : r < 0 ? r : 0;
}

int snic_pmd_rx_intr_disable(struct rte_eth_dev *dev, uint16_t qid)
{
	struct snic_pmd_port *p = dev->data->dev_private;

	if (qid != 0)
		return -EINVAL;
	return snic_drv_chan_rxq_irq_disarm(p->nic->chan, p->queue);
}
