/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * plan_apply.c - the decision of a table into the hardware.  Creates come
 * first, in OpenFlow order, and only then are replaced or unwanted rules
 * destroyed, so no packet meets a moment where a rule is missing.  (One
 * exception: a changed rule whose match and priority stay the same is
 * destroyed just before its successor is created, since the NIC holds one
 * rule per group, priority and match.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_internal.h"

/* Handles to destroy once the table's creates are done. */
struct later {
	void **h;
	size_t n, cap;
};

static void later_add(struct snic_mgr_plan *p, struct later *l, void *h)
{
	if (!h)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		void **a = realloc(l->h, cap * sizeof(*a));

		if (!a) {       /* cannot defer: destroy now */
			struct hw_inst i = { h, 0 };
			plan_hw_destroy(p, &i);
			return;
		}
		l->h = a;
		l->cap = cap;
	}
	l->h[l->n++] = h;
}

void plan_hw_destroy(struct snic_mgr_plan *p, struct hw_inst *i)
{
	struct rte_flow_error e = { 0 };

	if (!i->h)
		return;
	if (!p->ops->destroy) {         /* detaching: the hardware keeps it */
		i->h = NULL;
		return;
	}
	if (p->ops->destroy(p->ops_arg, i->h, &e) == 0)
		p->st.destroyed++;
	else
		p->st.failed++;
	i->h = NULL;
	i->fp = 0;
}

void plan_uninstall(struct snic_mgr_plan *p, struct prule *r)
{
	for (unsigned i = 0; i < r->n_inst; i++)
		plan_hw_destroy(p, &r->inst[i]);
	r->n_inst = 0;
	plan_hw_destroy(p, &r->trap);
}

/* Create h; on EEXIST destroy `clash` (the rule it replaces) and retry. */
static int create(struct snic_mgr_plan *p, const struct snic_mgr_hwrule *h,
		  void **out, struct hw_inst *clash, char *why, size_t whylen)
{
	struct rte_flow_error e = { 0 };
	int rc = p->ops->create(p->ops_arg, h, out, &e);

	if (rc == -EEXIST && clash && clash->h) {
		plan_hw_destroy(p, clash);
		memset(&e, 0, sizeof(e));
		rc = p->ops->create(p->ops_arg, h, out, &e);
	}
	if (rc) {
		snprintf(why, whylen, "the NIC refused it: %s (%s)",
			 e.message ? e.message : "no reason given", strerror(-rc));
		*out = NULL;
		return rc;
	}
	p->st.created++;
	return 0;
}

static bool capacity(int rc)
{
	return rc == -ENOSPC || rc == -ENOMEM;
}

/*
 * Install r's hardware rules as decided: 0; -EEXIST when one collides with
 * another rule's stale hardware rule that this table's pass is about to
 * replace (nothing of r is changed: retry after the destroys, `last`); -1
 * when the NIC refused (r->cap_sw or r->refused say how).
 */
static int install_rule(struct snic_mgr_plan *p, struct prule *r, struct later *l,
			bool last)
{
	struct snic_mgr_xlate_info info;
	struct hw_inst fresh[SNIC_MGR_MAX_VARIANTS] = { { 0 } };
	bool need = r->n_inst != r->n_fp;
	int rc = 0;

	for (unsigned i = 0; i < r->n_fp && !need; i++)
		need = !r->inst[i].h || r->inst[i].fp != r->fp[i];
	if (!need)
		return 0;
	if (snic_mgr_xlate(&p->env, &r->of, &p->scratch, &info) || p->scratch.n != r->n_fp) {
		snprintf(r->cap_reason, sizeof(r->cap_reason), "translation changed "
			 "under the planner: %.200s", info.reason);
		r->refused = true;
		return -1;
	}
	plan_set_levels(p, r, p->scratch.r, p->scratch.n);
	for (unsigned i = 0; i < r->n_fp && !rc; i++) {
		struct hw_inst *old = i < r->n_inst ? &r->inst[i] : NULL;

		if (old && old->h && old->fp == r->fp[i]) {
			fresh[i] = *old;        /* kept as it is */
			continue;
		}
		rc = create(p, &p->scratch.r[i], &fresh[i].h, old, r->cap_reason,
			    sizeof(r->cap_reason));
		fresh[i].fp = r->fp[i];
	}
	if (rc) {
		/* undo this rule's new ones, keep nothing half-made */
		for (unsigned i = 0; i < r->n_fp; i++)
			if (!(i < r->n_inst && r->inst[i].h == fresh[i].h))
				plan_hw_destroy(p, &fresh[i]);
		if (rc == -EEXIST && !last)
			return -EEXIST;
		if (capacity(rc))
			r->cap_sw = true;
		else
			r->refused = true;
		if (rc == -EIO || rc == -EPIPE || rc == -ENODEV || rc == -ETIMEDOUT)
			p->st.failed++;
		return -1;
	}
	for (unsigned i = 0; i < r->n_inst; i++)
		if (!(i < r->n_fp && fresh[i].h == r->inst[i].h))
			later_add(p, l, r->inst[i].h);  /* replaced ones */
	memcpy(r->inst, fresh, sizeof(fresh));
	r->n_inst = r->n_fp;
	return 0;
}

static bool install_trap(struct snic_mgr_plan *p, struct prule *r, struct later *l)
{
	struct snic_mgr_xlate_info info;
	struct hw_inst fresh = { 0 };
	char why[SNIC_MGR_REASON_MAX];
	int rc;

	if (r->trap.h && r->trap.fp == r->trap_fp)
		return true;
	if (snic_mgr_xlate_trap(&p->env, &r->of, &p->scratch.r[0], &info)) {
		r->cap_notrap = true;
		return false;
	}
	plan_set_levels(p, r, &p->scratch.r[0], 1);
	rc = create(p, &p->scratch.r[0], &fresh.h, &r->trap, why, sizeof(why));
	if (rc) {
		r->cap_notrap = true;   /* it holds lower rules back instead */
		return false;
	}
	fresh.fp = r->trap_fp;
	later_add(p, l, r->trap.h);
	r->trap = fresh;
	return true;
}

bool plan_apply(struct snic_mgr_plan *p, struct ptable *t, unsigned table)
{
	struct later l = { 0 };
	struct prule **defer = NULL;
	size_t n_defer = 0;
	bool changed = false;

	for (size_t i = 0; i < t->n; i++) {
		struct prule *r = t->r[i];

		if (r->want_trap) {
			if (!install_trap(p, r, &l))
				changed = true;
		} else if (r->trap.h) {
			later_add(p, &l, r->trap.h);
			r->trap.h = NULL;
		}
		if (r->want_hw) {
			int rc = install_rule(p, r, &l, false);

			if (rc == -EEXIST) {
				/* its level is still held by a rule moving away */
				struct prule **a = realloc(defer, (n_defer + 1) * sizeof(*a));

				if (a) {
					defer = a;
					defer[n_defer++] = r;
				} else if (install_rule(p, r, &l, true)) {
					changed = true;
				}
			} else if (rc) {
				changed = true;
			}
		} else {
			for (unsigned k = 0; k < r->n_inst; k++)
				later_add(p, &l, r->inst[k].h);
			r->n_inst = 0;
		}
	}
	if (t->want_miss && !t->miss.h) {
		struct snic_mgr_hwrule *h = &p->scratch.r[0];
		char why[SNIC_MGR_REASON_MAX];

		snic_mgr_xlate_miss_drop(&p->env, table, h);
		if (!create(p, h, &t->miss.h, NULL, why, sizeof(why)))
			t->miss.fp = plan_fp(h);
	} else if (!t->want_miss && t->miss.h) {
		later_add(p, &l, t->miss.h);
		t->miss.h = NULL;
	}
	for (size_t i = 0; i < l.n; i++) {
		struct hw_inst x = { l.h[i], 0 };
		plan_hw_destroy(p, &x);
	}
	l.n = 0;
	/* the levels are free now: the deferred ones (replacements go later) */
	for (size_t i = 0; i < n_defer; i++)
		if (install_rule(p, defer[i], &l, true))
			changed = true;
	for (size_t i = 0; i < l.n; i++) {
		struct hw_inst x = { l.h[i], 0 };
		plan_hw_destroy(p, &x);
	}
	free(defer);
	free(l.h);
	return changed;
}

void plan_apply_root(struct snic_mgr_plan *p)
{
	const struct snic_mgr_port *tun[64];
	unsigned n = p->env.tunnels ? p->env.tunnels(p->env.arg, tun, 64) : 0;
	struct snic_mgr_hwrule *h = &p->scratch.r[0];
	struct later l = { 0 };
	char why[SNIC_MGR_REASON_MAX];
	struct guard *g;

	if (n > 64)
		n = 64;
	if (!p->root_next.h) {
		snic_mgr_xlate_root_next(&p->env, h);
		if (!create(p, h, &p->root_next.h, NULL, why, sizeof(why)))
			p->root_next.fp = plan_fp(h);
		else
			snprintf(p->msg, sizeof(p->msg), "root catch-all: %.230s", why);
	}
	/* one guard per distinct VTEP (local address and UDP port): tunnel
	 * ports sharing one share its guard, the NIC holds one rule per match */
	for (size_t i = 0; i < p->n_guards; i++)
		p->guards[i].want = false;
	for (unsigned k = 0; k < (n ? n + 1 : 0); k++) {
		uint64_t fp;

		if (k == n)     /* and the wire's ARP, for the VTEP addresses */
			snic_mgr_xlate_arp_guard(&p->env, h);
		else
			snic_mgr_xlate_guard(&p->env, tun[k], h);
		fp = plan_fp(h);
		g = NULL;
		for (size_t i = 0; i < p->n_guards && !g; i++)
			if (p->guards[i].g.fp == fp)
				g = &p->guards[i];
		if (g) {
			g->want = true;
			continue;
		}
		g = realloc(p->guards, (p->n_guards + 1) * sizeof(*g));
		if (!g)
			continue;
		p->guards = g;
		g = &p->guards[p->n_guards];
		memset(g, 0, sizeof(*g));
		if (create(p, h, &g->g.h, NULL, why, sizeof(why))) {
			snprintf(p->msg, sizeof(p->msg), "guard of tunnel port %s: %.150s",
				 k < n ? tun[k]->name : "(ARP)", why);
			continue;
		}
		g->g.fp = fp;
		g->want = true;
		p->n_guards++;
	}
	for (size_t i = 0; i < p->n_guards;) {
		if (p->guards[i].want) {
			i++;
			continue;
		}
		later_add(p, &l, p->guards[i].g.h);
		p->guards[i] = p->guards[--p->n_guards];
	}
	for (size_t i = 0; i < l.n; i++) {
		struct hw_inst x = { l.h[i], 0 };
		plan_hw_destroy(p, &x);
	}
	free(l.h);
}
