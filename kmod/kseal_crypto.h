/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Crypto for data keys: AES-256-GCM (wrapping versions into blobs, pkey
 * encrypt/decrypt) and HMAC-SHA256 (pkey sign/verify). Each transform is
 * keyed once, on a key version's first use, and then shared by every
 * call on that version: no allocation or setkey per use.
 */
#ifndef KSEAL_CRYPTO_H
#define KSEAL_CRYPTO_H

#include <crypto/aead.h>
#include <crypto/hash.h>
#include <linux/types.h>

#define KSEAL_AES_KEY_SIZE	32
#define KSEAL_GCM_NONCE_SIZE	12
#define KSEAL_GCM_TAG_SIZE	16
#define KSEAL_MAC_SIZE		32

/* A gcm(aes) transform keyed with @key (32 bytes), tag 16 bytes. */
struct crypto_aead *kseal_gcm_new(const u8 *key);
/* An hmac(sha256) transform keyed with @key_len bytes of @key. */
struct crypto_shash *kseal_hmac_new(const u8 *key, unsigned int key_len);

/*
 * out (len + 16 bytes) = GCM encryption of @len bytes of @in, then the
 * tag, authenticating @aad_len bytes of @aad. Buffers may be anywhere
 * (stack included): the data goes through a private linear copy, wiped
 * after use.
 */
int kseal_gcm_seal(struct crypto_aead *tfm, const u8 *nonce,
		   const u8 *aad, size_t aad_len,
		   const u8 *in, size_t len, u8 *out);

/*
 * out (@len bytes) = GCM decryption of @in (@len bytes) checked against
 * @tag. -EBADMSG when the tag does not match; @out is zeroed then.
 */
int kseal_gcm_open(struct crypto_aead *tfm, const u8 *nonce,
		   const u8 *aad, size_t aad_len,
		   const u8 *in, size_t len, const u8 *tag, u8 *out);

/* out (32 bytes) = HMAC of @len bytes of @data with @tfm's key. */
int kseal_hmac(struct crypto_shash *tfm, const u8 *data, size_t len, u8 *out);

#endif /* KSEAL_CRYPTO_H */
