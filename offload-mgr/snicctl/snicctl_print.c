/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snicctl_print.c - results for people: the dump-flows table, dump-hw,
 * show (whose parts the daemon defines: printed generically), ping, and
 * diff-flows' -/+ lines.
 */
#include <stdlib.h>
#include <string.h>

#include "snicctl.h"

enum { C_ID, C_TABLE, C_PRIO, C_STATE, C_AGE, C_IDLE, C_HWP, C_HWB, C_SWP, C_SWB,
       C_TP, C_TB, NCOL };

static const char *const heads[NCOL] = {
	"ID", "TABLE", "PRIO", "STATE", "AGE", "IDLE", "HW_PKTS", "HW_BYTES",
	"SW_PKTS", "SW_BYTES", "TOTAL_PKTS", "TOTAL_BYTES",
};

static long long num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* 12.3s, 4m05s, 3h07m, 2d05h */
static void duration(char *buf, size_t len, double s)
{
	long long t = (long long)s;

	if (s < 60)
		snprintf(buf, len, "%.1fs", s);
	else if (t < 3600)
		snprintf(buf, len, "%lldm%02llds", t / 60, t % 60);
	else if (t < 86400)
		snprintf(buf, len, "%lldh%02lldm", t / 3600, t % 3600 / 60);
	else
		snprintf(buf, len, "%lldd%02lldh", t / 86400, t % 86400 / 3600);
}

static void cells(const json_t *f, char c[NCOL][32])
{
	const json_t *hw = json_object_get(f, "hw"), *sw = json_object_get(f, "sw");
	const json_t *tot = json_object_get(f, "total");
	bool hw_err = json_object_get(hw, "error") != NULL;

	snprintf(c[C_ID], 32, "%lld", num(f, "id"));
	snprintf(c[C_TABLE], 32, "%lld", num(f, "table"));
	snprintf(c[C_PRIO], 32, "%lld", num(f, "priority"));
	snprintf(c[C_STATE], 32, "%s", str(f, "state"));
	duration(c[C_AGE], 32, json_number_value(json_object_get(f, "age_s")));
	duration(c[C_IDLE], 32, json_number_value(json_object_get(f, "idle_s")));
	snprintf(c[C_HWP], 32, "%lld", num(hw, "packets"));
	snprintf(c[C_HWB], 32, "%lld", num(hw, "bytes"));
	if (hw_err)
		strcpy(c[C_HWP], "?"), strcpy(c[C_HWB], "?");
	snprintf(c[C_SWP], 32, "%lld", num(sw, "packets"));
	snprintf(c[C_SWB], 32, "%lld", num(sw, "bytes"));
	snprintf(c[C_TP], 32, "%lld%s", num(tot, "packets"), hw_err ? "+?" : "");
	snprintf(c[C_TB], 32, "%lld%s", num(tot, "bytes"), hw_err ? "+?" : "");
}

void snicctl_print_flows(const json_t *result)
{
	const json_t *flows = json_object_get(result, "flows"), *f;
	size_t n = json_array_size(flows), i;
	char (*c)[NCOL][32] = calloc(n + 1, sizeof(*c));
	int w[NCOL];

	if (!c)
		return;
	for (int k = 0; k < NCOL; k++)
		w[k] = (int)strlen(heads[k]);
	json_array_foreach(flows, i, f) {
		cells(f, c[i]);
		for (int k = 0; k < NCOL; k++)
			if ((int)strlen(c[i][k]) > w[k])
				w[k] = (int)strlen(c[i][k]);
	}
	for (int k = 0; k < NCOL; k++)
		printf(k == C_STATE ? "%-*s  " : "%*s  ", w[k], heads[k]);
	printf("RULE\n");
	json_array_foreach(flows, i, f) {
		const json_t *reason = json_object_get(f, "reason");
		const char *hw_err = str(json_object_get(f, "hw"), "error");
		for (int k = 0; k < NCOL; k++)
			printf(k == C_STATE ? "%-*s  " : "%*s  ", w[k], c[i][k]);
		printf("%s\n", str(f, "text"));
		if (json_is_string(reason))
			printf("%*s  reason: %s\n", w[C_ID], "", json_string_value(reason));
		if (hw_err[0])
			printf("%*s  hw counters: %s\n", w[C_ID], "", hw_err);
	}
	printf("%zu rule%s\n", n, n == 1 ? "" : "s");
	free(c);
}

void snicctl_print_hw(const json_t *result)
{
	const json_t *r;
	size_t i;

	json_array_foreach(json_object_get(result, "rules"), i, r)
		printf("# rule %lld\n%s\n", num(r, "id"), str(r, "flow"));
}

/* A value on one line: strings bare, the rest as compact JSON. */
static void value(const json_t *v)
{
	char *s;

	if (json_is_string(v)) {
		printf("%s", json_string_value(v));
		return;
	}
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
	printf("%s", s ? s : "?");
	free(s);
}

/* Each element of a list: "  key=value key=value" (or the value). */
static void list(const char *title, const json_t *a)
{
	const json_t *e, *v;
	const char *k;
	size_t i;

	printf("%s: %zu\n", title, json_array_size(a));
	json_array_foreach(a, i, e) {
		printf(" ");
		if (json_is_object(e)) {
			json_object_foreach((json_t *)e, k, v) {
				printf(" %s=", k);
				value(v);
			}
		} else {
			printf(" ");
			value(e);
		}
		printf("\n");
	}
}

void snicctl_print_show(const json_t *result)
{
	const json_t *cap = json_object_get(result, "capacity"), *v;
	const char *k;

	list("ports", json_object_get(result, "ports"));
	list("tunnels", json_object_get(result, "tunnels"));
	printf("capacity:\n");
	json_object_foreach((json_t *)cap, k, v) {
		printf("  %s: ", k);
		value(v);
		printf("\n");
	}
}

void snicctl_print_ping(const json_t *result)
{
	char up[32];

	duration(up, sizeof(up), json_number_value(json_object_get(result, "uptime_s")));
	printf("%s, protocol %lld, up %s\n", str(result, "version"), num(result, "protocol"), up);
}

size_t snicctl_print_diff(const json_t *result)
{
	const json_t *t;
	size_t i, n = 0;

	json_array_foreach(json_object_get(result, "only_in_switch"), i, t)
		printf("-%s\n", json_string_value(t)), n++;
	json_array_foreach(json_object_get(result, "only_in_file"), i, t)
		printf("+%s\n", json_string_value(t)), n++;
	return n;
}
