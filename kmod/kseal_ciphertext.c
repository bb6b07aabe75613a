// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkey ciphertexts: the fixed layout around an AES-256-GCM body. Every
 * malformed input is -EBADMSG, the same error as a failed tag, so callers
 * learn nothing about which byte was wrong.
 */
#include "kseal_ciphertext.h"

size_t kseal_ct_size(size_t plain_len)
{
	if (plain_len > KSEAL_CT_PLAIN_MAX)
		return 0;
	return plain_len + KSEAL_CT_OVERHEAD;
}

int kseal_ct_parse(const u8 *buf, size_t len, struct kseal_ct *ct)
{
	memset(ct, 0, sizeof(*ct));
	if (!buf || len < KSEAL_CT_OVERHEAD || len > KSEAL_CT_MAX)
		return -EBADMSG;
	if (buf[KSEAL_CT_OFF_FORMAT] != KSEAL_CT_FORMAT)
		return -EBADMSG;
	ct->version = get_unaligned_be32(buf + KSEAL_CT_OFF_VERSION);
	if (!ct->version)
		return -EBADMSG;
	ct->aad = buf;
	ct->nonce = buf + KSEAL_CT_OFF_NONCE;
	ct->body = buf + KSEAL_CT_HDR_SIZE;
	ct->body_len = len - KSEAL_CT_OVERHEAD;
	ct->tag = ct->body + ct->body_len;
	return 0;
}

ssize_t kseal_ct_write_header(u8 *buf, size_t cap, u32 version,
			      const u8 nonce[KSEAL_CT_NONCE_SIZE],
			      size_t plain_len)
{
	size_t size = kseal_ct_size(plain_len);

	if (!version || !size)
		return -EINVAL;
	if (size > cap)
		return -ENOSPC;
	buf[KSEAL_CT_OFF_FORMAT] = KSEAL_CT_FORMAT;
	put_unaligned_be32(version, buf + KSEAL_CT_OFF_VERSION);
	memcpy(buf + KSEAL_CT_OFF_NONCE, nonce, KSEAL_CT_NONCE_SIZE);
	return size;
}
