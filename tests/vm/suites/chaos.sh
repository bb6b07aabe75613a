# SPDX-License-Identifier: GPL-2.0-only
# chaos_test: 4 processes x KSEAL_CHAOS_OPS (4000) seeded random keyctl
# operations on a shared pool of sealed and data keys: valid, random and
# mutated payloads, damaged blobs, ciphertexts and signatures, every
# update verb, revoke, unlink and invalidate racing the others. Every
# result must be in the operation's allow-list of errnos; then every key,
# logon export and quota byte is gone and the TPM holds no transient
# handle. Booted with panic_on_warn=1, so a kernel warning stops the guest
# (the boot fails: it never powers off, and the log has the WARNING).
#
# KSEAL_CHAOS_SEED (printed) replays a run's operations; KSEAL_CHAOS_OPS
# changes the count.
chaos_seed=${KSEAL_CHAOS_SEED:-$(od -An -tu4 -N4 /dev/urandom | tr -d ' ')}
chaos_ops=${KSEAL_CHAOS_OPS:-4000}
echo "# chaos: KSEAL_CHAOS_SEED=$chaos_seed KSEAL_CHAOS_OPS=$chaos_ops"
VM_SMP=2
VM_APPEND="${VM_APPEND:-} panic_on_warn=1" vm_boot --tpm default --timeout 600 \
	"chaos: 4 processes x $chaos_ops seeded keyctl operations" < <(
	echo "SEED=$chaos_seed OPS=$chaos_ops"
	cat <<'GUEST'
check "setup: parent key" tpm_make_parent
check "setup: panic_on_warn is on" grep -qw panic_on_warn=1 /proc/cmdline
kseal_insmod
KSEAL_CHAOS_SEED=$SEED KSEAL_CHAOS_OPS=$OPS KSEAL_CHAOS_PROCS=4 ktest chaos_test
# The test asked the TPM itself; tpm2-tools asks again, as stress.sh does.
check "chaos: no transient object or session left in the TPM" sh -c '
	t=$(TPM2TOOLS_TCTI=device:/dev/tpm0 tpm2 getcap handles-transient) &&
	s=$(TPM2TOOLS_TCTI=device:/dev/tpm0 tpm2 getcap handles-loaded-session) &&
	[ -z "$t$s" ] || { echo "transient: $t sessions: $s"; exit 1; }'
check "chaos: the module unloads" rmmod kseal
GUEST
)
VM_SMP=1
