// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/kseal:
 *   lock        write a PCR index (root) to extend it with a random value,
 *               so blobs bound with lock=<pcr> stop loading until reboot;
 *               read: the PCRs locked this boot
 *   stats/      counters for tests and benchmarks, one number per file,
 *               and tpm_commands_by_cc ("<command> <count>" lines)
 * A sysfs file rather than a key verb: locking is an action on the
 * machine, not on any one key, and init scripts can do it with echo.
 */
#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <linux/tpm.h>

#include "kseal_audit.h"
#include "kseal_sealed.h"
#include "kseal_stats.h"
#include "kseal_sysfs.h"
#include "kseal_tpm2.h"
#include "kseal_tpm2_wire.h"

struct kseal_stats kseal_stats;

static struct kobject *kseal_kobj;

static ssize_t lock_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	u32 mask = kseal_locked_mask();
	const char *sep = "";
	int len = 0, i;

	for (i = 0; i < KSEAL_PCR_COUNT; i++) {
		if (mask & BIT(i)) {
			len += sysfs_emit_at(buf, len, "%s%d", sep, i);
			sep = " ";
		}
	}
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

static ssize_t lock_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	u32 pcr;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	/* Anything but a PCR index is -EINVAL, out of range numbers too. */
	ret = kstrtou32(buf, 10, &pcr) ? -EINVAL : 0;
	if (!ret) {
		ret = kseal_lock_pcr(pcr);
		kseal_audit_lock(pcr, ret);
	}
	if (ret) {
		atomic64_inc(&kseal_stats.failures);
		return ret;
	}
	return count;
}

static struct kobj_attribute kseal_lock_attr = __ATTR_RW_MODE(lock, 0600);

static struct attribute *kseal_top_attrs[] = {
	&kseal_lock_attr.attr,
	NULL,
};

static const struct attribute_group kseal_top_group = {
	.attrs = kseal_top_attrs,
};

#define KSEAL_STAT_ATTR(_name, _expr)					\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)(_expr));	\
}									\
static struct kobj_attribute kseal_##_name##_attr = __ATTR_RO(_name)

KSEAL_STAT_ATTR(tpm_commands, kseal_tpm2_count_total());
KSEAL_STAT_ATTR(creates, atomic64_read(&kseal_stats.creates));
KSEAL_STAT_ATTR(unseals, atomic64_read(&kseal_stats.unseals));
KSEAL_STAT_ATTR(failures, atomic64_read(&kseal_stats.failures));
KSEAL_STAT_ATTR(keys, atomic_read(&kseal_stats.keys));

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
	{ TPM2_CC_UNSEAL, "Unseal" },
	{ TPM2_CC_FLUSH_CONTEXT, "FlushContext" },
};

static ssize_t tpm_commands_by_cc_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	unsigned int i;
	int len = 0;
	u64 n;

	for (i = 0; i < ARRAY_SIZE(kseal_cc_names); i++) {
		n = kseal_tpm2_count_cc(kseal_cc_names[i].cc);
		if (n)
			len += sysfs_emit_at(buf, len, "%s %llu\n",
					     kseal_cc_names[i].name,
					     (unsigned long long)n);
	}
	return len;
}

static struct kobj_attribute kseal_tpm_commands_by_cc_attr =
	__ATTR_RO(tpm_commands_by_cc);

static struct attribute *kseal_stats_attrs[] = {
	&kseal_tpm_commands_attr.attr,
	&kseal_creates_attr.attr,
	&kseal_unseals_attr.attr,
	&kseal_failures_attr.attr,
	&kseal_keys_attr.attr,
	&kseal_tpm_commands_by_cc_attr.attr,
	NULL,
};

static const struct attribute_group kseal_stats_group = {
	.name = "stats",
	.attrs = kseal_stats_attrs,
};

int kseal_sysfs_init(void)
{
	int ret;

	kseal_kobj = kobject_create_and_add("kseal", kernel_kobj);
	if (!kseal_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(kseal_kobj, &kseal_top_group);
	if (!ret)
		ret = sysfs_create_group(kseal_kobj, &kseal_stats_group);
	if (ret) {
		kobject_put(kseal_kobj);
		kseal_kobj = NULL;
	}
	return ret;
}

void kseal_sysfs_exit(void)
{
	kobject_put(kseal_kobj);
	kseal_kobj = NULL;
}
