/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * chan_ring.c - the representor rx/tx rings and the event ring.
 *
 * Producer indexes the NIC publishes are read once (acquire) and refused
 * when more than a ring ahead of ours; descriptor lengths are read once and
 * checked before the copy; our own indexes are kept in private memory and
 * published with a release store after the copies.
 */
#define _GNU_SOURCE
#include <string.h>

#include "chan_internal.h"

#define RING_MASK (SNIC_CHAN_RING_SIZE - 1u)
#define EV_MASK   (SNIC_CHAN_EVENTS - 1u)
#define MIN_FRAME 14u   /* an Ethernet header */

_Static_assert((SNIC_CHAN_EVENTS & EV_MASK) == 0, "event ring is a power of two");

uint32_t snic_drv_chan_rx_pending(struct snic_drv_chan *c, uint32_t q)
{
	uint32_t avail;

	if (q >= c->n_queues)
		return 0;
	avail = LOAD_ACQ(&c->q[q].rx->prod.v) - LOAD_RLX(&c->q[q].rx_cons);
	return avail > SNIC_CHAN_RING_SIZE ? 0 : avail;
}

uint16_t snic_drv_chan_rx_burst(struct snic_drv_chan *c, uint32_t q,
				void **bufs, uint32_t *lens, uint16_t n,
				uint32_t buf_cap)
{
	struct drv_queue *dq;
	uint32_t cons, prod, avail;
	uint64_t bytes = 0, bad_len = 0, too_big = 0;
	uint16_t got = 0;

	if (q >= c->n_queues || n == 0)
		return 0;
	dq = &c->q[q];
	cons = LOAD_RLX(&dq->rx_cons);
	prod = LOAD_ACQ(&dq->rx->prod.v);
	avail = prod - cons;
	if (avail == 0)
		return 0;
	if (avail > SNIC_CHAN_RING_SIZE) {
		/* Impossible index: drop whatever is there, start again. */
		STAT_ADD(c, rx_bad_index, 1);
		STORE_RLX(&dq->rx_cons, prod);
		STORE_REL(&dq->rx->cons.v, prod);
		return 0;
	}
	while (avail && got < n) {
		uint32_t slot = cons & RING_MASK;
		uint32_t len = LOAD_RLX(&dq->rx->desc[slot].len);

		cons++;
		avail--;
		if (len < MIN_FRAME || len > c->buf_size) {
			bad_len++;
			continue;
		}
		if (len > buf_cap) {
			too_big++;
			continue;
		}
		memcpy(bufs[got], dq->rx_buf + (size_t)slot * c->buf_size, len);
		lens[got++] = len;
		bytes += len;
	}
	STORE_RLX(&dq->rx_cons, cons);
	STORE_REL(&dq->rx->cons.v, cons);
	if (got) {
		STAT_ADD(c, rx_packets, got);
		STAT_ADD(c, rx_bytes, bytes);
	}
	if (bad_len)
		STAT_ADD(c, rx_bad_len, bad_len);
	if (too_big)
		STAT_ADD(c, rx_too_big, too_big);
	return got;
}

uint16_t snic_drv_chan_tx_burst(struct snic_drv_chan *c, uint32_t q,
				const void *const *frames, const uint32_t *lens,
				uint16_t n)
{
	struct drv_queue *dq;
	uint32_t prod, cons, used, space;
	uint64_t bytes = 0, refused = 0;
	uint16_t i, queued = 0;

	if (q >= c->n_queues || n == 0)
		return 0;
	dq = &c->q[q];
	prod = dq->tx_prod;
	cons = LOAD_ACQ(&dq->tx->cons.v);
	used = prod - cons;
	if (used > SNIC_CHAN_RING_SIZE) {
		/* The NIC consumed what we never produced: take nothing. */
		STAT_ADD(c, tx_bad_index, 1);
		return 0;
	}
	space = SNIC_CHAN_RING_SIZE - used;
	for (i = 0; i < n; i++) {
		uint32_t len = lens[i], slot;
		struct snic_chan_desc *d;

		if (len < MIN_FRAME || len > c->buf_size) {
			refused++;
			continue;
		}
		if (!space)
			break;
		slot = prod & RING_MASK;
		d = &dq->tx->desc[slot];
		memcpy(dq->tx_buf + (size_t)slot * c->buf_size, frames[i], len);
		STORE_RLX(&d->len, len);
		STORE_RLX(&d->vport, dq->vport);
		STORE_RLX(&d->flags, (uint16_t)0);
		prod++;
		space--;
		queued++;
		bytes += len;
	}
	if (queued) {
		dq->tx_prod = prod;
		STORE_REL(&dq->tx->prod.v, prod);
		drv_kick(c);
		STAT_ADD(c, tx_packets, queued);
		STAT_ADD(c, tx_bytes, bytes);
	}
	if (refused)
		STAT_ADD(c, tx_refused, refused);
	if (i < n)
		STAT_ADD(c, tx_ring_full, (uint64_t)(n - i));
	return i;
}

int snic_drv_chan_events(struct snic_drv_chan *c, struct snic_ifc_event *ev,
			 int max)
{
	uint32_t cons, prod, avail, k;

	if (max <= 0 || !c->evq)        /* command-only: no event ring */
		return 0;
	cons = LOAD_RLX(&c->ev_cons);
	prod = LOAD_ACQ(&c->evq->prod.v);
	avail = prod - cons;
	if (avail > SNIC_CHAN_EVENTS) {
		STAT_ADD(c, ev_bad_index, 1);
		STORE_RLX(&c->ev_cons, prod);
		STORE_REL(&c->evq->cons.v, prod);
		return 0;
	}
	if (avail > (uint32_t)max)
		avail = (uint32_t)max;
	for (k = 0; k < avail; k++) {
		struct snic_ifc_event e;

		memcpy(&e, &c->evq->ev[(cons + k) & EV_MASK], sizeof(e));
		ev[k].type = snic_ifc_le16(e.type);
		ev[k].vport = snic_ifc_le16(e.vport);
		ev[k].value = snic_ifc_le32(e.value);
		ev[k].seq = snic_ifc_le64(e.seq);
	}
	cons += avail;
	STORE_RLX(&c->ev_cons, cons);
	STORE_REL(&c->evq->cons.v, cons);
	if (avail)
		STAT_ADD(c, events, avail);
	return (int)avail;
}
