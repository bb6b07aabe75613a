// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "kseal" key type: payload verbs are parsed and checked here, then
 * handed to the kind they make (sealed or data key), and every later
 * operation goes through the kind's struct kseal_kind_ops. The payload
 * grammar is in kseal_options.h; kseal(7) documents it for admins.
 *
 * Unloading the module unregisters the type, which garbage-collects every
 * kseal key: their secrets are wiped and they disappear from all keyrings.
 */
#include <linux/capability.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/key-type.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "kseal_audit.h"
#include "kseal_blob.h"
#include "kseal_data.h"
#include "kseal_exposure.h"
#include "kseal_hex.h"
#include "kseal_key.h"
#include "kseal_options.h"
#include "kseal_pkey.h"
#include "kseal_sealed.h"
#include "kseal_stats.h"

/* The slots kseal_key.h names fit a key's payload; rcu_data0 is the first. */
static_assert(KSEAL_SLOT_PAYLOAD == 0);
static_assert(KSEAL_SLOT_COUNT <=
	      sizeof_field(union key_payload, data) / sizeof(void *));

/*
 * Sealed keys unseal machine secrets with the TPM: creating, loading and
 * resealing them is for the machine's administrator (CAP_SYS_ADMIN in the
 * initial user namespace), whoever owns the keyring.
 */
/*
 * Creating, loading and updating kseal keys is the machine administrator's
 * job: a stolen data blob must not become a decryption oracle for whoever
 * can reach the loaded sealed key. Use of a loaded key is governed by its
 * key permissions.
 */
static int kseal_admin_allowed(void)
{
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}

/*
 * Every instantiated kseal key, so that a hibernation can revoke them all
 * (the keys subsystem offers modules no walk over a type's keys). A key
 * joins at the end of a successful instantiate and leaves on destroy;
 * its KSEAL_SLOT_LIST points to its entry.
 */
struct kseal_key_entry {
	struct list_head node;
	struct key *key;
	/* The key's kind: revoke takes the payload, destroy still needs it. */
	const struct kseal_kind_ops *ops;
	bool dropped;		/* revoked by kseal_key_revoke_all() */
};

static LIST_HEAD(kseal_key_list);
static DEFINE_MUTEX(kseal_key_list_lock);
/*
 * Held for reading by every instantiate; kseal_key_revoke_all() takes it
 * for writing once, to wait for those in flight: a key that passed the
 * exposure check before a hibernation began is on the list before the
 * walk.
 */
static DECLARE_RWSEM(kseal_key_instantiating);

static void kseal_key_list_add(struct key *key, struct kseal_key_entry *e)
{
	e->key = key;
	e->ops = kseal_payload_locked(key)->ops;
	mutex_lock(&kseal_key_list_lock);
	list_add(&e->node, &kseal_key_list);
	key->payload.data[KSEAL_SLOT_LIST] = e;
	mutex_unlock(&kseal_key_list_lock);
}

/* Leaves the list: the key's kind, or NULL if it never joined. */
static const struct kseal_kind_ops *kseal_key_list_del(struct key *key)
{
	const struct kseal_kind_ops *ops = NULL;
	struct kseal_key_entry *e;

	mutex_lock(&kseal_key_list_lock);
	e = key->payload.data[KSEAL_SLOT_LIST];
	if (e) {
		list_del(&e->node);
		ops = e->ops;
	}
	key->payload.data[KSEAL_SLOT_LIST] = NULL;
	mutex_unlock(&kseal_key_list_lock);
	kfree(e);
	return ops;
}

/*
 * An entry not dropped yet, its key with a reference and marked dropped;
 * NULL when none is left, and then *dying says whether unrevoked keys
 * whose last reference is gone (which the GC destroys soon) are still
 * listed. The entry lasts while the reference is held: destroy frees it.
 */
static struct kseal_key_entry *kseal_key_next_to_drop(bool *dying)
{
	struct kseal_key_entry *e, *found = NULL;

	*dying = false;
	mutex_lock(&kseal_key_list_lock);
	list_for_each_entry(e, &kseal_key_list, node) {
		if (e->dropped)
			continue;
		if (refcount_inc_not_zero(&e->key->usage)) {
			e->dropped = true;
			found = e;
			break;
		}
		if (!test_bit(KEY_FLAG_REVOKED, &e->key->flags))
			*dying = true;
	}
	mutex_unlock(&kseal_key_list_lock);
	return found;
}

/*
 * One key per walk: key_revoke() takes the key's sem, which must not be
 * taken under the list lock. It takes it for an already revoked key too,
 * so a revoke by someone else that is still running is waited for.
 */
static int kseal_key_drop_listed(bool *dying)
{
	struct kseal_key_entry *e;
	struct key *key;
	bool revoked;
	int n = 0;

	while ((e = kseal_key_next_to_drop(dying))) {
		key = e->key;
		revoked = test_bit(KEY_FLAG_REVOKED, &key->flags);
		key_revoke(key);
		if (e->ops->revoke_sync)
			e->ops->revoke_sync(key);
		key_put(key);
		if (!revoked)
			n++;
	}
	return n;
}

int kseal_key_revoke_all(void)
{
	int n, tries;
	bool dying;

	down_write(&kseal_key_instantiating);
	up_write(&kseal_key_instantiating);
	n = kseal_key_drop_listed(&dying);
	/* Unreferenced keys lose their payload when the GC destroys them. */
	for (tries = 0; dying && tries < 100; tries++) {
		msleep(20);
		n += kseal_key_drop_listed(&dying);
	}
	/* Revoked payloads (and logon keys) are freed by RCU callbacks. */
	rcu_barrier();
	return dying ? -EBUSY : n;
}

static void kseal_payload_free_rcu(struct rcu_head *head)
{
	struct kseal_payload *p = container_of(head, struct kseal_payload, rcu);

	p->ops->free(p);
}

/* "load": the hex blob decoded, then handed to the kind the blob names. */
static int kseal_load(struct key *key, const struct kseal_opts *o)
{
	size_t len = o->blob_hex_len / 2;
	int kind, ret;
	u8 *blob;

	blob = kmalloc(len, GFP_KERNEL);
	if (!blob)
		return -ENOMEM;
	ret = kseal_hex_decode(o->blob_hex, o->blob_hex_len, blob, len);
	if (ret < 0)
		goto out;
	kind = kseal_blob_kind(blob, len);
	if (kind < 0) {
		ret = kind;
		goto out;
	}
	if (kind == KSEAL_BLOB_KIND_SEALED)
		ret = kseal_sealed_load(key, o, blob, len);
	else
		ret = kseal_data_instantiate(key, o, blob, len);
out:
	kfree(blob);
	return ret;
}

/*
 * Every way key material enters the kernel goes through here, so the
 * exposure gate is checked here for all of them: loads (which unseal, or
 * unwrap under a sealed key) and creates too, whose secret generated in
 * the kernel is as exposed as an unsealed one.
 */
static int kseal_instantiate(struct key *key, struct key_preparsed_payload *prep)
{
	struct kseal_key_entry *e;
	const char *op = "create";
	struct kseal_opts *o;
	bool denied = false;
	int ret;

	o = kmalloc(sizeof(*o), GFP_KERNEL);
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!o || !e) {
		ret = -ENOMEM;
		goto out_free;
	}
	down_read(&kseal_key_instantiating);
	ret = kseal_opts_parse(prep->data, prep->datalen, o);
	if (ret) {
		pr_info_ratelimited("payload not understood: see kseal(7) for the syntax\n");
		goto out_unlock;
	}
	if (o->verb == KSEAL_VERB_LOAD)
		op = "load";
	if (o->verb != KSEAL_VERB_NEW && o->verb != KSEAL_VERB_LOAD) {
		ret = -EINVAL;	/* "update" needs an existing key */
		goto out_unlock;
	}
	ret = kseal_admin_allowed();
	if (ret) {
		denied = true;
		goto out_unlock;
	}
	ret = kseal_exposure_unseal_allowed();
	if (ret)
		goto out_unlock;
	if (o->verb == KSEAL_VERB_LOAD)
		ret = kseal_load(key, o);
	else if (o->present & KSEAL_OPT_WRAP)
		ret = kseal_data_instantiate(key, o, NULL, 0);
	else
		ret = kseal_sealed_new(key, o);
	if (ret)
		goto out_unlock;
	kseal_key_list_add(key, e);
	e = NULL;
out_unlock:
	up_read(&kseal_key_instantiating);
	if (denied)
		kseal_audit_denied(op, key->serial);
	else if (!ret && kseal_payload_locked(key)->ops->audit_listed)
		kseal_audit_data_key(op, key->serial);
	else
		kseal_audit_key(op, key->serial, ret);
	kseal_opts_wipe(o);
out_free:
	kfree(e);
	kfree(o);
	if (ret)
		atomic64_inc(&kseal_stats.failures);
	else
		atomic_inc(&kseal_stats.keys);
	return ret;
}

/* keyctl update; also add_key for a description the keyring already has. */
static int kseal_update(struct key *key, struct key_preparsed_payload *prep)
{
	struct kseal_payload *p = kseal_payload_locked(key);
	bool denied = false, listed;
	struct kseal_opts *o;
	int ret;

	/* A negative key (a failed request_key) never held a payload. */
	if (key_is_negative(key))
		return -ENOKEY;
	if (!p)
		return -EKEYREVOKED;
	/* Read now: a successful update replaces (and frees) the payload. */
	listed = p->ops->audit_listed;
	o = kmalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	ret = kseal_opts_parse(prep->data, prep->datalen, o);
	if (ret) {
		pr_info_ratelimited("payload not understood: see kseal(7) for the syntax\n");
		goto out_audit;
	}
	if (o->verb != KSEAL_VERB_UPDATE) {
		ret = -EEXIST;	/* new/load onto an existing description */
		goto out_audit;
	}
	if (p->ops->refused_updates & BIT(o->update)) {
		ret = -EINVAL;	/* e.g. rotate, retire, rewrap: data keys only */
		goto out_audit;
	}
	ret = kseal_admin_allowed();
	if (ret) {
		denied = true;
		goto out_audit;
	}
	ret = p->ops->update(key, o);
out_audit:
	if (denied)
		kseal_audit_denied("update", key->serial);
	else if (!ret && listed)
		kseal_audit_data_key("update", key->serial);
	else
		kseal_audit_key("update", key->serial, ret);
	kseal_opts_wipe(o);
	kfree(o);
	if (ret)
		atomic64_inc(&kseal_stats.failures);
	return ret;
}

static bool kseal_cmp_desc(const struct key *key,
			   const struct key_match_data *m)
{
	return !strcmp(key->description, m->raw_data);
}

static bool kseal_cmp_serial(const struct key *key,
			     const struct key_match_data *m)
{
	return key->serial == (key_serial_t)(unsigned long)m->preparsed;
}

/*
 * A reference to a kseal key (wrap=, rewrap=) is its description or its
 * decimal serial: an all-digit string without leading zero is a serial.
 */
static int kseal_match_preparse(struct key_match_data *m)
{
	const char *s = m->raw_data;
	unsigned long serial = 0;

	m->cmp = kseal_cmp_desc;
	if (!*s || *s == '0' || strlen(s) > 10)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		serial = serial * 10 + (*s - '0');
	}
	if (serial > INT_MAX)
		return 0;
	m->preparsed = (void *)serial;
	m->cmp = kseal_cmp_serial;
	m->lookup_type = KEYRING_SEARCH_LOOKUP_ITERATE;
	return 0;
}

/* The blob as lowercase hex: exactly what "load" takes back. */
static long kseal_read(const struct key *key, char *buffer, size_t buflen)
{
	const struct kseal_payload *p = dereference_key_locked(key);
	size_t n;

	if (!p)
		return -EKEYREVOKED;
	n = 2 * (size_t)p->blob_len;
	if (buffer && buflen >= n)
		kseal_hex_encode(p->blob, p->blob_len, buffer);
	return n;
}

/* /proc/keys: the kind and its policy summary, never key bytes. */
static void kseal_describe(const struct key *key, struct seq_file *m)
{
	const struct kseal_payload *p;

	seq_puts(m, key->description);
	if (!key_is_positive(key))
		return;
	p = rcu_dereference(key->payload.rcu_data0);
	if (!p) {
		seq_puts(m, ": revoked");
		return;
	}
	seq_puts(m, ": ");
	p->ops->describe(p, m);
}

/*
 * Revoked keys lose their secret at once, not at garbage collection. A
 * key is revoked once; one without a payload (negative) holds nothing.
 */
static void kseal_revoke(struct key *key)
{
	struct kseal_payload *p = kseal_payload_locked(key);

	if (p)
		p->ops->revoke(key);
	kseal_audit_key("revoke", key->serial, 0);
	if (!p)
		return;
	key_payload_reserve(key, 0);
	rcu_assign_keypointer(key, NULL);
	call_rcu(&p->rcu, kseal_payload_free_rcu);
}

static void kseal_destroy(struct key *key)
{
	const struct kseal_kind_ops *ops = kseal_key_list_del(key);
	struct kseal_payload *p;

	if (ops)
		ops->destroy(key);
	p = rcu_dereference_protected(key->payload.rcu_data0, 1);
	if (p)
		p->ops->free(p);
	if (key_is_positive(key))
		atomic_dec(&kseal_stats.keys);
}

struct key_type kseal_key_type = {
	.name = "kseal",
	.instantiate = kseal_instantiate,
	.update = kseal_update,
	.match_preparse = kseal_match_preparse,
	.revoke = kseal_revoke,
	.destroy = kseal_destroy,
	.describe = kseal_describe,
	.read = kseal_read,
	.asym_query = kseal_pkey_query,
	.asym_eds_op = kseal_pkey_eds_op,
	.asym_verify_signature = kseal_pkey_verify,
};
