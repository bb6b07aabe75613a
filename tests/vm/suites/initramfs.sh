# SPDX-License-Identifier: GPL-2.0-only
# The initramfs-tools boot script (init-premount/kseal) really loads keys
# and opens volumes: the first boot provisions the TPM, creates a sealed
# key and a data key on the disk and formats a second disk as a volume
# with the data key, writing data into it; the second runs the packaged
# script, as initramfs-tools would, and finds the key loaded and, once
# the volumes file marks the volume initramfs, the volume open with that
# data in it; a key that cannot load, or a volume that cannot open, must
# not fail the script.
vm_disk_new I
# A raw disk: zeros, no signature for volume format to refuse.
rm -f "$VM_DIR/disk-V.img"
truncate -s 16M "$VM_DIR/disk-V.img"

vm_boot --tpm default --disk I --disk2 V "initramfs: provision and create" <<'GUEST'
K="ksealctl --state-dir /data/kseal --conf /dev/null"
kseal_insmod
check "provision" $K provision
check "create a sealed key bound to PCR 7" $K create root --pcrs 7
check "its blob is saved" test -s /data/kseal/current/root.json
check "create a data key under it, offered as logon kseal:ivk" \
	$K create ivk --wrapped-by root --bytes 64 --logon kseal:ivk
check "volume format /dev/vdb with it" $K volume format /dev/vdb --key ivk
check "volume open /dev/vdb as ivol" $K volume open /dev/vdb --name ivol
head -c 1048576 /dev/urandom > /data/pattern
check "write 1 MiB into /dev/mapper/ivol" \
	dd if=/data/pattern of=/dev/mapper/ivol bs=65536 count=16 conv=fsync
check "volume close ivol" $K volume close ivol
check "the disk holds ciphertext where the data start (1 MiB in)" sh -c \
	'dd if=/dev/vdb bs=1M skip=1 count=1 2>/dev/null > /tmp/raw &&
	 test "$(wc -c < /tmp/raw)" = 1048576 && ! cmp -s /tmp/raw /data/pattern'
GUEST

vm_boot --tpm default --disk I --disk2 V "initramfs: init-premount loads the key, opens the volume" <<'GUEST'
# What initramfs-tools provides the script: /scripts/functions (a shim that
# prints like its log_*_msg), ksealctl's configuration, and kseal.ko where
# modprobe finds it (the script loads the module itself).
mkdir -p /scripts /etc/kseal "/lib/modules/$(uname -r)/updates"
cat > /scripts/functions <<'SHIM'
log_success_msg() { echo "Success: $*"; }
log_failure_msg() { echo "Failure: $*"; }
log_warning_msg() { echo "Warning: $*"; }
log_begin_msg() { echo "Begin: $*"; }
log_end_msg() { echo "Done."; }
SHIM
printf 'STATE_DIR=/data/kseal\n' > /etc/kseal/kseal.conf
cp /lib/kseal.ko "/lib/modules/$(uname -r)/updates/kseal.ko"
depmod

check "kseal is not loaded yet" sh -c '! grep -q "^kseal " /proc/modules'
check "prereqs answers for initramfs-tools" sh /usr/share/kseal/init-premount-kseal prereqs
sh /usr/share/kseal/init-premount-kseal > /tmp/premount.out 2>&1
rc=$?
sed 's/^/#   /' /tmp/premount.out
check "the script exits 0" test "$rc" = 0
check "it reports success" grep -q '^Success: kseal: keys loaded' /tmp/premount.out
check "it loaded the kseal module" grep -q '^kseal ' /proc/modules
check "the key is in the keyrings" grep -q 'root: sealed pcrs=7' /proc/keys
check "ksealctl list shows it loaded" sh -c 'ksealctl list | grep -q "^root .* yes ("'
check "the script did not lock" sh -c '[ -z "$(tr -d " \n" < /sys/kernel/kseal/lock)" ]'
check "without a volumes file it opens no volume and says nothing of volumes" sh -c \
	'! grep -q "volumes" /tmp/premount.out && [ -z "$(dmsetup ls | grep -v "^No devices")" ]'

# The volumes file as the hook copies it: ivol marked initramfs, the same
# disk as a second entry without the option, which must stay closed.
cat > /etc/kseal/volumes <<'VOL'
# name	device		key	options
ivol	/dev/vdb	ivk	discard,initramfs
ivol2	/dev/vdb	ivk	readonly
VOL
# As after a reboot: no kseal key, nor the logon export dm-crypt would
# find, which goes in a work item after its key.
keys_gone() {
	keyctl clear "$(keyctl search @u keyring kseal)"
	for _ in $(seq 50); do
		grep -q ' kseal \| logon .*kseal:' /proc/keys || return 0
		sleep 0.1
	done
	grep ' kseal \| logon ' /proc/keys
	return 1
}
check "the keys are cleared, logon export included" keys_gone
sh /usr/share/kseal/init-premount-kseal > /tmp/premount-vol.out 2>&1
rc=$?
sed 's/^/#   /' /tmp/premount-vol.out
check "with a volume marked initramfs: the script exits 0" test "$rc" = 0
check "it reports the keys loaded and the volumes opened" sh -c \
	'grep -q "^Success: kseal: keys loaded" /tmp/premount-vol.out &&
	 grep -q "^Success: kseal: volumes marked initramfs opened" /tmp/premount-vol.out'
check "/dev/mapper/ivol is a block device" test -b /dev/mapper/ivol
check "it reads back the data written at the last boot" sh -c \
	'head -c 1048576 /dev/mapper/ivol | cmp - /data/pattern'
check "dm-crypt has the logon key kseal:ivk, no key bytes" sh -c \
	'dmsetup table --showkeys ivol | tee /dev/stderr | grep -q " :64:logon:kseal:ivk "'
check "the entry not marked initramfs stayed closed" sh -c \
	'! test -e /dev/mapper/ivol2 && ! dmsetup info ivol2 >/dev/null 2>&1'
check "volume close ivol" ksealctl volume close ivol

# A key that cannot load (PCR 7 changed): reported, and still exit 0 so
# cryptroot's own prompt is reached.
check "the keys are cleared again" keys_gone
tpm2 pcrextend 7:sha256=$(printf 'other firmware' | sha256sum | cut -d' ' -f1)
sh /usr/share/kseal/init-premount-kseal > /tmp/premount2.out 2>&1
rc=$?
sed 's/^/#   /' /tmp/premount2.out
check "a key that cannot load: the script still exits 0" test "$rc" = 0
check "and reports the failure" grep -q '^Failure: kseal:' /tmp/premount2.out
check "and the key is not loaded" sh -c 'ksealctl list | grep -q "^root .* no$"'
check "the volume it keys: a warning that it did not open" \
	grep -q '^Warning: kseal: volumes marked initramfs did not all open' /tmp/premount2.out
check "and it is not open" sh -c '! test -e /dev/mapper/ivol && ! dmsetup info ivol >/dev/null 2>&1'
GUEST
