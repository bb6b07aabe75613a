// SPDX-License-Identifier: GPL-2.0-only
/*
 * McCallum-Relyea exchange on the kernel's ECC library (crypto/ecc.c).
 * Only ecc_point_mult_shamir() multiplies: it takes scalars and points in
 * the library's native digit order on every kernel series kseal builds
 * for, while the byte order of the key helpers around it (private keys of
 * ecc_gen_privkey, ecc_make_pub_key) changed between them. Every point
 * that comes in is checked on its curve before use and every result
 * before it goes out.
 *
 * ecc_point_mult_shamir() is not constant time (the kernel uses it for
 * signature checks, with public scalars). Each secret scalar here serves
 * one exchange only: c_i two products at bind time, then forgotten; e_i
 * one request and one answer, then wiped.
 */
#include <crypto/ecdh.h>
#include <crypto/internal/ecc.h>
#include <linux/random.h>
#include <linux/string.h>

#include "kseal_compat.h"
#include "kseal_ecmr.h"
#include "kseal_tang.h"

/* A native point with its own storage. */
struct kseal_pt {
	u64 x[KSEAL_TANG_COORD_MAX / 8];
	u64 y[KSEAL_TANG_COORD_MAX / 8];
	struct ecc_point p;
};

static const struct ecc_curve *kseal_curve(u8 curve)
{
	if (curve == KSEAL_TANG_P256)
		return ecc_get_curve(ECC_CURVE_NIST_P256);
	if (curve == KSEAL_TANG_P384)
		return ecc_get_curve(ECC_CURVE_NIST_P384);
	return NULL;
}

static void kseal_pt_init(struct kseal_pt *q, unsigned int nd)
{
	q->p = ECC_POINT_INIT(q->x, q->y, nd);
}

/* Big-endian x || y into @q, then the curve's public key checks. */
static int kseal_pt_load(const struct ecc_curve *c, const u8 *in,
			 struct kseal_pt *q)
{
	unsigned int nd = c->g.ndigits;

	kseal_pt_init(q, nd);
	ecc_swap_digits(in, q->x, nd);
	ecc_swap_digits(in + nd * 8, q->y, nd);
	return ecc_is_pubkey_valid_partial(c, &q->p) ? -EINVAL : 0;
}

static void kseal_vli_store(const u64 *v, unsigned int nd, u8 *out)
{
	unsigned int i;

	for (i = 0; i < nd; i++)
		put_unaligned_be64(v[nd - 1 - i], out + 8 * i);
}

/* A result goes out only if it is a point of the curve. */
static int kseal_pt_store(const struct ecc_curve *c, struct kseal_pt *q,
			  u8 *out)
{
	unsigned int nd = c->g.ndigits;

	if (ecc_is_pubkey_valid_partial(c, &q->p))
		return -EINVAL;
	kseal_vli_store(q->x, nd, out);
	kseal_vli_store(q->y, nd, out + nd * 8);
	return 0;
}

/* A uniformly random scalar 1..n-1, by rejection. */
static int kseal_scalar_random(const struct ecc_curve *c,
			       struct kseal_ecmr_scalar *k)
{
	unsigned int nd = c->g.ndigits;
	int tries;

	memset(k, 0, sizeof(*k));
	/* n is within 2^-32 of 2^(64 nd) for both curves: rarely twice. */
	for (tries = 0; tries < 64; tries++) {
		get_random_bytes(k->d, nd * 8);
		if (!vli_is_zero(k->d, nd) && vli_cmp(k->d, c->n, nd) < 0)
			return 0;
	}
	memzero_explicit(k, sizeof(*k));
	return -EAGAIN;
}

/*
 * @r = @k * @p + @l * @q. A zero @l never selects @q (nor p + q), so
 * k * p alone is mult(r, k, p, zero, any point).
 */
static void kseal_mult2(const struct ecc_curve *c, struct kseal_pt *r,
			const u64 *k, const struct ecc_point *p, const u64 *l,
			const struct ecc_point *q)
{
	kseal_pt_init(r, c->g.ndigits);
	ecc_point_mult_shamir(&r->p, k, p, l, q, c);
}

int kseal_ecmr_check(u8 curve, const u8 *pt)
{
	const struct ecc_curve *c = kseal_curve(curve);
	struct kseal_pt q;

	if (!c)
		return -EINVAL;
	return kseal_pt_load(c, pt, &q);
}

int kseal_ecmr_provision(u8 curve, const u8 *s, u8 *c_pub, u8 *kx)
{
	const struct ecc_curve *c = kseal_curve(curve);
	static const u64 zero[KSEAL_TANG_COORD_MAX / 8];
	struct kseal_ecmr_scalar k;
	struct kseal_pt sp, r;
	unsigned int nd;
	int ret;

	if (!c)
		return -EINVAL;
	nd = c->g.ndigits;
	ret = kseal_pt_load(c, s, &sp);
	if (ret)
		return ret;
	ret = kseal_scalar_random(c, &k);
	if (ret)
		return ret;
	kseal_mult2(c, &r, k.d, &c->g, zero, &sp.p);
	ret = kseal_pt_store(c, &r, c_pub);
	if (ret)
		goto out;
	kseal_mult2(c, &r, k.d, &sp.p, zero, &c->g);
	/* Only K's x leaves, and only if K is a point of the curve. */
	ret = ecc_is_pubkey_valid_partial(c, &r.p) ? -EINVAL : 0;
	if (!ret)
		kseal_vli_store(r.x, nd, kx);
out:
	memzero_explicit(&k, sizeof(k));
	memzero_explicit(&r, sizeof(r));
	return ret;
}

int kseal_ecmr_blind(u8 curve, const u8 *c_pub, struct kseal_ecmr_scalar *e,
		     u8 *x)
{
	const struct ecc_curve *c = kseal_curve(curve);
	static const u64 one[KSEAL_TANG_COORD_MAX / 8] = { 1 };
	struct kseal_pt cp, r;
	int ret;

	if (!c)
		return -EINVAL;
	ret = kseal_pt_load(c, c_pub, &cp);
	if (ret)
		return ret;
	ret = kseal_scalar_random(c, e);
	if (ret)
		return ret;
	/* X = 1 * C + e * G */
	kseal_mult2(c, &r, one, &cp.p, e->d, &c->g);
	ret = kseal_pt_store(c, &r, x);
	if (ret)
		memzero_explicit(e, sizeof(*e));
	return ret;
}

int kseal_ecmr_unblind(u8 curve, const u8 *y, const struct kseal_ecmr_scalar *e,
		       const u8 *s, u8 *kx)
{
	const struct ecc_curve *c = kseal_curve(curve);
	static const u64 one[KSEAL_TANG_COORD_MAX / 8] = { 1 };
	struct kseal_ecmr_scalar ne;
	struct kseal_pt yp, sp, r;
	unsigned int nd;
	int ret;

	if (!c)
		return -EINVAL;
	nd = c->g.ndigits;
	ret = kseal_pt_load(c, y, &yp);
	if (ret)
		return ret;
	ret = kseal_pt_load(c, s, &sp);
	if (ret)
		return ret;
	if (vli_is_zero(e->d, nd) || vli_cmp(e->d, c->n, nd) >= 0)
		return -EINVAL;
	/* K = Y - e * S = 1 * Y + (n - e) * S */
	memset(&ne, 0, sizeof(ne));
	vli_sub(ne.d, c->n, e->d, nd);
	kseal_mult2(c, &r, one, &yp.p, ne.d, &sp.p);
	ret = ecc_is_pubkey_valid_partial(c, &r.p) ? -EINVAL : 0;
	if (!ret)
		kseal_vli_store(r.x, nd, kx);
	memzero_explicit(&ne, sizeof(ne));
	memzero_explicit(&r, sizeof(r));
	return ret;
}
