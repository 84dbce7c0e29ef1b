/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * plugin_app.c - a minimal DPDK program that knows nothing of net_snic: it
 * is built against Debian's libdpdk only.  Whatever drivers the EAL loads
 * (-d) and probes (--vdev) it lists; with --rule it installs one transfer
 * rule on the first port that is a transfer proxy; with --crash it then
 * dies by SIGKILL, closing nothing (what the driver must recover from).
 *
 *   dpdk_plugin_app [EAL args] -- [--rule] [--crash]
 *
 * Prints one line per port:  port N name=... driver=... representor=0|1
 * switch=NAME domain=D; exit 0 when at least one port was found (and the
 * rule, if asked for, was created).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_flow.h>

int main(int argc, char **argv)
{
	int n = rte_eal_init(argc, argv), want_rule = 0, crash = 0, found = 0, rc = 0;
	uint16_t port;

	if (n < 0) {
		fprintf(stderr, "plugin_app: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 2;
	}
	for (int i = n + 1; i < argc; i++)
		if (!strcmp(argv[i], "--rule"))
			want_rule = 1;
		else if (!strcmp(argv[i], "--crash"))
			crash = 1;
	RTE_ETH_FOREACH_DEV(port) {
		struct rte_eth_dev_info di;
		char name[RTE_ETH_NAME_MAX_LEN];

		if (rte_eth_dev_info_get(port, &di) != 0 ||
		    rte_eth_dev_get_name_by_port(port, name) != 0)
			continue;
		printf("port %u name=%s driver=%s representor=%d switch=%s domain=%u\n",
		       port, name, di.driver_name,
		       (*di.dev_flags & RTE_ETH_DEV_REPRESENTOR) ? 1 : 0,
		       di.switch_info.name ? di.switch_info.name : "-",
		       di.switch_info.domain_id);
		found++;
	}
	if (want_rule && found) {
		uint16_t proxy = 0;
		struct rte_flow_error err = { 0 };
		struct rte_flow_attr attr = { .transfer = 1 };
		struct rte_flow_item pattern[] = {
			{ .type = RTE_FLOW_ITEM_TYPE_ETH },
			{ .type = RTE_FLOW_ITEM_TYPE_END },
		};
		struct rte_flow_action actions[] = {
			{ .type = RTE_FLOW_ACTION_TYPE_DROP },
			{ .type = RTE_FLOW_ACTION_TYPE_END },
		};
		struct rte_flow *f;

		RTE_ETH_FOREACH_DEV(port) {
			if (rte_flow_pick_transfer_proxy(port, &proxy, &err) == 0)
				break;
		}
		f = rte_flow_create(proxy, &attr, pattern, actions, &err);
		if (f) {
			printf("rule created on port %u\n", proxy);
		} else {
			printf("rule refused on port %u: %s\n", proxy,
			       err.message ? err.message : rte_strerror(rte_errno));
			rc = 1;
		}
	}
	if (crash) {
		fflush(stdout);
		raise(SIGKILL);
	}
	rte_eal_cleanup();
	return found ? rc : 1;
}
