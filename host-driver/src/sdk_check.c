/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sdk_check.c - proves the DPDK driver-SDK headers work.
 *
 * Debian's libdpdk-dev does not ship the headers a poll-mode driver is built
 * against; scripts/setup.sh installs them from the Debian source package of
 * the installed DPDK version (/opt/snic/dpdk-sdk/).  This file includes every
 * one of them and touches the driver-side types net_snic will use, so the
 * build fails here, early and clearly, if the SDK is missing or broken.  It
 * registers nothing.
 */
#include <stddef.h>

#include <bus_driver.h>
#include <bus_vdev_driver.h>
#include <dev_driver.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_flow_driver.h>

#include "sdk_check.h"

/* The driver-side structures are complete types with the members a PMD
 * fills in. */
_Static_assert(sizeof(struct rte_eth_dev) > 0, "rte_eth_dev");
_Static_assert(offsetof(struct rte_eth_dev, dev_ops) < sizeof(struct rte_eth_dev), "rte_eth_dev.dev_ops");
_Static_assert(offsetof(struct eth_dev_ops, flow_ops_get) < sizeof(struct eth_dev_ops), "eth_dev_ops.flow_ops_get");
_Static_assert(offsetof(struct rte_flow_ops, create) < sizeof(struct rte_flow_ops), "rte_flow_ops.create");
_Static_assert(offsetof(struct rte_vdev_driver, probe) < sizeof(struct rte_vdev_driver), "rte_vdev_driver.probe");
_Static_assert(offsetof(struct rte_device, devargs) < sizeof(struct rte_device), "rte_device.devargs");
_Static_assert(offsetof(struct rte_bus, scan) < sizeof(struct rte_bus), "rte_bus.scan");

size_t snic_dpdk_sdk_check(void)
{
	return sizeof(struct rte_eth_dev) + sizeof(struct eth_dev_ops) +
	       sizeof(struct rte_flow_ops) + sizeof(struct rte_vdev_driver) +
	       sizeof(struct rte_device) + sizeof(struct rte_bus);
}
