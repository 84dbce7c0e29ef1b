/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mgr.c - the manager's life cycle, ports, tunnels and settings, and the
 * planner's view of them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mgr_internal.h"

int mgr_fail(struct snic_mgr_err *err, int code, long long index,
	     const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		err->index = index;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

uint64_t mgr_now(const struct snic_mgr *m)
{
	struct timespec ts;

	if (m->cfg.now_ms)
		return m->cfg.now_ms(m->cfg.now_arg);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- ports ---- */

const struct snic_mgr_port *mgr_port_by_name(const struct snic_mgr *m, const char *name)
{
	for (unsigned i = 0; i < m->n_ports; i++)
		if (!strcmp(m->ports[i].name, name))
			return &m->ports[i];
	return NULL;
}

static const struct snic_mgr_port *port_by_no(void *arg, uint32_t ofport)
{
	const struct snic_mgr *m = arg;

	for (unsigned i = 0; i < m->n_ports; i++)
		if (m->ports[i].ofport == ofport)
			return &m->ports[i];
	return NULL;
}

static unsigned tunnels(void *arg, const struct snic_mgr_port **out, unsigned max)
{
	const struct snic_mgr *m = arg;
	unsigned n = m->n_ports - m->n_fixed;

	for (unsigned i = 0; i < n && i < max; i++)
		out[i] = &m->ports[m->n_fixed + i];
	return n;
}

static int neigh(void *arg, uint32_t ip, uint8_t mac[6])
{
	return mgr_neigh_lookup(arg, ip, mac);
}

static int of_lookup(void *arg, const char *name, uint32_t *ofport)
{
	const struct snic_mgr_port *p = mgr_port_by_name(arg, name);

	if (!p)
		return -ENOENT;
	*ofport = p->ofport;
	return 0;
}

static int of_name(void *arg, uint32_t ofport, char *buf, size_t len)
{
	const struct snic_mgr_port *p = port_by_no(arg, ofport);

	if (!p)
		return -ENOENT;
	snprintf(buf, len, "%s", p->name);
	return 0;
}

static const struct snic_of_port_ops of_ops = { of_lookup, of_name };

unsigned snic_mgr_ports(const struct snic_mgr *m, const struct snic_mgr_port **out,
			unsigned max)
{
	for (unsigned i = 0; i < m->n_ports && i < max; i++)
		out[i] = &m->ports[i];
	return m->n_ports;
}

const struct snic_mgr_config *snic_mgr_config(const struct snic_mgr *m)
{
	return &m->cfg;
}

void mgr_env_changed(struct snic_mgr *m)
{
	snic_mgr_plan_env_changed(m->plan);
	if (m->dp)
		snic_mgr_swdp_env_changed(m->dp);
}

void mgr_neigh_changed(struct snic_mgr *m)
{
	snic_mgr_plan_neigh_changed(m->plan);
	if (m->dp)
		snic_mgr_swdp_env_changed(m->dp);
}

uint32_t snic_mgr_ofport_of_dpdk(const struct snic_mgr *m, uint16_t dpdk_port)
{
	for (unsigned i = 0; i < m->n_fixed; i++)
		if (m->ports[i].dpdk_port == dpdk_port)
			return m->ports[i].ofport;
	return 0;
}

int snic_mgr_sw_process(struct snic_mgr *m, const struct snic_mgr_swdp_pkt *pkts,
			unsigned n, struct snic_mgr_swdp_result *res)
{
	return snic_mgr_swdp_process_burst(m->dp, pkts, n, res);
}

void snic_mgr_sw_stats(const struct snic_mgr *m, struct snic_mgr_swdp_stats *st)
{
	snic_mgr_swdp_stats(m->dp, st);
}

unsigned snic_mgr_hw_rules(const struct snic_mgr *m)
{
	return snic_mgr_plan_hw_installed(m->plan);
}

unsigned snic_mgr_hw_stuck(const struct snic_mgr *m)
{
	return snic_mgr_plan_hw_stuck(m->plan);
}

/* "A.B.C.D" or "flow" (*flow set); ok. */
static int ip_or_flow(const char *s, uint32_t *ip, bool *flow)
{
	struct in_addr a;

	*flow = s && !strcmp(s, "flow");
	*ip = 0;
	if (*flow)
		return 0;
	if (!s || inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*ip = ntohl(a.s_addr);
	return 0;
}

/* Fill a tunnel port from its options; err names the bad one. */
static int tunnel_port(struct snic_mgr_port *t, const char *name, const char *remote,
		       const char *local, const char *key, unsigned dst_port,
		       struct snic_mgr_err *err)
{
	char *end;

	memset(t, 0, sizeof(*t));
	if (!name || !*name || strlen(name) > SNIC_OF_PORT_NAME_MAX)
		return mgr_fail(err, -EINVAL, -1, "tunnel name: 1 to %u characters",
				SNIC_OF_PORT_NAME_MAX);
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->kind = SNIC_MGR_PORT_TUNNEL;
	t->vf = -1;
	if (ip_or_flow(remote, &t->remote_ip, &t->remote_flow))
		return mgr_fail(err, -EINVAL, -1, "tunnel %s: remote_ip=%s: an IPv4 "
				"address or \"flow\" (IPv6 tunnels are not supported)",
				name, remote ? remote : "(missing)");
	if (!local)
		return mgr_fail(err, -EINVAL, -1, "tunnel %s: local_ip is required (the "
				"VTEP address of this host on the underlay)", name);
	if (ip_or_flow(local, &t->local_ip, &t->local_flow) || t->local_flow)
		return mgr_fail(err, -EINVAL, -1, "tunnel %s: local_ip=%s: an IPv4 "
				"address", name, local);
	if (!key || !strcmp(key, "flow")) {
		t->key_flow = key != NULL;
	} else {
		unsigned long v = strtoul(key, &end, 0);
		if (!*key || *end || v > 0xffffff)
			return mgr_fail(err, -EINVAL, -1, "tunnel %s: key=%s: a VNI "
					"0..16777215 or \"flow\"", name, key);
		t->key = (uint32_t)v;
	}
	if (dst_port < 1 || dst_port > 65535)
		return mgr_fail(err, -EINVAL, -1, "tunnel %s: dst_port=%u: 1..65535",
				name, dst_port);
	t->dst_port = (uint16_t)dst_port;
	return 0;
}

static void ip_text(uint32_t ip, bool flow, char *b, size_t len)
{
	if (flow)
		snprintf(b, len, "flow");
	else
		snprintf(b, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
			 (ip >> 8) & 255, ip & 255);
}

static int store_tunnel(struct snic_mgr *m, const struct snic_mgr_port *t)
{
	char remote[20], local[20], key[16];
	struct snic_mgr_store_port sp = {
		.name = t->name, .kind = SNIC_MGR_STORE_PORT_TUNNEL, .vf = -1,
		.remote_ip = remote, .local_ip = local, .key = key,
		.dst_port = t->dst_port,
	};

	ip_text(t->remote_ip, t->remote_flow, remote, sizeof(remote));
	ip_text(t->local_ip, t->local_flow, local, sizeof(local));
	if (t->key_flow)
		snprintf(key, sizeof(key), "flow");
	else
		snprintf(key, sizeof(key), "%u", t->key);
	return snic_mgr_store_put_port(m->store, &sp);
}

/* Run fn inside one store transaction (no store: just fn). */
static int in_txn(struct snic_mgr *m, int (*fn)(struct snic_mgr *, void *), void *arg,
		  struct snic_mgr_err *err)
{
	int rc;

	if (!m->store)
		return fn(m, arg);
	if ((rc = snic_mgr_store_begin(m->store)))
		return mgr_fail(err, rc, -1, "state store: %s", snic_mgr_store_error(m->store));
	rc = fn(m, arg);
	if (rc) {
		snic_mgr_store_rollback(m->store);
		return mgr_fail(err, rc, -1, "state store: %s", snic_mgr_store_error(m->store));
	}
	if ((rc = snic_mgr_store_commit(m->store)))
		return mgr_fail(err, rc, -1, "state store: %s", snic_mgr_store_error(m->store));
	return 0;
}

static int put_tunnel_fn(struct snic_mgr *m, void *arg)
{
	return store_tunnel(m, arg);
}

int snic_mgr_add_tunnel(struct snic_mgr *m, const char *name, const char *remote_ip,
			const char *local_ip, const char *key, unsigned dst_port,
			struct snic_mgr_err *err)
{
	struct snic_mgr_port t, *a;
	int rc;

	if ((rc = tunnel_port(&t, name, remote_ip, local_ip, key, dst_port, err)))
		return rc;
	if (mgr_port_by_name(m, name))
		return mgr_fail(err, -EEXIST, -1, "port %s exists already", name);
	if (m->n_ports - m->n_fixed >= SNIC_MGR_MAX_TUNNELS)
		return mgr_fail(err, -ENOSPC, -1, "at most %u tunnel ports",
				SNIC_MGR_MAX_TUNNELS);
	t.ofport = SNIC_MGR_OFPORT_TUNNEL0;
	for (unsigned i = m->n_fixed; i < m->n_ports; i++)
		if (m->ports[i].ofport >= t.ofport)
			t.ofport = m->ports[i].ofport + 1;
	if ((rc = in_txn(m, put_tunnel_fn, &t, err)))
		return rc;
	a = realloc(m->ports, (m->n_ports + 1) * sizeof(*a));
	if (!a)
		return mgr_fail(err, -ENOMEM, -1, "out of memory");
	m->ports = a;
	m->ports[m->n_ports++] = t;
	mgr_env_changed(m);
	mgr_sync(m);
	return 0;
}

static int del_tunnel_fn(struct snic_mgr *m, void *arg)
{
	return snic_mgr_store_del_port(m->store, arg);
}

int snic_mgr_del_tunnel(struct snic_mgr *m, const char *name, struct snic_mgr_err *err)
{
	const struct snic_mgr_port *t = mgr_port_by_name(m, name);
	unsigned i;
	int rc;

	if (!t || t->kind != SNIC_MGR_PORT_TUNNEL)
		return mgr_fail(err, -ENOENT, -1, "no tunnel port %s", name);
	for (size_t k = 0; k < m->hsize; k++)
		for (struct mrule *r = m->by_id[k]; r; r = r->id_next) {
			bool uses = r->of->match.in_port_mask && r->of->match.in_port == t->ofport;
			for (unsigned a = 0; a < r->of->n_actions && !uses; a++)
				uses = r->of->actions[a].type == SNIC_OF_ACT_OUTPUT &&
				       r->of->actions[a].u.port == t->ofport;
			if (uses)
				return mgr_fail(err, -EBUSY, -1, "tunnel %s is used by rule "
						"%llu (%s): delete that rule first", name,
						(unsigned long long)r->id, r->text);
		}
	if ((rc = in_txn(m, del_tunnel_fn, (void *)(uintptr_t)name, err)))
		return rc;
	i = (unsigned)(t - m->ports);
	memmove(&m->ports[i], &m->ports[i + 1], (m->n_ports - i - 1) * sizeof(m->ports[0]));
	m->n_ports--;
	mgr_env_changed(m);
	mgr_sync(m);
	return 0;
}

/* ---- settings ---- */

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char c;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &c) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (v[i] > 255)
			return -EINVAL;
		mac[i] = (uint8_t)v[i];
	}
	return (mac[0] & 1) ? -EINVAL : 0;
}

/* Apply a setting to memory (validated); 0 or -EINVAL with err. */
static int apply_setting(struct snic_mgr *m, const char *key, const char *value,
			 bool dry, struct snic_mgr_err *err)
{
	if (!strcmp(key, "table_miss")) {
		enum snic_mgr_miss mi;

		if (!strcmp(value, "sw"))
			mi = SNIC_MGR_MISS_SW;
		else if (!strcmp(value, "drop"))
			mi = SNIC_MGR_MISS_DROP;
		else
			return mgr_fail(err, -EINVAL, -1, "table_miss=%s: \"sw\" (send "
					"misses to the software datapath, the default) or "
					"\"drop\"", value);
		if (!dry) {
			m->miss = mi;
			snic_mgr_plan_set_miss(m->plan, mi);
			if (m->dp)
				snic_mgr_swdp_set_miss(m->dp, mi == SNIC_MGR_MISS_DROP ?
						       SNIC_MGR_SWDP_MISS_DROP :
						       SNIC_MGR_SWDP_MISS_REPORT);
		}
		return 0;
	}
	if (!strncmp(key, "learnt.", 7)) {   /* written by mgr_neigh.c */
		struct in_addr a;
		uint8_t mac[6];

		if (inet_pton(AF_INET, key + 7, &a) != 1 || parse_mac(value, mac))
			return mgr_fail(err, -EINVAL, -1, "%s=%s: not a learnt neighbor "
					"(learnt.<IPv4> = <MAC>)", key, value);
		if (!dry)
			mgr_neigh_set_learnt(m, ntohl(a.s_addr), mac);
		return 0;
	}
	if (!strncmp(key, "neighbor.", 9)) {
		struct in_addr a;
		uint8_t mac[6];
		uint32_t ip;

		if (inet_pton(AF_INET, key + 9, &a) != 1)
			return mgr_fail(err, -EINVAL, -1, "%s: neighbor.<IPv4 address>", key);
		ip = ntohl(a.s_addr);
		if (*value && parse_mac(value, mac))
			return mgr_fail(err, -EINVAL, -1, "%s=%s: a unicast MAC address "
					"(aa:bb:cc:dd:ee:ff), or empty to remove", key, value);
		if (dry)
			return 0;
		if (mgr_neigh_set_static(m, ip, *value ? mac : NULL))
			return mgr_fail(err, -ENOMEM, -1, "out of memory");
		mgr_neigh_changed(m);
		return 0;
	}
	return mgr_fail(err, -EINVAL, -1, "unknown setting %s (known: table_miss, "
			"neighbor.<IPv4>)", key);
}

struct kv {
	const char *k, *v;
};

static int set_fn(struct snic_mgr *m, void *arg)
{
	const struct kv *kv = arg;

	return snic_mgr_store_set(m->store, kv->k, *kv->v ? kv->v : NULL);
}

int snic_mgr_set(struct snic_mgr *m, const char *key, const char *value,
		 struct snic_mgr_err *err)
{
	struct kv kv = { key, value };
	int rc;

	if ((rc = apply_setting(m, key, value, true, err)))
		return rc;
	if ((rc = in_txn(m, set_fn, &kv, err)))
		return rc;
	apply_setting(m, key, value, false, err);
	mgr_sync(m);
	return 0;
}

/* ---- loading the store ---- */

struct loader {
	struct snic_mgr *m;
	struct snic_mgr_err *err;
};

static int load_setting(void *arg, const char *key, const char *value)
{
	struct loader *l = arg;

	return apply_setting(l->m, key, value, false, l->err);
}

static int load_port(void *arg, const struct snic_mgr_store_port *sp)
{
	struct loader *l = arg;
	struct snic_mgr *m = l->m;
	struct snic_mgr_port t, *a;
	int rc;

	if (sp->kind != SNIC_MGR_STORE_PORT_TUNNEL)
		return 0;       /* uplink and VFs come from the hardware */
	rc = tunnel_port(&t, sp->name, sp->remote_ip, sp->local_ip,
			 sp->key ? sp->key : NULL, sp->dst_port, l->err);
	if (rc)
		return rc;
	t.ofport = SNIC_MGR_OFPORT_TUNNEL0 + (m->n_ports - m->n_fixed);
	a = realloc(m->ports, (m->n_ports + 1) * sizeof(*a));
	if (!a)
		return mgr_fail(l->err, -ENOMEM, -1, "out of memory");
	m->ports = a;
	m->ports[m->n_ports++] = t;
	return 0;
}

static int load_rule(void *arg, const struct snic_mgr_store_rule *sr)
{
	struct loader *l = arg;

	return mgr_rule_load(l->m, sr, l->err);
}

/* ---- life cycle ---- */

static void mgr_free(struct snic_mgr *m, bool keep_hw);

int snic_mgr_create(struct snic_mgr **out, const struct snic_mgr_config *cfg,
		    struct snic_mgr_err *err)
{
	struct snic_mgr_xlate_env env = { 0 };
	struct snic_mgr_swdp_config dc = { 0 };
	struct snic_mgr *m;
	char e[256];
	int rc;

	*out = NULL;
	if (!cfg || !cfg->hw || cfg->n_vfs > SNIC_MGR_MAX_VFS || (cfg->n_vfs && !cfg->vf_ports))
		return mgr_fail(err, -EINVAL, -1, "manager: incomplete configuration");
	m = calloc(1, sizeof(*m));
	if (!m)
		return mgr_fail(err, -ENOMEM, -1, "out of memory");
	m->cfg = *cfg;
	m->cfg.store_path = NULL;
	m->of_ports.ops = &of_ops;
	m->of_ports.arg = m;
	m->next_id = 1;
	m->next_plan_id = 1;
	m->n_fixed = 1 + cfg->n_vfs;
	m->n_ports = m->n_fixed;
	m->ports = calloc(m->n_ports, sizeof(*m->ports));
	if (!m->ports || mgr_rules_init(m)) {
		rc = mgr_fail(err, -ENOMEM, -1, "out of memory");
		goto fail;
	}
	snprintf(m->ports[0].name, sizeof(m->ports[0].name), "uplink");
	m->ports[0].ofport = SNIC_MGR_OFPORT_UPLINK;
	m->ports[0].kind = SNIC_MGR_PORT_UPLINK;
	m->ports[0].dpdk_port = cfg->uplink_port;
	m->ports[0].vf = -1;
	for (unsigned i = 0; i < cfg->n_vfs; i++) {
		struct snic_mgr_port *p = &m->ports[1 + i];

		snprintf(p->name, sizeof(p->name), "vf%u", i);
		p->ofport = SNIC_MGR_OFPORT_VF0 + i;
		p->kind = SNIC_MGR_PORT_VF;
		p->dpdk_port = cfg->vf_ports[i];
		p->vf = (int)i;
	}
	env.port = port_by_no;
	env.neigh = neigh;
	env.tunnels = tunnels;
	env.arg = m;
	env.proxy_port = cfg->proxy_port;
	env.uplink_port = cfg->uplink_port;
	memcpy(env.uplink_mac, cfg->uplink_mac, 6);
	env.priority_levels = cfg->priority_levels;
	env.max_group = cfg->max_group;
	m->env = env;
	if ((rc = snic_mgr_plan_create(&m->plan, &env, cfg->hw, cfg->hw_arg, e, sizeof(e)))) {
		mgr_fail(err, rc, -1, "%s", e);
		goto fail;
	}
	dc.env = &m->env;
	dc.miss = SNIC_MGR_SWDP_MISS_REPORT;
	if ((rc = snic_mgr_swdp_create(&dc, &m->dp))) {
		mgr_fail(err, rc, -1, "software datapath: %s", strerror(-rc));
		goto fail;
	}
	if (cfg->store_path) {
		struct loader l = { m, err };
		const struct snic_mgr_store_visitor v = { load_setting, load_port, load_rule };

		if ((rc = snic_mgr_store_open(cfg->store_path, &m->store, e, sizeof(e)))) {
			mgr_fail(err, rc, -1, "%s", e);
			goto fail;
		}
		if ((rc = snic_mgr_store_load(m->store, &v, &l))) {
			if (err && !err->msg[0])
				mgr_fail(err, rc, -1, "loading %s: %s", cfg->store_path,
					 snic_mgr_store_error(m->store));
			goto fail;
		}
		if ((rc = snic_mgr_store_next_rule_id(m->store, &m->next_id))) {
			mgr_fail(err, rc, -1, "%s", snic_mgr_store_error(m->store));
			goto fail;
		}
	}
	mgr_sync(m);
	*out = m;
	return 0;
fail:
	mgr_free(m, false);
	return rc;
}

static void mgr_free(struct snic_mgr *m, bool keep_hw)
{
	if (!m)
		return;
	if (keep_hw)
		snic_mgr_plan_detach(m->plan);
	else
		snic_mgr_plan_destroy(m->plan);
	snic_mgr_swdp_destroy(m->dp);
	mgr_rules_fini(m);
	if (m->store)
		snic_mgr_store_close(m->store);
	free(m->ports);
	free(m->neigh);
	free(m);
}

void snic_mgr_destroy(struct snic_mgr *m)
{
	mgr_free(m, false);
}

void snic_mgr_detach(struct snic_mgr *m)
{
	mgr_free(m, true);
}
