/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_board.c - the board description parser and boot, on arbitrary blobs.
 *
 * The input is a device tree blob.  snic_fw_board_parse() must either refuse
 * it with a sentence that starts "board: ", NUL-terminated within the error
 * buffer (and nothing written past it), or accept it with every field in its
 * documented range and equal to what libfdt reads from the blob.  A board
 * that parses and needs less than 64 MiB is booted on the in-memory HAL:
 * its memory must be what snic_fw_board_mem() says, its capabilities a valid
 * FDT that agrees with the board, and shutdown must give every byte back.
 * Some inputs (by a hash of the blob) also boot under a memory limit the
 * board exceeds: boot must fail with "boot: ..." and leak nothing.
 *
 * SNIC_FUZZ_VERBOSE=1 prints what the parser said (to check seeds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "snic_fw.h"
#include "snic_fw_memhal.h"
#include "snic_fwc.h"

#define BOOT_MAX_MEM (64ull << 20)
#define ERRBUF 256

#define FAIL(...)                                                                \
	do {                                                                     \
		fprintf(stderr, "fuzz_board: invariant violated: " __VA_ARGS__); \
		fputc('\n', stderr);                                             \
		abort();                                                         \
	} while (0)

static uint32_t fnv(const uint8_t *d, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 16777619u;
	return h;
}

/* err[0..errlen) must hold a NUL-terminated sentence starting with prefix
 * (as much of it as fits), and err[errlen..ERRBUF) must be untouched. */
static void check_err(const char *what, const char *err, size_t errlen,
		      const char *prefix)
{
	const char *nul = memchr(err, '\0', errlen);
	size_t pl = strlen(prefix);

	if (!nul)
		FAIL("%s: error message not NUL-terminated within %zu bytes", what, errlen);
	if (nul == err)
		FAIL("%s: empty error message", what);
	if (pl > errlen - 1)
		pl = errlen - 1;
	if (strncmp(err, prefix, pl) != 0)
		FAIL("%s: error \"%s\" does not start with \"%s\"", what, err, prefix);
	for (size_t i = errlen; i < ERRBUF; i++)
		if ((uint8_t)err[i] != 0xa5)
			FAIL("%s: error message written past errlen %zu (byte %zu)", what,
			     errlen, i);
}

static bool mac_ok(const uint8_t *m)
{
	return !(m[0] & 1) && (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]);
}

static bool str_ok(const char *s, size_t cap)
{
	const char *nul = memchr(s, '\0', cap);
	return nul && nul != s;
}

/* A u32 property read with libfdt, def when the node or property is absent. */
static uint32_t fdt_u32(const void *fdt, const char *path, const char *prop,
			uint32_t def)
{
	int off = fdt_path_offset(fdt, path), len;
	const fdt32_t *v;

	if (off < 0)
		return def;
	v = fdt_getprop(fdt, off, prop, &len);
	return v && len == 4 ? fdt32_ld(v) : def;
}

#define RANGE(field, lo, hi)                                                      \
	do {                                                                      \
		if ((uint64_t)b->field < (lo) || (uint64_t)b->field > (hi))       \
			FAIL("board " #field " = %llu outside %llu..%llu",        \
			     (unsigned long long)b->field, (unsigned long long)(lo), \
			     (unsigned long long)(hi));                           \
	} while (0)

#define SAME(field, path, prop, def)                                              \
	do {                                                                      \
		uint32_t v_ = fdt_u32(fdt, path, prop, def);                      \
		if (b->field != v_)                                               \
			FAIL("board " #field " = %u, the blob says %u",           \
			     (unsigned)b->field, v_);                             \
	} while (0)

static void check_board(const void *fdt, const struct snic_fw_board *b)
{
	if (!str_ok(b->model, sizeof(b->model)))
		FAIL("model is empty or not terminated");
	if (strcmp(b->fw_version, SNIC_FW_VERSION) != 0)
		FAIL("accepted fw-version \"%.31s\"", b->fw_version);
	RANGE(n_uplinks, 1, SNIC_IFC_MAX_UPLINKS);
	for (uint32_t i = 0; i < b->n_uplinks; i++) {
		if (!mac_ok(b->uplink_mac[i]))
			FAIL("uplink %u MAC is multicast or zero", i);
		RANGE(uplink_speed[i], 1, 400000);
	}
	if (!mac_ok(b->pf_mac))
		FAIL("PF MAC is multicast or zero");
	RANGE(n_vfs, 0, SNIC_IFC_MAX_VFS);
	if (b->n_vfs) {
		uint32_t low = (uint32_t)b->vf_mac_base[3] << 16 |
			       (uint32_t)b->vf_mac_base[4] << 8 | b->vf_mac_base[5];
		if (!mac_ok(b->vf_mac_base))
			FAIL("VF MAC base is multicast or zero");
		if (low + b->n_vfs > 0x1000000u)
			FAIL("VF MACs overflow the MAC base's last 3 bytes");
	}
	RANGE(max_tables, 1, 4096);
	RANGE(max_table_level, 1, 65535);
	RANGE(max_groups, 1, 1u << 20);
	RANGE(max_groups_per_table, 1, b->max_groups < 4096 ? b->max_groups : 4096);
	RANGE(max_entries, 1, 1u << 24);
	RANGE(max_counters, 0, 1u << 24);
	RANGE(max_encap, 0, 1u << 20);
	RANGE(max_modify, 0, 1u << 20);
	RANGE(priority_levels, 1, 1u << 24);
	RANGE(vxlan_port, 1, 65535);
	RANGE(esw_mode, SNIC_ESW_LEGACY, SNIC_ESW_SWITCHDEV);

	SAME(max_tables, "/nic/steering", "max-tables", 0);
	SAME(max_entries, "/nic/steering", "max-entries", 0);
	SAME(max_counters, "/nic/steering", "max-counters", 0);
	SAME(priority_levels, "/nic/steering", "priority-levels", 0);
	SAME(n_vfs, "/nic/sriov", "num-vfs", 0);
	SAME(vxlan_port, "/nic/vxlan", "udp-port", 4789);
}

/* The capabilities FDT agrees with the board. */
static void check_caps(struct snic_fw *fw, const struct snic_fw_board *b)
{
	static struct snic_fwc c;
	const void *caps;
	uint32_t len;
	int off;

	snic_fwc_init_direct(&c, fw, SNIC_IFC_FUNC_PF);
	if (snic_fwc_query_caps(&c, &caps, &len) != SNIC_SYN_OK)
		FAIL("QUERY_CAPS failed on a booted board");
	if (fdt_check_full(caps, len) != 0)
		FAIL("capabilities are not a valid FDT");
	off = fdt_path_offset(caps, "/steering");
	if (off < 0)
		FAIL("capabilities lack /steering");
	if (fdt_u32(caps, "/steering", "max-entries", 0) != b->max_entries ||
	    fdt_u32(caps, "/steering", "max-tables", 0) != b->max_tables ||
	    fdt_u32(caps, "/ports", "num-vfs", 0xffffffffu) != b->n_vfs ||
	    fdt_u32(caps, "/ports", "num-uplinks", 0) != b->n_uplinks ||
	    fdt_u32(caps, "/vxlan", "udp-port", 0) != b->vxlan_port)
		FAIL("capabilities disagree with the board");
}

static void boot(const uint8_t *fdt, size_t len, const struct snic_fw_board *b,
		 uint32_t h)
{
	static struct snic_fw_memhal hal;
	uint64_t need = snic_fw_board_mem(b);
	struct snic_fw *fw = NULL;
	char err[ERRBUF];
	size_t errlen = 8 + (h >> 8) % (ERRBUF - 8);
	bool limited = (h & 3) == 0;
	int r;

	snic_fw_memhal_init(&hal);
	hal.log_level = 0;
	if (limited)
		hal.mem_limit = need * ((h >> 16) % 100) / 100 + 1;
	memset(err, 0xa5, sizeof(err));
	r = snic_fw_boot(fdt, len, &hal.hal, &fw, err, errlen);
	if (limited && hal.mem_limit < need) {
		if (r != -SNIC_FW_ENOMEM || fw)
			FAIL("boot with %llu of %llu bytes returned %d",
			     (unsigned long long)hal.mem_limit, (unsigned long long)need, r);
		check_err("boot (no memory)", err, errlen, "boot: ");
	} else if (r != 0) {
		/* parse accepted it: only the capabilities may not fit */
		if (r != -SNIC_FW_EBOARD || fw)
			FAIL("boot of a board that parses returned %d", r);
		check_err("boot", err, errlen, "boot: ");
	} else {
		if (!fw)
			FAIL("boot returned 0 without a firmware");
		if (memcmp(snic_fw_get_board(fw), b, sizeof(*b)) != 0)
			FAIL("the booted board differs from the parsed one");
		if (hal.bytes_allocated < need || hal.bytes_allocated > need + 14 * 64)
			FAIL("boot took %llu bytes, the board needs %llu",
			     (unsigned long long)hal.bytes_allocated,
			     (unsigned long long)need);
		check_caps(fw, b);
		snic_fw_shutdown(fw);
	}
	if (hal.n_regions || hal.bytes_allocated)
		FAIL("%zu regions (%llu bytes) not given back", hal.n_regions,
		     (unsigned long long)hal.bytes_allocated);
	snic_fw_memhal_fini(&hal);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snic_fw_board b;
	char err[ERRBUF];
	uint32_t h = fnv(data, size);
	size_t errlen = 8 + h % (ERRBUF - 8);
	uint8_t *fdt;
	int r;

	/* an exact-size, 8-aligned copy: a read past the blob is an ASan report */
	fdt = malloc(size ? size : 1);
	if (!fdt)
		abort();
	memcpy(fdt, data, size);

	memset(err, 0xa5, sizeof(err));
	r = snic_fw_board_parse(fdt, size, &b, err, errlen);
	if (getenv("SNIC_FUZZ_VERBOSE"))
		fprintf(stderr, "parse: %d %s (%llu bytes)\n", r, r ? err : "ok",
			r ? 0ull : (unsigned long long)snic_fw_board_mem(&b));
	if (r != 0) {
		if (r != -SNIC_FW_EBOARD)
			FAIL("parse returned %d", r);
		check_err("parse", err, errlen, "board: ");
		/* without an error buffer it must fail the same way */
		if ((h & 7) == 0 && snic_fw_board_parse(fdt, size, &b, NULL, 0) != r)
			FAIL("parse without an error buffer returned another result");
	} else {
		if (err[0] != '\0')
			FAIL("parse succeeded with an error message \"%s\"", err);
		check_board(fdt, &b);
		if (snic_fw_board_mem(&b) < BOOT_MAX_MEM)
			boot(fdt, size, &b, h);
	}
	free(fdt);
	return 0;
}
