/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sealed keys: a secret generated in the kernel and sealed by the TPM
 * under the persistent parent storage key, bound to PCR values.
 */
#ifndef KSEAL_SEALED_H
#define KSEAL_SEALED_H

#include <linux/key.h>
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
 * For data keys: a sealed key by decimal serial or description in the
 * caller's keyrings (Search permission, like request_key), as a key
 * reference (key_put() it) or an ERR_PTR. kseal_registry_find() finds one
 * by id.
 */
struct key *kseal_sealed_find(const char *ref);
int kseal_sealed_id(struct key *key, u8 *id);
/* out = HMAC-SHA256(secret, label), 32 bytes. */
int kseal_sealed_derive(struct key *key, const char *label, u8 *out);

/*
 * May existing key material wrapped under a key like @from (its flags and
 * lock PCR) be wrapped under @to? 0 or -EPERM with a log line.
 */
int kseal_sealed_may_wrap(u32 from_flags, u32 from_lock_pcr, struct key *to);
/* The flags and lock PCR of a loaded sealed key, for kseal_sealed_may_wrap. */
int kseal_sealed_strictness(struct key *key, u32 *flags, u32 *lock_pcr);

#endif /* KSEAL_SEALED_H */
