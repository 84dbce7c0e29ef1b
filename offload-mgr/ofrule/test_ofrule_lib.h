/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ofrule_lib.h - what test_ofrule.c and test_ofrule_api.c share:
 * expected rules written as designated initializers (RULE(), M(), A()),
 * the field-by-field comparison of a parsed rule with one, and the round
 * trip check parse(format(r)) == r.
 */
#ifndef TEST_OFRULE_LIB_H
#define TEST_OFRULE_LIB_H

#include <errno.h>

#include "snic_ofrule.h"
#include "snic_test.h"

/* Expected rules are designated initializers over a default rule. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Winitializer-overrides"
#else
#pragma GCC diagnostic ignored "-Woverride-init"
#endif

#define RULE(...) { .mode = SNIC_OF_MODE_ADD, .priority = 32768,         \
		    .out_port = SNIC_OF_PORT_ANY, __VA_ARGS__ }
#define M(...) .match = { __VA_ARGS__ }
#define A(...) .n_actions = sizeof((struct snic_of_action[]){ __VA_ARGS__ }) \
		/ sizeof(struct snic_of_action), .actions = { __VA_ARGS__ }
#define OUT(p) { .type = SNIC_OF_ACT_OUTPUT, .u.port = (p) }
#define M32 0xffffffffu
#define M64 0xffffffffffffffffull
#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define SF(f, v, m) { .type = SNIC_OF_ACT_SET_FIELD, .u.set_field = \
		      { .field = SNIC_OF_F_##f, .value = (v), .mask = (m) } }

/* ---- comparing rules field by field ---- */

static char what[512] __attribute__((unused));

#define EQ(field) do {                                                        \
	snprintf(what, sizeof(what), "%s: " #field, text);                    \
	SNIC_CHECK_EQ(got->field, want->field, what);                         \
} while (0)
#define EQMEM(field) do {                                                     \
	snprintf(what, sizeof(what), "%s: " #field, text);                    \
	SNIC_CHECK_MEM(got->field, want->field, sizeof(got->field), what);    \
} while (0)

static inline void check_match(const char *text, const struct snic_of_match *got,
			const struct snic_of_match *want)
{
	EQ(tun_id); EQ(tun_id_mask); EQ(tun_src); EQ(tun_src_mask);
	EQ(tun_dst); EQ(tun_dst_mask); EQ(metadata); EQ(metadata_mask);
	EQ(in_port); EQ(in_port_mask); EQ(vlan_tci); EQ(vlan_tci_mask);
	EQMEM(dl_src); EQMEM(dl_src_mask); EQMEM(dl_dst); EQMEM(dl_dst_mask);
	EQ(dl_type); EQ(dl_type_mask); EQ(nw_src); EQ(nw_src_mask);
	EQ(nw_dst); EQ(nw_dst_mask); EQMEM(ipv6_src); EQMEM(ipv6_src_mask);
	EQMEM(ipv6_dst); EQMEM(ipv6_dst_mask); EQ(nw_proto); EQ(nw_proto_mask);
	EQ(nw_tos); EQ(nw_tos_mask); EQ(nw_ttl); EQ(nw_ttl_mask);
	EQ(tp_src); EQ(tp_src_mask); EQ(tp_dst); EQ(tp_dst_mask);
}

static inline void check_action(const char *text, const struct snic_of_action *got,
			 const struct snic_of_action *want)
{
	EQ(type);
	switch (want->type) {
	case SNIC_OF_ACT_OUTPUT: EQ(u.port); break;
	case SNIC_OF_ACT_CONTROLLER:
		EQ(u.controller.max_len); EQ(u.controller.id);
		EQ(u.controller.reason);
		break;
	case SNIC_OF_ACT_MOD_VLAN_VID: EQ(u.vlan_vid); break;
	case SNIC_OF_ACT_MOD_VLAN_PCP: EQ(u.vlan_pcp); break;
	case SNIC_OF_ACT_STRIP_VLAN: EQ(u.pop); break;
	case SNIC_OF_ACT_PUSH_VLAN: EQ(u.ethertype); break;
	case SNIC_OF_ACT_MOD_DL_SRC:
	case SNIC_OF_ACT_MOD_DL_DST: EQMEM(u.mac); break;
	case SNIC_OF_ACT_MOD_NW_SRC:
	case SNIC_OF_ACT_MOD_NW_DST: EQ(u.ipv4); break;
	case SNIC_OF_ACT_MOD_NW_TOS: EQ(u.tos); break;
	case SNIC_OF_ACT_MOD_NW_TTL: EQ(u.ttl); break;
	case SNIC_OF_ACT_MOD_TP_SRC:
	case SNIC_OF_ACT_MOD_TP_DST: EQ(u.tp_port); break;
	case SNIC_OF_ACT_DEC_TTL: break;
	case SNIC_OF_ACT_SET_TUNNEL: EQ(u.tunnel.id); EQ(u.tunnel.wide); break;
	case SNIC_OF_ACT_SET_FIELD:
		EQ(u.set_field.field); EQ(u.set_field.value);
		EQ(u.set_field.mask);
		break;
	case SNIC_OF_ACT_WRITE_METADATA:
		EQ(u.metadata.value); EQ(u.metadata.mask);
		break;
	case SNIC_OF_ACT_GOTO_TABLE: EQ(u.table); break;
	}
}

static inline void check_rule(const char *text, const struct snic_of_rule *got,
		       const struct snic_of_rule *want)
{
	EQ(mode); EQ(table); EQ(priority); EQ(idle_timeout); EQ(hard_timeout);
	EQ(cookie); EQ(cookie_mask); EQ(out_port); EQ(n_actions);
	check_match(text, &got->match, &want->match);
	for (unsigned i = 0; i < want->n_actions && i < got->n_actions; i++)
		check_action(text, &got->actions[i], &want->actions[i]);
}

/* parse(format(r)) == r, and format is stable. */
static inline void round_trip(const char *text, const struct snic_of_rule *r,
		       const struct snic_of_ports *p)
{
	char t1[SNIC_OF_RULE_TEXT_MAX], t2[SNIC_OF_RULE_TEXT_MAX];
	struct snic_of_rule back;
	struct snic_of_error e;

	SNIC_REQUIRE(snic_of_rule_format(r, p, t1, sizeof(t1)) == 0, "%s", text);
	int rc = snic_of_rule_parse(t1, r->mode, p, &back, &e);
	SNIC_CHECK(rc == 0, "%s: formatted \"%s\" refused: %s", text, t1,
		   rc ? e.msg : "");
	if (rc)
		return;
	SNIC_CHECK(snic_of_rule_equal(&back, r), "%s: \"%s\" reads back "
		   "differently", text, t1);
	SNIC_REQUIRE(snic_of_rule_format(&back, p, t2, sizeof(t2)) == 0, "%s",
		     text);
	SNIC_CHECK(!strcmp(t1, t2), "%s: format not stable: \"%s\" \"%s\"",
		   text, t1, t2);
}

#endif /* TEST_OFRULE_LIB_H */
