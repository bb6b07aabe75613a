// SPDX-License-Identifier: GPL-2.0-only
/*
 * The audit trail of data keys: creates, loads and updates from one
 * process are listed several to a record (kmod/kseal_audit.c), and every
 * key must be in exactly one record, none missing and none invented; a
 * failure is written at once, after the list of the keys that came before
 * it; a list that is not full is written without further activity.
 *
 * Without an audit daemon the kernel prints records to its log, which is
 * read here through /dev/kmsg: the suite (tests/vm/suites/audit.sh) turns
 * printk_ratelimit off so that none is dropped. Needs the kseal module and
 * the parent key at 0x81000100.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <keyutils.h>

#include "kselftest_harness.h"
#include "kseal_util.h"

#define MAX_KEYS 256

/*
 * The list and failure records of this process seen in the kernel log, in
 * order (other records, such as the sealed key's own, are not kept).
 */
struct seen {
	int fd;
	char op[MAX_KEYS][16];		/* per record: its op */
	key_serial_t serial[MAX_KEYS];	/* the listed serials, in order */
	int nserial;
	int nrec;
	int failed_at;			/* index of an errno= record, or -1 */
};

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * One kernel log record: a kseal audit record of this process is added to
 * @s. A list record adds its serials; a failure record remembers where.
 */
static void take_record(struct seen *s, const char *line)
{
	char pid[32], *p, *end;
	const char *op;

	op = strstr(line, "op=kseal-");
	if (!strstr(line, "type=1316") || !op)
		return;
	snprintf(pid, sizeof(pid), " pid=%d ", getpid());
	if (!strstr(line, pid) || s->nrec >= MAX_KEYS)
		return;
	p = strstr(line, " keys=");
	if (!p && !strstr(line, " errno="))
		return;
	sscanf(op, "op=kseal-%15s", s->op[s->nrec]);
	if (!p) {
		s->failed_at = s->nrec++;
		return;
	}
	for (p += 6;; p = end + 1) {
		long v = strtol(p, &end, 10);

		if (end == p || s->nserial >= MAX_KEYS)
			break;
		s->serial[s->nserial++] = (key_serial_t)v;
		if (*end != ',')
			break;
	}
	s->nrec++;
}

/*
 * Read the log until @want serials are listed (and a failure record seen,
 * if @failure) or @ms pass.
 */
static void read_records(struct seen *s, int want, int failure, long ms)
{
	struct timespec t0;
	char buf[8192];
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((s->nserial < want || (failure && s->failed_at < 0)) &&
	       elapsed_ms(&t0) < ms) {
		n = read(s->fd, buf, sizeof(buf) - 1);
		if (n < 0) {
			if (errno == EAGAIN)
				usleep(20000);
			continue;
		}
		buf[n] = 0;
		take_record(s, buf);
	}
}

static int cmp_serial(const void *a, const void *b)
{
	key_serial_t x = *(const key_serial_t *)a, y = *(const key_serial_t *)b;

	return (x > y) - (x < y);
}

/* Do the listed serials equal @want as a set, each listed once? */
static int same_keys(struct seen *s, key_serial_t *want, int n)
{
	key_serial_t got[MAX_KEYS];

	if (s->nserial != n)
		return 0;
	memcpy(got, s->serial, n * sizeof(*got));
	qsort(got, n, sizeof(*got), cmp_serial);
	qsort(want, n, sizeof(*want), cmp_serial);
	return !memcmp(got, want, n * sizeof(*got));
}

FIXTURE(audit) {
	struct seen s;
	key_serial_t ring;
};

FIXTURE_SETUP(audit)
{
	memset(&self->s, 0, sizeof(self->s));
	self->s.failed_at = -1;
	ASSERT_GT(keyctl_join_session_keyring(NULL), 0);
	self->ring = add_key("keyring", "audit", NULL, 0, KEY_SPEC_SESSION_KEYRING);
	ASSERT_GT(self->ring, 0);
	ASSERT_GT(add_key("kseal", "seal", "new 32", 6, self->ring), 0) {
		TH_LOG("sealed key: %s (module loaded, parent provisioned?)",
		       strerror(errno));
	}
	self->s.fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_GE(self->s.fd, 0);
	/* Only what this test makes: skip what the log already holds. */
	ASSERT_GE(lseek(self->s.fd, 0, SEEK_END), 0);
}

FIXTURE_TEARDOWN(audit)
{
	close(self->s.fd);
	keyctl_clear(self->ring);
}

static key_serial_t new_data_key(key_serial_t ring, int i)
{
	char desc[32];

	snprintf(desc, sizeof(desc), "d%d", i);
	return add_key("kseal", desc, "new 32 wrap=seal", 16, ring);
}

/*
 * 150 creates, 150 loads of their blobs, 150 rotations: each key in
 * exactly one record of its operation, at most 64 to a record.
 */
TEST_F(audit, every_key_listed_once)
{
	static char *blob[150];
	key_serial_t made[150], loaded[150];
	char payload[1024], desc[32];
	int i, r;

	for (i = 0; i < 150; i++) {
		made[i] = new_data_key(self->ring, i);
		ASSERT_GT(made[i], 0);
		ASSERT_GT(keyctl_read_alloc(made[i], (void **)&blob[i]), 0);
	}
	read_records(&self->s, 150, 0, 3000);
	ASSERT_TRUE(same_keys(&self->s, made, 150)) {
		TH_LOG("%d serials listed for 150 creates", self->s.nserial);
	}
	ASSERT_EQ(3, self->s.nrec);
	for (r = 0; r < self->s.nrec; r++)
		EXPECT_STREQ("create", self->s.op[r]);

	self->s.nserial = 0;
	self->s.nrec = 0;
	for (i = 0; i < 150; i++) {
		snprintf(payload, sizeof(payload), "load %s", blob[i]);
		snprintf(desc, sizeof(desc), "l%d", i);
		loaded[i] = add_key("kseal", desc, payload, strlen(payload),
				    self->ring);
		ASSERT_GT(loaded[i], 0);
		free(blob[i]);
	}
	read_records(&self->s, 150, 0, 3000);
	ASSERT_TRUE(same_keys(&self->s, loaded, 150)) {
		TH_LOG("%d serials listed for 150 loads", self->s.nserial);
	}
	ASSERT_EQ(3, self->s.nrec);
	for (r = 0; r < self->s.nrec; r++)
		EXPECT_STREQ("load", self->s.op[r]);

	self->s.nserial = 0;
	self->s.nrec = 0;
	for (i = 0; i < 150; i++)
		ASSERT_EQ(0, keyctl_update(loaded[i], "update rotate", 13));
	read_records(&self->s, 150, 0, 3000);
	ASSERT_TRUE(same_keys(&self->s, loaded, 150)) {
		TH_LOG("%d serials listed for 150 rotations", self->s.nserial);
	}
	ASSERT_EQ(3, self->s.nrec);
	for (r = 0; r < self->s.nrec; r++)
		EXPECT_STREQ("update", self->s.op[r]);
}

/* A refused load is written at once, and after the keys made before it. */
TEST_F(audit, failure_after_the_keys_before_it)
{
	key_serial_t made[5], k;
	char *blob, payload[1024];
	int i;

	for (i = 0; i < 5; i++) {
		made[i] = new_data_key(self->ring, i);
		ASSERT_GT(made[i], 0);
	}
	ASSERT_GT(keyctl_read_alloc(made[0], (void **)&blob), 0);
	/* the last hex digit is in the tag: the unwrap fails */
	blob[strlen(blob) - 1] = blob[strlen(blob) - 1] == '0' ? '1' : '0';
	snprintf(payload, sizeof(payload), "load %s", blob);
	free(blob);
	k = add_key("kseal", "bad", payload, strlen(payload), self->ring);
	ASSERT_EQ(-1, k);
	ASSERT_EQ(EBADMSG, errno);
	read_records(&self->s, 5, 1, 3000);
	ASSERT_TRUE(same_keys(&self->s, made, 5));
	ASSERT_GE(self->s.failed_at, 1) {
		TH_LOG("the failure's record came before the list of the keys made before it");
	}
	EXPECT_STREQ("load", self->s.op[self->s.failed_at]);
}

/* A list that is not full is written without anything else happening. */
TEST_F(audit, lone_key_written_within_a_second)
{
	key_serial_t k = new_data_key(self->ring, 0);

	ASSERT_GT(k, 0);
	read_records(&self->s, 1, 0, 1500);
	ASSERT_TRUE(same_keys(&self->s, &k, 1));
}

TEST_HARNESS_MAIN
