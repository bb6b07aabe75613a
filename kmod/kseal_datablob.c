// SPDX-License-Identifier: GPL-2.0-only
/*
 * Data key blobs: strict parser and writer. The tags are checked later by
 * the caller; the parser makes sure that nothing but one exact layout can
 * reach the AEAD, so a blob has a single encoding.
 */
#include "kseal_datablob.h"

/* The rules shared by parser and writer, on the decoded fields. */
static bool kseal_data_blob_valid(const struct kseal_data_blob *b)
{
	u16 i;

	if (!b->creator_version || (b->flags & ~KSEAL_BLOB_DATA_FLAGS))
		return false;
	if (b->key_len < KSEAL_DATA_KEY_MIN || b->key_len > KSEAL_DATA_KEY_MAX)
		return false;
	if (!b->min_version || b->min_version > b->cur_version)
		return false;
	if (b->cur_version - b->min_version >= KSEAL_VERSIONS_MAX ||
	    b->count != b->cur_version - b->min_version + 1)
		return false;
	for (i = 0; i < b->count; i++)
		if (b->v[i].version != b->min_version + i)
			return false;
	return true;
}

static size_t kseal_data_size(u16 key_len, u16 count)
{
	return KSEAL_DATA_FIXED_SIZE +
	       (size_t)count * (KSEAL_DATA_VER_OVERHEAD + key_len);
}

static void kseal_data_put_fixed(const struct kseal_data_blob *b, size_t size,
				 u8 *p)
{
	put_unaligned_be32(KSEAL_BLOB_MAGIC, p + KSEAL_BLOB_OFF_MAGIC);
	put_unaligned_be16(KSEAL_BLOB_FORMAT, p + KSEAL_BLOB_OFF_FORMAT);
	put_unaligned_be16(KSEAL_BLOB_KIND_DATA, p + KSEAL_BLOB_OFF_KIND);
	put_unaligned_be32(b->creator_version, p + KSEAL_BLOB_OFF_CREATOR);
	put_unaligned_be32(b->flags, p + KSEAL_BLOB_OFF_FLAGS);
	put_unaligned_be32((u32)size, p + KSEAL_BLOB_OFF_TOTAL);
	memcpy(p + KSEAL_DATA_OFF_ID, b->wrap_id, KSEAL_DATA_ID_SIZE);
	put_unaligned_be16(b->key_len, p + KSEAL_DATA_OFF_KEYLEN);
	put_unaligned_be32(b->cur_version, p + KSEAL_DATA_OFF_CUR);
	put_unaligned_be32(b->min_version, p + KSEAL_DATA_OFF_MIN);
	put_unaligned_be16(b->count, p + KSEAL_DATA_OFF_COUNT);
}

u16 kseal_data_blob_room(const u8 *buf, size_t len)
{
	u16 count;

	if (len < KSEAL_DATA_FIXED_SIZE)
		return 1;
	count = get_unaligned_be16(buf + KSEAL_DATA_OFF_COUNT);
	return count && count <= KSEAL_VERSIONS_MAX ? count : 1;
}

static int kseal_data_blob_decode(const u8 *buf, size_t len,
				  struct kseal_data_blob *b, u16 room)
{
	const u8 *p;
	int kind;
	u16 i;

	kind = kseal_blob_kind(buf, len);
	if (kind < 0)
		return kind;
	if (kind != KSEAL_BLOB_KIND_DATA)
		return -EINVAL;
	if (get_unaligned_be32(buf + KSEAL_BLOB_OFF_FLAGS) &
	    ~KSEAL_BLOB_DATA_FLAGS)
		return -EINVAL;
	if (len < KSEAL_DATA_FIXED_SIZE)
		return -EBADMSG;

	b->creator_version = get_unaligned_be32(buf + KSEAL_BLOB_OFF_CREATOR);
	b->flags = get_unaligned_be32(buf + KSEAL_BLOB_OFF_FLAGS);
	memcpy(b->wrap_id, buf + KSEAL_DATA_OFF_ID, KSEAL_DATA_ID_SIZE);
	b->key_len = get_unaligned_be16(buf + KSEAL_DATA_OFF_KEYLEN);
	b->cur_version = get_unaligned_be32(buf + KSEAL_DATA_OFF_CUR);
	b->min_version = get_unaligned_be32(buf + KSEAL_DATA_OFF_MIN);
	b->count = get_unaligned_be16(buf + KSEAL_DATA_OFF_COUNT);
	if (b->key_len < KSEAL_DATA_KEY_MIN ||
	    b->key_len > KSEAL_DATA_KEY_MAX ||
	    !b->count || b->count > KSEAL_VERSIONS_MAX || b->count > room)
		return -EBADMSG;
	/* Exact length before reading any version: no trailing bytes. */
	if (len != kseal_data_size(b->key_len, b->count))
		return -EBADMSG;

	p = buf + KSEAL_DATA_FIXED_SIZE;
	for (i = 0; i < b->count; i++) {
		struct kseal_data_version *v = &b->v[i];

		v->version = get_unaligned_be32(p);
		p += 4;
		memcpy(v->nonce, p, KSEAL_DATA_NONCE_SIZE);
		p += KSEAL_DATA_NONCE_SIZE;
		memcpy(v->ct, p, b->key_len);
		p += b->key_len;
		memcpy(v->tag, p, KSEAL_DATA_TAG_SIZE);
		p += KSEAL_DATA_TAG_SIZE;
	}
	if (!kseal_data_blob_valid(b))
		return -EBADMSG;
	return 0;
}

int kseal_data_blob_parse(const u8 *buf, size_t len,
			  struct kseal_data_blob *out, u16 room)
{
	int ret;

	memset(out, 0, KSEAL_DATA_BLOB_ROOM(room));
	ret = kseal_data_blob_decode(buf, len, out, room);
	if (ret)
		memzero_explicit(out, KSEAL_DATA_BLOB_ROOM(room));
	return ret;
}

size_t kseal_data_blob_size(const struct kseal_data_blob *b)
{
	if (!kseal_data_blob_valid(b))
		return 0;
	return kseal_data_size(b->key_len, b->count);
}

int kseal_data_blob_aad(const struct kseal_data_blob *b, u32 version,
			u8 aad[KSEAL_DATA_AAD_SIZE])
{
	size_t size = kseal_data_blob_size(b);

	if (!size)
		return -EINVAL;
	kseal_data_put_fixed(b, size, aad);
	put_unaligned_be32(version, aad + KSEAL_DATA_FIXED_SIZE);
	return 0;
}

ssize_t kseal_data_blob_write(const struct kseal_data_blob *b, u8 *buf,
			      size_t cap)
{
	size_t size = kseal_data_blob_size(b);
	u8 *p;
	u16 i;

	if (!size)
		return -EINVAL;
	if (size > cap)
		return -ENOSPC;

	kseal_data_put_fixed(b, size, buf);
	p = buf + KSEAL_DATA_FIXED_SIZE;
	for (i = 0; i < b->count; i++) {
		const struct kseal_data_version *v = &b->v[i];

		put_unaligned_be32(v->version, p);
		p += 4;
		memcpy(p, v->nonce, KSEAL_DATA_NONCE_SIZE);
		p += KSEAL_DATA_NONCE_SIZE;
		memcpy(p, v->ct, b->key_len);
		p += b->key_len;
		memcpy(p, v->tag, KSEAL_DATA_TAG_SIZE);
		p += KSEAL_DATA_TAG_SIZE;
	}
	return p - buf;
}
