// SPDX-License-Identifier: GPL-2.0-only
/*
 * A TPM that lies on request, for the malicious-TPM and fault tests.
 *
 * Creates a vTPM proxy device (/dev/vtpmx) and forwards every command the
 * kernel sends it to a real TPM 2.0 simulator (swtpm's raw socket in the
 * guest), then hands back the response, or a response damaged as the
 * fault file says. The kernel sees the proxy as an ordinary TPM chip, so
 * kseal's response parsing meets exactly the bytes a hostile or broken TPM
 * could send.
 *
 * Usage: kseal_tpm_proxy BACKEND_SOCKET FAULT_FILE LOG_FILE [TRANSCRIPT]
 *   Prints "tpmN" on stdout once the device exists, then serves until the
 *   kernel closes the device or the backend goes away.
 *
 * FAULT_FILE, read before every command, holds one line
 *   COMMAND ACTION [ARG] [always]
 * COMMAND is a name below or "any"; without "always" the fault fires once
 * and the file is emptied. Actions:
 *   rc VALUE        answer with a bare error response carrying VALUE
 *   size VALUE      set the response header's size field to VALUE
 *   tag VALUE       set the response header's tag
 *   truncate N      send only the first N bytes, header size set to N
 *   cut N           send only the first N bytes, header size left as it was
 *   flip OFFSET     flip every bit of the response byte at OFFSET
 *   set OFFSET BYTE store BYTE at OFFSET (to forge lengths and handles)
 *   grow N          append N bytes of 0xa5 and fix the header size
 *   reply FILE      send FILE's bytes (a whole response, e.g. one recorded
 *                   in a transcript) instead of the TPM's answer: an
 *                   impostor answering for the TPM; the TPM still ran the
 *                   command
 *   die             exit without answering (the TPM disappears mid-command)
 * A negative OFFSET counts from the end: flip -1 is the last byte (the
 * response HMAC's last byte when the response has an auth area). An
 * offset beyond the response changes nothing.
 * LOG_FILE gets one line per command: "<name> <rc hex> [fault=<action>]
 * cc=<command code>", and for GetRandom " bytes=<bytesRequested>" (the
 * kernel's hwrng thread asks for 64, kseal for at most 32): the guest's
 * tpm_counts_agree compares these with the module's own counters.
 * TRANSCRIPT, if given, gets every command and response in hex, one line
 * each, "> " for a command as the kernel sent it, "< " for the response as
 * the kernel received it (after any fault): what an interposer on the bus
 * sees, for the tests that search it for secrets.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/vtpm_proxy.h>

#define BUF_MAX 8192
#define HDR_LEN 10
#define CC_GET_RANDOM 0x17b

static const struct {
	const char *name;
	uint32_t cc;
} commands[] = {
	{ "create", 0x153 },	{ "load", 0x157 },
	{ "unseal", 0x15e },	{ "flushcontext", 0x165 },
	{ "policyauthvalue", 0x16b },	{ "policyor", 0x171 },
	{ "readpublic", 0x173 },	{ "startauthsession", 0x176 },
	{ "getcapability", 0x17a },	{ "getrandom", CC_GET_RANDOM },
	{ "pcrread", 0x17e },	{ "policypcr", 0x17f },
	{ "pcrextend", 0x182 },	{ "policygetdigest", 0x189 },
	{ "policypassword", 0x18c },
	{ "createprimary", 0x131 },	{ "evictcontrol", 0x120 },
	{ "selftest", 0x143 },	{ "startup", 0x144 },
	{ "contextsave", 0x162 },	{ "contextload", 0x161 },
};

struct fault {
	char cmd[32];
	char action[16];
	long arg;
	long arg2;
	char file[256];
	bool always;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static const char *cc_name(uint32_t cc, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].cc == cc)
			return commands[i].name;
	snprintf(buf, len, "cc-0x%x", cc);
	return buf;
}

static int read_full(int fd, uint8_t *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

static int write_full(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Reads and, unless it is sticky, consumes the fault for this command. */
static bool take_fault(const char *path, const char *name, struct fault *f)
{
	char line[256], always[16] = "";
	FILE *fp = fopen(path, "re");
	int n;

	if (!fp)
		return false;
	memset(f, 0, sizeof(*f));
	if (!fgets(line, sizeof(line), fp)) {
		fclose(fp);
		return false;
	}
	fclose(fp);
	n = sscanf(line, "%31s %15s %li %15s", f->cmd, f->action,
		   &f->arg, always);
	if (n < 2)
		return false;
	if (strcmp(f->cmd, "any") && strcmp(f->cmd, name))
		return false;
	if (!strcmp(f->action, "set")) {
		/* "set OFFSET BYTE [always]" has one more number. */
		char extra[16] = "";

		always[0] = '\0';
		sscanf(line, "%*s %*s %li %li %15s %15s", &f->arg,
		       &f->arg2, always, extra);
	}
	if (!strcmp(f->action, "reply")) {
		/* "reply FILE [always]": the argument is a path. */
		always[0] = '\0';
		if (sscanf(line, "%*s %*s %255s %15s", f->file, always) < 1)
			return false;
	}
	f->always = !strcmp(always, "always");
	if (!f->always) {
		fp = fopen(path, "we");
		if (fp)
			fclose(fp);
	}
	return true;
}

/* OFFSET of flip and set: from the start, or from the end if negative. */
static bool fault_offset(long arg, size_t len, size_t *off)
{
	if (arg < 0 ? (size_t)-arg > len : (size_t)arg >= len)
		return false;
	*off = arg < 0 ? len - (size_t)-arg : (size_t)arg;
	return true;
}

/* Returns the length to send, or -1 to exit without answering. */
static long apply_fault(const struct fault *f, uint8_t *rsp, size_t len)
{
	size_t off;

	if (!strcmp(f->action, "rc")) {
		rsp[0] = 0x80;
		rsp[1] = 0x01;
		put_be32(rsp + 2, HDR_LEN);
		put_be32(rsp + 6, f->arg);
		return HDR_LEN;
	}
	if (!strcmp(f->action, "size")) {
		put_be32(rsp + 2, f->arg);
		return len;
	}
	if (!strcmp(f->action, "tag")) {
		rsp[0] = f->arg >> 8;
		rsp[1] = f->arg;
		return len;
	}
	if (!strcmp(f->action, "truncate")) {
		if (f->arg >= 0 && (size_t)f->arg < len)
			len = f->arg;
		if (len >= 6)
			put_be32(rsp + 2, len);
		return len;
	}
	if (!strcmp(f->action, "cut"))
		return f->arg >= 0 && (size_t)f->arg < len ? f->arg : (long)len;
	if (!strcmp(f->action, "flip")) {
		if (fault_offset(f->arg, len, &off))
			rsp[off] ^= 0xff;
		return len;
	}
	if (!strcmp(f->action, "set")) {
		if (fault_offset(f->arg, len, &off))
			rsp[off] = f->arg2;
		return len;
	}
	if (!strcmp(f->action, "grow")) {
		size_t add = f->arg < 0 ? 0 : f->arg;

		if (len + add > BUF_MAX)
			add = BUF_MAX - len;
		memset(rsp + len, 0xa5, add);
		len += add;
		put_be32(rsp + 2, len);
		return len;
	}
	if (!strcmp(f->action, "reply")) {
		static uint8_t file[BUF_MAX];
		FILE *fp = fopen(f->file, "rbe");
		size_t n = 0;

		if (fp) {
			n = fread(file, 1, sizeof(file), fp);
			fclose(fp);
		}
		/*
		 * Not a whole response: a test's mistake, said on the console,
		 * and the TPM's own answer goes out so that the test fails.
		 */
		if (n < HDR_LEN || be32(file + 2) != n) {
			fprintf(stderr, "tpm-proxy: reply: %s is not a response (%zu bytes)\n",
				f->file, n);
			return len;
		}
		memcpy(rsp, file, n);
		return n;
	}
	if (!strcmp(f->action, "die"))
		return -1;
	return len;
}

/* One transcript line: "> " or "< " and the message in hex. */
static void record(FILE *t, char dir, const uint8_t *buf, size_t len)
{
	size_t i;

	if (!t)
		return;
	fprintf(t, "%c ", dir);
	for (i = 0; i < len; i++)
		fprintf(t, "%02x", buf[i]);
	fputc('\n', t);
	fflush(t);
}

static int connect_backend(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * One command to the real TPM and its whole response into @rsp (BUF_MAX
 * bytes). Returns the response size, or 0 if the TPM did not answer or
 * answered with a size out of bounds.
 */
static uint32_t transact(int backend, const uint8_t *cmd, size_t len, uint8_t *rsp)
{
	uint32_t size;

	if (write_full(backend, cmd, len) || read_full(backend, rsp, HDR_LEN))
		return 0;
	size = be32(rsp + 2);
	if (size < HDR_LEN || size > BUF_MAX ||
	    read_full(backend, rsp + HDR_LEN, size - HDR_LEN))
		return 0;
	return size;
}

/*
 * swtpm does its self-test and first-use work on the first commands. On
 * the debug kernel under TCG that can outlast the kernel's timeout for
 * the vTPM's own start-up commands, so it happens before the vTPM exists.
 */
static int warm_up(int backend)
{
	/* TPM2_SelfTest(fullTest = YES), then TPM2_GetRandom(8). */
	static const uint8_t cmds[][12] = {
		{ 0x80, 0x01, 0, 0, 0, 11, 0, 0, 0x01, 0x43, 1 },
		{ 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7b, 0, 8 },
	};
	uint8_t rsp[BUF_MAX];
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!transact(backend, cmds[i], be32(cmds[i] + 2), rsp))
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct vtpm_proxy_new_dev dev = { .flags = VTPM_PROXY_FLAG_TPM2 };
	static uint8_t cmd[BUF_MAX], rsp[BUF_MAX];
	int vtpmx, backend;
	FILE *log, *transcript = NULL;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: %s BACKEND_SOCKET FAULT_FILE LOG_FILE [TRANSCRIPT]\n",
			argv[0]);
		return 2;
	}
	backend = connect_backend(argv[1]);
	if (backend < 0) {
		fprintf(stderr, "tpm-proxy: cannot connect to %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	log = fopen(argv[3], "ae");
	if (!log) {
		fprintf(stderr, "tpm-proxy: cannot open %s: %s\n", argv[3], strerror(errno));
		return 1;
	}
	setvbuf(log, NULL, _IOLBF, 0);
	if (argc == 5) {
		transcript = fopen(argv[4], "ae");
		if (!transcript) {
			fprintf(stderr, "tpm-proxy: cannot open %s: %s\n", argv[4],
				strerror(errno));
			return 1;
		}
	}
	if (warm_up(backend)) {
		fprintf(stderr, "tpm-proxy: the TPM behind %s does not answer\n", argv[1]);
		return 1;
	}
	vtpmx = open("/dev/vtpmx", O_RDWR | O_CLOEXEC);
	if (vtpmx < 0 || ioctl(vtpmx, VTPM_PROXY_IOC_NEW_DEV, &dev)) {
		fprintf(stderr, "tpm-proxy: cannot create a vTPM: %s (is tpm_vtpm_proxy loaded?)\n",
			strerror(errno));
		return 1;
	}
	close(vtpmx);
	printf("tpm%u\n", dev.tpm_num);
	fflush(stdout);

	for (;;) {
		char namebuf[32];
		const char *name;
		struct fault f;
		bool faulted;
		ssize_t n;
		long out;
		uint32_t cc, size;

		n = read(dev.fd, cmd, sizeof(cmd));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* the kernel removed the device */
		if (n < HDR_LEN)
			break;
		cc = be32(cmd + 6);
		name = cc_name(cc, namebuf, sizeof(namebuf));

		if (cc == TPM2_CC_SET_LOCALITY) {
			/* The proxy's own command: there is one locality here. */
			static const uint8_t ok[HDR_LEN] = { 0x80, 0x01, 0, 0, 0, HDR_LEN };

			if (write_full(dev.fd, ok, HDR_LEN))
				break;
			continue;
		}

		record(transcript, '>', cmd, n);
		size = transact(backend, cmd, n, rsp);
		if (!size)
			break;

		faulted = take_fault(argv[2], name, &f);
		out = faulted ? apply_fault(&f, rsp, size) : (long)size;
		fprintf(log, "%s 0x%x%s%s cc=0x%x", name,
			out >= HDR_LEN ? be32(rsp + 6) : 0,
			faulted ? " fault=" : "", faulted ? f.action : "", cc);
		if (cc == CC_GET_RANDOM && n >= HDR_LEN + 2)
			fprintf(log, " bytes=%u", (unsigned int)(cmd[10] << 8 | cmd[11]));
		fputc('\n', log);
		if (out < 0)
			return 0;	/* "die": vanish mid-command */
		record(transcript, '<', rsp, out);
		if (write_full(dev.fd, rsp, out))
			break;
	}
	return 0;
}
