/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Operation counters, shown in debugfs (kseal_debugfs.c) so tests and
 * benchmarks can count what the module did (TPM commands are counted by
 * the transport, kseal_tpm2.c).
 */
#ifndef KSEAL_STATS_H
#define KSEAL_STATS_H

#include <linux/atomic.h>

struct kseal_stats {
	atomic64_t creates;	/* sealed keys created */
	atomic64_t unseals;	/* successful TPM unseals */
	atomic64_t failures;	/* failed create, load, update or lock */
	atomic64_t tang_refusals; /* loads refused by their Tang answers */
	atomic_t keys;		/* instantiated kseal keys alive */
};

extern struct kseal_stats kseal_stats;

#endif /* KSEAL_STATS_H */
