/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KSEAL_HEX_H
#define KSEAL_HEX_H

#include "kseal_compat.h"

/*
 * Decode @hexlen hex digits (either case, no prefix, no separators) into
 * @out. Returns the number of bytes written, -EINVAL for an odd length or a
 * non-hex character, -E2BIG when the result would not fit in @cap bytes
 * (nothing is written then). An empty input decodes to 0 bytes.
 */
int kseal_hex_decode(const char *hex, size_t hexlen, u8 *out, size_t cap);

/*
 * The value of one hex digit (either case), or -1. Inline: the payload
 * parser calls it for every character of a blob, and as a call it was a
 * visible share of a data-key load.
 */
static inline int kseal_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Encode @n bytes as 2 * @n lowercase hex digits; no NUL is written. */
void kseal_hex_encode(const u8 *in, size_t n, char *out);

#endif /* KSEAL_HEX_H */
