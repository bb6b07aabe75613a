// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading a sealed key under signed PCR policies: find the installed
 * signed state equal to this boot's PCR values and have the TPM turn its
 * signature into a verification ticket. The kernel then runs PolicyPCR
 * and PolicyAuthorize with the approved digest and that ticket.
 *
 * The ticket is no secret: it is an HMAC with the owner hierarchy's proof
 * over the approved digest and the signing key's Name, which only this
 * TPM can make and check. Root can make tickets only for states the
 * signing key signed; a ticket for another state, another key or another
 * TPM fails in PolicyAuthorize.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>

#include "kseal/blob.h"

#include "ksealctl.h"
#include "policy_key.h"
#include "policy_store.h"
#include "state.h"
#include "tpm.h"

/* Header, parent handle 4, name size 2, name 34: then mask, lock PCR, field. */
#define OFF_MASK	(KSEAL_BLOB_HDR_SIZE + 4 + 2 + 34)
#define OFF_FIELD	(OFF_MASK + 4 + 1)

struct auth_blob {
	uint32_t flags;
	uint32_t sel;			/* the signed selection */
	uint8_t name[PK_NAME_SIZE];	/* the signing key's */
};

/* False if @hex is no sealed blob with KSEAL_BLOB_F_AUTHORIZE. */
static bool auth_blob(const char *hex, struct auth_blob *a)
{
	uint8_t b[OFF_FIELD + 32];
	uint32_t mask;
	char part[2 * sizeof(b) + 1];
	int lock;

	if (!sealed_blob_header(hex, &a->flags, &lock) ||
	    !(a->flags & KSEAL_BLOB_F_AUTHORIZE) ||
	    strlen(hex) < 2 * sizeof(b))
		return false;
	memcpy(part, hex, 2 * sizeof(b));
	part[2 * sizeof(b)] = '\0';
	if (!hex_decode_exact(part, b, sizeof(b)))
		return false;
	mask = (uint32_t)b[OFF_MASK] << 24 | (uint32_t)b[OFF_MASK + 1] << 16 |
	       (uint32_t)b[OFF_MASK + 2] << 8 | b[OFF_MASK + 3];
	a->sel = lock >= 0 ? mask & ~(1U << lock) : mask;
	a->name[0] = TPM2_ALG_SHA256 >> 8;
	a->name[1] = TPM2_ALG_SHA256 & 0xff;
	memcpy(a->name + 2, b + OFF_FIELD, 32);
	return a->sel && !(a->sel >> PK_PCR_COUNT);
}

bool blob_authorize(const char *hex)
{
	struct auth_blob a;

	return hex && auth_blob(hex, &a);
}

/* One line: which PCRs differ from the closest signed state, what to do. */
static void no_match(const struct kkey *k, const struct spolicy_set *set,
		     const struct pcr_state *now)
{
	uint32_t best = 0;
	int bestn = PK_PCR_COUNT + 1, same = 0, i;
	char list[96], diff[96];
	size_t j;

	for (j = 0; j < set->n; j++) {
		uint32_t d = 0;
		int n = 0;

		if (set->e[j].mask != now->mask)
			continue;
		same++;
		if (!set->e[j].has_values)
			continue;
		for (i = 0; i < PK_PCR_COUNT; i++)
			if (now->mask & 1U << i &&
			    memcmp(set->e[j].values.value[i], now->value[i],
				   32)) {
				d |= 1U << i;
				n++;
			}
		if (n < bestn) {
			best = d;
			bestn = n;
		}
	}
	pcr_mask_format(now->mask, list, sizeof(list));
	if (!same) {
		kerr("%s: no signed policy of signing key %.16s... for PCRs %s is installed; sign this boot's state (ksealctl policy predict and sign) and run ksealctl policy install, or load with the recovery passphrase (--recovery)",
		     k->name, k->pk_fp, list);
	} else if (bestn > PK_PCR_COUNT) {
		kerr("%s: the values of PCRs %s match none of the %d signed states installed (they record no values to compare); sign this boot's state with ksealctl policy sign and install it, or load with the recovery passphrase (--recovery)",
		     k->name, list, same);
	} else {
		pcr_mask_format(best, diff, sizeof(diff));
		kerr("%s: no signed policy matches this boot: PCR%s %s differ%s from the closest signed state (signing key %.16s...); sign this state with ksealctl policy sign and install it, or load with the recovery passphrase (--recovery)",
		     k->name, bestn == 1 ? "" : "s", diff,
		     bestn == 1 ? "s" : "", k->pk_fp);
	}
}

static int ticket(const struct policy_key *pk, const struct spolicy *e,
		  uint8_t *out, size_t *len)
{
	TPMT_TK_VERIFIED *tk = NULL;
	TPMT_SIGNATURE sig;
	TPM2B_DIGEST ahash = { .size = 32 };
	struct tpm *t = NULL;
	int rc;

	if (!policy_tpm_signature(pk, e->sig, e->siglen, &sig)) {
		kerr("policy: an installed signature is not one of the signing key's kind; install the signed policy file again");
		return KX_STATE;
	}
	/* policyRef is empty: aHash = sha256(approved policy). */
	pk_sha256(e->pol, PK_POL_SIZE, ahash.buffer);
	rc = tpm_open(&t, g.tcti);
	if (!rc)
		rc = tpm_verify_ticket(t, &pk->pub, pk->name, PK_NAME_SIZE,
				       &ahash, &sig, &tk);
	tpm_close(t);
	if (rc)
		return rc;
	*len = 0;
	if (Tss2_MU_TPMT_TK_VERIFIED_Marshal(tk, out, sizeof(TPMT_TK_VERIFIED),
					     len)) {
		free(tk);
		kerr("TPM: the verification ticket does not fit; report this");
		return KX_TPM;
	}
	free(tk);
	return KX_OK;
}

/* What load needs of a key under signed policies, read from the TPM. */
struct lookup {
	struct auth_blob a;
	struct policy_key pk;
	struct pcr_state now;		/* the selection's current values */
	uint8_t pol[PK_POL_SIZE];	/* their policy digest */
	struct spolicy_set set;		/* the signer's installed entries */
	size_t match;			/* the one of pol, or set.n */
};

static void lookup_free(struct lookup *l)
{
	spolicy_free(&l->set);
	policy_key_free(&l->pk);
}

/* KX_OK with @l filled; 1 for a key without signed policies. */
static int lookup(const char *dir, const struct kkey *k, struct lookup *l)
{
	struct tpm *t = NULL;
	const char *why;
	int rc;

	memset(l, 0, sizeof(*l));
	if (k->kind != KIND_SEALED || !auth_blob(k->blob, &l->a))
		return 1;
	if (!k->pk_pem ||
	    !policy_key_from_pem(&l->pk, k->pk_pem, false, &why) ||
	    memcmp(l->pk.name, l->a.name, PK_NAME_SIZE)) {
		kerr("%s: its key file does not hold the public key that signs its policies (policy_key); restore the key file from a backup, or load with the recovery passphrase (--recovery)",
		     k->name);
		return KX_STATE;
	}
	l->now.mask = l->a.sel;
	rc = tpm_open(&t, g.tcti);
	if (!rc)
		rc = tpm_pcr_read(t, l->a.sel, l->now.value);
	tpm_close(t);
	if (rc)
		return rc;
	if (!policy_pcr_digest(&l->now, l->pol))
		return KX_STATE;
	rc = spolicy_installed(dir, l->pk.fp, &l->set);
	if (rc)
		return rc;
	for (l->match = 0; l->match < l->set.n; l->match++)
		if (l->set.e[l->match].mask == l->a.sel &&
		    !memcmp(l->set.e[l->match].pol, l->pol, PK_POL_SIZE))
			break;
	return KX_OK;
}

int policy_approval(const char *dir, const struct kkey *k, char *opts,
		    size_t len)
{
	/*
	 * The ticket's HMAC is of the TPM's context integrity hash: 32 bytes
	 * on a TPM whose largest hash is sha256, 48 or 64 (swtpm) otherwise.
	 */
	uint8_t tk[sizeof(TPMT_TK_VERIFIED)];
	char polhex[2 * PK_POL_SIZE + 1], tkhex[2 * sizeof(tk) + 1];
	struct lookup l;
	size_t tklen;
	int rc;

	opts[0] = '\0';
	rc = lookup(dir, k, &l);
	if (rc == 1) {
		rc = KX_OK;
		goto out;
	}
	if (rc)
		goto out;
	if (l.match == l.set.n) {
		no_match(k, &l.set, &l.now);
		errno = EKEYREJECTED;
		rc = KX_REFUSED;
		goto out;
	}
	rc = ticket(&l.pk, &l.set.e[l.match], tk, &tklen);
	if (rc)
		goto out;
	hex_encode(l.pol, PK_POL_SIZE, polhex);
	hex_encode(tk, tklen, tkhex);
	if ((size_t)snprintf(opts, len, " approved=%s ticket=%s", polhex,
			     tkhex) >= len)
		rc = KX_STATE;
	kverbose("%s: signed policy %s of signing key %.16s... matches this boot",
		 k->name, polhex, k->pk_fp);
out:
	lookup_free(&l);
	return rc;
}

int policy_signed_state(const char *dir, const struct kkey *k, size_t *n,
			bool *current)
{
	struct lookup l;
	size_t j;
	int rc = lookup(dir, k, &l);

	*n = 0;
	*current = false;
	for (j = 0; !rc && j < l.set.n; j++)
		*n += l.set.e[j].mask == l.a.sel;
	if (!rc)
		*current = l.match < l.set.n;
	lookup_free(&l);
	return rc == 1 ? KX_OK : rc;
}
