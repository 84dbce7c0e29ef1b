/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_sriov.c - what snic-sriov parses from outside: rtnetlink replies
 * (a PF's VF table in RTM_NEWLINK, acks with extack), snic-sim's status
 * text, and the values an operator types (MACs, VF settings).
 *
 * Input: [u8 selector] then the bytes.  selector % 4: 0 the bytes as a
 * netlink message for real_nl_parse_vf (VF selector / 4 % 8), 1 as an
 * NLMSG_ERROR for real_nl_parse_ack, 2 as status text for sim_parse_status,
 * 3 as a MAC and a VF configuration for snic_sriov_check_cfg.
 *
 * abort() when:
 *   - a parsed VF has an index other than the one asked, a VLAN above 4095,
 *     a QoS above 7, or a link state outside auto/enable/disable;
 *   - an ack's extack text is not NUL-terminated inside its buffer;
 *   - status parsing leaves a TAP name or namespace unterminated, more
 *     TAPs than it has room for, or a NIC name a TAP could not carry;
 *   - a MAC that parses does not format back to the same text (case aside),
 *     or check_cfg accepts a multicast MAC, a VLAN above 4094 or a QoS
 *     above 7, or refuses without a message.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "real_internal.h"
#include "sim_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void netlink(const uint8_t *d, size_t n, unsigned sel)
{
	/* messages arrive through mnl_cb_run, which checks each against the
	 * buffer (mnl_nlmsg_ok) before anybody parses it */
	_Alignas(4) static uint8_t buf[65536];
	const struct nlmsghdr *nlh = (const void *)buf;
	struct snic_sriov_vf vf;
	char ext[256];

	if (n > sizeof(buf))
		n = sizeof(buf);
	memcpy(buf, d, n);
	/* (mnl_nlmsg_ok compares nlmsg_len as an int: above 2^31 it passes;
	 * the kernel's replies never come near, recvfrom() gives 32 KiB) */
	if (!mnl_nlmsg_ok(nlh, (int)n) || nlh->nlmsg_len > n)
		return;
	if (sel % 4 == 0) {
		unsigned want = sel / 4 % 8;

		memset(&vf, 0, sizeof(vf));
		vf.index = want;        /* as snic_sriov_vf() sets it */
		if (real_nl_parse_vf(nlh, want, &vf) == 0 &&
		    (vf.index != want || vf.vlan > 4095 || vf.qos > 7 ||
		     (vf.link_state != SNIC_SRIOV_LINK_AUTO &&
		      vf.link_state != SNIC_SRIOV_LINK_ENABLE &&
		      vf.link_state != SNIC_SRIOV_LINK_DISABLE)))
			abort();
	} else {
		memset(ext, 'x', sizeof(ext));
		real_nl_parse_ack(nlh, ext, sizeof(ext));
		if (!memchr(ext, '\0', sizeof(ext)))
			abort();
	}
}

static void status(const uint8_t *d, size_t n)
{
	static struct sim_priv p;
	static char text[8192];

	if (n >= sizeof(text))
		n = sizeof(text) - 1;
	memcpy(text, d, n);
	text[n] = '\0';
	if (sim_parse_status(&p, text))
		return;
	if (p.n_taps > SIM_MAX_VFS || strlen(p.nic) > 9 ||
	    !memchr(p.model, '\0', sizeof(p.model)))
		abort();
	for (unsigned i = 0; i < SIM_MAX_VFS; i++)
		if (!memchr(p.taps[i].ifname, '\0', sizeof(p.taps[i].ifname)) ||
		    !memchr(p.taps[i].netns, '\0', sizeof(p.taps[i].netns)))
			abort();
}

static void values(const uint8_t *d, size_t n)
{
	char text[18], back[18];
	struct snic_sriov_vf_cfg c;
	struct snic_sriov_err e;
	uint8_t mac[6];
	int r;

	if (n < 17 + 12)
		return;
	memcpy(text, d, 17);
	text[17] = '\0';
	if (snic_sriov_parse_mac(text, mac) == 0) {
		snic_sriov_format_mac(mac, back);
		for (int i = 0; i < 17; i++)
			if (tolower((unsigned char)text[i]) != back[i])
				abort();
	}
	memset(&c, 0, sizeof(c));
	memcpy(c.mac, d + 17, 6);
	c.set = d[23];
	c.vlan = (uint16_t)(d[24] | d[25] << 8);
	c.qos = d[26];
	c.min_rate = d[27];
	c.max_rate = d[28];
	c.link_state = (enum snic_sriov_link)(d[24] % 4);
	e.msg[0] = '\0';
	r = snic_sriov_check_cfg(&c, 0, &e);
	if (r == 0 && (((c.set & SNIC_SRIOV_SET_MAC) && (c.mac[0] & 1)) ||
		       ((c.set & SNIC_SRIOV_SET_VLAN) && (c.vlan > 4094 || c.qos > 7))))
		abort();
	if (r && (r != -EINVAL || !e.msg[0]))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
	case 1:
		netlink(data + 1, size - 1, data[0]);
		break;
	case 2:
		status(data + 1, size - 1);
		break;
	default:
		values(data + 1, size - 1);
		break;
	}
	return 0;
}
