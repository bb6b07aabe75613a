/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The systemd units "ksealctl volume generate" writes (kseal-volumes(5)).
 */
#ifndef KSEAL_VOLUME_UNIT_H
#define KSEAL_VOLUME_UNIT_H

#include <stdbool.h>
#include <stddef.h>

#include "volume.h"

/* kseal-volume@NAME.service, NAME escaped as systemd-escape does. */
bool kvol_unit_name(const char *name, char *out, size_t outlen);
/* The .device unit of a path, as systemd-escape --path --suffix=device. */
bool kvol_device_unit(const char *path, char *out, size_t outlen);
/* The unit file for @e, running @ksealctl with the volumes file @volumes. */
bool kvol_unit_text(const struct kvol_entry *e, const char *ksealctl,
		    const char *volumes, char *out, size_t outlen);

#endif /* KSEAL_VOLUME_UNIT_H */
