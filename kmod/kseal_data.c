// SPDX-License-Identifier: GPL-2.0-only
/*
 * Data keys: create, load, rotate, retire and rewrap, and their use by
 * keyctl pkey_* (AES-256-GCM encrypt/decrypt, HMAC-SHA256 sign/verify).
 * The plaintext of every version lives only in the payload; updates build
 * a new payload and swap it in under RCU, so readers never see a partial
 * one. A data key does not keep its sealed key: only load, rotate and
 * rewrap (which write a blob) need the sealed key to be loaded.
 */
#include <crypto/algapi.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/key-type.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kseal/version.h>

#include "kseal_ciphertext.h"
#include "kseal_crypto.h"
#include "kseal_data.h"
#include "kseal_datablob.h"
#include "kseal_kdf.h"
#include "kseal_logon.h"
#include "kseal_registry.h"
#include "kseal_sealed.h"

/* pkey_sign output: the version (big-endian u32), then its HMAC-SHA256. */
#define KSEAL_SIG_SIZE	(4 + KSEAL_MAC_SIZE)

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

/*
 * A version's transforms are keyed on its first use, not at load: a
 * server loads thousands of data keys at boot and uses few at a time,
 * and a keyed gcm(aes) and hmac(sha256) pair costs kilobytes of memory
 * and most of a load's time. First uses are rare, so one lock serialises
 * them; v->mac, stored last with release semantics, says both are ready.
 */
static DEFINE_MUTEX(kseal_data_tfm_lock);

static int kseal_data_ver_init(struct kseal_data_ver *v, u32 key_len)
{
	struct crypto_shash *mac;
	struct crypto_aead *gcm;
	u8 k[KSEAL_KDF_SIZE];
	int ret;

	ret = kseal_kdf(v->key, key_len, "kseal enc v1", k);
	if (ret)
		goto out;
	gcm = kseal_gcm_new(k);
	if (IS_ERR(gcm)) {
		ret = PTR_ERR(gcm);
		goto out;
	}
	ret = kseal_kdf(v->key, key_len, "kseal mac v1", k);
	if (ret)
		goto err_free_gcm;
	mac = kseal_hmac_new(k, sizeof(k));
	if (IS_ERR(mac)) {
		ret = PTR_ERR(mac);
		goto err_free_gcm;
	}
	v->gcm = gcm;
	/* Publishes gcm too: pairs with the acquire in kseal_data_ver_ready. */
	smp_store_release(&v->mac, mac);
	goto out;

err_free_gcm:
	crypto_free_aead(gcm);
out:
	memzero_explicit(k, sizeof(k));
	return ret;
}

/* Callers hold key->sem for reading: the payload cannot go away. */
static int kseal_data_ver_ready(struct kseal_data_ver *v, u32 key_len)
{
	int ret = 0;

	/* Pairs with the release in kseal_data_ver_init: gcm is set too. */
	if (smp_load_acquire(&v->mac))
		return 0;
	mutex_lock(&kseal_data_tfm_lock);
	if (!v->mac)
		ret = kseal_data_ver_init(v, key_len);
	mutex_unlock(&kseal_data_tfm_lock);
	return ret;
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

	b = kzalloc(sizeof(*b), GFP_KERNEL);
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
	struct kseal_data_blob *b;
	struct kseal_data *d;
	struct key *sealed;
	int ret;

	b = kmalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	ret = kseal_data_blob_parse(blob, blob_len, b);
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

/* Transforms for every version, then the payload goes live. */
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
};

/*
 * pkey_* give the use of the key without its bytes, so they need more
 * than the Search permission the syscall checks: the caller must own the
 * key or be granted Read by its user/group/other permissions.
 */
static int kseal_data_permit(const struct key *key)
{
	if (uid_eq(key->uid, current_fsuid()))
		return 0;
	return key_task_permission(make_key_ref(key, false), current_cred(),
				   KEY_NEED_READ);
}

/* Only the raw encoding; sign/verify hash with sha256 (or say nothing). */
static int kseal_data_params_ok(const struct kernel_pkey_params *params)
{
	if (params->encoding && strcmp(params->encoding, "raw"))
		return -EINVAL;
	if (params->hash_algo && strcmp(params->hash_algo, "sha256"))
		return -EINVAL;
	return 0;
}

int kseal_data_asym_query(const struct kernel_pkey_params *params,
			  struct kernel_pkey_query *info)
{
	const struct kseal_payload *p;
	const struct kseal_data *d;
	u32 key_len = 0;
	int ret;

	ret = kseal_data_permit(params->key);
	if (ret)
		return ret;
	ret = kseal_data_params_ok(params);
	if (ret)
		return ret;
	rcu_read_lock();
	p = rcu_dereference(params->key->payload.rcu_data0);
	d = kseal_data_of(p);
	if (!p)
		ret = -EKEYREVOKED;
	else if (!d)
		ret = -EOPNOTSUPP;
	else
		key_len = d->key_len;
	rcu_read_unlock();
	if (ret)
		return ret;
	memset(info, 0, sizeof(*info));
	info->supported_ops = KEYCTL_SUPPORTS_ENCRYPT | KEYCTL_SUPPORTS_DECRYPT |
			      KEYCTL_SUPPORTS_SIGN | KEYCTL_SUPPORTS_VERIFY;
	info->key_size = key_len * 8;
	info->max_data_size = KSEAL_CT_PLAIN_MAX;
	info->max_sig_size = KSEAL_SIG_SIZE;
	/*
	 * keyctl sizes its buffers from these and checks both directions
	 * against them, so both are the larger (ciphertext) size; encrypt
	 * itself refuses plaintexts above KSEAL_CT_PLAIN_MAX.
	 */
	info->max_enc_size = KSEAL_CT_MAX;
	info->max_dec_size = KSEAL_CT_MAX;
	return 0;
}

/*
 * Encryptions allowed per version and payload: 2^32, the bound for random
 * 96-bit GCM nonces (NIST SP 800-38D 8.3). Root may lower it, for tests;
 * never raise it.
 */
#define KSEAL_ENCRYPT_LIMIT_MAX	BIT_ULL(32)

static unsigned long long kseal_encrypt_limit = KSEAL_ENCRYPT_LIMIT_MAX;

static int kseal_encrypt_limit_set(const char *val,
				   const struct kernel_param *kp)
{
	unsigned long long n;

	if (kstrtoull(val, 0, &n) || !n || n > KSEAL_ENCRYPT_LIMIT_MAX)
		return -EINVAL;
	WRITE_ONCE(kseal_encrypt_limit, n);
	return 0;
}

static const struct kernel_param_ops kseal_encrypt_limit_ops = {
	.set = kseal_encrypt_limit_set,
	.get = param_get_ullong,
};

module_param_cb(encrypt_limit, &kseal_encrypt_limit_ops,
		&kseal_encrypt_limit, 0644);
MODULE_PARM_DESC(encrypt_limit,
		 "pkey_encrypt calls per data key version and load, 1..2^32 (default 2^32)");

/*
 * Counts the encryption about to be made with @v; -EKEYEXPIRED past the
 * limit. Concurrent callers hold key->sem for reading only: the counter is
 * atomic, and one over the limit is refused whatever the others do.
 */
static int kseal_data_count_encryption(struct kseal_data_ver *v,
				       const struct key *key)
{
	u64 limit = READ_ONCE(kseal_encrypt_limit);

	if (atomic64_inc_return(&v->encryptions) <= limit)
		return 0;
	atomic64_dec(&v->encryptions);
	pr_warn_ratelimited("data key %d: version %u reached its limit of %llu encryptions (random GCM nonces): rotate it (keyctl update %d \"update rotate\")\n",
			    key_serial(key), v->version, limit, key_serial(key));
	return -EKEYEXPIRED;
}

static int kseal_data_encrypt(struct kseal_data *d,
			      const struct kernel_pkey_params *params,
			      const u8 *in, u8 *out)
{
	struct kseal_data_ver *v = &d->v[d->count - 1];
	u8 nonce[KSEAL_CT_NONCE_SIZE];
	ssize_t size;
	int ret;

	ret = kseal_data_ver_ready(v, d->key_len);
	if (ret)
		return ret;
	ret = kseal_data_count_encryption(v, params->key);
	if (ret)
		return ret;
	get_random_bytes(nonce, sizeof(nonce));
	size = kseal_ct_write_header(out, params->out_len, v->version, nonce,
				     params->in_len);
	if (size < 0)
		return size == -ENOSPC ? -EOVERFLOW : size;
	ret = kseal_gcm_seal(v->gcm, nonce, out, KSEAL_CT_AAD_SIZE, in,
			     params->in_len, out + KSEAL_CT_HDR_SIZE);
	if (ret)
		return ret;
	return size;
}

static int kseal_data_decrypt(struct kseal_data *d,
			      const struct kernel_pkey_params *params,
			      const u8 *in, u8 *out)
{
	struct kseal_data_ver *v;
	struct kseal_ct ct;
	int ret;

	ret = kseal_ct_parse(in, params->in_len, &ct);
	if (ret)
		return ret;
	if (ct.version < d->min)
		return -EKEYREJECTED;	/* retired version */
	if (ct.version > d->cur)
		return -EBADMSG;
	if (params->out_len < ct.body_len)
		return -EOVERFLOW;
	v = &d->v[ct.version - d->min];
	ret = kseal_data_ver_ready(v, d->key_len);
	if (ret)
		return ret;
	ret = kseal_gcm_open(v->gcm, ct.nonce, ct.aad, KSEAL_CT_AAD_SIZE,
			     ct.body, ct.body_len, ct.tag, out);
	if (ret)
		return ret;
	return ct.body_len;
}

static int kseal_data_sign(struct kseal_data *d,
			   const struct kernel_pkey_params *params,
			   const u8 *in, u8 *out)
{
	struct kseal_data_ver *v = &d->v[d->count - 1];
	int ret;

	if (params->out_len < KSEAL_SIG_SIZE)
		return -EOVERFLOW;
	ret = kseal_data_ver_ready(v, d->key_len);
	if (ret)
		return ret;
	put_unaligned_be32(v->version, out);
	ret = kseal_hmac(v->mac, in, params->in_len, out + 4);
	if (ret)
		return ret;
	return KSEAL_SIG_SIZE;
}

/*
 * The data payload of @key or an ERR_PTR; the caller holds key->sem
 * (updates swap it).
 */
static struct kseal_data *kseal_data_get(struct key *key)
{
	struct kseal_payload *p = dereference_key_locked(key);
	struct kseal_data *d;

	if (!p)
		return ERR_PTR(-EKEYREVOKED);
	d = kseal_data_of(p);
	if (!d)
		return ERR_PTR(-EOPNOTSUPP);
	return d;
}

int kseal_data_asym_eds_op(struct kernel_pkey_params *params,
			   const void *in, void *out)
{
	struct kseal_data *d;
	int ret;

	ret = kseal_data_permit(params->key);
	if (ret)
		return ret;
	ret = kseal_data_params_ok(params);
	if (ret)
		return ret;
	down_read(&params->key->sem);
	d = kseal_data_get(params->key);
	if (IS_ERR(d)) {
		ret = PTR_ERR(d);
		goto out_unlock;
	}
	switch (params->op) {
	case kernel_pkey_encrypt:
		ret = kseal_data_encrypt(d, params, in, out);
		break;
	case kernel_pkey_decrypt:
		ret = kseal_data_decrypt(d, params, in, out);
		break;
	case kernel_pkey_sign:
		ret = kseal_data_sign(d, params, in, out);
		break;
	default:
		ret = -EOPNOTSUPP;
	}
out_unlock:
	up_read(&params->key->sem);
	return ret;
}

int kseal_data_asym_verify(struct kernel_pkey_params *params,
			   const void *in, const void *in2)
{
	u8 mac[KSEAL_MAC_SIZE];
	struct kseal_data_ver *v;
	struct kseal_data *d;
	const u8 *sig = in2;
	u32 version;
	int ret;

	ret = kseal_data_permit(params->key);
	if (ret)
		return ret;
	ret = kseal_data_params_ok(params);
	if (ret)
		return ret;
	if (params->in2_len != KSEAL_SIG_SIZE)
		return -EKEYREJECTED;
	version = get_unaligned_be32(sig);
	down_read(&params->key->sem);
	d = kseal_data_get(params->key);
	if (IS_ERR(d)) {
		ret = PTR_ERR(d);
		goto out_unlock;
	}
	if (version < d->min || version > d->cur) {
		ret = -EKEYREJECTED;
		goto out_unlock;
	}
	v = &d->v[version - d->min];
	ret = kseal_data_ver_ready(v, d->key_len);
	if (ret)
		goto out_unlock;
	ret = kseal_hmac(v->mac, in, params->in_len, mac);
	if (ret)
		goto out_unlock;
	if (crypto_memneq(mac, sig + 4, sizeof(mac)))
		ret = -EKEYREJECTED;
out_unlock:
	up_read(&params->key->sem);
	memzero_explicit(mac, sizeof(mac));
	return ret;
}
