// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tang binding: the blob section and Shamir's secret sharing. The shares
 * are secret, so the field arithmetic has no branch and no table lookup
 * that depends on them.
 */
#include "kseal_tang.h"

size_t kseal_tang_size(const struct kseal_tang *t)
{
	unsigned int c = kseal_tang_coord_size(t->curve);

	if (!c || !t->n || t->n > KSEAL_TANG_SERVERS_MAX || !t->t ||
	    t->t > t->n)
		return 0;
	return KSEAL_TANG_HDR_SIZE + t->n * KSEAL_TANG_SERVER_SIZE(c);
}

int kseal_tang_decode(const u8 *p, size_t left, struct kseal_tang *t)
{
	unsigned int c;
	size_t size;
	u8 i;

	if (left < KSEAL_TANG_HDR_SIZE || p[3])
		return -EBADMSG;
	t->curve = p[0];
	t->n = p[1];
	t->t = p[2];
	size = kseal_tang_size(t);
	if (!size || size > left)
		return -EBADMSG;
	c = kseal_tang_coord_size(t->curve);
	memcpy(t->recovery_wrap, p + 4, KSEAL_TANG_WRAP_SIZE);
	p += KSEAL_TANG_HDR_SIZE;
	for (i = 0; i < t->n; i++) {
		struct kseal_tang_server *s = &t->srv[i];

		memcpy(s->s, p, 2 * c);
		memcpy(s->c, p + 2 * c, 2 * c);
		p += 4 * c;
		memcpy(s->share, p, KSEAL_TANG_SHARE_SIZE);
		p += KSEAL_TANG_SHARE_SIZE;
		memcpy(s->check, p, KSEAL_TANG_CHECK_SIZE);
		p += KSEAL_TANG_CHECK_SIZE;
	}
	return (int)size;
}

u8 *kseal_tang_encode(const struct kseal_tang *t, u8 *p)
{
	unsigned int c = kseal_tang_coord_size(t->curve);
	u8 i;

	p[0] = t->curve;
	p[1] = t->n;
	p[2] = t->t;
	p[3] = 0;
	memcpy(p + 4, t->recovery_wrap, KSEAL_TANG_WRAP_SIZE);
	p += KSEAL_TANG_HDR_SIZE;
	for (i = 0; i < t->n; i++) {
		const struct kseal_tang_server *s = &t->srv[i];

		memcpy(p, s->s, 2 * c);
		memcpy(p + 2 * c, s->c, 2 * c);
		p += 4 * c;
		memcpy(p, s->share, KSEAL_TANG_SHARE_SIZE);
		p += KSEAL_TANG_SHARE_SIZE;
		memcpy(p, s->check, KSEAL_TANG_CHECK_SIZE);
		p += KSEAL_TANG_CHECK_SIZE;
	}
	return p;
}

/* GF(2^8) product modulo x^8 + x^4 + x^3 + x + 1, in constant time. */
static u8 kseal_gf_mul(u8 a, u8 b)
{
	u8 r = 0;
	int i;

	for (i = 0; i < 8; i++) {
		r ^= a & (u8)-(b & 1);
		a = (u8)(a << 1) ^ (0x1b & (u8)-(a >> 7));
		b >>= 1;
	}
	return r;
}

/* a^254 = a^-1 for a != 0 (and 0 for 0), by square and multiply. */
static u8 kseal_gf_inv(u8 a)
{
	u8 r = 1, sq = a;
	int i;

	/* 254 = 0b11111110: every power a^2 .. a^128. */
	for (i = 1; i < 8; i++) {
		sq = kseal_gf_mul(sq, sq);
		r = kseal_gf_mul(r, sq);
	}
	return r;
}

int kseal_shamir_split(const u8 *secret, u8 n, u8 t, const u8 *coef,
		       u8 shares[][KSEAL_TANG_SHARE_SIZE])
{
	unsigned int i, j, b;

	if (!t || t > n || n > KSEAL_TANG_SERVERS_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		u8 x = (u8)(i + 1);

		for (b = 0; b < KSEAL_TANG_SECRET_SIZE; b++) {
			u8 y = 0;

			/* Horner, from the highest coefficient down to the secret. */
			for (j = t - 1; j >= 1; j--)
				y = kseal_gf_mul(y, x) ^
				    coef[(j - 1) * KSEAL_TANG_SECRET_SIZE + b];
			shares[i][b] = kseal_gf_mul(y, x) ^ secret[b];
		}
	}
	return 0;
}

int kseal_shamir_combine(const u8 *xs, const u8 shares[][KSEAL_TANG_SHARE_SIZE],
			 u8 k, u8 *secret)
{
	u8 basis[KSEAL_TANG_SERVERS_MAX];
	unsigned int i, j, b;

	if (!k || k > KSEAL_TANG_SERVERS_MAX)
		return -EINVAL;
	for (i = 0; i < k; i++) {
		if (!xs[i])
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (xs[i] == xs[j])
				return -EINVAL;
	}
	/* Lagrange basis at 0: prod x_j / (x_j - x_i), minus being xor. */
	for (i = 0; i < k; i++) {
		u8 num = 1, den = 1;

		for (j = 0; j < k; j++) {
			if (j == i)
				continue;
			num = kseal_gf_mul(num, xs[j]);
			den = kseal_gf_mul(den, xs[j] ^ xs[i]);
		}
		basis[i] = kseal_gf_mul(num, kseal_gf_inv(den));
	}
	for (b = 0; b < KSEAL_TANG_SECRET_SIZE; b++) {
		u8 v = 0;

		for (i = 0; i < k; i++)
			v ^= kseal_gf_mul(basis[i], shares[i][b]);
		secret[b] = v;
	}
	return 0;
}
