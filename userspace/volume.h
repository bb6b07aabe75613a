/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kseal volumes: the header (include/kseal/volume.h) and the volumes file
 * (/etc/kseal/volumes, kseal-volumes(5)). The parsers here take bytes
 * only, no device or kernel, so the host tests and the fuzzers run them
 * as ksealctl does.
 */
#ifndef KSEAL_VOLUME_H
#define KSEAL_VOLUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kseal/volume.h"

#define KSEALCTL_VOLUMES	"/etc/kseal/volumes"
/* dm names are at most 127 bytes; ours are the volumes file's names. */
#define KVOL_NAME_MAX		64

struct kvol_header {
	uint8_t uuid[KSEAL_VOL_UUID_SIZE];
	char label[KSEAL_VOL_LABEL_SIZE];
	char cipher[KSEAL_VOL_CIPHER_SIZE];
	char key[KSEAL_VOL_KEY_SIZE];
	uint32_t key_size;
	uint32_t sector_size;
	uint64_t data_offset;
	uint64_t data_size;
	uint8_t check[KSEAL_VOL_CHECK_SIZE];
};

enum kvol_err {
	KVOL_OK = 0,
	KVOL_NOT_KSEAL,		/* no magic: not a kseal volume */
	KVOL_VERSION,		/* a version or header size this helper does not know */
	KVOL_CHECKSUM,		/* damaged: the SHA-256 does not match */
	KVOL_FIELD,		/* checksum fine, but a field out of range */
};

/*
 * Parses a header; on KVOL_FIELD @why names the field. The SHA-256 is
 * checked before any field is trusted.
 */
enum kvol_err kvol_header_parse(const uint8_t *buf, size_t len,
				struct kvol_header *h, const char **why);
/*
 * Writes @h into @buf (KSEAL_VOL_HDR_SIZE bytes), check value and
 * SHA-256 included; false (and @why) if a field is out of range. The
 * check value signs bytes 0..KSEAL_VOL_OFF_CHECK-1, which the caller
 * obtains with kvol_header_build(…, with an all-zero check) first.
 */
bool kvol_header_build(const struct kvol_header *h, uint8_t *buf,
		       const char **why);
const char *kvol_err_str(enum kvol_err e);
/* The UUID as 36 characters and a NUL. */
void kvol_uuid_str(const uint8_t *uuid, char *out);

bool kvol_valid_cipher(const char *s);
bool kvol_valid_label(const char *s);
bool kvol_valid_name(const char *s);
bool kvol_valid_sector(unsigned long n);

/* One line of the volumes file. */
enum {
	KVOL_OPT_DISCARD = 1u << 0,
	KVOL_OPT_READONLY = 1u << 1,
	KVOL_OPT_NOFAIL = 1u << 2,
	KVOL_OPT_INITRAMFS = 1u << 3,
};

struct kvol_entry {
	char name[KVOL_NAME_MAX + 1];
	char device[256];
	char key[KSEAL_VOL_KEY_SIZE];
	unsigned int opts;
	uint32_t sector_size;	/* 0: whatever the header says */
	unsigned int line;
};

struct kvol_table {
	struct kvol_entry *e;
	size_t n;
};

/*
 * Parses the volumes file's text (@len bytes, NULs refused). On error,
 * returns false with a one-line reason in @err naming the line; the
 * table is then empty. Free with kvol_table_free().
 */
bool kvol_table_parse(const char *text, size_t len, struct kvol_table *t,
		      char *err, size_t errlen);
void kvol_table_free(struct kvol_table *t);
const struct kvol_entry *kvol_table_find(const struct kvol_table *t,
					 const char *name);

/*
 * systemd unit name escaping (systemd.unit(5), as systemd-escape does):
 * with @path, a path's slashes become dashes. False if @out is too small.
 */
bool kvol_unit_escape(const char *s, bool path, char *out, size_t outlen);

#endif /* KSEAL_VOLUME_H */
