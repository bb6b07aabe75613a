// SPDX-License-Identifier: GPL-2.0-only
/*
 * The primitives under kseal's TPM sessions, from the kernel crypto API:
 * SHA-256 and AES from the crypto library, the ephemeral ECDH P-256 key
 * from the kpp "ecdh-nist-p256" (module ecdh_generic). The HMAC is the
 * module's one HMAC-SHA256 transform, in kseal_kdf.c. CFB is written out
 * over the AES block function: the cfb(aes) template left the kernel in
 * 6.10, and one code path serves every kernel kseal builds for.
 */
#include <crypto/aes.h>
#include <crypto/ecdh.h>
#include <crypto/kpp.h>
#include <crypto/sha2.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "kseal_tpm2_crypto.h"
#include "kseal_tpm2_session.h"

int kseal_prim_sha256(const struct kseal_span *msg, unsigned int n, u8 *out)
{
	struct sha256_state st;
	unsigned int i;

	sha256_init(&st);
	for (i = 0; i < n; i++)
		sha256_update(&st, msg[i].p, msg[i].len);
	sha256_final(&st, out);
	return 0;
}

int kseal_prim_aes128_cfb(const u8 *key, const u8 *iv, u8 *buf, u32 len,
			  bool decrypt)
{
	u8 feedback[AES_BLOCK_SIZE], stream[AES_BLOCK_SIZE];
	struct crypto_aes_ctx ctx;
	u32 off, n;
	int ret;

	ret = aes_expandkey(&ctx, key, AES_KEYSIZE_128);
	if (ret)
		return ret;
	memcpy(feedback, iv, sizeof(feedback));
	for (off = 0; off < len; off += n) {
		n = min_t(u32, len - off, AES_BLOCK_SIZE);
		aes_encrypt(&ctx, stream, feedback);
		/* The ciphertext block is the next block's input. */
		if (decrypt)
			memcpy(feedback, buf + off, n);
		crypto_xor(buf + off, stream, n);
		if (!decrypt)
			memcpy(feedback, buf + off, n);
	}
	memzero_explicit(&ctx, sizeof(ctx));
	memzero_explicit(stream, sizeof(stream));
	memzero_explicit(feedback, sizeof(feedback));
	return 0;
}

/* Layout of the one heap buffer the scatterlists point into. */
struct kseal_ecdh_buf {
	u8 peer[KSEAL_ECDH_POINT_SIZE];
	u8 eph[KSEAL_ECDH_POINT_SIZE];
	u8 z[KSEAL_ECDH_POINT_SIZE / 2];
};

int kseal_ecdh_p256(const u8 *peer, u8 *eph, u8 *z)
{
	struct ecdh params = { .key = NULL, .key_size = 0 };
	struct scatterlist src, dst;
	struct kseal_ecdh_buf *b;
	struct kpp_request *req;
	struct crypto_kpp *tfm;
	DECLARE_CRYPTO_WAIT(wait);
	unsigned int plen;
	u8 *packed;
	int ret;

	tfm = crypto_alloc_kpp("ecdh-nist-p256", 0, 0);
	if (IS_ERR(tfm)) {
		pr_err_ratelimited("no ecdh-nist-p256 in the kernel crypto API (load module ecdh_generic): salted TPM sessions need it\n");
		return PTR_ERR(tfm);
	}
	/* No private key given: the kpp makes a fresh random one. */
	plen = crypto_ecdh_key_len(&params);
	packed = kmalloc(plen, GFP_KERNEL);
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	req = kpp_request_alloc(tfm, GFP_KERNEL);
	if (!packed || !b || !req) {
		ret = -ENOMEM;
		goto out;
	}
	ret = crypto_ecdh_encode_key(packed, plen, &params);
	if (ret)
		goto out;
	ret = crypto_kpp_set_secret(tfm, packed, plen);
	if (ret)
		goto out;
	kpp_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG,
				 crypto_req_done, &wait);
	sg_init_one(&dst, b->eph, sizeof(b->eph));
	kpp_request_set_input(req, NULL, 0);
	kpp_request_set_output(req, &dst, sizeof(b->eph));
	ret = crypto_wait_req(crypto_kpp_generate_public_key(req), &wait);
	if (ret)
		goto out;
	/* The kpp checks that the TPM's point lies on the curve. */
	memcpy(b->peer, peer, sizeof(b->peer));
	sg_init_one(&src, b->peer, sizeof(b->peer));
	sg_init_one(&dst, b->z, sizeof(b->z));
	kpp_request_set_input(req, &src, sizeof(b->peer));
	kpp_request_set_output(req, &dst, sizeof(b->z));
	ret = crypto_wait_req(crypto_kpp_compute_shared_secret(req), &wait);
	if (ret)
		goto out;
	memcpy(eph, b->eph, sizeof(b->eph));
	memcpy(z, b->z, sizeof(b->z));
out:
	kpp_request_free(req);
	kfree_sensitive(b);
	kfree(packed);
	/* Freeing the transform wipes its private key. */
	crypto_free_kpp(tfm);
	return ret;
}
