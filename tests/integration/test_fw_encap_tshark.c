/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fw_encap_tshark.c - what the firmware's VXLAN encap puts on the wire,
 * judged by tshark, not by our own parser.
 *
 * VF0's frames (UDP, TCP, ICMP, a VLAN-tagged one and a 1500-byte one) are
 * encapsulated by a flow entry (VNI 5001, 192.0.2.1 -> 192.0.2.2) and the
 * frames that leave on the uplink are written to a pcap.  tshark decodes it:
 * every frame must be VXLAN on UDP 4789 with VNI 5001, a valid outer IPv4
 * header checksum, the template's addresses, a UDP source port in the
 * RFC 7348 range, UDP checksum 0, no malformed-packet expert info, and the
 * inner headers tshark sees are the ones VF0 sent.  The inner frame is also
 * compared byte for byte.
 */
#include <arpa/inet.h>

#include "pkt_frames.h"
#include "snic_test_fw.h"
#include "snic_test_net.h"
#include "snic_pcap.h"

static struct snic_test_nic nic;

int main(void)
{
	static const uint8_t gw[6] = { 0x02, 0xee, 0, 0, 0, 0xfe };
	static const uint8_t up_mac[6] = { 0x02, 0xaa, 0, 0, 1, 0 };
	static const uint8_t vm0[6] = { 0x02, 0xaa, 0, 0, 0x10, 0 };
	static const uint8_t peer[6] = { 0x02, 0xbb, 0, 0, 0, 7 };
	struct snic_ifc_match m = { 0 }, v = { 0 };
	struct snic_ifc_actions a = { 0 };
	uint8_t tmpl[SNIC_REFORMAT_VXLAN_LEN];
	uint32_t t, g, e, ref;
	struct tf sent[5];
	char pcap[] = "/tmp/snic-encap-XXXXXX", err[256];
	struct snic_pcap_writer w;
	int fd;

	snic_test_need_tool("tshark");
	snic_test_nic_boot(&nic, SNIC_SMALL_BOARD);
	snic_fwc_vxlan_template(tmpl, gw, up_mac, 0xc0000201, 0xc0000202, 4789, 5001);
	SNIC_OK(&nic.pf, snic_fwc_alloc_reformat(&nic.pf, SNIC_REFORMAT_VXLAN_ENCAP,
						 tmpl, sizeof(tmpl), &ref));
	SNIC_OK(&nic.pf, snic_fwc_create_table(&nic.pf, 0, 0, 0, SNIC_TABLE_F_ROOT, &t));
	m.src_vport = 0xffff;
	SNIC_OK(&nic.pf, snic_fwc_create_group(&nic.pf, t, &m, &g));
	v.src_vport = htons(SNIC_IFC_VPORT_VF(0));
	a.flags = SNIC_ACT_FWD;
	a.n_dests = 1;
	a.dests[0].type = SNIC_DEST_VPORT;
	a.dests[0].flags = SNIC_DEST_F_REFORMAT;
	a.dests[0].vport = SNIC_IFC_VPORT_UPLINK(0);
	a.dests[0].reformat = ref;
	SNIC_OK(&nic.pf, snic_fwc_create_entry(&nic.pf, g, 0, &v, &a, &e));

	/* VF0's frames */
	for (int i = 0; i < 5; i++) {
		struct tf_ip4 ip = { .ttl = 64, .src = 0x0a010001, .dst = 0x0a010002 + (uint32_t)i };
		struct tf *f = &sent[i];
		tf_init(f);
		tf_payload(f, i == 4 ? 1472 - 8 : 20 + 10u * (uint32_t)i, (uint8_t)i);
		ip.proto = i == 1 ? 6 : i == 2 ? 1 : 17;
		if (ip.proto == 6)
			tf_tcp(f, 40000, 80, 0x02, 0);
		else if (ip.proto == 1)
			tf_icmp(f, 8, 0);
		else
			tf_udp(f, (uint16_t)(30000 + i), 40001);
		tf_ipv4(f, &ip);
		if (i == 3) {
			uint16_t tag[1][2] = { { 0x8100, 300 } };
			tf_eth_tags(f, peer, vm0, 0x0800, 1, tag);
		} else {
			tf_eth(f, peer, vm0, 0x0800);
		}
	}

	fd = mkstemp(pcap);
	SNIC_REQUIRE(fd >= 0, "mkstemp");
	close(fd);
	SNIC_REQUIRE(snic_pcap_create(&w, pcap, SNIC_PCAP_LINKTYPE_ETHERNET) == 0,
		     "create %s", pcap);
	for (int i = 0; i < 5; i++) {
		snic_fw_memhal_clear(&nic.hal);
		snic_fw_rx(nic.fw, SNIC_IFC_VPORT_VF(0), tf_data(&sent[i]), sent[i].len);
		SNIC_REQUIRE(nic.hal.n_frames == 1 &&
			     nic.hal.frames[0].vport == SNIC_IFC_VPORT_UPLINK(0),
			     "frame %d: one frame on the uplink (%zu)", i, nic.hal.n_frames);
		const struct snic_fw_memhal_frame *o = &nic.hal.frames[0];
		SNIC_CHECK(o->len == sent[i].len + 50 &&
			   !memcmp(o->data + 50, tf_data(&sent[i]), sent[i].len),
			   "frame %d: the inner frame is VF0's frame byte for byte", i);
		SNIC_REQUIRE(snic_pcap_write(&w, o->data, o->len,
						  1700000000000000000ull + (uint64_t)i * 1000) == 0,
			     "pcap write");
	}
	SNIC_REQUIRE(snic_pcap_close(&w) == 0, "pcap close");

	char *out = snic_net_tshark_fields(pcap, "-o ip.check_checksum:TRUE",
		"vxlan.vni", "ip.checksum.status", "ip.src", "ip.dst", "udp.dstport",
		"udp.srcport", "udp.checksum", "vlan.id", "ip.proto", "_ws.malformed",
		"frame.len", NULL);
	SNIC_REQUIRE(out != NULL, "tshark failed on %s", pcap);
	printf("tshark says:\n%s", out);
	char *line = out, *next;
	int n = 0;
	for (; line && *line; line = next, n++) {
		char *f[11] = { 0 }, *s = line;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		for (int k = 0; k < 11; k++) {
			f[k] = s;
			s = strchr(s, '\t');
			if (s)
				*s++ = '\0';
			else
				break;
		}
		SNIC_REQUIRE(n < 5 && f[10], "tshark line %d has all fields", n);
		char want_src[64], want_dst[64];
		snprintf(want_src, sizeof(want_src), "192.0.2.1,10.1.0.1");
		snprintf(want_dst, sizeof(want_dst), "192.0.2.2,10.1.0.%d", 2 + n);
		SNIC_CHECK(!strcmp(f[0], "5001"), "frame %d: VNI %s", n, f[0]);
		SNIC_CHECK(!strcmp(f[1], "1,1"), "frame %d: IPv4 checksum status %s "
			   "(outer,inner; 1 = good)", n, f[1]);
		SNIC_CHECK(!strcmp(f[2], want_src), "frame %d: ip.src %s", n, f[2]);
		SNIC_CHECK(!strcmp(f[3], want_dst), "frame %d: ip.dst %s", n, f[3]);
		SNIC_CHECK(!strncmp(f[4], "4789", 4), "frame %d: UDP dst %s", n, f[4]);
		int sport = atoi(f[5]);
		SNIC_CHECK(sport >= 49152 && sport <= 65535, "frame %d: UDP src %d", n, sport);
		SNIC_CHECK(!strncmp(f[6], "0x0000", 6), "frame %d: UDP checksum %s", n, f[6]);
		SNIC_CHECK(n == 3 ? !strcmp(f[7], "300") : f[7][0] == '\0',
			   "frame %d: inner VLAN '%s'", n, f[7]);
		const char *proto = n == 1 ? "17,6" : n == 2 ? "17,1" : "17,17";
		SNIC_CHECK(!strcmp(f[8], proto), "frame %d: ip.proto %s, want %s", n, f[8], proto);
		SNIC_CHECK(f[9][0] == '\0', "frame %d: tshark flags it malformed", n);
		SNIC_CHECK(atoi(f[10]) == (int)sent[n].len + 50, "frame %d: length %s", n, f[10]);
	}
	SNIC_CHECK_EQ(n, 5, "tshark decoded five frames");
	free(out);

	/* our pcap reader reads back what tshark read */
	struct snic_pcap rd;
	SNIC_REQUIRE(snic_pcap_read(pcap, &rd, err, sizeof(err)) == 0, "%s", err);
	SNIC_CHECK_EQ(rd.n, 5, "pcap read back");
	snic_pcap_free(&rd);
	unlink(pcap);
	snic_test_nic_down(&nic);
	return snic_test_done();
}
