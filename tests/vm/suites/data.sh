# SPDX-License-Identifier: GPL-2.0-only
# Data keys: many keys under one sealed key reloaded after a reboot with a
# single unseal and no other TPM command; pkey encrypt/decrypt/sign/verify;
# tamper, rotate, retire, rewrap; permissions of another user.
# data_test makes 1000 data keys from one process (100 on the slower debug
# kernel) and reloads them after the reboot with one unseal; the shell
# checks work on a few keys made with keyctl. make bench goes to 10,000.
data_keys=${KSEAL_DATA_KEYS:-$([ "${kernel:-}" = debug ] && echo 100 || echo 1000)}
vm_disk_new D

vm_boot --tpm default --disk D --timeout 900 "data: create $data_keys keys, use them" < <(echo "N=3 M=$data_keys"; cat <<'GUEST'
tpm_make_parent
kseal_insmod
keyctl new_session >/dev/null
S=$(keyctl add kseal seal "new 32" @s)
check "sealed key made" test -n "$S"
keyctl pipe "$S" > /data/seal.blob
before=$(cat /sys/kernel/debug/kseal/tpm_commands)
check "$N data keys made with no TPM command" sh -c '
	mkdir -p /data/d
	i=0
	while [ $i -lt '$N' ]; do
		k=$(keyctl add kseal d$i "new 32 wrap=seal" @s) || exit 1
		keyctl pipe $k > /data/d/$i || exit 1
		i=$((i + 1))
	done
	[ "$(cat /sys/kernel/debug/kseal/tpm_commands)" = '"$before"' ]'
K=$(keyctl search @s kseal d0)
check "describe: data v1 min=1 len=32" sh -c "grep ' d0: data v1 min=1 len=32\$' /proc/keys"
check "pkey_query sizes" sh -c "keyctl pkey_query $K 0 | tee /dev/stderr | grep -q 'max_enc_size=16417'"
# keyctl(1) treats an empty output as a write error, so here the check is
# the ciphertext's size; data_test's pkey_known_answers decrypts it.
head -c 0 /dev/zero > /tmp/p0
check "encrypt 0 bytes: a 33-byte ciphertext" sh -c "
	keyctl pkey_encrypt $K 0 /tmp/p0 > /tmp/c0 && [ \$(stat -c %s /tmp/c0) = 33 ]"
for n in 1 32 4096 16384; do
	head -c $n /dev/urandom > /tmp/p$n
	check "encrypt/decrypt $n bytes" sh -c "
		keyctl pkey_encrypt $K 0 /tmp/p$n > /tmp/c$n &&
		[ \$(stat -c %s /tmp/c$n) = $((n + 33)) ] &&
		keyctl pkey_decrypt $K 0 /tmp/c$n > /tmp/o$n && cmp /tmp/p$n /tmp/o$n"
done
check_fails "Invalid argument" "16385 bytes refused" sh -c \
	"head -c 16385 /dev/zero > /tmp/big; keyctl pkey_encrypt $K 0 /tmp/big"
check "every single-byte change of a ciphertext is EBADMSG" sh -c "
	n=\$(stat -c %s /tmp/c32); i=0
	while [ \$i -lt \$n ]; do
		cp /tmp/c32 /tmp/t
		b=\$(od -An -tu1 -j\$i -N1 /tmp/t | tr -d ' ')
		printf \"\\\\\$(printf %o \$(( (b + 1) % 256 )))\" |
			dd of=/tmp/t bs=1 seek=\$i conv=notrunc 2>/dev/null
		out=\$(keyctl pkey_decrypt $K 0 /tmp/t 2>&1) && { echo \"byte \$i accepted\"; exit 1; }
		echo \"\$out\" | grep -q 'Bad message' || { echo \"byte \$i: \$out\"; exit 1; }
		i=\$((i + 1))
	done"
cp /tmp/c32 /data/c32; cp /tmp/p32 /data/p32
check "sign and verify" sh -c "keyctl pkey_sign $K 0 /tmp/p32 > /tmp/sig && keyctl pkey_verify $K 0 /tmp/p32 /tmp/sig"
check_fails "rejected" "a wrong signature is EKEYREJECTED" sh -c \
	"cp /tmp/sig /tmp/sig2; printf x | dd of=/tmp/sig2 bs=1 seek=10 conv=notrunc 2>/dev/null; keyctl pkey_verify $K 0 /tmp/p32 /tmp/sig2"
check "rotate: v2, old ciphertext still decrypts" sh -c "
	keyctl update $K 'update rotate' && grep -q ' d0: data v2 min=1 len=32\$' /proc/keys &&
	keyctl pkey_decrypt $K 0 /tmp/c32 | cmp - /tmp/p32 &&
	keyctl pkey_encrypt $K 0 /tmp/p32 > /tmp/c32v2 &&
	[ \$(od -An -tu1 -j4 -N1 /tmp/c32v2 | tr -d ' ') = 2 ]"
check "retire=2: v1 ciphertext rejected, v2 decrypts" sh -c "
	keyctl update $K 'update retire=2' && grep -q ' d0: data v2 min=2 len=32\$' /proc/keys &&
	! keyctl pkey_decrypt $K 0 /tmp/c32 2>/tmp/e && grep -q rejected /tmp/e &&
	keyctl pkey_decrypt $K 0 /tmp/c32v2 | cmp - /tmp/p32"
keyctl pipe $K > /data/d/0
cp /tmp/c32v2 /data/c32v2
chmod 755 /
echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd
echo 'nobody:x:65534:65534:nobody:/tmp:/bin/sh' >> /etc/passwd
echo 'root:x:0:' > /etc/group
echo 'nogroup:x:65534:' >> /etc/group
chmod 644 /tmp/p32 /tmp/c32v2 /tmp/sig
# Other: Search only. The syscall finds the key; the key type says no.
keyctl setperm $K 0x3f010008
for op in "pkey_query $K 0" "pkey_encrypt $K 0 /tmp/p32" \
	"pkey_decrypt $K 0 /tmp/c32v2" "pkey_sign $K 0 /tmp/p32" \
	"pkey_verify $K 0 /tmp/p32 /tmp/sig"; do
	check_fails "Permission denied" "nobody with Search only: ${op%% *} is EACCES" \
		su -s /bin/sh nobody -c "keyctl $op"
done
keyctl setperm $K 0x3f01000a
check "nobody with Read granted: decrypt works" sh -c \
	"su -s /bin/sh nobody -c 'keyctl pkey_decrypt $K 0 /tmp/c32v2' | cmp - /tmp/p32"
sync
KSEAL_DATA_N=$M KSEAL_DATA_PHASE=create ktest data_test
sync
GUEST
)

vm_boot --tpm default --disk D --timeout 900 "data: reboot, reload with one unseal" < <(echo "N=3 M=$data_keys"; cat <<'GUEST'
kseal_insmod
keyctl new_session >/dev/null
check "sealed key reloads" keyctl add kseal seal "load $(cat /data/seal.blob)" @s
u=$(cat /sys/kernel/debug/kseal/unseals)
t=$(cat /sys/kernel/debug/kseal/tpm_commands)
check "$N data keys reload" sh -c '
	i=0
	while [ $i -lt '$N' ]; do
		keyctl add kseal d$i "load $(cat /data/d/$i)" @s >/dev/null || exit 1
		i=$((i + 1))
	done'
check "exactly one unseal and no further TPM command" sh -c \
	"[ $u = 1 ] && [ \$(cat /sys/kernel/debug/kseal/unseals) = 1 ] && [ \$(cat /sys/kernel/debug/kseal/tpm_commands) = $t ]"
K=$(keyctl search @s kseal d0)
check "reloaded key decrypts its v2 ciphertext" sh -c "keyctl pkey_decrypt $K 0 /data/c32v2 | cmp - /data/p32"
check_fails "rejected" "and still refuses the retired v1" keyctl pkey_decrypt $K 0 /data/c32
check "rewrap under a second sealed key" sh -c "
	keyctl add kseal seal2 'new 32' @s >/dev/null &&
	keyctl update $K 'update rewrap=seal2' && keyctl pipe $K > /tmp/rw &&
	keyctl pkey_decrypt $K 0 /data/c32v2 | cmp - /data/p32"
check "the rewrapped blob loads while seal2 is there" sh -c "
	keyctl unlink $K @s && keyctl add kseal r \"load \$(cat /tmp/rw)\" @s >/dev/null"
check_fails "Required key not available" "not once seal2 is gone" sh -c "
	keyctl unlink \$(keyctl search @s kseal r) @s; keyctl revoke \$(keyctl search @s kseal seal2);
	keyctl add kseal r2 \"load \$(cat /tmp/rw)\" @s"
check "dmesg names the missing sealed key id" sh -c "dmesg | grep -q 'sealed key id [0-9a-f]\{64\}, which is not loaded'"
KSEAL_DATA_N=$M KSEAL_DATA_PHASE=reload ktest data_test
GUEST
)
