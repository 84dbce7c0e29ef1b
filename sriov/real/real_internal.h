/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * real_internal.h - what the files of the real backend (sriov/real/) share,
 * and the few hooks its tests use.
 *
 *   real_sysfs.c    the sysfs tree: paths, attributes, links, waiting for the
 *                   kernel to reach a state, netdevs and representors
 *   real_nl.c       rtnetlink: RTM_SETLINK IFLA_VFINFO_LIST requests,
 *                   RTM_GETLINK + IFLA_VFINFO_LIST parsing, acks and extack,
 *                   the one socket exchange every request goes through
 *   real_devlink.c  generic netlink "devlink": family id, ESWITCH_GET/SET
 *   real_attach.c   vfio-pci binding, the libvirt snippet, the QEMU argument
 *   real_ops.c      open, list and struct snic_sriov_ops
 *
 * Message building is separate from sending: every builder writes into a
 * caller's buffer and returns the struct nlmsghdr, so tests decode exactly
 * what would be sent.  With env->no_netlink (a fake sysfs tree) requests
 * that change something are recorded and not sent.
 */
#ifndef SRIOV_REAL_INTERNAL_H
#define SRIOV_REAL_INTERNAL_H

#include <limits.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sriov_internal.h"

#define REAL_NL_BUF 1024       /* one request: ample for any we build */
#define REAL_NL_RECORDS 8      /* requests one operation can record */
#define REAL_TIMEOUT_MS 3000   /* how long the kernel may take to react */

/* The devlink family id recorded in fake mode (no socket to resolve it). */
#define REAL_DL_FAKE_FAMILY 0x7fe0

struct real_dev {
	char root[PATH_MAX];   /* sysfs root */
	char state_dir[PATH_MAX];
	char sim_run_dir[PATH_MAX];
	char pci[16];          /* the PF: DDDD:BB:DD.F */
	char dir[PATH_MAX];    /* <root>/bus/pci/devices/<pci> */
	bool fake;             /* env->no_netlink */
	unsigned timeout_ms;
	uint32_t seq;
	/* requests of the last changing operation */
	unsigned n_rec;
	size_t rec_len[REAL_NL_RECORDS];
	unsigned char rec[REAL_NL_RECORDS][REAL_NL_BUF];
	/* fake mode: the last configuration set per VF (for attach's snippet) */
	struct real_cfg_cache {
		unsigned vf;
		bool valid;
		uint8_t mac[6];
		uint16_t vlan;
	} cache[16];
};

static inline struct real_dev *real_of(struct snic_sriov_dev *d)
{
	return (struct real_dev *)d->priv;
}

/* ---- hooks for tests ---- */

/** How many requests the last changing operation built (recorded), and
 *  request i of them (NULL past the end). */
unsigned sriov_real_nl_count(struct snic_sriov_dev *d);
const struct nlmsghdr *sriov_real_nl_request(struct snic_sriov_dev *d, unsigned i,
					     size_t *len);
/** How long to wait for the kernel (fake trees: a test's fake kernel). */
void sriov_real_set_timeout(struct snic_sriov_dev *d, unsigned ms);

/* ---- real_sysfs.c ---- */

bool real_is_pci_addr(const char *s);
/* snprintf into buf (PATH_MAX); -ENAMETOOLONG when it does not fit */
int real_path(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Read an attribute, trailing newline stripped; negative errno. */
int real_read(const char *path, char *buf, size_t len);
int real_read_uint(const char *path, unsigned *v);
/* Write an attribute; negative errno (what write() said). */
int real_write(const char *path, const char *val);
/* Basename of a symlink's target into buf; negative errno. */
int real_link_name(const char *path, char *buf, size_t len);
bool real_exists(const char *path);
/* First netdev (alphabetically) under <devdir>/net, "" none. */
void real_dev_netdev(const char *devdir, char *buf, size_t len);
/* The driver bound to a PCI device ("" none). */
void real_dev_driver(const char *devdir, char *buf, size_t len);
/* Resolve a netdev name to the PCI address of its device; -ENODEV. */
int real_netdev_pci(const char *root, const char *netdev, char pci[16]);
/* VF i's PCI address from virtfn<i>; -ENOENT. */
int real_vf_pci(struct real_dev *r, unsigned i, char pci[16]);
/* Wait (sleeping) until pred(arg) or the timeout; true when it held. */
bool real_wait(struct real_dev *r, bool (*pred)(void *arg), void *arg);
/* Representor netdev of VF i ("" none): same phys_switch_id as the PF's
 * netdev, phys_port_name pf<PF function>vf<i>. */
void real_representor(struct real_dev *r, const char *pf_netdev, unsigned i,
		      char rep_netdev[IF_NAMESIZE], char port[IF_NAMESIZE]);
/* The netdev's ifindex from sysfs; negative errno. */
int real_ifindex(struct real_dev *r, const char *netdev);
/* A failed write, explained: "not root" for EACCES/EPERM as a user. */
int real_write_fail(struct snic_sriov_err *e, int err, const char *who,
		    const char *what, const char *path);

/* ---- real_nl.c ---- */

/* One VF setting (a single SNIC_SRIOV_SET_* bit) as RTM_SETLINK. */
struct nlmsghdr *real_nl_build_setvf(void *buf, size_t len, uint32_t seq, int ifindex,
				     unsigned vf, uint32_t bit,
				     const struct snic_sriov_vf_cfg *cfg);
/* RTM_GETLINK for ifindex with IFLA_EXT_MASK RTEXT_FILTER_VF. */
struct nlmsghdr *real_nl_build_getlink(void *buf, size_t len, uint32_t seq, int ifindex);
/* Fill vf (MAC, VLAN, spoof check, trust, rate, link state, stats) from
 * an RTM_NEWLINK message; -ENOENT when it does not list VF vf. */
int real_nl_parse_vf(const struct nlmsghdr *nlh, unsigned vf, struct snic_sriov_vf *out);
/* An NLMSG_ERROR: the error (0 for an ack) and the extack message. */
int real_nl_parse_ack(const struct nlmsghdr *nlh, char *ext, size_t ext_len);
/* Send req on a `proto` socket, pass every reply to cb, return the ack's
 * error (negative errno) with the extack text in ext. */
int real_nl_talk(int proto, struct nlmsghdr *req,
		 int (*cb)(const struct nlmsghdr *nlh, void *arg), void *arg,
		 char *ext, size_t ext_len);
/* Record req in r (fake and real mode alike). */
void real_nl_record(struct real_dev *r, const struct nlmsghdr *req);
/* "Operation not supported" + " (extack)" into buf. */
const char *real_nl_reason(int err, const char *ext, char *buf, size_t len);
/* Name of one SNIC_SRIOV_SET_* bit ("MAC", "VLAN", ...). */
const char *real_nl_field_name(uint32_t bit);
/* Apply cfg to VF vf of the PF netdev, one request per field. */
int real_nl_set_vf(struct snic_sriov_dev *d, const char *netdev, unsigned vf,
		   const struct snic_sriov_vf_cfg *cfg, struct snic_sriov_err *e);
/* VF vf's configuration from the kernel (real mode only). */
int real_nl_get_vf(struct snic_sriov_dev *d, const char *netdev, unsigned vf,
		   struct snic_sriov_vf *out, struct snic_sriov_err *e);

/* ---- real_devlink.c ---- */

struct nlmsghdr *real_dl_build_getfamily(void *buf, size_t len, uint32_t seq);
/* DEVLINK_CMD_ESWITCH_GET (mode < 0) or _SET (mode = DEVLINK_ESWITCH_MODE_*) */
struct nlmsghdr *real_dl_build_eswitch(void *buf, size_t len, uint32_t seq,
				       uint16_t family, const char *pci, int mode);
int real_dl_get_mode(struct snic_sriov_dev *d, enum snic_sriov_esw_mode *m,
		     struct snic_sriov_err *e);
int real_dl_set_mode(struct snic_sriov_dev *d, enum snic_sriov_esw_mode m,
		     struct snic_sriov_err *e);

/* ---- real_attach.c ---- */

int real_attach(struct snic_sriov_dev *d, unsigned i, const struct snic_sriov_attach *a,
		struct snic_sriov_attach_out *out, char *undo, size_t undo_len,
		struct snic_sriov_err *e);
int real_detach(struct snic_sriov_dev *d, unsigned i, const char *vm, const char *undo,
		struct snic_sriov_err *e);
/* The libvirt snippet for a VF (mac NULL: a plain <hostdev>). */
int real_libvirt_xml(const char *pci, const uint8_t *mac, uint16_t vlan, char *buf,
		     size_t len);

#endif
