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

	EXPECT_EQ(0, kseal_stat(name, &v)) TH_LOG("stats/%s unreadable", name);
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

TEST(many_keys)
{
	const char *phase = getenv("KSEAL_DATA_PHASE");

	if (!phase || !strcmp(phase, "create"))
		create_many(_metadata);
	if (!phase || !strcmp(phase, "reload"))
		reload_many(_metadata);
}

TEST_HARNESS_MAIN
