/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Project version, shared by the module (modinfo), the helper (--version)
 * and the blob header. Bump all three by changing this file only.
 */
#ifndef KSEAL_VERSION_H
#define KSEAL_VERSION_H

#define KSEAL_VERSION_MAJOR 0
#define KSEAL_VERSION_MINOR 1
#define KSEAL_VERSION_PATCH 0
#define KSEAL_VERSION_STRING "0.1.0"
/* Packed form stored in blob headers: 0x00MMmmpp. */
#define KSEAL_VERSION_CODE ((KSEAL_VERSION_MAJOR << 16) | \
			    (KSEAL_VERSION_MINOR << 8) | KSEAL_VERSION_PATCH)

#endif /* KSEAL_VERSION_H */
