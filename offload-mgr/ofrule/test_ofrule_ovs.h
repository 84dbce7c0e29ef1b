/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ofrule_ovs.h - what test_ofrule_ovs.c (the comparison with
 * ovs-ofctl) and test_ofrule_ovs_corpus.c (the rules it compares) share.
 */
#ifndef TEST_OFRULE_OVS_H
#define TEST_OFRULE_OVS_H

#include <stddef.h>
#include <stdint.h>

/* AUTO: snic and OVS must agree, up to the automatic exceptions
 * (unsupported, prerequisites, icmp); STRICT: OVS accepts by changing a
 * value silently, snic refuses with a message containing why. */
enum tag { AUTO, STRICT };

struct hand {
	const char *rule;
	enum tag tag;
	const char *why;
};

extern const struct hand ovs_hand[];
extern const size_t ovs_n_hand;

/* The generator: seeded xorshift; one rule text into buf. */
void ovs_gen_seed(uint64_t seed);
void ovs_gen_rule(char *buf, size_t len);

#endif /* TEST_OFRULE_OVS_H */
