/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_ibv.h - discovery of real RDMA devices (ConnectX and others) through
 * rdma-core's libibverbs and sysfs: the hardware column of the architecture,
 * for the snic-devices tool, `snicctl devices` and the deployment path.
 *
 * What a report holds.  One struct snic_ibv_dev per device libibverbs
 * lists, sorted by name (mlx5_2 before mlx5_10), each with
 *
 *   - from libibverbs (ibv_open_device, ibv_query_device): firmware version,
 *     vendor id, vendor part id, hardware version, node GUID, the number of
 *     physical ports, and per port (ibv_query_port) the state, physical
 *     state, active speed and width (hence the rate), link layer, active MTU
 *     and LID;
 *   - from sysfs, under <root>/class/infiniband/<dev>/:
 *       device            symlink; its basename is the PCI address when
 *                         device/subsystem points at the pci bus.  No
 *                         device link: a software device (rxe, siw), not
 *                         on PCI, which is not an error;
 *       device/vendor, device/device    PCI ids ("0x15b3")
 *       device/physfn     symlink present on a VF: the PF's PCI address
 *       device/sriov_totalvfs, device/sriov_numvfs   on a PF with SR-IOV
 *       device/net/<if>   the netdevs of the PCI function (on a switchdev
 *                         PF this includes the representors)
 *       ports/N/gid_attrs/ndevs/0       the netdev behind port N (RoCE)
 *       board_id          the board's PSID (MT_0000000359)
 *   - the model: devices of Mellanox/NVIDIA (vendor id 0x02c9, the IEEE OUI
 *     libibverbs reports, or PCI vendor 0x15b3) are `connectx`; a table maps
 *     their common part ids (= PCI device ids) to a model name
 *     ("ConnectX-6 Dx", "BlueField-2", "ConnectX VF (mlx5Gen)"...).
 *
 * The sysfs root is a parameter ("/sys" when NULL) so tests can build a fake
 * tree; libibverbs itself always reads the real /sys.  The libibverbs part
 * is behind struct snic_ibv_ops: snic_ibv_verbs_ops is the real one, a test
 * passes its own.
 *
 * Errors.  Files that are optional in the kernel's layout (device, physfn,
 * sriov_*, net/, ndevs/0, board_id) may be missing; a file that is present
 * but unreadable or holds garbage, a required file that is missing (the
 * device's sysfs directory, device/subsystem, device/vendor, device/device
 * of a PCI device, one sriov_* file without the other), and a failed
 * ibv_open_device/ibv_query_device/ibv_query_port are errors of that
 * device: it stays in the report with everything else that could be found,
 * and dev->error holds every problem as a sentence naming the file or the
 * verb ("/sys/class/infiniband/mlx5_0/device/sriov_numvfs: 'x' is not a
 * number of VFs (0..65535)", "ibv_query_port(port 2): Input/output error"),
 * joined with "; "; a caller prefixes the device name.  snic_ibv_discover() itself fails only
 * when libibverbs cannot list devices at all for a reason other than
 * "the kernel has no RDMA support" (ENOSYS), which is the normal state of a
 * machine without RDMA hardware and gives an empty report.
 *
 * No devices.  An empty report carries report->message, a plain sentence:
 *   "no RDMA devices found (libibverbs sees none; is the mlx5_ib module
 *   loaded?)" - with the reason when known (the kernel has no RDMA support
 *   loaded).  Devices sysfs shows but libibverbs does not list (a missing
 *   user-space provider) are named in report->sysfs_only and the message,
 *   with or without other devices; that is a problem, not "none".
 *
 * Thread safety: snic_ibv_discover() may run in several threads at once
 * (libibverbs' device list is internally locked); a report is immutable
 * after it returns.  Memory: everything a report points to is owned by it
 * and freed by snic_ibv_report_free().
 */
#ifndef SNIC_IBV_H
#define SNIC_IBV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SNIC_IBV_NAME_LEN   64   /* device name, with the NUL (IBV_SYSFS_NAME_MAX) */
#define SNIC_IBV_IFNAME_LEN 16   /* netdev name, with the NUL (IFNAMSIZ) */
#define SNIC_IBV_PCI_LEN    32   /* PCI address, with the NUL */
#define SNIC_IBV_FW_LEN     64   /* firmware version, with the NUL */
#define SNIC_IBV_ERR_LEN    1024 /* a device's error sentences */

/* What the backend's query_device returns (struct ibv_device_attr). */
struct snic_ibv_dev_attr {
	char fw_ver[SNIC_IBV_FW_LEN];
	uint64_t node_guid;      /* host byte order */
	uint32_t vendor_id;      /* IEEE OUI: 0x02c9 for Mellanox/NVIDIA */
	uint32_t vendor_part_id; /* = PCI device id for Mellanox */
	uint32_t hw_ver;
	unsigned phys_port_cnt;
};

/* What the backend's query_port returns (struct ibv_port_attr); the values
 * are libibverbs' (enum ibv_port_state, ibv_mtu, ...). */
struct snic_ibv_port_attr {
	uint8_t state;        /* 1 DOWN, 2 INIT, 3 ARMED, 4 ACTIVE, 5 ACTIVE_DEFER */
	uint8_t phys_state;   /* 1 SLEEP, 2 POLLING, 3 DISABLED, 5 LINK_UP... */
	uint8_t active_speed; /* 1 SDR ... 32 EDR, 64 HDR, 128 NDR (per lane) */
	uint8_t active_width; /* 1 1X, 2 4X, 4 8X, 8 12X, 16 2X */
	uint8_t link_layer;   /* 0 unspecified (= InfiniBand), 1 InfiniBand, 2 Ethernet */
	uint8_t active_mtu;   /* 1 256 ... 5 4096 */
	uint16_t lid;
};

/*
 * The libibverbs calls discovery makes.  Every int-returning op returns 0 or
 * a negative errno.  list() starts an enumeration: *n devices, *list an
 * opaque handle valid until free_list(); -ENOSYS means "the kernel has no
 * RDMA support" (no devices).  dev_name(list, i) is valid until free_list().
 * open() gives a handle for query_device/query_port (ports are 1-based)
 * until close().
 */
struct snic_ibv_ops {
	const char *name; /* "libibverbs"; shown in reports */
	int (*list)(void *ctx, void **list, int *n);
	const char *(*dev_name)(void *list, int i);
	int (*open)(void *list, int i, void **dev);
	int (*query_device)(void *dev, struct snic_ibv_dev_attr *attr);
	int (*query_port)(void *dev, unsigned port, struct snic_ibv_port_attr *attr);
	void (*close)(void *dev);
	void (*free_list)(void *list);
};

/* The real backend: ibv_get_device_list and friends. */
extern const struct snic_ibv_ops snic_ibv_verbs_ops;

struct snic_ibv_port {
	unsigned num;                      /* 1-based */
	int query_rc;                      /* 0, or the failed query_port's -errno (attr zero) */
	struct snic_ibv_port_attr attr;
	unsigned rate_mbps;                /* lanes x lane rate; 0 when unknown */
	char netdev[SNIC_IBV_IFNAME_LEN];  /* ports/N/gid_attrs/ndevs/0; "" when none */
};

struct snic_ibv_dev {
	char name[SNIC_IBV_NAME_LEN];      /* mlx5_0 */
	bool opened;                       /* ibv_open_device + query_device worked */
	struct snic_ibv_dev_attr attr;     /* zero unless opened */

	char pci_addr[SNIC_IBV_PCI_LEN];   /* 0000:3b:00.0; "" when not on PCI */
	uint16_t pci_vendor, pci_device;   /* device/vendor, device/device; 0 when unknown */
	bool is_vf;                        /* device/physfn present (or a VF part id) */
	char pf_pci_addr[SNIC_IBV_PCI_LEN];/* the VF's PF; "" otherwise */
	bool has_sriov;                    /* sriov_totalvfs/sriov_numvfs present */
	unsigned sriov_total_vfs, sriov_num_vfs;
	char board_id[SNIC_IBV_NAME_LEN];  /* "" when absent */

	bool connectx;                     /* Mellanox/NVIDIA vendor */
	const char *model;                 /* static; "" when the part id is unknown */

	unsigned n_netdevs;
	char (*netdevs)[SNIC_IBV_IFNAME_LEN]; /* device/net/<if>, sorted */

	unsigned n_ports;                  /* = attr.phys_port_cnt */
	struct snic_ibv_port *ports;

	unsigned n_errors;
	char error[SNIC_IBV_ERR_LEN];      /* "" when n_errors == 0 */
};

struct snic_ibv_report {
	const char *backend;               /* ops->name */
	char *sysfs_root;
	unsigned n_devs;
	struct snic_ibv_dev *devs;
	unsigned n_sysfs_only;             /* in sysfs, not listed by libibverbs */
	char (*sysfs_only)[SNIC_IBV_NAME_LEN];
	unsigned n_errors;                 /* devices with n_errors > 0 */
	bool kernel_no_rdma;               /* list() said ENOSYS */
	char *message;                     /* the plain sentence, or NULL when
					      devices were found and none is
					      missing */
};

/*
 * Enumerate.  sysfs_root NULL: "/sys"; ops NULL: snic_ibv_verbs_ops.
 * Returns 0 and *out (free with snic_ibv_report_free), or a negative errno
 * with a sentence in err.
 */
int snic_ibv_discover(const char *sysfs_root, const struct snic_ibv_ops *ops,
		      void *ops_ctx, struct snic_ibv_report **out,
		      char *err, size_t errlen);
void snic_ibv_report_free(struct snic_ibv_report *r);

/*
 * Output, shared by snic-devices and snicctl.  The table: one row per port
 * (a device without ports gets one row), device columns only on its first
 * row, then report->message if any.  Errors are not in the table (the caller
 * prints dev->error).  The JSON: one object, fields documented in
 * snic_devices.c --help.  Both return 0 or -EIO.
 */
int snic_ibv_write_table(const struct snic_ibv_report *r, FILE *f);
int snic_ibv_write_json(const struct snic_ibv_report *r, FILE *f);

/* Names; NULL when the value is unknown. */
const char *snic_ibv_model_name(uint32_t vendor_part_id, bool *is_vf);
const char *snic_ibv_port_state_name(unsigned state);     /* "ACTIVE" */
const char *snic_ibv_phys_state_name(unsigned phys_state);/* "LINK_UP" */
const char *snic_ibv_link_layer_name(unsigned link_layer);/* "Ethernet" */
const char *snic_ibv_speed_name(unsigned active_speed);   /* "EDR" */
const char *snic_ibv_width_name(unsigned active_width);   /* "4X" */
unsigned snic_ibv_mtu_bytes(unsigned active_mtu);         /* 4096; 0 unknown */
/* lanes x lane rate in Mb/s (4X EDR: 100000); 0 when either is unknown. */
unsigned snic_ibv_rate_mbps(unsigned active_speed, unsigned active_width);
/* "b8ce:f603:00a1:b2c2" (ibv_devinfo's form); buf >= 20 bytes. */
char *snic_ibv_guid_str(uint64_t guid, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* SNIC_IBV_H */
