/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SNIC_SDK_CHECK_H
#define SNIC_SDK_CHECK_H

#include <stddef.h>

/* Sum of the sizes of the DPDK driver-side structures (never 0): a symbol
 * for the snic_dpdk_sdk_check library, which exists to compile the SDK. */
size_t snic_dpdk_sdk_check(void);

#endif /* SNIC_SDK_CHECK_H */
