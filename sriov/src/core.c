/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * core.c - what snic-sriov does whatever the backend: opening a NIC by name,
 * the checks every backend shares (VF ranges, the sriov_numvfs rules, a VF
 * attached to a VM), and the attachment records in the state directory.
 *
 * State files: <state_dir>/<nic>-vf<n>, two lines "vm=NAME" and
 * "undo=TEXT" (what the backend needs to undo the attach), written to a
 * temporary file and renamed, so a crash leaves the old record or the new
 * one.  Changes take an exclusive flock on <state_dir>/.lock, so two
 * snic-sriov runs cannot attach one VF twice.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sriov_internal.h"

int snic_sriov_open(const char *name, const struct snic_sriov_env *env,
		    struct snic_sriov_dev **out, struct snic_sriov_err *e)
{
	struct snic_sriov_env full;
	int r;

	*out = NULL;
	if (e)
		e->msg[0] = '\0';
	if (!name || !name[0])
		return snic_sriov_fail(e, -EINVAL, "no NIC named: give a PCI address "
				       "(0000:08:00.0), a PF netdev or a snic-sim name");
	sriov_env_defaults(&full, env);
	r = sriov_real_open(name, &full, out, e);
	if (r != -ENODEV || (e && e->msg[0]))
		return r;
	r = sriov_sim_open(name, &full, out, e);
	if (r != -ENODEV || (e && e->msg[0]))
		return r;
	return snic_sriov_fail(e, -ENODEV, "%s: no such NIC: not a PCI device or "
			       "netdev in %s, and no snic-sim of that name under %s "
			       "(snic-sriov list shows the NICs there are)", name,
			       full.sysfs, full.sim_run_dir);
}

void snic_sriov_close(struct snic_sriov_dev *d)
{
	if (d)
		d->ops->close(d);
}

int snic_sriov_list_nics(const struct snic_sriov_env *env,
			 int (*fn)(void *arg, const char *name), void *arg,
			 struct snic_sriov_err *e)
{
	struct snic_sriov_env full;
	int r;

	sriov_env_defaults(&full, env);
	r = sriov_real_list(&full, fn, arg, e);
	if (r < 0)
		return r;
	return sriov_sim_list(&full, fn, arg, e);
}

int snic_sriov_nic(struct snic_sriov_dev *d, struct snic_sriov_nic *nic,
		   struct snic_sriov_err *e)
{
	memset(nic, 0, sizeof(*nic));
	return d->ops->query_nic(d, nic, e);
}

/* ---- attachment records ---- */

struct record {
	char vm[64];
	char undo[256];
};

static void record_path(const struct snic_sriov_dev *d, unsigned vf, char *p, size_t n)
{
	snprintf(p, n, "%s/%s-vf%u", d->env.state_dir, d->name, vf);
}

/* 1: found, 0: none, <0: unreadable */
static int record_read(const struct snic_sriov_dev *d, unsigned vf, struct record *rec,
		       struct snic_sriov_err *e)
{
	char path[512], line[320];
	FILE *f;

	memset(rec, 0, sizeof(*rec));
	record_path(d, vf, path, sizeof(path));
	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		return snic_sriov_fail(e, -EIO, "%s: VF %u: cannot read the attachment "
				       "record %s: %s", d->name, vf, path, strerror(errno));
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "vm=", 3))
			snprintf(rec->vm, sizeof(rec->vm), "%.*s", (int)sizeof(rec->vm) - 1, line + 3);
		else if (!strncmp(line, "undo=", 5))
			snprintf(rec->undo, sizeof(rec->undo), "%.*s", (int)sizeof(rec->undo) - 1,
				 line + 5);
	}
	fclose(f);
	if (!snic_sriov_vm_name_ok(rec->vm))
		return snic_sriov_fail(e, -EIO, "%s: VF %u: the attachment record %s is "
				       "damaged (no valid vm= line); remove it by hand once "
				       "the VF is back with its driver", d->name, vf, path);
	return 1;
}

int sriov_attached_vm(struct snic_sriov_dev *d, unsigned vf, char *vm, size_t len,
		      struct snic_sriov_err *e)
{
	struct record rec;
	int r = record_read(d, vf, &rec, e);

	if (r > 0)
		snprintf(vm, len, "%s", rec.vm);
	return r;
}

bool sriov_vm_in_use(struct snic_sriov_dev *d, const char *vm, unsigned except)
{
	char mine[320], path[600], line[320];
	struct dirent *de;
	bool used = false;
	DIR *dir = opendir(d->env.state_dir);

	if (!dir)
		return false;
	snprintf(mine, sizeof(mine), "%s-vf%u", d->name, except);
	while (!used && (de = readdir(dir))) {
		FILE *f;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, mine) ||
		    strstr(de->d_name, ".tmp"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", d->env.state_dir, de->d_name);
		if (!(f = fopen(path, "re")))
			continue;
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			if (!strncmp(line, "vm=", 3) && !strcmp(line + 3, vm))
				used = true;
		}
		fclose(f);
	}
	closedir(dir);
	return used;
}

static int mkdirs(const char *dir)
{
	char p[256];

	snprintf(p, sizeof(p), "%s", dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static int record_write(const struct snic_sriov_dev *d, unsigned vf, const struct record *rec,
			struct snic_sriov_err *e)
{
	char path[512], tmp[520];
	FILE *f;

	record_path(d, vf, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f || fprintf(f, "vm=%s\nundo=%s\n", rec->vm, rec->undo) < 0 ||
	    fflush(f) || fsync(fileno(f))) {
		int err = errno;

		if (f)
			fclose(f);
		unlink(tmp);
		return snic_sriov_fail(e, -EIO, "%s: VF %u: cannot write the attachment "
				       "record %s: %s", d->name, vf, tmp, strerror(err));
	}
	fclose(f);
	if (rename(tmp, path)) {
		int err = errno;

		unlink(tmp);
		return snic_sriov_fail(e, -EIO, "%s: VF %u: cannot write the attachment "
				       "record %s: %s", d->name, vf, path, strerror(err));
	}
	return 0;
}

/* Exclusive lock on the state directory for a change; returns the fd. */
static int lock_state(const struct snic_sriov_dev *d, struct snic_sriov_err *e)
{
	char path[512];
	int fd, r = mkdirs(d->env.state_dir);

	if (r)
		return snic_sriov_fail(e, r, "cannot create the state directory %s: %s",
				       d->env.state_dir, strerror(-r));
	snprintf(path, sizeof(path), "%s/.lock", d->env.state_dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX)) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		return snic_sriov_fail(e, -err, "cannot lock %s: %s", path, strerror(err));
	}
	return fd;
}

static void unlock_state(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* ---- checks ---- */

static int vf_in_range(struct snic_sriov_dev *d, unsigned vf, struct snic_sriov_nic *nic,
		       struct snic_sriov_err *e)
{
	int r = snic_sriov_nic(d, nic, e);

	if (r)
		return r;
	if (vf >= nic->total_vfs)
		return snic_sriov_fail(e, -ERANGE, "%s: VF %u does not exist: the device "
				       "has %u VFs (0-%u)", d->name, vf, nic->total_vfs,
				       nic->total_vfs ? nic->total_vfs - 1 : 0);
	if (vf >= nic->num_vfs)
		return snic_sriov_fail(e, -ERANGE, "%s: VF %u is not enabled: %u VFs are "
				       "enabled%s (snic-sriov enable %s N)", d->name, vf,
				       nic->num_vfs, nic->num_vfs ? "" : " (none)", d->name);
	return 0;
}

int snic_sriov_vf(struct snic_sriov_dev *d, unsigned i, struct snic_sriov_vf *vf,
		  struct snic_sriov_err *e)
{
	struct record rec;
	int r;

	memset(vf, 0, sizeof(*vf));
	vf->index = i;
	vf->spoofchk = vf->trust = vf->link_up = -1;
	r = d->ops->query_vf(d, i, vf, e);
	if (r)
		return r;
	r = record_read(d, i, &rec, e);
	if (r < 0)
		return r;
	if (r)
		snprintf(vf->vm, sizeof(vf->vm), "%s", rec.vm);
	return 0;
}

int snic_sriov_set_num_vfs(struct snic_sriov_dev *d, unsigned n, struct snic_sriov_err *e)
{
	struct snic_sriov_nic nic;
	struct record rec;
	int lock, r = snic_sriov_nic(d, &nic, e);

	if (r)
		return r;
	if (n > nic.total_vfs)
		return snic_sriov_fail(e, -ERANGE, "%s: cannot enable %u VFs: the device "
				       "supports at most %u (sriov_totalvfs)", d->name, n,
				       nic.total_vfs);
	if (n == nic.num_vfs)
		return 0;
	if (n && nic.num_vfs)
		return snic_sriov_fail(e, -EBUSY, "%s: %u VFs are enabled; disable them "
				       "first (snic-sriov disable %s), then enable %u",
				       d->name, nic.num_vfs, d->name, n);
	if ((lock = lock_state(d, e)) < 0)
		return lock;
	for (unsigned i = 0; !n && i < nic.num_vfs; i++) {
		r = record_read(d, i, &rec, e);
		if (r < 0)
			goto out;
		if (r) {
			r = snic_sriov_fail(e, -EBUSY, "%s: cannot disable the VFs: VF %u "
					    "is attached to VM %s (snic-sriov detach %s %u "
					    "first)", d->name, i, rec.vm, d->name, i);
			goto out;
		}
	}
	r = d->ops->set_num_vfs(d, n, e);
out:
	unlock_state(lock);
	return r;
}

int snic_sriov_set_esw_mode(struct snic_sriov_dev *d, enum snic_sriov_esw_mode m,
			    struct snic_sriov_err *e)
{
	if (m != SNIC_SRIOV_ESW_LEGACY && m != SNIC_SRIOV_ESW_SWITCHDEV)
		return snic_sriov_fail(e, -EINVAL, "%s: e-switch mode must be legacy or "
				       "switchdev", d->name);
	return d->ops->set_esw_mode(d, m, e);
}

int snic_sriov_set_vf(struct snic_sriov_dev *d, unsigned i,
		      const struct snic_sriov_vf_cfg *cfg, struct snic_sriov_err *e)
{
	struct snic_sriov_nic nic;
	int r = snic_sriov_check_cfg(cfg, i, e);

	if (r) {
		char why[sizeof(e->msg)];

		snprintf(why, sizeof(why), "%s", e->msg);
		return snic_sriov_fail(e, r, "%s: %s", d->name, why);
	}
	if ((r = vf_in_range(d, i, &nic, e)))
		return r;
	return d->ops->set_vf(d, i, cfg, e);
}

int snic_sriov_attach(struct snic_sriov_dev *d, unsigned i, const struct snic_sriov_attach *a,
		      struct snic_sriov_attach_out *out, struct snic_sriov_err *e)
{
	struct snic_sriov_nic nic;
	struct record rec;
	int lock, r;

	memset(out, 0, sizeof(*out));
	if (!a || !snic_sriov_vm_name_ok(a->vm))
		return snic_sriov_fail(e, -EINVAL, "%s: VF %u: VM name '%s': use 1-63 of "
				       "A-Z a-z 0-9 _ . -", d->name, i,
				       a && a->vm ? a->vm : "");
	if ((r = vf_in_range(d, i, &nic, e)))
		return r;
	if ((lock = lock_state(d, e)) < 0)
		return lock;
	r = record_read(d, i, &rec, e);
	if (r > 0)
		r = snic_sriov_fail(e, -EBUSY, "%s: VF %u is in use by VM %s: detach it "
				    "first (snic-sriov detach %s %u)", d->name, i, rec.vm,
				    d->name, i);
	if (r)
		goto out;
	memset(&rec, 0, sizeof(rec));
	snprintf(rec.vm, sizeof(rec.vm), "%s", a->vm);
	r = d->ops->attach(d, i, a, out, rec.undo, sizeof(rec.undo), e);
	if (r)
		goto out;
	/* PRINT leaves the VF where it is: nothing to undo, no record */
	if (a->mode != SNIC_SRIOV_ATTACH_PRINT && (r = record_write(d, i, &rec, e))) {
		struct snic_sriov_err e2;

		d->ops->detach(d, i, rec.vm, rec.undo, &e2);
	}
out:
	unlock_state(lock);
	return r;
}

int snic_sriov_detach(struct snic_sriov_dev *d, unsigned i, struct snic_sriov_err *e)
{
	struct snic_sriov_nic nic;
	struct record rec;
	char path[512];
	int lock, r = snic_sriov_nic(d, &nic, e);

	if (r)
		return r;
	if (i >= nic.total_vfs)
		return snic_sriov_fail(e, -ERANGE, "%s: VF %u does not exist: the device "
				       "has %u VFs", d->name, i, nic.total_vfs);
	if ((lock = lock_state(d, e)) < 0)
		return lock;
	r = record_read(d, i, &rec, e);
	if (r == 0)
		r = snic_sriov_fail(e, -ENOENT, "%s: VF %u is not attached to a VM",
				    d->name, i);
	if (r < 0)
		goto out;
	r = d->ops->detach(d, i, rec.vm, rec.undo, e);
	if (r == 0) {
		record_path(d, i, path, sizeof(path));
		if (unlink(path) && errno != ENOENT)
			r = snic_sriov_fail(e, -EIO, "%s: VF %u detached, but its record "
					    "%s stays: %s", d->name, i, path, strerror(errno));
	}
out:
	unlock_state(lock);
	return r;
}
