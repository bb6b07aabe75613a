// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PCR lock: extending a lock PCR with a random value ends, until
 * reboot, the loading of blobs bound with lock= to it (one TPM command,
 * PCR_Extend). The PCRs locked are remembered so that a resume from
 * hibernation can lock them again.
 */
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/printk.h>

#include "kseal_lock.h"
#include "kseal_tpm2.h"

static atomic_t kseal_locked = ATOMIC_INIT(0);
/* Locks begun this module's life: keys made after one may be root's. */
static atomic_t kseal_locks_begun = ATOMIC_INIT(0);

int kseal_lock_pcr(u32 pcr)
{
	struct kseal_tpm2 t;
	int ret;

	if (pcr >= KSEAL_PCR_COUNT || (KSEAL_PCR_RESETTABLE_MASK & BIT(pcr)))
		return -EINVAL;
	/*
	 * Counted before the extend: a key made while it runs counts as made
	 * after the lock, which only ever refuses more.
	 */
	atomic_inc(&kseal_locks_begun);
	ret = kseal_tpm2_open(&t, false);
	if (ret)
		return ret;
	ret = kseal_tpm2_pcr_extend(&t, pcr);
	kseal_tpm2_close(&t);
	if (ret)
		return ret;
	atomic_or(BIT(pcr), &kseal_locked);
	pr_info("PCR %u extended: blobs bound with lock=%u no longer load until reboot\n",
		pcr, pcr);
	return 0;
}

u32 kseal_locked_mask(void)
{
	return atomic_read(&kseal_locked);
}

bool kseal_lock_begun(void)
{
	return atomic_read(&kseal_locks_begun);
}
