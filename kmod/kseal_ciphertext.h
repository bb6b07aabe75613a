/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parse and lay out pkey ciphertexts (include/kseal/ciphertext.h). The
 * AEAD itself is the caller's; these functions only place and check the
 * fields. Compiled into the module and into host tests.
 */
#ifndef KSEAL_CIPHERTEXT_H
#define KSEAL_CIPHERTEXT_H

#include "kseal_compat.h"
#include <kseal/ciphertext.h>

/* A parsed ciphertext: pointers into the caller's buffer. */
struct kseal_ct {
	u32 version;
	const u8 *aad;		/* KSEAL_CT_AAD_SIZE bytes */
	const u8 *nonce;	/* KSEAL_CT_NONCE_SIZE bytes */
	const u8 *body;		/* body_len bytes of ciphertext */
	size_t body_len;
	const u8 *tag;		/* KSEAL_CT_TAG_SIZE bytes */
};

/* Size of the ciphertext of @plain_len bytes, 0 if above the maximum. */
size_t kseal_ct_size(size_t plain_len);

/*
 * Split @len bytes of @buf into @ct: 0, or -EBADMSG for anything that is
 * not a well-formed ciphertext (length, format byte, version 0).
 */
int kseal_ct_parse(const u8 *buf, size_t len, struct kseal_ct *ct);

/*
 * Write the header (format, @version, @nonce) of the ciphertext of
 * @plain_len bytes into @buf; the caller then encrypts into
 * buf + KSEAL_CT_HDR_SIZE and puts the tag after it. Returns the total
 * ciphertext size, -EINVAL for version 0 or a too long plaintext, -ENOSPC
 * if @cap is too small (nothing written then).
 */
ssize_t kseal_ct_write_header(u8 *buf, size_t cap, u32 version,
			      const u8 nonce[KSEAL_CT_NONCE_SIZE],
			      size_t plain_len);

#endif /* KSEAL_CIPHERTEXT_H */
