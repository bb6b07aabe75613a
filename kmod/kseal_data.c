// SPDX-License-Identifier: GPL-2.0-only
/*
 * Data keys: the kind's payload and operations (create, load, rotate,
 * retire, rewrap, /proc/keys) and the logon export's life beside it. The
 * plaintext of every version lives only in the payload; updates build a
 * new payload and swap it in under RCU, so readers never see a partial
 * one. A data key does not keep its sealed key: only load, rotate and
 * rewrap (which write a blob) need the sealed key to be loaded. Their use
 * by keyctl pkey_* is in kseal_pkey.c.
 */
#include <linux/err.h>
#include <linux/key-type.h>
#include <linux/overflow.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kseal/version.h>

#include "kseal_crypto.h"
#include "kseal_data.h"
#include "kseal_datablob.h"
#include "kseal_logon.h"
#include "kseal_registry.h"
#include "kseal_sealed.h"

static struct kseal_data *kseal_data_alloc(u32 count)
{
	struct kseal_data *d;

	d = kzalloc(struct_size(d, v, count), GFP_KERNEL);
	if (!d)
		return NULL;
	d->hdr.ops = &kseal_data_ops;
	d->count = count;
	return d;
}

/* Wipe and free a payload, its transforms and its blob. */
static void kseal_data_free(struct kseal_data *d)
{
	u32 i;

	if (!d)
		return;
	for (i = 0; i < d->count; i++) {
		crypto_free_aead(d->v[i].gcm);
		crypto_free_shash(d->v[i].mac);
	}
	kfree(d->hdr.blob);
	/* The versions' key bytes are in the payload itself. */
	kfree_sensitive(d);
}

static void kseal_data_free_rcu(struct rcu_head *head)
{
	kseal_data_free(container_of(head, struct kseal_data, hdr.rcu));
}

/*
 * The exported logon key lives beside the payload, so that updates need
 * not move it: revoke queues its revocation (under key->sem), destroy
 * completes it and frees it. Not every data key exports one.
 */
#define kseal_data_logon(key) \
	((struct kseal_logon *)(key)->payload.data[KSEAL_SLOT_LOGON])

static void kseal_data_revoke(struct key *key)
{
	kseal_logon_revoke(kseal_data_logon(key));
}

/* The caller holds a reference to @key: destroy cannot free the export. */
static void kseal_data_revoke_sync(struct key *key)
{
	struct kseal_logon *l = kseal_data_logon(key);

	if (l)
		flush_work(&l->revoke);
}

static void kseal_data_destroy(struct key *key)
{
	kseal_logon_destroy(kseal_data_logon(key));
	key->payload.data[KSEAL_SLOT_LOGON] = NULL;
}

/* Wrap every version of @d under @sealed into a new blob in d->hdr. */
static int kseal_data_wrap(struct kseal_data *d, struct key *sealed)
{
	u8 out[KSEAL_DATA_KEY_MAX + KSEAL_DATA_TAG_SIZE];
	u8 aad[KSEAL_DATA_AAD_SIZE];
	struct kseal_data_blob *b;
	struct kseal_wrap *wrap;
	ssize_t n;
	u8 *buf;
	int ret;
	u32 i;

	b = kzalloc(KSEAL_DATA_BLOB_ROOM(d->count), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	ret = kseal_sealed_id(sealed, d->wrap_id);
	if (ret)
		goto out_blob;
	ret = kseal_sealed_strictness(sealed, &d->wrap_flags,
				      &d->wrap_lock_pcr);
	if (ret)
		goto out_blob;
	wrap = kseal_wrap_get(sealed);
	if (IS_ERR(wrap)) {
		ret = PTR_ERR(wrap);
		goto out_blob;
	}
	b->creator_version = KSEAL_VERSION_CODE;
	memcpy(b->wrap_id, d->wrap_id, sizeof(b->wrap_id));
	b->key_len = d->key_len;
	b->cur_version = d->cur;
	b->min_version = d->min;
	b->count = d->count;
	for (i = 0; i < d->count; i++)
		b->v[i].version = d->v[i].version;
	for (i = 0; i < d->count; i++) {
		get_random_bytes(b->v[i].nonce, KSEAL_DATA_NONCE_SIZE);
		ret = kseal_data_blob_aad(b, b->v[i].version, aad);
		if (ret)
			goto out_wrap;
		ret = kseal_gcm_seal(wrap->gcm, b->v[i].nonce, aad, sizeof(aad),
				     d->v[i].key, d->key_len, out);
		if (ret)
			goto out_wrap;
		memcpy(b->v[i].ct, out, d->key_len);
		memcpy(b->v[i].tag, out + d->key_len, KSEAL_DATA_TAG_SIZE);
	}
	n = kseal_data_blob_size(b);
	if (!n) {
		ret = -EINVAL;
		goto out_wrap;
	}
	buf = kmalloc(n, GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out_wrap;
	}
	n = kseal_data_blob_write(b, buf, n);
	if (n < 0) {
		kfree(buf);
		ret = n;
		goto out_wrap;
	}
	kfree(d->hdr.blob);
	d->hdr.blob = buf;
	d->hdr.blob_len = n;
out_wrap:
	kseal_wrap_put(wrap);
out_blob:
	memzero_explicit(out, sizeof(out));
	kfree(b);
	return ret;
}

/* Unwrap every version of @b (wrapped under @sealed) into @d. */
static int kseal_data_unwrap(struct kseal_data *d,
			     const struct kseal_data_blob *b, struct key *sealed)
{
	u8 aad[KSEAL_DATA_AAD_SIZE];
	struct kseal_wrap *wrap;
	int ret = 0;
	u32 i;

	wrap = kseal_wrap_get(sealed);
	if (IS_ERR(wrap))
		return PTR_ERR(wrap);
	for (i = 0; i < b->count; i++) {
		d->v[i].version = b->v[i].version;
		ret = kseal_data_blob_aad(b, b->v[i].version, aad);
		if (ret)
			break;
		ret = kseal_gcm_open(wrap->gcm, b->v[i].nonce, aad, sizeof(aad),
				     b->v[i].ct, b->key_len, b->v[i].tag,
				     d->v[i].key);
		if (ret)
			break;
	}
	kseal_wrap_put(wrap);
	return ret;
}

/* A new payload with one random version, or an ERR_PTR. */
static struct kseal_data *kseal_data_new(const struct kseal_opts *o)
{
	struct kseal_data *d;
	struct key *sealed;
	int ret;

	if (o->key_len < KSEAL_DATA_KEY_MIN || o->key_len > KSEAL_DATA_KEY_MAX)
		return ERR_PTR(-EINVAL);
	sealed = kseal_sealed_find(o->wrap);
	if (IS_ERR(sealed))
		return ERR_CAST(sealed);
	d = kseal_data_alloc(1);
	if (!d) {
		ret = -ENOMEM;
		goto err_put;
	}
	d->key_len = o->key_len;
	d->cur = 1;
	d->min = 1;
	d->v[0].version = 1;
	get_random_bytes(d->v[0].key, d->key_len);
	ret = kseal_data_wrap(d, sealed);
	if (ret)
		goto err_free;
	key_put(sealed);
	return d;

err_free:
	kseal_data_free(d);
err_put:
	key_put(sealed);
	return ERR_PTR(ret);
}

/* The payload a data blob unwraps to, or an ERR_PTR. */
static struct kseal_data *kseal_data_load(const u8 *blob, size_t blob_len)
{
	u16 room = kseal_data_blob_room(blob, blob_len);
	struct kseal_data_blob *b;
	struct kseal_data *d;
	struct key *sealed;
	int ret;

	b = kmalloc(KSEAL_DATA_BLOB_ROOM(room), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	ret = kseal_data_blob_parse(blob, blob_len, b, room);
	if (ret)
		goto err_blob;
	sealed = kseal_registry_find(b->wrap_id);
	if (IS_ERR(sealed)) {
		ret = PTR_ERR(sealed);
		if (ret == -ENOKEY)
			pr_info("data key wrapped by sealed key id %*phN, which is not loaded: load that sealed key first\n",
				KSEAL_DATA_ID_SIZE, b->wrap_id);
		goto err_blob;
	}
	d = kseal_data_alloc(b->count);
	if (!d) {
		ret = -ENOMEM;
		goto err_put;
	}
	memcpy(d->wrap_id, b->wrap_id, sizeof(d->wrap_id));
	d->key_len = b->key_len;
	d->cur = b->cur_version;
	d->min = b->min_version;
	ret = kseal_sealed_strictness(sealed, &d->wrap_flags,
				      &d->wrap_lock_pcr);
	if (ret)
		goto err_free;
	ret = kseal_data_unwrap(d, b, sealed);
	if (ret)
		goto err_free;
	d->hdr.blob = kmemdup(blob, blob_len, GFP_KERNEL);
	if (!d->hdr.blob) {
		ret = -ENOMEM;
		goto err_free;
	}
	d->hdr.blob_len = blob_len;
	key_put(sealed);
	kfree(b);
	return d;

err_free:
	kseal_data_free(d);
err_put:
	key_put(sealed);
err_blob:
	kfree(b);
	return ERR_PTR(ret);
}

/* The payload goes live, with its logon export if one was asked for. */
static int kseal_data_publish(struct key *key, struct kseal_data *d,
			      const struct kseal_opts *o)
{
	struct kseal_data_ver *cur = &d->v[d->count - 1];
	struct kseal_logon *logon = NULL;
	int ret;

	ret = key_payload_reserve(key, struct_size(d, v, d->count) +
				  d->hdr.blob_len);
	if (ret)
		return ret;
	if (o && (o->present & KSEAL_OPT_LOGON)) {
		logon = kseal_logon_publish(o->logon, cur->key, d->key_len);
		if (IS_ERR(logon))
			return PTR_ERR(logon);
		key->payload.data[KSEAL_SLOT_LOGON] = logon;
	}
	rcu_assign_keypointer(key, d);
	return 0;
}

int kseal_data_instantiate(struct key *key, const struct kseal_opts *o,
			   const u8 *blob, size_t blob_len)
{
	struct kseal_data *d;
	int ret;

	if (blob) {
		if (o->present & ~KSEAL_OPT_LOGON)
			return -EINVAL;
		d = kseal_data_load(blob, blob_len);
	} else {
		if (!(o->present & KSEAL_OPT_WRAP) ||
		    (o->present & ~(KSEAL_OPT_WRAP | KSEAL_OPT_LOGON)))
			return -EINVAL;
		d = kseal_data_new(o);
	}
	if (IS_ERR(d))
		return PTR_ERR(d);
	ret = kseal_data_publish(key, d, o);
	if (ret)
		kseal_data_free(d);
	return ret;
}

/* A new payload with versions first..last of @old (and room for @extra). */
static struct kseal_data *kseal_data_copy(const struct kseal_data *old,
					  u32 first, u32 extra)
{
	u32 count = old->cur - first + 1, i;
	struct kseal_data *d;

	d = kseal_data_alloc(count + extra);
	if (!d)
		return NULL;
	memcpy(d->wrap_id, old->wrap_id, sizeof(d->wrap_id));
	d->wrap_flags = old->wrap_flags;
	d->wrap_lock_pcr = old->wrap_lock_pcr;
	d->key_len = old->key_len;
	d->min = first;
	d->cur = old->cur;
	for (i = 0; i < count; i++) {
		d->v[i].version = old->v[first - old->min + i].version;
		memcpy(d->v[i].key, old->v[first - old->min + i].key,
		       old->key_len);
	}
	return d;
}

/* "update rotate|retire=|rewrap=": key->sem is held for writing. */
static int kseal_data_update(struct key *key, const struct kseal_opts *o)
{
	struct kseal_data *old, *d;
	struct key *sealed;
	int ret;

	old = kseal_data_of(kseal_payload_locked(key));
	switch (o->update) {
	case KSEAL_UPD_ROTATE:
		if (old->count >= KSEAL_VERSIONS_MAX || old->cur == U32_MAX)
			return -ENOSPC;	/* retire old versions first */
		d = kseal_data_copy(old, old->min, 1);
		if (d) {
			d->cur = old->cur + 1;
			d->v[d->count - 1].version = d->cur;
			get_random_bytes(d->v[d->count - 1].key, d->key_len);
		}
		sealed = kseal_registry_find(old->wrap_id);
		break;
	case KSEAL_UPD_RETIRE:
		if (o->retire < old->min || o->retire > old->cur)
			return -EINVAL;
		d = kseal_data_copy(old, o->retire, 0);
		sealed = kseal_registry_find(old->wrap_id);
		break;
	case KSEAL_UPD_REWRAP:
		d = kseal_data_copy(old, old->min, 0);
		sealed = kseal_sealed_find(o->rewrap);
		if (IS_ERR(sealed))
			break;
		ret = kseal_sealed_may_wrap(old->wrap_flags,
					    old->wrap_lock_pcr, sealed);
		if (ret) {
			key_put(sealed);
			sealed = ERR_PTR(ret);
		}
		break;
	default:
		return -EINVAL;	/* reseal: sealed keys only */
	}
	if (IS_ERR(sealed)) {
		ret = PTR_ERR(sealed);
		goto err_free;
	}
	if (!d) {
		key_put(sealed);
		return -ENOMEM;
	}
	ret = kseal_data_wrap(d, sealed);
	key_put(sealed);
	if (ret)
		goto err_free;
	ret = kseal_data_publish(key, d, NULL);
	if (ret)
		goto err_free;
	/* The logon key stays as exported; the old payload goes after RCU. */
	call_rcu(&old->hdr.rcu, kseal_data_free_rcu);
	return 0;

err_free:
	kseal_data_free(d);
	return ret;
}

/* /proc/keys: "data v<cur> min=<min> len=<bytes>". */
static void kseal_data_describe(const struct kseal_payload *p,
				struct seq_file *m)
{
	const struct kseal_data *d = kseal_data_of(p);

	seq_printf(m, "data v%u min=%u len=%u", d->cur, d->min, d->key_len);
}

static void kseal_data_free_payload(struct kseal_payload *p)
{
	kseal_data_free(kseal_data_of(p));
}

const struct kseal_kind_ops kseal_data_ops = {
	.free = kseal_data_free_payload,
	.describe = kseal_data_describe,
	.update = kseal_data_update,
	.revoke = kseal_data_revoke,
	.revoke_sync = kseal_data_revoke_sync,
	.destroy = kseal_data_destroy,
	/* a boot loads thousands: a record each costs more than the load */
	.audit_listed = true,
};
