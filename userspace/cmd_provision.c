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
"Usage: ksealctl provision [--force]\n"
"Check the TPM, create the SRK at 0x81000001 if absent (an existing storage\n"
"key there is reused) and the kseal parent storage key at 0x81000100.\n"
"Running it again is harmless.\n"
"  --force   replace objects at those handles that are not storage keys\n"
"            (at the parent handle: not a storage key under the SRK)\n";

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
		  int (*create)(struct tpm *t, uint32_t a, uint32_t b),
		  uint32_t arg)
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
	rc = create(t, arg, handle);
	if (!rc) {
		*made = true;
		kinfo("created %s at 0x%08x", what, handle);
	}
	return rc;
}

static int make_srk(struct tpm *t, uint32_t unused, uint32_t handle)
{
	(void)unused;
	return tpm_create_srk(t, handle);
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
		{ 0 }
	};
	struct tpm_object srk, parent;
	struct kstate st;
	struct tpm *t;
	bool force = false, made_srk, made_parent;
	int c, rc;

	while ((c = getopt_long(argc, argv, "qvhf", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = true;
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
	rc = tpm_open(&t, g.tcti);
	if (!rc)
		rc = check_tpm(t);
	if (!rc)
		rc = ensure(t, KSEAL_SRK_HANDLE, "SRK", force, &made_srk,
			    make_srk, 0);
	if (!rc)
		rc = refuse_primary_parent(t, force);
	if (!rc)
		rc = ensure(t, KSEAL_PARENT_DEFAULT, "kseal parent key", force,
			    &made_parent, tpm_create_parent, KSEAL_SRK_HANDLE);
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
