// SPDX-License-Identifier: GPL-2.0-only
/*
 * What "ksealctl volume generate" writes for one line of the volumes
 * file: the unit's name and text, as strings; cmd_volume.c writes them.
 */
#include <stdio.h>
#include <string.h>

#include "volume.h"
#include "volume_unit.h"

bool kvol_unit_escape(const char *s, bool path, char *out, size_t outlen)
{
	size_t o = 0, need;
	char tmp[5];
	const char *p;

	if (path) {
		while (*s == '/')
			s++;
		if (!*s) {
			if (outlen < 2)
				return false;
			strcpy(out, "-");
			return true;
		}
	}
	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (path && c == '/') {
			/* Repeated and trailing slashes do not count. */
			if (p[1] == '/' || !p[1])
				continue;
			tmp[0] = '-';
			tmp[1] = '\0';
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == ':' || c == '_' ||
			   (c == '.' && p != s)) {
			tmp[0] = (char)c;
			tmp[1] = '\0';
		} else {
			snprintf(tmp, sizeof(tmp), "\\x%02x", c);
		}
		need = strlen(tmp);
		if (o + need >= outlen)
			return false;
		memcpy(out + o, tmp, need);
		o += need;
	}
	out[o] = '\0';
	return true;
}

bool kvol_unit_name(const char *name, char *out, size_t outlen)
{
	char esc[4 * KVOL_NAME_MAX + 1];

	return kvol_unit_escape(name, false, esc, sizeof(esc)) &&
	       snprintf(out, outlen, "kseal-volume@%s.service", esc) < (int)outlen;
}

bool kvol_device_unit(const char *path, char *out, size_t outlen)
{
	size_t n;

	if (!kvol_unit_escape(path, true, out, outlen))
		return false;
	n = strlen(out);
	if (n + sizeof(".device") > outlen)
		return false;
	strcpy(out + n, ".device");
	return true;
}

bool kvol_unit_text(const struct kvol_entry *e, const char *ksealctl,
		    const char *volumes, char *out, size_t outlen)
{
	char dev[1024];
	int n;

	if (!kvol_device_unit(e->device, dev, sizeof(dev)))
		return false;
	n = snprintf(out, outlen,
		"# Written by ksealctl volume generate from %s, line %u.\n"
		"[Unit]\n"
		"Description=kseal volume %s\n"
		"Documentation=man:kseal-volumes(5) man:ksealctl(8)\n"
		"SourcePath=%s\n"
		"DefaultDependencies=no\n"
		"IgnoreOnIsolate=yes\n"
		"# The data key and its logon key come from the boot unit.\n"
		"Wants=kseal-load.service\n"
		"After=kseal-load.service\n"
		"BindsTo=%s\n"
		"After=%s\n"
		"Before=cryptsetup.target umount.target\n"
		"Conflicts=umount.target\n"
		"\n"
		"[Service]\n"
		"Type=oneshot\n"
		"RemainAfterExit=yes\n"
		"# The kseal keyring is in root's user keyring (as for kseal-load).\n"
		"KeyringMode=shared\n"
		"ExecStart=%s volume open %s --volumes %s\n"
		"ExecStop=%s volume close %s\n",
		volumes, e->line, e->name, volumes, dev, dev,
		ksealctl, e->name, volumes, ksealctl, e->name);
	return n > 0 && n < (int)outlen;
}
