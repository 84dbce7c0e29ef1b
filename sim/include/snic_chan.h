/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_chan.h - the device channel: the simulated PCIe boundary between
 * snic-sim (the NIC) and the host side (the net_snic driver, tools, tests).
 *
 * As vhost-user does, the channel is a UNIX socket that hands the host a
 * shared memory region and event file descriptors; after the handshake all
 * traffic goes through the memory:
 *
 *   command slots  - the host writes an input mailbox (snic_ifc.h), posts the
 *                    slot and rings the doorbell; the NIC executes it as
 *                    function SNIC_IFC_FUNC_PF, writes the output mailbox and
 *                    marks the slot done (and raises the interrupt when the
 *                    host sleeps);
 *   event ring     - struct snic_ifc_event records the NIC produces;
 *   queues         - one per representor (uplinks, PF, each VF): an rx ring
 *                    (NIC -> host: the exception path) and a tx ring (host ->
 *                    NIC: out of the represented vport), each with its own
 *                    fixed buffers (descriptor i always uses buffer i), and
 *                    an rx interrupt of its own (below).
 *
 * Handshake (SOCK_SEQPACKET): the host sends struct snic_chan_hello; the NIC
 * answers struct snic_chan_welcome with three descriptors (SCM_RIGHTS): the
 * memfd, the doorbell eventfd (host -> NIC) and the interrupt eventfd (NIC ->
 * host).  An OK welcome is followed at once by the queues' rx interrupt
 * eventfds: ceil(n_queues / SNIC_CHAN_IRQS_PER_MSG) messages of struct
 * snic_chan_irqs, in queue order, each carrying the eventfds of queues
 * first .. first + count - 1 (count = SNIC_CHAN_IRQS_PER_MSG, fewer in the
 * last; a socket message carries at most 253 descriptors).  One data host
 * at a time: a second gets status SNIC_CHAN_BUSY.  When the socket closes -
 * the host exited or was killed - the NIC forgets the memory and the
 * eventfds and keeps forwarding; the next host gets fresh memory and
 * eventfds and reads the state it needs with commands (the firmware's state
 * is the NIC's, not the channel's).
 *
 * Command-only attachments (version 3; as Linux's PF driver and devlink/ip
 * configure a NIC while DPDK owns its queues): a hello with flags =
 * SNIC_CHAN_HELLO_CMD_ONLY asks for the command slots only.  The NIC answers
 * with its own small memfd - the header and the SNIC_CHAN_CMD_SLOTS command
 * slots; n_queues = 0, no event ring, no queues, no buffers (evq_off =
 * queue_off = buf_off = 0) - a doorbell and an interrupt eventfd of the
 * attachment's own, and no struct snic_chan_irqs messages (n_queues = 0).
 * The slots, the doorbell and the sleeping flags (nic_sleeping,
 * host_sleeping) work exactly as the data host's; stats and heartbeat are
 * mirrored into the header too.  Commands execute as function
 * SNIC_IFC_FUNC_PF, exactly as the data host's.  Up to
 * SNIC_CHAN_MAX_CMD_HOSTS command-only hosts are attached at once,
 * independently of the one data host (which neither takes nor frees their
 * places); one more gets SNIC_CHAN_BUSY naming the attached pids.  The NIC
 * serves the slots of every attachment in turn, at most SNIC_CHAN_CMD_SLOTS
 * commands per attachment per turn, so a host flooding commands cannot
 * starve the others.  When a command-only host's socket closes - also in the
 * middle of a command - the NIC forgets its memory and eventfds; nothing
 * else changes.
 *
 * Versions: 3 added the hello flags.  Version 2 NICs did not look at the
 * flags (the hello said "zero"), so a command-only hello to one would have
 * been silently taken for a data attachment; hence the bump: a version 2
 * NIC answers VERSION_MISMATCH.  A version 3 NIC refuses flag bits it does
 * not know with SNIC_CHAN_BAD_FLAGS.  The data host's protocol is unchanged
 * from version 2 apart from the number.
 *
 * Trust: the NIC never trusts what the host writes.  It reads each ring
 * index once, refuses a producer index more than ring_size ahead of its
 * consumer (counted in bad_ring_index; the ring is resynchronised), refuses
 * descriptor lengths outside [14, buf_size] (bad_desc_len), and never reads
 * or writes outside the region.  The host library does the same checks on
 * what the NIC writes.
 *
 * Command slot life cycle: the host owns a FREE slot: it writes the input,
 * in_len and seq, then publishes POSTED; it never touches a POSTED slot.
 * The NIC completes every POSTED slot it reads - also one whose in_len is
 * over SNIC_IFC_MAX_IN (the reply is then a header with status BAD_LENGTH,
 * syndrome IN_TOO_LONG) - writes the output and out_len, echoes seq and
 * publishes DONE.  Only the host writes FREE, after copying the reply out.
 *
 * Layout: every offset in struct snic_chan_shm is 64-byte aligned (buffers
 * 4096); n_queues = n_uplinks + 1 + n_vfs, and queue_vport[] maps queues to
 * vports: the uplinks first, then the PF, then the VFs in order
 * (snic_chan_layout.h builds it).  The memfd is sealed against growing and
 * shrinking.  The eventfds are non-blocking (their open file description is
 * shared by both sides): wait with poll/epoll, then read.
 *
 * Memory ordering: producers write descriptors and buffers, then publish
 * the index with a release store; consumers read the index with an acquire
 * load.  Indexes are free-running uint32_t (wrap at 2^32); slot = idx &
 * (ring_size - 1).
 *
 * Sleeping: a side that is about to block sets its `sleeping` flag, issues a
 * full fence, re-checks its rings, and only then waits on its eventfd; the
 * other side publishes, issues a full fence, and kicks the eventfd only when
 * the flag is set.  The NIC raises the interrupt for rx frames, events and
 * completions, and also after it consumed tx descriptors, so a host waiting
 * for tx room is woken.  Nobody spins.
 *
 * Per-queue rx interrupts (as an MSI-X vector per queue): besides the
 * channel's interrupt, queue q has its own rx interrupt eventfd (from the
 * struct snic_chan_irqs messages) and an `rx_armed` flag in its struct
 * snic_chan_queue.  A host thread about to sleep on queue q stores 1 into
 * rx_armed, issues a full fence, re-checks q's rx ring (producer index !=
 * its consumer index) and only then blocks on q's eventfd; if the re-check
 * finds frames it stores 0 and does not block.  The NIC, after publishing
 * q's rx producer index, issues a full fence and reads q's rx_armed; when it
 * is set it clears it (an atomic exchange with 0: the interrupt is one-shot,
 * as a completion queue's arm) and writes 1 to q's eventfd.  Dekker again:
 * either the host's re-check sees the frame or the NIC sees the flag.  A
 * frame on queue q never writes another queue's eventfd, and never one that
 * is not armed; the channel's interrupt is raised for it as before (for
 * host_sleeping), independently.  Waking, the host stores 0 into rx_armed
 * (the NIC may have cleared it already) and drains the eventfd; a NIC write
 * racing with that can leave a count behind, a spurious wakeup the host
 * drains before it arms again.  The NIC counts the interrupts it raised in
 * stats.rxq_irqs; a host that keeps rx_armed set costs it at most one
 * eventfd write per frame.
 */
#ifndef SNIC_CHAN_H
#define SNIC_CHAN_H

#include <stdint.h>

#include "snic_ifc.h"

#define SNIC_CHAN_MAGIC    0x534e4943u   /* "SNIC" */
#define SNIC_CHAN_VERSION  3u       /* 2: per-queue rx interrupts;
					3: hello flags, command-only hosts */

#define SNIC_CHAN_CMD_SLOTS   8u
#define SNIC_CHAN_EVENTS      256u       /* event ring entries */
#define SNIC_CHAN_RING_SIZE   256u       /* descriptors per ring */
#define SNIC_CHAN_BUF_SIZE    2048u      /* bytes per packet buffer */
#define SNIC_CHAN_MAX_QUEUES  (1u + SNIC_IFC_MAX_VFS + SNIC_IFC_MAX_UPLINKS)
#define SNIC_CHAN_IRQS_PER_MSG 64u       /* rx interrupt eventfds per message */
#define SNIC_CHAN_MAX_CMD_HOSTS 4u       /* command-only hosts at once */

/* ---- handshake ---- */

struct snic_chan_hello {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;          /* SNIC_CHAN_HELLO_*; zero: the data host */
	uint32_t rsvd;           /* zero */
};

/* Hello flags. */
#define SNIC_CHAN_HELLO_CMD_ONLY  0x1u   /* command slots only (see above) */
#define SNIC_CHAN_HELLO_FLAGS     SNIC_CHAN_HELLO_CMD_ONLY  /* all known */

enum snic_chan_status {
	SNIC_CHAN_OK      = 0,
	SNIC_CHAN_BUSY    = 1,   /* another data host is attached, or
				    SNIC_CHAN_MAX_CMD_HOSTS command-only ones */
	SNIC_CHAN_VERSION_MISMATCH = 2,
	SNIC_CHAN_NOMEM   = 3,   /* the NIC could not create the memory */
	SNIC_CHAN_BAD_FLAGS = 4, /* hello flags this NIC does not know */
};

struct snic_chan_welcome {
	uint32_t magic;
	uint32_t version;
	uint32_t status;         /* enum snic_chan_status */
	uint32_t rsvd;
	uint64_t mem_size;       /* bytes of the memfd to map */
	char     message[104];   /* a sentence when status != OK */
};

/* After an OK welcome, NIC -> host: rx interrupt eventfds (SCM_RIGHTS),
 * one per queue, of queues first .. first + count - 1. */
struct snic_chan_irqs {
	uint32_t magic;          /* SNIC_CHAN_MAGIC */
	uint32_t first;          /* queue of the first descriptor */
	uint32_t count;          /* descriptors carried */
	uint32_t rsvd;           /* zero */
};

/* ---- shared memory ---- */

/* Cache-line separated index, so producer and consumer do not share lines. */
struct snic_chan_idx {
	uint32_t v;
	uint32_t pad[15];
};

enum snic_chan_cmd_state {
	SNIC_CHAN_CMD_FREE   = 0,
	SNIC_CHAN_CMD_POSTED = 1,   /* host -> NIC */
	SNIC_CHAN_CMD_DONE   = 2,   /* NIC -> host */
};

struct snic_chan_cmd {
	uint32_t state;          /* enum snic_chan_cmd_state */
	uint32_t in_len;
	uint32_t out_len;        /* written by the NIC */
	uint32_t seq;            /* host's, echoed: tells stale completions */
	uint8_t  pad[48];
	uint8_t  in[SNIC_IFC_MAX_IN];
	uint8_t  out[SNIC_IFC_MAX_OUT];
};

struct snic_chan_desc {
	uint32_t len;            /* bytes of the frame in the slot's buffer */
	uint16_t vport;          /* informational: the queue's vport */
	uint16_t flags;          /* zero */
};

struct snic_chan_ring {
	struct snic_chan_idx prod;
	struct snic_chan_idx cons;
	struct snic_chan_desc desc[SNIC_CHAN_RING_SIZE];
};

/** Counters the NIC keeps about the channel and its ports (NIC writes). */
struct snic_chan_stats {
	uint64_t bad_ring_index;   /* tx producer index the NIC refused */
	uint64_t bad_desc_len;     /* tx descriptor lengths it refused */
	uint64_t bad_cmd_len;      /* command slots with in_len > 4096 */
	uint64_t rx_ring_full;     /* exception frames dropped: host too slow */
	uint64_t rx_too_big;       /* exception frames larger than a buffer */
	uint64_t no_host;          /* exception frames while no host attached */
	uint64_t events_lost;      /* event ring overflowed */
	uint64_t commands;         /* commands executed */
	uint64_t rxq_irqs;         /* per-queue rx interrupts raised */
	uint64_t uplink_rx[SNIC_IFC_MAX_UPLINKS];  /* frames off each wire */
	uint64_t uplink_tx[SNIC_IFC_MAX_UPLINKS];  /* frames onto each wire */
};

struct snic_chan_shm {
	uint32_t magic;
	uint32_t version;
	uint64_t size;           /* of the whole region */
	uint32_t n_queues;       /* 0: a command-only attachment */
	uint32_t ring_size;      /* SNIC_CHAN_RING_SIZE */
	uint32_t buf_size;       /* SNIC_CHAN_BUF_SIZE */
	uint32_t n_vfs;          /* of the board */
	uint64_t cmd_off;        /* SNIC_CHAN_CMD_SLOTS x struct snic_chan_cmd */
	uint64_t evq_off;        /* struct snic_chan_evq (0: none) */
	uint64_t queue_off;      /* n_queues x struct snic_chan_queue (0: none) */
	uint64_t buf_off;        /* n_queues x 2 x ring_size x buf_size (0: none) */
	uint16_t queue_vport[SNIC_CHAN_MAX_QUEUES]; /* queue -> vport */
	uint8_t  pad0[(64 - (64 + 2 * SNIC_CHAN_MAX_QUEUES) % 64) % 64];
	struct snic_chan_idx nic_sleeping;   /* NIC waits: kick the doorbell */
	struct snic_chan_idx host_sleeping;  /* host waits: raise the interrupt */
	struct snic_chan_idx heartbeat;      /* NIC loop iterations (liveness) */
	struct snic_chan_stats stats;
};

struct snic_chan_evq {
	struct snic_chan_idx prod;
	struct snic_chan_idx cons;
	struct snic_ifc_event ev[SNIC_CHAN_EVENTS];
};

/* Queue q: rx (NIC -> host), tx (host -> NIC), the rx interrupt's flag. */
struct snic_chan_queue {
	struct snic_chan_ring rx;
	struct snic_chan_ring tx;
	struct snic_chan_idx rx_armed;  /* host sleeps on q: raise q's irq */
};

/** Buffer of descriptor i of queue q, direction dir (0 rx, 1 tx). */
static inline uint64_t snic_chan_buf_off(const struct snic_chan_shm *s,
					 uint32_t q, uint32_t dir, uint32_t i)
{
	return s->buf_off +
	       (((uint64_t)q * 2u + dir) * s->ring_size + i) * s->buf_size;
}

_Static_assert(sizeof(struct snic_chan_idx) == 64, "index line");
_Static_assert(sizeof(struct snic_chan_cmd) == 64 + SNIC_IFC_MAX_IN + SNIC_IFC_MAX_OUT,
	       "command slot");
_Static_assert(sizeof(struct snic_chan_desc) == 8, "descriptor");
_Static_assert(sizeof(struct snic_chan_queue) % 64 == 0, "queue lines");
_Static_assert(SNIC_CHAN_IRQS_PER_MSG <= 253, "SCM_MAX_FD descriptors a message");
_Static_assert((SNIC_CHAN_RING_SIZE & (SNIC_CHAN_RING_SIZE - 1)) == 0,
	       "ring size is a power of two");

#endif /* SNIC_CHAN_H */
