// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: ksealctl's signed policy files and predictions, the
 * JSON policy install and policy sign read. The first byte picks which.
 * A policy file that parses must write back to a file that parses to the
 * same entries; a prediction that parses names at least one PCR.
 */
#include <stdlib.h>
#include <string.h>

#include "ksealctl.h"
#include "policy_store.h"

struct ctx g = { .cmd = "" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same(const struct spolicy *a, const struct spolicy *b)
{
	return a->mask == b->mask && !memcmp(a->fp, b->fp, sizeof(a->fp)) &&
	       !memcmp(a->pol, b->pol, sizeof(a->pol)) &&
	       a->siglen == b->siglen && !memcmp(a->sig, b->sig, a->siglen) &&
	       a->has_values == b->has_values &&
	       (!a->has_values || !memcmp(&a->values, &b->values,
					  sizeof(a->values)));
}

static void policy_file(const char *text)
{
	struct spolicy_set s, again;
	const char *why;
	char *out;
	size_t i;
	long at;

	if (!spolicy_parse(text, &s, &why, &at)) {
		if (!why)
			abort();
		return;
	}
	out = spolicy_to_json(&s);
	if (!out || !spolicy_parse(out, &again, &why, &at) ||
	    again.n != s.n)
		abort();
	for (i = 0; i < s.n; i++)
		if (!same(&s.e[i], &again.e[i]))
			abort();
	free(out);
	spolicy_free(&again);
	spolicy_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcr_state p;
	char *text;

	if (!size)
		return 0;
	/* NUL-terminated, exactly the input's size plus one for ASan. */
	text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (data[0] & 1)
		policy_file(text);
	else if (!prediction_parse(text, &p) && !p.mask)
		abort();
	free(text);
	return 0;
}
