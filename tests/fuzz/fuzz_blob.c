// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the sealed blob parser. A blob that parses must have
 * the size it claims, write back byte for byte, and parse again into the
 * same fields, and a Tang section only with its flag; a refused blob must leave the output zeroed.
 */
#include <stdlib.h>

#include "fuzz_exact.h"
#include "kseal_blob.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct kseal_sealed_blob b, b2, zero;
	static u8 out[KSEAL_SEALED_FIXED_SIZE + KSEAL_TANG_SECTION_MAX +
		      KSEAL_PUBLIC_MAX + KSEAL_PRIVATE_MAX];
	u8 digest[32];
	u8 *short_buf;
	int kind, ret;

	kind = kseal_blob_kind(data, size);
	ret = kseal_sealed_blob_parse(data, size, &b);
	if (ret) {
		if (ret != -EINVAL && ret != -EBADMSG)
			abort();
		if (memcmp(&b, &zero, sizeof(b)))
			abort();
		return 0;
	}
	if (kind != KSEAL_BLOB_KIND_SEALED)
		abort();
	if (kseal_sealed_blob_size(&b) != size || size > sizeof(out))
		abort();
	if (kseal_sealed_blob_write(&b, out, sizeof(out)) != (ssize_t)size)
		abort();
	if (memcmp(out, data, size))
		abort();
	/* exactly one byte short: a write past the cap is an ASan report */
	short_buf = fuzz_exact(size - 1);
	if (kseal_sealed_blob_write(&b, short_buf, size - 1) != -ENOSPC)
		abort();
	free(short_buf);
	if (kseal_sealed_blob_parse(out, size, &b2) ||
	    memcmp(&b, &b2, sizeof(b)))
		abort();
	/* Every blob that parses has a header digest (Tang section too). */
	if (kseal_sealed_blob_hdr_digest(&b, digest))
		abort();
	if (!!(b.flags & KSEAL_BLOB_F_TANG) != !!b.tang.n)
		abort();
	return 0;
}
