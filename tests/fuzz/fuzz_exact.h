/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the fuzz targets. */
#ifndef KSEAL_FUZZ_EXACT_H
#define KSEAL_FUZZ_EXACT_H

#include <stdlib.h>

/*
 * Exactly @n bytes on the heap, for a buffer a parser or writer is given
 * with capacity @n: a write past them is an ASan report, not a silent
 * overwrite of a larger buffer.
 */
static inline void *fuzz_exact(size_t n)
{
	void *p = malloc(n);

	if (!p && n)
		abort();
	return p;
}

#endif /* KSEAL_FUZZ_EXACT_H */
