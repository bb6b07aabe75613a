// SPDX-License-Identifier: GPL-2.0-only
/*
 * A fake kernel backend for host tests of ksealctl. It keeps keys in a
 * JSON file named by $KSEAL_FAKE_KEYRING, so state survives between runs
 * the way the kernel's keyrings do, and mimics the kseal key type just
 * enough to check ordering and consistency: a data key blob names the
 * sealed key it is wrapped by, and loading it fails with ENOKEY unless
 * that sealed key is loaded. $KSEAL_FAKE_REJECT=NAME makes loading key
 * NAME fail with EKEYREJECTED, like a PCR mismatch, unless the payload
 * carries recovery=$KSEAL_FAKE_RECOVERY.
 *
 * A sealed key made with policy_key= gets a blob with a real sealed
 * header (KSEAL_BLOB_F_AUTHORIZE, the mask, the lock PCR and the signing
 * key's Name digest, what ksealctl reads back) around the fake's own
 * text. Loading it needs approved= and ticket= (recorded for the tests,
 * which check the ticket with the TPM itself) or the recovery passphrase.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "kseal/blob.h"

#include "kbackend.h"
#include "ksealctl.h"
#include "payload.h"

#define USER_RING (-4)
#define SESSION_RING (-3)

static json_object *db;
static int dbfd = -1;

static const char *db_path(void)
{
	const char *p = getenv("KSEAL_FAKE_KEYRING");

	return p ? p : "/tmp/kseal-fake-keyring.json";
}

static int db_open(void)
{
	char lock[4096];

	snprintf(lock, sizeof(lock), "%s.lock", db_path());
	dbfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (dbfd < 0 || flock(dbfd, LOCK_EX))
		return -1;
	db = json_object_from_file(db_path());
	if (!db) {
		db = json_object_new_object();
		json_object_object_add(db, "next", json_object_new_int(1000));
		json_object_object_add(db, "keys", json_object_new_array());
	}
	return 0;
}

static void db_close(bool save)
{
	char tmp[4096];

	if (save) {
		snprintf(tmp, sizeof(tmp), "%s.tmp", db_path());
		json_object_to_file(tmp, db);
		rename(tmp, db_path());
	}
	json_object_put(db);
	db = NULL;
	close(dbfd);
	dbfd = -1;
}

static json_object *keys(void)
{
	json_object *k;

	json_object_object_get_ex(db, "keys", &k);
	return k;
}

static const char *sget(json_object *o, const char *f)
{
	json_object *v;

	return json_object_object_get_ex(o, f, &v) ?
	       json_object_get_string(v) : "";
}

static int iget(json_object *o, const char *f)
{
	json_object *v;

	return json_object_object_get_ex(o, f, &v) ? json_object_get_int(v) : 0;
}

static void sset(json_object *o, const char *f, const char *s)
{
	json_object_object_add(o, f, json_object_new_string(s));
}

static bool in_ring(json_object *k, int ring)
{
	json_object *r;
	size_t i;

	json_object_object_get_ex(k, "rings", &r);
	for (i = 0; i < json_object_array_length(r); i++)
		if (json_object_get_int(json_object_array_get_idx(r, i)) == ring)
			return true;
	return false;
}

static void ring_del(json_object *k, int ring)
{
	json_object *r;
	size_t i;

	json_object_object_get_ex(k, "rings", &r);
	for (i = 0; i < json_object_array_length(r); i++)
		if (json_object_get_int(json_object_array_get_idx(r, i)) == ring) {
			json_object_array_del_idx(r, i, 1);
			return;
		}
}

static json_object *by_serial_any(int s, bool revoked_too)
{
	size_t i;

	for (i = 0; i < json_object_array_length(keys()); i++) {
		json_object *k = json_object_array_get_idx(keys(), i);

		if (iget(k, "serial") == s &&
		    (revoked_too || !iget(k, "revoked")))
			return k;
	}
	return NULL;
}

static json_object *by_serial(int s)
{
	return by_serial_any(s, false);
}

static json_object *in_ring_by_desc(int ring, const char *type,
				    const char *desc)
{
	size_t i;

	for (i = 0; i < json_object_array_length(keys()); i++) {
		json_object *k = json_object_array_get_idx(keys(), i);

		if (!iget(k, "revoked") && in_ring(k, ring) &&
		    !strcmp(sget(k, "type"), type) &&
		    !strcmp(sget(k, "desc"), desc))
			return k;
	}
	return NULL;
}

static int link_key(json_object *k, int ring)
{
	json_object *old = in_ring_by_desc(ring, sget(k, "type"),
					   sget(k, "desc"));
	json_object *r;

	/* Like the kernel: a key of the same type and description is displaced. */
	if (old && old != k)
		ring_del(old, ring);
	if (!in_ring(k, ring)) {
		json_object_object_get_ex(k, "rings", &r);
		json_object_array_add(r, json_object_new_int(ring));
	}
	return 0;
}

static int new_key(const char *type, const char *desc, const char *text,
		   int ring)
{
	json_object *k = json_object_new_object();
	int s = iget(db, "next");

	json_object_object_add(db, "next", json_object_new_int(s + 1));
	json_object_object_add(k, "serial", json_object_new_int(s));
	sset(k, "type", type);
	sset(k, "desc", desc);
	sset(k, "text", text);
	json_object_object_add(k, "rings", json_object_new_array());
	json_object_array_add(keys(), k);
	link_key(k, ring);
	return s;
}

static char *unhex(const char *h, size_t n)
{
	char *o = malloc(n / 2 + 1);
	size_t i;
	unsigned int b;

	if (!o || (n & 1)) {
		free(o);
		return NULL;
	}
	for (i = 0; i < n / 2; i++) {
		if (sscanf(h + 2 * i, "%2x", &b) != 1) {
			free(o);
			return NULL;
		}
		o[i] = (char)b;
	}
	o[n / 2] = '\0';
	return o;
}

/* Is a sealed key with this id loaded anywhere? */
static bool sealed_id_loaded(const char *id)
{
	size_t i, n = strlen(id);

	for (i = 0; i < json_object_array_length(keys()); i++) {
		json_object *k = json_object_array_get_idx(keys(), i);
		const char *t = sget(k, "text");

		if (!iget(k, "revoked") && !strncmp(t, "S:", 2) &&
		    !strncmp(t + 2, id, n) && t[2 + n] == ':')
			return true;
	}
	return false;
}

static int fail(int e)
{
	errno = e;
	return -1;
}

/* $KSEAL_FAKE_RECOVERY=PASS: a rejected key loads with recovery=PASS. */
static int recovery_ok(const char *payload)
{
	const char *pw = getenv("KSEAL_FAKE_RECOVERY");
	const char *r = strstr(payload, " recovery=");
	size_t n = pw ? strlen(pw) : 0;

	return n && r && !strncmp(r + 10, pw, n) &&
	       (r[10 + n] == '\0' || r[10 + n] == ' ');
}

/* The value of option @opt (" name=") in @payload into @out, or "". */
static void opt_val(const char *payload, const char *opt, char *out,
		    size_t len)
{
	const char *v = strstr(payload, opt);

	snprintf(out, len, "%.*s", v ? (int)strcspn(v + strlen(opt), " ") : 0,
		 v ? v + strlen(opt) : "");
}

/* The hex of a sealed blob's bytes before the public size. */
static void auth_header(const char *payload, char *hdr, size_t len)
{
	char v[128], name[72], pname[72], parent[16];
	unsigned int mask = 0;
	long lock = -1;
	unsigned int flags = KSEAL_BLOB_F_AUTHORIZE | KSEAL_BLOB_F_POLICY2;

	opt_val(payload, " pcrs=", v, sizeof(v));
	payload_pcrs_mask(v[0] ? v : "7", &mask);
	opt_val(payload, " lock=", v, sizeof(v));
	if (v[0]) {
		lock = strtol(v, NULL, 10);
		flags |= KSEAL_BLOB_F_LOCK;
		mask |= 1U << lock;
	}
	if (strstr(payload, " recovery="))
		flags |= KSEAL_BLOB_F_RECOVERY;
	opt_val(payload, " policy_key=", name, sizeof(name));
	opt_val(payload, " parent_name=", pname, sizeof(pname));
	pname[68] = '\0';
	opt_val(payload, " parent=", parent, sizeof(parent));
	snprintf(hdr, len,
		 "%08x0001%04x00000001%08x00000000%08lx0022%-68s%08x%02lx%-64s%064d%064d",
		 KSEAL_BLOB_MAGIC, KSEAL_BLOB_KIND_SEALED, flags,
		 strtoul(parent[0] ? parent : "0x81000100", NULL, 16),
		 pname, mask, lock < 0 ? 0 : lock,
		 strlen(name) == 68 ? name + 4 : "", 0, 0);
	/* Missing values read as zero bytes, as a blob would hold them. */
	for (; *hdr; hdr++)
		if (*hdr == ' ')
			*hdr = '0';
}

static kserial_t f_add_locked(const char *type, const char *desc,
			      const char *payload, kserial_t ring)
{
	char text[256], id[32];
	const char *rej = getenv("KSEAL_FAKE_REJECT");
	long bytes;

	if (!strcmp(type, "keyring"))
		return new_key(type, desc, "", ring);
	snprintf(id, sizeof(id), "%ld%ld", (long)getpid(),
		 (long)iget(db, "next"));
	if (!strncmp(payload, "new ", 4)) {
		const char *w = strstr(payload, "wrap="), *pn;
		kserial_t s;

		bytes = strtol(payload + 4, NULL, 10);
		if (!w) {
			snprintf(text, sizeof(text), "S:%s:0:%ld", id, bytes);
		} else {
			json_object *wk = by_serial(atoi(w + 5));
			const char *wt = wk ? sget(wk, "text") : "";

			if (strncmp(wt, "S:", 2))
				return fail(ENOKEY);
			snprintf(text, sizeof(text), "D:%s:1:%.*s", id,
				 (int)strcspn(wt + 2, ":"), wt + 2);
		}
		s = new_key(type, desc, text, ring);
		if (!w && strstr(payload, " policy_key=")) {
			char hdr[512];

			auth_header(payload, hdr, sizeof(hdr));
			sset(by_serial(s), "hdr", hdr);
			opt_val(payload, " policy_key=", hdr, sizeof(hdr));
			sset(by_serial(s), "policy_key", hdr);
		}
		/* What the module pins the parent to, for the tests to check. */
		if (!w && (pn = strstr(payload, " parent_name="))) {
			snprintf(text, sizeof(text), "%.*s",
				 (int)strcspn(pn + 13, " "), pn + 13);
			sset(by_serial(s), "parent_name", text);
		}
		return s;
	}
	if (!strncmp(payload, "load ", 5)) {
		size_t n = strcspn(payload + 5, " ");
		char *t, hdr[512] = "", ap[80], tk[200];
		size_t tkd;
		kserial_t s;

		/* A blob with a sealed header: the fake's text follows it. */
		if (n > 2 * 163 && !strncmp(payload + 5, "4b53424c", 8)) {
			snprintf(hdr, sizeof(hdr), "%.322s", payload + 5);
			t = unhex(payload + 5 + 2 * 163, n - 2 * 163 - 6);
		} else {
			t = unhex(payload + 5, n);
		}
		if (!t)
			return fail(EINVAL);
		opt_val(payload, " approved=", ap, sizeof(ap));
		opt_val(payload, " ticket=", tk, sizeof(tk));
		if ((ap[0] || tk[0]) && !hdr[0]) {
			free(t);
			return fail(EINVAL);
		}
		/* A ticket's HMAC: sha256, sha384 or (swtpm) sha512. */
		tkd = strlen(tk) < 16 ? 0 : strlen(tk) - 16;
		if (hdr[0] && !recovery_ok(payload) &&
		    (strstr(payload, " recovery=") || strlen(ap) != 64 ||
		     (tkd != 64 && tkd != 96 && tkd != 128))) {
			free(t);
			return fail(EKEYREJECTED);
		}
		if (rej && !strcmp(rej, desc) && !recovery_ok(payload)) {
			free(t);
			return fail(EKEYREJECTED);
		}
		if (!strncmp(t, "D:", 2)) {
			const char *w = strrchr(t, ':') + 1;

			if (!sealed_id_loaded(w)) {
				free(t);
				return fail(ENOKEY);
			}
		} else if (strncmp(t, "S:", 2)) {
			free(t);
			return fail(EINVAL);
		}
		s = new_key(type, desc, t, ring);
		free(t);
		if (hdr[0]) {
			sset(by_serial(s), "hdr", hdr);
			sset(by_serial(s), "approved", ap);
			sset(by_serial(s), "ticket", tk);
		}
		return s;
	}
	return fail(EINVAL);
}

/*
 * $KSEAL_FAKE_FAIL, a comma-separated list of add, update and read: those
 * operations on kseal keys fail with EINVAL, as the module's do on a bad
 * request, so that the tests reach every error path of the helper.
 */
static bool fake_fails(const char *op)
{
	const char *l = getenv("KSEAL_FAKE_FAIL");
	size_t n = strlen(op);

	for (; l && *l; l += strcspn(l, ","), l += *l == ',')
		if (!strncmp(l, op, n) && (l[n] == ',' || !l[n]))
			return true;
	return false;
}

kserial_t kb_add(const char *type, const char *desc,
		 const char *payload, size_t len, kserial_t ring)
{
	kserial_t s;

	(void)len;
	if (!strcmp(type, "kseal") && fake_fails("add"))
		return fail(EINVAL);
	if (db_open())
		return -1;
	s = f_add_locked(type, desc, payload, ring);
	/* Like the module: a logon key in the caller's session keyring. */
	if (s >= 0 && payload && strstr(payload, " logon="))
		new_key("logon", strstr(payload, " logon=") + 7, "", SESSION_RING);
	db_close(s >= 0);
	return s;
}

long kb_update(kserial_t key, const char *payload, size_t len)
{
	json_object *k;
	char text[256], a[64], b[32], c[64];
	int ver;

	(void)len;
	if (fake_fails("update"))
		return fail(EINVAL);
	if (db_open())
		return -1;
	k = by_serial(key);
	if (!k || sscanf(sget(k, "text"), "%1[SD]:%31[^:]:%d:%63s", a, b,
			 &ver, c) != 4) {
		db_close(false);
		return fail(ENOKEY);
	}
	if (!strcmp(payload, "update rotate") && a[0] == 'D') {
		snprintf(text, sizeof(text), "D:%s:%d:%s", b, ver + 1, c);
	} else if (!strncmp(payload, "update reseal", 13) && a[0] == 'S') {
		snprintf(text, sizeof(text), "S:%s:%d:%s", b, ver + 1, c);
	} else if (!strncmp(payload, "update rewrap=", 14) && a[0] == 'D') {
		json_object *w = by_serial(atoi(payload + 14));
		const char *wt = w ? sget(w, "text") : "";

		if (strncmp(wt, "S:", 2)) {
			db_close(false);
			return fail(ENOKEY);
		}
		snprintf(text, sizeof(text), "D:%s:%d:%.*s", b, ver, (int)
			 strcspn(wt + 2, ":"), wt + 2);
	} else {
		db_close(false);
		return fail(EINVAL);
	}
	sset(k, "text", text);
	db_close(true);
	return 0;
}

long kb_read(kserial_t key, char **out)
{
	json_object *k;
	const char *t, *h;
	size_t i, n, o;

	if (db_open())
		return -1;
	k = by_serial(key);
	if (!k) {
		db_close(false);
		return fail(ENOKEY);
	}
	if (fake_fails("read") && !strcmp(sget(k, "type"), "kseal")) {
		db_close(false);
		return fail(EINVAL);
	}
	t = sget(k, "text");
	n = strlen(t);
	*out = malloc(2 * n + 512);
	**out = '\0';
	h = sget(k, "hdr");
	/* Header, public size, the text as the public part, one private byte. */
	if (*h)
		sprintf(*out, "%s%04zx", h, n);
	o = strlen(*out);
	for (i = 0; i < n; i++)
		sprintf(*out + o + 2 * i, "%02x", (unsigned char)t[i]);
	if (*h)
		strcpy(*out + o + 2 * n, "000100");
	else
		(*out)[2 * n] = '\0';
	db_close(false);
	return (long)strlen(*out);
}

long kb_session_ring(void)
{
	/* $KSEAL_FAKE_NO_SESSION: no session keyring can be had (quota). */
	if (getenv("KSEAL_FAKE_NO_SESSION")) {
		errno = EDQUOT;
		return -1;
	}
	/* A serial, as the kernel returns; the fake files its keys under -3. */
	return 999;
}

kserial_t kb_search(kserial_t ring, const char *type, const char *desc)
{
	json_object *k;
	kserial_t s;

	if (db_open())
		return -1;
	k = in_ring_by_desc(ring, type, desc);
	s = k ? iget(k, "serial") : fail(ENOKEY);
	db_close(false);
	if (s < 0)
		errno = ENOKEY;
	return s;
}

kserial_t kb_keyring(const char *name, int create)
{
	kserial_t s = kb_search(USER_RING, "keyring", name);

	if (s >= 0 || !create)
		return s;
	return kb_add("keyring", name, NULL, 0, USER_RING);
}

long kb_drop_keyring(kserial_t ring)
{
	json_object *k;

	if (db_open())
		return -1;
	k = by_serial(ring);
	if (k)
		ring_del(k, USER_RING);
	db_close(true);
	return k ? 0 : fail(ENOKEY);
}

kserial_t kb_new_keyring(const char *name)
{
	kserial_t old = kb_search(USER_RING, "keyring", name);

	if (old >= 0)
		kb_drop_keyring(old);
	return kb_add("keyring", name, NULL, 0, USER_RING);
}

long kb_list(kserial_t ring, struct kb_entry **out)
{
	size_t i, n;
	long m = 0;

	if (db_open())
		return -1;
	n = json_object_array_length(keys());
	*out = calloc(n + 1, sizeof(**out));
	for (i = 0; i < n; i++) {
		json_object *k = json_object_array_get_idx(keys(), i);

		if (iget(k, "revoked") || !in_ring(k, ring))
			continue;
		(*out)[m].serial = iget(k, "serial");
		snprintf((*out)[m].type, sizeof((*out)[m].type), "%s",
			 sget(k, "type"));
		snprintf((*out)[m].desc, sizeof((*out)[m].desc), "%s",
			 sget(k, "desc"));
		m++;
	}
	db_close(false);
	return m;
}

long kb_link(kserial_t key, kserial_t ring)
{
	json_object *k;

	if (db_open())
		return -1;
	k = by_serial(key);
	if (k)
		link_key(k, ring);
	db_close(k != NULL);
	return k ? 0 : fail(ENOKEY);
}

long kb_unlink(kserial_t key, kserial_t ring)
{
	json_object *k;

	if (db_open())
		return -1;
	/* Revoked keys can still be unlinked, as in the kernel. */
	k = by_serial_any(key, true);
	if (k)
		ring_del(k, ring);
	db_close(k != NULL);
	return k ? 0 : fail(ENOKEY);
}

long kb_revoke(kserial_t key)
{
	json_object *k;

	if (db_open())
		return -1;
	k = by_serial(key);
	if (k)
		json_object_object_add(k, "revoked", json_object_new_int(1));
	db_close(k != NULL);
	return k ? 0 : fail(ENOKEY);
}

long kb_lock_pcr(unsigned int pcr)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s.pcrlock", db_path());
	f = fopen(path, "ae");
	if (!f)
		return -1;
	fprintf(f, "%u\n", pcr);
	return fclose(f);
}

/* Volumes need the real kernel: the VM suites test them. */
long kb_pkey_sign(kserial_t key, const void *data, size_t len,
		  void *sig, size_t siglen)
{
	(void)key, (void)data, (void)len, (void)sig, (void)siglen;
	return fail(EOPNOTSUPP);
}

long kb_pkey_verify(kserial_t key, const void *data, size_t len,
		    const void *sig, size_t siglen)
{
	(void)key, (void)data, (void)len, (void)sig, (void)siglen;
	return fail(EOPNOTSUPP);
}
