/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hal.c - the firmware's HAL on Linux: memory, the way out of the NIC, the
 * clock, the log and the doorbell to the host.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "sim.h"

static const char *level_name(int level)
{
	switch (level) {
	case SNIC_FW_LOG_ERR: return "error";
	case SNIC_FW_LOG_WARN: return "warning";
	case SNIC_FW_LOG_INFO: return "info";
	default: return "debug";
	}
}

static void vlog(struct sim *s, int level, const char *who, const char *fmt,
		 va_list ap)
{
	struct timespec ts;
	struct tm tm;

	if (level > s->o.log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	fprintf(stderr, "%02d:%02d:%02d.%03ld snic-sim[%s] %s%s: ", tm.tm_hour,
		tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, s->o.name, who,
		level_name(level));
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void sim_log(struct sim *s, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(s, level, "", fmt, ap);
	va_end(ap);
}

static void fw_log_line(struct sim *s, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(s, level, "firmware ", fmt, ap);
	va_end(ap);
}

static void *hal_alloc(void *ctx, size_t size)
{
	void *p = mmap(NULL, size ? size : 64, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	(void)ctx;
	return p == MAP_FAILED ? NULL : p;
}

static void hal_free(void *ctx, void *p, size_t size)
{
	(void)ctx;
	munmap(p, size ? size : 64);
}

struct sim_port *sim_port_of_vport(struct sim *s, uint16_t vport)
{
	if (SNIC_IFC_VPORT_IS_UPLINK(vport)) {
		unsigned k = vport - SNIC_IFC_VPORT_UPLINK_BASE;
		return k < s->board->n_uplinks ? &s->uplinks[k] : NULL;
	}
	if (vport == SNIC_IFC_VPORT_PF)
		return &s->pf;
	if (vport <= s->board->n_vfs)
		return &s->vfs[SNIC_IFC_VPORT_VF_INDEX(vport)];
	return NULL;
}

struct sim_port *sim_port_by_label(struct sim *s, const char *label)
{
	for (unsigned i = 0; i < s->board->n_uplinks; i++)
		if (!strcmp(s->uplinks[i].label, label))
			return &s->uplinks[i];
	if (!strcmp(s->pf.label, label))
		return &s->pf;
	for (unsigned i = 0; i < s->board->n_vfs; i++)
		if (!strcmp(s->vfs[i].label, label))
			return &s->vfs[i];
	return NULL;
}

static void hal_tx(void *ctx, enum snic_fw_txq q, uint16_t vport,
		   const uint8_t *frame, uint32_t len)
{
	struct sim *s = ctx;

	if (q == SNIC_FW_TX_REP) {
		sim_chan_rep_rx(s, vport, frame, len);
		return;
	}
	struct sim_port *p = sim_port_of_vport(s, vport);
	if (p)
		sim_port_send(s, p, frame, len);
}

static uint64_t hal_now(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void hal_log(void *ctx, enum snic_fw_log_level level, const char *msg)
{
	fw_log_line(ctx, (int)level, "%s", msg);
}

static void hal_event(void *ctx, const struct snic_ifc_event *ev)
{
	struct sim *s = ctx;
	uint16_t type = snic_ifc_le16(ev->type), vport = snic_ifc_le16(ev->vport);

	/* a VF's link state is its TAP's carrier (before the ports exist,
	 * at start-up, the TAPs are made with the link as it is then) */
	if (type == SNIC_EVENT_PORT_LINK && SNIC_IFC_VPORT_IS_VF(vport) &&
	    s->ports_ready) {
		struct sim_port *p = sim_port_of_vport(s, vport);
		if (p)
			sim_port_set_carrier(s, p, snic_ifc_le32(ev->value) != 0);
	}
	if (type == SNIC_EVENT_SRIOV)
		sim_ports_sriov_event(s, snic_ifc_le32(ev->value));
	sim_chan_event(s, ev);
}

void sim_hal_init(struct sim *s)
{
	s->hal.ctx = s;
	s->hal.mem_alloc = hal_alloc;
	s->hal.mem_free = hal_free;
	s->hal.tx = hal_tx;
	s->hal.now_ns = hal_now;
	s->hal.log = hal_log;
	s->hal.event = hal_event;
}
