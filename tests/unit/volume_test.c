// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of ksealctl's volume parsers: the header
 * (userspace/volume_header.c, include/kseal/volume.h), the volumes file
 * (volume_table.c) and the generator's unit names and text
 * (volume_unit.c).
 */
#include "volume.h"
#include "volume_unit.h"

#include <openssl/evp.h>
#include <kselftest_harness.h>

static void sample(struct kvol_header *h)
{
	int i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < KSEAL_VOL_UUID_SIZE; i++)
		h->uuid[i] = (uint8_t)(0xa0 + i);
	strcpy(h->label, "backups");
	strcpy(h->cipher, "aes-xts-plain64");
	strcpy(h->key, "vol");
	h->key_size = 64;
	h->sector_size = 4096;
	h->data_offset = KSEAL_VOL_DATA_OFFSET;
	h->data_size = 15 * 1024 * 1024;
	for (i = 0; i < KSEAL_VOL_CHECK_SIZE; i++)
		h->check[i] = (uint8_t)i;
}

/* Re-seals a header edited by hand, as an attacker with a hex editor would. */
static void reseal(uint8_t *buf)
{
	unsigned int n;

	EVP_Digest(buf, KSEAL_VOL_OFF_SHA256, buf + KSEAL_VOL_OFF_SHA256, &n,
		   EVP_sha256(), NULL);
}

TEST(round_trip)
{
	struct kvol_header h, back;
	uint8_t buf[KSEAL_VOL_HDR_SIZE];
	const char *why;

	sample(&h);
	ASSERT_TRUE(kvol_header_build(&h, buf, &why));
	ASSERT_EQ(KVOL_OK, kvol_header_parse(buf, sizeof(buf), &back, &why));
	ASSERT_EQ(0, memcmp(&h, &back, sizeof(h)));
}

/* The documented offsets, byte for byte. */
TEST(layout_matches_volume_h)
{
	static const uint8_t be64_1m[8] = { 0, 0, 0, 0, 0, 0x10, 0, 0 };
	struct kvol_header h;
	uint8_t buf[KSEAL_VOL_HDR_SIZE];
	const char *why;

	sample(&h);
	ASSERT_TRUE(kvol_header_build(&h, buf, &why));
	ASSERT_EQ(0, memcmp(buf, "KSEALVOL\0\1\2\0\0\0\0\0", 16));
	ASSERT_EQ(0xa0, buf[16]);
	ASSERT_EQ(0, strcmp((char *)buf + 32, "backups"));
	ASSERT_EQ(0, strcmp((char *)buf + 80, "aes-xts-plain64"));
	ASSERT_EQ(0, strcmp((char *)buf + 128, "vol"));
	ASSERT_EQ(0, memcmp(buf + 192, "\0\0\0\x40\0\0\x10\0", 8));
	ASSERT_EQ(0, memcmp(buf + 200, be64_1m, 8));
	ASSERT_EQ(0xf0, buf[213]);	/* 15 MiB = 0xf00000 */
	ASSERT_EQ(0, buf[443]);
	ASSERT_EQ(0, buf[444]);
	ASSERT_EQ(35, buf[479]);
}

/* Any one damaged byte, anywhere in the 512, is refused. */
TEST(every_byte_flip_refused)
{
	struct kvol_header h, back;
	uint8_t buf[KSEAL_VOL_HDR_SIZE];
	const char *why;
	int i, bit;

	sample(&h);
	ASSERT_TRUE(kvol_header_build(&h, buf, &why));
	for (i = 0; i < KSEAL_VOL_HDR_SIZE; i++) {
		for (bit = 0; bit < 8; bit++) {
			buf[i] ^= (uint8_t)(1 << bit);
			EXPECT_NE(KVOL_OK, kvol_header_parse(buf, sizeof(buf), &back, &why))
				TH_LOG("byte %d bit %d accepted", i, bit);
			buf[i] ^= (uint8_t)(1 << bit);
		}
	}
	ASSERT_EQ(KVOL_OK, kvol_header_parse(buf, sizeof(buf), &back, &why));
}

/* Flips in the digest-covered part are damage, not another format. */
TEST(damage_is_checksum)
{
	struct kvol_header h, back;
	uint8_t buf[KSEAL_VOL_HDR_SIZE];
	const char *why;

	sample(&h);
	ASSERT_TRUE(kvol_header_build(&h, buf, &why));
	buf[KSEAL_VOL_OFF_VERSION + 1] ^= 1;
	ASSERT_EQ(KVOL_CHECKSUM, kvol_header_parse(buf, sizeof(buf), &back, &why));
	buf[KSEAL_VOL_OFF_VERSION + 1] ^= 1;
	buf[KSEAL_VOL_OFF_SHA256 + 31] ^= 0x80;
	ASSERT_EQ(KVOL_CHECKSUM, kvol_header_parse(buf, sizeof(buf), &back, &why));
	buf[0] = 'X';
	ASSERT_EQ(KVOL_NOT_KSEAL, kvol_header_parse(buf, sizeof(buf), &back, &why));
}

/* Resealed edits: the fields themselves are checked too. */
TEST(resealed_bad_fields_refused)
{
	static const struct {
		int off;
		uint8_t val;
		enum kvol_err want;
		const char *why;
	} cases[] = {
		{ KSEAL_VOL_OFF_VERSION + 1, 2, KVOL_VERSION, NULL },
		{ KSEAL_VOL_OFF_HDR_SIZE + 1, 1, KVOL_VERSION, NULL },
		{ KSEAL_VOL_OFF_FLAGS + 3, 1, KVOL_FIELD, "flags" },
		{ KSEAL_VOL_OFF_RESERVED + 100, 1, KVOL_FIELD, "reserved bytes" },
		{ KSEAL_VOL_OFF_LABEL + 20, 'x', KVOL_FIELD, "label" },
		{ KSEAL_VOL_OFF_LABEL, 0x07, KVOL_FIELD, "label" },
		{ KSEAL_VOL_OFF_CIPHER + 47, 'x', KVOL_FIELD, "cipher" },
		{ KSEAL_VOL_OFF_CIPHER, ' ', KVOL_FIELD, "cipher" },
		{ KSEAL_VOL_OFF_KEY, 0, KVOL_FIELD, "key name" },
		{ KSEAL_VOL_OFF_KEY, '/', KVOL_FIELD, "key name" },
		{ KSEAL_VOL_OFF_KEY_SIZE + 3, 8, KVOL_FIELD, "key size" },
		{ KSEAL_VOL_OFF_KEY_SIZE + 2, 1, KVOL_FIELD, "key size" },
		{ KSEAL_VOL_OFF_SECTOR + 2, 0x0c, KVOL_FIELD, "sector size" },
		{ KSEAL_VOL_OFF_DATA_OFF + 7, 1, KVOL_FIELD, "data offset" },
		{ KSEAL_VOL_OFF_DATA_OFF + 5, 0, KVOL_FIELD, "data offset" },
		{ KSEAL_VOL_OFF_DATA_SIZE + 7, 1, KVOL_FIELD, "data size" },
		{ KSEAL_VOL_OFF_DATA_SIZE, 0xff, KVOL_FIELD, "data size" },
	};
	struct kvol_header h, back;
	uint8_t good[KSEAL_VOL_HDR_SIZE], buf[KSEAL_VOL_HDR_SIZE];
	const char *why;
	size_t i;

	sample(&h);
	ASSERT_TRUE(kvol_header_build(&h, good, &why));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(buf, good, sizeof(buf));
		buf[cases[i].off] = cases[i].val;
		reseal(buf);
		EXPECT_EQ(cases[i].want, kvol_header_parse(buf, sizeof(buf), &back, &why))
			TH_LOG("case %zu (offset %d)", i, cases[i].off);
		if (cases[i].why)
			EXPECT_STREQ(cases[i].why, why ? why : "(none)");
	}
	/* A data size of zero is refused as well. */
	memcpy(buf, good, sizeof(buf));
	memset(buf + KSEAL_VOL_OFF_DATA_SIZE, 0, 8);
	reseal(buf);
	ASSERT_EQ(KVOL_FIELD, kvol_header_parse(buf, sizeof(buf), &back, &why));
}

TEST(short_and_empty)
{
	struct kvol_header h, back;
	uint8_t buf[KSEAL_VOL_HDR_SIZE];
	const char *why;

	sample(&h);
	ASSERT_TRUE(kvol_header_build(&h, buf, &why));
	ASSERT_EQ(KVOL_NOT_KSEAL, kvol_header_parse(buf, KSEAL_VOL_HDR_SIZE - 1, &back, &why));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(KVOL_NOT_KSEAL, kvol_header_parse(buf, sizeof(buf), &back, &why));
}

TEST(build_refuses_bad_fields)
{
	struct kvol_header h;
	uint8_t buf[KSEAL_VOL_HDR_SIZE];
	const char *why;

	sample(&h);
	h.sector_size = 8192;
	ASSERT_FALSE(kvol_header_build(&h, buf, &why));
	ASSERT_STREQ("sector size", why);
	sample(&h);
	memset(h.key, 'k', KSEAL_VOL_KEY_SIZE - 1);
	h.key[KSEAL_VOL_KEY_SIZE - 1] = '\0';
	ASSERT_TRUE(kvol_header_build(&h, buf, &why));
	h.data_size = 4096 + 512;
	ASSERT_FALSE(kvol_header_build(&h, buf, &why));
	ASSERT_STREQ("data size", why);
}

static bool parse(const char *text, struct kvol_table *t, char *err)
{
	return kvol_table_parse(text, strlen(text), t, err, 256);
}

TEST(table_good)
{
	struct kvol_table t;
	char err[256] = "";
	const struct kvol_entry *e;

	ASSERT_TRUE(parse("# kseal volumes\n\n"
			  "data /dev/disk/by-id/virtio-data vol\n"
			  "  root\t/dev/vdb   rootkey  initramfs,discard \n"
			  "logs /dev/vdc logkey nofail,readonly,sector-size=4096\n"
			  "none /dev/vdd k -", &t, err)) TH_LOG("%s", err);
	ASSERT_EQ(4, t.n);
	e = kvol_table_find(&t, "root");
	ASSERT_NE(NULL, e);
	ASSERT_STREQ("/dev/vdb", e->device);
	ASSERT_STREQ("rootkey", e->key);
	ASSERT_EQ(KVOL_OPT_INITRAMFS | KVOL_OPT_DISCARD, e->opts);
	ASSERT_EQ(4, e->line);
	e = kvol_table_find(&t, "logs");
	ASSERT_EQ(KVOL_OPT_NOFAIL | KVOL_OPT_READONLY, e->opts);
	ASSERT_EQ(4096, e->sector_size);
	ASSERT_EQ(0, kvol_table_find(&t, "none")->opts);
	ASSERT_EQ(NULL, kvol_table_find(&t, "nosuch"));
	kvol_table_free(&t);
	ASSERT_TRUE(parse("", &t, err));
	ASSERT_EQ(0, t.n);
}

TEST(table_bad_lines_refuse_the_file)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "a /dev/x\n", "line 1: want NAME DEVICE KEY [OPTIONS], found 2 fields" },
		{ "a /dev/x k discard extra\n", "line 1: want NAME DEVICE KEY [OPTIONS], found more than 4 fields" },
		{ "a dev/x k\n", "line 1: bad device 'dev/x'" },
		{ "a /dev/x%i k\n", "line 1: bad device" },
		{ "-a /dev/x k\n", "line 1: bad volume name '-a'" },
		{ "control /dev/x k\n", "bad volume name 'control'" },
		{ "a/b /dev/x k\n", "bad volume name" },
		{ "a /dev/x k/2\n", "line 1: bad key name" },
		{ "a /dev/x k discrad\n", "line 1: bad option 'discrad'" },
		{ "a /dev/x k discard,discard\n", "bad option 'discard'" },
		{ "a /dev/x k sector-size=3000\n", "bad option 'sector-size=3000'" },
		{ "a /dev/x k sector-size=04096\n", "bad option" },
		{ "a /dev/x k sector-size=512,sector-size=512\n", "bad option" },
		{ "a /dev/x k discard,\n", "bad option 'an empty option'" },
		{ "a /dev/x k ,nofail\n", "bad option 'an empty option'" },
		{ "a /dev/x k\n#\nb /dev/y k\na /dev/z k\n", "line 4: volume 'a' is declared twice" },
	};
	struct kvol_table t;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		EXPECT_FALSE(parse(cases[i].text, &t, err)) TH_LOG("case %zu", i);
		EXPECT_NE(NULL, strstr(err, cases[i].msg))
			TH_LOG("case %zu: '%s'", i, err);
		EXPECT_EQ(0, t.n);
	}
	ASSERT_FALSE(kvol_table_parse("a /dev/x k\0", 11, &t, err, sizeof(err)));
}

/* The same strings systemd-escape prints. */
TEST(unit_names)
{
	char out[256];

	ASSERT_TRUE(kvol_unit_name("vol-data", out, sizeof(out)));
	ASSERT_STREQ("kseal-volume@vol\\x2ddata.service", out);
	ASSERT_TRUE(kvol_device_unit("/dev/disk/by-id/virtio-abc", out, sizeof(out)));
	ASSERT_STREQ("dev-disk-by\\x2did-virtio\\x2dabc.device", out);
	ASSERT_TRUE(kvol_device_unit("/dev/mapper/a.b_c:d", out, sizeof(out)));
	ASSERT_STREQ("dev-mapper-a.b_c:d.device", out);
	ASSERT_TRUE(kvol_device_unit("//dev//vdb/", out, sizeof(out)));
	ASSERT_STREQ("dev-vdb.device", out);
	ASSERT_TRUE(kvol_unit_escape("x y", false, out, sizeof(out)));
	ASSERT_STREQ("x\\x20y", out);
	ASSERT_FALSE(kvol_device_unit("/dev/vdb", out, 8));
}

TEST(unit_text)
{
	struct kvol_entry e = { .name = "data", .device = "/dev/vdb", .key = "vol",
				.line = 3 };
	char text[4096];

	ASSERT_TRUE(kvol_unit_text(&e, "/usr/sbin/ksealctl", "/etc/kseal/volumes",
				   text, sizeof(text)));
	ASSERT_NE(NULL, strstr(text, "\nBindsTo=dev-vdb.device\nAfter=dev-vdb.device\n"));
	ASSERT_NE(NULL, strstr(text, "\nAfter=kseal-load.service\n"));
	ASSERT_NE(NULL, strstr(text, "\nBefore=cryptsetup.target umount.target\n"));
	ASSERT_NE(NULL, strstr(text, "\nExecStart=/usr/sbin/ksealctl volume open data --volumes /etc/kseal/volumes\n"));
	ASSERT_NE(NULL, strstr(text, "\nExecStop=/usr/sbin/ksealctl volume close data\n"));
	ASSERT_NE(NULL, strstr(text, "\nKeyringMode=shared\n"));
	ASSERT_FALSE(kvol_unit_text(&e, "/usr/sbin/ksealctl", "/etc/kseal/volumes",
				    text, 100));
}

TEST_HARNESS_MAIN
