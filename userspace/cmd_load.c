// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksealctl load and list.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "kbackend.h"
#include "ksealctl.h"
#include "state.h"

static const char load_help[] =
"Usage: ksealctl load [NAME...|--all] [--recovery | --recovery-fd FD]\n"
"Load keys from the state directory into the keyring (sealed keys before\n"
"the data keys they wrap). Keys already loaded are left alone. Without\n"
"NAME, loads all. Exit 0 if every key is loaded, 2 if some failed.\n"
"  --all              every key\n"
"  --recovery         unseal sealed keys with the recovery passphrase\n"
"  --recovery-fd FD   read that passphrase from file descriptor FD\n";

enum { O_ALL = OPT_SUB, O_REC, O_RECFD };

/* 0 not wanted, 1 wanted; names from argv pull in their wrapping key. */
static void want(struct kstate *st, bool *w, const char *name)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		if (st->keys[i].removed || strcmp(st->keys[i].name, name))
			continue;
		w[i] = true;
		if (st->keys[i].kind == KIND_DATA)
			want(st, w, st->keys[i].wrapped_by);
	}
}

int cmd_load(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		{ "all", no_argument, NULL, O_ALL },
		{ "recovery", no_argument, NULL, O_REC },
		{ "recovery-fd", required_argument, NULL, O_RECFD },
		{ 0 }
	};
	struct kstate st;
	bool all = false, rec = false, *w = NULL;
	long fd = -1;
	char *pass = NULL;
	int c, rc, i, pass_no, failed = 0, loaded = 0;
	int32_t ring;
	size_t j;

	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		switch (c) {
		case O_ALL:
			all = true;
			break;
		case O_REC:
			rec = true;
			break;
		case O_RECFD:
			if (parse_int(optarg, 0, 65535, &fd)) {
				kerr("load: bad --recovery-fd '%s'; give an open file descriptor number",
				     optarg);
				return KX_USAGE;
			}
			rec = true;
			break;
		default:
			HANDLE_GLOBAL(c, load_help);
		}
	}
	if (all && optind < argc) {
		kerr("load: give NAMEs or --all, not both");
		return KX_USAGE;
	}
	for (i = optind; i < argc; i++) {
		if (!valid_name(argv[i])) {
			kerr("load: bad key name '%s'; see ksealctl list",
			     argv[i]);
			return KX_USAGE;
		}
	}
	rc = state_open(&st, g.state_dir, false);
	if (rc)
		goto out;
	for (i = optind; i < argc; i++) {
		if (!state_find(&st, argv[i])) {
			kerr("load: no key '%s' in %s; see ksealctl list",
			     argv[i], g.state_dir);
			rc = KX_USAGE;
			goto out;
		}
	}
	w = calloc(st.n + 1, sizeof(*w));
	if (!w) {
		rc = KX_STATE;
		goto out;
	}
	for (j = 0; j < st.n; j++)
		w[j] = optind >= argc;
	for (i = optind; i < argc; i++)
		want(&st, w, argv[i]);
	if (rec) {
		pass = read_passphrase("Recovery passphrase: ", (int)fd);
		if (!pass) {
			rc = KX_USAGE;
			goto out;
		}
	}
	ring = kring(true);
	if (ring < 0) {
		rc = KX_KERNEL;
		goto out;
	}
	/* Two passes: sealed keys, then the data keys they wrap. */
	for (pass_no = 0; pass_no < 2; pass_no++) {
		for (j = 0; j < st.n; j++) {
			struct kkey *k = &st.keys[j];
			int32_t s;

			if (!w[j] || (k->kind == KIND_SEALED) != (pass_no == 0))
				continue;
			if (key_loaded(ring, k->name) >= 0) {
				kverbose("%s: already loaded", k->name);
				loaded++;
				continue;
			}
			if (k->kind == KIND_DATA &&
			    key_loaded(ring, k->wrapped_by) < 0) {
				kerr("%s: not loaded: its wrapping key %s is not loaded; fix that key first",
				     k->name, k->wrapped_by);
				failed++;
				continue;
			}
			if (k->kind == KIND_DATA &&
			    !logon_session_ok(k->name, k->logon)) {
				failed++;
				continue;
			}
			s = load_one(ring, k, pass);
			if (s < 0) {
				kerr("%s: load failed: %s; %s", k->name,
				     strerror(errno), load_advice(errno));
				failed++;
				continue;
			}
			loaded++;
			kinfo("loaded %s (serial %d)", k->name, s);
		}
	}
	if (failed)
		rc = loaded ? KX_PARTIAL : KX_KERNEL;
	else if (st.nextra)
		rc = KX_PARTIAL;	/* damaged files: reported above */
out:
	free_secret(pass);
	free(w);
	state_close(&st);
	return rc;
}

static const char list_help[] =
"Usage: ksealctl list [--json]\n"
"List the keys of the state directory: kind, version, policy or wrapping\n"
"key, and whether and under which serial each is loaded.\n";

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = { GLOBAL_LONGOPTS, { 0 } };
	struct kstate st;
	json_object *arr = NULL;
	int32_t ring;
	size_t i;
	int c, rc;

	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1)
		HANDLE_GLOBAL(c, list_help);
	if (optind < argc) {
		kerr("list: unexpected argument '%s'; see ksealctl list --help",
		     argv[optind]);
		return KX_USAGE;
	}
	rc = state_open(&st, g.state_dir, false);
	if (rc) {
		state_close(&st);
		return rc;
	}
	ring = kring(false);
	if (g.json)
		arr = json_object_new_array();
	else if (g.verbose >= 0)
		printf("%-20s %-6s %3s %-36s %s\n", "NAME", "KIND", "VER",
		       "POLICY/WRAPPED-BY", "LOADED");
	for (i = 0; i < st.n; i++) {
		struct kkey *k = &st.keys[i];
		int32_t s = key_loaded(ring, k->name);
		char pol[256];

		if (k->kind == KIND_SEALED) {
			int n = snprintf(pol, sizeof(pol), "pcrs=%s parent=%s",
					 k->pcrs, k->parent);

			if (k->lock_pcr >= 0)
				n += snprintf(pol + n, sizeof(pol) - n, " lock=%d",
					      k->lock_pcr);
			if (k->recovery)
				snprintf(pol + n, sizeof(pol) - n, " recovery");
		} else {
			snprintf(pol, sizeof(pol), "%s%s%s", k->wrapped_by,
				 k->logon[0] ? " logon=" : "", k->logon);
		}
		if (arr) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "name",
					       json_object_new_string(k->name));
			json_object_object_add(o, "kind", json_object_new_string(
				k->kind == KIND_SEALED ? "sealed" : "data"));
			json_object_object_add(o, "version",
					       json_object_new_int(k->version));
			json_object_object_add(o, "bytes",
					       json_object_new_int(k->bytes));
			if (k->kind == KIND_SEALED) {
				json_object_object_add(o, "pcrs",
					json_object_new_string(k->pcrs));
				json_object_object_add(o, "parent",
					json_object_new_string(k->parent));
				json_object_object_add(o, "lock_pcr",
					k->lock_pcr >= 0 ?
					json_object_new_int(k->lock_pcr) : NULL);
				json_object_object_add(o, "recovery",
					json_object_new_boolean(k->recovery));
			} else {
				json_object_object_add(o, "wrapped_by",
					json_object_new_string(k->wrapped_by));
				json_object_object_add(o, "logon", k->logon[0] ?
					json_object_new_string(k->logon) : NULL);
			}
			json_object_object_add(o, "loaded",
					       json_object_new_boolean(s >= 0));
			json_object_object_add(o, "serial", s >= 0 ?
					       json_object_new_int(s) : NULL);
			json_object_object_add(o, "created",
					       json_object_new_int64(k->created));
			json_object_array_add(arr, o);
		} else if (g.verbose >= 0) {
			char ld[24];

			if (s >= 0)
				snprintf(ld, sizeof(ld), "yes (%d)", s);
			else
				snprintf(ld, sizeof(ld), "no");
			printf("%-20s %-6s %3d %-36s %s\n", k->name,
			       k->kind == KIND_SEALED ? "sealed" : "data",
			       k->version, pol, ld);
		}
	}
	if (arr) {
		printf("%s\n", json_object_to_json_string_ext(arr,
					JSON_C_TO_STRING_PRETTY));
		json_object_put(arr);
	}
	if (st.nextra)
		rc = KX_STATE;
	state_close(&st);
	return rc;
}
