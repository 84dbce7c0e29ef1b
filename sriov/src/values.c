/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * values.c - errors, defaults, and the values snic-sriov parses and prints
 * (MACs, link states, e-switch modes, VM names, VF configurations), shared
 * by the CLI and both backends.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sriov_internal.h"

int snic_sriov_fail(struct snic_sriov_err *e, int err, const char *fmt, ...)
{
	va_list ap;

	if (e) {
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return err;
}

void sriov_env_defaults(struct snic_sriov_env *dst, const struct snic_sriov_env *src)
{
	memset(dst, 0, sizeof(*dst));
	if (src)
		*dst = *src;
	if (!dst->sysfs || !dst->sysfs[0])
		dst->sysfs = "/sys";
	if (!dst->state_dir || !dst->state_dir[0])
		dst->state_dir = "/run/snic/sriov";
	if (!dst->sim_run_dir || !dst->sim_run_dir[0])
		dst->sim_run_dir = "/run/snic";
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int snic_sriov_parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];

	if (!s || strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, m, 6);
	return 0;
}

void snic_sriov_format_mac(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
}

const char *snic_sriov_link_name(enum snic_sriov_link l)
{
	switch (l) {
	case SNIC_SRIOV_LINK_AUTO:    return "auto";
	case SNIC_SRIOV_LINK_ENABLE:  return "enable";
	case SNIC_SRIOV_LINK_DISABLE: return "disable";
	}
	return "?";
}

const char *snic_sriov_esw_name(enum snic_sriov_esw_mode m)
{
	switch (m) {
	case SNIC_SRIOV_ESW_LEGACY:    return "legacy";
	case SNIC_SRIOV_ESW_SWITCHDEV: return "switchdev";
	case SNIC_SRIOV_ESW_UNKNOWN:   break;
	}
	return "unknown";
}

bool snic_sriov_vm_name_ok(const char *vm)
{
	size_t n = vm ? strlen(vm) : 0;

	if (n < 1 || n > 63 || !strcmp(vm, ".") || !strcmp(vm, ".."))
		return false;
	return strspn(vm, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789_.-") == n;
}

int snic_sriov_check_cfg(const struct snic_sriov_vf_cfg *cfg, unsigned vf,
			 struct snic_sriov_err *e)
{
	const uint32_t known = SNIC_SRIOV_SET_MAC | SNIC_SRIOV_SET_VLAN |
		SNIC_SRIOV_SET_SPOOFCHK | SNIC_SRIOV_SET_TRUST | SNIC_SRIOV_SET_RATE |
		SNIC_SRIOV_SET_LINK;

	if (!cfg->set)
		return snic_sriov_fail(e, -EINVAL, "VF %u: nothing to set", vf);
	if (cfg->set & ~known)
		return snic_sriov_fail(e, -EINVAL, "VF %u: unknown setting bits 0x%x",
				       vf, cfg->set & ~known);
	if ((cfg->set & SNIC_SRIOV_SET_MAC) && (cfg->mac[0] & 1))
		return snic_sriov_fail(e, -EINVAL, "VF %u: MAC %02x:%02x:%02x:%02x:%02x:%02x "
				       "is a multicast address; a VF's MAC must be unicast "
				       "(00:00:00:00:00:00 clears it)", vf, cfg->mac[0],
				       cfg->mac[1], cfg->mac[2], cfg->mac[3], cfg->mac[4],
				       cfg->mac[5]);
	if ((cfg->set & SNIC_SRIOV_SET_VLAN) && cfg->vlan > 4094)
		return snic_sriov_fail(e, -EINVAL, "VF %u: VLAN %u: use 0 (none) to 4094",
				       vf, cfg->vlan);
	if ((cfg->set & SNIC_SRIOV_SET_VLAN) && cfg->qos > 7)
		return snic_sriov_fail(e, -EINVAL, "VF %u: qos %u: use 0 to 7", vf, cfg->qos);
	if ((cfg->set & SNIC_SRIOV_SET_VLAN) && cfg->qos && !cfg->vlan)
		return snic_sriov_fail(e, -EINVAL, "VF %u: qos %u needs a VLAN (qos is "
				       "the priority of the tag the NIC inserts)", vf, cfg->qos);
	if ((cfg->set & SNIC_SRIOV_SET_RATE) && cfg->max_rate && cfg->min_rate > cfg->max_rate)
		return snic_sriov_fail(e, -EINVAL, "VF %u: min_tx_rate %u Mbit/s is above "
				       "max_tx_rate %u Mbit/s", vf, cfg->min_rate, cfg->max_rate);
	if ((cfg->set & SNIC_SRIOV_SET_LINK) && cfg->link_state != SNIC_SRIOV_LINK_AUTO &&
	    cfg->link_state != SNIC_SRIOV_LINK_ENABLE &&
	    cfg->link_state != SNIC_SRIOV_LINK_DISABLE)
		return snic_sriov_fail(e, -EINVAL, "VF %u: link state %d: use auto, enable "
				       "or disable", vf, (int)cfg->link_state);
	return 0;
}
