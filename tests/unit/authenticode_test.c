// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of ksealctl's Authenticode digest (userspace/authenticode.c):
 * a small PE32+ image built here, and Debian's kernel image from the
 * cache, against digests that osslsigncode computed.
 */
#include "authenticode.h"

#include <kselftest_harness.h>

#define IMG_SIZE	0x850
#define OPT		0x98	/* optional header: e_lfanew 0x80 + 24 */
#define CSUM		(OPT + 64)
#define CERT_DIR	(OPT + 112 + 8 * 4)
#define SECTAB		(OPT + 240)

/*
 * The Debian 6.1 kernel image of the test VM (linux-image-6.1.0-57-amd64
 * 6.1.192-3, unsigned). osslsigncode verify gives this digest for the
 * signed package's image, which carries a certificate table, and for
 * this image signed with a throwaway key: the two differ only in what
 * the digest leaves out.
 */
#define DEBIAN_IMAGE "/var/cache/kseal/image/boot/vmlinuz-6.1.0-57-amd64"
static const char debian_digest[] =
	"61e79ca0acd7e9f18984bea7b44650801ed54fd95a8786c16c583b86acf9d538";

/*
 * The image of small_pe() signed with a throwaway key: osslsigncode
 * verify's "Calculated message digest". Its sections lie in the file in
 * another order than in the table, and data follows them.
 */
static const char small_digest[] =
	"f0319b53d87252beeb1fc45f9db59c4abeb73191a7f6551c124290b88096b3bb";

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

/*
 * PE32+, 3 sections of 0x200 bytes listed as at 0x400, 0x200, 0x600,
 * then 0x50 bytes of other data to the end of the file.
 */
static void small_pe(uint8_t *b)
{
	static const uint32_t ptr[3] = { 0x400, 0x200, 0x600 };
	static const char name[3][8] = { ".text", ".data", ".rodata" };
	int i;

	memset(b, 0, IMG_SIZE);
	b[0] = 'M';
	b[1] = 'Z';
	put32(b + 0x3c, 0x80);
	memcpy(b + 0x80, "PE\0\0", 4);
	put16(b + 0x84, 0x8664);	/* x86-64 */
	put16(b + 0x86, 3);
	put16(b + 0x94, 240);		/* SizeOfOptionalHeader */
	put16(b + 0x96, 0x0022);	/* executable, large address aware */
	put16(b + OPT, 0x20b);
	put32(b + OPT + 16, 0x1000);	/* AddressOfEntryPoint */
	put32(b + OPT + 32, 0x1000);	/* SectionAlignment */
	put32(b + OPT + 36, 0x200);	/* FileAlignment */
	put32(b + OPT + 56, 0x4000);	/* SizeOfImage */
	put32(b + OPT + 60, 0x200);	/* SizeOfHeaders */
	put32(b + CSUM, 0x12345678);
	put16(b + OPT + 68, 10);	/* EFI application */
	put32(b + OPT + 108, 16);	/* NumberOfRvaAndSizes */
	for (i = 0; i < 3; i++) {
		uint8_t *s = b + SECTAB + 40 * i;

		memcpy(s, name[i], 8);
		put32(s + 8, 0x200);
		put32(s + 12, 0x1000 * (i + 1));
		put32(s + 16, 0x200);
		put32(s + 20, ptr[i]);
		put32(s + 36, 0x60000020);
		memset(b + ptr[i], 0x31 + i, 0x200);
	}
	memcpy(b + 0x800, "data after the sections", 23);
}

static bool digest(const uint8_t *img, size_t len, char hex[65],
		   const char **why)
{
	/* Exactly @len bytes on the heap, so ASan sees any read past them. */
	uint8_t *copy = malloc(len ? len : 1), d[32];
	bool ok;
	int i;

	memcpy(copy, img, len);
	ok = authenticode_sha256(copy, len, d, why);
	free(copy);
	for (i = 0; ok && i < 32; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
	return ok;
}

TEST(small_image_reference)
{
	uint8_t b[IMG_SIZE];
	const char *why;
	char hex[65];

	small_pe(b);
	ASSERT_TRUE(digest(b, sizeof(b), hex, &why)) TH_LOG("%s", why);
	ASSERT_STREQ(small_digest, hex);
}

/* CheckSum and the certificate directory entry are left out; nothing else. */
TEST(what_is_hashed)
{
	uint8_t b[IMG_SIZE];
	const char *why;
	char hex[65], ref[65];
	size_t i;

	small_pe(b);
	ASSERT_TRUE(digest(b, sizeof(b), ref, &why));
	for (i = 0; i < sizeof(b); i++) {
		bool skipped = (i >= CSUM && i < CSUM + 4) ||
			       (i >= CERT_DIR && i < CERT_DIR + 8);

		b[i] ^= 0x80;
		if (!digest(b, sizeof(b), hex, &why)) {
			/* a header field that makes it no PE image */
		} else if (skipped) {
			EXPECT_STREQ(ref, hex) TH_LOG("byte %#zx", i);
		} else {
			EXPECT_STRNE(ref, hex) TH_LOG("byte %#zx", i);
		}
		b[i] ^= 0x80;
	}
}

/*
 * A certificate table appended and entered in the directory (as sbsign
 * and osslsigncode do) leaves the digest as it was.
 */
TEST(certificate_table_left_out)
{
	uint8_t b[IMG_SIZE + 0x40];
	const char *why;
	char hex[65], ref[65];

	small_pe(b);
	ASSERT_TRUE(digest(b, IMG_SIZE, ref, &why));
	memset(b + IMG_SIZE, 0xee, 0x40);
	put32(b + CERT_DIR, IMG_SIZE);
	put32(b + CERT_DIR + 4, 0x40);
	put32(b + CSUM, 0x9abcdef0);
	ASSERT_TRUE(digest(b, sizeof(b), hex, &why)) TH_LOG("%s", why);
	ASSERT_STREQ(ref, hex);
	/* a table larger than what follows the sections is refused */
	put32(b + CERT_DIR, 0x100);
	put32(b + CERT_DIR + 4, 0x700);
	ASSERT_FALSE(digest(b, sizeof(b), hex, &why));
	ASSERT_STREQ("the certificate table overlaps the sections", why);
}

/* Every prefix of the image is refused or hashed, never over-read. */
TEST(truncations)
{
	uint8_t b[IMG_SIZE];
	const char *why;
	char hex[65];
	size_t len;

	small_pe(b);
	for (len = 0; len < 0x800; len++)
		ASSERT_FALSE(digest(b, len, hex, &why)) TH_LOG("%zu bytes", len);
	/* from the end of the last section on, the rest is trailing data */
	for (; len <= IMG_SIZE; len++)
		ASSERT_TRUE(digest(b, len, hex, &why)) TH_LOG("%zu bytes", len);
}

TEST(bad_headers_refused)
{
	static const struct {
		size_t off;
		uint32_t val;
		int width;
		const char *why;
	} cases[] = {
		{ 0, 'X', 1, "no MZ header" },
		{ 0x3c, IMG_SIZE - 23, 4, "beyond the end" },
		{ 0x3c, 0xfffffff0, 4, "beyond the end" },
		{ 0x80, 'X', 1, "no PE signature" },
		{ 0x94, 0xffff, 2, "optional header runs past" },
		{ 0x94, 0, 2, "no optional header" },
		{ 0x94, 100, 2, "too short" },
		{ OPT, 0x10c, 2, "neither PE32 nor PE32+" },
		{ OPT + 108, 17, 4, "data directories run past" },
		{ OPT + 108, 0xffffffff, 4, "data directories run past" },
		{ OPT + 60, IMG_SIZE + 1, 4, "SizeOfHeaders is larger" },
		{ OPT + 60, CERT_DIR + 7, 4, "ends inside the optional header" },
		{ CERT_DIR + 4, 0x10, 4, "beyond the end of the file" },
		{ 0x86, 0xffff, 2, "section table runs past" },
		{ SECTAB + 16, 0x7ff, 4, "raw data lies beyond" },
		{ SECTAB + 20, 0xfffffe00, 4, "raw data lies beyond" },
	};
	uint8_t b[IMG_SIZE];
	const char *why;
	bool accepted;
	char hex[65];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		small_pe(b);
		if (cases[i].width == 1)
			b[cases[i].off] = (uint8_t)cases[i].val;
		else if (cases[i].width == 2)
			put16(b + cases[i].off, (uint16_t)cases[i].val);
		else
			put32(b + cases[i].off, cases[i].val);
		if (cases[i].off == CERT_DIR + 4)
			put32(b + CERT_DIR, IMG_SIZE - 8);
		accepted = digest(b, sizeof(b), hex, &why);
		EXPECT_FALSE(accepted) TH_LOG("case %zu accepted", i);
		if (accepted)
			continue;
		EXPECT_NE(NULL, strstr(why, cases[i].why))
			TH_LOG("case %zu: '%s'", i, why);
	}
}

/* Without a certificate directory (NumberOfRvaAndSizes <= 4) too. */
TEST(few_data_directories)
{
	uint8_t b[IMG_SIZE];
	const char *why;
	char hex[65], ref[65];

	small_pe(b);
	put32(b + OPT + 108, 4);
	ASSERT_TRUE(digest(b, sizeof(b), ref, &why)) TH_LOG("%s", why);
	b[CERT_DIR] ^= 1;	/* now an ordinary header byte */
	ASSERT_TRUE(digest(b, sizeof(b), hex, &why));
	ASSERT_STRNE(ref, hex);
}

TEST(debian_kernel_image)
{
	const char *why;
	uint8_t *img;
	char hex[65];
	FILE *f;
	long len;

	f = fopen(DEBIAN_IMAGE, "rb");
	if (!f)
		SKIP(return, "%s is not there: run tests/vm/run once to fill the cache",
		     DEBIAN_IMAGE);
	ASSERT_EQ(0, fseek(f, 0, SEEK_END));
	len = ftell(f);
	ASSERT_LT(0, len);
	rewind(f);
	img = malloc(len);
	ASSERT_EQ(1, fread(img, len, 1, f));
	fclose(f);
	ASSERT_TRUE(digest(img, len, hex, &why)) TH_LOG("%s", why);
	free(img);
	ASSERT_STREQ(debian_digest, hex);
}

TEST_HARNESS_MAIN
