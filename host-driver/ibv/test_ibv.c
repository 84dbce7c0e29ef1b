/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ibv.c - snic_ibv against a fake sysfs tree (a ConnectX-6 Dx PF with
 * two ports, SR-IOV and switchdev representors, one of its VFs, and a soft
 * RoCE device) and a fake verbs backend that matches it: every field of the
 * report, the table and the JSON, exactly.  Then backend failures, malformed
 * sysfs (each problem must be reported naming the file), devices sysfs shows
 * but libibverbs does not, the real libibverbs backend on this machine (no
 * devices, said plainly, or a clear error; never a crash), and the
 * snic-devices CLI.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "snic_ibv.h"
#include "snic_test.h"

/* ---- a tiny JSON checker: is the text one valid JSON value? ---- */

static const char *j_ws(const char *s)
{
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	return s;
}

static const char *j_value(const char *s, int depth);

static const char *j_string(const char *s)
{
	if (*s++ != '"')
		return NULL;
	for (; *s && *s != '"'; s++) {
		if ((unsigned char)*s < 0x20)
			return NULL;
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
						return NULL;
				s += 4;
			} else if (!*s || !strchr("\"\\/bfnrt", *s)) {
				return NULL;
			}
		}
	}
	return *s == '"' ? s + 1 : NULL;
}

static const char *j_value(const char *s, int depth)
{
	s = j_ws(s);
	if (depth > 32)
		return NULL;
	if (*s == '{' || *s == '[') {
		char close = *s == '{' ? '}' : ']';
		bool obj = *s == '{';

		s = j_ws(s + 1);
		if (*s == close)
			return s + 1;
		for (;;) {
			if (obj) {
				s = j_string(j_ws(s));
				if (!s)
					return NULL;
				s = j_ws(s);
				if (*s++ != ':')
					return NULL;
			}
			s = j_value(s, depth + 1);
			if (!s)
				return NULL;
			s = j_ws(s);
			if (*s == close)
				return s + 1;
			if (*s++ != ',')
				return NULL;
		}
	}
	if (*s == '"')
		return j_string(s);
	if (!strncmp(s, "true", 4) || !strncmp(s, "null", 4))
		return s + 4;
	if (!strncmp(s, "false", 5))
		return s + 5;
	if (*s == '-' || (*s >= '0' && *s <= '9')) {
		char *e;

		strtod(s, &e);
		return e;
	}
	return NULL;
}

static bool json_valid(const char *s)
{
	s = s ? j_value(s, 0) : NULL;
	return s && *j_ws(s) == '\0';
}

/* ---- files ---- */

static char tmpdir[256];

static const char *P(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *P(const char *fmt, ...)
{
	static char buf[8][1024];
	static int i;
	char *p = buf[i++ & 7];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, 1024, fmt, ap);
	va_end(ap);
	return p;
}

static void mkdir_p(const char *path)
{
	char buf[1024];
	int e;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0755);
			*p = '/';
		}
	e = mkdir(buf, 0755) == 0 ? 0 : errno;
	SNIC_REQUIRE(e == 0 || e == EEXIST, "mkdir %s: %s", buf, strerror(e));
}

static void put(const char *path, const char *content)
{
	char dir[1024], *slash;
	FILE *f;
	int e;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	mkdir_p(dir);
	f = fopen(path, "w");
	e = f ? 0 : errno;
	SNIC_REQUIRE(f, "fopen %s: %s", path, strerror(e));
	fputs(content, f);
	e = fclose(f) == 0 ? 0 : errno;
	SNIC_REQUIRE(e == 0, "write %s: %s", path, strerror(e));
}

static void link_to(const char *target, const char *path)
{
	char dir[1024], *slash;
	int e;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	mkdir_p(dir);
	unlink(path);
	e = symlink(target, path) == 0 ? 0 : errno;
	SNIC_REQUIRE(e == 0, "symlink %s: %s", path, strerror(e));
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void rm_rf(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#define PCI0 "devices/pci0000:3a/0000:3a:00.0"
#define PF PCI0 "/0000:3b:00.0"
#define VF PCI0 "/0000:3b:00.2"

/* A fresh fake sysfs under <tmpdir>/<name>; returns its root. */
static const char *build_tree(const char *name)
{
	static char root[8][512];
	static int k;
	char *r = root[k++ & 7];

	snprintf(r, 512, "%s/%s", tmpdir, name);
	rm_rf(r);
	mkdir_p(P("%s/bus/pci/devices", r));

	/* The PF: ConnectX-6 Dx, SR-IOV 2 of 8, switchdev representors. */
	put(P("%s/" PF "/vendor", r), "0x15b3\n");
	put(P("%s/" PF "/device", r), "0x101d\n");
	put(P("%s/" PF "/sriov_totalvfs", r), "8\n");
	put(P("%s/" PF "/sriov_numvfs", r), "2\n");
	link_to("../../../../bus/pci", P("%s/" PF "/subsystem", r));
	/* created out of order: the report sorts them */
	mkdir_p(P("%s/" PF "/net/pf0vf1", r));
	mkdir_p(P("%s/" PF "/net/ens1f0np1", r));
	mkdir_p(P("%s/" PF "/net/pf0vf0", r));
	mkdir_p(P("%s/" PF "/net/ens1f0np0", r));
	put(P("%s/" PF "/infiniband/mlx5_0/board_id", r), "MT_0000000359\n");
	link_to("../../../0000:3b:00.0", P("%s/" PF "/infiniband/mlx5_0/device", r));
	put(P("%s/" PF "/infiniband/mlx5_0/ports/1/gid_attrs/ndevs/0", r), "ens1f0np0\n");
	put(P("%s/" PF "/infiniband/mlx5_0/ports/2/gid_attrs/ndevs/0", r), "ens1f0np1\n");
	link_to("../../" PF "/infiniband/mlx5_0", P("%s/class/infiniband/mlx5_0", r));

	/* One VF of it (mlx5Gen VF), no sriov files, no board_id. */
	put(P("%s/" VF "/vendor", r), "0x15b3\n");
	put(P("%s/" VF "/device", r), "0x101e\n");
	link_to("../../../../bus/pci", P("%s/" VF "/subsystem", r));
	link_to("../0000:3b:00.0", P("%s/" VF "/physfn", r));
	mkdir_p(P("%s/" VF "/net/ens1f0v0", r));
	link_to("../../../0000:3b:00.2", P("%s/" VF "/infiniband/mlx5_2/device", r));
	put(P("%s/" VF "/infiniband/mlx5_2/ports/1/gid_attrs/ndevs/0", r), "ens1f0v0\n");
	link_to("../../" VF "/infiniband/mlx5_2", P("%s/class/infiniband/mlx5_2", r));

	/* Soft RoCE over eth0: no device link (not on a bus). */
	put(P("%s/devices/virtual/infiniband/rxe0/ports/1/gid_attrs/ndevs/0", r), "eth0\n");
	link_to("../../devices/virtual/infiniband/rxe0", P("%s/class/infiniband/rxe0", r));
	return r;
}

/* ---- the fake verbs backend ---- */

struct fake_dev {
	const char *name;
	int open_rc, query_rc;
	struct snic_ibv_dev_attr attr;
	struct snic_ibv_port_attr port[4];
	int port_rc[4];
};

struct fake {
	int list_rc;
	int n;
	struct fake_dev *devs;
	int lists, frees, opens, closes;
};

static int f_list(void *ctx, void **list, int *n)
{
	struct fake *f = ctx;

	if (f->list_rc)
		return f->list_rc;
	f->lists++;
	*list = f;
	*n = f->n;
	return 0;
}

static const char *f_dev_name(void *list, int i)
{
	return ((struct fake *)list)->devs[i].name;
}

static int f_open(void *list, int i, void **dev)
{
	struct fake *f = list;

	if (f->devs[i].open_rc)
		return f->devs[i].open_rc;
	f->opens++;
	*dev = &f->devs[i];
	return 0;
}

static int f_query_device(void *dev, struct snic_ibv_dev_attr *a)
{
	struct fake_dev *d = dev;

	if (d->query_rc)
		return d->query_rc;
	*a = d->attr;
	return 0;
}

static int f_query_port(void *dev, unsigned port, struct snic_ibv_port_attr *a)
{
	struct fake_dev *d = dev;

	SNIC_CHECK(port >= 1 && port <= d->attr.phys_port_cnt, "query_port(%s, %u)",
		   d->name, port);
	if (port < 1 || port > 4)
		return -EINVAL;
	if (d->port_rc[port - 1])
		return d->port_rc[port - 1];
	*a = d->port[port - 1];
	return 0;
}

static struct fake *the_fake;

static void f_close(void *dev)
{
	the_fake->closes++;
}

static void f_free_list(void *list)
{
	((struct fake *)list)->frees++;
}

static const struct snic_ibv_ops fake_ops = {
	.name = "fake-verbs",
	.list = f_list,
	.dev_name = f_dev_name,
	.open = f_open,
	.query_device = f_query_device,
	.query_port = f_query_port,
	.close = f_close,
	.free_list = f_free_list,
};

/* Listed out of name order: the report sorts (mlx5_2 before rxe0). */
static const struct fake_dev fake_template[3] = {
	{ .name = "rxe0",
	  .attr = { .fw_ver = "0.0 \"soft\\roce\"", .node_guid = 0x0250b6fffe1a2b3cULL,
		    .vendor_id = 0xffffff, .vendor_part_id = 0, .hw_ver = 0,
		    .phys_port_cnt = 1 },
	  .port = { { .state = 4, .phys_state = 5, .active_speed = 1, .active_width = 1,
		      .link_layer = 2, .active_mtu = 4 } } },
	{ .name = "mlx5_2",
	  .attr = { .fw_ver = "22.36.1010", .node_guid = 0xb8cef60300a1b2c4ULL,
		    .vendor_id = 0x02c9, .vendor_part_id = 4126, .hw_ver = 0,
		    .phys_port_cnt = 1 },
	  .port = { { .state = 4, .phys_state = 5, .active_speed = 64, .active_width = 16,
		      .link_layer = 2, .active_mtu = 3 } } },
	{ .name = "mlx5_0",
	  .attr = { .fw_ver = "22.36.1010", .node_guid = 0xb8cef60300a1b2c2ULL,
		    .vendor_id = 0x02c9, .vendor_part_id = 4125, .hw_ver = 0,
		    .phys_port_cnt = 2 },
	  .port = { { .state = 4, .phys_state = 5, .active_speed = 32, .active_width = 2,
		      .link_layer = 2, .active_mtu = 5 },
		    { .state = 1, .phys_state = 3, .active_speed = 1, .active_width = 1,
		      .link_layer = 2, .active_mtu = 3, .lid = 0 } } },
};

static struct fake_dev fdevs[3];
static struct fake fk;

static void fake_reset(void)
{
	memcpy(fdevs, fake_template, sizeof(fdevs));
	memset(&fk, 0, sizeof(fk));
	fk.devs = fdevs;
	fk.n = 3;
	the_fake = &fk;
}

static struct snic_ibv_report *discover_ok(const char *root)
{
	struct snic_ibv_report *r = NULL;
	char err[512] = "";
	int rc;

	rc = snic_ibv_discover(root, &fake_ops, &fk, &r, err, sizeof(err));
	SNIC_REQUIRE(rc == 0 && r, "discover(%s): %d %s", root, rc, err);
	SNIC_CHECK_EQ(fk.opens, fk.closes, "every opened device closed");
	SNIC_CHECK_EQ(fk.lists, fk.frees, "the device list freed");
	return r;
}

static char *to_string(const struct snic_ibv_report *r, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	SNIC_REQUIRE(f, "open_memstream");
	rc = json ? snic_ibv_write_json(r, f) : snic_ibv_write_table(r, f);
	SNIC_CHECK_EQ(rc, 0, "write");
	fclose(f);
	return buf;
}

static void check_str(const char *got, const char *want, const char *what)
{
	SNIC_CHECK(!strcmp(got, want), "%s:\n--- got ---\n%s\n--- want ---\n%s", what,
		   got, want);
}

static const struct snic_ibv_dev *find_dev(const struct snic_ibv_report *r,
					   const char *name)
{
	for (unsigned i = 0; i < r->n_devs; i++)
		if (!strcmp(r->devs[i].name, name))
			return &r->devs[i];
	return NULL;
}

/* ---- 1. the full picture ---- */

static const char want_table[] =
"DEVICE  PCI           MODEL                     FIRMWARE         NETDEVS                            VFS   PORT  STATE   PHYS      LINK      RATE               PORT-NETDEV\n"
"mlx5_0  0000:3b:00.0  ConnectX-6 Dx             22.36.1010       ens1f0np0,ens1f0np1,pf0vf0,pf0vf1  2/8   1     ACTIVE  LINK_UP   Ethernet  100 Gb/s (4X EDR)  ens1f0np0\n"
"                                                                                                          2     DOWN    DISABLED  Ethernet  -                  ens1f0np1\n"
"mlx5_2  0000:3b:00.2  ConnectX VF (mlx5Gen)     22.36.1010       ens1f0v0                           (VF)  1     ACTIVE  LINK_UP   Ethernet  100 Gb/s (2X HDR)  ens1f0v0\n"
"rxe0    -             vendor 0xffffff part 0x0  0.0 \"soft\\roce\"  -                                  -     1     ACTIVE  LINK_UP   Ethernet  2.5 Gb/s (1X SDR)  eth0\n";

static void test_full(void)
{
	const char *root = build_tree("full");
	struct snic_ibv_report *r;
	const struct snic_ibv_dev *d;
	char *s, want[8192];

	fake_reset();
	r = discover_ok(root);
	SNIC_CHECK_EQ(r->n_devs, 3, "devices");
	SNIC_CHECK_EQ(r->n_errors, 0, "devices with errors");
	SNIC_CHECK_EQ(r->n_sysfs_only, 0, "sysfs-only devices");
	SNIC_CHECK(r->message == NULL, "message '%s'", r->message);
	SNIC_CHECK(!strcmp(r->backend, "fake-verbs"), "backend %s", r->backend);
	SNIC_CHECK(!strcmp(r->sysfs_root, root), "sysfs root %s", r->sysfs_root);
	SNIC_REQUIRE(r->n_devs == 3, "3 devices");
	SNIC_CHECK(!strcmp(r->devs[0].name, "mlx5_0") && !strcmp(r->devs[1].name, "mlx5_2") &&
		   !strcmp(r->devs[2].name, "rxe0"), "sorted: %s %s %s", r->devs[0].name,
		   r->devs[1].name, r->devs[2].name);

	/* The PF. */
	d = &r->devs[0];
	SNIC_CHECK(d->opened, "mlx5_0 opened");
	SNIC_CHECK(d->n_errors == 0 && d->error[0] == '\0', "mlx5_0 errors: %s", d->error);
	SNIC_CHECK(!strcmp(d->pci_addr, "0000:3b:00.0"), "pci %s", d->pci_addr);
	SNIC_CHECK_EQ(d->pci_vendor, 0x15b3, "pci vendor");
	SNIC_CHECK_EQ(d->pci_device, 0x101d, "pci device");
	SNIC_CHECK(!d->is_vf && d->pf_pci_addr[0] == '\0', "PF is not a VF");
	SNIC_CHECK(d->has_sriov, "sriov");
	SNIC_CHECK_EQ(d->sriov_total_vfs, 8, "totalvfs");
	SNIC_CHECK_EQ(d->sriov_num_vfs, 2, "numvfs");
	SNIC_CHECK(!strcmp(d->board_id, "MT_0000000359"), "board_id %s", d->board_id);
	SNIC_CHECK(d->connectx, "connectx");
	SNIC_CHECK(!strcmp(d->model, "ConnectX-6 Dx"), "model %s", d->model);
	SNIC_CHECK(!strcmp(d->attr.fw_ver, "22.36.1010"), "fw %s", d->attr.fw_ver);
	SNIC_CHECK_EQ(d->attr.node_guid, 0xb8cef60300a1b2c2ULL, "guid");
	SNIC_CHECK_EQ(d->attr.vendor_id, 0x02c9, "vendor_id");
	SNIC_CHECK_EQ(d->attr.vendor_part_id, 4125, "part");
	SNIC_CHECK_EQ(d->attr.hw_ver, 0, "hw_ver");
	SNIC_CHECK_EQ(d->attr.phys_port_cnt, 2, "phys_port_cnt");
	SNIC_REQUIRE(d->n_netdevs == 4, "netdevs %u", d->n_netdevs);
	SNIC_CHECK(!strcmp(d->netdevs[0], "ens1f0np0") && !strcmp(d->netdevs[1], "ens1f0np1") &&
		   !strcmp(d->netdevs[2], "pf0vf0") && !strcmp(d->netdevs[3], "pf0vf1"),
		   "netdevs %s %s %s %s", d->netdevs[0], d->netdevs[1], d->netdevs[2],
		   d->netdevs[3]);
	SNIC_REQUIRE(d->n_ports == 2, "ports %u", d->n_ports);
	SNIC_CHECK_EQ(d->ports[0].num, 1, "port 1 num");
	SNIC_CHECK_EQ(d->ports[0].query_rc, 0, "port 1 rc");
	SNIC_CHECK_EQ(d->ports[0].attr.state, 4, "port 1 state");
	SNIC_CHECK_EQ(d->ports[0].attr.phys_state, 5, "port 1 phys");
	SNIC_CHECK_EQ(d->ports[0].attr.link_layer, 2, "port 1 link layer");
	SNIC_CHECK_EQ(d->ports[0].attr.active_mtu, 5, "port 1 mtu");
	SNIC_CHECK_EQ(d->ports[0].rate_mbps, 100000, "port 1 rate");
	SNIC_CHECK(!strcmp(d->ports[0].netdev, "ens1f0np0"), "port 1 netdev %s",
		   d->ports[0].netdev);
	SNIC_CHECK_EQ(d->ports[1].num, 2, "port 2 num");
	SNIC_CHECK_EQ(d->ports[1].attr.state, 1, "port 2 state");
	SNIC_CHECK_EQ(d->ports[1].attr.phys_state, 3, "port 2 phys");
	SNIC_CHECK_EQ(d->ports[1].rate_mbps, 2500, "port 2 rate");
	SNIC_CHECK(!strcmp(d->ports[1].netdev, "ens1f0np1"), "port 2 netdev %s",
		   d->ports[1].netdev);

	/* The VF. */
	d = &r->devs[1];
	SNIC_CHECK(d->n_errors == 0, "mlx5_2 errors: %s", d->error);
	SNIC_CHECK(!strcmp(d->pci_addr, "0000:3b:00.2"), "vf pci %s", d->pci_addr);
	SNIC_CHECK(d->is_vf && !strcmp(d->pf_pci_addr, "0000:3b:00.0"), "vf of %s",
		   d->pf_pci_addr);
	SNIC_CHECK(!d->has_sriov, "a VF has no sriov");
	SNIC_CHECK(d->connectx && !strcmp(d->model, "ConnectX VF (mlx5Gen)"), "vf model %s",
		   d->model);
	SNIC_CHECK_EQ(d->pci_device, 0x101e, "vf pci device");
	SNIC_CHECK(d->board_id[0] == '\0', "vf board_id %s", d->board_id);
	SNIC_CHECK(d->n_netdevs == 1 && !strcmp(d->netdevs[0], "ens1f0v0"), "vf netdevs");
	SNIC_REQUIRE(d->n_ports == 1, "vf ports");
	SNIC_CHECK_EQ(d->ports[0].rate_mbps, 100000, "vf 2X HDR");
	SNIC_CHECK(!strcmp(d->ports[0].netdev, "ens1f0v0"), "vf port netdev");

	/* Soft RoCE. */
	d = &r->devs[2];
	SNIC_CHECK(d->n_errors == 0, "rxe0 errors: %s", d->error);
	SNIC_CHECK(d->pci_addr[0] == '\0' && !d->connectx && d->model[0] == '\0' &&
		   !d->is_vf && !d->has_sriov && d->n_netdevs == 0, "rxe0 is not PCI/ConnectX");
	SNIC_REQUIRE(d->n_ports == 1, "rxe ports");
	SNIC_CHECK_EQ(d->ports[0].rate_mbps, 2500, "rxe 1X SDR");
	SNIC_CHECK(!strcmp(d->ports[0].netdev, "eth0"), "rxe port netdev %s",
		   d->ports[0].netdev);

	s = to_string(r, false);
	check_str(s, want_table, "table");
	free(s);

	s = to_string(r, true);
	SNIC_CHECK(json_valid(s), "valid JSON:\n%s", s);
	snprintf(want, sizeof(want),
"{\n"
"  \"backend\": \"fake-verbs\",\n"
"  \"sysfs\": \"%s\",\n"
"  \"devices\": [\n"
"    {\n"
"      \"name\": \"mlx5_0\",\n"
"      \"pci_address\": \"0000:3b:00.0\",\n"
"      \"connectx\": true,\n"
"      \"model\": \"ConnectX-6 Dx\",\n"
"      \"vf\": false,\n"
"      \"pf_pci_address\": null,\n"
"      \"fw_ver\": \"22.36.1010\",\n"
"      \"vendor_id\": \"0x02c9\",\n"
"      \"vendor_part_id\": 4125,\n"
"      \"hw_ver\": \"0x0\",\n"
"      \"node_guid\": \"b8ce:f603:00a1:b2c2\",\n"
"      \"pci_id\": \"15b3:101d\",\n"
"      \"board_id\": \"MT_0000000359\",\n"
"      \"netdevs\": [\"ens1f0np0\", \"ens1f0np1\", \"pf0vf0\", \"pf0vf1\"],\n"
"      \"sriov\": {\"total_vfs\": 8, \"num_vfs\": 2},\n"
"      \"ports\": [\n"
"        {\"port\": 1, \"state\": \"ACTIVE\", \"phys_state\": \"LINK_UP\", \"link_layer\": \"Ethernet\", \"width\": \"4X\", \"speed\": \"EDR\", \"rate_mbps\": 100000, \"mtu\": 4096, \"lid\": 0, \"netdev\": \"ens1f0np0\"},\n"
"        {\"port\": 2, \"state\": \"DOWN\", \"phys_state\": \"DISABLED\", \"link_layer\": \"Ethernet\", \"width\": \"1X\", \"speed\": \"SDR\", \"rate_mbps\": 2500, \"mtu\": 1024, \"lid\": 0, \"netdev\": \"ens1f0np1\"}\n"
"      ],\n"
"      \"error\": null\n"
"    },\n"
"    {\n"
"      \"name\": \"mlx5_2\",\n"
"      \"pci_address\": \"0000:3b:00.2\",\n"
"      \"connectx\": true,\n"
"      \"model\": \"ConnectX VF (mlx5Gen)\",\n"
"      \"vf\": true,\n"
"      \"pf_pci_address\": \"0000:3b:00.0\",\n"
"      \"fw_ver\": \"22.36.1010\",\n"
"      \"vendor_id\": \"0x02c9\",\n"
"      \"vendor_part_id\": 4126,\n"
"      \"hw_ver\": \"0x0\",\n"
"      \"node_guid\": \"b8ce:f603:00a1:b2c4\",\n"
"      \"pci_id\": \"15b3:101e\",\n"
"      \"board_id\": null,\n"
"      \"netdevs\": [\"ens1f0v0\"],\n"
"      \"sriov\": null,\n"
"      \"ports\": [\n"
"        {\"port\": 1, \"state\": \"ACTIVE\", \"phys_state\": \"LINK_UP\", \"link_layer\": \"Ethernet\", \"width\": \"2X\", \"speed\": \"HDR\", \"rate_mbps\": 100000, \"mtu\": 1024, \"lid\": 0, \"netdev\": \"ens1f0v0\"}\n"
"      ],\n"
"      \"error\": null\n"
"    },\n"
"    {\n"
"      \"name\": \"rxe0\",\n"
"      \"pci_address\": null,\n"
"      \"connectx\": false,\n"
"      \"model\": null,\n"
"      \"vf\": false,\n"
"      \"pf_pci_address\": null,\n"
"      \"fw_ver\": \"0.0 \\\"soft\\\\roce\\\"\",\n"
"      \"vendor_id\": \"0xffffff\",\n"
"      \"vendor_part_id\": 0,\n"
"      \"hw_ver\": \"0x0\",\n"
"      \"node_guid\": \"0250:b6ff:fe1a:2b3c\",\n"
"      \"pci_id\": null,\n"
"      \"board_id\": null,\n"
"      \"netdevs\": [],\n"
"      \"sriov\": null,\n"
"      \"ports\": [\n"
"        {\"port\": 1, \"state\": \"ACTIVE\", \"phys_state\": \"LINK_UP\", \"link_layer\": \"Ethernet\", \"width\": \"1X\", \"speed\": \"SDR\", \"rate_mbps\": 2500, \"mtu\": 2048, \"lid\": 0, \"netdev\": \"eth0\"}\n"
"      ],\n"
"      \"error\": null\n"
"    }\n"
"  ],\n"
"  \"sysfs_only\": [],\n"
"  \"errors\": 0,\n"
"  \"message\": null\n"
"}\n", root);
	check_str(s, want, "JSON");
	free(s);
	snic_ibv_report_free(r);

	/* A trailing slash on the root names the same tree. */
	fake_reset();
	r = discover_ok(P("%s/", root));
	SNIC_CHECK(!strcmp(r->sysfs_root, root) && r->n_errors == 0, "root with /: %s",
		   r->sysfs_root);
	snic_ibv_report_free(r);
}

/* ---- 2. the backend fails ---- */

static void test_backend_errors(void)
{
	const char *root = build_tree("backend");
	struct snic_ibv_report *r;
	const struct snic_ibv_dev *d;
	char err[512] = "", *s;
	int rc;

	/* open fails: the sysfs half is still there. */
	fake_reset();
	fdevs[2].open_rc = -EACCES; /* mlx5_0 */
	fdevs[1].port_rc[0] = -EIO; /* mlx5_2 port 1 */
	r = discover_ok(root);
	SNIC_CHECK_EQ(r->n_errors, 2, "devices with errors");
	d = find_dev(r, "mlx5_0");
	SNIC_REQUIRE(d, "mlx5_0 listed");
	SNIC_CHECK(!d->opened && d->n_ports == 0 && d->n_errors == 1, "mlx5_0 not opened");
	SNIC_CHECK(!strcmp(d->error, "ibv_open_device: Permission denied"), "error: %s",
		   d->error);
	SNIC_CHECK(!strcmp(d->pci_addr, "0000:3b:00.0") && d->connectx &&
		   !strcmp(d->model, "ConnectX-6 Dx") && d->has_sriov,
		   "identified from sysfs alone: %s %s", d->pci_addr, d->model);
	d = find_dev(r, "mlx5_2");
	SNIC_REQUIRE(d && d->n_ports == 1, "mlx5_2 listed");
	SNIC_CHECK_EQ(d->ports[0].query_rc, -EIO, "port query rc");
	SNIC_CHECK(!strcmp(d->error, "ibv_query_port(port 1): Input/output error"),
		   "error: %s", d->error);
	SNIC_CHECK(!strcmp(d->ports[0].netdev, "ens1f0v0"), "netdev still resolved");
	s = to_string(r, true);
	SNIC_CHECK(json_valid(s), "valid JSON:\n%s", s);
	SNIC_CHECK(strstr(s, "\"error\": \"ibv_open_device: Permission denied\"") &&
		   strstr(s, "{\"port\": 1, \"error\": \"Input/output error\", \"netdev\": \"ens1f0v0\"}") &&
		   strstr(s, "\"errors\": 2,"), "JSON errors:\n%s", s);
	free(s);
	s = to_string(r, false);
	SNIC_CHECK(strstr(s, "\nmlx5_0  0000:3b:00.0  ConnectX-6 Dx             -                "
			  "ens1f0np0,ens1f0np1,pf0vf0,pf0vf1  2/8   -     -       -        -"
			  "         -                  -\n") &&
		   strstr(s, "\nmlx5_2  0000:3b:00.2  ConnectX VF (mlx5Gen)     22.36.1010       "
			  "ens1f0v0                           (VF)  1     ?       ?        ?"
			  "         ?                  ens1f0v0\n"),
		   "table without verbs:\n%s", s);
	free(s);
	snic_ibv_report_free(r);

	/* query_device fails. */
	fake_reset();
	fdevs[0].query_rc = -ENOMEM; /* rxe0 */
	r = discover_ok(root);
	d = find_dev(r, "rxe0");
	SNIC_CHECK(d && !d->opened && !strcmp(d->error, "ibv_query_device: Cannot allocate memory"),
		   "query_device error: %s", d ? d->error : "");
	snic_ibv_report_free(r);

	/* Cannot list at all: a clear error. */
	fake_reset();
	fk.list_rc = -EACCES;
	r = (void *)1;
	rc = snic_ibv_discover(root, &fake_ops, &fk, &r, err, sizeof(err));
	SNIC_CHECK_EQ(rc, -EACCES, "list fails");
	SNIC_CHECK(r == NULL, "no report");
	SNIC_CHECK(!strcmp(err, "fake-verbs: cannot list RDMA devices: Permission denied"),
		   "err: %s", err);

	/* A backend naming a device absurdly. */
	fake_reset();
	fdevs[1].name = "../etc";
	rc = snic_ibv_discover(root, &fake_ops, &fk, &r, err, sizeof(err));
	SNIC_CHECK_EQ(rc, -EPROTO, "bad name");
	SNIC_CHECK(strstr(err, "invalid name '../etc'") != NULL, "err: %s", err);
	SNIC_CHECK_EQ(fk.lists, fk.frees, "list freed on error");
}

/* ---- 3. malformed sysfs ---- */

struct bad_case {
	const char *what;
	void (*mutate)(const char *root);
	const char *want; /* printf format, %s = root; must appear in mlx5_0's error */
};

#define MLX "%s/class/infiniband/mlx5_0"

static void m_numvfs_garbage(const char *r) { put(P("%s/" PF "/sriov_numvfs", r), "lots\n"); }
static void m_totalvfs_missing(const char *r) { unlink(P("%s/" PF "/sriov_totalvfs", r)); }
static void m_numvfs_too_many(const char *r) { put(P("%s/" PF "/sriov_numvfs", r), "9\n"); }
static void m_numvfs_dir(const char *r)
{
	unlink(P("%s/" PF "/sriov_numvfs", r));
	mkdir_p(P("%s/" PF "/sriov_numvfs", r));
}
static void m_vendor_missing(const char *r) { unlink(P("%s/" PF "/vendor", r)); }
static void m_device_garbage(const char *r) { put(P("%s/" PF "/device", r), "0xzz\n"); }
static void m_device_empty(const char *r) { put(P("%s/" PF "/device", r), ""); }
static void m_ndev_garbage(const char *r)
{
	put(P("%s/" PF "/infiniband/mlx5_0/ports/1/gid_attrs/ndevs/0", r), "bad/name\n");
}
static void m_ndev_toolong(const char *r)
{
	put(P("%s/" PF "/infiniband/mlx5_0/ports/2/gid_attrs/ndevs/0", r),
	    "averyveryverylongname0\n");
}
static void m_board_binary(const char *r)
{
	put(P("%s/" PF "/infiniband/mlx5_0/board_id", r), "MT_\x01\x02\n");
}
static void m_board_huge(const char *r)
{
	char big[600];

	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put(P("%s/" PF "/infiniband/mlx5_0/board_id", r), big);
}
static void m_no_subsystem(const char *r) { unlink(P("%s/" PF "/subsystem", r)); }
static void m_device_not_pci(const char *r)
{
	mkdir_p(P("%s/" PCI0 "/garbage", r));
	link_to("../../../../bus/pci", P("%s/" PCI0 "/garbage/subsystem", r));
	link_to("../../../garbage", P("%s/" PF "/infiniband/mlx5_0/device", r));
}
static void m_device_not_link(const char *r)
{
	unlink(P("%s/" PF "/infiniband/mlx5_0/device", r));
	put(P("%s/" PF "/infiniband/mlx5_0/device", r), "0000:3b:00.0\n");
}
static void m_physfn_garbage(const char *r) { link_to("../nowhere", P("%s/" PF "/physfn", r)); }
static void m_netdev_garbage(const char *r) { mkdir_p(P("%s/" PF "/net/bad name", r)); }
static void m_netdir_file(const char *r)
{
	rm_rf(P("%s/" PF "/net", r));
	put(P("%s/" PF "/net", r), "x\n");
}
static void m_class_missing(const char *r) { unlink(P("%s/class/infiniband/mlx5_0", r)); }

static const struct bad_case bad_cases[] = {
	{ "sriov_numvfs garbage", m_numvfs_garbage,
	  MLX "/device/sriov_numvfs: 'lots' is not a number of VFs (0..65535)" },
	{ "sriov_totalvfs missing", m_totalvfs_missing,
	  MLX "/device/sriov_totalvfs: missing (its sibling sriov_numvfs is present)" },
	{ "sriov_numvfs > totalvfs", m_numvfs_too_many,
	  MLX "/device: sriov_numvfs 9 is more than sriov_totalvfs 8" },
	{ "sriov_numvfs a directory", m_numvfs_dir,
	  MLX "/device/sriov_numvfs: Is a directory" },
	{ "PCI vendor missing", m_vendor_missing,
	  MLX "/device/vendor: missing (every PCI device has it)" },
	{ "PCI device garbage", m_device_garbage,
	  MLX "/device/device: '0xzz' is not a PCI id (want 0x and 4 hex digits)" },
	{ "PCI device empty", m_device_empty,
	  MLX "/device/device: '' is not a PCI id" },
	{ "port netdev garbage", m_ndev_garbage,
	  MLX "/ports/1/gid_attrs/ndevs/0: 'bad/name' is not a network interface name" },
	{ "port netdev too long", m_ndev_toolong,
	  MLX "/ports/2/gid_attrs/ndevs/0: 'averyveryverylongname0' is not a network interface name" },
	{ "board_id binary", m_board_binary,
	  MLX "/board_id: holds control or non-ASCII bytes" },
	{ "board_id huge", m_board_huge,
	  MLX "/board_id: longer than any valid value" },
	{ "device/subsystem missing", m_no_subsystem,
	  MLX "/device/subsystem: missing (every bus device has it)" },
	{ "device not a PCI address", m_device_not_pci,
	  MLX "/device: points at 'garbage', not a PCI address" },
	{ "device not a symlink", m_device_not_link,
	  MLX "/device: not a symlink" },
	{ "physfn garbage", m_physfn_garbage,
	  MLX "/device/physfn: points at 'nowhere', not a PCI address" },
	{ "netdev entry garbage", m_netdev_garbage,
	  MLX "/device/net: entry 'bad name' is not a network interface name" },
	{ "net not a directory", m_netdir_file,
	  MLX "/device/net: Not a directory" },
	{ "class entry missing", m_class_missing,
	  MLX ": No such file or directory (libibverbs lists mlx5_0, sysfs does not)" },
};

static void test_malformed(void)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		const char *root = build_tree("bad");
		struct snic_ibv_report *r;
		const struct snic_ibv_dev *d;
		char want[1024], *s;

		c->mutate(root);
		snprintf(want, sizeof(want), c->want, root);
		fake_reset();
		r = discover_ok(root);
		d = find_dev(r, "mlx5_0");
		SNIC_REQUIRE(d, "%s: mlx5_0 still listed", c->what);
		SNIC_CHECK(d->n_errors >= 1 && strstr(d->error, want),
			   "%s:\n  got  '%s'\n  want '%s'", c->what, d->error, want);
		SNIC_CHECK_EQ(r->n_errors, 1, c->what);
		SNIC_CHECK(d->opened && d->n_ports == 2, "%s: verbs half intact", c->what);
		SNIC_CHECK(find_dev(r, "mlx5_2")->n_errors == 0 &&
			   find_dev(r, "rxe0")->n_errors == 0, "%s: others unaffected", c->what);
		s = to_string(r, true);
		SNIC_CHECK(json_valid(s), "%s: valid JSON:\n%s", c->what, s);
		free(s);
		snic_ibv_report_free(r);
	}
}

/* ---- 4. none, and devices libibverbs does not see ---- */

static void test_none(void)
{
	const char *root = build_tree("none"), *empty;
	struct snic_ibv_report *r;
	char want[1024], *s;

	empty = P("%s/empty", tmpdir);
	mkdir_p(empty);

	fake_reset();
	fk.n = 0;
	r = discover_ok(empty);
	SNIC_CHECK(r->n_devs == 0 && r->n_sysfs_only == 0, "none");
	SNIC_CHECK(r->message && !strcmp(r->message, "no RDMA devices found (libibverbs "
					  "sees none; is the mlx5_ib module loaded?)"),
		   "message: %s", r->message);
	s = to_string(r, false);
	check_str(s, "no RDMA devices found (libibverbs sees none; is the mlx5_ib module loaded?)\n",
		  "table, none");
	free(s);
	s = to_string(r, true);
	snprintf(want, sizeof(want),
		 "{\n  \"backend\": \"fake-verbs\",\n  \"sysfs\": \"%s\",\n  \"devices\": [],\n"
		 "  \"sysfs_only\": [],\n  \"errors\": 0,\n  \"message\": \"no RDMA devices "
		 "found (libibverbs sees none; is the mlx5_ib module loaded?)\"\n}\n", empty);
	check_str(s, want, "JSON, none");
	free(s);
	snic_ibv_report_free(r);

	/* ENOSYS: the kernel has no RDMA support. */
	fake_reset();
	fk.list_rc = -ENOSYS;
	r = discover_ok(P("%s/does-not-exist", tmpdir));
	SNIC_CHECK(r->kernel_no_rdma && r->n_devs == 0, "ENOSYS: none");
	SNIC_CHECK(r->message && !strcmp(r->message, "no RDMA devices found (libibverbs sees "
			"none: the kernel has no RDMA support loaded; is the mlx5_ib module "
			"loaded?)"), "message: %s", r->message);
	snic_ibv_report_free(r);

	/* sysfs has devices, libibverbs none: missing providers. */
	fake_reset();
	fk.n = 0;
	r = discover_ok(root);
	SNIC_CHECK_EQ(r->n_sysfs_only, 3, "sysfs-only");
	snprintf(want, sizeof(want), "no usable RDMA devices: %s/class/infiniband lists "
		 "mlx5_0, mlx5_2, rxe0 but libibverbs sees none (are the user-space providers "
		 "installed - Debian: ibverbs-providers - and ib_uverbs loaded?)", root);
	SNIC_CHECK(r->message && !strcmp(r->message, want), "message: %s", r->message);
	s = to_string(r, true);
	SNIC_CHECK(json_valid(s) && strstr(s, "\"sysfs_only\": [\"mlx5_0\", \"mlx5_2\", \"rxe0\"]"),
		   "JSON:\n%s", s);
	free(s);
	snic_ibv_report_free(r);

	/* Some seen, one not (an mlx4 without its provider). */
	mkdir_p(P("%s/devices/pci0000:00/0000:00:03.0/infiniband/mlx4_0", root));
	link_to("../../devices/pci0000:00/0000:00:03.0/infiniband/mlx4_0",
		P("%s/class/infiniband/mlx4_0", root));
	fake_reset();
	r = discover_ok(root);
	SNIC_CHECK(r->n_devs == 3 && r->n_sysfs_only == 1 && !strcmp(r->sysfs_only[0], "mlx4_0"),
		   "one sysfs-only");
	snprintf(want, sizeof(want), "%s/class/infiniband also lists mlx4_0, which libibverbs "
		 "does not see (is its user-space provider installed - Debian: "
		 "ibverbs-providers?)", root);
	SNIC_CHECK(r->message && !strcmp(r->message, want), "message: %s", r->message);
	snic_ibv_report_free(r);
}

/* ---- 5. names and numbers ---- */

static void test_names(void)
{
	bool vf = true;
	char g[32];

	SNIC_CHECK(!strcmp(snic_ibv_model_name(0x1021, &vf), "ConnectX-7") && !vf, "CX-7");
	SNIC_CHECK(!strcmp(snic_ibv_model_name(0x1018, &vf), "ConnectX-5 VF") && vf, "CX-5 VF");
	SNIC_CHECK(snic_ibv_model_name(0x9999, &vf) == NULL && !vf, "unknown part");
	SNIC_CHECK(!strcmp(snic_ibv_model_name(0xa2d6, NULL), "BlueField-2"), "BF-2");
	SNIC_CHECK(!strcmp(snic_ibv_port_state_name(5), "ACTIVE_DEFER") &&
		   snic_ibv_port_state_name(6) == NULL, "port states");
	SNIC_CHECK(!strcmp(snic_ibv_phys_state_name(2), "POLLING") &&
		   snic_ibv_phys_state_name(0) == NULL && snic_ibv_phys_state_name(8) == NULL,
		   "phys states");
	SNIC_CHECK(!strcmp(snic_ibv_link_layer_name(0), "InfiniBand") &&
		   snic_ibv_link_layer_name(3) == NULL, "link layers");
	SNIC_CHECK_EQ(snic_ibv_rate_mbps(16, 2), 56000, "4X FDR");
	SNIC_CHECK_EQ(snic_ibv_rate_mbps(128, 2), 400000, "4X NDR");
	SNIC_CHECK_EQ(snic_ibv_rate_mbps(32, 8), 300000, "12X EDR");
	SNIC_CHECK_EQ(snic_ibv_rate_mbps(3, 2), 0, "unknown speed");
	SNIC_CHECK_EQ(snic_ibv_rate_mbps(32, 3), 0, "unknown width");
	SNIC_CHECK_EQ(snic_ibv_mtu_bytes(1), 256, "mtu 256");
	SNIC_CHECK_EQ(snic_ibv_mtu_bytes(0), 0, "mtu ?");
	SNIC_CHECK_EQ(snic_ibv_mtu_bytes(6), 0, "mtu ?");
	SNIC_CHECK(!json_valid("{\"a\": }") && !json_valid("[1,]") && !json_valid("\"\\x\"") &&
		   !json_valid("{} x") && json_valid("{\"a\": [1, -2.5, \"\\u00e9\", null]}"),
		   "the JSON checker checks");
	SNIC_CHECK(!strcmp(snic_ibv_guid_str(0x0002c90300fed670ULL, g, sizeof(g)),
			   "0002:c903:00fe:d670"), "guid %s", g);
}

/* ---- 6. the real libibverbs ---- */

static void test_real(void)
{
	struct snic_ibv_report *r = NULL;
	char err[512] = "", *s;
	int rc;

	rc = snic_ibv_discover(NULL, NULL, NULL, &r, err, sizeof(err));
	if (rc < 0) {
		SNIC_CHECK(r == NULL && err[0], "a failure says why");
		printf("real libibverbs: error: %s\n", err);
		return;
	}
	SNIC_REQUIRE(r, "report");
	SNIC_CHECK(!strcmp(r->backend, "libibverbs") && !strcmp(r->sysfs_root, "/sys"),
		   "real backend, /sys");
	if (r->n_devs == 0) {
		SNIC_CHECK(r->message && (!strncmp(r->message, "no RDMA devices found (libibverbs sees none", 43) ||
					  !strncmp(r->message, "no usable RDMA devices: ", 24)),
			   "plain message: %s", r->message);
		printf("real libibverbs: %s\n", r->message);
	} else {
		printf("real libibverbs: %u device(s), first %s\n", r->n_devs, r->devs[0].name);
	}
	s = to_string(r, true);
	SNIC_CHECK(json_valid(s), "real JSON valid:\n%s", s);
	free(s);
	s = to_string(r, false);
	SNIC_CHECK(s[0] != '\0', "real table not empty");
	free(s);
	snic_ibv_report_free(r);
}

/* ---- 7. the CLI ---- */

static int run(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run(char **out, const char *fmt, ...)
{
	char cmd[2048], *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];
	FILE *m, *p;
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	m = open_memstream(&buf, &len);
	SNIC_REQUIRE(m, "open_memstream");
	p = popen(cmd, "r");
	SNIC_REQUIRE(p, "popen %s", cmd);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		fwrite(chunk, 1, n, m);
	st = pclose(p);
	fclose(m);
	*out = buf;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static void test_cli(void)
{
	const char *bin = SNIC_DEVICES_BIN, *empty = P("%s/empty", tmpdir);
	struct snic_ibv_report *r = NULL;
	char err[512], *out;
	bool none;
	int st;

	/* What the real backend sees decides what the CLI must say. */
	SNIC_REQUIRE(access(bin, X_OK) == 0, "%s not built", bin);
	none = snic_ibv_discover(NULL, NULL, NULL, &r, err, sizeof(err)) == 0 &&
	       r->n_devs == 0;
	snic_ibv_report_free(r);

	st = run(&out, "%s --help", bin);
	SNIC_CHECK(st == 0 && !strncmp(out, "usage: snic-devices", 19), "--help: %d %s", st, out);
	free(out);
	st = run(&out, "%s --bogus 2>/dev/null", bin);
	SNIC_CHECK_EQ(st, 2, "bad option");
	free(out);
	st = run(&out, "%s extra 2>/dev/null", bin);
	SNIC_CHECK_EQ(st, 2, "extra argument");
	free(out);

	st = run(&out, "%s", bin);
	SNIC_CHECK(st == 0 || st == 1, "plain run exits %d", st);
	if (none)
		SNIC_CHECK(st == 0 && strstr(out, "no RDMA devices found (libibverbs sees none"),
			   "says none plainly: %d '%s'", st, out);
	free(out);

	st = run(&out, "%s --json", bin);
	SNIC_CHECK(st == 0 || st == 1, "--json exits %d", st);
	SNIC_CHECK(json_valid(out) && strstr(out, "\"backend\": \"libibverbs\""),
		   "--json:\n%s", out);
	if (none)
		SNIC_CHECK(strstr(out, "\"devices\": [],") && strstr(out, "\"message\": \"no RDMA devices found"),
			   "--json, none:\n%s", out);
	free(out);

	st = run(&out, "%s --sysfs %s", bin, empty);
	if (none)
		SNIC_CHECK(st == 0 && strstr(out, "no RDMA devices found"), "--sysfs empty: %d %s",
			   st, out);
	free(out);

	/* Real libibverbs sees nothing, the fake sysfs three devices. */
	if (none) {
		const char *root = build_tree("cli");

		st = run(&out, "%s --sysfs %s", bin, root);
		SNIC_CHECK(st == 1 && strstr(out, "no usable RDMA devices: ") &&
			   strstr(out, "lists mlx5_0, mlx5_2, rxe0 but libibverbs sees none"),
			   "--sysfs fake: %d %s", st, out);
		free(out);
	}
}

int main(void)
{
	const char *t = getenv("TMPDIR");
	int e;

	snprintf(tmpdir, sizeof(tmpdir), "%s/test_ibv.XXXXXX", t && *t ? t : "/tmp");
	e = mkdtemp(tmpdir) ? 0 : errno;
	SNIC_REQUIRE(e == 0, "mkdtemp %s: %s", tmpdir, strerror(e));

	test_names();
	test_full();
	test_backend_errors();
	test_malformed();
	test_none();
	test_real();
	test_cli();

	rm_rf(tmpdir);
	return snic_test_done();
}
