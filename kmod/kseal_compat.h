/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The parsers for untrusted bytes (blobs, option strings, ciphertexts, TPM
 * responses) compile into the module and into host unit tests and fuzzers.
 * This header gives them the few kernel types and helpers they use, and
 * holds what differs between the kernel series kseal builds for.
 */
#ifndef KSEAL_COMPAT_H
#define KSEAL_COMPAT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <crypto/algapi.h>
/* 6.12 moved the unaligned accessors from asm/ to linux/ (see Kbuild). */
#ifdef KSEAL_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#else /* host build */

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* The kernel's own definitions on x86-64 and other LP64 hosts. */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int s32;
static_assert(sizeof(u16) == 2 && sizeof(u32) == 4 && sizeof(u64) == 8,
	      "host type sizes differ from the kernel's");

#ifndef EBADMSG
#define EBADMSG 74
#endif
#ifndef EKEYREJECTED
#define EKEYREJECTED 129
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

static inline u16 get_unaligned_be16(const void *p)
{
	const u8 *b = p;

	return (u16)((b[0] << 8) | b[1]);
}

static inline u32 get_unaligned_be32(const void *p)
{
	const u8 *b = p;

	return ((u32)b[0] << 24) | ((u32)b[1] << 16) | ((u32)b[2] << 8) | b[3];
}

static inline void put_unaligned_be16(u16 v, void *p)
{
	u8 *b = p;

	b[0] = v >> 8;
	b[1] = v;
}

static inline void put_unaligned_be32(u32 v, void *p)
{
	u8 *b = p;

	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

/* Host stand-ins for the kernel's allocator. */
#define GFP_KERNEL 0
static inline void *kmalloc(size_t n, int gfp)
{
	(void)gfp;
	return malloc(n);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

/* Host stand-in for the kernel's wipe: the compiler must not elide it. */
static inline void memzero_explicit(void *s, size_t n)
{
	memset(s, 0, n);
	__asm__ __volatile__("" : : "r"(s) : "memory");
}

/* Host stand-in for the kernel's constant-time comparison. */
static inline int crypto_memneq(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;
	u8 d = 0;

	/* The barrier keeps the compiler from stopping at the first difference. */
	while (n--) {
		d |= *x++ ^ *y++;
		__asm__ __volatile__("" : "+r"(d));
	}
	return d != 0;
}

#endif /* __KERNEL__ */

#endif /* KSEAL_COMPAT_H */
