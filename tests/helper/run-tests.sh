#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Host tests of ksealctl, TAP on stdout. No VM: key operations run against
# the fake keyctl backend (ksealctl-fake), TPM provisioning against a
# private swtpm. KSEAL_KILL_ITERATIONS sets the crash loop length (200).
set -u
cd "$(dirname "$0")"

BIN=$PWD/ksealctl-fake
T=$(mktemp -d /tmp/kseal-helper.XXXXXX)
# shellcheck source=tests/helper/lib.sh
. ./lib.sh

# k ARGS...: ksealctl with the fake backend on the test's state directory.
export KSEAL_FAKE_KEYRING=$T/keyring.json
k() { "$BIN" --conf /dev/null --state-dir "$T/state" --tcti "$TCTI0" "$@"; }

# loaded_is EXPR: `list --json` on stdin; the Python expression EXPR over
# l, the map of key names to their "loaded" flag, must hold.
loaded_is() {
	python3 -c '
import json, sys
l = {k["name"]: k["loaded"] for k in json.load(sys.stdin)}
assert eval(sys.argv[1]), l' "$1"
}

# Creating a sealed key reads the SRK's Name to find the parent Name that
# provision recorded for this TPM: the key operations below run against a
# swtpm too, each state directory provisioned first (kp DIR).
start_swtpm "$T/tpm0"
ok $? "swtpm for the key operations started on port $P"
TCTI0="swtpm:host=127.0.0.1,port=$P"
kp() { "$BIN" --conf /dev/null --state-dir "$1" --tcti "$TCTI0" -q provision; }

# ---- argument parsing
for c in provision create load list rotate reseal lock shred status boot; do
	out=$("$BIN" "$c" --help 2>"$T/err"); rc=$?
	[ $rc = 0 ] && [[ $out == Usage:\ ksealctl\ $c* ]]
	ok $? "$c --help exits 0 and prints its usage"
	"$BIN" "$c" --no-such-option >/dev/null 2>"$T/err"; rc=$?
	[ $rc = 1 ] && [ "$(wc -l <"$T/err")" = 1 ]
	ok $? "$c with a bad option exits 1 with one error line"
done
"$BIN" --help | grep -q '^Usage: ksealctl'
ok $? "--help prints the usage"
[ "$("$BIN" --version)" = "ksealctl $(sed -n 's/.*KSEAL_VERSION_STRING "\(.*\)"/\1/p' ../../include/kseal/version.h)" ]
ok $? "--version prints the project version"
"$BIN" frobnicate 2>"$T/err"; rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$T/err")" = 1 ]
ok $? "unknown command exits 1 with one line"
"$BIN" 2>"$T/err"; [ $? = 1 ]
ok $? "no command exits 1"
bad=0
for args in "create" "create a b" "create ../x" "create .x" "create x --pcrs 24" \
	"create x --pcrs 3-1" "create x --pcrs 1,,2" "create x --bytes 31" \
	"create x --bytes 129" "create x --bytes 97" "create x --lock-pcr 16" "create x --lock-pcr 23" \
	"create x --wrapped-by r --bytes 15" "create x --logon nocolon --wrapped-by r" \
	"create x --logon a:b" "create x --wrapped-by r --pcrs 7" \
	"create x --recovery-fd x" "rotate" "reseal x --pcrs abc" "load --all x" \
	"list extra" "lock extra" "shred extra" "status extra" "provision extra"; do
	# shellcheck disable=SC2086
	k $args >/dev/null 2>"$T/err"; rc=$?
	if [ $rc != 1 ] || [ "$(wc -l <"$T/err")" != 1 ]; then
		tap_diag "'$args' gave rc=$rc: $(cat "$T/err")"
		bad=1
	fi
done
ok $bad "invalid arguments exit 1 with one error line each"
[ ! -e "$T/state/current" ]
ok $? "rejected commands wrote no state"
# Key names: up to 64 characters, on a state directory and keyring of their own.
k64() { KSEAL_FAKE_KEYRING=$T/keyring64.json "$BIN" --conf /dev/null --state-dir "$T/state64" --tcti "$TCTI0" "$@"; }
name64=$(printf 'n%.0s' $(seq 64))
kp "$T/state64"
k64 -q create "$name64" 2>"$T/err" && [ -e "$T/state64/current/$name64.json" ] &&
	k64 list --json 2>>"$T/err" | loaded_is "l['$name64']"
ok $? "a key name of 64 characters is created and loaded"
k64 create "${name64}x" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$T/err")" = 1 ] &&
	grep -q "^ksealctl: create: bad name '${name64}x'; use 1\.\.64 of " "$T/err" &&
	[ ! -e "$T/state64/current/${name64}x.json" ]
ok $? "a key name of 65 characters is refused"

# ---- key operations against the fake backend
kp "$T/state" 2>"$T/err"
ok $? "provision the state directory of the key operations"
k -q create root --pcrs 0,2-4,7 --lock-pcr 15 2>"$T/err"
ok $? "create a sealed key"
# pname0: the parent's Name on the key operations' swtpm, in hex.
pname0=$(TPM2TOOLS_TCTI=$TCTI0 tpm2 readpublic -c 0x81000100 -n "$T/pn0" >/dev/null 2>&1 && od -An -tx1 "$T/pn0" | tr -d ' \n')
# parent_name_is NAME: the newest kseal key NAME got parent_name=$pname0,
# which state.json records for this TPM.
parent_name_is() {
	python3 - "$KSEAL_FAKE_KEYRING" "$1" "$pname0" "$T/state/state.json" <<'PY'
import json, sys
ring, name, want, meta = sys.argv[1:]
ks = [k for k in json.load(open(ring))["keys"] if k["type"] == "kseal" and k["desc"] == name]
assert len(want) == 68 and ks and ks[-1].get("parent_name") == want, (want, ks)
assert want in json.load(open(meta))["parents"].values()
PY
}
parent_name_is root 2>"$T/err"
ok $? "create passes parent_name= with the parent Name provision recorded for this TPM"
printf 'correct-horse\n' >"$T/pass"
k -q create rec --recovery-fd 3 3<"$T/pass" 2>"$T/err" &&
	grep -q '"recovery":true' "$T/state/current/rec.json" &&
	! grep -rq correct-horse "$T/state" "$T/keyring.json"
ok $? "create with --recovery-fd stores only that a passphrase exists"
./pty-run.py 'passphrase: ' 'tty-secret-42' "$BIN" --conf /dev/null --state-dir "$T/state" --tcti "$TCTI0" \
	-q create trec --recovery >"$T/tty" 2>&1 &&
	grep -q 'Recovery passphrase: ' "$T/tty" && ! grep -q tty-secret-42 "$T/tty" &&
	grep -q '"recovery":true' "$T/state/current/trec.json" &&
	! grep -rq tty-secret-42 "$T/state" "$KSEAL_FAKE_KEYRING"
ok $? "--recovery reads the passphrase from the terminal without echo"
# ksealctl's stderr goes to a file here: the terminal only shows the prompt.
./pty-run.py 'passphrase: ' 'has space' sh -c 'exec "$@" 2>"$0"' "$T/err" \
	"$BIN" --conf /dev/null --state-dir "$T/state" --tcti "$TCTI0" create trec2 --recovery >"$T/tty"; rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$T/err")" = 1 ] &&
	grep -q '^ksealctl: invalid recovery passphrase: ' "$T/err" &&
	[ ! -e "$T/state/current/trec2.json" ]
st=$?
[ $st = 0 ] || echo "exit $rc; the terminal showed: $(tr -d '\r' <"$T/tty" | tr '\n' '|')" >>"$T/err"
ok $st "a passphrase with a space is refused"
k -q create d1 --wrapped-by root --logon dm:d1 2>"$T/err" &&
	k -q create d2 --wrapped-by root --bytes 32 2>>"$T/err"
ok $? "create two data keys"
python3 - "$KSEAL_FAKE_KEYRING" <<'PY'
import json, sys
db = json.load(open(sys.argv[1]))
keys = db["keys"]
ring = [k for k in keys if k["type"] == "keyring" and k["desc"] == "kseal"][0]
logon = [k for k in keys if k["type"] == "logon" and k["desc"] == "dm:d1"]
assert len(logon) == 1 and ring["serial"] in logon[0]["rings"], logon
PY
ok $? "the logon key of a data key is linked into the kseal keyring"
KSEAL_FAKE_NO_SESSION=1 k create d4 --wrapped-by root --logon dm:d4 >/dev/null 2>"$T/err"; rc=$?
[ $rc = 4 ] && [ "$(wc -l < "$T/err")" = 1 ] &&
	grep -q "^ksealctl: d4: no session keyring for its logon key dm:d4: Disk quota exceeded; " "$T/err" &&
	[ ! -e "$T/state/current/d4.json" ]
ok $? "no session keyring for a logon key: one clear line, exit 4, nothing saved"
# pin_create DIR REGEX DESC: create of a sealed key in DIR exits 7 with that
# one line, creates and changes nothing.
pin_create() {
	local before rc
	before=$(cd "$1" && find . -type f ! -name lock | sort | xargs md5sum; cat "$KSEAL_FAKE_KEYRING")
	"$BIN" --conf /dev/null --state-dir "$1" --tcti "$TCTI0" create x >/dev/null 2>"$T/err"; rc=$?
	[ $rc = 7 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -qE "$2" "$T/err" &&
		[ "$before" = "$(cd "$1" && find . -type f ! -name lock | sort | xargs md5sum; cat "$KSEAL_FAKE_KEYRING")" ]
	ok $? "$3"
}
mkdir -p "$T/noprov"
pin_create "$T/noprov" "^ksealctl: create: no parent key Name recorded in $T/noprov/state.json \\(not provisioned by this version\\); nothing was created: run ksealctl provision\$" \
	"create without a recorded parent Name refuses (exit 7): run ksealctl provision"
mkdir -p "$T/other" && python3 - "$T/state/state.json" "$T/other/state.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["parents"] = {"000b" + "4" * 64: v for v in d["parents"].values()}
json.dump(d, open(sys.argv[2], "w"))
PY
pin_create "$T/other" "^ksealctl: create: this TPM's SRK at 0x81000001 is not one recorded in $T/other/state.json \\(another TPM, or an interposer on the TPM bus\\); nothing was created: run ksealctl provision \\(with --new-tpm" \
	"create on a TPM whose SRK state.json does not record refuses (exit 7), nothing changed"
k create d3 --wrapped-by nosuch >/dev/null 2>"$T/err"; [ $? = 1 ]
ok $? "data key under an unknown sealed key is refused"
k create d5 --wrapped-by root --logon dm:d1 >/dev/null 2>"$T/err"; rc=$?
[ $rc = 1 ] && [ "$(wc -l < "$T/err")" = 1 ] &&
	grep -q "^ksealctl: create: logon key 'dm:d1' is already offered by data key 'd1'; " "$T/err" &&
	[ ! -e "$T/state/current/d5.json" ]
ok $? "a second data key with a logon name in use is refused: exit 1, nothing saved"
k create d1 --wrapped-by root >/dev/null 2>"$T/err"; [ $? = 1 ]
ok $? "an existing name is refused"
sum_d1=$(md5sum <"$T/state/current/d1.json")
k rotate d1 >/dev/null 2>"$T/err"; rc=$?
[ $rc = 7 ] && [ "$(wc -l < "$T/err")" = 1 ] &&
	grep -q "^ksealctl: rotate: data key 'd1' is dm-crypt's key dm:d1: a new version would not decrypt the data already written; nothing changed" "$T/err" &&
	[ "$(md5sum <"$T/state/current/d1.json")" = "$sum_d1" ]
ok $? "rotating a data key with a logon export (a volume key) is refused: exit 7, blob unchanged"
perm=$(stat -c %a "$T/state/current/root.json")
[ "$perm" = 600 ] && [ "$(stat -c %a "$T/state")" = 700 ]
ok $? "key files are mode 0600 in a 0700 directory"
k list --json >"$T/list.json" 2>"$T/err" && python3 - "$T/list.json" <<'PY'
import json, sys
keys = {k["name"]: k for k in json.load(open(sys.argv[1]))}
assert set(keys) == {"root", "rec", "trec", "d1", "d2"}, keys
assert keys["root"]["pcrs"] == "0,2-4,7" and keys["root"]["lock_pcr"] == 15
assert keys["d1"]["wrapped_by"] == "root" and keys["d1"]["logon"] == "dm:d1"
assert all(k["loaded"] and k["serial"] > 0 for k in keys.values())
assert keys["rec"]["recovery"] is True and keys["root"]["recovery"] is False
PY
ok $? "list --json shows kinds, policy, wrapping key and serials"
rm -f "$KSEAL_FAKE_KEYRING"
# The names too: an empty list would show no key loaded as well.
k list --json >"$T/list.json" 2>"$T/err" &&
	loaded_is 'l == dict.fromkeys(("root", "rec", "trec", "d1", "d2"), False)' <"$T/list.json" 2>>"$T/err"
ok $? "list shows keys as not loaded in an empty keyring"
KSEAL_FAKE_NO_SESSION=1 k load d1 >/dev/null 2>"$T/err"; rc=$?
[ $rc != 0 ] && grep -q "^ksealctl: d1: no session keyring for its logon key dm:d1: " "$T/err" &&
	! grep -q "load failed" "$T/err" &&
	k list --json >"$T/list.json" 2>>"$T/err" &&
	loaded_is 'l.get("d1") is False' <"$T/list.json" 2>>"$T/err"
ok $? "load of a logon-exporting key without a session keyring says so, not ENOKEY"
k -q load d1 2>"$T/err" && k list --json |
	loaded_is 'l == {"root": True, "d1": True, "d2": False, "rec": False, "trec": False}'
ok $? "load NAME loads the data key and its sealed key first"
k -q load --all 2>"$T/err"
ok $? "load --all loads the rest and skips loaded keys"
rm -f "$KSEAL_FAKE_KEYRING"
KSEAL_FAKE_REJECT=root k -q load --all 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q 'root: load failed: .*PCR policy mismatch: use --recovery and then ksealctl reseal' "$T/err" &&
	grep -q 'd1: not loaded: its wrapping key root' "$T/err" &&
	[ "$(k list --json | python3 -c 'import json,sys; print(sum(k["loaded"] for k in json.load(sys.stdin)))')" = 2 ]
ok $? "a rejected sealed key: exit 2, advice, its data keys reported, others loaded"
: >"$T/err"
rm -f "$KSEAL_FAKE_KEYRING"
k -q load --all 2>"$T/err"
ok $? "load --all into an empty keyring"
before=$(md5sum <"$T/state/current/d2.json")
k -q rotate d2 2>"$T/err" && [ "$(md5sum <"$T/state/current/d2.json")" != "$before" ] &&
	grep -q '"version":2' "$T/state/current/d2.json"
ok $? "rotate a data key saves a new blob and version"
old_root=$(md5sum <"$T/state/current/root.json")
old_d2=$(md5sum <"$T/state/current/d2.json")
k -q rotate root 2>"$T/err" &&
	[ "$(md5sum <"$T/state/current/root.json")" != "$old_root" ] &&
	[ "$(md5sum <"$T/state/current/d2.json")" != "$old_d2" ] &&
	[ "$(ls -d "$T"/state/gen-* | wc -l)" = 1 ]
ok $? "rotate a sealed key rewraps its data keys, one generation left"
parent_name_is root 2>"$T/err"
ok $? "the new sealed key of a rotation is pinned to the recorded parent too"
rm -f "$KSEAL_FAKE_KEYRING"
k -q load --all 2>"$T/err"
ok $? "the rotated set loads from scratch"
k rotate rec </dev/null >/dev/null 2>"$T/err"; [ $? = 1 ]
ok $? "rotate of a sealed key with recovery needs a new passphrase"
k -q rotate rec --recovery-fd 3 3<"$T/pass" 2>"$T/err"
ok $? "rotate with --recovery-fd"
k -q reseal root --pcrs 7 2>"$T/err" && grep -q '"pcrs":"7"' "$T/state/current/root.json"
ok $? "reseal with new PCRs saves the blob and the selection"
k reseal rec </dev/null 2>"$T/err"; [ $? = 7 ] &&
	grep -q 'does not keep' "$T/err" && grep -q '"recovery":true' "$T/state/current/rec.json"
ok $? "reseal of a key with recovery refuses without the passphrase, changes nothing"
k -q reseal rec --recovery-fd 3 3<"$T/pass" 2>"$T/err" &&
	grep -q '"recovery":true' "$T/state/current/rec.json"
ok $? "reseal --recovery-fd keeps the recovery branch"
k -q reseal rec --no-recovery 2>"$T/err" && grep -q '"recovery":false' "$T/state/current/rec.json"
ok $? "reseal --no-recovery drops it and records that"
k -q lock 2>"$T/err" && [ "$(cat "$KSEAL_FAKE_KEYRING.pcrlock")" = 15 ]
ok $? "lock extends the lock PCR of the sealed keys"
printf 'LOCK_PCR=14\n' >"$T/conf"
"$BIN" --conf "$T/conf" --state-dir "$T/empty" -q lock --if-configured 2>"$T/err" &&
	[ "$(tail -n1 "$KSEAL_FAKE_KEYRING.pcrlock")" = 14 ] &&
	"$BIN" --conf /dev/null --state-dir "$T/empty" lock --if-configured 2>"$T/err"
ok $? "lock uses LOCK_PCR from the config; --if-configured with none is a no-op"

# ---- no passphrase, payload or blob on stdout or stderr, on any path
# Every command that takes a recovery passphrase, made to fail where the
# kernel would (KSEAL_FAKE_FAIL) or on bad input, run verbose; each
# failure is the one expected (exit code and line), and the output never
# holds the passphrase or the blob's hex.
M=MARKER-pass-7f3a
printf '%s\n' "$M" >"$T/mpass"
blob=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["blob"])' "$T/state/current/rec.json")
# leak NAME EXIT LINE-REGEX FAKE-FAIL ARGS...: one failing run, checked.
leak() {
	local name=$1 want=$2 re=$3 fails=$4 rc st
	shift 4
	KSEAL_FAKE_FAIL=$fails k -v "$@" 3<"$T/mpass" >"$T/out" 2>"$T/err"; rc=$?
	[ $rc = "$want" ] && grep -qE "$re" "$T/err" &&
		! grep -qF -e "$M" -e "$blob" "$T/out" "$T/err"
	st=$?
	[ $st = 0 ] || echo "# $name: exit $rc (want $want, a line matching '$re'); stdout: $(tr '\n' '|' <"$T/out")" >>"$T/err"
	ok $st "passphrase not shown: $name"
}
rm -f "$KSEAL_FAKE_KEYRING"
leak "create, add_key fails" 4 "^ksealctl: create: add_key of 'm1' failed: Invalid argument; the module rejected the request" \
	add create m1 --recovery-fd 3
leak "create, reading the blob fails" 4 "^ksealctl: create: reading the blob of 'm2' failed: Invalid argument; the key is loaded but not saved" \
	read create m2 --recovery-fd 3
leak "load --recovery, the kernel refuses" 4 "^ksealctl: rec: load failed: Invalid argument; blob damaged" \
	add load rec --recovery-fd 3
KSEAL_FAKE_REJECT=rec leak "load --recovery, PCR mismatch" 4 "^ksealctl: rec: load failed: Key was rejected by service; PCR policy mismatch" \
	"" load rec --recovery-fd 3
k -q load rec 2>"$T/err"
ok $? "rec loads again"
leak "reseal --recovery, keyctl update fails" 4 "^ksealctl: rec: keyctl update \(reseal\) failed: Invalid argument; the module rejected the request" \
	update reseal rec --recovery-fd 3
leak "rotate --recovery, the new key is refused" 4 "^ksealctl: rotate: creating the new sealed key failed: Invalid argument; the module rejected the request" \
	add rotate rec --recovery-fd 3
leak "rotate --recovery, reading the new blob fails" 4 "^ksealctl: rotate: reading the new sealed blob failed: Invalid argument; nothing changed" \
	read rotate rec --recovery-fd 3
printf '%s%s\n' "$M" "$(printf 'x%.0s' $(seq 60))" >"$T/mpass"
leak "create, passphrase too long" 1 "^ksealctl: invalid recovery passphrase: it must be 1\.\.64 printable characters" \
	"" create m3 --recovery-fd 3
printf '%s\n' "$M" >"$T/mpass"
[ ! -e "$T/state/current/m1.json" ] && [ ! -e "$T/state/current/m2.json" ] &&
	[ ! -e "$T/state/current/m3.json" ] && grep -qF "$blob" "$T/state/current/rec.json"
ok $? "the failed runs saved nothing"

# ---- state-file fields that go into keyctl payloads are checked
# setf FILE KEY JSON: set one field of a key file in a copy of the state.
setf() {
	python3 - "$1" "$2" "$3" <<'PY'
import json, sys
f, key, val = sys.argv[1:]
d = json.load(open(f))
d[key] = json.loads(val)
json.dump(d, open(f, "w"))
PY
}
# badf KEY FILE JSON FIELD CMD...: that value is refused with exit 5, one
# line naming the file and the field, and nothing changes.
badf() {
	local file=$1 key=$2 val=$3 cmd rc st before
	shift 3
	cmd="$*"
	rm -rf "$T/bad"; cp -a "$T/state" "$T/bad"
	setf "$T/bad/current/$file.json" "$key" "$val"
	before=$(cd "$T/bad" && find . -type f -o -type l | sort | xargs md5sum 2>/dev/null; readlink current)
	cp "$KSEAL_FAKE_KEYRING" "$T/ring.before" 2>/dev/null || : >"$T/ring.before"
	"$BIN" --conf /dev/null --state-dir "$T/bad" "$@" 3<"$T/pass" >/dev/null 2>"$T/err"; rc=$?
	[ $rc = 5 ] && [ "$(wc -l <"$T/err")" = 1 ] &&
		grep -qE "^ksealctl: state: $T/bad/gen-[0-9]{8}/$file\.json: field '$key' is not .*; nothing was done" "$T/err" &&
		[ "$before" = "$(cd "$T/bad" && find . -type f -o -type l | sort | xargs md5sum 2>/dev/null; readlink current)" ] &&
		cmp -s "$T/ring.before" "$KSEAL_FAKE_KEYRING"
	st=$?
	[ $st = 0 ] || echo "# exit $rc (want 5 and one line naming $file.json and '$key')" >>"$T/err"
	ok $st "$key=$val in $file.json: $cmd refused, exit 5, nothing changed"
}
k -q load --all 2>"$T/err"
badf root pcrs '"7 recovery=x"' rotate root
badf root pcrs '"7\n"' rotate root
badf root pcrs '"7,7"' reseal root
badf root parent '"0x81000100 recovery=x"' rotate root
badf root parent '"0x81000001"' rotate root
badf root parent '"0x01000100"' list
badf root lock_pcr 16 rotate root
badf root lock_pcr '"15 recovery=x"' rotate root
badf root bytes 4096 rotate root
badf d1 logon '"dm:d1 recovery=x"' load --all
badf d1 logon '"nocolon"' load d1
badf rec pcrs '"7 recovery=x"' rotate rec --recovery-fd 3
# state.json: the parent handle create seals under.
rm -rf "$T/bad"; cp -a "$T/state" "$T/bad"
printf '{"srk":"0x81000001","parent":"0x81000100 recovery=x"}' >"$T/bad/state.json"
"$BIN" --conf /dev/null --state-dir "$T/bad" create n1 >/dev/null 2>"$T/err"; rc=$?
[ $rc = 5 ] && [ "$(wc -l <"$T/err")" = 1 ] &&
	grep -q "^ksealctl: state: $T/bad/state.json: field 'parent' is not " "$T/err" &&
	[ ! -e "$T/bad/current/n1.json" ]
ok $? "a bad parent in state.json: create exits 5 naming the file and field"
printf '{"srk":"0x81000001","parent":"0x81000001"}' >"$T/bad/state.json"
"$BIN" --conf /dev/null --state-dir "$T/bad" create n1 >/dev/null 2>"$T/err"; rc=$?
[ $rc = 7 ] && [ "$(wc -l <"$T/err")" = 1 ] &&
	grep -q "^ksealctl: create: $T/bad/state.json names the SRK 0x81000001 as the kseal parent; refusing to seal under it" "$T/err" &&
	[ ! -e "$T/bad/current/n1.json" ]
ok $? "the SRK as the parent in state.json: create refuses (exit 7)"

# ---- boot: load all, ask for recovery passphrases, then always lock
B=$T/boot
kb() { "$BIN" --conf "$B/conf" --state-dir "$B/state" --tcti "$TCTI0" "$@"; }
locked() { sort -n "$KSEAL_FAKE_KEYRING.pcrlock" | tr '\n' ' '; }
mkdir -p "$B"
export KSEAL_FAKE_KEYRING=$B/keyring.json
# A stand-in for systemd-ask-password: logs its arguments, answers with
# $B/answer if there is one, else fails as on a timeout.
printf '#!/bin/sh\necho "$*" >>"%s/asked"\n[ -f "%s/answer" ] || exit 1\ncat "%s/answer"\n' \
	"$B" "$B" "$B" >"$B/ask"
chmod +x "$B/ask"
printf 'LOCK_PCR=14\nRECOVERY_TIMEOUT=7\nASK_PASSWORD=%s\n' "$B/ask" >"$B/conf"
printf 'boot-pass\n' >"$B/pass"
kp "$B/state"
kb -q create m --pcrs 7 --lock-pcr 15 2>"$T/err" &&
	kb -q create rec --pcrs 7 --lock-pcr 12 --recovery-fd 3 3<"$B/pass" 2>>"$T/err" &&
	kb -q create recd --wrapped-by rec 2>>"$T/err" &&
	kb -q create rec2 --pcrs 7 --recovery-fd 3 3<"$B/pass" 2>>"$T/err" &&
	cp "$B/state/current/m.json" "$B/state/current/m.json~"
ok $? "boot: keys with lock PCRs and recovery passphrases, a stray m.json~"
rm -f "$KSEAL_FAKE_KEYRING" "$KSEAL_FAKE_KEYRING.pcrlock"
KSEAL_FAKE_REJECT=rec kb boot >"$B/out" 2>"$T/err"; rc=$?
[ $rc = 2 ] && [ "$(locked)" = "12 14 15 " ] &&
	grep -q 'rec: no recovery passphrase given (no answer within 7 s)' "$T/err" &&
	grep -q 'recd: not loaded' "$T/err" &&
	grep -qx -- '--id=kseal:rec --timeout=7 -- Recovery passphrase for kseal key rec (its PCR values changed):' "$B/asked" &&
	[ "$(wc -l <"$B/asked")" = 1 ] &&
	[ "$(kb list --json 2>/dev/null | python3 -c 'import json,sys; print(sorted(k["name"] for k in json.load(sys.stdin) if k["loaded"]))')" = "['m', 'rec2']" ]
ok $? "boot: a stray file and a refused key unanswered: exit 2, the rest loaded, every lock PCR locked"
rm -f "$KSEAL_FAKE_KEYRING" "$KSEAL_FAKE_KEYRING.pcrlock" "$B/asked"
before=$(md5sum <"$B/state/current/rec.json")
cp "$B/pass" "$B/answer"
KSEAL_FAKE_REJECT=rec KSEAL_FAKE_RECOVERY=boot-pass kb boot >"$B/out" 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q 'loaded rec with its recovery passphrase' "$B/out" &&
	grep -q 'resealed rec to the current values of PCRs 7' "$B/out" &&
	[ "$(md5sum <"$B/state/current/rec.json")" != "$before" ] &&
	grep -q '"recovery":true' "$B/state/current/rec.json" &&
	[ -f "$B/state/current/m.json~" ] && [ "$(locked)" = "12 14 15 " ] &&
	kb list --json 2>/dev/null |
	loaded_is 'l == dict.fromkeys(("m", "rec", "recd", "rec2"), True)' 2>>"$T/err"
ok $? "boot: the passphrase answered: loaded, resealed and saved, its data key loaded, locked (exit 2: the stray file)"
rm -f "$KSEAL_FAKE_KEYRING" "$KSEAL_FAKE_KEYRING.pcrlock" "$B/asked" "$B/state/current/m.json~"
printf 'wrong-pass\n' >"$B/answer"
KSEAL_FAKE_REJECT=rec KSEAL_FAKE_RECOVERY=boot-pass kb boot >"$B/out" 2>"$T/err"; rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$B/asked")" = 3 ] && grep -q 'rec: wrong recovery passphrase (try 2 of 3)' "$T/err" &&
	[ "$(locked)" = "12 14 15 " ]
ok $? "boot: three wrong passphrases, then it locks anyway (exit 2)"
rm -f "$KSEAL_FAKE_KEYRING" "$KSEAL_FAKE_KEYRING.pcrlock" "$B/asked"
printf 'LOCK_PCR=14\nRECOVERY_TIMEOUT=0\nASK_PASSWORD=%s\n' "$B/ask" >"$B/conf"
KSEAL_FAKE_REJECT=rec kb boot >"$B/out" 2>"$T/err"; rc=$?
[ $rc = 2 ] && [ ! -e "$B/asked" ] && grep -q 'RECOVERY_TIMEOUT=0' "$T/err" && [ "$(locked)" = "12 14 15 " ]
ok $? "boot: RECOVERY_TIMEOUT=0 does not ask and locks"
rm -f "$KSEAL_FAKE_KEYRING" "$KSEAL_FAKE_KEYRING.pcrlock"
kb -q boot 2>"$T/err" && [ "$(locked)" = "12 14 15 " ]
ok $? "boot: everything loads: exit 0, locked"
rm -f "$KSEAL_FAKE_KEYRING.pcrlock"
cp -a "$B/state" "$B/dmg"
printf '{ "name": "gone", "kind": "sealed", "lock_pcr": 9 }' >"$B/dmg/current/gone.json"
sed 's/"lock_pcr":15/"lock_pcr":11/' "$B/dmg/current/m.json" >"$B/dmg/current/m.json.bak"
ln -sfn gen-99999999 "$B/dmg/current"
printf 'LOCK_PCR=14\n' >"$B/conf"
"$BIN" --conf "$B/conf" --state-dir "$B/dmg" lock --if-configured >/dev/null 2>"$T/err" &&
	[ "$(locked)" = "9 11 12 14 15 " ]
ok $? "lock: damaged and renamed key files and a broken current link still count"
rm -f "$KSEAL_FAKE_KEYRING.pcrlock"
printf 'LOCK_PCR=16\n' >"$B/conf"
kb lock >/dev/null 2>"$T/err"; rc=$?
[ $rc = 1 ] && grep -q 'LOCK_PCR=16' "$T/err" && [ "$(locked)" = "12 15 " ]
ok $? "lock: a bad LOCK_PCR is an error, the keys' lock PCRs are locked all the same"
# A sealed blob's first 65 bytes: magic, format 1, kind 1, creator, flags,
# length, parent handle, name size, name, PCR mask, lock PCR.
hdr() { printf '4b53424c00010001%08x%08x00000000810001000022%068x%08x00' 1 "$1" 0 128; }
mkdir -p "$B/legacy/gen-00000001"
ln -s gen-00000001 "$B/legacy/current"
for f in old:1 new:5 none:0; do
	printf '{"name":"%s","kind":"sealed","pcrs":"7","parent":"0x81000100","recovery":%s,"bytes":32,"version":1,"blob":"%s"}' \
		"${f%:*}" "$([ "${f#*:}" = 0 ] && echo false || echo true)" "$(hdr "${f#*:}")" \
		>"$B/legacy/gen-00000001/${f%:*}.json"
done
"$BIN" --conf /dev/null --state-dir "$B/legacy" list >"$B/out" 2>"$T/err" &&
	grep -q '^old .*recovery=OLD' "$B/out" && grep -q '^new .* recovery  *no$' "$B/out" &&
	! grep -q '^none .*recovery' "$B/out" &&
	grep -q 'warning: 1 sealed key (recovery=OLD) has the recovery branch of kseal 0.1.*ksealctl reseal NAME --recovery before the lock' "$T/err" &&
	"$BIN" --conf /dev/null --state-dir "$B/legacy" list --json 2>/dev/null | python3 -c '
import json,sys
l = {k["name"]: k["legacy_recovery"] for k in json.load(sys.stdin)}
assert l == {"old": True, "new": False, "none": False}, l'
ok $? "list flags a sealed blob with the old recovery branch (recovery=OLD, legacy_recovery)"
"$BIN" --conf /dev/null --state-dir "$B/legacy" --tcti "swtpm:host=127.0.0.1,port=1" status --json \
	>"$B/status.json" 2>/dev/null; rc=$?
[ $rc = 6 ] && python3 -c '
import json,sys
r = {x["check"]: x for x in json.load(open(sys.argv[1]))["checks"]}["recovery"]
assert r["status"] == "WARN" and "old" in r["detail"] and "ksealctl reseal NAME --recovery" in r["advice"], r' "$B/status.json" &&
	"$BIN" --conf /dev/null --state-dir "$B/state" --tcti "swtpm:host=127.0.0.1,port=1" status --json 2>/dev/null |
	python3 -c '
import json,sys
r = {x["check"]: x for x in json.load(sys.stdin)["checks"]}["recovery"]
assert r["status"] == "OK", r'
ok $? "status WARNs about the old recovery branch with advice, OK without one"
# Sealed keys by their blob's PCR mask (FLAGS MASK LOCK): PCR 7 alone, 7
# with lock PCR 12 (a lock PCR binds nothing), firmware PCRs only, the
# default boot chain, a UKI's PCR 11.
hdrm() { printf '4b53424c00010001%08x%08x00000000810001000022%068x%08x%02x' 1 "$1" 0 "$2" "$3"; }
mkdir -p "$B/chain/gen-00000001"
ln -s gen-00000001 "$B/chain/current"
for f in only7:4:0x80:0 lock12:6:0x1080:12 fw:4:0x5:0 chain:4:0x390:0 uki:6:0x8880:15; do
	IFS=: read -r n fl m l <<<"$f"
	printf '{"name":"%s","kind":"sealed","pcrs":"7","parent":"0x81000100","recovery":false,"bytes":32,"version":1,"blob":"%s"}' \
		"$n" "$(hdrm "$fl" "$m" "$l")" >"$B/chain/gen-00000001/$n.json"
done
"$BIN" --conf /dev/null --state-dir "$B/chain" --tcti "swtpm:host=127.0.0.1,port=1" status --json \
	>"$B/status.json" 2>/dev/null; rc=$?
[ $rc = 6 ] && python3 -c '
import json,sys
r = {x["check"]: x for x in json.load(open(sys.argv[1]))["checks"]}["boot-chain"]
d = r["detail"]
assert r["status"] == "WARN" and d.startswith("3 sealed keys bound to no boot-chain PCR"), r
for want in ("only7 (PCRs 7)", "lock12 (PCRs 7)", "fw (PCRs 0,2)"):
    assert want in d, (want, d)
assert "chain" not in d.replace("boot-chain", "") and "uki" not in d, d
assert "ksealctl reseal NAME --pcrs 4,7,8,9" in r["advice"], r' "$B/status.json" &&
	"$BIN" --conf /dev/null --state-dir "$B/chain" --tcti "swtpm:host=127.0.0.1,port=1" status 2>/dev/null |
	grep -A1 '^WARN boot-chain  *3 sealed keys' | grep -q -- '-> .*ksealctl reseal NAME --pcrs 4,7,8,9' &&
	rm "$B/chain/gen-00000001/"{only7,lock12,fw}.json &&
	"$BIN" --conf /dev/null --state-dir "$B/chain" --tcti "swtpm:host=127.0.0.1,port=1" status --json 2>/dev/null |
	python3 -c '
import json,sys
r = {x["check"]: x for x in json.load(sys.stdin)["checks"]}["boot-chain"]
assert r["status"] == "OK", r'
ok $? "status WARNs (exit 6) about each sealed key bound to PCR 7 alone or to no boot-chain PCR, saying how to reseal"
export KSEAL_FAKE_KEYRING=$T/keyring.json

# ---- damaged and unknown files are reported, never deleted
cp -a "$T/state" "$T/dmg"
printf '{ "name": "broken", "kind": ' >"$T/dmg/current/broken.json"
printf 'x' >"$T/dmg/current/README"
printf 'x' >"$T/dmg/notes.txt"
"$BIN" --conf /dev/null --state-dir "$T/dmg" list >/dev/null 2>"$T/err"; rc=$?
[ $rc = 5 ] && grep -q 'damaged key file .*broken.json' "$T/err" && grep -q 'unknown file .*README' "$T/err" &&
	grep -q 'unknown file .*notes.txt' "$T/err"
ok $? "list reports damaged and unknown files (exit 5)"
"$BIN" --conf /dev/null --state-dir "$T/dmg" -q create new1 --wrapped-by root 2>/dev/null
[ -f "$T/dmg/current/broken.json" ] && [ -f "$T/dmg/current/README" ] &&
	[ -f "$T/dmg/notes.txt" ] &&
	[ -f "$T/dmg/current/new1.json" ]
ok $? "a write carries damaged and unknown files into the new generation"

# ---- crash safety: kill -9 at random points of a sealed-key rotation
ITER=${KSEAL_KILL_ITERATIONS:-200}
S=$T/crash
kc() { "$BIN" --conf /dev/null --state-dir "$S" --tcti "$TCTI0" "$@"; }
export KSEAL_FAKE_KEYRING=$T/crash-keyring.json
kp "$S"
kc -q create root && kc -q create a --wrapped-by root && kc -q create b --wrapped-by root &&
	kc -q create c --wrapped-by root
t0=$(date +%s%N); kc -q rotate root; t1=$(date +%s%N)
span=$(( (t1 - t0) / 1000 ))	# microseconds
[ $span -lt 1000 ] && span=1000
tap_diag "one sealed-key rotation takes ${span} us; killing at random points in 0..$((span * 12 / 10)) us"
sums() { (cd "$S/current" && md5sum root.json a.json b.json c.json 2>/dev/null | cut -d' ' -f1 | tr '\n' ' '); }
bad=0 saw_old=0 saw_new=0
for ((i = 0; i < ITER; i++)); do
	rm -f "$KSEAL_FAKE_KEYRING"
	if ! kc -q load --all 2>"$T/err"; then
		tap_diag "iteration $i: the set does not load: $(head -n1 "$T/err")"; bad=1; break
	fi
	old=$(sums)
	# The binary itself, not a shell function: kill must hit ksealctl.
	"$BIN" --conf /dev/null --state-dir "$S" --tcti "$TCTI0" -q rotate root 2>/dev/null &
	pid=$!
	delay=$((RANDOM * 32768 + RANDOM))
	delay=$((delay % (span * 12 / 10)))
	sleep "$(printf '0.%06d' "$delay")"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	new=$(sums)
	read -r -a o <<<"$old"; read -r -a nw <<<"$new"
	if [ ${#nw[@]} != 4 ]; then
		tap_diag "iteration $i: incomplete set: $(ls "$S/current")"; bad=1; break
	fi
	if [ "$new" = "$old" ]; then
		saw_old=$((saw_old + 1))
	elif [ "${nw[0]}" != "${o[0]}" ] && [ "${nw[1]}" != "${o[1]}" ] &&
	     [ "${nw[2]}" != "${o[2]}" ] && [ "${nw[3]}" != "${o[3]}" ]; then
		saw_new=$((saw_new + 1))
	else
		tap_diag "iteration $i: a mix of old and new files"; bad=1; break
	fi
	if ls -a "$S/current" | grep -q '^\.tmp-'; then
		tap_diag "iteration $i: temporary file in the current generation"; bad=1; break
	fi
	if ! kc list >/dev/null 2>"$T/err"; then
		tap_diag "iteration $i: list fails: $(head -n1 "$T/err")"; bad=1; break
	fi
done
tap_diag "$i iterations: $saw_old left the old set, $saw_new the new set"
[ $bad = 0 ] && [ "$i" = "$ITER" ] && [ $saw_old -gt 0 ] && [ $saw_new -gt 0 ]
ok $? "kill -9 during rotate leaves the old or the new complete set ($ITER times)"
rm -f "$KSEAL_FAKE_KEYRING"
kc -q load --all 2>"$T/err" && kc -q rotate root 2>>"$T/err" &&
	[ "$(ls -d "$S"/gen-* | wc -l)" = 1 ] && [ ! -e "$S/current.tmp" ]
ok $? "the next run cleans unfinished generations and rotates"

# ---- concurrent runs
S=$T/conc
export KSEAL_FAKE_KEYRING=$T/conc-keyring.json
kp "$S"
kc -q create root
pids=()
for j in 1 2 3 4 5 6 7 8; do
	( kc -q create "d$j" --wrapped-by root && kc -q rotate "d$j" && kc -q rotate root ) >"$T/conc-$j.err" 2>&1 &
	pids+=($!)
done
cbad=0
for p in "${pids[@]}"; do wait "$p" || cbad=1; done
[ $cbad = 1 ] && cat "$T"/conc-*.err | tap_detail
rm -f "$KSEAL_FAKE_KEYRING"
[ $cbad = 0 ] && [ "$(kc list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 9 ] &&
	kc -q load --all && grep -q '"version":9' "$S/current/root.json" &&
	[ "$(ls -d "$S"/gen-* | wc -l)" = 1 ]
ok $? "8 concurrent writers: all 9 keys, 8 sealed rotations, one loadable set"

# ---- provisioning against a private swtpm of its own
start_swtpm "$T/tpm"
ok $? "swtpm started on port $P"
TCTI="swtpm:host=127.0.0.1,port=$P"
export TPM2TOOLS_TCTI=$TCTI
kt() { "$BIN" --conf /dev/null --state-dir "$T/tstate" --tcti "$TCTI" "$@"; }
persistent() { tpm2 getcap handles-persistent 2>/dev/null | tr -d '\n '; }
# The first provision goes through the pcap TCTI, which records every TPM
# command (tpm-sessions.py lists their sessions).
TCTI_PCAP_FILE=$T/prov.pcap "$BIN" --conf /dev/null --state-dir "$T/tstate" --tcti "pcap:$TCTI" \
	provision >"$T/out" 2>"$T/err" && [ "$(persistent)" = "-0x81000001-0x81000100" ] &&
	grep -q '"parent":"0x81000100"' "$T/tstate/state.json"
ok $? "provision creates the SRK and the parent key"
# CreatePrimary of the SRK has no key to salt to and carries no secret;
# everything after it is authorised in one HMAC session salted to the SRK,
# with parameter encryption (20 decrypt, 40 encrypt) where the command has
# a sized first parameter, and the parent's Name is read in it.
./tpm-sessions.py "$T/prov.pcap" >"$T/sessions" 2>"$T/err" && python3 - "$T/sessions" <<'PY' 2>>"$T/err"
import sys
cmds = [l.split() for l in open(sys.argv[1])]
names = [c[0] for c in cmds]
assert names[:5] == ["CreatePrimary", "EvictControl", "Create", "Load", "EvictControl"], names
assert cmds[0][1:] == ["40000009/00"], cmds[0]
sess = {c[1].split("/")[0] for c in cmds[1:]}
assert len(sess) == 1 and sess.pop().startswith("02"), cmds
want = {"EvictControl": "01", "Create": "61", "Load": "61", "ReadPublic": "41"}
for c in cmds[1:]:
    assert len(c) == 2 and c[1].split("/")[1] == want[c[0]], c
assert "ReadPublic" in names, names
PY
r=$?; [ $r = 0 ] || tap_detail <"$T/sessions"
ok $r "provision: after CreatePrimary of the SRK, Create, Load, EvictControl and ReadPublic run in a salted HMAC session"
hexname() { tpm2 readpublic -c "$1" -n "$T/hn" >/dev/null 2>&1 && od -An -tx1 "$T/hn" | tr -d ' \n'; }
pname=$(hexname 0x81000100)
# recorded STATE SRK-NAME PARENT-NAME: state.json maps that SRK to that parent.
recorded() {
	python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["parents"][sys.argv[2]] == sys.argv[3]' "$@"
}
[ ${#pname} = 68 ] && recorded "$T/tstate/state.json" "$(hexname 0x81000001)" "$pname"
ok $? "provision records the parent key's TPM Name in state.json, under the SRK's Name"
tpm2 readpublic -c 0x81000001 >"$T/srk" 2>/dev/null &&
	grep -q 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|decrypt' "$T/srk" &&
	grep -q 'NIST p256' "$T/srk" && grep -A1 'sym-mode' "$T/srk" | grep -q cfb
ok $? "the SRK has the TCG ECC P-256 storage template"
tpm2 createprimary -C o -g sha256 -G ecc -c "$T/ref.ctx" \
	-a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|decrypt' >/dev/null 2>&1 &&
	tpm2 readpublic -c "$T/ref.ctx" -n "$T/ref.name" >/dev/null 2>&1 &&
	tpm2 readpublic -c 0x81000001 -n "$T/srk.name" >/dev/null 2>&1 &&
	cmp -s "$T/ref.name" "$T/srk.name"
ok $? "the SRK is the key tpm2 createprimary -G ecc makes with the TCG attributes (noda)"
tpm2 flushcontext -t >/dev/null 2>&1
kt provision >"$T/out" 2>"$T/err" && grep -q 'already provisioned' "$T/out" &&
	[ "$(persistent)" = "-0x81000001-0x81000100" ]
ok $? "a second provision is idempotent"
# The SRK's Name is pinned once recorded: another one is refused, nothing
# changes, unless --new-tpm vouches for it.
pin_sum() { md5sum "$T/tstate/state.json"; persistent; tpm2 getcap handles-transient 2>/dev/null; }
cp "$T/tstate/state.json" "$T/meta.pin"
fake=000b$(printf '%064d' 3)
srkname=$(hexname 0x81000001)
sed -i "s/\"$srkname\"/\"$fake\"/" "$T/tstate/state.json"
# pin_refused DESC: provision exits 7 with the one line, nothing changed.
pin_refused() {
	local before rc
	before=$(pin_sum)
	kt provision >"$T/out" 2>"$T/err"; rc=$?
	[ $rc = 7 ] && [ "$(wc -l <"$T/err")" = 1 ] &&
		grep -q "^ksealctl: TPM: the SRK (Name $srkname) is not one recorded in $T/tstate/state.json: this is another TPM, or a device between CPU and TPM answers for it; nothing was changed: .*ksealctl provision --new-tpm\$" "$T/err" &&
		[ "$(pin_sum)" = "$before" ]
	ok $? "$1"
}
pin_refused "provision refuses an SRK whose Name state.json does not record (exit 7), nothing changed"
tpm2 evictcontrol -C o -c 0x81000001 >/dev/null 2>&1
pin_refused "with the SRK missing, the one CreatePrimary makes is refused the same way and not kept"
kt -q provision --new-tpm 2>"$T/err" && [ "$(persistent)" = "-0x81000001-0x81000100" ] &&
	recorded "$T/tstate/state.json" "$srkname" "$pname" &&
	recorded "$T/tstate/state.json" "$fake" "$pname"
ok $? "provision --new-tpm trusts it, remakes the SRK (same Name) and keeps the other record"
kt status --json >"$T/status.json" 2>"$T/err"
python3 -c '
import json,sys
c = {x["check"]: x for x in json.load(open(sys.argv[1]))["checks"]}["parent-name"]
assert c["status"] == "OK" and "is the parent provision recorded" in c["detail"], c' "$T/status.json" 2>>"$T/err"
ok $? "status: the parent has the Name provision recorded for this TPM"
python3 - "$T/tstate/state.json" "$srkname" "$fake" <<'PY'
import json, sys
f, srk, fake = sys.argv[1:]
d = json.load(open(f))
d["parents"][srk] = fake
json.dump(d, open(f, "w"))
PY
kt status --json >"$T/status.json" 2>"$T/err"; rc=$?
[ $rc = 6 ] && python3 -c '
import json,sys
c = {x["check"]: x for x in json.load(open(sys.argv[1]))["checks"]}["parent-name"]
assert c["status"] == "WARN" and "not the TPM provisioned" in c["detail"] and "interposer" in c["detail"], c' "$T/status.json" 2>>"$T/err"
ok $? "status WARNs (exit 6) when the parent's Name is not the recorded one: not the TPM provisioned"
python3 - "$T/tstate/state.json" "$srkname" <<'PY'
import json, sys
f, srk = sys.argv[1:]
d = json.load(open(f))
del d["parents"][srk]
json.dump(d, open(f, "w"))
PY
kt status --json >"$T/status.json" 2>"$T/err"; rc=$?
[ $rc = 6 ] && python3 -c '
import json,sys
c = {x["check"]: x for x in json.load(open(sys.argv[1]))["checks"]}["parent-name"]
assert c["status"] == "WARN" and "SRK is not one recorded" in c["detail"] and "--new-tpm" in c["advice"], c' "$T/status.json" 2>>"$T/err"
ok $? "status WARNs (exit 6) when the SRK is not one recorded"
cp "$T/meta.pin" "$T/tstate/state.json"
kt status --json >"$T/status.json" 2>"$T/err"; rc=$?
python3 -m json.tool "$T/status.json" >/dev/null && python3 - "$T/status.json" <<'PY'
import json, sys
c = {x["check"]: x for x in json.load(open(sys.argv[1]))["checks"]}
for name in ("tpm", "srk", "parent", "pcr-banks", "lockout"):
    assert c[name]["status"] == "OK", c[name]
assert "2.0" in c["tpm"]["detail"]
PY
r=$?; [ $r = 0 ] && { [ $rc = 0 ] || [ $rc = 6 ]; }
ok $? "status --json is valid JSON with TPM, SRK, parent, banks and lockout OK"
tpm2 evictcontrol -C o -c 0x81000100 >/dev/null 2>&1
kt status --json >"$T/status.json" 2>"$T/err"; rc=$?
[ $rc = 6 ] && python3 -c '
import json,sys
c = {x["check"]: x for x in json.load(open(sys.argv[1]))["checks"]}
assert c["parent"]["status"] == "WARN" and c["parent"]["advice"], c["parent"]' "$T/status.json"
ok $? "status WARNs (exit 6) when the parent key is evicted"
# Without a resource manager every tpm2 command leaves a transient object.
fl() { tpm2 flushcontext -t >/dev/null 2>&1; }
tpm2 createprimary -C o -G rsa -c "$T/rsa.ctx" >/dev/null 2>&1 && fl &&
	tpm2 create -C "$T/rsa.ctx" -G rsa -u "$T/s.pub" -r "$T/s.priv" -a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign' >/dev/null 2>&1 && fl &&
	tpm2 load -C "$T/rsa.ctx" -u "$T/s.pub" -r "$T/s.priv" -c "$T/s.ctx" >/dev/null 2>&1 && fl &&
	tpm2 evictcontrol -C o -c "$T/s.ctx" 0x81000100 >/dev/null 2>&1
tpm2 flushcontext -t >/dev/null 2>&1
kt provision >/dev/null 2>"$T/err"; rc=$?
[ $rc = 7 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q -- '--force' "$T/err"
ok $? "provision refuses to replace a foreign object without --force (exit 7)"
kt -q provision --force 2>"$T/err" && [ "$(persistent)" = "-0x81000001-0x81000100" ] &&
	tpm2 readpublic -c 0x81000100 2>/dev/null | grep -q 'restricted|decrypt'
ok $? "provision --force replaces it with a storage key"
export KSEAL_FAKE_KEYRING=$T/tpm-keyring.json
kt -q create root 2>"$T/err" && kt -q create d --wrapped-by root 2>>"$T/err"
kt shred </dev/null >/dev/null 2>"$T/err"; rc=$?
[ $rc = 7 ] && [ -f "$T/tstate/current/root.json" ] && [ "$(persistent)" = "-0x81000001-0x81000100" ]
ok $? "shred refuses without --yes when stdin is not a terminal"
./pty-run.py 'to continue: ' 'no' "$BIN" --conf /dev/null --state-dir "$T/tstate" --tcti "$TCTI" \
	shred >"$T/tty" 2>&1; rc=$?
[ $rc = 7 ] && grep -q 'not confirmed' "$T/tty" && [ -f "$T/tstate/current/root.json" ] &&
	[ "$(persistent)" = "-0x81000001-0x81000100" ]
ok $? "shred on a terminal changes nothing unless YES is typed"
# ---- shred evicts the parent provision made and nothing else
state_sum() { (cd "$T/tstate" && find . -type f | sort | xargs md5sum); }
# shred_refused EXIT REGEX NAME: shred --yes fails with that exit code and
# line, and the key at 0x81000100, the SRK and every blob stay.
shred_refused() {
	local want=$1 re=$2 before pn rc st
	before=$(state_sum) pn=$(hexname 0x81000100)
	kt shred --yes >/dev/null 2>"$T/err"; rc=$?
	[ $rc = "$want" ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -qE "$re" "$T/err" &&
		[ "$(persistent)" = "-0x81000001-0x81000100" ] &&
		[ "$(hexname 0x81000100)" = "$pn" ] && [ "$(state_sum)" = "$before" ] &&
		[ -f "$T/tstate/current/root.json" ]
	st=$?
	[ $st = 0 ] || echo "# exit $rc (want $want and a line matching '$re')" >>"$T/err"
	ok $st "$3"
}
# setmeta KEY JSON: one field of state.json (null removes it).
setmeta() {
	python3 - "$T/tstate/state.json" "$1" "$2" <<'PY'
import json, sys
f, key, val = sys.argv[1:]
d = json.load(open(f))
v = json.loads(val)
if v is None:
    d.pop(key, None)
else:
    d[key] = v
json.dump(d, open(f, "w"))
PY
}
cp "$T/tstate/state.json" "$T/meta.good"
tpm2 changeauth -c o ownerpw >/dev/null 2>&1
shred_refused 3 '^ksealctl: TPM: EvictControl \(evict\) failed: .*; the owner hierarchy has a password' \
	"shred: the eviction fails (owner password), exit 3, every blob kept"
tpm2 changeauth -c o -p ownerpw >/dev/null 2>&1
setmeta parent '"0x81000001"'
shred_refused 7 "^ksealctl: shred: $T/tstate/state.json names the SRK 0x81000001 as the kseal parent; refusing to evict it, nothing was changed\$" \
	"shred: state.json naming the SRK as the parent is refused (exit 7)"
cp "$T/meta.good" "$T/tstate/state.json"
setmeta parents null
shred_refused 7 "^ksealctl: shred: nothing records which key at 0x81000100 is the kseal parent" \
	"shred: no recorded Name and no real sealed blob: refused (exit 7)"
# Recorded, but for another TPM only (the disk moved): the blobs decide.
setmeta parents '{"000b'"$(printf '%064d' 0)"'": "000b'"$(printf '%064d' 1)"'"}'
shred_refused 7 "^ksealctl: shred: nothing records which key at 0x81000100 is the kseal parent \\(no Name for this TPM" \
	"shred: a Name recorded for another TPM only: refused (exit 7)"
cp "$T/meta.good" "$T/tstate/state.json"
# Another storage key under the SRK in the parent's place.
tpm2 evictcontrol -C o -c 0x81000100 >/dev/null 2>&1 && fl &&
	tpm2 create -C 0x81000001 -G ecc -u "$T/o.pub" -r "$T/o.priv" \
		-a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|decrypt' >/dev/null 2>&1 && fl &&
	tpm2 load -C 0x81000001 -u "$T/o.pub" -r "$T/o.priv" -c "$T/o.ctx" >/dev/null 2>&1 && fl &&
	tpm2 evictcontrol -C o -c "$T/o.ctx" 0x81000100 >/dev/null 2>&1; fl
shred_refused 7 "^ksealctl: shred: the key at 0x81000100 is not the parent key recorded in $T/tstate/state.json \\(another Name\\); refusing to evict it" \
	"shred: another key at the parent handle is refused (exit 7)"
# A primary key there, with its Name recorded: still not a kseal parent.
tpm2 evictcontrol -C o -c 0x81000100 >/dev/null 2>&1 && fl &&
	tpm2 createprimary -C o -G ecc -c "$T/p.ctx" \
		-a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|decrypt' >/dev/null 2>&1 &&
	tpm2 evictcontrol -C o -c "$T/p.ctx" 0x81000100 >/dev/null 2>&1; fl
setmeta parents "{\"$(hexname 0x81000001)\": \"$(hexname 0x81000100)\"}"
shred_refused 7 '^ksealctl: shred: 0x81000100 holds a primary key, not the kseal parent; refusing to evict it, nothing was changed$' \
	"shred: a primary key at the parent handle is refused (exit 7)"
kt provision >/dev/null 2>"$T/err"; rc=$?
[ $rc = 7 ] && [ "$(wc -l <"$T/err")" = 1 ] &&
	grep -q '^ksealctl: TPM: 0x81000100 holds a primary key, not a key under the SRK; refusing to use it as the kseal parent' "$T/err" &&
	[ "$(persistent)" = "-0x81000001-0x81000100" ]
ok $? "provision refuses a primary key as the kseal parent (exit 7)"
other=000b$(printf '%064d' 2)
setmeta parents "{\"$(hexname 0x81000001)\": \"$(hexname 0x81000100)\", \"$other\": \"$other\"}"
kt -q provision --force 2>"$T/err" && [ "$(persistent)" = "-0x81000001-0x81000100" ] &&
	recorded "$T/tstate/state.json" "$(hexname 0x81000001)" "$(hexname 0x81000100)" &&
	recorded "$T/tstate/state.json" "$other" "$other" &&
	! cmp -s "$T/meta.good" "$T/tstate/state.json"
ok $? "provision --force replaces the primary key, records the new parent's Name, keeps other TPMs' entries"
kt -q shred --yes 2>"$T/err" && [ "$(persistent)" = "-0x81000001" ] &&
	[ ! -e "$T/tstate/current" ] && ! ls "$T/tstate" | grep -q gen- &&
	[ "$(kt list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 0 ] &&
	python3 -c '
import json,sys
d = json.load(open(sys.argv[1]))
ks = [k for k in d["keys"] if k["type"] == "kseal"]
assert {k["desc"] for k in ks} == {"root", "d"} and all(k.get("revoked") for k in ks), d' "$KSEAL_FAKE_KEYRING"
ok $? "shred --yes evicts the parent, revokes keys, deletes blobs, keeps the SRK"
"$BIN" --conf /dev/null --tcti "swtpm:host=127.0.0.1,port=1" --state-dir "$T/x" provision >/dev/null 2>"$T/err"; rc=$?
[ $rc = 3 ] && [ "$(wc -l <"$T/err")" = 1 ]
ok $? "an unreachable TPM: exit 3 with one error line"

# shellcheck source=tests/helper/predict.sh
. ./predict.sh

tap_done
