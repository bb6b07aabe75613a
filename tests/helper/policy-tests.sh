#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Host tests of signed PCR policies in ksealctl, TAP on stdout: create
# --policy-key, policy sign / install / show, and the approval load
# passes to the kernel (fake keyctl backend), whose ticket is proved with
# tpm2-tools on a private swtpm: an object sealed to PolicyAuthorize of
# the signing key's Name unseals with it and with nothing else.
set -u
cd "$(dirname "$0")"

BIN=$PWD/ksealctl-fake
T=$(mktemp -d /tmp/kseal-policy.XXXXXX)
# shellcheck source=tests/helper/lib.sh
. ./lib.sh

start_swtpm "$T/tpm"
ok $? "swtpm started on port $P"
TCTI="swtpm:host=127.0.0.1,port=$P"
export TPM2TOOLS_TCTI=$TCTI
export KSEAL_FAKE_KEYRING=$T/keyring.json
S=$T/state
k() { "$BIN" --conf /dev/null --state-dir "$S" --tcti "$TCTI" "$@"; }
fl() { tpm2 flushcontext -t >/dev/null 2>&1; tpm2 flushcontext -s >/dev/null 2>&1; }
hex() { od -An -tx1 -v "$1" | tr -d ' \n'; }
# ring FIELD NAME: that field of the newest kseal key NAME in the fake keyring.
ring() {
	python3 - "$KSEAL_FAKE_KEYRING" "$1" "$2" <<'PY'
import json, sys
ring, field, name = sys.argv[1:]
ks = [k for k in json.load(open(ring))["keys"] if k["type"] == "kseal" and k["desc"] == name]
print(ks[-1].get(field, "") if ks else "")
PY
}
# predict LIST: the prediction JSON of the current sha256 values of LIST.
predict() {
	tpm2 pcrread "sha256:$1" -o "$T/pcrs.bin" >/dev/null 2>&1 &&
	python3 - "$1" "$T/pcrs.bin" <<'PY'
import json, sys
pcrs = [int(p) for p in sys.argv[1].split(",")]
b = open(sys.argv[2], "rb").read()
print(json.dumps({"sha256": [{"pcr": p, "hash": b[32 * i:32 * i + 32].hex()}
                             for i, p in enumerate(pcrs)]}))
PY
}
# entry FILE I FIELD: one field of entry I of a signed policy file.
entry() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sha256"][int(sys.argv[2])][sys.argv[3]])' "$@"
}
# snap: the state directory's files and contents, to see nothing changed.
snap() { (cd "$S" && find . -path ./lock -prune -o -print | sort | while read -r f; do
	[ -f "$f" ] && md5sum "$f" || echo "$f"; done); }

# ---- argument parsing
bad=0
for c in "policy" "policy sign" "policy install" "policy show"; do
	# shellcheck disable=SC2086
	out=$("$BIN" $c --help 2>"$T/err"); rc=$?
	if [ $rc != 0 ] || [[ $out != Usage:\ ksealctl\ policy* ]]; then
		tap_diag "'$c --help' gave $rc"
		bad=1
	fi
done
for args in "policy" "policy frob" "policy sign" "policy sign --key" "policy sign --key x --append" \
	"policy sign --key x --pcrs 24" "policy install" "policy install a b" "policy show x" \
	"policy sign --no-such-option" "create x --wrapped-by r --policy-key p"; do
	# shellcheck disable=SC2086
	k $args >/dev/null 2>"$T/err"; rc=$?
	if [ $rc != 1 ] || [ "$(wc -l <"$T/err")" != 1 ]; then
		tap_diag "'$args' gave rc=$rc: $(cat "$T/err")"
		bad=1
	fi
done
[ ! -e "$S" ]
ok $((bad + $?)) "policy --help and bad arguments: exit 1 with one error line, no state written"
echo '{"sha256":[]}' >"$T/empty.json"
k policy install "$T/empty.json" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 1 ] && [ ! -e "$S" ]
ok $? "install of a file without entries, no state directory: exit 1, none made"

openssl ecparam -name prime256v1 -genkey -noout -out "$T/ec.pem" 2>"$T/err" &&
	openssl pkey -in "$T/ec.pem" -pubout -out "$T/ec.pub" 2>>"$T/err" &&
	openssl genrsa -out "$T/rsa.pem" 2048 2>>"$T/err" &&
	openssl pkey -in "$T/rsa.pem" -pubout -out "$T/rsa.pub" 2>>"$T/err" &&
	openssl ecparam -name prime256v1 -genkey -noout -out "$T/other.pem" 2>>"$T/err" &&
	openssl pkey -in "$T/other.pem" -pubout -out "$T/other.pub" 2>>"$T/err"
ok $? "signing keys: ECDSA P-256, RSA-2048 and an unknown ECDSA one"
"$BIN" --conf /dev/null --state-dir "$S" --tcti "$TCTI" -q provision 2>"$T/err"
ok $? "provision"

# ---- create --policy-key: policy_key= is the Name the TPM gives the key
k -q create ek --pcrs 0,2,7 --lock-pcr 15 --policy-key "$T/ec.pub" 2>"$T/err" &&
	k -q create rk --pcrs 0,2 --policy-key "$T/rsa.pub" 2>>"$T/err"
ok $? "create sealed keys bound to an ECDSA and an RSA signing key"
# tpm_name ARGS: the Name the TPM gives a public key at LoadExternal
# (owner hierarchy), as tpm2 loadexternal and readpublic report it.
tpm_name() {
	tpm2 loadexternal -C o "$@" -c "$T/x.ctx" -n "$T/x.name" >/dev/null 2>>"$T/err" &&
	tpm2 readpublic -c "$T/x.ctx" -n "$T/x.rname" >/dev/null 2>>"$T/err" &&
	cmp -s "$T/x.name" "$T/x.rname" && hex "$T/x.name"
	fl
}
./tpm-public.py "$T/ec.pub" "$T/ec.tss" 2>"$T/err" && ./tpm-public.py "$T/rsa.pub" "$T/rsa.tss" 2>>"$T/err"
ecname=$(tpm_name -u "$T/ec.tss")
rsaname=$(tpm_name -u "$T/rsa.tss")
[ ${#ecname} = 68 ] && [ "$(ring policy_key ek)" = "$ecname" ] &&
	[ ${#rsaname} = 68 ] && [ "$(ring policy_key rk)" = "$rsaname" ]
st=$?; [ $st = 0 ] || echo "ec $ecname / $(ring policy_key ek), rsa $rsaname / $(ring policy_key rk)" >>"$T/err"
ok $st "policy_key= is the signing key's Name as the TPM computes it for the documented public area (ECDSA, RSA)"
[ "$(tpm_name -u "$T/ec.pub" -G ecc:ecdsa-sha256 -a 'sign|userwithauth')" = "$ecname" ]
ok $? "tpm2 loadexternal of the ECDSA PEM with sign|userwithauth gives that Name too"
fp=$(openssl pkey -pubin -in "$T/ec.pub" -outform DER | sha256sum | cut -c1-64)
python3 - "$S/current/ek.json" "$fp" "$ecname" "$T/ec.pub" <<'PY' 2>"$T/err"
import json, sys
f, fp, name, pub = sys.argv[1:]
pk = json.load(open(f))["policy_key"]
assert pk["pkfp"] == fp and pk["name"] == name, pk
assert pk["pem"].split() == open(pub).read().split(), pk["pem"]
PY
ok $? "the key file records the signer's PEM, Name and fingerprint (sha256 of the DER SPKI)"
k list >"$T/out" 2>"$T/err" && grep -q "^ek .*signed-by=${fp:0:16} pcrs=0,2,7 " "$T/out" &&
	k list --json | python3 -c '
import json, sys
l = {k["name"]: k for k in json.load(sys.stdin)}
assert l["ek"]["policy_key"] == sys.argv[1] and l["ek"]["pcrs"] == "0,2,7", l' "$fp" 2>>"$T/err"
ok $? "list shows the signer's fingerprint and the signed selection"
k create bad --pcrs 7,15 --lock-pcr 15 --policy-key "$T/ec.pub" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q "lock PCR out" "$T/err" &&
	[ ! -e "$S/current/bad.json" ]
ok $? "create refuses the lock PCR inside the signed selection"
k create bad --policy-key "$T/ec.pem" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q "is not a PEM public key" "$T/err" &&
	[ ! -e "$S/current/bad.json" ]
ok $? "create refuses a private key as --policy-key"

# ---- policy sign (no TPM): the signature verifies with openssl
predict 0,2,7 >"$T/pred.json" && predict 0,2 >"$T/pred2.json"
"$BIN" --conf /dev/null --tcti "swtpm:host=127.0.0.1,port=1" -q policy sign --key "$T/ec.pem" \
	--in "$T/pred.json" --out "$T/signed.json" 2>"$T/err" &&
	entry "$T/signed.json" 0 sig | base64 -d >"$T/sig.der" &&
	entry "$T/signed.json" 0 pol | xxd -r -p >"$T/pol.bin" &&
	openssl dgst -sha256 -verify "$T/ec.pub" -signature "$T/sig.der" "$T/pol.bin" >"$T/out" 2>>"$T/err" &&
	[ "$(entry "$T/signed.json" 0 pkfp)" = "$fp" ]
ok $? "policy sign (no TPM reachable): openssl dgst -sha256 -verify accepts the signature of pol"
# pol is the PolicyPCR digest the TPM itself computes for these PCRs.
tpm2 startauthsession -S "$T/trial.ctx" >/dev/null 2>&1 &&
	tpm2 policypcr -S "$T/trial.ctx" -l sha256:0,2,7 -L "$T/trial.pol" >/dev/null 2>"$T/err" &&
	[ "$(hex "$T/trial.pol")" = "$(entry "$T/signed.json" 0 pol)" ]
ok $? "pol equals the TPM's PolicyPCR digest over the current PCRs 0,2,7 (trial session)"
fl
"$BIN" --conf /dev/null -q policy sign --key "$T/rsa.pem" --in "$T/pred2.json" --out "$T/signed.json" --append 2>"$T/err" &&
	"$BIN" --conf /dev/null -q policy sign --key "$T/rsa.pem" --in "$T/pred2.json" --out "$T/signed.json" --append 2>>"$T/err" &&
	[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["sha256"]))' "$T/signed.json")" = 2 ] &&
	entry "$T/signed.json" 1 sig | base64 -d >"$T/sig.rsa" &&
	entry "$T/signed.json" 1 pol | xxd -r -p >"$T/pol.rsa" &&
	openssl dgst -sha256 -verify "$T/rsa.pub" -signature "$T/sig.rsa" "$T/pol.rsa" >"$T/out" 2>>"$T/err"
ok $? "--append adds the RSA entry once (the same state signed again replaces it), it verifies too"
"$BIN" --conf /dev/null -q policy sign --key "$T/ec.pem" --in "$T/pred.json" --pcrs 0,7 2>"$T/err" >"$T/sub.json" &&
	[ "$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["sha256"][0]; print(e["pcrs"], sorted(e["values"]))' "$T/sub.json")" = "[0, 7] ['0', '7']" ]
ok $? "--pcrs signs a subset of the prediction"
echo '{"sha256":[{"pcr":0,"hash":"00"}]}' | "$BIN" --conf /dev/null -q policy sign --key "$T/ec.pem" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q "is a hash is not 64 hex digits" "$T/err"
ok $? "sign refuses a bad prediction with one line"

# ---- policy install: only files whose every signature verifies
# refused FILE EXIT REGEX DESC: install exits EXIT with that one line and
# the state directory is unchanged.
refused() {
	local before rc st
	before=$(snap)
	k policy install "$1" >/dev/null 2>"$T/err"; rc=$?
	[ $rc = "$2" ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -qE "$3" "$T/err" &&
		[ "$(snap)" = "$before" ]
	st=$?
	[ $st = 0 ] || echo "# exit $rc (want $2 and '$3')" >>"$T/err"
	ok $st "$4"
}
"$BIN" --conf /dev/null -q policy sign --key "$T/other.pem" --in "$T/pred.json" --out "$T/unknown.json" 2>"$T/err"
cp "$T/signed.json" "$T/mixed.json"
"$BIN" --conf /dev/null -q policy sign --key "$T/other.pem" --in "$T/pred.json" --out "$T/mixed.json" --append 2>>"$T/err"
refused "$T/unknown.json" 7 "entry 0 is signed by key [0-9a-f]{16}\.\.\., which no key of .* was created with" \
	"install refuses a file signed by an unknown key (exit 7), nothing changed"
refused "$T/mixed.json" 7 "entry 2 is signed by key " \
	"install refuses a file with one entry of an unknown key among good ones"
python3 - "$T/signed.json" "$T/tampered.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
e = d["sha256"][0]
e["pol"] = ("0" if e["pol"][0] != "0" else "1") + e["pol"][1:]
del e["values"]
json.dump(d, open(sys.argv[2], "w"))
PY
refused "$T/tampered.json" 7 "the signature of entry 0 does not verify with key ${fp:0:16}" \
	"install refuses a tampered pol (exit 7), nothing changed"
python3 - "$T/signed.json" "$T/badvals.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["sha256"][0]["values"]["2"] = "11" * 32
json.dump(d, open(sys.argv[2], "w"))
PY
refused "$T/badvals.json" 1 'entry 0: "values" do not give "pol"' \
	"install refuses values that do not give pol"
head -c 100 "$T/signed.json" >"$T/trunc.json"
refused "$T/trunc.json" 1 "is not a signed policy file \(not a JSON object\)" "install refuses bad JSON"
echo '{"sha256":[{"pcrs":[7,2],"pkfp":"'"$fp"'","pol":"'"$(printf '%064d' 0)"'","sig":"AAAA"}]}' >"$T/order.json"
refused "$T/order.json" 1 'entry 0: "pcrs" is not ascending' "install refuses unordered pcrs"
before=$(snap)
k -q policy install "$T/signed.json" 2>"$T/err" &&
	[ -f "$S/policy/$fp.json" ] && [ "$(snap)" != "$before" ] &&
	python3 - "$S/policy/$fp.json" "$fp" <<'PY' 2>>"$T/err"
import json, sys
d = json.load(open(sys.argv[1]))["sha256"]
assert len(d) == 1 and d[0]["pkfp"] == sys.argv[2], d
PY
ok $? "install writes STATE/policy/<pkfp>.json per signing key"
k policy show >"$T/out" 2>"$T/err" && grep -q "^${fp:0:16} *0,2,7 .* yes$" "$T/out"
ok $? "policy show marks the installed state as the current one"

# signed_is NAME OK: status --json has the signed-policy check of key NAME
# with that status, naming the signer and the selection.
signed_is() {
	k status --json 2>/dev/null | python3 -c '
import json, sys
name, want, fp = sys.argv[1:]
c = [x for x in json.load(sys.stdin)["checks"] if x["check"] == "signed-policy" and x["detail"].startswith(name + ":")]
assert len(c) == 1 and c[0]["status"] == want and ("signed by " + fp[:16]) in c[0]["detail"], c' "$@"
}
signed_is ek OK "$fp" 2>"$T/err"
ok $? "status: ek has a signed state for the current PCRs (OK, signer and selection shown)"

# ---- load: approved= and ticket= for the current PCR state
rm -f "$KSEAL_FAKE_KEYRING"
k -q load ek rk 2>"$T/err"
ok $? "load of keys under signed policies"
approved=$(ring approved ek)
ticket=$(ring ticket ek)
[ "$approved" = "$(entry "$T/signed.json" 0 pol)" ] && [ "${ticket:0:12}" = 802240000001 ] &&
	[ "$(ring approved rk)" = "$(entry "$T/signed.json" 1 pol)" ]
ok $? "load passes approved=<pol of the matching entry> and an owner-hierarchy ticket=<8022 40000001 ...>"
# The ticket works in the TPM: an object sealed to PolicyAuthorize(Name of
# the signing key) unseals in a session of PolicyPCR + PolicyAuthorize
# with the approved digest and load's ticket, and not with another one.
printf '%s' "$ecname" | xxd -r -p >"$T/ec.name"
tpm2 createprimary -C o -c "$T/prim.ctx" >/dev/null 2>"$T/err" && fl &&
	tpm2 startauthsession -S "$T/t.ctx" >/dev/null 2>>"$T/err" &&
	tpm2 policyauthorize -S "$T/t.ctx" -L "$T/auth.pol" -n "$T/ec.name" >/dev/null 2>>"$T/err" &&
	tpm2 flushcontext "$T/t.ctx" >/dev/null 2>&1 &&
	echo -n 'sealed-secret' | tpm2 create -C "$T/prim.ctx" -L "$T/auth.pol" -a 'fixedtpm|fixedparent' \
		-i- -u "$T/o.pub" -r "$T/o.priv" >/dev/null 2>>"$T/err" && fl &&
	tpm2 load -C "$T/prim.ctx" -u "$T/o.pub" -r "$T/o.priv" -c "$T/o.ctx" >/dev/null 2>>"$T/err" && fl
ok $? "tpm2-tools: an object sealed to PolicyAuthorize(Name of the ECDSA signing key)"
# unseal_with APPROVED-HEX TICKET-HEX: the secret, if the session passes.
unseal_with() {
	printf '%s' "$1" | xxd -r -p >"$T/ap.bin"
	printf '%s' "$2" | xxd -r -p >"$T/tk.bin"
	tpm2 startauthsession --policy-session -S "$T/p.ctx" >/dev/null 2>>"$T/err" &&
	tpm2 policypcr -S "$T/p.ctx" -l sha256:0,2,7 >/dev/null 2>>"$T/err" &&
	tpm2 policyauthorize -S "$T/p.ctx" -i "$T/ap.bin" -n "$T/ec.name" -t "$T/tk.bin" >/dev/null 2>>"$T/err" &&
	tpm2 unseal -c "$T/o.ctx" -p session:"$T/p.ctx" 2>>"$T/err"
	tpm2 flushcontext "$T/p.ctx" >/dev/null 2>&1
	fl	# no resource manager: the object loaded from o.ctx stays
}
[ "$(unseal_with "$approved" "$ticket")" = sealed-secret ]
ok $? "the TPM unseals it with load's approved digest and ticket (policypcr + policyauthorize)"
bad=${ticket:0:20}$(printf '%x' $(( (0x${ticket:20:1} + 1) % 16 )))${ticket:21}
[ -z "$(unseal_with "$approved" "$bad" 2>/dev/null)" ]
ok $? "a ticket with one digit changed does not unseal it"

# ---- no matching entry: the refusal names the PCR that differs
tpm2 pcrextend "2:sha256=$(printf '%064d' 5)" >/dev/null 2>"$T/err"
rm -f "$KSEAL_FAKE_KEYRING"
k load ek >/dev/null 2>"$T/err"; rc=$?
[ $rc = 7 ] && [ "$(wc -l <"$T/err")" = 1 ] &&
	grep -q "^ksealctl: ek: no signed policy matches this boot: PCR 2 differs from the closest signed state (signing key ${fp:0:16}\.\.\.); sign this state with ksealctl policy sign and install it, or load with the recovery passphrase" "$T/err" &&
	[ -z "$(ring approved ek)" ]
ok $? "PCR 2 changed: load refuses (exit 7) with one line naming PCR 2 and what to do"
[ -z "$(unseal_with "$approved" "$ticket" 2>/dev/null)" ]
ok $? "the old ticket no longer unseals after PCR 2 changed (PolicyPCR differs from approved)"
k policy show >"$T/out" 2>"$T/err" && grep -q "^${fp:0:16} *0,2,7 .* no$" "$T/out"
ok $? "policy show: the installed state is no longer the current one"
signed_is ek WARN "$fp" 2>"$T/err"
ok $? "status WARNs: no signed state of ek is the current one"
# Sign the new state, append, install: load works again, with a new ticket.
predict 0,2,7 >"$T/pred.json"
"$BIN" --conf /dev/null -q policy sign --key "$T/ec.pem" --in "$T/pred.json" --out "$T/signed.json" --append 2>"$T/err" &&
	k -q policy install "$T/signed.json" 2>>"$T/err" && rm -f "$KSEAL_FAKE_KEYRING" &&
	k -q load ek 2>>"$T/err" && [ "$(unseal_with "$(ring approved ek)" "$(ring ticket ek)")" = sealed-secret ]
ok $? "after signing and installing the new state, load's new ticket unseals again"

k -q create ek07 --pcrs 0,7 --policy-key "$T/ec.pub" 2>"$T/err" && rm -f "$KSEAL_FAKE_KEYRING"
k load ek07 >/dev/null 2>>"$T/err"; rc=$?
[ $rc = 7 ] && grep -q "^ksealctl: ek07: no signed policy of signing key ${fp:0:16}\.\.\. for PCRs 0,7 is installed; sign this boot's state" "$T/err"
ok $? "no signed state for a key's selection at all: refused, the line names the selection"

# ---- rotate keeps the signer; the signer's Name in the key file is checked
k -q rotate ek 2>"$T/err" && [ "$(ring policy_key ek)" = "$ecname" ] &&
	grep -q "\"name\":\"$ecname\"" "$S/current/ek.json" && rm -f "$KSEAL_FAKE_KEYRING" &&
	k -q load ek 2>>"$T/err" && [ "$(unseal_with "$(ring approved ek)" "$(ring ticket ek)")" = sealed-secret ]
ok $? "rotate of a key under signed policies passes the same policy_key=, and it loads by ticket"
cp -a "$S" "$T/bad"
python3 - "$T/bad/current/ek.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["policy_key"]["name"] += " recovery=x"
json.dump(d, open(sys.argv[1], "w"))
PY
"$BIN" --conf /dev/null --state-dir "$T/bad" --tcti "$TCTI" rotate ek >/dev/null 2>"$T/err"; rc=$?
[ $rc = 5 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q "ek.json: field 'policy_key' is not " "$T/err"
ok $? "a policy_key Name that is not 68 hex digits in the key file: exit 5, nothing done"

# ---- the recovery branch still works for keys under signed policies
printf 'rec-pass\n' >"$T/pass"
export KSEAL_FAKE_RECOVERY=rec-pass
k -q create rk2 --pcrs 0,2 --policy-key "$T/rsa.pub" --recovery-fd 3 3<"$T/pass" 2>"$T/err" &&
	[ "$(ring policy_key rk2)" = "$rsaname" ]
ok $? "create --policy-key with a recovery passphrase"
rm -f "$KSEAL_FAKE_KEYRING"
k load rk2 >/dev/null 2>"$T/err"; rc=$?
[ $rc = 7 ] && grep -q "^ksealctl: rk2: no signed policy matches this boot: PCR 2 differs" "$T/err"
ok $? "rk2: PCR 2 differs from its signed state: refused"
k -q load rk2 --recovery-fd 3 3<"$T/pass" 2>"$T/err" && [ -z "$(ring approved rk2)" ]
ok $? "load --recovery-fd loads it by the recovery branch, without approved= or ticket="
# boot: the agent (a stand-in for systemd-ask-password) answers; no reseal.
printf '#!/bin/sh\necho "$*" >>"%s/asked"\necho rec-pass\n' "$T" >"$T/ask"
chmod +x "$T/ask"
printf 'RECOVERY_TIMEOUT=7\nASK_PASSWORD=%s\n' "$T/ask" >"$T/conf"
blob=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["blob"])' "$S/current/rk2.json")
rm -f "$KSEAL_FAKE_KEYRING"
"$BIN" --conf "$T/conf" --state-dir "$S" --tcti "$TCTI" boot >"$T/out" 2>"$T/err"; rc=$?
grep -q "rk2: no signed policy matches this boot: PCR 2 differs" "$T/err" &&
	grep -q -- "--id=kseal:rk2 " "$T/asked" && ! grep -q "kseal:ek " "$T/asked" &&
	grep -q "loaded rk2 with its recovery passphrase (serial [0-9]*); its PCR policy is signed: sign this boot's state" "$T/out" &&
	k list --json | python3 -c 'import json,sys; l={k["name"]: k["loaded"] for k in json.load(sys.stdin)}; assert l["rk2"] and l["ek"] and not l["rk"], l' &&
	[ "$blob" = "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["blob"])' "$S/current/rk2.json")" ]
st=$?; [ $st = 0 ] || { echo "# boot exit $rc"; cat "$T/out"; } >>"$T/err"
ok $st "boot: the signed key ek loads by ticket, rk2 by its recovery passphrase (asked once, not resealed)"

tap_done
