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
	if [ -z "$want" ]; then
		# It would accept any failure, a crash or a missing tool included.
		echo "not ok $_check_n $desc (check_fails needs the reason it expects)"
	elif "$@" >/tmp/check.out 2>&1; then
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
# helper's provision does (noDA: a dictionary-attack lockout caused by
# wrong recovery passphrases must not stop PCR-bound keys from loading),
# for tests that do not exercise the helper.
tpm_make_parent() {
	(
		cd /tmp &&
		tpm2 createprimary -Q -C o -g sha256 -G ecc -c srk.ctx &&
		tpm2 evictcontrol -Q -C o -c srk.ctx 0x81000001 &&
		tpm2 create -Q -C 0x81000001 -G ecc -u p.pub -r p.priv \
			-a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|decrypt' &&
		tpm2 load -Q -C 0x81000001 -u p.pub -r p.priv -c p.ctx &&
		tpm2 evictcontrol -Q -C o -c p.ctx 0x81000100 &&
		tpm2 flushcontext -t
	) >/tmp/parent.log 2>&1 || { cat /tmp/parent.log; return 1; }
}

# tpm_name HANDLE: the Name of the object at HANDLE, in hex (68 digits for
# a sha256 Name).
tpm_name() {
	tpm2 readpublic -c "$1" -n /tmp/tpm_name >/dev/null &&
		od -An -tx1 -v /tmp/tpm_name | tr -d ' \n'
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
	# The vTPM registers slowly on the debug kernel: allow a minute.
	for _ in $(seq 600); do [ -c /dev/tpmrm0 ] && return 0; sleep 0.1; done
	echo "# proxy_tpm_start: no /dev/tpmrm0"
	return 1
}

# proxy_fault "COMMAND ACTION [ARG] [always]": the next matching response
# is damaged; proxy_fault "" clears it.
proxy_fault() {
	echo "$1" > /run/tpm-proxy.fault
}

# What keyctl prints for an add_key errno, as check_fails patterns.
E_REJECTED='Key was rejected by service$'
E_NOKEY='Required key not available$'
E_INVAL='Invalid argument$'
E_NODEV='No such device$'
E_BUSY='Device or resource busy$'
E_BADMSG='Bad message$'

# blob_to_tpm2 HEXFILE PUB PRIV: the TPM2B_PUBLIC and TPM2B_PRIVATE inside
# a sealed kseal blob (layout in include/kseal/blob.h: the public area's
# size is at byte 161), in the files tpm2 load takes.
blob_to_tpm2() {
	xxd -r -p "$1" > /tmp/blob.bin || return 1
	_pub=$(od -An -tu1 -j161 -N2 /tmp/blob.bin | awk '{ print $1 * 256 + $2 }')
	[ -n "$_pub" ] || return 1
	dd if=/tmp/blob.bin of="$2" bs=1 skip=161 count=$((_pub + 2)) 2>/dev/null &&
	dd if=/tmp/blob.bin of="$3" bs=1 skip=$((163 + _pub)) 2>/dev/null
}

# tpm2_unseal_blob HEXFILE PCRS [LOCKPCR]: what root can do with tpm2-tools
# and a copied blob: load it under the parent and unseal it with a PolicyPCR
# session over PCRS (e.g. 7,15), or, for a lock-bound blob of policy
# generation 2, PolicyPCR over PCRS (the others, e.g. 7) then over LOCKPCR.
# Succeeds if the TPM hands out a secret of 32..128 bytes; the secret itself
# is never printed and is deleted.
tpm2_unseal_blob() {
	blob_to_tpm2 "$1" /tmp/u.pub /tmp/u.priv &&
	tpm2 load -Q -C 0x81000100 -u /tmp/u.pub -r /tmp/u.priv -c /tmp/u.ctx &&
	if [ -n "${3:-}" ]; then
		tpm2 startauthsession -Q -S /tmp/u.sess --policy-session &&
		tpm2 policypcr -Q -S /tmp/u.sess -l "sha256:$2" &&
		tpm2 policypcr -Q -S /tmp/u.sess -l "sha256:$3" &&
		tpm2 unseal -c /tmp/u.ctx -p session:/tmp/u.sess -o /tmp/u.secret ||
			{ _e=$?; tpm2 flushcontext /tmp/u.sess >/dev/null 2>&1; (exit $_e); }
	else
		tpm2 unseal -c /tmp/u.ctx -p "pcr:sha256:$2" -o /tmp/u.secret
	fi
	_rc=$?
	if [ $_rc = 0 ]; then
		_n=$(wc -c < /tmp/u.secret)
		[ "$_n" -ge 32 ] && [ "$_n" -le 128 ] || _rc=1
	fi
	rm -f /tmp/u.secret /tmp/u.ctx
	return $_rc
}
