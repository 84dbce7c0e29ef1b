/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_pcap.c - classic pcap reader and writer.  See snic_pcap.h.
 *
 * Format: a 24-byte global header (magic, version 2.4, thiszone, sigfigs,
 * snaplen, linktype), then records of a 16-byte header (seconds,
 * sub-seconds, captured length, original length) and the captured bytes,
 * all in the writer's byte order, which the magic reveals.
 */
#include "snic_pcap.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC_US     0xa1b2c3d4u
#define MAGIC_NS     0xa1b23c4du
#define MAGIC_PCAPNG 0x0a0d0d0au
#define SNAPLEN_MAX  262144u

static uint32_t get32(const uint8_t *p, int swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static int fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;

	if (err && n) {
		va_start(ap, fmt);
		vsnprintf(err, n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* the global header: byte order, time unit, snaplen, linktype */
static int read_header(FILE *f, const char *path, struct snic_pcap *p,
		       int *swap, int *nsec, char *err, size_t errlen)
{
	uint8_t h[24];
	uint32_t magic;

	if (fread(h, 1, 24, f) != 24)
		return fail(err, errlen, "%s: shorter than a pcap header", path);
	memcpy(&magic, h, 4);
	*swap = magic == __builtin_bswap32(MAGIC_US) ||
		magic == __builtin_bswap32(MAGIC_NS);
	magic = get32(h, *swap);
	if (magic == MAGIC_PCAPNG)
		return fail(err, errlen, "%s: pcapng, not pcap (capture with "
			    "tshark -F pcap)", path);
	if (magic != MAGIC_US && magic != MAGIC_NS)
		return fail(err, errlen, "%s: not a pcap file (magic 0x%08x)",
			    path, magic);
	*nsec = magic == MAGIC_NS;
	p->snaplen = get32(h + 16, *swap);
	p->linktype = get32(h + 20, *swap) & 0x0fffffffu;
	return 0;
}

static int add_frame(struct snic_pcap *p, size_t *cap,
		     const struct snic_pcap_frame *fr)
{
	if (p->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		void *nf = realloc(p->frames, nc * sizeof(*p->frames));

		if (!nf)
			return -1;
		p->frames = nf;
		*cap = nc;
	}
	p->frames[p->n++] = *fr;
	return 0;
}

int snic_pcap_read(const char *path, struct snic_pcap *p,
			char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0;
	long off = 24;
	int swap = 0, nsec = 0, rc = -1;

	memset(p, 0, sizeof(*p));
	if (!f)
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	if (read_header(f, path, p, &swap, &nsec, err, errlen))
		goto out;
	for (;;) {
		struct snic_pcap_frame fr;
		uint8_t rh[16];
		size_t got = fread(rh, 1, 16, f);

		if (got == 0) {
			rc = 0;
			break;
		}
		if (got != 16) {
			fail(err, errlen, "%s: record header cut at offset %ld",
			     path, off);
			break;
		}
		fr.ts_ns = (uint64_t)get32(rh, swap) * 1000000000u +
			   (uint64_t)get32(rh + 4, swap) * (nsec ? 1u : 1000u);
		fr.len = get32(rh + 8, swap);
		fr.orig_len = get32(rh + 12, swap);
		if (fr.len > SNAPLEN_MAX) {
			fail(err, errlen, "%s: record at offset %ld claims %u "
			     "bytes", path, off, fr.len);
			break;
		}
		fr.data = malloc(fr.len ? fr.len : 1);
		if (!fr.data || fread(fr.data, 1, fr.len, f) != fr.len ||
		    add_frame(p, &cap, &fr)) {
			free(fr.data);
			fail(err, errlen, "%s: record at offset %ld cut short "
			     "(or out of memory)", path, off);
			break;
		}
		off += 16 + (long)fr.len;
	}
out:
	fclose(f);
	if (rc)
		snic_pcap_free(p);
	return rc;
}

void snic_pcap_free(struct snic_pcap *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->frames[i].data);
	free(p->frames);
	memset(p, 0, sizeof(*p));
}

/* host byte order throughout: the magic tells readers which it is */
int snic_pcap_create(struct snic_pcap_writer *w, const char *path,
			  uint32_t linktype)
{
	uint32_t h[6] = { MAGIC_US, 0, 0, 0, SNAPLEN_MAX, linktype };
	uint16_t ver[2] = { 2, 4 };     /* major, minor */

	w->snaplen = SNAPLEN_MAX;
	memcpy(&h[1], ver, 4);
	w->f = fopen(path, "wb");
	if (!w->f)
		return -1;
	if (fwrite(h, 1, sizeof(h), w->f) != sizeof(h)) {
		fclose(w->f);
		w->f = NULL;
		return -1;
	}
	return 0;
}

int snic_pcap_write(struct snic_pcap_writer *w, const void *frame,
			 uint32_t len, uint64_t ts_ns)
{
	uint32_t cap = len < w->snaplen ? len : w->snaplen;
	uint32_t rh[4] = { (uint32_t)(ts_ns / 1000000000u),
			   (uint32_t)(ts_ns % 1000000000u / 1000u), cap, len };

	if (!w->f || fwrite(rh, 1, sizeof(rh), w->f) != sizeof(rh) ||
	    fwrite(frame, 1, cap, w->f) != cap)
		return -1;
	return 0;
}

int snic_pcap_close(struct snic_pcap_writer *w)
{
	int rc;

	if (!w->f)
		return -1;
	rc = ferror(w->f) ? -1 : 0;
	if (fclose(w->f))
		rc = -1;
	w->f = NULL;
	return rc;
}

int snic_pcap_flush(struct snic_pcap_writer *w)
{
	return w->f && fflush(w->f) == 0 ? 0 : -1;
}
