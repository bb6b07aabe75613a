/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tang binding of sealed keys, the parts without kernel crypto: the Tang
 * section of a blob (layout in include/kseal/blob.h) and Shamir's secret
 * sharing over GF(2^8). Compiled into the module and into host tests.
 */
#ifndef KSEAL_TANG_H
#define KSEAL_TANG_H

#include "kseal_compat.h"
#include <kseal/blob.h>
#include <kseal/limits.h>

/* One server's record of the section; points are x || y. */
struct kseal_tang_server {
	u8 s[KSEAL_TANG_POINT_MAX];
	u8 c[KSEAL_TANG_POINT_MAX];
	u8 share[KSEAL_TANG_SHARE_SIZE];
	u8 check[KSEAL_TANG_CHECK_SIZE];
};

/* The decoded section; n == 0 means the blob has none. */
struct kseal_tang {
	u8 curve;
	u8 n;
	u8 t;
	u8 recovery_wrap[KSEAL_TANG_WRAP_SIZE];
	struct kseal_tang_server srv[KSEAL_TANG_SERVERS_MAX];
};

/*
 * Coordinate size of KSEAL_TANG_P256/P384 (32, 48); 0 for anything else.
 * Inline, as the next one: the payload parser, which other programs
 * build alone, needs them.
 */
static inline unsigned int kseal_tang_coord_size(u8 curve)
{
	if (curve == KSEAL_TANG_P256)
		return 32;
	if (curve == KSEAL_TANG_P384)
		return 48;
	return 0;
}

/* The curve whose points take @point_len bytes (x || y); 0 if none. */
static inline u8 kseal_tang_curve_of(size_t point_len)
{
	if (point_len == 64)
		return KSEAL_TANG_P256;
	if (point_len == 96)
		return KSEAL_TANG_P384;
	return 0;
}

/* Encoded size of @t, 0 if its curve, N or T is out of range. */
size_t kseal_tang_size(const struct kseal_tang *t);

/*
 * Decode a section from the @left bytes at @p into @t: the number of bytes
 * it takes, or -EBADMSG (a field out of range, reserved byte set, or
 * shorter than its N records).
 */
int kseal_tang_decode(const u8 *p, size_t left, struct kseal_tang *t);

/* Encode @t (kseal_tang_size() bytes) at @p; returns the end. */
u8 *kseal_tang_encode(const struct kseal_tang *t, u8 *p);

/*
 * Shamir T-of-N over GF(2^8) with the AES polynomial, byte by byte over
 * KSEAL_TANG_SECRET_SIZE bytes. Split: @coef holds (t - 1) *
 * KSEAL_TANG_SECRET_SIZE random bytes (coefficient j of byte b at
 * (j - 1) * KSEAL_TANG_SECRET_SIZE + b); share i (0-based) is the
 * polynomial at x = i + 1. -EINVAL unless 1 <= t <= n <= 8.
 */
int kseal_shamir_split(const u8 *secret, u8 n, u8 t, const u8 *coef,
		       u8 shares[][KSEAL_TANG_SHARE_SIZE]);

/*
 * Combine @k shares taken at the distinct x values @xs (1..255) into
 * @secret. -EINVAL for k == 0, an x of 0 or a repeated x. With fewer than
 * T shares the result is just some other value: the caller checks it.
 */
int kseal_shamir_combine(const u8 *xs, const u8 shares[][KSEAL_TANG_SHARE_SIZE],
			 u8 k, u8 *secret);

#endif /* KSEAL_TANG_H */
