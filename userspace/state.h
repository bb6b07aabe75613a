/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The state directory: one JSON file per key inside a generation
 * directory, selected by the symlink "current". A change writes a whole
 * new generation (unchanged files are hard links) and then replaces the
 * symlink with rename(2), so a crash at any point leaves either the old or
 * the new complete set behind "current", never a mix.
 */
#ifndef KSEAL_STATE_H
#define KSEAL_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ksealctl.h"

enum kkind { KIND_SEALED, KIND_DATA };

/*
 * A Tang server a sealed key is bound to, in the order of the kernel's
 * server index: its URL, the thumbprint (S256, base64url) of the
 * exchange key the blob holds (the path of its recovery requests), the
 * pinned thumbprint of its signing key and that key itself (to verify
 * the server's signature once it no longer advertises the key), and the
 * curve.
 */
#define KSEAL_TANG_URL_MAX	512
struct ktang {
	char url[KSEAL_TANG_URL_MAX + 1];
	char kid[64];
	char thp[64];
	int curve;				/* enum tang_curve */
	/* The pinned signing key's public JWK, "" if not recorded. */
	char jwk[1024];
};

struct kkey {
	char name[KSEAL_KEY_NAME_MAX + 1];
	enum kkind kind;
	char wrapped_by[KSEAL_KEY_NAME_MAX + 1];	/* data keys */
	char pcrs[96];				/* sealed keys */
	char parent[16];			/* sealed keys, "0x81..." */
	char logon[128];			/* data keys, optional */
	int lock_pcr;				/* -1: none */
	int bytes;
	int version;
	bool recovery;
	int64_t created;
	int64_t updated;
	/*
	 * Sealed keys under signed PCR policies: the signing key's TPM
	 * Name (what policy_key= gave the kernel) and fingerprint in hex,
	 * and its public key (PEM), from which load makes tickets and
	 * policy install checks signatures. Empty name: no signer.
	 */
	char pk_name[2 * 34 + 1];
	char pk_fp[2 * 32 + 1];
	char *pk_pem;
	/* Tang servers: @tang_n of them (0: none), @tang_t needed. */
	int tang_t, tang_n;
	struct ktang tang[8];
	char *blob;				/* lowercase hex */
	bool dirty;				/* rewrite on commit */
	bool removed;				/* leave out on commit */
	bool on_disk;				/* exists in the current generation */
};

struct kstate {
	char *dir;
	int dirfd;
	int lockfd;
	int genfd;		/* current generation, -1 if none yet */
	unsigned int gen;
	unsigned int max_gen;
	struct kkey *keys;
	size_t n;
	char **extra;		/* unknown or damaged files, carried over */
	size_t nextra;
	bool writable;
};

/* Opens and locks (shared, or exclusive with @write) and reads all keys. */
int state_open(struct kstate *st, const char *dir, bool write);
void state_close(struct kstate *st);
struct kkey *state_find(struct kstate *st, const char *name);
struct kkey *state_new_key(struct kstate *st, const char *name);
void key_set_blob(struct kkey *k, const char *hex);
/* Writes every change as one new generation; returns a KX_* code. */
int state_commit(struct kstate *st);
/* The Tang binding of @k as the key file holds it (list --json too). */
struct json_object *state_tang_json(const struct kkey *k);
/* Removes every key file and generation (shred). */
int state_wipe(struct kstate *st);

/*
 * state.json: the provisioned handles and, for each TPM provision ran on
 * (a state directory may move with its disk), the parent key's TPM Name
 * keyed by the SRK's Name, which is the same for as long as the TPM's
 * owner seed is.
 */
#define KSEAL_META_PARENTS 16
struct kparent {
	uint8_t srk[68];		/* alg id || digest */
	size_t srk_len;
	uint8_t name[68];
	size_t name_len;
};

struct kmeta {
	bool present;			/* state.json exists */
	uint32_t srk;
	uint32_t parent;
	struct kparent parents[KSEAL_META_PARENTS];
	size_t nparents;		/* 0: none recorded (older provision) */
};

/* Records @p, replacing the entry of the same SRK, keeping the others. */
int state_write_meta(struct kstate *st, uint32_t srk, uint32_t parent,
		     const struct kparent *p);
/* Lenient: the handles, defaults kept when the file is missing. */
int state_read_meta(const char *dir, uint32_t *srk, uint32_t *parent);
/*
 * Strict: KX_STATE with one error line when state.json is unreadable or a
 * field is bad; a missing file gives the defaults and present = false.
 */
int state_load_meta(const char *dir, struct kmeta *m);
/* The same without the error line, for provision, which rewrites the file. */
int state_load_meta_quiet(const char *dir, struct kmeta *m);
/* The recorded parent of the TPM whose SRK has Name @srk, or NULL. */
const struct kparent *meta_parent(const struct kmeta *m, const uint8_t *srk,
				  size_t srk_len);

/* Size of a TPM Name with a sha256 name algorithm, as blobs store it. */
#define KSEAL_BLOB_PARENT_NAME_SIZE 34
/* A sealed blob's parent handle and Name (hex blob); false if not one. */
bool blob_parent(const char *hex, uint32_t *handle, uint8_t *name);

/* Temp file, fsync, rename, fsync of @dirfd; -1 with errno on failure. */
int write_atomic(int dirfd, const char *name, const char *buf, size_t len);
/* A small file's whole text (at most 1 MiB), malloc'd; NULL with errno. */
char *read_fd_all(int fd);

#endif /* KSEAL_STATE_H */
