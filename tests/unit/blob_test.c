// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of the sealed blob parser and writer (kmod/kseal_blob.c). The
 * test has its own encoder, written from the layout table in
 * include/kseal/blob.h and without any checks, so it can also build every
 * kind of broken blob. The one thing it does not make up is the object's
 * authPolicy: unless a test sets it, it is the policy the header fields
 * describe (kseal_policy_sealed), which load insists on.
 */
#include "kseal_blob.h"
#include "kseal_policy.h"
#include <kseal/version.h>

#include <kselftest_harness.h>

#define BUF_MAX 2048

/* Fields as they go on the wire, lengths free to lie. */
struct raw {
	u32 magic;
	u16 format, kind;
	u32 creator, flags;
	int total;		/* -1: the real length */
	u32 parent;
	u16 name_len;
	u32 mask;
	u8 lock;
	u8 pcr_policy[32];
	bool auth_set;		/* auth_policy as set, not the computed one */
	u8 auth_policy[32];
	u16 pub_len, priv_len;
	u32 pub_attrs;			/* objectAttributes in the public area */
	bool pub_policy_set;		/* pub_policy differs from auth_policy */
	u8 pub_policy[32];
	int pub_bytes, priv_bytes;	/* -1: as many as the length says */
	int trailing;
};

static void raw_init(struct raw *r)
{
	memset(r, 0, sizeof(*r));
	r->magic = KSEAL_BLOB_MAGIC;
	r->format = KSEAL_BLOB_FORMAT;
	r->kind = KSEAL_BLOB_KIND_SEALED;
	r->creator = KSEAL_VERSION_CODE;
	r->total = -1;
	r->parent = 0x81000100;
	r->name_len = 34;
	r->mask = 0x80;
	memset(r->pcr_policy, 0x11, 32);
	r->pub_len = 80;
	r->pub_attrs = 0x12;
	r->priv_len = 200;
	r->pub_bytes = -1;
	r->priv_bytes = -1;
}

static void put16(u8 **p, u16 v)
{
	put_unaligned_be16(v, *p);
	*p += 2;
}

static void put32(u8 **p, u32 v)
{
	put_unaligned_be32(v, *p);
	*p += 4;
}

static void fill(u8 **p, int n, u8 seed)
{
	int i;

	for (i = 0; i < n; i++)
		*(*p)++ = (u8)(seed + i * 7);
}

/*
 * The authPolicy the encoder writes: the test's own if it set one, else
 * what the flags, mask, lock PCR and PCR digest describe. Fields that
 * describe no policy get a filler; the parser refuses those anyway.
 */
static void raw_auth(const struct raw *r, u8 *out)
{
	u8 pcr_branch[32], recovery_branch[32];

	if (r->auth_set) {
		memcpy(out, r->auth_policy, 32);
		return;
	}
	if (kseal_policy_sealed(r->flags, r->mask, r->lock, r->pcr_policy,
				pcr_branch, recovery_branch, out))
		memset(out, 0x99, 32);
}

static size_t raw_encode(const struct raw *r, u8 *buf)
{
	u8 *p = buf, *total_at;
	u8 auth[32];
	size_t len;

	raw_auth(r, auth);

	put32(&p, r->magic);
	put16(&p, r->format);
	put16(&p, r->kind);
	put32(&p, r->creator);
	put32(&p, r->flags);
	total_at = p;
	put32(&p, 0);
	put32(&p, r->parent);
	put16(&p, r->name_len);
	put16(&p, KSEAL_TPM_ALG_SHA256);
	fill(&p, r->name_len - 2, 0x40);
	put32(&p, r->mask);
	*p++ = r->lock;
	memcpy(p, r->pcr_policy, 32);
	p += 32;
	memcpy(p, auth, 32);
	p += 32;
	fill(&p, 32, 0x20);	/* key id: any value */
	put16(&p, r->pub_len);
	if (r->pub_bytes < 0 && r->pub_len >= 42) {
		/* A TPMT_PUBLIC as the module makes it, then filler. */
		put16(&p, 0x0008);
		put16(&p, KSEAL_TPM_ALG_SHA256);
		put32(&p, r->pub_attrs);
		put16(&p, 32);
		memcpy(p, r->pub_policy_set ? r->pub_policy : auth, 32);
		p += 32;
		fill(&p, r->pub_len - 42, 0x01);
	} else {
		fill(&p, r->pub_bytes < 0 ? r->pub_len : r->pub_bytes, 0x01);
	}
	put16(&p, r->priv_len);
	fill(&p, r->priv_bytes < 0 ? r->priv_len : r->priv_bytes, 0x80);
	fill(&p, r->trailing, 0xee);
	len = p - buf;
	put_unaligned_be32(r->total < 0 ? (u32)len : (u32)r->total, total_at);
	return len;
}

static int raw_parse(const struct raw *r)
{
	static u8 buf[BUF_MAX];
	struct kseal_sealed_blob b;
	size_t len = raw_encode(r, buf);

	return kseal_sealed_blob_parse(buf, len, &b);
}

static void blob_init(struct kseal_sealed_blob *b)
{
	struct raw r;
	u8 buf[BUF_MAX];
	size_t len;

	raw_init(&r);
	len = raw_encode(&r, buf);
	if (kseal_sealed_blob_parse(buf, len, b))
		abort();
}

static bool is_zero(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

TEST(parse_valid_fields)
{
	static const u8 zero[32];
	struct kseal_sealed_blob b;
	u8 buf[BUF_MAX], av[32], want[32];
	struct raw r;
	size_t len;

	raw_init(&r);
	r.flags = KSEAL_BLOB_F_LOCK | KSEAL_BLOB_F_RECOVERY;
	r.mask = 0x8081;
	r.lock = 15;
	len = raw_encode(&r, buf);
	ASSERT_EQ(KSEAL_SEALED_FIXED_SIZE + 80 + 200, len);
	ASSERT_EQ(KSEAL_BLOB_KIND_SEALED, kseal_blob_kind(buf, len));
	ASSERT_EQ(0, kseal_sealed_blob_parse(buf, len, &b));
	EXPECT_EQ(KSEAL_VERSION_CODE, b.creator_version);
	EXPECT_EQ(KSEAL_BLOB_F_LOCK | KSEAL_BLOB_F_RECOVERY, b.flags);
	EXPECT_EQ(0x81000100, b.parent_handle);
	EXPECT_EQ(34, b.parent_name_len);
	EXPECT_EQ(0x00, b.parent_name[0]);
	EXPECT_EQ(0x0b, b.parent_name[1]);
	EXPECT_EQ(0x40, b.parent_name[2]);
	EXPECT_EQ(0x8081, b.pcr_mask);
	EXPECT_EQ(15, b.lock_pcr);
	EXPECT_EQ(0x11, b.pcr_policy[31]);
	/* generation 1 with recovery: PolicyOR(PCR digest, PolicyAuthValue) */
	kseal_policy_authvalue(zero, av);
	kseal_policy_or2(r.pcr_policy, av, want);
	EXPECT_EQ(0, memcmp(want, b.auth_policy, 32));
	EXPECT_EQ(80, b.public_len);
	EXPECT_EQ(0x00, b.public_area[0]);
	EXPECT_EQ(0x08, b.public_area[1]);	/* keyedhash */
	EXPECT_EQ(200, b.private_len);
	EXPECT_EQ(0x80, b.private_area[0]);
}

/* The sealed object must be what the module makes, with the blob's policy. */
TEST(public_area_rules)
{
	u8 buf[BUF_MAX];
	struct raw r;
	size_t len;

	raw_init(&r);
	ASSERT_EQ(0, raw_parse(&r));
	r.pub_attrs = 0x12 | 0x40;	/* userWithAuth: a password would do */
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.pub_attrs = 0x10;		/* not fixedTPM */
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.pub_attrs = 0x02;		/* not fixedParent */
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.pub_attrs = 0x12 | 0x20000;	/* other bits do not matter */
	EXPECT_EQ(0, raw_parse(&r));

	/* The object's policy and the blob's copy may not disagree. */
	raw_init(&r);
	r.pub_policy_set = true;
	raw_auth(&r, r.pub_policy);
	r.pub_policy[17] ^= 4;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));

	/* Type, name algorithm and policy size, each on its own. */
	{
		/* Where the TPMT_PUBLIC starts: after the fields and its size. */
		const size_t at = KSEAL_SEALED_FIXED_SIZE - 2;
		static const struct { size_t off; u8 v; } bad[] = {
			{ 1, 0x25 },	/* type ECC */
			{ 3, 0x0c },	/* nameAlg sha384 */
			{ 9, 31 },	/* authPolicy size */
			{ 9, 48 },
		};
		struct kseal_sealed_blob b;
		size_t i;

		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			raw_init(&r);
			len = raw_encode(&r, buf);
			ASSERT_EQ(0, kseal_sealed_blob_parse(buf, len, &b));
			buf[at + bad[i].off] = bad[i].v;
			EXPECT_EQ(-EBADMSG, kseal_sealed_blob_parse(buf, len, &b));
		}
	}
}

TEST(round_trip_is_byte_identical)
{
	static const u32 flags[] = {
		0, KSEAL_BLOB_F_RECOVERY, KSEAL_BLOB_F_LOCK,
		KSEAL_BLOB_F_RECOVERY | KSEAL_BLOB_F_LOCK,
		KSEAL_BLOB_F_POLICY2,
		KSEAL_BLOB_F_POLICY2 | KSEAL_BLOB_F_RECOVERY,
		KSEAL_BLOB_F_POLICY2 | KSEAL_BLOB_F_LOCK,
		KSEAL_BLOB_F_POLICY2 | KSEAL_BLOB_F_RECOVERY | KSEAL_BLOB_F_LOCK,
	};
	static const u16 pubs[] = { 42, 80, KSEAL_PUBLIC_MAX };
	static const u16 privs[] = { 1, 200, KSEAL_PRIVATE_MAX };
	struct kseal_sealed_blob b, b2;
	u8 in[BUF_MAX], out[BUF_MAX];
	struct raw r;
	size_t f, i, len;

	for (f = 0; f < ARRAY_SIZE(flags); f++) {
		for (i = 0; i < ARRAY_SIZE(pubs); i++) {
			raw_init(&r);
			r.flags = flags[f];
			if (r.flags & KSEAL_BLOB_F_LOCK) {
				r.mask |= 1U << 22;
				r.lock = 22;
			}
			r.pub_len = pubs[i];
			r.priv_len = privs[i];
			len = raw_encode(&r, in);
			ASSERT_EQ(0, kseal_sealed_blob_parse(in, len, &b));
			ASSERT_EQ(len, kseal_sealed_blob_size(&b));
			ASSERT_EQ((ssize_t)len,
				  kseal_sealed_blob_write(&b, out, sizeof(out)));
			ASSERT_EQ(0, memcmp(in, out, len));
			ASSERT_EQ(0, kseal_sealed_blob_parse(out, len, &b2));
			ASSERT_EQ(0, memcmp(&b, &b2, sizeof(b)));
		}
	}
}

TEST(write_capacity)
{
	struct kseal_sealed_blob b;
	u8 out[BUF_MAX];
	size_t size;

	blob_init(&b);
	size = kseal_sealed_blob_size(&b);
	memset(out, 0x5a, sizeof(out));
	ASSERT_EQ(-ENOSPC, kseal_sealed_blob_write(&b, out, size - 1));
	ASSERT_EQ(0x5a, out[0]);
	ASSERT_EQ(-ENOSPC, kseal_sealed_blob_write(&b, out, 0));
	ASSERT_EQ((ssize_t)size, kseal_sealed_blob_write(&b, out, size));
	ASSERT_EQ(0x5a, out[size]);
}

/* The writer refuses everything the parser would refuse. */
TEST(write_rejects_inconsistent)
{
	struct kseal_sealed_blob b;
	u8 out[BUF_MAX], pcr[32], rec[32];
	int i;

	for (i = 0; i < 22; i++) {
		blob_init(&b);
		switch (i) {
		case 0:
			b.creator_version = 0;
			break;
		case 1:
			b.flags = 0x10;	/* the first undefined bit */
			break;
		case 2:
			b.parent_handle = 0x80ffffff;
			break;
		case 3:
			b.parent_handle = 0x82000000;
			break;
		case 4:
			b.parent_name_len = 33;
			break;
		case 5:
			b.parent_name[1] = 0x04;
			break;
		case 6:
			b.pcr_mask = 0;
			break;
		case 7:
			b.pcr_mask = 1U << 24;
			break;
		case 8:
			b.lock_pcr = 7;
			break;
		case 9:
			b.flags = KSEAL_BLOB_F_LOCK;
			b.lock_pcr = 8;
			break;
		case 10:
			b.flags = KSEAL_BLOB_F_RECOVERY;	/* policy is not OR */
			break;
		case 11:
			b.auth_policy[5] ^= 1;
			break;
		case 12:
			b.public_len = 0;
			break;
		case 13:
			b.public_len = KSEAL_PUBLIC_MAX + 1;
			break;
		case 14:
			b.private_len = 0;
			break;
		case 15:
			b.private_len = KSEAL_PRIVATE_MAX + 1;
			break;
		case 16:
			b.flags = KSEAL_BLOB_F_LOCK;
			b.pcr_mask |= 1U << 16;
			b.lock_pcr = 16;
			break;
		case 17:
			b.flags = KSEAL_BLOB_F_LOCK;
			b.pcr_mask |= 1U << 23;
			b.lock_pcr = 23;
			break;
		case 18:	/* signed policies are generation 2 only */
			b.flags = KSEAL_BLOB_F_AUTHORIZE;
			kseal_policy_sealed(KSEAL_BLOB_F_POLICY2 | KSEAL_BLOB_F_AUTHORIZE, b.pcr_mask, 0,
					    b.pcr_policy, pcr, rec,
					    b.auth_policy);
			break;
		case 19:	/* no Name digest */
			b.flags = KSEAL_BLOB_F_POLICY2 | KSEAL_BLOB_F_AUTHORIZE;
			memset(b.pcr_policy, 0, 32);
			break;
		case 20:	/* nothing to sign besides the lock PCR */
			b.flags = KSEAL_BLOB_F_POLICY2 | KSEAL_BLOB_F_AUTHORIZE |
				  KSEAL_BLOB_F_LOCK;
			b.lock_pcr = 7;
			break;
		case 21:	/* the authPolicy of the unsigned policy */
			b.flags = KSEAL_BLOB_F_POLICY2 | KSEAL_BLOB_F_AUTHORIZE;
			kseal_policy_sealed(KSEAL_BLOB_F_POLICY2, b.pcr_mask, 0, b.pcr_policy,
					    pcr, rec, b.auth_policy);
			break;
		}
		EXPECT_EQ(0, kseal_sealed_blob_size(&b)) TH_LOG("case %d", i);
		EXPECT_EQ(-EINVAL, kseal_sealed_blob_write(&b, out, sizeof(out)))
			TH_LOG("case %d", i);
	}
}

TEST(header_errors)
{
	struct kseal_sealed_blob b;
	struct raw r;
	u8 buf[BUF_MAX];
	size_t len;

	raw_init(&r);
	len = raw_encode(&r, buf);
	ASSERT_EQ(-EINVAL, kseal_blob_kind(buf, 0));
	ASSERT_EQ(-EINVAL, kseal_blob_kind(buf, KSEAL_BLOB_HDR_SIZE - 1));
	ASSERT_EQ(-EINVAL, kseal_sealed_blob_parse(buf, 0, &b));
	ASSERT_EQ(-EINVAL, kseal_blob_kind(NULL, len));

	raw_init(&r);
	r.magic ^= 0x100;
	EXPECT_EQ(-EINVAL, raw_parse(&r));
	raw_init(&r);
	r.format = 2;
	EXPECT_EQ(-EINVAL, raw_parse(&r));
	raw_init(&r);
	r.format = 0;
	EXPECT_EQ(-EINVAL, raw_parse(&r));
	raw_init(&r);
	r.kind = 0;
	EXPECT_EQ(-EINVAL, raw_parse(&r));
	raw_init(&r);
	r.kind = 3;
	EXPECT_EQ(-EINVAL, raw_parse(&r));
	/* a data blob header is a valid header, but not a sealed blob */
	raw_init(&r);
	r.kind = KSEAL_BLOB_KIND_DATA;
	len = raw_encode(&r, buf);
	EXPECT_EQ(KSEAL_BLOB_KIND_DATA, kseal_blob_kind(buf, len));
	EXPECT_EQ(-EINVAL, kseal_sealed_blob_parse(buf, len, &b));
	raw_init(&r);
	r.flags = 0x20;		/* the first bit after KSEAL_BLOB_F_TANG */
	EXPECT_EQ(-EINVAL, raw_parse(&r));
	/* a known flag in a combination that describes no policy */
	raw_init(&r);
	r.flags = KSEAL_BLOB_F_AUTHORIZE;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	raw_init(&r);
	r.flags = 0x80000000;
	EXPECT_EQ(-EINVAL, raw_parse(&r));
	raw_init(&r);
	r.creator = 0;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	/* a creator from the future is fine: the format version decides */
	raw_init(&r);
	r.creator = 0x00ffffff;
	EXPECT_EQ(0, raw_parse(&r));
}

TEST(total_length_and_trailing)
{
	struct raw r;

	raw_init(&r);
	r.total = KSEAL_SEALED_FIXED_SIZE + 80 + 200 + 1;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.total = KSEAL_SEALED_FIXED_SIZE + 80 + 200 - 1;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.total = 0;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.total = 0x7fffffff;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	/* trailing bytes with a total that covers them */
	raw_init(&r);
	r.trailing = 1;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.trailing = 17;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
}

TEST(field_limits)
{
	struct raw r;

	raw_init(&r);
	r.parent = 0x80ffffff;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.parent = 0x82000000;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.parent = 0x81ffffff;
	EXPECT_EQ(0, raw_parse(&r));
	r.parent = 0x81000000;
	EXPECT_EQ(0, raw_parse(&r));

	raw_init(&r);
	r.name_len = 33;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.name_len = 35;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.name_len = 2;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));

	raw_init(&r);
	r.mask = 0;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.mask = 0x80 | (1U << 24);
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.mask = 0x80000000;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.mask = KSEAL_PCR_MASK_ALL;
	EXPECT_EQ(0, raw_parse(&r));

	/* public and private: 0 / 1 / max / max + 1 */
	raw_init(&r);
	r.pub_len = 0;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.pub_len = 1;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.pub_len = 41;		/* too short to hold the authPolicy */
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.pub_len = 42;
	EXPECT_EQ(0, raw_parse(&r));
	r.pub_len = KSEAL_PUBLIC_MAX;
	EXPECT_EQ(0, raw_parse(&r));
	r.pub_len = KSEAL_PUBLIC_MAX + 1;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.pub_len = 0xffff;
	r.pub_bytes = 10;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));

	raw_init(&r);
	r.priv_len = 0;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.priv_len = 1;
	EXPECT_EQ(0, raw_parse(&r));
	r.priv_len = KSEAL_PRIVATE_MAX;
	EXPECT_EQ(0, raw_parse(&r));
	r.priv_len = KSEAL_PRIVATE_MAX + 1;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	/* a length that points beyond the buffer */
	raw_init(&r);
	r.priv_len = 201;
	r.priv_bytes = 200;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
}

TEST(lock_and_recovery_consistency)
{
	int pcr;
	struct raw r;

	raw_init(&r);
	r.lock = 7;		/* lock PCR without the lock flag */
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	raw_init(&r);
	r.flags = KSEAL_BLOB_F_LOCK;
	r.lock = 7;		/* in the mask: fine */
	EXPECT_EQ(0, raw_parse(&r));
	r.lock = 0;		/* not in the mask */
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.lock = 24;
	r.mask = KSEAL_PCR_MASK_ALL;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.lock = 255;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	for (pcr = 0; pcr < 24; pcr++) {
		r.lock = (u8)pcr;
		EXPECT_EQ(pcr == 16 || pcr == 23 ? -EBADMSG : 0, raw_parse(&r))
			TH_LOG("lock pcr %d", pcr);
	}

	raw_init(&r);
	r.flags = KSEAL_BLOB_F_RECOVERY;	/* but policies equal */
	r.auth_set = true;
	memcpy(r.auth_policy, r.pcr_policy, 32);
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.auth_policy[31] ^= 0x80;		/* differ, but not the OR */
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.auth_set = false;			/* the OR */
	EXPECT_EQ(0, raw_parse(&r));
	raw_auth(&r, r.auth_policy);
	r.auth_set = true;
	r.flags = 0;				/* policies differ */
	EXPECT_EQ(-EBADMSG, raw_parse(&r));
	r.auth_policy[31] ^= 0x80;
	EXPECT_EQ(-EBADMSG, raw_parse(&r));

	/* Generation 1: a PCR branch equal to the recovery branch. */
	{
		static const u8 zero[32];

		raw_init(&r);
		r.flags = KSEAL_BLOB_F_RECOVERY;
		kseal_policy_authvalue(zero, r.pcr_policy);
		EXPECT_EQ(-EBADMSG, raw_parse(&r));
		r.flags = 0;
		EXPECT_EQ(0, raw_parse(&r));
	}
}

TEST(truncation_at_every_offset)
{
	struct kseal_sealed_blob b;
	u8 buf[BUF_MAX];
	struct raw r;
	size_t len, i;

	raw_init(&r);
	len = raw_encode(&r, buf);
	for (i = 0; i < len; i++) {
		int want = i < KSEAL_BLOB_HDR_SIZE ? -EINVAL : -EBADMSG;

		/* as cut: the total length disagrees */
		ASSERT_EQ(want, kseal_sealed_blob_parse(buf, i, &b))
			TH_LOG("cut at %zu", i);
		ASSERT_TRUE(is_zero(&b, sizeof(b)));
		/* with a total that agrees: a field runs past the end */
		if (i >= KSEAL_BLOB_HDR_SIZE) {
			u8 cut[BUF_MAX];

			memcpy(cut, buf, i);
			put_unaligned_be32((u32)i, cut + KSEAL_BLOB_OFF_TOTAL);
			ASSERT_EQ(-EBADMSG, kseal_sealed_blob_parse(cut, i, &b))
				TH_LOG("cut at %zu with total", i);
		}
	}
}

/* Any single bit flip is refused, or parses to a blob that writes back as
 * exactly the flipped bytes (it changed a payload byte, not the structure).
 */
TEST(bit_flips)
{
	struct kseal_sealed_blob b;
	u8 buf[BUF_MAX], out[BUF_MAX];
	size_t len, i;
	int bit, refused = 0;
	struct raw r;

	raw_init(&r);
	r.flags = KSEAL_BLOB_F_LOCK | KSEAL_BLOB_F_RECOVERY;
	r.mask = 0x8080;
	r.lock = 15;
	len = raw_encode(&r, buf);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			int ret;

			buf[i] ^= 1U << bit;
			ret = kseal_sealed_blob_parse(buf, len, &b);
			if (ret) {
				ASSERT_TRUE(ret == -EINVAL || ret == -EBADMSG);
				ASSERT_TRUE(is_zero(&b, sizeof(b)));
				refused++;
			} else {
				ASSERT_EQ((ssize_t)len,
					  kseal_sealed_blob_write(&b, out,
								  sizeof(out)));
				ASSERT_EQ(0, memcmp(buf, out, len));
			}
			buf[i] ^= 1U << bit;
		}
	}
	/* magic, format, kind, total and length fields alone give this many */
	ASSERT_GE(refused, KSEAL_BLOB_HDR_SIZE * 8);
}

static void unhex(const char *s, u8 *out)
{
	unsigned int v, i;

	for (i = 0; s[2 * i]; i++) {
		sscanf(s + 2 * i, "%2x", &v);
		out[i] = v;
	}
}

/*
 * Generation 2 reference digests, from tpm2-tools 5.4 trial sessions on
 * swtpm (`swtpm socket --tpm2 ... --flags not-need-init,startup-clear`,
 * TPM2TOOLS_TCTI=swtpm:port=P). zero.bin is 32 zero bytes (the lock PCR
 * at boot), pcr7.bin the value of PCR 7 after one extend with 32 bytes of
 * 0x01 (PCR7 below), pcr4_7.bin is zero.bin then pcr7.bin. Each group is
 * one trial session: `tpm2 startauthsession -S s.ctx` first, then the
 * commands shown, then `tpm2 flushcontext s.ctx`.
 *
 *   PART_7, then (a), the PCR branch of mask {7,15} with lock PCR 15:
 *     tpm2 policypcr -S s.ctx -l sha256:7 -f pcr7.bin -L part_7.bin
 *     tpm2 policypcr -S s.ctx -l sha256:15 -f zero.bin -L a.bin
 *   LOCK_15, then (b), the recovery branch with lock PCR 15:
 *     tpm2 policypcr -S s.ctx -l sha256:15 -f zero.bin -L lock_15.bin
 *     tpm2 policyauthvalue -S s.ctx -L b.bin
 *   (c) authPolicy of (a) and (b):
 *     tpm2 policyor -S s.ctx -L c.bin sha256:a.bin,b.bin
 *   (d) mask {15} only, lock PCR 15, recovery; the PCR branch is LOCK_15:
 *     tpm2 policyor -S s.ctx -L d.bin sha256:lock_15.bin,b.bin
 *   (e) no lock, recovery, mask {4,7}; three sessions:
 *     tpm2 policypcr -S s.ctx -l sha256:4,7 -f pcr4_7.bin -L e_pcr.bin
 *     tpm2 policyauthvalue -S s.ctx -L e_av.bin
 *     tpm2 policyor -S s.ctx -L e.bin sha256:e_pcr.bin,e_av.bin
 *
 * and `xxd -p -c 64 FILE` of each.
 */
#define PCR7	"5c85955f709283ecce2b74f1b1552918819f390911816e7bb466805a38ab87f3"
#define PART_7	"67d37b71a578ca89bd5c7a1fcff92b4af0c25c512e189377fbd1f4c24c888c3e"
#define POL_A	"cf1c80baca5c5f7daf37f4c3d493c23c95203c2d99e0364681e09c8b4e933059"
#define LOCK_15	"7e247a603cd1052cabc095741b8ee2f7458aabeee960b8ec97d7f090171a039a"
#define POL_B	"52d2f3a25a063852bd23ec233b8e96660e189c4788d0be4f7dc134d5615968a0"
#define POL_C	"d09cd9f0bc27a4873de2a9db98d2a99308051327bd930b94c2b2cb7b628a17b9"
#define POL_D	"a81d70e2597255dadeacc026515753c084d23bc0be447ff840bf56b0fb121b62"
#define E_PCR	"ec2e32db87073a9a84bca993673017300c57a6461aa7f0e57c49e39812bf3cb0"
#define E_AV	"8fcd2169ab92694e0c633f1ab772842b8241bbc20288981fc7ac1eddc1fddb0e"
#define POL_E	"561af7a7c9ac4c37b9d32544acad9745dd6e3fbd3db34bb7d025d5574b64257c"

#define BF_P2	KSEAL_BLOB_F_POLICY2
#define BF_LOCK	KSEAL_BLOB_F_LOCK
#define BF_REC	KSEAL_BLOB_F_RECOVERY

static void expect_policy(struct __test_metadata *_metadata, u32 flags,
			  u32 mask, u32 lock, const char *part_hex,
			  const char *pcr_hex, const char *rec_hex,
			  const char *auth_hex)
{
	u8 part[32] = { 0 }, pcr[32], rec[32], auth[32], want[32];

	if (part_hex)
		unhex(part_hex, part);
	ASSERT_EQ(0, kseal_policy_sealed(flags, mask, lock, part, pcr, rec,
					 auth)) TH_LOG("flags %u", flags);
	unhex(pcr_hex, want);
	EXPECT_EQ(0, memcmp(want, pcr, 32)) TH_LOG("PCR branch, flags %u",
						   flags);
	unhex(rec_hex, want);
	EXPECT_EQ(0, memcmp(want, rec, 32)) TH_LOG("recovery, flags %u", flags);
	unhex(auth_hex, want);
	EXPECT_EQ(0, memcmp(want, auth, 32)) TH_LOG("authPolicy, flags %u",
						    flags);
}

TEST(policy2_known_answers)
{
	static const u8 zero[32];
	u8 vals[64], d[32], want[32], pcr[32], rec[32], auth[32];

	/* The PCR digest fields: PolicyPCR over the PCRs other than L. */
	unhex(PCR7, vals);
	ASSERT_EQ(0, kseal_policy_pcr(zero, 1U << 7, vals, 1, d));
	unhex(PART_7, want);
	ASSERT_EQ(0, memcmp(want, d, 32));
	memset(vals, 0, 32);
	unhex(PCR7, vals + 32);
	ASSERT_EQ(0, kseal_policy_pcr(zero, (1U << 4) | (1U << 7), vals, 2, d));
	unhex(E_PCR, want);
	ASSERT_EQ(0, memcmp(want, d, 32));

	/* (a), (b), (c): lock-bound, mask {7,15}, lock PCR 15 */
	expect_policy(_metadata, BF_P2 | BF_LOCK | BF_REC, 0x8080, 15, PART_7,
		      POL_A, POL_B, POL_C);
	expect_policy(_metadata, BF_P2 | BF_LOCK, 0x8080, 15, PART_7,
		      POL_A, POL_B, POL_A);
	/* (d): mask {15} only, the PCR digest field all zero */
	expect_policy(_metadata, BF_P2 | BF_LOCK | BF_REC, 0x8000, 15, NULL,
		      LOCK_15, POL_B, POL_D);
	expect_policy(_metadata, BF_P2 | BF_LOCK, 0x8000, 15, NULL,
		      LOCK_15, POL_B, LOCK_15);
	/* (e): no lock, recovery: OR(PolicyPCR(mask), PolicyAuthValue) */
	expect_policy(_metadata, BF_P2 | BF_REC, 0x90, 0, E_PCR,
		      E_PCR, E_AV, POL_E);
	expect_policy(_metadata, BF_P2, 0x90, 0, E_PCR, E_PCR, E_AV, E_PCR);
	/* generation 1, same fields: the field is the branch, no lock step */
	unhex(PART_7, d);
	ASSERT_EQ(0, kseal_policy_sealed(BF_LOCK | BF_REC, 0x8080, 15, d, pcr,
					 rec, auth));
	EXPECT_EQ(0, memcmp(d, pcr, 32));
	unhex(E_AV, want);
	EXPECT_EQ(0, memcmp(want, rec, 32));
	unhex(POL_C, want);
	EXPECT_NE(0, memcmp(want, auth, 32));

	/* Fields that describe no generation 2 policy. */
	EXPECT_EQ(-EINVAL, kseal_policy_sealed(BF_P2 | BF_LOCK, 0x8000, 15, d,
					       pcr, rec, auth));
	EXPECT_EQ(-EINVAL, kseal_policy_sealed(BF_P2 | BF_LOCK, 0x8080, 15, zero,
					       pcr, rec, auth));
	EXPECT_EQ(-EINVAL, kseal_policy_sealed(BF_P2, 0x90, 0, zero,
					       pcr, rec, auth));
	EXPECT_EQ(-EINVAL, kseal_policy_sealed(BF_P2 | BF_LOCK, 0x8080, 24, d,
					       pcr, rec, auth));
}

/*
 * Signed policies (KSEAL_BLOB_F_AUTHORIZE), from tpm2-tools 5.4 trial
 * sessions on swtpm as above. NAME_P is the Name `tpm2 loadexternal -C o
 * -G ecc:ecdsa-sha256:null -a 'sign|userwithauth' -u pub.pem -n name.bin`
 * gave for a P-256 key (any Name will do; the field holds its digest);
 * approved.bin is any 32 bytes (a trial session checks no ticket).
 *
 *   PA, the PCR branch without a lock:
 *     tpm2 policyauthorize -S s.ctx -i approved.bin -n name.bin -L pa.bin
 *   PAL, with lock PCR 15:
 *     tpm2 policyauthorize -S s.ctx -i approved.bin -n name.bin
 *     tpm2 policypcr -S s.ctx -l sha256:15 -f zero.bin -L pal.bin
 *   POL_F, OR with PolicyAuthValue (E_AV), no lock:
 *     tpm2 policyor -S s.ctx -L f.bin sha256:pa.bin,e_av.bin
 *   POL_G, OR with the lock-bound recovery branch (POL_B):
 *     tpm2 policyor -S s.ctx -L g.bin sha256:pal.bin,b.bin
 *
 * The same PA as sha256(sha256(0^32 || 0000016a || NAME_P) || ""), the
 * policyRef empty (part 3, 23.16: PolicyAuthorize resets the digest to
 * zero, then PolicyUpdate).
 */
#define NAME_P	"000b78af2c26fef13e9e1f10ced433fa95c817dfbb17231d8a277a43b95a0932a427"
#define SIGNER	"78af2c26fef13e9e1f10ced433fa95c817dfbb17231d8a277a43b95a0932a427"
#define POL_PA	"1831f642b8c778ae730f3d842c87c86107599e8d22e1167681d4115b890516b7"
#define POL_PAL	"eb717061584582aef74dbe26b43efc170b15f06a760223e67f6ed9a77db42c59"
#define POL_F	"acb3988c530367fe067ece313dcb9d6e7d6b2c501505c56b5a1358b56a5cb516"
#define POL_G	"80bd3df1b8b9a7e96b596b95f608b7416a96cf4a4662fcc0b2f826c945948813"

#define BF_AUTH	KSEAL_BLOB_F_AUTHORIZE

TEST(authorize_known_answers)
{
	static const u8 zero[32];
	u8 signer[32], d[32], want[32], pcr[32], rec[32], auth[32];

	unhex(SIGNER, signer);
	kseal_policy_authorize(signer, d);
	unhex(POL_PA, want);
	ASSERT_EQ(0, memcmp(want, d, 32));

	/* The signed selection {4,7}, no lock; with and without recovery. */
	expect_policy(_metadata, BF_P2 | BF_AUTH, 0x90, 0, SIGNER, POL_PA,
		      E_AV, POL_PA);
	expect_policy(_metadata, BF_P2 | BF_AUTH | BF_REC, 0x90, 0, SIGNER,
		      POL_PA, E_AV, POL_F);
	/* Selection {7}, lock PCR 15: PolicyPCR(15, zero) after Authorize. */
	expect_policy(_metadata, BF_P2 | BF_AUTH | BF_LOCK, 0x8080, 15, SIGNER,
		      POL_PAL, POL_B, POL_PAL);
	expect_policy(_metadata, BF_P2 | BF_AUTH | BF_LOCK | BF_REC, 0x8080, 15,
		      SIGNER, POL_PAL, POL_B, POL_G);

	/* Generation 2 only; a signed selection; a Name digest. */
	EXPECT_EQ(-EINVAL, kseal_policy_sealed(BF_AUTH, 0x90, 0, signer, pcr,
					       rec, auth));
	EXPECT_EQ(-EINVAL, kseal_policy_sealed(BF_AUTH | BF_REC, 0x90, 0,
					       signer, pcr, rec, auth));
	EXPECT_EQ(-EINVAL, kseal_policy_sealed(BF_P2 | BF_AUTH | BF_LOCK,
					       0x8000, 15, signer, pcr, rec,
					       auth));
	EXPECT_EQ(-EINVAL, kseal_policy_sealed(BF_P2 | BF_AUTH, 0x90, 0, zero,
					       pcr, rec, auth));
	EXPECT_EQ(-EINVAL, kseal_policy_sealed(BF_P2 | BF_AUTH | BF_LOCK,
					       0x8080, 24, signer, pcr, rec,
					       auth));
}

/* Generation 2 blobs whose authPolicy a TPM computed (see above). */
static const struct gen2_case {
	const char *name;
	u32 flags, mask;
	u8 lock;
	const char *part, *auth;	/* part NULL: all zero */
} gen2_cases[] = {
	{ "(c) lock 15, {7,15}, recovery", BF_P2 | BF_LOCK | BF_REC, 0x8080, 15,
	  PART_7, POL_C },
	{ "(a) lock 15, {7,15}", BF_P2 | BF_LOCK, 0x8080, 15, PART_7, POL_A },
	{ "(d) lock 15, {15}, recovery", BF_P2 | BF_LOCK | BF_REC, 0x8000, 15,
	  NULL, POL_D },
	{ "lock 15, {15}", BF_P2 | BF_LOCK, 0x8000, 15, NULL, LOCK_15 },
	{ "(e) no lock, {4,7}, recovery", BF_P2 | BF_REC, 0x90, 0, E_PCR, POL_E },
	{ "no lock, {4,7}", BF_P2, 0x90, 0, E_PCR, E_PCR },
	{ "(f) signed {4,7}, recovery", BF_P2 | BF_AUTH | BF_REC, 0x90, 0,
	  SIGNER, POL_F },
	{ "signed {4,7}", BF_P2 | BF_AUTH, 0x90, 0, SIGNER, POL_PA },
	{ "(g) signed {7}, lock 15, recovery",
	  BF_P2 | BF_AUTH | BF_LOCK | BF_REC, 0x8080, 15, SIGNER, POL_G },
	{ "signed {7}, lock 15", BF_P2 | BF_AUTH | BF_LOCK, 0x8080, 15, SIGNER,
	  POL_PAL },
};

static void gen2_raw(const struct gen2_case *c, struct raw *r)
{
	raw_init(r);
	r->flags = c->flags;
	r->mask = c->mask;
	r->lock = c->lock;
	memset(r->pcr_policy, 0, 32);
	if (c->part)
		unhex(c->part, r->pcr_policy);
	r->auth_set = true;
	unhex(c->auth, r->auth_policy);
}

/* Signed blobs parse with their Name digest and write back byte for byte. */
TEST(authorize_round_trip)
{
	struct kseal_sealed_blob b;
	u8 buf[BUF_MAX], out[BUF_MAX], signer[32];
	size_t ci, len, n = 0;
	struct raw r;

	unhex(SIGNER, signer);
	for (ci = 0; ci < ARRAY_SIZE(gen2_cases); ci++) {
		const struct gen2_case *c = &gen2_cases[ci];

		if (!(c->flags & BF_AUTH))
			continue;
		n++;
		gen2_raw(c, &r);
		len = raw_encode(&r, buf);
		ASSERT_EQ(0, kseal_sealed_blob_parse(buf, len, &b))
			TH_LOG("%s", c->name);
		EXPECT_EQ(c->flags, b.flags);
		EXPECT_EQ(c->mask, b.pcr_mask);
		EXPECT_EQ(0, memcmp(signer, b.pcr_policy, 32));
		ASSERT_EQ((ssize_t)len,
			  kseal_sealed_blob_write(&b, out, sizeof(out)));
		EXPECT_EQ(0, memcmp(buf, out, len)) TH_LOG("%s", c->name);
		/* The unsigned policy's authPolicy is not this blob's. */
		r.flags &= ~BF_AUTH;
		r.auth_set = true;
		EXPECT_EQ(-EBADMSG, raw_parse(&r)) TH_LOG("%s", c->name);
	}
	EXPECT_EQ(4, n);
}

/* Byte offsets of the sealed header fields (include/kseal/blob.h). */
#define OFF_PARENT	KSEAL_BLOB_HDR_SIZE		/* 20 */
#define OFF_NAME_LEN	(OFF_PARENT + 4)		/* 24 */
#define OFF_NAME	(OFF_NAME_LEN + 2)		/* 26 */
#define OFF_MASK	(OFF_NAME + KSEAL_NAME_MAX)	/* 60 */
#define OFF_LOCK	(OFF_MASK + 4)			/* 64 */
#define OFF_PCR		(OFF_LOCK + 1)			/* 65 */
#define OFF_AUTH	(OFF_PCR + 32)			/* 97 */
#define OFF_KEY_ID	(OFF_AUTH + 32)			/* 129 */
#define OFF_PUB_SIZE	(OFF_KEY_ID + 32)		/* 161: digest ends */

static int popcount24(u32 m)
{
	return __builtin_popcount(m & KSEAL_PCR_MASK_ALL);
}

/*
 * What kseal_sealed_blob_parse must return after flipping bit @bit of byte
 * @off of a valid generation 2 blob of case @c:
 *
 *  flags       an undefined bit: -EINVAL (refused before the body is
 *              read). RECOVERY, LOCK, AUTHORIZE: -EBADMSG (the policy, or
 *              the lock PCR, no longer agrees). POLICY2: -EBADMSG with a
 *              lock PCR or a signed policy; otherwise generation 1
 *              describes the same policy, so the
 *              blob parses (0): load refuses it after Unseal, by the key id
 *              or by the sealed header digest (which the flip changes).
 *  mask        -EBADMSG if the bit is beyond PCR 23, is the lock PCR, or
 *              the flip adds the first or removes the last PCR other than
 *              the lock PCR (the PCR digest field must be zero exactly when
 *              there is none; with a signed policy, when none is left).
 *              Any other flip parses (0): the parser has no
 *              PCR values to recompute the PCR digest with; the TPM's
 *              PolicyPCR over the new mask and the sealed header digest
 *              refuse it at load.
 *  lock PCR    -EBADMSG: out of range, not in the mask, set without the
 *              lock flag, or a different lock step in the policy.
 *  PCR digest  -EBADMSG: the recomputed authPolicy differs (or, for an all
 *              zero field, it now claims PCRs besides the lock PCR).
 *  authPolicy  -EBADMSG: differs from the recomputed one.
 */
static int gen2_flip_expect(const struct gen2_case *c, size_t off, int bit)
{
	u32 lock_bit = c->flags & BF_LOCK ? 1U << c->lock : 0;
	u32 others, flipped;
	int k;

	if (off >= KSEAL_BLOB_OFF_FLAGS && off < KSEAL_BLOB_OFF_FLAGS + 4) {
		k = (3 - (int)(off - KSEAL_BLOB_OFF_FLAGS)) * 8 + bit;
		if (!(KSEAL_BLOB_SEALED_FLAGS & (1U << k)))
			return -EINVAL;
		if ((1U << k) == BF_P2 && !(c->flags & (BF_LOCK | BF_AUTH)))
			return 0;
		return -EBADMSG;
	}
	if (off >= OFF_MASK && off < OFF_MASK + 4) {
		k = (3 - (int)(off - OFF_MASK)) * 8 + bit;
		flipped = c->mask ^ (1U << k);
		if (k >= KSEAL_PCR_COUNT || (1U << k) == lock_bit || !flipped)
			return -EBADMSG;
		others = c->mask & ~lock_bit;
		if (lock_bit && !popcount24(others) != !popcount24(flipped & ~lock_bit))
			return -EBADMSG;
		if ((c->flags & BF_AUTH) && !popcount24(flipped & ~lock_bit))
			return -EBADMSG;
		return 0;
	}
	return -EBADMSG;	/* lock PCR, PCR digest, authPolicy */
}

TEST(policy2_header_bit_flips)
{
	static const struct { const char *name; size_t off, len; } fields[] = {
		{ "flags", KSEAL_BLOB_OFF_FLAGS, 4 },
		{ "mask", OFF_MASK, 4 },
		{ "lock PCR", OFF_LOCK, 1 },
		{ "PCR digest", OFF_PCR, 32 },
		{ "authPolicy", OFF_AUTH, 32 },
	};
	struct kseal_sealed_blob b, b2;
	u8 buf[BUF_MAX], d[32], d2[32];
	size_t ci, fi, off, len;
	int bit, want, ret, parsed = 0, refused = 0;
	struct raw r;

	for (ci = 0; ci < ARRAY_SIZE(gen2_cases); ci++) {
		const struct gen2_case *c = &gen2_cases[ci];

		gen2_raw(c, &r);
		len = raw_encode(&r, buf);
		ASSERT_EQ(0, kseal_sealed_blob_parse(buf, len, &b))
			TH_LOG("%s", c->name);
		/* the offsets above are the ones the encoder used */
		ASSERT_EQ(c->mask, get_unaligned_be32(buf + OFF_MASK));
		ASSERT_EQ(c->lock, buf[OFF_LOCK]);
		ASSERT_EQ(0, memcmp(b.auth_policy, buf + OFF_AUTH, 32));
		kseal_sealed_blob_hdr_digest(&b, d);
		for (fi = 0; fi < ARRAY_SIZE(fields); fi++) {
			for (off = fields[fi].off;
			     off < fields[fi].off + fields[fi].len; off++) {
				for (bit = 0; bit < 8; bit++) {
					want = gen2_flip_expect(c, off, bit);
					buf[off] ^= 1U << bit;
					ret = kseal_sealed_blob_parse(buf, len, &b2);
					buf[off] ^= 1U << bit;
					ASSERT_EQ(want, ret)
						TH_LOG("%s: %s, byte %zu bit %d",
						       c->name, fields[fi].name,
						       off, bit);
					if (ret) {
						refused++;
						continue;
					}
					/* what catches it at load */
					parsed++;
					kseal_sealed_blob_hdr_digest(&b2, d2);
					ASSERT_NE(0, memcmp(d, d2, 32));
				}
			}
		}
	}
	/*
	 * Flips that parse: the mask bits of PCRs 0-23 other than the lock
	 * PCR and other than PCR 7 in the {7,15} cases (22 each, 0 for {15}),
	 * all 24 of the {4,7} cases, and POLICY2 of the two without a lock
	 * or signed policy. The signed cases: 24 each for {4,7}, 22 each for
	 * {7,15} (the signed selection may not become empty).
	 */
	EXPECT_EQ(22 + 22 + 0 + 0 + 24 + 24 + 2 + 24 + 24 + 22 + 22, parsed);
	EXPECT_EQ(ARRAY_SIZE(gen2_cases) * (32 + 32 + 8 + 256 + 256) - parsed,
		  refused);
}

/*
 * kseal_sealed_blob_hdr_digest is sha256 of the bytes before the public
 * size with the total length as zero: every other header byte counts, the
 * total length (which depends on the TPM's answer) does not.
 */
TEST(policy2_hdr_digest)
{
	struct kseal_sealed_blob b, b2;
	u8 buf[BUF_MAX], other[BUF_MAX], tmp[OFF_PUB_SIZE], d[32], d2[32];
	size_t ci, len, len2, off;
	struct raw r;
	int bit;

	for (ci = 0; ci < ARRAY_SIZE(gen2_cases); ci++) {
		const struct gen2_case *c = &gen2_cases[ci];

		gen2_raw(c, &r);
		len = raw_encode(&r, buf);
		ASSERT_EQ(0, kseal_sealed_blob_parse(buf, len, &b));
		kseal_sealed_blob_hdr_digest(&b, d);
		memcpy(tmp, buf, OFF_PUB_SIZE);
		memset(tmp + KSEAL_BLOB_OFF_TOTAL, 0, 4);
		sha256(tmp, OFF_PUB_SIZE, d2);
		ASSERT_EQ(0, memcmp(d, d2, 32)) TH_LOG("%s", c->name);

		/* Another total length (other payload sizes): same digest. */
		r.pub_len = 42;
		r.priv_len = 1;
		len2 = raw_encode(&r, other);
		ASSERT_NE(len, len2);
		ASSERT_NE(0, memcmp(buf + KSEAL_BLOB_OFF_TOTAL,
				    other + KSEAL_BLOB_OFF_TOTAL, 4));
		ASSERT_EQ(0, memcmp(buf, other, KSEAL_BLOB_OFF_TOTAL));
		ASSERT_EQ(0, memcmp(buf + OFF_PARENT, other + OFF_PARENT,
				    OFF_PUB_SIZE - OFF_PARENT));
		ASSERT_EQ(0, kseal_sealed_blob_parse(other, len2, &b2));
		kseal_sealed_blob_hdr_digest(&b2, d2);
		ASSERT_EQ(0, memcmp(d, d2, 32)) TH_LOG("%s", c->name);

		/*
		 * Every other bit of [0,16) and [20,161): the digest of the
		 * flipped bytes differs, and where the struct has the field,
		 * flipping it there gives exactly that digest.
		 */
		for (off = 0; off < OFF_PUB_SIZE; off++) {
			if (off >= KSEAL_BLOB_OFF_TOTAL && off < OFF_PARENT)
				continue;
			for (bit = 0; bit < 8; bit++) {
				u8 m = 1U << bit, want[32];
				u32 *word = NULL;
				u8 *byte = NULL;
				size_t at = 0;

				tmp[off] ^= m;
				sha256(tmp, OFF_PUB_SIZE, want);
				tmp[off] ^= m;
				ASSERT_NE(0, memcmp(d, want, 32))
					TH_LOG("byte %zu bit %d", off, bit);

				b2 = b;
				if (off >= KSEAL_BLOB_OFF_CREATOR &&
				    off < KSEAL_BLOB_OFF_FLAGS) {
					word = &b2.creator_version;
					at = off - KSEAL_BLOB_OFF_CREATOR;
				} else if (off >= KSEAL_BLOB_OFF_FLAGS &&
					   off < KSEAL_BLOB_OFF_TOTAL) {
					word = &b2.flags;
					at = off - KSEAL_BLOB_OFF_FLAGS;
				} else if (off >= OFF_PARENT &&
					   off < OFF_NAME_LEN) {
					word = &b2.parent_handle;
					at = off - OFF_PARENT;
				} else if (off >= OFF_NAME && off < OFF_MASK) {
					byte = &b2.parent_name[off - OFF_NAME];
				} else if (off >= OFF_MASK && off < OFF_LOCK) {
					word = &b2.pcr_mask;
					at = off - OFF_MASK;
				} else if (off == OFF_LOCK) {
					byte = &b2.lock_pcr;
				} else if (off >= OFF_PCR && off < OFF_AUTH) {
					byte = &b2.pcr_policy[off - OFF_PCR];
				} else if (off >= OFF_AUTH && off < OFF_KEY_ID) {
					byte = &b2.auth_policy[off - OFF_AUTH];
				} else if (off >= OFF_KEY_ID) {
					byte = &b2.key_id[off - OFF_KEY_ID];
				} else {
					/* magic, format, kind, name size */
					continue;
				}
				/* The Tang flag brings a section: tang_* tests. */
				if (word == &b2.flags && at == 3 &&
				    m == KSEAL_BLOB_F_TANG)
					continue;
				if (word)
					*word ^= (u32)m << (8 * (3 - at));
				else
					*byte ^= m;
				ASSERT_EQ(0, kseal_sealed_blob_hdr_digest(&b2, d2));
				ASSERT_EQ(0, memcmp(want, d2, 32))
					TH_LOG("%s: byte %zu bit %d", c->name,
					       off, bit);
			}
		}
	}
}

/* A valid generation 2 blob bound to @n servers of @curve, threshold @t. */
static void tang_init(struct kseal_sealed_blob *b, u8 curve, u8 n, u8 t)
{
	unsigned int i;

	blob_init(b);
	b->flags |= KSEAL_BLOB_F_POLICY2 | KSEAL_BLOB_F_TANG;
	b->tang.curve = curve;
	b->tang.n = n;
	b->tang.t = t;
	for (i = 0; i < n; i++) {
		memset(b->tang.srv[i].s, 0x10 + i, KSEAL_TANG_POINT_MAX);
		memset(b->tang.srv[i].c, 0x20 + i, KSEAL_TANG_POINT_MAX);
		memset(b->tang.srv[i].share, 0x30 + i, KSEAL_TANG_SHARE_SIZE);
		memset(b->tang.srv[i].check, 0x40 + i, KSEAL_TANG_CHECK_SIZE);
	}
}

/* Points beyond the curve's size are not part of the blob. */
static void tang_clip(struct kseal_sealed_blob *b)
{
	unsigned int c = kseal_tang_coord_size(b->tang.curve), i;

	for (i = 0; i < b->tang.n; i++) {
		memset(b->tang.srv[i].s + 2 * c, 0, KSEAL_TANG_POINT_MAX - 2 * c);
		memset(b->tang.srv[i].c + 2 * c, 0, KSEAL_TANG_POINT_MAX - 2 * c);
	}
}

TEST(tang_round_trip)
{
	static const u8 curves[] = { KSEAL_TANG_P256, KSEAL_TANG_P384 };
	struct kseal_sealed_blob b, b2;
	static u8 buf[KSEAL_BLOB_MAX];
	unsigned int ci, n, c;
	ssize_t len;
	u8 *sec;

	for (ci = 0; ci < 2; ci++) {
		for (n = 1; n <= KSEAL_TANG_SERVERS_MAX; n++) {
			tang_init(&b, curves[ci], n, n);
			len = kseal_sealed_blob_write(&b, buf, sizeof(buf));
			c = kseal_tang_coord_size(curves[ci]);
			ASSERT_EQ((ssize_t)(KSEAL_SEALED_FIXED_SIZE + 80 + 200 +
					    36 + n * (4 * c + 48)), len);
			ASSERT_EQ(0, kseal_sealed_blob_parse(buf, len, &b2));
			tang_clip(&b);
			ASSERT_EQ(0, memcmp(&b, &b2, sizeof(b)));
			/* The section follows the key id, field by field. */
			sec = buf + OFF_PUB_SIZE;
			ASSERT_EQ(curves[ci], sec[0]);
			ASSERT_EQ(n, sec[1]);
			ASSERT_EQ(n, sec[2]);
			ASSERT_EQ(0, sec[3]);
			ASSERT_EQ(0x10 + n - 1,
				  sec[36 + (n - 1) * (4 * c + 48)]);
			ASSERT_EQ(0x20, sec[36 + 2 * c]);
			ASSERT_EQ(0x30, sec[36 + 4 * c]);
			ASSERT_EQ(0x40, sec[36 + 4 * c + 32]);
			/* Every shorter or longer buffer is refused. */
			ASSERT_EQ(-EBADMSG, kseal_sealed_blob_parse(buf, len - 1,
								    &b2));
		}
	}
}

/* Parse @buf after setting byte @off of its section to @v. */
static int tang_parse_with(u8 *buf, size_t len, size_t off, u8 v)
{
	struct kseal_sealed_blob b;
	u8 old = buf[OFF_PUB_SIZE + off];
	int ret;

	buf[OFF_PUB_SIZE + off] = v;
	ret = kseal_sealed_blob_parse(buf, len, &b);
	buf[OFF_PUB_SIZE + off] = old;
	return ret;
}

TEST(tang_ranges)
{
	static const u8 zero[KSEAL_TANG_WRAP_SIZE];
	struct kseal_sealed_blob b, b2;
	static u8 buf[KSEAL_BLOB_MAX];
	ssize_t len;

	tang_init(&b, KSEAL_TANG_P256, 3, 2);
	len = kseal_sealed_blob_write(&b, buf, sizeof(buf));
	ASSERT_LT(0, len);
	ASSERT_EQ(0, tang_parse_with(buf, len, 0, KSEAL_TANG_P256));
	/* Unknown curves; P-384 changes the size, so the rest misparses. */
	EXPECT_EQ(-EBADMSG, tang_parse_with(buf, len, 0, 0));
	EXPECT_EQ(-EBADMSG, tang_parse_with(buf, len, 0, 3));
	EXPECT_EQ(-EBADMSG, tang_parse_with(buf, len, 0, KSEAL_TANG_P384));
	/* N: 0, and N changed against the records that follow. */
	EXPECT_EQ(-EBADMSG, tang_parse_with(buf, len, 1, 0));
	EXPECT_EQ(-EBADMSG, tang_parse_with(buf, len, 1, 2));
	EXPECT_EQ(-EBADMSG, tang_parse_with(buf, len, 1, 9));
	/* T: 1..N. */
	EXPECT_EQ(0, tang_parse_with(buf, len, 2, 1));
	EXPECT_EQ(0, tang_parse_with(buf, len, 2, 3));
	EXPECT_EQ(-EBADMSG, tang_parse_with(buf, len, 2, 0));
	EXPECT_EQ(-EBADMSG, tang_parse_with(buf, len, 2, 4));
	/* The reserved byte. */
	EXPECT_EQ(-EBADMSG, tang_parse_with(buf, len, 3, 1));
	/* A recovery wrap without a recovery branch. */
	EXPECT_EQ(-EBADMSG, tang_parse_with(buf, len, 4, 1));
	EXPECT_EQ(-EBADMSG, tang_parse_with(buf, len, 35, 0x80));
	/* The records themselves are opaque to the parser. */
	EXPECT_EQ(0, tang_parse_with(buf, len, 36, 0xff));
	EXPECT_EQ(0, tang_parse_with(buf, len, len - OFF_PUB_SIZE - 289, 0));

	/* The writer refuses what the parser would. */
	b2 = b;
	b2.flags &= ~KSEAL_BLOB_F_POLICY2;
	EXPECT_EQ(-EINVAL, kseal_sealed_blob_write(&b2, buf, sizeof(buf)));
	b2 = b;
	b2.tang.t = 4;
	EXPECT_EQ(-EINVAL, kseal_sealed_blob_write(&b2, buf, sizeof(buf)));
	b2 = b;
	b2.tang.recovery_wrap[0] = 1;
	EXPECT_EQ(-EINVAL, kseal_sealed_blob_write(&b2, buf, sizeof(buf)));
	b2 = b;
	b2.flags &= ~KSEAL_BLOB_F_TANG;
	EXPECT_EQ(-EINVAL, kseal_sealed_blob_write(&b2, buf, sizeof(buf)));
	b2.tang.n = 0;
	EXPECT_LT(0, kseal_sealed_blob_write(&b2, buf, sizeof(buf)));
	ASSERT_EQ(0, memcmp(b.tang.recovery_wrap, zero, sizeof(zero)));
}

/* The Tang flag without generation 2, in the bytes. */
TEST(tang_needs_policy2)
{
	struct kseal_sealed_blob b;
	static u8 buf[KSEAL_BLOB_MAX];
	ssize_t len;

	tang_init(&b, KSEAL_TANG_P256, 1, 1);
	len = kseal_sealed_blob_write(&b, buf, sizeof(buf));
	ASSERT_LT(0, len);
	ASSERT_EQ(0, kseal_sealed_blob_parse(buf, len, &b));
	buf[KSEAL_BLOB_OFF_FLAGS + 3] &= ~KSEAL_BLOB_F_POLICY2;
	EXPECT_EQ(-EBADMSG, kseal_sealed_blob_parse(buf, len, &b));
	buf[KSEAL_BLOB_OFF_FLAGS + 3] |= KSEAL_BLOB_F_POLICY2;
	/* Without the flag the section is taken for the public size. */
	buf[KSEAL_BLOB_OFF_FLAGS + 3] &= ~KSEAL_BLOB_F_TANG;
	EXPECT_EQ(-EBADMSG, kseal_sealed_blob_parse(buf, len, &b));
}

/* The sealed header digest covers the section: each byte of it counts. */
TEST(tang_hdr_digest)
{
	struct kseal_sealed_blob b;
	static u8 buf[KSEAL_BLOB_MAX];
	u8 d[32], want[32], d2[32];
	size_t sec, off;
	ssize_t len;

	tang_init(&b, KSEAL_TANG_P384, 2, 1);
	len = kseal_sealed_blob_write(&b, buf, sizeof(buf));
	ASSERT_LT(0, len);
	sec = 36 + 2 * (4 * 48 + 48);
	ASSERT_EQ(0, kseal_sealed_blob_hdr_digest(&b, d));
	memset(buf + KSEAL_BLOB_OFF_TOTAL, 0, 4);
	sha256(buf, OFF_PUB_SIZE + sec, want);
	ASSERT_EQ(0, memcmp(d, want, 32));
	for (off = 0; off < sec; off += 7) {
		struct kseal_sealed_blob b2 = b;
		u8 *p = buf + OFF_PUB_SIZE + off;

		/* Flip one byte in the section of the struct. */
		if (off >= 36) {
			size_t r = (off - 36) % 240, i = (off - 36) / 240;

			if (r < 96)
				b2.tang.srv[i].s[r] ^= 1;
			else if (r < 192)
				b2.tang.srv[i].c[r - 96] ^= 1;
			else if (r < 224)
				b2.tang.srv[i].share[r - 192] ^= 1;
			else
				b2.tang.srv[i].check[r - 224] ^= 1;
		} else if (off >= 4) {
			b2.tang.recovery_wrap[off - 4] ^= 1;
			b2.flags |= KSEAL_BLOB_F_RECOVERY;
			continue;	/* another policy: not this test's */
		} else {
			continue;	/* header bytes: tang_ranges */
		}
		ASSERT_EQ(0, kseal_sealed_blob_hdr_digest(&b2, d2));
		*p ^= 1;
		sha256(buf, OFF_PUB_SIZE + sec, want);
		*p ^= 1;
		ASSERT_EQ(0, memcmp(d2, want, 32)) TH_LOG("byte %zu", off);
		ASSERT_NE(0, memcmp(d2, d, 32));
	}
	/* An invalid section has no digest. */
	b.tang.t = 3;
	EXPECT_EQ(-EINVAL, kseal_sealed_blob_hdr_digest(&b, d2));
}

TEST_HARNESS_MAIN
