# SPDX-License-Identifier: GPL-2.0-only
# Concurrency: six processes create, read, load, reseal, revoke and unlink
# sealed keys for 30 s while a seventh reads every kseal key it sees
# (racing the revokes and unlinks) and an eighth locks PCR 14, which no
# key uses. Afterwards: no unexpected error, the key counter agrees with
# /proc/keys, no TPM handle is left and the module unloads. The harness
# fails the boot on any WARNING; on the debug kernel also on lockdep,
# KASAN and kmemleak reports. Data keys under load: load.sh.
VM_SMP=2
vm_boot --tpm default "stress: concurrent sealed-key operations" <<'GUEST'
check "setup: parent key" tpm_make_parent
kseal_insmod
SECS=30
end=$(($(date +%s) + SECS))
: > /tmp/stress.err

# bad WORKER WHAT OUTPUT: an unexpected result, kept for the report.
bad() { echo "$1: $2: $3" >> /tmp/stress.err; }

# expect_err WANT OUTPUT: OUTPUT is keyctl's message for errno WANT.
expect_err() { case $2 in *"$1") return 0 ;; esac; return 1; }

worker() {
	w=$1 n=0 opts="pcrs=7" lopt=""
	case $((w % 3)) in
	1) opts="pcrs=0,7" ;;
	2) opts="pcrs=7 recovery=pw$w" lopt=" recovery=pw$w" ;;
	esac
	while [ "$(date +%s)" -lt "$end" ]; do
		n=$((n + 1))
		k=$(keyctl add kseal "w$w.$n" "new 32 $opts" @u 2>&1) ||
			{ bad "$w" create "$k"; continue; }
		keyctl pipe "$k" > /tmp/w$w.blob 2>/tmp/w$w.e || bad "$w" read "$(cat /tmp/w$w.e)"
		l=$(keyctl add kseal "w$w.$n.l" "load $(cat /tmp/w$w.blob)$lopt" @u 2>&1) ||
			{ bad "$w" load "$l"; l=""; }
		if [ -n "$l" ]; then
			out=$(keyctl update "$l" "update reseal pcrs=7$lopt" 2>&1) || bad "$w" reseal "$out"
			keyctl pipe "$l" > /tmp/w$w.blob2 2>/tmp/w$w.e || bad "$w" "read resealed" "$(cat /tmp/w$w.e)"
			cmp -s /tmp/w$w.blob /tmp/w$w.blob2 && bad "$w" reseal "blob unchanged"
			out=$(keyctl add kseal "w$w.$n.r" "load $(cat /tmp/w$w.blob2)$lopt" @u 2>&1) &&
				keyctl unlink "$out" @u >/dev/null || bad "$w" "load resealed" "$out"
		fi
		out=$(keyctl revoke "$k" 2>&1) || bad "$w" revoke "$out"
		out=$(keyctl pipe "$k" 2>&1) && bad "$w" "read revoked" "succeeded"
		expect_err "Key has been revoked" "$out" || bad "$w" "read revoked" "$out"
		out=$(keyctl update "$k" "update reseal" 2>&1) && bad "$w" "update revoked" "succeeded"
		expect_err "Key has been revoked" "$out" || bad "$w" "update revoked" "$out"
		keyctl unlink "$k" @u >/dev/null 2>&1 || bad "$w" unlink "$k"
		[ -n "$l" ] && { keyctl unlink "$l" @u >/dev/null 2>&1 || bad "$w" unlink "$l"; }
	done
	echo "$n" > /tmp/w$w.count
}

# Reads every kseal key in /proc/keys: meanwhile it may have been revoked
# (EKEYREVOKED), garbage-collected (ENOKEY) or unlinked but not yet
# collected: then the reader no longer possesses it, and root's default
# user permission (view only) refuses the read (EACCES).
reader() {
	n=0
	while [ "$(date +%s)" -lt "$end" ]; do
		for k in $(awk '$8 == "kseal" { print $1 }' /proc/keys); do
			n=$((n + 1))
			out=$(keyctl pipe "0x$k" 2>&1 >/dev/null) && continue
			expect_err "Key has been revoked" "$out" ||
				expect_err "Required key not available" "$out" ||
				expect_err "Permission denied" "$out" ||
				bad reader read "$out"
		done
	done
	echo "$n" > /tmp/reader.count
}

locker() {
	n=0
	while [ "$(date +%s)" -lt "$end" ]; do
		n=$((n + 1))
		out=$(sh -c 'echo 14 > /sys/kernel/kseal/lock' 2>&1) || bad locker lock "$out"
		sleep 0.3
	done
	echo "$n" > /tmp/locker.count
}

for w in 1 2 3 4 5 6; do worker $w & done
reader &
locker &
wait
sed 's/^/# unexpected: /' /tmp/stress.err | head -n 20
echo "# iterations per worker: $(cat /tmp/w?.count | tr '\n' ' ')"
echo "# reads by the reader: $(cat /tmp/reader.count), locks: $(cat /tmp/locker.count)"
echo "# $(cat /sys/kernel/debug/kseal/tpm_commands) TPM commands:" \
	$(tr '\n' ',' < /sys/kernel/debug/kseal/tpm_commands_by_cc)
check "stress: no unexpected error" test ! -s /tmp/stress.err
# One iteration is every operation once; the debug kernel in TCG manages
# one or two in 30 s, the release kernel about ten.
check "stress: every worker completed at least one iteration" sh -c \
	'for f in /tmp/w?.count; do [ $(cat $f) -ge 1 ] || exit 1; done'
check "stress: the reader raced the others" sh -c '[ $(cat /tmp/reader.count) -ge 5 ]'
check "stress: PCR 14 locked, nothing else" grep -qx 14 /sys/kernel/kseal/lock

# Unlinked keys are garbage-collected shortly; then both counts are 0.
counts() {
	echo "$(cat /sys/kernel/debug/kseal/keys) $(grep -c ' kseal ' /proc/keys)"
}
for _ in $(seq 30); do [ "$(counts)" = "0 0" ] && break; sleep 0.5; done
echo "# stats/keys and /proc/keys kseal lines: $(counts)"
check "stress: stats/keys equals /proc/keys (both 0 after unlink)" test "$(counts)" = "0 0"
# Keys still alive at the end must be counted too.
K1=$(keyctl add kseal end1 "new 32" @u)
K2=$(keyctl add kseal end2 "load $(keyctl pipe "$K1")" @u)
check "stress: two live keys counted in both" test "$(counts)" = "2 2"
check "stress: no transient object or session left in the TPM" sh -c '
	t=$(TPM2TOOLS_TCTI=device:/dev/tpm0 tpm2 getcap handles-transient) &&
	s=$(TPM2TOOLS_TCTI=device:/dev/tpm0 tpm2 getcap handles-loaded-session) &&
	[ -z "$t$s" ] || { echo "transient: $t sessions: $s"; exit 1; }'
check "stress: the module unloads with keys alive" rmmod kseal
check "stress: and no kseal key is left" sh -c '! grep -q " kseal " /proc/keys'
GUEST
VM_SMP=1
