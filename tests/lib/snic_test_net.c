/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_test_net.c - namespaces, commands and captures for integration
 * tests.  See snic_test_net.h.
 *
 * Cleanup must work from a signal handler, so it uses only async-signal-safe
 * calls on state prepared in advance: kill() and waitpid() for processes,
 * and for a namespace what `ip netns delete` does -- detach the bind mount
 * /run/netns/NAME and unlink it (the namespace goes away with its last
 * process).
 */
#define _GNU_SOURCE
#include "snic_test_net.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_NS    32
#define MAX_PROCS 32
#define NETNS_DIR "/run/netns"

static char ns_path[MAX_NS][sizeof(NETNS_DIR) + SNIC_NET_NAME_MAX];
static volatile sig_atomic_t ns_used[MAX_NS];
static volatile pid_t procs[MAX_PROCS];
static volatile pid_t fg_child;         /* snic_net_run()'s, while running */
static pid_t owner;                     /* the process that registered */
static unsigned ns_counter, if_counter;

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Async-signal-safe: kill a process group, reap it (1 s grace). */
static void kill_group(pid_t pid)
{
	kill(-pid, SIGTERM);
	kill(pid, SIGTERM);
	for (int i = 0; i < 50; i++) {
		if (waitpid(pid, NULL, WNOHANG) != 0)
			return;
		sleep_ms(20);
	}
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

void snic_net_cleanup(void)
{
	if (getpid() != owner)
		return;         /* a forked child exiting: not ours to clean */
	if (fg_child > 0) {
		kill(fg_child, SIGKILL);
		waitpid(fg_child, NULL, 0);
		fg_child = 0;
	}
	for (int i = 0; i < MAX_PROCS; i++) {
		pid_t p = procs[i];

		if (p > 0) {
			procs[i] = 0;
			kill_group(p);
		}
	}
	for (int i = 0; i < MAX_NS; i++) {
		if (ns_used[i]) {
			ns_used[i] = 0;
			umount2(ns_path[i], MNT_DETACH);
			unlink(ns_path[i]);
		}
	}
}

static void on_signal(int sig)
{
	snic_net_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Once: cleanup hooks, and namespaces of dead snic test processes. */
static void setup(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGABRT, SIGHUP };
	DIR *d;
	struct dirent *e;

	if (owner)
		return;         /* once, in the first process that asks */
	owner = getpid();
	atexit(snic_net_cleanup);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction sa = { .sa_handler = on_signal };

		sigemptyset(&sa.sa_mask);
		sigaction(sigs[i], &sa, NULL);
	}
	d = opendir(NETNS_DIR);
	while (d && (e = readdir(d)) != NULL) {
		long pid;
		char *end;
		char path[sizeof(NETNS_DIR) + 256];

		if (strncmp(e->d_name, "snict", 5))
			continue;
		pid = strtol(e->d_name + 5, &end, 10);
		if (*end != '-' || pid <= 0 ||
		    !(kill((pid_t)pid, 0) && errno == ESRCH))
			continue;
		/* its processes (e.g. a capture) would keep it alive */
		snic_net_run(NULL, NULL, "ip netns pids %s | xargs -r kill -9",
			     e->d_name);
		snprintf(path, sizeof(path), NETNS_DIR "/%s", e->d_name);
		umount2(path, MNT_DETACH);
		unlink(path);
		fprintf(stderr, "note: removed stale namespace %s\n", e->d_name);
	}
	if (d)
		closedir(d);
}

static void add_proc(pid_t pid)
{
	for (int i = 0; i < MAX_PROCS; i++) {
		if (!procs[i]) {
			procs[i] = pid;
			return;
		}
	}
	fprintf(stderr, "snic_test_net: too many background processes\n");
}

static void del_proc(pid_t pid)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (procs[i] == pid)
			procs[i] = 0;
}

static int decode_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

/* In a child: exec `sh -c cmd`, inside ns if given.  Never returns. */
static void exec_sh(const char *ns, const char *cmd)
{
	if (ns)
		execlp("ip", "ip", "netns", "exec", ns, "sh", "-c", cmd,
		       (char *)NULL);
	else
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

static char *vfmt(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

/* read a pipe to the end into a malloc'd string */
static char *slurp(int fd)
{
	size_t n = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t r;

	while (buf) {
		if (cap - n < 2048) {
			char *nb = realloc(buf, cap *= 2);

			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	if (buf)
		buf[n] = '\0';
	return buf;
}

int snic_net_run(const char *ns, char **out, const char *fmt, ...)
{
	int pfd[2] = { -1, -1 }, st;
	va_list ap;
	char *cmd;
	pid_t pid;

	setup();
	va_start(ap, fmt);
	cmd = vfmt(fmt, ap);
	va_end(ap);
	if (!cmd || (out && pipe(pfd))) {
		free(cmd);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (out) {
			dup2(pfd[1], 1);
			close(pfd[0]);
			close(pfd[1]);
		}
		exec_sh(ns, cmd);
	}
	free(cmd);
	if (pid < 0)
		return -1;
	fg_child = pid;
	if (out) {
		close(pfd[1]);
		*out = slurp(pfd[0]);
		close(pfd[0]);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	fg_child = 0;
	return decode_status(st);
}

pid_t snic_net_spawn(const char *ns, const char *log, const char *fmt, ...)
{
	char *cmd, *full = NULL;
	va_list ap;
	pid_t pid;

	setup();
	va_start(ap, fmt);
	cmd = vfmt(fmt, ap);
	va_end(ap);
	if (!cmd || asprintf(&full, "exec %s", cmd) < 0) {
		free(cmd);
		return -1;
	}
	free(cmd);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int o = log ? open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644)
			    : open("/dev/null", O_WRONLY);

		setpgid(0, 0);
		/* the default dispositions, not our cleanup handlers */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		dup2(in, 0);
		dup2(o, 1);
		dup2(o, 2);
		exec_sh(ns, full);
	}
	free(full);
	if (pid < 0)
		return -1;
	setpgid(pid, pid);      /* also here: no race with kill(-pid) */
	add_proc(pid);
	return pid;
}

int snic_net_stop(pid_t pid, int sig, int timeout_ms)
{
	int st = 0;
	pid_t r = 0;

	kill(-pid, sig);
	for (int t = 0; t <= timeout_ms; t += 20) {
		r = waitpid(pid, &st, WNOHANG);
		if (r != 0)
			break;
		sleep_ms(20);
	}
	if (r == 0) {
		fprintf(stderr, "snic_test_net: pid %d ignored signal %d for "
			"%d ms: killing it\n", (int)pid, sig, timeout_ms);
		kill(-pid, SIGKILL);
		waitpid(pid, &st, 0);
		st = -1;
	}
	del_proc(pid);
	return r < 0 ? -1 : st == -1 ? -1 : decode_status(st);
}

int snic_net_enter(const char *ns)
{
	char path[sizeof(NETNS_DIR) + SNIC_NET_NAME_MAX];
	int fd, rc;

	snprintf(path, sizeof(path), NETNS_DIR "/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = setns(fd, CLONE_NEWNET);
	close(fd);
	return rc;
}

int snic_net_ns_create(char *name)
{
	int slot = -1;

	setup();
	for (int i = 0; i < MAX_NS && slot < 0; i++)
		if (!ns_used[i])
			slot = i;
	if (slot < 0) {
		fprintf(stderr, "snic_test_net: too many namespaces\n");
		return -1;
	}
	snprintf(name, SNIC_NET_NAME_MAX, "snict%d-%u", (int)getpid(),
		 ns_counter++);
	snprintf(ns_path[slot], sizeof(ns_path[slot]), NETNS_DIR "/%s", name);
	ns_used[slot] = 1;      /* before it exists: a signal may come */
	if (snic_net_run(NULL, NULL, "ip netns add %s", name) != 0) {
		fprintf(stderr, "snic_test_net: ip netns add %s failed\n", name);
		ns_used[slot] = 0;
		return -1;
	}
	if (snic_net_run(name, NULL, "ip link set lo up") != 0) {
		fprintf(stderr, "snic_test_net: lo up in %s failed\n", name);
		return -1;
	}
	return 0;
}

void snic_net_ns_delete(const char *name)
{
	char path[sizeof(NETNS_DIR) + SNIC_NET_NAME_MAX];

	snprintf(path, sizeof(path), NETNS_DIR "/%s", name);
	for (int i = 0; i < MAX_NS; i++) {
		if (ns_used[i] && !strcmp(ns_path[i], path)) {
			umount2(path, MNT_DETACH);
			unlink(path);
			ns_used[i] = 0;
		}
	}
}

static void base36(char *out, size_t n, unsigned long v)
{
	char tmp[16];
	size_t i = 0;

	do {
		tmp[i++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
		v /= 36;
	} while (v && i < sizeof(tmp));
	for (size_t j = 0; j < i && j + 1 < n; j++)
		out[j] = tmp[i - 1 - j];
	out[i < n ? i : n - 1] = '\0';
}

void snic_net_ifname(char *out, const char *tag)
{
	char pid[8], cnt[8], full[64];

	base36(pid, sizeof(pid), (unsigned long)getpid());
	base36(cnt, sizeof(cnt), if_counter++);
	snprintf(full, sizeof(full), "snict%s%s%.16s", pid, cnt,
		 tag ? tag : "");
	snprintf(out, 16, "%.15s", full);       /* IFNAMSIZ - 1: cut the tag */
}

pid_t snic_net_capture_start(const char *ns, const char *ifname,
			     const char *path, const char *bpf)
{
	char log[4096];
	pid_t pid;

	snprintf(log, sizeof(log), "%s.log", path);
	unlink(path);
	pid = snic_net_spawn(ns, log, "tshark -n -q -i %s -F pcap -w %s%s%s%s",
			     ifname, path, bpf ? " -f '" : "", bpf ? bpf : "",
			     bpf ? "'" : "");
	if (pid < 0)
		return -1;
	/*
	 * tshark prints "Capturing on" before dumpcap has opened the
	 * interface; "Capture started" comes once dumpcap has (and created
	 * the file).  Even then the kernel socket may need a moment: wait a
	 * little more.
	 */
	for (int t = 0; t < 30000; t += 50) {
		char *txt = NULL;
		FILE *f = fopen(log, "r");
		bool up = false;

		if (f) {
			size_t cap = 0;

			up = getdelim(&txt, &cap, '\0', f) > 0 &&
			     strstr(txt, "Capture started");
			free(txt);
			fclose(f);
		}
		if (up) {
			sleep_ms(200);
			return pid;
		}
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			del_proc(pid);
			break;
		}
		sleep_ms(50);
	}
	fprintf(stderr, "snic_test_net: tshark on %s did not start "
		"capturing; its log:\n", ifname);
	snic_net_run(NULL, NULL, "cat '%s' >&2", log);
	if (waitpid(pid, NULL, WNOHANG) == 0)
		snic_net_stop(pid, SIGKILL, 1000);
	return -1;
}

int snic_net_capture_stop(pid_t pid)
{
	/* SIGINT to the group, as Ctrl-C: tshark and dumpcap finish the file */
	return snic_net_stop(pid, SIGINT, 10000) == 0 ? 0 : -1;
}

char *snic_net_tshark_fields(const char *pcap, const char *opts, ...)
{
	char cmd[8192], *out = NULL;
	size_t n;
	const char *f;
	va_list ap;
	int rc;

	n = (size_t)snprintf(cmd, sizeof(cmd),
			     "tshark -n -r '%s' -T fields %s", pcap,
			     opts ? opts : "");
	va_start(ap, opts);
	while ((f = va_arg(ap, const char *)) != NULL && n < sizeof(cmd))
		n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, " -e %s", f);
	va_end(ap);
	if (n >= sizeof(cmd))
		return NULL;
	rc = snic_net_run(NULL, &out, "%s", cmd);
	if (rc != 0) {
		fprintf(stderr, "snic_test_net: '%s' exited with %d\n", cmd, rc);
		free(out);
		return NULL;
	}
	return out;
}

unsigned long long snic_net_proc_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	/* the command name may hold spaces and parentheses: fields start
	 * after the last ')'; utime and stime are fields 14 and 15 */
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st);
	fclose(f);
	return ut + st;
}

char *snic_net_sim_status(const char *sim, const char *ctl)
{
	char *out = NULL;

	if (snic_net_run(NULL, &out, "%s ctl --ctl %s status 2>/dev/null", sim, ctl) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

int snic_net_sim_wait(const char *sim, const char *ctl, const char *log)
{
	for (int i = 0; i < 100; i++) {
		if (snic_net_run(NULL, NULL, "%s ctl --ctl %s status >/dev/null 2>&1",
				 sim, ctl) == 0)
			return 0;
		usleep(50000);
	}
	if (log)
		snic_net_run(NULL, NULL, "cat %s", log);
	return -1;
}
