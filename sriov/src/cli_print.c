/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cli_print.c - what snic-sriov prints: a table per NIC for people, or one
 * JSON document (jansson) for programs.  JSON field names follow the text
 * columns; absent values are null, never a made-up 0.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static json_t *list_json;

void cli_list_begin(bool json)
{
	if (json)
		list_json = json_array();
}

void cli_list_end(bool json, unsigned n_nics)
{
	if (json) {
		json_t *doc = json_pack("{s:o}", "nics", list_json);

		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(doc);
		list_json = NULL;
	} else if (!n_nics) {
		printf("no SR-IOV NICs: no PF with sriov_totalvfs in sysfs and no running "
		       "snic-sim\n");
	}
}

static const char *tri(int v)
{
	return v < 0 ? "?" : v ? "on" : "off";
}

static json_t *tri_json(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

static json_t *str_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

static json_t *vf_json(const struct snic_sriov_vf *v)
{
	char mac[18];
	json_t *j;

	snic_sriov_format_mac(v->mac, mac);
	j = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:I, s:I, s:o, s:o,"
		      " s:I, s:I, s:s, s:o, s:o, s:o}",
		      "vf", (json_int_t)v->index, "pci", str_or_null(v->pci),
		      "netdev", str_or_null(v->netdev), "netns", str_or_null(v->netns),
		      "representor", str_or_null(v->representor),
		      "representor_netdev", str_or_null(v->rep_netdev),
		      "representor_dpdk", str_or_null(v->rep_dpdk), "mac", mac,
		      "vlan", (json_int_t)v->vlan, "qos", (json_int_t)v->qos,
		      "spoofchk", tri_json(v->spoofchk), "trust", tri_json(v->trust),
		      "min_tx_rate", (json_int_t)v->min_rate,
		      "max_tx_rate", (json_int_t)v->max_rate,
		      "link_state", snic_sriov_link_name(v->link_state),
		      "link_up", tri_json(v->link_up), "driver", str_or_null(v->driver),
		      "vm", str_or_null(v->vm));
	if (j && v->have_stats)
		json_object_set_new(j, "stats", json_pack(
			"{s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			"rx_packets", (json_int_t)v->rx_packets,
			"rx_bytes", (json_int_t)v->rx_bytes,
			"tx_packets", (json_int_t)v->tx_packets,
			"tx_bytes", (json_int_t)v->tx_bytes,
			"drop_spoof", (json_int_t)v->drop_spoof,
			"drop_rate", (json_int_t)v->drop_rate,
			"drop_link", (json_int_t)v->drop_link));
	return j;
}

static json_t *nic_json(const struct snic_sriov_nic *n)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:s, s:s}",
			 "name", n->name,
			 "backend", n->backend == SNIC_SRIOV_SIM ? "sim" : "real",
			 "netdev", str_or_null(n->netdev), "driver", str_or_null(n->driver),
			 "model", str_or_null(n->model),
			 "firmware", str_or_null(n->fw_version),
			 "socket", str_or_null(n->socket),
			 "total_vfs", (json_int_t)n->total_vfs,
			 "num_vfs", (json_int_t)n->num_vfs,
			 "eswitch", snic_sriov_esw_name(n->esw_mode),
			 "dpdk_devargs", n->dpdk_devargs);
}

static void nic_text(const struct snic_sriov_nic *n)
{
	printf("%s (%s)  %s%s%s  driver %s%s%s\n", n->name,
	       n->backend == SNIC_SRIOV_SIM ? "simulated" : "PCI",
	       n->model[0] ? n->model : "unknown model",
	       n->fw_version[0] ? "  firmware " : "", n->fw_version,
	       n->driver[0] ? n->driver : "none",
	       n->netdev[0] ? "  netdev " : "", n->netdev);
	printf("  VFs %u of %u enabled  e-switch %s\n", n->num_vfs, n->total_vfs,
	       snic_sriov_esw_name(n->esw_mode));
	printf("  DPDK: %s\n", n->dpdk_devargs);
}

static void vf_text_header(void)
{
	printf("  %-3s %-13s %-15s %-17s %-5s %-3s %-5s %-5s %-9s %-12s %-9s %-11s %s\n",
	       "VF", "PCI", "NETDEV", "MAC", "VLAN", "QOS", "SPOOF", "TRUST",
	       "RATE", "LINK", "DRIVER", "REPRESENTOR", "VM");
}

static void vf_text(const struct snic_sriov_vf *v)
{
	char mac[18], rate[24], link[24], vm[80];

	/* the VM it is attached to; else a named namespace its netdev is in
	 * (snic-sim --vf-netns: a VM without an attachment record) */
	if (v->vm[0])
		snprintf(vm, sizeof(vm), "%s", v->vm);
	else if (v->netns[0] && v->netns[0] != '/')
		snprintf(vm, sizeof(vm), "(netns %.64s)", v->netns);
	else
		snprintf(vm, sizeof(vm), "-");
	snic_sriov_format_mac(v->mac, mac);
	snprintf(rate, sizeof(rate), "%u/%u", v->min_rate, v->max_rate);
	snprintf(link, sizeof(link), "%s%s", snic_sriov_link_name(v->link_state),
		 v->link_up < 0 ? "" : v->link_up ? " (up)" : " (down)");
	printf("  %-3u %-13s %-15s %-17s %-5u %-3u %-5s %-5s %-9s %-12s %-9s %-11s %s\n",
	       v->index, v->pci[0] ? v->pci : "-", v->netdev[0] ? v->netdev : "-", mac,
	       v->vlan, v->qos, tri(v->spoofchk), tri(v->trust), rate, link,
	       v->driver[0] ? v->driver : "-", v->representor[0] ? v->representor : "-",
	       vm);
	if (v->have_stats && (v->drop_spoof || v->drop_rate || v->drop_link))
		printf("      drops: spoof %llu, rate %llu, link %llu\n",
		       (unsigned long long)v->drop_spoof, (unsigned long long)v->drop_rate,
		       (unsigned long long)v->drop_link);
}

int cli_print_nic(struct snic_sriov_dev *d, bool json, struct snic_sriov_err *e)
{
	struct snic_sriov_nic nic;
	struct snic_sriov_vf vf;
	json_t *jn = NULL, *jv = NULL;
	int r = snic_sriov_nic(d, &nic, e);

	if (r)
		return r;
	if (json) {
		jn = nic_json(&nic);
		jv = json_array();
	} else {
		nic_text(&nic);
		if (nic.num_vfs)
			vf_text_header();
	}
	for (unsigned i = 0; i < nic.num_vfs && !r; i++) {
		if ((r = snic_sriov_vf(d, i, &vf, e)))
			break;
		if (json)
			json_array_append_new(jv, vf_json(&vf));
		else
			vf_text(&vf);
	}
	if (json) {
		json_object_set_new(jn, "vfs", jv);
		json_array_append_new(list_json, jn);
	}
	return r;
}

int cli_print_eswitch(struct snic_sriov_dev *d, bool json)
{
	struct snic_sriov_err e = { "" };
	struct snic_sriov_nic nic;

	if (snic_sriov_nic(d, &nic, &e)) {
		fprintf(stderr, "snic-sriov: %s\n", e.msg);
		return 1;
	}
	if (json)
		printf("{\"name\": \"%s\", \"eswitch\": \"%s\"}\n", nic.name,
		       snic_sriov_esw_name(nic.esw_mode));
	else
		printf("%s: e-switch %s\n", nic.name, snic_sriov_esw_name(nic.esw_mode));
	return 0;
}

int cli_print_representors(struct snic_sriov_dev *d, bool json)
{
	struct snic_sriov_err e = { "" };
	struct snic_sriov_nic nic;
	struct snic_sriov_vf vf;
	json_t *arr = json ? json_array() : NULL;

	if (snic_sriov_nic(d, &nic, &e))
		goto fail;
	if (!json) {
		printf("%s: e-switch %s; DPDK devargs: %s\n", nic.name,
		       snic_sriov_esw_name(nic.esw_mode), nic.dpdk_devargs);
		if (nic.esw_mode != SNIC_SRIOV_ESW_SWITCHDEV)
			printf("  (representors carry traffic in switchdev mode: "
			       "snic-sriov eswitch %s switchdev)\n", nic.name);
		printf("  %-3s %-12s %-16s %s\n", "VF", "REPRESENTOR", "NETDEV", "DPDK PORT");
	}
	for (unsigned i = 0; i < nic.num_vfs; i++) {
		if (snic_sriov_vf(d, i, &vf, &e))
			goto fail;
		if (json)
			json_array_append_new(arr, json_pack(
				"{s:I, s:s, s:o, s:s}", "vf", (json_int_t)i,
				"representor", vf.representor,
				"netdev", str_or_null(vf.rep_netdev),
				"dpdk_port", vf.rep_dpdk));
		else
			printf("  %-3u %-12s %-16s %s\n", i, vf.representor,
			       vf.rep_netdev[0] ? vf.rep_netdev : "-", vf.rep_dpdk);
	}
	if (json) {
		json_t *doc = json_pack("{s:s, s:s, s:s, s:o}", "name", nic.name,
					"eswitch", snic_sriov_esw_name(nic.esw_mode),
					"dpdk_devargs", nic.dpdk_devargs,
					"representors", arr);

		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(doc);
	}
	return 0;
fail:
	json_decref(arr);
	fprintf(stderr, "snic-sriov: %s\n", e.msg);
	return 1;
}

void cli_print_attach(const struct snic_sriov_attach_out *out, bool json)
{
	if (json) {
		json_t *doc = json_pack("{s:s, s:s, s:s}", "summary", out->summary,
					"libvirt_xml", out->libvirt_xml,
					"qemu_args", out->qemu_args);

		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(doc);
		return;
	}
	printf("%s\n", out->summary);
	if (out->libvirt_xml[0])
		printf("\nlibvirt (virsh attach-device DOMAIN FILE, or in <devices>):\n%s\n",
		       out->libvirt_xml);
	if (out->qemu_args[0])
		printf("\nQEMU:\n  %s\n", out->qemu_args);
}
