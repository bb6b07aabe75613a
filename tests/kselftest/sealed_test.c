// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sealed keys through the keyrings API, inside the test VM: the blob that
 * keyctl read returns, load round trips, PCR policy and the recovery
 * branch, reseal, lock, the exact errno of every refusal, the TPM commands
 * a load costs, flushed TPM handles, and module unload with keys alive.
 *
 * Needs a TPM 2.0 with the kseal parent storage key at 0x81000100 and the
 * SRK at 0x81000001 (tests/vm/suites/sealed.sh makes them). Tests run in
 * the order written: lock and unload come last because they change the
 * machine for the rest of the boot. Only one wrong recovery passphrase is
 * tried in the whole file: the TPM's dictionary-attack counter survives
 * reboots and locks out after a few failures.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <keyutils.h>
#include <regex.h>
#include <stdarg.h>
#include <sys/klog.h>
#include <sys/wait.h>
#include <time.h>

#include <kseal/blob.h>
#include <kseal/limits.h>
#include <kseal/version.h>

#include "kselftest_harness.h"
#include "kseal_util.h"

/*
 * TPM commands of one load as kseal(7) documents them: Load,
 * StartAuthSession (salted), PolicyPCR (PolicyAuthValue with the
 * passphrase), Unseal (which ends the policy session) and one
 * FlushContext for the loaded object; a blob with a recovery branch adds
 * PolicyOR and, loaded by its PCRs, a second (salted) StartAuthSession
 * for the encryption of the answer.
 */
#define LOAD_CMDS_PCR		5
#define LOAD_CMDS_RECOVERY_PCR	7
#define LOAD_CMDS_RECOVERY	6
#define LOAD_FLUSHES		"1"

#define LOCK_FILE		"/sys/kernel/kseal/lock"
/* KSEAL_PCR_DEFAULT_MASK as /proc/keys writes it (runs of three as ranges). */
#define DEFAULT_PCRS		"4,7-9"
#define LOCK_PCR		15
#define NOBODY			65534

/* Sealed body offsets (include/kseal/blob.h). */
#define OFF_PARENT	KSEAL_BLOB_HDR_SIZE
#define OFF_NAME_LEN	(OFF_PARENT + 4)
#define OFF_NAME	(OFF_NAME_LEN + 2)
#define OFF_MASK	(OFF_NAME + KSEAL_NAME_MAX)
#define OFF_LOCK	(OFF_MASK + 4)
#define OFF_PCR_POLICY	(OFF_LOCK + 1)
#define OFF_AUTH_POLICY	(OFF_PCR_POLICY + KSEAL_DIGEST_SIZE)
#define OFF_KEY_ID	(OFF_AUTH_POLICY + KSEAL_DIGEST_SIZE)
#define OFF_PUB_LEN	(OFF_KEY_ID + KSEAL_DIGEST_SIZE)
#define OFF_PUB		(OFF_PUB_LEN + 2)
_Static_assert(OFF_PUB + 2 == KSEAL_SEALED_FIXED_SIZE, "blob layout");

/* TPMT_PUBLIC of a sealed object: type, nameAlg, attributes, authPolicy. */
#define PUB_TYPE		0
#define PUB_NAME_ALG		2
#define PUB_ATTRS		4
#define PUB_POLICY_LEN		8
#define PUB_POLICY		10
#define TPM_ALG_KEYEDHASH	0x0008
#define TPMA_FIXEDTPM		0x00000002U
#define TPMA_FIXEDPARENT	0x00000010U
#define TPMA_SENSITIVEDATAORIGIN 0x00000020U
#define TPMA_USERWITHAUTH	0x00000040U

/* A decoded blob; the buffer has room to grow it for oversize cases. */
struct blob {
	uint8_t b[KSEAL_BLOB_MAX + 64];
	size_t len;
	size_t pub_len;
	size_t priv_len_off;	/* offset of the private area's size */
	size_t priv_len;
};

static unsigned int desc_seq;

/* add_key adds to an existing description: every key gets a new one. */
static const char *fresh_desc(void)
{
	static char d[48];

	snprintf(d, sizeof(d), "st:%d:%u", getpid(), ++desc_seq);
	return d;
}

/* add_key of a kseal key in the process keyring: serial or -errno. */
static int add_raw(const char *desc, const char *payload, size_t len,
		   key_serial_t ring)
{
	key_serial_t k = add_key("kseal", desc, payload, len, ring);

	return k < 0 ? -errno : k;
}

static int addf(const char *fmt, ...)
{
	char *payload;
	va_list ap;
	int n, ret;

	va_start(ap, fmt);
	n = vasprintf(&payload, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	ret = add_raw(fresh_desc(), payload, n, KEY_SPEC_PROCESS_KEYRING);
	free(payload);
	return ret;
}

/* "load <hex of bin>[ opts]"; len 0 gives "load " (no blob at all). */
static char *load_payload(const uint8_t *bin, size_t len, const char *opts)
{
	size_t n = 5 + 2 * len + (opts ? 1 + strlen(opts) : 0) + 1;
	char *p = malloc(n);

	if (!p)
		return NULL;
	memcpy(p, "load ", 5);
	kseal_tohex(bin, len, p + 5);
	if (opts) {
		strcat(p, " ");
		strcat(p, opts);
	}
	return p;
}

static int load_bin(const uint8_t *bin, size_t len, const char *opts)
{
	char *p = load_payload(bin, len, opts);
	int ret;

	if (!p)
		return -ENOMEM;
	ret = add_raw(fresh_desc(), p, strlen(p), KEY_SPEC_PROCESS_KEYRING);
	free(p);
	return ret;
}

static int load_hex(const char *hex, const char *opts)
{
	return addf("load %s%s%s", hex, opts ? " " : "", opts ? opts : "");
}

/* keyctl update: 0 or -errno. */
static int update(key_serial_t k, const char *payload)
{
	return keyctl_update(k, payload, strlen(payload)) ? -errno : 0;
}

/* Links in the process keyring: a refused add_key must not add one. */
static int ring_links(void)
{
	long n = keyctl_read(KEY_SPEC_PROCESS_KEYRING, NULL, 0);

	return n < 0 ? -errno : (int)(n / 4);
}

static unsigned long long stat_or_die(struct __test_metadata *_metadata,
				      const char *name)
{
	unsigned long long v = 0;

	ASSERT_EQ(0, kseal_stat(name, &v)) TH_LOG(KSEAL_COUNTERS "%s unreadable", name);
	return v;
}

/* Nothing may stay loaded in the TPM after any kseal operation. */
static void expect_tpm_clean(struct __test_metadata *_metadata,
			     const char *after)
{
	int t = kseal_tpm_handle_count(KSEAL_TPM_HT_TRANSIENT);
	int l = kseal_tpm_handle_count(KSEAL_TPM_HT_LOADED_SESSION);
	int s = kseal_tpm_handle_count(KSEAL_TPM_HT_SAVED_SESSION);

	EXPECT_EQ(0, t) TH_LOG("after %s: %d transient objects in the TPM", after, t);
	EXPECT_EQ(0, l) TH_LOG("after %s: %d loaded sessions in the TPM", after, l);
	EXPECT_EQ(0, s) TH_LOG("after %s: %d saved sessions in the TPM", after, s);
}

static const char *err_name(int e)
{
	return e ? strerror(-e) : "success";
}

/*
 * @payload must be refused with exactly -@err, add no key to the keyring,
 * not raise the live-key counter, and leave nothing in the TPM.
 */
static void expect_refused(struct __test_metadata *_metadata, int err,
			   const char *what, const char *payload, size_t len)
{
	unsigned long long keys0 = stat_or_die(_metadata, "keys"), keys1;
	int links = ring_links();
	int got;

	got = add_raw(fresh_desc(), payload, len, KEY_SPEC_PROCESS_KEYRING);
	if (got > 0) {
		keyctl_revoke(got);
		keyctl_unlink(got, KEY_SPEC_PROCESS_KEYRING);
		got = 0;
	}
	EXPECT_EQ(-err, got) TH_LOG("%s: wanted %s, got %s", what,
				     strerror(err), err_name(got));
	if (got) {
		EXPECT_EQ(links, ring_links()) TH_LOG("%s: a key was linked", what);
		keys1 = stat_or_die(_metadata, "keys");
		EXPECT_LE(keys1, keys0) TH_LOG("%s: live keys %llu -> %llu",
					       what, keys0, keys1);
	}
	expect_tpm_clean(_metadata, what);
}

static void expect_blob_refused(struct __test_metadata *_metadata, int err,
				const char *what, const uint8_t *bin,
				size_t len, const char *opts)
{
	char *p = load_payload(bin, len, opts);

	ASSERT_NE(NULL, p);
	expect_refused(_metadata, err, what, p, strlen(p));
	free(p);
}

/* keyctl read of @k: NUL-terminated hex, *len its length. */
static char *read_hex(struct __test_metadata *_metadata, key_serial_t k,
		      size_t *len)
{
	void *buf = NULL;
	long n = keyctl_read_alloc(k, &buf);

	ASSERT_LE(0, n) TH_LOG("keyctl read of %d: %s", k, strerror(errno));
	ASSERT_EQ((size_t)n, strlen(buf)) TH_LOG("NUL byte in the blob hex");
	*len = n;
	return buf;
}

/* Checks the hex form and decodes a sealed blob; fails the test if bad. */
static void blob_from_hex(struct __test_metadata *_metadata, const char *hex,
			  size_t hlen, struct blob *b)
{
	ASSERT_EQ(0, hlen % 2) TH_LOG("odd hex length %zu", hlen);
	ASSERT_EQ(hlen, strspn(hex, "0123456789abcdef"))
		TH_LOG("not lowercase hex: %.40s", hex);
	ASSERT_LE(hlen / 2, (size_t)KSEAL_BLOB_MAX);
	b->len = hlen / 2;
	ASSERT_EQ(0, kseal_unhex(hex, b->b, b->len));
	ASSERT_LE((size_t)KSEAL_SEALED_FIXED_SIZE, b->len);
	b->pub_len = kseal_get_be16(b->b + OFF_PUB_LEN);
	b->priv_len_off = OFF_PUB + b->pub_len;
	ASSERT_LE(b->priv_len_off + 2, b->len);
	b->priv_len = kseal_get_be16(b->b + b->priv_len_off);
	ASSERT_EQ(b->len, (size_t)KSEAL_SEALED_FIXED_SIZE + b->pub_len + b->priv_len)
		TH_LOG("fields do not add up to the blob's length");
}

static void blob_from_key(struct __test_metadata *_metadata, key_serial_t k,
			  struct blob *b)
{
	size_t n;
	char *hex = read_hex(_metadata, k, &n);

	blob_from_hex(_metadata, hex, n, b);
	free(hex);
}

static char *describe(struct __test_metadata *_metadata, key_serial_t k)
{
	static char buf[512];
	int ret = kseal_proc_keys_describe(k, buf, sizeof(buf));

	EXPECT_EQ(0, ret) TH_LOG("key %d not in /proc/keys: %s", k, err_name(ret));
	return ret ? "" : buf;
}

/* Waits until no destroyed key of an earlier test is still on its way out. */
static void keys_settle(void)
{
	unsigned long long a = 0, b = 1;
	int i;

	for (i = 0; i < 50 && a != b; i++) {
		kseal_stat("keys", &a);
		usleep(100000);
		kseal_stat("keys", &b);
	}
}

static void extend_pcr(struct __test_metadata *_metadata, unsigned int pcr)
{
	uint8_t d[32];
	int i, rc;

	srand(time(NULL) ^ getpid());
	for (i = 0; i < 32; i++)
		d[i] = rand();
	rc = kseal_tpm_pcr_extend(pcr, d);
	ASSERT_EQ(0, rc) TH_LOG("TPM2_PCR_Extend of PCR %u: %d", pcr, rc);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int ret;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	ret = n < 0 ? -errno : (size_t)n == strlen(s) ? 0 : -EIO;
	close(fd);
	return ret;
}

/* The kernel log must not show a warning or a crash. */
static void expect_dmesg_clean(struct __test_metadata *_metadata)
{
	static const char *const bad[] = {
		"WARNING:", "BUG:", "Oops", "general protection",
		"Call Trace", "refcount_t",
	};
	int size = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	unsigned int i;
	char *buf;
	int n;

	ASSERT_LT(0, size);
	buf = calloc(1, size + 1);
	ASSERT_NE(NULL, buf);
	n = klogctl(3, buf, size);		/* SYSLOG_ACTION_READ_ALL */
	ASSERT_LE(0, n);
	buf[n] = '\0';
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(NULL, strstr(buf, bad[i]))
			TH_LOG("kernel log: %.200s", strstr(buf, bad[i]));
	free(buf);
}

FIXTURE(sealed)
{
	int unused;
};

FIXTURE_SETUP(sealed)
{
	ASSERT_TRUE(kseal_have_tpm2()) TH_LOG("these tests need a TPM 2.0");
	if (!kseal_module_loaded())
		ASSERT_EQ(0, kseal_module_load(NULL));
	ASSERT_LT(0, keyctl_get_keyring_ID(KEY_SPEC_PROCESS_KEYRING, 1));
}

FIXTURE_TEARDOWN(sealed)
{
}

/*
 * The handle check below must be able to fail: a transient object made
 * through /dev/tpm0 (an HMAC key, primary under the owner hierarchy) is
 * seen, and gone once flushed.
 */
TEST_F(sealed, tpm_leak_check_sees_a_leak)
{
	static const uint8_t create_primary[] = {
		0x80, 0x02, 0x00, 0x00, 0x00, 0x39, 0x00, 0x00, 0x01, 0x31,
		0x40, 0x00, 0x00, 0x01,			/* TPM_RH_OWNER */
		0x00, 0x00, 0x00, 0x09,			/* password session */
		0x40, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x04, 0x00, 0x00, 0x00, 0x00,	/* empty inSensitive */
		0x00, 0x10,				/* inPublic */
		0x00, 0x08, 0x00, 0x0b,			/* keyedhash, sha256 */
		0x00, 0x04, 0x00, 0x72,			/* sign|fixed*|sdo|uwa */
		0x00, 0x00,				/* no authPolicy */
		0x00, 0x05, 0x00, 0x0b,			/* HMAC-SHA256 */
		0x00, 0x00,				/* unique */
		0x00, 0x00,				/* outsideInfo */
		0x00, 0x00, 0x00, 0x00,			/* creationPCR */
	};
	uint8_t rsp[1024], flush[14];
	size_t rlen = 0;
	int rc;

	_Static_assert(sizeof(create_primary) == 0x39, "command size");
	ASSERT_EQ(0, kseal_tpm_handle_count(KSEAL_TPM_HT_TRANSIENT));
	rc = kseal_tpm_transact("/dev/tpm0", create_primary,
				sizeof(create_primary), rsp, sizeof(rsp), &rlen);
	ASSERT_EQ(0, rc) TH_LOG("TPM2_CreatePrimary: 0x%x", rc);
	ASSERT_LE(14, rlen);
	EXPECT_EQ(1, kseal_tpm_handle_count(KSEAL_TPM_HT_TRANSIENT));
	kseal_put_be16(flush, 0x8001);
	kseal_put_be32(flush + 2, sizeof(flush));
	kseal_put_be32(flush + 6, 0x00000165);	/* TPM2_FlushContext */
	memcpy(flush + 10, rsp + 10, 4);
	rc = kseal_tpm_transact("/dev/tpm0", flush, sizeof(flush), rsp,
				sizeof(rsp), &rlen);
	ASSERT_EQ(0, rc) TH_LOG("TPM2_FlushContext: 0x%x", rc);
	EXPECT_EQ(0, kseal_tpm_handle_count(KSEAL_TPM_HT_TRANSIENT));
}

/* Item 1: create gives a blob in the documented format, sane TPM object. */
TEST_F(sealed, create_gives_documented_blob)
{
	static const unsigned int sizes[] = { 32, 33, 64, KSEAL_SEALED_NEW_MAX };
	unsigned long long creates0;
	struct blob *b;
	const uint8_t *pub;
	unsigned int i;
	uint32_t attrs;
	size_t hlen;
	char *hex;
	long n;
	int k;

	KSEAL_NEED_COUNTERS();
	creates0 = stat_or_die(_metadata, "creates");
	b = calloc(1, sizeof(*b));
	ASSERT_NE(NULL, b);
	/* The TPM seals 32 more bytes beside the secret: 128 at most. */
	expect_refused(_metadata, EINVAL, "new 97", "new 97", strlen("new 97"));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		k = addf("new %u", sizes[i]);
		ASSERT_LT(0, k) TH_LOG("new %u: %s (is the parent at 0x81000100?)",
				       sizes[i], err_name(k));
		hex = read_hex(_metadata, k, &hlen);
		/* The header, as hex: magic "KSBL", format 1, kind 1. */
		EXPECT_EQ(0, strncmp(hex, "4b53424c00010001", 16))
			TH_LOG("header %.16s", hex);
		/* read(2) of the key returns exactly the hex, no newline. */
		n = keyctl_read(k, NULL, 0);
		EXPECT_EQ((long)hlen, n);
		blob_from_hex(_metadata, hex, hlen, b);
		free(hex);

		EXPECT_EQ(KSEAL_BLOB_MAGIC, kseal_get_be32(b->b));
		EXPECT_EQ(KSEAL_BLOB_FORMAT, kseal_get_be16(b->b + 4));
		EXPECT_EQ(KSEAL_BLOB_KIND_SEALED, kseal_get_be16(b->b + 6));
		EXPECT_EQ(KSEAL_VERSION_CODE, kseal_get_be32(b->b + 8));
		EXPECT_EQ(KSEAL_BLOB_F_POLICY2, kseal_get_be32(b->b + 12));
		EXPECT_EQ(b->len, kseal_get_be32(b->b + 16));
		EXPECT_EQ(KSEAL_PARENT_DEFAULT, kseal_get_be32(b->b + OFF_PARENT));
		EXPECT_EQ(KSEAL_NAME_MAX, kseal_get_be16(b->b + OFF_NAME_LEN));
		EXPECT_EQ(KSEAL_TPM_ALG_SHA256, kseal_get_be16(b->b + OFF_NAME));
		EXPECT_EQ(KSEAL_PCR_DEFAULT_MASK, kseal_get_be32(b->b + OFF_MASK));
		EXPECT_EQ(0, b->b[OFF_LOCK]);
		EXPECT_EQ(0, memcmp(b->b + OFF_PCR_POLICY, b->b + OFF_AUTH_POLICY,
				    KSEAL_DIGEST_SIZE));
		EXPECT_LT(0, b->pub_len);
		EXPECT_GE(KSEAL_PUBLIC_MAX, b->pub_len);
		EXPECT_LT(0, b->priv_len);
		EXPECT_GE(KSEAL_PRIVATE_MAX, b->priv_len);

		/*
		 * The TPM object: a keyedhash sealed data object whose policy is
		 * the blob's, that cannot leave this TPM or this parent, and that
		 * the empty authValue alone does not unseal (userWithAuth clear:
		 * else anyone could bypass the PCR policy).
		 */
		pub = b->b + OFF_PUB;
		ASSERT_LE(PUB_POLICY + KSEAL_DIGEST_SIZE, b->pub_len);
		EXPECT_EQ(TPM_ALG_KEYEDHASH, kseal_get_be16(pub + PUB_TYPE));
		EXPECT_EQ(KSEAL_TPM_ALG_SHA256, kseal_get_be16(pub + PUB_NAME_ALG));
		attrs = kseal_get_be32(pub + PUB_ATTRS);
		EXPECT_EQ(TPMA_FIXEDTPM | TPMA_FIXEDPARENT,
			  attrs & (TPMA_FIXEDTPM | TPMA_FIXEDPARENT));
		EXPECT_EQ(0, attrs & (TPMA_USERWITHAUTH | TPMA_SENSITIVEDATAORIGIN))
			TH_LOG("object attributes 0x%08x", attrs);
		EXPECT_EQ(KSEAL_DIGEST_SIZE, kseal_get_be16(pub + PUB_POLICY_LEN));
		EXPECT_EQ(0, memcmp(pub + PUB_POLICY, b->b + OFF_AUTH_POLICY,
				    KSEAL_DIGEST_SIZE))
			TH_LOG("the blob's authPolicy is not the object's");
	}
	EXPECT_EQ(creates0 + 4, stat_or_die(_metadata, "creates"));
	expect_tpm_clean(_metadata, "create");
	free(b);
}

/* Item 1: the blob loads, twice, and reads back unchanged. */
TEST_F(sealed, load_round_trip)
{
	char *hex, *h1, *h2, *d;
	size_t n, n1, n2;
	int k, l1, l2, again;

	k = addf("new 32");
	ASSERT_LT(0, k) TH_LOG("new 32: %s", err_name(k));
	hex = read_hex(_metadata, k, &n);
	l1 = load_hex(hex, NULL);
	ASSERT_LT(0, l1) TH_LOG("load: %s", err_name(l1));
	expect_tpm_clean(_metadata, "load");
	l2 = load_hex(hex, NULL);
	ASSERT_LT(0, l2) TH_LOG("second load: %s", err_name(l2));
	EXPECT_NE(l1, l2);
	EXPECT_NE(k, l1);
	h1 = read_hex(_metadata, l1, &n1);
	h2 = read_hex(_metadata, l2, &n2);
	EXPECT_STREQ(hex, h1);
	EXPECT_STREQ(hex, h2);
	/* Reading twice gives the same bytes: nothing per read, no secret. */
	free(h1);
	h1 = read_hex(_metadata, l1, &n1);
	EXPECT_STREQ(hex, h1);
	d = describe(_metadata, l1);
	EXPECT_STREQ("sealed pcrs=" DEFAULT_PCRS " parent=0x81000100", d);
	d = describe(_metadata, l2);
	EXPECT_STREQ("sealed pcrs=" DEFAULT_PCRS " parent=0x81000100", d);

	/* load onto a description the keyring holds already: EEXIST. */
	{
		char *p = NULL, desc[64];

		snprintf(desc, sizeof(desc), "st:dup:%d", getpid());
		ASSERT_LT(0, asprintf(&p, "load %s", hex));
		again = add_raw(desc, p, strlen(p), KEY_SPEC_PROCESS_KEYRING);
		ASSERT_LT(0, again) TH_LOG("load: %s", err_name(again));
		again = add_raw(desc, p, strlen(p), KEY_SPEC_PROCESS_KEYRING);
		EXPECT_EQ(-EEXIST, again);
		free(p);
	}
	free(h1);
	free(h2);
	free(hex);
}

/* Item 9: describe and read show the documented summary and the blob only. */
TEST_F(sealed, describe_and_read_show_no_secret)
{
	static const struct {
		const char *payload;
		const char *describe;
	} cases[] = {
		{ "new 32", "sealed pcrs=" DEFAULT_PCRS " parent=0x81000100" },
		{ "new 48 pcrs=0,2-4,7 recovery=Rec0very! lock=15",
		  "sealed pcrs=0,2-4,7,15 parent=0x81000100 recovery lock=15" },
		{ "new 96 pcrs=7,12 parent=0x81000001",
		  "sealed pcrs=7,12 parent=0x81000001" },
		{ "new 64 pcrs=0-23 lock=14",
		  "sealed pcrs=0-23 parent=0x81000100 lock=14" },
	};
	char *hex, *desc_text, *dk, want[128];
	unsigned int i;
	size_t n;
	char *buf;
	regex_t re;
	int k, l;
	long r;

	ASSERT_EQ(0, regcomp(&re, "^sealed pcrs=[0-9][-,0-9]* parent=0x[0-9a-f]{8}( recovery)?( lock=[0-9]{1,2})?$",
			     REG_EXTENDED | REG_NOSUB));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		k = addf("%s", cases[i].payload);
		ASSERT_LT(0, k) TH_LOG("%s: %s", cases[i].payload, err_name(k));
		desc_text = describe(_metadata, k);
		EXPECT_STREQ(cases[i].describe, desc_text);
		EXPECT_EQ(0, regexec(&re, desc_text, 0, NULL, 0));
		hex = read_hex(_metadata, k, &n);
		l = load_hex(hex, NULL);
		ASSERT_LT(0, l) TH_LOG("load of %s: %s", cases[i].payload, err_name(l));
		EXPECT_STREQ(cases[i].describe, describe(_metadata, l));

		/* keyctl describe: type;uid;gid;perm;description, nothing else. */
		dk = NULL;
		ASSERT_LT(0, keyctl_describe_alloc(l, &dk));
		snprintf(want, sizeof(want), ";st:%d:%u", getpid(), desc_seq);
		EXPECT_EQ(0, strncmp(dk, "kseal;", 6)) TH_LOG("%s", dk);
		EXPECT_TRUE(strlen(dk) > strlen(want) &&
			    !strcmp(dk + strlen(dk) - strlen(want), want))
			TH_LOG("keyctl describe: %s", dk);
		free(dk);

		/* A short buffer gets nothing: the length only. */
		buf = malloc(n);
		ASSERT_NE(NULL, buf);
		memset(buf, 'Z', n);
		r = keyctl_read(l, buf, n - 1);
		EXPECT_EQ((long)n, r);
		EXPECT_EQ(n, strspn(buf, "Z")) TH_LOG("short read wrote into the buffer");
		r = keyctl_read(l, buf, n);
		EXPECT_EQ((long)n, r);
		EXPECT_EQ(0, memcmp(buf, hex, n));
		free(buf);
		free(hex);
	}
	regfree(&re);
}

/*
 * Items 3 and 6: a changed PCR refuses the blob, the recovery passphrase
 * opens it, reseal binds it to the new values; the TPM is left empty after
 * every step.
 */
TEST_F(sealed, pcr_change_recovery_and_reseal)
{
	struct blob *b0 = calloc(1, sizeof(*b0)), *b1 = calloc(1, sizeof(*b1));
	char *pcr_hex, *rec_hex, *hex1, *hex2, *lk_hex;
	size_t n;
	int p, r, x, y, lk;

	ASSERT_NE(NULL, b0);
	ASSERT_NE(NULL, b1);
	p = addf("new 32 pcrs=8");
	ASSERT_LT(0, p) TH_LOG("new 32 pcrs=8: %s", err_name(p));
	expect_tpm_clean(_metadata, "create");
	r = addf("new 32 pcrs=8 recovery=correct-horse");
	ASSERT_LT(0, r) TH_LOG("new with recovery: %s", err_name(r));
	expect_tpm_clean(_metadata, "create with recovery");
	lk = addf("new 32 pcrs=8 lock=15");
	ASSERT_LT(0, lk) TH_LOG("new with lock: %s", err_name(lk));
	EXPECT_STREQ("sealed pcrs=8 parent=0x81000100 recovery", describe(_metadata, r));
	pcr_hex = read_hex(_metadata, p, &n);
	rec_hex = read_hex(_metadata, r, &n);
	lk_hex = read_hex(_metadata, lk, &n);
	blob_from_key(_metadata, r, b0);
	EXPECT_EQ(KSEAL_BLOB_F_RECOVERY | KSEAL_BLOB_F_POLICY2, kseal_get_be32(b0->b + 12));
	EXPECT_NE(0, memcmp(b0->b + OFF_PCR_POLICY, b0->b + OFF_AUTH_POLICY,
			    KSEAL_DIGEST_SIZE));

	/* Before the change both load, by the PCR branch. */
	x = load_hex(pcr_hex, NULL);
	EXPECT_LT(0, x) TH_LOG("load before the change: %s", err_name(x));
	expect_tpm_clean(_metadata, "load");
	x = load_hex(rec_hex, NULL);
	EXPECT_LT(0, x) TH_LOG("recovery blob by PCRs: %s", err_name(x));

	extend_pcr(_metadata, 8);

	x = load_hex(pcr_hex, NULL);
	EXPECT_EQ(-EKEYREJECTED, x) TH_LOG("PCR 8 changed: %s", err_name(x));
	expect_tpm_clean(_metadata, "load refused on PCRs");
	x = load_hex(rec_hex, NULL);
	EXPECT_EQ(-EKEYREJECTED, x) TH_LOG("PCR 8 changed, no passphrase: %s", err_name(x));
	expect_tpm_clean(_metadata, "recovery blob refused on PCRs");
	/* The only wrong passphrase of the file (dictionary-attack counter). */
	x = load_hex(rec_hex, "recovery=wrong-battery");
	EXPECT_EQ(-EKEYREJECTED, x) TH_LOG("wrong passphrase: %s", err_name(x));
	expect_tpm_clean(_metadata, "load with a wrong passphrase");
	/* recovery= for a blob that has no recovery branch: a bad option. */
	x = load_hex(pcr_hex, "recovery=correct-horse");
	EXPECT_EQ(-EINVAL, x) TH_LOG("recovery= without a branch: %s", err_name(x));

	x = load_hex(rec_hex, "recovery=correct-horse");
	ASSERT_LT(0, x) TH_LOG("right passphrase: %s", err_name(x));
	expect_tpm_clean(_metadata, "load with the passphrase");
	EXPECT_STREQ("sealed pcrs=8 parent=0x81000100 recovery", describe(_metadata, x));
	hex1 = read_hex(_metadata, x, &n);
	EXPECT_STREQ(rec_hex, hex1);
	free(hex1);

	/* Reseal without recovery=: a PCR-only blob of the new values. */
	ASSERT_EQ(0, update(x, "update reseal"))
		TH_LOG("reseal: %s", strerror(errno));
	expect_tpm_clean(_metadata, "reseal");
	EXPECT_STREQ("sealed pcrs=8 parent=0x81000100", describe(_metadata, x));
	hex1 = read_hex(_metadata, x, &n);
	EXPECT_STRNE(rec_hex, hex1);
	blob_from_key(_metadata, x, b1);
	EXPECT_EQ(KSEAL_BLOB_F_POLICY2, kseal_get_be32(b1->b + 12));
	EXPECT_EQ(1U << 8, kseal_get_be32(b1->b + OFF_MASK));
	/* Same secret: the key id is the secret's HMAC. */
	EXPECT_EQ(0, memcmp(b0->b + OFF_KEY_ID, b1->b + OFF_KEY_ID, KSEAL_DIGEST_SIZE));
	y = load_hex(hex1, NULL);
	EXPECT_LT(0, y) TH_LOG("resealed blob without passphrase: %s", err_name(y));
	expect_tpm_clean(_metadata, "load of the resealed blob");
	/* The old blob still wants the old PCR values. */
	y = load_hex(rec_hex, NULL);
	EXPECT_EQ(-EKEYREJECTED, y);

	/* Reseal with a new selection and a new passphrase. */
	ASSERT_EQ(0, update(x, "update reseal pcrs=8,9 recovery=battery-staple"))
		TH_LOG("reseal pcrs=8,9: %s", strerror(errno));
	expect_tpm_clean(_metadata, "reseal with pcrs and recovery");
	EXPECT_STREQ("sealed pcrs=8,9 parent=0x81000100 recovery", describe(_metadata, x));
	hex2 = read_hex(_metadata, x, &n);
	blob_from_key(_metadata, x, b1);
	EXPECT_EQ(KSEAL_BLOB_F_RECOVERY | KSEAL_BLOB_F_POLICY2, kseal_get_be32(b1->b + 12));
	EXPECT_EQ(3U << 8, kseal_get_be32(b1->b + OFF_MASK));
	EXPECT_EQ(0, memcmp(b0->b + OFF_KEY_ID, b1->b + OFF_KEY_ID, KSEAL_DIGEST_SIZE));
	y = load_hex(hex2, NULL);
	EXPECT_LT(0, y) TH_LOG("pcrs=8,9 blob: %s", err_name(y));
	y = load_hex(hex2, "recovery=battery-staple");
	EXPECT_LT(0, y) TH_LOG("pcrs=8,9 blob with its passphrase: %s", err_name(y));

	/* A refused update leaves the key as it was. */
	EXPECT_EQ(-EINVAL, update(x, "update reseal pcrs=24"));
	EXPECT_EQ(-EINVAL, update(x, "update reseal pcrs=8 lock=15"));
	EXPECT_EQ(-EINVAL, update(x, "update"));
	free(hex1);
	hex1 = read_hex(_metadata, x, &n);
	EXPECT_STREQ(hex2, hex1);

	/* Reseal keeps the lock PCR in the policy, or lock would stop working. */
	ASSERT_EQ(0, update(lk, "update reseal pcrs=9"))
		TH_LOG("reseal of a lock key: %s", strerror(errno));
	EXPECT_STREQ("sealed pcrs=9,15 parent=0x81000100 lock=15", describe(_metadata, lk));
	free(hex1);
	free(hex2);
	free(lk_hex);
	free(pcr_hex);
	free(rec_hex);
	free(b0);
	free(b1);
}

/* The per-command counters, as a snapshot. */
static const char *const cc_names[] = {
	"ReadPublic", "PCR_Read", "PCR_Extend", "GetRandom", "Create", "Load",
	"StartAuthSession", "PolicyPCR", "PolicyOR", "PolicyPassword",
	"PolicyAuthValue", "PolicyGetDigest", "Unseal", "FlushContext",
};
#define N_CC (sizeof(cc_names) / sizeof(cc_names[0]))

struct counts {
	unsigned long long total, unseals, failures, creates, keys;
	unsigned long long cc[N_CC];
};

static void counts_snap(struct __test_metadata *_metadata, struct counts *c)
{
	unsigned int i;

	c->total = stat_or_die(_metadata, "tpm_commands");
	c->unseals = stat_or_die(_metadata, "unseals");
	c->failures = stat_or_die(_metadata, "failures");
	c->creates = stat_or_die(_metadata, "creates");
	c->keys = stat_or_die(_metadata, "keys");
	for (i = 0; i < N_CC; i++)
		ASSERT_EQ(0, kseal_stat_cc(cc_names[i], &c->cc[i]));
}

/*
 * The per-command deltas since @a must be exactly @want: a list of
 * "Name=count" for every command sent; all others 0.
 */
static void expect_cc(struct __test_metadata *_metadata, const char *what,
		      const struct counts *a, const struct counts *b,
		      const char *const *want)
{
	unsigned long long exp;
	unsigned int i, j;
	size_t l;

	for (i = 0; i < N_CC; i++) {
		exp = 0;
		l = strlen(cc_names[i]);
		for (j = 0; want[j]; j++)
			if (!strncmp(want[j], cc_names[i], l) && want[j][l] == '=')
				exp = strtoull(want[j] + l + 1, NULL, 10);
		EXPECT_EQ(exp, b->cc[i] - a->cc[i])
			TH_LOG("%s: %s sent %llu times, wanted %llu", what,
			       cc_names[i], b->cc[i] - a->cc[i], exp);
	}
}

/* Item 7: what one load costs in TPM commands, and the counters. */
TEST_F(sealed, tpm_command_counts)
{
	static const char *const pcr_load[] = {
		"Load=1", "StartAuthSession=1", "PolicyPCR=1", "Unseal=1",
		"FlushContext=" LOAD_FLUSHES, NULL,
	};
	static const char *const rec_by_pcr[] = {
		"Load=1", "StartAuthSession=2", "PolicyPCR=1", "PolicyOR=1",
		"Unseal=1", "FlushContext=" LOAD_FLUSHES, NULL,
	};
	static const char *const rec_by_pass[] = {
		"Load=1", "StartAuthSession=1", "PolicyAuthValue=1", "PolicyOR=1",
		"Unseal=1", "FlushContext=" LOAD_FLUSHES, NULL,
	};
	struct counts a, b;
	char *pcr_hex, *rec_hex, *p8_hex, bad[] = "load 4b53424d00010001";
	size_t n;
	int k;

	KSEAL_NEED_COUNTERS();
	keys_settle();
	counts_snap(_metadata, &a);
	k = addf("new 32");
	ASSERT_LT(0, k) TH_LOG("new 32: %s", err_name(k));
	counts_snap(_metadata, &b);
	EXPECT_EQ(a.creates + 1, b.creates);
	EXPECT_EQ(a.keys + 1, b.keys);
	EXPECT_EQ(a.unseals, b.unseals);
	EXPECT_EQ(a.failures, b.failures);
	pcr_hex = read_hex(_metadata, k, &n);
	k = addf("new 32 recovery=count-me-in");
	ASSERT_LT(0, k) TH_LOG("new with recovery: %s", err_name(k));
	rec_hex = read_hex(_metadata, k, &n);
	k = addf("new 32 pcrs=8");
	ASSERT_LT(0, k) TH_LOG("new 32 pcrs=8: %s", err_name(k));
	p8_hex = read_hex(_metadata, k, &n);

	/* The PCR-only blob: exactly the specified commands. */
	counts_snap(_metadata, &a);
	k = load_hex(pcr_hex, NULL);
	ASSERT_LT(0, k) TH_LOG("load: %s", err_name(k));
	counts_snap(_metadata, &b);
	EXPECT_EQ(LOAD_CMDS_PCR, b.total - a.total);
	expect_cc(_metadata, "PCR-only load", &a, &b, pcr_load);
	EXPECT_EQ(a.unseals + 1, b.unseals);
	EXPECT_EQ(a.keys + 1, b.keys);
	EXPECT_EQ(a.failures, b.failures);
	EXPECT_EQ(a.creates, b.creates);

	/* A recovery-capable blob, by its PCR branch. */
	counts_snap(_metadata, &a);
	k = load_hex(rec_hex, NULL);
	ASSERT_LT(0, k) TH_LOG("load by PCRs: %s", err_name(k));
	counts_snap(_metadata, &b);
	EXPECT_EQ(LOAD_CMDS_RECOVERY_PCR, b.total - a.total);
	expect_cc(_metadata, "recovery blob by PCRs", &a, &b, rec_by_pcr);
	EXPECT_EQ(a.unseals + 1, b.unseals);

	/* The same blob by the passphrase branch. */
	counts_snap(_metadata, &a);
	k = load_hex(rec_hex, "recovery=count-me-in");
	ASSERT_LT(0, k) TH_LOG("load by passphrase: %s", err_name(k));
	counts_snap(_metadata, &b);
	EXPECT_EQ(LOAD_CMDS_RECOVERY, b.total - a.total);
	expect_cc(_metadata, "recovery blob by passphrase", &a, &b, rec_by_pass);
	EXPECT_EQ(a.unseals + 1, b.unseals);

	/* Failures: counted, no unseal, no key. */
	extend_pcr(_metadata, 8);
	counts_snap(_metadata, &a);
	k = load_hex(p8_hex, NULL);
	EXPECT_EQ(-EKEYREJECTED, k);
	counts_snap(_metadata, &b);
	EXPECT_EQ(a.failures + 1, b.failures);
	EXPECT_EQ(a.unseals, b.unseals);
	EXPECT_LE(b.keys, a.keys);

	/* Bytes that are not a blob cost no TPM command at all. */
	counts_snap(_metadata, &a);
	k = add_raw(fresh_desc(), bad, strlen(bad), KEY_SPEC_PROCESS_KEYRING);
	EXPECT_EQ(-EINVAL, k);
	counts_snap(_metadata, &b);
	EXPECT_EQ(a.total, b.total);
	EXPECT_EQ(a.failures + 1, b.failures);
	free(pcr_hex);
	free(rec_hex);
	free(p8_hex);
}

/* Item 10: malformed payloads are EINVAL; data-key verbs EOPNOTSUPP. */
TEST_F_TIMEOUT(sealed, bad_options, 120)
{
	static const char *const einval[] = {
		"", "new", "new 31", "new 129", "new 0", "new 16", "new 032",
		"new -32", "new 32x", "NEW 32", "create 32",
		"new 32 pcrs=24", "new 32 pcrs=", "new 32 pcrs=7,7",
		"new 32 pcrs=5-2", "new 32 pcrs=3-3", "new 32 pcrs=7,",
		"new 32 pcrs=a", "new 32 pcrs=07",
		"new 32 lock=16", "new 32 lock=23", "new 32 lock=24",
		"new 32 lock=", "new 32 lock=15 lock=15",
		"new 32 parent=0x80000000", "new 32 parent=0x82000000",
		"new 32 parent=0x01000100", "new 32 parent=81000100",
		"new 32 parent=0x", "new 32 parent=0x1810001000",
		"new 32 recovery=",
		"new 32 recovery=0123456789012345678901234567890123456789012345678901234567890123X",
		"new 32 foo=bar", "new 32 pcrs", "new 32 pcrs=7 pcrs=7",
		"new  32", "new 32  pcrs=7", " new 32", "new 32 ", "new\t32",
		"new 32\n\n", "new 32 \n", "new 32\r\n",
		"load", "load ", "load 4b53424c 00", "load  4b53424c",
		"update reseal", "update", "new 32 logon=kseal:x",
	};
	static const char nul_payload[] = "new 32\0 pcrs=7";
	unsigned int i;
	int k;

	KSEAL_NEED_COUNTERS();
	for (i = 0; i < sizeof(einval) / sizeof(einval[0]); i++)
		expect_refused(_metadata, EINVAL, einval[i], einval[i],
			       strlen(einval[i]));
	expect_refused(_metadata, EINVAL, "embedded NUL", nul_payload,
		       sizeof(nul_payload) - 1);
	/* A non-printable byte. */
	expect_refused(_metadata, EINVAL, "byte 0xff", "new 32 recovery=\xff",
		       strlen("new 32 recovery=\xff"));

	/* The grammar allows one newline at the end (echo adds it). */
	k = add_raw(fresh_desc(), "new 32\n", 7, KEY_SPEC_PROCESS_KEYRING);
	EXPECT_LT(0, k) TH_LOG("new 32 with a newline: %s", err_name(k));

	/* Data-key verbs whose wrapping key does not exist. */
	expect_refused(_metadata, ENOKEY, "new 32 wrap=", "new 32 wrap=st:nosuchkey",
		       strlen("new 32 wrap=st:nosuchkey"));
	expect_refused(_metadata, ENOKEY, "new 16 wrap= logon=",
		       "new 16 wrap=st:nosuchkey logon=kseal:x",
		       strlen("new 16 wrap=st:nosuchkey logon=kseal:x"));
}

/* Item 8, format level: bytes that are not (or not quite) a blob. */
TEST_F_TIMEOUT(sealed, bad_blobs_format, 300)
{
	struct blob *p = calloc(1, sizeof(*p)), *r = calloc(1, sizeof(*r));
	struct blob *l = calloc(1, sizeof(*l)), *x = calloc(1, sizeof(*x));
	char what[96], *hex, *pl;
	size_t len, hl;
	int k;

	KSEAL_NEED_COUNTERS();
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, r);
	ASSERT_NE(NULL, l);
	ASSERT_NE(NULL, x);
	k = addf("new 32");
	ASSERT_LT(0, k) TH_LOG("new 32: %s", err_name(k));
	blob_from_key(_metadata, k, p);
	k = addf("new 32 recovery=not-used-here");
	ASSERT_LT(0, k);
	blob_from_key(_metadata, k, r);
	k = addf("new 32 lock=15");
	ASSERT_LT(0, k);
	blob_from_key(_metadata, k, l);
	len = p->len;

/* Start from a copy of blob @src, change it, expect @err. */
#define MUT(src, err, desc, change) do {				\
		memcpy(x, src, sizeof(*x));				\
		change;							\
		expect_blob_refused(_metadata, err, desc, x->b, x->len, NULL); \
	} while (0)

	/* Every truncation: shorter than a header, then cut bodies. */
	for (hl = 0; hl < len; hl++) {
		snprintf(what, sizeof(what), "truncated to %zu bytes", hl);
		MUT(p, hl < KSEAL_BLOB_HDR_SIZE ? EINVAL : EBADMSG, what,
		    x->len = hl);
	}
	/* The same, with the header's total length made to agree. */
	for (hl = KSEAL_BLOB_HDR_SIZE; hl < len; hl++) {
		snprintf(what, sizeof(what), "cut to %zu bytes, total agrees", hl);
		MUT(p, EBADMSG, what,
		    (x->len = hl, kseal_put_be32(x->b + 16, hl)));
	}
	MUT(p, EBADMSG, "one trailing byte", x->len++);
	MUT(p, EBADMSG, "one trailing byte, total agrees",
	    (x->len++, kseal_put_be32(x->b + 16, x->len)));
	MUT(p, EBADMSG, "padded to the 16384-byte limit",
	    (x->len = KSEAL_BLOB_MAX, kseal_put_be32(x->b + 16, x->len)));
	MUT(p, EINVAL, "over the 16384-byte limit",
	    (x->len = KSEAL_BLOB_MAX + 1, kseal_put_be32(x->b + 16, x->len)));

	/* Hex that is not hex. */
	pl = load_payload(p->b, len, NULL);
	ASSERT_NE(NULL, pl);
	hl = strlen(pl);
	expect_refused(_metadata, EINVAL, "odd hex length (one digit less)", pl, hl - 1);
	pl[hl - 1] = 'g';
	expect_refused(_metadata, EINVAL, "non-hex last digit", pl, hl);
	pl[hl - 1] = '0';
	pl[20] = 'x';
	expect_refused(_metadata, EINVAL, "non-hex digit in the header", pl, hl);
	pl[20] = '\n';
	expect_refused(_metadata, EINVAL, "newline in the hex", pl, hl);
	free(pl);
	hex = malloc(2 * len + 8);
	ASSERT_NE(NULL, hex);
	kseal_tohex(p->b, len, hex);
	strcat(hex, "0");
	pl = NULL;
	ASSERT_LT(0, asprintf(&pl, "load %s", hex));
	expect_refused(_metadata, EINVAL, "odd hex length (one digit more)", pl, strlen(pl));
	free(pl);
	free(hex);

	/* Header. */
	for (hl = 0; hl < 4; hl++) {
		snprintf(what, sizeof(what), "magic byte %zu flipped", hl);
		MUT(p, EINVAL, what, x->b[hl] ^= 0x01);
	}
	MUT(p, EINVAL, "format version 2", kseal_put_be16(x->b + 4, 2));
	MUT(p, EINVAL, "format version 0", kseal_put_be16(x->b + 4, 0));
	MUT(p, EINVAL, "kind 3", kseal_put_be16(x->b + 6, 3));
	MUT(p, EINVAL, "kind 0", kseal_put_be16(x->b + 6, 0));
	/* A sealed key's body read as a data key's. */
	MUT(p, EBADMSG, "kind 2 (data key), flags 0",
	    kseal_put_be16(x->b + 6, KSEAL_BLOB_KIND_DATA); x->b[15] = 0);
	MUT(p, EBADMSG, "creator 0", kseal_put_be32(x->b + 8, 0));
	MUT(p, EINVAL, "unknown flag 0x20", x->b[15] |= 0x20);
	/* The Tang flag reads a section where the public size is. */
	MUT(p, EBADMSG, "Tang flag without a Tang section",
	    x->b[15] |= KSEAL_BLOB_F_TANG);
	/* A signed policy's authPolicy is not a fixed PCR policy's. */
	MUT(p, EBADMSG, "signed-policy flag on a PCR-only blob",
	    x->b[15] |= KSEAL_BLOB_F_AUTHORIZE);
	MUT(p, EINVAL, "unknown flag 0x80000000", x->b[12] |= 0x80);
	MUT(p, EBADMSG, "recovery flag on a PCR-only blob",
	    x->b[15] |= KSEAL_BLOB_F_RECOVERY);
	MUT(r, EBADMSG, "recovery flag cleared", x->b[15] &= ~KSEAL_BLOB_F_RECOVERY);
	MUT(p, EBADMSG, "lock flag without a lock PCR", x->b[15] |= KSEAL_BLOB_F_LOCK);
	MUT(l, EBADMSG, "lock flag cleared", x->b[15] &= ~KSEAL_BLOB_F_LOCK);
	MUT(p, EBADMSG, "total length + 1", kseal_put_be32(x->b + 16, len + 1));
	MUT(p, EBADMSG, "total length - 1", kseal_put_be32(x->b + 16, len - 1));
	MUT(p, EBADMSG, "total length 0", kseal_put_be32(x->b + 16, 0));
	MUT(p, EBADMSG, "total length 0xffffffff", kseal_put_be32(x->b + 16, 0xffffffff));

	/* Parent. */
	MUT(p, EBADMSG, "parent 0x80000100", kseal_put_be32(x->b + OFF_PARENT, 0x80000100));
	MUT(p, EBADMSG, "parent 0x82000000", kseal_put_be32(x->b + OFF_PARENT, 0x82000000));
	MUT(p, EBADMSG, "parent name size 33", kseal_put_be16(x->b + OFF_NAME_LEN, 33));
	MUT(p, EBADMSG, "parent name size 0", kseal_put_be16(x->b + OFF_NAME_LEN, 0));
	MUT(p, EBADMSG, "parent name algorithm sha384",
	    kseal_put_be16(x->b + OFF_NAME, 0x000c));

	/* PCR mask and lock PCR. */
	MUT(p, EBADMSG, "PCR mask 0", kseal_put_be32(x->b + OFF_MASK, 0));
	MUT(p, EBADMSG, "PCR mask bit 24", x->b[OFF_MASK] |= 0x01);
	MUT(p, EBADMSG, "PCR mask bit 31", x->b[OFF_MASK] |= 0x80);
	MUT(l, EBADMSG, "lock PCR not in the mask", x->b[OFF_MASK + 2] &= ~0x80);
	MUT(l, EBADMSG, "lock PCR 14, not in the mask", x->b[OFF_LOCK] = 14);
	MUT(l, EBADMSG, "lock PCR 16, resettable",
	    (x->b[OFF_LOCK] = 16, x->b[OFF_MASK + 1] |= 0x01));
	MUT(l, EBADMSG, "lock PCR 23, resettable",
	    (x->b[OFF_LOCK] = 23, x->b[OFF_MASK + 1] |= 0x80));
	MUT(l, EBADMSG, "lock PCR 24", x->b[OFF_LOCK] = 24);
	MUT(p, EBADMSG, "lock PCR without the lock flag", x->b[OFF_LOCK] = 7);

	/* Policy digests that disagree with the flags. */
	MUT(p, EBADMSG, "PCR-only blob: PolicyPCR digest flipped",
	    x->b[OFF_PCR_POLICY + 5] ^= 0x10);
	MUT(p, EBADMSG, "PCR-only blob: authPolicy flipped",
	    x->b[OFF_AUTH_POLICY + 31] ^= 0x01);
	MUT(r, EBADMSG, "recovery blob: both digests equal",
	    memcpy(x->b + OFF_AUTH_POLICY, x->b + OFF_PCR_POLICY, KSEAL_DIGEST_SIZE));

	/* Size fields of the TPM areas. */
	MUT(p, EBADMSG, "public size 0", kseal_put_be16(x->b + OFF_PUB_LEN, 0));
	MUT(p, EBADMSG, "public size 257", kseal_put_be16(x->b + OFF_PUB_LEN, 257));
	MUT(p, EBADMSG, "public size + 1",
	    kseal_put_be16(x->b + OFF_PUB_LEN, p->pub_len + 1));
	MUT(p, EBADMSG, "public size - 1",
	    kseal_put_be16(x->b + OFF_PUB_LEN, p->pub_len - 1));
	MUT(p, EBADMSG, "private size 0", kseal_put_be16(x->b + p->priv_len_off, 0));
	MUT(p, EBADMSG, "private size 385", kseal_put_be16(x->b + p->priv_len_off, 385));
	MUT(p, EBADMSG, "private size + 1",
	    kseal_put_be16(x->b + p->priv_len_off, p->priv_len + 1));
	MUT(p, EBADMSG, "private size - 1",
	    kseal_put_be16(x->b + p->priv_len_off, p->priv_len - 1));
#undef MUT

	/* None of that created a key, and the original still loads. */
	k = load_bin(p->b, p->len, NULL);
	EXPECT_LT(0, k) TH_LOG("the unchanged blob: %s", err_name(k));
	expect_dmesg_clean(_metadata);
	free(p);
	free(r);
	free(l);
	free(x);
}

/*
 * Item 8, TPM level: blobs that parse but whose TPM object or policy was
 * changed. The TPM refuses them; the errno says what kind of refusal.
 */
TEST_F_TIMEOUT(sealed, bad_blobs_tpm, 300)
{
	struct blob *p = calloc(1, sizeof(*p)), *r = calloc(1, sizeof(*r));
	struct blob *x = calloc(1, sizeof(*x));
	size_t i;
	int k;

	KSEAL_NEED_COUNTERS();
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, r);
	ASSERT_NE(NULL, x);
	k = addf("new 32");
	ASSERT_LT(0, k) TH_LOG("new 32: %s", err_name(k));
	blob_from_key(_metadata, k, p);
	k = addf("new 32 recovery=tpm-level");
	ASSERT_LT(0, k);
	blob_from_key(_metadata, k, r);

#define MUT(src, err, desc, opts, change) do {				\
		memcpy(x, src, sizeof(*x));				\
		change;							\
		expect_blob_refused(_metadata, err, desc, x->b, x->len, opts); \
	} while (0)

	/* Other PCRs than the object's policy names: a PCR mismatch. */
	MUT(p, EKEYREJECTED, "PCR 0 added to the mask", NULL, x->b[OFF_MASK + 3] |= 0x01);
	MUT(p, EKEYREJECTED, "PCR 8 instead of 7", NULL,
	    kseal_put_be32(x->b + OFF_MASK, 1U << 8));
	/*
	 * The recovery blob's PCR branch digest changed: its PolicyOR with
	 * the passphrase branch is no longer the blob's authPolicy, an
	 * inconsistent blob, whichever branch the load takes. Digests that
	 * claim another object policy than the TPM object has: the same.
	 */
	MUT(r, EBADMSG, "recovery blob: PCR branch digest flipped", NULL,
	    x->b[OFF_PCR_POLICY] ^= 0x01);
	MUT(r, EBADMSG, "recovery blob: PCR branch flipped, passphrase",
	    "recovery=tpm-level", x->b[OFF_PCR_POLICY] ^= 0x01);
	MUT(r, EBADMSG, "recovery blob: authPolicy flipped", NULL,
	    x->b[OFF_AUTH_POLICY + 7] ^= 0x40);
	MUT(p, EBADMSG, "PCR-only blob: both digests flipped alike", NULL,
	    (x->b[OFF_PCR_POLICY + 9] ^= 0x02, x->b[OFF_AUTH_POLICY + 9] ^= 0x02));
	/* Another key id than the sealed secret's. */
	MUT(p, EBADMSG, "key id flipped", NULL, x->b[OFF_KEY_ID + 31] ^= 0x80);

	/* The TPM's integrity check: the object policy, the unique digest. */
	MUT(p, EBADMSG, "public area: authPolicy byte flipped", NULL,
	    x->b[OFF_PUB + PUB_POLICY + 3] ^= 0x01);
	MUT(p, EBADMSG, "public area: last byte flipped", NULL,
	    x->b[OFF_PUB + p->pub_len - 1] ^= 0x01);
	MUT(p, EBADMSG, "private area: integrity HMAC flipped", NULL,
	    x->b[p->priv_len_off + 2 + 4] ^= 0x01);
	MUT(p, EBADMSG, "private area: last byte flipped", NULL,
	    x->b[p->priv_len_off + 2 + p->priv_len - 1] ^= 0x01);

	/*
	 * Every byte of both TPM areas, one bit each: whatever the TPM
	 * notices first, it is a damaged blob (or a policy failure), never a
	 * key, never a leftover handle.
	 */
	for (i = 0; i < p->pub_len; i++) {
		memcpy(x, p, sizeof(*x));
		x->b[OFF_PUB + i] ^= 0x01;
		k = load_bin(x->b, x->len, NULL);
		EXPECT_TRUE(k == -EBADMSG || k == -EKEYREJECTED)
			TH_LOG("public byte %zu flipped: %s", i, err_name(k < 0 ? k : 0));
		if (k > 0)
			keyctl_revoke(k);
	}
	expect_tpm_clean(_metadata, "the public-area sweep");
	for (i = 0; i < p->priv_len; i++) {
		memcpy(x, p, sizeof(*x));
		x->b[p->priv_len_off + 2 + i] ^= 0x01;
		k = load_bin(x->b, x->len, NULL);
		EXPECT_TRUE(k == -EBADMSG || k == -EKEYREJECTED)
			TH_LOG("private byte %zu flipped: %s", i, err_name(k < 0 ? k : 0));
		if (k > 0)
			keyctl_revoke(k);
	}
	expect_tpm_clean(_metadata, "the private-area sweep");
#undef MUT

	k = load_bin(p->b, p->len, NULL);
	EXPECT_LT(0, k) TH_LOG("the unchanged blob: %s", err_name(k));
	expect_dmesg_clean(_metadata);
	free(p);
	free(r);
	free(x);
}

/*
 * Every single-bit flip of a real blob is refused: a lock-bound blob with
 * a recovery branch, so every header field is in use. The parser, the
 * parent Name check before Load, the TPM's Load or policy, or the header
 * digest the TPM sealed beside the secret stops each one; none loads,
 * and a header flip never gets further than a refusal naming the blob
 * (EINVAL, EBADMSG, ENOKEY) or the policy (EKEYREJECTED).
 */
TEST_F_TIMEOUT(sealed, every_bit_flip_refused, 900)
{
	struct blob *p = calloc(1, sizeof(*p));
	int k, bit, loaded = 0, odd = 0;
	size_t i;

	ASSERT_NE(NULL, p);
	k = addf("new 32 pcrs=7 lock=%d recovery=flip-every-bit", LOCK_PCR);
	ASSERT_LT(0, k) TH_LOG("new lock-bound with recovery: %s", err_name(k));
	blob_from_key(_metadata, k, p);
	for (i = 0; i < p->len; i++) {
		for (bit = 0; bit < 8; bit++) {
			p->b[i] ^= 1U << bit;
			k = load_bin(p->b, p->len, NULL);
			p->b[i] ^= 1U << bit;
			if (k > 0) {
				if (loaded++ < 8)
					TH_LOG("byte %zu bit %d: the damaged blob loaded", i, bit);
				keyctl_revoke(k);
				keyctl_unlink(k, KEY_SPEC_PROCESS_KEYRING);
			} else if (i < OFF_PUB_LEN && k != -EINVAL && k != -EBADMSG &&
				   k != -ENOKEY && k != -EKEYREJECTED) {
				if (odd++ < 8)
					TH_LOG("byte %zu bit %d: %s", i, bit, err_name(k));
			}
		}
	}
	EXPECT_EQ(0, loaded) TH_LOG("%d of %zu flips loaded", loaded, p->len * 8);
	EXPECT_EQ(0, odd) TH_LOG("%d header flips refused for another reason", odd);
	k = load_bin(p->b, p->len, NULL);
	EXPECT_LT(0, k) TH_LOG("the unchanged blob: %s", err_name(k));
	expect_tpm_clean(_metadata, "every bit flip");
	free(p);
}

/* Item 4 (this machine's half): no parent, or another key there: ENOKEY. */
TEST_F(sealed, missing_parent)
{
	struct blob *p = calloc(1, sizeof(*p)), *x = calloc(1, sizeof(*x));
	int k;

	KSEAL_NEED_COUNTERS();
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, x);
	expect_refused(_metadata, ENOKEY, "new with an empty parent handle",
		       "new 32 parent=0x81000101", strlen("new 32 parent=0x81000101"));
	k = addf("new 32");
	ASSERT_LT(0, k) TH_LOG("new 32: %s", err_name(k));
	blob_from_key(_metadata, k, p);

	memcpy(x, p, sizeof(*x));
	kseal_put_be32(x->b + OFF_PARENT, 0x81000101);
	expect_blob_refused(_metadata, ENOKEY, "blob naming an empty parent handle",
			    x->b, x->len, NULL);
	/* The SRK is a storage key, but not the one the blob was sealed under. */
	memcpy(x, p, sizeof(*x));
	kseal_put_be32(x->b + OFF_PARENT, KSEAL_SRK_HANDLE);
	expect_blob_refused(_metadata, ENOKEY, "blob moved to another parent",
			    x->b, x->len, NULL);
	free(p);
	free(x);
}

/* Item 5: lock makes lock= blobs unloadable; loaded keys stay. */
TEST_F(sealed, lock)
{
	static const char *const bad[] = {
		"16", "23", "24", "99", "4294967311", "x", "-1", "15x", " 15",
	};
	char before[64], after[64], *lk_hex, *pl_hex, *h;
	unsigned int i;
	pid_t pid;
	size_t n;
	int k1, k2, k, st, fd;

	ASSERT_EQ(0, kseal_read_text(LOCK_FILE, before, sizeof(before)));
	EXPECT_TRUE(!strcmp(before, "") || !strcmp(before, "15"))
		TH_LOG("locked already: '%s'", before);
	k1 = addf("new 32 lock=15");
	ASSERT_LT(0, k1) TH_LOG("new 32 lock=15: %s", err_name(k1));
	EXPECT_STREQ("sealed pcrs=" DEFAULT_PCRS ",15 parent=0x81000100 lock=15", describe(_metadata, k1));
	k2 = addf("new 32");
	ASSERT_LT(0, k2);
	lk_hex = read_hex(_metadata, k1, &n);
	pl_hex = read_hex(_metadata, k2, &n);

	/* Not root: cannot open the file; with a root-opened fd: EPERM. */
	fd = open(LOCK_FILE, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(10);
		if (open(LOCK_FILE, O_WRONLY) >= 0)
			_exit(11);
		if (errno != EACCES)
			_exit(12);
		if (write(fd, "15", 2) >= 0)
			_exit(13);
		_exit(errno == EPERM ? 0 : 14);
	}
	close(fd);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st))
		TH_LOG("uid %d: 10 setuid failed, 11 opened the file, 12 open not EACCES, 13 write worked, 14 write not EPERM",
		       NOBODY);
	ASSERT_EQ(0, kseal_read_text(LOCK_FILE, after, sizeof(after)));
	EXPECT_STREQ(before, after);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		k = write_file(LOCK_FILE, bad[i]);
		EXPECT_EQ(-EINVAL, k) TH_LOG("lock '%s': %s", bad[i], err_name(k));
	}
	/* Nothing was extended so far: the lock= blob still loads. */
	k = load_hex(lk_hex, NULL);
	EXPECT_LT(0, k) TH_LOG("lock blob before the lock: %s", err_name(k));

	ASSERT_EQ(0, write_file(LOCK_FILE, "15\n"));
	expect_tpm_clean(_metadata, "lock");
	ASSERT_EQ(0, kseal_read_text(LOCK_FILE, after, sizeof(after)));
	EXPECT_STREQ("15", after);

	k = load_hex(lk_hex, NULL);
	EXPECT_EQ(-EKEYREJECTED, k) TH_LOG("lock blob after the lock: %s", err_name(k));
	expect_tpm_clean(_metadata, "load refused by the lock");
	/* The key loaded before stays, readable. */
	EXPECT_STREQ("sealed pcrs=" DEFAULT_PCRS ",15 parent=0x81000100 lock=15", describe(_metadata, k1));
	h = read_hex(_metadata, k1, &n);
	EXPECT_STREQ(lk_hex, h);
	free(h);
	/* Blobs without the lock PCR are not affected. */
	k = load_hex(pl_hex, NULL);
	EXPECT_LT(0, k) TH_LOG("blob without lock=: %s", err_name(k));
	/* Locking again is fine and keeps the list. */
	EXPECT_EQ(0, write_file(LOCK_FILE, "15"));
	ASSERT_EQ(0, kseal_read_text(LOCK_FILE, after, sizeof(after)));
	EXPECT_STREQ("15", after);
	free(lk_hex);
	free(pl_hex);
}

/* Item 12: unloading the module with keys alive removes them all. */
TEST_F(sealed, rmmod_with_keys_alive)
{
	char *hex, *h, *d;
	size_t n;
	int k1, k2, k3, k;

	k1 = addf("new 32");
	ASSERT_LT(0, k1) TH_LOG("new 32: %s", err_name(k1));
	hex = read_hex(_metadata, k1, &n);
	k2 = load_hex(hex, NULL);
	ASSERT_LT(0, k2);
	k3 = add_raw("st:rmmod:user", "new 32", 6, KEY_SPEC_USER_KEYRING);
	ASSERT_LT(0, k3) TH_LOG("new 32 in the user keyring: %s", err_name(k3));
	EXPECT_LE(3, kseal_proc_keys_count(" kseal "));

	ASSERT_EQ(0, kseal_module_unload());
	EXPECT_EQ(0, kseal_proc_keys_count(" kseal "));
	EXPECT_EQ(-1, keyctl_read(k1, NULL, 0));
	EXPECT_EQ(ENOKEY, errno);
	EXPECT_EQ(-1, keyctl_read(k2, NULL, 0));
	EXPECT_EQ(ENOKEY, errno);
	EXPECT_EQ(-1, keyctl_read(k3, NULL, 0));
	EXPECT_EQ(ENOKEY, errno);
	EXPECT_NE(0, access("/sys/kernel/kseal", F_OK));

	ASSERT_EQ(0, kseal_module_load(NULL));
	k = load_hex(hex, NULL);
	EXPECT_LT(0, k) TH_LOG("load after reloading the module: %s", err_name(k));
	h = k > 0 ? read_hex(_metadata, k, &n) : NULL;
	if (h)
		EXPECT_STREQ(hex, h);
	free(h);
	d = k > 0 ? describe(_metadata, k) : "";
	EXPECT_STREQ("sealed pcrs=" DEFAULT_PCRS " parent=0x81000100", d);
	k = addf("new 32");
	EXPECT_LT(0, k) TH_LOG("new after reloading the module: %s", err_name(k));
	free(hex);
}

TEST_HARNESS_MAIN
