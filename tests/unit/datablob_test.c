// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of the data blob parser and writer (kmod/kseal_datablob.c).
 * The test has its own encoder, written from the layout table in
 * include/kseal/blob.h without any checks, so it can build broken blobs.
 */
#include "kseal_datablob.h"
#include <kseal/version.h>

#include <kselftest_harness.h>

#define BUF_MAX (KSEAL_BLOB_MAX + 64)

/* Fields as they go on the wire, free to lie. */
struct raw {
	u32 magic;
	u16 format, kind;
	u32 creator, flags;
	int total;		/* -1: the real length */
	u16 key_len;
	u32 cur, min;
	u16 count;
	int versions;		/* how many version records to write */
	u32 first;		/* version number of the first record */
	int swap;		/* >0: records swap-1 and swap get each other's number */
	int trailing;
	int chop;		/* bytes removed from the end */
};

static void raw_init(struct raw *r, u16 key_len, u32 min, u32 cur)
{
	memset(r, 0, sizeof(*r));
	r->magic = KSEAL_BLOB_MAGIC;
	r->format = KSEAL_BLOB_FORMAT;
	r->kind = KSEAL_BLOB_KIND_DATA;
	r->creator = KSEAL_VERSION_CODE;
	r->total = -1;
	r->key_len = key_len;
	r->cur = cur;
	r->min = min;
	r->count = (u16)(cur - min + 1);
	r->versions = r->count;
	r->first = min;
}

static size_t raw_encode(const struct raw *r, u8 *buf)
{
	u8 *p = buf;
	size_t len;
	int i;

	put_unaligned_be32(r->magic, p);
	put_unaligned_be16(r->format, p + 4);
	put_unaligned_be16(r->kind, p + 6);
	put_unaligned_be32(r->creator, p + 8);
	put_unaligned_be32(r->flags, p + 12);
	p += 20;
	for (i = 0; i < 32; i++)
		*p++ = (u8)(0xa0 + i);
	put_unaligned_be16(r->key_len, p);
	put_unaligned_be32(r->cur, p + 2);
	put_unaligned_be32(r->min, p + 6);
	put_unaligned_be16(r->count, p + 10);
	p += 12;
	for (i = 0; i < r->versions; i++) {
		u32 v = r->first + i;

		if (r->swap && i == r->swap - 1)
			v++;
		else if (r->swap && i == r->swap)
			v--;
		put_unaligned_be32(v, p);
		p += 4;
		memset(p, 0x10 + i, 12);
		p += 12;
		memset(p, 0x40 + i, r->key_len);
		p += r->key_len;
		memset(p, 0x80 + i, 16);
		p += 16;
	}
	memset(p, 0x5a, r->trailing);
	p += r->trailing;
	p -= r->chop;
	len = p - buf;
	put_unaligned_be32(r->total < 0 ? (u32)len : (u32)r->total, buf + 16);
	return len;
}

/* Room for every version, as a caller that does not size by count gives. */
#define ROOM KSEAL_VERSIONS_MAX
#define ROOM_BYTES KSEAL_DATA_BLOB_ROOM(ROOM)
static union {
	struct kseal_data_blob blob;
	u8 bytes[ROOM_BYTES];
} b_store, b2_store;
static struct kseal_data_blob *const b = &b_store.blob;
static struct kseal_data_blob *const b2 = &b2_store.blob;
static u8 buf[BUF_MAX], out[BUF_MAX];

static int raw_parse(const struct raw *r)
{
	size_t len = raw_encode(r, buf);

	return kseal_data_blob_parse(buf, len, b, ROOM);
}

static bool is_zero(const void *p, size_t n)
{
	const u8 *c = p;

	while (n--)
		if (*c++)
			return false;
	return true;
}

TEST(parse_valid_fields)
{
	struct raw r;
	size_t len;

	raw_init(&r, 32, 3, 5);
	len = raw_encode(&r, buf);
	ASSERT_EQ(KSEAL_DATA_FIXED_SIZE + 3 * (32 + 32), len);
	ASSERT_EQ(64, KSEAL_DATA_FIXED_SIZE);
	ASSERT_EQ(KSEAL_BLOB_KIND_DATA, kseal_blob_kind(buf, len));
	ASSERT_EQ(0, kseal_data_blob_parse(buf, len, b, ROOM));
	EXPECT_EQ(KSEAL_VERSION_CODE, b->creator_version);
	EXPECT_EQ(0, b->flags);
	EXPECT_EQ(0xa0, b->wrap_id[0]);
	EXPECT_EQ(0xbf, b->wrap_id[31]);
	EXPECT_EQ(32, b->key_len);
	EXPECT_EQ(5, b->cur_version);
	EXPECT_EQ(3, b->min_version);
	EXPECT_EQ(3, b->count);
	EXPECT_EQ(3, b->v[0].version);
	EXPECT_EQ(5, b->v[2].version);
	EXPECT_EQ(0x12, b->v[2].nonce[11]);
	EXPECT_EQ(0x41, b->v[1].ct[31]);
	EXPECT_EQ(0x80, b->v[0].tag[0]);
	EXPECT_EQ(len, kseal_data_blob_size(b));
}

TEST(round_trip_all_sizes)
{
	static const u16 lens[] = { 16, 17, 32, 64, 127, 128 };
	unsigned int i;
	struct raw r;
	size_t len;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		raw_init(&r, lens[i], 1, 1);
		len = raw_encode(&r, buf);
		ASSERT_EQ(0, kseal_data_blob_parse(buf, len, b, ROOM));
		ASSERT_EQ((ssize_t)len, kseal_data_blob_write(b, out, BUF_MAX));
		ASSERT_EQ(0, memcmp(buf, out, len));

		raw_init(&r, lens[i], 100, 100 + KSEAL_VERSIONS_MAX - 1);
		len = raw_encode(&r, buf);
		ASSERT_GE(KSEAL_BLOB_MAX, len);
		ASSERT_EQ(0, kseal_data_blob_parse(buf, len, b, ROOM));
		ASSERT_EQ((ssize_t)len, kseal_data_blob_write(b, out, BUF_MAX));
		ASSERT_EQ(0, memcmp(buf, out, len));
		ASSERT_EQ(0, kseal_data_blob_parse(out, len, b2, ROOM));
		ASSERT_EQ(0, memcmp(b, b2, ROOM_BYTES));
	}
}

TEST(aad_is_written_prefix)
{
	u8 aad[KSEAL_DATA_AAD_SIZE];
	struct raw r;
	size_t len;

	raw_init(&r, 48, 7, 9);
	len = raw_encode(&r, buf);
	ASSERT_EQ(0, kseal_data_blob_parse(buf, len, b, ROOM));
	ASSERT_EQ(0, kseal_data_blob_aad(b, 8, aad));
	EXPECT_EQ(0, memcmp(aad, buf, KSEAL_DATA_FIXED_SIZE));
	EXPECT_EQ(8, get_unaligned_be32(aad + KSEAL_DATA_FIXED_SIZE));
	b->count = 2;
	EXPECT_EQ(-EINVAL, kseal_data_blob_aad(b, 8, aad));
}

TEST(header_errors)
{
	struct raw r;

	raw_init(&r, 32, 1, 1);
	r.magic ^= 1;
	EXPECT_EQ(-EINVAL, raw_parse(&r));
	raw_init(&r, 32, 1, 1);
	r.format = 2;
	EXPECT_EQ(-EINVAL, raw_parse(&r));
	raw_init(&r, 32, 1, 1);
	r.kind = KSEAL_BLOB_KIND_SEALED;
	EXPECT_EQ(-EINVAL, raw_parse(&r));
	raw_init(&r, 32, 1, 1);
	r.kind = 3;
	EXPECT_EQ(-EINVAL, raw_parse(&r));
	raw_init(&r, 32, 1, 1);
	r.flags = 1;
	EXPECT_EQ(-EINVAL, raw_parse(&r));
	EXPECT_TRUE(is_zero(b, ROOM_BYTES));
	raw_init(&r, 32, 1, 1);
	r.creator = 0;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	raw_init(&r, 32, 1, 1);
	r.total = 1000;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	EXPECT_EQ(-EINVAL, kseal_data_blob_parse(buf, 19, b, ROOM));
	EXPECT_EQ(-EINVAL, kseal_data_blob_parse(NULL, 0, b, ROOM));
}

TEST(field_rules)
{
	struct raw r;

	raw_init(&r, 15, 1, 1);
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	raw_init(&r, 129, 1, 1);
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	/* version 0 does not exist */
	raw_init(&r, 32, 0, 0);
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	/* minimum above current */
	raw_init(&r, 32, 2, 2);
	r.min = 3;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	/* count disagrees with the range */
	raw_init(&r, 32, 1, 3);
	r.count = 2;
	r.versions = 2;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	raw_init(&r, 32, 1, 1);
	r.count = 0;
	r.versions = 0;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	/* 65 versions */
	raw_init(&r, 16, 1, 65);
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	/* out of order, duplicate, gap, first not the minimum */
	raw_init(&r, 32, 1, 4);
	r.swap = 2;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	raw_init(&r, 32, 1, 4);
	r.first = 2;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	raw_init(&r, 32, 5, 6);
	r.first = 4;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	EXPECT_TRUE(is_zero(b, ROOM_BYTES));
}

TEST(trailing_and_truncation)
{
	struct raw r;
	size_t len, cut;

	raw_init(&r, 32, 1, 1);
	r.trailing = 1;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	raw_init(&r, 32, 1, 2);
	len = raw_encode(&r, buf);
	for (cut = KSEAL_BLOB_HDR_SIZE; cut < len; cut++) {
		put_unaligned_be32((u32)cut, buf + KSEAL_BLOB_OFF_TOTAL);
		ASSERT_EQ(-EBADMSG, kseal_data_blob_parse(buf, cut, b, ROOM));
	}
	for (cut = 0; cut < KSEAL_BLOB_HDR_SIZE; cut++)
		ASSERT_EQ(-EINVAL, kseal_data_blob_parse(buf, cut, b, ROOM));
}

/*
 * The module allocates room for the count a blob states: the room helper
 * reads that count, and a blob with more versions than the room is
 * refused without a byte written past it.
 */
TEST(room)
{
	struct kseal_data_blob *small;
	struct raw r;
	size_t len;

	raw_init(&r, 32, 3, 5);
	len = raw_encode(&r, buf);
	EXPECT_EQ(3, kseal_data_blob_room(buf, len));
	EXPECT_EQ(1, kseal_data_blob_room(buf, KSEAL_DATA_FIXED_SIZE - 1));
	raw_init(&r, 32, 1, 1);
	r.count = 0;
	r.versions = 0;
	len = raw_encode(&r, buf);
	EXPECT_EQ(1, kseal_data_blob_room(buf, len));
	raw_init(&r, 16, 1, 65);
	len = raw_encode(&r, buf);
	EXPECT_EQ(1, kseal_data_blob_room(buf, len));

	/* exactly two versions of room, guarded by the bytes after it */
	raw_init(&r, 32, 3, 5);
	len = raw_encode(&r, buf);
	memset(b_store.bytes, 0x77, ROOM_BYTES);
	small = b;
	EXPECT_EQ(-EBADMSG, kseal_data_blob_parse(buf, len, small, 2));
	EXPECT_TRUE(is_zero(small, KSEAL_DATA_BLOB_ROOM(2)));
	EXPECT_EQ(0x77, b_store.bytes[KSEAL_DATA_BLOB_ROOM(2)]);
	EXPECT_EQ(0x77, b_store.bytes[ROOM_BYTES - 1]);
	EXPECT_EQ(0, kseal_data_blob_parse(buf, len, small, 3));
	EXPECT_EQ(5, small->v[2].version);
	EXPECT_EQ(0x77, b_store.bytes[KSEAL_DATA_BLOB_ROOM(3)]);
}

TEST(write_rules)
{
	struct raw r;
	size_t len;

	raw_init(&r, 32, 2, 4);
	len = raw_encode(&r, buf);
	ASSERT_EQ(0, kseal_data_blob_parse(buf, len, b, ROOM));
	memset(out, 0xee, sizeof(out));
	EXPECT_EQ(-ENOSPC, kseal_data_blob_write(b, out, len - 1));
	EXPECT_EQ(0xee, out[0]);
	EXPECT_EQ((ssize_t)len, kseal_data_blob_write(b, out, len));

	memcpy(b2, b, ROOM_BYTES);
	b2->v[1].version = 9;
	EXPECT_EQ(-EINVAL, kseal_data_blob_write(b2, out, BUF_MAX));
	EXPECT_EQ(0, kseal_data_blob_size(b2));
	memcpy(b2, b, ROOM_BYTES);
	b2->creator_version = 0;
	EXPECT_EQ(-EINVAL, kseal_data_blob_write(b2, out, BUF_MAX));
	memcpy(b2, b, ROOM_BYTES);
	b2->flags = 0x100;
	EXPECT_EQ(-EINVAL, kseal_data_blob_write(b2, out, BUF_MAX));
	memcpy(b2, b, ROOM_BYTES);
	b2->key_len = 200;
	EXPECT_EQ(-EINVAL, kseal_data_blob_write(b2, out, BUF_MAX));
	memcpy(b2, b, ROOM_BYTES);
	b2->cur_version = 5;
	EXPECT_EQ(-EINVAL, kseal_data_blob_write(b2, out, BUF_MAX));
}

/* A flipped bit in the fixed part either is refused or changes the AAD. */
TEST(fixed_part_bit_flips)
{
	u8 aad[KSEAL_DATA_AAD_SIZE], aad2[KSEAL_DATA_AAD_SIZE];
	struct raw r;
	size_t len, i;
	int bit, ret;

	raw_init(&r, 32, 1, 2);
	len = raw_encode(&r, buf);
	ASSERT_EQ(0, kseal_data_blob_parse(buf, len, b, ROOM));
	ASSERT_EQ(0, kseal_data_blob_aad(b, 1, aad));
	for (i = 0; i < KSEAL_DATA_FIXED_SIZE; i++) {
		for (bit = 0; bit < 8; bit++) {
			buf[i] ^= 1 << bit;
			ret = kseal_data_blob_parse(buf, len, b, ROOM);
			if (!ret) {
				ASSERT_EQ(0, kseal_data_blob_aad(b, 1, aad2));
				ASSERT_NE(0, memcmp(aad, aad2, sizeof(aad)));
			} else {
				ASSERT_TRUE(ret == -EINVAL || ret == -EBADMSG);
			}
			buf[i] ^= 1 << bit;
		}
	}
}

TEST_HARNESS_MAIN
