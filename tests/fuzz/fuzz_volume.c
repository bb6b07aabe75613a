// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: ksealctl's volume parsers. The first byte picks the
 * header (include/kseal/volume.h) or the volumes file. A header that
 * parses must build back to the same 512 bytes (nothing is accepted that
 * the format does not describe); a volumes file that parses must give
 * valid names, devices and units for every line.
 */
#include <stdlib.h>
#include <string.h>

#include "volume.h"
#include "volume_unit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void header(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1), again[KSEAL_VOL_HDR_SIZE];
	struct kvol_header h;
	const char *why;

	/* Exactly the input's size, so ASan sees any read past it. */
	memcpy(buf, data, size);
	if (kvol_header_parse(buf, size, &h, &why) == KVOL_OK) {
		if (!kvol_header_build(&h, again, &why) ||
		    memcmp(again, buf, KSEAL_VOL_HDR_SIZE))
			abort();
	}
	free(buf);
}

static void table(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1), err[256], out[4096];
	struct kvol_table t;
	size_t i;

	memcpy(text, data, size);
	if (kvol_table_parse(text, size, &t, err, sizeof(err))) {
		for (i = 0; i < t.n; i++) {
			if (!kvol_valid_name(t.e[i].name) ||
			    t.e[i].device[0] != '/' ||
			    !kvol_unit_name(t.e[i].name, out, sizeof(out)) ||
			    !kvol_unit_text(&t.e[i], "/usr/sbin/ksealctl",
					    "/etc/kseal/volumes", out, sizeof(out)))
				abort();
		}
		kvol_table_free(&t);
	} else if (t.n || !memchr(err, '\0', sizeof(err))) {
		abort();
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] & 1)
		header(data + 1, size - 1);
	else
		table(data + 1, size - 1);
	return 0;
}
