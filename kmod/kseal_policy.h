/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Policy digests computed the way the TPM extends a policy session, so the
 * module can set an object's authPolicy without a trial session.
 */
#ifndef KSEAL_POLICY_H
#define KSEAL_POLICY_H

#include "kseal_compat.h"

#define KSEAL_POLICY_SIZE	32

#ifdef __KERNEL__
#include <crypto/sha2.h>
#else
/* Host tests provide it (the kernel's sha256 library has the same shape). */
void sha256(const u8 *data, unsigned int len, u8 *out);
#endif

/*
 * PolicyPCR: out = H(in || TPM_CC_PolicyPCR || TPML_PCR_SELECTION(sha256,
 * mask) || H(values)); values are the selected PCRs in ascending order.
 */
int kseal_policy_pcr(const u8 *in, u32 mask, const u8 *values, u32 nvalues,
		     u8 *out);
/* PolicyAuthValue: out = H(in || TPM_CC_PolicyAuthValue). */
void kseal_policy_authvalue(const u8 *in, u8 *out);
/*
 * PolicyAuthorize by the key whose sha256 Name is 0x000b || @signer (32
 * bytes), with an empty policyRef. The command resets the session digest
 * first, so there is no input: out = H(H(0^32 || TPM_CC_PolicyAuthorize ||
 * Name) || policyRef).
 */
void kseal_policy_authorize(const u8 *signer, u8 *out);
/* PolicyOR of two branches: out = H(0^32 || TPM_CC_PolicyOR || a || b). */
void kseal_policy_or2(const u8 *a, const u8 *b, u8 *out);

/*
 * The policy of a sealed blob from its header fields (include/kseal/blob.h,
 * "Policies"): @flags (KSEAL_BLOB_F_*), @mask, @lock_pcr and the blob's
 * PCR digest field (with KSEAL_BLOB_F_AUTHORIZE the digest of the signing
 * key's Name). Gives the PCR branch, the recovery branch and the
 * object's authPolicy; -EINVAL if the fields cannot describe a policy.
 */
int kseal_policy_sealed(u32 flags, u32 mask, u32 lock_pcr, const u8 *pcr_part,
			u8 *pcr_branch, u8 *recovery_branch, u8 *auth_policy);

#endif /* KSEAL_POLICY_H */
