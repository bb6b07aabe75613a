// SPDX-License-Identifier: GPL-2.0-only
/*
 * The policy signing key, approved policy digests and their signatures
 * (policy_key.h). The TPMT_PUBLIC is filled as ESAPI structs and
 * marshalled by libtss2-mu, so the Name computed here is the one the TPM
 * computes for the same public area at LoadExternal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <tss2/tss2_mu.h>

#include "payload.h"
#include "policy_key.h"

void pk_sha256(const void *data, size_t n, uint8_t out[32])
{
	unsigned int len = 32;

	EVP_Digest(data, n, out, &len, EVP_sha256(), NULL);
}

static bool bn_param(EVP_PKEY *p, const char *name, uint8_t *out, size_t n)
{
	BIGNUM *bn = NULL;
	bool ok;

	if (!EVP_PKEY_get_bn_param(p, name, &bn))
		return false;
	ok = BN_bn2binpad(bn, out, (int)n) == (int)n;
	BN_free(bn);
	return ok;
}

/* The spec's attributes: a sign-only key with no policy and no secret. */
static bool fill_public(EVP_PKEY *p, TPMT_PUBLIC *t, const char **why)
{
	memset(t, 0, sizeof(*t));
	t->nameAlg = TPM2_ALG_SHA256;
	t->objectAttributes = TPMA_OBJECT_SIGN_ENCRYPT |
			      TPMA_OBJECT_USERWITHAUTH;
	if (EVP_PKEY_get_base_id(p) == EVP_PKEY_EC) {
		char group[64];
		TPMS_ECC_PARMS *e = &t->parameters.eccDetail;

		if (!EVP_PKEY_get_utf8_string_param(p,
				OSSL_PKEY_PARAM_GROUP_NAME, group,
				sizeof(group), NULL) ||
		    strcmp(group, SN_X9_62_prime256v1)) {
			*why = "an ECDSA key not on curve P-256";
			return false;
		}
		t->type = TPM2_ALG_ECC;
		e->symmetric.algorithm = TPM2_ALG_NULL;
		e->scheme.scheme = TPM2_ALG_ECDSA;
		e->scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
		e->curveID = TPM2_ECC_NIST_P256;
		e->kdf.scheme = TPM2_ALG_NULL;
		t->unique.ecc.x.size = 32;
		t->unique.ecc.y.size = 32;
		if (!bn_param(p, OSSL_PKEY_PARAM_EC_PUB_X,
			      t->unique.ecc.x.buffer, 32) ||
		    !bn_param(p, OSSL_PKEY_PARAM_EC_PUB_Y,
			      t->unique.ecc.y.buffer, 32)) {
			*why = "an ECDSA key whose point cannot be read";
			return false;
		}
		return true;
	}
	if (EVP_PKEY_get_base_id(p) == EVP_PKEY_RSA) {
		TPMS_RSA_PARMS *r = &t->parameters.rsaDetail;
		uint8_t ex[4];

		if (EVP_PKEY_get_bits(p) != 2048) {
			*why = "an RSA key of another size than 2048 bits";
			return false;
		}
		t->type = TPM2_ALG_RSA;
		r->symmetric.algorithm = TPM2_ALG_NULL;
		r->scheme.scheme = TPM2_ALG_RSASSA;
		r->scheme.details.rsassa.hashAlg = TPM2_ALG_SHA256;
		r->keyBits = 2048;
		if (!bn_param(p, OSSL_PKEY_PARAM_RSA_E, ex, sizeof(ex)) ||
		    !bn_param(p, OSSL_PKEY_PARAM_RSA_N, t->unique.rsa.buffer,
			      256)) {
			*why = "an RSA key whose exponent is not 32 bits";
			return false;
		}
		r->exponent = (uint32_t)ex[0] << 24 | (uint32_t)ex[1] << 16 |
			      (uint32_t)ex[2] << 8 | ex[3];
		/* 0 stands for the default exponent in a TPMT_PUBLIC. */
		if (r->exponent == 65537)
			r->exponent = 0;
		t->unique.rsa.size = 256;
		return true;
	}
	*why = "neither an ECDSA P-256 nor an RSA-2048 key";
	return false;
}

bool policy_key_from_pem(struct policy_key *k, const char *text, bool priv,
			 const char **why)
{
	uint8_t buf[sizeof(TPMT_PUBLIC)], *der = NULL;
	BIO *in = BIO_new_mem_buf(text, -1), *out = NULL;
	EVP_PKEY *p;
	size_t off = 0;
	BUF_MEM *mem;
	int n;

	memset(k, 0, sizeof(*k));
	p = !in ? NULL : priv ? PEM_read_bio_PrivateKey(in, NULL, NULL, NULL) :
			 PEM_read_bio_PUBKEY(in, NULL, NULL, NULL);
	BIO_free(in);
	if (!p) {
		*why = priv ? "not a PEM private key (or its passphrase is wrong)" :
			      "not a PEM public key (BEGIN PUBLIC KEY)";
		return false;
	}
	k->pkey = p;
	if (!fill_public(p, &k->pub.publicArea, why))
		goto fail;
	if (Tss2_MU_TPMT_PUBLIC_Marshal(&k->pub.publicArea, buf, sizeof(buf),
					&off)) {
		*why = "a key the TPM structures cannot hold";
		goto fail;
	}
	k->name[0] = TPM2_ALG_SHA256 >> 8;
	k->name[1] = TPM2_ALG_SHA256 & 0xff;
	pk_sha256(buf, off, k->name + 2);
	n = i2d_PUBKEY(p, &der);
	if (n <= 0) {
		*why = "a key OpenSSL cannot encode";
		goto fail;
	}
	pk_sha256(der, (size_t)n, k->fp);
	OPENSSL_free(der);
	out = BIO_new(BIO_s_mem());
	if (!out || !PEM_write_bio_PUBKEY(out, p)) {
		*why = "a key OpenSSL cannot encode";
		goto fail;
	}
	BIO_get_mem_ptr(out, &mem);
	k->pem = strndup(mem->data, mem->length);
	BIO_free(out);
	out = NULL;
	if (!k->pem) {
		*why = "out of memory";
		goto fail;
	}
	return true;
fail:
	BIO_free(out);
	policy_key_free(k);
	return false;
}

void policy_key_free(struct policy_key *k)
{
	EVP_PKEY_free(k->pkey);
	free(k->pem);
	memset(k, 0, sizeof(*k));
}

bool policy_pcr_digest(const struct pcr_state *s, uint8_t pol[PK_POL_SIZE])
{
	/* 32 zero bytes || TPM_CC_PolicyPCR || selection || pcrDigest */
	uint8_t buf[PK_POL_SIZE + 4 + sizeof(TPML_PCR_SELECTION) + 32];
	uint8_t vals[PK_PCR_COUNT * 32];
	TPML_PCR_SELECTION sel = { .count = 1 };
	size_t off = PK_POL_SIZE, nv = 0;
	int i;

	if (!s->mask || s->mask >> PK_PCR_COUNT)
		return false;
	sel.pcrSelections[0].hash = TPM2_ALG_SHA256;
	sel.pcrSelections[0].sizeofSelect = 3;
	for (i = 0; i < PK_PCR_COUNT; i++) {
		if (!(s->mask & 1U << i))
			continue;
		sel.pcrSelections[0].pcrSelect[i / 8] |= 1U << (i % 8);
		memcpy(vals + 32 * nv++, s->value[i], 32);
	}
	memset(buf, 0, PK_POL_SIZE);
	if (Tss2_MU_TPM2_CC_Marshal(TPM2_CC_PolicyPCR, buf, sizeof(buf),
				    &off) ||
	    Tss2_MU_TPML_PCR_SELECTION_Marshal(&sel, buf, sizeof(buf), &off) ||
	    off + 32 > sizeof(buf))
		return false;
	pk_sha256(vals, 32 * nv, buf + off);
	pk_sha256(buf, off + 32, pol);
	return true;
}

bool policy_sign(const struct policy_key *k, const uint8_t *pol,
		 uint8_t **sig, size_t *siglen)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	bool ok = false;

	*sig = NULL;
	if (!c || EVP_DigestSignInit(c, NULL, EVP_sha256(), NULL,
				     k->pkey) != 1 ||
	    EVP_DigestSign(c, NULL, siglen, pol, PK_POL_SIZE) != 1)
		goto out;
	*sig = malloc(*siglen);
	ok = *sig && EVP_DigestSign(c, *sig, siglen, pol, PK_POL_SIZE) == 1;
	if (!ok) {
		free(*sig);
		*sig = NULL;
	}
out:
	EVP_MD_CTX_free(c);
	return ok;
}

bool policy_verify(const struct policy_key *k, const uint8_t *pol,
		   const uint8_t *sig, size_t siglen)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	bool ok;

	ok = c && EVP_DigestVerifyInit(c, NULL, EVP_sha256(), NULL,
				       k->pkey) == 1 &&
	     EVP_DigestVerify(c, sig, siglen, pol, PK_POL_SIZE) == 1;
	EVP_MD_CTX_free(c);
	return ok;
}

bool policy_tpm_signature(const struct policy_key *k, const uint8_t *sig,
			  size_t siglen, TPMT_SIGNATURE *out)
{
	memset(out, 0, sizeof(*out));
	if (k->pub.publicArea.type == TPM2_ALG_ECC) {
		const unsigned char *p = sig;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)siglen);
		TPMS_SIGNATURE_ECC *e = &out->signature.ecdsa;
		const BIGNUM *r, *s;
		bool ok;

		if (!es)
			return false;
		ECDSA_SIG_get0(es, &r, &s);
		out->sigAlg = TPM2_ALG_ECDSA;
		e->hash = TPM2_ALG_SHA256;
		e->signatureR.size = e->signatureS.size = 32;
		ok = p == sig + siglen &&
		     BN_bn2binpad(r, e->signatureR.buffer, 32) == 32 &&
		     BN_bn2binpad(s, e->signatureS.buffer, 32) == 32;
		ECDSA_SIG_free(es);
		return ok;
	}
	if (siglen != 256)
		return false;
	out->sigAlg = TPM2_ALG_RSASSA;
	out->signature.rsassa.hash = TPM2_ALG_SHA256;
	out->signature.rsassa.sig.size = 256;
	memcpy(out->signature.rsassa.sig.buffer, sig, 256);
	return true;
}

bool pcr_mask_parse(const char *list, uint32_t *mask)
{
	return payload_pcrs_mask(list, mask) && *mask &&
	       !(*mask >> PK_PCR_COUNT);
}
