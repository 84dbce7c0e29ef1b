/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_fw.h - the snic NIC firmware: the contract of nic-fw/.
 *
 * One struct snic_fw is one NIC: its e-switch, flow tables, counters, encap
 * contexts and vports.  It boots from a board description (a flattened device
 * tree), sizes all of its memory from it at boot, and from then on never
 * allocates.  Three things drive it:
 *
 *   snic_fw_cmd()     - a command mailbox from the host (see snic_ifc.h);
 *   snic_fw_rx()      - a frame entering the NIC from a vport: sent by a VF or
 *                       the PF, or received from the wire on an uplink;
 *   snic_fw_rep_tx()  - a frame the host transmits on a vport's representor:
 *                       it goes straight out of that vport.
 *
 * Frames leave through the HAL's tx operation (snic_fw_hal.h).
 *
 * Pipeline (switchdev mode): a frame from vport V passes V's policy (enabled,
 * link state, max rate, spoof check, VLAN insertion), is parsed once
 * (snic_fw_pkt.h), and enters the root table.  In each table the entry with
 * the numerically lowest priority among all matching entries of all groups
 * wins (ties: lowest entry id); its actions run in the fixed order documented
 * in snic_ifc.h; a goto continues in a table of a higher level.  A table miss
 * follows the table's miss behaviour; the default sends the frame, as it
 * entered, to V's representor (the exception path).  Legacy mode forwards by
 * destination MAC between the vports and the uplink instead.
 *
 * Invariants:
 *   - a command that fails changes nothing (not even allocator state);
 *   - an entry's value never has bits outside its group's mask;
 *   - a goto or miss target always has a higher level than its table, and a
 *     table that is such a target cannot be destroyed;
 *   - objects referenced by entries (tables, counters, reformat and modify
 *     contexts) cannot be freed while referenced.
 *
 * Thread safety: none inside.  One thread drives a struct snic_fw at a time
 * (the simulator's poll loop); distinct instances are independent.  The host's
 * software datapath runs its own instance of the same steering code.
 *
 * Errors: functions return 0 or a negative SNIC_FW_E* code; those that take
 * an err buffer also write a sentence naming the object (for boards: the node
 * and property) and the limit or value at fault.
 */
#ifndef SNIC_FW_H
#define SNIC_FW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snic_fw_hal.h"
#include "snic_fw_pkt.h"
#include "snic_ifc.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Error codes (returned negated). */
enum snic_fw_err {
	SNIC_FW_EBOARD = 1, /**< the board description is invalid */
	SNIC_FW_ENOMEM = 2, /**< the HAL could not give the memory the board needs */
	SNIC_FW_EINVAL = 3, /**< bad argument */
};

/** Firmware version of this build. */
#define SNIC_FW_VERSION "0.1.0"

/** Largest frame the pipeline takes (bytes, without the encap headroom). */
#define SNIC_FW_MAX_FRAME 9216u
/** Headroom kept in front of every frame for VLAN push and encap. */
#define SNIC_FW_HEADROOM 128u

/** The board, as parsed from the device tree.  See nic-fw/boards/. */
struct snic_fw_board {
	char     model[64];          /**< /model */
	char     fw_version[32];     /**< /snic,fw-version (must match the build) */
	uint32_t n_uplinks;          /**< /nic/uplinks/port@N count, 1..4 */
	uint8_t  uplink_mac[SNIC_IFC_MAX_UPLINKS][6]; /**< port@N/mac-address */
	uint32_t uplink_speed[SNIC_IFC_MAX_UPLINKS];  /**< port@N/speed-mbps */
	uint8_t  pf_mac[6];          /**< /nic/pf/mac-address */
	uint32_t n_vfs;              /**< /nic/sriov/num-vfs, 0..1024 */
	uint8_t  vf_mac_base[6];     /**< /nic/sriov/mac-base: VF n gets base + n */
	uint32_t max_tables;         /**< /nic/steering/max-tables */
	uint32_t max_table_level;    /**< /nic/steering/max-table-level */
	uint32_t max_groups;         /**< /nic/steering/max-groups */
	uint32_t max_groups_per_table; /**< /nic/steering/max-groups-per-table */
	uint32_t max_entries;        /**< /nic/steering/max-entries */
	uint32_t max_counters;       /**< /nic/steering/max-counters */
	uint32_t max_encap;          /**< /nic/steering/max-encap */
	uint32_t max_modify;         /**< /nic/steering/max-modify */
	uint32_t priority_levels;    /**< /nic/steering/priority-levels */
	uint32_t vxlan_port;         /**< /nic/vxlan/udp-port (default 4789) */
	uint32_t esw_mode;           /**< /nic/eswitch-mode: "legacy"|"switchdev" */
};

struct snic_fw;

/**
 * Parse and check a board description.
 * @return 0, or -SNIC_FW_EBOARD with err saying which node and property is
 *         missing or wrong, and what is allowed.
 */
int snic_fw_board_parse(const void *fdt, size_t fdt_len,
			struct snic_fw_board *board, char *err, size_t errlen);

/**
 * Bytes of memory a board needs (what boot asks the HAL for, in total).
 */
uint64_t snic_fw_board_mem(const struct snic_fw_board *board);

/**
 * Boot a NIC from a board description.
 * @param hal  platform operations; must outlive the firmware
 * @return 0 with *out set, or -SNIC_FW_EBOARD / -SNIC_FW_ENOMEM with err set.
 */
int snic_fw_boot(const void *fdt, size_t fdt_len, const struct snic_fw_hal *hal,
		 struct snic_fw **out, char *err, size_t errlen);

/** Free everything boot allocated. */
void snic_fw_shutdown(struct snic_fw *fw);

/** The board the firmware booted from. */
const struct snic_fw_board *snic_fw_get_board(const struct snic_fw *fw);

/** Steering objects in use now (for status displays and tests). */
struct snic_fw_usage {
	uint32_t tables, groups, entries;
};
void snic_fw_get_usage(const struct snic_fw *fw, struct snic_fw_usage *u);

/**
 * Execute one command.
 * @param func     issuing function (SNIC_IFC_FUNC_PF or SNIC_IFC_FUNC_VF(n)),
 *                 set by the transport
 * @param in       input mailbox (struct snic_ifc_in_hdr first), 8-byte
 *                 aligned; it is read more than once, so it must not change
 *                 during the call (a transport over shared memory copies it
 *                 into the NIC's own memory first, as snic-sim does)
 * @param out      output mailbox; at least sizeof(struct snic_ifc_out_hdr)
 * @return bytes written to out (also in out_hdr.out_len), or 0 when out_cap
 *         cannot hold even the header.  Status and syndrome are in the
 *         output header.
 */
size_t snic_fw_cmd(struct snic_fw *fw, uint16_t func, const void *in,
		   size_t in_len, void *out, size_t out_cap);

/** A frame enters the NIC from vport (VF/PF sent it, or it came off a wire). */
void snic_fw_rx(struct snic_fw *fw, uint16_t vport, const uint8_t *frame,
		uint32_t len);

/** The host transmits a frame on vport's representor: out of that vport. */
void snic_fw_rep_tx(struct snic_fw *fw, uint16_t vport, const uint8_t *frame,
		    uint32_t len);

/** The platform reports an uplink's carrier (posts PORT_LINK events). */
void snic_fw_set_uplink_link(struct snic_fw *fw, unsigned port, bool up);

/** Effective link state of a vport (VF link state applied). */
bool snic_fw_vport_link_up(const struct snic_fw *fw, uint16_t vport);

/** Does the vport exist on this board? */
bool snic_fw_vport_valid(const struct snic_fw *fw, uint16_t vport);

/**
 * Shaping of a VF's max_rate: how long the platform should wait before it
 * takes vport's next frame (ns); 0: take it now.  A platform that can hold
 * frames back (the simulator stops reading a VF's TAP; hardware stops
 * fetching its descriptors) asks before each frame it takes from a VF and,
 * while the answer is not 0, leaves the VF's frames queued on the VF's side
 * and sleeps (a timer) for that long: the sender sees back-pressure, as
 * behind a NIC's rate limiter, instead of losses.  Frames given to
 * snic_fw_rx() over the rate anyway are dropped (drop_rate).  Always 0 for a
 * vport without a max_rate, a disabled VF, the PF and the uplinks.
 */
uint64_t snic_fw_vport_tx_wait_ns(struct snic_fw *fw, uint16_t vport);

/** A human-readable name for a syndrome / status / drop reason. */
const char *snic_fw_syndrome_str(uint32_t syndrome);
const char *snic_fw_syndrome_name(uint32_t syndrome);
const char *snic_fw_status_str(uint32_t status);
const char *snic_fw_drop_str(uint32_t reason);
const char *snic_fw_drop_name(uint32_t reason);

/**
 * Bounded formatter for the firmware (no libc): %s %u %d %x %lu %llu %llx
 * %02x %c %% only.  Always NUL-terminates when cap > 0.
 * @return characters that would have been written.
 */
int snic_fw_fmt(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#ifdef __cplusplus
}
#endif
#endif /* SNIC_FW_H */
