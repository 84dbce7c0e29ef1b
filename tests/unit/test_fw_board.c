/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fw_board.c - board descriptions: good ones boot with the values they
 * say; each kind of bad one fails boot with an error that names the node and
 * property (variants of a good board, compiled here by dtc); blobs that are
 * not device trees are refused; a platform without enough memory fails boot
 * cleanly; and after boot the firmware never asks for memory again.
 */
#include <sys/wait.h>

#include "snic_test_fw.h"

static char *slurp(const char *path)
{
	size_t len;
	char *s = snic_fw_read_file(path, &len);

	SNIC_REQUIRE(s != NULL, "cannot read %s", path);
	s[len] = '\0';
	return s;
}

/* base with `from` replaced by `to` (once; from must occur). */
static char *variant(const char *base, const char *from, const char *to)
{
	const char *at = strstr(base, from);
	size_t n;
	char *out;

	SNIC_REQUIRE(at != NULL, "fixture lacks '%s'", from);
	n = strlen(base) - strlen(from) + strlen(to) + 1;
	out = malloc(n);
	snprintf(out, n, "%.*s%s%s", (int)(at - base), base, to, at + strlen(from));
	return out;
}

/* Compile dts text to a blob with dtc. */
static void *compile(const char *dts, size_t *len)
{
	char src[] = "/tmp/snic-board-XXXXXX";
	char cmd[512], dtb[64];
	int fd = mkstemp(src);
	void *blob;

	SNIC_REQUIRE(fd >= 0, "mkstemp");
	SNIC_REQUIRE(write(fd, dts, strlen(dts)) == (ssize_t)strlen(dts), "write");
	close(fd);
	snprintf(dtb, sizeof(dtb), "%s.dtb", src);
	snprintf(cmd, sizeof(cmd), "%s -q -I dts -O dtb -o %s %s", SNIC_DTC, dtb, src);
	SNIC_REQUIRE(system(cmd) == 0, "dtc failed on a variant:\n%s", dts);
	blob = snic_fw_read_file(dtb, len);
	unlink(src);
	unlink(dtb);
	return blob;
}

static void expect_error(const char *base, const char *from, const char *to,
			 const char *want)
{
	char *dts = variant(base, from, to), err[256];
	struct snic_fw_board b;
	size_t len;
	void *blob = compile(dts, &len);
	int r = snic_fw_board_parse(blob, len, &b, err, sizeof(err));

	SNIC_CHECK(r == -SNIC_FW_EBOARD && strstr(err, want) != NULL,
		   "replacing '%s' by '%s': got %d \"%s\", want \"%s\"", from, to,
		   r, err, want);
	free(blob);
	free(dts);
}

static void test_good_boards(void)
{
	struct snic_fw_board b;
	char err[256];
	size_t len;
	void *blob = snic_fw_read_file(SNIC_DEFAULT_BOARD, &len);

	SNIC_REQUIRE(blob, "default board");
	SNIC_CHECK(snic_fw_board_parse(blob, len, &b, err, sizeof(err)) == 0,
		   "default board parses: %s", err);
	SNIC_CHECK(!strcmp(b.model, "snic-cx6 1x100G SmartNIC"), "model %s", b.model);
	SNIC_CHECK_EQ(b.n_uplinks, 1, "uplinks");
	SNIC_CHECK_EQ(b.n_vfs, 8, "VFs");
	SNIC_CHECK(b.max_entries >= 1048576, "at least 1 M entries (%u)", b.max_entries);
	SNIC_CHECK_EQ(b.uplink_speed[0], 100000, "uplink speed");
	SNIC_CHECK_EQ(b.vxlan_port, 4789, "VXLAN port");
	SNIC_CHECK_EQ(b.esw_mode, SNIC_ESW_LEGACY, "boots in legacy mode");
	SNIC_CHECK(b.uplink_mac[0][0] == 0x02 && b.uplink_mac[0][5] == 0x00, "uplink MAC");
	free(blob);
}

static void test_bad_boards(void)
{
	char *base = slurp(snic_test_source_path("tests/fixtures/boards/small.dts"));

	expect_error(base, "\"snic,smartnic\"", "\"acme,nic\"",
		     "/: property 'compatible' must list \"snic,smartnic\"");
	expect_error(base, "model = \"snic-test small\";", "",
		     "/: property 'model' is missing");
	expect_error(base, "model = \"snic-test small\";", "model = <5>;",
		     "/: property 'model' must be one non-empty string");
	expect_error(base, "snic,fw-version = \"0.1.0\";", "snic,fw-version = \"9.9.9\";",
		     "/: property 'snic,fw-version' = \"9.9.9\" but this firmware is 0.1.0");
	expect_error(base, "\tnic {", "\tnicx {", "node /nic is missing");
	expect_error(base, "eswitch-mode = \"switchdev\";", "eswitch-mode = \"hub\";",
		     "/nic: property 'eswitch-mode' = \"hub\" must be \"legacy\" or \"switchdev\"");
	expect_error(base, "pf {", "pfx {", "node /nic/pf is missing");
	expect_error(base, "mac-address = [02 aa 00 00 00 01];", "mac-address = [03 aa 00 00 00 01];",
		     "/nic/pf: property 'mac-address' must be a unicast, non-zero MAC");
	expect_error(base, "mac-address = [02 aa 00 00 00 01];", "mac-address = [02 aa 00 00];",
		     "/nic/pf: property 'mac-address' must be 6 bytes, is 4");
	expect_error(base, "speed-mbps = <10000>;", "",
		     "/nic/uplinks/port@0: property 'speed-mbps' is missing");
	expect_error(base, "speed-mbps = <10000>;", "speed-mbps = <0>;",
		     "/nic/uplinks/port@0: property 'speed-mbps' = 0 is out of range 1..400000");
	expect_error(base, "reg = <0>;", "reg = <1>;",
		     "/nic/uplinks: port 'reg' values must be 0..0 without gaps");
	expect_error(base, "reg = <0>;", "reg = <9>;",
		     "/nic/uplinks/port@0: property 'reg' = 9 is out of range 0..3");
	expect_error(base, "port@0 {", "lane@0 {",
		     "/nic/uplinks/lane@0: only port@N nodes may be under /nic/uplinks");
	expect_error(base, "\t\t\tport@0 {\n\t\t\t\treg = <0>;",
		     "\t\t\tport@1 { reg = <0>; mac-address = [02 aa 00 00 01 01]; "
		     "speed-mbps = <1>; };\n\t\t\tport@0 {\n\t\t\t\treg = <0>;",
		     "/nic/uplinks/port@0: property 'reg' = 0 is used by another port");
	expect_error(base, "num-vfs = <4>;", "num-vfs = <2000>;",
		     "/nic/sriov: property 'num-vfs' = 2000 is out of range 0..1024");
	expect_error(base, "mac-base = [02 aa 00 00 10 00];", "mac-base = [02 aa 00 ff ff fe];",
		     "/nic/sriov: property 'mac-base' leaves no room for 4 VF MACs");
	expect_error(base, "max-entries = <4096>;", "max-entries = <0>;",
		     "/nic/steering: property 'max-entries' = 0 is out of range 1..16777216");
	expect_error(base, "max-entries = <4096>;", "max-entries = <0 4096>;",
		     "/nic/steering: property 'max-entries' must be one 32-bit cell, is 8 bytes");
	expect_error(base, "max-counters = <4096>;", "",
		     "/nic/steering: property 'max-counters' is missing");
	expect_error(base, "steering {", "steer {", "node /nic/steering is missing");
	expect_error(base, "max-groups-per-table = <32>;", "max-groups-per-table = <100>;",
		     "/nic/steering: property 'max-groups-per-table' = 100 exceeds 'max-groups' = 64");
	expect_error(base, "udp-port = <4789>;", "udp-port = <0>;",
		     "/nic/vxlan: property 'udp-port' = 0 is out of range 1..65535");
	free(base);
}

static void test_not_a_tree(void)
{
	struct snic_fw_board b;
	char err[256];
	uint8_t junk[512];
	size_t len;
	uint8_t *blob = snic_fw_read_file(SNIC_SMALL_BOARD, &len);

	memset(junk, 0xa5, sizeof(junk));
	SNIC_CHECK(snic_fw_board_parse(junk, sizeof(junk), &b, err, sizeof(err)) ==
		   -SNIC_FW_EBOARD && strstr(err, "not a valid flattened device tree"),
		   "junk: %s", err);
	SNIC_CHECK(snic_fw_board_parse(junk, 8, &b, err, sizeof(err)) == -SNIC_FW_EBOARD &&
		   strstr(err, "not a flattened device tree (8 bytes)"), "8 bytes: %s", err);
	SNIC_CHECK(snic_fw_board_parse(blob, len / 2, &b, err, sizeof(err)) == -SNIC_FW_EBOARD &&
		   strstr(err, "not a valid flattened device tree"), "truncated: %s", err);
	/* an old-format tree (version 16): refused by its version */
	blob[0x17] = 16;
	SNIC_CHECK(snic_fw_board_parse(blob, len, &b, err, sizeof(err)) == -SNIC_FW_EBOARD &&
		   strstr(err, "device tree version 16: this firmware reads version 17"),
		   "version 16: %s", err);
	blob[0x17] = 17;
	blob[len - 20] ^= 0xff;
	SNIC_CHECK(snic_fw_board_parse(blob, len, &b, err, sizeof(err)) == -SNIC_FW_EBOARD,
		   "corrupted strings block refused");
	free(blob);
}

static void test_boot_memory(void)
{
	struct snic_fw_memhal hal;
	struct snic_fw *fw;
	struct snic_fw_board b;
	char err[256];
	size_t len;
	void *blob = snic_fw_read_file(SNIC_DEFAULT_BOARD, &len);

	/* not enough memory: boot fails, says how much, frees what it took */
	snic_fw_memhal_init(&hal);
	hal.mem_limit = 64u << 20;
	SNIC_CHECK(snic_fw_boot(blob, len, &hal.hal, &fw, err, sizeof(err)) == -SNIC_FW_ENOMEM &&
		   strstr(err, "could not provide") && fw == NULL, "ENOMEM boot: %s", err);
	SNIC_CHECK_EQ(hal.n_regions, 0, "a failed boot gives back all memory");
	SNIC_CHECK_EQ(hal.bytes_allocated, 0, "a failed boot gives back all bytes");

	/* enough: exactly what the board says, and no allocation afterwards */
	hal.mem_limit = 0;
	SNIC_REQUIRE(snic_fw_boot(blob, len, &hal.hal, &fw, err, sizeof(err)) == 0, "%s", err);
	snic_fw_board_parse(blob, len, &b, err, sizeof(err));
	SNIC_CHECK(hal.bytes_allocated >= snic_fw_board_mem(&b) - 64 * 24 &&
		   hal.bytes_allocated <= snic_fw_board_mem(&b) + 64 * 24,
		   "boot takes what snic_fw_board_mem() says (%llu vs %llu)",
		   (unsigned long long)hal.bytes_allocated,
		   (unsigned long long)snic_fw_board_mem(&b));
	uint64_t calls = hal.alloc_calls;
	struct snic_fwc c;
	uint32_t t, g, e;
	struct snic_ifc_match m = { 0 };
	struct snic_ifc_actions a = { 0 };
	uint8_t frame[64] = { 0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x06 };

	snic_fwc_init_direct(&c, fw, SNIC_IFC_FUNC_PF);
	SNIC_OK(&c, snic_fwc_set_esw_mode(&c, SNIC_ESW_SWITCHDEV));
	SNIC_OK(&c, snic_fwc_create_table(&c, 0, 0, 0, SNIC_TABLE_F_ROOT, &t));
	SNIC_OK(&c, snic_fwc_create_group(&c, t, &m, &g));
	a.flags = SNIC_ACT_DROP;
	SNIC_OK(&c, snic_fwc_create_entry(&c, g, 0, &m, &a, &e));
	for (int i = 0; i < 1000; i++)
		snic_fw_rx(fw, SNIC_IFC_VPORT_UPLINK(0), frame, sizeof(frame));
	SNIC_CHECK_EQ(hal.alloc_calls, calls, "no allocation after boot");
	snic_fw_shutdown(fw);
	SNIC_CHECK_EQ(hal.n_regions, 0, "shutdown gives back all memory");
	snic_fw_memhal_fini(&hal);
	free(blob);
}

int main(void)
{
	test_good_boards();
	test_bad_boards();
	test_not_a_tree();
	test_boot_memory();
	return snic_test_done();
}
