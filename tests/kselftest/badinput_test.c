// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bad input to the kseal key type, each with the exact errno it must give:
 * add_key payload pointers and lengths, malformed payloads, descriptions
 * at the kernel's size limit, keyctl read buffers, operations on revoked,
 * expired, negative and uninstantiated keys, and keyctl read racing
 * keyctl revoke.
 * kseal(7) lists the same cases in its "Errors for bad input" table.
 *
 * Expected values come from the keys core (security/keys/keyctl.c: payload
 * length is checked before it is copied, descriptions are copied before
 * the payload) and from the module's own checks. Needs root, a TPM with the
 * kseal parent at 0x81000100 and kseal.ko loaded.
 */
#include <pthread.h>
#include <time.h>
#include <stdint.h>
#include <sys/mman.h>
#include <keyutils.h>
#include <kseal/limits.h>

#include "kselftest_harness.h"
#include "kseal_util.h"

/* Largest payload add_key accepts (security/keys/keyctl.c). */
#define ADD_KEY_MAX	(1024 * 1024 - 1)
/* Largest payload keyctl update accepts: one page. */
#define UPDATE_MAX	4096
/* Largest description, its NUL included. */
#define DESC_MAX	4096

static long add_raw(const char *desc, const void *payload, size_t len)
{
	long k = syscall(SYS_add_key, "kseal", desc, payload, len,
			 KEY_SPEC_PROCESS_KEYRING);

	return k < 0 ? -errno : k;
}

static long add_str(const char *payload)
{
	return add_raw("badinput:k", payload, strlen(payload));
}

static long update_raw(key_serial_t k, const void *payload, size_t len)
{
	return syscall(SYS_keyctl, KEYCTL_UPDATE, k, payload, len) < 0 ?
	       -errno : 0;
}

static long read_raw(key_serial_t k, void *buf, size_t len)
{
	long n = syscall(SYS_keyctl, KEYCTL_READ, k, buf, len);

	return n < 0 ? -errno : n;
}

/* Payloads refused by the parser before any TPM command. */
struct bad_payload {
	const char *what;
	const char *p;
	size_t len;	/* 0: strlen(p) */
	int err;
};

#define BAD(w, s)	{ w, s, 0, EINVAL }
#define BADN(w, s)	{ w, s, sizeof(s) - 1, EINVAL }

static const struct bad_payload bad_payloads[] = {
	BAD("verb only", "new"),
	BAD("unknown verb", "make 32"),
	BAD("verb in capitals", "NEW 32"),
	BAD("update verb on a new key", "update reseal"),
	BAD("trailing space", "new 32 "),
	BAD("leading space", " new 32"),
	BAD("double space", "new  32"),
	BAD("two newlines", "new 32\n\n"),
	BAD("carriage return", "new 32\r\n"),
	BAD("tab separator", "new\t32"),
	BAD("trailing garbage token", "new 32 x"),
	BAD("non-ASCII byte", "new 32 recovery=\xc3\xa9"),
	BADN("embedded NUL at the end", "new 32\0"),
	BADN("embedded NUL in the verb", "ne\0w 32"),
	BADN("embedded NUL between options", "new 32\0pcrs=7"),
	BAD("size below 32", "new 31"),
	BAD("size above 128", "new 129"),
	BAD("size with leading zero", "new 032"),
	BAD("size with sign", "new +32"),
	BAD("negative size", "new -32"),
	BAD("size beyond 32 bits", "new 4294967328"),
	BAD("size not a number", "new 3x"),
	BAD("duplicate pcrs", "new 32 pcrs=7 pcrs=7"),
	BAD("duplicate parent",
	    "new 32 parent=0x81000100 parent=0x81000100"),
	BAD("duplicate recovery", "new 32 recovery=a recovery=a"),
	BAD("duplicate lock", "new 32 lock=15 lock=15"),
	BAD("unknown option", "new 32 colour=blue"),
	BAD("option name in capitals", "new 32 PCRS=7"),
	BAD("option without value", "new 32 pcrs"),
	BAD("option with empty value", "new 32 pcrs="),
	BAD("PCR 24", "new 32 pcrs=24"),
	BAD("PCR 25", "new 32 pcrs=25"),
	BAD("PCR 255", "new 32 pcrs=255"),
	BAD("PCR beyond 32 bits", "new 32 pcrs=4294967303"),
	BAD("PCR range to 24", "new 32 pcrs=0-24"),
	BAD("PCR range reversed", "new 32 pcrs=5-2"),
	BAD("PCR range of one", "new 32 pcrs=3-3"),
	BAD("PCR repeated", "new 32 pcrs=7,7"),
	BAD("PCR repeated in a range", "new 32 pcrs=0-7,7"),
	BAD("PCR list trailing comma", "new 32 pcrs=7,"),
	BAD("PCR list leading comma", "new 32 pcrs=,7"),
	BAD("PCR with leading zero", "new 32 pcrs=07"),
	BAD("lock PCR 24", "new 32 lock=24"),
	BAD("lock PCR 16 (resettable)", "new 32 lock=16"),
	BAD("lock PCR 23 (resettable)", "new 32 lock=23"),
	BAD("parent below the persistent range", "new 32 parent=0x80ffffff"),
	BAD("parent above the persistent range", "new 32 parent=0x82000000"),
	BAD("parent 0", "new 32 parent=0x0"),
	BAD("parent all ones", "new 32 parent=0xffffffff"),
	BAD("parent transient handle", "new 32 parent=0x80000000"),
	BAD("parent without 0x", "new 32 parent=81000100"),
	BAD("parent with 0X", "new 32 parent=0X81000100"),
	BAD("parent 0x alone", "new 32 parent=0x"),
	BAD("parent of 9 hex digits", "new 32 parent=0x081000100"),
	BAD("parent not hex", "new 32 parent=0x8100010g"),
	BAD("empty recovery", "new 32 recovery="),
	BAD("recovery of 65 bytes", "new 32 recovery="
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	BAD("logon on a sealed key", "new 32 logon=kseal:x"),
	BAD("wrap with sealed-key options", "new 32 wrap=x pcrs=7"),
	BAD("data key below 16 bytes", "new 15 wrap=x"),
	BAD("load without blob", "load"),
	BAD("odd-length hex", "load abc"),
	BAD("non-hex blob", "load zz"),
	BAD("hex with a non-hex digit", "load 0g"),
	BAD("hex with 0x prefix", "load 0x00"),
	BAD("hex that is not a blob", "load 00112233"),
	BAD("hex header with a bad magic",
	    "load 0000000000000000000000000000000000000000000000000000000000000000"),
	BADN("load with embedded NUL", "load 00\0 00"),
	BAD("load with recovery and logon", "load 00 recovery=x logon=a:b"),
	BAD("load with a sealed-key option", "load 00 pcrs=7"),
};

TEST(add_key_null_payload_is_efault)
{
	/* The length is fine, the copy from user space fails. */
	ASSERT_EQ(-EFAULT, add_raw("badinput:k", NULL, 5));
	ASSERT_EQ(-EFAULT, add_raw("badinput:k", NULL, ADD_KEY_MAX));
	/* Past the limit the length is refused before any copy. */
	ASSERT_EQ(-EINVAL, add_raw("badinput:k", NULL, ADD_KEY_MAX + 1));
}

TEST(add_key_lengths_0_1_max_max_plus_1)
{
	char *big = malloc(ADD_KEY_MAX + 1);

	ASSERT_NE(NULL, big);
	ASSERT_EQ(-EINVAL, add_raw("badinput:k", NULL, 0));
	ASSERT_EQ(-EINVAL, add_raw("badinput:k", "", 0));
	ASSERT_EQ(-EINVAL, add_raw("badinput:k", "n", 1));
	/* "load" and a hex blob far beyond KSEAL_BLOB_MAX. */
	memcpy(big, "load ", 5);
	memset(big + 5, 'a', ADD_KEY_MAX + 1 - 5);
	ASSERT_EQ(-EINVAL, add_raw("badinput:k", big, ADD_KEY_MAX));
	ASSERT_EQ(-EINVAL, add_raw("badinput:k", big, ADD_KEY_MAX + 1));
	/* The largest blob the parser takes, one byte over. */
	big[5 + 2 * (KSEAL_BLOB_MAX + 1)] = '\0';
	ASSERT_EQ(-EINVAL, add_str(big));
	free(big);
}

TEST(malformed_payloads)
{
	size_t i;
	long ret;

	for (i = 0; i < sizeof(bad_payloads) / sizeof(bad_payloads[0]); i++) {
		const struct bad_payload *b = &bad_payloads[i];

		ret = add_raw("badinput:k", b->p, b->len ? b->len : strlen(b->p));
		EXPECT_EQ(-b->err, ret)
			TH_LOG("%s: got %ld (%s)", b->what, ret,
			       ret < 0 ? strerror(-ret) : "a key");
		if (ret > 0)
			keyctl_revoke(ret);
	}
}

TEST(parent_range_edges_reach_the_tpm)
{
	/* In range but empty on this TPM: the TPM says no key there. */
	ASSERT_EQ(-ENOKEY, add_str("new 32 parent=0x81000000"));
	ASSERT_EQ(-ENOKEY, add_str("new 32 parent=0x81ffffff"));
}

/* 1 if the /proc/keys line of @k (of any length) ends with @tail. */
static int proc_keys_line_ends(key_serial_t k, const char *tail)
{
	FILE *f = fopen("/proc/keys", "re");
	char *line = NULL;
	size_t cap = 0, n = strlen(tail);
	ssize_t len;
	int ret = 0;

	if (!f)
		return -errno;
	while ((len = getline(&line, &cap, f)) > 0) {
		if (strtoul(line, NULL, 16) != (unsigned long)(uint32_t)k)
			continue;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		ret = (size_t)len >= n && !strcmp(line + len - n, tail);
		break;
	}
	free(line);
	fclose(f);
	return ret;
}

TEST(description_4095_and_4096_bytes)
{
	char *d = malloc(DESC_MAX + 1);
	char text[DESC_MAX + 64];
	long k;

	ASSERT_NE(NULL, d);
	memset(d, 'd', DESC_MAX);
	d[DESC_MAX] = '\0';
	/* 4096 bytes: refused while copying the description. */
	ASSERT_EQ(-EINVAL, add_raw(d, "new 32", 6));
	d[DESC_MAX - 1] = '\0';
	/* 4095 bytes: copied; the payload copy comes next and fails. */
	ASSERT_EQ(-EFAULT, add_raw(d, NULL, 6));
	/* And a real key with it: describe carries it whole. */
	k = add_raw(d, "new 32", 6);
	ASSERT_LT(0, k) TH_LOG("new 32 with a 4095-byte description: %s",
			       strerror(-k));
	ASSERT_EQ(1, proc_keys_line_ends(k, ": sealed pcrs=4,7-9 parent=0x81000100"));
	ASSERT_LE(DESC_MAX, keyctl_describe(k, text, sizeof(text)));
	ASSERT_EQ(0, keyctl_revoke(k));
	free(d);
}

#define FIXTURE_DESC	"badinput:fixture"

FIXTURE(sealed)
{
	key_serial_t k;
	char *blob;
	long len;
};

FIXTURE_SETUP(sealed)
{
	self->k = add_raw(FIXTURE_DESC, "new 32", 6);
	ASSERT_LT(0, self->k) TH_LOG("new 32: %s", strerror(-self->k));
	self->len = read_raw(self->k, NULL, 0);
	ASSERT_LT(0, self->len);
	self->blob = calloc(1, self->len + 1);
	ASSERT_NE(NULL, self->blob);
	ASSERT_EQ(self->len, read_raw(self->k, self->blob, self->len));
}

FIXTURE_TEARDOWN(sealed)
{
	keyctl_revoke(self->k);
	free(self->blob);
}

TEST_F(sealed, read_buffer_sizes)
{
	long n = self->len, i;
	char *buf = malloc(n + 16);
	void *unmapped;

	ASSERT_NE(NULL, buf);
	/* No buffer, or no room: the needed size, nothing copied. */
	ASSERT_EQ(n, read_raw(self->k, NULL, 0));
	ASSERT_EQ(n, read_raw(self->k, NULL, n + 16));
	memset(buf, 0x5a, n + 16);
	ASSERT_EQ(n, read_raw(self->k, buf, 0));
	ASSERT_EQ(n, read_raw(self->k, buf, 1));
	ASSERT_EQ(n, read_raw(self->k, buf, n - 1));
	for (i = 0; i < n + 16; i++)
		ASSERT_EQ(0x5a, (unsigned char)buf[i]) TH_LOG("byte %ld", i);
	/* Exactly enough, or more: n bytes, nothing after them. */
	ASSERT_EQ(n, read_raw(self->k, buf, n));
	ASSERT_EQ(0, memcmp(buf, self->blob, n));
	memset(buf, 0x5a, n + 16);
	ASSERT_EQ(n, read_raw(self->k, buf, n + 16));
	ASSERT_EQ(0, memcmp(buf, self->blob, n));
	for (i = n; i < n + 16; i++)
		ASSERT_EQ(0x5a, (unsigned char)buf[i]);
	/* A buffer that is not mapped: EFAULT once there is room to copy. */
	unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	ASSERT_NE(MAP_FAILED, unmapped);
	ASSERT_EQ(n, read_raw(self->k, unmapped, n - 1));
	ASSERT_EQ(-EFAULT, read_raw(self->k, unmapped, n));
	munmap(unmapped, 4096);
	free(buf);
}

TEST_F(sealed, blob_damage_and_trailing_garbage)
{
	size_t n = self->len;
	char *p = malloc(n + 64);

	ASSERT_NE(NULL, p);
	/* One byte too many or too few: a blob that lies about its size. */
	snprintf(p, n + 64, "load %s00", self->blob);
	ASSERT_EQ(-EBADMSG, add_str(p));
	snprintf(p, n + 64, "load %.*s", (int)n - 2, self->blob);
	ASSERT_EQ(-EBADMSG, add_str(p));
	/* Garbage after the blob token, or inside the payload. */
	snprintf(p, n + 64, "load %s x", self->blob);
	ASSERT_EQ(-EINVAL, add_str(p));
	snprintf(p, n + 64, "load %s ", self->blob);
	ASSERT_EQ(-EINVAL, add_str(p));
	snprintf(p, n + 64, "load %s", self->blob);
	ASSERT_EQ(-EINVAL, add_raw("badinput:k", p, strlen(p) + 1));
	/* recovery= for a blob sealed without one. */
	snprintf(p, n + 64, "load %s recovery=abc", self->blob);
	ASSERT_EQ(-EINVAL, add_str(p));
	free(p);
}

TEST_F(sealed, update_errors_on_a_live_key)
{
	char *big = malloc(UPDATE_MAX + 1);

	ASSERT_NE(NULL, big);
	memset(big, 'a', UPDATE_MAX + 1);
	ASSERT_EQ(-EINVAL, update_raw(self->k, big, UPDATE_MAX + 1));
	ASSERT_EQ(-EFAULT, update_raw(self->k, NULL, 5));
	ASSERT_EQ(-EINVAL, update_raw(self->k, big, UPDATE_MAX));
	ASSERT_EQ(-EINVAL, update_raw(self->k, NULL, 0));
	ASSERT_EQ(-EINVAL, update_raw(self->k, "update", 6));
	ASSERT_EQ(-EINVAL, update_raw(self->k, "update bogus", 12));
	ASSERT_EQ(-EINVAL, update_raw(self->k, "update reseal pcrs=24", 21));
	ASSERT_EQ(-EINVAL, update_raw(self->k, "update reseal lock=15", 21));
	ASSERT_EQ(-EINVAL, update_raw(self->k, "update reseal x", 15));
	ASSERT_EQ(-EINVAL, update_raw(self->k, "update reseal\0", 14));
	/* Data-key updates on a sealed key. */
	ASSERT_EQ(-EINVAL, update_raw(self->k, "update rotate", 13));
	ASSERT_EQ(-EINVAL, update_raw(self->k, "update retire=1", 15));
	/* new/load on an existing key: it exists already. */
	ASSERT_EQ(-EEXIST, update_raw(self->k, "new 32", 6));
	ASSERT_EQ(-EEXIST, update_raw(self->k, "load 00", 7));
	/* The same through add_key onto the key's description. */
	ASSERT_EQ(-EEXIST, add_raw(FIXTURE_DESC, "new 32", 6));
	/* The key survived all of it, blob unchanged. */
	ASSERT_EQ(self->len, read_raw(self->k, big, UPDATE_MAX));
	ASSERT_EQ(0, memcmp(big, self->blob, self->len));
	free(big);
}

TEST_F(sealed, pkey_query_not_supported)
{
	struct keyctl_pkey_query q;

	ASSERT_EQ(-1, keyctl_pkey_query(self->k, "", &q));
	ASSERT_EQ(EOPNOTSUPP, errno);
}

TEST_F(sealed, revoked_key)
{
	struct keyctl_pkey_query q;
	char buf[16];

	ASSERT_EQ(0, keyctl_revoke(self->k));
	ASSERT_EQ(-EKEYREVOKED, read_raw(self->k, NULL, 0));
	ASSERT_EQ(-EKEYREVOKED, read_raw(self->k, buf, sizeof(buf)));
	ASSERT_EQ(-EKEYREVOKED, update_raw(self->k, "update reseal", 13));
	ASSERT_EQ(-EKEYREVOKED, update_raw(self->k, "junk", 4));
	ASSERT_EQ(-1, keyctl_pkey_query(self->k, "", &q));
	ASSERT_EQ(EKEYREVOKED, errno);
	/* add_key of the description makes a new key beside the dead one. */
	self->k = add_raw(FIXTURE_DESC, "new 32", 6);
	ASSERT_LT(0, self->k);
}

TEST_F(sealed, expired_key)
{
	struct keyctl_pkey_query q;
	char buf[16];

	ASSERT_EQ(0, keyctl_set_timeout(self->k, 1));
	sleep(2);
	ASSERT_EQ(-EKEYEXPIRED, read_raw(self->k, NULL, 0));
	ASSERT_EQ(-EKEYEXPIRED, read_raw(self->k, buf, sizeof(buf)));
	ASSERT_EQ(-EKEYEXPIRED, update_raw(self->k, "update reseal", 13));
	ASSERT_EQ(-1, keyctl_pkey_query(self->k, "", &q));
	ASSERT_EQ(EKEYEXPIRED, errno);
}

/*
 * A negative kseal key without an upcall program: request_key() with
 * callout data runs /sbin/request-key; when it does not exist, request_key
 * fails with the exec error (ENOENT) and the kernel negates the key itself
 * (ENOKEY, key_negative_timeout) in the destination keyring, where keyctl
 * read of the ring finds its serial.
 */
TEST(negative_key)
{
	key_serial_t ring, neg, ids[4];
	struct keyctl_pkey_query q;
	char buf[16];
	long n;

	if (!access("/sbin/request-key", F_OK))
		SKIP(return, "/sbin/request-key exists: it would instantiate the key");
	ring = add_key("keyring", "badinput:ring", NULL, 0,
		       KEY_SPEC_PROCESS_KEYRING);
	ASSERT_LT(0, ring);
	ASSERT_EQ(-1, request_key("kseal", "badinput:neg", "x", ring));
	ASSERT_EQ(ENOENT, errno);
	n = keyctl_read(ring, (char *)ids, sizeof(ids));
	ASSERT_EQ((long)sizeof(key_serial_t), n);
	neg = ids[0];
	ASSERT_EQ(-ENOKEY, read_raw(neg, NULL, 0));
	ASSERT_EQ(-ENOKEY, read_raw(neg, buf, sizeof(buf)));
	ASSERT_EQ(-ENOKEY, update_raw(neg, "update reseal", 13));
	ASSERT_EQ(-1, keyctl_pkey_query(neg, "", &q));
	ASSERT_EQ(ENOKEY, errno);
	/*
	 * add_key onto a negative key's description is handed to the type's
	 * update method (the keys core would instantiate the negative key in
	 * place); like the kernel's trusted and encrypted types, kseal must
	 * refuse that with ENOKEY: the key has no payload to update.
	 */
	n = syscall(SYS_add_key, "kseal", "badinput:neg", "new 32", 6, ring);
	n = n < 0 ? -errno : n;
	EXPECT_EQ(-ENOKEY, n)
		TH_LOG("add_key new 32 onto a negative key: %ld (%s)", n,
		       n < 0 ? strerror(-n) : "a key");
	if (n > 0)
		keyctl_revoke(n);
	keyctl_revoke(ring);
}

/*
 * Two readers hammer keyctl read while the key is revoked under them; each
 * read gives the whole blob length or EKEYREVOKED, nothing else. Every
 * round loads a fresh key from the blob (5 TPM commands), 2000 rounds by
 * default (KSEAL_RACE_ITERATIONS), each with hundreds of reads.
 */
struct race {
	key_serial_t k;
	long len;
	volatile int stop;
	long reads, revoked, bad;
	long bad_ret;
};

static void *race_reader(void *arg)
{
	struct race *r = arg;
	char buf[KSEAL_BLOB_MAX * 2];
	long n;

	while (!r->stop) {
		n = read_raw(r->k, buf, sizeof(buf));
		__atomic_add_fetch(&r->reads, 1, __ATOMIC_RELAXED);
		if (n != r->len && n != -EKEYREVOKED) {
			__atomic_add_fetch(&r->bad, 1, __ATOMIC_RELAXED);
			r->bad_ret = n;
		}
		if (n == -EKEYREVOKED) {
			__atomic_add_fetch(&r->revoked, 1, __ATOMIC_RELAXED);
			break;
		}
	}
	return NULL;
}

/* Every iteration loads a sealed key: more than the default 30 s of TPM work. */
TEST_F_TIMEOUT(sealed, read_racing_revoke, 180)
{
	const char *env = getenv("KSEAL_RACE_ITERATIONS");
	long iters = env ? atol(env) : 2000, total = 0, revoked = 0, i;
	struct timespec t0, t1;
	char *payload = malloc(self->len + 8);

	ASSERT_NE(NULL, payload);
	snprintf(payload, self->len + 8, "load %s", self->blob);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < iters; i++) {
		struct race r = { 0 };
		pthread_t t[2];
		char desc[48];

		snprintf(desc, sizeof(desc), "badinput:race%ld", i);
		r.k = add_raw(desc, payload, strlen(payload));
		ASSERT_LT(0, r.k) TH_LOG("load %ld: %s", i, strerror(-r.k));
		r.len = self->len;
		ASSERT_EQ(0, pthread_create(&t[0], NULL, race_reader, &r));
		ASSERT_EQ(0, pthread_create(&t[1], NULL, race_reader, &r));
		usleep(i % 200);
		ASSERT_EQ(0, keyctl_revoke(r.k));
		usleep(100);
		r.stop = 1;
		pthread_join(t[0], NULL);
		pthread_join(t[1], NULL);
		ASSERT_EQ(0, r.bad) TH_LOG("read returned %ld", r.bad_ret);
		ASSERT_EQ(-EKEYREVOKED, read_raw(r.k, NULL, 0));
		keyctl_unlink(r.k, KEY_SPEC_PROCESS_KEYRING);
		total += r.reads;
		revoked += r.revoked;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	TH_LOG("%ld revokes raced %ld reads (%ld saw EKEYREVOKED) in %ld ms",
	       iters, total, revoked, (long)((t1.tv_sec - t0.tv_sec) * 1000 +
					     (t1.tv_nsec - t0.tv_nsec) / 1000000));
	free(payload);
}

/*
 * An uninstantiated key exists only while its request_key upcall runs.
 * This binary is its own upcall program: started as /sbin/request-key
 * ("create <key> <uid> <gid> <rings>..."), it takes the key's authority,
 * publishes the serial, holds the key uninstantiated for UPCALL_HOLD_MS,
 * then rejects it with EKEYREJECTED.
 */
#define UPCALL_PROG	"/sbin/request-key"
#define UPCALL_SERIAL	"/run/badinput.uninst"
#define UPCALL_HOLD_MS	1500

static int upcall(int argc, char **argv)
{
	key_serial_t k;
	FILE *f;

	if (argc < 3 || strcmp(argv[1], "create"))
		return 1;
	k = atoi(argv[2]);
	if (keyctl_assume_authority(k) < 0)
		return 1;
	f = fopen(UPCALL_SERIAL ".tmp", "we");
	if (!f)
		return 1;
	fprintf(f, "%d\n", k);
	if (fclose(f) || rename(UPCALL_SERIAL ".tmp", UPCALL_SERIAL))
		return 1;
	usleep(UPCALL_HOLD_MS * 1000);
	return keyctl_reject(k, 30, EKEYREJECTED, 0) < 0;
}

/* glibc hands constructors argc and argv: divert before the harness. */
static void __attribute__((constructor)) upcall_mode(int argc, char **argv)
{
	const char *base = argc ? strrchr(argv[0], '/') : NULL;

	if (base && !strcmp(base + 1, "request-key"))
		exit(upcall(argc, argv));
}

struct upcall_req {
	key_serial_t ring;
	long ret;
};

static void *upcall_request(void *arg)
{
	struct upcall_req *r = arg;

	r->ret = request_key("kseal", "badinput:uninst", "x", r->ring);
	if (r->ret < 0)
		r->ret = -errno;
	return NULL;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

FIXTURE(upcall)
{
	int linked;
};

FIXTURE_SETUP(upcall)
{
	char self_path[256];
	ssize_t n;

	if (!access(UPCALL_PROG, F_OK))
		SKIP(return, UPCALL_PROG " exists: this test needs its own");
	n = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);
	ASSERT_LT(0, n);
	self_path[n] = '\0';
	unlink(UPCALL_SERIAL);
	ASSERT_EQ(0, symlink(self_path, UPCALL_PROG));
	self->linked = 1;
}

FIXTURE_TEARDOWN(upcall)
{
	if (self->linked)
		unlink(UPCALL_PROG);
	unlink(UPCALL_SERIAL);
}

TEST_F(upcall, uninstantiated_key)
{
	struct upcall_req r = { 0 };
	struct keyctl_pkey_query q;
	struct timespec t0;
	key_serial_t k = 0;
	pthread_t t;
	char buf[256];
	FILE *f;
	int i;

	r.ring = add_key("keyring", "badinput:ring", NULL, 0,
			 KEY_SPEC_PROCESS_KEYRING);
	ASSERT_LT(0, r.ring);
	ASSERT_EQ(0, pthread_create(&t, NULL, upcall_request, &r));
	for (i = 0; i < 500 && !k; i++) {
		f = fopen(UPCALL_SERIAL, "re");
		if (f) {
			if (fscanf(f, "%d", &k) != 1)
				k = 0;
			fclose(f);
		}
		if (!k)
			usleep(10000);
	}
	ASSERT_LT(0, k) TH_LOG("the upcall did not start");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Under construction: it exists (describe), but has no payload. */
	ASSERT_LT(0, keyctl_describe(k, buf, sizeof(buf)));
	ASSERT_EQ(0, strncmp(buf, "kseal;", 6));
	/* read waits for the construction, then gives its outcome. */
	ASSERT_EQ(-EKEYREJECTED, read_raw(k, NULL, 0));
	ASSERT_LE(UPCALL_HOLD_MS / 2, ms_since(&t0))
		TH_LOG("read did not wait for the construction");
	ASSERT_EQ(-EKEYREJECTED, read_raw(k, buf, sizeof(buf)));
	ASSERT_EQ(-EKEYREJECTED, update_raw(k, "update reseal", 13));
	ASSERT_EQ(-1, keyctl_pkey_query(k, "", &q));
	ASSERT_EQ(EKEYREJECTED, errno);
	pthread_join(t, NULL);
	ASSERT_EQ(-EKEYREJECTED, r.ret);
	keyctl_revoke(r.ring);
}

TEST_HARNESS_MAIN
