// SPDX-License-Identifier: GPL-2.0-only
/*
 * The volumes file, /etc/kseal/volumes (kseal-volumes(5)): one volume per
 * line, "NAME DEVICE KEY [OPTIONS]", like crypttab. Parsed from a buffer,
 * strictly: an unknown option or a bad field refuses the whole file, so
 * that the generator and "volume open" never act on half of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "volume.h"

#define WS " \t"

static bool parse_sector(const char *v, uint32_t *out)
{
	char *end;
	unsigned long n;

	if (*v < '1' || *v > '9')
		return false;
	n = strtoul(v, &end, 10);
	if (*end || !kvol_valid_sector(n))
		return false;
	*out = (uint32_t)n;
	return true;
}

static bool parse_opts(char *s, struct kvol_entry *e, const char **bad)
{
	static const struct {
		const char *name;
		unsigned int flag;
	} flags[] = {
		{ "discard", KVOL_OPT_DISCARD },
		{ "readonly", KVOL_OPT_READONLY },
		{ "nofail", KVOL_OPT_NOFAIL },
		{ "initramfs", KVOL_OPT_INITRAMFS },
	};
	char *save = NULL, *o;
	size_t i;

	/* "-" or "none" stand for no options, as in crypttab. */
	if (!strcmp(s, "-") || !strcmp(s, "none"))
		return true;
	/* An empty option (",,", a comma at an end) is a typo, not nothing. */
	if (s[0] == ',' || s[strlen(s) - 1] == ',' || strstr(s, ",,")) {
		*bad = "an empty option";
		return false;
	}
	for (o = strtok_r(s, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		*bad = o;
		if (!strncmp(o, "sector-size=", 12)) {
			if (e->sector_size || !parse_sector(o + 12, &e->sector_size))
				return false;
			continue;
		}
		for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
			if (!strcmp(o, flags[i].name))
				break;
		if (i == sizeof(flags) / sizeof(flags[0]) ||
		    (e->opts & flags[i].flag))
			return false;
		e->opts |= flags[i].flag;
	}
	return true;
}

static bool valid_device(const char *d)
{
	size_t i;

	if (d[0] != '/' || strlen(d) >= sizeof(((struct kvol_entry *)0)->device))
		return false;
	/* It goes into unit files and a dm table: printable, no quoting. */
	for (i = 0; d[i]; i++)
		if (d[i] <= ' ' || d[i] > '~' || strchr("\"'\\%$", d[i]))
			return false;
	return true;
}

/* One line without its newline; false with @err set. */
static bool parse_line(char *line, unsigned int no, struct kvol_table *t,
		       char *err, size_t errlen)
{
	char *save = NULL, *f[5], *copy;
	const char *bad = NULL;
	struct kvol_entry e = { .line = no }, *ne;
	int n = 0;

	for (f[n] = strtok_r(line, WS, &save); f[n] && n < 4;)
		f[++n] = strtok_r(NULL, WS, &save);
	if (!n || f[0][0] == '#')
		return true;
	if (n < 3 || (n == 4 && f[4])) {
		snprintf(err, errlen, "line %u: want NAME DEVICE KEY [OPTIONS], found %s%d fields",
			 no, n == 4 ? "more than " : "", n);
		return false;
	}
	if (!kvol_valid_name(f[0])) {
		snprintf(err, errlen, "line %u: bad volume name '%.64s' (letters, digits, '.', '_', '-', at most %d, not starting with '.' or '-')",
			 no, f[0], KVOL_NAME_MAX);
		return false;
	}
	if (!valid_device(f[1])) {
		snprintf(err, errlen, "line %u: bad device '%.64s' (an absolute path such as /dev/disk/by-id/...)",
			 no, f[1]);
		return false;
	}
	if (!kvol_valid_name(f[2]) || strlen(f[2]) >= sizeof(e.key)) {
		snprintf(err, errlen, "line %u: bad key name '%.64s'", no, f[2]);
		return false;
	}
	copy = n == 4 ? strdup(f[3]) : NULL;
	if (n == 4 && (!copy || !parse_opts(copy, &e, &bad))) {
		snprintf(err, errlen, "line %u: bad option '%.64s' (known: discard, readonly, nofail, initramfs, sector-size=512|1024|2048|4096, each once)",
			 no, bad ? bad : "");
		free(copy);
		return false;
	}
	free(copy);
	if (kvol_table_find(t, f[0])) {
		snprintf(err, errlen, "line %u: volume '%s' is declared twice",
			 no, f[0]);
		return false;
	}
	strcpy(e.name, f[0]);
	strcpy(e.device, f[1]);
	strcpy(e.key, f[2]);
	ne = realloc(t->e, (t->n + 1) * sizeof(*t->e));
	if (!ne) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	t->e = ne;
	t->e[t->n++] = e;
	return true;
}

bool kvol_table_parse(const char *text, size_t len, struct kvol_table *t,
		      char *err, size_t errlen)
{
	char *buf, *line, *next;
	unsigned int no = 0;
	bool ok = true;

	t->e = NULL;
	t->n = 0;
	if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "a NUL byte: not a text file");
		return false;
	}
	buf = malloc(len + 1);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	for (line = buf; ok && line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		no++;
		ok = parse_line(line, no, t, err, errlen);
	}
	free(buf);
	if (!ok)
		kvol_table_free(t);
	return ok;
}

void kvol_table_free(struct kvol_table *t)
{
	free(t->e);
	t->e = NULL;
	t->n = 0;
}

const struct kvol_entry *kvol_table_find(const struct kvol_table *t,
					 const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->e[i].name, name))
			return &t->e[i];
	return NULL;
}
