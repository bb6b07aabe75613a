// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exposure gate. Key material in kernel memory is only as private as
 * the kernel keeps that memory from root: without lockdown, /proc/kcore,
 * kprobes and BPF read it, and a hibernation image holds it on disk.
 *
 * require_lockdown= (none, integrity, confidentiality; default none) is
 * the lowest kernel lockdown level at which key material may enter the
 * kernel: below it, creating and loading kseal keys is refused with EPERM.
 * Root may change it at run time (0644); a value other than those three
 * is refused.
 *
 * Before a hibernation every kseal key is revoked, so no payload is in the
 * image; after it the lock PCRs are extended again, since resuming is a
 * power cycle for the TPM and its PCRs come back reset.
 */
#include <linux/atomic.h>
#include <linux/moduleparam.h>
#include <linux/notifier.h>
#include <linux/security.h>
#include <linux/string.h>
#include <linux/suspend.h>
#include <linux/sysfs.h>
#include <kseal/limits.h>

#include "kseal_audit.h"
#include "kseal_exposure.h"
#include "kseal_key.h"
#include "kseal_lock.h"
#include "kseal_stats.h"
#include "kseal_tpm2.h"

enum kseal_lockdown {
	KSEAL_LOCKDOWN_NONE,
	KSEAL_LOCKDOWN_INTEGRITY,
	KSEAL_LOCKDOWN_CONFIDENTIALITY,
};

static const char * const kseal_lockdown_names[] = {
	[KSEAL_LOCKDOWN_NONE] = "none",
	[KSEAL_LOCKDOWN_INTEGRITY] = "integrity",
	[KSEAL_LOCKDOWN_CONFIDENTIALITY] = "confidentiality",
};

/*
 * What security_locked_down() is asked for each level: a reason of that
 * level that is about kernel memory. Integrity stops root writing kernel
 * memory (/dev/mem, and so loading code that reads it); confidentiality
 * stops reading it (/proc/kcore, kprobes, BPF).
 */
static const enum lockdown_reason kseal_lockdown_reasons[] = {
	[KSEAL_LOCKDOWN_INTEGRITY] = LOCKDOWN_DEV_MEM,
	[KSEAL_LOCKDOWN_CONFIDENTIALITY] = LOCKDOWN_KCORE,
};

static int kseal_require_lockdown = KSEAL_LOCKDOWN_NONE;

/* The highest lockdown level this module has seen the kernel at. */
static atomic_t kseal_lockdown_seen = ATOMIC_INIT(KSEAL_LOCKDOWN_NONE);

/*
 * Set from PM_HIBERNATION_PREPARE (or PM_RESTORE_PREPARE) until the lock
 * PCRs are extended again: loads in between could unseal blobs bound to a
 * lock PCR that the TPM's power cycle reset.
 */
static atomic_t kseal_relock_pending = ATOMIC_INIT(0);

static int kseal_require_set(const char *val, const struct kernel_param *kp)
{
	int level = sysfs_match_string(kseal_lockdown_names, val);

	if (level < 0)
		return -EINVAL;
	WRITE_ONCE(*(int *)kp->arg, level);
	return 0;
}

static int kseal_require_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  kseal_lockdown_names[READ_ONCE(*(int *)kp->arg)]);
}

static const struct kernel_param_ops kseal_require_ops = {
	.set = kseal_require_set,
	.get = kseal_require_get,
};

module_param_cb(require_lockdown, &kseal_require_ops,
		&kseal_require_lockdown, 0644);
MODULE_PARM_DESC(require_lockdown,
		 "lowest kernel lockdown for unsealing: none (default), integrity or confidentiality");

/*
 * The kernel's lockdown level, as far as @want needs it: the result is at
 * least @want if the kernel is locked down that far, else below it.
 *
 * The only interface on 6.1 is security_locked_down(reason), and the
 * lockdown LSM logs "Lockdown: <comm>: <reason> is restricted" each time
 * it answers yes (ratelimited, but on every unseal of a locked-down
 * machine). The level can only go up (lock_kernel_down() refuses to
 * lower it), so a yes stays true until reboot: remember the highest level
 * seen and never ask about it again. That is one such line per level per
 * module load; a no logs nothing.
 *
 * Other LSMs answer this hook too (SELinux checks its lockdown class for
 * the calling task): a denial there reads as "locked down". Debian's
 * default LSMs (AppArmor, Yama) do not implement the hook.
 */
static int kseal_lockdown_level(int want)
{
	int seen = atomic_read(&kseal_lockdown_seen);
	int level = seen;

	while (level < want &&
	       security_locked_down(kseal_lockdown_reasons[level + 1]))
		level++;
	/* Only ever raise what is remembered. */
	while (level > seen) {
		int old = atomic_cmpxchg(&kseal_lockdown_seen, seen, level);

		if (old == seen)
			break;
		seen = old;
	}
	return level;
}

int kseal_exposure_unseal_allowed(void)
{
	int want = READ_ONCE(kseal_require_lockdown);
	int level;

	if (atomic_read(&kseal_relock_pending)) {
		pr_warn_ratelimited("unseal refused: hibernating or resuming, the lock PCRs are not extended again yet\n");
		return -EPERM;
	}
	if (want == KSEAL_LOCKDOWN_NONE)
		return 0;
	level = kseal_lockdown_level(want);
	if (level >= want)
		return 0;
	pr_warn_ratelimited("unseal refused: require_lockdown=%s but the kernel's lockdown is %s (boot with lockdown=%s)\n",
			    kseal_lockdown_names[want],
			    kseal_lockdown_names[level],
			    kseal_lockdown_names[want]);
	return -EPERM;
}

/*
 * Extend every PCR locked this boot again. True when all are locked;
 * while any is not, loads stay refused (kseal_relock_pending), until
 * reboot.
 */
static bool kseal_relock(void)
{
	u32 mask = kseal_locked_mask();
	bool all = true;
	u32 pcr;
	int err;

	for (pcr = 0; pcr < KSEAL_PCR_COUNT; pcr++) {
		if (!(mask & BIT(pcr)))
			continue;
		err = kseal_lock_pcr(pcr);
		kseal_audit_lock(pcr, err);
		if (err) {
			pr_err("after hibernation: PCR %u not locked again (%d): no kseal key loads until reboot\n",
			       pcr, err);
			atomic64_inc(&kseal_stats.failures);
			all = false;
		}
	}
	if (mask && all)
		pr_info("after hibernation: lock PCRs extended again (mask 0x%x)\n",
			mask);
	return all;
}

/*
 * Where this hooks in: PM_HIBERNATION_PREPARE is the first notifier call
 * of hibernate(), before processes are frozen and the image is made; the
 * keys are revoked and their payloads wiped (after an RCU barrier) there.
 *
 * PM_POST_HIBERNATION is its last, in the resumed kernel (and after a
 * failed or test hibernation): by then every device, the TPM included, is
 * resumed and thaw_processes() has run, so all of user space runs before
 * the lock PCRs are extended again. In that window nothing kseal holds is
 * in memory and kseal refuses every create and load (kseal_relock_pending),
 * but root can unseal a copied lock-bound blob with tpm2-tools, since the
 * TPM's PCRs are back at their boot values. A notifier cannot run earlier;
 * a device PM .restore callback (before the thaw) could, and is not done.
 *
 * PM_POST_RESTORE comes after a failed restore, or after /dev/snapshot
 * was opened to restore an image from user space (uswsusp): the PCRs may
 * have been reset as well, so the lock is applied again there too.
 */
static int kseal_pm_notify(struct notifier_block *nb, unsigned long event,
			   void *unused)
{
	int ret;

	switch (event) {
	case PM_HIBERNATION_PREPARE:
		/* Before the revoke, so that no load races past it. */
		atomic_set(&kseal_relock_pending, 1);
		ret = kseal_key_revoke_all();
		/* The session salt is no less secret than the keys. */
		kseal_tpm2_forget_salt();
		kseal_audit_hibernate(ret < 0 ? 0 : ret, ret < 0 ? ret : 0);
		if (ret < 0) {
			/* No POST_HIBERNATION comes after a veto. */
			atomic_set(&kseal_relock_pending, 0);
			pr_err("hibernation refused: kseal keys still in memory (%d)\n",
			       ret);
			return notifier_from_errno(ret);
		}
		pr_info("hibernation: %d kseal keys revoked and wiped; load them again after resume\n",
			ret);
		break;
	case PM_RESTORE_PREPARE:
		atomic_set(&kseal_relock_pending, 1);
		break;
	case PM_POST_HIBERNATION:
	case PM_POST_RESTORE:
		if (kseal_relock())
			atomic_set(&kseal_relock_pending, 0);
		break;
	default:
		return NOTIFY_DONE;
	}
	return NOTIFY_OK;
}

static struct notifier_block kseal_pm_nb = {
	.notifier_call = kseal_pm_notify,
};

int kseal_exposure_init(void)
{
	return register_pm_notifier(&kseal_pm_nb);
}

void kseal_exposure_exit(void)
{
	unregister_pm_notifier(&kseal_pm_nb);
}
