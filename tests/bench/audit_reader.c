// SPDX-License-Identifier: GPL-2.0-only
/*
 * The audit daemon's part in a benchmark boot: registers as the audit
 * netlink reader and appends every record, one line each, to a log file,
 * as auditd does. Without a reader the kernel prints records to the
 * console, which a server does not pay for and a TCG guest pays a lot for.
 *
 * Usage: audit_reader LOGFILE   (runs until killed)
 */
#define _GNU_SOURCE	/* SO_RCVBUFFORCE */
#include <errno.h>
#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int rcvbuf = 16 << 20, fd, ret;
	unsigned long overruns = 0;
	struct audit_reply rep;
	FILE *log;

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
	/*
	 * A large socket buffer: with the default one a burst of records
	 * overruns it (ENOBUFS; the kernel keeps and resends what it could
	 * not deliver). An overrun is reported and reading goes on.
	 */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	for (;;) {
		ret = audit_get_reply(fd, &rep, GET_REPLY_BLOCKING, 0);
		if (ret == -ENOBUFS || (ret < 0 && errno == ENOBUFS)) {
			fprintf(stderr, "audit_reader: receive buffer overrun %lu\n",
				++overruns);
			continue;
		}
		if (ret == -EINTR || (ret < 0 && errno == EINTR) || ret == 0)
			continue;
		if (ret < 0) {
			fprintf(stderr, "audit_reader: read failed: %s\n",
				strerror(ret < -1 ? -ret : errno));
			return 1;
		}
		if (rep.type < AUDIT_FIRST_USER_MSG)
			continue;	/* replies to our own requests */
		fprintf(log, "type=%d %.*s\n", rep.type, rep.len, rep.message);
		fflush(log);
	}
}
