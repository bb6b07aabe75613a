// SPDX-License-Identifier: GPL-2.0-only
/*
 * Authenticode SHA-256 of a PE/COFF image the way UEFI firmware (EDK2's
 * measured boot) computes it for an EV_EFI_BOOT_SERVICES_APPLICATION:
 *   1. the headers up to SizeOfHeaders without the CheckSum field and
 *      without the certificate-table data directory entry (index 4;
 *      absent when NumberOfRvaAndSizes <= 4);
 *   2. every section with raw data, in the order of PointerToRawData;
 *   3. whatever follows, from offset SizeOfHeaders + the sizes of those
 *      sections, up to the file size minus the certificate table's size.
 * Step 3 starts at that sum and not at the end of the last section, as the
 * firmware does, so that the digest is the one the log records.
 * Everything is bounds-checked against @len before it is read.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "authenticode.h"

#define PE32_MAGIC	0x10b
#define PE32P_MAGIC	0x20b
#define SECTION_SIZE	40
#define DIR_SECURITY	4

struct sect {
	uint32_t ptr, size;
	uint16_t index;		/* table order: the tie-break, like a stable sort */
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

static int by_ptr(const void *a, const void *b)
{
	const struct sect *x = a, *y = b;

	if (x->ptr != y->ptr)
		return x->ptr < y->ptr ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Where the pieces are, all checked against @len. */
struct layout {
	size_t csum;		/* offset of CheckSum */
	size_t cert;		/* offset of the security directory entry, 0: none */
	size_t headers;		/* SizeOfHeaders */
	uint32_t cert_size;
	struct sect *s;
	size_t ns;
};

static const char *parse(const uint8_t *img, size_t len, struct layout *l)
{
	size_t pe, opt, optsize, ddoff, nrvaoff, tab, nsec, i;
	uint32_t nrva;
	uint16_t magic;

	if (len < 0x40 || img[0] != 'M' || img[1] != 'Z')
		return "no MZ header";
	pe = le32(img + 0x3c);
	if (pe > len || len - pe < 24)
		return "the PE header lies beyond the end of the file";
	if (memcmp(img + pe, "PE\0\0", 4))
		return "no PE signature";
	nsec = le16(img + pe + 6);
	optsize = le16(img + pe + 20);
	opt = pe + 24;
	if (optsize > len - opt)
		return "the optional header runs past the end of the file";
	if (optsize < 2)
		return "no optional header";
	magic = le16(img + opt);
	if (magic == PE32_MAGIC) {
		nrvaoff = 92;
		ddoff = 96;
	} else if (magic == PE32P_MAGIC) {
		nrvaoff = 108;
		ddoff = 112;
	} else {
		return "the optional header is neither PE32 nor PE32+";
	}
	if (optsize < ddoff)
		return "the optional header is too short";
	nrva = le32(img + opt + nrvaoff);
	if (nrva > (optsize - ddoff) / 8)
		return "the data directories run past the optional header";
	l->csum = opt + 64;
	l->cert = nrva > DIR_SECURITY ? opt + ddoff + 8 * DIR_SECURITY : 0;
	l->cert_size = l->cert ? le32(img + l->cert + 4) : 0;
	if (l->cert_size &&
	    (uint64_t)le32(img + l->cert) + l->cert_size > len)
		return "the certificate table lies beyond the end of the file";
	l->headers = le32(img + opt + 60);
	if (l->headers > len)
		return "SizeOfHeaders is larger than the file";
	if (l->headers < (l->cert ? l->cert + 8 : l->csum + 4))
		return "SizeOfHeaders ends inside the optional header";
	tab = opt + optsize;
	if (nsec > (len - tab) / SECTION_SIZE)
		return "the section table runs past the end of the file";
	l->s = calloc(nsec ? nsec : 1, sizeof(*l->s));
	if (!l->s)
		return "out of memory";
	l->ns = 0;
	for (i = 0; i < nsec; i++) {
		const uint8_t *h = img + tab + i * SECTION_SIZE;
		struct sect *s = &l->s[l->ns];

		s->size = le32(h + 16);
		s->ptr = le32(h + 20);
		s->index = (uint16_t)i;
		if (!s->size)
			continue;
		if ((uint64_t)s->ptr + s->size > len)
			return "a section's raw data lies beyond the end of the file";
		l->ns++;
	}
	qsort(l->s, l->ns, sizeof(*l->s), by_ptr);
	return NULL;
}

bool authenticode_sha256(const uint8_t *img, size_t len, uint8_t out[32],
			 const char **why)
{
	struct layout l = { 0 };
	EVP_MD_CTX *ctx = NULL;
	uint64_t sum;
	bool ok = false;
	size_t i;

	*why = parse(img, len, &l);
	if (*why)
		goto out;
	*why = "out of memory";
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		goto out;
	*why = "hashing failed";
	if (!EVP_DigestUpdate(ctx, img, l.csum))
		goto out;
	if (l.cert) {
		if (!EVP_DigestUpdate(ctx, img + l.csum + 4,
				      l.cert - (l.csum + 4)) ||
		    !EVP_DigestUpdate(ctx, img + l.cert + 8,
				      l.headers - (l.cert + 8)))
			goto out;
	} else if (!EVP_DigestUpdate(ctx, img + l.csum + 4,
				     l.headers - (l.csum + 4))) {
		goto out;
	}
	sum = l.headers;
	for (i = 0; i < l.ns; i++) {
		if (!EVP_DigestUpdate(ctx, img + l.s[i].ptr, l.s[i].size))
			goto out;
		sum += l.s[i].size;
	}
	if (len > sum) {
		if (len - sum < l.cert_size) {
			*why = "the certificate table overlaps the sections";
			goto out;
		}
		if (!EVP_DigestUpdate(ctx, img + sum, len - sum - l.cert_size))
			goto out;
	}
	if (!EVP_DigestFinal_ex(ctx, out, NULL))
		goto out;
	*why = NULL;
	ok = true;
out:
	EVP_MD_CTX_free(ctx);
	free(l.s);
	return ok;
}
