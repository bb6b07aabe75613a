/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Data keys: random secrets made in the kernel, wrapped (AES-256-GCM) under
 * a key derived from a loaded sealed key. Loading one costs no TPM command.
 * Each key holds versions min..cur; each version has its own AES-GCM and
 * HMAC transforms, keyed on first use (kseal_pkey.c) and kept, used by
 * keyctl pkey_* without exposing the key to user space.
 */
#ifndef KSEAL_DATA_H
#define KSEAL_DATA_H

#include <crypto/aead.h>
#include <crypto/hash.h>
#include <linux/key.h>
#include <kseal/blob.h>
#include <kseal/limits.h>

#include "kseal_key.h"
#include "kseal_options.h"

struct kseal_data_ver {
	u32 version;
	u8 key[KSEAL_DATA_KEY_MAX];
	/* Both NULL until the version's first use; mac is set last. */
	struct crypto_aead *gcm;	/* HMAC(key, "kseal enc v1") */
	struct crypto_shash *mac;	/* HMAC(key, "kseal mac v1") */
	/*
	 * pkey_encrypt calls with this version since the payload was made
	 * (load, create, or an update's copy): random 96-bit GCM nonces are
	 * safe for 2^32 messages under one key, so encrypt stops there.
	 */
	atomic64_t encryptions;
};

struct kseal_data {
	struct kseal_payload hdr;
	u8 wrap_id[KSEAL_DATA_ID_SIZE];
	/* The wrapping key's blob flags and lock PCR: what rewrap must keep. */
	u32 wrap_flags;
	u32 wrap_lock_pcr;
	u32 key_len;
	u32 cur;
	u32 min;
	u32 count;
	struct kseal_data_ver v[];	/* count versions, min..cur */
};

extern const struct kseal_kind_ops kseal_data_ops;

/* The data payload @p is, or NULL for another kind's (or none). */
static inline struct kseal_data *kseal_data_of(const struct kseal_payload *p)
{
	if (!p || p->ops != &kseal_data_ops)
		return NULL;
	return container_of(p, struct kseal_data, hdr);
}

/*
 * Instantiate @key as a data key: "new" options when @blob is NULL,
 * otherwise a binary blob of kind KSEAL_BLOB_KIND_DATA ("load"). The
 * payload then carries the data kind's ops (rotate, retire, rewrap...).
 */
int kseal_data_instantiate(struct key *key, const struct kseal_opts *o,
			   const u8 *blob, size_t blob_len);

#endif /* KSEAL_DATA_H */
