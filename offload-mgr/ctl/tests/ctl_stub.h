/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_stub.h - a stub snic-offloadd backend for the control protocol's
 * tests (test_ctl, the stub server test_snicctl.sh runs, fuzz_ctl): rules
 * kept as strings in memory, no parsing beyond what the tests need.  Not
 * part of the product.
 *
 * What it does:
 *   - a rule is "MATCH,actions=ACTIONS" (or "actions=ACTIONS"); a rule
 *     without "actions=" followed by something is EINVAL; two rules with the
 *     same MATCH are EEXIST (within a batch too); more than the capacity
 *     given to ctl_stub_new() is ENOSPC.  Every batch is atomic;
 *   - del-flows: no match = all; strict = MATCH equal; else MATCH contains
 *     the match text.  mod-flows: rules with an equal MATCH get the new
 *     actions.  replace-flows / diff-flows compare by MATCH / by full text;
 *   - dump-flows: table from a leading "table=N," (default 0), priority
 *     from "priority=N" (default 32768); even ids are in hw, odd ids in sw
 *     (reason "stub: odd ids stay in software"); a rule whose text contains
 *     "hwerr" has a failed hw counter query; counters are id * 10 packets,
 *     id * 1000 bytes;
 *   - tunnels by name (EEXIST, ENOENT); set: "log-level" takes debug, info
 *     or warn (EINVAL otherwise); "stub.fail" makes the op fail without a
 *     reason, "stub.bug" misuses a result builder (both: EIO from the
 *     library); any other key is ENOENT.
 * Thread safety: none (one server's loop).
 */
#ifndef SNIC_CTL_STUB_H
#define SNIC_CTL_STUB_H

#include <stddef.h>

#include "snic_mgr_ctl.h"

struct ctl_stub;

extern const struct snic_mgr_ctl_ops ctl_stub_ops;

/** A stub holding at most capacity rules; NULL when out of memory. */
struct ctl_stub *ctl_stub_new(size_t capacity);
/** Forget every rule and tunnel. */
void ctl_stub_reset(struct ctl_stub *st);
void ctl_stub_free(struct ctl_stub *st);
/** Rules held now, and the i-th of them (in the order added). */
size_t ctl_stub_count(const struct ctl_stub *st);
const char *ctl_stub_rule(const struct ctl_stub *st, size_t i);

#endif /* SNIC_CTL_STUB_H */
