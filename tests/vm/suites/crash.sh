# SPDX-License-Identifier: GPL-2.0-only
# Crash consistency: QEMU is killed with SIGKILL (a power cut: the guest's
# page cache is lost) at a random moment while ksealctl rotates or creates
# a sealed key. Every following boot, on the same TPM and disk, must find a
# complete key set behind current: load --all loads every key (the old or
# the new generation of the one being changed), list reports no damaged or
# unknown file, no key that was committed before the cut is missing, and
# the data key d1 still decrypts a ciphertext made at setup. A cut at each
# of ksealctl's writes, fsyncs and renames in turn, with both outcomes
# required: crashpoints.sh.
#
# KSEAL_CRASH_ITERATIONS (default 10) cuts; KSEAL_CRASH_SEED repeats a run
# (the seed is printed). Each boot first checks the previous cut, then arms
# the next one, so N cuts take N + 2 boots.
crash_iterations=${KSEAL_CRASH_ITERATIONS:-10}
crash_seed=${KSEAL_CRASH_SEED:-$((($$ + SECONDS) % 32768))}
RANDOM=$crash_seed
echo "# crash: $crash_iterations cuts, KSEAL_CRASH_SEED=$crash_seed"
vm_disk_new C

cat > "$VM_DIR/crash-lib.sh" <<'LIB'
K="ksealctl --state-dir /data/kseal --conf /dev/null"
PASS=/data/recovery.pass

uptime_ms() {
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

# What must be there: /data/expected lists the committed keys, one a line.
crash_verify() {
	# What the cut left beside current (the next write removes it).
	left=$(ls -A /data/kseal | grep -vx -e current -e lock -e state.json \
		-e "$(readlink /data/kseal/current)" | tr '\n' ' ' | sed 's/ $//')
	echo "# state directory after the cut: current -> $(readlink /data/kseal/current)${left:+, left over: $left}"
	$K load --all > /tmp/load.out 2>&1
	echo $? > /tmp/load.rc
	check "load --all loads every key (exit 0)" sh -c \
		'cat /tmp/load.out; [ "$(cat /tmp/load.rc)" = 0 ]'
	$K list > /tmp/list.out 2> /tmp/list.err
	check "list reports no damaged or unknown file" sh -c \
		'cat /tmp/list.out /tmp/list.err; [ ! -s /tmp/list.err ]'
	check "no committed key is missing, each is in the keyring" sh -c '
		while read -r k; do
			grep -q "^$k " /tmp/list.out || { echo "$k: not in list"; exit 1; }
			keyctl search %:kseal kseal "$k" > /dev/null ||
				{ echo "$k: not loaded"; exit 1; }
		done < /data/expected'
	# A key the cut create may or may not have committed: if it is on
	# disk it must have loaded (checked above); then it is expected.
	if [ -s /data/pending ]; then
		p=$(cat /data/pending)
		if grep -q "^$p " /tmp/list.out; then
			echo "# the cut create of $p was committed"
			echo "$p" >> /data/expected
		else
			echo "# the cut create of $p left the old set"
		fi
		: > /data/pending
	fi
	# Content, not presence: d1 still decrypts what it encrypted at setup
	# (through every rotate of s1, its wrapping key, that a cut hit).
	if [ -f /data/datakeys ]; then
		check "d1 decrypts the ciphertext made before every cut" sh -c \
			'keyctl pkey_decrypt $(keyctl search %:kseal kseal d1) 0 /data/c1 | cmp - /data/p1'
	fi
	check "one file per listed key in the current generation" sh -c \
		'[ "$(ls /data/kseal/current | wc -l)" = "$(($(wc -l < /tmp/list.out) - 1))" ]'
	if [ -s /data/rotated ]; then
		k=$(cat /data/rotated)
		if grep -qf /data/prev.blob "/data/kseal/current/$k.json"; then
			echo "# the cut rotate of $k left the old generation"
		else
			echo "# the cut rotate of $k committed the new generation"
		fi
		: > /data/rotated
	fi
}

# crash_op OP NAME: record what may change, make that durable, arm the
# host's kill and run the operation. The sleep afterwards keeps the guest
# up, so a cut just after the operation still loses the page cache.
crash_op() {
	case $1 in
	rotate)
		echo "$2" > /data/rotated
		sed -n 's/.*"blob": *"\([0-9a-f]*\)".*/\1/p' \
			"/data/kseal/current/$2.json" > /data/prev.blob ;;
	create*)
		echo "$2" > /data/pending ;;
	esac
	sync
	echo KSEAL-ARMED
	t0=$(uptime_ms)
	case $1 in
	rotate)
		if grep -qx "$2" /data/recovery-keys; then
			check "rotate $2" $K rotate "$2" --recovery-fd 3 3< $PASS
		else
			check "rotate $2" $K rotate "$2"
		fi ;;
	create) check "create $2" $K create "$2" --pcrs 0,7 ;;
	create-data) check "create data key $2" $K create "$2" --wrapped-by s2 ;;
	esac
	echo "# $1 $2 took $(($(uptime_ms) - t0)) ms"
	sleep 5
}
LIB
vm_disk_put C "$VM_DIR/crash-lib.sh" crash-lib.sh

# Setup: two sealed keys (one with a recovery passphrase), a data key, and
# how long rotate and create take here.
vm_boot --tpm default --disk C --timeout 180 "crash: provision and calibrate" <<'GUEST'
. /data/crash-lib.sh
kseal_insmod
printf 'crash-test-pass\n' > $PASS
echo s2 > /data/recovery-keys
check "provision" $K provision
check "create s1" $K create s1 --pcrs 7
check "create s2 with recovery" $K create s2 --pcrs 0,7 --recovery-fd 3 3< $PASS
printf 's1\ns2\n' > /data/expected
: > /data/pending
: > /data/rotated
$K create d1 --wrapped-by s1 > /tmp/d1.out 2>&1
if [ $? = 0 ]; then
	echo d1 >> /data/expected
	touch /data/datakeys
	head -c 1000 /dev/urandom > /data/p1
	keyctl pkey_encrypt "$(keyctl search %:kseal kseal d1)" 0 /data/p1 > /data/c1
	echo "ok - create data key d1 (data keys take part)"
else
	# Data keys are required: EOPNOTSUPP here is a regression, no skip.
	sed 's/^/#   /' /tmp/d1.out
	echo "not ok - create data key d1"
fi
t0=$(uptime_ms)
check "calibrate: rotate s1" $K rotate s1
t1=$(uptime_ms)
check "calibrate: create c0" $K create c0 --pcrs 0,7
t2=$(uptime_ms)
echo c0 >> /data/expected
echo "$((t1 - t0)) $((t2 - t1))" > /data/calib
echo "# rotate took $((t1 - t0)) ms, create $((t2 - t1)) ms"
crash_verify
sync
GUEST

if vm_disk_get C calib "$VM_DIR/calib" && read -r rot_ms cre_ms < "$VM_DIR/calib" &&
	[ "$rot_ms" -gt 0 ] && [ "$cre_ms" -gt 0 ]; then
	vm_note_pass "crash: calibration ($rot_ms ms rotate, $cre_ms ms create)"
else
	vm_note_fail "crash: no calibration from the setup boot"
	rot_ms=3000 cre_ms=3000
fi
datakeys=0
vm_disk_get C datakeys "$VM_DIR/datakeys" && datakeys=1

# ms: the cut falls anywhere from the start of the operation to a quarter
# past its calibrated end. (No subshell: it would reseed RANDOM.)
crash_delay() {
	ms=$(((RANDOM * 32768 + RANDOM) % ($1 + $1 / 4 + 1)))
}

crash_prev="crash: setup"
for i in $(seq 1 "$crash_iterations"); do
	case $((i % 3)) in
	1) op=rotate name=s1; crash_delay "$rot_ms" ;;
	2) op=create name=c$i; crash_delay "$cre_ms"
	   [ $datakeys = 1 ] && [ $((i % 2)) = 0 ] && op=create-data name=d$i ;;
	0) op=rotate name=s2; crash_delay "$rot_ms" ;;
	esac
	vm_boot --tpm default --disk C --timeout 180 --kill-after-ms "$ms" \
		"crash $i: check after '$crash_prev', cut $op $name at $ms ms" \
		< <(printf '. /data/crash-lib.sh\nkseal_insmod\ncrash_verify\ncrash_op %s %s\n' "$op" "$name")
	crash_prev="$op $name"
done

vm_boot --tpm default --disk C --timeout 180 "crash: check after '$crash_prev'" <<'GUEST'
. /data/crash-lib.sh
kseal_insmod
crash_verify
GUEST
