/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checks of the values ksealctl pastes into keyctl payloads, made with the
 * module's own payload parser (kmod/kseal_options.c, linked in), so the
 * helper and the kernel share one grammar. A value passes only when, put
 * into its option, it parses to that one option and nothing else: a space
 * or a second option inside a state-file field can never reach the kernel.
 * This header stays free of the module's headers, whose limits share some
 * names with ksealctl.h.
 */
#ifndef KSEAL_PAYLOAD_H
#define KSEAL_PAYLOAD_H

#include <stdbool.h>
#include <stdint.h>

/* pcrs=: "0,2-4,7", indexes 0..23, ranges ascending, none repeated. */
bool payload_pcrs_ok(const char *v);
/* The same list as a mask (bit n = PCR n), as the module reads it. */
bool payload_pcrs_mask(const char *v, unsigned int *mask);
/* parent=: 0x and 1..8 hex digits, a persistent owner handle. */
bool payload_parent_ok(const char *v);
/* logon=: "subsystem:name", printable, no spaces. */
bool payload_logon_ok(const char *v);
/* lock=: a PCR 0..23 other than the resettable 16 and 23. */
bool payload_lock_ok(long pcr);
/* The key size of "new N" for a sealed (or data) key. */
bool payload_bytes_ok(long bytes, bool sealed);

#endif /* KSEAL_PAYLOAD_H */
