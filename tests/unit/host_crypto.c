// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host versions of the three primitives under kmod/kseal_tpm2_session.c,
 * from OpenSSL's libcrypto (link with -lcrypto): HMAC-SHA256, SHA-256 and
 * AES-128 in CFB mode with full-block feedback (CFB128, the TPM's CFB).
 * The module's own come from the kernel crypto API (kseal_kdf.c,
 * kseal_tpm2_crypto.c); session_test checks the code above them against
 * answers computed without it.
 */
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "kseal_tpm2_session.h"

int kseal_prim_hmac_sha256(const u8 *key, u32 key_len,
			   const struct kseal_span *msg, unsigned int n,
			   u8 *out)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0),
		OSSL_PARAM_END,
	};
	EVP_MAC_CTX *ctx = NULL;
	size_t out_len = 0;
	unsigned int i;
	EVP_MAC *mac;
	int ok = 0;

	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (mac)
		ctx = EVP_MAC_CTX_new(mac);
	if (ctx)
		ok = EVP_MAC_init(ctx, key, key_len, params);
	for (i = 0; ok && i < n; i++)
		if (msg[i].len)
			ok = EVP_MAC_update(ctx, msg[i].p, msg[i].len);
	if (ok)
		ok = EVP_MAC_final(ctx, out, &out_len, KSEAL_SESS_DIGEST);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	if (!ok || out_len != KSEAL_SESS_DIGEST) {
		memset(out, 0, KSEAL_SESS_DIGEST);
		return -EIO;
	}
	return 0;
}

int kseal_prim_sha256(const struct kseal_span *msg, unsigned int n, u8 *out)
{
	unsigned int i, out_len = 0;
	EVP_MD_CTX *ctx;
	int ok;

	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	for (i = 0; ok && i < n; i++)
		if (msg[i].len)
			ok = EVP_DigestUpdate(ctx, msg[i].p, msg[i].len);
	if (ok)
		ok = EVP_DigestFinal_ex(ctx, out, &out_len);
	EVP_MD_CTX_free(ctx);
	if (!ok || out_len != KSEAL_SESS_DIGEST) {
		memset(out, 0, KSEAL_SESS_DIGEST);
		return -EIO;
	}
	return 0;
}

int kseal_prim_aes128_cfb(const u8 *key, const u8 *iv, u8 *buf, u32 len,
			  bool decrypt)
{
	EVP_CIPHER_CTX *ctx;
	int ok, n = 0;

	if (len > 0x7fffffff)
		return -EINVAL;
	if (!len)
		return 0;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	ok = EVP_CipherInit_ex(ctx, EVP_aes_128_cfb128(), NULL, key, iv,
			       decrypt ? 0 : 1);
	/* CFB is a stream mode: in place, all bytes out of one update. */
	if (ok)
		ok = EVP_CipherUpdate(ctx, buf, &n, buf, (int)len);
	if (ok && (u32)n != len)
		ok = 0;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -EIO;
}
