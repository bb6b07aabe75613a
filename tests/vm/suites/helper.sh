# SPDX-License-Identifier: GPL-2.0-only
# ksealctl against the real module and a fresh swtpm: provision, status on
# a healthy and on a broken setup, create, list, load across reboots,
# reseal, rotate, lock, concurrent runs, shred; data keys under a sealed
# key, their logon export, and their rewrap when the sealed key rotates;
# no recovery passphrase in any output, also when the module fails; shred
# and create refuse a key at the parent handle that is not provision's.
# (Host tests in tests/helper/ cover argument parsing, JSON and kill -9
# atomicity.)
vm_disk_new H

vm_boot --tpm default --disk H "helper: provision, create, status" <<'GUEST'
K="ksealctl --state-dir /data/kseal --conf /dev/null"
check "status without the module warns about it (exit 6)" \
	sh -c "$K status > /tmp/st; rc=\$?; cat /tmp/st; [ \$rc = 6 ] && grep -q '^WARN *module ' /tmp/st"
kseal_insmod
check "provision on a fresh TPM" $K provision
check "both handles are persistent" sh -c \
	'h=$(tpm2 getcap handles-persistent) && echo "$h" | grep -q 0x81000001 && echo "$h" | grep -q 0x81000100'
check "a second provision changes nothing" sh -c \
	"before=\$(tpm2 readpublic -c 0x81000100 | sha256sum) && $K provision && [ \"\$(tpm2 readpublic -c 0x81000100 | sha256sum)\" = \"\$before\" ]"
check "create a sealed key" $K create root --pcrs 7 --lock-pcr 15
check "create a second one, with recovery" sh -c \
	"printf 'pass-word\n' | $K create backup --pcrs 0,7 --recovery-fd 0"
check "the state files are mode 0600" sh -c \
	'[ "$(stat -c %a /data/kseal/current/root.json)" = 600 ] && [ "$(stat -c %a /data/kseal/current/backup.json)" = 600 ]'
check "list --json: two sealed keys, loaded" sh -c \
	"[ \$($K list --json | grep -o '\"loaded\":true' | wc -l) = 2 ]"
check "status: TPM, SRK, parent and its recorded Name, lockout, PCR banks and module OK" sh -c \
	"$K status --json > /tmp/st.json; for c in tpm srk parent parent-name lockout pcr-banks module; do grep -A1 \"\\\"check\\\":\\\"\$c\\\"\" /tmp/st.json | grep -q '\"status\":\"OK\"' || { echo \$c; exit 1; }; done"
check "status: the module's default require_lockdown=none is a warning" sh -c \
	"grep -A1 '\"check\":\"require-lockdown\"' /tmp/st.json | grep -q '\"status\":\"WARN\"' && grep -q 'require_lockdown=none' /tmp/st.json"
check "the saved blob is what the kernel returns" sh -c \
	"keyctl pipe \$(keyctl search %:kseal kseal root) | grep -qf - /data/kseal/current/root.json"
# Two runs at once: the state lock serialises them, neither corrupts.
check "concurrent creates both land" sh -c \
	"$K create c1 & $K create c2 & wait; $K list | grep -q '^c1 ' && $K list | grep -q '^c2 '"
check "no damaged or stray file after concurrent runs" sh -c \
	"! $K list 2>&1 | grep -qi damaged && [ \$(ls /data/kseal/current | wc -l) = 4 ]"
check "create a data key with a logon export" $K create disk --wrapped-by root --logon kseal:disk
check "create a second data key" $K create app --wrapped-by root --bytes 32
check "the logon key is linked into the kseal keyring" \
	keyctl search %:kseal logon kseal:disk
check "list --json: the data keys, wrapped by root" sh -c \
	"[ \$($K list --json | grep -o '\"wrapped_by\":\"root\"' | wc -l) = 2 ]"
# The module's blobs: root (7, lock 15) and backup (0,7) have no boot-chain
# PCR, c1 and c2 the default 4,7,8,9; data keys have no PCRs of their own.
check "status: a warning names root and backup, bound to no boot-chain PCR (exit 6)" sh -c \
	"$K status > /tmp/st; rc=\$?; grep -A1 '^WARN *boot-chain *2 sealed keys bound to no boot-chain PCR' /tmp/st > /tmp/bc &&
	 grep -q 'root (PCRs 7)' /tmp/bc && grep -q 'backup (PCRs 0,7)' /tmp/bc && ! grep -qE 'c1|c2|disk|app' /tmp/bc &&
	 grep -q 'ksealctl reseal NAME --pcrs 4,7,8,9' /tmp/bc && [ \$rc = 6 ]"
check "a data key encrypts through keyctl pkey_encrypt" sh -c \
	"head -c 32 /dev/urandom > /data/p && keyctl pkey_encrypt \$(keyctl search %:kseal kseal app) 0 /data/p > /data/c && [ -s /data/c ]"
GUEST

vm_boot --tpm default --disk H "helper: reboot, load, reseal, rotate, lock" <<'GUEST'
K="ksealctl --state-dir /data/kseal --conf /dev/null"
kseal_insmod
check "nothing loaded after the reboot" sh -c "! grep -q ' kseal ' /proc/keys"
check "load --all loads every key" $K load --all
check "list shows all six loaded" sh -c \
	"[ \$($K list --json | grep -o '\"loaded\":true' | wc -l) = 6 ]"
check "load --all again leaves loaded keys alone" $K load --all
check "reseal root to PCRs 7 and 8" sh -c "$K reseal root --pcrs 7,8 && $K list | grep root | grep -q 'pcrs=7,8'"
check_fails "does not keep" "reseal of a key with recovery needs the passphrase again" $K reseal backup
# The key id (blob bytes 129..160, include/kseal/blob.h) names the secret.
key_id() { keyctl pipe "$(keyctl search %:kseal kseal "$1")" | cut -c259-322; }
c1_id=$(key_id c1)
check "rotate a sealed key" sh -c "$K rotate c1 && $K list | grep '^c1 ' | grep -q ' 2 '"
c1_new=$(key_id c1)
check "the rotated sealed key has a new key id (a new secret)" sh -c \
	"echo 'before $c1_id, after $c1_new'; echo '$c1_id $c1_new' | grep -Eqx '[0-9a-f]{64} [0-9a-f]{64}' && [ '$c1_id' != '$c1_new' ]"
check "rotate a data key: the old ciphertext still decrypts" sh -c \
	"$K rotate app && grep -q ' app: data v2 min=1 ' /proc/keys && keyctl pkey_decrypt \$(keyctl search %:kseal kseal app) 0 /data/c | cmp - /data/p"
check "rotate the sealed key that wraps them" sh -c "$K rotate root && $K list | grep '^root ' | grep -q ' 2 '"
check "the saved blob of a data key is its rewrapped one" sh -c \
	"keyctl pipe \$(keyctl search %:kseal kseal app) | grep -qf - /data/kseal/current/app.json"
check "lock extends the lock PCR" sh -c "$K lock && grep -qw 15 /sys/kernel/kseal/lock"
GUEST

vm_boot --tpm default --disk H "helper: broken setup, shred" <<'GUEST'
K="ksealctl --state-dir /data/kseal --conf /dev/null"
kseal_insmod
check "the rotated and resealed set loads after a reboot" $K load --all
check "the rewrapped data key decrypts what it encrypted before" sh -c \
	"keyctl pkey_decrypt \$(keyctl search %:kseal kseal app) 0 /data/c | cmp - /data/p"
check "load --all linked the logon key again" keyctl search %:kseal logon kseal:disk
tpm2 evictcontrol -Q -C o -c 0x81000100
check "status warns when the parent key is gone (exit 6)" \
	sh -c "$K status > /tmp/st; rc=\$?; cat /tmp/st; [ \$rc = 6 ] && grep -q '^WARN *parent ' /tmp/st"
keyctl unlink "$(keyctl search %:kseal kseal root)" %:kseal >/dev/null
check_fails "Required key not available" "loading without the parent fails with its reason" $K load root
check "provision again makes a new parent" $K provision
check "shred --yes" $K shred --yes
check "the parent is gone, the SRK stays" sh -c \
	'h=$(tpm2 getcap handles-persistent) && ! echo "$h" | grep -q 0x81000100 && echo "$h" | grep -q 0x81000001'
check "no kseal key left in the kernel" sh -c "! grep -q ' kseal ' /proc/keys"
check "no blob left" sh -c "[ ! -e /data/kseal/current ] || [ -z \"\$(ls /data/kseal/current)\" ]"
GUEST

vm_tpm_new S
vm_disk_new S
vm_boot --tpm S --disk S "helper: passphrase never shown, parent checks" <<'GUEST'
K="ksealctl --state-dir /data/kseal --conf /dev/null"
M=MARKER-pass-7f3a
ST=/data/kseal/state.json
# kx RC REGEX ARGS...: ksealctl -v with the passphrase on fd 3 exits RC,
# prints a line matching REGEX and never the passphrase.
kx() {
	want=$1 re=$2
	shift 2
	printf '%s\n' "$M" >/tmp/pass
	$K -v "$@" 3</tmp/pass >/tmp/kx 2>&1
	rc=$?
	cat /tmp/kx
	echo "exit $rc, want $want"
	[ $rc = "$want" ] && grep -qE "$re" /tmp/kx && ! grep -q "$M" /tmp/kx
}
# field FILE KEY: a string field of a JSON file ksealctl wrote.
field() { sed -n "s/.*\"$2\": *\"\([^\"]*\)\".*/\1/p" "$1"; }
# state.json maps the SRK's Name to the parent's.
name_recorded() { grep -q "\"$(tpm_name 0x81000001)\": *\"$(tpm_name 0x81000100)\"" $ST; }
blob_names_parent() {
	n=$(field /data/kseal/current/s1.json blob | cut -c53-120)
	[ ${#n} = 68 ] && grep -q "\"$(tpm_name 0x81000001)\": *\"$n\"" $ST
}
parent_kept() {
	[ -f /data/kseal/current/s1.json ] && tpm2 getcap handles-persistent | grep -q 0x81000100
}
create_refused() {
	kx 4 "^ksealctl: create: add_key of 'x' failed: Key was rejected by service; the key at the parent handle is not the parent provision recorded" create x &&
		[ ! -e /data/kseal/current/x.json ] && ! keyctl search %:kseal kseal x
}
shred_refused() { kx 7 "$1" shred --yes && parent_kept; }
shred_legacy() {
	$K shred --yes && ! tpm2 getcap handles-persistent | grep -q 0x81000100 &&
		tpm2 getcap handles-persistent | grep -q 0x81000001 && [ ! -e /data/kseal/current ]
}
unlink_s1() { keyctl unlink "$(keyctl search %:kseal kseal s1)" %:kseal >/dev/null; }
storage='fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|decrypt'
kseal_insmod
check "provision" $K provision
check "provision recorded the parent's Name in state.json" name_recorded
# The SRK's Name is pinned: a state.json recording another TPM only.
cp $ST /tmp/st.good
sed -i "s/\"$(tpm_name 0x81000001)\"/\"000b$(printf '%064d' 5)\"/" $ST
cp $ST /tmp/st.other
pin_refused() {
	kx 7 "^ksealctl: TPM: the SRK \\(Name [0-9a-f]{68}\\) is not one recorded in $ST: this is another TPM, or a device between CPU and TPM answers for it; nothing was changed" provision &&
		cmp $ST /tmp/st.other
}
check "another SRK recorded: provision refuses (exit 7), nothing changed" pin_refused
check "another SRK recorded: create refuses (exit 7), nothing created" \
	kx 7 "^ksealctl: create: this TPM's SRK at 0x81000001 is not one recorded in $ST" create x
# The recorded parent Name goes to the kernel as parent_name=: a key at the
# parent handle with another Name gets no secret (EKEYREJECTED).
sed "s/\"$(tpm_name 0x81000001)\": *\"[0-9a-f]*\"/\"$(tpm_name 0x81000001)\": \"000b$(printf '%064d' 6)\"/" /tmp/st.good > $ST
parent_pin_refused() {
	kx 4 "^ksealctl: create: add_key of 'x' failed: Key was rejected by service; the key at the parent handle is not the parent provision recorded" create x &&
		[ ! -e /data/kseal/current/x.json ] && ! keyctl search %:kseal kseal x >/dev/null 2>&1 &&
		dmesg | grep -q 'not the provisioned parent'
}
check "another parent Name recorded: the kernel refuses the new key (exit 4), nothing saved" parent_pin_refused
cp /tmp/st.good $ST
check "create with a recovery passphrase: not in the output" kx 0 'created sealed key s1' create s1 --recovery-fd 3
check "the blob names the parent provision recorded (bytes 26..59)" blob_names_parent
unlink_s1
check "load --recovery: not in the output" kx 0 'loaded s1' load s1 --recovery-fd 3
# Without the parent the module fails each request that holds the passphrase.
tpm2 evictcontrol -Q -C o -c 0x81000100
check "reseal fails in the kernel: exit 4, the passphrase not shown" \
	kx 4 '^ksealctl: s1: keyctl update \(reseal\) failed: ' reseal s1 --recovery-fd 3
check "rotate fails in the kernel: exit 4, the passphrase not shown" \
	kx 4 '^ksealctl: rotate: creating the new sealed key failed: ' rotate s1 --recovery-fd 3
unlink_s1
check "load --recovery fails in the kernel: exit 4, the passphrase not shown" \
	kx 4 '^ksealctl: s1: load failed: ' load s1 --recovery-fd 3
check "the kernel log does not hold it either" sh -c "! dmesg | grep -q $M"
# A primary key at the parent handle.
tpm2 createprimary -Q -C o -G ecc -a "$storage" -c /tmp/p.ctx
tpm2 evictcontrol -Q -C o -c /tmp/p.ctx 0x81000100
check "create under a primary key at the parent handle: refused by the kernel (exit 4), nothing saved" create_refused
check "shred refuses the primary key (exit 7), every blob kept" \
	shred_refused '^ksealctl: shred: 0x81000100 holds a primary key, not the kseal parent'
check "provision refuses it as the parent (exit 7)" \
	kx 7 '^ksealctl: TPM: 0x81000100 holds a primary key, not a key under the SRK' provision
check "provision --force replaces it" $K provision --force
check "and records the new parent's Name" name_recorded
check "create a key under the new parent" $K create s2
# A state directory from before the Name was recorded: the blobs decide.
sed -i '/"parents"/,/}/d' $ST
check "no recorded Name: create refuses (exit 7), run provision" \
	kx 7 '^ksealctl: create: no parent key Name recorded in /data/kseal/state.json .*run ksealctl provision$' create x
check "no recorded Name: shred refuses a parent the blobs do not name (exit 7)" \
	shred_refused '^ksealctl: shred: the key at 0x81000100 is not the parent that sealed key s1 was made under'
mv /data/kseal/current/s1.json /data/s1.json.away
check "no recorded Name: shred evicts the parent the blobs name" shred_legacy
GUEST
