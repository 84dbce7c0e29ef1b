/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dataplane.c - the software path's ports: what the NIC does not finish
 * arrives on the representor of the port it entered (the uplink's for the
 * wire), goes through the manager's software datapath, and its outputs
 * leave through the representors (the uplink for encapsulated frames).
 *
 * No busy polling: each port's rx queue has DPDK's rx interrupt (the PMD's
 * per-queue eventfd) in the daemon's epoll.  Woken, the loop disables the
 * interrupt, drains the queue in bursts (a bounded number per wake, so the
 * control socket is never starved), and re-enables it; enabling with
 * frames already waiting wakes the loop again at once.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "offloadd.h"

#define BURST        32u
#define WAKE_BURSTS  64u    /* bursts per wake before yielding to the loop */
#define RING         256u
#define POOL         8191u

static struct rte_mempool *pool;
static struct snic_mgr_swdp_result res[BURST];

static int port_start(struct offloadd *d, uint16_t port, int epfd, uint64_t tag)
{
	struct rte_eth_conf conf = { 0 };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag | port };
	int fd, rc;

	conf.intr_conf.rxq = 1;
	if ((rc = rte_eth_dev_configure(port, 1, 1, &conf)) ||
	    (rc = rte_eth_rx_queue_setup(port, 0, RING, rte_eth_dev_socket_id(port), NULL, pool)) ||
	    (rc = rte_eth_tx_queue_setup(port, 0, RING, rte_eth_dev_socket_id(port), NULL)) ||
	    (rc = rte_eth_dev_start(port))) {
		fprintf(stderr, "snic-offloadd: port %s: cannot start it for the "
			"software path: %s\n", offloadd_port_name(d, port), strerror(-rc));
		return rc;
	}
	fd = rte_eth_dev_rx_intr_ctl_q_get_fd(port, 0);
	if (fd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev)) {
		fprintf(stderr, "snic-offloadd: port %s has no rx interrupt: the "
			"software path would have to poll\n", offloadd_port_name(d, port));
		return -ENOTSUP;
	}
	d->rx_fd[port] = fd;
	rte_eth_dev_rx_intr_enable(port, 0);
	return 0;
}

int offloadd_dp_start(struct offloadd *d, int epfd, uint64_t tag)
{
	int rc;

	pool = rte_pktmbuf_pool_create("offloadd", POOL, 256, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (!pool) {
		fprintf(stderr, "snic-offloadd: no memory for packet buffers\n");
		return -ENOMEM;
	}
	if ((rc = port_start(d, d->uplink, epfd, tag)))
		return rc;
	for (unsigned i = 0; i < d->n_vfs; i++)
		if ((rc = port_start(d, d->vf_ports[i], epfd, tag)))
			return rc;
	return 0;
}

int offloadd_dp_tx(void *arg, uint16_t port, const uint8_t *frame, uint32_t len)
{
	struct offloadd *d = arg;
	struct rte_mbuf *m;

	if (!pool || !(m = rte_pktmbuf_alloc(pool)))
		return -EAGAIN;         /* not started yet: the caller retries */
	if (rte_pktmbuf_tailroom(m) < len) {
		rte_pktmbuf_free(m);
		return -EMSGSIZE;
	}
	memcpy(rte_pktmbuf_mtod(m, void *), frame, len);
	m->data_len = m->pkt_len = len;
	if (rte_eth_tx_burst(port, 0, &m, 1) != 1) {
		rte_pktmbuf_free(m);
		d->sw.tx_drops++;
		return -ENOBUFS;
	}
	d->sw.tx++;
	return 0;
}

void offloadd_dp_stop(struct offloadd *d)
{
	uint16_t port;

	RTE_ETH_FOREACH_DEV(port)
		rte_eth_dev_stop(port);
	(void)d;
}

/* Transmit the results' outputs, batched per port. */
static void transmit(struct offloadd *d, unsigned n)
{
	struct rte_mbuf *tx[RTE_MAX_ETHPORTS][BURST];
	unsigned ntx[RTE_MAX_ETHPORTS] = { 0 };
	uint16_t ports[RTE_MAX_ETHPORTS];
	unsigned nports = 0;

	for (unsigned i = 0; i < n; i++) {
		const struct snic_mgr_swdp_result *r = &res[i];

		if (r->flags & SNIC_MGR_SWDP_R_WAIT_NEIGH)
			d->sw.wait_neigh++;
		for (unsigned k = 0; k < r->n_out; k++) {
			const struct snic_mgr_swdp_out *o = &r->out[k];
			struct rte_mbuf *m;
			uint16_t p = o->dpdk_port;

			if (o->ofport == SNIC_OF_PORT_CONTROLLER || p >= RTE_MAX_ETHPORTS) {
				d->sw.to_controller++;
				continue;
			}
			m = rte_pktmbuf_alloc(pool);
			if (!m || rte_pktmbuf_tailroom(m) < o->len) {
				rte_pktmbuf_free(m);
				d->sw.tx_drops++;
				continue;
			}
			memcpy(rte_pktmbuf_mtod(m, void *), o->frame, o->len);
			m->data_len = m->pkt_len = o->len;
			if (!ntx[p])
				ports[nports++] = p;
			tx[p][ntx[p]++] = m;
			if (ntx[p] == BURST) {
				uint16_t sent = rte_eth_tx_burst(p, 0, tx[p], BURST);

				d->sw.tx += sent;
				for (unsigned j = sent; j < BURST; j++, d->sw.tx_drops++)
					rte_pktmbuf_free(tx[p][j]);
				ntx[p] = 0;
			}
		}
	}
	for (unsigned i = 0; i < nports; i++) {
		uint16_t p = ports[i], sent;

		if (!ntx[p])
			continue;
		sent = rte_eth_tx_burst(p, 0, tx[p], (uint16_t)ntx[p]);
		d->sw.tx += sent;
		for (unsigned j = sent; j < ntx[p]; j++, d->sw.tx_drops++)
			rte_pktmbuf_free(tx[p][j]);
	}
}

void offloadd_dp_rx(struct offloadd *d, uint16_t port)
{
	struct rte_mbuf *rx[BURST];
	struct snic_mgr_swdp_pkt pk[BURST];
	uint32_t ofport = snic_mgr_ofport_of_dpdk(d->mgr, port);
	uint64_t junk;

	if (read(d->rx_fd[port], &junk, sizeof(junk)) < 0 && errno != EAGAIN)
		d->sw.rx_errors++;
	rte_eth_dev_rx_intr_disable(port, 0);
	for (unsigned b = 0; b < WAKE_BURSTS; b++) {
		uint16_t n = rte_eth_rx_burst(port, 0, rx, BURST), k = 0;

		if (!n)
			break;
		for (uint16_t i = 0; i < n; i++) {
			if (rx[i]->nb_segs != 1) {
				d->sw.rx_errors++;
				continue;
			}
			/* ARP for this host's VTEP: the manager's, not the rules' */
			if (port == d->uplink &&
			    snic_mgr_arp_input(d->mgr, rte_pktmbuf_mtod(rx[i], const uint8_t *),
					       rx[i]->data_len))
				continue;
			pk[k].in_ofport = ofport;
			pk[k].frame = rte_pktmbuf_mtod(rx[i], const uint8_t *);
			pk[k].len = rx[i]->data_len;
			k++;
		}
		d->sw.rx += n;
		if (k && snic_mgr_sw_process(d->mgr, pk, k, res) == k)
			transmit(d, k);
		rte_pktmbuf_free_bulk(rx, n);
	}
	/* re-arm: with frames still waiting the PMD wakes us at once */
	rte_eth_dev_rx_intr_enable(port, 0);
}
