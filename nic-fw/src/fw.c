/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fw.c - boot and shutdown: size every pool from the board, take the memory
 * from the HAL once, and set the pools up without touching what is not yet
 * used (entries come from a high-water mark, not a pre-built free list).
 */
#include "fw_internal.h"

#define CAPS_MAX 4096u
#define FRAME_BUF (SNIC_FW_HEADROOM + SNIC_FW_MAX_FRAME + 64u)

/* Hash slots: a power of two at least twice the entries (load <= 1/2). */
static uint64_t n_slots(uint32_t entries)
{
	uint64_t n = 16;

	while (n < 2ull * entries)
		n <<= 1;
	return n;
}

/* The pools, in the order boot allocates them: size of each. */
static void pool_sizes(const struct snic_fw_board *b, uint64_t sz[14])
{
	uint32_t nv = 1 + b->n_vfs + b->n_uplinks;

	sz[0] = sizeof(struct snic_fw);
	sz[1] = (uint64_t)b->max_tables * sizeof(struct fw_table);
	sz[2] = (uint64_t)b->max_tables * b->max_groups_per_table * 4u +
		(uint64_t)b->max_tables * 4u;                  /* order + ids */
	sz[3] = (uint64_t)b->max_groups * (sizeof(struct fw_group) + 4u);
	sz[4] = (uint64_t)b->max_entries * sizeof(struct fw_entry);
	sz[5] = n_slots(b->max_entries) * sizeof(struct fw_slot);
	sz[6] = (uint64_t)b->max_encap * (sizeof(struct fw_reformat) + 4u);
	sz[7] = (uint64_t)b->max_modify * (sizeof(struct fw_modify) + 4u);
	sz[8] = (uint64_t)b->max_counters * sizeof(struct fw_counter);
	sz[9] = (uint64_t)b->max_counters * sizeof(struct fw_counter_meta);
	sz[10] = (uint64_t)nv * sizeof(struct fw_vport);
	sz[11] = CAPS_MAX;
	sz[12] = FRAME_BUF;
	sz[13] = ((uint64_t)b->max_counters + 63u) / 64u * 8u; /* used bits */
}

uint64_t snic_fw_board_mem(const struct snic_fw_board *b)
{
	uint64_t sz[14], total = 0;

	pool_sizes(b, sz);
	for (int i = 0; i < 14; i++)
		total += sz[i];
	return total;
}

static void *fw_alloc(struct snic_fw *fw, uint64_t size)
{
	void *p;

	if (size == 0)
		size = 64;
	if (size > (uint64_t)(size_t)-1 ||
	    fw->n_mem == sizeof(fw->mem) / sizeof(fw->mem[0]))
		return NULL;
	p = fw->hal->mem_alloc(fw->hal->ctx, (size_t)size);
	if (p) {
		fw->mem[fw->n_mem].p = p;
		fw->mem[fw->n_mem].size = (size_t)size;
		fw->n_mem++;
	}
	return p;
}

void fw_idpool_init(struct fw_idpool *p, uint32_t *ids, uint32_t cap)
{
	p->ids = ids;
	p->cap = cap;
	p->n_free = cap;
	for (uint32_t i = 0; i < cap; i++)
		ids[i] = cap - 1 - i;     /* pop gives 0, 1, 2, ... */
}

uint32_t fw_idpool_get(struct fw_idpool *p)
{
	return p->n_free ? p->ids[--p->n_free] : FW_NONE;
}

void fw_idpool_put(struct fw_idpool *p, uint32_t id)
{
	p->ids[p->n_free++] = id;
}

void fw_post_event(struct snic_fw *fw, uint16_t type, uint16_t vport,
		   uint32_t value)
{
	struct snic_ifc_event ev;

	if (!fw->hal->event)
		return;
	ev.type = fw_le16(type);
	ev.vport = fw_le16(vport);
	ev.value = fw_le32(value);
	ev.seq = fw_le64(++fw->event_seq);
	fw->hal->event(fw->hal->ctx, &ev);
}

int snic_fw_boot(const void *fdt, size_t fdt_len, const struct snic_fw_hal *hal,
		 struct snic_fw **out, char *err, size_t errlen)
{
	struct snic_fw_board b;
	struct snic_fw boot = { .hal = hal }, *fw;
	uint64_t sz[14];
	uint8_t *p;
	int r;

	*out = NULL;
	if (!hal || !hal->mem_alloc || !hal->mem_free || !hal->tx || !hal->now_ns) {
		snic_fw_fmt(err, errlen, "boot: the HAL lacks a required operation");
		return -SNIC_FW_EINVAL;
	}
	r = snic_fw_board_parse(fdt, fdt_len, &b, err, errlen);
	if (r)
		return r;
	pool_sizes(&b, sz);

	/* The firmware struct first, then every pool; `boot` keeps the list of
	 * regions until the struct exists. */
	fw = fw_alloc(&boot, sz[0]);
	if (!fw)
		goto nomem;
	*fw = boot;
	fw->board = b;
	fw->pcfg.vxlan_port = (uint16_t)b.vxlan_port;
	fw->esw_mode = b.esw_mode;
	fw->root = FW_NONE;

	if (!(fw->tables = fw_alloc(fw, sz[1])) || !(p = fw_alloc(fw, sz[2])))
		goto nomem;
	for (uint32_t i = 0; i < b.max_tables; i++)
		fw->tables[i].order = (uint32_t *)p + (uint64_t)i * b.max_groups_per_table;
	fw_idpool_init(&fw->table_ids,
		    (uint32_t *)p + (uint64_t)b.max_tables * b.max_groups_per_table,
		    b.max_tables);

	if (!(p = fw_alloc(fw, sz[3])))
		goto nomem;
	fw->groups = (struct fw_group *)p;
	fw_idpool_init(&fw->group_ids,
		    (uint32_t *)(p + (uint64_t)b.max_groups * sizeof(struct fw_group)),
		    b.max_groups);

	if (!(fw->entries = fw_alloc(fw, sz[4])) || !(fw->slots = fw_alloc(fw, sz[5])))
		goto nomem;
	fw->slot_mask = (uint32_t)(n_slots(b.max_entries) - 1);

	if (!(p = fw_alloc(fw, sz[6])))
		goto nomem;
	fw->reformats = (struct fw_reformat *)p;
	fw_idpool_init(&fw->reformat_ids,
		    (uint32_t *)(p + (uint64_t)b.max_encap * sizeof(struct fw_reformat)),
		    b.max_encap);
	if (!(p = fw_alloc(fw, sz[7])))
		goto nomem;
	fw->modifies = (struct fw_modify *)p;
	fw_idpool_init(&fw->modify_ids,
		    (uint32_t *)(p + (uint64_t)b.max_modify * sizeof(struct fw_modify)),
		    b.max_modify);

	if (!(fw->counters = fw_alloc(fw, sz[8])) ||
	    !(fw->counter_meta = fw_alloc(fw, sz[9])) ||
	    !(fw->counter_bits = fw_alloc(fw, sz[13])) ||
	    !(fw->vports = fw_alloc(fw, sz[10])) ||
	    !(fw->caps_fdt = fw_alloc(fw, sz[11])) ||
	    !(fw->frame = fw_alloc(fw, sz[12])))
		goto nomem;

	fw->n_vports = 1 + b.n_vfs + b.n_uplinks;
	for (uint32_t i = 0; i < b.n_uplinks; i++)
		fw->uplink_up[i] = true;
	fw_vport_init(fw);

	r = fw_caps_build(fw, fw->caps_fdt, CAPS_MAX);
	if (r) {
		snic_fw_fmt(err, errlen, "boot: capabilities do not fit %u bytes",
			    CAPS_MAX);
		snic_fw_shutdown(fw);
		return -SNIC_FW_EBOARD;
	}
	fw_log(fw, SNIC_FW_LOG_INFO,
	       "booted %s: fw %s, %u uplink(s), %u VFs, %u entries, %u tables, "
	       "%llu bytes reserved", b.model, SNIC_FW_VERSION, b.n_uplinks,
	       b.n_vfs, b.max_entries, b.max_tables,
	       (unsigned long long)snic_fw_board_mem(&b));
	*out = fw;
	return 0;

nomem:
	snic_fw_fmt(err, errlen, "boot: the platform could not provide %llu bytes "
		    "for board '%s' (lower its steering capacities)",
		    (unsigned long long)snic_fw_board_mem(&b), b.model);
	if (fw)
		snic_fw_shutdown(fw);
	else
		for (unsigned i = 0; i < boot.n_mem; i++)
			hal->mem_free(hal->ctx, boot.mem[i].p, boot.mem[i].size);
	return -SNIC_FW_ENOMEM;
}

void snic_fw_shutdown(struct snic_fw *fw)
{
	const struct snic_fw_hal *hal;
	unsigned n;

	if (!fw)
		return;
	hal = fw->hal;
	n = fw->n_mem;
	/* mem[0] is fw itself: free it last */
	while (n-- > 1)
		hal->mem_free(hal->ctx, fw->mem[n].p, fw->mem[n].size);
	hal->mem_free(hal->ctx, fw->mem[0].p, fw->mem[0].size);
}

const struct snic_fw_board *snic_fw_get_board(const struct snic_fw *fw)
{
	return &fw->board;
}

void snic_fw_get_usage(const struct snic_fw *fw, struct snic_fw_usage *u)
{
	u->tables = fw->n_tables_used;
	u->entries = fw->n_entries;
	u->groups = fw->board.max_groups - fw->group_ids.n_free;
}
