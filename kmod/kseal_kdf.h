/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HMAC-SHA256 for key derivation (key ids, wrapping keys). One transform
 * for the module, allocated at load: derivation happens once per key
 * load, never per use.
 */
#ifndef KSEAL_KDF_H
#define KSEAL_KDF_H

#include <linux/types.h>

#define KSEAL_KDF_SIZE	32

int kseal_kdf_init(void);
void kseal_kdf_exit(void);
/* out = HMAC-SHA256(secret, label); the label is a NUL-terminated string. */
int kseal_kdf(const u8 *secret, u32 secret_len, const char *label, u8 *out);

#endif /* KSEAL_KDF_H */
