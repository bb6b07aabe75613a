# SPDX-License-Identifier: GPL-2.0-only
# Hostile Tang servers (tests/vm/hostile-tang, one mode per load): every
# damaged recovery answer is refused with one clear line, no key, no TPM
# command and no kernel complaint (the harness fails the boot on an oops,
# a warning or, on the debug kernel, KASAN, UBSAN or a leak); and create
# refuses an advertisement that the pinned signing key did not sign. An
# honest answer through the same proxy loads (the control). Then the
# kernel alone, given answers a careless helper would pass (a wrong point,
# wrong sizes and indexes, a spent session). Also run on the debug
# kernel, with the modes whose answers reach the kernel and one of those
# the helper refuses itself.
vm_disk_new T
# The runner's directory is shared by the suites of one run.
tang_dir=$VM_DIR/$vm_suite
rm -rf "$tang_dir"
mkdir -p "$tang_dir/state"
db=$tang_dir/db
hostile=$repo/tests/vm/hostile-tang
if "$repo/tests/vm/tang-keys.sh" new "$db" > "$tang_dir/thp" &&
	"$repo/tests/vm/tang-keys.sh" new "$tang_dir/db2" > /dev/null; then
	vm_note_pass "host: two Tang databases"
else
	vm_note_fail "host: two Tang databases"
fi
vm_disk_put T "$tang_dir/thp" thp

# First, on the host: each mode answers what it claims.
if "$repo/tests/vm/hostile-tang-check" "$db" > "$tang_dir/check.out" 2>&1; then
	vm_note_pass "host: hostile-tang-check"
else
	vm_note_fail "host: hostile-tang-check"
fi
while IFS= read -r line; do
	case $line in
	"ok - "*) vm_note_pass "host: ${line#ok - }" ;;
	*) vm_note_fail "host: ${line#not ok - }" ;;
	esac
done < "$tang_dir/check.out"

# One key bound to one hostile server (port 7100) that answers its
# recovery requests with these modes in turn; each advertisement mode on a
# port of its own (7110 on). Answers slower than TANG_TIMEOUT (2 s) take 6.
modes="valid offcurve wrongsize wrongcurve zero garbage truncated slow replay status500"
advmodes="advrogue advbadsig"
if [ "$kernel" = debug ]; then
	# What reaches the kernel, and one answer the helper refuses itself.
	modes="valid offcurve replay garbage"
	advmodes=
fi
echo "$modes" > "$tang_dir/modes"
fwds=(--fwd "7100:$hostile $(echo "$modes" | tr ' ' ,) $db $tang_dir/state 6") n=0
for m in $advmodes; do
	fwds+=(--fwd "$((7110 + n)):$hostile $m $db")
	echo "$((7110 + n)):$m"
	n=$((n + 1))
done > "$tang_dir/advports"
vm_disk_put T "$tang_dir/modes" modes
vm_disk_put T "$tang_dir/advports" advports

vm_boot --tpm default --disk T --tang "7002:$tang_dir/db2" "${fwds[@]}" \
	"tang: hostile servers" <<'GUEST'
K="ksealctl --state-dir /data/kseal --conf /data/kseal.conf"
THP=$(cat /data/thp)
URL=http://10.0.2.100:7100
kseal_insmod
printf 'TANG_TIMEOUT=2\n' > /data/kseal.conf
check "provision" $K provision

# tpm_count: the module's TPM commands so far.
tpm_count() { cat /sys/kernel/debug/kseal/tpm_commands; }

check_fails "http://10.0.2.100:7002" "create with a pin the server's signing key does not match is refused" \
	$K create unpinned --pcrs 7 --tang http://10.0.2.100:7002 --tang-thp "$THP"
check "  nothing created" sh -c '[ ! -e /data/kseal/current/unpinned.json ] && ! grep -q " unpinned: " /proc/keys'
for pm in $(cat /data/advports); do
	url=http://10.0.2.100:${pm%:*} mode=${pm#*:}
	check_fails "$url" "$mode: create refused (the pinned key did not sign this advertisement)" \
		$K create "h$mode" --pcrs 7 --tang "$url" --tang-thp "$THP"
	check "$mode:   nothing created" sh -c \
		"[ ! -e /data/kseal/current/h$mode.json ] && ! grep -q ' h$mode: ' /proc/keys"
done

# The hostile server's advertisement is tangd's: create works.
check "create a key bound to the hostile server" $K create h --pcrs 7 --tang $URL --tang-thp "$THP"
keyctl unlink "$(keyctl search %:kseal kseal h)" %:kseal > /dev/null

for mode in $(cat /data/modes); do
	dmesg -c > /dev/null
	t0=$(date +%s)
	c0=$(tpm_count)
	$K load h > /tmp/out 2>&1 < /dev/null
	rc=$?
	took=$(($(date +%s) - t0))
	if [ $mode = valid ]; then
		check "valid (the control): an honest answer through the proxy loads" test $rc = 0
		tap_detail /tmp/out
		keyctl pipe "$(keyctl search %:kseal kseal h)" > /tmp/valid.blob
		keyctl unlink "$(keyctl search %:kseal kseal h)" %:kseal > /dev/null
		continue
	fi
	tap_diag "$mode: exit $rc"
	tap_detail /tmp/out
	check "$mode: load refused" test $rc != 0
	check "$mode:   in one or two lines" test "$(grep -c . /tmp/out)" -le 2
	check "$mode:   no key in the kernel" sh -c "! grep -q ' h: ' /proc/keys"
	check "$mode:   no TPM command sent" test "$(tpm_count)" = "$c0"
	check "$mode:   no kernel complaint" sh -c '! dmesg | grep -E "BUG:|WARNING:|Oops|KASAN|UBSAN|Call Trace"'
	case $mode in
	offcurve | zero)
		check "$mode:   the kernel log names the answer" \
			sh -c 'dmesg | grep -q "Tang answer 1 is not a point on the curve"'
		check "$mode:   and refuses the key" \
			sh -c 'dmesg | grep -q "this key needs 1 of 1 Tang answers, 0 recovered their share: refused"' ;;
	replay)
		check "$mode:   the kernel log names the answer" \
			sh -c 'dmesg | grep -q "Tang answer 1 does not recover its share"'
		check "$mode:   and refuses the key" \
			sh -c 'dmesg | grep -q "this key needs 1 of 1 Tang answers, 0 recovered their share: refused"' ;;
	*)
		check "$mode:   the helper names the server" grep -q "$URL" /tmp/out
		check "$mode:   and says none of the servers answered" \
			grep -q "0 of 1 Tang servers answered, 1 needed" /tmp/out ;;
	esac
	case $mode in
	slow)
		check "$mode:   the helper gave up at TANG_TIMEOUT (2 s), not the server's 6 s (took $took s)" \
			test "$took" -lt 6
		check "$mode:   saying it timed out" grep -qi "time" /tmp/out ;;
	status500)
		check "$mode:   with the HTTP status" grep -q "500" /tmp/out ;;
	esac
done

# The kernel alone, given what a helper that let hostile answers through
# would pass: a session per load attempt, in this shell's session keyring
# (init has none: without one, @s is the user session keyring, and a key
# linked there is not possessed by later processes).
keyctl new_session > /dev/null
n=0
session() {
	n=$((n + 1))
	keyctl add kseal_tang "s$n" "begin $(cat /tmp/valid.blob)" @s > /tmp/sid &&
	keyctl pipe "$(cat /tmp/sid)" > /tmp/x.txt &&
	X=$(cut -d' ' -f2 /tmp/x.txt)
}
kload() { keyctl add kseal "k$n" "load $(cat /tmp/valid.blob)${1:+ $1}" @u; }
if session; then tap_ok "kernel: a session begins"; else tap_not_ok "kernel: a session begins"; fi
check "kernel: the session's X is a line '1 <128 hex digits>'" grep -qE '^1 [0-9a-f]{128}$' /tmp/x.txt
dmesg -c > /dev/null
check_fails "$E_REJECTED" "kernel: X itself as the answer (a point, the wrong one) is refused" \
	kload "tang_session=s$n tang=1:$X"
check "kernel:   the log says it does not recover its share" sh -c \
	'dmesg | grep -q "Tang answer 1 does not recover its share"'
check_fails "revoked\|Required key not available" "kernel: the session is spent after one attempt" \
	kload "tang_session=s$n tang=1:$X"
session
check_fails "$E_INVAL" "kernel: an answer of 127 hex digits is refused" \
	kload "tang_session=s$n tang=1:$(echo "$X" | cut -c2-)"
session
# (The interface leaves the errno open: either refusal will do.)
check_fails "$E_INVAL\|$E_REJECTED" "kernel: an answer for server 2 of 1 is refused" \
	kload "tang_session=s$n tang=2:$X"
session
check_fails "$E_INVAL" "kernel: two answers for server 1 are refused" \
	kload "tang_session=s$n tang=1:$X tang=1:$X"
check_fails "$E_REJECTED" "kernel: no session, no answer: refused" kload ""
check "kernel: no key loaded by any of these" sh -c '! grep -qE " k[0-9]+: " /proc/keys'
GUEST
