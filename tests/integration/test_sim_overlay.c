/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_sim_overlay.c - snic-sim as a NIC on a real network, driven only
 * through the host-side device channel library.
 *
 *   VM namespace ── VF0 TAP ── snic-sim ── uplink TAP ── bridge (underlay
 *   namespace) ── veth ── peer namespace with a Linux kernel VXLAN device
 *
 * 1. A host process (forked) attaches to the channel and installs firmware
 *    rules: VF0's frames are VXLAN-encapsulated (VNI 5001) to the uplink;
 *    VNI 5001 from the uplink is decapsulated and delivered to VF0.  ping
 *    from the VM to the kernel VXLAN peer and back works (ARP included);
 *    the uplink capture, decoded by tshark, shows VXLAN VNI 5001 carrying
 *    the ICMP both ways.
 * 2. The host process is killed with SIGKILL: snic-sim notices, traffic keeps
 *    flowing on the installed rules; a new host process (this one) attaches
 *    and reads the same tables and counters, which have kept counting.
 * 3. Malformed frames from the VM and garbage written into the shared rings
 *    are counted and dropped; snic-sim keeps running and forwarding.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/if_packet.h>
#include <net/if.h>

#include "snic_chan.h"
#include "snic_drv_chan.h"
#include "snic_fwc.h"
#include "snic_test.h"
#include "snic_test_net.h"

#define VNI 5001u
static const uint8_t vm_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

static char ns_vm[SNIC_NET_NAME_MAX], ns_ul[SNIC_NET_NAME_MAX], ns_kp[SNIC_NET_NAME_MAX];
static char name[8], sock[128], ctl[128], cap_up[128], cap_vf[128], simlog[128];
static pid_t sim_pid;
static bool afpacket;           /* --uplink=afpacket: AF_PACKET on a veth */

struct ids {
	uint32_t root, t1, cnt, e_encap, e_decap, e_deliver;
};

static int sh(const char *ns, const char *fmt, const char *a, const char *b)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), fmt, a, b);
	return snic_net_run(ns, NULL, "%s", cmd);
}

static uint64_t status_field(const char *st, const char *key)
{
	const char *p = st ? strstr(st, key) : NULL;

	return p ? strtoull(p + strlen(key), NULL, 10) : (uint64_t)-1;
}

static void mac_of(const char *ns, const char *ifname, uint8_t mac[6])
{
	char *out = NULL;
	unsigned m[6] = { 0 };

	snic_net_run(ns, &out, "cat /sys/class/net/%s/address", ifname);
	SNIC_REQUIRE(out && sscanf(out, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2],
				   &m[3], &m[4], &m[5]) == 6, "MAC of %s", ifname);
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
	free(out);
}

static void open_chan(struct snic_drv_chan **c)
{
	char err[256];

	SNIC_REQUIRE(snic_drv_chan_open(sock, c, err, sizeof(err)) == 0,
		     "attach to %s: %s", sock, err);
}

#define FWC_OK(f, call)                                                        \
	do {                                                                   \
		char b_[256];                                                  \
		SNIC_REQUIRE((call) == SNIC_SYN_OK, "%s",                      \
			     snic_fwc_strerror((f), b_, sizeof(b_)));          \
	} while (0)

/* The host process: install the overlay, report the ids, wait to be killed. */
static void host_process(int wfd)
{
	static struct snic_fwc f;
	struct snic_drv_chan *c;
	struct snic_ifc_query_vport_out up;
	struct snic_ifc_match m, v;
	struct snic_ifc_actions a;
	uint8_t tmpl[SNIC_REFORMAT_VXLAN_LEN], peer_mac[6];
	uint32_t ref, g;
	struct ids ids;

	open_chan(&c);
	snic_drv_chan_fwc_init(c, &f);
	mac_of(ns_kp, "eth0", peer_mac);
	FWC_OK(&f, snic_fwc_query_vport(&f, SNIC_IFC_VPORT_UPLINK(0), &up));
	FWC_OK(&f, snic_fwc_set_esw_mode(&f, SNIC_ESW_SWITCHDEV));
	FWC_OK(&f, snic_fwc_create_table(&f, 1, SNIC_MISS_DEFAULT, 0, 0, &ids.t1));
	FWC_OK(&f, snic_fwc_create_table(&f, 0, SNIC_MISS_DEFAULT, 0, SNIC_TABLE_F_ROOT,
					 &ids.root));
	FWC_OK(&f, snic_fwc_alloc_counters(&f, 2, &ids.cnt));
	snic_fwc_vxlan_template(tmpl, peer_mac, up.ctx.mac, 0xc0000201, 0xc0000202,
				4789, VNI);
	FWC_OK(&f, snic_fwc_alloc_reformat(&f, SNIC_REFORMAT_VXLAN_ENCAP, tmpl,
					   sizeof(tmpl), &ref));
	/* root: from VF0 -> encap -> uplink */
	memset(&m, 0, sizeof(m));
	m.src_vport = 0xffff;
	FWC_OK(&f, snic_fwc_create_group(&f, ids.root, &m, &g));
	memset(&v, 0, sizeof(v));
	v.src_vport = htons(SNIC_IFC_VPORT_VF(0));
	memset(&a, 0, sizeof(a));
	a.flags = SNIC_ACT_FWD | SNIC_ACT_COUNT;
	a.counter = ids.cnt;
	a.n_dests = 1;
	a.dests[0].type = SNIC_DEST_VPORT;
	a.dests[0].flags = SNIC_DEST_F_REFORMAT;
	a.dests[0].vport = SNIC_IFC_VPORT_UPLINK(0);
	a.dests[0].reformat = ref;
	FWC_OK(&f, snic_fwc_create_entry(&f, g, 10, &v, &a, &ids.e_encap));
	/* root: VXLAN VNI 5001 from the uplink -> decap -> table 1 */
	memset(&m, 0, sizeof(m));
	m.src_vport = 0xffff;
	m.tun_type = 0xff;
	m.vni = htonl(0xffffff);
	FWC_OK(&f, snic_fwc_create_group(&f, ids.root, &m, &g));
	memset(&v, 0, sizeof(v));
	v.src_vport = htons(SNIC_IFC_VPORT_UPLINK(0));
	v.tun_type = SNIC_IFC_TUN_VXLAN;
	v.vni = htonl(VNI);
	memset(&a, 0, sizeof(a));
	a.flags = SNIC_ACT_DECAP | SNIC_ACT_GOTO;
	a.goto_table = ids.t1;
	FWC_OK(&f, snic_fwc_create_entry(&f, g, 10, &v, &a, &ids.e_decap));
	/* table 1: tunnel 5001 -> VF0 */
	memset(&m, 0, sizeof(m));
	m.tun_id = htonl(0xffffff);
	FWC_OK(&f, snic_fwc_create_group(&f, ids.t1, &m, &g));
	memset(&v, 0, sizeof(v));
	v.tun_id = htonl(VNI);
	memset(&a, 0, sizeof(a));
	a.flags = SNIC_ACT_FWD | SNIC_ACT_COUNT;
	a.counter = ids.cnt + 1;
	a.n_dests = 1;
	a.dests[0].type = SNIC_DEST_VPORT;
	a.dests[0].vport = SNIC_IFC_VPORT_VF(0);
	FWC_OK(&f, snic_fwc_create_entry(&f, g, 10, &v, &a, &ids.e_deliver));
	SNIC_REQUIRE(write(wfd, &ids, sizeof(ids)) == (ssize_t)sizeof(ids), "pipe");
	for (;;)
		pause();
}

static int ping(const char *from, const char *to)
{
	return snic_net_run(from, NULL, "ping -q -c 3 -i 0.2 -W 2 %s >/dev/null", to);
}

/* Send raw frames from inside the VM namespace on the VF's TAP. */
static int vm_send_raw(const uint8_t *frame, size_t len, int count)
{
	char ifname[IF_NAMESIZE];
	pid_t pid;
	int st;

	snprintf(ifname, sizeof(ifname), "%spf0vf0", name);
	pid = fork();
	if (pid == 0) {
		struct sockaddr_ll sll = { .sll_family = AF_PACKET };
		int fd;
		if (snic_net_enter(ns_vm))
			_exit(2);
		fd = socket(AF_PACKET, SOCK_RAW, 0);
		sll.sll_ifindex = (int)if_nametoindex(ifname);
		sll.sll_halen = 6;
		if (fd < 0 || !sll.sll_ifindex)
			_exit(3);
		for (int i = 0; i < count; i++)
			if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)) !=
			    (ssize_t)len)
				_exit(4);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void wait_detached(void)
{
	for (int i = 0; i < 50; i++) {
		char *st = snic_net_sim_status(SNIC_SIM, ctl);
		bool none = st && strstr(st, "host none");
		free(st);
		if (none)
			return;
		usleep(100000);
	}
	SNIC_CHECK(0, "snic-sim did not notice the host died");
}

static void setup(void)
{
	char ifname[IF_NAMESIZE];
	int up = 0;

	snprintf(name, sizeof(name), "s%05d", (int)(getpid() % 100000));
	snprintf(sock, sizeof(sock), "/tmp/snict-%s.sock", name);
	snprintf(ctl, sizeof(ctl), "/tmp/snict-%s.ctl", name);
	snprintf(cap_up, sizeof(cap_up), "/tmp/snict-%s-uplink.pcap", name);
	snprintf(cap_vf, sizeof(cap_vf), "/tmp/snict-%s-vf0.pcap", name);
	snprintf(simlog, sizeof(simlog), "/tmp/snict-%s.log", name);
	SNIC_REQUIRE(!snic_net_ns_create(ns_vm) && !snic_net_ns_create(ns_ul) &&
		     !snic_net_ns_create(ns_kp), "namespaces");
	for (const char *ns = ns_vm; ns; ns = ns == ns_vm ? ns_kp : NULL)
		snic_net_run(ns, NULL, "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 "
			     "net.ipv6.conf.default.disable_ipv6=1");
	/* underlay: a bridge, the peer's veth */
	SNIC_REQUIRE(sh(ns_ul, "ip link add br0 type bridge && ip link set br0 up%s%s", "", "") == 0,
		     "bridge");
	SNIC_REQUIRE(snic_net_run(NULL, NULL, "ip link add eth0 netns %s type veth peer name kp netns %s",
				  ns_kp, ns_ul) == 0, "veth");
	SNIC_REQUIRE(sh(ns_ul, "ip link set kp master br0 && ip link set kp up%s%s", "", "") == 0,
		     "veth on bridge");
	SNIC_REQUIRE(snic_net_run(ns_kp, NULL,
		"ip link set eth0 up && ip addr add 192.0.2.2/24 dev eth0 && "
		"ip link add vxlan0 type vxlan id %u local 192.0.2.2 remote 192.0.2.1 "
		"dstport 4789 dev eth0 && ip link set vxlan0 address 02:00:00:00:00:02 && "
		"ip addr add 10.0.0.2/24 dev vxlan0 && ip link set vxlan0 up && "
		"ip neigh add 192.0.2.1 lladdr 02:5e:00:00:01:00 dev eth0 nud permanent",
		VNI) == 0, "kernel VXLAN peer");

	/* the NIC; its uplink a TAP it creates, or AF_PACKET on a veth */
	if (afpacket)
		SNIC_REQUIRE(sh(ns_ul, "ip link add nicup type veth peer name br-nic && "
				"ip link set br-nic master br0 && ip link set br-nic up%s%s",
				"", "") == 0, "uplink veth");
	sim_pid = snic_net_spawn(NULL, simlog,
		"%s --name %s --socket %s --vf-netns 0=%s --vf-mac 0=02:00:00:00:00:01 "
		"--uplink-netns %s %s --capture uplink0=%s --capture vf0=%s",
		SNIC_SIM, name, sock, ns_vm, ns_ul, afpacket ? "--uplink-dev nicup" : "",
		cap_up, cap_vf);
	SNIC_REQUIRE(sim_pid > 0, "start snic-sim");
	for (int i = 0; i < 100 && !up; i++) {
		char *st = snic_net_sim_status(SNIC_SIM, ctl);
		up = st != NULL;
		free(st);
		if (!up)
			usleep(50000);
	}
	if (!up)
		snic_net_run(NULL, NULL, "cat %s", simlog);
	SNIC_REQUIRE(up, "snic-sim answers on %s", ctl);
	snprintf(ifname, sizeof(ifname), "%sp0", name);
	if (!afpacket)
		SNIC_REQUIRE(sh(ns_ul, "ip link set %s master br0%s", ifname, "") == 0,
			     "uplink TAP on the bridge");
	snprintf(ifname, sizeof(ifname), "%spf0vf0", name);
	SNIC_REQUIRE(sh(ns_vm, "ip addr add 10.0.0.1/24 dev %s%s", ifname, "") == 0,
		     "VM address");
}

static void check_captures(void)
{
	char *out;
	int req = 0, rep = 0, arp = 0;

	SNIC_REQUIRE(snic_net_run(NULL, NULL, "%s ctl --ctl %s capture uplink0 off >/dev/null", SNIC_SIM,
				  ctl) == 0 &&
		     snic_net_run(NULL, NULL, "%s ctl --ctl %s capture vf0 off >/dev/null", SNIC_SIM,
				  ctl) == 0, "stop captures");
	out = snic_net_tshark_fields(cap_up, "-o ip.check_checksum:TRUE", "vxlan.vni",
				     "ip.src", "ip.dst", "icmp.type", "arp.opcode",
				     "ip.checksum.status", "udp.dstport", NULL);
	SNIC_REQUIRE(out, "tshark on %s", cap_up);
	for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
		char *f[7] = { 0 }, *p = l;
		for (int k = 0; k < 7 && p; k++) {
			f[k] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		if (!f[6] || strcmp(f[0], "5001"))
			continue;
		SNIC_CHECK(f[5][0] == '1' && !strchr(f[5], '0') && !strchr(f[5], '2'),
			   "VXLAN frame %s -> %s: IPv4 checksum status %s (1 = good)",
			   f[1], f[2], f[5]);
		if (!strcmp(f[1], "192.0.2.1,10.0.0.1") && !strcmp(f[2], "192.0.2.2,10.0.0.2") &&
		    !strcmp(f[3], "8"))
			req++;
		if (!strcmp(f[1], "192.0.2.2,10.0.0.2") && !strcmp(f[2], "192.0.2.1,10.0.0.1") &&
		    !strcmp(f[3], "0"))
			rep++;
		if (f[4][0])
			arp++;
	}
	printf("uplink capture: %d VXLAN echo requests out, %d echo replies in, %d ARP\n",
	       req, rep, arp);
	SNIC_CHECK(req >= 3, "tshark sees our VXLAN (VNI 5001) echo requests (%d)", req);
	SNIC_CHECK(rep >= 3, "tshark sees the kernel's VXLAN echo replies (%d)", rep);
	free(out);
	out = snic_net_tshark_fields(cap_vf, "", "eth.dst", "ip.src", "icmp.type",
				     "vxlan.vni", "ip.dst", NULL);
	SNIC_REQUIRE(out, "tshark on %s", cap_vf);
	SNIC_CHECK(strstr(out, "02:00:00:00:00:01\t10.0.0.2\t0\t") != NULL,
		   "the VM's port saw decapsulated echo replies from 10.0.0.2");
	SNIC_CHECK(strstr(out, "5001") == NULL && strstr(out, "192.0.2.") == NULL,
		   "nothing of the underlay (no VNI, no VTEP address) reached the VM");
	free(out);
}

/* A second snic-sim with the same name is refused, saying why; after a
 * kill -9 a new one reclaims the name and the stale sockets. */
static void restart_checks(void)
{
	char *out = NULL;
	int rc = snic_net_run(NULL, &out, "%s --name %s --socket %s 2>&1", SNIC_SIM,
			      name, sock);

	SNIC_CHECK(rc == 1 && out && strstr(out, "in use: another snic-sim is serving it"),
		   "a second snic-sim on the same socket is refused: %s", out ? out : "");
	free(out);
	kill(sim_pid, SIGKILL);
	snic_net_stop(sim_pid, SIGKILL, 2000);
	SNIC_CHECK(access(sock, F_OK) == 0, "kill -9 leaves the socket file behind");
	sim_pid = snic_net_spawn(NULL, simlog, "%s --name %s --socket %s --vf-netns 0=%s "
				 "--vf-mac 0=02:00:00:00:00:01 --uplink-netns %s %s",
				 SNIC_SIM, name, sock, ns_vm, ns_ul,
				 afpacket ? "--uplink-dev nicup" : "");
	bool up = false;
	for (int i = 0; i < 100 && !up; i++) {
		char *st = snic_net_sim_status(SNIC_SIM, ctl);
		up = st != NULL;
		free(st);
		if (!up)
			usleep(50000);
	}
	SNIC_CHECK(up, "a new snic-sim reclaims the name, TAPs and stale sockets");
}

int main(int argc, char **argv)
{
	static struct snic_fwc f;
	struct snic_drv_chan *c;
	struct ids ids;
	int pfd[2];
	pid_t host;
	uint64_t pk[2], pk2[2];
	char *st;

	afpacket = argc > 1 && !strcmp(argv[1], "--uplink=afpacket");
	printf("uplink: %s\n", afpacket ? "AF_PACKET on a veth" : "TAP");
	snic_test_need_root();
	snic_test_need_tool("tshark");
	snic_test_need_tool("ping");
	setup();

	/* 1. a host process installs the overlay */
	SNIC_REQUIRE(pipe(pfd) == 0, "pipe");
	host = fork();
	if (host == 0) {
		close(pfd[0]);
		host_process(pfd[1]);
		_exit(0);
	}
	close(pfd[1]);
	SNIC_REQUIRE(read(pfd[0], &ids, sizeof(ids)) == (ssize_t)sizeof(ids),
		     "the host process installed the rules");
	SNIC_CHECK(ping(ns_vm, "10.0.0.2") == 0, "VM pings the kernel VXLAN peer");
	SNIC_CHECK(ping(ns_kp, "10.0.0.1") == 0, "the kernel VXLAN peer pings the VM");

	/* 2. kill -9 the host process: the flows keep forwarding */
	kill(host, SIGKILL);
	waitpid(host, NULL, 0);
	wait_detached();
	SNIC_CHECK(ping(ns_vm, "10.0.0.2") == 0, "after kill -9 of the host: VM still pings");
	SNIC_CHECK(ping(ns_kp, "10.0.0.1") == 0, "after kill -9 of the host: peer still pings");

	/* a new host process (this one) attaches and finds the same state */
	open_chan(&c);
	snic_drv_chan_fwc_init(c, &f);
	struct snic_ifc_query_table_out tq;
	struct snic_ifc_query_entry_out eq;
	FWC_OK(&f, snic_fwc_query_table(&f, ids.root, &tq));
	SNIC_CHECK(snic_ifc_le32(tq.n_groups) == 2 && snic_ifc_le32(tq.n_entries) == 2 &&
		   snic_ifc_le32(tq.flags) == SNIC_TABLE_F_ROOT,
		   "the root table is still there with its 2 groups and 2 entries");
	FWC_OK(&f, snic_fwc_query_entry(&f, ids.e_deliver, &eq));
	SNIC_CHECK(snic_ifc_le32(eq.table) == ids.t1 &&
		   snic_ifc_le16(eq.actions.dests[0].vport) == SNIC_IFC_VPORT_VF(0),
		   "the deliver entry is still there");
	FWC_OK(&f, snic_fwc_query_counters(&f, ids.cnt, 2, 0, pk, NULL));
	printf("counters after the host was killed: encap %llu, deliver %llu\n",
	       (unsigned long long)pk[0], (unsigned long long)pk[1]);
	SNIC_CHECK(pk[0] >= 12 && pk[1] >= 12, "both counters counted all four pings");
	SNIC_CHECK(ping(ns_vm, "10.0.0.2") == 0, "VM pings with the new host attached");
	FWC_OK(&f, snic_fwc_query_counters(&f, ids.cnt, 2, 0, pk2, NULL));
	SNIC_CHECK(pk2[0] >= pk[0] + 3 && pk2[1] >= pk[1] + 3, "counters keep counting");

	/* the VF's link state is its TAP's carrier */
	struct snic_ifc_vport_ctx x = { .link_state = SNIC_LINK_DOWN };
	char *carrier = NULL;
	FWC_OK(&f, snic_fwc_modify_vport(&f, SNIC_IFC_VPORT_VF(0), SNIC_VPORT_F_LINK, &x));
	usleep(100000);
	snic_net_run(ns_vm, &carrier, "cat /sys/class/net/%spf0vf0/carrier", name);
	SNIC_CHECK(carrier && carrier[0] == '0', "VF link down: the VM's NIC has no carrier (%s)",
		   carrier ? carrier : "?");
	free(carrier);
	struct snic_ifc_query_vport_out vq0, vq1;
	FWC_OK(&f, snic_fwc_query_vport(&f, SNIC_IFC_VPORT_VF(0), &vq0));
	SNIC_CHECK(ping(ns_vm, "10.0.0.2") != 0, "VF link down: the VM cannot send");
	SNIC_CHECK(ping(ns_kp, "10.0.0.1") != 0, "VF link down: nothing reaches the VM");
	FWC_OK(&f, snic_fwc_query_vport(&f, SNIC_IFC_VPORT_VF(0), &vq1));
	SNIC_CHECK(snic_ifc_le64(vq1.stats.drop_link) >= snic_ifc_le64(vq0.stats.drop_link) + 3,
		   "VF link down: the firmware dropped the peer's pings for the link "
		   "(%llu -> %llu)", (unsigned long long)snic_ifc_le64(vq0.stats.drop_link),
		   (unsigned long long)snic_ifc_le64(vq1.stats.drop_link));
	x.link_state = SNIC_LINK_AUTO;
	FWC_OK(&f, snic_fwc_modify_vport(&f, SNIC_IFC_VPORT_VF(0), SNIC_VPORT_F_LINK, &x));
	usleep(100000);
	carrier = NULL;
	snic_net_run(ns_vm, &carrier, "cat /sys/class/net/%spf0vf0/carrier", name);
	SNIC_CHECK(carrier && carrier[0] == '1', "VF link auto: carrier back (%s)",
		   carrier ? carrier : "?");
	free(carrier);
	SNIC_CHECK(ping(ns_vm, "10.0.0.2") == 0, "VF link back: traffic flows");

	/* 3a. malformed frames from the VM: counted, dropped */
	struct snic_ifc_query_stats_out s0, s1;
	uint8_t bad[60] = { 0 };
	memcpy(bad, "\x02\x00\x00\x00\x00\x02", 6);
	memcpy(bad + 6, vm_mac, 6);
	bad[12] = 0x08;
	bad[14] = 0x43;         /* IPv4 with IHL 3 */
	FWC_OK(&f, snic_fwc_query_stats(&f, &s0));
	SNIC_CHECK(vm_send_raw(bad, sizeof(bad), 5) == 0, "VM sent 5 malformed frames");
	bad[14] = 0x45;
	bad[16] = 0xff;         /* total length beyond the frame */
	SNIC_CHECK(vm_send_raw(bad, sizeof(bad), 4) == 0, "VM sent 4 more");
	usleep(200000);
	FWC_OK(&f, snic_fwc_query_stats(&f, &s1));
	SNIC_CHECK(snic_ifc_le64(s1.drops[SNIC_DROP_BAD_IPV4]) -
		   snic_ifc_le64(s0.drops[SNIC_DROP_BAD_IPV4]) == 5,
		   "5 frames counted as BAD_IPV4");
	SNIC_CHECK(snic_ifc_le64(s1.drops[SNIC_DROP_BAD_IPV4_LEN]) -
		   snic_ifc_le64(s0.drops[SNIC_DROP_BAD_IPV4_LEN]) == 4,
		   "4 frames counted as BAD_IPV4_LEN");

	/* 3b. garbage in the shared rings */
	struct snic_chan_shm *shm = snic_drv_chan_shm(c);
	struct snic_chan_queue *qs = (void *)((uint8_t *)shm + shm->queue_off);
	uint32_t q = (uint32_t)snic_drv_chan_queue_of(c, SNIC_IFC_VPORT_VF(0));
	st = snic_net_sim_status(SNIC_SIM, ctl);
	uint64_t bri0 = status_field(st, "bad_ring_index="), bdl0 = status_field(st, "bad_desc_len=");
	free(st);
	uint32_t cons = atomic_load((_Atomic uint32_t *)&qs[q].tx.cons.v);
	qs[q].tx.desc[cons % SNIC_CHAN_RING_SIZE].len = 60000;
	qs[q].tx.desc[(cons + 1) % SNIC_CHAN_RING_SIZE].len = 3;
	/* publish and ring the doorbell, as a host does (the NIC may sleep) */
	atomic_store((_Atomic uint32_t *)&qs[q].tx.prod.v, cons + 2);
	SNIC_REQUIRE(write(snic_drv_chan_doorbell_fd(c), &(uint64_t){ 1 }, 8) == 8, "doorbell");
	usleep(300000);
	atomic_store((_Atomic uint32_t *)&qs[q].tx.prod.v, cons + 2 + 100000);
	SNIC_REQUIRE(write(snic_drv_chan_doorbell_fd(c), &(uint64_t){ 1 }, 8) == 8, "doorbell");
	usleep(300000);
	st = snic_net_sim_status(SNIC_SIM, ctl);
	SNIC_REQUIRE(st, "snic-sim still answers after garbage in its rings");
	printf("after garbage: bad_desc_len %llu -> %llu, bad_ring_index %llu -> %llu\n",
	       (unsigned long long)bdl0, (unsigned long long)status_field(st, "bad_desc_len="),
	       (unsigned long long)bri0, (unsigned long long)status_field(st, "bad_ring_index="));
	SNIC_CHECK(status_field(st, "bad_desc_len=") == bdl0 + 2,
		   "two descriptors with impossible lengths counted");
	SNIC_CHECK(status_field(st, "bad_ring_index=") == bri0 + 1,
		   "a producer index 100000 ahead counted");
	free(st);
	SNIC_CHECK(ping(ns_vm, "10.0.0.2") == 0, "and the NIC still forwards");
	snic_drv_chan_close(c);

	/* a capture started at run time */
	char cap_rt[160];
	snprintf(cap_rt, sizeof(cap_rt), "/tmp/snict-%s-runtime.pcap", name);
	SNIC_CHECK(snic_net_run(NULL, NULL, "%s ctl --ctl %s capture vf0 %s >/dev/null",
				SNIC_SIM, ctl, cap_rt) == 0, "start a capture at run time");
	SNIC_CHECK(ping(ns_vm, "10.0.0.2") == 0, "ping during the run-time capture");
	check_captures();
	char *rt = snic_net_tshark_fields(cap_rt, "", "icmp.type", NULL);
	SNIC_CHECK(rt && strstr(rt, "8\n") && strstr(rt, "0\n"),
		   "the run-time capture of vf0 has echo requests and replies");
	free(rt);
	unlink(cap_rt);

	restart_checks();

	/* the VM deletes its NIC: snic-sim closes the port and still sleeps */
	SNIC_CHECK(snic_net_run(ns_vm, NULL, "ip link del %spf0vf0", name) == 0,
		   "the VM deletes its VF netdev");
	usleep(300000);
	unsigned long long t0 = snic_net_proc_ticks(sim_pid);
	sleep(2);
	unsigned long long t1 = snic_net_proc_ticks(sim_pid);
	printf("snic-sim CPU over 2 s after the VF vanished: %llu ticks\n", t1 - t0);
	SNIC_CHECK(t1 - t0 <= 10, "snic-sim does not spin on a vanished port (%llu ticks "
		   "in 2 s)", t1 - t0);
	char *st2 = snic_net_sim_status(SNIC_SIM, ctl);
	SNIC_CHECK(st2 && strstr(st2, "port vf0") && strstr(st2, "carrier=down"),
		   "status shows the vanished VF port down");
	free(st2);

	/* clean stop: every TAP and socket goes */
	SNIC_CHECK(snic_net_stop(sim_pid, SIGTERM, 5000) == 0, "snic-sim exits 0 on SIGTERM");
	char *links = NULL;
	snic_net_run(NULL, &links, "ip -o link; ip -n %s -o link; ip -n %s -o link", ns_vm, ns_ul);
	SNIC_CHECK(links && !strstr(links, name), "no TAP of snic-sim is left");
	free(links);
	SNIC_CHECK(access(sock, F_OK) != 0 && access(ctl, F_OK) != 0, "its sockets are gone");
	if (snic_test_failed_)
		snic_net_run(NULL, NULL, "tail -n 30 %s", simlog);
	unlink(cap_up);
	unlink(cap_vf);
	unlink(simlog);
	return snic_test_done();
}
