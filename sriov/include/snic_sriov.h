/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_sriov.h - SR-IOV virtual functions: the contract of sriov/.
 *
 * A struct snic_sriov_dev is one NIC that can have virtual functions, opened
 * by name, whatever it is:
 *
 *   - a real PCI physical function (a ConnectX PF, or any SR-IOV capable PF):
 *     named by PCI address ("0000:08:00.0") or by its netdev ("enp8s0f0np0");
 *     driven through sysfs (sriov_totalvfs, sriov_numvfs, virtfnN,
 *     driver_override, bind/unbind), devlink (e-switch mode) and rtnetlink
 *     IFLA_VF_* (VF MAC, VLAN, spoof check, trust, rate, link state);
 *   - a simulated NIC (snic-sim): named by its NIC name ("snic0") or channel
 *     socket path; driven by firmware commands over a command-only
 *     attachment of the device channel (snic_drv_chan_open_cmd()), which
 *     works while a DPDK application holds the NIC's data attachment.  The
 *     firmware enforces the settings: spoof check drops forged source MACs,
 *     the rate limit holds, link down stops traffic.
 *
 * Which backend serves a name is decided by what the name is (see
 * snic_sriov_open()); both implement struct snic_sriov_ops and the layer
 * above (the snic-sriov CLI, tests) never tests which one it has.
 *
 * VM attachment.  Attaching VF n of a NIC to a VM:
 *   - real: the VF is unbound from its host driver and bound to vfio-pci
 *     (driver_override); the result carries a libvirt <hostdev> /
 *     <interface type='hostdev'> snippet (with MAC and VLAN) and the QEMU
 *     -device vfio-pci argument.  Detach unbinds vfio-pci and gives the VF
 *     back to the driver it had.
 *   - sim: the VF's TAP moves into the VM's network namespace (created when
 *     missing, and then deleted again at detach) with the VF's MAC, or - with
 *     SNIC_SRIOV_ATTACH_PRINT - stays put and the result carries a QEMU/libvirt
 *     snippet that uses the TAP.  Detach brings the TAP back to the namespace
 *     snic-sim created it in, down, with no addresses.
 * Attachments are recorded in a state directory (default /run/snic/sriov,
 * one file per attached VF: "<nic>-vf<n>") so list shows them and detach
 * can undo exactly what attach did; a VF with an attachment cannot be
 * disabled or attached again.
 *
 * Errors.  One convention for the whole folder: functions return 0 or a
 * negative errno, and fill a caller's buffer (struct snic_sriov_err) with a
 * sentence that names the device, the VF and the reason, and says what to do
 * when there is something to do:
 *   -ENODEV      no such NIC, or no SR-IOV capability ("0000:00:1f.6 has no
 *                SR-IOV capability (no sriov_totalvfs)")
 *   -ERANGE      VF index or VF count beyond the device's (names the limit)
 *   -EBUSY       VFs enabled and a different nonzero count asked (set 0
 *                first), a VF attached to a VM, e-switch busy with flow rules
 *   -EINVAL      a malformed value (MAC, VLAN, rate, mode, VM name)
 *   -EPERM       not root, or the device refuses (an untrusted VF ...)
 *   -EOPNOTSUPP  the device or its driver cannot do this (the kernel's own
 *                answer is quoted: "enp0s3: setting VF 0 MAC: Operation not
 *                supported (the driver has no SR-IOV VF configuration)")
 *   -EIO         the device or the kernel failed; the message quotes it
 * A failed call changes nothing it could avoid changing: a multi-field VF
 * configuration is validated whole before the first field is applied.
 *
 * Thread safety: a struct snic_sriov_dev is used by one thread at a time.
 */
#ifndef SNIC_SRIOV_H
#define SNIC_SRIOV_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A sentence for a person; always NUL-terminated, "" when no error. */
struct snic_sriov_err {
	char msg[512];
};

/** Fill e->msg (printf style) and return err (a negative errno). */
int snic_sriov_fail(struct snic_sriov_err *e, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

enum snic_sriov_backend {
	SNIC_SRIOV_REAL = 0,
	SNIC_SRIOV_SIM  = 1,
};

enum snic_sriov_esw_mode {
	SNIC_SRIOV_ESW_UNKNOWN   = 0,  /**< not readable (no devlink) */
	SNIC_SRIOV_ESW_LEGACY    = 1,
	SNIC_SRIOV_ESW_SWITCHDEV = 2,
};

/** IFLA_VF_LINK_STATE values, the same on both backends. */
enum snic_sriov_link {
	SNIC_SRIOV_LINK_AUTO    = 0,   /**< follows the uplink */
	SNIC_SRIOV_LINK_ENABLE  = 1,
	SNIC_SRIOV_LINK_DISABLE = 2,
};

/** A NIC (a PF). */
struct snic_sriov_nic {
	enum snic_sriov_backend backend;
	char name[64];            /**< real: PCI address; sim: NIC name */
	char netdev[IF_NAMESIZE]; /**< the PF's netdev ("" if none) */
	char driver[32];          /**< real: the PF's driver; sim: "snic-sim" */
	char model[64];           /**< what the device says it is */
	char fw_version[32];      /**< "" when unknown */
	char socket[108];         /**< sim: the channel socket; real: "" */
	unsigned total_vfs;       /**< sriov_totalvfs */
	unsigned num_vfs;         /**< sriov_numvfs: enabled now */
	enum snic_sriov_esw_mode esw_mode;
	/** How a DPDK application opens this NIC with all enabled VFs'
	 *  representors ("0000:08:00.0,representor=vf[0-3]",
	 *  "net_snic0,dev=/run/snic/snic0.sock,representor=vf[0-3]"). */
	char dpdk_devargs[256];
};

/** One VF as it is now. */
struct snic_sriov_vf {
	unsigned index;
	char pci[16];              /**< real: the VF's PCI address; sim: "" */
	char netdev[IF_NAMESIZE];  /**< the VF's netdev (real: when bound to a
	                                net driver; sim: its TAP), "" none */
	char netns[64];            /**< sim: the namespace its TAP is in, ""
	                                = snic-sim's own */
	char representor[IF_NAMESIZE]; /**< switchdev port name: "pf0vf3" */
	char rep_netdev[IF_NAMESIZE];  /**< real: the representor netdev */
	char rep_dpdk[64];         /**< the DPDK port name of the representor
	                                ("net_snic0_representor_vf3",
	                                "0000:08:00.0_representor_vf3") */
	uint8_t mac[6];            /**< all zero: none set */
	uint16_t vlan;             /**< 0: none */
	uint8_t qos;
	int spoofchk;              /**< 0/1, -1 unknown */
	int trust;                 /**< 0/1, -1 unknown */
	uint32_t min_rate;         /**< Mbit/s, 0 none */
	uint32_t max_rate;         /**< Mbit/s, 0 unlimited */
	enum snic_sriov_link link_state;
	int link_up;               /**< effective link: 0/1, -1 unknown */
	char driver[32];           /**< driver bound ("mlx5_core", "vfio-pci",
	                                sim: "tap"), "" none */
	char vm[64];               /**< attached VM, "" none */
	/** Drops the device counted for this VF (sim: firmware counters;
	 *  real: what IFLA_VF_STATS gives, else 0 and have_stats false). */
	bool have_stats;
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t drop_spoof, drop_rate, drop_link;
};

/** What snic_sriov_set_vf() changes: SNIC_SRIOV_SET_* bits in `set`. */
#define SNIC_SRIOV_SET_MAC      0x01u
#define SNIC_SRIOV_SET_VLAN     0x02u  /**< vlan and qos */
#define SNIC_SRIOV_SET_SPOOFCHK 0x04u
#define SNIC_SRIOV_SET_TRUST    0x08u
#define SNIC_SRIOV_SET_RATE     0x10u  /**< min_rate and max_rate */
#define SNIC_SRIOV_SET_LINK     0x20u

struct snic_sriov_vf_cfg {
	uint32_t set;
	uint8_t mac[6];
	uint16_t vlan;             /**< 0..4094, 0 = none */
	uint8_t qos;               /**< 0..7 */
	bool spoofchk;
	bool trust;
	uint32_t min_rate;         /**< Mbit/s */
	uint32_t max_rate;         /**< Mbit/s, 0 = unlimited */
	enum snic_sriov_link link_state;
};

/** How to attach. */
enum snic_sriov_attach_mode {
	SNIC_SRIOV_ATTACH_DEFAULT = 0, /**< real: vfio-pci; sim: into netns */
	SNIC_SRIOV_ATTACH_PRINT   = 1, /**< sim: leave the TAP, give the
	                                    QEMU/libvirt snippet only */
};

struct snic_sriov_attach {
	const char *vm;            /**< VM name: [A-Za-z0-9_.-]{1,63}; sim:
	                                the network namespace */
	enum snic_sriov_attach_mode mode;
};

/** What attach produced, for the operator. */
struct snic_sriov_attach_out {
	char libvirt_xml[1024];    /**< an <interface>/<hostdev> element */
	char qemu_args[512];       /**< QEMU command-line arguments */
	char summary[256];         /**< one line: what was done */
};

/* ---- the backend interface ---- */

struct snic_sriov_dev;

struct snic_sriov_ops {
	const char *name;          /**< "real", "sim" */
	/** Fill nic from the device as it is now. */
	int (*query_nic)(struct snic_sriov_dev *d, struct snic_sriov_nic *nic,
			 struct snic_sriov_err *e);
	/** VF i as it is now (without vm: the core adds it). */
	int (*query_vf)(struct snic_sriov_dev *d, unsigned i, struct snic_sriov_vf *vf,
			struct snic_sriov_err *e);
	/** Enable n VFs (n > 0) or disable all (n == 0).  The core has checked
	 *  n <= total_vfs and the nonzero-to-nonzero rule. */
	int (*set_num_vfs)(struct snic_sriov_dev *d, unsigned n, struct snic_sriov_err *e);
	int (*set_esw_mode)(struct snic_sriov_dev *d, enum snic_sriov_esw_mode m,
			    struct snic_sriov_err *e);
	/** Apply a validated configuration to VF i (enabled). */
	int (*set_vf)(struct snic_sriov_dev *d, unsigned i,
		      const struct snic_sriov_vf_cfg *cfg, struct snic_sriov_err *e);
	/** Attach VF i; `undo` (NUL-terminated, < 256 bytes) receives what
	 *  detach needs (the driver it had, the namespace it came from...),
	 *  kept in the state file by the core. */
	int (*attach)(struct snic_sriov_dev *d, unsigned i, const struct snic_sriov_attach *a,
		      struct snic_sriov_attach_out *out, char *undo, size_t undo_len,
		      struct snic_sriov_err *e);
	int (*detach)(struct snic_sriov_dev *d, unsigned i, const char *vm, const char *undo,
		      struct snic_sriov_err *e);
	void (*close)(struct snic_sriov_dev *d);
};

/** Where the real backend looks; tests point sysfs at a fake tree. */
struct snic_sriov_env {
	const char *sysfs;         /**< default "/sys" */
	const char *state_dir;     /**< default "/run/snic/sriov" */
	const char *sim_run_dir;   /**< where snic-sim sockets are; default
	                                "/run/snic" */
	bool no_netlink;           /**< real: do not open netlink sockets
	                                (fake trees: IFLA_VF_* and devlink
	                                requests are built, recorded and not
	                                sent; real/real_internal.h gives
	                                tests the recorded requests) */
};

/**
 * Open a NIC by name.  A name with '/' or ending in ".sock" is a snic-sim
 * channel socket; a PCI address (DDDD:BB:DD.F) or a netdev name that
 * resolves to a PCI device in sysfs is real; otherwise, when
 * <sim_run_dir>/<name>.sock exists, it is that snic-sim.  -ENODEV names what
 * was tried.
 */
int snic_sriov_open(const char *name, const struct snic_sriov_env *env,
		    struct snic_sriov_dev **out, struct snic_sriov_err *e);
void snic_sriov_close(struct snic_sriov_dev *d);

/** Every NIC this machine has: real SR-IOV PFs in sysfs and running
 *  snic-sims in sim_run_dir.  Calls fn for each; names only. */
int snic_sriov_list_nics(const struct snic_sriov_env *env,
			 int (*fn)(void *arg, const char *name), void *arg,
			 struct snic_sriov_err *e);

int snic_sriov_nic(struct snic_sriov_dev *d, struct snic_sriov_nic *nic,
		   struct snic_sriov_err *e);
/** VF i with its attachment (from the state directory). */
int snic_sriov_vf(struct snic_sriov_dev *d, unsigned i, struct snic_sriov_vf *vf,
		  struct snic_sriov_err *e);
int snic_sriov_set_num_vfs(struct snic_sriov_dev *d, unsigned n, struct snic_sriov_err *e);
int snic_sriov_set_esw_mode(struct snic_sriov_dev *d, enum snic_sriov_esw_mode m,
			    struct snic_sriov_err *e);
int snic_sriov_set_vf(struct snic_sriov_dev *d, unsigned i,
		      const struct snic_sriov_vf_cfg *cfg, struct snic_sriov_err *e);
int snic_sriov_attach(struct snic_sriov_dev *d, unsigned i, const struct snic_sriov_attach *a,
		      struct snic_sriov_attach_out *out, struct snic_sriov_err *e);
int snic_sriov_detach(struct snic_sriov_dev *d, unsigned i, struct snic_sriov_err *e);

/* ---- value parsing and formatting (shared by CLI and backends) ---- */
int snic_sriov_parse_mac(const char *s, uint8_t mac[6]);
void snic_sriov_format_mac(const uint8_t mac[6], char buf[18]);
const char *snic_sriov_link_name(enum snic_sriov_link l);   /* auto|enable|disable */
const char *snic_sriov_esw_name(enum snic_sriov_esw_mode m); /* unknown|legacy|switchdev */
/** Validate cfg (ranges, unicast MAC, min <= max); -EINVAL + message. */
int snic_sriov_check_cfg(const struct snic_sriov_vf_cfg *cfg, unsigned vf,
			 struct snic_sriov_err *e);
/** A VM / namespace name: [A-Za-z0-9_.-]{1,63}, not "." or "..". */
bool snic_sriov_vm_name_ok(const char *vm);

#ifdef __cplusplus
}
#endif
#endif
