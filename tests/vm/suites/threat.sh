# SPDX-License-Identifier: GPL-2.0-only
# The threat model's claims (README, "Threat model"), one named test each
# where it can be shown in the VM. Root with tpm2-tools plays the attacker:
# it can unseal a copied blob before the lock (that is why the lock
# exists) and must fail after it, on another machine, after a PCR change
# and after shred.
vm_disk_new T

cat > "$VM_DIR/threat-lib.sh" <<'LIB'
# blob_parts HEXFILE DIR: the TPM2B_PUBLIC and TPM2B_PRIVATE of a sealed
# blob (layout in include/kseal/blob.h: 161 bytes before them) as files
# tpm2-tools loads.
blob_parts() {
	hex=$(cat "$1")
	off=$((161 * 2))
	plen=$((0x$(echo "$hex" | cut -c$((off + 1))-$((off + 4)))))
	pub=$(echo "$hex" | cut -c$((off + 1))-$((off + 4 + plen * 2)))
	off=$((off + 4 + plen * 2))
	qlen=$((0x$(echo "$hex" | cut -c$((off + 1))-$((off + 4)))))
	priv=$(echo "$hex" | cut -c$((off + 1))-$((off + 4 + qlen * 2)))
	printf "$(echo "$pub" | sed 's/../\\x&/g')" > "$2/pub.bin"
	printf "$(echo "$priv" | sed 's/../\\x&/g')" > "$2/priv.bin"
}
# root_unseal HEXFILE PCRLIST: what root can do with tpm2-tools and a copy
# of the blob; prints the secret in hex on success.
root_unseal() {
	d=$(mktemp -d)
	blob_parts "$1" "$d" &&
	tpm2 load -Q -C 0x81000100 -u "$d/pub.bin" -r "$d/priv.bin" -c "$d/obj.ctx" &&
	tpm2 startauthsession -Q -S "$d/s.ctx" --policy-session &&
	tpm2 policypcr -Q -S "$d/s.ctx" -l "sha256:$2" &&
	tpm2 unseal -c "$d/obj.ctx" -p "session:$d/s.ctx" > "$d/secret" &&
	od -An -tx1 -v "$d/secret" | tr -d ' \n'
	rc=$?
	tpm2 flushcontext -t >/dev/null 2>&1
	tpm2 flushcontext -l >/dev/null 2>&1
	rm -rf "$d"
	return $rc
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
	sh -c '. /data/threat-lib.sh; root_unseal /data/k.blob 7,15 > /tmp/secret && [ $(wc -c < /tmp/secret) = 64 ]'

# Claim: user space never sees plaintext. The secret root just unsealed
# (the attacker's view) must appear in nothing the kernel shows.
secret=$(cat /tmp/secret)
check "threat: user space never sees plaintext (keyctl read is the blob only)" \
	sh -c "keyctl pipe $K | cmp -s - /data/k.blob && ! keyctl pipe $K | grep -q $secret"
check "threat: user space never sees plaintext (/proc/keys, key-users, dmesg)" \
	sh -c "! cat /proc/keys /proc/key-users | grep -qi $secret && ! dmesg | grep -qi $secret"
check "threat: user space never sees plaintext (no secret bytes in the blob)" \
	sh -c "! grep -qi $secret /data/k.blob"

# Claim: other software cannot unseal. A changed bound PCR stops both the
# module and root with tpm2-tools.
tpm2 pcrextend 8:sha256=$(printf 'other software' | sha256sum | cut -d' ' -f1)
check_fails "Key was rejected" "threat: other software cannot unseal (module, PCR 8 changed)" \
	keyctl add kseal fw2 "load $(cat /data/fw.blob)" @u
check_fails "" "threat: other software cannot unseal (tpm2-tools, PCR 8 changed)" \
	sh -c '. /data/threat-lib.sh; root_unseal /data/fw.blob 7,8'

# Claim: root cannot unseal a copied blob after boot (after the lock).
echo 15 > /sys/kernel/kseal/lock
check_fails "" "threat: root cannot unseal a copied blob after the lock (tpm2-tools)" \
	sh -c '. /data/threat-lib.sh; root_unseal /data/k.blob 7,15'
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
check_fails "" "threat: after shred no blob loads again (tpm2-tools)" \
	sh -c '. /data/threat-lib.sh; root_unseal /data/k.blob 7,15'
GUEST

vm_tpm_new B
vm_boot --tpm B --disk T "threat model: another machine" <<'GUEST'
. /data/threat-lib.sh
kseal_insmod
check "setup: the other machine has its own parent key" tpm_make_parent
# Claim: a copied blob is useless on another machine.
check_fails "Required key not available" "threat: a copied blob is useless on another machine (module)" \
	keyctl add kseal k "load $(cat /data/k.blob)" @u
check_fails "" "threat: a copied blob is useless on another machine (tpm2-tools)" \
	sh -c '. /data/threat-lib.sh; root_unseal /data/k.blob 7,15'
GUEST
