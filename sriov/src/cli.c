/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cli.c - snic-sriov: the command line.  Parses the command, opens the NIC
 * (real or simulated: snic_sriov_open() decides) and prints what happened
 * (cli_print.c: text, or JSON with --json).  Exit status: 0 done, 1 the
 * device or the system refused (the message says why), 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: snic-sriov [options] COMMAND ...\n"
"\n"
"SR-IOV virtual functions on a real NIC (a PF: PCI address or netdev) or a\n"
"simulated one (a snic-sim: its name or channel socket), with one tool.\n"
"\n"
"Commands:\n"
"  list [NIC...]                 NICs and their VFs (every NIC when none named)\n"
"  enable NIC N                  enable N VFs (sriov_numvfs)\n"
"  disable NIC                   disable all VFs (refused while one is attached)\n"
"  eswitch NIC [legacy|switchdev]\n"
"                                show or set the e-switch mode\n"
"  representors NIC              the VF representors (pfXvfY) and their DPDK\n"
"                                port names and devargs\n"
"  set NIC VF SETTING...         configure a VF, settings as in `ip link set vf`:\n"
"                                  mac MAC  vlan VID [qos N]  spoofchk on|off\n"
"                                  trust on|off  min_tx_rate MBPS  max_tx_rate MBPS\n"
"                                  state auto|enable|disable\n"
"  attach NIC VF VM [--print] [--xml FILE]\n"
"                                give VF to VM.  Real VF: bind it to vfio-pci and\n"
"                                print the libvirt element and QEMU argument;\n"
"                                simulated VF: move its TAP into network\n"
"                                namespace VM (created when missing) with the\n"
"                                VF's MAC; --print only prints a QEMU/libvirt\n"
"                                snippet that uses the TAP.  --xml FILE also\n"
"                                writes the libvirt element to FILE\n"
"  detach NIC VF                 undo attach: the VF back to its host driver /\n"
"                                the TAP back to snic-sim's namespace\n"
"\n"
"Options:\n"
"  -j, --json            print JSON (list, eswitch, representors, attach)\n"
"      --sysfs DIR       sysfs root (default /sys; tests point it at a fake tree)\n"
"      --state-dir DIR   attachment records (default /run/snic/sriov)\n"
"      --run-dir DIR     where snic-sim sockets are (default /run/snic)\n"
"  -h, --help            this text\n"
"\n"
"Exit status: 0 done, 1 the device or system refused (the message says why),\n"
"2 a usage error.\n");
}

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "snic-sriov: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (snic-sriov --help)\n");
	return 2;
}

static int on_off(const char *s, bool *out)
{
	if (s && (!strcmp(s, "on") || !strcmp(s, "1") || !strcmp(s, "true"))) {
		*out = true;
		return 0;
	}
	if (s && (!strcmp(s, "off") || !strcmp(s, "0") || !strcmp(s, "false"))) {
		*out = false;
		return 0;
	}
	return -1;
}

/* The settings of `set` into cfg; 2 (printed) on a usage error. */
static int parse_settings(char **a, int n, struct snic_sriov_vf_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (int i = 0; i < n; i += 2) {
		const char *k = a[i], *v = i + 1 < n ? a[i + 1] : NULL;
		unsigned u;

		if (!v)
			return bad("set: '%s' needs a value", k);
		if (!strcmp(k, "mac")) {
			if (snic_sriov_parse_mac(v, cfg->mac))
				return bad("set: mac '%s': use six hex pairs, 02:00:00:00:00:01", v);
			cfg->set |= SNIC_SRIOV_SET_MAC;
		} else if (!strcmp(k, "vlan")) {
			if (parse_uint(v, 4094, &u))
				return bad("set: vlan '%s': use 0 (none) to 4094", v);
			cfg->vlan = (uint16_t)u;
			cfg->set |= SNIC_SRIOV_SET_VLAN;
		} else if (!strcmp(k, "qos")) {
			if (parse_uint(v, 7, &u))
				return bad("set: qos '%s': use 0 to 7", v);
			if (!(cfg->set & SNIC_SRIOV_SET_VLAN))
				return bad("set: qos %s: goes after vlan VID", v);
			cfg->qos = (uint8_t)u;
		} else if (!strcmp(k, "spoofchk") || !strcmp(k, "trust")) {
			bool b;

			if (on_off(v, &b))
				return bad("set: '%s' takes on or off", k);
			if (k[0] == 's') {
				cfg->spoofchk = b;
				cfg->set |= SNIC_SRIOV_SET_SPOOFCHK;
			} else {
				cfg->trust = b;
				cfg->set |= SNIC_SRIOV_SET_TRUST;
			}
		} else if (!strcmp(k, "min_tx_rate") || !strcmp(k, "max_tx_rate") ||
			   !strcmp(k, "rate")) {
			if (parse_uint(v, 1000000, &u))
				return bad("set: rate '%s': Mbit/s, 0 (no limit) to 1000000", v);
			if (!(cfg->set & SNIC_SRIOV_SET_RATE)) {
				/* the other one of the pair stays as it is: the
				 * caller fills it from the VF (see cmd_set) */
				cfg->min_rate = UINT32_MAX;
				cfg->max_rate = UINT32_MAX;
			}
			if (!strcmp(k, "min_tx_rate"))
				cfg->min_rate = u;
			else
				cfg->max_rate = u;
			cfg->set |= SNIC_SRIOV_SET_RATE;
		} else if (!strcmp(k, "state")) {
			if (!strcmp(v, "auto"))
				cfg->link_state = SNIC_SRIOV_LINK_AUTO;
			else if (!strcmp(v, "enable"))
				cfg->link_state = SNIC_SRIOV_LINK_ENABLE;
			else if (!strcmp(v, "disable"))
				cfg->link_state = SNIC_SRIOV_LINK_DISABLE;
			else
				return bad("set: state '%s': use auto, enable or disable", v);
			cfg->set |= SNIC_SRIOV_SET_LINK;
		} else {
			return bad("set: unknown setting '%s' (mac, vlan, qos, spoofchk, "
				   "trust, min_tx_rate, max_tx_rate, state)", k);
		}
	}
	if (!cfg->set)
		return bad("set: %s", "name at least one setting");
	return 0;
}

static int fail(const struct snic_sriov_err *e)
{
	fprintf(stderr, "snic-sriov: %s\n", e->msg);
	return 1;
}

struct ctx {
	struct snic_sriov_env env;
	bool json;
};

static int open_nic(struct ctx *c, const char *name, struct snic_sriov_dev **d)
{
	struct snic_sriov_err e = { "" };

	if (snic_sriov_open(name, &c->env, d, &e))
		return fail(&e);
	return 0;
}

static int add_name(void *arg, const char *name)
{
	struct cli_names *n = arg;

	if (n->n < CLI_MAX_NICS)
		snprintf(n->name[n->n++], sizeof(n->name[0]), "%s", name);
	return 0;
}

static int cmd_list(struct ctx *c, char **a, int n)
{
	struct cli_names names = { 0 };
	struct snic_sriov_err e = { "" };
	int rc = 0;

	if (n == 0 && snic_sriov_list_nics(&c->env, add_name, &names, &e))
		return fail(&e);
	for (int i = 0; i < n; i++)
		add_name(&names, a[i]);
	cli_list_begin(c->json);
	for (unsigned i = 0; i < names.n; i++) {
		struct snic_sriov_dev *d;

		if (open_nic(c, names.name[i], &d)) {
			rc = 1;
			continue;
		}
		if (cli_print_nic(d, c->json, &e))
			rc = fail(&e);
		snic_sriov_close(d);
	}
	cli_list_end(c->json, names.n);
	return rc;
}

static int cmd_set(struct ctx *c, struct snic_sriov_dev *d, unsigned vf, char **a, int n)
{
	struct snic_sriov_vf_cfg cfg;
	struct snic_sriov_err e = { "" };
	int r = parse_settings(a, n, &cfg);

	if (r)
		return r;
	(void)c;
	if ((cfg.set & SNIC_SRIOV_SET_RATE) &&
	    (cfg.min_rate == UINT32_MAX || cfg.max_rate == UINT32_MAX)) {
		struct snic_sriov_vf cur;

		if (snic_sriov_vf(d, vf, &cur, &e))
			return fail(&e);
		if (cfg.min_rate == UINT32_MAX)
			cfg.min_rate = cur.min_rate;
		if (cfg.max_rate == UINT32_MAX)
			cfg.max_rate = cur.max_rate;
	}
	if (snic_sriov_set_vf(d, vf, &cfg, &e))
		return fail(&e);
	return 0;
}

static int cmd_attach(struct ctx *c, struct snic_sriov_dev *d, unsigned vf, char **a, int n)
{
	struct snic_sriov_attach at = { .vm = NULL };
	struct snic_sriov_attach_out out;
	struct snic_sriov_err e = { "" };
	const char *xml = NULL;

	for (int i = 0; i < n; i++) {
		if (!strcmp(a[i], "--print"))
			at.mode = SNIC_SRIOV_ATTACH_PRINT;
		else if (!strcmp(a[i], "--xml") && i + 1 < n)
			xml = a[++i];
		else if (a[i][0] != '-' && !at.vm)
			at.vm = a[i];
		else
			return bad("attach: unexpected '%s'", a[i]);
	}
	if (!at.vm)
		return bad("attach: %s", "name the VM (NIC VF VM)");
	if (snic_sriov_attach(d, vf, &at, &out, &e))
		return fail(&e);
	if (xml) {
		FILE *f = fopen(xml, "w");

		if (!f || fprintf(f, "%s\n", out.libvirt_xml) < 0 || fclose(f)) {
			fprintf(stderr, "snic-sriov: attached, but cannot write %s: %s\n", xml,
				strerror(errno));
			return 1;
		}
	}
	cli_print_attach(&out, c->json);
	return 0;
}

static int run(struct ctx *c, char **a, int n)
{
	const char *cmd = a[0];
	struct snic_sriov_dev *d = NULL;
	struct snic_sriov_err e = { "" };
	unsigned vf = 0, num;
	int rc = 0;

	if (!strcmp(cmd, "list") || !strcmp(cmd, "show"))
		return cmd_list(c, a + 1, n - 1);
	if (strcmp(cmd, "enable") && strcmp(cmd, "disable") && strcmp(cmd, "eswitch") &&
	    strcmp(cmd, "representors") && strcmp(cmd, "set") && strcmp(cmd, "attach") &&
	    strcmp(cmd, "detach"))
		return bad("unknown command '%s'", cmd);
	if (n < 2)
		return bad("%s: name the NIC", cmd);
	if ((!strcmp(cmd, "set") || !strcmp(cmd, "attach") || !strcmp(cmd, "detach"))) {
		if (n < 3 || parse_uint(a[2], 65535, &vf))
			return bad("%s: give the VF index after the NIC", cmd);
	}
	if (!strcmp(cmd, "enable") && (n != 3 || parse_uint(a[2], 65535, &num)))
		return bad("enable: give the number of VFs (enable NIC N)%s", "");
	if ((!strcmp(cmd, "disable") || !strcmp(cmd, "representors")) && n != 2)
		return bad("%s: takes only the NIC", cmd);
	if (!strcmp(cmd, "detach") && n != 3)
		return bad("detach: takes NIC VF%s", "");
	if (!strcmp(cmd, "eswitch") && n > 3)
		return bad("eswitch: NIC [legacy|switchdev]%s", "");
	if (!strcmp(cmd, "eswitch") && n == 3 && strcmp(a[2], "legacy") &&
	    strcmp(a[2], "switchdev"))
		return bad("eswitch: mode '%s': legacy or switchdev", a[2]);
	if (open_nic(c, a[1], &d))
		return 1;
	if (!strcmp(cmd, "enable") || !strcmp(cmd, "disable")) {
		if (snic_sriov_set_num_vfs(d, cmd[0] == 'e' ? num : 0, &e))
			rc = fail(&e);
	} else if (!strcmp(cmd, "eswitch")) {
		if (n == 3 && snic_sriov_set_esw_mode(d, !strcmp(a[2], "switchdev") ?
						      SNIC_SRIOV_ESW_SWITCHDEV :
						      SNIC_SRIOV_ESW_LEGACY, &e))
			rc = fail(&e);
		else if (n == 2)
			rc = cli_print_eswitch(d, c->json);
	} else if (!strcmp(cmd, "representors")) {
		rc = cli_print_representors(d, c->json);
	} else if (!strcmp(cmd, "set")) {
		rc = cmd_set(c, d, vf, a + 3, n - 3);
	} else if (!strcmp(cmd, "attach")) {
		rc = cmd_attach(c, d, vf, a + 3, n - 3);
	} else if (!strcmp(cmd, "detach")) {
		if (snic_sriov_detach(d, vf, &e))
			rc = fail(&e);
	}
	snic_sriov_close(d);
	return rc;
}

int main(int argc, char **argv)
{
	enum { O_SYSFS = 256, O_STATE, O_RUN };
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "sysfs", required_argument, NULL, O_SYSFS },
		{ "state-dir", required_argument, NULL, O_STATE },
		{ "run-dir", required_argument, NULL, O_RUN },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx c = { .json = false };
	int o;

	/* options may come anywhere before the command's own "--print"... */
	while ((o = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		switch (o) {
		case 'j': c.json = true; break;
		case O_SYSFS: c.env.sysfs = optarg; break;
		case O_STATE: c.env.state_dir = optarg; break;
		case O_RUN: c.env.sim_run_dir = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	return run(&c, argv + optind, argc - optind);
}
