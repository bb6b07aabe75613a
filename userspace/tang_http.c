// SPDX-License-Identifier: GPL-2.0-only
/*
 * The HTTP side of the Tang client: one GET of /adv or one POST to
 * /rec/<kid>, bounded in time and size. What comes back is parsed by
 * tang.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "tang.h"

bool tang_url_ok(const char *url)
{
	size_t i;

	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return false;
	if (strlen(url) > 512)
		return false;
	for (i = 0; url[i]; i++)
		if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f)
			return false;
	return url[strcspn(url, ":") + 3] != '\0';
}

static size_t collect(char *p, size_t size, size_t n, void *arg)
{
	struct tang_body *b = arg;
	size_t len = size * n;
	char *nb;

	/* A larger answer is no Tang answer; returning short aborts. */
	if (len > TANG_BODY_MAX - b->len)
		return 0;
	nb = realloc(b->buf, b->len + len + 1);
	if (!nb)
		return 0;
	memcpy(nb + b->len, p, len);
	b->buf = nb;
	b->len += len;
	b->buf[b->len] = '\0';
	return len;
}

int tang_http(const char *url, const char *path, const char *body,
	      long timeout, struct tang_body *out, char *why, size_t whylen)
{
	static bool inited;
	struct curl_slist *hdr = NULL;
	char full[1024];
	size_t n = strlen(url);
	long status = 0;
	CURLcode r;
	CURL *c;

	out->buf = NULL;
	out->len = 0;
	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
			snprintf(why, whylen, "cannot start the HTTP client");
			return -1;
		}
		inited = true;
	}
	/* URL "http://host:port" or ".../" both end in one slash. */
	while (n && url[n - 1] == '/')
		n--;
	snprintf(full, sizeof(full), "%.*s/%s", (int)n, url, path);
	c = curl_easy_init();
	if (!c) {
		snprintf(why, whylen, "cannot start the HTTP client");
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_URL, full);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	/* No proxy from the environment: the servers are named exactly. */
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	if (body) {
		hdr = curl_slist_append(hdr,
					"Content-Type: application/jwk+json");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	r = curl_easy_perform(c);
	if (r == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	curl_slist_free_all(hdr);
	if (r == CURLE_OK && status == 200)
		return 0;
	if (r == CURLE_OPERATION_TIMEDOUT)
		snprintf(why, whylen, "timed out after %ld s", timeout);
	else if (r == CURLE_WRITE_ERROR)
		snprintf(why, whylen, "answer larger than %d bytes",
			 TANG_BODY_MAX);
	else if (r == CURLE_COULDNT_CONNECT || r == CURLE_COULDNT_RESOLVE_HOST)
		snprintf(why, whylen, "unreachable (%s)",
			 curl_easy_strerror(r));
	else if (r != CURLE_OK)
		snprintf(why, whylen, "%s", curl_easy_strerror(r));
	else
		snprintf(why, whylen, "HTTP status %ld", status);
	free(out->buf);
	out->buf = NULL;
	out->len = 0;
	return -1;
}
