// SPDX-License-Identifier: GPL-2.0-only
/*
 * Policy digest arithmetic (TPM 2.0 Library spec part 3, sections 23.7,
 * 23.6, 23.16 and 23.18). Uses the kernel's sha256 library: no allocation, no
 * tfm, usable from any context. Compiles on the host for unit tests.
 */
#include <kseal/blob.h>

#include "kseal_policy.h"
#include "kseal_tpm2_wire.h"

int kseal_policy_pcr(const u8 *in, u32 mask, const u8 *values, u32 nvalues,
		     u8 *out)
{
	/* in(32) || cc(4) || TPML_PCR_SELECTION(10) || pcrDigest(32) */
	u8 buf[KSEAL_POLICY_SIZE + 4 + 10 + KSEAL_POLICY_SIZE];
	struct kseal_tpm2_cmd c;
	u8 digest[KSEAL_POLICY_SIZE];

	if (!mask || mask >> KSEAL_TPM2_PCR_COUNT || !nvalues ||
	    nvalues > KSEAL_TPM2_PCR_COUNT)
		return -EINVAL;
	sha256(values, nvalues * KSEAL_POLICY_SIZE, digest);
	/* The command builder marshals the selection exactly as on the wire. */
	c.data = buf;
	c.cap = sizeof(buf);
	c.len = 0;
	c.overflow = false;
	kseal_tpm2_put_bytes(&c, in, KSEAL_POLICY_SIZE);
	kseal_tpm2_put_u32(&c, KSEAL_TPM2_CC_POLICY_PCR);
	kseal_tpm2_put_pcr_sel(&c, mask);
	kseal_tpm2_put_bytes(&c, digest, sizeof(digest));
	if (c.overflow || c.len != sizeof(buf))
		return -EINVAL;
	sha256(buf, c.len, out);
	return 0;
}

void kseal_policy_authvalue(const u8 *in, u8 *out)
{
	u8 buf[KSEAL_POLICY_SIZE + 4];

	memcpy(buf, in, KSEAL_POLICY_SIZE);
	put_unaligned_be32(KSEAL_TPM2_CC_POLICY_AUTHVALUE,
			   buf + KSEAL_POLICY_SIZE);
	sha256(buf, sizeof(buf), out);
}

void kseal_policy_authorize(const u8 *signer, u8 *out)
{
	static const u8 zero[KSEAL_POLICY_SIZE];
	u8 buf[KSEAL_POLICY_SIZE + 4 + 2 + KSEAL_POLICY_SIZE];

	/* PolicyUpdate: H(H(digest || cc || keySign) || policyRef). */
	memcpy(buf, zero, KSEAL_POLICY_SIZE);
	put_unaligned_be32(KSEAL_TPM2_CC_POLICY_AUTHORIZE,
			   buf + KSEAL_POLICY_SIZE);
	put_unaligned_be16(KSEAL_TPM2_ALG_SHA256, buf + KSEAL_POLICY_SIZE + 4);
	memcpy(buf + KSEAL_POLICY_SIZE + 6, signer, KSEAL_POLICY_SIZE);
	sha256(buf, sizeof(buf), out);
	/* The empty policyRef still costs a second hash. */
	sha256(out, KSEAL_POLICY_SIZE, out);
}

void kseal_policy_or2(const u8 *a, const u8 *b, u8 *out)
{
	u8 buf[KSEAL_POLICY_SIZE + 4 + 2 * KSEAL_POLICY_SIZE];

	memset(buf, 0, KSEAL_POLICY_SIZE);
	put_unaligned_be32(KSEAL_TPM2_CC_POLICY_OR, buf + KSEAL_POLICY_SIZE);
	memcpy(buf + KSEAL_POLICY_SIZE + 4, a, KSEAL_POLICY_SIZE);
	memcpy(buf + 2 * KSEAL_POLICY_SIZE + 4, b, KSEAL_POLICY_SIZE);
	sha256(buf, sizeof(buf), out);
}

/* PolicyPCR with the lock PCR at its boot value, zero. */
static int kseal_policy_lock(const u8 *in, u32 lock_pcr, u8 *out)
{
	static const u8 boot_value[KSEAL_POLICY_SIZE];

	return kseal_policy_pcr(in, 1U << lock_pcr, boot_value, 1, out);
}

/*
 * The PCR branch of a signed policy (blob.h): PolicyAuthorize by the
 * signer, then the lock PCR at its boot value. The signed selection is
 * the mask without L and may not be empty: PolicyPCR over no PCRs is not
 * a command the load could send.
 */
static int kseal_policy_signed(u32 flags, u32 mask, u32 lock_pcr,
			       const u8 *signer, u8 *pcr_branch)
{
	static const u8 zero[KSEAL_POLICY_SIZE];
	u32 lock_bit = 0;

	if (!(flags & KSEAL_BLOB_F_POLICY2) ||
	    !memcmp(signer, zero, KSEAL_POLICY_SIZE))
		return -EINVAL;
	if (flags & KSEAL_BLOB_F_LOCK) {
		if (lock_pcr >= KSEAL_TPM2_PCR_COUNT)
			return -EINVAL;
		lock_bit = 1U << lock_pcr;
	}
	if (!(mask & ~lock_bit))
		return -EINVAL;
	kseal_policy_authorize(signer, pcr_branch);
	if (lock_bit)
		return kseal_policy_lock(pcr_branch, lock_pcr, pcr_branch);
	return 0;
}

int kseal_policy_sealed(u32 flags, u32 mask, u32 lock_pcr, const u8 *pcr_part,
			u8 *pcr_branch, u8 *recovery_branch, u8 *auth_policy)
{
	static const u8 zero[KSEAL_POLICY_SIZE];
	bool part_empty = !memcmp(pcr_part, zero, KSEAL_POLICY_SIZE);
	bool lock = flags & KSEAL_BLOB_F_LOCK;
	int ret;

	if (flags & KSEAL_BLOB_F_AUTHORIZE) {
		ret = kseal_policy_signed(flags, mask, lock_pcr, pcr_part,
					  pcr_branch);
		if (ret)
			return ret;
	}
	if (!(flags & KSEAL_BLOB_F_POLICY2)) {
		/* Generation 1: the field is the whole PCR branch. */
		memcpy(pcr_branch, pcr_part, KSEAL_POLICY_SIZE);
		kseal_policy_authvalue(zero, recovery_branch);
	} else if (!lock) {
		if (part_empty)
			return -EINVAL;
		if (!(flags & KSEAL_BLOB_F_AUTHORIZE))
			memcpy(pcr_branch, pcr_part, KSEAL_POLICY_SIZE);
		kseal_policy_authvalue(zero, recovery_branch);
	} else {
		if (lock_pcr >= KSEAL_TPM2_PCR_COUNT)
			return -EINVAL;
		/* The PCR digest covers the other PCRs: it is empty iff none. */
		if (part_empty != !(mask & ~(1U << lock_pcr)))
			return -EINVAL;
		if (!(flags & KSEAL_BLOB_F_AUTHORIZE)) {
			ret = kseal_policy_lock(pcr_part, lock_pcr, pcr_branch);
			if (ret)
				return ret;
		}
		ret = kseal_policy_lock(zero, lock_pcr, recovery_branch);
		if (ret)
			return ret;
		kseal_policy_authvalue(recovery_branch, recovery_branch);
	}
	if (flags & KSEAL_BLOB_F_RECOVERY)
		kseal_policy_or2(pcr_branch, recovery_branch, auth_policy);
	else
		memcpy(auth_policy, pcr_branch, KSEAL_POLICY_SIZE);
	return 0;
}
