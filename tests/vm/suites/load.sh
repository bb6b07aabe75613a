# SPDX-License-Identifier: GPL-2.0-only
# load_test: 16 processes x 2000 mixed data-key operations. On the debug
# kernel KASAN's quarantine holds freed objects, so the slab check gets
# more slack there and kmemleak's scan at the end of the boot decides.
load_slack=$([ "${kernel:-}" = debug ] && echo 65536 || echo 4096)
vm_tpm_new load
VM_SMP=2
vm_boot --tpm load --timeout 1800 "load: 16 processes x 2000 data-key operations" < <(echo "SLACK=$load_slack"; cat <<'GUEST'
check "setup: parent key" tpm_make_parent
kseal_insmod
KSEAL_LOAD_SLAB_SLACK_KIB=$SLACK ktest load_test
check "the module unloads" rmmod kseal
GUEST
)
VM_SMP=1
