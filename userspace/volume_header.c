// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kseal volume header: build and parse the 512 bytes of
 * include/kseal/volume.h. No I/O: ksealctl, the host tests and the
 * fuzzer call these on buffers.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>

#include "volume.h"

static uint64_t get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
	while (n--) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

static bool sha256(const uint8_t *in, size_t len, uint8_t *out)
{
	unsigned int n = 0;

	return EVP_Digest(in, len, out, &n, EVP_sha256(), NULL) == 1 &&
	       n == KSEAL_VOL_SHA256_SIZE;
}

/* cryptsetup's cipher-chainmode-ivmode[:ivopts], e.g. aes-cbc-essiv:sha256. */
bool kvol_valid_cipher(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n >= KSEAL_VOL_CIPHER_SIZE || !isalnum((unsigned char)s[0]))
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-:_()", s[i]))
			return false;
	return true;
}

bool kvol_valid_label(const char *s)
{
	size_t n = strlen(s), i;

	if (n >= KSEAL_VOL_LABEL_SIZE)
		return false;
	for (i = 0; i < n; i++)
		if (!isprint((unsigned char)s[i]))
			return false;
	return true;
}

/* A dm name, a unit instance and a file name: no slash, no leading dot. */
bool kvol_valid_name(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n > KVOL_NAME_MAX || s[0] == '.' || s[0] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return strcmp(s, "control") != 0;	/* /dev/mapper/control */
}

bool kvol_valid_sector(unsigned long n)
{
	return n == 512 || n == 1024 || n == 2048 || n == 4096;
}

/* A NUL-padded text field: at least one NUL, nothing after the first. */
static bool get_text(const uint8_t *p, size_t size, char *out)
{
	size_t n = strnlen((const char *)p, size), i;

	if (n == size)
		return false;
	for (i = n; i < size; i++)
		if (p[i])
			return false;
	memcpy(out, p, n + 1);
	return true;
}

static const char *check_fields(const struct kvol_header *h)
{
	if (!kvol_valid_label(h->label))
		return "label";
	if (!kvol_valid_cipher(h->cipher))
		return "cipher";
	/* The data key's name, as ksealctl's state directory spells it. */
	if (!kvol_valid_name(h->key) || strlen(h->key) >= KSEAL_VOL_KEY_SIZE)
		return "key name";
	if (h->key_size < 16 || h->key_size > 128)
		return "key size";
	if (!kvol_valid_sector(h->sector_size))
		return "sector size";
	if (h->data_offset < KSEAL_VOL_DATA_ALIGN ||
	    h->data_offset % KSEAL_VOL_DATA_ALIGN ||
	    h->data_offset > (1ULL << 40))
		return "data offset";
	/* Block device sizes are a loff_t: below 2^63 bytes. */
	if (!h->data_size || h->data_size % h->sector_size ||
	    h->data_size > (1ULL << 63) - h->data_offset)
		return "data size";
	return NULL;
}

bool kvol_header_build(const struct kvol_header *h, uint8_t *buf,
		       const char **why)
{
	uint8_t *p = buf;

	*why = check_fields(h);
	if (*why)
		return false;
	memset(buf, 0, KSEAL_VOL_HDR_SIZE);
	memcpy(p + KSEAL_VOL_OFF_MAGIC, KSEAL_VOL_MAGIC, KSEAL_VOL_MAGIC_SIZE);
	put_be(p + KSEAL_VOL_OFF_VERSION, KSEAL_VOL_VERSION, 2);
	put_be(p + KSEAL_VOL_OFF_HDR_SIZE, KSEAL_VOL_HDR_SIZE, 2);
	memcpy(p + KSEAL_VOL_OFF_UUID, h->uuid, KSEAL_VOL_UUID_SIZE);
	memcpy(p + KSEAL_VOL_OFF_LABEL, h->label, strlen(h->label));
	memcpy(p + KSEAL_VOL_OFF_CIPHER, h->cipher, strlen(h->cipher));
	memcpy(p + KSEAL_VOL_OFF_KEY, h->key, strlen(h->key));
	put_be(p + KSEAL_VOL_OFF_KEY_SIZE, h->key_size, 4);
	put_be(p + KSEAL_VOL_OFF_SECTOR, h->sector_size, 4);
	put_be(p + KSEAL_VOL_OFF_DATA_OFF, h->data_offset, 8);
	put_be(p + KSEAL_VOL_OFF_DATA_SIZE, h->data_size, 8);
	memcpy(p + KSEAL_VOL_OFF_CHECK, h->check, KSEAL_VOL_CHECK_SIZE);
	if (!sha256(p, KSEAL_VOL_OFF_SHA256, p + KSEAL_VOL_OFF_SHA256)) {
		*why = "SHA-256 (libcrypto)";
		return false;
	}
	return true;
}

enum kvol_err kvol_header_parse(const uint8_t *buf, size_t len,
				struct kvol_header *h, const char **why)
{
	uint8_t md[KSEAL_VOL_SHA256_SIZE];
	size_t i;

	*why = NULL;
	memset(h, 0, sizeof(*h));
	if (len < KSEAL_VOL_HDR_SIZE ||
	    memcmp(buf, KSEAL_VOL_MAGIC, KSEAL_VOL_MAGIC_SIZE))
		return KVOL_NOT_KSEAL;
	/*
	 * The SHA-256 first: a flipped version byte is damage, not a
	 * newer format, when the digest says so.
	 */
	if (!sha256(buf, KSEAL_VOL_OFF_SHA256, md) ||
	    memcmp(md, buf + KSEAL_VOL_OFF_SHA256, sizeof(md)))
		return KVOL_CHECKSUM;
	if (get_be(buf + KSEAL_VOL_OFF_VERSION, 2) != KSEAL_VOL_VERSION ||
	    get_be(buf + KSEAL_VOL_OFF_HDR_SIZE, 2) != KSEAL_VOL_HDR_SIZE)
		return KVOL_VERSION;
	if (get_be(buf + KSEAL_VOL_OFF_FLAGS, 4)) {
		*why = "flags";
		return KVOL_FIELD;
	}
	for (i = KSEAL_VOL_OFF_RESERVED; i < KSEAL_VOL_OFF_CHECK; i++) {
		if (buf[i]) {
			*why = "reserved bytes";
			return KVOL_FIELD;
		}
	}
	memcpy(h->uuid, buf + KSEAL_VOL_OFF_UUID, KSEAL_VOL_UUID_SIZE);
	if (!get_text(buf + KSEAL_VOL_OFF_LABEL, KSEAL_VOL_LABEL_SIZE, h->label))
		*why = "label";
	else if (!get_text(buf + KSEAL_VOL_OFF_CIPHER, KSEAL_VOL_CIPHER_SIZE,
			   h->cipher))
		*why = "cipher";
	else if (!get_text(buf + KSEAL_VOL_OFF_KEY, KSEAL_VOL_KEY_SIZE, h->key))
		*why = "key name";
	if (*why)
		return KVOL_FIELD;
	h->key_size = (uint32_t)get_be(buf + KSEAL_VOL_OFF_KEY_SIZE, 4);
	h->sector_size = (uint32_t)get_be(buf + KSEAL_VOL_OFF_SECTOR, 4);
	h->data_offset = get_be(buf + KSEAL_VOL_OFF_DATA_OFF, 8);
	h->data_size = get_be(buf + KSEAL_VOL_OFF_DATA_SIZE, 8);
	memcpy(h->check, buf + KSEAL_VOL_OFF_CHECK, KSEAL_VOL_CHECK_SIZE);
	*why = check_fields(h);
	return *why ? KVOL_FIELD : KVOL_OK;
}

const char *kvol_err_str(enum kvol_err e)
{
	switch (e) {
	case KVOL_OK:
		return "valid";
	case KVOL_NOT_KSEAL:
		return "not a kseal volume (no KSEALVOL header)";
	case KVOL_VERSION:
		return "a kseal volume header of a version this ksealctl does not know";
	case KVOL_CHECKSUM:
		return "damaged kseal volume header (SHA-256 mismatch)";
	case KVOL_FIELD:
		return "kseal volume header with a field out of range";
	}
	return "?";
}

void kvol_uuid_str(const uint8_t *u, char *out)
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}
