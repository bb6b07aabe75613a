/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The session arithmetic that keeps kseal's TPM traffic secret from
 * whoever sits on the bus (TPM 2.0 Library, part 1): KDFa and KDFe, the
 * key of a salted session, the command and response HMACs over cpHash
 * and rpHash with rolling nonces, and the AES-128-CFB encryption of the
 * first parameter. Byte handling over three primitives only, so it builds
 * into the module (kernel crypto API, kseal_tpm2_crypto.c) and on the host
 * (unit tests against known answers, libFuzzer).
 */
#ifndef KSEAL_TPM2_SESSION_H
#define KSEAL_TPM2_SESSION_H

#include "kseal_compat.h"
#include "kseal_tpm2_wire.h"

#define KSEAL_SESS_DIGEST		32	/* sha256: sessions and names */
#define KSEAL_SESS_AES_KEY		16
#define KSEAL_SESS_AES_BLOCK		16

/* TPMA_SESSION bits. */
#define KSEAL_TPMA_SESSION_CONTINUE	0x01
#define KSEAL_TPMA_SESSION_DECRYPT	0x20
#define KSEAL_TPMA_SESSION_ENCRYPT	0x40

/* One piece of a message that is hashed without being copied together. */
struct kseal_span {
	const u8 *p;
	u32 len;
};

/*
 * The primitives: in the module from the kernel crypto API, on the host
 * from OpenSSL. 0 or a negative errno.
 */
int kseal_prim_hmac_sha256(const u8 *key, u32 key_len,
			   const struct kseal_span *msg, unsigned int n,
			   u8 *out);
int kseal_prim_sha256(const struct kseal_span *msg, unsigned int n, u8 *out);
/* AES-128 in CFB mode with a full-block feedback, in place. */
int kseal_prim_aes128_cfb(const u8 *key, const u8 *iv, u8 *buf, u32 len,
			  bool decrypt);

/*
 * A session as the caller keeps it. auth is the authValue that joins the
 * session key in the HMAC and CFB keys: empty for the parent (its
 * authValue is empty) and for a policy session until PolicyAuthValue.
 * nonce_caller is chosen by the caller before each command. An unsalted
 * session (bus_encryption off) only carries a policy; its auth then goes
 * in the clear, as a password.
 */
struct kseal_tpm2_sess {
	u32 handle;
	bool salted;
	u8 key[KSEAL_SESS_DIGEST];
	u8 auth[KSEAL_SESS_DIGEST];
	u16 auth_len;
	u8 nonce_caller[KSEAL_SESS_DIGEST];
	u8 nonce_tpm[KSEAL_TPM2_NONCE_MAX];
	u16 nonce_tpm_len;
};

/*
 * KDFa with HMAC-SHA256 (part 1, 11.4.10.2): @bytes (at most 64) of
 * output from @key, the NUL-terminated @label and the two contexts.
 */
int kseal_kdfa(const u8 *key, u32 key_len, const char *label,
	       const u8 *u, u32 u_len, const u8 *v, u32 v_len,
	       u8 *out, u32 bytes);
/*
 * KDFe with SHA-256 (part 1, 11.4.10.3): 32 bytes from the shared x
 * coordinate @z, @label and the two parties' x coordinates.
 */
int kseal_kdfe(const u8 *z, u32 z_len, const char *label,
	       const u8 *u, u32 u_len, const u8 *v, u32 v_len, u8 *out);

/*
 * Starts @s after StartAuthSession: keeps nonceTPM and derives the
 * session key from @salt (unbound session). s->nonce_caller must hold
 * the nonce the command sent.
 */
int kseal_sess_begin(struct kseal_tpm2_sess *s, const u8 *salt, u32 salt_len,
		     const u8 *nonce_tpm, u16 nonce_len);

/*
 * Authorises a command: with KSEAL_TPMA_SESSION_DECRYPT in @attrs first
 * encrypts, in place, the first parameter (a TPM2B at the start of
 * @params), then writes the command HMAC over cpHash (command code, the
 * handles' @names, the parameters as sent) to @hmac (32 bytes).
 */
int kseal_sess_command(struct kseal_tpm2_sess *s, u32 cc, const u8 *names,
		       u32 names_len, u8 *params, u32 params_len, u8 attrs,
		       u8 *hmac);

/*
 * Checks a successful response's HMAC over rpHash and the session's new
 * nonce, and keeps that nonce; only then, with KSEAL_TPMA_SESSION_ENCRYPT
 * in the attributes it sent, decrypts the first parameter in place.
 * -EIO when the HMAC does not verify (nothing is decrypted then),
 * -EBADMSG when the answer is inconsistent.
 */
int kseal_sess_response(struct kseal_tpm2_sess *s, u32 cc, u8 *params,
			u32 params_len, const struct kseal_tpm2_resp_auth *a,
			u8 sent_attrs);

#endif /* KSEAL_TPM2_SESSION_H */
