// SPDX-License-Identifier: GPL-2.0-only
/*
 * The logon key goes to the session keyring of the process that creates
 * or loads the kseal key: that is where cryptsetup and dmsetup, run from
 * the same session (a boot unit, an admin shell), find it. The kseal key
 * keeps a reference so that revoking it removes the logon key too.
 */
#define pr_fmt(fmt) "kseal: " fmt

#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kseal_logon.h"

#define KSEAL_LOGON_PERM (KEY_POS_VIEW | KEY_POS_SEARCH | KEY_POS_LINK | \
			  KEY_POS_SETATTR | KEY_USR_VIEW)

static void kseal_logon_publish_work(struct work_struct *work)
{
	struct kseal_logon *l = container_of(work, struct kseal_logon,
					     publish);
	const struct cred *old;
	key_ref_t ref;

	old = override_creds(l->cred);
	ref = key_create_or_update(make_key_ref(l->keyring, true), "logon",
				   l->desc, l->data, l->len, KSEAL_LOGON_PERM,
				   KEY_ALLOC_NOT_IN_QUOTA);
	revert_creds(old);
	memzero_explicit(l->data, sizeof(l->data));
	if (IS_ERR(ref))
		pr_warn("logon key %s not created (error %ld): dm-crypt cannot use it\n",
			l->desc, PTR_ERR(ref));
	else
		l->key = key_ref_to_ptr(ref);
}

static void kseal_logon_revoke_work(struct work_struct *work)
{
	struct kseal_logon *l = container_of(work, struct kseal_logon, revoke);

	flush_work(&l->publish);
	if (l->key) {
		key_revoke(l->key);
		key_invalidate(l->key);
	}
}

struct kseal_logon *kseal_logon_publish(const char *desc, const u8 *data,
					size_t len)
{
	const struct cred *cred = current_cred();
	struct kseal_logon *l;

	if (!cred->session_keyring) {
		pr_info_ratelimited("logon=%s: the caller has no session keyring to hold it (keyctl new_session, or any access to @s, makes one)\n",
				    desc);
		return ERR_PTR(-ENOKEY);
	}
	if (len > sizeof(l->data) || strlen(desc) >= sizeof(l->desc))
		return ERR_PTR(-EINVAL);
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return ERR_PTR(-ENOMEM);
	l->keyring = key_get(cred->session_keyring);
	l->cred = get_current_cred();
	memcpy(l->data, data, len);
	l->len = len;
	strscpy(l->desc, desc, sizeof(l->desc));
	INIT_WORK(&l->publish, kseal_logon_publish_work);
	INIT_WORK(&l->revoke, kseal_logon_revoke_work);
	schedule_work(&l->publish);
	return l;
}

void kseal_logon_revoke(struct kseal_logon *l)
{
	if (l)
		schedule_work(&l->revoke);
}

void kseal_logon_destroy(struct kseal_logon *l)
{
	if (!l)
		return;
	flush_work(&l->publish);
	flush_work(&l->revoke);
	/* No kseal key sem is held on destroy: revoke here, again if need be. */
	if (l->key) {
		key_revoke(l->key);
		key_invalidate(l->key);
		key_put(l->key);
	}
	key_put(l->keyring);
	put_cred(l->cred);
	kfree_sensitive(l);
}
