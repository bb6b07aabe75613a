// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "kseal" key type: payload verbs are parsed here and dispatched to
 * sealed-key and data-key operations.
 */
#define pr_fmt(fmt) "kseal: " fmt

#include <linux/key-type.h>
#include <linux/seq_file.h>

#include "kseal_key.h"

static int kseal_instantiate(struct key *key, struct key_preparsed_payload *prep)
{
	/* No verb is known yet: every payload is rejected. */
	return -EINVAL;
}

static void kseal_describe(const struct key *key, struct seq_file *m)
{
	seq_puts(m, key->description);
}

struct key_type kseal_key_type = {
	.name = "kseal",
	.instantiate = kseal_instantiate,
	.describe = kseal_describe,
};
