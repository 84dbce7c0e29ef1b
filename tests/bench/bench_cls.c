/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_cls.c - sections `cls` and `pkt` of the benchmark suite
 * (tests/bench/README.md has the row contract): snic's software datapath
 * classifier against DPDK's rte_acl on the same ClassBench-style rule sets
 * and traces, and the whole software packet path against the 10 GbE budget.
 *
 *   bench_cls [--quick] --out FILE [--section cls|pkt|all] [--seed N] [--check]
 *             [--acl-alg NAME]
 *
 * cls rows (Mlookups/s on one core, higher is better, ref rte_acl):
 *   cls.{1k,10k}.{uniform,zipf}          the tuple-space classifier alone
 *                                         (swdp_cls_lookup per key)
 *   cls.{1k,10k}.{uniform,zipf}.cached   snic's flow caches on: EMC, then
 *                                         megaflows, then translation
 * Rule sets of 1 000 and 10 000 rules, traces uniform over 1 M flows and
 * Zipf (s = 1) over 100 k flows (bench_cls_gen.c); each packet's header is
 * laid out in trace order, as snic's key (from the frame, by the datapath's
 * parser) and as rte_acl's 16-byte tuple.  Before anything is timed every
 * distinct flow of the trace is classified by both, and they must pick the
 * same rule (the benchmark's correctness check; it aborts otherwise); the
 * cached path is checked the same way on its warm-up pass.
 *
 * pkt rows (ns/packet, lower is better, ref the 67.2 ns budget of 10 GbE at
 * 64 bytes): snic_mgr_swdp_process_burst() on 60-byte frames (parse,
 * lookup, VXLAN encap, outputs ready to transmit) with the 1 k rule set:
 *   pkt.emc           every packet an exact-match cache hit
 *   pkt.megaflow      the EMC off: every packet a megaflow hit
 *   pkt.nocache.1k    no caches: every packet classified and translated
 * Every packet is checked first to leave VXLAN-encapsulated on the uplink
 * having hit the rule the classifier alone picks.
 *
 * Times are this thread's CPU time, the best of several rounds (the machine
 * may be shared: the best round is the least disturbed one).  --quick (the
 * bench_cls-smoke test) uses small traces and short rounds; the row ids are
 * the same.  Rows are appended to FILE as JSON Lines and printed as a table.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "bench_cls_run.h"

#ifndef BENCH_CLS_BUILD
#define BENCH_CLS_BUILD "unknown build"
#endif

volatile uint64_t cls_sink;

static const char *const all_ids[] = {
	"cls.1k.uniform", "cls.1k.zipf", "cls.10k.uniform", "cls.10k.zipf",
	"cls.1k.uniform.cached", "cls.1k.zipf.cached", "cls.10k.uniform.cached",
	"cls.10k.zipf.cached", "pkt.emc", "pkt.megaflow", "pkt.nocache.1k",
};
#define N_IDS (sizeof(all_ids) / sizeof(all_ids[0]))

struct row {
	char id[32];
	char unit[16];
	double snic, ref;
	char cond[2048];
};

static struct row rows[N_IDS];
static unsigned n_rows;
static FILE *out;

double cls_cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cls_die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("bench_cls: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

const char *cls_build_name(void)
{
	return BENCH_CLS_BUILD;
}

double cls_best_ns(const struct cls_opts *o, cls_chunk_fn fn, void *arg, uint32_t n_pkts)
{
	const uint32_t chunk = 4096;        /* packets between clock reads */
	double best = INFINITY;
	uint32_t pos = 0;

	for (unsigned r = 0; r < o->rounds; r++) {
		double t0 = cls_cpu_now(), el;
		uint64_t pkts = 0;

		do {
			uint32_t n = n_pkts - pos < chunk ? n_pkts - pos : chunk;

			fn(arg, pos, n);
			pos = pos + n == n_pkts ? 0 : pos + n;
			pkts += n;
			el = cls_cpu_now() - t0;
		} while (el < o->secs / o->rounds);
		if (el * 1e9 / (double)pkts < best)
			best = el * 1e9 / (double)pkts;
	}
	return best;
}

void cls_row(const struct cls_row_in *in)
{
	struct row *r;
	json_t *o;
	bool has_ref = !isnan(in->ref);

	if (n_rows == N_IDS)
		cls_die("more rows than ids (%s)", in->id);
	r = &rows[n_rows++];
	snprintf(r->id, sizeof(r->id), "%s", in->id);
	snprintf(r->unit, sizeof(r->unit), "%s", in->unit);
	snprintf(r->cond, sizeof(r->cond), "%s", in->cond);
	r->snic = in->snic;
	r->ref = in->ref;
	o = json_pack("{s:s, s:s, s:s, s:s, s:f, s:o, s:s, s:o, s:s, s:s}",
		      "id", in->id, "section", in->section, "metric", in->metric,
		      "unit", in->unit, "snic", in->snic,
		      "ref", has_ref ? json_real(in->ref) : json_null(),
		      "ref_name", in->ref_name,
		      "ratio", has_ref ? json_real(in->snic / in->ref) : json_null(),
		      "better", in->better, "conditions", in->cond);
	if (!o)
		cls_die("row %s: a figure is not a finite number (snic %g, ref %g)", in->id,
			in->snic, in->ref);
	if (json_dumpf(o, out, JSON_COMPACT | JSON_REAL_PRECISION(6)) || fputc('\n', out) == EOF ||
	    fflush(out))
		cls_die("writing row %s: %s", in->id, strerror(errno));
	json_decref(o);
}

static void print_table(const struct cls_opts *o, bool cls)
{
	printf("\nbench_cls: snic's software datapath vs %s%s%s, one core%s\n",
	       cls ? "rte_acl (" : "", cls ? cls_acl_alg_name() : "",
	       cls ? ") and the 10 GbE budget" : "the 10 GbE budget",
	       o->quick ? "  [--quick: small traces, short rounds; figures mean little]" : "");
	printf("%-24s %10s %10s %8s  %s\n", "row", "snic", "ref", "ratio", "unit");
	for (unsigned i = 0; i < n_rows; i++) {
		const struct row *r = &rows[i];

		if (isnan(r->ref))
			printf("%-24s %10.2f %10s %8s  %s\n", r->id, r->snic, "-", "-", r->unit);
		else
			printf("%-24s %10.2f %10.2f %8.3f  %s\n", r->id, r->snic, r->ref,
			       r->snic / r->ref, r->unit);
	}
	printf("\nconditions:\n");
	for (unsigned i = 0; i < n_rows; i++)
		printf("  %s: %s\n", rows[i].id, rows[i].cond);
}

/* Every id of the sections run must be in path, as a well-formed row. */
static int check_file(const char *path, bool cls, bool pkt)
{
	FILE *f = fopen(path, "r");
	bool seen[N_IDS] = { false };
	char line[8192];
	int bad = 0;

	if (!f) {
		fprintf(stderr, "bench_cls: --check: cannot read %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		json_error_t err;
		json_t *o = json_loads(line, 0, &err), *id, *snic;

		if (!o) {
			fprintf(stderr, "bench_cls: --check: %s: not JSON (%s): %s", path,
				err.text, line);
			bad = 1;
			continue;
		}
		id = json_object_get(o, "id");
		snic = json_object_get(o, "snic");
		for (unsigned i = 0; json_is_string(id) && i < N_IDS; i++) {
			if (strcmp(json_string_value(id), all_ids[i]))
				continue;
			if (!json_is_number(snic) || !(json_number_value(snic) > 0)) {
				fprintf(stderr, "bench_cls: --check: row %s has no positive "
					"'snic' figure\n", all_ids[i]);
				bad = 1;
			}
			seen[i] = true;
		}
		json_decref(o);
	}
	fclose(f);
	for (unsigned i = 0; i < N_IDS; i++) {
		bool want = strncmp(all_ids[i], "cls.", 4) ? pkt : cls;

		if (want && !seen[i]) {
			fprintf(stderr, "bench_cls: --check: row %s missing from %s\n", all_ids[i],
				path);
			bad = 1;
		}
	}
	if (!bad)
		printf("bench_cls: --check: every row of the sections run is in %s\n", path);
	return bad;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bench_cls [--quick] --out FILE [--section cls|pkt|all] [--seed N]\n"
		"                 [--check] [--acl-alg NAME]\n"
		"  snic's software datapath classifier vs DPDK rte_acl (section cls), and\n"
		"  the whole software packet path vs the 10 GbE 64-byte budget (pkt).\n"
		"  --out FILE   append the rows to FILE as JSON Lines (tests/bench/README.md)\n"
		"  --quick      small traces, short rounds (the smoke test); same row ids\n"
		"  --section S  cls, pkt or all (default all); --pkt is --section pkt\n"
		"  --seed N     rule sets, flows and traces from seed N (default 1)\n"
		"  --check      afterwards, read FILE back: every row of the sections run\n"
		"               must be there; exit 1 otherwise\n"
		"  --acl-alg M  rte_acl classify method (AVX512X32, AVX512X16, AVX2, SSE,\n"
		"               SCALAR...; default: rte_acl's own choice, the widest allowed)\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "quick", no_argument, NULL, 'q' }, { "out", required_argument, NULL, 'o' },
		{ "section", required_argument, NULL, 's' }, { "pkt", no_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 'S' }, { "check", no_argument, NULL, 'c' },
		{ "acl-alg", required_argument, NULL, 'a' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cls_opts o = { .seed = 1 };
	const char *path = NULL, *section = "all";
	bool check = false, cls, pkt;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "qo:s:pS:ca:h", lo, NULL)) != -1) {
		switch (c) {
		case 'q': o.quick = true; break;
		case 'o': path = optarg; break;
		case 's': section = optarg; break;
		case 'p': section = "pkt"; break;
		case 'c': check = true; break;
		case 'a':
			if (cls_acl_force_alg(optarg))
				return 2;
			break;
		case 'S':
			errno = 0;
			o.seed = strtoull(optarg, &end, 0);
			if (errno || *end || end == optarg) {
				fprintf(stderr, "bench_cls: --seed takes a number, not '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "bench_cls: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	cls = !strcmp(section, "cls") || !strcmp(section, "all");
	pkt = !strcmp(section, "pkt") || !strcmp(section, "all");
	if (!cls && !pkt) {
		fprintf(stderr, "bench_cls: --section is cls, pkt or all, not '%s'\n", section);
		return 2;
	}
	if (!path) {
		fprintf(stderr, "bench_cls: --out FILE is required (rows are appended to it)\n");
		usage(stderr);
		return 2;
	}
	out = fopen(path, "a");
	if (!out) {
		fprintf(stderr, "bench_cls: cannot append to %s: %s\n", path, strerror(errno));
		return 1;
	}
	o.rounds = o.quick ? 3 : 5;
	o.secs = o.quick ? 0.03 : 1.0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (cls && cls_section(&o, argv[0]))
		return 1;
	if (pkt)
		pkt_section(&o);
	fclose(out);
	print_table(&o, cls);
	return check ? check_file(path, cls, pkt) : 0;
}
