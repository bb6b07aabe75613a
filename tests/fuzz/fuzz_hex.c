// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the hex codec. Whatever decodes must encode back to the
 * input in lowercase and decode again to the same bytes.
 */
#include <ctype.h>
#include <stdlib.h>

#include "kseal_hex.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 *bin = malloc(size / 2 + 1), *bin2 = malloc(size / 2 + 1);
	char *hex = malloc(size + 1);
	size_t i;
	int n;

	if (!bin || !bin2 || !hex)
		abort();
	/* the first byte picks the capacity, so -E2BIG is reached too */
	n = kseal_hex_decode((const char *)data, size, bin,
			     size && data[0] & 1 ? size / 4 : size / 2);
	if (n >= 0) {
		if ((size_t)n * 2 != size)
			abort();
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
