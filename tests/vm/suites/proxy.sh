# SPDX-License-Identifier: GPL-2.0-only
# The lying TPM works: commands pass through it to a real simulator, and a
# fault written to its control file damages exactly the next response.
# Then the module's own TPM command counters (stats/tpm_commands_by_cc,
# which the benchmarks and other suites trust) are held against what the
# TPM received, as the proxy logged it, command code by command code, for
# each operation of a known sequence and for the whole of it; each
# operation also sends the commands the README lists for it.
vm_boot --no-tpm "tpm proxy" <<'GUEST'
check "proxy TPM comes up as tpm0" proxy_tpm_start
check "TPM 2.0 through the proxy" grep -qx 2 /sys/class/tpm/tpm0/tpm_version_major
check "commands pass through" tpm2 getrandom --hex 8
# (tpm2-tss's device TCTI probes the TPM with a GetRandom of its own, so
# the fault goes on a command only the tool sends.)
proxy_fault "pcrread rc 0x101"
check_fails "0x101" "an injected error code reaches the caller" tpm2 pcrread sha256:0
check "the fault fired once only" tpm2 pcrread sha256:0
check "the proxy logs each command" grep -q "pcrread 0x101 fault=rc" /run/tpm-proxy.log
check "the proxy logs the command code" grep -q "pcrread 0x0 cc=0x17e$" /run/tpm-proxy.log
proxy_fault "pcrread size 4096"
# The kernel finds the size disagreeing with the bytes read: EFAULT.
check_fails "errno 14: Bad address" "a lying size field is refused by the kernel" tpm2 pcrread sha256:0
proxy_fault ""

check "parent key made through the proxy" tpm_make_parent
kseal_insmod
# From here on only the module (and the kernel's hwrng thread, which
# tpm_counts_agree tells apart) talks to the TPM: no tpm2-tools.
tpm_counts_mark all

# counted DESCRIPTION EXPECT...: the operation just run, since the last
# "tpm_counts_mark op", was counted as the TPM received it and sent
# exactly EXPECT ("Name=N" in the module's names, or "none").
counted() {
	_what=$1
	shift
	check "$_what: counted as received, and $*" tpm_counts_agree op "$@"
	tpm_counts_mark op
}
tpm_counts_mark op

# Create and reseal send the secret in a salted session of their own,
# which the TPM closes after the Create: no FlushContext. The passphrase
# branch proves the passphrase by HMAC (PolicyAuthValue), not in clear.
check "create a PCR-bound key" sh -c 'keyctl add kseal pcr "new 32 pcrs=7" @u > /tmp/pcr.id'
counted "create, PCR-bound" ReadPublic=1 PCR_Read=1 GetRandom=1 StartAuthSession=1 Create=1
check "read its blob" sh -c 'keyctl pipe $(cat /tmp/pcr.id) > /tmp/pcr.blob && test -s /tmp/pcr.blob'
counted "read a sealed key's blob" none
# The create read the parent's Name: the load needs no ReadPublic.
check "load it back" keyctl add kseal pcr2 "load $(cat /tmp/pcr.blob)" @u
counted "load, PCR-bound" Load=1 StartAuthSession=1 PolicyPCR=1 Unseal=1 FlushContext=1
check "reseal it" keyctl update "$(cat /tmp/pcr.id)" "update reseal"
counted "reseal" ReadPublic=1 PCR_Read=1 StartAuthSession=1 Create=1

check "create a key with a recovery branch" sh -c \
	'keyctl add kseal rec "new 32 pcrs=7 recovery=pass" @u > /tmp/rec.id &&
	 keyctl pipe $(cat /tmp/rec.id) > /tmp/rec.blob'
counted "create, with recovery" ReadPublic=1 PCR_Read=1 GetRandom=1 StartAuthSession=1 Create=1
check "load it by its PCRs" keyctl add kseal rec2 "load $(cat /tmp/rec.blob)" @u
# (The object's authValue, unknown here, would key the policy session's
# encryption on some TPMs: a second salted session encrypts the answer.)
counted "load, recovery blob, PCR branch" Load=1 StartAuthSession=2 PolicyPCR=1 PolicyOR=1 Unseal=1 FlushContext=1
check "load it by its passphrase" keyctl add kseal rec3 "load $(cat /tmp/rec.blob) recovery=pass" @u
counted "load, recovery blob, passphrase branch" Load=1 StartAuthSession=1 PolicyAuthValue=1 PolicyOR=1 Unseal=1 FlushContext=1

check "create a data key" sh -c 'keyctl add kseal data "new 32 wrap=pcr" @u > /tmp/data.id &&
	keyctl pipe $(cat /tmp/data.id) > /tmp/data.blob'
counted "create a data key" none
check "load the data key" keyctl add kseal data2 "load $(cat /tmp/data.blob)" @u
counted "load a data key" none

check "create a lock-bound key" sh -c \
	'keyctl add kseal lk "new 32 pcrs=7 lock=15" @u > /tmp/lk.id &&
	 keyctl pipe $(cat /tmp/lk.id) > /tmp/lk.blob'
counted "create, lock-bound" ReadPublic=1 PCR_Read=1 GetRandom=1 StartAuthSession=1 Create=1
check "load it before the lock" keyctl add kseal lk2 "load $(cat /tmp/lk.blob)" @u
counted "load, lock-bound" Load=1 StartAuthSession=1 PolicyPCR=2 Unseal=1 FlushContext=1
check "lock PCR 15" sh -c 'echo 15 > /sys/kernel/kseal/lock'
counted "lock" PCR_Extend=1
# A failed unseal flushes the session and the object: two FlushContext.
check_fails "$E_REJECTED" "after the lock it no longer loads" \
	keyctl add kseal lk3 "load $(cat /tmp/lk.blob)" @u
counted "refused load, lock-bound" Load=1 StartAuthSession=1 PolicyPCR=2 Unseal=1 FlushContext=2

check "the whole sequence: the module counted what the TPM received" tpm_counts_agree all any

# The module forgets the parent's Name when it is unloaded: the first load
# after it is loaded again reads it first.
check "the module reloads" sh -c 'rmmod kseal && insmod /lib/kseal.ko'
tpm_counts_mark op
check "load after a module reload" keyctl add kseal pcr3 "load $(cat /tmp/pcr.blob)" @u
counted "first load after a module load" ReadPublic=1 Load=1 StartAuthSession=1 PolicyPCR=1 Unseal=1 FlushContext=1
GUEST
