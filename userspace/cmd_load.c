// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksealctl load, boot and list.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "kseal/blob.h"

#include "kbackend.h"
#include "ksealctl.h"
#include "state.h"
#include "tang.h"
#include "tang_keys.h"

static const char load_help[] =
"Usage: ksealctl load [NAME...|--all] [--recovery | --recovery-fd FD]\n"
"Load keys from the state directory into the keyring (sealed keys before\n"
"the data keys they wrap). Keys already loaded are left alone. Without\n"
"NAME, loads all. Exit 0 if every key is loaded, 2 if some failed.\n"
"  --all              every key\n"
"  --recovery         unseal sealed keys with the recovery passphrase\n"
"  --recovery-fd FD   read that passphrase from file descriptor FD\n";

enum { O_ALL = OPT_SUB };

/* 0 not wanted, 1 wanted; names from argv pull in their wrapping key. */
static void want(struct kstate *st, bool *w, const char *name)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		if (st->keys[i].removed || strcmp(st->keys[i].name, name))
			continue;
		w[i] = true;
		if (st->keys[i].kind == KIND_DATA)
			want(st, w, st->keys[i].wrapped_by);
	}
}

#ifndef KSEAL_BLOB_F_POLICY2
#define KSEAL_BLOB_F_POLICY2	0x00000004U	/* include/kseal/blob.h */
#endif

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' :
	       c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Big-endian field of @size bytes at byte @off of a hex blob. */
static bool hex_be(const char *hex, size_t off, size_t size, uint32_t *out)
{
	size_t i;

	*out = 0;
	for (i = 2 * off; i < 2 * (off + size); i++) {
		int v = hexval(hex[i]);	/* stops at the NUL: -1 */

		if (v < 0)
			return false;
		*out = *out << 4 | (uint32_t)v;
	}
	return true;
}

/* After the header: parent handle 4, name size 2, name 34, PCR mask 4. */
#define SEALED_OFF_PCR_MASK	(KSEAL_BLOB_HDR_SIZE + 4 + 2 + 34)
#define SEALED_OFF_LOCK_PCR	(SEALED_OFF_PCR_MASK + 4)

bool sealed_blob_header(const char *hex, uint32_t *flags, int *lock_pcr)
{
	uint32_t magic, kind, lp;

	*flags = 0;
	*lock_pcr = -1;
	if (!hex || !hex_be(hex, KSEAL_BLOB_OFF_MAGIC, 4, &magic) ||
	    magic != KSEAL_BLOB_MAGIC ||
	    !hex_be(hex, KSEAL_BLOB_OFF_KIND, 2, &kind) ||
	    kind != KSEAL_BLOB_KIND_SEALED ||
	    !hex_be(hex, KSEAL_BLOB_OFF_FLAGS, 4, flags) ||
	    !hex_be(hex, SEALED_OFF_LOCK_PCR, 1, &lp))
		return false;
	if (*flags & KSEAL_BLOB_F_LOCK)
		*lock_pcr = (int)lp;
	return true;
}

bool sealed_blob_pcrs(const char *hex, uint32_t *mask)
{
	uint32_t flags;
	int lp;

	if (!sealed_blob_header(hex, &flags, &lp) ||
	    !hex_be(hex, SEALED_OFF_PCR_MASK, 4, mask))
		return false;
	if (lp >= 0 && lp < KSEAL_PCR_COUNT)
		*mask &= ~(1U << lp);
	return true;
}

bool blob_legacy_recovery(const char *hex)
{
	uint32_t flags;
	int lp;

	return sealed_blob_header(hex, &flags, &lp) &&
	       (flags & KSEAL_BLOB_F_RECOVERY) &&
	       !(flags & KSEAL_BLOB_F_POLICY2);
}

static bool has_recovery(const struct kkey *k)
{
	uint32_t flags;
	int lp;

	return k->recovery || (sealed_blob_header(k->blob, &flags, &lp) &&
			       (flags & KSEAL_BLOB_F_RECOVERY));
}

struct load_count {
	int loaded, failed;
	int refused;	/* of the failed: no signed policy matched */
	bool *tang;	/* boot: keys whose Tang servers did not answer */
};

/*
 * One pass over the wanted keys (@w, or every key when NULL): the sealed
 * keys (pass 0) or the data keys (pass 1). With @refused, a sealed key
 * that the PCR policy refused and that has a recovery passphrase is
 * marked there: the boot path asks for the passphrase.
 */
static void load_pass(struct kstate *st, int32_t ring, const bool *w,
		      int pass_no, const char *pass, struct load_count *n,
		      bool *refused)
{
	size_t j;

	for (j = 0; j < st->n; j++) {
		struct kkey *k = &st->keys[j];
		int32_t s;
		int why;

		if ((w && !w[j]) || k->removed ||
		    (k->kind == KIND_SEALED) != (pass_no == 0))
			continue;
		if (key_loaded(ring, k->name) >= 0) {
			kverbose("%s: already loaded", k->name);
			n->loaded++;
			continue;
		}
		if (k->kind == KIND_DATA &&
		    key_loaded(ring, k->wrapped_by) < 0) {
			kerr("%s: not loaded: its wrapping key %s is not loaded; fix that key first",
			     k->name, k->wrapped_by);
			n->failed++;
			continue;
		}
		if (k->kind == KIND_DATA &&
		    !logon_session_ok(k->name, k->logon)) {
			n->failed++;
			continue;
		}
		s = load_one(ring, k, pass, &why);
		if (s < 0 && n->tang && why == KX_REFUSED &&
		    errno == EHOSTUNREACH)
			n->tang[j] = true;
		if (s < 0 && refused && errno == EKEYREJECTED &&
		    has_recovery(k)) {
			if (!why)
				kerr("%s: not loaded: the PCR values differ from the ones it is sealed to (firmware, boot loader or kernel update?); it has a recovery passphrase",
				     k->name);
			refused[j] = true;
			n->failed++;
			continue;
		}
		if (s < 0) {
			if (!why)
				kerr("%s: load failed: %s; %s", k->name,
				     strerror(errno),
				     errno == EKEYREJECTED &&
				     blob_authorize(k->blob) ?
				     "the kernel refused the signed policy and its ticket for this boot's PCRs (see dmesg): check ksealctl policy show, or load with --recovery" :
				     errno == EKEYREJECTED && k->tang_n ?
				     "the kernel refused its Tang answers or its PCR policy (dmesg names a server whose answer does not recover its share): check the servers, or load with --recovery" :
				     load_advice(errno));
			n->refused += why == KX_REFUSED;
			n->failed++;
			continue;
		}
		n->loaded++;
		kinfo("loaded %s (serial %d)", k->name, s);
	}
}

int cmd_load(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		{ "all", no_argument, NULL, O_ALL },
		RECOVERY_LONGOPTS,
		{ 0 }
	};
	struct load_count cnt = { 0 };
	struct seal_opts seal = SEAL_OPTS_INIT;
	struct kstate st;
	bool all = false, *w = NULL;
	char *pass = NULL;
	int c, rc, i;
	int32_t ring;
	size_t j;

	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		switch (c) {
		case O_ALL:
			all = true;
			break;
		case OPT_RECOVERY:
		case OPT_RECOVERY_FD:
			if (seal_opt(c, optarg, &seal))
				return KX_USAGE;
			break;
		default:
			if (global_opt(c, optarg, load_help, &rc) <= 0)
				return rc;
		}
	}
	if (all && optind < argc) {
		kerr("load: give NAMEs or --all, not both");
		return KX_USAGE;
	}
	for (i = optind; i < argc; i++) {
		if (!valid_name(argv[i])) {
			kerr("load: bad key name '%s'; see ksealctl list",
			     argv[i]);
			return KX_USAGE;
		}
	}
	rc = state_open(&st, g.state_dir, false);
	if (rc)
		goto out;
	for (i = optind; i < argc; i++) {
		if (!state_find(&st, argv[i])) {
			kerr("load: no key '%s' in %s; see ksealctl list",
			     argv[i], g.state_dir);
			rc = KX_USAGE;
			goto out;
		}
	}
	w = calloc(st.n + 1, sizeof(*w));
	if (!w) {
		rc = KX_STATE;
		goto out;
	}
	for (j = 0; j < st.n; j++)
		w[j] = optind >= argc;
	for (i = optind; i < argc; i++)
		want(&st, w, argv[i]);
	if (seal.recovery) {
		pass = read_passphrase("Recovery passphrase: ",
				       seal.recovery_fd);
		if (!pass) {
			rc = KX_USAGE;
			goto out;
		}
	}
	ring = kring(true);
	if (ring < 0) {
		rc = KX_KERNEL;
		goto out;
	}
	/* Two passes: sealed keys, then the data keys they wrap. */
	load_pass(&st, ring, w, 0, pass, &cnt, NULL);
	load_pass(&st, ring, w, 1, pass, &cnt, NULL);
	if (cnt.failed)
		rc = cnt.loaded ? KX_PARTIAL :
		     cnt.refused == cnt.failed ? KX_REFUSED : KX_KERNEL;
	else if (st.nextra)
		rc = KX_PARTIAL;	/* damaged files: reported above */
out:
	free_secret(pass);
	free(w);
	state_close(&st);
	return rc;
}

static const char boot_help[] =
"Usage: ksealctl boot\n"
"What kseal-load.service runs at boot: load every key (load --all); for a\n"
"sealed key the PCR policy refused that has a recovery passphrase, ask for\n"
"it through the system's password agents (systemd-ask-password, for\n"
"RECOVERY_TIMEOUT seconds, 0: do not ask), load the key with it, reseal\n"
"it to the current PCR values and load its data keys; then lock, always,\n"
"whatever failed before. Exit 0 if every key loaded and the lock\n"
"succeeded, else the code of the worst failure (2: some keys not loaded).\n";

#define RECOVERY_TRIES 3

enum ask_result { ASK_ANSWER, ASK_EMPTY, ASK_NOBODY };

/*
 * Asks the password agents (or the terminal, by hand) for the recovery
 * passphrase of @name with @prog, systemd-ask-password's command line.
 * *out is the passphrase with ASK_ANSWER.
 */
static enum ask_result ask_recovery(const char *prog, const char *name,
				    long timeout, int attempt, char **out)
{
	char tmo[32], id[32 + KSEAL_KEY_NAME_MAX], msg[128 + KSEAL_KEY_NAME_MAX];
	char buf[KSEAL_RECOVERY_MAX + 2];
	struct pollfd pfd;
	size_t len = 0;
	int p[2], status = 0, left_ms;
	bool killed = false;
	pid_t pid;

	*out = NULL;
	snprintf(tmo, sizeof(tmo), "--timeout=%ld", timeout);
	snprintf(id, sizeof(id), "--id=kseal:%s", name);
	snprintf(msg, sizeof(msg),
		 "%sRecovery passphrase for kseal key %s (its PCR values changed):",
		 attempt > 1 ? "Wrong passphrase. " : "", name);
	if (pipe2(p, O_CLOEXEC)) {
		kerr("%s: cannot ask for the recovery passphrase: pipe: %s; load it by hand before the lock",
		     name, strerror(errno));
		return ASK_NOBODY;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);	/* without O_CLOEXEC */
		execlp(prog, prog, id, tmo, "--", msg, (char *)NULL);
		fprintf(stderr, "ksealctl: cannot run %s: %s; install systemd or set ASK_PASSWORD in %s\n",
			prog, strerror(errno), g.conf);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		kerr("%s: cannot ask for the recovery passphrase: fork: %s",
		     name, strerror(errno));
		close(p[0]);
		return ASK_NOBODY;
	}
	/* The agent has its own timeout; this one only guards against a hang. */
	left_ms = (int)(timeout + 30) * 1000;
	pfd.fd = p[0];
	pfd.events = POLLIN;
	while (len < sizeof(buf) - 1) {
		ssize_t n;
		int r = poll(&pfd, 1, left_ms > 1000 ? 1000 : left_ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			left_ms -= 1000;
			if (left_ms > 0)
				continue;
			kill(pid, SIGKILL);
			killed = true;
			break;
		}
		if (r < 0)
			break;
		n = read(p[0], buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (killed || !WIFEXITED(status) || WEXITSTATUS(status)) {
		explicit_bzero(buf, sizeof(buf));
		if (killed)
			kerr("%s: %s gave no answer within %ld s; stopped it", name,
			     prog, timeout + 30);
		return ASK_NOBODY;
	}
	if (!buf[0])
		return ASK_EMPTY;
	if (!valid_passphrase(buf)) {
		explicit_bzero(buf, sizeof(buf));
		kerr("%s: the recovery passphrase given is not 1..%d printable characters without spaces",
		     name, KSEAL_RECOVERY_MAX);
		return ASK_EMPTY;
	}
	*out = strdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return *out ? ASK_ANSWER : ASK_NOBODY;
}

/*
 * Binds the loaded sealed key @name to the current PCR values, keeping
 * its recovery passphrase, and saves the blob (a new state generation).
 */
static int reseal_recovered(int32_t ring, const char *name, const char *pass)
{
	struct kstate st;
	struct kkey *k;
	char *payload = NULL, *blob;
	int32_t s;
	int rc;

	rc = state_open(&st, g.state_dir, true);
	if (rc)
		goto out;
	k = state_find(&st, name);
	s = key_loaded(ring, name);
	if (!k || k->kind != KIND_SEALED || s < 0) {
		kerr("%s: gone from %s or from the keyring before its reseal; run ksealctl reseal %s --recovery before the next lock",
		     name, st.dir, name);
		rc = KX_STATE;
		goto out;
	}
	if (asprintf(&payload, "update reseal recovery=%s", pass) < 0) {
		payload = NULL;
		rc = KX_STATE;
		goto out;
	}
	if (kb_update(s, payload, strlen(payload)) < 0) {
		kerr("%s: reseal to the current PCR values failed: %s; %s",
		     name, strerror(errno), request_advice(errno));
		rc = KX_KERNEL;
		goto out;
	}
	blob = key_read_blob(s);
	if (!blob) {
		kerr("%s: reading the resealed blob failed: %s; the old blob stays, the next boot asks again",
		     name, strerror(errno));
		rc = KX_KERNEL;
		goto out;
	}
	key_set_blob(k, blob);
	free(blob);
	k->recovery = true;
	rc = state_commit(&st);
	if (!rc)
		kinfo("resealed %s to the current values of PCRs %s: the next boot loads it without asking",
		      name, k->pcrs);
out:
	free_secret(payload);
	state_close(&st);
	return rc;
}

/*
 * The recovery of one refused key: up to RECOVERY_TRIES passphrases.
 * Returns KX_OK when the key is loaded (resealed or not: *resealed says),
 * else a KX_* code; *nobody when no one answered.
 */
static int recover_one(int32_t ring, const char *name, const char *prog,
		       long timeout, bool *nobody)
{
	struct kstate st;
	struct kkey *k;
	char *pass;
	int try, rc = KX_PARTIAL, why;
	int32_t s;

	for (try = 1; try <= RECOVERY_TRIES; try++) {
		switch (ask_recovery(prog, name, timeout, try, &pass)) {
		case ASK_NOBODY:
			kerr("%s: no recovery passphrase given (no answer within %ld s): it stays unloaded until the next boot",
			     name, timeout);
			*nobody = true;
			return KX_PARTIAL;
		case ASK_EMPTY:
			kerr("%s: no recovery passphrase given: it stays unloaded until the next boot",
			     name);
			return KX_PARTIAL;
		case ASK_ANSWER:
			break;
		}
		rc = state_open(&st, g.state_dir, false);
		k = rc ? NULL : state_find(&st, name);
		s = k ? load_one(ring, k, pass, &why) : -1;
		if (!k && !rc)
			errno = ENOENT;
		if (s >= 0 && blob_authorize(k->blob)) {
			/* Its PCR branch is signed: a reseal would change nothing. */
			state_close(&st);
			free_secret(pass);
			kinfo("loaded %s with its recovery passphrase (serial %d); its PCR policy is signed: sign this boot's state (ksealctl policy sign) and install it so that the next boot loads it without asking",
			      name, s);
			return KX_OK;
		}
		if (s >= 0) {
			state_close(&st);
			kinfo("loaded %s with its recovery passphrase (serial %d)",
			      name, s);
			rc = reseal_recovered(ring, name, pass);
			free_secret(pass);
			/* Loaded: a failed reseal only means asking again. */
			return rc ? KX_PARTIAL : KX_OK;
		}
		free_secret(pass);
		if (!rc && errno == EKEYREJECTED && try < RECOVERY_TRIES) {
			kerr("%s: wrong recovery passphrase (try %d of %d)",
			     name, try, RECOVERY_TRIES);
			state_close(&st);
			continue;
		}
		if (!rc)
			kerr("%s: load with the recovery passphrase failed: %s; %s",
			     name, strerror(errno), errno == EKEYREJECTED ?
			     "wrong passphrase; it stays unloaded until the next boot" :
			     load_advice(errno));
		state_close(&st);
		return rc ? rc : KX_PARTIAL;
	}
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * Boot: the sealed keys whose Tang servers did not answer (@wait) are
 * tried again with a growing pause until TANG_WAIT seconds have passed
 * since @start (the network may still be coming up). A key still
 * unloaded then and that has a recovery passphrase is marked in
 * @refused, so the boot asks for it.
 */
static void tang_retry(struct kstate *st, int32_t ring, bool *wait,
		       bool *refused, struct load_count *cnt, double start)
{
	long limit = tang_wait(), delay = 1;
	size_t j, left = 0;
	int why;

	for (j = 0; j < st->n; j++)
		left += wait[j];
	if (left)
		kinfo("boot: %zu key%s wait%s for Tang servers, up to TANG_WAIT=%ld s",
		      left, left == 1 ? "" : "s", left == 1 ? "s" : "", limit);
	while (left) {
		/* The last try falls on the deadline, not after it. */
		double rem = start + (double)limit - now_s(), pause;
		struct timespec ts;

		if (rem <= 0)
			break;
		pause = rem < (double)delay ? rem : (double)delay;
		ts.tv_sec = (time_t)pause;
		ts.tv_nsec = (long)((pause - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
		delay = delay >= 16 ? 30 : delay * 2;
		for (j = 0; j < st->n; j++) {
			int32_t s;

			if (!wait[j])
				continue;
			s = load_one(ring, &st->keys[j], NULL, &why);
			if (s >= 0) {
				kinfo("loaded %s (serial %d)", st->keys[j].name,
				      s);
				cnt->failed--;
				cnt->loaded++;
			}
			if (s >= 0 || why != KX_REFUSED ||
			    errno != EHOSTUNREACH) {
				wait[j] = false;
				left--;
			}
		}
	}
	for (j = 0; j < st->n; j++) {
		if (!wait[j])
			continue;
		kerr("%s: its Tang servers did not answer within TANG_WAIT=%ld s: %s",
		     st->keys[j].name, limit, has_recovery(&st->keys[j]) ?
		     "asking for its recovery passphrase" :
		     "it stays unloaded until it is loaded by hand (ksealctl load)");
		if (has_recovery(&st->keys[j]))
			refused[j] = true;
	}
}

/* Everything of cmd_boot before the lock; returns the load's KX_* code. */
static int boot_load(void)
{
	struct load_count cnt = { 0 };
	struct kstate st;
	bool *refused = NULL, nobody = false, opened = true;
	char **names = NULL, *v, *prog;
	double start = now_s();
	long timeout = KSEAL_DEFAULT_RECOVERY_TIMEOUT;
	size_t j, nref = 0;
	int rc, extra;
	int32_t ring;

	v = conf_get(g.conf, "RECOVERY_TIMEOUT");
	if (v && *v && parse_int(v, 0, 86400, &timeout)) {
		kerr("boot: RECOVERY_TIMEOUT=%s in %s is not 0..86400 seconds; using %d, fix the file",
		     v, g.conf, KSEAL_DEFAULT_RECOVERY_TIMEOUT);
		timeout = KSEAL_DEFAULT_RECOVERY_TIMEOUT;
	}
	free(v);
	prog = conf_get(g.conf, "ASK_PASSWORD");
	if (!prog || !*prog) {
		free(prog);
		prog = strdup(KSEAL_DEFAULT_ASK_PASSWORD);
	}

	rc = state_open(&st, g.state_dir, false);
	if (rc)
		goto out;
	ring = kring(true);
	if (ring < 0) {
		rc = KX_KERNEL;
		goto out;
	}
	refused = calloc(st.n + 1, sizeof(*refused));
	names = calloc(st.n + 1, sizeof(*names));
	cnt.tang = calloc(st.n + 1, sizeof(*cnt.tang));
	if (!refused || !names || !prog || !cnt.tang) {
		kerr("boot: out of memory; loading nothing, locking");
		rc = KX_STATE;
		goto out;
	}
	load_pass(&st, ring, NULL, 0, NULL, &cnt, refused);
	tang_retry(&st, ring, cnt.tang, refused, &cnt, start);
	for (j = 0; j < st.n; j++)
		if (refused[j])
			names[nref++] = strdup(st.keys[j].name);
	if (nref && timeout) {
		/* The state is locked while open: a reseal writes it. */
		state_close(&st);
		opened = false;
	}
	qsort(names, nref, sizeof(*names), by_name);
	for (j = 0; j < nref; j++) {
		if (!names[j])
			continue;
		if (!timeout) {
			kerr("%s: not asking for its recovery passphrase (RECOVERY_TIMEOUT=0 in %s): it stays unloaded until the next boot",
			     names[j], g.conf);
		} else if (nobody) {
			kerr("%s: not asking for its recovery passphrase: nobody answered for the key before; it stays unloaded until the next boot",
			     names[j]);
		} else if (!recover_one(ring, names[j], prog, timeout,
					&nobody)) {
			cnt.failed--;
			cnt.loaded++;
		}
	}
	/* The data keys, the recovered keys' too. */
	if (!opened) {
		rc = state_open(&st, g.state_dir, false);
		if (rc)
			goto out;
	}
	load_pass(&st, ring, NULL, 1, NULL, &cnt, NULL);
	extra = st.nextra;
	if (cnt.failed)
		rc = cnt.loaded ? KX_PARTIAL : KX_KERNEL;
	else if (extra)
		rc = KX_PARTIAL;	/* damaged files: reported above */
out:
	state_close(&st);
	for (j = 0; j < nref; j++)
		free(names[j]);
	free(names);
	free(refused);
	free(cnt.tang);
	free(prog);
	return rc;
}

int cmd_boot(int argc, char **argv)
{
	static const struct option opts[] = { GLOBAL_LONGOPTS, { 0 } };
	int c, rc, lrc;

	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1)
		if (global_opt(c, optarg, boot_help, &rc) <= 0)
			return rc;
	if (optind < argc) {
		kerr("boot: unexpected argument '%s'; see ksealctl boot --help",
		     argv[optind]);
		return KX_USAGE;
	}
	rc = boot_load();
	/* Always, whatever failed above. */
	lrc = lock_all(true);
	if (lrc)
		return lrc;
	if (rc)
		kerr("boot: locked, but not every key loaded (see above); ksealctl list shows which");
	return rc;
}

static const char list_help[] =
"Usage: ksealctl list [--json]\n"
"List the keys of the state directory: kind, version, policy or wrapping\n"
"key, and whether and under which serial each is loaded. recovery=OLD\n"
"(\"legacy_recovery\": true in JSON) marks a sealed key whose recovery\n"
"passphrase still unseals it after the lock: reseal it before the lock.\n"
"tang T/N marks a key bound to N Tang servers, T of which must answer;\n"
"their URLs follow on lines of their own (no server is asked).\n";

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = { GLOBAL_LONGOPTS, { 0 } };
	struct kstate st;
	json_object *arr = NULL;
	int32_t ring;
	size_t i, nlegacy = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1)
		if (global_opt(c, optarg, list_help, &rc) <= 0)
			return rc;
	if (optind < argc) {
		kerr("list: unexpected argument '%s'; see ksealctl list --help",
		     argv[optind]);
		return KX_USAGE;
	}
	rc = state_open(&st, g.state_dir, false);
	if (rc) {
		state_close(&st);
		return rc;
	}
	ring = kring(false);
	if (g.json)
		arr = json_object_new_array();
	else if (g.verbose >= 0)
		printf("%-20s %-6s %3s %-36s %s\n", "NAME", "KIND", "VER",
		       "POLICY/WRAPPED-BY", "LOADED");
	for (i = 0; i < st.n; i++) {
		struct kkey *k = &st.keys[i];
		int32_t s = key_loaded(ring, k->name);
		bool legacy = k->kind == KIND_SEALED &&
			      blob_legacy_recovery(k->blob);
		char pol[256];

		nlegacy += legacy;

		if (k->kind == KIND_SEALED) {
			int n = 0;

			if (k->pk_name[0])
				n = snprintf(pol, sizeof(pol), "signed-by=%.16s ",
					     k->pk_fp);
			n += snprintf(pol + n, sizeof(pol) - n,
				      "pcrs=%s parent=%s", k->pcrs, k->parent);

			if (k->lock_pcr >= 0)
				n += snprintf(pol + n, sizeof(pol) - n, " lock=%d",
					      k->lock_pcr);
			if (k->recovery || legacy)
				n += snprintf(pol + n, sizeof(pol) - n, "%s",
					      legacy ? " recovery=OLD" :
					      " recovery");
			if (k->tang_n)
				snprintf(pol + n, sizeof(pol) - n,
					 " tang %d/%d", k->tang_t, k->tang_n);
		} else {
			snprintf(pol, sizeof(pol), "%s%s%s", k->wrapped_by,
				 k->logon[0] ? " logon=" : "", k->logon);
		}
		if (arr) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "name",
					       json_object_new_string(k->name));
			json_object_object_add(o, "kind", json_object_new_string(
				k->kind == KIND_SEALED ? "sealed" : "data"));
			json_object_object_add(o, "version",
					       json_object_new_int(k->version));
			json_object_object_add(o, "bytes",
					       json_object_new_int(k->bytes));
			if (k->kind == KIND_SEALED) {
				json_object_object_add(o, "pcrs",
					json_object_new_string(k->pcrs));
				json_object_object_add(o, "parent",
					json_object_new_string(k->parent));
				json_object_object_add(o, "lock_pcr",
					k->lock_pcr >= 0 ?
					json_object_new_int(k->lock_pcr) : NULL);
				json_object_object_add(o, "recovery",
					json_object_new_boolean(k->recovery ||
								legacy));
				json_object_object_add(o, "legacy_recovery",
					json_object_new_boolean(legacy));
				/* The signer of its PCR states, if signed. */
				json_object_object_add(o, "policy_key",
					k->pk_name[0] ?
					json_object_new_string(k->pk_fp) : NULL);
				json_object_object_add(o, "tang",
					k->tang_n ? state_tang_json(k) : NULL);
			} else {
				json_object_object_add(o, "wrapped_by",
					json_object_new_string(k->wrapped_by));
				json_object_object_add(o, "logon", k->logon[0] ?
					json_object_new_string(k->logon) : NULL);
			}
			json_object_object_add(o, "loaded",
					       json_object_new_boolean(s >= 0));
			json_object_object_add(o, "serial", s >= 0 ?
					       json_object_new_int(s) : NULL);
			json_object_object_add(o, "created",
					       json_object_new_int64(k->created));
			json_object_array_add(arr, o);
		} else if (g.verbose >= 0) {
			char ld[24];

			if (s >= 0)
				snprintf(ld, sizeof(ld), "yes (%d)", s);
			else
				snprintf(ld, sizeof(ld), "no");
			printf("%-20s %-6s %3d %-36s %s\n", k->name,
			       k->kind == KIND_SEALED ? "sealed" : "data",
			       k->version, pol, ld);
			/* The servers, one line each, under their key. */
			for (int t = 0; t < k->tang_n; t++)
				printf("%-20s   tang server %d: %s\n", "", t + 1,
				       k->tang[t].url);
		}
	}
	if (arr) {
		printf("%s\n", json_object_to_json_string_ext(arr,
					JSON_C_TO_STRING_PRETTY));
		json_object_put(arr);
	}
	/* On stderr: the table on stdout stays one line per key. */
	if (nlegacy)
		kerr("warning: %zu sealed key%s (recovery=OLD) %s the recovery branch of kseal 0.1, which unseals with the passphrase even after the lock; run ksealctl reseal NAME --recovery before the lock (see ksealctl status)",
		     nlegacy, nlegacy == 1 ? "" : "s",
		     nlegacy == 1 ? "has" : "have");
	if (st.nextra)
		rc = KX_STATE;
	state_close(&st);
	return rc;
}
