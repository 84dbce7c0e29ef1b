/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sim_internal.h - the sim backend's private state, shared by sim_nic.c
 * (the NIC and its VFs: firmware commands over a command-only attachment of
 * the device channel, and snic-sim's control socket for its TAPs) and
 * sim_attach.c (moving a VF's TAP into a VM's namespace and back).
 */
#ifndef SRIOV_SIM_INTERNAL_H
#define SRIOV_SIM_INTERNAL_H

#include "sriov_internal.h"
#include "snic_drv_chan.h"
#include "snic_fwc.h"

#define SIM_MAX_VFS 256

/* What snic-sim's control socket says about one VF's TAP. */
struct sim_tap {
	char ifname[IF_NAMESIZE];   /* "" when the VF has no TAP (disabled) */
	char netns[64];             /* where snic-sim created it; "" = its own */
};

struct sim_priv {
	char sock[108];             /* the device channel */
	char ctl[112];              /* its control socket: sock + ".ctl" */
	char nic[32];               /* snic-sim's --name: its TAPs are NICpf0vfN */
	char model[64], fw_version[32];
	int sim_pid;                /* snic-sim's (SO_PEERCRED of its ctl socket) */
	unsigned n_taps;
	struct sim_tap taps[SIM_MAX_VFS];
	struct snic_drv_chan *ch;
	struct snic_fwc *fwc;
};

static inline struct sim_priv *sim_priv(struct snic_sriov_dev *d)
{
	return d->priv;
}

/* Parse the text of snic-sim's "status" (modified in place) into p: its
 * name, model, firmware and VF TAPs; -EIO when it is not an "ok" answer. */
int sim_parse_status(struct sim_priv *p, char *reply);
/* snic-sim's "status", asked and parsed into p. */
int sim_refresh_status(struct snic_sriov_dev *d, struct snic_sriov_err *e);
/* A failed firmware command as a sentence: "<nic>: VF n: what: why". */
int sim_fw_fail(struct snic_sriov_dev *d, uint32_t syn, struct snic_sriov_err *e,
		const char *what, int vf);

/* ---- sim_attach.c ---- */
int sim_attach(struct snic_sriov_dev *d, unsigned i, const struct snic_sriov_attach *a,
	       struct snic_sriov_attach_out *out, char *undo, size_t undo_len,
	       struct snic_sriov_err *e);
int sim_detach(struct snic_sriov_dev *d, unsigned i, const char *vm, const char *undo,
	       struct snic_sriov_err *e);
/* Set the MAC of a VF's TAP wherever it is (NULL netns: this namespace). */
int sim_tap_set_mac(const char *netns, const char *ifname, const uint8_t mac[6],
		    struct snic_sriov_err *e);
/* The namespace VF i's TAP is in now: the VM's when attached (record),
 * else snic-sim's.  Writes "" for this namespace. */
void sim_tap_netns(struct snic_sriov_dev *d, unsigned i, char *ns, size_t len);

#endif
