// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksealctl lock and shred.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kbackend.h"
#include "ksealctl.h"
#include "state.h"
#include "tpm.h"

static const char lock_help[] =
"Usage: ksealctl lock [--if-configured]\n"
"Extend every lock PCR (LOCK_PCR in the configuration file and the lock\n"
"PCR of each sealed key) with a random value: until the next boot no blob\n"
"bound to them can be unsealed, not even by root with tpm2-tools.\n"
"  --if-configured   exit 0 when no lock PCR is configured (boot unit)\n";

enum { O_IFCONF = OPT_SUB, O_YES };

int cmd_lock(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		{ "if-configured", no_argument, NULL, O_IFCONF },
		{ 0 }
	};
	bool pcr[24] = { false }, any = false, ifconf = false;
	struct kstate st;
	char *v;
	long n;
	size_t i;
	int c, rc, failed = 0;

	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		if (c == O_IFCONF)
			ifconf = true;
		else
			HANDLE_GLOBAL(c, lock_help);
	}
	if (optind < argc) {
		kerr("lock: unexpected argument '%s'; see ksealctl lock --help",
		     argv[optind]);
		return KX_USAGE;
	}
	v = conf_get(g.conf, "LOCK_PCR");
	if (v && *v) {
		if (parse_int(v, 0, 23, &n) || n == 16 || n == 23) {
			kerr("lock: LOCK_PCR=%s in %s is not a PCR 0..23 other than 16 and 23; fix the file",
			     v, g.conf);
			free(v);
			return KX_USAGE;
		}
		pcr[n] = any = true;
	}
	free(v);
	rc = state_open(&st, g.state_dir, false);
	if (rc) {
		state_close(&st);
		return rc;
	}
	for (i = 0; i < st.n; i++) {
		int p = st.keys[i].lock_pcr;

		if (st.keys[i].kind == KIND_SEALED && p >= 0 && p < 24)
			pcr[p] = any = true;
	}
	state_close(&st);
	if (!any) {
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
		if (kb->lock_pcr((unsigned int)i) < 0) {
			kerr("lock: extending PCR %zu through %s/lock failed: %s; is the kseal module loaded and are you root?",
			     i, KSEAL_SYSFS, strerror(errno));
			failed++;
			continue;
		}
		kinfo("locked PCR %zu", i);
	}
	return failed ? KX_KERNEL : KX_OK;
}

static const char shred_help[] =
"Usage: ksealctl shred [--yes]\n"
"Destroy every kseal key for good: evict the parent storage key from the\n"
"TPM (no blob sealed under it can ever load again), revoke and unlink\n"
"every kseal key in the keyring and delete all blobs. Asks for\n"
"confirmation on a terminal; without one, --yes is required.\n"
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

int cmd_shred(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		{ "yes", no_argument, NULL, O_YES },
		{ 0 }
	};
	uint32_t srk = KSEAL_SRK_HANDLE, parent = KSEAL_PARENT_HANDLE;
	enum tpm_handle_state hs;
	struct kb_entry *e = NULL;
	struct kstate st;
	struct tpm *t = NULL;
	bool yes = false;
	int32_t ring;
	long n, i;
	int c, rc, worst = KX_OK;

	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		if (c == O_YES)
			yes = true;
		else
			HANDLE_GLOBAL(c, shred_help);
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
	if (rc) {
		state_close(&st);
		return rc;
	}
	state_read_meta(st.dir, &srk, &parent);
	/* The TPM first: once the parent is gone no copy of a blob loads. */
	rc = tpm_open(&t, g.tcti);
	if (!rc)
		rc = tpm_handle_state(t, parent, &hs);
	if (!rc && hs != TPMH_ABSENT)
		rc = tpm_evict(t, parent);
	if (!rc)
		kinfo("evicted the parent key 0x%08x", parent);
	tpm_close(t);
	worst = rc;
	ring = kring(false);
	n = ring >= 0 ? kb->list(ring, &e) : 0;
	for (i = 0; i < n; i++) {
		if (strcmp(e[i].type, KSEAL_KEY_TYPE))
			continue;
		if (kb->revoke(e[i].serial) < 0 ||
		    kb->unlink(e[i].serial, ring) < 0) {
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
