// SPDX-License-Identifier: GPL-2.0-only
/*
 * kseal benchmark, run inside the test VM by tests/bench/bench.sh.
 *
 * Under TCG every absolute time is inflated, so each figure is compared
 * with an alternative measured in the same run (the kernel's encrypted and
 * trusted key types, tpm2-tools, OpenSSL in user space) and TPM commands
 * are counted from /sys/kernel/debug/kseal. Every figure is the min,
 * median and max over several repetitions; the table goes to stdout and
 * the same rows as JSON to the file given with -o.
 *
 * Usage: kseal_bench -o OUT.json [-u TPM2_PUB TPM2_PRIV] [-t] [-L | -S]
 *   -u  sealed object (tpm2 create) under 0x81000001 for the tpm2_unseal
 *       baseline, bound to PCR 7 like the kseal keys
 *   -t  the trusted key type is loaded (trusted.ko)
 *   -L  only the rows that compare data-key loads with encrypted keys
 *       (bench.sh runs them again on a boot with audit=0)
 *   -S  only the sealed-key rows (loads and create), with more
 *       repetitions (bench.sh runs them with bus_encryption on and off)
 *
 * Or: kseal_bench -P N DIR   (profile.sh, tracer set up by the caller)
 *   N loads of a data key and of an encrypted key from this process, each
 *   run with tracing on, the traces copied to DIR/trace-data.txt and
 *   DIR/trace-encrypted.txt.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <keyutils.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <kseal/ciphertext.h>

extern char **environ;

#define STATS "/sys/kernel/debug/kseal/"
#define REPS 5
#define MAX_ROWS 128
#define OPS_SECONDS 0.5
/* tpm2-tools starts two processes per key: a few dozen keys suffice. */
#define TPM2_N 10

struct stat3 {
	double min, med, max;
};

struct row {
	char section[16];
	char name[64];
	long n;
	int reps;
	char unit[12];
	struct stat3 s;
	double per_key_us;	/* median / n, in microseconds; < 0: none */
	double tpm_per_key;	/* < 0: not counted */
	char note[120];
};

struct ratio {
	char name[96];
	double value;		/* < 0: not measured */
	char target[24];
	int met;		/* 1 met, 0 missed, -1 no target */
};

static struct row rows[MAX_ROWS];
static int nrows;
static struct ratio ratios[32];
static int nratios;
static char breakdown[4][256];
static bool have_dk, have_trusted, have_tpm2, loads_only, sealed_only;
static const char *tpm2_pub, *tpm2_priv;
static key_serial_t session, sealed, sealed2;
static char *sealed_hex, *sealed_rec_hex, *dk_hex, *dk4_hex;
static char *enc_hex, *trusted_hex;
static key_serial_t dk_key;
static unsigned int sig_size;	/* of a kseal pkey_sign, from pkey_query */

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("kseal_bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static struct stat3 summarize(const double *v, int n)
{
	double s[64];
	struct stat3 r;

	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	r.min = s[0];
	r.max = s[n - 1];
	r.med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	return r;
}

static struct row *add_row(const char *section, const char *name, long n,
			   int reps, const char *unit, const double *v,
			   double tpm_per_key, const char *note)
{
	struct row *r;

	if (nrows == MAX_ROWS)
		die("too many rows");
	r = &rows[nrows++];
	memset(r, 0, sizeof(*r));
	snprintf(r->section, sizeof(r->section), "%s", section);
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->unit, sizeof(r->unit), "%s", unit);
	snprintf(r->note, sizeof(r->note), "%s", note ? note : "");
	r->n = n;
	r->reps = reps;
	r->tpm_per_key = tpm_per_key;
	r->per_key_us = -1;
	if (reps > 0) {
		r->s = summarize(v, reps);
		if (!strcmp(unit, "ms") && n > 0)
			r->per_key_us = r->s.med * 1000.0 / n;
		/* Progress: a full run takes minutes. */
		printf("# %s: %s, N=%ld: median %.4g %s\n", section, name, n,
		       r->s.med, unit);
	}
	return r;
}

static void skip_row(const char *section, const char *name, long n,
		     const char *why)
{
	add_row(section, name, n, 0, "-", NULL, -1, why);
}

static void add_ratio(const char *name, double value, const char *target,
		      double bound, int upper)
{
	struct ratio *q = &ratios[nratios++];

	snprintf(q->name, sizeof(q->name), "%s", name);
	snprintf(q->target, sizeof(q->target), "%s", target ? target : "");
	q->value = value;
	if (!target || value < 0)
		q->met = -1;
	else
		q->met = upper ? value <= bound : value >= bound;
}

static const struct row *find_row(const char *section, const char *name, long n)
{
	int i;

	for (i = 0; i < nrows; i++)
		if (!strcmp(rows[i].section, section) &&
		    !strcmp(rows[i].name, name) && rows[i].n == n &&
		    rows[i].reps > 0)
			return &rows[i];
	return NULL;
}

/* ---- counters ---- */

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static long tpm_cmds(void)
{
	return read_long(STATS "tpm_commands");
}

struct cc_counts {
	int n;
	char name[32][40];
	long count[32];
};

static void read_cc(struct cc_counts *c)
{
	FILE *f = fopen(STATS "tpm_commands_by_cc", "r");

	c->n = 0;
	if (!f)
		return;
	while (c->n < 32 &&
	       fscanf(f, "%39s %ld", c->name[c->n], &c->count[c->n]) == 2)
		c->n++;
	fclose(f);
}

/* "Load 1, StartAuthSession 1, ...": what one operation sent. */
static void cc_delta(const struct cc_counts *a, const struct cc_counts *b,
		     char *out, size_t cap)
{
	size_t len = 0;
	int i, j;

	out[0] = 0;
	for (i = 0; i < b->n; i++) {
		long before = 0;

		for (j = 0; j < a->n; j++)
			if (!strcmp(a->name[j], b->name[i]))
				before = a->count[j];
		if (b->count[i] == before)
			continue;
		len += snprintf(out + len, cap - len, "%s%s %ld",
				len ? ", " : "", b->name[i],
				b->count[i] - before);
		if (len >= cap)
			break;
	}
}

/* Slab memory in bytes, from /proc/meminfo. */
static long slab_bytes(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

/* Root's line of /proc/key-users: number of keys and quota bytes. */
static void key_users(long *nkeys, long *qbytes)
{
	char line[256];
	FILE *f = fopen("/proc/key-users", "r");
	long uid, usage, nk, nik, qk, mk, qb;

	*nkeys = *qbytes = -1;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %ld: %ld %ld/%ld %ld/%ld %ld/", &uid, &usage,
			   &nk, &nik, &qk, &mk, &qb) == 7 && uid == 0) {
			*nkeys = nk;
			*qbytes = qb;
		}
	fclose(f);
}

/* Keys are freed by the keys garbage collector after unlinking: wait. */
static void wait_gc(long nkeys_target)
{
	long nk, qb;
	int i;

	for (i = 0; i < 100; i++) {
		key_users(&nk, &qb);
		if (nk <= nkeys_target)
			break;
		usleep(50000);
	}
	usleep(200000);	/* RCU frees the payloads after the keys */
}

/* ---- keys ---- */

static key_serial_t new_ring(const char *name)
{
	key_serial_t r = add_key("keyring", name, NULL, 0, session);

	if (r < 0)
		die("cannot create keyring %s: %s", name, strerror(errno));
	return r;
}

static void drop_ring(key_serial_t r)
{
	keyctl_clear(r);
	keyctl_unlink(r, session);
}

static char *read_hex(key_serial_t k)
{
	void *buf;
	int n = keyctl_read_alloc(k, &buf);

	if (n < 0)
		die("keyctl read of key %d: %s", k, strerror(errno));
	return buf;
}

static key_serial_t add(const char *type, const char *desc, const char *payload,
			key_serial_t ring)
{
	return add_key(type, desc, payload, strlen(payload), ring);
}

/*
 * Load @n keys of @type from one process, payload "load <hex>[ tail]",
 * into a fresh keyring; seconds, or -1 with errno.
 */
static double load_n(const char *type, const char *hex, const char *tail,
		     long n, key_serial_t *ring_out)
{
	size_t plen = strlen(hex) + (tail ? strlen(tail) : 0) + 8;
	char *payload = malloc(plen), desc[32];
	key_serial_t ring = new_ring("bench");
	double t0, t;
	long i;

	if (!payload)
		die("out of memory");
	snprintf(payload, plen, "load %s%s", hex, tail ? tail : "");
	t0 = now();
	for (i = 0; i < n; i++) {
		snprintf(desc, sizeof(desc), "b%ld", i);
		if (add(type, desc, payload, ring) < 0) {
			int e = errno;

			fprintf(stderr, "kseal_bench: %s load %ld of %ld: %s\n",
				type, i + 1, n, strerror(e));
			free(payload);
			drop_ring(ring);
			errno = e;
			return -1;
		}
	}
	t = now() - t0;
	free(payload);
	if (ring_out)
		*ring_out = ring;
	else
		drop_ring(ring);
	return t;
}

/* ---- setup ---- */

static void setup(void)
{
	unsigned char kmk[32];
	key_serial_t k, ring;

	session = keyctl_join_session_keyring(NULL);
	if (session < 0)
		die("cannot join a new session keyring: %s", strerror(errno));
	ring = new_ring("setup");

	sealed = add("kseal", "bench-sealed", "new 32 pcrs=7", session);
	if (sealed < 0)
		die("kseal new 32 pcrs=7 failed (%s): is kseal.ko loaded and the parent 0x81000100 provisioned?",
		    strerror(errno));
	sealed_hex = read_hex(sealed);
	sealed2 = add("kseal", "bench-sealed2", "new 32 pcrs=7", session);
	if (sealed2 < 0)
		die("second sealed key: %s", strerror(errno));
	k = add("kseal", "rec", "new 32 pcrs=7 recovery=benchpass", ring);
	if (k < 0)
		die("sealed key with recovery: %s", strerror(errno));
	sealed_rec_hex = read_hex(k);

	/* Data keys exist only in modules that implement them. */
	{
		char p[64];

		snprintf(p, sizeof(p), "new 32 wrap=%d", sealed);
		dk_key = add("kseal", "bench-dk", p, session);
		if (dk_key >= 0) {
			have_dk = true;
			dk_hex = read_hex(dk_key);
			{
				struct keyctl_pkey_query q;

				if (keyctl_pkey_query(dk_key, "", &q) < 0)
					die("pkey_query of a data key: %s",
					    strerror(errno));
				sig_size = q.max_sig_size;
			}
			k = add("kseal", "bench-dk4", p, ring);
			if (k < 0 ||
			    keyctl_update(k, "update rotate", 13) < 0 ||
			    keyctl_update(k, "update rotate", 13) < 0 ||
			    keyctl_update(k, "update rotate", 13) < 0)
				die("data key with four versions: %s",
				    strerror(errno));
			dk4_hex = read_hex(k);
		} else if (errno == EOPNOTSUPP) {
			printf("# data keys: not available in this module (new 32 wrap=: EOPNOTSUPP); their rows are skipped\n");
		} else {
			die("kseal data key new 32 wrap=%d: %s", sealed,
			    strerror(errno));
		}
	}

	/* encrypted: on Debian only under a user: master key. */
	if (RAND_bytes(kmk, sizeof(kmk)) != 1)
		die("RAND_bytes failed");
	if (add_key("user", "kmk", kmk, sizeof(kmk), session) < 0)
		die("user key kmk: %s", strerror(errno));
	k = add("encrypted", "bench-enc", "new user:kmk 32", ring);
	if (k < 0)
		die("encrypted key new user:kmk 32: %s", strerror(errno));
	enc_hex = read_hex(k);

	if (have_trusted) {
		k = add("trusted", "bench-trusted", "new 32 keyhandle=0x81000001", ring);
		if (k < 0) {
			printf("# trusted: new 32 keyhandle=0x81000001 failed (%s); its rows are skipped\n",
			       strerror(errno));
			have_trusted = false;
		} else {
			trusted_hex = read_hex(k);
		}
	}
	drop_ring(ring);
}

/* ---- 1. single sealed-key operations ---- */

#define SINGLE_REPS 10
#define SINGLE_REPS_S 30	/* -S: the bus-encryption comparison */

/* One add_key of @payload into a fresh keyring; seconds, or -1 with errno. */
static double add_once(const char *payload)
{
	key_serial_t ring = new_ring("bench");
	double t0 = now(), t;
	int e;

	if (add("kseal", "b0", payload, ring) < 0) {
		e = errno;
		drop_ring(ring);
		errno = e;
		return -1;
	}
	t = now() - t0;
	drop_ring(ring);
	return t;
}

/*
 * One sealed-key operation (a load or a create, @payload as add_key gets
 * it) timed on its own, repeated; TPM commands per operation if every
 * repetition sent the same number, and which ones into @bd. One run before
 * the timed ones: the first load after the module is loaded also reads
 * the parent's public area.
 */
static void bench_single(const char *name, const char *payload,
			 char *bd, size_t bdcap)
{
	double v[SINGLE_REPS_S];
	long c0, c1, per = -1;
	struct cc_counts a, b;
	int i, reps = sealed_only ? SINGLE_REPS_S : SINGLE_REPS;
	bool same = true;

	if (add_once(payload) < 0)
		die("single %s: %s", name, strerror(errno));
	for (i = 0; i < reps; i++) {
		read_cc(&a);
		c0 = tpm_cmds();
		v[i] = add_once(payload);
		c1 = tpm_cmds();
		read_cc(&b);
		if (v[i] < 0)
			die("single %s: %s", name, strerror(errno));
		v[i] *= 1000;
		if (i && c1 - c0 != per)
			same = false;
		per = c1 - c0;
	}
	cc_delta(&a, &b, bd, bdcap);
	add_row("single", name, 1, reps, "ms", v, same ? per : -1, bd);
}

static void bench_sealed(void)
{
	char *p;

	if (asprintf(&p, "load %s", sealed_hex) < 0)
		die("out of memory");
	bench_single("sealed load, pcrs=7", p, breakdown[0], sizeof(breakdown[0]));
	free(p);
	if (asprintf(&p, "load %s", sealed_rec_hex) < 0)
		die("out of memory");
	bench_single("sealed load, recovery blob", p, breakdown[1],
		     sizeof(breakdown[1]));
	free(p);
	if (asprintf(&p, "load %s recovery=benchpass", sealed_rec_hex) < 0)
		die("out of memory");
	bench_single("sealed load, recovery=passphrase", p, breakdown[2],
		     sizeof(breakdown[2]));
	free(p);
	bench_single("sealed create, new 32 pcrs=7", "new 32 pcrs=7",
		     breakdown[3], sizeof(breakdown[3]));
}

/* ---- 2. N keys from one process ---- */

static void bench_load(const char *section, const char *type, const char *hex,
		       const char *tail, long n, int reps, double tpm_fixed,
		       const char *note)
{
	double v[REPS];
	long c0 = tpm_cmds(), c1;
	int i;
	char nb[120];

	for (i = 0; i < reps; i++) {
		v[i] = load_n(type, hex, tail, n, NULL);
		if (v[i] < 0) {
			snprintf(nb, sizeof(nb), "failed: %s", strerror(errno));
			skip_row(section, type, n, nb);
			return;
		}
		v[i] *= 1000;
	}
	c1 = tpm_cmds();
	snprintf(nb, sizeof(nb), "%s%s", note ? note : "",
		 reps < REPS ? " (fewer repetitions: long run)" : "");
	add_row(section, type, n, reps, "ms", v,
		tpm_fixed >= -0.5 ? tpm_fixed : (double)(c1 - c0) / reps / n, nb);
}

/* tpm2-tools: load and unseal as separate processes, as a script would. */
static int run(char *const argv[])
{
	pid_t pid;
	int st;

	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ))
		return -1;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static void bench_tpm2(long n)
{
	char *load[] = { "tpm2_load", "-Q", "-C", "0x81000001", "-u",
			 (char *)tpm2_pub, "-r", (char *)tpm2_priv, "-c",
			 "/tmp/bench-u.ctx", NULL };
	char *unseal[] = { "tpm2_unseal", "-Q", "-c", "/tmp/bench-u.ctx",
			   "-p", "pcr:sha256:7", "-o", "/tmp/bench-u.out", NULL };
	double v[REPS], t0;
	long i;
	int r;

	for (r = 0; r < REPS; r++) {
		t0 = now();
		for (i = 0; i < n; i++)
			if (run(load) || run(unseal)) {
				skip_row("load N", "tpm2_unseal", n,
					 "tpm2_load/tpm2_unseal failed");
				return;
			}
		v[r] = (now() - t0) * 1000;
	}
	unlink("/tmp/bench-u.out");
	add_row("load N", "tpm2_unseal", n, REPS, "ms", v, -1,
		"tpm2_load + tpm2_unseal processes per key; TPM commands not counted (not the module's)");
}

/* ---- data keys: load, memory, rotate, rewrap ---- */

static void bench_dk_scaling(long n, const char *hex, const char *label)
{
	double tl[REPS] = { 0 }, tr[REPS] = { 0 }, tw[REPS] = { 0 };
	double mem_slab[REPS], mem_q[REPS];
	long cl = 0, cr = 0, cw = 0, nk0, qb0, nk1, qb1, s0, s1, c;
	char upd[64], note[120];
	int reps = REPS, i;
	long j;
	bool versions4 = hex == dk4_hex;

	snprintf(upd, sizeof(upd), "update rewrap=%d", sealed2);
	for (i = 0; i < reps; i++) {
		key_serial_t ring, *ids;
		double t0;

		key_users(&nk0, &qb0);
		s0 = slab_bytes();
		c = tpm_cmds();
		tl[i] = load_n("kseal", hex, NULL, n, &ring);
		if (tl[i] < 0) {
			snprintf(note, sizeof(note), "failed: %s", strerror(errno));
			skip_row("data key", label, n, note);
			return;
		}
		cl += tpm_cmds() - c;
		tl[i] *= 1000;
		s1 = slab_bytes();
		key_users(&nk1, &qb1);
		mem_slab[i] = (double)(s1 - s0) / n;
		mem_q[i] = (double)(qb1 - qb0) / n;

		if (!versions4) {
			void *buf;
			long got = keyctl_read_alloc(ring, &buf);

			if (got < 0 || got / (long)sizeof(key_serial_t) != n)
				die("reading the bench keyring: %s", strerror(errno));
			ids = buf;
			c = tpm_cmds();
			t0 = now();
			for (j = 0; j < n; j++)
				if (keyctl_update(ids[j], "update rotate", 13) < 0)
					die("update rotate: %s", strerror(errno));
			tr[i] = (now() - t0) * 1000;
			cr += tpm_cmds() - c;
			c = tpm_cmds();
			t0 = now();
			for (j = 0; j < n; j++)
				if (keyctl_update(ids[j], upd, strlen(upd)) < 0)
					die("%s: %s", upd, strerror(errno));
			tw[i] = (now() - t0) * 1000;
			cw += tpm_cmds() - c;
			free(buf);
		}
		drop_ring(ring);
		wait_gc(nk0);
		/* The largest N: fewer repetitions if one takes long. */
		if (i == 0 && n >= 10000 && tl[0] + tr[0] + tw[0] > 30000)
			reps = 3;
	}
	snprintf(note, sizeof(note), "%s", reps < REPS ?
		 "fewer repetitions: long run" : "");
	add_row("data key", label, n, reps, "ms", tl, (double)cl / reps / n, note);
	if (n >= 10000) {
		char nm[64];

		snprintf(nm, sizeof(nm), "%s: slab", label);
		add_row("memory", nm, n, reps, "B/key", mem_slab, -1,
			"/proc/meminfo Slab delta / N");
		snprintf(nm, sizeof(nm), "%s: key-users", label);
		add_row("memory", nm, n, reps, "B/key", mem_q, -1,
			"/proc/key-users quota bytes delta / N");
	}
	if (!versions4) {
		add_row("data key", "rotate", n, reps, "ms", tr, (double)cr / reps / n, note);
		add_row("data key", "rewrap", n, reps, "ms", tw, (double)cw / reps / n, note);
	}
}

/*
 * A fresh load of the sealed key, then 10,000 data keys under it: the
 * whole boot-time job, its TPM commands and unseals.
 */
static void bench_dk_total(long n)
{
	long c0 = tpm_cmds(), u0 = read_long(STATS "unseals");
	key_serial_t ring = new_ring("total"), dring;
	double t;
	char *p;

	if (asprintf(&p, "load %s", sealed_hex) < 0)
		die("out of memory");
	t = now();
	if (add("kseal", "bench-sealed-again", p, ring) < 0)
		die("sealed load: %s", strerror(errno));
	free(p);
	if (load_n("kseal", dk_hex, NULL, n, &dring) < 0)
		die("data key load: %s", strerror(errno));
	t = now() - t;
	add_ratio("TPM commands: 1 sealed load + 10000 data keys", tpm_cmds() - c0,
		  "<= 6", 6, 1);
	add_ratio("unseals: 1 sealed load + 10000 data keys",
		  read_long(STATS "unseals") - u0, "== 1", 1, 1);
	printf("# 1 sealed load + %ld data keys: %.0f ms\n", n, t * 1000);
	drop_ring(dring);
	drop_ring(ring);
}

/* ---- 3. use without exposure ---- */

enum op { OP_ENC, OP_DEC, OP_SIGN, OP_VERIFY };
static const char *const op_names[] = { "encrypt", "decrypt", "sign", "verify" };

struct opctx {
	enum op op;
	size_t len;
	bool kernel;
	unsigned char in[4096], ct[KSEAL_CT_OVERHEAD + 4096], out[KSEAL_CT_OVERHEAD + 4096];
	size_t ct_len;
	EVP_CIPHER_CTX *ectx;
	EVP_MAC_CTX *mctx;
	unsigned char key[32];
};

static int ossl_op(struct opctx *o)
{
	unsigned char *nonce = o->out + KSEAL_CT_OFF_NONCE;
	unsigned char aad[KSEAL_CT_AAD_SIZE] = { KSEAL_CT_FORMAT, 0, 0, 0, 1 };
	int l, ok = 1;
	size_t ml;

	switch (o->op) {
	case OP_ENC:
		/* A fresh random nonce per call, as the kernel does. */
		ok = RAND_bytes(nonce, KSEAL_CT_NONCE_SIZE) == 1 &&
		     EVP_EncryptInit_ex(o->ectx, NULL, NULL, NULL, nonce) &&
		     EVP_EncryptUpdate(o->ectx, NULL, &l, aad, sizeof(aad)) &&
		     EVP_EncryptUpdate(o->ectx, o->out + KSEAL_CT_HDR_SIZE, &l,
				       o->in, o->len) &&
		     EVP_EncryptFinal_ex(o->ectx, o->out + KSEAL_CT_HDR_SIZE + l, &l) &&
		     EVP_CIPHER_CTX_ctrl(o->ectx, EVP_CTRL_GCM_GET_TAG, 16,
					 o->out + KSEAL_CT_HDR_SIZE + o->len);
		memcpy(o->ct, o->out, o->len + KSEAL_CT_OVERHEAD);
		break;
	case OP_DEC:
		ok = EVP_DecryptInit_ex(o->ectx, NULL, NULL, NULL, o->ct + KSEAL_CT_OFF_NONCE) &&
		     EVP_DecryptUpdate(o->ectx, NULL, &l, aad, sizeof(aad)) &&
		     EVP_DecryptUpdate(o->ectx, o->out, &l, o->ct + KSEAL_CT_HDR_SIZE, o->len) &&
		     EVP_CIPHER_CTX_ctrl(o->ectx, EVP_CTRL_GCM_SET_TAG, 16,
					 o->ct + KSEAL_CT_HDR_SIZE + o->len) &&
		     EVP_DecryptFinal_ex(o->ectx, o->out + l, &l) > 0;
		break;
	case OP_SIGN:
	case OP_VERIFY:
		ok = EVP_MAC_init(o->mctx, NULL, 0, NULL) &&
		     EVP_MAC_update(o->mctx, o->in, o->len) &&
		     EVP_MAC_final(o->mctx, o->out, &ml, 32);
		if (ok && o->op == OP_VERIFY)
			ok = !CRYPTO_memcmp(o->out, o->ct, 32);
		else if (ok)
			memcpy(o->ct, o->out, 32);
		break;
	}
	return ok ? 0 : -1;
}

static int kseal_op(struct opctx *o)
{
	long r = -1;

	switch (o->op) {
	case OP_ENC:
		r = keyctl_pkey_encrypt(dk_key, "", o->in, o->len, o->out,
					o->len + KSEAL_CT_OVERHEAD);
		break;
	case OP_DEC:
		r = keyctl_pkey_decrypt(dk_key, "", o->ct, o->ct_len, o->out, o->len);
		break;
	case OP_SIGN:
		r = keyctl_pkey_sign(dk_key, "", o->in, o->len, o->out, sig_size);
		break;
	case OP_VERIFY:
		r = keyctl_pkey_verify(dk_key, "", o->in, o->len, o->ct, sig_size);
		break;
	}
	return r < 0 ? -1 : 0;
}

static int do_op(struct opctx *o)
{
	return o->kernel ? kseal_op(o) : ossl_op(o);
}

static int opctx_init(struct opctx *o, enum op op, size_t len, bool kernel)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0),
		OSSL_PARAM_construct_end()
	};
	EVP_MAC *mac;
	long r;

	memset(o, 0, sizeof(*o));
	o->op = op;
	o->len = len;
	o->kernel = kernel;
	RAND_bytes(o->in, sizeof(o->in));
	RAND_bytes(o->key, sizeof(o->key));
	if (!kernel) {
		o->ectx = EVP_CIPHER_CTX_new();
		mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
		o->mctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
		EVP_MAC_free(mac);
		if (!o->ectx || !o->mctx ||
		    !EVP_CipherInit_ex(o->ectx, EVP_aes_256_gcm(), NULL, o->key,
				       NULL, op == OP_ENC) ||
		    !EVP_MAC_init(o->mctx, o->key, sizeof(o->key), params))
			return -1;
	}
	/* Decrypt and verify need a ciphertext or tag made first. */
	if (op == OP_DEC || op == OP_VERIFY) {
		struct opctx *tmp = malloc(sizeof(*tmp));

		if (!tmp || opctx_init(tmp, op == OP_DEC ? OP_ENC : OP_SIGN, len, kernel))
			return -1;
		memcpy(tmp->in, o->in, sizeof(o->in));
		if (!kernel) {
			memcpy(tmp->key, o->key, sizeof(o->key));
			EVP_CipherInit_ex(tmp->ectx, NULL, NULL, tmp->key, NULL, 1);
			EVP_MAC_init(tmp->mctx, tmp->key, sizeof(tmp->key), params);
		}
		r = do_op(tmp);
		if (!r) {
			o->ct_len = op == OP_DEC ? len + KSEAL_CT_OVERHEAD :
				    kernel ? sig_size : 32;
			memcpy(o->ct, tmp->out, o->ct_len);
		}
		EVP_CIPHER_CTX_free(tmp->ectx);
		EVP_MAC_CTX_free(tmp->mctx);
		free(tmp);
		if (r)
			return -1;
	}
	return 0;
}

/* Ops/s of @nproc processes running the op for OPS_SECONDS each. */
static double ops_rate(enum op op, size_t len, bool kernel, int nproc)
{
	int fds[2], go[2], i;
	double total = 0;
	pid_t pids[2];

	if (pipe(fds) || pipe(go))
		die("pipe: %s", strerror(errno));
	for (i = 0; i < nproc; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			die("fork: %s", strerror(errno));
		if (!pids[i]) {
			struct opctx *o = malloc(sizeof(*o));
			double res[2] = { -1, 1 }, t0, t;
			long count = 0;
			char c;

			close(fds[0]);
			close(go[1]);
			if (o && !opctx_init(o, op, len, kernel)) {
				/* Start together: every worker waits for the pipe. */
				if (read(go[0], &c, 1) < 0)
					_exit(1);
				t0 = now();
				do {
					if (do_op(o))
						break;
					count++;
					t = now() - t0;
				} while (t < OPS_SECONDS);
				if (count && !do_op(o)) {
					res[0] = count;
					res[1] = t;
				}
			}
			if (write(fds[1], res, sizeof(res)) != sizeof(res))
				_exit(1);
			_exit(0);
		}
	}
	close(fds[1]);
	close(go[0]);
	usleep(50000);
	close(go[1]);
	for (i = 0; i < nproc; i++) {
		double res[2];

		if (read(fds[0], res, sizeof(res)) != sizeof(res) || res[0] < 0)
			total = -1;
		else if (total >= 0)
			total += res[0] / res[1];
	}
	close(fds[0]);
	for (i = 0; i < nproc; i++)
		waitpid(pids[i], NULL, 0);
	return total;
}

static void bench_ops(void)
{
	static const struct { enum op op; size_t len; } list[] = {
		{ OP_ENC, 32 }, { OP_DEC, 32 }, { OP_ENC, 4096 },
		{ OP_DEC, 4096 }, { OP_SIGN, 32 }, { OP_VERIFY, 32 },
	};
	size_t i;
	int np, r, k;

	for (i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		for (k = 0; k < 2; k++)
			for (np = 1; np <= 2; np++) {
				char name[64], note[80];
				double v[REPS];
				bool kernel = k == 0;
				long c0;

				snprintf(name, sizeof(name), "%s %s %zu B, %d proc",
					 kernel ? "kseal pkey" : "OpenSSL",
					 op_names[list[i].op], list[i].len, np);
				if (kernel && !have_dk) {
					skip_row("use", name, 0, "data keys not available");
					continue;
				}
				c0 = tpm_cmds();
				for (r = 0; r < REPS; r++) {
					v[r] = ops_rate(list[i].op, list[i].len, kernel, np);
					if (v[r] < 0)
						break;
				}
				/* Use must never reach the TPM: count it anyway. */
				c0 = tpm_cmds() - c0;
				if (kernel)
					snprintf(note, sizeof(note),
						 "TPM commands during the runs: %ld", c0);
				else
					snprintf(note, sizeof(note), "key in user memory");
				if (r < REPS)
					skip_row("use", name, 0, kernel ?
						 "keyctl pkey op failed" : "OpenSSL op failed");
				else
					add_row("use", name, 0, REPS, "ops/s", v,
						kernel && !c0 ? 0 : -1, note);
			}
}

/* ---- report ---- */

static const char *fmt_num(double v, char *buf, size_t cap)
{
	if (v < 0)
		snprintf(buf, cap, "-");
	else if (v >= 1000)
		snprintf(buf, cap, "%.0f", v);
	else if (v >= 10)
		snprintf(buf, cap, "%.1f", v);
	else
		snprintf(buf, cap, "%.3g", v);
	return buf;
}

static void print_table(void)
{
	char a[24], b[24], c[24], d[24], e[24];
	int i;

	printf("\n%-9s %-34s %6s %4s %10s %10s %10s %-6s %10s %8s  %s\n",
	       "part", "what", "N", "reps", "min", "median", "max", "unit",
	       "us/key", "TPM/key", "note");
	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		if (!r->reps) {
			printf("%-9s %-34s %6ld %4s %10s %10s %10s %-6s %10s %8s  %s\n",
			       r->section, r->name, r->n, "-", "-", "-", "-", "",
			       "-", "-", r->note);
			continue;
		}
		printf("%-9s %-34s %6ld %4d %10s %10s %10s %-6s %10s %8s  %s\n",
		       r->section, r->name, r->n, r->reps,
		       fmt_num(r->s.min, a, sizeof(a)),
		       fmt_num(r->s.med, b, sizeof(b)),
		       fmt_num(r->s.max, c, sizeof(c)), r->unit,
		       fmt_num(r->per_key_us, d, sizeof(d)),
		       fmt_num(r->tpm_per_key, e, sizeof(e)), r->note);
	}
	printf("\n%-66s %10s %-10s %s\n", "ratio (same run, medians)", "value",
	       "target", "met");
	for (i = 0; i < nratios; i++)
		printf("%-66s %10s %-10s %s\n", ratios[i].name,
		       fmt_num(ratios[i].value, a, sizeof(a)), ratios[i].target,
		       ratios[i].met < 0 ? (ratios[i].value < 0 ? "not measured" : "") :
		       ratios[i].met ? "yes" : "NO");
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
	}
	fputc('"', f);
}

static void json_num(FILE *f, double v)
{
	if (v < 0)
		fputs("null", f);
	else
		fprintf(f, "%.6g", v);
}

static void write_json(const char *path)
{
	FILE *f = fopen(path, "w");
	int i;

	if (!f)
		die("cannot write %s: %s", path, strerror(errno));
	fputs("{\n  \"machine\": \"QEMU TCG (no KVM), swtpm\",\n  \"data_keys\": ", f);
	fputs(have_dk ? "true" : "false", f);
	fputs(",\n  \"trusted\": ", f);
	fputs(have_trusted ? "true" : "false", f);
	fputs(",\n  \"sealed_load_tpm_commands\": ", f);
	json_str(f, breakdown[0]);
	fputs(",\n  \"sealed_recovery_load_tpm_commands\": ", f);
	json_str(f, breakdown[1]);
	fputs(",\n  \"sealed_passphrase_load_tpm_commands\": ", f);
	json_str(f, breakdown[2]);
	fputs(",\n  \"sealed_create_tpm_commands\": ", f);
	json_str(f, breakdown[3]);
	fputs(",\n  \"rows\": [\n", f);
	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		fputs("    {\"part\": ", f);
		json_str(f, r->section);
		fputs(", \"what\": ", f);
		json_str(f, r->name);
		fprintf(f, ", \"n\": %ld, \"reps\": %d, \"unit\": ", r->n, r->reps);
		json_str(f, r->unit);
		fputs(", \"min\": ", f);
		json_num(f, r->reps ? r->s.min : -1);
		fputs(", \"median\": ", f);
		json_num(f, r->reps ? r->s.med : -1);
		fputs(", \"max\": ", f);
		json_num(f, r->reps ? r->s.max : -1);
		fputs(", \"us_per_key\": ", f);
		json_num(f, r->per_key_us);
		fputs(", \"tpm_commands_per_key\": ", f);
		json_num(f, r->tpm_per_key);
		fputs(", \"note\": ", f);
		json_str(f, r->note);
		fprintf(f, "}%s\n", i + 1 < nrows ? "," : "");
	}
	fputs("  ],\n  \"ratios\": [\n", f);
	for (i = 0; i < nratios; i++) {
		fputs("    {\"what\": ", f);
		json_str(f, ratios[i].name);
		fputs(", \"value\": ", f);
		json_num(f, ratios[i].value);
		fputs(", \"target\": ", f);
		json_str(f, ratios[i].target);
		fprintf(f, ", \"met\": %s}%s\n",
			ratios[i].met < 0 ? "null" : ratios[i].met ? "true" : "false",
			i + 1 < nratios ? "," : "");
	}
	fputs("  ]\n}\n", f);
	if (fclose(f))
		die("writing %s failed", path);
}

static double per_key(const char *section, const char *name, long n)
{
	const struct row *r = find_row(section, name, n);

	return r ? r->per_key_us : -1;
}

static double med(const char *section, const char *name, long n)
{
	const struct row *r = find_row(section, name, n);

	return r ? r->s.med : -1;
}

static double quot(double a, double b)
{
	return a < 0 || b <= 0 ? -1 : a / b;
}

static void compute_ratios(void)
{
	const struct row *r = find_row("single", "sealed load, pcrs=7", 1);
	double dk = per_key("data key", "load, 1 version", 1000);
	static const char *const ops[] = { "encrypt 32 B", "decrypt 32 B",
		"encrypt 4096 B", "decrypt 4096 B", "sign 32 B", "verify 32 B" };
	char a[64], b[64], nm[96];
	size_t i;

	add_ratio("TPM commands per PCR-bound sealed load", r ? r->tpm_per_key : -1,
		  "<= 6", 6, 1);
	if (sealed_only)
		return;	/* the rest compare rows -S does not run */
	add_ratio("data-key load / encrypted load, per key (N=1000)",
		  quot(dk, per_key("load N", "encrypted", 1000)), "<= 0.5", 0.5, 1);
	add_ratio("data-key load / encrypted load, per key (N=10000)",
		  quot(per_key("data key", "load, 1 version", 10000),
		       per_key("load N", "encrypted", 10000)), "<= 0.5", 0.5, 1);
	add_ratio("user key (keys subsystem alone) / encrypted load, per key (N=1000)",
		  quot(per_key("load N", "user", 1000),
		       per_key("load N", "encrypted", 1000)), NULL, 0, 0);
	add_ratio("user key (keys subsystem alone) / encrypted load, per key (N=10000)",
		  quot(per_key("load N", "user", 10000),
		       per_key("load N", "encrypted", 10000)), NULL, 0, 0);
	add_ratio("data-key load / user key (keys subsystem alone), per key (N=10000)",
		  quot(per_key("data key", "load, 1 version", 10000),
		       per_key("load N", "user", 10000)), NULL, 0, 0);
	add_ratio("trusted load / data-key load, per key (N=1000)",
		  quot(per_key("load N", "trusted", 1000), dk), ">= 40", 40, 0);
	add_ratio("kseal sealed load / trusted load, per key (N=1000)",
		  quot(per_key("load N", "kseal", 1000),
		       per_key("load N", "trusted", 1000)), NULL, 0, 0);
	add_ratio("tpm2_load+tpm2_unseal / kseal sealed load, per key",
		  quot(per_key("load N", "tpm2_unseal", TPM2_N),
		       per_key("load N", "kseal", 100)), NULL, 0, 0);
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		int np;

		for (np = 1; np <= 2; np++) {
			snprintf(a, sizeof(a), "kseal pkey %s, %d proc", ops[i], np);
			snprintf(b, sizeof(b), "OpenSSL %s, %d proc", ops[i], np);
			snprintf(nm, sizeof(nm), "kseal pkey / OpenSSL: %s, %d proc",
				 ops[i], np);
			add_ratio(nm, quot(med("use", a, 0), med("use", b, 0)),
				  i == 0 ? ">= 0.3" : NULL, 0.3, 0);
		}
	}
	add_ratio("kernel memory per data key, 1 version, slab (bytes)",
		  med("memory", "load, 1 version: slab", 10000), "<= 1024", 1024, 1);
	add_ratio("kernel memory per data key, 4 versions, slab (bytes)",
		  med("memory", "load, 4 versions: slab", 10000), NULL, 0, 0);
	for (i = 0; i < 3; i++) {
		static const char *const what[] = { "load, 1 version", "rotate", "rewrap" };

		snprintf(nm, sizeof(nm), "%s: per-key cost at N=10000 / at N=100",
			 what[i]);
		add_ratio(nm, quot(per_key("data key", what[i], 10000),
				   per_key("data key", what[i], 100)),
			  "<= 2 (linear)", 2, 1);
	}
}

/*
 * encrypted loads, and user keys with the same payload: a user key's
 * instantiate only copies its payload, so its time is what the keys
 * subsystem itself costs (add_key, key allocation and quota, the keyring
 * link), which no key type can go below.
 */
static void bench_encrypted_loads(void)
{
	long n;

	for (n = 100; n <= 10000; n *= 10) {
		bench_load("load N", "encrypted", enc_hex, NULL, n, REPS, 0,
			   "user:kmk master, no TPM");
		bench_load("load N", "user", dk_hex ? dk_hex : enc_hex, NULL, n,
			   REPS, 0, "the data key's payload, copied: the keys subsystem's own cost");
	}
}

static void bench_dk_loads(void)
{
	long n;

	for (n = 100; n <= 10000; n *= 10) {
		if (!have_dk) {
			skip_row("data key", "load, 1 version", n, "data keys not available");
			continue;
		}
		bench_dk_scaling(n, dk_hex, "load, 1 version");
	}
}

/* -L: the data-key and encrypted load rows, nothing else. */
static void bench_loads_only(void)
{
	if (!have_dk)
		die("data keys are not available in this module");
	bench_encrypted_loads();
	bench_dk_loads();
}

static void bench_all(void)
{
	long n;

	printf("# single sealed-key operations\n");
	bench_sealed();

	printf("# N keys from one process\n");
	for (n = 100; n <= 1000; n *= 10)
		bench_load("load N", "kseal", sealed_hex, NULL, n, REPS, -1,
			   "sealed keys, one unseal each");
	bench_encrypted_loads();
	for (n = 100; n <= 1000; n *= 10) {
		if (have_trusted)
			bench_load("load N", "trusted", trusted_hex,
				   " keyhandle=0x81000001", n, REPS, 3,
				   "TPM/key from its source (Load, Unseal, FlushContext), not counted");
		else
			skip_row("load N", "trusted", n, "trusted.ko not loaded");
	}
	if (have_tpm2)
		bench_tpm2(TPM2_N);
	else
		skip_row("load N", "tpm2_unseal", TPM2_N, "no tpm2 sealed object given");

	printf("# data keys\n");
	bench_dk_loads();
	if (have_dk) {
		bench_dk_scaling(10000, dk4_hex, "load, 4 versions");
		bench_dk_total(10000);
	} else {
		skip_row("memory", "data keys, 1 and 4 versions", 10000,
			 "data keys not available");
	}

	printf("# use without exposure\n");
	bench_ops();
}

#define TRACING "/sys/kernel/tracing/"

static void write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(s, f) < 0 || fclose(f))
		die("cannot write %s: %s", path, strerror(errno));
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "r"), *out = fopen(to, "w");
	char buf[65536];
	size_t n;

	if (!in || !out)
		die("cannot copy %s to %s: %s", from, to, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			die("cannot write %s: %s", to, strerror(errno));
	fclose(in);
	if (fclose(out))
		die("cannot write %s: %s", to, strerror(errno));
}

/* -P: one traced run of @n loads per key type, as one process loads. */
static void profile(long n, const char *dir)
{
	static const struct {
		const char *type, *name;
		char **hex;
	} runs[] = {
		{ "kseal", "data", &dk_hex },
		{ "encrypted", "encrypted", &enc_hex },
	};
	char path[512];
	size_t i;

	if (!have_dk)
		die("data keys are not available in this module");
	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		write_str(TRACING "trace", "");
		write_str(TRACING "tracing_on", "1");
		if (load_n(runs[i].type, *runs[i].hex, NULL, n, NULL) < 0)
			die("%s loads: %s", runs[i].type, strerror(errno));
		write_str(TRACING "tracing_on", "0");
		snprintf(path, sizeof(path), "%s/trace-%s.txt", dir, runs[i].name);
		copy_file(TRACING "trace", path);
		printf("# profile: %ld %s loads traced into %s\n", n,
		       runs[i].type, path);
	}
}

int main(int argc, char **argv)
{
	const char *out = NULL, *profile_dir = NULL;
	long profile_n = 0;
	int opt;
	double t0 = now();

	while ((opt = getopt(argc, argv, "o:u:tLSP:")) != -1) {
		switch (opt) {
		case 'P':
			profile_n = strtol(optarg, NULL, 10);
			if (profile_n <= 0 || optind >= argc)
				die("usage: kseal_bench -P N DIR");
			profile_dir = argv[optind++];
			break;
		case 'o':
			out = optarg;
			break;
		case 'u':
			if (optind >= argc)
				die("-u takes the public and private file of a tpm2 sealed object");
			tpm2_pub = optarg;
			tpm2_priv = argv[optind++];
			have_tpm2 = true;
			break;
		case 't':
			have_trusted = true;
			break;
		case 'L':
			loads_only = true;
			break;
		case 'S':
			sealed_only = true;
			break;
		default:
			die("usage: kseal_bench -o OUT.json [-u PUB PRIV] [-t] [-L | -S]");
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (profile_dir) {
		setup();
		profile(profile_n, profile_dir);
		return 0;
	}
	if (!out)
		die("usage: kseal_bench -o OUT.json [-u PUB PRIV] [-t] [-L | -S]");
	setup();
	if (loads_only)
		bench_loads_only();
	else if (sealed_only)
		bench_sealed();
	else
		bench_all();

	compute_ratios();
	print_table();
	if (!loads_only) {
		printf("# TPM commands of one PCR-bound sealed load: %s\n", breakdown[0]);
		printf("# TPM commands of one recovery-capable sealed load (PCR branch): %s\n",
		       breakdown[1]);
		printf("# TPM commands of one recovery-capable sealed load (passphrase): %s\n",
		       breakdown[2]);
		printf("# TPM commands of one sealed create (new 32 pcrs=7): %s\n",
		       breakdown[3]);
	}
	if (!have_dk)
		printf("# data keys: not available in this module: data-key, memory, scaling and kseal pkey rows are not measured\n");
	printf("# benchmark took %.0f s\n", now() - t0);
	write_json(out);
	return 0;
}
