// SPDX-License-Identifier: GPL-2.0-only
/*
 * Chaos: KSEAL_CHAOS_PROCS processes (4) each run KSEAL_CHAOS_OPS (4000)
 * seeded pseudo-random keyctl operations on nine key names in one shared
 * keyring: add_key with valid payloads, random bytes, mutated payloads
 * and damaged blobs; keyctl update with every update verb and with
 * mutated ones; read, revoke, unlink, invalidate, describe and search;
 * pkey_query, encrypt, decrypt, sign and verify, with intact and damaged
 * ciphertexts and signatures. Every result must be a success the
 * operation allows or an errno in the allow-list written at its call,
 * which says why each one can happen here; a damaged blob, ciphertext or
 * signature must never be accepted, an intact one never refused for
 * another reason. Afterwards every key is gone, the counter keys and root's
 * key quota are back where they were, and the TPM holds no transient object
 * or session. Run on the debug kernel with panic_on_warn (suites/chaos.sh).
 *
 * Which payloads the kernel must refuse with EINVAL is decided by the
 * module's own payload parser, built into this binary: it is tested on
 * the host (tests/unit, tests/fuzz); here it tells a payload the kernel
 * must refuse from one it must act on.
 *
 * KSEAL_CHAOS_SEED (printed) replays a run: operation i of process p takes
 * its kind, key name, payload and mutations from (seed, p, i) alone,
 * whatever happened before it. Only the interleaving of the processes
 * and the kernel's random bytes differ between two runs of one seed.
 *
 * Sealed keys cost TPM commands (Create is the slow one in TCG): two of
 * the nine names are for sealed keys and few operations touch them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <keyutils.h>
#include <kseal/blob.h>
#include <kseal/ciphertext.h>
#include <kseal/limits.h>

#include "kselftest_harness.h"
#include "kseal_util.h"
#include "kseal_options.h"

/* The pool: sealed names, data names, scratch names (usually empty). */
#define NSEALED		2
#define NDATA		5
#define NSCRATCH	2
#define NNAMES		(NSEALED + NDATA + NSCRATCH)
#define FIRST_DATA	NSEALED
#define FIRST_SCRATCH	(NSEALED + NDATA)
static const char *const names[NNAMES] = {
	"chaos-s0", "chaos-s1",
	"chaos-d0", "chaos-d1", "chaos-d2", "chaos-d3", "chaos-d4",
	"chaos-x0", "chaos-x1",
};

#define NLOGON		2	/* logon=kseal:chaos0, kseal:chaos1 */
#define NBLOBS		8	/* data blobs a process keeps for loads */
#define NSBLOBS		2	/* sealed blobs */
#define NCT		8	/* ciphertexts kept for decrypts */
#define PT_MAX		256
#define SIG_SIZE	(4 + 32)	/* version, HMAC-SHA256 */
#define PAYLOAD_MAX	(2 * KSEAL_BLOB_MAX + 1024)

enum kind {
	K_NEW_SEALED, K_LOAD_SEALED, K_NEW_DATA, K_LOAD_DATA, K_LOAD_OPTS,
	K_RANDOM, K_MUTATED, K_DAMAGED_BLOB, K_UPDATE, K_UPDATE_TEXT,
	K_READ, K_REVOKE, K_UNLINK, K_INVALIDATE, K_DESCRIBE, K_SEARCH,
	K_QUERY, K_ENCRYPT, K_DECRYPT, K_DECRYPT_DAMAGED, K_SIGN,
	K_VERIFY_DAMAGED, NKINDS
};

/* Weights per 1000 operations; K_VERIFY_DAMAGED runs inside K_SIGN. */
static const struct {
	const char *name;
	unsigned int weight;
} kinds[NKINDS] = {
	[K_NEW_SEALED]		= { "add new sealed", 15 },
	[K_LOAD_SEALED]		= { "add load sealed", 10 },
	[K_NEW_DATA]		= { "add new data", 90 },
	[K_LOAD_DATA]		= { "add load data", 60 },
	[K_LOAD_OPTS]		= { "add load, wrong option", 20 },
	[K_RANDOM]		= { "add random", 50 },
	[K_MUTATED]		= { "add mutated", 70 },
	[K_DAMAGED_BLOB]	= { "add damaged blob", 60 },
	[K_UPDATE]		= { "update", 110 },
	[K_UPDATE_TEXT]		= { "update mutated", 40 },
	[K_READ]		= { "read", 70 },
	[K_REVOKE]		= { "revoke", 30 },
	[K_UNLINK]		= { "unlink", 35 },
	[K_INVALIDATE]		= { "invalidate", 15 },
	[K_DESCRIBE]		= { "describe", 30 },
	[K_SEARCH]		= { "search", 20 },
	[K_QUERY]		= { "pkey_query", 30 },
	[K_ENCRYPT]		= { "pkey_encrypt", 80 },
	[K_DECRYPT]		= { "pkey_decrypt", 60 },
	[K_DECRYPT_DAMAGED]	= { "pkey_decrypt damaged", 60 },
	[K_SIGN]		= { "pkey_sign+verify", 45 },
	[K_VERIFY_DAMAGED]	= { "pkey_verify damaged", 0 },
};

/* Outcome counts shared by all processes: [kind][0] successes, [kind][e] errno e. */
#define NERR	160
struct tally {
	unsigned long n[NKINDS][NERR];
};

struct ct_rec {
	key_serial_t k;
	size_t pt_len, ct_len;
	uint8_t pt[PT_MAX], ct[PT_MAX + KSEAL_CT_OVERHEAD];
};

/* What one process knows; forked from the parent's setup. */
struct proc {
	key_serial_t ring;
	key_serial_t serial[NNAMES];	/* last serial seen under each name */
	char *blob[NBLOBS];		/* hex data blobs read so far */
	char *sblob[NSBLOBS];		/* hex sealed blobs */
	struct ct_rec ct[NCT];
	char *buf;			/* payload being built */
	struct tally *tally;
	uint64_t seed;
	int id;
};

/* One operation: its generator, and what a failure report prints. */
struct op {
	uint64_t s;
	struct proc *P;
	unsigned int idx;
	enum kind k;
	int name;
	key_serial_t serial;
	const void *in;		/* the payload, ciphertext or signature */
	size_t in_len;
	bool in_binary;
};

/* splitmix64: a strong mix of a 64-bit state, reseeded per operation. */
static uint64_t rnd(struct op *o)
{
	uint64_t z = (o->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int pick(struct op *o, unsigned int n)
{
	return n ? rnd(o) % n : 0;
}

/* A negative errno for a failed call, so that errno is read right after it. */
static long res(long r)
{
	return r < 0 ? -errno : r;
}

static const char *errname(int e)
{
	const char *s = e ? strerrorname_np(e) : "success";

	return s ? s : "?";
}

static void print_input(const struct op *o)
{
	const uint8_t *p = o->in;
	size_t i, max = 320;

	if (!p) {
		fprintf(stderr, "none");
		return;
	}
	fprintf(stderr, "(%zu bytes) ", o->in_len);
	for (i = 0; i < o->in_len && i < max; i++) {
		if (o->in_binary)
			fprintf(stderr, "%02x", p[i]);
		else if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			fputc(p[i], stderr);
		else
			fprintf(stderr, "\\x%02x", p[i]);
	}
	if (o->in_len > max)
		fprintf(stderr, "...");
}

/* Fail this process with everything a replay needs. */
static void __attribute__((noreturn, format(printf, 2, 3)))
op_fail(const struct op *o, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "# chaos FAILED: seed=%" PRIu64 " process=%d op=%u %s",
		o->P->seed, o->P->id, o->idx, kinds[o->k].name);
	if (o->name >= 0)
		fprintf(stderr, " name=%s", names[o->name]);
	if (o->serial)
		fprintf(stderr, " key=%d", o->serial);
	fprintf(stderr, ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n# input: ");
	print_input(o);
	fprintf(stderr, "\n# replay: KSEAL_CHAOS_SEED=%" PRIu64
		" (same KSEAL_CHAOS_PROCS, KSEAL_CHAOS_OPS)\n", o->P->seed);
	_exit(1);
}

/* The errnos an operation may give; each added with the reason why. */
struct allow {
	int n;
	int e[24];
};

/* A full list drops @e: the check then fails, it never passes more. */
static void allow(struct allow *a, int e)
{
	if (a->n < (int)(sizeof(a->e) / sizeof(a->e[0])))
		a->e[a->n++] = e;
}

/*
 * For an operation on a serial: another process revoked the key
 * (EKEYREVOKED: the keys core validates the key it looks up), invalidated
 * it or the garbage collector freed it (ENOKEY), or unlinked it from the
 * shared keyring: then nobody possesses it and root's user permission,
 * view only, refuses the operation (EACCES).
 */
static void allow_by_serial(struct allow *a)
{
	allow(a, EKEYREVOKED);
	allow(a, ENOKEY);
	allow(a, EACCES);
}

/*
 * @r is a result of kind @k: success (>= 0) only if @ok, an errno only
 * if @a lists it.
 */
static void check_as(struct op *o, enum kind k, long r, bool ok,
		     const struct allow *a)
{
	int e = r < 0 ? (int)-r : 0, i;

	__atomic_add_fetch(&o->P->tally->n[k][e < NERR ? e : NERR - 1], 1,
			   __ATOMIC_RELAXED);
	if (!e) {
		if (ok)
			return;
		o->k = k;
		op_fail(o, "succeeded (returned %ld) where it must fail", r);
	}
	for (i = 0; i < a->n; i++)
		if (a->e[i] == e)
			return;
	o->k = k;
	op_fail(o, "unexpected error %s (%s)", errname(e), strerror(e));
}

static void check(struct op *o, long r, bool ok, const struct allow *a)
{
	check_as(o, o->k, r, ok, a);
}

/* Name choice per kind: [first, first + n). */
static int pick_name(struct op *o, int first, int n)
{
	return first + (int)pick(o, n);
}

static int any_name(struct op *o)
{
	return pick_name(o, 0, NNAMES);
}

/*
 * The serial an operation works on: mostly the key the name holds now,
 * found by keyctl search; sometimes the last serial this process saw
 * under the name, which may have been revoked, unlinked, invalidated or
 * collected since. 0 when this process knows no key for the name.
 */
static key_serial_t target(struct op *o, int name)
{
	struct allow a = { 0 };
	long k;

	if (pick(o, 4)) {
		k = res(keyctl_search(o->P->ring, "kseal", names[name], 0));
		/* Nothing under the name (ENOKEY), or only a revoked or invalidated key. */
		allow(&a, ENOKEY);
		allow(&a, EKEYREVOKED);
		check_as(o, K_SEARCH, k, true, &a);
		if (k > 0)
			o->P->serial[name] = k;
	}
	o->serial = o->P->serial[name];
	return o->serial;
}

static void set_in(struct op *o, const void *p, size_t n, bool binary)
{
	o->in = p;
	o->in_len = n;
	o->in_binary = binary;
}

/* Keep a hex blob just read: data blobs for loads, sealed ones too. */
static void bank_blob(struct op *o, const char *hex, size_t n)
{
	uint8_t hdr[8];
	char **slot;

	if (n < 2 * sizeof(hdr) || kseal_unhex(hex, hdr, sizeof(hdr)))
		return;
	if (kseal_get_be16(hdr + KSEAL_BLOB_OFF_KIND) == KSEAL_BLOB_KIND_SEALED)
		slot = &o->P->sblob[pick(o, NSBLOBS)];
	else
		slot = &o->P->blob[pick(o, NBLOBS)];
	free(*slot);
	*slot = strndup(hex, n);
}

/*
 * keyctl read of @k: the blob as lowercase hex of a kseal blob (magic,
 * then kind 1 or 2), or an error of a key someone else changed.
 */
static void do_read(struct op *o, key_serial_t k)
{
	struct allow a = { 0 };
	uint8_t hdr[8];
	char *hex = NULL;
	long n, i;

	o->serial = k;
	n = res(keyctl_read_alloc(k, (void **)&hex));
	allow_by_serial(&a);
	check_as(o, K_READ, n, true, &a);
	if (n < 0)
		return;
	set_in(o, hex, n, false);
	for (i = 0; i < n; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
			op_fail(o, "keyctl read: byte %ld of the blob is not lowercase hex", i);
	if (n % 2 || n < 2 * (long)sizeof(hdr) || kseal_unhex(hex, hdr, sizeof(hdr)) ||
	    kseal_get_be32(hdr + KSEAL_BLOB_OFF_MAGIC) != KSEAL_BLOB_MAGIC ||
	    (kseal_get_be16(hdr + KSEAL_BLOB_OFF_KIND) != KSEAL_BLOB_KIND_SEALED &&
	     kseal_get_be16(hdr + KSEAL_BLOB_OFF_KIND) != KSEAL_BLOB_KIND_DATA))
		op_fail(o, "keyctl read gave %ld bytes that are not a kseal blob", n);
	bank_blob(o, hex, n);
	free(hex);
	set_in(o, NULL, 0, false);
}

/* add_key into the shared keyring; on success the name's serial and blob. */
static long add(struct op *o, int name, const char *p, size_t n)
{
	long k;

	o->name = name;
	set_in(o, p, n, false);
	k = res(add_key("kseal", names[name], p, n, o->P->ring));
	if (k > 0)
		o->P->serial[name] = k;
	return k;
}

/*
 * Why an add_key of an intact payload may fail in the pool: a live key
 * holds the name, add_key hands the payload to its update, and new or
 * load on an existing key is EEXIST; or that key is revoked between
 * add_key's lookup and the update (EKEYREVOKED).
 */
static void allow_name_taken(struct allow *a)
{
	allow(a, EEXIST);
	allow(a, EKEYREVOKED);
}

/* Why a damaged or made-up blob is refused; it never loads. */
static void allow_damaged_blob(struct allow *a)
{
	allow(a, EINVAL);	/* no longer a kseal blob: magic, format, kind, flags */
	allow(a, EBADMSG);	/* a damaged blob: fields, sizes, tags, TPM integrity */
	allow(a, ENOKEY);	/* its wrapping key id or parent names no loaded key */
	allow(a, EKEYREJECTED);	/* sealed: the TPM's policy check fails a changed policy */
	allow_name_taken(a);	/* the name is taken: the blob is not even parsed */
}

/*
 * An update the parser accepted, on a key of either kind; adds why it
 * may fail and returns true (it may succeed).
 */
static bool allow_update(const struct kseal_opts *opts, struct allow *a)
{
	switch (opts->update) {
	case KSEAL_UPD_ROTATE:
		allow(a, EINVAL);	/* a sealed key: rotate is for data keys */
		allow(a, ENOSPC);	/* 64 versions live: retire first */
		allow(a, ENOKEY);	/* its sealed key is not loaded: no new blob */
		break;
	case KSEAL_UPD_RETIRE:
		allow(a, EINVAL);	/* n outside min..cur, or a sealed key */
		allow(a, ENOKEY);	/* its sealed key is not loaded */
		break;
	case KSEAL_UPD_REWRAP:
		allow(a, EINVAL);	/* a sealed key */
		allow(a, ENOKEY);	/* no sealed key under the rewrap= reference */
		allow(a, EKEYREVOKED);	/* the reference finds only a revoked key */
		break;
	default:
		allow(a, EINVAL);	/* reseal of a data key: sealed keys only */
		break;
	}
	return true;
}

/*
 * add_key of a payload of unknown shape (random, mutated): what the
 * kernel may answer follows from what the parser makes of it. Returns
 * whether success is allowed.
 */
static bool allow_add_text(const char *p, size_t n, struct allow *a)
{
	struct kseal_opts opts;
	bool ok = true;

	if (kseal_opts_parse(p, n, &opts)) {
		/*
		 * Not a payload: EINVAL, for a new key and for an update of
		 * the name's key alike; unless that key was revoked before
		 * the update, which checks that first.
		 */
		allow(a, EINVAL);
		allow(a, EKEYREVOKED);
		return false;
	}
	switch (opts.verb) {
	case KSEAL_VERB_NEW:
		allow_name_taken(a);
		if (opts.present & KSEAL_OPT_WRAP) {
			allow(a, ENOKEY);	/* no sealed key under wrap= */
			allow(a, EKEYREVOKED);	/* wrap= finds only a revoked key */
		} else {
			/* A new sealed key holds 96 bytes at most. */
			if (opts.key_len > KSEAL_SEALED_NEW_MAX)
				allow(a, EINVAL);
			if (opts.present & KSEAL_OPT_PARENT)
				allow(a, ENOKEY);	/* no key at that parent handle */
		}
		break;
	case KSEAL_VERB_LOAD:
		/* Only blobs read from keys are intact; this one is made up. */
		allow_damaged_blob(a);
		ok = false;
		break;
	default:
		/* No key under the name: update needs an existing key. */
		allow(a, EINVAL);
		allow(a, EKEYREVOKED);
		ok = allow_update(&opts, a);
		break;
	}
	kseal_opts_wipe(&opts);
	return ok;
}

/* A reference to a sealed key for wrap= and rewrap=: its name or serial. */
static void sealed_ref(struct op *o, char *out, size_t len)
{
	int s = pick_name(o, 0, NSEALED);

	if (pick(o, 4) == 0 && o->P->serial[s])
		snprintf(out, len, "%d", o->P->serial[s]);
	else
		snprintf(out, len, "%s", names[s]);
}

/* Valid payloads, the starting points of text mutations. */
static size_t valid_payload(struct op *o, char *p, size_t cap)
{
	static const unsigned int sizes[] = { 16, 32, 48, 64, 128 };
	char ref[32];

	sealed_ref(o, ref, sizeof(ref));
	switch (pick(o, 16)) {
	case 0:	/* few sealed ones: each one the parser accepts costs a TPM Create */
		return snprintf(p, cap, "new 32 pcrs=7");
	case 1: case 2: case 3:
		return snprintf(p, cap, "new %u wrap=%s", sizes[pick(o, 5)], ref);
	case 4: case 5:
		return snprintf(p, cap, "new 64 wrap=%s logon=kseal:chaos%u", ref,
				pick(o, NLOGON));
	case 6: case 7: case 8:
		return snprintf(p, cap, "update rotate");
	case 9: case 10:
		return snprintf(p, cap, "update retire=%u", 1 + pick(o, 4));
	case 11: case 12:
		return snprintf(p, cap, "update rewrap=%s", ref);
	case 13:
		return snprintf(p, cap, "update reseal pcrs=7");
	default:
		return snprintf(p, cap, "new 32 wrap=%s\n", ref);
	}
}

/* 1..3 edits of a payload: bit flips, cuts, repeats, huge numbers... */
static size_t mutate_text(struct op *o, char *p, size_t n, size_t cap)
{
	static const char *const huge[] = {
		"4294967295", "4294967296", "99999999999999999999", "0", "-1",
		"018", "+32", "0x20",
	};
	unsigned int edits = 1 + pick(o, 3);
	size_t i, j, m;
	const char *h;
	char *sp;

	while (edits--) {
		switch (pick(o, 9)) {
		case 0:	/* one bit */
			if (n)
				p[pick(o, n)] ^= 1U << pick(o, 8);
			break;
		case 1:	/* cut short, maybe to nothing */
			n = pick(o, n + 1);
			break;
		case 2:	/* the last option again */
			p[n] = '\0';
			sp = strrchr(p, ' ');
			if (sp && n + (p + n - sp) < cap) {
				m = p + n - sp;
				memmove(p + n, sp, m);
				n += m;
			}
			break;
		case 3:	/* a number replaced by a huge or malformed one */
			h = huge[pick(o, sizeof(huge) / sizeof(huge[0]))];
			m = strlen(h);
			for (i = pick(o, n + 1); i < n && (p[i] < '0' || p[i] > '9'); i++)
				;
			for (j = i; j < n && p[j] >= '0' && p[j] <= '9'; j++)
				;
			if (i < n && n - (j - i) + m < cap) {
				memmove(p + i + m, p + j, n - j);
				memcpy(p + i, h, m);
				n = n - (j - i) + m;
			}
			break;
		case 4:	/* a printable byte inserted */
			if (n + 1 < cap) {
				i = pick(o, n + 1);
				memmove(p + i + 1, p + i, n - i);
				p[i] = 0x20 + pick(o, 0x5f);
				n++;
			}
			break;
		case 5:	/* a byte deleted */
			if (n) {
				i = pick(o, n);
				memmove(p + i, p + i + 1, n - i - 1);
				n--;
			}
			break;
		case 6:	/* a newline (one ends a payload; two do not) */
			if (n + 1 < cap)
				p[n++] = '\n';
			break;
		case 7:	/* a space turned into a tab or doubled */
			for (i = pick(o, n + 1); i < n && p[i] != ' '; i++)
				;
			if (i < n && pick(o, 2))
				p[i] = '\t';
			else if (i < n && n + 1 < cap) {
				memmove(p + i + 1, p + i, n - i);
				n++;
			}
			break;
		default: /* the whole payload twice */
			if (2 * n + 1 < cap) {
				p[n] = ' ';
				memcpy(p + n + 1, p, n);
				n = 2 * n + 1;
			}
			break;
		}
	}
	p[n] = '\0';
	return n;
}

/* Random bytes, or random words of the payload grammar. */
static size_t random_payload(struct op *o, char *p, size_t cap)
{
	static const char *const words[] = {
		"new", "load", "update", "rotate", "reseal", "retire=1",
		"retire=0", "rewrap=chaos-s0", "rewrap=chaos-d1", "32", "16",
		"64", "129", "0", "pcrs=7", "pcrs=0-23", "pcrs=7,7",
		"wrap=chaos-s0", "wrap=chaos-s1", "wrap=chaos-d0", "wrap=",
		"logon=kseal:chaos0", "logon=x", "recovery=pw", "parent=0x81000100",
		"parent=0x81000101", "00", "4b53424c0001", "=", "\n",
	};
	size_t n = 0, i, len;
	const char *w;

	if (pick(o, 2)) {
		len = 1 + pick(o, 64);
		for (i = 0; i < len; i++)
			p[i] = (char)rnd(o);
		return len;
	}
	len = 1 + pick(o, 6);
	for (i = 0; i < len; i++) {
		w = words[pick(o, sizeof(words) / sizeof(words[0]))];
		if (n + strlen(w) + 2 >= cap)
			break;
		if (i)
			p[n++] = pick(o, 8) ? ' ' : "\t,;x"[pick(o, 4)];
		memcpy(p + n, w, strlen(w));
		n += strlen(w);
	}
	p[n] = '\0';
	return n;
}

/*
 * Blob @hex decoded into @b and damaged: bits flipped, a byte changed,
 * cut or grown. Returns the new length, 0 if it does not fit.
 */
static size_t damage_blob(struct op *o, const char *hex, uint8_t *b, size_t cap)
{
	size_t n = strlen(hex) / 2, n0 = n, i;
	unsigned int flips;
	uint8_t first;

	if (n < 2 || n + 16 > cap || kseal_unhex(hex, b, n))
		return 0;
	switch (pick(o, 5)) {
	case 0:
		b[pick(o, n)] ^= 1U << pick(o, 8);
		break;
	case 1:
		b[pick(o, n)] ^= 1 + pick(o, 255);
		break;
	case 2:
		n -= 1 + pick(o, n < 17 ? n - 1 : 16);
		break;
	case 3:
		for (i = 1 + pick(o, 16); i; i--)
			b[n++] = (uint8_t)rnd(o);
		break;
	default:
		for (flips = 2 + pick(o, 7); flips; flips--)
			b[pick(o, n)] ^= 1U << pick(o, 8);
		break;
	}
	/* Flips that cancelled out leave the blob intact: change one bit for sure. */
	if (n == n0) {
		for (i = 0; i < n; i++)
			if (kseal_unhex(hex + 2 * i, &first, 1) || first != b[i])
				break;
		if (i == n)
			b[0] ^= 0x80;
	}
	return n;
}

static void op_new_sealed(struct op *o)
{
	static const char *const p[] = { "new 32 pcrs=7", "new 32", "new 48 pcrs=0,7" };
	const char *s = p[pick(o, 3)];
	struct allow a = { 0 };
	long k;

	k = add(o, pick_name(o, 0, NSEALED), s, strlen(s));
	allow_name_taken(&a);
	check(o, k, true, &a);
	if (k > 0)
		do_read(o, k);
}

static void op_load_sealed(struct op *o)
{
	const char *blob = o->P->sblob[pick(o, NSBLOBS)];
	struct allow a = { 0 };
	int n;
	long k;

	if (!blob)
		return;
	/* An intact blob of this TPM, PCR 7 unchanged: it loads. */
	n = snprintf(o->P->buf, PAYLOAD_MAX, "load %s", blob);
	k = add(o, pick_name(o, 0, NSEALED), o->P->buf, n);
	allow_name_taken(&a);
	check(o, k, true, &a);
}

static void op_new_data(struct op *o)
{
	char ref[32];
	struct allow a = { 0 };
	int n, name = pick_name(o, FIRST_DATA, NDATA);
	long k;

	sealed_ref(o, ref, sizeof(ref));
	if (pick(o, 3))
		n = snprintf(o->P->buf, PAYLOAD_MAX, "new %s wrap=%s",
			     pick(o, 4) ? "32" : "16", ref);
	else
		n = snprintf(o->P->buf, PAYLOAD_MAX, "new 64 wrap=%s logon=kseal:chaos%u",
			     ref, pick(o, NLOGON));
	k = add(o, name, o->P->buf, n);
	allow_name_taken(&a);
	allow(&a, ENOKEY);	/* no sealed key under wrap= */
	allow(&a, EKEYREVOKED);	/* wrap= finds only a revoked key */
	check(o, k, true, &a);
	if (k > 0 && pick(o, 2))
		do_read(o, k);
}

static void op_load_data(struct op *o)
{
	const char *blob = o->P->blob[pick(o, NBLOBS)];
	struct allow a = { 0 };
	int n;
	long k;

	if (!blob)
		return;
	if (pick(o, 4))
		n = snprintf(o->P->buf, PAYLOAD_MAX, "load %s", blob);
	else
		n = snprintf(o->P->buf, PAYLOAD_MAX, "load %s logon=kseal:chaos%u",
			     blob, pick(o, NLOGON));
	k = add(o, pick_name(o, FIRST_DATA, NDATA), o->P->buf, n);
	allow_name_taken(&a);
	allow(&a, ENOKEY);	/* its sealed key is not loaded any more */
	check(o, k, true, &a);
}

/* A random payload may have sealed a key with recovery=. */
static bool sealed_with_recovery(const char *hex)
{
	uint8_t hdr[KSEAL_BLOB_OFF_FLAGS + 4];

	return !kseal_unhex(hex, hdr, sizeof(hdr)) &&
	       (kseal_get_be32(hdr + KSEAL_BLOB_OFF_FLAGS) & KSEAL_BLOB_F_RECOVERY);
}

/* Intact blobs with an option their kind refuses. */
static void op_load_opts(struct op *o)
{
	const char *blob;
	struct allow a = { 0 };
	int n;
	long k;

	switch (pick(o, 3)) {
	case 0:	/* logon= is for data blobs */
		blob = o->P->sblob[pick(o, NSBLOBS)];
		if (!blob)
			return;
		n = snprintf(o->P->buf, PAYLOAD_MAX, "load %s logon=kseal:chaos0", blob);
		break;
	case 1:	/* recovery= for a blob sealed without one */
		blob = o->P->sblob[pick(o, NSBLOBS)];
		if (!blob || sealed_with_recovery(blob))
			return;
		n = snprintf(o->P->buf, PAYLOAD_MAX, "load %s recovery=pw", blob);
		break;
	default: /* recovery= is for sealed blobs */
		blob = o->P->blob[pick(o, NBLOBS)];
		if (!blob)
			return;
		n = snprintf(o->P->buf, PAYLOAD_MAX, "load %s recovery=pw", blob);
		break;
	}
	k = add(o, pick_name(o, FIRST_SCRATCH, NSCRATCH), o->P->buf, n);
	allow(&a, EINVAL);	/* the option does not fit the blob's kind */
	allow_name_taken(&a);
	check(o, k, false, &a);
}

static void op_random(struct op *o)
{
	struct allow a = { 0 };
	size_t n = random_payload(o, o->P->buf, 512);
	bool ok = allow_add_text(o->P->buf, n, &a);

	check(o, add(o, any_name(o), o->P->buf, n), ok, &a);
}

static void op_mutated(struct op *o)
{
	struct allow a = { 0 };
	size_t n = valid_payload(o, o->P->buf, 512);
	int name = pick(o, 4) ? pick_name(o, FIRST_SCRATCH, NSCRATCH) : any_name(o);
	bool ok;

	n = mutate_text(o, o->P->buf, n, 2048);
	ok = allow_add_text(o->P->buf, n, &a);
	check(o, add(o, name, o->P->buf, n), ok, &a);
}

static void op_damaged_blob(struct op *o)
{
	/* Mostly data blobs: a damaged sealed blob may reach the TPM. */
	const char *blob = pick(o, 8) ? o->P->blob[pick(o, NBLOBS)] :
				       o->P->sblob[pick(o, NSBLOBS)];
	uint8_t *b = malloc(KSEAL_BLOB_MAX + 32);
	struct allow a = { 0 };
	size_t n, len;

	if (!blob || !b) {
		free(b);
		return;
	}
	n = damage_blob(o, blob, b, KSEAL_BLOB_MAX + 32);
	if (n) {
		memcpy(o->P->buf, "load ", 5);
		kseal_tohex(b, n, o->P->buf + 5);
		len = 5 + 2 * n;
		if (pick(o, 4) == 0)
			len += sprintf(o->P->buf + len, " logon=kseal:chaos1");
		allow_damaged_blob(&a);
		check(o, add(o, pick_name(o, FIRST_SCRATCH, NSCRATCH), o->P->buf, len),
		      false, &a);
	}
	free(b);
}

/* keyctl update on a serial; the parser says what it may do. */
static void update_serial(struct op *o, key_serial_t k, const char *p, size_t n)
{
	struct kseal_opts opts;
	struct allow a = { 0 };
	bool ok;

	set_in(o, p, n, false);
	if (kseal_opts_parse(p, n, &opts)) {
		allow(&a, EINVAL);	/* not a payload */
		ok = false;
	} else if (opts.verb != KSEAL_VERB_UPDATE) {
		allow(&a, EEXIST);	/* new or load onto an existing key */
		ok = false;
	} else {
		ok = allow_update(&opts, &a);
	}
	kseal_opts_wipe(&opts);
	allow_by_serial(&a);
	check(o, res(keyctl_update(k, p, n)), ok, &a);
}

static void op_update(struct op *o)
{
	char *p = o->P->buf, ref[32];
	key_serial_t k;
	size_t n;
	unsigned int v = pick(o, 20);

	if (v < 2) {
		/* Reseal: a TPM Create each, so rare. */
		o->name = pick_name(o, 0, NSEALED);
		n = sprintf(p, "update reseal%s", pick(o, 2) ? "" : " pcrs=0,7");
	} else {
		o->name = pick(o, 8) ? pick_name(o, FIRST_DATA, NDATA) :
				       pick_name(o, 0, NSEALED);
		sealed_ref(o, ref, sizeof(ref));
		if (v < 10)
			n = sprintf(p, "update rotate");
		else if (v < 15)
			n = sprintf(p, "update retire=%u", 1 + pick(o, 6));
		else
			n = sprintf(p, "update rewrap=%s", ref);
	}
	k = target(o, o->name);
	if (k) {
		update_serial(o, k, p, n);
		if (pick(o, 3) == 0)
			do_read(o, k);
	}
}

static void op_update_text(struct op *o)
{
	char *p = o->P->buf;
	key_serial_t k;
	size_t n;

	o->name = any_name(o);
	if (pick(o, 3)) {
		n = valid_payload(o, p, 512);
		n = mutate_text(o, p, n, 2048);
	} else {
		n = random_payload(o, p, 512);
	}
	k = target(o, o->name);
	if (k)
		update_serial(o, k, p, n);
}

static void op_read(struct op *o)
{
	key_serial_t k;

	o->name = any_name(o);
	k = target(o, o->name);
	if (k)
		do_read(o, k);
}

/* The key a revoke, unlink or invalidate hits: data keys mostly. */
static key_serial_t victim(struct op *o)
{
	o->name = pick(o, 10) ? pick_name(o, FIRST_DATA, NDATA + NSCRATCH) :
				pick_name(o, 0, NSEALED);
	return target(o, o->name);
}

static void op_revoke(struct op *o)
{
	struct allow a = { 0 };
	key_serial_t k;

	k = victim(o);
	if (!k)
		return;
	/* Revoked already, invalidated or collected, or not possessed. */
	allow_by_serial(&a);
	check(o, res(keyctl_revoke(k)), true, &a);
}

static void op_unlink(struct op *o)
{
	struct allow a = { 0 };
	key_serial_t k;

	k = victim(o);
	if (!k)
		return;
	allow(&a, ENOENT);	/* not in the keyring (unlinked or replaced) */
	allow(&a, ENOKEY);	/* the serial was collected */
	check(o, res(keyctl_unlink(k, o->P->ring)), true, &a);
}

static void op_invalidate(struct op *o)
{
	struct allow a = { 0 };
	key_serial_t k;

	k = victim(o);
	if (!k)
		return;
	/* Revoked, invalidated already or collected, or not possessed. */
	allow_by_serial(&a);
	check(o, res(keyctl_invalidate(k)), true, &a);
}

/* keyctl describe: "kseal;0;0;<perm>;<name>"; /proc/keys: kind, no bytes. */
static void op_describe(struct op *o)
{
	struct allow a = { 0 };
	char *d = NULL, text[256], *semi;
	key_serial_t k;
	long r;
	int i;

	o->name = any_name(o);
	k = target(o, o->name);
	if (!k)
		return;
	r = res(keyctl_describe_alloc(k, &d));
	allow(&a, ENOKEY);	/* collected, or invalidated */
	allow(&a, EKEYREVOKED);	/* describe validates the key it finds: revoked */
	check(o, r, true, &a);
	if (r < 0)
		return;
	set_in(o, d, strlen(d), false);
	semi = d;
	for (i = 0; i < 4 && semi; i++)
		semi = strchr(semi + 1, ';');
	if (strncmp(d, "kseal;0;0;", 10) || !semi ||
	    strncmp(semi + 1, "chaos-", 6))
		op_fail(o, "keyctl describe: not a kseal key of the pool");
	free(d);
	set_in(o, NULL, 0, false);
	if (!kseal_proc_keys_describe(k, text, sizeof(text)) &&
	    strncmp(text, "data v", 6) && strncmp(text, "sealed pcrs=", 12) &&
	    strcmp(text, "revoked"))
		op_fail(o, "/proc/keys describes it as \"%s\"", text);
}

static void op_search(struct op *o)
{
	o->name = any_name(o);
	target(o, o->name);
}

/* Info strings: the defaults; or an encoding the module refuses. */
static const char *pkey_info(struct op *o, bool *bad)
{
	static const char *const good[] = { "", "enc=raw", "hash=sha256" };

	*bad = pick(o, 16) == 0;
	return *bad ? "enc=oaep" : good[pick(o, 3)];
}

static void allow_pkey(struct allow *a, bool bad_info)
{
	allow_by_serial(a);
	if (bad_info)
		allow(a, EINVAL);	/* enc=oaep: raw only */
	else
		allow(a, EOPNOTSUPP);	/* a sealed key has no pkey operations */
}

static void op_query(struct op *o)
{
	struct keyctl_pkey_query q;
	struct allow a = { 0 };
	const char *info;
	key_serial_t k;
	bool bad;
	long r;

	o->name = any_name(o);
	info = pkey_info(o, &bad);
	k = target(o, o->name);
	if (!k)
		return;
	r = res(keyctl_pkey_query(k, info, &q));
	allow_pkey(&a, bad);
	check(o, r, !bad, &a);
	if (r < 0)
		return;
	if (q.supported_ops != (KEYCTL_SUPPORTS_ENCRYPT | KEYCTL_SUPPORTS_DECRYPT |
				KEYCTL_SUPPORTS_SIGN | KEYCTL_SUPPORTS_VERIFY) ||
	    q.key_size < 8 * KSEAL_DATA_KEY_MIN || q.key_size > 8 * KSEAL_DATA_KEY_MAX ||
	    q.max_data_size != KSEAL_CT_PLAIN_MAX || q.max_sig_size != SIG_SIZE ||
	    q.max_enc_size != KSEAL_CT_MAX || q.max_dec_size != KSEAL_CT_MAX)
		op_fail(o, "pkey_query: ops 0x%x key %u bits, data %u sig %u enc %u dec %u",
			q.supported_ops, q.key_size, q.max_data_size,
			q.max_sig_size, q.max_enc_size, q.max_dec_size);
}

static void op_encrypt(struct op *o)
{
	static const size_t lens[] = { 0, 1, 15, 16, 32, 100, PT_MAX };
	struct ct_rec *c = &o->P->ct[pick(o, NCT)], n;
	struct allow a = { 0 };
	const char *info;
	key_serial_t k;
	bool bad;
	size_t i;
	long r;

	o->name = pick(o, 8) ? pick_name(o, FIRST_DATA, NDATA) : any_name(o);
	info = pkey_info(o, &bad);
	n.pt_len = lens[pick(o, 7)];
	for (i = 0; i < n.pt_len; i++)
		n.pt[i] = (uint8_t)rnd(o);
	k = target(o, o->name);
	if (!k)
		return;
	set_in(o, n.pt, n.pt_len, true);
	r = res(keyctl_pkey_encrypt(k, info, n.pt, n.pt_len, n.ct, sizeof(n.ct)));
	allow_pkey(&a, bad);
	check(o, r, !bad, &a);
	if (r < 0)
		return;
	if (r != (long)(n.pt_len + KSEAL_CT_OVERHEAD) || n.ct[0] != KSEAL_CT_FORMAT ||
	    !kseal_get_be32(n.ct + KSEAL_CT_OFF_VERSION))
		op_fail(o, "pkey_encrypt: %ld bytes, format %u, version %u", r,
			n.ct[0], kseal_get_be32(n.ct + KSEAL_CT_OFF_VERSION));
	n.k = k;
	n.ct_len = r;
	*c = n;
}

static void op_decrypt(struct op *o)
{
	struct ct_rec *c = &o->P->ct[pick(o, NCT)];
	uint8_t out[2 * PT_MAX];
	struct allow a = { 0 };
	long r;

	if (!c->k)
		return;
	o->serial = c->k;
	set_in(o, c->ct, c->ct_len, true);
	r = res(keyctl_pkey_decrypt(c->k, "", c->ct, c->ct_len, out, sizeof(out)));
	allow_by_serial(&a);
	allow(&a, EKEYREJECTED);	/* its version was retired since */
	check(o, r, true, &a);
	if (r >= 0 && (r != (long)c->pt_len || memcmp(out, c->pt, r)))
		op_fail(o, "pkey_decrypt gave %ld other bytes than the %zu encrypted",
			r, c->pt_len);
}

static void op_decrypt_damaged(struct op *o)
{
	struct ct_rec *c = &o->P->ct[pick(o, NCT)];
	uint8_t ct[PT_MAX + KSEAL_CT_OVERHEAD + 16], out[2 * PT_MAX];
	struct allow a = { 0 };
	size_t n, i;
	long r;

	if (!c->k)
		return;
	n = c->ct_len;
	memcpy(ct, c->ct, n);
	switch (pick(o, 5)) {
	case 0:
		ct[pick(o, n)] ^= 1U << pick(o, 8);
		break;
	case 1:	/* cut: into the tag, the body or the header */
		n -= 1 + pick(o, n);
		break;
	case 2:
		for (i = 1 + pick(o, 16); i; i--)
			ct[n++] = (uint8_t)rnd(o);
		break;
	case 3:	/* another version: 0, older (maybe retired) or newer */
		kseal_put_be32(ct + KSEAL_CT_OFF_VERSION,
			       kseal_get_be32(ct + KSEAL_CT_OFF_VERSION) ^ (1 + pick(o, 7)));
		break;
	default: /* the tag's last byte */
		ct[n - 1] ^= 1 + pick(o, 255);
		break;
	}
	o->serial = c->k;
	set_in(o, ct, n, true);
	r = res(keyctl_pkey_decrypt(c->k, "", ct, n, out, sizeof(out)));
	allow_by_serial(&a);
	allow(&a, EBADMSG);	/* any changed byte: the tag or the layout fails */
	allow(&a, EKEYREJECTED);	/* its version field names a retired version */
	check(o, r, false, &a);
}

static void op_sign(struct op *o)
{
	uint8_t data[64], sig[SIG_SIZE];
	struct allow a = { 0 }, v = { 0 }, d = { 0 };
	const char *info;
	size_t len = 1 + pick(o, sizeof(data)), i;
	key_serial_t k;
	bool bad;
	long r;

	o->name = pick(o, 8) ? pick_name(o, FIRST_DATA, NDATA) : any_name(o);
	info = pkey_info(o, &bad);
	for (i = 0; i < len; i++)
		data[i] = (uint8_t)rnd(o);
	k = target(o, o->name);
	if (!k)
		return;
	set_in(o, data, len, true);
	/* pkey_sign refuses an output buffer larger than the signature. */
	r = res(keyctl_pkey_sign(k, info, data, len, sig, SIG_SIZE));
	allow_pkey(&a, bad);
	check(o, r, !bad, &a);
	if (r < 0)
		return;
	if (r != SIG_SIZE || !kseal_get_be32(sig))
		op_fail(o, "pkey_sign: %ld bytes, version %u", r, kseal_get_be32(sig));
	r = res(keyctl_pkey_verify(k, "", data, len, sig, SIG_SIZE));
	allow_by_serial(&v);
	allow(&v, EKEYREJECTED);	/* its version was retired since */
	check(o, r, true, &v);

	/* A changed signature or message never verifies. */
	switch (pick(o, 3)) {
	case 0:
		sig[pick(o, SIG_SIZE)] ^= 1U << pick(o, 8);
		break;
	case 1:
		data[pick(o, len)] ^= 1U << pick(o, 8);
		break;
	default: /* the version only: another version's key, or none */
		sig[3] ^= 1 + pick(o, 7);
		break;
	}
	set_in(o, sig, SIG_SIZE, true);
	r = res(keyctl_pkey_verify(k, "", data, len, sig, SIG_SIZE));
	allow_by_serial(&d);
	allow(&d, EKEYREJECTED);	/* the HMAC does not match */
	check_as(o, K_VERIFY_DAMAGED, r, false, &d);
}

static void child(struct proc *P, unsigned int ops)
{
	static const unsigned int total = 1000;
	unsigned int i, w, acc;
	struct op o;
	int k;

	P->buf = malloc(PAYLOAD_MAX);
	if (!P->buf)
		_exit(2);
	for (i = 0; i < ops; i++) {
		memset(&o, 0, sizeof(o));
		o.P = P;
		o.idx = i;
		o.name = -1;
		/* Operation i of process p depends on (seed, p, i) alone. */
		o.s = P->seed ^ (0xd1b54a32d192ed03ULL * ((uint64_t)P->id << 32 | i));
		rnd(&o);
		w = pick(&o, total);
		for (k = 0, acc = 0; k < NKINDS; k++) {
			acc += kinds[k].weight;
			if (w < acc)
				break;
		}
		o.k = k;
		switch (k) {
		case K_NEW_SEALED:	op_new_sealed(&o); break;
		case K_LOAD_SEALED:	op_load_sealed(&o); break;
		case K_NEW_DATA:	op_new_data(&o); break;
		case K_LOAD_DATA:	op_load_data(&o); break;
		case K_LOAD_OPTS:	op_load_opts(&o); break;
		case K_RANDOM:		op_random(&o); break;
		case K_MUTATED:		op_mutated(&o); break;
		case K_DAMAGED_BLOB:	op_damaged_blob(&o); break;
		case K_UPDATE:		op_update(&o); break;
		case K_UPDATE_TEXT:	op_update_text(&o); break;
		case K_READ:		op_read(&o); break;
		case K_REVOKE:		op_revoke(&o); break;
		case K_UNLINK:		op_unlink(&o); break;
		case K_INVALIDATE:	op_invalidate(&o); break;
		case K_DESCRIBE:	op_describe(&o); break;
		case K_SEARCH:		op_search(&o); break;
		case K_QUERY:		op_query(&o); break;
		case K_ENCRYPT:		op_encrypt(&o); break;
		case K_DECRYPT:		op_decrypt(&o); break;
		case K_DECRYPT_DAMAGED:	op_decrypt_damaged(&o); break;
		default:		op_sign(&o); break;
		}
	}
	_exit(0);
}

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

static void print_tally(const struct tally *t)
{
	char line[512];
	size_t n;
	int k, e;

	for (k = 0; k < NKINDS; k++) {
		n = snprintf(line, sizeof(line), "# %-22s ok %lu", kinds[k].name,
			     t->n[k][0]);
		for (e = 1; e < NERR; e++)
			if (t->n[k][e] && n < sizeof(line))
				n += snprintf(line + n, sizeof(line) - n, ", %s %lu",
					      errname(e), t->n[k][e]);
		printf("%s\n", line);
	}
	fflush(stdout);
}

/* What the run, in its own session, tells the test. */
struct shared {
	struct tally t;
	int failed;		/* worker processes that failed */
	long ms;
};

static void __attribute__((noreturn)) setup_fail(const char *what, int err)
{
	fprintf(stderr, "# chaos setup: %s: %s\n", what, strerror(err));
	_exit(2);
}

/*
 * The whole run, in a process with a session keyring of its own: the
 * logon keys go to the session keyring, and the keys core keeps the
 * quota (4 bytes) of each link its garbage collector removes, such as an
 * invalidated logon key's, charged to the keyring until it is destroyed.
 * This one goes when the run ends, so root's quota can be compared.
 */
static void __attribute__((noreturn))
run(struct shared *sh, uint64_t seed, unsigned long procs, unsigned long ops)
{
	struct timespec t0, t1;
	char payload[64], *hex;
	struct proc P;
	pid_t *pids;
	int i, st;
	long len;

	if (keyctl_join_session_keyring(NULL) < 0)
		setup_fail("new session keyring", errno);
	memset(&P, 0, sizeof(P));
	P.seed = seed;
	P.tally = &sh->t;
	P.ring = add_key("keyring", "chaos-ring", NULL, 0, KEY_SPEC_SESSION_KEYRING);
	if (P.ring < 0)
		setup_fail("keyring", errno);
	/* Two sealed keys, data keys under them, and their blobs to begin with. */
	for (i = 0; i < NNAMES - NSCRATCH; i++) {
		if (i < NSEALED)
			snprintf(payload, sizeof(payload), "new 32 pcrs=7");
		else
			snprintf(payload, sizeof(payload), "new 32 wrap=%s",
				 names[i % NSEALED]);
		P.serial[i] = add_key("kseal", names[i], payload,
				      strlen(payload), P.ring);
		if (P.serial[i] < 0)
			setup_fail(names[i], errno);
		len = keyctl_read_alloc(P.serial[i], (void **)&hex);
		if (len < 0)
			setup_fail("keyctl read", errno);
		if (i < NSEALED)
			P.sblob[i] = strndup(hex, len);
		else
			P.blob[i - NSEALED] = strndup(hex, len);
		free(hex);
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pids = calloc(procs, sizeof(*pids));
	if (!pids)
		setup_fail("calloc", ENOMEM);
	fflush(NULL);
	for (i = 0; i < (int)procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			setup_fail("fork", errno);
		if (!pids[i]) {
			P.id = i;
			child(&P, ops);
		}
	}
	for (i = 0; i < (int)procs; i++) {
		if (waitpid(pids[i], &st, 0) != pids[i])
			setup_fail("waitpid", errno);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			sh->failed++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	sh->ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	/* Everything goes; the garbage collector frees it shortly after. */
	if (keyctl_clear(P.ring) < 0)
		setup_fail("keyctl clear", errno);
	if (keyctl_unlink(P.ring, KEY_SPEC_SESSION_KEYRING) < 0)
		setup_fail("keyctl unlink", errno);
	_exit(0);
}

FIXTURE(chaos) {
	int unused;
};

FIXTURE_SETUP(chaos)
{
}

FIXTURE_TEARDOWN(chaos)
{
}

/* On the debug kernel under TCG this takes minutes, not seconds. */
TEST_F_TIMEOUT(chaos, seeded_keyctl_operations, 1800)
{
	unsigned long procs = kseal_env_num("KSEAL_CHAOS_PROCS", 4);
	unsigned long ops = kseal_env_num("KSEAL_CHAOS_OPS", 4000);
	uint64_t seed = kseal_env_num("KSEAL_CHAOS_SEED", 0);
	unsigned long long alive0, alive, cmds0, cmds, creates0, creates,
		unseals0, unseals;
	unsigned long keys0, bytes0, keys1, bytes1;
	int i, st, tries, pool_left = 0, logon_left = 0;
	struct timespec now;
	struct shared *sh;
	struct tally *t;
	pid_t pid;

	KSEAL_NEED_COUNTERS();
	for (i = 0, tries = 0; i < NKINDS; i++)
		tries += kinds[i].weight;
	ASSERT_EQ(1000, tries) TH_LOG("the weights of the kinds add up to 1000");
	if (!getenv("KSEAL_CHAOS_SEED")) {
		clock_gettime(CLOCK_REALTIME, &now);
		seed = (uint64_t)now.tv_sec * 1000003u ^ (uint64_t)now.tv_nsec ^ getpid();
	}
	TH_LOG("KSEAL_CHAOS_SEED=%" PRIu64 " KSEAL_CHAOS_PROCS=%lu KSEAL_CHAOS_OPS=%lu",
	       seed, procs, ops);

	/* A session keyring made on first use would count as a key. */
	ASSERT_LT(0, keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 1));
	ASSERT_EQ(0, root_quota(&keys0, &bytes0));
	ASSERT_EQ(0, kseal_stat("keys", &alive0));
	ASSERT_EQ(0, kseal_stat("tpm_commands", &cmds0));
	ASSERT_EQ(0, kseal_stat("creates", &creates0));
	ASSERT_EQ(0, kseal_stat("unseals", &unseals0));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	t = &sh->t;

	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		run(sh, seed, procs, ops);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("the run's setup or teardown failed (see above)");
	print_tally(t);
	ASSERT_EQ(0, kseal_stat("tpm_commands", &cmds));
	ASSERT_EQ(0, kseal_stat("creates", &creates));
	ASSERT_EQ(0, kseal_stat("unseals", &unseals));
	TH_LOG("%lu x %lu operations in %ld ms; TPM: %llu commands, %llu creates, %llu unseals",
	       procs, ops, sh->ms, cmds - cmds0, creates - creates0, unseals - unseals0);
	EXPECT_EQ(0, sh->failed)
		TH_LOG("%d of %lu processes failed (KSEAL_CHAOS_SEED=%" PRIu64 ")",
		       sh->failed, procs, seed);

	/*
	 * A run that never reached the main paths tested little: with the
	 * default counts each of these happens dozens of times.
	 */
	if (procs * ops >= 1000) {
		EXPECT_LT(0, t->n[K_NEW_DATA][0]) TH_LOG("no data key was made");
		EXPECT_LT(0, t->n[K_UPDATE][0]) TH_LOG("no update succeeded");
		EXPECT_LT(0, t->n[K_DECRYPT][0]) TH_LOG("no ciphertext decrypted");
		EXPECT_LT(0, t->n[K_DECRYPT_DAMAGED][EBADMSG])
			TH_LOG("no damaged ciphertext reached the tag check");
		EXPECT_LT(0, t->n[K_DAMAGED_BLOB][EBADMSG])
			TH_LOG("no damaged blob reached the blob checks");
		EXPECT_LT(0, t->n[K_MUTATED][EINVAL]) TH_LOG("no mutated payload was refused");
	}

	/* The run's keyrings and keys go; the garbage collector frees them. */
	for (tries = 0; tries < 300; tries++) {
		ASSERT_EQ(0, root_quota(&keys1, &bytes1));
		ASSERT_EQ(0, kseal_stat("keys", &alive));
		pool_left = kseal_proc_keys_count(" chaos-");
		logon_left = kseal_proc_keys_count(" kseal:chaos");
		if (keys1 == keys0 && bytes1 == bytes0 && alive == alive0 &&
		    !pool_left && !logon_left)
			break;
		usleep(100000);
	}
	EXPECT_EQ(0, pool_left) TH_LOG("keys of the pool in /proc/keys after GC");
	EXPECT_EQ(0, logon_left) TH_LOG("logon keys exported by the pool after GC");
	EXPECT_EQ(alive0, alive) TH_LOG(KSEAL_COUNTERS "keys after GC");
	EXPECT_EQ(keys0, keys1) TH_LOG("root's key quota after GC");
	EXPECT_EQ(bytes0, bytes1) TH_LOG("root's key bytes after GC");
	EXPECT_EQ(0, kseal_tpm_handle_count(KSEAL_TPM_HT_TRANSIENT));
	EXPECT_EQ(0, kseal_tpm_handle_count(KSEAL_TPM_HT_LOADED_SESSION));
	munmap(sh, sizeof(*sh));
}

TEST_HARNESS_MAIN
