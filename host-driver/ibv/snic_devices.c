/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic-devices - list the RDMA devices (ConnectX and others) of this machine
 * through libibverbs and sysfs (snic_ibv.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic_ibv.h"

static void usage(FILE *f)
{
	fputs(
"usage: snic-devices [--json] [--sysfs ROOT]\n"
"\n"
"List the RDMA devices libibverbs sees (ConnectX and others) with what sysfs\n"
"adds: PCI address, model, firmware, netdevs, SR-IOV VFs (numvfs/totalvfs),\n"
"and per port the state, physical state, link layer, rate and netdev.\n"
"With none, says so plainly and exits 0.\n"
"\n"
"  --json        one JSON object: backend, sysfs, devices[] (name,\n"
"                pci_address, connectx, model, vf, pf_pci_address, fw_ver,\n"
"                vendor_id, vendor_part_id, hw_ver, node_guid, pci_id,\n"
"                board_id, netdevs[], sriov {total_vfs, num_vfs} | null,\n"
"                ports[] {port, state, phys_state, link_layer, width, speed,\n"
"                rate_mbps, mtu, lid, netdev} or {port, error, netdev},\n"
"                error), sysfs_only[], errors, message (null when devices\n"
"                were found)\n"
"  --sysfs ROOT  read sysfs under ROOT instead of /sys (libibverbs itself\n"
"                always uses /sys)\n"
"  -h, --help    this text\n"
"\n"
"Exit status: 0 listed (or none found); 1 a device had errors (printed on\n"
"stderr, naming the file or verb), or sysfs shows devices libibverbs cannot\n"
"use; 2 usage; 3 libibverbs could not list devices.\n", f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = "/sys";
	struct snic_ibv_report *r;
	bool json = false;
	char err[512];
	int c, rc, status = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 's':
			root = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "snic-devices: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}

	rc = snic_ibv_discover(root, NULL, NULL, &r, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "snic-devices: %s\n", err);
		return 3;
	}
	rc = json ? snic_ibv_write_json(r, stdout) : snic_ibv_write_table(r, stdout);
	for (unsigned i = 0; i < r->n_devs; i++)
		if (r->devs[i].n_errors) {
			fprintf(stderr, "snic-devices: %s: %s\n", r->devs[i].name,
				r->devs[i].error);
			status = 1;
		}
	if (r->n_sysfs_only)
		status = 1;
	snic_ibv_report_free(r);
	if (rc < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "snic-devices: writing the output: %s\n", strerror(EIO));
		return 1;
	}
	return status;
}
