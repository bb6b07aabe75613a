// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shamir's secret sharing of kmod/kseal_tang.c: known answers computed
 * independently (GF(2^8) with x^8 + x^4 + x^3 + x + 1 in Python), and
 * split/combine for every 1 <= T <= N <= 8 with every subset of shares.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "kseal_tang.h"

#define Z KSEAL_TANG_SECRET_SIZE

static void unhex(const char *h, u8 *out)
{
	size_t i;

	for (i = 0; i < Z; i++) {
		unsigned int v;

		if (sscanf(h + 2 * i, "%2x", &v) != 1)
			abort();
		out[i] = (u8)v;
	}
}

/* secret a0..bf, T = 3, coefficient bytes (7j + 13b + 1) mod 256. */
static const char *const kat_share[5] = {
	"a7a8a9badbbcadaeaf50b1a2a3a4d5b6b7b8b94aab8cbdbebfa081b2b3b4a586",
	"8cfb4225cb6c65d28f75d7d06502f0474afd844ee0074e393f6891d6a3b2db2c",
	"8bf2493cb4756edb888cccd96a0b8b5e4df48fb7ff3e45303871aadfacbbc015",
	"702e8c5208ed42ca42de67e2542a8421a24a5e02afe7c8f6bfa1838686d7232b",
	"7727874b77f449c345277ceb5b23ff38a54355fbb0dec3ffb8b8b88f89de3812",
};

TEST(known_answers)
{
	u8 secret[Z], coef[2 * Z], shares[5][Z], want[Z], out[Z];
	u8 xs[3] = { 5, 2, 4 }, pick[3][Z];
	int i, b;

	for (b = 0; b < Z; b++) {
		secret[b] = 0xa0 + b;
		coef[b] = (u8)(7 * 1 + 13 * b + 1);
		coef[Z + b] = (u8)(7 * 2 + 13 * b + 1);
	}
	ASSERT_EQ(0, kseal_shamir_split(secret, 5, 3, coef, shares));
	for (i = 0; i < 5; i++) {
		unhex(kat_share[i], want);
		ASSERT_EQ(0, memcmp(want, shares[i], Z)) TH_LOG("share %d", i + 1);
	}
	/* Shares 5, 2, 4 of the known answers, in that order. */
	for (i = 0; i < 3; i++)
		unhex(kat_share[xs[i] - 1], pick[i]);
	ASSERT_EQ(0, kseal_shamir_combine(xs, (const u8 (*)[Z])pick, 3, out));
	ASSERT_EQ(0, memcmp(secret, out, Z));
}

/* T = N = 1: the one share is the secret itself. */
TEST(one_of_one)
{
	u8 secret[Z], shares[1][Z], out[Z], x = 1;
	int b;

	for (b = 0; b < Z; b++)
		secret[b] = (u8)(b * 37 + 5);
	ASSERT_EQ(0, kseal_shamir_split(secret, 1, 1, NULL, shares));
	ASSERT_EQ(0, memcmp(secret, shares[0], Z));
	ASSERT_EQ(0, kseal_shamir_combine(&x, (const u8 (*)[Z])shares, 1, out));
	ASSERT_EQ(0, memcmp(secret, out, Z));
}

/* Combine the shares of the subset @mask of @shares into @out. */
static int combine_subset(u8 shares[][Z], unsigned int mask, u8 *out)
{
	u8 xs[KSEAL_TANG_SERVERS_MAX], pick[KSEAL_TANG_SERVERS_MAX][Z];
	u8 k = 0;
	int i;

	for (i = 0; i < KSEAL_TANG_SERVERS_MAX; i++) {
		if (!(mask & (1U << i)))
			continue;
		xs[k] = (u8)(i + 1);
		memcpy(pick[k++], shares[i], Z);
	}
	return kseal_shamir_combine(xs, (const u8 (*)[Z])pick, k, out);
}

/*
 * Every T <= N <= 8: each subset of T or more shares gives the secret
 * back, each of fewer than T does not, and one wrong byte in one share of
 * a T subset gives another value.
 */
TEST(every_threshold)
{
	u8 secret[Z], coef[(KSEAL_TANG_SERVERS_MAX - 1) * Z], out[Z];
	u8 shares[KSEAL_TANG_SERVERS_MAX][Z];
	unsigned int n, t, mask, i;

	srand(17);
	for (n = 1; n <= KSEAL_TANG_SERVERS_MAX; n++) {
		for (t = 1; t <= n; t++) {
			for (i = 0; i < Z; i++)
				secret[i] = (u8)rand();
			for (i = 0; i < sizeof(coef); i++)
				coef[i] = (u8)rand();
			ASSERT_EQ(0, kseal_shamir_split(secret, n, t, coef,
							shares));
			for (mask = 1; mask < (1U << n); mask++) {
				int k = __builtin_popcount(mask);

				ASSERT_EQ(0, combine_subset(shares, mask, out));
				ASSERT_EQ(k >= (int)t, !memcmp(secret, out, Z))
					TH_LOG("n %u t %u mask %x", n, t, mask);
				if (k != (int)t)
					continue;
				/* A wrong share: the lowest one, one byte. */
				i = __builtin_ctz(mask);
				shares[i][mask % Z] ^= 0x5a;
				ASSERT_EQ(0, combine_subset(shares, mask, out));
				ASSERT_NE(0, memcmp(secret, out, Z));
				shares[i][mask % Z] ^= 0x5a;
			}
		}
	}
}

TEST(bad_arguments)
{
	u8 secret[Z] = { 1 }, coef[8 * Z] = { 0 }, shares[9][Z], out[Z];
	u8 xs[3] = { 1, 2, 3 };

	EXPECT_EQ(-EINVAL, kseal_shamir_split(secret, 3, 0, coef, shares));
	EXPECT_EQ(-EINVAL, kseal_shamir_split(secret, 3, 4, coef, shares));
	EXPECT_EQ(-EINVAL, kseal_shamir_split(secret, 9, 2, coef, shares));
	EXPECT_EQ(-EINVAL, kseal_shamir_split(secret, 0, 0, coef, shares));
	EXPECT_EQ(-EINVAL, kseal_shamir_combine(xs, (const u8 (*)[Z])shares,
						0, out));
	EXPECT_EQ(-EINVAL, kseal_shamir_combine(xs, (const u8 (*)[Z])shares,
						9, out));
	xs[1] = 0;
	EXPECT_EQ(-EINVAL, kseal_shamir_combine(xs, (const u8 (*)[Z])shares,
						3, out));
	xs[1] = 3;
	EXPECT_EQ(-EINVAL, kseal_shamir_combine(xs, (const u8 (*)[Z])shares,
						3, out));
}

TEST_HARNESS_MAIN
