/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Tang client of ksealctl. ksealctl only carries public values between
 * the kernel and Tang servers: the server's exchange key S (for "new"),
 * the blinded request X the kernel computed and the server's answer Y (for
 * "load"). The parsers take the server's bytes and return results without
 * any network, so tests and fuzz targets call them directly; tang_http.c
 * does the HTTP. This header stays free of the JSON libraries' headers
 * (kseal's own files use json-c, libjose uses jansson).
 */
#ifndef KSEAL_TANG_H
#define KSEAL_TANG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* As the blob's Tang section numbers the curves (include/kseal/blob.h). */
enum tang_curve { TANG_CURVE_NONE = 0, TANG_P256 = 1, TANG_P384 = 2 };

#define TANG_SERVERS_MAX	8
#define TANG_COORD_MAX		48	/* P-384 */
/* base64url of a SHA-256 thumbprint is 43 characters; SHA-1's 27. */
#define TANG_THP_MAX		64
#define TANG_SIGNERS_MAX	16
/* A public EC signing key as compact JSON (P-521 takes about 250). */
#define TANG_JWK_MAX		1024
/* The most ksealctl reads of a server's answer. */
#define TANG_BODY_MAX		65536

/* The coordinate size of @curve in bytes, 0 for none. */
size_t tang_coord_size(int curve);
/* "P-256", "P-384"; NULL for none. */
const char *tang_curve_name(int curve);
/* TANG_P256/TANG_P384 for a "crv" name, TANG_CURVE_NONE otherwise. */
int tang_curve_from_name(const char *crv);

enum tang_adv_err {
	TANG_ADV_OK = 0,
	TANG_ADV_FORMAT,	/* not a JWS over a JWK set */
	TANG_ADV_NOSIGNER,	/* no key with key_ops "verify" */
	TANG_ADV_SIG,		/* a signing key's signature is missing or bad */
	TANG_ADV_PIN,		/* no signing key has the pinned thumbprint */
	TANG_ADV_P521,		/* exchange keys on P-521 only */
	TANG_ADV_NOEXCH,	/* no ECMR exchange key at all */
};

struct tang_adv {
	/* The chosen exchange key: its S256 thumbprint (the rec path) and point. */
	int curve;
	char kid[TANG_THP_MAX];
	uint8_t x[TANG_COORD_MAX], y[TANG_COORD_MAX];
	/* The signing key that matched the pin, as the pin was given. */
	char thp[TANG_THP_MAX];
	/* Its public JWK (compact JSON): with it a later check verifies
	 * the key's signature after the server stopped advertising it. */
	char sigjwk[TANG_JWK_MAX];
	/* S256 thumbprints of every advertised signing key, for an unpinned create. */
	char signers[TANG_SIGNERS_MAX][TANG_THP_MAX];
	size_t nsigners;
	/* The kid of every advertised exchange key (status: still advertised?). */
	char kids[TANG_SIGNERS_MAX][TANG_THP_MAX];
	size_t nkids;
};

/*
 * Parses and verifies an advertisement (@buf, @len bytes, the body of
 * GET /adv or /adv/<thp>): a JWS whose payload is a JWK set, signed by
 * every key of the set with key_ops "verify". With @pin (an S256 or S1
 * thumbprint in base64url), one of those keys must have it, or else
 * @pin_jwk (the pinned key's public JWK recorded earlier, or NULL) must
 * have it and have signed too: a server signs /adv/<thp> with a rotated
 * key it no longer advertises. Without @pin, the caller decides on
 * adv->signers. Picks the first exchange key (alg ECMR, key_ops
 * deriveKey) on P-256 or P-384. TANG_ADV_OK or the error; @why is one
 * phrase for a message either way.
 */
int tang_adv_parse(const void *buf, size_t len, const char *pin,
		   const char *pin_jwk, struct tang_adv *adv,
		   const char **why);

/*
 * Parses a recovery answer (the body of POST /rec/<kid>): a JWK of @curve
 * with coordinates of exactly the curve's size, into @xy (x || y, 2c
 * bytes). The kernel checks the point is on the curve. True on success;
 * else @why says what is wrong.
 */
bool tang_rec_parse(const void *buf, size_t len, int curve, uint8_t *xy,
		    const char **why);

/*
 * The request body for the blinded point @xy (x || y) of @curve:
 * {"kty":"EC","crv":..,"x":..,"y":..}, malloc'd, or NULL.
 */
char *tang_rec_request(int curve, const uint8_t *xy);

/*
 * Parses a kseal_tang session key's payload: lines "<i> <hex x||y>" for
 * i = 1..@n in order, each point of @curve, into @xy (n * 2c bytes).
 */
bool tang_session_lines(const char *text, int curve, size_t n, uint8_t *xy);

/* HTTP (tang_http.c). */
struct tang_body {
	char *buf;
	size_t len;
};

/*
 * GET @url/@path, or POST @body there when @body is set (path
 * "rec/<kid>"), with @timeout seconds for the whole request. 0 and the answer in @out
 * (freed by the caller) on HTTP 200; else -1 and one phrase in @why
 * ("unreachable (...)", "timed out after N s", "HTTP 404", ...).
 */
int tang_http(const char *url, const char *path, const char *body,
	      long timeout, struct tang_body *out, char *why, size_t whylen);

/* True for a URL ksealctl takes: http:// or https://, no spaces. */
bool tang_url_ok(const char *url);

#endif /* KSEAL_TANG_H */
