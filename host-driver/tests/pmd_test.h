/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pmd_test.h - what the net_snic test programs (test_pmd, test_pmd_intr)
 * share: a real snic-sim on the small test board in a network namespace of
 * the test's (its TAPs live there: "<name>pf0vfN" are the VMs' NICs,
 * "<name>p0" the wire), the real EAL over it with
 * --vdev net_snic0,dev=<socket>,representor=vf[0-1], an mbuf pool, and raw
 * frames sent from inside the namespace.  Each program is one translation
 * unit: include this once.  The namespace and snic-sim are removed when the
 * test exits, however it exits (snic_test_net.h).
 */
#ifndef PMD_TEST_H
#define PMD_TEST_H

#include <linux/if_packet.h>
#include <net/if.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "snic_test.h"
#include "snic_test_net.h"

static char ns[SNIC_NET_NAME_MAX], name[8], sock[128], ctl[128], simlog[128];
static struct rte_mempool *mp;

/* Run fn(arg) in a child inside the namespace; its exit status. */
static inline int in_ns(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		if (snic_net_enter(ns))
			_exit(100);
		_exit(fn(arg));
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 101;
}

struct raw {
	const char *ifname;
	uint8_t frame[2048];
	size_t len;
	int timeout_ms;         /* recv: how long to wait */
};

static inline int raw_socket(const char *ifname, struct sockaddr_ll *sll)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(0x0003 /* ETH_P_ALL */));

	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_protocol = htons(0x0003);
	sll->sll_ifindex = (int)if_nametoindex(ifname);
	if (fd < 0 || !sll->sll_ifindex ||
	    bind(fd, (struct sockaddr *)sll, sizeof(*sll)) != 0)
		return -1;
	return fd;
}

/* Send r's frame on r->ifname (in the namespace: through in_ns()). */
static inline int raw_send(void *arg)
{
	struct raw *r = arg;
	struct sockaddr_ll sll;
	int fd = raw_socket(r->ifname, &sll);

	if (fd < 0)
		return 2;
	return sendto(fd, r->frame, r->len, 0, (struct sockaddr *)&sll, sizeof(sll)) ==
	       (ssize_t)r->len ? 0 : 3;
}

/* A frame of ours (EtherType 0x88b5), len bytes, its payload from tag. */
static inline void test_frame(struct raw *r, const char *ifname, uint8_t tag, size_t len)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0x77, 0x01 };

	r->ifname = ifname;
	r->len = len;
	memcpy(r->frame, dst, 6);
	memcpy(r->frame + 6, "\x02\x00\x00\x00\x77\x02", 6);
	r->frame[12] = 0x88;        /* local experimental EtherType */
	r->frame[13] = 0xb5;
	for (size_t i = 14; i < len; i++)
		r->frame[i] = (uint8_t)(tag + i);
	r->timeout_ms = 3000;
}

/*
 * snic-sim in a fresh namespace (IPv6 off, so its TAPs send nothing of
 * their own), then the EAL (prog names it) with net_snic0 over it and the
 * mbuf pool.  Fails the test when any of it does not come up.
 */
static inline void pmd_test_begin(const char *prog)
{
	static char vdev[256];

	snic_test_need_root();
	snprintf(name, sizeof(name), "p%05d", (int)(getpid() % 100000));
	snprintf(sock, sizeof(sock), "/tmp/snict-%s.sock", name);
	snprintf(ctl, sizeof(ctl), "/tmp/snict-%s.ctl", name);
	snprintf(simlog, sizeof(simlog), "/tmp/snict-%s.log", name);
	SNIC_REQUIRE(snic_net_ns_create(ns) == 0, "namespace");
	snic_net_run(ns, NULL, "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 "
		     "net.ipv6.conf.default.disable_ipv6=1");
	SNIC_REQUIRE(snic_net_spawn(ns, simlog, "%s --name %s --socket %s --board %s",
				    SNIC_SIM, name, sock,
				    snic_test_build_path("tests/fixtures/small.dtb")) > 0,
		     "start snic-sim");
	SNIC_REQUIRE(snic_net_sim_wait(SNIC_SIM, ctl, simlog) == 0, "snic-sim is up");

	snprintf(vdev, sizeof(vdev), "net_snic0,dev=%s,representor=vf[0-1]", sock);
	char *eal[] = { (char *)prog, "-l", "0", "--no-huge", "--no-shconf", "--no-pci",
			"-m", "256", "--log-level", "lib.eal:error", "--vdev", vdev, NULL };
	SNIC_REQUIRE(rte_eal_init(12, eal) >= 0, "EAL init: %s", rte_strerror(rte_errno));
	mp = rte_pktmbuf_pool_create(prog, 1024, 32, 0, 2048 + RTE_PKTMBUF_HEADROOM,
				     rte_socket_id());
	SNIC_REQUIRE(mp, "mbuf pool");
}

/* Configure (one rx and one tx queue, conf) and start a port. */
static inline void pmd_test_start_port(uint16_t port, const struct rte_eth_conf *conf)
{
	SNIC_REQUIRE(rte_eth_dev_configure(port, 1, 1, conf) == 0, "configure %u", port);
	SNIC_REQUIRE(rte_eth_rx_queue_setup(port, 0, 256, 0, NULL, mp) == 0, "rxq %u", port);
	SNIC_REQUIRE(rte_eth_tx_queue_setup(port, 0, 256, 0, NULL) == 0, "txq %u", port);
	SNIC_REQUIRE(rte_eth_dev_start(port) == 0, "start %u", port);
}

/* Has snic-sim seen the host leave (within 3 s)? */
static inline bool pmd_test_sim_detached(void)
{
	char *out = NULL;
	bool gone = false;

	for (int i = 0; i < 30 && !gone; i++) {
		free(out);
		out = NULL;
		snic_net_run(NULL, &out, "%s ctl --ctl %s status", SNIC_SIM, ctl);
		gone = out && strstr(out, "host none");
		if (!gone)
			usleep(100000);
	}
	free(out);
	return gone;
}

/* Stop and close the uplink port and the representors (the last close
 * detaches from the NIC: snic-sim must see it), stop the EAL; the test's
 * result. */
static inline int pmd_test_end(uint16_t up, const uint16_t rep[2])
{
	for (int i = 0; i < 2; i++)
		SNIC_CHECK(rte_eth_dev_stop(rep[i]) == 0, "stop representor %d", i);
	SNIC_CHECK(rte_eth_dev_stop(up) == 0, "stop the uplink port");
	rte_eth_dev_close(rep[0]);
	rte_eth_dev_close(rep[1]);
	rte_eth_dev_close(up);
	SNIC_CHECK(pmd_test_sim_detached(), "closing the ports detached from the NIC");
	rte_eal_cleanup();
	unlink(simlog);
	return snic_test_done();
}

#endif /* PMD_TEST_H */
