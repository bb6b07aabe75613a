// SPDX-License-Identifier: GPL-2.0-only
/*
 * Values of keyctl payloads, checked by the module's parser (payload.h).
 */
#include <stdio.h>

#include "kseal_options.h"
#include "payload.h"

/* Printable ASCII without space: the parser's token bytes. */
static bool token_ok(const char *v)
{
	if (!*v)
		return false;
	for (; *v; v++)
		if (*v < 0x21 || *v > 0x7e)
			return false;
	return true;
}

/*
 * Parses @fmt with @v in it and wants exactly the options @want: a value
 * that smuggles in a space and another option fails here, and so does a
 * trailing newline, which the parser would otherwise forgive.
 */
static bool probe(const char *fmt, const char *v, u32 want)
{
	struct kseal_opts o;
	char buf[512];
	int n;
	bool ok;

	if (!token_ok(v))
		return false;
	n = snprintf(buf, sizeof(buf), fmt, v);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return false;
	ok = !kseal_opts_parse(buf, (size_t)n, &o) && o.present == want;
	kseal_opts_wipe(&o);
	return ok;
}

bool payload_pcrs_ok(const char *v)
{
	return probe("update reseal pcrs=%s", v, KSEAL_OPT_PCRS);
}

bool payload_pcrs_mask(const char *v, unsigned int *mask)
{
	struct kseal_opts o;
	char buf[160];
	int n;
	bool ok;

	if (!token_ok(v))
		return false;
	n = snprintf(buf, sizeof(buf), "update reseal pcrs=%s", v);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return false;
	ok = !kseal_opts_parse(buf, (size_t)n, &o) &&
	     o.present == KSEAL_OPT_PCRS;
	*mask = ok ? o.pcr_mask : 0;
	kseal_opts_wipe(&o);
	return ok;
}

bool payload_parent_ok(const char *v)
{
	return probe("new 32 parent=%s", v, KSEAL_OPT_PARENT);
}

bool payload_logon_ok(const char *v)
{
	return probe("new 32 wrap=1 logon=%s", v,
		     KSEAL_OPT_WRAP | KSEAL_OPT_LOGON);
}

bool payload_lock_ok(long pcr)
{
	char v[24];

	snprintf(v, sizeof(v), "%ld", pcr);
	return probe("new 32 lock=%s", v, KSEAL_OPT_LOCK);
}

bool payload_bytes_ok(long bytes, bool sealed)
{
	char v[24];

	snprintf(v, sizeof(v), "%ld", bytes);
	return sealed ? probe("new %s", v, 0) :
			probe("new %s wrap=1", v, KSEAL_OPT_WRAP);
}
