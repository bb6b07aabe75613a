/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KSEAL_DEBUGFS_H
#define KSEAL_DEBUGFS_H

/*
 * <debugfs>/kseal: the counters of kseal_stats.h and of the TPM transport,
 * for tests and benchmarks. Cannot fail: without debugfs they are absent.
 */
void kseal_debugfs_init(void);
void kseal_debugfs_exit(void);

#endif /* KSEAL_DEBUGFS_H */
