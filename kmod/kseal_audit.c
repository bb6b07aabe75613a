// SPDX-License-Identifier: GPL-2.0-only
/*
 * Audit records. Key descriptions come from user space and the untrusted
 * string helpers are not exported to modules, so a record names the key by
 * serial only; audit_log_task_info() adds who asked.
 */
#include <linux/atomic.h>
#include <linux/audit.h>
#include <linux/ratelimit.h>

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

/*
 * Refusals of unprivileged callers: 10 records per 5 s at most, whoever
 * asks. The limit's own "callbacks suppressed" kernel log line is off
 * (MSG_ON_RELEASE, and the state is never released): the next record
 * carries the count instead.
 */
static struct ratelimit_state kseal_audit_denied_rs =
	RATELIMIT_STATE_INIT_FLAGS(kseal_audit_denied_rs, 5 * HZ, 10,
				   RATELIMIT_MSG_ON_RELEASE);
static atomic_t kseal_audit_denied_dropped = ATOMIC_INIT(0);

void kseal_audit_denied(const char *op, s32 serial)
{
	struct audit_buffer *ab;
	int dropped;

	if (!__ratelimit(&kseal_audit_denied_rs)) {
		atomic_inc(&kseal_audit_denied_dropped);
		return;
	}
	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_KERNEL_OTHER);
	if (!ab)
		return;
	audit_log_format(ab, "op=kseal-%s key=%d", op, serial);
	dropped = atomic_xchg(&kseal_audit_denied_dropped, 0);
	if (dropped)
		audit_log_format(ab, " suppressed=%d", dropped);
	kseal_audit_end(ab, -EPERM);
}

void kseal_audit_hibernate(unsigned int keys, int err)
{
	struct audit_buffer *ab;

	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_KERNEL_OTHER);
	if (!ab)
		return;
	audit_log_format(ab, "op=kseal-hibernate keys=%u", keys);
	kseal_audit_end(ab, err);
}
