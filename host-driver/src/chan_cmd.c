/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * chan_cmd.c - firmware commands over the channel's command slots.
 *
 * A slot is ours (host FREE), posted and waited on by one caller (BUSY), or
 * abandoned after a timeout: the NIC may still be reading its input, so it is
 * not reused until the NIC marks it DONE (then reclaimed and set FREE).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "chan_internal.h"
#include "snic_fwc.h"

/* Poll a posted slot this long before sleeping. */
#define SPIN_NS 10000u

static _Thread_local int exec_errno;

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

void snic_drv_chan_set_cmd_timeout(struct snic_drv_chan *c, unsigned ms)
{
	__atomic_store_n(&c->cmd_timeout_ms, ms ? ms : 1u, __ATOMIC_RELAXED);
}

/*
 * Take a free slot (reclaiming abandoned ones the NIC has finished); wait
 * for one while other callers hold slots.  Returns the slot with *seq set.
 */
static int take_slot(struct snic_drv_chan *c, uint64_t deadline_ns, uint32_t *seq)
{
	int rc;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		unsigned busy = 0;

		for (uint32_t i = 0; i < SNIC_CHAN_CMD_SLOTS; i++)
			if (c->slot_state[i] == DRV_SLOT_ABANDONED &&
			    LOAD_ACQ(&c->cmd[i].state) == SNIC_CHAN_CMD_DONE) {
				STORE_REL(&c->cmd[i].state, SNIC_CHAN_CMD_FREE);
				c->slot_state[i] = DRV_SLOT_FREE;
				STAT_ADD(c, cmd_reclaimed, 1);
			}
		for (uint32_t i = 0; i < SNIC_CHAN_CMD_SLOTS; i++) {
			if (c->slot_state[i] == DRV_SLOT_FREE) {
				c->slot_state[i] = DRV_SLOT_BUSY;
				*seq = c->slot_seq[i] = ++c->next_seq;
				pthread_mutex_unlock(&c->mu);
				return (int)i;
			}
			busy += c->slot_state[i] == DRV_SLOT_BUSY;
		}
		if (!busy) {
			rc = -EBUSY;
			break;
		}
		if (drv_dead(c)) {
			rc = -EPIPE;
			break;
		}
		struct timespec ts = { .tv_sec = (time_t)(deadline_ns / 1000000000ull),
				       .tv_nsec = (long)(deadline_ns % 1000000000ull) };
		if (pthread_cond_timedwait(&c->slot_cv, &c->mu, &ts) == ETIMEDOUT) {
			rc = -ETIMEDOUT;
			break;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return rc;
}

static void put_slot(struct snic_drv_chan *c, uint32_t i, enum drv_slot st)
{
	if (st == DRV_SLOT_FREE)
		STORE_REL(&c->cmd[i].state, SNIC_CHAN_CMD_FREE);
	pthread_mutex_lock(&c->mu);
	c->slot_state[i] = (uint8_t)st;
	pthread_cond_broadcast(&c->slot_cv);
	pthread_mutex_unlock(&c->mu);
}

static bool slot_done(struct snic_drv_chan *c, void *arg)
{
	uint32_t i = *(const uint32_t *)arg;

	return LOAD_ACQ(&c->cmd[i].state) == SNIC_CHAN_CMD_DONE;
}

int snic_drv_chan_cmd(struct snic_drv_chan *c, const void *in, size_t in_len,
		      void *out, size_t out_cap, size_t *out_len)
{
	struct snic_chan_cmd *s;
	uint64_t start, deadline;
	uint32_t i, seq, back, olen;
	int rc;

	*out_len = 0;
	if (!in || !out || in_len < sizeof(struct snic_ifc_in_hdr) ||
	    in_len > SNIC_IFC_MAX_IN || out_cap < sizeof(struct snic_ifc_out_hdr))
		return -EINVAL;
	drv_check_sock(c);
	if (drv_dead(c))
		return -EPIPE;
	start = drv_now_ns();
	deadline = start + (uint64_t)__atomic_load_n(&c->cmd_timeout_ms,
						      __ATOMIC_RELAXED) * 1000000ull;
	rc = take_slot(c, deadline, &seq);
	if (rc < 0)
		return rc;
	i = (uint32_t)rc;
	s = &c->cmd[i];

	memcpy(s->in, in, in_len);
	STORE_RLX(&s->in_len, (uint32_t)in_len);
	STORE_RLX(&s->out_len, 0u);
	STORE_RLX(&s->seq, seq);
	STORE_REL(&s->state, (uint32_t)SNIC_CHAN_CMD_POSTED);
	drv_kick(c);

	/* Most commands finish within microseconds: look before sleeping. */
	for (unsigned n = 0; !slot_done(c, &i); n++) {
		if ((n & 15) == 15 && drv_now_ns() - start > SPIN_NS) {
			STAT_ADD(c, cmd_sleeps, 1);
			rc = drv_sleep(c, slot_done, &i, deadline);
			if (rc == 1)
				break;
			put_slot(c, i, DRV_SLOT_ABANDONED);
			if (rc == 0) {
				STAT_ADD(c, cmd_timeouts, 1);
				return -ETIMEDOUT;
			}
			return -EPIPE;
		}
		cpu_relax();
	}

	/* DONE (acquire): read what the NIC wrote, once. */
	back = LOAD_RLX(&s->seq);
	olen = LOAD_RLX(&s->out_len);
	if (back != seq || olen < sizeof(struct snic_ifc_out_hdr) ||
	    olen > SNIC_IFC_MAX_OUT) {
		STAT_ADD(c, cmd_bad_reply, 1);
		rc = -EPROTO;
	} else if (olen > out_cap) {
		rc = -EMSGSIZE;
	} else {
		memcpy(out, s->out, olen);
		*out_len = olen;
		STAT_ADD(c, cmds, 1);
		rc = 0;
	}
	put_slot(c, i, DRV_SLOT_FREE);
	return rc;
}

size_t snic_drv_chan_exec(void *ctx, const void *in, size_t in_len, void *out,
			  size_t out_cap)
{
	size_t n = 0;

	exec_errno = snic_drv_chan_cmd(ctx, in, in_len, out, out_cap, &n);
	return exec_errno ? 0 : n;
}

int snic_drv_chan_exec_errno(void)
{
	return exec_errno;
}

const char *snic_drv_chan_cmd_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case -EINVAL:
		return "command mailbox length outside 8..4096 bytes, or reply buffer under 16 bytes";
	case -EPIPE:
		return "the NIC is gone (snic-sim closed the device channel)";
	case -ETIMEDOUT:
		return "the NIC did not answer within the command timeout";
	case -EBUSY:
		return "every command slot holds a command the NIC never answered";
	case -EPROTO:
		return "the NIC's reply is malformed (length outside 16..8192 bytes or stale sequence number)";
	case -EMSGSIZE:
		return "the NIC's reply is larger than the reply buffer";
	default:
		return "unknown command error";
	}
}

void snic_drv_chan_fwc_init(struct snic_drv_chan *c, struct snic_fwc *fwc)
{
	snic_fwc_init(fwc, snic_drv_chan_exec, c);
}
