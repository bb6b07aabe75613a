// SPDX-License-Identifier: GPL-2.0-only
/* Host tests of the keyctl payload parser (kmod/kseal_options.c). */
#include <stdio.h>
#include <stdlib.h>

#include "kseal_options.h"

#include <kselftest_harness.h>

/* Parse a string without its NUL, from an exact-size heap copy so that ASan
 * catches any read past the payload.
 */
static int parse(const char *s, struct kseal_opts *o)
{
	size_t n = strlen(s);
	char *copy = malloc(n ? n : 1);
	int ret;

	if (!copy)
		abort();
	memcpy(copy, s, n);
	ret = kseal_opts_parse(copy, n, o);
	free(copy);
	return ret;
}

static bool is_zero(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

TEST(sealed_new_defaults)
{
	struct kseal_opts o;

	ASSERT_EQ(0, parse("new 32", &o));
	EXPECT_EQ(KSEAL_VERB_NEW, o.verb);
	EXPECT_EQ(KSEAL_UPD_NONE, o.update);
	EXPECT_EQ(32, o.key_len);
	EXPECT_EQ(0, o.present);
	EXPECT_EQ(KSEAL_PCR_DEFAULT_MASK, o.pcr_mask);
	EXPECT_EQ(KSEAL_PARENT_DEFAULT, o.parent);
	EXPECT_EQ(0, o.recovery_len);
}

/* The helper passes the list, the module defaults to the mask: one value. */
TEST(default_list_is_default_mask)
{
	struct kseal_opts o;

	ASSERT_EQ(0, parse("new 32 pcrs=" KSEAL_PCR_DEFAULT_LIST, &o));
	EXPECT_EQ(KSEAL_PCR_DEFAULT_MASK, o.pcr_mask);
	/* the boot chain: kernel (4), Secure Boot (7), GRUB (8), initrd (9) */
	EXPECT_EQ(0x390, KSEAL_PCR_DEFAULT_MASK);
}

TEST(sealed_new_all_options)
{
	struct kseal_opts o;

	ASSERT_EQ(0, parse("new 128 pcrs=0,2-4,7 parent=0x81ABCDEF recovery=a=b~!x lock=15\n",
			   &o));
	EXPECT_EQ(128, o.key_len);
	EXPECT_EQ(KSEAL_OPT_PCRS | KSEAL_OPT_PARENT | KSEAL_OPT_RECOVERY |
		  KSEAL_OPT_LOCK, o.present);
	EXPECT_EQ(0x809d, o.pcr_mask);	/* 0,2,3,4,7 and lock 15 */
	EXPECT_EQ(0x81abcdef, o.parent);
	EXPECT_EQ(15, o.lock_pcr);
	EXPECT_EQ(6, o.recovery_len);
	EXPECT_STREQ("a=b~!x", o.recovery);
}

TEST(lock_joins_default_mask)
{
	struct kseal_opts o;

	ASSERT_EQ(0, parse("new 64 lock=0", &o));
	EXPECT_EQ(KSEAL_PCR_DEFAULT_MASK | 1, o.pcr_mask);
	EXPECT_EQ(KSEAL_OPT_LOCK, o.present);
	ASSERT_EQ(0, parse("new 64 pcrs=22-23 lock=22", &o));
	EXPECT_EQ(0xc00000, o.pcr_mask);
	ASSERT_EQ(0, parse("new 64 pcrs=0-23", &o));
	EXPECT_EQ(KSEAL_PCR_MASK_ALL, o.pcr_mask);
}

TEST(data_new_and_load)
{
	struct kseal_opts o;

	ASSERT_EQ(0, parse("new 16 wrap=root logon=dm:vol1", &o));
	EXPECT_EQ(16, o.key_len);
	EXPECT_EQ(KSEAL_OPT_WRAP | KSEAL_OPT_LOGON, o.present);
	EXPECT_STREQ("root", o.wrap);
	EXPECT_STREQ("dm:vol1", o.logon);
	EXPECT_EQ(0, o.pcr_mask);

	ASSERT_EQ(0, parse("load 00aBcD logon=a:", &o));
	EXPECT_EQ(KSEAL_VERB_LOAD, o.verb);
	EXPECT_EQ(6, o.blob_hex_len);
	ASSERT_EQ(0, parse("load 0011 recovery=x", &o));
	EXPECT_STREQ("x", o.recovery);
	EXPECT_EQ(1, o.recovery_len);
}

TEST(blob_hex_points_into_payload)
{
	static const char p[] = "load 0a0b recovery=pw";
	struct kseal_opts o;

	ASSERT_EQ(0, kseal_opts_parse(p, sizeof(p) - 1, &o));
	EXPECT_EQ(p + 5, o.blob_hex);
	EXPECT_EQ(4, o.blob_hex_len);
}

TEST(updates)
{
	struct kseal_opts o;

	ASSERT_EQ(0, parse("update reseal", &o));
	EXPECT_EQ(KSEAL_VERB_UPDATE, o.verb);
	EXPECT_EQ(KSEAL_UPD_RESEAL, o.update);
	EXPECT_EQ(0, o.pcr_mask);
	ASSERT_EQ(0, parse("update reseal pcrs=1,3\n", &o));
	EXPECT_EQ(0xa, o.pcr_mask);
	EXPECT_EQ(KSEAL_OPT_PCRS, o.present);
	/* The passphrase is not kept: reseal takes it again to keep recovery. */
	ASSERT_EQ(0, parse("update reseal recovery=pass", &o));
	EXPECT_EQ(KSEAL_OPT_RECOVERY, o.present);
	EXPECT_EQ(4, o.recovery_len);
	ASSERT_EQ(0, parse("update rotate", &o));
	EXPECT_EQ(KSEAL_UPD_ROTATE, o.update);
	ASSERT_EQ(0, parse("update retire=4294967295", &o));
	EXPECT_EQ(KSEAL_UPD_RETIRE, o.update);
	EXPECT_EQ(KSEAL_OPT_RETIRE, o.present);
	EXPECT_EQ(4294967295U, o.retire);
	ASSERT_EQ(0, parse("update rewrap=123456", &o));
	EXPECT_EQ(KSEAL_UPD_REWRAP, o.update);
	EXPECT_EQ(KSEAL_OPT_REWRAP, o.present);
	EXPECT_STREQ("123456", o.rewrap);
}

TEST(length_bounds)
{
	char buf[512], big[KSEAL_BLOB_MAX * 2 + 16];
	struct kseal_opts o;

	/* sealed 32..128, data 16..128 */
	EXPECT_EQ(-EINVAL, parse("new 31", &o));
	EXPECT_EQ(0, parse("new 32", &o));
	EXPECT_EQ(0, parse("new 128", &o));
	EXPECT_EQ(-EINVAL, parse("new 129", &o));
	EXPECT_EQ(-EINVAL, parse("new 15 wrap=k", &o));
	EXPECT_EQ(0, parse("new 16 wrap=k", &o));
	EXPECT_EQ(0, parse("new 128 wrap=k", &o));
	EXPECT_EQ(-EINVAL, parse("new 129 wrap=k", &o));

	/* recovery 1..64 */
	snprintf(buf, sizeof(buf), "new 32 recovery=%.64s",
		 "0123456789012345678901234567890123456789012345678901234567890123");
	EXPECT_EQ(0, parse(buf, &o));
	EXPECT_EQ(64, o.recovery_len);
	strcat(buf, "4");
	EXPECT_EQ(-EINVAL, parse(buf, &o));

	/* wrap, rewrap and logon 1..128 */
	strcpy(buf, "new 32 wrap=");
	memset(buf + 12, 'w', 128);
	buf[140] = '\0';
	EXPECT_EQ(0, parse(buf, &o));
	strcat(buf, "w");
	EXPECT_EQ(-EINVAL, parse(buf, &o));
	strcpy(buf, "update rewrap=");
	memset(buf + 14, 'w', 128);
	buf[142] = '\0';
	EXPECT_EQ(0, parse(buf, &o));
	strcat(buf, "w");
	EXPECT_EQ(-EINVAL, parse(buf, &o));
	strcpy(buf, "load 00 logon=a:");
	memset(buf + 16, 'l', 126);
	buf[142] = '\0';
	EXPECT_EQ(0, parse(buf, &o));
	strcat(buf, "l");
	EXPECT_EQ(-EINVAL, parse(buf, &o));

	/* blob: up to KSEAL_BLOB_MAX bytes */
	strcpy(big, "load ");
	memset(big + 5, 'f', KSEAL_BLOB_MAX * 2);
	big[5 + KSEAL_BLOB_MAX * 2] = '\0';
	EXPECT_EQ(0, parse(big, &o));
	strcat(big, "ff");
	EXPECT_EQ(-EINVAL, parse(big, &o));
}

TEST(rejections)
{
	static const char * const bad[] = {
		/* framing and whitespace */
		"", "\n", " ", "new", "new ", " new 32", "new  32", "new 32 ",
		"new 32\n\n", "new 32 \n", "new\t32", "new 32\r\n",
		"new 32\tpcrs=7", "new 32 pcrs=7 ", "NEW 32", "create 32",
		"new 32 \xff", "load", "update", "update ", "newx 32",
		/* key length */
		"new 032", "new +32", "new -32", "new 32x", "new 0x20",
		"new 4294967328", "new 99999999999999999999", "new 0",
		/* unknown, duplicate, valueless options */
		"new 32 foo=1", "new 32 pcrs", "new 32 pcrs=", "new 32 =7",
		"new 32 pcrs=7 pcrs=7", "new 32 lock=1 lock=1",
		"new 32 PCRS=7", "new 32 retire=1", "new 32 rewrap=k",
		"new 32 pcrs=7,pcrs=8",
		/* PCR lists */
		"new 32 pcrs=24", "new 32 pcrs=0-24", "new 32 pcrs=,7",
		"new 32 pcrs=7,", "new 32 pcrs=1,,2", "new 32 pcrs=3-1",
		"new 32 pcrs=3-3", "new 32 pcrs=1-", "new 32 pcrs=-1",
		"new 32 pcrs=1-2-3", "new 32 pcrs=07", "new 32 pcrs=7,7",
		"new 32 pcrs=0-4,3", "new 32 pcrs=a", "new 32 pcrs=4294967303",
		/* lock */
		"new 32 lock=16", "new 32 lock=23", "new 32 lock=24",
		"new 32 lock=", "new 32 lock=07", "new 32 lock=-1",
		"new 32 lock=7,8",
		/* parent */
		"new 32 parent=81000100", "new 32 parent=0X81000100",
		"new 32 parent=0x80ffffff", "new 32 parent=0x82000000",
		"new 32 parent=0x", "new 32 parent=0x081000100",
		"new 32 parent=0x8100010g", "new 32 parent=0x1",
		"new 32 parent=2164261120",
		/* recovery */
		"new 32 recovery=", "new 32 recovery=a\x7f",
		"new 32 recovery=\x01", "new 32 recovery=pw\xc3\xa9",
		/* options not valid for the verb */
		"new 32 logon=a:b", "new 32 wrap=k pcrs=7",
		"new 32 wrap=k parent=0x81000100", "new 32 wrap=k recovery=x",
		"new 32 wrap=k lock=1", "new 32 wrap=", "new 32 wrap=k wrap=k",
		"load 00 pcrs=7", "load 00 parent=0x81000100", "load 00 lock=1",
		"load 00 wrap=k", "load 00 recovery=x logon=a:b",
		"update reseal lock=1",
		"update reseal parent=0x81000100", "update rotate pcrs=7",
		"update rotate retire=1", "update retire=1 pcrs=7",
		"update retire=2 retire=3", "update rewrap=k logon=a:b",
		/* logon descriptions */
		"new 32 wrap=k logon=nocolon", "new 32 wrap=k logon=:name",
		"new 32 wrap=k logon=", "load 00 logon=",
		/* update subcommands */
		"update reseal2", "update rotate=1", "update retire=0",
		"update retire=", "update retire=01", "update retire=-1",
		"update retire=4294967296", "update rewrap=", "update new",
		"update retire", "update rewrap",
		/* blobs */
		"load 0", "load 000", "load 0g", "load zz", "load 0x00",
		"load 00 00",
	};
	struct kseal_opts o;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&o, 0x5a, sizeof(o));
		EXPECT_EQ(-EINVAL, parse(bad[i], &o))
			TH_LOG("accepted \"%s\"", bad[i]);
		EXPECT_TRUE(is_zero(&o, sizeof(o)))
			TH_LOG("not wiped after \"%s\"", bad[i]);
	}
}

/* Signed PCR policies: the signer at new, approved and ticket at load. */
#define PKD	"78af2c26fef13e9e1f10ced433fa95c817dfbb17231d8a277a43b95a0932a427"
#define PK	"000b" PKD
#define AP	"1831f642b8c778ae730f3d842c87c86107599e8d22e1167681d4115b890516b7"
#define TKD	"5c85955f709283ecce2b74f1b1552918819f390911816e7bb466805a38ab87f3"
#define TK	"8022" "40000001" "0020" TKD

TEST(signed_policy)
{
	static const char * const bad[] = {
		/* the Name: 68 hex digits, sha256 */
		"new 32 policy_key=" PK "0", "new 32 policy_key=000c" PKD,
		"new 32 policy_key=" PK " policy_key=" PK,
		"new 32 policy_key=", "new 32 policy_key=0b" PKD, "new 32 policy_key=" PKD,
		/* the lock PCR is not signed; something else must be */
		"new 32 pcrs=7,15 lock=15 policy_key=" PK,
		"new 32 lock=7 policy_key=" PK,
		"new 32 pcrs=15 lock=15 policy_key=" PK,
		/* sealed keys only, at new only */
		"new 32 wrap=k policy_key=" PK, "load 00 policy_key=" PK,
		"update reseal policy_key=" PK,
		/* approved: 64 hex digits */
		"load 00 approved=" AP "0 ticket=" TK,
		"load 00 approved=31f642b8c778ae730f3d842c87c86107599e8d22e1167681d4115b890516b7" " ticket=" TK,
		"load 00 approved=" AP "zz ticket=" TK,
		/* ticket: 80 hex digits, TPM_ST_VERIFIED, a 32-byte digest */
		"load 00 approved=" AP " ticket=" TK "00",
		"load 00 approved=" AP " ticket=" "22" "40000001" "0020" TKD,
		"load 00 approved=" AP " ticket=8021" "40000001" "0020" TKD,
		"load 00 approved=" AP " ticket=802240000001001f" TKD,
		"load 00 approved=" AP " ticket=802240000001002100" TKD,
		/* a null ticket: hierarchy TPM_RH_NULL, no digest */
		"load 00 approved=" AP " ticket=8022400000070000",
		/* digests of sizes no hash has, or not what the size says */
		"load 00 approved=" AP " ticket=8022400000010014" TKD,
		"load 00 approved=" AP " ticket=8022400000010030" TKD,
		"load 00 approved=" AP " ticket=8022400000010040" TKD TKD "00",
		"load 00 approved=" AP " ticket=8022400000010040" TKD TKD TKD,
		"load 00 approved=" AP " ticket=8022400000010021" TKD "00",
		/* both, once each, without recovery= or logon= */
		"load 00 approved=" AP, "load 00 ticket=" TK,
		"load 00 approved=" AP " approved=" AP " ticket=" TK,
		"load 00 approved=" AP " ticket=" TK " recovery=x",
		"load 00 recovery=x approved=" AP " ticket=" TK,
		"load 00 approved=" AP " ticket=" TK " logon=a:b",
		"new 32 approved=" AP " ticket=" TK,
		"update reseal approved=" AP " ticket=" TK,
	};
	struct kseal_opts o;
	size_t i;

	ASSERT_EQ(0, parse("new 32 policy_key=" PK, &o));
	EXPECT_EQ(KSEAL_OPT_POLICY_KEY, o.present);
	EXPECT_EQ(KSEAL_PCR_DEFAULT_MASK, o.pcr_mask);
	EXPECT_EQ(0x00, o.policy_key[0]);
	EXPECT_EQ(0x0b, o.policy_key[1]);
	EXPECT_EQ(0x78, o.policy_key[2]);
	EXPECT_EQ(0x27, o.policy_key[33]);

	ASSERT_EQ(0, parse("new 32 pcrs=0,2,4,7,9 lock=15 recovery=pw policy_key="
			   PK "\n", &o));
	EXPECT_EQ(0x8295, o.pcr_mask);	/* the selection and the lock PCR */
	EXPECT_EQ(15, o.lock_pcr);

	ASSERT_EQ(0, parse("load 00ff approved=" AP " ticket=" TK, &o));
	EXPECT_EQ(KSEAL_OPT_APPROVED | KSEAL_OPT_TICKET, o.present);
	EXPECT_EQ(0x18, o.approved[0]);
	EXPECT_EQ(0xb7, o.approved[31]);
	EXPECT_EQ(0x40000001, o.ticket_hierarchy);
	EXPECT_EQ(0x5c, o.ticket_digest[0]);
	EXPECT_EQ(0xf3, o.ticket_digest[31]);
	EXPECT_EQ(32, o.ticket_len);
	/* either order; any hierarchy (the TPM judges it) */
	ASSERT_EQ(0, parse("load 00 ticket=8022" "4000000b" "0020" TKD
			   " approved=" AP, &o));
	EXPECT_EQ(0x4000000b, o.ticket_hierarchy);
	/* sha384 and sha512 tickets (swtpm's is sha512) */
	ASSERT_EQ(0, parse("load 00 approved=" AP " ticket=8022400000010030"
			   TKD "0123456789abcdef0123456789abcdef", &o));
	EXPECT_EQ(48, o.ticket_len);
	EXPECT_EQ(0xef, o.ticket_digest[47]);
	ASSERT_EQ(0, parse("load 00 approved=" AP " ticket=8022400000010040"
			   TKD TKD, &o));
	EXPECT_EQ(64, o.ticket_len);
	EXPECT_EQ(0xf3, o.ticket_digest[63]);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&o, 0x5a, sizeof(o));
		EXPECT_EQ(-EINVAL, parse(bad[i], &o))
			TH_LOG("accepted \"%s\"", bad[i]);
		EXPECT_TRUE(is_zero(&o, sizeof(o)))
			TH_LOG("not wiped after \"%s\"", bad[i]);
	}
}

TEST(embedded_nul_and_null)
{
	static const char p[] = "new 32\0 pcrs=7";
	struct kseal_opts o;

	EXPECT_EQ(-EINVAL, kseal_opts_parse(p, sizeof(p) - 1, &o));
	EXPECT_EQ(-EINVAL, kseal_opts_parse("new 32\0", 7, &o));
	EXPECT_EQ(-EINVAL, kseal_opts_parse(NULL, 0, &o));
	/* the length given, not the NUL, ends the payload */
	EXPECT_EQ(0, kseal_opts_parse("new 32 pcrs=7", 6, &o));
	EXPECT_EQ(0, o.present);
}

TEST(recovery_wiped_after_late_error)
{
	struct kseal_opts o;

	/* the passphrase is copied before the unknown option fails */
	EXPECT_EQ(-EINVAL, parse("new 32 recovery=secret bogus=1", &o));
	EXPECT_TRUE(is_zero(&o, sizeof(o)));
	ASSERT_EQ(0, parse("new 32 recovery=secret", &o));
	kseal_opts_wipe(&o);
	EXPECT_TRUE(is_zero(&o, sizeof(o)));
}

/* "<prefix><n hex digits of @fill>" in @buf. */
static char *point(char *buf, const char *prefix, size_t digits, char fill)
{
	size_t n = strlen(prefix);

	memcpy(buf, prefix, n);
	memset(buf + n, fill, digits);
	buf[n + digits] = '\0';
	return buf;
}

TEST(tang_new)
{
	char p1[256], p2[256], p3[256], s[4096];
	struct kseal_opts o;
	int i;

	point(p1, "tang=", 128, 'a');
	point(p2, "tang=", 128, 'B');
	point(p3, "tang=", 192, '1');
	snprintf(s, sizeof(s), "new 32 %s %s tang_threshold=1", p1, p2);
	ASSERT_EQ(0, parse(s, &o));
	EXPECT_EQ(KSEAL_OPT_TANG | KSEAL_OPT_TANG_THRESHOLD, o.present);
	EXPECT_EQ(KSEAL_TANG_P256, o.tang_curve);
	EXPECT_EQ(2, o.tang_n);
	EXPECT_EQ(1, o.tang_threshold);
	EXPECT_EQ(0xaa, o.tang_point[0][0]);
	EXPECT_EQ(0xaa, o.tang_point[0][63]);
	EXPECT_EQ(0, o.tang_point[0][64]);
	EXPECT_EQ(0xbb, o.tang_point[1][0]);
	/* T defaults to N. */
	snprintf(s, sizeof(s), "new 32 %s %s", p1, p2);
	ASSERT_EQ(0, parse(s, &o));
	EXPECT_EQ(2, o.tang_threshold);
	snprintf(s, sizeof(s), "new 48 %s", p3);
	ASSERT_EQ(0, parse(s, &o));
	EXPECT_EQ(KSEAL_TANG_P384, o.tang_curve);
	EXPECT_EQ(1, o.tang_n);
	EXPECT_EQ(0x11, o.tang_point[0][95]);
	/* Eight servers, not nine. */
	strcpy(s, "new 32");
	for (i = 0; i < 8; i++) {
		strcat(s, " ");
		strcat(s, p1);
	}
	ASSERT_EQ(0, parse(s, &o));
	EXPECT_EQ(8, o.tang_n);
	strcat(s, " tang_threshold=8");
	ASSERT_EQ(0, parse(s, &o));
	strcat(s, " ");
	strcat(s, p1);
	EXPECT_EQ(-EINVAL, parse(s, &o));
	/* The same on reseal. */
	snprintf(s, sizeof(s), "update reseal %s tang_threshold=1", p1);
	ASSERT_EQ(0, parse(s, &o));
	EXPECT_EQ(1, o.tang_n);
	EXPECT_EQ(1, o.tang_threshold);
}

TEST(tang_new_rejections)
{
	char p1[256], p3[256], s[4096];
	struct kseal_opts o;

	point(p1, "tang=", 128, 'a');
	point(p3, "tang=", 192, '1');
	/* mixed curves */
	snprintf(s, sizeof(s), "new 32 %s %s", p1, p3);
	EXPECT_EQ(-EINVAL, parse(s, &o));
	/* threshold: above N, 0, without tang=, twice, leading zero */
	snprintf(s, sizeof(s), "new 32 %s tang_threshold=2", p1);
	EXPECT_EQ(-EINVAL, parse(s, &o));
	snprintf(s, sizeof(s), "new 32 %s tang_threshold=0", p1);
	EXPECT_EQ(-EINVAL, parse(s, &o));
	snprintf(s, sizeof(s), "new 32 %s tang_threshold=01", p1);
	EXPECT_EQ(-EINVAL, parse(s, &o));
	snprintf(s, sizeof(s), "new 32 %s tang_threshold=1 tang_threshold=1",
		 p1);
	EXPECT_EQ(-EINVAL, parse(s, &o));
	EXPECT_EQ(-EINVAL, parse("new 32 tang_threshold=1", &o));
	EXPECT_EQ(-EINVAL, parse("update reseal tang_threshold=1", &o));
	/* sizes other than 128 and 192 digits, odd, not hex, 04 prefix */
	EXPECT_EQ(-EINVAL, parse(point(s, "new 32 tang=", 126, 'a'), &o));
	EXPECT_EQ(-EINVAL, parse(point(s, "new 32 tang=", 127, 'a'), &o));
	EXPECT_EQ(-EINVAL, parse(point(s, "new 32 tang=", 130, 'a'), &o));
	EXPECT_EQ(-EINVAL, parse(point(s, "new 32 tang=", 256, 'a'), &o));
	EXPECT_EQ(-EINVAL, parse(point(s, "new 32 tang=", 128, 'g'), &o));
	EXPECT_EQ(-EINVAL, parse(point(s, "new 32 tang=04", 128, 'a'), &o));
	EXPECT_EQ(-EINVAL, parse("new 32 tang=", &o));
	/* not for data keys, not with the answers' form, not on rotate */
	snprintf(s, sizeof(s), "new 32 wrap=k %s", p1);
	EXPECT_EQ(-EINVAL, parse(s, &o));
	EXPECT_EQ(-EINVAL, parse(point(s, "new 32 tang=1:", 128, 'a'), &o));
	snprintf(s, sizeof(s), "update rotate %s", p1);
	EXPECT_EQ(-EINVAL, parse(s, &o));
	snprintf(s, sizeof(s), "new 32 tang_session=x %s", p1);
	EXPECT_EQ(-EINVAL, parse(s, &o));
}

TEST(tang_load)
{
	char a1[256], a3[256], s[4096];
	struct kseal_opts o;

	point(a1, "tang=1:", 128, 'c');
	point(a3, "tang=3:", 128, 'd');
	snprintf(s, sizeof(s), "load 00 tang_session=kseal:t1 %s %s", a3, a1);
	ASSERT_EQ(0, parse(s, &o));
	EXPECT_EQ(KSEAL_OPT_TANG | KSEAL_OPT_TANG_SESSION, o.present);
	EXPECT_STREQ("kseal:t1", o.tang_session);
	EXPECT_EQ(0x5, o.tang_answered);
	EXPECT_EQ(KSEAL_TANG_P256, o.tang_curve);
	EXPECT_EQ(0xcc, o.tang_point[0][63]);
	EXPECT_EQ(0, o.tang_point[1][0]);
	EXPECT_EQ(0xdd, o.tang_point[2][0]);
	EXPECT_EQ(0, o.tang_n);
	/* A session without answers (the kernel refuses it by T), with
	 * recovery= and with a signed policy.
	 */
	ASSERT_EQ(0, parse("load 00 tang_session=x", &o));
	ASSERT_EQ(0, parse("load 00 tang_session=x recovery=pw", &o));
	point(s, "load 00 tang_session=x approved=", 64, '0');
	strcat(s, " ticket=802240000007002000");
	memset(s + strlen(s), '0', 62);
	s[strlen("load 00 tang_session=x approved=") + 64 +
	  strlen(" ticket=802240000007002000") + 62] = '\0';
	ASSERT_EQ(0, parse(s, &o));
	/* Server 8, and P-384 answers. */
	ASSERT_EQ(0, parse(point(s, "load 00 tang_session=x tang=8:", 192,
				 'e'), &o));
	EXPECT_EQ(0x80, o.tang_answered);
	EXPECT_EQ(KSEAL_TANG_P384, o.tang_curve);
}

TEST(tang_load_rejections)
{
	char a1[256], s[4096];
	struct kseal_opts o;

	point(a1, "tang=1:", 128, 'c');
	/* answers need their session */
	snprintf(s, sizeof(s), "load 00 %s", a1);
	EXPECT_EQ(-EINVAL, parse(s, &o));
	/* one answer per server, servers 1..8 */
	snprintf(s, sizeof(s), "load 00 tang_session=x %s %s", a1, a1);
	EXPECT_EQ(-EINVAL, parse(s, &o));
	EXPECT_EQ(-EINVAL, parse(point(s, "load 00 tang_session=x tang=0:",
				       128, 'c'), &o));
	EXPECT_EQ(-EINVAL, parse(point(s, "load 00 tang_session=x tang=9:",
				       128, 'c'), &o));
	EXPECT_EQ(-EINVAL, parse(point(s, "load 00 tang_session=x tang=01:",
				       128, 'c'), &o));
	EXPECT_EQ(-EINVAL, parse(point(s, "load 00 tang_session=x tang=:",
				       128, 'c'), &o));
	EXPECT_EQ(-EINVAL, parse(point(s, "load 00 tang_session=x tang=",
				       128, 'c'), &o));
	EXPECT_EQ(-EINVAL, parse(point(s, "load 00 tang_session=x tang=1:",
				       130, 'c'), &o));
	/* one curve */
	snprintf(s, sizeof(s), "load 00 tang_session=x %s", a1);
	point(s + strlen(s), " tang=2:", 192, 'c');
	EXPECT_EQ(-EINVAL, parse(s, &o));
	/* session: twice, empty, too long, with logon= */
	EXPECT_EQ(-EINVAL, parse("load 00 tang_session=x tang_session=x", &o));
	EXPECT_EQ(-EINVAL, parse("load 00 tang_session=", &o));
	EXPECT_EQ(0, parse(point(s, "load 00 tang_session=", 128, 'x'), &o));
	EXPECT_EQ(-EINVAL, parse(point(s, "load 00 tang_session=", 129, 'x'),
				 &o));
	EXPECT_EQ(-EINVAL, parse("load 00 tang_session=x logon=a:b", &o));
	/* no threshold at load */
	EXPECT_EQ(-EINVAL, parse("load 00 tang_session=x tang_threshold=1", &o));
	EXPECT_TRUE(is_zero(&o, sizeof(o)));
}

TEST_HARNESS_MAIN
