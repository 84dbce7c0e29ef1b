/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * real_devlink.c - the e-switch mode through generic netlink "devlink":
 * resolve the family id (CTRL_CMD_GETFAMILY), then DEVLINK_CMD_ESWITCH_GET /
 * _SET on pci/<PF address> (DEVLINK_ATTR_BUS_NAME, DEVLINK_ATTR_DEV_NAME,
 * DEVLINK_ATTR_ESWITCH_MODE).  Builders are separate from sending, as in
 * real_nl.c; in fake mode ESWITCH_SET is recorded with REAL_DL_FAKE_FAMILY.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/devlink.h>
#include <linux/genetlink.h>
#include <stdio.h>
#include <string.h>

#include "real_internal.h"

static struct nlmsghdr *genl_header(void *buf, size_t len, uint16_t family, uint8_t cmd,
				    uint8_t version, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	if (len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*g)))
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

struct nlmsghdr *real_dl_build_getfamily(void *buf, size_t len, uint32_t seq)
{
	struct nlmsghdr *nlh = genl_header(buf, len, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, seq);

	if (!nlh || !mnl_attr_put_strz_check(nlh, len, CTRL_ATTR_FAMILY_NAME, DEVLINK_GENL_NAME))
		return NULL;
	return nlh;
}

struct nlmsghdr *real_dl_build_eswitch(void *buf, size_t len, uint32_t seq,
				       uint16_t family, const char *pci, int mode)
{
	uint8_t cmd = mode < 0 ? DEVLINK_CMD_ESWITCH_GET : DEVLINK_CMD_ESWITCH_SET;
	struct nlmsghdr *nlh = genl_header(buf, len, family, cmd, DEVLINK_GENL_VERSION, seq);

	if (!nlh || !mnl_attr_put_strz_check(nlh, len, DEVLINK_ATTR_BUS_NAME, "pci") ||
	    !mnl_attr_put_strz_check(nlh, len, DEVLINK_ATTR_DEV_NAME, pci))
		return NULL;
	if (mode >= 0 &&
	    !mnl_attr_put_u16_check(nlh, len, DEVLINK_ATTR_ESWITCH_MODE, (uint16_t)mode))
		return NULL;
	return nlh;
}

static int family_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(a, MNL_TYPE_U16) == 0)
			*(uint16_t *)arg = mnl_attr_get_u16(a);
	}
	return 0;
}

static int resolve_family(struct real_dev *r, uint16_t *family, struct snic_sriov_err *e)
{
	unsigned char buf[REAL_NL_BUF];
	char ext[256], why[400];
	struct nlmsghdr *nlh = real_dl_build_getfamily(buf, sizeof(buf), ++r->seq);
	int rc;

	*family = 0;
	if (!nlh)
		return snic_sriov_fail(e, -EIO, "devlink: request does not fit");
	rc = real_nl_talk(NETLINK_GENERIC, nlh, family_cb, family, ext, sizeof(ext));
	if (rc == -ENOENT)
		return snic_sriov_fail(e, -EOPNOTSUPP, "pci/%s: devlink is not available: the "
				       "kernel has no generic netlink family \"devlink\"", r->pci);
	if (rc)
		return snic_sriov_fail(e, rc, "pci/%s: resolving the devlink family: %s", r->pci,
				       real_nl_reason(rc, ext, why, sizeof(why)));
	if (!*family)
		return snic_sriov_fail(e, -EIO, "pci/%s: the kernel answered without a devlink "
				       "family id", r->pci);
	return 0;
}

static const char *hint(int rc)
{
	switch (rc) {
	case -ENODEV:
		return "; devlink does not know this device (no devlink instance in this "
		       "network namespace)";
	case -EOPNOTSUPP:
		return "; the driver has no e-switch modes";
	case -EPERM:
		return "; must run as root";
	default:
		return "";
	}
}

static int mode_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == DEVLINK_ATTR_ESWITCH_MODE &&
		    mnl_attr_validate(a, MNL_TYPE_U16) == 0)
			*(int *)arg = mnl_attr_get_u16(a);
	}
	return 0;
}

int real_dl_get_mode(struct snic_sriov_dev *d, enum snic_sriov_esw_mode *m,
		     struct snic_sriov_err *e)
{
	struct real_dev *r = real_of(d);
	unsigned char buf[REAL_NL_BUF];
	char ext[256], why[400];
	uint16_t family;
	struct nlmsghdr *nlh;
	int rc, mode = -1;

	*m = SNIC_SRIOV_ESW_UNKNOWN;
	if ((rc = resolve_family(r, &family, e)))
		return rc;
	nlh = real_dl_build_eswitch(buf, sizeof(buf), ++r->seq, family, r->pci, -1);
	if (!nlh)
		return snic_sriov_fail(e, -EIO, "pci/%s: request does not fit", r->pci);
	rc = real_nl_talk(NETLINK_GENERIC, nlh, mode_cb, &mode, ext, sizeof(ext));
	if (rc)
		return snic_sriov_fail(e, rc, "pci/%s: devlink eswitch get: %s%s", r->pci,
				       real_nl_reason(rc, ext, why, sizeof(why)), hint(rc));
	if (mode == DEVLINK_ESWITCH_MODE_LEGACY)
		*m = SNIC_SRIOV_ESW_LEGACY;
	else if (mode == DEVLINK_ESWITCH_MODE_SWITCHDEV)
		*m = SNIC_SRIOV_ESW_SWITCHDEV;
	return 0;
}

int real_dl_set_mode(struct snic_sriov_dev *d, enum snic_sriov_esw_mode m,
		     struct snic_sriov_err *e)
{
	struct real_dev *r = real_of(d);
	unsigned char buf[REAL_NL_BUF];
	char ext[256], why[400];
	uint16_t family = REAL_DL_FAKE_FAMILY;
	struct nlmsghdr *nlh;
	int rc, mode;

	r->n_rec = 0;
	if (m == SNIC_SRIOV_ESW_LEGACY)
		mode = DEVLINK_ESWITCH_MODE_LEGACY;
	else if (m == SNIC_SRIOV_ESW_SWITCHDEV)
		mode = DEVLINK_ESWITCH_MODE_SWITCHDEV;
	else
		return snic_sriov_fail(e, -EINVAL, "pci/%s: e-switch mode must be legacy or "
				       "switchdev", r->pci);
	if (!r->fake && (rc = resolve_family(r, &family, e)))
		return rc;
	nlh = real_dl_build_eswitch(buf, sizeof(buf), ++r->seq, family, r->pci, mode);
	if (!nlh)
		return snic_sriov_fail(e, -EIO, "pci/%s: request does not fit", r->pci);
	real_nl_record(r, nlh);
	if (r->fake)
		return 0;
	rc = real_nl_talk(NETLINK_GENERIC, nlh, NULL, NULL, ext, sizeof(ext));
	if (rc)
		return snic_sriov_fail(e, rc, "pci/%s: setting the e-switch to %s: %s%s", r->pci,
				       snic_sriov_esw_name(m),
				       real_nl_reason(rc, ext, why, sizeof(why)), hint(rc));
	return 0;
}
