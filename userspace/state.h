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
#include <stdint.h>

#include "ksealctl.h"

enum kkind { KIND_SEALED, KIND_DATA };

struct kkey {
	char name[KSEAL_NAME_MAX + 1];
	enum kkind kind;
	char wrapped_by[KSEAL_NAME_MAX + 1];	/* data keys */
	char pcrs[96];				/* sealed keys */
	char parent[16];			/* sealed keys, "0x81..." */
	char logon[128];			/* data keys, optional */
	int lock_pcr;				/* -1: none */
	int bytes;
	int version;
	bool recovery;
	int64_t created;
	int64_t updated;
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
/* Removes every key file and generation (shred). */
int state_wipe(struct kstate *st);

/* state.json: the provisioned handles and the parent key's TPM Name. */
struct kmeta {
	bool present;			/* state.json exists */
	uint32_t srk;
	uint32_t parent;
	uint8_t parent_name[68];	/* alg id || digest */
	size_t parent_name_len;		/* 0: not recorded (older provision) */
};

int state_write_meta(struct kstate *st, uint32_t srk, uint32_t parent,
		     const uint8_t *parent_name, size_t name_len);
/* Lenient: the handles, defaults kept when the file is missing. */
int state_read_meta(const char *dir, uint32_t *srk, uint32_t *parent);
/*
 * Strict: KX_STATE with one error line when state.json is unreadable or a
 * field is bad; a missing file gives the defaults and present = false.
 */
int state_load_meta(const char *dir, struct kmeta *m);

/* Size of a TPM Name with a sha256 name algorithm, as blobs store it. */
#define KSEAL_BLOB_PARENT_NAME_SIZE 34
/* A sealed blob's parent handle and Name (hex blob); false if not one. */
bool blob_parent(const char *hex, uint32_t *handle, uint8_t *name);

#endif /* KSEAL_STATE_H */
