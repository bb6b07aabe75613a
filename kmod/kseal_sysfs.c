// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/kseal:
 *   lock        write a PCR index (root) to extend it with a random value,
 *               so blobs bound with lock=<pcr> stop loading until reboot;
 *               read: the PCRs locked this boot
 * A sysfs file rather than a key verb: locking is an action on the
 * machine, not on any one key, and init scripts can do it with echo.
 * The counters for tests are in debugfs (kseal_debugfs.c): not ABI.
 */
#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "kseal_audit.h"
#include "kseal_lock.h"
#include "kseal_stats.h"
#include "kseal_sysfs.h"

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
	if (kstrtou32(buf, 10, &pcr)) {
		ret = -EINVAL;
		goto fail;
	}
	ret = kseal_lock_pcr(pcr);
	kseal_audit_lock(pcr, ret);
	if (ret)
		goto fail;
	return count;

fail:
	atomic64_inc(&kseal_stats.failures);
	return ret;
}

static struct kobj_attribute kseal_lock_attr = __ATTR_RW_MODE(lock, 0600);

static struct attribute *kseal_top_attrs[] = {
	&kseal_lock_attr.attr,
	NULL,
};

static const struct attribute_group kseal_top_group = {
	.attrs = kseal_top_attrs,
};

int kseal_sysfs_init(void)
{
	int ret;

	kseal_kobj = kobject_create_and_add("kseal", kernel_kobj);
	if (!kseal_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(kseal_kobj, &kseal_top_group);
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
