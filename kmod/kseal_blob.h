/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parse and write kseal blobs; the layout is documented in
 * include/kseal/blob.h. Compiled into the module and into host tests.
 */
#ifndef KSEAL_BLOB_PARSE_H
#define KSEAL_BLOB_PARSE_H

#include "kseal_compat.h"
#include <kseal/blob.h>
#include <kseal/limits.h>

#include "kseal_hex.h"
#include "kseal_tang.h"

/*
 * A sealed key blob, decoded. public_area and private_area hold the TPM2B
 * payloads without their 2-byte size prefix. The writer of a new blob sets
 * creator_version to KSEAL_VERSION_CODE; a parsed blob keeps its creator's.
 * auth_policy must be the policy that flags, pcr_mask, lock_pcr and
 * pcr_policy (the PCR digest field) describe. Without KSEAL_BLOB_F_LOCK,
 * lock_pcr must be 0.
 */
struct kseal_sealed_blob {
	u32 creator_version;
	u32 flags;
	u32 parent_handle;
	u16 parent_name_len;
	u8 parent_name[KSEAL_NAME_MAX];
	u32 pcr_mask;
	u8 lock_pcr;
	u8 pcr_policy[KSEAL_DIGEST_SIZE];
	u8 auth_policy[KSEAL_DIGEST_SIZE];
	u8 key_id[KSEAL_DIGEST_SIZE];
	/* With KSEAL_BLOB_F_TANG; tang.n is 0 without it. */
	struct kseal_tang tang;
	u16 public_len;
	u8 public_area[KSEAL_PUBLIC_MAX];
	u16 private_len;
	u8 private_area[KSEAL_PRIVATE_MAX];
};

/*
 * Check the common header of @buf: returns KSEAL_BLOB_KIND_SEALED or
 * KSEAL_BLOB_KIND_DATA, -EINVAL (too short, magic, format, kind) or
 * -EBADMSG (creator 0, total length differs from @len).
 */
int kseal_blob_kind(const u8 *buf, size_t len);

/* 0, -EINVAL or -EBADMSG (see include/kseal/blob.h); @out zeroed on error. */
int kseal_sealed_blob_parse(const u8 *buf, size_t len,
			    struct kseal_sealed_blob *out);

/* The branches and authPolicy @b's header fields describe: 0 or -EINVAL. */
int kseal_sealed_blob_branches(const struct kseal_sealed_blob *b,
			       u8 *pcr_branch, u8 *recovery_branch,
			       u8 *auth_policy);

/*
 * sha256 of @b's fields before the public size as written (the Tang
 * section included), with the total length as zero: generation 2 seals it
 * beside the secret. 0, -EINVAL for a section that cannot be written, or
 * -ENOMEM.
 */
int kseal_sealed_blob_hdr_digest(const struct kseal_sealed_blob *b, u8 *out);

/* Encoded size of @b; 0 if @b is inconsistent and would not be written. */
size_t kseal_sealed_blob_size(const struct kseal_sealed_blob *b);

/*
 * Encode @b into @buf. Returns the bytes written, -EINVAL if @b breaks a
 * rule the parser enforces (so every written blob parses back), -ENOSPC if
 * @cap is too small (nothing is written then).
 */
ssize_t kseal_sealed_blob_write(const struct kseal_sealed_blob *b, u8 *buf,
				size_t cap);

#endif /* KSEAL_BLOB_PARSE_H */
