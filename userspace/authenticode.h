/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Authenticode SHA-256 digest of a PE/COFF image, as UEFI firmware
 * computes it when it measures an EFI application into PCR 4. The image
 * is untrusted bytes: no TPM access here, so host tests and the fuzzer
 * link this file alone (with libcrypto).
 */
#ifndef KSEAL_AUTHENTICODE_H
#define KSEAL_AUTHENTICODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The digest of the @len bytes at @img into @out. False with @why set to
 * a phrase saying what is wrong with the image (e.g. "no PE signature")
 * when it is not a PE/COFF image the firmware would hash this way.
 */
bool authenticode_sha256(const uint8_t *img, size_t len, uint8_t out[32],
			 const char **why);

#endif /* KSEAL_AUTHENTICODE_H */
