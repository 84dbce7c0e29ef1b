/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pkt_frames.h - frame builders and reference checksums for the packet
 * library's tests (hosted; written independently of nic-fw/src so that it
 * can serve as the oracle).
 *
 * Frames are built inside out: start with the payload, then prepend each
 * header; a header that has a length or checksum fills it from what is
 * already there.
 *
 *	struct tf t;
 *	tf_init(&t);
 *	tf_payload(&t, 32, 1);
 *	tf_udp(&t, 1000, 53);
 *	tf_ipv4(&t, &(struct tf_ip4){ .proto = 17, .src = ..., .dst = ... });
 *	tf_eth(&t, dmac, smac, 0x0800);
 *	... tf_data(&t), t.len
 */
#ifndef PKT_FRAMES_H
#define PKT_FRAMES_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define TF_MEM  4096u
#define TF_HEAD 2048u

struct tf {
	uint8_t  mem[TF_MEM];
	uint32_t off;           /* start of the frame in mem */
	uint32_t len;
};

static inline void tf_init(struct tf *t)
{
	memset(t->mem, 0, sizeof(t->mem));
	t->off = TF_HEAD;
	t->len = 0;
}

static inline uint8_t *tf_data(struct tf *t)
{
	return t->mem + t->off;
}

static inline uint8_t *tf_push(struct tf *t, uint32_t n)
{
	t->off -= n;
	t->len += n;
	memset(t->mem + t->off, 0, n);
	return t->mem + t->off;
}

static inline void tf_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void tf_put32(uint8_t *p, uint32_t v)
{
	tf_put16(p, (uint16_t)(v >> 16));
	tf_put16(p + 2, (uint16_t)v);
}

static inline uint16_t tf_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t tf_get32(const uint8_t *p)
{
	return (uint32_t)tf_get16(p) << 16 | tf_get16(p + 2);
}

/* n bytes of a pattern at the end */
static inline void tf_payload(struct tf *t, uint32_t n, uint8_t seed)
{
	uint8_t *p = t->mem + t->off + t->len;

	for (uint32_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7u);
	t->len += n;
}

static inline void tf_append(struct tf *t, const void *d, uint32_t n)
{
	memcpy(t->mem + t->off + t->len, d, n);
	t->len += n;
}

/* ---- reference checksum: bytewise, the textbook way ---- */

static inline uint32_t ref_sum(const uint8_t *p, uint32_t n, uint32_t s)
{
	for (uint32_t i = 0; i < n; i++)
		s += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	return s;
}

static inline uint16_t ref_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* pseudo-header sum for IPv4 (addr 4 bytes each) or IPv6 (16 each) */
static inline uint32_t ref_pseudo(const uint8_t *src, const uint8_t *dst,
				  bool v6, uint8_t proto, uint32_t l4len)
{
	uint32_t s = ref_sum(src, v6 ? 16 : 4, 0);

	s = ref_sum(dst, v6 ? 16 : 4, s);
	return s + proto + (l4len >> 16) + (l4len & 0xffff);
}

/* Fill the L4 checksum of the segment at t's data (TCP, UDP, ICMPv6). */
static inline void tf_l4_csum(struct tf *t, const uint8_t *src,
			      const uint8_t *dst, bool v6, uint8_t proto)
{
	uint8_t *l4 = tf_data(t);
	uint32_t off = proto == 6 ? 16 : proto == 17 ? 6 : 2;
	uint16_t c;

	tf_put16(l4 + off, 0);
	c = (uint16_t)~ref_fold(ref_sum(l4, t->len,
				       ref_pseudo(src, dst, v6, proto, t->len)));
	if (proto == 17 && c == 0)
		c = 0xffff;
	tf_put16(l4 + off, c);
}

/* ---- headers ---- */

static inline void tf_udp(struct tf *t, uint16_t sp, uint16_t dp)
{
	uint8_t *u = tf_push(t, 8);

	tf_put16(u, sp);
	tf_put16(u + 2, dp);
	tf_put16(u + 4, (uint16_t)t->len);
}

/* optlen: bytes of TCP options (multiple of 4) */
static inline void tf_tcp(struct tf *t, uint16_t sp, uint16_t dp,
			  uint8_t flags, uint32_t optlen)
{
	uint8_t *h = tf_push(t, 20 + optlen);

	tf_put16(h, sp);
	tf_put16(h + 2, dp);
	tf_put32(h + 4, 0x01020304);
	tf_put32(h + 8, 0x0a0b0c0d);
	h[12] = (uint8_t)(((20 + optlen) / 4) << 4);
	h[13] = flags;
	tf_put16(h + 14, 65535);
	for (uint32_t i = 0; i < optlen; i++)
		h[20 + i] = 1;  /* NOP */
}

/* ICMP (v4: checksum over the message; v6: the caller's tf_l4_csum) */
static inline void tf_icmp(struct tf *t, uint8_t type, uint8_t code)
{
	uint8_t *h = tf_push(t, 8);

	h[0] = type;
	h[1] = code;
	tf_put32(h + 4, 0x12340001);
	tf_put16(h + 2, (uint16_t)~ref_fold(ref_sum(h, t->len, 0)));
}

static inline void tf_vxlan(struct tf *t, uint32_t vni)
{
	uint8_t *v = tf_push(t, 8);

	v[0] = 0x08;
	tf_put32(v + 4, vni << 8);
}

struct tf_ip4 {
	uint8_t  tos, ttl, proto;
	uint16_t id;
	uint16_t frag;          /* flags + offset word */
	uint32_t src, dst;      /* host order */
	uint32_t optlen;        /* bytes of options, multiple of 4 */
	bool     no_l4_csum;    /* leave the L4 checksum alone */
};

static inline void tf_ipv4(struct tf *t, const struct tf_ip4 *ip)
{
	uint8_t s[4], d[4];
	uint8_t *h;
	uint32_t hl = 20 + ip->optlen;

	tf_put32(s, ip->src);
	tf_put32(d, ip->dst);
	if (!ip->no_l4_csum && !(ip->frag & 0x3fff) &&
	    (ip->proto == 6 || ip->proto == 17))
		tf_l4_csum(t, s, d, false, ip->proto);
	h = tf_push(t, hl);
	h[0] = (uint8_t)(0x40 | hl / 4);
	h[1] = ip->tos;
	tf_put16(h + 2, (uint16_t)t->len);
	tf_put16(h + 4, ip->id);
	tf_put16(h + 6, ip->frag);
	h[8] = ip->ttl;
	h[9] = ip->proto;
	memcpy(h + 12, s, 4);
	memcpy(h + 16, d, 4);
	for (uint32_t i = 0; i < ip->optlen; i++)
		h[20 + i] = 1;  /* NOP */
	tf_put16(h + 10, (uint16_t)~ref_fold(ref_sum(h, hl, 0)));
}

struct tf_ip6 {
	uint8_t  tc, hlim, nh;
	uint32_t flow;
	uint8_t  src[16], dst[16];
};

static inline void tf_ipv6(struct tf *t, const struct tf_ip6 *ip)
{
	uint8_t *h = tf_push(t, 40);

	tf_put32(h, 6u << 28 | (uint32_t)ip->tc << 20 | (ip->flow & 0xfffff));
	tf_put16(h + 4, (uint16_t)(t->len - 40));
	h[6] = ip->nh;
	h[7] = ip->hlim;
	memcpy(h + 8, ip->src, 16);
	memcpy(h + 24, ip->dst, 16);
}

/* IPv6 extension header of `type` (0, 43, 60: len bytes, multiple of 8 >= 8;
 * 51 (AH): len multiple of 4 >= 8) followed by nh */
static inline void tf_ipv6_ext(struct tf *t, uint8_t type, uint8_t nh,
			       uint32_t len)
{
	uint8_t *h = tf_push(t, len);

	h[0] = nh;
	h[1] = (uint8_t)(type == 51 ? len / 4 - 2 : len / 8 - 1);
}

static inline void tf_ipv6_frag(struct tf *t, uint8_t nh, uint16_t offset8,
				bool more)
{
	uint8_t *h = tf_push(t, 8);

	h[0] = nh;
	tf_put16(h + 2, (uint16_t)(offset8 << 3 | (more ? 1 : 0)));
	tf_put32(h + 4, 0xabcdef01);
}

static inline void tf_arp(struct tf *t, uint16_t op, const uint8_t sha[6],
			  uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
	uint8_t *h = tf_push(t, 28);

	tf_put16(h, 1);
	tf_put16(h + 2, 0x0800);
	h[4] = 6;
	h[5] = 4;
	tf_put16(h + 6, op);
	memcpy(h + 8, sha, 6);
	tf_put32(h + 14, spa);
	memcpy(h + 18, tha, 6);
	tf_put32(h + 24, tpa);
}

/* Ethernet with n tags (tpid/tci pairs, outermost first) */
static inline void tf_eth_tags(struct tf *t, const uint8_t dmac[6],
			       const uint8_t smac[6], uint16_t et, unsigned n,
			       const uint16_t tags[][2])
{
	uint8_t *h = tf_push(t, 2);

	tf_put16(h, et);
	for (unsigned i = n; i-- > 0;) {
		h = tf_push(t, 4);
		tf_put16(h, tags[i][0]);
		tf_put16(h + 2, tags[i][1]);
	}
	h = tf_push(t, 12);
	memcpy(h, dmac, 6);
	memcpy(h + 6, smac, 6);
}

static inline void tf_eth(struct tf *t, const uint8_t dmac[6],
			  const uint8_t smac[6], uint16_t et)
{
	tf_eth_tags(t, dmac, smac, et, 0, NULL);
}

/* Pad with zeros to at least n bytes (Ethernet minimum: 60) */
static inline void tf_pad(struct tf *t, uint32_t n)
{
	while (t->len < n)
		t->mem[t->off + t->len++] = 0;
}

/* ---- the oracle: are all checksums of a frame right? ---- */

/*
 * Walks Ethernet / up to 2 tags / IPv4 (any IHL) or IPv6 (no extension
 * headers) / TCP or UDP or ICMP or ICMPv6, and checks the IPv4 header
 * checksum and the L4 checksum by full recomputation (a zero UDP checksum
 * is accepted over IPv4).  Non-first fragments: IPv4 header only.
 */
static inline bool ref_csums_ok(const uint8_t *f, uint32_t len)
{
	uint32_t off = 12, l4off, l4len;
	uint16_t et = tf_get16(f + 12);
	const uint8_t *ip;
	uint8_t proto;
	bool v6;

	for (int i = 0; i < 2 && (et == 0x8100 || et == 0x88a8); i++) {
		off += 4;
		et = tf_get16(f + off);
	}
	off += 2;
	ip = f + off;
	if (et == 0x0800) {
		uint32_t hl = (ip[0] & 15u) * 4u;

		if (ref_fold(ref_sum(ip, hl, 0)) != 0xffff)
			return false;
		if (tf_get16(ip + 6) & 0x1fff)
			return true;
		v6 = false;
		proto = ip[9];
		l4off = off + hl;
		l4len = tf_get16(ip + 2) - hl;
	} else if (et == 0x86dd) {
		v6 = true;
		proto = ip[6];
		l4off = off + 40;
		l4len = tf_get16(ip + 4);
	} else {
		return true;
	}
	if (l4off + l4len > len)
		return false;
	if (proto == 1 || proto == 58) {
		uint32_t s = ref_sum(f + l4off, l4len, 0);

		if (proto == 58)
			s += ref_pseudo(ip + 8, ip + 24, true, 58, l4len);
		return ref_fold(s) == 0xffff;
	}
	if (proto != 6 && proto != 17)
		return true;
	if (proto == 17 && !v6 && tf_get16(f + l4off + 6) == 0)
		return true;
	return ref_fold(ref_sum(f + l4off, l4len,
				ref_pseudo(v6 ? ip + 8 : ip + 12,
					   v6 ? ip + 24 : ip + 16, v6, proto,
					   l4len))) == 0xffff;
}

#endif /* PKT_FRAMES_H */
