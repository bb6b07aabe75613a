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
 *           32 PCR digest: without KSEAL_BLOB_F_POLICY2, the PolicyPCR
 *              branch over the PCRs of the mask; with it, the PolicyPCR
 *              digest over the PCRs of the mask other than the lock PCR
 *              (all zero when the lock PCR is the only one)
 *           32 object authPolicy, which load recomputes from the flags,
 *              the mask, the lock PCR and the PCR digest and refuses
 *              unless equal (see "Policies" below)
 *           32 key id: HMAC-SHA256(secret, "kseal id v1"). Load checks the
 *              unsealed secret against it (a TPM cannot hand back another
 *              secret); data blobs name their wrapping key by it. It stays
 *              the same across reseal and reveals nothing of the secret.
 *            S Tang section, only with KSEAL_BLOB_F_TANG (below); S = 0
 *              without it
 *            2 public size P, 1..KSEAL_PUBLIC_MAX
 *            P TPM2B_PUBLIC payload (TPMT_PUBLIC): a keyedhash object,
 *              nameAlg sha256, fixedTPM and fixedParent set, userWithAuth
 *              clear, whose authPolicy equals the object authPolicy above
 *            2 private size Q, 1..KSEAL_PRIVATE_MAX
 *            Q TPM2B_PRIVATE payload
 *
 * The blob ends there: total length = 20 + 4 + 2 + 34 + 4 + 1 + 32 + 32 +
 * 32 + S + 2 + P + 2 + Q, and the buffer holds exactly that many bytes.
 *
 * Tang section (KSEAL_BLOB_F_TANG, generation 2 only). The key is bound to
 * N Tang servers as well as to the TPM: the TPM seals seed = F XOR pad(Z)
 * rather than the secret F, where Z is 32 random bytes split T-of-N
 * (Shamir over GF(2^8)) among the servers, and pad(Z) is
 * HMAC-SHA256(Z, "kseal tang v1 0") || HMAC-SHA256(Z, "kseal tang v1 1")
 * || ... cut to the key length. The key id stays HMAC-SHA256(F, ...): load
 * recombines F and checks it. With c the coordinate size of the curve
 * (32 for P-256, 48 for P-384), points as x || y, big-endian:
 *
 *   size       field
 *   ---------- -----------------------------------------------------------
 *            1 curve: KSEAL_TANG_P256 (1) or KSEAL_TANG_P384 (2)
 *            1 N servers, 1..KSEAL_TANG_SERVERS_MAX
 *            1 T threshold, 1..N
 *            1 reserved, 0
 *           32 recovery wrap: with KSEAL_BLOB_F_RECOVERY, Z XOR
 *              HMAC-SHA256(HMAC-SHA256(seed, "kseal tang recovery v1"),
 *              passphrase); without it all zero
 *   N * (4c + 48), server i = 1..N in order:
 *           2c S_i, the server's exchange key
 *           2c C_i = c_i * G; K_i = c_i * S_i, whose x coordinate keys
 *              the next two fields (c_i itself is forgotten)
 *           32 wrapped share: share_i XOR HMAC-SHA256(K_i.x,
 *              "kseal tang share v1"); share_i is Z's Shamir share at x = i
 *           16 check: the first 16 bytes of HMAC-SHA256(K_i.x,
 *              "kseal tang check v1"), which names a wrong answer
 *
 * The section lies before the public size, so the header digest sealed
 * with generation 2 covers it. The parser checks sizes and ranges only;
 * the points are checked on their curve before any use.
 *
 * Policies. Generation 1 (KSEAL_BLOB_F_POLICY2 clear, written by kseal
 * 0.1): the PCR branch is the PCR digest field; the recovery branch is
 * PolicyAuthValue alone, which still unseals after the lock: such blobs
 * load, `ksealctl list` and `status` flag them, `ksealctl reseal` before
 * the lock writes generation 2. Generation 2, with L the lock PCR:
 *
 *   PCR branch      PolicyPCR(mask without L, values at seal time), then,
 *                   with KSEAL_BLOB_F_LOCK, PolicyPCR(L, 32 zero bytes)
 *   recovery branch with KSEAL_BLOB_F_LOCK, PolicyPCR(L, 32 zero bytes),
 *                   then PolicyAuthValue
 *   authPolicy      PolicyOR(PCR branch, recovery branch) with
 *                   KSEAL_BLOB_F_RECOVERY, else the PCR branch
 *
 * so a lock-bound key unseals, by either branch, only while L still holds
 * its boot value (zero: L must be a PCR nothing else extends), and the
 * kernel, not the blob, says what L binds. The sealed data of generation
 * 2 is the secret followed by sha256 of the blob's bytes before the
 * public size, with the total length field as zero: load compares it
 * after Unseal, so no header field can change unnoticed.
 *
 * With KSEAL_BLOB_F_AUTHORIZE (generation 2 only) the PCR branch is signed
 * rather than fixed: the PCR digest field holds the digest of the policy
 * signing key's TPM Name (its name algorithm is sha256, so the Name is
 * 0x000b || field), the mask holds the PCR selection the signed policies
 * cover (plus L with KSEAL_BLOB_F_LOCK; L itself is never in the signed
 * selection), and
 *
 *   PCR branch      PolicyAuthorize(signing key's Name, empty policyRef),
 *                   then, with KSEAL_BLOB_F_LOCK, PolicyPCR(L, 32 zero bytes)
 *
 * At load the session first runs PolicyPCR over the signed selection with
 * the current values, then PolicyAuthorize with the approved policy digest
 * and the TPM's verification ticket of its signature: any PCR state the
 * holder of the signing key approved unseals, and no other. The recovery
 * branch is generation 2's. The parser refuses KSEAL_BLOB_F_AUTHORIZE
 * without KSEAL_BLOB_F_POLICY2, an all-zero PCR digest field, and a mask
 * with no PCR besides L. The signed selection is not part of authPolicy
 * (a signature covers it): a changed mask parses, then fails
 * PolicyAuthorize or, after Unseal, the sealed header digest.
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
#define KSEAL_BLOB_F_POLICY2	0x00000004U	/* policy generation 2, below */
#define KSEAL_BLOB_F_AUTHORIZE	0x00000008U	/* signed PCR policies */
#define KSEAL_BLOB_F_TANG	0x00000010U	/* Tang section, above */
#define KSEAL_BLOB_SEALED_FLAGS	(KSEAL_BLOB_F_RECOVERY | KSEAL_BLOB_F_LOCK | \
				 KSEAL_BLOB_F_POLICY2 | KSEAL_BLOB_F_AUTHORIZE | \
				 KSEAL_BLOB_F_TANG)

/* Sealed key body size without the public and private payloads. */
#define KSEAL_SEALED_FIXED_SIZE	(KSEAL_BLOB_HDR_SIZE + 4 + 2 + 34 + 4 + 1 + \
				 32 + 32 + 32 + 2 + 2)

/* Tang section (KSEAL_BLOB_F_TANG), after the key id. */
#define KSEAL_TANG_P256		1
#define KSEAL_TANG_P384		2
#define KSEAL_TANG_HDR_SIZE	(4 + KSEAL_TANG_WRAP_SIZE)
/* One server's record, for coordinate size c. */
#define KSEAL_TANG_SERVER_SIZE(c) (4 * (c) + KSEAL_TANG_SHARE_SIZE + \
				   KSEAL_TANG_CHECK_SIZE)
#define KSEAL_TANG_SECTION_MAX	(KSEAL_TANG_HDR_SIZE + KSEAL_TANG_SERVERS_MAX * \
				 KSEAL_TANG_SERVER_SIZE(KSEAL_TANG_COORD_MAX))

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
