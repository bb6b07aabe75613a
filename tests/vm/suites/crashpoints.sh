# SPDX-License-Identifier: GPL-2.0-only
# Crash points, deterministically: ksealctl is killed at each of its
# writes, fsyncs, renames, symlinks, unlinks and mkdirs in turn (strace
# injects SIGKILL at the entry of the Nth such call, so the call itself
# never runs), and everything it had not flushed is lost: the state file
# system has no background writeback, and after the kill its device is
# switched to dm-flakey's drop_writes before the unmount, so only what an
# fsync (or the journal commit it forced) put on the disk survives, as
# after a power cut at that instant. After each cut the state directory
# is mounted again and must load completely, with content checked: the
# data key decrypts a ciphertext made before, and the dm-crypt volume keyed
# by the logon export reads back its pattern. Each operation (rotate of
# the sealed key that wraps them, reseal, data-key rotate, shred) must
# show both outcomes across its cuts: the old state, and the new one.
# Random power cuts of the whole VM: crash.sh.
vm_disk_new P
vm_disk_new Q 32

vm_boot --tpm default --disk P --disk2 Q --timeout 900 "crash points: a cut at every write, fsync and rename" <<'GUEST'
kseal_insmod
modprobe -a dm_flakey dm_crypt loop
# Nothing reaches the disk unless ksealctl flushes it.
echo 0 > /proc/sys/vm/dirty_writeback_centisecs
echo 360000 > /proc/sys/vm/dirty_expire_centisecs
SECTORS=$(($(cat /sys/block/vdb/size)))
SET=write,pwrite64,writev,fsync,fdatasync,rename,renameat,renameat2,symlink,symlinkat,unlink,unlinkat,mkdir,mkdirat
K="ksealctl --state-dir /st/kseal --conf /dev/null"
mkdir -p /st

st_mount() {
	dmsetup create st --table "0 $SECTORS linear /dev/vdb 0" &&
	dmsetup mknodes st && mount -o commit=3600 /dev/mapper/st /st
}
# The power cut: writes from now on are dropped, then the page cache goes.
st_cut() {
	dmsetup suspend --nolockfs st &&
	dmsetup load st --table "0 $SECTORS flakey /dev/vdb 0 0 1 1 drop_writes" &&
	dmsetup resume --nolockfs st && umount /st && dmsetup remove st &&
	echo 3 > /proc/sys/vm/drop_caches
}
# As after a reboot: no kseal key (nor its logon export) in the kernel.
keys_clear() {
	keyctl clear %:kseal 2> /dev/null
	# A rotate cut after it staged the new key leaves its staging ring.
	keyctl unlink %:kseal-staging @u > /dev/null 2>&1
	for _ in $(seq 50); do
		grep -q ' kseal \| logon .*kseal:cp' /proc/keys || return 0
		sleep 0.1
	done
	echo "# keys still alive after clear:"; grep ' kseal \| logon ' /proc/keys
	return 1
}
d1() { keyctl search %:kseal kseal d1; }
vol_open() {
	wait_logon kseal:cpvol
	dmsetup create cv --table "0 16384 crypt aes-xts-plain64 :64:logon:kseal:cpvol 0 /dev/loop0 0" &&
	dmsetup mknodes cv
}

keyctl new_session > /dev/null
# ksealctl keeps its keyring in the user keyring: possess it.
keyctl link @u @s
check "setup: state file system on /dev/vdb" st_mount
check "setup: provision" $K provision
check "setup: sealed key s1 and data keys d1 and vol under it" sh -c \
	"$K create s1 --pcrs 7 && $K create d1 --wrapped-by s1 &&
	 $K create vol --wrapped-by s1 --bytes 64 --logon kseal:cpvol"
head -c 4000 /dev/urandom > /data/p1
keyctl pkey_encrypt "$(d1)" 0 /data/p1 > /data/c1
head -c 4194304 /dev/urandom > /data/pattern
truncate -s 8M /data/vol.img
losetup /dev/loop0 /data/vol.img
vol_fill() {
	vol_open && dd if=/data/pattern of=/dev/mapper/cv bs=65536 conv=fsync 2> /dev/null &&
	dmsetup remove cv && [ "$(stat -c %s /data/c1)" = 4033 ]
}
check "setup: a ciphertext of d1 and 4 MiB on the volume keyed by vol" vol_fill
sync
cp -a /st/kseal /tmp/pristine

# restore: the state before the operation, loaded, and durable.
restore() {
	keys_clear || return 1
	rm -rf /st/kseal && cp -a /tmp/pristine /st/kseal && sync &&
	$K load --all > /tmp/restore.out 2>&1 || { cat /tmp/restore.out; return 1; }
	sync
}

# verify OP: after a cut, the state loads whole and holds what it held.
# Prints the outcome (old or new) on the last line.
verify() {
	keys_clear || return 1
	[ "$1" = shred ] && { verify_shred; return; }
	$K load --all > /tmp/load.out 2>&1 || { echo "load --all failed:"; cat /tmp/load.out; return 1; }
	$K list > /tmp/list.out 2> /tmp/list.err
	[ -s /tmp/list.err ] && { echo "list complains:"; cat /tmp/list.err; return 1; }
	for k in s1 d1 vol; do
		grep -q "^$k " /tmp/list.out || { echo "$k is not listed"; cat /tmp/list.out; return 1; }
	done
	keyctl pkey_decrypt "$(d1)" 0 /data/c1 > /tmp/p1.out 2>&1 && cmp -s /tmp/p1.out /data/p1 ||
		{ echo "d1 does not decrypt the ciphertext made before the cut"; return 1; }
	vol_open || { echo "the volume does not open"; return 1; }
	head -c 4194304 /dev/mapper/cv | cmp -s - /data/pattern
	r=$?
	dmsetup remove cv
	[ $r = 0 ] || { echo "the volume does not read back its pattern"; return 1; }
	case $1 in
	rotate-s1) grep '^s1 ' /tmp/list.out | grep -q ' 2 ' && echo new || echo old ;;
	reseal-s1) grep '^s1 ' /tmp/list.out | grep -q 'pcrs=0,7' && echo new || echo old ;;
	rotate-d1) grep -q ' d1: data v2 ' /proc/keys && echo new || echo old ;;
	esac
}

# Shred evicts the parent first: each of its cuts starts from a fresh
# parent and keys, with a ciphertext of the fresh d1.
restore_shred() {
	keys_clear || return 1
	rm -rf /st/kseal && sync &&
	{ $K provision && $K create s1 --pcrs 7 && $K create d1 --wrapped-by s1 &&
	  keyctl pkey_encrypt "$(d1)" 0 /data/p1 > /tmp/cs; } > /tmp/restore.out 2>&1 ||
		{ cat /tmp/restore.out; return 1; }
	sync
}
# After a shred cut: either nothing was destroyed (the keys load and
# decrypt), or the parent is gone, no blob left loads, and shred run
# again finishes the job.
verify_shred() {
	if tpm2 readpublic -Q -c 0x81000100 > /dev/null 2>&1; then
		$K load --all > /tmp/load.out 2>&1 || { echo "load --all failed:"; cat /tmp/load.out; return 1; }
		keyctl pkey_decrypt "$(d1)" 0 /tmp/cs 2> /dev/null | cmp -s - /data/p1 ||
			{ echo "the parent is there but d1 does not decrypt"; return 1; }
		echo old
		return
	fi
	$K load --all > /tmp/load.out 2>&1
	if grep ' kseal ' /proc/keys; then
		echo "a blob loaded without its parent:"; cat /tmp/load.out; return 1
	fi
	$K shred --yes > /tmp/shred.out 2>&1 || { echo "shred again failed:"; cat /tmp/shred.out; return 1; }
	left=$(find /st/kseal -name '*.json')
	[ -z "$left" ] || { echo "shred again left: $left"; return 1; }
	echo new
}

# cuts OP ARGS...: trace the operation once, then cut it at each call.
cuts() {
	op=$1
	shift
	rs=restore what="loads whole, content intact"
	[ "$op" = shred ] &&
		rs=restore_shred what="intact, or destroyed for good and shred again completes"
	$rs || { echo "not ok - $op: restore"; return; }
	strace -f -qq -o /tmp/trace -e trace=$SET $K "$@" > /tmp/op.out 2>&1 ||
		{ echo "not ok - $op: the operation fails uncut"; sed 's/^/#   /' /tmp/op.out; return; }
	sed -n 's/^[0-9]\+ \+\([a-z0-9_]\+\)(.*/\1/p' /tmp/trace > /tmp/events
	n=$(wc -l < /tmp/events)
	echo "# $op: $n cut points: $(tr '\n' ' ' < /tmp/events)"
	seen=""
	for i in $(seq 1 "$n"); do
		s=$(sed -n "${i}p" /tmp/events)
		j=$(head -n "$i" /tmp/events | grep -cx "$s")
		$rs || { echo "not ok - $op cut $i: restore"; continue; }
		strace -f -qq -o /dev/null -e trace=$SET -e inject="$s:signal=SIGKILL:when=$j" \
			$K "$@" > /tmp/op.out 2>&1
		rc=$?
		st_cut && st_mount || { echo "not ok - $op cut $i: remount"; return; }
		if [ $rc != 137 ]; then
			echo "not ok - $op cut $i (call $j of $s): ksealctl was not killed there (exit $rc)"
			continue
		fi
		verify "$op" > /tmp/verify.out 2>&1
		if [ $? = 0 ]; then
			out=$(tail -n 1 /tmp/verify.out)
			echo "ok - $op cut $i before $s #$j: $what ($out)"
			seen="$seen $out"
		else
			echo "not ok - $op cut $i before $s #$j"
			sed 's/^/#   /' /tmp/verify.out
		fi
	done
	case "$seen" in
	*old*new* | *new*old*) echo "ok - $op: both outcomes seen across its cuts:$seen" ;;
	*) echo "not ok - $op: both outcomes must be seen across its cuts, got:$seen" ;;
	esac
}

cuts rotate-s1 rotate s1
cuts reseal-s1 reseal s1 --pcrs 0,7
cuts rotate-d1 rotate d1
# create takes the same commit path as reseal and the data-key rotate
# (one new key file, then the pointer): its 20 cuts added nothing.
cuts shred shred --yes
GUEST
