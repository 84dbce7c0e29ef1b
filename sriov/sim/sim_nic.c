/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sim_nic.c - the sim backend: a snic-sim NIC and its VFs.
 *
 * The NIC is reached two ways, both next to each other in the run directory:
 *   NAME.sock  the device channel; this backend takes a command-only
 *              attachment (snic_drv_chan_open_cmd()), so it works while a
 *              DPDK application (snic-offloadd, testpmd) holds the data
 *              attachment, and every setting goes through the firmware,
 *              which enforces it (QUERY_SRIOV/SET_NUM_VFS, QUERY/MODIFY_VPORT,
 *              QUERY/SET_ESW_MODE);
 *   NAME.sock.ctl  snic-sim's control socket: "status" names the model, the
 *              firmware and each VF's TAP (what a VM sees as its NIC).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sim_internal.h"

#define CTL_TIMEOUT_MS 3000

int sim_fw_fail(struct snic_sriov_dev *d, uint32_t syn, struct snic_sriov_err *e,
		const char *what, int vf)
{
	struct sim_priv *p = sim_priv(d);
	char why[256], who[32] = "";
	int err = -EIO;

	snic_fwc_strerror(p->fwc, why, sizeof(why));
	if (vf >= 0)
		snprintf(who, sizeof(who), " VF %d:", vf);
	if (syn == SNIC_FWC_ETRANSPORT)
		snprintf(why, sizeof(why), "no answer on %s (%s): is snic-sim running?",
			 p->sock, snic_drv_chan_cmd_strerror(snic_drv_chan_exec_errno()));
	else if (p->fwc->last_status == SNIC_STATUS_BAD_PARAM)
		err = -EINVAL;
	else if (p->fwc->last_status == SNIC_STATUS_BAD_STATE)
		err = -EBUSY;
	else if (p->fwc->last_status == SNIC_STATUS_PERMISSION)
		err = -EPERM;
	else if (p->fwc->last_status == SNIC_STATUS_BAD_RESOURCE)
		err = -ERANGE;
	else if (p->fwc->last_status == SNIC_STATUS_BAD_OPCODE)
		err = -EOPNOTSUPP;
	return snic_sriov_fail(e, err, "%s:%s %s: the NIC refused: %s", d->name, who,
			       what, why);
}

/* ---- snic-sim's control socket ---- */

static int ctl_request(struct sim_priv *p, const char *req, char *reply, size_t cap,
		       struct snic_sriov_err *e, const char *nic)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { CTL_TIMEOUT_MS / 1000, (CTL_TIMEOUT_MS % 1000) * 1000 };
	ssize_t n;
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%.*s", (int)sizeof(sa.sun_path) - 1, p->ctl);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    send(fd, req, strlen(req), MSG_NOSIGNAL) < 0 ||
	    (n = recv(fd, reply, cap - 1, 0)) <= 0) {
		int err = errno ? errno : EPROTO;

		if (fd >= 0)
			close(fd);
		return snic_sriov_fail(e, -ENODEV, "%s: snic-sim's control socket %s "
				       "does not answer: %s", nic, p->ctl, strerror(err));
	}
	{
		struct ucred cr;
		socklen_t cl = sizeof(cr);

		if (!getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl))
			p->sim_pid = cr.pid;
	}
	close(fd);
	reply[n] = '\0';
	return 0;
}

static void word(const char *line, const char *key, char *out, size_t len)
{
	const char *s = strstr(line, key);
	size_t n;

	out[0] = '\0';
	if (!s)
		return;
	s += strlen(key);
	if (*s == '"') {
		s++;
		n = strcspn(s, "\"");
	} else {
		n = strcspn(s, " \n");
	}
	snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), s);
}

int sim_parse_status(struct sim_priv *p, char *reply)
{
	char *save = NULL;

	if (strncmp(reply, "ok\n", 3))
		return -EIO;
	memset(p->taps, 0, sizeof(p->taps));
	p->n_taps = 0;
	p->nic[0] = p->model[0] = p->fw_version[0] = '\0';
	for (char *l = strtok_r(reply + 3, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		unsigned vf;
		char label[16], ifname[IF_NAMESIZE + 1];

		if (!strncmp(l, "nic ", 4)) {
			if (sscanf(l, "nic %31s", p->nic) != 1)
				p->nic[0] = '\0';
			word(l, "model=", p->model, sizeof(p->model));
			word(l, "firmware=", p->fw_version, sizeof(p->fw_version));
		} else if (sscanf(l, "port %15s %16s", label, ifname) == 2 &&
			   sscanf(label, "vf%u", &vf) == 1 && vf < SIM_MAX_VFS) {
			struct sim_tap *t = &p->taps[vf];
			char ns[64];

			snprintf(t->ifname, sizeof(t->ifname), "%.15s", ifname);
			word(l, "netns=", ns, sizeof(ns));
			snprintf(t->netns, sizeof(t->netns), "%s", strcmp(ns, "-") ? ns : "");
			if (vf + 1 > p->n_taps)
				p->n_taps = vf + 1;
		}
	}
	/* a name the TAPs can carry, or none (then the caller's name is used) */
	if (strlen(p->nic) > 9 || strspn(p->nic, "abcdefghijklmnopqrstuvwxyz0123456789") !=
	    strlen(p->nic))
		p->nic[0] = '\0';
	return 0;
}

int sim_refresh_status(struct snic_sriov_dev *d, struct snic_sriov_err *e)
{
	static char reply[196608];
	struct sim_priv *p = sim_priv(d);
	int r = ctl_request(p, "status", reply, sizeof(reply), e, d->name);

	if (r)
		return r;
	if (sim_parse_status(p, reply))
		return snic_sriov_fail(e, -EIO, "%s: snic-sim status: %.200s", d->name, reply);
	return 0;
}

/* ---- the backend ---- */

static int query_nic(struct snic_sriov_dev *d, struct snic_sriov_nic *nic,
		     struct snic_sriov_err *e)
{
	struct sim_priv *p = sim_priv(d);
	uint32_t total, num, mode, syn;
	int r = sim_refresh_status(d, e);

	if (r)
		return r;
	if ((syn = snic_fwc_query_sriov(p->fwc, &total, &num)) != SNIC_SYN_OK)
		return sim_fw_fail(d, syn, e, "QUERY_SRIOV", -1);
	if ((syn = snic_fwc_query_esw_mode(p->fwc, &mode)) != SNIC_SYN_OK)
		return sim_fw_fail(d, syn, e, "QUERY_ESW_MODE", -1);
	nic->backend = SNIC_SRIOV_SIM;
	snprintf(nic->name, sizeof(nic->name), "%s", d->name);
	snprintf(nic->netdev, sizeof(nic->netdev), "%.9spf0", p->nic);
	snprintf(nic->driver, sizeof(nic->driver), "snic-sim");
	snprintf(nic->model, sizeof(nic->model), "%s", p->model);
	snprintf(nic->fw_version, sizeof(nic->fw_version), "%s", p->fw_version);
	snprintf(nic->socket, sizeof(nic->socket), "%s", p->sock);
	nic->total_vfs = total;
	nic->num_vfs = num;
	nic->esw_mode = mode == SNIC_ESW_SWITCHDEV ? SNIC_SRIOV_ESW_SWITCHDEV :
		SNIC_SRIOV_ESW_LEGACY;
	if (num)
		snprintf(nic->dpdk_devargs, sizeof(nic->dpdk_devargs),
			 "net_snic0,dev=%.100s,representor=vf[0-%u]", p->sock, num - 1);
	else
		snprintf(nic->dpdk_devargs, sizeof(nic->dpdk_devargs), "net_snic0,dev=%.100s",
			 p->sock);
	return 0;
}

static int query_vf(struct snic_sriov_dev *d, unsigned i, struct snic_sriov_vf *vf,
		    struct snic_sriov_err *e)
{
	struct sim_priv *p = sim_priv(d);
	struct snic_ifc_query_vport_out q;
	uint32_t syn;

	if ((syn = snic_fwc_query_vport(p->fwc, SNIC_IFC_VPORT_VF(i), &q)) != SNIC_SYN_OK)
		return sim_fw_fail(d, syn, e, "QUERY_VPORT", (int)i);
	if (i < SIM_MAX_VFS && p->taps[i].ifname[0]) {
		snprintf(vf->netdev, sizeof(vf->netdev), "%s", p->taps[i].ifname);
		snprintf(vf->driver, sizeof(vf->driver), "tap");
		sim_tap_netns(d, i, vf->netns, sizeof(vf->netns));
	}
	snprintf(vf->representor, sizeof(vf->representor), "pf0vf%u", i);
	snprintf(vf->rep_dpdk, sizeof(vf->rep_dpdk), "net_snic0_representor_vf%u", i);
	memcpy(vf->mac, q.ctx.mac, 6);
	vf->vlan = snic_ifc_le16(q.ctx.vlan);
	vf->qos = q.ctx.qos;
	vf->spoofchk = q.ctx.spoofchk;
	vf->trust = q.ctx.trust;
	vf->min_rate = snic_ifc_le32(q.ctx.min_rate);
	vf->max_rate = snic_ifc_le32(q.ctx.max_rate);
	vf->link_state = q.ctx.link_state == SNIC_LINK_UP ? SNIC_SRIOV_LINK_ENABLE :
		q.ctx.link_state == SNIC_LINK_DOWN ? SNIC_SRIOV_LINK_DISABLE :
		SNIC_SRIOV_LINK_AUTO;
	vf->link_up = q.link_up;
	vf->have_stats = true;
	vf->rx_packets = snic_ifc_le64(q.stats.rx_packets);
	vf->rx_bytes = snic_ifc_le64(q.stats.rx_bytes);
	vf->tx_packets = snic_ifc_le64(q.stats.tx_packets);
	vf->tx_bytes = snic_ifc_le64(q.stats.tx_bytes);
	vf->drop_spoof = snic_ifc_le64(q.stats.drop_spoof);
	vf->drop_rate = snic_ifc_le64(q.stats.drop_rate);
	vf->drop_link = snic_ifc_le64(q.stats.drop_link);
	return 0;
}

static int set_num_vfs(struct snic_sriov_dev *d, unsigned n, struct snic_sriov_err *e)
{
	uint32_t syn = snic_fwc_set_num_vfs(sim_priv(d)->fwc, n);

	return syn == SNIC_SYN_OK ? 0 : sim_fw_fail(d, syn, e, n ? "enabling VFs" :
						    "disabling VFs", -1);
}

static int set_esw_mode(struct snic_sriov_dev *d, enum snic_sriov_esw_mode m,
			struct snic_sriov_err *e)
{
	uint32_t syn = snic_fwc_set_esw_mode(sim_priv(d)->fwc, m == SNIC_SRIOV_ESW_SWITCHDEV ?
					     SNIC_ESW_SWITCHDEV : SNIC_ESW_LEGACY);

	if (syn == SNIC_SYN_ESW_MODE_BUSY)
		return snic_sriov_fail(e, -EBUSY, "%s: cannot switch the e-switch to %s: "
				       "flow tables exist (stop the application that "
				       "holds them, e.g. snic-offloadd, first)", d->name,
				       snic_sriov_esw_name(m));
	return syn == SNIC_SYN_OK ? 0 : sim_fw_fail(d, syn, e, "SET_ESW_MODE", -1);
}

static int set_vf(struct snic_sriov_dev *d, unsigned i, const struct snic_sriov_vf_cfg *cfg,
		  struct snic_sriov_err *e)
{
	struct sim_priv *p = sim_priv(d);
	struct snic_ifc_vport_ctx ctx = { .link_state = SNIC_LINK_AUTO };
	uint32_t fields = 0, syn;

	if (cfg->set & SNIC_SRIOV_SET_MAC) {
		fields |= SNIC_VPORT_F_MAC;
		memcpy(ctx.mac, cfg->mac, 6);
	}
	if (cfg->set & SNIC_SRIOV_SET_VLAN) {
		fields |= SNIC_VPORT_F_VLAN;
		ctx.vlan = cfg->vlan;
		ctx.qos = cfg->qos;
	}
	if (cfg->set & SNIC_SRIOV_SET_SPOOFCHK) {
		fields |= SNIC_VPORT_F_SPOOFCHK;
		ctx.spoofchk = cfg->spoofchk;
	}
	if (cfg->set & SNIC_SRIOV_SET_TRUST) {
		fields |= SNIC_VPORT_F_TRUST;
		ctx.trust = cfg->trust;
	}
	if (cfg->set & SNIC_SRIOV_SET_RATE) {
		fields |= SNIC_VPORT_F_RATE;
		ctx.min_rate = cfg->min_rate;
		ctx.max_rate = cfg->max_rate;
	}
	if (cfg->set & SNIC_SRIOV_SET_LINK) {
		fields |= SNIC_VPORT_F_LINK;
		ctx.link_state = cfg->link_state == SNIC_SRIOV_LINK_ENABLE ? SNIC_LINK_UP :
			cfg->link_state == SNIC_SRIOV_LINK_DISABLE ? SNIC_LINK_DOWN :
			SNIC_LINK_AUTO;
	}
	/* one command: the firmware validates every field before it applies
	 * any, so a refused setting changes nothing */
	syn = snic_fwc_modify_vport(p->fwc, SNIC_IFC_VPORT_VF(i), fields, &ctx);
	if (syn != SNIC_SYN_OK)
		return sim_fw_fail(d, syn, e, "MODIFY_VPORT", (int)i);
	/* the VF's driver takes the new MAC: its TAP's address follows (where a
	 * MAC is cleared, the VM keeps the one it has) */
	if ((cfg->set & SNIC_SRIOV_SET_MAC) && (cfg->mac[0] | cfg->mac[1] | cfg->mac[2] |
						cfg->mac[3] | cfg->mac[4] | cfg->mac[5]) &&
	    i < SIM_MAX_VFS && p->taps[i].ifname[0]) {
		char ns[64];

		sim_tap_netns(d, i, ns, sizeof(ns));
		return sim_tap_set_mac(ns, p->taps[i].ifname, cfg->mac, e);
	}
	return 0;
}

static void sim_close(struct snic_sriov_dev *d)
{
	struct sim_priv *p = sim_priv(d);

	snic_drv_chan_close(p->ch);
	free(p->fwc);
	free(p);
	free(d);
}

static const struct snic_sriov_ops sim_ops = {
	.name = "sim",
	.query_nic = query_nic,
	.query_vf = query_vf,
	.set_num_vfs = set_num_vfs,
	.set_esw_mode = set_esw_mode,
	.set_vf = set_vf,
	.attach = sim_attach,
	.detach = sim_detach,
	.close = sim_close,
};

static int list_dir(const char *dir, bool top, int depth,
		    int (*fn)(void *arg, const char *name), void *arg);

struct find {
	const char *want;
	char sock[108];
};

/* Whether the snic-sim at socket path `name` calls itself f->want. */
static int find_cb(void *arg, const char *name)
{
	struct find *f = arg;
	struct sim_priv p = { .sim_pid = 0 };
	struct snic_sriov_err e;
	char reply[512], nic[32] = "";
	size_t n;

	if (!strchr(name, '/'))
		return 0;   /* top level: tried by name already */
	snprintf(p.sock, sizeof(p.sock), "%.107s", name);
	n = strlen(p.sock) - 5;
	snprintf(p.ctl, sizeof(p.ctl), "%.*s.ctl", (int)n, p.sock);
	/* the first line of status is enough: "ok\nnic NAME ..." */
	if (ctl_request(&p, "status", reply, sizeof(reply), &e, name) == 0 &&
	    sscanf(reply, "ok\nnic %31s", nic) == 1 && !strcmp(nic, f->want)) {
		snprintf(f->sock, sizeof(f->sock), "%s", p.sock);
		return 1;
	}
	return 0;
}

/* name -> socket path; 0 when it is one of ours.  A path (with '/' or
 * ending in .sock) is taken as it is; a name is RUN/NAME.sock when that is
 * a snic-sim, else the snic-sim below RUN (snic-topo's) that has that name. */
static int sim_name(const char *name, const struct snic_sriov_env *env, char *sock,
		    size_t slen)
{
	size_t n = strlen(name);
	struct stat st;
	struct find f = { .want = name };

	if (strchr(name, '/') || (n > 5 && !strcmp(name + n - 5, ".sock"))) {
		snprintf(sock, slen, "%s", name);
		return 0;
	}
	if (n > 31)
		return -ENODEV;
	snprintf(sock, slen, "%s/%s.ctl", env->sim_run_dir, name);
	if (!stat(sock, &st) && S_ISSOCK(st.st_mode)) {
		snprintf(sock, slen, "%s/%s.sock", env->sim_run_dir, name);
		if (!stat(sock, &st) && S_ISSOCK(st.st_mode))
			return 0;
	}
	if (list_dir(env->sim_run_dir, true, 2, find_cb, &f) == 1) {
		snprintf(sock, slen, "%s", f.sock);
		return 0;
	}
	return -ENODEV;
}

int sriov_sim_open(const char *name, const struct snic_sriov_env *env,
		   struct snic_sriov_dev **out, struct snic_sriov_err *e)
{
	struct snic_sriov_dev *d;
	struct sim_priv *p;
	char err[400];
	int r;

	d = calloc(1, sizeof(*d));
	p = calloc(1, sizeof(*p));
	if (!d || !p) {
		free(d);
		free(p);
		return snic_sriov_fail(e, -ENOMEM, "out of memory");
	}
	if (sim_name(name, env, p->sock, sizeof(p->sock))) {
		free(d);
		free(p);
		return -ENODEV;     /* not ours */
	}
	/* snic-sim's rule: the socket path without ".sock", plus ".ctl" */
	{
		size_t n = strlen(p->sock);

		if (n > 5 && !strcmp(p->sock + n - 5, ".sock"))
			n -= 5;
		snprintf(p->ctl, sizeof(p->ctl), "%.*s.ctl", (int)n, p->sock);
	}
	d->ops = &sim_ops;
	d->env = *env;
	d->priv = p;
	p->fwc = malloc(sizeof(*p->fwc));
	if (!p->fwc) {
		r = snic_sriov_fail(e, -ENOMEM, "out of memory");
		goto fail;
	}
	snprintf(d->name, sizeof(d->name), "%s", name);
	r = snic_drv_chan_open_cmd(p->sock, &p->ch, err, sizeof(err));
	if (r) {
		r = snic_sriov_fail(e, r == -ENOENT || r == -ECONNREFUSED ? -ENODEV : r,
				    "%s: %s", d->name, err);
		goto fail;
	}
	snic_drv_chan_fwc_init(p->ch, p->fwc);
	if ((r = sim_refresh_status(d, e)))
		goto fail;
	/* known by its own name from here on (records, messages) */
	snprintf(d->name, sizeof(d->name), "%s", p->nic[0] ? p->nic : name);
	*out = d;
	return 0;
fail:
	snic_drv_chan_close(p->ch);
	free(p->fwc);
	free(p);
	free(d);
	return r;
}

/* snic-sims under dir (depth levels of subdirectories: snic-topo keeps its
 * hosts' sockets in /run/snic/topo/PREFIX/); top-level ones by name, the
 * others by socket path. */
static int list_dir(const char *dir, bool top, int depth,
		    int (*fn)(void *arg, const char *name), void *arg)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int r = 0;

	if (!d)
		return 0;
	while (!r && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char path[600], ctl[600];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path) ||
		    lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth > 0)
				r = list_dir(path, false, depth - 1, fn, arg);
			continue;
		}
		if (!S_ISSOCK(st.st_mode) || n <= 5 || strcmp(de->d_name + n - 5, ".sock"))
			continue;
		/* a snic-sim has its control socket next to the channel (other
		 * sockets, such as snic-offloadd's, do not) */
		if (snprintf(ctl, sizeof(ctl), "%s/%.*s.ctl", dir, (int)(n - 5), de->d_name) >=
		    (int)sizeof(ctl) || stat(ctl, &st) || !S_ISSOCK(st.st_mode))
			continue;
		if (top) {
			snprintf(ctl, sizeof(ctl), "%.*s", (int)(n - 5), de->d_name);
			r = fn(arg, ctl);
		} else {
			r = fn(arg, path);
		}
	}
	closedir(d);
	return r;
}

int sriov_sim_list(const struct snic_sriov_env *env,
		   int (*fn)(void *arg, const char *name), void *arg,
		   struct snic_sriov_err *e)
{
	(void)e;
	return list_dir(env->sim_run_dir, true, 2, fn, arg);
}
