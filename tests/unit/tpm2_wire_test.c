// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of the TPM 2.0 command builder and response parsers in
 * kmod/kseal_tpm2_wire.c: exact bytes of built commands, and rejection of
 * every malformed response shape a broken or hostile TPM could send.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ecc_srk_public.h"
#include "kseal_tpm2_wire.h"
#include "kseal_errors.h"
#include "kseal_policy.h"
#include "kselftest_harness.h"

/* Small response builder: header is patched by resp_end(). */
struct rb {
	u8 b[1024];
	u32 n;
};

static void rb_u8(struct rb *r, u8 v) { r->b[r->n++] = v; }
static void rb_u16(struct rb *r, u16 v) { put_unaligned_be16(v, r->b + r->n); r->n += 2; }
static void rb_u32(struct rb *r, u32 v) { put_unaligned_be32(v, r->b + r->n); r->n += 4; }
static void rb_2b(struct rb *r, u16 n, u8 fill)
{
	rb_u16(r, n);
	memset(r->b + r->n, fill, n);
	r->n += n;
}

static void rb_begin(struct rb *r, u16 tag, u32 rc)
{
	r->n = 0;
	rb_u16(r, tag);
	rb_u32(r, 0);
	rb_u32(r, rc);
}

static void rb_end(struct rb *r)
{
	put_unaligned_be32(r->n, r->b + 2);
}

/* Auth area of one password session response: empty nonce, attrs, empty hmac. */
static void rb_auth(struct rb *r)
{
	rb_u16(r, 0);
	rb_u8(r, 1);
	rb_u16(r, 0);
}

TEST(get_random_command_bytes)
{
	static const u8 want[] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7b,
				   0, 32 };
	struct kseal_tpm2_cmd c;
	u8 buf[64];

	kseal_tpm2_cmd_init(&c, buf, sizeof(buf), KSEAL_TPM2_ST_NO_SESSIONS,
			    KSEAL_TPM2_CC_GET_RANDOM);
	kseal_tpm2_put_u16(&c, 32);
	ASSERT_EQ(12, kseal_tpm2_cmd_finish(&c));
	ASSERT_EQ(0, memcmp(buf, want, sizeof(want)));
}

TEST(auth_and_pcr_selection_bytes)
{
	static const u8 want[] = {
		0, 0, 0, 13, 0x40, 0, 0, 9, 0, 0, 1, 0, 4, 'a', 'b', 'c', 'd',
		0, 0, 0, 1, 0, 0x0b, 3, 0x85, 0x00, 0x80,
	};
	struct kseal_tpm2_cmd c;
	u8 buf[64];

	kseal_tpm2_cmd_init(&c, buf, sizeof(buf), KSEAL_TPM2_ST_SESSIONS,
			    KSEAL_TPM2_CC_UNSEAL);
	kseal_tpm2_put_auth(&c, KSEAL_TPM2_RS_PW, 1, (const u8 *)"abcd", 4);
	kseal_tpm2_put_pcr_sel(&c, (1u << 0) | (1u << 2) | (1u << 7) |
			       (1u << 23));
	ASSERT_EQ((int)(10 + sizeof(want)), kseal_tpm2_cmd_finish(&c));
	ASSERT_EQ(0, memcmp(buf + 10, want, sizeof(want)));
}

TEST(command_overflow_is_reported_once)
{
	struct kseal_tpm2_cmd c;
	u8 buf[16];
	u8 big[32] = { 0 };

	kseal_tpm2_cmd_init(&c, buf, sizeof(buf), KSEAL_TPM2_ST_NO_SESSIONS,
			    KSEAL_TPM2_CC_GET_RANDOM);
	kseal_tpm2_put_bytes(&c, big, sizeof(big));
	kseal_tpm2_put_u8(&c, 1);	/* would fit, but the build is spoilt */
	ASSERT_EQ(-E2BIG, kseal_tpm2_cmd_finish(&c));
	kseal_tpm2_cmd_init(&c, buf, 6, KSEAL_TPM2_ST_NO_SESSIONS, 1);
	ASSERT_EQ(-E2BIG, kseal_tpm2_cmd_finish(&c));
}

TEST(nested_sizes)
{
	struct kseal_tpm2_cmd c;
	u8 buf[32], small[14];
	u32 at;

	kseal_tpm2_cmd_init(&c, buf, sizeof(buf), KSEAL_TPM2_ST_NO_SESSIONS,
			    KSEAL_TPM2_CC_CREATE);
	at = kseal_tpm2_size16_open(&c);
	kseal_tpm2_put_u32(&c, 0x01020304);
	kseal_tpm2_put_u8(&c, 5);
	kseal_tpm2_size16_close(&c, at);
	ASSERT_EQ(17, kseal_tpm2_cmd_finish(&c));
	EXPECT_EQ(5, get_unaligned_be16(buf + 10));
	EXPECT_EQ(5, buf[16]);
	/* A nested size that ran out of room spoils the whole command. */
	kseal_tpm2_cmd_init(&c, small, sizeof(small), KSEAL_TPM2_ST_NO_SESSIONS,
			    KSEAL_TPM2_CC_CREATE);
	at = kseal_tpm2_size16_open(&c);
	kseal_tpm2_put_u32(&c, 1);
	kseal_tpm2_size16_close(&c, at);
	ASSERT_EQ(-E2BIG, kseal_tpm2_cmd_finish(&c));
}

TEST(empty_responses)
{
	struct rb r;

	rb_begin(&r, KSEAL_TPM2_ST_NO_SESSIONS, 0);
	rb_end(&r);
	ASSERT_EQ(0, kseal_tpm2_parse_empty(r.b, r.n));
	/* PCR_Extend answers with sessions: parameterSize 0, one auth. */
	rb_begin(&r, KSEAL_TPM2_ST_SESSIONS, 0);
	rb_u32(&r, 0);
	rb_auth(&r);
	rb_end(&r);
	ASSERT_EQ(0, kseal_tpm2_parse_empty(r.b, r.n));
	/* A parameter where none belongs is malformed. */
	rb_begin(&r, KSEAL_TPM2_ST_NO_SESSIONS, 0);
	rb_u16(&r, 0);
	rb_end(&r);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_empty(r.b, r.n));
	rb_begin(&r, KSEAL_TPM2_ST_NO_SESSIONS, 0x1c4);
	rb_end(&r);
	ASSERT_EQ(0x1c4, kseal_tpm2_parse_empty(r.b, r.n));
	ASSERT_TRUE(kseal_rc_is(0x1c4, KSEAL_RC_VALUE));
	ASSERT_TRUE(kseal_rc_is(0x128, KSEAL_RC_PCR_CHANGED));
	ASSERT_FALSE(kseal_rc_is(0x99d, KSEAL_RC_PCR_CHANGED));
}

TEST(error_response_returns_rc)
{
	struct rb r;
	u8 out[32];
	u16 got;

	rb_begin(&r, KSEAL_TPM2_ST_NO_SESSIONS, 0x99d);
	rb_end(&r);
	ASSERT_EQ(0x99d, kseal_tpm2_parse_tpm2b(r.b, r.n, out, 0, 32, &got));
	/* An error header followed by bytes is malformed. */
	rb_u8(&r, 0);
	rb_end(&r);
	ASSERT_EQ(-EBADMSG,
		  kseal_tpm2_parse_tpm2b(r.b, r.n, out, 0, 32, &got));
	/* rc with the top bit set cannot be returned as a positive int. */
	rb_begin(&r, KSEAL_TPM2_ST_NO_SESSIONS, 0x80000001);
	rb_end(&r);
	ASSERT_EQ(-EBADMSG,
		  kseal_tpm2_parse_tpm2b(r.b, r.n, out, 0, 32, &got));
}

TEST(header_checks)
{
	struct rb r;
	u8 out[32];
	u16 got;

	rb_begin(&r, KSEAL_TPM2_ST_NO_SESSIONS, 0);
	rb_2b(&r, 4, 0xaa);
	rb_end(&r);
	ASSERT_EQ(0, kseal_tpm2_parse_tpm2b(r.b, r.n, out, 0, 32, &got));
	ASSERT_EQ(4, got);
	ASSERT_EQ(0xaa, out[3]);
	/* size field disagreeing with the buffer length */
	put_unaligned_be32(r.n + 1, r.b + 2);
	ASSERT_EQ(-EBADMSG,
		  kseal_tpm2_parse_tpm2b(r.b, r.n, out, 0, 32, &got));
	put_unaligned_be32(r.n, r.b + 2);
	/* unknown tag */
	put_unaligned_be16(0x00c4, r.b);
	ASSERT_EQ(-EBADMSG,
		  kseal_tpm2_parse_tpm2b(r.b, r.n, out, 0, 32, &got));
	put_unaligned_be16(KSEAL_TPM2_ST_NO_SESSIONS, r.b);
	/* more random bytes than asked for */
	ASSERT_EQ(-EBADMSG,
		  kseal_tpm2_parse_tpm2b(r.b, r.n, out, 0, 3, &got));
	/* trailing garbage */
	rb_u8(&r, 0);
	rb_end(&r);
	ASSERT_EQ(-EBADMSG,
		  kseal_tpm2_parse_tpm2b(r.b, r.n, out, 0, 32, &got));
}

static void build_load(struct rb *r)
{
	rb_begin(r, KSEAL_TPM2_ST_SESSIONS, 0);
	rb_u32(r, 0x80000001);
	rb_u32(r, 2 + 34);
	rb_2b(r, 34, 0x0b);
	rb_auth(r);
	rb_end(r);
}

TEST(load_with_sessions)
{
	struct rb r;
	u32 h = 0;

	build_load(&r);
	ASSERT_EQ(0, kseal_tpm2_parse_load(r.b, r.n, &h));
	ASSERT_EQ(0x80000001u, h);
	/* Load must hand back a transient object handle. */
	put_unaligned_be32(0x81000001, r.b + 10);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_load(r.b, r.n, &h));
	build_load(&r);
	/* parameterSize beyond the buffer */
	put_unaligned_be32(0x7fffffff, r.b + 14);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_load(r.b, r.n, &h));
	/* parameterSize one short: the name spills into the auth area */
	put_unaligned_be32(35, r.b + 14);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_load(r.b, r.n, &h));
	/* auth area with a trailing byte */
	build_load(&r);
	rb_u8(&r, 0);
	rb_end(&r);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_load(r.b, r.n, &h));
}

TEST(every_truncation_rejected)
{
	const u8 *pub, *priv;
	u16 publ, privl;
	struct rb r;
	u32 h, n;

	build_load(&r);
	for (n = 0; n < r.n; n++) {
		u8 *copy = malloc(n ? n : 1);

		memcpy(copy, r.b, n);
		if (n >= 6)	/* keep the size field consistent */
			put_unaligned_be32(n, copy + 2);
		EXPECT_EQ(-EBADMSG, kseal_tpm2_parse_load(copy, n, &h))
			TH_LOG("load truncated at %u", n);
		free(copy);
	}

	rb_begin(&r, KSEAL_TPM2_ST_SESSIONS, 0);
	rb_u32(&r, 0);
	rb_2b(&r, 50, 1);	/* outPrivate */
	rb_2b(&r, 60, 2);	/* outPublic */
	rb_2b(&r, 8, 3);	/* creationData */
	rb_2b(&r, 32, 4);	/* creationHash */
	rb_u16(&r, 0x8021);
	rb_u32(&r, 0x40000001);
	rb_2b(&r, 32, 5);
	put_unaligned_be32(r.n - 14, r.b + 10);
	rb_auth(&r);
	rb_end(&r);
	ASSERT_EQ(0, kseal_tpm2_parse_create(r.b, r.n, &pub, &publ, &priv,
					     &privl));
	ASSERT_EQ(60, publ);
	ASSERT_EQ(50, privl);
	ASSERT_EQ(2, pub[59]);
	ASSERT_EQ(1, priv[0]);
	for (n = 0; n < r.n; n++) {
		u8 *copy = malloc(n ? n : 1);

		memcpy(copy, r.b, n);
		if (n >= 6)
			put_unaligned_be32(n, copy + 2);
		EXPECT_EQ(-EBADMSG, kseal_tpm2_parse_create(copy, n, &pub,
							    &publ, &priv,
							    &privl))
			TH_LOG("create truncated at %u", n);
		free(copy);
	}
}

static void build_pcr_read(struct rb *r, u32 mask, u32 ndig)
{
	u32 i;

	rb_begin(r, KSEAL_TPM2_ST_NO_SESSIONS, 0);
	rb_u32(r, 42);
	rb_u32(r, 1);
	rb_u16(r, KSEAL_TPM2_ALG_SHA256);
	rb_u8(r, 3);
	rb_u8(r, mask & 0xff);
	rb_u8(r, (mask >> 8) & 0xff);
	rb_u8(r, (mask >> 16) & 0xff);
	rb_u32(r, ndig);
	for (i = 0; i < ndig; i++)
		rb_2b(r, 32, 0x10 + i);
	rb_end(r);
}

TEST(pcr_read)
{
	u8 out[24 * 32];
	struct rb r;
	u32 got = 0;

	build_pcr_read(&r, 0x81, 2);
	ASSERT_EQ(0, kseal_tpm2_parse_pcr_read(r.b, r.n, 0x181, &got, out,
					       sizeof(out)));
	ASSERT_EQ(0x81u, got);
	ASSERT_EQ(0x10, out[0]);
	ASSERT_EQ(0x11, out[32]);
	/* a PCR we did not ask for */
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_pcr_read(r.b, r.n, 0x80, &got,
						      out, sizeof(out)));
	/* output too small for the returned digests */
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_pcr_read(r.b, r.n, 0x181, &got,
						      out, 32));
	/* digest count disagreeing with the selection */
	build_pcr_read(&r, 0x81, 1);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_pcr_read(r.b, r.n, 0x181, &got,
						      out, sizeof(out)));
	build_pcr_read(&r, 0x81, 3);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_pcr_read(r.b, r.n, 0x181, &got,
						      out, sizeof(out)));
	/* oversized sizeofSelect */
	build_pcr_read(&r, 0x81, 2);
	r.b[20] = 5;
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_pcr_read(r.b, r.n, 0x181, &got,
						      out, sizeof(out)));
	/* wrong bank */
	build_pcr_read(&r, 0x81, 2);
	put_unaligned_be16(0x0004, r.b + 18);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_pcr_read(r.b, r.n, 0x181, &got,
						      out, sizeof(out)));
	/* digest of the wrong size */
	build_pcr_read(&r, 0x1, 1);
	put_unaligned_be16(20, r.b + 28);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_pcr_read(r.b, r.n, 0x1, &got,
						      out, sizeof(out)));
}

TEST(read_public_and_digest)
{
	const u8 *pub, *name;
	u16 publ, namel, digl;
	u8 dig[32];
	struct rb r;

	rb_begin(&r, KSEAL_TPM2_ST_NO_SESSIONS, 0);
	rb_2b(&r, 88, 7);
	rb_2b(&r, 34, 8);
	rb_2b(&r, 34, 9);
	rb_end(&r);
	ASSERT_EQ(0, kseal_tpm2_parse_read_public(r.b, r.n, &pub, &publ,
						  &name, &namel));
	ASSERT_EQ(88, publ);
	ASSERT_EQ(34, namel);
	ASSERT_EQ(8, name[33]);
	/* name longer than any sha256/sha512 name */
	rb_begin(&r, KSEAL_TPM2_ST_NO_SESSIONS, 0);
	rb_2b(&r, 88, 7);
	rb_2b(&r, 67, 8);
	rb_2b(&r, 34, 9);
	rb_end(&r);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_read_public(r.b, r.n, &pub,
							 &publ, &name,
							 &namel));

	rb_begin(&r, KSEAL_TPM2_ST_NO_SESSIONS, 0);
	rb_2b(&r, 32, 0x5a);
	rb_end(&r);
	ASSERT_EQ(0, kseal_tpm2_parse_tpm2b(r.b, r.n, dig, 32, 32, &digl));
	ASSERT_EQ(0x5a, dig[31]);
	rb_begin(&r, KSEAL_TPM2_ST_NO_SESSIONS, 0);
	rb_2b(&r, 20, 0x5a);
	rb_end(&r);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_tpm2b(r.b, r.n, dig, 32, 32, &digl));
}

TEST(unseal_and_start_auth)
{
	u16 n = 0, nonce_len = 0;
	const u8 *nonce = NULL;
	u8 out[128];
	struct rb r;
	u32 s = 0;

	rb_begin(&r, KSEAL_TPM2_ST_SESSIONS, 0);
	rb_u32(&r, 2 + 64);
	rb_2b(&r, 64, 0x33);
	rb_auth(&r);
	rb_end(&r);
	ASSERT_EQ(0, kseal_tpm2_parse_tpm2b(r.b, r.n, out, 0, 128, &n));
	ASSERT_EQ(64, n);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_tpm2b(r.b, r.n, out, 0, 63, &n));

	rb_begin(&r, KSEAL_TPM2_ST_NO_SESSIONS, 0);
	rb_u32(&r, 0x03000000);
	rb_2b(&r, 32, 1);
	rb_end(&r);
	ASSERT_EQ(0, kseal_tpm2_parse_start_auth(r.b, r.n, &s, &nonce,
						 &nonce_len));
	ASSERT_EQ(0x03000000u, s);
	ASSERT_EQ(32, nonce_len);
	ASSERT_EQ(r.b + 16, nonce);
	/* A handle that is no session: flushing it would hit something else. */
	put_unaligned_be32(0x80000000, r.b + 10);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_start_auth(r.b, r.n, &s, &nonce,
						       &nonce_len));

	/* A nonceTPM under 16 bytes would weaken the session key: refused. */
	rb_begin(&r, KSEAL_TPM2_ST_NO_SESSIONS, 0);
	rb_u32(&r, 0x02000000);
	rb_2b(&r, 15, 1);
	rb_end(&r);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_start_auth(r.b, r.n, &s, &nonce,
						       &nonce_len));
}

TEST(session_area_bytes)
{
	static const u8 nonce[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
				      13, 14, 15, 16 };
	struct kseal_tpm2_cmd c;
	u8 buf[128];
	u32 at;

	kseal_tpm2_cmd_init(&c, buf, sizeof(buf), KSEAL_TPM2_ST_SESSIONS,
			    KSEAL_TPM2_CC_CREATE);
	at = kseal_tpm2_put_sess_auth(&c, 0x02000001, nonce, sizeof(nonce),
				      0x20);
	/* authorizationSize, handle, nonce, attributes, then an HMAC's room. */
	ASSERT_EQ(4 + 4 + 2 + 16 + 1 + 2 + 32, kseal_tpm2_cmd_finish(&c) - 10);
	EXPECT_EQ(4u + 2 + 16 + 1 + 2 + 32, get_unaligned_be32(buf + 10));
	EXPECT_EQ(0x02000001u, get_unaligned_be32(buf + 14));
	EXPECT_EQ(16, get_unaligned_be16(buf + 18));
	EXPECT_EQ(0, memcmp(buf + 20, nonce, 16));
	EXPECT_EQ(0x20, buf[36]);
	EXPECT_EQ(32, get_unaligned_be16(buf + 37));
	ASSERT_EQ(39u, at);
	EXPECT_EQ(0, buf[at]);
	EXPECT_EQ(0, buf[at + 31]);
	/* Two sessions behind one authorizationSize, written by the caller. */
	kseal_tpm2_cmd_init(&c, buf, sizeof(buf), KSEAL_TPM2_ST_SESSIONS,
			    KSEAL_TPM2_CC_UNSEAL);
	kseal_tpm2_put_u32(&c, 0);
	ASSERT_EQ(14 + 4 + 2 + 16 + 1 + 2,
		  kseal_tpm2_put_sess(&c, 0x03000000, nonce, 16, 0));
	ASSERT_EQ(14 + 2 * (4 + 2 + 16 + 1 + 2) + 32,
		  kseal_tpm2_put_sess(&c, 0x02000000, nonce, 16, 0x40));
	ASSERT_EQ(14 + 2 * (4 + 2 + 16 + 1 + 2 + 32),
		  kseal_tpm2_cmd_finish(&c));
	/* No room for the HMAC: the command is spoilt. */
	kseal_tpm2_cmd_init(&c, buf, 60, KSEAL_TPM2_ST_SESSIONS,
			    KSEAL_TPM2_CC_CREATE);
	kseal_tpm2_put_sess_auth(&c, 0x02000001, nonce, 16, 0);
	ASSERT_EQ(-E2BIG, kseal_tpm2_cmd_finish(&c));
}

/* A response HMAC session: nonce @nonce_len of @fill, attrs, HMAC of 32. */
static void rb_sess(struct rb *r, u16 nonce_len, u8 fill, u8 attrs)
{
	rb_2b(r, nonce_len, fill);
	rb_u8(r, attrs);
	rb_2b(r, 32, fill + 1);
}

/* Create's or Unseal's answer: @nhandles handles, 7 parameter bytes. */
static void build_resp_sessions(struct rb *r, unsigned int nhandles,
				unsigned int nsess)
{
	unsigned int i;

	rb_begin(r, KSEAL_TPM2_ST_SESSIONS, 0);
	for (i = 0; i < nhandles; i++)
		rb_u32(r, 0x80000000 + i);
	rb_u32(r, 7);
	rb_2b(r, 5, 0x77);
	for (i = 0; i < nsess; i++)
		rb_sess(r, 16 + 16 * i, 0x10 * (i + 1), 0x40 + i);
	rb_end(r);
}

TEST(response_sessions)
{
	struct kseal_tpm2_resp_auth a;
	struct rb r;

	build_resp_sessions(&r, 0, 1);
	ASSERT_EQ(0, kseal_tpm2_parse_resp_auth(r.b, r.n, 0, 0, &a));
	ASSERT_EQ(14u, a.params_off);
	ASSERT_EQ(7u, a.params_len);
	ASSERT_EQ(r.b + 23, a.nonce);
	ASSERT_EQ(16, a.nonce_len);
	ASSERT_EQ(0x40, a.attrs);
	ASSERT_EQ(r.b + 42, a.hmac);
	ASSERT_EQ(32, a.hmac_len);
	ASSERT_EQ(r.n, 74u);
	/* There is no second session. */
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_resp_auth(r.b, r.n, 0, 1, &a));
	/* kseal sends two sessions at most, names two handles at most. */
	ASSERT_EQ(-EINVAL, kseal_tpm2_parse_resp_auth(r.b, r.n, 0, 2, &a));
	ASSERT_EQ(-EINVAL, kseal_tpm2_parse_resp_auth(r.b, r.n, 3, 0, &a));

	/* Two sessions, one handle. */
	build_resp_sessions(&r, 1, 2);
	ASSERT_EQ(0, kseal_tpm2_parse_resp_auth(r.b, r.n, 1, 0, &a));
	ASSERT_EQ(18u, a.params_off);
	ASSERT_EQ(7u, a.params_len);
	ASSERT_EQ(r.b + 27, a.nonce);
	ASSERT_EQ(16, a.nonce_len);
	ASSERT_EQ(0x40, a.attrs);
	ASSERT_EQ(32, a.hmac_len);
	ASSERT_EQ(0, kseal_tpm2_parse_resp_auth(r.b, r.n, 1, 1, &a));
	ASSERT_EQ(18u, a.params_off);
	ASSERT_EQ(7u, a.params_len);
	ASSERT_EQ(r.b + 25 + 2 + 16 + 1 + 2 + 32 + 2, a.nonce);
	ASSERT_EQ(32, a.nonce_len);
	ASSERT_EQ(0x20, a.nonce[0]);
	ASSERT_EQ(0x41, a.attrs);
	ASSERT_EQ(r.b + r.n - 32, a.hmac);
	ASSERT_EQ(32, a.hmac_len);
	ASSERT_EQ(0x21, a.hmac[31]);

	/* Three sessions: more than kseal ever sends. */
	build_resp_sessions(&r, 0, 3);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_resp_auth(r.b, r.n, 0, 0, &a));

	/* The session asked for must have a nonce of 16 bytes at least. */
	rb_begin(&r, KSEAL_TPM2_ST_SESSIONS, 0);
	rb_u32(&r, 0);
	rb_sess(&r, 15, 1, 0);
	rb_sess(&r, 32, 3, 0);
	rb_end(&r);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_resp_auth(r.b, r.n, 0, 0, &a));
	ASSERT_EQ(0, kseal_tpm2_parse_resp_auth(r.b, r.n, 0, 1, &a));

	/* A nonce or an HMAC over 64 bytes. */
	rb_begin(&r, KSEAL_TPM2_ST_SESSIONS, 0);
	rb_u32(&r, 0);
	rb_2b(&r, 65, 1);
	rb_u8(&r, 0);
	rb_2b(&r, 32, 1);
	rb_end(&r);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_resp_auth(r.b, r.n, 0, 0, &a));
	rb_begin(&r, KSEAL_TPM2_ST_SESSIONS, 0);
	rb_u32(&r, 0);
	rb_2b(&r, 32, 1);
	rb_u8(&r, 0);
	rb_2b(&r, 65, 1);
	rb_end(&r);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_resp_auth(r.b, r.n, 0, 0, &a));

	/* An answer without sessions to a command with one. */
	rb_begin(&r, KSEAL_TPM2_ST_NO_SESSIONS, 0);
	rb_2b(&r, 5, 0x77);
	rb_end(&r);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_resp_auth(r.b, r.n, 0, 0, &a));
	/* An error answer carries its code, and no session. */
	rb_begin(&r, KSEAL_TPM2_ST_NO_SESSIONS, 0x98e);
	rb_end(&r);
	ASSERT_EQ(0x98e, kseal_tpm2_parse_resp_auth(r.b, r.n, 0, 0, &a));
}

TEST(response_sessions_every_truncation)
{
	struct kseal_tpm2_resp_auth a;
	unsigned int nsess, index;
	struct rb r;
	u32 n, one;

	/* Where a two-session answer holds one whole session. */
	build_resp_sessions(&r, 1, 1);
	one = r.n;
	for (nsess = 1; nsess <= 2; nsess++) {
		for (index = 0; index < nsess; index++) {
			build_resp_sessions(&r, 1, nsess);
			ASSERT_EQ(0, kseal_tpm2_parse_resp_auth(r.b, r.n, 1,
								index, &a));
			for (n = 0; n < r.n; n++) {
				u8 *copy = malloc(n ? n : 1);
				int want = -EBADMSG;

				memcpy(copy, r.b, n);
				if (n >= 6)
					put_unaligned_be32(n, copy + 2);
				/* Cut after the first session: a valid one. */
				if (n == one && index == 0)
					want = 0;
				EXPECT_EQ(want, kseal_tpm2_parse_resp_auth(
						copy, n, 1, index, &a))
					TH_LOG("%u sessions, index %u, cut at %u",
					       nsess, index, n);
				free(copy);
			}
		}
	}
}


TEST(ecc_public_area)
{
	static const u8 name[34] = {
		0x00, 0x0b, 0x03, 0xe1, 0x00, 0x03, 0x79, 0xb9, 0x7e, 0x9b,
		0xa2, 0xa5, 0xc8, 0xfe, 0x1e, 0xa9, 0xdf, 0x23, 0x05, 0xe5,
		0xb7, 0x95, 0x8d, 0x24, 0xd5, 0x43, 0x2c, 0x85, 0x23, 0xa6,
		0xa7, 0x7c, 0x47, 0xa9,
	};
	u8 pub[128], digest[32];
	const u8 *x = NULL, *y = NULL;
	struct rb r;

	sha256(ecc_srk_public, sizeof(ecc_srk_public), digest);
	ASSERT_EQ(0, memcmp(digest, name + 2, 32));
	ASSERT_EQ(0, kseal_tpm2_parse_ecc_public(ecc_srk_public,
						 sizeof(ecc_srk_public), &x,
						 &y));
	ASSERT_EQ(ecc_srk_public + 24, x);
	ASSERT_EQ(ecc_srk_public + 58, y);
	ASSERT_EQ(0x64, x[0]);
	ASSERT_EQ(0xcf, y[31]);

	/*
	 * By hand (part 2, 12.2.4): noDA set, an authPolicy, a KDF, no
	 * symmetric algorithm: still a P-256 point.
	 */
	r.n = 0;
	rb_u16(&r, 0x0023);
	rb_u16(&r, 0x000b);
	rb_u32(&r, 0x00030472);
	rb_2b(&r, 32, 0x99);
	rb_u16(&r, 0x0010);		/* symmetric NULL */
	rb_u16(&r, 0x0010);		/* scheme NULL */
	rb_u16(&r, 0x0003);		/* NIST P-256 */
	rb_u16(&r, 0x0020);		/* kdf KDF1_SP800_56A */
	rb_u16(&r, 0x000b);		/*   with sha256 */
	rb_2b(&r, 32, 0x01);
	rb_2b(&r, 32, 0x02);
	ASSERT_EQ(0, kseal_tpm2_parse_ecc_public(r.b, r.n, &x, &y));
	ASSERT_EQ(r.b + r.n - 66, x);
	ASSERT_EQ(r.b + r.n - 32, y);

	/* Another type, curve or a scheme: not what kseal salts with. */
	memcpy(pub, ecc_srk_public, sizeof(ecc_srk_public));
	put_unaligned_be16(0x0001, pub);		/* RSA */
	ASSERT_EQ(-EOPNOTSUPP, kseal_tpm2_parse_ecc_public(pub, 90, &x, &y));
	memcpy(pub, ecc_srk_public, sizeof(ecc_srk_public));
	put_unaligned_be16(0x0004, pub + 18);		/* NIST P-384 */
	ASSERT_EQ(-EOPNOTSUPP, kseal_tpm2_parse_ecc_public(pub, 90, &x, &y));
	memcpy(pub, ecc_srk_public, sizeof(ecc_srk_public));
	put_unaligned_be16(0x0010, pub + 18);		/* TPM_ECC_NONE... */
	ASSERT_EQ(-EOPNOTSUPP, kseal_tpm2_parse_ecc_public(pub, 90, &x, &y));
	memcpy(pub, ecc_srk_public, sizeof(ecc_srk_public));
	put_unaligned_be16(0x0018, pub + 16);		/* ECDSA */
	ASSERT_EQ(-EOPNOTSUPP, kseal_tpm2_parse_ecc_public(pub, 90, &x, &y));

	/* A coordinate that is not 32 bytes, or a byte after y. */
	memcpy(pub, ecc_srk_public, sizeof(ecc_srk_public));
	put_unaligned_be16(31, pub + 22);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_ecc_public(pub, 90, &x, &y));
	memcpy(pub, ecc_srk_public, sizeof(ecc_srk_public));
	put_unaligned_be16(33, pub + 56);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_ecc_public(pub, 90, &x, &y));
	memcpy(pub, ecc_srk_public, sizeof(ecc_srk_public));
	pub[90] = 0;
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_ecc_public(pub, 91, &x, &y));
	/* An authPolicy over 64 bytes. */
	r.n = 0;
	rb_u16(&r, 0x0023);
	rb_u16(&r, 0x000b);
	rb_u32(&r, 0x00030472);
	rb_2b(&r, 65, 0x99);
	ASSERT_EQ(-EBADMSG, kseal_tpm2_parse_ecc_public(r.b, r.n, &x, &y));
}

TEST(ecc_public_every_truncation)
{
	const u8 *x, *y;
	u16 n;

	for (n = 0; n < sizeof(ecc_srk_public); n++) {
		/* Exactly n bytes on the heap: a read past them is reported. */
		u8 *copy = malloc(n ? n : 1);

		memcpy(copy, ecc_srk_public, n);
		EXPECT_EQ(-EBADMSG, kseal_tpm2_parse_ecc_public(copy, n, &x,
								&y))
			TH_LOG("public area cut at %u", n);
		free(copy);
	}
}

TEST(rc_decoding)
{
	struct kseal_rc_info i;

	/* PolicyPCR mismatch as seen at Unseal: policy fail, session 1 */
	kseal_rc_decode(0x99d, &i);
	ASSERT_EQ(0x09du, i.base);
	ASSERT_EQ('s', i.where);
	ASSERT_EQ(1, i.num);
	ASSERT_STREQ("TPM_RC_POLICY_FAIL", i.name);
	/* value, parameter 1 */
	kseal_rc_decode(0x1c4, &i);
	ASSERT_EQ(0x084u, i.base);
	ASSERT_EQ('p', i.where);
	ASSERT_EQ(1, i.num);
	/* handle 2 */
	kseal_rc_decode(0x28b, &i);
	ASSERT_EQ('h', i.where);
	ASSERT_EQ(2, i.num);
	ASSERT_STREQ("TPM_RC_HANDLE", i.name);
	/* format 0 codes carry no number */
	kseal_rc_decode(0x921, &i);
	ASSERT_EQ(0, i.where);
	ASSERT_STREQ("TPM_RC_LOCKOUT", i.name);
	kseal_rc_decode(0x912, &i);
	ASSERT_STREQ("TPM_RC_REFERENCE", i.name);
	kseal_rc_decode(0x7ff, &i);
	ASSERT_STREQ("TPM_RC_UNKNOWN", i.name);
	/* TPM 1.2 TPM_FAIL, what QEMU answers once its swtpm is gone */
	kseal_rc_decode(0x009, &i);
	ASSERT_STREQ("TPM_RC_NOT_V2", i.name);
	ASSERT_FALSE(kseal_rc_is_fmt1(0x009));
	ASSERT_FALSE(kseal_rc_is_fmt1(0x101));
	ASSERT_TRUE(kseal_rc_is_fmt1(0x2c2));
	kseal_rc_decode(0x01e, &i);
	ASSERT_STREQ("TPM_RC_BAD_TAG", i.name);
}

TEST(rc_errno)
{
	ASSERT_EQ(-EKEYREJECTED, kseal_rc_errno(0x99d, KSEAL_TPM2_CC_UNSEAL));
	ASSERT_EQ(-EKEYREJECTED, kseal_rc_errno(0x98e, KSEAL_TPM2_CC_UNSEAL));
	ASSERT_EQ(-EKEYREJECTED, kseal_rc_errno(0x9a2, KSEAL_TPM2_CC_UNSEAL));
	ASSERT_EQ(-EKEYREJECTED, kseal_rc_errno(0x128, KSEAL_TPM2_CC_UNSEAL));
	ASSERT_EQ(-EKEYREJECTED,
		  kseal_rc_errno(0x1c4, KSEAL_TPM2_CC_POLICY_OR));
	ASSERT_EQ(-EINVAL, kseal_rc_errno(0x1c4, KSEAL_TPM2_CC_CREATE));
	ASSERT_EQ(-EBUSY, kseal_rc_errno(0x921, KSEAL_TPM2_CC_UNSEAL));
	ASSERT_EQ(-ENOKEY, kseal_rc_errno(0x18b, KSEAL_TPM2_CC_LOAD));
	ASSERT_EQ(-ENOKEY, kseal_rc_errno(0x910, KSEAL_TPM2_CC_LOAD));
	ASSERT_EQ(-EBADMSG, kseal_rc_errno(0x1df, KSEAL_TPM2_CC_LOAD));
	ASSERT_EQ(-EBADMSG, kseal_rc_errno(0x1e5, KSEAL_TPM2_CC_LOAD));
	ASSERT_EQ(-ENOMEM, kseal_rc_errno(0x902, KSEAL_TPM2_CC_LOAD));
	ASSERT_EQ(-EIO, kseal_rc_errno(0x101, KSEAL_TPM2_CC_LOAD));
	ASSERT_EQ(-EIO, kseal_rc_errno(0x009, KSEAL_TPM2_CC_LOAD));
}

static void unhex(const char *s, u8 *out)
{
	unsigned int v, i;

	for (i = 0; s[2 * i]; i++) {
		sscanf(s + 2 * i, "%2x", &v);
		out[i] = v;
	}
}

TEST(sha256_known_answers)
{
	u8 d[32], want[32];

	sha256((const u8 *)"abc", 3, d);
	unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", want);
	ASSERT_EQ(0, memcmp(d, want, 32));
	sha256((const u8 *)"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d);
	unhex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", want);
	ASSERT_EQ(0, memcmp(d, want, 32));
}

/*
 * Reference digests from tpm2-tools trial sessions on swtpm: PCR 0 all
 * zeros, PCR 7 extended once with 32 bytes of 0x01, selection sha256:0,7.
 */
TEST(policy_digests_match_tpm)
{
	static const u8 zero[32];
	u8 vals[64], pcr[32], av[32], or[32], want[32];

	memset(vals, 0, 32);
	unhex("5c85955f709283ecce2b74f1b1552918819f390911816e7bb466805a38ab87f3", vals + 32);
	ASSERT_EQ(0, kseal_policy_pcr(zero, 0x81, vals, 2, pcr));
	unhex("523eb002f07df581018c143e878d2b368a5cd7f4a0b01dd923209cb417d548c0", want);
	ASSERT_EQ(0, memcmp(pcr, want, 32));

	kseal_policy_authvalue(zero, av);
	unhex("8fcd2169ab92694e0c633f1ab772842b8241bbc20288981fc7ac1eddc1fddb0e", want);
	ASSERT_EQ(0, memcmp(av, want, 32));

	kseal_policy_or2(pcr, av, or);
	unhex("987dd01766c430e8892045748aa238334ce7372cfd5230a3135300ec9b921536", want);
	ASSERT_EQ(0, memcmp(or, want, 32));

	ASSERT_EQ(-EINVAL, kseal_policy_pcr(zero, 0, vals, 2, pcr));
	ASSERT_EQ(-EINVAL, kseal_policy_pcr(zero, 1u << 24, vals, 2, pcr));
}

TEST_HARNESS_MAIN
