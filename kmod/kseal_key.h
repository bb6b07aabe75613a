/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KSEAL_KEY_H
#define KSEAL_KEY_H

#include <linux/key-type.h>
#include <linux/rcupdate.h>

extern struct key_type kseal_key_type;

/*
 * Every kind's payload starts with this header, so that read, describe
 * and destroy can dispatch on the kind. key->payload.data[0] points to it
 * (RCU: readers under rcu_read_lock() or key->sem). Slot 1 is the sealed
 * key registry's, slot 2 a data key's logon export, slot 3 the list of
 * all kseal keys (kseal_key.c).
 */
struct kseal_payload {
	struct rcu_head rcu;
	u32 kind;		/* KSEAL_BLOB_KIND_SEALED or _DATA */
	u32 blob_len;
	u8 *blob;		/* binary blob; keyctl read gives it as hex */
};

/*
 * Revoke every kseal key (sealed and data) and wait until their payloads
 * are wiped: the number revoked, or -EBUSY if keys whose last reference
 * is gone were still not collected after a second. Instantiations in
 * flight finish first; kseal_exposure_unseal_allowed() must already
 * refuse new ones.
 */
int kseal_key_revoke_all(void);

/* The payload of a key, under key->sem or with the key being created. */
static inline struct kseal_payload *kseal_payload_locked(struct key *key)
{
	return rcu_dereference_protected(key->payload.rcu_data0,
					 lockdep_is_held(&key->sem) ||
					 !key_is_positive(key));
}

#endif /* KSEAL_KEY_H */
