/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ciphertext of keyctl pkey_encrypt with a kseal data key, as
 * pkey_decrypt takes it back. Plain #defines only.
 *
 *   offset size field
 *   ------ ---- -----------------------------------------------------------
 *        0    1 format, KSEAL_CT_FORMAT (1)
 *        1    4 data key version (big-endian), at least 1
 *        5   12 random AES-256-GCM nonce
 *       17    n ciphertext, n = plaintext length, 0..KSEAL_CT_PLAIN_MAX
 *     17+n   16 GCM tag
 *
 * The AAD is the first 5 bytes (format and version): a ciphertext cannot
 * be moved to another version. Every malformed ciphertext is -EBADMSG,
 * like a failed tag, so a modified byte anywhere gives the same error.
 *
 * Keys. With K the version's key bytes (as wrapped in the data blob,
 * include/kseal/blob.h), the GCM key is HMAC-SHA256(K, "kseal enc v1").
 * pkey_sign returns the 4-byte version (big-endian) followed by
 * HMAC-SHA256(HMAC-SHA256(K, "kseal mac v1"), message). A logon export
 * carries K itself, of the version current when it was made. Labels are
 * their ASCII bytes without a terminating NUL.
 */
#ifndef KSEAL_CIPHERTEXT_FORMAT_H
#define KSEAL_CIPHERTEXT_FORMAT_H

#define KSEAL_CT_FORMAT		1
#define KSEAL_CT_OFF_FORMAT	0
#define KSEAL_CT_OFF_VERSION	1
#define KSEAL_CT_OFF_NONCE	5
#define KSEAL_CT_NONCE_SIZE	12
#define KSEAL_CT_HDR_SIZE	(KSEAL_CT_OFF_NONCE + KSEAL_CT_NONCE_SIZE)
#define KSEAL_CT_AAD_SIZE	KSEAL_CT_OFF_NONCE
#define KSEAL_CT_TAG_SIZE	16
#define KSEAL_CT_OVERHEAD	(KSEAL_CT_HDR_SIZE + KSEAL_CT_TAG_SIZE)

/*
 * Largest plaintext of one pkey_encrypt: keyctl copies both buffers
 * through kmalloc, and pkey sizes are 16-bit; 16 KiB keeps the
 * allocations at four pages.
 */
#define KSEAL_CT_PLAIN_MAX	16384
#define KSEAL_CT_MAX		(KSEAL_CT_PLAIN_MAX + KSEAL_CT_OVERHEAD)

#endif /* KSEAL_CIPHERTEXT_FORMAT_H */
