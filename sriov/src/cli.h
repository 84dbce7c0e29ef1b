/* SPDX-License-Identifier: BSD-3-Clause */
/* cli.h - snic-sriov's command line (cli.c) and its output (cli_print.c). */
#ifndef SRIOV_CLI_H
#define SRIOV_CLI_H

#include "snic_sriov.h"

#define CLI_MAX_NICS 64

struct cli_names {
	unsigned n;
	char name[CLI_MAX_NICS][128];
};

void cli_list_begin(bool json);
void cli_list_end(bool json, unsigned n_nics);
/* One NIC with its VFs (JSON: collected, printed by cli_list_end). */
int cli_print_nic(struct snic_sriov_dev *d, bool json, struct snic_sriov_err *e);
int cli_print_eswitch(struct snic_sriov_dev *d, bool json);
int cli_print_representors(struct snic_sriov_dev *d, bool json);
void cli_print_attach(const struct snic_sriov_attach_out *out, bool json);

#endif
