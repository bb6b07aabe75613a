# SPDX-License-Identifier: GPL-2.0-only
# The audit trail of data keys (kmod/kseal_audit.c): audit_test checks that
# creates, loads and updates from one process, listed several keys to a record,
# name every key exactly once; that a failure is written at once, after
# the keys made before it; that a short list is written within a second.
# The module's unload writes a pending list: checked here in the log.
vm_boot "audit: data keys listed in records, none lost" <<'GUEST'
check "setup: parent key" tpm_make_parent
kseal_insmod
# Records reach the kernel log through printk_ratelimit(): off, so that
# the test sees every record the module writes.
echo 0 > /proc/sys/kernel/printk_ratelimit
dmesg -n 1
ktest audit_test
# A list still pending when the module goes: written by the unload.
keyctl new_session >/dev/null
keyctl add kseal seal "new 32" @s >/dev/null
D=$(keyctl add kseal d "new 32 wrap=seal" @s)
keyctl clear @s
check "unload with a list pending" rmmod kseal
check "the pending list was written: keys=$D" sh -c \
	"dmesg | grep 'op=kseal-create kind=data count=1 keys=$D ' | grep -q 'res=1'"
dmesg -n 7
GUEST
