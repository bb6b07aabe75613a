# SPDX-License-Identifier: GPL-2.0-only
# Permissions: another uid (nobody, 65534) and root in a user namespace
# against root's sealed keys and /sys/kernel/kseal/lock.
#
# What is expected, and why:
# - root's key in root's user keyring has the kernel's default mask
#   (possessor all, user view, nothing for others) and nobody does not
#   possess it: describe, read, update, revoke and setperm give EACCES, and
#   /proc/keys does not list it for nobody;
# - with "other: view, read" granted, nobody reads the blob (it is not
#   secret: it only loads in this TPM) but still cannot update or revoke;
#   with "other: write" too, reseal is refused by the module itself
#   (EPERM): sealed keys are the machine administrator's;
# - creating or loading sealed keys needs CAP_SYS_ADMIN in the initial
#   user namespace: nobody, and root in a user namespace, get EPERM;
# - lock is mode 0600 root: nobody cannot open it (EACCES); root in a
#   user namespace can open it but the write is refused (EPERM);
# - a keyring root may only search receives no new kseal key (EACCES),
#   and root's key quota gives EDQUOT at the limit, returned after GC.
vm_boot --tpm default "permissions: another uid, root in a user namespace" <<'GUEST'
check "setup: parent key" tpm_make_parent
kseal_insmod
check "setup: / is world-searchable, so other uids run programs" \
	sh -c '[ "$(stat -c %a /)" = 755 ]'
echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd
echo 'nobody:x:65534:65534:nobody:/tmp:/bin/sh' >> /etc/passwd
echo 'root:x:0:' > /etc/group
echo 'nogroup:x:65534:' >> /etc/group
# as_nobody CMD: CMD run by uid/gid 65534 with no capabilities.
as_nobody() { su -s /bin/sh nobody -c "$1"; }
check "setup: su runs as 65534" sh -c '[ "$(su -s /bin/sh nobody -c "id -u")" = 65534 ]'

K=$(keyctl add kseal rootkey "new 32" @u)
keyctl pipe "$K" > /tmp/k.blob
chmod 644 /tmp/k.blob

check "nobody: root's key not in nobody's /proc/keys" sh -c \
	"[ \"\$(su -s /bin/sh nobody -c 'grep -c \" kseal \" /proc/keys')\" = 0 ]"
check_fails "keyctl_describe_alloc: Permission denied\$" "nobody: describe root's key: EACCES" as_nobody "keyctl describe $K"
check_fails "keyctl_read_alloc: Permission denied\$" "nobody: read root's key: EACCES" as_nobody "keyctl pipe $K"
check_fails "keyctl_update: Permission denied\$" "nobody: update root's key: EACCES" as_nobody "keyctl update $K 'update reseal'"
check_fails "keyctl_revoke: Permission denied\$" "nobody: revoke root's key: EACCES" as_nobody "keyctl revoke $K"
check_fails "keyctl_setperm: Permission denied\$" "nobody: setperm on root's key: EACCES" as_nobody "keyctl setperm $K 0x3f3f3f3f"
check_fails "add_key: Operation not permitted\$" "nobody: create a sealed key: EPERM" \
	as_nobody "keyctl add kseal mine 'new 32' @u"
check_fails "add_key: Operation not permitted\$" "nobody: load root's blob: EPERM" \
	as_nobody "keyctl add kseal mine \"load \$(cat /tmp/k.blob)\" @u"
check_fails "can.t create /sys/kernel/kseal/lock: Permission denied\$" "nobody: write lock: EACCES" \
	as_nobody "echo 14 > /sys/kernel/kseal/lock"
check "nobody: nothing was locked" sh -c '[ -z "$(cat /sys/kernel/kseal/lock)" ]'

keyctl setperm "$K" 0x3f010003
check "other=view,read: nobody reads the blob, the same bytes" sh -c \
	"su -s /bin/sh nobody -c 'keyctl pipe $K' | cmp -s - /tmp/k.blob"
check_fails "keyctl_update: Permission denied\$" "other=view,read: update still EACCES" as_nobody "keyctl update $K 'update reseal'"
check_fails "keyctl_revoke: Permission denied\$" "other=view,read: revoke still EACCES" as_nobody "keyctl revoke $K"
keyctl setperm "$K" 0x3f010007
check_fails "keyctl_update: Operation not permitted\$" "other=write: reseal refused by the module: EPERM" \
	as_nobody "keyctl update $K 'update reseal'"
check "other=write: the key is unchanged and alive" sh -c \
	"keyctl pipe $K | cmp -s - /tmp/k.blob"
keyctl setperm "$K" 0x3f010000

check_fails "add_key: Operation not permitted\$" "userns root: create a sealed key: EPERM" \
	unshare -r keyctl add kseal ns "new 32" @u
check_fails "add_key: Operation not permitted\$" "userns root: load a blob: EPERM" \
	unshare -r keyctl add kseal ns "load $(cat /tmp/k.blob)" @u
check_fails "write error: Operation not permitted\$" "userns root: write lock: EPERM" \
	unshare -r sh -c 'echo 14 > /sys/kernel/kseal/lock'
check "userns root: nothing was locked" sh -c '[ -z "$(cat /sys/kernel/kseal/lock)" ]'
check "root: still reads, reseals and revokes its key" sh -c \
	"keyctl pipe $K >/dev/null && keyctl update $K 'update reseal' && keyctl revoke $K"
check "only root's key was ever made" sh -c '[ "$(cat /sys/kernel/debug/kseal/creates)" = 1 ]'

# A keyring the caller may only search cannot receive a new key
# (the CVE-2017-17807 pattern): not a sealed key, not a data key.
R=$(keyctl newring searchonly @u)
keyctl add kseal w "new 32" @u >/dev/null
keyctl setperm "$R" 0x08000000
check_fails "add_key: Permission denied\$" "search-only keyring: no new sealed key in it: EACCES" \
	keyctl add kseal s "new 32" "$R"
check_fails "add_key: Permission denied\$" "search-only keyring: no new data key in it: EACCES" \
	keyctl add kseal d "new 32 wrap=w" "$R"
check "search-only keyring: nothing was created" sh -c \
	'[ "$(cat /sys/kernel/debug/kseal/creates)" = 2 ]'

# Quota: root's key count limit gives EDQUOT exactly at the limit, and
# the quota comes back once the keys are gone (garbage collected).
# /proc/key-users, uid 0: "0: usage nkeys/nikeys qnkeys/maxkeys ...".
root_keys() { awk '$1 == "0:" { split($4, a, "/"); print a[1] }' /proc/key-users; }
Q=$(keyctl newring quota @u)
used=$(root_keys)
old_max=$(cat /proc/sys/kernel/keys/root_maxkeys)
echo $((used + 2)) > /proc/sys/kernel/keys/root_maxkeys
check "quota: two data keys fit below the limit" sh -c \
	"keyctl add kseal q1 'new 32 wrap=w' $Q && keyctl add kseal q2 'new 32 wrap=w' $Q"
check_fails "add_key: Disk quota exceeded\$" "quota: the next one is EDQUOT" \
	keyctl add kseal q3 "new 32 wrap=w" "$Q"
keyctl clear "$Q"
check "quota: returned after the keys are unlinked and collected" sh -c \
	"for i in \$(seq 50); do [ \$(awk '\$1 == \"0:\" { split(\$4, a, \"/\"); print a[1] }' /proc/key-users) = $used ] && exit 0; sleep 0.1; done; exit 1"
check "quota: a key fits again" keyctl add kseal q4 "new 32 wrap=w" "$Q"
echo "$old_max" > /proc/sys/kernel/keys/root_maxkeys
check "the module unloads" rmmod kseal
GUEST
