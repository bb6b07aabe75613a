/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Export of a data key as a kernel "logon" key, the form dm-crypt tables
 * (":<size>:logon:<desc>") reference. Logon keys cannot be read from user
 * space; the kseal key withdraws its logon key when revoked or destroyed.
 */
#ifndef KSEAL_LOGON_H
#define KSEAL_LOGON_H

#include <linux/cred.h>
#include <linux/key.h>
#include <linux/workqueue.h>
#include <kseal/limits.h>

struct kseal_logon {
	struct list_head node;		/* on the live list until withdrawn */
	struct key *keyring;		/* the caller's session keyring */
	const struct cred *cred;	/* the caller's, to act as it */
	struct key *key;		/* the logon key once made */
	struct work_struct publish;
	struct work_struct revoke;
	size_t len;
	u8 data[KSEAL_DATA_KEY_MAX];	/* wiped once published */
	char desc[KSEAL_LOGON_DESC_MAX + 1];
};

int kseal_logon_init(void);
void kseal_logon_exit(void);

/*
 * Queue the creation of logon key @desc with @len bytes of @data in the
 * caller's session keyring, as the caller. It cannot happen in place:
 * add_key holds the destination keyring's lock while instantiating, and
 * that keyring is often the session keyring. It runs as soon as add_key
 * returns. Returns the export or an ERR_PTR (-ENOKEY: no session keyring;
 * -EEXIST: another kseal key exports @desc to that keyring and has not
 * been revoked).
 */
struct kseal_logon *kseal_logon_publish(const char *desc, const u8 *data,
					size_t len);

/*
 * Revoke and invalidate the logon key soon, from a work item: the caller
 * holds the kseal key's sem, and the logon key's sem has the same lock
 * class. NULL allowed.
 */
void kseal_logon_revoke(struct kseal_logon *l);

/*
 * Wait for the queued work, revoke the logon key, free @l (NULL allowed).
 * Unregistering the key type destroys every kseal key before the module
 * goes, so no work item outlives the module's code.
 */
void kseal_logon_destroy(struct kseal_logon *l);

#endif /* KSEAL_LOGON_H */
