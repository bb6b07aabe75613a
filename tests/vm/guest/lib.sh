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

# (--seccomp action=none: the small debug kernel has no seccomp.)
# proxy_tpm_start: boot with --no-tpm, then this makes /dev/tpm0 a vTPM
# whose commands go to a swtpm inside the guest through kseal_tpm_proxy,
# which damages responses as /run/tpm-proxy.fault says (see its source).
# Every command is logged in /run/tpm-proxy.log.
proxy_tpm_start() {
	modprobe -q tpm_vtpm_proxy 2>/dev/null
	mkdir -p /run/swtpm
	swtpm socket --tpm2 --tpmstate dir=/run/swtpm \
		--server type=unixio,path=/run/swtpm.sock \
		--flags not-need-init,startup-clear \
		--seccomp action=none \
		--pid file=/run/swtpm.pid --daemon || return 1
	for _ in $(seq 50); do [ -S /run/swtpm.sock ] && break; sleep 0.1; done
	: > /run/tpm-proxy.fault
	: > /run/tpm-proxy.log
	/tests/kseal_tpm_proxy /run/swtpm.sock /run/tpm-proxy.fault \
		/run/tpm-proxy.log > /run/tpm-proxy.dev &
	for _ in $(seq 100); do [ -c /dev/tpmrm0 ] && return 0; sleep 0.1; done
	echo "# proxy_tpm_start: no /dev/tpmrm0"
	return 1
}

# proxy_fault "COMMAND ACTION [ARG] [always]": the next matching response
# is damaged; proxy_fault "" clears it.
proxy_fault() {
	echo "$1" > /run/tpm-proxy.fault
}
