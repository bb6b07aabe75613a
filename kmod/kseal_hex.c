// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hex codec for blobs. Written here rather than using the kernel's hex2bin
 * so that the host tests and fuzzers run the very same code.
 */
#include "kseal_hex.h"

int kseal_hex_decode(const char *hex, size_t hexlen, u8 *out, size_t cap)
{
	size_t i, n;

	if (hexlen & 1)
		return -EINVAL;
	n = hexlen / 2;
	if (n > cap || n > 0x7fffffff)
		return -E2BIG;
	/* Validate first: a rejected input leaves @out untouched. */
	for (i = 0; i < hexlen; i++)
		if (kseal_hex_digit(hex[i]) < 0)
			return -EINVAL;
	for (i = 0; i < n; i++)
		out[i] = (u8)((kseal_hex_digit(hex[2 * i]) << 4) |
			      kseal_hex_digit(hex[2 * i + 1]));
	return (int)n;
}

void kseal_hex_encode(const u8 *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
}
