// SPDX-License-Identifier: GPL-2.0-only
/*
 * Audit records. Key descriptions come from user space and the untrusted
 * string helpers are not exported to modules, so a record names the key by
 * serial only.
 *
 * Who asked is told by pid, uid, auid and ses, which are read from the
 * task at no cost. audit_log_task_info() would add the executable's path,
 * the LSM context and every credential, at the price of a d_path() and a
 * context lookup per record, which was about a third of a data-key load:
 * a server that loads thousands of data keys at boot pays that thousands
 * of times. Where syscall auditing is on, the record joins the syscall's
 * event, whose SYSCALL record carries exe and comm anyway.
 */
#include <linux/atomic.h>
#include <linux/audit.h>
#include <linux/cred.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/uidgid.h>

#include "kseal_audit.h"

static void kseal_audit_end(struct audit_buffer *ab, int err)
{
	if (err)
		audit_log_format(ab, " errno=%d", -err);
	audit_log_format(ab, " pid=%d uid=%u auid=%u ses=%u res=%d",
			 task_tgid_nr(current),
			 from_kuid(&init_user_ns, current_uid()),
			 from_kuid(&init_user_ns, audit_get_loginuid(current)),
			 audit_get_sessionid(current), !err);
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
