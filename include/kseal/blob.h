/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kseal blob format: what keyctl read returns (as lowercase hex) and
 * what load takes back. Plain #defines only: the helper reads the header
 * with these too.
 *
 * Every multi-byte field is big-endian; there is no padding.
 *
 * Common header (every kind):
 *
 *   offset size field
 *   ------ ---- -----------------------------------------------------------
 *        0    4 magic, KSEAL_BLOB_MAGIC ("KSBL")
 *        4    2 format version, KSEAL_BLOB_FORMAT (1)
 *        6    2 kind: KSEAL_BLOB_KIND_SEALED (1) or KSEAL_BLOB_KIND_DATA (2)
 *        8    4 creator: KSEAL_VERSION_CODE of the writer, never 0
 *       12    4 flags, meaning depends on the kind; unknown bits refused
 *       16    4 total length of the blob in bytes, header included
 *
 * Sealed key body (kind 1), from offset 20:
 *
 *   size       field
 *   ---------- -----------------------------------------------------------
 *            4 parent handle, KSEAL_PARENT_MIN..KSEAL_PARENT_MAX
 *            2 parent name size, exactly KSEAL_NAME_MAX (34)
 *           34 parent TPM name: 0x000b (sha256) || 32-byte digest
 *            4 PCR mask of the sha256 bank: bit n = PCR n, 0 < mask < 2^24
 *            1 lock PCR: with KSEAL_BLOB_F_LOCK a PCR in the mask, not 16
 *              or 23; without it, 0
 *           32 PolicyPCR branch digest
 *           32 object authPolicy: equal to the PolicyPCR digest without
 *              KSEAL_BLOB_F_RECOVERY, the PolicyOR of the PCR branch and
 *              the PolicyAuthValue branch (so different from it) with it
 *           32 key id: HMAC-SHA256(secret, "kseal id v1"). Load checks the
 *              unsealed secret against it (a TPM cannot hand back another
 *              secret); data blobs name their wrapping key by it. It stays
 *              the same across reseal and reveals nothing of the secret.
 *            2 public size P, 1..KSEAL_PUBLIC_MAX
 *            P TPM2B_PUBLIC payload (TPMT_PUBLIC): a keyedhash object,
 *              nameAlg sha256, fixedTPM and fixedParent set, userWithAuth
 *              clear, whose authPolicy equals the object authPolicy above
 *            2 private size Q, 1..KSEAL_PRIVATE_MAX
 *            Q TPM2B_PRIVATE payload
 *
 * The blob ends there: total length = 20 + 4 + 2 + 34 + 4 + 1 + 32 + 32 +
 * 32 + 2 + P + 2 + Q, and the buffer holds exactly that many bytes.
 *
 * Data key body (kind 2), from offset 20. Flags: none defined, must be 0.
 *
 *   size       field
 *   ---------- -----------------------------------------------------------
 *           32 wrapping key id: the key id of the sealed key whose derived
 *              key HMAC-SHA256(secret, "kseal wrap v1") wraps the versions
 *            2 key length L, KSEAL_DATA_KEY_MIN..KSEAL_DATA_KEY_MAX
 *            4 current version: the highest stored, at least 1
 *            4 minimum version: the lowest stored; versions below it were
 *              retired and are not in this blob, but an older blob of the
 *              same key still holds them and loading it brings them back
 *            2 count N = current - minimum + 1, 1..KSEAL_VERSIONS_MAX
 *   N * (32+L) per version, in order minimum, minimum + 1, ..., current:
 *            4   version number
 *           12   AES-256-GCM nonce
 *            L   ciphertext of the version's key bytes
 *           16   GCM tag
 *
 * Total length = 64 + N * (32 + L). The AAD of every version is the first
 * 64 bytes of the blob (header and fixed body, so total length, key id,
 * length and version range are all authenticated) followed by the 4-byte
 * version number: no metadata can change without every tag failing.
 *
 * Errors of the parsers: -EINVAL when the bytes are not a blob this version
 * understands (shorter than the header, wrong magic, unknown format version
 * or kind, unknown flag bits); -EBADMSG when they claim to be one but are
 * inconsistent (total length differs from the buffer, a field beyond its
 * limit or beyond the end, trailing bytes, flags that disagree with the
 * fields).
 */
#ifndef KSEAL_BLOB_H
#define KSEAL_BLOB_H

#define KSEAL_BLOB_MAGIC	0x4b53424cU	/* "KSBL" */
#define KSEAL_BLOB_FORMAT	1

#define KSEAL_BLOB_KIND_SEALED	1
#define KSEAL_BLOB_KIND_DATA	2

/* Header field offsets. */
#define KSEAL_BLOB_OFF_MAGIC	0
#define KSEAL_BLOB_OFF_FORMAT	4
#define KSEAL_BLOB_OFF_KIND	6
#define KSEAL_BLOB_OFF_CREATOR	8
#define KSEAL_BLOB_OFF_FLAGS	12
#define KSEAL_BLOB_OFF_TOTAL	16
#define KSEAL_BLOB_HDR_SIZE	20

/* Sealed key flags. */
#define KSEAL_BLOB_F_RECOVERY	0x00000001U	/* PolicyAuthValue OR branch */
#define KSEAL_BLOB_F_LOCK	0x00000002U	/* lock PCR field is valid */
#define KSEAL_BLOB_SEALED_FLAGS	(KSEAL_BLOB_F_RECOVERY | KSEAL_BLOB_F_LOCK)

/* Sealed key body size without the public and private payloads. */
#define KSEAL_SEALED_FIXED_SIZE	(KSEAL_BLOB_HDR_SIZE + 4 + 2 + 34 + 4 + 1 + \
				 32 + 32 + 32 + 2 + 2)

/* Data key body (kind 2). */
#define KSEAL_BLOB_DATA_FLAGS	0x00000000U	/* no flags defined yet */
#define KSEAL_DATA_ID_SIZE	32
#define KSEAL_DATA_NONCE_SIZE	12
#define KSEAL_DATA_TAG_SIZE	16
#define KSEAL_DATA_OFF_ID	KSEAL_BLOB_HDR_SIZE
#define KSEAL_DATA_OFF_KEYLEN	(KSEAL_DATA_OFF_ID + KSEAL_DATA_ID_SIZE)
#define KSEAL_DATA_OFF_CUR	(KSEAL_DATA_OFF_KEYLEN + 2)
#define KSEAL_DATA_OFF_MIN	(KSEAL_DATA_OFF_CUR + 4)
#define KSEAL_DATA_OFF_COUNT	(KSEAL_DATA_OFF_MIN + 4)
#define KSEAL_DATA_FIXED_SIZE	(KSEAL_DATA_OFF_COUNT + 2)	/* 64 */
/* One stored version without its L ciphertext bytes. */
#define KSEAL_DATA_VER_OVERHEAD	(4 + KSEAL_DATA_NONCE_SIZE + \
				 KSEAL_DATA_TAG_SIZE)
/* AAD of a version: the fixed part, then the version number. */
#define KSEAL_DATA_AAD_SIZE	(KSEAL_DATA_FIXED_SIZE + 4)

#endif /* KSEAL_BLOB_H */
