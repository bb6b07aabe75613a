/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * McCallum-Relyea exchange (as Tang and Clevis use it) on P-256 and
 * P-384 through the kernel's ECC library. Points are x || y big-endian,
 * 2c bytes for coordinate size c (kseal_tang_coord_size()); scalars stay
 * in the kernel's own form (struct kseal_ecmr_scalar).
 */
#ifndef KSEAL_ECMR_H
#define KSEAL_ECMR_H

#include <linux/types.h>
#include <kseal/limits.h>

/* A secret scalar 1..n-1; wipe it with memzero_explicit. */
struct kseal_ecmr_scalar {
	u64 d[KSEAL_TANG_COORD_MAX / 8];
};

/*
 * 0 if @pt is a point of @curve (KSEAL_TANG_P256/_P384): coordinates
 * below p, on the curve, not the point at infinity; else -EINVAL.
 */
int kseal_ecmr_check(u8 curve, const u8 *pt);

/*
 * Binding to server key @s: a random c, @c_pub = c * G, and @kx the x
 * coordinate of c * @s (c bytes); c is forgotten. -EINVAL if @s is not a
 * point of the curve.
 */
int kseal_ecmr_provision(u8 curve, const u8 *s, u8 *c_pub, u8 *kx);

/*
 * The recovery request for the client point @c_pub: a random @e and
 * @x = @c_pub + e * G. -EINVAL if @c_pub is not a point of the curve.
 */
int kseal_ecmr_blind(u8 curve, const u8 *c_pub, struct kseal_ecmr_scalar *e,
		     u8 *x);

/*
 * The server's answer @y = s * x: @kx = x coordinate of @y - @e * @s,
 * which is c * s. -EINVAL if @y or @s is not a point of the curve or the
 * result is the point at infinity.
 */
int kseal_ecmr_unblind(u8 curve, const u8 *y, const struct kseal_ecmr_scalar *e,
		       const u8 *s, u8 *kx);

#endif /* KSEAL_ECMR_H */
