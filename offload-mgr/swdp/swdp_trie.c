/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * swdp_trie.c - prefix tries of IPv4 addresses (as Open vSwitch's
 * lib/classifier.c keeps for nw_src and nw_dst): which prefix lengths some
 * rule of a table has on a given address's path, so that the classifier
 * can skip the subtables whose prefix length cannot match.
 *
 * A trie is path-compressed (a node per branching point or per prefix some
 * rule has): a node holds an absolute prefix (its top plen bits, the rest
 * 0) and the number of rules whose field is exactly that prefix; its
 * children extend it by at least one bit, child[b] with bit plen == b.
 * Invariants, kept by insert and remove:
 *   - every node with n_rules == 0 has two children (a branching point),
 *     so a trie of n distinct prefixes has fewer than 2n nodes;
 *   - a child's prefix extends its parent's (same top plen bits).
 *
 * Lookup walks one path from the root, comparing whole prefixes (one XOR
 * and mask per node) and never allocates: O(depth) <= 33 nodes, in practice
 * a handful.  It also reports how many of the address's top bits it looked
 * at (up to and including the first bit where the address left the trie),
 * which is what the classifier un-wildcards when it skips on the answer:
 * every address that agrees on those bits takes the same path.
 */
#include <errno.h>
#include <stdlib.h>

#include "swdp_internal.h"

static uint32_t pmask(unsigned plen)
{
	return plen ? ~0u << (32 - plen) : 0;
}

static unsigned bit_at(uint32_t v, unsigned pos)
{
	return (v >> (31 - pos)) & 1u;
}

/* Leading bits a and b share, at most max. */
static unsigned common_len(uint32_t a, uint32_t b, unsigned max)
{
	uint32_t d = a ^ b;
	unsigned n = d ? (unsigned)__builtin_clz(d) : 32;

	return n < max ? n : max;
}

unsigned swdp_mask_plen(uint32_t m)
{
	uint32_t inv = ~m;

	/* CIDR: the complement is 2^k - 1 */
	if (inv & (inv + 1))
		return SWDP_PLEN_NONE;
	return (unsigned)__builtin_popcount(m);
}

static struct swdp_trie_node *node_new(uint32_t prefix, unsigned plen)
{
	struct swdp_trie_node *n = calloc(1, sizeof(*n));

	if (n) {
		n->prefix = prefix & pmask(plen);
		n->plen = (uint8_t)plen;
	}
	return n;
}

int swdp_trie_insert(struct swdp_trie *t, uint32_t prefix, unsigned plen)
{
	struct swdp_trie_node **pp = &t->root, *n, *leaf, *fork;
	unsigned c;

	prefix &= pmask(plen);
	for (;;) {
		n = *pp;
		if (!n)
			break;
		c = common_len(n->prefix, prefix, n->plen < plen ? n->plen : plen);
		if (c < n->plen)
			break;                  /* the new prefix leaves n's */
		if (n->plen == plen) {
			n->n_rules++;
			return 0;
		}
		pp = &n->child[bit_at(prefix, n->plen)];
	}
	leaf = node_new(prefix, plen);
	if (!leaf)
		return -ENOMEM;
	leaf->n_rules = 1;
	if (!n) {
		*pp = leaf;
		return 0;
	}
	/* n's prefix and the new one part at bit c (or the new one ends there) */
	if (c == plen) {
		leaf->child[bit_at(n->prefix, plen)] = n;
		*pp = leaf;
		return 0;
	}
	fork = node_new(prefix, c);
	if (!fork) {
		free(leaf);
		return -ENOMEM;
	}
	fork->child[bit_at(n->prefix, c)] = n;
	fork->child[bit_at(prefix, c)] = leaf;
	*pp = fork;
	return 0;
}

/* Remove one rule of (prefix, plen) below *pp; true when found. */
static bool remove_at(struct swdp_trie_node **pp, uint32_t prefix, unsigned plen)
{
	struct swdp_trie_node *n = *pp;

	if (!n || n->plen > plen || ((n->prefix ^ prefix) & pmask(n->plen)))
		return false;
	if (n->plen < plen) {
		if (!remove_at(&n->child[bit_at(prefix, n->plen)], prefix, plen))
			return false;
	} else if (n->n_rules) {
		n->n_rules--;
	} else {
		return false;
	}
	/* restore the invariant: no rules -> two children */
	if (!n->n_rules && !(n->child[0] && n->child[1])) {
		*pp = n->child[0] ? n->child[0] : n->child[1];
		free(n);
	}
	return true;
}

void swdp_trie_remove(struct swdp_trie *t, uint32_t prefix, unsigned plen)
{
	remove_at(&t->root, prefix & pmask(plen), plen);
}

static void free_nodes(struct swdp_trie_node *n)
{
	if (n) {
		free_nodes(n->child[0]);
		free_nodes(n->child[1]);
		free(n);
	}
}

void swdp_trie_destroy(struct swdp_trie *t)
{
	free_nodes(t->root);
	t->root = NULL;
}

uint64_t swdp_trie_lookup(const struct swdp_trie *t, uint32_t addr, unsigned *end)
{
	const struct swdp_trie_node *n = t->root;
	uint64_t lens = 0;

	*end = 0;
	while (n) {
		uint32_t diff = (addr ^ n->prefix) & pmask(n->plen);

		if (diff) {
			/* left the trie at the first differing bit */
			*end = (unsigned)__builtin_clz(diff) + 1;
			break;
		}
		if (n->n_rules)
			lens |= 1ull << n->plen;
		if (n->plen == 32) {
			*end = 32;
			break;
		}
		/* looks at bit plen: no child there ends the walk */
		*end = n->plen + 1u;
		n = n->child[bit_at(addr, n->plen)];
	}
	return lens;
}
