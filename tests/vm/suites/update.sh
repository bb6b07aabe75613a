# SPDX-License-Identifier: GPL-2.0-only
# A kernel update under a signed PCR policy, on UEFI boots whose PCRs carry
# the real measurements of kernel, initramfs and command line. Kernel A
# (this run's 6.1) creates a key bound to the admin's policy signing key;
# the server predicts the PCRs of Debian's 6.12 (kernel B, its own
# initramfs) and of a kernel nobody signed (C: A with another COFF time
# stamp); the host plays the admin's workstation and signs A's and B's
# states and one state that will never boot. B loads the key without a
# passphrase and its PCRs equal the prediction. On C the key is refused by
# ksealctl, by the module (with a valid ticket of a state the admin signed
# and with one of a key root made) and by tpm2-tools; root cannot install
# its own signed policy; the recovery passphrase still works.
vm_disk_new U 256
W=$VM_DIR/update
mkdir -p "$W"

# Kernel B: Debian's 6.12 with kseal.ko built for it and its own initramfs.
update_kernel_b() {
	local k612 abi kb
	k612=$("$repo/scripts/kernel-6.12.sh") || return 1
	abi=$(cat "$k612/abi")
	kb=$W/kbuild
	vm_build_module "$k612/headers/usr/src/linux-headers-$abi" "$kb" 2>&1 ||
		return 1
	"$here/mkinitramfs.sh" "$W/initrd-b" "$k612/image" "$abi" "$repo" \
		"$kb/kmod/kseal.ko" > "$W/mkinitramfs.log" 2>&1 ||
		{ cat "$W/mkinitramfs.log"; return 1; }
	cp "$k612/image/boot/vmlinuz-$abi" "$W/vmlinuz-b"
}

# Kernel C: A's image with another COFF TimeDateStamp, so its Authenticode
# hash differs: a kernel the admin never signed.
update_kernel_c() {
	local pe
	cp "$VM_KERNEL" "$W/vmlinuz-c" &&
	pe=$(od -An -tu4 -j60 -N4 "$W/vmlinuz-c" | tr -d ' ') &&
	printf '\x4b\x53\x45\x41' |
		dd of="$W/vmlinuz-c" bs=1 seek=$((pe + 8)) conv=notrunc status=none &&
	! cmp -s "$VM_KERNEL" "$W/vmlinuz-c"
}

# The images as the firmware measures them in this VM (QEMU's direct boot
# fills in the setup header with the initrd's size): what predict reads.
update_measured_image() {
	"$repo/tests/helper/qemu-kernel.py" "$1" "$3" "$(stat -c %s "$2")" "$VM_MEM"
}

if update_kernel_b && update_kernel_c &&
	update_measured_image "$VM_KERNEL" "$VM_INITRD" "$W/measured-a" &&
	update_measured_image "$W/vmlinuz-b" "$W/initrd-b" "$W/measured-b" &&
	update_measured_image "$W/vmlinuz-c" "$VM_INITRD" "$W/measured-c" &&
	openssl ecparam -name prime256v1 -genkey -noout -out "$W/admin.key" 2>/dev/null &&
	openssl ec -in "$W/admin.key" -pubout -out "$W/admin.pem" 2>/dev/null &&
	openssl ecparam -name prime256v1 -genkey -noout -out "$W/rogue.key" 2>/dev/null &&
	openssl ec -in "$W/rogue.key" -pubout -out "$W/rogue.pem" 2>/dev/null &&
	vm_disk_put U "$W/admin.pem" admin.pem &&
	vm_disk_put U "$W/rogue.pem" rogue.pem &&
	vm_disk_put U "$W/measured-a" measured-a &&
	vm_disk_put U "$W/measured-b" measured-b &&
	vm_disk_put U "$W/measured-c" measured-c &&
	vm_disk_put U "$VM_INITRD" initrd-a &&
	vm_disk_put U "$W/initrd-b" initrd-b; then
	vm_note_pass "update: kernels B (6.12) and C (unsigned) and their measured images"
else
	vm_note_fail "update: could not prepare kernels B and C"
fi

# Guest helpers: every boot gets them on the disk.
cat > "$W/update-lib.sh" <<'LIB'
K="ksealctl --state-dir /data/kseal --conf /dev/null"
# pcrs_equal JSON: every PCR of a prediction holds the predicted value now.
pcrs_equal() {
	tr -d ' \n' < "$1" | grep -o '"pcr":[0-9]*,"hash":"[0-9a-f]*"' |
		sed 's/"pcr":\([0-9]*\),"hash":"\(.*\)"/\1 \2/' > /tmp/want
	[ -s /tmp/want ] || { echo "no PCR in $1"; return 2; }
	rc=0
	while read -r n h; do
		now=$(tr 'A-F' 'a-f' < "/sys/class/tpm/tpm0/pcr-sha256/$n")
		echo "PCR $n: predicted $h, now $now"
		[ "$now" = "$h" ] || rc=1
	done < /tmp/want
	return $rc
}
# pcrs_differ JSON: a well-formed prediction, some PCR not at its value.
pcrs_differ() {
	pcrs_equal "$1"
	[ $? = 1 ]
}
# tools_unseal_refused ...: tools_unseal's arguments; the TPM refused.
tools_unseal_refused() {
	tools_unseal "$@"
	[ $? = 1 ]
}
# blob_hex NAME: the saved blob of a key.
blob_hex() {
	tr -d ' \n' < "/data/kseal/current/$1.json" |
		sed -n 's/.*"blob":"\([0-9a-f]*\)".*/\1/p'
}
# ticket_of PEM POLHEX SIG_B64: the TPM's ticket (hex) for a signature of
# POLHEX by the key PEM, as root can make it with tpm2-tools (the public
# area ksealctl gives a policy key: ECDSA/sha256, sign|userWithAuth).
ticket_of() {
	d=$(mktemp -d)
	printf "$(echo "$2" | sed 's/../\\x&/g')" > "$d/pol"
	echo "$3" | base64 -d > "$d/sig" &&
	tpm2 loadexternal -Q -C o -G ecc:ecdsa-sha256:null -a 'sign|userwithauth' \
		-u "$1" -c "$d/k.ctx" &&
	tpm2 verifysignature -Q -c "$d/k.ctx" -g sha256 -m "$d/pol" \
		-f ecdsa -s "$d/sig" -t "$d/ticket" &&
	od -An -tx1 -v "$d/ticket" | tr -d ' \n'
	rc=$?
	tpm2 flushcontext -t > /dev/null 2>&1
	rm -rf "$d"
	return $rc
}
# entry FILE N FIELD: field pol or sig of entry N (0-based) of a signed
# policy file.
entry() {
	tr -d ' \n' < "$1" | grep -o '{"pcrs":[^}]*}' | sed -n "$(($2 + 1))p" |
		sed -n "s/.*\"$3\":\"\([^\"]*\)\".*/\1/p"
}
# tools_unseal PEM POLHEX TICKETHEX BLOBHEX: root with tpm2-tools loads
# the sealed object, runs PolicyPCR over the blob's selection and
# PolicyAuthorize with PEM's ticket, then Unseal: 0 if it unsealed, 1 if
# the TPM refused the policy, 2 if the attempt could not be set up.
tools_unseal() {
	d=$(mktemp -d)
	unhex() { printf "$(echo "$1" | sed 's/../\\x&/g')"; }
	echo "$4" > "$d/blob.hex"
	blob_parts "$d/blob.hex" "$d"
	unhex "$2" > "$d/pol"
	unhex "$3" > "$d/ticket"
	# The PCR mask: bytes 60..63 (include/kseal/blob.h).
	mask=$((0x$(echo "$4" | cut -c$((60 * 2 + 1))-$((64 * 2)))))
	sel=$(n=0; while [ $n -lt 24 ]; do [ $((mask >> n & 1)) = 1 ] && printf '%s,' $n; n=$((n + 1)); done)
	rc=2
	if tpm2 load -Q -C 0x81000100 -u "$d/pub.bin" -r "$d/priv.bin" -c "$d/o.ctx" &&
		tpm2 loadexternal -Q -C o -G ecc:ecdsa-sha256:null -a 'sign|userwithauth' \
			-u "$1" -c "$d/k.ctx" -n "$d/name" &&
		tpm2 startauthsession -Q -S "$d/s.ctx" --policy-session &&
		tpm2 policypcr -Q -S "$d/s.ctx" -l "sha256:${sel%,}"; then
		echo "object loaded, PolicyPCR over ${sel%,} done"
		tpm2 policyauthorize -Q -S "$d/s.ctx" -i "$d/pol" -n "$d/name" \
			-t "$d/ticket" -L "$d/branch"
		# With a recovery branch (flag 1, no lock PCR here) the object's
		# policy is PolicyOR(signed branch, PolicyAuthValue).
		if [ $((0x$(echo "$4" | cut -c25-32) & 1)) = 1 ]; then
			tpm2 startauthsession -Q -S "$d/t.ctx" &&
			tpm2 policyauthvalue -Q -S "$d/t.ctx" -L "$d/recovery" &&
			tpm2 flushcontext "$d/t.ctx" &&
			tpm2 policyor -Q -S "$d/s.ctx" -l "sha256:$d/branch,$d/recovery"
		fi
		if tpm2 unseal -c "$d/o.ctx" -p "session:$d/s.ctx" > "$d/out"; then
			echo "Unseal succeeded"
			rc=0
		else
			echo "Unseal refused"
			rc=1
		fi
	fi
	tpm2 flushcontext -t > /dev/null 2>&1
	tpm2 flushcontext -s > /dev/null 2>&1
	rm -rf "$d"
	return $rc
}
LIB
vm_disk_put U "$W/update-lib.sh" update-lib.sh

vm_boot --uefi --tpm default --disk U "update: kernel A creates a key under the admin's signing key" <<'GUEST'
. /data/update-lib.sh
say "kernel A: a key bound to the admin's policy signing key; predict the next kernel"
kseal_insmod
step "provision" $K provision
step "create a sealed key bound to the admin's policy signing key, with a recovery passphrase" \
	sh -c "printf 'pass-word\n' | $K create root --policy-key /data/admin.pem --recovery-fd 0"
step "a data key under it encrypts" sh -c \
	"$K create app --wrapped-by root && head -c 32 /dev/urandom > /data/p && keyctl pkey_encrypt \$(keyctl search %:kseal kseal app) 0 /data/p > /data/c && [ -s /data/c ]"
step "predict the chain of this boot" sh -c \
	"$K policy predict --kernel /data/measured-a --initrd /data/initrd-a --cmdline \"\$(cat /proc/cmdline)\" > /data/pred-a.json && cat /data/pred-a.json"
step "the prediction for the same chain equals this boot's PCRs" pcrs_equal /data/pred-a.json
step "predict kernel B (6.12) and its initramfs" sh -c \
	"$K policy predict --kernel /data/measured-b --initrd /data/initrd-b --cmdline \"\$(cat /proc/cmdline)\" > /data/pred-b.json && cat /data/pred-b.json"
step "kernel B's prediction differs from this boot's PCRs" pcrs_differ /data/pred-b.json
step "predict kernel C, which the admin will not sign" \
	sh -c "$K policy predict --kernel /data/measured-c --initrd /data/initrd-a > /data/pred-c.json"
step "predict a command line that will never boot" sh -c \
	"$K policy predict --kernel /data/measured-a --initrd /data/initrd-a --cmdline \"\$(cat /proc/cmdline) kseal.never=1\" > /data/pred-x.json"
keyctl unlink "$(keyctl search %:kseal kseal app)" %:kseal > /dev/null 2>&1
keyctl unlink "$(keyctl search %:kseal kseal root)" %:kseal > /dev/null 2>&1
refused "no signed policy" "without a signed policy, load refuses the key" $K load root
GUEST

# The admin's workstation: sign A, B and the state that never boots. Root
# on the server signs C with its own key.
if vm_disk_get U pred-a.json "$W/pred-a.json" &&
	vm_disk_get U pred-b.json "$W/pred-b.json" &&
	vm_disk_get U pred-c.json "$W/pred-c.json" &&
	vm_disk_get U pred-x.json "$W/pred-x.json"; then
	ks="$repo/userspace/ksealctl --state-dir $W/none"
	$ks policy sign --key "$W/admin.key" --in "$W/pred-a.json" --out "$W/policy.json" &&
	$ks policy sign --key "$W/admin.key" --in "$W/pred-b.json" --out "$W/policy.json" --append &&
	$ks policy sign --key "$W/admin.key" --in "$W/pred-x.json" --out "$W/policy.json" --append &&
	$ks policy sign --key "$W/rogue.key" --in "$W/pred-c.json" --out "$W/rogue.json" &&
	python3 -c '
import base64, json, sys
e = json.load(open(sys.argv[1]))["sha256"][0]
open(sys.argv[2] + "/sig", "wb").write(base64.b64decode(e["sig"]))
open(sys.argv[2] + "/pol", "wb").write(bytes.fromhex(e["pol"]))' "$W/policy.json" "$W" &&
	openssl dgst -sha256 -verify "$W/admin.pem" -signature "$W/sig" "$W/pol" \
		> "$W/verify.out" 2>&1
	tap_result $? "update: the workstation signs three states; openssl verifies the first signature" "$W/verify.out"
	vm_disk_put U "$W/policy.json" policy.json
	vm_disk_put U "$W/rogue.json" rogue.json
else
	vm_note_fail "update: the predictions did not come back from the guest"
fi

vm_boot --uefi --tpm default --disk U "update: kernel A, signed policy installed" <<'GUEST'
. /data/update-lib.sh
say "kernel A: install what the admin signed; the key loads without a passphrase"
kseal_insmod
step "install the signed policy file" $K policy install /data/policy.json
step "the key loads without a passphrase" $K load --all
step "the data key decrypts what it encrypted" sh -c \
	"keyctl pkey_decrypt \$(keyctl search %:kseal kseal app) 0 /data/c | cmp - /data/p"
GUEST

vm_boot --uefi --tpm default --disk U --kernel "$W/vmlinuz-b" --initrd "$W/initrd-b" \
	"update: kernel B (6.12), the predicted and signed state" <<'GUEST'
. /data/update-lib.sh
say "kernel update: Debian's 6.12 boots in the state the admin signed"
kseal_insmod
step "this is kernel B" sh -c "uname -r | grep -q '^6\.12\.'"
step "every PCR equals the prediction made on kernel A" pcrs_equal /data/pred-b.json
cp /sys/kernel/debug/kseal/tpm_commands_by_cc /tmp/cc.before
step "the key loads without a passphrase" $K load root
# What the module sent for it (ksealctl's own PCR_Read, LoadExternal,
# ReadPublic, VerifySignature and FlushContext for the ticket are not the
# module's): the first load reads the parent's public area; a key with a
# recovery branch loaded by its signed branch takes a second, encrypt-only
# session and PolicyOR (README, "TPM commands per operation").
step "the module sent 9 TPM commands: PolicyPCR, PolicyAuthorize, PolicyOR in a policy session" sh -c '
	awk "FILENAME == ARGV[1] { b[\$1] = \$2; next } { d = \$2 - b[\$1]; if (d) print \$1, d }" \
		/tmp/cc.before /sys/kernel/debug/kseal/tpm_commands_by_cc | sort > /tmp/cc.diff
	cat /tmp/cc.diff
	printf "%s\n" "FlushContext 1" "Load 1" "PolicyAuthorize 1" "PolicyOR 1" \
		"PolicyPCR 1" "ReadPublic 1" "StartAuthSession 2" "Unseal 1" | cmp - /tmp/cc.diff'
step "its data key loads" $K load --all
step "the data key decrypts what kernel A encrypted" sh -c \
	"keyctl pkey_decrypt \$(keyctl search %:kseal kseal app) 0 /data/c | cmp - /data/p"
# The control of kernel C's tpm2-tools attack: with the admin's ticket of
# the state it is in, root unseals (no lock in this suite).
pol=$(entry /data/policy.json 1 pol)
t=$(ticket_of /data/admin.pem "$pol" "$(entry /data/policy.json 1 sig)")
step "control: root with tpm2-tools and the admin's ticket of this state unseals" \
	tools_unseal /data/admin.pem "$pol" "$t" "$(blob_hex root)"
GUEST

vm_boot --uefi --tpm default --disk U --kernel "$W/vmlinuz-c" \
	"update: kernel C, a state nobody signed" <<'GUEST'
. /data/update-lib.sh
say "a kernel nobody signed: root cannot authorise it"
kseal_insmod
step "PCRs equal the prediction for C (the chain is what root says)" pcrs_equal /data/pred-c.json
ls -la /data/kseal/policy > /tmp/policy.before
refused "which no key" "policy install refuses a file signed by root's own key" \
	$K policy install /data/rogue.json
step "and leaves the installed policies as they were" sh -c \
	"ls -la /data/kseal/policy | cmp - /tmp/policy.before"
refused "differ" "ksealctl load refuses the key, naming the PCRs that differ" $K load root
cp /data/rogue.json /data/kseal/policy/rogue.json
refused "differ" "also with root's file copied among the installed ones" $K load root
rm -f /data/kseal/policy/rogue.json
blob=$(blob_hex root)
# The admin signed a state (a command line) that this boot does not have:
# a valid signature and ticket, the wrong PCRs.
pol=$(entry /data/policy.json 2 pol)
t=$(ticket_of /data/admin.pem "$pol" "$(entry /data/policy.json 2 sig)")
dmesg -C
refused "rejected" "the module refuses the admin's ticket of a state this boot is not in" \
	keyctl add kseal t1 "load $blob approved=$pol ticket=$t" @s
step "and says the signed policy does not match this boot's PCRs" sh -c \
	"dmesg | grep -i 'signed policy' | grep -qi 'match'"
pol=$(entry /data/rogue.json 0 pol)
t=$(ticket_of /data/rogue.pem "$pol" "$(entry /data/rogue.json 0 sig)")
step "root's own key makes a valid owner ticket for this very state" sh -c \
	"echo '$t' | grep -Eqx '802240000001[0-9a-f]{68,132}'"
refused "rejected" "the module refuses root's ticket: the key is bound to the admin's signer" \
	keyctl add kseal t2 "load $blob approved=$pol ticket=$t" @s
step "tpm2-tools with root's ticket cannot unseal either" \
	tools_unseal_refused /data/rogue.pem "$pol" "$t" "$blob"
step "the recovery passphrase still loads the key" sh -c \
	"printf 'pass-word\n' | $K load root --recovery-fd 0"
step "and the data key decrypts what kernel A encrypted" sh -c \
	"$K load app && keyctl pkey_decrypt \$(keyctl search %:kseal kseal app) 0 /data/c | cmp - /data/p"
GUEST
