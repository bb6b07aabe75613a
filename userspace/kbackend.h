/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel side of ksealctl behind function pointers: the keyrings API
 * and the module's sysfs files. ksealctl links the libkeyutils backend;
 * the host tests link a fake one with the same objects otherwise.
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

struct kbackend {
	const char *name;
	/* Keyring called @name linked into the user keyring; made if missing. */
	kserial_t (*keyring)(const char *name, int create);
	/* A fresh keyring for staging, linked into the user keyring. */
	kserial_t (*new_keyring)(const char *name);
	/* Unlinks a staging keyring from the user keyring. */
	long (*drop_keyring)(kserial_t ring);
	kserial_t (*add)(const char *type, const char *desc,
			 const char *payload, size_t len, kserial_t ring);
	long (*update)(kserial_t key, const char *payload, size_t len);
	/* Reads a key's payload into a malloc'd NUL-terminated buffer. */
	long (*read)(kserial_t key, char **out);
	/* Search @ring (recursively) for a key of @type and @desc. */
	kserial_t (*search)(kserial_t ring, const char *type, const char *desc);
	/* The keys linked directly in @ring; malloc'd array in *out. */
	long (*list)(kserial_t ring, struct kb_entry **out);
	long (*link)(kserial_t key, kserial_t ring);
	long (*unlink)(kserial_t key, kserial_t ring);
	long (*revoke)(kserial_t key);
	/*
	 * Makes sure the caller has a session keyring, where the module puts
	 * logon keys: a process without one gets the user session keyring.
	 */
	long (*session_ring)(void);
	/* keyctl pkey_sign / pkey_verify, raw encoding, sha256. */
	long (*pkey_sign)(kserial_t key, const void *data, size_t len,
			  void *sig, size_t siglen);
	long (*pkey_verify)(kserial_t key, const void *data, size_t len,
			    const void *sig, size_t siglen);
	/* Extends @pcr with a random value through the module (lock). */
	long (*lock_pcr)(unsigned int pcr);
};

extern const struct kbackend *kb;

#endif /* KSEAL_KBACKEND_H */
