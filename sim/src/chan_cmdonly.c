/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * chan_cmdonly.c - the NIC side of command-only attachments of the device
 * channel (sim/include/snic_chan.h): up to SNIC_CHAN_MAX_CMD_HOSTS tools
 * (snic-sriov, snicctl...) that configure the NIC through firmware commands
 * while the data host (the net_snic PMD) owns the queues, or while nobody
 * does.
 *
 * Each has its own memory (the header and the command slots), its own
 * doorbell and interrupt eventfd, and the same sleeping protocol as the data
 * host; its slots are served by sim_chan_serve_slots() exactly as the data
 * host's (copied before the firmware sees them, executed as the PF).  Its
 * socket and doorbell are in the loop's epoll with index i + 1 (the data
 * host is 0).  When its socket closes the memory and the eventfds go, and
 * with them whatever command it had in flight: a reply nobody reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim.h"
#include "snic_chan_layout.h"

#define LOAD(p)     atomic_load_explicit((_Atomic uint32_t *)(p), memory_order_acquire)
#define STORE(p, v) atomic_store_explicit((_Atomic uint32_t *)(p), (v), memory_order_release)

static void put_fds(struct sim_cmd_host *h)
{
	if (h->conn_fd >= 0)
		close(h->conn_fd);
	if (h->doorbell_fd >= 0)
		close(h->doorbell_fd);
	if (h->irq_fd >= 0)
		close(h->irq_fd);
	if (h->mem)
		munmap(h->mem, h->mem_size);
	memset(h, 0, sizeof(*h));
	h->conn_fd = h->doorbell_fd = h->irq_fd = -1;
}

/* "4 command-only hosts are attached (pids 1 2 3 4)" */
static void busy_message(const struct sim_chan *ch, char *msg, size_t len)
{
	int n = snprintf(msg, len, "%u command-only hosts are attached (pids",
			 SNIC_CHAN_MAX_CMD_HOSTS);

	for (uint32_t i = 0; i < SNIC_CHAN_MAX_CMD_HOSTS && n > 0 && (size_t)n < len; i++)
		n += snprintf(msg + n, len - (size_t)n, " %d", (int)ch->cmdh[i].pid);
	if (n > 0 && (size_t)n < len)
		snprintf(msg + n, len - (size_t)n, ")");
}

void sim_cmdh_attach(struct sim *s, int fd, pid_t pid)
{
	struct sim_chan *ch = &s->ch;
	struct sim_cmd_host *h = NULL;
	struct snic_chan_shm hdr;
	char msg[104];
	int memfd = -1, fds[3];
	uint64_t size;
	uint32_t i;

	for (i = 0; i < SNIC_CHAN_MAX_CMD_HOSTS; i++)
		if (!ch->cmdh[i].on) {
			h = &ch->cmdh[i];
			break;
		}
	if (!h) {
		busy_message(ch, msg, sizeof(msg));
		sim_chan_welcome(fd, SNIC_CHAN_BUSY, 0, NULL, 0, msg);
		ch->cmd_refused++;
		sim_log(s, SNIC_FW_LOG_WARN, "refused command-only host pid %d: %s",
			(int)pid, msg);
		close(fd);
		return;
	}
	h->conn_fd = h->doorbell_fd = h->irq_fd = -1;

	size = snic_chan_layout_cmd(&hdr, s->board->n_vfs);
	memfd = memfd_create("snic-chan-cmd", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (!size || memfd < 0 || ftruncate(memfd, (off_t)size) != 0 ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0)
		goto nomem;
	h->mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (h->mem == MAP_FAILED) {
		h->mem = NULL;
		goto nomem;
	}
	h->mem_size = size;
	h->shm = (struct snic_chan_shm *)h->mem;
	memcpy(h->shm, &hdr, sizeof(hdr));
	h->cmds = (struct snic_chan_cmd *)(h->mem + hdr.cmd_off);   /* ours */
	memcpy(&h->shm->stats, &s->stats, sizeof(s->stats));
	h->doorbell_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	h->irq_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (h->doorbell_fd < 0 || h->irq_fd < 0)
		goto nomem;
	if (sim_epoll_add(s, fd, SIM_TAG(SIM_TAG_CONN, i + 1)) != 0)
		goto nomem;
	if (sim_epoll_add(s, h->doorbell_fd, SIM_TAG(SIM_TAG_DOORBELL, i + 1)) != 0) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
		goto nomem;
	}
	fds[0] = memfd;
	fds[1] = h->doorbell_fd;
	fds[2] = h->irq_fd;
	sim_chan_welcome(fd, SNIC_CHAN_OK, size, fds, 3, NULL);
	close(memfd);
	h->on = true;
	h->conn_fd = fd;
	h->pid = pid;
	ch->cmd_attaches++;
	sim_log(s, SNIC_FW_LOG_INFO, "command-only host attached (pid %d), place %u of %u",
		(int)pid, i + 1, SNIC_CHAN_MAX_CMD_HOSTS);
	return;

nomem:
	snprintf(msg, sizeof(msg), "snic-sim could not create the shared memory: %s",
		 strerror(errno));
	sim_chan_welcome(fd, SNIC_CHAN_NOMEM, 0, NULL, 0, msg);
	if (memfd >= 0)
		close(memfd);
	put_fds(h);
	close(fd);
}

void sim_cmdh_detach(struct sim *s, uint32_t i, const char *why)
{
	struct sim_cmd_host *h;
	uint64_t n;
	pid_t pid;

	if (i >= SNIC_CHAN_MAX_CMD_HOSTS || !s->ch.cmdh[i].on)
		return;
	h = &s->ch.cmdh[i];
	pid = h->pid;
	n = h->commands;
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, h->conn_fd, NULL);
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, h->doorbell_fd, NULL);
	put_fds(h);
	sim_log(s, SNIC_FW_LOG_INFO, "command-only host detached (pid %d, %llu commands): %s",
		(int)pid, (unsigned long long)n, why);
}

void sim_cmdh_detach_all(struct sim *s, const char *why)
{
	for (uint32_t i = 0; i < SNIC_CHAN_MAX_CMD_HOSTS; i++)
		sim_cmdh_detach(s, i, why);
}

int sim_cmdh_poll(struct sim *s, uint32_t i)
{
	struct sim_cmd_host *h = &s->ch.cmdh[i];
	int work;

	if (!h->on)
		return 0;
	work = sim_chan_serve_slots(s, h->cmds);
	if (work) {
		h->commands += (uint64_t)work;
		h->irq_pending = true;
	}
	return work;
}

void sim_cmdh_kick(struct sim *s)
{
	uint64_t one = 1;
	bool fenced = false;

	for (uint32_t i = 0; i < SNIC_CHAN_MAX_CMD_HOSTS; i++) {
		struct sim_cmd_host *h = &s->ch.cmdh[i];

		if (!h->on || !h->irq_pending)
			continue;
		h->irq_pending = false;
		if (!fenced) {
			/* the DONE stores before the hosts' flags (Dekker) */
			atomic_thread_fence(memory_order_seq_cst);
			fenced = true;
		}
		if (LOAD(&h->shm->host_sleeping.v))
			(void)!write(h->irq_fd, &one, sizeof(one));
	}
}

void sim_cmdh_sleep(struct sim *s, bool sleeping)
{
	bool any = false;

	for (uint32_t i = 0; i < SNIC_CHAN_MAX_CMD_HOSTS; i++) {
		struct sim_cmd_host *h = &s->ch.cmdh[i];

		if (h->on) {
			STORE(&h->shm->nic_sleeping.v, sleeping);
			any = true;
		}
	}
	if (any)
		atomic_thread_fence(memory_order_seq_cst);
}

void sim_cmdh_sync_stats(struct sim *s)
{
	for (uint32_t i = 0; i < SNIC_CHAN_MAX_CMD_HOSTS; i++) {
		struct sim_cmd_host *h = &s->ch.cmdh[i];

		if (!h->on)
			continue;
		memcpy(&h->shm->stats, &s->stats, sizeof(s->stats));
		h->shm->heartbeat.v++;
	}
}

void sim_cmdh_status(struct sim *s, char *buf, size_t len)
{
	const struct sim_chan *ch = &s->ch;
	unsigned on = 0;
	size_t n;

	for (uint32_t i = 0; i < SNIC_CHAN_MAX_CMD_HOSTS; i++)
		on += ch->cmdh[i].on;
	snprintf(buf, len, "cmdhosts attached=%u max=%u attaches=%llu refused=%llu\n",
		 on, SNIC_CHAN_MAX_CMD_HOSTS, (unsigned long long)ch->cmd_attaches,
		 (unsigned long long)ch->cmd_refused);
	for (uint32_t i = 0; i < SNIC_CHAN_MAX_CMD_HOSTS; i++) {
		const struct sim_cmd_host *h = &ch->cmdh[i];

		n = strlen(buf);
		if (h->on && n < len)
			snprintf(buf + n, len - n, "cmdhost pid=%d commands=%llu\n",
				 (int)h->pid, (unsigned long long)h->commands);
	}
}
