/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_sriov_real_nl.c - the netlink side of the real backend.
 *
 *   1. every RTM_SETLINK VF request the builders make, decoded with libmnl
 *      attribute by attribute (IFLA_VFINFO_LIST / IFLA_VF_INFO / IFLA_VF_*:
 *      MAC, VLAN list + QoS + 802.1Q, spoof check, trust, rate, link state),
 *      RTM_GETLINK with RTEXT_FILTER_VF, the devlink family lookup and
 *      ESWITCH_GET/SET; the requests the backend records for a fake tree;
 *   2. parsing: an RTM_NEWLINK VF table and an ack with an extack message;
 *   3. the running kernel, in a network namespace this test creates and
 *      deletes: a VF MAC on a veth returns the kernel's own error, the same
 *      one `ip link set ... vf 0 mac` gets, named with device, VF and field;
 *      devlink does not know the device: a clear error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/devlink.h>
#include <linux/genetlink.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "real_internal.h"
#include "snic_test.h"
#include "test_sriov_real_fake.h"

#define MAXA 64

struct attrs {
	const struct nlattr *a[MAXA];
	unsigned n;
};

static int collect(const struct nlattr *a, void *data)
{
	struct attrs *t = data;
	unsigned type = mnl_attr_get_type(a);

	if (type < MAXA)
		t->a[type] = a;
	t->n++;
	return MNL_CB_OK;
}

static void nested(const struct nlattr *a, struct attrs *t)
{
	memset(t, 0, sizeof(*t));
	if (a)
		mnl_attr_parse_nested(a, collect, t);
}

static const struct snic_sriov_vf_cfg all_cfg = {
	.set = 0x3f,
	.mac = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef},
	.vlan = 100, .qos = 3, .spoofchk = true, .trust = true,
	.min_rate = 100, .max_rate = 2500, .link_state = SNIC_SRIOV_LINK_DISABLE,
};

/* Check a SETLINK VF request down to its one IFLA_VF_* attribute (returned). */
static const struct nlattr *decode_setvf(const struct nlmsghdr *nlh, int ifindex,
					 unsigned type, const char *what)
{
	const struct ifinfomsg *ifi;
	struct attrs top = {{0}, 0}, list, info;

	SNIC_REQUIRE(nlh != NULL, "%s: no message", what);
	SNIC_CHECK_EQ(nlh->nlmsg_type, RTM_SETLINK, what);
	SNIC_CHECK_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK, what);
	ifi = mnl_nlmsg_get_payload(nlh);
	SNIC_CHECK_EQ(ifi->ifi_index, ifindex, what);
	SNIC_CHECK_EQ(ifi->ifi_family, AF_UNSPEC, what);
	SNIC_CHECK_EQ(mnl_attr_parse(nlh, sizeof(*ifi), collect, &top), MNL_CB_OK, what);
	SNIC_CHECK(top.n == 1 && top.a[IFLA_VFINFO_LIST], "%s: top level %u attrs", what, top.n);
	nested(top.a[IFLA_VFINFO_LIST], &list);
	SNIC_CHECK(list.n == 1 && list.a[IFLA_VF_INFO], "%s: list %u attrs", what, list.n);
	nested(list.a[IFLA_VF_INFO], &info);
	SNIC_CHECK(info.n == 1 && info.a[type], "%s: VF_INFO %u attrs, want type %u", what,
		   info.n, type);
	return info.a[type];
}

static void check_setvf(const struct nlmsghdr *nlh, int ifindex, unsigned vf, uint32_t bit,
			const struct snic_sriov_vf_cfg *c)
{
	const struct nlattr *a;
	struct attrs vl;

	switch (bit) {
	case SNIC_SRIOV_SET_MAC: {
		const struct ifla_vf_mac *m;
		a = decode_setvf(nlh, ifindex, IFLA_VF_MAC, "MAC");
		SNIC_CHECK_EQ(mnl_attr_get_payload_len(a), sizeof(*m), "MAC size");
		m = mnl_attr_get_payload(a);
		SNIC_CHECK_EQ(m->vf, vf, "MAC vf");
		SNIC_CHECK_MEM(m->mac, c->mac, 6, "MAC");
		break;
	}
	case SNIC_SRIOV_SET_VLAN: {
		const struct ifla_vf_vlan_info *v;
		a = decode_setvf(nlh, ifindex, IFLA_VF_VLAN_LIST, "VLAN");
		nested(a, &vl);
		SNIC_CHECK(vl.n == 1 && vl.a[IFLA_VF_VLAN_INFO], "VLAN list %u", vl.n);
		SNIC_REQUIRE(vl.a[IFLA_VF_VLAN_INFO], "no IFLA_VF_VLAN_INFO");
		SNIC_CHECK_EQ(mnl_attr_get_payload_len(vl.a[IFLA_VF_VLAN_INFO]), sizeof(*v),
			      "VLAN info size");
		v = mnl_attr_get_payload(vl.a[IFLA_VF_VLAN_INFO]);
		SNIC_CHECK_EQ(v->vf, vf, "VLAN vf");
		SNIC_CHECK_EQ(v->vlan, c->vlan, "VLAN id");
		SNIC_CHECK_EQ(v->qos, c->qos, "VLAN qos");
		SNIC_CHECK_EQ(v->vlan_proto, htons(ETH_P_8021Q), "VLAN proto 802.1Q");
		break;
	}
	case SNIC_SRIOV_SET_SPOOFCHK: {
		const struct ifla_vf_spoofchk *s;
		a = decode_setvf(nlh, ifindex, IFLA_VF_SPOOFCHK, "spoofchk");
		SNIC_CHECK_EQ(mnl_attr_get_payload_len(a), sizeof(*s), "spoofchk size");
		s = mnl_attr_get_payload(a);
		SNIC_CHECK_EQ(s->vf, vf, "spoofchk vf");
		SNIC_CHECK_EQ(s->setting, c->spoofchk, "spoofchk");
		break;
	}
	case SNIC_SRIOV_SET_TRUST: {
		const struct ifla_vf_trust *t;
		a = decode_setvf(nlh, ifindex, IFLA_VF_TRUST, "trust");
		SNIC_CHECK_EQ(mnl_attr_get_payload_len(a), sizeof(*t), "trust size");
		t = mnl_attr_get_payload(a);
		SNIC_CHECK_EQ(t->vf, vf, "trust vf");
		SNIC_CHECK_EQ(t->setting, c->trust, "trust");
		break;
	}
	case SNIC_SRIOV_SET_RATE: {
		const struct ifla_vf_rate *r;
		a = decode_setvf(nlh, ifindex, IFLA_VF_RATE, "rate");
		SNIC_CHECK_EQ(mnl_attr_get_payload_len(a), sizeof(*r), "rate size");
		r = mnl_attr_get_payload(a);
		SNIC_CHECK_EQ(r->vf, vf, "rate vf");
		SNIC_CHECK_EQ(r->min_tx_rate, c->min_rate, "min rate");
		SNIC_CHECK_EQ(r->max_tx_rate, c->max_rate, "max rate");
		break;
	}
	case SNIC_SRIOV_SET_LINK: {
		const struct ifla_vf_link_state *l;
		a = decode_setvf(nlh, ifindex, IFLA_VF_LINK_STATE, "link");
		SNIC_CHECK_EQ(mnl_attr_get_payload_len(a), sizeof(*l), "link size");
		l = mnl_attr_get_payload(a);
		SNIC_CHECK_EQ(l->vf, vf, "link vf");
		SNIC_CHECK_EQ(l->link_state, (unsigned)c->link_state, "link state");
		SNIC_CHECK_EQ(c->link_state, IFLA_VF_LINK_STATE_DISABLE, "enum matches");
		break;
	}
	}
}

static const uint32_t order[] = {
	SNIC_SRIOV_SET_MAC, SNIC_SRIOV_SET_VLAN, SNIC_SRIOV_SET_SPOOFCHK,
	SNIC_SRIOV_SET_TRUST, SNIC_SRIOV_SET_RATE, SNIC_SRIOV_SET_LINK,
};

static void check_builders(void)
{
	unsigned char buf[REAL_NL_BUF];
	struct attrs t;
	const struct genlmsghdr *g;
	struct nlmsghdr *nlh;
	size_t k;

	for (k = 0; k < 6; k++)
		check_setvf(real_nl_build_setvf(buf, sizeof(buf), 1, 7, 3, order[k], &all_cfg),
			    7, 3, order[k], &all_cfg);
	SNIC_CHECK(!real_nl_build_setvf(buf, 24, 1, 7, 3, SNIC_SRIOV_SET_MAC, &all_cfg),
		   "a too small buffer is refused");

	nlh = real_nl_build_getlink(buf, sizeof(buf), 9, 7);
	SNIC_REQUIRE(nlh, "getlink");
	SNIC_CHECK_EQ(nlh->nlmsg_type, RTM_GETLINK, "getlink type");
	SNIC_CHECK_EQ(nlh->nlmsg_seq, 9, "getlink seq");
	SNIC_CHECK_EQ(((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_index, 7, "ifindex");
	memset(&t, 0, sizeof(t));
	mnl_attr_parse(nlh, sizeof(struct ifinfomsg), collect, &t);
	SNIC_CHECK(t.n == 1 && t.a[IFLA_EXT_MASK] &&
		   mnl_attr_get_u32(t.a[IFLA_EXT_MASK]) == RTEXT_FILTER_VF, "IFLA_EXT_MASK");

	nlh = real_dl_build_getfamily(buf, sizeof(buf), 3);
	SNIC_REQUIRE(nlh, "getfamily");
	g = mnl_nlmsg_get_payload(nlh);
	SNIC_CHECK(nlh->nlmsg_type == GENL_ID_CTRL && g->cmd == CTRL_CMD_GETFAMILY,
		   "getfamily type %u cmd %u", nlh->nlmsg_type, g->cmd);
	memset(&t, 0, sizeof(t));
	mnl_attr_parse(nlh, sizeof(*g), collect, &t);
	SNIC_CHECK(t.n == 1 && t.a[CTRL_ATTR_FAMILY_NAME] &&
		   !strcmp(mnl_attr_get_str(t.a[CTRL_ATTR_FAMILY_NAME]), "devlink"),
		   "family name");

	nlh = real_dl_build_eswitch(buf, sizeof(buf), 4, 0x1b, "0000:08:00.0", -1);
	SNIC_REQUIRE(nlh, "eswitch get");
	g = mnl_nlmsg_get_payload(nlh);
	SNIC_CHECK(nlh->nlmsg_type == 0x1b && g->cmd == DEVLINK_CMD_ESWITCH_GET &&
		   g->version == DEVLINK_GENL_VERSION, "ESWITCH_GET header");
	memset(&t, 0, sizeof(t));
	mnl_attr_parse(nlh, sizeof(*g), collect, &t);
	SNIC_CHECK(t.n == 2 && t.a[DEVLINK_ATTR_BUS_NAME] && t.a[DEVLINK_ATTR_DEV_NAME] &&
		   !t.a[DEVLINK_ATTR_ESWITCH_MODE], "ESWITCH_GET has %u attrs", t.n);
}

static void check_eswitch_set(const struct nlmsghdr *nlh, uint16_t family, uint16_t mode)
{
	const struct genlmsghdr *g;
	struct attrs t = {{0}, 0};

	SNIC_REQUIRE(nlh, "no ESWITCH_SET recorded");
	g = mnl_nlmsg_get_payload(nlh);
	SNIC_CHECK_EQ(nlh->nlmsg_type, family, "devlink family id");
	SNIC_CHECK_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK, "devlink flags");
	SNIC_CHECK_EQ(g->cmd, DEVLINK_CMD_ESWITCH_SET, "devlink cmd");
	SNIC_CHECK_EQ(g->version, DEVLINK_GENL_VERSION, "devlink version");
	mnl_attr_parse(nlh, sizeof(*g), collect, &t);
	SNIC_CHECK_EQ(t.n, 3, "ESWITCH_SET attribute count");
	SNIC_CHECK(t.a[DEVLINK_ATTR_BUS_NAME] &&
		   mnl_attr_validate(t.a[DEVLINK_ATTR_BUS_NAME], MNL_TYPE_NUL_STRING) == 0 &&
		   !strcmp(mnl_attr_get_str(t.a[DEVLINK_ATTR_BUS_NAME]), "pci"), "bus name");
	SNIC_CHECK(t.a[DEVLINK_ATTR_DEV_NAME] &&
		   mnl_attr_validate(t.a[DEVLINK_ATTR_DEV_NAME], MNL_TYPE_NUL_STRING) == 0 &&
		   !strcmp(mnl_attr_get_str(t.a[DEVLINK_ATTR_DEV_NAME]), FAKE_PF), "dev name");
	SNIC_CHECK(t.a[DEVLINK_ATTR_ESWITCH_MODE] &&
		   mnl_attr_validate(t.a[DEVLINK_ATTR_ESWITCH_MODE], MNL_TYPE_U16) == 0 &&
		   mnl_attr_get_u16(t.a[DEVLINK_ATTR_ESWITCH_MODE]) == mode, "mode %u", mode);
}

/* The requests the backend records for a fake tree. */
static void check_recorded(void)
{
	struct fake_opts o = {0};
	struct fake_kernel *fk = fake_start(&o);
	struct snic_sriov_env env = {.no_netlink = true};
	struct snic_sriov_vf_cfg one = {.set = SNIC_SRIOV_SET_TRUST, .trust = false};
	struct snic_sriov_dev *d;
	struct snic_sriov_err e;
	size_t k, len;
	int rc;

	SNIC_REQUIRE(fk, "fake tree");
	fake_set_vfs(fk, 4);
	env.sysfs = fake_root(fk);
	rc = sriov_real_open(FAKE_PF, &env, &d, &e);
	SNIC_REQUIRE(rc == 0, "open: %s", e.msg);

	rc = d->ops->set_vf(d, 1, &all_cfg, &e);
	SNIC_CHECK_EQ(rc, 0, e.msg);
	SNIC_CHECK_EQ(sriov_real_nl_count(d), 6, "one request per field");
	for (k = 0; k < 6; k++) {
		const struct nlmsghdr *nlh = sriov_real_nl_request(d, (unsigned)k, &len);
		SNIC_CHECK(nlh && len == nlh->nlmsg_len, "record %zu length", k);
		check_setvf(nlh, FAKE_PF_IFINDEX, 1, order[k], &all_cfg);
	}
	SNIC_CHECK(!sriov_real_nl_request(d, 6, &len), "past the end");
	rc = d->ops->set_vf(d, 1, &one, &e);
	SNIC_CHECK(rc == 0 && sriov_real_nl_count(d) == 1, "trust only: %d", rc);
	check_setvf(sriov_real_nl_request(d, 0, NULL), FAKE_PF_IFINDEX, 1, SNIC_SRIOV_SET_TRUST,
		    &one);
	rc = d->ops->set_vf(d, 7, &all_cfg, &e);
	SNIC_CHECK(rc == -ERANGE && strstr(e.msg, "VF 7") && sriov_real_nl_count(d) == 0,
		   "VF 7: %d %s", rc, e.msg);

	rc = d->ops->set_esw_mode(d, SNIC_SRIOV_ESW_SWITCHDEV, &e);
	SNIC_CHECK_EQ(rc, 0, e.msg);
	SNIC_CHECK_EQ(sriov_real_nl_count(d), 1, "one ESWITCH_SET");
	check_eswitch_set(sriov_real_nl_request(d, 0, NULL), REAL_DL_FAKE_FAMILY,
			  DEVLINK_ESWITCH_MODE_SWITCHDEV);
	rc = d->ops->set_esw_mode(d, SNIC_SRIOV_ESW_LEGACY, &e);
	SNIC_CHECK_EQ(rc, 0, e.msg);
	check_eswitch_set(sriov_real_nl_request(d, 0, NULL), REAL_DL_FAKE_FAMILY,
			  DEVLINK_ESWITCH_MODE_LEGACY);
	rc = d->ops->set_esw_mode(d, SNIC_SRIOV_ESW_UNKNOWN, &e);
	SNIC_CHECK(rc == -EINVAL && strstr(e.msg, FAKE_PF), "mode unknown: %d %s", rc, e.msg);
	d->ops->close(d);
	fake_stop(fk);
}

static struct nlmsghdr *newlink(void *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct nlattr *list, *info, *vl, *st;
	unsigned vf;

	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 5;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "enp8s0f0np0");
	list = mnl_attr_nest_start(nlh, IFLA_VFINFO_LIST);
	for (vf = 0; vf < 2; vf++) {
		struct ifla_vf_mac m = {.vf = vf, .mac = {2, 0, 0, 0, 0, (unsigned char)(0x10 + vf)}};
		struct ifla_vf_vlan v = {.vf = vf, .vlan = 200, .qos = 1};
		struct ifla_vf_vlan_info vi = {.vf = vf, .vlan = 300, .qos = 5,
					       .vlan_proto = htons(ETH_P_8021Q)};
		struct ifla_vf_rate r = {.vf = vf, .min_tx_rate = 10, .max_tx_rate = 1000};
		struct ifla_vf_spoofchk s = {.vf = vf, .setting = 1};
		struct ifla_vf_trust t = {.vf = vf, .setting = (uint32_t)-1};
		struct ifla_vf_link_state l = {.vf = vf, .link_state = IFLA_VF_LINK_STATE_ENABLE};

		info = mnl_attr_nest_start(nlh, IFLA_VF_INFO);
		mnl_attr_put(nlh, IFLA_VF_MAC, sizeof(m), &m);
		mnl_attr_put(nlh, IFLA_VF_VLAN, sizeof(v), &v);
		if (vf == 1) {
			vl = mnl_attr_nest_start(nlh, IFLA_VF_VLAN_LIST);
			mnl_attr_put(nlh, IFLA_VF_VLAN_INFO, sizeof(vi), &vi);
			mnl_attr_nest_end(nlh, vl);
		}
		mnl_attr_put(nlh, IFLA_VF_RATE, sizeof(r), &r);
		mnl_attr_put(nlh, IFLA_VF_SPOOFCHK, sizeof(s), &s);
		mnl_attr_put(nlh, IFLA_VF_TRUST, sizeof(t), &t);
		mnl_attr_put(nlh, IFLA_VF_LINK_STATE, sizeof(l), &l);
		st = mnl_attr_nest_start(nlh, IFLA_VF_STATS);
		mnl_attr_put_u64(nlh, IFLA_VF_STATS_RX_PACKETS, 11 + vf);
		mnl_attr_put_u64(nlh, IFLA_VF_STATS_TX_PACKETS, 22);
		mnl_attr_put_u64(nlh, IFLA_VF_STATS_RX_BYTES, 33);
		mnl_attr_put_u64(nlh, IFLA_VF_STATS_TX_BYTES, 44);
		mnl_attr_nest_end(nlh, st);
		mnl_attr_nest_end(nlh, info);
	}
	mnl_attr_nest_end(nlh, list);
	return nlh;
}

static void check_parsers(void)
{
	static const uint8_t mac1[6] = {2, 0, 0, 0, 0, 0x11};
	unsigned char buf[4096] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = newlink(buf);
	struct snic_sriov_vf vf;
	struct nlmsgerr *err;
	char ext[128];
	int rc;

	memset(&vf, 0, sizeof(vf));
	rc = real_nl_parse_vf(nlh, 1, &vf);
	SNIC_CHECK_EQ(rc, 0, "parse VF 1");
	SNIC_CHECK_MEM(vf.mac, mac1, 6, "VF 1 MAC");
	SNIC_CHECK(vf.vlan == 300 && vf.qos == 5, "VLAN list wins: %u/%u", vf.vlan, vf.qos);
	SNIC_CHECK(vf.min_rate == 10 && vf.max_rate == 1000, "rate %u-%u", vf.min_rate,
		   vf.max_rate);
	SNIC_CHECK(vf.spoofchk == 1 && vf.trust == -1, "spoof %d trust %d (-1: unknown)",
		   vf.spoofchk, vf.trust);
	SNIC_CHECK_EQ(vf.link_state, SNIC_SRIOV_LINK_ENABLE, "link state");
	SNIC_CHECK(vf.have_stats && vf.rx_packets == 12 && vf.tx_packets == 22 &&
		   vf.rx_bytes == 33 && vf.tx_bytes == 44, "stats");
	memset(&vf, 0, sizeof(vf));
	SNIC_CHECK(real_nl_parse_vf(nlh, 0, &vf) == 0 && vf.vlan == 200 && vf.qos == 1 &&
		   vf.mac[5] == 0x10 && vf.rx_packets == 11, "VF 0: vlan %u", vf.vlan);
	SNIC_CHECK_EQ(real_nl_parse_vf(nlh, 5, &vf), -ENOENT, "VF 5 absent");

	/* an ack with extack, capped and not */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	err->error = -EOPNOTSUPP;
	err->msg.nlmsg_len = 64;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "VF MAC is not supported");
	rc = real_nl_parse_ack(nlh, ext, sizeof(ext));
	SNIC_CHECK(rc == -EOPNOTSUPP && !strcmp(ext, "VF MAC is not supported"),
		   "capped ack: %d '%s'", rc, ext);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err) + 16);
	err->error = -EINVAL;
	err->msg.nlmsg_len = sizeof(struct nlmsghdr) + 16;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "bad vf");
	rc = real_nl_parse_ack(nlh, ext, sizeof(ext));
	SNIC_CHECK(rc == -EINVAL && !strcmp(ext, "bad vf"), "full ack: %d '%s'", rc, ext);
	nlh->nlmsg_flags = 0;
	rc = real_nl_parse_ack(nlh, ext, sizeof(ext));
	SNIC_CHECK(rc == -EINVAL && !ext[0], "ack without TLVs: %d '%s'", rc, ext);
}

/* ---- the running kernel, in a namespace of our own ---- */

static char ns[64];
static char ip_says[256];

static void del_ns(void)
{
	char cmd[128];

	if (!ns[0])
		return;
	snprintf(cmd, sizeof(cmd), "ip netns del %s 2>/dev/null", ns);
	if (system(cmd) != 0)
		fprintf(stderr, "could not delete netns %s\n", ns);
	ns[0] = '\0';
}

static void *in_ns(void *arg)
{
	struct snic_sriov_vf_cfg mac = {.set = SNIC_SRIOV_SET_MAC,
					.mac = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef}};
	struct snic_sriov_env env = {.no_netlink = false};
	struct fake_opts o = {.pf_netdev = "v0"};
	enum snic_sriov_esw_mode m;
	struct snic_sriov_nic nic;
	struct snic_sriov_vf vf;
	struct snic_sriov_dev *d;
	struct snic_sriov_err e;
	struct fake_kernel *fk;
	char path[128];
	int fd, rc;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	SNIC_REQUIRE(fd >= 0 && setns(fd, CLONE_NEWNET) == 0, "setns %s: %s", path,
		     strerror(errno));
	close(fd);
	o.pf_ifindex = (int)if_nametoindex("v0");
	SNIC_REQUIRE(o.pf_ifindex > 0, "v0 not in %s", ns);
	fk = fake_start(&o);
	SNIC_REQUIRE(fk, "fake tree");
	fake_set_vfs(fk, 1);
	env.sysfs = fake_root(fk);
	rc = sriov_real_open(FAKE_PF, &env, &d, &e);
	SNIC_REQUIRE(rc == 0, "open: %s", e.msg);

	rc = d->ops->set_vf(d, 0, &mac, &e);
	printf("kernel, VF MAC on a veth: %d %s\n", rc, e.msg);
	SNIC_CHECK(rc == -EOPNOTSUPP, "rc %d (%s)", rc, e.msg);
	SNIC_CHECK(strstr(e.msg, "v0") && strstr(e.msg, FAKE_PF) && strstr(e.msg, "VF 0 MAC") &&
		   strstr(e.msg, strerror(EOPNOTSUPP)), "message: %s", e.msg);
	SNIC_CHECK(ip_says[0] && strstr(e.msg, ip_says), "ip says '%s', we say '%s'", ip_says,
		   e.msg);
	SNIC_CHECK_EQ(sriov_real_nl_count(d), 1, "the request sent is recorded");
	check_setvf(sriov_real_nl_request(d, 0, NULL), o.pf_ifindex, 0, SNIC_SRIOV_SET_MAC, &mac);

	rc = d->ops->query_vf(d, 0, &vf, &e);
	SNIC_CHECK(rc == 0 && vf.spoofchk == -1 && !vf.have_stats,
		   "a veth lists no VFs: %d spoof %d %s", rc, vf.spoofchk, e.msg);

	rc = real_dl_get_mode(d, &m, &e);
	printf("kernel, devlink ESWITCH_GET: %d %s\n", rc, e.msg);
	SNIC_CHECK(rc < 0 && m == SNIC_SRIOV_ESW_UNKNOWN && strstr(e.msg, "pci/" FAKE_PF) &&
		   strstr(e.msg, "devlink"), "devlink get: %d %s", rc, e.msg);
	rc = d->ops->set_esw_mode(d, SNIC_SRIOV_ESW_SWITCHDEV, &e);
	printf("kernel, devlink ESWITCH_SET: %d %s\n", rc, e.msg);
	SNIC_CHECK(rc < 0 && strstr(e.msg, "pci/" FAKE_PF) && strstr(e.msg, "devlink"),
		   "devlink set: %d %s", rc, e.msg);
	rc = d->ops->query_nic(d, &nic, &e);
	SNIC_CHECK(rc == 0 && nic.esw_mode == SNIC_SRIOV_ESW_UNKNOWN &&
		   !strcmp(nic.netdev, "v0"), "query_nic: %d %s", rc, e.msg);
	d->ops->close(d);
	fake_stop(fk);
	return arg;
}

static void check_kernel(void)
{
	char cmd[256], line[256] = "";
	pthread_t t;
	FILE *p;
	const char *s;

	snic_test_need_root();
	snic_test_need_tool("ip");
	snprintf(ns, sizeof(ns), "snic-sriov-rt-%d", (int)getpid());
	atexit(del_ns);
	snprintf(cmd, sizeof(cmd), "ip netns add %s", ns);
	SNIC_REQUIRE(system(cmd) == 0, "%s failed", cmd);
	snprintf(cmd, sizeof(cmd), "ip -n %s link add v0 type veth peer name v1", ns);
	SNIC_REQUIRE(system(cmd) == 0, "%s failed", cmd);
	/* what the kernel tells iproute2 for the same request */
	snprintf(cmd, sizeof(cmd), "ip -n %s link set v0 vf 0 mac 52:54:00:ab:cd:ef 2>&1", ns);
	p = popen(cmd, "r");
	if (p) {
		if (!fgets(line, sizeof(line), p))
			line[0] = '\0';
		pclose(p);
	}
	line[strcspn(line, "\n")] = '\0';
	s = strstr(line, "answers: ");
	snprintf(ip_says, sizeof(ip_says), "%s", s ? s + 9 : "");
	printf("ip: %s\n", line);

	SNIC_REQUIRE(pthread_create(&t, NULL, in_ns, NULL) == 0, "thread");
	pthread_join(t, NULL);

	del_ns();
	snprintf(cmd, sizeof(cmd), "ip netns list | grep -q snic-sriov-rt-%d", (int)getpid());
	SNIC_CHECK(system(cmd) != 0, "the namespace is left behind");
}

int main(void)
{
	check_builders();
	check_recorded();
	check_parsers();
	check_kernel();
	return snic_test_done();
}
