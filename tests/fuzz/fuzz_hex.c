// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the hex codec. Whatever decodes must encode back to the
 * input in lowercase and decode again to the same bytes.
 */
#include <ctype.h>
#include <stdlib.h>

#include "fuzz_exact.h"
#include "kseal_hex.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	/* the first byte picks the capacity, so -E2BIG is reached too */
	size_t cap = size && data[0] & 1 ? size / 4 : size / 2;
	u8 *bin = fuzz_exact(cap), *bin2 = NULL;
	char *hex = NULL;
	size_t i;
	int n;

	n = kseal_hex_decode((const char *)data, size, bin, cap);
	if (n >= 0) {
		if ((size_t)n * 2 != size)
			abort();
		hex = fuzz_exact(size);
		bin2 = fuzz_exact(n);
		kseal_hex_encode(bin, n, hex);
		for (i = 0; i < size; i++)
			if (hex[i] != tolower(data[i]))
				abort();
		if (kseal_hex_decode(hex, size, bin2, n) != n ||
		    memcmp(bin, bin2, n))
			abort();
	} else if (n != -EINVAL && n != -E2BIG) {
		abort();
	}
	free(bin);
	free(bin2);
	free(hex);
	return 0;
}
