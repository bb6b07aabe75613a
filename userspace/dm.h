/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Device-mapper through libdevmapper: the few calls "ksealctl volume"
 * makes. Functions return 0, or -1 with errno set and the library's own
 * last message in kdm_last_error() (it prints nothing itself).
 */
#ifndef KSEAL_DM_H
#define KSEAL_DM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every kseal mapping's dm UUID starts with this. */
#define KDM_UUID_PREFIX "KSEAL-"

struct kdm_info {
	bool exists;
	bool read_only;
	int open_count;
	uint32_t major, minor;
	char uuid[130];
};

int kdm_info(const char *name, struct kdm_info *info);
/* One crypt target over @sectors with @params (no key bytes in them). */
int kdm_create_crypt(const char *name, const char *uuid, uint64_t sectors,
		     const char *params, bool read_only);
int kdm_remove(const char *name);
/* The single target's type and parameters (keys shown as dm shows them). */
int kdm_table(const char *name, char *type, size_t typelen, char *params,
	      size_t paramlen, uint64_t *sectors);
/* The names of every mapping whose UUID starts with KDM_UUID_PREFIX. */
int kdm_list(char ***names, size_t *n);
const char *kdm_last_error(void);

#endif /* KSEAL_DM_H */
