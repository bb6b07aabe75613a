// SPDX-License-Identifier: GPL-2.0-only
/* Host tests of the pkey ciphertext layout (kmod/kseal_ciphertext.c). */
#include "kseal_ciphertext.h"

#include <kselftest_harness.h>

static u8 buf[KSEAL_CT_MAX + 16];
static const u8 nonce[KSEAL_CT_NONCE_SIZE] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
};

TEST(sizes)
{
	EXPECT_EQ(33, KSEAL_CT_OVERHEAD);
	EXPECT_EQ(33, kseal_ct_size(0));
	EXPECT_EQ(4096 + 33, kseal_ct_size(4096));
	EXPECT_EQ(KSEAL_CT_MAX, kseal_ct_size(KSEAL_CT_PLAIN_MAX));
	EXPECT_EQ(0, kseal_ct_size(KSEAL_CT_PLAIN_MAX + 1));
	/* pkey sizes are 16-bit */
	EXPECT_GE(65535, KSEAL_CT_MAX);
}

TEST(header_round_trip)
{
	static const size_t lens[] = { 0, 1, 32, 4096, KSEAL_CT_PLAIN_MAX };
	struct kseal_ct ct;
	unsigned int i;
	ssize_t n;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		n = kseal_ct_write_header(buf, sizeof(buf), 0x01020304, nonce,
					  lens[i]);
		ASSERT_EQ((ssize_t)(lens[i] + 33), n);
		ASSERT_EQ(KSEAL_CT_FORMAT, buf[0]);
		ASSERT_EQ(0x01, buf[1]);
		ASSERT_EQ(0x04, buf[4]);
		ASSERT_EQ(0, kseal_ct_parse(buf, n, &ct));
		EXPECT_EQ(0x01020304, ct.version);
		EXPECT_EQ((const u8 *)buf, ct.aad);
		EXPECT_EQ((const u8 *)buf + 5, ct.nonce);
		EXPECT_EQ(0, memcmp(ct.nonce, nonce, sizeof(nonce)));
		EXPECT_EQ((const u8 *)buf + 17, ct.body);
		EXPECT_EQ(lens[i], ct.body_len);
		EXPECT_EQ((const u8 *)buf + 17 + lens[i], ct.tag);
	}
}

TEST(write_errors)
{
	memset(buf, 0xee, 64);
	EXPECT_EQ(-EINVAL, kseal_ct_write_header(buf, sizeof(buf), 0, nonce, 1));
	EXPECT_EQ(-EINVAL, kseal_ct_write_header(buf, sizeof(buf), 1, nonce,
						 KSEAL_CT_PLAIN_MAX + 1));
	EXPECT_EQ(-ENOSPC, kseal_ct_write_header(buf, 33, 1, nonce, 1));
	EXPECT_EQ(0xee, buf[0]);
	EXPECT_EQ(34, kseal_ct_write_header(buf, 34, 1, nonce, 1));
}

TEST(parse_errors)
{
	struct kseal_ct ct;
	size_t len;

	ASSERT_EQ(50, kseal_ct_write_header(buf, sizeof(buf), 7, nonce, 17));
	for (len = 0; len < 33; len++)
		ASSERT_EQ(-EBADMSG, kseal_ct_parse(buf, len, &ct));
	ASSERT_EQ(0, kseal_ct_parse(buf, 33, &ct));
	EXPECT_EQ(0, ct.body_len);
	EXPECT_EQ(-EBADMSG, kseal_ct_parse(NULL, 50, &ct));
	EXPECT_EQ(-EBADMSG, kseal_ct_parse(buf, KSEAL_CT_MAX + 1, &ct));
	buf[0] = 2;
	EXPECT_EQ(-EBADMSG, kseal_ct_parse(buf, 50, &ct));
	EXPECT_EQ(NULL, (const void *)ct.body);
	buf[0] = KSEAL_CT_FORMAT;
	put_unaligned_be32(0, buf + 1);
	EXPECT_EQ(-EBADMSG, kseal_ct_parse(buf, 50, &ct));
	EXPECT_EQ(NULL, (const void *)ct.tag);
}

TEST_HARNESS_MAIN
