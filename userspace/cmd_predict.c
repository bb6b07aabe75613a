// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksealctl policy predict: the sha256 PCR values of the next boot with
 * another kernel, initrd or command line, for signing before the update.
 *
 * The firmware's event log is replayed and must give the PCRs the TPM
 * holds now; then the digests of the events that measured the kernel,
 * initrd and command line are replaced and the log replayed again.
 * Everything else (firmware, Secure Boot state, boot entries) is taken
 * to stay as measured.
 *
 * What Linux 6.1's EFI stub measures (drivers/firmware/efi/libstub/
 * efi-stub-helper.c, efi_measure_tagged_event()): two events of type
 * EV_EVENT_TAG into PCR 9 through EFI_TCG2_PROTOCOL.HashLogExtendEvent,
 * whose event data is a TCG_PCClientTaggedEvent (id u32, size u32, data):
 *  - id 0x8F3B22ED, data "LOADED_IMAGE::LoadOptions\0": the digest is
 *    over the LoadOptions buffer exactly as the loader passed it
 *    (LoadOptionsSize bytes, before any quirk), measured first, in
 *    efi_convert_cmdline(), and only when LoadOptionsSize > 0. The
 *    buffer is UTF-16LE; whether it ends in a NUL is the loader's choice:
 *    OVMF's direct kernel boot and systemd-boot include one, and OVMF
 *    appends " initrd=initrd" when it passes an initrd. --cmdline is
 *    that whole string, and is hashed as UTF-16LE with the NUL.
 *  - id 0x8F3B22EC, data "Linux initrd\0": the digest is over the
 *    initrd's bytes, measured only when the stub got the initrd through
 *    the LINUX_EFI_INITRD_MEDIA_GUID device path (LoadFile2), not with
 *    the initrd= command line option.
 * The firmware measures the kernel itself before starting it: an
 * EV_EFI_BOOT_SERVICES_APPLICATION event in PCR 4 with the image's
 * Authenticode SHA-256 (authenticode.c); the last one in PCR 4 is taken
 * to be the running kernel's.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <openssl/evp.h>

#include "authenticode.h"
#include "eventlog.h"
#include "ksealctl.h"
#include "policy_key.h"
#include "tpm.h"

#define DEFAULT_EVENTLOG "/sys/kernel/security/tpm0/binary_bios_measurements"
#define TAG_INITRD	0x8F3B22ECU
#define TAG_OPTIONS	0x8F3B22EDU
#define KERNEL_MAX	(256U << 20)
#define CMDLINE_MAX	4096

static const char help[] =
"Usage: ksealctl policy predict --kernel FILE [--initrd FILE] [--cmdline STRING]\n"
"                               [--pcrs LIST] [--eventlog FILE] [--pcr-values FILE]\n"
"Print the sha256 PCR values the next boot will have with kernel image FILE\n"
"(and the initrd and command line, if given), as JSON for policy sign.\n"
"  --kernel FILE      the EFI kernel image the firmware will start\n"
"  --initrd FILE      the initrd the EFI stub will load (default: as measured)\n"
"  --cmdline STRING   the whole command line the loader passes (default: as\n"
"                     measured)\n"
"  --pcrs LIST        PCRs to print (default: the default PCR set of create)\n"
"  --eventlog FILE    event log (default " DEFAULT_EVENTLOG ")\n"
"  --pcr-values FILE  'N hex' lines to check the log against instead of the TPM\n";

enum { O_KERNEL = OPT_SUB, O_INITRD, O_CMDLINE, O_EVENTLOG, O_VALUES };

struct predict_args {
	const char *kernel, *initrd, *cmdline, *eventlog, *values;
	uint32_t mask;
};

static int parse(int argc, char **argv, struct predict_args *a)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		PCRS_LONGOPT,
		{ "kernel", required_argument, NULL, O_KERNEL },
		{ "initrd", required_argument, NULL, O_INITRD },
		{ "cmdline", required_argument, NULL, O_CMDLINE },
		{ "eventlog", required_argument, NULL, O_EVENTLOG },
		{ "pcr-values", required_argument, NULL, O_VALUES },
		{ 0 }
	};
	int c, rc;

	*a = (struct predict_args){ .eventlog = DEFAULT_EVENTLOG,
				    .mask = KSEAL_PCR_DEFAULT_MASK };
	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_PCRS:
			if (!pcr_mask_parse(optarg, &a->mask)) {
				kerr("%s: bad --pcrs '%s'; use indexes 0..23 and ranges, e.g. 0,2-4,7",
				     g.cmd, optarg);
				return KX_USAGE;
			}
			break;
		case O_KERNEL:
			a->kernel = optarg;
			break;
		case O_INITRD:
			a->initrd = optarg;
			break;
		case O_CMDLINE:
			a->cmdline = optarg;
			break;
		case O_EVENTLOG:
			a->eventlog = optarg;
			break;
		case O_VALUES:
			a->values = optarg;
			break;
		default:
			if (global_opt(c, optarg, help, &rc) <= 0)
				return rc == KX_OK ? -1 : rc;	/* -1: --help */
		}
	}
	if (optind < argc) {
		kerr("%s: unexpected argument '%s'; run ksealctl %s --help",
		     g.cmd, argv[optind], g.cmd);
		return KX_USAGE;
	}
	if (!a->kernel) {
		kerr("%s: --kernel FILE is required: the kernel image of the next boot",
		     g.cmd);
		return KX_USAGE;
	}
	return KX_OK;
}

/* The whole file, at most @max bytes; NULL after an error line. */
static uint8_t *slurp(const char *path, size_t max, size_t *len,
		      const char *what)
{
	FILE *f = fopen(path, "rbe");
	uint8_t *buf = NULL, *nbuf;
	size_t cap = 0, n;

	*len = 0;
	if (!f) {
		kerr("%s: cannot open %s %s: %s", g.cmd, what, path,
		     strerror(errno));
		return NULL;
	}
	do {
		if (*len == cap) {
			cap = cap ? 2 * cap : 65536;
			if (cap > max + 1)
				cap = max + 1;
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				kerr("%s: out of memory reading %s", g.cmd, path);
				goto bad;
			}
			buf = nbuf;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n && *len <= max);
	if (ferror(f)) {
		kerr("%s: cannot read %s %s: %s", g.cmd, what, path,
		     strerror(errno));
		goto bad;
	}
	if (*len > max) {
		kerr("%s: %s %s is larger than %zu bytes; is it the right file?",
		     g.cmd, what, path, max);
		goto bad;
	}
	fclose(f);
	return buf;
bad:
	fclose(f);
	free(buf);
	return NULL;
}

static int hash_file(const char *path, uint8_t out[32])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	FILE *f = fopen(path, "rbe");
	uint8_t buf[65536];
	int rc = KX_USAGE;
	size_t n;

	if (!f) {
		kerr("%s: cannot open the initrd %s: %s", g.cmd, path,
		     strerror(errno));
		goto out;
	}
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		goto out;
	while ((n = fread(buf, 1, sizeof(buf), f)))
		if (!EVP_DigestUpdate(ctx, buf, n))
			goto out;
	if (ferror(f)) {
		kerr("%s: cannot read the initrd %s: %s", g.cmd, path,
		     strerror(errno));
		goto out;
	}
	if (EVP_DigestFinal_ex(ctx, out, NULL))
		rc = KX_OK;
out:
	if (f)
		fclose(f);
	EVP_MD_CTX_free(ctx);
	return rc;
}

/*
 * sha256 of @s (UTF-8) as UTF-16LE with a terminating NUL: the stub's
 * LoadOptions digest (see the top of this file). False if @s is not
 * valid UTF-8.
 */
static bool options_digest(const char *s, uint8_t out[32])
{
	static uint8_t u16[2 * (2 * CMDLINE_MAX + 1)];
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	unsigned int d;

	while (*p) {
		uint32_t cp;
		int more, i;

		if (*p < 0x80) {
			cp = *p;
			more = 0;
		} else if ((*p & 0xe0) == 0xc0) {
			cp = *p & 0x1f;
			more = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p & 0x0f;
			more = 2;
		} else if ((*p & 0xf8) == 0xf0) {
			cp = *p & 0x07;
			more = 3;
		} else {
			return false;
		}
		p++;
		for (i = 0; i < more; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (*p & 0x3f);
		}
		/* overlong forms, surrogates and beyond Unicode */
		if ((more == 1 && cp < 0x80) || (more == 2 && cp < 0x800) ||
		    (more == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u16[n++] = (uint8_t)((0xd800 | cp >> 10) & 0xff);
			u16[n++] = (uint8_t)((0xd800 | cp >> 10) >> 8);
			cp = 0xdc00 | (cp & 0x3ff);
		}
		u16[n++] = (uint8_t)(cp & 0xff);
		u16[n++] = (uint8_t)(cp >> 8);
	}
	u16[n++] = 0;
	u16[n++] = 0;
	return EVP_Digest(u16, n, out, &d, EVP_sha256(), NULL);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/*
 * The one EV_EVENT_TAG event in PCR 9 with tagged event id @id; NULL
 * after an error line when there is none or more than one.
 */
static struct tcg_event *tagged(struct tcg_log *log, uint32_t id,
				const char *what, const char *opt)
{
	struct tcg_event *found = NULL;
	size_t i, n = 0;

	for (i = 0; i < log->n; i++) {
		struct tcg_event *e = &log->ev[i];

		/* TCG_PCClientTaggedEvent: id, size, exactly size bytes */
		if (e->pcr != 9 || e->type != EV_EVENT_TAG ||
		    e->data_len < 8 || le32(e->data) != id ||
		    le32(e->data + 4) != e->data_len - 8)
			continue;
		found = e;
		n++;
	}
	if (n == 1)
		return found;
	if (!n)
		kerr("%s: the event log has no '%s' event (EV_EVENT_TAG 0x%08X in PCR 9) to replace for %s; the running kernel's EFI stub did not measure it, so the next boot's PCR 9 cannot be predicted from this log",
		     g.cmd, what, id, opt);
	else
		kerr("%s: the event log has %zu '%s' events (EV_EVENT_TAG 0x%08X in PCR 9); cannot tell which one %s replaces",
		     g.cmd, n, what, id, opt);
	return NULL;
}

static struct tcg_event *kernel_event(struct tcg_log *log)
{
	size_t i;

	for (i = log->n; i-- > 0;)
		if (log->ev[i].pcr == 4 &&
		    log->ev[i].type == EV_EFI_BOOT_SERVICES_APPLICATION)
			return &log->ev[i];
	kerr("%s: the event log has no EV_EFI_BOOT_SERVICES_APPLICATION event in PCR 4 to replace for --kernel; the firmware did not measure the image it started",
	     g.cmd);
	return NULL;
}

static void replace(struct tcg_event *e, const uint8_t d[32],
		    const char *what)
{
	char old[65], new[65];

	hex_encode(e->sha256, 32, old);
	hex_encode(d, 32, new);
	kverbose("%s: %s: PCR %u event at offset %zu: %s -> %s", g.cmd, what,
		 e->pcr, e->offset, old, new);
	memcpy(e->sha256, d, 32);
}

/* --pcr-values: "N hex" lines, each PCR at most once, all of @need. */
static int read_values(const char *path, uint32_t need,
		       uint8_t pcr[TCG_PCRS][32])
{
	FILE *f = fopen(path, "re");
	uint32_t have = 0;
	char line[256];
	int lineno = 0, i;

	if (!f) {
		kerr("%s: cannot open %s: %s", g.cmd, path, strerror(errno));
		return KX_USAGE;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;
		long n;

		lineno++;
		if (strspn(line, " \t\n") == strlen(line))
			continue;
		errno = 0;
		n = strtol(p, &end, 10);
		if (errno || end == p || n < 0 || n >= TCG_PCRS || !strchr(" \t", *end) || !*end ||
		    have & 1U << n)
			goto bad;
		p = end + strspn(end, " \t");
		if (strlen(p) < 64 || strspn(p + 64, " \t\n") != strlen(p + 64))
			goto bad;
		p[64] = '\0';
		if (!hex_decode_exact(p, pcr[n], 32))
			goto bad;
		have |= 1U << n;
	}
	fclose(f);
	for (i = 0; i < TCG_PCRS; i++) {
		if (need & ~have & 1U << i) {
			kerr("%s: %s has no value for PCR %d", g.cmd, path, i);
			return KX_USAGE;
		}
	}
	return KX_OK;
bad:
	fclose(f);
	kerr("%s: %s line %d: expected 'N HEX' with a PCR 0..23 (each once) and 64 hex digits",
	     g.cmd, path, lineno);
	return KX_USAGE;
}

static int read_tpm(uint32_t mask, uint8_t pcr[TCG_PCRS][32])
{
	struct tpm *t;
	int rc;

	rc = tpm_open(&t, g.tcti);
	if (rc)
		return rc;
	rc = tpm_pcr_read(t, mask, pcr);
	tpm_close(t);
	return rc;
}

/* The replay must give the PCRs as they are: else its edit means nothing. */
static int check_replay(const struct predict_args *a,
			uint8_t replay[TCG_PCRS][32], uint8_t now[TCG_PCRS][32])
{
	char want[65], have[65];
	int i, rc = KX_OK;

	for (i = 0; i < TCG_PCRS; i++) {
		if (!(a->mask & 1U << i) || !memcmp(replay[i], now[i], 32))
			continue;
		hex_encode(replay[i], 32, want);
		hex_encode(now[i], 32, have);
		kerr("%s: PCR %d: the event log replays to %s but %s holds %s; something extended it that the log does not show (IMA's PCR 10, a lock PCR, a measurement after boot): leave PCR %d out of --pcrs",
		     g.cmd, i, want, a->values ? a->values : "the TPM", have,
		     i);
		rc = KX_REFUSED;
	}
	return rc;
}

static int print_json(uint32_t mask, uint8_t pcr[TCG_PCRS][32])
{
	json_object *root = json_object_new_object();
	json_object *arr = json_object_new_array();
	char hex[65];
	int i;

	json_object_object_add(root, "sha256", arr);
	for (i = 0; i < TCG_PCRS; i++) {
		json_object *o;

		if (!(mask & 1U << i))
			continue;
		o = json_object_new_object();
		hex_encode(pcr[i], 32, hex);
		json_object_object_add(o, "pcr", json_object_new_int(i));
		json_object_object_add(o, "hash", json_object_new_string(hex));
		json_object_array_add(arr, o);
	}
	puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	return fflush(stdout) ? KX_USAGE : KX_OK;
}

/* The digests of the next boot's parts, each replacing its event's. */
static int substitute(const struct predict_args *a, struct tcg_log *log)
{
	struct tcg_event *ek, *ei = NULL, *eo = NULL;
	uint8_t dk[32], di[32], dopt[32];
	const char *why;
	uint8_t *img;
	size_t len;
	int rc;

	img = slurp(a->kernel, KERNEL_MAX, &len, "the kernel image");
	if (!img)
		return KX_USAGE;
	if (!authenticode_sha256(img, len, dk, &why)) {
		kerr("%s: %s is not a PE/COFF (EFI) image: %s; give the kernel's EFI image (vmlinuz with the EFI stub)",
		     g.cmd, a->kernel, why);
		free(img);
		return KX_USAGE;
	}
	free(img);
	if (a->initrd) {
		rc = hash_file(a->initrd, di);
		if (rc)
			return rc;
	}
	if (a->cmdline && (strlen(a->cmdline) > CMDLINE_MAX ||
			   !options_digest(a->cmdline, dopt))) {
		kerr("%s: --cmdline must be UTF-8 text of at most %d bytes",
		     g.cmd, CMDLINE_MAX);
		return KX_USAGE;
	}
	ek = kernel_event(log);
	if (a->initrd)
		ei = tagged(log, TAG_INITRD, "Linux initrd", "--initrd");
	if (a->cmdline)
		eo = tagged(log, TAG_OPTIONS, "LOADED_IMAGE::LoadOptions",
			    "--cmdline");
	if (!ek || (a->initrd && !ei) || (a->cmdline && !eo))
		return KX_REFUSED;
	replace(ek, dk, "kernel");
	if (ei)
		replace(ei, di, "initrd");
	if (eo)
		replace(eo, dopt, "command line");
	return KX_OK;
}

int cmd_policy_predict(int argc, char **argv)
{
	uint8_t replay[TCG_PCRS][32], now[TCG_PCRS][32];
	struct predict_args a;
	struct tcg_log log;
	uint8_t *buf;
	char err[256];
	size_t len;
	int rc;

	rc = parse(argc, argv, &a);
	if (rc)
		return rc < 0 ? KX_OK : rc;
	buf = slurp(a.eventlog, TCG_LOG_MAX_SIZE, &len, "the event log");
	if (!buf)
		return strcmp(a.eventlog, DEFAULT_EVENTLOG) ? KX_USAGE :
							      KX_KERNEL;
	if (!tcg_log_parse(buf, len, &log, err, sizeof(err))) {
		kerr("%s: %s: %s", g.cmd, a.eventlog, err);
		free(buf);
		return KX_REFUSED;
	}
	/* the log as measured, before substitute() edits it */
	tcg_log_replay(&log, replay);
	rc = substitute(&a, &log);
	if (!rc)
		rc = a.values ? read_values(a.values, a.mask, now) :
				read_tpm(a.mask, now);
	if (!rc)
		rc = check_replay(&a, replay, now);
	if (!rc) {
		tcg_log_replay(&log, replay);
		rc = print_json(a.mask, replay);
	}
	tcg_log_free(&log);
	free(buf);
	return rc;
}
