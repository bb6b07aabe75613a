// SPDX-License-Identifier: GPL-2.0-only
/*
 * Transport to the TPM. The chip is looked up in kseal_tpm2_open() only,
 * so choosing another chip later is a change in one place. Commands are
 * sent with tpm_transmit_cmd() while the ops are held: kernel callers use
 * the raw TPM handle space, so transient handles stay valid across the
 * commands of one operation and must be flushed by us.
 */
#define pr_fmt(fmt) "kseal: " fmt

#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/tpm.h>

#include "kseal_errors.h"
#include "kseal_tpm2.h"
#include "kseal_tpm2_wire.h"

/* TPM 2.0 command codes run from 0x11f to 0x19f. */
#define KSEAL_CC_FIRST	0x11f
#define KSEAL_CC_LAST	0x19f

static atomic64_t kseal_tpm2_total = ATOMIC64_INIT(0);
static atomic64_t kseal_tpm2_per_cc[KSEAL_CC_LAST - KSEAL_CC_FIRST + 1];

u64 kseal_tpm2_count_total(void)
{
	return atomic64_read(&kseal_tpm2_total);
}

u64 kseal_tpm2_count_cc(u32 cc)
{
	if (cc < KSEAL_CC_FIRST || cc > KSEAL_CC_LAST)
		return 0;
	return atomic64_read(&kseal_tpm2_per_cc[cc - KSEAL_CC_FIRST]);
}

int kseal_tpm2_open(struct kseal_tpm2 *t)
{
	int ret;

	t->page = NULL;
	t->chip = tpm_default_chip();
	if (!t->chip)
		return -ENODEV;
	if (!tpm_is_tpm2(t->chip)) {
		ret = -ENODEV;
		goto put_dev;
	}
	ret = tpm_try_get_ops(t->chip);
	if (ret) {
		ret = -ENODEV;
		goto put_dev;
	}
	t->page = (u8 *)__get_free_page(GFP_KERNEL);
	if (!t->page) {
		ret = -ENOMEM;
		goto put_ops;
	}
	return 0;

put_ops:
	tpm_put_ops(t->chip);
put_dev:
	put_device(&t->chip->dev);
	t->chip = NULL;
	return ret;
}

void kseal_tpm2_close(struct kseal_tpm2 *t)
{
	if (!t->chip)
		return;
	/* The page held sensitive areas and unsealed secrets. */
	memzero_explicit(t->page, PAGE_SIZE);
	free_page((unsigned long)t->page);
	tpm_put_ops(t->chip);
	put_device(&t->chip->dev);
	t->chip = NULL;
	t->page = NULL;
}

/*
 * Sends the command built in t->page. Returns 0 with *rlen set, the TPM
 * response code (positive), or a negative errno for transport failures.
 */
static int kseal_tpm2_xmit(struct kseal_tpm2 *t, u32 cc, u32 *rlen)
{
	struct tpm_buf buf = { .flags = 0, .data = t->page };
	ssize_t ret;

	atomic64_inc(&kseal_tpm2_total);
	if (cc >= KSEAL_CC_FIRST && cc <= KSEAL_CC_LAST)
		atomic64_inc(&kseal_tpm2_per_cc[cc - KSEAL_CC_FIRST]);
	ret = tpm_transmit_cmd(t->chip, &buf, 0, NULL);
	if (ret < 0)
		return -EIO;
	/* tpm_transmit() checked the header length against what it read. */
	*rlen = get_unaligned_be32(t->page + 2);
	if (*rlen < KSEAL_TPM2_HDR_LEN || *rlen > PAGE_SIZE)
		return -EIO;
	return ret;
}

/* Common tail: transport errno, TPM rc reported, or parse result. */
static int kseal_tpm2_result(int ret, u32 cc, const char *name)
{
	if (ret > 0)
		return kseal_rc_report(ret, cc, name);
	if (ret == -EBADMSG)
		pr_err_ratelimited("TPM2_%s: malformed response\n", name);
	return ret;
}

int kseal_tpm2_get_random(struct kseal_tpm2 *t, u8 *out, size_t len)
{
	struct kseal_tpm2_cmd c;
	u16 got;
	u32 rlen;
	int ret;

	while (len) {
		u16 want = min_t(size_t, len, KSEAL_TPM2_SHA256_SIZE);

		kseal_tpm2_cmd_init(&c, t->page, PAGE_SIZE,
				    KSEAL_TPM2_ST_NO_SESSIONS,
				    KSEAL_TPM2_CC_GET_RANDOM);
		kseal_tpm2_put_u16(&c, want);
		ret = kseal_tpm2_cmd_finish(&c);
		if (ret < 0)
			return ret;
		ret = kseal_tpm2_xmit(t, KSEAL_TPM2_CC_GET_RANDOM, &rlen);
		if (!ret)
			ret = kseal_tpm2_parse_get_random(t->page, rlen, out,
							  want, &got);
		if (!ret && !got)
			ret = -EIO;	/* no progress: do not spin */
		if (ret)
			return kseal_tpm2_result(ret, KSEAL_TPM2_CC_GET_RANDOM,
						 "GetRandom");
		out += got;
		len -= got;
	}
	return 0;
}

int kseal_tpm2_pcr_read(struct kseal_tpm2 *t, u32 mask, u8 *out,
			size_t cap)
{
	struct kseal_tpm2_cmd c;
	u32 got, rlen, n;
	int ret;

	if (!mask || mask >> KSEAL_TPM2_PCR_COUNT ||
	    hweight32(mask) * KSEAL_TPM2_SHA256_SIZE > cap)
		return -EINVAL;
	/* The TPM answers a prefix of the selection; ask again for the rest. */
	while (mask) {
		kseal_tpm2_cmd_init(&c, t->page, PAGE_SIZE,
				    KSEAL_TPM2_ST_NO_SESSIONS,
				    KSEAL_TPM2_CC_PCR_READ);
		kseal_tpm2_put_pcr_sel(&c, mask);
		ret = kseal_tpm2_cmd_finish(&c);
		if (ret < 0)
			return ret;
		ret = kseal_tpm2_xmit(t, KSEAL_TPM2_CC_PCR_READ, &rlen);
		if (!ret)
			ret = kseal_tpm2_parse_pcr_read(t->page, rlen, mask,
							&got, out, cap);
		/*
		 * Digests land in ascending order only if the TPM answered the
		 * lowest selected PCRs: none skipped below its highest one.
		 */
		if (!ret && (!got || (mask & ~got & (BIT(fls(got)) - 1))))
			ret = -EBADMSG;
		if (ret)
			return kseal_tpm2_result(ret, KSEAL_TPM2_CC_PCR_READ,
						 "PCR_Read");
		n = hweight32(got) * KSEAL_TPM2_SHA256_SIZE;
		out += n;
		cap -= n;
		mask &= ~got;
	}
	return 0;
}

void kseal_tpm2_flush(struct kseal_tpm2 *t, u32 handle)
{
	struct kseal_tpm2_cmd c;
	u32 rlen;
	int ret;

	kseal_tpm2_cmd_init(&c, t->page, PAGE_SIZE, KSEAL_TPM2_ST_NO_SESSIONS,
			    KSEAL_TPM2_CC_FLUSH_CONTEXT);
	kseal_tpm2_put_u32(&c, handle);
	if (kseal_tpm2_cmd_finish(&c) < 0)
		return;
	ret = kseal_tpm2_xmit(t, KSEAL_TPM2_CC_FLUSH_CONTEXT, &rlen);
	if (ret)
		kseal_tpm2_result(ret, KSEAL_TPM2_CC_FLUSH_CONTEXT,
				  "FlushContext");
}
