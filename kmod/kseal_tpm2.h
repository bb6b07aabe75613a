/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kseal's TPM 2.0 client: one exclusive use of the chip per operation,
 * through the kernel's exported TPM API, with per-command counters.
 */
#ifndef KSEAL_TPM2_H
#define KSEAL_TPM2_H

#include <linux/types.h>

struct tpm_chip;

/* One operation on the chip: ops held, one page for command/response. */
struct kseal_tpm2 {
	struct tpm_chip *chip;
	u8 *page;
};

int kseal_tpm2_open(struct kseal_tpm2 *t);
void kseal_tpm2_close(struct kseal_tpm2 *t);

int kseal_tpm2_get_random(struct kseal_tpm2 *t, u8 *out, size_t len);
/* Reads the sha256 PCRs in mask, ascending, 32 bytes each, into out. */
int kseal_tpm2_pcr_read(struct kseal_tpm2 *t, u32 mask, u8 *out,
			size_t cap);
void kseal_tpm2_flush(struct kseal_tpm2 *t, u32 handle);

/* Counters for /sys/kernel/kseal/stats. */
u64 kseal_tpm2_count_total(void);
u64 kseal_tpm2_count_cc(u32 cc);

#endif /* KSEAL_TPM2_H */
