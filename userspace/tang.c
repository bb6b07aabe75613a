// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tang advertisements and answers: bytes in, results out, no network.
 * Everything a server sends is untrusted: the advertisement counts only
 * once every advertised signing key's signature verifies and one of those
 * keys has the thumbprint the administrator pinned; an answer is only a
 * point, which the kernel checks on the curve and against the share check
 * sealed in the blob.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <jose/b64.h>
#include <jose/jwk.h>
#include <jose/jws.h>

#include "tang.h"

/* A bound on the keys of one advertisement: each one costs a verify. */
#define TANG_ADV_KEYS_MAX	64

size_t tang_coord_size(int curve)
{
	return curve == TANG_P256 ? 32 : curve == TANG_P384 ? 48 : 0;
}

const char *tang_curve_name(int curve)
{
	return curve == TANG_P256 ? "P-256" : curve == TANG_P384 ? "P-384" :
	       NULL;
}

int tang_curve_from_name(const char *crv)
{
	if (!crv)
		return TANG_CURVE_NONE;
	if (!strcmp(crv, "P-256"))
		return TANG_P256;
	if (!strcmp(crv, "P-384"))
		return TANG_P384;
	return TANG_CURVE_NONE;
}

/* The string member @name of @o, or NULL. */
static const char *jget_str(const json_t *o, const char *name)
{
	const char *s = NULL;

	if (json_unpack((json_t *)o, "{s:s}", name, &s))
		return NULL;
	return s;
}

/* Member @name of @o, base64url of exactly @n bytes, into @out. */
static bool jget_b64(const json_t *o, const char *name, uint8_t *out,
		     size_t n)
{
	json_t *v = NULL;

	if (json_unpack((json_t *)o, "{s:o}", name, &v) || !json_is_string(v))
		return false;
	return jose_b64_dec(v, NULL, 0) == n && jose_b64_dec(v, out, n) == n;
}

/* The @alg ("S256", "S1") thumbprint of @jwk into @out. */
static bool thumbprint(const json_t *jwk, const char *alg, char *out)
{
	json_t *t = jose_jwk_thp(NULL, jwk, alg);
	bool ok = t && json_is_string(t) &&
		  json_string_length(t) < TANG_THP_MAX;

	if (ok)
		memcpy(out, json_string_value(t), json_string_length(t) + 1);
	json_decref(t);
	return ok;
}

/* @jwk as compact JSON into @out. */
static bool jwk_text(const json_t *jwk, char *out)
{
	char *s = json_dumps(jwk, JSON_COMPACT | JSON_SORT_KEYS);
	bool ok = s && strlen(s) < TANG_JWK_MAX;

	if (ok)
		strcpy(out, s);
	free(s);
	return ok;
}

/* Does @jwk have thumbprint @pin in either hash Tang prints? */
static bool pin_matches(const json_t *jwk, const char *pin)
{
	static const char *const algs[] = { "S256", "S1" };
	char t[TANG_THP_MAX];
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (thumbprint(jwk, algs[i], t) && !strcmp(t, pin))
			return true;
	return false;
}

/*
 * An exchange key: an EC key for ECMR key derivation. Returns its curve
 * (and point) when kseal can use it, TANG_CURVE_NONE otherwise; *p521 is
 * set for a P-521 one, which the kernel's ECC code cannot do.
 */
static int exchange_key(const json_t *k, uint8_t *x, uint8_t *y, bool *p521)
{
	const char *alg = jget_str(k, "alg"), *kty = jget_str(k, "kty");
	const char *crv = jget_str(k, "crv");
	int curve;
	size_t c;

	if (!alg || strcmp(alg, "ECMR") || !kty || strcmp(kty, "EC") || !crv)
		return TANG_CURVE_NONE;
	if (!strcmp(crv, "P-521"))
		*p521 = true;
	curve = tang_curve_from_name(crv);
	c = tang_coord_size(curve);
	if (!c || !jget_b64(k, "x", x, c) || !jget_b64(k, "y", y, c))
		return TANG_CURVE_NONE;
	return curve;
}

static int adv_fail(int err, const char *msg, const char **why)
{
	*why = msg;
	return err;
}

/* The JWK set the JWS signs, checked; NULL with @why otherwise. */
static json_t *adv_keys(const json_t *jws, const char **why)
{
	json_t *pl = NULL, *set, *keys = NULL;

	if (!json_is_object(jws) ||
	    json_unpack((json_t *)jws, "{s:o}", "payload", &pl) ||
	    !json_is_string(pl)) {
		*why = "it is not a signed JSON object (JWS) with a payload";
		return NULL;
	}
	set = jose_b64_dec_load(pl);
	if (!set || json_unpack(set, "{s:o}", "keys", &keys) ||
	    !json_is_array(keys)) {
		json_decref(set);
		*why = "its payload is not a JWK set";
		return NULL;
	}
	if (json_array_size(keys) > TANG_ADV_KEYS_MAX) {
		json_decref(set);
		*why = "it holds more keys than any Tang server advertises";
		return NULL;
	}
	return set;
}

/*
 * The pinned key @pin_jwk, recorded when it was still advertised: its
 * thumbprint must be @pin and one signature of @jws must be its.
 */
static bool pin_signed(const json_t *jws, const char *pin,
		       const char *pin_jwk, struct tang_adv *adv)
{
	json_t *k = json_loads(pin_jwk, JSON_REJECT_DUPLICATES, NULL);
	bool ok = json_is_object(k) && !json_object_get(k, "d") &&
		  jose_jwk_prm(NULL, k, true, "verify") &&
		  pin_matches(k, pin) &&
		  jose_jws_ver(NULL, jws, NULL, k, false) &&
		  jwk_text(k, adv->sigjwk);

	json_decref(k);
	return ok;
}

int tang_adv_parse(const void *buf, size_t len, const char *pin,
		   const char *pin_jwk, struct tang_adv *adv,
		   const char **why)
{
	json_t *jws, *set, *keys, *k, *sigs = NULL;
	uint8_t x[TANG_COORD_MAX], y[TANG_COORD_MAX];
	bool p521 = false, pinned = false;
	int rc = TANG_ADV_OK, curve;
	size_t i;

	memset(adv, 0, sizeof(*adv));
	*why = "verified";
	jws = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
	if (!jws)
		return adv_fail(TANG_ADV_FORMAT, "it is not JSON", why);
	set = adv_keys(jws, why);
	if (!set) {
		json_decref(jws);
		return TANG_ADV_FORMAT;
	}
	keys = json_object_get(set, "keys");
	sigs = json_array();
	if (!sigs) {
		rc = adv_fail(TANG_ADV_FORMAT, "out of memory", why);
		goto out;
	}
	json_array_foreach(keys, i, k) {
		if (!json_is_object(k)) {
			rc = adv_fail(TANG_ADV_FORMAT,
				      "its JWK set holds a non-object", why);
			goto out;
		}
		if (jose_jwk_prm(NULL, k, true, "verify")) {
			if (adv->nsigners < TANG_SIGNERS_MAX &&
			    !thumbprint(k, "S256",
					adv->signers[adv->nsigners++])) {
				rc = adv_fail(TANG_ADV_FORMAT,
					      "a signing key is no valid JWK",
					      why);
				goto out;
			}
			if (pin && !pinned && pin_matches(k, pin) &&
			    jwk_text(k, adv->sigjwk)) {
				pinned = true;
				snprintf(adv->thp, sizeof(adv->thp), "%s", pin);
			}
			if (!pin && adv->nsigners == 1 &&
			    !jwk_text(k, adv->sigjwk)) {
				rc = adv_fail(TANG_ADV_FORMAT,
					      "a signing key is too large", why);
				goto out;
			}
			json_array_append(sigs, k);
		}
		if (!jose_jwk_prm(NULL, k, true, "deriveKey"))
			continue;
		curve = exchange_key(k, x, y, &p521);
		if (curve == TANG_CURVE_NONE)
			continue;
		if (adv->nkids < TANG_SIGNERS_MAX &&
		    thumbprint(k, "S256", adv->kids[adv->nkids]))
			adv->nkids++;
		if (adv->curve == TANG_CURVE_NONE && adv->nkids) {
			adv->curve = curve;
			memcpy(adv->kid, adv->kids[adv->nkids - 1],
			       sizeof(adv->kid));
			memcpy(adv->x, x, sizeof(x));
			memcpy(adv->y, y, sizeof(y));
		}
	}
	if (!json_array_size(sigs)) {
		rc = adv_fail(TANG_ADV_NOSIGNER,
			      "it advertises no signing key", why);
		goto out;
	}
	/* Every advertised signing key must have signed it. */
	if (!jose_jws_ver(NULL, jws, NULL, sigs, true)) {
		rc = adv_fail(TANG_ADV_SIG,
			      "its signatures do not verify with its signing keys",
			      why);
		goto out;
	}
	if (pin && !pinned && pin_jwk && pin_signed(jws, pin, pin_jwk, adv)) {
		pinned = true;
		snprintf(adv->thp, sizeof(adv->thp), "%s", pin);
	}
	if (pin && !pinned) {
		rc = adv_fail(TANG_ADV_PIN,
			      "no key that signed it has the pinned thumbprint",
			      why);
		goto out;
	}
	if (adv->curve == TANG_CURVE_NONE)
		rc = p521 ? adv_fail(TANG_ADV_P521,
				     "it offers P-521 exchange keys only, and the kernel does P-256 and P-384",
				     why) :
			    adv_fail(TANG_ADV_NOEXCH,
				     "it offers no ECMR exchange key on P-256 or P-384",
				     why);
out:
	json_decref(sigs);
	json_decref(set);
	json_decref(jws);
	memset(x, 0, sizeof(x));
	if (rc) {
		adv->curve = TANG_CURVE_NONE;
		adv->thp[0] = '\0';
		adv->sigjwk[0] = '\0';
	}
	return rc;
}

bool tang_rec_parse(const void *buf, size_t len, int curve, uint8_t *xy,
		    const char **why)
{
	size_t c = tang_coord_size(curve);
	json_t *jwk;
	const char *kty, *crv;
	bool ok = false;

	if (!c) {
		*why = "no curve";
		return false;
	}
	jwk = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(jwk)) {
		*why = "the answer is not a JSON object";
		goto out;
	}
	kty = jget_str(jwk, "kty");
	crv = jget_str(jwk, "crv");
	if (!kty || strcmp(kty, "EC") || !crv) {
		*why = "the answer is not an EC key (JWK)";
		goto out;
	}
	if (tang_curve_from_name(crv) != curve) {
		*why = curve == TANG_P256 ? "the answer is not a P-256 point" :
					    "the answer is not a P-384 point";
		goto out;
	}
	if (!jget_b64(jwk, "x", xy, c) || !jget_b64(jwk, "y", xy + c, c)) {
		*why = "the answer's coordinates are not base64url of the curve's size";
		goto out;
	}
	*why = "ok";
	ok = true;
out:
	json_decref(jwk);
	return ok;
}

char *tang_rec_request(int curve, const uint8_t *xy)
{
	size_t c = tang_coord_size(curve);
	json_t *o;
	char *s;

	if (!c)
		return NULL;
	o = json_pack("{s:s,s:s,s:o,s:o}", "kty", "EC",
		      "crv", tang_curve_name(curve),
		      "x", jose_b64_enc(xy, c), "y", jose_b64_enc(xy + c, c));
	if (!o)
		return NULL;
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool tang_session_lines(const char *text, int curve, size_t n, uint8_t *xy)
{
	size_t c = tang_coord_size(curve), i, j;
	char *end;

	if (!c)
		return false;
	for (i = 0; i < n; i++) {
		if (strtoul(text, &end, 10) != i + 1 || end == text ||
		    *end != ' ')
			return false;
		text = end + 1;
		for (j = 0; j < 2 * c; j++) {
			int h = hexval(text[2 * j]), l;

			l = h < 0 ? -1 : hexval(text[2 * j + 1]);
			if (l < 0)
				return false;
			xy[i * 2 * c + j] = (uint8_t)(h << 4 | l);
		}
		text += 4 * c;
		if (*text++ != '\n')
			return false;
	}
	return *text == '\0';
}
