# SPDX-License-Identifier: GPL-2.0-only
# Sealed keys across boots and machines: blobs written in one boot load in
# the next on the same TPM; a bound PCR that changes refuses them until the
# recovery passphrase and a reseal; lock holds until reboot, also against
# root with tpm2-tools; another machine's TPM (no parent, or its own parent)
# gives ENOKEY; a TPM in dictionary-attack lockout gives EBUSY; no TPM gives
# ENODEV. The single-boot cases are tests/kselftest/sealed_test.c.

# Every boot's script starts with these (the guest sources lib.sh first).
cat > "$VM_DIR/sealed-lib.sh" <<'LIB'
_n=0
# save NAME PAYLOAD: create a key in @u, its blob in /data/NAME.blob.
save() {
	keyctl add kseal "$1" "$2" @u > "/tmp/$1.id" &&
	keyctl pipe "$(cat "/tmp/$1.id")" > "/data/$1.blob" &&
	[ -s "/data/$1.blob" ]
}
# load NAME [OPTION]: load /data/NAME.blob as a new key; on success its
# id replaces the one in /tmp/NAME.lid.
load() {
	_n=$((_n + 1))
	keyctl add kseal "load-$1-$_n" "load $(cat "/data/$1.blob")${2:+ $2}" @u \
		> /tmp/lid.new && mv /tmp/lid.new "/tmp/$1.lid"
}
# same_blob NAME: the loaded key reads back exactly the saved blob.
same_blob() {
	keyctl pipe "$(cat "/tmp/$1.lid")" > /tmp/read.hex &&
	cmp -s /tmp/read.hex "/data/$1.blob"
}
# described NAME TEXT: /proc/keys shows exactly TEXT for the loaded key.
described() {
	_id=$(printf '%08x' "$(cat "/tmp/$1.lid")")
	grep "^$_id " /proc/keys | grep -q ": $2\$"
}
lowercase_hex() {
	[ -s "$1" ] && [ "$(tr -d '0-9a-f' < "$1" | wc -c)" = 0 ]
}
# The new firmware of the story measures this into PCR 8 at every boot.
new_firmware() {
	tpm2 pcrextend "8:sha256=$(printf 'firmware v2' | sha256sum | cut -d' ' -f1)"
}
no_kseal_keys() {
	! grep -q " kseal " /proc/keys
}
LIB

vm_disk_new A
vm_disk_put A "$VM_DIR/sealed-lib.sh" sealed-lib.sh

vm_boot --tpm default --disk A --timeout $((VM_TIMEOUT * 3)) "sealed: create, single-boot selftests" <<'GUEST'
. /data/sealed-lib.sh
check "parent storage key made with tpm2-tools" tpm_make_parent
check "module loads" kseal_insmod
# PCR 7 only: sealed_test and the firmware update below extend PCR 8,
# which the default selection (4,7,8,9) has.
check "PCR-only key created, blob saved" save pcr "new 32 pcrs=7"
check "recovery key created, blob saved" save rec "new 64 pcrs=7,8 recovery=reboot-pass"
check "lock=15 key created, blob saved" save lck "new 32 pcrs=7 lock=15"
check "saved blobs are lowercase hex, no newline" sh -c '
	for f in /data/pcr.blob /data/rec.blob /data/lck.blob; do
		[ -s $f ] && [ "$(tr -d 0-9a-f < $f | wc -c)" = 0 ] || exit 1
	done'
ktest sealed_test
# sealed_test locked PCR 15 and reloaded the module: the lock holds.
check_fails "$E_REJECTED" "after the lock: the saved lock=15 blob is refused" load lck
check_fails "Unseal" "after the lock: root with tpm2-tools cannot unseal it" \
	tpm2_unseal_blob /data/lck.blob 7 15
check "after the lock: the PCR-only blob still loads" load pcr
GUEST

vm_boot --tpm default --disk A "sealed: reboot, same machine" <<'GUEST'
. /data/sealed-lib.sh
check "module loads" kseal_insmod
check "nothing locked after a reboot" sh -c '[ -z "$(cat /sys/kernel/kseal/lock)" ]'
check "PCR-only blob loads after the reboot" load pcr
check "  and reads back the same blob" same_blob pcr
check "  and describes its policy" described pcr "sealed pcrs=7 parent=0x81000100"
check "recovery blob loads by PCRs after the reboot" load rec
check "  and describes its policy" described rec "sealed pcrs=7,8 parent=0x81000100 recovery"
check "lock=15 blob loads again after the reboot" load lck
check "  and describes its policy" described lck "sealed pcrs=7,15 parent=0x81000100 lock=15"
# What lock is for: before it, root can unseal a copy with tpm2-tools.
check "before the lock: root with tpm2-tools can unseal the lock=15 blob" \
	tpm2_unseal_blob /data/lck.blob 7 15
check "lock PCR 15 as an init script would" sh -c 'echo 15 > /sys/kernel/kseal/lock'
check "the lock file lists PCR 15" sh -c '[ "$(cat /sys/kernel/kseal/lock)" = 15 ]'
check_fails "$E_REJECTED" "after the lock: the lock=15 blob is refused" load lck
check_fails "Unseal" "after the lock: root with tpm2-tools cannot unseal it" \
	tpm2_unseal_blob /data/lck.blob 7 15
check "the lock=15 key loaded before the lock is still there" \
	described lck "sealed pcrs=7,15 parent=0x81000100 lock=15"
check "  and still readable" same_blob lck

# A firmware update changes PCR 8.
check "new firmware measured into PCR 8" new_firmware
check_fails "$E_REJECTED" "after the PCR 8 change: recovery blob refused" load rec
check "the recovery passphrase loads it" load rec recovery=reboot-pass
check "reseal to the new PCR values, keeping recovery" sh -c '
	keyctl update "$(cat /tmp/rec.lid)" "update reseal recovery=reboot-pass" &&
	keyctl pipe "$(cat /tmp/rec.lid)" > /data/rec2.blob'
check "the resealed blob is a new blob" sh -c '! cmp -s /data/rec.blob /data/rec2.blob'
check "the resealed blob is lowercase hex" lowercase_hex /data/rec2.blob
check "the resealed blob loads without the passphrase" load rec2
check "  and keeps its policy summary" described rec2 "sealed pcrs=7,8 parent=0x81000100 recovery"

check "rmmod with kseal keys alive" rmmod kseal
check "no kseal key is left" no_kseal_keys
check "the module loads again" kseal_insmod
check "and loads blobs again" load pcr
GUEST

vm_boot --tpm default --disk A "sealed: reboot with the new firmware" <<'GUEST'
. /data/sealed-lib.sh
check "module loads" kseal_insmod
check "the new firmware measures PCR 8 again" new_firmware
check "the resealed blob loads by PCRs, no passphrase" load rec2
check "  and reads back the same blob" same_blob rec2
check_fails "$E_REJECTED" "the blob from before the update is refused" load rec
check "the lock=15 blob loads again (new boot)" load lck
GUEST

vm_tpm_new B
vm_boot --tpm B --disk A "sealed: the blobs on another machine" <<'GUEST'
. /data/sealed-lib.sh
check "module loads" kseal_insmod
check_fails "$E_NOKEY" "no parent key in this TPM: ENOKEY" load pcr
check_fails "$E_NOKEY" "no parent key, recovery passphrase: ENOKEY" load rec recovery=reboot-pass
check "this machine's parent made with tpm2-tools" tpm_make_parent
check_fails "$E_NOKEY" "another machine's parent: ENOKEY" load pcr
check_fails "$E_NOKEY" "another machine's parent, recovery passphrase: ENOKEY" load rec recovery=reboot-pass
check_fails "$E_NOKEY" "another machine's parent, lock=15 blob: ENOKEY" load lck
check_fails "$E_NOKEY" "another machine's parent, resealed blob: ENOKEY" load rec2
check "this machine seals its own keys" save own "new 32"
check "  and loads them" load own

# Dictionary-attack lockout: wrong passphrases until the TPM locks out.
check "a recovery key of this machine" save da "new 32 recovery=right-one"
max=$(tpm2 getcap properties-variable | awk '/TPM2_PT_MAX_AUTH_FAIL/ { print $2 }')
echo "# TPM2_PT_MAX_AUTH_FAIL: $max"
i=0
while [ "$i" -lt $((max)) ]; do
	i=$((i + 1))
	check_fails "$E_REJECTED" "wrong passphrase $i of $((max))" load da recovery=wrong-one
done
check_fails "$E_BUSY" "wrong passphrase in lockout: EBUSY" load da recovery=wrong-one
check_fails "$E_BUSY" "right passphrase in lockout: EBUSY" load da recovery=right-one
# The lockout must not stop a machine from loading its keys by PCRs at
# boot: the parent's empty authorization should not be DA-protected.
check "the PCR branch needs no passphrase: loads in lockout" load da
GUEST

vm_boot --no-tpm --disk A "sealed: no TPM" <<'GUEST'
. /data/sealed-lib.sh
check "module loads without a TPM" kseal_insmod
check_fails "$E_NODEV" "new 32 without a TPM: ENODEV" keyctl add kseal k "new 32" @u
check_fails "$E_NODEV" "load without a TPM: ENODEV" load pcr
check_fails "$E_INVAL" "a bad payload is still EINVAL" keyctl add kseal k "new 31" @u
check "no kseal key was made" no_kseal_keys
check "the module unloads" rmmod kseal
GUEST
