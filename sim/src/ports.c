/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ports.c - the NIC's ports on Linux.
 *
 * Each VF is a TAP device named <nic>pf0vf<N> (what a VM would see as its
 * NIC), created inside the VM's network namespace when one is given; the PF
 * is the TAP <nic>pf0 in snic-sim's namespace; uplink N is the TAP <nic>p<N>
 * in the underlay namespace, or AF_PACKET on an existing interface (a veth).
 * TAPs are created non-persistent: the kernel deletes them when snic-sim
 * exits, cleanly or not.
 *
 * SR-IOV: only enabled VFs have a TAP.  When the firmware's num_vfs changes
 * (its SRIOV event), the TAPs of the VFs that went are closed - the kernel
 * deletes them, also inside a VM's namespace - and new VFs get theirs, with
 * the VF's MAC and link, from the loop once the command is done.
 *
 * Shaping: before taking a frame from a VF's TAP, the loop asks the firmware
 * whether the VF is over its max_rate (snic_fw_vport_tx_wait_ns()).  If so,
 * the TAP leaves epoll until a timerfd says the wait is over: its queue
 * fills and the VM's stack sees back-pressure (queueing delay, then the
 * kernel's tail drops), no spinning meanwhile.
 *
 * Queues: every TAP is made with a txqueuelen of SIM_PORT_QUEUE frames, an
 * AF_PACKET uplink gets a receive buffer for as many (as root; else up to
 * rmem_max): what the kernel keeps for us while the loop is busy elsewhere
 * or not scheduled (sim.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"
#include "snic_fwc.h"

int sim_in_netns(const char *ns, int (*fn)(void *), void *arg)
{
	char path[256];
	int self, target, r, e;

	if (!ns || !ns[0])
		return fn(arg);
	if (ns[0] == '/')
		snprintf(path, sizeof(path), "%s", ns);
	else
		snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (target < 0)
		return -errno;
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		e = -errno;
		close(target);
		return e;
	}
	if (setns(target, CLONE_NEWNET) < 0) {
		e = -errno;
		close(target);
		close(self);
		return e;
	}
	r = fn(arg);
	if (setns(self, CLONE_NEWNET) < 0)
		r = -errno;     /* cannot happen short of a kernel bug */
	close(target);
	close(self);
	return r;
}

struct open_args {
	struct sim_port *p;
	const uint8_t *mac;     /* NULL: leave the MAC alone */
	bool tap;
	int err_step;           /* what failed, for the message; -1: the
	                           namespace could not be entered */
};

/* Set MAC (optional) and the transmit queue length (qlen > 0: a TAP's
 * frames waiting for us) and bring the interface up; in the current netns. */
static int if_setup(const char *ifname, const uint8_t *mac, int qlen)
{
	struct ifreq ifr;
	int sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = 0;

	if (sk < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (mac) {
		ifr.ifr_hwaddr.sa_family = 1;   /* ARPHRD_ETHER */
		memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
		if (ioctl(sk, SIOCSIFHWADDR, &ifr) < 0)
			r = -errno;
	}
	if (!r && qlen > 0) {
		ifr.ifr_qlen = qlen;
		if (ioctl(sk, SIOCSIFTXQLEN, &ifr) < 0)
			r = -errno;
	}
	if (!r && ioctl(sk, SIOCGIFFLAGS, &ifr) < 0)
		r = -errno;
	if (!r) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(sk, SIOCSIFFLAGS, &ifr) < 0)
			r = -errno;
	}
	close(sk);
	return r;
}

static int open_tap(void *arg)
{
	struct open_args *a = arg;
	struct sim_port *p = a->p;
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC), r;

	a->err_step = 0;
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", p->ifname);
	a->err_step = 1;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	a->err_step = 2;
	r = if_setup(p->ifname, a->mac, SIM_PORT_QUEUE);
	if (r) {
		close(fd);
		return r;
	}
	p->fd = fd;
	p->kind = SIM_PORT_TAP;
	p->carrier = true;
	return 0;
}

static int open_packet(void *arg)
{
	struct open_args *a = arg;
	struct sim_port *p = a->p;
	struct sockaddr_ll sll;
	struct packet_mreq mr;
	unsigned idx;
	int fd, one = 1, r, rcvbuf = SIM_PORT_QUEUE * 2048;

	a->err_step = 3;
	idx = if_nametoindex(p->ifname);
	if (!idx)
		return -ENODEV;
	a->err_step = 0;
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0)
		return -errno;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)idx;
	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = (int)idx;
	mr.mr_type = PACKET_MR_PROMISC;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	/* the socket's queue is our rx ring here: room for SIM_PORT_QUEUE
	 * frames (the kernel doubles the value: 4 KiB of truesize each) if
	 * we may (root: FORCE), else what rmem_max allows; the default holds
	 * about a hundred and drops the rest of a burst */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	a->err_step = 2;
	r = if_setup(p->ifname, NULL, 0);
	if (r) {
		close(fd);
		return r;
	}
	p->fd = fd;
	p->kind = SIM_PORT_PACKET;
	p->carrier = true;
	return 0;
}

static int port_open(struct sim *s, struct sim_port *p, bool tap,
		     const uint8_t *mac, char *err, size_t errlen)
{
	struct open_args a = { .p = p, .mac = mac, .tap = tap, .err_step = -1 };
	int r = sim_in_netns(p->netns, tap ? open_tap : open_packet, &a);
	const char *where = p->netns[0] ? p->netns : "snic-sim's own namespace";

	if (!r) {
		sim_log(s, SNIC_FW_LOG_INFO, "%s: %s %s in %s", p->label,
			tap ? "TAP" : "AF_PACKET on", p->ifname, where);
		return 0;
	}
	if (a.err_step == -1)   /* never got into the namespace */
		snprintf(err, errlen, "%s: network namespace '%s' does not exist "
			 "(create it first: ip netns add %s)", p->label, p->netns,
			 p->netns);
	else if (a.err_step == 1 && (r == -EBUSY || r == -EEXIST || r == -EPERM))
		snprintf(err, errlen, "%s: cannot create TAP %s in %s: %s (is another "
			 "snic-sim named '%s' running, or a stale device left? "
			 "ip link del %s)", p->label, p->ifname, where, strerror(-r),
			 s->o.name, p->ifname);
	else if (a.err_step == 3)
		snprintf(err, errlen, "%s: no interface %s in %s", p->label,
			 p->ifname, where);
	else
		snprintf(err, errlen, "%s: cannot open %s %s in %s: %s", p->label,
			 tap ? "TAP" : "AF_PACKET on", p->ifname, where, strerror(-r));
	return -1;
}

static void port_init(struct sim_port *p, const char *label, uint16_t vport,
		      const char *ifname, const char *netns)
{
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	p->vport = vport;
	snprintf(p->label, sizeof(p->label), "%s", label);
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	snprintf(p->netns, sizeof(p->netns), "%s", netns ? netns : "");
}

/* epoll tag of VF i's port (see port_at() in main.c) */
static uint64_t vf_tag(const struct sim *s, unsigned i)
{
	return SIM_TAG(SIM_TAG_PORT, s->board->n_uplinks + 1 + i);
}

/* Make VF i's TAP, with the VF's MAC and link as the firmware has them. */
static int vf_open(struct sim *s, unsigned i, char *err, size_t errlen)
{
	struct sim_port *p = &s->vfs[i];
	struct snic_ifc_query_vport_out q;
	struct snic_fwc c;

	snic_fwc_init_direct(&c, s->fw, SNIC_IFC_FUNC_PF);
	if (snic_fwc_query_vport(&c, SNIC_IFC_VPORT_VF(i), &q) != SNIC_SYN_OK) {
		snprintf(err, errlen, "vf%u: the firmware does not know it", i);
		return -1;
	}
	if (port_open(s, p, true, q.ctx.mac, err, errlen))
		return -1;
	p->enabled = true;
	if (!q.link_up)
		sim_port_set_carrier(s, p, false);
	if (s->ports_ready)
		sim_epoll_add(s, p->fd, vf_tag(s, i));
	return 0;
}

int sim_ports_open(struct sim *s, char *err, size_t errlen)
{
	const struct snic_fw_board *b = s->board;
	char label[16], ifname[IF_NAMESIZE];

	for (unsigned i = 0; i < b->n_uplinks; i++) {
		bool dev = i == 0 && s->o.uplink_dev;
		snprintf(label, sizeof(label), "uplink%u", i);
		snprintf(ifname, sizeof(ifname), "%sp%u", s->o.name, i);
		port_init(&s->uplinks[i], label, SNIC_IFC_VPORT_UPLINK(i),
			  dev ? s->o.uplink_dev : ifname, s->o.uplink_netns);
		if (port_open(s, &s->uplinks[i], !dev, NULL, err, errlen))
			return -1;
	}
	snprintf(ifname, sizeof(ifname), "%spf0", s->o.name);
	port_init(&s->pf, "pf", SNIC_IFC_VPORT_PF, ifname, NULL);
	if (!s->o.no_pf_tap && port_open(s, &s->pf, true, b->pf_mac, err, errlen))
		return -1;
	for (unsigned i = 0; i < b->n_vfs; i++) {
		snprintf(label, sizeof(label), "vf%u", i);
		snprintf(ifname, sizeof(ifname), "%spf0vf%u", s->o.name, i);
		port_init(&s->vfs[i], label, SNIC_IFC_VPORT_VF(i), ifname,
			  s->o.vf_netns[i]);
		if (i < s->num_vfs && vf_open(s, i, err, errlen))
			return -1;
	}
	return 0;
}

/* Close VF i's TAP: the kernel deletes the device. */
static void vf_close(struct sim *s, unsigned i)
{
	struct sim_port *p = &s->vfs[i];

	if (p->cap.f) {
		snic_pcap_close(&p->cap);
		sim_log(s, SNIC_FW_LOG_INFO, "%s: capture to %s stopped", p->label,
			p->cap_path);
		p->cap_path[0] = '\0';
	}
	if (p->fd >= 0) {
		if (s->ports_ready)
			epoll_ctl(s->epfd, EPOLL_CTL_DEL, p->fd, NULL);
		close(p->fd);
		sim_log(s, SNIC_FW_LOG_INFO, "%s: disabled, TAP %s removed", p->label,
			p->ifname);
	}
	if (p->throttled)
		s->n_throttled--;
	p->fd = -1;
	p->kind = SIM_PORT_NONE;
	p->enabled = p->carrier = p->throttled = false;
	p->rx = p->tx = p->rx_bytes = p->tx_bytes = 0;
	p->tx_errors = p->rx_errors = p->rx_too_big = 0;
}

void sim_ports_sriov_event(struct sim *s, uint32_t n)
{
	if (!s->ports_ready)
		return;         /* start-up: sim_ports_open() follows */
	for (unsigned i = n; i < s->board->n_vfs; i++)
		if (s->vfs[i].enabled)
			vf_close(s, i);
	s->num_vfs = n;
	s->sriov_sync = true;
}

void sim_ports_sync(struct sim *s)
{
	char err[400];

	s->sriov_sync = false;
	for (unsigned i = 0; i < s->num_vfs && i < s->board->n_vfs; i++) {
		if (s->vfs[i].enabled)
			continue;
		if (vf_open(s, i, err, sizeof(err)))
			sim_log(s, SNIC_FW_LOG_ERR, "SR-IOV: %s; frames to it are lost",
				err);
		s->vfs[i].enabled = true;   /* tried: not again */
	}
}

void sim_ports_close(struct sim *s)
{
	struct sim_port *all[2 + SNIC_IFC_MAX_UPLINKS];
	unsigned n = 0;

	for (unsigned i = 0; s->board && i < s->board->n_uplinks; i++)
		all[n++] = &s->uplinks[i];
	all[n++] = &s->pf;
	for (unsigned i = 0; i < n; i++) {
		if (all[i]->cap.f)
			snic_pcap_close(&all[i]->cap);
		if (all[i]->fd >= 0)
			close(all[i]->fd);
		all[i]->fd = -1;
	}
	for (unsigned i = 0; s->vfs && s->board && i < s->board->n_vfs; i++) {
		if (s->vfs[i].cap.f)
			snic_pcap_close(&s->vfs[i].cap);
		if (s->vfs[i].fd >= 0)
			close(s->vfs[i].fd);
		s->vfs[i].fd = -1;
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void capture(struct sim_port *p, const uint8_t *frame, uint32_t len)
{
	if (p->cap.f && (snic_pcap_write(&p->cap, frame, len, now_ns()) ||
			 snic_pcap_flush(&p->cap)))
		snic_pcap_close(&p->cap);   /* disk full: stop, keep going */
}

/* The port's device is gone (a TAP deleted from inside its namespace, an
 * interface removed): stop polling it, or level-triggered epoll would report
 * it forever and the loop would never sleep. */
static void port_lost(struct sim *s, struct sim_port *p, int err)
{
	sim_log(s, SNIC_FW_LOG_WARN, "%s: %s is gone (%s): port closed, frames to "
		"it are dropped", p->label, p->ifname, strerror(err));
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, p->fd, NULL);
	close(p->fd);
	p->fd = -1;
	p->carrier = false;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void timer_arm(struct sim *s, uint64_t at)
{
	struct itimerspec its = { 0 };

	if (s->timer_at && s->timer_at <= at)
		return;
	its.it_value.tv_sec = (time_t)(at / 1000000000ull);
	its.it_value.tv_nsec = (long)(at % 1000000000ull);
	if (timerfd_settime(s->timer_fd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		s->timer_at = at;
}

/* VF port p is over its rate: stop reading it for wait ns. */
static void port_throttle(struct sim *s, struct sim_port *p, uint64_t wait)
{
	struct epoll_event ev = { .events = 0,
				  .data.u64 = vf_tag(s, (unsigned)(p - s->vfs)) };

	if (epoll_ctl(s->epfd, EPOLL_CTL_MOD, p->fd, &ev) != 0)
		return;         /* keep reading: the policer drops the excess */
	p->throttled = true;
	p->resume_ns = mono_ns() + wait;
	s->n_throttled++;
	timer_arm(s, p->resume_ns);
}

int sim_ports_timer(struct sim *s)
{
	uint64_t v, now = mono_ns(), next = 0;

	(void)!read(s->timer_fd, &v, sizeof(v));
	s->timer_at = 0;
	for (unsigned i = 0; s->n_throttled && i < s->board->n_vfs; i++) {
		struct sim_port *p = &s->vfs[i];
		struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP,
					  .data.u64 = vf_tag(s, i) };

		if (!p->throttled)
			continue;
		if (p->resume_ns > now) {
			if (!next || p->resume_ns < next)
				next = p->resume_ns;
			continue;
		}
		p->throttled = false;
		s->n_throttled--;
		epoll_ctl(s->epfd, EPOLL_CTL_MOD, p->fd, &ev);
	}
	if (next)
		timer_arm(s, next);
	return 1;
}

int sim_port_poll(struct sim *s, struct sim_port *p)
{
	bool vf = SNIC_IFC_VPORT_IS_VF(p->vport);
	int n = 0;

	while (n < SIM_RX_BATCH && p->fd >= 0 && !p->throttled) {
		ssize_t len;

		if (vf) {
			uint64_t wait = snic_fw_vport_tx_wait_ns(s->fw, p->vport);

			if (wait) {
				port_throttle(s, p, wait);
				break;
			}
		}

		/* MSG_TRUNC: the frame's real length, to tell a frame larger
		 * than our buffer (a GSO super-frame on AF_PACKET) from one
		 * that fits */
		len = p->kind == SIM_PORT_PACKET ?
			recv(p->fd, s->frame, sizeof(s->frame), MSG_TRUNC) :
			read(p->fd, s->frame, sizeof(s->frame));
		if (len < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			p->rx_errors++;
			/* the device is gone; other errors (ENETDOWN while an
			 * interface comes up, ENOBUFS...) pass */
			if (errno == EBADFD || errno == ENODEV || errno == ENXIO ||
			    errno == EIO)
				port_lost(s, p, errno);
			break;
		}
		n++;
		if (len == 0)
			continue;
		if ((size_t)len > sizeof(s->frame)) {
			/* larger than any frame the NIC takes (a GSO super-frame
			 * on an interface with offloads on): dropped, never
			 * passed on truncated */
			if (p->rx_too_big++ == 0)
				sim_log(s, SNIC_FW_LOG_WARN, "%s: %zd-byte frame on %s "
					"dropped: turn off GRO/GSO/TSO there (ethtool -K "
					"%s gro off gso off tso off)", p->label, len,
					p->ifname, p->ifname);
			continue;
		}
		p->rx++;
		p->rx_bytes += (uint64_t)len;
		capture(p, s->frame, (uint32_t)len);
		snic_fw_rx(s->fw, p->vport, s->frame, (uint32_t)len);
	}
	return n;
}

void sim_port_send(struct sim *s, struct sim_port *p, const uint8_t *frame,
		   uint32_t len)
{
	(void)s;
	if (p->fd < 0) {
		p->tx_errors++;
		return;
	}
	capture(p, frame, len);
	if (write(p->fd, frame, len) != (ssize_t)len) {
		/* a TAP nobody reads, or down: the frame is lost, as on a wire */
		p->tx_errors++;
		return;
	}
	p->tx++;
	p->tx_bytes += len;
}

void sim_port_set_carrier(struct sim *s, struct sim_port *p, bool up)
{
	int on = up;

	if (p->kind != SIM_PORT_TAP || p->carrier == up)
		return;
	if (ioctl(p->fd, TUNSETCARRIER, &on) < 0) {
		sim_log(s, SNIC_FW_LOG_WARN, "%s: cannot set carrier of %s: %s",
			p->label, p->ifname, strerror(errno));
		return;
	}
	p->carrier = up;
	sim_log(s, SNIC_FW_LOG_INFO, "%s: link %s", p->label, up ? "up" : "down");
}

int sim_port_capture(struct sim *s, struct sim_port *p, const char *path,
		     char *err, size_t errlen)
{
	if (p->cap.f) {
		snic_pcap_close(&p->cap);
		sim_log(s, SNIC_FW_LOG_INFO, "%s: capture to %s stopped", p->label,
			p->cap_path);
		p->cap_path[0] = '\0';
	}
	if (!path || !strcmp(path, "off"))
		return 0;
	if (snic_pcap_create(&p->cap, path, SNIC_PCAP_LINKTYPE_ETHERNET)) {
		snprintf(err, errlen, "%s: cannot write capture %s: %s", p->label,
			 path, strerror(errno));
		return -1;
	}
	snprintf(p->cap_path, sizeof(p->cap_path), "%s", path);
	sim_log(s, SNIC_FW_LOG_INFO, "%s: capturing to %s", p->label, path);
	return 0;
}
