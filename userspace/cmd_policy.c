// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksealctl policy: sign approved PCR states (on the admin's workstation,
 * no TPM), install signed policies on the server, show them.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>

#include "ksealctl.h"
#include "policy_key.h"
#include "policy_store.h"
#include "state.h"
#include "tpm.h"

static const char help[] =
"Usage: ksealctl policy COMMAND [ARGS]\n"
"Signed PCR policies of keys created with --policy-key.\n"
"  sign --key PRIV.pem [--in PREDICTION] [--out FILE [--append]] [--pcrs LIST]\n"
"                      sign a predicted PCR state (workstation, no TPM)\n"
"  install FILE        check every signature, install the signed policies\n"
"  show                list the installed policies, mark the current state\n"
"  predict --kernel FILE [--initrd FILE] [--cmdline STRING] [--pcrs LIST]\n"
"                      the PCR values of the next boot, for sign (server)\n";

static const char sign_help[] =
"Usage: ksealctl policy sign --key PRIV.pem [--in PREDICTION] [--out FILE]\n"
"                            [--append] [--pcrs LIST]\n"
"Sign the PCR state of a prediction ({\"sha256\":[{\"pcr\":N,\"hash\":HEX},..]},\n"
"from ksealctl policy predict) with the policy signing key and write the\n"
"signed policy file. Needs no TPM.\n"
"  --key PRIV.pem   the private signing key (ECDSA P-256 or RSA-2048, PEM)\n"
"  --in FILE        the prediction (default: standard input)\n"
"  --out FILE       write the signed policy file there (default: stdout)\n"
"  --append         keep the entries already in --out FILE (the running\n"
"                   kernel's), replacing one of the same PCRs and digest\n"
"  --pcrs LIST      sign only these PCRs of the prediction (default: all)\n";

static const char install_help[] =
"Usage: ksealctl policy install FILE\n"
"Check that FILE is a signed policy file whose every signature verifies\n"
"with the signing key of a key of this machine, then install it: for each\n"
"signing key, its entries replace the installed ones (STATE/policy/).\n"
"Anything wrong changes nothing.\n";

static const char show_help[] =
"Usage: ksealctl policy show [--json]\n"
"List the installed signed policies: signing key, PCRs, policy digest, and\n"
"whether the entry matches the current PCR values.\n";

enum { OP_KEY = OPT_SUB, OP_IN, OP_OUT, OP_APPEND };

/* A whole file, or standard input for NULL or "-". */
static char *slurp(const char *path)
{
	int fd = !path || !strcmp(path, "-") ? dup(STDIN_FILENO) :
		 open(path, O_RDONLY | O_CLOEXEC);
	char *t;

	if (fd < 0)
		return NULL;
	t = read_fd_all(fd);
	close(fd);
	return t;
}

/* Writes @text to @path through a temporary file beside it and rename. */
static int write_file(const char *path, const char *text)
{
	char *copy = strdup(path), *tmp = NULL;
	int fd = -1, rc = KX_STATE;
	size_t len = strlen(text);

	if (!copy || asprintf(&tmp, "%s/.%s.XXXXXX", dirname(copy),
			      strrchr(path, '/') ? strrchr(path, '/') + 1 :
			      path) < 0) {
		tmp = NULL;
		goto out;
	}
	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail;
	/* Public data: the policy travels to the servers as it is. */
	if (fchmod(fd, 0644) || write(fd, text, len) != (ssize_t)len ||
	    fsync(fd) || close(fd)) {
		fd = -1;
		unlink(tmp);
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path)) {
		unlink(tmp);
		goto fail;
	}
	rc = KX_OK;
	goto out;
fail:
	kerr("policy sign: cannot write %s: %s; nothing was written", path,
	     strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	free(tmp);
	free(copy);
	return rc;
}

static int cmd_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		PCRS_LONGOPT,
		{ "key", required_argument, NULL, OP_KEY },
		{ "in", required_argument, NULL, OP_IN },
		{ "out", required_argument, NULL, OP_OUT },
		{ "append", no_argument, NULL, OP_APPEND },
		{ 0 }
	};
	const char *keyf = NULL, *in = NULL, *out = NULL, *pcrs = NULL, *why;
	struct spolicy_set set = { 0 };
	struct policy_key k = { 0 };
	struct pcr_state pred;
	struct spolicy e = { 0 };
	char *text = NULL;
	bool append = false;
	uint32_t want;
	size_t i, j;
	long at;
	int c, rc;

	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		switch (c) {
		case OP_KEY:
			keyf = optarg;
			break;
		case OP_IN:
			in = optarg;
			break;
		case OP_OUT:
			out = optarg;
			break;
		case OP_APPEND:
			append = true;
			break;
		case OPT_PCRS:
			if (!pcr_mask_parse(optarg, &want)) {
				kerr("policy sign: bad --pcrs '%s'; use indexes 0..23 and ranges, e.g. 4,7,9",
				     optarg);
				return KX_USAGE;
			}
			pcrs = optarg;
			break;
		default:
			if (global_opt(c, optarg, sign_help, &rc) <= 0)
				return rc;
		}
	}
	if (optind < argc || !keyf || (append && !out)) {
		kerr("policy sign: give --key PRIV.pem (and --out FILE with --append), no other arguments; see ksealctl policy sign --help");
		return KX_USAGE;
	}
	text = slurp(keyf);
	if (!text) {
		kerr("policy sign: cannot read %s: %s", keyf, strerror(errno));
		return KX_USAGE;
	}
	if (!policy_key_from_pem(&k, text, true, &why)) {
		kerr("policy sign: %s is %s; give the private policy signing key", keyf,
		     why);
		rc = KX_USAGE;
		goto out;
	}
	free_secret(text);
	text = slurp(in);
	if (!text) {
		kerr("policy sign: cannot read the prediction %s: %s",
		     in ? in : "from standard input", strerror(errno));
		rc = KX_USAGE;
		goto out;
	}
	why = prediction_parse(text, &pred);
	if (why) {
		kerr("policy sign: the prediction %s is %s; give the output of ksealctl policy predict",
		     in ? in : "on standard input", why);
		rc = KX_USAGE;
		goto out;
	}
	if (pcrs && (want & ~pred.mask)) {
		char miss[96];

		pcr_mask_format(want & ~pred.mask, miss, sizeof(miss));
		kerr("policy sign: the prediction has no value of PCRs %s of --pcrs; predict them too",
		     miss);
		rc = KX_USAGE;
		goto out;
	}
	e.mask = pcrs ? want : pred.mask;
	e.values = pred;
	e.values.mask = e.mask;
	e.has_values = true;
	memcpy(e.fp, k.fp, PK_FP_SIZE);
	if (!policy_pcr_digest(&e.values, e.pol) ||
	    !policy_sign(&k, e.pol, &e.sig, &e.siglen) ||
	    !policy_verify(&k, e.pol, e.sig, e.siglen)) {
		kerr("policy sign: signing with %s failed; check the key with openssl pkey -in %s -noout",
		     keyf, keyf);
		rc = KX_USAGE;
		goto out;
	}
	free(text);
	text = NULL;
	if (append && access(out, F_OK) == 0) {
		text = slurp(out);
		if (!text || !spolicy_parse(text, &set, &why, &at)) {
			kerr("policy sign: %s is not a signed policy file (%s); nothing was written",
			     out, text ? why : strerror(errno));
			rc = KX_USAGE;
			goto out;
		}
		free(text);
		text = NULL;
		/* A state signed again replaces its entry. */
		for (i = j = 0; i < set.n; i++) {
			if (set.e[i].mask == e.mask &&
			    !memcmp(set.e[i].fp, e.fp, PK_FP_SIZE) &&
			    !memcmp(set.e[i].pol, e.pol, PK_POL_SIZE))
				free(set.e[i].sig);
			else
				set.e[j++] = set.e[i];
		}
		set.n = j;
	}
	if (!spolicy_add(&set, &e) || !(text = spolicy_to_json(&set))) {
		kerr("policy sign: out of memory");
		rc = KX_STATE;
		goto out;
	}
	if (out) {
		rc = write_file(out, text);
	} else {
		printf("%s\n", text);
		rc = fflush(stdout) ? KX_STATE : KX_OK;
	}
	if (!rc && out) {
		char list[96], hex[2 * PK_POL_SIZE + 1];

		pcr_mask_format(e.mask, list, sizeof(list));
		hex_encode(e.pol, PK_POL_SIZE, hex);
		kinfo("signed the state of PCRs %s (policy %s) into %s", list,
		      hex, out);
	}
out:
	free_secret(text);
	free(e.sig);
	spolicy_free(&set);
	policy_key_free(&k);
	return rc;
}

static int cmd_install(int argc, char **argv)
{
	static const struct option opts[] = { GLOBAL_LONGOPTS, { 0 } };
	struct spolicy_set set = { 0 };
	struct kstate st;
	const char *why;
	char *text = NULL, fp[2 * PK_FP_SIZE + 1];
	size_t i, j, nsigners = 0;
	long at;
	int c, rc;

	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1)
		if (global_opt(c, optarg, install_help, &rc) <= 0)
			return rc;
	if (optind + 1 != argc) {
		kerr("policy install: give exactly one signed policy FILE; see ksealctl policy install --help");
		return KX_USAGE;
	}
	text = slurp(argv[optind]);
	if (!text) {
		kerr("policy install: cannot read %s: %s; nothing was installed",
		     argv[optind], strerror(errno));
		return KX_USAGE;
	}
	if (!spolicy_parse(text, &set, &why, &at)) {
		if (at >= 0)
			kerr("policy install: %s: entry %ld: %s; nothing was installed, sign the state again with ksealctl policy sign",
			     argv[optind], at, why);
		else
			kerr("policy install: %s is not a signed policy file (%s); nothing was installed",
			     argv[optind], why);
		free(text);
		return KX_USAGE;
	}
	free(text);
	if (!set.n) {
		kerr("policy install: %s holds no signed policy; nothing was installed",
		     argv[optind]);
		spolicy_free(&set);
		return KX_USAGE;
	}
	/* No state directory is made for a file that cannot be installed. */
	if (access(g.state_dir, F_OK)) {
		kerr("policy install: %s: %s; no key here was created with --policy-key, nothing was installed",
		     g.state_dir, strerror(errno));
		spolicy_free(&set);
		return KX_REFUSED;
	}
	rc = state_open(&st, g.state_dir, true);
	if (rc)
		goto out;
	/* Every signature first: a single bad one and nothing is written. */
	for (i = 0; i < set.n; i++) {
		struct policy_key k;
		bool ok;

		hex_encode(set.e[i].fp, PK_FP_SIZE, fp);
		if (!known_policy_key(&st, set.e[i].fp, &k)) {
			kerr("policy install: %s: entry %zu is signed by key %.16s..., which no key of %s was created with (--policy-key); nothing was installed",
			     argv[optind], i, fp, st.dir);
			rc = KX_REFUSED;
			goto out;
		}
		ok = policy_verify(&k, set.e[i].pol, set.e[i].sig,
				   set.e[i].siglen);
		policy_key_free(&k);
		if (!ok) {
			kerr("policy install: %s: the signature of entry %zu does not verify with key %.16s...; nothing was installed, sign the state again",
			     argv[optind], i, fp);
			rc = KX_REFUSED;
			goto out;
		}
	}
	for (i = 0; i < set.n; i++) {
		for (j = 0; j < i; j++)
			if (!memcmp(set.e[j].fp, set.e[i].fp, PK_FP_SIZE))
				break;
		if (j < i)
			continue;	/* that signer's file is written */
		rc = spolicy_install(&st, set.e[i].fp, &set);
		if (rc)
			goto out;
		nsigners++;
	}
	kinfo("installed %zu signed polic%s of %zu signing key%s in %s/policy",
	      set.n, set.n == 1 ? "y" : "ies", nsigners,
	      nsigners == 1 ? "" : "s", st.dir);
out:
	state_close(&st);
	spolicy_free(&set);
	return rc;
}

/* The signing keys of the key files, each once. */
static size_t signers(const struct kstate *st, const struct kkey **out)
{
	size_t i, j, n = 0;

	for (i = 0; i < st->n; i++) {
		if (st->keys[i].removed || !st->keys[i].pk_name[0])
			continue;
		for (j = 0; j < n; j++)
			if (!strcmp(out[j]->pk_fp, st->keys[i].pk_fp))
				break;
		if (j == n)
			out[n++] = &st->keys[i];
	}
	return n;
}

static int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = { GLOBAL_LONGOPTS, { 0 } };
	const struct kkey **sg = NULL;
	json_object *arr = NULL;
	struct kstate st;
	struct tpm *t = NULL;
	uint8_t cur[PK_PCR_COUNT][32];
	uint32_t have = 0;
	size_t i, j, n;
	int c, rc;

	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1)
		if (global_opt(c, optarg, show_help, &rc) <= 0)
			return rc;
	if (optind < argc) {
		kerr("policy show: unexpected argument '%s'; see ksealctl policy show --help",
		     argv[optind]);
		return KX_USAGE;
	}
	rc = state_open(&st, g.state_dir, false);
	if (rc)
		goto out;
	sg = calloc(st.n + 1, sizeof(*sg));
	if (!sg) {
		rc = KX_STATE;
		goto out;
	}
	n = signers(&st, sg);
	if (g.json)
		arr = json_object_new_array();
	else if (g.verbose >= 0)
		printf("%-16s %-20s %-16s %s\n", "SIGNER", "PCRS", "POLICY",
		       "CURRENT");
	for (i = 0; i < n && !rc; i++) {
		struct spolicy_set set;
		uint8_t fp[PK_FP_SIZE];

		hex_decode_exact(sg[i]->pk_fp, fp, PK_FP_SIZE);
		rc = spolicy_installed(st.dir, fp, &set);
		for (j = 0; !rc && j < set.n; j++) {
			struct spolicy *e = &set.e[j];
			struct pcr_state now = { .mask = e->mask };
			uint8_t pol[PK_POL_SIZE];
			char pcrs[96], polhex[2 * PK_POL_SIZE + 1];
			bool match;
			int p;

			/* The TPM is read once, for the PCRs still unknown. */
			if (e->mask & ~have) {
				if (!t)
					rc = tpm_open(&t, g.tcti);
				if (!rc)
					rc = tpm_pcr_read(t, e->mask & ~have,
							  cur);
				if (rc)
					break;
				have |= e->mask;
			}
			for (p = 0; p < PK_PCR_COUNT; p++)
				memcpy(now.value[p], cur[p], 32);
			match = policy_pcr_digest(&now, pol) &&
				!memcmp(pol, e->pol, PK_POL_SIZE);
			pcr_mask_format(e->mask, pcrs, sizeof(pcrs));
			hex_encode(e->pol, PK_POL_SIZE, polhex);
			if (arr) {
				json_object *o = json_object_new_object();

				json_object_object_add(o, "pkfp",
					json_object_new_string(sg[i]->pk_fp));
				json_object_object_add(o, "pcrs",
					json_object_new_string(pcrs));
				json_object_object_add(o, "pol",
					json_object_new_string(polhex));
				json_object_object_add(o, "current",
					json_object_new_boolean(match));
				json_object_array_add(arr, o);
			} else if (g.verbose >= 0) {
				printf("%-16.16s %-20s %-16.16s %s\n",
				       sg[i]->pk_fp, pcrs, polhex,
				       match ? "yes" : "no");
			}
		}
		spolicy_free(&set);
	}
	if (arr) {
		if (!rc)
			printf("%s\n", json_object_to_json_string_ext(arr,
						JSON_C_TO_STRING_PRETTY));
		json_object_put(arr);
	}
out:
	tpm_close(t);
	free(sg);
	state_close(&st);
	return rc;
}

static const struct {
	const char *name, *cmd;	/* cmd: for messages */
	int (*fn)(int argc, char **argv);
} subs[] = {
	{ "sign", "policy sign", cmd_sign },
	{ "install", "policy install", cmd_install },
	{ "show", "policy show", cmd_show },
	{ "predict", "policy predict", cmd_policy_predict },
};

int cmd_policy(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		kerr("policy: give a subcommand (predict, sign, install, show); see ksealctl policy --help");
		return KX_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(help, stdout);
		return KX_OK;
	}
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		if (!strcmp(argv[1], subs[i].name)) {
			optind = 0;
			g.argv = argv + 1;
			g.cmd = subs[i].cmd;
			return subs[i].fn(argc - 1, argv + 1);
		}
	}
	kerr("policy: unknown subcommand '%s'; see ksealctl policy --help",
	     argv[1]);
	return KX_USAGE;
}
