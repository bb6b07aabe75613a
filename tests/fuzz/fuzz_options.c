// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the keyctl payload parser. The input is handed over as
 * an exact-size heap buffer, so ASan sees any read past the payload. An
 * accepted payload must satisfy the documented invariants, and its
 * canonical rendering must parse into the same options (round trip); a
 * refused one must leave the struct wiped.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kseal_options.h"
#include "kseal_tang.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static char *put(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

static char *put_bytes(char *p, const u8 *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p += sprintf(p, "%02x", b[i]);
	return p;
}

static char *put_hex(char *p, const char *name, const u8 *b, size_t n)
{
	p += sprintf(p, " %s=", name);
	return put_bytes(p, b, n);
}

static char *put_mask(char *p, u32 mask)
{
	const char *sep = "";
	int i;

	for (i = 0; i < KSEAL_PCR_COUNT; i++) {
		if (mask & (1U << i)) {
			p += sprintf(p, "%s%d", sep, i);
			sep = ",";
		}
	}
	return p;
}

/* The canonical payload for @o; pcrs= only when the payload gave it. */
static size_t render(const struct kseal_opts *o, char *buf)
{
	u32 pcrs = o->pcr_mask;
	char *p = buf;

	switch (o->verb) {
	case KSEAL_VERB_NEW:
		p += sprintf(p, "new %u", o->key_len);
		break;
	case KSEAL_VERB_LOAD:
		p = put(p, "load ");
		memcpy(p, o->blob_hex, o->blob_hex_len);
		p += o->blob_hex_len;
		break;
	default:
		p = put(p, "update ");
		if (o->update == KSEAL_UPD_RESEAL)
			p = put(p, "reseal");
		else if (o->update == KSEAL_UPD_ROTATE)
			p = put(p, "rotate");
		else if (o->update == KSEAL_UPD_RETIRE)
			p += sprintf(p, "retire=%u", o->retire);
		else
			p += sprintf(p, "rewrap=%s", o->rewrap);
		break;
	}
	/* A signed selection never lists the lock PCR. */
	if ((o->present & KSEAL_OPT_POLICY_KEY) &&
	    (o->present & KSEAL_OPT_LOCK))
		pcrs &= ~(1U << o->lock_pcr);
	if (o->present & KSEAL_OPT_PCRS) {
		/* the lock PCR was OR-ed in; only keep it if listed */
		p = put(p, " pcrs=");
		p = put_mask(p, pcrs);
	}
	if (o->present & KSEAL_OPT_PARENT)
		p += sprintf(p, " parent=0x%08x", o->parent);
	if (o->present & KSEAL_OPT_RECOVERY)
		p += sprintf(p, " recovery=%s", o->recovery);
	if (o->present & KSEAL_OPT_LOCK)
		p += sprintf(p, " lock=%u", o->lock_pcr);
	if (o->present & KSEAL_OPT_WRAP)
		p += sprintf(p, " wrap=%s", o->wrap);
	if (o->present & KSEAL_OPT_LOGON)
		p += sprintf(p, " logon=%s", o->logon);
	if (o->present & KSEAL_OPT_PARENT_NAME)
		p = put_hex(p, "parent_name", o->parent_name, KSEAL_NAME_MAX);
	if (o->present & KSEAL_OPT_POLICY_KEY)
		p = put_hex(p, "policy_key", o->policy_key, KSEAL_NAME_MAX);
	if (o->present & KSEAL_OPT_APPROVED)
		p = put_hex(p, "approved", o->approved, KSEAL_DIGEST_SIZE);
	if (o->present & KSEAL_OPT_TANG) {
		unsigned int i, c = kseal_tang_coord_size(o->tang_curve);

		for (i = 0; i < KSEAL_TANG_SERVERS_MAX; i++) {
			if (o->verb == KSEAL_VERB_LOAD &&
			    (o->tang_answered & (1U << i)))
				p += sprintf(p, " tang=%u:", i + 1);
			else if (o->verb != KSEAL_VERB_LOAD && i < o->tang_n)
				p = put(p, " tang=");
			else
				continue;
			p = put_bytes(p, o->tang_point[i], 2 * c);
		}
	}
	if (o->present & KSEAL_OPT_TANG_THRESHOLD)
		p += sprintf(p, " tang_threshold=%u", o->tang_threshold);
	if (o->present & KSEAL_OPT_TANG_SESSION)
		p += sprintf(p, " tang_session=%s", o->tang_session);
	if (o->present & KSEAL_OPT_TICKET) {
		p += sprintf(p, " ticket=%04x%08x%04x", KSEAL_TICKET_TAG,
			     o->ticket_hierarchy, o->ticket_len);
		p = put_bytes(p, o->ticket_digest, o->ticket_len);
	}
	return p - buf;
}

static void check_str(const char *s, size_t max, bool set)
{
	size_t n = strnlen(s, max + 1);

	if (n > max || (set && !n) || (!set && n))
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct kseal_opts o, o2, zero;
	char *payload = malloc(size ? size : 1);
	char *buf;
	size_t n;

	if (!payload)
		abort();
	memcpy(payload, data, size);
	if (kseal_opts_parse(payload, size, &o)) {
		if (memcmp(&o, &zero, sizeof(o)))
			abort();
		free(payload);
		return 0;
	}
	if (o.verb < KSEAL_VERB_NEW || o.verb > KSEAL_VERB_UPDATE ||
	    (o.verb == KSEAL_VERB_UPDATE) != (o.update != KSEAL_UPD_NONE))
		abort();
	if (o.pcr_mask & ~KSEAL_PCR_MASK_ALL)
		abort();
	if (o.verb == KSEAL_VERB_LOAD &&
	    (o.blob_hex < payload || !o.blob_hex_len ||
	     o.blob_hex + o.blob_hex_len > payload + size))
		abort();
	if (o.verb == KSEAL_VERB_NEW && !(o.present & KSEAL_OPT_WRAP) &&
	    (o.key_len < KSEAL_SEALED_KEY_MIN || !o.pcr_mask ||
	     o.parent < KSEAL_PARENT_MIN || o.parent > KSEAL_PARENT_MAX))
		abort();
	if ((o.present & KSEAL_OPT_LOCK) &&
	    (!(o.pcr_mask & (1U << o.lock_pcr)) ||
	     (KSEAL_PCR_RESETTABLE_MASK & (1U << o.lock_pcr))))
		abort();
	/* A signed selection without the lock PCR, at new only. */
	if ((o.present & KSEAL_OPT_POLICY_KEY) &&
	    (o.verb != KSEAL_VERB_NEW ||
	     !(o.pcr_mask & ~((o.present & KSEAL_OPT_LOCK) ?
			      1U << o.lock_pcr : 0))))
		abort();
	/* a ticket's digest has a hash's size */
	if (!(o.present & KSEAL_OPT_TICKET) != !o.ticket_len ||
	    (o.ticket_len && o.ticket_len != 32 && o.ticket_len != 48 &&
	     o.ticket_len != 64))
		abort();
	/* approved and ticket together, at load, without recovery= */
	if ((o.present & (KSEAL_OPT_APPROVED | KSEAL_OPT_TICKET)) &&
	    (o.verb != KSEAL_VERB_LOAD ||
	     !(o.present & KSEAL_OPT_APPROVED) ||
	     !(o.present & KSEAL_OPT_TICKET) ||
	     (o.present & KSEAL_OPT_RECOVERY)))
		abort();
	check_str(o.recovery, KSEAL_RECOVERY_MAX,
		  o.present & KSEAL_OPT_RECOVERY);
	if (strlen(o.recovery) != o.recovery_len)
		abort();
	check_str(o.wrap, KSEAL_REF_MAX, o.present & KSEAL_OPT_WRAP);
	check_str(o.rewrap, KSEAL_REF_MAX, o.present & KSEAL_OPT_REWRAP);
	check_str(o.logon, KSEAL_LOGON_DESC_MAX, o.present & KSEAL_OPT_LOGON);
	check_str(o.tang_session, KSEAL_TANG_DESC_MAX,
		  o.present & KSEAL_OPT_TANG_SESSION);
	/* Tang: servers with 1 <= T <= N <= 8, answers with their session. */
	if (!(o.present & KSEAL_OPT_TANG) !=
	    (!o.tang_curve && !o.tang_n && !o.tang_answered))
		abort();
	if ((o.present & KSEAL_OPT_TANG) && o.verb != KSEAL_VERB_LOAD &&
	    (!o.tang_n || o.tang_n > KSEAL_TANG_SERVERS_MAX ||
	     !o.tang_threshold || o.tang_threshold > o.tang_n ||
	     o.tang_answered))
		abort();
	if ((o.present & KSEAL_OPT_TANG) && o.verb == KSEAL_VERB_LOAD &&
	    (!o.tang_answered || o.tang_n ||
	     !(o.present & KSEAL_OPT_TANG_SESSION)))
		abort();
	if ((o.present & KSEAL_OPT_TANG_THRESHOLD) &&
	    !(o.present & KSEAL_OPT_TANG))
		abort();

	/* round trip through the canonical form */
	/* Hex is rendered in lowercase: at most as long as the input. */
	buf = malloc(size + 256);
	if (!buf)
		abort();
	n = render(&o, buf);
	if (kseal_opts_parse(buf, n, &o2))
		abort();
	if (o2.verb == KSEAL_VERB_LOAD) {
		if (o2.blob_hex_len != o.blob_hex_len ||
		    memcmp(o2.blob_hex, o.blob_hex, o.blob_hex_len))
			abort();
		o2.blob_hex = o.blob_hex;
	}
	if (memcmp(&o, &o2, sizeof(o)))
		abort();
	kseal_opts_wipe(&o2);
	free(buf);
	free(payload);
	return 0;
}
