// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: ksealctl's Tang advertisement check (tang_adv_parse),
 * the bytes a server answers to GET /adv. The first byte picks whether a
 * pin is given, and whether its recorded key is. A verified advertisement must name a P-256 or P-384
 * exchange key with a thumbprint, and a refused one must say why.
 */
#include <stdlib.h>
#include <string.h>

#include "tang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The signing key thumbprint of the seed advertisement. */
	static const char pin[] = "DYzSGk8bIktWkh_04c2w_r5N_Ys8K84sJktOrQfcV7I";
	/* That key, recorded: verifies a signature it made (/adv/<thp>). */
	static const char jwk[] = "{\"alg\":\"ES256\",\"crv\":\"P-256\",\"key_ops\":[\"verify\"],\"kty\":\"EC\",\"x\":\"h0PkDgunf7-1qkCeqWvq4cUAPiyHVyNQkT0P0R7HM2o\",\"y\":\"S-dgCo-Blo9kwSYuFE02fDPcXvHNM3SWzdnJMlz3RPU\"}";
	struct tang_adv adv;
	const char *why = NULL;
	int r;

	if (!size)
		return 0;
	r = tang_adv_parse(data + 1, size - 1, data[0] & 1 ? pin : NULL,
			   data[0] & 2 ? jwk : NULL, &adv, &why);
	if (!why)
		abort();
	if (r == TANG_ADV_OK &&
	    (!tang_coord_size(adv.curve) || !adv.kid[0] || !adv.nsigners ||
	     !adv.sigjwk[0] ||
	     ((data[0] & 1) && strcmp(adv.thp, pin))))
		abort();
	if (r != TANG_ADV_OK && adv.curve != TANG_CURVE_NONE)
		abort();
	return 0;
}
