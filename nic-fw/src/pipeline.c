/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pipeline.c - the packet path.
 *
 * A frame is copied once into the firmware's frame buffer (with headroom for
 * VLAN push and encap), passes its vport's ingress policy, is parsed once,
 * and walks the tables.  Actions rewrite the buffer in place; the key is
 * re-parsed only when a later step needs header fields that an action
 * changed.  Encap writes the outer headers into the headroom in front of the
 * frame, so one frame can go to several destinations, each with its own
 * encap, without a copy.
 */
#include "fw_internal.h"

#define MAX_STAGES 64u

struct pkt {
	struct snic_fw_buf b;
	union fw_key key;
	uint16_t vport;
	bool dirty;          /* buffer changed since key was parsed */
	bool touched;        /* an action changed the buffer */
	const uint8_t *orig; /* the frame as it entered */
	uint32_t orig_len;
};

static void drop(struct snic_fw *fw, uint32_t reason)
{
	fw->drops[reason < SNIC_DROP_MAX_ ? reason : 0]++;
}

/* A frame from the platform: from a vport that exists, and fits. */
static bool frame_ok(struct snic_fw *fw, uint16_t vport, uint32_t len)
{
	if (!snic_fw_vport_valid(fw, vport)) {
		drop(fw, SNIC_DROP_BAD_VPORT);
		return false;
	}
	if (len > SNIC_FW_MAX_FRAME) {
		drop(fw, SNIC_DROP_TOO_BIG);
		return false;
	}
	return true;
}

static void buf_load(struct snic_fw *fw, struct snic_fw_buf *b,
		     const uint8_t *frame, uint32_t len)
{
	b->data = fw->frame + SNIC_FW_HEADROOM;
	b->len = len;
	b->headroom = SNIC_FW_HEADROOM;
	b->tailroom = SNIC_FW_MAX_FRAME + 64u - len;
	memcpy(b->data, frame, len);
}

/* Parse b into m.  UDP to the VXLAN port whose payload is not good VXLAN
 * (or whose inner frame is malformed) is still a good UDP packet, as
 * OpenFlow and the software datapath see it: only VXLAN matches and decap
 * need good VXLAN. */
static int parse(struct snic_fw *fw, const struct snic_fw_buf *b,
		 struct snic_ifc_match *m)
{
	const struct snic_fw_pkt_cfg plain = { (uint16_t)(fw->pcfg.vxlan_port ^ 1u) };
	int r = snic_fw_pkt_parse(b->data, b->len, &fw->pcfg, m);

	if (r && !snic_fw_pkt_parse(b->data, b->len, &plain, m))
		r = 0;
	return r;
}

static int reparse(struct snic_fw *fw, struct pkt *p)
{
	int r = 0;

	if (p->dirty) {
		r = parse(fw, &p->b, &p->key.m);
		p->dirty = false;
	}
	return r;
}

/* The exception path: the frame, as the e-switch first saw it, goes to the
 * representor of the vport it came from. */
static void to_rep(struct snic_fw *fw, struct pkt *p)
{
	struct fw_vport *vp = fw_vport(fw, p->vport);

	if (p->touched) {
		/* rebuild: the frame as it entered, plus the VF's tag */
		buf_load(fw, &p->b, p->orig, p->orig_len);
		if (SNIC_IFC_VPORT_IS_VF(p->vport) && vp->ctx.vlan &&
		    snic_fw_pkt_push_vlan(&p->b, 0x8100,
					  (uint16_t)(vp->ctx.qos << 13 | vp->ctx.vlan)))
			return;
	}
	fw_vport_to_rep(fw, p->vport, p->b.data, p->b.len);
}

static void output(struct snic_fw *fw, struct pkt *p, const struct fw_dest *d)
{
	struct snic_fw_buf ob = p->b;

	if (d->flags & SNIC_DEST_F_REFORMAT) {
		const struct fw_reformat *r = &fw->reformats[d->reformat];
		int rc = reparse(fw, p);

		if (!rc)
			rc = snic_fw_pkt_encap(&ob, r->data, r->len, &p->key.m);
		if (rc) {
			drop(fw, (uint32_t)rc);
			return;
		}
	}
	if (d->type == SNIC_DEST_REP)
		fw_vport_to_rep(fw, d->vport, ob.data, ob.len);
	else
		fw_vport_deliver(fw, d->vport, &ob);
}

/* Run the actions of entry e; returns the next table or FW_NONE when done. */
static uint32_t run_actions(struct snic_fw *fw, struct pkt *p,
			    const struct fw_entry *e)
{
	const struct fw_actions *a = &e->act;
	uint32_t len = p->b.len;
	int rc = 0;

	if (a->flags & SNIC_ACT_COUNT) {
		fw->counters[a->counter].packets++;
		fw->counters[a->counter].bytes += len;
	}
	if (a->flags & SNIC_ACT_DROP) {
		drop(fw, SNIC_DROP_RULE);
		return FW_NONE;
	}
	if (a->flags & SNIC_ACT_DECAP) {
		if ((rc = reparse(fw, p)) ||
		    (rc = snic_fw_pkt_decap(&p->b, &p->key.m)))
			goto bad;
		p->dirty = p->touched = true;
	}
	if (a->flags & SNIC_ACT_POP_VLAN) {
		for (unsigned i = 0; i < a->pop_vlan; i++)
			snic_fw_pkt_pop_vlan(&p->b);
		p->dirty = p->touched = true;
	}
	if (a->flags & SNIC_ACT_MODIFY) {
		const struct fw_modify *m = &fw->modifies[a->modify];

		/* no re-parse: rewrites find their headers in the buffer and
		 * write only the key's registers (a frame whose IP header a
		 * pop has just uncovered must not drop for it) */
		for (unsigned i = 0; i < m->n_ops; i++)
			if ((rc = snic_fw_pkt_modify(&p->b, &p->key.m, &m->ops[i])))
				goto bad;
		p->dirty = p->touched = true;
	}
	if (a->flags & SNIC_ACT_PUSH_VLAN) {
		if ((rc = snic_fw_pkt_push_vlan(&p->b, a->push_tpid, a->push_tci)))
			goto bad;
		p->dirty = p->touched = true;
	}
	for (unsigned i = 0; i < a->n_dests; i++)
		output(fw, p, &a->dests[i]);
	if (a->flags & SNIC_ACT_GOTO) {
		if ((rc = reparse(fw, p)))
			goto bad;
		return a->goto_table;
	}
	return FW_NONE;
bad:
	drop(fw, (uint32_t)rc);
	return FW_NONE;
}

static void switchdev(struct snic_fw *fw, struct pkt *p)
{
	uint32_t table = fw->root;

	for (unsigned stage = 0; stage < MAX_STAGES; stage++) {
		const struct fw_table *t;
		uint32_t id;

		if (table == FW_NONE) {
			to_rep(fw, p);
			return;
		}
		id = fw_lookup(fw, table, &p->key);
		if (id != FW_NONE) {
			table = run_actions(fw, p, &fw->entries[id]);
			if (table == FW_NONE)
				return;
			continue;
		}
		t = &fw->tables[table];
		switch (t->miss) {
		case SNIC_MISS_DROP:
			drop(fw, SNIC_DROP_TABLE_MISS);
			return;
		case SNIC_MISS_GOTO:
			table = t->miss_table;
			break;
		case SNIC_MISS_NEXT:
			table = t->next;
			break;
		default:
			to_rep(fw, p);
			return;
		}
	}
	drop(fw, SNIC_DROP_LOOP);
}

/* Legacy mode: forward by destination MAC between the PF, the enabled VFs
 * and the first uplink; flood multicast and broadcast.  VFs that are not
 * enabled are not there: no flooding to them, their MACs unknown. */
static void legacy(struct snic_fw *fw, struct pkt *p)
{
	const uint8_t *dmac = p->key.m.outer.dmac;
	const uint16_t up = SNIC_IFC_VPORT_UPLINK(0);

	if (dmac[0] & 1) {
		for (uint32_t i = 0; i <= fw->num_vfs; i++)
			if (i != p->vport)
				fw_vport_deliver(fw, (uint16_t)i, &p->b);
		/* never from one wire to another: that would bridge them */
		if (!SNIC_IFC_VPORT_IS_UPLINK(p->vport))
			fw_vport_deliver(fw, up, &p->b);
		return;
	}
	for (uint32_t i = 0; i <= fw->num_vfs; i++) {
		if (memcmp(fw->vports[i].ctx.mac, dmac, 6) == 0) {
			if (i != p->vport)
				fw_vport_deliver(fw, (uint16_t)i, &p->b);
			return;
		}
	}
	if (!SNIC_IFC_VPORT_IS_UPLINK(p->vport))
		fw_vport_deliver(fw, up, &p->b);
	else
		drop(fw, SNIC_DROP_LEGACY_NO_DEST);
}

void snic_fw_rx(struct snic_fw *fw, uint16_t vport, const uint8_t *frame,
		uint32_t len)
{
	struct pkt p;
	int rc;

	fw->rx_packets++;
	if (!frame_ok(fw, vport, len))
		return;
	buf_load(fw, &p.b, frame, len);
	if (!fw_vport_ingress(fw, fw_vport(fw, vport), &p.b))
		return;
	memset(&p.key.m, 0, offsetof(struct snic_ifc_match, outer));
	p.key.m.src_vport = snic_ifc_be16(vport);
	rc = parse(fw, &p.b, &p.key.m);
	if (rc) {
		drop(fw, (uint32_t)rc);
		return;
	}
	p.vport = vport;
	p.dirty = p.touched = false;
	p.orig = frame;
	p.orig_len = len;
	if (fw->esw_mode == SNIC_ESW_SWITCHDEV)
		switchdev(fw, &p);
	else
		legacy(fw, &p);
}

void snic_fw_rep_tx(struct snic_fw *fw, uint16_t vport, const uint8_t *frame,
		    uint32_t len)
{
	struct snic_fw_buf b;

	if (!frame_ok(fw, vport, len))
		return;
	buf_load(fw, &b, frame, len);
	fw_vport_deliver(fw, vport, &b);
}
