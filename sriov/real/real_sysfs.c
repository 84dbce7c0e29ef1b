/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * real_sysfs.c - the real backend's view of sysfs: paths under a root that
 * tests point at a fake tree, reading and writing attributes, symlinks
 * (driver, virtfnN, device), waiting for the kernel to reach a state, a
 * device's netdev and the representors of its VFs.
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
#include <time.h>
#include <unistd.h>

#include "real_internal.h"

bool real_is_pci_addr(const char *s)
{
	/* DDDD:BB:DD.F, hex, function 0-7 */
	static const char shape[] = "xxxx:xx:xx.x";
	size_t i;

	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (i = 0; shape[i]; i++) {
		if (shape[i] == 'x' ? !isxdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	}
	return s[11] >= '0' && s[11] <= '7';
}

int real_path(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

int real_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (len)
		buf[0] = '\0';
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int real_read_uint(const char *path, unsigned *v)
{
	char buf[32], *end;
	unsigned long x;
	int rc = real_read(path, buf, sizeof(buf));

	if (rc)
		return rc;
	errno = 0;
	x = strtoul(buf, &end, 0);
	if (errno || end == buf || *end || x > 0xffffffffUL)
		return -EINVAL;
	*v = (unsigned)x;
	return 0;
}

int real_write(const char *path, const char *val)
{
	size_t n = strlen(val);
	ssize_t w;
	int err = 0;
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	w = write(fd, val, n);
	if (w < 0)
		err = -errno;
	else if ((size_t)w != n)
		err = -EIO;
	if (close(fd) != 0 && !err)
		err = -errno;
	return err;
}

int real_link_name(const char *path, char *buf, size_t len)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *base;

	if (len)
		buf[0] = '\0';
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

bool real_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

void real_dev_netdev(const char *devdir, char *buf, size_t len)
{
	char path[PATH_MAX];
	struct dirent **ents = NULL;
	int n, i;

	buf[0] = '\0';
	if (real_path(path, "%s/net", devdir))
		return;
	n = scandir(path, &ents, NULL, alphasort);
	for (i = 0; i < n; i++) {
		const char *dn = ents[i]->d_name;
		char port[IF_NAMESIZE], ppath[PATH_MAX];
		unsigned a, b;

		/* a PF's representors (mlx5: pfXvfY, pfXsfY) hang under it too */
		if (!buf[0] && dn[0] != '.' && strlen(dn) < len &&
		    (real_path(ppath, "%s/net/%s/phys_port_name", devdir, dn) ||
		     real_read(ppath, port, sizeof(port)) ||
		     (sscanf(port, "pf%uvf%u", &a, &b) != 2 &&
		      sscanf(port, "pf%usf%u", &a, &b) != 2)))
			strcpy(buf, dn);
		free(ents[i]);
	}
	free(ents);
}

void real_dev_driver(const char *devdir, char *buf, size_t len)
{
	char path[PATH_MAX];

	buf[0] = '\0';
	if (!real_path(path, "%s/driver", devdir))
		real_link_name(path, buf, len);
}

int real_netdev_pci(const char *root, const char *netdev, char pci[16])
{
	char path[PATH_MAX], name[64];

	if (!netdev[0] || strchr(netdev, '/') || strlen(netdev) >= IF_NAMESIZE ||
	    !strcmp(netdev, ".") || !strcmp(netdev, ".."))
		return -ENODEV;
	if (real_path(path, "%s/class/net/%s/device", root, netdev) ||
	    real_link_name(path, name, sizeof(name)) || !real_is_pci_addr(name))
		return -ENODEV;
	/* the device must be on the PCI bus of this tree */
	if (real_path(path, "%s/bus/pci/devices/%s", root, name) || !real_exists(path))
		return -ENODEV;
	strcpy(pci, name);
	return 0;
}

int real_vf_pci(struct real_dev *r, unsigned i, char pci[16])
{
	char path[PATH_MAX], name[64];
	int rc = real_path(path, "%s/virtfn%u", r->dir, i);

	if (!rc)
		rc = real_link_name(path, name, sizeof(name));
	if (rc)
		return rc;
	if (!real_is_pci_addr(name))
		return -EINVAL;
	strcpy(pci, name);
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

bool real_wait(struct real_dev *r, bool (*pred)(void *arg), void *arg)
{
	/* sysfs has no change notification for kernel-made state: look again
	 * every 10 ms, sleeping in between */
	uint64_t end = now_ms() + r->timeout_ms;
	const struct timespec nap = {0, 10 * 1000 * 1000};

	for (;;) {
		if (pred(arg))
			return true;
		if (now_ms() >= end)
			return false;
		nanosleep(&nap, NULL);
	}
}

int real_ifindex(struct real_dev *r, const char *netdev)
{
	char path[PATH_MAX];
	unsigned v;
	int rc = real_path(path, "%s/class/net/%s/ifindex", r->root, netdev);

	if (!rc)
		rc = real_read_uint(path, &v);
	if (rc)
		return rc;
	return v > 0 && v <= INT_MAX ? (int)v : -EINVAL;
}

void real_representor(struct real_dev *r, const char *pf_netdev, unsigned i,
		      char rep_netdev[IF_NAMESIZE], char port[IF_NAMESIZE])
{
	char path[PATH_MAX], sw[64], other[64], name[IF_NAMESIZE];
	struct dirent **ents = NULL;
	unsigned pfnum = (unsigned)(r->pci[11] - '0');
	int n, k;

	rep_netdev[0] = port[0] = '\0';
	if (!pf_netdev[0] || real_path(path, "%s/class/net/%s/phys_switch_id", r->root, pf_netdev) ||
	    real_read(path, sw, sizeof(sw)) || !sw[0])
		return;
	if (real_path(path, "%s/class/net", r->root))
		return;
	n = scandir(path, &ents, NULL, alphasort);
	for (k = 0; k < n; k++) {
		const char *dn = ents[k]->d_name;
		unsigned p, v;
		char tail;

		if (!rep_netdev[0] && dn[0] != '.' && strlen(dn) < IF_NAMESIZE &&
		    !real_path(path, "%s/class/net/%s/phys_switch_id", r->root, dn) &&
		    !real_read(path, other, sizeof(other)) && !strcmp(other, sw) &&
		    !real_path(path, "%s/class/net/%s/phys_port_name", r->root, dn) &&
		    !real_read(path, name, sizeof(name)) &&
		    sscanf(name, "pf%uvf%u%c", &p, &v, &tail) == 2 && p == pfnum && v == i) {
			strcpy(rep_netdev, dn);
			strcpy(port, name);
		}
		free(ents[k]);
	}
	free(ents);
}

int real_write_fail(struct snic_sriov_err *e, int err, const char *who,
		    const char *what, const char *path)
{
	if ((err == -EACCES || err == -EPERM) && geteuid() != 0)
		return snic_sriov_fail(e, -EPERM, "%s: %s: must run as root (%s: %s)",
				       who, what, path, strerror(-err));
	if (err == -ENOENT)
		return snic_sriov_fail(e, -EIO, "%s: %s: %s does not exist", who, what, path);
	return snic_sriov_fail(e, err, "%s: %s: the kernel refused (%s: %s); see dmesg",
			       who, what, path, strerror(-err));
}
