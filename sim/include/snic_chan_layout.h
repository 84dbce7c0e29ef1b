/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_chan_layout.h - the one layout of the device channel's shared memory
 * (snic_chan.h), for the NIC that creates it (snic-sim, test fakes) and for
 * tests that check it.
 *
 * The host side does not assume this layout: it validates whatever offsets
 * the header gives (in range, aligned, not overlapping).  The layout here is
 * simply the one every NIC implementation uses:
 *
 *   0          struct snic_chan_shm            (header, flags, stats)
 *   cmd_off    SNIC_CHAN_CMD_SLOTS x struct snic_chan_cmd       64-aligned
 *   evq_off    struct snic_chan_evq                             64-aligned
 *   queue_off  n_queues x struct snic_chan_queue                64-aligned
 *              (rx ring, tx ring, the rx_armed line of version 2)
 *   buf_off    n_queues x 2 x ring_size x buf_size              4096-aligned
 *   size       rounded up to 4096
 *
 * A command-only attachment (snic_chan_layout_cmd()) has the header and the
 * command slots only: n_queues = 0 and evq_off = queue_off = buf_off = 0.
 *
 * Queues: n_queues = n_uplinks + 1 + n_vfs with 1 <= n_uplinks <=
 * SNIC_IFC_MAX_UPLINKS; the default queue -> vport map filled here is
 * uplinks first, then the PF, then the VFs in order (queue_vport[] may be
 * rewritten by the NIC before it hands the memory over).
 */
#ifndef SNIC_CHAN_LAYOUT_H
#define SNIC_CHAN_LAYOUT_H

#include <stdint.h>
#include <string.h>

#include "snic_chan.h"

static inline uint64_t snic_chan_align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/**
 * Fill hdr_out (zeroed first): magic, version, n_queues, ring_size,
 * buf_size, n_vfs, the four offsets, size and the default queue_vport[] map.
 * @return the total size of the region (what to ftruncate the memfd to), or
 *         0 when n_vfs > SNIC_IFC_MAX_VFS or n_queues is not n_vfs + 1 +
 *         (1..SNIC_IFC_MAX_UPLINKS).
 */
static inline uint64_t snic_chan_layout(struct snic_chan_shm *hdr_out,
					uint32_t n_queues, uint32_t n_vfs)
{
	uint64_t off, n_uplinks;

	if (n_vfs > SNIC_IFC_MAX_VFS || n_queues < n_vfs + 2u ||
	    n_queues > n_vfs + 1u + SNIC_IFC_MAX_UPLINKS)
		return 0;
	n_uplinks = n_queues - 1u - n_vfs;

	memset(hdr_out, 0, sizeof(*hdr_out));
	hdr_out->magic = SNIC_CHAN_MAGIC;
	hdr_out->version = SNIC_CHAN_VERSION;
	hdr_out->n_queues = n_queues;
	hdr_out->ring_size = SNIC_CHAN_RING_SIZE;
	hdr_out->buf_size = SNIC_CHAN_BUF_SIZE;
	hdr_out->n_vfs = n_vfs;

	off = snic_chan_align_up(sizeof(struct snic_chan_shm), 64);
	hdr_out->cmd_off = off;
	off = snic_chan_align_up(off + (uint64_t)SNIC_CHAN_CMD_SLOTS *
					       sizeof(struct snic_chan_cmd), 64);
	hdr_out->evq_off = off;
	off = snic_chan_align_up(off + sizeof(struct snic_chan_evq), 64);
	hdr_out->queue_off = off;
	off = snic_chan_align_up(off + (uint64_t)n_queues *
					       sizeof(struct snic_chan_queue), 4096);
	hdr_out->buf_off = off;
	off += (uint64_t)n_queues * 2u * SNIC_CHAN_RING_SIZE * SNIC_CHAN_BUF_SIZE;
	hdr_out->size = snic_chan_align_up(off, 4096);

	for (uint32_t q = 0; q < n_queues; q++) {
		if (q < n_uplinks)
			hdr_out->queue_vport[q] = SNIC_IFC_VPORT_UPLINK(q);
		else if (q == n_uplinks)
			hdr_out->queue_vport[q] = SNIC_IFC_VPORT_PF;
		else
			hdr_out->queue_vport[q] =
				SNIC_IFC_VPORT_VF(q - n_uplinks - 1u);
	}
	return hdr_out->size;
}

/**
 * The layout of a command-only attachment (snic_chan.h): the header and the
 * command slots; n_queues = 0, evq_off = queue_off = buf_off = 0, n_vfs the
 * board's.  @return the size of the region, or 0 when n_vfs is too large.
 */
static inline uint64_t snic_chan_layout_cmd(struct snic_chan_shm *hdr_out,
					    uint32_t n_vfs)
{
	uint64_t off;

	if (n_vfs > SNIC_IFC_MAX_VFS)
		return 0;
	memset(hdr_out, 0, sizeof(*hdr_out));
	hdr_out->magic = SNIC_CHAN_MAGIC;
	hdr_out->version = SNIC_CHAN_VERSION;
	hdr_out->ring_size = SNIC_CHAN_RING_SIZE;
	hdr_out->buf_size = SNIC_CHAN_BUF_SIZE;
	hdr_out->n_vfs = n_vfs;
	off = snic_chan_align_up(sizeof(struct snic_chan_shm), 64);
	hdr_out->cmd_off = off;
	off += (uint64_t)SNIC_CHAN_CMD_SLOTS * sizeof(struct snic_chan_cmd);
	hdr_out->size = snic_chan_align_up(off, 4096);
	return hdr_out->size;
}

#endif /* SNIC_CHAN_LAYOUT_H */
