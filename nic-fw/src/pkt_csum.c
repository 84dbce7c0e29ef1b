/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pkt_csum.c - Internet checksum (RFC 1071, RFC 1624) and hashing.
 */
#include "pkt_internal.h"

/* Add with end-around carry: one's-complement addition on 64 bits. */
static inline uint64_t add_oc(uint64_t acc, uint64_t v)
{
	acc += v;
	return acc + (acc < v);
}

/*
 * The one's-complement sum does not depend on the word size nor on byte
 * order (RFC 1071 2.(B)): sum native 64-bit words with end-around carry,
 * fold, and swap to big-endian on a little-endian machine.
 */
uint32_t snic_fw_csum_partial(const void *data, uint32_t len, uint32_t sum)
{
	const uint8_t *p = data;
	uint64_t acc = 0, w;
	uint32_t w32;
	uint16_t w16;

	for (; len >= 16; p += 16, len -= 16) {
		pkt_memcpy(&w, p, 8);
		acc = add_oc(acc, w);
		pkt_memcpy(&w, p + 8, 8);
		acc = add_oc(acc, w);
	}
	if (len >= 8) {
		pkt_memcpy(&w, p, 8);
		acc = add_oc(acc, w);
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		pkt_memcpy(&w32, p, 4);
		acc = add_oc(acc, w32);
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		pkt_memcpy(&w16, p, 2);
		acc = add_oc(acc, w16);
		p += 2;
		len -= 2;
	}
	acc = snic_ifc_be16(pkt_fold64(acc));
	if (len)
		acc += (uint32_t)p[0] << 8;     /* odd byte: the high half */
	return pkt_fold64(acc + sum);
}

uint16_t snic_fw_csum_fold(uint32_t sum)
{
	return (uint16_t)~pkt_fold64(sum);
}

uint16_t snic_fw_csum_update16(uint16_t csum, uint16_t old, uint16_t new_)
{
	return pkt_csum_update16(csum, old, new_);
}

uint16_t snic_fw_csum_update32(uint16_t csum, uint32_t old, uint32_t new_)
{
	return pkt_csum_update32(csum, old, new_);
}

/* ---- hashing ----------------------------------------------------------- */

/*
 * XXH64 (Yann Collet's xxHash, 64-bit) over the words as 8-byte lanes: four
 * independent accumulators over 32-byte stripes (so the multiplies
 * pipeline), a per-word round for the tail, and its avalanche finalizer.
 * Equal to XXH64 of the words' bytes on a little-endian machine.
 */
#define HASH_P1 0x9e3779b185ebca87ull
#define HASH_P2 0xc2b2ae3d27d4eb4full
#define HASH_P3 0x165667b19e3779f9ull
#define HASH_P4 0x85ebca77c2b2ae63ull
#define HASH_P5 0x27d4eb2f165667c5ull

static inline uint64_t rotl64(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64u - r));
}

static inline uint64_t hash_round(uint64_t acc, uint64_t w)
{
	acc += w * HASH_P2;
	return rotl64(acc, 31) * HASH_P1;
}

static inline uint64_t hash_merge(uint64_t h, uint64_t v)
{
	h ^= hash_round(0, v);
	return h * HASH_P1 + HASH_P4;
}

uint64_t snic_fw_hash_words(const uint64_t *w, unsigned n, uint64_t seed)
{
	unsigned i = 0;
	uint64_t h;

	if (n >= 4) {
		uint64_t v1 = seed + HASH_P1 + HASH_P2, v2 = seed + HASH_P2;
		uint64_t v3 = seed, v4 = seed - HASH_P1;

		for (; i + 4 <= n; i += 4) {
			v1 = hash_round(v1, w[i]);
			v2 = hash_round(v2, w[i + 1]);
			v3 = hash_round(v3, w[i + 2]);
			v4 = hash_round(v4, w[i + 3]);
		}
		h = rotl64(v1, 1) + rotl64(v2, 7) + rotl64(v3, 12) +
		    rotl64(v4, 18);
		h = hash_merge(h, v1);
		h = hash_merge(h, v2);
		h = hash_merge(h, v3);
		h = hash_merge(h, v4);
	} else {
		h = seed + HASH_P5;
	}
	h += (uint64_t)n * 8u;
	for (; i < n; i++) {
		h ^= hash_round(0, w[i]);
		h = rotl64(h, 27) * HASH_P1 + HASH_P4;
	}
	h ^= h >> 33;
	h *= HASH_P2;
	h ^= h >> 29;
	h *= HASH_P3;
	h ^= h >> 32;
	return h;
}

uint32_t snic_fw_hash_flow(const struct snic_ifc_match *key)
{
	const struct snic_ifc_hdrs *o = &key->outer;
	uint64_t w[5];
	uint64_t h;

	/* ip_src[4] then ip_dst[4]: 32 adjacent bytes */
	pkt_memcpy(w, o->ip_src, 16);
	pkt_memcpy(w + 2, o->ip_dst, 16);
	w[4] = (uint64_t)o->ip_proto << 32 | (uint32_t)o->tp_src << 16 |
	       o->tp_dst;
	h = snic_fw_hash_words(w, 5, 0);
	return (uint32_t)(h ^ (h >> 32));
}
