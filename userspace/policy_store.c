// SPDX-License-Identifier: GPL-2.0-only
/*
 * The installed signed policies (policy_store.h): STATE/policy/<pkfp>.json,
 * one file per signing key, and the signing keys the key files record.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ksealctl.h"
#include "policy_store.h"
#include "state.h"

#define POLICY_DIR	"policy"

static void fp_file(const uint8_t *fp, char *out, size_t len)
{
	char hex[2 * PK_FP_SIZE + 1];

	hex_encode(fp, PK_FP_SIZE, hex);
	snprintf(out, len, "%s.json", hex);
}

int spolicy_installed(const char *dir, const uint8_t *fp,
		      struct spolicy_set *s)
{
	char file[2 * PK_FP_SIZE + 8], path[4096], *text;
	const char *why;
	size_t i;
	long at;
	int fd;

	memset(s, 0, sizeof(*s));
	fp_file(fp, file, sizeof(file));
	snprintf(path, sizeof(path), "%s/%s/%s", dir, POLICY_DIR, file);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT)
		return KX_OK;
	text = fd >= 0 ? read_fd_all(fd) : NULL;
	if (fd >= 0)
		close(fd);
	if (!text) {
		kerr("policy: cannot read %s: %s; check the file or install it again",
		     path, strerror(errno));
		return KX_STATE;
	}
	if (!spolicy_parse(text, s, &why, &at)) {
		free(text);
		kerr("policy: %s is damaged (%s); install the signed policy file again",
		     path, why);
		return KX_STATE;
	}
	free(text);
	for (i = 0; i < s->n; i++) {
		if (memcmp(s->e[i].fp, fp, PK_FP_SIZE)) {
			spolicy_free(s);
			kerr("policy: %s holds an entry of another signing key; install the signed policy file again",
			     path);
			return KX_STATE;
		}
	}
	return KX_OK;
}

int spolicy_install(struct kstate *st, const uint8_t *fp,
		    const struct spolicy_set *s)
{
	struct spolicy_set mine = { 0 };
	char file[2 * PK_FP_SIZE + 8], *text = NULL;
	int fd = -1, rc = KX_STATE;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!memcmp(s->e[i].fp, fp, PK_FP_SIZE) &&
		    !spolicy_add(&mine, &s->e[i]))
			goto out;
	text = spolicy_to_json(&mine);
	if (!text)
		goto out;
	if (mkdirat(st->dirfd, POLICY_DIR, 0700) && errno != EEXIST)
		goto fail;
	fd = openat(st->dirfd, POLICY_DIR,
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	fp_file(fp, file, sizeof(file));
	if (fd < 0 || write_atomic(fd, file, text, strlen(text)))
		goto fail;
	fsync(st->dirfd);
	rc = KX_OK;
	goto out;
fail:
	kerr("policy: cannot write %s/%s/%s: %s; the installed policies are unchanged, check free space and permissions",
	     st->dir, POLICY_DIR, file, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	free(text);
	spolicy_free(&mine);
	return rc;
}

bool known_policy_key(const struct kstate *st, const uint8_t *fp,
		      struct policy_key *k)
{
	const char *why;
	size_t i;

	for (i = 0; i < st->n; i++) {
		const struct kkey *key = &st->keys[i];

		if (key->removed || !key->pk_pem)
			continue;
		if (!policy_key_from_pem(k, key->pk_pem, false, &why))
			continue;
		if (!memcmp(k->fp, fp, PK_FP_SIZE))
			return true;
		policy_key_free(k);
	}
	return false;
}
