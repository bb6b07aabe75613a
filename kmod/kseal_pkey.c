// SPDX-License-Identifier: GPL-2.0-only
/*
 * The keyctl pkey_* operations of data keys: pkey_query, pkey_encrypt and
 * pkey_decrypt (AES-256-GCM, kseal_ciphertext.h's format), pkey_sign and
 * pkey_verify (HMAC-SHA256), each version with its own transforms, and
 * the limit on encryptions per version. They give the use of a key
 * without its bytes.
 */
#include <crypto/algapi.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/key-type.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/string.h>

#include "kseal_ciphertext.h"
#include "kseal_crypto.h"
#include "kseal_data.h"
#include "kseal_kdf.h"
#include "kseal_pkey.h"

/* pkey_sign output: the version (big-endian u32), then its HMAC-SHA256. */
#define KSEAL_SIG_SIZE	(4 + KSEAL_MAC_SIZE)

/*
 * A version's transforms are keyed on its first use, not at load: a
 * server loads thousands of data keys at boot and uses few at a time,
 * and a keyed gcm(aes) and hmac(sha256) pair costs kilobytes of memory
 * and most of a load's time. First uses are rare, so one lock serialises
 * them; v->mac, stored last with release semantics, says both are ready.
 */
static DEFINE_MUTEX(kseal_pkey_tfm_lock);

static int kseal_pkey_ver_init(struct kseal_data_ver *v, u32 key_len)
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
	/* Publishes gcm too: pairs with the acquire in kseal_pkey_ver_ready. */
	smp_store_release(&v->mac, mac);
	goto out;

err_free_gcm:
	crypto_free_aead(gcm);
out:
	memzero_explicit(k, sizeof(k));
	return ret;
}

/* Callers hold key->sem for reading: the payload cannot go away. */
static int kseal_pkey_ver_ready(struct kseal_data_ver *v, u32 key_len)
{
	int ret = 0;

	/* Pairs with the release in kseal_pkey_ver_init: gcm is set too. */
	if (smp_load_acquire(&v->mac))
		return 0;
	mutex_lock(&kseal_pkey_tfm_lock);
	if (!v->mac)
		ret = kseal_pkey_ver_init(v, key_len);
	mutex_unlock(&kseal_pkey_tfm_lock);
	return ret;
}

/*
 * pkey_* give the use of the key without its bytes, so they need more
 * than the Search permission the syscall checks: the caller must own the
 * key or be granted Read by its user/group/other permissions.
 */
static int kseal_pkey_permit(const struct key *key)
{
	if (uid_eq(key->uid, current_fsuid()))
		return 0;
	return key_task_permission(make_key_ref(key, false), current_cred(),
				   KEY_NEED_READ);
}

/*
 * May the caller use the key, and are the parameters ours: only the raw
 * encoding; sign/verify hash with sha256 (or say nothing).
 */
static int kseal_pkey_allowed(const struct kernel_pkey_params *params)
{
	int ret;

	ret = kseal_pkey_permit(params->key);
	if (ret)
		return ret;
	if (params->encoding && strcmp(params->encoding, "raw"))
		return -EINVAL;
	if (params->hash_algo && strcmp(params->hash_algo, "sha256"))
		return -EINVAL;
	return 0;
}

int kseal_pkey_query(const struct kernel_pkey_params *params,
		     struct kernel_pkey_query *info)
{
	const struct kseal_payload *p;
	const struct kseal_data *d;
	u32 key_len = 0;
	int ret;

	ret = kseal_pkey_allowed(params);
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
static int kseal_pkey_count_encryption(struct kseal_data_ver *v,
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

static int kseal_pkey_encrypt(struct kseal_data *d,
			      const struct kernel_pkey_params *params,
			      const u8 *in, u8 *out)
{
	struct kseal_data_ver *v = &d->v[d->count - 1];
	u8 nonce[KSEAL_CT_NONCE_SIZE];
	ssize_t size;
	int ret;

	ret = kseal_pkey_ver_ready(v, d->key_len);
	if (ret)
		return ret;
	ret = kseal_pkey_count_encryption(v, params->key);
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

static int kseal_pkey_decrypt(struct kseal_data *d,
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
	ret = kseal_pkey_ver_ready(v, d->key_len);
	if (ret)
		return ret;
	ret = kseal_gcm_open(v->gcm, ct.nonce, ct.aad, KSEAL_CT_AAD_SIZE,
			     ct.body, ct.body_len, ct.tag, out);
	if (ret)
		return ret;
	return ct.body_len;
}

static int kseal_pkey_sign(struct kseal_data *d,
			   const struct kernel_pkey_params *params,
			   const u8 *in, u8 *out)
{
	struct kseal_data_ver *v = &d->v[d->count - 1];
	int ret;

	if (params->out_len < KSEAL_SIG_SIZE)
		return -EOVERFLOW;
	ret = kseal_pkey_ver_ready(v, d->key_len);
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
static struct kseal_data *kseal_pkey_data(struct key *key)
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

int kseal_pkey_eds_op(struct kernel_pkey_params *params,
		      const void *in, void *out)
{
	struct kseal_data *d;
	int ret;

	ret = kseal_pkey_allowed(params);
	if (ret)
		return ret;
	down_read(&params->key->sem);
	d = kseal_pkey_data(params->key);
	if (IS_ERR(d)) {
		ret = PTR_ERR(d);
		goto out_unlock;
	}
	switch (params->op) {
	case kernel_pkey_encrypt:
		ret = kseal_pkey_encrypt(d, params, in, out);
		break;
	case kernel_pkey_decrypt:
		ret = kseal_pkey_decrypt(d, params, in, out);
		break;
	case kernel_pkey_sign:
		ret = kseal_pkey_sign(d, params, in, out);
		break;
	default:
		ret = -EOPNOTSUPP;
	}
out_unlock:
	up_read(&params->key->sem);
	return ret;
}

int kseal_pkey_verify(struct kernel_pkey_params *params,
		      const void *in, const void *in2)
{
	u8 mac[KSEAL_MAC_SIZE];
	struct kseal_data_ver *v;
	struct kseal_data *d;
	const u8 *sig = in2;
	u32 version;
	int ret;

	ret = kseal_pkey_allowed(params);
	if (ret)
		return ret;
	if (params->in2_len != KSEAL_SIG_SIZE)
		return -EKEYREJECTED;
	version = get_unaligned_be32(sig);
	down_read(&params->key->sem);
	d = kseal_pkey_data(params->key);
	if (IS_ERR(d)) {
		ret = PTR_ERR(d);
		goto out_unlock;
	}
	if (version < d->min || version > d->cur) {
		ret = -EKEYREJECTED;
		goto out_unlock;
	}
	v = &d->v[version - d->min];
	ret = kseal_pkey_ver_ready(v, d->key_len);
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
