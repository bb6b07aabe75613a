// SPDX-License-Identifier: GPL-2.0-only
/*
 * State directory: locking, reading and atomic generation swaps.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include <kseal/blob.h>

#include "payload.h"
#include "state.h"
#include "tang.h"

#define CURRENT		"current"
#define CURRENT_TMP	"current.tmp"
#define LOCKFILE	"lock"
#define METAFILE	"state.json"
#define POLICYDIR	"policy"	/* signed policies, policy_store.c */

static bool parse_gen(const char *s, unsigned int *gen)
{
	char *end;
	unsigned long v;

	if (strncmp(s, "gen-", 4) || !s[4] || strlen(s) != 12)
		return false;
	errno = 0;
	v = strtoul(s + 4, &end, 10);
	if (errno || *end || v > 99999999ul)
		return false;
	*gen = (unsigned int)v;
	return true;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Temp file, fsync, rename, fsync of the directory. */
int write_atomic(int dirfd, const char *name, const char *buf, size_t len)
{
	char tmp[KSEAL_KEY_NAME_MAX + 32];
	int fd, saved;

	snprintf(tmp, sizeof(tmp), ".tmp-%s", name);
	unlinkat(dirfd, tmp, 0);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write_all(fd, buf, len) || fsync(fd)) {
		saved = errno;
		close(fd);
		unlinkat(dirfd, tmp, 0);
		errno = saved;
		return -1;
	}
	if (close(fd) || renameat(dirfd, tmp, dirfd, name)) {
		saved = errno;
		unlinkat(dirfd, tmp, 0);
		errno = saved;
		return -1;
	}
	return fsync(dirfd);
}

char *read_fd_all(int fd)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap), *nb;
	ssize_t n;

	if (!buf)
		return NULL;
	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= (1u << 20)) {
				/* A key file is a few KiB; this is not one. */
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

static bool valid_hex(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return n && !(n & 1);
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool jint(json_object *o, const char *k, int64_t *out)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_int64(v);
	return true;
}

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

/* The signer of a key under signed policies; its Name goes into payloads. */
static bool policy_key_field_ok(json_object *pk)
{
	const char *name = jstr(pk, "name"), *fp = jstr(pk, "pkfp"),
		   *pem = jstr(pk, "pem");

	return json_object_is_type(pk, json_type_object) && name && fp &&
	       pem && strlen(name) == 68 && !strncmp(name, "000b", 4) &&
	       valid_hex(name) && strlen(fp) == 64 && valid_hex(fp) &&
	       !strncmp(pem, "-----BEGIN PUBLIC KEY-----", 26);
}

/*
 * Fields that end up inside a keyctl payload must pass the module's
 * grammar on their own: "pcrs": "7 recovery=x" would otherwise add an
 * option to the payload of the next rotate. Returns the bad field's name
 * and sets *why, or NULL. The value is never printed: it may hold anything.
 */
static const char *bad_payload_field(json_object *o, enum kkind kind,
				     const char **why)
{
	json_object *v;
	const char *s;
	int64_t n;

	if (!jint(o, "bytes", &n) ||
	    !payload_bytes_ok(n < 0 || n > 4096 ? -1 : (long)n,
			      kind == KIND_SEALED)) {
		*why = kind == KIND_SEALED ? "a sealed key size, 32..128" :
					     "a data key size, 16..128";
		return "bytes";
	}
	if (kind == KIND_DATA) {
		if (!json_object_object_get_ex(o, "logon", &v))
			return NULL;
		s = jstr(o, "logon");
		if (s && strlen(s) < sizeof(((struct kkey *)0)->logon) &&
		    payload_logon_ok(s))
			return NULL;
		*why = "a logon description subsystem:name, printable, no spaces";
		return "logon";
	}
	s = jstr(o, "pcrs");
	if (!s || strlen(s) >= sizeof(((struct kkey *)0)->pcrs) ||
	    !payload_pcrs_ok(s)) {
		*why = "a PCR list such as 0,2-4,7";
		return "pcrs";
	}
	s = jstr(o, "parent");
	if (!s || strlen(s) >= sizeof(((struct kkey *)0)->parent) ||
	    !payload_parent_ok(s) ||
	    strtoul(s, NULL, 16) == KSEAL_SRK_HANDLE) {
		*why = "the persistent handle of the kseal parent key, 0x81000000..0x81ffffff, not the SRK";
		return "parent";
	}
	if (json_object_object_get_ex(o, "policy_key", &v) &&
	    !policy_key_field_ok(v)) {
		*why = "an object of the signing key's Name (68 hex digits, 000b first), fingerprint (64) and PEM";
		return "policy_key";
	}
	if (json_object_object_get_ex(o, "lock_pcr", &v) &&
	    (!jint(o, "lock_pcr", &n) || n < 0 || n > 23 ||
	     !payload_lock_ok((long)n))) {
		*why = "a PCR 0..23 other than 16 and 23";
		return "lock_pcr";
	}
	return NULL;
}

/* A thumbprint as Tang prints it: base64url, no padding. */
static bool thp_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 16 && n < 64 &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

/*
 * "tang": {"threshold": T, "servers": [{"url", "kid", "thp", "crv"}...]}.
 * The kid goes into a request path: base64url only.
 */
static const char *tang_from_json(struct kkey *k, json_object *t)
{
	json_object *a, *e;
	const char *url, *kid, *thp, *crv, *jwk;
	int64_t th;
	size_t i, n;

	if (!json_object_is_type(t, json_type_object) ||
	    !json_object_object_get_ex(t, "servers", &a) ||
	    !json_object_is_type(a, json_type_array) ||
	    !jint(t, "threshold", &th))
		return "tang is not an object of threshold and servers";
	n = json_object_array_length(a);
	if (n < 1 || n > sizeof(k->tang) / sizeof(k->tang[0]) || th < 1 ||
	    th > (int64_t)n)
		return "tang needs 1..8 servers and a threshold 1..their number";
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		url = jstr(e, "url");
		kid = jstr(e, "kid");
		thp = jstr(e, "thp");
		crv = jstr(e, "crv");
		jwk = jstr(e, "jwk");
		if (jwk && (strlen(jwk) >= sizeof(k->tang[i].jwk) ||
			    jwk[0] != '{'))
			return "a tang server's jwk is not a JSON object";
		if (jwk)
			COPY(k->tang[i].jwk, jwk);
		if (!url || strlen(url) > KSEAL_TANG_URL_MAX ||
		    !tang_url_ok(url) || !kid || !thp_ok(kid) || !thp ||
		    !thp_ok(thp) || tang_curve_from_name(crv) == TANG_CURVE_NONE)
			return "a tang server lacks a valid url, kid, thp or crv";
		COPY(k->tang[i].url, url);
		COPY(k->tang[i].kid, kid);
		COPY(k->tang[i].thp, thp);
		k->tang[i].curve = tang_curve_from_name(crv);
		if (k->tang[i].curve != k->tang[0].curve)
			return "tang servers on different curves";
	}
	k->tang_n = (int)n;
	k->tang_t = (int)th;
	return NULL;
}

json_object *state_tang_json(const struct kkey *k)
{
	json_object *t = json_object_new_object(), *a = json_object_new_array();
	int i;

	json_object_object_add(t, "threshold", json_object_new_int(k->tang_t));
	for (i = 0; i < k->tang_n; i++) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "url",
				json_object_new_string(k->tang[i].url));
		json_object_object_add(e, "kid",
				json_object_new_string(k->tang[i].kid));
		json_object_object_add(e, "thp",
				json_object_new_string(k->tang[i].thp));
		json_object_object_add(e, "crv", json_object_new_string(
				tang_curve_name(k->tang[i].curve)));
		if (k->tang[i].jwk[0])
			json_object_object_add(e, "jwk", json_object_new_string(
					k->tang[i].jwk));
		json_object_array_add(a, e);
	}
	json_object_object_add(t, "servers", a);
	return t;
}

/*
 * Returns NULL on success or why the file is damaged; *field names a field
 * that would change a keyctl payload (then the whole state is refused).
 */
static const char *key_from_json(struct kkey *k, const char *file,
				 const char *text, const char **field)
{
	json_object *o = json_tokener_parse(text), *pk;
	const char *s;
	int64_t v;
	const char *why = NULL;

	*field = NULL;
	memset(k, 0, sizeof(*k));
	k->lock_pcr = -1;
	if (!o || !json_object_is_type(o, json_type_object)) {
		why = "not a JSON object";
		goto out;
	}
	s = jstr(o, "name");
	if (!s || !valid_name(s) || strlen(s) + 5 != strlen(file) ||
	    strncmp(s, file, strlen(s))) {
		why = "name missing or not matching the file name";
		goto out;
	}
	COPY(k->name, s);
	s = jstr(o, "kind");
	if (s && !strcmp(s, "sealed")) {
		k->kind = KIND_SEALED;
	} else if (s && !strcmp(s, "data")) {
		k->kind = KIND_DATA;
	} else {
		why = "kind is neither sealed nor data";
		goto out;
	}
	s = jstr(o, "blob");
	if (!s || !valid_hex(s)) {
		why = "blob missing or not lowercase hex";
		goto out;
	}
	*field = bad_payload_field(o, k->kind, &why);
	if (*field)
		goto out;
	k->blob = strdup(s);
	if (k->kind == KIND_DATA) {
		s = jstr(o, "wrapped_by");
		if (!s || !valid_name(s)) {
			why = "data key without wrapped_by";
			goto out;
		}
		COPY(k->wrapped_by, s);
		s = jstr(o, "logon");
		if (s)
			COPY(k->logon, s);
	} else {
		s = jstr(o, "pcrs");
		COPY(k->pcrs, s);
		s = jstr(o, "parent");
		COPY(k->parent, s);
		if (jint(o, "lock_pcr", &v))
			k->lock_pcr = (int)v;
		if (json_object_object_get_ex(o, "policy_key", &pk)) {
			COPY(k->pk_name, jstr(pk, "name"));
			COPY(k->pk_fp, jstr(pk, "pkfp"));
			k->pk_pem = strdup(jstr(pk, "pem"));
		}
		if (json_object_object_get_ex(o, "tang", &pk)) {
			why = tang_from_json(k, pk);
			if (why)
				goto out;
		}
		{
			json_object *r;

			k->recovery = json_object_object_get_ex(o, "recovery",
								&r) &&
				      json_object_get_boolean(r);
		}
	}
	if (jint(o, "bytes", &v))
		k->bytes = (int)v;
	k->version = jint(o, "version", &v) ? (int)v : 1;
	if (jint(o, "created", &v))
		k->created = v;
	if (jint(o, "updated", &v))
		k->updated = v;
	k->on_disk = true;
out:
	if (why) {
		free(k->blob);
		free(k->pk_pem);
	}
	json_object_put(o);
	return why;
}

static char *key_to_json(const struct kkey *k)
{
	json_object *o = json_object_new_object();
	char *s;

	json_object_object_add(o, "name", json_object_new_string(k->name));
	json_object_object_add(o, "kind", json_object_new_string(
		k->kind == KIND_SEALED ? "sealed" : "data"));
	if (k->kind == KIND_SEALED) {
		json_object_object_add(o, "pcrs",
				       json_object_new_string(k->pcrs));
		json_object_object_add(o, "parent",
				       json_object_new_string(k->parent));
		if (k->lock_pcr >= 0)
			json_object_object_add(o, "lock_pcr",
					       json_object_new_int(k->lock_pcr));
		json_object_object_add(o, "recovery",
				       json_object_new_boolean(k->recovery));
		if (k->pk_name[0]) {
			json_object *pk = json_object_new_object();

			json_object_object_add(pk, "name",
					json_object_new_string(k->pk_name));
			json_object_object_add(pk, "pkfp",
					json_object_new_string(k->pk_fp));
			json_object_object_add(pk, "pem",
					json_object_new_string(k->pk_pem));
			json_object_object_add(o, "policy_key", pk);
		}
		if (k->tang_n)
			json_object_object_add(o, "tang", state_tang_json(k));
	} else {
		json_object_object_add(o, "wrapped_by",
				       json_object_new_string(k->wrapped_by));
		if (k->logon[0])
			json_object_object_add(o, "logon",
					       json_object_new_string(k->logon));
	}
	json_object_object_add(o, "bytes", json_object_new_int(k->bytes));
	json_object_object_add(o, "version", json_object_new_int(k->version));
	json_object_object_add(o, "created", json_object_new_int64(k->created));
	json_object_object_add(o, "updated", json_object_new_int64(k->updated));
	json_object_object_add(o, "blob", json_object_new_string(k->blob));
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
	json_object_put(o);
	return s;
}

static int remove_tree(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		unlinkat(fd, de->d_name, 0);
	}
	closedir(d);
	return unlinkat(dirfd, name, AT_REMOVEDIR);
}

static int add_extra(struct kstate *st, const char *name)
{
	char **n = realloc(st->extra, (st->nextra + 1) * sizeof(*n));

	if (!n)
		return -1;
	st->extra = n;
	st->extra[st->nextra] = strdup(name);
	return st->extra[st->nextra++] ? 0 : -1;
}

/* 0, -1 with errno set, or 1 for a bad payload field (reported). */
static int read_generation(struct kstate *st)
{
	DIR *d;
	struct dirent *de;
	int fd;

	fd = dup(st->genfd);
	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d))) {
		const char *nm = de->d_name;
		size_t len = strlen(nm);
		struct kkey k;
		const char *why, *field;
		char *text;

		if (!strcmp(nm, ".") || !strcmp(nm, ".."))
			continue;
		if (len <= 5 || strcmp(nm + len - 5, ".json")) {
			kerr("state: unknown file %s/gen-%08u/%s: it is kept; move it away if it is not needed",
			     st->dir, st->gen, nm);
			add_extra(st, nm);
			continue;
		}
		fd = openat(st->genfd, nm, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		text = fd >= 0 ? read_fd_all(fd) : NULL;
		if (fd >= 0)
			close(fd);
		field = NULL;
		why = text ? key_from_json(&k, nm, text, &field) :
			     strerror(errno);
		free(text);
		if (field) {
			kerr("state: %s/gen-%08u/%s: field '%s' is not %s; nothing was done, restore the file from a backup or correct that field",
			     st->dir, st->gen, nm, field, why);
			closedir(d);
			return 1;
		}
		if (why) {
			kerr("state: damaged key file %s/gen-%08u/%s (%s): it is kept and ignored; restore it from a backup or move it away",
			     st->dir, st->gen, nm, why);
			add_extra(st, nm);
			continue;
		}
		if (!state_new_key(st, k.name)) {
			free(k.blob);
			closedir(d);
			errno = ENOMEM;
			return -1;
		}
		st->keys[st->n - 1] = k;
	}
	closedir(d);
	return 0;
}

/* Leftovers of an interrupted writer: generations "current" does not name. */
static void clean_stale(struct kstate *st)
{
	DIR *d;
	struct dirent *de;
	int fd = dup(st->dirfd);
	unsigned int gen;

	unlinkat(st->dirfd, CURRENT_TMP, 0);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		const char *nm = de->d_name;

		if (!parse_gen(nm, &gen)) {
			if (strcmp(nm, ".") && strcmp(nm, "..") &&
			    strcmp(nm, CURRENT) && strcmp(nm, LOCKFILE) &&
			    strcmp(nm, METAFILE) && strcmp(nm, ".tmp-" METAFILE) &&
			    strcmp(nm, POLICYDIR))
				kerr("state: unknown file %s/%s: it is left alone; move it away if it is not needed",
				     st->dir, nm);
			continue;
		}
		if (gen == st->gen)
			continue;
		if (st->writable) {
			kverbose("state: removing unfinished or superseded generation %s",
				 de->d_name);
			remove_tree(st->dirfd, de->d_name);
		}
		if (gen > st->max_gen)
			st->max_gen = gen;
	}
	closedir(d);
	if (st->writable)
		fsync(st->dirfd);
}

int state_open(struct kstate *st, const char *dir, bool write)
{
	char target[64];
	ssize_t n;

	memset(st, 0, sizeof(*st));
	st->dirfd = st->lockfd = st->genfd = -1;
	st->writable = write;
	st->dir = strdup(dir);
	if (write && mkdir(dir, 0700) && errno != EEXIST) {
		kerr("state: cannot create %s: %s; check the path or use --state-dir",
		     dir, strerror(errno));
		return KX_STATE;
	}
	st->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->dirfd < 0) {
		if (!write && errno == ENOENT)
			return KX_OK;	/* nothing created yet: no keys */
		kerr("state: cannot open %s: %s; check the path or use --state-dir",
		     dir, strerror(errno));
		return KX_STATE;
	}
	st->lockfd = openat(st->dirfd, LOCKFILE,
			    (write ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC,
			    0600);
	if (st->lockfd < 0 && !(errno == ENOENT && !write)) {
		kerr("state: cannot open lock file in %s: %s; run as root",
		     dir, strerror(errno));
		return KX_STATE;
	}
	if (st->lockfd >= 0 &&
	    flock(st->lockfd, write ? LOCK_EX : LOCK_SH)) {
		kerr("state: cannot lock %s: %s", dir, strerror(errno));
		return KX_STATE;
	}
	n = readlinkat(st->dirfd, CURRENT, target, sizeof(target) - 1);
	if (n < 0 && errno != ENOENT) {
		kerr("state: cannot read %s/%s: %s", dir, CURRENT,
		     strerror(errno));
		return KX_STATE;
	}
	if (n >= 0) {
		target[n] = '\0';
		if (!parse_gen(target, &st->gen)) {
			kerr("state: %s/%s points to %s, not a generation; repair it by hand",
			     dir, CURRENT, target);
			return KX_STATE;
		}
		st->max_gen = st->gen;
		st->genfd = openat(st->dirfd, target,
				   O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (st->genfd < 0 || (n = read_generation(st)) < 0) {
			kerr("state: cannot read %s/%s: %s", dir, target,
			     strerror(errno));
			return KX_STATE;
		}
		if (n)
			return KX_STATE;
	}
	clean_stale(st);
	return KX_OK;
}

void state_close(struct kstate *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		free(st->keys[i].blob);
		free(st->keys[i].pk_pem);
	}
	free(st->keys);
	for (i = 0; i < st->nextra; i++)
		free(st->extra[i]);
	free(st->extra);
	if (st->genfd >= 0)
		close(st->genfd);
	if (st->dirfd >= 0)
		close(st->dirfd);
	if (st->lockfd >= 0)
		close(st->lockfd);	/* drops the flock */
	free(st->dir);
	memset(st, 0, sizeof(*st));
	st->dirfd = st->lockfd = st->genfd = -1;
}

struct kkey *state_find(struct kstate *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (!st->keys[i].removed && !strcmp(st->keys[i].name, name))
			return &st->keys[i];
	return NULL;
}

struct kkey *state_new_key(struct kstate *st, const char *name)
{
	struct kkey *n = realloc(st->keys, (st->n + 1) * sizeof(*n));
	struct kkey *k;

	if (!n)
		return NULL;
	st->keys = n;
	k = &st->keys[st->n++];
	memset(k, 0, sizeof(*k));
	COPY(k->name, name);
	k->lock_pcr = -1;
	k->version = 1;
	k->created = k->updated = (int64_t)time(NULL);
	k->dirty = true;
	return k;
}

void key_set_blob(struct kkey *k, const char *hex)
{
	free(k->blob);
	k->blob = strdup(hex);
	k->updated = (int64_t)time(NULL);
	k->dirty = true;
}

int state_commit(struct kstate *st)
{
	char gname[16], file[KSEAL_KEY_NAME_MAX + 8];
	unsigned int gen = st->max_gen + 1;
	int fd = -1;
	size_t i;

	snprintf(gname, sizeof(gname), "gen-%08u", gen);
	if (mkdirat(st->dirfd, gname, 0700))
		goto fail;
	fd = openat(st->dirfd, gname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	for (i = 0; i < st->n; i++) {
		struct kkey *k = &st->keys[i];
		char *text;
		int rc;

		if (k->removed)
			continue;
		snprintf(file, sizeof(file), "%s.json", k->name);
		if (!k->dirty && k->on_disk) {
			/* Unchanged: share the durable inode, no rewrite. */
			if (linkat(st->genfd, file, fd, file, 0))
				goto fail;
			continue;
		}
		text = key_to_json(k);
		if (!text)
			goto fail;
		rc = write_atomic(fd, file, text, strlen(text));
		free(text);
		if (rc)
			goto fail;
	}
	for (i = 0; i < st->nextra; i++)
		if (linkat(st->genfd, st->extra[i], fd, st->extra[i], 0))
			goto fail;
	if (fsync(fd))
		goto fail;
	/* The commit point: one rename of the pointer, then make it durable. */
	unlinkat(st->dirfd, CURRENT_TMP, 0);
	if (symlinkat(gname, st->dirfd, CURRENT_TMP) ||
	    renameat(st->dirfd, CURRENT_TMP, st->dirfd, CURRENT) ||
	    fsync(st->dirfd))
		goto fail;
	if (st->genfd >= 0) {
		char old[16];

		snprintf(old, sizeof(old), "gen-%08u", st->gen);
		close(st->genfd);
		remove_tree(st->dirfd, old);
		fsync(st->dirfd);
	}
	st->genfd = fd;
	st->gen = st->max_gen = gen;
	for (i = 0; i < st->n; i++) {
		st->keys[i].dirty = false;
		st->keys[i].on_disk = !st->keys[i].removed;
	}
	return KX_OK;
fail:
	kerr("state: cannot write generation %s in %s: %s; the previous set is unchanged, check free space and permissions",
	     gname, st->dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	remove_tree(st->dirfd, gname);
	return KX_STATE;
}

int state_wipe(struct kstate *st)
{
	char old[16];
	int rc = 0;

	if (unlinkat(st->dirfd, CURRENT, 0) && errno != ENOENT)
		rc = -1;
	fsync(st->dirfd);
	if (st->genfd >= 0) {
		snprintf(old, sizeof(old), "gen-%08u", st->gen);
		close(st->genfd);
		st->genfd = -1;
		if (remove_tree(st->dirfd, old))
			rc = -1;
	}
	if (unlinkat(st->dirfd, METAFILE, 0) && errno != ENOENT)
		rc = -1;
	if (remove_tree(st->dirfd, POLICYDIR))
		rc = -1;
	fsync(st->dirfd);
	if (rc) {
		kerr("state: cannot remove every file in %s: %s; remove them by hand",
		     st->dir, strerror(errno));
		return KX_STATE;
	}
	return KX_OK;
}

/* Lowercase or uppercase hex of at most @cap bytes; -1 if not that. */
static long from_hex(const char *h, uint8_t *out, size_t cap)
{
	size_t n = strlen(h), i;
	unsigned int b;

	if (!n || (n & 1) || n / 2 > cap)
		return -1;
	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", h[i]))
			return -1;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(h + 2 * i, "%2x", &b) != 1)
			return -1;
		out[i] = (uint8_t)b;
	}
	return (long)(n / 2);
}

static int load_meta(const char *dir, struct kmeta *m, bool report);

int state_write_meta(struct kstate *st, uint32_t srk, uint32_t parent,
		     const struct kparent *p)
{
	json_object *o = json_object_new_object(), *map;
	char h[16], k[2 * 68 + 1], v[2 * 68 + 1];
	struct kmeta old;
	const char *s;
	size_t i, skip;
	int rc;

	/* Entries of other TPMs stay, the oldest go first when full. */
	if (load_meta(st->dir, &old, false))
		old.nparents = 0;
	skip = old.nparents >= KSEAL_META_PARENTS ? 1 : 0;
	map = json_object_new_object();
	for (i = skip; i < old.nparents; i++) {
		const struct kparent *e = &old.parents[i];

		if (e->srk_len == p->srk_len &&
		    !memcmp(e->srk, p->srk, p->srk_len))
			continue;
		hex_encode(e->srk, e->srk_len, k);
		hex_encode(e->name, e->name_len, v);
		json_object_object_add(map, k, json_object_new_string(v));
	}
	hex_encode(p->srk, p->srk_len, k);
	hex_encode(p->name, p->name_len, v);
	json_object_object_add(map, k, json_object_new_string(v));
	snprintf(h, sizeof(h), "0x%08x", srk);
	json_object_object_add(o, "srk", json_object_new_string(h));
	snprintf(h, sizeof(h), "0x%08x", parent);
	json_object_object_add(o, "parent", json_object_new_string(h));
	/* shred evicts only a key with the Name recorded for its TPM. */
	json_object_object_add(o, "parents", map);
	json_object_object_add(o, "provisioned",
			       json_object_new_int64((int64_t)time(NULL)));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
	rc = write_atomic(st->dirfd, METAFILE, s, strlen(s));
	json_object_put(o);
	if (rc) {
		kerr("state: cannot write %s/%s: %s", st->dir, METAFILE,
		     strerror(errno));
		return KX_STATE;
	}
	return KX_OK;
}

const struct kparent *meta_parent(const struct kmeta *m, const uint8_t *srk,
				  size_t srk_len)
{
	size_t i;

	for (i = 0; i < m->nparents; i++)
		if (m->parents[i].srk_len == srk_len &&
		    !memcmp(m->parents[i].srk, srk, srk_len))
			return &m->parents[i];
	return NULL;
}

static bool parse_parents(json_object *map, struct kmeta *m)
{
	if (!json_object_is_type(map, json_type_object))
		return false;
	json_object_object_foreach(map, key, val) {
		struct kparent *e = &m->parents[m->nparents];
		long a, b;

		if (m->nparents >= KSEAL_META_PARENTS ||
		    !json_object_is_type(val, json_type_string))
			return false;
		a = from_hex(key, e->srk, sizeof(e->srk));
		b = from_hex(json_object_get_string(val), e->name,
			     sizeof(e->name));
		if (a < 3 || b < 3)
			return false;
		e->srk_len = (size_t)a;
		e->name_len = (size_t)b;
		m->nparents++;
	}
	return true;
}

/* A damaged state.json is replaced by provision without a word (!report). */
static int load_meta(const char *dir, struct kmeta *m, bool report)
{
	char path[4096];
	const char *s, *field = NULL, *why = NULL;
	json_object *o, *map;

	memset(m, 0, sizeof(*m));
	m->srk = KSEAL_SRK_HANDLE;
	m->parent = KSEAL_PARENT_DEFAULT;
	snprintf(path, sizeof(path), "%s/%s", dir, METAFILE);
	if (access(path, F_OK) && errno == ENOENT)
		return KX_OK;
	o = json_object_from_file(path);
	if (!o || !json_object_is_type(o, json_type_object)) {
		if (report)
			kerr("state: %s is not a JSON object; run ksealctl provision to write it again",
			     path);
		json_object_put(o);
		return KX_STATE;
	}
	m->present = true;
	s = jstr(o, "parent");
	/* The SRK passes here: create and shred refuse it themselves (7). */
	if (!s || !payload_parent_ok(s)) {
		field = "parent";
		why = "a persistent handle 0x81000000..0x81ffffff";
		goto out;
	}
	m->parent = (uint32_t)strtoul(s, NULL, 16);
	s = jstr(o, "srk");
	if (s) {
		if (!payload_parent_ok(s)) {
			field = "srk";
			why = "a persistent handle 0x81000000..0x81ffffff";
			goto out;
		}
		m->srk = (uint32_t)strtoul(s, NULL, 16);
	}
	if (json_object_object_get_ex(o, "parents", &map) &&
	    !parse_parents(map, m)) {
		field = "parents";
		why = "a map of SRK Names to parent key Names, in hex";
		goto out;
	}
out:
	json_object_put(o);
	if (field) {
		if (report)
			kerr("state: %s: field '%s' is not %s; nothing was done, run ksealctl provision to write it again",
			     path, field, why);
		return KX_STATE;
	}
	return KX_OK;
}

int state_load_meta(const char *dir, struct kmeta *m)
{
	return load_meta(dir, m, true);
}

int state_load_meta_quiet(const char *dir, struct kmeta *m)
{
	return load_meta(dir, m, false);
}

bool blob_parent(const char *hex, uint32_t *handle, uint8_t *name)
{
	/* Header, then parent handle (4), name size (2), name (34). */
	enum { OFF = KSEAL_BLOB_HDR_SIZE, LEN = OFF + 4 + 2 + 34 };
	uint8_t b[LEN];
	size_t i;
	unsigned int v;

	if (strlen(hex) < 2 * (size_t)KSEAL_SEALED_FIXED_SIZE)
		return false;
	for (i = 0; i < LEN; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return false;
		b[i] = (uint8_t)v;
	}
	if (((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | b[2] << 8 | b[3]) !=
	    KSEAL_BLOB_MAGIC ||
	    (b[KSEAL_BLOB_OFF_KIND] << 8 | b[KSEAL_BLOB_OFF_KIND + 1]) !=
	    KSEAL_BLOB_KIND_SEALED ||
	    (b[OFF + 4] << 8 | b[OFF + 5]) != KSEAL_BLOB_PARENT_NAME_SIZE)
		return false;
	*handle = (uint32_t)b[OFF] << 24 | (uint32_t)b[OFF + 1] << 16 |
		  (uint32_t)b[OFF + 2] << 8 | b[OFF + 3];
	memcpy(name, b + OFF + 6, KSEAL_BLOB_PARENT_NAME_SIZE);
	return true;
}

int state_read_meta(const char *dir, uint32_t *srk, uint32_t *parent)
{
	char path[4096];
	json_object *o;
	const char *s;
	int ok = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, METAFILE);
	o = json_object_from_file(path);
	if (!o)
		return -1;
	s = jstr(o, "srk");
	if (s)
		*srk = (uint32_t)strtoul(s, NULL, 16);
	s = jstr(o, "parent");
	if (s) {
		*parent = (uint32_t)strtoul(s, NULL, 16);
		ok = 0;
	}
	json_object_put(o);
	return ok;
}
