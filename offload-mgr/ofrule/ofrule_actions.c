/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ofrule_actions.c - the actions of a rule, as OVS reads them: parsed one
 * by one (ofpacts_parse__()), then the checks OVS makes on the whole list,
 * in its order: "drop" alone, instruction order (ofpacts_verify()), and the
 * consistency of each action with the match as earlier actions change it
 * (ofpacts_check(): output ports, set_field prerequisites, VLAN depth,
 * goto_table direction, and OpenFlow 1.0-only semantics mixed with
 * OpenFlow 1.1-only actions).
 */
#define _GNU_SOURCE   /* memmem() */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "ofrule_internal.h"

#define CFI 0x1000u

struct acts {
	const struct of_ctx *c;
	struct snic_of_rule *r;
	struct of_kv kv[SNIC_OF_MAX_ACTIONS];   /* token of each action */
	bool drop;
};

static int no_arg(const struct acts *s, const struct of_kv *kv)
{
	if (!kv->val_len)
		return 0;
	return of_fail_kv(s->c, -EINVAL, kv, "%.*s takes no argument",
			  (int)kv->key_len, kv->key);
}

static struct snic_of_action *put(struct acts *s, const struct of_kv *kv,
				  enum snic_of_action_type type, int *err)
{
	struct snic_of_rule *r = s->r;

	if (r->n_actions >= SNIC_OF_MAX_ACTIONS) {
		*err = of_fail_kv(s->c, -E2BIG, kv, "too many actions (snic "
				  "takes at most %u)", SNIC_OF_MAX_ACTIONS);
		return NULL;
	}
	s->kv[r->n_actions] = *kv;
	struct snic_of_action *a = &r->actions[r->n_actions++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	*err = 0;
	return a;
}

/* str_to_u16() / str_to_u8(): `invalid NAME "VALUE"`. */
static int num(const struct acts *s, const struct of_kv *kv, const char *name,
	       long long max, long long *out)
{
	if (of_scan_ll(kv->val, kv->val_len, 0, max, out))
		return 0;
	return of_fail_kv(s->c, -EINVAL, kv, "invalid %s \"%.*s\"", name,
			  (int)kv->val_len, kv->val);
}

/* str_to_u64(). */
static int u64(const struct acts *s, const struct of_kv *kv, const char *v,
	       size_t n, uint64_t *out)
{
	int r;

	if (!n)
		return of_fail_kv(s->c, -EINVAL, kv, "missing required numeric "
				  "argument");
	r = of_scan_u64(v, n, out);
	if (r == EDOM)
		return of_fail_kv(s->c, -EINVAL, kv, "%.*s: negative numbers "
				  "are not allowed here", (int)n, v);
	if (r)
		return of_fail_kv(s->c, -EINVAL, kv, "invalid numeric format "
				  "%.*s", (int)n, v);
	return 0;
}

static int out_port(struct acts *s, const struct of_kv *kv, uint32_t port)
{
	struct snic_of_action *a;
	int err;

	switch (port) {
	case SNIC_OF_PORT_NORMAL:
	case SNIC_OF_PORT_FLOOD:
	case SNIC_OF_PORT_ALL:
	case SNIC_OF_PORT_TABLE:
		return of_fail_kv(s->c, -ENOTSUP, kv, "output to %s is not "
				  "supported by snic",
				  of_reserved_port_name(port));
	case SNIC_OF_PORT_CONTROLLER:
		a = put(s, kv, SNIC_OF_ACT_CONTROLLER, &err);
		if (a) {
			a->u.controller.max_len = UINT16_MAX;
			a->u.controller.reason = SNIC_OF_REASON_ACTION;
		}
		return err;
	case SNIC_OF_PORT_IN_PORT:
	case SNIC_OF_PORT_LOCAL:
		break;
	default:
		if (port >= SNIC_OF_PORT_MAX)
			return of_fail_kv(s->c, -EINVAL, kv, "port %u cannot be "
					  "an output port: ports are 0 to "
					  "65279, IN_PORT, LOCAL or CONTROLLER "
					  "(OFPBAC_BAD_OUT_PORT)", port);
	}
	a = put(s, kv, SNIC_OF_ACT_OUTPUT, &err);
	if (a)
		a->u.port = port;
	return err;
}

static int parse_output(struct acts *s, const struct of_kv *kv)
{
	const char *v = kv->val;
	size_t n = kv->val_len;
	uint32_t port;
	enum of_port_res res;

	if (memmem(v, n, "port", 4) && memmem(v, n, "max_len", 7))
		return of_fail_kv(s->c, -ENOTSUP, kv, "output with max_len "
				  "(truncation) is not supported by snic");
	res = of_parse_port(s->c, v, n, &port);
	if (res == OF_PORT_OK)
		return out_port(s, kv, port);
	if (memchr(v, '[', n))
		return of_fail_kv(s->c, -ENOTSUP, kv, "output to a field is not "
				  "supported by snic");
	return of_fail_port(s->c, kv, res, v, n, "output to unknown port");
}

static const char *const reasons[] = {
	"no_match", "action", "invalid_ttl", "action_set", "group",
	"packet_out", "",
};

static int parse_controller(struct acts *s, const struct of_kv *kv)
{
	uint16_t max_len = UINT16_MAX, id = 0;
	uint8_t reason = SNIC_OF_REASON_ACTION;
	long long x;
	struct of_kv sub;
	size_t pos = (size_t)(kv->val - s->c->base);
	size_t end = pos + kv->val_len;
	int err;

	if (kv->val_len && strspn(kv->val, "0123456789") >= kv->val_len) {
		if (num(s, kv, "max_len", UINT16_MAX, &x))
			return -EINVAL;
		max_len = (uint16_t)x;
	} else {
		while (of_next_kv(s->c->base, &pos, end, &sub)) {
			size_t vl = sub.val_len;
			if (of_span_eq(sub.key, sub.key_len, "reason")) {
				size_t i;
				for (i = 0; i < OF_ARRAY_SIZE(reasons); i++)
					if (of_span_caseeq(sub.val, vl,
							   reasons[i]))
						break;
				if (i == OF_ARRAY_SIZE(reasons))
					return of_fail_kv(s->c, -EINVAL, kv,
							  "unknown reason "
							  "\"%.*s\"", (int)vl,
							  sub.val);
				reason = (uint8_t)i;
			} else if (of_span_eq(sub.key, sub.key_len, "max_len") ||
				   of_span_eq(sub.key, sub.key_len, "id")) {
				bool ml = sub.key_len == 7;
				if (!of_scan_ll(sub.val, vl, 0, UINT16_MAX, &x))
					return of_fail_kv(s->c, -EINVAL, kv,
							  "invalid %s \"%.*s\"",
							  ml ? "max_len" : "id",
							  (int)vl, sub.val);
				if (ml)
					max_len = (uint16_t)x;
				else
					id = (uint16_t)x;
			} else if (of_span_eq(sub.key, sub.key_len, "userdata") ||
				   of_span_eq(sub.key, sub.key_len, "pause") ||
				   of_span_eq(sub.key, sub.key_len, "meter_id")) {
				return of_fail_kv(s->c, -ENOTSUP, kv, "controller "
						  "%.*s is not supported by "
						  "snic", (int)sub.key_len,
						  sub.key);
			} else {
				return of_fail_kv(s->c, -EINVAL, kv, "unknown key "
						  "\"%.*s\" parsing controller "
						  "action", (int)sub.key_len,
						  sub.key);
			}
		}
	}
	struct snic_of_action *a = put(s, kv, SNIC_OF_ACT_CONTROLLER, &err);
	if (a) {
		a->u.controller.max_len = max_len;
		a->u.controller.id = id;
		a->u.controller.reason = reason;
	}
	return err;
}

static int parse_set_field(struct acts *s, const struct of_kv *kv)
{
	const char *v = kv->val;
	size_t n = kv->val_len, vn;
	const char *arrow = memmem(v, n, "->", 2);
	uint8_t vb[16], mb[16];
	int err;

	if (!arrow)
		return of_fail_kv(s->c, -EINVAL, kv, "%.*s: missing `->'",
				  (int)n, v);
	vn = (size_t)(arrow - v);
	const char *key = arrow + 2;
	size_t kn = n - vn - 2;
	if (!kn)
		return of_fail_kv(s->c, -EINVAL, kv, "%.*s: missing field name "
				  "following `->'", (int)n, v);
	const struct of_field *f = of_field_find(key, kn);
	if (!f && !of_ovs_field_known(key, kn))
		return of_fail_kv(s->c, -EINVAL, kv, "%.*s is not a valid OXM "
				  "field name", (int)kn, key);
	if (f && f->read_only)
		return of_fail_kv(s->c, -EINVAL, kv, "%.*s is read-only",
				  (int)kn, key);
	if (!f || f->sf < 0)
		return of_fail_kv(s->c, -ENOTSUP, kv, "set_field to %.*s is not "
				  "supported by snic", (int)kn, key);
	err = of_field_parse(s->c, kv, f, v, vn, vb, mb);
	if (err)
		return err;

	uint64_t x = of_be_get(vb, f->width), m = of_be_get(mb, f->width);
	bool ok = true;
	switch (f->sf) {
	case SNIC_OF_F_VLAN_VID: ok = !(x & ~0x1fffull); break;
	case SNIC_OF_F_VLAN_PCP: ok = x <= 7; break;
	case SNIC_OF_F_IP_DSCP: ok = x <= 63; break;
	case SNIC_OF_F_NW_TOS: ok = !(x & 3); break;
	default: break;
	}
	if (!ok)
		return of_fail_kv(s->c, -EINVAL, kv, "%.*s is not a valid value "
				  "for field %.*s", (int)vn, v, (int)kn, key);
	if (!m)
		return of_fail_kv(s->c, -EINVAL, kv, "an all-zero mask sets "
				  "nothing");
	struct snic_of_action *a = put(s, kv, SNIC_OF_ACT_SET_FIELD, &err);
	if (a) {
		a->u.set_field.field = (enum snic_of_field)f->sf;
		a->u.set_field.value = x & m;
		a->u.set_field.mask = m;
	}
	return err;
}

static int parse_write_metadata(struct acts *s, const struct of_kv *kv)
{
	const char *v = kv->val, *slash = memchr(v, '/', kv->val_len);
	size_t vn = slash ? (size_t)(slash - v) : kv->val_len;
	uint64_t value, mask = UINT64_MAX;
	int err;

	if (slash && u64(s, kv, slash + 1, kv->val_len - vn - 1, &mask))
		return -EINVAL;
	if (u64(s, kv, v, vn, &value))
		return -EINVAL;
	struct snic_of_action *a = put(s, kv, SNIC_OF_ACT_WRITE_METADATA, &err);
	if (a) {
		a->u.metadata.value = value;
		a->u.metadata.mask = mask;
	}
	return err;
}

/* Actions OVS has and snic does not (also "clear_actions" etc.). */
static const char *const unsupported[] = {
	"group", "enqueue", "bundle", "bundle_load", "set_vlan_vid",
	"set_vlan_pcp", "mod_nw_ecn", "move", "load", "push", "pop",
	"set_mpls_label", "set_mpls_tc", "set_mpls_ttl", "dec_mpls_ttl",
	"push_mpls", "pop_mpls", "dec_nsh_ttl", "delete_field", "encap",
	"decap", "set_queue", "pop_queue", "fin_timeout", "resubmit", "learn",
	"conjunction", "multipath", "note", "exit", "sample", "ct", "ct_clear",
	"nat", "output_trunc", "clone", "check_pkt_larger", "meter",
	"clear_actions", "write_actions", "debug_recirc", "debug_slow",
};

/* Actions with one number: the name OVS's message gives it, its range
 * (str_to_u16/u8) and which values are valid (NULL: all). */
static const struct simple_act {
	const char *name;
	enum snic_of_action_type type;
	const char *what;
	long long max;
	const char *valid;
} simple[] = {
	{ "mod_vlan_vid", SNIC_OF_ACT_MOD_VLAN_VID, "VLAN VID", UINT16_MAX,
	  "VLAN VID (0-4095)" },
	{ "mod_vlan_pcp", SNIC_OF_ACT_MOD_VLAN_PCP, "VLAN PCP", UINT8_MAX,
	  "VLAN PCP (0-7)" },
	{ "push_vlan", SNIC_OF_ACT_PUSH_VLAN, "ethertype", UINT16_MAX,
	  "VLAN ethertype (0x8100 or 0x88a8)" },
	{ "mod_nw_tos", SNIC_OF_ACT_MOD_NW_TOS, "TOS", UINT8_MAX,
	  "TOS (a multiple of 4)" },
	{ "mod_nw_ttl", SNIC_OF_ACT_MOD_NW_TTL, "TTL", UINT8_MAX, NULL },
	{ "set_nw_ttl", SNIC_OF_ACT_MOD_NW_TTL, "TTL", UINT8_MAX, NULL },
	{ "mod_tp_src", SNIC_OF_ACT_MOD_TP_SRC, "source port", UINT16_MAX,
	  NULL },
	{ "mod_tp_dst", SNIC_OF_ACT_MOD_TP_DST, "destination port",
	  UINT16_MAX, NULL },
};

static int parse_simple(struct acts *s, const struct of_kv *kv,
			const struct simple_act *sa)
{
	struct snic_of_action *a;
	long long x;
	bool ok;
	int err;

	if (num(s, kv, sa->what, sa->max, &x))
		return -EINVAL;
	switch (sa->type) {
	case SNIC_OF_ACT_MOD_VLAN_VID: ok = x <= 4095; break;
	case SNIC_OF_ACT_MOD_VLAN_PCP: ok = x <= 7; break;
	case SNIC_OF_ACT_PUSH_VLAN: ok = x == 0x8100 || x == 0x88a8; break;
	case SNIC_OF_ACT_MOD_NW_TOS: ok = !(x & 3); break;
	default: ok = true; break;
	}
	if (!ok)
		return of_fail_kv(s->c, -EINVAL, kv, "%.*s: not a valid %s",
				  (int)kv->val_len, kv->val, sa->valid);
	a = put(s, kv, sa->type, &err);
	if (!a)
		return err;
	switch (sa->type) {
	case SNIC_OF_ACT_MOD_VLAN_VID: a->u.vlan_vid = (uint16_t)x; break;
	case SNIC_OF_ACT_MOD_VLAN_PCP: a->u.vlan_pcp = (uint8_t)x; break;
	case SNIC_OF_ACT_PUSH_VLAN: a->u.ethertype = (uint16_t)x; break;
	case SNIC_OF_ACT_MOD_NW_TOS: a->u.tos = (uint8_t)x; break;
	case SNIC_OF_ACT_MOD_NW_TTL: a->u.ttl = (uint8_t)x; break;
	default: a->u.tp_port = (uint16_t)x; break;
	}
	return 0;
}

static int parse_one(struct acts *s, const struct of_kv *kv)
{
	const char *k = kv->key;
	size_t kn = kv->key_len;
	struct snic_of_action *a;
	int err;

#define IS(lit) of_span_caseeq(k, kn, lit)
	for (size_t i = 0; i < OF_ARRAY_SIZE(simple); i++)
		if (IS(simple[i].name))
			return parse_simple(s, kv, &simple[i]);
	if (IS("output"))
		return parse_output(s, kv);
	if (IS("controller"))
		return parse_controller(s, kv);
	if (IS("set_field"))
		return parse_set_field(s, kv);
	if (IS("write_metadata"))
		return parse_write_metadata(s, kv);
	if (IS("drop")) {
		s->drop = true;
		return no_arg(s, kv);
	}
	if (IS("strip_vlan") || IS("pop_vlan") || IS("dec_ttl")) {
		bool dec = IS("dec_ttl");
		if (dec && kv->val_len)
			return of_fail_kv(s->c, -ENOTSUP, kv, "dec_ttl with "
					  "controller ids is not supported by "
					  "snic");
		if (no_arg(s, kv))
			return -EINVAL;
		a = put(s, kv, dec ? SNIC_OF_ACT_DEC_TTL :
			SNIC_OF_ACT_STRIP_VLAN, &err);
		if (a && !dec)
			a->u.pop = IS("pop_vlan");
		return err;
	}
	if (IS("mod_dl_src") || IS("mod_dl_dst")) {
		uint8_t mac[6];
		size_t used;
		if (!of_scan_mac(kv->val, kv->val_len, mac, &used) ||
		    used != kv->val_len)
			return of_fail_kv(s->c, -EINVAL, kv, "invalid mac "
					  "address %.*s", (int)kv->val_len,
					  kv->val);
		a = put(s, kv, IS("mod_dl_src") ? SNIC_OF_ACT_MOD_DL_SRC :
			SNIC_OF_ACT_MOD_DL_DST, &err);
		if (a)
			memcpy(a->u.mac, mac, 6);
		return err;
	}
	if (IS("mod_nw_src") || IS("mod_nw_dst")) {
		uint32_t ip;
		if (!of_inet_pton4(kv->val, kv->val_len, &ip))
			return of_fail_kv(s->c, -EINVAL, kv, "%.*s: could not "
					  "convert to IP address",
					  (int)kv->val_len, kv->val);
		a = put(s, kv, IS("mod_nw_src") ? SNIC_OF_ACT_MOD_NW_SRC :
			SNIC_OF_ACT_MOD_NW_DST, &err);
		if (a)
			a->u.ipv4 = ip;
		return err;
	}
	if (IS("set_tunnel") || IS("set_tunnel64")) {
		uint64_t id;
		if (u64(s, kv, kv->val, kv->val_len, &id))
			return -EINVAL;
		a = put(s, kv, SNIC_OF_ACT_SET_TUNNEL, &err);
		if (a) {
			a->u.tunnel.id = id;
			a->u.tunnel.wide = IS("set_tunnel64");
		}
		return err;
	}
	if (IS("goto_table")) {
		unsigned long long t;
		if (!of_scan_uint10(kv->val, kv->val_len, 255, &t))
			return of_fail_kv(s->c, -EINVAL, kv, "unknown table "
					  "\"%.*s\"", (int)kv->val_len, kv->val);
		if (t == 255)
			return of_fail_kv(s->c, -EINVAL, kv, "table 255 is not a "
					  "table (tables are 0 to 254)");
		a = put(s, kv, SNIC_OF_ACT_GOTO_TABLE, &err);
		if (a)
			a->u.table = (uint8_t)t;
		return err;
	}
	if (IS("apply_actions"))
		return of_fail_kv(s->c, -EINVAL, kv, "apply_actions is the "
				  "default instruction");
	for (size_t i = 0; i < OF_ARRAY_SIZE(unsupported); i++)
		if (IS(unsupported[i]))
			return of_fail_kv(s->c, -ENOTSUP, kv, "action \"%.*s\" is "
					  "not supported by snic", (int)kn, k);
#undef IS

	uint32_t port;
	enum of_port_res res = of_parse_port(s->c, k, kn, &port);
	if (res == OF_PORT_OK) {
		if (no_arg(s, kv))
			return -EINVAL;
		return out_port(s, kv, port);
	}
	if (res == OF_PORT_NO_TABLE || res == OF_PORT_UNKNOWN ||
	    res == OF_PORT_BAD_TABLE) {
		static const char *const settings[] = {
			"table", "priority", "idle_timeout", "hard_timeout",
			"cookie", "out_port",
		};
		bool misplaced = of_field_find(k, kn) ||
				 of_ovs_field_known(k, kn);
		for (size_t i = 0; i < OF_ARRAY_SIZE(settings); i++)
			misplaced |= of_span_eq(k, kn, settings[i]);
		if (misplaced)
			return of_fail_kv(s->c, -EINVAL, kv, "unknown action "
					  "%.*s (match fields and rule settings "
					  "go before \"actions=\")", (int)kn, k);
		return of_fail_port(s->c, kv, res, k, kn,
				    "unknown action, or output to unknown "
				    "port");
	}
	return of_fail_kv(s->c, -EINVAL, kv, "unknown action %.*s", (int)kn, k);
}

/* ---- checks on the whole list ---- */

static int inst_class(enum snic_of_action_type t)
{
	return t == SNIC_OF_ACT_WRITE_METADATA ? 1 :
	       t == SNIC_OF_ACT_GOTO_TABLE ? 2 : 0;
}

static int verify_order(const struct acts *s)
{
	static const char *const names[] = { "apply_actions",
					     "write_metadata", "goto_table" };
	const struct snic_of_rule *r = s->r;
	int inst = 0;

	for (unsigned i = 0; i < r->n_actions; i++) {
		int next = inst_class(r->actions[i].type);
		if (i && (inst == 0 ? next < inst : next <= inst)) {
			if (next == inst)
				return of_fail_kv(s->c, -EINVAL, &s->kv[i],
						  "duplicate %s instruction not "
						  "allowed, for OpenFlow 1.1+ "
						  "compatibility", names[inst]);
			return of_fail_kv(s->c, -EINVAL, &s->kv[i], "invalid "
					  "instruction ordering: %s must "
					  "appear before %s, for OpenFlow 1.1+ "
					  "compatibility", names[next],
					  names[inst]);
		}
		inst = next;
	}
	return 0;
}

/* What set_field to f needs in the match (NULL: nothing or satisfied). */
static const char *sf_prereq(enum snic_of_field f, uint16_t dl, uint8_t proto,
			     uint16_t tci0)
{
	bool ip_any = dl == 0x0800 || dl == 0x86dd;

	switch (f) {
	case SNIC_OF_F_VLAN_VID:
	case SNIC_OF_F_VLAN_PCP:
		return tci0 & CFI ? NULL : "a VLAN tag (match dl_vlan or "
			"vlan_tci=0x1000/0x1000, or push one first)";
	case SNIC_OF_F_IP_SRC:
	case SNIC_OF_F_IP_DST:
		return dl == 0x0800 ? NULL : "ip in the match (add \"ip\")";
	case SNIC_OF_F_NW_TOS:
	case SNIC_OF_F_IP_DSCP:
	case SNIC_OF_F_NW_TTL:
		return ip_any ? NULL : "ip or ipv6 in the match (add \"ip\")";
	case SNIC_OF_F_TCP_SRC:
	case SNIC_OF_F_TCP_DST:
		return ip_any && proto == 6 ? NULL :
		       "tcp in the match (add \"tcp\")";
	case SNIC_OF_F_UDP_SRC:
	case SNIC_OF_F_UDP_DST:
		return ip_any && proto == 17 ? NULL :
		       "udp in the match (add \"udp\")";
	case SNIC_OF_F_SCTP_SRC:
	case SNIC_OF_F_SCTP_DST:
		return ip_any && proto == 132 ? NULL :
		       "sctp in the match (add \"sctp\")";
	default:
		return NULL;
	}
}

static int check_consistency(const struct acts *s)
{
	const struct snic_of_rule *r = s->r;
	uint16_t dl = r->match.dl_type, tci[2] = { r->match.vlan_tci, 0 };
	uint8_t proto = r->match.nw_proto;
	bool ip_any = dl == 0x0800 || dl == 0x86dd;
	bool l4 = ip_any && (proto == 6 || proto == 17 || proto == 132);
	int of10 = -1, of11 = -1;       /* first action needing each */
	const char *of10_why = NULL;

	for (unsigned i = 0; i < r->n_actions; i++) {
		const struct snic_of_action *a = &r->actions[i];
		const char *why = NULL, *need;

		switch (a->type) {
		case SNIC_OF_ACT_MOD_VLAN_VID:
		case SNIC_OF_ACT_MOD_VLAN_PCP:
			tci[0] |= CFI;
			break;
		case SNIC_OF_ACT_STRIP_VLAN:
			if (!(tci[0] & CFI))
				why = "the match does not guarantee a VLAN tag";
			tci[0] = tci[1];
			tci[1] = 0;
			break;
		case SNIC_OF_ACT_PUSH_VLAN:
			if (tci[1] & CFI)
				return of_fail_kv(s->c, -EINVAL, &s->kv[i],
						  "a third VLAN tag: at most 2 "
						  "(OFPBAC_BAD_TAG)");
			tci[1] = tci[0];
			tci[0] = CFI;
			if (of11 < 0)
				of11 = (int)i;
			break;
		case SNIC_OF_ACT_MOD_NW_SRC:
		case SNIC_OF_ACT_MOD_NW_DST:
			if (dl != 0x0800)
				why = "the match is not ip";
			break;
		case SNIC_OF_ACT_MOD_NW_TOS:
		case SNIC_OF_ACT_MOD_NW_TTL:
		case SNIC_OF_ACT_DEC_TTL:
			if (!ip_any)
				why = "the match is not ip or ipv6";
			break;
		case SNIC_OF_ACT_MOD_TP_SRC:
		case SNIC_OF_ACT_MOD_TP_DST:
			if (!l4)
				why = "the match is not tcp, udp or sctp";
			break;
		case SNIC_OF_ACT_SET_FIELD:
			need = sf_prereq(a->u.set_field.field, dl, proto,
					 tci[0]);
			if (need)
				return of_fail_kv(s->c, -EINVAL, &s->kv[i],
						  "set_field to %s requires %s "
						  "(OFPBAC_MATCH_INCONSISTENT)",
						  snic_of_field_name(
							  a->u.set_field.field),
						  need);
			break;
		case SNIC_OF_ACT_GOTO_TABLE:
			if (a->u.table <= r->table)
				return of_fail_kv(s->c, -EINVAL, &s->kv[i],
						  "goto_table must go to a later "
						  "table than this rule's table "
						  "%u (OFPBIC_BAD_TABLE_ID)",
						  r->table);
			break;
		default:
			break;
		}
		if (why && of10 < 0) {
			of10 = (int)i;
			of10_why = why;
		}
	}
	if (of10 >= 0 && of11 >= 0) {
		const struct of_kv *k10 = &s->kv[of10];
		const struct of_kv *k11 = &s->kv[of11];
		return of_fail_kv(s->c, -EINVAL, of10 > of11 ? k10 : k11,
				  "%.*s (column %zu) needs OpenFlow 1.1 or "
				  "later, but %.*s (column %zu) has OpenFlow "
				  "1.0 semantics here because %s "
				  "(OFPBAC_MATCH_INCONSISTENT)",
				  (int)k11->key_len, k11->key, k11->start + 1,
				  (int)k10->key_len, k10->key, k10->start + 1,
				  of10_why);
	}
	return 0;
}

int of_parse_actions(const struct of_ctx *c, size_t start, size_t end,
		     struct snic_of_rule *r)
{
	struct acts s = { .c = c, .r = r };
	struct of_kv kv;
	size_t pos = start;
	int err;

	r->n_actions = 0;
	while (of_next_kv(c->base, &pos, end, &kv)) {
		err = parse_one(&s, &kv);
		if (err)
			return err;
	}
	if (s.drop && r->n_actions)
		return of_fail(c, -EINVAL, start, end - start, "\"drop\" must "
			       "not be accompanied by any other action or "
			       "instruction");
	err = verify_order(&s);
	return err ? err : check_consistency(&s);
}
