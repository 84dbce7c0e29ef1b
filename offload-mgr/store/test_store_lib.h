/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_store_lib.h - what test_store and test_store_crash share: a private
 * temporary directory removed at exit (also after a failed SNIC_REQUIRE, and
 * on a fatal signal other than SIGKILL),
 * generated rules, and the whole store loaded into memory.
 *
 * Forked children must leave with _exit(): the directory is removed only by
 * the process that made it, but other atexit work is not theirs to do.
 * Include it first (nftw() needs _XOPEN_SOURCE, which _GNU_SOURCE brings).
 */
#ifndef TEST_STORE_LIB_H
#define TEST_STORE_LIB_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "snic_mgr_store.h"
#include "snic_test.h"

/* ---- the private directory ---- */

static char test_dir_[512];
static pid_t test_dir_owner_;

static int test_rm_(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static void test_dir_remove_(void)
{
	if (test_dir_[0] && getpid() == test_dir_owner_)
		nftw(test_dir_, test_rm_, 16, FTW_DEPTH | FTW_PHYS);
}

/* Also on a fatal signal (not SIGKILL): remove, then die of it. */
static void test_dir_signal_(int sig)
{
	test_dir_remove_();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* mkdtemp under $TMPDIR, else /var/tmp; removed at exit and on SIGINT,
 * SIGTERM, SIGHUP, SIGPIPE and SIGABRT. */
static inline void test_dir_make(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGABRT };
	const char *base = getenv("TMPDIR");

	snprintf(test_dir_, sizeof(test_dir_), "%s/snic-store-XXXXXX",
		 base && *base ? base : "/var/tmp");
	SNIC_REQUIRE(mkdtemp(test_dir_) != NULL, "mkdtemp %s: %s", test_dir_,
		     strerror(errno));
	test_dir_owner_ = getpid();
	atexit(test_dir_remove_);
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], test_dir_signal_);
}

/* A path in the private directory (8 rotating buffers). */
static inline const char *test_path(const char *name)
{
	static char buf[8][600];
	static unsigned i;
	char *p = buf[i++ & 7];

	snprintf(p, sizeof(buf[0]), "%s/%s", test_dir_, name);
	return p;
}

static inline double test_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline struct snic_mgr_store *test_open(const char *path)
{
	struct snic_mgr_store *s = NULL;
	char err[SNIC_MGR_STORE_MSG_LEN];
	int rc = snic_mgr_store_open(path, &s, err, sizeof(err));

	SNIC_REQUIRE(rc == 0 && s, "open %s: %d %s", path, rc, err);
	return s;
}

/* Require a store call to succeed, printing the store's message if not. */
#define TEST_OK(s, call)                                                       \
	SNIC_REQUIRE((call) == 0, "%s", snic_mgr_store_error(s))

/* ---- generated rules: every field a function of the id ---- */

struct test_rule {
	struct snic_mgr_store_rule r;
	char match[96], actions[64];
};

static inline const struct snic_mgr_store_rule *test_rule(struct test_rule *t,
							  uint64_t id)
{
	snprintf(t->match, sizeof(t->match),
		 "in_port=vf%u,tcp,nw_dst=10.%u.%u.%u,tp_dst=%u",
		 (unsigned)(id % 64), (unsigned)(id >> 16 & 255),
		 (unsigned)(id >> 8 & 255), (unsigned)(id & 255),
		 (unsigned)(id >> 24));
	snprintf(t->actions, sizeof(t->actions),
		 "set_field:%u->tun_id,output:vxlan0", (unsigned)(id & 0xffffff));
	t->r = (struct snic_mgr_store_rule){
		.id = id, .table = (uint8_t)(id % 4),
		.priority = (uint16_t)(100 + id % 1000),
		.match = t->match, .actions = t->actions,
		.cookie = id * 0x9e3779b97f4a7c15ull,
		.idle_timeout = (uint16_t)(id % 300), .hard_timeout = 0,
		.flags = (uint32_t)(id & 7), .created_ms = 1700000000000 + (int64_t)id,
	};
	return &t->r;
}

/* ---- the whole store in memory ---- */

struct test_loaded {
	struct snic_mgr_store_rule *rules;  /* text owned */
	struct snic_mgr_store_port *ports;  /* text owned */
	char **keys, **values;
	size_t n_rules, n_ports, n_settings, cap_rules, cap_ports, cap_settings;
};

static inline char *test_dup_(const char *t)
{
	char *d = t ? strdup(t) : NULL;

	SNIC_REQUIRE(!t || d, "out of memory");
	return d;
}

static inline void *test_grow_(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 64;
	p = realloc(p, *cap * size);
	SNIC_REQUIRE(p, "out of memory");
	return p;
}

static int test_collect_setting_(void *arg, const char *key, const char *value)
{
	struct test_loaded *l = arg;

	l->keys = test_grow_(l->keys, &l->cap_settings, l->n_settings,
			     sizeof(char *));
	l->values = realloc(l->values, l->cap_settings * sizeof(char *));
	SNIC_REQUIRE(l->values, "out of memory");
	l->keys[l->n_settings] = test_dup_(key);
	l->values[l->n_settings++] = test_dup_(value);
	return 0;
}

static int test_collect_port_(void *arg, const struct snic_mgr_store_port *p)
{
	struct test_loaded *l = arg;
	struct snic_mgr_store_port *c;

	l->ports = test_grow_(l->ports, &l->cap_ports, l->n_ports, sizeof(*p));
	c = &l->ports[l->n_ports++];
	*c = *p;
	c->name = test_dup_(p->name);
	c->remote_ip = test_dup_(p->remote_ip);
	c->local_ip = test_dup_(p->local_ip);
	c->key = test_dup_(p->key);
	c->vm = test_dup_(p->vm);
	return 0;
}

static int test_collect_rule_(void *arg, const struct snic_mgr_store_rule *r)
{
	struct test_loaded *l = arg;
	struct snic_mgr_store_rule *c;

	l->rules = test_grow_(l->rules, &l->cap_rules, l->n_rules, sizeof(*r));
	c = &l->rules[l->n_rules++];
	*c = *r;
	c->match = test_dup_(r->match);
	c->actions = test_dup_(r->actions);
	return 0;
}

static inline void test_loaded_free(struct test_loaded *l)
{
	for (size_t i = 0; i < l->n_rules; i++) {
		free((char *)l->rules[i].match);
		free((char *)l->rules[i].actions);
	}
	for (size_t i = 0; i < l->n_ports; i++) {
		struct snic_mgr_store_port *p = &l->ports[i];

		free((char *)p->name); free((char *)p->remote_ip);
		free((char *)p->local_ip); free((char *)p->key);
		free((char *)p->vm);
	}
	for (size_t i = 0; i < l->n_settings; i++) {
		free(l->keys[i]);
		free(l->values[i]);
	}
	free(l->rules); free(l->ports); free(l->keys); free(l->values);
	memset(l, 0, sizeof(*l));
}

/* Load everything into *l (emptied first); the load's return value. */
static inline int test_load(struct snic_mgr_store *s, struct test_loaded *l)
{
	static const struct snic_mgr_store_visitor collect = {
		.setting = test_collect_setting_,
		.port = test_collect_port_,
		.rule = test_collect_rule_,
	};

	test_loaded_free(l);
	return snic_mgr_store_load(s, &collect, l);
}

static inline const struct snic_mgr_store_rule *
test_find_rule(const struct test_loaded *l, uint64_t id)
{
	for (size_t i = 0; i < l->n_rules; i++)
		if (l->rules[i].id == id)
			return &l->rules[i];
	return NULL;
}

static inline const struct snic_mgr_store_port *
test_find_port(const struct test_loaded *l, const char *name)
{
	for (size_t i = 0; i < l->n_ports; i++)
		if (strcmp(l->ports[i].name, name) == 0)
			return &l->ports[i];
	return NULL;
}

/* The value of setting key, or NULL. */
static inline const char *test_find_setting(const struct test_loaded *l,
					    const char *key)
{
	for (size_t i = 0; i < l->n_settings; i++)
		if (strcmp(l->keys[i], key) == 0)
			return l->values[i];
	return NULL;
}

static inline bool test_text_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static inline bool test_rule_eq(const struct snic_mgr_store_rule *a,
				const struct snic_mgr_store_rule *b)
{
	return a && b && a->id == b->id && a->table == b->table &&
	       a->priority == b->priority && test_text_eq(a->match, b->match) &&
	       test_text_eq(a->actions, b->actions) && a->cookie == b->cookie &&
	       a->idle_timeout == b->idle_timeout &&
	       a->hard_timeout == b->hard_timeout && a->flags == b->flags &&
	       a->created_ms == b->created_ms;
}

static inline bool test_port_eq(const struct snic_mgr_store_port *a,
				const struct snic_mgr_store_port *b)
{
	return a && b && test_text_eq(a->name, b->name) && a->kind == b->kind &&
	       a->vf == b->vf && test_text_eq(a->remote_ip, b->remote_ip) &&
	       test_text_eq(a->local_ip, b->local_ip) &&
	       test_text_eq(a->key, b->key) && a->dst_port == b->dst_port &&
	       test_text_eq(a->vm, b->vm);
}

#endif /* TEST_STORE_LIB_H */
