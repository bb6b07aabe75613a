/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "kseal" key type and what it asks of each kind of kseal key (sealed,
 * data): the kinds implement struct kseal_kind_ops, the type only calls it.
 */
#ifndef KSEAL_KEY_H
#define KSEAL_KEY_H

#include <linux/key-type.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>

struct kseal_opts;

extern struct key_type kseal_key_type;

/*
 * The slots of key->payload.data[] a kseal key uses, each with one owner.
 * Only the payload is RCU-protected and read by other keys' operations;
 * the others are set when the key is instantiated and cleared at revoke
 * or destroy by their owner.
 */
enum kseal_slot {
	KSEAL_SLOT_PAYLOAD,	/* struct kseal_payload (rcu_data0): the kind's */
	KSEAL_SLOT_REG,		/* sealed keys: their registry entry */
	KSEAL_SLOT_LOGON,	/* data keys: their logon export */
	KSEAL_SLOT_LIST,	/* every key: its entry on kseal_key.c's list */
	KSEAL_SLOT_COUNT
};

struct kseal_payload;

/*
 * What the key type needs of a kind. A revoked key has no payload, but
 * what a kind keeps beside it (a registry entry, a logon export) lasts
 * until destroy: the type remembers the ops for that.
 */
struct kseal_kind_ops {
	/* Wipe and free a payload and its blob (also from an RCU callback). */
	void (*free)(struct kseal_payload *p);
	/* /proc/keys after "<description>: ": never key bytes. */
	void (*describe)(const struct kseal_payload *p, struct seq_file *m);
	/*
	 * keyctl update with key->sem held for writing, by the administrator.
	 * Verbs in refused_updates (BIT(KSEAL_UPD_*)) are -EINVAL before the
	 * administrator check; update refuses any other it does not take.
	 */
	int (*update)(struct key *key, const struct kseal_opts *o);
	unsigned long refused_updates;
	/* At revoke (key->sem held): drop what the key holds beside its payload. */
	void (*revoke)(struct key *key);
	/* After key_revoke(): wait until what revoke started is done; or NULL. */
	void (*revoke_sync)(struct key *key);
	/* At destroy: release what the key holds beside its payload. */
	void (*destroy)(struct key *key);
	/*
	 * Successful creates, loads and updates are listed several to an
	 * audit record (kseal_audit_data_key()) rather than one record each.
	 */
	bool audit_listed;
};

/*
 * Every kind's payload starts with this header: the type reads the blob
 * (keyctl read gives it as hex) and calls the kind through ops. Readers
 * of key->payload.rcu_data0 hold rcu_read_lock() or key->sem.
 */
struct kseal_payload {
	struct rcu_head rcu;
	const struct kseal_kind_ops *ops;
	u32 blob_len;
	u8 *blob;
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
