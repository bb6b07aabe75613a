// SPDX-License-Identifier: GPL-2.0-only
/*
 * The audit daemon's part in a benchmark boot: registers as the audit
 * netlink reader and appends every record, one line each, to a log file,
 * as auditd does. Without a reader the kernel prints records to the
 * console, which a server does not pay for and a TCG guest pays a lot for.
 *
 * Usage: audit_reader LOGFILE   (runs until killed)
 */
#include <errno.h>
#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct audit_reply rep;
	FILE *log;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: audit_reader LOGFILE\n");
		return 2;
	}
	log = fopen(argv[1], "a");
	if (!log) {
		fprintf(stderr, "audit_reader: cannot open %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	fd = audit_open();
	if (fd < 0 || audit_set_pid(fd, getpid(), WAIT_YES) <= 0 ||
	    audit_set_enabled(fd, 1) <= 0) {
		fprintf(stderr, "audit_reader: cannot become the audit daemon: %s\n",
			strerror(errno));
		return 1;
	}
	for (;;) {
		if (audit_get_reply(fd, &rep, GET_REPLY_BLOCKING, 0) <= 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "audit_reader: read failed: %s\n",
				strerror(errno));
			return 1;
		}
		if (rep.type < AUDIT_FIRST_USER_MSG)
			continue;	/* replies to our own requests */
		fprintf(log, "type=%d %.*s\n", rep.type, rep.len, rep.message);
		fflush(log);
	}
}
