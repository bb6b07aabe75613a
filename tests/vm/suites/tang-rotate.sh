# SPDX-License-Identifier: GPL-2.0-only
# Rotation and revocation of Tang keys: the operator rotates the server's
# keys (the old pair stays, hidden: still answers recoveries, no longer
# advertised); ksealctl reseal rebinds the key to the new advertisement
# while both are served; once the old pair is deleted, a copy of the old
# blob is refused and the rebound one loads with the same secret (its
# data key still decrypts).
vm_disk_new T
# The runner's directory is shared by the suites of one run.
tang_dir=$VM_DIR/$vm_suite
rm -rf "$tang_dir"
mkdir -p "$tang_dir"
db=$tang_dir/db
tk=$repo/tests/vm/tang-keys.sh
if "$tk" new "$db" > "$tang_dir/thp" && "$tk" kid "$db" > "$tang_dir/kid_old"; then
	vm_note_pass "host: a Tang database and its pin"
else
	vm_note_fail "host: a Tang database and its pin"
fi
vm_disk_put T "$tang_dir/thp" thp
vm_disk_put T "$tang_dir/kid_old" kid_old

cat > "$tang_dir/lib.sh" <<'LIB'
K="ksealctl --state-dir /data/kseal --conf /data/kseal.conf"
KOLD="ksealctl --state-dir /data/kseal-old --conf /data/kseal.conf"
URL=http://10.0.2.100:7001
app_decrypts() {
	keyctl pkey_decrypt "$(keyctl search %:kseal kseal app)" 0 /data/cipher | cmp - /data/plain
}
LIB
vm_disk_put T "$tang_dir/lib.sh" lib.sh

vm_boot --tpm default --disk T --tang "7001:$db" "tang rotation: create" <<'GUEST'
. /data/lib.sh
kseal_insmod
printf 'TANG_TIMEOUT=5\n' > /data/kseal.conf
check "provision" $K provision
check "create a Tang-bound key" $K create t --pcrs 7 --tang $URL --tang-thp "$(cat /data/thp)"
check "  the key file records the exchange key's thumbprint" grep -q "$(cat /data/kid_old)" /data/kseal/current/t.json
check "a data key under it" $K create app --wrapped-by t --bytes 32
check "encrypt with it" sh -c 'head -c 32 /dev/urandom > /data/plain &&
	keyctl pkey_encrypt "$(keyctl search %:kseal kseal app)" 0 /data/plain > /data/cipher'
check "keep a copy of the state with the old blob" cp -a /data/kseal /data/kseal-old
GUEST

# The operator rotates the server's keys.
if "$tk" rotate "$db" > "$tang_dir/thp_new" && "$tk" kid "$db" > "$tang_dir/kid_new" &&
	[ "$(cat "$tang_dir/kid_new")" != "$(cat "$tang_dir/kid_old")" ] &&
	[ -f "$db/.$(cat "$tang_dir/kid_old").jwk" ]; then
	vm_note_pass "host: Tang keys rotated, the old pair hidden"
else
	vm_note_fail "host: Tang keys rotated, the old pair hidden"
fi
vm_disk_put T "$tang_dir/kid_new" kid_new

vm_boot --tpm default --disk T --tang "7001:$db" "tang rotation: rebind" <<'GUEST'
. /data/lib.sh
kseal_insmod
check "status warns that the server rotated its keys, and what to do" sh -c \
	"$K status > /tmp/st; cat /tmp/st; grep -q 'rotated' /tmp/st && grep -q 'ksealctl reseal t' /tmp/st"
check "the key still loads through the hidden old key" $K load app
check "  its data key decrypts" app_decrypts
check "reseal rebinds it to the new advertisement" $K reseal t
check "  the key file records the new exchange key" sh -c \
	"grep -q '$(cat /data/kid_new)' /data/kseal/current/t.json && ! grep -q '$(cat /data/kid_old)' /data/kseal/current/t.json"
check "  the blob changed" sh -c '! cmp -s /data/kseal/current/t.json /data/kseal-old/current/t.json'
check "  status no longer warns of a rotation" sh -c "$K status > /tmp/st; ! grep -q 'rotated' /tmp/st"
check "unload both keys" kseal_unload app t
check "the rebound key loads" $K load app
check "  its data key decrypts" app_decrypts
GUEST

# The operator deletes the old pair: the revocation.
"$tk" revoke "$db"
if [ ! -e "$db/.$(cat "$tang_dir/kid_old").jwk" ] && [ -f "$db/$(cat "$tang_dir/kid_new").jwk" ]; then
	vm_note_pass "host: the old Tang pair deleted, the new one kept"
else
	vm_note_fail "host: the old Tang pair deleted, the new one kept"
fi

vm_boot --tpm default --disk T --tang "7001:$db" "tang rotation: the old key revoked" <<'GUEST'
. /data/lib.sh
kseal_insmod
check_fails "0 of 1 Tang servers answered, 1 needed" "the old blob is refused" $KOLD load app
cp /tmp/check.out /tmp/refused.out
check "  the message names the server" grep -q "$URL" /tmp/refused.out
check "  no key in the kernel" sh -c '! grep -qE " (t|app): " /proc/keys'
check "the rebound blob loads" $K load app
check "  with the same secret: the data key decrypts what was encrypted before the rotation" app_decrypts
GUEST
