/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * real_ops.c - the real backend of snic-sriov: opening a PF by PCI address
 * or netdev, listing SR-IOV PFs, and struct snic_sriov_ops on top of sysfs
 * (real_sysfs.c), rtnetlink (real_nl.c), devlink (real_devlink.c) and
 * vfio-pci (real_attach.c).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "real_internal.h"

struct real_alloc {
	struct snic_sriov_dev d;
	struct real_dev r;
};

unsigned sriov_real_nl_count(struct snic_sriov_dev *d)
{
	return real_of(d)->n_rec;
}

const struct nlmsghdr *sriov_real_nl_request(struct snic_sriov_dev *d, unsigned i,
					     size_t *len)
{
	struct real_dev *r = real_of(d);

	if (i >= r->n_rec)
		return NULL;
	if (len)
		*len = r->rec_len[i];
	return (const struct nlmsghdr *)r->rec[i];
}

void sriov_real_set_timeout(struct snic_sriov_dev *d, unsigned ms)
{
	real_of(d)->timeout_ms = ms;
}

static int attr_path(struct real_dev *r, char *path, const char *attr)
{
	return real_path(path, "%s/%s", r->dir, attr);
}

static int read_counts(struct real_dev *r, unsigned *total, unsigned *num,
		       struct snic_sriov_err *e)
{
	char path[PATH_MAX];
	int rc;

	if ((rc = attr_path(r, path, "sriov_totalvfs")) || (rc = real_read_uint(path, total)))
		return snic_sriov_fail(e, -ENODEV, "%s: has no SR-IOV capability (%s: %s)",
				       r->pci, path, strerror(-rc));
	if ((rc = attr_path(r, path, "sriov_numvfs")) || (rc = real_read_uint(path, num)))
		return snic_sriov_fail(e, -EIO, "%s: cannot read %s: %s", r->pci, path,
				       strerror(-rc));
	return 0;
}

static const char *model_name(unsigned vendor, unsigned device)
{
	static const struct { unsigned dev; const char *name; } cx[] = {
		{0x1015, "Mellanox ConnectX-4 Lx"}, {0x1017, "Mellanox ConnectX-5"},
		{0x1019, "Mellanox ConnectX-5 Ex"}, {0x101b, "Mellanox ConnectX-6"},
		{0x101d, "Mellanox ConnectX-6 Dx"}, {0x101f, "Mellanox ConnectX-6 Lx"},
		{0x1021, "Mellanox ConnectX-7"}, {0x1023, "Mellanox ConnectX-8"},
		{0xa2d6, "Mellanox BlueField-2"}, {0xa2dc, "Mellanox BlueField-3"},
	};
	size_t k;

	if (vendor == 0x15b3) {
		for (k = 0; k < sizeof(cx) / sizeof(cx[0]); k++)
			if (cx[k].dev == device)
				return cx[k].name;
	}
	return NULL;
}

/* The firmware version the driver reports (ETHTOOL_GDRVINFO), real mode. */
static void fw_version(const char *netdev, char *buf, size_t len)
{
	struct ethtool_drvinfo info = {.cmd = ETHTOOL_GDRVINFO};
	struct ifreq ifr;
	int fd;

	buf[0] = '\0';
	if (!netdev[0] || (fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", netdev);
	ifr.ifr_data = (char *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
		snprintf(buf, len, "%.*s", (int)sizeof(info.fw_version), info.fw_version);
	close(fd);
}

static int real_query_nic(struct snic_sriov_dev *d, struct snic_sriov_nic *nic,
			  struct snic_sriov_err *e)
{
	struct real_dev *r = real_of(d);
	struct snic_sriov_err ignore;
	char path[PATH_MAX], rep[IF_NAMESIZE], port[IF_NAMESIZE];
	unsigned vendor = 0, device = 0;
	const char *model;
	int rc;

	memset(nic, 0, sizeof(*nic));
	nic->backend = SNIC_SRIOV_REAL;
	snprintf(nic->name, sizeof(nic->name), "%s", r->pci);
	if ((rc = read_counts(r, &nic->total_vfs, &nic->num_vfs, e)))
		return rc;
	real_dev_netdev(r->dir, nic->netdev, sizeof(nic->netdev));
	real_dev_driver(r->dir, nic->driver, sizeof(nic->driver));
	if (!attr_path(r, path, "vendor"))
		real_read_uint(path, &vendor);
	if (!attr_path(r, path, "device"))
		real_read_uint(path, &device);
	model = model_name(vendor, device);
	if (model)
		snprintf(nic->model, sizeof(nic->model), "%s (%04x:%04x)", model, vendor, device);
	else
		snprintf(nic->model, sizeof(nic->model), "PCI %04x:%04x", vendor, device);
	if (!r->fake)
		fw_version(nic->netdev, nic->fw_version, sizeof(nic->fw_version));

	/* e-switch: devlink's answer; without it, representors mean switchdev */
	if (r->fake || real_dl_get_mode(d, &nic->esw_mode, &ignore) != 0) {
		nic->esw_mode = SNIC_SRIOV_ESW_UNKNOWN;
		if (nic->num_vfs) {
			real_representor(r, nic->netdev, 0, rep, port);
			if (rep[0])
				nic->esw_mode = SNIC_SRIOV_ESW_SWITCHDEV;
		}
	}
	if (nic->num_vfs == 1)
		snprintf(nic->dpdk_devargs, sizeof(nic->dpdk_devargs), "%s,representor=vf[0]",
			 r->pci);
	else if (nic->num_vfs)
		snprintf(nic->dpdk_devargs, sizeof(nic->dpdk_devargs),
			 "%s,representor=vf[0-%u]", r->pci, nic->num_vfs - 1);
	else
		snprintf(nic->dpdk_devargs, sizeof(nic->dpdk_devargs), "%s", r->pci);
	return 0;
}

static int check_vf(struct real_dev *r, unsigned i, struct snic_sriov_err *e)
{
	unsigned total, num;
	int rc = read_counts(r, &total, &num, e);

	if (rc)
		return rc;
	if (i >= num)
		return snic_sriov_fail(e, -ERANGE, "%s: there is no VF %u: %u VFs enabled (at "
				       "most %u)", r->pci, i, num, total);
	return 0;
}

static int real_query_vf(struct snic_sriov_dev *d, unsigned i, struct snic_sriov_vf *vf,
			 struct snic_sriov_err *e)
{
	struct real_dev *r = real_of(d);
	struct snic_sriov_err ignore;
	char vfdir[PATH_MAX], path[PATH_MAX], pfdev[IF_NAMESIZE];
	unsigned carrier;
	int rc;

	memset(vf, 0, sizeof(*vf));
	vf->index = i;
	vf->spoofchk = vf->trust = vf->link_up = -1;
	vf->link_state = SNIC_SRIOV_LINK_AUTO;
	if ((rc = check_vf(r, i, e)))
		return rc;
	if (real_vf_pci(r, i, vf->pci) || real_path(vfdir, "%s/bus/pci/devices/%s", r->root,
						    vf->pci))
		return snic_sriov_fail(e, -EIO, "%s: VF %u is enabled but %s/virtfn%u is missing "
				       "(the kernel is still creating it?)", r->pci, i, r->dir, i);
	real_dev_driver(vfdir, vf->driver, sizeof(vf->driver));
	real_dev_netdev(vfdir, vf->netdev, sizeof(vf->netdev));
	if (vf->netdev[0] &&
	    !real_path(path, "%s/class/net/%s/carrier", r->root, vf->netdev) &&
	    real_read_uint(path, &carrier) == 0)
		vf->link_up = carrier ? 1 : 0;
	real_dev_netdev(r->dir, pfdev, sizeof(pfdev));
	real_representor(r, pfdev, i, vf->rep_netdev, vf->representor);
	if (vf->representor[0])
		snprintf(vf->rep_dpdk, sizeof(vf->rep_dpdk), "%s_representor_vf%u", r->pci, i);
	/* the VF's configuration lives in the PF's netdev: ask the kernel; a
	 * fake tree (or a driver without VF info) leaves it unknown */
	if (!r->fake && pfdev[0])
		real_nl_get_vf(d, pfdev, i, vf, &ignore);
	return 0;
}

struct count_wait {
	struct real_dev *r;
	unsigned n, before;
};

static bool counts_reached(void *arg)
{
	struct count_wait *w = arg;
	char path[PATH_MAX];
	unsigned num, k;

	if (attr_path(w->r, path, "sriov_numvfs") || real_read_uint(path, &num) || num != w->n)
		return false;
	for (k = 0; k < w->n; k++) {
		if (real_path(path, "%s/virtfn%u", w->r->dir, k) || !real_exists(path))
			return false;
	}
	for (k = w->n; k < w->before; k++) {
		if (real_path(path, "%s/virtfn%u", w->r->dir, k) || real_exists(path))
			return false;
	}
	return true;
}

static int real_set_num_vfs(struct snic_sriov_dev *d, unsigned n, struct snic_sriov_err *e)
{
	struct real_dev *r = real_of(d);
	struct count_wait w = {.r = r, .n = n};
	char path[PATH_MAX], drv[64], val[16], what[64];
	unsigned total, num, k;
	int rc;

	if ((rc = read_counts(r, &total, &num, e)))
		return rc;
	if (n > total)
		return snic_sriov_fail(e, -ERANGE, "%s: cannot enable %u VFs: the device has at "
				       "most %u (sriov_totalvfs)", r->pci, n, total);
	if (n == num)
		return 0;
	if (n && num)
		return snic_sriov_fail(e, -EBUSY, "%s: %u VFs are enabled; set 0 first, then %u",
				       r->pci, num, n);
	real_dev_driver(r->dir, drv, sizeof(drv));
	if (n && !drv[0])
		return snic_sriov_fail(e, -EOPNOTSUPP, "%s: no driver is bound to the PF, and "
				       "the PF's driver enables VFs: bind it first", r->pci);
	for (k = 0; k < num; k++) {
		char vfpci[16], vfdir[PATH_MAX], vfdrv[64];

		if (real_vf_pci(r, k, vfpci) ||
		    real_path(vfdir, "%s/bus/pci/devices/%s", r->root, vfpci))
			continue;
		real_dev_driver(vfdir, vfdrv, sizeof(vfdrv));
		if (!strcmp(vfdrv, "vfio-pci"))
			return snic_sriov_fail(e, -EBUSY, "%s: VF %u (%s) is bound to vfio-pci "
					       "(in use by a VM?): detach it before disabling "
					       "the VFs", r->pci, k, vfpci);
	}
	w.before = num;
	snprintf(val, sizeof(val), "%u", n);
	snprintf(what, sizeof(what), "writing %u to sriov_numvfs", n);
	if ((rc = attr_path(r, path, "sriov_numvfs")) || (rc = real_write(path, val))) {
		if (rc == -EOPNOTSUPP || rc == -ENOENT)
			return snic_sriov_fail(e, rc, "%s: %s: %s (driver %s cannot enable VFs)",
					       r->pci, what, strerror(-rc), drv[0] ? drv : "none");
		return real_write_fail(e, rc, r->pci, what, path);
	}
	if (!real_wait(r, counts_reached, &w)) {
		if (real_read_uint(path, &num))
			num = 0;
		return snic_sriov_fail(e, -EIO, "%s: wrote %u to sriov_numvfs but the kernel "
				       "shows %u VFs (and their virtfn links) after %u ms",
				       r->pci, n, num, r->timeout_ms);
	}
	return 0;
}

static int real_set_esw_mode(struct snic_sriov_dev *d, enum snic_sriov_esw_mode m,
			     struct snic_sriov_err *e)
{
	return real_dl_set_mode(d, m, e);
}

static int real_set_vf(struct snic_sriov_dev *d, unsigned i,
		       const struct snic_sriov_vf_cfg *cfg, struct snic_sriov_err *e)
{
	struct real_dev *r = real_of(d);
	char pfdev[IF_NAMESIZE], drv[64];
	unsigned k, slot;
	int rc;

	real_of(d)->n_rec = 0;
	if ((rc = check_vf(r, i, e)))
		return rc;
	real_dev_netdev(r->dir, pfdev, sizeof(pfdev));
	if (!pfdev[0]) {
		real_dev_driver(r->dir, drv, sizeof(drv));
		return snic_sriov_fail(e, -EOPNOTSUPP, "%s: cannot configure VF %u: the PF has "
				       "no network interface (driver %s), and VF settings go "
				       "through it", r->pci, i, drv[0] ? drv : "none");
	}
	if ((rc = real_nl_set_vf(d, pfdev, i, cfg, e)))
		return rc;
	if (r->fake) {
		/* remember MAC and VLAN for attach's snippet */
		slot = i % (sizeof(r->cache) / sizeof(r->cache[0]));
		for (k = 0; k < sizeof(r->cache) / sizeof(r->cache[0]); k++)
			if (r->cache[k].valid && r->cache[k].vf == i)
				slot = k;
		if (!r->cache[slot].valid || r->cache[slot].vf != i)
			memset(&r->cache[slot], 0, sizeof(r->cache[slot]));
		r->cache[slot].valid = true;
		r->cache[slot].vf = i;
		if (cfg->set & SNIC_SRIOV_SET_MAC)
			memcpy(r->cache[slot].mac, cfg->mac, 6);
		if (cfg->set & SNIC_SRIOV_SET_VLAN)
			r->cache[slot].vlan = cfg->vlan;
	}
	return 0;
}

static void real_close(struct snic_sriov_dev *d)
{
	free(d);
}

static const struct snic_sriov_ops real_ops = {
	.name = "real",
	.query_nic = real_query_nic,
	.query_vf = real_query_vf,
	.set_num_vfs = real_set_num_vfs,
	.set_esw_mode = real_set_esw_mode,
	.set_vf = real_set_vf,
	.attach = real_attach,
	.detach = real_detach,
	.close = real_close,
};

static int copy_str(char *dst, const char *src)
{
	if (strlen(src) >= PATH_MAX)
		return -ENAMETOOLONG;
	strcpy(dst, src);
	return 0;
}

int sriov_real_open(const char *name, const struct snic_sriov_env *env,
		    struct snic_sriov_dev **out, struct snic_sriov_err *e)
{
	struct snic_sriov_env full;
	char pci[16], path[PATH_MAX], pf[64];
	struct real_alloc *a;
	size_t k, n = strlen(name);

	*out = NULL;
	if (e)
		e->msg[0] = '\0';
	if (!n || strchr(name, '/') || (n > 5 && !strcmp(name + n - 5, ".sock")))
		return -ENODEV;
	sriov_env_defaults(&full, env);
	if (real_is_pci_addr(name)) {
		for (k = 0; k <= n; k++)
			pci[k] = (char)tolower((unsigned char)name[k]);
		if (real_path(path, "%s/bus/pci/devices/%s", full.sysfs, pci) || !real_exists(path))
			return snic_sriov_fail(e, -ENODEV, "%s: no such PCI device (nothing at %s)",
					       pci, path);
	} else if (real_netdev_pci(full.sysfs, name, pci) != 0) {
		return -ENODEV; /* not ours: maybe a snic-sim */
	}
	if (real_path(path, "%s/bus/pci/devices/%s/physfn", full.sysfs, pci))
		return snic_sriov_fail(e, -ENAMETOOLONG, "%s: sysfs path too long", pci);
	if (!real_link_name(path, pf, sizeof(pf)))
		return snic_sriov_fail(e, -ENODEV, "%s%s%s is a virtual function of %s: open "
				       "its PF %s", strcmp(name, pci) ? name : "",
				       strcmp(name, pci) ? " / " : "", pci, pf, pf);
	if (real_path(path, "%s/bus/pci/devices/%s/sriov_totalvfs", full.sysfs, pci) ||
	    !real_exists(path))
		return snic_sriov_fail(e, -ENODEV, "%s%s%s has no SR-IOV capability (no "
				       "sriov_totalvfs)", strcmp(name, pci) ? name : "",
				       strcmp(name, pci) ? " / " : "", pci);

	a = calloc(1, sizeof(*a));
	if (!a)
		return snic_sriov_fail(e, -ENOMEM, "%s: out of memory", pci);
	if (copy_str(a->r.root, full.sysfs) || copy_str(a->r.state_dir, full.state_dir) ||
	    copy_str(a->r.sim_run_dir, full.sim_run_dir) ||
	    real_path(a->r.dir, "%s/bus/pci/devices/%s", full.sysfs, pci)) {
		free(a);
		return snic_sriov_fail(e, -ENAMETOOLONG, "%s: sysfs path too long", pci);
	}
	strcpy(a->r.pci, pci);
	a->r.fake = full.no_netlink;
	a->r.timeout_ms = REAL_TIMEOUT_MS;
	a->r.seq = (uint32_t)getpid() << 8;
	a->d.ops = &real_ops;
	a->d.env = full;
	a->d.env.sysfs = a->r.root;
	a->d.env.state_dir = a->r.state_dir;
	a->d.env.sim_run_dir = a->r.sim_run_dir;
	snprintf(a->d.name, sizeof(a->d.name), "%s", pci);
	a->d.priv = &a->r;
	*out = &a->d;
	return 0;
}

int sriov_real_list(const struct snic_sriov_env *env,
		    int (*fn)(void *arg, const char *name), void *arg,
		    struct snic_sriov_err *e)
{
	struct snic_sriov_env full;
	struct dirent **ents = NULL;
	char path[PATH_MAX];
	int n, k, rc = 0;

	sriov_env_defaults(&full, env);
	if (real_path(path, "%s/bus/pci/devices", full.sysfs))
		return snic_sriov_fail(e, -ENAMETOOLONG, "sysfs path too long");
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0)
		return 0; /* no PCI bus here: no real NICs */
	for (k = 0; k < n; k++) {
		const char *dn = ents[k]->d_name;
		char tv[PATH_MAX], pf[PATH_MAX];

		if (!rc && real_is_pci_addr(dn) &&
		    !real_path(tv, "%s/%s/sriov_totalvfs", path, dn) && real_exists(tv) &&
		    !real_path(pf, "%s/%s/physfn", path, dn) && !real_exists(pf))
			rc = fn(arg, dn);
		free(ents[k]);
	}
	free(ents);
	return rc;
}
