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
 *
 * A sealed key made with tang= gets a real sealed header too, with
 * KSEAL_BLOB_F_TANG and a Tang section holding the exchange points the
 * helper passed (as S_i and, standing in for the kernel's C_i, again).
 * No ECMR arithmetic here: a kseal_tang session ("begin <blob>") reads
 * back each server's own S_i as its blinded request, a point the real
 * server answers; loading the blob needs tang_session= naming such a
 * session of this blob and at least T well-formed tang=<i>:<point>
 * answers (or recovery=), and the session is revoked after the attempt,
 * as the module does. What the helper passed is recorded for the tests.
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

/* Bytes of a sealed header before the key id ends (no Tang section). */
#define SEALED_HDR 161

/*
 * The Tang section for the tang= options of @payload, in hex, appended
 * to @hdr; the options themselves (" tang=..." each) into @opts.
 */
static void tang_section(const char *payload, char *hdr, size_t len,
			 char *opts, size_t olen)
{
	const char *t = payload;
	char pts[8][200], v[16];
	size_t n = 0, i, o = strlen(hdr), c = 0;

	*opts = '\0';
	while ((t = strstr(t, " tang=")) && n < 8) {
		t += 6;
		snprintf(pts[n], sizeof(pts[n]), "%.*s",
			 (int)strcspn(t, " "), t);
		c = strlen(pts[n]) / 4;
		snprintf(opts + strlen(opts), olen - strlen(opts), " tang=%s",
			 pts[n]);
		n++;
	}
	opt_val(payload, " tang_threshold=", v, sizeof(v));
	o += (size_t)snprintf(hdr + o, len - o, "%02x%02zx%02lx00%064d",
			      c == 48 ? KSEAL_TANG_P384 : KSEAL_TANG_P256, n,
			      v[0] ? strtol(v, NULL, 10) : (long)n, 0);
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(hdr + o, len - o, "%s%s%064d%032d",
				      pts[i], pts[i], 0, 0);
}

/* The hex of a sealed blob's bytes before the public size. */
static void auth_header(const char *payload, char *hdr, size_t len)
{
	char v[128], name[72], pname[72], parent[16];
	unsigned int mask = 0;
	long lock = -1;
	unsigned int flags = KSEAL_BLOB_F_POLICY2;

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
	if (strstr(payload, " policy_key="))
		flags |= KSEAL_BLOB_F_AUTHORIZE;
	if (strstr(payload, " tang="))
		flags |= KSEAL_BLOB_F_TANG;
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

/* The flags of the sealed header @hdr (hex), 0 for none. */
static unsigned int hdr_flags(const char *hdr)
{
	char f[9];

	if (strlen(hdr) < 2 * SEALED_HDR)
		return 0;
	snprintf(f, sizeof(f), "%.8s", hdr + 2 * KSEAL_BLOB_OFF_FLAGS);
	return (unsigned int)strtoul(f, NULL, 16);
}

/* Hex length of the header of blob @hex: with its Tang section, if any. */
static size_t hdr_len(const char *hex)
{
	char b[3];
	size_t n, c;

	if (!(hdr_flags(hex) & KSEAL_BLOB_F_TANG))
		return 2 * SEALED_HDR;
	if (strlen(hex) < 2 * SEALED_HDR + 4)
		return 0;
	snprintf(b, sizeof(b), "%.2s", hex + 2 * SEALED_HDR);
	c = strtoul(b, NULL, 16) == KSEAL_TANG_P384 ? 48 : 32;
	snprintf(b, sizeof(b), "%.2s", hex + 2 * SEALED_HDR + 2);
	n = strtoul(b, NULL, 16);
	return 2 * (SEALED_HDR + 36 + n * (4 * c + 48));
}

/* "<i> <S_i>\n" for each server of the Tang section of @hdr. */
static bool tang_lines(const char *hdr, char *out, size_t len)
{
	const char *t = hdr + 2 * SEALED_HDR;
	char b[3];
	size_t n, c, i, o = 0;

	if (!(hdr_flags(hdr) & KSEAL_BLOB_F_TANG))
		return false;
	snprintf(b, sizeof(b), "%.2s", t);
	c = strtoul(b, NULL, 16) == KSEAL_TANG_P384 ? 48 : 32;
	snprintf(b, sizeof(b), "%.2s", t + 2);
	n = strtoul(b, NULL, 16);
	t += 2 * 36;
	*out = '\0';
	for (i = 0; i < n; i++, t += 2 * (4 * c + 48))
		o += (size_t)snprintf(out + o, len - o, "%zu %.*s\n", i + 1,
				      (int)(4 * c), t);
	return true;
}

/* The threshold and server count of the Tang section of @hdr. */
static void tang_tn(const char *hdr, long *t, long *n, size_t *c)
{
	char b[3];

	snprintf(b, sizeof(b), "%.2s", hdr + 2 * SEALED_HDR);
	*c = strtoul(b, NULL, 16) == KSEAL_TANG_P384 ? 48 : 32;
	snprintf(b, sizeof(b), "%.2s", hdr + 2 * SEALED_HDR + 2);
	*n = strtol(b, NULL, 16);
	snprintf(b, sizeof(b), "%.2s", hdr + 2 * SEALED_HDR + 4);
	*t = strtol(b, NULL, 16);
}

/*
 * The Tang options of a load of Tang blob @hdr: the session must be one
 * the caller holds, of this blob, and at least T answers well formed;
 * the session is used up either way. The answers go to @ans.
 */
static int tang_load(const char *payload, const char *hdr, char *ans,
		     size_t len)
{
	char desc[128];
	const char *a = payload;
	json_object *sk;
	long t, n, got = 0, seen = 0;
	size_t c;

	*ans = '\0';
	opt_val(payload, " tang_session=", desc, sizeof(desc));
	sk = desc[0] ? in_ring_by_desc(KB_PROCESS_RING, "kseal_tang", desc) :
		       NULL;
	if (sk)
		json_object_object_add(sk, "revoked", json_object_new_int(1));
	if (recovery_ok(payload))
		return 0;
	if (!sk)
		return EKEYREJECTED;
	if (strcmp(sget(sk, "blob"), hdr))
		return EINVAL;
	tang_tn(hdr, &t, &n, &c);
	while ((a = strstr(a, " tang="))) {
		char *end;
		long i = strtol(a + 6, &end, 10);
		size_t h = *end == ':' ? strcspn(end + 1, " ") : 0;

		a += 6;
		if (i < 1 || i > n || h != 4 * c || (seen & 1L << i))
			return EINVAL;
		seen |= 1L << i;
		got++;
		snprintf(ans + strlen(ans), len - strlen(ans), " %.*s",
			 (int)(end + 1 + h - (a)), a);
	}
	return got < t ? EKEYREJECTED : 0;
}

static kserial_t f_add_locked(const char *type, const char *desc,
			      const char *payload, kserial_t ring)
{
	char text[256], id[32];
	const char *rej = getenv("KSEAL_FAKE_REJECT");
	long bytes;

	if (!strcmp(type, "keyring"))
		return new_key(type, desc, "", ring);
	if (!strcmp(type, "kseal_tang")) {
		char lines[8 * 200], *hdr;
		size_t n = strncmp(payload, "begin ", 6) ? 0 :
			   hdr_len(payload + 6);
		kserial_t s;

		if (!n || strlen(payload + 6) < n)
			return fail(EINVAL);
		hdr = strndup(payload + 6, n);
		if (!hdr || !tang_lines(hdr, lines, sizeof(lines))) {
			free(hdr);
			return fail(EINVAL);
		}
		s = new_key(type, desc, lines, ring);
		sset(by_serial(s), "blob", hdr);
		free(hdr);
		return s;
	}
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
		if (!w && (strstr(payload, " policy_key=") ||
			   strstr(payload, " tang="))) {
			char hdr[8192], opts[2048];

			auth_header(payload, hdr, sizeof(hdr));
			if (strstr(payload, " tang=")) {
				tang_section(payload, hdr, sizeof(hdr), opts,
					     sizeof(opts));
				sset(by_serial(s), "tang", opts);
				opt_val(payload, " tang_threshold=", opts,
					sizeof(opts));
				sset(by_serial(s), "tang_threshold", opts);
			}
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
		size_t n = strcspn(payload + 5, " "), hl;
		char *t, hdr[8192] = "", ap[80], tk[200], ans[2048] = "";
		size_t tkd;
		kserial_t s;
		int e;

		/* A blob with a sealed header: the fake's text follows it. */
		hl = n > 2 * SEALED_HDR &&
		     !strncmp(payload + 5, "4b53424c", 8) ? hdr_len(payload + 5) : 0;
		if (hl && n > hl + 4 + 6 && hl < sizeof(hdr)) {
			snprintf(hdr, sizeof(hdr), "%.*s", (int)hl, payload + 5);
			t = unhex(payload + 5 + hl + 4, n - hl - 4 - 6);
		} else {
			t = unhex(payload + 5, n);
		}
		if (!t)
			return fail(EINVAL);
		/* The module's order: the Tang answers before anything else. */
		if (!(hdr_flags(hdr) & KSEAL_BLOB_F_TANG) &&
		    (strstr(payload, " tang=") ||
		     strstr(payload, " tang_session="))) {
			free(t);
			return fail(EINVAL);
		}
		if (hdr_flags(hdr) & KSEAL_BLOB_F_TANG) {
			e = tang_load(payload, hdr, ans, sizeof(ans));
			if (e) {
				free(t);
				return fail(e);
			}
		}
		opt_val(payload, " approved=", ap, sizeof(ap));
		opt_val(payload, " ticket=", tk, sizeof(tk));
		if ((ap[0] || tk[0]) && !hdr[0]) {
			free(t);
			return fail(EINVAL);
		}
		/* A ticket's HMAC: sha256, sha384 or (swtpm) sha512. */
		tkd = strlen(tk) < 16 ? 0 : strlen(tk) - 16;
		if ((hdr_flags(hdr) & KSEAL_BLOB_F_AUTHORIZE) &&
		    !recovery_ok(payload) &&
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
			sset(by_serial(s), "tang_answers", ans);
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
		/* A rebind: a new Tang section for the servers given. */
		if (strstr(payload, " tang=")) {
			char hdr[8192], opts[2048];

			if (strlen(sget(k, "hdr")) >= 2 * SEALED_HDR)
				snprintf(hdr, sizeof(hdr), "%.*s%08x%.*s",
					 2 * KSEAL_BLOB_OFF_FLAGS, sget(k, "hdr"),
					 hdr_flags(sget(k, "hdr")) |
					 KSEAL_BLOB_F_TANG,
					 2 * (SEALED_HDR - KSEAL_BLOB_OFF_FLAGS - 4),
					 sget(k, "hdr") + 2 * KSEAL_BLOB_OFF_FLAGS + 8);
			else
				auth_header(payload, hdr, sizeof(hdr));
			tang_section(payload, hdr, sizeof(hdr), opts,
				     sizeof(opts));
			sset(k, "hdr", hdr);
			sset(k, "tang", opts);
			opt_val(payload, " tang_threshold=", opts, sizeof(opts));
			sset(k, "tang_threshold", opts);
		}
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
	/* A Tang session reads as the module's text lines. */
	if (!strcmp(sget(k, "type"), "kseal_tang")) {
		*out = strdup(t);
		db_close(false);
		return (long)n;
	}
	*out = malloc(2 * n + strlen(sget(k, "hdr")) + 512);
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
