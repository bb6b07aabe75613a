// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of ksealctl's signed-policy arithmetic and parsers
 * (userspace/policy_key.c, policy_file.c): the approved policy digest
 * against the module's own PolicyPCR code and a TPM's answer, signing
 * keys' Names and fingerprints against what a TPM and openssl computed,
 * signatures, and the JSON the helper reads from elsewhere.
 */
#include "policy_store.h"
#include "kseal_policy.h"
#include "ksealctl.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <kselftest_harness.h>

struct ctx g = { .cmd = "" };

/* A swtpm's PolicyPCR trial digest over PCRs 0, 2, 7 all zero. */
static const char zero_027[] =
	"f949610b5579171f82aeb810b4e79a182c4d1ff92480a6b64be02e204e0080eb";

/* Names from tpm2 loadexternal of the documented public area (swtpm). */
static const char ec_pem[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEgN/4vmwqA9Tu+Pcr/7fiiI8Fed5i\n"
	"XmowWANUUaNttJhIFcBh9NG0AWqFvxD+TsD7XIx92nGGqjRBNUhUuapqvQ==\n"
	"-----END PUBLIC KEY-----\n";
static const char ec_name[] =
	"000b305718745c8b441fc5107fd869bb36ec7a062b65eae322324166852994bfd362";
static const char ec_fp[] =
	"26a99cd3c9e8485b3ead44a4a3697ffd223d1e0cb1351e2ac368de09e99a44c0";
static const char rsa_pem[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAz1oDuvam6FOCW0ZT32u5\n"
	"3XonIFzki3bXrKFaf07tB+N4uZzm4kIYTeUojYQ0v4zi404HY65WBbnsTof7Rud1\n"
	"cyGv0qXTu9O3jWh0bU3IDo6j8UIZeLSJN3VWohmwKYe0I0zXSiBzVUy7ba6kt3Gx\n"
	"+YuEZY+Q1T7A5tJ47tRdz8Lbtre2yFKeB1VFVONWjAsTI/rxMjuXVmo8GHdhMnMa\n"
	"K1ULKWpPtnzD9A1v1neoQLY3b+X2XRIhA4W5GJSIv35RVVq71Chb+n5qYo+rWOvj\n"
	"uxenR3VecE/wntDvU+qGCbV8bvxRiKbsWoewZ+fQaJT06qlVE9cSG+7Q25WURXBH\n"
	"twIDAQAB\n"
	"-----END PUBLIC KEY-----\n";
static const char rsa_name[] =
	"000b01eb1febd76a18063df487d62dceb1d1295b79685201456aff07e5d48d3b5499";
static const char rsa_fp[] =
	"994f3e5f598d7a928b95cea4a6ce34d42332082a2ede757b7f631c434c46db90";

static void hex(const uint8_t *b, size_t n, char *out)
{
	hex_encode(b, n, out);
}

TEST(pcr_digest_is_the_tpms)
{
	struct pcr_state s = { .mask = 1U << 0 | 1U << 2 | 1U << 7 };
	uint8_t pol[32];
	char h[65];

	ASSERT_TRUE(policy_pcr_digest(&s, pol));
	hex(pol, 32, h);
	ASSERT_STREQ(zero_027, h);
	s.mask = 0;
	ASSERT_FALSE(policy_pcr_digest(&s, pol));
	s.mask = 1U << 24;
	ASSERT_FALSE(policy_pcr_digest(&s, pol));
}

TEST(pcr_digest_is_the_modules)
{
	static const uint32_t masks[] = { 1, 0x85, 0x800000, 0xffffff, 0x10290 };
	static const uint8_t zero[32];
	uint8_t vals[24 * 32], pol[32], mod[32];
	struct pcr_state s;
	size_t m;
	int i, n;

	for (m = 0; m < sizeof(masks) / sizeof(masks[0]); m++) {
		memset(&s, 0, sizeof(s));
		s.mask = masks[m];
		for (i = n = 0; i < 24; i++) {
			if (!(s.mask & 1U << i))
				continue;
			memset(s.value[i], 0x11 * (i + 1) + (int)m, 32);
			memcpy(vals + 32 * n++, s.value[i], 32);
		}
		ASSERT_TRUE(policy_pcr_digest(&s, pol));
		ASSERT_EQ(0, kseal_policy_pcr(zero, s.mask, vals, n, mod));
		ASSERT_EQ(0, memcmp(pol, mod, 32));
	}
}

static void check_key(struct __test_metadata *_metadata, const char *pem,
		      const char *name, const char *fp, TPM2_ALG_ID type)
{
	struct policy_key k;
	const char *why;
	char h[69];

	ASSERT_TRUE(policy_key_from_pem(&k, pem, false, &why));
	ASSERT_EQ(type, k.pub.publicArea.type);
	hex(k.name, sizeof(k.name), h);
	ASSERT_STREQ(name, h);
	hex(k.fp, sizeof(k.fp), h);
	ASSERT_STREQ(fp, h);
	ASSERT_STREQ(pem, k.pem);
	policy_key_free(&k);
}

TEST(names_and_fingerprints)
{
	const char *why;
	struct policy_key k;

	check_key(_metadata, ec_pem, ec_name, ec_fp, TPM2_ALG_ECC);
	check_key(_metadata, rsa_pem, rsa_name, rsa_fp, TPM2_ALG_RSA);
	ASSERT_FALSE(policy_key_from_pem(&k, "not a key", false, &why));
	ASSERT_FALSE(policy_key_from_pem(&k, ec_pem, true, &why));
}

/* A fresh private key as PEM text. */
static char *new_key(const char *kind)
{
	EVP_PKEY *p = !strcmp(kind, "ec") ? EVP_EC_gen("P-256") :
		      !strcmp(kind, "rsa") ? EVP_RSA_gen(2048) :
		      EVP_EC_gen("P-384");
	BIO *b = BIO_new(BIO_s_mem());
	BUF_MEM *m;
	char *s;

	PEM_write_bio_PrivateKey(b, p, NULL, NULL, 0, NULL, NULL);
	BIO_get_mem_ptr(b, &m);
	s = strndup(m->data, m->length);
	BIO_free(b);
	EVP_PKEY_free(p);
	return s;
}

TEST(sign_verify_and_tpm_signature)
{
	static const char *kinds[] = { "ec", "rsa" };
	struct policy_key k;
	TPMT_SIGNATURE ts;
	uint8_t pol[32], *sig;
	const char *why;
	size_t i, n;
	char *pem;

	memset(pol, 0x5a, sizeof(pol));
	for (i = 0; i < 2; i++) {
		pem = new_key(kinds[i]);
		ASSERT_TRUE(policy_key_from_pem(&k, pem, true, &why));
		ASSERT_TRUE(policy_sign(&k, pol, &sig, &n));
		ASSERT_TRUE(policy_verify(&k, pol, sig, n));
		ASSERT_TRUE(policy_tpm_signature(&k, sig, n, &ts));
		ASSERT_EQ(i ? TPM2_ALG_RSASSA : TPM2_ALG_ECDSA, ts.sigAlg);
		/* A trailing byte is no DER signature, nor an RSA one. */
		ASSERT_FALSE(policy_tpm_signature(&k, sig, n - 1, &ts));
		pol[3] ^= 1;
		ASSERT_FALSE(policy_verify(&k, pol, sig, n));
		pol[3] ^= 1;
		free(sig);
		policy_key_free(&k);
		free(pem);
	}
	/* Only P-256 and RSA-2048. */
	pem = new_key("p384");
	ASSERT_FALSE(policy_key_from_pem(&k, pem, true, &why));
	free(pem);
}

#define FP "\"pkfp\":\"" "2222222222222222222222222222222222222222222222222222222222222222" "\""

TEST(policy_files)
{
	static const char *bad[] = {
		"", "[]", "{}", "{\"sha256\":{}}", "{\"sha256\":[1]}",
		"{\"sha256\":[{\"pcrs\":[],"FP",\"pol\":\"%s\",\"sig\":\"AAAA\"}]}",
		"{\"sha256\":[{\"pcrs\":[7,2],"FP",\"pol\":\"%s\",\"sig\":\"AAAA\"}]}",
		"{\"sha256\":[{\"pcrs\":[2,2],"FP",\"pol\":\"%s\",\"sig\":\"AAAA\"}]}",
		"{\"sha256\":[{\"pcrs\":[24],"FP",\"pol\":\"%s\",\"sig\":\"AAAA\"}]}",
		"{\"sha256\":[{\"pcrs\":[\"7\"],"FP",\"pol\":\"%s\",\"sig\":\"AAAA\"}]}",
		"{\"sha256\":[{\"pcrs\":[7],\"pkfp\":\"22\",\"pol\":\"%s\",\"sig\":\"AAAA\"}]}",
		"{\"sha256\":[{\"pcrs\":[7],"FP",\"pol\":\"%.62s\",\"sig\":\"AAAA\"}]}",
		"{\"sha256\":[{\"pcrs\":[7],"FP",\"pol\":\"%s\",\"sig\":\"AAA\"}]}",
		"{\"sha256\":[{\"pcrs\":[7],"FP",\"pol\":\"%s\",\"sig\":\"A=AA\"}]}",
		"{\"sha256\":[{\"pcrs\":[7],"FP",\"pol\":\"%s\",\"sig\":\"====\"}]}",
		"{\"sha256\":[{\"pcrs\":[7],"FP",\"pol\":\"%s\",\"sig\":\"AA!A\"}]}",
		"{\"sha256\":[{\"pcrs\":[7],"FP",\"pol\":\"%s\",\"sig\":\"AAAA\",\"values\":{}}]}",
		"{\"sha256\":[{\"pcrs\":[0,2,7],"FP",\"pol\":\"%s\",\"sig\":\"AAAA\",\"values\":{\"0\":\"" "%064d" "\"}}]}",
	};
	char text[1024], pol[65], *out;
	struct spolicy_set s, again;
	const char *why;
	size_t i;
	long at;

	memset(pol, '0', 64);
	pol[64] = '\0';
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), bad[i], pol, 0);
		EXPECT_FALSE(spolicy_parse(text, &s, &why, &at)) {
			TH_LOG("accepted: %s", text);
		}
		ASSERT_NE(NULL, why);
	}
	/* Values that give pol are accepted, and write back the same. */
	snprintf(text, sizeof(text),
		 "{\"sha256\":[{\"pcrs\":[0,2,7],"FP",\"pol\":\"%s\",\"sig\":\"AAE=\","
		 "\"values\":{\"0\":\"%064d\",\"2\":\"%064d\",\"7\":\"%064d\"}},"
		 "{\"pcrs\":[9],"FP",\"pol\":\"%s\",\"sig\":\"AAAA\"}]}",
		 zero_027, 0, 0, 0, pol);
	ASSERT_TRUE(spolicy_parse(text, &s, &why, &at));
	ASSERT_EQ(2, s.n);
	ASSERT_EQ(2, s.e[0].siglen);
	ASSERT_TRUE(s.e[0].has_values);
	ASSERT_FALSE(s.e[1].has_values);
	out = spolicy_to_json(&s);
	ASSERT_TRUE(spolicy_parse(out, &again, &why, &at));
	ASSERT_EQ(2, again.n);
	ASSERT_EQ(0, memcmp(s.e[0].pol, again.e[0].pol, 32));
	ASSERT_EQ(0, memcmp(&s.e[0].values, &again.e[0].values,
			    sizeof(s.e[0].values)));
	/* Base64 with '/' is written as it is, unescaped. */
	ASSERT_EQ(NULL, strstr(out, "\\/"));
	free(out);
	spolicy_free(&again);
	/* One changed value and the file is refused, at that entry. */
	text[strstr(text, "\"2\":\"") - text + 6] = '1';
	spolicy_free(&s);
	ASSERT_FALSE(spolicy_parse(text, &s, &why, &at));
	ASSERT_EQ(0, at);
}

TEST(predictions)
{
	static const char *bad[] = {
		"", "{}", "{\"sha256\":[]}", "{\"sha256\":[{\"pcr\":7}]}",
		"{\"sha256\":[{\"pcr\":24,\"hash\":\"%064d\"}]}",
		"{\"sha256\":[{\"pcr\":-1,\"hash\":\"%064d\"}]}",
		"{\"sha256\":[{\"pcr\":7,\"hash\":\"%062d\"}]}",
		"{\"sha256\":[{\"pcr\":7,\"hash\":\"%064d\"},{\"pcr\":7,\"hash\":\"%064d\"}]}",
	};
	struct pcr_state s;
	char text[512];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), bad[i], 0, 0);
		EXPECT_NE(NULL, prediction_parse(text, &s)) {
			TH_LOG("accepted: %s", text);
		}
	}
	snprintf(text, sizeof(text),
		 "{\"sha256\":[{\"pcr\":9,\"hash\":\"%064d\"},{\"pcr\":4,\"hash\":\"%064d\"}]}",
		 1, 2);
	ASSERT_EQ(NULL, prediction_parse(text, &s));
	ASSERT_EQ(1U << 4 | 1U << 9, s.mask);
	ASSERT_EQ(1, s.value[9][31]);
	ASSERT_EQ(2, s.value[4][31]);
}

TEST_HARNESS_MAIN
