// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: ksealctl's Authenticode digest of a PE/COFF image
 * (userspace/authenticode.c): it reads only the input's bytes and gives
 * either a digest or a reason, never both or neither.
 */
#include <string.h>

#include "authenticode.h"
#include "fuzz_exact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = fuzz_exact(size), d[32];
	const char *why = "unset";

	/* Exactly the input's size, so ASan sees any read past it. */
	memcpy(buf, data, size);
	if (authenticode_sha256(buf, size, d, &why) != (why == NULL))
		abort();
	free(buf);
	return 0;
}
