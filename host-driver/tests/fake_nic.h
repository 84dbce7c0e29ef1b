/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fake_nic.h - the NIC side of the device channel (sim/include/snic_chan.h),
 * just enough of it to test the host library: a thread that listens on a
 * UNIX socket, welcomes one host at a time with a memfd laid out by
 * snic_chan_layout(), two eventfds and each queue's rx interrupt eventfd
 * (raised, one-shot, for an armed queue that gets frames), executes
 * commands on the real
 * firmware (booted on the in-memory HAL), consumes tx rings, forwards the
 * firmware's exception frames and events to the rx and event rings, and
 * sleeps on the doorbell with the nic_sleeping protocol (it never spins: a
 * host that forgets to kick leaves it asleep).
 *
 * A test steers it through struct fake_nic_ctl (under fake_nic_lock(), then
 * fake_nic_poke()), and plays a misbehaving NIC by writing the rings
 * directly with the helpers below.  Every helper takes the lock itself.
 */
#ifndef FAKE_NIC_H
#define FAKE_NIC_H

#include <stdbool.h>
#include <stdint.h>

#include "snic_chan.h"

struct fake_nic;

/* What the test may change (under the lock). */
struct fake_nic_ctl {
	/* handshake */
	uint32_t version;         /* spoken; a hello of another version gets
	                             VERSION_MISMATCH (SNIC_CHAN_VERSION) */
	int status;               /* >= 0: answer this status (no memory) */
	int n_fds;                /* descriptors sent with an OK welcome (3) */
	bool rxq_irqs_short;      /* last rx interrupt message one fd short */
	void (*corrupt)(struct snic_chan_shm *h, uint64_t *welcome_mem_size);
	/* commands */
	unsigned delay_next_ms;   /* answer the next command this late */
	unsigned ignore_next;     /* never answer the next N commands */
	bool answer_ignored;      /* now answer the ignored ones (one shot) */
	unsigned delay_every;     /* delay every Nth command ... */
	unsigned delay_every_us;  /* ... by this long */
	int64_t bad_out_len_next; /* >= 0: report this out_len for the next reply */
	bool bad_seq_next;        /* echo a wrong seq in the next reply */
	/* tx */
	bool tx_paused;           /* leave the tx rings alone */
};

/* Counters the NIC keeps for the test (read with fake_nic_stats()). */
struct fake_nic_stats {
	uint64_t attaches, detaches, busy_refused;
	uint64_t commands;        /* executed */
	uint64_t irqs;            /* interrupts raised (host was sleeping) */
	uint64_t rxq_irqs;        /* per-queue rx interrupts raised */
	uint64_t doorbells;       /* doorbell counts read */
	uint64_t wakeups;         /* times the NIC thread woke from poll */
	uint64_t tx_frames, tx_bytes, tx_bad;
	uint32_t tx_last_len[2];  /* lengths of the last two frames */
	uint8_t  tx_last[2048];   /* the last frame */
	uint64_t tx_sum;          /* sum of all tx bytes' values */
	uint16_t tx_last_vport;   /* descriptor vport of the last frame */
};

struct fake_nic *fake_nic_start(const char *sock_path, const char *dtb);
void fake_nic_stop(struct fake_nic *n);

void fake_nic_lock(struct fake_nic *n);
void fake_nic_unlock(struct fake_nic *n);
/* The control block (use under the lock). */
struct fake_nic_ctl *fake_nic_ctl(struct fake_nic *n);
/* Wake the NIC thread to look at a changed ctl. */
void fake_nic_poke(struct fake_nic *n);
void fake_nic_stats(struct fake_nic *n, struct fake_nic_stats *out);

/* Wait (ms) until a host is attached (or not); false on timeout. */
bool fake_nic_wait_attached(struct fake_nic *n, bool attached, int timeout_ms);
/* Wait (ms) until the NIC consumed at least count tx frames in total. */
bool fake_nic_wait_tx(struct fake_nic *n, uint64_t count, int timeout_ms);

/* Produce an rx frame on queue q (raises the irq if the host sleeps, q's
 * rx irq if armed); false when the ring is full or nobody is attached. */
bool fake_nic_rx_push(struct fake_nic *n, uint32_t q, const void *frame,
		      uint32_t len);
/* A descriptor claiming len bytes (no buffer written), published. */
void fake_nic_rx_push_len(struct fake_nic *n, uint32_t q, uint32_t len);
/* Add delta to queue q's rx producer index and publish it, raise the irq. */
void fake_nic_rx_bump_prod(struct fake_nic *n, uint32_t q, uint32_t delta);
/* Post an event record (le fields) and raise the irq. */
bool fake_nic_event_push(struct fake_nic *n, uint16_t type, uint16_t vport,
			 uint32_t value);
void fake_nic_event_bump_prod(struct fake_nic *n, uint32_t delta);
/* A frame enters the firmware from vport; what it sends to representors
 * lands on their rx queues. */
void fake_nic_fw_rx(struct fake_nic *n, uint16_t vport, const void *frame,
		    uint32_t len);
/* The NIC closes the host's connection (as if snic-sim went away). */
void fake_nic_hangup(struct fake_nic *n);
/* The queue of a vport on the NIC side (-1 when not attached). */
int fake_nic_queue_of(struct fake_nic *n, uint16_t vport);

#endif /* FAKE_NIC_H */
