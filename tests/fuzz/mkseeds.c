// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writes the generated seed inputs of the fuzz targets: valid sealed blobs
 * of every flag combination, both policy generations included (binary for
 * fuzz_blob, hex for fuzz_hex), keyctl payloads for fuzz_options, answers
 * with sessions and a public area for fuzz_tpm2_resp, and answers whose
 * HMAC verifies for fuzz_session.
 * Usage: mkseeds CORPUS_DIR
 */
#include <stdio.h>
#include <stdlib.h>

#include "../unit/ecc_srk_public.h"
#include "fuzz_session.h"
#include "kseal_blob.h"
#include "kseal_policy.h"
#include <kseal/version.h>

static const char *dir;

static void save(const char *target, const char *name, const void *p,
		 size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		fprintf(stderr, "mkseeds: cannot write %s: check the directory exists\n",
			path);
		exit(1);
	}
}

static size_t make_blob(u32 flags, u16 pub, u16 priv, u8 *out, size_t cap)
{
	struct kseal_sealed_blob b;
	u8 pcr_branch[32], recovery_branch[32];
	ssize_t n;
	int i;

	memset(&b, 0, sizeof(b));
	b.creator_version = KSEAL_VERSION_CODE;
	b.flags = flags;
	b.parent_handle = KSEAL_PARENT_DEFAULT;
	b.parent_name_len = KSEAL_NAME_MAX;
	put_unaligned_be16(KSEAL_TPM_ALG_SHA256, b.parent_name);
	for (i = 2; i < KSEAL_NAME_MAX; i++)
		b.parent_name[i] = (u8)(i * 13);
	b.pcr_mask = KSEAL_PCR_DEFAULT_MASK;
	if (flags & KSEAL_BLOB_F_LOCK) {
		b.lock_pcr = 15;
		b.pcr_mask |= 1U << 15;
	}
	memset(b.pcr_policy, 0xa5, sizeof(b.pcr_policy));
	/* The authPolicy the fields describe: the parser recomputes it. */
	if (kseal_policy_sealed(flags, b.pcr_mask, b.lock_pcr, b.pcr_policy,
				pcr_branch, recovery_branch, b.auth_policy)) {
		fprintf(stderr, "mkseeds: no policy for flags %u: fix mkseeds.c\n",
			flags);
		exit(1);
	}
	memset(b.key_id, 0x3c, sizeof(b.key_id));
	if (flags & KSEAL_BLOB_F_TANG) {
		/* P-384 and a recovery wrap with recovery, else P-256. */
		b.tang.curve = (flags & KSEAL_BLOB_F_RECOVERY) ?
			       KSEAL_TANG_P384 : KSEAL_TANG_P256;
		b.tang.n = (flags & KSEAL_BLOB_F_LOCK) ? KSEAL_TANG_SERVERS_MAX : 3;
		b.tang.t = 2;
		if (flags & KSEAL_BLOB_F_RECOVERY)
			memset(b.tang.recovery_wrap, 0x5e,
			       sizeof(b.tang.recovery_wrap));
		for (i = 0; i < b.tang.n; i++) {
			unsigned int c = kseal_tang_coord_size(b.tang.curve);

			memset(b.tang.srv[i].s, 0x61 + i, 2 * c);
			memset(b.tang.srv[i].c, 0x71 + i, 2 * c);
			memset(b.tang.srv[i].share, 0x81 + i, 32);
			memset(b.tang.srv[i].check, 0x91 + i, 16);
		}
	}
	b.public_len = pub;
	for (i = 0; i < pub; i++)
		b.public_area[i] = (u8)i;
	/* A TPMT_PUBLIC as the module makes it: keyedhash, sha256, policy. */
	put_unaligned_be16(0x0008, b.public_area);
	put_unaligned_be16(KSEAL_TPM_ALG_SHA256, b.public_area + 2);
	put_unaligned_be32(0x12, b.public_area + 4);
	put_unaligned_be16(32, b.public_area + 8);
	memcpy(b.public_area + 10, b.auth_policy, 32);
	b.private_len = priv;
	for (i = 0; i < priv; i++)
		b.private_area[i] = (u8)(255 - i);
	n = kseal_sealed_blob_write(&b, out, cap);
	if (n < 0) {
		fprintf(stderr, "mkseeds: blob writer refused a seed (%zd): fix mkseeds.c\n",
			n);
		exit(1);
	}
	return (size_t)n;
}

/* An answer with sessions, built up behind its selector byte. */
struct resp {
	u8 b[512];
	u32 n;
};

static void r_u8(struct resp *r, u8 v)
{
	r->b[r->n++] = v;
}

static void r_u16(struct resp *r, u16 v)
{
	put_unaligned_be16(v, r->b + r->n);
	r->n += 2;
}

static void r_u32(struct resp *r, u32 v)
{
	put_unaligned_be32(v, r->b + r->n);
	r->n += 4;
}

static void r_2b(struct resp *r, const u8 *p, u16 n)
{
	r_u16(r, n);
	memcpy(r->b + r->n, p, n);
	r->n += n;
}

/*
 * Selector byte, header, @nhandles handles and Unseal's 24-byte answer;
 * returns where the parameters start. The sessions follow.
 */
static u32 r_begin(struct resp *r, u8 selector, unsigned int nhandles)
{
	static const u8 out[22] = "a sealed secret, 22 B.";
	unsigned int i;
	u32 at;

	r->n = 0;
	r_u8(r, selector);
	r_u16(r, KSEAL_TPM2_ST_SESSIONS);
	r_u32(r, 0);
	r_u32(r, 0);
	for (i = 0; i < nhandles; i++)
		r_u32(r, 0x80000000 + i);
	r_u32(r, 2 + sizeof(out));
	at = r->n;
	r_2b(r, out, sizeof(out));
	return at;
}

static void r_end(struct resp *r)
{
	put_unaligned_be32(r->n - 1, r->b + 3);
}

/* One answer for fuzz_session: its session's HMAC verifies. */
static void session_seed(const char *name, u8 flags)
{
	static const u8 policy_nonce[16] = { 0xaa, 0xaa, 0xaa, 0xaa };
	struct kseal_tpm2_sess s;
	u8 nonce[32], mac[32];
	struct resp r;
	u32 at;

	for (at = 0; at < sizeof(nonce); at++)
		nonce[at] = 0xe0 ^ at;
	fuzz_sess_init(&s, flags & FUZZ_SESS_AUTH);
	at = r_begin(&r, flags, flags & FUZZ_SESS_HANDLE ? 1 : 0);
	if (fuzz_resp_hmac(&s, KSEAL_TPM2_CC_UNSEAL, r.b + at, r.n - at,
			   nonce, sizeof(nonce), 0x40, mac)) {
		fprintf(stderr, "mkseeds: no HMAC from libcrypto\n");
		exit(1);
	}
	if (flags & FUZZ_SESS_FORGE)
		memset(mac, 0, sizeof(mac));
	/* A policy session first, which answers without an HMAC. */
	if (flags & FUZZ_SESS_INDEX1) {
		r_2b(&r, policy_nonce, sizeof(policy_nonce));
		r_u8(&r, 0);
		r_u16(&r, 0);
	}
	r_2b(&r, nonce, sizeof(nonce));
	r_u8(&r, 0x40);
	r_2b(&r, mac, sizeof(mac));
	r_end(&r);
	save("fuzz_session", name, r.b, r.n);
}


static void tpm2_resp_seeds(void)
{
	static const u8 nonce[32] = { 1, 2, 3 }, mac[32] = { 4, 5, 6 };
	u8 pub[1 + sizeof(ecc_srk_public)];
	struct resp r;

	/* Selector 8: session 0 of an answer without handles. */
	r_begin(&r, 8, 0);
	r_2b(&r, nonce, sizeof(nonce));
	r_u8(&r, 0x40);
	r_2b(&r, mac, sizeof(mac));
	r_end(&r);
	save("fuzz_tpm2_resp", "resp-auth", r.b, r.n);
	/* Selector 9: session 1 of two, after one handle. */
	r_begin(&r, 9, 1);
	r_2b(&r, nonce, 16);
	r_u8(&r, 0x01);
	r_u16(&r, 0);
	r_2b(&r, nonce, sizeof(nonce));
	r_u8(&r, 0x40);
	r_2b(&r, mac, sizeof(mac));
	r_end(&r);
	save("fuzz_tpm2_resp", "resp-auth-2", r.b, r.n);
	/* Selector 10: an ECC public area. */
	pub[0] = 10;
	memcpy(pub + 1, ecc_srk_public, sizeof(ecc_srk_public));
	save("fuzz_tpm2_resp", "ecc-public", pub, sizeof(pub));
}

int main(int argc, char **argv)
{
	static const char * const payloads[] = {
		"new 32", "new 64 pcrs=0,2-4,7\n",
		"new 128 pcrs=7 parent=0x81000100 recovery=pass-word lock=15",
		"new 32 wrap=root logon=dm:vol", "new 16 wrap=123",
		"load 4b53424c0001 recovery=pw", "load 00ff logon=cryptsetup:x",
		"update reseal", "update reseal pcrs=0-7", "update rotate",
		"update retire=3", "update rewrap=root2",
		"new 32 pcrs=0,2,4,7,9 lock=15 recovery=pw policy_key=000b78af2c26fef13e9e1f10ced433fa95c817dfbb17231d8a277a43b95a0932a427",
		"load 4b53424c0001 approved=1831f642b8c778ae730f3d842c87c86107599e8d22e1167681d4115b890516b7 ticket=80224000000100405c85955f709283ecce2b74f1b1552918819f390911816e7bb466805a38ab87f35c85955f709283ecce2b74f1b1552918819f390911816e7bb466805a38ab87f3",
		"new 32 tang=6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5 tang_threshold=1",
		"load 4b53424c0001 tang_session=kseal:tang tang=1:6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
		"update reseal tang=aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab73617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f",
	};
	u8 blob[KSEAL_SEALED_FIXED_SIZE + KSEAL_TANG_SECTION_MAX +
		KSEAL_PUBLIC_MAX + KSEAL_PRIVATE_MAX];
	char hex[sizeof(blob) * 2], name[32], *opt;
	u32 flags;
	size_t n, i;

	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds CORPUS_DIR\n");
		return 2;
	}
	dir = argv[1];
	for (flags = 0; flags <= KSEAL_BLOB_SEALED_FLAGS; flags++) {
		/* signed policies and Tang are generation 2 only */
		if ((flags & (KSEAL_BLOB_F_AUTHORIZE | KSEAL_BLOB_F_TANG)) &&
		    !(flags & KSEAL_BLOB_F_POLICY2))
			continue;
		n = make_blob(flags, 78, 222, blob, sizeof(blob));
		snprintf(name, sizeof(name), "sealed-f%u", flags);
		save("fuzz_blob", name, blob, n);
	}
	n = make_blob(0, 42, 1, blob, sizeof(blob));
	save("fuzz_blob", "sealed-min", blob, n);
	n = make_blob(3, KSEAL_PUBLIC_MAX, KSEAL_PRIVATE_MAX, blob,
		      sizeof(blob));
	save("fuzz_blob", "sealed-max", blob, n);

	n = make_blob(1, 78, 222, blob, sizeof(blob));
	kseal_hex_encode(blob, n, hex);
	save("fuzz_hex", "sealed-f1", hex, 2 * n);
	save("fuzz_hex", "mixed-case", "00aAfF9a", 8);

	for (i = 0; i < ARRAY_SIZE(payloads); i++) {
		snprintf(name, sizeof(name), "payload-%02zu", i);
		save("fuzz_options", name, payloads[i], strlen(payloads[i]));
	}
	/* a real load payload carrying a sealed blob */
	opt = malloc(2 * n + 32);
	if (!opt)
		return 1;
	memcpy(opt, "load ", 5);
	memcpy(opt + 5, hex, 2 * n);
	memcpy(opt + 5 + 2 * n, " recovery=x", 11);
	save("fuzz_options", "load-sealed", opt, 2 * n + 16);
	free(opt);

	tpm2_resp_seeds();
	session_seed("unseal", FUZZ_SESS_ENCRYPT);
	session_seed("unseal-2", FUZZ_SESS_ENCRYPT | FUZZ_SESS_INDEX1);
	session_seed("handle-auth", FUZZ_SESS_HANDLE | FUZZ_SESS_AUTH);
	session_seed("forge", FUZZ_SESS_ENCRYPT | FUZZ_SESS_FORGE);
	return 0;
}
