# SPDX-License-Identifier: GPL-2.0-only
# A TPM that lies: the module meets damaged responses from the vTPM proxy
# (tests/kselftest/kseal_tpm_proxy.c) in front of a real simulator. Every
# damaged answer must end in a clean errno, no transient handle left in the
# TPM, no partial key, and a module that still works and still unloads.
# Through all of it the module's TPM command counters must agree with what
# the TPM received (tpm_counts_agree): the test's own tpm2-tools commands
# go through proxy_tools, which marks them in the proxy's log.
vm_boot --no-tpm "malicious TPM" <<'GUEST'
check "proxy TPM up" proxy_tpm_start
kseal_insmod
tpm_counts_mark boot
check "parent key made through the proxy" proxy_tools tpm_make_parent
P=$(keyctl add kseal pcr "new 32" @u)
R=$(keyctl add kseal rec "new 32 recovery=pass" @u)
keyctl pipe "$P" > /tmp/pcr.blob
keyctl pipe "$R" > /tmp/rec.blob
keyctl unlink "$P" @u >/dev/null
keyctl unlink "$R" @u >/dev/null

# No transient object or session may stay in the TPM after an operation.
handles_clean() {
	t=$(proxy_tools env TPM2TOOLS_TCTI=device:/dev/tpm0 tpm2 getcap handles-transient) &&
	s=$(proxy_tools env TPM2TOOLS_TCTI=device:/dev/tpm0 tpm2 getcap handles-loaded-session) &&
	[ -z "$t$s" ] || { echo "transient: $t sessions: $s"; return 1; }
}

n_keys() { grep -c ' kseal ' /proc/keys; }

# clean_after N: no handle left in the TPM and still N kseal keys.
clean_after() {
	handles_clean && [ "$(n_keys)" = "$1" ]
}

# fault "COMMAND ACTION ARG" ERRTEXT DESCRIPTION [BLOB] [OPTIONS]
fault() {
	spec=$1 want=$2 desc=$3 blob=${4:-pcr} opts=${5:-}
	before=$(n_keys)
	proxy_fault "$spec"
	check_fails "$want" "$desc: $want" \
		keyctl add kseal bad "load $(cat /tmp/$blob.blob)${opts:+ $opts}" @u
	proxy_fault ""
	check "$desc: no handle left, no key added" clean_after "$before"
}

# lie "COMMAND ACTION ARG" ERRTEXT DESCRIPTION: a fault on a command that
# creates a handle (Load, StartAuthSession) that hides the handle: an error
# code or a handle of another type. The simulator behind the proxy did
# create it, but the module was told otherwise and cannot flush what it
# never learnt; the test flushes it, then checks nothing else is left.
# A success answer that names a handle of the right type and is malformed
# after it goes through fault(): the module must flush that handle itself.
lie() {
	spec=$1 want=$2 desc=$3
	before=$(n_keys)
	proxy_fault "$spec"
	check_fails "$want" "$desc: $want" \
		keyctl add kseal bad "load $(cat /tmp/pcr.blob)" @u
	proxy_fault ""
	proxy_tools env TPM2TOOLS_TCTI=device:/dev/tpm0 tpm2 flushcontext -t >/dev/null 2>&1
	proxy_tools env TPM2TOOLS_TCTI=device:/dev/tpm0 tpm2 flushcontext -l >/dev/null 2>&1
	check "$desc: nothing else left, no key added" clean_after "$before"
}

check "a clean load works through the proxy" keyctl add kseal ok "load $(cat /tmp/pcr.blob)" @u

fault "unseal rc 0x101" "Input/output error" "unseal: TPM failure mode"
fault "unseal rc 0x921" "Device or resource busy" "unseal: dictionary-attack lockout"
fault "unseal truncate 12" "Bad message" "unseal: response cut short, header agrees"
fault "unseal cut 12" "Input/output error" "unseal: response shorter than its header says"
fault "unseal size 4096" "Input/output error" "unseal: header size beyond the buffer"
fault "unseal tag 0x8003" "Bad message" "unseal: unknown tag"
# A changed byte in Unseal's answer, its size field or the encrypted
# secret, fails the response HMAC before anything in it is read.
fault "unseal set 14 255" "Input/output error" "unseal: secret length out of range"
fault "unseal grow 8" "Bad message" "unseal: trailing bytes"
fault "unseal flip 20" "Input/output error" "unseal: a secret other than the sealed one"
fault "unseal rc 0x128 always" "Device or resource busy" "unseal: PCRs change in every session"
lie "load rc 0x902" "Cannot allocate memory" "load: out of object memory"
lie "load set 10 0" "Bad message" "load: not a transient handle"
lie "load rc 0x18b" "Required key not available" "load: parent handle missing"
lie "startauthsession rc 0x903" "Cannot allocate memory" "session: out of session memory"
fault "load set 18 255" "Bad message" "load: object loaded, its name length beyond the answer"
fault "load grow 4" "Bad message" "load: object loaded, trailing bytes"
fault "startauthsession truncate 14" "Bad message" "session: opened, no nonce"
lie "startauthsession set 10 128" "Bad message" "session: not a session handle"
fault "policypcr rc 0x1c4" "Invalid argument" "PolicyPCR refused"
fault "policyor rc 0x1c4" "Key was rejected by service" "PolicyOR: no branch matches" rec
fault "policyauthvalue tag 0x8002" "Bad message" "PolicyAuthValue: session tag without sessions" rec "recovery=pass"

# Answers the module copes with: a retry the kernel repeats, one PCR
# change during the session, which the module retries.
proxy_fault "unseal rc 0x128"
check "one PCR change during unseal: retried, loads" keyctl add kseal r1 "load $(cat /tmp/pcr.blob)" @u
check "no handle left after the retry" handles_clean

# Create meets damaged answers too.
proxy_fault "readpublic flip 10"
check_fails "Bad message" "create: parent's public area size damaged" keyctl add kseal c1 "new 32" @u
proxy_fault "create rc 0x101"
check_fails "Input/output error" "create: TPM failure" keyctl add kseal c2 "new 32" @u
proxy_fault "pcrread set 20 255"
check_fails "Bad message" "create: PCR_Read digest count damaged" keyctl add kseal c3 "new 32" @u
proxy_fault ""
check "after create faults: no handle left" handles_clean
check "the module still works" keyctl add kseal ok2 "load $(cat /tmp/pcr.blob)" @u
check "failures were counted" sh -c '[ $(cat /sys/kernel/debug/kseal/failures) -ge 20 ]'

check "failed loads are audited with their errno" sh -c \
	'dmesg | grep "type=1316" | grep "op=kseal-load" | grep -q "errno=74 .* res=0"'
check "successful loads are audited" sh -c \
	'dmesg | grep "type=1316" | grep "op=kseal-load" | grep -q "res=1"'

# Every command the module counted since it was loaded, the flushes of
# handles from damaged answers and the retried sessions included, reached
# the TPM, and it sent no other. (Before the TPM dies: the flushes after a
# dead transport are counted but never arrive.)
check "over the whole boot the module counted what the TPM received" tpm_counts_agree boot any

# Last: the TPM vanishes in the middle of an unseal.
proxy_fault "unseal die"
check_fails "Input/output error" "TPM gone mid-unseal: EIO, no hang" \
	timeout 60 keyctl add kseal gone "load $(cat /tmp/pcr.blob)" @u
check_fails "No such device" "no TPM afterwards: load fails cleanly" \
	timeout 60 keyctl add kseal gone "load $(cat /tmp/pcr.blob)" @u
check "the module unloads" rmmod kseal
check "and no kseal key is left" sh -c '! grep -q " kseal " /proc/keys'
sed 's/^/# proxy: /' /run/tpm-proxy.log | tail -40
GUEST
