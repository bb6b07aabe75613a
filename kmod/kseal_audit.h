/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Audit records (type AUDIT_KERNEL_OTHER) for every operation that
 * changes what keys exist or can be unsealed: create, load, reseal,
 * revoke, lock; failures included.
 */
#ifndef KSEAL_AUDIT_H
#define KSEAL_AUDIT_H

#include <linux/types.h>

/* op: "create", "load", "reseal", "revoke"; err: 0 or -errno. */
void kseal_audit_key(const char *op, s32 serial, int err);
void kseal_audit_lock(u32 pcr, int err);

#endif /* KSEAL_AUDIT_H */
