/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Audit records (type AUDIT_KERNEL_OTHER) for every operation that
 * changes what keys exist or can be unsealed: create, load, reseal,
 * revoke, lock, hibernate; failures included.
 */
#ifndef KSEAL_AUDIT_H
#define KSEAL_AUDIT_H

#include <linux/types.h>

/* op: "create", "load", "reseal", "revoke"; err: 0 or -errno. */
void kseal_audit_key(const char *op, s32 serial, int err);
/*
 * A data key created, loaded or updated (@op a string literal: "create",
 * "load", "update"): listed with others in one record, written within
 * KSEAL_AUDIT_DELAY.
 */
void kseal_audit_data_key(const char *op, s32 serial);
/* Module exit: the pending list written, no work item left. */
void kseal_audit_exit(void);
void kseal_audit_lock(u32 pcr, int err);
/*
 * A caller without CAP_SYS_ADMIN refused (EPERM) at @op: ratelimited, so
 * that a user cannot flood the audit log; a record that follows dropped
 * ones says how many with suppressed=N.
 */
void kseal_audit_denied(const char *op, s32 serial);
/* Keys revoked before a hibernation; err: 0 or -errno (it was refused). */
void kseal_audit_hibernate(unsigned int keys, int err);

#endif /* KSEAL_AUDIT_H */
