// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tang-bound sealed keys: the TPM seals seed = F XOR pad(Z); Z is split
 * T-of-N among the Tang servers, server i's share wrapped under the x
 * coordinate of K_i = c_i * S_i, which only that server (s_i * C_i) can
 * help to recompute. Every intermediate secret is wiped after use.
 */
#include <crypto/algapi.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "kseal_kdf.h"
#include "kseal_tang_key.h"

#define KSEAL_TANG_PAD_LABEL	"kseal tang v1 %u"
#define KSEAL_TANG_SHARE_LABEL	"kseal tang share v1"
#define KSEAL_TANG_CHECK_LABEL	"kseal tang check v1"
#define KSEAL_TANG_RECOVERY_LABEL "kseal tang recovery v1"

void kseal_tang_bind_of(const struct kseal_tang *sec,
			struct kseal_tang_bind *b)
{
	unsigned int i;

	memset(b, 0, sizeof(*b));
	b->curve = sec->curve;
	b->n = sec->n;
	b->t = sec->t;
	for (i = 0; i < sec->n; i++)
		memcpy(b->s[i], sec->srv[i].s, KSEAL_TANG_POINT_MAX);
}

int kseal_tang_pad(const u8 *z, u8 *buf, u32 len)
{
	u8 block[KSEAL_KDF_SIZE];
	char label[sizeof(KSEAL_TANG_PAD_LABEL) + 8];
	u32 off, i, n;
	int ret = 0;

	for (off = 0, i = 0; off < len; off += n, i++) {
		snprintf(label, sizeof(label), KSEAL_TANG_PAD_LABEL, i);
		ret = kseal_kdf(z, KSEAL_TANG_SECRET_SIZE, label, block);
		if (ret)
			break;
		n = min_t(u32, len - off, KSEAL_KDF_SIZE);
		crypto_xor(buf + off, block, n);
	}
	memzero_explicit(block, sizeof(block));
	return ret;
}

/* The wrap of share i and its check, both keyed by K_i.x. */
static int kseal_tang_share_keys(const u8 *kx, unsigned int c, u8 *pad,
				 u8 *check)
{
	int ret;

	ret = kseal_kdf(kx, c, KSEAL_TANG_SHARE_LABEL, pad);
	if (!ret)
		ret = kseal_kdf(kx, c, KSEAL_TANG_CHECK_LABEL, check);
	return ret;
}

/* The recovery wrap's pad: HMAC(HMAC(seed, label), passphrase). */
static int kseal_tang_recovery_pad(const u8 *seed, u32 len, const char *pass,
				   u8 *pad)
{
	u8 k[KSEAL_KDF_SIZE];
	int ret;

	ret = kseal_kdf(seed, len, KSEAL_TANG_RECOVERY_LABEL, k);
	if (!ret)
		ret = kseal_kdf(k, sizeof(k), pass, pad);
	memzero_explicit(k, sizeof(k));
	return ret;
}

struct kseal_tang_work {
	u8 z[KSEAL_TANG_SECRET_SIZE];
	u8 coef[(KSEAL_TANG_SERVERS_MAX - 1) * KSEAL_TANG_SECRET_SIZE];
	u8 shares[KSEAL_TANG_SERVERS_MAX][KSEAL_TANG_SHARE_SIZE];
	u8 xs[KSEAL_TANG_SERVERS_MAX];
	u8 kx[KSEAL_TANG_COORD_MAX];
	u8 pad[KSEAL_KDF_SIZE];
	u8 check[KSEAL_KDF_SIZE];
};

int kseal_tang_bind(const struct kseal_tang_bind *b, const u8 *f, u32 len,
		    const char *pass, size_t pass_len, struct kseal_tang *sec,
		    u8 *seed)
{
	unsigned int c = kseal_tang_coord_size(b->curve);
	struct kseal_tang_work *w;
	unsigned int i;
	int ret;

	if (!c || !b->n || b->n > KSEAL_TANG_SERVERS_MAX || !b->t ||
	    b->t > b->n)
		return -EINVAL;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	memset(sec, 0, sizeof(*sec));
	sec->curve = b->curve;
	sec->n = b->n;
	sec->t = b->t;
	get_random_bytes(w->z, sizeof(w->z));
	get_random_bytes(w->coef, (b->t - 1) * KSEAL_TANG_SECRET_SIZE);
	ret = kseal_shamir_split(w->z, b->n, b->t, w->coef, w->shares);
	if (ret)
		goto out;
	for (i = 0; i < b->n; i++) {
		struct kseal_tang_server *srv = &sec->srv[i];

		memcpy(srv->s, b->s[i], 2 * c);
		ret = kseal_ecmr_provision(b->curve, srv->s, srv->c, w->kx);
		if (ret) {
			pr_err_ratelimited("Tang server %u's key is not a point on the curve: nothing was sealed\n",
					   i + 1);
			goto out;
		}
		ret = kseal_tang_share_keys(w->kx, c, w->pad, w->check);
		if (ret)
			goto out;
		memcpy(srv->share, w->shares[i], KSEAL_TANG_SHARE_SIZE);
		crypto_xor(srv->share, w->pad, KSEAL_TANG_SHARE_SIZE);
		memcpy(srv->check, w->check, KSEAL_TANG_CHECK_SIZE);
	}
	memcpy(seed, f, len);
	ret = kseal_tang_pad(w->z, seed, len);
	if (ret || !pass_len)
		goto out;
	ret = kseal_tang_recovery_pad(seed, len, pass, w->pad);
	if (ret)
		goto out;
	memcpy(sec->recovery_wrap, w->z, KSEAL_TANG_WRAP_SIZE);
	crypto_xor(sec->recovery_wrap, w->pad, KSEAL_TANG_WRAP_SIZE);
out:
	if (ret)
		memzero_explicit(seed, len);
	kfree_sensitive(w);
	return ret;
}

int kseal_tang_recover(const struct kseal_tang *sec,
		       const struct kseal_ecmr_scalar *e, u8 answered,
		       u8 curve, const u8 *y, u8 *z)
{
	unsigned int c = kseal_tang_coord_size(sec->curve);
	struct kseal_tang_work *w;
	unsigned int i;
	u8 k = 0;
	int ret;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	for (i = 0; i < KSEAL_TANG_SERVERS_MAX; i++) {
		const struct kseal_tang_server *srv = &sec->srv[i];

		if (!(answered & BIT(i)))
			continue;
		if (i >= sec->n) {
			pr_err_ratelimited("Tang answer %u: this key has only %u Tang servers\n",
					   i + 1, sec->n);
			continue;
		}
		if (curve != sec->curve ||
		    kseal_ecmr_unblind(sec->curve, y + i * KSEAL_TANG_POINT_MAX,
				       &e[i], srv->s, w->kx)) {
			pr_err_ratelimited("Tang answer %u is not a point on the curve\n",
					   i + 1);
			continue;
		}
		ret = kseal_tang_share_keys(w->kx, c, w->pad, w->check);
		if (ret)
			goto out;
		if (crypto_memneq(w->check, srv->check, KSEAL_TANG_CHECK_SIZE)) {
			pr_err_ratelimited("Tang answer %u does not recover its share (wrong key or hostile server)\n",
					   i + 1);
			continue;
		}
		memcpy(w->shares[k], srv->share, KSEAL_TANG_SHARE_SIZE);
		crypto_xor(w->shares[k], w->pad, KSEAL_TANG_SHARE_SIZE);
		w->xs[k++] = (u8)(i + 1);
	}
	if (k < sec->t) {
		pr_err_ratelimited("this key needs %u of %u Tang answers, %u recovered their share: refused\n",
				   sec->t, sec->n, k);
		ret = -EKEYREJECTED;
		goto out;
	}
	ret = kseal_shamir_combine(w->xs,
				   (const u8 (*)[KSEAL_TANG_SHARE_SIZE])w->shares,
				   k, z);
out:
	kfree_sensitive(w);
	return ret;
}

int kseal_tang_unwrap_recovery(const struct kseal_tang *sec, const u8 *seed,
			       u32 len, const char *pass, u8 *z)
{
	u8 pad[KSEAL_KDF_SIZE];
	int ret;

	ret = kseal_tang_recovery_pad(seed, len, pass, pad);
	if (!ret) {
		memcpy(z, sec->recovery_wrap, KSEAL_TANG_WRAP_SIZE);
		crypto_xor(z, pad, KSEAL_TANG_WRAP_SIZE);
	}
	memzero_explicit(pad, sizeof(pad));
	return ret;
}
