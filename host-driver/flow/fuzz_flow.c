/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_flow.c - rte_flow translation (host-driver/flow) driven by random
 * rules, against a firmware booted in-process on a board with tiny steering
 * capacities (host-driver/flow/fuzz_board.dts), rebooted for every input.
 *
 * Input: [u8 n_ops] then n_ops (at most 24) operations, each [u8 kind]:
 *   kind % 8 = 0..3  a rule: validate it, then create it
 *      [u8 port]    % 6: ports 0..4, or 5 = port 9 (not of this NIC)
 *      [u8 attr]    bit0 ingress, bit1 egress, bit2 transfer, bit3 a
 *                   reserved bit, bit4 NULL attr, bit5 NULL pattern,
 *                   bit6 NULL actions
 *      [u8 group]   < 250: % 10, else itself
 *      [u8 prio]    < 250: % 12, else x 1000
 *      [u8 n_items] % 11, then items:  [u8 type][u8 flags] + buffers
 *         type  % 18 picks from item_types[]; 17: the next byte - 8 is the
 *               raw type (negative and unknown types too)
 *         flags bit0 spec, bit1 last, bit2 mask, bit3 canned (spec and
 *               mask start from a plausible value instead of zeros); each
 *               buffer present: [u8 len][len bytes] over its start
 *      [u8 n_acts]  % 11, then actions: [u8 type][u8 flags] + conf
 *         type  % 28 picks from action_types[]; 27: next byte - 8 raw
 *         flags bit0 conf present, bit1 canned conf; then by type:
 *           VXLAN_ENCAP  canned: [u8 vni]; else [u8 n] definition items
 *           RAW_ENCAP/DECAP  [u8 k] k x ([u8 off][u8 val]) over the buffer
 *                        (canned: a valid VXLAN header), [u8 size]
 *                        (canned: < 200 -> 50, else - 200), flags bit2:
 *                        preserve, bit3: data NULL
 *           others       [u8 len][len bytes] over the conf struct
 *   4  destroy rule [u8 index]        5  flush
 *   6  query rule [u8 index][u8 bit0 reset, bit1 query JUMP instead]
 *   7  a frame: [u8 vport][u8 which] from a fixed set enters the NIC
 *
 * SNIC_FUZZ_VERBOSE=1 prints each rule's outcome and message (to check
 * seeds; host-driver/flow/fuzz_flow_seeds.py writes the seed corpus).
 *
 * Checked: no crash or sanitizer report; validate succeeds exactly when
 * create does, and both refuse with the same errno, type, cause and
 * message; every refusal has a message and a type, an errno of EINVAL,
 * ENOTSUP, ENOSPC or EEXIST, and a cause inside the rule (the attributes,
 * an item, an action, or an existing rule for EEXIST); the context's
 * bookkeeping matches the rules held; frames leave only to vports that
 * exist; after flush every firmware object is back to baseline (only the
 * root table; no group, entry or counter; every encap and modify context
 * allocatable), and after snic_flow_ctx_destroy() no table is left.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

#include "snic_flow.h"
#include "snic_fw.h"
#include "snic_fw_memhal.h"

#ifndef SNIC_FLOW_FUZZ_BOARD
#define SNIC_FLOW_FUZZ_BOARD "host-driver/flow/fuzz_flow.dtb"
#endif

#define MAX_OPS   24
#define MAXI      10
#define MAXA      10
#define MAXD      8
#define MAX_FLOWS 64
#define BUF       64

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_flow: %s:%d: %s: ", __FILE__,    \
				__LINE__, #cond);                              \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t u8(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static void over(struct in *in, uint8_t *dst, size_t cap)
{
	size_t len = u8(in) % (cap + 1);

	for (size_t i = 0; i < len; i++)
		dst[i] = u8(in);
}

static const int item_types[] = {
	RTE_FLOW_ITEM_TYPE_VOID, RTE_FLOW_ITEM_TYPE_ETH, RTE_FLOW_ITEM_TYPE_VLAN,
	RTE_FLOW_ITEM_TYPE_IPV4, RTE_FLOW_ITEM_TYPE_IPV6, RTE_FLOW_ITEM_TYPE_UDP,
	RTE_FLOW_ITEM_TYPE_TCP, RTE_FLOW_ITEM_TYPE_ICMP, RTE_FLOW_ITEM_TYPE_VXLAN,
	RTE_FLOW_ITEM_TYPE_PORT_ID, RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT,
	RTE_FLOW_ITEM_TYPE_PORT_REPRESENTOR, RTE_FLOW_ITEM_TYPE_RAW,
	RTE_FLOW_ITEM_TYPE_ICMP6, RTE_FLOW_ITEM_TYPE_ANY, RTE_FLOW_ITEM_TYPE_SCTP,
	RTE_FLOW_ITEM_TYPE_GRE,
};
#define N_ITEM_TYPES (sizeof(item_types) / sizeof(item_types[0]))

static const int action_types[] = {
	RTE_FLOW_ACTION_TYPE_VOID, RTE_FLOW_ACTION_TYPE_DROP, RTE_FLOW_ACTION_TYPE_COUNT,
	RTE_FLOW_ACTION_TYPE_JUMP, RTE_FLOW_ACTION_TYPE_PORT_ID,
	RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR,
	RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP, RTE_FLOW_ACTION_TYPE_VXLAN_DECAP,
	RTE_FLOW_ACTION_TYPE_RAW_ENCAP, RTE_FLOW_ACTION_TYPE_RAW_DECAP,
	RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN, RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID,
	RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP, RTE_FLOW_ACTION_TYPE_OF_POP_VLAN,
	RTE_FLOW_ACTION_TYPE_SET_MAC_SRC, RTE_FLOW_ACTION_TYPE_SET_MAC_DST,
	RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC, RTE_FLOW_ACTION_TYPE_SET_IPV4_DST,
	RTE_FLOW_ACTION_TYPE_SET_TP_SRC, RTE_FLOW_ACTION_TYPE_SET_TP_DST,
	RTE_FLOW_ACTION_TYPE_DEC_TTL, RTE_FLOW_ACTION_TYPE_SET_TTL,
	RTE_FLOW_ACTION_TYPE_QUEUE, RTE_FLOW_ACTION_TYPE_MARK,
	RTE_FLOW_ACTION_TYPE_PASSTHRU, RTE_FLOW_ACTION_TYPE_FLAG,
};
#define N_ACTION_TYPES (sizeof(action_types) / sizeof(action_types[0]))

/* ---- canned values: plausible starting points for the mutator ---- */

static void canned_item(int type, uint8_t *spec, uint8_t *mask)
{
	static const uint8_t mac[6] = { 0x02, 0xaa, 0, 0, 0x10, 1 };

	switch (type) {
	case RTE_FLOW_ITEM_TYPE_ETH:
		memcpy(spec, mac, 6);
		memset(mask, 0xff, 6);
		break;
	case RTE_FLOW_ITEM_TYPE_VLAN:
		spec[1] = 9;
		mask[0] = 0x0f;
		mask[1] = 0xff;
		break;
	case RTE_FLOW_ITEM_TYPE_IPV4:
		spec[16] = 10, spec[19] = 2;
		memset(mask + 16, 0xff, 4);
		break;
	case RTE_FLOW_ITEM_TYPE_IPV6:
		spec[24] = 0x20, spec[25] = 0x01, spec[39] = 2;
		memset(mask + 24, 0xff, 16);
		break;
	case RTE_FLOW_ITEM_TYPE_UDP:
		spec[2] = 0x13, spec[3] = 0x88;         /* 5000 */
		mask[2] = mask[3] = 0xff;
		break;
	case RTE_FLOW_ITEM_TYPE_TCP:
		spec[3] = 80;
		mask[2] = mask[3] = 0xff;
		break;
	case RTE_FLOW_ITEM_TYPE_ICMP:
		spec[0] = 8;
		mask[0] = mask[1] = 0xff;
		break;
	case RTE_FLOW_ITEM_TYPE_VXLAN:
		spec[5] = 0x10, spec[6] = 0x92;         /* 4242 */
		mask[4] = mask[5] = mask[6] = 0xff;
		break;
	case RTE_FLOW_ITEM_TYPE_PORT_ID: {
		uint32_t one = 1, ff = 0xffffffff;
		memcpy(spec, &one, 4);
		memcpy(mask, &ff, 4);
		break;
	}
	case RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT:
	case RTE_FLOW_ITEM_TYPE_PORT_REPRESENTOR: {
		uint16_t one = 1, ff = 0xffff;
		memcpy(spec, &one, 2);
		memcpy(mask, &ff, 2);
		break;
	}
	default:
		break;
	}
}

static void canned_conf(int type, uint8_t *c)
{
	switch (type) {
	case RTE_FLOW_ACTION_TYPE_JUMP:
		((struct rte_flow_action_jump *)(void *)c)->group = 1;
		break;
	case RTE_FLOW_ACTION_TYPE_PORT_ID:
		((struct rte_flow_action_port_id *)(void *)c)->id = 2;
		break;
	case RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT:
	case RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR:
		((struct rte_flow_action_ethdev *)(void *)c)->port_id = 2;
		break;
	case RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN:
		c[0] = 0x81;
		break;
	case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID:
		c[1] = 42;
		break;
	case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP:
		c[0] = 3;
		break;
	case RTE_FLOW_ACTION_TYPE_SET_MAC_SRC:
	case RTE_FLOW_ACTION_TYPE_SET_MAC_DST:
		c[0] = 0x02, c[1] = 0xaa, c[4] = 0x10, c[5] = 1;
		break;
	case RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC:
	case RTE_FLOW_ACTION_TYPE_SET_IPV4_DST:
		c[0] = 10, c[1] = 9, c[2] = 9, c[3] = 9;
		break;
	case RTE_FLOW_ACTION_TYPE_SET_TP_SRC:
	case RTE_FLOW_ACTION_TYPE_SET_TP_DST:
		c[0] = 0x17, c[1] = 0x70;               /* 6000 */
		break;
	case RTE_FLOW_ACTION_TYPE_SET_TTL:
		c[0] = 9;
		break;
	default:
		break;
	}
}

/* ---- the rule being decoded ---- */

struct rule {
	struct rte_flow_attr attr;
	struct rte_flow_item items[MAXI + 1];
	uint8_t ibuf[MAXI][3][BUF];
	struct rte_flow_action acts[MAXA + 1];
	uint8_t conf[MAXA][BUF];
	struct rte_flow_item defs[MAXA][MAXD + 1];
	uint8_t dbuf[MAXA][MAXD][3][BUF];
	uint8_t raw[MAXA][BUF + 16];
};

static int pick(struct in *in, const int *types, unsigned n)
{
	unsigned s = u8(in) % (n + 1);

	return s < n ? types[s] : (int)u8(in) - 8;
}

static void decode_item(struct in *in, struct rte_flow_item *it, uint8_t b[3][BUF])
{
	uint8_t f;

	memset(it, 0, sizeof(*it));
	memset(b, 0, 3 * BUF);
	it->type = pick(in, item_types, N_ITEM_TYPES);
	f = u8(in);
	if (f & 8)
		canned_item(it->type, b[0], b[2]);
	if (f & 1) {
		over(in, b[0], BUF);
		it->spec = b[0];
	}
	if (f & 2) {
		over(in, b[1], BUF);
		it->last = b[1];
	}
	if (f & 4) {
		over(in, b[2], BUF);
		it->mask = b[2];
	}
}

static const uint8_t good_tmpl[50] = {
	0x02, 0xee, 0, 0, 0, 1, 0x02, 0xaa, 0, 0, 1, 0, 0x08, 0x00,
	0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2,
	0, 0, 0x12, 0xb5, 0, 0, 0, 0,
	0x08, 0, 0, 0, 0, 0x03, 0x09, 0,
};

static void decode_action(struct in *in, struct rule *r, unsigned i)
{
	struct rte_flow_action *a = &r->acts[i];
	uint8_t f, *c = r->conf[i];

	memset(a, 0, sizeof(*a));
	memset(c, 0, BUF);
	a->type = pick(in, action_types, N_ACTION_TYPES);
	f = u8(in);
	if (!(f & 1))
		return;
	a->conf = c;
	switch (a->type) {
	case RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP: {
		struct rte_flow_action_vxlan_encap *e = (void *)c;
		struct rte_flow_item *d = r->defs[i];
		unsigned n;

		memset(d, 0, sizeof(r->defs[i]));
		e->definition = d;
		if (f & 2) {
			static const int t[] = { RTE_FLOW_ITEM_TYPE_ETH,
						 RTE_FLOW_ITEM_TYPE_IPV4,
						 RTE_FLOW_ITEM_TYPE_UDP,
						 RTE_FLOW_ITEM_TYPE_VXLAN };
			uint8_t (*b)[3][BUF] = r->dbuf[i];

			memset(b, 0, sizeof(r->dbuf[i]));
			memcpy(b[0][0], good_tmpl, 12);                 /* MACs */
			memcpy(b[1][0] + 12, good_tmpl + 26, 8);        /* IPs */
			b[1][0][8] = 64;
			b[2][0][2] = 0x12, b[2][0][3] = 0xb5;
			b[3][0][6] = u8(in);                            /* VNI */
			for (unsigned k = 0; k < 4; k++) {
				d[k].type = t[k];
				d[k].spec = b[k][0];
			}
			return;
		}
		n = u8(in) % (MAXD + 1);
		for (unsigned k = 0; k < n; k++)
			decode_item(in, &d[k], r->dbuf[i][k]);
		return;
	}
	case RTE_FLOW_ACTION_TYPE_RAW_ENCAP:
	case RTE_FLOW_ACTION_TYPE_RAW_DECAP: {
		uint8_t *buf = r->raw[i], k, sz;
		size_t size;

		memset(buf, 0, sizeof(r->raw[i]));
		if (f & 2)
			memcpy(buf, good_tmpl, sizeof(good_tmpl));
		for (k = u8(in) % 8; k; k--) {
			uint8_t off = u8(in);
			buf[off % BUF] = u8(in);
		}
		sz = u8(in);
		size = (f & 2) ? (sz < 200 ? 50 : sz - 200u) : sz % 70u;
		if (a->type == RTE_FLOW_ACTION_TYPE_RAW_ENCAP) {
			struct rte_flow_action_raw_encap *e = (void *)c;

			e->data = (f & 8) ? NULL : buf;
			e->preserve = (f & 4) ? buf : NULL;
			e->size = size;
		} else {
			struct rte_flow_action_raw_decap *e = (void *)c;

			e->data = (f & 8) ? NULL : buf;
			e->size = size;
		}
		return;
	}
	default:
		if (f & 2)
			canned_conf(a->type, c);
		over(in, c, 16);
		return;
	}
}

/* ---- one input ---- */

static struct snic_fw_memhal hal;
static struct snic_fw *fw;
static struct snic_fwc pf;
static struct snic_flow_ctx *ctx;
static struct snic_flow *flows[MAX_FLOWS];
static unsigned n_flows;
static void *dtb;
static size_t dtb_len;
static bool verbose;
static uint8_t frames[6][128];
static uint32_t frame_len[6];

static void build_frames(void)
{
	static const uint8_t eth[14] = { 0x02, 0xaa, 0, 0, 0x10, 1, 0x02, 0xaa, 0, 0,
					 0x10, 0, 0x08, 0x00 };
	static const uint8_t ip4[20] = { 0x45, 0, 0, 48, 0, 0, 0, 0, 64, 17, 0, 0,
					 10, 0, 0, 1, 10, 0, 0, 2 };
	static const uint8_t udp[8] = { 0x04, 0x57, 0x13, 0x88, 0, 28, 0, 0 };
	uint8_t *f;

	/* 0: UDP/IPv4 to 10.0.0.2:5000 (no checksums: the parser ignores them) */
	f = frames[0];
	memcpy(f, eth, 14);
	memcpy(f + 14, ip4, 20);
	memcpy(f + 34, udp, 8);
	frame_len[0] = 62;
	/* 1: the same, tagged VID 9 */
	f = frames[1];
	memcpy(f, eth, 12);
	f[12] = 0x81, f[14] = 0, f[15] = 9;
	memcpy(f + 16, eth + 12, 2);
	memcpy(f + 18, frames[0] + 14, 48);
	frame_len[1] = 66;
	/* 2: VXLAN VNI 4242 around frame 0 */
	f = frames[2];
	memcpy(f, eth, 14);
	memcpy(f + 14, ip4, 20);
	f[14 + 3] = 20 + 8 + 8 + 62;
	memcpy(f + 34, udp, 8);
	f[36] = 0x12, f[37] = 0xb5;                     /* 4789 */
	f[39] = 8 + 8 + 62;
	f[42] = 0x08, f[47] = 0x10, f[48] = 0x92;
	memcpy(f + 50, frames[0], 62);
	frame_len[2] = 112;
	/* 3: TCP/IPv4, 4: ICMP/IPv4 echo, 5: a runt */
	memcpy(frames[3], frames[0], 62);
	frames[3][23] = 6, frames[3][14 + 3] = 60;
	frames[3][34 + 12] = 0x50, frames[3][34 + 13] = 0x02;  /* 20 bytes, SYN */
	frame_len[3] = 74;
	memcpy(frames[4], frames[0], 62);
	frames[4][23] = 1, frames[4][34] = 8, frames[4][35] = 0;
	frame_len[4] = 62;
	frame_len[5] = 10;
}

static void check_usage(void)
{
	struct snic_flow_usage u;

	snic_flow_get_usage(ctx, &u);
	CHECK(u.flows == n_flows, "usage says %u rules, the harness holds %u",
	      u.flows, n_flows);
	CHECK(u.tables >= 1 && u.groups <= u.flows && u.counters <= u.flows &&
	      u.modifies <= u.flows && u.reformats <= u.flows,
	      "usage: %u tables, %u groups, %u counters, %u modifies, %u reformats "
	      "for %u rules", u.tables, u.groups, u.counters, u.modifies,
	      u.reformats, u.flows);
}

static bool within(const void *p, const void *base, size_t size)
{
	return (const uint8_t *)p >= (const uint8_t *)base &&
	       (const uint8_t *)p < (const uint8_t *)base + size;
}

static void check_refusal(const struct rule *r, int rc, const struct rte_flow_error *e)
{
	bool ok;

	CHECK(rc == -EINVAL || rc == -ENOTSUP || rc == -ENOSPC || rc == -EEXIST,
	      "errno %d (%s)", -rc, e->message ? e->message : "no message");
	CHECK(e->message && e->message[0], "refusal %d without a message", rc);
	CHECK(e->type != RTE_FLOW_ERROR_TYPE_NONE, "refusal without a type: %s",
	      e->message);
	switch (e->type) {
	case RTE_FLOW_ERROR_TYPE_ATTR_GROUP:
	case RTE_FLOW_ERROR_TYPE_ATTR_PRIORITY:
	case RTE_FLOW_ERROR_TYPE_ATTR_INGRESS:
	case RTE_FLOW_ERROR_TYPE_ATTR_EGRESS:
	case RTE_FLOW_ERROR_TYPE_ATTR_TRANSFER:
	case RTE_FLOW_ERROR_TYPE_ATTR:
		ok = e->cause == &r->attr || (!e->cause && e->type == RTE_FLOW_ERROR_TYPE_ATTR);
		break;
	case RTE_FLOW_ERROR_TYPE_ITEM_NUM:
	case RTE_FLOW_ERROR_TYPE_ITEM_SPEC:
	case RTE_FLOW_ERROR_TYPE_ITEM_LAST:
	case RTE_FLOW_ERROR_TYPE_ITEM_MASK:
	case RTE_FLOW_ERROR_TYPE_ITEM:
		ok = (!e->cause && e->type == RTE_FLOW_ERROR_TYPE_ITEM_NUM) ||
		     within(e->cause, r->items, sizeof(r->items));
		break;
	case RTE_FLOW_ERROR_TYPE_ACTION_NUM:
	case RTE_FLOW_ERROR_TYPE_ACTION_CONF:
	case RTE_FLOW_ERROR_TYPE_ACTION:
		ok = (!e->cause && e->type == RTE_FLOW_ERROR_TYPE_ACTION_NUM) ||
		     within(e->cause, r->acts, sizeof(r->acts));
		break;
	case RTE_FLOW_ERROR_TYPE_HANDLE:
		ok = false;
		for (unsigned i = 0; i < n_flows; i++)
			ok |= e->cause == flows[i];
		ok &= rc == -EEXIST;
		break;
	case RTE_FLOW_ERROR_TYPE_UNSPECIFIED:
		ok = e->cause == NULL;
		break;
	default:
		ok = false;
		break;
	}
	CHECK(ok, "cause %p does not fit type %d (%s)", e->cause, e->type, e->message);
}

static void op_rule(struct in *in)
{
	static struct rule r;
	static const uint16_t port_ids[] = { 0, 1, 2, 3, 4, 9 };
	struct rte_flow_error e1 = { 0 }, e2 = { 0 };
	const struct rte_flow_attr *attr = &r.attr;
	const struct rte_flow_item *pat = r.items;
	const struct rte_flow_action *act = r.acts;
	uint16_t port = port_ids[u8(in) % 6];
	uint8_t af = u8(in), g = u8(in), p = u8(in);
	struct snic_flow *f;
	unsigned n;
	int rc;

	memset(&r.attr, 0, sizeof(r.attr));
	r.attr.ingress = af & 1;
	r.attr.egress = (af >> 1) & 1;
	r.attr.transfer = (af >> 2) & 1;
	r.attr.reserved = (af >> 3) & 1;
	r.attr.group = g < 250 ? g % 10u : g;
	r.attr.priority = p < 250 ? p % 12u : p * 1000u;
	n = u8(in) % (MAXI + 1);
	memset(r.items, 0, sizeof(r.items));
	for (unsigned i = 0; i < n; i++)
		decode_item(in, &r.items[i], r.ibuf[i]);
	n = u8(in) % (MAXA + 1);
	memset(r.acts, 0, sizeof(r.acts));
	for (unsigned i = 0; i < n; i++)
		decode_action(in, &r, i);
	if (af & 0x10)
		attr = NULL;
	if (af & 0x20)
		pat = NULL;
	if (af & 0x40)
		act = NULL;

	rc = snic_flow_validate(ctx, port, attr, pat, act, &e1);
	rte_errno = 0;
	f = snic_flow_create(ctx, port, attr, pat, act, &e2);
	CHECK((rc == 0) == (f != NULL), "validate %d (%s) but create %s (%s)", rc,
	      e1.message ? e1.message : "", f ? "succeeded" : "failed",
	      e2.message ? e2.message : "");
	if (verbose)
		printf("rule on port %u: %s%s\n", port, rc ? "refused: " : "created",
		       rc ? e1.message : "");
	if (rc) {
		check_refusal(&r, rc, &e1);
		CHECK(rte_errno == -rc && e1.type == e2.type && e1.cause == e2.cause &&
		      !strcmp(e1.message, e2.message ? e2.message : ""),
		      "create refused unlike validate: %d %d %s / %s", rc, -rte_errno,
		      e1.message, e2.message ? e2.message : "");
		return;
	}
	if (n_flows < MAX_FLOWS)
		flows[n_flows++] = f;
	else
		CHECK(snic_flow_destroy(ctx, f, &e2) == 0, "destroy: %s", e2.message);
}

static void op_frame(struct in *in)
{
	static const uint16_t vports[] = { SNIC_IFC_VPORT_PF, SNIC_IFC_VPORT_VF(0),
		SNIC_IFC_VPORT_VF(1), SNIC_IFC_VPORT_VF(2), SNIC_IFC_VPORT_VF(3),
		SNIC_IFC_VPORT_UPLINK(0), 77 };
	uint16_t v = vports[u8(in) % 7];
	unsigned w = u8(in) % 6;

	snic_fw_memhal_clear(&hal);
	snic_fw_rx(fw, v, frames[w], frame_len[w]);
	if (verbose) {
		printf("frame %u from vport 0x%x:", w, v);
		for (size_t i = 0; i < hal.n_frames; i++)
			printf(" %s 0x%x (%u bytes)", hal.frames[i].q == SNIC_FW_TX_REP ?
			       "rep" : "vport", hal.frames[i].vport, hal.frames[i].len);
		printf("%s\n", hal.n_frames ? "" : " nothing out");
	}
	for (size_t i = 0; i < hal.n_frames; i++)
		CHECK(snic_fw_vport_valid(fw, hal.frames[i].vport) &&
		      hal.frames[i].len <= SNIC_FW_MAX_FRAME + SNIC_FW_HEADROOM,
		      "a frame went to vport %u (%u bytes)", hal.frames[i].vport,
		      hal.frames[i].len);
	snic_fw_memhal_clear(&hal);
}

/* After flush: the firmware holds only the root table, nothing else. */
static void check_baseline(void)
{
	const struct snic_flow_caps *c = snic_flow_get_caps(ctx);
	struct snic_ifc_query_table_out tq;
	struct snic_ifc_query_entry_out eq;
	struct snic_flow_usage u;
	uint32_t tables = 0, ids[64], k;
	uint64_t pk;

	snic_flow_get_usage(ctx, &u);
	CHECK(u.flows == 0 && u.tables == 1 && u.groups == 0 && u.counters == 0 &&
	      u.reformats == 0 && u.modifies == 0, "usage after flush: %u %u %u %u %u %u",
	      u.flows, u.tables, u.groups, u.counters, u.reformats, u.modifies);
	for (uint32_t i = 0; i < c->max_tables; i++)
		if (snic_fwc_query_table(&pf, i, &tq) == SNIC_SYN_OK) {
			tables++;
			CHECK(tq.n_groups == 0 && tq.n_entries == 0,
			      "table %u keeps %u groups, %u entries", i, tq.n_groups,
			      tq.n_entries);
		}
	CHECK(tables == 1, "%u tables after flush (want the root only)", tables);
	for (uint32_t i = 0; i < c->max_entries; i++)
		CHECK(snic_fwc_query_entry(&pf, i, &eq) == SNIC_SYN_ENTRY_NOT_FOUND,
		      "entry %u is left", i);
	for (uint32_t i = 0; i < c->max_counters; i++)
		CHECK(snic_fwc_query_counters(&pf, i, 1, 0, &pk, NULL) ==
		      SNIC_SYN_COUNTER_NOT_FOUND, "counter %u is left", i);
	for (k = 0; k < c->max_encap && k < 64; k++)
		CHECK(snic_fwc_alloc_reformat(&pf, SNIC_REFORMAT_VXLAN_ENCAP, good_tmpl,
					      sizeof(good_tmpl), &ids[k]) == SNIC_SYN_OK,
		      "encap context %u of %u is not free", k, c->max_encap);
	while (k--)
		snic_fwc_dealloc_reformat(&pf, ids[k]);
	for (k = 0; k < c->max_modify && k < 64; k++) {
		struct snic_ifc_modify_op_desc op;

		snic_fwc_modify_op(&op, SNIC_MOD_SET, SNIC_FIELD_IP_TTL, 9);
		CHECK(snic_fwc_alloc_modify(&pf, &op, 1, &ids[k]) == SNIC_SYN_OK,
		      "modify context %u of %u is not free", k, c->max_modify);
	}
	while (k--)
		snic_fwc_dealloc_modify(&pf, ids[k]);
}

static const struct snic_flow_port ports[] = {
	{ .port_id = 0, .vport = SNIC_IFC_VPORT_UPLINK(0), .is_proxy = true },
	{ .port_id = 1, .vport = SNIC_IFC_VPORT_VF(0) },
	{ .port_id = 2, .vport = SNIC_IFC_VPORT_VF(1) },
	{ .port_id = 3, .vport = SNIC_IFC_VPORT_VF(2) },
	{ .port_id = 4, .vport = SNIC_IFC_VPORT_VF(3) },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct rte_flow_error e;
	char err[256];
	unsigned n_ops;

	if (!dtb) {
		const char *b = getenv("SNIC_FLOW_FUZZ_BOARD");

		dtb = snic_fw_read_file(b ? b : SNIC_FLOW_FUZZ_BOARD, &dtb_len);
		CHECK(dtb, "cannot read the board %s", b ? b : SNIC_FLOW_FUZZ_BOARD);
		verbose = getenv("SNIC_FUZZ_VERBOSE") && atoi(getenv("SNIC_FUZZ_VERBOSE"));
		build_frames();
	}
	snic_fw_memhal_init(&hal);
	CHECK(snic_fw_boot(dtb, dtb_len, &hal.hal, &fw, err, sizeof(err)) == 0,
	      "boot: %s", err);
	snic_fwc_init_direct(&pf, fw, SNIC_IFC_FUNC_PF);
	CHECK(snic_flow_ctx_create(&ctx, &pf, ports, 5, SNIC_FLOW_RECOVER_REFUSE, err, sizeof(err)) == 0,
	      "ctx: %s", err);
	n_flows = 0;

	n_ops = u8(&in) % (MAX_OPS + 1);
	for (unsigned op = 0; op < n_ops && in.n; op++) {
		uint8_t k = u8(&in) % 8;

		if (k < 4) {
			op_rule(&in);
		} else if (k == 4) {
			unsigned i = u8(&in);

			if (n_flows) {
				i %= n_flows;
				CHECK(snic_flow_destroy(ctx, flows[i], &e) == 0,
				      "destroy: %s", e.message);
				flows[i] = flows[--n_flows];
			}
		} else if (k == 5) {
			CHECK(snic_flow_flush(ctx, &e) == 0, "flush: %s", e.message);
			n_flows = 0;
		} else if (k == 6) {
			unsigned i = u8(&in);
			uint8_t q = u8(&in);
			struct rte_flow_action a = { .type = (q & 2) ?
				RTE_FLOW_ACTION_TYPE_JUMP : RTE_FLOW_ACTION_TYPE_COUNT };
			struct rte_flow_query_count qc = { .reset = q & 1 };
			int rc;

			if (n_flows) {
				rc = snic_flow_query(ctx, flows[i % n_flows], &a, &qc, &e);
				CHECK(rc == 0 || (rc == -ENOTSUP && e.message && e.message[0] &&
						  e.cause == &a),
				      "query: %d %s", rc, rc ? e.message : "");
				CHECK(rc || (qc.hits_set && qc.bytes_set), "query sets hits");
			}
		} else {
			op_frame(&in);
		}
		check_usage();
	}
	CHECK(snic_flow_flush(ctx, &e) == 0, "flush: %s", e.message);
	n_flows = 0;
	check_baseline();
	{
		uint32_t max_tables = snic_flow_get_caps(ctx)->max_tables, n = 0;
		struct snic_ifc_query_table_out tq;

		snic_flow_ctx_destroy(ctx);
		ctx = NULL;
		for (uint32_t i = 0; i < max_tables; i++)
			n += snic_fwc_query_table(&pf, i, &tq) == SNIC_SYN_OK;
		CHECK(n == 0, "%u tables after snic_flow_ctx_destroy()", n);
	}
	snic_fw_shutdown(fw);
	snic_fw_memhal_fini(&hal);
	return 0;
}
