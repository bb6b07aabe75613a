// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of ksealctl's TCG event log parser and replay
 * (userspace/eventlog.c): logs built here byte by byte, then the logs
 * and PCR values captured from the test VM's UEFI boot (eventlog/).
 */
#include "eventlog.h"

#include <openssl/evp.h>
#include <kselftest_harness.h>

#define SHA1	0x0004
#define SHA256	0x000b

struct lb {
	uint8_t b[8192];
	size_t n;
};

static void u8(struct lb *l, uint8_t v)
{
	l->b[l->n++] = v;
}

static void u16(struct lb *l, uint16_t v)
{
	u8(l, (uint8_t)v);
	u8(l, (uint8_t)(v >> 8));
}

static void u32(struct lb *l, uint32_t v)
{
	u16(l, (uint16_t)v);
	u16(l, (uint16_t)(v >> 16));
}

static void bytes(struct lb *l, const void *p, size_t n)
{
	memcpy(l->b + l->n, p, n);
	l->n += n;
}

/* The Spec ID event listing sha1 and sha256, with 2 bytes of vendor info. */
static void spec_id(struct lb *l)
{
	static const uint8_t zero[20];

	u32(l, 0);
	u32(l, EV_NO_ACTION);
	bytes(l, zero, 20);
	u32(l, 16 + 4 + 4 + 4 + 8 + 1 + 2);
	bytes(l, "Spec ID Event03", 16);
	u32(l, 0);		/* platform class */
	u8(l, 0);
	u8(l, 2);
	u8(l, 0);
	u8(l, 2);		/* uintnSize: UINT64 */
	u32(l, 2);
	u16(l, SHA1);
	u16(l, 20);
	u16(l, SHA256);
	u16(l, 32);
	u8(l, 2);
	u16(l, 0xabcd);
}

/* A TCG_PCR_EVENT2 with both digests: sha1 all 0x11, sha256 @d. */
static void event(struct lb *l, uint32_t pcr, uint32_t type,
		  const uint8_t *d, const char *data)
{
	uint8_t s1[20];

	memset(s1, 0x11, sizeof(s1));
	u32(l, pcr);
	u32(l, type);
	u32(l, 2);
	u16(l, SHA1);
	bytes(l, s1, 20);
	u16(l, SHA256);
	bytes(l, d, 32);
	u32(l, (uint32_t)strlen(data));
	bytes(l, data, strlen(data));
}

static void locality(struct lb *l, uint8_t loc)
{
	uint8_t zero[32] = { 0 };

	u32(l, 0);
	u32(l, EV_NO_ACTION);
	u32(l, 2);
	u16(l, SHA1);
	bytes(l, zero, 20);
	u16(l, SHA256);
	bytes(l, zero, 32);
	u32(l, 17);
	bytes(l, "StartupLocality", 16);
	u8(l, loc);
}

static void extend(uint8_t pcr[32], const uint8_t d[32])
{
	uint8_t buf[64];
	unsigned int n;

	memcpy(buf, pcr, 32);
	memcpy(buf + 32, d, 32);
	EVP_Digest(buf, 64, pcr, &n, EVP_sha256(), NULL);
}

static bool parse(const struct lb *l, struct tcg_log *log, char *err)
{
	/* Exactly the log's size on the heap, so ASan sees any read past it. */
	static uint8_t *copy;
	bool ok;

	free(copy);
	copy = malloc(l->n ? l->n : 1);
	memcpy(copy, l->b, l->n);
	ok = tcg_log_parse(copy, l->n, log, err, 256);
	return ok;
}

static void sample(struct lb *l, uint8_t d[3][32])
{
	memset(d[0], 0xa1, 32);
	memset(d[1], 0xb2, 32);
	memset(d[2], 0xc3, 32);
	l->n = 0;
	spec_id(l);
	locality(l, 3);
	event(l, 0, 0x80000008, d[0], "firmware blob");
	event(l, 4, EV_EFI_BOOT_SERVICES_APPLICATION, d[1], "");
	event(l, 4, EV_NO_ACTION, d[2], "not extended");
	event(l, 9, EV_EVENT_TAG, d[2], "tagged");
	event(l, 9, EV_EVENT_TAG, d[0], "tagged again");
}

TEST(replay_by_hand)
{
	uint8_t d[3][32], got[TCG_PCRS][32], want[TCG_PCRS][32];
	struct tcg_log log;
	struct lb l;
	char err[256];
	int i;

	sample(&l, d);
	ASSERT_TRUE(parse(&l, &log, err)) TH_LOG("%s", err);
	ASSERT_EQ(6, log.n);
	ASSERT_EQ(3, log.locality);
	ASSERT_EQ(EV_EFI_BOOT_SERVICES_APPLICATION, log.ev[2].type);
	ASSERT_EQ(4, log.ev[2].pcr);
	ASSERT_EQ(0, memcmp(log.ev[4].sha256, d[2], 32));
	ASSERT_EQ(6, log.ev[4].data_len);
	ASSERT_EQ(0, memcmp(log.ev[4].data, "tagged", 6));

	for (i = 0; i < TCG_PCRS; i++)
		memset(want[i], i >= 17 && i <= 22 ? 0xff : 0, 32);
	want[0][31] = 3;
	extend(want[0], d[0]);
	extend(want[4], d[1]);
	extend(want[9], d[2]);
	extend(want[9], d[0]);
	tcg_log_replay(&log, got);
	for (i = 0; i < TCG_PCRS; i++)
		EXPECT_EQ(0, memcmp(got[i], want[i], 32)) TH_LOG("PCR %d", i);

	/*
	 * A digest changed by the caller is what the replay extends; an
	 * EV_NO_ACTION digest is not extended at all.
	 */
	log.ev[3].sha256[0] ^= 1;
	tcg_log_replay(&log, got);
	EXPECT_EQ(0, memcmp(got[4], want[4], 32));
	log.ev[4].sha256[0] ^= 1;
	tcg_log_replay(&log, got);
	EXPECT_NE(0, memcmp(got[9], want[9], 32));
	EXPECT_EQ(0, memcmp(got[4], want[4], 32));
	tcg_log_free(&log);
}

/* Every prefix of a good log but the whole is refused, without over-read. */
TEST(every_truncation_refused)
{
	uint8_t d[3][32];
	struct tcg_log log;
	struct lb l, cut;
	char err[256];
	size_t len, ends = 0;

	sample(&l, d);
	for (len = 0; len < l.n; len++) {
		memcpy(cut.b, l.b, len);
		cut.n = len;
		if (parse(&cut, &log, err)) {
			/* only at a record boundary, with fewer events */
			EXPECT_LT(log.n, 6);
			ends++;
			tcg_log_free(&log);
			continue;
		}
		EXPECT_EQ(0, log.n);
		EXPECT_EQ(NULL, log.ev);
		EXPECT_NE(0, err[0]);
	}
	/* the boundaries after the Spec ID event and the first 5 events */
	EXPECT_EQ(6, ends);
}

/* Each edit makes a good log bad; the message says what. */
TEST(bad_logs_refused)
{
	static const struct {
		size_t off;		/* into the sample log */
		uint8_t val;
		const char *msg;
	} cases[] = {
		{ 0, 1, "does not start with the Spec ID event" },
		{ 4, 4, "does not start with the Spec ID event" },
		{ 8, 1, "does not start with the Spec ID event" },
		{ 32, 's', "Spec ID Event03" },
		{ 56, 0, "0 hash algorithms" },
		{ 56, 9, "9 hash algorithms" },
		{ 56, 3, "too short" },
		{ 62, 21, "digest size 21" },
		{ 60, 0x0b, "digest size 20" },
		{ 64, 0x55, "has no sha256 bank" },
		{ 68, 3, "does not match its contents" },
		{ 28, 42, "does not match its contents" },
		/* StartupLocality, at 71 */
		{ 71, 1, "StartupLocality event for PCR 1" },
		{ 71 + 4 + 4 + 4 + 22 + 34 + 4 + 16, 5, "StartupLocality 5" },
		{ 71 + 8, 3, "3 digests" },
		{ 71 + 12, 0x0c, "algorithm 0x000c, which" },
		{ 71 + 34, 0x04, "two digests" },
		/* the first measurement, at 71 + 89 = 160 */
		{ 160, 24, "PCR 24" },
		{ 160 + 8, 1, "no sha256 digest" },
		{ 160 + 12 + 22 + 34 + 3, 0xff, "runs past the end" },
	};
	uint8_t d[3][32];
	struct tcg_log log;
	struct lb l;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sample(&l, d);
		l.b[cases[i].off] = cases[i].val;
		EXPECT_FALSE(parse(&l, &log, err)) TH_LOG("case %zu accepted", i);
		EXPECT_NE(NULL, strstr(err, cases[i].msg))
			TH_LOG("case %zu: '%s' lacks '%s'", i, err, cases[i].msg);
		EXPECT_EQ(0, log.n);
	}
	/* the sample itself is good */
	sample(&l, d);
	ASSERT_TRUE(parse(&l, &log, err));
	tcg_log_free(&log);
}

TEST(locality_after_pcr0_refused)
{
	uint8_t d[32] = { 1 };
	struct tcg_log log;
	struct lb l = { .n = 0 };
	char err[256];

	spec_id(&l);
	event(&l, 0, 1, d, "");
	locality(&l, 3);
	ASSERT_FALSE(parse(&l, &log, err));
	ASSERT_NE(NULL, strstr(err, "after the start of PCR 0"));
	ASSERT_NE(NULL, strstr(err, "record 2 at offset"));

	l.n = 0;
	spec_id(&l);
	locality(&l, 3);
	locality(&l, 0);
	ASSERT_FALSE(parse(&l, &log, err));
}

TEST(trailing_bytes_refused)
{
	uint8_t d[3][32];
	struct tcg_log log;
	struct lb l;
	char err[256];

	sample(&l, d);
	u8(&l, 0);
	ASSERT_FALSE(parse(&l, &log, err));
	ASSERT_NE(NULL, strstr(err, "record 7"));
}

TEST(duplicate_algorithm_refused)
{
	uint8_t d[3][32];
	struct tcg_log log;
	struct lb l;
	char err[256];

	sample(&l, d);
	l.b[64] = 0x04;		/* the second bank is sha1 of 20 bytes too */
	l.b[66] = 20;
	ASSERT_FALSE(parse(&l, &log, err));
	ASSERT_NE(NULL, strstr(err, "listed twice")) TH_LOG("%s", err);
}

/* "N hex" lines of a captured PCR file; false if unreadable. */
static bool read_pcrs(const char *path, uint8_t pcr[TCG_PCRS][32])
{
	FILE *f = fopen(path, "r");
	unsigned int n, i, b, seen = 0;
	char hex[65];

	if (!f)
		return false;
	while (fscanf(f, "%u %64s", &n, hex) == 2 && n < TCG_PCRS) {
		for (i = 0; i < 32 && sscanf(hex + 2 * i, "%2x", &b) == 1; i++)
			pcr[n][i] = (uint8_t)b;
		seen |= 1U << n;
	}
	fclose(f);
	return seen == 0xffffff;
}

/*
 * The test VM's UEFI boots (tests/eventlog/README): every PCR replays to
 * what the TPM held, but IMA's PCR 10, which the firmware's log lacks.
 */
TEST(vm_logs_replay)
{
	static const char *const boots[] = {
		"base", "cmdline", "initrd", "kernel", "k612",
	};
	uint8_t got[TCG_PCRS][32], want[TCG_PCRS][32], *buf;
	char path[128], err[256];
	struct tcg_log log;
	size_t b, len;
	FILE *f;
	int i;

	for (b = 0; b < sizeof(boots) / sizeof(boots[0]); b++) {
		snprintf(path, sizeof(path), "../eventlog/ovmf-%s.log", boots[b]);
		f = fopen(path, "rb");
		ASSERT_NE(NULL, f) TH_LOG("%s", path);
		buf = malloc(65536);
		len = fread(buf, 1, 65536, f);
		fclose(f);
		ASSERT_TRUE(tcg_log_parse(buf, len, &log, err, sizeof(err)))
			TH_LOG("%s: %s", path, err);
		EXPECT_EQ(25, log.n);
		EXPECT_EQ(0, log.locality);
		tcg_log_replay(&log, got);
		snprintf(path, sizeof(path), "../eventlog/ovmf-%s.pcrs", boots[b]);
		ASSERT_TRUE(read_pcrs(path, want)) TH_LOG("%s", path);
		for (i = 0; i < TCG_PCRS; i++) {
			if (i == 10) {
				EXPECT_NE(0, memcmp(got[i], want[i], 32));
			} else {
				EXPECT_EQ(0, memcmp(got[i], want[i], 32))
					TH_LOG("%s: PCR %d", boots[b], i);
			}
		}
		tcg_log_free(&log);
		free(buf);
	}
}

TEST_HARNESS_MAIN
