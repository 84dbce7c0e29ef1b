/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_pcap.h - a small reader and writer of classic pcap files
 * (LINKTYPE_ETHERNET): snic-sim's port captures, and tests that read
 * captures back.  Hosted C, no libpcap.  Not thread-safe per file.
 *
 * Writing: open, write frames, close.  Reading: the whole file into memory
 * at once.  The reader takes both byte orders and both the microsecond and
 * the nanosecond variant; it refuses pcapng (use `tshark -F pcap` or
 * `editcap -F pcap`) with an error that says so.
 */
#ifndef SNIC_PCAP_H
#define SNIC_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SNIC_PCAP_LINKTYPE_ETHERNET 1u

struct snic_pcap_frame {
	uint64_t ts_ns;         /**< capture time, ns since the epoch */
	uint32_t len;           /**< bytes captured (in data) */
	uint32_t orig_len;      /**< bytes on the wire */
	uint8_t *data;
};

struct snic_pcap {
	uint32_t linktype;
	uint32_t snaplen;
	size_t   n;             /**< number of frames */
	struct snic_pcap_frame *frames;
};

/**
 * Read every frame of a pcap file.  Returns 0, or -1 with a sentence in
 * err (file, offset, what is wrong).  On success free with
 * snic_pcap_free().  A file cut in the middle of a record (a capture
 * still running) is an error.
 */
int snic_pcap_read(const char *path, struct snic_pcap *p,
			char *err, size_t errlen);
void snic_pcap_free(struct snic_pcap *p);

/** A pcap being written. */
struct snic_pcap_writer {
	FILE *f;
	uint32_t snaplen;
};

/** Create path (truncating it) with a microsecond pcap header.  0 or -1. */
int snic_pcap_create(struct snic_pcap_writer *w, const char *path,
			  uint32_t linktype);
/** Append a frame captured at ts_ns.  0 or -1. */
int snic_pcap_write(struct snic_pcap_writer *w, const void *frame,
			 uint32_t len, uint64_t ts_ns);
/** Push what was written to the file (a capture others read while it runs).
 *  0 or -1. */
int snic_pcap_flush(struct snic_pcap_writer *w);
/** Flush and close.  0 or -1 (a write error anywhere). */
int snic_pcap_close(struct snic_pcap_writer *w);

#endif /* SNIC_PCAP_H */
