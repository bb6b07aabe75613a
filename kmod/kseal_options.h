/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parser of the keyctl payload of the "kseal" key type:
 *
 *   new <bytes> [pcrs=<list>] [parent=<handle>] [parent_name=<hex>]
 *       [recovery=<pass>] [lock=<pcr>] [policy_key=<hex>]
 *       [tang=<point> [tang=<point>...] [tang_threshold=<T>]]
 *   new <bytes> wrap=<ref> [logon=<desc>]
 *   load <hex blob> [recovery=<pass>]
 *   load <hex blob> approved=<hex> ticket=<hex>
 *   load <hex blob> [logon=<desc>]
 *   load <hex blob> tang_session=<desc> [tang=<i>:<point>...] (with any
 *       of the sealed options above)
 *   update reseal [pcrs=<list>] [recovery=<pass>]
 *       [tang=<point> [tang=<point>...] [tang_threshold=<T>]]
 *   update rotate
 *   update retire=<n>
 *   update rewrap=<ref>
 *
 * Tokens are separated by exactly one space; one newline may end the
 * payload (echo adds one, keyctl add from a shell often adds none). No other
 * whitespace, no empty tokens, no NUL bytes, each option at most once.
 * Numbers are decimal without sign or leading zeros; parent is 0x and 1..8
 * hex digits; parent_name is the parent's sha256 Name, 68 hex digits
 * starting 000b. A <list> is comma-separated PCR indexes (0..23) and ranges
 * a-b with a < b, none repeated.
 *
 * Signed PCR policies (KSEAL_BLOB_F_AUTHORIZE in include/kseal/blob.h):
 * policy_key is the signing key's sha256 Name in the same form as
 * parent_name; pcrs= is then the selection its signatures cover, which may
 * not hold the lock PCR and may not be empty without it. approved is the
 * signed policy digest, 64 hex digits; ticket the TPMT_TK_VERIFIED of its
 * signature from TPM2_VerifySignature as marshalled (tag 0x8022,
 * hierarchy, TPM2B_DIGEST), 80, 112 or 144 hex digits: the TPM computes
 * its digest with the hash of its choice (its context integrity hash:
 * sha256 gives 32 bytes, sha384 48, swtpm's sha512 64). They come together
 * and not with recovery= (one branch per load).
 *
 * Tang (KSEAL_BLOB_F_TANG): a <point> is x || y in hex without a 04
 * prefix, 128 digits for P-256 or 192 for P-384. At new and reseal, each
 * tang= is one server's exchange key, the only option that may repeat
 * (1..KSEAL_TANG_SERVERS_MAX times, all of one curve), in server order;
 * tang_threshold (1..N, default N) needs tang=. At load, tang=<i>:<point>
 * is server i's answer (i = 1..N, each at most once, all of one curve) and
 * needs tang_session=, the description of the caller's kseal_tang key (1
 * to KSEAL_TANG_DESC_MAX bytes). Every error is -EINVAL.
 */
#ifndef KSEAL_OPTIONS_H
#define KSEAL_OPTIONS_H

#include "kseal_compat.h"
#include <kseal/blob.h>
#include <kseal/limits.h>

enum kseal_verb {
	KSEAL_VERB_NEW = 1,
	KSEAL_VERB_LOAD,
	KSEAL_VERB_UPDATE,
};

enum kseal_update {
	KSEAL_UPD_NONE,
	KSEAL_UPD_RESEAL,
	KSEAL_UPD_ROTATE,
	KSEAL_UPD_RETIRE,
	KSEAL_UPD_REWRAP,
};

/* Bits of kseal_opts.present: which options the payload gave. */
#define KSEAL_OPT_PCRS		0x0001U
#define KSEAL_OPT_PARENT	0x0002U
#define KSEAL_OPT_RECOVERY	0x0004U
#define KSEAL_OPT_LOCK		0x0008U
#define KSEAL_OPT_WRAP		0x0010U
#define KSEAL_OPT_LOGON		0x0020U
#define KSEAL_OPT_REWRAP	0x0040U
#define KSEAL_OPT_RETIRE	0x0080U
#define KSEAL_OPT_PARENT_NAME	0x0100U
#define KSEAL_OPT_POLICY_KEY	0x0200U
#define KSEAL_OPT_APPROVED	0x0400U
#define KSEAL_OPT_TICKET	0x0800U
#define KSEAL_OPT_TANG		0x1000U
#define KSEAL_OPT_TANG_THRESHOLD 0x2000U
#define KSEAL_OPT_TANG_SESSION	0x4000U

/* TPMT_TK_VERIFIED: tag TPM_ST_VERIFIED, hierarchy, TPM2B_DIGEST. */
#define KSEAL_TICKET_TAG	0x8022
#define KSEAL_TICKET_DIGEST_MAX	64
#define KSEAL_TICKET_MAX	(2 + 4 + 2 + KSEAL_TICKET_DIGEST_MAX)

/*
 * The parsed payload. blob_hex points into the payload (not NUL-terminated,
 * checked to be a non-empty even number of hex digits decoding to at most
 * KSEAL_BLOB_MAX bytes). The string fields are NUL-terminated copies.
 * pcr_mask is set for sealed "new" (default KSEAL_PCR_DEFAULT_MASK when no
 * pcrs= is given; the lock PCR is OR-ed in) and for "update reseal" with
 * pcrs=; parent defaults to KSEAL_PARENT_DEFAULT for sealed "new".
 * ticket_hierarchy and ticket_digest (ticket_len bytes: 32, 48 or 64)
 * are the ticket's fields; the TPM judges them.
 */
struct kseal_opts {
	enum kseal_verb verb;
	enum kseal_update update;
	u32 present;
	u32 key_len;
	const char *blob_hex;
	size_t blob_hex_len;
	u32 pcr_mask;
	u32 parent;
	u8 parent_name[KSEAL_NAME_MAX];
	u8 policy_key[KSEAL_NAME_MAX];
	u8 approved[KSEAL_DIGEST_SIZE];
	u32 ticket_hierarchy;
	u8 ticket_digest[KSEAL_TICKET_DIGEST_MAX];
	u16 ticket_len;
	u32 lock_pcr;
	u32 retire;
	char recovery[KSEAL_RECOVERY_MAX + 1];
	size_t recovery_len;
	char wrap[KSEAL_REF_MAX + 1];
	char rewrap[KSEAL_REF_MAX + 1];
	char logon[KSEAL_LOGON_DESC_MAX + 1];
	/*
	 * tang=: tang_curve is KSEAL_TANG_P256 or _P384. At new and reseal
	 * tang_point[0..tang_n - 1] are the servers' keys and tang_threshold
	 * is set; at load tang_point[i - 1] is server i's answer for every
	 * bit i - 1 of tang_answered.
	 */
	u8 tang_curve;
	u8 tang_n;
	u8 tang_threshold;
	u8 tang_answered;
	u8 tang_point[KSEAL_TANG_SERVERS_MAX][KSEAL_TANG_POINT_MAX];
	char tang_session[KSEAL_TANG_DESC_MAX + 1];
};

/* Parse @len bytes of @payload (not modified) into @o; 0 or -EINVAL. */
int kseal_opts_parse(const char *payload, size_t len, struct kseal_opts *o);

/* Wipe @o, which may hold a recovery passphrase. */
void kseal_opts_wipe(struct kseal_opts *o);

#endif /* KSEAL_OPTIONS_H */
