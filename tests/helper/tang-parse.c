// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Tang parsers of ksealctl on a file, for tang-tests.sh: real tangd
 * answers and broken ones go through exactly the code ksealctl runs.
 *
 *   tang-parse adv FILE [PIN [JWK]]  0 and "ok CURVE KID THP SIGNERS..." or
 *                               1 and "refused ERR: WHY"
 *   tang-parse rec FILE CURVE   0 and "ok HEX(x||y)" or 1 and "refused: WHY"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tang.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = f ? malloc(TANG_BODY_MAX + 1) : NULL;

	*len = b ? fread(b, 1, TANG_BODY_MAX, f) : 0;
	if (f)
		fclose(f);
	return b;
}

static void hex(const uint8_t *b, size_t n)
{
	while (n--)
		printf("%02x", *b++);
}

int main(int argc, char **argv)
{
	const char *why;
	size_t len, i;
	char *b;

	if (argc >= 3 && !strcmp(argv[1], "adv")) {
		struct tang_adv adv;
		int r;

		b = slurp(argv[2], &len);
		if (!b)
			return 2;
		r = tang_adv_parse(b, len, argc > 3 ? argv[3] : NULL,
				   argc > 4 ? argv[4] : NULL, &adv, &why);
		free(b);
		if (r) {
			printf("refused %d: %s\n", r, why);
			return 1;
		}
		printf("ok %s %s %s", tang_curve_name(adv.curve), adv.kid,
		       adv.thp[0] ? adv.thp : "-");
		for (i = 0; i < adv.nsigners; i++)
			printf(" %s", adv.signers[i]);
		printf(" point=");
		hex(adv.x, tang_coord_size(adv.curve));
		hex(adv.y, tang_coord_size(adv.curve));
		printf("\n");
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "rec")) {
		uint8_t xy[2 * TANG_COORD_MAX];
		int curve = tang_curve_from_name(argv[3]);

		b = slurp(argv[2], &len);
		if (!b)
			return 2;
		if (!tang_rec_parse(b, len, curve, xy, &why)) {
			free(b);
			printf("refused: %s\n", why);
			return 1;
		}
		free(b);
		printf("ok ");
		hex(xy, 2 * tang_coord_size(curve));
		printf("\n");
		return 0;
	}
	fprintf(stderr, "usage: tang-parse adv FILE [PIN] | rec FILE CURVE\n");
	return 2;
}
