/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_sriov_real_fake.c - the fake sysfs tree and fake kernel the real
 * backend's tests run against (see test_sriov_real_fake.h).
 *
 * Layout, as on a real machine (links relative, as sysfs makes them):
 *   devices/pci0000:00/0000:08:00.0/{vendor,device,sriov_totalvfs,
 *       sriov_numvfs,driver->bus/pci/drivers/mlx5_core,virtfnN->../VF,
 *       net/enp8s0f0np0/{ifindex,phys_switch_id,address,carrier,device}}
 *   devices/pci0000:00/0000:08:00.2.. (VFs: physfn, driver, driver_override,
 *       iommu_group, net/enp8s0f0vN)
 *   bus/pci/devices/<addr> -> devices/pci0000:00/<addr>
 *   bus/pci/drivers/{mlx5_core,vfio-pci,e1000e}/{bind,unbind}
 *   bus/pci/drivers_probe
 *   class/net/<netdev> -> the netdev's directory
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_sriov_real_fake.h"

#define MAX_VFS 8

/* snprintf that truncates quietly: every path here fits PATH_MAX */
static int sf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int sf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}
#define MAX_WATCH 32
#define MAX_LOG 256

enum wkind { W_NONE, W_PF, W_VF, W_DRV, W_BUS };

struct fake_kernel {
	char root[PATH_MAX];
	char pf_netdev[32];
	pthread_mutex_t lock;
	pthread_t thread;
	bool has_thread;
	int ifd, stopfd;
	bool deaf, switchdev;
	unsigned nvfs;
	struct { int wd; enum wkind kind; char key[32]; } w[MAX_WATCH];
	char log[MAX_LOG][128];
	unsigned nlog;
};

const char *fake_vf_addr(unsigned k)
{
	static char buf[MAX_VFS][16];

	sf(buf[k % MAX_VFS], 16, "0000:08:%02x.%u", (k + 2) / 8, (k + 2) % 8);
	return buf[k % MAX_VFS];
}

static void pathf(struct fake_kernel *fk, char *out, const char *rel)
{
	sf(out, PATH_MAX, "%s/%s", fk->root, rel);
}

static void mkdirs(const char *path)
{
	char tmp[PATH_MAX], *p;

	sf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	}
	mkdir(tmp, 0755);
}

static void put(struct fake_kernel *fk, const char *rel, const char *val)
{
	char path[PATH_MAX], dir[PATH_MAX], *slash;
	FILE *f;

	pathf(fk, path, rel);
	sf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	mkdirs(dir);
	f = fopen(path, "w");
	if (f) {
		fputs(val, f);
		fclose(f);
	}
}

static void lnk(struct fake_kernel *fk, const char *target, const char *rel)
{
	char path[PATH_MAX], dir[PATH_MAX];

	pathf(fk, path, rel);
	sf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	unlink(path);
	if (symlink(target, path))
		perror(path);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void rmtree(struct fake_kernel *fk, const char *rel)
{
	char path[PATH_MAX];

	pathf(fk, path, rel);
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void unl(struct fake_kernel *fk, const char *rel)
{
	char path[PATH_MAX];

	pathf(fk, path, rel);
	unlink(path);
}

int fake_read(struct fake_kernel *fk, const char *rel, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	pathf(fk, path, rel);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

int fake_write(struct fake_kernel *fk, const char *rel, const char *val)
{
	char path[PATH_MAX];
	FILE *f;

	pathf(fk, path, rel);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(val, f);
	return fclose(f) ? -errno : 0;
}

void fake_link(struct fake_kernel *fk, const char *rel, char *buf, size_t len)
{
	char path[PATH_MAX], t[PATH_MAX];
	ssize_t n;
	const char *b;

	buf[0] = '\0';
	pathf(fk, path, rel);
	n = readlink(path, t, sizeof(t) - 1);
	if (n < 0)
		return;
	t[n] = '\0';
	b = strrchr(t, '/');
	sf(buf, len, "%s", b ? b + 1 : t);
}

static void logf_(struct fake_kernel *fk, const char *fmt, const char *a, const char *b)
{
	if (fk->nlog < MAX_LOG)
		sf(fk->log[fk->nlog++], sizeof(fk->log[0]), fmt, a, b);
}

int fake_log_find(struct fake_kernel *fk, const char *entry)
{
	int i, found = -1;

	pthread_mutex_lock(&fk->lock);
	for (i = 0; i < (int)fk->nlog && found < 0; i++)
		if (!strcmp(fk->log[i], entry))
			found = i;
	pthread_mutex_unlock(&fk->lock);
	return found;
}

void fake_log_clear(struct fake_kernel *fk)
{
	pthread_mutex_lock(&fk->lock);
	fk->nlog = 0;
	pthread_mutex_unlock(&fk->lock);
}

void fake_log_print(struct fake_kernel *fk)
{
	unsigned i;

	pthread_mutex_lock(&fk->lock);
	for (i = 0; i < fk->nlog; i++)
		fprintf(stderr, "  kernel log %u: %s\n", i, fk->log[i]);
	pthread_mutex_unlock(&fk->lock);
}

static void watch(struct fake_kernel *fk, const char *rel, enum wkind kind, const char *key)
{
	char path[PATH_MAX];
	int wd, i;

	if (fk->ifd < 0)
		return;
	pathf(fk, path, rel);
	wd = inotify_add_watch(fk->ifd, path, IN_CLOSE_WRITE);
	if (wd < 0)
		return;
	for (i = 0; i < MAX_WATCH; i++) {
		if (fk->w[i].kind == W_NONE || fk->w[i].wd == wd) {
			fk->w[i].wd = wd;
			fk->w[i].kind = kind;
			sf(fk->w[i].key, sizeof(fk->w[i].key), "%s", key);
			return;
		}
	}
}

static void vf_netdev(struct fake_kernel *fk, unsigned k, bool on)
{
	char rel[PATH_MAX], name[32], val[32];
	const char *a = fake_vf_addr(k);

	sf(name, sizeof(name), "enp8s0f0v%u", k);
	if (!on) {
		sf(rel, sizeof(rel), "devices/pci0000:00/%s/net", a);
		rmtree(fk, rel);
		sf(rel, sizeof(rel), "class/net/%s", name);
		unl(fk, rel);
		return;
	}
	sf(rel, sizeof(rel), "devices/pci0000:00/%s/net/%s/ifindex", a, name);
	sf(val, sizeof(val), "%u\n", 10 + k);
	put(fk, rel, val);
	sf(rel, sizeof(rel), "devices/pci0000:00/%s/net/%s/carrier", a, name);
	put(fk, rel, "1\n");
	sf(rel, sizeof(rel), "devices/pci0000:00/%s/net/%s/address", a, name);
	sf(val, sizeof(val), "02:00:00:00:08:%02x\n", k);
	put(fk, rel, val);
	sf(rel, sizeof(rel), "devices/pci0000:00/%s/net/%s/device", a, name);
	sf(val, sizeof(val), "../../../%s", a);
	lnk(fk, val, rel);
	sf(rel, sizeof(rel), "../../devices/pci0000:00/%s/net/%s", a, name);
	sf(val, sizeof(val), "class/net/%s", name);
	lnk(fk, rel, val);
}

static void representor(struct fake_kernel *fk, unsigned k, bool on)
{
	char rel[PATH_MAX], name[32], val[64];

	sf(name, sizeof(name), "enp8s0f0npf0vf%u", k);
	if (!on) {
		sf(rel, sizeof(rel), "devices/pci0000:00/" FAKE_PF "/net/%s", name);
		rmtree(fk, rel);
		sf(rel, sizeof(rel), "class/net/%s", name);
		unl(fk, rel);
		return;
	}
	sf(rel, sizeof(rel), "devices/pci0000:00/" FAKE_PF "/net/%s/ifindex", name);
	sf(val, sizeof(val), "%u\n", 100 + k);
	put(fk, rel, val);
	sf(rel, sizeof(rel), "devices/pci0000:00/" FAKE_PF "/net/%s/phys_switch_id", name);
	put(fk, rel, FAKE_SWITCH_ID "\n");
	sf(rel, sizeof(rel), "devices/pci0000:00/" FAKE_PF "/net/%s/phys_port_name", name);
	sf(val, sizeof(val), "pf0vf%u\n", k);
	put(fk, rel, val);
	sf(rel, sizeof(rel), "../../devices/pci0000:00/" FAKE_PF "/net/%s", name);
	sf(val, sizeof(val), "class/net/%s", name);
	lnk(fk, rel, val);
}

static void bind_to(struct fake_kernel *fk, unsigned k, const char *drv)
{
	char rel[PATH_MAX], target[PATH_MAX];

	sf(rel, sizeof(rel), "devices/pci0000:00/%s/driver", fake_vf_addr(k));
	if (!drv) {
		unl(fk, rel);
		vf_netdev(fk, k, false);
		return;
	}
	sf(target, sizeof(target), "../../../bus/pci/drivers/%s", drv);
	lnk(fk, target, rel);
	if (!strcmp(drv, "mlx5_core"))
		vf_netdev(fk, k, true);
}

static void create_vf(struct fake_kernel *fk, unsigned k)
{
	const char *a = fake_vf_addr(k);
	char rel[PATH_MAX], t[PATH_MAX];

	sf(rel, sizeof(rel), "devices/pci0000:00/%s/vendor", a);
	put(fk, rel, "0x15b3\n");
	sf(rel, sizeof(rel), "devices/pci0000:00/%s/device", a);
	put(fk, rel, "0x101e\n");
	sf(rel, sizeof(rel), "devices/pci0000:00/%s/driver_override", a);
	put(fk, rel, "(null)\n");
	sf(rel, sizeof(rel), "devices/pci0000:00/%s/physfn", a);
	lnk(fk, "../" FAKE_PF, rel);
	sf(rel, sizeof(rel), "devices/pci0000:00/%s/iommu_group", a);
	sf(t, sizeof(t), "../../../kernel/iommu_groups/%u", 40 + k);
	lnk(fk, t, rel);
	sf(rel, sizeof(rel), "bus/pci/devices/%s", a);
	sf(t, sizeof(t), "../../../devices/pci0000:00/%s", a);
	lnk(fk, t, rel);
	sf(rel, sizeof(rel), "devices/pci0000:00/" FAKE_PF "/virtfn%u", k);
	sf(t, sizeof(t), "../%s", a);
	lnk(fk, t, rel);
	bind_to(fk, k, "mlx5_core");
	if (fk->switchdev)
		representor(fk, k, true);
	sf(rel, sizeof(rel), "devices/pci0000:00/%s", a);
	watch(fk, rel, W_VF, a);
}

static void remove_vf(struct fake_kernel *fk, unsigned k)
{
	const char *a = fake_vf_addr(k);
	char rel[PATH_MAX];

	representor(fk, k, false);
	vf_netdev(fk, k, false);
	sf(rel, sizeof(rel), "devices/pci0000:00/" FAKE_PF "/virtfn%u", k);
	unl(fk, rel);
	sf(rel, sizeof(rel), "bus/pci/devices/%s", a);
	unl(fk, rel);
	sf(rel, sizeof(rel), "devices/pci0000:00/%s", a);
	rmtree(fk, rel);
}

static void set_vfs_locked(struct fake_kernel *fk, unsigned n)
{
	unsigned k;

	if (n == 0) {
		for (k = 0; k < fk->nvfs; k++)
			remove_vf(fk, k);
		fk->nvfs = 0;
	} else if (fk->nvfs == 0) {
		for (k = 0; k < n && k < MAX_VFS; k++)
			create_vf(fk, k);
		fk->nvfs = n;
	}
}

void fake_set_vfs(struct fake_kernel *fk, unsigned n)
{
	char v[16];

	pthread_mutex_lock(&fk->lock);
	sf(v, sizeof(v), "%u\n", n);
	put(fk, "devices/pci0000:00/" FAKE_PF "/sriov_numvfs", v);
	set_vfs_locked(fk, n);
	pthread_mutex_unlock(&fk->lock);
}

void fake_switchdev(struct fake_kernel *fk, bool on)
{
	unsigned k;

	pthread_mutex_lock(&fk->lock);
	fk->switchdev = on;
	for (k = 0; k < fk->nvfs; k++)
		representor(fk, k, on);
	pthread_mutex_unlock(&fk->lock);
}

void fake_set_deaf(struct fake_kernel *fk, bool deaf)
{
	pthread_mutex_lock(&fk->lock);
	fk->deaf = deaf;
	pthread_mutex_unlock(&fk->lock);
}

static int vf_of(struct fake_kernel *fk, const char *addr)
{
	unsigned k;

	for (k = 0; k < fk->nvfs; k++)
		if (!strcmp(fake_vf_addr(k), addr))
			return (int)k;
	return -1;
}

static void vf_driver(struct fake_kernel *fk, unsigned k, char *buf, size_t len)
{
	char rel[PATH_MAX];

	sf(rel, sizeof(rel), "devices/pci0000:00/%s/driver", fake_vf_addr(k));
	fake_link(fk, rel, buf, len);
}

/* One write the kernel sees: file `name` in a watched directory. */
static void react(struct fake_kernel *fk, enum wkind kind, const char *key, const char *name)
{
	char rel[PATH_MAX], val[128], cur[64];
	int k;

	if (kind == W_PF && !strcmp(name, "sriov_numvfs")) {
		fake_read(fk, "devices/pci0000:00/" FAKE_PF "/sriov_numvfs", val, sizeof(val));
		logf_(fk, "sriov_numvfs=%s%s", val, "");
		if (!fk->deaf)
			set_vfs_locked(fk, (unsigned)atoi(val));
	} else if (kind == W_VF && !strcmp(name, "driver_override")) {
		sf(rel, sizeof(rel), "devices/pci0000:00/%s/driver_override", key);
		fake_read(fk, rel, val, sizeof(val));
		if (!strcmp(val, "(null)"))
			return;
		logf_(fk, "%s/driver_override=%s", key, val);
		if (!val[0]) /* the kernel shows a cleared override so */
			put(fk, rel, "(null)\n");
	} else if (kind == W_DRV && (!strcmp(name, "unbind") || !strcmp(name, "bind"))) {
		sf(rel, sizeof(rel), "bus/pci/drivers/%s/%s", key, name);
		fake_read(fk, rel, val, sizeof(val));
		sf(rel, sizeof(rel), "%s/%s", key, name);
		logf_(fk, "%s=%s", rel, val);
		if (fk->deaf || (k = vf_of(fk, val)) < 0)
			return;
		vf_driver(fk, (unsigned)k, cur, sizeof(cur));
		if (name[0] == 'u' && !strcmp(cur, key))
			bind_to(fk, (unsigned)k, NULL);
		else if (name[0] == 'b' && !cur[0])
			bind_to(fk, (unsigned)k, key);
	} else if (kind == W_BUS && !strcmp(name, "drivers_probe")) {
		fake_read(fk, "bus/pci/drivers_probe", val, sizeof(val));
		logf_(fk, "drivers_probe=%s%s", val, "");
		if (fk->deaf || (k = vf_of(fk, val)) < 0)
			return;
		vf_driver(fk, (unsigned)k, cur, sizeof(cur));
		if (cur[0])
			return;
		sf(rel, sizeof(rel), "devices/pci0000:00/%s/driver_override", val);
		fake_read(fk, rel, cur, sizeof(cur));
		bind_to(fk, (unsigned)k, cur[0] && strcmp(cur, "(null)") ? cur : "mlx5_core");
	}
}

static void *kernel_thread(void *arg)
{
	struct fake_kernel *fk = arg;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	for (;;) {
		struct pollfd p[2] = {{fk->ifd, POLLIN, 0}, {fk->stopfd, POLLIN, 0}};
		ssize_t n;
		char *q;

		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents)
			return NULL;
		n = read(fk->ifd, buf, sizeof(buf));
		if (n <= 0)
			continue;
		pthread_mutex_lock(&fk->lock);
		for (q = buf; q < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)q;
			int i;

			for (i = 0; i < MAX_WATCH; i++) {
				if (fk->w[i].kind == W_NONE || fk->w[i].wd != ev->wd)
					continue;
				if (ev->mask & IN_IGNORED)
					fk->w[i].kind = W_NONE;
				else if (ev->len)
					react(fk, fk->w[i].kind, fk->w[i].key, ev->name);
				break;
			}
			q += sizeof(*ev) + ev->len;
		}
		pthread_mutex_unlock(&fk->lock);
	}
}

/* Trees still there at exit (a SNIC_REQUIRE stopped the test) go too. */
static char live[4][PATH_MAX];

static void remove_live(void)
{
	size_t i;

	for (i = 0; i < sizeof(live) / sizeof(live[0]); i++)
		if (live[i][0])
			nftw(live[i], rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void set_live(const char *root, bool on)
{
	static bool registered;
	size_t i;

	if (!registered && atexit(remove_live) == 0)
		registered = true;
	for (i = 0; i < sizeof(live) / sizeof(live[0]); i++) {
		if (on && !live[i][0]) {
			sf(live[i], PATH_MAX, "%s", root);
			return;
		}
		if (!on && !strcmp(live[i], root))
			live[i][0] = '\0';
	}
}

struct fake_kernel *fake_start(const struct fake_opts *o)
{
	struct fake_kernel *fk = calloc(1, sizeof(*fk));
	static const char *const drivers[] = {"mlx5_core", "vfio-pci", "e1000e"};
	char rel[PATH_MAX], val[64];
	const char *nd;
	size_t i;

	if (!fk)
		return NULL;
	sf(fk->root, sizeof(fk->root), "/tmp/snic-sysfs-XXXXXX");
	if (!mkdtemp(fk->root)) {
		free(fk);
		return NULL;
	}
	chmod(fk->root, 0755);
	set_live(fk->root, true);
	pthread_mutex_init(&fk->lock, NULL);
	fk->ifd = fk->stopfd = -1;
	nd = o && o->pf_netdev ? o->pf_netdev : FAKE_PF_NETDEV;
	sf(fk->pf_netdev, sizeof(fk->pf_netdev), "%s", nd);

	/* the ConnectX-6 Dx PF */
	put(fk, "devices/pci0000:00/" FAKE_PF "/vendor", "0x15b3\n");
	put(fk, "devices/pci0000:00/" FAKE_PF "/device", "0x101d\n");
	put(fk, "devices/pci0000:00/" FAKE_PF "/sriov_totalvfs", "8\n");
	put(fk, "devices/pci0000:00/" FAKE_PF "/sriov_numvfs", "0\n");
	put(fk, "devices/pci0000:00/" FAKE_PF "/driver_override", "(null)\n");
	sf(rel, sizeof(rel), "devices/pci0000:00/" FAKE_PF "/net/%s/ifindex", nd);
	sf(val, sizeof(val), "%d\n", o && o->pf_ifindex ? o->pf_ifindex : FAKE_PF_IFINDEX);
	put(fk, rel, val);
	sf(rel, sizeof(rel), "devices/pci0000:00/" FAKE_PF "/net/%s/phys_switch_id", nd);
	put(fk, rel, FAKE_SWITCH_ID "\n");
	sf(rel, sizeof(rel), "devices/pci0000:00/" FAKE_PF "/net/%s/address", nd);
	put(fk, rel, "b8:ce:f6:a1:b2:c3\n");
	sf(rel, sizeof(rel), "devices/pci0000:00/" FAKE_PF "/net/%s/device", nd);
	lnk(fk, "../../../" FAKE_PF, rel);
	sf(rel, sizeof(rel), "../../devices/pci0000:00/" FAKE_PF "/net/%s", nd);
	sf(val, sizeof(val), "class/net/%s", nd);
	lnk(fk, rel, val);
	/* a PCI NIC without SR-IOV */
	put(fk, "devices/pci0000:00/" FAKE_NOSRIOV "/vendor", "0x8086\n");
	put(fk, "devices/pci0000:00/" FAKE_NOSRIOV "/device", "0x15bb\n");
	put(fk, "devices/pci0000:00/" FAKE_NOSRIOV "/net/eno1/ifindex", "2\n");
	lnk(fk, "../../../" FAKE_NOSRIOV, "devices/pci0000:00/" FAKE_NOSRIOV "/net/eno1/device");
	lnk(fk, "../../devices/pci0000:00/" FAKE_NOSRIOV "/net/eno1", "class/net/eno1");
	lnk(fk, "../../../bus/pci/drivers/e1000e", "devices/pci0000:00/" FAKE_NOSRIOV "/driver");
	/* lo (no device) and a decoy port of another e-switch named pf0vf1 */
	put(fk, "devices/virtual/net/lo/ifindex", "1\n");
	lnk(fk, "../../devices/virtual/net/lo", "class/net/lo");
	put(fk, "devices/virtual/net/decoy0/ifindex", "3\n");
	put(fk, "devices/virtual/net/decoy0/phys_switch_id", "ffeeddccbbaa0099\n");
	put(fk, "devices/virtual/net/decoy0/phys_port_name", "pf0vf1\n");
	lnk(fk, "../../devices/virtual/net/decoy0", "class/net/decoy0");
	/* the bus */
	put(fk, "bus/pci/drivers_probe", "");
	put(fk, "bus/pci/rescan", "");
	for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		sf(rel, sizeof(rel), "bus/pci/drivers/%s/bind", drivers[i]);
		put(fk, rel, "");
		sf(rel, sizeof(rel), "bus/pci/drivers/%s/unbind", drivers[i]);
		put(fk, rel, "");
	}
	lnk(fk, "../../../devices/pci0000:00/" FAKE_PF, "bus/pci/devices/" FAKE_PF);
	lnk(fk, "../../../devices/pci0000:00/" FAKE_NOSRIOV, "bus/pci/devices/" FAKE_NOSRIOV);
	lnk(fk, "../../../bus/pci/drivers/mlx5_core", "devices/pci0000:00/" FAKE_PF "/driver");

	if (o && o->thread) {
		fk->ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		fk->stopfd = eventfd(0, EFD_CLOEXEC);
		watch(fk, "devices/pci0000:00/" FAKE_PF, W_PF, FAKE_PF);
		watch(fk, "bus/pci", W_BUS, "");
		for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
			sf(rel, sizeof(rel), "bus/pci/drivers/%s", drivers[i]);
			watch(fk, rel, W_DRV, drivers[i]);
		}
		if (fk->ifd >= 0 && fk->stopfd >= 0 &&
		    pthread_create(&fk->thread, NULL, kernel_thread, fk) == 0)
			fk->has_thread = true;
	}
	return fk;
}

const char *fake_root(struct fake_kernel *fk)
{
	return fk->root;
}

void fake_stop(struct fake_kernel *fk)
{
	uint64_t one = 1;

	if (!fk)
		return;
	if (fk->has_thread) {
		if (write(fk->stopfd, &one, sizeof(one)) != sizeof(one))
			perror("eventfd");
		pthread_join(fk->thread, NULL);
	}
	if (fk->ifd >= 0)
		close(fk->ifd);
	if (fk->stopfd >= 0)
		close(fk->stopfd);
	nftw(fk->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	set_live(fk->root, false);
	pthread_mutex_destroy(&fk->lock);
	free(fk);
}
