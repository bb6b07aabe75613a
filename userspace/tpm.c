// SPDX-License-Identifier: GPL-2.0-only
/*
 * TPM access over ESAPI: capabilities, persistent handles, provisioning.
 * Owner and storage-key authorizations are empty, as TCG provisioning
 * guidance expects for the SRK.
 *
 * A device between CPU and TPM sees every byte of a password session and
 * can answer in the TPM's place. Once the SRK is known (tpm_srk) and its
 * Name checked by the caller, tpm_salt starts an HMAC session salted to it
 * (ECDH P-256): the commands that change something or read a Name then
 * run in it, parameters encrypted where the command allows, and ESAPI
 * rejects any response whose HMAC an impostor made without the salt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include "ksealctl.h"
#include "tpm.h"

struct tpm {
	TSS2_TCTI_CONTEXT *tcti;
	ESYS_CONTEXT *esys;
	ESYS_TR srk;		/* the salt key, from tpm_srk */
	uint32_t srk_handle;	/* its persistent handle */
	bool srk_transient;	/* made by tpm_srk, not yet persistent */
	ESYS_TR session;	/* salted session, from tpm_salt */
};

/* Parameter encryption both ways; only where the command has a sized first parameter. */
#define SESS_CRYPT (TPMA_SESSION_DECRYPT | TPMA_SESSION_ENCRYPT)

/*
 * The salted session for the next command with attributes @a, or @none
 * before tpm_salt. The TPM refuses decrypt or encrypt on a command whose
 * first parameter is not a sized buffer, so each caller names its own.
 */
static ESYS_TR sess(struct tpm *t, TPMA_SESSION a, ESYS_TR none)
{
	if (t->session == ESYS_TR_NONE)
		return none;
	Esys_TRSess_SetAttributes(t->esys, t->session,
				  a | TPMA_SESSION_CONTINUESESSION, 0xff);
	return t->session;
}

static const char *rc_advice(TSS2_RC rc)
{
	switch (rc & ~TPM2_RC_N_MASK & 0xfff) {
	case TPM2_RC_LOCKOUT:
		return "the TPM is in dictionary-attack lockout: wait or clear it with the lockout authorization";
	case TPM2_RC_BAD_AUTH:
	case TPM2_RC_AUTH_FAIL:
		return "the owner hierarchy has a password; kseal expects it empty";
	case TPM2_RC_NV_SPACE:
		return "no room for another persistent object: evict one you no longer need";
	case TPM2_RC_HIERARCHY:
		return "the owner hierarchy is disabled in firmware: enable it";
	default:
		return "check the TPM with tpm2 getcap and the kernel log";
	}
}

static int tpm_fail(const char *what, TSS2_RC rc)
{
	kerr("TPM: %s failed: %s; %s", what, Tss2_RC_Decode(rc),
	     rc_advice(rc));
	return KX_TPM;
}

int tpm_open(struct tpm **tp, const char *tcti)
{
	struct tpm *t = calloc(1, sizeof(*t));
	TSS2_RC rc;

	*tp = NULL;
	if (!t)
		return KX_TPM;
	t->srk = t->session = ESYS_TR_NONE;
	/* The library logs to stderr; our own line says what to do. */
	if (g.verbose < 1)
		setenv("TSS2_LOG", "all+none", 0);
	rc = Tss2_TctiLdr_Initialize(tcti, &t->tcti);
	if (rc != TSS2_RC_SUCCESS) {
		kerr("TPM: cannot open %s: %s; is a TPM 2.0 present (/dev/tpmrm0)? use --tcti to pick another",
		     tcti, Tss2_RC_Decode(rc));
		free(t);
		return KX_TPM;
	}
	rc = Esys_Initialize(&t->esys, t->tcti, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		Tss2_TctiLdr_Finalize(&t->tcti);
		free(t);
		return tpm_fail("ESAPI initialization", rc);
	}
	*tp = t;
	return KX_OK;
}

void tpm_close(struct tpm *t)
{
	if (!t)
		return;
	/* Without a resource manager (swtpm, /dev/tpm0) these would stay. */
	if (t->session != ESYS_TR_NONE)
		Esys_FlushContext(t->esys, t->session);
	if (t->srk_transient)
		Esys_FlushContext(t->esys, t->srk);
	Esys_Finalize(&t->esys);
	Tss2_TctiLdr_Finalize(&t->tcti);
	free(t);
}

static void prop_string(uint32_t v, char out[5])
{
	int i;

	/* Four big-endian ASCII octets, NUL padded. */
	for (i = 0; i < 4; i++) {
		char c = (char)((v >> (24 - 8 * i)) & 0xff);

		out[i] = (c >= 0x20 && c < 0x7f) ? c : '\0';
	}
	out[4] = '\0';
}

static int get_props(struct tpm *t, uint32_t first, uint32_t count,
		     TPMS_CAPABILITY_DATA **cap)
{
	TPMI_YES_NO more;
	TSS2_RC rc;

	rc = Esys_GetCapability(t->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				ESYS_TR_NONE, TPM2_CAP_TPM_PROPERTIES, first,
				count, &more, cap);
	return rc == TSS2_RC_SUCCESS ? 0 : tpm_fail("GetCapability", rc);
}

int tpm_get_info(struct tpm *t, struct tpm_info *info)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	TSS2_RC rc;
	uint32_t i, j;

	memset(info, 0, sizeof(*info));
	if (get_props(t, TPM2_PT_FIXED, TPM2_MAX_TPM_PROPERTIES, &cap))
		return KX_TPM;
	for (i = 0; i < cap->data.tpmProperties.count; i++) {
		TPMS_TAGGED_PROPERTY *p = &cap->data.tpmProperties.tpmProperty[i];

		if (p->property == TPM2_PT_FAMILY_INDICATOR)
			prop_string(p->value, info->family);
		else if (p->property == TPM2_PT_REVISION)
			info->revision = p->value;
		else if (p->property == TPM2_PT_MANUFACTURER)
			prop_string(p->value, info->manufacturer);
	}
	free(cap);
	cap = NULL;
	if (get_props(t, TPM2_PT_VAR, TPM2_MAX_TPM_PROPERTIES, &cap))
		return KX_TPM;
	for (i = 0; i < cap->data.tpmProperties.count; i++) {
		TPMS_TAGGED_PROPERTY *p = &cap->data.tpmProperties.tpmProperty[i];

		switch (p->property) {
		case TPM2_PT_PERMANENT:
			info->in_lockout = p->value & TPMA_PERMANENT_INLOCKOUT;
			break;
		case TPM2_PT_LOCKOUT_COUNTER:
			info->lockout_counter = p->value;
			break;
		case TPM2_PT_MAX_AUTH_FAIL:
			info->max_auth_fail = p->value;
			break;
		case TPM2_PT_LOCKOUT_INTERVAL:
			info->lockout_interval = p->value;
			break;
		case TPM2_PT_LOCKOUT_RECOVERY:
			info->lockout_recovery = p->value;
			break;
		}
	}
	free(cap);
	cap = NULL;
	rc = Esys_GetCapability(t->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				ESYS_TR_NONE, TPM2_CAP_PCRS, 0, 1, &more, &cap);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail("GetCapability(PCRS)", rc);
	for (i = 0; i < cap->data.assignedPCR.count; i++) {
		TPMS_PCR_SELECTION *s = &cap->data.assignedPCR.pcrSelections[i];
		const char *name;
		bool any = false;

		for (j = 0; j < s->sizeofSelect; j++)
			any |= s->pcrSelect[j] != 0;
		if (!any)
			continue;	/* bank implemented but not allocated */
		switch (s->hash) {
		case TPM2_ALG_SHA1:
			name = "sha1";
			break;
		case TPM2_ALG_SHA256:
			name = "sha256";
			info->sha256_bank = true;
			break;
		case TPM2_ALG_SHA384:
			name = "sha384";
			break;
		case TPM2_ALG_SHA512:
			name = "sha512";
			break;
		case TPM2_ALG_SM3_256:
			name = "sm3_256";
			break;
		default:
			name = "other";
		}
		if (strlen(info->banks) + strlen(name) + 2 < sizeof(info->banks)) {
			if (info->banks[0])
				strcat(info->banks, ",");
			strcat(info->banks, name);
		}
	}
	free(cap);
	return KX_OK;
}

/*
 * Outside the salted session: GetCapability has no sized response
 * parameter to encrypt, and a false answer only leads to a command that
 * runs in the session (or a Name check) and fails there.
 */
static int handle_present(struct tpm *t, uint32_t handle, bool *present)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	TSS2_RC rc;

	rc = Esys_GetCapability(t->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				ESYS_TR_NONE, TPM2_CAP_HANDLES, handle, 1,
				&more, &cap);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail("GetCapability(HANDLES)", rc);
	*present = cap->data.handles.count == 1 &&
		   cap->data.handles.handle[0] == handle;
	free(cap);
	return KX_OK;
}

static bool is_storage(const TPMT_PUBLIC *p)
{
	TPMA_OBJECT a = p->objectAttributes;

	return p->type == TPM2_ALG_ECC &&
	       p->parameters.eccDetail.curveID == TPM2_ECC_NIST_P256 &&
	       (a & TPMA_OBJECT_RESTRICTED) && (a & TPMA_OBJECT_DECRYPT) &&
	       !(a & TPMA_OBJECT_SIGN_ENCRYPT);
}

/* ReadPublic of the object at a persistent @handle; free() the three. */
static int read_public(struct tpm *t, uint32_t handle, TPM2B_PUBLIC **pub,
		       TPM2B_NAME **name, TPM2B_NAME **qname)
{
	bool own = !(t->srk != ESYS_TR_NONE && !t->srk_transient &&
		     handle == t->srk_handle);
	ESYS_TR tr = t->srk;
	TSS2_RC rc;

	/* In the salted session the response's HMAC vouches for the Name. */
	if (own) {
		rc = Esys_TR_FromTPMPublic(t->esys, handle,
					   sess(t, TPMA_SESSION_ENCRYPT,
						ESYS_TR_NONE),
					   ESYS_TR_NONE, ESYS_TR_NONE, &tr);
		if (rc != TSS2_RC_SUCCESS)
			return tpm_fail("reading a persistent handle", rc);
	}
	rc = Esys_ReadPublic(t->esys, tr,
			     sess(t, TPMA_SESSION_ENCRYPT, ESYS_TR_NONE),
			     ESYS_TR_NONE, ESYS_TR_NONE, pub, name, qname);
	if (own)
		Esys_TR_Close(t->esys, &tr);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail("ReadPublic", rc);
	return KX_OK;
}

int tpm_handle_state(struct tpm *t, uint32_t handle,
		     enum tpm_handle_state *state)
{
	TPM2B_PUBLIC *pub = NULL;
	TPM2B_NAME *name = NULL, *qname = NULL;
	bool present;
	int ret;

	ret = handle_present(t, handle, &present);
	if (ret)
		return ret;
	if (!present) {
		*state = TPMH_ABSENT;
		return KX_OK;
	}
	ret = read_public(t, handle, &pub, &name, &qname);
	if (ret)
		return ret;
	*state = is_storage(&pub->publicArea) ? TPMH_STORAGE : TPMH_OTHER;
	free(pub);
	free(name);
	free(qname);
	return KX_OK;
}

/*
 * Whether @qname, the qualified name ReadPublic gave for an object of Name
 * @name, is that of a child of the hierarchy @hier: for a primary key the
 * qualified name is H(hierarchy handle || Name), hashed with the object's
 * name algorithm (TPM 2.0 Part 1, 16.6). A key created under another key
 * has that key's qualified name in place of the handle. The hash is the
 * TPM's own (TPM2_Hash), so no digest code lives here.
 */
static int child_of_hierarchy(struct tpm *t, TPM2_HANDLE hier,
			      const TPM2B_NAME *name, const TPM2B_NAME *qname,
			      bool *child)
{
	TPM2B_MAX_BUFFER buf = { 0 };
	TPM2B_DIGEST *out = NULL;
	TPMT_TK_HASHCHECK *tk = NULL;
	TPMI_ALG_HASH alg;
	size_t off = 0;
	TSS2_RC rc;

	*child = false;
	if (name->size < 2 || qname->size != name->size ||
	    Tss2_MU_UINT16_Unmarshal(name->name, name->size, NULL, &alg) ||
	    Tss2_MU_TPM2_HANDLE_Marshal(hier, buf.buffer, sizeof(buf.buffer),
					&off) ||
	    off + name->size > sizeof(buf.buffer))
		return KX_OK;	/* not a Name with a digest: no hierarchy's */
	memcpy(buf.buffer + off, name->name, name->size);
	buf.size = (UINT16)(off + name->size);
	rc = Esys_Hash(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &buf,
		       alg, ESYS_TR_RH_NULL, &out, &tk);
	free(tk);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail("Hash (qualified name)", rc);
	*child = out->size + 2u == qname->size &&
		 !memcmp(qname->name, name->name, 2) &&
		 !memcmp(qname->name + 2, out->buffer, out->size);
	free(out);
	return KX_OK;
}

int tpm_read_object(struct tpm *t, uint32_t handle, struct tpm_object *o)
{
	static const TPM2_HANDLE hier[] = {
		TPM2_RH_OWNER, TPM2_RH_ENDORSEMENT, TPM2_RH_PLATFORM,
	};
	TPM2B_PUBLIC *pub = NULL;
	TPM2B_NAME *name = NULL, *qname = NULL;
	size_t i;
	int ret;

	memset(o, 0, sizeof(*o));
	ret = handle_present(t, handle, &o->present);
	if (ret || !o->present)
		return ret;
	ret = read_public(t, handle, &pub, &name, &qname);
	if (ret)
		return ret;
	o->storage = is_storage(&pub->publicArea);
	if (name->size <= sizeof(o->name)) {
		memcpy(o->name, name->name, name->size);
		o->name_len = name->size;
	}
	for (i = 0; !ret && !o->primary && i < sizeof(hier) / sizeof(hier[0]); i++)
		ret = child_of_hierarchy(t, hier[i], name, qname, &o->primary);
	free(pub);
	free(name);
	free(qname);
	return ret;
}

/* The TCG ECC P-256 storage template (also tpm2-tools' and systemd's). */
static void storage_template(TPM2B_PUBLIC *pub)
{
	memset(pub, 0, sizeof(*pub));
	pub->publicArea.type = TPM2_ALG_ECC;
	pub->publicArea.nameAlg = TPM2_ALG_SHA256;
	pub->publicArea.objectAttributes =
		TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
		TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
		TPMA_OBJECT_NODA | TPMA_OBJECT_RESTRICTED |
		TPMA_OBJECT_DECRYPT;
	pub->publicArea.parameters.eccDetail.symmetric.algorithm =
		TPM2_ALG_AES;
	pub->publicArea.parameters.eccDetail.symmetric.keyBits.aes = 128;
	pub->publicArea.parameters.eccDetail.symmetric.mode.aes =
		TPM2_ALG_CFB;
	pub->publicArea.parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
	pub->publicArea.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
	pub->publicArea.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
}

/* EvictControl has no sized parameter: the session authorizes only. */
static int persist(struct tpm *t, ESYS_TR obj, uint32_t handle, ESYS_TR *out)
{
	TSS2_RC rc;

	*out = ESYS_TR_NONE;
	rc = Esys_EvictControl(t->esys, ESYS_TR_RH_OWNER, obj,
			       sess(t, 0, ESYS_TR_PASSWORD), ESYS_TR_NONE,
			       ESYS_TR_NONE, handle, out);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail("EvictControl (make persistent)", rc);
	return KX_OK;
}

/*
 * CreatePrimary of the SRK runs before any key to salt to exists, in a
 * password session: it carries no secret (empty sensitive data, the key
 * comes from the owner seed), and the Name it returns is only trusted on
 * first use or when it matches a recorded one (the caller's check).
 */
static int create_srk(struct tpm *t, ESYS_TR *obj)
{
	TPM2B_SENSITIVE_CREATE sens = { 0 };
	TPM2B_PUBLIC tmpl;
	TPM2B_DATA outside = { 0 };
	TPML_PCR_SELECTION pcrs = { 0 };
	TPM2B_PUBLIC *pub = NULL;
	TPM2B_CREATION_DATA *cdata = NULL;
	TPM2B_DIGEST *chash = NULL;
	TPMT_TK_CREATION *ticket = NULL;
	TSS2_RC rc;

	storage_template(&tmpl);
	rc = Esys_CreatePrimary(t->esys, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD,
				ESYS_TR_NONE, ESYS_TR_NONE, &sens, &tmpl,
				&outside, &pcrs, obj, &pub, &cdata, &chash,
				&ticket);
	free(pub);
	free(cdata);
	free(chash);
	free(ticket);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail("CreatePrimary (SRK)", rc);
	return KX_OK;
}

int tpm_srk(struct tpm *t, uint32_t handle, bool create, uint8_t *name,
	    size_t *name_len)
{
	TPM2B_NAME *n = NULL;
	TSS2_RC rc;
	int ret;

	*name_len = 0;
	if (create) {
		ret = create_srk(t, &t->srk);
		if (ret)
			return ret;
		t->srk_transient = true;
	} else {
		/*
		 * ESAPI checks that the Name the TPM reports is that of the
		 * public area it salts to; the caller checks the Name.
		 */
		rc = Esys_TR_FromTPMPublic(t->esys, handle, ESYS_TR_NONE,
					   ESYS_TR_NONE, ESYS_TR_NONE, &t->srk);
		if (rc != TSS2_RC_SUCCESS)
			return tpm_fail("reading the SRK handle", rc);
	}
	t->srk_handle = handle;
	rc = Esys_TR_GetName(t->esys, t->srk, &n);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail("reading the SRK's Name", rc);
	if (n->size <= sizeof(((struct tpm_object *)0)->name)) {
		memcpy(name, n->name, n->size);
		*name_len = n->size;
	}
	free(n);
	return KX_OK;
}

int tpm_salt(struct tpm *t)
{
	TPMT_SYM_DEF sym = {
		.algorithm = TPM2_ALG_AES,
		.keyBits.aes = 128,
		.mode.aes = TPM2_ALG_CFB,
	};
	TSS2_RC rc;

	rc = Esys_StartAuthSession(t->esys, t->srk, ESYS_TR_NONE,
				   ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				   NULL, TPM2_SE_HMAC, &sym, TPM2_ALG_SHA256,
				   &t->session);
	if (rc != TSS2_RC_SUCCESS) {
		t->session = ESYS_TR_NONE;
		return tpm_fail("StartAuthSession (salted to the SRK)", rc);
	}
	return KX_OK;
}

int tpm_srk_persist(struct tpm *t)
{
	ESYS_TR out;
	TSS2_RC rc;
	int ret;

	if (!t->srk_transient)
		return KX_OK;
	ret = persist(t, t->srk, t->srk_handle, &out);
	if (ret)
		return ret;
	rc = Esys_FlushContext(t->esys, t->srk);
	t->srk = out;
	t->srk_transient = false;
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail("FlushContext", rc);
	return KX_OK;
}

int tpm_create_parent(struct tpm *t, uint32_t handle)
{
	TPM2B_SENSITIVE_CREATE sens = { 0 };
	TPM2B_PUBLIC tmpl;
	TPM2B_DATA outside = { 0 };
	TPML_PCR_SELECTION pcrs = { 0 };
	TPM2B_PRIVATE *priv = NULL;
	TPM2B_PUBLIC *pub = NULL;
	TPM2B_CREATION_DATA *cdata = NULL;
	TPM2B_DIGEST *chash = NULL;
	TPMT_TK_CREATION *ticket = NULL;
	ESYS_TR obj = ESYS_TR_NONE, out = ESYS_TR_NONE;
	TSS2_RC rc;
	int ret;

	storage_template(&tmpl);
	rc = Esys_Create(t->esys, t->srk, sess(t, SESS_CRYPT, ESYS_TR_PASSWORD),
			 ESYS_TR_NONE, ESYS_TR_NONE, &sens, &tmpl, &outside,
			 &pcrs, &priv, &pub, &cdata, &chash, &ticket);
	free(cdata);
	free(chash);
	free(ticket);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail("Create (parent storage key)", rc);
	rc = Esys_Load(t->esys, t->srk, sess(t, SESS_CRYPT, ESYS_TR_PASSWORD),
		       ESYS_TR_NONE, ESYS_TR_NONE, priv, pub, &obj);
	/* The private part only ever lived in this process's memory. */
	explicit_bzero(priv, sizeof(*priv));
	free(priv);
	free(pub);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail("Load (parent storage key)", rc);
	ret = persist(t, obj, handle, &out);
	if (!ret)
		Esys_TR_Close(t->esys, &out);
	rc = Esys_FlushContext(t->esys, obj);
	if (rc != TSS2_RC_SUCCESS && !ret)
		ret = tpm_fail("FlushContext", rc);
	return ret;
}

int tpm_evict(struct tpm *t, uint32_t handle)
{
	ESYS_TR tr, out = ESYS_TR_NONE;
	TSS2_RC rc;

	rc = Esys_TR_FromTPMPublic(t->esys, handle,
				   sess(t, TPMA_SESSION_ENCRYPT, ESYS_TR_NONE),
				   ESYS_TR_NONE, ESYS_TR_NONE, &tr);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail("reading a persistent handle", rc);
	rc = Esys_EvictControl(t->esys, ESYS_TR_RH_OWNER, tr,
			       sess(t, 0, ESYS_TR_PASSWORD), ESYS_TR_NONE,
			       ESYS_TR_NONE, handle, &out);
	/*
	 * Close the handle's record either way: a stale one would make the
	 * next Esys_TR_FromTPMPublic of this handle (a new key there) fail.
	 */
	Esys_TR_Close(t->esys, &tr);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail("EvictControl (evict)", rc);
	return KX_OK;
}

/*
 * Signed PCR policies. Neither command here needs the salted session: no
 * secret passes, and a false answer (PCR values, a ticket) from anything
 * but the TPM only makes the kernel's PolicyAuthorize fail in the TPM.
 */
int tpm_pcr_read(struct tpm *t, uint32_t mask, uint8_t values[][32])
{
	uint32_t left = mask;
	int rounds;

	/* The TPM returns at most 8 digests per call: ask for the rest. */
	for (rounds = 0; left && rounds < 24; rounds++) {
		TPML_PCR_SELECTION sel = { .count = 1 }, *out_sel = NULL;
		TPML_DIGEST *vals = NULL;
		UINT32 upd;
		TSS2_RC rc;
		uint32_t got = 0;
		int i;
		size_t n = 0;

		sel.pcrSelections[0].hash = TPM2_ALG_SHA256;
		sel.pcrSelections[0].sizeofSelect = 3;
		for (i = 0; i < 24; i++)
			if (left & 1U << i)
				sel.pcrSelections[0].pcrSelect[i / 8] |=
					1U << (i % 8);
		rc = Esys_PCR_Read(t->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, &sel, &upd, &out_sel, &vals);
		if (rc != TSS2_RC_SUCCESS)
			return tpm_fail("PCR_Read", rc);
		if (out_sel->count == 1 &&
		    out_sel->pcrSelections[0].hash == TPM2_ALG_SHA256)
			for (i = 0; i < 24; i++)
				if (out_sel->pcrSelections[0].pcrSelect[i / 8] &
				    1U << (i % 8))
					got |= 1U << i;
		got &= left;
		for (i = 0; i < 24; i++) {
			if (!(got & 1U << i))
				continue;
			if (n >= vals->count || vals->digests[n].size != 32) {
				got = 0;
				break;
			}
			memcpy(values[i], vals->digests[n++].buffer, 32);
		}
		free(out_sel);
		free(vals);
		if (!got) {
			kerr("TPM: PCR_Read gave no sha256 value of PCRs 0x%06x; check the PCR banks with ksealctl status",
			     left);
			return KX_TPM;
		}
		left &= ~got;
	}
	return KX_OK;
}

int tpm_verify_ticket(struct tpm *t, const TPM2B_PUBLIC *pub,
		      const uint8_t *name, size_t name_len,
		      const TPM2B_DIGEST *digest, const TPMT_SIGNATURE *sig,
		      TPMT_TK_VERIFIED **ticket)
{
	TPM2B_PUBLIC *rpub = NULL;
	TPM2B_NAME *rname = NULL, *qname = NULL;
	ESYS_TR key = ESYS_TR_NONE;
	TSS2_RC rc;
	int ret = KX_OK;

	*ticket = NULL;
	/* The owner hierarchy: a ticket of the null one does not authorize. */
	rc = Esys_LoadExternal(t->esys, ESYS_TR_NONE, ESYS_TR_NONE,
			       ESYS_TR_NONE, NULL, pub, ESYS_TR_RH_OWNER, &key);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail("LoadExternal (policy signing key)", rc);
	rc = Esys_ReadPublic(t->esys, key, ESYS_TR_NONE, ESYS_TR_NONE,
			     ESYS_TR_NONE, &rpub, &rname, &qname);
	if (rc != TSS2_RC_SUCCESS) {
		ret = tpm_fail("ReadPublic (policy signing key)", rc);
		goto out;
	}
	/* The kernel names the signer by this Name in PolicyAuthorize. */
	if (rname->size != name_len || memcmp(rname->name, name, name_len)) {
		kerr("TPM: the policy signing key loaded with another Name than the one the key was created with; the ticket would not match: report this");
		ret = KX_TPM;
		goto out;
	}
	rc = Esys_VerifySignature(t->esys, key, ESYS_TR_NONE, ESYS_TR_NONE,
				  ESYS_TR_NONE, digest, sig, ticket);
	if (rc != TSS2_RC_SUCCESS) {
		kerr("TPM: VerifySignature of the signed policy failed: %s; the installed policy file is damaged: sign the state again and install it",
		     Tss2_RC_Decode(rc));
		ret = KX_TPM;
	}
out:
	free(rpub);
	free(rname);
	free(qname);
	Esys_FlushContext(t->esys, key);
	return ret;
}
