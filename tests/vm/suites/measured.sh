# SPDX-License-Identifier: GPL-2.0-only
# The default PCR selection (4,7,8,9) binds the boot chain: on UEFI boots of
# one machine (OVMF measures the kernel image into PCR 4, the 6.1 EFI stub
# the initramfs and the command line into PCR 9), a key created under the
# default policy is refused after a boot with another command line, another
# initramfs and another kernel image, by the module and by tpm2-tools alike,
# and loads again when the original chain boots. A key bound to PCR 7 alone
# loads through all of them: what `ksealctl status` warns about.
# Needs a kernel with an EFI stub: the release kernel (or 6.12).
if [ "$kernel" = debug ]; then
	vm_note_fail "measured: the debug kernel has no EFI stub; run this suite on the release kernel"
	return 0
fi

vm_disk_new M

# Another kernel image: the same kernel with another COFF TimeDateStamp, so
# its Authenticode hash (PCR 4) differs while kseal.ko still fits it.
other_kernel=$VM_DIR/vmlinuz-other
cp "$VM_KERNEL" "$other_kernel"
pe=$(od -An -tu4 -j60 -N4 "$VM_KERNEL" | tr -d ' ')
ts=$(od -An -tu1 -j$((pe + 8)) -N1 "$VM_KERNEL" | tr -d ' ')
printf "\\$(printf '%03o' $(((ts + 1) % 256)))" |
	dd of="$other_kernel" bs=1 seek=$((pe + 8)) conv=notrunc 2>/dev/null
if cmp -s "$VM_KERNEL" "$other_kernel"; then
	vm_note_fail "measured: the other kernel image is byte-identical to the original"
fi
# Another initramfs: this run's, plus one file.
mkdir -p "$VM_DIR/measured-extra/etc"
echo "another initramfs" > "$VM_DIR/measured-extra/etc/kseal-measured"
(cd "$VM_DIR/measured-extra" && find etc | cpio -o -H newc --quiet) > "$VM_DIR/measured-extra.cpio"
cat "$VM_INITRD" "$VM_DIR/measured-extra.cpio" > "$VM_DIR/initrd-other"

cat > "$VM_DIR/measured-lib.sh" <<'LIB'
# pcrs_now FILE: sha256 PCRs 4, 7, 8 and 9, one "N hex" line each.
pcrs_now() {
	tpm2 pcrread sha256:4,7,8,9 | sed -n 's/^ *\([0-9]*\) *: 0x\([0-9A-Fa-f]*\)$/\1 \2/p' > "$1" &&
	[ "$(wc -l < "$1")" = 4 ]
}
# moved FILE: which of PCRs 4, 7, 8 and 9 differ from the first boot's,
# e.g. "4 9 " (nothing when none does).
moved() {
	awk 'NR == FNR { v[$1] = $2; next } v[$1] != $2 { printf "%s ", $1 }' \
		/data/pcrs-original "$1"
}
# moved_is FILE PCRS: exactly PCRS (space separated, may be empty) moved.
moved_is() {
	_m=$(moved "$1")
	[ "$_m" = "${2:+$2 }" ] || { echo "moved: '$_m', expected '$2'"; return 1; }
}
# chain_refused LABEL: the default-policy key is refused by the module (errno
# EKEYREJECTED, the kernel log says why) and by tpm2-tools; the key bound
# to PCR 7 alone still loads.
chain_refused() {
	dmesg -c > /dev/null
	check_fails "$E_REJECTED" "$1: the module refuses the default-policy key (EKEYREJECTED)" \
		keyctl add kseal chain "load $(cat /data/chain.blob)" @u
	check "$1: the kernel log says the PCR values differ" \
		sh -c 'dmesg | grep -q "kseal: unseal refused: PCR values differ from the ones the key is bound to"'
	check_fails "Esys_Unseal(0x99D) - tpm:session(1):a policy check failed" \
		"$1: tpm2-tools cannot unseal it either (PolicyPCR 4,7,8,9)" \
		tpm2_unseal_blob /data/chain.blob 4,7,8,9
	check "$1: the key bound to PCR 7 alone loads all the same" \
		keyctl add kseal only7 "load $(cat /data/only7.blob)" @u
}
LIB
vm_disk_put M "$VM_DIR/measured-lib.sh" measured-lib.sh

vm_boot --uefi --disk M "measured: original chain, create" <<'GUEST'
. /data/measured-lib.sh
check "UEFI boot with a TCG event log" sh -c \
	'head -c 64 /sys/kernel/security/tpm0/binary_bios_measurements | wc -c | grep -qx 64'
check "PCRs 4, 7, 8, 9 read" pcrs_now /data/pcrs-original
check "the EFI stub measured into PCR 9" sh -c '! grep -q "^9 0*$" /data/pcrs-original'
check "parent storage key made with tpm2-tools" tpm_make_parent
check "module loads" kseal_insmod
check "a key under the default policy" sh -c '
	id=$(keyctl add kseal chain "new 32" @u) && keyctl pipe "$id" > /data/chain.blob'
# The blob's PCR mask, after the 20-byte header, parent 4, Name size 2, Name 34.
check "its blob binds PCRs 4, 7, 8 and 9 (mask 0x390)" sh -c \
	'[ "$(cut -c121-128 /data/chain.blob)" = 00000390 ]'
check "/proc/keys shows pcrs=4,7-9" sh -c 'grep " kseal " /proc/keys | grep -q "sealed pcrs=4,7-9 "'
check "a key bound to PCR 7 alone" sh -c '
	id=$(keyctl add kseal only7 "new 32 pcrs=7" @u) && keyctl pipe "$id" > /data/only7.blob'
check "tpm2-tools unseals the default-policy blob on this chain" \
	tpm2_unseal_blob /data/chain.blob 4,7,8,9
GUEST
if [ -f "$VM_DIR/tpm-default/ovmf-vars.fd" ]; then
	vm_note_pass "measured: the machine's UEFI variable store is kept beside its TPM state"
else
	vm_note_fail "measured: no UEFI variable store in $VM_DIR/tpm-default"
fi

vm_boot --uefi --disk M --append kseal.measured=other "measured: another command line" <<'GUEST'
. /data/measured-lib.sh
check "the command line has the extra word" grep -q "kseal.measured=other" /proc/cmdline
check "PCRs read" pcrs_now /tmp/pcrs
check "PCR 9 moved, 4, 7 and 8 did not" moved_is /tmp/pcrs 9
check "module loads" kseal_insmod
chain_refused "another command line"
GUEST

# Under QEMU's -kernel loader PCR 4 moves too: QEMU writes the initramfs's
# size and address into the kernel's setup header before the firmware
# measures it (tests/vm/README.md, "UEFI measured boot"); a real boot
# measures the kernel file as it is.
vm_boot --uefi --disk M --initrd "$VM_DIR/initrd-other" "measured: another initramfs" <<'GUEST'
. /data/measured-lib.sh
check "the initramfs has the extra file" test -f /etc/kseal-measured
check "PCRs read" pcrs_now /tmp/pcrs
check "PCR 9 moved (and 4: a larger initramfs), 7 and 8 did not" moved_is /tmp/pcrs "4 9"
check "module loads" kseal_insmod
chain_refused "another initramfs"
GUEST

vm_boot --uefi --disk M --kernel "$other_kernel" "measured: another kernel image" <<'GUEST'
. /data/measured-lib.sh
check "PCRs read" pcrs_now /tmp/pcrs
check "PCR 4 moved, 7, 8 and 9 did not" moved_is /tmp/pcrs 4
check "module loads" kseal_insmod
chain_refused "another kernel image"
GUEST

vm_boot --uefi --disk M "measured: original chain again" <<'GUEST'
. /data/measured-lib.sh
check "PCRs read" pcrs_now /tmp/pcrs
check "PCRs 4, 7, 8 and 9 are the first boot's again" moved_is /tmp/pcrs ""
check "module loads" kseal_insmod
check "the default-policy key loads again" keyctl add kseal chain "load $(cat /data/chain.blob)" @u
check "tpm2-tools unseals it again" tpm2_unseal_blob /data/chain.blob 4,7,8,9
GUEST
