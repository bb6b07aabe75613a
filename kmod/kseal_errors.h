/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TPM 2.0 response codes: decoding into words and mapping to errno.
 * The decoding compiles on the host for unit tests; the dmesg report is
 * kernel only.
 */
#ifndef KSEAL_ERRORS_H
#define KSEAL_ERRORS_H

#include "kseal_compat.h"

/* Format-one codes blame one handle, session or parameter. */
#define KSEAL_RC_FMT1		0x080
#define KSEAL_RC_VER1		0x100

/* Base codes (parameter/handle/session number stripped). */
#define KSEAL_RC_VALUE		0x084
#define KSEAL_RC_HANDLE		0x08b
#define KSEAL_RC_AUTH_FAIL	0x08e
#define KSEAL_RC_POLICY_FAIL	0x09d
#define KSEAL_RC_INTEGRITY	0x09f
#define KSEAL_RC_BAD_AUTH	0x0a2
#define KSEAL_RC_BINDING	0x0a5
#define KSEAL_RC_PCR		0x127
#define KSEAL_RC_PCR_CHANGED	0x128
#define KSEAL_RC_SENSITIVE	0x155
#define KSEAL_RC_LOCKOUT	0x921
#define KSEAL_RC_RETRY		0x922

/* A response code split into its parts (spec part 2, TPM_RC). */
struct kseal_rc_info {
	u32 base;		/* code without the number field */
	char where;		/* 'p'arameter, 'h'andle, 's'ession or 0 */
	u8 num;			/* which parameter/handle/session, 1-based */
	const char *name;	/* e.g. "TPM_RC_POLICY_FAIL" */
	const char *words;	/* e.g. "policy check failed (PCR mismatch)" */
};

void kseal_rc_decode(u32 rc, struct kseal_rc_info *info);
/* True if rc's base code (number field stripped) is base. */
bool kseal_rc_is(u32 rc, u32 base);
static inline bool kseal_rc_is_fmt1(u32 rc)
{
	return rc & KSEAL_RC_FMT1;
}

/* errno for a TPM response code returned by command cc. */
int kseal_rc_errno(u32 rc, u32 cc);

#ifdef __KERNEL__
/* errno as above, plus one ratelimited dmesg line naming cmd and rc. */
int kseal_rc_report(u32 rc, u32 cc, const char *cmd);
#endif

#endif /* KSEAL_ERRORS_H */
