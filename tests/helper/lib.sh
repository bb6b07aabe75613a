# SPDX-License-Identifier: GPL-2.0-only
# Shared by the host test scripts (run-tests.sh, policy-tests.sh): the TAP
# emitter, cleanup of $T and of every swtpm started, ok and start_swtpm.
# The sourcing script sets T (its scratch directory) first.
SWTPM_PID=
# shellcheck source=tests/lib/tap.sh
. ../lib/tap.sh

cleanup() {
	# shellcheck disable=SC2086
	[ -n "$SWTPM_PID" ] && kill $SWTPM_PID 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# ok RC DESC: a case from its status; on failure, with what the command
# wrote to $T/err.
ok() {
	tap_result "$1" "$2" "$T/err"
}

# start_swtpm DIR: a swtpm with its state in DIR on a free port $P, its
# pid added to $SWTPM_PID. Ports below the kernel's ephemeral range, so
# that no outgoing connection holds one; a port some listener holds moves
# swtpm on to the next one.
start_swtpm() {
	local hi pid=
	hi=$(($(cut -f1 /proc/sys/net/ipv4/ip_local_port_range) - 2))
	[ "$hi" -gt 21000 ] || hi=60000
	mkdir -p "$1"
	for P in $(shuf -i "20000-$hi" -n 20); do
		if swtpm socket --tpm2 --tpmstate dir="$1" --server type=tcp,port="$P" \
			--ctrl type=tcp,port=$((P + 1)) --flags not-need-init,startup-clear \
			--daemon --pid file="$1/pid" 2>"$T/err"; then
			for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$1/pid" ] && break; sleep 0.1; done
			pid=$(cat "$1/pid")
			SWTPM_PID="$SWTPM_PID $pid"
			break
		fi
		grep -q 'Address already in use' "$T/err" || break
	done
	[ -n "$pid" ]
}
