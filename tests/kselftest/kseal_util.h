/* SPDX-License-Identifier: GPL-2.0-only */
/* Small helpers shared by the kseal selftests. */
#ifndef KSEAL_SELFTEST_UTIL_H
#define KSEAL_SELFTEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Where the VM's initramfs puts the module; override for other setups. */
static inline const char *kseal_module_path(void)
{
	const char *p = getenv("KSEAL_MODULE");

	return p ? p : "/lib/kseal.ko";
}

static inline int kseal_module_loaded(void)
{
	struct stat st;

	return stat("/sys/module/kseal", &st) == 0;
}

/* Returns 0 or -errno, like the kernel. */
static inline int kseal_module_load(const char *params)
{
	int fd = open(kseal_module_path(), O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params ? params : "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

static inline int kseal_module_unload(void)
{
	return syscall(SYS_delete_module, "kseal", O_NONBLOCK) ? -errno : 0;
}

/* Reads a small text file into buf, without the trailing newline. */
static inline int kseal_read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

/* Counts lines of /proc/keys that contain needle. */
static inline int kseal_proc_keys_count(const char *needle)
{
	FILE *f = fopen("/proc/keys", "re");
	char line[512];
	int n = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, needle))
			n++;
	fclose(f);
	return n;
}

static inline int kseal_have_tpm2(void)
{
	char v[16];

	if (kseal_read_text("/sys/class/tpm/tpm0/tpm_version_major", v, sizeof(v)))
		return 0;
	return strcmp(v, "2") == 0;
}

#endif /* KSEAL_SELFTEST_UTIL_H */
