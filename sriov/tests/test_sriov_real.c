/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_sriov_real.c - the real backend of snic-sriov against a fake sysfs
 * tree shaped like a ConnectX-6 Dx PF, with a fake kernel that reacts to
 * writes (test_sriov_real_fake.c): opening by PCI address and netdev, the
 * refusals (no SR-IOV, a VF, too many VFs, nonzero to nonzero), enabling,
 * listing, representors and DPDK names after switchdev, attach to vfio-pci
 * (the kernel saw driver_override, unbind, drivers_probe in that order; the
 * libvirt XML parsed with libxml2 element by element; QEMU), detach back to
 * mlx5_core, a kernel that does not react, and "must run as root".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "real_internal.h"
#include "snic_test.h"
#include "test_sriov_real_fake.h"

static struct fake_kernel *fk;
static struct snic_sriov_env env;

static bool has(const char *msg, const char *part)
{
	return strstr(msg, part) != NULL;
}

static struct snic_sriov_dev *open_ok(const char *name)
{
	struct snic_sriov_err e = {""};
	struct snic_sriov_dev *d = NULL;
	int rc = sriov_real_open(name, &env, &d, &e);

	SNIC_REQUIRE(rc == 0 && d, "open %s: %d %s", name, rc, e.msg);
	return d;
}

static void check_open(void)
{
	static const char *const not_ours[] = {"lo", "snic0", "/run/snic/snic0.sock",
					       "x.sock", "nosuchdev"};
	struct snic_sriov_err e;
	struct snic_sriov_dev *d;
	size_t k;
	int rc;

	d = open_ok(FAKE_PF);
	SNIC_CHECK(!strcmp(d->name, FAKE_PF), "name %s", d->name);
	SNIC_CHECK(!strcmp(d->ops->name, "real"), "ops %s", d->ops->name);
	SNIC_CHECK(!strcmp(d->env.sysfs, fake_root(fk)), "sysfs %s", d->env.sysfs);
	d->ops->close(d);
	d = open_ok(FAKE_PF_NETDEV);
	SNIC_CHECK(!strcmp(d->name, FAKE_PF), "by netdev: name %s", d->name);
	d->ops->close(d);
	d = open_ok("0000:08:00.0");
	d->ops->close(d);

	for (k = 0; k < sizeof(not_ours) / sizeof(not_ours[0]); k++) {
		e.msg[0] = 'x';
		d = NULL;
		rc = sriov_real_open(not_ours[k], &env, &d, &e);
		SNIC_CHECK(rc == -ENODEV && !d && !e.msg[0], "%s is not ours: %d '%s'",
			   not_ours[k], rc, e.msg);
	}
	rc = sriov_real_open(FAKE_NOSRIOV, &env, &d, &e);
	SNIC_CHECK(rc == -ENODEV && has(e.msg, FAKE_NOSRIOV) &&
		   has(e.msg, "has no SR-IOV capability (no sriov_totalvfs)"),
		   "no SR-IOV: %d %s", rc, e.msg);
	rc = sriov_real_open("eno1", &env, &d, &e);
	SNIC_CHECK(rc == -ENODEV && has(e.msg, "eno1") && has(e.msg, FAKE_NOSRIOV) &&
		   has(e.msg, "no SR-IOV"), "eno1: %d %s", rc, e.msg);
	rc = sriov_real_open("0000:09:00.0", &env, &d, &e);
	SNIC_CHECK(rc == -ENODEV && has(e.msg, "0000:09:00.0") && has(e.msg, "no such PCI"),
		   "absent PCI: %d %s", rc, e.msg);
}

static void check_nic(struct snic_sriov_dev *d, unsigned num, const char *devargs,
		      enum snic_sriov_esw_mode esw)
{
	struct snic_sriov_err e;
	struct snic_sriov_nic nic;
	int rc = d->ops->query_nic(d, &nic, &e);

	SNIC_CHECK_EQ(rc, 0, e.msg);
	SNIC_CHECK(nic.backend == SNIC_SRIOV_REAL && !strcmp(nic.name, FAKE_PF), "nic %s",
		   nic.name);
	SNIC_CHECK(!strcmp(nic.netdev, FAKE_PF_NETDEV), "PF netdev '%s'", nic.netdev);
	SNIC_CHECK(!strcmp(nic.driver, "mlx5_core"), "driver '%s'", nic.driver);
	SNIC_CHECK(has(nic.model, "ConnectX-6 Dx"), "model '%s'", nic.model);
	SNIC_CHECK_EQ(nic.total_vfs, 8, "total_vfs");
	SNIC_CHECK_EQ(nic.num_vfs, num, "num_vfs");
	SNIC_CHECK(!strcmp(nic.dpdk_devargs, devargs), "devargs '%s' want '%s'",
		   nic.dpdk_devargs, devargs);
	SNIC_CHECK_EQ(nic.esw_mode, esw, "esw mode");
}

static int list_cb(void *arg, const char *name)
{
	char *acc = arg;

	strcat(acc, name);
	strcat(acc, ";");
	return 0;
}

static void check_enable(struct snic_sriov_dev *d)
{
	struct snic_sriov_err e;
	char buf[256] = "";
	int rc;

	check_nic(d, 0, FAKE_PF, SNIC_SRIOV_ESW_UNKNOWN);
	rc = d->ops->set_num_vfs(d, 9, &e);
	SNIC_CHECK(rc == -ERANGE && has(e.msg, FAKE_PF) && has(e.msg, "at most 8"),
		   "9 VFs: %d %s", rc, e.msg);
	fake_read(fk, "devices/pci0000:00/" FAKE_PF "/sriov_numvfs", buf, sizeof(buf));
	SNIC_CHECK(!strcmp(buf, "0"), "refused: sriov_numvfs '%s'", buf);
	SNIC_CHECK(fake_log_find(fk, "sriov_numvfs=9") < 0, "the kernel saw 9");

	rc = d->ops->set_num_vfs(d, 4, &e);
	SNIC_CHECK_EQ(rc, 0, e.msg);
	fake_read(fk, "devices/pci0000:00/" FAKE_PF "/sriov_numvfs", buf, sizeof(buf));
	SNIC_CHECK(!strcmp(buf, "4"), "sriov_numvfs '%s'", buf);
	SNIC_CHECK(fake_log_find(fk, "sriov_numvfs=4") >= 0, "the kernel did not see 4");
	check_nic(d, 4, FAKE_PF ",representor=vf[0-3]", SNIC_SRIOV_ESW_UNKNOWN);
	rc = d->ops->set_num_vfs(d, 4, &e);
	SNIC_CHECK_EQ(rc, 0, "same count again");
	rc = d->ops->set_num_vfs(d, 2, &e);
	SNIC_CHECK(rc == -EBUSY && has(e.msg, "set 0 first"), "4 -> 2: %d %s", rc, e.msg);

	buf[0] = '\0';
	rc = sriov_real_list(&env, list_cb, buf, &e);
	SNIC_CHECK(rc == 0 && !strcmp(buf, FAKE_PF ";"), "list: %d '%s'", rc, buf);
}

static void check_vfs(struct snic_sriov_dev *d, bool switchdev)
{
	struct snic_sriov_err e;
	struct snic_sriov_vf vf;
	char want[64];
	unsigned k;
	int rc;

	for (k = 0; k < 4; k++) {
		rc = d->ops->query_vf(d, k, &vf, &e);
		SNIC_CHECK_EQ(rc, 0, e.msg);
		SNIC_CHECK(vf.index == k && !strcmp(vf.pci, fake_vf_addr(k)), "VF %u pci %s",
			   k, vf.pci);
		snprintf(want, sizeof(want), "enp8s0f0v%u", k);
		SNIC_CHECK(!strcmp(vf.netdev, want), "VF %u netdev '%s'", k, vf.netdev);
		SNIC_CHECK(!strcmp(vf.driver, "mlx5_core"), "VF %u driver '%s'", k, vf.driver);
		SNIC_CHECK(vf.link_up == 1 && vf.spoofchk == -1 && vf.trust == -1,
			   "VF %u link %d spoof %d trust %d", k, vf.link_up, vf.spoofchk,
			   vf.trust);
		if (!switchdev) {
			SNIC_CHECK(!vf.representor[0] && !vf.rep_netdev[0] && !vf.rep_dpdk[0],
				   "legacy VF %u has representor '%s'", k, vf.representor);
			continue;
		}
		snprintf(want, sizeof(want), "pf0vf%u", k);
		SNIC_CHECK(!strcmp(vf.representor, want), "VF %u port '%s'", k, vf.representor);
		snprintf(want, sizeof(want), "enp8s0f0npf0vf%u", k);
		SNIC_CHECK(!strcmp(vf.rep_netdev, want), "VF %u rep '%s'", k, vf.rep_netdev);
		snprintf(want, sizeof(want), FAKE_PF "_representor_vf%u", k);
		SNIC_CHECK(!strcmp(vf.rep_dpdk, want), "VF %u dpdk '%s'", k, vf.rep_dpdk);
	}
	rc = d->ops->query_vf(d, 4, &vf, &e);
	SNIC_CHECK(rc == -ERANGE && has(e.msg, "VF 4") && has(e.msg, "4 VFs enabled"),
		   "VF 4: %d %s", rc, e.msg);
}

static void check_switchdev(struct snic_sriov_dev *d)
{
	struct snic_sriov_err e;
	const struct nlmsghdr *nlh;
	size_t len;
	int rc = d->ops->set_esw_mode(d, SNIC_SRIOV_ESW_SWITCHDEV, &e);

	SNIC_CHECK_EQ(rc, 0, e.msg);
	SNIC_CHECK_EQ(sriov_real_nl_count(d), 1, "recorded devlink requests");
	nlh = sriov_real_nl_request(d, 0, &len);
	SNIC_CHECK(nlh && nlh->nlmsg_type == REAL_DL_FAKE_FAMILY && len == nlh->nlmsg_len,
		   "recorded ESWITCH_SET");
	/* what devlink does: the representors appear */
	fake_switchdev(fk, true);
	check_nic(d, 4, FAKE_PF ",representor=vf[0-3]", SNIC_SRIOV_ESW_SWITCHDEV);
	check_vfs(d, true);
}

static xmlNode *child(xmlNode *n, const char *name)
{
	for (n = n ? n->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name))
			return n;
	return NULL;
}

static void check_attr(xmlNode *n, const char *name, const char *want, const char *where)
{
	xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)name) : NULL;

	SNIC_CHECK(v && !strcmp((const char *)v, want), "%s @%s: '%s' want '%s'", where, name,
		   v ? (const char *)v : "(none)", want);
	xmlFree(v);
}

static xmlDoc *parse(const char *xml)
{
	xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), "snippet.xml", NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

	SNIC_CHECK(doc != NULL, "libvirt XML is not well-formed:\n%s", xml);
	return doc;
}

static void check_address(xmlNode *src, const char *fn, bool typed)
{
	xmlNode *addr = child(src, "address");

	SNIC_CHECK(addr != NULL, "no <source><address>");
	if (typed)
		check_attr(addr, "type", "pci", "address");
	check_attr(addr, "domain", "0x0000", "address");
	check_attr(addr, "bus", "0x08", "address");
	check_attr(addr, "slot", "0x00", "address");
	check_attr(addr, "function", fn, "address");
}

static void check_attach(struct snic_sriov_dev *d)
{
	struct snic_sriov_vf_cfg cfg = {
		.set = SNIC_SRIOV_SET_MAC | SNIC_SRIOV_SET_VLAN,
		.mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}, .vlan = 100, .qos = 3,
	};
	struct snic_sriov_attach a = {.vm = "vm1"};
	struct snic_sriov_attach_out out;
	struct snic_sriov_err e;
	struct snic_sriov_vf vf;
	char undo[256], buf[64];
	xmlDoc *doc;
	xmlNode *root;
	int rc, i1, i2, i3;

	rc = d->ops->set_vf(d, 2, &cfg, &e);
	SNIC_CHECK_EQ(rc, 0, e.msg);
	SNIC_CHECK_EQ(sriov_real_nl_count(d), 2, "MAC + VLAN requests recorded");
	fake_log_clear(fk);
	memset(&out, 0, sizeof(out));
	rc = d->ops->attach(d, 2, &a, &out, undo, sizeof(undo), &e);
	SNIC_CHECK_EQ(rc, 0, e.msg);
	SNIC_CHECK(!strcmp(undo, "driver=mlx5_core"), "undo '%s'", undo);
	i1 = fake_log_find(fk, "0000:08:00.4/driver_override=vfio-pci");
	i2 = fake_log_find(fk, "mlx5_core/unbind=0000:08:00.4");
	i3 = fake_log_find(fk, "drivers_probe=0000:08:00.4");
	SNIC_CHECK(i1 >= 0 && i2 > i1 && i3 > i2, "kernel saw override %d, unbind %d, "
		   "probe %d", i1, i2, i3);
	if (!(i1 >= 0 && i2 > i1 && i3 > i2))
		fake_log_print(fk);
	fake_read(fk, "devices/pci0000:00/0000:08:00.4/driver_override", buf, sizeof(buf));
	SNIC_CHECK(!strcmp(buf, "vfio-pci"), "driver_override '%s'", buf);
	fake_read(fk, "bus/pci/drivers/mlx5_core/unbind", buf, sizeof(buf));
	SNIC_CHECK(!strcmp(buf, "0000:08:00.4"), "mlx5_core/unbind got '%s'", buf);
	fake_read(fk, "bus/pci/drivers_probe", buf, sizeof(buf));
	SNIC_CHECK(!strcmp(buf, "0000:08:00.4"), "drivers_probe got '%s'", buf);
	fake_link(fk, "devices/pci0000:00/0000:08:00.4/driver", buf, sizeof(buf));
	SNIC_CHECK(!strcmp(buf, "vfio-pci"), "driver link '%s'", buf);
	rc = d->ops->query_vf(d, 2, &vf, &e);
	SNIC_CHECK(rc == 0 && !strcmp(vf.driver, "vfio-pci") && !vf.netdev[0],
		   "VF 2 after attach: driver '%s' netdev '%s'", vf.driver, vf.netdev);
	SNIC_CHECK(!strcmp(out.qemu_args, "-device vfio-pci,host=0000:08:00.4"), "qemu '%s'",
		   out.qemu_args);
	SNIC_CHECK(has(out.summary, "vm1") && has(out.summary, "0000:08:00.4"), "summary '%s'",
		   out.summary);

	doc = parse(out.libvirt_xml);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	SNIC_CHECK(root && !strcmp((const char *)root->name, "interface"), "root element");
	check_attr(root, "type", "hostdev", "interface");
	check_attr(root, "managed", "yes", "interface");
	check_attr(child(root, "mac"), "address", "52:54:00:12:34:56", "mac");
	check_address(child(root, "source"), "0x4", true);
	check_attr(child(child(root, "vlan"), "tag"), "id", "100", "vlan/tag");
	xmlFreeDoc(doc);

	rc = d->ops->attach(d, 2, &a, &out, undo, sizeof(undo), &e);
	SNIC_CHECK(rc == -EBUSY && has(e.msg, "VF 2") && has(e.msg, "vfio-pci"),
		   "attach twice: %d %s", rc, e.msg);
	rc = d->ops->set_num_vfs(d, 0, &e);
	SNIC_CHECK(rc == -EBUSY && has(e.msg, "VF 2") && has(e.msg, "0000:08:00.4"),
		   "disable while attached: %d %s", rc, e.msg);

	fake_log_clear(fk);
	rc = d->ops->detach(d, 2, "vm1", undo, &e);
	SNIC_CHECK_EQ(rc, 0, e.msg);
	fake_read(fk, "devices/pci0000:00/0000:08:00.4/driver_override", buf, sizeof(buf));
	SNIC_CHECK(!strcmp(buf, "(null)"), "driver_override after detach '%s'", buf);
	fake_read(fk, "bus/pci/drivers/vfio-pci/unbind", buf, sizeof(buf));
	SNIC_CHECK(!strcmp(buf, "0000:08:00.4"), "vfio-pci/unbind got '%s'", buf);
	fake_read(fk, "bus/pci/drivers/mlx5_core/bind", buf, sizeof(buf));
	SNIC_CHECK(!strcmp(buf, "0000:08:00.4"), "mlx5_core/bind got '%s'", buf);
	rc = d->ops->query_vf(d, 2, &vf, &e);
	SNIC_CHECK(rc == 0 && !strcmp(vf.driver, "mlx5_core") && !strcmp(vf.netdev, "enp8s0f0v2"),
		   "VF 2 after detach: driver '%s' netdev '%s'", vf.driver, vf.netdev);
	rc = d->ops->detach(d, 2, "vm1", "driver=../x", &e);
	SNIC_CHECK(rc == -EINVAL && has(e.msg, "VF 2"), "bad undo: %d %s", rc, e.msg);

	/* PRINT: the snippet, and the VF left alone */
	a.mode = SNIC_SRIOV_ATTACH_PRINT;
	fake_log_clear(fk);
	rc = d->ops->attach(d, 2, &a, &out, undo, sizeof(undo), &e);
	SNIC_CHECK(rc == 0 && !undo[0] && has(out.libvirt_xml, "<tag id='100'/>") &&
		   !strcmp(out.qemu_args, "-device vfio-pci,host=0000:08:00.4"),
		   "print: %d undo '%s' %s", rc, undo, out.libvirt_xml);
	fake_link(fk, "devices/pci0000:00/0000:08:00.4/driver", buf, sizeof(buf));
	SNIC_CHECK(!strcmp(buf, "mlx5_core") && fake_log_find(fk, "drivers_probe=0000:08:00.4") < 0,
		   "print bound the VF: %s", buf);
	a.mode = SNIC_SRIOV_ATTACH_DEFAULT;

	/* no MAC known: a plain <hostdev> */
	rc = d->ops->attach(d, 3, &a, &out, undo, sizeof(undo), &e);
	SNIC_CHECK_EQ(rc, 0, e.msg);
	doc = parse(out.libvirt_xml);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	SNIC_CHECK(root && !strcmp((const char *)root->name, "hostdev"), "root element hostdev");
	check_attr(root, "mode", "subsystem", "hostdev");
	check_attr(root, "type", "pci", "hostdev");
	check_address(child(root, "source"), "0x5", false);
	SNIC_CHECK(!child(root, "mac") && !child(root, "vlan"), "hostdev has mac/vlan");
	xmlFreeDoc(doc);
	rc = d->ops->detach(d, 3, "vm1", undo, &e);
	SNIC_CHECK_EQ(rc, 0, e.msg);
	fake_link(fk, "devices/pci0000:00/0000:08:00.5/driver", buf, sizeof(buf));
	SNIC_CHECK(!strcmp(buf, "mlx5_core"), "VF 3 driver after detach '%s'", buf);
}

static void check_deaf(struct snic_sriov_dev *d)
{
	struct snic_sriov_attach a = {.vm = "vm1"};
	struct snic_sriov_attach_out out;
	struct snic_sriov_err e;
	char undo[256], buf[64];
	int rc;

	sriov_real_set_timeout(d, 200);
	fake_set_deaf(fk, true);
	rc = d->ops->attach(d, 1, &a, &out, undo, sizeof(undo), &e);
	SNIC_CHECK(rc == -EIO && has(e.msg, "VF 1") && has(e.msg, "0000:08:00.3") &&
		   has(e.msg, "still"), "deaf kernel, attach: %d %s", rc, e.msg);
	fake_read(fk, "devices/pci0000:00/0000:08:00.3/driver_override", buf, sizeof(buf));
	SNIC_CHECK(!strcmp(buf, "") || !strcmp(buf, "(null)"), "override left '%s'", buf);
	rc = d->ops->set_num_vfs(d, 0, &e);
	SNIC_CHECK(rc == -EIO && has(e.msg, FAKE_PF) && has(e.msg, "wrote 0 to sriov_numvfs"),
		   "deaf kernel, disable: %d %s", rc, e.msg);
	fake_set_deaf(fk, false);
	/* the kernel had kept its 4 VFs */
	fake_write(fk, "devices/pci0000:00/" FAKE_PF "/sriov_numvfs", "4\n");
	sriov_real_set_timeout(d, REAL_TIMEOUT_MS);
	rc = d->ops->set_num_vfs(d, 0, &e);
	SNIC_CHECK_EQ(rc, 0, e.msg);
	fake_link(fk, "devices/pci0000:00/" FAKE_PF "/virtfn0", buf, sizeof(buf));
	SNIC_CHECK(!buf[0], "virtfn0 left after disable: %s", buf);
	check_nic(d, 0, FAKE_PF, SNIC_SRIOV_ESW_UNKNOWN);
}

/* As a user, writing sysfs fails: the backend says to run as root. */
static void check_not_root(void)
{
	int p[2], status;
	char msg[600] = "";
	pid_t pid;
	ssize_t n;

	if (geteuid() != 0 || pipe(p))
		return;
	pid = fork();
	if (pid == 0) {
		struct snic_sriov_dev *d;
		struct snic_sriov_err e = {""};
		int rc;

		close(p[0]);
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		rc = sriov_real_open(FAKE_PF, &env, &d, &e);
		if (rc == 0)
			rc = d->ops->set_num_vfs(d, 1, &e);
		dprintf(p[1], "%d %s", rc, e.msg);
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(p[0]);
	waitpid(pid, &status, 0);
	SNIC_CHECK(atoi(msg) == -EPERM && has(msg, "must run as root") && has(msg, FAKE_PF),
		   "as nobody: '%s'", msg);
}

static void check_vf_open(void)
{
	struct snic_sriov_err e;
	struct snic_sriov_dev *d;
	int rc = sriov_real_open("0000:08:00.2", &env, &d, &e);

	SNIC_CHECK(rc == -ENODEV && has(e.msg, "virtual function") && has(e.msg, FAKE_PF),
		   "VF as a NIC: %d %s", rc, e.msg);
	rc = sriov_real_open("enp8s0f0v0", &env, &d, &e);
	SNIC_CHECK(rc == -ENODEV && has(e.msg, "enp8s0f0v0") && has(e.msg, "0000:08:00.2"),
		   "VF netdev as a NIC: %d %s", rc, e.msg);
}

int main(void)
{
	struct fake_opts o = {.thread = true};
	struct snic_sriov_dev *d;

	fk = fake_start(&o);
	SNIC_REQUIRE(fk != NULL, "cannot build the fake sysfs tree");
	env.sysfs = fake_root(fk);
	env.state_dir = "/nonexistent/state";
	env.no_netlink = true;

	check_open();
	d = open_ok(FAKE_PF_NETDEV);
	check_enable(d);
	check_vfs(d, false);
	check_vf_open();
	check_switchdev(d);
	check_attach(d);
	check_deaf(d);
	d->ops->close(d);
	check_not_root();

	fake_stop(fk);
	xmlCleanupParser();
	return snic_test_done();
}
