/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few TPM operations the helper needs, over tpm2-tss ESAPI. Key
 * sealing itself happens in the kernel module, never here.
 */
#ifndef KSEAL_TPM_H
#define KSEAL_TPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tss2/tss2_tpm2_types.h>

struct tpm;

struct tpm_info {
	char family[5];			/* "2.0" */
	char manufacturer[5];
	uint32_t revision;		/* spec revision * 100 */
	uint32_t lockout_counter;
	uint32_t max_auth_fail;
	uint32_t lockout_interval;
	uint32_t lockout_recovery;
	bool in_lockout;
	bool sha256_bank;		/* sha256 bank with PCRs allocated */
	char banks[64];			/* "sha1,sha256" */
};

enum tpm_handle_state {
	TPMH_ABSENT,
	TPMH_STORAGE,		/* restricted decrypt ECC P-256 key */
	TPMH_OTHER,		/* something else lives there */
};

/* A persistent object's Name and where it hangs in the key hierarchy. */
struct tpm_object {
	bool present;
	bool storage;		/* TPMH_STORAGE */
	bool primary;		/* its parent is a hierarchy, not a key */
	uint8_t name[68];	/* TPM2B_NAME payload: alg id || digest */
	size_t name_len;
};

/* All return a KX_* code and print their own one-line error. */
int tpm_open(struct tpm **tp, const char *tcti);
void tpm_close(struct tpm *t);
int tpm_get_info(struct tpm *t, struct tpm_info *info);
int tpm_handle_state(struct tpm *t, uint32_t handle,
		     enum tpm_handle_state *state);
/*
 * The SRK at persistent @handle as the salt key, its Name in @name (68
 * bytes). With @create the SRK is made, transient until tpm_srk_persist:
 * a caller that does not trust its Name has changed nothing.
 */
int tpm_srk(struct tpm *t, uint32_t handle, bool create, uint8_t *name,
	    size_t *name_len);
/*
 * Starts the HMAC session salted to the SRK (AES-128-CFB parameter
 * encryption, SHA-256) that every later command here authorizes with or,
 * reading a Name, is checked by. Call it only after checking the Name.
 */
int tpm_salt(struct tpm *t);
/* Makes a SRK that tpm_srk created persistent at its handle. */
int tpm_srk_persist(struct tpm *t);
/* The kseal parent storage key under the SRK of tpm_srk, persistent at @handle. */
int tpm_create_parent(struct tpm *t, uint32_t handle);
int tpm_evict(struct tpm *t, uint32_t handle);
int tpm_read_object(struct tpm *t, uint32_t handle, struct tpm_object *o);
/* The sha256 values of the PCRs in @mask, into values[pcr]. */
int tpm_pcr_read(struct tpm *t, uint32_t mask, uint8_t values[][32]);
/*
 * Loads the public key @pub (owner hierarchy), checks the TPM gives it
 * the Name @name, and has the TPM verify @sig over @digest: the ticket
 * PolicyAuthorize takes. free() *ticket.
 */
int tpm_verify_ticket(struct tpm *t, const TPM2B_PUBLIC *pub,
		      const uint8_t *name, size_t name_len,
		      const TPM2B_DIGEST *digest, const TPMT_SIGNATURE *sig,
		      TPMT_TK_VERIFIED **ticket);

#endif /* KSEAL_TPM_H */
