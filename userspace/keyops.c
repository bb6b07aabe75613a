// SPDX-License-Identifier: GPL-2.0-only
/*
 * Keyring operations shared by the key commands: find the kseal keyring,
 * load a key (wrapping key first), read a blob, explain an errno.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kbackend.h"
#include "ksealctl.h"
#include "state.h"
#include "tang_keys.h"
#include "tpm.h"

int32_t kring(bool create)
{
	kserial_t r = kb_keyring(g.keyring, create);

	if (r < 0 && create)
		kerr("keyring: cannot find or create keyring '%s' in the user keyring: %s; run as root with keyutils support in the kernel",
		     g.keyring, strerror(errno));
	return r;
}

int32_t key_loaded(int32_t ring, const char *name)
{
	if (ring < 0)
		return -1;
	return kb_search(ring, KSEAL_KEY_TYPE, name);
}

const char *load_advice(int err)
{
	switch (err) {
	case EKEYREJECTED:
		return "PCR policy mismatch: use --recovery and then ksealctl reseal";
	case ENOKEY:
		return "parent key missing or not the one this blob was sealed under (another machine, a re-provisioned or shredded TPM), or the wrapping key not loaded: see dmesg";
	case EKEYREVOKED:
		return "the key was revoked: load it again from its blob";
	case EBADMSG:
	case EINVAL:
		return "blob damaged or not for this key type: restore the key file from a backup";
	case ENODEV:
		return "kseal module not loaded or no TPM: modprobe kseal and check ksealctl status";
	case EBUSY:
	case EAGAIN:
		return "the TPM is busy or in dictionary-attack lockout (see ksealctl status), or the key's lock PCR is locked until reboot";
	case EOPNOTSUPP:
		return "the TPM has no sha256 PCR bank, or this kseal module lacks the operation: see dmesg";
	case EACCES:
	case EPERM:
		return "permission denied: run as root";
	case EKEYEXPIRED:
		return "the lock PCR was extended since boot: reboot to load this key";
	case ENODATA:
		return "the key has no blob yet";
	case EEXIST:
		return "a key of that name is loaded, or another kseal key offers the same logon key (see dmesg)";
	default:
		return "see the kernel log (dmesg) for the TPM response code";
	}
}

static char *load_payload(const struct kkey *k, const char *pass,
			  const char *approval, const char *tang)
{
	size_t len = strlen(k->blob) + strlen(approval) +
		     (tang ? strlen(tang) : 0) + 512;
	char *p = malloc(len);

	if (!p)
		return NULL;
	if (k->kind == KIND_SEALED)
		snprintf(p, len, "load %s%s%s%s%s", k->blob,
			 pass ? " recovery=" : "", pass ? pass : "",
			 approval, tang ? tang : "");
	else
		snprintf(p, len, "load %s%s%s", k->blob,
			 k->logon[0] ? " logon=" : "", k->logon);
	return p;
}

/*
 * The module makes a data key's logon key in the session keyring of the
 * process that adds the kseal key, just after add_key returns. That
 * session ends with ksealctl (a boot unit's private session keyring
 * too), so the logon key is linked into the kseal keyring, where root's
 * dm-crypt setups find it through the user keyring. Not fatal: the data
 * key itself is loaded either way.
 */
void link_logon(int32_t ring, const char *name, const char *desc)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	kserial_t l = -1;
	int i;

	for (i = 0; i < 300 && l < 0; i++) {
		l = kb_search(KB_SESSION_RING, "logon", desc);
		if (l < 0)
			nanosleep(&tick, NULL);
	}
	if (l < 0 || kb_link(l, ring) < 0)
		kerr("warning: %s: logon key %s not linked into keyring '%s': %s; dm-crypt outside this session will not find it (see dmesg)",
		     name, desc, g.keyring, strerror(l < 0 ? ENOKEY : errno));
}

/*
 * Without a session keyring the module cannot place the logon key and the
 * add fails with ENOKEY, which reads like a missing wrapping key. The
 * first access installs one; say so plainly if even that fails.
 */
bool logon_session_ok(const char *name, const char *logon)
{
	if (!logon || !logon[0] || kb_session_ring() >= 0)
		return true;
	kerr("%s: no session keyring for its logon key %s: %s; check the key quota of root (/proc/key-users, /proc/sys/kernel/keys/root_maxkeys)",
	     name, logon, strerror(errno));
	return false;
}

int32_t load_one(int32_t ring, const struct kkey *k, const char *pass,
		 int *reported)
{
	char approval[2 * sizeof(TPMT_TK_VERIFIED) + 128] = "", *payload;
	char *tang = NULL;
	kserial_t s;
	int saved;

	*reported = 0;
	/* The recovery branch needs no signed policy. */
	if (k->kind == KIND_SEALED && !pass) {
		*reported = policy_approval(g.state_dir, k, approval,
					    sizeof(approval));
		if (*reported) {
			errno = *reported == KX_REFUSED ? EKEYREJECTED : EIO;
			return -1;
		}
	}
	/*
	 * A Tang-bound key needs its servers' answers first; with the
	 * recovery passphrase the kernel takes the Tang secret from the
	 * blob's recovery wrap instead.
	 */
	if (k->kind == KIND_SEALED && k->tang_n && !pass) {
		*reported = tang_exchange(k, &tang);
		if (*reported) {
			if (*reported != KX_REFUSED)
				errno = EIO;
			return -1;
		}
	}
	payload = load_payload(k, pass, approval, tang);
	free(tang);
	if (!payload) {
		errno = ENOMEM;
		return -1;
	}
	s = kb_add(KSEAL_KEY_TYPE, k->name, payload, strlen(payload), ring);
	saved = errno;
	free_secret(payload);	/* it may hold the recovery passphrase */
	if (s >= 0 && k->kind == KIND_DATA && k->logon[0])
		link_logon(ring, k->name, k->logon);
	errno = saved;
	return s;
}

int ensure_loaded(struct kstate *st, int32_t ring, const char *name,
		  const char *pass, int32_t *serial)
{
	struct kkey *k = state_find(st, name);
	int32_t s;
	int rc;

	if (!k) {
		kerr("%s: no such key in %s; see ksealctl list", name,
		     st->dir);
		return KX_USAGE;
	}
	s = key_loaded(ring, name);
	if (s >= 0) {
		*serial = s;
		return KX_OK;
	}
	if (k->kind == KIND_DATA) {
		int32_t w;

		rc = ensure_loaded(st, ring, k->wrapped_by, pass, &w);
		if (rc)
			return rc;
	}
	if (k->kind == KIND_DATA && !logon_session_ok(name, k->logon))
		return KX_KERNEL;
	s = load_one(ring, k, k->kind == KIND_SEALED ? pass : NULL, &rc);
	if (s < 0 && rc)
		return rc;
	if (s < 0) {
		kerr("%s: load failed: %s; %s", name, strerror(errno),
		     load_advice(errno));
		return KX_KERNEL;
	}
	*serial = s;
	return KX_OK;
}

/* For "new" and "update" payloads, where no blob was involved. */
const char *request_advice(int err)
{
	if (err == EINVAL || err == EBADMSG)
		return "the module rejected the request: check the options and the kernel log (dmesg)";
	return load_advice(err);
}

/* For a "new" payload of a sealed key, which names the pinned parent. */
const char *new_sealed_advice(int err)
{
	if (err == EKEYREJECTED)
		return "the key at the parent handle is not the parent provision recorded for this TPM (another key, or an interposer on the TPM bus): see dmesg and ksealctl status";
	return request_advice(err);
}

char *key_read_blob(int32_t serial)
{
	char *buf = NULL;
	long n = kb_read(serial, &buf);
	long i;

	if (n <= 0) {
		if (n == 0)
			errno = ENODATA;
		free(buf);
		return NULL;
	}
	/* The kernel returns lowercase hex; anything else is not a blob. */
	for (i = 0; i < n; i++) {
		if (!((buf[i] >= '0' && buf[i] <= '9') ||
		      (buf[i] >= 'a' && buf[i] <= 'f'))) {
			free(buf);
			errno = EBADMSG;
			return NULL;
		}
	}
	buf[n] = '\0';
	return buf;
}

/*
 * A new sealed blob names the parent key the kernel sealed it under. If
 * provision recorded parents and none has that Name, the key at the
 * parent handle is not one it made (a primary key put there, say), and
 * shred would not destroy keys sealed under it: such a blob is not saved.
 * (Any recorded TPM's parent passes: a second check behind the kernel's
 * own one of parent_name=.)
 */
int check_blob_parent(const char *blob, const char *dir)
{
	uint8_t name[KSEAL_BLOB_PARENT_NAME_SIZE];
	struct kmeta m;
	uint32_t h;
	size_t i;
	int rc = state_load_meta(dir, &m);

	if (rc)
		return rc;
	if (!m.nparents || !blob_parent(blob, &h, name))
		return KX_OK;
	for (i = 0; i < m.nparents; i++)
		if (h == m.parent && m.parents[i].name_len == sizeof(name) &&
		    !memcmp(m.parents[i].name, name, sizeof(name)))
			return KX_OK;
	kerr("the kernel sealed the key under the key at 0x%08x, which is not the parent recorded in %s/state.json; nothing was saved: check the TPM with ksealctl status and run ksealctl provision",
	     h, dir);
	return KX_REFUSED;
}

/*
 * The value of parent_name= for a new sealed key: the parent Name that
 * provision recorded for this TPM, found by its SRK's Name. The kernel
 * refuses to seal under a key at the parent handle with another Name
 * before any secret goes to the TPM, so an impostor key (an interposer
 * answering for the TPM) never receives one. @what names the command.
 */
int pinned_parent_name(const char *dir, const char *what,
		       char hex[2 * KSEAL_BLOB_PARENT_NAME_SIZE + 1])
{
	const struct kparent *rec = NULL;
	struct tpm_object srk = { 0 };
	struct tpm *t = NULL;
	struct kmeta m;
	int rc = state_load_meta(dir, &m);

	if (rc)
		return rc;
	if (!m.nparents) {
		kerr("%s: no parent key Name recorded in %s/state.json (not provisioned by this version); nothing was created: run ksealctl provision",
		     what, dir);
		return KX_REFUSED;
	}
	/* The SRK's Name only picks the record: the kernel checks the parent. */
	rc = tpm_open(&t, g.tcti);
	if (!rc)
		rc = tpm_read_object(t, m.srk, &srk);
	tpm_close(t);
	if (rc)
		return rc;
	if (srk.present)
		rec = meta_parent(&m, srk.name, srk.name_len);
	if (!rec) {
		kerr("%s: this TPM's SRK at 0x%08x is %s in %s/state.json (another TPM, or an interposer on the TPM bus); nothing was created: run ksealctl provision (with --new-tpm if this state directory moved to another machine)",
		     what, m.srk, srk.present ? "not one recorded" : "missing, none recorded",
		     dir);
		return KX_REFUSED;
	}
	if (rec->name_len != KSEAL_BLOB_PARENT_NAME_SIZE) {
		kerr("%s: the parent Name recorded in %s/state.json is not a sha256 Name; nothing was created: run ksealctl provision",
		     what, dir);
		return KX_REFUSED;
	}
	hex_encode(rec->name, rec->name_len, hex);
	return KX_OK;
}
