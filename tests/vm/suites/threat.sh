# SPDX-License-Identifier: GPL-2.0-only
# The threat model's claims (README, "Threat model"), one named test each
# where it can be shown in the VM. Root with tpm2-tools plays the attacker:
# it can unseal a copied blob before the lock (that is why the lock
# exists) and must fail after it, on another machine, after a PCR change
# and after shred.
vm_disk_new T

cat > "$VM_DIR/threat-lib.sh" <<'LIB'
# Checks source this file in their own sh -c: bring blob_parts along.
. /tests/lib.sh
# root_unseal HEXFILE PCRLIST [LOCKPCR]: what root can do with tpm2-tools
# and a copy of the blob; prints the secret in hex on success. A
# generation 2 lock-bound blob takes PolicyPCR(PCRLIST without the lock
# PCR) then PolicyPCR(LOCKPCR), and seals a 32-byte header digest after
# the secret (include/kseal/blob.h, "Policies"), which is cut off here.
root_unseal() {
	d=$(mktemp -d)
	blob_parts "$1" "$d" &&
	tpm2 load -Q -C 0x81000100 -u "$d/pub.bin" -r "$d/priv.bin" -c "$d/obj.ctx" &&
	tpm2 startauthsession -Q -S "$d/s.ctx" --policy-session &&
	tpm2 policypcr -Q -S "$d/s.ctx" -l "sha256:$2" &&
	{ [ -z "${3:-}" ] || tpm2 policypcr -Q -S "$d/s.ctx" -l "sha256:$3"; } &&
	tpm2 unseal -c "$d/obj.ctx" -p "session:$d/s.ctx" > "$d/data" &&
	if [ $((0x$(cut -c25-32 "$1") & 4)) != 0 ]; then
		head -c $(($(wc -c < "$d/data") - 32)) "$d/data" > "$d/secret"
	else
		cp "$d/data" "$d/secret"
	fi &&
	od -An -tx1 -v "$d/secret" | tr -d ' \n'
	rc=$?
	tpm2 flushcontext -t >/dev/null 2>&1
	tpm2 flushcontext -l >/dev/null 2>&1
	rm -rf "$d"
	return $rc
}
# no_exposure HEX FILE...: the secret HEX (at least 16 bytes, lowercase
# hex) in none of the encodings user space could meet it in: raw bytes,
# hex in either case, the kernel's %*ph spacing, base64. Searched in each
# FILE and in everything user space can read of the kernel: every kseal
# key's payload (keyctl pipe), /proc/keys, /proc/key-users, every file of
# /sys/kernel/kseal and the kernel log (audit records included: no
# auditd). Prints where it found the secret; a grep error also fails.
no_exposure() {
	s=$1
	shift
	case $s in *[!0-9a-f]* | '') echo "not a lowercase hex secret: '$s'"; return 1 ;; esac
	[ ${#s} -ge 32 ] || { echo "secret too short to search for: ${#s} hex digits"; return 1; }
	S=$(echo "$s" | tr a-f A-F)
	sp=$(echo "$s" | sed 's/../& /g; s/ $//')
	b64=$(echo "$s" | xxd -r -p | base64 | tr -d '\n=')
	hay=$(mktemp -d)
	i=0
	for k in $(keyctl rlist @u) $(keyctl rlist %:kseal 2>/dev/null); do
		[ "$(keyctl rdescribe "$k" 2>/dev/null | cut -d';' -f1)" = kseal ] || continue
		keyctl pipe "$k" > "$hay/key-$k" || { echo "keyctl pipe $k failed"; return 1; }
	done
	cp /proc/keys "$hay/proc-keys" && cp /proc/key-users "$hay/proc-key-users" &&
	dmesg > "$hay/dmesg" || { echo "cannot copy /proc/keys, key-users or dmesg"; return 1; }
	for f in $(find /sys/kernel/kseal -type f); do
		i=$((i + 1))
		cat "$f" > "$hay/sysfs-$i" 2>/dev/null
	done
	[ $i -gt 0 ] || { echo "/sys/kernel/kseal has no file"; return 1; }
	for f in "$@"; do
		i=$((i + 1))
		cp "$f" "$hay/file-$i" || return 1
	done
	found=0
	for f in "$hay"/*; do
		grep -F -e "$s" -e "$S" -e "$sp" -e "$b64" "$f" > /dev/null
		r1=$?
		od -An -tx1 -v "$f" | tr -d ' \n' | grep -F "$s" > /dev/null
		r2=$?
		[ $r1 = 1 ] && [ $r2 = 1 ] && continue
		echo "found in $f (text $r1, raw bytes $r2; 2 means grep failed)"
		found=1
	done
	echo "searched $(ls "$hay" | wc -l) files for $s"
	rm -rf "$hay"
	[ $found = 0 ]
}
# trial_digest OUT POLICY...: a policy digest computed by the TPM in a
# trial session; each POLICY is "pcr LIST VALUESFILE" or "password".
trial_digest() {
	out=$1
	shift
	tpm2 startauthsession -Q -S /tmp/trial.ctx || return 1
	while [ $# -gt 0 ]; do
		case $1 in
		pcr) tpm2 policypcr -Q -S /tmp/trial.ctx -l "sha256:$2" -f "$3" -L "$out" || return 1
		     shift 3 ;;
		password) tpm2 policypassword -Q -S /tmp/trial.ctx -L "$out" || return 1
		     shift ;;
		esac
	done
	tpm2 flushcontext /tmp/trial.ctx
}
# root_recover HEXFILE PASSPHRASE PCR7FILE: root with tpm2-tools, a copy
# of a blob bound to pcrs=7 lock=15 with a recovery branch, the passphrase
# and PCR 7's value tries both recovery branches kseal has written:
# generation 1 (PolicyPassword alone) and generation 2 (PolicyPCR of PCR
# 15 at its boot value, then PolicyPassword). Prints the secret in hex if
# either unseals; otherwise the error of each try.
root_recover() {
	d=$(mktemp -d)
	head -c 32 /dev/zero > "$d/zero"
	cat "$3" "$d/zero" > "$d/v7_15"
	auth="hex:$(printf %s "$2" | sha256sum | cut -d' ' -f1)"
	blob_parts "$1" "$d" &&
	tpm2 load -Q -C 0x81000100 -u "$d/pub.bin" -r "$d/priv.bin" -c "$d/obj.ctx" || return 1
	# Generation 1: OR(PolicyPCR(7,15 as sealed), PolicyPassword).
	trial_digest "$d/a1" pcr 7,15 "$d/v7_15" &&
	trial_digest "$d/b1" password &&
	tpm2 startauthsession -Q -S "$d/s.ctx" --policy-session &&
	tpm2 policypassword -Q -S "$d/s.ctx" &&
	tpm2 policyor -Q -S "$d/s.ctx" -l "sha256:$d/a1,$d/b1" &&
	tpm2 unseal -c "$d/obj.ctx" -p "session:$d/s.ctx+$auth" > "$d/secret" 2>"$d/err1" &&
	{ od -An -tx1 -v "$d/secret" | tr -d ' \n'; return 0; }
	echo "generation 1 branch: $(cat "$d/err1" 2>/dev/null)"
	tpm2 flushcontext -s >/dev/null 2>&1
	# Generation 2: OR(PolicyPCR(7) then PolicyPCR(15 = 0), PolicyPCR(15 = 0) then PolicyPassword).
	trial_digest "$d/a2" pcr 7 "$3" pcr 15 "$d/zero" &&
	trial_digest "$d/b2" pcr 15 "$d/zero" password &&
	tpm2 startauthsession -Q -S "$d/s2.ctx" --policy-session &&
	tpm2 policypcr -Q -S "$d/s2.ctx" -l sha256:15 &&
	tpm2 policypassword -Q -S "$d/s2.ctx" &&
	tpm2 policyor -Q -S "$d/s2.ctx" -l "sha256:$d/a2,$d/b2" 2>"$d/err2" &&
	tpm2 unseal -c "$d/obj.ctx" -p "session:$d/s2.ctx+$auth" > "$d/data" 2>>"$d/err2" &&
	head -c $(($(wc -c < "$d/data") - 32)) "$d/data" > "$d/secret" &&
	{ od -An -tx1 -v "$d/secret" | tr -d ' \n'; return 0; }
	echo "generation 2 branch: $(cat "$d/err2" 2>/dev/null)"
	tpm2 flushcontext -s >/dev/null 2>&1
	tpm2 flushcontext -t >/dev/null 2>&1
	rm -rf "$d"
	return 1
}
LIB
vm_disk_put T "$VM_DIR/threat-lib.sh" threat-lib.sh

vm_boot --tpm default --disk T "threat model: one machine" <<'GUEST'
. /data/threat-lib.sh
kseal_insmod
check "setup: parent key" tpm_make_parent
K=$(keyctl add kseal k "new 32 pcrs=7 lock=15" @u)
F=$(keyctl add kseal fw "new 32 pcrs=7,8" @u)
keyctl pipe "$K" > /data/k.blob
keyctl pipe "$F" > /data/fw.blob

check "setup: root with tpm2-tools unseals a copied blob before the lock" \
	sh -c '. /data/threat-lib.sh; root_unseal /data/k.blob 7 15 > /tmp/secret && [ $(wc -c < /tmp/secret) = 64 ]'

# Claim: user space never sees plaintext. The secret root just unsealed
# (the attacker's view) must appear in nothing the kernel shows.
check "threat: user space never sees plaintext (keyctl read is the blob only)" \
	sh -c "keyctl pipe $K | cmp -s - /data/k.blob"
# Reads, describes and a reload first, so that each path that could log has run.
keyctl describe "$K" > /dev/null
keyctl add kseal k3 "load $(cat /data/k.blob)" @u > /dev/null
check "threat: user space never sees plaintext (payloads, /proc/keys, key-users, sysfs, kernel and audit log, blobs)" \
	sh -c ". /data/threat-lib.sh; no_exposure $(cat /tmp/secret) /data/k.blob /data/fw.blob"

# Claim: other software cannot unseal. A changed bound PCR stops both the
# module and root with tpm2-tools.
tpm2 pcrextend 8:sha256=$(printf 'other software' | sha256sum | cut -d' ' -f1)
check_fails "Key was rejected" "threat: other software cannot unseal (module, PCR 8 changed)" \
	keyctl add kseal fw2 "load $(cat /data/fw.blob)" @u
check_fails "Esys_Unseal(0x99D) - tpm:session(1):a policy check failed" "threat: other software cannot unseal (tpm2-tools, PCR 8 changed)" \
	sh -c '. /data/threat-lib.sh; root_unseal /data/fw.blob 7,8'

# Claim: root cannot unseal a copied blob after boot (after the lock).
echo 15 > /sys/kernel/kseal/lock
check_fails "Esys_Unseal(0x99D) - tpm:session(1):a policy check failed" "threat: root cannot unseal a copied blob after the lock (tpm2-tools)" \
	sh -c '. /data/threat-lib.sh; root_unseal /data/k.blob 7 15'
check_fails "Key was rejected" "threat: root cannot unseal a copied blob after the lock (module)" \
	keyctl add kseal k2 "load $(cat /data/k.blob)" @u
check "the key loaded before the lock is still in the kernel" sh -c "grep -q ' k: sealed' /proc/keys"
GUEST

vm_boot --tpm default --disk T "threat model: shred" <<'GUEST'
. /data/threat-lib.sh
kseal_insmod
check "after reboot the blob loads again" keyctl add kseal k "load $(cat /data/k.blob)" @u
# Claim: the operator can destroy every key. Shredding evicts the parent:
# no copy of any blob loads again, even with the same PCRs.
check "shred: evict the parent key" tpm2 evictcontrol -Q -C o -c 0x81000100
check_fails "Required key not available" "threat: after shred no blob loads again (module)" \
	keyctl add kseal k3 "load $(cat /data/k.blob)" @u
# The parent is gone: tpm2-tools cannot even name it to TPM2_Load.
check_fails "Esys_TR_FromTPMPublic(0x18B) - tpm:handle(1):the handle is not correct" "threat: after shred no blob loads again (tpm2-tools)" \
	sh -c '. /data/threat-lib.sh; root_unseal /data/k.blob 7 15'
GUEST

vm_tpm_new B
vm_boot --tpm B --disk T "threat model: another machine" <<'GUEST'
. /data/threat-lib.sh
kseal_insmod
check "setup: the other machine has its own parent key" tpm_make_parent
# Claim: a copied blob is useless on another machine.
check_fails "Required key not available" "threat: a copied blob is useless on another machine (module)" \
	keyctl add kseal k "load $(cat /data/k.blob)" @u
check_fails "_Load(0x1DF) - tpm:parameter(1):integrity check failed" "threat: a copied blob is useless on another machine (tpm2-tools)" \
	sh -c '. /data/threat-lib.sh; root_unseal /data/k.blob 7 15'
# kseal's own parent-Name comparison refused it above; that check would
# fire the same way on the first machine after a new provision. The TPM
# binding is what protects the blob: with the Name rewritten to this
# machine's parent, kseal's check passes and the TPM's Load refuses the
# private area's integrity (it was wrapped under the other parent's seed).
renamed_blob() {
	n=$(tpm_name 0x81000100) && h=$(cat /data/k.blob) &&
	[ ${#n} = 68 ] && [ "$(echo "$h" | cut -c53-120)" != "$n" ] &&
	echo "$(echo "$h" | cut -c1-52)$n$(echo "$h" | cut -c121-)" > /tmp/kb.blob
}
check "setup: the blob with this machine's parent Name (bytes 26..59)" renamed_blob
dmesg -C
check_fails "Bad message" "threat: a copied blob with this machine's parent Name is useless (module)" \
	keyctl add kseal kb "load $(cat /tmp/kb.blob)" @u
check "the refusal came from the TPM's Load, past kseal's Name check: integrity" sh -c \
	'dmesg | tee /dev/stderr | grep -q "TPM2_Load failed: TPM_RC_INTEGRITY (0x1df, parameter 1)"'
check_fails "_Load(0x1DF) - tpm:parameter(1):integrity check failed" \
	"threat: a copied blob with this machine's parent Name is useless (tpm2-tools)" \
	sh -c '. /data/threat-lib.sh; root_unseal /tmp/kb.blob 7 15'
GUEST

# The lock holds against root: no kernel operation re-exposes key material
# after it, and nothing seals to the locked PCR.
vm_tpm_new L
vm_boot --tpm L --disk T "threat model: after the lock" <<'GUEST'
. /data/threat-lib.sh
kseal_insmod
check "setup: parent key" tpm_make_parent
# What the boot does before the lock: a lock-bound machine key, a volume
# key under it, a second lock-bound key, one without lock= and a key with
# a recovery passphrase.
M=$(keyctl add kseal m "new 32 pcrs=7 lock=15" @u)
V=$(keyctl add kseal v "new 64 wrap=m" @u)
M2=$(keyctl add kseal m2 "new 32 pcrs=7 lock=15" @u)
N=$(keyctl add kseal n "new 32 pcrs=7" @u)
R=$(keyctl add kseal r "new 32 pcrs=7 lock=15 recovery=Marker-pass-9c1" @u)
keyctl pipe "$R" > /data/r.blob
tpm2 pcrread -Q sha256:7 -o /tmp/pcr7.bin
check "setup: the recovery passphrase unseals with tpm2-tools before the lock" \
	sh -c '. /data/threat-lib.sh; root_recover /data/r.blob Marker-pass-9c1 /tmp/pcr7.bin | grep -qE "^[0-9a-f]{64}$"'
echo 15 > /sys/kernel/kseal/lock

# Rewrap: the volume key must not move under a key root can unseal.
E=$(keyctl add kseal evil "new 32 pcrs=0" @u)
keyctl pipe "$E" > /tmp/evil.blob
check "setup: root unseals its own key made after the lock (tpm2-tools)" \
	sh -c '. /data/threat-lib.sh; root_unseal /tmp/evil.blob 0 | grep -qE "^[0-9a-f]{64}$"'
check_fails "Operation not permitted" "threat: after the lock, rewrap of a data key to a key root made is refused" \
	keyctl update "$V" "update rewrap=evil"
check "threat: the refused rewrap names its reason in the kernel log" \
	sh -c "dmesg | grep -q 'rewrap to key $E refused: it was made or loaded after a lock'"
E14=$(keyctl add kseal e14 "new 32 pcrs=7 lock=14" @u)
keyctl pipe "$E14" > /tmp/e14.blob
check "setup: root unseals a lock=14 key made after PCR 15 was locked (tpm2-tools)" \
	sh -c '. /data/threat-lib.sh; root_unseal /tmp/e14.blob 7 14 | grep -qE "^[0-9a-f]{64}$"'
check_fails "Operation not permitted" "threat: after the lock, rewrap to a key bound to another, unlocked lock PCR is refused" \
	keyctl update "$V" "update rewrap=e14"
check_fails "Operation not permitted" "threat: rewrap of a lock-bound key's data key to a key without lock= is refused" \
	keyctl update "$V" "update rewrap=n"
check "the data key is still wrapped by the machine key after the refusals" \
	sh -c "keyctl pipe $V | cut -c41-104 | grep -qx \$(keyctl pipe $M | cut -c259-322)"
check "after the lock, rewrap to a lock=15 key loaded before the lock still works" \
	keyctl update "$V" "update rewrap=m2"

# Recovery: the passphrase branch must stop at the lock too.
check_fails "Operation not permitted" "threat: after the lock, the kernel refuses a recovery= load" \
	keyctl add kseal r2 "load $(cat /data/r.blob) recovery=Marker-pass-9c1" @u
check "threat: the refused recovery names the lock in the kernel log" \
	sh -c "dmesg | grep -q 'recovery refused: PCR 15 is locked'"
check_fails "generation 2 branch: .*Esys_PolicyOR" "threat: after the lock, root with tpm2-tools and the passphrase cannot unseal" \
	sh -c '. /data/threat-lib.sh; root_recover /data/r.blob Marker-pass-9c1 /tmp/pcr7.bin'

# Seal after the lock: refused by the PCR's value, also after the module
# is reloaded (no module-local flag to forget).
check_fails "Device or resource busy" "threat: after the lock, sealing to the locked PCR is refused" \
	keyctl add kseal late "new 32 pcrs=7 lock=15" @u
keyctl revoke "$V"; keyctl revoke "$M"; keyctl revoke "$M2"
keyctl clear @u
sleep 1
check "the module reloads after the lock" sh -c "rmmod kseal && insmod /lib/kseal.ko"
check_fails "Device or resource busy" "threat: after the lock and a module reload, sealing to the locked PCR is refused" \
	keyctl add kseal late2 "new 32 pcrs=7 lock=15" @u
check "threat: the refused seal says the PCR is not at its boot value" \
	sh -c "dmesg | grep -q 'PCR 15 is not at its boot value'"
GUEST

# Known answers: root unseals a lock-bound key's secret before the lock
# (what the lock exists to stop afterwards) and recomputes, from the
# documented formats alone (include/kseal/blob.h, ciphertext.h), with
# OpenSSL and no module code (tests/kselftest/kseal_offline.c), the data
# keys under it. They must decrypt what the kernel encrypted and read the
# dm-crypt volume the logon export keyed: the kernel's keys are the
# documented ones, not zero, not one key twice, not drifting between
# versions. Their plaintext is then searched for like the secret's.
vm_tpm_new KA
vm_disk_new X 16
vm_boot --tpm KA --disk T --disk2 X "threat model: known answers outside the kernel" <<'GUEST'
. /data/threat-lib.sh
kseal_insmod
check "setup: parent key" tpm_make_parent
keyctl new_session > /dev/null
R=$(keyctl add kseal ka-root "new 32 pcrs=7 lock=15" @s)
D=$(keyctl add kseal ka-d "new 32 wrap=ka-root" @s)
V=$(keyctl add kseal ka-vol "new 64 wrap=ka-root logon=kseal:ka-vol" @s)
keyctl pipe "$R" > /tmp/root.blob
head -c 3000 /dev/urandom > /tmp/pt
keyctl pkey_encrypt "$D" 0 /tmp/pt > /tmp/ct1
keyctl update "$D" "update rotate"
keyctl pkey_encrypt "$D" 0 /tmp/pt > /tmp/ct2
keyctl pkey_sign "$D" 0 /tmp/pt > /tmp/sig2
keyctl pipe "$D" > /tmp/d.blob
keyctl pipe "$V" > /tmp/vol.blob
check "setup: ciphertexts of v1 and v2 and a v2 signature" sh -c \
	'[ $(stat -c %s /tmp/ct1) = 3033 ] && [ $(stat -c %s /tmp/ct2) = 3033 ] && [ $(stat -c %s /tmp/sig2) = 36 ]'

modprobe dm_crypt
head -c 1048576 /dev/urandom > /tmp/pattern
wait_logon kseal:ka-vol
check "setup: 1 MiB through dm-crypt keyed by the logon export" sh -c '
	dmsetup create ka --table "0 32768 crypt aes-xts-plain64 :64:logon:kseal:ka-vol 0 /dev/vdb 0" &&
	dmsetup mknodes ka && dd if=/tmp/pattern of=/dev/mapper/ka bs=4096 conv=fsync 2> /dev/null &&
	dmsetup remove ka && ! head -c 1048576 /dev/vdb | cmp -s - /tmp/pattern'

check "setup: root with tpm2-tools unseals the root key before the lock" sh -c \
	'. /data/threat-lib.sh; root_unseal /tmp/root.blob 7 15 > /tmp/secret && [ $(wc -c < /tmp/secret) = 64 ]'
S=$(cat /tmp/secret)
/tests/kseal_offline unwrap "$S" /tmp/d.blob > /tmp/d.keys 2> /tmp/d.err
/tests/kseal_offline unwrap "$S" /tmp/vol.blob > /tmp/vol.keys 2> /tmp/vol.err
check "known answer: the data blob unwraps with the documented wrapping key (id, tags): versions 1 and 2" sh -c \
	'cat /tmp/d.err /tmp/d.keys; [ "$(cut -d" " -f1 /tmp/d.keys | tr "\n" " ")" = "1 2 " ] &&
	 [ "$(grep -cE "^[12] [0-9a-f]{64}$" /tmp/d.keys)" = 2 ]'
K1=$(sed -n 's/^1 //p' /tmp/d.keys)
K2=$(sed -n 's/^2 //p' /tmp/d.keys)
KV=$(sed -n 's/^1 //p' /tmp/vol.keys)
check "known answer: v1 and v2 differ and neither is all zero" sh -c \
	"[ -n '$K1' ] && [ '$K1' != '$K2' ] && echo '$K1 $K2' | grep -Eqv '(^| )0{64}( |$)'"
check "known answer: the v1 ciphertext decrypts outside the kernel with v1" sh -c \
	"/tests/kseal_offline decrypt '$K1' /tmp/ct1 | cmp - /tmp/pt"
check "known answer: the v2 ciphertext decrypts outside the kernel with v2" sh -c \
	"/tests/kseal_offline decrypt '$K2' /tmp/ct2 | cmp - /tmp/pt"
check_fails "tag does not verify under this key" "known answer: v1 does not open v2's ciphertext (a new key, not a copy)" \
	/tests/kseal_offline decrypt "$K1" /tmp/ct2
check "known answer: the kernel's v2 signature verifies outside the kernel" sh -c \
	"/tests/kseal_offline verify '$K2' /tmp/pt /tmp/sig2 | grep -qx 'signature of version 2 verifies'"
check "known answer: the volume key unwraps: one version of 64 bytes, not the data key's" sh -c \
	"cat /tmp/vol.err /tmp/vol.keys; grep -Eqx '1 [0-9a-f]{128}' /tmp/vol.keys && [ '$KV' != '$K1$K2' ] &&
	 ! echo '$KV' | grep -Eqx '0{128}'"
# What cryptsetup open --type plain --cipher aes-xts-plain64 --key-size
# 512 makes of a key file: this table, with the key in hex.
check "known answer: the volume reads back with the derived key in a plain dm-crypt table" sh -c \
	"dmsetup create kaplain --table '0 32768 crypt aes-xts-plain64 $KV 0 /dev/vdb 0' &&
	 dmsetup mknodes kaplain && head -c 1048576 /dev/mapper/kaplain | cmp - /tmp/pattern; r=\$?;
	 dmsetup remove kaplain; exit \$r"
keyctl describe "$D" > /dev/null
keyctl add kseal ka-d2 "load $(cat /tmp/d.blob)" @s > /dev/null
check "threat: user space never sees a data key's plaintext (version 1)" sh -c \
	". /data/threat-lib.sh; no_exposure '$K1' /tmp/root.blob /tmp/d.blob /tmp/vol.blob /tmp/ct1 /tmp/ct2 /tmp/sig2"
check "threat: user space never sees a data key's plaintext (version 2)" sh -c \
	". /data/threat-lib.sh; no_exposure '$K2' /tmp/root.blob /tmp/d.blob /tmp/vol.blob /tmp/ct1 /tmp/ct2 /tmp/sig2"
check "threat: user space never sees the dm-crypt volume key (logon export)" sh -c \
	". /data/threat-lib.sh; no_exposure '$KV' /tmp/root.blob /tmp/d.blob /tmp/vol.blob"
GUEST
