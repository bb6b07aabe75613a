// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: ksealctl's TCG event log parser and replay
 * (userspace/eventlog.c). A log that parses must describe only bytes of
 * the input, and replay; one that does not leaves nothing behind.
 */
#include <string.h>

#include "eventlog.h"
#include "fuzz_exact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = fuzz_exact(size), pcr[TCG_PCRS][TCG_SHA256_SIZE];
	struct tcg_log log;
	char err[256];
	size_t i;

	/* Exactly the input's size, so ASan sees any read past it. */
	memcpy(buf, data, size);
	if (tcg_log_parse(buf, size, &log, err, sizeof(err))) {
		for (i = 0; i < log.n; i++) {
			const struct tcg_event *e = &log.ev[i];

			if (e->pcr >= TCG_PCRS || e->offset >= size ||
			    e->data < buf || e->data_len > size ||
			    e->data + e->data_len > buf + size ||
			    (!e->has_sha256 && e->type != EV_NO_ACTION))
				abort();
		}
		tcg_log_replay(&log, pcr);
		tcg_log_free(&log);
	} else if (log.n || log.ev || !memchr(err, '\0', sizeof(err)) ||
		   !err[0]) {
		abort();
	}
	free(buf);
	return 0;
}
