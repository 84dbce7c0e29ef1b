/* SPDX-License-Identifier: BSD-3-Clause */
/* strings.c - names and sentences for syndromes, statuses and drop reasons,
 * generated from the X-macro lists of snic_ifc.h. */
#include "fw_internal.h"

struct syn_desc {
	uint32_t syndrome;
	uint32_t status;
	const char *name;
	const char *text;
};

static const struct syn_desc syndromes[] = {
#define SYN(name, val, st, text) { val, SNIC_STATUS_##st, #name, text },
	SNIC_IFC_SYNDROMES(SYN)
#undef SYN
};

static const struct syn_desc *syn_find(uint32_t syndrome)
{
	for (size_t i = 0; i < sizeof(syndromes) / sizeof(syndromes[0]); i++)
		if (syndromes[i].syndrome == syndrome)
			return &syndromes[i];
	return NULL;
}

uint32_t fw_syndrome_status(uint32_t syndrome)
{
	const struct syn_desc *d = syn_find(syndrome);

	return d ? d->status : SNIC_STATUS_BAD_PARAM;
}

const char *snic_fw_syndrome_str(uint32_t syndrome)
{
	const struct syn_desc *d = syn_find(syndrome);

	return d ? d->text : "unknown syndrome";
}

const char *snic_fw_syndrome_name(uint32_t syndrome)
{
	const struct syn_desc *d = syn_find(syndrome);

	return d ? d->name : "UNKNOWN";
}

const char *snic_fw_status_str(uint32_t status)
{
	switch (status) {
	case SNIC_STATUS_OK: return "ok";
	case SNIC_STATUS_BAD_OPCODE: return "bad opcode";
	case SNIC_STATUS_BAD_PARAM: return "bad parameter";
	case SNIC_STATUS_BAD_RESOURCE: return "bad resource";
	case SNIC_STATUS_NO_RESOURCES: return "no resources";
	case SNIC_STATUS_BAD_STATE: return "bad state";
	case SNIC_STATUS_PERMISSION: return "permission denied";
	case SNIC_STATUS_BAD_LENGTH: return "bad mailbox length";
	default: return "unknown status";
	}
}

static const char *const drop_names[] = {
	"NONE",
#define DROP(name, text) #name,
	SNIC_IFC_DROPS(DROP)
#undef DROP
};
static const char *const drop_texts[] = {
	"not dropped",
#define DROP(name, text) text,
	SNIC_IFC_DROPS(DROP)
#undef DROP
};

const char *snic_fw_drop_name(uint32_t reason)
{
	return reason < SNIC_DROP_MAX_ ? drop_names[reason] : "UNKNOWN";
}

const char *snic_fw_drop_str(uint32_t reason)
{
	return reason < SNIC_DROP_MAX_ ? drop_texts[reason] : "unknown drop reason";
}
