# SPDX-License-Identifier: GPL-2.0-only
# ksealctl volume against the real module, dm-crypt and a second disk:
# format refuses an occupied device and a key dm-crypt cannot use, writing
# nothing; open maps the volume with the logon key reference, and what was
# written reads back after close, reopen and a reboot; open refuses the
# wrong key (another data key of the same name), a key rotated since
# format, every single header byte flipped, a device too small for the
# header, a name another mapping holds: each with one line and exit 7,
# mapping nothing and writing nothing. The volumes file drives open --all
# (nofail) and the systemd generator.
vm_disk_new M
vm_disk_new V 16

vm_boot --tpm default --disk M --disk2 V --timeout 600 "volumes: format, open, refusals" <<'GUEST'
K="ksealctl --state-dir /data/kseal --conf /dev/null"
kseal_insmod
modprobe dm_crypt 2>/dev/null
# kx RC TEXT DESC ARGS...: ksealctl ARGS must exit RC with one line
# saying TEXT on stderr.
kx() {
	rc_want=$1 text=$2 desc=$3
	shift 3
	$K "$@" >/tmp/kx.out 2>/tmp/kx.err
	rc=$?
	if [ $rc = "$rc_want" ] && [ "$(wc -l </tmp/kx.err)" = 1 ] &&
		grep -q "^ksealctl: $text" /tmp/kx.err; then
		tap_ok "$desc"
	else
		tap_not_ok "$desc" "exit $rc, wanted $rc_want and one line: $text"
		tap_detail /tmp/kx.err /tmp/kx.out
	fi
}
# The device's first 2 MiB (header area and the data's start) and the
# kseal mappings: what a refusal must leave as it found them.
disk_sum() { head -c 2097152 /dev/vdb | sha256sum; }
maps() { dmsetup ls 2>/dev/null | sort; }

check "provision" $K provision
check "a sealed key" $K create machine --pcrs 7
check "a 64-byte data key offered as logon key kseal:vol" \
	$K create vol --wrapped-by machine --bytes 64 --logon kseal:vol
check "a data key without a logon export" $K create plain --wrapped-by machine

s=$(disk_sum)
kx 7 "volume format: /dev/vdb holds ext4; nothing written (--force overwrites it)" \
	"format refuses a device holding a file system (libblkid): exit 7" \
	volume format /dev/vdb --key vol
check "  the device is unchanged" sh -c "[ \"\$(head -c 2097152 /dev/vdb | sha256sum)\" = '$s' ]"
kx 1 "volume: key 'plain' is not a data key offered as a logon key" \
	"format refuses a data key without a logon export: exit 1" \
	volume format /dev/vdb --key plain --force
kx 1 "volume: key 'machine' is not a data key offered as a logon key" \
	"format refuses a sealed key: exit 1" volume format /dev/vdb --key machine --force
kx 7 "volume format: dm-crypt refuses cipher aes-cbc-nosuchiv with a 64-byte key" \
	"format tries the table first: a cipher dm-crypt refuses is exit 7" \
	volume format /dev/vdb --key vol --cipher aes-cbc-nosuchiv --force
check "  the device is still unchanged after the refusals" sh -c \
	"[ \"\$(head -c 2097152 /dev/vdb | sha256sum)\" = '$s' ] && [ -z \"\$(dmsetup ls 2>/dev/null | grep kseal-format)\" ]"

data_before=$(dd if=/dev/vdb bs=1M skip=1 count=1 2>/dev/null | sha256sum)
check "format --force over the file system, with a label" \
	$K volume format /dev/vdb --key vol --label backups --force
check "  the header starts with KSEALVOL and the old superblock is gone" sh -c \
	"[ \"\$(head -c 8 /dev/vdb)\" = KSEALVOL ] && [ \"\$(dd if=/dev/vdb bs=1 skip=1080 count=2 2>/dev/null | od -An -tx1 | tr -d ' ')\" = 0000 ]"
check "  the data area is untouched (format writes the first MiB only)" sh -c \
	"[ \"\$(dd if=/dev/vdb bs=1M skip=1 count=1 2>/dev/null | sha256sum)\" = '$data_before' ]"
s=$(disk_sum)
kx 7 "volume format: /dev/vdb holds a kseal volume; nothing written" \
	"format refuses a kseal volume without --force" volume format /dev/vdb --key vol
check "  unchanged" sh -c "[ \"\$(head -c 2097152 /dev/vdb | sha256sum)\" = '$s' ]"

check "status DEVICE: the header's fields and the key check" sh -c \
	"$K volume status /dev/vdb > /tmp/st; cat /tmp/st; grep -q '^label: *backups$' /tmp/st &&
	 grep -q '^cipher: *aes-xts-plain64$' /tmp/st && grep -q '^key: *vol (64 bytes)$' /tmp/st &&
	 grep -q '^data: *15728640 bytes from byte 1048576$' /tmp/st &&
	 grep -q '^key status: *loaded, key check value matches$' /tmp/st"

check "open DEVICE --name v" $K volume open /dev/vdb --name v
check "  /dev/mapper/v is a block device of 15 MiB" sh -c \
	"test -b /dev/mapper/v && [ \$(blockdev --getsize64 /dev/mapper/v) = 15728640 ]"
check "  the table names the logon key and starts after the header area" sh -c \
	"dmsetup table --showkeys v | tee /dev/stderr | grep -q \"^0 30720 crypt aes-xts-plain64 :64:logon:kseal:vol 0 \$(cat /sys/block/vdb/dev) 2048\\\$\""
check "  a kseal dm UUID" sh -c "dmsetup info -c --noheadings -o uuid v | grep -q '^KSEAL-[0-9a-f]\{32\}-v\$'"
check "make a file system on it and write a file" sh -c \
	'mke2fs -q /dev/mapper/v && mkdir -p /mnt && mount /dev/mapper/v /mnt &&
	 head -c 65536 /dev/urandom > /data/payload && cp /data/payload /mnt/payload && umount /mnt'
mount /dev/mapper/v /mnt
kx 4 "volume close: removing /dev/mapper/v failed: Device or resource busy; it is in use: unmount it first" \
	"close of a mounted volume: exit 4, it stays open" volume close v
umount /mnt
check "  still open, then closed" sh -c "test -b /dev/mapper/v && $K volume close v && ! dmsetup info v >/dev/null 2>&1"
check "the disk holds ciphertext: its data area differs from what the mapping reads" sh -c \
	"$K volume open /dev/vdb --name v && head -c 1048576 /dev/mapper/v > /tmp/plain &&
	 dd if=/dev/vdb bs=1M skip=1 count=1 2>/dev/null > /tmp/raw && $K volume close v &&
	 [ \"\$(od -An -tx1 -j1080 -N2 /tmp/plain | tr -d ' ')\" = 53ef ] && ! cmp -s /tmp/plain /tmp/raw"
kx 1 "volume close: no open volume 'v'" "close of a volume that is not open: exit 1" volume close v

printf '# test volumes\nv /dev/vdb vol discard\nghost /dev/vdz vol nofail\n' > /data/volumes
check "open NAME from the volumes file" $K volume open v --volumes /data/volumes
check "  the file reads back" sh -c 'mount -o ro /dev/mapper/v /mnt && cmp /mnt/payload /data/payload; rc=$?; umount /mnt; exit $rc'
check "  with allow_discards, as the file says" sh -c "dmsetup table v | grep -q ' 1 allow_discards\$'"
check "open again: already open, exit 0" sh -c "$K volume open v --volumes /data/volumes 2>&1 | grep -q 'already open'"
check "list: the declared volumes, which are open" sh -c \
	"$K volume list --volumes /data/volumes > /tmp/l; cat /tmp/l; grep -Eq '^v +/dev/vdb +vol +yes +discard\$' /tmp/l && grep -Eq '^ghost +/dev/vdz +vol +no +nofail\$' /tmp/l"
check "status NAME says open" sh -c "$K volume status v --volumes /data/volumes | grep -q '^mapping: */dev/mapper/v open\$'"
dmsetup create other --table "0 8 error"
kx 7 "volume close: /dev/mapper/other is not a kseal volume" "close refuses a mapping that is not kseal's: exit 7" volume close other
kx 7 "volume: a device-mapper device 'other' exists and is not this volume" \
	"open refuses a name another mapping holds: exit 7" volume open /dev/vdb --name other
dmsetup remove other
check "close" $K volume close v

maps0=$(maps)
printf 'w /dev/vdb plain\n' > /tmp/vw
kx 7 "volume: /dev/vdb: the volumes file names key 'plain', the header key 'vol'; nothing opened" \
	"open refuses a volumes file that names another key: exit 7" volume open w --volumes /tmp/vw
printf 'w /dev/vdb vol sector-size=4096\n' > /tmp/vw
kx 7 "volume: /dev/vdb: sector-size=4096 in the volumes file, 512 in the header; nothing opened" \
	"open refuses a sector size other than the header's: exit 7" volume open w --volumes /tmp/vw
printf 'w /dev/vdb vol bogus\n' > /tmp/vw
kx 5 "volume: /tmp/vw: line 1: bad option 'bogus'" "a bad volumes file: exit 5, one line naming the line" \
	volume open w --volumes /tmp/vw

# The wrong key: another state directory whose data key is also called
# vol (another machine key, another secret) and whose logon name differs.
K2="ksealctl --state-dir /data/kseal2 --keyring kseal2 --conf /dev/null"
$K2 provision >/dev/null 2>&1
$K2 create machine2 --pcrs 7 >/dev/null 2>&1
check "a second key called vol, in another state directory" \
	$K2 create vol --wrapped-by machine2 --bytes 64 --logon kseal:vol-other
$K2 volume open /dev/vdb --name w >/tmp/kx.out 2>/tmp/kx.err; rc=$?
if [ $rc = 7 ] && grep -q "^ksealctl: volume: data key 'vol' loaded here is not the key /dev/vdb was formatted with (key check value mismatch); nothing opened$" /tmp/kx.err &&
	[ "$(wc -l </tmp/kx.err)" = 1 ]; then
	tap_ok "the wrong key (same name, other secret) is refused by the key check value: exit 7"
else
	tap_not_ok "the wrong key is refused" "exit $rc"; tap_detail /tmp/kx.err
fi
check "  status says so" sh -c "$K2 volume status /dev/vdb | grep -q '^key status: *loaded, but NOT the key of this volume'"

# Too small: the first 2 MiB of the volume on a loop device.
head -c 2097152 /dev/vdb > /data/small.img
modprobe loop 2>/dev/null
L=/dev/loop0
losetup "$L" /data/small.img
kx 7 "volume: $L is too small: 2097152 bytes, the header needs 16777216; a truncated or wrong device, nothing opened" \
	"open refuses a device too small for its header: exit 7" volume open "$L" --name w
losetup -d "$L"

# Every byte of the header flipped once, on the device itself; three
# programs per byte (TCG makes each one slow), the message read by the
# shell itself. The mappings are compared
# once, after the loop.
s=$(disk_sum)
: > /tmp/flips
i=0
for b in $(head -c 512 /dev/vdb | od -An -v -tu1); do
	printf "\\$(printf %o $((b ^ 1)))" | dd of=/dev/vdb bs=1 seek=$i conv=notrunc 2>/dev/null
	$K volume open /dev/vdb --name w >/dev/null 2>/tmp/flip.err
	rc=$?
	msg=
	IFS= read -r msg < /tmp/flip.err
	case "$rc $msg" in
	"7 ksealctl: volume: /dev/vdb: damaged kseal volume header (SHA-256 mismatch); nothing opened") ;;
	"7 ksealctl: volume: /dev/vdb: not a kseal volume (no KSEALVOL header); nothing opened") ;;
	*) echo "byte $i: exit $rc: $msg" >> /tmp/flips ;;
	esac
	printf "\\$(printf %o "$b")" | dd of=/dev/vdb bs=1 seek=$i conv=notrunc 2>/dev/null
	i=$((i + 1))
done
echo "$i" > /tmp/flips.count
check "each of the 512 header bytes flipped: refused as damaged (or not kseal), exit 7, nothing mapped" sh -c \
	"head -n 5 /tmp/flips; [ ! -s /tmp/flips ] && [ \"\$(cat /tmp/flips.count)\" = 512 ]"
check "  and the device is as before" sh -c "[ \"\$(head -c 2097152 /dev/vdb | sha256sum)\" = '$s' ] && [ \"\$(dmsetup ls 2>/dev/null | sort)\" = '$maps0' ]"

# Rotated since format: by hand, as ksealctl refuses it.
kx 7 "rotate: data key 'vol' is dm-crypt's key kseal:vol: a new version would not decrypt the data already written; nothing changed" \
	"ksealctl rotate refuses a volume key: exit 7" rotate vol
keyctl update "$(keyctl search %:kseal kseal vol)" "update rotate"
kx 7 "volume: data key 'vol' was rotated since /dev/vdb was formatted (version 1 then, 2 now)" \
	"open refuses a key rotated since format: exit 7" volume open /dev/vdb --name w
check "  nothing mapped" sh -c "[ \"\$(dmsetup ls 2>/dev/null | sort)\" = '$maps0' ]"

mkdir -p /tmp/gen
check "generate: one unit per line, in cryptsetup.target and the mapping's device" sh -c \
	"$K volume generate /tmp/gen --volumes /data/volumes && cd /tmp/gen &&
	 grep -q '^ExecStart=/usr/sbin/ksealctl volume open v --volumes /data/volumes\$' 'kseal-volume@v.service' &&
	 grep -q '^BindsTo=dev-vdb.device\$' 'kseal-volume@v.service' &&
	 [ \"\$(readlink 'cryptsetup.target.requires/kseal-volume@v.service')\" = '../kseal-volume@v.service' ] &&
	 [ \"\$(readlink 'dev-mapper-v.device.requires/kseal-volume@v.service')\" = '../kseal-volume@v.service' ] &&
	 [ \"\$(readlink 'cryptsetup.target.wants/kseal-volume@ghost.service')\" = '../kseal-volume@ghost.service' ] &&
	 [ ! -e 'cryptsetup.target.requires/kseal-volume@ghost.service' ]"
printf 'v /dev/vdb vol discard\nv /dev/vdc vol\n' > /tmp/vdup
rm -rf /tmp/gen2 && mkdir /tmp/gen2
kx 5 "volume: /tmp/vdup: line 2: volume 'v' is declared twice" \
	"generate refuses a bad file as a whole: exit 5" volume generate /tmp/gen2 --volumes /tmp/vdup
check "  and writes no unit" sh -c "[ -z \"\$(ls -A /tmp/gen2)\" ]"
sync
GUEST

vm_boot --tpm default --disk M --disk2 V "volumes: reboot, load, open --all" <<'GUEST'
K="ksealctl --state-dir /data/kseal --conf /dev/null"
kseal_insmod
modprobe dm_crypt 2>/dev/null
check "load every key" $K load --all
check "open --all: the missing nofail volume does not fail it" sh -c \
	"$K volume open --all --volumes /data/volumes; rc=\$?; echo exit \$rc; [ \$rc = 0 ] && test -b /dev/mapper/v"
check "the file written before the reboot reads back" sh -c \
	'mkdir -p /mnt && mount -o ro /dev/mapper/v /mnt && cmp /mnt/payload /data/payload; rc=$?; umount /mnt; exit $rc'
check "close" $K volume close v
printf 'v /dev/vdb vol\nghost /dev/vdz vol\n' > /tmp/v2
check "open --all without nofail: exit 2 when one of two fails, the other opened" sh -c \
	"$K volume open --all --volumes /tmp/v2; rc=\$?; echo exit \$rc; [ \$rc = 2 ] && test -b /dev/mapper/v"
$K volume close v
printf 'v /dev/vdb vol initramfs\nw /dev/vdz vol\n' > /tmp/v3
check "open --initramfs: only the entries marked initramfs" sh -c \
	"$K volume open --initramfs --volumes /tmp/v3 && test -b /dev/mapper/v && ! dmsetup info w >/dev/null 2>&1"
$K volume close v
GUEST
