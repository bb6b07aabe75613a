#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Run a command on a new pseudo-terminal, type INPUT after PROMPT appears,
print everything the terminal showed, exit with the command's status.
A command still running after 60 s is killed (exit 124), so that a prompt
that never comes fails the test instead of hanging it.

Usage: pty-run.py PROMPT INPUT COMMAND [ARGS...]
"""
import os
import pty
import select
import signal
import sys
import time

TIMEOUT = 60


def main():
    prompt, text, cmd = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    seen, sent = b"", False
    deadline = time.monotonic() + TIMEOUT
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            sys.stdout.write(seen.decode(errors="replace"))
            sys.stderr.write(f"pty-run: {cmd[0]} still running after {TIMEOUT} s\n")
            sys.exit(124)
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if not sent and prompt in seen:
            os.write(fd, text + b"\n")
            sent = True
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(seen.decode(errors="replace"))
    sys.exit(os.waitstatus_to_exitcode(status))


main()
