/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sim.h - snic-sim's insides: one process is one NIC.
 *
 * The firmware (nic-fw) runs on a Linux implementation of its HAL (hal.c):
 * memory from anonymous mmap, frames out through ports (ports.c: a TAP per
 * VF - possibly inside a VM's network namespace -, a TAP for the PF, and the
 * uplink: a TAP in the underlay namespace or AF_PACKET on an existing
 * interface), representor frames and events into the device channel
 * (chan.c; its command-only hosts: chan_cmdonly.c), time from
 * CLOCK_MONOTONIC.  A control socket (ctl.c) takes captures, link changes
 * and status requests.  main.c owns the loop.
 *
 * Threads: one.  Everything - ports, channel, control, the firmware - is
 * driven from the loop in main.c, which polls adaptively: while there is
 * work it keeps going without blocking, after a short idle spell it sets the
 * channel's nic_sleeping flag and blocks in epoll (1 s heartbeat).
 *
 * Cleanup: TAP devices are not persistent, so the kernel removes them when
 * the process exits however it exits; the socket files are removed on a
 * clean exit and reclaimed (after checking nobody answers) on the next start.
 */
#ifndef SNIC_SIM_H
#define SNIC_SIM_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "snic_chan.h"
#include "snic_fw.h"
#include "snic_pcap.h"

#define SIM_NAME_MAX     6      /* NAME + "pf0vf" + 4 digits <= 15 */
#define SIM_FRAME_MAX    (SNIC_FW_MAX_FRAME + 64u)
#define SIM_RX_BATCH     64     /* frames read from one port per turn */
/* Frames the kernel holds for us on a port (a TAP's txqueuelen, AF_PACKET's
 * receive buffer): the NIC's rx ring.  A full TAP queue drops, it does not
 * push back on the sender (tun orphans the skb: no TSQ, no stopped queue),
 * and snic-sim shares the CPUs with the VMs' stacks, so the default 1000
 * overflowed under one TCP stream (bench e2e: ~8000 retransmits a second,
 * all of them the TAPs' TX dropped).  4096 holds a TCP sender's whole
 * window (tcp_wmem's 4 MiB) at MTU 1500. */
#define SIM_PORT_QUEUE   4096

/* Connections accepted but not yet heard from: they are read when their
 * first message arrives, never waited for (the loop must not block). */
enum sim_pending_kind { SIM_PENDING_HELLO = 1, SIM_PENDING_CTL };
#define SIM_MAX_PENDING 8

enum sim_port_kind {
	SIM_PORT_NONE = 0,
	SIM_PORT_TAP,           /* a TAP we created; gone when we exit */
	SIM_PORT_PACKET,        /* AF_PACKET on an interface we do not own */
};

struct sim_port {
	enum sim_port_kind kind;
	char label[16];         /* "uplink0", "pf", "vf3": for ctl and logs */
	char ifname[IF_NAMESIZE];
	char netns[64];         /* "" = snic-sim's own namespace */
	int fd;
	uint16_t vport;
	bool carrier;
	bool enabled;           /* a VF: enabled (SR-IOV), its TAP made */
	bool throttled;         /* a VF over its max_rate: not read (out of
	                           epoll) until resume_ns (the timer) */
	uint64_t resume_ns;     /* CLOCK_MONOTONIC */
	struct snic_pcap_writer cap;
	char cap_path[256];
	uint64_t rx, tx, rx_bytes, tx_bytes, tx_errors, rx_errors, rx_too_big;
};

/* Command line. */
struct sim_opts {
	char name[SIM_NAME_MAX + 1];
	const char *board;
	char sock_path[108];
	char ctl_path[108];
	const char *uplink_netns;
	const char *uplink_dev;       /* AF_PACKET on this instead of a TAP */
	const char *vf_netns[SNIC_IFC_MAX_VFS];
	uint8_t vf_mac[SNIC_IFC_MAX_VFS][6];  /* all zero: the board's default */
	uint8_t uplink_mac[6];                /* with have_uplink_mac */
	int num_vfs;                  /* --num-vfs; -1: all the board's */
	bool have_uplink_mac;
	const char *captures[16];     /* "PORT=FILE" */
	unsigned n_captures;
	const char *pidfile;
	int log_level;                /* SNIC_FW_LOG_* threshold */
	bool no_pf_tap;
	bool check;                   /* --check: validate and exit */
};

/* A command-only host (snic_chan.h): its own memory (header + command
 * slots), doorbell and interrupt; `on` says the place is taken. */
struct sim_cmd_host {
	bool on;
	bool irq_pending;
	int conn_fd;
	int doorbell_fd;              /* host -> NIC */
	int irq_fd;                   /* NIC -> host */
	pid_t pid;
	uint8_t *mem;
	size_t mem_size;
	struct snic_chan_shm *shm;
	struct snic_chan_cmd *cmds;
	uint64_t commands;            /* executed for it */
};

struct sim_chan {
	int listen_fd;
	int conn_fd;                  /* -1: no host attached */
	int doorbell_fd;              /* host -> NIC */
	int irq_fd;                   /* NIC -> host */
	int rxq_irq_fd[SNIC_CHAN_MAX_QUEUES];  /* each queue's rx interrupt */
	pid_t host_pid;
	uint8_t *mem;
	size_t mem_size;
	struct snic_chan_shm *shm;
	struct snic_chan_cmd *cmds;
	struct snic_chan_evq *evq;
	struct snic_chan_queue *queues;
	/* our own copies of our indexes: never read back from shared memory */
	uint32_t rx_prod[SNIC_CHAN_MAX_QUEUES];
	uint32_t tx_cons[SNIC_CHAN_MAX_QUEUES];
	uint32_t ev_prod;
	struct snic_chan_shm layout;  /* the header as we wrote it */
	uint32_t n_queues;
	bool irq_pending;
	/* queues with rx published since the last kick (look at rx_armed) */
	uint64_t rxq_kick[(SNIC_CHAN_MAX_QUEUES + 63) / 64];
	uint64_t attaches;
	/* command-only hosts (chan_cmdonly.c); conn/doorbell tag index i + 1 */
	struct sim_cmd_host cmdh[SNIC_CHAN_MAX_CMD_HOSTS];
	uint32_t cmd_turn;            /* who is served first this turn */
	uint64_t cmd_attaches, cmd_refused;
};

struct sim {
	struct sim_opts o;
	void *dtb;
	size_t dtb_len;
	struct snic_fw *fw;
	const struct snic_fw_board *board;
	struct snic_fw_hal hal;
	struct sim_port uplinks[SNIC_IFC_MAX_UPLINKS];
	struct sim_port pf;
	struct sim_port *vfs;         /* board->n_vfs of them */
	uint32_t num_vfs;             /* enabled VFs (the firmware's SR-IOV) */
	bool ports_ready;             /* ports opened, in epoll */
	bool sriov_sync;              /* VFs were enabled: make their TAPs */
	int timer_fd;                 /* wakes throttled VFs (timerfd) */
	uint64_t timer_at;            /* when it is armed for; 0: not */
	uint32_t n_throttled;
	struct sim_chan ch;
	int ctl_fd;
	struct { int fd; enum sim_pending_kind kind; uint64_t seq; } pending[SIM_MAX_PENDING];
	uint64_t pending_seq;
	int epfd;
	int sig_fd;
	volatile bool stop;
	uint64_t loops;
	uint8_t frame[SIM_FRAME_MAX];
	struct snic_chan_stats stats; /* mirrored into shared memory */
};

/* epoll tags: what a ready descriptor is */
enum sim_tag {
	SIM_TAG_LISTEN = 1,
	SIM_TAG_CONN,
	SIM_TAG_DOORBELL,
	SIM_TAG_CTL,
	SIM_TAG_SIGNAL,
	SIM_TAG_PORT,           /* index: see port_at() in main.c */
	SIM_TAG_PENDING,        /* index: slot in struct sim.pending */
	SIM_TAG_TIMER,          /* the shaping timer */
};

void sim_pending_add(struct sim *s, int fd, enum sim_pending_kind kind);
#define SIM_TAG(type, idx) ((uint64_t)(type) << 32 | (uint32_t)(idx))
int sim_epoll_add(struct sim *s, int fd, uint64_t tag);

/* hal.c */
void sim_hal_init(struct sim *s);
struct sim_port *sim_port_of_vport(struct sim *s, uint16_t vport);
struct sim_port *sim_port_by_label(struct sim *s, const char *label);
void sim_log(struct sim *s, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ports.c */
int sim_ports_open(struct sim *s, char *err, size_t errlen);
void sim_ports_close(struct sim *s);
/* Read and run up to SIM_RX_BATCH frames from a port; returns frames read. */
int sim_port_poll(struct sim *s, struct sim_port *p);
void sim_port_send(struct sim *s, struct sim_port *p, const uint8_t *frame,
		   uint32_t len);
void sim_port_set_carrier(struct sim *s, struct sim_port *p, bool up);
int sim_port_capture(struct sim *s, struct sim_port *p, const char *path,
		     char *err, size_t errlen);
/* SR-IOV: the firmware's num_vfs is now n; the TAPs of the VFs that went
 * are closed (the kernel deletes them) at once, those of new VFs are made
 * by sim_ports_sync() from the loop, after the command. */
void sim_ports_sriov_event(struct sim *s, uint32_t n);
void sim_ports_sync(struct sim *s);
/* The shaping timer fired: read the VFs whose wait is over again. */
int sim_ports_timer(struct sim *s);
/* Run fn inside network namespace ns (by name); 0 or -errno. */
int sim_in_netns(const char *ns, int (*fn)(void *), void *arg);

/* chan.c */
int sim_chan_listen(struct sim *s, char *err, size_t errlen);
int sim_chan_accept(struct sim *s);
void sim_chan_hello(struct sim *s, int fd);
void sim_chan_detach(struct sim *s, const char *why);
void sim_chan_close(struct sim *s);
/* Commands and host transmissions; returns work done. */
int sim_chan_poll(struct sim *s);
/* A frame for the host on vport's representor queue. */
void sim_chan_rep_rx(struct sim *s, uint16_t vport, const uint8_t *frame,
		     uint32_t len);
void sim_chan_event(struct sim *s, const struct snic_ifc_event *ev);
void sim_chan_kick(struct sim *s);
void sim_chan_sleep(struct sim *s, bool sleeping);
void sim_chan_sync_stats(struct sim *s);
/* Answer a hello: struct snic_chan_welcome with n_fds descriptors. */
void sim_chan_welcome(int fd, uint32_t status, uint64_t size, const int *fds,
		      uint32_t n_fds, const char *msg);
/* The data host's (idx 0) or command-only host idx - 1's socket or doorbell
 * (SIM_TAG_CONN / SIM_TAG_DOORBELL index). */
void sim_chan_conn_event(struct sim *s, uint32_t idx);
void sim_chan_doorbell(struct sim *s, uint32_t idx);
/* Execute the POSTED slots of one attachment (at most SNIC_CHAN_CMD_SLOTS);
 * returns commands executed. */
int sim_chan_serve_slots(struct sim *s, struct snic_chan_cmd *cmds);

/* chan_cmdonly.c: command-only hosts */
void sim_cmdh_attach(struct sim *s, int fd, pid_t pid);
void sim_cmdh_detach(struct sim *s, uint32_t i, const char *why);
void sim_cmdh_detach_all(struct sim *s, const char *why);
/* Serve host i's slots; returns commands executed. */
int sim_cmdh_poll(struct sim *s, uint32_t i);
void sim_cmdh_kick(struct sim *s);
void sim_cmdh_sleep(struct sim *s, bool sleeping);
void sim_cmdh_sync_stats(struct sim *s);
/* "cmdhosts ..." and one "cmdhost ..." line per host, for ctl status. */
void sim_cmdh_status(struct sim *s, char *buf, size_t len);

/* ctl.c */
int sim_ctl_listen(struct sim *s, char *err, size_t errlen);
int sim_ctl_accept(struct sim *s);
void sim_ctl_request(struct sim *s, int fd);
void sim_ctl_close(struct sim *s);
int sim_ctl_client(int argc, char **argv);

/* Claim a UNIX socket path: refuse if someone answers, else remove it. */
int sim_claim_socket_path(const char *path, char *err, size_t errlen);

#endif /* SNIC_SIM_H */
