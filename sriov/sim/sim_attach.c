/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sim_attach.c - attaching a simulated VF to a VM: its TAP (what the VM sees
 * as its NIC) moves into the VM's network namespace with the VF's MAC and
 * comes up; detach moves it back, down (a namespace move drops addresses and
 * routes), and deletes the namespace when attach created it and nothing else
 * is in it.  Links are moved and set with rtnetlink (libmnl) from sockets
 * opened inside the namespace concerned; named namespaces are made and
 * removed with iproute2's `ip netns`, so they behave as operators expect.
 *
 * The undo record is "from=NS;created=0|1": the namespace the TAP came from
 * (a /run/netns name or a /proc/PID/ns/net path) and whether attach created
 * the VM's namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "sim_internal.h"

extern char **environ;

static void ns_path(const char *ns, char *path, size_t len)
{
	if (!ns[0])
		snprintf(path, len, "/proc/self/ns/net");
	else if (ns[0] == '/')
		snprintf(path, len, "%s", ns);
	else
		snprintf(path, len, "/run/netns/%s", ns);
}

void sim_tap_netns(struct snic_sriov_dev *d, unsigned i, char *ns, size_t len)
{
	struct sim_priv *p = sim_priv(d);
	struct snic_sriov_err e;
	char vm[64];

	if (sriov_attached_vm(d, i, vm, sizeof(vm), &e) > 0)
		snprintf(ns, len, "%s", vm);
	else if (i < SIM_MAX_VFS && p->taps[i].netns[0])
		snprintf(ns, len, "%s", p->taps[i].netns);
	else if (p->sim_pid > 0)
		snprintf(ns, len, "/proc/%d/ns/net", p->sim_pid);
	else
		ns[0] = '\0';
}

/* A route netlink socket that lives in namespace ns. */
static struct mnl_socket *nl_in(const char *ns, struct snic_sriov_err *e)
{
	char path[128];
	struct mnl_socket *nl = NULL;
	int self, fd, err = 0;

	ns_path(ns, path, sizeof(path));
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || fd < 0) {
		err = errno;
		snic_sriov_fail(e, -ENOENT, "network namespace %s: %s", ns[0] ? ns : "(own)",
				strerror(err));
	} else if (setns(fd, CLONE_NEWNET)) {
		err = errno;
		snic_sriov_fail(e, err == EPERM ? -EPERM : -EIO, "cannot enter network "
				"namespace %s: %s%s", ns, strerror(err),
				err == EPERM ? " (run as root)" : "");
	} else {
		nl = mnl_socket_open(NETLINK_ROUTE);
		if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID)) {
			err = errno;
			snic_sriov_fail(e, -EIO, "rtnetlink in %s: %s", ns, strerror(err));
			if (nl)
				mnl_socket_close(nl);
			nl = NULL;
		}
		if (setns(self, CLONE_NEWNET)) {
			/* cannot happen with a valid fd; never go on elsewhere */
			fprintf(stderr, "snic-sriov: cannot return to the own network "
				"namespace: %s\n", strerror(errno));
			abort();
		}
	}
	if (self >= 0)
		close(self);
	if (fd >= 0)
		close(fd);
	return nl;
}

/* Send one request and wait for its ack: 0 or -errno (the kernel's). */
static int nl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned portid = mnl_socket_get_portid(nl);
	ssize_t n;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (unsigned)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		int r = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, NULL, NULL);

		if (r <= MNL_CB_STOP)
			return r < 0 ? -errno : 0;
	}
	return n < 0 ? -errno : -EIO;
}

/* RTM_SETLINK by name: up (1) / down (0) / keep (-1), MAC, namespace. */
static int link_set(struct mnl_socket *nl, const char *ifname, int up,
		    const uint8_t *mac, int ns_fd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_SETLINK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	if (up >= 0) {
		ifm->ifi_change = IFF_UP;
		ifm->ifi_flags = up ? IFF_UP : 0;
	}
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	if (mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	if (ns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)ns_fd);
	return nl_talk(nl, nlh);
}

static int count_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	if (!(ifm->ifi_flags & IFF_LOOPBACK))
		(*(unsigned *)arg)++;
	return MNL_CB_OK;
}

/* Interfaces other than loopback in the namespace nl lives in (<0: error). */
static int count_links(struct mnl_socket *nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;
	unsigned n = 0, portid = mnl_socket_get_portid(nl);
	ssize_t len;
	int r = MNL_CB_OK;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = (unsigned)time(NULL);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	while (r > MNL_CB_STOP && (len = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0)
		r = mnl_cb_run(buf, (size_t)len, nlh->nlmsg_seq, portid, count_cb, &n);
	return r < 0 ? -errno : (int)n;
}

/* `ip netns add|delete NAME`: 0 or -EIO with the reason. */
static int ip_netns(const char *verb, const char *name, struct snic_sriov_err *e)
{
	char *argv[] = { "ip", "netns", (char *)verb, (char *)name, NULL };
	pid_t pid;
	int st, r = posix_spawnp(&pid, "ip", NULL, NULL, argv, environ);

	if (r)
		return snic_sriov_fail(e, -EIO, "cannot run ip netns %s %s: %s (install "
				       "iproute2)", verb, name, strerror(r));
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return snic_sriov_fail(e, -EIO, "ip netns %s %s failed (its message is "
				       "above)", verb, name);
	return 0;
}

static bool netns_exists(const char *name)
{
	char path[128];
	struct stat st;

	ns_path(name, path, sizeof(path));
	return stat(path, &st) == 0;
}

/* Move ifname from namespace `from` to `to`, setting it up or down there. */
static int move_tap(const char *ifname, const char *from, const char *to, int up,
		    const uint8_t *mac, struct snic_sriov_err *e)
{
	struct mnl_socket *src = nl_in(from, e), *dst = NULL;
	char path[128];
	int fd, r;

	if (!src)
		return -EIO;
	ns_path(to, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = snic_sriov_fail(e, -ENOENT, "network namespace %s: %s", to, strerror(errno));
		mnl_socket_close(src);
		return r;
	}
	r = link_set(src, ifname, 0, NULL, fd);
	close(fd);
	mnl_socket_close(src);
	if (r)
		return snic_sriov_fail(e, r, "cannot move %s from namespace %s to %s: %s",
				       ifname, from, to, strerror(-r));
	if (!up && !mac)
		return 0;
	if (!(dst = nl_in(to, e)))
		return -EIO;
	r = link_set(dst, ifname, up, mac, -1);
	mnl_socket_close(dst);
	if (r)
		return snic_sriov_fail(e, r, "%s in namespace %s: cannot set %s: %s", ifname,
				       to, mac ? "its MAC and bring it up" : "it up",
				       strerror(-r));
	return 0;
}

int sim_tap_set_mac(const char *netns, const char *ifname, const uint8_t mac[6],
		    struct snic_sriov_err *e)
{
	struct mnl_socket *nl = nl_in(netns, e);
	char m[18];
	int r;

	if (!nl)
		return -EIO;
	r = link_set(nl, ifname, -1, mac, -1);
	mnl_socket_close(nl);
	snic_sriov_format_mac(mac, m);
	if (r)
		return snic_sriov_fail(e, r, "the NIC took MAC %s, but %s (in %s) did not: "
				       "%s", m, ifname, netns[0] ? netns : "this namespace",
				       strerror(-r));
	return 0;
}

static bool mac_set(const uint8_t *m)
{
	return m[0] | m[1] | m[2] | m[3] | m[4] | m[5];
}

static void snippets(struct snic_sriov_dev *d, unsigned i, const char *tap,
		     const uint8_t *mac, struct snic_sriov_attach_out *out)
{
	char m[18];

	snic_sriov_format_mac(mac, m);
	/* VLAN: the NIC inserts and strips the VF's tag itself (VST), so the
	 * guest's interface carries none */
	snprintf(out->libvirt_xml, sizeof(out->libvirt_xml),
		 "<interface type='ethernet'>\n"
		 "  <mac address='%s'/>\n"
		 "  <target dev='%s' managed='no'/>\n"
		 "  <model type='virtio'/>\n"
		 "</interface>", m, tap);
	snprintf(out->qemu_args, sizeof(out->qemu_args),
		 "-netdev tap,id=%s-vf%u,ifname=%s,script=no,downscript=no "
		 "-device virtio-net-pci,netdev=%s-vf%u,mac=%s", d->name, i, tap,
		 d->name, i, m);
}

int sim_attach(struct snic_sriov_dev *d, unsigned i, const struct snic_sriov_attach *a,
	       struct snic_sriov_attach_out *out, char *undo, size_t undo_len,
	       struct snic_sriov_err *e)
{
	struct sim_priv *p = sim_priv(d);
	struct snic_ifc_query_vport_out q;
	char from[64], m[18];
	const char *tap;
	bool created = false;
	uint32_t syn;
	int r;

	if (i >= SIM_MAX_VFS || !p->taps[i].ifname[0])
		return snic_sriov_fail(e, -ENODEV, "%s: VF %u has no TAP (snic-sim "
				       "status lists none for vf%u)", d->name, i, i);
	tap = p->taps[i].ifname;
	if ((syn = snic_fwc_query_vport(p->fwc, SNIC_IFC_VPORT_VF(i), &q)) != SNIC_SYN_OK)
		return sim_fw_fail(d, syn, e, "QUERY_VPORT", (int)i);
	snic_sriov_format_mac(q.ctx.mac, m);
	snippets(d, i, tap, q.ctx.mac, out);
	if (a->mode == SNIC_SRIOV_ATTACH_PRINT) {
		snprintf(out->summary, sizeof(out->summary), "%s VF %u: %s stays where it "
			 "is; give it to a QEMU guest with the arguments or the libvirt "
			 "element below", d->name, i, tap);
		return 0;
	}
	sim_tap_netns(d, i, from, sizeof(from));
	if (!netns_exists(a->vm)) {
		if ((r = ip_netns("add", a->vm, e)))
			return r;
		created = true;
	}
	r = move_tap(tap, from, a->vm, 1, mac_set(q.ctx.mac) ? q.ctx.mac : NULL, e);
	if (r) {
		struct snic_sriov_err e2;

		/* undo what got done: the TAP back (if it moved), our namespace */
		move_tap(tap, a->vm, from, 0, NULL, &e2);
		if (created)
			ip_netns("delete", a->vm, &e2);
		snprintf(e2.msg, sizeof(e2.msg), "%s", e->msg);
		return snic_sriov_fail(e, r, "%s: VF %u: %.400s", d->name, i, e2.msg);
	}
	snprintf(undo, undo_len, "from=%s;created=%d", from, created);
	snprintf(out->summary, sizeof(out->summary), "%s VF %u attached to VM %s: %s is "
		 "in network namespace %s%s, MAC %s, up (ip netns exec %s ip addr add "
		 "... dev %s)", d->name, i, a->vm, tap, a->vm, created ? " (created)" : "",
		 m, a->vm, tap);
	return 0;
}

int sim_detach(struct snic_sriov_dev *d, unsigned i, const char *vm, const char *undo,
	       struct snic_sriov_err *e)
{
	struct sim_priv *p = sim_priv(d);
	char from[64] = "", tap[IF_NAMESIZE];
	const char *s;
	bool created = strstr(undo, ";created=1") != NULL;
	int r;

	if ((s = strstr(undo, "from=")))
		snprintf(from, sizeof(from), "%.*s", (int)strcspn(s + 5, ";"), s + 5);
	if (i >= SIM_MAX_VFS || !p->taps[i].ifname[0])
		snprintf(tap, sizeof(tap), "%.9spf0vf%u", d->name, i);
	else
		snprintf(tap, sizeof(tap), "%s", p->taps[i].ifname);
	if (netns_exists(vm)) {
		/* snic-sim restarted since (its TAP is a new one, where it made
		 * it), or someone deleted the TAP: nothing to bring back */
		r = move_tap(tap, vm, from, 0, NULL, e);
		if (r && r != -ENODEV) {
			struct snic_sriov_err why = *e;

			return snic_sriov_fail(e, r, "%s: VF %u: %.400s", d->name, i, why.msg);
		}
		if (created && !sriov_vm_in_use(d, vm, i)) {
			struct mnl_socket *nl = nl_in(vm, e);
			int n = nl ? count_links(nl) : -1;

			if (nl)
				mnl_socket_close(nl);
			/* only ours to delete while nothing else lives in it */
			if (n == 0 && (r = ip_netns("delete", vm, e)))
				return r;
		}
	}
	return 0;
}
