// SPDX-License-Identifier: GPL-2.0-only
/*
 * TPM 2.0 session arithmetic (part 1: 11.4.10 key derivation, 19.6
 * session keys and HMACs, 21 parameter encryption). Every function here
 * works on bytes the caller owns; the secrets it derives on the stack are
 * wiped before it returns.
 */
#include "kseal_tpm2_session.h"

#define KSEAL_KDF_MAX	(2 * KSEAL_SESS_DIGEST)

int kseal_kdfa(const u8 *key, u32 key_len, const char *label,
	       const u8 *u, u32 u_len, const u8 *v, u32 v_len,
	       u8 *out, u32 bytes)
{
	u8 counter[4], bits[4], block[KSEAL_SESS_DIGEST];
	struct kseal_span msg[] = {
		{ counter, sizeof(counter) },
		/* The label goes with its terminating zero octet. */
		{ (const u8 *)label, strlen(label) + 1 },
		{ u, u_len },
		{ v, v_len },
		{ bits, sizeof(bits) },
	};
	u32 i, done;
	int ret = 0;

	if (!bytes || bytes > KSEAL_KDF_MAX)
		return -EINVAL;
	put_unaligned_be32(bytes * 8, bits);
	for (i = 1, done = 0; done < bytes; i++) {
		u32 n = bytes - done;

		if (n > sizeof(block))
			n = sizeof(block);
		put_unaligned_be32(i, counter);
		ret = kseal_prim_hmac_sha256(key, key_len, msg,
					     ARRAY_SIZE(msg), block);
		if (ret)
			break;
		memcpy(out + done, block, n);
		done += n;
	}
	memzero_explicit(block, sizeof(block));
	if (ret)
		memzero_explicit(out, bytes);
	return ret;
}

int kseal_kdfe(const u8 *z, u32 z_len, const char *label,
	       const u8 *u, u32 u_len, const u8 *v, u32 v_len, u8 *out)
{
	u8 counter[4];
	struct kseal_span msg[] = {
		{ counter, sizeof(counter) },
		{ z, z_len },
		{ (const u8 *)label, strlen(label) + 1 },
		{ u, u_len },
		{ v, v_len },
	};

	/* One round: the salt is one digest long. */
	put_unaligned_be32(1, counter);
	return kseal_prim_sha256(msg, ARRAY_SIZE(msg), out);
}

int kseal_sess_begin(struct kseal_tpm2_sess *s, const u8 *salt, u32 salt_len,
		     const u8 *nonce_tpm, u16 nonce_len)
{
	if (nonce_len < KSEAL_TPM2_NONCE_MIN || nonce_len > sizeof(s->nonce_tpm))
		return -EBADMSG;
	memcpy(s->nonce_tpm, nonce_tpm, nonce_len);
	s->nonce_tpm_len = nonce_len;
	return kseal_kdfa(salt, salt_len, "ATH", s->nonce_tpm,
			  s->nonce_tpm_len, s->nonce_caller,
			  sizeof(s->nonce_caller), s->key, sizeof(s->key));
}

/* sessionKey || authValue: the key of the HMAC and of the CFB key. */
static u32 kseal_sess_value(const struct kseal_tpm2_sess *s, u8 *value)
{
	memcpy(value, s->key, sizeof(s->key));
	memcpy(value + sizeof(s->key), s->auth, s->auth_len);
	return sizeof(s->key) + s->auth_len;
}

/*
 * CFB over the first parameter's bytes, its size field left clear. Key
 * and IV come from KDFa("CFB") over the nonces, newer first.
 */
static int kseal_sess_crypt(const struct kseal_tpm2_sess *s, u8 *params,
			    u32 params_len, const u8 *newer, u32 newer_len,
			    const u8 *older, u32 older_len, bool decrypt)
{
	u8 value[2 * KSEAL_SESS_DIGEST];
	u8 kiv[KSEAL_SESS_AES_KEY + KSEAL_SESS_AES_BLOCK];
	u32 value_len;
	u16 n;
	int ret;

	if (params_len < 2)
		return -EBADMSG;
	n = get_unaligned_be16(params);
	if (n > params_len - 2)
		return -EBADMSG;
	value_len = kseal_sess_value(s, value);
	ret = kseal_kdfa(value, value_len, "CFB", newer, newer_len, older,
			 older_len, kiv, sizeof(kiv));
	if (ret)
		goto out;
	ret = kseal_prim_aes128_cfb(kiv, kiv + KSEAL_SESS_AES_KEY, params + 2,
				    n, decrypt);
out:
	memzero_explicit(value, sizeof(value));
	memzero_explicit(kiv, sizeof(kiv));
	return ret;
}

/* HMAC(sessionKey || authValue, pHash || newer || older || attrs). */
static int kseal_sess_hmac(const struct kseal_tpm2_sess *s, const u8 *phash,
			   const u8 *newer, u32 newer_len, const u8 *older,
			   u32 older_len, u8 attrs, u8 *out)
{
	u8 value[2 * KSEAL_SESS_DIGEST];
	struct kseal_span msg[] = {
		{ phash, KSEAL_SESS_DIGEST },
		{ newer, newer_len },
		{ older, older_len },
		{ &attrs, 1 },
	};
	u32 value_len = kseal_sess_value(s, value);
	int ret;

	ret = kseal_prim_hmac_sha256(value, value_len, msg, ARRAY_SIZE(msg),
				     out);
	memzero_explicit(value, sizeof(value));
	return ret;
}

int kseal_sess_command(struct kseal_tpm2_sess *s, u32 cc, const u8 *names,
		       u32 names_len, u8 *params, u32 params_len, u8 attrs,
		       u8 *hmac)
{
	u8 cc_be[4], cp_hash[KSEAL_SESS_DIGEST];
	struct kseal_span cp[] = {
		{ cc_be, sizeof(cc_be) },
		{ names, names_len },
		{ params, params_len },
	};
	int ret;

	if (attrs & KSEAL_TPMA_SESSION_DECRYPT) {
		ret = kseal_sess_crypt(s, params, params_len, s->nonce_caller,
				       sizeof(s->nonce_caller), s->nonce_tpm,
				       s->nonce_tpm_len, false);
		if (ret)
			return ret == -EBADMSG ? -EINVAL : ret;
	}
	put_unaligned_be32(cc, cc_be);
	ret = kseal_prim_sha256(cp, ARRAY_SIZE(cp), cp_hash);
	if (ret)
		return ret;
	return kseal_sess_hmac(s, cp_hash, s->nonce_caller,
			       sizeof(s->nonce_caller), s->nonce_tpm,
			       s->nonce_tpm_len, attrs, hmac);
}

int kseal_sess_response(struct kseal_tpm2_sess *s, u32 cc, u8 *params,
			u32 params_len, const struct kseal_tpm2_resp_auth *a,
			u8 sent_attrs)
{
	u8 rc_cc[8], rp_hash[KSEAL_SESS_DIGEST], hmac[KSEAL_SESS_DIGEST];
	struct kseal_span rp[] = {
		{ rc_cc, sizeof(rc_cc) },
		{ params, params_len },
	};
	int ret;

	if (a->nonce_len < KSEAL_TPM2_NONCE_MIN ||
	    a->nonce_len > sizeof(s->nonce_tpm))
		return -EBADMSG;
	put_unaligned_be32(0, rc_cc);		/* responseCode: success */
	put_unaligned_be32(cc, rc_cc + 4);
	ret = kseal_prim_sha256(rp, ARRAY_SIZE(rp), rp_hash);
	if (ret)
		return ret;
	ret = kseal_sess_hmac(s, rp_hash, a->nonce, a->nonce_len,
			      s->nonce_caller, sizeof(s->nonce_caller),
			      a->attrs, hmac);
	if (ret)
		return ret;
	if (a->hmac_len != sizeof(hmac) ||
	    crypto_memneq(hmac, a->hmac, sizeof(hmac)))
		return -EIO;
	memcpy(s->nonce_tpm, a->nonce, a->nonce_len);
	s->nonce_tpm_len = a->nonce_len;
	if (!(sent_attrs & KSEAL_TPMA_SESSION_ENCRYPT))
		return 0;
	return kseal_sess_crypt(s, params, params_len, s->nonce_tpm,
				s->nonce_tpm_len, s->nonce_caller,
				sizeof(s->nonce_caller), true);
}
