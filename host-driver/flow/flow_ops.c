/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flow_ops.c - the rte_flow operations: validate and create share one
 * translation (attributes, pattern, actions, room); create then commits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_internal.h"

static int xlate(struct snic_flow_ctx *ctx, uint16_t port_id,
		 const struct rte_flow_attr *attr,
		 const struct rte_flow_item pattern[],
		 const struct rte_flow_action actions[],
		 struct rte_flow_error *error, struct flow_xlate *x)
{
	const struct snic_flow_caps *c;
	char list[160];
	int rc;

	memset(x, 0, sizeof(*x));
	x->ctx = ctx;
	x->error = error;
	x->attr = attr;
	if (!ctx)
		return flow_error(NULL, error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
				  NULL, "no flow context (the port is not attached)");
	c = &ctx->caps;
	x->port = flow_port(ctx, port_id);
	if (!x->port)
		return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
			    "port %u is not a port of this NIC (ports: %s)", port_id,
			    flow_ports_list(ctx, list, sizeof(list)));
	if (!attr)
		return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ATTR, NULL,
			    "no attributes");
	if (attr->reserved)
		return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ATTR, attr,
			    "reserved bits of the attributes must be zero");
	if (attr->egress)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_EGRESS, attr,
			    "egress rules are not supported: rules act where "
			    "traffic enters the e-switch (transfer, or ingress on "
			    "a port)");
	if (!attr->ingress && !attr->transfer)
		return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ATTR, attr,
			    "no direction: set transfer (e-switch rules) or ingress");
	if (attr->group > c->max_table_level)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_GROUP, attr,
			    "group %u: the NIC has groups 0..%u (board "
			    "max-table-level)", attr->group, c->max_table_level);
	if (attr->priority >= c->priority_levels)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_PRIORITY, attr,
			    "priority %u: the NIC has priorities 0..%u (board "
			    "priority-levels)", attr->priority, c->priority_levels - 1);
	x->transfer = attr->transfer;
	x->group = attr->group;
	x->priority = attr->priority;
	if ((rc = flow_xlate_pattern(x, pattern)))
		return rc;
	if ((rc = flow_xlate_actions(x, actions)))
		return rc;
	return flow_check_room(x);
}

int snic_flow_validate(struct snic_flow_ctx *ctx, uint16_t port_id,
		       const struct rte_flow_attr *attr,
		       const struct rte_flow_item pattern[],
		       const struct rte_flow_action actions[],
		       struct rte_flow_error *error)
{
	struct flow_xlate x;

	return xlate(ctx, port_id, attr, pattern, actions, error, &x);
}

struct snic_flow *snic_flow_create(struct snic_flow_ctx *ctx, uint16_t port_id,
				   const struct rte_flow_attr *attr,
				   const struct rte_flow_item pattern[],
				   const struct rte_flow_action actions[],
				   struct rte_flow_error *error)
{
	struct flow_xlate x;

	if (xlate(ctx, port_id, attr, pattern, actions, error, &x))
		return NULL;
	if (x.adopt) {
		flow_orphan_adopt(ctx, x.adopt);
		return x.adopt;
	}
	if (x.replace && flow_release(ctx, x.replace, error))
		return NULL;
	return flow_commit(&x);
}

static int flow_ok(struct snic_flow_ctx *ctx, const struct snic_flow *flow,
		   struct rte_flow_error *error)
{
	if (!ctx)
		return flow_error(NULL, error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
				  NULL, "no flow context (the port is not attached)");
	if (!flow || flow->magic != FLOW_MAGIC || flow->ctx != ctx)
		return flow_error(ctx, error, EINVAL, RTE_FLOW_ERROR_TYPE_HANDLE, flow,
				  "not a rule of this NIC (destroyed already?)");
	return 0;
}

int snic_flow_destroy(struct snic_flow_ctx *ctx, struct snic_flow *flow,
		      struct rte_flow_error *error)
{
	int rc = flow_ok(ctx, flow, error);

	if (!rc && flow->orphan)
		rc = flow_error(ctx, error, EINVAL, RTE_FLOW_ERROR_TYPE_HANDLE, flow,
				"not a rule handle given out (an orphan rule)");
	return rc ? rc : flow_release(ctx, flow, error);
}

int snic_flow_flush(struct snic_flow_ctx *ctx, struct rte_flow_error *error)
{
	int rc = 0;

	if (!ctx)
		return flow_error(NULL, error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
				  NULL, "no flow context (the port is not attached)");
	/* newest first: JUMP targets and shared objects go last */
	while (ctx->flows_tail) {
		struct snic_flow *f = ctx->flows_tail;
		int r = flow_release(ctx, f, rc ? NULL : error);

		if (r && ctx->flows_tail == f)
			/* the entry would not go: forget the rule anyway, as
			 * rte_flow_flush() documents (its objects stay) */
			flow_forget(ctx, f);
		if (r && !rc)
			rc = r;
	}
	return rc;
}

int snic_flow_query(struct snic_flow_ctx *ctx, struct snic_flow *flow,
		    const struct rte_flow_action *action, void *data,
		    struct rte_flow_error *error)
{
	struct rte_flow_query_count *q = data;
	uint64_t pk, by;
	uint32_t syn;
	int rc = flow_ok(ctx, flow, error);

	if (rc)
		return rc;
	if (!action)
		return flow_error(ctx, error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION, NULL,
				  "no action to query");
	if (action->type != RTE_FLOW_ACTION_TYPE_COUNT)
		return flow_error(ctx, error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION,
				  action, "querying %s is not supported (COUNT only)",
				  flow_action_name(action->type));
	if (flow->counter == SNIC_FLOW_NO_ID)
		return flow_error(ctx, error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION,
				  action, "the rule has no COUNT action");
	if (!q)
		return flow_error(ctx, error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
				  NULL, "no struct rte_flow_query_count to fill");
	syn = snic_fwc_query_counters(ctx->fwc, flow->counter, 1,
				      q->reset ? SNIC_COUNTERS_Q_CLEAR : 0, &pk, &by);
	if (syn != SNIC_SYN_OK)
		return flow_fw_error(ctx, error, syn, RTE_FLOW_ERROR_TYPE_ACTION,
				     action, "reading the rule's counter");
	q->hits = pk;
	q->bytes = by;
	q->hits_set = 1;
	q->bytes_set = 1;
	return 0;
}

void snic_flow_get_fw_ids(const struct snic_flow *f, struct snic_flow_fw_ids *ids)
{
	const struct snic_flow_ctx *ctx = f->ctx;

	ids->entry = f->entry;
	ids->group = f->grp->fw_id;
	ids->table = ctx->tables[f->group].fw_id;
	ids->goto_table = f->jump_group == UINT32_MAX ? SNIC_FLOW_NO_ID :
			  ctx->tables[f->jump_group].fw_id;
	ids->reformat = f->reformat ? f->reformat->fw_id : SNIC_FLOW_NO_ID;
	ids->modify = f->modify;
	ids->counter = f->counter;
}
