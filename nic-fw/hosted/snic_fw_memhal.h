/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_fw_memhal.h - a hosted, in-memory implementation of the firmware HAL.
 *
 * For the self-check tool, unit tests, fuzz targets and benchmarks: memory
 * comes from calloc (lazily backed by the OS), frames the firmware transmits
 * are kept in a list for the caller to inspect (or only counted), time is a
 * clock the caller sets (or the real monotonic clock), log lines go to stderr
 * at or above a chosen level, and events are kept.
 *
 * It also remembers every region it handed out, so a test can snapshot the
 * firmware's entire memory and later check that a command changed no byte.
 *
 * Not thread-safe; one per firmware instance.
 */
#ifndef SNIC_FW_MEMHAL_H
#define SNIC_FW_MEMHAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snic_fw.h"

struct snic_fw_memhal_frame {
	enum snic_fw_txq q;
	uint16_t vport;
	uint32_t len;
	uint8_t *data;
};

struct snic_fw_memhal {
	struct snic_fw_hal hal;       /**< pass &m->hal to snic_fw_boot() */
	uint64_t now;                 /**< fake clock, ns (when !real_clock) */
	bool real_clock;              /**< use CLOCK_MONOTONIC instead */
	bool keep_frames;             /**< keep tx frames (default true) */
	int log_level;                /**< print log lines <= this (default WARN) */
	struct snic_fw_memhal_frame *frames;
	size_t n_frames, cap_frames;
	uint64_t tx_count;            /**< frames transmitted, kept or not */
	struct snic_ifc_event *events;
	size_t n_events, cap_events;
	struct { void *p; size_t size; } regions[64];
	size_t n_regions;
	uint64_t bytes_allocated;
	uint64_t mem_limit;           /**< refuse allocations beyond (0: none) */
	uint64_t alloc_calls;         /**< mem_alloc calls so far */
};

void snic_fw_memhal_init(struct snic_fw_memhal *m);
/** Forget kept frames and events. */
void snic_fw_memhal_clear(struct snic_fw_memhal *m);
/** Free kept frames/events (call after snic_fw_shutdown()). */
void snic_fw_memhal_fini(struct snic_fw_memhal *m);

/** A copy of every region the firmware was given. */
struct snic_fw_memhal_snap;
struct snic_fw_memhal_snap *snic_fw_memhal_snapshot(const struct snic_fw_memhal *m);
/** Offset (into the concatenated regions) of the first byte that differs
 *  from the snapshot, or -1 when the memory is identical. */
long long snic_fw_memhal_snap_diff(const struct snic_fw_memhal *m,
				   const struct snic_fw_memhal_snap *s);
void snic_fw_memhal_snap_free(struct snic_fw_memhal_snap *s);

/** Read a whole file (a .dtb) into malloc'd memory; NULL with errno. */
void *snic_fw_read_file(const char *path, size_t *len);

/**
 * Run a command as the PF (or func) and return its syndrome; the output
 * mailbox is written to out (out_cap bytes) when out is not NULL.
 */
uint32_t snic_fw_memhal_cmd(struct snic_fw *fw, uint16_t func, const void *in,
			    size_t in_len, void *out, size_t out_cap);

#endif /* SNIC_FW_MEMHAL_H */
