# SPDX-License-Identifier: GPL-2.0-only
# The initramfs-tools boot script (init-premount/kseal) really loads keys:
# the first boot provisions the TPM and creates a sealed key on the disk,
# the second runs the packaged script, as initramfs-tools would, and finds
# the key loaded; a key that cannot load must not fail the script.
vm_disk_new I

vm_boot --tpm default --disk I "initramfs: provision and create" <<'GUEST'
K="ksealctl --state-dir /data/kseal --conf /dev/null"
kseal_insmod
check "provision" $K provision
check "create a sealed key bound to PCR 7" $K create root --pcrs 7
check "its blob is saved" test -s /data/kseal/current/root.json
GUEST

vm_boot --tpm default --disk I "initramfs: init-premount loads the key" <<'GUEST'
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

# A key that cannot load (PCR 7 changed): reported, and still exit 0 so
# cryptroot's own prompt is reached.
keyctl clear "$(keyctl search @u keyring kseal)"
tpm2 pcrextend 7:sha256=$(printf 'other firmware' | sha256sum | cut -d' ' -f1)
sh /usr/share/kseal/init-premount-kseal > /tmp/premount2.out 2>&1
rc=$?
sed 's/^/#   /' /tmp/premount2.out
check "a key that cannot load: the script still exits 0" test "$rc" = 0
check "and reports the failure" grep -q '^Failure: kseal:' /tmp/premount2.out
check "and the key is not loaded" sh -c 'ksealctl list | grep -q "^root .* no$"'
GUEST
