// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the pkey ciphertext parser. A parsed ciphertext must
 * cover the input exactly (header, body, tag, nothing else) and its header
 * must write back byte for byte; a refused one is always -EBADMSG.
 */
#include <stdlib.h>

#include "kseal_ciphertext.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static u8 out[KSEAL_CT_MAX];
	struct kseal_ct ct;
	int ret;

	ret = kseal_ct_parse(data, size, &ct);
	if (ret) {
		if (ret != -EBADMSG)
			abort();
		return 0;
	}
	if (!ct.version || ct.aad != data ||
	    ct.nonce != data + KSEAL_CT_OFF_NONCE ||
	    ct.body != data + KSEAL_CT_HDR_SIZE ||
	    ct.tag != ct.body + ct.body_len ||
	    ct.tag + KSEAL_CT_TAG_SIZE != data + size ||
	    kseal_ct_size(ct.body_len) != size)
		abort();
	if (kseal_ct_write_header(out, sizeof(out), ct.version, ct.nonce,
				  ct.body_len) != (ssize_t)size ||
	    memcmp(out, data, KSEAL_CT_HDR_SIZE))
		abort();
	return 0;
}
