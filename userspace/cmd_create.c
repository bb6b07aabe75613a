// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksealctl create: a new sealed key, or a data key wrapped by one.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kbackend.h"
#include "ksealctl.h"
#include "policy_key.h"
#include "state.h"
#include "tang.h"
#include "tang_keys.h"

static const char help[] =
"Usage: ksealctl create NAME [--pcrs LIST] [--bytes N] [--lock-pcr N]\n"
"                            [--recovery | --recovery-fd FD] [--policy-key PUB.pem]\n"
"                            [--tang URL [--tang-thp THP]]... [--tang-threshold T] [--yes]\n"
"       ksealctl create NAME --wrapped-by SEALED [--bytes N] [--logon DESC]\n"
"Create a key in the kernel, store its blob in the state directory.\n"
"  --pcrs LIST        PCRs (sha256 bank) the sealed key is bound to\n"
"                     (default " KSEAL_PCR_DEFAULT_LIST ": the boot chain)\n"
"  --bytes N          key size: 32..96 for sealed keys (default 32),\n"
"                     16..128 for data keys (default 64)\n"
"  --lock-pcr N       bind to PCR N too, so ksealctl lock can make the blob\n"
"                     unloadable until reboot (not 16 or 23)\n"
"  --recovery         ask for a recovery passphrase on the terminal\n"
"  --recovery-fd FD   read the recovery passphrase from file descriptor FD\n"
"  --policy-key PUB.pem  bind to PCR states signed with this key (ECDSA P-256\n"
"                     or RSA-2048 public key) instead of the current values;\n"
"                     --pcrs is the selection the signed policies cover\n"
"  --tang URL         also bind to Tang server URL (repeatable, up to 8): the\n"
"                     key then loads only while enough servers answer\n"
"  --tang-thp THP     the thumbprint of the signing key of the i-th --tang\n"
"                     server (tang-show-keys on the server prints it)\n"
"  --tang-threshold T how many of the servers must answer (default: all)\n"
"  --yes              trust --tang servers given without --tang-thp\n"
"  --wrapped-by NAME  create a data key wrapped by sealed key NAME\n"
"  --logon DESC       also offer the data key as logon key DESC (subsys:name)\n";

enum { O_BYTES = OPT_SUB, O_LOCK, O_WRAP, O_LOGON, O_PKEY, O_YES };

struct create_args {
	const char *name, *wrapped_by, *logon, *policy_key;
	long bytes, lock_pcr;
	struct seal_opts seal;
	struct tang_args tang;
	bool yes;
};

static int parse(int argc, char **argv, struct create_args *a)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		PCRS_LONGOPT,
		{ "bytes", required_argument, NULL, O_BYTES },
		{ "lock-pcr", required_argument, NULL, O_LOCK },
		RECOVERY_LONGOPTS,
		{ "wrapped-by", required_argument, NULL, O_WRAP },
		{ "logon", required_argument, NULL, O_LOGON },
		{ "policy-key", required_argument, NULL, O_PKEY },
		TANG_LONGOPTS,
		{ "yes", no_argument, NULL, O_YES },
		{ 0 }
	};
	int c;

	*a = (struct create_args){ .lock_pcr = -1, .seal = SEAL_OPTS_INIT };
	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_PCRS:
		case OPT_RECOVERY:
		case OPT_RECOVERY_FD:
			if (seal_opt(c, optarg, &a->seal))
				return KX_USAGE;
			break;
		case O_BYTES:
			if (parse_int(optarg, 1, 4096, &a->bytes)) {
				kerr("create: bad --bytes '%s'; give a number",
				     optarg);
				return KX_USAGE;
			}
			break;
		case O_LOCK:
			if (parse_int(optarg, 0, 23, &a->lock_pcr) ||
			    a->lock_pcr == 16 || a->lock_pcr == 23) {
				kerr("create: bad --lock-pcr '%s'; use 0..23 except the resettable 16 and 23",
				     optarg);
				return KX_USAGE;
			}
			break;
		case O_WRAP:
			a->wrapped_by = optarg;
			break;
		case O_PKEY:
			a->policy_key = optarg;
			break;
		case OPT_TANG:
		case OPT_TANG_THP:
		case OPT_TANG_THRESHOLD:
			if (tang_arg("create", c, optarg, &a->tang))
				return KX_USAGE;
			break;
		case O_YES:
			a->yes = true;
			break;
		case O_LOGON:
			if (!valid_logon_desc(optarg)) {
				kerr("create: bad --logon '%s'; use subsystem:name without spaces",
				     optarg);
				return KX_USAGE;
			}
			a->logon = optarg;
			break;
		default: {
			int rc = KX_USAGE, r = global_opt(c, optarg, help, &rc);

			/* -1: help or version printed, stop with rc. */
			if (r <= 0)
				return rc == KX_OK ? -1 : rc;
		}
		}
	}
	if (optind + 1 != argc) {
		kerr("create: give exactly one key NAME; see ksealctl create --help");
		return KX_USAGE;
	}
	a->name = argv[optind];
	if (!valid_name(a->name)) {
		kerr("create: bad name '%s'; use 1..%d of A-Z a-z 0-9 . _ - not starting with . or -",
		     a->name, KSEAL_KEY_NAME_MAX);
		return KX_USAGE;
	}
	if (a->wrapped_by && (a->seal.pcrs || a->lock_pcr >= 0 ||
			      a->seal.recovery || a->policy_key)) {
		kerr("create: --pcrs, --lock-pcr, --recovery and --policy-key are for sealed keys, not with --wrapped-by");
		return KX_USAGE;
	}
	if (a->wrapped_by && (a->tang.n || a->tang.nthp || a->tang.threshold)) {
		kerr("create: --tang, --tang-thp and --tang-threshold are for sealed keys, not with --wrapped-by");
		return KX_USAGE;
	}
	if (tang_args_check("create", &a->tang))
		return KX_USAGE;
	if (!a->wrapped_by && a->logon) {
		kerr("create: --logon needs --wrapped-by: only data keys can be logon keys");
		return KX_USAGE;
	}
	if (!a->bytes)
		a->bytes = a->wrapped_by ? 64 : 32;
	if (a->wrapped_by ?
	    (a->bytes < KSEAL_DATA_KEY_MIN || a->bytes > KSEAL_DATA_KEY_MAX) :
	    (a->bytes < KSEAL_SEALED_KEY_MIN || a->bytes > KSEAL_SEALED_NEW_MAX)) {
		/* New sealed keys leave room for the header digest sealed beside them. */
		kerr("create: --bytes %ld out of range; sealed keys take %d..%d, data keys %d..%d",
		     a->bytes, KSEAL_SEALED_KEY_MIN, KSEAL_SEALED_NEW_MAX,
		     KSEAL_DATA_KEY_MIN, KSEAL_DATA_KEY_MAX);
		return KX_USAGE;
	}
	return KX_OK;
}

/*
 * The signer of a key under signed policies: its public key, whose TPM
 * Name the kernel binds the key to. The lock PCR cannot be in the signed
 * selection: its value is the kernel's to check, never a signer's.
 */
static int policy_signer(const struct create_args *a, struct kkey *k)
{
	struct policy_key pk;
	uint32_t mask;
	const char *why;
	char *text = NULL;
	FILE *f = fopen(a->policy_key, "re");
	size_t n;

	if (f) {
		text = calloc(1, 16384);
		n = text ? fread(text, 1, 16383, f) : 0;
		if (text && (ferror(f) || n == 16383)) {
			free(text);
			text = NULL;
		}
		fclose(f);
	}
	if (!text) {
		kerr("create: cannot read --policy-key %s: %s", a->policy_key,
		     f ? "too long or unreadable" : strerror(errno));
		return KX_USAGE;
	}
	if (!policy_key_from_pem(&pk, text, false, &why)) {
		free(text);
		kerr("create: --policy-key %s is %s; give the public key (openssl pkey -pubout) of an ECDSA P-256 or RSA-2048 signing key",
		     a->policy_key, why);
		return KX_USAGE;
	}
	free(text);
	if (a->lock_pcr >= 0 && pcr_mask_parse(k->pcrs, &mask) &&
	    mask & 1U << a->lock_pcr) {
		policy_key_free(&pk);
		kerr("create: --lock-pcr %ld is in --pcrs %s; the signed selection must leave the lock PCR out",
		     a->lock_pcr, k->pcrs);
		return KX_USAGE;
	}
	hex_encode(pk.name, sizeof(pk.name), k->pk_name);
	hex_encode(pk.fp, sizeof(pk.fp), k->pk_fp);
	k->pk_pem = pk.pem;
	pk.pem = NULL;
	policy_key_free(&pk);
	return KX_OK;
}

/*
 * Builds the "new" payload of a sealed key; shared with rotate. @tang:
 * the Tang options of tang_bind, or NULL.
 */
char *sealed_new_payload(const struct kkey *k, const char *parent_name,
			 const char *pass, const char *tang)
{
	size_t len = 512 + (tang ? strlen(tang) : 0);
	char *p = malloc(len);
	int n;

	if (!p)
		return NULL;
	n = snprintf(p, len, "new %d pcrs=%s parent=%s parent_name=%s",
		     k->bytes, k->pcrs, k->parent, parent_name);
	if (k->pk_name[0])
		n += snprintf(p + n, len - n, " policy_key=%s", k->pk_name);
	if (pass)
		n += snprintf(p + n, len - n, " recovery=%s", pass);
	if (k->lock_pcr >= 0)
		n += snprintf(p + n, len - n, " lock=%d", k->lock_pcr);
	if (tang)
		snprintf(p + n, len - n, "%s", tang);
	return p;
}

int cmd_create(int argc, char **argv)
{
	struct create_args a;
	struct kstate st;
	struct kkey *k;
	char *pass = NULL, *payload = NULL, *blob = NULL, *tang = NULL;
	struct ktang servers[TANG_SERVERS_MAX];
	struct kmeta m;
	char pname[2 * KSEAL_BLOB_PARENT_NAME_SIZE + 1];
	int32_t ring, s, wrap = -1;
	size_t i;
	int rc = parse(argc, argv, &a);

	if (rc)
		return rc < 0 ? KX_OK : rc;
	rc = state_open(&st, g.state_dir, true);
	if (rc)
		goto out;
	rc = state_load_meta(st.dir, &m);
	if (rc)
		goto out;
	/* Keys sealed under the SRK would outlive shred, which keeps it. */
	if (!a.wrapped_by &&
	    (m.parent == KSEAL_SRK_HANDLE || m.parent == m.srk)) {
		kerr("create: %s/state.json names the SRK 0x%08x as the kseal parent; refusing to seal under it: run ksealctl provision --force",
		     st.dir, m.parent);
		rc = KX_REFUSED;
		goto out;
	}
	if (state_find(&st, a.name)) {
		kerr("create: key '%s' already exists; pick another name or use ksealctl rotate",
		     a.name);
		rc = KX_USAGE;
		goto out;
	}
	if (!a.wrapped_by) {
		rc = pinned_parent_name(st.dir, "create", pname);
		if (rc)
			goto out;
	}
	/* One logon name, one volume key: the kernel refuses a second export. */
	for (i = 0; a.logon && i < st.n; i++) {
		if (!strcmp(st.keys[i].logon, a.logon)) {
			kerr("create: logon key '%s' is already offered by data key '%s'; pick another --logon",
			     a.logon, st.keys[i].name);
			rc = KX_USAGE;
			goto out;
		}
	}
	ring = kring(true);
	if (ring < 0) {
		rc = KX_KERNEL;
		goto out;
	}
	if (key_loaded(ring, a.name) >= 0) {
		kerr("create: a kseal key '%s' is already in keyring '%s' but not in %s; unlink it first (keyctl unlink)",
		     a.name, g.keyring, st.dir);
		rc = KX_USAGE;
		goto out;
	}
	if (a.wrapped_by) {
		struct kkey *w = state_find(&st, a.wrapped_by);

		if (!w || w->kind != KIND_SEALED) {
			kerr("create: --wrapped-by '%s' is not a sealed key in %s; create it first",
			     a.wrapped_by, st.dir);
			rc = KX_USAGE;
			goto out;
		}
		rc = ensure_loaded(&st, ring, a.wrapped_by, NULL, &wrap);
		if (rc)
			goto out;
	} else if (a.seal.recovery) {
		pass = read_passphrase("Recovery passphrase: ",
				       a.seal.recovery_fd);
		if (!pass) {
			rc = KX_USAGE;
			goto out;
		}
	}
	k = state_new_key(&st, a.name);
	if (!k) {
		rc = KX_STATE;
		goto out;
	}
	k->bytes = (int)a.bytes;
	if (a.wrapped_by) {
		size_t len = 256;

		k->kind = KIND_DATA;
		snprintf(k->wrapped_by, sizeof(k->wrapped_by), "%s",
			 a.wrapped_by);
		if (a.logon)
			snprintf(k->logon, sizeof(k->logon), "%s", a.logon);
		payload = malloc(len);
		if (payload)
			snprintf(payload, len, "new %ld wrap=%d%s%s", a.bytes,
				 wrap, a.logon ? " logon=" : "",
				 a.logon ? a.logon : "");
	} else {
		k->kind = KIND_SEALED;
		snprintf(k->pcrs, sizeof(k->pcrs), "%s",
			 a.seal.pcrs ? a.seal.pcrs : KSEAL_PCR_DEFAULT_LIST);
		snprintf(k->parent, sizeof(k->parent), "0x%08x", m.parent);
		k->lock_pcr = (int)a.lock_pcr;
		k->recovery = pass != NULL;
		if (a.policy_key) {
			rc = policy_signer(&a, k);
			if (rc)
				goto out;
		}
		if (a.tang.n) {
			int t = a.tang.threshold ? (int)a.tang.threshold :
						   a.tang.n;

			rc = tang_bind("create", a.tang.url, a.tang.thp, NULL,
				       a.tang.n, t, a.yes, servers, &tang);
			if (rc)
				goto out;
			memcpy(k->tang, servers, sizeof(servers));
			k->tang_n = a.tang.n;
			k->tang_t = t;
		}
		payload = sealed_new_payload(k, pname, pass, tang);
	}
	if (!payload) {
		rc = KX_STATE;
		goto out;
	}
	if (!logon_session_ok(a.name, a.logon)) {
		rc = KX_KERNEL;
		goto out;
	}
	s = kb_add(KSEAL_KEY_TYPE, a.name, payload, strlen(payload), ring);
	if (s < 0) {
		kerr("create: add_key of '%s' failed: %s; %s", a.name,
		     strerror(errno), a.wrapped_by ? request_advice(errno) :
		     new_sealed_advice(errno));
		rc = KX_KERNEL;
		goto out;
	}
	if (a.logon)
		link_logon(ring, a.name, a.logon);
	blob = key_read_blob(s);
	if (!blob) {
		kerr("create: reading the blob of '%s' failed: %s; the key is loaded but not saved, unlink it and retry",
		     a.name, strerror(errno));
		rc = KX_KERNEL;
		goto out;
	}
	if (k->kind == KIND_SEALED) {
		rc = check_blob_parent(blob, st.dir);
		if (rc) {
			kb_revoke(s);
			kb_unlink(s, ring);
			goto out;
		}
	}
	key_set_blob(k, blob);
	rc = state_commit(&st);
	if (!rc)
		kinfo("created %s key %s (serial %d)%s%.16s%s",
		      k->kind == KIND_SEALED ? "sealed" : "data", a.name, s,
		      k->pk_name[0] ? ", PCR states signed by " : "",
		      k->pk_fp, k->tang_n ? ", bound to Tang servers" : "");
out:
	free(tang);
	free_secret(payload);
	free_secret(pass);
	free(blob);
	state_close(&st);
	return rc;
}
