/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * plan_apply.c - the decision of a table into the hardware.  Creates come
 * first, in OpenFlow order, and only then are replaced or unwanted rules
 * destroyed, so no packet meets a moment where a rule is missing.  The
 * rules a sync removes keep their hardware until then too (plan.c).
 *
 * One case cannot be made before it is broken: the NIC holds one rule per
 * group, priority and match (plan_key), so a new hardware rule with the key
 * of an installed one it replaces (a changed rule, or a rule replaced by
 * one of the same identity) needs the old one gone first.  For that moment
 * a "bridge" covers it: a trap for the rule's match one level above it, so
 * its packets go to software (which has the new rule set), never to a
 * lower overlapping hardware rule; it goes once the table's creates are in.
 *
 * Counters.  A hardware rule of a rule that lives on (replaced, re-created,
 * moved to software, a create undone) has its counter read just before its
 * destroy, into the rule's base (plan_hw_fold), so the rule's counters
 * never go back (snic_mgr_plan_hw_counters).  Traps, bridges and table-miss
 * drops count nothing of a rule; removed rules are not read (the manager
 * keeps what it needs before the removal).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_internal.h"

/* Handles to destroy once the table's creates are done; each with the rule
 * whose hardware counter it is (NULL: a trap, bridge or miss, which count
 * nothing of a rule), folded into the rule's base just before the destroy. */
struct later {
	struct later_h {
		void *h;
		struct prule *r;
	} *v;
	size_t n, cap;
};

static void later_add(struct snic_mgr_plan *p, struct later *l, void *h,
		      struct prule *r)
{
	if (!h)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct later_h *a = realloc(l->v, cap * sizeof(*a));

		if (!a) {       /* cannot defer: destroy now */
			struct hw_inst i = { .h = h };
			plan_hw_fold(p, r, h);
			plan_hw_destroy(p, &i);
			return;
		}
		l->v = a;
		l->cap = cap;
	}
	l->v[l->n].h = h;
	l->v[l->n++].r = r;
}

/* Destroy what l holds (counters folded first), empty it. */
static void later_run(struct snic_mgr_plan *p, struct later *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct hw_inst x = { .h = l->v[i].h };

		plan_hw_fold(p, l->v[i].r, x.h);
		plan_hw_destroy(p, &x);
	}
	l->n = 0;
}

void plan_hw_fold(struct snic_mgr_plan *p, struct prule *r, void *h)
{
	struct rte_flow_error e = { 0 };
	uint64_t a = 0, b = 0;
	int rc;

	if (!r || !h || !p->ops->query)
		return;
	rc = p->ops->query(p->ops_arg, h, &a, &b, &e);
	if (rc) {
		/* its counts are lost: the rule's counters lose them */
		p->st.lost_counts++;
		snprintf(p->msg, sizeof(p->msg), "reading the counter of a hardware "
			 "rule of rule %llu before destroying it failed, its counts "
			 "are lost: %.120s (%s)", (unsigned long long)r->id,
			 e.message ? e.message : "no reason given", strerror(-rc));
		return;
	}
	r->hw_base_packets += a;
	r->hw_base_bytes += b;
}

static void stuck_add(struct snic_mgr_plan *p, void *h)
{
	if (p->n_stuck == p->cap_stuck) {
		size_t cap = p->cap_stuck ? p->cap_stuck * 2 : 16;
		struct stuck *a = realloc(p->stuck, cap * sizeof(*a));

		if (!a)
			return;     /* forgotten: p->msg and the stats said it */
		p->stuck = a;
		p->cap_stuck = cap;
	}
	p->stuck[p->n_stuck].h = h;
	p->stuck[p->n_stuck].rule = p->owner;
	p->n_stuck++;
}

void plan_hw_destroy(struct snic_mgr_plan *p, struct hw_inst *i)
{
	struct rte_flow_error e = { 0 };
	int rc;

	if (!i->h)
		return;
	if (!p->ops->destroy) {         /* detaching: the hardware keeps it */
		i->h = NULL;
		return;
	}
	rc = p->ops->destroy(p->ops_arg, i->h, &e);
	if (rc == 0) {
		p->st.destroyed++;
	} else {
		/* it may still forward: keep it and try again later */
		p->st.failed++;
		snprintf(p->msg, sizeof(p->msg), "destroying a hardware rule failed: "
			 "%.150s (%s)", e.message ? e.message : "no reason given",
			 strerror(-rc));
		stuck_add(p, i->h);
	}
	i->h = NULL;
	i->fp = 0;
	i->key = 0;
}

void plan_uninstall(struct snic_mgr_plan *p, struct prule *r)
{
	uint64_t owner = p->owner;

	p->owner = r->id;
	for (unsigned i = 0; i < r->n_inst; i++)
		plan_hw_destroy(p, &r->inst[i]);
	r->n_inst = 0;
	plan_hw_destroy(p, &r->trap);
	p->owner = owner;
}

/* The installed hardware rule with key k a create replaces: the rule's own
 * (own), or one of a rule this sync removes; NULL if neither. */
static struct hw_inst *clash_of(struct snic_mgr_plan *p, struct hw_inst *own,
				uint64_t k, uint64_t *owner)
{
	if (own && own->h && own->key == k)
		return own;
	for (size_t i = 0; i < p->n_retiring; i++) {
		struct prule *g = p->retiring[i];

		*owner = g->id;
		for (unsigned v = 0; v < g->n_inst; v++)
			if (g->inst[v].h && g->inst[v].key == k)
				return &g->inst[v];
		if (g->trap.h && g->trap.key == k)
			return &g->trap;
	}
	return NULL;
}

/* What a create of one rule's hardware needs for a swap (see the top). */
struct swap {
	struct prule *r;        /**< whose hardware rule it is */
	struct later *l;        /**< where the bridge goes when done */
	bool bridged;           /**< a bridge was tried for this install */
};

/* The bridge of sw->r: its match -> trap, one level above its rules. */
static void bridge(struct snic_mgr_plan *p, struct swap *sw)
{
	struct snic_mgr_xlate_info info;
	struct snic_mgr_hwrule *h = &p->bridge;
	struct rte_flow_error e = { 0 };
	void *bh = NULL;

	sw->bridged = true;
	if (snic_mgr_xlate_trap(&p->env, sw->r->of, h, &info))
		return;
	plan_set_levels(p, sw->r, h, 1);
	if (h->attr.priority == 0)
		return;         /* no level above (main levels are odd) */
	h->attr.priority--;     /* the level of its ingress exclusions */
	if (p->ops->create(p->ops_arg, h, &bh, &e) == 0) {
		p->st.created++;
		later_add(p, sw->l, bh, NULL);
	}
	/* refused (room, a clash): the swap goes without (as before) */
}

/* Create h (key: its plan_key, 0: not known yet) into out (fp left to the
 * caller).  On EEXIST with the key of the rule it replaces (own, or a
 * removed rule's): bridge, destroy that, retry. */
static int create(struct snic_mgr_plan *p, const struct snic_mgr_hwrule *h,
		  uint64_t key, struct hw_inst *out, struct hw_inst *own,
		  struct swap *sw, char *why, size_t whylen)
{
	struct rte_flow_error e = { 0 };
	uint64_t k = key ? key : plan_key(h);
	void *nh = NULL;
	int rc = p->ops->create(p->ops_arg, h, &nh, &e);

	if (rc == -EEXIST) {
		uint64_t owner = sw ? sw->r->id : 0, saved = p->owner;
		struct hw_inst *c = clash_of(p, own, k, &owner);

		if (c) {
			if (sw && !sw->bridged)
				bridge(p, sw);
			p->owner = owner;
			if (c == own && sw)     /* the rule's own, replaced */
				plan_hw_fold(p, sw->r, c->h);
			plan_hw_destroy(p, c);
			p->owner = saved;
			memset(&e, 0, sizeof(e));
			nh = NULL;
			rc = p->ops->create(p->ops_arg, h, &nh, &e);
		}
	}
	if (rc) {
		snprintf(why, whylen, "the NIC refused it: %s (%s)",
			 e.message ? e.message : "no reason given", strerror(-rc));
		out->h = NULL;
		return rc;
	}
	out->h = nh;
	out->key = k;
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
	struct swap sw = { r, l, false };
	bool need = r->n_inst != r->n_fp;
	char why[SNIC_MGR_REASON_MAX];
	int rc = 0;

	for (unsigned i = 0; i < r->n_fp && !need; i++)
		need = !r->inst[i].h || r->inst[i].fp != r->want[i].fp;
	if (!need)
		return 0;
	if (snic_mgr_xlate(&p->env, r->of, &p->scratch, &info) || p->scratch.n != r->n_fp) {
		snprintf(why, sizeof(why), "translation changed under the planner: "
			 "%.200s", info.reason);
		plan_text(&r->cap_reason, why);
		r->refused = true;
		return -1;
	}
	if (r->n_fp > r->cap_inst) {    /* room to keep what gets installed */
		struct hw_inst *a = realloc(r->inst, r->n_fp * sizeof(*a));

		if (!a) {
			plan_text(&r->cap_reason, "out of memory while planning");
			r->cap_sw = true;       /* retried when rules go away */
			return -1;
		}
		r->inst = a;
		r->cap_inst = r->n_fp;
	}
	plan_set_levels(p, r, p->scratch.r, p->scratch.n);
	for (unsigned i = 0; i < r->n_fp && !rc; i++) {
		struct hw_inst *old = i < r->n_inst ? &r->inst[i] : NULL;

		if (old && old->h && old->fp == r->want[i].fp) {
			fresh[i] = *old;        /* kept as it is */
			continue;
		}
		rc = create(p, &p->scratch.r[i], r->want[i].key, &fresh[i], old, &sw,
			    why, sizeof(why));
		fresh[i].fp = r->want[i].fp;
	}
	if (rc) {
		/* undo this rule's new ones, keep nothing half-made */
		for (unsigned i = 0; i < r->n_fp; i++)
			if (!(i < r->n_inst && r->inst[i].h == fresh[i].h)) {
				plan_hw_fold(p, r, fresh[i].h);
				plan_hw_destroy(p, &fresh[i]);
			}
		if (rc == -EEXIST && !last)
			return -EEXIST;
		plan_text(&r->cap_reason, why);
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
			later_add(p, l, r->inst[i].h, r);  /* replaced ones */
	memcpy(r->inst, fresh, r->n_fp * sizeof(fresh[0]));
	r->n_inst = r->n_fp;
	return 0;
}

static bool install_trap(struct snic_mgr_plan *p, struct prule *r, struct later *l)
{
	struct snic_mgr_xlate_info info;
	struct hw_inst fresh = { 0 };
	char why[SNIC_MGR_REASON_MAX];
	struct hw_id id;
	int rc;

	if (r->trap.h && r->trap_fp && r->trap.fp == r->trap_fp)
		return true;
	if (snic_mgr_xlate_trap(&p->env, r->of, &p->scratch.r[0], &info)) {
		r->cap_notrap = true;
		return false;
	}
	plan_set_levels(p, r, &p->scratch.r[0], 1);
	plan_ids(&p->scratch.r[0], &id);
	r->trap_fp = id.fp;     /* known until the rule is translated again */
	if (r->trap.h && r->trap.fp == r->trap_fp)
		return true;
	rc = create(p, &p->scratch.r[0], id.key, &fresh, &r->trap, NULL, why,
		    sizeof(why));
	if (rc) {
		r->cap_notrap = true;   /* it holds lower rules back instead */
		return false;
	}
	fresh.fp = r->trap_fp;
	later_add(p, l, r->trap.h, NULL);
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
			later_add(p, &l, r->trap.h, NULL);
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
				later_add(p, &l, r->inst[k].h, r);  /* to software */
			r->n_inst = 0;
		}
	}
	if (t->want_miss && !t->miss.h) {
		struct snic_mgr_hwrule *h = &p->scratch.r[0];
		char why[SNIC_MGR_REASON_MAX];

		snic_mgr_xlate_miss_drop(&p->env, table, h);
		if (!create(p, h, 0, &t->miss, NULL, NULL, why, sizeof(why)))
			t->miss.fp = plan_fp(h);
	} else if (!t->want_miss && t->miss.h) {
		later_add(p, &l, t->miss.h, NULL);
		t->miss.h = NULL;
	}
	later_run(p, &l);
	/* the levels are free now: the deferred ones (replacements go later) */
	for (size_t i = 0; i < n_defer; i++)
		if (install_rule(p, defer[i], &l, true))
			changed = true;
	later_run(p, &l);
	free(defer);
	free(l.v);
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
		if (!create(p, h, 0, &p->root_next, NULL, NULL, why, sizeof(why)))
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
		if (create(p, h, 0, &g->g, NULL, NULL, why, sizeof(why))) {
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
		later_add(p, &l, p->guards[i].g.h, NULL);
		p->guards[i] = p->guards[--p->n_guards];
	}
	later_run(p, &l);
	free(l.v);
}
