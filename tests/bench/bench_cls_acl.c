/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_cls_acl.c - the reference classifier of bench_cls: DPDK's rte_acl
 * (a multi-bit trie over the input bytes, vectorised), on the same rules
 * as snic.  The only file of bench_cls that calls DPDK.
 *
 * Five fields, laid out as rte_acl wants its input (a first byte, then
 * groups of four): protocol (bitmask: exact or any), source and destination
 * IPv4 (prefix), source and destination port (ranges, natively: no
 * expansion), one category.  Rule i gets priority n - i and userdata i + 1,
 * so a result names the generated rule (0: no rule matched).
 *
 * rte_acl allocates with rte_zmalloc: the EAL runs in memory only (no
 * hugepages, no shared config, no PCI, no telemetry, one lcore), as every
 * snic test runs DPDK; AVX-512 (512-bit) code is allowed so that rte_acl
 * can pick its widest method.  The method is rte_acl's own default choice
 * (the first of AVX512X32, AVX512X16, AVX2, SSE, NEON, ALTIVEC, SCALAR the
 * CPU and EAL allow), set explicitly here only to know its name, unless
 * --acl-alg asks for another.
 */
#define _GNU_SOURCE     /* sched_setaffinity */
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_acl.h>
#include <rte_byteorder.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_memory.h>

#include "bench_cls.h"

enum { F_PROTO, F_SRC, F_DST, F_SP, F_DP, N_FIELDS };

RTE_ACL_RULE_DEF(cls_acl_rule, N_FIELDS);

static const struct rte_acl_field_def fields[N_FIELDS] = {
	{ RTE_ACL_FIELD_TYPE_BITMASK, 1, F_PROTO, 0, offsetof(struct cls_acl_tuple, proto) },
	{ RTE_ACL_FIELD_TYPE_MASK, 4, F_SRC, 1, offsetof(struct cls_acl_tuple, src) },
	{ RTE_ACL_FIELD_TYPE_MASK, 4, F_DST, 2, offsetof(struct cls_acl_tuple, dst) },
	{ RTE_ACL_FIELD_TYPE_RANGE, 2, F_SP, 3, offsetof(struct cls_acl_tuple, sp) },
	{ RTE_ACL_FIELD_TYPE_RANGE, 2, F_DP, 3, offsetof(struct cls_acl_tuple, dp) },
};

static const struct {
	enum rte_acl_classify_alg alg;
	const char *name;
} algs[] = {
	{ RTE_ACL_CLASSIFY_AVX512X32, "AVX512X32" }, { RTE_ACL_CLASSIFY_AVX512X16, "AVX512X16" },
	{ RTE_ACL_CLASSIFY_AVX2, "AVX2" }, { RTE_ACL_CLASSIFY_SSE, "SSE" },
	{ RTE_ACL_CLASSIFY_NEON, "NEON" }, { RTE_ACL_CLASSIFY_ALTIVEC, "ALTIVEC" },
	{ RTE_ACL_CLASSIFY_SCALAR, "SCALAR" },
};

static const char *alg_name = "default";
static const char *alg_forced;  /* cls_acl_force_alg() */
static bool eal_up;

int cls_acl_force_alg(const char *name)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (strcmp(name, algs[i].name) == 0) {
			alg_forced = algs[i].name;
			return 0;
		}
	}
	fprintf(stderr, "bench_cls: no rte_acl method '%s' (AVX512X32, AVX512X16, AVX2, SSE, "
		"NEON, ALTIVEC or SCALAR)\n", name);
	return -1;
}

int cls_acl_eal_start(const char *prog)
{
	cpu_set_t cpus;
	bool have_cpus = sched_getaffinity(0, sizeof(cpus), &cpus) == 0;
	static char *argv[] = {
		NULL, "--no-huge", "--no-shconf", "--no-pci", "--no-telemetry",
		"-l", "0", "-m", "1024", "--force-max-simd-bitwidth=512",
		"--log-level=lib.eal:error", NULL,
	};
	int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;

	argv[0] = (char *)prog;
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "bench_cls: DPDK EAL did not start: %s (rte_errno %d); rte_acl "
			"is the reference of the cls rows (try dpdk_eal_smoke, or "
			"run scripts/setup.sh)\n", rte_strerror(rte_errno), rte_errno);
		return -1;
	}
	eal_up = true;
	/* The EAL pinned this thread to lcore 0's CPU; rte_acl needs no lcore:
	 * give the thread its CPUs back, so that on a shared machine the
	 * scheduler may run it where there is room (times are CPU times). */
	if (have_cpus)
		sched_setaffinity(0, sizeof(cpus), &cpus);
	return 0;
}

void cls_acl_eal_stop(void)
{
	if (eal_up)
		rte_eal_cleanup();
	eal_up = false;
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void set_range(struct rte_acl_field *f, struct cls_range r)
{
	f->value.u16 = r.lo;
	f->mask_range.u16 = r.hi;
}

struct rte_acl_ctx *cls_acl_build(const struct cls_rules *rs, const char *name,
				  double *build_s)
{
	struct rte_acl_param prm = {
		.name = name, .socket_id = SOCKET_ID_ANY,
		.rule_size = RTE_ACL_RULE_SZ(N_FIELDS), .max_rule_num = rs->n,
	};
	struct rte_acl_config cfg;
	struct rte_acl_ctx *ctx = rte_acl_create(&prm);
	struct cls_acl_rule *rules;
	double t0;
	int rc;

	if (!ctx) {
		fprintf(stderr, "bench_cls: rte_acl_create(%s, %u rules): %s (give the EAL "
			"more memory with -m)\n", name, rs->n, rte_strerror(rte_errno));
		return NULL;
	}
	rules = calloc(rs->n, sizeof(*rules));
	if (!rules)
		cls_die("out of memory for %u rte_acl rules", rs->n);
	for (uint32_t i = 0; i < rs->n; i++) {
		const struct cls_rule *r = &rs->r[i];
		struct cls_acl_rule *a = &rules[i];

		a->data.category_mask = 1;
		a->data.priority = (int32_t)(rs->n - i);
		a->data.userdata = i + 1;
		a->field[F_PROTO].value.u8 = r->proto;
		a->field[F_PROTO].mask_range.u8 = r->proto ? 0xff : 0;
		a->field[F_SRC].value.u32 = r->src;
		a->field[F_SRC].mask_range.u32 = r->src_len;
		a->field[F_DST].value.u32 = r->dst;
		a->field[F_DST].mask_range.u32 = r->dst_len;
		set_range(&a->field[F_SP], r->sp);
		set_range(&a->field[F_DP], r->dp);
	}
	rc = rte_acl_add_rules(ctx, (const struct rte_acl_rule *)rules, rs->n);
	free(rules);
	if (rc) {
		fprintf(stderr, "bench_cls: rte_acl_add_rules(%s): %s\n", name, strerror(-rc));
		rte_acl_free(ctx);
		return NULL;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.num_categories = 1;
	cfg.num_fields = N_FIELDS;
	memcpy(cfg.defs, fields, sizeof(fields));
	t0 = mono_now();
	rc = rte_acl_build(ctx, &cfg);
	*build_s = mono_now() - t0;
	if (rc) {
		fprintf(stderr, "bench_cls: rte_acl_build(%s, %u rules): %s (give the EAL more "
			"memory with -m)\n", name, rs->n, strerror(-rc));
		rte_acl_free(ctx);
		return NULL;
	}
	/* what RTE_ACL_CLASSIFY_DEFAULT picked: the first method allowed
	 * (or the one asked for) */
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (alg_forced && strcmp(alg_forced, algs[i].name))
			continue;
		rc = rte_acl_set_ctx_classify(ctx, algs[i].alg);
		if (rc == 0) {
			alg_name = algs[i].name;
			return ctx;
		}
		if (alg_forced) {
			fprintf(stderr, "bench_cls: rte_acl cannot classify with %s here: %s\n",
				alg_forced, strerror(-rc));
			rte_acl_free(ctx);
			return NULL;
		}
	}
	return ctx;
}

void cls_acl_free(struct rte_acl_ctx *ctx)
{
	rte_acl_free(ctx);
}

const char *cls_acl_alg_name(void)
{
	return alg_name;
}

const char *cls_acl_alg_how(void)
{
	return alg_forced ? "asked for with --acl-alg" :
			    "rte_acl's default choice, 512-bit SIMD allowed";
}

void cls_acl_tuple(const struct cls_flow *f, struct cls_acl_tuple *t)
{
	memset(t, 0, sizeof(*t));
	t->proto = f->proto;
	t->src = rte_cpu_to_be_32(f->src);
	t->dst = rte_cpu_to_be_32(f->dst);
	t->sp = rte_cpu_to_be_16(f->sp);
	t->dp = rte_cpu_to_be_16(f->dp);
}

void cls_acl_classify(const struct rte_acl_ctx *ctx, const uint8_t **data, unsigned n,
		      uint32_t *res)
{
	rte_acl_classify(ctx, data, res, n, 1);
}

void cls_acl_rules(const struct rte_acl_ctx *ctx, const uint8_t **data, unsigned n,
		   int32_t *res)
{
	uint32_t raw[CLS_ACL_BATCH];

	if (n > CLS_ACL_BATCH || rte_acl_classify(ctx, data, raw, n, 1))
		cls_die("rte_acl_classify refused a batch of %u", n);
	for (unsigned i = 0; i < n; i++)
		res[i] = raw[i] ? (int32_t)raw[i] - 1 : CLS_MISS;
}
