/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kseal's TPM 2.0 client: one exclusive use of the chip per operation,
 * through the kernel's exported TPM API, with per-command counters.
 */
#ifndef KSEAL_TPM2_H
#define KSEAL_TPM2_H

#include <linux/types.h>

struct tpm_chip;

/* One operation on the chip: ops held, one page for command/response. */
struct kseal_tpm2 {
	struct tpm_chip *chip;
	u8 *page;
};

/*
 * Takes the chip for one operation, saying in the log what is missing if
 * it cannot: no TPM 2.0 chip (-ENODEV), or with @need_sha256 (policies
 * read that bank) no sha256 PCRs allocated (-EOPNOTSUPP).
 */
int kseal_tpm2_open(struct kseal_tpm2 *t, bool need_sha256);
void kseal_tpm2_close(struct kseal_tpm2 *t);

int kseal_tpm2_get_random(struct kseal_tpm2 *t, u8 *out, size_t len);
/* Reads the sha256 PCRs in mask, ascending, 32 bytes each, into out. */
int kseal_tpm2_pcr_read(struct kseal_tpm2 *t, u32 mask, u8 *out,
			size_t cap);
void kseal_tpm2_flush(struct kseal_tpm2 *t, u32 handle);
/* Ends t's hold of the chip before the extend: no command may follow it. */
int kseal_tpm2_pcr_extend(struct kseal_tpm2 *t, u32 pcr);

/* The object's TPM name (nameAlg || digest) into name[cap]. */
int kseal_tpm2_read_public(struct kseal_tpm2 *t, u32 handle, u8 *name,
			   u16 *name_len, u16 cap);
/*
 * Seals data under parent: a keyedhash object with authPolicy policy and
 * userAuth auth. *pub_len and *priv_len give the capacities on entry.
 */
int kseal_tpm2_create_sealed(struct kseal_tpm2 *t, u32 parent,
			     const u8 *data, u16 data_len,
			     const u8 *auth, u16 auth_len, const u8 *policy,
			     u8 *pub, u16 *pub_len, u8 *priv, u16 *priv_len);
int kseal_tpm2_load(struct kseal_tpm2 *t, u32 parent, const u8 *pub,
		    u16 pub_len, const u8 *priv, u16 priv_len, u32 *handle);
int kseal_tpm2_start_policy_session(struct kseal_tpm2 *t, u32 *session);
int kseal_tpm2_policy_pcr(struct kseal_tpm2 *t, u32 session, u32 mask);
int kseal_tpm2_policy_or(struct kseal_tpm2 *t, u32 session, const u8 *a,
			 const u8 *b);
int kseal_tpm2_policy_password(struct kseal_tpm2 *t, u32 session);
/* On success the TPM has ended the session (continueSession clear). */
int kseal_tpm2_unseal(struct kseal_tpm2 *t, u32 item, u32 session,
		      const u8 *auth, u16 auth_len, u8 *out, u16 cap,
		      u16 *out_len);

/* Counters for debugfs (kseal_debugfs.c). */
u64 kseal_tpm2_count_total(void);
u64 kseal_tpm2_count_cc(u32 cc);

#endif /* KSEAL_TPM2_H */
