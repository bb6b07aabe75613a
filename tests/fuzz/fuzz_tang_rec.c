// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: ksealctl's Tang answer parser (tang_rec_parse), the
 * bytes a server answers to POST /rec/<kid>. The first byte picks the
 * curve. A parsed answer must give back, as a request, the same point.
 */
#include <stdlib.h>
#include <string.h>

#include "tang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t xy[2 * TANG_COORD_MAX], again[2 * TANG_COORD_MAX];
	int curve;
	const char *why = NULL;
	char *req;

	if (!size)
		return 0;
	curve = data[0] & 1 ? TANG_P384 : TANG_P256;
	if (!tang_rec_parse(data + 1, size - 1, curve, xy, &why)) {
		if (!why)
			abort();
		return 0;
	}
	/* What ksealctl would send for that point parses to the point. */
	req = tang_rec_request(curve, xy);
	if (!req || !tang_rec_parse(req, strlen(req), curve, again, &why) ||
	    memcmp(xy, again, 2 * tang_coord_size(curve)))
		abort();
	free(req);
	return 0;
}
