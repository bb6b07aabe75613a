/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Loaded sealed keys by id, and the transform each one wraps data keys
 * with.
 */
#ifndef KSEAL_REGISTRY_H
#define KSEAL_REGISTRY_H

#include <crypto/aead.h>
#include <linux/key.h>
#include <linux/refcount.h>

#include "kseal_sealed.h"

/* Join @key, a sealed key being instantiated, under @id. */
int kseal_registry_add(struct key *key, const u8 *id);
/* Leave the registry (revoke, destroy); safe to call twice. */
void kseal_registry_forget(struct key *key);
/*
 * The loaded sealed key of @id: a key reference (key_put() it) or
 * ERR_PTR(-ENOKEY).
 */
struct key *kseal_registry_find(const u8 *id);

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
struct kseal_wrap *kseal_wrap_get(struct key *key);
void kseal_wrap_put(struct kseal_wrap *w);

#endif /* KSEAL_REGISTRY_H */
