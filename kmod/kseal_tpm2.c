// SPDX-License-Identifier: GPL-2.0-only
/*
 * Transport to the TPM. The chip is looked up in kseal_tpm2_hold() only,
 * so choosing another chip later is a change in one place. Commands are
 * sent with tpm_transmit_cmd() while the ops are held: kernel callers use
 * the raw TPM handle space, so transient handles stay valid across the
 * commands of one operation and must be flushed by us. FlushContext and
 * PCR_Extend go through the kernel's own exported helpers; every command
 * is counted here, whoever sends it.
 */
#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/tpm.h>

#include "kseal_errors.h"
#include "kseal_tpm2.h"
#include "kseal_tpm2_crypto.h"
#include "kseal_tpm2_session.h"
#include "kseal_tpm2_wire.h"

/*
 * TPM 2.0 command codes run from 0x11f to 0x19f (the kernel's TPM2_CC_LAST
 * stops at spec 1.36's 0x193).
 */
#define KSEAL_CC_FIRST	TPM2_CC_FIRST
#define KSEAL_CC_LAST	0x19f

static atomic64_t kseal_tpm2_total = ATOMIC64_INIT(0);
static atomic64_t kseal_tpm2_per_cc[KSEAL_CC_LAST - KSEAL_CC_FIRST + 1];

u64 kseal_tpm2_count_total(void)
{
	return atomic64_read(&kseal_tpm2_total);
}

u64 kseal_tpm2_count_cc(u32 cc)
{
	if (cc < KSEAL_CC_FIRST || cc > KSEAL_CC_LAST)
		return 0;
	return atomic64_read(&kseal_tpm2_per_cc[cc - KSEAL_CC_FIRST]);
}

static int kseal_tpm2_hold(struct kseal_tpm2 *t)
{
	int ret;

	t->page = NULL;
	t->chip = tpm_default_chip();
	if (!t->chip)
		return -ENODEV;
	if (!tpm_is_tpm2(t->chip)) {
		ret = -ENODEV;
		goto put_dev;
	}
	ret = tpm_try_get_ops(t->chip);
	if (ret) {
		ret = -ENODEV;
		goto put_dev;
	}
	t->page = (u8 *)__get_free_page(GFP_KERNEL);
	if (!t->page) {
		ret = -ENOMEM;
		goto put_ops;
	}
	return 0;

put_ops:
	tpm_put_ops(t->chip);
put_dev:
	put_device(&t->chip->dev);
	t->chip = NULL;
	return ret;
}

static bool kseal_tpm2_has_sha256(struct kseal_tpm2 *t)
{
	unsigned int i;

	/* The kernel lists only banks with at least one PCR allocated. */
	for (i = 0; i < t->chip->nr_allocated_banks; i++)
		if (t->chip->allocated_banks[i].alg_id == TPM_ALG_SHA256)
			return true;
	return false;
}

int kseal_tpm2_open(struct kseal_tpm2 *t, bool need_sha256)
{
	int ret;

	ret = kseal_tpm2_hold(t);
	if (ret == -ENODEV)
		pr_err_ratelimited("no TPM 2.0 chip: sealed keys need one\n");
	if (ret)
		return ret;
	if (!need_sha256 || kseal_tpm2_has_sha256(t))
		return 0;
	kseal_tpm2_close(t);
	pr_err_ratelimited("the TPM has no sha256 PCR bank: allocate one (tpm2 pcrallocate) and reboot\n");
	return -EOPNOTSUPP;
}

void kseal_tpm2_close(struct kseal_tpm2 *t)
{
	if (!t->chip)
		return;
	/* The page held sensitive areas and unsealed secrets. */
	memzero_explicit(t->page, PAGE_SIZE);
	free_page((unsigned long)t->page);
	tpm_put_ops(t->chip);
	put_device(&t->chip->dev);
	t->chip = NULL;
	t->page = NULL;
}

/* Counts a command about to be sent, whoever builds and sends it. */
static void kseal_tpm2_count(u32 cc)
{
	atomic64_inc(&kseal_tpm2_total);
	if (cc >= KSEAL_CC_FIRST && cc <= KSEAL_CC_LAST)
		atomic64_inc(&kseal_tpm2_per_cc[cc - KSEAL_CC_FIRST]);
}

/*
 * Sends the command built in t->page. Returns 0 with *rlen set, the TPM
 * response code (positive), or a negative errno for transport failures.
 */
static int kseal_tpm2_xmit(struct kseal_tpm2 *t, u32 cc, u32 *rlen)
{
	struct tpm_buf buf = { .flags = 0, .data = t->page };
	ssize_t ret;

	kseal_tpm2_count(cc);
	ret = tpm_transmit_cmd(t->chip, &buf, 0, NULL);
	if (ret < 0)
		return -EIO;
	/* tpm_transmit() checked the header length against what it read. */
	*rlen = get_unaligned_be32(t->page + 2);
	if (*rlen < TPM_HEADER_SIZE || *rlen > PAGE_SIZE)
		return -EIO;
	return ret;
}

/* Common tail: transport errno, TPM rc reported, or parse result. */
static int kseal_tpm2_result(int ret, u32 cc, const char *name)
{
	if (ret > 0)
		return kseal_rc_report(ret, cc, name);
	if (ret == -EBADMSG)
		pr_err_ratelimited("TPM2_%s: malformed response\n", name);
	return ret;
}

int kseal_tpm2_get_random(struct kseal_tpm2 *t, u8 *out, size_t len)
{
	struct kseal_tpm2_cmd c;
	u16 got;
	u32 rlen;
	int ret;

	while (len) {
		u16 want = min_t(size_t, len, KSEAL_TPM2_SHA256_SIZE);

		kseal_tpm2_cmd_init(&c, t->page, PAGE_SIZE,
				    TPM2_ST_NO_SESSIONS,
				    TPM2_CC_GET_RANDOM);
		kseal_tpm2_put_u16(&c, want);
		ret = kseal_tpm2_cmd_finish(&c);
		if (ret < 0)
			return ret;
		ret = kseal_tpm2_xmit(t, TPM2_CC_GET_RANDOM, &rlen);
		if (ret)
			goto fail;
		ret = kseal_tpm2_parse_tpm2b(t->page, rlen, out, 0, want, &got);
		if (ret)
			goto fail;
		if (!got) {
			ret = -EIO;	/* no progress: do not spin */
			goto fail;
		}
		out += got;
		len -= got;
	}
	return 0;

fail:
	return kseal_tpm2_result(ret, TPM2_CC_GET_RANDOM, "GetRandom");
}

int kseal_tpm2_pcr_read(struct kseal_tpm2 *t, u32 mask, u8 *out,
			size_t cap)
{
	struct kseal_tpm2_cmd c;
	u32 got, rlen, n;
	int ret;

	if (!mask || mask >> KSEAL_TPM2_PCR_COUNT ||
	    hweight32(mask) * KSEAL_TPM2_SHA256_SIZE > cap)
		return -EINVAL;
	/* The TPM answers a prefix of the selection; ask again for the rest. */
	while (mask) {
		kseal_tpm2_cmd_init(&c, t->page, PAGE_SIZE,
				    TPM2_ST_NO_SESSIONS,
				    TPM2_CC_PCR_READ);
		kseal_tpm2_put_pcr_sel(&c, mask);
		ret = kseal_tpm2_cmd_finish(&c);
		if (ret < 0)
			return ret;
		ret = kseal_tpm2_xmit(t, TPM2_CC_PCR_READ, &rlen);
		if (ret)
			goto fail;
		ret = kseal_tpm2_parse_pcr_read(t->page, rlen, mask, &got,
						out, cap);
		if (ret)
			goto fail;
		/*
		 * Digests land in ascending order only if the TPM answered the
		 * lowest selected PCRs: none skipped below its highest one.
		 */
		if (!got || (mask & ~got & (BIT(fls(got)) - 1))) {
			ret = -EBADMSG;
			goto fail;
		}
		n = hweight32(got) * KSEAL_TPM2_SHA256_SIZE;
		out += n;
		cap -= n;
		mask &= ~got;
	}
	return 0;

fail:
	return kseal_tpm2_result(ret, TPM2_CC_PCR_READ, "PCR_Read");
}

/* Sends a command whose response carries nothing but its code. */
static int kseal_tpm2_simple(struct kseal_tpm2 *t, struct kseal_tpm2_cmd *c,
			     u32 cc, const char *name)
{
	u32 rlen;
	int ret;

	ret = kseal_tpm2_cmd_finish(c);
	if (ret < 0)
		return ret;
	ret = kseal_tpm2_xmit(t, cc, &rlen);
	if (ret)
		return kseal_tpm2_result(ret, cc, name);
	ret = kseal_tpm2_parse_empty(t->page, rlen);
	return kseal_tpm2_result(ret, cc, name);
}

int kseal_tpm2_read_public(struct kseal_tpm2 *t, u32 handle, u8 *pub,
			   u16 *pub_len, u8 *name, u16 *name_len, u16 cap)
{
	struct kseal_tpm2_cmd c;
	const u8 *p, *n;
	u16 p_len, n_len;
	u32 rlen;
	int ret;

	kseal_tpm2_cmd_init(&c, t->page, PAGE_SIZE, TPM2_ST_NO_SESSIONS,
			    KSEAL_TPM2_CC_READ_PUBLIC);
	kseal_tpm2_put_u32(&c, handle);
	ret = kseal_tpm2_cmd_finish(&c);
	if (ret < 0)
		return ret;
	ret = kseal_tpm2_xmit(t, KSEAL_TPM2_CC_READ_PUBLIC, &rlen);
	if (ret)
		goto fail;
	ret = kseal_tpm2_parse_read_public(t->page, rlen, &p, &p_len,
					   &n, &n_len);
	if (ret)
		goto fail;
	if (n_len > cap || p_len > *pub_len) {
		ret = -EBADMSG;
		goto fail;
	}
	memcpy(pub, p, p_len);
	*pub_len = p_len;
	memcpy(name, n, n_len);
	*name_len = n_len;
	return 0;

fail:
	return kseal_tpm2_result(ret, KSEAL_TPM2_CC_READ_PUBLIC, "ReadPublic");
}

/*
 * Checks a successful answer's session: its HMAC, before anything in it
 * is used, then decrypts its first parameter if @attrs asked for that.
 */
static int kseal_tpm2_sess_check(struct kseal_tpm2 *t,
				 struct kseal_tpm2_sess *s, unsigned int index,
				 u32 cc, const char *name, u32 rlen, u8 attrs)
{
	struct kseal_tpm2_resp_auth a;
	int ret;

	ret = kseal_tpm2_parse_resp_auth(t->page, rlen, 0, index, &a);
	if (ret)
		return ret;
	ret = kseal_sess_response(s, cc, t->page + a.params_off, a.params_len,
				  &a, attrs);
	if (ret == -EIO)
		pr_err_ratelimited("TPM2_%s: the response HMAC does not verify: the answer was altered on its way (an interposer on the TPM bus?) or comes from a TPM that is not the provisioned one; nothing from it is used\n",
				   name);
	return ret;
}

/*
 * Sends the command built in @c, authorised by its one session @s: the
 * first parameter (from @params_at) encrypted when @attrs asks, the HMAC
 * over cpHash with the handles' @names written into the room at
 * @hmac_at; then checks the answer's session.
 */
static int kseal_tpm2_sess_xmit(struct kseal_tpm2 *t, struct kseal_tpm2_cmd *c,
				struct kseal_tpm2_sess *s, u32 cc,
				const char *name, const u8 *names,
				u32 names_len, u32 hmac_at, u32 params_at,
				u8 attrs, u32 *rlen)
{
	int ret;

	ret = kseal_tpm2_cmd_finish(c);
	if (ret < 0)
		return ret;
	ret = kseal_sess_command(s, cc, names, names_len, t->page + params_at,
				 ret - params_at, attrs, t->page + hmac_at);
	if (ret)
		return ret;
	ret = kseal_tpm2_xmit(t, cc, rlen);
	if (ret)
		return ret;
	return kseal_tpm2_sess_check(t, s, 0, cc, name, *rlen, attrs);
}

int kseal_tpm2_create_sealed(struct kseal_tpm2 *t, u32 parent,
			     const u8 *parent_name, struct kseal_tpm2_sess *s,
			     const u8 *data, u16 data_len,
			     const u8 *auth, u16 auth_len, const u8 *policy,
			     u8 *pub, u16 *pub_len, u8 *priv, u16 *priv_len)
{
	/* The session ends with the command; its first parameter is secret. */
	const u8 attrs = KSEAL_TPMA_SESSION_DECRYPT;
	struct kseal_tpm2_cmd c;
	const u8 *p_pub, *p_priv;
	u16 n_pub, n_priv;
	u32 at, rlen, hmac_at = 0, params_at;
	int ret;

	kseal_tpm2_cmd_init(&c, t->page, PAGE_SIZE, TPM2_ST_SESSIONS,
			    TPM2_CC_CREATE);
	kseal_tpm2_put_u32(&c, parent);
	/* The parent storage key has an empty password. */
	if (s)
		hmac_at = kseal_tpm2_put_sess_auth(&c, s->handle,
						   s->nonce_caller,
						   sizeof(s->nonce_caller),
						   attrs);
	else
		kseal_tpm2_put_auth(&c, TPM2_RS_PW, 0, NULL, 0);
	params_at = c.len;
	/* inSensitive: userAuth (recovery) and the data to seal. */
	at = kseal_tpm2_size16_open(&c);
	kseal_tpm2_put_tpm2b(&c, auth, auth_len);
	kseal_tpm2_put_tpm2b(&c, data, data_len);
	kseal_tpm2_size16_close(&c, at);
	/*
	 * inPublic: a keyedhash data object that only its policy can unseal
	 * (no userWithAuth) and that can never leave this TPM and parent.
	 */
	at = kseal_tpm2_size16_open(&c);
	kseal_tpm2_put_u16(&c, TPM_ALG_KEYEDHASH);
	kseal_tpm2_put_u16(&c, TPM_ALG_SHA256);
	kseal_tpm2_put_u32(&c, TPM2_OA_FIXED_TPM | TPM2_OA_FIXED_PARENT);
	kseal_tpm2_put_tpm2b(&c, policy, KSEAL_TPM2_SHA256_SIZE);
	kseal_tpm2_put_u16(&c, TPM_ALG_NULL);		/* scheme */
	kseal_tpm2_put_u16(&c, 0);			/* unique */
	kseal_tpm2_size16_close(&c, at);
	kseal_tpm2_put_u16(&c, 0);			/* outsideInfo */
	kseal_tpm2_put_u32(&c, 0);			/* creationPCR */
	if (s) {
		ret = kseal_tpm2_sess_xmit(t, &c, s, TPM2_CC_CREATE, "Create",
					   parent_name, KSEAL_TPM2_NAME_SIZE,
					   hmac_at, params_at, attrs, &rlen);
	} else {
		ret = kseal_tpm2_cmd_finish(&c);
		if (ret < 0)
			goto out;
		ret = kseal_tpm2_xmit(t, TPM2_CC_CREATE, &rlen);
	}
	if (ret)
		goto fail;
	ret = kseal_tpm2_parse_create(t->page, rlen, &p_pub, &n_pub,
				      &p_priv, &n_priv);
	if (ret)
		goto fail;
	if (n_pub > *pub_len || n_priv > *priv_len) {
		ret = -EBADMSG;
		goto fail;
	}
	memcpy(pub, p_pub, n_pub);
	*pub_len = n_pub;
	memcpy(priv, p_priv, n_priv);
	*priv_len = n_priv;
	goto out;

fail:
	ret = kseal_tpm2_result(ret, TPM2_CC_CREATE, "Create");
out:
	/* The command carried the secret, in the clear without a session. */
	memzero_explicit(t->page, PAGE_SIZE);
	return ret;
}

int kseal_tpm2_load(struct kseal_tpm2 *t, u32 parent, const u8 *pub,
		    u16 pub_len, const u8 *priv, u16 priv_len, u32 *handle)
{
	struct kseal_tpm2_cmd c;
	u32 rlen, rc;
	int ret;

	kseal_tpm2_cmd_init(&c, t->page, PAGE_SIZE, TPM2_ST_SESSIONS,
			    TPM2_CC_LOAD);
	kseal_tpm2_put_u32(&c, parent);
	kseal_tpm2_put_auth(&c, TPM2_RS_PW, 0, NULL, 0);
	kseal_tpm2_put_tpm2b(&c, priv, priv_len);
	kseal_tpm2_put_tpm2b(&c, pub, pub_len);
	ret = kseal_tpm2_cmd_finish(&c);
	if (ret < 0)
		return ret;
	ret = kseal_tpm2_xmit(t, TPM2_CC_LOAD, &rlen);
	rc = ret > 0 ? ret : 0;
	if (ret)
		goto result;
	*handle = 0;
	ret = kseal_tpm2_parse_load(t->page, rlen, handle);
	/*
	 * The TPM said success, so the object is loaded even if the rest of
	 * the answer is malformed: flush it, or it leaks. Within our hold of
	 * the chip no other transient object lives.
	 */
	if (ret && (*handle >> 24) == KSEAL_TPM2_HT_TRANSIENT)
		kseal_tpm2_flush(t, *handle);
result:
	ret = kseal_tpm2_result(ret, TPM2_CC_LOAD, "Load");
	/*
	 * A format-one code blames one of the areas (attributes, sizes...):
	 * the blob is bad. Failure mode or a dead TPM stays an I/O error.
	 */
	if (ret == -EINVAL || (ret == -EIO && kseal_rc_is_fmt1(rc)))
		ret = -EBADMSG;
	return ret;
}

/* In 6.12's <linux/tpm.h> (TPM2_RH_NULL, TPM2_SE_POLICY), not in 6.1's. */
#define KSEAL_TPM2_RH_NULL	0x40000007
#define KSEAL_TPM2_AES_BITS	128

/*
 * Salt for a session with the key whose point is @point: ECDH between a
 * fresh key of ours and the TPM key, KDFe "SECRET" over the x coordinates
 * (part 1, 11.4.10.3 and C.6.1). @eph gets our public point, which the
 * command sends as encryptedSalt, @salt the salt.
 */
static int kseal_tpm2_salt(const u8 *point, u8 *eph, u8 *salt)
{
	const u32 half = KSEAL_ECDH_POINT_SIZE / 2;
	u8 z[KSEAL_ECDH_POINT_SIZE / 2];
	int ret;

	ret = kseal_ecdh_p256(point, eph, z);
	if (ret)
		goto out;
	ret = kseal_kdfe(z, sizeof(z), "SECRET", eph, half, point, half, salt);
out:
	memzero_explicit(z, sizeof(z));
	return ret;
}

/*
 * The last salt made, for the key with point @point: an ephemeral P-256
 * multiplication twice over costs more than the whole load it protects,
 * so one salt serves up to KSEAL_SALT_USES sessions. Each session's key
 * still differs (KDFa over both fresh nonces); an interposer sees the
 * same encryptedSalt again and learns nothing more from it. The salt is
 * secret like the keys it carries: kept in kernel memory only and wiped
 * at unload and before hibernation (kseal_tpm2_forget_salt()).
 */
#define KSEAL_SALT_USES	256

static struct {
	struct mutex lock;	/* protects the fields below */
	u32 uses;		/* left; 0: nothing cached */
	u8 point[KSEAL_ECDH_POINT_SIZE];
	u8 eph[KSEAL_ECDH_POINT_SIZE];
	u8 salt[KSEAL_SESS_DIGEST];
} kseal_salt_cache = { .lock = __MUTEX_INITIALIZER(kseal_salt_cache.lock) };

void kseal_tpm2_forget_salt(void)
{
	mutex_lock(&kseal_salt_cache.lock);
	memzero_explicit(&kseal_salt_cache.uses,
			 sizeof(kseal_salt_cache) -
			 offsetof(typeof(kseal_salt_cache), uses));
	mutex_unlock(&kseal_salt_cache.lock);
}

/* A salt for @point: the cached one while it lasts, else a new one. */
static int kseal_tpm2_get_salt(const u8 *point, u8 *eph, u8 *salt)
{
	int ret = 0;

	mutex_lock(&kseal_salt_cache.lock);
	if (!kseal_salt_cache.uses ||
	    memcmp(kseal_salt_cache.point, point, KSEAL_ECDH_POINT_SIZE)) {
		ret = kseal_tpm2_salt(point, kseal_salt_cache.eph,
				      kseal_salt_cache.salt);
		if (ret) {
			kseal_salt_cache.uses = 0;
			goto out;
		}
		memcpy(kseal_salt_cache.point, point, KSEAL_ECDH_POINT_SIZE);
		kseal_salt_cache.uses = KSEAL_SALT_USES;
	}
	kseal_salt_cache.uses--;
	memcpy(eph, kseal_salt_cache.eph, sizeof(kseal_salt_cache.eph));
	memcpy(salt, kseal_salt_cache.salt, sizeof(kseal_salt_cache.salt));
out:
	mutex_unlock(&kseal_salt_cache.lock);
	return ret;
}

int kseal_tpm2_start_session(struct kseal_tpm2 *t, u32 salt_key,
			     const u8 *point, u8 type,
			     struct kseal_tpm2_sess *s)
{
	u8 eph[KSEAL_ECDH_POINT_SIZE], salt[KSEAL_SESS_DIGEST];
	const u32 half = KSEAL_ECDH_POINT_SIZE / 2;
	struct kseal_tpm2_cmd c;
	const u8 *nonce;
	u16 nonce_len;
	u32 rlen, at;
	int ret;

	memset(s, 0, sizeof(*s));
	s->salted = point;
	get_random_bytes(s->nonce_caller, sizeof(s->nonce_caller));
	if (point) {
		ret = kseal_tpm2_get_salt(point, eph, salt);
		if (ret)
			goto out;
	}
	kseal_tpm2_cmd_init(&c, t->page, PAGE_SIZE, TPM2_ST_NO_SESSIONS,
			    KSEAL_TPM2_CC_START_AUTH_SESS);
	kseal_tpm2_put_u32(&c, point ? salt_key : KSEAL_TPM2_RH_NULL);
	kseal_tpm2_put_u32(&c, KSEAL_TPM2_RH_NULL);	/* bind */
	kseal_tpm2_put_tpm2b(&c, s->nonce_caller, sizeof(s->nonce_caller));
	if (point) {
		/* encryptedSalt: our point, a TPMS_ECC_POINT. */
		at = kseal_tpm2_size16_open(&c);
		kseal_tpm2_put_tpm2b(&c, eph, half);
		kseal_tpm2_put_tpm2b(&c, eph + half, half);
		kseal_tpm2_size16_close(&c, at);
		kseal_tpm2_put_u8(&c, type);
		kseal_tpm2_put_u16(&c, KSEAL_TPM2_ALG_AES);
		kseal_tpm2_put_u16(&c, KSEAL_TPM2_AES_BITS);
		kseal_tpm2_put_u16(&c, KSEAL_TPM2_ALG_CFB);
	} else {
		/* Unsalted: the session only accumulates a policy. */
		kseal_tpm2_put_u16(&c, 0);
		kseal_tpm2_put_u8(&c, type);
		kseal_tpm2_put_u16(&c, TPM_ALG_NULL);
	}
	kseal_tpm2_put_u16(&c, TPM_ALG_SHA256);		/* authHash */
	ret = kseal_tpm2_cmd_finish(&c);
	if (ret < 0)
		goto out;
	ret = kseal_tpm2_xmit(t, KSEAL_TPM2_CC_START_AUTH_SESS, &rlen);
	if (ret)
		goto result;
	ret = kseal_tpm2_parse_start_auth(t->page, rlen, &s->handle, &nonce,
					  &nonce_len);
	if (!ret && point)
		ret = kseal_sess_begin(s, salt, sizeof(salt), nonce, nonce_len);
	/* As for Load: the session exists, so a bad answer flushes it. */
	if (ret && ((s->handle >> 24) == KSEAL_TPM2_HT_POLICY_SESSION ||
		    (s->handle >> 24) == KSEAL_TPM2_HT_HMAC_SESSION))
		kseal_tpm2_flush(t, s->handle);
result:
	ret = kseal_tpm2_result(ret, KSEAL_TPM2_CC_START_AUTH_SESS,
				"StartAuthSession");
out:
	memzero_explicit(salt, sizeof(salt));
	if (ret)
		memzero_explicit(s, sizeof(*s));
	return ret;
}

int kseal_tpm2_policy_pcr(struct kseal_tpm2 *t, u32 session, u32 mask)
{
	struct kseal_tpm2_cmd c;

	kseal_tpm2_cmd_init(&c, t->page, PAGE_SIZE, TPM2_ST_NO_SESSIONS,
			    KSEAL_TPM2_CC_POLICY_PCR);
	kseal_tpm2_put_u32(&c, session);
	/* Empty pcrDigest: the TPM uses the PCR values of this moment. */
	kseal_tpm2_put_u16(&c, 0);
	kseal_tpm2_put_pcr_sel(&c, mask);
	return kseal_tpm2_simple(t, &c, KSEAL_TPM2_CC_POLICY_PCR, "PolicyPCR");
}

int kseal_tpm2_policy_or(struct kseal_tpm2 *t, u32 session, const u8 *a,
			 const u8 *b)
{
	struct kseal_tpm2_cmd c;

	kseal_tpm2_cmd_init(&c, t->page, PAGE_SIZE, TPM2_ST_NO_SESSIONS,
			    KSEAL_TPM2_CC_POLICY_OR);
	kseal_tpm2_put_u32(&c, session);
	kseal_tpm2_put_u32(&c, 2);
	kseal_tpm2_put_tpm2b(&c, a, KSEAL_TPM2_SHA256_SIZE);
	kseal_tpm2_put_tpm2b(&c, b, KSEAL_TPM2_SHA256_SIZE);
	return kseal_tpm2_simple(t, &c, KSEAL_TPM2_CC_POLICY_OR, "PolicyOR");
}

int kseal_tpm2_policy_authorize(struct kseal_tpm2 *t, u32 session,
				const u8 *approved, const u8 *signer,
				u32 hierarchy, const u8 *ticket, u16 ticket_len)
{
	struct kseal_tpm2_cmd c;
	u32 rlen;
	int ret;

	kseal_tpm2_cmd_init(&c, t->page, PAGE_SIZE, TPM2_ST_NO_SESSIONS,
			    KSEAL_TPM2_CC_POLICY_AUTHORIZE);
	kseal_tpm2_put_u32(&c, session);
	kseal_tpm2_put_tpm2b(&c, approved, KSEAL_TPM2_SHA256_SIZE);
	kseal_tpm2_put_u16(&c, 0);			/* policyRef: empty */
	/* keySign: the sha256 Name 0x000b || signer */
	kseal_tpm2_put_u16(&c, KSEAL_TPM2_NAME_SIZE);
	kseal_tpm2_put_u16(&c, TPM_ALG_SHA256);
	kseal_tpm2_put_bytes(&c, signer, KSEAL_TPM2_SHA256_SIZE);
	/* checkTicket: TPMT_TK_VERIFIED */
	kseal_tpm2_put_u16(&c, KSEAL_TPM2_ST_VERIFIED);
	kseal_tpm2_put_u32(&c, hierarchy);
	kseal_tpm2_put_tpm2b(&c, ticket, ticket_len);
	ret = kseal_tpm2_cmd_finish(&c);
	if (ret < 0)
		return ret;
	ret = kseal_tpm2_xmit(t, KSEAL_TPM2_CC_POLICY_AUTHORIZE, &rlen);
	if (ret)
		return ret;	/* the caller says why the TPM refused */
	ret = kseal_tpm2_parse_empty(t->page, rlen);
	return kseal_tpm2_result(ret, KSEAL_TPM2_CC_POLICY_AUTHORIZE,
				 "PolicyAuthorize");
}

int kseal_tpm2_policy_password(struct kseal_tpm2 *t, u32 session)
{
	struct kseal_tpm2_cmd c;

	kseal_tpm2_cmd_init(&c, t->page, PAGE_SIZE, TPM2_ST_NO_SESSIONS,
			    KSEAL_TPM2_CC_POLICY_PASSWORD);
	kseal_tpm2_put_u32(&c, session);
	return kseal_tpm2_simple(t, &c, KSEAL_TPM2_CC_POLICY_PASSWORD,
				 "PolicyPassword");
}

int kseal_tpm2_policy_authvalue(struct kseal_tpm2 *t, u32 session)
{
	struct kseal_tpm2_cmd c;

	kseal_tpm2_cmd_init(&c, t->page, PAGE_SIZE, TPM2_ST_NO_SESSIONS,
			    KSEAL_TPM2_CC_POLICY_AUTHVALUE);
	kseal_tpm2_put_u32(&c, session);
	return kseal_tpm2_simple(t, &c, KSEAL_TPM2_CC_POLICY_AUTHVALUE,
				 "PolicyAuthValue");
}

int kseal_tpm2_unseal(struct kseal_tpm2 *t, u32 item, const u8 *item_name,
		      struct kseal_tpm2_sess *s, struct kseal_tpm2_sess *enc,
		      u8 *out, u16 cap, u16 *out_len)
{
	/*
	 * continueSession clear: the TPM ends the sessions when Unseal
	 * succeeds, which saves a FlushContext. The salted session encrypts
	 * the answer.
	 */
	const u8 attrs = KSEAL_TPMA_SESSION_ENCRYPT;
	struct kseal_tpm2_sess *crypt = enc ? enc : (s->salted ? s : NULL);
	u32 rlen, at, hmac_at = 0, enc_hmac_at = 0;
	struct kseal_tpm2_cmd c;
	int ret;

	kseal_tpm2_cmd_init(&c, t->page, PAGE_SIZE, TPM2_ST_SESSIONS,
			    TPM2_CC_UNSEAL);
	kseal_tpm2_put_u32(&c, item);
	at = kseal_tpm2_size32_open(&c);
	if (s->salted)
		hmac_at = kseal_tpm2_put_sess(&c, s->handle, s->nonce_caller,
					      sizeof(s->nonce_caller),
					      enc ? 0 : attrs);
	else	/* After PolicyPassword the hmac field is the authValue. */
		kseal_tpm2_put_pw_sess(&c, s->handle, 0, s->auth, s->auth_len);
	if (enc)
		enc_hmac_at = kseal_tpm2_put_sess(&c, enc->handle,
						  enc->nonce_caller,
						  sizeof(enc->nonce_caller),
						  attrs);
	kseal_tpm2_size32_close(&c, at);
	ret = kseal_tpm2_cmd_finish(&c);
	if (ret < 0)
		goto out;
	/* Unseal has no parameters: the HMACs cover its code and Name. */
	if (s->salted) {
		ret = kseal_sess_command(s, TPM2_CC_UNSEAL, item_name,
					 KSEAL_TPM2_NAME_SIZE, NULL, 0,
					 enc ? 0 : attrs, t->page + hmac_at);
		if (ret)
			goto out;
	}
	if (enc) {
		ret = kseal_sess_command(enc, TPM2_CC_UNSEAL, item_name,
					 KSEAL_TPM2_NAME_SIZE, NULL, 0, attrs,
					 t->page + enc_hmac_at);
		if (ret)
			goto out;
	}
	ret = kseal_tpm2_xmit(t, TPM2_CC_UNSEAL, &rlen);
	if (ret)
		goto result;
	if (crypt) {
		ret = kseal_tpm2_sess_check(t, crypt, enc ? 1 : 0,
					    TPM2_CC_UNSEAL, "Unseal", rlen,
					    attrs);
		if (ret)
			goto result;
	}
	ret = kseal_tpm2_parse_tpm2b(t->page, rlen, out, 0, cap, out_len);
result:
	if (ret > 0 && kseal_rc_is(ret, KSEAL_RC_PCR_CHANGED))
		ret = -EAGAIN;	/* the caller runs a new session */
	else
		ret = kseal_tpm2_result(ret, TPM2_CC_UNSEAL, "Unseal");
out:
	memzero_explicit(t->page, PAGE_SIZE);
	return ret;
}

/*
 * Through the kernel's tpm_pcr_extend(), which takes the chip's ops itself:
 * t's hold ends before it is called (the caller's kseal_tpm2_close() then
 * has nothing left to do). The command sent is the one kseal built before
 * (every allocated bank, empty password session), counted as it goes out.
 * The kernel checks the answer's header only: a TPM error still comes back
 * as its code, reported and mapped here as before (the TPM driver logs it
 * too), and no answer still as -EIO, as does any other kernel errno (the
 * chip gone between our hold and the kernel's, its buffer not allocated).
 * A success code followed by malformed bytes, which kseal's own parser
 * refused with EBADMSG, now passes: the TPM said the extend was done, and
 * counting the PCR locked refuses more, never less.
 */
int kseal_tpm2_pcr_extend(struct kseal_tpm2 *t, u32 pcr)
{
	struct tpm_chip *chip = t->chip;
	unsigned int i, n = chip->nr_allocated_banks;
	struct tpm_digest *digests;
	int ret;

	if (pcr >= KSEAL_TPM2_PCR_COUNT || !n)
		return -EINVAL;
	digests = kcalloc(n, sizeof(*digests), GFP_KERNEL);
	if (!digests)
		return -ENOMEM;
	/* Every active bank, so the PCR is locked for every policy user. */
	for (i = 0; i < n; i++) {
		u16 size = chip->allocated_banks[i].digest_size;

		if (size > sizeof(digests[i].digest)) {
			ret = -EINVAL;
			goto out;
		}
		digests[i].alg_id = chip->allocated_banks[i].alg_id;
		get_random_bytes(digests[i].digest, size);
	}
	get_device(&chip->dev);
	kseal_tpm2_close(t);
	kseal_tpm2_count(TPM2_CC_PCR_EXTEND);
	ret = tpm_pcr_extend(chip, pcr, digests);
	put_device(&chip->dev);
	if (ret < 0)
		ret = -EIO;
	ret = kseal_tpm2_result(ret, TPM2_CC_PCR_EXTEND, "PCR_Extend");
out:
	kfree(digests);
	return ret;
}

/*
 * Through the kernel's tpm2_flush_context(), under t's hold. It ignores the
 * answer, as kseal did with a well-formed one: a TPM error is now logged by
 * the TPM driver ("A TPM error (...) occurred flushing context") rather than
 * as "kseal: TPM2_FlushContext failed: ...", and a malformed answer goes
 * unremarked. Nothing followed from either. The command is counted before
 * it is sent, as every other: if the kernel cannot allocate its buffer it
 * is counted and not sent (the kernel warns that the handle was not
 * flushed).
 */
void kseal_tpm2_flush(struct kseal_tpm2 *t, u32 handle)
{
	kseal_tpm2_count(TPM2_CC_FLUSH_CONTEXT);
	tpm2_flush_context(t->chip, handle);
}
