/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * backend.c - the control protocol's commands (snic_mgr_ctl_ops) on the
 * manager (snic_mgr.h): arguments in, the manager's errors out as protocol
 * error codes with the manager's sentence and the rule's index.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "offloadd.h"

static enum snic_mgr_ctl_code code_of(int err)
{
	switch (-err) {
	case EINVAL: case ERANGE: case E2BIG: return SNIC_MGR_CTL_EINVAL;
	case ENOENT: return SNIC_MGR_CTL_ENOENT;
	case EEXIST: return SNIC_MGR_CTL_EEXIST;
	case ENOSPC: return SNIC_MGR_CTL_ENOSPC;
	case ENOTSUP: return SNIC_MGR_CTL_ENOTSUP;
	case EBUSY: return SNIC_MGR_CTL_EBUSY;
	default: return SNIC_MGR_CTL_EIO;
	}
}

static int fail(struct snic_mgr_ctl_reply *r, const struct snic_mgr_err *e)
{
	return snic_mgr_ctl_fail(r, code_of(e->code), e->index, "%s", e->msg);
}

static int add_flows(void *be, const struct snic_mgr_ctl_strv *flows,
		     uint64_t *added, struct snic_mgr_ctl_reply *r)
{
	struct offloadd *d = be;
	struct snic_mgr_err e = { 0 };

	if (snic_mgr_add_flows(d->mgr, (const char *const *)flows->v, flows->n, added, &e))
		return fail(r, &e);
	return 0;
}

static int del_flows(void *be, const char *match, bool strict, uint64_t *deleted,
		     struct snic_mgr_ctl_reply *r)
{
	struct offloadd *d = be;
	struct snic_mgr_err e = { 0 };

	if (snic_mgr_del_flows(d->mgr, match, strict, deleted, &e))
		return fail(r, &e);
	return 0;
}

static int mod_flows(void *be, const struct snic_mgr_ctl_strv *flows, bool strict,
		     uint64_t *modified, struct snic_mgr_ctl_reply *r)
{
	struct offloadd *d = be;
	struct snic_mgr_err e = { 0 };

	if (snic_mgr_mod_flows(d->mgr, (const char *const *)flows->v, flows->n, strict,
			       modified, &e))
		return fail(r, &e);
	return 0;
}

static int replace_flows(void *be, const struct snic_mgr_ctl_strv *flows,
			 struct snic_mgr_ctl_replaced *out, struct snic_mgr_ctl_reply *r)
{
	struct offloadd *d = be;
	struct snic_mgr_err e = { 0 };

	if (snic_mgr_replace_flows(d->mgr, (const char *const *)flows->v, flows->n,
				   &out->added, &out->deleted, &out->modified, &e))
		return fail(r, &e);
	return 0;
}

/* ---- diff-flows: compare canonical texts ---- */

struct diff {
	struct offloadd *d;
	struct snic_mgr_ctl_reply *r;
	char **mine;            /* canonical texts of the request */
	bool *found;
	size_t n;
	int rc;
};

static int diff_one(void *arg, const struct snic_mgr_flow_view *v)
{
	struct diff *df = arg;

	for (size_t i = 0; i < df->n; i++)
		if (!df->found[i] && !strcmp(df->mine[i], v->text)) {
			df->found[i] = true;
			return 0;
		}
	if (snic_mgr_ctl_reply_diff(df->r, SNIC_MGR_CTL_ONLY_IN_SWITCH, v->text))
		df->rc = -1;
	return 0;
}

static int diff_flows(void *be, const struct snic_mgr_ctl_strv *flows,
		      struct snic_mgr_ctl_reply *r)
{
	struct offloadd *d = be;
	struct snic_mgr_err e = { 0 };
	struct diff df = { d, r, NULL, NULL, flows->n, 0 };
	int rc = 0;

	df.mine = calloc(flows->n ? flows->n : 1, sizeof(*df.mine));
	df.found = calloc(flows->n ? flows->n : 1, sizeof(*df.found));
	if (!df.mine || !df.found) {
		rc = snic_mgr_ctl_fail(r, SNIC_MGR_CTL_EIO, SNIC_MGR_CTL_NO_INDEX,
				       "out of memory");
		goto out;
	}
	for (size_t i = 0; i < flows->n; i++) {
		if (snic_mgr_canonical(d->mgr, flows->v[i], &df.mine[i], &e)) {
			e.index = (long long)i;
			rc = fail(r, &e);
			goto out;
		}
	}
	if (snic_mgr_dump_flows(d->mgr, NULL, -1, diff_one, &df, &e)) {
		rc = fail(r, &e);
		goto out;
	}
	for (size_t i = 0; i < flows->n; i++)
		if (!df.found[i] &&
		    snic_mgr_ctl_reply_diff(r, SNIC_MGR_CTL_ONLY_IN_FILE, df.mine[i]))
			df.rc = -1;
	rc = df.rc;
out:
	for (size_t i = 0; df.mine && i < flows->n; i++)
		free(df.mine[i]);
	free(df.mine);
	free(df.found);
	return rc;
}

/* ---- dumps ---- */

static int dump_one(void *arg, const struct snic_mgr_flow_view *v)
{
	static const enum snic_mgr_ctl_state st[] = {
		[SNIC_MGR_PENDING] = SNIC_MGR_CTL_STATE_PENDING,
		[SNIC_MGR_HW] = SNIC_MGR_CTL_STATE_HW,
		[SNIC_MGR_SW] = SNIC_MGR_CTL_STATE_SW,
		[SNIC_MGR_FAILED] = SNIC_MGR_CTL_STATE_FAILED,
	};
	struct snic_mgr_ctl_flow f = {
		.id = v->id, .text = v->text, .table = v->rule->table,
		.priority = v->rule->priority, .cookie = v->rule->cookie,
		.state = st[v->state], .reason = v->reason, .hw_error = v->hw_error,
		.hw = { v->hw_packets, v->hw_bytes }, .sw = { v->sw_packets, v->sw_bytes },
		.age_s = v->age_s, .idle_s = v->idle_s,
	};

	return snic_mgr_ctl_reply_flow(arg, &f) ? 1 : 0;
}

static int dump_flows(void *be, const char *match, const struct snic_mgr_ctl_uint *table,
		      struct snic_mgr_ctl_reply *r)
{
	struct offloadd *d = be;
	struct snic_mgr_err e = { 0 };
	int rc;

	rc = snic_mgr_dump_flows(d->mgr, match, table->present ? (int)table->value : -1,
				 dump_one, r, &e);
	if (rc < 0)
		return fail(r, &e);
	return rc ? -1 : 0;
}

static int hw_one(void *arg, uint64_t id, const char *text)
{
	return snic_mgr_ctl_reply_hw_rule(arg, id, text) ? 1 : 0;
}

static int dump_hw(void *be, struct snic_mgr_ctl_reply *r)
{
	struct offloadd *d = be;

	return snic_mgr_dump_hw(d->mgr, hw_one, r) ? -1 : 0;
}

static int show(void *be, struct snic_mgr_ctl_reply *r)
{
	struct offloadd *d = be;
	const struct snic_mgr_port *ports[SNIC_MGR_MAX_VFS + 1 + SNIC_MGR_MAX_TUNNELS];
	unsigned n = snic_mgr_ports(d->mgr, ports, RTE_DIM(ports));
	json_t *jp = json_array(), *jt = json_array(), *cap = json_object();
	unsigned hw, sw, pending, failed;
	char ip[2][20];

	if (!jp || !jt || !cap)
		goto nomem;
	for (unsigned i = 0; i < n && i < RTE_DIM(ports); i++) {
		const struct snic_mgr_port *p = ports[i];

		if (p->kind == SNIC_MGR_PORT_TUNNEL) {
			snprintf(ip[0], sizeof(ip[0]), "%u.%u.%u.%u", p->remote_ip >> 24,
				 (p->remote_ip >> 16) & 255, (p->remote_ip >> 8) & 255,
				 p->remote_ip & 255);
			snprintf(ip[1], sizeof(ip[1]), "%u.%u.%u.%u", p->local_ip >> 24,
				 (p->local_ip >> 16) & 255, (p->local_ip >> 8) & 255,
				 p->local_ip & 255);
			json_array_append_new(jt, json_pack(
				"{s:s, s:I, s:s, s:s, s:s?, s:I}", "name", p->name,
				"ofport", (json_int_t)p->ofport, "remote_ip",
				p->remote_flow ? "flow" : ip[0], "local_ip", ip[1],
				"key", p->key_flow ? "flow" : NULL, "dst_port",
				(json_int_t)p->dst_port));
			if (!p->key_flow)
				json_object_set_new(json_array_get(jt, json_array_size(jt) - 1),
						    "key", json_integer(p->key));
			continue;
		}
		{
			struct rte_ether_addr mac = { { 0 } };
			char m[RTE_ETHER_ADDR_FMT_SIZE];

			rte_eth_macaddr_get(p->dpdk_port, &mac);
			rte_ether_format_addr(m, sizeof(m), &mac);
			json_array_append_new(jp, json_pack(
				"{s:s, s:I, s:s, s:I, s:s?, s:I, s:s}",
				"name", p->name, "ofport", (json_int_t)p->ofport,
				"kind", p->kind == SNIC_MGR_PORT_UPLINK ? "uplink" : "vf",
				"dpdk_port", (json_int_t)p->dpdk_port,
				"representor", offloadd_port_name(d, p->dpdk_port),
				"vf", (json_int_t)p->vf, "mac", m));
		}
	}
	snic_mgr_counts(d->mgr, &hw, &sw, &pending, &failed);
	json_object_set_new(cap, "rules_hw", json_integer(hw));
	json_object_set_new(cap, "rules_sw", json_integer(sw));
	json_object_set_new(cap, "rules_pending", json_integer(pending));
	json_object_set_new(cap, "rules_failed", json_integer(failed));
	json_object_set_new(cap, "hw_rules", json_integer(snic_mgr_hw_rules(d->mgr)));
	json_object_set_new(cap, "hw_rules_stuck", json_integer(snic_mgr_hw_stuck(d->mgr)));
	json_object_set_new(cap, "priority_levels",
			    json_integer(snic_mgr_config(d->mgr)->priority_levels));
	json_object_set_new(cap, "tables",
			    json_integer(snic_mgr_config(d->mgr)->max_group - 1));
	offloadd_show_capacity(d, cap);
	if (snic_mgr_ctl_reply_show(r, SNIC_MGR_CTL_SHOW_PORTS, jp) |
	    snic_mgr_ctl_reply_show(r, SNIC_MGR_CTL_SHOW_TUNNELS, jt) |
	    snic_mgr_ctl_reply_show(r, SNIC_MGR_CTL_SHOW_CAPACITY, cap))
		return -1;
	return 0;
nomem:
	json_decref(jp);
	json_decref(jt);
	json_decref(cap);
	return snic_mgr_ctl_fail(r, SNIC_MGR_CTL_EIO, SNIC_MGR_CTL_NO_INDEX, "out of memory");
}

static int add_tunnel(void *be, const struct snic_mgr_ctl_tunnel *t,
		      struct snic_mgr_ctl_reply *r)
{
	struct offloadd *d = be;
	struct snic_mgr_err e = { 0 };
	char key[16];

	if (t->key.flow)
		snprintf(key, sizeof(key), "flow");
	else
		snprintf(key, sizeof(key), "%llu", (unsigned long long)t->key.value);
	if (snic_mgr_add_tunnel(d->mgr, t->name, t->remote_ip, t->local_ip, key,
				t->dst_port.present ? (unsigned)t->dst_port.value : 4789, &e))
		return fail(r, &e);
	return 0;
}

static int del_tunnel(void *be, const char *name, struct snic_mgr_ctl_reply *r)
{
	struct offloadd *d = be;
	struct snic_mgr_err e = { 0 };

	if (snic_mgr_del_tunnel(d->mgr, name, &e))
		return fail(r, &e);
	return 0;
}

static int set(void *be, const char *key, const char *value, struct snic_mgr_ctl_reply *r)
{
	struct offloadd *d = be;
	struct snic_mgr_err e = { 0 };

	if (snic_mgr_set(d->mgr, key, value, &e))
		return fail(r, &e);
	return 0;
}

const struct snic_mgr_ctl_ops offloadd_ops = {
	.add_flows = add_flows, .del_flows = del_flows, .mod_flows = mod_flows,
	.replace_flows = replace_flows, .diff_flows = diff_flows,
	.dump_flows = dump_flows, .dump_hw = dump_hw, .show = show,
	.add_tunnel = add_tunnel, .del_tunnel = del_tunnel, .set = set,
};
