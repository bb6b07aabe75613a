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
 * of times. Where syscall auditing is on, a record written in the
 * caller's context joins the syscall's event, whose SYSCALL record
 * carries exe and comm.
 *
 * Successful data-key creates, loads and updates are gathered: one record
 * lists up to KSEAL_AUDIT_BATCH serials of one operation by one caller.
 * With an audit daemon reading, each record costs a wake-up of the
 * kernel's audit thread and of the daemon, and a record written in a
 * syscall makes the kernel write that syscall's records too; a record per
 * key made a boot's data-key loads several times slower. A list record is
 * written outside any syscall's event: it names the caller by pid, uid,
 * auid and ses. The list is written when it is full, when another
 * caller or operation comes, before any other kseal record (so kseal's
 * records stay in the order of the events), and at the latest
 * KSEAL_AUDIT_DELAY after its first key. Sealed keys (one TPM unseal
 * each), failures and refusals are written at once.
 */
#include <linux/atomic.h>
#include <linux/audit.h>
#include <linux/cred.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uidgid.h>
#include <linux/workqueue.h>

#include "kseal_audit.h"

#define KSEAL_AUDIT_BATCH	64
#define KSEAL_AUDIT_DELAY	(HZ / 2)

struct kseal_audit_who {
	pid_t pid;
	uid_t uid;
	uid_t auid;
	unsigned int ses;
};

static void kseal_audit_who(struct kseal_audit_who *w)
{
	w->pid = task_tgid_nr(current);
	w->uid = from_kuid(&init_user_ns, current_uid());
	w->auid = from_kuid(&init_user_ns, audit_get_loginuid(current));
	w->ses = audit_get_sessionid(current);
}

static void kseal_audit_log_who(struct audit_buffer *ab,
				const struct kseal_audit_who *w, int err)
{
	if (err)
		audit_log_format(ab, " errno=%d", -err);
	audit_log_format(ab, " pid=%d uid=%u auid=%u ses=%u res=%d",
			 w->pid, w->uid, w->auid, w->ses, !err);
}

static void kseal_audit_batch_work(struct work_struct *work);

static struct {
	struct mutex lock;	/* the fields below; held while writing */
	struct delayed_work work;
	const char *op;
	struct kseal_audit_who who;
	unsigned int n;
	s32 serial[KSEAL_AUDIT_BATCH];
} kseal_batch = {
	.lock = __MUTEX_INITIALIZER(kseal_batch.lock),
	.work = __DELAYED_WORK_INITIALIZER(kseal_batch.work,
					   kseal_audit_batch_work, 0),
};

/* Write the pending list, if any. Called with kseal_batch.lock held. */
static void kseal_audit_batch_write(void)
{
	struct audit_buffer *ab;
	unsigned int i;

	if (!kseal_batch.n)
		return;
	ab = audit_log_start(NULL, GFP_KERNEL, AUDIT_KERNEL_OTHER);
	if (ab) {
		audit_log_format(ab, "op=kseal-%s kind=data count=%u keys=",
				 kseal_batch.op, kseal_batch.n);
		for (i = 0; i < kseal_batch.n; i++)
			audit_log_format(ab, i ? ",%d" : "%d",
					 kseal_batch.serial[i]);
		kseal_audit_log_who(ab, &kseal_batch.who, 0);
		audit_log_end(ab);
	}
	kseal_batch.n = 0;
}

/*
 * Before any other record (the listed keys came first), at the list's
 * deadline and at module exit.
 */
static void kseal_audit_flush(void)
{
	mutex_lock(&kseal_batch.lock);
	kseal_audit_batch_write();
	mutex_unlock(&kseal_batch.lock);
}

static void kseal_audit_batch_work(struct work_struct *work)
{
	kseal_audit_flush();
}

void kseal_audit_data_key(const char *op, s32 serial)
{
	struct kseal_audit_who who;

	kseal_audit_who(&who);
	mutex_lock(&kseal_batch.lock);
	if (kseal_batch.n && (strcmp(kseal_batch.op, op) ||
			      memcmp(&kseal_batch.who, &who, sizeof(who))))
		kseal_audit_batch_write();
	if (!kseal_batch.n) {
		kseal_batch.op = op;
		kseal_batch.who = who;
		schedule_delayed_work(&kseal_batch.work, KSEAL_AUDIT_DELAY);
	}
	kseal_batch.serial[kseal_batch.n++] = serial;
	if (kseal_batch.n == KSEAL_AUDIT_BATCH)
		kseal_audit_batch_write();
	mutex_unlock(&kseal_batch.lock);
}

void kseal_audit_exit(void)
{
	cancel_delayed_work_sync(&kseal_batch.work);
	kseal_audit_flush();
}

static void kseal_audit_end(struct audit_buffer *ab, int err)
{
	struct kseal_audit_who who;

	kseal_audit_who(&who);
	kseal_audit_log_who(ab, &who, err);
	audit_log_end(ab);
}

void kseal_audit_key(const char *op, s32 serial, int err)
{
	struct audit_buffer *ab;

	kseal_audit_flush();
	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_KERNEL_OTHER);
	if (!ab)
		return;
	audit_log_format(ab, "op=kseal-%s key=%d", op, serial);
	kseal_audit_end(ab, err);
}

void kseal_audit_lock(u32 pcr, int err)
{
	struct audit_buffer *ab;

	kseal_audit_flush();
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
	kseal_audit_flush();
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

	kseal_audit_flush();
	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_KERNEL_OTHER);
	if (!ab)
		return;
	audit_log_format(ab, "op=kseal-hibernate keys=%u", keys);
	kseal_audit_end(ab, err);
}
