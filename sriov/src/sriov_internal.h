/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sriov_internal.h - what the core (src/) and the backends (real/, sim/)
 * share.  A backend's open function recognises its names, allocates a
 * struct snic_sriov_dev (with its private state behind it) and sets ops.
 */
#ifndef SRIOV_INTERNAL_H
#define SRIOV_INTERNAL_H

#include "snic_sriov.h"

struct snic_sriov_dev {
	const struct snic_sriov_ops *ops;
	/* env with every default filled in; the strings point into bufs */
	struct snic_sriov_env env;
	char name[64];             /* the name the NIC is known by (state files) */
	void *priv;                /* the backend's */
};

/* Fill defaults into a copy of env (NULL: all defaults). */
void sriov_env_defaults(struct snic_sriov_env *dst, const struct snic_sriov_env *src);

/* Attachment records (core.c): the VM VF vf of d is attached to (1, vm
 * filled), 0 when none, <0 (with e) when the record is unreadable. */
int sriov_attached_vm(struct snic_sriov_dev *d, unsigned vf, char *vm, size_t len,
		      struct snic_sriov_err *e);
/* Whether any record (of any NIC) other than d's VF `except` names vm. */
bool sriov_vm_in_use(struct snic_sriov_dev *d, const char *vm, unsigned except);

/*
 * Backends.  open returns -ENODEV *without* a message when the name is not
 * one of theirs (the core then tries the next), and -ENODEV with a message
 * when it is theirs but missing/unusable.
 */
int sriov_real_open(const char *name, const struct snic_sriov_env *env,
		    struct snic_sriov_dev **out, struct snic_sriov_err *e);
int sriov_real_list(const struct snic_sriov_env *env,
		    int (*fn)(void *arg, const char *name), void *arg,
		    struct snic_sriov_err *e);
int sriov_sim_open(const char *name, const struct snic_sriov_env *env,
		   struct snic_sriov_dev **out, struct snic_sriov_err *e);
int sriov_sim_list(const struct snic_sriov_env *env,
		   int (*fn)(void *arg, const char *name), void *arg,
		   struct snic_sriov_err *e);

#endif
