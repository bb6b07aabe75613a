/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The firmware's TPM event log in the TCG PC Client crypto-agile format
 * (/sys/kernel/security/tpm0/binary_bios_measurements) and its replay
 * into sha256 PCR values. The bytes are untrusted: no TPM access here,
 * so host tests and the fuzzer link this file alone (with libcrypto).
 */
#ifndef KSEAL_EVENTLOG_H
#define KSEAL_EVENTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCG_PCRS		24
#define TCG_SHA256_SIZE		32

/* Event types this helper looks at (TCG PC Client PFP, section 10.4.1). */
#define EV_NO_ACTION				0x00000003U
#define EV_SEPARATOR				0x00000004U
#define EV_EVENT_TAG				0x00000006U
#define EV_EFI_BOOT_SERVICES_APPLICATION	0x80000003U

/* Most events and bytes a log may have; real ones have a few hundred. */
#define TCG_LOG_MAX_EVENTS	65536
#define TCG_LOG_MAX_SIZE	(4U << 20)

struct tcg_event {
	uint32_t pcr;
	uint32_t type;
	bool has_sha256;		/* false only for EV_NO_ACTION */
	uint8_t sha256[TCG_SHA256_SIZE];	/* what the replay extends */
	const uint8_t *data;		/* event data, inside the parsed buffer */
	uint32_t data_len;
	size_t offset;			/* of the record in the log */
};

struct tcg_log {
	struct tcg_event *ev;
	size_t n;
	uint8_t locality;	/* StartupLocality, 0 without that event */
};

/*
 * Parses @len bytes at @buf (which must outlive @log). On failure returns
 * false with one line in @err saying what is wrong and where, and @log
 * empty; tcg_log_free is safe either way.
 */
bool tcg_log_parse(const uint8_t *buf, size_t len, struct tcg_log *log,
		   char *err, size_t errlen);
void tcg_log_free(struct tcg_log *log);

/*
 * The sha256 bank after the events of @log: PCRs 0-16 and 23 start at
 * zero (PCR 0 at the startup locality), 17-22 at all ones as after a
 * reset without a dynamic launch; every event but EV_NO_ACTION extends.
 */
void tcg_log_replay(const struct tcg_log *log,
		    uint8_t pcr[TCG_PCRS][TCG_SHA256_SIZE]);

#endif /* KSEAL_EVENTLOG_H */
