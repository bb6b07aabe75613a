# SPDX-License-Identifier: GPL-2.0-only
# The harness's own promises: a reboot keeps the TPM state and the disk, a
# host hook between boots can change the disk, and a second TPM is a second
# machine that does not see the first one's objects.
vm_disk_new A

vm_boot --tpm default --disk A "harness: first boot" <<'GUEST'
check "disk mounted at /data" grep -q " /data ext4 " /proc/mounts
check "write a file to the disk" sh -c 'echo first-boot > /data/marker'
check "make a persistent TPM object" sh -c '
	tpm2 createprimary -Q -C o -g sha256 -G ecc -c /tmp/p.ctx &&
	tpm2 evictcontrol -Q -C o -c /tmp/p.ctx 0x81000abc'
GUEST

echo "from-the-host" > "$VM_DIR/hostfile"
vm_disk_put A "$VM_DIR/hostfile" hostfile

vm_boot --tpm default --disk A "harness: reboot, same machine" <<'GUEST'
check "the file survived the reboot" grep -qx first-boot /data/marker
check "the host hook's file is there" grep -qx from-the-host /data/hostfile
check "the persistent TPM object survived" sh -c 'tpm2 getcap handles-persistent | grep -qi 0x81000abc'
check "write a second file" sh -c 'echo second-boot > /data/marker2'
GUEST

if vm_disk_get A marker2 "$VM_DIR/marker2" && grep -qx second-boot "$VM_DIR/marker2"; then
	vm_note_pass "harness: the host reads the guest's file between boots"
else
	vm_note_fail "harness: the host cannot read the guest's file between boots"
fi

vm_tpm_new B
vm_boot --tpm B --disk A "harness: same disk, second machine's TPM" <<'GUEST'
check "the disk moved with its file" grep -qx first-boot /data/marker
check "the second TPM answers" tpm2 getcap handles-persistent
check "the second TPM does not have the first one's object" sh -c '
	out=$(tpm2 getcap handles-persistent) && ! echo "$out" | grep -qi 0x81000abc'
GUEST
