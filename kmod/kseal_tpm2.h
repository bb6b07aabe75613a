/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kseal's TPM 2.0 client: one exclusive use of the chip per operation,
 * through the kernel's exported TPM API, with per-command counters.
 */
#ifndef KSEAL_TPM2_H
#define KSEAL_TPM2_H

#include <linux/types.h>

struct tpm_chip;
struct kseal_tpm2_sess;

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

/*
 * The object's public area (pub[*pub_len], capacity on entry) and the TPM
 * name it reports (nameAlg || digest) into name[cap]. The caller checks
 * that the two agree.
 */
int kseal_tpm2_read_public(struct kseal_tpm2 *t, u32 handle, u8 *pub,
			   u16 *pub_len, u8 *name, u16 *name_len, u16 cap);
/*
 * Seals data under parent: a keyedhash object with authPolicy policy and
 * userAuth auth. *pub_len and *priv_len give the capacities on entry.
 * With a salted HMAC session @s (to the parent whose Name is
 * @parent_name) the sensitive area travels encrypted and the answer is
 * checked by its HMAC; without, the parent's empty password authorises
 * and everything goes in the clear.
 */
int kseal_tpm2_create_sealed(struct kseal_tpm2 *t, u32 parent,
			     const u8 *parent_name, struct kseal_tpm2_sess *s,
			     const u8 *data, u16 data_len,
			     const u8 *auth, u16 auth_len, const u8 *policy,
			     u8 *pub, u16 *pub_len, u8 *priv, u16 *priv_len);
int kseal_tpm2_load(struct kseal_tpm2 *t, u32 parent, const u8 *pub,
		    u16 pub_len, const u8 *priv, u16 priv_len, u32 *handle);

#define KSEAL_TPM2_SE_HMAC	0x00
#define KSEAL_TPM2_SE_POLICY	0x01
/*
 * Starts a session of @type into @s. With @point (x || y of the P-256 key
 * at @salt_key, whose Name the caller has checked) it is salted, so only
 * that TPM knows its key, and encrypts parameters with AES-128-CFB;
 * without, it is an unsalted policy session.
 */
int kseal_tpm2_start_session(struct kseal_tpm2 *t, u32 salt_key,
			     const u8 *point, u8 type,
			     struct kseal_tpm2_sess *s);
/* Wipes the salt kept for the next sessions (unload, hibernation). */
void kseal_tpm2_forget_salt(void);
int kseal_tpm2_policy_pcr(struct kseal_tpm2 *t, u32 session, u32 mask);
int kseal_tpm2_policy_or(struct kseal_tpm2 *t, u32 session, const u8 *a,
			 const u8 *b);
/*
 * PolicyAuthorize of @approved (32 bytes) by the key with sha256 Name
 * 0x000b || @signer, empty policyRef, with the verification ticket of
 * hierarchy @hierarchy and digest @ticket (@ticket_len bytes). Returns 0, a
 * negative errno, or the TPM's response code (positive, not reported)
 * when it refused: the caller knows what a refusal means.
 */
int kseal_tpm2_policy_authorize(struct kseal_tpm2 *t, u32 session,
				const u8 *approved, const u8 *signer,
				u32 hierarchy, const u8 *ticket, u16 ticket_len);
int kseal_tpm2_policy_password(struct kseal_tpm2 *t, u32 session);
int kseal_tpm2_policy_authvalue(struct kseal_tpm2 *t, u32 session);
/*
 * Unseals the object @item (Name @item_name) with policy session @s. The
 * secret comes back encrypted, checked by the answer's HMAC, through a
 * salted session: @s itself, or @enc, a salted HMAC session that only
 * encrypts (for an object whose authValue the caller does not know: TPMs
 * differ on whether it keys a policy session's encryption). On success
 * the TPM has ended both (continueSession clear).
 */
int kseal_tpm2_unseal(struct kseal_tpm2 *t, u32 item, const u8 *item_name,
		      struct kseal_tpm2_sess *s, struct kseal_tpm2_sess *enc,
		      u8 *out, u16 cap, u16 *out_len);

/* Counters for debugfs (kseal_debugfs.c). */
u64 kseal_tpm2_count_total(void);
u64 kseal_tpm2_count_cc(u32 cc);

#endif /* KSEAL_TPM2_H */
