/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ibv_discover.c - snic_ibv_discover(): the backend's device list, completed
 * from sysfs (see snic_ibv.h for which files and what is an error).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snic_ibv.h"

#define PATH_LEN 4096
#define ATTR_LEN 256 /* longest sysfs attribute read (board_id is 64) */

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void dev_err(struct snic_ibv_dev *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int mkpath(char *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* Append one sentence to the device's errors ("; " between them). */
static void dev_err(struct snic_ibv_dev *d, const char *fmt, ...)
{
	size_t used = strlen(d->error);
	va_list ap;

	d->n_errors++;
	if (used && used + 2 < sizeof(d->error)) {
		memcpy(d->error + used, "; ", 3);
		used += 2;
	}
	if (used + 1 >= sizeof(d->error))
		return;
	va_start(ap, fmt);
	vsnprintf(d->error + used, sizeof(d->error) - used, fmt, ap);
	va_end(ap);
}

/* snprintf into a PATH_LEN buffer; -ENAMETOOLONG when it does not fit. */
static int mkpath(char *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, PATH_LEN, fmt, ap);
	va_end(ap);
	return n < 0 || n >= PATH_LEN ? -ENAMETOOLONG : 0;
}

/*
 * Read a small sysfs attribute: one line of printable ASCII (the trailing
 * newline is dropped).  0, or -errno of open/read (-ENOENT: missing),
 * -EFBIG (longer than buf), -EILSEQ (control or non-ASCII bytes).
 */
static int read_attr(const char *path, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		n = read(fd, buf + got, len - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got == len) {
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	buf[got] = '\0';
	if (got && buf[got - 1] == '\n')
		buf[--got] = '\0';
	for (size_t i = 0; i < got; i++)
		if (buf[i] < 0x20 || buf[i] > 0x7e)
			return -EILSEQ;
	return 0;
}

/* Print a value read from sysfs into an error sentence, safely. */
static const char *shown(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 5 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '\'')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	return buf;
}

static void attr_read_error(struct snic_ibv_dev *d, const char *path, int rc)
{
	if (rc == -EFBIG)
		dev_err(d, "%s: longer than any valid value", path);
	else if (rc == -EILSEQ)
		dev_err(d, "%s: holds control or non-ASCII bytes", path);
	else
		dev_err(d, "%s: %s", path, strerror(-rc));
}

/* Decimal unsigned <= max, nothing else. */
static bool parse_uint(const char *s, unsigned long max, unsigned *out)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return false;
	}
	*out = (unsigned)v;
	return true;
}

/* "0x15b3" (sysfs PCI ids): 0x and 1..4 hex digits. */
static bool parse_hex16(const char *s, uint16_t *out)
{
	unsigned v = 0;
	size_t n = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return false;
	for (s += 2; *s; s++, n++) {
		if (!isxdigit((unsigned char)*s) || n == 4)
			return false;
		v = v * 16 + (unsigned)(isdigit((unsigned char)*s) ?
				       *s - '0' : tolower((unsigned char)*s) - 'a' + 10);
	}
	if (!n)
		return false;
	*out = (uint16_t)v;
	return true;
}

static bool hexrun(const char **s, size_t min, size_t max)
{
	size_t n = 0;

	while (isxdigit((unsigned char)**s) && n < max) {
		(*s)++;
		n++;
	}
	return n >= min;
}

/* DDDD:BB:DD.F (the domain may have up to 8 hex digits, e.g. behind VMD). */
static bool is_pci_addr(const char *s)
{
	if (strlen(s) >= SNIC_IBV_PCI_LEN)
		return false;
	if (!hexrun(&s, 4, 8) || *s++ != ':' || !hexrun(&s, 2, 2) || *s++ != ':' ||
	    !hexrun(&s, 2, 2) || *s++ != '.' || *s < '0' || *s > '7')
		return false;
	return s[1] == '\0';
}

/* The kernel's dev_valid_name(). */
static bool is_ifname(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= SNIC_IBV_IFNAME_LEN || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s) ||
		    (unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/*
 * The basename of a symlink's target.  0; -ENOENT (no link); -EINVAL (not a
 * symlink); -EFBIG (basename too long for len); other -errno.
 */
static int link_base(const char *path, char *out, size_t len)
{
	char target[PATH_LEN];
	const char *b;
	ssize_t n;

	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	b = strrchr(target, '/');
	b = b ? b + 1 : target;
	if (strlen(b) >= len)
		return -EFBIG;
	strcpy(out, b);
	return 0;
}

static int cmp_ver(const void *a, const void *b)
{
	return strverscmp((const char *)a, (const char *)b);
}

static int cmp_dev(const void *a, const void *b)
{
	return strverscmp(((const struct snic_ibv_dev *)a)->name,
			  ((const struct snic_ibv_dev *)b)->name);
}

/* ---- sysfs: one device ---- */

static void sysfs_pci(struct snic_ibv_dev *d, const char *devdir)
{
	char path[PATH_LEN], val[ATTR_LEN], shw[ATTR_LEN * 4 + 8];
	char base[SNIC_IBV_PCI_LEN];
	static const char *const idfile[2] = { "vendor", "device" };
	uint16_t *idval[2] = { &d->pci_vendor, &d->pci_device };
	int rc;

	/* device/physfn: this is a VF. */
	if (mkpath(path, "%s/device/physfn", devdir) == 0) {
		rc = link_base(path, base, sizeof(base));
		if (rc == 0 && is_pci_addr(base)) {
			d->is_vf = true;
			strcpy(d->pf_pci_addr, base);
		} else if (rc == 0 || rc == -EFBIG) {
			dev_err(d, "%s: points at '%s', not a PCI address", path,
				rc ? "(too long)" : shown(base, shw, sizeof(shw)));
		} else if (rc != -ENOENT) {
			dev_err(d, "%s: %s", path, rc == -EINVAL ? "not a symlink" : strerror(-rc));
		}
	}

	for (int i = 0; i < 2; i++) {
		if (mkpath(path, "%s/device/%s", devdir, idfile[i]) < 0)
			continue;
		rc = read_attr(path, val, sizeof(val));
		if (rc == -ENOENT)
			dev_err(d, "%s: missing (every PCI device has it)", path);
		else if (rc < 0)
			attr_read_error(d, path, rc);
		else if (!parse_hex16(val, idval[i]))
			dev_err(d, "%s: '%s' is not a PCI id (want 0x and 4 hex digits)",
				path, shown(val, shw, sizeof(shw)));
	}

	/* SR-IOV: both files or neither. */
	{
		static const char *const sfile[2] = { "sriov_totalvfs", "sriov_numvfs" };
		unsigned *sval[2] = { &d->sriov_total_vfs, &d->sriov_num_vfs };
		int present = 0, ok = 0, missing = -1;

		for (int i = 0; i < 2; i++) {
			if (mkpath(path, "%s/device/%s", devdir, sfile[i]) < 0)
				continue;
			rc = read_attr(path, val, sizeof(val));
			if (rc == -ENOENT) {
				missing = i;
				continue;
			}
			present++;
			if (rc < 0)
				attr_read_error(d, path, rc);
			else if (!parse_uint(val, 65535, sval[i]))
				dev_err(d, "%s: '%s' is not a number of VFs (0..65535)",
					path, shown(val, shw, sizeof(shw)));
			else
				ok++;
		}
		if (present == 1 && missing >= 0 &&
		    mkpath(path, "%s/device/%s", devdir, sfile[missing]) == 0)
			dev_err(d, "%s: missing (its sibling %s is present)", path,
				sfile[!missing]);
		if (ok == 2) {
			d->has_sriov = true;
			if (d->sriov_num_vfs > d->sriov_total_vfs)
				dev_err(d, "%s/device: sriov_numvfs %u is more than sriov_totalvfs %u",
					devdir, d->sriov_num_vfs, d->sriov_total_vfs);
		} else {
			d->sriov_total_vfs = d->sriov_num_vfs = 0;
		}
	}
}

static void sysfs_netdevs(struct snic_ibv_dev *d, const char *devdir)
{
	char path[PATH_LEN], shw[1100];
	struct dirent *de;
	unsigned cap = 0;
	DIR *dir;

	if (mkpath(path, "%s/device/net", devdir) < 0)
		return;
	dir = opendir(path);
	if (!dir) {
		if (errno != ENOENT)
			dev_err(d, "%s: %s", path, strerror(errno));
		return;
	}
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!is_ifname(de->d_name)) {
			dev_err(d, "%s: entry '%s' is not a network interface name",
				path, shown(de->d_name, shw, sizeof(shw)));
			continue;
		}
		if (d->n_netdevs == cap) {
			unsigned ncap = cap ? cap * 2 : 4;
			void *p = realloc(d->netdevs, ncap * sizeof(*d->netdevs));

			if (!p) {
				dev_err(d, "%s: out of memory", path);
				break;
			}
			d->netdevs = p;
			cap = ncap;
		}
		strcpy(d->netdevs[d->n_netdevs++], de->d_name);
	}
	closedir(dir);
	if (d->n_netdevs > 1)
		qsort(d->netdevs, d->n_netdevs, sizeof(*d->netdevs), cmp_ver);
}

static void sysfs_port_netdev(struct snic_ibv_dev *d, const char *devdir,
			      struct snic_ibv_port *p)
{
	char path[PATH_LEN], val[ATTR_LEN], shw[ATTR_LEN * 4 + 8];
	int rc;

	if (mkpath(path, "%s/ports/%u/gid_attrs/ndevs/0", devdir, p->num) < 0)
		return;
	rc = read_attr(path, val, sizeof(val));
	/* Missing, or (EINVAL/ENODATA) GID 0 has no netdev: an IB port. */
	if (rc == -ENOENT || rc == -EINVAL || rc == -ENODATA)
		return;
	if (rc < 0)
		attr_read_error(d, path, rc);
	else if (!is_ifname(val))
		dev_err(d, "%s: '%s' is not a network interface name", path,
			shown(val, shw, sizeof(shw)));
	else
		strcpy(p->netdev, val);
}

/* device: which bus, which address; the PCI files; the netdevs. */
static void sysfs_bus(struct snic_ibv_dev *d, const char *devdir)
{
	char path[PATH_LEN], shw[ATTR_LEN * 4 + 8], base[ATTR_LEN], sub[ATTR_LEN];
	int rc;

	if (mkpath(path, "%s/device", devdir) < 0)
		return;
	rc = link_base(path, base, sizeof(base));
	if (rc == -ENOENT)
		return; /* a software device (rxe, siw): not on any bus */
	if (rc < 0) {
		dev_err(d, "%s: %s", path, rc == -EINVAL ? "not a symlink" :
			rc == -EFBIG ? "points at a name too long for a device" :
			strerror(-rc));
		return;
	}
	if (mkpath(path, "%s/device/subsystem", devdir) < 0)
		return;
	rc = link_base(path, sub, sizeof(sub));
	if (rc < 0)
		dev_err(d, "%s: %s", path, rc == -ENOENT ? "missing (every bus device has it)" :
			rc == -EINVAL ? "not a symlink" : strerror(-rc));
	else if (strcmp(sub, "pci") == 0 && !is_pci_addr(base))
		dev_err(d, "%s/device: points at '%s', not a PCI address", devdir,
			shown(base, shw, sizeof(shw)));
	else if (strcmp(sub, "pci") == 0) {
		strcpy(d->pci_addr, base);
		sysfs_pci(d, devdir);
	}
	/* (another bus, e.g. a platform device: no PCI address) */
	sysfs_netdevs(d, devdir);
}

static void sysfs_dev(struct snic_ibv_dev *d, const char *root)
{
	char devdir[PATH_LEN], path[PATH_LEN], val[ATTR_LEN];
	int rc;

	if (mkpath(devdir, "%s/class/infiniband/%s", root, d->name) < 0) {
		dev_err(d, "%s/class/infiniband/%s: path too long", root, d->name);
		return;
	}
	if (access(devdir, F_OK) != 0) {
		dev_err(d, "%s: %s (libibverbs lists %s, sysfs does not)", devdir,
			strerror(errno), d->name);
		return;
	}

	/* board_id: optional. */
	if (mkpath(path, "%s/board_id", devdir) == 0) {
		rc = read_attr(path, val, sizeof(val));
		if (rc == 0 && strlen(val) < sizeof(d->board_id))
			strcpy(d->board_id, val);
		else if (rc == 0)
			dev_err(d, "%s: longer than any valid value", path);
		else if (rc != -ENOENT)
			attr_read_error(d, path, rc);
	}

	sysfs_bus(d, devdir);
	for (unsigned i = 0; i < d->n_ports; i++)
		sysfs_port_netdev(d, devdir, &d->ports[i]);
}

/* ---- the backend's view of one device ---- */

static void verbs_dev(struct snic_ibv_dev *d, const struct snic_ibv_ops *ops,
		      void *list, int i)
{
	void *h = NULL;
	int rc;

	rc = ops->open(list, i, &h);
	if (rc < 0) {
		dev_err(d, "ibv_open_device: %s", strerror(-rc));
		return;
	}
	rc = ops->query_device(h, &d->attr);
	if (rc < 0) {
		memset(&d->attr, 0, sizeof(d->attr));
		dev_err(d, "ibv_query_device: %s", strerror(-rc));
		ops->close(h);
		return;
	}
	d->attr.fw_ver[sizeof(d->attr.fw_ver) - 1] = '\0';
	d->opened = true;
	if (d->attr.phys_port_cnt > 255) {
		dev_err(d, "ibv_query_device: %u ports (at most 255)",
			d->attr.phys_port_cnt);
		d->attr.phys_port_cnt = 255;
	}
	d->n_ports = d->attr.phys_port_cnt;
	if (d->n_ports) {
		d->ports = calloc(d->n_ports, sizeof(*d->ports));
		if (!d->ports) {
			dev_err(d, "out of memory");
			d->n_ports = 0;
		}
	}
	for (unsigned p = 0; p < d->n_ports; p++) {
		struct snic_ibv_port *port = &d->ports[p];

		port->num = p + 1;
		rc = ops->query_port(h, port->num, &port->attr);
		if (rc < 0) {
			memset(&port->attr, 0, sizeof(port->attr));
			port->query_rc = rc;
			dev_err(d, "ibv_query_port(port %u): %s",
				port->num, strerror(-rc));
			continue;
		}
		port->rate_mbps = snic_ibv_rate_mbps(port->attr.active_speed,
						     port->attr.active_width);
	}
	ops->close(h);
}

static void identify(struct snic_ibv_dev *d)
{
	bool vf_part = false;
	const char *m;

	d->connectx = (d->opened && (d->attr.vendor_id == 0x02c9 ||
				     d->attr.vendor_id == 0x15b3)) ||
		      d->pci_vendor == 0x15b3;
	d->model = "";
	if (!d->connectx)
		return;
	m = snic_ibv_model_name(d->opened ? d->attr.vendor_part_id : d->pci_device,
				&vf_part);
	if (m) {
		d->model = m;
		d->is_vf |= vf_part;
	}
}

/* ---- the report ---- */

static void free_dev(struct snic_ibv_dev *d)
{
	free(d->netdevs);
	free(d->ports);
}

void snic_ibv_report_free(struct snic_ibv_report *r)
{
	if (!r)
		return;
	for (unsigned i = 0; i < r->n_devs; i++)
		free_dev(&r->devs[i]);
	free(r->devs);
	free(r->sysfs_only);
	free(r->sysfs_root);
	free(r->message);
	free(r);
}

/* Names in <root>/class/infiniband the backend did not list. */
static int find_sysfs_only(struct snic_ibv_report *r, char *err, size_t errlen)
{
	char path[PATH_LEN];
	struct dirent *de;
	unsigned cap = 0;
	DIR *dir;

	if (mkpath(path, "%s/class/infiniband", r->sysfs_root) < 0)
		return 0;
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? 0 :
			fail(err, errlen, -errno, "%s: %s", path, strerror(errno));
	while ((de = readdir(dir))) {
		bool listed = false;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= SNIC_IBV_NAME_LEN)
			continue;
		for (unsigned i = 0; i < r->n_devs && !listed; i++)
			listed = !strcmp(r->devs[i].name, de->d_name);
		if (listed)
			continue;
		if (r->n_sysfs_only == cap) {
			unsigned ncap = cap ? cap * 2 : 4;
			void *p = realloc(r->sysfs_only, ncap * sizeof(*r->sysfs_only));

			if (!p) {
				closedir(dir);
				return fail(err, errlen, -ENOMEM, "out of memory");
			}
			r->sysfs_only = p;
			cap = ncap;
		}
		strcpy(r->sysfs_only[r->n_sysfs_only++], de->d_name);
	}
	closedir(dir);
	if (r->n_sysfs_only > 1)
		qsort(r->sysfs_only, r->n_sysfs_only, sizeof(*r->sysfs_only), cmp_ver);
	return 0;
}

static int make_message(struct snic_ibv_report *r)
{
	char *names = NULL, *msg = NULL;
	size_t nlen = 0;
	FILE *f;
	int rc;

	if (r->n_sysfs_only) {
		f = open_memstream(&names, &nlen);
		if (!f)
			return -ENOMEM;
		for (unsigned i = 0; i < r->n_sysfs_only; i++)
			fprintf(f, "%s%s", i ? ", " : "", r->sysfs_only[i]);
		if (fclose(f) != 0) {
			free(names);
			return -ENOMEM;
		}
	}
	if (r->n_devs == 0 && r->n_sysfs_only)
		rc = asprintf(&msg, "no usable RDMA devices: %s/class/infiniband lists %s "
			      "but libibverbs sees none (are the user-space providers "
			      "installed - Debian: ibverbs-providers - and ib_uverbs loaded?)",
			      r->sysfs_root, names);
	else if (r->n_devs == 0 && r->kernel_no_rdma)
		rc = asprintf(&msg, "no RDMA devices found (libibverbs sees none: the kernel "
			      "has no RDMA support loaded; is the mlx5_ib module loaded?)");
	else if (r->n_devs == 0)
		rc = asprintf(&msg, "no RDMA devices found (libibverbs sees none; "
			      "is the mlx5_ib module loaded?)");
	else if (r->n_sysfs_only)
		rc = asprintf(&msg, "%s/class/infiniband also lists %s, which libibverbs "
			      "does not see (is its user-space provider installed - "
			      "Debian: ibverbs-providers?)", r->sysfs_root, names);
	else
		rc = 0;
	free(names);
	if (rc < 0)
		return -ENOMEM;
	r->message = msg;
	return 0;
}

int snic_ibv_discover(const char *sysfs_root, const struct snic_ibv_ops *ops,
		      void *ops_ctx, struct snic_ibv_report **out,
		      char *err, size_t errlen)
{
	struct snic_ibv_report *r;
	void *list = NULL;
	int n = 0, rc;

	*out = NULL;
	if (!sysfs_root)
		sysfs_root = "/sys";
	if (!ops)
		ops = &snic_ibv_verbs_ops;
	if (!*sysfs_root)
		return fail(err, errlen, -EINVAL, "the sysfs root is empty");
	r = calloc(1, sizeof(*r));
	if (!r || !(r->sysfs_root = strdup(sysfs_root))) {
		free(r);
		return fail(err, errlen, -ENOMEM, "out of memory");
	}
	r->backend = ops->name;
	/* "/sys/" and "/sys" name the same tree: keep messages tidy. */
	for (size_t l = strlen(r->sysfs_root); l > 1 && r->sysfs_root[l - 1] == '/'; l--)
		r->sysfs_root[l - 1] = '\0';

	rc = ops->list(ops_ctx, &list, &n);
	if (rc == -ENOSYS) {
		r->kernel_no_rdma = true;
		list = NULL;
		n = 0;
	} else if (rc < 0) {
		snic_ibv_report_free(r);
		return fail(err, errlen, rc, "%s: cannot list RDMA devices: %s",
			    ops->name, strerror(-rc));
	} else if (n < 0) {
		ops->free_list(list);
		snic_ibv_report_free(r);
		return fail(err, errlen, -EPROTO, "%s: listed %d devices", ops->name, n);
	}

	if (n > 0) {
		r->devs = calloc((size_t)n, sizeof(*r->devs));
		if (!r->devs) {
			ops->free_list(list);
			snic_ibv_report_free(r);
			return fail(err, errlen, -ENOMEM, "out of memory");
		}
	}
	for (int i = 0; i < n; i++) {
		struct snic_ibv_dev *d = &r->devs[r->n_devs];
		const char *name = ops->dev_name(list, i);

		if (!name || !*name || strlen(name) >= sizeof(d->name) || strchr(name, '/') ||
		    !strcmp(name, ".") || !strcmp(name, "..")) {
			char shw[300];

			snic_ibv_report_free(r);
			rc = fail(err, errlen, -EPROTO, "%s: device %d has an invalid name '%s'",
				  ops->name, i, name ? shown(name, shw, sizeof(shw)) : "(null)");
			ops->free_list(list);
			return rc;
		}
		strcpy(d->name, name);
		r->n_devs++;
		verbs_dev(d, ops, list, i);
		sysfs_dev(d, r->sysfs_root);
		identify(d);
	}
	if (list)
		ops->free_list(list);
	if (r->n_devs > 1)
		qsort(r->devs, r->n_devs, sizeof(*r->devs), cmp_dev);
	for (unsigned i = 0; i < r->n_devs; i++)
		r->n_errors += r->devs[i].n_errors > 0;

	rc = find_sysfs_only(r, err, errlen);
	if (rc == 0 && make_message(r) < 0)
		rc = fail(err, errlen, -ENOMEM, "out of memory");
	if (rc < 0) {
		snic_ibv_report_free(r);
		return rc;
	}
	*out = r;
	return 0;
}
