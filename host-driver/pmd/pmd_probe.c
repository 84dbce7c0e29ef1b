/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pmd_probe.c - the net_snic vdev driver: devargs, attaching to the NIC,
 * creating the uplink port and the VF representor ports.
 *
 *   --vdev net_snic0,dev=/run/snic/snic0.sock,representor=vf[0-3]
 *
 * dev=          the NIC's device channel socket (snic-sim --socket); required
 * representor=  VF representor ports to create, in DPDK's representor syntax
 *               (vf2, vf[0-3], vf[0,2-3]); none by default
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bus_vdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>
#include <libfdt.h>

#include "snic_pmd.h"

RTE_LOG_REGISTER_DEFAULT(snic_pmd_logtype, NOTICE);

#define ARG_DEV         "dev"
#define ARG_REPRESENTOR "representor"
#define ARG_RECOVER     "flow_recover"

static const char *const valid_args[] = { ARG_DEV, ARG_REPRESENTOR, ARG_RECOVER, NULL };

/* flow_recover=flush|adopt|refuse: steering a crashed instance left. */
static int take_recover(const char *key, const char *value, void *opaque)
{
	struct snic_pmd_nic *nic = opaque;

	(void)key;
	if (!strcmp(value, "flush"))
		nic->flow_recover = SNIC_FLOW_RECOVER_FLUSH;
	else if (!strcmp(value, "adopt"))
		nic->flow_recover = SNIC_FLOW_RECOVER_ADOPT;
	else if (!strcmp(value, "refuse"))
		nic->flow_recover = SNIC_FLOW_RECOVER_REFUSE;
	else
		return -EINVAL;
	return 0;
}

static int take_path(const char *key, const char *value, void *opaque)
{
	struct snic_pmd_nic *nic = opaque;

	(void)key;
	if (strlen(value) >= sizeof(nic->path))
		return -ENAMETOOLONG;
	snprintf(nic->path, sizeof(nic->path), "%s", value);
	return 0;
}

static int port_init(struct snic_pmd_nic *nic, struct rte_eth_dev *dev,
		     uint16_t vport, bool proxy)
{
	struct snic_pmd_port *p = dev->data->dev_private;
	struct snic_ifc_query_vport_out q;
	int qi = snic_drv_chan_queue_of(nic->chan, vport);
	char err[256];

	if (qi < 0) {
		SNIC_PMD_LOG(ERR, "%s: the NIC has no queue for vport 0x%x", nic->name, vport);
		return -ENODEV;
	}
	p->nic = nic;
	p->dev = dev;
	p->vport = vport;
	p->queue = (uint32_t)qi;
	p->proxy = proxy;
	p->rxq.port = p;
	p->txq.port = p;
	dev->data->mac_addrs = rte_zmalloc("net_snic_mac", sizeof(struct rte_ether_addr), 0);
	if (!dev->data->mac_addrs)
		return -ENOMEM;
	if (snic_fwc_query_vport(&nic->fwc, vport, &q) != SNIC_SYN_OK) {
		SNIC_PMD_LOG(ERR, "%s: QUERY_VPORT 0x%x: %s", nic->name, vport,
			     snic_fwc_strerror(&nic->fwc, err, sizeof(err)));
		return -EIO;
	}
	/* the representor's own address: the vport's, with the locally
	 * administered bit flipped for VFs so it differs from the VF's */
	memcpy(dev->data->mac_addrs[0].addr_bytes, q.ctx.mac, 6);
	if (!proxy)
		dev->data->mac_addrs[0].addr_bytes[0] ^= 0x04;
	dev->dev_ops = &snic_pmd_ops;
	dev->rx_pkt_burst = snic_pmd_rx_burst;
	dev->tx_pkt_burst = snic_pmd_tx_burst;
	dev->data->promiscuous = 1;
	dev->data->all_multicast = 1;
	dev->data->dev_link.link_speed = nic->uplink_speed;
	dev->data->dev_link.link_duplex = RTE_ETH_LINK_FULL_DUPLEX;
	dev->data->dev_link.link_autoneg = RTE_ETH_LINK_FIXED;
	dev->data->dev_link.link_status = q.link_up ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN;
	nic->ports[nic->n_ports++] = dev;
	nic->n_open++;
	return 0;
}

static int make_representor(struct snic_pmd_nic *nic, struct rte_vdev_device *vdev,
			    uint16_t proxy_port, uint16_t vf)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	struct rte_eth_dev *dev;
	int r;

	snprintf(name, sizeof(name), "%.40s_representor_vf%u", nic->name, vf);
	dev = rte_eth_dev_allocate(name);
	if (!dev) {
		SNIC_PMD_LOG(ERR, "%s: cannot allocate port %s", nic->name, name);
		return -ENOMEM;
	}
	dev->data->dev_private = rte_zmalloc_socket(name, sizeof(struct snic_pmd_port),
						    RTE_CACHE_LINE_SIZE,
						    rte_socket_id());
	if (!dev->data->dev_private) {
		rte_eth_dev_release_port(dev);
		return -ENOMEM;
	}
	dev->device = &vdev->device;
	dev->data->dev_flags |= RTE_ETH_DEV_REPRESENTOR;
	dev->data->representor_id = vf;
	dev->data->backer_port_id = proxy_port;
	r = port_init(nic, dev, SNIC_IFC_VPORT_VF(vf), false);
	if (r) {
		rte_eth_dev_release_port(dev);
		return r;
	}
	rte_eth_dev_probing_finish(dev);
	return 0;
}

static void nic_free(struct snic_pmd_nic *nic)
{
	snic_pmd_flow_detach(nic);
	pthread_mutex_destroy(&nic->lock);
	if (nic->chan)
		snic_drv_chan_close(nic->chan);
	if (nic->domain_id != RTE_ETH_DEV_SWITCH_DOMAIN_ID_INVALID)
		rte_eth_switch_domain_free(nic->domain_id);
	rte_free(nic);
}

void snic_pmd_nic_put(struct snic_pmd_nic *nic)
{
	if (--nic->n_open == 0) {
		SNIC_PMD_LOG(INFO, "%s: last port closed, detaching from %s",
			     nic->name, nic->path);
		nic_free(nic);
	}
}

/* Close every port of the NIC; the last close frees it, so work on a copy. */
static void close_all(struct snic_pmd_nic *nic)
{
	uint16_t ids[SNIC_PMD_MAX_PORTS];
	unsigned n = 0;

	for (unsigned k = 0; k < nic->n_ports; k++)
		if (nic->ports[k] && nic->ports[k]->state != RTE_ETH_DEV_UNUSED)
			ids[n++] = nic->ports[k]->data->port_id;
	while (n-- > 0) {
		rte_eth_dev_stop(ids[n]);
		rte_eth_dev_close(ids[n]);
	}
}

/* Uplink 0's speed from the NIC's capabilities (Mbit/s), 0 if unknown. */
static uint32_t uplink_speed(struct snic_pmd_nic *nic)
{
	const void *fdt;
	uint32_t len;
	int off, l;
	const fdt32_t *v;

	if (snic_fwc_query_caps(&nic->fwc, &fdt, &len) != SNIC_SYN_OK ||
	    fdt_check_full(fdt, len) != 0)
		return 0;
	off = fdt_path_offset(fdt, "/ports/uplink@0");
	v = off >= 0 ? fdt_getprop(fdt, off, "speed-mbps", &l) : NULL;
	return v && l == 4 ? fdt32_ld(v) : 0;
}

static int snic_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	const char *args = rte_vdev_device_args(vdev);
	struct rte_kvargs *kv = NULL;
	struct rte_eth_devargs da;
	struct snic_pmd_nic *nic;
	struct rte_eth_dev *proxy;
	char err[256];
	int r = 0;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		SNIC_PMD_LOG(ERR, "%s: secondary processes are not supported", name);
		return -ENOTSUP;
	}
	nic = rte_zmalloc("net_snic", sizeof(*nic), RTE_CACHE_LINE_SIZE);
	if (!nic)
		return -ENOMEM;
	nic->domain_id = RTE_ETH_DEV_SWITCH_DOMAIN_ID_INVALID;
	pthread_mutex_init(&nic->lock, NULL);
	snprintf(nic->name, sizeof(nic->name), "%s", name);
	kv = rte_kvargs_parse(args ? args : "", valid_args);
	if (!kv) {
		SNIC_PMD_LOG(ERR, "%s: cannot parse devargs '%s' (known: dev=<socket>, "
			     "representor=vf[...], flow_recover=flush|adopt|refuse)",
			     name, args ? args : "");
		r = -EINVAL;
		goto fail;
	}
	if (rte_kvargs_count(kv, ARG_DEV) != 1 ||
	    rte_kvargs_process(kv, ARG_DEV, take_path, nic) != 0) {
		SNIC_PMD_LOG(ERR, "%s: devarg dev=<device channel socket of the NIC, "
			     "e.g. /run/snic/snic0.sock> is required, once", name);
		r = -EINVAL;
		goto fail;
	}
	nic->flow_recover = SNIC_FLOW_RECOVER_FLUSH;
	if (rte_kvargs_count(kv, ARG_RECOVER) > 1 ||
	    rte_kvargs_process(kv, ARG_RECOVER, take_recover, nic) != 0) {
		SNIC_PMD_LOG(ERR, "%s: devarg flow_recover= takes flush (the default: "
			     "remove rules a crashed instance left), adopt (keep them "
			     "until re-created) or refuse, once", name);
		r = -EINVAL;
		goto fail;
	}
	memset(&da, 0, sizeof(da));
	if (rte_kvargs_count(kv, ARG_REPRESENTOR) &&
	    (rte_eth_devargs_parse(args, &da) != 0 || da.type != RTE_ETH_REPRESENTOR_VF ||
	     da.nb_mh_controllers > 1 || da.nb_ports > 1)) {
		SNIC_PMD_LOG(ERR, "%s: representor= takes VF representors of PF 0 "
			     "(vf2, vf[0-3], vf[0,2-3]); got '%s'", name, args);
		r = -EINVAL;
		goto fail;
	}
	if (snic_drv_chan_open(nic->path, &nic->chan, err, sizeof(err)) != 0) {
		SNIC_PMD_LOG(ERR, "%s: %s", name, err);
		r = -ENODEV;
		goto fail;
	}
	snic_drv_chan_fwc_init(nic->chan, &nic->fwc);
	nic->n_vfs = snic_drv_chan_n_vfs(nic->chan);
	/* representors need the e-switch in switchdev mode (with mlx5 an
	 * operator does this with devlink before DPDK starts; net_snic is the
	 * e-switch manager's driver and does it itself) */
	if (snic_fwc_set_esw_mode(&nic->fwc, SNIC_ESW_SWITCHDEV) != SNIC_SYN_OK) {
		SNIC_PMD_LOG(ERR, "%s: cannot put the e-switch of %s in switchdev mode: %s",
			     name, nic->path, snic_fwc_strerror(&nic->fwc, err, sizeof(err)));
		r = -EIO;
		goto fail;
	}
	nic->uplink_speed = uplink_speed(nic);
	for (uint16_t i = 0; i < da.nb_representor_ports; i++) {
		if (da.representor_ports[i] >= nic->n_vfs) {
			SNIC_PMD_LOG(ERR, "%s: representor vf%u does not exist: the NIC "
				     "at %s has %u VFs", name, da.representor_ports[i],
				     nic->path, nic->n_vfs);
			r = -EINVAL;
			goto fail;
		}
	}
	r = rte_eth_switch_domain_alloc(&nic->domain_id);
	if (r) {
		SNIC_PMD_LOG(ERR, "%s: no switch domain left", name);
		goto fail;
	}
	proxy = rte_eth_vdev_allocate(vdev, sizeof(struct snic_pmd_port));
	if (!proxy) {
		r = -ENOMEM;
		goto fail;
	}
	r = port_init(nic, proxy, SNIC_IFC_VPORT_UPLINK(0), true);
	if (r) {
		rte_eth_dev_release_port(proxy);
		goto fail;
	}
	rte_eth_dev_probing_finish(proxy);
	for (uint16_t i = 0; i < da.nb_representor_ports; i++) {
		r = make_representor(nic, vdev, proxy->data->port_id,
				     da.representor_ports[i]);
		if (r) {
			/* undo: close what exists; the last close frees the NIC */
			close_all(nic);
			rte_kvargs_free(kv);
			return r;
		}
	}
	snic_pmd_flow_attach(nic);
	SNIC_PMD_LOG(INFO, "%s: attached to %s: uplink port %u and %u VF representor(s)",
		     name, nic->path, proxy->data->port_id, da.nb_representor_ports);
	rte_kvargs_free(kv);
	return 0;
fail:
	rte_kvargs_free(kv);
	nic_free(nic);
	return r;
}

static int snic_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *proxy = rte_eth_dev_allocated(rte_vdev_device_name(vdev));
	struct snic_pmd_nic *nic;

	if (!proxy)
		return 0;       /* closed already */
	nic = ((struct snic_pmd_port *)proxy->data->dev_private)->nic;
	close_all(nic);
	return 0;
}

static struct rte_vdev_driver snic_vdev_driver = {
	.probe = snic_probe,
	.remove = snic_remove,
};

RTE_PMD_REGISTER_VDEV(SNIC_PMD_DRIVER, snic_vdev_driver);
RTE_PMD_REGISTER_PARAM_STRING(SNIC_PMD_DRIVER,
			      ARG_DEV "=<device channel socket> "
			      ARG_REPRESENTOR "=vf[<list>] "
			      ARG_RECOVER "=flush|adopt|refuse");
