// SPDX-License-Identifier: GPL-2.0-only
/*
 * Signed policy files and predictions as text (policy_store.h). The
 * layout follows systemd's .pcrsig; "values" is kseal's, so that load and
 * policy show can say which PCR differs from a signed state. Everything
 * read here is untrusted: an entry is either entirely well formed or the
 * whole file is refused. No file access, so it builds into a fuzz target.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <openssl/evp.h>

#include "ksealctl.h"
#include "policy_store.h"

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

/* The prediction: {"sha256":[{"pcr":N,"hash":"<64 hex>"},...]}. */
const char *prediction_parse(const char *text, struct pcr_state *s)
{
	json_object *root = json_tokener_parse(text), *arr;
	const char *why = NULL;
	size_t i, n;

	memset(s, 0, sizeof(*s));
	if (!root || !json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "sha256", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		why = "not a JSON object with a \"sha256\" array";
		goto out;
	}
	n = json_object_array_length(arr);
	for (i = 0; i < n && !why; i++) {
		json_object *e = json_object_array_get_idx(arr, i), *p, *h;
		int64_t pcr;

		if (!json_object_is_type(e, json_type_object) ||
		    !json_object_object_get_ex(e, "pcr", &p) ||
		    !json_object_is_type(p, json_type_int) ||
		    !json_object_object_get_ex(e, "hash", &h) ||
		    !json_object_is_type(h, json_type_string)) {
			why = "an entry is not {\"pcr\":N,\"hash\":HEX}";
			break;
		}
		pcr = json_object_get_int64(p);
		if (pcr < 0 || pcr >= PK_PCR_COUNT || s->mask & 1U << pcr)
			why = "a PCR number is not 0..23 or comes twice";
		else if (!hex_decode_exact(json_object_get_string(h),
					   s->value[pcr], 32))
			why = "a hash is not 64 hex digits (sha256)";
		else
			s->mask |= 1U << pcr;
	}
	if (!why && !s->mask)
		why = "no PCR in the \"sha256\" array";
out:
	json_object_put(root);
	return why;
}
