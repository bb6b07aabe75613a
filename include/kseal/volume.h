/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kseal volume header, as `ksealctl volume format` writes it in the
 * first 512 bytes of a block device; the encrypted data starts at the
 * data offset. Integers are big-endian; text fields are ASCII, padded
 * with NUL bytes to their size, and at least one NUL ends them.
 *
 *   off size field
 *     0    8 magic "KSEALVOL"
 *     8    2 version (1)
 *    10    2 header size (512)
 *    12    4 flags (none defined: 0)
 *    16   16 volume UUID (random, RFC 4122 version 4)
 *    32   48 label (printable, may be empty)
 *    80   48 dm-crypt cipher specification, e.g. aes-xts-plain64
 *   128   64 name of the kseal data key (ksealctl's key name)
 *   192    4 key size in bytes (the data key's length, 16..128)
 *   196    4 encryption sector size (512, 1024, 2048 or 4096)
 *   200    8 data offset in bytes (a multiple of 4096, at least 4096)
 *   208    8 data size in bytes (a multiple of the sector size, not 0)
 *   216  228 reserved, zero
 *   444   36 key check value
 *   480   32 SHA-256 of bytes 0..479
 *
 * The key check value is what the data key's keyctl pkey_sign returns
 * for bytes 0..443 of the header (the key's version, big-endian u32, then
 * HMAC-SHA256 under that version's signing key: see ciphertext.h). It
 * proves that a loaded data key is the one the volume was formatted with
 * without its bytes leaving the kernel, and, through its version, that
 * the key was not rotated since: the logon key dm-crypt uses carries the
 * version current when the data key was loaded.
 *
 * The SHA-256 tells a damaged header (any byte) from a wrong key: it is
 * checked first, the key check value second.
 *
 * The mapping is the dm-crypt table
 *   <cipher> :<key size>:logon:<logon description> 0 <device> <offset>
 * with the data offset and size in 512-byte sectors, and the optional
 * arguments sector_size:<sector size> (when not 512) and, when asked
 * for, allow_discards. The IV counts 512-byte sectors from the start of
 * the data area, whatever the sector size (no iv_large_sectors).
 */
#ifndef KSEAL_VOLUME_FORMAT_H
#define KSEAL_VOLUME_FORMAT_H

#define KSEAL_VOL_MAGIC		"KSEALVOL"
#define KSEAL_VOL_MAGIC_SIZE	8
#define KSEAL_VOL_VERSION	1
#define KSEAL_VOL_HDR_SIZE	512

#define KSEAL_VOL_OFF_MAGIC	0
#define KSEAL_VOL_OFF_VERSION	8
#define KSEAL_VOL_OFF_HDR_SIZE	10
#define KSEAL_VOL_OFF_FLAGS	12
#define KSEAL_VOL_OFF_UUID	16
#define KSEAL_VOL_OFF_LABEL	32
#define KSEAL_VOL_OFF_CIPHER	80
#define KSEAL_VOL_OFF_KEY	128
#define KSEAL_VOL_OFF_KEY_SIZE	192
#define KSEAL_VOL_OFF_SECTOR	196
#define KSEAL_VOL_OFF_DATA_OFF	200
#define KSEAL_VOL_OFF_DATA_SIZE	208
#define KSEAL_VOL_OFF_RESERVED	216
#define KSEAL_VOL_OFF_CHECK	444
#define KSEAL_VOL_OFF_SHA256	480

#define KSEAL_VOL_UUID_SIZE	16
#define KSEAL_VOL_LABEL_SIZE	48
#define KSEAL_VOL_CIPHER_SIZE	48
#define KSEAL_VOL_KEY_SIZE	64
#define KSEAL_VOL_CHECK_SIZE	36	/* pkey_sign: version + HMAC-SHA256 */
#define KSEAL_VOL_SHA256_SIZE	32

/* The default data offset: 1 MiB, aligned for any sector and stripe. */
#define KSEAL_VOL_DATA_OFFSET	(1024 * 1024)
#define KSEAL_VOL_DATA_ALIGN	4096
/* The smallest data area format accepts. */
#define KSEAL_VOL_DATA_MIN	(1024 * 1024)

#endif /* KSEAL_VOLUME_FORMAT_H */
