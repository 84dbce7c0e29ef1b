/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_fw.c - how fast is the firmware's packet path on one core?
 *
 * Parse + lookup + VXLAN encap through the whole pipeline (snic_fw_rx() on
 * the in-memory HAL, frames counted, not kept), on the default board (1 M
 * entry capacity), with 1 k and 1 M installed entries spread over 1, 4 and
 * 16 flow groups.  Every group matches src_vport + destination IPv4 /32 and,
 * by the bits of its index, also the UDP destination port (bit 0), the
 * source IPv4 /24 (bit 1), the IP protocol (bit 2) and the UDP source port
 * (bit 3): 16 different masks.  All entries have the same priority (so every
 * lookup probes every group: the worst case of tuple-space search) and
 * forward to uplink 0 with VXLAN encap through one shared reformat context.
 * The traffic is a precomputed array of distinct 60-byte UDP frames (64 B on
 * the wire), each built for an installed entry picked uniformly at random,
 * entering from that entry's VF, cycled through: every packet hits and is
 * encapsulated (checked before timing).
 *
 * Reference rows: parsing alone (snic_fw_pkt_parse) and encapsulation alone
 * (snic_fw_pkt_encap) over the same frames.  Each configuration also reports
 * how fast its entries were installed through snic_fw_cmd() (the direct
 * command client).  The budget is 10 GbE line rate with 64-byte frames:
 * (64 + 20) bytes * 8 / 10 Gbit/s = 67.2 ns per packet.
 *
 * This is a benchmark, not a test: it prints figures.  --quick (the
 * bench_fw-smoke test) runs small sizes briefly so the harness cannot rot.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pkt_frames.h"
#include "snic_fw.h"
#include "snic_fw_memhal.h"
#include "snic_fwc.h"

#ifndef SNIC_DEFAULT_BOARD
#define SNIC_DEFAULT_BOARD "nic-fw/snic-cx6.dtb"
#endif

#define BUDGET_NS    67.2
#define FRAME_LEN    60u           /* + 4 FCS = 64 bytes on the wire */
#define FRAME_STRIDE 64u
#define N_VFS_USED   8u

struct opts {
	bool quick, json;
	const char *board;
	double secs;                   /* per row */
	uint32_t n_frames;
	uint32_t entries[2];
	unsigned n_entry_cfgs;
};

struct row {
	const char *what;
	uint32_t entries, groups;
	double ns, install_s;
};

static struct row rows[16];
static unsigned n_rows;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, struct snic_fwc *c)
{
	char buf[256];

	fprintf(stderr, "bench_fw: %s: %s\n", what, c ? snic_fwc_strerror(c, buf, sizeof(buf)) : "");
	exit(1);
}

/* ---- the flows: entry j ---- */

struct flow {
	uint16_t vport;
	uint32_t src, dst;              /* host order */
	uint16_t sport, dport;
};

static struct flow flow_of(uint32_t j)
{
	struct flow f;

	f.vport = SNIC_IFC_VPORT_VF(j % N_VFS_USED);
	f.dst = 0x0a000000u + j;                        /* unique per entry */
	f.src = 0xac100000u | ((j * 2654435761u) & 0xfffffu);
	f.sport = (uint16_t)(1024u + (j * 7u) % 60000u);
	f.dport = (uint16_t)(1u + (j * 13u) % 65000u);
	return f;
}

static void group_mask(unsigned g, struct snic_ifc_match *m)
{
	memset(m, 0, sizeof(*m));
	m->src_vport = 0xffff;
	m->outer.ip_dst[0] = 0xffffffffu;
	if (g & 1)
		m->outer.tp_dst = 0xffff;
	if (g & 2)
		m->outer.ip_src[0] = htonl(0xffffff00u);
	if (g & 4)
		m->outer.ip_proto = 0xff;
	if (g & 8)
		m->outer.tp_src = 0xffff;
}

static void entry_value(const struct flow *f, const struct snic_ifc_match *mask,
			struct snic_ifc_match *v)
{
	memset(v, 0, sizeof(*v));
	v->src_vport = htons(f->vport) & mask->src_vport;
	v->outer.ip_dst[0] = htonl(f->dst) & mask->outer.ip_dst[0];
	v->outer.ip_src[0] = htonl(f->src) & mask->outer.ip_src[0];
	v->outer.tp_dst = htons(f->dport) & mask->outer.tp_dst;
	v->outer.tp_src = htons(f->sport) & mask->outer.tp_src;
	v->outer.ip_proto = 17 & mask->outer.ip_proto;
}

static void build_frame(const struct flow *f, uint8_t *out)
{
	static const uint8_t dmac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
	uint8_t smac[6] = { 0x02, 0x5e, 0x00, 0x00, 0x10, 0x00 };
	struct tf t;

	smac[5] = (uint8_t)(f->vport - 1);
	tf_init(&t);
	tf_payload(&t, FRAME_LEN - 14 - 20 - 8, (uint8_t)f->dst);
	tf_udp(&t, f->sport, f->dport);
	tf_ipv4(&t, &(struct tf_ip4){ .ttl = 64, .proto = 17, .src = f->src, .dst = f->dst });
	tf_eth(&t, dmac, smac, 0x0800);
	memcpy(out, tf_data(&t), FRAME_LEN);
}

/* ---- one NIC with a rule set ---- */

struct nic {
	struct snic_fw_memhal hal;
	struct snic_fw *fw;
	struct snic_fwc c;
	void *dtb;
	size_t dtb_len;
	uint32_t root;
};

static void nic_boot(struct nic *n, const char *board)
{
	char err[256];

	snic_fw_memhal_init(&n->hal);
	n->hal.keep_frames = false;
	n->dtb = snic_fw_read_file(board, &n->dtb_len);
	if (!n->dtb) {
		fprintf(stderr, "bench_fw: cannot read board %s\n", board);
		exit(1);
	}
	if (snic_fw_boot(n->dtb, n->dtb_len, &n->hal.hal, &n->fw, err, sizeof(err))) {
		fprintf(stderr, "bench_fw: boot %s: %s\n", board, err);
		exit(1);
	}
	snic_fwc_init_direct(&n->c, n->fw, SNIC_IFC_FUNC_PF);
}

static void nic_down(struct nic *n)
{
	snic_fw_shutdown(n->fw);
	snic_fw_memhal_fini(&n->hal);
	free(n->dtb);
}

static const uint8_t peer_mac[6] = { 0x02, 0xbb, 0x00, 0x00, 0x01, 0x00 };
static const uint8_t up_mac[6] = { 0x02, 0x5e, 0x00, 0x00, 0x01, 0x00 };

/* Install `entries` entries over `groups` groups; returns the seconds the
 * entries (not the groups) took. */
static double install(struct nic *n, uint32_t entries, unsigned groups)
{
	struct snic_ifc_match mask[16], v;
	struct snic_ifc_actions a;
	uint8_t tmpl[SNIC_REFORMAT_VXLAN_LEN];
	uint32_t gid[16], rf, id;
	double t0;

	if (snic_fwc_set_esw_mode(&n->c, SNIC_ESW_SWITCHDEV))
		die("set e-switch mode", &n->c);
	snic_fwc_vxlan_template(tmpl, peer_mac, up_mac, 0xc0a80001, 0xc0a80002, 4789, 100);
	if (snic_fwc_alloc_reformat(&n->c, SNIC_REFORMAT_VXLAN_ENCAP, tmpl, sizeof(tmpl), &rf))
		die("alloc reformat", &n->c);
	if (snic_fwc_create_table(&n->c, 0, SNIC_MISS_DEFAULT, 0, SNIC_TABLE_F_ROOT, &n->root))
		die("create table", &n->c);
	for (unsigned g = 0; g < groups; g++) {
		group_mask(g, &mask[g]);
		if (snic_fwc_create_group(&n->c, n->root, &mask[g], &gid[g]))
			die("create group", &n->c);
	}
	memset(&a, 0, sizeof(a));
	a.flags = snic_ifc_le32(SNIC_ACT_FWD);
	a.n_dests = 1;
	a.dests[0].type = SNIC_DEST_VPORT;
	a.dests[0].flags = SNIC_DEST_F_REFORMAT;
	a.dests[0].vport = snic_ifc_le16(SNIC_IFC_VPORT_UPLINK(0));
	a.dests[0].reformat = snic_ifc_le32(rf);

	t0 = now_s();
	for (uint32_t j = 0; j < entries; j++) {
		struct flow f = flow_of(j);
		unsigned g = j % groups;

		entry_value(&f, &mask[g], &v);
		if (snic_fwc_create_entry(&n->c, gid[g], 0, &v, &a, &id))
			die("create entry", &n->c);
	}
	return now_s() - t0;
}

/* ---- traffic ---- */

struct traffic {
	uint8_t *frames;                /* n * FRAME_STRIDE */
	uint16_t *vport;
	struct snic_ifc_match *keys;    /* parsed, for the encap-only row */
	uint32_t n;
};

static void traffic_build(struct traffic *t, uint32_t n, uint32_t entries, uint64_t seed)
{
	uint64_t s = seed;

	t->n = n;
	t->frames = aligned_alloc(64, (size_t)n * FRAME_STRIDE);
	t->vport = malloc((size_t)n * sizeof(*t->vport));
	t->keys = NULL;
	if (!t->frames || !t->vport)
		abort();
	for (uint32_t i = 0; i < n; i++) {
		uint32_t j;
		struct flow f;

		s ^= s >> 12;
		s ^= s << 25;
		s ^= s >> 27;
		j = (uint32_t)((s * 0x2545f4914f6cdd1dull) >> 32) % entries;
		f = flow_of(j);
		build_frame(&f, t->frames + (size_t)i * FRAME_STRIDE);
		t->vport[i] = f.vport;
	}
}

static void traffic_free(struct traffic *t)
{
	free(t->frames);
	free(t->vport);
	free(t->keys);
}

/* Run packets until at least secs have passed; ns per packet. */
static double run_pipeline(struct nic *n, const struct traffic *t, double secs)
{
	uint64_t pkts = 0;
	double t0 = now_s(), el;

	do {
		for (uint32_t i = 0; i < t->n; i++)
			snic_fw_rx(n->fw, t->vport[i], t->frames + (size_t)i * FRAME_STRIDE,
				   FRAME_LEN);
		pkts += t->n;
		el = now_s() - t0;
	} while (el < secs);
	return el * 1e9 / (double)pkts;
}

/* Every frame must hit and leave on the uplink, encapsulated. */
static void verify(struct nic *n, const struct traffic *t)
{
	struct snic_ifc_query_table_out qt;
	struct snic_ifc_query_stats_out st;
	uint64_t tx0 = n->hal.tx_count;
	uint32_t check = t->n < 256 ? t->n : 256;

	n->hal.keep_frames = true;
	for (uint32_t i = 0; i < check; i++) {
		snic_fw_rx(n->fw, t->vport[i], t->frames + (size_t)i * FRAME_STRIDE, FRAME_LEN);
		if (n->hal.n_frames != 1 || n->hal.frames[0].vport != SNIC_IFC_VPORT_UPLINK(0) ||
		    n->hal.frames[0].q != SNIC_FW_TX_VPORT ||
		    n->hal.frames[0].len != FRAME_LEN + SNIC_REFORMAT_VXLAN_LEN) {
			fprintf(stderr, "bench_fw: frame %u did not leave encapsulated on the uplink\n", i);
			exit(1);
		}
		snic_fw_memhal_clear(&n->hal);
	}
	n->hal.keep_frames = false;
	for (uint32_t i = 0; i < t->n; i++)
		snic_fw_rx(n->fw, t->vport[i], t->frames + (size_t)i * FRAME_STRIDE, FRAME_LEN);
	if (snic_fwc_query_table(&n->c, n->root, &qt) || snic_fwc_query_stats(&n->c, &st))
		die("query", &n->c);
	if (qt.misses != 0 || n->hal.tx_count - tx0 != check + t->n) {
		fprintf(stderr, "bench_fw: %llu misses, %llu frames out of %u\n",
			(unsigned long long)snic_ifc_le64(qt.misses),
			(unsigned long long)(n->hal.tx_count - tx0), check + t->n);
		exit(1);
	}
	for (unsigned d = 1; d < SNIC_DROP_MAX_; d++)
		if (st.drops[d]) {
			fprintf(stderr, "bench_fw: %llu drops (%s)\n",
				(unsigned long long)snic_ifc_le64(st.drops[d]), snic_fw_drop_name(d));
			exit(1);
		}
}

/* ---- reference rows ---- */

static volatile uint32_t sink;

static double run_parse(const struct traffic *t, double secs)
{
	struct snic_fw_pkt_cfg cfg = { 4789 };
	struct snic_ifc_match key;
	uint64_t pkts = 0;
	double t0 = now_s(), el;

	do {
		for (uint32_t i = 0; i < t->n; i++) {
			key.src_vport = t->vport[i];
			sink += (uint32_t)snic_fw_pkt_parse(t->frames + (size_t)i * FRAME_STRIDE,
							    FRAME_LEN, &cfg, &key);
			sink += key.outer.tp_dst;
		}
		pkts += t->n;
		el = now_s() - t0;
	} while (el < secs);
	return el * 1e9 / (double)pkts;
}

static double run_encap(struct traffic *t, double secs)
{
	struct snic_fw_pkt_cfg cfg = { 4789 };
	uint8_t tmpl[SNIC_REFORMAT_VXLAN_LEN];
	static uint8_t buf[SNIC_FW_HEADROOM + SNIC_FW_MAX_FRAME];
	uint64_t pkts = 0;
	double t0, el;

	snic_fwc_vxlan_template(tmpl, peer_mac, up_mac, 0xc0a80001, 0xc0a80002, 4789, 100);
	if (!t->keys) {
		t->keys = calloc(t->n, sizeof(*t->keys));
		if (!t->keys)
			abort();
		for (uint32_t i = 0; i < t->n; i++)
			snic_fw_pkt_parse(t->frames + (size_t)i * FRAME_STRIDE, FRAME_LEN, &cfg,
					  &t->keys[i]);
	}
	memcpy(buf + SNIC_FW_HEADROOM, t->frames, FRAME_LEN);
	t0 = now_s();
	do {
		for (uint32_t i = 0; i < t->n; i++) {
			struct snic_fw_buf b = { buf + SNIC_FW_HEADROOM, FRAME_LEN,
						 SNIC_FW_HEADROOM, SNIC_FW_MAX_FRAME - FRAME_LEN };
			sink += (uint32_t)snic_fw_pkt_encap(&b, tmpl, sizeof(tmpl), &t->keys[i]);
			sink += b.data[34];
		}
		pkts += t->n;
		el = now_s() - t0;
	} while (el < secs);
	return el * 1e9 / (double)pkts;
}

/* ---- output ---- */

static void add_row(const char *what, uint32_t entries, uint32_t groups, double ns,
		    double install_s)
{
	rows[n_rows++] = (struct row){ what, entries, groups, ns, install_s };
}

static void print_table(const struct opts *o, const struct snic_fw_board *b, uint32_t nf)
{
	printf("snic firmware packet path, one core: %s (max %u entries)%s\n", b->model,
	       b->max_entries, o->quick ? "  [--quick: small sizes, short runs]" : "");
	printf("traffic: %u precomputed %u-byte UDP/IPv4 frames (64 B on the wire) from 8 VFs, "
	       "each for an installed entry\npicked uniformly, cycled; ", nf, FRAME_LEN);
	printf("every entry: same priority, forward to uplink 0 with VXLAN encap (shared "
	       "context).\ngroup masks: src_vport + dst IP /32 [+ dst port] [+ src IP /24] "
	       "[+ IP proto] [+ src port].\n");
	printf("budget: 10 GbE line rate at 64 B = %.1f ns/packet (%.2f Mpps); "
	       "'x budget' < 1 keeps up.\n\n", BUDGET_NS, 1e3 / BUDGET_NS);
	printf("%-22s %8s %6s %9s %8s %9s %10s %12s\n", "row", "entries", "groups",
	       "ns/pkt", "Mpps", "x budget", "install s", "entries/s");
	for (unsigned i = 0; i < n_rows; i++) {
		const struct row *r = &rows[i];
		char e[16] = "-", g[16] = "-", is[16] = "-", eps[24] = "-";

		if (r->entries) {
			snprintf(e, sizeof(e), "%u", r->entries);
			snprintf(g, sizeof(g), "%u", r->groups);
		}
		if (r->install_s > 0) {
			snprintf(is, sizeof(is), "%.3f", r->install_s);
			snprintf(eps, sizeof(eps), "%.0f", r->entries / r->install_s);
		}
		printf("%-22s %8s %6s %9.1f %8.2f %9.2f %10s %12s\n", r->what, e, g, r->ns,
		       1e3 / r->ns, r->ns / BUDGET_NS, is, eps);
	}
}

static void print_json(const struct opts *o, const struct snic_fw_board *b, uint32_t nf)
{
	printf("{\"benchmark\":\"bench_fw\",\"board\":\"%s\",\"max_entries\":%u,"
	       "\"quick\":%s,\"frames\":%u,\"frame_bytes\":%u,\"budget_ns\":%.1f,\"rows\":[",
	       b->model, b->max_entries, o->quick ? "true" : "false", nf, FRAME_LEN, BUDGET_NS);
	for (unsigned i = 0; i < n_rows; i++) {
		const struct row *r = &rows[i];

		printf("%s\n {\"row\":\"%s\",\"entries\":%u,\"groups\":%u,\"ns_per_packet\":%.2f,"
		       "\"mpps\":%.3f,\"budget_ratio\":%.3f,\"install_s\":%.4f,"
		       "\"install_entries_per_s\":%.0f}", i ? "," : "", r->what, r->entries,
		       r->groups, r->ns, 1e3 / r->ns, r->ns / BUDGET_NS, r->install_s,
		       r->install_s > 0 ? r->entries / r->install_s : 0.0);
	}
	printf("\n]}\n");
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bench_fw [--quick] [--json] [--board FILE.dtb] [--secs S]\n"
		"  Firmware packet path (parse + lookup + VXLAN encap via snic_fw_rx) on one\n"
		"  core: 1k and 1M entries over 1, 4 and 16 flow groups, 64k precomputed frames;\n"
		"  reference rows for parse only and encap only; entry install rate.\n"
		"  --quick    1k and 16k entries, 4k frames, short rows (the smoke test)\n"
		"  --json     machine-readable output instead of the table\n"
		"  --board    board dtb (default %s)\n"
		"  --secs     seconds per row (default 1.5; --quick 0.05)\n",
		SNIC_DEFAULT_BOARD);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "quick", no_argument, NULL, 'q' }, { "json", no_argument, NULL, 'j' },
		{ "board", required_argument, NULL, 'b' }, { "secs", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	static const unsigned group_cfgs[] = { 1, 4, 16 };
	struct opts o = { .board = SNIC_DEFAULT_BOARD, .secs = 0 };
	struct snic_fw_board board;
	struct traffic ref;
	int c;

	while ((c = getopt_long(argc, argv, "qjb:s:h", lo, NULL)) != -1) {
		switch (c) {
		case 'q': o.quick = true; break;
		case 'j': o.json = true; break;
		case 'b': o.board = optarg; break;
		case 's': o.secs = atof(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (o.quick) {
		o.n_frames = 4096;
		o.entries[0] = 1000;
		o.entries[1] = 16384;
		if (o.secs <= 0)
			o.secs = 0.05;
	} else {
		o.n_frames = 65536;
		o.entries[0] = 1000;
		o.entries[1] = 1u << 20;
		if (o.secs <= 0)
			o.secs = 1.5;
	}
	o.n_entry_cfgs = 2;

	{
		struct nic n;

		nic_boot(&n, o.board);
		board = *snic_fw_get_board(n.fw);
		nic_down(&n);
		if (board.n_vfs < N_VFS_USED || board.max_encap < 1 ||
		    board.max_groups_per_table < 16 || board.max_tables < 1) {
			fprintf(stderr, "bench_fw: board %s needs >= %u VFs and 16 groups per table\n",
				o.board, N_VFS_USED);
			return 1;
		}
		for (unsigned i = 0; i < o.n_entry_cfgs; i++)
			if (o.entries[i] > board.max_entries)
				o.entries[i] = board.max_entries;
	}

	/* reference rows, over traffic for the largest configuration */
	traffic_build(&ref, o.n_frames, o.entries[o.n_entry_cfgs - 1], 42);
	run_parse(&ref, o.secs / 4);
	add_row("parse only", 0, 0, run_parse(&ref, o.secs), 0);
	run_encap(&ref, o.secs / 4);
	add_row("encap only", 0, 0, run_encap(&ref, o.secs), 0);
	traffic_free(&ref);

	for (unsigned ei = 0; ei < o.n_entry_cfgs; ei++) {
		struct traffic t;

		traffic_build(&t, o.n_frames, o.entries[ei], 7 + ei);
		for (unsigned gi = 0; gi < 3; gi++) {
			struct nic n;
			double inst, ns;

			if (!o.json)
				fprintf(stderr, "bench_fw: %u entries, %u groups...\n", o.entries[ei],
					group_cfgs[gi]);
			nic_boot(&n, o.board);
			inst = install(&n, o.entries[ei], group_cfgs[gi]);
			verify(&n, &t);
			run_pipeline(&n, &t, o.secs / 4);               /* warm-up */
			ns = run_pipeline(&n, &t, o.secs);
			add_row("parse+lookup+encap", o.entries[ei], group_cfgs[gi], ns, inst);
			nic_down(&n);
		}
		traffic_free(&t);
	}

	if (o.json)
		print_json(&o, &board, o.n_frames);
	else
		print_table(&o, &board, o.n_frames);
	return 0;
}
