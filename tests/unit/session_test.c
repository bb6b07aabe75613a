// SPDX-License-Identifier: GPL-2.0-only
/*
 * Known-answer tests of the TPM 2.0 session arithmetic in
 * kmod/kseal_tpm2_session.c (KDFa, KDFe, the session key, the command and
 * response HMACs, the CFB parameter encryption), over the OpenSSL
 * primitives of host_crypto.c. The answers in session_vectors.h come from
 * gen_session_vectors.py, which computes them with Python's hashlib, hmac
 * and AES, not with this code; one KDFa answer is the TCG reference
 * implementation's own self-test.
 */
#include <stdlib.h>

#include "kseal_tpm2_session.h"
#include "kselftest_harness.h"
#include "session_vectors.h"

/* The session of the vectors: salted, key from StartAuthSession. */
static void sess_init(struct kseal_tpm2_sess *s, const u8 *auth, u16 auth_len)
{
	memset(s, 0, sizeof(*s));
	s->handle = 0x02000000;
	s->salted = true;
	memcpy(s->nonce_caller, sess_nonce_caller, sizeof(s->nonce_caller));
	memcpy(s->key, sess_key, sizeof(s->key));
	memcpy(s->nonce_tpm, sess_nonce_tpm, sizeof(sess_nonce_tpm));
	s->nonce_tpm_len = sizeof(sess_nonce_tpm);
	if (auth_len)
		memcpy(s->auth, auth, auth_len);
	s->auth_len = auth_len;
}

TEST(kdfa_tcg_self_test_vector)
{
	u8 out[sizeof(kdfa_tcg_out)];

	ASSERT_EQ(0, kseal_kdfa(kdfa_tcg_key, sizeof(kdfa_tcg_key),
				kdfa_tcg_label, kdfa_tcg_u, sizeof(kdfa_tcg_u),
				kdfa_tcg_v, sizeof(kdfa_tcg_v), out,
				sizeof(out)));
	ASSERT_EQ(0, memcmp(out, kdfa_tcg_out, sizeof(out)));
}

TEST(kdfa_one_and_two_blocks)
{
	u8 out[64];

	ASSERT_EQ(0, kseal_kdfa(kdfa_key, sizeof(kdfa_key), kdfa_label,
				kdfa_u, sizeof(kdfa_u), kdfa_v, sizeof(kdfa_v),
				out, 32));
	ASSERT_EQ(0, memcmp(out, kdfa_out32, 32));
	/* A block and a half: the second HMAC's counter is 2. */
	memset(out, 0xee, sizeof(out));
	ASSERT_EQ(0, kseal_kdfa(kdfa_key, sizeof(kdfa_key), kdfa_label,
				kdfa_u, sizeof(kdfa_u), kdfa_v, sizeof(kdfa_v),
				out, 48));
	ASSERT_EQ(0, memcmp(out, kdfa_out48, 48));
	/* Nothing written past the bytes asked for. */
	ASSERT_EQ(0xee, out[48]);
	ASSERT_EQ(0xee, out[63]);
	ASSERT_EQ(0, kseal_kdfa(kdfa_key, sizeof(kdfa_key), kdfa_label,
				kdfa_u, sizeof(kdfa_u), kdfa_v, sizeof(kdfa_v),
				out, 64));
	ASSERT_EQ(0, memcmp(out, kdfa_out64, 64));
	/* The length in bits is hashed: 48 bytes are no prefix of 64. */
	ASSERT_NE(0, memcmp(kdfa_out48, kdfa_out64, 32));
	/* Empty contexts hash nothing for them. */
	ASSERT_EQ(0, kseal_kdfa(kdfa_key, sizeof(kdfa_key), kdfa_label,
				NULL, 0, NULL, 0, out, 32));
	ASSERT_EQ(0, memcmp(out, kdfa_empty_ctx_out, 32));
}

TEST(kdfa_limits)
{
	u8 out[65];

	ASSERT_EQ(-EINVAL, kseal_kdfa(kdfa_key, sizeof(kdfa_key), kdfa_label,
				      kdfa_u, sizeof(kdfa_u), kdfa_v,
				      sizeof(kdfa_v), out, 0));
	ASSERT_EQ(-EINVAL, kseal_kdfa(kdfa_key, sizeof(kdfa_key), kdfa_label,
				      kdfa_u, sizeof(kdfa_u), kdfa_v,
				      sizeof(kdfa_v), out, 65));
}

TEST(kdfa_cfb_key_and_iv)
{
	u8 value[32 + 5], out[32];

	memcpy(value, sess_key, 32);
	memcpy(value + 32, "hello", 5);
	ASSERT_EQ(0, kseal_kdfa(value, sizeof(value), "CFB",
				sess_nonce_caller, sizeof(sess_nonce_caller),
				sess_nonce_tpm, sizeof(sess_nonce_tpm), out,
				sizeof(out)));
	ASSERT_EQ(0, memcmp(out, kdfa_cfb_kiv, sizeof(out)));
}

TEST(kdfe)
{
	u8 out[32];

	ASSERT_EQ(0, kseal_kdfe(kdfe_z, sizeof(kdfe_z), "SECRET", kdfe_u,
				sizeof(kdfe_u), kdfe_v, sizeof(kdfe_v), out));
	ASSERT_EQ(0, memcmp(out, kdfe_out, sizeof(out)));
}

TEST(session_key)
{
	struct kseal_tpm2_sess s;

	memset(&s, 0, sizeof(s));
	memcpy(s.nonce_caller, sess_nonce_caller, sizeof(s.nonce_caller));
	ASSERT_EQ(0, kseal_sess_begin(&s, sess_salt, sizeof(sess_salt),
				      sess_nonce_tpm, sizeof(sess_nonce_tpm)));
	ASSERT_EQ(0, memcmp(s.key, sess_key, sizeof(s.key)));
	ASSERT_EQ(sizeof(sess_nonce_tpm), s.nonce_tpm_len);
	ASSERT_EQ(0, memcmp(s.nonce_tpm, sess_nonce_tpm,
			    sizeof(sess_nonce_tpm)));
	/* The shortest nonceTPM part 1 allows. */
	ASSERT_EQ(0, kseal_sess_begin(&s, sess_salt, sizeof(sess_salt),
				      sess_nonce_tpm16,
				      sizeof(sess_nonce_tpm16)));
	ASSERT_EQ(0, memcmp(s.key, sess_key16, sizeof(s.key)));
	ASSERT_EQ(16, s.nonce_tpm_len);
	/* Shorter, or longer than a sha512 digest: refused. */
	ASSERT_EQ(-EBADMSG, kseal_sess_begin(&s, sess_salt, sizeof(sess_salt),
					     sess_nonce_tpm, 15));
	ASSERT_EQ(-EBADMSG, kseal_sess_begin(&s, sess_salt, sizeof(sess_salt),
					     kdfa_out64, 65));
}

TEST(command_hmac_and_decrypt)
{
	struct kseal_tpm2_sess s;
	u8 params[sizeof(cmd_params)], hmac[32];

	/* Create's inSensitive encrypted, the parent's empty authValue. */
	sess_init(&s, NULL, 0);
	memcpy(params, cmd_params, sizeof(params));
	ASSERT_EQ(0, kseal_sess_command(&s, CMD_CC, cmd_name,
					sizeof(cmd_name), params,
					sizeof(params),
					KSEAL_TPMA_SESSION_DECRYPT, hmac));
	ASSERT_EQ(0, memcmp(params, cmd_params_enc, sizeof(params)));
	/* The size field and the parameters after the first stay clear. */
	ASSERT_EQ(0, memcmp(params, cmd_params, 2));
	ASSERT_EQ(0, memcmp(params + 39, cmd_params + 39,
			    sizeof(params) - 39));
	ASSERT_NE(0, memcmp(params + 2, cmd_params + 2, 37));
	ASSERT_EQ(0, memcmp(hmac, cmd_hmac_decrypt, sizeof(hmac)));
	/* A command does not roll the nonces: the caller picks the next. */
	ASSERT_EQ(0, memcmp(s.nonce_tpm, sess_nonce_tpm, 32));

	/* No DECRYPT: the parameters as they are, authValue in the key. */
	sess_init(&s, (const u8 *)"hello", 5);
	memcpy(params, cmd_params, sizeof(params));
	ASSERT_EQ(0, kseal_sess_command(&s, CMD_CC, cmd_name,
					sizeof(cmd_name), params,
					sizeof(params),
					KSEAL_TPMA_SESSION_CONTINUE, hmac));
	ASSERT_EQ(0, memcmp(params, cmd_params, sizeof(params)));
	ASSERT_EQ(0, memcmp(hmac, cmd_hmac_plain, sizeof(hmac)));
	/* The authValue keys the CFB key too. */
	ASSERT_EQ(0, kseal_sess_command(&s, CMD_CC, cmd_name,
					sizeof(cmd_name), params,
					sizeof(params),
					KSEAL_TPMA_SESSION_DECRYPT, hmac));
	ASSERT_EQ(0, memcmp(params, cmd_params_enc_auth, sizeof(params)));
}

TEST(command_first_parameter_checked)
{
	struct kseal_tpm2_sess s;
	u8 params[sizeof(cmd_params)], hmac[32];

	sess_init(&s, NULL, 0);
	/* A first parameter longer than the parameters: nothing touched. */
	memcpy(params, cmd_params, sizeof(params));
	put_unaligned_be16(sizeof(params) - 1, params);
	ASSERT_EQ(-EINVAL, kseal_sess_command(&s, CMD_CC, cmd_name,
					      sizeof(cmd_name), params,
					      sizeof(params),
					      KSEAL_TPMA_SESSION_DECRYPT,
					      hmac));
	ASSERT_EQ(0, memcmp(params + 2, cmd_params + 2, sizeof(params) - 2));
	/* No room for a size field at all. */
	ASSERT_EQ(-EINVAL, kseal_sess_command(&s, CMD_CC, cmd_name,
					      sizeof(cmd_name), params, 1,
					      KSEAL_TPMA_SESSION_DECRYPT,
					      hmac));
	/* The whole parameter area as the first parameter is fine. */
	put_unaligned_be16(sizeof(params) - 2, params);
	ASSERT_EQ(0, kseal_sess_command(&s, CMD_CC, cmd_name,
					sizeof(cmd_name), params,
					sizeof(params),
					KSEAL_TPMA_SESSION_DECRYPT, hmac));
}

/* A copy of a vector response, its session @index parsed. */
static u8 *resp_copy(const u8 *resp, u32 len, unsigned int index,
		     struct kseal_tpm2_resp_auth *a)
{
	u8 *p = malloc(len);

	if (!p)
		abort();
	memcpy(p, resp, len);
	if (kseal_tpm2_parse_resp_auth(p, len, 0, index, a))
		abort();
	return p;
}

TEST(response_verifies_and_decrypts)
{
	struct kseal_tpm2_resp_auth a;
	struct kseal_tpm2_sess s;
	unsigned int index;
	u8 *r;

	for (index = 0; index < 2; index++) {
		const u8 *resp = index ? resp_two : resp_one;
		u32 len = index ? sizeof(resp_two) : sizeof(resp_one);

		sess_init(&s, NULL, 0);
		r = resp_copy(resp, len, index, &a);
		ASSERT_EQ(sizeof(resp_plain_params), a.params_len);
		ASSERT_EQ(0, kseal_sess_response(&s, RESP_CC,
						 r + a.params_off,
						 a.params_len, &a,
						 KSEAL_TPMA_SESSION_ENCRYPT));
		ASSERT_EQ(0, memcmp(r + a.params_off, resp_plain_params,
				    a.params_len));
		/* The TPM's new nonce is the session's now. */
		ASSERT_EQ(sizeof(resp_new_nonce), s.nonce_tpm_len);
		ASSERT_EQ(0, memcmp(s.nonce_tpm, resp_new_nonce,
				    sizeof(resp_new_nonce)));
		free(r);
	}

	/* Without ENCRYPT sent, a good HMAC leaves the bytes as they came. */
	sess_init(&s, NULL, 0);
	r = resp_copy(resp_one, sizeof(resp_one), 0, &a);
	ASSERT_EQ(0, kseal_sess_response(&s, RESP_CC, r + a.params_off,
					 a.params_len, &a, 0));
	ASSERT_EQ(0, memcmp(r, resp_one, sizeof(resp_one)));
	free(r);
}

/* Refused with -EIO: not one byte of the answer or the session changes. */
static void expect_refused(struct __test_metadata *_metadata, u8 *r, u32 len,
			   const struct kseal_tpm2_resp_auth *a, u32 cc,
			   const char *what)
{
	struct kseal_tpm2_sess s, before;
	u8 *copy = malloc(len);

	ASSERT_NE(NULL, copy);
	memcpy(copy, r, len);
	sess_init(&s, NULL, 0);
	before = s;
	EXPECT_EQ(-EIO, kseal_sess_response(&s, cc, r + a->params_off,
					    a->params_len, a,
					    KSEAL_TPMA_SESSION_ENCRYPT))
		TH_LOG("%s", what);
	EXPECT_EQ(0, memcmp(r, copy, len))
		TH_LOG("%s: the buffer changed", what);
	EXPECT_EQ(0, memcmp(&s, &before, sizeof(s)))
		TH_LOG("%s: the session changed", what);
	free(copy);
}

TEST(response_forgeries_refused)
{
	struct kseal_tpm2_resp_auth a;
	u8 *r, hmac[32];
	u32 len = sizeof(resp_one), i;

	/* Every bit of the HMAC, then every byte of the parameters. */
	for (i = 0; i < 32 * 8; i++) {
		r = resp_copy(resp_one, len, 0, &a);
		((u8 *)a.hmac)[i / 8] ^= 1 << (i % 8);
		expect_refused(_metadata, r, len, &a, RESP_CC, "hmac bit");
		free(r);
	}
	for (i = 0; i < sizeof(resp_plain_params); i++) {
		r = resp_copy(resp_one, len, 0, &a);
		r[a.params_off + i] ^= 0x01;
		expect_refused(_metadata, r, len, &a, RESP_CC, "parameter");
		free(r);
	}
	/* The nonce, the attributes and the command code are covered. */
	r = resp_copy(resp_one, len, 0, &a);
	((u8 *)a.nonce)[31] ^= 0x80;
	expect_refused(_metadata, r, len, &a, RESP_CC, "nonce");
	free(r);
	r = resp_copy(resp_one, len, 0, &a);
	a.attrs ^= KSEAL_TPMA_SESSION_CONTINUE;
	expect_refused(_metadata, r, len, &a, RESP_CC, "attributes");
	free(r);
	r = resp_copy(resp_one, len, 0, &a);
	expect_refused(_metadata, r, len, &a, RESP_CC + 1, "command code");
	free(r);

	/* An HMAC of the wrong length, even with the right bytes first. */
	r = resp_copy(resp_one, len, 0, &a);
	memcpy(hmac, a.hmac, sizeof(hmac));
	a.hmac_len = 31;
	expect_refused(_metadata, r, len, &a, RESP_CC, "31-byte hmac");
	a.hmac_len = 0;
	expect_refused(_metadata, r, len, &a, RESP_CC, "empty hmac");
	free(r);
	/* The same, as a TPM would send it: a 31-byte TPM2B. */
	r = malloc(len - 1);
	ASSERT_NE(NULL, r);
	memcpy(r, resp_one, len - 1);
	put_unaligned_be32(len - 1, r + 2);
	put_unaligned_be16(31, r + len - 1 - 33);
	ASSERT_EQ(0, kseal_tpm2_parse_resp_auth(r, len - 1, 0, 0, &a));
	ASSERT_EQ(31, a.hmac_len);
	ASSERT_EQ(0, memcmp(a.hmac, hmac, 31));
	expect_refused(_metadata, r, len - 1, &a, RESP_CC, "31-byte TPM2B");
	free(r);
}

TEST(response_nonce_checked)
{
	struct kseal_tpm2_resp_auth a;
	struct kseal_tpm2_sess s;
	u8 *r;

	sess_init(&s, NULL, 0);
	r = resp_copy(resp_one, sizeof(resp_one), 0, &a);
	a.nonce_len = 15;
	ASSERT_EQ(-EBADMSG, kseal_sess_response(&s, RESP_CC, r + a.params_off,
						a.params_len, &a,
						KSEAL_TPMA_SESSION_ENCRYPT));
	a.nonce_len = 65;
	ASSERT_EQ(-EBADMSG, kseal_sess_response(&s, RESP_CC, r + a.params_off,
						a.params_len, &a,
						KSEAL_TPMA_SESSION_ENCRYPT));
	ASSERT_EQ(0, memcmp(r, resp_one, sizeof(resp_one)));
	free(r);
}

TEST_HARNESS_MAIN
