// SPDX-License-Identifier: GPL-2.0-only
/*
 * The logon key goes to the session keyring of the process that creates
 * or loads the kseal key: that is where cryptsetup and dmsetup, run from
 * the same session (a boot unit, an admin shell), find it. The kseal key
 * keeps a reference so that revoking it removes the logon key too.
 */
#include <linux/err.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "kseal_logon.h"

#define KSEAL_LOGON_PERM (KEY_POS_VIEW | KEY_POS_SEARCH | KEY_POS_LINK | \
			  KEY_POS_SETATTR | KEY_USR_VIEW)

/*
 * Ordered: a revoke queued before the publish of the same name runs
 * first, so the new logon key never meets the old one still valid (a
 * logon key cannot be updated without Write, and has none).
 */
static struct workqueue_struct *kseal_logon_wq;

/*
 * Exports not yet withdrawn. Two kseal keys must not export one name to
 * one keyring: the second would silently leave the first one's bytes in
 * place, and revoking the first would take the volume key away.
 */
static LIST_HEAD(kseal_logon_live);
static DEFINE_SPINLOCK(kseal_logon_lock);

int kseal_logon_init(void)
{
	kseal_logon_wq = alloc_ordered_workqueue("kseal_logon", 0);
	return kseal_logon_wq ? 0 : -ENOMEM;
}

void kseal_logon_exit(void)
{
	destroy_workqueue(kseal_logon_wq);
}

/* Put @l on the live list unless its name is taken in its keyring. */
static bool kseal_logon_claim(struct kseal_logon *l)
{
	struct kseal_logon *o;
	bool taken = false;

	spin_lock(&kseal_logon_lock);
	list_for_each_entry(o, &kseal_logon_live, node) {
		if (o->keyring == l->keyring && !strcmp(o->desc, l->desc)) {
			taken = true;
			break;
		}
	}
	if (!taken)
		list_add(&l->node, &kseal_logon_live);
	spin_unlock(&kseal_logon_lock);
	return !taken;
}

static void kseal_logon_unclaim(struct kseal_logon *l)
{
	spin_lock(&kseal_logon_lock);
	list_del_init(&l->node);
	spin_unlock(&kseal_logon_lock);
}

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
	INIT_LIST_HEAD(&l->node);
	l->keyring = key_get(cred->session_keyring);
	strscpy(l->desc, desc, sizeof(l->desc));
	if (!kseal_logon_claim(l)) {
		pr_info_ratelimited("logon=%s: another kseal key already exports that name to this session keyring; revoke it first or choose another name\n",
				    desc);
		key_put(l->keyring);
		kfree(l);
		return ERR_PTR(-EEXIST);
	}
	l->cred = get_current_cred();
	memcpy(l->data, data, len);
	l->len = len;
	INIT_WORK(&l->publish, kseal_logon_publish_work);
	INIT_WORK(&l->revoke, kseal_logon_revoke_work);
	queue_work(kseal_logon_wq, &l->publish);
	return l;
}

void kseal_logon_revoke(struct kseal_logon *l)
{
	if (!l)
		return;
	/* The name is free again now: the revoke is queued before any reuse. */
	kseal_logon_unclaim(l);
	queue_work(kseal_logon_wq, &l->revoke);
}

void kseal_logon_destroy(struct kseal_logon *l)
{
	if (!l)
		return;
	kseal_logon_unclaim(l);
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
