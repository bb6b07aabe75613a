// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "kseal" key type: payload verbs are parsed here and dispatched to
 * sealed-key and data-key operations. The payload grammar is in
 * kseal_options.h; kseal(7) documents it for admins.
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
#include "kseal_sealed.h"
#include "kseal_stats.h"

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
 * key->payload.data[3] points to its entry.
 */
struct kseal_key_entry {
	struct list_head node;
	struct key *key;
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

static void kseal_key_list_del(struct key *key)
{
	struct kseal_key_entry *e;

	mutex_lock(&kseal_key_list_lock);
	e = key->payload.data[3];
	if (e)
		list_del(&e->node);
	key->payload.data[3] = NULL;
	mutex_unlock(&kseal_key_list_lock);
	kfree(e);
}

/*
 * A key not dropped yet, with a reference and marked dropped; NULL when
 * none is left, and then *dying says whether unrevoked keys whose last
 * reference is gone (which the GC destroys soon) are still listed.
 */
static struct key *kseal_key_next_to_drop(bool *dying)
{
	struct kseal_key_entry *e;
	struct key *found = NULL;

	*dying = false;
	mutex_lock(&kseal_key_list_lock);
	list_for_each_entry(e, &kseal_key_list, node) {
		if (e->dropped)
			continue;
		if (refcount_inc_not_zero(&e->key->usage)) {
			e->dropped = true;
			found = e->key;
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
	struct key *key;
	bool revoked;
	int n = 0;

	while ((key = kseal_key_next_to_drop(dying))) {
		revoked = test_bit(KEY_FLAG_REVOKED, &key->flags);
		key_revoke(key);
		kseal_data_revoke_sync(key);
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

static void kseal_payload_free(struct kseal_payload *p)
{
	if (!p)
		return;
	switch (p->kind) {
	case KSEAL_BLOB_KIND_SEALED:
		kseal_sealed_free(container_of(p, struct kseal_sealed, hdr));
		break;
	case KSEAL_BLOB_KIND_DATA:
		kseal_data_free(container_of(p, struct kseal_data, hdr));
		break;
	default:
		WARN_ON_ONCE(1);
	}
}

static void kseal_payload_free_rcu(struct rcu_head *head)
{
	kseal_payload_free(container_of(head, struct kseal_payload, rcu));
}

/* "load": the hex blob decoded, then dispatched on the blob's kind. */
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
	} else if (kind == KSEAL_BLOB_KIND_SEALED) {
		ret = kseal_admin_allowed();
		if (!ret && (o->present & KSEAL_OPT_LOGON))
			ret = -EINVAL;
		if (!ret)
			ret = kseal_sealed_load(key, o, blob, len);
	} else {
		ret = kseal_admin_allowed() ?:
			kseal_data_instantiate(key, o, blob, len);
	}
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
	if (!ret && o->verb == KSEAL_VERB_LOAD)
		op = "load";
	if (ret) {
		pr_info_ratelimited("payload not understood: see kseal(7) for the syntax\n");
	} else if (o->verb != KSEAL_VERB_NEW && o->verb != KSEAL_VERB_LOAD) {
		ret = -EINVAL;	/* "update" needs an existing key */
	} else {
		ret = kseal_admin_allowed();
		denied = ret;
		if (!ret)
			ret = kseal_exposure_unseal_allowed();
	}
	if (!ret && o->verb == KSEAL_VERB_LOAD)
		ret = kseal_load(key, o);
	else if (!ret && (o->present & KSEAL_OPT_WRAP))
		ret = kseal_data_instantiate(key, o, NULL, 0);
	else if (!ret)
		ret = kseal_sealed_new(key, o);
	if (!ret) {
		e->key = key;
		mutex_lock(&kseal_key_list_lock);
		list_add(&e->node, &kseal_key_list);
		key->payload.data[3] = e;
		mutex_unlock(&kseal_key_list_lock);
		e = NULL;
	}
	up_read(&kseal_key_instantiating);
	if (denied)
		kseal_audit_denied(op, key->serial);
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
	struct kseal_opts *o;
	bool denied = false;
	int ret;

	/* A negative key (a failed request_key) never held a payload. */
	if (key_is_negative(key))
		return -ENOKEY;
	if (!p)
		return -EKEYREVOKED;
	o = kmalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	ret = kseal_opts_parse(prep->data, prep->datalen, o);
	if (ret)
		pr_info_ratelimited("payload not understood: see kseal(7) for the syntax\n");
	else if (o->verb != KSEAL_VERB_UPDATE)
		ret = -EEXIST;	/* new/load onto an existing description */
	else if (p->kind != KSEAL_BLOB_KIND_DATA && o->update != KSEAL_UPD_RESEAL)
		ret = -EINVAL;	/* rotate, retire, rewrap: data keys only */
	else if (kseal_admin_allowed())
		denied = true;
	else if (p->kind == KSEAL_BLOB_KIND_DATA)
		ret = kseal_data_update(key, o);
	else
		ret = kseal_sealed_reseal(key, o);
	if (denied) {
		ret = -EPERM;
		kseal_audit_denied("update", key->serial);
	} else {
		kseal_audit_key("update", key->serial, ret);
	}
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
	if (p->kind == KSEAL_BLOB_KIND_SEALED)
		kseal_sealed_describe(container_of(p, struct kseal_sealed, hdr),
				      m);
	else if (p->kind == KSEAL_BLOB_KIND_DATA)
		kseal_data_describe(container_of(p, struct kseal_data, hdr), m);
}

/* Revoked keys lose their secret at once, not at garbage collection. */
static void kseal_revoke(struct key *key)
{
	struct kseal_payload *p = kseal_payload_locked(key);

	kseal_sealed_forget(key);
	kseal_data_revoke(key);
	kseal_audit_key("revoke", key->serial, 0);
	if (!p)
		return;
	key_payload_reserve(key, 0);
	rcu_assign_keypointer(key, NULL);
	call_rcu(&p->rcu, kseal_payload_free_rcu);
}

static void kseal_destroy(struct key *key)
{
	struct kseal_payload *p;

	kseal_key_list_del(key);
	kseal_sealed_forget(key);
	kseal_data_destroy(key);
	p = rcu_dereference_protected(key->payload.rcu_data0, 1);
	kseal_payload_free(p);
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
	.asym_query = kseal_data_asym_query,
	.asym_eds_op = kseal_data_asym_eds_op,
	.asym_verify_signature = kseal_data_asym_verify,
};
