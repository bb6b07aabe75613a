/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ksealctl: shared definitions of the admin helper.
 */
#ifndef KSEALCTL_H
#define KSEALCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kseal/limits.h>

/* Stable exit codes; documented in ksealctl(8). */
enum {
	KX_OK = 0,
	KX_USAGE = 1,		/* bad command line */
	KX_PARTIAL = 2,		/* some keys failed, others worked */
	KX_TPM = 3,		/* TPM missing or a TPM command failed */
	KX_KERNEL = 4,		/* keyctl, module or sysfs failure */
	KX_STATE = 5,		/* state directory unreadable or unwritable */
	KX_WARN = 6,		/* status found at least one WARN */
	KX_REFUSED = 7,		/* needs --force or --yes */
};

#define KSEAL_KEY_TYPE		"kseal"
#define KSEAL_DEFAULT_STATE	"/var/lib/kseal"
#define KSEAL_DEFAULT_KEYRING	"kseal"
#define KSEAL_DEFAULT_TCTI	"device:/dev/tpmrm0"
#define KSEAL_DEFAULT_CONF	"/etc/kseal/kseal.conf"
#define KSEAL_SYSFS		"/sys/kernel/kseal"

/* Boot: seconds to wait for a recovery passphrase (RECOVERY_TIMEOUT). */
#define KSEAL_DEFAULT_RECOVERY_TIMEOUT	90
#define KSEAL_DEFAULT_ASK_PASSWORD	"systemd-ask-password"
/*
 * Key names of the state directory: file names there and descriptions of
 * the keys in the keyring. Not KSEAL_NAME_MAX, the size of a TPM object
 * Name in a blob.
 */
#define KSEAL_KEY_NAME_MAX	64

struct ctx {
	const char *state_dir;
	const char *keyring;
	const char *tcti;
	const char *conf;
	bool json;
	int verbose;		/* -1 quiet, 0 normal, 1+ verbose */
	char **argv;		/* of the getopt loop running now */
	const char *cmd;	/* subcommand name, "" before it */
};

extern struct ctx g;

/* Messages: one line each; errors go to stderr. */
void kerr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kinfo(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kverbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Validation of user input, before it reaches the kernel. */
bool valid_name(const char *name);
bool valid_pcr_list(const char *list);
bool valid_logon_desc(const char *desc);
int parse_int(const char *s, long min, long max, long *out);

/* Passphrases: never from argv. Caller wipes and frees. */
char *read_passphrase(const char *prompt, int fd);
bool valid_passphrase(const char *pass);
void free_secret(char *s);
/* @n bytes as 2 * @n lowercase hex digits and a NUL, into @out. */
void hex_encode(const uint8_t *b, size_t n, char *out);
/* "4,7,9" for a PCR mask (ascending, no ranges), "" for none. */
void pcr_mask_format(uint32_t mask, char *out, size_t len);
/* Strict lowercase or uppercase hex of exactly @n bytes into @out. */
bool hex_decode_exact(const char *h, uint8_t *out, size_t n);

/* KEY=VALUE configuration file; returns malloc'd value or NULL. */
char *conf_get(const char *path, const char *key);

/* Subcommands. */
int cmd_provision(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_rotate(int argc, char **argv);
int cmd_reseal(int argc, char **argv);
int cmd_lock(int argc, char **argv);
int cmd_shred(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_boot(int argc, char **argv);
int cmd_volume(int argc, char **argv);
/* policy predict, with argv[0] "predict" */
int cmd_policy_predict(int argc, char **argv);
int cmd_policy(int argc, char **argv);

/*
 * Extends every lock PCR: LOCK_PCR of the configuration and the lock PCR
 * of every key file in every generation of the state directory, read
 * leniently so that no damaged or unknown file, and no failure to read
 * the state, leaves a PCR unlocked. Returns a KX_* code; with @ifconf, no
 * lock PCR at all is success.
 */
int lock_all(bool ifconf);

/*
 * The header of a sealed blob given as hex: its flags and, with
 * KSEAL_BLOB_F_LOCK, its lock PCR (else -1). False if it is not one.
 */
bool sealed_blob_header(const char *hex, uint32_t *flags, int *lock_pcr);
/* The PCRs a sealed blob's policy binds, its lock PCR left out. */
bool sealed_blob_pcrs(const char *hex, uint32_t *mask);
/*
 * A sealed blob with the recovery branch of policy generation 1, which
 * unseals with the passphrase even after the lock.
 */
bool blob_legacy_recovery(const char *hex);
struct kkey;
/* A sealed blob under signed PCR policies (KSEAL_BLOB_F_AUTHORIZE). */
bool blob_authorize(const char *hex);
/*
 * For a sealed key under signed policies: " approved=<hex> ticket=<hex>"
 * into @opts for the installed signed state (STATE/policy/) that equals
 * the current PCR values, or an empty string for other keys. KX_REFUSED
 * (errno EKEYREJECTED) after one line naming the PCRs that differ from
 * the closest signed state, other KX_* codes after their line.
 */
int policy_approval(const char *dir, const struct kkey *k, char *opts,
		    size_t len);
/*
 * For status: how many installed signed states cover @k's selection and
 * whether one is the current PCR state. KX_* code after its line.
 */
int policy_signed_state(const char *dir, const struct kkey *k, size_t *n,
			bool *current);

/*
 * Options every subcommand accepts after its name as well; the codes are
 * above the ASCII range so they never clash with short options.
 */
enum {
	OPT_STATE_DIR = 0x100, OPT_KEYRING, OPT_TCTI, OPT_CONF, OPT_JSON,
	OPT_HELP, OPT_VERSION,
	OPT_PCRS, OPT_RECOVERY, OPT_RECOVERY_FD,	/* struct seal_opts */
	OPT_TANG, OPT_TANG_THP, OPT_TANG_THRESHOLD,	/* struct tang_args */
	OPT_SUB,		/* first code free for subcommand options */
};

#define GLOBAL_LONGOPTS \
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR }, \
	{ "keyring", required_argument, NULL, OPT_KEYRING }, \
	{ "tcti", required_argument, NULL, OPT_TCTI }, \
	{ "conf", required_argument, NULL, OPT_CONF }, \
	{ "json", no_argument, NULL, OPT_JSON }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, OPT_VERSION }

/*
 * Handles a global option seen by a subcommand's getopt loop, in the
 * default branch of its switch. Returns 1 when handled; else the command
 * must stop with *rc: -1 when help or the version was printed (rc 0) or
 * the option is bad (rc 1, error printed), 0 when @c is no global option
 * (rc 1). Every subcommand writes:
 *	if (global_opt(c, optarg, help, &rc) <= 0)
 *		return rc;
 */
int global_opt(int c, const char *arg, const char *help, int *rc);

/*
 * --pcrs LIST, --recovery and --recovery-fd FD of the commands that seal
 * or unseal (create, load, rotate, reseal); each command lists the ones it
 * takes in its option table.
 */
#define PCRS_LONGOPT \
	{ "pcrs", required_argument, NULL, OPT_PCRS }
#define RECOVERY_LONGOPTS \
	{ "recovery", no_argument, NULL, OPT_RECOVERY }, \
	{ "recovery-fd", required_argument, NULL, OPT_RECOVERY_FD }

struct seal_opts {
	const char *pcrs;	/* NULL: not given */
	bool recovery;		/* a recovery passphrase is to be read */
	int recovery_fd;	/* from this descriptor; -1: the terminal */
};

#define SEAL_OPTS_INIT { .pcrs = NULL, .recovery = false, .recovery_fd = -1 }

/*
 * Takes @arg of option @c, one of OPT_PCRS, OPT_RECOVERY and
 * OPT_RECOVERY_FD, into @o. KX_USAGE after an error line naming the
 * subcommand when the value is bad, else KX_OK.
 */
int seal_opt(int c, const char *arg, struct seal_opts *o);

/* Keyring helpers shared by the key commands (keyops.c). */
struct kstate;
struct kkey;
int32_t kring(bool create);
int32_t key_loaded(int32_t ring, const char *name);
const char *load_advice(int err);
const char *request_advice(int err);
const char *new_sealed_advice(int err);
/*
 * Loads @k; a sealed key under signed policies without @pass gets the
 * approval of policy_approval. -1 with errno on failure; *reported is
 * then the KX_* code of a failure already explained on its own line
 * (KX_REFUSED with errno EKEYREJECTED: no signed policy matches), else 0.
 */
int32_t load_one(int32_t ring, const struct kkey *k, const char *pass,
		 int *reported);
/* Link a data key's logon key from the session keyring into @ring. */
void link_logon(int32_t ring, const char *name, const char *desc);
bool logon_session_ok(const char *name, const char *logon);
int ensure_loaded(struct kstate *st, int32_t ring, const char *name,
		  const char *pass, int32_t *serial);
char *key_read_blob(int32_t serial);
/* @parent_name: the pinned parent's Name in hex (pinned_parent_name). */
char *sealed_new_payload(const struct kkey *k, const char *parent_name,
			 const char *pass, const char *tang);
/*
 * The parent Name provision recorded for this TPM, in hex, for a new
 * sealed key; KX_REFUSED with one line naming @what when there is none.
 */
int pinned_parent_name(const char *dir, const char *what, char hex[69]);
/* KX_REFUSED when a new sealed blob names another parent than provision's. */
int check_blob_parent(const char *blob, const char *dir);

#endif /* KSEALCTL_H */
