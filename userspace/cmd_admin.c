// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksealctl lock and shred.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "kbackend.h"
#include "ksealctl.h"
#include "state.h"
#include "tpm.h"

static const char lock_help[] =
"Usage: ksealctl lock [--if-configured]\n"
"Extend every lock PCR (LOCK_PCR in the configuration file and the lock\n"
"PCR of each sealed key) with a random value: until the next boot no blob\n"
"bound to them can be unsealed, not even by root with tpm2-tools. Every\n"
"key file counts, damaged ones too, and a state directory that cannot be\n"
"read does not stop LOCK_PCR from being locked.\n"
"  --if-configured   exit 0 when no lock PCR is configured (boot unit)\n";

enum { O_IFCONF = OPT_SUB, O_YES };

static void want_pcr(bool pcr[24], long p, const char *from)
{
	if (p < 0 || p > 23 || p == 16 || p == 23) {
		kerr("lock: %s names lock PCR %ld, not a PCR 0..23 other than 16 and 23; it is ignored, correct that file",
		     from, p);
		return;
	}
	pcr[p] = true;
}

/* The lock PCRs a key file names: its "lock_pcr" and its blob header's. */
static void lock_pcrs_of_file(int dirfd, const char *gen, const char *nm,
			      bool pcr[24])
{
	char from[96 + KSEAL_KEY_NAME_MAX], buf[1 << 16];
	json_object *o, *v;
	struct stat sb;
	ssize_t n;
	size_t len = 0;
	uint32_t flags;
	int fd, lp;

	fd = openat(dirfd, nm, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return;
	}
	while (len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	o = json_tokener_parse(buf);
	if (!o)
		return;
	snprintf(from, sizeof(from), "%s/%s", gen, nm);
	if (json_object_is_type(o, json_type_object)) {
		if (json_object_object_get_ex(o, "lock_pcr", &v) &&
		    json_object_is_type(v, json_type_int))
			want_pcr(pcr, (long)json_object_get_int64(v), from);
		if (json_object_object_get_ex(o, "blob", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    sealed_blob_header(json_object_get_string(v), &flags,
				       &lp) && lp >= 0)
			want_pcr(pcr, lp, from);
	}
	json_object_put(o);
}

/*
 * Every file of every generation, not only the keys state_open accepts:
 * a damaged or renamed key file, a broken "current" link or a refused
 * state must not leave its key's lock PCR unlocked.
 */
static int lock_pcrs_of_state(const char *dir, bool pcr[24])
{
	const struct timespec tick = { 0, 100 * 1000 * 1000 };
	struct dirent *de, *fe;
	DIR *d, *gd;
	int dfd, lfd, i;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ENOENT)
			return KX_OK;
		kerr("lock: cannot read %s: %s; only LOCK_PCR of %s is locked, fix the state directory",
		     dir, strerror(errno), g.conf);
		return KX_STATE;
	}
	/* A writer finishing its swap; never wait long: the lock comes first. */
	lfd = openat(dfd, "lock", O_RDONLY | O_CLOEXEC);
	for (i = 0; lfd >= 0 && i < 50 && flock(lfd, LOCK_SH | LOCK_NB); i++)
		nanosleep(&tick, NULL);
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		if (lfd >= 0)
			close(lfd);
		return KX_STATE;
	}
	while ((de = readdir(d))) {
		int gfd;

		if (strncmp(de->d_name, "gen-", 4))
			continue;
		gfd = openat(dirfd(d), de->d_name,
			     O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (gfd < 0)
			continue;
		gd = fdopendir(gfd);
		if (!gd) {
			close(gfd);
			continue;
		}
		while ((fe = readdir(gd)))
			if (fe->d_name[0] != '.')
				lock_pcrs_of_file(gfd, de->d_name, fe->d_name,
						  pcr);
		closedir(gd);
	}
	closedir(d);
	if (lfd >= 0)
		close(lfd);
	return KX_OK;
}

int lock_all(bool ifconf)
{
	bool pcr[24] = { false }, any = false;
	int rc = KX_OK, src, failed = 0;
	char *v;
	long n;
	size_t i;

	v = conf_get(g.conf, "LOCK_PCR");
	if (v && *v) {
		if (parse_int(v, 0, 23, &n) || n == 16 || n == 23) {
			kerr("lock: LOCK_PCR=%s in %s is not a PCR 0..23 other than 16 and 23; the keys' lock PCRs are locked all the same, fix the file",
			     v, g.conf);
			rc = KX_USAGE;
		} else {
			pcr[n] = true;
		}
	}
	free(v);
	src = lock_pcrs_of_state(g.state_dir, pcr);
	if (src && !rc)
		rc = src;
	for (i = 0; i < 24; i++)
		any |= pcr[i];
	if (!any) {
		if (rc)
			return rc;
		if (ifconf) {
			kverbose("lock: no lock PCR configured, nothing to do");
			return KX_OK;
		}
		kerr("lock: no lock PCR configured; set LOCK_PCR in %s or create keys with --lock-pcr",
		     g.conf);
		return KX_USAGE;
	}
	for (i = 0; i < 24; i++) {
		if (!pcr[i])
			continue;
		if (kb_lock_pcr((unsigned int)i) < 0) {
			kerr("lock: extending PCR %zu through %s/lock failed: %s; is the kseal module loaded and are you root?",
			     i, KSEAL_SYSFS, strerror(errno));
			failed++;
			continue;
		}
		kinfo("locked PCR %zu", i);
	}
	return failed ? KX_KERNEL : rc;
}

int cmd_lock(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		{ "if-configured", no_argument, NULL, O_IFCONF },
		{ 0 }
	};
	bool ifconf = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		if (c == O_IFCONF)
			ifconf = true;
		else if (global_opt(c, optarg, lock_help, &rc) <= 0)
			return rc;
	}
	if (optind < argc) {
		kerr("lock: unexpected argument '%s'; see ksealctl lock --help",
		     argv[optind]);
		return KX_USAGE;
	}
	return lock_all(ifconf);
}

static const char shred_help[] =
"Usage: ksealctl shred [--yes]\n"
"Destroy every kseal key for good: evict the parent storage key from the\n"
"TPM (no blob sealed under it can ever load again), revoke and unlink\n"
"every kseal key in the keyring and delete all blobs. Only the parent\n"
"key provision made is evicted (never the SRK or a primary key); if it\n"
"cannot be evicted, nothing is deleted. Asks for confirmation on a\n"
"terminal; without one, --yes is required.\n"
"  --yes   do not ask\n";

static bool confirm(void)
{
	char line[16];

	fputs("This destroys every kseal key on this machine for good. Type YES to continue: ",
	      stderr);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return !strcmp(line, "YES\n");
}

/*
 * Shred evicts one TPM object: the parent key provision made. Anything
 * else at that handle (a primary key, another program's key, a key that
 * replaced kseal's) is left alone, and so is every blob. The Name provision
 * recorded for this TPM (by its SRK's Name) identifies it; without such a
 * record (an older provision, or one on another TPM only) the parent Name
 * inside every sealed blob does.
 */
static int check_parent(struct tpm *t, const struct kstate *st,
			const struct kmeta *m, bool *present)
{
	uint8_t bn[KSEAL_BLOB_PARENT_NAME_SIZE];
	const struct kparent *rec;
	struct tpm_object o, srk;
	size_t i, blobs = 0;
	uint32_t bh;
	int rc;

	if (m->parent == KSEAL_SRK_HANDLE || m->parent == m->srk) {
		kerr("shred: %s/state.json names the SRK 0x%08x as the kseal parent; refusing to evict it, nothing was changed",
		     st->dir, m->parent);
		return KX_REFUSED;
	}
	rc = tpm_read_object(t, m->parent, &o);
	*present = o.present;
	if (rc || !o.present)
		return rc;
	if (o.primary) {
		kerr("shred: 0x%08x holds a primary key, not the kseal parent; refusing to evict it, nothing was changed",
		     m->parent);
		return KX_REFUSED;
	}
	rc = tpm_read_object(t, m->srk, &srk);
	if (rc)
		return rc;
	rec = srk.present ? meta_parent(m, srk.name, srk.name_len) : NULL;
	if (rec) {
		if (o.name_len == rec->name_len &&
		    !memcmp(o.name, rec->name, o.name_len))
			return KX_OK;
		kerr("shred: the key at 0x%08x is not the parent key recorded in %s/state.json (another Name); refusing to evict it, nothing was changed",
		     m->parent, st->dir);
		return KX_REFUSED;
	}
	for (i = 0; i < st->n; i++) {
		const struct kkey *k = &st->keys[i];

		if (k->kind != KIND_SEALED || !blob_parent(k->blob, &bh, bn))
			continue;
		blobs++;
		if (bh != m->parent || o.name_len != sizeof(bn) ||
		    memcmp(o.name, bn, sizeof(bn))) {
			kerr("shred: the key at 0x%08x is not the parent that sealed key %s was made under; refusing to evict it, nothing was changed",
			     m->parent, k->name);
			return KX_REFUSED;
		}
	}
	if (!blobs) {
		kerr("shred: nothing records which key at 0x%08x is the kseal parent (no Name for this TPM in %s/state.json, no sealed blob); refusing to evict it, nothing was changed: run ksealctl provision to record it",
		     m->parent, st->dir);
		return KX_REFUSED;
	}
	return KX_OK;
}

/*
 * The eviction runs in a session salted to the SRK, so that nothing
 * between CPU and TPM can fake its success. When state.json records TPMs,
 * the SRK must be one of them. Without an SRK there is no key to salt to
 * and the eviction goes in a password session, as before.
 */
static int salt_to_srk(struct tpm *t, const struct kstate *st,
		       const struct kmeta *m)
{
	struct tpm_object srk;
	uint8_t name[68];
	size_t len;
	int rc = tpm_read_object(t, m->srk, &srk);

	if (rc || !srk.present)
		return rc;
	rc = tpm_srk(t, m->srk, false, name, &len);
	if (rc)
		return rc;
	if (m->nparents && !meta_parent(m, name, len)) {
		kerr("shred: the SRK at 0x%08x is not one recorded in %s/state.json (another TPM, or a device between CPU and TPM answering for it); refusing to evict, nothing was changed: if this is the right TPM, run ksealctl provision --new-tpm first",
		     m->srk, st->dir);
		return KX_REFUSED;
	}
	return tpm_salt(t);
}

int cmd_shred(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		{ "yes", no_argument, NULL, O_YES },
		{ 0 }
	};
	struct kb_entry *e = NULL;
	struct kstate st;
	struct kmeta m;
	struct tpm *t = NULL;
	bool yes = false, present = false;
	int32_t ring;
	long n, i;
	int c, rc, worst = KX_OK;

	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		if (c == O_YES)
			yes = true;
		else if (global_opt(c, optarg, shred_help, &rc) <= 0)
			return rc;
	}
	if (optind < argc) {
		kerr("shred: unexpected argument '%s'; see ksealctl shred --help",
		     argv[optind]);
		return KX_USAGE;
	}
	if (!yes) {
		if (!isatty(STDIN_FILENO)) {
			kerr("shred: refusing without --yes when stdin is not a terminal");
			return KX_REFUSED;
		}
		if (!confirm()) {
			kerr("shred: not confirmed; nothing was changed");
			return KX_REFUSED;
		}
	}
	rc = state_open(&st, g.state_dir, true);
	if (!rc)
		rc = state_load_meta(st.dir, &m);
	/*
	 * The TPM first: once the parent is gone no copy of a blob loads.
	 * Until it is gone, the blobs stay: they are the way to retry.
	 */
	if (!rc)
		rc = tpm_open(&t, g.tcti);
	if (!rc)
		rc = check_parent(t, &st, &m, &present);
	if (!rc && present)
		rc = salt_to_srk(t, &st, &m);
	if (!rc && present) {
		rc = tpm_evict(t, m.parent);
		if (!rc)
			kinfo("evicted the parent key 0x%08x", m.parent);
	}
	tpm_close(t);
	if (rc) {
		state_close(&st);
		return rc;
	}
	ring = kring(false);
	n = ring >= 0 ? kb_list(ring, &e) : 0;
	for (i = 0; i < n; i++) {
		if (strcmp(e[i].type, KSEAL_KEY_TYPE))
			continue;
		if (kb_revoke(e[i].serial) < 0 ||
		    kb_unlink(e[i].serial, ring) < 0) {
			kerr("shred: revoking key %d (%s) failed: %s; revoke it with keyctl revoke",
			     e[i].serial, e[i].desc, strerror(errno));
			if (!worst)
				worst = KX_KERNEL;
			continue;
		}
		kverbose("revoked %s (serial %d)", e[i].desc, e[i].serial);
	}
	free(e);
	rc = state_wipe(&st);
	if (!rc)
		kinfo("deleted every blob in %s", st.dir);
	else if (!worst)
		worst = rc;
	state_close(&st);
	return worst;
}
