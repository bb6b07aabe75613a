# SPDX-License-Identifier: GPL-2.0-only
# Signed PCR policies (KSEAL_BLOB_F_AUTHORIZE): a key created with
# policy_key= loads in any PCR state its admin signed, with approved= and
# the TPM's ticket= for the signature, and in no other. The admin's key
# pair lives on the host (openssl), as on a workstation; the guest makes
# the tickets with tpm2-tools (TPM2_VerifySignature, owner hierarchy).
# One boot reads the PCR state; the host signs it and the state a next
# kernel would leave (PCR 12 extended once more); the next boot, on the
# same TPM, creates, loads and refuses.
vm_disk_new A

boot1='authorize: the PCR state to sign'
vm_boot --tpm default --disk A "$boot1" <<'GUEST'
check "setup: parent key" tpm_make_parent
check "setup: PCRs 7 and 12" tpm2 pcrread -Q sha256:7,12 -o /data/pcrs.bin
# The TPM's own PolicyPCR digest of them, to check the host's arithmetic.
check "setup: trial PolicyPCR" sh -c '
	tpm2 startauthsession -Q -S /tmp/t.ctx &&
	tpm2 policypcr -Q -S /tmp/t.ctx -l sha256:7,12 -L /data/pol_tpm.bin &&
	tpm2 flushcontext /tmp/t.ctx'
GUEST

# On the host: two key pairs (the admin's and one root made), the spec's
# Name of the admin key, and the approved policies of state A (now) and
# state B (PCR 12 extended with sha256("next kernel")).
W=$VM_DIR/authorize
mkdir -p "$W"
if vm_disk_get A pcrs.bin "$W/pcrs.bin" &&
	vm_disk_get A pol_tpm.bin "$W/pol_tpm.bin" &&
	openssl ecparam -name prime256v1 -genkey -noout -out "$W/admin.key" 2>/dev/null &&
	openssl ec -in "$W/admin.key" -pubout -out "$W/admin.pem" 2>/dev/null &&
	openssl ecparam -name prime256v1 -genkey -noout -out "$W/rogue.key" 2>/dev/null &&
	openssl ec -in "$W/rogue.key" -pubout -out "$W/rogue.pem" 2>/dev/null &&
	openssl ec -pubin -in "$W/admin.pem" -outform DER -out "$W/admin.der" 2>/dev/null &&
	python3 - "$W" <<'PY'
import hashlib, struct, sys
w = sys.argv[1]
h = lambda b: hashlib.sha256(b).digest()
def policy_pcr(values):
    # PolicyPCR from 32 zero bytes over sha256 PCRs 7 and 12 (spec.md).
    sel = struct.pack('>IHB', 1, 0x000b, 3) + bytes([0x80, 0x10, 0x00])
    return h(bytes(32) + struct.pack('>I', 0x17f) + sel + h(values))
v = open(w + '/pcrs.bin', 'rb').read()
assert len(v) == 64
ext = h(b'next kernel')
v_b = v[:32] + h(v[32:] + ext)
open(w + '/pol_a.bin', 'wb').write(policy_pcr(v))
open(w + '/pol_b.bin', 'wb').write(policy_pcr(v_b))
open(w + '/ext.hex', 'w').write(ext.hex())
# The signer's TPMT_PUBLIC as the spec fixes it: ECC, sha256,
# sign|userWithAuth, no policy, symmetric NULL, ECDSA/sha256, P-256,
# kdf NULL, x and y.
pt = open(w + '/admin.der', 'rb').read()[-64:]
pub = (struct.pack('>HHIH', 0x23, 0x0b, 0x40040, 0) +
       struct.pack('>HHHHH', 0x10, 0x18, 0x0b, 3, 0x10) +
       struct.pack('>H', 32) + pt[:32] + struct.pack('>H', 32) + pt[32:])
name = struct.pack('>H', 0x0b) + h(pub)
open(w + '/name.bin', 'wb').write(name)
open(w + '/name.hex', 'w').write(name.hex())
PY
then
	vm_note_pass "host: key pairs, the signer's Name and the approved policies"
else
	vm_note_fail "host: key pairs, the signer's Name and the approved policies"
fi
if cmp -s "$W/pol_a.bin" "$W/pol_tpm.bin"; then
	vm_note_pass "host: the approved policy of state A is the TPM's PolicyPCR digest"
else
	vm_note_fail "host: the approved policy of state A is the TPM's PolicyPCR digest"
fi
openssl dgst -sha256 -sign "$W/admin.key" -out "$W/sig_a" "$W/pol_a.bin"
openssl dgst -sha256 -sign "$W/admin.key" -out "$W/sig_b" "$W/pol_b.bin"
openssl dgst -sha256 -sign "$W/rogue.key" -out "$W/rsig_a" "$W/pol_a.bin"
if openssl dgst -sha256 -verify "$W/admin.pem" -signature "$W/sig_a" "$W/pol_a.bin" >/dev/null; then
	vm_note_pass "host: openssl verifies the admin's signature of state A"
else
	vm_note_fail "host: openssl verifies the admin's signature of state A"
fi
for f in admin.pem rogue.pem name.bin name.hex pol_a.bin pol_b.bin sig_a sig_b rsig_a ext.hex; do
	vm_disk_put A "$W/$f" "$f"
done

cat > "$VM_DIR/authorize-lib.sh" <<'LIB'
hexof() {
	od -An -tx1 -v "$1" | tr -d ' \n'
}
# mkticket PEM POL SIG OUT [HIERARCHY]: the verification ticket of SIG
# over POL by the key PEM, loaded public-only with the spec's attributes.
mkticket() {
	tpm2 loadexternal -Q -C "${5:-o}" -G ecc:ecdsa-sha256:null \
		-a 'sign|userwithauth' -u "$1" -c /tmp/vk.ctx &&
	tpm2 verifysignature -Q -c /tmp/vk.ctx -g sha256 -m "$2" -s "$3" \
		-f ecdsa -t "$4"
	rc=$?
	tpm2 flushcontext -t >/dev/null 2>&1
	return $rc
}
# signed POL TICKET: the load options of a signed policy.
signed() {
	echo "approved=$(hexof "$1") ticket=$(hexof "$2")"
}
_n=0
# load BLOB [OPTIONS]: a new key from BLOB; its id in /tmp/lid.
load() {
	_n=$((_n + 1))
	keyctl add kseal "l$_n" "load $(cat "$1")${2:+ $2}" @u > /tmp/lid
}
# load_refused ERRNO_TEXT LOG_TEXT DESC BLOB [OPTIONS]: the load fails with
# ERRNO_TEXT and the kernel log says LOG_TEXT.
load_refused() {
	dmesg -C
	check_fails "$1" "$3" load "$4" "${5:-}"
	dmesg > /tmp/dmesg.txt
	check "$3: the log says why" grep -qF "$2" /tmp/dmesg.txt
}
# root_unseal HEXFILE POL TICKET: root with tpm2-tools and a copy of a
# blob signed for pcrs=7,12 (no lock, no recovery): PolicyPCR, then
# PolicyAuthorize with the given approved policy and ticket, then Unseal.
root_unseal() {
	d=$(mktemp -d)
	blob_parts "$1" "$d" &&
	tpm2 load -Q -C 0x81000100 -u "$d/pub.bin" -r "$d/priv.bin" -c "$d/obj.ctx" &&
	tpm2 startauthsession -Q -S "$d/s.ctx" --policy-session &&
	tpm2 policypcr -Q -S "$d/s.ctx" -l sha256:7,12 &&
	tpm2 policyauthorize -Q -S "$d/s.ctx" -i "$2" -n /data/name.bin -t "$3" &&
	tpm2 unseal -c "$d/obj.ctx" -p "session:$d/s.ctx" > "$d/data" &&
	[ "$(wc -c < "$d/data")" = 64 ]
	rc=$?
	tpm2 flushcontext -t >/dev/null 2>&1
	tpm2 flushcontext -l >/dev/null 2>&1
	rm -rf "$d"
	return $rc
}
LIB
vm_disk_put A "$VM_DIR/authorize-lib.sh" authorize-lib.sh

vm_boot --tpm default --disk A "authorize: signed policies" <<'GUEST'
. /data/authorize-lib.sh
kseal_insmod
NAME=$(cat /data/name.hex)
check "setup: tpm2-tools gives the admin key the Name of the spec's public area" \
	sh -c 'tpm2 loadexternal -Q -C o -G ecc:ecdsa-sha256:null -a "sign|userwithauth" -u /data/admin.pem -c /tmp/a.ctx -n /tmp/a.name && tpm2 flushcontext -t && cmp /tmp/a.name /data/name.bin'
check "setup: the PCRs are in state A again (a reboot of the same machine)" sh -c '
	tpm2 startauthsession -Q -S /tmp/t.ctx &&
	tpm2 policypcr -Q -S /tmp/t.ctx -l sha256:7,12 -L /tmp/pol_now.bin &&
	tpm2 flushcontext /tmp/t.ctx && cmp /tmp/pol_now.bin /data/pol_a.bin'

# Create: the signed selection never holds the lock PCR.
K=$(keyctl add kseal k "new 32 pcrs=7,12 lock=15 recovery=Rec-pass-1 policy_key=$NAME" @u)
check "create a key with policy_key=, lock=15 and recovery=" test -n "$K"
keyctl pipe "$K" > /data/k.blob
check "/proc/keys shows the signer's Name" \
	grep -q ": sealed pcrs=7,12,15 parent=0x81000100 recovery lock=15 signer=$NAME\$" /proc/keys
K3=$(keyctl add kseal k3 "new 32 pcrs=7,12 policy_key=$NAME" @u)
keyctl pipe "$K3" > /data/k3.blob
P=$(keyctl add kseal p "new 32 pcrs=7" @u)
keyctl pipe "$P" > /data/p.blob
check_fails "Invalid argument" "create refuses the lock PCR in the signed selection" \
	keyctl add kseal x "new 32 pcrs=7,12,15 lock=15 policy_key=$NAME" @u
check_fails "Invalid argument" "create refuses a Name that is not sha256" \
	keyctl add kseal x "new 32 pcrs=7 policy_key=000c$(echo "$NAME" | cut -c5-)" @u
D=$(keyctl add kseal d "new 32 wrap=$K" @u)
keyctl pipe "$D" > /data/d.blob

check "tickets: the admin's signature of state A" \
	mkticket /data/admin.pem /data/pol_a.bin /data/sig_a /data/t_a.bin
check "tickets: the admin's signature of state B" \
	mkticket /data/admin.pem /data/pol_b.bin /data/sig_b /data/t_b.bin
check "tickets: a key root made signs state A" \
	mkticket /data/rogue.pem /data/pol_a.bin /data/rsig_a /data/rt_a.bin
check "the owner ticket is TPM_ST_VERIFIED of the owner hierarchy" \
	test "$(hexof /data/t_a.bin | cut -c1-12)" = 802240000001
mkticket /data/admin.pem /data/pol_a.bin /data/sig_a /tmp/t_null.bin n > /tmp/null.log 2>&1
check "tpm2-tools makes no null-hierarchy ticket (the TPM's is empty)" test ! -s /tmp/t_null.bin

# The key, gone from the kernel, loads again by the admin's signature.
keyctl revoke "$D"
keyctl revoke "$K"
check "load with approved= and ticket= of this state" \
	load /data/k.blob "$(signed /data/pol_a.bin /data/t_a.bin)"
check "  it reads back the same blob" sh -c 'keyctl pipe $(cat /tmp/lid) | cmp -s - /data/k.blob'
check "  its data key unwraps (the same secret)" \
	keyctl add kseal d2 "load $(cat /data/d.blob)" @u
# The TPM commands of a signed load (README, "TPM commands per operation").
keyctl revoke "$K3"
before=$(cat /sys/kernel/debug/kseal/tpm_commands)
check "a signed key without lock or recovery branch loads" \
	keyctl add kseal k3b "load $(cat /data/k3.blob) $(signed /data/pol_a.bin /data/t_a.bin)" @u
check "  in 6 TPM commands: Load, StartAuthSession, PolicyPCR, PolicyAuthorize, Unseal, FlushContext" \
	test $(($(cat /sys/kernel/debug/kseal/tpm_commands) - before)) = 6

load_refused "Key was rejected" "the signed policy does not match this boot's PCR values" \
	"a state the admin signed but not this one is refused" \
	/data/k.blob "$(signed /data/pol_b.bin /data/t_b.bin)"
load_refused "Key was rejected" "the signed policy does not match this boot's PCR values" \
	"another state's approved policy with this state's ticket is refused" \
	/data/k.blob "$(signed /data/pol_b.bin /data/t_a.bin)"
load_refused "Key was rejected" "the signed policy's ticket is not valid" \
	"this state signed by a key root made is refused" \
	/data/k.blob "$(signed /data/pol_a.bin /data/rt_a.bin)"
T=$(hexof /data/t_a.bin)
load_refused "Key was rejected" "the signed policy's ticket is not valid" \
	"a tampered ticket is refused" \
	/data/k.blob "approved=$(hexof /data/pol_a.bin) ticket=$(echo "$T" | cut -c1-143)$(echo "$T" | cut -c144 | tr '0-9a-f' '1-9a-f0')"
load_refused "Key was rejected" "the signed policy's ticket is not valid" \
	"the owner ticket relabelled as the null hierarchy's is refused" \
	/data/k.blob "approved=$(hexof /data/pol_a.bin) ticket=802240000007$(echo "$T" | cut -c13-)"
load_refused "Key was rejected" "the signed policy's ticket is not valid" \
	"the owner ticket relabelled as the endorsement hierarchy's is refused" \
	/data/k.blob "approved=$(hexof /data/pol_a.bin) ticket=80224000000b$(echo "$T" | cut -c13-)"
check_fails "Invalid argument" "a null-hierarchy ticket (no digest) is refused" \
	load /data/k.blob "approved=$(hexof /data/pol_a.bin) ticket=8022400000070000"
load_refused "Key was rejected" "this key needs a signed policy" \
	"a signed key without approved= and ticket= is refused" /data/k.blob
check_fails "Invalid argument" "approved= without ticket= is refused" \
	load /data/k.blob "approved=$(hexof /data/pol_a.bin)"
check_fails "Invalid argument" "approved= and ticket= with recovery= are refused" \
	load /data/k.blob "$(signed /data/pol_a.bin /data/t_a.bin) recovery=Rec-pass-1"
load_refused "Invalid argument" "approved= and ticket= given for a blob sealed without a signed policy" \
	"approved= and ticket= for a key without a signed policy are refused" \
	/data/p.blob "$(signed /data/pol_a.bin /data/t_a.bin)"
check "recovery= still loads a signed key" load /data/k.blob recovery=Rec-pass-1

check "control: root with tpm2-tools and this state's ticket unseals a copied blob" \
	root_unseal /data/k3.blob /data/pol_a.bin /data/t_a.bin
check_fails "PolicyAuthorize" "root with tpm2-tools and another state's ticket cannot unseal" \
	root_unseal /data/k3.blob /data/pol_b.bin /data/t_b.bin

# Reseal keeps the signer; the lock PCR stays out of the selection.
L=$(cat /tmp/lid)
check "reseal a signed key" keyctl update "$L" "update reseal pcrs=7,12 recovery=Rec-pass-1"
check "  it keeps its signer" sh -c "grep '^$(printf %08x "$L") ' /proc/keys |
	grep -q ': sealed pcrs=7,12,15 parent=0x81000100 recovery lock=15 signer=$NAME\$'"
keyctl pipe "$L" > /data/k2.blob
check "  the resealed blob loads with the same signed policy" \
	load /data/k2.blob "$(signed /data/pol_a.bin /data/t_a.bin)"
check_fails "Invalid argument" "reseal refuses the lock PCR in the signed selection" \
	keyctl update "$L" "update reseal pcrs=7,15"

# The next kernel's state: the admin signed it, so the key loads there.
tpm2 pcrextend "12:sha256=$(cat /data/ext.hex)"
check "in state B, the admin's signature of state B loads the key" \
	load /data/k.blob "$(signed /data/pol_b.bin /data/t_b.bin)"
load_refused "Key was rejected" "the signed policy does not match this boot's PCR values" \
	"in state B, state A's signed policy is refused" \
	/data/k.blob "$(signed /data/pol_a.bin /data/t_a.bin)"

# After the lock nothing unseals a lock-bound signed key.
echo 15 > /sys/kernel/kseal/lock
load_refused "Key was rejected" "PCR 15 is locked; a key bound to it loads only before the lock" \
	"after the lock, a signed state is refused" \
	/data/k.blob "$(signed /data/pol_b.bin /data/t_b.bin)"
load_refused "Operation not permitted" "recovery refused: PCR 15 is locked" \
	"after the lock, recovery= is refused" /data/k.blob recovery=Rec-pass-1
GUEST
