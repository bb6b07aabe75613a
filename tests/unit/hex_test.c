// SPDX-License-Identifier: GPL-2.0-only
/* Host tests of the blob hex codec (kmod/kseal_hex.c). */
/* Ours first: kseal_compat.h defines ARRAY_SIZE unconditionally. */
#include "kseal_hex.h"

#include <kselftest_harness.h>

TEST(round_trip_every_byte)
{
	u8 in[256], out[256];
	char hex[512];
	int i;

	for (i = 0; i < 256; i++)
		in[i] = (u8)i;
	kseal_hex_encode(in, sizeof(in), hex);
	ASSERT_EQ(0, memcmp(hex, "000102", 6));
	ASSERT_EQ(0, memcmp(hex + 500, "fafbfcfdfeff", 12));
	ASSERT_EQ(256, kseal_hex_decode(hex, sizeof(hex), out, sizeof(out)));
	ASSERT_EQ(0, memcmp(in, out, sizeof(in)));
}

TEST(both_cases_decode)
{
	u8 out[4];

	ASSERT_EQ(4, kseal_hex_decode("DEADbeef", 8, out, sizeof(out)));
	ASSERT_EQ(0xde, out[0]);
	ASSERT_EQ(0xad, out[1]);
	ASSERT_EQ(0xbe, out[2]);
	ASSERT_EQ(0xef, out[3]);
}

TEST(encode_writes_exactly_2n)
{
	char hex[6] = "zzzzzz";
	const u8 in[2] = { 0xab, 0x01 };

	kseal_hex_encode(in, 2, hex);
	ASSERT_EQ(0, memcmp(hex, "ab01zz", 6));
}

TEST(empty_is_zero_bytes)
{
	u8 out[1];

	ASSERT_EQ(0, kseal_hex_decode("", 0, out, 0));
}

TEST(odd_length)
{
	u8 out[4];

	ASSERT_EQ(-EINVAL, kseal_hex_decode("abc", 3, out, sizeof(out)));
	ASSERT_EQ(-EINVAL, kseal_hex_decode("a", 1, out, sizeof(out)));
}

TEST(non_hex_anywhere_untouched_output)
{
	const char *bad = "g x-\n\tG:/@`";
	char hex[8];
	u8 out[4];
	size_t i, j;

	for (i = 0; i < strlen(bad); i++) {
		for (j = 0; j < 8; j++) {
			memcpy(hex, "00112233", 8);
			hex[j] = bad[i];
			memset(out, 0x5a, sizeof(out));
			ASSERT_EQ(-EINVAL, kseal_hex_decode(hex, 8, out, 4));
			ASSERT_EQ(0x5a, out[0]);
		}
	}
	/* NUL is not a digit either */
	ASSERT_EQ(-EINVAL, kseal_hex_decode("00\0" "0", 4, out, 4));
}

TEST(too_big)
{
	u8 out[4] = { 0x5a };

	ASSERT_EQ(-E2BIG, kseal_hex_decode("0011223344", 10, out, 4));
	ASSERT_EQ(0x5a, out[0]);
	ASSERT_EQ(4, kseal_hex_decode("00112233", 8, out, 4));
	ASSERT_EQ(-E2BIG, kseal_hex_decode("00", 2, out, 0));
}

TEST_HARNESS_MAIN
