/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * plan_decide.c - per table, where each rule runs and which software rules
 * need a trap (the rules of snic_mgr_plan.h, top).  Pure: reads the cached
 * translations and capacity refusals, writes the decision fields.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_internal.h"

int plan_of_cmp(const void *a, const void *b)
{
	const struct prule *x = *(const struct prule *const *)a;
	const struct prule *y = *(const struct prule *const *)b;

	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static bool overlaps(const struct prule *a, const struct prule *b)
{
	return snic_of_match_overlaps(&a->of->match, &b->of->match);
}

/* Does any-in_port rule a also apply to tunnel rule x's packets (on their
 * inner headers)?  Compare without the tunnel-only fields. */
static bool overlaps_inner(const struct prule *a, const struct prule *x)
{
	struct snic_of_match m = x->of->match;

	m.in_port = m.in_port_mask = 0;
	m.tun_id = m.tun_id_mask = 0;
	m.tun_src = m.tun_src_mask = m.tun_dst = m.tun_dst_mask = 0;
	return snic_of_match_overlaps(&a->of->match, &m);
}

static void to_sw(struct prule *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void to_sw(struct prule *r, const char *fmt, ...)
{
	char buf[SNIC_MGR_REASON_MAX];
	va_list ap;

	r->state = SNIC_MGR_SW;
	r->want_hw = false;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	plan_text(&r->reason, buf);
}

/* A later hardware rule of the same group overlapping r (r is above it). */
static bool lower_hw_overlaps(struct prule **v, size_t n, size_t i)
{
	for (size_t k = i + 1; k < n; k++)
		if (v[k]->want_hw && v[k]->group == v[i]->group && overlaps(v[i], v[k]))
			return true;
	return false;
}

/* ---- level ties ---- */

/* A rule in the tie search: its group, level, OpenFlow position, and the
 * hashes of its match's masks and (masked) values. */
struct tie {
	struct prule *r;
	size_t pos;
	uint32_t group, level, mh, vh;
};

static int tie_cmp(const void *x, const void *y)
{
	const struct tie *a = x, *b = y;

	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (a->level != b->level)
		return a->level < b->level ? -1 : 1;
	if (a->mh != b->mh)
		return a->mh < b->mh ? -1 : 1;
	if (a->vh != b->vh)
		return a->vh < b->vh ? -1 : 1;
	return a->pos < b->pos ? -1 : 1;
}

/* x and y share a level and overlap: the one OpenFlow puts second cannot
 * be trusted to the NIC's tie-break; hold it back (if it is hardware). */
static bool tie(struct snic_mgr_plan *p, const struct tie *x, const struct tie *y)
{
	const struct tie *a = x->pos < y->pos ? x : y, *b = a == x ? y : x;
	struct prule *ra = a->r, *rb = b->r;

	if (!rb->want_hw || !overlaps(ra, rb))
		return false;
	if (rb->priority == ra->priority)
		/* OpenFlow's order: the older rule wins (the software
		 * datapath's too); the NIC would pick either (an ingress
		 * exclusion even the newer) */
		to_sw(rb, "held back: overlapping rule %llu has the same priority %u "
		      "and wins as the older one, which the NIC cannot tell",
		      (unsigned long long)ra->id, ra->priority);
	else
		to_sw(rb, "held back: priority %u shares the NIC's priority level %u "
		      "with overlapping rule %llu (priority %u); the device has %u "
		      "levels", rb->priority, rb->level, (unsigned long long)ra->id,
		      ra->priority, p->env.priority_levels);
	rb->tie_held = true;
	return true;
}

/*
 * Overlapping rules (hardware, or software with a trap) on one rte_flow
 * level of one group.  Rules of one mask overlap only with equal values
 * (one hash class each), so a table of thousands of rules with one mask
 * costs a sort, not a comparison of every pair; rules of different masks
 * are compared pairwise.
 */
static bool tie_pass(struct snic_mgr_plan *p, struct prule **v, size_t n)
{
	struct tie *t = malloc((n ? n : 1) * sizeof(*t));
	size_t m = 0;
	bool changed = false;

	if (!t)
		return false;
	for (size_t i = 0; i < n; i++)
		if (v[i]->want_hw || v[i]->want_trap)
			t[m++] = (struct tie){ v[i], i, v[i]->group, v[i]->level,
					       v[i]->mask_h, v[i]->value_h };
	if (m)
		qsort(t, m, sizeof(*t), tie_cmp);
	for (size_t lo = 0, hi; lo < m; lo = hi) {
		for (hi = lo + 1; hi < m && t[hi].group == t[lo].group &&
		     t[hi].level == t[lo].level; hi++)
			;
		/* within a mask class: equal value hashes only */
		for (size_t a = lo; a < hi; a++)
			for (size_t b = a + 1; b < hi && t[b].mh == t[a].mh &&
			     t[b].vh == t[a].vh; b++)
				changed |= tie(p, &t[a], &t[b]);
		/* across mask classes: every pair.  A class is a run of the
		 * level (sorted by mask hash), so b starts after a's run: a
		 * level of one mask costs nothing here */
		for (size_t a = lo, next = lo; a < hi; a++) {
			if (a == next)
				for (next = a + 1; next < hi && t[next].mh == t[a].mh; next++)
					;
			for (size_t b = next; b < hi; b++)
				changed |= tie(p, &t[a], &t[b]);
		}
	}
	free(t);
	return changed;
}

/* One pass; returns true when a rule was held back for a level tie (the
 * traps and ties must then be looked at again). */
static bool decide_pass(struct snic_mgr_plan *p, struct prule **v, size_t n,
			bool miss_drop, struct prule **held_by, struct prule **any)
{
	bool changed = false;
	size_t n_u = 0, n_any = 0;

	/* 1: each rule on its own, and held back by untrappable software
	 * ones (held_by: the untrappable so far; any: the any-in_port ones) */
	for (size_t i = 0; i < n; i++) {
		struct prule *r = v[i];
		const struct prule *hold = NULL;

		if (i) {
			struct prule *u = v[i - 1];     /* classify the previous one */

			if (!u->want_hw && u->state != SNIC_MGR_HW &&
			    (!u->trappable || u->cap_notrap))
				held_by[n_u++] = u;
			if (u->any_in_port)
				any[n_any++] = u;
		}
		if (r->tie_held)
			continue;       /* held back for a tie in an earlier pass */
		r->want_hw = r->want_trap = false;
		if (r->xl_rc) {
			r->state = r->xl_rc == -EAGAIN ? SNIC_MGR_PENDING : SNIC_MGR_SW;
			plan_text(&r->reason, r->xl_reason);
			continue;
		}
		if (r->cap_sw || r->refused) {
			to_sw(r, "%s", plan_str(r->cap_reason));
			continue;
		}
		for (size_t k = 0; k < n_u && !hold; k++)
			if (held_by[k]->group == r->group && overlaps(held_by[k], r))
				hold = held_by[k];
		if (hold) {
			to_sw(r, "held back: rule %llu (priority %u) overlaps it and runs "
			      "in software, and the NIC cannot send its packets there "
			      "(%s)", (unsigned long long)hold->id, hold->priority,
			      hold->cap_notrap ? "no room for a trap" :
			      "its match has no hardware form");
			continue;
		}
		if (r->tunnel_rx) {
			for (size_t k = 0; k < n_any && !hold; k++)
				if (overlaps_inner(any[k], r))
					hold = any[k];
			if (hold) {
				to_sw(r, "held back: rule %llu (priority %u, any in_port) "
				      "also applies to tunnel packets, on their inner "
				      "headers, which the NIC matches only after this "
				      "rule's decapsulation", (unsigned long long)hold->id,
				      hold->priority);
				continue;
			}
		}
		r->state = SNIC_MGR_HW;
		r->want_hw = true;
		plan_text(&r->reason, NULL);
	}
	/* 2: traps for software rules with overlapping hardware below them */
	for (size_t i = 0; i < n; i++) {
		struct prule *r = v[i];

		if (r->want_hw || !r->trappable || r->cap_notrap)
			continue;
		if (lower_hw_overlaps(v, n, i) || (miss_drop && !r->tunnel_rx))
			r->want_trap = true;
	}
	/* 3: level ties (see tie_pass) */
	return tie_pass(p, v, n) || changed;
}

/*
 * v[0, n) into OpenFlow order.  A table keeps the order of its last decision
 * (removals keep it too), rules added since are at the end: sort those and
 * merge them in, rather than sorting a million rules again per request.
 * (The order is total, ids are unique: any sort gives the same result.)
 */
static void sort_rules(struct prule **v, size_t n)
{
	struct prule **tail;
	size_t k = 1, i, j, w;

	while (k < n && plan_of_cmp(&v[k - 1], &v[k]) < 0)
		k++;
	if (k >= n)
		return;
	qsort(v + k, n - k, sizeof(*v), plan_of_cmp);
	if (plan_of_cmp(&v[k - 1], &v[k]) < 0)
		return;
	tail = malloc((n - k) * sizeof(*tail));
	if (!tail) {
		qsort(v, n, sizeof(*v), plan_of_cmp);
		return;
	}
	memcpy(tail, v + k, (n - k) * sizeof(*tail));
	for (i = k, j = n - k, w = n; j > 0;)      /* from the back */
		v[--w] = i > 0 && plan_of_cmp(&v[i - 1], &tail[j - 1]) > 0 ? v[--i] : tail[--j];
	free(tail);
}

void plan_decide(struct snic_mgr_plan *p, struct ptable *t, unsigned table)
{
	struct prule **v = t->r;
	size_t n = t->n;
	bool untrappable_sw = false;
	unsigned passes = 0;

	struct prule **held_by, **any;

	sort_rules(v, n);
	for (size_t i = 0; i < n; i++)
		v[i]->tie_held = false;
	held_by = malloc((n ? n : 1) * sizeof(*held_by));
	any = malloc((n ? n : 1) * sizeof(*any));
	if (!held_by || !any) {
		/* cannot plan: keep every rule in software, nothing in hardware */
		for (size_t i = 0; i < n; i++) {
			to_sw(v[i], "out of memory while planning");
			v[i]->want_trap = false;
		}
		free(held_by);
		free(any);
		t->want_miss = false;
		return;
	}
	while (decide_pass(p, v, n, p->miss == SNIC_MGR_MISS_DROP, held_by, any) &&
	       ++passes < 64)
		;
	free(held_by);
	free(any);
	for (size_t i = 0; i < n; i++) {
		if (!v[i]->want_hw && !v[i]->tunnel_rx && v[i]->state != SNIC_MGR_HW &&
		    (!v[i]->trappable || v[i]->cap_notrap))
			untrappable_sw = true;
	}
	/* a table-miss drop would take what untrappable software rules need */
	t->want_miss = p->miss == SNIC_MGR_MISS_DROP && n && !untrappable_sw;
	(void)table;
}
