/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ofrule_format.c - rules back to text, in ovs-ofctl's order and spelling:
 * match_format() for the match (lib/match.c), ofpacts_format() for the
 * actions and ofputil_flow_stats_format() without statistics for the rule.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ofrule_internal.h"

/* ---- string builder ---- */

void of_sb_init(struct of_sb *sb, char *buf, size_t len)
{
	sb->buf = buf;
	sb->len = len;
	sb->pos = 0;
	if (len)
		buf[0] = '\0';
}

void of_sb_printf(struct of_sb *sb, const char *fmt, ...)
{
	va_list ap;
	size_t room = sb->pos < sb->len ? sb->len - sb->pos : 0;

	va_start(ap, fmt);
	int n = vsnprintf(room ? sb->buf + sb->pos : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->pos += (size_t)n;
}

char of_sb_last(const struct of_sb *sb)
{
	if (!sb->pos)
		return '\0';
	return sb->pos < sb->len ? sb->buf[sb->pos - 1] : '?';
}

void of_sb_chomp(struct of_sb *sb, char c)
{
	if (sb->pos && sb->pos < sb->len && sb->buf[sb->pos - 1] == c)
		sb->buf[--sb->pos] = '\0';
}

int of_sb_done(const struct of_sb *sb)
{
	return sb->pos < sb->len ? 0 : -ENOSPC;
}

/* ---- values ---- */

static bool is_cidr32(uint32_t mask)
{
	return (~mask & (~mask + 1)) == 0;   /* 1...10...0 */
}

static unsigned popcount32(uint32_t x)
{
	unsigned n = 0;
	for (; x; x &= x - 1)
		n++;
	return n;
}

void of_fmt_ipv4_masked(struct of_sb *sb, uint32_t ip, uint32_t mask)
{
	of_sb_printf(sb, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
		     (ip >> 8) & 0xff, ip & 0xff);
	if (mask == UINT32_MAX)
		return;
	if (is_cidr32(mask))
		of_sb_printf(sb, "/%u", popcount32(mask));
	else
		of_sb_printf(sb, "/%u.%u.%u.%u", mask >> 24,
			     (mask >> 16) & 0xff, (mask >> 8) & 0xff,
			     mask & 0xff);
}

static void fmt_mac(struct of_sb *sb, const uint8_t *m)
{
	of_sb_printf(sb, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		     m[3], m[4], m[5]);
}

void of_fmt_mac_masked(struct of_sb *sb, const uint8_t *mac,
		       const uint8_t *mask)
{
	static const uint8_t exact[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	fmt_mac(sb, mac);
	if (mask && memcmp(mask, exact, 6)) {
		of_sb_printf(sb, "/");
		fmt_mac(sb, mask);
	}
}

static void fmt_ipv6(struct of_sb *sb, const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (!inet_ntop(AF_INET6, a, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "?");
	of_sb_printf(sb, "%s", buf);
}

static void fmt_ipv6_masked(struct of_sb *sb, const uint8_t *a,
			    const uint8_t *m)
{
	unsigned bits = 0;
	bool cidr = true, exact = true;

	fmt_ipv6(sb, a);
	for (unsigned i = 0; i < 128; i++) {
		bool one = m[i / 8] & (0x80 >> (i % 8));
		exact &= one;
		if (one && bits != i)
			cidr = false;
		if (one)
			bits++;
	}
	if (exact)
		return;
	if (cidr) {
		of_sb_printf(sb, "/%u", bits);
	} else {
		of_sb_printf(sb, "/");
		fmt_ipv6(sb, m);
	}
}

/* Could the name be read back (as a bare or "quoted" port name), also
 * from a rules file?  Not with a delimiter, a comment sign, or "action"
 * (which would be taken for the start of the actions). */
static bool name_writable(const char *s)
{
	if (!*s || strstr(s, "action"))
		return false;
	for (; *s; s++)
		if (*s < 0x21 || *s > 0x7e || strchr(",()#", *s))
			return false;
	return true;
}

static bool name_needs_quotes(const char *s)
{
	if (isdigit((unsigned char)s[0]) || s[0] == '+' || s[0] == '-')
		return true;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_-.", *p))
			return true;
	for (uint32_t p = SNIC_OF_PORT_UNSET; p <= SNIC_OF_PORT_ANY; p++)
		if (!strcasecmp(s, of_reserved_port_name(p)))
			return true;
	return !strcasecmp(s, "NONE");
}

void of_fmt_port(struct of_sb *sb, const struct snic_of_ports *ports,
		 uint32_t port)
{
	const char *rn = of_reserved_port_name(port);
	char name[SNIC_OF_PORT_NAME_MAX + 1];

	if (rn) {
		of_sb_printf(sb, "%s", rn);
		return;
	}
	if (port < SNIC_OF_PORT_MAX && ports && ports->ops &&
	    ports->ops->name &&
	    ports->ops->name(ports->arg, port, name, sizeof(name)) == 0 &&
	    memchr(name, '\0', sizeof(name)) && name_writable(name)) {
		if (!name_needs_quotes(name)) {
			of_sb_printf(sb, "%s", name);
			return;
		}
		of_sb_printf(sb, "\"");
		for (const char *p = name; *p; p++)
			of_sb_printf(sb, "%s%c",
				     (*p == '"' || *p == '\\') ? "\\" : "", *p);
		of_sb_printf(sb, "\"");
		return;
	}
	of_sb_printf(sb, "%" PRIu32, port);
}

/* ---- the match (lib/match.c match_format()) ---- */

static void fmt_be16_masked(struct of_sb *sb, const char *name, uint16_t v,
			    uint16_t m)
{
	if (!m)
		return;
	if (m == 0xffff)
		of_sb_printf(sb, "%s=%u,", name, v);
	else
		of_sb_printf(sb, "%s=0x%x/0x%x,", name, v, m);
}

static void fmt_be64_masked(struct of_sb *sb, const char *name, uint64_t v,
			    uint64_t m)
{
	if (!m)
		return;
	of_sb_printf(sb, "%s=%#" PRIx64, name, v);
	if (m != UINT64_MAX)
		of_sb_printf(sb, "/%#" PRIx64, m);
	of_sb_printf(sb, ",");
}

static void fmt_ip_netmask(struct of_sb *sb, const char *name, uint32_t v,
			   uint32_t m)
{
	if (!m)
		return;
	of_sb_printf(sb, "%s=", name);
	of_fmt_ipv4_masked(sb, v, m);
	of_sb_printf(sb, ",");
}

static bool zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void fmt_eth(struct of_sb *sb, const char *name, const uint8_t *v,
		    const uint8_t *m)
{
	if (zero(m, 6))
		return;
	of_sb_printf(sb, "%s=", name);
	of_fmt_mac_masked(sb, v, m);
	of_sb_printf(sb, ",");
}

static void fmt_ipv6_field(struct of_sb *sb, const char *name,
			   const uint8_t *v, const uint8_t *m)
{
	if (zero(m, 16))
		return;
	of_sb_printf(sb, "%s=", name);
	fmt_ipv6_masked(sb, v, m);
	of_sb_printf(sb, ",");
}

static void fmt_vlan(struct of_sb *sb, uint16_t tci, uint16_t mask)
{
	uint16_t vid = mask & 0x0fff, pcp = mask & 0xe000, cfi = mask & 0x1000;

	if (!mask)
		return;
	if (cfi && (tci & 0x1000) && (!vid || vid == 0x0fff) &&
	    (!pcp || pcp == 0xe000) && (vid || pcp)) {
		if (vid)
			of_sb_printf(sb, "dl_vlan=%u,", tci & 0x0fff);
		if (pcp)
			of_sb_printf(sb, "dl_vlan_pcp=%u,", tci >> 13);
	} else if (mask == 0xffff) {
		of_sb_printf(sb, "vlan_tci=0x%04x,", tci);
	} else {
		of_sb_printf(sb, "vlan_tci=0x%04x/0x%04x,", tci, mask);
	}
}

static const char *dl_type_shorthand(const struct snic_of_match *m,
				     bool *skip_proto)
{
	static const struct {
		uint16_t dl_type;
		uint8_t proto;
		const char *name;
	} names[] = {
		{ 0x0800, 1, "icmp" }, { 0x0800, 6, "tcp" },
		{ 0x0800, 17, "udp" }, { 0x0800, 132, "sctp" },
		{ 0x86dd, 58, "icmp6" }, { 0x86dd, 6, "tcp6" },
		{ 0x86dd, 17, "udp6" }, { 0x86dd, 132, "sctp6" },
	};

	*skip_proto = false;
	if (m->nw_proto_mask) {
		for (size_t i = 0; i < OF_ARRAY_SIZE(names); i++) {
			if (names[i].dl_type == m->dl_type &&
			    names[i].proto == m->nw_proto) {
				*skip_proto = true;
				return names[i].name;
			}
		}
	}
	switch (m->dl_type) {
	case 0x0800: return "ip";
	case 0x86dd: return "ipv6";
	case 0x0806: return "arp";
	case 0x8035: return "rarp";
	case 0x8847: return "mpls";
	case 0x8848: return "mplsm";
	default: return NULL;
	}
}

void of_fmt_match(struct of_sb *sb, const struct snic_of_match *m,
		  unsigned priority, const struct snic_of_ports *ports)
{
	size_t start = sb->pos;
	bool skip_proto = false;
	const char *sh = NULL;
	uint16_t dl = m->dl_type;
	bool arp = dl == 0x0806 || dl == 0x8035;

	if (priority != SNIC_OF_DEFAULT_PRIORITY)
		of_sb_printf(sb, "priority=%u,", priority);
	if (m->dl_type_mask) {
		sh = dl_type_shorthand(m, &skip_proto);
		if (sh)
			of_sb_printf(sb, "%s,", sh);
	}
	fmt_be64_masked(sb, "tun_id", m->tun_id, m->tun_id_mask);
	fmt_ip_netmask(sb, "tun_src", m->tun_src, m->tun_src_mask);
	fmt_ip_netmask(sb, "tun_dst", m->tun_dst, m->tun_dst_mask);
	fmt_be64_masked(sb, "metadata", m->metadata, m->metadata_mask);
	if (m->in_port_mask) {
		of_sb_printf(sb, "in_port=");
		of_fmt_port(sb, ports, m->in_port);
		of_sb_printf(sb, ",");
	}
	fmt_vlan(sb, m->vlan_tci, m->vlan_tci_mask);
	fmt_eth(sb, "dl_src", m->dl_src, m->dl_src_mask);
	fmt_eth(sb, "dl_dst", m->dl_dst, m->dl_dst_mask);
	if (!sh && m->dl_type_mask)
		of_sb_printf(sb, "dl_type=0x%04x,", dl);
	if (dl == 0x86dd) {
		fmt_ipv6_field(sb, "ipv6_src", m->ipv6_src, m->ipv6_src_mask);
		fmt_ipv6_field(sb, "ipv6_dst", m->ipv6_dst, m->ipv6_dst_mask);
	} else if (arp) {
		fmt_ip_netmask(sb, "arp_spa", m->nw_src, m->nw_src_mask);
		fmt_ip_netmask(sb, "arp_tpa", m->nw_dst, m->nw_dst_mask);
	} else {
		fmt_ip_netmask(sb, "nw_src", m->nw_src, m->nw_src_mask);
		fmt_ip_netmask(sb, "nw_dst", m->nw_dst, m->nw_dst_mask);
	}
	if (!skip_proto && m->nw_proto_mask)
		of_sb_printf(sb, "%s=%u,", arp ? "arp_op" : "nw_proto",
			     m->nw_proto);
	if (m->nw_tos_mask & 0xfc)
		of_sb_printf(sb, "nw_tos=%u,", m->nw_tos & 0xfc);
	if (m->nw_ttl_mask)
		of_sb_printf(sb, "nw_ttl=%u,", m->nw_ttl);
	if ((dl == 0x0800 && m->nw_proto == 1) ||
	    (dl == 0x86dd && m->nw_proto == 58)) {
		fmt_be16_masked(sb, "icmp_type", m->tp_src, m->tp_src_mask);
		fmt_be16_masked(sb, "icmp_code", m->tp_dst, m->tp_dst_mask);
	} else {
		fmt_be16_masked(sb, "tp_src", m->tp_src, m->tp_src_mask);
		fmt_be16_masked(sb, "tp_dst", m->tp_dst, m->tp_dst_mask);
	}
	if (sb->pos > start)
		of_sb_chomp(sb, ',');
}

/* ---- actions (ofpacts_format()) ---- */

static const char *const reason_names[] = {
	"no_match", "action", "invalid_ttl", "action_set", "group",
	"packet_out", "",
};

/* mf_format() of a set_field value: hex fields as ds_put_hex(). */
static void fmt_hex(struct of_sb *sb, uint64_t v)
{
	if (v)
		of_sb_printf(sb, "%#" PRIx64, v);
	else
		of_sb_printf(sb, "0");
}

static unsigned sf_width(enum snic_of_field f)
{
	switch (f) {
	case SNIC_OF_F_TUN_ID: case SNIC_OF_F_METADATA: return 8;
	case SNIC_OF_F_ETH_SRC: case SNIC_OF_F_ETH_DST: return 6;
	case SNIC_OF_F_TUN_SRC: case SNIC_OF_F_TUN_DST:
	case SNIC_OF_F_IP_SRC: case SNIC_OF_F_IP_DST: return 4;
	case SNIC_OF_F_VLAN_PCP: case SNIC_OF_F_NW_TOS: case SNIC_OF_F_IP_DSCP:
	case SNIC_OF_F_NW_TTL: return 1;
	default: return 2;
	}
}

static void fmt_set_field(struct of_sb *sb, const struct snic_of_action *a)
{
	enum snic_of_field f = a->u.set_field.field;
	unsigned w = sf_width(f);
	uint64_t all = w == 8 ? UINT64_MAX : (1ull << (8 * w)) - 1;
	uint64_t v = a->u.set_field.value, m = a->u.set_field.mask;
	bool exact = m == all;

	of_sb_printf(sb, "set_field:");
	switch (f) {
	case SNIC_OF_F_ETH_SRC:
	case SNIC_OF_F_ETH_DST: {
		uint8_t vb[6], mb[6];
		of_be_put(vb, 6, v);
		of_be_put(mb, 6, m);
		of_fmt_mac_masked(sb, vb, mb);
		break;
	}
	case SNIC_OF_F_TUN_SRC:
	case SNIC_OF_F_TUN_DST:
	case SNIC_OF_F_IP_SRC:
	case SNIC_OF_F_IP_DST:
		of_fmt_ipv4_masked(sb, (uint32_t)v, (uint32_t)m);
		break;
	case SNIC_OF_F_TUN_ID:
	case SNIC_OF_F_METADATA:
		fmt_hex(sb, v);
		if (!exact) {
			of_sb_printf(sb, "/");
			fmt_hex(sb, m);
		}
		break;
	default:
		of_sb_printf(sb, "%" PRIu64, v);
		if (!exact) {
			of_sb_printf(sb, "/");
			fmt_hex(sb, m);
		}
		break;
	}
	of_sb_printf(sb, "->%s", snic_of_field_name(f));
}

static void fmt_action(struct of_sb *sb, const struct snic_of_action *a,
		       const struct snic_of_ports *ports)
{
	const uint8_t *mac = a->u.mac;
	uint32_t ip = a->u.ipv4;

	switch (a->type) {
	case SNIC_OF_ACT_OUTPUT:
		if (a->u.port < SNIC_OF_PORT_MAX)
			of_sb_printf(sb, "output:");
		of_fmt_port(sb, ports, a->u.port);
		break;
	case SNIC_OF_ACT_CONTROLLER:
		if (a->u.controller.reason == SNIC_OF_REASON_ACTION &&
		    !a->u.controller.id) {
			of_sb_printf(sb, "CONTROLLER:%u",
				     a->u.controller.max_len);
			break;
		}
		of_sb_printf(sb, "controller(");
		if (a->u.controller.reason != SNIC_OF_REASON_ACTION)
			of_sb_printf(sb, "reason=%s,", a->u.controller.reason <
				     OF_ARRAY_SIZE(reason_names) ?
				     reason_names[a->u.controller.reason] : "?");
		if (a->u.controller.max_len != UINT16_MAX)
			of_sb_printf(sb, "max_len=%u,", a->u.controller.max_len);
		if (a->u.controller.id)
			of_sb_printf(sb, "id=%u,", a->u.controller.id);
		of_sb_chomp(sb, ',');
		of_sb_printf(sb, ")");
		break;
	case SNIC_OF_ACT_MOD_VLAN_VID:
		of_sb_printf(sb, "mod_vlan_vid:%u", a->u.vlan_vid);
		break;
	case SNIC_OF_ACT_MOD_VLAN_PCP:
		of_sb_printf(sb, "mod_vlan_pcp:%u", a->u.vlan_pcp);
		break;
	case SNIC_OF_ACT_STRIP_VLAN:
		of_sb_printf(sb, "%s", a->u.pop ? "pop_vlan" : "strip_vlan");
		break;
	case SNIC_OF_ACT_PUSH_VLAN:
		of_sb_printf(sb, "push_vlan:%#x", a->u.ethertype);
		break;
	case SNIC_OF_ACT_MOD_DL_SRC:
	case SNIC_OF_ACT_MOD_DL_DST:
		of_sb_printf(sb, "mod_dl_%s:", a->type ==
			     SNIC_OF_ACT_MOD_DL_SRC ? "src" : "dst");
		fmt_mac(sb, mac);
		break;
	case SNIC_OF_ACT_MOD_NW_SRC:
	case SNIC_OF_ACT_MOD_NW_DST:
		of_sb_printf(sb, "mod_nw_%s:%u.%u.%u.%u", a->type ==
			     SNIC_OF_ACT_MOD_NW_SRC ? "src" : "dst", ip >> 24,
			     (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
		break;
	case SNIC_OF_ACT_MOD_NW_TOS:
		of_sb_printf(sb, "mod_nw_tos:%u", a->u.tos);
		break;
	case SNIC_OF_ACT_MOD_NW_TTL:
		of_sb_printf(sb, "mod_nw_ttl:%u", a->u.ttl);
		break;
	case SNIC_OF_ACT_MOD_TP_SRC:
	case SNIC_OF_ACT_MOD_TP_DST:
		of_sb_printf(sb, "mod_tp_%s:%u", a->type ==
			     SNIC_OF_ACT_MOD_TP_SRC ? "src" : "dst",
			     a->u.tp_port);
		break;
	case SNIC_OF_ACT_DEC_TTL:
		of_sb_printf(sb, "dec_ttl");
		break;
	case SNIC_OF_ACT_SET_TUNNEL:
		of_sb_printf(sb, "set_tunnel%s:%#" PRIx64,
			     a->u.tunnel.wide || a->u.tunnel.id > UINT32_MAX ?
			     "64" : "", a->u.tunnel.id);
		break;
	case SNIC_OF_ACT_SET_FIELD:
		fmt_set_field(sb, a);
		break;
	case SNIC_OF_ACT_WRITE_METADATA:
		of_sb_printf(sb, "write_metadata:%#" PRIx64,
			     a->u.metadata.value);
		if (a->u.metadata.mask != UINT64_MAX)
			of_sb_printf(sb, "/%#" PRIx64, a->u.metadata.mask);
		break;
	case SNIC_OF_ACT_GOTO_TABLE:
		of_sb_printf(sb, "goto_table:%u", a->u.table);
		break;
	}
}

void of_fmt_actions(struct of_sb *sb, const struct snic_of_action *a,
		    unsigned n, const struct snic_of_ports *ports)
{
	if (!n)
		of_sb_printf(sb, "drop");
	for (unsigned i = 0; i < n; i++) {
		if (i)
			of_sb_printf(sb, ",");
		fmt_action(sb, &a[i], ports);
	}
}

/* ---- public ---- */

int snic_of_match_format(const struct snic_of_match *match, unsigned priority,
			 const struct snic_of_ports *ports,
			 char *buf, size_t len)
{
	struct of_sb sb;

	of_sb_init(&sb, buf, len);
	of_fmt_match(&sb, match, priority, ports);
	return of_sb_done(&sb);
}

int snic_of_actions_format(const struct snic_of_action *actions, unsigned n,
			   const struct snic_of_ports *ports,
			   char *buf, size_t len)
{
	struct of_sb sb;

	of_sb_init(&sb, buf, len);
	of_fmt_actions(&sb, actions, n, ports);
	return of_sb_done(&sb);
}

int snic_of_rule_format(const struct snic_of_rule *r,
			const struct snic_of_ports *ports,
			char *buf, size_t len)
{
	struct of_sb sb;

	of_sb_init(&sb, buf, len);
	if (r->mode == SNIC_OF_MODE_ADD) {
		if (r->cookie)
			of_sb_printf(&sb, "cookie=%#" PRIx64 ", ", r->cookie);
		if (r->table)
			of_sb_printf(&sb, "table=%u, ", r->table);
		if (r->idle_timeout)
			of_sb_printf(&sb, "idle_timeout=%u, ", r->idle_timeout);
		if (r->hard_timeout)
			of_sb_printf(&sb, "hard_timeout=%u, ", r->hard_timeout);
		of_fmt_match(&sb, &r->match, r->priority, ports);
		if (sb.pos && of_sb_last(&sb) != ' ')
			of_sb_printf(&sb, " ");
		of_sb_printf(&sb, "actions=");
		of_fmt_actions(&sb, r->actions, r->n_actions, ports);
		return of_sb_done(&sb);
	}
	if (r->cookie_mask)
		of_sb_printf(&sb, "cookie=%#" PRIx64 "/%#" PRIx64 ", ",
			     r->cookie, r->cookie_mask);
	if (r->table != SNIC_OF_TABLE_ALL)
		of_sb_printf(&sb, "table=%u, ", r->table);
	if (r->out_port != SNIC_OF_PORT_ANY) {
		of_sb_printf(&sb, "out_port=");
		of_fmt_port(&sb, ports, r->out_port);
		of_sb_printf(&sb, ", ");
	}
	of_fmt_match(&sb, &r->match, r->mode == SNIC_OF_MODE_MATCH_STRICT ?
		     r->priority : SNIC_OF_DEFAULT_PRIORITY, ports);
	of_sb_chomp(&sb, ' ');
	of_sb_chomp(&sb, ',');
	return of_sb_done(&sb);
}
