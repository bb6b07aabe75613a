/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TPM 2.0 command marshalling and bounds-checked response parsing.
 * Pure byte handling: compiles into the module and on the host (unit tests,
 * libFuzzer) through kseal_compat.h.
 */
#ifndef KSEAL_TPM2_WIRE_H
#define KSEAL_TPM2_WIRE_H

#include "kseal_compat.h"

#define KSEAL_TPM2_ST_NO_SESSIONS	0x8001
#define KSEAL_TPM2_ST_SESSIONS		0x8002
#define KSEAL_TPM2_HDR_LEN		10
#define KSEAL_TPM2_RS_PW		0x40000009
/* Handle types: the top byte of a handle (spec part 2, TPM_HT). */
#define KSEAL_TPM2_HT_HMAC_SESSION	0x02
#define KSEAL_TPM2_HT_POLICY_SESSION	0x03
#define KSEAL_TPM2_HT_TRANSIENT		0x80

#define KSEAL_TPM2_CC_CREATE		0x00000153
#define KSEAL_TPM2_CC_LOAD		0x00000157
#define KSEAL_TPM2_CC_UNSEAL		0x0000015e
#define KSEAL_TPM2_CC_START_AUTH_SESS	0x00000176
#define KSEAL_TPM2_CC_GET_RANDOM	0x0000017b
#define KSEAL_TPM2_CC_READ_PUBLIC	0x00000173
#define KSEAL_TPM2_CC_POLICY_PCR	0x0000017f
#define KSEAL_TPM2_CC_POLICY_OR		0x00000171
#define KSEAL_TPM2_CC_POLICY_AUTHVALUE	0x0000016b
#define KSEAL_TPM2_CC_POLICY_PASSWORD	0x0000018c
#define KSEAL_TPM2_CC_POLICY_AUTHORIZE	0x0000016a
#define KSEAL_TPM2_ST_VERIFIED		0x8022

#define KSEAL_TPM2_ALG_SHA256		0x000b
#define KSEAL_TPM2_ALG_AES		0x0006
#define KSEAL_TPM2_ALG_NULL		0x0010
#define KSEAL_TPM2_ALG_CFB		0x0043
#define KSEAL_TPM2_ALG_ECC		0x0023
#define KSEAL_TPM2_ECC_NIST_P256	0x0003
#define KSEAL_TPM2_P256_SIZE		32
/* Session nonces: part 1 wants 16 bytes at least; a digest at most. */
#define KSEAL_TPM2_NONCE_MIN		16
#define KSEAL_TPM2_NONCE_MAX		64
/* Sessions in one command: kseal uses at most two. */
#define KSEAL_TPM2_SESSIONS_MAX		2
#define KSEAL_TPM2_SHA256_SIZE		32
/* A sha256 Name: nameAlg, then the digest of the public area. */
#define KSEAL_TPM2_NAME_SIZE		(2 + KSEAL_TPM2_SHA256_SIZE)
#define KSEAL_TPM2_PCR_COUNT		24

/*
 * Command builder over a caller-owned buffer. Writes past the end set
 * overflow instead of failing each call, so a command is built straight
 * through and checked once in kseal_tpm2_cmd_finish().
 */
struct kseal_tpm2_cmd {
	u8 *data;
	u32 cap;
	u32 len;
	bool overflow;
};

void kseal_tpm2_cmd_init(struct kseal_tpm2_cmd *c, u8 *buf, u32 cap,
			 u16 tag, u32 cc);
void kseal_tpm2_put_u8(struct kseal_tpm2_cmd *c, u8 v);
void kseal_tpm2_put_u16(struct kseal_tpm2_cmd *c, u16 v);
void kseal_tpm2_put_u32(struct kseal_tpm2_cmd *c, u32 v);
void kseal_tpm2_put_bytes(struct kseal_tpm2_cmd *c, const u8 *p, u32 n);
void kseal_tpm2_put_tpm2b(struct kseal_tpm2_cmd *c, const u8 *p, u16 n);
/*
 * One session of an authorization area without a nonce: a password
 * session, or an unsalted policy session with its plain password.
 */
void kseal_tpm2_put_pw_sess(struct kseal_tpm2_cmd *c, u32 session, u8 attrs,
			    const u8 *hmac, u16 hmac_len);
/* Authorization area with that one session. */
void kseal_tpm2_put_auth(struct kseal_tpm2_cmd *c, u32 session, u8 attrs,
			 const u8 *hmac, u16 hmac_len);
/*
 * One HMAC session of an authorization area (TPMS_AUTH_COMMAND):
 * nonceCaller, attributes and room for a sha256 HMAC, whose offset it
 * returns: the HMAC is written there once the parameters that follow are
 * complete (and encrypted).
 */
u32 kseal_tpm2_put_sess(struct kseal_tpm2_cmd *c, u32 session,
			const u8 *nonce, u16 nonce_len, u8 attrs);
/* A whole authorization area of that one session. */
u32 kseal_tpm2_put_sess_auth(struct kseal_tpm2_cmd *c, u32 session,
			     const u8 *nonce, u16 nonce_len, u8 attrs);
/* TPML_PCR_SELECTION with one sha256 bank and a 24-bit mask. */
void kseal_tpm2_put_pcr_sel(struct kseal_tpm2_cmd *c, u32 mask);
/*
 * Nested sizes (TPM2B_PUBLIC, TPM2B_SENSITIVE_CREATE): open returns where
 * the u16 size goes, close patches it with the bytes written since.
 */
u32 kseal_tpm2_size16_open(struct kseal_tpm2_cmd *c);
void kseal_tpm2_size16_close(struct kseal_tpm2_cmd *c, u32 at);
/* The same for a u32 size (authorizationSize). */
u32 kseal_tpm2_size32_open(struct kseal_tpm2_cmd *c);
void kseal_tpm2_size32_close(struct kseal_tpm2_cmd *c, u32 at);
/* Patches the size field; returns the length or -E2BIG on overflow. */
int kseal_tpm2_cmd_finish(struct kseal_tpm2_cmd *c);

/* Bounds-checked reader over a response; any short read sets err. */
struct kseal_tpm2_rd {
	const u8 *p;
	u32 len;
	u32 off;
	bool err;
};

u8 kseal_tpm2_get_u8(struct kseal_tpm2_rd *r);
u16 kseal_tpm2_get_u16(struct kseal_tpm2_rd *r);
u32 kseal_tpm2_get_u32(struct kseal_tpm2_rd *r);
/* Points *out into the response; returns the TPM2B length (<= max). */
u16 kseal_tpm2_get_tpm2b(struct kseal_tpm2_rd *r, const u8 **out, u16 max);

/*
 * Validates the header (size field equal to len, known tag). Returns the
 * TPM response code in *rc and 0, or -EBADMSG when the response is
 * malformed. On rc == 0 it reads nhandles handles and, for a response with
 * sessions, limits *r to the parameter area (parameterSize checked).
 */
int kseal_tpm2_resp_open(const u8 *resp, u32 len, u32 *rc,
			 u32 *handles, unsigned int nhandles,
			 struct kseal_tpm2_rd *r);
/* 0 when the reader consumed its area exactly, else -EBADMSG. */
int kseal_tpm2_rd_done(const struct kseal_tpm2_rd *r);

/*
 * Response parsers: 0, -EBADMSG (malformed) or the TPM rc (positive).
 * Returned handles must be of the type the command creates.
 */
/* A response without handles or parameters (policy commands, extend). */
int kseal_tpm2_parse_empty(const u8 *resp, u32 len);
/*
 * A response whose one parameter is a TPM2B (GetRandom, Unseal, a digest):
 * its min..max bytes are copied to out[max], their count to *out_len.
 */
int kseal_tpm2_parse_tpm2b(const u8 *resp, u32 len, u8 *out, u16 min,
			   u16 max, u16 *out_len);
/* The session handle, and nonceTPM (16..64 bytes) pointed into resp. */
int kseal_tpm2_parse_start_auth(const u8 *resp, u32 len, u32 *session,
				const u8 **nonce, u16 *nonce_len);
int kseal_tpm2_parse_load(const u8 *resp, u32 len, u32 *handle);
int kseal_tpm2_parse_create(const u8 *resp, u32 len,
			    const u8 **pub, u16 *pub_len,
			    const u8 **priv, u16 *priv_len);
int kseal_tpm2_parse_read_public(const u8 *resp, u32 len,
				 const u8 **pub, u16 *pub_len,
				 const u8 **name, u16 *name_len);
/*
 * Session @index (0 or 1) of a successful answer to a command sent with
 * sessions (TPMS_AUTH_RESPONSE), and where its parameters lie: the offset and
 * length of the parameter area in resp, which the response HMAC covers.
 * nonce and hmac point into resp.
 */
struct kseal_tpm2_resp_auth {
	u32 params_off;
	u32 params_len;
	const u8 *nonce;
	u16 nonce_len;
	u8 attrs;
	const u8 *hmac;
	u16 hmac_len;
};

int kseal_tpm2_parse_resp_auth(const u8 *resp, u32 len, unsigned int nhandles,
			       unsigned int index,
			       struct kseal_tpm2_resp_auth *a);
/*
 * The point of an ECC NIST P-256 public area (TPMT_PUBLIC, without its
 * size): x and y, 32 bytes each, point into pub. -EOPNOTSUPP for another
 * type, curve or a signing scheme; -EBADMSG if malformed.
 */
int kseal_tpm2_parse_ecc_public(const u8 *pub, u16 len, const u8 **x,
				const u8 **y);
/*
 * PCR_Read: the TPM may return fewer PCRs than asked (8 per call in
 * practice). *got is the sha256 mask actually returned; digests are copied
 * to out[] in ascending PCR order, 32 bytes each.
 */
int kseal_tpm2_parse_pcr_read(const u8 *resp, u32 len, u32 asked,
			      u32 *got, u8 *out, u32 out_cap);

#endif /* KSEAL_TPM2_WIRE_H */
