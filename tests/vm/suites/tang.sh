# SPDX-License-Identifier: GPL-2.0-only
# A sealed key bound to a Tang server the operator runs: it loads on a
# reboot while the machine reaches the server, and not once the operator
# withdraws it (the seized machine away from the operator's network); the
# recovery passphrase still loads it without any server. The server is
# Debian's tangd on a database of this run, reached through QEMU's user
# network (vm_boot --tang). Narrated for make demo.
vm_disk_new T
# The runner's directory is shared by the suites of one run.
tang_dir=$VM_DIR/$vm_suite
rm -rf "$tang_dir"
mkdir -p "$tang_dir"
tang_db=$tang_dir/db1
if "$repo/tests/vm/tang-keys.sh" new "$tang_db" > "$tang_dir/thp" &&
	"$repo/tests/vm/tang-keys.sh" new "$tang_dir/other" > "$tang_dir/other.thp" &&
	printf 'GET /adv HTTP/1.1\r\nHost: t\r\n\r\n' | "$VM_TANGD" "$tang_db" 2>/dev/null |
	sed '1,/^\r$/d' | jose fmt -j- -g payload -Su- > "$tang_dir/payload" &&
	[ -s "$tang_dir/payload" ]; then
	vm_note_pass "host: a Tang database of P-256 keys, its pin and tangd's advertisement"
else
	vm_note_fail "host: a Tang database of P-256 keys, its pin and tangd's advertisement"
fi
# restrict=on: a listener on the host's loopback (10.0.2.2 to the guest)
# that the host reaches must stay out of the guest's reach.
hport=$((20000 + RANDOM % 20000))
echo "$hport" > "$tang_dir/hport"
python3 -m http.server --bind 127.0.0.1 "$hport" --directory "$tang_dir" > /dev/null 2>&1 &
hpid=$!
for _ in $(seq 50); do
	(exec 3<>"/dev/tcp/127.0.0.1/$hport") 2>/dev/null && break
	sleep 0.1
done
if (exec 3<>"/dev/tcp/127.0.0.1/$hport") 2>/dev/null; then
	vm_note_pass "host: a listener on the host's loopback"
else
	vm_note_fail "host: a listener on the host's loopback"
fi
for f in thp other.thp payload hport; do vm_disk_put T "$tang_dir/$f" "$f"; done

cat > "$tang_dir/lib.sh" <<'LIB'
K="ksealctl --state-dir /data/kseal --conf /data/kseal.conf"
URL=http://10.0.2.100:7001
# A random plaintext and its ciphertext under the data key app, to prove
# by content on a later boot that the same key came back.
app_encrypt() {
	head -c 32 /dev/urandom > /data/plain &&
	keyctl pkey_encrypt "$(keyctl search %:kseal kseal app)" 0 /data/plain > /data/cipher &&
	[ -s /data/cipher ]
}
app_decrypts() {
	keyctl pkey_decrypt "$(keyctl search %:kseal kseal app)" 0 /data/cipher | cmp - /data/plain
}
no_key() {
	! keyctl search %:kseal kseal "$1" > /dev/null 2>&1 &&
		! grep -q " $1: " /proc/keys
}
LIB
vm_disk_put T "$tang_dir/lib.sh" lib.sh

vm_boot --tpm default --disk T --tang "7001:$tang_db" "tang: create with one server" <<'GUEST'
. /data/lib.sh
kseal_insmod
printf 'TANG_TIMEOUT=5\n' > /data/kseal.conf
printf 'tang-recovery-pass\n' > /data/recovery.pass
check "the network: eth0 is 10.0.2.15/24" sh -c 'ip addr show eth0 | grep -q "inet 10.0.2.15/24"'
check "the network: tangd's advertisement of this run's database at $URL/adv" sh -c \
	"timeout 10 wget -q -O /tmp/adv $URL/adv && grep -q \"\\\"payload\\\": *\\\"\$(cat /data/payload)\\\"\" /tmp/adv"
check_fails "refused" "the network: a port without a server is unreachable" \
	timeout 10 wget -q -O- http://10.0.2.100:7002/adv
check_fails "refused" "the network: the host's loopback listener is unreachable (restrict=on)" \
	timeout 10 wget -q -O- "http://10.0.2.2:$(cat /data/hport)/"
say "a storage server whose keys need the operator's Tang server ($URL)"
step "provision the TPM" $K provision
refused "$(cat /data/thp)" "create without a pinned thumbprint is refused, showing the thumbprint to pin" \
	$K create t --pcrs 7 --tang $URL
check "  nothing created" no_key t
refused "$URL" "create pinned to another server's signing key is refused" \
	$K create t --pcrs 7 --tang $URL --tang-thp "$(cat /data/other.thp)"
check "  nothing created" no_key t
step "create a sealed key bound to the TPM and to the Tang server, pinned to its signing key, with a recovery passphrase" \
	$K create t --pcrs 7 --tang $URL --tang-thp "$(cat /data/thp)" --recovery-fd 3 3</data/recovery.pass
step "the kernel shows the Tang binding" sh -c 'grep " t: " /proc/keys | grep -q " tang=1/1"'
step "list shows the server and the threshold" sh -c "$K list | tee /tmp/list; grep -q 'tang 1/1' /tmp/list && grep -q '$URL' /tmp/list"
step "a data key under it" $K create app --wrapped-by t --bytes 32
step "encrypt a file's key with it" app_encrypt
GUEST

kill "$hpid" 2>/dev/null

vm_boot --tpm default --disk T --tang "7001:$tang_db" "tang: reboot, the server answers" <<'GUEST'
. /data/lib.sh
kseal_insmod
say "reboot in the operator's rack: the Tang server answers"
check "nothing loaded after the reboot" no_key t
step "load the data key (and the Tang-bound key under it)" $K load app
step "the data key decrypts what was encrypted before the reboot" app_decrypts
step "status: the server is reachable" sh -c "$K status > /tmp/st; cat /tmp/st; grep '$URL' /tmp/st | grep -qi reachable"
GUEST

vm_boot --tpm default --disk T --net "tang: reboot without the server" <<'GUEST'
. /data/lib.sh
kseal_insmod
say "the operator withdraws the key server: the seized machine boots, and no key loads"
refused "$URL" "load is refused and names the unreachable server" $K load app
check "  it says how many servers answered and how many are needed" \
	grep -q "0 of 1 Tang servers answered, 1 needed" /tmp/step.out
check "  no sealed key in the kernel" no_key t
check "  no data key in the kernel" no_key app
say "the recovery passphrase still loads it, with no server"
step "load with the recovery passphrase" $K load app --recovery-fd 3 3</data/recovery.pass
step "the data key decrypts what was encrypted two boots ago" app_decrypts
GUEST
