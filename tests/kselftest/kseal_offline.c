// SPDX-License-Identifier: GPL-2.0-only
/*
 * kseal_offline: what anyone holding a sealed key's secret can compute
 * outside the kernel, written from the documented formats alone
 * (include/kseal/blob.h, include/kseal/ciphertext.h) with OpenSSL, and
 * sharing no code with the module. The VM's known-answer tests use it to
 * show that the kernel's keys are the ones the documents describe (not
 * zero, not duplicated, not drifting between versions) and to learn the
 * data keys' plaintext, which the exposure search then looks for.
 *
 *   kseal_offline unwrap SECRET_HEX DATA_BLOB_HEX_FILE
 *       prints "VERSION KEY_HEX" for every version the data blob holds,
 *       after checking its wrapping key id against the secret and every
 *       version's GCM tag
 *   kseal_offline decrypt KEY_HEX CIPHERTEXT_FILE
 *       writes the plaintext of a pkey_encrypt ciphertext made with the
 *       version key KEY_HEX
 *   kseal_offline verify KEY_HEX MESSAGE_FILE SIGNATURE_FILE
 *       checks a pkey_sign signature made with the version key KEY_HEX
 *
 * Exit status: 0 done, 1 the bytes do not check out (wrong id, tag,
 * signature or format), 2 usage or I/O error. One line on stderr says
 * which.
 *
 * For the bus interposer's tests, on a transcript of the vTPM proxy
 * (kseal_tpm_proxy.c: one "> HEX" line per command, "< HEX" per response),
 * like grep: exit 0 and one line per hit if found, 1 and one line saying
 * what was searched if not, 2 usage or I/O error.
 *   kseal_offline search TRANSCRIPT DATA_BLOB_HEX_FILE [LEN]
 *       tries every LEN-byte window (default 32) of every message as the
 *       secret of the sealed key that wraps the data blob: a window whose
 *       wrapping key id is the blob's is that secret, seen on the bus
 *   kseal_offline find TRANSCRIPT HEX [WINDOW]
 *       looks for the bytes HEX in every message, or with WINDOW for any
 *       WINDOW-byte run of them
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define MAX_FILE	(1 << 20)

/* Data blob (blob.h, "Data key body"): a 20-byte header, then these. */
#define DB_HDR		20
#define DB_ID		20	/* 32: wrapping key id */
#define DB_KEYLEN	52	/* 2: key length L */
#define DB_CUR		54	/* 4: current version */
#define DB_MIN		58	/* 4: minimum version */
#define DB_COUNT	62	/* 2: N */
#define DB_FIXED	64
#define DB_KIND_DATA	2

/* pkey_encrypt ciphertext (ciphertext.h). */
#define CT_VERSION	1
#define CT_NONCE	5
#define CT_BODY		17
#define CT_TAG		16

static int fail(int code, const char *what)
{
	fprintf(stderr, "kseal_offline: %s\n", what);
	return code;
}

static uint32_t be(const unsigned char *p, int n)
{
	uint32_t v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

/* Hex text to bytes; surrounding white space allowed. -1 if not hex. */
static long unhex(const char *s, unsigned char *out, size_t max)
{
	size_t n = 0;
	unsigned int b;

	while (*s == ' ' || *s == '\n')
		s++;
	while (s[0] && s[0] != '\n' && s[0] != ' ') {
		if (n == max || !s[1] || sscanf(s, "%2x", &b) != 1 ||
		    !strchr("0123456789abcdefABCDEF", s[0]) ||
		    !strchr("0123456789abcdefABCDEF", s[1]))
			return -1;
		out[n++] = b;
		s += 2;
	}
	return n;
}

static long slurp(const char *path, unsigned char *buf, size_t max)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, max, f);
	if (ferror(f) || !feof(f))
		n = (size_t)-1;
	fclose(f);
	return n == (size_t)-1 ? -1 : (long)n;
}

static void hmac_label(const unsigned char *key, size_t key_len,
		       const char *label, unsigned char out[32])
{
	unsigned int len = 32;

	HMAC(EVP_sha256(), key, key_len, (const unsigned char *)label,
	     strlen(label), out, &len);
}

/* AES-256-GCM open; 0 when the tag verifies. */
static int gcm_open(const unsigned char key[32], const unsigned char *nonce,
		    const unsigned char *aad, int aad_len,
		    const unsigned char *in, int len, const unsigned char *tag,
		    unsigned char *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n, ok;

	ok = c && EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) &&
	     EVP_DecryptInit_ex(c, NULL, NULL, key, nonce) &&
	     EVP_DecryptUpdate(c, NULL, &n, aad, aad_len) &&
	     EVP_DecryptUpdate(c, out, &n, in, len) &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, (void *)tag) &&
	     EVP_DecryptFinal_ex(c, out + n, &n);
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

static int cmd_unwrap(const char *secret_hex, const char *blob_path)
{
	static unsigned char text[2 * MAX_FILE + 2], blob[MAX_FILE];
	unsigned char secret[128], id[32], wrap[32], aad[DB_FIXED + 4];
	unsigned char key[128];
	long slen, tlen, blen;
	uint32_t keylen, cur, min, count, i, off;

	slen = unhex(secret_hex, secret, sizeof(secret));
	if (slen < 16)
		return fail(2, "the secret is not 16..128 bytes of hex");
	tlen = slurp(blob_path, text, sizeof(text) - 1);
	if (tlen < 0)
		return fail(2, "cannot read the data blob file");
	text[tlen] = 0;
	blen = unhex((char *)text, blob, sizeof(blob));
	if (blen < DB_FIXED || be(blob + 6, 2) != DB_KIND_DATA ||
	    be(blob + 16, 4) != (uint32_t)blen)
		return fail(1, "not a data key blob (kind 2, total length = its size)");
	keylen = be(blob + DB_KEYLEN, 2);
	cur = be(blob + DB_CUR, 4);
	min = be(blob + DB_MIN, 4);
	count = be(blob + DB_COUNT, 2);
	if (keylen < 16 || keylen > sizeof(key) || min < 1 || cur < min ||
	    count != cur - min + 1 ||
	    (uint32_t)blen != DB_FIXED + count * (32 + keylen))
		return fail(1, "the data blob's lengths and versions disagree");
	hmac_label(secret, slen, "kseal id v1", id);
	if (CRYPTO_memcmp(id, blob + DB_ID, 32))
		return fail(1, "the data blob names another wrapping key id than this secret's");
	hmac_label(secret, slen, "kseal wrap v1", wrap);
	memcpy(aad, blob, DB_FIXED);
	for (i = 0, off = DB_FIXED; i < count; i++, off += 32 + keylen) {
		const unsigned char *v = blob + off;

		if (be(v, 4) != min + i)
			return fail(1, "the data blob's versions are out of order");
		memcpy(aad + DB_FIXED, v, 4);
		if (gcm_open(wrap, v + 4, aad, sizeof(aad), v + 16, keylen,
			     v + 16 + keylen, key))
			return fail(1, "a version's GCM tag does not verify under this secret");
		printf("%u ", min + i);
		for (uint32_t j = 0; j < keylen; j++)
			printf("%02x", key[j]);
		printf("\n");
	}
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(wrap, sizeof(wrap));
	OPENSSL_cleanse(secret, sizeof(secret));
	return 0;
}

static int cmd_decrypt(const char *key_hex, const char *ct_path)
{
	static unsigned char ct[MAX_FILE], pt[MAX_FILE];
	unsigned char key[128], enc[32];
	long klen, n;

	klen = unhex(key_hex, key, sizeof(key));
	if (klen < 16)
		return fail(2, "the version key is not 16..128 bytes of hex");
	n = slurp(ct_path, ct, sizeof(ct));
	if (n < 0)
		return fail(2, "cannot read the ciphertext file");
	if (n < CT_BODY + CT_TAG || ct[0] != 1)
		return fail(1, "not a format 1 ciphertext");
	hmac_label(key, klen, "kseal enc v1", enc);
	if (gcm_open(enc, ct + CT_NONCE, ct, CT_NONCE, ct + CT_BODY,
		     n - CT_BODY - CT_TAG, ct + n - CT_TAG, pt))
		return fail(1, "the ciphertext's GCM tag does not verify under this key");
	fwrite(pt, 1, n - CT_BODY - CT_TAG, stdout);
	OPENSSL_cleanse(enc, sizeof(enc));
	OPENSSL_cleanse(pt, sizeof(pt));
	return 0;
}

static int cmd_verify(const char *key_hex, const char *msg_path,
		      const char *sig_path)
{
	static unsigned char msg[MAX_FILE];
	unsigned char key[128], mac_key[32], sig[64], mac[32];
	unsigned int mac_len = sizeof(mac);
	long klen, mlen, slen;

	klen = unhex(key_hex, key, sizeof(key));
	if (klen < 16)
		return fail(2, "the version key is not 16..128 bytes of hex");
	mlen = slurp(msg_path, msg, sizeof(msg));
	slen = slurp(sig_path, sig, sizeof(sig));
	if (mlen < 0 || slen < 0)
		return fail(2, "cannot read the message or signature file");
	if (slen != 4 + 32)
		return fail(1, "a signature is 36 bytes: version and HMAC-SHA256");
	hmac_label(key, klen, "kseal mac v1", mac_key);
	HMAC(EVP_sha256(), mac_key, sizeof(mac_key), msg, mlen, mac, &mac_len);
	OPENSSL_cleanse(mac_key, sizeof(mac_key));
	if (CRYPTO_memcmp(mac, sig + 4, sizeof(mac)))
		return fail(1, "the signature does not verify under this key");
	printf("signature of version %u verifies\n", be(sig, 4));
	return 0;
}

/* The next message of a transcript: its direction and bytes. */
static long next_message(FILE *f, char **line, size_t *cap, char *dir,
			 unsigned char *msg, size_t max)
{
	ssize_t n = getline(line, cap, f);

	if (n < 0)
		return -1;
	if (n < 2 || ((*line)[0] != '>' && (*line)[0] != '<') || (*line)[1] != ' ')
		return -2;
	*dir = (*line)[0];
	n = unhex(*line + 2, msg, max);
	return n < 0 ? -2 : n;
}

/*
 * Calls @hit(ctx, msg, len) on every message of @path; prints each hit
 * with its line, direction and command code. Returns the number of hits,
 * or -1 for a file that is not a transcript.
 */
static long scan(const char *path,
		 long (*hit)(void *ctx, const unsigned char *msg, size_t len),
		 void *ctx, long *messages)
{
	static unsigned char msg[MAX_FILE];
	char *line = NULL, dir;
	size_t cap = 0;
	uint32_t cc = 0;
	long n, hits = 0, lineno = 0, at;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	*messages = 0;
	while ((n = next_message(f, &line, &cap, &dir, msg, sizeof(msg))) != -1) {
		lineno++;
		if (n < 10) {
			fprintf(stderr, "kseal_offline: %s:%ld: not a TPM message\n",
				path, lineno);
			hits = -1;
			break;
		}
		(*messages)++;
		/* A response's command is the one on the line before. */
		if (dir == '>')
			cc = be(msg + 6, 4);
		at = hit(ctx, msg, n);
		if (at >= 0) {
			printf("line %ld: %s of cc 0x%x, at byte %ld\n", lineno,
			       dir == '>' ? "command" : "response", cc, at);
			hits++;
		}
	}
	free(line);
	fclose(f);
	return hits;
}

struct search_ctx {
	unsigned char id[32];
	size_t len;
	long windows;
};

/* The offset of a window that is the wrapping key's secret, or -1. */
static long search_hit(void *p, const unsigned char *msg, size_t len)
{
	struct search_ctx *c = p;
	unsigned char id[32];
	size_t i;

	for (i = 0; i + c->len <= len; i++) {
		c->windows++;
		hmac_label(msg + i, c->len, "kseal id v1", id);
		if (!CRYPTO_memcmp(id, c->id, 32))
			return i;
	}
	return -1;
}

static int cmd_search(const char *transcript, const char *blob_path,
		      const char *len_arg)
{
	static unsigned char text[2 * MAX_FILE + 2], blob[MAX_FILE];
	struct search_ctx c = { .len = 32 };
	long tlen, blen, hits, messages;

	if (len_arg)
		c.len = strtoul(len_arg, NULL, 10);
	if (c.len < 16 || c.len > 128)
		return fail(2, "a sealed secret is 16..128 bytes");
	tlen = slurp(blob_path, text, sizeof(text) - 1);
	if (tlen < 0)
		return fail(2, "cannot read the data blob file");
	text[tlen] = 0;
	blen = unhex((char *)text, blob, sizeof(blob));
	if (blen < DB_FIXED || be(blob + 6, 2) != DB_KIND_DATA)
		return fail(2, "not a data key blob");
	memcpy(c.id, blob + DB_ID, 32);
	hits = scan(transcript, search_hit, &c, &messages);
	if (hits < 0)
		return fail(2, "cannot read the transcript");
	if (hits)
		return 0;
	printf("%ld messages, %ld windows of %zu bytes: none is the secret of the data blob's wrapping key\n",
	       messages, c.windows, c.len);
	return 1;
}

struct find_ctx {
	unsigned char needle[1024];
	size_t len, window;
};

/* The offset of the needle, or of any window of it, or -1. */
static long find_hit(void *p, const unsigned char *msg, size_t len)
{
	struct find_ctx *c = p;
	size_t i, j;

	for (i = 0; i + c->window <= len; i++)
		for (j = 0; j + c->window <= c->len; j++)
			if (!memcmp(msg + i, c->needle + j, c->window))
				return i;
	return -1;
}

static int cmd_find(const char *transcript, const char *hex,
		    const char *window_arg)
{
	struct find_ctx c;
	long n, hits, messages;

	n = unhex(hex, c.needle, sizeof(c.needle));
	if (n < 1)
		return fail(2, "the bytes to find are not 1..1024 bytes of hex");
	c.len = n;
	c.window = window_arg ? strtoul(window_arg, NULL, 10) : c.len;
	if (c.window < 1 || c.window > c.len)
		return fail(2, "the window is 1 byte up to the bytes' length");
	hits = scan(transcript, find_hit, &c, &messages);
	if (hits < 0)
		return fail(2, "cannot read the transcript");
	if (hits)
		return 0;
	if (c.window == c.len)
		printf("%ld messages: none holds these %zu bytes\n", messages, c.len);
	else
		printf("%ld messages: none holds any %zu-byte run of these %zu bytes\n",
		       messages, c.window, c.len);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "unwrap"))
		return cmd_unwrap(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "decrypt"))
		return cmd_decrypt(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "verify"))
		return cmd_verify(argv[2], argv[3], argv[4]);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "search"))
		return cmd_search(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "find"))
		return cmd_find(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	fprintf(stderr, "usage: %s unwrap SECRET_HEX BLOB_FILE | decrypt KEY_HEX CT_FILE | verify KEY_HEX MSG_FILE SIG_FILE\n"
		"       | search TRANSCRIPT BLOB_FILE [LEN] | find TRANSCRIPT HEX [WINDOW]\n",
		argv[0]);
	return 2;
}
