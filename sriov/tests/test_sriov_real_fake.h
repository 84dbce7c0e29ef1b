/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_sriov_real_fake.h - a fake sysfs tree shaped like a ConnectX-6 Dx PF
 * (0000:08:00.0, mlx5_core, enp8s0f0np0, 8 VFs possible) next to a PCI NIC
 * without SR-IOV (0000:00:1f.6, e1000e, eno1), and a fake kernel: a thread
 * that watches the tree with inotify and reacts to writes as the kernel
 * would (sriov_numvfs creates/removes VFs, their netdevs and representors;
 * unbind, bind and drivers_probe move the `driver` link), logging each
 * write it saw.  "Deaf" mode logs but does not react.
 */
#ifndef TEST_SRIOV_REAL_FAKE_H
#define TEST_SRIOV_REAL_FAKE_H

#include <stdbool.h>
#include <stddef.h>

#define FAKE_PF "0000:08:00.0"
#define FAKE_PF_NETDEV "enp8s0f0np0"
#define FAKE_PF_IFINDEX 5
#define FAKE_NOSRIOV "0000:00:1f.6"
#define FAKE_SWITCH_ID "b8cef60300a1b2c3"

struct fake_kernel;

struct fake_opts {
	const char *pf_netdev;   /* NULL: FAKE_PF_NETDEV */
	int pf_ifindex;          /* 0: FAKE_PF_IFINDEX */
	bool thread;             /* react to writes (inotify thread) */
};

struct fake_kernel *fake_start(const struct fake_opts *o);
const char *fake_root(struct fake_kernel *fk);
/* The VF's PCI address: VF 0 is 0000:08:00.2. */
const char *fake_vf_addr(unsigned k);
void fake_set_deaf(struct fake_kernel *fk, bool deaf);
/* What the kernel does for "sriov_numvfs = n" (the thread calls it). */
void fake_set_vfs(struct fake_kernel *fk, unsigned n);
/* devlink eswitch set: representor netdevs appear (on) or go (off). */
void fake_switchdev(struct fake_kernel *fk, bool on);
/* Index of an exact log entry, -1 when absent; clear the log. */
int fake_log_find(struct fake_kernel *fk, const char *entry);
void fake_log_clear(struct fake_kernel *fk);
void fake_log_print(struct fake_kernel *fk);
/* Read/write a file relative to the root (newline stripped on read). */
int fake_read(struct fake_kernel *fk, const char *rel, char *buf, size_t len);
int fake_write(struct fake_kernel *fk, const char *rel, const char *val);
/* The basename of a link's target relative to the root, "" none. */
void fake_link(struct fake_kernel *fk, const char *rel, char *buf, size_t len);
/* Stop the thread and remove the tree. */
void fake_stop(struct fake_kernel *fk);

#endif
