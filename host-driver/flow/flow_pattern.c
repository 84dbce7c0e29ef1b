/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flow_pattern.c - walk a pattern: which item may follow which, the checks
 * every item shares (see flow_items.c for the order), the converters of
 * flow_items.c, and, once the whole pattern is read, the EtherType and tag
 * constraints (only then is it known which type field is a TPID).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "flow_internal.h"

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static bool all_ones(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0xff)
			return false;
	return true;
}

/* Which items may follow prev (0: the start of the pattern). */
static bool may_follow(int prev, int type, unsigned level)
{
	switch (prev) {
	case RTE_FLOW_ITEM_TYPE_END:        /* start */
		return type != RTE_FLOW_ITEM_TYPE_VXLAN || level == 0;
	case RTE_FLOW_ITEM_TYPE_ETH:
	case RTE_FLOW_ITEM_TYPE_VLAN:
		return type == RTE_FLOW_ITEM_TYPE_VLAN ||
		       type == RTE_FLOW_ITEM_TYPE_IPV4 ||
		       type == RTE_FLOW_ITEM_TYPE_IPV6;
	case RTE_FLOW_ITEM_TYPE_IPV4:
		return type == RTE_FLOW_ITEM_TYPE_UDP || type == RTE_FLOW_ITEM_TYPE_TCP ||
		       type == RTE_FLOW_ITEM_TYPE_ICMP;
	case RTE_FLOW_ITEM_TYPE_IPV6:
		return type == RTE_FLOW_ITEM_TYPE_UDP || type == RTE_FLOW_ITEM_TYPE_TCP;
	case RTE_FLOW_ITEM_TYPE_UDP:
		return type == RTE_FLOW_ITEM_TYPE_VXLAN && level == 0;
	case RTE_FLOW_ITEM_TYPE_VXLAN:
		return type == RTE_FLOW_ITEM_TYPE_ETH || type == RTE_FLOW_ITEM_TYPE_IPV4 ||
		       type == RTE_FLOW_ITEM_TYPE_IPV6;
	default:
		return false;
	}
}

static int unsupported_item(struct flow_xlate *x, const struct rte_flow_item *it)
{
	const char *why;

	switch (it->type) {
	case RTE_FLOW_ITEM_TYPE_PORT_REPRESENTOR:
		why = ": frames the host sends on a representor leave through its "
		      "vport and never meet the e-switch tables; to match traffic "
		      "from a port, use REPRESENTED_PORT";
		break;
	case RTE_FLOW_ITEM_TYPE_ICMP6:
		why = ": the NIC matches ICMPv6 type and code only as an IPv6 "
		      "L4 protocol (IPV6 proto 58)";
		break;
	default:
		why = " (supported: ETH, VLAN, IPV4, IPV6, UDP, TCP, ICMP, VXLAN, "
		      "PORT_ID, REPRESENTED_PORT, VOID)";
		break;
	}
	return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM, it,
		    "%s item is not supported%s", flow_item_name(it->type), why);
}

static uint64_t be_val(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n && i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* The common checks of one item (see the top of the file). */
static int item_check(struct flow_xlate *x, const struct flow_item_desc *d,
		      const struct rte_flow_item *it, const uint8_t *s,
		      const uint8_t *m, const uint8_t *l)
{
	const char *name = flow_item_name(it->type);

	/* malformed first */
	for (unsigned i = 0; i < d->n_fields; i++) {
		const struct flow_item_field *f = &d->fields[i];
		const uint8_t *fs = s + f->off, *fm = m + f->off;

		if (f->flags & F_WORD) {
			uint32_t ws, wm, wl = 0, named, supp;

			flow_item_word_bits(d->type, &named, &supp);
			memcpy(&ws, fs, 4);
			memcpy(&wm, fm, 4);
			if (l)
				memcpy(&wl, l + f->off, 4);
			if ((ws | wm | wl) & ~named)
				return XERR(x, EINVAL, (ws & ~named) ?
					    RTE_FLOW_ERROR_TYPE_ITEM_SPEC : (wm & ~named) ?
					    RTE_FLOW_ERROR_TYPE_ITEM_MASK :
					    RTE_FLOW_ERROR_TYPE_ITEM_LAST, it,
					    "%s item: reserved bits must be zero", name);
			if (ws & ~wm)
				return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM_SPEC, it,
					    "%s item: %s is set in spec but not in "
					    "the mask", name, f->name);
			continue;
		}
		for (unsigned b = 0; b < f->len; b++)
			if (fs[b] & ~fm[b])
				return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM_SPEC, it,
					    "%s item: spec %s has bits outside its mask "
					    "(spec 0x%llx, mask 0x%llx)%s", name, f->name,
					    (unsigned long long)be_val(fs, f->len),
					    (unsigned long long)be_val(fm, f->len),
					    it->mask ? "" : " (no mask given: the "
					    "item's default mask applies)");
		if (l) {
			uint8_t lv[16], sv[16];
			unsigned n = f->len < 16 ? f->len : 16;

			for (unsigned b = 0; b < n; b++) {
				lv[b] = l[f->off + b] & fm[b];
				sv[b] = fs[b] & fm[b];
			}
			if (!all_zero(lv, n) && memcmp(lv, sv, n) < 0)
				return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM_LAST, it,
					    "%s item: last %s is below spec", name,
					    f->name);
		}
	}
	/* then what the NIC cannot do */
	for (unsigned i = 0; i < d->n_fields; i++) {
		const struct flow_item_field *f = &d->fields[i];
		const uint8_t *fm = m + f->off;

		if (f->flags & F_WORD) {
			uint32_t wm, named, supp;

			flow_item_word_bits(d->type, &named, &supp);
			memcpy(&wm, fm, 4);
			if (wm & ~supp)
				return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_MASK, it,
					    "%s item: matching on %s is not supported "
					    "(%s matches: %s)", name, f->name, name,
					    d->supported);
			continue;
		}
		for (unsigned b = 0; b < f->len; b++)
			if (fm[b] & ~(f->supp ? f->supp[b] : 0xff))
				return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_MASK, it,
					    "%s item: matching on %s%s is not supported "
					    "(%s matches: %s)", name,
					    f->supp && f->supp != flow_item_no ? "these bits of " : "",
					    f->name, name, d->supported);
		if ((f->flags & F_FULL) && !all_zero(fm, f->len) && !all_ones(fm, f->len))
			return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_MASK, it,
				    "%s item: a partial mask on %s is not supported: "
				    "the NIC matches it exactly or not at all",
				    name, f->name);
		if (l) {
			uint8_t lv[16], sv[16];
			unsigned n = f->len < 16 ? f->len : 16;

			for (unsigned b = 0; b < n; b++) {
				lv[b] = l[f->off + b] & fm[b];
				sv[b] = s[f->off + b] & fm[b];
			}
			if (!all_zero(lv, n) && memcmp(lv, sv, n) != 0)
				return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_LAST, it,
					    "%s item: a range on %s (last != spec) is "
					    "not supported: the NIC matches values and "
					    "masks, not ranges", name, f->name);
		}
	}
	return 0;
}

/* EtherType, tags: settled once it is known which type field is a TPID. */
static int level_finish(struct flow_xlate *x, unsigned level)
{
	struct flow_level *l = &x->lvl[level];
	struct snic_ifc_hdrs *v = hv(x, level), *k = hm(x, level);
	unsigned n = l->n_vlan;
	uint16_t et = 0, pv = 0, pm = rte_cpu_to_be_16(SNIC_IFC_VLAN_PRESENT);
	const struct rte_flow_item *eti = NULL;

	for (unsigned i = 0; i < n; i++)
		if (l->type_m[i])
			return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_MASK,
				    l->type_item[i],
				    "%s%s item: %s 0x%04x is the TPID of the next tag; "
				    "the NIC does not match TPIDs (it takes 0x8100 and "
				    "0x88a8 alike): leave it unmasked (a VLAN item "
				    "already means tagged)", level_name(level),
				    flow_item_name(l->type_item[i]->type),
				    i ? "inner_type" : "type", l->type_v[i]);
	if (l->type_m[n]) {
		et = l->type_v[n];
		eti = l->type_item[n];
		if (et == 0x8100 || et == 0x88a8 || et == 0x9100)
			return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_MASK, eti,
				    "%s%s item: type 0x%04x is a TPID; the NIC does not "
				    "match TPIDs: use has_vlan or a VLAN item",
				    level_name(level), flow_item_name(eti->type), et);
		if ((l->l3 == 4 && et != 0x0800) || (l->l3 == 6 && et != 0x86dd))
			return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM, l->l3_item,
				    "%s%s item contradicts the EtherType 0x%04x "
				    "matched before it", level_name(level),
				    flow_item_name(l->l3_item->type), et);
		/* the EtherType right after n tags: exactly n tags */
		if (n < 2 && !flow_key_merge(&v->vlan_tci[n], &k->vlan_tci[n],
					     &pv, &pm, 2))
			return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM, eti,
				    "%s%s item: an EtherType after %u tag(s) "
				    "contradicts has_vlan/has_more_vlan (more tags)",
				    level_name(level), flow_item_name(eti->type), n);
	} else if (l->l3 == 4 || (l->l3 == 0 && l->l4 == 1)) {
		et = 0x0800;
	} else if (l->l3 == 6) {
		et = 0x86dd;
	}
	if (et) {
		uint16_t ev = rte_cpu_to_be_16(et), em = 0xffff;

		if (!flow_key_merge(&v->ethertype, &k->ethertype, &ev, &em, 2))
			return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM,
				    eti ? eti : l->l3_item,
				    "%sEtherType 0x%04x contradicts an earlier item",
				    level_name(level), et);
	}
	if (l->has_vlan >= 0) {
		uint16_t hv_ = l->has_vlan ? pm : 0;

		if ((!l->has_vlan && n > 0) ||
		    !flow_key_merge(&v->vlan_tci[0], &k->vlan_tci[0], &hv_, &pm, 2))
			return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM, l->eth,
				    "%sETH item: has_vlan %d contradicts the tags the "
				    "pattern matches", level_name(level), l->has_vlan);
	}
	if (l->has_more_vlan >= 0) {
		uint16_t hv_ = l->has_more_vlan ? pm : 0;

		if ((!l->has_more_vlan && n > 1) ||
		    !flow_key_merge(&v->vlan_tci[1], &k->vlan_tci[1], &hv_, &pm, 2))
			return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM, l->vlan[0],
				    "%sVLAN item: has_more_vlan %d contradicts the "
				    "tags the pattern matches", level_name(level),
				    l->has_more_vlan);
	}
	return 0;
}

int flow_xlate_pattern(struct flow_xlate *x, const struct rte_flow_item pattern[])
{
	int prev = RTE_FLOW_ITEM_TYPE_END;
	unsigned level = 0, n;
	int rc;

	for (unsigned i = 0; i < 2; i++) {
		x->lvl[i].has_vlan = -1;
		x->lvl[i].has_more_vlan = -1;
	}
	if (!pattern)
		return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM_NUM, NULL,
			    "no pattern (an empty one is a lone END item)");
	for (n = 0; pattern[n].type != RTE_FLOW_ITEM_TYPE_END; n++) {
		const struct rte_flow_item *it = &pattern[n];
		const struct flow_item_desc *d;
		uint8_t eff[64];
		const uint8_t *s = it->spec, *m = it->mask;

		if (n == SNIC_FLOW_MAX_LIST)
			return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_NUM, it,
				    "the pattern has more than %u items",
				    SNIC_FLOW_MAX_LIST);
		if (it->type == RTE_FLOW_ITEM_TYPE_VOID)
			continue;
		d = flow_item_find(it->type);
		if (!d)
			return unsupported_item(x, it);
		if (!d->meta && !may_follow(prev, it->type, level)) {
			if (prev == RTE_FLOW_ITEM_TYPE_UDP &&
			    it->type == RTE_FLOW_ITEM_TYPE_VXLAN)
				return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM, it,
					    "VXLAN inside VXLAN: the NIC parses one "
					    "tunnel level");
			if (prev == RTE_FLOW_ITEM_TYPE_IPV6 &&
			    it->type == RTE_FLOW_ITEM_TYPE_ICMP)
				return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM, it,
					    "ICMP item after IPV6: ICMP is ICMPv4 "
					    "(ICMPv6 is the ICMP6 item)");
			return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM, it,
				    "%s%s item cannot follow %s: items stack from "
				    "the lowest layer up (ETH, VLAN, IPV4/IPV6, "
				    "UDP/TCP/ICMP, VXLAN, then the inner frame)",
				    level_name(level), flow_item_name(it->type),
				    prev == RTE_FLOW_ITEM_TYPE_END ? "the start" :
				    flow_item_name(prev));
		}
		if (!s && (m || it->last))
			return XERR(x, EINVAL, m ? RTE_FLOW_ERROR_TYPE_ITEM_MASK :
				    RTE_FLOW_ERROR_TYPE_ITEM_LAST, it,
				    "%s item: %s without spec", flow_item_name(it->type),
				    m ? "mask" : "last");
		if (s) {
			if (!m)
				m = d->default_mask;
			rc = item_check(x, d, it, s, m, it->last);
			if (rc)
				return rc;
			for (size_t b = 0; b < d->size; b++)
				eff[b] = s[b] & m[b];
			s = eff;
		}
		rc = d->conv(x, d, it, s, m, level);
		if (rc)
			return rc;
		if (!d->meta) {
			x->lvl[level].any = true;
			prev = it->type;
			if (it->type == RTE_FLOW_ITEM_TYPE_VXLAN)
				level = 1;
		}
	}
	for (unsigned i = 0; i < 2; i++)
		if ((rc = level_finish(x, i)))
			return rc;
	/* a rule on a port, not on the e-switch: traffic from its vport */
	if (!x->transfer) {
		uint16_t v = rte_cpu_to_be_16(x->port->vport), vm = 0xffff;

		flow_key_merge(&x->value.src_vport, &x->mask.src_vport, &v, &vm, 2);
	}
	return 0;
}
