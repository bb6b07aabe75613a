# SPDX-License-Identifier: GPL-2.0-only
# The exposure gate: require_lockdown= refuses key material below a kernel
# lockdown level; a hibernation revokes every kseal key and extends the
# lock PCRs again; unprivileged attempts do not flood the audit log; a
# data key version stops encrypting at its GCM nonce limit.
#
# Why the lockdown is raised at run time (echo LEVEL >
# /sys/kernel/security/lockdown) rather than on the kernel command line:
# Debian's kernel refuses unsigned modules once locked down, and the test
# module is unsigned (boot 2 shows it). Lockdown only ever goes up, so a
# kernel raised at run time answers security_locked_down() exactly as one
# booted that way.

vm_boot --tpm default "exposure: require_lockdown, lockdown raised at run time" <<'GUEST'
check "setup: parent key" tpm_make_parent
echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd
echo 'nobody:x:65534:65534:nobody:/tmp:/bin/sh' >> /etc/passwd
P=/sys/module/kseal/parameters/require_lockdown
LD=/sys/kernel/security/lockdown
check "setup: the kernel is not locked down" sh -c "[ \"\$(cat $LD)\" = '[none] integrity confidentiality' ]"

kseal_deps
check_fails "Invalid argument" "insmod require_lockdown=bogus: refused" \
	insmod /lib/kseal.ko require_lockdown=bogus
check "  and the kernel names the parameter" sh -c \
	"dmesg | grep -q \"\\\`bogus' invalid for parameter \\\`require_lockdown'\""
check "insmod require_lockdown=confidentiality" kseal_insmod require_lockdown=confidentiality
check "  the parameter reads confidentiality" sh -c "[ \"\$(cat $P)\" = confidentiality ]"
check_fails "write error: Invalid argument" "writing a bad value is refused" \
	sh -c "echo integrityy > $P"
check "  and leaves the value" sh -c "[ \"\$(cat $P)\" = confidentiality ]"
check_fails "can't create $P: Permission denied" "nobody cannot write it (0644 root)" \
	su -s /bin/sh nobody -c "echo none > $P"

keyctl new_session >/dev/null
check_fails "add_key: Operation not permitted\$" "no lockdown: create refused (EPERM)" \
	keyctl add kseal k "new 32 pcrs=7" @s
check "  dmesg names the missing mode" sh -c \
	"dmesg | grep -q 'kseal: unseal refused: require_lockdown=confidentiality but the kernel.s lockdown is none (boot with lockdown=confidentiality)'"

echo none > $P
K=$(keyctl add kseal k "new 32 pcrs=7" @s)
check "require_lockdown=none: create works" test -n "$K"
keyctl pipe "$K" > /tmp/k.blob
D=$(keyctl add kseal d "new 32 wrap=k" @s)
keyctl pipe "$D" > /tmp/d.blob
keyctl unlink "$D" @s >/dev/null

echo confidentiality > $P
u0=$(cat /sys/kernel/debug/kseal/unseals)
check_fails "add_key: Operation not permitted\$" "no lockdown: load of the sealed blob refused (EPERM)" \
	keyctl add kseal k2 "load $(cat /tmp/k.blob)" @s
check_fails "add_key: Operation not permitted\$" "no lockdown: load of the data blob refused (EPERM)" \
	keyctl add kseal d2 "load $(cat /tmp/d.blob)" @s
check "  the TPM was never asked to unseal" sh -c \
	"[ \$(cat /sys/kernel/debug/kseal/unseals) = $u0 ]"

check "raise the kernel to lockdown=integrity" sh -c "echo integrity > $LD"
check_fails "add_key: Operation not permitted\$" "integrity < confidentiality: load refused" \
	keyctl add kseal k3 "load $(cat /tmp/k.blob)" @s
check "  dmesg: the kernel's lockdown is integrity" sh -c \
	"dmesg | grep -q 'require_lockdown=confidentiality but the kernel.s lockdown is integrity'"
echo integrity > $P
check "require_lockdown=integrity: the load works" keyctl add kseal k4 "load $(cat /tmp/k.blob)" @s

check "raise the kernel to lockdown=confidentiality" sh -c "echo confidentiality > $LD"
echo confidentiality > $P
check "require_lockdown=confidentiality: sealed loads work" sh -c "
	for i in 1 2 3; do keyctl add kseal k5-\$i \"load \$(cat /tmp/k.blob)\" @s >/dev/null || exit 1; done"
check "  and data loads" keyctl add kseal d5 "load $(cat /tmp/d.blob)" @s
check "  and creates" keyctl add kseal k6 "new 32 pcrs=7" @s
# Each yes of the lockdown LSM logs a line: asked once per level only.
check "the lockdown LSM logged one line per level, not one per load" sh -c '
	[ "$(dmesg | grep -c "Lockdown: keyctl: /dev/mem,kmem,port is restricted")" = 1 ] &&
	[ "$(dmesg | grep -c "Lockdown: keyctl: /proc/kcore access is restricted")" = 1 ]'
check "locked down, the kernel offers no hibernation" sh -c '! grep -qw disk /sys/power/state'
check "the module unloads" rmmod kseal
GUEST

VM_APPEND="${VM_APPEND:-} lockdown=confidentiality" vm_boot --tpm default "exposure: lockdown=confidentiality on the command line" <<'GUEST'
check "the kernel is locked down from the command line" sh -c \
	'[ "$(cat /sys/kernel/security/lockdown)" = "none integrity [confidentiality]" ]'
check_fails "Operation not permitted" "an unsigned kseal.ko does not load there (sign it: make sign)" \
	insmod /lib/kseal.ko require_lockdown=confidentiality
# The lockdown LSM rate-limits its lines and the boot already logs some:
# past the limit's 5 s window, a second try is logged for sure.
check "  the kernel says why" sh -c \
	'dmesg | grep -q "Lockdown: insmod: unsigned module loading is restricted" ||
	 { sleep 6; insmod /lib/kseal.ko 2>/dev/null;
	   dmesg | grep -q "Lockdown: insmod: unsigned module loading is restricted"; }'
GUEST

vm_tpm_new hib
vm_boot --tpm hib "exposure: hibernation revokes every key, the lock comes back" <<'GUEST'
check "setup: parent key" tpm_make_parent
kseal_insmod
keyctl new_session >/dev/null
pcr15() { tpm2 pcrread sha256:15 | awk '/15 *:/ { print $NF }'; }
ZERO=0x0000000000000000000000000000000000000000000000000000000000000000
P0=$(pcr15)
check "setup: PCR 15 is zero at boot" sh -c "[ '$P0' = $ZERO ]"
S=$(keyctl add kseal s "new 32" @s)
keyctl pipe "$S" > /tmp/s.blob
L=$(keyctl add kseal l "new 32 lock=15" @s)
keyctl pipe "$L" > /tmp/l.blob
D=$(keyctl add kseal d "new 32 wrap=s logon=kseal:vol" @s)
check "setup: a sealed, a lock-bound and a data key with a logon export" sh -c \
	"[ -n '$S' ] && [ -n '$L' ] && [ -n '$D' ]"
wait_logon kseal:vol
G=$(keyctl search @s logon kseal:vol)
check "setup: the logon key is there" keyctl describe "$G"
check "lock PCR 15" sh -c 'echo 15 > /sys/kernel/kseal/lock'
P1=$(pcr15)
check "  PCR 15 moved from zero" sh -c "[ -n '$P1' ] && [ '$P1' != $ZERO ]"
check_fails "$E_REJECTED" "  the lock=15 blob no longer loads" \
	keyctl add kseal l2 "load $(cat /tmp/l.blob)" @s

echo freezer > /sys/power/pm_test
check "hibernate (pm_test=freezer: notifiers, freeze, thaw; no image)" \
	sh -c 'echo disk > /sys/power/state'
for k in "$S" "$L" "$D"; do
	check_fails "keyctl_read_alloc: Key has been revoked\$" "key $k: read gives EKEYREVOKED" \
		keyctl pipe "$k"
done
# The export is revoked and invalidated: gone from every keyring.
check_fails "keyctl_describe_alloc: Required key not available\$" \
	"the logon export is revoked and invalidated: ENOKEY" keyctl describe "$G"
check "dmesg: 3 keys revoked before hibernation" sh -c \
	"dmesg | grep -q 'kseal: hibernation: 3 kseal keys revoked and wiped; load them again after resume'"
check "audit: op=kseal-hibernate keys=3 res=1" sh -c \
	"dmesg | grep 'type=1316' | grep 'op=kseal-hibernate keys=3 ' | grep -q 'res=1'"
P2=$(pcr15)
check "after resume PCR 15 was extended again" sh -c \
	"[ -n '$P2' ] && [ '$P2' != '$P1' ] && [ '$P2' != $ZERO ]"
check "  dmesg: the lock was applied again" sh -c \
	"dmesg | grep -q 'kseal: after hibernation: lock PCRs extended again (mask 0x8000)'"
check "  audit: two op=kseal-lock pcr=15 res=1 records (sysfs, resume)" sh -c \
	"[ \$(dmesg | grep 'type=1316' | grep 'op=kseal-lock pcr=15 ' | grep -c 'res=1') = 2 ]"
check_fails "$E_REJECTED" "the lock=15 blob still does not load" \
	keyctl add kseal l3 "load $(cat /tmp/l.blob)" @s
S2=$(keyctl add kseal s2 "load $(cat /tmp/s.blob)" @s)
check "a blob without lock= loads again after resume" test -n "$S2"
check "a second hibernation revokes the new key only" sh -c '
	echo disk > /sys/power/state &&
	dmesg | grep -q "kseal: hibernation: 1 kseal keys revoked and wiped"'
check_fails "keyctl_read_alloc: Key has been revoked\$" "  the reloaded key is revoked" keyctl pipe "$S2"
echo none > /sys/power/pm_test
check "the module unloads" rmmod kseal
GUEST

vm_tpm_new flood
VM_APPEND="${VM_APPEND:-} log_buf_len=4M" vm_boot --tpm flood "exposure: unprivileged attempts audited at a bounded rate; GCM limit" <<'GUEST'
check "setup: parent key" tpm_make_parent
kseal_insmod
echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd
echo 'nobody:x:65534:65534:nobody:/tmp:/bin/sh' >> /etc/passwd
echo 'root:x:0:' > /etc/group
echo 'nogroup:x:65534:' >> /etc/group
# Audit records reach dmesg through printk_ratelimit(): switch that off,
# so that every record the module writes is counted.
echo 0 > /proc/sys/kernel/printk_ratelimit
# The serial console would take most of the time: the log buffer is enough.
dmesg -n 1
t0=$(date +%s)
su -s /bin/sh nobody -c 'i=0; while [ $i -lt 1000 ]; do keyctl add kseal x "new 32" @u 2>/dev/null; i=$((i + 1)); done'
t1=$(date +%s)
sleep 6
check_fails "add_key: Operation not permitted\$" "nobody: attempt 1001 is EPERM" \
	su -s /bin/sh nobody -c 'keyctl add kseal x "new 32" @u'
sleep 1
dmesg -n 7
check "no kernel warning while the console was quiet" sh -c \
	'! dmesg | grep -E "BUG:|WARNING:|Oops|Call Trace"'
dmesg | grep 'type=1316' | grep 'op=kseal-create' | grep ' uid=65534 ' > /tmp/denied
R=$(wc -l < /tmp/denied)
S=$(sed -n 's/.* suppressed=\([0-9]*\).*/\1/p' /tmp/denied | awk '{ s += $1 } END { print s + 0 }')
echo "# 1001 attempts in $((t1 - t0 + 7)) s: $R records, $S suppressed"
check "every record is a refusal: errno=1 res=0" sh -c \
	"[ \$(grep -c 'errno=1 .* res=0' /tmp/denied) = $R ]"
check "at most 10 records per 5 s started: $R for $((t1 - t0)) s + one" sh -c \
	"[ $R -le \$((10 * (($t1 - $t0) / 5 + 2) + 1)) ]"
check "records and the suppressed counts add up to the 1001 attempts" sh -c \
	"[ \$(($R + $S)) = 1001 ]"
check "root's own create is still audited" sh -c "
	keyctl add kseal mine 'new 32' @u >/dev/null &&
	dmesg | grep 'op=kseal-create' | grep ' uid=0 ' | grep -q 'res=1'"

E=/sys/module/kseal/parameters/encrypt_limit
check "encrypt_limit is 2^32 by default" sh -c "[ \"\$(cat $E)\" = 4294967296 ]"
check_fails "write error: Invalid argument" "encrypt_limit above 2^32 is refused" sh -c "echo 4294967297 > $E"
check_fails "write error: Invalid argument" "encrypt_limit 0 is refused" sh -c "echo 0 > $E"
echo 3 > $E
keyctl new_session >/dev/null
keyctl add kseal s "new 32" @s >/dev/null
D=$(keyctl add kseal d "new 32 wrap=s" @s)
printf 'some plaintext' > /tmp/p
check "encrypt_limit=3: three encryptions" sh -c "
	for i in 1 2 3; do keyctl pkey_encrypt $D 0 /tmp/p > /tmp/c\$i || exit 1; done"
check_fails "Key has expired\$" "the fourth: EKEYEXPIRED" keyctl pkey_encrypt "$D" 0 /tmp/p
check "  dmesg says to rotate" sh -c \
	"dmesg | grep -qF 'kseal: data key $D: version 1 reached its limit of 3 encryptions (random GCM nonces): rotate it (keyctl update $D \"update rotate\")'"
check "decrypt still works" sh -c "keyctl pkey_decrypt $D 0 /tmp/c3 | cmp -s - /tmp/p"
check "rotate" keyctl update "$D" "update rotate"
check "version 2 encrypts three times" sh -c "
	for i in 4 5 6; do keyctl pkey_encrypt $D 0 /tmp/p > /tmp/c\$i || exit 1; done"
check_fails "Key has expired\$" "  and then refuses too" keyctl pkey_encrypt "$D" 0 /tmp/p
check "encrypt_limit=2^32 is accepted" sh -c "echo 4294967296 > $E && [ \"\$(cat $E)\" = 4294967296 ]"
check "the module unloads" rmmod kseal
GUEST
