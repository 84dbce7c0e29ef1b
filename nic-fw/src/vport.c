/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vport.c - the functions of the NIC and their policy.
 *
 * Ingress (a frame the VF sends): enabled (SR-IOV), link state, max rate (a
 * token bucket: the platform asks snic_fw_vport_tx_wait_ns() before it takes
 * a VF's next frame and holds the VF back while the bucket is low - a shaper,
 * so the sender sees back-pressure, not loss; what arrives anyway over the
 * rate is policed: dropped, drop_rate), spoof check (source MAC must be the VF's MAC, when one is set),
 * VLAN insertion (a VF with a VLAN may not send tagged frames; its frames get
 * its tag).  Egress (a frame delivered to a VF): enabled, link state, and for a VF
 * with a VLAN only frames of that VLAN, with the tag removed.
 *
 * Frames on the e-switch side of a VF (in flow tables, on its representor)
 * therefore always carry the VF's tag; frames on the VM side never do.
 */
#include "fw_internal.h"

#define ETH_HLEN 14u

struct fw_vport *fw_vport(struct snic_fw *fw, uint16_t vport)
{
	if (SNIC_IFC_VPORT_IS_UPLINK(vport))
		return &fw->vports[1 + fw->board.n_vfs +
				   (vport - SNIC_IFC_VPORT_UPLINK_BASE)];
	return &fw->vports[vport];
}

bool snic_fw_vport_valid(const struct snic_fw *fw, uint16_t vport)
{
	if (SNIC_IFC_VPORT_IS_UPLINK(vport))
		return vport - SNIC_IFC_VPORT_UPLINK_BASE < fw->board.n_uplinks;
	return vport <= fw->board.n_vfs;
}

bool snic_fw_vport_link_up(const struct snic_fw *fw, uint16_t vport)
{
	const struct fw_vport *vp;

	if (!snic_fw_vport_valid(fw, vport))
		return false;
	if (SNIC_IFC_VPORT_IS_UPLINK(vport))
		return fw->uplink_up[vport - SNIC_IFC_VPORT_UPLINK_BASE];
	if (!fw_vport_enabled(fw, vport))
		return false;
	vp = fw_vport((struct snic_fw *)fw, vport);
	switch (vp->ctx.link_state) {
	case SNIC_LINK_UP:
		return true;
	case SNIC_LINK_DOWN:
		return false;
	default:
		return fw->uplink_up[0];
	}
}

void fw_vport_reset(struct snic_fw *fw, uint32_t i)
{
	const struct snic_fw_board *b = &fw->board;
	struct fw_vport *vp = &fw->vports[i];

	memset(&vp->ctx, 0, sizeof(vp->ctx));
	memset(&vp->st, 0, sizeof(vp->st));
	vp->tokens = 0;
	vp->last_ns = 0;
	if (i == 0) {
		vp->id = SNIC_IFC_VPORT_PF;
		memcpy(vp->ctx.mac, b->pf_mac, 6);
	} else if (i <= b->n_vfs) {
		uint32_t low = (uint32_t)b->vf_mac_base[3] << 16 |
			       (uint32_t)b->vf_mac_base[4] << 8 |
			       b->vf_mac_base[5];
		vp->id = SNIC_IFC_VPORT_VF(i - 1);
		low += i - 1;
		memcpy(vp->ctx.mac, b->vf_mac_base, 3);
		vp->ctx.mac[3] = (uint8_t)(low >> 16);
		vp->ctx.mac[4] = (uint8_t)(low >> 8);
		vp->ctx.mac[5] = (uint8_t)low;
	} else {
		uint32_t k = i - 1 - b->n_vfs;
		vp->id = SNIC_IFC_VPORT_UPLINK(k);
		memcpy(vp->ctx.mac, b->uplink_mac[k], 6);
	}
	vp->ctx.link_state = SNIC_LINK_AUTO;
}

void fw_vport_init(struct snic_fw *fw)
{
	fw->num_vfs = fw->board.n_vfs;
	for (uint32_t i = 0; i < fw->n_vports; i++) {
		fw_vport_reset(fw, i);
		fw->vports[i].link_reported =
			snic_fw_vport_link_up(fw, fw->vports[i].id);
	}
}

static void vport_ref(struct snic_fw *fw, uint16_t vport, int d)
{
	if (SNIC_IFC_VPORT_IS_VF(vport) && snic_fw_vport_valid(fw, vport))
		fw_vport(fw, vport)->refs += (uint32_t)d;
}

void fw_vport_refs(struct snic_fw *fw, const struct fw_entry *e,
		   const struct fw_group *g, int d)
{
	if (g->mask.m.src_vport == 0xffffu)
		vport_ref(fw, snic_ifc_be16(e->value.m.src_vport), d);
	for (unsigned i = 0; i < e->act.n_dests; i++)
		vport_ref(fw, e->act.dests[i].vport, d);
}

void fw_vport_link_update(struct snic_fw *fw)
{
	for (uint32_t i = 0; i < fw->n_vports; i++) {
		struct fw_vport *vp = &fw->vports[i];
		bool up = snic_fw_vport_link_up(fw, vp->id);

		if (up != vp->link_reported) {
			vp->link_reported = up;
			fw_post_event(fw, SNIC_EVENT_PORT_LINK, vp->id, up);
		}
	}
}

void snic_fw_set_uplink_link(struct snic_fw *fw, unsigned port, bool up)
{
	if (port >= fw->board.n_uplinks)
		return;
	fw->uplink_up[port] = up;
	fw_vport_link_update(fw);
}

/*
 * Token bucket in units of 1e-3 bit: Mbit/s x ns.  Depth: 10 ms of traffic,
 * at least 64 KiB.  The platform takes a VF's next frame only while the
 * bucket holds a largest frame; when it does not, it waits until the bucket
 * is a quarter full again (fewer wake-ups than one per frame).
 */
static uint64_t rate_burst(uint64_t rate)
{
	uint64_t burst = rate * 10000000ull;

	return burst < 65536ull * 8000ull ? 65536ull * 8000ull : burst;
}

static void rate_refill(struct snic_fw *fw, struct fw_vport *vp)
{
	uint64_t now = fw->hal->now_ns(fw->hal->ctx), rate = vp->ctx.max_rate;
	uint64_t burst = rate_burst(rate), dt;

	if (vp->last_ns == 0) {
		vp->tokens = burst;
		vp->last_ns = now;
	}
	dt = now > vp->last_ns ? now - vp->last_ns : 0;
	if (dt > 1000000000ull)
		dt = 1000000000ull;
	vp->last_ns = now;
	vp->tokens += dt * rate;
	if (vp->tokens > burst)
		vp->tokens = burst;
}

static bool rate_ok(struct snic_fw *fw, struct fw_vport *vp, uint32_t len)
{
	uint64_t cost = (uint64_t)len * 8000ull;

	rate_refill(fw, vp);
	if (vp->tokens < cost)
		return false;
	vp->tokens -= cost;
	return true;
}

uint64_t snic_fw_vport_tx_wait_ns(struct snic_fw *fw, uint16_t vport)
{
	const uint64_t frame = (uint64_t)SNIC_FW_MAX_FRAME * 8000ull;
	struct fw_vport *vp;
	uint64_t rate, resume;

	if (!SNIC_IFC_VPORT_IS_VF(vport) || !snic_fw_vport_valid(fw, vport))
		return 0;
	vp = fw_vport(fw, vport);
	rate = vp->ctx.max_rate;
	if (!rate || !fw_vport_enabled(fw, vport))
		return 0;
	rate_refill(fw, vp);
	if (vp->tokens >= frame)
		return 0;
	resume = rate_burst(rate) / 4u;
	if (resume < frame)
		resume = frame;
	return (resume - vp->tokens + rate - 1u) / rate;
}

static bool is_vlan_tpid(const uint8_t *eth)
{
	return (eth[12] == 0x81 && eth[13] == 0x00) ||
	       (eth[12] == 0x88 && eth[13] == 0xa8);
}

bool fw_vport_ingress(struct snic_fw *fw, struct fw_vport *vp,
		      struct snic_fw_buf *b)
{
	const struct snic_ifc_vport_ctx *x = &vp->ctx;

	if (!fw_vport_enabled(fw, vp->id)) {
		fw->drops[SNIC_DROP_VF_DISABLED]++;
		return false;
	}
	if (!snic_fw_vport_link_up(fw, vp->id)) {
		vp->st.drop_link++;
		return false;
	}
	if (SNIC_IFC_VPORT_IS_VF(vp->id)) {
		static const uint8_t zero_mac[6];

		if (x->max_rate && !rate_ok(fw, vp, b->len)) {
			vp->st.drop_rate++;
			return false;
		}
		/* a runt is left to the parser, which drops it with its reason */
		if (b->len >= ETH_HLEN) {
			if (x->spoofchk && memcmp(x->mac, zero_mac, 6) != 0 &&
			    memcmp(b->data + 6, x->mac, 6) != 0) {
				vp->st.drop_spoof++;
				return false;
			}
			if (x->vlan) {
				if (is_vlan_tpid(b->data)) {
					vp->st.drop_vlan++;
					return false;
				}
				if (snic_fw_pkt_push_vlan(b, 0x8100,
					(uint16_t)(x->qos << 13 | x->vlan)))
					return false;
			}
		}
	}
	vp->st.rx_packets++;
	vp->st.rx_bytes += b->len;
	return true;
}

/* Transmit to the vport itself, applying its egress policy.  The buffer is
 * left as it was (a VLAN strip is undone after the transmit), so one frame
 * can go to several destinations. */
void fw_vport_deliver(struct snic_fw *fw, uint16_t vport, struct snic_fw_buf *b)
{
	struct fw_vport *vp = fw_vport(fw, vport);
	uint8_t save[16];

	if (!fw_vport_enabled(fw, vport)) {
		fw->drops[SNIC_DROP_VF_DISABLED]++;
		return;
	}
	if (!snic_fw_vport_link_up(fw, vport)) {
		vp->st.drop_link++;
		return;
	}
	if (SNIC_IFC_VPORT_IS_VF(vport) && vp->ctx.vlan) {
		uint16_t tci;

		if (b->len < ETH_HLEN + 4 || b->data[12] != 0x81 || b->data[13] != 0)
			goto bad_vlan;
		tci = (uint16_t)(b->data[14] << 8 | b->data[15]);
		if ((tci & 0x0fff) != vp->ctx.vlan)
			goto bad_vlan;
		/* strip in place: MACs move over the tag, then move back */
		memcpy(save, b->data, 16);
		memmove(b->data + 4, b->data, 12);
		vp->st.tx_packets++;
		vp->st.tx_bytes += b->len - 4;
		fw->hal->tx(fw->hal->ctx, SNIC_FW_TX_VPORT, vport, b->data + 4,
			    b->len - 4);
		memcpy(b->data, save, 16);
		return;
	}
	vp->st.tx_packets++;
	vp->st.tx_bytes += b->len;
	fw->hal->tx(fw->hal->ctx, SNIC_FW_TX_VPORT, vport, b->data, b->len);
	return;
bad_vlan:
	vp->st.drop_vlan++;
}

void fw_vport_to_rep(struct snic_fw *fw, uint16_t vport, const uint8_t *frame,
		     uint32_t len)
{
	fw_vport(fw, vport)->st.rep_packets++;
	fw->hal->tx(fw->hal->ctx, SNIC_FW_TX_REP, vport, frame, len);
}
