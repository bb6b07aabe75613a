// SPDX-License-Identifier: GPL-2.0-only
/*
 * <debugfs>/kseal (usually /sys/kernel/debug/kseal): counters for tests
 * and benchmarks, one number per file (tpm_commands, creates, unseals,
 * failures, keys) and tpm_commands_by_cc ("<command> <count>" lines).
 * They are a test aid, not ABI, hence debugfs rather than sysfs. Without
 * debugfs (not built in, or debugfs=off) the files are simply missing:
 * the debugfs calls take an error parent and nothing depends on them, so
 * their results are not checked.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/tpm.h>

#include "kseal_debugfs.h"
#include "kseal_stats.h"
#include "kseal_tpm2.h"
#include "kseal_tpm2_wire.h"

struct kseal_stats kseal_stats;

static struct dentry *kseal_debugfs_dir;

#define KSEAL_COUNTER(_name, _expr)					\
static int _name##_get(void *data, u64 *val)				\
{									\
	*val = (_expr);							\
	return 0;							\
}									\
DEFINE_DEBUGFS_ATTRIBUTE(_name##_fops, _name##_get, NULL, "%llu\n")

KSEAL_COUNTER(tpm_commands, kseal_tpm2_count_total());
KSEAL_COUNTER(creates, atomic64_read(&kseal_stats.creates));
KSEAL_COUNTER(unseals, atomic64_read(&kseal_stats.unseals));
KSEAL_COUNTER(failures, atomic64_read(&kseal_stats.failures));
KSEAL_COUNTER(keys, atomic_read(&kseal_stats.keys));
KSEAL_COUNTER(tang_refusals, atomic64_read(&kseal_stats.tang_refusals));

static const struct {
	u32 cc;
	const char *name;
} kseal_cc_names[] = {
	{ KSEAL_TPM2_CC_READ_PUBLIC, "ReadPublic" },
	{ TPM2_CC_PCR_READ, "PCR_Read" },
	{ TPM2_CC_PCR_EXTEND, "PCR_Extend" },
	{ TPM2_CC_GET_RANDOM, "GetRandom" },
	{ TPM2_CC_CREATE, "Create" },
	{ TPM2_CC_LOAD, "Load" },
	{ KSEAL_TPM2_CC_START_AUTH_SESS, "StartAuthSession" },
	{ KSEAL_TPM2_CC_POLICY_PCR, "PolicyPCR" },
	{ KSEAL_TPM2_CC_POLICY_OR, "PolicyOR" },
	{ KSEAL_TPM2_CC_POLICY_PASSWORD, "PolicyPassword" },
	{ KSEAL_TPM2_CC_POLICY_AUTHVALUE, "PolicyAuthValue" },
	{ KSEAL_TPM2_CC_POLICY_AUTHORIZE, "PolicyAuthorize" },
	{ TPM2_CC_UNSEAL, "Unseal" },
	{ TPM2_CC_FLUSH_CONTEXT, "FlushContext" },
};

static int tpm_commands_by_cc_show(struct seq_file *m, void *unused)
{
	unsigned int i;
	u64 n;

	for (i = 0; i < ARRAY_SIZE(kseal_cc_names); i++) {
		n = kseal_tpm2_count_cc(kseal_cc_names[i].cc);
		if (n)
			seq_printf(m, "%s %llu\n", kseal_cc_names[i].name,
				   (unsigned long long)n);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tpm_commands_by_cc);

void kseal_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir("kseal", NULL);

	debugfs_create_file_unsafe("tpm_commands", 0444, dir, NULL,
				   &tpm_commands_fops);
	debugfs_create_file_unsafe("creates", 0444, dir, NULL, &creates_fops);
	debugfs_create_file_unsafe("unseals", 0444, dir, NULL, &unseals_fops);
	debugfs_create_file_unsafe("failures", 0444, dir, NULL,
				   &failures_fops);
	debugfs_create_file_unsafe("keys", 0444, dir, NULL, &keys_fops);
	debugfs_create_file_unsafe("tang_refusals", 0444, dir, NULL,
				   &tang_refusals_fops);
	debugfs_create_file("tpm_commands_by_cc", 0444, dir, NULL,
			    &tpm_commands_by_cc_fops);
	kseal_debugfs_dir = dir;
}

void kseal_debugfs_exit(void)
{
	/* Waits for readers; an error or NULL dentry is ignored. */
	debugfs_remove(kseal_debugfs_dir);
	kseal_debugfs_dir = NULL;
}
