/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic-fw-selfcheck - boot the firmware on a board and prove its datapath.
 *
 * Boots the board (the default ConnectX-like board unless one is given),
 * prints what it booted and its capabilities, then, as a host would, puts the
 * e-switch in switchdev mode and installs an overlay: VF0's traffic is VXLAN
 * encapsulated to the uplink, VXLAN traffic from the uplink for VF0's VNI is
 * decapsulated and delivered to VF0, everything else goes to the
 * representors.  Frames are pushed through the pipeline and every result is
 * checked: bytes, checksums, counters.  Exit status 0 when all checks pass.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic_fw.h"
#include "snic_fw_memhal.h"
#include "snic_fwc.h"

#ifndef SNIC_DEFAULT_BOARD
#define SNIC_DEFAULT_BOARD "snic-cx6.dtb"
#endif

static unsigned passed, failed;

static void check(int ok, const char *what)
{
	printf("  [%s] %s\n", ok ? " ok " : "FAIL", what);
	if (ok)
		passed++;
	else
		failed++;
}

static int must(struct snic_fwc *c, uint32_t syn, const char *what)
{
	char buf[256];

	if (syn == SNIC_SYN_OK)
		return 0;
	fprintf(stderr, "snic-fw-selfcheck: %s failed: %s\n", what,
		snic_fwc_strerror(c, buf, sizeof(buf)));
	failed++;
	return -1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: snic-fw-selfcheck [--board FILE.dtb] [--quiet]\n"
		"\n"
		"Boots the snic NIC firmware on a board description and checks its\n"
		"datapath end to end in memory: switchdev e-switch, a VXLAN overlay\n"
		"for VF0 (encap to the uplink, decap back), the exception path to\n"
		"the representors, counters and per-reason drops.\n"
		"\n"
		"  --board FILE   board device tree blob (default: %s)\n"
		"  --quiet        print only the summary line\n"
		"  --help         this text\n"
		"\n"
		"Exit status: 0 all checks passed, 1 a check failed, 2 boot failed.\n",
		SNIC_DEFAULT_BOARD);
}

static void print_caps(struct snic_fwc *c)
{
	const void *fdt;
	uint32_t len;
	int st;

	if (must(c, snic_fwc_query_caps(c, &fdt, &len), "QUERY_CAPS"))
		return;
	st = fdt_path_offset(fdt, "/steering");
	printf("capabilities (%u-byte device tree from QUERY_CAPS):\n", len);
	if (st < 0) {
		check(0, "capabilities have a /steering node");
		return;
	}
	static const char *props[] = { "max-tables", "max-groups", "max-entries",
				       "max-counters", "max-encap", "max-modify",
				       "priority-levels", "max-dests" };
	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
		int l;
		const fdt32_t *v = fdt_getprop(fdt, st, props[i], &l);
		printf("  %-18s %u\n", props[i], v && l == 4 ? fdt32_ld(v) : 0);
	}
}

static const uint8_t remote_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x0b, 0x01 };

/* A UDP/IPv4 frame between VF0's VM and a remote VM. */
static size_t vm_frame(uint8_t *f, const uint8_t *src_mac, const uint8_t *dst_mac)
{
	static const char payload[] = "snic self-check payload";
	size_t plen = sizeof(payload), ulen = 8 + plen, iplen = 20 + ulen;
	uint32_t sum = 0;

	memset(f, 0, 14 + iplen);
	memcpy(f, dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)(iplen >> 8);
	f[17] = (uint8_t)iplen;
	f[22] = 64;
	f[23] = 17;
	f[26] = 10; f[27] = 1; f[28] = 0; f[29] = 1;   /* 10.1.0.1 */
	f[30] = 10; f[31] = 1; f[32] = 0; f[33] = 2;   /* 10.1.0.2 */
	for (int i = 14; i < 34; i += 2)
		sum += (uint32_t)(f[i] << 8 | f[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	f[24] = (uint8_t)(~sum >> 8);
	f[25] = (uint8_t)~sum;
	f[34] = 0x30; f[35] = 0x39;                    /* 12345 */
	f[36] = 0x1f; f[37] = 0x90;                    /* 8080 */
	f[38] = (uint8_t)(ulen >> 8);
	f[39] = (uint8_t)ulen;
	memcpy(f + 42, payload, plen);
	return 14 + iplen;
}

static int ipv4_csum_ok(const uint8_t *ip)
{
	uint32_t sum = 0;

	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "board", required_argument, NULL, 'b' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *board = SNIC_DEFAULT_BOARD;
	int quiet = 0, o;

	while ((o = getopt_long(argc, argv, "b:qh", opts, NULL)) != -1) {
		switch (o) {
		case 'b': board = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "snic-fw-selfcheck: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (quiet && !freopen("/dev/null", "w", stdout))
		return 2;

	size_t len;
	void *dtb = snic_fw_read_file(board, &len);
	if (!dtb) {
		fprintf(stderr, "snic-fw-selfcheck: cannot read board '%s': %m\n", board);
		return 2;
	}

	static struct snic_fw_memhal hal;
	struct snic_fw *fw;
	char err[256];
	snic_fw_memhal_init(&hal);
	hal.real_clock = true;
	if (snic_fw_boot(dtb, len, &hal.hal, &fw, err, sizeof(err))) {
		fprintf(stderr, "snic-fw-selfcheck: %s: %s\n", board, err);
		return 2;
	}
	const struct snic_fw_board *b = snic_fw_get_board(fw);
	printf("booted %s (firmware %s) from %s\n", b->model, SNIC_FW_VERSION, board);
	printf("  %u uplink(s) at %u Mbit/s, PF + %u VFs, %llu MiB reserved for "
	       "steering state\n", b->n_uplinks, b->uplink_speed[0], b->n_vfs,
	       (unsigned long long)(snic_fw_board_mem(b) >> 20));

	static struct snic_fwc c;
	snic_fwc_init_direct(&c, fw, SNIC_IFC_FUNC_PF);
	print_caps(&c);
	if (b->n_vfs < 1) {
		fprintf(stderr, "snic-fw-selfcheck: board has no VF to check with\n");
		return 2;
	}

	/* ---- the overlay ---- */
	const uint16_t vf0 = SNIC_IFC_VPORT_VF(0), up = SNIC_IFC_VPORT_UPLINK(0);
	const uint32_t vni = 5001;
	static const uint8_t gw_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0xfe, 0x01 };
	uint32_t root, t1, g_vf, g_tun, g_inner, e, cnt, ref;
	struct snic_ifc_query_vport_out vq;
	struct snic_ifc_match m, v;
	struct snic_ifc_actions a;
	uint8_t tmpl[SNIC_REFORMAT_VXLAN_LEN];

	if (must(&c, snic_fwc_query_vport(&c, vf0, &vq), "QUERY_VPORT") ||
	    must(&c, snic_fwc_set_esw_mode(&c, SNIC_ESW_SWITCHDEV), "SET_ESW_MODE") ||
	    must(&c, snic_fwc_create_table(&c, 1, SNIC_MISS_DEFAULT, 0, 0, &t1),
		 "CREATE_FLOW_TABLE level 1") ||
	    must(&c, snic_fwc_create_table(&c, 0, SNIC_MISS_DEFAULT, 0,
					  SNIC_TABLE_F_ROOT, &root),
		 "CREATE_FLOW_TABLE root") ||
	    must(&c, snic_fwc_alloc_counters(&c, 2, &cnt), "ALLOC_COUNTERS"))
		return 1;
	snic_fwc_vxlan_template(tmpl, gw_mac, b->uplink_mac[0], 0xc0000201u,
				0xc0000202u, (uint16_t)b->vxlan_port, vni);
	if (must(&c, snic_fwc_alloc_reformat(&c, SNIC_REFORMAT_VXLAN_ENCAP, tmpl,
					     sizeof(tmpl), &ref), "ALLOC_REFORMAT"))
		return 1;

	/* root: from VF0 -> encap -> uplink */
	memset(&m, 0, sizeof(m));
	m.src_vport = 0xffff;
	if (must(&c, snic_fwc_create_group(&c, root, &m, &g_vf), "CREATE_FLOW_GROUP"))
		return 1;
	memset(&v, 0, sizeof(v));
	v.src_vport = htons(vf0);
	memset(&a, 0, sizeof(a));
	a.flags = SNIC_ACT_FWD | SNIC_ACT_COUNT;
	a.counter = cnt;
	a.n_dests = 1;
	a.dests[0].type = SNIC_DEST_VPORT;
	a.dests[0].flags = SNIC_DEST_F_REFORMAT;
	a.dests[0].vport = up;
	a.dests[0].reformat = ref;
	if (must(&c, snic_fwc_create_entry(&c, g_vf, 10, &v, &a, &e), "CREATE_FLOW_ENTRY encap"))
		return 1;

	/* root: from the uplink, VXLAN VNI 5001 -> decap -> table 1 */
	memset(&m, 0, sizeof(m));
	m.src_vport = 0xffff;
	m.tun_type = 0xff;
	m.vni = htonl(0xffffff);
	if (must(&c, snic_fwc_create_group(&c, root, &m, &g_tun), "CREATE_FLOW_GROUP tunnel"))
		return 1;
	memset(&v, 0, sizeof(v));
	v.src_vport = htons(up);
	v.tun_type = SNIC_IFC_TUN_VXLAN;
	v.vni = htonl(vni);
	memset(&a, 0, sizeof(a));
	a.flags = SNIC_ACT_DECAP | SNIC_ACT_GOTO;
	a.goto_table = t1;
	if (must(&c, snic_fwc_create_entry(&c, g_tun, 10, &v, &a, &e), "CREATE_FLOW_ENTRY decap"))
		return 1;

	/* table 1: tunnel id 5001 and VF0's MAC -> VF0, counted */
	memset(&m, 0, sizeof(m));
	m.tun_id = htonl(0xffffff);
	memset(m.outer.dmac, 0xff, 6);
	if (must(&c, snic_fwc_create_group(&c, t1, &m, &g_inner), "CREATE_FLOW_GROUP inner"))
		return 1;
	memset(&v, 0, sizeof(v));
	v.tun_id = htonl(vni);
	memcpy(v.outer.dmac, vq.ctx.mac, 6);
	memset(&a, 0, sizeof(a));
	a.flags = SNIC_ACT_FWD | SNIC_ACT_COUNT;
	a.counter = cnt + 1;
	a.n_dests = 1;
	a.dests[0].type = SNIC_DEST_VPORT;
	a.dests[0].vport = vf0;
	if (must(&c, snic_fwc_create_entry(&c, g_inner, 10, &v, &a, &e), "CREATE_FLOW_ENTRY deliver"))
		return 1;
	printf("installed: switchdev e-switch, 2 tables, 3 groups, 3 entries, "
	       "VXLAN VNI %u for VF0 (%02x:%02x:%02x:%02x:%02x:%02x)\n", vni,
	       vq.ctx.mac[0], vq.ctx.mac[1], vq.ctx.mac[2], vq.ctx.mac[3],
	       vq.ctx.mac[4], vq.ctx.mac[5]);

	/* ---- traffic ---- */
	uint8_t frame[256], wire[512];
	uint8_t reply[256];
	size_t flen = vm_frame(frame, vq.ctx.mac, remote_mac), wlen = 0;
	struct snic_ifc_match k;
	struct snic_fw_pkt_cfg pcfg = { (uint16_t)b->vxlan_port };

	printf("VM on VF0 sends a %zu-byte UDP frame:\n", flen);
	snic_fw_memhal_clear(&hal);
	snic_fw_rx(fw, vf0, frame, (uint32_t)flen);
	check(hal.n_frames == 1 && hal.frames[0].q == SNIC_FW_TX_VPORT &&
	      hal.frames[0].vport == up, "exactly one frame leaves on the uplink");
	if (hal.n_frames == 1) {
		const struct snic_fw_memhal_frame *f = &hal.frames[0];
		wlen = f->len;
		memcpy(wire, f->data, wlen < sizeof(wire) ? wlen : sizeof(wire));
		memset(&k, 0, sizeof(k));
		check(wlen == flen + 50, "it is 50 bytes longer (Ethernet/IPv4/UDP/VXLAN)");
		check(snic_fw_pkt_parse(wire, (uint32_t)wlen, &pcfg, &k) == 0 &&
		      k.tun_type == SNIC_IFC_TUN_VXLAN && ntohl(k.vni) == vni,
		      "it parses as VXLAN with VNI 5001");
		check(ipv4_csum_ok(wire + 14), "outer IPv4 header checksum is valid");
		check(wlen > 50 && memcmp(wire + 50, frame, flen) == 0,
		      "the inner frame is the VM's frame, byte for byte");
		check(ntohs(k.outer.tp_src) >= 49152, "UDP source port is in 49152-65535");
	}

	printf("the remote VM answers through the tunnel (VXLAN from the wire):\n");
	/* same outer headers and length; the inner frame is the reply */
	vm_frame(reply, remote_mac, vq.ctx.mac);
	memcpy(wire + 50, reply, flen);
	snic_fw_memhal_clear(&hal);
	snic_fw_rx(fw, up, wire, (uint32_t)wlen);
	check(hal.n_frames == 1 && hal.frames[0].q == SNIC_FW_TX_VPORT &&
	      hal.frames[0].vport == vf0, "exactly one frame goes to VF0");
	check(hal.n_frames == 1 && hal.frames[0].len == flen &&
	      memcmp(hal.frames[0].data, reply, flen) == 0,
	      "VF0 receives the inner frame, byte for byte");

	printf("a frame no rule matches arrives from the wire:\n");
	snic_fw_memhal_clear(&hal);
	snic_fw_rx(fw, up, frame, (uint32_t)flen);
	check(hal.n_frames == 1 && hal.frames[0].q == SNIC_FW_TX_REP &&
	      hal.frames[0].vport == up, "it goes to the uplink's representor");

	printf("a runt frame arrives from the wire:\n");
	struct snic_ifc_query_stats_out st;
	snic_fw_memhal_clear(&hal);
	snic_fw_rx(fw, up, frame, 9);
	check(hal.n_frames == 0, "it goes nowhere");
	check(snic_fwc_query_stats(&c, &st) == 0 && st.drops[SNIC_DROP_RUNT] == 1,
	      "it is counted as a runt");

	uint64_t pk[2], by[2];
	check(snic_fwc_query_counters(&c, cnt, 2, 0, pk, by) == 0 && pk[0] == 1 &&
	      by[0] == flen && pk[1] == 1 && by[1] == flen,
	      "encap and deliver counters: 1 packet each, bytes match");

	printf("%u passed, %u failed\n", passed, failed);
	snic_fw_shutdown(fw);
	snic_fw_memhal_fini(&hal);
	free(dtb);
	if (quiet) {
		FILE *tty = fopen("/dev/stderr", "w");
		if (tty) {
			fprintf(tty, "%u passed, %u failed\n", passed, failed);
			fclose(tty);
		}
	}
	return failed ? 1 : 0;
}
