/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sealing a secret with the TPM under the parent storage key, bound to
 * PCR values (and a recovery passphrase), and unsealing it from a blob.
 */
#ifndef KSEAL_SEAL_H
#define KSEAL_SEAL_H

#include <linux/types.h>

#include "kseal_blob.h"
#include "kseal_options.h"
#include "kseal_tpm2.h"

/*
 * What to seal, and under which parent, PCRs and recovery passphrase.
 * @pin, when set, is the Name the parent must have (KSEAL_NAME_MAX
 * bytes); sealing writes the parent's Name to @name. With
 * KSEAL_BLOB_F_AUTHORIZE in @flags, @signer is the digest of the policy
 * signing key's sha256 Name and @pcr_mask the signed selection (plus the
 * lock PCR). With @tang, the blob carries that Tang section (and
 * KSEAL_BLOB_F_TANG): @secret is then the seed, not the key's secret.
 */
struct kseal_seal_req {
	const u8 *secret;
	u32 secret_len;
	const u8 *id;
	u32 parent;
	const u8 *pin;
	u8 *name;
	u32 pcr_mask;
	u32 flags;
	u32 lock_pcr;
	const u8 *signer;
	const char *pass;
	size_t pass_len;
	const struct kseal_tang *tang;
};

/* Seals r->secret now; on success *blob is a new kmalloc'ed blob. */
int kseal_seal(struct kseal_tpm2 *t, const struct kseal_seal_req *r,
	       u8 **blob, u32 *blob_len);

/*
 * Unseals the secret of blob @b into @out (KSEAL_SEALED_KEY_MAX bytes),
 * with o's recovery passphrase if it has one (else, for a signed policy,
 * o's approved policy and ticket), and checks that the blob's header is
 * the one sealed with it.
 */
int kseal_unseal(struct kseal_tpm2 *t, const struct kseal_sealed_blob *b,
		 const struct kseal_opts *o, u8 *out, u32 *out_len);

#endif /* KSEAL_SEAL_H */
