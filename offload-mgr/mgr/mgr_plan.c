/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mgr_plan.c - the manager's side of the planner: giving it rules, syncing,
 * and what goes wrong there (a rule it could not take, hardware rules that
 * could not be destroyed): logged, shown, retried by tick.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgr_internal.h"

int mgr_sync(struct snic_mgr *m)
{
	struct snic_mgr_sync_stats st;
	int rc = snic_mgr_plan_sync(m->plan, &st);

	if (rc)
		fprintf(stderr, "snic-offloadd: %u hardware rule operation(s) failed, the "
			"last: %s%s\n", st.failed, snic_mgr_plan_last_error(m->plan),
			st.stuck ? " (hardware rules that could not be destroyed may "
			"still forward; they are retried every tick)" : "");
	else if (st.lost_counts)
		fprintf(stderr, "snic-offloadd: %u hardware counter(s) could not be "
			"read before their hardware rule was replaced; rule counters "
			"miss those counts: %s\n", st.lost_counts,
			snic_mgr_plan_last_error(m->plan));
	return rc;
}

const char *mgr_unplanned(const struct mrule *r, char *buf, size_t len)
{
	if (!r->plan_rc)
		return NULL;
	snprintf(buf, len, "not planned: %s", r->plan_rc == -ENOMEM ? "out of memory" :
		 strerror(-r->plan_rc));
	return buf;
}

void mgr_rule_set(struct mrule *r, struct snic_of_rule *of)
{
	free(r->own);
	r->own = of;
	r->of = of;
}

void mgr_plan_took(struct snic_mgr *m, struct mrule *r)
{
	struct snic_mgr_rule_info info;

	if (!snic_mgr_plan_get(m->plan, r->plan_id, &info)) {
		/* one copy: the planner's (a million rules must fit) */
		r->of = info.rule;
		free(r->own);
		r->own = NULL;
	}
}

int mgr_plan_rule(struct snic_mgr *m, struct mrule *r)
{
	char why[64];

	r->plan_rc = snic_mgr_plan_add(m->plan, r->plan_id, r->of);
	if (!r->plan_rc)
		mgr_plan_took(m, r);
	if (r->plan_rc)
		fprintf(stderr, "snic-offloadd: rule %llu (%s) is %s; it runs nowhere "
			"until it is (retried every tick)\n", (unsigned long long)r->id,
			r->text, mgr_unplanned(r, why, sizeof(why)));
	return r->plan_rc;
}

void mgr_report_stuck(struct snic_mgr *m, struct mgr_gone *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (snic_mgr_plan_stuck_rule(m->plan, g[i].plan_id))
			fprintf(stderr, "snic-offloadd: rule %llu (%s) was removed or "
				"changed, but a hardware rule of its old version could "
				"not be destroyed and may still forward: %s; retried "
				"every tick\n", (unsigned long long)g[i].id,
				g[i].text ? g[i].text : "?", snic_mgr_plan_last_error(m->plan));
		free(g[i].text);
	}
	free(g);
}

/* Failed destroys and rules the planner could not take: again. */
void mgr_tick_retry(struct snic_mgr *m)
{
	unsigned before = snic_mgr_plan_hw_stuck(m->plan), now;
	bool planned = false;
	char why[256];

	if (before) {
		now = snic_mgr_plan_retry_destroys(m->plan, why, sizeof(why));
		if (now)
			fprintf(stderr, "snic-offloadd: %u hardware rule(s) of removed or "
				"changed rules still could not be destroyed: %s\n", now, why);
		else
			fprintf(stderr, "snic-offloadd: the %u hardware rule(s) that could "
				"not be destroyed are gone now\n", before);
	}
	for (size_t i = 0; i < m->hsize; i++)
		for (struct mrule *r = m->by_id[i]; r; r = r->id_next)
			if (r->plan_rc) {
				r->plan_id = m->next_plan_id++;
				planned |= mgr_plan_rule(m, r) == 0;
			}
	if (planned)
		mgr_sync(m);
}
