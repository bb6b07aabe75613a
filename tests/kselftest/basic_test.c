// SPDX-License-Identifier: GPL-2.0-only
/*
 * Proves the test machine itself: a TPM 2.0 is there, kseal.ko loads and
 * unloads cleanly, and it registers the "kseal" key type while loaded.
 */
#include <keyutils.h>
#include <kseal/version.h>

#include "kselftest_harness.h"
#include "kseal_util.h"

/* add_key with a payload no verb accepts: tells whether the type exists. */
static int kseal_type_probe(void)
{
	key_serial_t k = add_key("kseal", "basic:probe", "nonsense", 8,
				 KEY_SPEC_PROCESS_KEYRING);

	if (k >= 0) {
		keyctl_revoke(k);
		return 0;
	}
	return -errno;
}

FIXTURE(module)
{
	int was_loaded;
};

FIXTURE_SETUP(module)
{
	self->was_loaded = kseal_module_loaded();
	if (self->was_loaded)
		ASSERT_EQ(0, kseal_module_unload());
}

FIXTURE_TEARDOWN(module)
{
	if (self->was_loaded && !kseal_module_loaded())
		kseal_module_load(NULL);
}

TEST(tpm_is_2_0)
{
	if (access("/dev/tpm0", F_OK))
		SKIP(return, "no TPM device in this machine");
	ASSERT_EQ(0, access("/dev/tpmrm0", F_OK));
	ASSERT_TRUE(kseal_have_tpm2());
}

TEST_F(module, load_logs_version_and_unloads)
{
	char v[64];

	ASSERT_EQ(-ENODEV, kseal_type_probe());
	ASSERT_EQ(0, kseal_module_load(NULL));
	ASSERT_TRUE(kseal_module_loaded());
	ASSERT_EQ(0, kseal_read_text("/sys/module/kseal/version", v, sizeof(v)));
	ASSERT_STREQ(KSEAL_VERSION_STRING, v);
	/* sysfs has the lock only: the counters are in debugfs. */
	ASSERT_EQ(0, access("/sys/kernel/kseal/lock", F_OK));
	ASSERT_NE(0, access("/sys/kernel/kseal/stats", F_OK));
	ASSERT_EQ(0, kseal_module_unload());
	ASSERT_FALSE(kseal_module_loaded());
}

TEST_F(module, key_type_registered_only_while_loaded)
{
	ASSERT_EQ(-ENODEV, kseal_type_probe());
	ASSERT_EQ(0, kseal_module_load(NULL));
	/* Known type, refused payload: anything but ENODEV. */
	ASSERT_NE(-ENODEV, kseal_type_probe());
	ASSERT_EQ(0, kseal_module_unload());
	ASSERT_EQ(-ENODEV, kseal_type_probe());
}

TEST_F(module, unload_with_no_keys_leaves_nothing)
{
	char taint[32];

	ASSERT_EQ(0, kseal_module_load(NULL));
	ASSERT_EQ(0, kseal_type_probe() == -ENODEV);
	ASSERT_EQ(0, kseal_module_unload());
	ASSERT_EQ(0, kseal_proc_keys_count(" kseal "));
	ASSERT_NE(0, access("/sys/module/kseal", F_OK));
	ASSERT_NE(0, access("/sys/kernel/kseal", F_OK));
	ASSERT_NE(0, access(KSEAL_COUNTERS, F_OK));
	/* A second cycle works: nothing stale was left registered. */
	ASSERT_EQ(0, kseal_module_load(NULL));
	ASSERT_EQ(0, kseal_module_unload());
	ASSERT_EQ(0, kseal_read_text("/proc/sys/kernel/tainted", taint, sizeof(taint)));
	/* Only unsigned-module (E, bit 13) and out-of-tree (O, bit 12) taints. */
	ASSERT_EQ(0, strtoul(taint, NULL, 10) & ~((1UL << 12) | (1UL << 13)));
}

TEST_HARNESS_MAIN
