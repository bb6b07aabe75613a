/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KSEAL_KEY_H
#define KSEAL_KEY_H

#include <linux/key-type.h>
#include <linux/rcupdate.h>

extern struct key_type kseal_key_type;

/*
 * Every kind's payload starts with this header, so that read, describe
 * and destroy can dispatch on the kind. key->payload.data[0] points to it
 * (RCU: readers under rcu_read_lock() or key->sem).
 */
struct kseal_payload {
	struct rcu_head rcu;
	u32 kind;		/* KSEAL_BLOB_KIND_SEALED or _DATA */
	u32 blob_len;
	u8 *blob;		/* binary blob; keyctl read gives it as hex */
};

/* The payload of a key, under key->sem or with the key being created. */
static inline struct kseal_payload *kseal_payload_locked(struct key *key)
{
	return rcu_dereference_protected(key->payload.rcu_data0,
					 lockdep_is_held(&key->sem) ||
					 !key_is_positive(key));
}

#endif /* KSEAL_KEY_H */
