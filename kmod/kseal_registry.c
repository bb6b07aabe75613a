// SPDX-License-Identifier: GPL-2.0-only
/*
 * The registry of loaded sealed keys by id, where data blobs find their
 * wrapping key, and each entry's cache of the transform that wraps data
 * keys. A sealed key joins when it is instantiated and leaves when it is
 * revoked or destroyed; its KSEAL_SLOT_REG points to its entry.
 */
#include <linux/err.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kseal_crypto.h"
#include "kseal_kdf.h"
#include "kseal_key.h"
#include "kseal_registry.h"

/* Label of the key that wraps data keys. */
#define KSEAL_WRAP_LABEL	"kseal wrap v1"

struct kseal_reg {
	struct list_head node;
	struct key *key;
	u8 id[KSEAL_SEALED_ID_SIZE];
	struct kseal_wrap *wrap;	/* made on first use; a reference */
};

static LIST_HEAD(kseal_registry);
static DEFINE_MUTEX(kseal_registry_lock);

int kseal_registry_add(struct key *key, const u8 *id)
{
	struct kseal_reg *reg;

	reg = kzalloc(sizeof(*reg), GFP_KERNEL);
	if (!reg)
		return -ENOMEM;
	reg->key = key;
	memcpy(reg->id, id, sizeof(reg->id));
	mutex_lock(&kseal_registry_lock);
	list_add(&reg->node, &kseal_registry);
	key->payload.data[KSEAL_SLOT_REG] = reg;
	mutex_unlock(&kseal_registry_lock);
	return 0;
}

void kseal_registry_forget(struct key *key)
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

struct kseal_wrap *kseal_wrap_get(struct key *key)
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

struct key *kseal_registry_find(const u8 *id)
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
