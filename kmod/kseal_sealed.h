/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sealed keys: a secret generated in the kernel and sealed by the TPM
 * under the persistent parent storage key, bound to PCR values.
 */
#ifndef KSEAL_SEALED_H
#define KSEAL_SEALED_H

#include <crypto/aead.h>
#include <linux/key.h>
#include <linux/refcount.h>
#include <linux/seq_file.h>
#include <kseal/limits.h>

#include "kseal_key.h"
#include "kseal_options.h"

#define KSEAL_SEALED_ID_SIZE	32

/*
 * Instantiate @key from "new" options or from a binary blob; the payload
 * then carries the sealed kind's ops (reseal, describe, revoke...).
 */
int kseal_sealed_new(struct key *key, const struct kseal_opts *o);
int kseal_sealed_load(struct key *key, const struct kseal_opts *o,
		      const u8 *blob, size_t blob_len);

/*
 * For data keys. Each returns a key reference (key_put() it) or an
 * ERR_PTR: a sealed key by decimal serial or description in the caller's
 * keyrings (Search permission, like request_key), or by id among loaded
 * sealed keys.
 */
struct key *kseal_sealed_find(const char *ref);
struct key *kseal_sealed_find_by_id(const u8 *id);
int kseal_sealed_id(struct key *key, u8 *id);
/* out = HMAC-SHA256(secret, label), 32 bytes. */
int kseal_sealed_derive(struct key *key, const char *label, u8 *out);

/*
 * The AES-256-GCM transform keyed with the key that wraps data keys
 * (HMAC(secret, "kseal wrap v1")). It is made on first use and kept while
 * the sealed key is loaded, so thousands of data keys loaded at boot
 * derive and key it once. Refcounted: revoke drops the sealed key's
 * reference, operations in flight finish with theirs.
 */
struct kseal_wrap {
	refcount_t ref;
	struct crypto_aead *gcm;
};

/* A reference to @key's wrap transform (kseal_wrap_put() it) or ERR_PTR. */
struct kseal_wrap *kseal_sealed_wrap_get(struct key *key);
void kseal_wrap_put(struct kseal_wrap *w);
/* True if @key is a positive kseal key of the sealed kind (under RCU). */
bool kseal_key_is_sealed(const struct key *key);

/* Lock: extend @pcr with a random value; the mask of PCRs locked. */
int kseal_lock_pcr(u32 pcr);
u32 kseal_locked_mask(void);

/*
 * May existing key material wrapped under a key like @from (its flags and
 * lock PCR) be wrapped under @to? 0 or -EPERM with a log line.
 */
int kseal_sealed_may_wrap(u32 from_flags, u32 from_lock_pcr, struct key *to);
/* The flags and lock PCR of a loaded sealed key, for kseal_sealed_may_wrap. */
int kseal_sealed_strictness(struct key *key, u32 *flags, u32 *lock_pcr);

#endif /* KSEAL_SEALED_H */
