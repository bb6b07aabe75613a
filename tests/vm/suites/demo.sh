# SPDX-License-Identifier: GPL-2.0-only
# What kseal does today, narrated in the VM: the TPM, the module and its key
# type. Each step is an assertion, so the demo also runs in `make check`.
vm_boot demo <<'GUEST'
step() { echo "# ---- $*"; }
step "the machine's TPM"
check "TPM 2.0 present" grep -qx 2 /sys/class/tpm/tpm0/tpm_version_major
step "insmod kseal.ko"
check "module loads" kseal_insmod
check "modinfo shows the project version" test -s /sys/module/kseal/version
echo "# kseal version $(cat /sys/module/kseal/version)"
dmesg | grep -i kseal | sed 's/^/#   dmesg: /'
step "rmmod kseal"
check "module unloads" rmmod kseal
dmesg | grep -i kseal | tail -n 2 | sed 's/^/#   dmesg: /'
GUEST
