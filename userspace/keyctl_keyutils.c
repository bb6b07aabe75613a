// SPDX-License-Identifier: GPL-2.0-only
/*
 * The real kernel backend: libkeyutils and /sys/kernel/kseal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <keyutils.h>

#include "kbackend.h"
#include "ksealctl.h"

kserial_t kb_keyring(const char *name, int create)
{
	key_serial_t k;

	/* Not recursive on purpose: the documented place is @u itself. */
	k = keyctl_search(KEY_SPEC_USER_KEYRING, "keyring", name, 0);
	if (k >= 0 || errno != ENOKEY || !create)
		return k;
	return add_key("keyring", name, NULL, 0, KEY_SPEC_USER_KEYRING);
}

kserial_t kb_new_keyring(const char *name)
{
	key_serial_t old = keyctl_search(KEY_SPEC_USER_KEYRING, "keyring",
					 name, 0);

	/* A leftover from an interrupted run holds nothing we still need. */
	if (old >= 0)
		keyctl_unlink(old, KEY_SPEC_USER_KEYRING);
	return add_key("keyring", name, NULL, 0, KEY_SPEC_USER_KEYRING);
}

long kb_drop_keyring(kserial_t ring)
{
	return keyctl_unlink(ring, KEY_SPEC_USER_KEYRING);
}

kserial_t kb_add(const char *type, const char *desc,
		 const char *payload, size_t len, kserial_t ring)
{
	return add_key(type, desc, payload, len, ring);
}

long kb_update(kserial_t key, const char *payload, size_t len)
{
	return keyctl_update(key, payload, len);
}

long kb_read(kserial_t key, char **out)
{
	void *buf = NULL;
	long n = keyctl_read_alloc(key, &buf);

	if (n < 0)
		return -1;
	*out = buf;
	return n;
}

kserial_t kb_search(kserial_t ring, const char *type, const char *desc)
{
	return keyctl_search(ring, type, desc, 0);
}

long kb_list(kserial_t ring, struct kb_entry **out)
{
	void *buf = NULL;
	key_serial_t *ids;
	struct kb_entry *e;
	long n, i, m = 0;

	n = keyctl_read_alloc(ring, &buf);
	if (n < 0)
		return -1;
	ids = buf;
	n /= (long)sizeof(*ids);
	e = calloc(n ? n : 1, sizeof(*e));
	if (!e) {
		free(buf);
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < n; i++) {
		char *d = NULL, *p;
		int f;

		/* "type;uid;gid;perm;description" */
		if (keyctl_describe_alloc(ids[i], &d) < 0)
			continue;
		p = d;
		for (f = 0; f < 4 && p; f++)
			p = strchr(p, ';') ? strchr(p, ';') + 1 : NULL;
		if (p) {
			*strchr(d, ';') = '\0';
			snprintf(e[m].type, sizeof(e[m].type), "%s", d);
			snprintf(e[m].desc, sizeof(e[m].desc), "%s", p);
			e[m].serial = ids[i];
			m++;
		}
		free(d);
	}
	free(buf);
	*out = e;
	return m;
}

long kb_link(kserial_t key, kserial_t ring)
{
	return keyctl_link(key, ring);
}

long kb_unlink(kserial_t key, kserial_t ring)
{
	return keyctl_unlink(key, ring);
}

long kb_revoke(kserial_t key)
{
	return keyctl_revoke(key);
}

/* The first access installs the user session keyring if there is none. */
long kb_session_ring(void)
{
	return keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
}

/* The module takes raw data and names its hash: see kseal(7). */
#define KU_PKEY_INFO "enc=raw hash=sha256"

long kb_pkey_sign(kserial_t key, const void *data, size_t len,
		  void *sig, size_t siglen)
{
	return keyctl_pkey_sign(key, KU_PKEY_INFO, data, len, sig, siglen);
}

long kb_pkey_verify(kserial_t key, const void *data, size_t len,
		    const void *sig, size_t siglen)
{
	return keyctl_pkey_verify(key, KU_PKEY_INFO, data, len, sig, siglen);
}

long kb_lock_pcr(unsigned int pcr)
{
	char buf[16];
	int fd, n, saved;

	fd = open(KSEAL_SYSFS "/lock", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "%u\n", pcr);
	if (write(fd, buf, n) != n) {
		saved = errno;
		close(fd);
		errno = saved ? saved : EIO;
		return -1;
	}
	return close(fd);
}
