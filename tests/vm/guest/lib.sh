# SPDX-License-Identifier: GPL-2.0-only
# Helpers for the per-boot guest scripts. Results are TAP lines read by the
# host: "ok", "not ok" and "# SKIP" lines are counted, whoever prints them.

_check_n=0

# check DESCRIPTION COMMAND...: one TAP line for a shell-level assertion.
check() {
	desc=$1
	shift
	_check_n=$((_check_n + 1))
	if "$@" >/tmp/check.out 2>&1; then
		echo "ok $_check_n $desc"
	else
		echo "not ok $_check_n $desc"
		sed 's/^/#   /' /tmp/check.out
	fi
}

# check_fails ERRNO_TEXT DESCRIPTION COMMAND...: the command must fail and
# its output must contain ERRNO_TEXT (e.g. "Key was rejected by service").
check_fails() {
	want=$1
	desc=$2
	shift 2
	_check_n=$((_check_n + 1))
	if "$@" >/tmp/check.out 2>&1; then
		echo "not ok $_check_n $desc (command succeeded)"
	elif grep -q "$want" /tmp/check.out; then
		echo "ok $_check_n $desc"
	else
		echo "not ok $_check_n $desc (wanted: $want)"
		sed 's/^/#   /' /tmp/check.out
	fi
}

# ktest NAME [ARGS...]: run a kselftest binary; the host also fails the
# run when it exits non-zero.
ktest() {
	name=$1
	shift
	echo "# KSEAL-SUITE $name"
	"/tests/$name" "$@"
	echo "KSEAL-SUITE-EXIT $name $?"
}

kseal_insmod() {
	insmod /lib/kseal.ko "$@"
}

# Make the SRK and the kseal parent storage key with tpm2-tools, as the
# helper's provision does, for tests that do not exercise the helper.
tpm_make_parent() {
	(
		cd /tmp &&
		tpm2 createprimary -Q -C o -g sha256 -G ecc -c srk.ctx &&
		tpm2 evictcontrol -Q -C o -c srk.ctx 0x81000001 &&
		tpm2 create -Q -C 0x81000001 -G ecc -u p.pub -r p.priv \
			-a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|decrypt' &&
		tpm2 load -Q -C 0x81000001 -u p.pub -r p.priv -c p.ctx &&
		tpm2 evictcontrol -Q -C o -c p.ctx 0x81000100 &&
		tpm2 flushcontext -t
	) >/tmp/parent.log 2>&1 || { cat /tmp/parent.log; return 1; }
}
