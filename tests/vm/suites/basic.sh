# SPDX-License-Identifier: GPL-2.0-only
# The machine works: TPM 2.0 present, module loads, registers its key type,
# unloads cleanly.
vm_boot basic <<'GUEST'
# basic_test loads kseal.ko itself, with finit_module: its dependencies first.
kseal_deps
ktest basic_test
GUEST

# debugfs is optional (kmod/kseal_debugfs.c): with debugfs=off the module
# loads and works without its counters, and a selftest that reads them
# skips with the reason. Not on the debug kernel, whose kmemleak report at
# the end of every boot is read from debugfs.
if [ "${kernel:-}" != debug ]; then
vm_allow_skip 'no debugfs at /sys/kernel/debug: the kseal counters live there'
VM_APPEND="${VM_APPEND:-} debugfs=off" vm_boot "basic: debugfs=off" <<'GUEST'
check "setup: debugfs is not mounted" sh -c '! grep -q " debugfs " /proc/mounts'
check "setup: parent key" tpm_make_parent
check "the module loads" kseal_insmod
keyctl new_session >/dev/null
check "  no counters; the lock is in sysfs" sh -c \
	'[ ! -e /sys/kernel/debug/kseal ] && [ -f /sys/kernel/kseal/lock ] && [ ! -e /sys/kernel/kseal/stats ]'
check "a sealed key is made and its blob loads" sh -c \
	'K=$(keyctl add kseal k "new 32 pcrs=7" @s) && keyctl pipe "$K" > /tmp/k.blob &&
	 keyctl add kseal k2 "load $(cat /tmp/k.blob)" @s'
check "a data key under it encrypts" sh -c \
	'D=$(keyctl add kseal d "new 32 wrap=k2" @s) && echo hello > /tmp/p &&
	 keyctl pkey_encrypt "$D" 0 /tmp/p > /tmp/c && [ -s /tmp/c ]'
check "the lock works" sh -c 'echo 15 > /sys/kernel/kseal/lock && grep -qw 15 /sys/kernel/kseal/lock'
ktest load_test
check "the module unloads" rmmod kseal
GUEST
fi
