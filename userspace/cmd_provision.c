// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksealctl provision: SRK and kseal parent storage key in the TPM.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ksealctl.h"
#include "state.h"
#include "tpm.h"

static const char help[] =
"Usage: ksealctl provision [--force] [--new-tpm]\n"
"Check the TPM, create the SRK at 0x81000001 if absent (an existing storage\n"
"key there is reused) and the kseal parent storage key at 0x81000100, and\n"
"record both keys' Names. Running it again is harmless.\n"
"  --force     replace objects at those handles that are not storage keys\n"
"              (at the parent handle: not a storage key under the SRK)\n"
"  --new-tpm   trust a TPM whose SRK state.json does not record (the state\n"
"              directory moved to another machine, or the TPM was cleared)\n";

enum { O_NEW_TPM = OPT_SUB };

static int check_tpm(struct tpm *t)
{
	struct tpm_info info;
	int rc = tpm_get_info(t, &info);

	if (rc)
		return rc;
	if (info.family[0] != '2') {
		kerr("TPM: family '%s' is not 2.0; kseal needs a TPM 2.0",
		     info.family);
		return KX_TPM;
	}
	if (!info.sha256_bank) {
		kerr("TPM: no sha256 PCR bank allocated (banks: %s); allocate one in firmware or with tpm2 pcrallocate",
		     info.banks);
		return KX_TPM;
	}
	if (info.in_lockout) {
		kerr("TPM: in dictionary-attack lockout (%u/%u failures); wait %u s or reset it with the lockout authorization",
		     info.lockout_counter, info.max_auth_fail,
		     info.lockout_interval);
		return KX_TPM;
	}
	kverbose("TPM %s rev %u.%02u by %s, banks %s, lockout counter %u/%u",
		 info.family, info.revision / 100, info.revision % 100,
		 info.manufacturer, info.banks, info.lockout_counter,
		 info.max_auth_fail);
	return KX_OK;
}

/* Makes sure a storage key sits at @handle; @create makes a new one. */
static int ensure(struct tpm *t, uint32_t handle, const char *what,
		  bool force, bool *made,
		  int (*create)(struct tpm *t, uint32_t handle))
{
	enum tpm_handle_state st;
	int rc = tpm_handle_state(t, handle, &st);

	*made = false;
	if (rc)
		return rc;
	if (st == TPMH_STORAGE) {
		kverbose("%s 0x%08x present", what, handle);
		return KX_OK;
	}
	if (st == TPMH_OTHER) {
		if (!force) {
			kerr("TPM: 0x%08x holds an object that is not an ECC P-256 storage key; refusing to replace it (use --force if it is not needed)",
			     handle);
			return KX_REFUSED;
		}
		rc = tpm_evict(t, handle);
		if (rc)
			return rc;
		kinfo("evicted the old object at 0x%08x", handle);
	}
	rc = create(t, handle);
	if (!rc) {
		*made = true;
		kinfo("created %s at 0x%08x", what, handle);
	}
	return rc;
}

/*
 * The SRK as the salt key of this run, trusted like an SSH host key: on
 * first use when state.json records no TPM, else only with a recorded
 * Name, or a new one the admin vouches for with --new-tpm. A key made
 * here stays transient until trusted, so a refusal changes nothing.
 */
static int trust_srk(struct tpm *t, const struct kmeta *m, const char *dir,
		     bool force, bool new_tpm, bool *made)
{
	enum tpm_handle_state st;
	uint8_t name[68];
	char h[2 * sizeof(name) + 1];
	size_t len;
	int rc = tpm_handle_state(t, KSEAL_SRK_HANDLE, &st);

	*made = false;
	if (rc)
		return rc;
	if (st == TPMH_OTHER && !force) {
		kerr("TPM: 0x%08x holds an object that is not an ECC P-256 storage key; refusing to replace it (use --force if it is not needed)",
		     KSEAL_SRK_HANDLE);
		return KX_REFUSED;
	}
	rc = tpm_srk(t, KSEAL_SRK_HANDLE, st != TPMH_STORAGE, name, &len);
	if (rc)
		return rc;
	hex_encode(name, len, h);
	if (m->nparents && !meta_parent(m, name, len)) {
		if (!new_tpm) {
			kerr("TPM: the SRK (Name %s) is not one recorded in %s/state.json: this is another TPM, or a device between CPU and TPM answers for it; nothing was changed: if the TPM was cleared or replaced, or this state directory moved to another machine, run ksealctl provision --new-tpm",
			     h, dir);
			return KX_REFUSED;
		}
		kinfo("trusting a new TPM: SRK Name %s (--new-tpm)", h);
	} else {
		kverbose("SRK Name %s%s", h,
			 m->nparents ? ", as recorded" : ", trusted on first use");
	}
	rc = tpm_salt(t);
	if (!rc && st == TPMH_OTHER) {
		rc = tpm_evict(t, KSEAL_SRK_HANDLE);
		if (!rc)
			kinfo("evicted the old object at 0x%08x",
			      KSEAL_SRK_HANDLE);
	}
	if (!rc && st != TPMH_STORAGE) {
		rc = tpm_srk_persist(t);
		if (!rc) {
			*made = true;
			kinfo("created SRK at 0x%08x", KSEAL_SRK_HANDLE);
		}
	}
	return rc;
}

/*
 * A primary key at the parent handle is no kseal parent: shred would refuse
 * to evict it and keys sealed under it would outlive shred. --force
 * evicts it, as any other foreign object there.
 */
static int refuse_primary_parent(struct tpm *t, bool force)
{
	struct tpm_object o;
	int rc = tpm_read_object(t, KSEAL_PARENT_DEFAULT, &o);

	if (rc || !o.present || !o.primary)
		return rc;
	if (!force) {
		kerr("TPM: 0x%08x holds a primary key, not a key under the SRK; refusing to use it as the kseal parent (use --force if it is not needed)",
		     KSEAL_PARENT_DEFAULT);
		return KX_REFUSED;
	}
	rc = tpm_evict(t, KSEAL_PARENT_DEFAULT);
	if (!rc)
		kinfo("evicted the primary key at 0x%08x", KSEAL_PARENT_DEFAULT);
	return rc;
}

int cmd_provision(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		{ "force", no_argument, NULL, 'f' },
		{ "new-tpm", no_argument, NULL, O_NEW_TPM },
		{ 0 }
	};
	struct tpm_object srk, parent;
	struct kstate st;
	struct kmeta m;
	struct tpm *t;
	bool force = false, new_tpm = false, made_srk = false, made_parent;
	int c, rc;

	while ((c = getopt_long(argc, argv, "qvhf", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = true;
			break;
		case O_NEW_TPM:
			new_tpm = true;
			break;
		default:
			if (global_opt(c, optarg, help, &rc) <= 0)
				return rc;
		}
	}
	if (optind < argc) {
		kerr("provision: unexpected argument '%s'; see ksealctl provision --help",
		     argv[optind]);
		return KX_USAGE;
	}
	rc = state_open(&st, g.state_dir, true);
	if (rc) {
		state_close(&st);
		return rc;
	}
	/* provision rewrites a damaged state.json; it pins nothing then. */
	if (state_load_meta_quiet(st.dir, &m)) {
		kerr("warning: %s/state.json is unreadable: no recorded TPM to check this one against, trusting it as on first use",
		     st.dir);
		m.nparents = 0;
	}
	rc = tpm_open(&t, g.tcti);
	if (!rc)
		rc = check_tpm(t);
	if (!rc)
		rc = trust_srk(t, &m, st.dir, force, new_tpm, &made_srk);
	if (!rc)
		rc = refuse_primary_parent(t, force);
	if (!rc)
		rc = ensure(t, KSEAL_PARENT_DEFAULT, "kseal parent key", force,
			    &made_parent, tpm_create_parent);
	if (!rc)
		rc = tpm_read_object(t, KSEAL_SRK_HANDLE, &srk);
	if (!rc)
		rc = tpm_read_object(t, KSEAL_PARENT_DEFAULT, &parent);
	if (!rc) {
		struct kparent p = { .srk_len = srk.name_len,
				     .name_len = parent.name_len };

		memcpy(p.srk, srk.name, srk.name_len);
		memcpy(p.name, parent.name, parent.name_len);
		rc = state_write_meta(&st, KSEAL_SRK_HANDLE,
				      KSEAL_PARENT_DEFAULT, &p);
	}
	if (!rc && !made_srk && !made_parent)
		kinfo("already provisioned: SRK 0x%08x, parent 0x%08x",
		      KSEAL_SRK_HANDLE, KSEAL_PARENT_DEFAULT);
	tpm_close(t);
	state_close(&st);
	return rc;
}
