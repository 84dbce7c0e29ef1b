/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * real_attach.c - giving a real VF to a VM and taking it back.
 *
 * Attach: driver_override=vfio-pci, unbind from the host driver
 * (drivers/<old>/unbind), drivers_probe, and check that the kernel really
 * bound vfio-pci (the `driver` link); a failure puts the VF back where it
 * was.  The result is a libvirt <interface type='hostdev'> (with the VF's
 * MAC and VLAN) or <hostdev> snippet and the QEMU -device vfio-pci argument;
 * `undo` is "driver=<old>".  Detach clears driver_override, unbinds vfio-pci
 * (refused while a process holds the VF's /dev/vfio group) and binds exactly
 * the driver named in `undo`.  SNIC_SRIOV_ATTACH_PRINT only gives the
 * snippet and leaves the VF alone (the core keeps no record then).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "real_internal.h"

#define VFIO "vfio-pci"

struct drv_wait {
	char path[PATH_MAX];   /* <vfdir>/driver */
	const char *want;      /* driver name, "" = unbound */
};

static bool drv_is(void *arg)
{
	struct drv_wait *w = arg;
	char name[64];

	if (real_link_name(w->path, name, sizeof(name)))
		name[0] = '\0';
	return !strcmp(name, w->want);
}

static bool wait_driver(struct real_dev *r, const char *vfdir, const char *want)
{
	struct drv_wait w = {.want = want};

	if (real_path(w.path, "%s/driver", vfdir))
		return false;
	return real_wait(r, drv_is, &w);
}

static int bus_write(struct real_dev *r, const char *file, const char *val)
{
	char path[PATH_MAX];
	int rc = real_path(path, "%s/bus/pci/%s", r->root, file);

	return rc ? rc : real_write(path, val);
}

/* Append s to the XML buffer as an attribute value, escaped. */
static void xml_esc(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);

	for (; *s && n + 7 < len; s++) {
		const char *rep = NULL;

		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '\'': rep = "&apos;"; break;
		case '"': rep = "&quot;"; break;
		default: break;
		}
		if (rep) {
			strcpy(buf + n, rep);
			n += strlen(rep);
		} else {
			buf[n++] = *s;
		}
	}
	buf[n] = '\0';
}

static void xml_cat(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s", s);
}

int real_libvirt_xml(const char *pci, const uint8_t *mac, uint16_t vlan, char *buf,
		     size_t len)
{
	char dom[8], bus[8], slot[8], fn[8], m[18], tag[8];

	if (!real_is_pci_addr(pci) || len < 512)
		return -EINVAL;
	snprintf(dom, sizeof(dom), "0x%.4s", pci);
	snprintf(bus, sizeof(bus), "0x%.2s", pci + 5);
	snprintf(slot, sizeof(slot), "0x%.2s", pci + 8);
	snprintf(fn, sizeof(fn), "0x%c", pci[11]);
	buf[0] = '\0';
	if (mac) {
		snic_sriov_format_mac(mac, m);
		xml_cat(buf, len, "<interface type='hostdev' managed='yes'>\n  <mac address='");
		xml_esc(buf, len, m);
		xml_cat(buf, len, "'/>\n  <source>\n    <address type='pci' domain='");
	} else {
		xml_cat(buf, len, "<hostdev mode='subsystem' type='pci' managed='yes'>\n"
			"  <source>\n    <address domain='");
	}
	xml_esc(buf, len, dom);
	xml_cat(buf, len, "' bus='");
	xml_esc(buf, len, bus);
	xml_cat(buf, len, "' slot='");
	xml_esc(buf, len, slot);
	xml_cat(buf, len, "' function='");
	xml_esc(buf, len, fn);
	xml_cat(buf, len, "'/>\n  </source>\n");
	if (mac && vlan) {
		snprintf(tag, sizeof(tag), "%u", vlan);
		xml_cat(buf, len, "  <vlan>\n    <tag id='");
		xml_esc(buf, len, tag);
		xml_cat(buf, len, "'/>\n  </vlan>\n");
	}
	xml_cat(buf, len, mac ? "</interface>\n" : "</hostdev>\n");
	return 0;
}

/* A process that holds the VF's vfio group open (real mode): its pid. */
static int vfio_user(const char *vfdir, char *comm, size_t comm_len)
{
	char path[PATH_MAX], group[32], want[64], target[PATH_MAX];
	DIR *proc, *fds;
	struct dirent *p, *f;
	int pid = 0;

	if (real_path(path, "%s/iommu_group", vfdir) ||
	    real_link_name(path, group, sizeof(group)) || !(proc = opendir("/proc")))
		return 0;
	snprintf(want, sizeof(want), "/dev/vfio/%s", group);
	while (!pid && (p = readdir(proc))) {
		if (!isdigit((unsigned char)p->d_name[0]) ||
		    real_path(path, "/proc/%s/fd", p->d_name) || !(fds = opendir(path)))
			continue;
		while (!pid && (f = readdir(fds))) {
			ssize_t n;

			if (real_path(path, "/proc/%s/fd/%s", p->d_name, f->d_name))
				continue;
			n = readlink(path, target, sizeof(target) - 1);
			if (n > 0 && (target[n] = '\0', !strcmp(target, want))) {
				pid = atoi(p->d_name);
				if (!real_path(path, "/proc/%s/comm", p->d_name))
					real_read(path, comm, comm_len);
			}
		}
		closedir(fds);
	}
	closedir(proc);
	return pid;
}

/* Put the VF back to `old` after a failed attach (best effort). */
static void restore(struct real_dev *r, const char *vfdir, const char *vfpci, const char *old)
{
	char path[PATH_MAX], cur[64];

	if (!real_path(path, "%s/driver_override", vfdir))
		real_write(path, "\n");
	real_dev_driver(vfdir, cur, sizeof(cur));
	if (!strcmp(cur, old))
		return;
	if (cur[0] && !real_path(path, "%s/bus/pci/drivers/%s/unbind", r->root, cur))
		real_write(path, vfpci);
	if (old[0] && !real_path(path, "%s/bus/pci/drivers/%s/bind", r->root, old))
		real_write(path, vfpci);
}

static int vf_dir(struct snic_sriov_dev *d, unsigned i, char vfpci[16], char *vfdir,
		  struct snic_sriov_err *e)
{
	struct real_dev *r = real_of(d);
	int rc = real_vf_pci(r, i, vfpci);

	if (rc)
		return snic_sriov_fail(e, -ERANGE, "%s: no VF %u (no virtfn%u in %s): enable "
				       "more VFs first", r->pci, i, i, r->dir);
	if (real_path(vfdir, "%s/bus/pci/devices/%s", r->root, vfpci))
		return snic_sriov_fail(e, -ENAMETOOLONG, "%s: sysfs path too long", r->pci);
	return 0;
}

/* The VF's admin MAC and VLAN for the snippet: the kernel's, or (fake tree)
 * what this handle set. */
static bool vf_mac_vlan(struct snic_sriov_dev *d, unsigned i, uint8_t mac[6], uint16_t *vlan)
{
	static const uint8_t zero[6];
	struct real_dev *r = real_of(d);
	struct snic_sriov_err ignore;
	struct snic_sriov_vf vf;
	char pfdev[IF_NAMESIZE];
	unsigned k;

	*vlan = 0;
	if (r->fake) {
		for (k = 0; k < sizeof(r->cache) / sizeof(r->cache[0]); k++) {
			if (r->cache[k].valid && r->cache[k].vf == i) {
				memcpy(mac, r->cache[k].mac, 6);
				*vlan = r->cache[k].vlan;
				return memcmp(mac, zero, 6) != 0;
			}
		}
		return false;
	}
	real_dev_netdev(r->dir, pfdev, sizeof(pfdev));
	memset(&vf, 0, sizeof(vf));
	if (!pfdev[0] || real_nl_get_vf(d, pfdev, i, &vf, &ignore))
		return false;
	memcpy(mac, vf.mac, 6);
	*vlan = vf.vlan;
	return memcmp(mac, zero, 6) != 0;
}

int real_attach(struct snic_sriov_dev *d, unsigned i, const struct snic_sriov_attach *a,
		struct snic_sriov_attach_out *out, char *undo, size_t undo_len,
		struct snic_sriov_err *e)
{
	struct real_dev *r = real_of(d);
	char vfpci[16], vfdir[PATH_MAX], path[PATH_MAX], old[64], who[80];
	uint8_t mac[6];
	uint16_t vlan;
	bool have_mac;
	int rc;

	if ((rc = vf_dir(d, i, vfpci, vfdir, e)))
		return rc;
	snprintf(who, sizeof(who), "%s VF %u (%s)", r->pci, i, vfpci);
	real_dev_driver(vfdir, old, sizeof(old));
	if (!strcmp(old, VFIO))
		return snic_sriov_fail(e, -EBUSY, "%s is already bound to vfio-pci (in use by "
				       "a VM?): detach it or unbind it first", who);
	if (real_path(path, "%s/bus/pci/drivers/%s", r->root, VFIO) || !real_exists(path))
		return snic_sriov_fail(e, -EOPNOTSUPP, "%s: the vfio-pci driver is not loaded "
				       "(no %s): modprobe vfio-pci", who, path);
	have_mac = vf_mac_vlan(d, i, mac, &vlan);
	snprintf(out->qemu_args, sizeof(out->qemu_args), "-device vfio-pci,host=%s", vfpci);
	real_libvirt_xml(vfpci, have_mac ? mac : NULL, vlan, out->libvirt_xml,
			 sizeof(out->libvirt_xml));
	if (a && a->mode == SNIC_SRIOV_ATTACH_PRINT) {
		/* the snippet only: libvirt (managed='yes') binds vfio-pci itself */
		if (undo_len)
			undo[0] = '\0';
		snprintf(out->summary, sizeof(out->summary), "%s: left bound to %s; the "
			 "snippet is for VM %s (libvirt binds vfio-pci itself)", who,
			 old[0] ? old : "no driver", a->vm ? a->vm : "?");
		return 0;
	}
	if ((size_t)snprintf(undo, undo_len, "driver=%s", old) >= undo_len)
		return snic_sriov_fail(e, -EINVAL, "%s: undo buffer too small", who);

	if (real_path(path, "%s/driver_override", vfdir))
		return -ENAMETOOLONG;
	if ((rc = real_write(path, VFIO)))
		return real_write_fail(e, rc, who, "setting driver_override to vfio-pci", path);
	if (old[0]) {
		if (real_path(path, "%s/bus/pci/drivers/%s/unbind", r->root, old) ||
		    (rc = real_write(path, vfpci))) {
			restore(r, vfdir, vfpci, old);
			return real_write_fail(e, rc ? rc : -ENAMETOOLONG, who, "unbinding", path);
		}
		if (!wait_driver(r, vfdir, "")) {
			restore(r, vfdir, vfpci, old);
			return snic_sriov_fail(e, -EIO, "%s: wrote %s to %s but the kernel still "
					       "shows it bound after %u ms", who, vfpci, path,
					       r->timeout_ms);
		}
	}
	rc = bus_write(r, "drivers_probe", vfpci);
	if (rc || !wait_driver(r, vfdir, VFIO)) {
		char cur[64], cur_group[32];
		bool group;

		real_dev_driver(vfdir, cur, sizeof(cur));
		group = !real_path(path, "%s/iommu_group", vfdir) &&
			!real_link_name(path, cur_group, sizeof(cur_group));
		restore(r, vfdir, vfpci, old);
		if (rc)
			return snic_sriov_fail(e, rc == -EACCES ? -EPERM : -EIO,
					       "%s: vfio-pci refused the VF (drivers_probe: %s)%s",
					       who, strerror(-rc), group ? "; see dmesg" :
					       "; it has no IOMMU group: enable the IOMMU "
					       "(intel_iommu=on / amd_iommu=on)");
		return snic_sriov_fail(e, -EIO, "%s: vfio-pci did not bind within %u ms (the "
				       "driver link shows \"%s\")%s; the VF was given back to "
				       "%s", who, r->timeout_ms, cur,
				       group ? "" : "; it has no IOMMU group: enable the IOMMU",
				       old[0] ? old : "no driver");
	}

	snprintf(out->summary, sizeof(out->summary),
		 "%s: unbound from %s, bound to vfio-pci for VM %s", who,
		 old[0] ? old : "no driver", a && a->vm ? a->vm : "?");
	return 0;
}

int real_detach(struct snic_sriov_dev *d, unsigned i, const char *vm, const char *undo,
		struct snic_sriov_err *e)
{
	struct real_dev *r = real_of(d);
	char vfpci[16], vfdir[PATH_MAX], path[PATH_MAX], cur[64], want[64], who[80], comm[32];
	int rc, pid;

	if ((rc = vf_dir(d, i, vfpci, vfdir, e)))
		return rc;
	snprintf(who, sizeof(who), "%s VF %u (%s)", r->pci, i, vfpci);
	if (!undo || strncmp(undo, "driver=", 7) || strlen(undo + 7) >= sizeof(want) ||
	    strchr(undo + 7, '/') || !strcmp(undo + 7, ".") || !strcmp(undo + 7, ".."))
		return snic_sriov_fail(e, -EINVAL, "%s: the attachment record's undo \"%s\" is "
				       "not \"driver=NAME\"", who, undo ? undo : "");
	strcpy(want, undo + 7);
	real_dev_driver(vfdir, cur, sizeof(cur));
	if (cur[0] && strcmp(cur, VFIO) && strcmp(cur, want))
		return snic_sriov_fail(e, -EBUSY, "%s is bound to %s, neither vfio-pci nor %s: "
				       "not touching it", who, cur, want);
	if (!strcmp(cur, VFIO) && !r->fake && (pid = vfio_user(vfdir, comm, sizeof(comm))))
		return snic_sriov_fail(e, -EBUSY, "%s is in use by VM %s: process %d (%s) holds "
				       "its vfio group; shut the VM down or detach the device "
				       "from it first", who, vm ? vm : "?", pid, comm);
	if (want[0] && (real_path(path, "%s/bus/pci/drivers/%s", r->root, want) ||
			!real_exists(path)))
		return snic_sriov_fail(e, -ENODEV, "%s: cannot give it back to %s: that driver "
				       "is not loaded (modprobe %s)", who, want, want);

	if (real_path(path, "%s/driver_override", vfdir))
		return -ENAMETOOLONG;
	if ((rc = real_write(path, "\n")))
		return real_write_fail(e, rc, who, "clearing driver_override", path);
	if (!strcmp(cur, VFIO)) {
		if (real_path(path, "%s/bus/pci/drivers/%s/unbind", r->root, VFIO) ||
		    (rc = real_write(path, vfpci)))
			return real_write_fail(e, rc ? rc : -ENAMETOOLONG, who,
					       "unbinding vfio-pci", path);
		if (!wait_driver(r, vfdir, ""))
			return snic_sriov_fail(e, -EIO, "%s: wrote %s to %s but vfio-pci still "
					       "holds it after %u ms", who, vfpci, path,
					       r->timeout_ms);
		cur[0] = '\0';
	}
	if (!want[0] || !strcmp(cur, want))
		return 0;
	if (real_path(path, "%s/bus/pci/drivers/%s/bind", r->root, want) ||
	    (rc = real_write(path, vfpci)))
		return real_write_fail(e, rc ? rc : -ENAMETOOLONG, who, "binding it back", path);
	if (!wait_driver(r, vfdir, want)) {
		real_dev_driver(vfdir, cur, sizeof(cur));
		return snic_sriov_fail(e, -EIO, "%s: wrote %s to %s but the kernel shows driver "
				       "\"%s\" after %u ms", who, vfpci, path, cur, r->timeout_ms);
	}
	return 0;
}
