/* SPDX-License-Identifier: BSD-3-Clause */
#include "snic_fw_memhal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define MH_MMAP_MIN (1u << 20)

struct snic_fw_memhal_snap {
	size_t n;
	struct { void *copy; size_t size; } r[64];
};

static void *mh_alloc(void *ctx, size_t size)
{
	struct snic_fw_memhal *m = ctx;
	void *p;

	m->alloc_calls++;
	if (m->n_regions == sizeof(m->regions) / sizeof(m->regions[0]))
		return NULL;
	if (m->mem_limit && m->bytes_allocated + size > m->mem_limit)
		return NULL;
	if (size >= MH_MMAP_MIN) {
		/* anonymous mmap: zeroed, page aligned, backed only when used */
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
	} else {
		if (posix_memalign(&p, 64, size ? size : 64))
			return NULL;
		memset(p, 0, size);
	}
	m->regions[m->n_regions].p = p;
	m->regions[m->n_regions].size = size;
	m->n_regions++;
	m->bytes_allocated += size;
	return p;
}

static void mh_free(void *ctx, void *p, size_t size)
{
	struct snic_fw_memhal *m = ctx;

	for (size_t i = 0; i < m->n_regions; i++) {
		if (m->regions[i].p == p) {
			m->regions[i] = m->regions[--m->n_regions];
			m->bytes_allocated -= size;
			break;
		}
	}
	if (size >= MH_MMAP_MIN)
		munmap(p, size);
	else
		free(p);
}

static void mh_tx(void *ctx, enum snic_fw_txq q, uint16_t vport,
		  const uint8_t *frame, uint32_t len)
{
	struct snic_fw_memhal *m = ctx;

	m->tx_count++;
	if (!m->keep_frames)
		return;
	if (m->n_frames == m->cap_frames) {
		size_t cap = m->cap_frames ? m->cap_frames * 2 : 16;
		void *n = realloc(m->frames, cap * sizeof(*m->frames));
		if (!n)
			abort();
		m->frames = n;
		m->cap_frames = cap;
	}
	struct snic_fw_memhal_frame *f = &m->frames[m->n_frames++];
	f->q = q;
	f->vport = vport;
	f->len = len;
	f->data = malloc(len ? len : 1);
	if (!f->data)
		abort();
	memcpy(f->data, frame, len);
}

static uint64_t mh_now(void *ctx)
{
	struct snic_fw_memhal *m = ctx;
	struct timespec ts;

	if (!m->real_clock)
		return m->now;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void mh_log(void *ctx, enum snic_fw_log_level level, const char *msg)
{
	struct snic_fw_memhal *m = ctx;

	if ((int)level <= m->log_level)
		fprintf(stderr, "snic-fw: %s\n", msg);
}

static void mh_event(void *ctx, const struct snic_ifc_event *ev)
{
	struct snic_fw_memhal *m = ctx;

	if (m->n_events == m->cap_events) {
		size_t cap = m->cap_events ? m->cap_events * 2 : 16;
		void *n = realloc(m->events, cap * sizeof(*m->events));
		if (!n)
			abort();
		m->events = n;
		m->cap_events = cap;
	}
	m->events[m->n_events++] = *ev;
}

void snic_fw_memhal_init(struct snic_fw_memhal *m)
{
	memset(m, 0, sizeof(*m));
	m->hal.ctx = m;
	m->hal.mem_alloc = mh_alloc;
	m->hal.mem_free = mh_free;
	m->hal.tx = mh_tx;
	m->hal.now_ns = mh_now;
	m->hal.log = mh_log;
	m->hal.event = mh_event;
	m->keep_frames = true;
	m->log_level = SNIC_FW_LOG_WARN;
	m->now = 1000000000ull;
}

void snic_fw_memhal_clear(struct snic_fw_memhal *m)
{
	for (size_t i = 0; i < m->n_frames; i++)
		free(m->frames[i].data);
	m->n_frames = 0;
	m->n_events = 0;
}

void snic_fw_memhal_fini(struct snic_fw_memhal *m)
{
	snic_fw_memhal_clear(m);
	free(m->frames);
	free(m->events);
	m->frames = NULL;
	m->events = NULL;
	m->cap_frames = m->cap_events = 0;
}

struct snic_fw_memhal_snap *snic_fw_memhal_snapshot(const struct snic_fw_memhal *m)
{
	struct snic_fw_memhal_snap *s = calloc(1, sizeof(*s));

	if (!s)
		abort();
	s->n = m->n_regions;
	for (size_t i = 0; i < m->n_regions; i++) {
		s->r[i].size = m->regions[i].size;
		s->r[i].copy = malloc(m->regions[i].size ? m->regions[i].size : 1);
		if (!s->r[i].copy)
			abort();
		memcpy(s->r[i].copy, m->regions[i].p, m->regions[i].size);
	}
	return s;
}

long long snic_fw_memhal_snap_diff(const struct snic_fw_memhal *m,
				   const struct snic_fw_memhal_snap *s)
{
	long long base = 0;

	if (s->n != m->n_regions)
		return 0;
	for (size_t i = 0; i < s->n; i++) {
		const uint8_t *a = m->regions[i].p, *b = s->r[i].copy;
		if (s->r[i].size != m->regions[i].size)
			return base;
		if (memcmp(a, b, s->r[i].size) != 0) {
			for (size_t j = 0; j < s->r[i].size; j++)
				if (a[j] != b[j])
					return base + (long long)j;
		}
		base += (long long)s->r[i].size;
	}
	return -1;
}

void snic_fw_memhal_snap_free(struct snic_fw_memhal_snap *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->r[i].copy);
	free(s);
}

void *snic_fw_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long sz;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		goto out;
	buf = malloc((size_t)sz + 1);
	if (!buf)
		goto out;
	if (fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		free(buf);
		buf = NULL;
		errno = EIO;
		goto out;
	}
	*len = (size_t)sz;
out:
	fclose(f);
	return buf;
}

uint32_t snic_fw_memhal_cmd(struct snic_fw *fw, uint16_t func, const void *in,
			    size_t in_len, void *out, size_t out_cap)
{
	static uint8_t scratch[SNIC_IFC_MAX_OUT];
	struct snic_ifc_out_hdr *oh;

	if (!out) {
		out = scratch;
		out_cap = sizeof(scratch);
	}
	if (snic_fw_cmd(fw, func, in, in_len, out, out_cap) == 0)
		return 0xffffffffu;
	oh = out;
	return snic_ifc_le32(oh->syndrome);
}
