/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snicctl_rules.c - rules files (one rule per line, '#' comments, blank
 * lines), and progress on stderr while reading and sending them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snicctl.h"

#define PROGRESS_EVERY 10000   /* rules between "reading" updates */

static bool progress_shown;

void snicctl_progress(void *ctx, size_t sent, size_t total)
{
	(void)ctx;
	fprintf(stderr, "\rsending %.1f of %.1f MiB (%3.0f%%)...", sent / 1048576.0,
		total / 1048576.0, total ? 100.0 * sent / total : 100.0);
	if (sent == total)
		fprintf(stderr, " waiting for snic-offloadd");
	progress_shown = true;
}

void snicctl_progress_done(void)
{
	if (progress_shown)
		fprintf(stderr, "\r\033[K");
	progress_shown = false;
}

/* "FILE:LINE: why" on stderr (after clearing a progress line); rc. */
static int bad_line(const char *name, long long lineno, const char *why, int rc)
{
	snicctl_progress_done();
	fprintf(stderr, "%s:%lld: %s\n", name, lineno, why);
	return rc;
}

static bool space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

int snicctl_read_rules(const char *path, json_t **flows, json_t **lines)
{
	bool stdin_ = strcmp(path, "-") == 0, tty = isatty(STDERR_FILENO);
	const char *name = stdin_ ? "<stdin>" : path;
	FILE *f = stdin_ ? stdin : fopen(path, "r");
	size_t cap = 0, n = 0;
	long long lineno = 0;
	char *buf = NULL;
	ssize_t len;
	int rc = 0;

	*flows = json_array();
	*lines = json_array();
	if (!f) {
		fprintf(stderr, "snicctl: cannot read %s: %s\n", path, strerror(errno));
		rc = SNICCTL_NOINPUT;
		goto out;
	}
	while ((len = getline(&buf, &cap, f)) >= 0) {
		char *s = buf, *e = buf + len;
		json_t *j;

		lineno++;
		if (memchr(buf, 0, (size_t)len)) {
			rc = bad_line(name, lineno, "contains a NUL byte", SNICCTL_DATAERR);
			goto out;
		}
		while (s < e && space(*s))
			s++;
		while (e > s && space(e[-1]))
			e--;
		*e = 0;
		if (s == e || *s == '#')
			continue;
		j = json_string(s);
		if (!j) {
			rc = bad_line(name, lineno, "not valid UTF-8", SNICCTL_DATAERR);
			goto out;
		}
		if (json_array_append_new(*flows, j) ||
		    json_array_append_new(*lines, json_integer(lineno))) {
			fprintf(stderr, "snicctl: out of memory reading %s\n", name);
			rc = SNICCTL_DATAERR;
			goto out;
		}
		if (tty && ++n % PROGRESS_EVERY == 0) {
			fprintf(stderr, "\rreading %s: %zu rules...", name, n);
			progress_shown = true;
		}
	}
	if (ferror(f)) {
		snicctl_progress_done();
		fprintf(stderr, "snicctl: cannot read %s: %s\n", name, strerror(errno));
		rc = SNICCTL_NOINPUT;
	}
out:
	snicctl_progress_done();
	free(buf);
	if (f && !stdin_)
		fclose(f);
	if (rc) {
		json_decref(*flows);
		json_decref(*lines);
		*flows = *lines = NULL;
	}
	return rc;
}
