# SPDX-License-Identifier: GPL-2.0-only
# A key bound to 2 of 3 Tang servers (Shamir over the Tang secret): any
# two that answer load it, one does not. Created with all three up; then
# a reboot with servers 1 and 3, and one with server 2 alone. Within the
# first boot, the key is also unloaded and loaded again with all three.
vm_disk_new T
# The runner's directory is shared by the suites of one run.
tang_dir=$VM_DIR/$vm_suite
rm -rf "$tang_dir"
mkdir -p "$tang_dir"
ok=1
for i in 1 2 3; do
	"$repo/tests/vm/tang-keys.sh" new "$tang_dir/db$i" > "$tang_dir/thp$i" || ok=0
	vm_disk_put T "$tang_dir/thp$i" "thp$i"
done
if [ $ok = 1 ]; then
	vm_note_pass "host: three Tang databases and their pins"
else
	vm_note_fail "host: three Tang databases and their pins"
fi

cat > "$tang_dir/lib.sh" <<'LIB'
K="ksealctl --state-dir /data/kseal --conf /data/kseal.conf"
U1=http://10.0.2.100:7001 U2=http://10.0.2.100:7002 U3=http://10.0.2.100:7003
app_decrypts() {
	keyctl pkey_decrypt "$(keyctl search %:kseal kseal app)" 0 /data/cipher | cmp - /data/plain
}
no_key() {
	! keyctl search %:kseal kseal "$1" > /dev/null 2>&1 &&
		! grep -q " $1: " /proc/keys
}
LIB
vm_disk_put T "$tang_dir/lib.sh" lib.sh

db=$tang_dir/db
vm_boot --tpm default --disk T --tang "7001:${db}1" --tang "7002:${db}2" --tang "7003:${db}3" \
	"tang 2 of 3: create with all three" <<'GUEST'
. /data/lib.sh
kseal_insmod
printf 'TANG_TIMEOUT=5\n' > /data/kseal.conf
check "provision" $K provision
check "create a key needing 2 of 3 Tang servers" \
	$K create t --pcrs 7 --tang $U1 --tang $U2 --tang $U3 --tang-threshold 2 \
	--tang-thp "$(cat /data/thp1)" --tang-thp "$(cat /data/thp2)" --tang-thp "$(cat /data/thp3)"
check "the kernel shows tang=2/3" sh -c 'grep " t: " /proc/keys | grep -q " tang=2/3"'
check "list shows 2/3 and the three servers" sh -c \
	"$K list > /tmp/l; grep -q 'tang 2/3' /tmp/l && grep -q $U1 /tmp/l && grep -q $U2 /tmp/l && grep -q $U3 /tmp/l"
check "a data key under it" $K create app --wrapped-by t --bytes 32
check "encrypt with it" sh -c 'head -c 32 /dev/urandom > /data/plain &&
	keyctl pkey_encrypt "$(keyctl search %:kseal kseal app)" 0 /data/plain > /data/cipher'
check "unload both keys" kseal_unload app t
check "all three up: the key loads" $K load app
check "  the data key decrypts" app_decrypts
GUEST

vm_boot --tpm default --disk T --tang "7001:${db}1" --tang "7003:${db}3" \
	"tang 2 of 3: servers 1 and 3 up" <<'GUEST'
. /data/lib.sh
kseal_insmod
check "nothing loaded after the reboot" no_key t
check "servers 1 and 3 up: the key loads" sh -c "$K load app 2>&1 | tee /tmp/load.out"
check "  the data key decrypts what was encrypted on the first boot" app_decrypts
check "  the unreachable server 2 is named" grep -q "$U2" /tmp/load.out
GUEST

vm_boot --tpm default --disk T --tang "7002:${db}2" "tang 2 of 3: server 2 alone" <<'GUEST'
. /data/lib.sh
kseal_insmod
before=$(cat /sys/kernel/debug/kseal/tpm_commands)
check_fails "1 of 3 Tang servers answered, 2 needed" "server 2 alone: load refused" $K load app
cp /tmp/check.out /tmp/refused.out
check "  both unreachable servers are named" sh -c "grep -q '$U1' /tmp/refused.out && grep -q '$U3' /tmp/refused.out"
check "  no key in the kernel" sh -c '! grep -qE " (t|app): " /proc/keys'
check "  the module sent no TPM command for it" \
	test "$(cat /sys/kernel/debug/kseal/tpm_commands)" = "$before"
GUEST
