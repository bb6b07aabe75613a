// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sealed keys: create, load (unseal), reseal and lock.
 *
 * TPM commands per operation, counted in debugfs (kseal_debugfs.c):
 *   new     ReadPublic, PCR_Read, GetRandom (one per 32 bytes), Create: 4
 *           for a key of up to 32 bytes and up to 8 PCRs
 *   load    Load, StartAuthSession, PolicyPCR, Unseal, FlushContext: 5;
 *           a blob with a recovery branch adds PolicyOR: 6; with the
 *           recovery passphrase PolicyPassword replaces PolicyPCR: 6
 *   reseal  ReadPublic, PCR_Read, Create: 3
 *   lock    PCR_Extend: 1
 * The policy session ends with the successful Unseal (continueSession
 * clear); on every failure path the session and the loaded object are
 * flushed explicitly.
 */
#include <crypto/algapi.h>
#include <crypto/sha2.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <kseal/version.h>

#include "kseal_blob.h"
#include "kseal_crypto.h"
#include "kseal_kdf.h"
#include "kseal_policy.h"
#include "kseal_sealed.h"
#include "kseal_stats.h"
#include "kseal_tpm2.h"

/* Label of the key id that blobs carry and data blobs refer to. */
#define KSEAL_ID_LABEL		"kseal id v1"
/* Label of the key that wraps data keys. */
#define KSEAL_WRAP_LABEL	"kseal wrap v1"
/* Whole policy sessions tried when the PCRs change during one. */
#define KSEAL_PCR_RETRIES	3

/* Loaded sealed keys by id, so that data blobs find their wrapping key. */
struct kseal_reg {
	struct list_head node;
	struct key *key;
	u8 id[KSEAL_SEALED_ID_SIZE];
	struct kseal_wrap *wrap;	/* made on first use; a reference */
};

static LIST_HEAD(kseal_registry);
static DEFINE_MUTEX(kseal_registry_lock);
static atomic_t kseal_locked = ATOMIC_INIT(0);
/* Locks begun this module's life: keys made after one may be root's. */
static atomic_t kseal_locks_begun = ATOMIC_INIT(0);

struct kseal_sealed {
	struct kseal_payload hdr;
	u32 flags;		/* KSEAL_BLOB_F_* of the blob */
	u32 pcr_mask;
	u32 parent;
	u32 lock_pcr;
	/* Created or loaded after a lock of this boot: root may know it. */
	bool after_lock;
	u8 id[KSEAL_SEALED_ID_SIZE];
	u32 secret_len;
	u8 secret[KSEAL_SEALED_KEY_MAX];
};

static const struct kseal_kind_ops kseal_sealed_ops;

/* The sealed payload @p is, or NULL for another kind's (or none). */
static struct kseal_sealed *kseal_sealed_of(const struct kseal_payload *p)
{
	if (!p || p->ops != &kseal_sealed_ops)
		return NULL;
	return container_of(p, struct kseal_sealed, hdr);
}

static void kseal_sealed_free(struct kseal_sealed *s)
{
	if (!s)
		return;
	kfree(s->hdr.blob);
	kfree_sensitive(s);
}

/* Opens the TPM for an operation whose policy reads the sha256 bank. */
static int kseal_tpm_open(struct kseal_tpm2 *t, bool need_sha256)
{
	int ret = kseal_tpm2_open(t);

	if (ret == -ENODEV)
		pr_err_ratelimited("no TPM 2.0 chip: sealed keys need one\n");
	if (ret || !need_sha256 || kseal_tpm2_has_sha256(t))
		return ret;
	kseal_tpm2_close(t);
	pr_err_ratelimited("the TPM has no sha256 PCR bank: allocate one (tpm2 pcrallocate) and reboot\n");
	return -EOPNOTSUPP;
}

/*
 * The object's authValue for the recovery branch: sha256 of the
 * passphrase, so any passphrase length fits the 32-byte limit. The TPM
 * drops trailing zero octets of an authValue; drop them the same way.
 */
static u16 kseal_recovery_auth(const char *pass, size_t len, u8 *auth)
{
	u16 n = SHA256_DIGEST_SIZE;

	sha256((const u8 *)pass, len, auth);
	while (n && !auth[n - 1])
		n--;
	return n;
}

/*
 * The Name of the parent at @handle, last read from the TPM. Loads compare
 * a blob's parent Name with it before TPM2_Load, without a ReadPublic each
 * time; a stale entry costs nothing in safety: the TPM's Load still fails
 * for a blob of another parent, and that failure reads the Name again.
 */
static struct {
	struct mutex lock;	/* protects the fields below */
	u32 handle;
	u8 name[KSEAL_NAME_MAX];
} kseal_parent_cache = { .lock = __MUTEX_INITIALIZER(kseal_parent_cache.lock) };

static void kseal_parent_cache_set(u32 handle, const u8 *name)
{
	mutex_lock(&kseal_parent_cache.lock);
	kseal_parent_cache.handle = name ? handle : 0;
	if (name)
		memcpy(kseal_parent_cache.name, name, KSEAL_NAME_MAX);
	mutex_unlock(&kseal_parent_cache.lock);
}

static bool kseal_parent_cache_has(u32 handle, const u8 *name)
{
	bool ret;

	mutex_lock(&kseal_parent_cache.lock);
	ret = kseal_parent_cache.handle == handle &&
	      !memcmp(kseal_parent_cache.name, name, KSEAL_NAME_MAX);
	mutex_unlock(&kseal_parent_cache.lock);
	return ret;
}

/* Reads the Name of the parent at @handle (KSEAL_NAME_MAX bytes). */
static int kseal_parent_name(struct kseal_tpm2 *t, u32 handle, u8 *name)
{
	u16 len;
	int ret;

	ret = kseal_tpm2_read_public(t, handle, name, &len, KSEAL_NAME_MAX);
	if (ret == -ENOKEY)
		pr_err_ratelimited("no parent storage key at 0x%08x: run 'ksealctl provision' (or this TPM was shredded)\n",
				   handle);
	if (ret)
		goto out;
	if (len != KSEAL_NAME_MAX ||
	    get_unaligned_be16(name) != KSEAL_TPM_ALG_SHA256) {
		pr_err_ratelimited("the key at 0x%08x has no sha256 name: not a kseal parent\n",
				   handle);
		ret = -ENOKEY;
	}
out:
	kseal_parent_cache_set(handle, ret ? NULL : name);
	return ret;
}

/* The blob's parent must be the key at its handle, before TPM2_Load. */
static int kseal_parent_check(struct kseal_tpm2 *t,
			      const struct kseal_sealed_blob *b)
{
	u8 name[KSEAL_NAME_MAX];
	int ret;

	if (kseal_parent_cache_has(b->parent_handle, b->parent_name))
		return 0;
	ret = kseal_parent_name(t, b->parent_handle, name);
	if (ret)
		return ret;
	if (memcmp(name, b->parent_name, KSEAL_NAME_MAX)) {
		pr_err_ratelimited("the key at 0x%08x is not the parent this blob was sealed under (another machine, a re-provisioned TPM or a damaged blob)\n",
				   b->parent_handle);
		return -ENOKEY;
	}
	return 0;
}

/*
 * The blob's PCR digest over the PCR values of now and its object policy.
 * A lock-bound policy binds the lock PCR to its boot value, zero: sealing
 * is refused once it moved (locked this boot, or extended by other
 * software), and since the values are read in the same hold of the TPM as
 * the Create that follows, a lock cannot slip in between.
 */
static int kseal_policies(struct kseal_tpm2 *t, struct kseal_sealed_blob *b)
{
	static const u8 zero[KSEAL_POLICY_SIZE];
	u8 pcr_branch[KSEAL_POLICY_SIZE], recovery_branch[KSEAL_POLICY_SIZE];
	u32 n = hweight32(b->pcr_mask), lock_bit = 0, others;
	u8 *values, *lock_value;
	int ret;

	values = kmalloc_array(n, KSEAL_POLICY_SIZE, GFP_KERNEL);
	if (!values)
		return -ENOMEM;
	ret = kseal_tpm2_pcr_read(t, b->pcr_mask, values, n * KSEAL_POLICY_SIZE);
	if (ret)
		goto out;
	if (b->flags & KSEAL_BLOB_F_LOCK) {
		lock_bit = BIT(b->lock_pcr);
		/* Values are in ascending PCR order. */
		lock_value = values + KSEAL_POLICY_SIZE *
			     hweight32(b->pcr_mask & (lock_bit - 1));
		if (memcmp(lock_value, zero, KSEAL_POLICY_SIZE)) {
			pr_err_ratelimited("PCR %u is not at its boot value (zero): it was locked this boot or extended by other software; seal keys bound to it before the lock, or choose another lock PCR\n",
					   b->lock_pcr);
			ret = -EBUSY;
			goto out;
		}
		/* The PCR digest covers the other PCRs: drop the lock PCR's. */
		memmove(lock_value, lock_value + KSEAL_POLICY_SIZE,
			values + n * KSEAL_POLICY_SIZE -
			(lock_value + KSEAL_POLICY_SIZE));
		n--;
	}
	others = b->pcr_mask & ~lock_bit;
	memset(b->pcr_policy, 0, sizeof(b->pcr_policy));
	if (others) {
		ret = kseal_policy_pcr(zero, others, values, n, b->pcr_policy);
		if (ret)
			goto out;
	}
	ret = kseal_sealed_blob_branches(b, pcr_branch, recovery_branch,
					 b->auth_policy);
out:
	kfree(values);
	return ret;
}

struct kseal_seal_req {
	const u8 *secret;
	u32 secret_len;
	const u8 *id;
	u32 parent;
	u32 pcr_mask;
	u32 flags;
	u32 lock_pcr;
	const char *pass;
	size_t pass_len;
};

/* Seals r->secret now; on success *blob is a new kmalloc'ed blob. */
static int kseal_seal(struct kseal_tpm2 *t, const struct kseal_seal_req *r,
		      u8 **blob, u32 *blob_len)
{
	bool recovery = r->flags & KSEAL_BLOB_F_RECOVERY;
	u8 auth[SHA256_DIGEST_SIZE];
	struct kseal_sealed_blob *b;
	u8 *data = NULL;
	u16 auth_len = 0;
	ssize_t n;
	size_t size;
	int ret;

	if (r->secret_len > KSEAL_SEALED_NEW_MAX)
		return -EINVAL;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	data = kmalloc(KSEAL_SEALED_KEY_MAX, GFP_KERNEL);
	if (!b || !data) {
		ret = -ENOMEM;
		goto out;
	}
	b->creator_version = KSEAL_VERSION_CODE;
	b->flags = r->flags | KSEAL_BLOB_F_POLICY2;
	b->parent_handle = r->parent;
	b->pcr_mask = r->pcr_mask;
	b->lock_pcr = (r->flags & KSEAL_BLOB_F_LOCK) ? r->lock_pcr : 0;
	memcpy(b->key_id, r->id, KSEAL_SEALED_ID_SIZE);

	ret = kseal_parent_name(t, r->parent, b->parent_name);
	if (ret)
		goto out;
	b->parent_name_len = KSEAL_NAME_MAX;
	ret = kseal_policies(t, b);
	if (ret)
		goto out;
	if (recovery)
		auth_len = kseal_recovery_auth(r->pass, r->pass_len, auth);
	/* The TPM keeps the header's digest with the secret (blob.h). */
	memcpy(data, r->secret, r->secret_len);
	kseal_sealed_blob_hdr_digest(b, data + r->secret_len);
	b->public_len = sizeof(b->public_area);
	b->private_len = sizeof(b->private_area);
	ret = kseal_tpm2_create_sealed(t, r->parent, data,
				       r->secret_len + KSEAL_DIGEST_SIZE,
				       auth, auth_len, b->auth_policy,
				       b->public_area, &b->public_len,
				       b->private_area, &b->private_len);
	if (ret)
		goto out;
	size = kseal_sealed_blob_size(b);
	if (!size) {
		ret = -EBADMSG;	/* the TPM returned empty areas */
		goto out;
	}
	*blob = kmalloc(size, GFP_KERNEL);
	if (!*blob) {
		ret = -ENOMEM;
		goto out;
	}
	n = kseal_sealed_blob_write(b, *blob, size);
	if (n < 0) {
		kfree(*blob);
		*blob = NULL;
		ret = n;
		goto out;
	}
	*blob_len = n;
out:
	memzero_explicit(auth, sizeof(auth));
	kfree_sensitive(data);
	kfree(b);
	return ret;
}

static int kseal_sealed_attach(struct key *key, struct kseal_sealed *s)
{
	struct kseal_reg *reg;
	int ret;

	reg = kzalloc(sizeof(*reg), GFP_KERNEL);
	if (!reg)
		return -ENOMEM;
	ret = key_payload_reserve(key, sizeof(*s) + s->hdr.blob_len);
	if (ret) {
		kfree(reg);
		return ret;
	}
	reg->key = key;
	memcpy(reg->id, s->id, sizeof(reg->id));
	mutex_lock(&kseal_registry_lock);
	list_add(&reg->node, &kseal_registry);
	key->payload.data[KSEAL_SLOT_REG] = reg;
	mutex_unlock(&kseal_registry_lock);
	rcu_assign_keypointer(key, s);
	return 0;
}

/* Leave the registry (revoke, destroy); safe to call twice. */
static void kseal_sealed_forget(struct key *key)
{
	struct kseal_reg *reg;

	mutex_lock(&kseal_registry_lock);
	reg = key->payload.data[KSEAL_SLOT_REG];
	if (reg) {
		list_del(&reg->node);
		key->payload.data[KSEAL_SLOT_REG] = NULL;
	}
	mutex_unlock(&kseal_registry_lock);
	if (reg)
		kseal_wrap_put(reg->wrap);
	kfree(reg);
}

void kseal_wrap_put(struct kseal_wrap *w)
{
	if (w && refcount_dec_and_test(&w->ref)) {
		crypto_free_aead(w->gcm);
		kfree(w);
	}
}

static struct kseal_wrap *kseal_wrap_new(struct key *key)
{
	struct kseal_wrap *w;
	u8 wk[KSEAL_KDF_SIZE];
	int ret;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return ERR_PTR(-ENOMEM);
	refcount_set(&w->ref, 1);
	ret = kseal_sealed_derive(key, KSEAL_WRAP_LABEL, wk);
	if (ret)
		goto err_free;
	w->gcm = kseal_gcm_new(wk);
	if (IS_ERR(w->gcm)) {
		ret = PTR_ERR(w->gcm);
		goto err_free;
	}
	memzero_explicit(wk, sizeof(wk));
	return w;

err_free:
	memzero_explicit(wk, sizeof(wk));
	kfree(w);
	return ERR_PTR(ret);
}

struct kseal_wrap *kseal_sealed_wrap_get(struct key *key)
{
	struct kseal_wrap *w;
	struct kseal_reg *reg;

	mutex_lock(&kseal_registry_lock);
	reg = key->payload.data[KSEAL_SLOT_REG];
	if (!reg) {
		w = ERR_PTR(-EKEYREVOKED);
		goto out_unlock;
	}
	if (!reg->wrap) {
		w = kseal_wrap_new(key);
		if (IS_ERR(w))
			goto out_unlock;
		reg->wrap = w;
	}
	w = reg->wrap;
	refcount_inc(&w->ref);
out_unlock:
	mutex_unlock(&kseal_registry_lock);
	return w;
}

int kseal_sealed_new(struct key *key, const struct kseal_opts *o)
{
	struct kseal_seal_req req = { 0 };
	struct kseal_sealed *s;
	struct kseal_tpm2 t;
	u8 *mix;
	u32 i;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	mix = kmalloc(o->key_len, GFP_KERNEL);
	if (!s || !mix) {
		ret = -ENOMEM;
		goto out;
	}
	s->hdr.ops = &kseal_sealed_ops;
	if (o->key_len > KSEAL_SEALED_NEW_MAX) {
		pr_info_ratelimited("a new sealed key holds at most %u bytes\n",
				    KSEAL_SEALED_NEW_MAX);
		ret = -EINVAL;
		goto out;
	}
	s->secret_len = o->key_len;
	s->parent = o->parent;
	s->pcr_mask = o->pcr_mask;
	s->flags = KSEAL_BLOB_F_POLICY2;
	if (o->present & KSEAL_OPT_RECOVERY)
		s->flags |= KSEAL_BLOB_F_RECOVERY;
	if (o->present & KSEAL_OPT_LOCK) {
		s->flags |= KSEAL_BLOB_F_LOCK;
		s->lock_pcr = o->lock_pcr;
	}

	ret = kseal_tpm_open(&t, true);
	if (ret)
		goto out;
	/* Neither RNG alone has to be trusted: the secret mixes both. */
	ret = kseal_tpm2_get_random(&t, s->secret, s->secret_len);
	if (ret)
		goto out_close;
	get_random_bytes(mix, s->secret_len);
	for (i = 0; i < s->secret_len; i++)
		s->secret[i] ^= mix[i];
	ret = kseal_kdf(s->secret, s->secret_len, KSEAL_ID_LABEL, s->id);
	if (ret)
		goto out_close;
	req.secret = s->secret;
	req.secret_len = s->secret_len;
	req.id = s->id;
	req.parent = s->parent;
	req.pcr_mask = s->pcr_mask;
	req.flags = s->flags;
	req.lock_pcr = s->lock_pcr;
	req.pass = o->recovery;
	req.pass_len = o->recovery_len;
	ret = kseal_seal(&t, &req, &s->hdr.blob, &s->hdr.blob_len);
out_close:
	kseal_tpm2_close(&t);
	if (ret)
		goto out;
	s->after_lock = atomic_read(&kseal_locks_begun);
	ret = kseal_sealed_attach(key, s);
	if (ret)
		goto out;
	atomic64_inc(&kseal_stats.creates);
	s = NULL;
out:
	kfree_sensitive(mix);
	kseal_sealed_free(s);
	return ret;
}

/*
 * Load refused a blob whose parent Name matched the cache: read the Name
 * again to tell a replaced or missing parent from a damaged blob.
 */
static int kseal_load_failed(struct kseal_tpm2 *t,
			     const struct kseal_sealed_blob *b, int err)
{
	int ret;

	if (err != -EBADMSG && err != -ENOKEY)
		return err;
	kseal_parent_cache_set(0, NULL);
	ret = kseal_parent_check(t, b);
	/* No readable parent after a refused Load: none, for this blob. */
	if (ret == -EBADMSG)
		ret = -ENOKEY;
	if (ret)
		return ret;
	pr_err_ratelimited("the TPM refused the blob's sealed object: the blob is damaged\n");
	return err;
}

/*
 * After the lock no recovery: generation 2 policies make the TPM refuse
 * it; generation 1 ones do not, so the kernel refuses them itself.
 */
static int kseal_recovery_allowed(struct kseal_tpm2 *t,
				  const struct kseal_sealed_blob *b)
{
	static const u8 zero[KSEAL_POLICY_SIZE];
	u8 value[KSEAL_POLICY_SIZE];
	int ret;

	if (!(b->flags & KSEAL_BLOB_F_LOCK))
		return 0;
	ret = kseal_tpm2_pcr_read(t, BIT(b->lock_pcr), value, sizeof(value));
	if (ret)
		return ret;
	if (!memcmp(value, zero, sizeof(value)))
		return 0;
	pr_err_ratelimited("recovery refused: PCR %u is locked; the recovery passphrase works only before the lock (at boot)\n",
			   b->lock_pcr);
	return -EPERM;
}

/*
 * The policy commands of one branch (include/kseal/blob.h, "Policies"):
 * the PCRs other than the lock PCR, then the lock PCR at its boot value.
 */
static int kseal_policy_session(struct kseal_tpm2 *t,
				const struct kseal_sealed_blob *b, u32 session,
				bool recovery)
{
	bool gen2_lock = (b->flags & KSEAL_BLOB_F_POLICY2) &&
			 (b->flags & KSEAL_BLOB_F_LOCK);
	u32 lock_bit = gen2_lock ? BIT(b->lock_pcr) : 0;
	u8 pcr_branch[KSEAL_POLICY_SIZE], recovery_branch[KSEAL_POLICY_SIZE];
	u8 auth_policy[KSEAL_POLICY_SIZE];
	int ret;

	if (!recovery && (b->pcr_mask & ~lock_bit)) {
		ret = kseal_tpm2_policy_pcr(t, session, b->pcr_mask & ~lock_bit);
		if (ret)
			return ret;
	}
	if (lock_bit) {
		ret = kseal_tpm2_policy_pcr(t, session, lock_bit);
		if (ret)
			return ret;
	}
	if (recovery) {
		ret = kseal_tpm2_policy_password(t, session);
		if (ret)
			return ret;
	}
	if (!(b->flags & KSEAL_BLOB_F_RECOVERY))
		return 0;
	ret = kseal_sealed_blob_branches(b, pcr_branch, recovery_branch,
					 auth_policy);
	if (ret)
		return ret;
	return kseal_tpm2_policy_or(t, session, pcr_branch, recovery_branch);
}

/* One policy session: on success the TPM has already ended it. */
static int kseal_unseal_session(struct kseal_tpm2 *t,
				const struct kseal_sealed_blob *b, u32 item,
				const u8 *auth, u16 auth_len, u8 *out,
				u16 *out_len)
{
	u32 session;
	int ret;

	ret = kseal_tpm2_start_policy_session(t, &session);
	if (ret)
		return ret;
	ret = kseal_policy_session(t, b, session, auth_len);
	if (ret)
		goto err_flush;
	ret = kseal_tpm2_unseal(t, item, session, auth, auth_len, out,
				KSEAL_SEALED_KEY_MAX, out_len);
	if (ret)
		goto err_flush;
	return 0;

err_flush:
	kseal_tpm2_flush(t, session);
	return ret;
}

/*
 * A generation 2 object holds the secret and the digest of the header it
 * was sealed with: any header field changed since is refused here.
 */
static int kseal_unsealed_split(const struct kseal_sealed_blob *b, u8 *out,
				u16 *n)
{
	u8 digest[KSEAL_DIGEST_SIZE];

	if (!(b->flags & KSEAL_BLOB_F_POLICY2))
		return 0;
	if (*n < KSEAL_SEALED_KEY_MIN + KSEAL_DIGEST_SIZE)
		return -EBADMSG;
	*n -= KSEAL_DIGEST_SIZE;
	kseal_sealed_blob_hdr_digest(b, digest);
	if (crypto_memneq(digest, out + *n, sizeof(digest))) {
		pr_err_ratelimited("the blob's header differs from the one sealed with the key: the blob was damaged or altered\n");
		return -EBADMSG;
	}
	memzero_explicit(out + *n, KSEAL_DIGEST_SIZE);
	return 0;
}

static int kseal_unseal(struct kseal_tpm2 *t, const struct kseal_sealed_blob *b,
			const struct kseal_opts *o, u8 *out, u32 *out_len)
{
	bool recovery = o->present & KSEAL_OPT_RECOVERY;
	u8 auth[SHA256_DIGEST_SIZE];
	u16 auth_len = 0, n = 0;
	u32 item;
	int ret, tries;

	ret = kseal_parent_check(t, b);
	if (ret)
		return ret;
	if (recovery && !(b->flags & KSEAL_BLOB_F_POLICY2)) {
		ret = kseal_recovery_allowed(t, b);
		if (ret)
			return ret;
	}
	ret = kseal_tpm2_load(t, b->parent_handle, b->public_area,
			      b->public_len, b->private_area, b->private_len,
			      &item);
	if (ret)
		return kseal_load_failed(t, b, ret);
	if (recovery)
		auth_len = kseal_recovery_auth(o->recovery, o->recovery_len,
					       auth);
	for (tries = 0; tries < KSEAL_PCR_RETRIES; tries++) {
		ret = kseal_unseal_session(t, b, item, auth, auth_len, out, &n);
		if (ret != -EAGAIN)
			break;
	}
	kseal_tpm2_flush(t, item);
	memzero_explicit(auth, sizeof(auth));
	if (ret == -EAGAIN) {
		pr_err_ratelimited("PCRs kept changing during unseal; try again\n");
		return -EBUSY;
	}
	if (ret == -EKEYREJECTED && recovery) {
		/* Refused recovery of a lock-bound key: locked, or wrong passphrase. */
		ret = kseal_recovery_allowed(t, b);
		if (ret)
			return ret;
		pr_err_ratelimited("unseal refused: wrong recovery passphrase\n");
		return -EKEYREJECTED;
	}
	if (ret == -EKEYREJECTED)
		pr_err_ratelimited("unseal refused: PCR values differ from the ones the key is bound to (reseal after a legitimate change, or load with the recovery passphrase)\n");
	if (ret)
		return ret;
	ret = kseal_unsealed_split(b, out, &n);
	if (ret)
		return ret;
	if (n < KSEAL_SEALED_KEY_MIN) {
		pr_err_ratelimited("the TPM unsealed %u bytes, too short for a kseal key\n",
				   n);
		return -EBADMSG;
	}
	*out_len = n;
	return 0;
}

int kseal_sealed_load(struct key *key, const struct kseal_opts *o,
		      const u8 *blob, size_t blob_len)
{
	struct kseal_sealed_blob *b;
	struct kseal_sealed *s = NULL;
	u8 id[KSEAL_SEALED_ID_SIZE];
	struct kseal_tpm2 t;
	int ret;

	/* Only data keys have a logon export. */
	if (o->present & KSEAL_OPT_LOGON)
		return -EINVAL;
	b = kmalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	ret = kseal_sealed_blob_parse(blob, blob_len, b);
	if (ret)
		goto out;
	if ((o->present & KSEAL_OPT_RECOVERY) &&
	    !(b->flags & KSEAL_BLOB_F_RECOVERY)) {
		pr_info_ratelimited("recovery= given for a blob sealed without a recovery passphrase\n");
		ret = -EINVAL;
		goto out;
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (s)
		s->hdr.blob = kmemdup(blob, blob_len, GFP_KERNEL);
	if (!s || !s->hdr.blob) {
		ret = -ENOMEM;
		goto out;
	}
	s->hdr.ops = &kseal_sealed_ops;
	s->hdr.blob_len = blob_len;
	s->flags = b->flags;
	s->pcr_mask = b->pcr_mask;
	s->parent = b->parent_handle;
	s->lock_pcr = b->lock_pcr;

	ret = kseal_tpm_open(&t, true);
	if (ret)
		goto out;
	ret = kseal_unseal(&t, b, o, s->secret, &s->secret_len);
	kseal_tpm2_close(&t);
	if (ret)
		goto out;
	atomic64_inc(&kseal_stats.unseals);
	/* A TPM (or something in front of it) cannot hand back another secret. */
	ret = kseal_kdf(s->secret, s->secret_len, KSEAL_ID_LABEL, id);
	if (ret)
		goto out;
	if (crypto_memneq(id, b->key_id, sizeof(id))) {
		pr_err_ratelimited("the unsealed secret does not match the blob's key id: refused\n");
		ret = -EBADMSG;
		goto out;
	}
	memcpy(s->id, id, sizeof(id));
	s->after_lock = atomic_read(&kseal_locks_begun);
	ret = kseal_sealed_attach(key, s);
	if (ret)
		goto out;
	s = NULL;
out:
	kseal_sealed_free(s);
	kfree(b);
	return ret;
}

static void kseal_sealed_free_rcu(struct rcu_head *head)
{
	kseal_sealed_free(container_of(head, struct kseal_sealed, hdr.rcu));
}

/* "update reseal": key->sem is held for writing. */
static int kseal_sealed_reseal(struct key *key, const struct kseal_opts *o)
{
	struct kseal_seal_req req = { 0 };
	struct kseal_sealed *old, *s;
	struct kseal_tpm2 t;
	int ret;

	old = kseal_sealed_of(kseal_payload_locked(key));
	if (!old)
		return -EKEYREVOKED;
	s = kmemdup(old, sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->hdr.blob = NULL;
	if (o->present & KSEAL_OPT_PCRS)
		s->pcr_mask = o->pcr_mask;
	/* The lock PCR stays in the policy, or lock would stop working. */
	if (s->flags & KSEAL_BLOB_F_LOCK)
		s->pcr_mask |= BIT(s->lock_pcr);
	/* The passphrase is never kept: recovery survives only if given. */
	s->flags &= ~KSEAL_BLOB_F_RECOVERY;
	if (o->present & KSEAL_OPT_RECOVERY)
		s->flags |= KSEAL_BLOB_F_RECOVERY;
	/* A reseal writes generation 2, leaving an old recovery branch. */
	s->flags |= KSEAL_BLOB_F_POLICY2;
	if (s->secret_len > KSEAL_SEALED_NEW_MAX) {
		pr_info_ratelimited("a sealed key of %u bytes cannot be resealed: generation 2 seals at most %u; create a new key and rotate to it\n",
				    s->secret_len, KSEAL_SEALED_NEW_MAX);
		ret = -EINVAL;
		goto err_free;
	}

	ret = kseal_tpm_open(&t, true);
	if (ret)
		goto err_free;
	req.secret = s->secret;
	req.secret_len = s->secret_len;
	req.id = s->id;
	req.parent = s->parent;
	req.pcr_mask = s->pcr_mask;
	req.flags = s->flags;
	req.lock_pcr = s->lock_pcr;
	req.pass = o->recovery;
	req.pass_len = o->recovery_len;
	ret = kseal_seal(&t, &req, &s->hdr.blob, &s->hdr.blob_len);
	kseal_tpm2_close(&t);
	if (ret)
		goto err_free;
	ret = key_payload_reserve(key, sizeof(*s) + s->hdr.blob_len);
	if (ret)
		goto err_free;
	rcu_assign_keypointer(key, s);
	call_rcu(&old->hdr.rcu, kseal_sealed_free_rcu);
	return 0;

err_free:
	kseal_sealed_free(s);
	return ret;
}

/* PCR list in the pcrs= syntax: runs of three or more as ranges. */
static void kseal_show_pcrs(struct seq_file *m, u32 mask)
{
	const char *sep = "";
	int i = 0, j;

	while (i < KSEAL_PCR_COUNT) {
		if (!(mask & BIT(i))) {
			i++;
			continue;
		}
		for (j = i; j + 1 < KSEAL_PCR_COUNT && (mask & BIT(j + 1)); j++)
			;
		if (j - i >= 2) {
			seq_printf(m, "%s%d-%d", sep, i, j);
		} else {
			seq_printf(m, "%s%d", sep, i);
			if (j > i)
				seq_printf(m, ",%d", j);
		}
		sep = ",";
		i = j + 1;
	}
}

/* /proc/keys: "sealed pcrs=<list> parent=<handle>[ recovery][ lock=<pcr>]". */
static void kseal_sealed_describe(const struct kseal_payload *p,
				  struct seq_file *m)
{
	const struct kseal_sealed *s = kseal_sealed_of(p);

	seq_puts(m, "sealed pcrs=");
	kseal_show_pcrs(m, s->pcr_mask);
	seq_printf(m, " parent=0x%08x", s->parent);
	if (s->flags & KSEAL_BLOB_F_RECOVERY)
		seq_puts(m, " recovery");
	if (s->flags & KSEAL_BLOB_F_LOCK)
		seq_printf(m, " lock=%u", s->lock_pcr);
}

static void kseal_sealed_free_payload(struct kseal_payload *p)
{
	kseal_sealed_free(kseal_sealed_of(p));
}

static const struct kseal_kind_ops kseal_sealed_ops = {
	.free = kseal_sealed_free_payload,
	.describe = kseal_sealed_describe,
	.update = kseal_sealed_reseal,
	.refused_updates = ~BIT(KSEAL_UPD_RESEAL),
	.revoke = kseal_sealed_forget,
	.destroy = kseal_sealed_forget,
};

bool kseal_key_is_sealed(const struct key *key)
{
	bool ret;

	if (key->type != &kseal_key_type || !key_is_positive(key))
		return false;
	rcu_read_lock();
	ret = kseal_sealed_of(rcu_dereference(key->payload.rcu_data0));
	rcu_read_unlock();
	return ret;
}

struct key *kseal_sealed_find(const char *ref)
{
	struct key *key;

	key = request_key(&kseal_key_type, ref, NULL);
	if (IS_ERR(key))
		return key;
	if (!kseal_key_is_sealed(key)) {
		key_put(key);
		return ERR_PTR(-ENOKEY);
	}
	return key;
}

struct key *kseal_sealed_find_by_id(const u8 *id)
{
	struct key *found = NULL;
	struct kseal_reg *reg;

	mutex_lock(&kseal_registry_lock);
	list_for_each_entry(reg, &kseal_registry, node) {
		if (!memcmp(reg->id, id, sizeof(reg->id)) &&
		    refcount_inc_not_zero(&reg->key->usage)) {
			found = reg->key;
			break;
		}
	}
	mutex_unlock(&kseal_registry_lock);
	if (!found)
		return ERR_PTR(-ENOKEY);
	if (key_validate(found)) {
		key_put(found);
		return ERR_PTR(-ENOKEY);
	}
	return found;
}

/*
 * Copies what derivation needs under RCU rather than taking key->sem: the
 * callers may hold the sem of another kseal key (same lock class).
 */
static int kseal_sealed_copy(struct key *key, u8 *secret, u32 *len, u8 *id)
{
	const struct kseal_payload *p;
	const struct kseal_sealed *s;
	int ret = 0;

	if (key->type != &kseal_key_type)
		return -EINVAL;
	rcu_read_lock();
	p = rcu_dereference(key->payload.rcu_data0);
	if (!p) {
		ret = -EKEYREVOKED;
		goto out_unlock;
	}
	s = kseal_sealed_of(p);
	if (!s) {
		ret = -EINVAL;
		goto out_unlock;
	}
	if (secret) {
		memcpy(secret, s->secret, s->secret_len);
		*len = s->secret_len;
	}
	if (id)
		memcpy(id, s->id, KSEAL_SEALED_ID_SIZE);
out_unlock:
	rcu_read_unlock();
	return ret;
}

int kseal_sealed_id(struct key *key, u8 *id)
{
	return kseal_sealed_copy(key, NULL, NULL, id);
}

int kseal_sealed_derive(struct key *key, const char *label, u8 *out)
{
	u8 *secret;
	u32 len;
	int ret;

	secret = kmalloc(KSEAL_SEALED_KEY_MAX, GFP_KERNEL);
	if (!secret)
		return -ENOMEM;
	ret = kseal_sealed_copy(key, secret, &len, NULL);
	if (ret)
		goto out;
	ret = kseal_kdf(secret, len, label, out);
out:
	kfree_sensitive(secret);
	return ret;
}

int kseal_lock_pcr(u32 pcr)
{
	struct kseal_tpm2 t;
	int ret;

	if (pcr >= KSEAL_PCR_COUNT || (KSEAL_PCR_RESETTABLE_MASK & BIT(pcr)))
		return -EINVAL;
	/*
	 * Counted before the extend: a key made while it runs counts as made
	 * after the lock, which only ever refuses more.
	 */
	atomic_inc(&kseal_locks_begun);
	ret = kseal_tpm_open(&t, false);
	if (ret)
		return ret;
	ret = kseal_tpm2_pcr_extend(&t, pcr);
	kseal_tpm2_close(&t);
	if (ret)
		return ret;
	atomic_or(BIT(pcr), &kseal_locked);
	pr_info("PCR %u extended: blobs bound with lock=%u no longer load until reboot\n",
		pcr, pcr);
	return 0;
}

u32 kseal_locked_mask(void)
{
	return atomic_read(&kseal_locked);
}

int kseal_sealed_strictness(struct key *key, u32 *flags, u32 *lock_pcr)
{
	const struct kseal_sealed *s;
	int ret = -EKEYREVOKED;

	rcu_read_lock();
	s = kseal_sealed_of(rcu_dereference(key->payload.rcu_data0));
	if (s) {
		*flags = s->flags;
		*lock_pcr = s->lock_pcr;
		ret = 0;
	}
	rcu_read_unlock();
	return ret;
}

/* A generation 1 recovery branch: PolicyAuthValue alone. */
static bool kseal_legacy_recovery(u32 flags)
{
	return (flags & KSEAL_BLOB_F_RECOVERY) && !(flags & KSEAL_BLOB_F_POLICY2);
}

/*
 * The kernel never wraps existing key material under a sealed key whose
 * secret could be known outside it. A key made or loaded after a lock may
 * be root's own (any key without lock= unseals with tpm2-tools, and so
 * does one bound to a PCR not locked yet); a lock-bound wrapper's material
 * stays under keys bound to the same lock PCR, which after that lock can
 * only have been unsealed before it; and not under a generation 1
 * recovery branch, which the lock does not stop.
 */
int kseal_sealed_may_wrap(u32 from_flags, u32 from_lock_pcr, struct key *to)
{
	const struct kseal_sealed *s;
	const char *why = NULL;

	rcu_read_lock();
	s = kseal_sealed_of(rcu_dereference(to->payload.rcu_data0));
	if (!s)
		why = "it is not a loaded sealed key";
	else if (s->after_lock)
		why = "it was made or loaded after a lock: root may know its secret";
	else if ((from_flags & KSEAL_BLOB_F_LOCK) &&
		 (!(s->flags & KSEAL_BLOB_F_LOCK) ||
		  s->lock_pcr != from_lock_pcr))
		why = "it is not bound to the lock PCR of the current wrapping key";
	else if (kseal_legacy_recovery(s->flags) &&
		 !kseal_legacy_recovery(from_flags))
		why = "its recovery branch still unseals after the lock (reseal it first)";
	rcu_read_unlock();
	if (!why)
		return 0;
	pr_warn_ratelimited("rewrap to key %d refused: %s\n", key_serial(to), why);
	return -EPERM;
}
