// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "kseal_tang" key type (kseal_tang_session.h). Its payload holds the
 * blinding scalars e_i, which never leave the kernel, and the request text
 * that keyctl read returns. Nothing in it is secret on its own: X_i hides
 * C_i, and without the server's answer e_i gives nothing.
 */
#include <crypto/sha2.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/key-type.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "kseal_blob.h"
#include "kseal_hex.h"
#include "kseal_tang_session.h"

struct kseal_tang_sess {
	struct rcu_head rcu;
	u8 digest[SHA256_DIGEST_SIZE];	/* of the blob it was begun for */
	struct kseal_ecmr_scalar e[KSEAL_TANG_SERVERS_MAX];
	size_t text_len;
	/* N lines "<i> <hex X_i>\n" */
	char text[KSEAL_TANG_SERVERS_MAX * (2 + 2 * KSEAL_TANG_POINT_MAX + 1)];
};

#define KSEAL_TANG_BEGIN	"begin "

static void kseal_tang_sess_free(struct kseal_tang_sess *s)
{
	kfree_sensitive(s);
}

/* The blob of "begin <hex>", decoded and parsed; it must be Tang-bound. */
static int kseal_tang_begin_blob(const char *hex, size_t n, u8 **blob,
				 size_t *len, struct kseal_sealed_blob *b)
{
	int ret;

	if (n > 1 && hex[n - 1] == '\n')
		n--;
	if (!n || n & 1 || n / 2 > KSEAL_BLOB_MAX)
		return -EINVAL;
	*blob = kmalloc(n / 2, GFP_KERNEL);
	if (!*blob)
		return -ENOMEM;
	ret = kseal_hex_decode(hex, n, *blob, n / 2);
	if (ret < 0)
		return -EINVAL;
	*len = ret;
	ret = kseal_sealed_blob_parse(*blob, *len, b);
	if (ret)
		return ret;
	if (!(b->flags & KSEAL_BLOB_F_TANG)) {
		pr_info_ratelimited("kseal_tang begin: the blob is not bound to Tang servers\n");
		return -EINVAL;
	}
	return 0;
}

static int kseal_tang_instantiate(struct key *key,
				  struct key_preparsed_payload *prep)
{
	const size_t pfx = sizeof(KSEAL_TANG_BEGIN) - 1;
	struct kseal_tang_sess *s = NULL;
	struct kseal_sealed_blob *b;
	unsigned int c, i;
	u8 *blob = NULL, *x = NULL;
	size_t len = 0;
	char *p;
	int ret;

	if (prep->datalen <= pfx ||
	    memcmp(prep->data, KSEAL_TANG_BEGIN, pfx))
		return -EINVAL;
	b = kmalloc(sizeof(*b), GFP_KERNEL);
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	x = kmalloc(KSEAL_TANG_POINT_MAX, GFP_KERNEL);
	if (!b || !s || !x) {
		ret = -ENOMEM;
		goto out;
	}
	ret = kseal_tang_begin_blob((const char *)prep->data + pfx,
				    prep->datalen - pfx, &blob, &len, b);
	if (ret)
		goto out;
	sha256(blob, len, s->digest);
	c = kseal_tang_coord_size(b->tang.curve);
	p = s->text;
	for (i = 0; i < b->tang.n; i++) {
		ret = kseal_ecmr_blind(b->tang.curve, b->tang.srv[i].c, &s->e[i],
				       x);
		if (ret) {
			pr_err_ratelimited("kseal_tang begin: the blob's point C_%u is not on its curve\n",
					   i + 1);
			goto out;
		}
		p += sprintf(p, "%u ", i + 1);
		kseal_hex_encode(x, 2 * c, p);
		p += 4 * c;
		*p++ = '\n';
	}
	s->text_len = p - s->text;
	ret = key_payload_reserve(key, sizeof(*s));
	if (ret)
		goto out;
	rcu_assign_keypointer(key, s);
	s = NULL;
out:
	kfree(blob);
	kfree(x);
	kfree(b);
	kseal_tang_sess_free(s);
	return ret;
}

/* One exchange per session: a new blob needs a new session. */
static int kseal_tang_update(struct key *key,
			     struct key_preparsed_payload *prep)
{
	return -EOPNOTSUPP;
}

static long kseal_tang_read(const struct key *key, char *buffer, size_t buflen)
{
	const struct kseal_tang_sess *s = dereference_key_locked(key);

	if (!s)
		return -EKEYREVOKED;
	if (buffer && buflen >= s->text_len)
		memcpy(buffer, s->text, s->text_len);
	return s->text_len;
}

static void kseal_tang_free_rcu(struct rcu_head *head)
{
	kseal_tang_sess_free(container_of(head, struct kseal_tang_sess, rcu));
}

/* The scalars go at once; readers under RCU see the payload or none. */
static void kseal_tang_revoke(struct key *key)
{
	struct kseal_tang_sess *s = dereference_key_locked(key);

	key_payload_reserve(key, 0);
	rcu_assign_keypointer(key, NULL);
	if (s)
		call_rcu(&s->rcu, kseal_tang_free_rcu);
}

static void kseal_tang_destroy(struct key *key)
{
	kseal_tang_sess_free(rcu_dereference_protected(key->payload.rcu_data0,
						       1));
}

static void kseal_tang_describe(const struct key *key, struct seq_file *m)
{
	seq_puts(m, key->description);
	if (key_is_positive(key) && !rcu_access_pointer(key->payload.rcu_data0))
		seq_puts(m, ": used");
}

struct key_type kseal_tang_type = {
	.name = "kseal_tang",
	.instantiate = kseal_tang_instantiate,
	.update = kseal_tang_update,
	.revoke = kseal_tang_revoke,
	.destroy = kseal_tang_destroy,
	.describe = kseal_tang_describe,
	.read = kseal_tang_read,
};

int kseal_tang_session_take(const char *desc, const u8 *blob, size_t len,
			    struct kseal_ecmr_scalar *e)
{
	u8 digest[SHA256_DIGEST_SIZE];
	struct kseal_tang_sess *s;
	struct key *key;
	int ret = 0;

	key = request_key(&kseal_tang_type, desc, NULL);
	if (IS_ERR(key)) {
		if (PTR_ERR(key) == -EKEYREVOKED)
			pr_err_ratelimited("tang_session=%s was used by a load already: begin a new one\n",
					   desc);
		else
			pr_err_ratelimited("tang_session=%s: no kseal_tang key of that description in this process's keyrings (%ld)\n",
					   desc, PTR_ERR(key));
		return PTR_ERR(key);
	}
	sha256(blob, len, digest);
	down_write(&key->sem);
	s = dereference_key_locked(key);
	if (!s) {
		pr_err_ratelimited("tang_session=%s was used by a load already: begin a new one\n",
				   desc);
		ret = -EKEYREVOKED;
	} else if (memcmp(digest, s->digest, sizeof(digest))) {
		pr_err_ratelimited("tang_session= belongs to another blob\n");
		ret = -EINVAL;
	} else {
		memcpy(e, s->e, sizeof(s->e));
	}
	up_write(&key->sem);
	/* One load per session, whatever it does with the answers. */
	key_revoke(key);
	key_put(key);
	return ret;
}
