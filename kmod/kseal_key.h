/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KSEAL_KEY_H
#define KSEAL_KEY_H

#include <linux/key-type.h>

extern struct key_type kseal_key_type;

#endif /* KSEAL_KEY_H */
