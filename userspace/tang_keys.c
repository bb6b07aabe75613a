// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tang-bound sealed keys: what ksealctl does between the kernel and the
 * Tang servers. It verifies each server's advertisement against the
 * pinned signing key before the kernel seals to the server's exchange key,
 * and at load it relays the kernel's blinded requests and the servers'
 * answers. It never sees the Tang secret, the shares, the exchanged keys
 * or the blinding scalars: only points that are public on the wire.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kbackend.h"
#include "ksealctl.h"
#include "tang.h"
#include "tang_keys.h"

static long conf_seconds(const char *key, long def, long max)
{
	char *v = conf_get(g.conf, key);
	long n = def;

	if (v && *v && parse_int(v, key[5] == 'T' ? 1 : 0, max, &n)) {
		kerr("%s=%s in %s is not %d..%ld seconds; using %ld, fix the file",
		     key, v, g.conf, key[5] == 'T' ? 1 : 0, max, def);
		n = def;
	}
	free(v);
	return n;
}

long tang_timeout(void)
{
	return conf_seconds("TANG_TIMEOUT", KSEAL_DEFAULT_TANG_TIMEOUT, 600);
}

long tang_wait(void)
{
	return conf_seconds("TANG_WAIT", KSEAL_DEFAULT_TANG_WAIT, 86400);
}

int tang_arg(const char *cmd, int c, const char *arg, struct tang_args *a)
{
	switch (c) {
	case OPT_TANG:
		if (a->n == TANG_SERVERS_MAX) {
			kerr("%s: more than %d --tang servers; a key takes at most %d",
			     cmd, TANG_SERVERS_MAX, TANG_SERVERS_MAX);
			return KX_USAGE;
		}
		if (strlen(arg) > KSEAL_TANG_URL_MAX || !tang_url_ok(arg)) {
			kerr("%s: bad --tang '%s'; give the server's http:// or https:// URL, without spaces",
			     cmd, arg);
			return KX_USAGE;
		}
		a->url[a->n++] = arg;
		return KX_OK;
	case OPT_TANG_THP:
		if (a->nthp == TANG_SERVERS_MAX || !arg[0] ||
		    strlen(arg) >= TANG_THP_MAX ||
		    strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(arg)) {
			kerr("%s: bad --tang-thp '%s'; give the base64url thumbprint tang-show-keys prints, one per --tang",
			     cmd, arg);
			return KX_USAGE;
		}
		a->thp[a->nthp++] = arg;
		return KX_OK;
	default:
		if (parse_int(arg, 1, TANG_SERVERS_MAX, &a->threshold)) {
			kerr("%s: bad --tang-threshold '%s'; give 1..the number of --tang servers",
			     cmd, arg);
			return KX_USAGE;
		}
		return KX_OK;
	}
}

int tang_args_check(const char *cmd, const struct tang_args *a)
{
	if (a->nthp > a->n) {
		kerr("%s: %d --tang-thp for %d --tang servers; the i-th --tang-thp pins the i-th --tang",
		     cmd, a->nthp, a->n);
		return KX_USAGE;
	}
	if (a->threshold > a->n) {
		kerr("%s: --tang-threshold %ld needs at least as many --tang servers (%d given)",
		     cmd, a->threshold, a->n);
		return KX_USAGE;
	}
	return KX_OK;
}

static void hex(const uint8_t *b, size_t n, char *out)
{
	hex_encode(b, n, out);
}

/* The thumbprints of @adv's signing keys, comma-separated, into @out. */
static void signer_list(const struct tang_adv *adv, char *out, size_t len)
{
	size_t i, o = 0;

	*out = '\0';
	for (i = 0; i < adv->nsigners && o < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%s", i ? ", " : "",
				      adv->signers[i]);
}

/*
 * An unpinned server: on a terminal, show the signing keys and ask;
 * otherwise only --yes lets it through. The thumbprint recorded is the
 * first signing key's, which later reseals verify against.
 */
static int trust_unpinned(const char *cmd, const char *url,
			  struct tang_adv *adv, bool yes)
{
	char list[TANG_SIGNERS_MAX * (TANG_THP_MAX + 2)], ans[16] = "";

	signer_list(adv, list, sizeof(list));
	if (!yes && isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) {
		fprintf(stderr, "Tang server %s signs its advertisement with %s.\n"
			"Compare with tang-show-keys on the server. Trust it? [y/N] ",
			url, list);
		if (!fgets(ans, sizeof(ans), stdin) ||
		    (strcmp(ans, "y\n") && strcmp(ans, "yes\n"))) {
			kerr("%s: Tang server %s not trusted; nothing was written",
			     cmd, url);
			return KX_REFUSED;
		}
	} else if (!yes) {
		kerr("%s: Tang server %s is not pinned: its advertisement is signed by %s; check that on the server (tang-show-keys) and pass --tang-thp THP, or --yes to trust it unchecked; nothing was written",
		     cmd, url, list);
		return KX_REFUSED;
	}
	snprintf(adv->thp, sizeof(adv->thp), "%s", adv->signers[0]);
	return KX_OK;
}

/* One server's advertisement, fetched and verified into @adv. */
static int bind_one(const char *cmd, const char *url, const char *pin,
		    const char *jwk, bool yes, long timeout,
		    struct tang_adv *adv)
{
	char why[160], list[TANG_SIGNERS_MAX * (TANG_THP_MAX + 2)];
	char path[16 + TANG_THP_MAX];
	struct tang_body b;
	const char *what;
	int r;

	/* With a recorded key: the advertisement signed by that key too. */
	snprintf(path, sizeof(path), "adv%s%s", jwk ? "/" : "",
		 jwk ? pin : "");
	if (tang_http(url, path, NULL, timeout, &b, why, sizeof(why))) {
		if (jwk && !strcmp(why, "HTTP status 404"))
			kerr("%s: Tang server %s no longer has the pinned signing key %s (HTTP 404 for %s); nothing was written: bind the key to its new keys with ksealctl reseal NAME --tang URL --tang-thp THP",
			     cmd, url, pin, path);
		else
			kerr("%s: Tang server %s: %s; nothing was written: check the URL and that the server is up",
			     cmd, url, why);
		return KX_REFUSED;
	}
	r = tang_adv_parse(b.buf, b.len, pin, jwk, adv, &what);
	free(b.buf);
	switch (r) {
	case TANG_ADV_OK:
		break;
	case TANG_ADV_PIN:
		signer_list(adv, list, sizeof(list));
		kerr("%s: Tang server %s: no key that signed its advertisement has thumbprint %s (signed by %s); nothing was written: check the server's keys (tang-show-keys) and the pin",
		     cmd, url, pin, list);
		return KX_REFUSED;
	case TANG_ADV_P521:
		kerr("%s: Tang server %s offers only P-521 exchange keys and the kernel does P-256 and P-384: add one on the server (jose jwk gen -i '{\"alg\":\"ECMR\",\"crv\":\"P-256\"}' -o DB/NAME.jwk); nothing was written",
		     cmd, url);
		return KX_REFUSED;
	default:
		kerr("%s: Tang server %s: its advertisement is refused: %s; nothing was written",
		     cmd, url, what);
		return KX_REFUSED;
	}
	if (!pin)
		return trust_unpinned(cmd, url, adv, yes);
	return KX_OK;
}

int tang_bind(const char *cmd, const char *const *urls,
	      const char *const *pins, const char *const *jwks, int n, int t,
	      bool yes, struct ktang *out, char **opts)
{
	long timeout = tang_timeout();
	struct tang_adv adv;
	size_t len = (size_t)n * (6 + 4 * TANG_COORD_MAX + 2) + 32, o = 0;
	char *p;
	int i, rc;

	*opts = NULL;
	p = malloc(len);
	if (!p) {
		kerr("%s: out of memory", cmd);
		return KX_STATE;
	}
	for (i = 0; i < n; i++) {
		size_t c;

		rc = bind_one(cmd, urls[i], pins[i], jwks ? jwks[i] : NULL, yes,
			      timeout, &adv);
		if (rc) {
			free(p);
			return rc;
		}
		if (i && adv.curve != out[0].curve) {
			kerr("%s: Tang server %s offers %s, %s %s: the kernel takes one curve for all servers of a key; add a %s exchange key to one of them",
			     cmd, urls[i], tang_curve_name(adv.curve), urls[0],
			     tang_curve_name(out[0].curve),
			     tang_curve_name(out[0].curve));
			free(p);
			return KX_REFUSED;
		}
		snprintf(out[i].url, sizeof(out[i].url), "%s", urls[i]);
		snprintf(out[i].kid, sizeof(out[i].kid), "%s", adv.kid);
		snprintf(out[i].thp, sizeof(out[i].thp), "%s", adv.thp);
		snprintf(out[i].jwk, sizeof(out[i].jwk), "%s", adv.sigjwk);
		out[i].curve = adv.curve;
		c = tang_coord_size(adv.curve);
		o += (size_t)snprintf(p + o, len - o, " tang=");
		hex(adv.x, c, p + o);
		hex(adv.y, c, p + o + 2 * c);
		o += 4 * c;
		kverbose("%s: Tang server %s: exchange key %s (%s), signed by %s",
			 cmd, urls[i], adv.kid, tang_curve_name(adv.curve),
			 adv.thp);
	}
	snprintf(p + o, len - o, " tang_threshold=%d", t);
	*opts = p;
	return KX_OK;
}

int tang_rebind(const char *cmd, const struct kkey *k, struct ktang *out,
		char **opts)
{
	const char *urls[TANG_SERVERS_MAX], *pins[TANG_SERVERS_MAX];
	const char *jwks[TANG_SERVERS_MAX];
	int i;

	for (i = 0; i < k->tang_n; i++) {
		urls[i] = k->tang[i].url;
		pins[i] = k->tang[i].thp;
		jwks[i] = k->tang[i].jwk[0] ? k->tang[i].jwk : NULL;
	}
	return tang_bind(cmd, urls, pins, jwks, k->tang_n, k->tang_t, false,
			 out, opts);
}

/* The blinded requests the kernel made for @k's blob, into @xy. */
static int tang_session(const struct kkey *k, const char *desc, uint8_t *xy,
			kserial_t *key)
{
	size_t len = strlen(k->blob) + 8;
	char *payload = malloc(len), *text = NULL;
	kserial_t s;

	if (!payload) {
		kerr("%s: out of memory", k->name);
		return KX_STATE;
	}
	snprintf(payload, len, "begin %s", k->blob);
	s = kb_add("kseal_tang", desc, payload, strlen(payload),
		   KB_PROCESS_RING);
	free(payload);
	if (s < 0) {
		kerr("%s: the kernel refused its Tang session: %s; %s", k->name,
		     strerror(errno), errno == ENODEV ?
		     "the loaded kseal module has no Tang support: update it (modprobe -r kseal; modprobe kseal)" :
		     "see the kernel log (dmesg)");
		return KX_KERNEL;
	}
	*key = s;
	if (kb_read(s, &text) < 0 ||
	    !tang_session_lines(text, k->tang[0].curve, (size_t)k->tang_n,
				xy)) {
		kerr("%s: the kernel's Tang session gave no requests for its %d servers: %s; see the kernel log (dmesg)",
		     k->name, k->tang_n, text ? "unexpected text" :
		     strerror(errno));
		free(text);
		kb_revoke(s);
		return KX_KERNEL;
	}
	free(text);
	return KX_OK;
}

int tang_exchange(const struct kkey *k, char **opts)
{
	int curve = k->tang[0].curve, i, got = 0, rc;
	size_t c = tang_coord_size(curve), o, len, fo = 0;
	uint8_t xy[TANG_SERVERS_MAX * 2 * TANG_COORD_MAX];
	uint8_t y[2 * TANG_COORD_MAX];
	char desc[32 + KSEAL_KEY_NAME_MAX], fails[2048] = "", *p;
	char path[8 + sizeof(k->tang[0].kid)];
	long timeout = tang_timeout();
	kserial_t s;

	*opts = NULL;
	snprintf(desc, sizeof(desc), "kseal:%s:%ld", k->name, (long)getpid());
	rc = tang_session(k, desc, xy, &s);
	if (rc)
		return rc;
	len = strlen(desc) + 16 + (size_t)k->tang_n * (8 + 4 * c);
	p = malloc(len);
	if (!p) {
		kb_revoke(s);
		kerr("%s: out of memory", k->name);
		return KX_STATE;
	}
	o = (size_t)snprintf(p, len, " tang_session=%s", desc);
	for (i = 0; i < k->tang_n; i++) {
		const struct ktang *t = &k->tang[i];
		char why[160], *req = tang_rec_request(curve, xy + i * 2 * c);
		struct tang_body b = { 0 };
		const char *bad = NULL;
		bool ok = false;

		if (!req) {
			snprintf(why, sizeof(why), "out of memory");
		} else if (snprintf(path, sizeof(path), "rec/%s", t->kid),
			   !tang_http(t->url, path, req, timeout, &b, why,
				      sizeof(why))) {
			ok = tang_rec_parse(b.buf, b.len, curve, y, &bad);
			if (!ok)
				snprintf(why, sizeof(why), "%s", bad);
		}
		free(req);
		free(b.buf);
		if (ok) {
			o += (size_t)snprintf(p + o, len - o, " tang=%d:", i + 1);
			hex(y, 2 * c, p + o);
			o += 4 * c;
			got++;
			continue;
		}
		kerr("%s: Tang server %s: %s", k->name, t->url, why);
		if (fo < sizeof(fails))
			fo += (size_t)snprintf(fails + fo, sizeof(fails) - fo,
					       "%s%s: %s", fo ? ", " : "",
					       t->url, why);
	}
	if (got < k->tang_t) {
		kerr("load %s: %d of %d Tang servers answered, %d needed (%s): the key stays unloaded; retry when they are reachable, or load with the recovery passphrase",
		     k->name, got, k->tang_n, k->tang_t, fails);
		kb_revoke(s);
		free(p);
		errno = EHOSTUNREACH;
		return KX_REFUSED;
	}
	*opts = p;
	return KX_OK;
}
