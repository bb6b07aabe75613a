/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The exposure gate: key material is only as private as the kernel keeps
 * its memory from root. require_lockdown= refuses unseals below a kernel
 * lockdown level, and a hibernation drops every kseal key before the
 * image is written and locks the lock PCRs again on resume.
 */
#ifndef KSEAL_EXPOSURE_H
#define KSEAL_EXPOSURE_H

/*
 * 0 if key material may enter kernel memory now, else -EPERM with a
 * (ratelimited) log line: the kernel's lockdown is below require_lockdown=,
 * or a hibernation has not re-applied the PCR lock yet.
 */
int kseal_exposure_unseal_allowed(void);

/* The PM notifier: registered before the key type, removed before it. */
int kseal_exposure_init(void);
void kseal_exposure_exit(void);

#endif /* KSEAL_EXPOSURE_H */
