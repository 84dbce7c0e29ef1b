/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_cls_run.h - the sections of bench_cls (bench_cls_run.c) and what
 * they use of its main file (bench_cls.c): options, the timing loop, rows.
 */
#ifndef BENCH_CLS_RUN_H
#define BENCH_CLS_RUN_H

#include "bench_cls.h"

struct cls_opts {
	bool quick;
	uint64_t seed;
	unsigned rounds;            /* best of */
	double secs;                /* per figure, all rounds */
};

/* Process packets [first, first + n) of a trace. */
typedef void (*cls_chunk_fn)(void *arg, uint32_t first, uint32_t n);

/* ns per packet: the best of o->rounds rounds of o->secs / o->rounds each,
 * going round the n_pkts packets of a trace. */
double cls_best_ns(const struct cls_opts *o, cls_chunk_fn fn, void *arg, uint32_t n_pkts);

/* One row of the contract (tests/bench/README.md); ref NAN: null. */
struct cls_row_in {
	const char *id, *section, *metric, *unit;
	double snic, ref;
	const char *ref_name, *better, *cond;
};
void cls_row(const struct cls_row_in *r);
/* "Release, gcc 12.2.0" and the like */
const char *cls_build_name(void);

/* 0, or -1 when rte_acl could not run (said on stderr); dies on a wrong
 * answer. */
int cls_section(const struct cls_opts *o, const char *prog);
void pkt_section(const struct cls_opts *o);

#endif /* BENCH_CLS_RUN_H */
