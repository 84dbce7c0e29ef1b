/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ofrule_internal.h - what the files of offload-mgr/ofrule/ share: the
 * tokenizer, error reporting, number/address/port scanners (ofrule_lex.c),
 * the field table and match setters (ofrule_match.c), the string builder and
 * value formatters (ofrule_format.c) and the action parser
 * (ofrule_actions.c).  Not a public interface.
 */
#ifndef SNIC_OFRULE_INTERNAL_H
#define SNIC_OFRULE_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snic_ofrule.h"

#define OF_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- parse context and errors (ofrule_lex.c) ---- */

struct of_ctx {
	const char *base;                  /* the rule (line) being parsed */
	unsigned line;                     /* rules files: 1-based; else 0 */
	const struct snic_of_ports *ports; /* may be NULL */
	struct snic_of_error *err;         /* may be NULL */
};

/* A key[=:(]value token of the input (ofputil_parse_key_value()'s view). */
struct of_kv {
	const char *key, *val;
	size_t key_len, val_len;
	char delim;          /* ':', '=', '(' or 0 when no value followed */
	size_t start, end;   /* the whole token: base[start, end) */
};

/* Next token of base[*pos, end); false at the end. */
bool of_next_kv(const char *base, size_t *pos, size_t end, struct of_kv *kv);

/* Fill c->err: "[line L, ]column start+1: TOKEN: reason" where TOKEN is
 * base[start, start + tok_len) (no column and token when tok_len is 0 and
 * start is SIZE_MAX).  Returns code (a negative errno). */
int of_fail(const struct of_ctx *c, int code, size_t start, size_t tok_len,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The same, for a whole token. */
int of_fail_kv(const struct of_ctx *c, int code, const struct of_kv *kv,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

bool of_span_eq(const char *s, size_t n, const char *lit);
bool of_span_caseeq(const char *s, size_t n, const char *lit);

/* ---- numbers, as OVS reads them ---- */

/* parse_int_string(): "0x" + any number of hex digits (none: 0, as OVS
 * 3.1 reads it), else strtoull()
 * base 0 (decimal, 0-octal, a '+' sign; snic refuses '-').  Fills width
 * big-endian bytes.  *used = bytes consumed.  0, EINVAL or ERANGE. */
int of_scan_int(const char *s, size_t n, unsigned width, uint8_t *out,
		size_t *used);
/* strtoll(base 0) of the whole span within [min, max] (str_to_u16/u8). */
bool of_scan_ll(const char *s, size_t n, long long min, long long max,
		long long *out);
/* str_to_uint(s, 10): decimal with an optional '+', whole span. */
bool of_scan_uint10(const char *s, size_t n, unsigned long long max,
		    unsigned long long *out);
/* str_to_u64(): strtoull(base 0) of the whole span; 0, EINVAL, ERANGE, or
 * EDOM for a '-' sign (OVS wraps it; snic refuses). */
int of_scan_u64(const char *s, size_t n, uint64_t *out);

/* ---- addresses ---- */

/* IPv4 "a.b.c.d" (each octet 0-255, 1-3 digits); *used bytes; false if none. */
bool of_scan_ipv4(const char *s, size_t n, uint32_t *ip, size_t *used);
/* ip_parse_masked(): IP, IP/N or IP/MASK, the whole span.  0, or EINVAL
 * with *why a static reason ("invalid IP address", ...). */
int of_parse_ipv4_masked(const char *s, size_t n, uint32_t *ip, uint32_t *mask,
			 const char **why);
/* ipv6_parse_masked(): the whole span.  0 or EINVAL with *why. */
int of_parse_ipv6_masked(const char *s, size_t n, uint8_t ip[16],
			 uint8_t mask[16], const char **why);
/* xx:xx:xx:xx:xx:xx (1-2 hex digits each); *used bytes. */
bool of_scan_mac(const char *s, size_t n, uint8_t mac[6], size_t *used);
/* inet_pton(AF_INET) of the whole span (str_to_ip()). */
bool of_inet_pton4(const char *s, size_t n, uint32_t *ip);

/* ---- ports ---- */

enum of_port_res {
	OF_PORT_OK,
	OF_PORT_BAD,      /* not a number in range, a reserved name or a name */
	OF_PORT_NO_TABLE, /* looks like a name but there is no port table */
	OF_PORT_UNKNOWN,  /* the port table does not know the name */
	OF_PORT_BAD_TABLE,/* the port table gave an invalid number */
};

/* ofputil_port_from_string(): a number, a reserved name (any case) or a
 * port name, possibly "quoted". */
enum of_port_res of_parse_port(const struct of_ctx *c, const char *s, size_t n,
			       uint32_t *port);
/* The reserved name of port (>= SNIC_OF_PORT_UNSET), or NULL. */
const char *of_reserved_port_name(uint32_t port);
/* of_fail() for a port that did not parse: the reason by res, after what. */
int of_fail_port(const struct of_ctx *c, const struct of_kv *kv,
		 enum of_port_res res, const char *s, size_t n,
		 const char *what);

/* ---- fields (ofrule_match.c) ---- */

enum of_slot {
	OF_SL_TUN_ID, OF_SL_TUN_SRC, OF_SL_TUN_DST, OF_SL_METADATA,
	OF_SL_IN_PORT, OF_SL_VLAN, OF_SL_DL_SRC, OF_SL_DL_DST, OF_SL_DL_TYPE,
	OF_SL_NW_SRC, OF_SL_NW_DST, OF_SL_IPV6_SRC, OF_SL_IPV6_DST,
	OF_SL_NW_PROTO, OF_SL_NW_TOS, OF_SL_NW_TTL, OF_SL_TP_SRC, OF_SL_TP_DST,
	OF_SL_N
};

enum of_fkind { OF_FK_INT, OF_FK_MAC, OF_FK_IPV4, OF_FK_IPV6, OF_FK_PORT };

/* How a field is written into the match (mf_set()'s special cases). */
enum of_fset {
	OF_FS_PLAIN,    /* value & mask, mask */
	OF_FS_DL_VLAN, OF_FS_VLAN_VID, OF_FS_PCP, OF_FS_NW_TOS, OF_FS_IP_DSCP,
	OF_FS_ARP_OP,
};

struct of_field {
	const char *name;   /* OVS's canonical name (messages) */
	const char *alias;  /* the other name, or NULL */
	enum of_fkind kind;
	uint8_t width;      /* bytes */
	bool maskable;      /* OVS: arbitrary masks (else 0 or all-ones) */
	bool hex;           /* formatted in hex (MFS_HEXADECIMAL) */
	enum of_slot slot;
	enum of_fset set;
	int sf;             /* enum snic_of_field for set_field, or -1 */
	bool read_only;     /* OVS refuses set_field to it */
};

/* The field named s[0, n) (name or alias), or NULL. */
const struct of_field *of_field_find(const char *s, size_t n);
/* An OVS field or keyword snic does not support (for ENOTSUP messages). */
bool of_ovs_field_known(const char *s, size_t n);

/* mf_parse(): a field's value[/mask] from s[0, n) into width big-endian
 * bytes; "*" and "" are wildcards.  Errors are reported against kv. */
int of_field_parse(const struct of_ctx *c, const struct of_kv *kv,
		   const struct of_field *f, const char *s, size_t n,
		   uint8_t v[16], uint8_t m[16]);

/* Big-endian bytes <-> integer. */
uint64_t of_be_get(const uint8_t *b, unsigned width);
void of_be_put(uint8_t *b, unsigned width, uint64_t v);

/* The match while it is parsed: which token last set each slot. */
struct of_match_build {
	struct snic_of_match m;
	struct of_kv who[OF_SL_N];
	bool set[OF_SL_N];
};

void of_match_build_init(struct of_match_build *b);
/* Parse and apply one field token. */
int of_match_field(const struct of_ctx *c, struct of_match_build *b,
		   const struct of_kv *kv, const struct of_field *f);
/* A shorthand (ip, tcp6, arp, ...): true and applied if kv is one. */
bool of_match_shorthand(struct of_match_build *b, const struct of_kv *kv);
/* Every matched field's prerequisites (the first offender is reported). */
int of_match_check_prereqs(const struct of_ctx *c,
			   const struct of_match_build *b);

/* ---- actions (ofrule_actions.c) ---- */

/* Parse base[start, end) as the actions of rule r (whose table and match
 * are final) into r->actions / r->n_actions. */
int of_parse_actions(const struct of_ctx *c, size_t start, size_t end,
		     struct snic_of_rule *r);

/* ---- output (ofrule_format.c) ---- */

struct of_sb {
	char *buf;
	size_t len, pos;   /* pos may pass len: then the text is truncated */
};

void of_sb_init(struct of_sb *sb, char *buf, size_t len);
void of_sb_printf(struct of_sb *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void of_sb_chomp(struct of_sb *sb, char c);
char of_sb_last(const struct of_sb *sb);
int of_sb_done(const struct of_sb *sb);   /* 0 or -ENOSPC */

void of_fmt_ipv4_masked(struct of_sb *sb, uint32_t ip, uint32_t mask);
void of_fmt_mac_masked(struct of_sb *sb, const uint8_t *mac,
		       const uint8_t *mask);
void of_fmt_port(struct of_sb *sb, const struct snic_of_ports *ports,
		 uint32_t port);
void of_fmt_match(struct of_sb *sb, const struct snic_of_match *m,
		  unsigned priority, const struct snic_of_ports *ports);
void of_fmt_actions(struct of_sb *sb, const struct snic_of_action *a,
		    unsigned n, const struct snic_of_ports *ports);

#endif /* SNIC_OFRULE_INTERNAL_H */
