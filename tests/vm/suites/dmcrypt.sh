# SPDX-License-Identifier: GPL-2.0-only
# dm-crypt with a kseal data key exported as a logon key: a crypt target
# on a second virtio disk, written, the VM rebooted, the keys reloaded from
# their blobs, the device reopened and the data read back. The table never
# shows key bytes, and the logon key cannot be read.
vm_disk_new M
vm_disk_new X 16

vm_boot --tpm default --disk M --disk2 X "dmcrypt: create, write" <<'GUEST'
tpm_make_parent
kseal_insmod
keyctl new_session >/dev/null
S=$(keyctl add kseal seal "new 32" @s)
D=$(keyctl add kseal dm "new 64 wrap=seal logon=kseal:dm" @s)
keyctl pipe "$S" > /data/seal.blob
keyctl pipe "$D" > /data/dm.blob
check "the logon key is in the session keyring" wait_logon kseal:dm
# A second export of one name would leave the first key's bytes behind it
# (a logon key has no Write to update) and lose them when that key goes.
check_fails "add_key: File exists" "a second kseal key cannot export a logon name another one exports" \
	keyctl add kseal dmdup "new 64 wrap=seal logon=kseal:dm" @s
check "  the kernel log names the logon name" sh -c \
	"dmesg | grep -q 'logon=kseal:dm: another kseal key already exports that name'"
check "  and no key was added" sh -c "! grep -q ' dmdup: ' /proc/keys"
check_fails "Operation not supported\|Permission denied" "the logon key cannot be read" \
	keyctl pipe "$(keyctl search @s logon kseal:dm)"
modprobe dm_crypt
check "dmsetup create with :64:logon:kseal:dm" dmsetup create c --table \
	"0 32768 crypt aes-xts-plain64 :64:logon:kseal:dm 0 /dev/vdb 0"
dmsetup mknodes c
check "/dev/mapper/c is a block device" test -b /dev/mapper/c
head -c 1048576 /dev/urandom > /data/pattern
check "write 1 MiB" dd if=/data/pattern of=/dev/mapper/c bs=4096 count=256 conv=fsync
check "dmsetup table names the key, shows no key bytes" sh -c \
	"dmsetup table c | tee /dev/stderr | grep -q ' :64:logon:kseal:dm 0 ' && ! dmsetup table --showkeys c | grep -Eq '[0-9a-f]{64}'"
check "the disk holds ciphertext" sh -c "! head -c 1048576 /dev/vdb | cmp -s - /data/pattern"
check "dmsetup remove" dmsetup remove c
keyctl add kseal dm2 "new 64 wrap=seal logon=kseal:dm2" @s >/dev/null
check "a second export appears" wait_logon kseal:dm2
keyctl revoke "$(keyctl search @s kseal dm2)"
sleep 1
check_fails "Required key not available\|revoked" "revoking the kseal key removes the logon key" \
	keyctl search @s logon kseal:dm2
# Revoked, the name is free at once: the old logon key is withdrawn before
# the new one is made, whatever the timing.
R1=$(keyctl add kseal re1 "new 64 wrap=seal logon=kseal:re" @s)
wait_logon kseal:re
L1=$(keyctl search @s logon kseal:re)
keyctl revoke "$R1"
check "a revoked key's logon name can be exported again at once" \
	keyctl add kseal re2 "new 64 wrap=seal logon=kseal:re" @s
check "  by a new logon key, not the revoked one" sh -c '
	for i in 1 2 3 4 5 6 7 8 9 10; do
		L2=$(keyctl search @s logon kseal:re 2> /dev/null) && [ "$L2" != '"$L1"' ] && exit 0
		sleep 0.5
	done
	echo "logon key kseal:re: ${L2:-none}, the revoked one was '"$L1"'"; exit 1'
sync
GUEST

vm_boot --tpm default --disk M --disk2 X "dmcrypt: reboot, reload, read back" <<'GUEST'
kseal_insmod
keyctl new_session >/dev/null
check "reload sealed and data keys" sh -c \
	"keyctl add kseal seal \"load \$(cat /data/seal.blob)\" @s && keyctl add kseal dm \"load \$(cat /data/dm.blob) logon=kseal:dm\" @s"
check "the logon key is back" wait_logon kseal:dm
modprobe dm_crypt
check "dmsetup create again" dmsetup create c --table \
	"0 32768 crypt aes-xts-plain64 :64:logon:kseal:dm 0 /dev/vdb 0"
dmsetup mknodes c
check "/dev/mapper/c is a block device" test -b /dev/mapper/c
check "the data reads back identical" sh -c \
	"head -c 1048576 /dev/mapper/c | cmp - /data/pattern"
check "dmsetup remove" dmsetup remove c
GUEST
