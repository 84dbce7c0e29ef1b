/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_sriov_core.c - the backend-independent part of snic-sriov over a
 * model backend (an ops table that records every call): value parsing and
 * validation, the VF-count rules, attachment records (attach twice, disable
 * while attached, detach gets exactly the undo attach gave, records written
 * whole), and that every refusal reaches no backend call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snic_test.h"
#include "sriov_internal.h"

struct model {
	unsigned total, num;
	unsigned calls;                 /* backend calls that change things */
	struct snic_sriov_vf_cfg last_cfg;
	char last_undo[256];
	int fail_attach;                /* errno to fail attach with */
};

static struct model *M(struct snic_sriov_dev *d) { return d->priv; }

static int m_query_nic(struct snic_sriov_dev *d, struct snic_sriov_nic *n,
		       struct snic_sriov_err *e)
{
	(void)e;
	snprintf(n->name, sizeof(n->name), "%s", d->name);
	n->total_vfs = M(d)->total;
	n->num_vfs = M(d)->num;
	return 0;
}

static int m_query_vf(struct snic_sriov_dev *d, unsigned i, struct snic_sriov_vf *vf,
		      struct snic_sriov_err *e)
{
	(void)d; (void)e;
	vf->index = i;
	return 0;
}

static int m_set_num(struct snic_sriov_dev *d, unsigned n, struct snic_sriov_err *e)
{
	(void)e;
	M(d)->calls++;
	M(d)->num = n;
	return 0;
}

static int m_esw(struct snic_sriov_dev *d, enum snic_sriov_esw_mode m, struct snic_sriov_err *e)
{
	(void)m; (void)e;
	M(d)->calls++;
	return 0;
}

static int m_set_vf(struct snic_sriov_dev *d, unsigned i, const struct snic_sriov_vf_cfg *c,
		    struct snic_sriov_err *e)
{
	(void)i; (void)e;
	M(d)->calls++;
	M(d)->last_cfg = *c;
	return 0;
}

static int m_attach(struct snic_sriov_dev *d, unsigned i, const struct snic_sriov_attach *a,
		    struct snic_sriov_attach_out *out, char *undo, size_t len,
		    struct snic_sriov_err *e)
{
	M(d)->calls++;
	if (M(d)->fail_attach)
		return snic_sriov_fail(e, -M(d)->fail_attach, "model attach refused");
	snprintf(undo, len, "undo-of-vf%u-for-%s", i, a->vm);
	snprintf(out->summary, sizeof(out->summary), "attached");
	return 0;
}

static int m_detach(struct snic_sriov_dev *d, unsigned i, const char *vm, const char *undo,
		    struct snic_sriov_err *e)
{
	(void)i; (void)vm; (void)e;
	M(d)->calls++;
	snprintf(M(d)->last_undo, sizeof(M(d)->last_undo), "%s", undo);
	return 0;
}

static void m_close(struct snic_sriov_dev *d) { (void)d; }

static const struct snic_sriov_ops model_ops = {
	.name = "model", .query_nic = m_query_nic, .query_vf = m_query_vf,
	.set_num_vfs = m_set_num, .set_esw_mode = m_esw, .set_vf = m_set_vf,
	.attach = m_attach, .detach = m_detach, .close = m_close,
};

static void values(void)
{
	uint8_t mac[6];
	char s[18];
	struct snic_sriov_vf_cfg c = { 0 };
	struct snic_sriov_err e;

	SNIC_CHECK(snic_sriov_parse_mac("02:aB:00:00:00:ff", mac) == 0, "mac parses");
	snic_sriov_format_mac(mac, s);
	SNIC_CHECK(!strcmp(s, "02:ab:00:00:00:ff"), "mac round trip: %s", s);
	SNIC_CHECK(snic_sriov_parse_mac("02:ab:00:00:00", mac) < 0, "short mac");
	SNIC_CHECK(snic_sriov_parse_mac("02-ab-00-00-00-ff", mac) < 0, "dashes");
	SNIC_CHECK(snic_sriov_parse_mac("02:ab:00:00:00:fg", mac) < 0, "bad hex");
	SNIC_CHECK(snic_sriov_vm_name_ok("vm-1.a_b"), "vm name");
	SNIC_CHECK(!snic_sriov_vm_name_ok("a/b") && !snic_sriov_vm_name_ok("..") &&
		   !snic_sriov_vm_name_ok("") && !snic_sriov_vm_name_ok(
			   "0123456789012345678901234567890123456789012345678901234567890123"),
		   "bad vm names");
	SNIC_CHECK(snic_sriov_check_cfg(&c, 1, &e) == -EINVAL, "empty cfg");
	c.set = SNIC_SRIOV_SET_MAC;
	c.mac[0] = 0x01;
	SNIC_CHECK(snic_sriov_check_cfg(&c, 1, &e) == -EINVAL && strstr(e.msg, "multicast"),
		   "multicast: %s", e.msg);
	c.mac[0] = 0x02;
	SNIC_CHECK(snic_sriov_check_cfg(&c, 1, &e) == 0, "unicast ok");
	c.set = SNIC_SRIOV_SET_VLAN;
	c.vlan = 4095;
	SNIC_CHECK(snic_sriov_check_cfg(&c, 1, &e) == -EINVAL && strstr(e.msg, "4094"),
		   "vlan 4095: %s", e.msg);
	c.vlan = 0;
	c.qos = 3;
	SNIC_CHECK(snic_sriov_check_cfg(&c, 1, &e) == -EINVAL && strstr(e.msg, "needs a VLAN"),
		   "qos without vlan: %s", e.msg);
	c.set = SNIC_SRIOV_SET_RATE;
	c.min_rate = 200;
	c.max_rate = 100;
	SNIC_CHECK(snic_sriov_check_cfg(&c, 1, &e) == -EINVAL && strstr(e.msg, "min_tx_rate"),
		   "min > max: %s", e.msg);
	c.max_rate = 0;    /* unlimited: any min */
	SNIC_CHECK(snic_sriov_check_cfg(&c, 1, &e) == 0, "min with unlimited max");
	c.set = 0x80;
	SNIC_CHECK(snic_sriov_check_cfg(&c, 1, &e) == -EINVAL, "unknown bits");
}

static void lifecycle(const char *state)
{
	struct model m = { .total = 8, .num = 0 };
	struct snic_sriov_dev d = { .ops = &model_ops, .priv = &m };
	struct snic_sriov_attach a = { .vm = "vm1" };
	struct snic_sriov_attach_out out;
	struct snic_sriov_vf_cfg c = { .set = SNIC_SRIOV_SET_VLAN, .vlan = 5000 };
	struct snic_sriov_vf vf;
	struct snic_sriov_err e;
	char path[512], buf[256];
	unsigned calls;
	FILE *f;

	snprintf(d.name, sizeof(d.name), "nicA");
	sriov_env_defaults(&d.env, &(struct snic_sriov_env){ .state_dir = state });

	SNIC_CHECK(snic_sriov_set_num_vfs(&d, 9, &e) == -ERANGE && strstr(e.msg, "at most 8"),
		   "9 of 8: %s", e.msg);
	SNIC_CHECK(snic_sriov_set_vf(&d, 0, &(struct snic_sriov_vf_cfg){
			.set = SNIC_SRIOV_SET_TRUST, .trust = true }, &e) == -ERANGE &&
		   strstr(e.msg, "not enabled"), "VF of none enabled: %s", e.msg);
	SNIC_CHECK_EQ(m.calls, 0, "refusals reach no backend call");
	SNIC_CHECK(snic_sriov_set_num_vfs(&d, 4, &e) == 0 && m.num == 4, "enable 4");
	SNIC_CHECK(snic_sriov_set_num_vfs(&d, 2, &e) == -EBUSY &&
		   strstr(e.msg, "4 VFs are enabled"), "4 -> 2: %s", e.msg);
	SNIC_CHECK(snic_sriov_set_num_vfs(&d, 4, &e) == 0, "4 -> 4 is no change");
	calls = m.calls;
	SNIC_CHECK(snic_sriov_set_vf(&d, 1, &c, &e) == -EINVAL && strstr(e.msg, "nicA") &&
		   strstr(e.msg, "VLAN 5000"), "vlan 5000: %s", e.msg);
	SNIC_CHECK(snic_sriov_set_vf(&d, 8, &(struct snic_sriov_vf_cfg){
			.set = SNIC_SRIOV_SET_TRUST }, &e) == -ERANGE &&
		   strstr(e.msg, "does not exist"), "VF 8: %s", e.msg);
	SNIC_CHECK(snic_sriov_set_esw_mode(&d, SNIC_SRIOV_ESW_UNKNOWN, &e) == -EINVAL,
		   "esw unknown");
	SNIC_CHECK_EQ(m.calls, calls, "refused settings reach no backend call");
	c.vlan = 100;
	c.qos = 5;
	SNIC_CHECK(snic_sriov_set_vf(&d, 1, &c, &e) == 0 && m.last_cfg.vlan == 100 &&
		   m.last_cfg.qos == 5, "vlan 100 qos 5 passed on");

	/* attach: record, refusal of a second attach, disable refused */
	SNIC_CHECK(snic_sriov_attach(&d, 2, &a, &out, &e) == 0, "attach VF 2: %s", e.msg);
	snprintf(path, sizeof(path), "%s/nicA-vf2", state);
	f = fopen(path, "r");
	SNIC_CHECK(f && fgets(buf, sizeof(buf), f) && !strcmp(buf, "vm=vm1\n"), "record vm line");
	SNIC_CHECK(f && fgets(buf, sizeof(buf), f) && !strcmp(buf, "undo=undo-of-vf2-for-vm1\n"),
		   "record undo line");
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "%s/nicA-vf2.tmp", state);
	SNIC_CHECK(access(path, F_OK) != 0, "no temporary file left");
	SNIC_CHECK(snic_sriov_vf(&d, 2, &vf, &e) == 0 && !strcmp(vf.vm, "vm1"), "vf shows vm");
	SNIC_CHECK(sriov_vm_in_use(&d, "vm1", 3) && !sriov_vm_in_use(&d, "vm1", 2),
		   "vm in use by VF 2 only");
	calls = m.calls;
	a.vm = "vm2";
	SNIC_CHECK(snic_sriov_attach(&d, 2, &a, &out, &e) == -EBUSY &&
		   strstr(e.msg, "in use by VM vm1"), "attach twice: %s", e.msg);
	SNIC_CHECK(snic_sriov_set_num_vfs(&d, 0, &e) == -EBUSY &&
		   strstr(e.msg, "VF 2 is attached to VM vm1"), "disable: %s", e.msg);
	a.vm = "bad name";
	SNIC_CHECK(snic_sriov_attach(&d, 3, &a, &out, &e) == -EINVAL, "vm name with a space");
	a.vm = "vm3";
	SNIC_CHECK(snic_sriov_attach(&d, 6, &a, &out, &e) == -ERANGE, "attach disabled VF 6");
	SNIC_CHECK_EQ(m.calls, calls, "refused attaches reach no backend call");
	SNIC_CHECK(snic_sriov_detach(&d, 3, &e) == -ENOENT && strstr(e.msg, "not attached"),
		   "detach of a free VF: %s", e.msg);

	/* a backend refusal leaves no record */
	m.fail_attach = EIO;
	SNIC_CHECK(snic_sriov_attach(&d, 3, &a, &out, &e) == -EIO, "backend refuses");
	snprintf(path, sizeof(path), "%s/nicA-vf3", state);
	SNIC_CHECK(access(path, F_OK) != 0, "no record after a refused attach");
	m.fail_attach = 0;

	/* PRINT leaves no record: nothing to undo */
	a.mode = SNIC_SRIOV_ATTACH_PRINT;
	SNIC_CHECK(snic_sriov_attach(&d, 3, &a, &out, &e) == 0 && access(path, F_OK) != 0,
		   "print-only attach keeps no record");
	a.mode = SNIC_SRIOV_ATTACH_DEFAULT;

	/* a damaged record is reported, not guessed at */
	f = fopen(path, "w");
	fputs("garbage\n", f);
	fclose(f);
	SNIC_CHECK(snic_sriov_vf(&d, 3, &vf, &e) == -EIO && strstr(e.msg, "damaged"),
		   "damaged record: %s", e.msg);
	unlink(path);

	SNIC_CHECK(snic_sriov_detach(&d, 2, &e) == 0 &&
		   !strcmp(m.last_undo, "undo-of-vf2-for-vm1"), "detach gets the undo: %s",
		   m.last_undo);
	snprintf(path, sizeof(path), "%s/nicA-vf2", state);
	SNIC_CHECK(access(path, F_OK) != 0, "record gone after detach");
	SNIC_CHECK(snic_sriov_set_num_vfs(&d, 0, &e) == 0 && m.num == 0, "disable after detach");
}

int main(void)
{
	char state[] = "/tmp/snic-sriov-core.XXXXXX";
	char cmd[128];

	values();
	SNIC_REQUIRE(mkdtemp(state), "mkdtemp");
	lifecycle(state);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", state);
	if (system(cmd)) { /* best effort */ }
	return snic_test_done();
}
