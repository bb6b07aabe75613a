// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksealctl rotate and reseal.
 *
 * Rotating a sealed key makes a new one with the same policy in a staging
 * keyring (same description, so the data keys' view does not change),
 * rewraps every data key under it inside the kernel, and then commits all
 * new blobs as one state generation. Only after that commit is durable is
 * the new key linked into the keyring in place of the old one.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbackend.h"
#include "ksealctl.h"
#include "state.h"
#include "tang_keys.h"

#define STAGING_RING "kseal-staging"

static const char rotate_help[] =
"Usage: ksealctl rotate NAME [--recovery | --recovery-fd FD]\n"
"Data key: add a new version (old versions still decrypt).\n"
"Sealed key: replace it with a new one under the same policy and rewrap\n"
"every data key under it; all blobs are replaced in one atomic step.\n"
"  --recovery         passphrase for the new sealed key, from the terminal\n"
"  --recovery-fd FD   read that passphrase from file descriptor FD\n"
"                     (needed when the old sealed key has one)\n";

static const char reseal_help[] =
"Usage: ksealctl reseal NAME [--pcrs LIST]\n"
"                       [--recovery | --recovery-fd FD | --no-recovery]\n"
"                       [--tang URL [--tang-thp THP]]... [--tang-threshold T] [--yes]\n"
"Bind a loaded sealed key to the current PCR values (after a firmware or\n"
"kernel update: load it with --recovery first) and save the new blob.\n"
"  --pcrs LIST        a new PCR selection (default: keep the current one)\n"
"  --recovery         keep the recovery passphrase: ask for it on the terminal\n"
"  --recovery-fd FD   keep it, reading it from file descriptor FD\n"
"  --no-recovery      drop the recovery passphrase\n"
"  --tang URL         bind to these Tang servers instead (as create does);\n"
"                     without it a Tang-bound key is bound again to its\n"
"                     recorded servers' current exchange keys, each server\n"
"                     verified with its recorded thumbprint (after a Tang\n"
"                     key rotation, while the old key is still served)\n"
"  --tang-thp THP, --tang-threshold T, --yes   as for create\n"
"A key with a recovery passphrase needs one of the last three: the kernel\n"
"does not keep the passphrase.\n";

enum { O_NOREC = OPT_SUB, O_YES };

/*
 * @what names the request in messages; the payload itself is never
 * printed: it may hold the recovery passphrase.
 */
static int update_and_read(int32_t s, const char *payload, const char *what,
			   struct kkey *k)
{
	char *blob;

	if (kb_update(s, payload, strlen(payload)) < 0) {
		kerr("%s: keyctl update (%s) failed: %s; %s", k->name, what,
		     strerror(errno), request_advice(errno));
		return KX_KERNEL;
	}
	blob = key_read_blob(s);
	if (!blob) {
		kerr("%s: reading the new blob failed: %s; nothing was saved, reload the key and retry",
		     k->name, strerror(errno));
		return KX_KERNEL;
	}
	key_set_blob(k, blob);
	free(blob);
	return KX_OK;
}

static int rotate_sealed(struct kstate *st, int32_t ring, struct kkey *k,
			 int32_t old, const char *pass)
{
	struct ktang servers[TANG_SERVERS_MAX];
	int32_t stage, s, d;
	char *payload, upd[64], *tang = NULL;
	char pname[2 * KSEAL_BLOB_PARENT_NAME_SIZE + 1];
	size_t i;
	int rc;

	if (k->recovery && !pass) {
		kerr("rotate: %s has a recovery passphrase; give one for the new key with --recovery or --recovery-fd",
		     k->name);
		return KX_USAGE;
	}
	/* Every data key must be in the kernel to be rewrapped there. */
	for (i = 0; i < st->n; i++) {
		if (st->keys[i].kind != KIND_DATA || st->keys[i].removed ||
		    strcmp(st->keys[i].wrapped_by, k->name))
			continue;
		rc = ensure_loaded(st, ring, st->keys[i].name, NULL, &d);
		if (rc)
			return rc;
	}
	rc = pinned_parent_name(st->dir, "rotate", pname);
	if (rc)
		return rc;
	/* The new key binds to the servers' current exchange keys. */
	if (k->tang_n) {
		rc = tang_rebind("rotate", k, servers, &tang);
		if (rc)
			return rc;
	}
	stage = kb_new_keyring(STAGING_RING);
	if (stage < 0) {
		kerr("rotate: cannot create the staging keyring: %s; check the keyring quota",
		     strerror(errno));
		return KX_KERNEL;
	}
	payload = sealed_new_payload(k, pname, pass, tang);
	free(tang);
	if (!payload) {
		rc = KX_STATE;
		goto out;
	}
	s = kb_add(KSEAL_KEY_TYPE, k->name, payload, strlen(payload), stage);
	free_secret(payload);
	if (s < 0) {
		kerr("rotate: creating the new sealed key failed: %s; %s",
		     strerror(errno), new_sealed_advice(errno));
		rc = KX_KERNEL;
		goto out;
	}
	payload = key_read_blob(s);
	if (!payload) {
		kerr("rotate: reading the new sealed blob failed: %s; nothing changed",
		     strerror(errno));
		rc = KX_KERNEL;
		goto out;
	}
	rc = check_blob_parent(payload, st->dir);
	if (rc) {
		free(payload);
		goto out;
	}
	key_set_blob(k, payload);
	free(payload);
	k->version++;
	if (k->tang_n)
		memcpy(k->tang, servers, sizeof(servers));
	snprintf(upd, sizeof(upd), "update rewrap=%d", s);
	for (i = 0; i < st->n; i++) {
		struct kkey *dk = &st->keys[i];

		if (dk->kind != KIND_DATA || dk->removed ||
		    strcmp(dk->wrapped_by, k->name))
			continue;
		d = key_loaded(ring, dk->name);
		rc = d < 0 ? KX_KERNEL : update_and_read(d, upd, "rewrap", dk);
		if (rc) {
			kerr("rotate: nothing was saved; the old blobs stay in use, load them again after a reboot or ksealctl shred of the kernel copies");
			goto out;
		}
	}
	rc = state_commit(st);
	if (rc)
		goto out;
	/* Durable now: put the new key in place of the old one. */
	if (kb_link(s, ring) < 0)
		kerr("rotate: saved, but linking the new key into '%s' failed: %s; run ksealctl load",
		     g.keyring, strerror(errno));
	else if (old >= 0 && old != s)
		kb_revoke(old);
	kinfo("rotated sealed key %s (serial %d)", k->name, s);
out:
	kb_drop_keyring(stage);
	return rc;
}

int cmd_rotate(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		RECOVERY_LONGOPTS,
		{ 0 }
	};
	struct seal_opts seal = SEAL_OPTS_INIT;
	struct kstate st;
	struct kkey *k;
	char *pass = NULL;
	int32_t ring, s;
	int c, rc;

	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_RECOVERY:
		case OPT_RECOVERY_FD:
			if (seal_opt(c, optarg, &seal))
				return KX_USAGE;
			break;
		default:
			if (global_opt(c, optarg, rotate_help, &rc) <= 0)
				return rc;
		}
	}
	if (optind + 1 != argc || !valid_name(argv[optind])) {
		kerr("rotate: give exactly one valid key NAME; see ksealctl rotate --help");
		return KX_USAGE;
	}
	rc = state_open(&st, g.state_dir, true);
	if (rc)
		goto out;
	k = state_find(&st, argv[optind]);
	if (!k) {
		kerr("rotate: no key '%s' in %s; see ksealctl list",
		     argv[optind], st.dir);
		rc = KX_USAGE;
		goto out;
	}
	/*
	 * A logon export carries the version current at load: after a
	 * rotation the next boot would give dm-crypt a key that does not
	 * decrypt what the volume holds.
	 */
	if (k->kind == KIND_DATA && k->logon[0]) {
		kerr("rotate: data key '%s' is dm-crypt's key %s: a new version would not decrypt the data already written; nothing changed (re-encrypt onto a volume with a new key instead)",
		     k->name, k->logon);
		rc = KX_REFUSED;
		goto out;
	}
	if (seal.recovery && k->kind == KIND_SEALED) {
		pass = read_passphrase("New recovery passphrase: ",
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
	rc = ensure_loaded(&st, ring, k->name, NULL, &s);
	if (rc)
		goto out;
	if (k->kind == KIND_SEALED) {
		rc = rotate_sealed(&st, ring, k, s, pass);
	} else {
		rc = update_and_read(s, "update rotate", "rotate", k);
		if (!rc) {
			k->version++;
			rc = state_commit(&st);
		}
		if (!rc)
			kinfo("rotated data key %s to version %d", k->name,
			      k->version);
	}
out:
	free_secret(pass);
	state_close(&st);
	return rc;
}

int cmd_reseal(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		PCRS_LONGOPT,
		RECOVERY_LONGOPTS,
		{ "no-recovery", no_argument, NULL, O_NOREC },
		TANG_LONGOPTS,
		{ "yes", no_argument, NULL, O_YES },
		{ 0 }
	};
	struct seal_opts seal = SEAL_OPTS_INIT;
	struct tang_args ta = { .n = 0 };
	struct ktang servers[TANG_SERVERS_MAX];
	bool norec = false, yes = false;
	char *pass = NULL, *payload = NULL, *tang = NULL;
	struct kstate st;
	struct kkey *k;
	int32_t ring, s;
	int c, rc;

	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_PCRS:
		case OPT_RECOVERY:
		case OPT_RECOVERY_FD:
			if (seal_opt(c, optarg, &seal))
				return KX_USAGE;
			break;
		case O_NOREC:
			norec = true;
			break;
		case OPT_TANG:
		case OPT_TANG_THP:
		case OPT_TANG_THRESHOLD:
			if (tang_arg("reseal", c, optarg, &ta))
				return KX_USAGE;
			break;
		case O_YES:
			yes = true;
			break;
		default:
			if (global_opt(c, optarg, reseal_help, &rc) <= 0)
				return rc;
		}
	}
	if (optind + 1 != argc || !valid_name(argv[optind])) {
		kerr("reseal: give exactly one valid key NAME; see ksealctl reseal --help");
		return KX_USAGE;
	}
	if (seal.recovery && norec) {
		kerr("reseal: --recovery and --no-recovery exclude each other");
		return KX_USAGE;
	}
	if (tang_args_check("reseal", &ta))
		return KX_USAGE;
	if (!ta.n && (ta.nthp || ta.threshold)) {
		kerr("reseal: --tang-thp and --tang-threshold go with --tang servers");
		return KX_USAGE;
	}
	rc = state_open(&st, g.state_dir, true);
	if (rc)
		goto out;
	k = state_find(&st, argv[optind]);
	if (!k || k->kind != KIND_SEALED) {
		kerr("reseal: '%s' is not a sealed key in %s; see ksealctl list",
		     argv[optind], st.dir);
		rc = KX_USAGE;
		goto out;
	}
	ring = kring(true);
	s = key_loaded(ring, k->name);
	if (s < 0) {
		kerr("reseal: %s is not loaded; run ksealctl load %s (with --recovery if the PCRs changed) first",
		     k->name, k->name);
		rc = KX_KERNEL;
		goto out;
	}
	/*
	 * The kernel never keeps the recovery passphrase, so resealing keeps
	 * the recovery branch only if the passphrase is given again; losing
	 * it silently would remove the admin's way back.
	 */
	if (k->recovery && !seal.recovery && !norec) {
		kerr("reseal: %s has a recovery passphrase, which the kernel does not keep: give it again with --recovery or --recovery-fd, or drop it with --no-recovery",
		     k->name);
		rc = KX_REFUSED;
		goto out;
	}
	if (seal.recovery) {
		pass = read_passphrase("Recovery passphrase: ",
				       seal.recovery_fd);
		if (!pass) {
			rc = KX_USAGE;
			goto out;
		}
	}
	if (ta.n) {
		rc = tang_bind("reseal", ta.url, ta.thp, NULL, ta.n,
			       ta.threshold ? (int)ta.threshold : ta.n, yes,
			       servers, &tang);
		if (rc)
			goto out;
	} else if (k->tang_n) {
		rc = tang_rebind("reseal", k, servers, &tang);
		if (rc)
			goto out;
	}
	if (asprintf(&payload, "update reseal%s%s%s%s%s",
		     seal.pcrs ? " pcrs=" : "",
		     seal.pcrs ? seal.pcrs : "",
		     pass ? " recovery=" : "", pass ? pass : "",
		     tang ? tang : "") < 0) {
		payload = NULL;
		kerr("reseal: out of memory");
		rc = KX_STATE;
		goto out;
	}
	rc = update_and_read(s, payload, "reseal", k);
	if (!rc) {
		if (seal.pcrs)
			snprintf(k->pcrs, sizeof(k->pcrs), "%s",
				 seal.pcrs);
		k->recovery = pass != NULL;
		if (ta.n) {
			k->tang_n = ta.n;
			k->tang_t = ta.threshold ? (int)ta.threshold : ta.n;
		}
		if (tang)
			memcpy(k->tang, servers, sizeof(servers));
		rc = state_commit(&st);
	}
	if (!rc)
		kinfo("resealed %s to the current values of PCRs %s%s%s",
		      k->name, k->pcrs,
		      pass ? ", with its recovery passphrase" : "",
		      tang ? ", bound to its Tang servers' current keys" : "");
out:
	free(tang);
	free_secret(payload);
	free_secret(pass);
	state_close(&st);
	return rc;
}
