// SPDX-License-Identifier: GPL-2.0-only
/*
 * TCG PC Client crypto-agile event log: parser and sha256 replay.
 *
 * Layout (TCG PC Client Platform Firmware Profile, 10.2 and 10.4), all
 * integers little endian:
 *   first record, SHA1 format: pcr u32, type u32 (EV_NO_ACTION),
 *     digest[20] (zero), size u32, TCG_EfiSpecIDEvent: "Spec ID Event03\0",
 *     platformClass u32, version minor/major/errata u8, uintnSize u8,
 *     numberOfAlgorithms u32, {algId u16, digestSize u16}[n],
 *     vendorInfoSize u8, vendorInfo[];
 *   then TCG_PCR_EVENT2: pcr u32, type u32, count u32,
 *     {hashAlg u16, digest[size of that alg in the Spec ID event]}[count],
 *     eventSize u32, event[eventSize].
 * Nothing outside this grammar is accepted: the log is what the next
 * boot's prediction rests on, and a record we do not understand could
 * hide an extend.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "eventlog.h"

#define ALG_SHA256	0x000bU
#define MAX_ALGS	8	/* banks a TPM has; the profile knows 8 algorithms */

struct alg {
	uint16_t id;
	uint16_t size;
};

struct cur {
	const uint8_t *buf;
	size_t len, off;
	size_t index;		/* of the record being read, for messages */
	size_t start;		/* its offset */
	char *err;
	size_t errlen;
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static bool fail(struct cur *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool fail(struct cur *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(c->err, c->errlen, "event log: record %zu at offset %zu: ",
		     c->index, c->start);
	if (n < 0 || (size_t)n >= c->errlen)
		return false;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - n, fmt, ap);
	va_end(ap);
	return false;
}

/* The next @n bytes, or NULL (and an error) if the log ends first. */
static const uint8_t *take(struct cur *c, size_t n, const char *what)
{
	const uint8_t *p;

	if (n > c->len - c->off) {
		fail(c, "%s runs past the end of the log (%zu bytes needed, %zu left)",
		     what, n, c->len - c->off);
		return NULL;
	}
	p = c->buf + c->off;
	c->off += n;
	return p;
}

static int known_size(uint16_t id)
{
	switch (id) {
	case 0x0004:		/* sha1 */
		return 20;
	case ALG_SHA256:
	case 0x0012:		/* sm3_256 */
	case 0x0027:		/* sha3_256 */
		return 32;
	case 0x000c:		/* sha384 */
	case 0x0028:		/* sha3_384 */
		return 48;
	case 0x000d:		/* sha512 */
	case 0x0029:		/* sha3_512 */
		return 64;
	}
	return 0;
}

static bool spec_id(struct cur *c, struct alg *algs, uint32_t *nalgs)
{
	static const uint8_t sig[16] = "Spec ID Event03";
	static const uint8_t zero[20];
	const uint8_t *h, *d, *a;
	uint32_t size, i, j;

	h = take(c, 32, "the Spec ID event header");
	if (!h)
		return false;
	if (le32(h) != 0 || le32(h + 4) != EV_NO_ACTION ||
	    memcmp(h + 8, zero, sizeof(zero)))
		return fail(c, "the log does not start with the Spec ID event (PCR 0, EV_NO_ACTION, zero digest); only the TCG2 crypto-agile format is supported");
	size = le32(h + 28);
	d = take(c, size, "the Spec ID event");
	if (!d)
		return false;
	if (size < 16 + 4 + 4 + 4 || memcmp(d, sig, sizeof(sig)))
		return fail(c, "no \"Spec ID Event03\" signature: not a crypto-agile (TCG2) log");
	*nalgs = le32(d + 24);
	if (*nalgs < 1 || *nalgs > MAX_ALGS)
		return fail(c, "%u hash algorithms listed; 1 to %d expected",
			    *nalgs, MAX_ALGS);
	/* algorithms, then vendorInfoSize: all inside the event */
	if (size < 28 + 4 * *nalgs + 1)
		return fail(c, "the Spec ID event is too short for its %u algorithms",
			    *nalgs);
	a = d + 28;
	for (i = 0; i < *nalgs; i++) {
		algs[i].id = le16(a + 4 * i);
		algs[i].size = le16(a + 4 * i + 2);
		if (known_size(algs[i].id) ?
		    algs[i].size != known_size(algs[i].id) :
		    algs[i].size < 1 || algs[i].size > 64)
			return fail(c, "algorithm 0x%04x has digest size %u",
				    algs[i].id, algs[i].size);
		for (j = 0; j < i; j++)
			if (algs[j].id == algs[i].id)
				return fail(c, "algorithm 0x%04x listed twice",
					    algs[i].id);
	}
	if (size != 28 + 4 * *nalgs + 1 + a[4 * *nalgs])
		return fail(c, "the Spec ID event's size %u does not match its contents",
			    size);
	for (i = 0; i < *nalgs; i++)
		if (algs[i].id == ALG_SHA256)
			return true;
	return fail(c, "the log has no sha256 bank");
}

static bool startup_locality(struct cur *c, struct tcg_log *log,
			     const struct tcg_event *e, bool *pcr0_extended,
			     bool *seen)
{
	static const uint8_t sig[16] = "StartupLocality";

	if (e->data_len != 17 || memcmp(e->data, sig, sizeof(sig)))
		return true;	/* some other EV_NO_ACTION: informational */
	if (e->pcr != 0)
		return fail(c, "StartupLocality event for PCR %u, not 0", e->pcr);
	if (*seen || *pcr0_extended)
		return fail(c, "StartupLocality event after the start of PCR 0");
	if (e->data[16] > 4)
		return fail(c, "StartupLocality %u; 0 to 4 expected",
			    e->data[16]);
	log->locality = e->data[16];
	*seen = true;
	return true;
}

static bool event2(struct cur *c, const struct alg *algs, uint32_t nalgs,
		   struct tcg_event *e)
{
	const uint8_t *h, *p;
	uint32_t count, i, j, seen = 0;

	h = take(c, 12, "the event header");
	if (!h)
		return false;
	e->offset = c->start;
	e->pcr = le32(h);
	e->type = le32(h + 4);
	count = le32(h + 8);
	if (e->pcr >= TCG_PCRS)
		return fail(c, "PCR %u; 0 to %d expected", e->pcr, TCG_PCRS - 1);
	if (count > nalgs)
		return fail(c, "%u digests, but the log has %u banks", count,
			    nalgs);
	e->has_sha256 = false;
	for (i = 0; i < count; i++) {
		p = take(c, 2, "a digest's algorithm");
		if (!p)
			return false;
		for (j = 0; j < nalgs && algs[j].id != le16(p); j++)
			;
		if (j == nalgs)
			return fail(c, "digest of algorithm 0x%04x, which the Spec ID event does not list",
				    le16(p));
		if (seen & 1U << j)
			return fail(c, "two digests of algorithm 0x%04x",
				    algs[j].id);
		seen |= 1U << j;
		p = take(c, algs[j].size, "a digest");
		if (!p)
			return false;
		if (algs[j].id == ALG_SHA256) {
			memcpy(e->sha256, p, TCG_SHA256_SIZE);
			e->has_sha256 = true;
		}
	}
	if (!e->has_sha256 && e->type != EV_NO_ACTION)
		return fail(c, "no sha256 digest in an event that extends PCR %u",
			    e->pcr);
	p = take(c, 4, "the event size");
	if (!p)
		return false;
	e->data_len = le32(p);
	e->data = take(c, e->data_len, "the event data");
	return e->data != NULL;
}

bool tcg_log_parse(const uint8_t *buf, size_t len, struct tcg_log *log,
		   char *err, size_t errlen)
{
	struct cur c = { .buf = buf, .len = len, .err = err, .errlen = errlen };
	bool pcr0 = false, locality = false;
	struct alg algs[MAX_ALGS];
	uint32_t nalgs = 0;
	size_t cap = 0;

	memset(log, 0, sizeof(*log));
	if (errlen)
		err[0] = '\0';
	if (len > TCG_LOG_MAX_SIZE) {
		snprintf(err, errlen, "event log: %zu bytes, more than the %u a log may have",
			 len, TCG_LOG_MAX_SIZE);
		return false;
	}
	if (!spec_id(&c, algs, &nalgs))
		return false;
	while (c.off < c.len) {
		struct tcg_event *e;

		c.index++;
		c.start = c.off;
		if (log->n == TCG_LOG_MAX_EVENTS) {
			fail(&c, "more than %d events", TCG_LOG_MAX_EVENTS);
			goto bad;
		}
		if (log->n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct tcg_event *nev;

			nev = realloc(log->ev, ncap * sizeof(*nev));
			if (!nev) {
				fail(&c, "out of memory");
				goto bad;
			}
			log->ev = nev;
			cap = ncap;
		}
		e = &log->ev[log->n];
		if (!event2(&c, algs, nalgs, e))
			goto bad;
		if (e->type == EV_NO_ACTION) {
			if (!startup_locality(&c, log, e, &pcr0, &locality))
				goto bad;
		} else if (e->pcr == 0) {
			pcr0 = true;
		}
		log->n++;
	}
	return true;
bad:
	tcg_log_free(log);
	return false;
}

void tcg_log_free(struct tcg_log *log)
{
	free(log->ev);
	memset(log, 0, sizeof(*log));
}

void tcg_log_replay(const struct tcg_log *log,
		    uint8_t pcr[TCG_PCRS][TCG_SHA256_SIZE])
{
	uint8_t buf[2 * TCG_SHA256_SIZE];
	unsigned int n;
	size_t i;

	for (i = 0; i < TCG_PCRS; i++)
		memset(pcr[i], i >= 17 && i <= 22 ? 0xff : 0, TCG_SHA256_SIZE);
	pcr[0][TCG_SHA256_SIZE - 1] = log->locality;
	for (i = 0; i < log->n; i++) {
		const struct tcg_event *e = &log->ev[i];

		if (e->type == EV_NO_ACTION)
			continue;
		memcpy(buf, pcr[e->pcr], TCG_SHA256_SIZE);
		memcpy(buf + TCG_SHA256_SIZE, e->sha256, TCG_SHA256_SIZE);
		EVP_Digest(buf, sizeof(buf), pcr[e->pcr], &n, EVP_sha256(),
			   NULL);
	}
}
