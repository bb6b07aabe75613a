// SPDX-License-Identifier: GPL-2.0-only
/*
 * Data keys at boot scale, through the keyrings API inside the test VM:
 * many data keys under one sealed key, their blobs saved, then after a
 * reboot the sealed key and every data key reloaded with exactly one
 * unseal and no other TPM command, as the module's counters say.
 *
 * The reboot lies between the two halves, so tests/vm/suites/data.sh runs
 * the binary once per boot with KSEAL_DATA_PHASE=create, then =reload
 * (unset: both, in one boot). The blobs go to $KSEAL_DATA_DIR (default
 * /data/many); $KSEAL_DATA_N keys (1000 by default). Needs the kseal
 * parent key at 0x81000100.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <keyutils.h>
#include <kseal/ciphertext.h>

#include "kselftest_harness.h"
#include "kseal_util.h"

static const char *data_dir(void)
{
	const char *d = getenv("KSEAL_DATA_DIR");

	return d ? d : "/data/many";
}

static unsigned int data_n(void)
{
	const char *n = getenv("KSEAL_DATA_N");

	return n ? (unsigned int)strtoul(n, NULL, 10) : 1000;
}

static int save_blob(key_serial_t k, const char *name)
{
	char path[256], *blob = NULL;
	long len;
	FILE *f;
	int ret = -1;

	len = keyctl_read_alloc(k, (void **)&blob);
	if (len <= 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", data_dir(), name);
	f = fopen(path, "we");
	if (f) {
		ret = fwrite(blob, 1, len, f) == (size_t)len ? 0 : -1;
		if (fclose(f))
			ret = -1;
	}
	free(blob);
	return ret;
}

/* add_key "load <saved blob>" into @ring; the serial or -errno. */
static key_serial_t load_blob(const char *name, const char *desc,
			      key_serial_t ring)
{
	char path[256], *payload;
	key_serial_t k;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", data_dir(), name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	payload = malloc(64 * 1024);
	if (!payload) {
		fclose(f);
		return -ENOMEM;
	}
	memcpy(payload, "load ", 5);
	len = fread(payload + 5, 1, 64 * 1024 - 6, f);
	fclose(f);
	while (len && (payload[5 + len - 1] == '\n'))
		len--;
	payload[5 + len] = '\0';
	k = add_key("kseal", desc, payload, 5 + len, ring);
	if (k < 0)
		k = -errno;
	free(payload);
	return k;
}

static unsigned long long stat_of(struct __test_metadata *_metadata,
				  const char *name)
{
	unsigned long long v = 0;

	EXPECT_EQ(0, kseal_stat(name, &v)) TH_LOG(KSEAL_COUNTERS "%s unreadable", name);
	return v;
}

static void create_many(struct __test_metadata *_metadata)
{
	unsigned long long cmds, unseals;
	unsigned int i, n = data_n();
	key_serial_t ring, seal, k;
	char desc[32], payload[64];

	mkdir(data_dir(), 0700);
	ring = add_key("keyring", "kseal-many", NULL, 0,
		       KEY_SPEC_SESSION_KEYRING);
	ASSERT_LT(0, ring) TH_LOG("keyring: %s", strerror(errno));
	seal = add_key("kseal", "many-seal", "new 32", 6, ring);
	ASSERT_LT(0, seal) TH_LOG("sealed key: %s", strerror(errno));
	ASSERT_EQ(0, save_blob(seal, "seal"));

	cmds = stat_of(_metadata, "tpm_commands");
	unseals = stat_of(_metadata, "unseals");
	snprintf(payload, sizeof(payload), "new 32 wrap=%d", seal);
	for (i = 0; i < n; i++) {
		snprintf(desc, sizeof(desc), "d%u", i);
		k = add_key("kseal", desc, payload, strlen(payload), ring);
		ASSERT_LT(0, k) TH_LOG("data key %u: %s", i, strerror(errno));
		ASSERT_EQ(0, save_blob(k, desc)) TH_LOG("blob of data key %u", i);
	}
	EXPECT_EQ(cmds, stat_of(_metadata, "tpm_commands"))
		TH_LOG("%u data keys made must cost no TPM command", n);
	EXPECT_EQ(unseals, stat_of(_metadata, "unseals"));
	EXPECT_EQ(0, keyctl_clear(ring));
}

static void reload_many(struct __test_metadata *_metadata)
{
	unsigned long long cmds, unseals;
	unsigned int i, n = data_n();
	key_serial_t ring, seal, k = 0;
	char desc[32], text[256];

	ring = add_key("keyring", "kseal-many", NULL, 0,
		       KEY_SPEC_SESSION_KEYRING);
	ASSERT_LT(0, ring) TH_LOG("keyring: %s", strerror(errno));
	unseals = stat_of(_metadata, "unseals");
	seal = load_blob("seal", "many-seal", ring);
	ASSERT_LT(0, seal) TH_LOG("sealed key: %s", strerror(-seal));
	EXPECT_EQ(unseals + 1, stat_of(_metadata, "unseals"));

	cmds = stat_of(_metadata, "tpm_commands");
	for (i = 0; i < n; i++) {
		snprintf(desc, sizeof(desc), "d%u", i);
		k = load_blob(desc, desc, ring);
		ASSERT_LT(0, k) TH_LOG("data key %u: %s", i, strerror(-k));
	}
	EXPECT_EQ(cmds, stat_of(_metadata, "tpm_commands"))
		TH_LOG("%u data keys loaded must cost no TPM command", n);
	EXPECT_EQ(unseals + 1, stat_of(_metadata, "unseals"))
		TH_LOG("one unseal for the sealed key, none for its data keys");
	ASSERT_EQ(0, kseal_proc_keys_describe(k, text, sizeof(text)));
	EXPECT_NE(NULL, strstr(text, "data v1 min=1 len=32")) TH_LOG("%s", text);

	/* Without its sealed key a data blob does not load: ENOKEY. */
	ASSERT_EQ(0, keyctl_revoke(seal));
	k = load_blob("d0", "again", ring);
	EXPECT_EQ(-ENOKEY, k) TH_LOG("got %s", strerror(-k));
	EXPECT_EQ(0, keyctl_clear(ring));
}

/* pkey_encrypt of @len bytes of @in with @k into @ct; its size or -errno. */
static long enc(key_serial_t k, const void *in, size_t len, void *ct, size_t cap)
{
	long r = keyctl_pkey_encrypt(k, "", in, len, ct, cap);

	return r < 0 ? -errno : r;
}

static long dec(key_serial_t k, const void *ct, size_t len, void *out,
		size_t cap)
{
	long r = keyctl_pkey_decrypt(k, "", ct, len, out, cap);

	return r < 0 ? -errno : r;
}

/*
 * Known answers the pkey interface must give, so that a zero, duplicate
 * or drifting key fails here: an empty plaintext round-trips (and its tag
 * is checked), keys A and B never decrypt each other's ciphertexts, the
 * same plaintext encrypted twice has two nonces, and after rotate the new
 * version encrypts with another key while v1 ciphertexts still decrypt.
 */
TEST(pkey_known_answers)
{
	unsigned char pt[64], ct[sizeof(pt) + KSEAL_CT_OVERHEAD],
		ct2[sizeof(ct)], out[sizeof(pt)];
	key_serial_t ring, seal, a, b;
	char payload[64];
	long n, m;

	ring = add_key("keyring", "kseal-ka", NULL, 0, KEY_SPEC_SESSION_KEYRING);
	ASSERT_LT(0, ring) TH_LOG("keyring: %s", strerror(errno));
	seal = add_key("kseal", "ka-seal", "new 32", 6, ring);
	ASSERT_LT(0, seal) TH_LOG("sealed key: %s", strerror(errno));
	snprintf(payload, sizeof(payload), "new 32 wrap=%d", seal);
	a = add_key("kseal", "ka-a", payload, strlen(payload), ring);
	ASSERT_LT(0, a) TH_LOG("data key A: %s", strerror(errno));
	b = add_key("kseal", "ka-b", payload, strlen(payload), ring);
	ASSERT_LT(0, b) TH_LOG("data key B: %s", strerror(errno));
	memset(pt, 0x5a, sizeof(pt));

	/* Empty plaintext: header and tag only; decrypts to 0 bytes. */
	n = enc(a, pt, 0, ct, sizeof(ct));
	ASSERT_EQ(KSEAL_CT_OVERHEAD, n) TH_LOG("%s", strerror(-n));
	EXPECT_EQ(0, dec(a, ct, n, out, sizeof(out)));
	ct[n - 1] ^= 1;
	EXPECT_EQ(-EBADMSG, dec(a, ct, n, out, sizeof(out)))
		TH_LOG("a flipped tag bit of an empty plaintext must not verify");

	/* Two encryptions of one plaintext: fresh nonces, both decrypt. */
	n = enc(a, pt, sizeof(pt), ct, sizeof(ct));
	m = enc(a, pt, sizeof(pt), ct2, sizeof(ct2));
	ASSERT_EQ((long)sizeof(ct), n);
	ASSERT_EQ((long)sizeof(ct2), m);
	EXPECT_NE(0, memcmp(ct + KSEAL_CT_OFF_NONCE, ct2 + KSEAL_CT_OFF_NONCE,
			    KSEAL_CT_NONCE_SIZE));
	EXPECT_NE(0, memcmp(ct + KSEAL_CT_HDR_SIZE, ct2 + KSEAL_CT_HDR_SIZE,
			    sizeof(pt)));
	memset(out, 0, sizeof(out));
	ASSERT_EQ((long)sizeof(pt), dec(a, ct2, m, out, sizeof(out)));
	EXPECT_EQ(0, memcmp(pt, out, sizeof(pt)));
	/* The plaintext is not in the ciphertext. */
	EXPECT_EQ(NULL, memmem(ct, n, pt, 16));

	/* A and B are different keys. */
	EXPECT_EQ(-EBADMSG, dec(b, ct, n, out, sizeof(out)))
		TH_LOG("data key B decrypted data key A's ciphertext");
	m = enc(b, pt, sizeof(pt), ct2, sizeof(ct2));
	ASSERT_EQ((long)sizeof(ct2), m);
	EXPECT_EQ(-EBADMSG, dec(a, ct2, m, out, sizeof(out)))
		TH_LOG("data key A decrypted data key B's ciphertext");

	/*
	 * Rotate A: version 2 encrypts. Its ciphertext, relabelled as
	 * version 1, must not verify under v1 (a new key, not a copy); the
	 * v1 ciphertext still decrypts.
	 */
	ASSERT_EQ(0, keyctl_update(a, "update rotate", 13)) TH_LOG("%s", strerror(errno));
	m = enc(a, pt, sizeof(pt), ct2, sizeof(ct2));
	ASSERT_EQ((long)sizeof(ct2), m);
	EXPECT_EQ(2, ct2[KSEAL_CT_OFF_VERSION + 3]);
	EXPECT_EQ((long)sizeof(pt), dec(a, ct2, m, out, sizeof(out)));
	ct2[KSEAL_CT_OFF_VERSION + 3] = 1;
	EXPECT_EQ(-EBADMSG, dec(a, ct2, m, out, sizeof(out)))
		TH_LOG("version 2 reused version 1's key");
	memset(out, 0, sizeof(out));
	EXPECT_EQ((long)sizeof(pt), dec(a, ct, n, out, sizeof(out)));
	EXPECT_EQ(0, memcmp(pt, out, sizeof(pt)));
	EXPECT_EQ(0, keyctl_clear(ring));
}

TEST(many_keys)
{
	const char *phase = getenv("KSEAL_DATA_PHASE");

	KSEAL_NEED_COUNTERS();
	if (!phase || !strcmp(phase, "create"))
		create_many(_metadata);
	if (!phase || !strcmp(phase, "reload"))
		reload_many(_metadata);
}

TEST_HARNESS_MAIN
