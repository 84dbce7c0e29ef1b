/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ofrule_ports.h - the port table test_ofrule_api and fuzz_ofrule give
 * the parser and formatter: plain names, names that need quotes ("1x",
 * "local", a"b\c), names that cannot be written back (myaction, a#b), and
 * one the table maps to an invalid number (evil).
 */
#ifndef TEST_OFRULE_PORTS_H
#define TEST_OFRULE_PORTS_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "snic_ofrule.h"

static const struct {
	const char *name;
	uint32_t port;
} test_port_names[] = {
	{ "uplink", 1 }, { "vf0", 10 }, { "vf1", 11 }, { "vf2", 12 },
	{ "vxlan0", 100 }, { "1x", 7 }, { "local", 9 }, { "a\"b\\c", 20 },
	{ "myaction", 30 }, { "a#b", 31 }, { "evil", 0xff00 },
};

static inline int test_port_lookup(void *arg, const char *name,
				   uint32_t *ofport)
{
	(void)arg;
	for (size_t i = 0; i < sizeof(test_port_names) /
			       sizeof(test_port_names[0]); i++)
		if (!strcmp(test_port_names[i].name, name)) {
			*ofport = test_port_names[i].port;
			return 0;
		}
	return -ENOENT;
}

static inline int test_port_name(void *arg, uint32_t ofport, char *buf,
				 size_t len)
{
	(void)arg;
	for (size_t i = 0; i < sizeof(test_port_names) /
			       sizeof(test_port_names[0]); i++)
		if (test_port_names[i].port == ofport) {
			snprintf(buf, len, "%s", test_port_names[i].name);
			return 0;
		}
	return -ENOENT;
}

static const struct snic_of_port_ops test_port_ops = {
	test_port_lookup, test_port_name,
};
static const struct snic_of_ports test_ports = { &test_port_ops, NULL };

#endif /* TEST_OFRULE_PORTS_H */
