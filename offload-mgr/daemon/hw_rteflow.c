/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hw_rteflow.c - the planner's hardware is rte_flow: create, destroy and
 * query on the transfer proxy; the device's limits found by asking
 * rte_flow_validate() (portable: any PMD, net_snic or mlx5).
 */
#include <errno.h>

#include <rte_errno.h>
#include <rte_flow.h>

#include "offloadd.h"

static int hw_create(void *arg, const struct snic_mgr_hwrule *r, void **h,
		     struct rte_flow_error *e)
{
	(void)arg;
	*h = rte_flow_create(r->port_id, &r->attr, r->items, r->actions, e);
	return *h ? 0 : -(rte_errno ? rte_errno : EIO);
}

static int hw_destroy(void *arg, void *h, struct rte_flow_error *e)
{
	struct offloadd *d = arg;

	return rte_flow_destroy(d->proxy, h, e);
}

static int hw_query(void *arg, void *h, uint64_t *pk, uint64_t *by,
		    struct rte_flow_error *e)
{
	struct offloadd *d = arg;
	struct rte_flow_query_count q = { 0 };
	const struct rte_flow_action count = { .type = RTE_FLOW_ACTION_TYPE_COUNT };
	int rc = rte_flow_query(d->proxy, h, &count, &q, e);

	if (rc)
		return rc;
	if (!q.hits_set || !q.bytes_set) {
		e->message = "the driver did not report the counts";
		return -EIO;
	}
	*pk = q.hits;
	*by = q.bytes;
	return 0;
}

const struct snic_mgr_hw_ops offloadd_hw_ops = { hw_create, hw_destroy, hw_query };

static bool valid(uint16_t proxy, uint32_t group, uint32_t prio)
{
	const struct rte_flow_attr attr = { .transfer = 1, .group = group, .priority = prio };
	const struct rte_flow_item pattern[] = { { .type = RTE_FLOW_ITEM_TYPE_END } };
	const struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_DROP }, { .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct rte_flow_error e;

	return rte_flow_validate(proxy, &attr, pattern, actions, &e) == 0;
}

/* Largest x in [lo, hi] with ok(x) true, given ok(lo); monotone. */
static uint32_t search(uint16_t proxy, bool by_group, uint32_t lo, uint32_t hi)
{
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo + 1) / 2;

		if (by_group ? valid(proxy, mid, 0) : valid(proxy, 1, mid))
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

int offloadd_probe_limits(uint16_t proxy, uint32_t *levels, uint32_t *max_group)
{
	if (!valid(proxy, 0, 0) || !valid(proxy, 1, 0))
		return -ENOTSUP;
	*max_group = search(proxy, true, 1, 65535);
	*levels = search(proxy, false, 0, 65535) + 1;
	return 0;
}
