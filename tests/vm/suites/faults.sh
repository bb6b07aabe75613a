# SPDX-License-Identifier: GPL-2.0-only
# Faults of a real TPM (swtpm), not of a lying one (malicious.sh):
# dictionary-attack lockout, a TPM reset between seal and unseal and a TPM
# without a sha256 PCR bank. The TPM dying under load: tpmdeath.sh.
vm_disk_new F

vm_boot --tpm default --disk F "faults: lockout, then state for a TPM reset" <<'GUEST'
check "setup: parent key (noDA)" tpm_make_parent
kseal_insmod
R=$(keyctl add kseal rec "new 32 recovery=right" @u)
P=$(keyctl add kseal pcr "new 32 pcrs=7 lock=15" @u)
keyctl pipe "$R" > /data/rec.blob
keyctl pipe "$P" > /data/pcr.blob
check "setup: blobs saved" test -s /data/rec.blob -a -s /data/pcr.blob

# count CMD: how often the module sent TPM2_CMD so far.
count() {
	awk -v c="$1" '$1 == c { n = $2 } END { print n + 0 }' \
		/sys/kernel/debug/kseal/tpm_commands_by_cc
}

# Three failed authorizations lock the TPM out for 1000 s.
check "setup: DA threshold 3" tpm2 dictionarylockout -Q -s -n 3 -t 1000 -l 1000
check "setup: DA counter cleared" tpm2 dictionarylockout -Q -c

# try PASS: one recovery load; prints the add_key error text and leaves
# the number of Unseal and StartAuthSession commands it cost in /tmp/cost.
try() {
	u=$(count Unseal) s=$(count StartAuthSession)
	keyctl add kseal try "load $(cat /data/rec.blob) recovery=$1" @u \
		>/tmp/try.out 2>&1
	echo "$(($(count Unseal) - u)) $(($(count StartAuthSession) - s))" > /tmp/cost
	cat /tmp/try.out
}

# Wrong passphrases: EKEYREJECTED until the TPM locks out, then EBUSY;
# every attempt is one session and one Unseal (the module never retries
# an authorization failure).
rejected=0 busy=0 other=0 cost_ok=1
for i in 1 2 3 4 5 6; do
	out=$(try wrong$i)
	[ "$(cat /tmp/cost)" = "1 1" ] || { cost_ok=0; echo "# attempt $i cost $(cat /tmp/cost)"; }
	case $out in
	*"Key was rejected by service") rejected=$((rejected + 1)) ;;
	*"Device or resource busy") busy=$((busy + 1)); break ;;
	*) other=$((other + 1)); echo "# attempt $i: $out" ;;
	esac
done
check "lockout: wrong passphrases rejected (EKEYREJECTED) before the lockout" \
	sh -c "[ $rejected -ge 1 ] && [ $rejected -le 3 ] && [ $other = 0 ]"
check "lockout: then the TPM locks out: EBUSY" test "$busy" = 1
check "lockout: one Unseal and one session per attempt, no retry" test "$cost_ok" = 1
check "lockout: dmesg names TPM_RC_LOCKOUT" sh -c 'dmesg | grep -q "TPM2_Unseal failed: TPM_RC_LOCKOUT"'

out=$(try right)
check "lockout: the right passphrase during lockout: EBUSY" \
	sh -c "echo '$out' | grep -q 'Device or resource busy\$'"
check "lockout: ... after exactly one Unseal" test "$(cat /tmp/cost)" = "1 1"
check "lockout: no key was added" sh -c '! grep -q " try: " /proc/keys'
check "lockout: a PCR-bound key still loads (noDA parent, policy without auth)" \
	keyctl add kseal pcr2 "load $(cat /data/pcr.blob)" @u

check "lockout: cleared with the lockout hierarchy" tpm2 dictionarylockout -Q -c
out=$(try right)
check "lockout: after clearing, the right passphrase loads" \
	sh -c "echo '$out' | grep -qx '[0-9]*' && grep -q ' try: sealed pcrs=4,7-9 parent=0x81000100 recovery' /proc/keys"

# State that a TPM reset must wipe: a transient object left loaded in
# the TPM (tpm2-tools on the raw device does not flush it) and the lock.
check "reset setup: a transient object stays loaded" sh -c '
	TPM2TOOLS_TCTI=device:/dev/tpm0 tpm2 createprimary -Q -C o -c /tmp/x.ctx &&
	[ -n "$(TPM2TOOLS_TCTI=device:/dev/tpm0 tpm2 getcap handles-transient)" ]'
echo 15 > /sys/kernel/kseal/lock
check "reset setup: PCR 15 locked" grep -qx 15 /sys/kernel/kseal/lock
check_fails "$E_REJECTED" "reset setup: the lock=15 blob no longer loads" \
	keyctl add kseal pcr3 "load $(cat /data/pcr.blob)" @u
GUEST

vm_boot --tpm default --disk F "faults: TPM reset between seal and unseal" <<'GUEST'
kseal_insmod
check "reset: no transient object survived" sh -c '
	t=$(TPM2TOOLS_TCTI=device:/dev/tpm0 tpm2 getcap handles-transient) && [ -z "$t" ]'
check "reset: no PCR locked this boot" sh -c '[ -z "$(cat /sys/kernel/kseal/lock)" ]'
check "reset: the lock=15 blob loads again (PCR 15 reset)" \
	keyctl add kseal pcr "load $(cat /data/pcr.blob)" @u
check "reset: the recovery blob loads by its PCR branch" \
	keyctl add kseal rec "load $(cat /data/rec.blob)" @u
check "reset: and by its passphrase" \
	keyctl add kseal rec2 "load $(cat /data/rec.blob) recovery=right" @u
check "reset: the persistent parent is still there" sh -c \
	'tpm2 getcap handles-persistent | grep -qi 0x81000100'
check "reset: no handle left by the loads" sh -c '
	t=$(TPM2TOOLS_TCTI=device:/dev/tpm0 tpm2 getcap handles-transient) &&
	s=$(TPM2TOOLS_TCTI=device:/dev/tpm0 tpm2 getcap handles-loaded-session) &&
	[ -z "$t$s" ]'
GUEST

# A TPM with the sha1 bank only: kseal's policies read the sha256 bank.
vm_tpm_new sha1only
if swtpm_setup --tpm2 --tpmstate "$VM_DIR/tpm-sha1only" --pcr-banks sha1 \
	--overwrite >"$VM_DIR/swtpm_setup.log" 2>&1; then
	vm_note_pass "faults: swtpm manufactured with the sha1 bank only"
else
	vm_note_fail "faults: swtpm_setup --pcr-banks sha1 failed: $(tail -n 1 "$VM_DIR/swtpm_setup.log")"
fi
vm_boot --tpm sha1only --disk F "faults: no sha256 PCR bank" <<'GUEST'
check "setup: the TPM has no sha256 PCRs" sh -c '
	tpm2 getcap pcrs > /tmp/pcrs && cat /tmp/pcrs &&
	grep -q "sha1: \[ 0" /tmp/pcrs && ! grep -q "sha256: \[ [0-9]" /tmp/pcrs'
check "setup: parent key" tpm_make_parent
kseal_insmod
check_fails "Operation not supported\$" "no sha256 bank: create fails with EOPNOTSUPP" \
	keyctl add kseal k "new 32" @u
check_fails "Operation not supported\$" "no sha256 bank: load fails with EOPNOTSUPP" \
	keyctl add kseal k "load $(cat /data/pcr.blob)" @u
check "no sha256 bank: dmesg says why" sh -c 'dmesg | grep -q "no sha256 PCR bank"'
check "no sha256 bank: no key added" sh -c '! grep -q " kseal " /proc/keys'
check "no sha256 bank: no handle left" sh -c '
	t=$(TPM2TOOLS_TCTI=device:/dev/tpm0 tpm2 getcap handles-transient) && [ -z "$t" ]'
check "no sha256 bank: the module unloads" rmmod kseal
GUEST
