/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mgr_dump.c - what the manager shows of its rules: dump-flows (state,
 * reason, counters), dump-hw (testpmd lines), the counts by state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgr_internal.h"

static int by_order(const void *a, const void *b)
{
	const struct mrule *x = *(const struct mrule *const *)a;
	const struct mrule *y = *(const struct mrule *const *)b;

	if (x->of->table != y->of->table)
		return x->of->table < y->of->table ? -1 : 1;
	if (x->of->priority != y->of->priority)
		return x->of->priority > y->of->priority ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int snic_mgr_dump_flows(struct snic_mgr *m, const char *match, int table,
			int (*fn)(void *arg, const struct snic_mgr_flow_view *v),
			void *arg, struct snic_mgr_err *err)
{
	struct snic_of_rule f;
	struct snic_of_error oe;
	struct mrule **all;
	uint64_t now = mgr_now(m);
	size_t n = 0;
	int rc = 0;

	if (snic_of_rule_parse(match ? match : "", SNIC_OF_MODE_MATCH, &m->of_ports, &f, &oe))
		return mgr_fail(err, oe.code, -1, "%s", oe.msg);
	if (table >= 0)
		f.table = (uint8_t)table;
	if (!(all = mgr_all_rules(m, &n)))
		return mgr_fail(err, -ENOMEM, -1, "out of memory");
	if (n)
		qsort(all, n, sizeof(*all), by_order);
	for (size_t i = 0; i < n && !rc; i++) {
		struct mrule *r = all[i];
		struct snic_mgr_rule_info info;
		struct snic_mgr_flow_view v = { 0 };
		char herr[256], why[64];

		if (!mgr_selects(&f, r, false))
			continue;
		if (r->plan_rc || snic_mgr_plan_get(m->plan, r->plan_id, &info)) {
			/* the planner does not have it: it runs nowhere */
			memset(&info, 0, sizeof(info));
			info.state = SNIC_MGR_FAILED;
			info.reason = r->plan_rc ? mgr_unplanned(r, why, sizeof(why)) :
				      "not planned: the planner lost it";
		}
		mgr_hw_counts(m, r, &v.hw_packets, &v.hw_bytes, herr, sizeof(herr));
		v.id = r->id;
		v.text = r->text;
		v.rule = r->of;
		v.state = info.state;
		v.reason = info.reason;
		v.hw_error = herr[0] ? herr : NULL;
		mgr_sw_counts(m, r, &v.sw_packets, &v.sw_bytes);
		v.age_s = (double)(now - r->created_ms) / 1000.0;
		v.idle_s = (double)(now - r->used_ms) / 1000.0;
		v.n_hw = info.n_hw;
		rc = fn(arg, &v);
	}
	free(all);
	return rc;
}

int snic_mgr_dump_hw(struct snic_mgr *m,
		     int (*fn)(void *arg, uint64_t id, const char *testpmd), void *arg)
{
	static char buf[SNIC_MGR_MAX_VARIANTS * 4096 + 4096];
	struct mrule **all;
	size_t n = 0;
	int rc = 0;

	if (!(all = mgr_all_rules(m, &n)))
		return -ENOMEM;
	if (n)
		qsort(all, n, sizeof(*all), by_order);
	for (size_t i = 0; i < n && !rc; i++) {
		struct snic_mgr_rule_info info;

		if (all[i]->plan_rc || snic_mgr_plan_get(m->plan, all[i]->plan_id, &info) ||
		    (!info.n_hw && !info.trapped))
			continue;
		if (snic_mgr_plan_hw_text(m->plan, all[i]->plan_id, buf, sizeof(buf)) == 0)
			rc = fn(arg, all[i]->id, buf);
	}
	free(all);
	return rc;
}

void snic_mgr_counts(const struct snic_mgr *m, unsigned *hw, unsigned *sw,
		     unsigned *pending, unsigned *failed)
{
	*hw = *sw = *pending = *failed = 0;
	for (size_t i = 0; i < m->hsize; i++)
		for (struct mrule *r = m->by_id[i]; r; r = r->id_next) {
			struct snic_mgr_rule_info info;

			if (r->plan_rc || snic_mgr_plan_get(m->plan, r->plan_id, &info)) {
				(*failed)++;     /* not planned: runs nowhere */
				continue;
			}
			*hw += info.state == SNIC_MGR_HW;
			*sw += info.state == SNIC_MGR_SW;
			*pending += info.state == SNIC_MGR_PENDING;
			*failed += info.state == SNIC_MGR_FAILED;
		}
}

