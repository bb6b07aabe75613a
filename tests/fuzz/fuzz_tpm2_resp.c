// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the TPM 2.0 response parsers. The first input byte picks
 * the parser, the rest is the response as a hostile TPM would send it (for
 * selector 10, the public area inside one). A parser must return 0,
 * -EBADMSG or the response code of a bare error header (the public area
 * parser also -EOPNOTSUPP), and anything it points at must lie inside the
 * response.
 */
#include <stdlib.h>

#include "fuzz_exact.h"
#include "kseal_tpm2_wire.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static void inside(const u8 *p, u16 n, const u8 *buf, size_t size)
{
	if (p < buf || p + n > buf + size)
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct kseal_tpm2_resp_auth ra;
	const u8 *buf, *a, *b;
	u8 *out = NULL;
	u16 alen, blen, n, cap;
	u32 h, got;
	int ret;

	if (size < 1 || size > 0xffffffffu)
		return 0;
	buf = data + 1;
	size--;
	switch (data[0] % 11) {
	case 0:
		cap = 64;
		out = fuzz_exact(cap);
		ret = kseal_tpm2_parse_tpm2b(buf, size, out, 0, cap, &n);
		if (!ret && n > cap)
			abort();
		break;
	case 1:
		ret = kseal_tpm2_parse_start_auth(buf, size, &h, &a, &alen);
		if (!ret)
			inside(a, alen, buf, size);
		break;
	case 2:
		ret = kseal_tpm2_parse_load(buf, size, &h);
		break;
	case 3:
		cap = 128;
		out = fuzz_exact(cap);
		ret = kseal_tpm2_parse_tpm2b(buf, size, out, 0, cap, &n);
		if (!ret && n > cap)
			abort();
		break;
	case 4:
		cap = KSEAL_TPM2_SHA256_SIZE;
		out = fuzz_exact(cap);
		ret = kseal_tpm2_parse_tpm2b(buf, size, out, cap, cap, &n);
		if (!ret && n != cap)
			abort();
		break;
	case 5:
		ret = kseal_tpm2_parse_create(buf, size, &a, &alen, &b, &blen);
		if (!ret) {
			inside(a, alen, buf, size);
			inside(b, blen, buf, size);
		}
		break;
	case 6:
		ret = kseal_tpm2_parse_read_public(buf, size, &a, &alen, &b,
						   &blen);
		if (!ret) {
			inside(a, alen, buf, size);
			inside(b, blen, buf, size);
		}
		break;
	case 8:
	case 9:
		/* Session 0 without handles, session 1 after one handle. */
		ret = kseal_tpm2_parse_resp_auth(buf, size, data[0] % 11 - 8,
						 data[0] % 11 - 8, &ra);
		if (!ret) {
			if ((u64)ra.params_off + ra.params_len > size ||
			    ra.nonce < buf + ra.params_off + ra.params_len)
				abort();
			inside(ra.nonce, ra.nonce_len, buf, size);
			if (ra.hmac_len)
				inside(ra.hmac, ra.hmac_len, buf, size);
			if (ra.nonce_len < KSEAL_TPM2_NONCE_MIN ||
			    ra.nonce_len > KSEAL_TPM2_NONCE_MAX ||
			    ra.hmac_len > KSEAL_TPM2_NONCE_MAX)
				abort();
		}
		break;
	case 10:
		/* A public area (TPMT_PUBLIC) rather than a response. */
		ret = kseal_tpm2_parse_ecc_public(buf, size > 0xffff ? 0xffff :
						  size, &a, &b);
		if (!ret) {
			inside(a, KSEAL_TPM2_P256_SIZE, buf, size);
			inside(b, KSEAL_TPM2_P256_SIZE, buf, size);
		}
		if (ret == -EOPNOTSUPP)
			ret = 0;
		break;
	default:
		cap = KSEAL_TPM2_PCR_COUNT * KSEAL_TPM2_SHA256_SIZE;
		out = fuzz_exact(cap);
		ret = kseal_tpm2_parse_pcr_read(buf, size, 0xff00ff, &got, out,
						cap);
		if (!ret && (got & ~0xff00ffu))
			abort();
		break;
	}
	free(out);
	if (ret > 0 && (size != KSEAL_TPM2_HDR_LEN ||
			get_unaligned_be32(buf + 6) != (u32)ret))
		abort();
	if (ret < 0 && ret != -EBADMSG)
		abort();
	return 0;
}
