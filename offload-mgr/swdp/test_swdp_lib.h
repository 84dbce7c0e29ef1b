/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_swdp_lib.h - what the software datapath's tests and benchmark share:
 * a small switch (the environment: ports, tunnel ports, next hops) and a
 * frame builder over tests/unit/pkt_frames.h that makes input frames and,
 * independently of the packet library, the frames a rule should output.
 *
 *   ports   uplink 1 (DPDK 0), vf0..vf3 = 2..5 (DPDK 10..13),
 *           vxlan0 = 1000: remote 192.168.1.2, local 192.168.1.1, key 100
 *           vxlanf = 1001: remote_ip=flow, key=flow, local 192.168.1.1
 *           vxlan8 = 1002: remote 192.168.1.3, local 192.168.1.1, key 5,
 *                          UDP port 8472
 *   next hops  192.168.1.99: being resolved (-EAGAIN) until
 *           tenv.resolved; 192.168.1.66: unreachable; any other a.b.c.d:
 *           02:bb:00:<tenv.nh_last_byte>:<c>:<d>
 */
#ifndef TEST_SWDP_LIB_H
#define TEST_SWDP_LIB_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pkt_frames.h"
#include "snic_mgr_swdp.h"
#include "snic_mgr_xlate.h"

#define IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define P_UPLINK 1u
#define P_VF(n)  (2u + (n))
#define P_VX0    1000u
#define P_VXF    1001u
#define P_VX8    1002u
#define VTEP     IP4(192, 168, 1, 1)
#define PEER     IP4(192, 168, 1, 2)
#define PEER8    IP4(192, 168, 1, 3)
#define NH_WAIT  IP4(192, 168, 1, 99)
#define NH_UNREACH IP4(192, 168, 1, 66)

static const uint8_t up_mac[6] = { 0x02, 0x5e, 0x00, 0x00, 0x01, 0x00 };

static struct {
	struct snic_mgr_port ports[8];
	unsigned n_ports;
	bool resolved;          /* NH_WAIT answers */
	unsigned neigh_calls;
	uint8_t nh_last_byte;   /* changes every next hop's MAC (env change) */
} tenv;

static inline void tenv_nh_mac(uint32_t ip, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0xbb;
	mac[2] = 0x00;
	mac[3] = tenv.nh_last_byte;
	mac[4] = (uint8_t)(ip >> 8);
	mac[5] = (uint8_t)ip;
}

static const struct snic_mgr_port *tenv_port(void *arg, uint32_t ofport)
{
	(void)arg;
	for (unsigned i = 0; i < tenv.n_ports; i++)
		if (tenv.ports[i].ofport == ofport)
			return &tenv.ports[i];
	return NULL;
}

static inline int tenv_neigh(void *arg, uint32_t ip, uint8_t mac[6])
{
	(void)arg;
	tenv.neigh_calls++;
	if (ip == NH_UNREACH)
		return -EHOSTUNREACH;
	if (ip == NH_WAIT && !tenv.resolved)
		return -EAGAIN;
	tenv_nh_mac(ip, mac);
	return 0;
}

static inline unsigned tenv_tunnels(void *arg, const struct snic_mgr_port **out, unsigned max)
{
	unsigned n = 0;

	(void)arg;
	for (unsigned i = 0; i < tenv.n_ports; i++) {
		if (tenv.ports[i].kind != SNIC_MGR_PORT_TUNNEL)
			continue;
		if (n < max)
			out[n] = &tenv.ports[i];
		n++;
	}
	return n;
}

static inline void tenv_add(const char *name, uint32_t ofport, enum snic_mgr_port_kind kind,
		     uint16_t dpdk)
{
	struct snic_mgr_port *p = &tenv.ports[tenv.n_ports++];

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->ofport = ofport;
	p->kind = kind;
	p->dpdk_port = dpdk;
	p->vf = kind == SNIC_MGR_PORT_VF ? (int)(ofport - 2) : -1;
	p->dst_port = 4789;
}

static inline void tenv_init(struct snic_mgr_xlate_env *env)
{
	struct snic_mgr_port *t;

	memset(&tenv, 0, sizeof(tenv));
	tenv_add("uplink", P_UPLINK, SNIC_MGR_PORT_UPLINK, 0);
	for (unsigned i = 0; i < 4; i++) {
		char n[8];

		snprintf(n, sizeof(n), "vf%u", i);
		tenv_add(n, P_VF(i), SNIC_MGR_PORT_VF, (uint16_t)(10 + i));
	}
	tenv_add("vxlan0", P_VX0, SNIC_MGR_PORT_TUNNEL, 0);
	t = &tenv.ports[tenv.n_ports - 1];
	t->remote_ip = PEER;
	t->local_ip = VTEP;
	t->key = 100;
	tenv_add("vxlanf", P_VXF, SNIC_MGR_PORT_TUNNEL, 0);
	t = &tenv.ports[tenv.n_ports - 1];
	t->remote_flow = t->key_flow = true;
	t->local_ip = VTEP;
	tenv_add("vxlan8", P_VX8, SNIC_MGR_PORT_TUNNEL, 0);
	t = &tenv.ports[tenv.n_ports - 1];
	t->remote_ip = PEER8;
	t->local_ip = VTEP;
	t->key = 5;
	t->dst_port = 8472;

	memset(env, 0, sizeof(*env));
	env->port = tenv_port;
	env->neigh = tenv_neigh;
	env->tunnels = tenv_tunnels;
	env->uplink_port = 0;
	memcpy(env->uplink_mac, up_mac, 6);
}

/* ofrule port names */
static inline int tenv_lookup(void *arg, const char *name, uint32_t *ofport)
{
	(void)arg;
	for (unsigned i = 0; i < tenv.n_ports; i++)
		if (strcmp(tenv.ports[i].name, name) == 0) {
			*ofport = tenv.ports[i].ofport;
			return 0;
		}
	return -ENOENT;
}

static const struct snic_of_port_ops tenv_port_ops = { tenv_lookup, NULL };
static const struct snic_of_ports tenv_ports = { &tenv_port_ops, NULL };

/* ---- frames ---- */

/* A frame, described: Ethernet [tags] IPv4/IPv6 UDP/TCP/ICMP or ARP or a
 * raw EtherType, optionally wrapped in VXLAN (the vx_* fields). */
struct fs {
	uint8_t dmac[6], smac[6];
	unsigned ntags;
	uint16_t tag[3][2];     /* TPID, TCI, outermost first */
	uint16_t et;
	uint8_t proto;          /* 6, 17, 1 (IPv4 only), other: no L4 */
	uint32_t src, dst;      /* IPv4 (ARP: SPA, TPA) */
	uint8_t src6[16], dst6[16];
	uint16_t sp, dp;        /* ports; ICMP type, code */
	uint8_t ttl, tos;
	uint16_t frag;          /* IPv4 flags + offset word */
	uint16_t arp_op;
	uint32_t pay;           /* payload bytes */
	bool vx;                /* wrap in VXLAN */
	uint8_t vx_dmac[6], vx_smac[6];
	uint32_t vx_src, vx_dst, vni;
	uint16_t vx_sport, vx_dport;
	uint8_t vx_flags;       /* 0: the I flag */
};

static const uint8_t mac_a[6] = { 0x02, 0xaa, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t mac_b[6] = { 0x02, 0xaa, 0x00, 0x00, 0x00, 0x02 };

/* UDP/IPv4 10.0.0.1:1000 -> 10.0.0.2:2000, TTL 64, mac_a -> mac_b */
static inline struct fs fs_udp4(void)
{
	struct fs s;

	memset(&s, 0, sizeof(s));
	memcpy(s.dmac, mac_b, 6);
	memcpy(s.smac, mac_a, 6);
	s.et = 0x0800;
	s.proto = 17;
	s.src = IP4(10, 0, 0, 1);
	s.dst = IP4(10, 0, 0, 2);
	s.sp = 1000;
	s.dp = 2000;
	s.ttl = 64;
	s.pay = 18;
	return s;
}

static inline void fs_tag(struct fs *s, uint16_t tpid, uint16_t tci)
{
	s->tag[s->ntags][0] = tpid;
	s->tag[s->ntags][1] = tci;
	s->ntags++;
}

static inline void fs_build(struct tf *t, const struct fs *s)
{
	static const uint8_t zero[6];

	tf_init(t);
	if (s->et != 0x0806)
		tf_payload(t, s->pay, 0x33);
	if (s->et == 0x0800 || s->et == 0x86dd) {
		if (s->proto == 17)
			tf_udp(t, s->sp, s->dp);
		else if (s->proto == 6)
			tf_tcp(t, s->sp, s->dp, 0x18, 0);
		else if (s->proto == 1)
			tf_icmp(t, (uint8_t)s->sp, (uint8_t)s->dp);
	}
	if (s->et == 0x0800) {
		tf_ipv4(t, &(struct tf_ip4){ .tos = s->tos, .ttl = s->ttl,
					     .proto = s->proto, .frag = s->frag,
					     .src = s->src, .dst = s->dst });
	} else if (s->et == 0x86dd) {
		struct tf_ip6 ip6 = { .tc = s->tos, .hlim = s->ttl, .nh = s->proto };

		memcpy(ip6.src, s->src6, 16);
		memcpy(ip6.dst, s->dst6, 16);
		if (s->proto == 17 || s->proto == 6)
			tf_l4_csum(t, s->src6, s->dst6, true, s->proto);
		tf_ipv6(t, &ip6);
	} else if (s->et == 0x0806) {
		tf_arp(t, s->arp_op, s->smac, s->src, zero, s->dst);
	}
	tf_eth_tags(t, s->dmac, s->smac, s->et, s->ntags, s->tag);
	if (s->vx) {
		uint8_t inner[TF_MEM];
		uint32_t n = t->len;

		memcpy(inner, tf_data(t), n);
		tf_init(t);
		tf_append(t, inner, n);
		tf_vxlan(t, s->vni);
		if (s->vx_flags)
			tf_data(t)[0] = s->vx_flags;
		tf_udp(t, s->vx_sport, s->vx_dport);
		tf_ipv4(t, &(struct tf_ip4){ .ttl = 64, .proto = 17, .frag = 0x4000,
					     .src = s->vx_src, .dst = s->vx_dst,
					     .no_l4_csum = true });
		tf_eth(t, s->vx_dmac, s->vx_smac, 0x0800);
	}
}

/* Wrap s as this switch sends it through a tunnel to remote with vni
 * (source port filled in later from the frame under test). */
static inline void fs_vxlan_out(struct fs *s, uint32_t remote, uint32_t vni, uint16_t dport)
{
	s->vx = true;
	tenv_nh_mac(remote, s->vx_dmac);
	memcpy(s->vx_smac, up_mac, 6);
	s->vx_src = VTEP;
	s->vx_dst = remote;
	s->vni = vni;
	s->vx_dport = dport;
}

#endif /* TEST_SWDP_LIB_H */
