/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pmd_ethdev.c - net_snic's ethdev operations and burst functions.
 *
 * rx: frames the e-switch sent to the port's representor queue (the
 * exception path) are copied into mbufs; mbufs are allocated only for frames
 * that are there, and when the pool is empty the frames wait in the ring
 * (counted in rx_nombuf).  tx: mbufs (multi-segment ones linearised) are
 * copied into the ring; a full ring takes fewer than asked and the caller
 * keeps the rest (back-pressure), as DPDK expects.
 */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "snic_pmd.h"

static struct snic_pmd_port *port_of(struct rte_eth_dev *dev)
{
	return dev->data->dev_private;
}

/* ---- bursts ---- */

uint16_t snic_pmd_rx_burst(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct snic_pmd_rxq *rxq = q;
	struct snic_pmd_port *p = rxq->port;
	struct snic_drv_chan *c = p->nic->chan;
	void *bufs[SNIC_PMD_BURST];
	uint32_t lens[SNIC_PMD_BURST], avail, cap;
	struct rte_mbuf *m[SNIC_PMD_BURST];
	uint16_t got;

	if (!p->started || !rxq->mp)
		return 0;
	avail = snic_drv_chan_rx_pending(c, p->queue);
	if (avail == 0)
		return 0;
	if (n > SNIC_PMD_BURST)
		n = SNIC_PMD_BURST;
	if (avail < n)
		n = (uint16_t)avail;
	if (rte_pktmbuf_alloc_bulk(rxq->mp, m, n) != 0) {
		p->rx_nombuf++;
		p->dev->data->rx_mbuf_alloc_failed++;
		return 0;
	}
	cap = rte_pktmbuf_tailroom(m[0]);
	for (uint16_t i = 0; i < n; i++)
		bufs[i] = rte_pktmbuf_mtod(m[i], void *);
	got = snic_drv_chan_rx_burst(c, p->queue, bufs, lens, n, cap);
	for (uint16_t i = 0; i < got; i++) {
		m[i]->data_len = (uint16_t)lens[i];
		m[i]->pkt_len = lens[i];
		m[i]->port = p->dev->data->port_id;
		pkts[i] = m[i];
		p->ibytes += lens[i];
	}
	if (got < n)
		rte_pktmbuf_free_bulk(m + got, n - got);
	p->ipackets += got;
	return got;
}

uint16_t snic_pmd_tx_burst(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct snic_pmd_txq *txq = q;
	struct snic_pmd_port *p = txq->port;
	const void *frames[SNIC_PMD_BURST];
	uint32_t lens[SNIC_PMD_BURST];
	uint16_t sent = 0;

	if (!p->started)
		return 0;
	while (sent < n) {
		uint16_t k = 0, taken;
		bool linear_used = false;

		/* a batch; at most one multi-segment mbuf per batch (one
		 * linearisation buffer) */
		for (; k < SNIC_PMD_BURST && sent + k < n; k++) {
			struct rte_mbuf *m = pkts[sent + k];

			if (m->nb_segs == 1 || m->pkt_len > sizeof(txq->linear)) {
				frames[k] = rte_pktmbuf_mtod(m, const void *);
				lens[k] = m->nb_segs == 1 ? m->data_len : m->pkt_len;
				continue;
			}
			if (linear_used)
				break;
			frames[k] = rte_pktmbuf_read(m, 0, m->pkt_len, txq->linear);
			lens[k] = m->pkt_len;
			linear_used = true;
		}
		taken = snic_drv_chan_tx_burst(p->nic->chan, p->queue, frames, lens, k);
		for (uint16_t i = 0; i < taken; i++) {
			p->obytes += lens[i];
			rte_pktmbuf_free(pkts[sent + i]);
		}
		p->opackets += taken;
		sent += taken;
		if (taken < k)
			break;          /* ring full: the caller keeps the rest */
	}
	return sent;
}

/* ---- control ---- */

static int snic_configure(struct rte_eth_dev *dev)
{
	if (dev->data->nb_rx_queues > 1 || dev->data->nb_tx_queues > 1) {
		SNIC_PMD_LOG(ERR, "port %u: a net_snic port has one rx and one tx "
			     "queue (asked %u and %u)", dev->data->port_id,
			     dev->data->nb_rx_queues, dev->data->nb_tx_queues);
		return -EINVAL;
	}
	return 0;
}

static int snic_link_update(struct rte_eth_dev *dev, int wait)
{
	struct snic_pmd_port *p = port_of(dev);
	struct rte_eth_link link = {
		.link_speed = p->nic->uplink_speed,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
	};
	struct snic_ifc_query_vport_out q;

	(void)wait;
	pthread_mutex_lock(&p->nic->lock);
	if (snic_drv_chan_alive(p->nic->chan) &&
	    snic_fwc_query_vport(&p->nic->fwc, p->vport, &q) == SNIC_SYN_OK)
		link.link_status = q.link_up && p->started;
	pthread_mutex_unlock(&p->nic->lock);
	return rte_eth_linkstatus_set(dev, &link);
}

static int snic_start(struct rte_eth_dev *dev)
{
	int r = snic_pmd_intr_setup(dev);     /* intr_conf.rxq */

	if (r)
		return r;
	port_of(dev)->started = true;
	dev->data->rx_queue_state[0] = RTE_ETH_QUEUE_STATE_STARTED;
	dev->data->tx_queue_state[0] = RTE_ETH_QUEUE_STATE_STARTED;
	snic_link_update(dev, 0);       /* -1 only means "unchanged" */
	return 0;
}

static int snic_stop(struct rte_eth_dev *dev)
{
	snic_pmd_intr_free(dev);
	port_of(dev)->started = false;
	dev->data->dev_link.link_status = RTE_ETH_LINK_DOWN;
	if (dev->data->nb_rx_queues)
		dev->data->rx_queue_state[0] = RTE_ETH_QUEUE_STATE_STOPPED;
	if (dev->data->nb_tx_queues)
		dev->data->tx_queue_state[0] = RTE_ETH_QUEUE_STATE_STOPPED;
	return 0;
}

static int snic_close(struct rte_eth_dev *dev)
{
	struct snic_pmd_port *p = port_of(dev);

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	snic_pmd_intr_free(dev);        /* before the channel closes its eventfd */
	p->started = false;
	for (unsigned k = 0; k < p->nic->n_ports; k++)
		if (p->nic->ports[k] == dev)
			p->nic->ports[k] = NULL;
	snic_pmd_nic_put(p->nic);
	p->nic = NULL;
	return 0;
}

static int snic_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct snic_pmd_port *p = port_of(dev);

	info->max_rx_queues = 1;
	info->max_tx_queues = 1;
	info->max_mac_addrs = 1;
	info->max_rx_pktlen = SNIC_CHAN_BUF_SIZE;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mtu = SNIC_CHAN_BUF_SIZE - RTE_ETHER_HDR_LEN - RTE_ETHER_CRC_LEN - 8;
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	info->speed_capa = RTE_ETH_LINK_SPEED_FIXED;
	info->switch_info.name = p->nic->name;
	info->switch_info.domain_id = p->nic->domain_id;
	info->switch_info.port_id = p->vport;
	info->switch_info.rx_domain = 0;
	info->rx_desc_lim.nb_max = SNIC_CHAN_RING_SIZE;
	info->tx_desc_lim.nb_max = SNIC_CHAN_RING_SIZE;
	return 0;
}

static int snic_representor_info(struct rte_eth_dev *dev,
				 struct rte_eth_representor_info *info)
{
	struct snic_pmd_port *p = port_of(dev);

	/* one range: VFs 0..n-1 of PF 0, representor ids = VF index */
	if (info == NULL)
		return 1;
	if (info->nb_ranges_alloc < 1)
		return 1;
	info->controller = 0;
	info->pf = 0;
	info->nb_ranges = 1;
	info->ranges[0].type = RTE_ETH_REPRESENTOR_VF;
	info->ranges[0].controller = 0;
	info->ranges[0].pf = 0;
	info->ranges[0].vf = 0;
	info->ranges[0].id_base = 0;
	info->ranges[0].id_end = p->nic->n_vfs ? (uint16_t)(p->nic->n_vfs - 1) : 0;
	snprintf(info->ranges[0].name, sizeof(info->ranges[0].name), "pf0vf[0-%u]",
		 p->nic->n_vfs ? p->nic->n_vfs - 1 : 0);
	return 1;
}

static int snic_rxq_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
			  unsigned socket, const struct rte_eth_rxconf *conf,
			  struct rte_mempool *mp)
{
	struct snic_pmd_port *p = port_of(dev);

	(void)nb_desc;
	(void)socket;
	(void)conf;
	if (qid != 0)
		return -EINVAL;
	if ((unsigned)rte_pktmbuf_data_room_size(mp) < RTE_PKTMBUF_HEADROOM + SNIC_CHAN_BUF_SIZE)
		SNIC_PMD_LOG(WARNING, "port %u: mbufs of pool %s hold %u bytes: frames "
			     "up to %u bytes are dropped when longer", dev->data->port_id,
			     mp->name, rte_pktmbuf_data_room_size(mp) - RTE_PKTMBUF_HEADROOM,
			     SNIC_CHAN_BUF_SIZE);
	p->rxq.mp = mp;
	p->rxq.queue_id = qid;
	dev->data->rx_queues[qid] = &p->rxq;
	return 0;
}

static int snic_txq_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
			  unsigned socket, const struct rte_eth_txconf *conf)
{
	struct snic_pmd_port *p = port_of(dev);

	(void)nb_desc;
	(void)socket;
	(void)conf;
	if (qid != 0)
		return -EINVAL;
	p->txq.queue_id = qid;
	dev->data->tx_queues[qid] = &p->txq;
	return 0;
}

static void snic_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	(void)dev;
	(void)qid;      /* queues live in the port's private data */
}

static int snic_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st)
{
	struct snic_pmd_port *p = port_of(dev);

	st->ipackets = p->ipackets;
	st->ibytes = p->ibytes;
	st->opackets = p->opackets;
	st->obytes = p->obytes;
	st->rx_nombuf = p->rx_nombuf;
	st->q_ipackets[0] = p->ipackets;
	st->q_ibytes[0] = p->ibytes;
	st->q_opackets[0] = p->opackets;
	st->q_obytes[0] = p->obytes;
	return 0;
}

static int snic_stats_reset(struct rte_eth_dev *dev)
{
	struct snic_pmd_port *p = port_of(dev);

	p->ipackets = p->ibytes = p->opackets = p->obytes = p->rx_nombuf = 0;
	return 0;
}

/* Extended statistics: the NIC's view of the port's vport and the channel. */
static const char *const xstat_names[] = {
	"vport_rx_packets", "vport_rx_bytes", "vport_tx_packets", "vport_tx_bytes",
	"vport_rep_packets", "vport_drop_spoof", "vport_drop_vlan", "vport_drop_link",
	"vport_drop_rate", "chan_rx_ring_full", "chan_rx_too_big", "chan_bad_ring_index",
	"chan_bad_desc_len",
};
#define N_XSTATS (sizeof(xstat_names) / sizeof(xstat_names[0]))

static int snic_xstats_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
			     unsigned size)
{
	(void)dev;
	if (names && size >= N_XSTATS)
		for (unsigned i = 0; i < N_XSTATS; i++)
			snprintf(names[i].name, sizeof(names[i].name), "%s", xstat_names[i]);
	return N_XSTATS;
}

static int snic_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs, unsigned n)
{
	struct snic_pmd_port *p = port_of(dev);
	struct snic_ifc_query_vport_out q;
	struct snic_chan_stats cs;
	uint64_t v[N_XSTATS];

	if (!xs || n < N_XSTATS)
		return N_XSTATS;
	pthread_mutex_lock(&p->nic->lock);
	int qr = snic_fwc_query_vport(&p->nic->fwc, p->vport, &q);
	pthread_mutex_unlock(&p->nic->lock);
	if (qr != SNIC_SYN_OK)
		return -EIO;
	snic_drv_chan_nic_stats(p->nic->chan, &cs);
	v[0] = snic_ifc_le64(q.stats.rx_packets);
	v[1] = snic_ifc_le64(q.stats.rx_bytes);
	v[2] = snic_ifc_le64(q.stats.tx_packets);
	v[3] = snic_ifc_le64(q.stats.tx_bytes);
	v[4] = snic_ifc_le64(q.stats.rep_packets);
	v[5] = snic_ifc_le64(q.stats.drop_spoof);
	v[6] = snic_ifc_le64(q.stats.drop_vlan);
	v[7] = snic_ifc_le64(q.stats.drop_link);
	v[8] = snic_ifc_le64(q.stats.drop_rate);
	v[9] = cs.rx_ring_full;
	v[10] = cs.rx_too_big;
	v[11] = cs.bad_ring_index;
	v[12] = cs.bad_desc_len;
	for (unsigned i = 0; i < N_XSTATS; i++) {
		xs[i].id = i;
		xs[i].value = v[i];
	}
	return N_XSTATS;
}

static int snic_promisc(struct rte_eth_dev *dev)
{
	(void)dev;      /* a representor sees everything sent to it */
	return 0;
}

static int snic_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	(void)dev;
	return (unsigned)mtu + RTE_ETHER_HDR_LEN + 8 <= SNIC_CHAN_BUF_SIZE ? 0 : -EINVAL;
}

const struct eth_dev_ops snic_pmd_ops = {
	.dev_configure = snic_configure,
	.dev_start = snic_start,
	.dev_stop = snic_stop,
	.dev_close = snic_close,
	.dev_infos_get = snic_infos_get,
	.representor_info_get = snic_representor_info,
	.link_update = snic_link_update,
	.rx_queue_setup = snic_rxq_setup,
	.tx_queue_setup = snic_txq_setup,
	.rx_queue_release = snic_queue_release,
	.rx_queue_intr_enable = snic_pmd_rx_intr_enable,
	.rx_queue_intr_disable = snic_pmd_rx_intr_disable,
	.tx_queue_release = snic_queue_release,
	.stats_get = snic_stats_get,
	.stats_reset = snic_stats_reset,
	.xstats_get = snic_xstats_get,
	.xstats_get_names = snic_xstats_names,
	.promiscuous_enable = snic_promisc,
	.promiscuous_disable = snic_promisc,
	.allmulticast_enable = snic_promisc,
	.allmulticast_disable = snic_promisc,
	.mtu_set = snic_mtu_set,
	.flow_ops_get = snic_pmd_flow_ops_get,
};
