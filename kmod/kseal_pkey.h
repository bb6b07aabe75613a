/* SPDX-License-Identifier: GPL-2.0-only */
/* keyctl pkey_* on data keys (kseal_pkey.c): the key type's asym ops. */
#ifndef KSEAL_PKEY_H
#define KSEAL_PKEY_H

#include <linux/key.h>
#include <linux/keyctl.h>

/*
 * Exported by the keys subsystem but declared only in its internal header;
 * pkey_* need it to check Read beyond the Search the syscall checked.
 */
int key_task_permission(const key_ref_t key_ref, const struct cred *cred,
			enum key_need_perm need_perm);

/* keyctl pkey_query, pkey_encrypt/decrypt/sign, pkey_verify. */
int kseal_pkey_query(const struct kernel_pkey_params *params,
		     struct kernel_pkey_query *info);
int kseal_pkey_eds_op(struct kernel_pkey_params *params,
		      const void *in, void *out);
int kseal_pkey_verify(struct kernel_pkey_params *params,
		      const void *in, const void *in2);

#endif /* KSEAL_PKEY_H */
