// SPDX-License-Identifier: GPL-2.0-only
/*
 * Signed policy files (policy_store.h). The layout follows systemd's
 * .pcrsig; "values" is kseal's, so that load and policy show can say which
 * PCR differs from a signed state. Everything read here is untrusted: an
 * entry is either entirely well formed or the whole file is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>
#include <openssl/evp.h>

#include "ksealctl.h"
#include "policy_store.h"
#include "state.h"

#define POLICY_DIR	"policy"
#define SIG_MAX		1024	/* RSA-2048 is 256 bytes, DER ECDSA 72 */

static bool b64_decode(const char *in, uint8_t **out, size_t *len)
{
	size_t n = strlen(in), pad = 0;
	int m;

	*out = NULL;
	if (!n || n % 4 || n / 4 * 3 > SIG_MAX)
		return false;
	pad = (in[n - 1] == '=') + (in[n - 2] == '=');
	*out = malloc(n / 4 * 3);
	if (!*out)
		return false;
	m = EVP_DecodeBlock(*out, (const unsigned char *)in, (int)n);
	if (m < 0 || (size_t)m < pad || m - pad == 0 ||
	    memchr(in, '=', n - pad)) {
		free(*out);
		*out = NULL;
		return false;
	}
	*len = (size_t)m - pad;
	return true;
}

static char *b64_encode(const uint8_t *in, size_t n)
{
	char *o = malloc(4 * ((n + 2) / 3) + 1);

	if (o)
		EVP_EncodeBlock((unsigned char *)o, in, (int)n);
	return o;
}

static const char *str_of(json_object *o, const char *k)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static const char *parse_pcrs(json_object *a, uint32_t *mask)
{
	size_t i, n;
	int last = -1;

	*mask = 0;
	if (!a || !json_object_is_type(a, json_type_array))
		return "\"pcrs\" is not an array";
	n = json_object_array_length(a);
	if (!n)
		return "\"pcrs\" is empty";
	for (i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(a, i);
		int64_t p;

		if (!json_object_is_type(v, json_type_int))
			return "\"pcrs\" holds something else than PCR numbers";
		p = json_object_get_int64(v);
		if (p <= last || p >= PK_PCR_COUNT)
			return "\"pcrs\" is not ascending PCR numbers 0..23";
		last = (int)p;
		*mask |= 1U << p;
	}
	return NULL;
}

static const char *parse_values(json_object *v, struct spolicy *e)
{
	int i, n = 0;

	if (!json_object_is_type(v, json_type_object))
		return "\"values\" is not an object";
	e->values.mask = e->mask;
	for (i = 0; i < PK_PCR_COUNT; i++) {
		char key[4];
		const char *h;

		if (!(e->mask & 1U << i))
			continue;
		snprintf(key, sizeof(key), "%d", i);
		h = str_of(v, key);
		if (!h || !hex_decode_exact(h, e->values.value[i], 32))
			return "\"values\" lacks a PCR of \"pcrs\" or a value is not 64 hex digits";
		n++;
	}
	if (json_object_object_length(v) != n)
		return "\"values\" names a PCR that is not in \"pcrs\"";
	return NULL;
}

static const char *parse_entry(json_object *o, struct spolicy *e)
{
	uint8_t pol[PK_POL_SIZE];
	const char *why, *s;
	json_object *v = NULL;

	memset(e, 0, sizeof(*e));
	if (!json_object_is_type(o, json_type_object))
		return "an entry is not an object";
	json_object_object_get_ex(o, "pcrs", &v);
	why = parse_pcrs(v, &e->mask);
	if (why)
		return why;
	s = str_of(o, "pkfp");
	if (!s || !hex_decode_exact(s, e->fp, PK_FP_SIZE))
		return "\"pkfp\" is not 64 hex digits";
	s = str_of(o, "pol");
	if (!s || !hex_decode_exact(s, e->pol, PK_POL_SIZE))
		return "\"pol\" is not 64 hex digits";
	s = str_of(o, "sig");
	if (!s || !b64_decode(s, &e->sig, &e->siglen))
		return "\"sig\" is not a base64 signature";
	if (json_object_object_get_ex(o, "values", &v)) {
		why = parse_values(v, e);
		if (why)
			return why;
		/* Values that do not give "pol" would make load's advice lie. */
		if (!policy_pcr_digest(&e->values, pol) ||
		    memcmp(pol, e->pol, PK_POL_SIZE))
			return "\"values\" do not give \"pol\"";
		e->has_values = true;
	}
	return NULL;
}

void spolicy_free(struct spolicy_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->e[i].sig);
	free(s->e);
	s->e = NULL;
	s->n = 0;
}

bool spolicy_add(struct spolicy_set *s, const struct spolicy *e)
{
	struct spolicy *n = realloc(s->e, (s->n + 1) * sizeof(*n));

	if (!n)
		return false;
	s->e = n;
	n[s->n] = *e;
	n[s->n].sig = malloc(e->siglen);
	if (!n[s->n].sig)
		return false;
	memcpy(n[s->n].sig, e->sig, e->siglen);
	s->n++;
	return true;
}

bool spolicy_parse(const char *text, struct spolicy_set *s,
		   const char **why, long *at)
{
	json_object *root = json_tokener_parse(text), *arr;
	size_t i, n;
	bool ok = false;

	memset(s, 0, sizeof(*s));
	*at = -1;
	*why = NULL;
	if (!root || !json_object_is_type(root, json_type_object)) {
		*why = "not a JSON object";
		goto out;
	}
	if (!json_object_object_get_ex(root, "sha256", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		*why = "no \"sha256\" array";
		goto out;
	}
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		struct spolicy e;

		*why = parse_entry(json_object_array_get_idx(arr, i), &e);
		if (!*why && !spolicy_add(s, &e))
			*why = "out of memory";
		free(e.sig);
		if (*why) {
			*at = (long)i;
			goto out;
		}
	}
	ok = true;
out:
	json_object_put(root);
	if (!ok)
		spolicy_free(s);
	return ok;
}

static json_object *entry_to_json(const struct spolicy *e)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	char hex[2 * 32 + 1], *b64;
	int i;

	for (i = 0; i < PK_PCR_COUNT; i++)
		if (e->mask & 1U << i)
			json_object_array_add(a, json_object_new_int(i));
	json_object_object_add(o, "pcrs", a);
	hex_encode(e->fp, PK_FP_SIZE, hex);
	json_object_object_add(o, "pkfp", json_object_new_string(hex));
	hex_encode(e->pol, PK_POL_SIZE, hex);
	json_object_object_add(o, "pol", json_object_new_string(hex));
	b64 = b64_encode(e->sig, e->siglen);
	json_object_object_add(o, "sig", json_object_new_string(b64 ? b64 : ""));
	free(b64);
	if (e->has_values) {
		json_object *v = json_object_new_object();

		for (i = 0; i < PK_PCR_COUNT; i++) {
			char key[4];

			if (!(e->mask & 1U << i))
				continue;
			snprintf(key, sizeof(key), "%d", i);
			hex_encode(e->values.value[i], 32, hex);
			json_object_object_add(v, key,
					       json_object_new_string(hex));
		}
		json_object_object_add(o, "values", v);
	}
	return o;
}

char *spolicy_to_json(const struct spolicy_set *s)
{
	json_object *root = json_object_new_object(), *a = json_object_new_array();
	char *text;
	size_t i;

	for (i = 0; i < s->n; i++)
		json_object_array_add(a, entry_to_json(&s->e[i]));
	json_object_object_add(root, "sha256", a);
	/* Base64 holds '/': no escaping, so the file reads as it is. */
	text = strdup(json_object_to_json_string_ext(root,
				JSON_C_TO_STRING_PRETTY |
				JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return text;
}

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
