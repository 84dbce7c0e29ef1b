/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_cmd.c - the firmware's command decoder, driven by sequences of
 * commands and frames, with the ABI's invariants checked after each one.
 *
 * One firmware instance on the small test board (SNIC_FUZZ_BOARD, else the
 * dtb the build made), rebooted for every input so inputs are independent.
 *
 * Input: a sequence of records, each
 *
 *	[u8 ctl][u8 sel][u16 len, little-endian][len bytes of body]
 *
 * ctl bits 0-1, the record's kind:
 *	0  typed command: sel bits 0-4 pick the opcode from ops[] below; the
 *	   header is filled in (opcode, rsvd 0, a token) and the body is the
 *	   rest of the input layout, zero-padded or cut to its exact size, so
 *	   the fuzzer's effort goes into the fields;
 *	1  typed command, loose length: as 0 but the mailbox is header + body
 *	   as given (length errors);
 *	2  raw mailbox: the body is the whole input mailbox, header included;
 *	   with ctl bit 7 it is passed 4 bytes off 8-byte alignment;
 *	3  a frame: the body (or, when empty, the fixed frame (sel >> 4) & 7)
 *	   enters the NIC from vports[sel & 7] -- through snic_fw_rep_tx() when
 *	   sel bit 3 is set; an empty body with sel bit 7 set is instead a
 *	   carrier change of uplink (sel & 3), up when sel bit 3 is set, and
 *	   (sel >> 4 & 7) x 100 ms passing.
 * ctl bits 2-4, the issuing function: 0-3 the PF, 4-6 VF 0-2, 7 a function
 * the board lacks.  ctl bits 5-6, the output mailbox: 0-1 full size, 2 a
 * small size from sel, 3 1 KiB.
 *
 * After every command: the reply is at least the header and at most the
 * output capacity; its status is the syndrome's class (SNIC_IFC_SYNDROMES);
 * an error reply is only the header; a successful reply has its opcode's
 * layout; the token is echoed; and a command that fails changes no byte of
 * the firmware's memory (snapshots; every command of short inputs, a sample
 * of long ones).  Every frame the firmware transmits goes to a vport that
 * exists and fits the frame buffer.  After the records, a fixed set of frames
 * runs through the tables the input built.
 *
 * SNIC_FUZZ_VERBOSE=1 prints each command, its syndrome and the frames (to
 * check seeds); SNIC_FUZZ_MEMCHECK=all checks memory after every command,
 * =off never (about 5x the executions per second).
 *
 * The seed corpus (corpus/fuzz_cmd/) builds switchdev pipelines in this
 * format: encap to the uplink, decap from it, goto chains, modify header,
 * VLAN push/pop, flooding, vport policy, teardown, refusals, SR-IOV
 * (disable, frames from and to disabled VFs, enable, refusals).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "pkt_frames.h"
#include "snic_fw.h"
#include "snic_fw_memhal.h"

#ifndef SNIC_FUZZ_SMALL_BOARD
#define SNIC_FUZZ_SMALL_BOARD "tests/fixtures/small.dtb"
#endif

#define MAX_RECORDS   64     /* records run per input */
#define SNAP_ALL      16     /* inputs up to this many records: check every command */
#define SNAP_EVERY    4      /* longer inputs: every 4th command (and the first SNAP_ALL) */
#define FW_NO_LIMIT   0xffffffffu
#define MAX_REGIONS (sizeof(hal.regions) / sizeof(hal.regions[0]))

struct op {
	uint16_t opcode;
	uint16_t in_size;
	uint32_t out_size;   /* fixed reply size on success, 0: computed */
	const char *name;
};

#define OBJ_IN  sizeof(struct snic_ifc_obj_in)
#define OBJ_OUT sizeof(struct snic_ifc_obj_out)
#define HDR_IN  sizeof(struct snic_ifc_in_hdr)
#define HDR_OUT sizeof(struct snic_ifc_out_hdr)

/* The order is part of the corpus format: append only. */
static const struct op ops[] = {
	{ SNIC_CMD_QUERY_CAPS, HDR_IN, 0, "QUERY_CAPS" },
	{ SNIC_CMD_QUERY_ESW_MODE, HDR_IN, sizeof(struct snic_ifc_query_esw_mode_out), "QUERY_ESW_MODE" },
	{ SNIC_CMD_SET_ESW_MODE, sizeof(struct snic_ifc_set_esw_mode_in), HDR_OUT, "SET_ESW_MODE" },
	{ SNIC_CMD_CREATE_FLOW_TABLE, sizeof(struct snic_ifc_create_table_in), OBJ_OUT, "CREATE_FLOW_TABLE" },
	{ SNIC_CMD_DESTROY_FLOW_TABLE, OBJ_IN, HDR_OUT, "DESTROY_FLOW_TABLE" },
	{ SNIC_CMD_QUERY_FLOW_TABLE, OBJ_IN, sizeof(struct snic_ifc_query_table_out), "QUERY_FLOW_TABLE" },
	{ SNIC_CMD_CREATE_FLOW_GROUP, sizeof(struct snic_ifc_create_group_in), OBJ_OUT, "CREATE_FLOW_GROUP" },
	{ SNIC_CMD_DESTROY_FLOW_GROUP, OBJ_IN, HDR_OUT, "DESTROY_FLOW_GROUP" },
	{ SNIC_CMD_QUERY_FLOW_GROUP, OBJ_IN, sizeof(struct snic_ifc_query_group_out), "QUERY_FLOW_GROUP" },
	{ SNIC_CMD_CREATE_FLOW_ENTRY, sizeof(struct snic_ifc_create_entry_in), OBJ_OUT, "CREATE_FLOW_ENTRY" },
	{ SNIC_CMD_DESTROY_FLOW_ENTRY, OBJ_IN, HDR_OUT, "DESTROY_FLOW_ENTRY" },
	{ SNIC_CMD_QUERY_FLOW_ENTRY, OBJ_IN, sizeof(struct snic_ifc_query_entry_out), "QUERY_FLOW_ENTRY" },
	{ SNIC_CMD_ALLOC_REFORMAT, sizeof(struct snic_ifc_alloc_reformat_in), OBJ_OUT, "ALLOC_REFORMAT" },
	{ SNIC_CMD_DEALLOC_REFORMAT, OBJ_IN, HDR_OUT, "DEALLOC_REFORMAT" },
	{ SNIC_CMD_ALLOC_MODIFY_HDR, sizeof(struct snic_ifc_alloc_modify_in), OBJ_OUT, "ALLOC_MODIFY_HDR" },
	{ SNIC_CMD_DEALLOC_MODIFY_HDR, OBJ_IN, HDR_OUT, "DEALLOC_MODIFY_HDR" },
	{ SNIC_CMD_ALLOC_COUNTERS, sizeof(struct snic_ifc_alloc_counters_in), OBJ_OUT, "ALLOC_COUNTERS" },
	{ SNIC_CMD_DEALLOC_COUNTERS, OBJ_IN, HDR_OUT, "DEALLOC_COUNTERS" },
	{ SNIC_CMD_QUERY_COUNTERS, sizeof(struct snic_ifc_query_counters_in), 0, "QUERY_COUNTERS" },
	{ SNIC_CMD_QUERY_VPORT, sizeof(struct snic_ifc_query_vport_in), sizeof(struct snic_ifc_query_vport_out), "QUERY_VPORT" },
	{ SNIC_CMD_MODIFY_VPORT, sizeof(struct snic_ifc_modify_vport_in), HDR_OUT, "MODIFY_VPORT" },
	{ SNIC_CMD_QUERY_STATS, HDR_IN, sizeof(struct snic_ifc_query_stats_out), "QUERY_STATS" },
	{ SNIC_CMD_QUERY_SRIOV, HDR_IN, sizeof(struct snic_ifc_query_sriov_out), "QUERY_SRIOV" },
	{ SNIC_CMD_SET_NUM_VFS, sizeof(struct snic_ifc_set_num_vfs_in), HDR_OUT, "SET_NUM_VFS" },
	{ SNIC_CMD_LIST_OBJECTS, sizeof(struct snic_ifc_list_objects_in), 0, "LIST_OBJECTS" },
	{ SNIC_CMD_QUERY_REFORMAT, OBJ_IN, sizeof(struct snic_ifc_query_reformat_out), "QUERY_REFORMAT" },
	{ SNIC_CMD_QUERY_MODIFY_HDR, OBJ_IN, sizeof(struct snic_ifc_query_modify_out), "QUERY_MODIFY_HDR" },
	{ SNIC_CMD_RESET_STEERING, sizeof(struct snic_ifc_reset_steering_in),
	  sizeof(struct snic_ifc_reset_steering_out), "RESET_STEERING" },
};
#define N_OPS (sizeof(ops) / sizeof(ops[0]))

static const uint16_t vports[8] = {
	SNIC_IFC_VPORT_PF, SNIC_IFC_VPORT_VF(0), SNIC_IFC_VPORT_VF(1),
	SNIC_IFC_VPORT_VF(2), SNIC_IFC_VPORT_VF(3), SNIC_IFC_VPORT_UPLINK(0),
	SNIC_IFC_VPORT_VF(8) /* not on the board */, SNIC_IFC_VPORT_UPLINK(1) /* idem */,
};
static const uint32_t small_caps[8] = { 0, 8, 16, 24, 40, 56, 200, 600 };

static struct snic_fw_memhal hal;
static struct snic_fw *fw;
static void *dtb;
static size_t dtb_len;
static bool verbose;
static int memcheck = 1;   /* 0 off, 1 sampled, 2 every command */

/* ---- fixed frames, built once ---- */

#define N_FIXED 8
static struct tf fixed[N_FIXED];
static const uint8_t vf0_mac[6] = { 0x02, 0xaa, 0x00, 0x00, 0x10, 0x00 };
static const uint8_t vm_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t up_mac[6] = { 0x02, 0xaa, 0x00, 0x00, 0x01, 0x00 };
static const uint8_t peer_mac[6] = { 0x02, 0xbb, 0x00, 0x00, 0x01, 0x00 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void build_frames(void)
{
	struct tf *t = fixed;
	struct tf_ip4 ip = { .ttl = 64, .proto = 17, .src = 0x0a000001, .dst = 0x0a000002 };
	uint16_t tag[1][2] = { { 0x8100, 10 } };

	/* 0: VM -> VM, UDP 1000 -> 2000 (what the seeds' entries match) */
	tf_init(t);
	tf_payload(t, 32, 1);
	tf_udp(t, 1000, 2000);
	tf_ipv4(t, &ip);
	tf_eth(t, vm_mac, vf0_mac, 0x0800);
	/* 1: TCP 1000 -> 80 */
	tf_init(++t);
	tf_payload(t, 20, 2);
	tf_tcp(t, 1000, 80, 0x02, 0);
	ip.proto = 6;
	tf_ipv4(t, &ip);
	tf_eth(t, vm_mac, vf0_mac, 0x0800);
	/* 2: VXLAN from the wire: 192.168.0.2 -> 192.168.0.1, VNI 100, inner frame 0 */
	tf_init(++t);
	tf_payload(t, 32, 3);
	tf_udp(t, 1000, 2000);
	ip.proto = 17;
	tf_ipv4(t, &ip);
	tf_eth(t, vf0_mac, vm_mac, 0x0800);
	tf_vxlan(t, 100);
	tf_udp(t, 50000, 4789);
	tf_ipv4(t, &(struct tf_ip4){ .ttl = 64, .proto = 17, .src = 0xc0a80002,
				     .dst = 0xc0a80001 });
	tf_eth(t, up_mac, peer_mac, 0x0800);
	/* 3: IPv6 UDP */
	tf_init(++t);
	tf_payload(t, 16, 4);
	tf_udp(t, 1000, 2000);
	{
		struct tf_ip6 ip6 = { .hlim = 64, .nh = 17 };
		ip6.src[0] = 0x20; ip6.src[1] = 0x01; ip6.src[15] = 1;
		ip6.dst[0] = 0x20; ip6.dst[1] = 0x01; ip6.dst[15] = 2;
		tf_ipv6(t, &ip6);
	}
	tf_eth(t, vm_mac, vf0_mac, 0x86dd);
	/* 4: ARP request, broadcast */
	tf_init(++t);
	tf_arp(t, 1, vf0_mac, 0x0a000001, bcast, 0x0a000002);
	tf_eth(t, bcast, vf0_mac, 0x0806);
	tf_pad(t, 60);
	/* 5: VLAN 10, UDP */
	tf_init(++t);
	tf_payload(t, 32, 5);
	tf_udp(t, 1000, 2000);
	tf_ipv4(t, &ip);
	tf_eth_tags(t, vm_mac, vf0_mac, 0x0800, 1, tag);
	/* 6: ICMP echo, TTL 1 */
	tf_init(++t);
	tf_icmp(t, 8, 0);
	ip.proto = 1;
	ip.ttl = 1;
	tf_ipv4(t, &ip);
	tf_eth(t, vm_mac, vf0_mac, 0x0800);
	/* 7: a runt */
	tf_init(++t);
	tf_payload(t, 10, 6);
}

/* ---- invariants ---- */

#define FAIL(...)                                                              \
	do {                                                                   \
		fprintf(stderr, "fuzz_cmd: invariant violated: " __VA_ARGS__); \
		fputc('\n', stderr);                                           \
		abort();                                                       \
	} while (0)

static int syn_status(uint32_t syn)
{
#define ST(name, val, st, text) if (syn == (val)) return SNIC_STATUS_##st;
	SNIC_IFC_SYNDROMES(ST)
#undef ST
	return -1;
}

static void check_frames(void)
{
	for (size_t i = 0; i < hal.n_frames; i++) {
		const struct snic_fw_memhal_frame *f = &hal.frames[i];

		if (verbose)
			fprintf(stderr, "  -> %s 0x%x, %u bytes\n",
				f->q == SNIC_FW_TX_REP ? "rep" : "vport", f->vport, f->len);

		if (f->q != SNIC_FW_TX_VPORT && f->q != SNIC_FW_TX_REP)
			FAIL("frame %zu sent to queue %d", i, (int)f->q);
		if (!snic_fw_vport_valid(fw, f->vport))
			FAIL("frame %zu sent to vport 0x%x, not on the board", i, f->vport);
		if (f->len > SNIC_FW_MAX_FRAME + SNIC_FW_HEADROOM)
			FAIL("frame %zu of %u bytes exceeds the frame buffer", i, f->len);
	}
	snic_fw_memhal_clear(&hal);
}

/* The reply to a command that succeeded has its opcode's layout. */
static void check_ok_reply(const struct op *op, const void *in, const uint8_t *out,
			   uint32_t out_len)
{
	if (op->out_size) {
		if (out_len != op->out_size)
			FAIL("%s: reply of %u bytes, layout is %u", op->name, out_len,
			     op->out_size);
	} else if (op->opcode == SNIC_CMD_QUERY_CAPS) {
		const struct snic_ifc_query_caps_out *o = (const void *)out;
		uint32_t fl = snic_ifc_le32(o->fdt_len);

		if (out_len != sizeof(*o) + fl)
			FAIL("QUERY_CAPS: reply %u bytes for an fdt of %u", out_len, fl);
		if (fdt_check_full(o->fdt, fl) != 0)
			FAIL("QUERY_CAPS: capabilities are not a valid FDT");
	} else if (op->opcode == SNIC_CMD_QUERY_COUNTERS) {
		const struct snic_ifc_query_counters_in *qi = in;
		uint32_t n = snic_ifc_le32(qi->count);

		if (out_len != sizeof(struct snic_ifc_query_counters_out) +
				       (size_t)n * sizeof(struct snic_ifc_counter))
			FAIL("QUERY_COUNTERS: reply %u bytes for %u counters", out_len, n);
	} else if (op->opcode == SNIC_CMD_LIST_OBJECTS) {
		const struct snic_ifc_list_objects_in *li = in;
		const struct snic_ifc_list_objects_out *o = (const void *)out;
		uint32_t n, next, start = snic_ifc_le32(li->start), prev = 0;

		if (out_len < sizeof(*o))
			FAIL("LIST_OBJECTS: reply of %u bytes", out_len);
		n = snic_ifc_le32(o->n);
		next = snic_ifc_le32(o->next);
		if (out_len != sizeof(*o) + (size_t)n * sizeof(o->items[0]))
			FAIL("LIST_OBJECTS: reply %u bytes for %u items", out_len, n);
		if (n > snic_ifc_le32(li->max))
			FAIL("LIST_OBJECTS: %u items, %u asked for", n, snic_ifc_le32(li->max));
		/* ascending ids from start on, all before next */
		for (uint32_t i = 0; i < n; i++) {
			uint32_t id = snic_ifc_le32(o->items[i].id);

			if (id < start || (i && id <= prev) ||
			    (next != SNIC_LIST_END && id >= next))
				FAIL("LIST_OBJECTS: item %u id %u out of order (start %u next %u)",
				     i, id, start, next);
			prev = id;
		}
		if (next != SNIC_LIST_END && next <= start)
			FAIL("LIST_OBJECTS: next %u does not advance from %u", next, start);
	}
	{
		/* a new object's id is within the board's pool */
		const struct snic_fw_board *b = snic_fw_get_board(fw);
		uint32_t lim = FW_NO_LIMIT, id;

		switch (op->opcode) {
		case SNIC_CMD_CREATE_FLOW_TABLE: lim = b->max_tables; break;
		case SNIC_CMD_CREATE_FLOW_GROUP: lim = b->max_groups; break;
		case SNIC_CMD_CREATE_FLOW_ENTRY: lim = b->max_entries; break;
		case SNIC_CMD_ALLOC_REFORMAT: lim = b->max_encap; break;
		case SNIC_CMD_ALLOC_MODIFY_HDR: lim = b->max_modify; break;
		case SNIC_CMD_ALLOC_COUNTERS:
			lim = b->max_counters + 1 -
			      snic_ifc_le32(((const struct snic_ifc_alloc_counters_in *)in)->count);
			break;
		}
		if (lim == FW_NO_LIMIT)
			return;
		id = snic_ifc_le32(((const struct snic_ifc_obj_out *)out)->id);
		if (id >= lim)
			FAIL("%s: new id %u beyond the board's limit %u", op->name, id, lim);
	}
}

/*
 * "A failed command changes nothing": the check of
 * snic_fw_memhal_snapshot()/snap_diff(), over the regions the memhal handed
 * out, made cheap enough to run after every command.  The memhal's snapshot
 * allocates and fills a fresh 2.3 MB copy each time (under ASan: mmap and
 * page faults; 85% of the run time).  Here one shadow buffer is kept across
 * commands and inputs, and a 4 KiB chunk that is all zero (most of the
 * entry and modify-header pools: lazily backed, never touched) is only
 * recorded as such, not copied -- comparing it again reads the shared zero
 * page, which stays in cache.
 */
#define CHUNK 4096u
static const uint8_t zero_chunk[CHUNK];

/* Under ASan: a plain word loop, so comparing megabytes per command does not
 * go through the memcmp interceptor's range checks and comparison tracing
 * (the firmware's own accesses stay checked).  Otherwise libc's memcmp. */
#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#ifdef __clang__
#define NO_INSTRUMENT __attribute__((no_sanitize("address", "undefined", "coverage")))
#else
#define NO_INSTRUMENT __attribute__((no_sanitize_address, no_sanitize_undefined))
#endif
NO_INSTRUMENT static bool chunk_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint64_t x = 0, wa, wb;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&wa, a + i, 8);
		memcpy(&wb, b + i, 8);
		x |= wa ^ wb;
	}
	for (; i < n; i++)
		x |= (uint64_t)(a[i] ^ b[i]);
	return x == 0;
}
#else
static bool chunk_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	return memcmp(a, b, n) == 0;
}
#endif
static uint8_t *shadow;          /* copies of the non-zero chunks */
static uint8_t *shadow_zero;     /* per chunk: 1 = was all zero */
static size_t shadow_cap;
static bool shadow_valid;

static void shadow_take(void)
{
	size_t total = 0, off = 0, ci = 0;

	for (size_t i = 0; i < hal.n_regions; i++)
		total += hal.regions[i].size;
	if (total > shadow_cap) {
		free(shadow);
		free(shadow_zero);
		shadow = malloc(total);
		shadow_zero = malloc(total / CHUNK + MAX_REGIONS);
		if (!shadow || !shadow_zero)
			abort();
		shadow_cap = total;
	}
	for (size_t i = 0; i < hal.n_regions; i++) {
		const uint8_t *p = hal.regions[i].p;
		size_t size = hal.regions[i].size;

		for (size_t c = 0; c < size; c += CHUNK, ci++) {
			size_t n = size - c < CHUNK ? size - c : CHUNK;

			shadow_zero[ci] = chunk_equal(p + c, zero_chunk, n);
			if (!shadow_zero[ci])
				memcpy(shadow + off + c, p + c, n);
		}
		off += size;
	}
	shadow_valid = true;
}

/* Offset of the first byte that differs from the shadow, or -1. */
static long long shadow_diff(void)
{
	size_t off = 0, ci = 0;

	for (size_t i = 0; i < hal.n_regions; i++) {
		const uint8_t *p = hal.regions[i].p;
		size_t size = hal.regions[i].size;

		for (size_t c = 0; c < size; c += CHUNK, ci++) {
			size_t n = size - c < CHUNK ? size - c : CHUNK;
			const uint8_t *was = shadow_zero[ci] ? zero_chunk : shadow + off + c;

			if (!chunk_equal(p + c, was, n))
				for (size_t j = 0; j < n; j++)
					if (p[c + j] != was[j])
						return (long long)(off + c + j);
		}
		off += size;
	}
	return -1;
}

/* ---- one input ---- */

static void reboot(void)
{
	char err[256];

	shadow_valid = false;
	if (fw) {
		snic_fw_shutdown(fw);
		fw = NULL;
		if (hal.n_regions || hal.bytes_allocated)
			FAIL("shutdown left %zu regions, %llu bytes", hal.n_regions,
			     (unsigned long long)hal.bytes_allocated);
	}
	snic_fw_memhal_clear(&hal);
	hal.now = 1000000000ull;
	if (snic_fw_boot(dtb, dtb_len, &hal.hal, &fw, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_cmd: boot: %s\n", err);
		abort();
	}
}

static void init(void)
{
	const char *path = getenv("SNIC_FUZZ_BOARD");

	const char *mc = getenv("SNIC_FUZZ_MEMCHECK");

	verbose = getenv("SNIC_FUZZ_VERBOSE") != NULL;
	if (mc)
		memcheck = !strcmp(mc, "off") ? 0 : !strcmp(mc, "all") ? 2 : 1;
	if (!path)
		path = SNIC_FUZZ_SMALL_BOARD;
	dtb = snic_fw_read_file(path, &dtb_len);
	if (!dtb) {
		fprintf(stderr, "fuzz_cmd: cannot read board %s (set SNIC_FUZZ_BOARD)\n", path);
		abort();
	}
	snic_fw_memhal_init(&hal);
	hal.log_level = verbose ? SNIC_FW_LOG_DBG : 0;
	build_frames();
}

static void frame_in(uint8_t sel, const uint8_t *body, uint32_t len)
{
	uint16_t vport = vports[sel & 7];
	const uint8_t *f;
	uint8_t *copy = NULL;

	if (len == 0 && (sel & 0x80)) {
		hal.now += (uint64_t)(sel >> 4 & 7) * 100000000ull;
		if (verbose)
			fprintf(stderr, "uplink %u carrier %s\n", sel & 3, sel & 8 ? "up" : "down");
		snic_fw_set_uplink_link(fw, sel & 3, sel & 8);
		return;
	}
	if (len == 0) {
		const struct tf *t = &fixed[(sel >> 4) & 7];
		len = t->len;
		f = t->mem + t->off;
	} else {
		f = body;
	}
	/* an exact-size copy, so a read past the frame is an ASan report */
	copy = malloc(len);
	if (!copy)
		abort();
	memcpy(copy, f, len);
	hal.now += 1000 + (uint64_t)len * 8;
	if (verbose)
		fprintf(stderr, "frame: %u bytes %s vport 0x%x\n", len,
			sel & 8 ? "to the representor of" : "from", vport);
	if (sel & 8)
		snic_fw_rep_tx(fw, vport, copy, len);
	else
		snic_fw_rx(fw, vport, copy, len);
	free(copy);
	check_frames();
}

static void command(unsigned idx, uint8_t ctl, uint8_t sel, const uint8_t *body,
		    uint32_t len, bool check_mem)
{
	unsigned kind = ctl & 3, f = (ctl >> 2) & 7, oc = (ctl >> 5) & 3;
	uint16_t func = f < 4 ? SNIC_IFC_FUNC_PF :
			f == 7 ? SNIC_IFC_FUNC_VF(snic_fw_get_board(fw)->n_vfs) :
				 SNIC_IFC_FUNC_VF(f - 4);
	uint32_t out_cap = oc < 2 ? SNIC_IFC_MAX_OUT : oc == 2 ? small_caps[sel >> 5] : 1024;
	const struct op *op = kind < 2 ? &ops[(sel & 31) % N_OPS] : NULL;
	uint32_t in_len, token = 0x7000 + idx;
	size_t shift = kind == 2 && (ctl & 0x80) ? 4 : 0;
	uint8_t *inb, *in, *out;
	bool ok = false;
	size_t n;

	if (kind == 0)
		in_len = op->in_size;
	else if (kind == 1)
		in_len = (uint32_t)HDR_IN + len;
	else
		in_len = len;
	inb = malloc(in_len + shift ? in_len + shift : 1);
	out = malloc(out_cap ? out_cap : 1);
	if (!inb || !out)
		abort();
	in = inb + shift;
	if (kind < 2) {
		struct snic_ifc_in_hdr *h = (void *)in;
		uint32_t body_cap = in_len - (uint32_t)HDR_IN;

		memset(in, 0, in_len);
		memcpy(in + HDR_IN, body, len < body_cap ? len : body_cap);
		h->opcode = snic_ifc_le16(op->opcode);
		h->rsvd = 0;
		h->token = snic_ifc_le32(token);
	} else {
		memcpy(in, body, len);
		if (len >= HDR_IN) {
			const struct snic_ifc_in_hdr *h = (const void *)in;
			token = snic_ifc_le32(h->token);
			for (size_t i = 0; i < N_OPS; i++)
				if (snic_ifc_le16(h->opcode) == ops[i].opcode)
					op = &ops[i];
		}
	}
	memset(out, 0xa5, out_cap);

	if (check_mem && !shadow_valid)
		shadow_take();
	n = snic_fw_cmd(fw, func, in_len ? in : NULL, in_len, out, out_cap);

	if (out_cap < HDR_OUT) {
		if (n != 0)
			FAIL("output capacity %u: returned %zu, not 0", out_cap, n);
	} else {
		const struct snic_ifc_out_hdr *oh = (const void *)out;
		uint32_t syn = snic_ifc_le32(oh->syndrome);
		uint32_t out_len = snic_ifc_le32(oh->out_len);
		int st = syn_status(syn);

		if (verbose)
			fprintf(stderr, "cmd %u: func %u %s in_len %u out_cap %u -> %s (0x%x)\n",
				idx, func, op ? op->name : "?", in_len, out_cap,
				snic_fw_syndrome_name(syn), syn);
		if (n != out_len)
			FAIL("returned %zu, reply says out_len %u", n, out_len);
		if (out_len < HDR_OUT || out_len > out_cap)
			FAIL("out_len %u outside [16, out_cap %u]", out_len, out_cap);
		if (st < 0)
			FAIL("syndrome 0x%x is not in SNIC_IFC_SYNDROMES", syn);
		if (oh->status != st)
			FAIL("syndrome %s (0x%x) with status %u, its class is %d",
			     snic_fw_syndrome_name(syn), syn, oh->status, st);
		if (oh->rsvd[0] || oh->rsvd[1] || oh->rsvd[2])
			FAIL("reply header reserved bytes not zero");
		if (snic_ifc_le32(oh->token) != (in_len >= HDR_IN && !shift ? token : 0))
			FAIL("token 0x%x, input had 0x%x", snic_ifc_le32(oh->token), token);
		if (syn != SNIC_SYN_OK && out_len != HDR_OUT)
			FAIL("error %s with a reply of %u bytes", snic_fw_syndrome_name(syn),
			     out_len);
		if (syn == SNIC_SYN_OK) {
			if (!op)
				FAIL("OK for an unknown opcode");
			if (func != SNIC_IFC_FUNC_PF && op->opcode != SNIC_CMD_QUERY_CAPS &&
			    op->opcode != SNIC_CMD_QUERY_VPORT &&
			    op->opcode != SNIC_CMD_MODIFY_VPORT)
				FAIL("VF function %u was allowed %s", func, op->name);
			check_ok_reply(op, in, out, out_len);
		}
		ok = syn == SNIC_SYN_OK;
	}
	if (ok) {
		shadow_valid = false;
	} else if (check_mem) {
		long long d = shadow_diff();

		if (d != -1)
			FAIL("command %u (%s) failed but changed firmware memory at byte %lld",
			     idx, op ? op->name : "?", d);
	}
	free(inb);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned n_rec = 0, idx = 0;
	size_t off;

	if (!dtb)
		init();
	reboot();

	/* count the records first: short inputs get every command checked */
	for (off = 0; off + 4 <= size && n_rec < MAX_RECORDS; n_rec++)
		off += 4 + (size_t)(data[off + 2] | data[off + 3] << 8);

	for (off = 0; off + 4 <= size && idx < MAX_RECORDS; idx++) {
		uint8_t ctl = data[off], sel = data[off + 1];
		size_t len = (size_t)(data[off + 2] | data[off + 3] << 8);

		off += 4;
		if (len > size - off)
			len = size - off;
		if (len > SNIC_IFC_MAX_IN + 16)
			len = SNIC_IFC_MAX_IN + 16;
		if ((ctl & 3) == 3) {
			shadow_valid = false;
			frame_in(sel, data + off, (uint32_t)len);
		} else {
			bool check = memcheck == 2 ||
				     (memcheck == 1 && (n_rec <= SNAP_ALL || idx < SNAP_ALL ||
							idx % SNAP_EVERY == 0));
			command(idx, ctl, sel, data + off, (uint32_t)len, check);
		}
		off += len;
	}
	/* the fixed frames through whatever tables the input built */
	for (unsigned i = 0; i < N_FIXED; i++) {
		frame_in((uint8_t)(i << 4 | 1), NULL, 0);          /* from VF 0 */
		frame_in((uint8_t)(i << 4 | 5), NULL, 0);          /* from the wire */
	}
	frame_in(0x02, NULL, 0);                                   /* VF 1 */
	frame_in(0x20, NULL, 0);                                   /* PF */
	return 0;
}
