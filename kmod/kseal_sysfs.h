/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KSEAL_SYSFS_H
#define KSEAL_SYSFS_H

/* /sys/kernel/kseal: lock (write a PCR index). */
int kseal_sysfs_init(void);
void kseal_sysfs_exit(void);

#endif /* KSEAL_SYSFS_H */
