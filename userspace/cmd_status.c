// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksealctl status: the security posture of this machine, one line per
 * check with OK or WARN and what to do.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "ksealctl.h"
#include "state.h"
#include "tang.h"
#include "tang_keys.h"
#include "tpm.h"

#define SECURE_BOOT_VAR "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"

static const char help[] =
"Usage: ksealctl status [--json]\n"
"Check TPM, SRK and parent key, lockout, PCR banks, the kseal module,\n"
"kernel lockdown, Secure Boot, swap, hibernation, sealed keys with the old\n"
"recovery branch, sealed keys bound to no boot-chain PCR (PCR 7 alone),\n"
"and whether keys under signed PCR policies have a signed state for the\n"
"current PCRs. For keys bound to Tang servers, asks each server for its\n"
"advertisement (TANG_TIMEOUT): reachable, signed by the pinned key, and\n"
"still advertising the exchange key the blob is bound to.\n"
"Exit 0 if all are OK, 6 if any check warns.\n";

struct report {
	json_object *arr;
	int warns;
};

static void check(struct report *r, const char *name, bool ok,
		  const char *detail, const char *advice)
{
	if (!ok)
		r->warns++;
	if (r->arr) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "check", json_object_new_string(name));
		json_object_object_add(o, "status",
				       json_object_new_string(ok ? "OK" : "WARN"));
		json_object_object_add(o, "detail",
				       json_object_new_string(detail));
		json_object_object_add(o, "advice", ok ? NULL :
				       json_object_new_string(advice));
		json_object_array_add(r->arr, o);
		return;
	}
	if (g.verbose < 0)
		return;
	printf("%-4s %-12s %s\n", ok ? "OK" : "WARN", name, detail);
	if (!ok)
		printf("     %-12s -> %s\n", "", advice);
}

/* First line of a small file, without the newline; NULL if unreadable. */
static char *read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	char *p;

	if (!f)
		return NULL;
	p = fgets(buf, (int)len, f);
	fclose(f);
	if (p)
		buf[strcspn(buf, "\n")] = '\0';
	return p;
}

/*
 * Whether the key at the parent handle is the one provision recorded for
 * this TPM (by its SRK's Name). The parent's Name is read in a session
 * salted to the recorded SRK, so a device between CPU and TPM cannot
 * answer with the recorded Name.
 */
static void check_parent_name(struct report *r, struct tpm *t, uint32_t srk,
			      uint32_t parent)
{
	const struct kparent *rec;
	struct tpm_object o;
	struct kmeta m;
	uint8_t name[68];
	size_t len;
	char d[256];

	if (tpm_read_object(t, srk, &o) || !o.storage ||
	    tpm_srk(t, srk, false, name, &len))
		return;		/* the srk check says what is wrong */
	if (state_load_meta_quiet(g.state_dir, &m) || !m.nparents) {
		check(r, "parent-name", false,
		      "no TPM recorded in state.json",
		      "run ksealctl provision: it records the Names of the SRK and the parent key that create and the kernel check");
		return;
	}
	rec = meta_parent(&m, name, len);
	if (!rec) {
		check(r, "parent-name", false,
		      "the SRK is not one recorded in state.json: this is not the TPM provisioned (another TPM, or an interposer on the TPM bus answering for it)",
		      "if the TPM was replaced or cleared, or this disk moved to another machine, run ksealctl provision --new-tpm; otherwise look for what sits on the TPM bus");
		return;
	}
	if (tpm_salt(t) || tpm_read_object(t, parent, &o) || !o.present)
		return;		/* the parent check says what is wrong */
	if (o.name_len == rec->name_len &&
	    !memcmp(o.name, rec->name, o.name_len)) {
		snprintf(d, sizeof(d), "0x%08x is the parent provision recorded for this TPM",
			 parent);
		check(r, "parent-name", true, d, "");
		return;
	}
	snprintf(d, sizeof(d), "0x%08x is not the parent provision recorded: another key there, or this is not the TPM provisioned (another TPM, or an interposer on the TPM bus answering for it)",
		 parent);
	check(r, "parent-name", false, d,
	      "do not create keys until you know why; if the key was replaced on purpose, run ksealctl provision to record it (keys sealed under the old one no longer load)");
}

static void check_tpm(struct report *r)
{
	static const struct {
		const char *name;
		uint32_t handle;
	} h[] = {
		{ "srk", KSEAL_SRK_HANDLE },
		{ "parent", KSEAL_PARENT_DEFAULT },
	};
	uint32_t srk = KSEAL_SRK_HANDLE, parent = KSEAL_PARENT_DEFAULT;
	struct tpm_info info;
	struct tpm *t;
	char d[160];
	size_t i;

	state_read_meta(g.state_dir, &srk, &parent);
	if (tpm_open(&t, g.tcti) || tpm_get_info(t, &info)) {
		tpm_close(t);
		check(r, "tpm", false, "no TPM reachable",
		      "kseal needs a TPM 2.0: enable it in firmware, or pass --tcti");
		return;
	}
	snprintf(d, sizeof(d), "TPM %s rev %u.%02u, manufacturer %s",
		 info.family, info.revision / 100, info.revision % 100,
		 info.manufacturer);
	check(r, "tpm", info.family[0] == '2', d,
	      "kseal needs a TPM 2.0; a 1.2 TPM cannot be used");
	for (i = 0; i < 2; i++) {
		enum tpm_handle_state st = TPMH_ABSENT;
		uint32_t handle = i ? parent : srk;

		if (tpm_handle_state(t, handle, &st))
			st = TPMH_OTHER;
		snprintf(d, sizeof(d), "0x%08x %s", handle,
			 st == TPMH_STORAGE ? "present" :
			 st == TPMH_ABSENT ? "absent" : "holds another object");
		check(r, h[i].name, st == TPMH_STORAGE, d,
		      st == TPMH_ABSENT && i ?
		      "the parent key is gone (shredded?): blobs sealed under it cannot load; run ksealctl provision for new keys" :
		      "run ksealctl provision (with --force to replace a foreign object)");
	}
	check_parent_name(r, t, srk, parent);
	snprintf(d, sizeof(d), "%s, %u of %u failures, interval %u s, recovery %u s",
		 info.in_lockout ? "in lockout" : "not in lockout",
		 info.lockout_counter, info.max_auth_fail,
		 info.lockout_interval, info.lockout_recovery);
	check(r, "lockout", !info.in_lockout && !info.lockout_counter, d,
	      "authorization failures were counted: find their cause; the counter decreases over time");
	snprintf(d, sizeof(d), "banks %s", info.banks[0] ? info.banks : "none");
	check(r, "pcr-banks", info.sha256_bank, d,
	      "allocate the sha256 PCR bank in firmware or with tpm2 pcrallocate");
	tpm_close(t);
}

static void check_kernel(struct report *r, size_t nkeys, size_t damaged)
{
	char buf[256], d[320];
	FILE *f;
	int lines = 0;
	bool hib;

	if (access("/sys/module/kseal", F_OK) == 0) {
		if (!read_line("/sys/module/kseal/version", buf, sizeof(buf)))
			snprintf(buf, sizeof(buf), "unknown");
		snprintf(d, sizeof(d), "kseal module loaded, version %s", buf);
		check(r, "module", true, d, "");
		/*
		 * The kernel taints with 'E' a module loaded without a
		 * signature it could verify.
		 */
		if (!read_line("/sys/module/kseal/taint", buf, sizeof(buf)))
			buf[0] = '\0';
		check(r, "module-signed", !strchr(buf, 'E'),
		      strchr(buf, 'E') ? "kseal module not signed by a key the kernel trusts" :
		      "kseal module signature verified",
		      "sign it (make sign, or DKMS with an enrolled MOK key) so lockdown can hold");
		/* The module's own gate: unseal only under the lockdown asked for. */
		if (!read_line("/sys/module/kseal/parameters/require_lockdown",
			       buf, sizeof(buf)))
			snprintf(buf, sizeof(buf), "unknown");
		snprintf(d, sizeof(d), "require_lockdown=%s", buf);
		check(r, "require-lockdown", !strcmp(buf, "confidentiality"), d,
		      "kseal unseals whatever the lockdown: set 'options kseal require_lockdown=confidentiality' in /etc/modprobe.d once the kernel boots with lockdown=confidentiality");
	} else {
		check(r, "module", false, "kseal module not loaded",
		      "modprobe kseal (and list it in /etc/modules-load.d)");
	}
	snprintf(d, sizeof(d), "%zu keys in %s%s", nkeys, g.state_dir,
		 damaged ? ", some files damaged" : "");
	check(r, "keys", !damaged, d,
	      "run ksealctl list to see the damaged files and restore them");

	if (!read_line("/sys/kernel/security/lockdown", buf, sizeof(buf))) {
		check(r, "lockdown", false, "kernel lockdown not available",
		      "root can read kernel memory: boot a kernel with lockdown=confidentiality");
	} else {
		snprintf(d, sizeof(d), "lockdown: %s", buf);
		check(r, "lockdown", strstr(buf, "[confidentiality]") != NULL, d,
		      "root can read kernel memory and so the keys: add lockdown=confidentiality to the kernel command line (Secure Boot alone gives Debian's kernel integrity mode, where root still reads kernel memory through /proc/kcore or BPF)");
	}

	f = fopen(SECURE_BOOT_VAR, "re");
	if (!f) {
		check(r, "secure-boot", false,
		      access("/sys/firmware/efi", F_OK) ? "not UEFI" :
		      "Secure Boot variable missing",
		      "without Secure Boot the boot chain is only as good as the PCR policy: bind to PCR 7 and enable it");
	} else {
		unsigned char v[5] = { 0 };
		size_t n = fread(v, 1, sizeof(v), f);

		fclose(f);
		/* 4 bytes of attributes, then the value. */
		check(r, "secure-boot", n == 5 && v[4] == 1,
		      n == 5 && v[4] == 1 ? "Secure Boot enabled" :
		      "Secure Boot disabled",
		      "enable Secure Boot in firmware, then reseal keys bound to PCR 7");
	}

	f = fopen("/proc/swaps", "re");
	if (f) {
		while (fgets(buf, sizeof(buf), f))
			lines++;
		fclose(f);
	}
	check(r, "swap", lines <= 1, lines <= 1 ? "no swap active" :
	      "swap active",
	      "use encrypted swap with a random key per boot so no memory reaches disk in clear");

	hib = read_line("/sys/power/state", buf, sizeof(buf)) &&
	      strstr(buf, "disk");
	if (hib && read_line("/proc/cmdline", buf, sizeof(buf)))
		hib = strstr(buf, "resume=") != NULL;
	else
		hib = false;
	check(r, "hibernation", !hib, hib ? "hibernation to disk possible" :
	      "hibernation to disk not set up",
	      "kseal drops its keys before hibernating (load them again after resume), but dm-crypt volume keys stay in the image: remove resume=");
}

/*
 * Sealed keys with the recovery branch of kseal 0.1 (policy generation 1):
 * PolicyAuthValue alone, so the passphrase unseals them after the lock.
 */
static void check_recovery(struct report *r, const struct kstate *st)
{
	char d[256], names[160] = "";
	size_t i, n = 0, len = 0;

	for (i = 0; i < st->n; i++) {
		const struct kkey *k = &st->keys[i];

		if (k->kind != KIND_SEALED || !blob_legacy_recovery(k->blob))
			continue;
		if (len < sizeof(names))
			len += (size_t)snprintf(names + len, sizeof(names) - len,
						"%s%s", n ? ", " : "", k->name);
		n++;
	}
	if (!n)
		snprintf(d, sizeof(d), "no sealed key with the old recovery branch");
	else
		snprintf(d, sizeof(d), "%zu sealed key%s with the old recovery branch, which unseals after the lock: %s",
			 n, n == 1 ? "" : "s", names);
	check(r, "recovery", !n, d,
	      "reseal each with ksealctl reseal NAME --recovery before the lock (keys with a lock PCR: at boot, e.g. booted with systemd.mask=kseal-load.service, then ksealctl lock)");
}

/*
 * Each Tang server of each Tang-bound key: reachable, its advertisement
 * verified with the recorded pin, and the recorded exchange key still
 * advertised. A rotated server still answers for its old key while the
 * old key is served (hidden), so the fix is a reseal before it goes.
 */
static void check_tang(struct report *r, const struct kstate *st)
{
	long timeout = tang_timeout();
	size_t i, j;
	int t;

	for (i = 0; i < st->n; i++) {
		const struct kkey *k = &st->keys[i];

		for (t = 0; t < k->tang_n; t++) {
			const struct ktang *s = &k->tang[t];
			struct tang_adv adv;
			struct tang_body b;
			const char *what;
			char why[160], d[KSEAL_TANG_URL_MAX + 256], a[160];
			char path[16 + sizeof(s->thp)];
			bool ok = false, kid = false;

			/* Signed by the pinned key too, even once rotated. */
			snprintf(path, sizeof(path), "adv%s%s",
				 s->jwk[0] ? "/" : "", s->jwk[0] ? s->thp : "");
			if (tang_http(s->url, path, NULL, timeout, &b, why,
				      sizeof(why))) {
				snprintf(d, sizeof(d), "%s: Tang server %s: %s",
					 k->name, s->url, why);
				snprintf(a, sizeof(a),
					 "bring the server back before the next boot needs it (tang %d/%d)",
					 k->tang_t, k->tang_n);
				check(r, "tang", false, d, a);
				continue;
			}
			if (tang_adv_parse(b.buf, b.len, s->thp,
					   s->jwk[0] ? s->jwk : NULL, &adv,
					   &what)) {
				snprintf(d, sizeof(d), "%s: Tang server %s: advertisement refused: %s",
					 k->name, s->url, what);
				free(b.buf);
				check(r, "tang", false, d,
				      "check the server's keys (tang-show-keys) against the recorded thp (ksealctl list --json)");
				continue;
			}
			free(b.buf);
			for (j = 0; j < adv.nkids; j++)
				kid |= !strcmp(adv.kids[j], s->kid);
			if (kid)
				snprintf(d, sizeof(d), "%s: Tang server %s reachable, key %.12s advertised",
					 k->name, s->url, s->kid);
			else
				snprintf(d, sizeof(d), "%s: Tang server %s: rotated: key %.12s is no longer advertised",
					 k->name, s->url, s->kid);
			snprintf(a, sizeof(a),
				 "run ksealctl reseal %s while the old key is still served",
				 k->name);
			ok = kid;
			check(r, "tang", ok, d, a);
		}
	}
}

/*
 * Keys under signed PCR policies: their signer and selection, and whether
 * a signed state is installed for the current PCRs (else the key loaded
 * with its recovery passphrase, and the next boot in this state asks too).
 */
static void check_signed(struct report *r, const struct kstate *st)
{
	char d[320];
	size_t i, n;
	bool cur;

	for (i = 0; i < st->n; i++) {
		const struct kkey *k = &st->keys[i];

		if (k->kind != KIND_SEALED || !blob_authorize(k->blob))
			continue;
		if (policy_signed_state(st->dir, k, &n, &cur)) {
			n = 0;
			cur = false;
		}
		snprintf(d, sizeof(d), "%s: PCRs %s signed by %.16s, %zu signed state%s installed, %s the current one",
			 k->name, k->pcrs, k->pk_fp, n, n == 1 ? "" : "s",
			 cur ? "one is" : "none is");
		check(r, "signed-policy", cur, d,
		      "sign this boot's PCR state (ksealctl policy predict on this machine, policy sign on the signing workstation) and run ksealctl policy install, or the next boot in this state asks for the recovery passphrase");
	}
}

/*
 * PCRs that measure the boot chain after the firmware: 4 (shim, GRUB, the
 * kernel or a UKI), 8 and 9 (GRUB's commands and files; the EFI stub's
 * command line and initrd), 11 and 12 (a UKI's sections and command line,
 * measured by systemd-stub). PCR 7 records which keys Secure Boot trusts,
 * not which of the kernels they signed was booted.
 */
#define BOOT_CHAIN_PCRS	(1U << 4 | 1U << 8 | 1U << 9 | 1U << 11 | 1U << 12)

/* Sealed keys that any kernel, initramfs and command line unseal. */
static void check_boot_chain(struct report *r, const struct kstate *st)
{
	char d[512], names[400] = "", pcrs[72];
	size_t i, n = 0, len = 0;
	uint32_t mask;

	for (i = 0; i < st->n; i++) {
		const struct kkey *k = &st->keys[i];

		if (k->kind != KIND_SEALED || !sealed_blob_pcrs(k->blob, &mask) ||
		    mask & BOOT_CHAIN_PCRS)
			continue;
		pcr_mask_format(mask, pcrs, sizeof(pcrs));
		if (!pcrs[0])
			snprintf(pcrs, sizeof(pcrs), "none");
		if (len < sizeof(names))
			len += (size_t)snprintf(names + len, sizeof(names) - len,
						"%s%s (PCRs %s)", n ? ", " : "",
						k->name, pcrs);
		n++;
	}
	if (!n)
		snprintf(d, sizeof(d), "every sealed key is bound to the boot chain (PCR 4, 8, 9, 11 or 12)");
	else
		snprintf(d, sizeof(d), "%zu sealed key%s bound to no boot-chain PCR (4, 8, 9, 11, 12), so %s under any kernel, initramfs and command line (that Secure Boot accepts, with PCR 7): %s",
			 n, n == 1 ? "" : "s",
			 n == 1 ? "it unseals" : "they unseal", names);
	check(r, "boot-chain", !n, d,
	      "booted as intended, reseal each: ksealctl reseal NAME --pcrs " KSEAL_PCR_DEFAULT_LIST
	      " (with --recovery if it has a recovery passphrase)");
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = { GLOBAL_LONGOPTS, { 0 } };
	struct report r = { 0 };
	struct kstate st;
	int c, rc;

	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1)
		if (global_opt(c, optarg, help, &rc) <= 0)
			return rc;
	if (optind < argc) {
		kerr("status: unexpected argument '%s'; see ksealctl status --help",
		     argv[optind]);
		return KX_USAGE;
	}
	if (g.json)
		r.arr = json_object_new_array();
	check_tpm(&r);
	if (state_open(&st, g.state_dir, false))
		st.n = 0;
	check_kernel(&r, st.n, st.nextra);
	check_recovery(&r, &st);
	check_signed(&r, &st);
	check_tang(&r, &st);
	check_boot_chain(&r, &st);
	state_close(&st);
	if (r.arr) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "checks", r.arr);
		json_object_object_add(o, "warnings",
				       json_object_new_int(r.warns));
		printf("%s\n", json_object_to_json_string_ext(o,
					JSON_C_TO_STRING_PRETTY));
		json_object_put(o);
	}
	return r.warns ? KX_WARN : KX_OK;
}
