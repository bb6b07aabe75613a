/* SPDX-License-Identifier: GPL-2.0-only */
/* The PCR lock (kseal_lock.c). */
#ifndef KSEAL_LOCK_H
#define KSEAL_LOCK_H

#include <linux/types.h>
#include <kseal/limits.h>	/* KSEAL_PCR_COUNT */

/* Lock: extend @pcr with a random value; the mask of PCRs locked. */
int kseal_lock_pcr(u32 pcr);
u32 kseal_locked_mask(void);
/* Whether a lock began this module's life: keys made since may be root's. */
bool kseal_lock_begun(void);

#endif /* KSEAL_LOCK_H */
