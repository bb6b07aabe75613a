# SPDX-License-Identifier: GPL-2.0-only
# Helpers for the per-boot guest scripts. Results are TAP lines read by the
# host: "ok", "not ok" and "# SKIP" lines are counted, whoever prints them.
# The TAP emitter is tests/lib/tap.sh, copied beside this file.
. /tests/tap.sh

# check DESCRIPTION COMMAND...: one TAP line for a shell-level assertion.
check() {
	desc=$1
	shift
	"$@" >/tmp/check.out 2>&1
	tap_result $? "$desc" /tmp/check.out
}

# check_fails ERRNO_TEXT DESCRIPTION COMMAND...: the command must fail and
# its output must contain ERRNO_TEXT (e.g. "Key was rejected by service").
check_fails() {
	want=$1
	desc=$2
	shift 2
	if [ -z "$want" ]; then
		# It would accept any failure, a crash or a missing tool included.
		tap_not_ok "$desc" "check_fails needs the reason it expects"
	elif "$@" >/tmp/check.out 2>&1; then
		tap_not_ok "$desc" "command succeeded"
	elif grep -q "$want" /tmp/check.out; then
		tap_ok "$desc"
	else
		tap_not_ok "$desc" "wanted: $want"
		tap_detail /tmp/check.out
	fi
}

# Narration (make demo): say TEXT prints a heading; step and refused show
# the command and its whole output as well as the TAP line.
say() { echo "#"; echo "# ---- $*"; }
# step DESC CMD...: show the command and its output; OK if it succeeds.
step() {
	desc=$1
	shift
	tap_diag "\$ $*"
	"$@" >/tmp/step.out 2>&1
	_step_rc=$?
	tap_detail /tmp/step.out
	tap_result $_step_rc "$desc"
}
# refused TEXT DESC CMD...: the command must fail, saying TEXT.
refused() {
	want=$1
	desc=$2
	shift 2
	tap_diag "\$ $*"
	"$@" >/tmp/step.out 2>&1
	rc=$?
	tap_detail /tmp/step.out
	# An empty TEXT would accept any failure, a crash included.
	if [ -n "$want" ] && [ $rc != 0 ] && grep -q "$want" /tmp/step.out; then
		tap_ok "$desc (refused, exit $rc)"
	else
		tap_not_ok "$desc" "exit $rc, wanted a refusal saying: $want"
	fi
}

# blob_parts HEXFILE DIR: the TPM2B_PUBLIC and TPM2B_PRIVATE of a sealed
# blob (layout in include/kseal/blob.h: 161 bytes before them) as files
# tpm2-tools loads.
blob_parts() {
	hex=$(cat "$1")
	off=$((161 * 2))
	plen=$((0x$(echo "$hex" | cut -c$((off + 1))-$((off + 4)))))
	pub=$(echo "$hex" | cut -c$((off + 1))-$((off + 4 + plen * 2)))
	off=$((off + 4 + plen * 2))
	qlen=$((0x$(echo "$hex" | cut -c$((off + 1))-$((off + 4)))))
	priv=$(echo "$hex" | cut -c$((off + 1))-$((off + 4 + qlen * 2)))
	printf "$(echo "$pub" | sed 's/../\\x&/g')" > "$2/pub.bin"
	printf "$(echo "$priv" | sed 's/../\\x&/g')" > "$2/priv.bin"
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

# wait_logon DESC: the logon export of a data key, made by a work item
# right after add_key returns (kmod/kseal_logon.h), is in @s within 5 s.
wait_logon() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		keyctl search @s logon "$1" > /dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}

# keys_gone ERE: no key whose description matches ERE is left in
# /proc/keys within 10 s. A key unlinked from its last keyring stays
# listed until the keys garbage collector, a work item, has run.
keys_gone() {
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		grep -qE " ($1): " /proc/keys || return 0
		sleep 0.5
	done
	return 1
}

# kseal_unload NAME...: unlinks these keys from the kseal keyring; then no
# search finds them and, once the garbage collector ran, /proc/keys lists
# none of them.
kseal_unload() {
	_ere=""
	for _k in "$@"; do
		keyctl unlink "$(keyctl search %:kseal kseal "$_k")" %:kseal > /dev/null || return 1
	done
	for _k in "$@"; do
		! keyctl search %:kseal kseal "$_k" > /dev/null 2>&1 || return 1
		_ere="$_ere${_ere:+|}$_k"
	done
	keys_gone "$_ere"
}

# What modprobe would load before kseal.ko: ecc, whose symbols it uses
# (the Tang exchange), ecdh_generic, whose kpp it asks for, and what the
# ECDH key generation asks for at run time (the default RNG). Built in on
# some kernels.
kseal_deps() {
	modprobe -q -a sha512_generic jitterentropy_rng drbg ecc ecdh_generic \
		2>/dev/null
}

kseal_insmod() {
	kseal_deps
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
# Every command is logged in /run/tpm-proxy.log. proxy_tpm_start FILE also
# records every command and response in hex in FILE ("> " and "< " lines:
# what an interposer on the bus sees).
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
		/run/tpm-proxy.log ${1:+"$1"} > /run/tpm-proxy.dev &
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

# proxy_response TRANSCRIPT CC OUT: the response to the last command with
# command code CC (e.g. 0x173) in a proxy transcript, as raw bytes in OUT,
# for the proxy's "reply OUT" action.
proxy_response() {
	awk -v cc="$(printf %08x "$2")" '
		$1 == ">" { want = substr($2, 13, 8) == cc; next }
		$1 == "<" && want { last = $2; want = 0 }
		END { if (last == "") exit 1; print last }' "$1" > "$3.hex" &&
	xxd -r -p < "$3.hex" > "$3"
}

# proxy_tools COMMAND...: runs COMMAND, the test's own use of the TPM
# (tpm2-tools), between marker lines in the proxy log, so that
# tpm_counts_agree leaves the commands it sent out. Returns its status.
proxy_tools() {
	echo "# tools begin" >> /run/tpm-proxy.log
	"$@"
	_pt_rc=$?
	echo "# tools end" >> /run/tpm-proxy.log
	return $_pt_rc
}

# tpm_counts_mark NAME: remember the module's TPM command counters and the
# proxy log's length, for tpm_counts_agree NAME.
tpm_counts_mark() {
	rm -f "/tmp/tpm-counts.$1".*
	cp /sys/kernel/debug/kseal/tpm_commands_by_cc "/tmp/tpm-counts.$1.cc" &&
	cp /sys/kernel/debug/kseal/tpm_commands "/tmp/tpm-counts.$1.total" &&
	wc -l < /run/tpm-proxy.log > "/tmp/tpm-counts.$1.log"
}

# The names in /sys/kernel/debug/kseal/tpm_commands_by_cc and the command
# codes the proxy logs as cc=.
_kseal_ccs="ReadPublic=0x173 PCR_Read=0x17e PCR_Extend=0x182 GetRandom=0x17b
Create=0x153 Load=0x157 StartAuthSession=0x176 PolicyPCR=0x17f PolicyOR=0x171
PolicyPassword=0x18c PolicyAuthValue=0x16b PolicyAuthorize=0x16a
PolicyGetDigest=0x189 Unseal=0x15e FlushContext=0x165"

# tpm_counts_agree NAME EXPECT...: since tpm_counts_mark NAME, the module
# counted, command code by command code, exactly the commands the TPM
# behind the proxy received, and its total counter grew by as many. Left
# out: commands between proxy_tools markers, and the kernel's own hwrng
# thread's GetRandom, every few seconds early in a boot: 6.1 has no switch
# to stop it (no hwrng "none" in rng_current, no TPM option, and the TPM
# is the guest's only hwrng, so it stays current; rng_core's quality only
# changes the entropy credited). It is told apart by size: it asks for 64
# bytes (RNG_BUFFER_SIZE), kseal for at most 32 a command. (Its 32-byte
# GetRandom comes when the chip registers, before any mark; a short answer
# would make it ask for the rest, which this check would then report.)
# EXPECT is "Name=N" for every command of the module's delta (in its
# names), "none" for no command at all, or "any" for at least one command
# in any mix. Prints the comparison.
tpm_counts_agree() {
	_m=$1
	shift
	[ -f "/tmp/tpm-counts.$_m.log" ] || { echo "no tpm_counts_mark $_m"; return 1; }
	tail -n +$(($(cat "/tmp/tpm-counts.$_m.log") + 1)) /run/tpm-proxy.log > /tmp/tpm-counts.new
	echo "$_kseal_ccs" | tr ' ' '\n' | sed 's/^/map /' > /tmp/tpm-counts.in
	sed 's/^/before /' "/tmp/tpm-counts.$_m.cc" >> /tmp/tpm-counts.in
	sed 's/^/after /' /sys/kernel/debug/kseal/tpm_commands_by_cc >> /tmp/tpm-counts.in
	echo "total $(($(cat /sys/kernel/debug/kseal/tpm_commands) - $(cat "/tmp/tpm-counts.$_m.total")))" \
		>> /tmp/tpm-counts.in
	for _e in "$@"; do echo "expect $_e"; done >> /tmp/tpm-counts.in
	sed 's/^/proxy /' /tmp/tpm-counts.new >> /tmp/tpm-counts.in
	awk '
	function fail(msg) { print "MISMATCH: " msg; bad = 1 }
	$1 == "map" { split($2, a, "="); cc[a[1]] = a[2]; name[a[2]] = a[1]; next }
	$1 == "before" || $1 == "after" {
		if (!($2 in cc)) { fail("module counts an unknown command " $2); next }
		if ($1 == "before") mod[cc[$2]] -= $3; else mod[cc[$2]] += $3
		next
	}
	$1 == "total" { total = $2; next }
	$1 == "expect" {
		nexp++
		if ($2 == "none" || $2 == "any") { mode = $2; next }
		split($2, a, "=")
		if (!(a[1] in cc)) { fail("expected an unknown command " a[1]); next }
		want[cc[a[1]]] = a[2]
		next
	}
	$1 == "proxy" && $2 == "#" && $3 == "tools" {
		if ($4 == "begin" && !tools) { tools = 1; next }
		if ($4 == "end" && tools) { tools = 0; next }
		fail("unbalanced marker: " $0); next
	}
	$1 == "proxy" {
		if (tools) { ntools++; next }
		c = ""; b = -1
		for (i = 3; i <= NF; i++) {
			if ($i ~ /^cc=0x[0-9a-f]+$/) c = substr($i, 4)
			if ($i ~ /^bytes=[0-9]+$/) b = substr($i, 7) + 0
		}
		if (c == "") { fail("proxy line without cc=: " $0); next }
		if (c == "0x17b" && b > 32) { nrng++; next }
		tpm[c]++; ntpm++
		if (!(c in name)) name[c] = $2
		next
	}
	END {
		if (tools) fail("tools marker left open")
		if (nexp != 1 && !(nexp > 0 && mode == "")) fail("EXPECT: none, any, or Name=N...")
		for (c in mod) seen[c] = 1
		for (c in tpm) seen[c] = 1
		for (c in want) seen[c] = 1
		for (c in seen) {
			m = mod[c] + 0; t = tpm[c] + 0
			if (!m && !t && !(c in want))
				continue
			line = sprintf("%s (%s): module %d, TPM %d", name[c], c, m, t)
			if (c in want) line = line ", expected " want[c]
			print line
			if (m != t) fail(name[c] ": the module counted " m ", the TPM received " t)
			if (mode == "" && m != want[c] + 0)
				fail(name[c] ": expected " want[c] + 0 ", the module counted " m)
		}
		if (total != ntpm) fail("tpm_commands grew by " total ", the TPM received " ntpm " commands")
		if (mode == "none" && ntpm) fail("expected no TPM command")
		if (mode == "any" && !ntpm) fail("expected some TPM command, the TPM received none")
		printf "%d commands compared; left out: %d from tpm2-tools, %d hwrng GetRandom\n", ntpm, ntools, nrng
		exit bad
	}' /tmp/tpm-counts.in
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
