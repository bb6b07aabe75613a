// SPDX-License-Identifier: GPL-2.0-only
/*
 * kseal: TPM 2.0 sealed keys that live only in kernel memory.
 *
 * Module entry points: registers the "kseal" key type.
 */
#define pr_fmt(fmt) "kseal: " fmt

#include <linux/module.h>
#include <linux/init.h>
#include <linux/key-type.h>
#include <kseal/version.h>

#include "kseal_key.h"

static int __init kseal_init(void)
{
	int ret;

	ret = register_key_type(&kseal_key_type);
	if (ret) {
		pr_err("cannot register key type: %d\n", ret);
		return ret;
	}
	pr_info("version %s loaded\n", KSEAL_VERSION_STRING);
	return 0;
}

static void __exit kseal_exit(void)
{
	/* Unregistering revokes and garbage-collects every kseal key. */
	unregister_key_type(&kseal_key_type);
	pr_info("unloaded\n");
}

module_init(kseal_init);
module_exit(kseal_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TPM 2.0 sealed keys kept in kernel memory");
MODULE_VERSION(KSEAL_VERSION_STRING);
