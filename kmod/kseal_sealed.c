// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sealed keys: the kind's payload and operations (create, load, reseal,
 * /proc/keys), and what data keys ask of a loaded sealed key (lookup by
 * reference, id, derived keys, whether it may wrap). The TPM side is in
 * kseal_seal.c.
 *
 * TPM commands per operation, counted in debugfs (kseal_debugfs.c), with
 * bus encryption (kseal_seal.c):
 *   new     ReadPublic, PCR_Read, GetRandom (one per 32 bytes),
 *           StartAuthSession, Create: 5 for a key of up to 32 bytes and up
 *           to 8 PCRs
 *   load    Load, StartAuthSession, PolicyPCR, Unseal, FlushContext: 5;
 *           a blob with a recovery branch adds PolicyOR and, loaded by
 *           its PCRs, a second StartAuthSession: 7; with the recovery
 *           passphrase PolicyAuthValue replaces PolicyPCR: 6; a signed
 *           policy adds PolicyAuthorize after PolicyPCR
 *   reseal  ReadPublic, PCR_Read, StartAuthSession, Create: 4 (a signed
 *           policy without a lock PCR reads no PCR: 3)
 * With bus_encryption=0 new and reseal send no StartAuthSession, a
 * recovery blob loads in 6 commands either way and the passphrase goes
 * by PolicyPassword. Tang binding adds no TPM command, and a load refused
 * for its Tang answers sends none.
 */
#include <crypto/algapi.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "kseal_blob.h"
#include "kseal_kdf.h"
#include "kseal_lock.h"
#include "kseal_registry.h"
#include "kseal_seal.h"
#include "kseal_sealed.h"
#include "kseal_stats.h"
#include "kseal_tang_key.h"
#include "kseal_tang_session.h"
#include "kseal_tpm2.h"

/* Label of the key id that blobs carry and data blobs refer to. */
#define KSEAL_ID_LABEL		"kseal id v1"

struct kseal_sealed {
	struct kseal_payload hdr;
	u32 flags;		/* KSEAL_BLOB_F_* of the blob */
	u32 pcr_mask;
	u32 parent;
	/* The Name the parent must have: the blob's, or the one given. */
	u8 parent_name[KSEAL_NAME_MAX];
	bool parent_pinned;
	u32 lock_pcr;
	/* KSEAL_BLOB_F_AUTHORIZE: the digest of the signer's sha256 Name. */
	u8 signer[KSEAL_DIGEST_SIZE];
	/* Created or loaded after a lock of this boot: root may know it. */
	bool after_lock;
	u8 id[KSEAL_SEALED_ID_SIZE];
	/* KSEAL_BLOB_F_TANG: the servers a reseal binds to again. */
	struct kseal_tang_bind tang;
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

static int kseal_sealed_attach(struct key *key, struct kseal_sealed *s)
{
	int ret;

	ret = key_payload_reserve(key, sizeof(*s) + s->hdr.blob_len);
	if (ret)
		return ret;
	ret = kseal_registry_add(key, s->id);
	if (ret)
		return ret;
	rcu_assign_keypointer(key, s);
	return 0;
}

/* Seal @secret (the key's, or its Tang seed) with s's parent and policy. */
static int kseal_sealed_seal_one(struct kseal_tpm2 *t, struct kseal_sealed *s,
				 const struct kseal_opts *o, const u8 *secret,
				 const struct kseal_tang *sec)
{
	const struct kseal_seal_req req = {
		.secret = secret,
		.secret_len = s->secret_len,
		.id = s->id,
		.parent = s->parent,
		.pin = s->parent_pinned ? s->parent_name : NULL,
		.name = s->parent_name,
		.pcr_mask = s->pcr_mask,
		.flags = s->flags & ~KSEAL_BLOB_F_TANG,
		.lock_pcr = s->lock_pcr,
		.signer = s->signer,
		.pass = o->recovery,
		.pass_len = o->recovery_len,
		.tang = sec,
	};
	int ret;

	ret = kseal_seal(t, &req, &s->hdr.blob, &s->hdr.blob_len);
	if (ret)
		return ret;
	/* Its blob now names the parent: a reseal must find the same one. */
	s->parent_pinned = true;
	return 0;
}

/*
 * The servers of "new" or "update reseal" tang= options, each checked on
 * its curve before any TPM command.
 */
static int kseal_sealed_tang_opts(struct kseal_sealed *s,
				  const struct kseal_opts *o)
{
	unsigned int i;

	if (!(o->present & KSEAL_OPT_TANG))
		return 0;
	for (i = 0; i < o->tang_n; i++) {
		if (kseal_ecmr_check(o->tang_curve, o->tang_point[i])) {
			pr_info_ratelimited("tang= number %u is not a point on the curve: nothing was sealed\n",
					    i + 1);
			return -EINVAL;
		}
	}
	memset(&s->tang, 0, sizeof(s->tang));
	s->tang.curve = o->tang_curve;
	s->tang.n = o->tang_n;
	s->tang.t = o->tang_threshold;
	memcpy(s->tang.s, o->tang_point, sizeof(s->tang.s));
	s->flags |= KSEAL_BLOB_F_TANG;
	return 0;
}

/*
 * Seal s->secret with s's parent and policy (and o's passphrase). A
 * Tang-bound key seals its seed under a fresh Z instead (kseal_tang_key.c).
 */
static int kseal_sealed_seal(struct kseal_tpm2 *t, struct kseal_sealed *s,
			     const struct kseal_opts *o)
{
	struct kseal_tang *sec = NULL;
	u8 *seed = NULL;
	int ret;

	if (s->flags & KSEAL_BLOB_F_TANG) {
		sec = kmalloc(sizeof(*sec), GFP_KERNEL);
		seed = kmalloc(KSEAL_SEALED_KEY_MAX, GFP_KERNEL);
		if (!sec || !seed) {
			ret = -ENOMEM;
			goto out;
		}
		ret = kseal_tang_bind(&s->tang, s->secret, s->secret_len,
				      o->recovery, o->recovery_len, sec, seed);
		if (ret)
			goto out;
	}
	ret = kseal_sealed_seal_one(t, s, o, seed ? seed : s->secret, sec);
out:
	kfree_sensitive(seed);
	kfree(sec);
	return ret;
}

int kseal_sealed_new(struct key *key, const struct kseal_opts *o)
{
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
	if (o->present & KSEAL_OPT_PARENT_NAME) {
		memcpy(s->parent_name, o->parent_name, KSEAL_NAME_MAX);
		s->parent_pinned = true;
	}
	s->pcr_mask = o->pcr_mask;
	s->flags = KSEAL_BLOB_F_POLICY2;
	if (o->present & KSEAL_OPT_RECOVERY)
		s->flags |= KSEAL_BLOB_F_RECOVERY;
	if (o->present & KSEAL_OPT_LOCK) {
		s->flags |= KSEAL_BLOB_F_LOCK;
		s->lock_pcr = o->lock_pcr;
	}
	if (o->present & KSEAL_OPT_POLICY_KEY) {
		s->flags |= KSEAL_BLOB_F_AUTHORIZE;
		memcpy(s->signer, o->policy_key + 2, sizeof(s->signer));
	}
	ret = kseal_sealed_tang_opts(s, o);
	if (ret)
		goto out;

	ret = kseal_tpm2_open(&t, true);
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
	ret = kseal_sealed_seal(&t, s, o);
out_close:
	kseal_tpm2_close(&t);
	if (ret)
		goto out;
	s->after_lock = kseal_lock_begun();
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
 * A signed policy needs an approved policy and its ticket (or the
 * recovery branch); any other blob has no use for them.
 */
static int kseal_sealed_signed_check(const struct kseal_sealed_blob *b,
				     const struct kseal_opts *o)
{
	bool given = o->present & KSEAL_OPT_APPROVED;

	if (!(b->flags & KSEAL_BLOB_F_AUTHORIZE) && given) {
		pr_info_ratelimited("approved= and ticket= given for a blob sealed without a signed policy\n");
		return -EINVAL;
	}
	if ((b->flags & KSEAL_BLOB_F_AUTHORIZE) && !given &&
	    !(o->present & KSEAL_OPT_RECOVERY)) {
		pr_err_ratelimited("this key needs a signed policy: load it with approved= and ticket= (ksealctl load makes them from the installed signed policies) or with recovery=\n");
		return -EKEYREJECTED;
	}
	return 0;
}

/*
 * Tang options only for a Tang-bound blob, which without recovery= needs
 * a session (and T answers, which kseal_tang_recover() counts).
 */
static int kseal_sealed_tang_check(const struct kseal_sealed_blob *b,
				   const struct kseal_opts *o)
{
	bool given = o->present & (KSEAL_OPT_TANG | KSEAL_OPT_TANG_SESSION);

	if (!(b->flags & KSEAL_BLOB_F_TANG) && given) {
		pr_info_ratelimited("tang= or tang_session= given for a blob not bound to Tang servers\n");
		return -EINVAL;
	}
	if ((b->flags & KSEAL_BLOB_F_TANG) &&
	    !(o->present & (KSEAL_OPT_TANG_SESSION | KSEAL_OPT_RECOVERY))) {
		pr_err_ratelimited("this key needs %u of %u Tang answers (tang_session= and tang=<i>:<answer>; ksealctl load asks the servers) or recovery=: refused\n",
				   b->tang.t, b->tang.n);
		return -EKEYREJECTED;
	}
	return 0;
}

/*
 * Z of a Tang-bound blob from the servers' answers, before any TPM
 * command: a key whose servers do not answer costs the TPM nothing. The
 * session is used up whatever happens.
 */
static int kseal_sealed_tang_answers(const struct kseal_sealed_blob *b,
				     const struct kseal_opts *o,
				     const u8 *blob, size_t blob_len, u8 *z)
{
	struct kseal_ecmr_scalar *e;
	int ret;

	e = kcalloc(KSEAL_TANG_SERVERS_MAX, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	ret = kseal_tang_session_take(o->tang_session, blob, blob_len, e);
	if (!ret && !(o->present & KSEAL_OPT_RECOVERY))
		ret = kseal_tang_recover(&b->tang, e, o->tang_answered,
					 o->tang_curve, &o->tang_point[0][0], z);
	kfree_sensitive(e);
	if (ret)
		atomic64_inc(&kseal_stats.tang_refusals);
	return ret;
}

/* Unseal @b into s->secret: F, for a Tang-bound blob seed XOR pad(Z). */
static int kseal_sealed_unseal(struct kseal_sealed *s,
			       const struct kseal_sealed_blob *b,
			       const struct kseal_opts *o, u8 *z)
{
	struct kseal_tpm2 t;
	int ret;

	ret = kseal_tpm2_open(&t, true);
	if (ret)
		return ret;
	ret = kseal_unseal(&t, b, o, s->secret, &s->secret_len);
	kseal_tpm2_close(&t);
	if (ret)
		return ret;
	atomic64_inc(&kseal_stats.unseals);
	if (!(b->flags & KSEAL_BLOB_F_TANG))
		return 0;
	/* The recovery branch stands in for every Tang server. */
	if (o->present & KSEAL_OPT_RECOVERY) {
		ret = kseal_tang_unwrap_recovery(&b->tang, s->secret,
						 s->secret_len, o->recovery, z);
		if (ret)
			return ret;
	}
	return kseal_tang_pad(z, s->secret, s->secret_len);
}

int kseal_sealed_load(struct key *key, const struct kseal_opts *o,
		      const u8 *blob, size_t blob_len)
{
	struct kseal_sealed_blob *b;
	struct kseal_sealed *s = NULL;
	u8 id[KSEAL_SEALED_ID_SIZE];
	u8 z[KSEAL_TANG_SECRET_SIZE];
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
	ret = kseal_sealed_signed_check(b, o);
	if (!ret)
		ret = kseal_sealed_tang_check(b, o);
	if (ret)
		goto out;
	if (o->present & KSEAL_OPT_TANG_SESSION) {
		ret = kseal_sealed_tang_answers(b, o, blob, blob_len, z);
		if (ret)
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
	memcpy(s->parent_name, b->parent_name, KSEAL_NAME_MAX);
	s->parent_pinned = true;
	s->lock_pcr = b->lock_pcr;
	if (b->flags & KSEAL_BLOB_F_AUTHORIZE)
		memcpy(s->signer, b->pcr_policy, sizeof(s->signer));
	if (b->flags & KSEAL_BLOB_F_TANG)
		kseal_tang_bind_of(&b->tang, &s->tang);

	ret = kseal_sealed_unseal(s, b, o, z);
	if (ret)
		goto out;
	/*
	 * A TPM (or something in front of it) cannot hand back another
	 * secret, nor can wrong Tang answers or a wrong passphrase give
	 * another F: nothing is instantiated unless F has the blob's id.
	 */
	ret = kseal_kdf(s->secret, s->secret_len, KSEAL_ID_LABEL, id);
	if (ret)
		goto out;
	if (crypto_memneq(id, b->key_id, sizeof(id))) {
		if (b->flags & KSEAL_BLOB_F_TANG)
			pr_err_ratelimited("the secret recombined from the TPM and %s does not match the blob's key id: refused\n",
					   (o->present & KSEAL_OPT_RECOVERY) ?
					   "the recovery passphrase" :
					   "the Tang answers");
		else
			pr_err_ratelimited("the unsealed secret does not match the blob's key id: refused\n");
		ret = -EBADMSG;
		goto out;
	}
	memcpy(s->id, id, sizeof(id));
	s->after_lock = kseal_lock_begun();
	ret = kseal_sealed_attach(key, s);
	if (ret)
		goto out;
	s = NULL;
out:
	memzero_explicit(z, sizeof(z));
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
	/* A signed policy keeps its signer; the lock PCR is never signed. */
	if ((o->present & KSEAL_OPT_PCRS) &&
	    (s->flags & KSEAL_BLOB_F_AUTHORIZE) &&
	    (s->flags & KSEAL_BLOB_F_LOCK) &&
	    (o->pcr_mask & BIT(s->lock_pcr))) {
		pr_info_ratelimited("pcrs= of a signed policy may not list its lock PCR %u\n",
				    s->lock_pcr);
		ret = -EINVAL;
		goto err_free;
	}
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
	/* tang= rebinds; without it a Tang key keeps its servers, new Z. */
	ret = kseal_sealed_tang_opts(s, o);
	if (ret)
		goto err_free;
	if (s->secret_len > KSEAL_SEALED_NEW_MAX) {
		pr_info_ratelimited("a sealed key of %u bytes cannot be resealed: generation 2 seals at most %u; create a new key and rotate to it\n",
				    s->secret_len, KSEAL_SEALED_NEW_MAX);
		ret = -EINVAL;
		goto err_free;
	}

	ret = kseal_tpm2_open(&t, true);
	if (ret)
		goto err_free;
	ret = kseal_sealed_seal(&t, s, o);
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

/*
 * /proc/keys: "sealed pcrs=<list> parent=<handle>[ recovery][ lock=<pcr>]
 * [ signer=<Name>][ tang=<T>/<N>]", the signer's sha256 Name in hex as
 * policy_key= takes it (pcrs= then lists the signed selection and the
 * lock PCR), T of the key's N Tang servers needed to load it.
 */
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
	if (s->flags & KSEAL_BLOB_F_AUTHORIZE)
		seq_printf(m, " signer=%04x%*phN", KSEAL_TPM_ALG_SHA256,
			   (int)sizeof(s->signer), s->signer);
	if (s->flags & KSEAL_BLOB_F_TANG)
		seq_printf(m, " tang=%u/%u", s->tang.t, s->tang.n);
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
	.revoke = kseal_registry_forget,
	.destroy = kseal_registry_forget,
};

/* True if @key is a positive kseal key of the sealed kind. */
static bool kseal_key_is_sealed(const struct key *key)
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
