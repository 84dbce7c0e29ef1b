/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_test.h - the assertions every snic test uses.
 *
 * A test is a program: it calls SNIC_CHECK*() as often as it likes, and ends
 * with `return snic_test_done();`, which prints "N passed, N failed" and
 * exits non-zero when anything failed.  A failed check prints where and why
 * but does not stop the test, so one run shows every difference.
 * SNIC_REQUIRE*() stop the test at once (for checks later ones depend on).
 *
 * Tests never skip themselves: what a test needs (root, a tool) it asks for
 * with snic_test_need_root()/snic_test_need_tool(), which fail the test with
 * a sentence saying how to provide it.
 */
#ifndef SNIC_TEST_H
#define SNIC_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned snic_test_passed_, snic_test_failed_;

#define SNIC_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (cond) {                                                    \
			snic_test_passed_++;                                   \
		} else {                                                       \
			snic_test_failed_++;                                   \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__,          \
				__LINE__, #cond);                              \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
		}                                                              \
	} while (0)

#define SNIC_CHECK_EQ(a, b, what)                                              \
	do {                                                                   \
		unsigned long long a_ = (unsigned long long)(a);               \
		unsigned long long b_ = (unsigned long long)(b);               \
		SNIC_CHECK(a_ == b_, "%s: got %llu (0x%llx), want %llu (0x%llx)",\
			   (what), a_, a_, b_, b_);                            \
	} while (0)

#define SNIC_CHECK_MEM(a, b, n, what)                                          \
	SNIC_CHECK(memcmp((a), (b), (n)) == 0, "%s: %zu bytes differ", (what), \
		   (size_t)(n))

#define SNIC_REQUIRE(cond, ...)                                                \
	do {                                                                   \
		if (!(cond)) {                                                 \
			SNIC_CHECK(cond, __VA_ARGS__);                         \
			exit(snic_test_done());                                \
		}                                                              \
	} while (0)

static inline int snic_test_done(void)
{
	printf("%u passed, %u failed\n", snic_test_passed_, snic_test_failed_);
	fflush(stdout);
	return snic_test_failed_ ? 1 : 0;
}

static inline void snic_test_need_root(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "FAIL: this test creates network namespaces and "
				"needs root: run the suite as root (sudo)\n");
		snic_test_failed_++;
		exit(snic_test_done());
	}
}

static inline void snic_test_need_tool(const char *tool)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	if (system(cmd) != 0) {
		fprintf(stderr, "FAIL: '%s' is not installed: run scripts/setup.sh\n",
			tool);
		snic_test_failed_++;
		exit(snic_test_done());
	}
}

/* Path of a file in the build tree (SNIC_BUILD_DIR, set by ctest). */
static inline const char *snic_test_build_path(const char *rel)
{
	static char buf[4][1024];
	static int i;
	const char *b = getenv("SNIC_BUILD_DIR");
	char *p = buf[i++ & 3];
	snprintf(p, 1024, "%s/%s", b ? b : ".", rel);
	return p;
}

/* Path of a file in the source tree (SNIC_SOURCE_DIR, set by ctest). */
static inline const char *snic_test_source_path(const char *rel)
{
	static char buf[4][1024];
	static int i;
	const char *b = getenv("SNIC_SOURCE_DIR");
	char *p = buf[i++ & 3];
	snprintf(p, 1024, "%s/%s", b ? b : "..", rel);
	return p;
}

#endif /* SNIC_TEST_H */
