/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Signed policy files (JSON): parsing, checking, and the installed ones
 * in STATE/policy/<pkfp>.json, one file per signing key.
 */
#ifndef KSEAL_POLICY_STORE_H
#define KSEAL_POLICY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy_key.h"

struct kstate;

/* One signed PCR state. */
struct spolicy {
	uint32_t mask;			/* "pcrs" */
	uint8_t fp[PK_FP_SIZE];		/* "pkfp" */
	uint8_t pol[PK_POL_SIZE];	/* "pol" */
	uint8_t *sig;			/* "sig", decoded */
	size_t siglen;
	bool has_values;		/* "values" given (kseal writes it) */
	struct pcr_state values;
};

struct spolicy_set {
	struct spolicy *e;
	size_t n;
};

/*
 * Parses a signed policy file. Every entry must be well formed and, with
 * "values", those values must give its "pol". false with *why (static
 * text, *at the entry index or -1) when not.
 */
bool spolicy_parse(const char *text, struct spolicy_set *s,
		   const char **why, long *at);
void spolicy_free(struct spolicy_set *s);
/* Appends @e (its sig copied); false on no memory. */
bool spolicy_add(struct spolicy_set *s, const struct spolicy *e);
/* The JSON text of @s (malloc'd). */
char *spolicy_to_json(const struct spolicy_set *s);

/*
 * A prediction, {"sha256":[{"pcr":N,"hash":"<64 hex>"},...]}, as policy
 * predict and systemd-measure write it: NULL, or what is wrong with it.
 */
const char *prediction_parse(const char *text, struct pcr_state *s);

/*
 * The installed entries of signer @fp from @dir (a state directory):
 * none when the file is missing. KX_* code, error line printed.
 */
int spolicy_installed(const char *dir, const uint8_t *fp,
		      struct spolicy_set *s);
/* Replaces the installed file of signer @fp with @s's entries of it. */
int spolicy_install(struct kstate *st, const uint8_t *fp,
		    const struct spolicy_set *s);

/* The signer of key files in @st with fingerprint @fp, or false. */
bool known_policy_key(const struct kstate *st, const uint8_t *fp,
		      struct policy_key *k);

#endif /* KSEAL_POLICY_STORE_H */
