// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parser of the keyctl payload (grammar in kseal_options.h). The payload
 * comes straight from add_key/keyctl update: it is not NUL-terminated, may
 * hold anything, and is never written to.
 */
#include "kseal_hex.h"
#include "kseal_options.h"
#include "kseal_tang.h"

struct kseal_tok {
	const char *p;
	size_t n;
};

static bool kseal_tok_is(const struct kseal_tok *t, const char *s)
{
	size_t n = strlen(s);

	return t->n == n && !memcmp(t->p, s, n);
}

/*
 * Take the next space-separated token. An empty token (leading, doubled or
 * trailing space) and any byte outside printable ASCII fail.
 */
static int kseal_next_tok(struct kseal_tok *rest, struct kseal_tok *t)
{
	size_t i;

	t->p = rest->p;
	for (i = 0; i < rest->n && rest->p[i] != ' '; i++)
		if (rest->p[i] < 0x21 || rest->p[i] > 0x7e)
			return -EINVAL;
	if (!i)
		return -EINVAL;
	t->n = i;
	if (i < rest->n) {
		i++;	/* the separator */
		if (i == rest->n)
			return -EINVAL;	/* trailing space */
	}
	rest->p += i;
	rest->n -= i;
	return 0;
}

/* Decimal without sign or leading zeros, at most @max. */
static int kseal_parse_dec(const char *p, size_t n, u32 max, u32 *v)
{
	u64 acc = 0;
	size_t i;

	if (!n || n > 10 || (n > 1 && p[0] == '0'))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -EINVAL;
		acc = acc * 10 + (u64)(p[i] - '0');
	}
	if (acc > max)
		return -EINVAL;
	*v = (u32)acc;
	return 0;
}

static int kseal_parse_parent(const char *p, size_t n, u32 *v)
{
	u32 acc = 0;
	size_t i;

	if (n < 3 || n > 10 || p[0] != '0' || p[1] != 'x')
		return -EINVAL;
	for (i = 2; i < n; i++) {
		int d = kseal_hex_digit(p[i]);

		if (d < 0)
			return -EINVAL;
		acc = (acc << 4) | (u32)d;
	}
	if (acc < KSEAL_PARENT_MIN || acc > KSEAL_PARENT_MAX)
		return -EINVAL;
	*v = acc;
	return 0;
}

/* "0,2-4,7": indexes and ranges a-b (a < b), each PCR at most once. */
static int kseal_parse_pcrs(const char *p, size_t n, u32 *mask)
{
	const char *end = p + n;
	u32 m = 0;

	if (!n)
		return -EINVAL;
	while (p < end) {
		const char *item = p, *dash = NULL;
		u32 lo, hi, bits;

		while (p < end && *p != ',') {
			if (*p == '-' && !dash)
				dash = p;
			p++;
		}
		if (dash) {
			if (kseal_parse_dec(item, dash - item,
					    KSEAL_PCR_COUNT - 1, &lo) ||
			    kseal_parse_dec(dash + 1, p - dash - 1,
					    KSEAL_PCR_COUNT - 1, &hi) ||
			    lo >= hi)
				return -EINVAL;
		} else {
			if (kseal_parse_dec(item, p - item,
					    KSEAL_PCR_COUNT - 1, &lo))
				return -EINVAL;
			hi = lo;
		}
		bits = ((2U << hi) - 1) & ~((1U << lo) - 1);
		if (m & bits)
			return -EINVAL;
		m |= bits;
		if (p < end) {
			p++;	/* the comma; one must follow an item */
			if (p == end)
				return -EINVAL;
		}
	}
	*mask = m;
	return 0;
}

/* Copy a string value of 1..@max bytes (already printable, no space). */
static int kseal_copy_str(const char *p, size_t n, char *dst, size_t max)
{
	if (!n || n > max)
		return -EINVAL;
	memcpy(dst, p, n);
	dst[n] = '\0';
	return 0;
}

static int kseal_parse_blob_hex(const struct kseal_tok *t,
				struct kseal_opts *o)
{
	size_t i;

	if ((t->n & 1) || t->n / 2 > KSEAL_BLOB_MAX)
		return -EINVAL;
	for (i = 0; i < t->n; i++)
		if (kseal_hex_digit(t->p[i]) < 0)
			return -EINVAL;
	o->blob_hex = t->p;
	o->blob_hex_len = t->n;
	return 0;
}

/* A sha256 TPM Name: the algorithm 000b, then the 32-byte digest. */
static int kseal_parse_name(const char *p, size_t n, u8 *name)
{
	if (n != 2 * KSEAL_NAME_MAX ||
	    kseal_hex_decode(p, n, name, KSEAL_NAME_MAX) != KSEAL_NAME_MAX ||
	    get_unaligned_be16(name) != KSEAL_TPM_ALG_SHA256)
		return -EINVAL;
	return 0;
}

/* Exactly 2 * @size hex digits. */
static int kseal_parse_hex_fixed(const char *p, size_t n, u8 *out,
				 size_t size)
{
	if (n != 2 * size || kseal_hex_decode(p, n, out, size) != (int)size)
		return -EINVAL;
	return 0;
}

/*
 * A verification ticket as Tss2_MU_TPMT_TK_VERIFIED_Marshal writes it,
 * its digest of a sha256, sha384 or sha512 size. A null ticket (hierarchy
 * TPM_RH_NULL, empty digest) cannot authorise a policy and is refused.
 */
static int kseal_parse_ticket(const char *p, size_t n, struct kseal_opts *o)
{
	u8 t[KSEAL_TICKET_MAX];
	size_t size = n / 2;
	u16 len;
	int ret = -EINVAL;

	if (n & 1 || size < 8 || size > sizeof(t) ||
	    kseal_hex_decode(p, n, t, size) != (int)size)
		goto out;
	len = get_unaligned_be16(t + 6);
	if (get_unaligned_be16(t) != KSEAL_TICKET_TAG || len != size - 8 ||
	    (len != 32 && len != 48 && len != 64))
		goto out;
	o->ticket_hierarchy = get_unaligned_be32(t + 2);
	o->ticket_len = len;
	memcpy(o->ticket_digest, t + 8, len);
	ret = 0;
out:
	memzero_explicit(t, sizeof(t));
	return ret;
}

/* A point x || y of P-256 or P-384, of the curve of the ones before. */
static int kseal_parse_point(const char *p, size_t n, struct kseal_opts *o,
			     u8 *out)
{
	u8 curve = kseal_tang_curve_of(n / 2);

	if (n & 1 || !curve || (o->tang_curve && o->tang_curve != curve) ||
	    kseal_hex_decode(p, n, out, KSEAL_TANG_POINT_MAX) != (int)(n / 2))
		return -EINVAL;
	o->tang_curve = curve;
	return 0;
}

/*
 * tang=: at load "<i>:<point>", server i's answer; elsewhere a server's
 * exchange key, in server order.
 */
static int kseal_parse_tang(const char *v, size_t vn, struct kseal_opts *o)
{
	const char *colon;
	u32 i;

	if (o->verb != KSEAL_VERB_LOAD) {
		if (o->tang_n >= KSEAL_TANG_SERVERS_MAX ||
		    kseal_parse_point(v, vn, o, o->tang_point[o->tang_n]))
			return -EINVAL;
		o->tang_n++;
		return 0;
	}
	colon = memchr(v, ':', vn);
	if (!colon ||
	    kseal_parse_dec(v, colon - v, KSEAL_TANG_SERVERS_MAX, &i) || !i ||
	    (o->tang_answered & (1U << (i - 1))))
		return -EINVAL;
	colon++;
	if (kseal_parse_point(colon, v + vn - colon, o, o->tang_point[i - 1]))
		return -EINVAL;
	o->tang_answered |= 1U << (i - 1);
	return 0;
}

/* Parse one name=value option if it is in @allowed. */
static int kseal_parse_opt(const struct kseal_tok *t, u32 allowed,
			   struct kseal_opts *o)
{
	const char *eq = memchr(t->p, '=', t->n);
	struct kseal_tok name;
	const char *v;
	size_t vn;
	u32 bit, n32;
	int ret;

	if (!eq)
		return -EINVAL;
	name.p = t->p;
	name.n = eq - t->p;
	v = eq + 1;
	vn = t->n - name.n - 1;

	if (kseal_tok_is(&name, "pcrs"))
		bit = KSEAL_OPT_PCRS;
	else if (kseal_tok_is(&name, "parent"))
		bit = KSEAL_OPT_PARENT;
	else if (kseal_tok_is(&name, "parent_name"))
		bit = KSEAL_OPT_PARENT_NAME;
	else if (kseal_tok_is(&name, "recovery"))
		bit = KSEAL_OPT_RECOVERY;
	else if (kseal_tok_is(&name, "lock"))
		bit = KSEAL_OPT_LOCK;
	else if (kseal_tok_is(&name, "wrap"))
		bit = KSEAL_OPT_WRAP;
	else if (kseal_tok_is(&name, "logon"))
		bit = KSEAL_OPT_LOGON;
	else if (kseal_tok_is(&name, "policy_key"))
		bit = KSEAL_OPT_POLICY_KEY;
	else if (kseal_tok_is(&name, "approved"))
		bit = KSEAL_OPT_APPROVED;
	else if (kseal_tok_is(&name, "ticket"))
		bit = KSEAL_OPT_TICKET;
	else if (kseal_tok_is(&name, "tang"))
		bit = KSEAL_OPT_TANG;
	else if (kseal_tok_is(&name, "tang_threshold"))
		bit = KSEAL_OPT_TANG_THRESHOLD;
	else if (kseal_tok_is(&name, "tang_session"))
		bit = KSEAL_OPT_TANG_SESSION;
	else
		return -EINVAL;
	/* tang= is the one option that repeats: one per server. */
	if (!(bit & allowed) || (o->present & bit & ~KSEAL_OPT_TANG))
		return -EINVAL;
	o->present |= bit;

	switch (bit) {
	case KSEAL_OPT_PCRS:
		return kseal_parse_pcrs(v, vn, &o->pcr_mask);
	case KSEAL_OPT_PARENT:
		return kseal_parse_parent(v, vn, &o->parent);
	case KSEAL_OPT_PARENT_NAME:
		return kseal_parse_name(v, vn, o->parent_name);
	case KSEAL_OPT_RECOVERY:
		ret = kseal_copy_str(v, vn, o->recovery, KSEAL_RECOVERY_MAX);
		if (ret)
			return ret;
		o->recovery_len = vn;
		return 0;
	case KSEAL_OPT_LOCK:
		ret = kseal_parse_dec(v, vn, KSEAL_PCR_COUNT - 1, &o->lock_pcr);
		if (ret)
			return ret;
		if (KSEAL_PCR_RESETTABLE_MASK & (1U << o->lock_pcr))
			return -EINVAL;
		return 0;
	case KSEAL_OPT_WRAP:
		return kseal_copy_str(v, vn, o->wrap, KSEAL_REF_MAX);
	case KSEAL_OPT_POLICY_KEY:
		return kseal_parse_name(v, vn, o->policy_key);
	case KSEAL_OPT_APPROVED:
		return kseal_parse_hex_fixed(v, vn, o->approved,
					     KSEAL_DIGEST_SIZE);
	case KSEAL_OPT_TICKET:
		return kseal_parse_ticket(v, vn, o);
	case KSEAL_OPT_TANG:
		return kseal_parse_tang(v, vn, o);
	case KSEAL_OPT_TANG_THRESHOLD:
		ret = kseal_parse_dec(v, vn, KSEAL_TANG_SERVERS_MAX, &n32);
		if (ret || !n32)
			return -EINVAL;
		o->tang_threshold = (u8)n32;
		return 0;
	case KSEAL_OPT_TANG_SESSION:
		return kseal_copy_str(v, vn, o->tang_session,
				      KSEAL_TANG_DESC_MAX);
	default:
		/* logon keys need a qualified "subsystem:name" description */
		if (!vn || v[0] == ':' || !memchr(v, ':', vn))
			return -EINVAL;
		return kseal_copy_str(v, vn, o->logon, KSEAL_LOGON_DESC_MAX);
	}
}

/* The second token of "update". */
static int kseal_parse_update(const struct kseal_tok *t, struct kseal_opts *o)
{
	static const size_t pfx = sizeof("retire=") - 1;
	const char *v;
	size_t vn;

	if (kseal_tok_is(t, "reseal")) {
		o->update = KSEAL_UPD_RESEAL;
		return 0;
	}
	if (kseal_tok_is(t, "rotate")) {
		o->update = KSEAL_UPD_ROTATE;
		return 0;
	}
	if (t->n <= pfx)
		return -EINVAL;
	v = t->p + pfx;
	vn = t->n - pfx;
	if (!memcmp(t->p, "retire=", pfx)) {
		o->update = KSEAL_UPD_RETIRE;
		o->present |= KSEAL_OPT_RETIRE;
		if (kseal_parse_dec(v, vn, 0xffffffffU, &o->retire) ||
		    !o->retire)
			return -EINVAL;
		return 0;
	}
	if (!memcmp(t->p, "rewrap=", pfx)) {
		o->update = KSEAL_UPD_REWRAP;
		o->present |= KSEAL_OPT_REWRAP;
		return kseal_copy_str(v, vn, o->rewrap, KSEAL_REF_MAX);
	}
	return -EINVAL;
}

#define KSEAL_OPT_TANG_BIND	(KSEAL_OPT_TANG | KSEAL_OPT_TANG_THRESHOLD)
#define KSEAL_SEALED_NEW_OPTS (KSEAL_OPT_PCRS | KSEAL_OPT_PARENT | \
			       KSEAL_OPT_PARENT_NAME | KSEAL_OPT_RECOVERY | \
			       KSEAL_OPT_LOCK | KSEAL_OPT_POLICY_KEY | \
			       KSEAL_OPT_TANG_BIND)
#define KSEAL_OPT_SIGNED	(KSEAL_OPT_APPROVED | KSEAL_OPT_TICKET)

/*
 * A signed selection: without the lock PCR (its step follows the signed
 * part, blob.h) and not empty without it.
 */
static int kseal_check_signed_new(const struct kseal_opts *o)
{
	u32 lock_bit = (o->present & KSEAL_OPT_LOCK) ? 1U << o->lock_pcr : 0;

	if (o->pcr_mask & lock_bit)
		return -EINVAL;
	if (!(o->pcr_mask & ~lock_bit))
		return -EINVAL;
	return 0;
}

/* Servers to bind to: a threshold needs them, and at most N of them. */
static int kseal_check_tang_bind(struct kseal_opts *o)
{
	if (!(o->present & KSEAL_OPT_TANG))
		return (o->present & KSEAL_OPT_TANG_THRESHOLD) ? -EINVAL : 0;
	if (!(o->present & KSEAL_OPT_TANG_THRESHOLD))
		o->tang_threshold = o->tang_n;
	return o->tang_threshold > o->tang_n ? -EINVAL : 0;
}

static int kseal_opts_do_parse(const char *payload, size_t len,
			       struct kseal_opts *o)
{
	struct kseal_tok rest, verb, arg, t;
	u32 allowed;
	int ret;

	if (!payload || !len || memchr(payload, '\0', len))
		return -EINVAL;
	if (payload[len - 1] == '\n')
		len--;
	rest.p = payload;
	rest.n = len;
	if (!len || kseal_next_tok(&rest, &verb) ||
	    kseal_next_tok(&rest, &arg))
		return -EINVAL;

	if (kseal_tok_is(&verb, "new")) {
		o->verb = KSEAL_VERB_NEW;
		ret = kseal_parse_dec(arg.p, arg.n, KSEAL_SEALED_KEY_MAX,
				      &o->key_len);
		allowed = KSEAL_SEALED_NEW_OPTS | KSEAL_OPT_WRAP |
			  KSEAL_OPT_LOGON;
	} else if (kseal_tok_is(&verb, "load")) {
		o->verb = KSEAL_VERB_LOAD;
		ret = kseal_parse_blob_hex(&arg, o);
		allowed = KSEAL_OPT_RECOVERY | KSEAL_OPT_LOGON |
			  KSEAL_OPT_SIGNED | KSEAL_OPT_TANG |
			  KSEAL_OPT_TANG_SESSION;
	} else if (kseal_tok_is(&verb, "update")) {
		o->verb = KSEAL_VERB_UPDATE;
		ret = kseal_parse_update(&arg, o);
		allowed = o->update == KSEAL_UPD_RESEAL ?
			  KSEAL_OPT_PCRS | KSEAL_OPT_RECOVERY |
			  KSEAL_OPT_TANG_BIND : 0;
	} else {
		return -EINVAL;
	}
	if (ret)
		return ret;

	while (rest.n) {
		ret = kseal_next_tok(&rest, &t);
		if (ret)
			return ret;
		ret = kseal_parse_opt(&t, allowed, o);
		if (ret)
			return ret;
	}

	switch (o->verb) {
	case KSEAL_VERB_NEW:
		if (o->present & KSEAL_OPT_WRAP) {
			/* data key: its policy is the wrapping key's */
			if ((o->present & KSEAL_SEALED_NEW_OPTS) ||
			    o->key_len < KSEAL_DATA_KEY_MIN ||
			    o->key_len > KSEAL_DATA_KEY_MAX)
				return -EINVAL;
			break;
		}
		if ((o->present & KSEAL_OPT_LOGON) ||
		    o->key_len < KSEAL_SEALED_KEY_MIN)
			return -EINVAL;
		if (!(o->present & KSEAL_OPT_PCRS))
			o->pcr_mask = KSEAL_PCR_DEFAULT_MASK;
		if ((o->present & KSEAL_OPT_POLICY_KEY) &&
		    kseal_check_signed_new(o))
			return -EINVAL;
		if (o->present & KSEAL_OPT_LOCK)
			o->pcr_mask |= 1U << o->lock_pcr;
		if (!(o->present & KSEAL_OPT_PARENT))
			o->parent = KSEAL_PARENT_DEFAULT;
		return kseal_check_tang_bind(o);
	case KSEAL_VERB_LOAD:
		/* recovery and Tang are for sealed blobs, logon for data blobs */
		if ((o->present & KSEAL_OPT_LOGON) &&
		    (o->present & (KSEAL_OPT_RECOVERY | KSEAL_OPT_TANG |
				   KSEAL_OPT_TANG_SESSION)))
			return -EINVAL;
		/* Answers answer the session's points: no session, no use. */
		if ((o->present & KSEAL_OPT_TANG) &&
		    !(o->present & KSEAL_OPT_TANG_SESSION))
			return -EINVAL;
		/* A signed policy: both parts, for a sealed blob, alone. */
		if (!(o->present & KSEAL_OPT_SIGNED))
			break;
		if ((o->present & KSEAL_OPT_SIGNED) != KSEAL_OPT_SIGNED ||
		    (o->present & (KSEAL_OPT_RECOVERY | KSEAL_OPT_LOGON)))
			return -EINVAL;
		break;
	default:
		return kseal_check_tang_bind(o);
	}
	return 0;
}

int kseal_opts_parse(const char *payload, size_t len, struct kseal_opts *o)
{
	int ret;

	memset(o, 0, sizeof(*o));
	ret = kseal_opts_do_parse(payload, len, o);
	if (ret)
		kseal_opts_wipe(o);
	return ret;
}

void kseal_opts_wipe(struct kseal_opts *o)
{
	memzero_explicit(o, sizeof(*o));
}
