/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_ctl.c - the control protocol's server side (offload-mgr/ctl) on
 * arbitrary request lines, without sockets: each input is split at '\n'
 * and every line goes through snic_mgr_ctl_server_handle() against the stub
 * backend (reset per input).  An input starting with '!' is wrapped first:
 * its second byte picks a command and the rest becomes the "args" text, so
 * that mutations reach the argument validation and the backend.
 *
 * abort() when an invariant breaks:
 *   - a non-blank line gets exactly one response line: '\n'-terminated, no
 *     other '\n' and no NUL inside, valid JSON (duplicate keys refused);
 *   - it is {"v":1,"id":N|null,"ok":bool,...}; ok -> "result" is an object;
 *     not ok -> "error" has a known "code", a non-empty "message", and
 *     "field"/"index"/"line" only of the right types;
 *   - when the line is a JSON object with a usable "id", that id is echoed;
 *   - a blank line gets no response.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_stub.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INVARIANT(c)                                                         \
	do {                                                                 \
		if (!(c)) {                                                  \
			fprintf(stderr, "fuzz_ctl: invariant violated at "   \
				"line %d: %s\n", __LINE__, #c);              \
			abort();                                             \
		}                                                            \
	} while (0)

static const char *const cmds[] = {
	"add-flows", "del-flows", "mod-flows", "replace-flows", "diff-flows",
	"dump-flows", "dump-hw", "show", "add-tunnel", "del-tunnel", "set", "ping",
};

static struct snic_mgr_ctl_server *srv;
static struct ctl_stub *stub;

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* The id a response must echo: >= 0, or -1 when it may be null. */
static long long usable_id(const char *line, size_t len)
{
	json_t *req = memchr(line, 0, len) ? NULL :
		json_loadb(line, len, JSON_DECODE_INT_AS_REAL | JSON_DECODE_ANY |
			   JSON_REJECT_DUPLICATES, NULL);
	json_t *id = json_object_get(req, "id");
	long long v = -1;

	if (json_is_number(id)) {
		double d = json_number_value(id);
		if (d >= 0 && d <= (double)SNIC_MGR_CTL_MAX_ID && d == floor(d))
			v = (long long)d;
	}
	json_decref(req);
	return v;
}

static void check(const char *line, size_t len)
{
	size_t rlen = 0;
	char *resp = snic_mgr_ctl_server_handle(srv, line, len, &rlen);
	json_t *r, *id, *ok, *err, *code, *msg, *field, *index, *lineno;
	long long want_id;

	if (blank(line, len)) {
		INVARIANT(!resp && rlen == 0);
		return;
	}
	INVARIANT(resp && rlen > 0 && resp[rlen - 1] == '\n');
	INVARIANT(memchr(resp, '\n', rlen) == resp + rlen - 1);
	INVARIANT(!memchr(resp, 0, rlen));
	r = json_loadb(resp, rlen - 1, JSON_REJECT_DUPLICATES, NULL);
	INVARIANT(json_is_object(r));
	INVARIANT(json_integer_value(json_object_get(r, "v")) == SNIC_MGR_CTL_VERSION);
	id = json_object_get(r, "id");
	ok = json_object_get(r, "ok");
	INVARIANT(json_is_null(id) || (json_is_integer(id) && json_integer_value(id) >= 0));
	INVARIANT(json_is_boolean(ok));
	want_id = usable_id(line, len);
	if (want_id >= 0)
		INVARIANT(json_is_integer(id) && json_integer_value(id) == want_id);
	if (json_is_true(ok)) {
		INVARIANT(json_is_object(json_object_get(r, "result")));
		INVARIANT(json_is_integer(id));
	} else {
		enum snic_mgr_ctl_code c;
		err = json_object_get(r, "error");
		code = json_object_get(err, "code");
		msg = json_object_get(err, "message");
		field = json_object_get(err, "field");
		index = json_object_get(err, "index");
		lineno = json_object_get(err, "line");
		INVARIANT(json_is_object(err) && json_is_string(code) && json_is_string(msg));
		c = snic_mgr_ctl_code_parse(json_string_value(code));
		INVARIANT(c != SNIC_MGR_CTL_CODE_COUNT && c != SNIC_MGR_CTL_OK &&
			  c != SNIC_MGR_CTL_ETIMEDOUT && c != SNIC_MGR_CTL_ECONN);
		INVARIANT(json_string_length(msg) > 0 &&
			  json_string_length(msg) < SNIC_MGR_CTL_MSG_MAX);
		INVARIANT(!field || (json_is_string(field) && json_string_length(field) > 0));
		INVARIANT(!index || (json_is_integer(index) && json_integer_value(index) >= 0));
		INVARIANT(!lineno || (index && json_is_integer(lineno) &&
				      json_integer_value(lineno) >= 1));
		INVARIANT(!json_object_get(r, "result"));
	}
	json_decref(r);
	free(resp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	char *wrapped = NULL;
	char err[256];

	if (!srv) {
		stub = ctl_stub_new(256);
		srv = stub ? snic_mgr_ctl_server_open(NULL, &ctl_stub_ops, stub, NULL,
						      err, sizeof(err)) : NULL;
		INVARIANT(srv);
	}
	ctl_stub_reset(stub);
	if (size >= 2 && data[0] == '!') {
		const char *cmd = cmds[data[1] % (sizeof(cmds) / sizeof(cmds[0]))];
		int n;
		wrapped = malloc(size + 64);
		INVARIANT(wrapped);
		n = snprintf(wrapped, 64, "{\"v\":1,\"id\":7,\"cmd\":\"%s\",\"args\":", cmd);
		memcpy(wrapped + n, data + 2, size - 2);
		wrapped[n + size - 2] = '}';
		p = wrapped;
		end = wrapped + n + size - 1;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		check(p, len);
		p += len + 1;
	}
	free(wrapped);
	return 0;
}
