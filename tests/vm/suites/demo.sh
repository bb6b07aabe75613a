# SPDX-License-Identifier: GPL-2.0-only
# The main job, end to end, narrated with real commands and their real
# output: provision the TPM, create a sealed machine key and a volume key
# under it, format a kseal volume with it (ksealctl volume), open it and
# write a file, reboot and
# load keys with the boot unit's own command lines, lock, read the file
# back, try a copied blob on a second machine, survive a firmware update
# with the recovery passphrase, rotate (the volume key is rewrapped),
# reboot, shred. Every step is an assertion (OK/FAIL as TAP), so the demo
# also runs in `make check`.
vm_disk_new D
vm_disk_new V 16

# Shared by every boot: narration helpers and the admin's command line.
cat > "$VM_DIR/demo-lib.sh" <<'LIB'
K="ksealctl --state-dir /data/kseal --conf /data/kseal.conf"
# The boot unit's command lines, as installed.
unit_lines() {
	sed -n 's|^ExecStart\(Post\)\{0,1\}=@SBINDIR@/|/usr/sbin/|p' \
		/usr/share/kseal/kseal-load.service
}
boot_unit() {
	unit_lines > /tmp/unit.lines
	while read -r line; do
		step "boot unit: $line" $line --state-dir /data/kseal --conf /data/kseal.conf
	done < /tmp/unit.lines
}
# The encrypted volume on the second disk, declared in a volumes file
# (the demo's /etc/kseal/volumes), keyed by the logon key.
V="--volumes /data/volumes"
open_volume() {
	# Debian's kernel has dm-crypt as a module, the debug kernel built in.
	{ dmsetup targets | grep -q '^crypt ' || modprobe dm_crypt; } &&
	$K volume open vol $V
}
read_file() {
	mkdir -p /mnt && mount -o ro /dev/mapper/vol /mnt && cat /mnt/report.txt
	rc=$?
	umount /mnt
	return $rc
}
# A new firmware measures something else into PCR 8 at every boot.
new_firmware() {
	tpm2 pcrextend 8:sha256=$(printf 'firmware v2' | sha256sum | cut -d' ' -f1)
}
LIB

vm_disk_put D "$VM_DIR/demo-lib.sh" demo-lib.sh

vm_boot --tpm default --disk D --disk2 V "demo: provision and create" <<'GUEST'
. /data/demo-lib.sh
kseal_insmod
printf 'LOCK_PCR=15\n' > /data/kseal.conf
printf 'correct-horse-battery\n' > /data/recovery.pass
say "a storage server with a TPM 2.0 and the kseal module"
step "the module registered the kseal key type" sh -c 'dmesg | grep "Key type kseal registered"' 
step "provision the TPM: SRK and the kseal parent key" $K provision
step "create the machine key, sealed to PCRs 7 and 8, lockable through PCR 15, with a recovery passphrase" \
	$K create machine --pcrs 7,8 --lock-pcr 15 --recovery-fd 3 3</data/recovery.pass
step "list: what is on disk and in the kernel" $K list
# A 32-byte key would show as a run of 64 hex digits; no run of 32 is there.
step "the kernel shows the policy, never key bytes" sh -c \
	'grep " kseal " /proc/keys > /tmp/keys; cat /tmp/keys;
	 grep -q " machine: sealed pcrs=7,8,15 parent=0x81000100 recovery lock=15$" /tmp/keys &&
	 [ "$(grep -ciE "[0-9a-f]{32}" /tmp/keys)" = 0 ]'
step "the state directory holds only the sealed blob" sh -c \
	'ls -l /data/kseal/current/ && head -c 120 /data/kseal/current/machine.json && echo &&
	 [ "$(ls /data/kseal/current/)" = machine.json ]'
say "a volume key for an encrypted disk, wrapped by the machine key"
step "create the volume key (64 bytes for aes-xts), offered to dm-crypt as logon key kseal:vol" \
	$K create vol --wrapped-by machine --bytes 64 --logon kseal:vol
step "the logon key is in the kseal keyring" keyctl search %:kseal logon kseal:vol
refused "Operation not supported" "and nobody can read it" sh -c 'keyctl pipe $(keyctl search %:kseal logon kseal:vol)'
refused "holds ext4" "formatting a disk that holds a file system is refused" \
	$K volume format /dev/vdb --key vol
step "format it as a kseal volume: a header whose key check value the volume key signs" \
	$K volume format /dev/vdb --key vol --label reports --force
step "declare it in the volumes file, as /etc/kseal/volumes would" sh -c \
	'echo "vol /dev/vdb vol" > /data/volumes && cat /data/volumes'
step "open it: the header proves the key before dm-crypt gets it" open_volume
step "the table names the key, never its bytes" sh -c \
	'dmsetup table --showkeys vol | tee /dev/stderr | grep -q ":64:logon:kseal:vol 0 "'
step "make a file system and write a file" sh -c \
	'mke2fs -q /dev/mapper/vol && mkdir -p /mnt && mount /dev/mapper/vol /mnt && echo "Q3 results: confidential" > /mnt/report.txt && umount /mnt'
step "close the volume" $K volume close vol
step "the disk itself holds only ciphertext" sh -c '! grep -q "Q3 results" /dev/vdb'
GUEST

vm_boot --tpm default --disk D --disk2 V "demo: reboot, boot unit loads and locks" <<'GUEST'
. /data/demo-lib.sh
kseal_insmod
say "after a reboot: the boot unit (kseal-load.service) runs"
unit_lines | sed 's/^/#   unit: /'
boot_unit
step "the machine key and the volume key are back" sh -c \
	"$K list > /tmp/list; rc=\$?; cat /tmp/list; [ \$rc = 0 ] &&
	 grep -q '^machine .* yes (' /tmp/list && grep -q '^vol .* yes (' /tmp/list"
step "PCR 15 is locked for this boot" grep -qw 15 /sys/kernel/kseal/lock
step "the volume opens with the key the boot unit loaded" open_volume
step "the file reads back" read_file
step "close the volume" $K volume close vol
say "after lock, not even root can unseal a copy of the blob"
refused "rejected" "a second load of the machine key's blob, after lock" \
	sh -c 'keyctl add kseal copy "load $(sed -n "s/.*\"blob\":\"\([0-9a-f]*\)\".*/\1/p" /data/kseal/current/machine.json)" @u'
step "the key loaded before the lock still works" sh -c "keyctl list %:kseal | grep machine"
refused "locked until reboot" "no new key can be bound to the locked PCR until reboot" \
	$K create late --lock-pcr 15
GUEST

vm_tpm_new B
vm_boot --tpm B --disk D "demo: the disk in another machine" <<'GUEST'
. /data/demo-lib.sh
kseal_insmod
say "someone moves the disk to another server (its own TPM)"
step "the admin vouches for that TPM: it gets its own kseal parent" $K provision --new-tpm
refused "Required key not available" "the copied blobs do not load there" $K load --all
step "the kernel log says why" sh -c 'dmesg | grep "not the parent"'
GUEST

vm_boot --tpm default --disk D "demo: firmware update" <<'GUEST'
. /data/demo-lib.sh
kseal_insmod
say "a firmware update changes PCR 8"
step "new firmware measures into PCR 8" new_firmware
refused "PCR" "load refuses: the PCRs differ" $K load machine
step "the recovery passphrase loads it" $K load machine --recovery-fd 3 3</data/recovery.pass
step "the volume key loads under it, with no TPM command" sh -c \
	't=$(cat /sys/kernel/debug/kseal/tpm_commands); '"$K"' load vol && [ "$(cat /sys/kernel/debug/kseal/tpm_commands)" = "$t" ]'
step "reseal to the new PCR values, keeping the recovery passphrase" \
	$K reseal machine --recovery-fd 3 3</data/recovery.pass
step "rotate the machine key: a new sealed key replaces it, the volume key is rewrapped in the kernel" \
	$K rotate machine --recovery-fd 3 3</data/recovery.pass
step "list" $K list
GUEST

vm_boot --tpm default --disk D --disk2 V "demo: reboot with the new firmware" <<'GUEST'
. /data/demo-lib.sh
kseal_insmod
step "the new firmware measures again at boot" new_firmware
boot_unit
step "the rotated machine key loads without the passphrase" sh -c \
	"$K list > /tmp/list; rc=\$?; cat /tmp/list; [ \$rc = 0 ] && grep -q '^machine .* yes (' /tmp/list"
step "the volume opens with the rewrapped volume key" open_volume
step "the file still reads back" read_file
step "close the volume" $K volume close vol
say "decommissioning: shred"
step "keep a copy of the blobs, as a thief would" cp -r /data/kseal /data/stolen
step "shred every key" $K shred --yes
refused "Required key not available" "the copied blobs never load again, even with the same PCRs" \
	ksealctl --state-dir /data/stolen --conf /dev/null load --all
step "the kernel holds no kseal key" sh -c '! grep -q " kseal " /proc/keys'
refused "no key 'vol'" "and the volume cannot be opened any more" open_volume
GUEST
