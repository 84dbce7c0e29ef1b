/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_pkt.c - the packet library on arbitrary frames.
 *
 * Parse the input; if it parses, run every action on it (decap when it is
 * a tunnel, VLAN push and pop, each modify field with values taken from
 * the input, VXLAN encap) on exactly-sized buffers with room around them,
 * re-parsing after each, and abort() when an invariant breaks:
 *   - parse is deterministic, keeps the metadata, zeroes what is unused;
 *   - decap of VXLAN/IPv4 gives the frame whose key is the tunnel's inner;
 *   - pop(push(x)) == x and push(pop(x)) == x, with the keys to match;
 *   - modify changes the key exactly as the op says, keeps valid checksums
 *     valid, and TTL expiry leaves the frame alone;
 *   - encap output parses as VXLAN whose inner is the pre-encap outer key,
 *     with a good IPv4 checksum, and decap(encap(x)) == x.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic_fw_pkt.h"
#include "../unit/pkt_frames.h"
#include "../unit/pkt_model.h"

#define HEAD 128u
#define TAIL 16u
#define MAX_FRAME 9216u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INVARIANT(c)                                                         \
	do {                                                                 \
		if (!(c)) {                                                  \
			fprintf(stderr, "fuzz_pkt: invariant violated at "   \
				"line %d: %s\n", __LINE__, #c);              \
			abort();                                             \
		}                                                            \
	} while (0)

static const struct snic_fw_pkt_cfg CFG = { .vxlan_port = 4789 };

/* A frame in an exactly-sized allocation, HEAD before and TAIL after. */
struct fbuf {
	uint8_t *mem;
	struct snic_fw_buf b;
};

static void fb_new(struct fbuf *f, const uint8_t *frame, uint32_t len)
{
	f->mem = malloc(HEAD + len + TAIL);
	INVARIANT(f->mem != NULL);
	memset(f->mem, 0xa5, HEAD + len + TAIL);
	memcpy(f->mem + HEAD, frame, len);
	f->b = (struct snic_fw_buf){ .data = f->mem + HEAD, .len = len,
				     .headroom = HEAD, .tailroom = TAIL };
}

static bool fb_is(const struct fbuf *f, const uint8_t *frame, uint32_t len)
{
	return f->b.len == len && !memcmp(f->b.data, frame, len) &&
	       f->b.data - f->mem == (ptrdiff_t)f->b.headroom &&
	       f->b.headroom + f->b.len + f->b.tailroom == HEAD + len + TAIL;
}

/* Parse into a key whose metadata is a known pattern; check the basics. */
static int parse(const uint8_t *frame, uint32_t len, struct snic_ifc_match *k)
{
	struct snic_ifc_match again;
	int rc;

	memset(k, 0x5a, sizeof(*k));
	rc = snic_fw_pkt_parse(frame, len, &CFG, k);
	INVARIANT(rc >= 0 && rc <= SNIC_DROP_BAD_VXLAN);
	INVARIANT(k->src_vport == 0x5a5a && k->tun_id == 0x5a5a5a5a &&
		  k->reg[3] == 0x5a5a5a5a);
	memset(&again, 0, sizeof(again));
	INVARIANT(snic_fw_pkt_parse(frame, len, &CFG, &again) == rc);
	INVARIANT(!memcmp(&again.outer, &k->outer,
			  sizeof(again) - offsetof(struct snic_ifc_match,
						   outer)));
	if (rc)
		return rc;
	INVARIANT(k->rsvd0 == 0 && !k->rsvd1[0] && !k->rsvd1[1] && !k->rsvd1[2]);
	INVARIANT(k->tun_type == SNIC_IFC_TUN_NONE ||
		  k->tun_type == SNIC_IFC_TUN_VXLAN);
	if (k->tun_type == SNIC_IFC_TUN_NONE) {
		static const struct snic_ifc_hdrs zero;

		INVARIANT(!k->vni && !k->vxlan_flags &&
			  !memcmp(&k->inner, &zero, sizeof(zero)));
	} else {
		INVARIANT((k->vxlan_flags & 0x08) && !(ntohl(k->vni) >> 24));
	}
	for (int i = 0; i < 2; i++) {
		const struct snic_ifc_hdrs *h = i ? &k->inner : &k->outer;

		INVARIANT(!h->vlan_tci[1] || h->vlan_tci[0]);
		INVARIANT(!h->vlan_tci[0] ||
			  (ntohs(h->vlan_tci[0]) & SNIC_IFC_VLAN_PRESENT));
		INVARIANT(!(h->ip_frag & SNIC_IFC_FRAG_LATER) ||
			  ((h->ip_frag & SNIC_IFC_FRAG_ANY) && !h->tp_src &&
			   !h->tp_dst));
		INVARIANT(!h->rsvd[0] && !h->rsvd[4]);
	}
	return 0;
}

/* bytes of the input from offset off, cyclically: op values */
static uint64_t input_u64(const uint8_t *d, size_t n, size_t off)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | d[(off + (size_t)i) % n];
	return v;
}

static void check_decap(const uint8_t *frame, uint32_t len,
			const struct snic_ifc_match *k)
{
	struct snic_ifc_match k2 = *k, k3;
	struct fbuf f;
	int rc;

	fb_new(&f, frame, len);
	rc = snic_fw_pkt_decap(&f.b, &k2);
	if (k->tun_type != SNIC_IFC_TUN_VXLAN ||
	    k->outer.ethertype != htons(0x0800)) {
		INVARIANT(rc == SNIC_DROP_DECAP_NOT_TUNNEL);
		INVARIANT(fb_is(&f, frame, len));
		INVARIANT(!memcmp(&k2, k, sizeof(k2)));
		free(f.mem);
		return;
	}
	INVARIANT(rc == 0);
	INVARIANT(k2.tun_id == k->vni && k2.tun_src == k->outer.ip_src[0] &&
		  k2.tun_dst == k->outer.ip_dst[0]);
	INVARIANT(f.b.data - f.mem == (ptrdiff_t)f.b.headroom &&
		  f.b.headroom + f.b.len + f.b.tailroom == HEAD + len + TAIL);
	/* the inner frame may itself be VXLAN, parsed only now */
	rc = parse(f.b.data, f.b.len, &k3);
	INVARIANT(!memcmp(&k3.outer, &k->inner, sizeof(k3.outer)));
	INVARIANT(rc == 0 || (rc == SNIC_DROP_BAD_VXLAN ||
			      k3.tun_type == SNIC_IFC_TUN_VXLAN));
	free(f.mem);
}

static bool is_tag(uint16_t et)
{
	return et == 0x8100 || et == 0x88a8;
}

static void check_push_pop(const uint8_t *frame, uint32_t len,
			   const struct snic_ifc_match *k, uint16_t tci)
{
	uint16_t tpid = (tci & 1) ? 0x88a8 : 0x8100;
	struct snic_ifc_match k2;
	struct fbuf f;
	int rc;

	tci &= (uint16_t)~SNIC_IFC_VLAN_PRESENT;        /* no DEI */
	fb_new(&f, frame, len);
	INVARIANT(snic_fw_pkt_push_vlan(&f.b, tpid, tci) == 0);
	rc = parse(f.b.data, f.b.len, &k2);
	INVARIANT(ntohs(k2.outer.vlan_tci[0]) == (tci | SNIC_IFC_VLAN_PRESENT));
	INVARIANT(k2.outer.vlan_tci[1] == k->outer.vlan_tci[0]);
	if (!k->outer.vlan_tci[1]) {
		/* at most two tags now: all else parses as before */
		INVARIANT(rc == 0);
		k2.outer.vlan_tci[0] = k->outer.vlan_tci[0];
		k2.outer.vlan_tci[1] = k->outer.vlan_tci[1];
		INVARIANT(!memcmp(&k2.outer, &k->outer,
				  sizeof(k2) - offsetof(struct snic_ifc_match,
							outer)));
	} else {
		/* a third tag: its TPID reads as the EtherType */
		INVARIANT(rc == 0 && is_tag(ntohs(k2.outer.ethertype)) &&
			  !k2.outer.ip_proto);
	}
	INVARIANT(snic_fw_pkt_pop_vlan(&f.b) == 0);
	INVARIANT(fb_is(&f, frame, len));
	free(f.mem);

	/* pop what is there, push it back */
	if (len < 18 || !is_tag(tf_get16(frame + 12)))
		return;
	fb_new(&f, frame, len);
	INVARIANT(snic_fw_pkt_pop_vlan(&f.b) == 0);
	INVARIANT(f.b.len == len - 4 && !memcmp(f.b.data, frame, 12) &&
		  !memcmp(f.b.data + 12, frame + 16, len - 16));
	if (!is_tag(ntohs(k->outer.ethertype))) {
		/* one or two tags: the key loses the outer one */
		INVARIANT(parse(f.b.data, f.b.len, &k2) == 0);
		INVARIANT(k2.outer.vlan_tci[0] == k->outer.vlan_tci[1] &&
			  !k2.outer.vlan_tci[1]);
	}
	INVARIANT(snic_fw_pkt_push_vlan(&f.b, tf_get16(frame + 12),
					tf_get16(frame + 14)) == 0);
	INVARIANT(fb_is(&f, frame, len));
	free(f.mem);
}

/*
 * IPv6 UDP with a zero checksum: illegal but for tunnels (RFC 6935); the
 * library leaves a zero checksum alone, the oracle (ref_csums_ok) judges
 * it as a sum.  Such frames are not judged.  The frame has parsed.
 */
static bool v6_udp_csum_zero(const uint8_t *f)
{
	uint32_t off = 12;

	for (int i = 0; i < 2 && is_tag(tf_get16(f + off)); i++)
		off += 4;
	if (tf_get16(f + off) != 0x86dd || f[off + 2 + 6] != 17)
		return false;
	return tf_get16(f + off + 2 + 40 + 6) == 0;
}

static void check_modify(const uint8_t *frame, uint32_t len,
			 const struct snic_ifc_match *k, uint8_t field,
			 uint8_t op, uint64_t v)
{
	struct snic_ifc_modify_op_desc d = { .op = op, .field = field };
	struct snic_ifc_match want = *k, got;
	bool csum_ok = ref_csums_ok(frame, len) && !v6_udp_csum_zero(frame);
	struct fbuf f;
	int rc, want_rc, prc;

	for (int i = 7; i >= 0; i--)
		d.value[i] = (uint8_t)(v >> (8 * (7 - i)));
	INVARIANT(snic_fw_pkt_check_modify(&d) == 0);
	want_rc = pkt_model_modify(&want, op, field, v);
	fb_new(&f, frame, len);
	got = *k;
	rc = snic_fw_pkt_modify(&f.b, &got, &d);
	INVARIANT(rc == want_rc);
	if (rc) {
		INVARIANT(fb_is(&f, frame, len));
		free(f.mem);
		return;
	}
	INVARIANT(f.b.len == len);
	INVARIANT(!memcmp(got.reg, want.reg, sizeof(got.reg)));
	prc = parse(f.b.data, f.b.len, &got);
	/* a new destination port can make or unmake a VXLAN packet */
	if (field == SNIC_FIELD_TP_DST || field == SNIC_FIELD_TP_SRC ||
	    k->tun_type == SNIC_IFC_TUN_NONE) {
		INVARIANT(!memcmp(&got.outer, &want.outer, sizeof(got.outer)));
		INVARIANT(prc == 0 || got.outer.tp_dst == htons(4789));
	} else {
		INVARIANT(prc == 0);
		INVARIANT(!memcmp(&got.outer, &want.outer,
				  sizeof(got) - offsetof(struct snic_ifc_match,
							 outer)));
	}
	INVARIANT(!csum_ok || ref_csums_ok(f.b.data, f.b.len));
	free(f.mem);
}

static void check_encap(const uint8_t *frame, uint32_t len,
			const struct snic_ifc_match *k, uint64_t r)
{
	uint8_t t[54];
	bool vlan = r & 1;
	uint32_t e = vlan ? 18 : 14, n = e + 36;
	uint32_t vni = (uint32_t)(r >> 8) & 0xffffff;
	struct snic_ifc_match k2;
	struct fbuf f;

	memset(t, 0, sizeof(t));
	memcpy(t, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02", 12);
	if (vlan) {
		tf_put16(t + 12, 0x8100);
		tf_put16(t + 14, (uint16_t)(r >> 32) & 0xefff);
	}
	tf_put16(t + e - 2, 0x0800);
	t[e] = 0x45;
	t[e + 6] = (r >> 2) & 1 ? 0x40 : 0;
	t[e + 8] = 64;
	t[e + 9] = 17;
	tf_put32(t + e + 12, (uint32_t)(r >> 16));
	tf_put32(t + e + 16, (uint32_t)(r >> 40));
	tf_put16(t + e + 22, 4789);
	t[e + 28] = 0x08;
	tf_put32(t + e + 32, vni << 8);
	INVARIANT(snic_fw_pkt_check_encap(t, n) == 0);

	fb_new(&f, frame, len);
	INVARIANT(snic_fw_pkt_encap(&f.b, t, n, k) == 0);
	INVARIANT(f.b.len == len + n);
	INVARIANT(parse(f.b.data, f.b.len, &k2) == 0);
	INVARIANT(k2.tun_type == SNIC_IFC_TUN_VXLAN && ntohl(k2.vni) == vni);
	INVARIANT(!memcmp(&k2.inner, &k->outer, sizeof(k2.inner)));
	INVARIANT(ref_fold(ref_sum(f.b.data + e, 20, 0)) == 0xffff);
	INVARIANT(tf_get16(f.b.data + e + 20) >= 49152);
	INVARIANT(snic_fw_pkt_decap(&f.b, &k2) == 0);
	INVARIANT(fb_is(&f, frame, len));
	INVARIANT(k2.tun_id == htonl(vni));
	free(f.mem);

	/* one byte too little headroom: refused, untouched */
	fb_new(&f, frame, len);
	f.b.headroom = n - 1;
	INVARIANT(snic_fw_pkt_encap(&f.b, t, n, k) == SNIC_DROP_NO_HEADROOM);
	INVARIANT(f.b.data == f.mem + HEAD && f.b.len == len &&
		  !memcmp(f.b.data, frame, len));
	free(f.mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snic_ifc_match k;
	uint32_t len = (uint32_t)size;

	if (size > MAX_FRAME)
		return 0;
	if (parse(data, len, &k))
		return 0;
	check_decap(data, len, &k);
	check_push_pop(data, len, &k, (uint16_t)input_u64(data, size, 3));
	for (uint8_t f = SNIC_FIELD_DMAC; f < SNIC_FIELD_MAX_; f++) {
		uint64_t v = input_u64(data, size, f * 5u);

		v &= (1ull << snic_ifc_field_width(f)) - 1;
		check_modify(data, len, &k, f, SNIC_MOD_SET, v);
	}
	check_modify(data, len, &k, SNIC_FIELD_IP_TTL, SNIC_MOD_ADD, 0xff);
	check_modify(data, len, &k, SNIC_FIELD_IP_TTL, SNIC_MOD_ADD,
		     input_u64(data, size, 1) & 0xff);
	check_encap(data, len, &k, input_u64(data, size, 7));
	return 0;
}
