// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device-mapper calls of "ksealctl volume", through libdevmapper, with
 * udev synchronisation where udev runs (then udev makes /dev/mapper/NAME;
 * without udev, as in an initramfs without it, the library does).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libdevmapper.h>

#include "dm.h"

static char last_error[256];

/* The library's messages, kept for our own one-line errors. */
static void dm_logger(int level, const char *file, int line, int dm_errno,
		      const char *fmt, ...)
{
	va_list ap;

	(void)file;
	(void)line;
	(void)dm_errno;
	if ((level & 7) > 3)	/* _LOG_ERR */
		return;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
}

const char *kdm_last_error(void)
{
	return last_error[0] ? last_error : "no message from libdevmapper";
}

static struct dm_task *task(int type, const char *name)
{
	struct dm_task *dmt;

	dm_log_with_errno_init(dm_logger);
	last_error[0] = '\0';
	dmt = dm_task_create(type);
	if (!dmt) {
		errno = ENOMEM;
		return NULL;
	}
	if (name && !dm_task_set_name(dmt, name)) {
		dm_task_destroy(dmt);
		errno = EINVAL;
		return NULL;
	}
	return dmt;
}

/* Frees @dmt keeping errno, which the caller reports. */
static void task_destroy(struct dm_task *dmt)
{
	int e = errno;

	dm_task_destroy(dmt);
	errno = e;
}

/* Runs @dmt; on failure errno is the ioctl's (EIO if unknown). */
static int run(struct dm_task *dmt)
{
	int e;

	if (dm_task_run(dmt))
		return 0;
	e = dm_task_get_errno(dmt);
	errno = e > 0 ? e : EIO;
	return -1;
}

int kdm_info(const char *name, struct kdm_info *info)
{
	struct dm_task *dmt = task(DM_DEVICE_INFO, name);
	struct dm_info i;
	const char *uuid;
	int ret = -1;

	memset(info, 0, sizeof(*info));
	if (!dmt)
		return -1;
	if (run(dmt) || !dm_task_get_info(dmt, &i))
		goto out;
	ret = 0;
	if (!i.exists)
		goto out;
	info->exists = true;
	info->read_only = i.read_only;
	info->open_count = i.open_count;
	info->major = i.major;
	info->minor = i.minor;
	uuid = dm_task_get_uuid(dmt);
	snprintf(info->uuid, sizeof(info->uuid), "%s", uuid ? uuid : "");
out:
	task_destroy(dmt);
	return ret;
}

/* Waits for udev's rules on the device, where udev runs. */
static int run_synced(struct dm_task *dmt)
{
	uint32_t cookie = 0;
	int ret, e;

	if (!dm_task_set_cookie(dmt, &cookie, 0)) {
		errno = EIO;
		return -1;
	}
	ret = run(dmt);
	e = errno;
	dm_udev_wait(cookie);
	errno = e;
	return ret;
}

int kdm_create_crypt(const char *name, const char *uuid, uint64_t sectors,
		     const char *params, bool read_only)
{
	struct dm_task *dmt = task(DM_DEVICE_CREATE, name);
	int ret = -1;

	if (!dmt)
		return -1;
	/* The parameters hold a key reference only; secure all the same. */
	if (!dm_task_set_uuid(dmt, uuid) || !dm_task_secure_data(dmt) ||
	    (read_only && !dm_task_set_ro(dmt)) ||
	    !dm_task_add_target(dmt, 0, sectors, "crypt", params)) {
		errno = EINVAL;
		goto out;
	}
	ret = run_synced(dmt);
out:
	task_destroy(dmt);
	return ret;
}

int kdm_remove(const char *name)
{
	struct dm_task *dmt = task(DM_DEVICE_REMOVE, name);
	int ret;

	if (!dmt)
		return -1;
	ret = run_synced(dmt);
	task_destroy(dmt);
	return ret;
}

int kdm_table(const char *name, char *type, size_t typelen, char *params,
	      size_t paramlen, uint64_t *sectors)
{
	struct dm_task *dmt = task(DM_DEVICE_TABLE, name);
	uint64_t start, len;
	char *t = NULL, *p = NULL;
	void *next;
	int ret = -1;

	if (!dmt)
		return -1;
	if (run(dmt))
		goto out;
	next = dm_get_next_target(dmt, NULL, &start, &len, &t, &p);
	/* One target, as ksealctl makes them. */
	if (next || !t || !p) {
		errno = EMEDIUMTYPE;
		goto out;
	}
	snprintf(type, typelen, "%s", t);
	snprintf(params, paramlen, "%s", p);
	*sectors = len;
	ret = 0;
out:
	task_destroy(dmt);
	return ret;
}

int kdm_list(char ***names, size_t *n)
{
	struct dm_task *dmt = task(DM_DEVICE_LIST, NULL);
	struct dm_names *nm;
	unsigned int next = 0;
	char **out = NULL, **grown;
	size_t count = 0;

	*names = NULL;
	*n = 0;
	if (!dmt)
		return -1;
	if (run(dmt)) {
		task_destroy(dmt);
		return -1;
	}
	nm = dm_task_get_names(dmt);
	if (nm && nm->dev) {
		do {
			struct kdm_info i;

			nm = (struct dm_names *)((char *)nm + next);
			if (kdm_info(nm->name, &i) || !i.exists ||
			    strncmp(i.uuid, KDM_UUID_PREFIX, strlen(KDM_UUID_PREFIX)))
				goto next;
			grown = realloc(out, (count + 1) * sizeof(*out));
			if (!grown)
				break;
			out = grown;
			out[count] = strdup(nm->name);
			if (out[count])
				count++;
next:
			next = nm->next;
		} while (next);
	}
	dm_task_destroy(dmt);
	*names = out;
	*n = count;
	return 0;
}
