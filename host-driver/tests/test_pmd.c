/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_pmd.c - net_snic under the real DPDK EAL, over a real snic-sim.
 *
 * snic-sim runs in a network namespace of the test's (its TAPs live there);
 * this process starts the EAL with --vdev net_snic0,dev=<socket>,
 * representor=vf[0-1] and checks: the three ports and how they are related
 * (switch domain, representor ids, backer port, representor info); link;
 * frames a VF's VM sends reach the VF representor's rx byte for byte, and
 * frames from the wire reach the uplink port (no rules: everything is the
 * exception path); frames sent on a representor come out of the represented
 * TAP byte for byte; a full ring pushes back (tx takes fewer); stats; and
 * closing the ports detaches from the NIC.
 */
#include <errno.h>
#include <poll.h>

#include <rte_flow.h>
#include <ethdev_driver.h>

#include "pmd_test.h"
#include "snic_ifc.h"

/* Receive on r->ifname until a frame arrives that carries r's frame at
 * offset off (0: ours as is; 50: ours behind VXLAN headers).  Returns 0
 * when it does and the headers in front are right, 4/5 on a wrong frame,
 * 3 on timeout, 2 when the socket cannot be opened. */
static int raw_recv_at(struct raw *r, size_t off)
{
	struct sockaddr_ll sll;
	int fd = raw_socket(r->ifname, &sll);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t buf[2048];

	if (fd < 0)
		return 2;
	/* tell the parent we listen, then wait */
	(void)!write(STDOUT_FILENO, "L", 1);
	while (poll(&pfd, 1, r->timeout_ms) > 0) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (off == 0 && n >= 14 && buf[12] == 0x88 && buf[13] == 0xb5)
			return (size_t)n == r->len && !memcmp(buf, r->frame, r->len) ? 0 : 4;
		if (off && n == (ssize_t)(r->len + off) && !memcmp(buf + off, r->frame, r->len))
			return buf[12] == 0x08 && buf[23] == 17 && buf[36] == 0x12 &&
			       buf[37] == 0xb5 && buf[46] == 0 && buf[47] == 0x13 &&
			       buf[48] == 0x89 ? 0 : 5;   /* IPv4, UDP 4789, VNI 5001 */
	}
	return 3;
}

/* Our frame (EtherType 0x88b5), byte for byte. */
static int raw_recv(void *arg)
{
	return raw_recv_at(arg, 0);
}

/* Our frame behind Ethernet/IPv4/UDP 4789/VXLAN 5001. */
static int raw_recv_vxlan(void *arg)
{
	return raw_recv_at(arg, 50);
}

/* Listen on ifname (in the namespace) in a child; returns its pid once it
 * listens. */
static pid_t listen_for(int (*fn)(void *), struct raw *r)
{
	int pfd[2];
	char c;
	pid_t pid;

	if (pipe(pfd) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], STDOUT_FILENO);
		if (snic_net_enter(ns))
			_exit(100);
		_exit(fn(r));
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1)
		pid = -1;
	close(pfd[0]);
	return pid;
}

static int child_status(pid_t pid)
{
	int st;

	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Poll a port until a frame of ours arrives (or 3 s). */
static struct rte_mbuf *rx_one(uint16_t port)
{
	for (int i = 0; i < 3000; i++) {
		struct rte_mbuf *m[8];
		uint16_t n = rte_eth_rx_burst(port, 0, m, 8);
		struct rte_mbuf *hit = NULL;
		for (uint16_t k = 0; k < n; k++) {
			const uint8_t *d = rte_pktmbuf_mtod(m[k], const uint8_t *);
			if (!hit && m[k]->pkt_len >= 14 && d[12] == 0x88 && d[13] == 0xb5)
				hit = m[k];
			else
				rte_pktmbuf_free(m[k]);
		}
		if (hit)
			return hit;
		usleep(1000);
	}
	return NULL;
}

/* Poll a port until any frame arrives (or 3 s). */
static struct rte_mbuf *rx_one_any(uint16_t port)
{
	for (int i = 0; i < 3000; i++) {
		struct rte_mbuf *m;
		if (rte_eth_rx_burst(port, 0, &m, 1) == 1)
			return m;
		usleep(1000);
	}
	return NULL;
}

/* Put r's frame inside Ethernet/IPv4/UDP 4789/VXLAN vni (in place). */
static void vxlan_wrap(struct raw *r, uint32_t vni)
{
	uint8_t f[2048];
	size_t n = r->len + 50;
	uint32_t sum = 0;

	memset(f, 0, 50);
	memcpy(f, "\x02\x00\x00\x00\xaa\x01\x02\x00\x00\x00\xaa\x02\x08\x00", 14);
	f[14] = 0x45;
	f[16] = (uint8_t)((n - 14) >> 8);
	f[17] = (uint8_t)(n - 14);
	f[22] = 64;
	f[23] = 17;
	memcpy(f + 26, "\xc0\x00\x02\x02\xc0\x00\x02\x01", 8);
	for (int i = 14; i < 34; i += 2)
		sum += (uint32_t)(f[i] << 8 | f[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	f[24] = (uint8_t)(~sum >> 8);
	f[25] = (uint8_t)~sum;
	f[34] = 0xc3;                   /* source port 50000 */
	f[35] = 0x50;
	f[36] = 0x12;                   /* 4789 */
	f[37] = 0xb5;
	f[38] = (uint8_t)((n - 34) >> 8);
	f[39] = (uint8_t)(n - 34);
	f[42] = 0x08;
	f[46] = (uint8_t)(vni >> 16);
	f[47] = (uint8_t)(vni >> 8);
	f[48] = (uint8_t)vni;
	memcpy(f + 50, r->frame, r->len);
	memcpy(r->frame, f, n);
	r->len = n;
}

static void test_rules(uint16_t up, const uint16_t rep[2])
{
	struct rte_flow_error err;
	struct rte_flow_attr attr = { .transfer = 1 };
	struct rte_flow_item_ethdev from_vf0 = { .port_id = rep[0] }, from_vf1 = { .port_id = rep[1] };
	struct rte_flow_action_ethdev to_vf0 = { .port_id = rep[0] }, to_up = { .port_id = up };
	struct rte_flow_query_count qc = { .reset = 1 };
	struct rte_flow_action count = { .type = RTE_FLOW_ACTION_TYPE_COUNT };
	char ifname[IF_NAMESIZE];
	struct raw r;
	pid_t lis;
	uint16_t proxy = 99;

	SNIC_CHECK(rte_flow_pick_transfer_proxy(rep[1], &proxy, &err) == 0 && proxy == up,
		   "the uplink port is the transfer proxy (%u)", proxy);

	/* VF0 -> drop, counted */
	struct rte_flow_item p_vf0[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, .spec = &from_vf0 },
		{ .type = RTE_FLOW_ITEM_TYPE_ETH },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
	};
	struct rte_flow_action a_drop[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_DROP },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	SNIC_CHECK(rte_flow_validate(up, &attr, p_vf0, a_drop, &err) == 0,
		   "validate VF0 -> drop: %s", err.message ? err.message : "");
	struct rte_flow *drop = rte_flow_create(up, &attr, p_vf0, a_drop, &err);
	SNIC_REQUIRE(drop, "create VF0 -> drop: %s", err.message ? err.message : "?");
	snprintf(ifname, sizeof(ifname), "%spf0vf0", name);
	test_frame(&r, ifname, 5, 90);
	for (int i = 0; i < 3; i++)
		SNIC_CHECK(in_ns(raw_send, &r) == 0, "VM on VF0 sends");
	usleep(200000);
	struct rte_mbuf *m = NULL;
	uint16_t nrx = rte_eth_rx_burst(rep[0], 0, &m, 1);
	SNIC_CHECK(nrx == 0, "dropped frames do not reach VF0's representor");
	if (nrx)
		rte_pktmbuf_free(m);
	SNIC_CHECK(rte_flow_query(up, drop, &count, &qc, &err) == 0 && qc.hits_set &&
		   qc.hits == 3 && qc.bytes == 270,
		   "rte_flow_query: the drop rule counted 3 frames, 270 bytes (%llu, %llu)",
		   (unsigned long long)qc.hits, (unsigned long long)qc.bytes);
	SNIC_CHECK(rte_flow_destroy(up, drop, &err) == 0, "destroy the drop rule");

	/* VF1 -> VF0, counted */
	struct rte_flow_item p_vf1[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, .spec = &from_vf1 },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
	};
	struct rte_flow_action a_to_vf0[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, .conf = &to_vf0 },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct rte_flow *vf2vf = rte_flow_create(up, &attr, p_vf1, a_to_vf0, &err);
	SNIC_REQUIRE(vf2vf, "create VF1 -> VF0: %s", err.message ? err.message : "?");
	snprintf(ifname, sizeof(ifname), "%spf0vf0", name);
	test_frame(&r, ifname, 6, 120);
	lis = listen_for(raw_recv, &r);
	snprintf(ifname, sizeof(ifname), "%spf0vf1", name);
	r.ifname = ifname;
	SNIC_CHECK(in_ns(raw_send, &r) == 0, "VM on VF1 sends");
	SNIC_CHECK(child_status(lis) == 0, "VF1's frame arrives at VF0, byte for byte");
	qc.reset = 0;
	SNIC_CHECK(rte_flow_query(up, vf2vf, &count, &qc, &err) == 0 && qc.hits == 1,
		   "VF1 -> VF0 counted 1 (%llu)", (unsigned long long)qc.hits);

	/* VF0 -> VXLAN encap -> uplink */
	struct rte_flow_item_eth e_eth = {
		.hdr.dst_addr.addr_bytes = { 0x02, 0, 0, 0, 0x99, 0x01 },
		.hdr.src_addr.addr_bytes = { 0x02, 0, 0, 0, 0x99, 0x02 },
		.hdr.ether_type = RTE_BE16(0x0800),
	};
	struct rte_flow_item_ipv4 e_ip = {
		.hdr.version_ihl = 0x45, .hdr.time_to_live = 64,
		.hdr.next_proto_id = 17,
		.hdr.src_addr = RTE_BE32(0xc0000201), .hdr.dst_addr = RTE_BE32(0xc0000202),
	};
	struct rte_flow_item_udp e_udp = { .hdr.dst_port = RTE_BE16(4789) };
	struct rte_flow_item_vxlan e_vx = { .flags = 0x08, .vni = { 0, 0x13, 0x89 } };
	struct rte_flow_item def[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_ETH, .spec = &e_eth },
		{ .type = RTE_FLOW_ITEM_TYPE_IPV4, .spec = &e_ip },
		{ .type = RTE_FLOW_ITEM_TYPE_UDP, .spec = &e_udp },
		{ .type = RTE_FLOW_ITEM_TYPE_VXLAN, .spec = &e_vx },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
	};
	struct rte_flow_action_vxlan_encap enc = { .definition = def };
	struct rte_flow_action a_encap[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP, .conf = &enc },
		{ .type = RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, .conf = &to_up },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct rte_flow *encap = rte_flow_create(up, &attr, p_vf0, a_encap, &err);
	SNIC_REQUIRE(encap, "create VF0 -> encap -> uplink: %s", err.message ? err.message : "?");
	snprintf(ifname, sizeof(ifname), "%sp0", name);
	test_frame(&r, ifname, 7, 110);
	lis = listen_for(raw_recv_vxlan, &r);
	snprintf(ifname, sizeof(ifname), "%spf0vf0", name);
	r.ifname = ifname;
	SNIC_CHECK(in_ns(raw_send, &r) == 0, "VM on VF0 sends");
	int st = child_status(lis);
	SNIC_CHECK(st == 0, "VF0's frame leaves on the wire VXLAN-encapsulated (VNI 5001, "
		   "UDP 4789) with the frame inside byte for byte (%d)", st);

	SNIC_CHECK(rte_flow_destroy(up, encap, &err) == 0, "destroy the encap rule");

	/* uplink: VXLAN VNI 5001 -> decap -> group 1 -> VF0 by inner MAC */
	struct rte_flow_item_ethdev from_up = { .port_id = up };
	/* the default UDP mask covers both ports: mask the destination only */
	struct rte_flow_item_udp m_udp = { .hdr.dst_port = RTE_BE16(4789) };
	struct rte_flow_item_udp m_udp_mask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item_vxlan m_vx = { .vni = { 0, 0x13, 0x89 } };
	struct rte_flow_item p_tun[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, .spec = &from_up },
		{ .type = RTE_FLOW_ITEM_TYPE_ETH },
		{ .type = RTE_FLOW_ITEM_TYPE_IPV4 },
		{ .type = RTE_FLOW_ITEM_TYPE_UDP, .spec = &m_udp, .mask = &m_udp_mask },
		{ .type = RTE_FLOW_ITEM_TYPE_VXLAN, .spec = &m_vx },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
	};
	struct rte_flow_action_jump to_g1 = { .group = 1 };
	struct rte_flow_action a_decap[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_VXLAN_DECAP },
		{ .type = RTE_FLOW_ACTION_TYPE_JUMP, .conf = &to_g1 },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct rte_flow *dec = rte_flow_create(up, &attr, p_tun, a_decap, &err);
	SNIC_REQUIRE(dec, "create uplink VXLAN -> decap -> jump: %s",
		     err.message ? err.message : "?");
	struct rte_flow_item_eth m_dst = { .hdr.dst_addr.addr_bytes = { 0x02, 0, 0, 0, 0x77, 0x01 } };
	struct rte_flow_item_eth m_dst_mask = { .hdr.dst_addr.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	struct rte_flow_item p_g1[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_ETH, .spec = &m_dst, .mask = &m_dst_mask },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
	};
	struct rte_flow_attr g1 = { .transfer = 1, .group = 1 };
	struct rte_flow *deliver = rte_flow_create(up, &g1, p_g1, a_to_vf0, &err);
	SNIC_REQUIRE(deliver, "create group 1 -> VF0: %s", err.message ? err.message : "?");
	snprintf(ifname, sizeof(ifname), "%spf0vf0", name);
	test_frame(&r, ifname, 8, 100);
	lis = listen_for(raw_recv, &r);
	struct raw w = r;
	snprintf(ifname, sizeof(ifname), "%sp0", name);
	w.ifname = ifname;
	vxlan_wrap(&w, 5001);
	SNIC_CHECK(in_ns(raw_send, &w) == 0, "a VXLAN frame arrives from the wire");
	st = child_status(lis);
	SNIC_CHECK(st == 0, "VF0 receives the inner frame, byte for byte (%d)", st);
	qc.reset = 0;
	SNIC_CHECK(rte_flow_query(up, deliver, &count, &qc, &err) == 0 && qc.hits == 1,
		   "the group-1 rule counted it (%llu)", (unsigned long long)qc.hits);
	w = r;
	w.ifname = ifname;
	vxlan_wrap(&w, 5002);
	r.timeout_ms = 500;     /* before the listener forks: it copies r */
	lis = listen_for(raw_recv, &r);
	SNIC_CHECK(in_ns(raw_send, &w) == 0, "a VXLAN frame of VNI 5002 arrives");
	SNIC_CHECK(child_status(lis) == 3, "VNI 5002 does not reach VF0");

	/* capacity through rte_flow: fill the board's 4096 entries */
	static struct rte_flow *fill[4096];
	unsigned nf = 0;
	struct rte_flow_item_eth fe = { 0 };
	struct rte_flow_item p_fill[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_ETH, .spec = &fe, .mask = &m_dst_mask },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
	};
	struct rte_flow_action a_d[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_DROP },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct rte_flow_attr g2 = { .transfer = 1, .group = 2 };
	for (; nf < 4096; nf++) {
		fe.hdr.dst_addr.addr_bytes[0] = 0x02;
		fe.hdr.dst_addr.addr_bytes[4] = (uint8_t)(nf >> 8);
		fe.hdr.dst_addr.addr_bytes[5] = (uint8_t)nf;
		fill[nf] = rte_flow_create(up, &g2, p_fill, a_d, &err);
		if (!fill[nf])
			break;
	}
	printf("capacity: %u rules fit next to the 3 installed; then: %s (errno %d)\n",
	       nf, err.message ? err.message : "?", rte_errno);
	SNIC_CHECK(nf == 4093, "the board's 4096 entries hold 4093 more rules (%u)", nf);
	SNIC_CHECK(rte_errno == ENOSPC && err.message && strstr(err.message, "max-entries"),
		   "the next create fails with ENOSPC naming the limit");
	SNIC_CHECK(nf > 0 && rte_flow_destroy(up, fill[nf - 1], &err) == 0, "destroy one");
	fill[nf - 1] = rte_flow_create(up, &g2, p_fill, a_d, &err);
	SNIC_CHECK(fill[nf - 1] != NULL, "then the create works again");

	/* a bad rule is refused with a message naming the problem */
	struct rte_flow_attr bad_attr = { .transfer = 1, .group = 1, .priority = 1u << 20 };
	SNIC_CHECK(rte_flow_create(up, &bad_attr, p_vf0, a_drop, &err) == NULL &&
		   err.message && rte_errno == ENOTSUP,
		   "priority 2^20 refused: %s", err.message ? err.message : "(no message)");
	SNIC_CHECK(rte_flow_flush(up, &err) == 0, "flush");

	/* VLAN pop: VF1's frames of VLAN 7 reach VF0 untagged */
	struct rte_flow_item_vlan v7 = { .hdr.vlan_tci = RTE_BE16(7) };
	struct rte_flow_item_vlan v_mask = { .hdr.vlan_tci = RTE_BE16(0x0fff) };
	struct rte_flow_item p_vlan[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, .spec = &from_vf1 },
		{ .type = RTE_FLOW_ITEM_TYPE_ETH },
		{ .type = RTE_FLOW_ITEM_TYPE_VLAN, .spec = &v7, .mask = &v_mask },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
	};
	struct rte_flow_action a_pop[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_OF_POP_VLAN },
		{ .type = RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, .conf = &to_vf0 },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	SNIC_REQUIRE(rte_flow_create(up, &attr, p_vlan, a_pop, &err),
		     "create VLAN 7 pop -> VF0: %s", err.message ? err.message : "?");
	snprintf(ifname, sizeof(ifname), "%spf0vf0", name);
	test_frame(&r, ifname, 9, 80);          /* what VF0 must receive */
	lis = listen_for(raw_recv, &r);
	struct raw tagged = r;
	char if1[IF_NAMESIZE];
	snprintf(if1, sizeof(if1), "%spf0vf1", name);
	tagged.ifname = if1;
	memmove(tagged.frame + 16, r.frame + 12, r.len - 12);
	memcpy(tagged.frame + 12, "\x81\x00\x00\x07", 4);
	tagged.len = r.len + 4;
	SNIC_CHECK(in_ns(raw_send, &tagged) == 0, "VM on VF1 sends a frame of VLAN 7");
	st = child_status(lis);
	SNIC_CHECK(st == 0, "VF0 receives it untagged, byte for byte (%d)", st);

	/* VLAN push + set MAC: VF0's frames go to its representor tagged 100
	 * with a new destination MAC */
	struct rte_flow_item p_vf0_eth[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, .spec = &from_vf0 },
		{ .type = RTE_FLOW_ITEM_TYPE_ETH },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
	};
	struct rte_flow_action_of_push_vlan push = { .ethertype = RTE_BE16(0x8100) };
	struct rte_flow_action_of_set_vlan_vid vid = { .vlan_vid = RTE_BE16(100) };
	struct rte_flow_action_set_mac new_dst = { .mac_addr = { 0x02, 0, 0, 0, 0x55, 0x66 } };
	struct rte_flow_action_ethdev to_rep0 = { .port_id = rep[0] };
	struct rte_flow_action a_push[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_SET_MAC_DST, .conf = &new_dst },
		{ .type = RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN, .conf = &push },
		{ .type = RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID, .conf = &vid },
		{ .type = RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR, .conf = &to_rep0 },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	SNIC_REQUIRE(rte_flow_create(up, &attr, p_vf0_eth, a_push, &err),
		     "create VF0 -> set MAC, push VLAN 100 -> representor: %s",
		     err.message ? err.message : "?");
	snprintf(ifname, sizeof(ifname), "%spf0vf0", name);
	test_frame(&r, ifname, 10, 90);
	SNIC_CHECK(in_ns(raw_send, &r) == 0, "VM on VF0 sends");
	m = rx_one_any(rep[0]);
	const uint8_t *d = m ? rte_pktmbuf_mtod(m, const uint8_t *) : NULL;
	SNIC_CHECK(m && m->pkt_len == 94 && !memcmp(d, new_dst.mac_addr, 6) &&
		   !memcmp(d + 6, r.frame + 6, 6) && d[12] == 0x81 && d[13] == 0 &&
		   d[14] == 0 && d[15] == 100 && !memcmp(d + 16, r.frame + 12, 78),
		   "VF0's representor gets it with the new MAC and tag 100, rest unchanged");
	if (m)
		rte_pktmbuf_free(m);
	SNIC_CHECK(rte_flow_flush(up, &err) == 0, "flush again");
}

int main(void)
{
	uint16_t up = RTE_MAX_ETHPORTS, rep[2] = { RTE_MAX_ETHPORTS, RTE_MAX_ETHPORTS };
	struct rte_eth_dev_info info[3] = { 0 };
	struct rte_eth_conf conf = { 0 };
	char ifname[IF_NAMESIZE];
	struct raw r;
	uint16_t port;

	pmd_test_begin("test_pmd");
	SNIC_CHECK_EQ(rte_eth_dev_count_avail(), 3, "net_snic0 made 3 ports");
	RTE_ETH_FOREACH_DEV(port) {
		struct rte_eth_dev_info di;
		char pname[RTE_ETH_NAME_MAX_LEN];

		rte_eth_dev_info_get(port, &di);
		rte_eth_dev_get_name_by_port(port, pname);
		printf("port %u: %s driver %s switch %s domain %u port %u%s\n", port, pname,
		       di.driver_name, di.switch_info.name, di.switch_info.domain_id,
		       di.switch_info.port_id,
		       *di.dev_flags & RTE_ETH_DEV_REPRESENTOR ? " representor" : "");
		if (!strcmp(pname, "net_snic0"))
			up = port, info[0] = di;
		else if (!strcmp(pname, "net_snic0_representor_vf0"))
			rep[0] = port, info[1] = di;
		else if (!strcmp(pname, "net_snic0_representor_vf1"))
			rep[1] = port, info[2] = di;
	}
	SNIC_REQUIRE(up < RTE_MAX_ETHPORTS && rep[0] < RTE_MAX_ETHPORTS &&
		     rep[1] < RTE_MAX_ETHPORTS, "ports are named as documented");
	SNIC_CHECK(!strcmp(info[0].driver_name, "net_snic"), "driver name %s",
		   info[0].driver_name);
	SNIC_CHECK(info[0].switch_info.domain_id == info[1].switch_info.domain_id &&
		   info[1].switch_info.domain_id == info[2].switch_info.domain_id &&
		   info[0].switch_info.domain_id != RTE_ETH_DEV_SWITCH_DOMAIN_ID_INVALID,
		   "one switch domain for the NIC");
	SNIC_CHECK(!(*info[0].dev_flags & RTE_ETH_DEV_REPRESENTOR) &&
		   (*info[1].dev_flags & RTE_ETH_DEV_REPRESENTOR) &&
		   (*info[2].dev_flags & RTE_ETH_DEV_REPRESENTOR),
		   "the uplink port is no representor, the VF ports are");
	uint16_t rid = 9;
	SNIC_CHECK(rte_eth_representor_id_get(up, RTE_ETH_REPRESENTOR_VF, 0, 0, 1, &rid) == 0 &&
		   rid == 1, "representor id of PF0/VF1 is 1 (%u)", rid);
	SNIC_CHECK(rte_eth_devices[rep[1]].data->representor_id == 1 &&
		   rte_eth_devices[rep[1]].data->backer_port_id == up,
		   "VF1's representor is backed by the uplink port");
	SNIC_CHECK(info[0].switch_info.port_id == SNIC_IFC_VPORT_UPLINK(0) &&
		   info[1].switch_info.port_id == SNIC_IFC_VPORT_VF(0),
		   "switch port ids are the vports");

	pmd_test_start_port(up, &conf);
	pmd_test_start_port(rep[0], &conf);
	pmd_test_start_port(rep[1], &conf);
	struct rte_eth_link link;
	SNIC_CHECK(rte_eth_link_get_nowait(rep[0], &link) == 0 && link.link_status &&
		   link.link_speed == 10000, "VF0 representor link up at the uplink's "
		   "10 Gbit/s (%u)", link.link_speed);

	/* ---- rx: the exception path ---- */
	snprintf(ifname, sizeof(ifname), "%spf0vf0", name);
	test_frame(&r, ifname, 1, 100);
	SNIC_CHECK(in_ns(raw_send, &r) == 0, "the VM on VF0 sends a frame");
	struct rte_mbuf *m = rx_one(rep[0]);
	SNIC_CHECK(m && m->pkt_len == 100 && !memcmp(rte_pktmbuf_mtod(m, void *), r.frame, 100),
		   "it arrives on VF0's representor, byte for byte");
	SNIC_CHECK(m && m->port == rep[0], "mbuf port is the representor");
	rte_pktmbuf_free(m);
	snprintf(ifname, sizeof(ifname), "%sp0", name);
	test_frame(&r, ifname, 2, 1500);
	SNIC_CHECK(in_ns(raw_send, &r) == 0, "a frame arrives from the wire");
	m = rx_one(up);
	SNIC_CHECK(m && m->pkt_len == 1500 && !memcmp(rte_pktmbuf_mtod(m, void *), r.frame, 1500),
		   "it arrives on the uplink port, byte for byte");
	rte_pktmbuf_free(m);

	/* ---- tx: out of the represented port ---- */
	snprintf(ifname, sizeof(ifname), "%spf0vf1", name);
	test_frame(&r, ifname, 3, 200);
	pid_t lis = listen_for(raw_recv, &r);
	SNIC_REQUIRE(lis > 0, "listener ready");
	m = rte_pktmbuf_alloc(mp);
	memcpy(rte_pktmbuf_append(m, 200), r.frame, 200);
	SNIC_CHECK(rte_eth_tx_burst(rep[1], 0, &m, 1) == 1, "tx on VF1's representor");
	int st = child_status(lis);
	SNIC_CHECK(st == 0, "the frame comes out of VF1's TAP, byte for byte (%d)", st);

	/* multi-segment mbufs are linearised */
	snprintf(ifname, sizeof(ifname), "%sp0", name);
	test_frame(&r, ifname, 4, 180);
	lis = listen_for(raw_recv, &r);
	SNIC_REQUIRE(lis > 0, "listener ready");
	struct rte_mbuf *a = rte_pktmbuf_alloc(mp), *b = rte_pktmbuf_alloc(mp);
	memcpy(rte_pktmbuf_append(a, 100), r.frame, 100);
	memcpy(rte_pktmbuf_append(b, 80), r.frame + 100, 80);
	SNIC_REQUIRE(rte_pktmbuf_chain(a, b) == 0, "chain");
	SNIC_CHECK(rte_eth_tx_burst(up, 0, &a, 1) == 1, "tx a 2-segment mbuf on the uplink");
	st = child_status(lis);
	SNIC_CHECK(st == 0, "it goes onto the wire in one piece, byte for byte (%d)", st);

	/* back-pressure: 2000 frames at once; tx takes what fits and the
	 * caller keeps the rest, no mbuf leaks */
	unsigned avail0 = rte_mempool_avail_count(mp), taken = 0, offered = 0;
	for (int round = 0; round < 8; round++) {
		struct rte_mbuf *burst[256];
		uint16_t k;
		if (rte_pktmbuf_alloc_bulk(mp, burst, 256) != 0)
			break;
		for (int i = 0; i < 256; i++)
			memcpy(rte_pktmbuf_append(burst[i], 60), r.frame, 60);
		k = rte_eth_tx_burst(rep[0], 0, burst, 256);
		taken += k;
		offered += 256;
		rte_pktmbuf_free_bulk(burst + k, 256 - k);
	}
	printf("back-pressure: %u of %u frames taken in 8 bursts of 256\n", taken, offered);
	SNIC_CHECK(taken > 0 && taken <= offered, "tx took some");
	SNIC_CHECK_EQ(rte_mempool_avail_count(mp), avail0, "every mbuf is back in the pool");

	struct rte_eth_stats es;
	SNIC_CHECK(rte_eth_stats_get(rep[0], &es) == 0 && es.ipackets >= 1 &&
		   es.opackets == taken, "VF0 representor stats: %llu in, %llu out",
		   (unsigned long long)es.ipackets, (unsigned long long)es.opackets);
	int nx = rte_eth_xstats_get(rep[0], NULL, 0);
	SNIC_CHECK(nx > 0, "xstats available (%d)", nx);

	/* ---- rte_flow: rules through the standard API, real frames ---- */
	test_rules(up, rep);

	/* closing every port detaches from the NIC */
	return pmd_test_end(up, rep);
}
