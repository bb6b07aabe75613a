// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: a hostile answer to a command sent in a salted
 * session, through kseal_tpm2_parse_resp_auth() and kseal_sess_response()
 * as kseal_tpm2.c runs them. The first input byte picks the session's
 * place, a handle, ENCRYPT, an authValue and whether the target writes the
 * right HMAC into the answer (FUZZ_SESS_FORGE: how the fuzzer reaches the
 * decryption at all); the rest is the answer. The session must accept the
 * answer only when its HMAC is the right one, and an answer it refuses
 * must leave every byte of it, and the session, as they were.
 */
#include <stdlib.h>

#include "fuzz_exact.h"
#include "fuzz_session.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	const u32 cc = KSEAL_TPM2_CC_UNSEAL;
	struct kseal_tpm2_sess s, before;
	struct kseal_tpm2_resp_auth a;
	u8 flags, want[32], *r, *copy;
	unsigned int index;
	bool match = false;
	size_t lo, hi;
	int ret;

	if (size < 1 || size > 0xffffffffu)
		return 0;
	flags = data[0];
	data++;
	size--;
	r = fuzz_exact(size);
	copy = fuzz_exact(size);
	if (size)
		memcpy(r, data, size);
	index = flags & FUZZ_SESS_INDEX1 ? 1 : 0;
	ret = kseal_tpm2_parse_resp_auth(r, size,
					 flags & FUZZ_SESS_HANDLE ? 1 : 0,
					 index, &a);
	if (ret) {
		if (ret != -EBADMSG && ret <= 0)
			abort();
		goto out;
	}
	if (a.params_off + a.params_len > size ||
	    a.nonce < r + a.params_off + a.params_len ||
	    a.nonce + a.nonce_len > r + size ||
	    (a.hmac_len && a.hmac + a.hmac_len > r + size))
		abort();

	fuzz_sess_init(&s, flags & FUZZ_SESS_AUTH);
	if (fuzz_resp_hmac(&s, cc, r + a.params_off, a.params_len, a.nonce,
			   a.nonce_len, a.attrs, want))
		abort();
	if ((flags & FUZZ_SESS_FORGE) && a.hmac_len == sizeof(want))
		memcpy(r + (a.hmac - r), want, sizeof(want));
	match = a.hmac_len == sizeof(want) &&
		!memcmp(a.hmac, want, sizeof(want));

	memcpy(copy, r, size);
	before = s;
	ret = kseal_sess_response(&s, cc, r + a.params_off, a.params_len, &a,
				  flags & FUZZ_SESS_ENCRYPT ?
				  KSEAL_TPMA_SESSION_ENCRYPT : 0);
	if (ret && ret != -EIO && ret != -EBADMSG)
		abort();
	/*
	 * Accepted only with the right HMAC; the right HMAC is not refused
	 * as a forgery (a first parameter longer than the area still is
	 * -EBADMSG).
	 */
	if ((!ret && !match) || (ret == -EIO && match))
		abort();
	if (ret) {
		/* Nothing decrypted; a session that refused kept its nonce. */
		if (memcmp(r, copy, size))
			abort();
		if (ret == -EIO && memcmp(&s, &before, sizeof(s)))
			abort();
		goto out;
	}
	/* The TPM's new nonce is the session's now. */
	if (s.nonce_tpm_len != a.nonce_len ||
	    memcmp(s.nonce_tpm, a.nonce, a.nonce_len))
		abort();
	/* Only the first parameter's data may change, and only for ENCRYPT. */
	lo = hi = 0;
	if (flags & FUZZ_SESS_ENCRYPT) {
		if (a.params_len < 2)
			abort();
		lo = a.params_off + 2;
		hi = lo + get_unaligned_be16(r + a.params_off);
		if (hi > a.params_off + a.params_len)
			abort();
	}
	if (memcmp(r, copy, lo) || memcmp(r + hi, copy + hi, size - hi))
		abort();
out:
	free(copy);
	free(r);
	return 0;
}
