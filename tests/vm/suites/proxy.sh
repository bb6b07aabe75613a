# SPDX-License-Identifier: GPL-2.0-only
# The lying TPM works: commands pass through it to a real simulator, and a
# fault written to its control file damages exactly the next response.
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
proxy_fault "pcrread size 4096"
# The kernel finds the size disagreeing with the bytes read: EFAULT.
check_fails "errno 14: Bad address" "a lying size field is refused by the kernel" tpm2 pcrread sha256:0
GUEST
