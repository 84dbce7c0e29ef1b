/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * eal_smoke.c - the real DPDK EAL starts and stops on this box.
 *
 * Runs rte_eal_init() the way every snic test runs DPDK (no hugepages, no
 * shared config, no PCI, one lcore, 128 MB; several such processes may run
 * at once), checks that no ethdev port exists without a --vdev, and cleans
 * up.  Linked against snic_dpdk_sdk, so it also proves the driver-SDK flags
 * link into a working program (under ASan/UBSan in CI).
 */
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "sdk_check.h"
#include "snic_test.h"

int main(int argc, char **argv)
{
	char *eal_argv[] = {
		argv[0],     "--no-huge", "--no-shconf", "--no-pci",
		"-l",        "0",         "-m",          "128",
		"--log-level=lib.eal:error",
	};
	int eal_argc = (int)(sizeof(eal_argv) / sizeof(eal_argv[0]));
	int rc;

	SNIC_CHECK(snic_dpdk_sdk_check() > 0, "driver-SDK structures have a size");

	rc = rte_eal_init(eal_argc, eal_argv);
	SNIC_REQUIRE(rc >= 0, "rte_eal_init failed: %s (rte_errno %d)",
		     rte_strerror(rte_errno), rte_errno);
	SNIC_CHECK_EQ(rc, eal_argc - 1, "EAL arguments consumed");
	SNIC_CHECK_EQ(rte_eal_process_type(), RTE_PROC_PRIMARY, "process type");
	SNIC_CHECK_EQ(rte_lcore_count(), 1, "lcores");
	SNIC_CHECK_EQ(rte_eth_dev_count_avail(), 0, "ethdev ports without --vdev");
	SNIC_CHECK_EQ(rte_eal_cleanup(), 0, "rte_eal_cleanup");
	return snic_test_done();
}
