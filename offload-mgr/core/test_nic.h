/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_nic.h - what the offload manager's tests share: the firmware booted
 * in-process on the small board (64 priority levels, groups 0..7, 4096
 * entries) with host-driver/flow as the rte_flow driver, a port table like
 * snic-offloadd's (uplink 1 = DPDK port 0, vf0..vf3 = 2..5 = DPDK 1..4,
 * vxlan0 = 10: remote 192.168.1.2, local 192.168.1.1, key 100; vxlanf = 11:
 * remote_ip=flow, key=flow), next hops (192.168.1.2 and .4 known, .3 being
 * resolved, others unreachable) and the planner's hardware ops over the
 * flow library.  One test program includes it (the statics are its own).
 */
#ifndef TEST_NIC_H
#define TEST_NIC_H

#include <errno.h>

#include <rte_errno.h>

#include "snic_flow.h"
#include "snic_mgr_plan.h"
#include "snic_test_fw.h"

#define VF(n) SNIC_IFC_VPORT_VF(n)
#define UP    SNIC_IFC_VPORT_UPLINK(0)
#define T_UNUSED __attribute__((unused))

static struct snic_test_nic nic;
static struct snic_flow_ctx *ctx;
static unsigned n_live;              /* hardware rules created, not destroyed */
static bool fail_queries T_UNUSED;   /* make counter queries fail */

static struct snic_mgr_port ports[] T_UNUSED = {
	{ "uplink", 1, SNIC_MGR_PORT_UPLINK, 0, -1, false, false, false, 0, 0, 0, 0 },
	{ "vf0", 2, SNIC_MGR_PORT_VF, 1, 0, false, false, false, 0, 0, 0, 0 },
	{ "vf1", 3, SNIC_MGR_PORT_VF, 2, 1, false, false, false, 0, 0, 0, 0 },
	{ "vf2", 4, SNIC_MGR_PORT_VF, 3, 2, false, false, false, 0, 0, 0, 0 },
	{ "vf3", 5, SNIC_MGR_PORT_VF, 4, 3, false, false, false, 0, 0, 0, 0 },
	{ "vxlan0", 10, SNIC_MGR_PORT_TUNNEL, 0, -1, false, false, false,
	  0xc0a80102, 0xc0a80101, 100, 4789 },
	{ "vxlanf", 11, SNIC_MGR_PORT_TUNNEL, 0, -1, true, false, true,
	  0, 0xc0a80101, 0, 4789 },
};
static const uint8_t up_mac[6] T_UNUSED = { 0x02, 0xaa, 0, 0, 1, 0 };
static const uint8_t nh_mac[6] T_UNUSED = { 0x02, 0xee, 0, 0, 0, 2 };

static T_UNUSED const struct snic_mgr_port *port_by_no(void *arg, uint32_t ofport)
{
	(void)arg;
	for (size_t i = 0; i < RTE_DIM(ports); i++)
		if (ports[i].ofport == ofport)
			return &ports[i];
	return NULL;
}

static T_UNUSED int neigh(void *arg, uint32_t ip, uint8_t mac[6])
{
	(void)arg;
	if (ip == 0xc0a80102 || ip == 0xc0a80104) {
		memcpy(mac, nh_mac, 6);
		return 0;
	}
	return ip == 0xc0a80103 ? -EAGAIN : -EHOSTUNREACH;
}

static T_UNUSED unsigned tunnels(void *arg, const struct snic_mgr_port **out, unsigned max)
{
	unsigned n = 0;

	(void)arg;
	for (size_t i = 0; i < RTE_DIM(ports); i++)
		if (ports[i].kind == SNIC_MGR_PORT_TUNNEL) {
			if (n < max)
				out[n] = &ports[i];
			n++;
		}
	return n;
}

static T_UNUSED int of_lookup(void *arg, const char *name, uint32_t *ofport)
{
	(void)arg;
	for (size_t i = 0; i < RTE_DIM(ports); i++)
		if (!strcmp(ports[i].name, name)) {
			*ofport = ports[i].ofport;
			return 0;
		}
	return -ENOENT;
}

static const struct snic_of_port_ops of_ops T_UNUSED = { .lookup = of_lookup };
static const struct snic_of_ports of_ports T_UNUSED = { &of_ops, NULL };

/* ---- the hardware: host-driver/flow on the in-process firmware ---- */

static int hw_create(void *arg, const struct snic_mgr_hwrule *r, void **h,
		     struct rte_flow_error *e)
{
	(void)arg;
	*h = snic_flow_create(ctx, r->port_id, &r->attr, r->items, r->actions, e);
	if (!*h)
		return -rte_errno;
	n_live++;
	return 0;
}

static int hw_destroy(void *arg, void *h, struct rte_flow_error *e)
{
	(void)arg;
	n_live--;
	return snic_flow_destroy(ctx, h, e);
}

static int hw_query(void *arg, void *h, uint64_t *pk, uint64_t *by,
		    struct rte_flow_error *e)
{
	struct rte_flow_query_count q = { 0 };
	const struct rte_flow_action a = { .type = RTE_FLOW_ACTION_TYPE_COUNT };
	int rc;

	(void)arg;
	if (fail_queries) {
		e->message = "injected query failure";
		return -EIO;
	}
	rc = snic_flow_query(ctx, h, &a, &q, e);
	*pk = q.hits;
	*by = q.bytes;
	return rc;
}

static const struct snic_mgr_hw_ops hw T_UNUSED = { hw_create, hw_destroy, hw_query };

/* Boot the small board and attach the flow library (ports 0..4). */
static T_UNUSED void test_nic_up(void)
{
	static const struct snic_flow_port fports[] = {
		{ 0, UP, true }, { 1, VF(0), false }, { 2, VF(1), false },
		{ 3, VF(2), false }, { 4, VF(3), false },
	};
	char err[256];

	snic_test_nic_boot(&nic, SNIC_SMALL_BOARD);
	SNIC_REQUIRE(snic_flow_ctx_create(&ctx, &nic.pf, fports, RTE_DIM(fports),
					  SNIC_FLOW_RECOVER_REFUSE, err, sizeof(err)) == 0,
		     "flow ctx: %s", err);
}

static T_UNUSED void test_nic_down(void)
{
	snic_flow_ctx_destroy(ctx);
	snic_test_nic_down(&nic);
}

#endif /* TEST_NIC_H */
