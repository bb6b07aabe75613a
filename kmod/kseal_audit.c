// SPDX-License-Identifier: GPL-2.0-only
/*
 * Audit records. Key descriptions come from user space and the untrusted
 * string helpers are not exported to modules, so a record names the key by
 * serial only; audit_log_task_info() adds who asked.
 */
#include <linux/audit.h>

#include "kseal_audit.h"

static void kseal_audit_end(struct audit_buffer *ab, int err)
{
	if (err)
		audit_log_format(ab, " errno=%d", -err);
	audit_log_task_info(ab);
	audit_log_format(ab, " res=%d", !err);
	audit_log_end(ab);
}

void kseal_audit_key(const char *op, s32 serial, int err)
{
	struct audit_buffer *ab;

	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_KERNEL_OTHER);
	if (!ab)
		return;
	audit_log_format(ab, "op=kseal-%s key=%d", op, serial);
	kseal_audit_end(ab, err);
}

void kseal_audit_lock(u32 pcr, int err)
{
	struct audit_buffer *ab;

	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_KERNEL_OTHER);
	if (!ab)
		return;
	audit_log_format(ab, "op=kseal-lock pcr=%u", pcr);
	kseal_audit_end(ab, err);
}
