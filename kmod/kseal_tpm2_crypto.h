/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel-only crypto for TPM sessions: the ephemeral ECDH that salts a
 * session (the other primitives are declared in kseal_tpm2_session.h).
 */
#ifndef KSEAL_TPM2_CRYPTO_H
#define KSEAL_TPM2_CRYPTO_H

#include <linux/types.h>

/* An uncompressed P-256 point, x || y, big-endian. */
#define KSEAL_ECDH_POINT_SIZE	64

/*
 * Makes a fresh P-256 key pair, writes its public point to @eph and the x
 * coordinate of its product with @peer (32 bytes) to @z. The private key
 * is gone when this returns. -EINVAL when @peer is not on the curve.
 */
int kseal_ecdh_p256(const u8 *peer, u8 *eph, u8 *z);

#endif /* KSEAL_TPM2_CRYPTO_H */
