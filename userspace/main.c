// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksealctl: admin helper for kseal keys. Global options and dispatch.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kseal/version.h"
#include "ksealctl.h"

struct ctx g = {
	.state_dir = KSEAL_DEFAULT_STATE,
	.keyring = KSEAL_DEFAULT_KEYRING,
	.tcti = KSEAL_DEFAULT_TCTI,
	.conf = KSEAL_DEFAULT_CONF,
	.cmd = "",
};

static const char usage[] =
"Usage: ksealctl [OPTIONS] COMMAND [ARGS]\n"
"\n"
"Commands:\n"
"  provision [--force]        create the SRK and the kseal parent key in the TPM\n"
"  create NAME [...]          create a sealed key, or a data key with --wrapped-by\n"
"  load [NAME...|--all]       load keys from the state directory into the keyring\n"
"  list                       list keys, their policy and whether they are loaded\n"
"  rotate NAME                rotate a data key, or replace a sealed key\n"
"  reseal NAME [--pcrs LIST]  bind a loaded sealed key to the current PCR values\n"
"  lock                       extend the configured lock PCRs\n"
"  boot                       at boot: load all, ask for recovery, always lock\n"
"  shred [--yes]              destroy every key: evict the parent key, delete blobs\n"
"  status                     check the security posture of this machine\n"
"  volume SUBCOMMAND          format, open, close, status, list dm-crypt volumes\n"
"  policy SUBCOMMAND          sign, install, show signed PCR policies\n"
"\n"
"Options (also accepted after COMMAND):\n"
"  --state-dir DIR   state directory (default " KSEAL_DEFAULT_STATE ")\n"
"  --keyring NAME    keyring in the user keyring (default " KSEAL_DEFAULT_KEYRING ")\n"
"  --tcti CONF       TPM access (default " KSEAL_DEFAULT_TCTI ")\n"
"  --conf FILE       configuration (default " KSEAL_DEFAULT_CONF ")\n"
"  --json            machine-readable output (list, status)\n"
"  -q, --quiet       only errors\n"
"  -v, --verbose     more detail\n"
"  -h, --help        this help; COMMAND --help for a command\n"
"  --version         print the version\n"
"\n"
"Exit codes: 0 ok, 1 usage, 2 partial failure, 3 TPM error, 4 kernel or\n"
"keyring error, 5 state directory error, 6 status warnings, 7 refused.\n"
"See ksealctl(8) and kseal(7).\n";

int global_opt(int c, const char *arg, const char *help, int *rc)
{
	switch (c) {
	case OPT_STATE_DIR:
		g.state_dir = arg;
		return 1;
	case OPT_KEYRING:
		g.keyring = arg;
		return 1;
	case OPT_TCTI:
		g.tcti = arg;
		return 1;
	case OPT_CONF:
		g.conf = arg;
		return 1;
	case OPT_JSON:
		g.json = true;
		return 1;
	case 'q':
		g.verbose = -1;
		return 1;
	case 'v':
		g.verbose++;
		return 1;
	case 'h':
		fputs(help, stdout);
		*rc = KX_OK;
		return -1;
	case OPT_VERSION:
		printf("ksealctl %s\n", KSEAL_VERSION_STRING);
		*rc = KX_OK;
		return -1;
	case '?': {
		char shortopt[3] = { '-', (char)optopt, '\0' };
		const char *bad = optopt > 0 && optopt < 128 &&
				  isgraph(optopt) ? shortopt :
				  g.argv[optind - 1];

		kerr("%s%sbad option '%s' (unknown, or its value is missing); run ksealctl %s%s--help",
		     g.cmd, *g.cmd ? ": " : "", bad, g.cmd, *g.cmd ? " " : "");
		*rc = KX_USAGE;
		return -1;
	}
	}
	*rc = KX_USAGE;
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "provision", cmd_provision },
	{ "create", cmd_create },
	{ "load", cmd_load },
	{ "list", cmd_list },
	{ "rotate", cmd_rotate },
	{ "reseal", cmd_reseal },
	{ "lock", cmd_lock },
	{ "boot", cmd_boot },
	{ "shred", cmd_shred },
	{ "status", cmd_status },
	{ "volume", cmd_volume },
	{ "policy", cmd_policy },
};

int main(int argc, char **argv)
{
	static const struct option opts[] = { GLOBAL_LONGOPTS, { 0 } };
	size_t i;
	int c, rc;
	char *v;

	/* The config file may set defaults; the command line wins. */
	for (i = 1; i < (size_t)argc; i++)
		if (!strncmp(argv[i], "--conf=", 7))
			g.conf = argv[i] + 7;
		else if (!strcmp(argv[i], "--conf") && i + 1 < (size_t)argc)
			g.conf = argv[i + 1];
	v = conf_get(g.conf, "STATE_DIR");
	if (v)
		g.state_dir = v;
	v = conf_get(g.conf, "KEYRING");
	if (v)
		g.keyring = v;
	v = conf_get(g.conf, "TCTI");
	if (v)
		g.tcti = v;

	opterr = 0;	/* our own one-line message, with advice */
	g.argv = argv;
	while ((c = getopt_long(argc, argv, "+qvh", opts, NULL)) != -1)
		if (global_opt(c, optarg, usage, &rc) < 0)
			return rc;
	if (optind >= argc) {
		kerr("no command given; run ksealctl --help");
		return KX_USAGE;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (!strcmp(argv[optind], cmds[i].name)) {
			char **sub = argv + optind;
			int subc = argc - optind;

			optind = 0;	/* full getopt restart for the command */
			g.argv = sub;
			g.cmd = cmds[i].name;
			return cmds[i].fn(subc, sub);
		}
	}
	kerr("unknown command '%s'; run ksealctl --help", argv[optind]);
	return KX_USAGE;
}
