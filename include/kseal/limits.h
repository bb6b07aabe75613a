/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Limits of the keyctl interface and of the blob format, shared by the
 * module, the helper and the host tests. Plain #defines only, so that any
 * C environment can include this file.
 */
#ifndef KSEAL_LIMITS_H
#define KSEAL_LIMITS_H

/* Secret sizes in bytes. The TPM seals at most 128 bytes (MAX_SYM_DATA). */
#define KSEAL_SEALED_KEY_MIN	32	/* derives AES-256 wrapping keys */
#define KSEAL_SEALED_KEY_MAX	128
/* New sealed keys: the TPM also seals a 32-byte digest of the header. */
#define KSEAL_SEALED_NEW_MAX	96
#define KSEAL_DATA_KEY_MIN	16
#define KSEAL_DATA_KEY_MAX	128

/* PCRs of the sha256 bank that a policy may select: 0..23. */
#define KSEAL_PCR_COUNT		24
#define KSEAL_PCR_MASK_ALL	0x00ffffffU
/*
 * Default selection of new sealed keys (the module's pcrs= default and
 * ksealctl create's --pcrs default, one value in two spellings): the boot
 * chain after the firmware. PCR 4 holds the Authenticode hashes of the boot
 * applications (shim, GRUB, the kernel or a UKI), 7 the Secure Boot state and
 * the authorities that verified them, 8 GRUB's commands and kernel command
 * line, 9 the files GRUB read and the EFI stub's initrd and command line.
 * PCR 7 alone would still unseal under any kernel, initramfs or command line
 * the Secure Boot keys accept.
 */
#define KSEAL_PCR_DEFAULT_MASK	0x00000390U
#define KSEAL_PCR_DEFAULT_LIST	"4,7,8,9"
/* Resettable PCRs: extending them locks nothing, so lock= refuses them. */
#define KSEAL_PCR_RESETTABLE_MASK 0x00810000U	/* PCRs 16 and 23 */

/* Persistent handles of the owner hierarchy that may act as parents. */
#define KSEAL_PARENT_MIN	0x81000000U
#define KSEAL_PARENT_MAX	0x81ffffffU
#define KSEAL_PARENT_DEFAULT	0x81000100U
#define KSEAL_SRK_HANDLE	0x81000001U

/* A TPM object name with a sha256 name algorithm: alg id (2) + digest. */
#define KSEAL_DIGEST_SIZE	32
#define KSEAL_NAME_MAX		34
#define KSEAL_TPM_ALG_SHA256	0x000b

/*
 * TPM2B_PUBLIC and TPM2B_PRIVATE payloads of a sealed object (without
 * their size prefix). A keyedhash sealed object with a sha256 policy has a
 * public area of about 80 bytes and a private area of about 240 bytes for
 * 128 bytes of sealed data; the limits leave room for other TPMs' padding.
 */
#define KSEAL_PUBLIC_MAX	256
#define KSEAL_PRIVATE_MAX	384

/* Option values of the keyctl payload (bytes, without a NUL). */
#define KSEAL_RECOVERY_MAX	64	/* recovery= passphrase */
#define KSEAL_REF_MAX		128	/* wrap=/rewrap= key serial or description */
#define KSEAL_LOGON_DESC_MAX	128	/* logon= description */

/*
 * Tang servers of a sealed key (KSEAL_BLOB_F_TANG): at most 8, the secret
 * Z split among them is 32 bytes, each wrapped share 32 and its check 16.
 * Curves P-256 and P-384: coordinates of at most 48 bytes.
 */
#define KSEAL_TANG_SERVERS_MAX	8
#define KSEAL_TANG_SECRET_SIZE	32
#define KSEAL_TANG_SHARE_SIZE	32
#define KSEAL_TANG_CHECK_SIZE	16
#define KSEAL_TANG_WRAP_SIZE	32
#define KSEAL_TANG_COORD_MAX	48
#define KSEAL_TANG_POINT_MAX	(2 * KSEAL_TANG_COORD_MAX)
/* tang_session= description of a kseal_tang key. */
#define KSEAL_TANG_DESC_MAX	128

/* Data keys: live versions per key. */
#define KSEAL_VERSIONS_MAX	64

/*
 * Largest binary blob of any kind that load accepts (the hex form is twice
 * as long). A data blob with 64 versions of a 128-byte key needs about
 * 10.3 KiB.
 */
#define KSEAL_BLOB_MAX		16384

#endif /* KSEAL_LIMITS_H */
