/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_store_crash.c - the crash-safety proof of snic_mgr_store: kill -9 at
 * random moments, and every reopen sees whole transactions only.
 *
 * A child opens the store and loops: one transaction drops the oldest batch
 * (10 000 rules, a port, a setting) and adds the next batch, plus the
 * setting "last" = the batch number; then commits.  The store therefore
 * always holds the last KEEP batches.  The child tells the parent, in
 * shared memory, the batch it began, the batch whose commit returned, and
 * whether it is inside commit.  The parent kills it (SIGKILL) after a
 * random delay, right inside a commit, or right after one, then opens the
 * store and requires: integrity_check and every row checksum pass; the
 * rules are whole batches (a multiple of 10 000, each rule exactly as
 * written); each present batch's port and setting are there and no others;
 * "last" names the newest batch; and the state is exactly that after the
 * last returned commit - or, when the child died inside commit, that or
 * the one after the commit it was in.  At least MIN_KILLS kills, at least
 * MIN_COMMIT_KILLS of them inside commit.  SNIC_SEED=N replays the random
 * choices (the timing is the machine's).
 */
#include "test_store_lib.h"

#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "snic_test_fw.h"  /* snic_rng, snic_test_seed() */

#define BATCH 10000u
#define KEEP 2u              /* batches in the store after each commit */
#define MIN_KILLS 30
#define MIN_COMMIT_KILLS 8
#define MAX_KILLS 60         /* give up reaching MIN_COMMIT_KILLS here */

enum phase { PH_OPEN, PH_WRITE, PH_COMMIT, PH_IDLE, PH_N };
static const char *const phase_name[PH_N] = { "open", "write", "commit", "idle" };

/* Written by the child, read by the parent after the kill. */
struct shared {
	_Atomic int phase;
	_Atomic uint64_t started;    /* batch whose transaction began last */
	_Atomic uint64_t committed;  /* batch whose commit returned 0 last */
	_Atomic uint64_t commit_us;  /* how long that commit took */
};

static void batch_name(char *buf, size_t len, uint64_t b)
{
	snprintf(buf, len, "batch%llu", (unsigned long long)b);
}

/* One transaction: drop batch b - KEEP, add batch b. */
static int write_batch(struct snic_mgr_store *s, uint64_t b)
{
	char name[32], value[32];
	struct test_rule t;
	int err;

	if ((err = snic_mgr_store_begin(s)))
		return err;
	if (b > KEEP) {
		for (uint64_t id = (b - KEEP - 1) * BATCH + 1; id <= (b - KEEP) * BATCH; id++)
			if ((err = snic_mgr_store_del_rule(s, id)))
				return err;
		batch_name(name, sizeof(name), b - KEEP);
		if ((err = snic_mgr_store_del_port(s, name)) ||
		    (err = snic_mgr_store_set(s, name, NULL)))
			return err;
	}
	for (uint64_t id = (b - 1) * BATCH + 1; id <= b * BATCH; id++)
		if ((err = snic_mgr_store_put_rule(s, test_rule(&t, id))))
			return err;
	batch_name(name, sizeof(name), b);
	snprintf(value, sizeof(value), "%llu", (unsigned long long)b);
	if ((err = snic_mgr_store_put_port(s, &(struct snic_mgr_store_port){
			.name = name, .kind = SNIC_MGR_STORE_PORT_VF,
			.vf = (int)(b % 65536), .vm = value })) ||
	    (err = snic_mgr_store_set(s, name, value)) ||
	    (err = snic_mgr_store_set(s, "last", value)))
		return err;
	return 0;
}

static _Noreturn void child(const char *path, struct shared *sh)
{
	struct snic_mgr_store *s = NULL;
	char err[SNIC_MGR_STORE_MSG_LEN];
	uint64_t next, b;
	double t0;

	/* die with the parent, whatever kills it */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() == 1)
		_exit(4);
	if (snic_mgr_store_open(path, &s, err, sizeof(err)) != 0) {
		fprintf(stderr, "child: %s\n", err);
		_exit(2);
	}
	if (snic_mgr_store_next_rule_id(s, &next) != 0)
		goto fail;
	for (b = (next - 1) / BATCH + 1;; b++) {
		atomic_store(&sh->phase, PH_WRITE);
		atomic_store(&sh->started, b);
		if (write_batch(s, b) != 0)
			goto fail;
		atomic_store(&sh->phase, PH_COMMIT);
		t0 = test_now();
		if (snic_mgr_store_commit(s) != 0)
			goto fail;
		atomic_store(&sh->commit_us, (uint64_t)((test_now() - t0) * 1e6));
		atomic_store(&sh->committed, b);
		atomic_store(&sh->phase, PH_IDLE);
	}
fail:
	fprintf(stderr, "child: %s\n", snic_mgr_store_error(s));
	_exit(3);
}

/*
 * Open the store after a kill and check it holds the state after batch B's
 * commit for some B in [lo, hi]; return B, or -1 after a failed check.
 */
static long long verify(const char *path, uint64_t lo, uint64_t hi)
{
	struct test_loaded l = { 0 };
	struct snic_mgr_store *s = NULL;
	char err[SNIC_MGR_STORE_MSG_LEN], name[32], value[32];
	const struct snic_mgr_store_port *p;
	uint64_t b = 0, first;
	struct test_rule t;
	size_t bad = 0, want;
	int rc = snic_mgr_store_open(path, &s, err, sizeof(err));

	SNIC_CHECK(rc == 0, "reopen after the kill: %s", err);
	if (rc)
		return -1;
	rc = snic_mgr_store_check(s);
	SNIC_CHECK(rc == 0, "check after the kill: %s", snic_mgr_store_error(s));
	if (!rc)
		rc = test_load(s, &l);
	SNIC_CHECK(rc == 0, "load after the kill: %s", snic_mgr_store_error(s));
	snic_mgr_store_close(s);
	if (rc)
		return -1;
	SNIC_CHECK(l.n_rules % BATCH == 0, "%zu rules: not whole batches", l.n_rules);
	if (l.n_rules)
		b = (l.rules[l.n_rules - 1].id - 1) / BATCH + 1;
	want = b < KEEP ? b : KEEP;
	first = b - want + 1;
	SNIC_CHECK(b >= lo && b <= hi, "batch %llu present; the child had "
		   "committed %llu and begun %llu", (unsigned long long)b,
		   (unsigned long long)lo, (unsigned long long)hi);
	SNIC_CHECK(l.n_rules == want * BATCH, "%zu rules with batch %llu the "
		   "newest", l.n_rules, (unsigned long long)b);
	for (size_t i = 0; i < l.n_rules; i++)
		bad += !test_rule_eq(&l.rules[i],
				     test_rule(&t, (first - 1) * BATCH + 1 + i));
	SNIC_CHECK(bad == 0, "%zu rules are not what was written", bad);
	SNIC_CHECK(l.n_ports == want && l.n_settings == want + (b > 0),
		   "%zu ports and %zu settings with %zu batches", l.n_ports,
		   l.n_settings, want);
	for (uint64_t i = first; i <= b; i++) {
		batch_name(name, sizeof(name), i);
		snprintf(value, sizeof(value), "%llu", (unsigned long long)i);
		p = test_find_port(&l, name);
		SNIC_CHECK(p && test_text_eq(p->vm, value), "port %s", name);
		SNIC_CHECK(test_text_eq(test_find_setting(&l, name), value),
			   "setting %s", name);
	}
	snprintf(value, sizeof(value), "%llu", (unsigned long long)b);
	SNIC_CHECK(b == 0 || test_text_eq(test_find_setting(&l, "last"), value),
		   "setting last is %s, want %s", test_find_setting(&l, "last"), value);
	test_loaded_free(&l);
	return (long long)b;
}

/*
 * Wait (in 100 us steps, at most 20 s) until the child is inside commit
 * (mode 1) or has finished a commit since it started from state (mode 2).
 */
static bool wait_child(struct shared *sh, unsigned mode, uint64_t state)
{
	double t0 = test_now();

	for (;;) {
		if (mode == 1 ? atomic_load(&sh->phase) == PH_COMMIT :
				atomic_load(&sh->committed) != state)
			return true;
		if (test_now() - t0 > 20)
			return false;
		usleep(100);
	}
}

int main(void)
{
	struct snic_rng rng = { .s = snic_test_seed() };
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned kills = 0, by_phase[PH_N] = { 0 }, commit_after = 0;
	uint64_t state = 0, est_us = 20000;
	const char *path;
	double t_start;
	long long b;

	SNIC_REQUIRE(sh != MAP_FAILED, "mmap");
	test_dir_make();
	path = test_path("state.db");
	t_start = test_now();
	while (kills < MIN_KILLS ||
	       (by_phase[PH_COMMIT] < MIN_COMMIT_KILLS && kills < MAX_KILLS)) {
		unsigned mode = "0112"[snic_rng_below(&rng, 4)] - '0', delay;
		uint64_t lo, hi;
		int status, ph;
		pid_t pid;

		atomic_store(&sh->phase, PH_OPEN);
		atomic_store(&sh->started, state);
		atomic_store(&sh->committed, state);
		fflush(NULL);
		pid = fork();
		SNIC_REQUIRE(pid >= 0, "fork");
		if (pid == 0)
			child(path, sh);
		if (mode == 0) {         /* anywhere: open, writing, commit */
			delay = snic_rng_below(&rng, 250000);
		} else if (mode == 1) {  /* inside commit */
			SNIC_CHECK(wait_child(sh, mode, state),
				   "the child never reached commit");
			delay = snic_rng_below(&rng, (uint32_t)est_us);
		} else {                 /* just after a commit returned */
			SNIC_CHECK(wait_child(sh, mode, state),
				   "the child never committed");
			delay = snic_rng_below(&rng, 2000);
		}
		usleep(delay);
		kill(pid, SIGKILL);
		SNIC_REQUIRE(waitpid(pid, &status, 0) == pid, "waitpid");
		SNIC_REQUIRE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
			     "the child ended by itself (status %#x): see its "
			     "message above", status);
		kills++;
		ph = atomic_load(&sh->phase);
		by_phase[ph]++;
		lo = atomic_load(&sh->committed);
		hi = ph == PH_COMMIT ? atomic_load(&sh->started) : lo;
		if (atomic_load(&sh->commit_us))
			est_us = atomic_load(&sh->commit_us) + 1;
		b = verify(path, lo, hi);
		SNIC_REQUIRE(b >= 0, "kill %u (mode %u, %u us, in %s): the store "
			     "is not a whole state", kills, mode, delay,
			     phase_name[ph]);
		commit_after += ph == PH_COMMIT && (uint64_t)b == hi && hi != lo;
		state = (uint64_t)b;
	}
	printf("%u kills in %.1f s (%s %u, %s %u, %s %u, %s %u); of the %u in "
	       "commit, %u left the new state and %u the old; %llu batches of "
	       "%u rules committed; last commit %llu us\n", kills,
	       test_now() - t_start, phase_name[0], by_phase[0], phase_name[1],
	       by_phase[1], phase_name[2], by_phase[2], phase_name[3],
	       by_phase[3], by_phase[PH_COMMIT], commit_after,
	       by_phase[PH_COMMIT] - commit_after, (unsigned long long)state,
	       BATCH, (unsigned long long)est_us);
	SNIC_CHECK(kills >= MIN_KILLS, "%u kills", kills);
	SNIC_CHECK(by_phase[PH_COMMIT] >= MIN_COMMIT_KILLS, "only %u kills "
		   "inside commit in %u", by_phase[PH_COMMIT], kills);
	SNIC_CHECK(state > KEEP, "only %llu batches committed",
		   (unsigned long long)state);
	munmap(sh, sizeof(*sh));
	return snic_test_done();
}
