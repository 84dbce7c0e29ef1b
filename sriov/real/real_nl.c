/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * real_nl.c - rtnetlink for the real backend, through libmnl: VF settings
 * as RTM_SETLINK requests (IFLA_VFINFO_LIST / IFLA_VF_INFO / IFLA_VF_*),
 * one request per field so an error names the field; the VF table from
 * RTM_GETLINK with IFLA_EXT_MASK RTEXT_FILTER_VF; acks with their extack
 * message; and the one socket exchange devlink uses as well.
 *
 * Builders write into a caller's buffer and return the message: tests
 * decode them without a socket.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "real_internal.h"

static const uint32_t field_order[] = {
	SNIC_SRIOV_SET_MAC, SNIC_SRIOV_SET_VLAN, SNIC_SRIOV_SET_SPOOFCHK,
	SNIC_SRIOV_SET_TRUST, SNIC_SRIOV_SET_RATE, SNIC_SRIOV_SET_LINK,
};

const char *real_nl_field_name(uint32_t bit)
{
	switch (bit) {
	case SNIC_SRIOV_SET_MAC: return "MAC";
	case SNIC_SRIOV_SET_VLAN: return "VLAN";
	case SNIC_SRIOV_SET_SPOOFCHK: return "spoof check";
	case SNIC_SRIOV_SET_TRUST: return "trust";
	case SNIC_SRIOV_SET_RATE: return "rate";
	case SNIC_SRIOV_SET_LINK: return "link state";
	}
	return "?";
}

static struct nlmsghdr *link_header(void *buf, size_t len, uint16_t type, uint16_t flags,
				    uint32_t seq, int ifindex)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*ifi)))
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return nlh;
}

struct nlmsghdr *real_nl_build_setvf(void *buf, size_t len, uint32_t seq, int ifindex,
				     unsigned vf, uint32_t bit,
				     const struct snic_sriov_vf_cfg *cfg)
{
	struct nlmsghdr *nlh = link_header(buf, len, RTM_SETLINK,
					   NLM_F_REQUEST | NLM_F_ACK, seq, ifindex);
	struct nlattr *list, *info, *vl;
	bool ok;

	if (!nlh || !(list = mnl_attr_nest_start_check(nlh, len, IFLA_VFINFO_LIST)) ||
	    !(info = mnl_attr_nest_start_check(nlh, len, IFLA_VF_INFO)))
		return NULL;
	switch (bit) {
	case SNIC_SRIOV_SET_MAC: {
		struct ifla_vf_mac m = {.vf = vf};
		memcpy(m.mac, cfg->mac, 6);
		ok = mnl_attr_put_check(nlh, len, IFLA_VF_MAC, sizeof(m), &m);
		break;
	}
	case SNIC_SRIOV_SET_VLAN: {
		struct ifla_vf_vlan_info v = {
			.vf = vf, .vlan = cfg->vlan, .qos = cfg->qos,
			.vlan_proto = htons(ETH_P_8021Q),
		};
		ok = (vl = mnl_attr_nest_start_check(nlh, len, IFLA_VF_VLAN_LIST)) &&
		     mnl_attr_put_check(nlh, len, IFLA_VF_VLAN_INFO, sizeof(v), &v);
		if (ok)
			mnl_attr_nest_end(nlh, vl);
		break;
	}
	case SNIC_SRIOV_SET_SPOOFCHK: {
		struct ifla_vf_spoofchk s = {.vf = vf, .setting = cfg->spoofchk};
		ok = mnl_attr_put_check(nlh, len, IFLA_VF_SPOOFCHK, sizeof(s), &s);
		break;
	}
	case SNIC_SRIOV_SET_TRUST: {
		struct ifla_vf_trust t = {.vf = vf, .setting = cfg->trust};
		ok = mnl_attr_put_check(nlh, len, IFLA_VF_TRUST, sizeof(t), &t);
		break;
	}
	case SNIC_SRIOV_SET_RATE: {
		struct ifla_vf_rate r = {
			.vf = vf, .min_tx_rate = cfg->min_rate, .max_tx_rate = cfg->max_rate,
		};
		ok = mnl_attr_put_check(nlh, len, IFLA_VF_RATE, sizeof(r), &r);
		break;
	}
	case SNIC_SRIOV_SET_LINK: {
		struct ifla_vf_link_state l = {.vf = vf, .link_state = cfg->link_state};
		ok = mnl_attr_put_check(nlh, len, IFLA_VF_LINK_STATE, sizeof(l), &l);
		break;
	}
	default:
		return NULL;
	}
	if (!ok)
		return NULL;
	mnl_attr_nest_end(nlh, info);
	mnl_attr_nest_end(nlh, list);
	return nlh;
}

struct nlmsghdr *real_nl_build_getlink(void *buf, size_t len, uint32_t seq, int ifindex)
{
	struct nlmsghdr *nlh = link_header(buf, len, RTM_GETLINK,
					   NLM_F_REQUEST | NLM_F_ACK, seq, ifindex);

	if (!nlh || !mnl_attr_put_u32_check(nlh, len, IFLA_EXT_MASK, RTEXT_FILTER_VF))
		return NULL;
	return nlh;
}

/* Payload of attribute a when it is at least n bytes, else NULL. */
static const void *payload(const struct nlattr *a, size_t n)
{
	return a && mnl_attr_get_payload_len(a) >= n ? mnl_attr_get_payload(a) : NULL;
}

static void parse_stats(const struct nlattr *st, struct snic_sriov_vf *out)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, st) {
		uint64_t v;

		if (mnl_attr_get_payload_len(a) < 8)
			continue;
		v = mnl_attr_get_u64(a);
		switch (mnl_attr_get_type(a)) {
		case IFLA_VF_STATS_RX_PACKETS: out->rx_packets = v; break;
		case IFLA_VF_STATS_TX_PACKETS: out->tx_packets = v; break;
		case IFLA_VF_STATS_RX_BYTES: out->rx_bytes = v; break;
		case IFLA_VF_STATS_TX_BYTES: out->tx_bytes = v; break;
		default: break;
		}
	}
	out->have_stats = true;
}

static void parse_vf_info(const struct nlattr *info, struct snic_sriov_vf *out)
{
	const struct nlattr *a, *b;
	const struct ifla_vf_mac *m;
	const struct ifla_vf_vlan *v;
	const struct ifla_vf_vlan_info *vi;
	const struct ifla_vf_spoofchk *s;
	const struct ifla_vf_trust *t;
	const struct ifla_vf_rate *r;
	const struct ifla_vf_link_state *l;

	mnl_attr_for_each_nested(a, info) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_VF_MAC:
			if ((m = payload(a, sizeof(*m))))
				memcpy(out->mac, m->mac, 6);
			break;
		case IFLA_VF_VLAN:
			/* values no VLAN can have are not shown as one */
			if ((v = payload(a, sizeof(*v))) && v->vlan <= 4095 && v->qos <= 7) {
				out->vlan = (uint16_t)v->vlan;
				out->qos = (uint8_t)v->qos;
			}
			break;
		case IFLA_VF_VLAN_LIST:
			/* the first (outer) tag wins over IFLA_VF_VLAN */
			mnl_attr_for_each_nested(b, a) {
				if (mnl_attr_get_type(b) == IFLA_VF_VLAN_INFO &&
				    (vi = payload(b, sizeof(*vi))) && vi->vlan <= 4095 &&
				    vi->qos <= 7) {
					out->vlan = (uint16_t)vi->vlan;
					out->qos = (uint8_t)vi->qos;
					break;
				}
			}
			break;
		case IFLA_VF_SPOOFCHK:
			if ((s = payload(a, sizeof(*s))))
				out->spoofchk = s->setting == (uint32_t)-1 ? -1 : !!s->setting;
			break;
		case IFLA_VF_TRUST:
			if ((t = payload(a, sizeof(*t))))
				out->trust = t->setting == (uint32_t)-1 ? -1 : !!t->setting;
			break;
		case IFLA_VF_RATE:
			if ((r = payload(a, sizeof(*r)))) {
				out->min_rate = r->min_tx_rate;
				out->max_rate = r->max_tx_rate;
			}
			break;
		case IFLA_VF_LINK_STATE:
			if ((l = payload(a, sizeof(*l))) && l->link_state <= 2)
				out->link_state = (enum snic_sriov_link)l->link_state;
			break;
		case IFLA_VF_STATS:
			parse_stats(a, out);
			break;
		default:
			break;
		}
	}
}

/* The vf number an IFLA_VF_INFO is about (every IFLA_VF_* starts with it). */
static int vf_info_index(const struct nlattr *info)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, info) {
		if (mnl_attr_get_type(a) == IFLA_VF_MAC && payload(a, 4))
			return (int)*(const uint32_t *)mnl_attr_get_payload(a);
	}
	return -1;
}

int real_nl_parse_vf(const struct nlmsghdr *nlh, unsigned vf, struct snic_sriov_vf *out)
{
	const struct nlattr *a, *info;
	int pos;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifinfomsg)))
		return -EINVAL;
	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(a) != IFLA_VFINFO_LIST)
			continue;
		pos = 0;
		mnl_attr_for_each_nested(info, a) {
			int idx;

			if (mnl_attr_get_type(info) != IFLA_VF_INFO)
				continue;
			/* the index the entry names, else its position */
			idx = vf_info_index(info);
			if ((idx < 0 ? pos : idx) == (int)vf) {
				parse_vf_info(info, out);
				return 0;
			}
			pos++;
		}
	}
	return -ENOENT;
}

int real_nl_parse_ack(const struct nlmsghdr *nlh, char *ext, size_t ext_len)
{
	const struct nlmsgerr *err;
	const struct nlattr *a;
	size_t off;

	if (ext_len)
		ext[0] = '\0';
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*err))
		return -EIO;
	err = mnl_nlmsg_get_payload(nlh);
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || !ext_len)
		return err->error;
	off = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		/* the echoed request: its length is the sender's word, checked
		 * before it moves the offset (found by fuzz_sriov) */
		if (err->msg.nlmsg_len < sizeof(struct nlmsghdr) ||
		    err->msg.nlmsg_len > nlh->nlmsg_len)
			return err->error;
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	}
	off = MNL_ALIGN(off);
	if (MNL_NLMSG_HDRLEN + off > nlh->nlmsg_len)
		return err->error;
	mnl_attr_for_each(a, nlh, off) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(ext, ext_len, "%s", mnl_attr_get_str(a));
	}
	return err->error;
}

int real_nl_talk(int proto, struct nlmsghdr *req,
		 int (*cb)(const struct nlmsghdr *nlh, void *arg), void *arg,
		 char *ext, size_t ext_len)
{
	static _Thread_local unsigned char buf[32768];
	struct mnl_socket *nl = mnl_socket_open(proto);
	struct timeval tv = {5, 0};
	int one = 1, rc = -EIO, cbrc = 0;
	uint32_t portid;

	if (ext_len)
		ext[0] = '\0';
	if (!nl)
		return -errno;
	/* extack and capped acks are best effort (old kernels lack them) */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0) {
		rc = -errno;
		goto out;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		int left;
		const struct nlmsghdr *nlh;

		if (n < 0) {
			rc = errno == EAGAIN ? -ETIMEDOUT : -errno;
			goto out;
		}
		left = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_seq != req->nlmsg_seq ||
			    (nlh->nlmsg_pid && nlh->nlmsg_pid != portid))
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				rc = real_nl_parse_ack(nlh, ext, ext_len);
				goto out;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				rc = 0;
				goto out;
			}
			if (cb && !cbrc)
				cbrc = cb(nlh, arg);
		}
	}
out:
	mnl_socket_close(nl);
	return rc ? rc : cbrc;
}

void real_nl_record(struct real_dev *r, const struct nlmsghdr *req)
{
	if (r->n_rec >= REAL_NL_RECORDS || req->nlmsg_len > REAL_NL_BUF)
		return;
	memcpy(r->rec[r->n_rec], req, req->nlmsg_len);
	r->rec_len[r->n_rec++] = req->nlmsg_len;
}

const char *real_nl_reason(int err, const char *ext, char *buf, size_t len)
{
	if (ext && ext[0])
		snprintf(buf, len, "%s (%s)", strerror(-err), ext);
	else
		snprintf(buf, len, "%s", strerror(-err));
	return buf;
}

int real_nl_set_vf(struct snic_sriov_dev *d, const char *netdev, unsigned vf,
		   const struct snic_sriov_vf_cfg *cfg, struct snic_sriov_err *e)
{
	struct real_dev *r = real_of(d);
	unsigned char buf[REAL_NL_BUF];
	char ext[256], why[400], done[80] = "";
	int ifindex = real_ifindex(r, netdev);
	size_t k;

	r->n_rec = 0;
	if (ifindex < 0)
		return snic_sriov_fail(e, -ENODEV, "%s (%s): cannot set VF %u: no ifindex for "
				       "the PF's netdev in %s/class/net (%s)",
				       netdev, r->pci, vf, r->root, strerror(-ifindex));
	for (k = 0; k < sizeof(field_order) / sizeof(field_order[0]); k++) {
		uint32_t bit = field_order[k];
		struct nlmsghdr *nlh;
		int rc;

		if (!(cfg->set & bit))
			continue;
		nlh = real_nl_build_setvf(buf, sizeof(buf), ++r->seq, ifindex, vf, bit, cfg);
		if (!nlh)
			return snic_sriov_fail(e, -EIO, "%s: VF %u %s request does not fit",
					       netdev, vf, real_nl_field_name(bit));
		real_nl_record(r, nlh);
		if (r->fake)
			continue;
		rc = real_nl_talk(NETLINK_ROUTE, nlh, NULL, NULL, ext, sizeof(ext));
		if (rc) {
			if (rc == -EOPNOTSUPP && !ext[0])
				snprintf(ext, sizeof(ext), "the driver of %s has no SR-IOV VF "
					 "configuration for this", netdev);
			return snic_sriov_fail(e, rc, "%s (%s): setting VF %u %s: %s%s%s",
					       netdev, r->pci, vf, real_nl_field_name(bit),
					       real_nl_reason(rc, ext, why, sizeof(why)),
					       done[0] ? "; already applied:" : "", done);
		}
		snprintf(done + strlen(done), sizeof(done) - strlen(done), " %s",
			 real_nl_field_name(bit));
	}
	return 0;
}

struct get_arg {
	unsigned vf;
	struct snic_sriov_vf *out;
	int found;
};

static int get_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct get_arg *g = arg;

	if (real_nl_parse_vf(nlh, g->vf, g->out) == 0)
		g->found = 1;
	return 0;
}

int real_nl_get_vf(struct snic_sriov_dev *d, const char *netdev, unsigned vf,
		   struct snic_sriov_vf *out, struct snic_sriov_err *e)
{
	struct real_dev *r = real_of(d);
	unsigned char buf[REAL_NL_BUF];
	struct get_arg g = {vf, out, 0};
	char ext[256], why[400];
	int ifindex = real_ifindex(r, netdev), rc;
	struct nlmsghdr *nlh;

	if (ifindex < 0)
		return snic_sriov_fail(e, -ENODEV, "%s (%s): no ifindex in sysfs", netdev, r->pci);
	nlh = real_nl_build_getlink(buf, sizeof(buf), ++r->seq, ifindex);
	if (!nlh)
		return snic_sriov_fail(e, -EIO, "%s: RTM_GETLINK does not fit", netdev);
	rc = real_nl_talk(NETLINK_ROUTE, nlh, get_cb, &g, ext, sizeof(ext));
	if (rc)
		return snic_sriov_fail(e, rc, "%s (%s): reading VF %u: %s", netdev, r->pci, vf,
				       real_nl_reason(rc, ext, why, sizeof(why)));
	if (!g.found)
		return snic_sriov_fail(e, -ENOENT, "%s (%s): the kernel lists no VF %u",
				       netdev, r->pci, vf);
	return 0;
}
