/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flow_actions.c - an rte_flow action list -> one firmware action set.
 *
 * rte_flow performs actions in list order; the firmware runs an entry's
 * actions in a fixed order (snic_ifc.h):
 *
 *   decap -> pop VLAN -> modify header -> push VLAN -> count
 *         -> forward to each destination (each with an optional encap)
 *         -> goto | drop.
 *
 * A list is accepted when running it in the firmware's order gives the same
 * packets as running it in list order.  Stages, in the firmware's order:
 *
 *   1 decap         VXLAN_DECAP, RAW_DECAP
 *   2 rewrite       SET_MAC_*, SET_IPV4_*, SET_TP_*, SET_TTL, DEC_TTL
 *   3 pop           OF_POP_VLAN
 *   4 tag rewrite   OF_SET_VLAN_VID/PCP on the packet's own tag
 *   5 push          OF_PUSH_VLAN, then OF_SET_VLAN_VID/PCP of the new tag
 *   6 fates         REPRESENTED_PORT, PORT_ID, PORT_REPRESENTOR, JUMP, DROP,
 *                   VXLAN_ENCAP/RAW_ENCAP (applies to the ports after it)
 *
 * and an action may not follow one of a later stage, except that MAC/IP/
 * port/TTL rewrites commute with VLAN pop and push: they may sit anywhere
 * after decap and before the first fate.  COUNT counts the rule's matches and may
 * sit anywhere.  Within stage 5: ports before an encap get the plain packet,
 * ports after it the encapsulated one (the firmware's per-destination
 * encap); a JUMP continues with the packet as it was before any encap, so
 * a JUMP after an encap is refused; DROP excludes every other fate.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "flow_internal.h"
#include "snic_fw.h"

enum { ST_NONE, ST_DECAP, ST_REWRITE, ST_POP, ST_TAG, ST_PUSH, ST_FATE };

struct astate {
	unsigned cur;                         /* highest stage so far */
	const struct rte_flow_action *cur_act;
	const struct rte_flow_action *drop_act, *push_act;
	unsigned idx;                         /* of the action being read */
	unsigned cur_idx;
	bool decap;
	bool push_vid_known;                  /* VID of the new tag known */
};

/* The action a may run at stage st (see the top of the file). */
static int stage(struct flow_xlate *x, struct astate *s,
		 const struct rte_flow_action *a, unsigned st)
{
	if (s->cur > st)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
			    "%s (action %u) cannot follow %s (action %u): the NIC "
			    "runs an entry's actions in a fixed order (decap, "
			    "header rewrites, pop VLAN, push VLAN, then forwarding "
			    "with a per-port encap, then jump)",
			    flow_action_name(a->type), s->idx,
			    flow_action_name(s->cur_act->type), s->cur_idx);
	if (st > s->cur || !s->cur_act) {
		s->cur = st;
		s->cur_act = a;
		s->cur_idx = s->idx;
	}
	return 0;
}

static int add_op(struct flow_xlate *x, const struct rte_flow_action *a,
		  uint8_t op, uint8_t field, uint64_t value)
{
	if (x->n_ops >= x->ctx->caps.max_modify_ops)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
			    "%s: more than %u header rewrites in one rule (the "
			    "NIC's modify-header list holds %u)",
			    flow_action_name(a->type), x->ctx->caps.max_modify_ops,
			    x->ctx->caps.max_modify_ops);
	snic_fwc_modify_op(&x->ops[x->n_ops++], op, field, value);
	if (!x->modify_act)
		x->modify_act = a;
	return 0;
}

/* A MAC/IP/port/TTL rewrite: after decap, before the first fate. */
static int rewrite(struct flow_xlate *x, struct astate *s,
		   const struct rte_flow_action *a)
{
	if (s->cur >= ST_FATE)
		return stage(x, s, a, ST_REWRITE);      /* refuses */
	if (s->cur < ST_REWRITE) {
		s->cur = ST_REWRITE;
		s->cur_act = a;
		s->cur_idx = s->idx;
	}
	return 0;
}

static const char *after_decap(const struct astate *s)
{
	return s->decap ? " of the inner frame (after VXLAN)" : "";
}

static uint64_t mac_u64(const uint8_t *m)
{
	uint64_t v = 0;

	for (int i = 0; i < 6; i++)
		v = v << 8 | m[i];
	return v;
}

static int encap(struct flow_xlate *x, struct astate *s,
		 const struct rte_flow_action *a)
{
	const char *name = flow_action_name(a->type);
	int rc;

	if (!a->conf)
		return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
			    "%s has no configuration", name);
	if (x->encap)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
			    "a second encap (%s): the NIC adds one tunnel header", name);
	if (s->drop_act)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
			    "%s with DROP: nothing is sent", name);
	if ((rc = stage(x, s, a, ST_FATE)))
		return rc;
	if (a->type == RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP) {
		const struct rte_flow_action_vxlan_encap *c = a->conf;

		if (!c->definition)
			return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
				    "VXLAN_ENCAP without a definition");
		rc = flow_encap_def(x, a, c->definition);
	} else {
		const struct rte_flow_action_raw_encap *c = a->conf;

		if (!c->data || !c->size)
			return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
				    "RAW_ENCAP without data");
		if (c->preserve)
			return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
				    "RAW_ENCAP with a preserve mask: the NIC "
				    "fills the per-packet fields itself");
		if (c->size > sizeof(x->tmpl))
			return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
				    "RAW_ENCAP data of %zu bytes: the NIC's encap "
				    "headers are 50 or 54 bytes (ETH/[VLAN]/IPV4/UDP/"
				    "VXLAN)", c->size);
		memset(x->tmpl, 0, sizeof(x->tmpl));
		memcpy(x->tmpl, c->data, c->size);
		x->tmpl_len = (uint32_t)c->size;
		rc = flow_tmpl_check(x, a, x->tmpl, c->size, true, "RAW_ENCAP data");
	}
	if (rc)
		return rc;
	x->encap = true;
	x->encap_act = a;
	return 0;
}

static int decap(struct flow_xlate *x, struct astate *s,
		 const struct rte_flow_action *a)
{
	const char *name = flow_action_name(a->type);
	uint16_t ev = rte_cpu_to_be_16(0x0800), em = 0xffff;
	int rc;

	if ((rc = stage(x, s, a, ST_DECAP)))
		return rc;
	if (s->decap)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
			    "a second decap (%s): the NIC parses one tunnel level",
			    name);
	if (a->type == RTE_FLOW_ACTION_TYPE_RAW_DECAP) {
		const struct rte_flow_action_raw_decap *c = a->conf;
		uint8_t t[SNIC_IFC_MAX_REFORMAT];

		if (!c)
			return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
				    "RAW_DECAP has no configuration");
		if (c->size != SNIC_REFORMAT_VXLAN_LEN &&
		    c->size != SNIC_REFORMAT_VXLAN_VLAN_LEN && !c->data)
			return XERR(x, c->size == 14 ? ENOTSUP : EINVAL,
				    RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
				    "RAW_DECAP of %zu bytes: the NIC strips ETH/[VLAN]/"
				    "IPV4/UDP/VXLAN headers (50 or 54 bytes)", c->size);
		if (c->data) {
			if (c->size > sizeof(t))
				return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
					    "RAW_DECAP of %zu bytes: the NIC strips "
					    "ETH/[VLAN]/IPV4/UDP/VXLAN headers (50 or 54 "
					    "bytes)", c->size);
			memcpy(t, c->data, c->size);
			if ((rc = flow_tmpl_check(x, a, t, c->size, false, "RAW_DECAP data")))
				return rc;
		}
	}
	if (!x->vxlan)
		return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION, a,
			    "%s needs the pattern to match the tunnel: add a VXLAN "
			    "item", name);
	if (x->lvl[0].l3 == 6 ||
	    !flow_key_merge(&x->value.outer.ethertype, &x->mask.outer.ethertype,
			    &ev, &em, 2))
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
			    "%s of VXLAN over IPv6: the NIC decapsulates VXLAN over "
			    "IPv4 only", name);
	s->decap = true;
	x->act_flags |= SNIC_ACT_DECAP;
	return 0;
}

static int vlan_action(struct flow_xlate *x, struct astate *s,
		       const struct rte_flow_action *a)
{
	const struct flow_level *l = &x->lvl[s->decap];
	const char *name = flow_action_name(a->type);
	int rc;

	if (a->type == RTE_FLOW_ACTION_TYPE_OF_POP_VLAN) {
		if ((rc = stage(x, s, a, ST_POP)))
			return rc;
		if (x->pop == 2)
			return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
				    "a third OF_POP_VLAN: the NIC parses two tags");
		if (x->pop >= l->n_vlan)
			return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
				    "OF_POP_VLAN: the pattern must match the tag it "
				    "pops (a VLAN item%s per OF_POP_VLAN)", after_decap(s));
		x->pop++;
		x->act_flags |= SNIC_ACT_POP_VLAN;
		return 0;
	}
	if (!a->conf)
		return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
			    "%s has no configuration", name);
	if (a->type == RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN) {
		uint16_t tpid = rte_be_to_cpu_16(
			((const struct rte_flow_action_of_push_vlan *)a->conf)->ethertype);

		if ((rc = stage(x, s, a, ST_PUSH)))
			return rc;
		if (s->push_act)
			return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
				    "a second OF_PUSH_VLAN: the NIC pushes one tag");
		if (tpid != 0x8100 && tpid != 0x88a8)
			return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
				    "OF_PUSH_VLAN ethertype 0x%04x: the NIC pushes "
				    "0x8100 or 0x88a8 tags", tpid);
		s->push_act = a;
		x->push_tpid = tpid;
		x->act_flags |= SNIC_ACT_PUSH_VLAN;
		/* OpenFlow: the new tag copies the packet's outer tag; the NIC
		 * can only do that when the pattern fixes it */
		if (x->pop == 0 && l->n_vlan && l->vlan_vid_known) {
			x->push_tci = l->vlan_vid;
			s->push_vid_known = true;
		}
		if (x->pop == 0 && l->n_vlan && l->vlan_pcp_known)
			x->push_tci |= (uint16_t)(l->vlan_pcp << 13);
		if (x->pop >= l->n_vlan) {
			const struct snic_ifc_hdrs *v = s->decap ? &x->value.inner :
							  &x->value.outer;
			const struct snic_ifc_hdrs *k = s->decap ? &x->mask.inner :
							  &x->mask.outer;
			uint16_t p = rte_cpu_to_be_16(SNIC_IFC_VLAN_PRESENT);

			/* untagged after the pops: OpenFlow's VID is 0 */
			if (x->pop ? (x->pop < 2 && (k->vlan_tci[x->pop] & p) &&
				      !(v->vlan_tci[x->pop] & p)) :
				     ((k->vlan_tci[0] & p) && !(v->vlan_tci[0] & p)))
				s->push_vid_known = true;
		}
		return 0;
	}
	if (a->type == RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID) {
		uint16_t vid = rte_be_to_cpu_16(
			((const struct rte_flow_action_of_set_vlan_vid *)a->conf)->vlan_vid);

		if (vid > 0xfff)
			return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
				    "OF_SET_VLAN_VID %u does not fit 12 bits", vid);
		if (s->push_act) {
			if ((rc = stage(x, s, a, ST_PUSH)))
				return rc;
			x->push_tci = (uint16_t)((x->push_tci & 0xe000) | vid);
			s->push_vid_known = true;
			return 0;
		}
		if ((rc = stage(x, s, a, ST_TAG)))
			return rc;
		if (x->pop >= l->n_vlan)
			return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
				    "OF_SET_VLAN_VID without OF_PUSH_VLAN rewrites the "
				    "packet's outer tag: the pattern must match that "
				    "tag (a VLAN item%s not removed by OF_POP_VLAN)",
				    after_decap(s));
		return add_op(x, a, SNIC_MOD_SET, SNIC_FIELD_VLAN_VID, vid);
	}
	/* OF_SET_VLAN_PCP */
	{
		uint8_t pcp = ((const struct rte_flow_action_of_set_vlan_pcp *)a->conf)->vlan_pcp;

		if (pcp > 7)
			return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
				    "OF_SET_VLAN_PCP %u does not fit 3 bits", pcp);
		if (s->push_act) {
			if ((rc = stage(x, s, a, ST_PUSH)))
				return rc;
			x->push_tci = (uint16_t)((x->push_tci & 0x0fff) | pcp << 13);
			return 0;
		}
		if ((rc = stage(x, s, a, ST_TAG)))
			return rc;
		if (x->pop >= l->n_vlan)
			return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
				    "OF_SET_VLAN_PCP without OF_PUSH_VLAN rewrites the "
				    "packet's outer tag: the pattern must match that "
				    "tag (a VLAN item%s not removed by OF_POP_VLAN)",
				    after_decap(s));
		return add_op(x, a, SNIC_MOD_SET, SNIC_FIELD_VLAN_PCP, pcp);
	}
}

static int set_field(struct flow_xlate *x, struct astate *s,
		     const struct rte_flow_action *a)
{
	const struct flow_level *l = &x->lvl[s->decap];
	const char *name = flow_action_name(a->type);
	const void *c = a->conf;
	int rc;

	if ((rc = rewrite(x, s, a)))
		return rc;
	if (!c && a->type != RTE_FLOW_ACTION_TYPE_DEC_TTL)
		return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
			    "%s has no configuration", name);
	switch (a->type) {
	case RTE_FLOW_ACTION_TYPE_SET_MAC_SRC:
	case RTE_FLOW_ACTION_TYPE_SET_MAC_DST:
		if (!l->eth)
			return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION, a,
				    "%s needs an ETH item%s in the pattern", name,
				    after_decap(s));
		return add_op(x, a, SNIC_MOD_SET,
			      a->type == RTE_FLOW_ACTION_TYPE_SET_MAC_SRC ?
			      SNIC_FIELD_SMAC : SNIC_FIELD_DMAC,
			      mac_u64(((const struct rte_flow_action_set_mac *)c)->mac_addr));
	case RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC:
	case RTE_FLOW_ACTION_TYPE_SET_IPV4_DST:
		if (l->l3 != 4)
			return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION, a,
				    "%s needs an IPV4 item%s in the pattern", name,
				    after_decap(s));
		return add_op(x, a, SNIC_MOD_SET,
			      a->type == RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC ?
			      SNIC_FIELD_IPV4_SRC : SNIC_FIELD_IPV4_DST,
			      rte_be_to_cpu_32(((const struct rte_flow_action_set_ipv4 *)c)->ipv4_addr));
	case RTE_FLOW_ACTION_TYPE_SET_TP_SRC:
	case RTE_FLOW_ACTION_TYPE_SET_TP_DST:
		if (l->l4 != 6 && l->l4 != 17)
			return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION, a,
				    "%s needs a TCP or UDP item%s in the pattern",
				    name, after_decap(s));
		return add_op(x, a, SNIC_MOD_SET,
			      a->type == RTE_FLOW_ACTION_TYPE_SET_TP_SRC ?
			      SNIC_FIELD_TP_SRC : SNIC_FIELD_TP_DST,
			      rte_be_to_cpu_16(((const struct rte_flow_action_set_tp *)c)->port));
	default:        /* DEC_TTL, SET_TTL */
		if (!l->l3)
			return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
				    "%s needs an IPV4 or IPV6 item%s in the pattern "
				    "(on other packets it would do nothing)", name,
				    after_decap(s));
		if (a->type == RTE_FLOW_ACTION_TYPE_DEC_TTL)
			return add_op(x, a, SNIC_MOD_ADD, SNIC_FIELD_IP_TTL, 0xff);
		return add_op(x, a, SNIC_MOD_SET, SNIC_FIELD_IP_TTL,
			      ((const struct rte_flow_action_set_ttl *)c)->ttl_value);
	}
}

static int port_action(struct flow_xlate *x, struct astate *s,
		       const struct rte_flow_action *a)
{
	const char *name = flow_action_name(a->type);
	const struct snic_flow_port *p;
	struct flow_dest *d;
	uint32_t id;
	char list[160];
	int rc;

	if ((rc = stage(x, s, a, ST_FATE)))
		return rc;
	if (!x->transfer)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
			    "%s needs the transfer attribute: it forwards at the "
			    "e-switch", name);
	if (!a->conf)
		return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
			    "%s has no configuration", name);
	if (s->drop_act)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
			    "%s with DROP: a rule either drops or forwards", name);
	if (a->type == RTE_FLOW_ACTION_TYPE_PORT_ID) {
		const struct rte_flow_action_port_id *c = a->conf;

		if (c->reserved)
			return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
				    "PORT_ID: reserved bits must be zero");
		if (c->original)
			return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
				    "PORT_ID with original=1 is not supported");
		id = c->id;
	} else {
		id = ((const struct rte_flow_action_ethdev *)a->conf)->port_id;
	}
	p = flow_port(x->ctx, id);
	if (!p)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
			    "%s: port %u is not a port of this NIC (ports: %s)",
			    name, id, flow_ports_list(x->ctx, list, sizeof(list)));
	if (x->n_dests >= x->ctx->caps.max_dests)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
			    "%s: more than %u destinations in one rule (board "
			    "max-dests)", name, x->ctx->caps.max_dests);
	d = &x->dests[x->n_dests++];
	d->type = a->type == RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR ?
		  SNIC_DEST_REP : SNIC_DEST_VPORT;
	d->vport = p->vport;
	d->encap = x->encap;
	x->act_flags |= SNIC_ACT_FWD;
	return 0;
}

static int jump(struct flow_xlate *x, struct astate *s,
		const struct rte_flow_action *a)
{
	const struct rte_flow_action_jump *c = a->conf;
	int rc;

	if ((rc = stage(x, s, a, ST_FATE)))
		return rc;
	if (!c)
		return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
			    "JUMP has no configuration");
	if (s->drop_act)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
			    "JUMP with DROP: a rule either drops or goes on");
	if (x->jump)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
			    "a second JUMP: a packet continues in one group");
	if (x->encap)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
			    "JUMP after %s: the NIC encapsulates per destination "
			    "port, so the packet going on to group %u would not be "
			    "encapsulated; put the JUMP before the encap",
			    flow_action_name(x->encap_act->type), c->group);
	if (c->group <= x->group)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
			    "JUMP from group %u to group %u: the NIC only goes on to "
			    "a higher group (a table of higher level), so its "
			    "pipelines cannot loop", x->group, c->group);
	if (c->group > x->ctx->caps.max_table_level)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
			    "JUMP to group %u: the NIC has groups 0..%u (board "
			    "max-table-level)", c->group, x->ctx->caps.max_table_level);
	x->jump = true;
	x->jump_group = c->group;
	x->jump_act = a;
	x->act_flags |= SNIC_ACT_GOTO;
	return 0;
}

int flow_xlate_actions(struct flow_xlate *x, const struct rte_flow_action actions[])
{
	struct astate s = { 0 };
	const struct rte_flow_action *a;
	unsigned n;
	int rc = 0;

	if (!actions)
		return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_NUM, NULL,
			    "no action list (it must end with an END action)");
	for (n = 0; actions[n].type != RTE_FLOW_ACTION_TYPE_END; n++) {
		a = &actions[n];
		s.idx = n;
		if (n == SNIC_FLOW_MAX_LIST)
			return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_NUM, a,
				    "more than %u actions", SNIC_FLOW_MAX_LIST);
		switch (a->type) {
		case RTE_FLOW_ACTION_TYPE_VOID:
			break;
		case RTE_FLOW_ACTION_TYPE_COUNT:
			if (x->count)
				return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
					    "a second COUNT: the NIC counts a rule "
					    "once (one counter per rule)");
			x->count = true;
			x->count_act = a;
			x->act_flags |= SNIC_ACT_COUNT;
			break;
		case RTE_FLOW_ACTION_TYPE_DROP:
			if ((rc = stage(x, &s, a, ST_FATE)))
				return rc;
			if (x->n_dests || x->jump || x->encap)
				return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
					    "DROP with another fate (%s): a rule either "
					    "drops or forwards", x->jump ? "JUMP" :
					    x->encap ? "encap" : "a port");
			s.drop_act = a;
			x->act_flags |= SNIC_ACT_DROP;
			break;
		case RTE_FLOW_ACTION_TYPE_JUMP:
			rc = jump(x, &s, a);
			break;
		case RTE_FLOW_ACTION_TYPE_PORT_ID:
		case RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT:
		case RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR:
			rc = port_action(x, &s, a);
			break;
		case RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP:
		case RTE_FLOW_ACTION_TYPE_RAW_ENCAP:
			rc = encap(x, &s, a);
			break;
		case RTE_FLOW_ACTION_TYPE_VXLAN_DECAP:
		case RTE_FLOW_ACTION_TYPE_RAW_DECAP:
			rc = decap(x, &s, a);
			break;
		case RTE_FLOW_ACTION_TYPE_OF_POP_VLAN:
		case RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN:
		case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID:
		case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP:
			rc = vlan_action(x, &s, a);
			break;
		case RTE_FLOW_ACTION_TYPE_SET_MAC_SRC:
		case RTE_FLOW_ACTION_TYPE_SET_MAC_DST:
		case RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC:
		case RTE_FLOW_ACTION_TYPE_SET_IPV4_DST:
		case RTE_FLOW_ACTION_TYPE_SET_TP_SRC:
		case RTE_FLOW_ACTION_TYPE_SET_TP_DST:
		case RTE_FLOW_ACTION_TYPE_DEC_TTL:
		case RTE_FLOW_ACTION_TYPE_SET_TTL:
			rc = set_field(x, &s, a);
			break;
		default:
			return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
				    "%s action is not supported (supported: DROP, "
				    "COUNT, JUMP, REPRESENTED_PORT, PORT_REPRESENTOR, "
				    "PORT_ID, VXLAN/RAW_ENCAP, VXLAN/RAW_DECAP, "
				    "OF_PUSH/POP_VLAN, OF_SET_VLAN_VID/PCP, SET_MAC_*, "
				    "SET_IPV4_*, SET_TP_*, DEC_TTL, SET_TTL)",
				    flow_action_name(a->type));
		}
		if (rc)
			return rc;
	}
	a = &actions[n];        /* END */
	if (!(x->act_flags & (SNIC_ACT_FWD | SNIC_ACT_GOTO | SNIC_ACT_DROP)))
		return XERR(x, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION, a,
			    "the rule has no fate action: add DROP, JUMP, "
			    "REPRESENTED_PORT, PORT_REPRESENTOR or PORT_ID");
	if (x->encap) {
		bool used = false;

		for (unsigned i = 0; i < x->n_dests; i++)
			used |= x->dests[i].encap;
		if (!used)
			return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, x->encap_act,
				    "%s is not followed by a port to send the "
				    "encapsulated packet to",
				    flow_action_name(x->encap_act->type));
	}
	if (s.push_act && !s.push_vid_known)
		return XERR(x, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, s.push_act,
			    "OF_PUSH_VLAN: the new tag would copy the VID of the "
			    "packet's tag (OpenFlow), which the NIC cannot do: follow "
			    "it with OF_SET_VLAN_VID");
	if (x->n_ops)
		x->act_flags |= SNIC_ACT_MODIFY;
	return 0;
}
