/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_drv_chan.h - the host side of the device channel: how the net_snic
 * PMD, tools and tests talk to a NIC over sim/include/snic_chan.h.
 *
 * A struct snic_drv_chan is one attachment to one NIC: the UNIX socket it
 * connected to, the shared memory the NIC handed over, the two eventfds of
 * the channel (doorbell: host -> NIC; interrupt: NIC -> host) and one rx
 * interrupt eventfd per queue (NIC -> host).  Through it the host
 *
 *   - executes firmware commands (snic_drv_chan_cmd(), or typed, through a
 *     struct snic_fwc set up by snic_drv_chan_fwc_init());
 *   - receives and transmits frames on the representor queues (one queue per
 *     vport: uplinks, PF, VFs) with copy-in/copy-out bursts;
 *   - drains the NIC's event ring;
 *   - sleeps until the NIC has something for it, or until one queue has rx.
 *
 * Two kinds of attachment (snic_chan.h): the data host's
 * (snic_drv_chan_open(): one at a time - the net_snic PMD), with the queues
 * and the event ring, and command-only ones (snic_drv_chan_open_cmd(): up to
 * SNIC_CHAN_MAX_CMD_HOSTS at once besides the data host - snic-sriov and
 * other tools that configure the NIC while a DPDK application holds the
 * queues, or while nobody does).  A command-only channel has no queues and
 * no event ring: n_queues() is 0, rx/tx bursts and events() return 0,
 * rxq_irq_* return -EINVAL, wait() and irq_arm() only report the NIC
 * leaving; commands, the statistics and close work as on a data channel.
 *
 * Trust.  Nothing the NIC writes is trusted.  The geometry of the shared
 * memory is validated once at open (magic, version, sizes, offsets in range,
 * aligned and not overlapping, the queue -> vport map) and then kept in
 * private memory: the header is never read again.  Every index the NIC
 * publishes is read once and refused when impossible (more than a ring ahead
 * of the host's own index; the ring is then resynchronised), every length is
 * checked before a byte is copied, and the host's own indexes live in private
 * memory, so a NIC that scribbles over the shared memory can lose frames and
 * commands but cannot make this library read or write outside the region.
 * The library never changes the flags (O_NONBLOCK...) of the descriptors the
 * NIC passed: they share their open file description with the NIC's.
 *
 * Kick protocol (host -> NIC).  After publishing work (a command slot's state
 * POSTED, or a tx producer index) with a release store, the host issues a
 * full fence (seq_cst) and only then reads shm->nic_sleeping; if it is set,
 * it writes 1 to the doorbell eventfd.  The NIC does the mirror image: it
 * sets nic_sleeping, issues a full fence, re-checks every ring and slot, and
 * only then blocks on the doorbell.  With both fences at least one side sees
 * the other's store (Dekker), so either the NIC's re-check sees the work or
 * the host sees the flag and kicks: no lost wakeup.  Spurious kicks are
 * harmless (the NIC drains the eventfd counter).
 *
 * Interrupt protocol (NIC -> host).  A host thread about to block increments
 * the number of sleepers (under the channel's mutex; the first one stores 1
 * into shm->host_sleeping, the last one out stores 0), issues a full fence,
 * re-checks what it waits for, and only then blocks.  The NIC raises the
 * interrupt (writes the irq eventfd) after publishing (rx producer index,
 * event producer index, command slot DONE) with a full fence between the
 * publication and its read of host_sleeping.  Within the process, one
 * sleeping thread at a time polls the irq eventfd (the "poller"); it drains
 * the eventfd under the mutex, bumps a generation number and wakes the
 * others (condition variable), who re-check their own condition.  A thread
 * that re-checked before a drain sees the generation changed and re-checks
 * again instead of blocking, so a drain never hides a wakeup from another
 * thread.  The poller also polls the socket: the NIC hanging up wakes
 * everybody.  Before blocking, exec polls its slot briefly (about 10 us):
 * most commands complete without a system call.
 *
 * Sleeping in the caller's own event loop: put snic_drv_chan_irq_fd() into
 * epoll/poll, call snic_drv_chan_irq_arm() before blocking (it returns 1
 * when rx or events are already pending: do not block), and
 * snic_drv_chan_irq_disarm() as soon as the wait returns, before processing.
 * While armed, the library's own sleepers leave the eventfd for the caller to
 * drain (in disarm).  One such external sleeper at a time.
 *
 * Sleeping on one queue (rx interrupts, what DPDK's rx_intr_enable/
 * rte_epoll_wait/rx_intr_disable map to): put snic_drv_chan_rxq_irq_fd(c, q)
 * into epoll/poll, call snic_drv_chan_rxq_irq_arm(c, q) before blocking (it
 * drains a stale count, sets the queue's rx_armed flag, fences and re-checks
 * the rx ring: 1 means frames are pending, do not block) and
 * snic_drv_chan_rxq_irq_disarm(c, q) when the wait returns (it clears the
 * flag and drains the eventfd).  The NIC writes the queue's eventfd once per
 * arming, only for frames on that queue: a thread sleeping on one queue is
 * not woken by another's traffic, by events or by command completions.  The
 * eventfd may also be read by the caller (DPDK's EAL reads it when epoll
 * reports it); a wakeup without frames is possible and harmless.  Per-queue
 * interrupts are independent of the channel's: wait() and irq_arm() still
 * see rx on every queue.  They do not report the NIC leaving: poll
 * snic_drv_chan_sock_fd() too, or check snic_drv_chan_alive() after a
 * timeout.
 *
 * Thread safety:
 *   - snic_drv_chan_open()/open_cmd()/close(): close must not overlap any
 *     other call on the channel;
 *   - commands (cmd, exec): thread-safe; up to SNIC_CHAN_CMD_SLOTS commands
 *     are in flight at once, further callers wait for a free slot (within
 *     their own timeout).  A struct snic_fwc is per thread (see snic_fwc.h);
 *   - rx_burst(q): one thread at a time per queue; tx_burst(q): one thread at
 *     a time per queue (rx and tx of a queue, and different queues, may run
 *     in different threads);
 *   - events: one thread at a time;
 *   - wait, alive, stats, set_cmd_timeout, the queue map: any thread;
 *   - irq_arm/irq_disarm: one external sleeper at a time (see above);
 *   - rxq_irq_arm/rxq_irq_disarm(q): the thread that receives on queue q
 *     (one at a time per queue, as rx_burst); rxq_irq_fd: any thread.
 *
 * Errors are negative errno values; functions that take an err buffer also
 * write a sentence a person can act on, naming the socket path.
 */
#ifndef SNIC_DRV_CHAN_H
#define SNIC_DRV_CHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snic_chan.h"

#ifdef __cplusplus
extern "C" {
#endif

struct snic_drv_chan;
struct snic_fwc;

/** Default time a command may take before exec gives up on it. */
#define SNIC_DRV_CHAN_CMD_TIMEOUT_MS  5000u
/** Time the NIC has to answer the hello. */
#define SNIC_DRV_CHAN_HELLO_TIMEOUT_MS 5000u

/** What the host side saw (all counters only grow). */
struct snic_drv_chan_stats {
	/* commands */
	uint64_t cmds;            /**< commands completed (any syndrome) */
	uint64_t cmd_sleeps;      /**< of which the caller had to sleep */
	uint64_t cmd_timeouts;    /**< not answered in time (slot abandoned) */
	uint64_t cmd_bad_reply;   /**< DONE with out_len outside [16, 8192] or a
	                               stale seq: refused */
	uint64_t cmd_reclaimed;   /**< abandoned slots the NIC finished later */
	/* rx (NIC -> host) */
	uint64_t rx_packets, rx_bytes;
	uint64_t rx_bad_len;      /**< descriptors with len outside
	                               [14, buf_size]: dropped */
	uint64_t rx_too_big;      /**< frames larger than the caller's buffer:
	                               dropped */
	uint64_t rx_bad_index;    /**< rx producer index more than a ring ahead:
	                               ring resynchronised (frames lost) */
	/* tx (host -> NIC) */
	uint64_t tx_packets, tx_bytes;
	uint64_t tx_refused;      /**< frames outside [14, buf_size]: not sent */
	uint64_t tx_ring_full;    /**< frames left to the caller: ring full */
	uint64_t tx_bad_index;    /**< tx consumer index impossible (NIC bug):
	                               nothing queued */
	/* events */
	uint64_t events;          /**< events delivered */
	uint64_t ev_bad_index;    /**< event producer index more than the ring
	                               ahead: ring resynchronised */
	/* wakeups */
	uint64_t doorbells;       /**< doorbell kicks (the NIC slept) */
	uint64_t sleeps;          /**< times a thread blocked */
	uint64_t irqs;            /**< interrupt eventfd drains */
	uint64_t rxq_arms;        /**< rx interrupts armed (rxq_irq_arm() 0) */
	uint64_t rxq_irqs;        /**< rx interrupts rxq_irq_disarm() drained
	                               (not those the caller read itself) */
	uint64_t sock_unexpected; /**< messages on the socket after the
	                               handshake (discarded) */
};

/**
 * Attach to the NIC listening at socket_path: connect, hello/welcome,
 * receive the memfd and the doorbell and interrupt eventfds (SCM_RIGHTS),
 * map the memory and validate its header, then receive the queues' rx
 * interrupt eventfds (one per queue: the process needs that many spare
 * descriptors).
 *
 * @return 0 with *out set, or (with err set, *out NULL):
 *   -ENOENT        no socket file at the path ("no snic-sim at PATH ...")
 *   -ECONNREFUSED  a socket file but nobody listening
 *   -EPROTOTYPE    the socket is not SOCK_SEQPACKET (not a device channel)
 *   -EACCES etc.   connect()'s errno, with the path
 *   -ENAMETOOLONG  the path does not fit a sockaddr_un
 *   -EBUSY         another data host is attached (the NIC's message, e.g.
 *                  "snic-sim at /run/x.sock: another host is attached (pid
 *                  123)"); command-only hosts do not count
 *   -EPROTONOSUPPORT the NIC speaks another channel version
 *   -ENOMEM        the NIC could not create the memory, or this side could
 *                  not allocate/map
 *   -ETIMEDOUT     no welcome within SNIC_DRV_CHAN_HELLO_TIMEOUT_MS
 *   -ECONNRESET    the NIC closed the socket during the handshake
 *   -EPROTO        a malformed welcome or rx interrupt message, wrong
 *                  descriptors, or a shared-memory header that fails
 *                  validation; err names the field, its value and the limit
 */
int snic_drv_chan_open(const char *socket_path, struct snic_drv_chan **out,
		       char *err, size_t errlen);

/**
 * Attach to the NIC at socket_path for commands only (hello flag
 * SNIC_CHAN_HELLO_CMD_ONLY): the NIC hands over a small memory of its own
 * for this attachment (the header and the command slots), a doorbell and an
 * interrupt eventfd, and no queues.  Commands execute as the PF, exactly as
 * the data host's.  Works with or without a data host attached; the data
 * host is not disturbed.  snic_drv_chan_close() detaches and frees the
 * place.
 *
 * @return 0 with *out set, or the errors of snic_drv_chan_open(), with:
 *   -EBUSY         SNIC_CHAN_MAX_CMD_HOSTS command-only hosts are attached
 *                  (the NIC's message, e.g. "snic-sim at /run/x.sock: 4
 *                  command-only hosts are attached (pids 12 34 56 78)")
 *   -EPROTONOSUPPORT the NIC speaks another channel version (a version 2
 *                  NIC has no command-only attachments), or refused the
 *                  hello's flags
 *   -EPROTO        also: the NIC handed over queues or an event ring
 */
int snic_drv_chan_open_cmd(const char *socket_path, struct snic_drv_chan **out,
			   char *err, size_t errlen);

/** Detach: unmap, close the descriptors and the socket (the NIC sees the
 *  close and forgets the memory).  NULL is a no-op. */
void snic_drv_chan_close(struct snic_drv_chan *c);

/** The socket path the channel is attached to. */
const char *snic_drv_chan_path(const struct snic_drv_chan *c);

/* ---- commands ---- */

/** How long a command may take (ms, > 0; default SNIC_DRV_CHAN_CMD_TIMEOUT_MS). */
void snic_drv_chan_set_cmd_timeout(struct snic_drv_chan *c, unsigned ms);

/**
 * Execute one command (input mailbox in, snic_ifc.h) as the PF: take a free
 * slot, post it, kick the doorbell if the NIC sleeps, wait for DONE, check
 * and copy the output mailbox.
 *
 * @param out_len  bytes of the reply written to out (0 on error)
 * @return 0 (the firmware's status and syndrome are in the reply), or
 *   -EINVAL     in_len outside [8, SNIC_IFC_MAX_IN] or out_cap < 16
 *   -EPIPE      the NIC is gone (socket closed); fails at once
 *   -ETIMEDOUT  no answer within the command timeout; the slot is kept
 *               until the NIC finishes it (then reused), the channel stays
 *               usable
 *   -EBUSY      every slot holds a command the NIC never answered
 *   -EPROTO     the NIC's reply is malformed (out_len outside [16, 8192],
 *               stale seq)
 *   -EMSGSIZE   the reply is larger than out_cap
 */
int snic_drv_chan_cmd(struct snic_drv_chan *c, const void *in, size_t in_len,
		      void *out, size_t out_cap, size_t *out_len);

/**
 * snic_fwc_exec_fn over this channel (ctx is the struct snic_drv_chan *):
 * snic_drv_chan_cmd() returning the reply's length, or 0 on any error; the
 * error is kept for the calling thread (snic_drv_chan_exec_errno()).
 */
size_t snic_drv_chan_exec(void *ctx, const void *in, size_t in_len, void *out,
			  size_t out_cap);

/** The calling thread's last snic_drv_chan_exec() result: 0 or -errno. */
int snic_drv_chan_exec_errno(void);

/** A sentence for a command error of snic_drv_chan_cmd(). */
const char *snic_drv_chan_cmd_strerror(int err);

/** Set up a typed command client (snic_fwc.h) over this channel. */
void snic_drv_chan_fwc_init(struct snic_drv_chan *c, struct snic_fwc *fwc);

/* ---- events ---- */

/**
 * Drain up to max events from the event ring into ev (fields converted to
 * host order).  An impossible producer index drops the ring's contents
 * (counted in ev_bad_index).  Events published before the NIC left stay
 * readable.  @return events copied (0: none; also when max <= 0).
 */
int snic_drv_chan_events(struct snic_drv_chan *c, struct snic_ifc_event *ev,
			 int max);

/* ---- queues ---- */

/** Number of representor queues (uplinks + PF + VFs); 0 command-only. */
uint32_t snic_drv_chan_n_queues(const struct snic_drv_chan *c);
/** VFs of the board. */
uint32_t snic_drv_chan_n_vfs(const struct snic_drv_chan *c);
/** The vport queue q represents (0xffff when q is out of range). */
uint16_t snic_drv_chan_queue_vport(const struct snic_drv_chan *c, uint32_t q);
/** The queue representing vport, or -1 when there is none. */
int snic_drv_chan_queue_of(const struct snic_drv_chan *c, uint16_t vport);

/**
 * Frames waiting on queue q's rx ring (an upper bound: some may turn out to
 * be malformed and be dropped by rx_burst); 0 for an impossible index (the
 * next rx_burst resynchronises).  Lets a caller allocate only what it needs.
 */
uint32_t snic_drv_chan_rx_pending(struct snic_drv_chan *c, uint32_t q);

/**
 * Receive up to n frames from queue q: frame i is copied to bufs[i] (buf_cap
 * bytes each) and its length stored in lens[i].  Descriptors with a length
 * outside [14, buf_size] or above buf_cap are dropped and counted; an
 * impossible producer index drops the ring's contents (counted).  The
 * consumer index is published (release) once, after the copies.
 * @return frames received (0 also when q is out of range).
 */
uint16_t snic_drv_chan_rx_burst(struct snic_drv_chan *c, uint32_t q,
				void **bufs, uint32_t *lens, uint16_t n,
				uint32_t buf_cap);

/**
 * Transmit frames on queue q (out of the represented vport): each is copied
 * into the next tx buffer; the producer index is published (release) once,
 * then the doorbell is kicked if the NIC sleeps.
 *
 * @return the number of frames taken from the front of the array: each was
 *         either queued or refused (length outside [14, buf_size]: counted
 *         in tx_refused, never sent).  frames[ret..n) were not taken because
 *         the ring is full (back-pressure: retry them later).
 */
uint16_t snic_drv_chan_tx_burst(struct snic_drv_chan *c, uint32_t q,
				const void *const *frames, const uint32_t *lens,
				uint16_t n);

/* ---- sleeping ---- */

/**
 * Block until rx is pending on some queue or an event is pending, the NIC
 * hangs up, or timeout_ms passes (-1: no limit; 0: just check).  Command
 * completions wake their own callers, not this.
 * @return >0 something is pending, 0 timeout, -EPIPE the NIC is gone.
 */
int snic_drv_chan_wait(struct snic_drv_chan *c, int timeout_ms);

/** The interrupt eventfd, for the caller's own epoll (see irq_arm). */
int snic_drv_chan_irq_fd(const struct snic_drv_chan *c);
/** The socket, for the caller's own epoll: POLLHUP means the NIC left. */
int snic_drv_chan_sock_fd(const struct snic_drv_chan *c);

/**
 * Prepare to block on snic_drv_chan_irq_fd() in the caller's own loop.
 * @return 0 armed: block now, then call snic_drv_chan_irq_disarm();
 *         1 rx or events are pending: do not block (not armed);
 *         -EBUSY another thread is armed; -EPIPE the NIC is gone.
 */
int snic_drv_chan_irq_arm(struct snic_drv_chan *c);
/** After blocking (woken or not): drain the eventfd and stop being a sleeper. */
void snic_drv_chan_irq_disarm(struct snic_drv_chan *c);

/**
 * Queue q's rx interrupt eventfd, for the caller's own epoll (see
 * rxq_irq_arm); -EINVAL when q is out of range.  Owned by the channel:
 * do not close it; its flags are the NIC's (non-blocking).
 */
int snic_drv_chan_rxq_irq_fd(const struct snic_drv_chan *c, uint32_t q);

/**
 * Prepare to block on snic_drv_chan_rxq_irq_fd(c, q): the NIC writes it
 * once when a frame arrives on queue q.
 * @return 0 armed: block now, then call snic_drv_chan_rxq_irq_disarm();
 *         1 frames are pending on q: do not block (not armed);
 *         -EINVAL q out of range; -EPIPE the NIC is gone.
 */
int snic_drv_chan_rxq_irq_arm(struct snic_drv_chan *c, uint32_t q);

/**
 * After blocking on queue q (woken or not): stop being armed and drain the
 * eventfd.  Harmless when not armed.  @return 0, or -EINVAL (q out of range).
 */
int snic_drv_chan_rxq_irq_disarm(struct snic_drv_chan *c, uint32_t q);

/** Is the NIC still attached (its socket not hung up)?  Never blocks. */
bool snic_drv_chan_alive(struct snic_drv_chan *c);

/* ---- diagnostics ---- */

/**
 * The shared memory itself and the doorbell descriptor, for tests that play
 * a misbehaving host (garbage indexes, impossible lengths) and for
 * debuggers.  Nothing else should touch them.
 */
struct snic_chan_shm *snic_drv_chan_shm(const struct snic_drv_chan *c);
int snic_drv_chan_doorbell_fd(const struct snic_drv_chan *c);

/* ---- statistics ---- */

/** A snapshot of the NIC's counters in the shared memory (each read once). */
void snic_drv_chan_nic_stats(const struct snic_drv_chan *c,
			     struct snic_chan_stats *out);
/** A snapshot of this side's counters. */
void snic_drv_chan_stats(const struct snic_drv_chan *c,
			 struct snic_drv_chan_stats *out);

#ifdef __cplusplus
}
#endif
#endif /* SNIC_DRV_CHAN_H */
