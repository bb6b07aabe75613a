/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "kseal_tang" key type: one Tang recovery exchange for one blob.
 * "begin <hex blob>" draws e_i and makes X_i = C_i + e_i * G for every
 * server; keyctl read gives the lines "<i> <hex X_i>\n" that the helper
 * sends to the servers; a kseal load then takes the e_i, once.
 */
#ifndef KSEAL_TANG_SESSION_H
#define KSEAL_TANG_SESSION_H

#include <linux/key-type.h>

#include "kseal_ecmr.h"

extern struct key_type kseal_tang_type;

/*
 * The caller's (possessed) session @desc, for the @len-byte @blob: copies
 * its e_i to @e (KSEAL_TANG_SERVERS_MAX entries) and revokes it, whatever
 * follows: one answer per ephemeral. -ENOKEY (or request_key's error) if
 * there is none, -EINVAL (logged) if it was begun for another blob,
 * -EKEYREVOKED if a load used it already.
 */
int kseal_tang_session_take(const char *desc, const u8 *blob, size_t len,
			    struct kseal_ecmr_scalar *e);

#endif /* KSEAL_TANG_SESSION_H */
