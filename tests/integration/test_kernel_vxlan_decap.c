/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_kernel_vxlan_decap.c - our packet library against Linux's VXLAN.
 *
 * Two namespaces joined by a veth pair (the underlay, 192.0.2.0/24); in
 * namespace A a kernel VXLAN device (VNI 4242, remote 192.0.2.2) with an
 * overlay address and a static neighbour for the overlay peer.  We send UDP
 * datagrams over the overlay while tshark captures the veth (the VXLAN
 * frames) and the VXLAN device (the inner frames), then:
 *   - every VXLAN frame parses as VXLAN and decaps, with snic_fw_pkt, to
 *     exactly an inner frame the kernel handed the VXLAN device, with
 *     tun_id 4242 and the underlay addresses as tun_src/tun_dst;
 *   - tshark agrees on the VNI and the outer IPv4 checksum;
 *   - our own encap of the inner frames (template from the kernel's outer
 *     headers) is decoded by tshark as VXLAN 4242 with good checksums.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "snic_fw_pkt.h"
#include "snic_test.h"
#include "snic_test_net.h"
#include "snic_pcap.h"

#define VNI        4242u
#define N_SENDS    6
#define UDP_PORT   9999
#define MARK       "snic-vxlan-interop"

static const struct snic_fw_pkt_cfg CFG = { .vxlan_port = 4789 };
static const unsigned sizes[N_SENDS] = { 1, 18, 100, 512, 1000, 1400 };

static char ns_a[SNIC_NET_NAME_MAX], ns_b[SNIC_NET_NAME_MAX];
static char veth_a[16], veth_b[16];
static char dir[64];

static void run_ok(const char *ns, const char *cmd)
{
	int rc = snic_net_run(ns, NULL, "%s", cmd);

	SNIC_REQUIRE(rc == 0, "'%s' in %s: exit %d", cmd, ns ? ns : "host", rc);
}

static void setup_topology(void)
{
	char cmd[512];

	SNIC_REQUIRE(snic_net_ns_create(ns_a) == 0, "namespace A");
	SNIC_REQUIRE(snic_net_ns_create(ns_b) == 0, "namespace B");
	snic_net_ifname(veth_a, "a");
	snic_net_ifname(veth_b, "b");
	/* no IPv6 on the overlay: only our datagrams cross it */
	run_ok(ns_a, "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 "
		     "net.ipv6.conf.default.disable_ipv6=1");
	snprintf(cmd, sizeof(cmd), "ip link add %s type veth peer name %s "
		 "netns %s", veth_a, veth_b, ns_b);
	run_ok(ns_a, cmd);
	snprintf(cmd, sizeof(cmd), "ip addr add 192.0.2.1/24 dev %s && "
		 "ip link set %s up", veth_a, veth_a);
	run_ok(ns_a, cmd);
	snprintf(cmd, sizeof(cmd), "ip addr add 192.0.2.2/24 dev %s && "
		 "ip link set %s up", veth_b, veth_b);
	run_ok(ns_b, cmd);
	snprintf(cmd, sizeof(cmd), "ip link add vx0 type vxlan id %u "
		 "remote 192.0.2.2 local 192.0.2.1 dstport 4789 dev %s && "
		 "ip addr add 10.42.0.1/24 dev vx0 && ip link set vx0 up && "
		 "ip neigh add 10.42.0.2 lladdr 02:42:0a:2a:00:02 dev vx0 "
		 "nud permanent", VNI, veth_a);
	run_ok(ns_a, cmd);
	/* resolve the underlay peer now, so no ARP is pending later */
	run_ok(ns_a, "ping -c 1 -W 2 192.0.2.2 >/dev/null");
}

/* the i-th datagram's payload: a mark, then its letter */
static void fill_payload(char *buf, int i)
{
	memset(buf, 'a' + i, 1500);
	memcpy(buf, MARK, sizeof(MARK) - 1);
}

/* in a child inside namespace A: the datagrams, each marked */
static void send_datagrams(void)
{
	pid_t pid = fork();
	int st;

	SNIC_REQUIRE(pid >= 0, "fork");
	if (pid == 0) {
		struct sockaddr_in to = { .sin_family = AF_INET,
					  .sin_port = htons(UDP_PORT) };
		char buf[1500];
		int s;

		if (snic_net_enter(ns_a))
			_exit(2);
		s = socket(AF_INET, SOCK_DGRAM, 0);
		if (s < 0)
			_exit(3);
		inet_pton(AF_INET, "10.42.0.2", &to.sin_addr);
		for (int i = 0; i < N_SENDS; i++) {
			fill_payload(buf, i);
			if (sendto(s, buf, sizes[i], 0, (struct sockaddr *)&to,
				   sizeof(to)) != (ssize_t)sizes[i])
				_exit(4);
		}
		_exit(0);
	}
	while (waitpid(pid, &st, 0) < 0)
		;
	SNIC_REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		     "sender in %s failed (status 0x%x)", ns_a, st);
}

static bool read_pcap(const char *path, struct snic_pcap *p)
{
	char err[512];

	if (snic_pcap_read(path, p, err, sizeof(err))) {
		SNIC_CHECK(0, "%s", err);
		return false;
	}
	SNIC_CHECK_EQ(p->linktype, SNIC_PCAP_LINKTYPE_ETHERNET, path);
	return true;
}

/* the inner frame is our i-th datagram: UDP to UDP_PORT, i-th payload */
static int which_send(const uint8_t *f, uint32_t len)
{
	struct snic_ifc_match k;
	const uint8_t *udp;
	uint32_t plen;
	char want[1500];

	memset(&k, 0, sizeof(k));
	if (snic_fw_pkt_parse(f, len, &CFG, &k) ||
	    k.outer.ethertype != htons(0x0800) || k.outer.ip_proto != 17 ||
	    k.outer.tp_dst != htons(UDP_PORT))
		return -1;
	udp = f + 14 + (f[14] & 15) * 4;
	plen = (uint32_t)(udp[4] << 8 | udp[5]) - 8;
	for (int i = 0; i < N_SENDS; i++) {
		if (sizes[i] != plen)
			continue;
		fill_payload(want, i);
		return memcmp(udp + 8, want, plen) ? -1 : i;
	}
	return -1;
}

static void check_decap(const struct snic_pcap *outer,
			const struct snic_pcap *inner)
{
	int seen[N_SENDS] = { 0 };
	unsigned matched = 0;

	for (size_t i = 0; i < outer->n; i++) {
		const struct snic_pcap_frame *fr = &outer->frames[i];
		uint8_t buf[2048];
		struct snic_fw_buf b = { .data = buf, .len = fr->len,
					 .tailroom = (uint32_t)sizeof(buf) -
						     fr->len };
		struct snic_ifc_match k;
		bool found = false;
		int w;

		SNIC_REQUIRE(fr->len <= sizeof(buf), "frame %zu too big", i);
		memcpy(buf, fr->data, fr->len);
		memset(&k, 0, sizeof(k));
		SNIC_CHECK_EQ(snic_fw_pkt_parse(buf, fr->len, &CFG, &k), 0,
			      "kernel VXLAN frame parses");
		SNIC_CHECK_EQ(k.tun_type, SNIC_IFC_TUN_VXLAN, "is VXLAN");
		SNIC_CHECK_EQ(ntohl(k.vni), VNI, "vni");
		SNIC_CHECK_EQ(k.vxlan_flags, 0x08, "vxlan flags");
		/* the kernel's outer IPv4 checksum verifies with ours */
		SNIC_CHECK_EQ(snic_fw_csum_fold(snic_fw_csum_partial(buf + 14,
								     20, 0)),
			      0, "outer IPv4 checksum");
		SNIC_CHECK_EQ(snic_fw_pkt_decap(&b, &k), 0, "decap");
		SNIC_CHECK_EQ(ntohl(k.tun_id), VNI, "tun_id");
		SNIC_CHECK_EQ(k.tun_src, htonl(0xc0000201), "tun_src");
		SNIC_CHECK_EQ(k.tun_dst, htonl(0xc0000202), "tun_dst");
		for (size_t j = 0; j < inner->n && !found; j++)
			found = inner->frames[j].len == b.len &&
				!memcmp(inner->frames[j].data, b.data, b.len);
		SNIC_CHECK(found, "decap of VXLAN frame %zu (%u bytes) is no "
			   "frame seen on vx0", i, fr->len);
		matched += found;
		w = which_send(b.data, b.len);
		if (w >= 0)
			seen[w]++;
	}
	for (int i = 0; i < N_SENDS; i++)
		SNIC_CHECK(seen[i] == 1, "datagram %d (%u bytes) decapped %d "
			   "times", i, sizes[i], seen[i]);
	printf("decapped %u kernel VXLAN frames; all match vx0's\n", matched);
}

static void check_tshark_outer(const char *path, size_t n)
{
	char *out = snic_net_tshark_fields(path,
		"-d udp.port==4789,vxlan -o ip.check_checksum:TRUE "
		"-E occurrence=f", "vxlan.vni", "ip.checksum.status",
		"udp.dstport", NULL);
	size_t lines = 0;
	char *save = NULL;

	SNIC_REQUIRE(out != NULL, "tshark on %s", path);
	for (char *l = strtok_r(out, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		SNIC_CHECK(!strcmp(l, "4242\t1\t4789"),
			   "tshark on %s: '%s', want '4242<tab>1<tab>4789' "
			   "(vni, checksum good, port)", path, l);
		lines++;
	}
	SNIC_CHECK_EQ(lines, n, "tshark frame count");
	free(out);
}

/*
 * Our encap of the inner frames, with a template made of the kernel's
 * outer headers, written with our pcap writer and decoded by tshark.
 */
static void check_our_encap(const struct snic_pcap *outer,
			    const struct snic_pcap *inner)
{
	struct snic_pcap_writer w;
	struct snic_pcap back;
	uint8_t tmpl[50];
	char path[128];

	SNIC_REQUIRE(outer->n > 0 && outer->frames[0].len >= 50, "a frame");
	memcpy(tmpl, outer->frames[0].data, 50);
	tmpl[14 + 6] &= 0x40;   /* keep DF only */
	tmpl[14 + 7] = 0;
	SNIC_CHECK_EQ(snic_fw_pkt_check_encap(tmpl, 50), 0,
		      "kernel headers make a valid template");
	snprintf(path, sizeof(path), "%s/ours.pcap", dir);
	SNIC_REQUIRE(snic_pcap_create(&w, path,
					   SNIC_PCAP_LINKTYPE_ETHERNET) == 0,
		     "create %s", path);
	for (size_t i = 0; i < inner->n; i++) {
		const struct snic_pcap_frame *fr = &inner->frames[i];
		uint8_t buf[2048];
		struct snic_fw_buf b = { .data = buf + 64, .len = fr->len,
					 .headroom = 64 };
		struct snic_ifc_match k;

		SNIC_REQUIRE(fr->len <= sizeof(buf) - 64, "frame size");
		memcpy(b.data, fr->data, fr->len);
		memset(&k, 0, sizeof(k));
		SNIC_CHECK_EQ(snic_fw_pkt_parse(b.data, b.len, &CFG, &k), 0,
			      "inner frame parses");
		SNIC_CHECK_EQ(snic_fw_pkt_encap(&b, tmpl, 50, &k), 0, "encap");
		SNIC_CHECK_EQ(snic_pcap_write(&w, b.data, b.len,
						   fr->ts_ns), 0, "write");
	}
	SNIC_CHECK_EQ(snic_pcap_close(&w), 0, "close");
	/* our reader reads our writer */
	if (read_pcap(path, &back)) {
		SNIC_CHECK_EQ(back.n, inner->n, "frames written and read");
		for (size_t i = 0; i < back.n && i < inner->n; i++)
			SNIC_CHECK(back.frames[i].len == inner->frames[i].len + 50 &&
				   !memcmp(back.frames[i].data + 50,
					   inner->frames[i].data,
					   inner->frames[i].len),
				   "our pcap frame %zu", i);
		snic_pcap_free(&back);
	}
	check_tshark_outer(path, inner->n);
}

int main(void)
{
	char pa[128], pb[128];
	struct snic_pcap outer, inner;
	pid_t cap_a, cap_b;

	snic_test_need_root();
	snic_test_need_tool("ip");
	snic_test_need_tool("tshark");
	snic_test_need_tool("ping");
	snic_test_need_tool("sysctl");
	snprintf(dir, sizeof(dir), "/tmp/snict-vxlan-XXXXXX");
	SNIC_REQUIRE(mkdtemp(dir) != NULL, "mkdtemp");

	setup_topology();
	snprintf(pa, sizeof(pa), "%s/underlay.pcap", dir);
	snprintf(pb, sizeof(pb), "%s/overlay.pcap", dir);
	cap_a = snic_net_capture_start(ns_a, veth_a, pa, "udp port 4789");
	SNIC_REQUIRE(cap_a > 0, "capture on %s", veth_a);
	cap_b = snic_net_capture_start(ns_a, "vx0", pb, NULL);
	SNIC_REQUIRE(cap_b > 0, "capture on vx0");

	send_datagrams();
	usleep(300 * 1000);     /* let the frames reach the capture buffers */
	SNIC_CHECK_EQ(snic_net_capture_stop(cap_a), 0, "stop veth capture");
	SNIC_CHECK_EQ(snic_net_capture_stop(cap_b), 0, "stop vx0 capture");

	SNIC_REQUIRE(read_pcap(pa, &outer) && read_pcap(pb, &inner),
		     "captures readable");
	printf("captured %zu VXLAN frames on %s, %zu frames on vx0 (%s)\n",
	       outer.n, veth_a, inner.n, dir);
	SNIC_CHECK(outer.n >= N_SENDS && inner.n >= N_SENDS,
		   "all datagrams captured");
	check_decap(&outer, &inner);
	check_tshark_outer(pa, outer.n);
	check_our_encap(&outer, &inner);
	snic_pcap_free(&outer);
	snic_pcap_free(&inner);

	snic_net_cleanup();
	if (snic_test_failed_ == 0)
		snic_net_run(NULL, NULL, "rm -rf '%s'", dir);
	else
		fprintf(stderr, "captures kept in %s\n", dir);
	return snic_test_done();
}
