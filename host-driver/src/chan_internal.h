/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * chan_internal.h - the struct behind snic_drv_chan.h, shared by the files
 * of the channel library (open/close, commands, rings, sleeping).
 */
#ifndef SNIC_DRV_CHAN_INTERNAL_H
#define SNIC_DRV_CHAN_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "snic_chan.h"
#include "snic_drv_chan.h"

/* Index publication and shared flags: C11-compatible __atomic builtins on
 * the shared memory's plain uint32_t fields. */
#define LOAD_ACQ(p)     __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define LOAD_RLX(p)     __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE_REL(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define STORE_RLX(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define FENCE_FULL()    __atomic_thread_fence(__ATOMIC_SEQ_CST)
/* Host-side counters: any thread may bump or read them. */
#define STAT_ADD(c, f, n) __atomic_fetch_add(&(c)->st.f, (n), __ATOMIC_RELAXED)

/* Host-side view of a command slot (under c->mu). */
enum drv_slot {
	DRV_SLOT_FREE = 0,      /* ours to use */
	DRV_SLOT_BUSY,          /* a caller is waiting on it */
	DRV_SLOT_ABANDONED,     /* timed out; reused once the NIC marks it DONE */
};

struct drv_queue {
	struct snic_chan_ring *rx;  /* in the shared memory */
	struct snic_chan_ring *tx;
	uint32_t *rx_armed;         /* the queue's rx_armed flag */
	uint8_t *rx_buf;            /* buffer 0 of the rx ring */
	uint8_t *tx_buf;
	uint32_t rx_cons;           /* private copies of our own indexes */
	uint32_t tx_prod;
	int irq_fd;                 /* the queue's rx interrupt eventfd */
	uint16_t vport;
};

struct snic_drv_chan {
	char path[108];
	int sock;
	int mem_fd;
	int doorbell_fd;
	int irq_fd;
	int local_fd;               /* eventfd: wakes the poller in-process */
	bool cmd_only;              /* command-only attachment: no queues,
	                               no event ring (evq NULL) */

	uint8_t *base;              /* the mapping */
	size_t map_size;
	struct snic_chan_shm *shm;
	struct snic_chan_cmd *cmd;  /* SNIC_CHAN_CMD_SLOTS */
	struct snic_chan_evq *evq;

	/* geometry, validated at open and never re-read from the memory */
	uint32_t n_queues;
	uint32_t n_vfs;
	uint32_t buf_size;
	struct drv_queue *q;
	int16_t vport_q[SNIC_CHAN_MAX_QUEUES]; /* see vport_index() */

	uint32_t ev_cons;           /* private event consumer index */
	unsigned cmd_timeout_ms;    /* atomic */
	int dead;                   /* atomic: the NIC hung up */

	pthread_mutex_t mu;
	pthread_cond_t wake_cv;     /* gen changed */
	pthread_cond_t slot_cv;     /* a slot became free */
	/* under mu */
	uint64_t gen;               /* bumped on every drain / poller exit */
	unsigned n_armed;           /* sleepers: host_sleeping = n_armed != 0 */
	unsigned n_external;        /* irq_arm()ed callers (0 or 1) */
	bool poller;                /* a thread is in ppoll() on the irq fd */
	bool irq_undrained;         /* irq readable, left for the external */
	uint8_t slot_state[SNIC_CHAN_CMD_SLOTS];  /* enum drv_slot */
	uint32_t slot_seq[SNIC_CHAN_CMD_SLOTS];
	uint32_t next_seq;

	struct snic_drv_chan_stats st;
};

/* Index into vport_q[] of a vport, or -1 for a vport no board can have. */
static inline int vport_index(uint16_t vport)
{
	if (SNIC_IFC_VPORT_IS_UPLINK(vport))
		return vport - SNIC_IFC_VPORT_UPLINK_BASE < SNIC_IFC_MAX_UPLINKS
			       ? (int)(1u + SNIC_IFC_MAX_VFS +
				       (vport - SNIC_IFC_VPORT_UPLINK_BASE))
			       : -1;
	return vport <= SNIC_IFC_MAX_VFS ? (int)vport : -1;
}

/* CLOCK_MONOTONIC helpers. */
static inline uint64_t drv_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline bool drv_dead(const struct snic_drv_chan *c)
{
	return __atomic_load_n(&c->dead, __ATOMIC_ACQUIRE) != 0;
}

/* chan_wait.c */

/* What a sleeper waits for; called without c->mu. */
typedef bool (*drv_ready_fn)(struct snic_drv_chan *c, void *arg);

/*
 * Block until ready(c, arg), the NIC hangs up, or deadline_ns (CLOCK_MONOTONIC,
 * UINT64_MAX: none) passes.  The interrupt protocol of snic_drv_chan.h.
 * @return 1 ready, 0 timeout, -EPIPE the NIC is gone.
 */
int drv_sleep(struct snic_drv_chan *c, drv_ready_fn ready, void *arg,
	      uint64_t deadline_ns);
/* Kick the doorbell if the NIC sleeps (after a release publication). */
void drv_kick(struct snic_drv_chan *c);
/* Look at the socket without blocking: mark the channel dead on hangup. */
void drv_check_sock(struct snic_drv_chan *c);
/* rx or events pending (what wait() and irq_arm() look for). */
bool drv_rx_or_events_pending(struct snic_drv_chan *c, void *arg);

#endif /* SNIC_DRV_CHAN_INTERNAL_H */
