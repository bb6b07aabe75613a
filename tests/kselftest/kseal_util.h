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
/* A count or seed from the environment; unset or empty: @def. */
static inline unsigned long kseal_env_num(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

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

/*
 * Counters, hex and a minimal TPM 2.0 client for tests that check the
 * module's TPM traffic from the outside. The TPM helpers talk to the
 * character devices directly so that the check does not depend on the
 * code under test or on tpm2-tss.
 */
#include <stdint.h>
#include <sys/vfs.h>
#include <linux/magic.h>

/* The module's counters: in debugfs, as they are for tests, not ABI. */
#define KSEAL_DEBUGFS "/sys/kernel/debug"
#define KSEAL_COUNTERS KSEAL_DEBUGFS "/kseal/"

static inline int kseal_debugfs_mounted(void)
{
	struct statfs s;

	return statfs(KSEAL_DEBUGFS, &s) == 0 && s.f_type == DEBUGFS_MAGIC;
}

/*
 * First thing in a test that reads the counters: no debugfs is a reason
 * to skip; a debugfs without the module's counters fails at the reads.
 */
#define KSEAL_NEED_COUNTERS()							do {										if (!kseal_debugfs_mounted())							SKIP(return, "no debugfs at " KSEAL_DEBUGFS				     ": the kseal counters live there");		} while (0)

/* KSEAL_COUNTERS<name> as a number; 0 or -errno. */
static inline int kseal_stat(const char *name, unsigned long long *v)
{
	char path[128], buf[32], *end;
	int ret;

	snprintf(path, sizeof(path), KSEAL_COUNTERS "%s", name);
	ret = kseal_read_text(path, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	*v = strtoull(buf, &end, 10);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

/* Count of one command in tpm_commands_by_cc (0 if not listed). */
static inline int kseal_stat_cc(const char *cmd, unsigned long long *v)
{
	FILE *f = fopen(KSEAL_COUNTERS "tpm_commands_by_cc", "re");
	char line[128], name[64];
	unsigned long long n;

	if (!f)
		return -errno;
	*v = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %llu", name, &n) == 2 && !strcmp(name, cmd))
			*v = n;
	}
	fclose(f);
	return 0;
}

static inline int kseal_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes 2 * n hex digits into out[n]; 0 or -EINVAL. */
static inline int kseal_unhex(const char *hex, uint8_t *out, size_t n)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		hi = kseal_hexval(hex[2 * i]);
		lo = kseal_hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Lowercase hex of in[n] into out (2 * n + 1 bytes, NUL-terminated). */
static inline void kseal_tohex(const uint8_t *in, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static inline uint32_t kseal_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t kseal_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void kseal_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline void kseal_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/*
 * Sends one command to a TPM character device and reads the response.
 * Returns the TPM response code (>= 0) or -errno; *rlen gets the size.
 */
static inline int kseal_tpm_transact(const char *dev, const uint8_t *cmd,
				     size_t len, uint8_t *rsp, size_t cap,
				     size_t *rlen)
{
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, cmd, len);
	if (n != (ssize_t)len) {
		err = n < 0 ? -errno : -EIO;
		close(fd);
		return err;
	}
	n = read(fd, rsp, cap);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	if (n < 10 || kseal_get_be32(rsp + 2) != (uint32_t)n)
		return -EBADMSG;
	*rlen = n;
	return (int)kseal_get_be32(rsp + 6);
}

/* TPM2_GetCapability(TPM_CAP_HANDLES) handle ranges. */
#define KSEAL_TPM_HT_TRANSIENT		0x80000000U
#define KSEAL_TPM_HT_LOADED_SESSION	0x02000000U
#define KSEAL_TPM_HT_SAVED_SESSION	0x03000000U

/*
 * How many handles of one type the TPM holds, asked through /dev/tpm0
 * (the raw handle space the module uses; /dev/tpmrm0 would show only this
 * process's own space). /dev/tpm0 is exclusive: it is closed on return.
 * Returns the count or -errno (-EPROTO for a TPM error code).
 */
static inline int kseal_tpm_handle_count(uint32_t first)
{
	uint8_t cmd[22], rsp[1024];
	size_t rlen = 0;
	int rc;

	kseal_put_be16(cmd, 0x8001);		/* TPM_ST_NO_SESSIONS */
	kseal_put_be32(cmd + 2, sizeof(cmd));
	kseal_put_be32(cmd + 6, 0x0000017a);	/* TPM_CC_GetCapability */
	kseal_put_be32(cmd + 10, 1);		/* TPM_CAP_HANDLES */
	kseal_put_be32(cmd + 14, first);
	kseal_put_be32(cmd + 18, 64);
	rc = kseal_tpm_transact("/dev/tpm0", cmd, sizeof(cmd), rsp,
				sizeof(rsp), &rlen);
	if (rc < 0)
		return rc;
	if (rc)
		return -EPROTO;
	/* moreData(1) capability(4) count(4) handles(4 each) */
	if (rlen < 19 || kseal_get_be32(rsp + 11) != 1 ||
	    rlen != 19 + 4 * (size_t)kseal_get_be32(rsp + 15))
		return -EBADMSG;
	return (int)kseal_get_be32(rsp + 15);
}

/*
 * TPM2_PCR_Extend of one sha256 PCR with @digest through /dev/tpmrm0
 * (empty platform authorization, as on a VM). TPM response code or -errno.
 */
static inline int kseal_tpm_pcr_extend(unsigned int pcr, const uint8_t *digest)
{
	uint8_t cmd[10 + 4 + 4 + 9 + 4 + 2 + 32], rsp[64];
	size_t rlen = 0;
	uint8_t *p = cmd;

	kseal_put_be16(p, 0x8002);		/* TPM_ST_SESSIONS */
	kseal_put_be32(p + 2, sizeof(cmd));
	kseal_put_be32(p + 6, 0x00000182);	/* TPM_CC_PCR_Extend */
	kseal_put_be32(p + 10, pcr);
	kseal_put_be32(p + 14, 9);		/* authorization size */
	kseal_put_be32(p + 18, 0x40000009);	/* TPM_RS_PW */
	kseal_put_be16(p + 22, 0);		/* nonce */
	p[24] = 0;				/* session attributes */
	kseal_put_be16(p + 25, 0);		/* empty password */
	kseal_put_be32(p + 27, 1);		/* one digest */
	kseal_put_be16(p + 31, 0x000b);		/* TPM_ALG_SHA256 */
	memcpy(p + 33, digest, 32);
	return kseal_tpm_transact("/dev/tpmrm0", cmd, sizeof(cmd), rsp,
				  sizeof(rsp), &rlen);
}

/*
 * The describe text of a key as /proc/keys shows it, after "<desc>: ".
 * 0, -ENOENT if the key is not listed, or -errno.
 */
static inline int kseal_proc_keys_describe(int32_t serial, char *out,
					   size_t len)
{
	FILE *f = fopen("/proc/keys", "re");
	char line[1024], *p, *nl;
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strtoul(line, NULL, 16) != (unsigned long)(uint32_t)serial)
			continue;
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		/* The type column is left-aligned in 9 characters. */
		p = strstr(line, " kseal ");
		if (!p)
			break;
		p += strlen(" kseal ");
		while (*p == ' ')
			p++;
		p = strstr(p, ": ");
		if (!p)
			break;
		snprintf(out, len, "%s", p + 2);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

#endif /* KSEAL_SELFTEST_UTIL_H */
