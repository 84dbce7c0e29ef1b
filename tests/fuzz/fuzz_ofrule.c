/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_ofrule.c - the OpenFlow rule language (offload-mgr/ofrule) on
 * arbitrary text.
 *
 * Input: [u8 selector] then the text.  selector % 4: 0 add-flow, 1 add-flow
 * with a port table, 2 del-flows (match only), 3 del-flows --strict; bit 2
 * adds the port table to the others.  The text is parsed as one rule (up to
 * its first NUL) and, whole, as a rules file (add-flows).
 *
 * abort() when:
 *   - a refusal has no message, a code other than the one returned or one
 *     outside EINVAL, ERANGE, ENOTSUP, ENOENT, E2BIG, a column past the
 *     end of the text, or changed the output (rules files: a line number
 *     of 0 or past the last line);
 *   - an accepted rule does not survive the round trip: its text (with and
 *     without the port table) fits SNIC_OF_RULE_TEXT_MAX, parses back in
 *     the same mode to an equal rule and formats again to the same text;
 *   - the match algebra is inconsistent on it (equal, subset and overlap
 *     with itself; its hash is a function of the match).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic_ofrule.h"
#include "test_ofrule_ports.h"   /* offload-mgr/ofrule */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INVARIANT(c, ...)                                                    \
	do {                                                                 \
		if (!(c)) {                                                  \
			fprintf(stderr, "fuzz_ofrule: invariant violated at "\
				"line %d: %s: ", __LINE__, #c);              \
			fprintf(stderr, __VA_ARGS__);                        \
			fputc('\n', stderr);                                 \
			abort();                                             \
		}                                                            \
	} while (0)

static void check_refusal(int rc, const struct snic_of_error *e, size_t len)
{
	INVARIANT(rc == -EINVAL || rc == -ERANGE || rc == -ENOTSUP ||
		  rc == -ENOENT || rc == -E2BIG, "code %d", rc);
	INVARIANT(e->code == rc, "%d vs %d", e->code, rc);
	INVARIANT(e->msg[0] && memchr(e->msg, '\0', sizeof(e->msg)), "message");
	INVARIANT(e->column <= len + 1, "column %u of %zu", e->column, len);
}

/* format(r) parses back to r (with ports p for both) and is stable. */
static void round_trip(const struct snic_of_rule *r,
		       const struct snic_of_ports *p)
{
	static char t1[SNIC_OF_RULE_TEXT_MAX], t2[SNIC_OF_RULE_TEXT_MAX];
	struct snic_of_rule back;
	struct snic_of_error e;

	INVARIANT(snic_of_rule_format(r, p, t1, sizeof(t1)) == 0, "fits");
	int rc = snic_of_rule_parse(t1, r->mode, p, &back, &e);
	INVARIANT(rc == 0, "\"%s\" refused: %s", t1, e.msg);
	INVARIANT(snic_of_rule_equal(&back, r), "\"%s\" reads back differently",
		  t1);
	INVARIANT(snic_of_rule_format(&back, p, t2, sizeof(t2)) == 0, "fits");
	INVARIANT(!strcmp(t1, t2), "\"%s\" then \"%s\"", t1, t2);
}

static void check_rule(const struct snic_of_rule *r,
		       const struct snic_of_ports *p)
{
	struct snic_of_match copy = r->match;

	round_trip(r, p);
	if (p)
		round_trip(r, NULL);
	INVARIANT(snic_of_match_equal(&r->match, &copy) &&
		  snic_of_match_subset(&r->match, &copy) &&
		  snic_of_match_overlaps(&r->match, &copy), "self");
	INVARIANT(snic_of_match_hash(&r->match, 3) ==
		  snic_of_match_hash(&copy, 3), "hash");
	INVARIANT(r->n_actions <= SNIC_OF_MAX_ACTIONS, "n_actions");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum snic_of_mode modes[4] = {
		SNIC_OF_MODE_ADD, SNIC_OF_MODE_ADD, SNIC_OF_MODE_MATCH,
		SNIC_OF_MODE_MATCH_STRICT,
	};
	struct snic_of_rule r, before, *rules = NULL;
	struct snic_of_error e;
	size_t n = 0;

	if (!size)
		return 0;
	enum snic_of_mode mode = modes[data[0] % 4];
	const struct snic_of_ports *p =
		(data[0] % 4 == 1 || data[0] & 4) ? &test_ports : NULL;
	char *text = malloc(size);
	INVARIANT(text != NULL, "malloc");
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';

	memset(&r, 0x5a, sizeof(r));
	memcpy(&before, &r, sizeof(r));
	int rc = snic_of_rule_parse(text, mode, p, &r, &e);
	if (rc) {
		check_refusal(rc, &e, strlen(text));
		INVARIANT(!memcmp(&r, &before, sizeof(r)), "output changed");
	} else {
		check_rule(&r, p);
	}

	rc = snic_of_rules_parse((const char *)data + 1, size - 1, p, &rules,
				 &n, &e);
	if (rc) {
		size_t lines = 1;
		for (size_t i = 1; i < size; i++)
			lines += data[i] == '\n';
		check_refusal(rc == -ENOMEM ? -EINVAL : rc, &e, size);
		INVARIANT(e.line >= 1 && e.line <= lines, "line %u of %zu",
			  e.line, lines);
	} else {
		INVARIANT((n == 0) == (rules == NULL), "%zu rules", n);
		for (size_t i = 0; i < n; i++) {
			INVARIANT(rules[i].mode == SNIC_OF_MODE_ADD, "mode");
			check_rule(&rules[i], p);
		}
		free(rules);
	}
	free(text);
	return 0;
}
