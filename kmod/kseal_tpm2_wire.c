// SPDX-License-Identifier: GPL-2.0-only
/*
 * TPM 2.0 wire format (TPM 2.0 Library spec, part 1 section 18 and part 3).
 * Every length read from a response is checked against both its own limit
 * and the bytes that remain: a TPM (or a proxy in front of it) is not
 * trusted to send well-formed data.
 */
#include "kseal_tpm2_wire.h"

#ifdef __KERNEL__
#include <linux/tpm.h>

/*
 * This file also builds on the host, so it keeps its own constants; where
 * both 6.1's and 6.12's <linux/tpm.h> name the same value, they must agree.
 */
static_assert(KSEAL_TPM2_ST_NO_SESSIONS == TPM2_ST_NO_SESSIONS);
static_assert(KSEAL_TPM2_ST_SESSIONS == TPM2_ST_SESSIONS);
static_assert(KSEAL_TPM2_HDR_LEN == TPM_HEADER_SIZE);
static_assert(KSEAL_TPM2_RS_PW == TPM2_RS_PW);
static_assert(KSEAL_TPM2_CC_CREATE == TPM2_CC_CREATE);
static_assert(KSEAL_TPM2_CC_LOAD == TPM2_CC_LOAD);
static_assert(KSEAL_TPM2_CC_UNSEAL == TPM2_CC_UNSEAL);
static_assert(KSEAL_TPM2_CC_GET_RANDOM == TPM2_CC_GET_RANDOM);
static_assert(KSEAL_TPM2_ALG_SHA256 == TPM_ALG_SHA256);
#endif

void kseal_tpm2_cmd_init(struct kseal_tpm2_cmd *c, u8 *buf, u32 cap,
			 u16 tag, u32 cc)
{
	c->data = buf;
	c->cap = cap;
	c->len = 0;
	c->overflow = false;
	kseal_tpm2_put_u16(c, tag);
	kseal_tpm2_put_u32(c, 0);	/* size, patched by finish */
	kseal_tpm2_put_u32(c, cc);
}

static bool kseal_tpm2_room(struct kseal_tpm2_cmd *c, u32 n)
{
	if (c->overflow || n > c->cap - c->len) {
		c->overflow = true;
		return false;
	}
	return true;
}

void kseal_tpm2_put_u8(struct kseal_tpm2_cmd *c, u8 v)
{
	if (kseal_tpm2_room(c, 1))
		c->data[c->len++] = v;
}

void kseal_tpm2_put_u16(struct kseal_tpm2_cmd *c, u16 v)
{
	if (kseal_tpm2_room(c, 2)) {
		put_unaligned_be16(v, c->data + c->len);
		c->len += 2;
	}
}

void kseal_tpm2_put_u32(struct kseal_tpm2_cmd *c, u32 v)
{
	if (kseal_tpm2_room(c, 4)) {
		put_unaligned_be32(v, c->data + c->len);
		c->len += 4;
	}
}

void kseal_tpm2_put_bytes(struct kseal_tpm2_cmd *c, const u8 *p, u32 n)
{
	if (n && kseal_tpm2_room(c, n)) {
		memcpy(c->data + c->len, p, n);
		c->len += n;
	}
}

void kseal_tpm2_put_tpm2b(struct kseal_tpm2_cmd *c, const u8 *p, u16 n)
{
	kseal_tpm2_put_u16(c, n);
	kseal_tpm2_put_bytes(c, p, n);
}

void kseal_tpm2_put_pw_sess(struct kseal_tpm2_cmd *c, u32 session, u8 attrs,
			    const u8 *hmac, u16 hmac_len)
{
	/* One TPMS_AUTH_COMMAND with an empty nonce. */
	kseal_tpm2_put_u32(c, session);
	kseal_tpm2_put_u16(c, 0);
	kseal_tpm2_put_u8(c, attrs);
	kseal_tpm2_put_tpm2b(c, hmac, hmac_len);
}

void kseal_tpm2_put_auth(struct kseal_tpm2_cmd *c, u32 session, u8 attrs,
			 const u8 *hmac, u16 hmac_len)
{
	u32 at = kseal_tpm2_size32_open(c);

	kseal_tpm2_put_pw_sess(c, session, attrs, hmac, hmac_len);
	kseal_tpm2_size32_close(c, at);
}

u32 kseal_tpm2_put_sess(struct kseal_tpm2_cmd *c, u32 session,
			const u8 *nonce, u16 nonce_len, u8 attrs)
{
	static const u8 room[KSEAL_TPM2_SHA256_SIZE];
	u32 at;

	kseal_tpm2_put_u32(c, session);
	kseal_tpm2_put_tpm2b(c, nonce, nonce_len);
	kseal_tpm2_put_u8(c, attrs);
	kseal_tpm2_put_u16(c, sizeof(room));
	at = c->len;
	kseal_tpm2_put_bytes(c, room, sizeof(room));
	return at;
}

u32 kseal_tpm2_put_sess_auth(struct kseal_tpm2_cmd *c, u32 session,
			     const u8 *nonce, u16 nonce_len, u8 attrs)
{
	u32 at = kseal_tpm2_size32_open(c);
	u32 hmac_at;

	hmac_at = kseal_tpm2_put_sess(c, session, nonce, nonce_len, attrs);
	kseal_tpm2_size32_close(c, at);
	return hmac_at;
}

void kseal_tpm2_put_pcr_sel(struct kseal_tpm2_cmd *c, u32 mask)
{
	kseal_tpm2_put_u32(c, 1);
	kseal_tpm2_put_u16(c, KSEAL_TPM2_ALG_SHA256);
	kseal_tpm2_put_u8(c, 3);	/* 24 PCRs: three select bytes */
	kseal_tpm2_put_u8(c, mask & 0xff);
	kseal_tpm2_put_u8(c, (mask >> 8) & 0xff);
	kseal_tpm2_put_u8(c, (mask >> 16) & 0xff);
}

u32 kseal_tpm2_size16_open(struct kseal_tpm2_cmd *c)
{
	u32 at = c->len;

	kseal_tpm2_put_u16(c, 0);
	return at;
}

void kseal_tpm2_size16_close(struct kseal_tpm2_cmd *c, u32 at)
{
	u32 n = c->len - at - 2;

	if (c->overflow || n > 0xffff) {
		c->overflow = true;
		return;
	}
	put_unaligned_be16(n, c->data + at);
}

u32 kseal_tpm2_size32_open(struct kseal_tpm2_cmd *c)
{
	u32 at = c->len;

	kseal_tpm2_put_u32(c, 0);
	return at;
}

void kseal_tpm2_size32_close(struct kseal_tpm2_cmd *c, u32 at)
{
	if (c->overflow)
		return;
	put_unaligned_be32(c->len - at - 4, c->data + at);
}

int kseal_tpm2_cmd_finish(struct kseal_tpm2_cmd *c)
{
	if (c->overflow || c->len < KSEAL_TPM2_HDR_LEN)
		return -E2BIG;
	put_unaligned_be32(c->len, c->data + 2);
	return c->len;
}

static const u8 *kseal_tpm2_take(struct kseal_tpm2_rd *r, u32 n)
{
	const u8 *p;

	if (r->err || n > r->len - r->off) {
		r->err = true;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

u8 kseal_tpm2_get_u8(struct kseal_tpm2_rd *r)
{
	const u8 *p = kseal_tpm2_take(r, 1);

	return p ? *p : 0;
}

u16 kseal_tpm2_get_u16(struct kseal_tpm2_rd *r)
{
	const u8 *p = kseal_tpm2_take(r, 2);

	return p ? get_unaligned_be16(p) : 0;
}

u32 kseal_tpm2_get_u32(struct kseal_tpm2_rd *r)
{
	const u8 *p = kseal_tpm2_take(r, 4);

	return p ? get_unaligned_be32(p) : 0;
}

u16 kseal_tpm2_get_tpm2b(struct kseal_tpm2_rd *r, const u8 **out, u16 max)
{
	u16 n = kseal_tpm2_get_u16(r);

	*out = NULL;
	if (r->err)
		return 0;
	if (n > max) {
		r->err = true;
		return 0;
	}
	*out = kseal_tpm2_take(r, n);
	return *out ? n : 0;
}

int kseal_tpm2_rd_done(const struct kseal_tpm2_rd *r)
{
	return (r->err || r->off != r->len) ? -EBADMSG : 0;
}

/* One TPMS_AUTH_RESPONSE into the session fields of @a. */
static void kseal_tpm2_get_auth_resp(struct kseal_tpm2_rd *r,
				     struct kseal_tpm2_resp_auth *a)
{
	a->nonce_len = kseal_tpm2_get_tpm2b(r, &a->nonce,
					    KSEAL_TPM2_NONCE_MAX);
	a->attrs = kseal_tpm2_get_u8(r);
	a->hmac_len = kseal_tpm2_get_tpm2b(r, &a->hmac, KSEAL_TPM2_NONCE_MAX);
}

/* One TPMS_AUTH_RESPONSE per session; kseal sends one or two. */
static int kseal_tpm2_check_auth_area(struct kseal_tpm2_rd *r)
{
	struct kseal_tpm2_resp_auth a;
	unsigned int i;

	for (i = 0; i < KSEAL_TPM2_SESSIONS_MAX && r->off < r->len; i++)
		kseal_tpm2_get_auth_resp(r, &a);
	if (!i)
		return -EBADMSG;
	return kseal_tpm2_rd_done(r);
}

int kseal_tpm2_resp_open(const u8 *resp, u32 len, u32 *rc,
			 u32 *handles, unsigned int nhandles,
			 struct kseal_tpm2_rd *r)
{
	struct kseal_tpm2_rd a;
	unsigned int i;
	u16 tag;
	u32 psize;

	r->p = resp;
	r->len = len;
	r->off = 0;
	r->err = false;
	tag = kseal_tpm2_get_u16(r);
	if (kseal_tpm2_get_u32(r) != len || r->err)
		return -EBADMSG;
	*rc = kseal_tpm2_get_u32(r);
	if (r->err)
		return -EBADMSG;
	if (tag != KSEAL_TPM2_ST_NO_SESSIONS && tag != KSEAL_TPM2_ST_SESSIONS)
		return -EBADMSG;
	if (*rc) {
		/* An error response is a bare header with the no-session tag. */
		if (len != KSEAL_TPM2_HDR_LEN ||
		    tag != KSEAL_TPM2_ST_NO_SESSIONS)
			return -EBADMSG;
		return 0;
	}
	for (i = 0; i < nhandles; i++)
		handles[i] = kseal_tpm2_get_u32(r);
	if (tag == KSEAL_TPM2_ST_NO_SESSIONS)
		return r->err ? -EBADMSG : 0;

	psize = kseal_tpm2_get_u32(r);
	if (r->err || psize > r->len - r->off)
		return -EBADMSG;
	a.p = resp + r->off + psize;
	a.len = r->len - r->off - psize;
	a.off = 0;
	a.err = false;
	if (kseal_tpm2_check_auth_area(&a))
		return -EBADMSG;
	r->len = r->off + psize;
	return 0;
}

/* Opens a response; positive rc, -EBADMSG or 0 with *r ready. */
static int kseal_tpm2_open(const u8 *resp, u32 len, u32 *handles,
			   unsigned int nhandles, struct kseal_tpm2_rd *r)
{
	u32 rc = 0;
	int ret;

	ret = kseal_tpm2_resp_open(resp, len, &rc, handles, nhandles, r);
	if (ret)
		return ret;
	/* TPM_RC is 32 bits, but only the low 12 bits plus flags are used. */
	if (rc)
		return rc > 0x7fffffff ? -EBADMSG : (int)rc;
	return 0;
}

int kseal_tpm2_parse_empty(const u8 *resp, u32 len)
{
	struct kseal_tpm2_rd r;
	int ret;

	ret = kseal_tpm2_open(resp, len, NULL, 0, &r);
	if (ret)
		return ret;
	return kseal_tpm2_rd_done(&r);
}

int kseal_tpm2_parse_tpm2b(const u8 *resp, u32 len, u8 *out, u16 min,
			   u16 max, u16 *out_len)
{
	struct kseal_tpm2_rd r;
	const u8 *p;
	u16 n;
	int ret;

	ret = kseal_tpm2_open(resp, len, NULL, 0, &r);
	if (ret)
		return ret;
	n = kseal_tpm2_get_tpm2b(&r, &p, max);
	if (kseal_tpm2_rd_done(&r) || n < min)
		return -EBADMSG;
	memcpy(out, p, n);
	*out_len = n;
	return 0;
}

int kseal_tpm2_parse_start_auth(const u8 *resp, u32 len, u32 *session,
				const u8 **nonce, u16 *nonce_len)
{
	struct kseal_tpm2_rd r;
	int ret;

	ret = kseal_tpm2_open(resp, len, session, 1, &r);
	if (ret)
		return ret;
	/* An HMAC or policy session handle, or we would flush something else. */
	if ((*session >> 24) != KSEAL_TPM2_HT_HMAC_SESSION &&
	    (*session >> 24) != KSEAL_TPM2_HT_POLICY_SESSION)
		return -EBADMSG;
	*nonce_len = kseal_tpm2_get_tpm2b(&r, nonce, KSEAL_TPM2_NONCE_MAX);
	/* Part 1 asks for at least 16 bytes: less would weaken the session key. */
	if (kseal_tpm2_rd_done(&r) || *nonce_len < KSEAL_TPM2_NONCE_MIN)
		return -EBADMSG;
	return 0;
}

int kseal_tpm2_parse_resp_auth(const u8 *resp, u32 len, unsigned int nhandles,
			       unsigned int index,
			       struct kseal_tpm2_resp_auth *a)
{
	struct kseal_tpm2_rd r;
	unsigned int i;
	u32 handles[2];
	int ret;

	if (nhandles > ARRAY_SIZE(handles) || index >= KSEAL_TPM2_SESSIONS_MAX)
		return -EINVAL;
	ret = kseal_tpm2_open(resp, len, handles, nhandles, &r);
	if (ret)
		return ret;
	/* An answer to a command with a session must carry one back. */
	if (get_unaligned_be16(resp) != KSEAL_TPM2_ST_SESSIONS)
		return -EBADMSG;
	/* kseal_tpm2_open() limited r to the parameters; the auth area follows. */
	a->params_off = r.off;
	a->params_len = r.len - r.off;
	r.off = r.len;
	r.len = len;
	for (i = 0; i <= index; i++)
		kseal_tpm2_get_auth_resp(&r, a);
	/* The session asked for must be there; the area was checked whole. */
	if (r.err || a->nonce_len < KSEAL_TPM2_NONCE_MIN)
		return -EBADMSG;
	return 0;
}

int kseal_tpm2_parse_ecc_public(const u8 *pub, u16 len, const u8 **x,
				const u8 **y)
{
	struct kseal_tpm2_rd r = { .p = pub, .len = len };
	const u8 *p;
	u16 alg;

	if (kseal_tpm2_get_u16(&r) != KSEAL_TPM2_ALG_ECC)
		return r.err ? -EBADMSG : -EOPNOTSUPP;
	kseal_tpm2_get_u16(&r);			/* nameAlg */
	kseal_tpm2_get_u32(&r);			/* objectAttributes */
	kseal_tpm2_get_tpm2b(&r, &p, 64);	/* authPolicy */
	alg = kseal_tpm2_get_u16(&r);		/* symmetric */
	if (alg != KSEAL_TPM2_ALG_NULL) {
		kseal_tpm2_get_u16(&r);		/* keyBits */
		kseal_tpm2_get_u16(&r);		/* mode */
	}
	/* A storage key has no signing scheme; a salt key needs none. */
	if (kseal_tpm2_get_u16(&r) != KSEAL_TPM2_ALG_NULL)
		return r.err ? -EBADMSG : -EOPNOTSUPP;
	if (kseal_tpm2_get_u16(&r) != KSEAL_TPM2_ECC_NIST_P256)
		return r.err ? -EBADMSG : -EOPNOTSUPP;
	if (kseal_tpm2_get_u16(&r) != KSEAL_TPM2_ALG_NULL)	/* kdf */
		kseal_tpm2_get_u16(&r);
	if (kseal_tpm2_get_tpm2b(&r, x, KSEAL_TPM2_P256_SIZE) !=
	    KSEAL_TPM2_P256_SIZE ||
	    kseal_tpm2_get_tpm2b(&r, y, KSEAL_TPM2_P256_SIZE) !=
	    KSEAL_TPM2_P256_SIZE)
		return -EBADMSG;
	return kseal_tpm2_rd_done(&r);
}

int kseal_tpm2_parse_load(const u8 *resp, u32 len, u32 *handle)
{
	struct kseal_tpm2_rd r;
	const u8 *p;
	int ret;

	ret = kseal_tpm2_open(resp, len, handle, 1, &r);
	if (ret)
		return ret;
	if ((*handle >> 24) != KSEAL_TPM2_HT_TRANSIENT)
		return -EBADMSG;
	kseal_tpm2_get_tpm2b(&r, &p, 2 + 64);	/* name */
	return kseal_tpm2_rd_done(&r);
}

int kseal_tpm2_parse_create(const u8 *resp, u32 len,
			    const u8 **pub, u16 *pub_len,
			    const u8 **priv, u16 *priv_len)
{
	struct kseal_tpm2_rd r;
	const u8 *p;
	int ret;

	ret = kseal_tpm2_open(resp, len, NULL, 0, &r);
	if (ret)
		return ret;
	*priv_len = kseal_tpm2_get_tpm2b(&r, priv, 0xffff);
	*pub_len = kseal_tpm2_get_tpm2b(&r, pub, 0xffff);
	kseal_tpm2_get_tpm2b(&r, &p, 0xffff);	/* creationData */
	kseal_tpm2_get_tpm2b(&r, &p, 64);	/* creationHash */
	kseal_tpm2_get_u16(&r);			/* creationTicket.tag */
	kseal_tpm2_get_u32(&r);			/* .hierarchy */
	kseal_tpm2_get_tpm2b(&r, &p, 64);	/* .digest */
	if (kseal_tpm2_rd_done(&r) || !*priv_len || !*pub_len)
		return -EBADMSG;
	return 0;
}

int kseal_tpm2_parse_read_public(const u8 *resp, u32 len,
				 const u8 **pub, u16 *pub_len,
				 const u8 **name, u16 *name_len)
{
	struct kseal_tpm2_rd r;
	const u8 *p;
	int ret;

	ret = kseal_tpm2_open(resp, len, NULL, 0, &r);
	if (ret)
		return ret;
	*pub_len = kseal_tpm2_get_tpm2b(&r, pub, 0xffff);
	*name_len = kseal_tpm2_get_tpm2b(&r, name, 2 + 64);
	kseal_tpm2_get_tpm2b(&r, &p, 2 + 64);	/* qualifiedName */
	if (kseal_tpm2_rd_done(&r) || !*pub_len || !*name_len)
		return -EBADMSG;
	return 0;
}

static u32 kseal_tpm2_weight(u32 mask)
{
	u32 n = 0;

	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

int kseal_tpm2_parse_pcr_read(const u8 *resp, u32 len, u32 asked,
			      u32 *got, u8 *out, u32 out_cap)
{
	struct kseal_tpm2_rd r;
	u32 count, mask = 0, n = 0, i;
	const u8 *sel, *p;
	u8 sel_size;
	int ret;

	ret = kseal_tpm2_open(resp, len, NULL, 0, &r);
	if (ret)
		return ret;
	kseal_tpm2_get_u32(&r);			/* pcrUpdateCounter */
	count = kseal_tpm2_get_u32(&r);
	if (r.err || count > 1)
		return -EBADMSG;
	if (count == 1) {
		if (kseal_tpm2_get_u16(&r) != KSEAL_TPM2_ALG_SHA256)
			return -EBADMSG;
		sel_size = kseal_tpm2_get_u8(&r);
		if (sel_size > 4)
			return -EBADMSG;
		sel = kseal_tpm2_take(&r, sel_size);
		if (!sel)
			return -EBADMSG;
		for (i = 0; i < sel_size; i++)
			mask |= (u32)sel[i] << (8 * i);
	}
	/* Only PCRs we asked for; the digest count must match the mask. */
	if (mask & ~asked)
		return -EBADMSG;
	count = kseal_tpm2_get_u32(&r);
	if (r.err || count != kseal_tpm2_weight(mask))
		return -EBADMSG;
	if ((u64)count * KSEAL_TPM2_SHA256_SIZE > out_cap)
		return -EBADMSG;
	for (i = 0; i < count; i++) {
		if (kseal_tpm2_get_tpm2b(&r, &p, KSEAL_TPM2_SHA256_SIZE) !=
		    KSEAL_TPM2_SHA256_SIZE)
			return -EBADMSG;
		memcpy(out + n, p, KSEAL_TPM2_SHA256_SIZE);
		n += KSEAL_TPM2_SHA256_SIZE;
	}
	if (kseal_tpm2_rd_done(&r))
		return -EBADMSG;
	*got = mask;
	return 0;
}
