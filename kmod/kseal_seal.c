// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sealing a secret with the TPM and unsealing it: the parent storage key
 * check, the PCR and recovery policies of include/kseal/blob.h, Create,
 * and the policy session that ends in Unseal. The policy session ends
 * with the successful Unseal (continueSession clear); on every failure
 * path the session and the loaded object are flushed explicitly.
 *
 * What crosses the bus is kept from an interposer: Create and Unseal run
 * in sessions salted to the parent, whose Name is checked first against
 * the blob's (or the one pinned at provision), so only the TPM that holds
 * the parent's private key can read the salt; the secret then travels
 * encrypted both ways and the recovery passphrase only keys HMACs.
 */
#include <crypto/algapi.h>
#include <crypto/sha2.h>
#include <linux/bitops.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <kseal/version.h>

#include "kseal_errors.h"
#include "kseal_policy.h"
#include "kseal_seal.h"
#include "kseal_tpm2_crypto.h"
#include "kseal_tpm2_session.h"

/* Whole policy sessions tried when the PCRs change during one. */
#define KSEAL_PCR_RETRIES	3

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

static bool kseal_bus_encryption = true;
module_param_named(bus_encryption, kseal_bus_encryption, bool, 0444);
MODULE_PARM_DESC(bus_encryption,
		 "Salted, encrypted TPM sessions for Create and Unseal (default Y; N sends secrets in the clear, for comparison only)");

/*
 * What a load needs of the parent: its Name and, to salt, its point (read
 * only with bus encryption, a setting fixed at load time).
 */
struct kseal_parent {
	u8 name[KSEAL_NAME_MAX];
	u8 point[KSEAL_ECDH_POINT_SIZE];
};

/* The point to salt sessions to, or NULL for plain sessions. */
static const u8 *kseal_parent_point(const struct kseal_parent *p)
{
	return kseal_bus_encryption ? p->point : NULL;
}

/* The sha256 Name (nameAlg || digest) of the public area @pub. */
static void kseal_name_of(const u8 *pub, u16 pub_len, u8 *name)
{
	put_unaligned_be16(KSEAL_TPM_ALG_SHA256, name);
	sha256(pub, pub_len, name + 2);
}

/*
 * The parent at @handle, last read from the TPM. Loads compare a blob's
 * parent Name with it before TPM2_Load, without a ReadPublic each time; a
 * stale entry costs nothing in safety: the TPM's Load still fails for a
 * blob of another parent, and that failure reads the Name again. The
 * point was checked against the Name when the entry was made, so a salt
 * made with it is readable by the named key only.
 */
static struct {
	struct mutex lock;	/* protects the fields below */
	u32 handle;
	struct kseal_parent p;
} kseal_parent_cache = { .lock = __MUTEX_INITIALIZER(kseal_parent_cache.lock) };

static void kseal_parent_cache_set(u32 handle, const struct kseal_parent *p)
{
	mutex_lock(&kseal_parent_cache.lock);
	kseal_parent_cache.handle = p ? handle : 0;
	if (p)
		kseal_parent_cache.p = *p;
	mutex_unlock(&kseal_parent_cache.lock);
}

/* Fills @p from the cache if it holds @handle with Name @name. */
static bool kseal_parent_cache_get(u32 handle, const u8 *name,
				   struct kseal_parent *p)
{
	bool ret;

	mutex_lock(&kseal_parent_cache.lock);
	ret = kseal_parent_cache.handle == handle &&
	      !memcmp(kseal_parent_cache.p.name, name, KSEAL_NAME_MAX);
	if (ret)
		*p = kseal_parent_cache.p;
	mutex_unlock(&kseal_parent_cache.lock);
	return ret;
}

/*
 * Reads the parent at @handle: its Name, computed here from the public
 * area the TPM returned (the Name the TPM states must agree), and with
 * bus encryption its P-256 point.
 */
static int kseal_parent_read(struct kseal_tpm2 *t, u32 handle,
			     struct kseal_parent *p)
{
	u8 pub[KSEAL_PUBLIC_MAX], name[KSEAL_NAME_MAX];
	const u8 *x, *y;
	u16 pub_len = sizeof(pub), len;
	int ret;

	ret = kseal_tpm2_read_public(t, handle, pub, &pub_len, name, &len,
				     KSEAL_NAME_MAX);
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
		goto out;
	}
	kseal_name_of(pub, pub_len, p->name);
	if (memcmp(p->name, name, KSEAL_NAME_MAX)) {
		pr_err_ratelimited("the TPM's answer for the key at 0x%08x is inconsistent (its public area does not have the Name it states): an interposer on the TPM bus or a faulty TPM\n",
				   handle);
		ret = -EIO;
		goto out;
	}
	if (!kseal_bus_encryption)
		goto out;
	ret = kseal_tpm2_parse_ecc_public(pub, pub_len, &x, &y);
	if (ret == -EOPNOTSUPP)
		pr_err_ratelimited("the parent at 0x%08x is not an ECC NIST P-256 key, which salted sessions need: re-provision it (ksealctl provision)\n",
				   handle);
	if (ret)
		goto out;
	memcpy(p->point, x, KSEAL_ECDH_POINT_SIZE / 2);
	memcpy(p->point + KSEAL_ECDH_POINT_SIZE / 2, y,
	       KSEAL_ECDH_POINT_SIZE / 2);
out:
	kseal_parent_cache_set(handle, ret ? NULL : p);
	return ret;
}

/* The blob's parent must be the key at its handle, before TPM2_Load. */
static int kseal_parent_check(struct kseal_tpm2 *t,
			      const struct kseal_sealed_blob *b,
			      struct kseal_parent *p)
{
	int ret;

	if (kseal_parent_cache_get(b->parent_handle, b->parent_name, p))
		return 0;
	ret = kseal_parent_read(t, b->parent_handle, p);
	if (ret)
		return ret;
	if (memcmp(p->name, b->parent_name, KSEAL_NAME_MAX)) {
		pr_err_ratelimited("the key at 0x%08x is not the parent this blob was sealed under (another machine, a re-provisioned TPM, an impostor on the TPM bus or a damaged blob)\n",
				   b->parent_handle);
		return -ENOKEY;
	}
	return 0;
}

/*
 * The blob's PCR digest over the PCR values of now (or, for a signed
 * policy, the signer's Name digest @signer) and its object policy.
 * A lock-bound policy binds the lock PCR to its boot value, zero: sealing
 * is refused once it moved (locked this boot, or extended by other
 * software), and since the values are read in the same hold of the TPM as
 * the Create that follows, a lock cannot slip in between.
 */
static int kseal_policies(struct kseal_tpm2 *t, struct kseal_sealed_blob *b,
			  const u8 *signer)
{
	static const u8 zero[KSEAL_POLICY_SIZE];
	u8 pcr_branch[KSEAL_POLICY_SIZE], recovery_branch[KSEAL_POLICY_SIZE];
	bool is_signed = b->flags & KSEAL_BLOB_F_AUTHORIZE;
	u32 lock_bit = (b->flags & KSEAL_BLOB_F_LOCK) ? BIT(b->lock_pcr) : 0;
	/* Signatures cover the signed selection: only the lock PCR counts. */
	u32 read = is_signed ? lock_bit : b->pcr_mask;
	u32 n = hweight32(read), others = b->pcr_mask & ~lock_bit;
	u8 *values = NULL, *lock_value;
	int ret;

	if (n) {
		values = kmalloc_array(n, KSEAL_POLICY_SIZE, GFP_KERNEL);
		if (!values)
			return -ENOMEM;
		ret = kseal_tpm2_pcr_read(t, read, values,
					  n * KSEAL_POLICY_SIZE);
		if (ret)
			goto out;
	}
	if (lock_bit) {
		/* Values are in ascending PCR order. */
		lock_value = values + KSEAL_POLICY_SIZE *
			     hweight32(read & (lock_bit - 1));
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
	memset(b->pcr_policy, 0, sizeof(b->pcr_policy));
	if (is_signed) {
		memcpy(b->pcr_policy, signer, sizeof(b->pcr_policy));
	} else if (others) {
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

int kseal_seal(struct kseal_tpm2 *t, const struct kseal_seal_req *r,
	       u8 **blob, u32 *blob_len)
{
	bool recovery = r->flags & KSEAL_BLOB_F_RECOVERY;
	u8 auth[SHA256_DIGEST_SIZE];
	struct kseal_tpm2_sess sess;
	struct kseal_parent parent;
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
	memcpy(b->key_id, r->id, sizeof(b->key_id));
	if (r->tang) {
		b->flags |= KSEAL_BLOB_F_TANG;
		b->tang = *r->tang;
	}

	ret = kseal_parent_read(t, r->parent, &parent);
	if (ret)
		goto out;
	if (r->pin && memcmp(r->pin, parent.name, KSEAL_NAME_MAX)) {
		pr_err_ratelimited("the TPM's key at 0x%08x is not the provisioned parent (its Name differs from the one pinned at provision): another TPM or an impostor on the TPM bus; nothing was sealed\n",
				   r->parent);
		ret = -EKEYREJECTED;
		goto out;
	}
	memcpy(b->parent_name, parent.name, KSEAL_NAME_MAX);
	b->parent_name_len = KSEAL_NAME_MAX;
	ret = kseal_policies(t, b, r->signer);
	if (ret)
		goto out;
	if (recovery)
		auth_len = kseal_recovery_auth(r->pass, r->pass_len, auth);
	/* The TPM keeps the header's digest with the secret (blob.h). */
	memcpy(data, r->secret, r->secret_len);
	ret = kseal_sealed_blob_hdr_digest(b, data + r->secret_len);
	if (ret)
		goto out;
	b->public_len = sizeof(b->public_area);
	b->private_len = sizeof(b->private_area);
	/*
	 * Salted to the parent when bus encryption is on, so only that TPM
	 * can read the secret on its way.
	 */
	if (kseal_bus_encryption) {
		ret = kseal_tpm2_start_session(t, r->parent,
					       kseal_parent_point(&parent),
					       KSEAL_TPM2_SE_HMAC, &sess);
		if (ret)
			goto out;
	}
	ret = kseal_tpm2_create_sealed(t, r->parent, parent.name,
				       kseal_bus_encryption ? &sess : NULL, data,
				       r->secret_len + KSEAL_DIGEST_SIZE,
				       auth, auth_len, b->auth_policy,
				       b->public_area, &b->public_len,
				       b->private_area, &b->private_len);
	/* Success ended the session (continueSession clear). */
	if (ret && kseal_bus_encryption)
		kseal_tpm2_flush(t, sess.handle);
	memzero_explicit(&sess, sizeof(sess));
	if (ret)
		goto out;
	if (r->name)
		memcpy(r->name, parent.name, KSEAL_NAME_MAX);
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

/*
 * Load refused a blob whose parent Name matched the cache: read the Name
 * again to tell a replaced or missing parent from a damaged blob.
 */
static int kseal_load_failed(struct kseal_tpm2 *t,
			     const struct kseal_sealed_blob *b, int err)
{
	struct kseal_parent p;
	int ret;

	if (err != -EBADMSG && err != -ENOKEY)
		return err;
	kseal_parent_cache_set(0, NULL);
	ret = kseal_parent_check(t, b, &p);
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
 * PolicyAuthorize of o's approved policy by the blob's signer. The TPM
 * compares the approved digest with the session's (the PolicyPCR just
 * run over this boot's values), then the ticket with the one it would
 * issue for that signature of the signer: the parameter it blames says
 * which failed.
 */
static int kseal_authorize(struct kseal_tpm2 *t, u32 session,
			   const struct kseal_sealed_blob *b,
			   const struct kseal_opts *o, bool *said)
{
	struct kseal_rc_info info;
	int ret;

	ret = kseal_tpm2_policy_authorize(t, session, o->approved,
					  b->pcr_policy, o->ticket_hierarchy,
					  o->ticket_digest, o->ticket_len);
	if (ret <= 0)
		return ret;
	*said = true;
	kseal_rc_decode(ret, &info);
	if (info.where == 'p' && info.num == 1 &&
	    info.base == KSEAL_RC_VALUE) {
		pr_err_ratelimited("unseal refused: the signed policy does not match this boot's PCR values; sign the current state with the policy key (or load with the recovery passphrase)\n");
		return -EKEYREJECTED;
	}
	if (info.where == 'p' && info.num == 4) {
		pr_err_ratelimited("unseal refused: the signed policy's ticket is not valid (made by another TPM, hierarchy or signing key, or for another policy); make it on this machine with ksealctl load (or load with the recovery passphrase)\n");
		return -EKEYREJECTED;
	}
	return kseal_rc_report(ret, KSEAL_TPM2_CC_POLICY_AUTHORIZE,
			       "PolicyAuthorize");
}

/*
 * The policy commands of one branch (include/kseal/blob.h, "Policies"):
 * the PCRs other than the lock PCR (for a signed policy, then
 * PolicyAuthorize), then the lock PCR at its boot value. @said: a refusal
 * was already explained in the log.
 */
static int kseal_policy_session(struct kseal_tpm2 *t,
				const struct kseal_sealed_blob *b,
				const struct kseal_opts *o, u32 session,
				bool recovery, bool salted, bool *said)
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
	if (!recovery && (b->flags & KSEAL_BLOB_F_AUTHORIZE)) {
		ret = kseal_authorize(t, session, b, o, said);
		if (ret)
			return ret;
	}
	if (lock_bit) {
		ret = kseal_tpm2_policy_pcr(t, session, lock_bit);
		if (ret)
			return ret;
	}
	/*
	 * The passphrase as the session HMAC's key, never on the bus; an
	 * unsalted session can only send it, as a password. Both leave the
	 * same policy digest (part 3, 23.18), so every blob takes either.
	 */
	if (recovery && salted) {
		ret = kseal_tpm2_policy_authvalue(t, session);
		if (ret)
			return ret;
	} else if (recovery) {
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

/*
 * One policy session (and maybe an encrypting one): on success the TPM
 * has already ended them. The policy session is salted when the key of
 * its encryption is known: an object without a recovery passphrase has
 * an empty authValue, and the recovery branch brings the passphrase. A
 * recovery blob loaded by its PCRs has an authValue kseal does not know,
 * and TPMs differ on whether it keys a policy session's encryption: a
 * second, salted session that authorises nothing encrypts the answer.
 */
static int kseal_unseal_session(struct kseal_tpm2 *t,
				const struct kseal_sealed_blob *b,
				const struct kseal_opts *o,
				const struct kseal_parent *p, u32 item,
				const u8 *item_name, const u8 *auth,
				u16 auth_len, u8 *out, u16 *out_len, bool *said)
{
	bool split = kseal_bus_encryption &&
		     (b->flags & KSEAL_BLOB_F_RECOVERY) && !auth_len;
	struct kseal_tpm2_sess s, enc;
	int ret;

	ret = kseal_tpm2_start_session(t, b->parent_handle,
				       split ? NULL : kseal_parent_point(p),
				       KSEAL_TPM2_SE_POLICY, &s);
	if (ret)
		return ret;
	if (split) {
		ret = kseal_tpm2_start_session(t, b->parent_handle,
					       kseal_parent_point(p),
					       KSEAL_TPM2_SE_HMAC, &enc);
		if (ret)
			goto err_flush;
	}
	ret = kseal_policy_session(t, b, o, s.handle, auth_len, s.salted,
				   said);
	if (ret)
		goto err_flush_enc;
	memcpy(s.auth, auth, auth_len);
	s.auth_len = auth_len;
	ret = kseal_tpm2_unseal(t, item, item_name, &s, split ? &enc : NULL,
				out, KSEAL_SEALED_KEY_MAX, out_len);
	if (ret)
		goto err_flush_enc;
	goto out;

err_flush_enc:
	if (split)
		kseal_tpm2_flush(t, enc.handle);
err_flush:
	kseal_tpm2_flush(t, s.handle);
out:
	memzero_explicit(&s, sizeof(s));
	memzero_explicit(&enc, sizeof(enc));
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
	int ret;

	if (!(b->flags & KSEAL_BLOB_F_POLICY2))
		return 0;
	if (*n < KSEAL_SEALED_KEY_MIN + KSEAL_DIGEST_SIZE)
		return -EBADMSG;
	*n -= KSEAL_DIGEST_SIZE;
	ret = kseal_sealed_blob_hdr_digest(b, digest);
	if (ret)
		return ret;
	if (crypto_memneq(digest, out + *n, sizeof(digest))) {
		pr_err_ratelimited("the blob's header differs from the one sealed with the key: the blob was damaged or altered\n");
		return -EBADMSG;
	}
	memzero_explicit(out + *n, KSEAL_DIGEST_SIZE);
	return 0;
}

int kseal_unseal(struct kseal_tpm2 *t, const struct kseal_sealed_blob *b,
		 const struct kseal_opts *o, u8 *out, u32 *out_len)
{
	bool recovery = o->present & KSEAL_OPT_RECOVERY;
	u8 auth[SHA256_DIGEST_SIZE], item_name[KSEAL_NAME_MAX];
	struct kseal_parent parent;
	u16 auth_len = 0, n = 0;
	bool said = false;
	u32 item;
	int ret, tries;

	ret = kseal_parent_check(t, b, &parent);
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
	/* The sealed object's Name, from the public area the TPM loaded. */
	kseal_name_of(b->public_area, b->public_len, item_name);
	for (tries = 0; tries < KSEAL_PCR_RETRIES; tries++) {
		ret = kseal_unseal_session(t, b, o, &parent, item, item_name,
					   auth, auth_len, out, &n, &said);
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
	/* A signed policy the TPM took: only the lock step can refuse. */
	if (ret == -EKEYREJECTED && !said &&
	    (b->flags & KSEAL_BLOB_F_AUTHORIZE) &&
	    (b->flags & KSEAL_BLOB_F_LOCK))
		pr_err_ratelimited("unseal refused: PCR %u is locked; a key bound to it loads only before the lock (at boot)\n",
				   b->lock_pcr);
	else if (ret == -EKEYREJECTED && !said)
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
