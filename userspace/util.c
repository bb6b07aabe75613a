// SPDX-License-Identifier: GPL-2.0-only
/*
 * Messages, input validation, passphrase input and the config file.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ksealctl.h"
#include "payload.h"

void kerr(const char *fmt, ...)
{
	va_list ap;

	fputs("ksealctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void kinfo(const char *fmt, ...)
{
	va_list ap;

	if (g.verbose < 0)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void kverbose(const char *fmt, ...)
{
	va_list ap;

	if (g.verbose < 1)
		return;
	fputs("ksealctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Key names become file names and key descriptions: keep them plain. */
bool valid_name(const char *name)
{
	size_t n = strlen(name), i;

	if (!n || n > KSEAL_KEY_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) &&
		    !strchr("._-", name[i]))
			return false;
	return strcmp(name, "state") && strcmp(name, "current");
}

/*
 * The module's grammar (payload.h), so that the command line, the state
 * files and the kernel agree; the lengths fit struct kkey's fields.
 */
bool valid_pcr_list(const char *list)
{
	return strlen(list) < 96 && payload_pcrs_ok(list);
}

int seal_opt(int c, const char *arg, struct seal_opts *o)
{
	long fd;

	switch (c) {
	case OPT_PCRS:
		if (!valid_pcr_list(arg)) {
			kerr("%s: bad --pcrs '%s'; use indexes 0..23 and ranges, e.g. 0,2-4,7",
			     g.cmd, arg);
			return KX_USAGE;
		}
		o->pcrs = arg;
		break;
	case OPT_RECOVERY_FD:
		if (parse_int(arg, 0, 65535, &fd)) {
			kerr("%s: bad --recovery-fd '%s'; give an open file descriptor number",
			     g.cmd, arg);
			return KX_USAGE;
		}
		o->recovery_fd = (int)fd;
		/* fall through */
	case OPT_RECOVERY:
		o->recovery = true;
		break;
	}
	return KX_OK;
}

/* dm-crypt finds logon keys as "subsystem:name". */
bool valid_logon_desc(const char *desc)
{
	return strlen(desc) < 128 && payload_logon_ok(desc);
}

int parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

bool valid_passphrase(const char *pass)
{
	size_t n = strlen(pass), i;

	if (!n || n > KSEAL_RECOVERY_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!isgraph((unsigned char)pass[i]))
			return false;
	return true;
}

void hex_encode(const uint8_t *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
}

bool hex_decode_exact(const char *h, uint8_t *out, size_t n)
{
	size_t i;

	if (strlen(h) != 2 * n)
		return false;
	for (i = 0; i < 2 * n; i++) {
		char c = h[i];
		int v = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (v < 0)
			return false;
		if (i & 1)
			out[i / 2] |= (uint8_t)v;
		else
			out[i / 2] = (uint8_t)(v << 4);
	}
	return true;
}

void pcr_mask_format(uint32_t mask, char *out, size_t len)
{
	size_t n = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < KSEAL_PCR_COUNT && n < len; i++)
		if (mask & 1U << i)
			n += (size_t)snprintf(out + n, len - n, "%s%d",
					      n ? "," : "", i);
}

void free_secret(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/*
 * Reads one line from @fd, or from the terminal with echo off when @fd is
 * negative. The trailing newline is dropped.
 */
char *read_passphrase(const char *prompt, int fd)
{
	struct termios old, quiet;
	char buf[KSEAL_RECOVERY_MAX + 2];
	bool tty = false;
	size_t len = 0;
	int in = fd, saved;
	char *out;

	if (fd < 0) {
		in = open("/dev/tty", O_RDWR | O_CLOEXEC);
		if (in < 0) {
			kerr("cannot read the passphrase: no terminal; use --recovery-fd N");
			return NULL;
		}
		if (!tcgetattr(in, &old)) {
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			tty = !tcsetattr(in, TCSAFLUSH, &quiet);
		}
		if (write(in, prompt, strlen(prompt)) < 0)
			kverbose("cannot show the passphrase prompt");
	}
	while (len < sizeof(buf) - 1) {
		ssize_t n = read(in, buf + len, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || buf[len] == '\n')
			break;
		len++;
	}
	buf[len] = '\0';
	saved = errno;
	if (fd < 0) {
		if (tty) {
			tcsetattr(in, TCSAFLUSH, &old);
			if (write(in, "\n", 1) < 0)
				kverbose("cannot end the prompt line");
		}
		close(in);
	}
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	out = strdup(buf);
	explicit_bzero(buf, sizeof(buf));
	if (!out) {
		errno = saved;
		return NULL;
	}
	if (!valid_passphrase(out)) {
		kerr("invalid recovery passphrase: it must be 1..%d printable characters without spaces",
		     KSEAL_RECOVERY_MAX);
		free_secret(out);
		return NULL;
	}
	return out;
}

/* KEY=VALUE lines, '#' comments, optional quotes: systemd can read it too. */
char *conf_get(const char *path, const char *key)
{
	FILE *f = fopen(path, "re");
	char line[512], *val = NULL;
	size_t klen = strlen(key);

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *e;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '#' || strncmp(p, key, klen) || p[klen] != '=')
			continue;
		p += klen + 1;
		e = p + strlen(p);
		while (e > p && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (e - p >= 2 && (*p == '"' || *p == '\'') && e[-1] == *p) {
			e[-1] = '\0';
			p++;
		}
		free(val);
		val = strdup(p);
	}
	fclose(f);
	return val;
}
