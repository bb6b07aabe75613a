/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tang-bound sealed keys in ksealctl: binding a key to servers (create,
 * reseal, rotate), the recovery exchange at load and the server checks of
 * status. ksealctl carries public points only: the kernel draws the
 * secrets, blinds the requests and checks the answers.
 */
#ifndef KSEAL_TANG_KEYS_H
#define KSEAL_TANG_KEYS_H

#include <stdbool.h>

#include "state.h"
#include "tang.h"

#define KSEAL_DEFAULT_TANG_TIMEOUT	10
#define KSEAL_DEFAULT_TANG_WAIT		60

/* TANG_TIMEOUT and TANG_WAIT of the configuration, checked, in seconds. */
long tang_timeout(void);
long tang_wait(void);

/* --tang URL, --tang-thp THP and --tang-threshold T of create and reseal. */
#define TANG_LONGOPTS \
	{ "tang", required_argument, NULL, OPT_TANG }, \
	{ "tang-thp", required_argument, NULL, OPT_TANG_THP }, \
	{ "tang-threshold", required_argument, NULL, OPT_TANG_THRESHOLD }

struct tang_args {
	const char *url[8], *thp[8];	/* thp[i] pins url[i]; NULL: unpinned */
	int n, nthp;
	long threshold;			/* 0: all of them */
};

/*
 * Takes @arg of option @c (OPT_TANG*) into @a; KX_USAGE after an error
 * line naming @cmd, else KX_OK.
 */
int tang_arg(const char *cmd, int c, const char *arg, struct tang_args *a);
/* After the options: the pins and the threshold fit the servers. */
int tang_args_check(const char *cmd, const struct tang_args *a);

/*
 * Fetches and verifies the advertisement of each of the @n servers
 * @urls, the i-th pinned to @pins[i] (NULL: unpinned, allowed with @yes
 * or on a terminal's confirmation) and, with @jwks (else NULL), to the
 * recorded key @jwks[i], which also verifies /adv/<pin> of a server
 * that rotated that key away. Fills @out with each one's URL, exchange
 * key thumbprint, pin, pinned key and curve. *opts gets the keyctl options
 * " tang=<x||y> ... tang_threshold=<t>" (malloc'd). KX_OK, or a KX_*
 * code after one line naming the server and what to do; nothing is
 * changed then. @cmd prefixes the messages.
 */
int tang_bind(const char *cmd, const char *const *urls,
	      const char *const *pins, const char *const *jwks, int n, int t,
	      bool yes, struct ktang *out, char **opts);

/*
 * tang_bind for the servers recorded for @k, each verified against its
 * recorded pin (a server signs its advertisement with every key it
 * serves, rotated ones too, so the pin outlives a key rotation): picks
 * each server's current exchange key. The rebind of reseal and rotate.
 */
int tang_rebind(const char *cmd, const struct kkey *k, struct ktang *out,
		char **opts);

/*
 * The recovery exchange of Tang-bound key @k before its load: a
 * kseal_tang session key in the process keyring, one request per server.
 * *opts gets " tang_session=<desc> tang=<i>:<Y>..." (malloc'd). KX_OK,
 * or KX_REFUSED (errno EHOSTUNREACH) when fewer than the threshold
 * answered, after one line per failed server and a summary line; another
 * KX_* code for a kernel failure, after its line.
 */
int tang_exchange(const struct kkey *k, char **opts);

#endif /* KSEAL_TANG_KEYS_H */
