/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fmt.c - a bounded printf subset for a firmware without libc.
 * Supports %s %c %% and d/u/x with optional zero-padding width and l/ll.
 */
#include <stdarg.h>

#include "fw_internal.h"

struct fmt_out {
	char *buf;
	size_t cap;
	size_t n;
};

static void put(struct fmt_out *o, char ch)
{
	if (o->n + 1 < o->cap)
		o->buf[o->n] = ch;
	o->n++;
}

static void put_num(struct fmt_out *o, unsigned long long v, unsigned base,
		    bool neg, unsigned width, char pad)
{
	char tmp[24];
	unsigned n = 0;

	do {
		unsigned d = (unsigned)(v % base);
		tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v && n < sizeof(tmp));
	if (neg)
		tmp[n++] = '-';
	while (width > n) {
		put(o, pad);
		width--;
	}
	while (n)
		put(o, tmp[--n]);
}

static int fmt_v(char *buf, size_t cap, const char *f, va_list ap)
{
	struct fmt_out o = { buf, cap, 0 };

	for (; *f; f++) {
		unsigned width = 0, lng = 0;
		char pad = ' ';

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f++;
		if (*f == '0')
			pad = '0';
		while (*f >= '0' && *f <= '9')
			width = width * 10 + (unsigned)(*f++ - '0');
		while (*f == 'l') {
			lng++;
			f++;
		}
		switch (*f) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			while (*s)
				put(&o, *s++);
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 'd': {
			long long v = lng > 1 ? va_arg(ap, long long) :
				      lng ? va_arg(ap, long) : va_arg(ap, int);
			unsigned long long u = v < 0 ? 0ull - (unsigned long long)v :
						       (unsigned long long)v;
			put_num(&o, u, 10, v < 0, width, pad);
			break;
		}
		case 'u':
		case 'x': {
			unsigned long long v = lng > 1 ? va_arg(ap, unsigned long long) :
					       lng ? va_arg(ap, unsigned long) :
						     va_arg(ap, unsigned);
			put_num(&o, v, *f == 'u' ? 10 : 16, false, width, pad);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			f--;
			break;
		default:
			put(&o, '%');
			put(&o, *f);
			break;
		}
	}
	if (cap)
		buf[o.n < cap ? o.n : cap - 1] = '\0';
	return (int)o.n;
}

int snic_fw_fmt(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_v(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}

void fw_log(struct snic_fw *fw, enum snic_fw_log_level lvl, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (!fw->hal->log)
		return;
	va_start(ap, fmt);
	fmt_v(line, sizeof(line), fmt, ap);
	va_end(ap);
	fw->hal->log(fw->hal->ctx, lvl, line);
}
