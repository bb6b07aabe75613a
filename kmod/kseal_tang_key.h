/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Tang secrets of a sealed key (include/kseal/blob.h, "Tang
 * section"): binding a key's secret F to Tang servers and getting it back
 * from their answers or from the recovery passphrase.
 */
#ifndef KSEAL_TANG_KEY_H
#define KSEAL_TANG_KEY_H

#include <linux/types.h>

#include "kseal_ecmr.h"
#include "kseal_tang.h"

/* What a key is bound to: kept in a loaded key for its reseal. */
struct kseal_tang_bind {
	u8 curve;
	u8 n;
	u8 t;
	u8 s[KSEAL_TANG_SERVERS_MAX][KSEAL_TANG_POINT_MAX];
};

/* The servers and threshold of section @sec. */
void kseal_tang_bind_of(const struct kseal_tang *sec,
			struct kseal_tang_bind *b);

/*
 * Bind the @len-byte secret @f to @b with a fresh Z: fills @sec (fresh
 * C_i, wrapped shares, checks and, with a passphrase @pass, the recovery
 * wrap) and @seed = @f XOR pad(Z), what the TPM seals. -EINVAL if a
 * server key is not a point of its curve (logged).
 */
int kseal_tang_bind(const struct kseal_tang_bind *b, const u8 *f, u32 len,
		    const char *pass, size_t pass_len, struct kseal_tang *sec,
		    u8 *seed);

/*
 * Z from the answers @y (server i's at @y + (i - 1) *
 * KSEAL_TANG_POINT_MAX, for each bit i - 1 of @answered; points of
 * @curve) to the requests blinded with @e: -EKEYREJECTED, with a log line
 * per refused answer and one for the total, unless T of them recover
 * their share.
 */
int kseal_tang_recover(const struct kseal_tang *sec,
		       const struct kseal_ecmr_scalar *e, u8 answered,
		       u8 curve, const u8 *y, u8 *z);

/* Z from the recovery wrap, with the unsealed @seed and passphrase. */
int kseal_tang_unwrap_recovery(const struct kseal_tang *sec, const u8 *seed,
			       u32 len, const char *pass, u8 *z);

/* @buf (@len bytes) ^= pad(@z): seed to F, or F to seed. */
int kseal_tang_pad(const u8 *z, u8 *buf, u32 len);

#endif /* KSEAL_TANG_KEY_H */
