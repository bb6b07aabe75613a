// SPDX-License-Identifier: GPL-2.0-only
/*
 * Key derivation with the kernel crypto API's hmac(sha256). The shared
 * transform is keyed per call under a mutex and rekeyed with a constant
 * afterwards, so no secret-derived state stays in it between calls.
 */
#include <crypto/hash.h>
#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "kseal_kdf.h"
#include "kseal_tpm2_session.h"

static struct crypto_shash *kseal_hmac;
static DEFINE_MUTEX(kseal_hmac_lock);

int kseal_kdf_init(void)
{
	kseal_hmac = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(kseal_hmac)) {
		int ret = PTR_ERR(kseal_hmac);

		kseal_hmac = NULL;
		return ret;
	}
	return 0;
}

void kseal_kdf_exit(void)
{
	crypto_free_shash(kseal_hmac);
	kseal_hmac = NULL;
}

int kseal_kdf(const u8 *secret, u32 secret_len, const char *label, u8 *out)
{
	static const u8 blank[KSEAL_KDF_SIZE];
	int ret;

	mutex_lock(&kseal_hmac_lock);
	ret = crypto_shash_setkey(kseal_hmac, secret, secret_len);
	if (ret)
		goto out;
	ret = crypto_shash_tfm_digest(kseal_hmac, (const u8 *)label,
				      strlen(label), out);
out:
	crypto_shash_setkey(kseal_hmac, blank, sizeof(blank));
	mutex_unlock(&kseal_hmac_lock);
	if (ret)
		memzero_explicit(out, KSEAL_KDF_SIZE);
	return ret;
}

/* The HMAC under TPM sessions (kseal_tpm2_session.c), on the same transform. */
int kseal_prim_hmac_sha256(const u8 *key, u32 key_len,
			   const struct kseal_span *msg, unsigned int n,
			   u8 *out)
{
	static const u8 blank[KSEAL_KDF_SIZE];
	SHASH_DESC_ON_STACK(desc, kseal_hmac);
	unsigned int i;
	int ret;

	mutex_lock(&kseal_hmac_lock);
	desc->tfm = kseal_hmac;
	ret = crypto_shash_setkey(kseal_hmac, key, key_len);
	if (ret)
		goto out;
	ret = crypto_shash_init(desc);
	if (ret)
		goto out;
	for (i = 0; i < n; i++) {
		ret = crypto_shash_update(desc, msg[i].p, msg[i].len);
		if (ret)
			goto out;
	}
	ret = crypto_shash_final(desc, out);
out:
	shash_desc_zero(desc);
	crypto_shash_setkey(kseal_hmac, blank, sizeof(blank));
	mutex_unlock(&kseal_hmac_lock);
	if (ret)
		memzero_explicit(out, KSEAL_KDF_SIZE);
	return ret;
}
