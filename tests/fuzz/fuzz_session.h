/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fixed session fuzz_session checks answers against, shared with
 * mkseeds, which writes answers whose HMAC verifies.
 */
#ifndef KSEAL_FUZZ_SESSION_H
#define KSEAL_FUZZ_SESSION_H

#include "kseal_tpm2_session.h"

/* The first input byte of fuzz_session. */
#define FUZZ_SESS_INDEX1	0x01	/* the session is the second one */
#define FUZZ_SESS_HANDLE	0x02	/* the answer carries one handle */
#define FUZZ_SESS_ENCRYPT	0x04	/* the command asked for ENCRYPT */
#define FUZZ_SESS_FORGE		0x08	/* the target writes the right HMAC */
#define FUZZ_SESS_AUTH		0x10	/* an authValue joins the key */

static inline void fuzz_sess_init(struct kseal_tpm2_sess *s, bool auth)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->handle = 0x02000000;
	s->salted = true;
	for (i = 0; i < sizeof(s->key); i++) {
		s->key[i] = 0x5a ^ i;
		s->nonce_caller[i] = 0xc0 + i;
		s->nonce_tpm[i] = 0x10 + 3 * i;
	}
	s->nonce_tpm_len = 32;
	if (auth) {
		memcpy(s->auth, "pass-word", 9);
		s->auth_len = 9;
	}
}

/*
 * The response HMAC as part 1 defines it, written out here over the
 * primitives rather than taken from kseal_sess_response():
 * HMAC(sessionKey || authValue, SHA256(0 || cc || params) || nonceTPM ||
 * nonceCaller || attrs).
 */
static inline int fuzz_resp_hmac(const struct kseal_tpm2_sess *s, u32 cc,
				 const u8 *params, u32 params_len,
				 const u8 *nonce, u16 nonce_len, u8 attrs,
				 u8 *out)
{
	u8 head[8], rp[32], key[64];
	struct kseal_span rp_msg[] = {
		{ head, sizeof(head) }, { params, params_len },
	};
	struct kseal_span msg[] = {
		{ rp, sizeof(rp) }, { nonce, nonce_len },
		{ s->nonce_caller, sizeof(s->nonce_caller) }, { &attrs, 1 },
	};
	int ret;

	put_unaligned_be32(0, head);
	put_unaligned_be32(cc, head + 4);
	ret = kseal_prim_sha256(rp_msg, 2, rp);
	if (ret)
		return ret;
	memcpy(key, s->key, sizeof(s->key));
	memcpy(key + sizeof(s->key), s->auth, s->auth_len);
	return kseal_prim_hmac_sha256(key, sizeof(s->key) + s->auth_len, msg,
				      4, out);
}

#endif /* KSEAL_FUZZ_SESSION_H */
