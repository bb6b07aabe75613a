// SPDX-License-Identifier: GPL-2.0-only
/*
 * Load: KSEAL_LOAD_PROCS processes (16) each run KSEAL_LOAD_OPS (2000)
 * random operations on data keys under one sealed key: create, load from
 * a blob, encrypt and decrypt, sign, rotate, read, revoke, unlink, while
 * some processes revoke keys the others are reading or using. Only the
 * errors such races explain are accepted (a revoked key: EKEYREVOKED; a
 * key with every version slot used: ENOSPC). Afterwards every key is
 * gone, no TPM handle is left, and the key quota and slab usage are back
 * to where they were. Run on the debug kernel, lockdep and KASAN watch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <keyutils.h>

#include "kselftest_harness.h"
#include "kseal_util.h"

#define SHARED	16	/* data keys every process uses; some get revoked */
#define SLOTS	8	/* a process's own keys at a time */

struct load_ctx {
	key_serial_t ring;
	key_serial_t seal;
	key_serial_t shared[SHARED];
	char *blob;	/* hex blob of a data key, for loads */
};

/* Root's key count and bytes in /proc/key-users ("0: ... n/max b/max"). */
static int root_quota(unsigned long *keys, unsigned long *bytes)
{
	FILE *f = fopen("/proc/key-users", "re");
	char line[256];
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " 0: %*d %*d/%*d %lu/%*d %lu/%*d", keys,
			   bytes) == 2)
			ret = 0;
	fclose(f);
	return ret;
}

static long slab_kib(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[128];
	long kib = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* Fail the child with what it did and what it got. */
#define CHILD_FAIL(what, err) do {					\
	fprintf(stderr, "# process %d, op %u: %s: %s\n", id, n, what,	\
		strerror(err));						\
	_exit(1);							\
} while (0)

/* An error a concurrent revoke explains, on a key others may revoke. */
static int race_ok(int err)
{
	return err == EKEYREVOKED;
}

static void child(const struct load_ctx *c, int id, unsigned int ops)
{
	key_serial_t own[SLOTS] = { 0 }, k;
	unsigned int seed = 0x5eed + id, n;
	char desc[48], payload[96], *buf;
	/* pkey_sign refuses an output buffer larger than the signature. */
	unsigned char in[64], ct[256], out[256], sig[4 + 32];
	long r;
	int s, op;

	snprintf(payload, sizeof(payload), "new 32 wrap=%d", c->seal);
	memset(in, id, sizeof(in));
	for (n = 0; n < ops; n++) {
		op = rand_r(&seed) % 10;
		s = rand_r(&seed) % SLOTS;
		k = (op == 4 || op == 6 || !own[s]) ?
			c->shared[rand_r(&seed) % SHARED] : own[s];
		switch (op) {
		case 0:	/* create */
		case 1:	/* load a saved blob */
			if (own[s])
				break;
			snprintf(desc, sizeof(desc), "p%d-%u", id, n);
			if (op == 0)
				k = add_key("kseal", desc, payload,
					    strlen(payload), c->ring);
			else
				k = add_key("kseal", desc, c->blob,
					    strlen(c->blob), c->ring);
			if (k < 0)
				CHILD_FAIL(op ? "load" : "create", errno);
			own[s] = k;
			break;
		case 2:	/* encrypt and decrypt */
		case 3:
			memset(in, n & 0xff, sizeof(in));
			r = keyctl_pkey_encrypt(k, "", in, sizeof(in), ct,
						sizeof(ct));
			if (r >= 0)
				r = keyctl_pkey_decrypt(k, "", ct, r, out,
							sizeof(out));
			if (r < 0 && !race_ok(errno))
				CHILD_FAIL("encrypt/decrypt", errno);
			if (r >= 0 && (r != sizeof(in) || memcmp(in, out, r)))
				CHILD_FAIL("decrypt gave other bytes", EBADMSG);
			break;
		case 4:	/* read a shared key, racing its revoke */
			r = keyctl_read_alloc(k, (void **)&buf);
			if (r < 0 && !race_ok(errno))
				CHILD_FAIL("read", errno);
			if (r >= 0)
				free(buf);
			break;
		case 5:	/* sign */
			r = keyctl_pkey_sign(k, "", in, 32, sig, sizeof(sig));
			if (r < 0 && !race_ok(errno))
				CHILD_FAIL("sign", errno);
			break;
		case 6:	/* revoke a shared key now and then */
			if (id % 4 == 0 && rand_r(&seed) % 50 == 0 &&
			    keyctl_revoke(k) < 0 && !race_ok(errno))
				CHILD_FAIL("revoke shared", errno);
			break;
		case 7:	/* rotate an own key */
			if (own[s] && keyctl_update(own[s], "update rotate",
						    13) < 0 && errno != ENOSPC)
				CHILD_FAIL("rotate", errno);
			break;
		case 8:	/* revoke, then unlink an own key */
			if (own[s] && keyctl_revoke(own[s]) < 0)
				CHILD_FAIL("revoke", errno);
			/* fall through */
		case 9:	/* unlink an own key */
			if (own[s] && keyctl_unlink(own[s], c->ring) < 0)
				CHILD_FAIL("unlink", errno);
			own[s] = 0;
			break;
		}
	}
	_exit(0);
}

FIXTURE(load) {
	int unused;
};

FIXTURE_SETUP(load)
{
}

FIXTURE_TEARDOWN(load)
{
}

/* On the debug kernel under TCG this takes minutes, not seconds. */
TEST_F_TIMEOUT(load, mixed_operations, 1800)
{
	unsigned long procs = kseal_env_num("KSEAL_LOAD_PROCS", 16);
	unsigned long ops = kseal_env_num("KSEAL_LOAD_OPS", 2000);
	unsigned long keys0, bytes0, keys1, bytes1;
	unsigned long long alive0, alive;
	struct load_ctx c;
	long slab0, slab1, len;
	char desc[16], *hex;
	int i, st, failed = 0, tries;
	pid_t *pids;

	KSEAL_NEED_COUNTERS();
	/* A session keyring made on first use would count as a key. */
	ASSERT_LT(0, keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 1));
	ASSERT_EQ(0, root_quota(&keys0, &bytes0));
	ASSERT_EQ(0, kseal_stat("keys", &alive0));
	slab0 = slab_kib();

	c.ring = add_key("keyring", "kseal-load", NULL, 0,
			 KEY_SPEC_SESSION_KEYRING);
	ASSERT_LT(0, c.ring);
	c.seal = add_key("kseal", "load-seal", "new 32", 6, c.ring);
	ASSERT_LT(0, c.seal) TH_LOG("sealed key: %s", strerror(errno));
	for (i = 0; i < SHARED; i++) {
		char p[64];

		snprintf(desc, sizeof(desc), "shared%d", i);
		snprintf(p, sizeof(p), "new 32 wrap=%d", c.seal);
		c.shared[i] = add_key("kseal", desc, p, strlen(p), c.ring);
		ASSERT_LT(0, c.shared[i]) TH_LOG("%s", strerror(errno));
	}
	len = keyctl_read_alloc(c.shared[0], (void **)&hex);
	ASSERT_LT(0, len);
	c.blob = malloc(len + 8);
	ASSERT_NE(NULL, c.blob);
	snprintf(c.blob, len + 8, "load %.*s", (int)len, hex);
	free(hex);

	pids = calloc(procs, sizeof(*pids));
	ASSERT_NE(NULL, pids);
	for (i = 0; i < (int)procs; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i])
			child(&c, i, ops);
	}
	for (i = 0; i < (int)procs; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &st, 0));
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			failed++;
	}
	EXPECT_EQ(0, failed) TH_LOG("%d of %lu processes saw an unexpected error",
				    failed, procs);
	free(pids);
	free(c.blob);

	/* Everything goes; the garbage collector frees it shortly after. */
	EXPECT_EQ(0, keyctl_clear(c.ring));
	EXPECT_EQ(0, keyctl_unlink(c.ring, KEY_SPEC_SESSION_KEYRING));
	for (tries = 0; tries < 300; tries++) {
		ASSERT_EQ(0, root_quota(&keys1, &bytes1));
		ASSERT_EQ(0, kseal_stat("keys", &alive));
		if (keys1 == keys0 && bytes1 == bytes0 && alive == alive0)
			break;
		usleep(100000);
	}
	EXPECT_EQ(alive0, alive) TH_LOG("kseal keys alive after GC");
	EXPECT_EQ(keys0, keys1) TH_LOG("root's key quota after GC");
	EXPECT_EQ(bytes0, bytes1) TH_LOG("root's key bytes after GC");
	EXPECT_EQ(0, kseal_tpm_handle_count(KSEAL_TPM_HT_TRANSIENT));
	EXPECT_EQ(0, kseal_tpm_handle_count(KSEAL_TPM_HT_LOADED_SESSION));
	/*
	 * Slab moves with everything else the kernel does: the slack is
	 * KSEAL_LOAD_SLAB_SLACK_KIB (4 MiB). On the debug kernel KASAN's
	 * quarantine keeps freed objects for a while, so the suite widens
	 * it there and kmemleak's scan at the end of the boot is the check.
	 */
	slab1 = slab_kib();
	TH_LOG("slab before %ld KiB, after %ld KiB", slab0, slab1);
	EXPECT_GT(slab0 + (long)kseal_env_num("KSEAL_LOAD_SLAB_SLACK_KIB", 4096),
		  slab1);
}

TEST_HARNESS_MAIN
