/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic_test_net.h - network namespaces, commands and captures for
 * integration tests (root).
 *
 * Everything this creates -- namespaces, background processes -- is
 * registered and removed when the test exits, however it exits: normally
 * (atexit), or on SIGINT, SIGTERM or SIGABRT (a failed assert, ASan's
 * abort_on_error).  Only SIGKILL leaves something behind; the next test that
 * creates a namespace removes namespaces left by snic test processes that
 * no longer exist.
 *
 * Names are unique per process: namespaces are "snict<pid>-<n>", interface
 * names "snict" + pid and counter in base 36 + a short tag (at most 15
 * characters, IFNAMSIZ - 1).
 */
#ifndef SNIC_TEST_NET_H
#define SNIC_TEST_NET_H

#include <stddef.h>
#include <sys/types.h>

#define SNIC_NET_NAME_MAX 64

/**
 * Create a network namespace with a unique name (written to name, at least
 * SNIC_NET_NAME_MAX bytes), with its loopback up.  Returns 0 or -1 (and
 * says why on stderr).
 */
int snic_net_ns_create(char *name);

/** Delete a namespace made by snic_net_ns_create() now. */
void snic_net_ns_delete(const char *name);

/**
 * A unique interface name: "snict" + pid + counter + tag (tag cut to fit
 * 15 characters).  out must hold 16 bytes.
 */
void snic_net_ifname(char *out, const char *tag);

/**
 * Run `sh -c CMD` (printf-style) in namespace ns (NULL: the current one)
 * and wait for it.  If out is not NULL, *out receives its standard output
 * (malloc'd, NUL-terminated; free it).  Standard error goes to ours.
 * Returns the exit status, 128 + signal if it was killed, -1 if it could
 * not be run.
 */
int snic_net_run(const char *ns, char **out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * Start `CMD` (printf-style, run as `sh -c 'exec CMD'`) in namespace ns in
 * the background, in its own process group, with stdin from /dev/null and
 * stdout and stderr to log (NULL: /dev/null).  Registered for cleanup.
 * Returns its pid or -1.
 */
pid_t snic_net_spawn(const char *ns, const char *log, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * Send sig to a process started by snic_net_spawn() (its whole process
 * group), wait up to timeout_ms for it to exit, then SIGKILL it.  Returns
 * its exit status as snic_net_run() does.
 */
int snic_net_stop(pid_t pid, int sig, int timeout_ms);

/**
 * Enter namespace ns in the calling process (for a child forked to run C
 * code inside a namespace).  Returns 0 or -1.
 */
int snic_net_enter(const char *ns);

/**
 * Start tshark capturing on ifname in ns into the classic pcap file path
 * (optional capture filter bpf), and return once it is capturing (its log,
 * path + ".log", says "Capture started").  Returns the pid for
 * snic_net_capture_stop(), or -1 (the log is printed).
 */
pid_t snic_net_capture_start(const char *ns, const char *ifname,
			     const char *path, const char *bpf);

/**
 * Stop a capture the way Ctrl-C does and wait until tshark has written
 * and closed the file.  Returns 0, or -1 if it had to be killed or failed.
 */
int snic_net_capture_stop(pid_t pid);

/**
 * Run `tshark -n -r PCAP -T fields OPTS -e F1 -e F2 ...` (fields: a
 * NULL-terminated list) and return its standard output (malloc'd; free
 * it), or NULL if tshark failed.  OPTS may hold e.g. "-d udp.port==4789,vxlan
 * -E separator=,"; it is inserted as is (shell words).
 */
char *snic_net_tshark_fields(const char *pcap, const char *opts, ...)
	__attribute__((sentinel));

/** utime + stime of process pid in clock ticks (0 when it is gone). */
unsigned long long snic_net_proc_ticks(pid_t pid);

/**
 * `SIM ctl --ctl CTL status` (snic-sim's control socket): its output
 * (malloc'd; free it), or NULL when snic-sim does not answer.
 */
char *snic_net_sim_status(const char *sim, const char *ctl);

/**
 * Wait up to 5 s for the snic-sim behind CTL to answer status.  Returns 0
 * when it does; otherwise prints log (its log file, may be NULL) and
 * returns -1.
 */
int snic_net_sim_wait(const char *sim, const char *ctl, const char *log);

/** Remove everything registered now (also runs at exit). */
void snic_net_cleanup(void);

#endif /* SNIC_TEST_NET_H */
