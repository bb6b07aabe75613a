// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sealed key blobs: strict parser and writer. A blob comes from user space
 * and is untrusted, so every field is checked against its limit and against
 * the other fields before anything reaches the TPM.
 */
#include "kseal_blob.h"
#include "kseal_policy.h"

int kseal_blob_kind(const u8 *buf, size_t len)
{
	u16 kind;

	if (!buf || len < KSEAL_BLOB_HDR_SIZE)
		return -EINVAL;
	if (get_unaligned_be32(buf + KSEAL_BLOB_OFF_MAGIC) != KSEAL_BLOB_MAGIC ||
	    get_unaligned_be16(buf + KSEAL_BLOB_OFF_FORMAT) != KSEAL_BLOB_FORMAT)
		return -EINVAL;
	kind = get_unaligned_be16(buf + KSEAL_BLOB_OFF_KIND);
	if (kind != KSEAL_BLOB_KIND_SEALED && kind != KSEAL_BLOB_KIND_DATA)
		return -EINVAL;
	if (!get_unaligned_be32(buf + KSEAL_BLOB_OFF_CREATOR))
		return -EBADMSG;
	if (get_unaligned_be32(buf + KSEAL_BLOB_OFF_TOTAL) != len)
		return -EBADMSG;
	return kind;
}

/* TPMT_PUBLIC of a sealed object (spec part 2, 12.2.4), as kseal makes it. */
#define KSEAL_PUB_TYPE_KEYEDHASH	0x0008
#define KSEAL_PUB_ATTR_FIXED		0x00000012	/* fixedTPM|fixedParent */
#define KSEAL_PUB_ATTR_USER_WITH_AUTH	0x00000040
#define KSEAL_PUB_POLICY_OFF		10	/* after type, nameAlg, attrs, size */

/*
 * The public area must be a keyedhash object with a sha256 name, bound to
 * its TPM and parent, that only its policy can authorise, and that policy
 * must be the blob's authPolicy: the copy in the blob is what load checks
 * against the PCR branch, so the two may not disagree.
 */
static bool kseal_sealed_public_valid(const struct kseal_sealed_blob *b)
{
	const u8 *p = b->public_area;
	u32 attrs;

	if (b->public_len < KSEAL_PUB_POLICY_OFF + KSEAL_DIGEST_SIZE)
		return false;
	attrs = get_unaligned_be32(p + 4);
	return get_unaligned_be16(p) == KSEAL_PUB_TYPE_KEYEDHASH &&
	       get_unaligned_be16(p + 2) == KSEAL_TPM_ALG_SHA256 &&
	       (attrs & KSEAL_PUB_ATTR_FIXED) == KSEAL_PUB_ATTR_FIXED &&
	       !(attrs & KSEAL_PUB_ATTR_USER_WITH_AUTH) &&
	       get_unaligned_be16(p + 8) == KSEAL_DIGEST_SIZE &&
	       !memcmp(p + KSEAL_PUB_POLICY_OFF, b->auth_policy,
		       KSEAL_DIGEST_SIZE);
}

int kseal_sealed_blob_branches(const struct kseal_sealed_blob *b,
			       u8 *pcr_branch, u8 *recovery_branch,
			       u8 *auth_policy)
{
	return kseal_policy_sealed(b->flags, b->pcr_mask, b->lock_pcr,
				   b->pcr_policy, pcr_branch, recovery_branch,
				   auth_policy);
}

/*
 * A Tang section comes with generation 2 only (its header digest is what
 * binds the section to the sealed seed); its recovery wrap is empty
 * unless the blob has a recovery branch.
 */
static bool kseal_sealed_tang_valid(const struct kseal_sealed_blob *b)
{
	static const u8 zero[KSEAL_TANG_WRAP_SIZE];

	if (!(b->flags & KSEAL_BLOB_F_TANG))
		return !b->tang.n;
	if (!(b->flags & KSEAL_BLOB_F_POLICY2) || !kseal_tang_size(&b->tang))
		return false;
	return (b->flags & KSEAL_BLOB_F_RECOVERY) ||
	       !memcmp(b->tang.recovery_wrap, zero, sizeof(zero));
}

/* The rules shared by parser and writer, on the decoded fields. */
static bool kseal_sealed_blob_valid(const struct kseal_sealed_blob *b)
{
	u8 pcr_branch[KSEAL_DIGEST_SIZE], recovery_branch[KSEAL_DIGEST_SIZE];
	u8 auth_policy[KSEAL_DIGEST_SIZE];

	if (!b->creator_version || (b->flags & ~KSEAL_BLOB_SEALED_FLAGS))
		return false;
	if (b->parent_handle < KSEAL_PARENT_MIN ||
	    b->parent_handle > KSEAL_PARENT_MAX)
		return false;
	/* The module only creates parents with a sha256 name algorithm. */
	if (b->parent_name_len != KSEAL_NAME_MAX ||
	    get_unaligned_be16(b->parent_name) != KSEAL_TPM_ALG_SHA256)
		return false;
	if (!b->pcr_mask || (b->pcr_mask & ~KSEAL_PCR_MASK_ALL))
		return false;
	/*
	 * With KSEAL_BLOB_F_AUTHORIZE kseal_policy_sealed() below refuses
	 * generation 1, a zero Name digest and an empty signed selection.
	 */
	if (b->flags & KSEAL_BLOB_F_LOCK) {
		if (b->lock_pcr >= KSEAL_PCR_COUNT ||
		    !(b->pcr_mask & (1U << b->lock_pcr)) ||
		    (KSEAL_PCR_RESETTABLE_MASK & (1U << b->lock_pcr)))
			return false;
	} else if (b->lock_pcr) {
		return false;
	}
	if (!kseal_sealed_tang_valid(b))
		return false;
	/* The object's policy must be the one the header fields describe. */
	if (kseal_sealed_blob_branches(b, pcr_branch, recovery_branch,
				       auth_policy) ||
	    memcmp(auth_policy, b->auth_policy, KSEAL_DIGEST_SIZE))
		return false;
	/* A recovery branch equal to the PCR branch would make OR moot. */
	if ((b->flags & KSEAL_BLOB_F_RECOVERY) &&
	    !memcmp(pcr_branch, recovery_branch, KSEAL_DIGEST_SIZE))
		return false;
	if (!b->public_len || b->public_len > KSEAL_PUBLIC_MAX ||
	    !b->private_len || b->private_len > KSEAL_PRIVATE_MAX)
		return false;
	return kseal_sealed_public_valid(b);
}

/* Cursor over untrusted bytes: every read is bounds-checked. */
struct kseal_rd {
	const u8 *p;
	size_t left;
};

static bool kseal_rd_bytes(struct kseal_rd *r, void *dst, size_t n)
{
	if (n > r->left)
		return false;
	memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return true;
}

static bool kseal_rd_be16(struct kseal_rd *r, u16 *v)
{
	u8 b[2];

	if (!kseal_rd_bytes(r, b, sizeof(b)))
		return false;
	*v = get_unaligned_be16(b);
	return true;
}

static bool kseal_rd_be32(struct kseal_rd *r, u32 *v)
{
	u8 b[4];

	if (!kseal_rd_bytes(r, b, sizeof(b)))
		return false;
	*v = get_unaligned_be32(b);
	return true;
}

/* A size-prefixed field no larger than @max. */
static bool kseal_rd_sized(struct kseal_rd *r, u16 *len, u8 *dst, size_t max)
{
	if (!kseal_rd_be16(r, len) || *len > max)
		return false;
	return kseal_rd_bytes(r, dst, *len);
}

static int kseal_sealed_blob_decode(const u8 *buf, size_t len,
				    struct kseal_sealed_blob *b)
{
	struct kseal_rd r;
	int kind;

	kind = kseal_blob_kind(buf, len);
	if (kind < 0)
		return kind;
	if (kind != KSEAL_BLOB_KIND_SEALED)
		return -EINVAL;
	if (get_unaligned_be32(buf + KSEAL_BLOB_OFF_FLAGS) &
	    ~KSEAL_BLOB_SEALED_FLAGS)
		return -EINVAL;

	b->creator_version = get_unaligned_be32(buf + KSEAL_BLOB_OFF_CREATOR);
	b->flags = get_unaligned_be32(buf + KSEAL_BLOB_OFF_FLAGS);
	r.p = buf + KSEAL_BLOB_HDR_SIZE;
	r.left = len - KSEAL_BLOB_HDR_SIZE;
	if (!kseal_rd_be32(&r, &b->parent_handle) ||
	    !kseal_rd_sized(&r, &b->parent_name_len, b->parent_name,
			    KSEAL_NAME_MAX) ||
	    !kseal_rd_be32(&r, &b->pcr_mask) ||
	    !kseal_rd_bytes(&r, &b->lock_pcr, 1) ||
	    !kseal_rd_bytes(&r, b->pcr_policy, KSEAL_DIGEST_SIZE) ||
	    !kseal_rd_bytes(&r, b->auth_policy, KSEAL_DIGEST_SIZE) ||
	    !kseal_rd_bytes(&r, b->key_id, KSEAL_DIGEST_SIZE))
		return -EBADMSG;
	if (b->flags & KSEAL_BLOB_F_TANG) {
		int n = kseal_tang_decode(r.p, r.left, &b->tang);

		if (n < 0)
			return n;
		r.p += n;
		r.left -= n;
	}
	if (!kseal_rd_sized(&r, &b->public_len, b->public_area,
			    KSEAL_PUBLIC_MAX) ||
	    !kseal_rd_sized(&r, &b->private_len, b->private_area,
			    KSEAL_PRIVATE_MAX))
		return -EBADMSG;
	if (r.left)
		return -EBADMSG;	/* trailing bytes */
	if (!kseal_sealed_blob_valid(b))
		return -EBADMSG;
	return 0;
}

int kseal_sealed_blob_parse(const u8 *buf, size_t len,
			    struct kseal_sealed_blob *out)
{
	int ret;

	memset(out, 0, sizeof(*out));
	ret = kseal_sealed_blob_decode(buf, len, out);
	if (ret)
		memzero_explicit(out, sizeof(*out));
	return ret;
}

static size_t kseal_sealed_tang_size(const struct kseal_sealed_blob *b)
{
	return (b->flags & KSEAL_BLOB_F_TANG) ? kseal_tang_size(&b->tang) : 0;
}

size_t kseal_sealed_blob_size(const struct kseal_sealed_blob *b)
{
	if (!kseal_sealed_blob_valid(b))
		return 0;
	return KSEAL_SEALED_FIXED_SIZE + kseal_sealed_tang_size(b) +
	       b->public_len + b->private_len;
}

static u8 *kseal_put_sized(u8 *p, const u8 *src, u16 len)
{
	put_unaligned_be16(len, p);
	memcpy(p + 2, src, len);
	return p + 2 + len;
}

/* The fixed fields before the public area's size; returns the end. */
static u8 *kseal_sealed_hdr_put(const struct kseal_sealed_blob *b, u8 *p,
				u32 total)
{
	put_unaligned_be32(KSEAL_BLOB_MAGIC, p + KSEAL_BLOB_OFF_MAGIC);
	put_unaligned_be16(KSEAL_BLOB_FORMAT, p + KSEAL_BLOB_OFF_FORMAT);
	put_unaligned_be16(KSEAL_BLOB_KIND_SEALED, p + KSEAL_BLOB_OFF_KIND);
	put_unaligned_be32(b->creator_version, p + KSEAL_BLOB_OFF_CREATOR);
	put_unaligned_be32(b->flags, p + KSEAL_BLOB_OFF_FLAGS);
	put_unaligned_be32(total, p + KSEAL_BLOB_OFF_TOTAL);
	p += KSEAL_BLOB_HDR_SIZE;
	put_unaligned_be32(b->parent_handle, p);
	p = kseal_put_sized(p + 4, b->parent_name, b->parent_name_len);
	put_unaligned_be32(b->pcr_mask, p);
	p[4] = b->lock_pcr;
	p += 5;
	memcpy(p, b->pcr_policy, KSEAL_DIGEST_SIZE);
	p += KSEAL_DIGEST_SIZE;
	memcpy(p, b->auth_policy, KSEAL_DIGEST_SIZE);
	p += KSEAL_DIGEST_SIZE;
	memcpy(p, b->key_id, KSEAL_DIGEST_SIZE);
	p += KSEAL_DIGEST_SIZE;
	if (b->flags & KSEAL_BLOB_F_TANG)
		p = kseal_tang_encode(&b->tang, p);
	return p;
}

int kseal_sealed_blob_hdr_digest(const struct kseal_sealed_blob *b, u8 *out)
{
	u8 *hdr, *end;

	memset(out, 0, KSEAL_DIGEST_SIZE);
	/* Parsed and sealed blobs have exactly this name size; never more. */
	if (b->parent_name_len > KSEAL_NAME_MAX ||
	    ((b->flags & KSEAL_BLOB_F_TANG) && !kseal_tang_size(&b->tang)))
		return -EINVAL;
	/* Too large for the stack with a Tang section of P-384 points. */
	hdr = kmalloc(KSEAL_SEALED_FIXED_SIZE + KSEAL_TANG_SECTION_MAX,
		      GFP_KERNEL);
	if (!hdr)
		return -ENOMEM;
	/* The total length depends on the TPM's answer: it is left out. */
	end = kseal_sealed_hdr_put(b, hdr, 0);
	sha256(hdr, end - hdr, out);
	kfree(hdr);
	return 0;
}

ssize_t kseal_sealed_blob_write(const struct kseal_sealed_blob *b, u8 *buf,
				size_t cap)
{
	size_t size = kseal_sealed_blob_size(b);
	u8 *p;

	if (!size)
		return -EINVAL;
	if (size > cap)
		return -ENOSPC;
	p = kseal_sealed_hdr_put(b, buf, size);
	p = kseal_put_sized(p, b->public_area, b->public_len);
	p = kseal_put_sized(p, b->private_area, b->private_len);
	return p - buf;
}
