/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parse and write data key blobs (kind 2); the layout is documented in
 * include/kseal/blob.h. Only the format: the wrapping (AES-256-GCM) is done
 * by the caller with the AAD that kseal_data_blob_aad() gives. Compiled
 * into the module and into host tests.
 */
#ifndef KSEAL_DATABLOB_H
#define KSEAL_DATABLOB_H

#include "kseal_blob.h"	/* the common header and kseal_blob_kind() */

/* One stored version: wrapped key bytes, never plaintext. */
struct kseal_data_version {
	u32 version;
	u8 nonce[KSEAL_DATA_NONCE_SIZE];
	u8 ct[KSEAL_DATA_KEY_MAX];	/* key_len bytes used */
	u8 tag[KSEAL_DATA_TAG_SIZE];
};

/*
 * A data blob, decoded. Versions are exactly min_version..cur_version in
 * order (v[i].version == min_version + i), count of them. A writer sets
 * creator_version to KSEAL_VERSION_CODE; a parsed blob keeps its creator's.
 * The caller allocates room for the versions (KSEAL_DATA_BLOB_ROOM()):
 * most keys have one, and room for all 64 is about 10 KiB, which the
 * kernel's slab caches do not serve, so every load would go to the page
 * allocator.
 */
struct kseal_data_blob {
	u32 creator_version;
	u32 flags;
	u8 wrap_id[KSEAL_DATA_ID_SIZE];
	u16 key_len;
	u32 cur_version;
	u32 min_version;
	u16 count;
	struct kseal_data_version v[];
};

/* Bytes of a struct kseal_data_blob with room for @n versions. */
#define KSEAL_DATA_BLOB_ROOM(n) \
	(sizeof(struct kseal_data_blob) + \
	 (size_t)(n) * sizeof(struct kseal_data_version))

/*
 * The version count to allocate room for before parsing @buf: the count
 * the blob states when that is 1..KSEAL_VERSIONS_MAX, else 1 (the parser
 * then refuses the blob). Only sizes memory; it validates nothing.
 */
u16 kseal_data_blob_room(const u8 *buf, size_t len);

/*
 * Parse @buf into @out, which has room for @room versions (a blob with
 * more is refused). 0, -EINVAL or -EBADMSG (see include/kseal/blob.h);
 * @out zeroed on error.
 */
int kseal_data_blob_parse(const u8 *buf, size_t len,
			  struct kseal_data_blob *out, u16 room);

/* Encoded size of @b; 0 if @b is inconsistent and would not be written. */
size_t kseal_data_blob_size(const struct kseal_data_blob *b);

/*
 * The AAD that authenticates version @version of @b: the blob's first
 * KSEAL_DATA_FIXED_SIZE bytes as kseal_data_blob_write() would write them,
 * then @version. 0, or -EINVAL if @b is inconsistent.
 */
int kseal_data_blob_aad(const struct kseal_data_blob *b, u32 version,
			u8 aad[KSEAL_DATA_AAD_SIZE]);

/*
 * Encode @b into @buf. Returns the bytes written, -EINVAL if @b breaks a
 * rule the parser enforces (so every written blob parses back), -ENOSPC if
 * @cap is too small (nothing is written then).
 */
ssize_t kseal_data_blob_write(const struct kseal_data_blob *b, u8 *buf,
			      size_t cap);

#endif /* KSEAL_DATABLOB_H */
