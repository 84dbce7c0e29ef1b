/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mgr_neigh.c - the underlay's neighbors: the MAC of each tunnel next hop,
 * resolved with ARP on the uplink (or set statically), and ARP answers for
 * this host's VTEP addresses (the tunnel ports' local_ip).
 *
 * An entry is STATIC (set neighbor.IP MAC), REACHABLE (learnt from ARP),
 * INCOMPLETE (asked, no answer yet: up to NEIGH_TRIES requests a second
 * apart) or FAILED (no answer: asked again every NEIGH_FAILED_RETRY_MS).
 * Encap rules whose next hop is not known stay pending (hardware) and their
 * packets wait (software); when an entry is learnt or its MAC changes, the
 * planner re-translates, so hardware rules always carry the current MAC.
 * A REACHABLE entry is refreshed every NEIGH_REFRESH_MS (a request; the MAC
 * stays in use meanwhile, as a kernel keeps a stale entry).
 *
 * Who asks for a VTEP address is remembered too (it is likely a remote VTEP
 * a rule will need), but only passively: such an entry is not refreshed, not
 * persisted and re-plans nothing until a rule looks it up.  The table holds
 * at most NEIGH_MAX entries; a full table makes room by dropping a passive
 * entry, so ARP from the wire (any source address, any rate) cannot grow it,
 * nor make the manager send requests or write its store.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgr_internal.h"

#define NEIGH_TRIES            3u
#define NEIGH_RETRY_MS         1000u
#define NEIGH_FAILED_RETRY_MS  10000u
#define NEIGH_REFRESH_MS       60000u
#define NEIGH_MAX              4096u

static struct neigh *find(struct snic_mgr *m, uint32_t ip)
{
	for (unsigned i = 0; i < m->n_neigh; i++)
		if (m->neigh[i].ip == ip)
			return &m->neigh[i];
	return NULL;
}

/* A new entry for ip (used or passive), or NULL: out of memory, or the table
 * is full of used entries. */
static struct neigh *add(struct snic_mgr *m, uint32_t ip, bool used)
{
	struct neigh *n = NULL;

	if (m->n_neigh >= NEIGH_MAX) {
		/* make room: the passive entry after the last one taken */
		for (unsigned k = 0; k < m->n_neigh && !n; k++) {
			unsigned i = (m->neigh_evict + k) % m->n_neigh;

			if (!m->neigh[i].used) {
				n = &m->neigh[i];
				m->neigh_evict = i + 1;
			}
		}
		if (!n)
			return NULL;
	} else {
		n = realloc(m->neigh, (m->n_neigh + 1) * sizeof(*n));
		if (!n)
			return NULL;
		m->neigh = n;
		n = &m->neigh[m->n_neigh++];
	}
	memset(n, 0, sizeof(*n));
	n->ip = ip;
	n->used = used;
	return n;
}

static void persist(struct snic_mgr *m, const struct neigh *n);

/* A local VTEP address to speak ARP from (the first tunnel's), or 0. */
static uint32_t vtep_ip(const struct snic_mgr *m)
{
	for (unsigned i = m->n_fixed; i < m->n_ports; i++)
		if (!m->ports[i].local_flow && m->ports[i].local_ip)
			return m->ports[i].local_ip;
	return 0;
}

static bool is_vtep(const struct snic_mgr *m, uint32_t ip)
{
	for (unsigned i = m->n_fixed; i < m->n_ports; i++)
		if (!m->ports[i].local_flow && m->ports[i].local_ip == ip)
			return true;
	return false;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Send an ARP request (op 1) or reply (op 2) out of the uplink. */
static void arp_send(struct snic_mgr *m, uint16_t op, const uint8_t *tha,
		     uint32_t spa, uint32_t tpa)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t f[60] = { 0 };

	if (!m->cfg.tx || !spa)
		return;
	memcpy(f, op == 1 ? bcast : tha, 6);
	memcpy(f + 6, m->cfg.uplink_mac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	f[15] = 1;              /* Ethernet */
	f[16] = 0x08;           /* IPv4 */
	f[18] = 6;
	f[19] = 4;
	f[21] = (uint8_t)op;
	memcpy(f + 22, m->cfg.uplink_mac, 6);
	put32(f + 28, spa);
	if (op == 2)
		memcpy(f + 32, tha, 6);
	put32(f + 38, tpa);
	m->cfg.tx(m->cfg.tx_arg, m->cfg.uplink_port, f, sizeof(f));
	m->arp_sent++;
}

int mgr_neigh_lookup(struct snic_mgr *m, uint32_t ip, uint8_t mac[6])
{
	struct neigh *n = find(m, ip);

	if (n && !n->used) {
		/* it asked us before: now a rule needs it */
		n->used = 1;
		if (n->state == NEIGH_REACHABLE) {
			n->next_ms = mgr_now(m) + NEIGH_REFRESH_MS;
			persist(m, n);
		} else {
			n->state = NEIGH_INCOMPLETE;    /* ask now */
			n->tries = 0;
			n->next_ms = 0;
		}
	}
	if (n && (n->state == NEIGH_STATIC || n->state == NEIGH_REACHABLE)) {
		memcpy(mac, n->mac, 6);
		return 0;
	}
	if (n && n->state == NEIGH_FAILED)
		return -EHOSTUNREACH;
	if (!n) {
		uint64_t now = mgr_now(m);

		n = add(m, ip, true);
		if (!n)
			return -ENOMEM;
		n->state = NEIGH_INCOMPLETE;
		n->tries = 1;
		n->next_ms = now + NEIGH_RETRY_MS;
		arp_send(m, 1, NULL, vtep_ip(m), ip);
	}
	return -EAGAIN;
}

int mgr_neigh_set_static(struct snic_mgr *m, uint32_t ip, const uint8_t *mac)
{
	struct neigh *n = find(m, ip);

	if (!mac) {
		if (n)
			*n = m->neigh[--m->n_neigh];
		return 0;
	}
	if (!n && !(n = add(m, ip, true)))
		return -ENOMEM;
	n->used = 1;
	n->state = NEIGH_STATIC;
	memcpy(n->mac, mac, 6);
	return 0;
}

int mgr_neigh_set_learnt(struct snic_mgr *m, uint32_t ip, const uint8_t *mac)
{
	struct neigh *n = find(m, ip);

	if (!n && !(n = add(m, ip, true)))
		return -ENOMEM;
	n->used = 1;
	if (n->state == NEIGH_STATIC)
		return 0;
	n->state = NEIGH_REACHABLE;
	memcpy(n->mac, mac, 6);
	n->next_ms = 0;         /* check it soon */
	return 0;
}

/* Remember a learnt MAC across restarts (so the rules using it translate
 * the same at the next start and the NIC's are adopted, not rebuilt). */
static void persist(struct snic_mgr *m, const struct neigh *n)
{
	char key[32], mac[18];

	if (!m->store || snic_mgr_store_begin(m->store))
		return;
	snprintf(key, sizeof(key), "learnt.%u.%u.%u.%u", n->ip >> 24, (n->ip >> 16) & 255,
		 (n->ip >> 8) & 255, n->ip & 255);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", n->mac[0], n->mac[1],
		 n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
	if (snic_mgr_store_set(m->store, key, mac) || snic_mgr_store_commit(m->store))
		snic_mgr_store_rollback(m->store);
}

bool mgr_neigh_tick(struct snic_mgr *m)
{
	uint64_t now = mgr_now(m);
	bool changed = false;

	for (unsigned i = 0; i < m->n_neigh; i++) {
		struct neigh *n = &m->neigh[i];

		if (n->state == NEIGH_STATIC || !n->used || now < n->next_ms)
			continue;
		switch (n->state) {
		case NEIGH_INCOMPLETE:
			if (n->tries >= NEIGH_TRIES) {
				n->state = NEIGH_FAILED;
				n->next_ms = now + NEIGH_FAILED_RETRY_MS;
				changed = true;         /* pending -> unreachable */
				break;
			}
			n->tries++;
			n->next_ms = now + NEIGH_RETRY_MS;
			arp_send(m, 1, NULL, vtep_ip(m), n->ip);
			break;
		case NEIGH_FAILED:
			/* ask again; rules using it stay "no route" until answered */
			n->tries = 0;
			n->next_ms = now + NEIGH_FAILED_RETRY_MS;
			arp_send(m, 1, NULL, vtep_ip(m), n->ip);
			break;
		case NEIGH_REACHABLE:
			n->next_ms = now + NEIGH_REFRESH_MS;
			arp_send(m, 1, NULL, vtep_ip(m), n->ip);
			break;
		}
	}
	return changed;
}

int snic_mgr_arp_input(struct snic_mgr *m, const uint8_t *f, uint32_t len)
{
	static const uint8_t hdr[8] = { 0, 1, 0x08, 0, 6, 4 };
	uint32_t spa, tpa;
	uint16_t op;
	struct neigh *n;
	bool mine;

	if (len < 42 || f[12] != 0x08 || f[13] != 0x06 || memcmp(f + 14, hdr, 6))
		return 0;
	op = (uint16_t)(f[20] << 8 | f[21]);
	spa = get32(f + 28);
	tpa = get32(f + 38);
	mine = is_vtep(m, tpa);
	if (!mine && !find(m, spa))
		return 0;       /* not ours: the OpenFlow rules decide */
	n = spa && !(f[22] & 1) ? find(m, spa) : NULL;    /* a unicast sender */
	if (mine && spa && !(f[22] & 1) && !n && (n = add(m, spa, false)))
		n->state = NEIGH_INCOMPLETE;    /* who asks us is a neighbor */
	if (n && n->state != NEIGH_STATIC && !n->used) {
		/* passive: remember the MAC, nothing else */
		memcpy(n->mac, f + 22, 6);
		n->state = NEIGH_REACHABLE;
	} else if (n && n->state != NEIGH_STATIC) {
		bool was = n->state == NEIGH_REACHABLE && !memcmp(n->mac, f + 22, 6);

		memcpy(n->mac, f + 22, 6);
		n->state = NEIGH_REACHABLE;
		n->tries = 0;
		n->next_ms = mgr_now(m) + NEIGH_REFRESH_MS;
		if (!was) {
			/* learnt, or moved: re-translate the rules using it */
			persist(m, n);
			mgr_neigh_changed(m);
			mgr_sync(m);
		}
	}
	if (mine && op == 1)
		arp_send(m, 2, f + 22, tpa, spa);
	if (mine)
		m->arp_answered += op == 1;
	return mine;
}
