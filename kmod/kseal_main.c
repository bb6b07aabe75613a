// SPDX-License-Identifier: GPL-2.0-only
/*
 * kseal: TPM 2.0 sealed keys that live only in kernel memory.
 *
 * Module entry points: the key derivation transform, /sys/kernel/kseal,
 * the hibernation notifier, the "kseal" key type and the debugfs counters.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/key-type.h>
#include <kseal/version.h>

#include "kseal_audit.h"
#include "kseal_debugfs.h"
#include "kseal_exposure.h"
#include "kseal_kdf.h"
#include "kseal_key.h"
#include "kseal_logon.h"
#include "kseal_sysfs.h"
#include "kseal_tang_session.h"
#include "kseal_tpm2.h"

static int __init kseal_init(void)
{
	int ret;

	ret = kseal_kdf_init();
	if (ret) {
		pr_err("hmac(sha256) unavailable: %d\n", ret);
		return ret;
	}
	ret = kseal_sysfs_init();
	if (ret) {
		pr_err("cannot create /sys/kernel/kseal: %d\n", ret);
		goto kdf_exit;
	}
	ret = kseal_exposure_init();
	if (ret) {
		pr_err("cannot register the hibernation notifier: %d\n", ret);
		goto sysfs_exit;
	}
	ret = kseal_logon_init();
	if (ret) {
		pr_err("cannot allocate the logon export workqueue: %d\n", ret);
		goto exposure_exit;
	}
	ret = register_key_type(&kseal_tang_type);
	if (ret) {
		pr_err("cannot register key type kseal_tang: %d\n", ret);
		goto logon_exit;
	}
	ret = register_key_type(&kseal_key_type);
	if (ret) {
		pr_err("cannot register key type: %d\n", ret);
		goto tang_exit;
	}
	/* Last: it cannot fail, so no error path has to undo it. */
	kseal_debugfs_init();
	pr_info("version %s loaded\n", KSEAL_VERSION_STRING);
	return 0;

tang_exit:
	unregister_key_type(&kseal_tang_type);
logon_exit:
	kseal_logon_exit();
exposure_exit:
	kseal_exposure_exit();
sysfs_exit:
	kseal_sysfs_exit();
kdf_exit:
	kseal_kdf_exit();
	return ret;
}

static void __exit kseal_exit(void)
{
	kseal_debugfs_exit();
	/* No hibernation walks the keys while the type goes away. */
	kseal_exposure_exit();
	/* Unregistering revokes and garbage-collects every kseal key. */
	unregister_key_type(&kseal_key_type);
	unregister_key_type(&kseal_tang_type);
	/* Payloads replaced or revoked are freed by RCU callbacks: wait. */
	rcu_barrier();
	/* Every export's work was flushed when its key was destroyed. */
	kseal_logon_exit();
	kseal_audit_exit();
	kseal_sysfs_exit();
	kseal_kdf_exit();
	kseal_tpm2_forget_salt();
	pr_info("unloaded\n");
}

module_init(kseal_init);
module_exit(kseal_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TPM 2.0 sealed keys kept in kernel memory");
MODULE_VERSION(KSEAL_VERSION_STRING);
