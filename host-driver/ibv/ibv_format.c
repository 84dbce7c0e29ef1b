/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ibv_format.c - names for libibverbs values, the ConnectX model table, and
 * the table and JSON forms of a report.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic_ibv.h"

/* ---- names ---- */

/* Mellanox/NVIDIA part ids (= PCI device ids under vendor 0x15b3). */
static const struct {
	uint32_t part;
	const char *name;
	bool vf;
} models[] = {
	{ 0x1003, "ConnectX-3", false },
	{ 0x1004, "ConnectX-3 VF", true },
	{ 0x1007, "ConnectX-3 Pro", false },
	{ 0x1011, "Connect-IB", false },
	{ 0x1012, "Connect-IB VF", true },
	{ 0x1013, "ConnectX-4", false },
	{ 0x1014, "ConnectX-4 VF", true },
	{ 0x1015, "ConnectX-4 Lx", false },
	{ 0x1016, "ConnectX-4 Lx VF", true },
	{ 0x1017, "ConnectX-5", false },
	{ 0x1018, "ConnectX-5 VF", true },
	{ 0x1019, "ConnectX-5 Ex", false },
	{ 0x101a, "ConnectX-5 Ex VF", true },
	{ 0x101b, "ConnectX-6", false },
	{ 0x101c, "ConnectX-6 VF", true },
	{ 0x101d, "ConnectX-6 Dx", false },
	{ 0x101e, "ConnectX VF (mlx5Gen)", true },
	{ 0x101f, "ConnectX-6 Lx", false },
	{ 0x1021, "ConnectX-7", false },
	{ 0x1023, "ConnectX-8", false },
	{ 0xa2d2, "BlueField", false },
	{ 0xa2d3, "BlueField VF", true },
	{ 0xa2d6, "BlueField-2", false },
	{ 0xa2dc, "BlueField-3", false },
};

const char *snic_ibv_model_name(uint32_t vendor_part_id, bool *is_vf)
{
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		if (models[i].part == vendor_part_id) {
			if (is_vf)
				*is_vf = models[i].vf;
			return models[i].name;
		}
	if (is_vf)
		*is_vf = false;
	return NULL;
}

const char *snic_ibv_port_state_name(unsigned state)
{
	static const char *const n[] = { "NOP", "DOWN", "INIT", "ARMED", "ACTIVE",
					 "ACTIVE_DEFER" };

	return state < sizeof(n) / sizeof(n[0]) ? n[state] : NULL;
}

const char *snic_ibv_phys_state_name(unsigned phys_state)
{
	static const char *const n[] = { NULL, "SLEEP", "POLLING", "DISABLED",
					 "PORT_CONFIGURATION_TRAINING", "LINK_UP",
					 "LINK_ERROR_RECOVERY", "PHY_TEST" };

	return phys_state < sizeof(n) / sizeof(n[0]) ? n[phys_state] : NULL;
}

const char *snic_ibv_link_layer_name(unsigned link_layer)
{
	/* IBV_LINK_LAYER_UNSPECIFIED: old kernels, meaning InfiniBand. */
	return link_layer == 0 || link_layer == 1 ? "InfiniBand" :
	       link_layer == 2 ? "Ethernet" : NULL;
}

static const struct {
	unsigned code, lane_mbps;
	const char *name;
} speeds[] = {
	{ 1, 2500, "SDR" },   { 2, 5000, "DDR" },   { 4, 10000, "QDR" },
	{ 8, 10000, "FDR10" }, { 16, 14000, "FDR" }, { 32, 25000, "EDR" },
	{ 64, 50000, "HDR" }, { 128, 100000, "NDR" },
};

static const struct {
	unsigned code, lanes;
	const char *name;
} widths[] = {
	{ 1, 1, "1X" }, { 2, 4, "4X" }, { 4, 8, "8X" }, { 8, 12, "12X" }, { 16, 2, "2X" },
};

const char *snic_ibv_speed_name(unsigned active_speed)
{
	for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
		if (speeds[i].code == active_speed)
			return speeds[i].name;
	return NULL;
}

const char *snic_ibv_width_name(unsigned active_width)
{
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++)
		if (widths[i].code == active_width)
			return widths[i].name;
	return NULL;
}

unsigned snic_ibv_rate_mbps(unsigned active_speed, unsigned active_width)
{
	unsigned lane = 0, lanes = 0;

	for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
		if (speeds[i].code == active_speed)
			lane = speeds[i].lane_mbps;
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++)
		if (widths[i].code == active_width)
			lanes = widths[i].lanes;
	return lane * lanes;
}

unsigned snic_ibv_mtu_bytes(unsigned active_mtu)
{
	return active_mtu >= 1 && active_mtu <= 5 ? 128u << active_mtu : 0;
}

char *snic_ibv_guid_str(uint64_t guid, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%04x:%04x:%04x", (unsigned)(guid >> 48) & 0xffff,
		 (unsigned)(guid >> 32) & 0xffff, (unsigned)(guid >> 16) & 0xffff,
		 (unsigned)guid & 0xffff);
	return buf;
}

/* "100", "2.5" */
static void gbps(unsigned mbps, char *buf, size_t len)
{
	if (mbps % 1000)
		snprintf(buf, len, "%u.%u", mbps / 1000, (mbps % 1000) / 100);
	else
		snprintf(buf, len, "%u", mbps / 1000);
}

/* "ConnectX-6 Dx"; "Mellanox part 0x1025"; "vendor 0x8086 part 0x1" */
static void model_str(const struct snic_ibv_dev *d, char *buf, size_t len)
{
	if (d->model[0])
		snprintf(buf, len, "%s", d->model);
	else if (d->connectx)
		snprintf(buf, len, "Mellanox part 0x%x",
			 d->opened ? d->attr.vendor_part_id : d->pci_device);
	else if (d->opened)
		snprintf(buf, len, "vendor 0x%x part 0x%x", d->attr.vendor_id,
			 d->attr.vendor_part_id);
	else
		snprintf(buf, len, "-");
}

/* ---- table ---- */

enum { C_DEV, C_PCI, C_MODEL, C_FW, C_NETDEV, C_VFS, C_PORT, C_STATE, C_PHYS,
       C_LINK, C_RATE, C_PNETDEV, NCOL };

static const char *const heads[NCOL] = {
	"DEVICE", "PCI", "MODEL", "FIRMWARE", "NETDEVS", "VFS",
	"PORT", "STATE", "PHYS", "LINK", "RATE", "PORT-NETDEV",
};

#define CELL 512

static void row_device(const struct snic_ibv_dev *d, char (*c)[CELL])
{
	size_t o = 0;

	snprintf(c[C_DEV], CELL, "%s", d->name);
	snprintf(c[C_PCI], CELL, "%s", d->pci_addr[0] ? d->pci_addr : "-");
	model_str(d, c[C_MODEL], CELL);
	snprintf(c[C_FW], CELL, "%s", d->opened && d->attr.fw_ver[0] ? d->attr.fw_ver : "-");
	c[C_NETDEV][0] = '\0';
	for (unsigned i = 0; i < d->n_netdevs && o + SNIC_IBV_IFNAME_LEN + 8 < CELL; i++)
		o += (size_t)snprintf(c[C_NETDEV] + o, CELL - o, "%s%s", i ? "," : "",
				      d->netdevs[i]);
	if (d->n_netdevs && o + SNIC_IBV_IFNAME_LEN + 8 >= CELL)
		snprintf(c[C_NETDEV] + o, CELL - o, ",...");
	if (!d->n_netdevs)
		strcpy(c[C_NETDEV], "-");
	if (d->has_sriov)
		snprintf(c[C_VFS], CELL, "%u/%u", d->sriov_num_vfs, d->sriov_total_vfs);
	else
		snprintf(c[C_VFS], CELL, "%s", d->is_vf ? "(VF)" : "-");
}

static void name_or_num(char *cell, const char *name, const char *what, unsigned v)
{
	if (name)
		snprintf(cell, CELL, "%s", name);
	else
		snprintf(cell, CELL, "%s %u", what, v);
}

static void row_port(const struct snic_ibv_port *p, char (*c)[CELL])
{
	char g[32];

	snprintf(c[C_PORT], CELL, "%u", p->num);
	if (p->query_rc) {
		snprintf(c[C_STATE], CELL, "?");
		snprintf(c[C_PHYS], CELL, "?");
		snprintf(c[C_LINK], CELL, "?");
		snprintf(c[C_RATE], CELL, "?");
	} else {
		name_or_num(c[C_STATE], snic_ibv_port_state_name(p->attr.state),
			    "state", p->attr.state);
		name_or_num(c[C_PHYS], snic_ibv_phys_state_name(p->attr.phys_state),
			    "phys", p->attr.phys_state);
		name_or_num(c[C_LINK], snic_ibv_link_layer_name(p->attr.link_layer),
			    "link", p->attr.link_layer);
		if (p->rate_mbps && p->attr.state == 4) {
			gbps(p->rate_mbps, g, sizeof(g));
			snprintf(c[C_RATE], CELL, "%s Gb/s (%s %s)", g,
				 snic_ibv_width_name(p->attr.active_width),
				 snic_ibv_speed_name(p->attr.active_speed));
		} else {
			snprintf(c[C_RATE], CELL, "-");
		}
	}
	snprintf(c[C_PNETDEV], CELL, "%s", p->netdev[0] ? p->netdev : "-");
}

int snic_ibv_write_table(const struct snic_ibv_report *r, FILE *f)
{
	char (*cells)[NCOL][CELL];
	size_t w[NCOL], nrows = 1, row = 1;

	for (unsigned i = 0; i < r->n_devs; i++)
		nrows += r->devs[i].n_ports ? r->devs[i].n_ports : 1;
	if (r->n_devs) {
		cells = calloc(nrows, sizeof(*cells));
		if (!cells)
			return -ENOMEM;
		for (int c = 0; c < NCOL; c++)
			snprintf(cells[0][c], CELL, "%s", heads[c]);
		for (unsigned i = 0; i < r->n_devs; i++) {
			const struct snic_ibv_dev *d = &r->devs[i];

			row_device(d, cells[row]);
			for (unsigned p = 0; p < d->n_ports; p++)
				row_port(&d->ports[p], cells[row++]);
			if (!d->n_ports) {
				for (int c = C_PORT; c < NCOL; c++)
					snprintf(cells[row][c], CELL, "-");
				row++;
			}
		}
		for (int c = 0; c < NCOL; c++) {
			w[c] = 0;
			for (size_t k = 0; k < nrows; k++)
				if (strlen(cells[k][c]) > w[c])
					w[c] = strlen(cells[k][c]);
		}
		for (size_t k = 0; k < nrows; k++) {
			char line[NCOL * (CELL + 2)];
			size_t o = 0, end;

			for (int c = 0; c < NCOL; c++)
				o += (size_t)snprintf(line + o, sizeof(line) - o, "%-*s%s",
						      (int)w[c], cells[k][c],
						      c + 1 < NCOL ? "  " : "");
			end = o;
			while (end && line[end - 1] == ' ')
				end--;
			fprintf(f, "%.*s\n", (int)end, line);
		}
		free(cells);
	}
	if (r->message)
		fprintf(f, "%s\n", r->message);
	return ferror(f) ? -EIO : 0;
}

/* ---- JSON ---- */

static void jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* A string field, null when empty. */
static void jopt(FILE *f, const char *s)
{
	if (s && *s)
		jstr(f, s);
	else
		fputs("null", f);
}

static void jname(FILE *f, const char *s)
{
	if (s)
		jstr(f, s);
	else
		fputs("null", f);
}

static void json_port(FILE *f, const struct snic_ibv_port *p, bool last)
{
	fprintf(f, "        {\"port\": %u, ", p->num);
	if (p->query_rc) {
		fputs("\"error\": ", f);
		jstr(f, strerror(-p->query_rc));
	} else {
		fprintf(f, "\"state\": ");
		jname(f, snic_ibv_port_state_name(p->attr.state));
		fprintf(f, ", \"phys_state\": ");
		jname(f, snic_ibv_phys_state_name(p->attr.phys_state));
		fprintf(f, ", \"link_layer\": ");
		jname(f, snic_ibv_link_layer_name(p->attr.link_layer));
		fprintf(f, ", \"width\": ");
		jname(f, snic_ibv_width_name(p->attr.active_width));
		fprintf(f, ", \"speed\": ");
		jname(f, snic_ibv_speed_name(p->attr.active_speed));
		fprintf(f, ", \"rate_mbps\": %u, \"mtu\": %u, \"lid\": %u", p->rate_mbps,
			snic_ibv_mtu_bytes(p->attr.active_mtu), p->attr.lid);
	}
	fputs(", \"netdev\": ", f);
	jopt(f, p->netdev);
	fprintf(f, "}%s\n", last ? "" : ",");
}

static void json_dev(FILE *f, const struct snic_ibv_dev *d, bool last)
{
	char buf[128];

	fputs("    {\n      \"name\": ", f);
	jstr(f, d->name);
	fputs(",\n      \"pci_address\": ", f);
	jopt(f, d->pci_addr);
	fprintf(f, ",\n      \"connectx\": %s,\n      \"model\": ",
		d->connectx ? "true" : "false");
	jopt(f, d->model);
	fprintf(f, ",\n      \"vf\": %s,\n      \"pf_pci_address\": ",
		d->is_vf ? "true" : "false");
	jopt(f, d->pf_pci_addr);
	if (d->opened) {
		fputs(",\n      \"fw_ver\": ", f);
		jstr(f, d->attr.fw_ver);
		fprintf(f, ",\n      \"vendor_id\": \"0x%04x\",\n      \"vendor_part_id\": %" PRIu32
			",\n      \"hw_ver\": \"0x%" PRIx32 "\",\n      \"node_guid\": \"%s\"",
			d->attr.vendor_id, d->attr.vendor_part_id, d->attr.hw_ver,
			snic_ibv_guid_str(d->attr.node_guid, buf, sizeof(buf)));
	} else {
		fputs(",\n      \"fw_ver\": null,\n      \"vendor_id\": null,\n"
		      "      \"vendor_part_id\": null,\n      \"hw_ver\": null,\n"
		      "      \"node_guid\": null", f);
	}
	if (d->pci_vendor || d->pci_device)
		fprintf(f, ",\n      \"pci_id\": \"%04x:%04x\"", d->pci_vendor, d->pci_device);
	else
		fputs(",\n      \"pci_id\": null", f);
	fputs(",\n      \"board_id\": ", f);
	jopt(f, d->board_id);
	fputs(",\n      \"netdevs\": [", f);
	for (unsigned i = 0; i < d->n_netdevs; i++) {
		fputs(i ? ", " : "", f);
		jstr(f, d->netdevs[i]);
	}
	fputs("],\n      \"sriov\": ", f);
	if (d->has_sriov)
		fprintf(f, "{\"total_vfs\": %u, \"num_vfs\": %u}", d->sriov_total_vfs,
			d->sriov_num_vfs);
	else
		fputs("null", f);
	fputs(",\n      \"ports\": [", f);
	if (d->n_ports)
		fputc('\n', f);
	for (unsigned i = 0; i < d->n_ports; i++)
		json_port(f, &d->ports[i], i + 1 == d->n_ports);
	fprintf(f, "%s],\n      \"error\": ", d->n_ports ? "      " : "");
	jopt(f, d->error);
	fprintf(f, "\n    }%s\n", last ? "" : ",");
}

int snic_ibv_write_json(const struct snic_ibv_report *r, FILE *f)
{
	fputs("{\n  \"backend\": ", f);
	jname(f, r->backend);
	fputs(",\n  \"sysfs\": ", f);
	jstr(f, r->sysfs_root);
	fputs(",\n  \"devices\": [", f);
	if (r->n_devs)
		fputc('\n', f);
	for (unsigned i = 0; i < r->n_devs; i++)
		json_dev(f, &r->devs[i], i + 1 == r->n_devs);
	fprintf(f, "%s],\n  \"sysfs_only\": [", r->n_devs ? "  " : "");
	for (unsigned i = 0; i < r->n_sysfs_only; i++) {
		fputs(i ? ", " : "", f);
		jstr(f, r->sysfs_only[i]);
	}
	fprintf(f, "],\n  \"errors\": %u,\n  \"message\": ", r->n_errors);
	jopt(f, r->message);
	fputs("\n}\n", f);
	return ferror(f) ? -EIO : 0;
}
