/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ofrule_lex.c - the lowest layer of the rule parser: splitting the text
 * into key=value tokens exactly as OVS's ofputil_parse_key_value() does,
 * error messages, and the scanners for numbers, addresses and ports, each
 * reading what the OVS function named in its comment reads (stricter where
 * OVS silently wraps a value: snic refuses it).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ofrule_internal.h"

/* ---- tokens ---- */

static bool in_set(char ch, const char *set)
{
	return ch != '\0' && strchr(set, ch) != NULL;
}

/* OVS parse_value(): up to a delimiter, skipping over (nested) parens. */
static size_t parse_value(const char *s, size_t n, const char *delims)
{
	size_t i = 0;

	while (i < n && !in_set(s[i], delims)) {
		if (s[i] == '(') {
			int level = 0;
			do {
				if (i >= n)
					return i;
				if (s[i] == '(')
					level++;
				else if (s[i] == ')')
					level--;
				i++;
			} while (level > 0);
		} else {
			i++;
		}
	}
	return i;
}

bool of_next_kv(const char *base, size_t *pos, size_t end, struct of_kv *kv)
{
	size_t p = *pos;

	while (p < end && in_set(base[p], ", \t\r\n"))
		p++;
	if (p >= end) {
		*pos = end;
		return false;
	}
	kv->start = p;
	kv->key = base + p;
	while (p < end && !in_set(base[p], ":=(, \t\r\n"))
		p++;
	kv->key_len = (size_t)(base + p - kv->key);
	kv->delim = p < end ? base[p] : '\0';
	kv->val = base + p;
	kv->val_len = 0;
	kv->end = p;
	if (p < end)
		p++;

	const char *vdelims;
	if (kv->delim == ':' || kv->delim == '=') {
		vdelims = ", \t\r\n";
	} else if (kv->delim == '(') {
		vdelims = ")";
	} else {
		kv->delim = '\0';
		*pos = p;
		return true;
	}
	size_t vn = parse_value(base + p, end - p, vdelims);
	/* "(x)->y": the value runs on to the next delimiter. */
	if (kv->delim == '(' && p + vn + 2 < end && base[p + vn] == ')' &&
	    base[p + vn + 1] == '-' && base[p + vn + 2] == '>')
		vn += parse_value(base + p + vn, end - p - vn, ", \t\r\n");
	kv->val = base + p;
	kv->val_len = vn;
	kv->end = p + vn;
	*pos = p + vn < end ? p + vn + 1 : end;
	return true;
}

bool of_span_eq(const char *s, size_t n, const char *lit)
{
	/* stops at the first difference: the keyword tables are scanned
	 * linearly, most literals differ at their first byte */
	for (size_t i = 0; i < n; i++)
		if (!lit[i] || lit[i] != s[i])
			return false;
	return lit[n] == '\0';
}

bool of_span_caseeq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

/* ---- errors ---- */

/* Copy s[0, n) printable, other bytes as \xNN; "..." when cut. */
static void esc_copy(char *dst, size_t dlen, const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		size_t need = (ch >= 0x20 && ch < 0x7f) ? 1 : 4;
		if (o + need + 4 > dlen) {
			memcpy(dst + o, "...", 3);
			o += 3;
			break;
		}
		if (need == 1)
			dst[o++] = (char)ch;
		else
			o += (size_t)snprintf(dst + o, dlen - o, "\\x%02x", ch);
	}
	dst[o] = '\0';
}

static int fail_v(const struct of_ctx *c, int code, size_t start,
		  size_t tok_len, const char *fmt, va_list ap)
{
	struct snic_of_error *e = c->err;
	char reason[SNIC_OF_ERR_MSG_MAX];
	char raw[2 * SNIC_OF_ERR_MSG_MAX];
	size_t o = 0;

	if (!e)
		return code;
	memset(e, 0, sizeof(*e));
	e->code = code;
	e->line = c->line;
	vsnprintf(reason, sizeof(reason), fmt, ap);
	if (c->line)
		o += (size_t)snprintf(raw + o, sizeof(raw) - o, "line %u, ",
				      c->line);
	if (start != SIZE_MAX) {
		e->column = (unsigned)start + 1;
		o += (size_t)snprintf(raw + o, sizeof(raw) - o, "column %u: ",
				      e->column);
		if (tok_len) {
			esc_copy(e->token, sizeof(e->token), c->base + start,
				 tok_len);
			o += (size_t)snprintf(raw + o, sizeof(raw) - o, "%s: ",
					      e->token);
		}
	}
	if (o >= sizeof(raw))
		o = sizeof(raw) - 1;
	snprintf(raw + o, sizeof(raw) - o, "%s", reason);
	esc_copy(e->msg, sizeof(e->msg), raw, strlen(raw));
	return code;
}

int of_fail(const struct of_ctx *c, int code, size_t start, size_t tok_len,
	    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = fail_v(c, code, start, tok_len, fmt, ap);
	va_end(ap);
	return r;
}

int of_fail_kv(const struct of_ctx *c, int code, const struct of_kv *kv,
	       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t len = kv->end - kv->start;
	/* A "(...)" value's closing paren belongs to the token as written. */
	if (kv->delim == '(' && c->base[kv->end] == ')')
		len++;
	int r = fail_v(c, code, kv->start, len, fmt, ap);
	va_end(ap);
	return r;
}

/* ---- numbers ---- */

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* strtoull()/strtoll() on a span: sign, base prefix (base 0) and digits.
 * 0 with *v and *used, EINVAL (no digits) or ERANGE (over 64 bits). */
static int scan_c(const char *s, size_t n, int base, bool *neg, uint64_t *v,
		  size_t *used)
{
	size_t i = 0;
	uint64_t x = 0;
	bool over = false;
	size_t digits = 0;

	*neg = false;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		*neg = s[i++] == '-';
	if (base == 0) {
		if (i + 2 < n && s[i] == '0' &&
		    (s[i + 1] == 'x' || s[i + 1] == 'X') &&
		    hexval(s[i + 2]) >= 0) {
			base = 16;
			i += 2;
		} else if (i < n && s[i] == '0') {
			base = 8;
		} else {
			base = 10;
		}
	}
	for (; i < n; i++, digits++) {
		int d = hexval(s[i]);
		if (d < 0 || d >= base)
			break;
		if (x > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			over = true;
		x = x * (uint64_t)base + (uint64_t)d;
	}
	if (!digits)
		return EINVAL;
	*v = x;
	*used = i;
	return over ? ERANGE : 0;
}

int of_scan_int(const char *s, size_t n, unsigned width, uint8_t *out,
		size_t *used)
{
	memset(out, 0, width);
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		size_t len = 0;
		while (2 + len < n && hexval(s[2 + len]) >= 0)
			len++;
		for (size_t k = 0; k < len; k++) {
			int d = hexval(s[2 + len - 1 - k]);
			size_t byte = k / 2;
			if (byte >= width) {
				if (d)
					return ERANGE;
				continue;
			}
			out[width - 1 - byte] |= (uint8_t)(d << (4 * (k % 2)));
		}
		*used = 2 + len;
		return 0;
	}

	bool neg;
	uint64_t v;
	int r = scan_c(s, n, 0, &neg, &v, used);
	if (r)
		return r;
	if (neg)
		return EDOM;
	if (width < 8 && (v >> (8 * width)))
		return ERANGE;
	of_be_put(out, width, v);
	return 0;
}

bool of_scan_ll(const char *s, size_t n, long long min, long long max,
		long long *out)
{
	bool neg;
	uint64_t v;
	size_t used;

	if (scan_c(s, n, 0, &neg, &v, &used) || used != n)
		return false;
	if (v > (uint64_t)INT64_MAX)
		return false;
	long long x = neg ? -(long long)v : (long long)v;
	if (x < min || x > max)
		return false;
	*out = x;
	return true;
}

bool of_scan_uint10(const char *s, size_t n, unsigned long long max,
		    unsigned long long *out)
{
	bool neg;
	uint64_t v;
	size_t used;

	if (n && s[0] == '-')
		return false;
	if (scan_c(s, n, 10, &neg, &v, &used) || used != n || v > max)
		return false;
	*out = v;
	return true;
}

int of_scan_u64(const char *s, size_t n, uint64_t *out)
{
	bool neg;
	uint64_t v;
	size_t used;
	int r = scan_c(s, n, 0, &neg, &v, &used);

	if (r == ERANGE)
		return ERANGE;
	if (r || used != n)
		return EINVAL;
	if (neg)
		return EDOM;
	*out = v;
	return 0;
}

uint64_t of_be_get(const uint8_t *b, unsigned width)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < width; i++)
		v = v << 8 | b[i];
	return v;
}

void of_be_put(uint8_t *b, unsigned width, uint64_t v)
{
	for (unsigned i = width; i-- > 0; v >>= 8)
		b[i] = (uint8_t)v;
}

/* ---- addresses ---- */

/* Decimal digits (any number, value capped) into *v; digits used. */
static size_t scan_dec(const char *s, size_t n, unsigned *v)
{
	size_t i = 0;
	unsigned x = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9') {
		if (x < 100000)
			x = x * 10 + (unsigned)(s[i] - '0');
		i++;
	}
	*v = x;
	return i;
}

bool of_scan_ipv4(const char *s, size_t n, uint32_t *ip, size_t *used)
{
	size_t i = 0;
	uint32_t v = 0;

	for (int oct = 0; oct < 4; oct++) {
		unsigned x;
		if (oct) {
			if (i >= n || s[i] != '.')
				return false;
			i++;
		}
		size_t d = scan_dec(s + i, n - i, &x);
		if (!d || x > 255)
			return false;
		i += d;
		v = v << 8 | x;
	}
	*ip = v;
	*used = i;
	return true;
}

static uint32_t prefix_mask32(unsigned bits)
{
	return bits ? UINT32_MAX << (32 - bits) : 0;
}

/* OVS's "%d" after a '/': optional sign, decimal digits. */
static size_t scan_prefix(const char *s, size_t n, long *v)
{
	size_t i = 0;
	bool neg = false;
	unsigned x;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	size_t d = scan_dec(s + i, n - i, &x);
	if (!d)
		return 0;
	*v = neg ? -(long)x : (long)x;
	return i + d;
}

int of_parse_ipv4_masked(const char *s, size_t n, uint32_t *ip, uint32_t *mask,
			 const char **why)
{
	size_t u, u2;
	long prefix;

	*why = "invalid IP address";
	if (!of_scan_ipv4(s, n, ip, &u))
		return EINVAL;
	if (u == n) {
		*mask = UINT32_MAX;
		return 0;
	}
	if (s[u] != '/')
		return EINVAL;
	u++;
	if (of_scan_ipv4(s + u, n - u, mask, &u2) && u + u2 == n)
		return 0;
	u2 = scan_prefix(s + u, n - u, &prefix);
	if (!u2)
		return EINVAL;
	if (prefix < 0 || prefix > 32) {
		*why = "IPv4 network prefix bits not between 0 and 32, inclusive";
		return EINVAL;
	}
	if (u + u2 != n)
		return EINVAL;
	*mask = prefix_mask32((unsigned)prefix);
	return 0;
}

/* "%46[0123456789abcdefABCDEF:.]" then inet_pton(): bytes used, 0 if none. */
static size_t scan_ipv6(const char *s, size_t n, uint8_t out[16], bool *ok)
{
	char buf[47];
	size_t i = 0;

	while (i < n && i < 46 && (hexval(s[i]) >= 0 || s[i] == ':' ||
				   s[i] == '.'))
		i++;
	memcpy(buf, s, i);
	buf[i] = '\0';
	*ok = i && inet_pton(AF_INET6, buf, out) == 1;
	return i;
}

int of_parse_ipv6_masked(const char *s, size_t n, uint8_t ip[16],
			 uint8_t mask[16], const char **why)
{
	size_t i = 0, u;
	bool ok;
	long prefix;

	*why = "invalid IPv6 address";
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	u = scan_ipv6(s + i, n - i, ip, &ok);
	if (!ok)
		return EINVAL;
	i += u;
	memset(mask, 0xff, 16);
	if (i < n && s[i] == '/') {
		size_t p = scan_prefix(s + i + 1, n - i - 1, &prefix);
		if (p) {
			if (prefix < 0 || prefix > 128) {
				*why = "IPv6 network prefix bits not between 0 "
				       "and 128, inclusive";
				return EINVAL;
			}
			memset(mask, 0, 16);
			for (long b = 0; b < prefix; b++)
				mask[b / 8] |= (uint8_t)(0x80 >> (b % 8));
			i += 1 + p;
		} else {
			u = scan_ipv6(s + i + 1, n - i - 1, mask, &ok);
			if (u) {
				if (!ok) {
					*why = "Invalid IPv6 mask";
					return EINVAL;
				}
				i += 1 + u;
			}
		}
	}
	return i == n ? 0 : EINVAL;
}

bool of_scan_mac(const char *s, size_t n, uint8_t mac[6], size_t *used)
{
	size_t i = 0;

	for (int k = 0; k < 6; k++) {
		unsigned x = 0;
		size_t d = 0;
		if (k) {
			if (i >= n || s[i] != ':')
				return false;
			i++;
		}
		while (i < n && hexval(s[i]) >= 0) {
			if (x < 0x1000)
				x = x * 16 + (unsigned)hexval(s[i]);
			i++;
			d++;
		}
		if (!d || x > 0xff)
			return false;
		mac[k] = (uint8_t)x;
	}
	*used = i;
	return true;
}

bool of_inet_pton4(const char *s, size_t n, uint32_t *ip)
{
	char buf[32];
	struct in_addr a;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return false;
	*ip = ntohl(a.s_addr);
	return true;
}

/* ---- ports ---- */

static const struct {
	const char *name;
	uint32_t port;
} reserved_ports[] = {
	{ "IN_PORT", SNIC_OF_PORT_IN_PORT },
	{ "TABLE", SNIC_OF_PORT_TABLE },
	{ "NORMAL", SNIC_OF_PORT_NORMAL },
	{ "FLOOD", SNIC_OF_PORT_FLOOD },
	{ "ALL", SNIC_OF_PORT_ALL },
	{ "CONTROLLER", SNIC_OF_PORT_CONTROLLER },
	{ "LOCAL", SNIC_OF_PORT_LOCAL },
	{ "ANY", SNIC_OF_PORT_ANY },
	{ "UNSET", SNIC_OF_PORT_UNSET },
	{ "NONE", SNIC_OF_PORT_ANY },   /* parsed only */
};

const char *of_reserved_port_name(uint32_t port)
{
	for (size_t i = 0; i + 1 < OF_ARRAY_SIZE(reserved_ports); i++)
		if (reserved_ports[i].port == port)
			return reserved_ports[i].name;
	return NULL;
}

static bool name_chars(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_-.", s[i]))
			return false;
	return true;
}

enum of_port_res of_parse_port(const struct of_ctx *c, const char *s, size_t n,
			       uint32_t *port)
{
	unsigned long long v;
	char name[SNIC_OF_PORT_NAME_MAX + 1];
	size_t len = 0;

	if (n && (s[0] == '-' || s[0] == '+' || isdigit((unsigned char)s[0])) &&
	    !of_scan_uint10(s, n, UINT32_MAX, &v))
		return OF_PORT_BAD;     /* a number, but not a valid one */
	if (of_scan_uint10(s, n, UINT32_MAX, &v)) {
		if (v <= 0xffff) {
			*port = (uint32_t)v;
		} else if (v >= 0xffffff00ull) {
			*port = (uint32_t)(v - 0xffff0000ull);  /* OF1.1 */
		} else {
			return OF_PORT_BAD;
		}
		return OF_PORT_OK;
	}
	for (size_t i = 0; i < OF_ARRAY_SIZE(reserved_ports); i++) {
		if (of_span_caseeq(s, n, reserved_ports[i].name)) {
			*port = reserved_ports[i].port;
			return OF_PORT_OK;
		}
	}
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		for (size_t i = 1; i + 1 < n; i++) {
			char ch = s[i];
			if (ch == '\\') {
				if (i + 2 >= n || (s[i + 1] != '"' &&
						   s[i + 1] != '\\'))
					return OF_PORT_BAD;
				ch = s[++i];
			} else if (ch == '"') {
				return OF_PORT_BAD;
			}
			if (len >= SNIC_OF_PORT_NAME_MAX)
				return OF_PORT_BAD;
			name[len++] = ch;
		}
		if (!len)
			return OF_PORT_BAD;
	} else {
		if (!name_chars(s, n) || n > SNIC_OF_PORT_NAME_MAX)
			return OF_PORT_BAD;
		memcpy(name, s, n);
		len = n;
	}
	name[len] = '\0';
	if (memchr(name, '\0', len))
		return OF_PORT_BAD;
	if (!c->ports || !c->ports->ops || !c->ports->ops->lookup)
		return OF_PORT_NO_TABLE;
	uint32_t p;
	if (c->ports->ops->lookup(c->ports->arg, name, &p) != 0)
		return OF_PORT_UNKNOWN;
	if (p >= SNIC_OF_PORT_MAX)
		return OF_PORT_BAD_TABLE;
	*port = p;
	return OF_PORT_OK;
}

int of_fail_port(const struct of_ctx *c, const struct of_kv *kv,
		 enum of_port_res res, const char *s, size_t n,
		 const char *what)
{
	int ns = (int)n;

	switch (res) {
	case OF_PORT_NO_TABLE:
		return of_fail_kv(c, -ENOENT, kv, "%.*s: %s (a port name, but "
				  "no port table is available: use a port "
				  "number)", ns, s, what);
	case OF_PORT_UNKNOWN:
		return of_fail_kv(c, -ENOENT, kv, "%.*s: %s (the port table has "
				  "no port of that name)", ns, s, what);
	case OF_PORT_BAD_TABLE:
		return of_fail_kv(c, -EINVAL, kv, "%.*s: the port table gave a "
				  "port number that is not below 0xff00", ns,
				  s);
	default:
		return of_fail_kv(c, -EINVAL, kv, "%.*s: %s (a port is a "
				  "number 0-65279, a reserved port such as "
				  "LOCAL or IN_PORT, or a port name)", ns, s,
				  what);
	}
}
