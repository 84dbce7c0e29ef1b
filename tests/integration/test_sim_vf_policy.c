/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_sim_vf_policy.c - snic-sim's SR-IOV state and VF policy on real
 * network namespaces, driven through the host-side channel library, in the
 * board's default legacy e-switch mode.
 *
 *   namespace A ── VF0 TAP ──┐
 *                            snic-sim (legacy: forwarding by MAC)
 *   namespace B ── VF1 TAP ──┘
 *
 * 1. SR-IOV: started with --num-vfs 2, only VF0 and VF1 have TAPs;
 *    QUERY_SRIOV says 2 of the board's VFs; SET_NUM_VFS 3 is refused
 *    (NUM_VFS_BUSY); 0 removes both TAPs (from their namespaces); 2 brings
 *    them back, in their namespaces, with the VFs' MACs.
 * 2. Rate: VF0's max_rate is set to 100 Mbit/s; iperf3 TCP from A to B for
 *    5 s must give 90-110 Mbit/s at the sender and the receiver (the
 *    simulator stops reading VF0's TAP while VF0 has no tokens: back-pressure,
 *    as a NIC's shaper, not only drops); a UDP flood of 300 Mbit/s must
 *    arrive at no more than 110 Mbit/s.
 * 3. Link: VF0 link down stops the ping, link up restores it.
 * 4. Spoof check: VF0 with spoof check on and a forged source MAC in A gets
 *    nothing through; the drops are counted in VF0's drop_spoof.
 *
 * Every namespace and process is removed at exit, also on failure.
 * SNIC_RATE_ONLY=1 runs only part 2 and prints the figures.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snic_drv_chan.h"
#include "snic_fwc.h"
#include "snic_test.h"
#include "snic_test_net.h"

static char ns_a[SNIC_NET_NAME_MAX], ns_b[SNIC_NET_NAME_MAX], ns_u[SNIC_NET_NAME_MAX];
static char name[8], sock[128], ctl[128], simlog[128], vf0[16], vf1[16];
static pid_t sim_pid;
static struct snic_drv_chan *chan;
static struct snic_fwc f;

#define FWC_OK(call)                                                           \
	do {                                                                   \
		char b_[256];                                                  \
		SNIC_REQUIRE((call) == SNIC_SYN_OK, "%s",                      \
			     snic_fwc_strerror(&f, b_, sizeof(b_)));           \
	} while (0)

static bool tap_exists(const char *ns, const char *ifname)
{
	return snic_net_run(ns, NULL, "ip link show %s >/dev/null 2>&1", ifname) == 0;
}

/* Wait up to ms for a TAP to (dis)appear. */
static bool wait_tap(const char *ns, const char *ifname, bool want, int ms)
{
	for (int t = 0; t < ms; t += 50) {
		if (tap_exists(ns, ifname) == want)
			return true;
		usleep(50000);
	}
	return tap_exists(ns, ifname) == want;
}

static bool ping_ok(void)
{
	return snic_net_run(ns_a, NULL, "ping -c 2 -i 0.2 -W 1 -q 10.9.0.2 >/dev/null 2>&1") == 0;
}

static void addresses(void)
{
	SNIC_REQUIRE(snic_net_run(ns_a, NULL, "ip addr add 10.9.0.1/24 dev %s && "
				  "ip link set %s up", vf0, vf0) == 0, "address of VF0");
	SNIC_REQUIRE(snic_net_run(ns_b, NULL, "ip addr add 10.9.0.2/24 dev %s && "
				  "ip link set %s up", vf1, vf1) == 0, "address of VF1");
	for (int i = 0; i < 20 && !ping_ok(); i++)
		usleep(100000);
	SNIC_REQUIRE(ping_ok(), "ping from VF0 to VF1");
}

static void start(void)
{
	bool up = false;

	SNIC_REQUIRE(!snic_net_ns_create(ns_a) && !snic_net_ns_create(ns_b) &&
		     !snic_net_ns_create(ns_u), "namespaces");
	snprintf(name, sizeof(name), "r%05d", (int)(getpid() % 100000));
	snprintf(sock, sizeof(sock), "/tmp/snic-test-%s.sock", name);
	snprintf(ctl, sizeof(ctl), "/tmp/snic-test-%s.ctl", name);
	snprintf(simlog, sizeof(simlog), "/tmp/snic-test-%s.log", name);
	snprintf(vf0, sizeof(vf0), "%spf0vf0", name);
	snprintf(vf1, sizeof(vf1), "%spf0vf1", name);
	sim_pid = snic_net_spawn(NULL, simlog, "%s --name %s --socket %s --num-vfs 2 "
				 "--vf-netns 0=%s --vf-netns 1=%s --uplink-netns %s "
				 "--no-pf-tap", SNIC_SIM, name, sock, ns_a, ns_b, ns_u);
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
	{
		char err[256];
		SNIC_REQUIRE(snic_drv_chan_open(sock, &chan, err, sizeof(err)) == 0,
			     "attach to %s: %s", sock, err);
	}
	snic_drv_chan_fwc_init(chan, &f);
}

static void test_sriov(void)
{
	uint32_t total = 0, num = 0;
	char *st;
	char vf2[16];
	struct snic_ifc_query_vport_out q;

	snprintf(vf2, sizeof(vf2), "%spf0vf2", name);
	FWC_OK(snic_fwc_query_sriov(&f, &total, &num));
	SNIC_CHECK(total == 8 && num == 2, "QUERY_SRIOV: %u of %u VFs, want 2 of 8",
		   num, total);
	SNIC_CHECK(tap_exists(ns_a, vf0) && tap_exists(ns_b, vf1), "TAPs of VF0, VF1");
	SNIC_CHECK(!tap_exists(NULL, vf2), "no TAP for the disabled VF2");
	st = snic_net_sim_status(SNIC_SIM, ctl);
	SNIC_CHECK(st && strstr(st, "sriov total_vfs=8 num_vfs=2"), "status shows "
		   "SR-IOV: %s", st ? st : "(none)");
	free(st);
	SNIC_CHECK(snic_net_run(NULL, NULL, "%s ctl --ctl %s capture vf2 /tmp/x.pcap "
				"2>&1 | grep -q 'not enabled'", SNIC_SIM, ctl) == 0,
		   "capture on a disabled VF says it is not enabled");

	SNIC_CHECK(snic_fwc_set_num_vfs(&f, 3) == SNIC_SYN_NUM_VFS_BUSY,
		   "2 -> 3 VFs is refused as busy");
	SNIC_CHECK(snic_fwc_set_num_vfs(&f, 9) == SNIC_SYN_NUM_VFS_RANGE,
		   "9 of 8 VFs is refused");
	FWC_OK(snic_fwc_set_num_vfs(&f, 0));
	SNIC_CHECK(wait_tap(ns_a, vf0, false, 2000) && wait_tap(ns_b, vf1, false, 2000),
		   "disabling removes the TAPs from their namespaces");
	FWC_OK(snic_fwc_query_vport(&f, SNIC_IFC_VPORT_VF(0), &q));
	SNIC_CHECK(!q.enabled && !q.link_up, "VF0 reported disabled, link down");
	FWC_OK(snic_fwc_set_num_vfs(&f, 2));
	SNIC_CHECK(wait_tap(ns_a, vf0, true, 2000) && wait_tap(ns_b, vf1, true, 2000),
		   "enabling creates the TAPs in their namespaces again");
	FWC_OK(snic_fwc_query_vport(&f, SNIC_IFC_VPORT_VF(0), &q));
	SNIC_CHECK(q.enabled, "VF0 reported enabled");
	{
		char *mac = NULL;
		char want[32];

		snprintf(want, sizeof(want), "%02x:%02x:%02x:%02x:%02x:%02x", q.ctx.mac[0],
			 q.ctx.mac[1], q.ctx.mac[2], q.ctx.mac[3], q.ctx.mac[4], q.ctx.mac[5]);
		snic_net_run(ns_a, &mac, "cat /sys/class/net/%s/address", vf0);
		SNIC_CHECK(mac && !strncmp(mac, want, strlen(want)), "VF0's TAP has the "
			   "VF's MAC %s: %s", want, mac ? mac : "(none)");
		free(mac);
	}
}

/* bits_per_second of the JSON object after key in an iperf3 -J report. */
static double bps_after(const char *json, const char *key)
{
	const char *p = json ? strstr(json, key) : NULL;

	p = p ? strstr(p, "\"bits_per_second\"") : NULL;
	p = p ? strchr(p, ':') : NULL;
	return p ? strtod(p + 1, NULL) : -1.0;
}

static void set_rate(uint32_t mbps)
{
	struct snic_ifc_vport_ctx x = { .max_rate = mbps };

	FWC_OK(snic_fwc_modify_vport(&f, SNIC_IFC_VPORT_VF(0), SNIC_VPORT_F_RATE, &x));
}

static char *iperf(const char *args)
{
	char *out = NULL;
	pid_t srv = snic_net_spawn(ns_b, NULL, "iperf3 -s -1 -B 10.9.0.2");
	int rc = -1;

	SNIC_REQUIRE(srv > 0, "iperf3 server");
	for (int i = 0; i < 40; i++) {
		/* the server takes a moment to listen */
		usleep(100000);
		if (snic_net_run(ns_b, NULL, "ss -ltn | grep -q ':5201 '") == 0)
			break;
	}
	rc = snic_net_run(ns_a, &out, "iperf3 -c 10.9.0.2 -J %s", args);
	snic_net_stop(srv, 15, 3000);
	if (rc != 0) {
		fprintf(stderr, "iperf3 %s: exit %d: %s\n", args, rc, out ? out : "");
		free(out);
		return NULL;
	}
	return out;
}

static void test_rate(void)
{
	struct snic_ifc_query_vport_out q;
	double snd, rcv;
	char *j;

	set_rate(100);
	j = iperf("-t 5");
	SNIC_REQUIRE(j, "iperf3 TCP");
	snd = bps_after(j, "\"sum_sent\"") / 1e6;
	rcv = bps_after(j, "\"sum_received\"") / 1e6;
	FWC_OK(snic_fwc_query_vport(&f, SNIC_IFC_VPORT_VF(0), &q));
	printf("TCP through a 100 Mbit/s VF: sender %.1f Mbit/s, receiver %.1f Mbit/s "
	       "(drop_rate %llu)\n", snd, rcv,
	       (unsigned long long)snic_ifc_le64(q.stats.drop_rate));
	SNIC_CHECK(snd >= 90 && snd <= 110, "TCP sender %.1f Mbit/s, want 90-110", snd);
	SNIC_CHECK(rcv >= 90 && rcv <= 110, "TCP receiver %.1f Mbit/s, want 90-110", rcv);
	free(j);

	j = iperf("-u -b 300M -t 5");
	SNIC_REQUIRE(j, "iperf3 UDP");
	snd = bps_after(j, "\"sum_sent\"") / 1e6;
	rcv = bps_after(j, "\"sum_received\"") / 1e6;
	if (rcv < 0)    /* older iperf3: one "sum", the receiver's view */
		rcv = bps_after(j, "\"sum\"") / 1e6;
	FWC_OK(snic_fwc_query_vport(&f, SNIC_IFC_VPORT_VF(0), &q));
	printf("UDP flood of 300 Mbit/s through a 100 Mbit/s VF: sent %.1f Mbit/s, "
	       "received %.1f Mbit/s (drop_rate %llu)\n", snd, rcv,
	       (unsigned long long)snic_ifc_le64(q.stats.drop_rate));
	SNIC_CHECK(rcv > 0 && rcv <= 110, "UDP receiver %.1f Mbit/s, want <= 110", rcv);
	free(j);
	set_rate(0);
}

static void test_link_spoof(void)
{
	struct snic_ifc_vport_ctx x = { .link_state = SNIC_LINK_DOWN };
	struct snic_ifc_query_vport_out q;

	FWC_OK(snic_fwc_modify_vport(&f, SNIC_IFC_VPORT_VF(0), SNIC_VPORT_F_LINK, &x));
	SNIC_CHECK(!ping_ok(), "no ping with VF0's link down");
	x.link_state = SNIC_LINK_AUTO;
	FWC_OK(snic_fwc_modify_vport(&f, SNIC_IFC_VPORT_VF(0), SNIC_VPORT_F_LINK, &x));
	for (int i = 0; i < 20 && !ping_ok(); i++)
		usleep(100000);
	SNIC_CHECK(ping_ok(), "ping again with VF0's link up");

	x.spoofchk = 1;
	FWC_OK(snic_fwc_modify_vport(&f, SNIC_IFC_VPORT_VF(0), SNIC_VPORT_F_SPOOFCHK, &x));
	SNIC_CHECK(ping_ok(), "ping with spoof check on and the VF's own MAC");
	SNIC_REQUIRE(snic_net_run(ns_a, NULL, "ip link set %s address 02:66:66:66:66:66 && "
				  "ip neigh flush dev %s", vf0, vf0) == 0, "forge VF0's MAC");
	SNIC_CHECK(!ping_ok(), "no ping with a forged source MAC");
	FWC_OK(snic_fwc_query_vport(&f, SNIC_IFC_VPORT_VF(0), &q));
	SNIC_CHECK(snic_ifc_le64(q.stats.drop_spoof) > 0, "forged frames counted in "
		   "drop_spoof");
}

int main(void)
{
	bool rate_only = getenv("SNIC_RATE_ONLY") != NULL;

	snic_test_need_root();
	snic_test_need_tool("iperf3");
	start();
	if (!rate_only)
		test_sriov();
	addresses();
	test_rate();
	if (!rate_only)
		test_link_spoof();
	snic_drv_chan_close(chan);
	SNIC_CHECK(snic_net_stop(sim_pid, 15, 5000) == 0, "snic-sim stops cleanly");
	return snic_test_done();
}
