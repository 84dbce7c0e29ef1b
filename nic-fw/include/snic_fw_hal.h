/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_fw_hal.h - everything the firmware needs from the world around it.
 *
 * The firmware core makes no operating-system call.  Memory, the wire and
 * the functions' ports, the host doorbell, time and logging come through this
 * table of operations, which a platform implements: sim/ implements it on
 * Linux (TAP devices, shared memory rings, clock_gettime); tests implement it
 * in memory; a SoC port would implement it on its hardware.
 *
 * Contract:
 *  - mem_alloc is called only by snic_fw_boot(), never afterwards: the packet
 *    path and the command path work in memory sized at boot from the board.
 *    Memory returned must be zeroed and aligned to 64 bytes.  Large regions
 *    should be lazily backed (e.g. anonymous mmap): the firmware only touches
 *    what it uses.
 *  - tx is called from within snic_fw_rx()/snic_fw_rep_tx(); the frame is
 *    only valid during the call (copy it out).
 *  - All operations are called from the thread that drives the firmware.
 */
#ifndef SNIC_FW_HAL_H
#define SNIC_FW_HAL_H

#include <stddef.h>
#include <stdint.h>

#include "snic_ifc.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where a frame leaving the NIC goes. */
enum snic_fw_txq {
	SNIC_FW_TX_VPORT = 1,  /**< out of the vport: VF/PF function, or wire */
	SNIC_FW_TX_REP   = 2,  /**< to the host, on the vport's representor */
};

/** Log levels. */
enum snic_fw_log_level {
	SNIC_FW_LOG_ERR  = 3,
	SNIC_FW_LOG_WARN = 4,
	SNIC_FW_LOG_INFO = 6,
	SNIC_FW_LOG_DBG  = 7,
};

struct snic_fw_hal {
	void *ctx;  /**< passed to every operation */

	/** Zeroed, 64-byte aligned memory, or NULL.  Boot only. */
	void *(*mem_alloc)(void *ctx, size_t size);
	/** Give back memory from mem_alloc (at shutdown). */
	void (*mem_free)(void *ctx, void *p, size_t size);
	/** A frame leaves the NIC (see enum snic_fw_txq). */
	void (*tx)(void *ctx, enum snic_fw_txq q, uint16_t vport,
		   const uint8_t *frame, uint32_t len);
	/** Monotonic time in nanoseconds. */
	uint64_t (*now_ns)(void *ctx);
	/** A line of firmware log (no trailing newline). */
	void (*log)(void *ctx, enum snic_fw_log_level level, const char *msg);
	/** The doorbell: an event for the host.  May be NULL. */
	void (*event)(void *ctx, const struct snic_ifc_event *ev);
};

#ifdef __cplusplus
}
#endif
#endif /* SNIC_FW_HAL_H */
