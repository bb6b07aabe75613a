// SPDX-License-Identifier: GPL-2.0-only
/*
 * AES-256-GCM and HMAC-SHA256 on top of the kernel crypto API. The AEAD
 * works in place on one kmalloc'd buffer (AAD || text || tag) so that
 * callers never have to build scatterlists over stack memory.
 */
#include <crypto/gcm.h>
#include <linux/err.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kseal_crypto.h"

struct crypto_aead *kseal_gcm_new(const u8 *key)
{
	struct crypto_aead *tfm;
	int ret;

	tfm = crypto_alloc_aead("gcm(aes)", 0, 0);
	if (IS_ERR(tfm))
		return tfm;
	ret = crypto_aead_setkey(tfm, key, KSEAL_AES_KEY_SIZE);
	if (ret)
		goto err_free;
	ret = crypto_aead_setauthsize(tfm, KSEAL_GCM_TAG_SIZE);
	if (ret)
		goto err_free;
	return tfm;

err_free:
	crypto_free_aead(tfm);
	return ERR_PTR(ret);
}

struct crypto_shash *kseal_hmac_new(const u8 *key, unsigned int key_len)
{
	struct crypto_shash *tfm;
	int ret;

	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm))
		return tfm;
	ret = crypto_shash_setkey(tfm, key, key_len);
	if (ret) {
		crypto_free_shash(tfm);
		return ERR_PTR(ret);
	}
	return tfm;
}

/* Run one in-place GCM request over @buf: @aad_len AAD, then @crypt_len. */
static int kseal_gcm_run(struct crypto_aead *tfm, bool enc, const u8 *nonce,
			 u8 *buf, size_t aad_len, size_t crypt_len)
{
	u8 iv[GCM_AES_IV_SIZE];
	struct aead_request *req;
	struct scatterlist sg;
	DECLARE_CRYPTO_WAIT(wait);
	int ret;

	req = aead_request_alloc(tfm, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	memcpy(iv, nonce, sizeof(iv));
	sg_init_one(&sg, buf, aad_len + crypt_len +
		    (enc ? KSEAL_GCM_TAG_SIZE : 0));
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				  CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(req, aad_len);
	aead_request_set_crypt(req, &sg, &sg, crypt_len, iv);
	ret = crypto_wait_req(enc ? crypto_aead_encrypt(req) :
			      crypto_aead_decrypt(req), &wait);
	aead_request_free(req);
	return ret;
}

/* The private linear copy: @aad, then @in, then room for the tag. */
static u8 *kseal_gcm_stage(const u8 *aad, size_t aad_len, const u8 *in,
			   size_t len)
{
	u8 *buf = kmalloc(aad_len + len + KSEAL_GCM_TAG_SIZE, GFP_KERNEL);

	if (buf) {
		memcpy(buf, aad, aad_len);
		memcpy(buf + aad_len, in, len);
	}
	return buf;
}

int kseal_gcm_seal(struct crypto_aead *tfm, const u8 *nonce,
		   const u8 *aad, size_t aad_len,
		   const u8 *in, size_t len, u8 *out)
{
	u8 *buf;
	int ret;

	buf = kseal_gcm_stage(aad, aad_len, in, len);
	if (!buf)
		return -ENOMEM;
	ret = kseal_gcm_run(tfm, true, nonce, buf, aad_len, len);
	if (ret)
		goto out;
	memcpy(out, buf + aad_len, len + KSEAL_GCM_TAG_SIZE);
out:
	kfree_sensitive(buf);
	return ret;
}

int kseal_gcm_open(struct crypto_aead *tfm, const u8 *nonce,
		   const u8 *aad, size_t aad_len,
		   const u8 *in, size_t len, const u8 *tag, u8 *out)
{
	u8 *buf;
	int ret;

	buf = kseal_gcm_stage(aad, aad_len, in, len);
	if (!buf)
		return -ENOMEM;
	memcpy(buf + aad_len + len, tag, KSEAL_GCM_TAG_SIZE);
	ret = kseal_gcm_run(tfm, false, nonce, buf, aad_len,
			    len + KSEAL_GCM_TAG_SIZE);
	if (ret) {
		memzero_explicit(out, len);
		goto out;
	}
	memcpy(out, buf + aad_len, len);
out:
	kfree_sensitive(buf);
	return ret;
}

int kseal_hmac(struct crypto_shash *tfm, const u8 *data, size_t len, u8 *out)
{
	return crypto_shash_tfm_digest(tfm, data, len, out);
}
