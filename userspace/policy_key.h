/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Signed PCR policies: the policy signing key as the TPM sees it (its
 * TPMT_PUBLIC and Name), its fingerprint, the approved policy digest of
 * a PCR state and the signature over it. Pure arithmetic and OpenSSL:
 * signing and checking a policy need no TPM.
 */
#ifndef KSEAL_POLICY_KEY_H
#define KSEAL_POLICY_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tss2/tss2_tpm2_types.h>

#define PK_NAME_SIZE	34	/* 0x000b || sha256 */
#define PK_FP_SIZE	32	/* sha256 of the DER SubjectPublicKeyInfo */
#define PK_POL_SIZE	32
#define PK_PCR_COUNT	24

struct policy_key {
	void *pkey;		/* EVP_PKEY */
	TPM2B_PUBLIC pub;	/* what LoadExternal loads */
	uint8_t name[PK_NAME_SIZE];
	uint8_t fp[PK_FP_SIZE];
	char *pem;		/* the public key, PEM */
};

/*
 * Reads a PEM public key (ECDSA P-256 or RSA-2048) from @text, or a
 * private key when @priv; fills @k. On failure *why says what is wrong
 * and the return is false.
 */
bool policy_key_from_pem(struct policy_key *k, const char *text, bool priv,
			 const char **why);
void policy_key_free(struct policy_key *k);

/* The PCR values of a selection, in ascending PCR order. */
struct pcr_state {
	uint32_t mask;				/* bit n = PCR n */
	uint8_t value[PK_PCR_COUNT][32];	/* indexed by PCR */
};

/*
 * The approved policy of @s: PolicyPCR from 32 zero bytes over the sha256
 * bank and the PCRs of the mask. False if the mask is empty or too wide.
 */
bool policy_pcr_digest(const struct pcr_state *s, uint8_t pol[PK_POL_SIZE]);

/*
 * SHA-256 signature of the 32 bytes @pol with @k's private key: DER ECDSA
 * or RSASSA-PKCS1-v1_5, as openssl dgst -sha256 -sign writes. malloc'd.
 */
bool policy_sign(const struct policy_key *k, const uint8_t *pol,
		 uint8_t **sig, size_t *siglen);
bool policy_verify(const struct policy_key *k, const uint8_t *pol,
		   const uint8_t *sig, size_t siglen);
/* The signature as the TPM takes it (TPMT_SIGNATURE); false if malformed. */
bool policy_tpm_signature(const struct policy_key *k, const uint8_t *sig,
			  size_t siglen, TPMT_SIGNATURE *out);

/* sha256 of @n bytes. */
void pk_sha256(const void *data, size_t n, uint8_t out[32]);

/* "4,7,9" (ascending, no ranges) -> mask; pcr_mask_format is the reverse. */
bool pcr_mask_parse(const char *list, uint32_t *mask);

#endif /* KSEAL_POLICY_KEY_H */
