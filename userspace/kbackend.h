/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel side of ksealctl: the keyrings API and the module's sysfs
 * files. ksealctl links the libkeyutils backend (keyctl_keyutils.c) that
 * defines these functions; the host tests link a fake one
 * (tests/helper/fake_keyctl.c) with the same objects otherwise.
 * Functions return -1 with errno set on failure, like libkeyutils.
 */
#ifndef KSEAL_KBACKEND_H
#define KSEAL_KBACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef int32_t kserial_t;

/* The caller's session keyring (KEY_SPEC_SESSION_KEYRING). */
#define KB_SESSION_RING ((kserial_t)-3)
/* The caller's process keyring, made on first use (KEY_SPEC_PROCESS_KEYRING). */
#define KB_PROCESS_RING ((kserial_t)-2)

struct kb_entry {
	kserial_t serial;
	char type[32];
	char desc[128];
};

/* Keyring called @name linked into the user keyring; made if missing. */
kserial_t kb_keyring(const char *name, int create);
/* A fresh keyring for staging, linked into the user keyring. */
kserial_t kb_new_keyring(const char *name);
/* Unlinks a staging keyring from the user keyring. */
long kb_drop_keyring(kserial_t ring);
kserial_t kb_add(const char *type, const char *desc,
		 const char *payload, size_t len, kserial_t ring);
long kb_update(kserial_t key, const char *payload, size_t len);
/* Reads a key's payload into a malloc'd NUL-terminated buffer. */
long kb_read(kserial_t key, char **out);
/* Search @ring (recursively) for a key of @type and @desc. */
kserial_t kb_search(kserial_t ring, const char *type, const char *desc);
/* The keys linked directly in @ring; malloc'd array in *out. */
long kb_list(kserial_t ring, struct kb_entry **out);
long kb_link(kserial_t key, kserial_t ring);
long kb_unlink(kserial_t key, kserial_t ring);
long kb_revoke(kserial_t key);
/*
 * Makes sure the caller has a session keyring, where the module puts
 * logon keys: a process without one gets the user session keyring.
 */
long kb_session_ring(void);
/* keyctl pkey_sign / pkey_verify, raw encoding, sha256. */
long kb_pkey_sign(kserial_t key, const void *data, size_t len,
		  void *sig, size_t siglen);
long kb_pkey_verify(kserial_t key, const void *data, size_t len,
		    const void *sig, size_t siglen);
/* Extends @pcr with a random value through the module (lock). */
long kb_lock_pcr(unsigned int pcr);

#endif /* KSEAL_KBACKEND_H */
