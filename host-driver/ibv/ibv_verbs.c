/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ibv_verbs.c - snic_ibv_verbs_ops: the real libibverbs backend.  The only
 * file of snic_ibv that includes <infiniband/verbs.h>.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <infiniband/verbs.h>

#include "snic_ibv.h"

struct vlist {
	struct ibv_device **devs;
	int n;
};

/* libibverbs returns positive errno values, or -1 with errno set. */
static int verbs_rc(int rc)
{
	if (rc > 0)
		return -rc;
	return errno ? -errno : -EIO;
}

static int v_list(void *ctx, void **list, int *n)
{
	struct vlist *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	errno = 0;
	l->devs = ibv_get_device_list(&l->n);
	if (!l->devs) {
		/* ENOSYS: no /sys/class/infiniband_verbs (no kernel support). */
		int e = errno ? -errno : -ENOSYS;

		free(l);
		return e;
	}
	*list = l;
	*n = l->n;
	return 0;
}

static const char *v_dev_name(void *list, int i)
{
	struct vlist *l = list;

	return i >= 0 && i < l->n ? ibv_get_device_name(l->devs[i]) : NULL;
}

static int v_open(void *list, int i, void **dev)
{
	struct vlist *l = list;
	struct ibv_context *c;

	if (i < 0 || i >= l->n)
		return -EINVAL;
	errno = 0;
	c = ibv_open_device(l->devs[i]);
	if (!c)
		return errno ? -errno : -EIO;
	*dev = c;
	return 0;
}

static int v_query_device(void *dev, struct snic_ibv_dev_attr *a)
{
	struct ibv_device_attr da;
	int rc;

	memset(&da, 0, sizeof(da));
	errno = 0;
	rc = ibv_query_device(dev, &da);
	if (rc)
		return verbs_rc(rc);
	memset(a, 0, sizeof(*a));
	memcpy(a->fw_ver, da.fw_ver, sizeof(a->fw_ver) - 1);
	a->node_guid = be64toh(da.node_guid);
	a->vendor_id = da.vendor_id;
	a->vendor_part_id = da.vendor_part_id;
	a->hw_ver = da.hw_ver;
	a->phys_port_cnt = da.phys_port_cnt;
	return 0;
}

static int v_query_port(void *dev, unsigned port, struct snic_ibv_port_attr *a)
{
	struct ibv_port_attr pa;
	int rc;

	if (port < 1 || port > 255)
		return -EINVAL;
	memset(&pa, 0, sizeof(pa));
	errno = 0;
	rc = ibv_query_port(dev, (uint8_t)port, &pa);
	if (rc)
		return verbs_rc(rc);
	memset(a, 0, sizeof(*a));
	a->state = (uint8_t)pa.state;
	a->phys_state = pa.phys_state;
	a->active_speed = pa.active_speed;
	a->active_width = pa.active_width;
	a->link_layer = pa.link_layer;
	a->active_mtu = (uint8_t)pa.active_mtu;
	a->lid = pa.lid;
	return 0;
}

static void v_close(void *dev)
{
	ibv_close_device(dev);
}

static void v_free_list(void *list)
{
	struct vlist *l = list;

	ibv_free_device_list(l->devs);
	free(l);
}

const struct snic_ibv_ops snic_ibv_verbs_ops = {
	.name = "libibverbs",
	.list = v_list,
	.dev_name = v_dev_name,
	.open = v_open,
	.query_device = v_query_device,
	.query_port = v_query_port,
	.close = v_close,
	.free_list = v_free_list,
};
