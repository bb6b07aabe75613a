// SPDX-License-Identifier: GPL-2.0-only
/*
 * TPM 2.0 response codes (TPM 2.0 Library spec part 2, TPM_RC) to errno
 * and to one readable dmesg line: an admin seeing "load failed" must be able
 * to tell a changed PCR from a wrong passphrase, a lockout or a missing key.
 */
#ifdef __KERNEL__
#include <linux/printk.h>
#endif

#include "kseal_errors.h"
#include "kseal_tpm2_wire.h"

#define KSEAL_RC_WARN		0x900
#define KSEAL_RC_REF_H0		0x910
#define KSEAL_RC_REF_S6		0x91e

struct kseal_rc_name {
	u16 code;
	const char *name;
	const char *words;
};

static const struct kseal_rc_name kseal_rc_names[] = {
	{ 0x01e, "TPM_RC_BAD_TAG", "command tag not accepted" },
	{ 0x084, "TPM_RC_VALUE", "value out of range" },
	{ 0x08a, "TPM_RC_TYPE", "wrong object type" },
	{ 0x08b, "TPM_RC_HANDLE", "handle does not exist" },
	{ 0x08e, "TPM_RC_AUTH_FAIL", "authorization failed (wrong passphrase)" },
	{ 0x095, "TPM_RC_SIZE", "size wrong" },
	{ 0x09d, "TPM_RC_POLICY_FAIL", "policy check failed (PCR values differ)" },
	{ 0x09f, "TPM_RC_INTEGRITY", "integrity check of the blob failed" },
	{ 0x0a2, "TPM_RC_BAD_AUTH", "authorization failed (wrong passphrase)" },
	{ 0x0a5, "TPM_RC_BINDING", "public and private parts do not match" },
	{ 0x101, "TPM_RC_FAILURE", "TPM in failure mode" },
	{ 0x126, "TPM_RC_POLICY", "policy session required" },
	{ 0x127, "TPM_RC_PCR", "PCR check failed" },
	{ 0x128, "TPM_RC_PCR_CHANGED", "PCR changed during the session" },
	{ 0x143, "TPM_RC_COMMAND_CODE", "command not supported" },
	{ 0x152, "TPM_RC_PARENT", "parent is not a storage key" },
	{ 0x155, "TPM_RC_SENSITIVE", "sensitive area could not be unmarshalled" },
	{ 0x902, "TPM_RC_OBJECT_MEMORY", "out of object slots" },
	{ 0x903, "TPM_RC_SESSION_MEMORY", "out of session slots" },
	{ 0x904, "TPM_RC_MEMORY", "out of memory" },
	{ 0x905, "TPM_RC_SESSION_HANDLES", "out of session handles" },
	{ 0x906, "TPM_RC_OBJECT_HANDLES", "out of object handles" },
	{ 0x908, "TPM_RC_YIELDED", "command yielded" },
	{ 0x90a, "TPM_RC_TESTING", "TPM self-test running" },
	{ 0x920, "TPM_RC_NV_RATE", "NV rate limited" },
	{ 0x921, "TPM_RC_LOCKOUT", "dictionary-attack lockout" },
	{ 0x922, "TPM_RC_RETRY", "TPM busy, retry" },
};

void kseal_rc_decode(u32 rc, struct kseal_rc_info *info)
{
	unsigned int i;

	info->where = 0;
	info->num = 0;
	if (kseal_rc_is_fmt1(rc)) {
		info->base = KSEAL_RC_FMT1 | (rc & 0x3f);
		if (rc & 0x040) {
			info->where = 'p';
			info->num = (rc >> 8) & 0xf;
		} else if (rc & 0x800) {
			info->where = 's';
			info->num = (rc >> 8) & 0x7;
		} else {
			info->where = 'h';
			info->num = (rc >> 8) & 0x7;
		}
	} else {
		info->base = rc & 0xfff;
	}
	info->name = "TPM_RC_UNKNOWN";
	info->words = "unrecognised response code";
	if (info->base >= KSEAL_RC_REF_H0 && info->base <= KSEAL_RC_REF_S6) {
		info->name = "TPM_RC_REFERENCE";
		info->words = "referenced handle or session not loaded";
		return;
	}
	for (i = 0; i < ARRAY_SIZE(kseal_rc_names); i++) {
		if (kseal_rc_names[i].code == info->base) {
			info->name = kseal_rc_names[i].name;
			info->words = kseal_rc_names[i].words;
			return;
		}
	}
	if (!(rc & (KSEAL_RC_FMT1 | KSEAL_RC_VER1))) {
		/* A TPM 1.2 code, as a dead TPM emulator's stand-in answers. */
		info->name = "TPM_RC_NOT_V2";
		info->words = "not a TPM 2.0 response code (TPM failing or not 2.0)";
	}
}

bool kseal_rc_is(u32 rc, u32 base)
{
	struct kseal_rc_info info;

	kseal_rc_decode(rc, &info);
	return info.base == base;
}

int kseal_rc_errno(u32 rc, u32 cc)
{
	struct kseal_rc_info info;

	kseal_rc_decode(rc, &info);
	switch (info.base) {
	case KSEAL_RC_POLICY_FAIL:
	case KSEAL_RC_PCR:
	case KSEAL_RC_PCR_CHANGED:
	case KSEAL_RC_AUTH_FAIL:
	case KSEAL_RC_BAD_AUTH:
		return -EKEYREJECTED;
	case KSEAL_RC_VALUE:
		/* PolicyOR refuses a session digest matching no branch. */
		return cc == KSEAL_TPM2_CC_POLICY_OR ? -EKEYREJECTED : -EINVAL;
	case KSEAL_RC_LOCKOUT:
	case KSEAL_RC_RETRY:
	case 0x908:
	case 0x90a:
	case 0x920:
		return -EBUSY;
	case KSEAL_RC_HANDLE:
		return -ENOKEY;
	case KSEAL_RC_INTEGRITY:
	case KSEAL_RC_BINDING:
	case KSEAL_RC_SENSITIVE:
		return -EBADMSG;
	case 0x902:
	case 0x903:
	case 0x904:
	case 0x905:
	case 0x906:
		return -ENOMEM;
	}
	if (info.base >= KSEAL_RC_REF_H0 && info.base <= KSEAL_RC_REF_S6)
		return -ENOKEY;
	return -EIO;
}

#ifdef __KERNEL__
int kseal_rc_report(u32 rc, u32 cc, const char *cmd)
{
	struct kseal_rc_info info;

	kseal_rc_decode(rc, &info);
	if (info.where)
		pr_err_ratelimited("TPM2_%s failed: %s (0x%03x, %s %u): %s\n",
				   cmd, info.name, rc,
				   info.where == 'p' ? "parameter" :
				   info.where == 'h' ? "handle" : "session",
				   info.num, info.words);
	else
		pr_err_ratelimited("TPM2_%s failed: %s (0x%03x): %s\n",
				   cmd, info.name, rc, info.words);
	return kseal_rc_errno(rc, cc);
}
#endif
