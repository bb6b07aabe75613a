#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Host tests of ksealctl's Tang client, TAP on stdout: real tangd servers on
# 127.0.0.1 (socat runs one tangd per connection, as inetd would), the
# fake keyctl backend for the kernel. The fake does no ECMR arithmetic: its
# kseal_tang session hands each server its own exchange point as the
# blinded request, so what is checked here is what ksealctl does: the
# advertisement check, pinning, the options the kernel gets, the answers
# it relays, the messages and exit codes.
set -u
cd "$(dirname "$0")"

BIN=$PWD/ksealctl-fake
PARSE=$PWD/tang-parse
T=$(mktemp -d /tmp/kseal-tang.XXXXXX)
TANG_PIDS=
# shellcheck source=tests/helper/lib.sh
. ./lib.sh
# shellcheck disable=SC2086
trap '[ -n "$TANG_PIDS" ] && kill $TANG_PIDS 2>/dev/null; cleanup' EXIT

for p in /usr/libexec/tangd /usr/libexec/tangd-keygen socat jose; do
	command -v "$p" >/dev/null ||
		tap_bail "$p is missing: run make deps (scripts/deps.sh)"
done

export KSEAL_FAKE_KEYRING=$T/keyring.json
CONF=$T/kseal.conf
: >"$CONF"
k() { "$BIN" --conf "$CONF" --state-dir "$T/state" --tcti "$TCTI0" "$@"; }
# py EXPR ARGS...: a Python expression over sys.argv must hold.
py() { python3 -c "import json, sys, base64
def b64(s): return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4)).hex()
def rec(name): return [x for x in json.load(open(sys.argv[1]))['keys'] if x['desc'] == name and not x.get('revoked')]
assert $1" "${@:2}"; }
# point FILE: x||y of a JWK in hex.
point() { python3 -c "import json, sys, base64
j = json.load(open(sys.argv[1]))
print(''.join(base64.urlsafe_b64decode(j[c] + '=' * (-len(j[c]) % 4)).hex() for c in 'xy'))" "$1"; }

# free_port: a port nothing listens on, below the ephemeral range.
free_port() {
	local p
	for p in $(shuf -i 20000-30000 -n 50); do
		(exec 3<>/dev/tcp/127.0.0.1/"$p") 2>/dev/null || { echo "$p"; return; }
	done
	return 1
}

# serve DIR: a tangd over DB DIR on a free port, its URL in $URL.
serve() {
	local port
	port=$(free_port) || return 1
	socat TCP-LISTEN:"$port",bind=127.0.0.1,reuseaddr,fork \
		EXEC:"/usr/libexec/tangd $1" 2>/dev/null &
	TANG_PIDS="$TANG_PIDS $!"
	URL=http://127.0.0.1:$port
	for _ in $(seq 50); do
		curl -sf "$URL/adv" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# A DB with a P-256 exchange key and an ES256 signing key, as an operator
# makes one for kseal; one with only tangd-keygen's P-521 keys.
mkdir -p "$T/db1" "$T/db2" "$T/db521" "$T/db384"
for d in db1 db2; do
	jose jwk gen -i '{"alg":"ECMR","crv":"P-256"}' -o "$T/$d/x.jwk" &&
		jose jwk gen -i '{"alg":"ES256"}' -o "$T/$d/s.jwk" || break
done
jose jwk gen -i '{"alg":"ECMR","crv":"P-384"}' -o "$T/db384/x.jwk" &&
	jose jwk gen -i '{"alg":"ES384"}' -o "$T/db384/s.jwk" &&
	/usr/libexec/tangd-keygen "$T/db521"
ok $? "Tang databases made with jose and tangd-keygen"
THP1=$(jose jwk thp -i "$T/db1/s.jwk")
THP2=$(jose jwk thp -i "$T/db2/s.jwk")
KID1=$(jose jwk thp -i "$T/db1/x.jwk")
serve "$T/db1" && URL1=$URL && serve "$T/db2" && URL2=$URL &&
	serve "$T/db521" && URL521=$URL && serve "$T/db384" && URL384=$URL
ok $? "four tangd servers answer on 127.0.0.1"
# A server that takes the connection and never answers.
port=$(free_port)
socat TCP-LISTEN:"$port",bind=127.0.0.1,reuseaddr,fork EXEC:"sleep 30" 2>/dev/null &
TANG_PIDS="$TANG_PIDS $!"
URLSLOW=http://127.0.0.1:$port
DOWN=http://127.0.0.1:$(free_port)

start_swtpm "$T/tpm0"
ok $? "swtpm for provision started on port $P"
TCTI0="swtpm:host=127.0.0.1,port=$P"
k -q provision 2>"$T/err"
ok $? "provisioned"

# ---- the parsers on real answers and broken ones
curl -sf "$URL1/adv" >"$T/adv1" && curl -sf "$URL521/adv" >"$T/adv521" &&
	curl -sf "$URL384/adv" >"$T/adv384"
ok $? "advertisements fetched"
out=$("$PARSE" adv "$T/adv1" "$THP1" 2>"$T/err")
[ "$(echo "$out" | cut -d' ' -f1-4)" = "ok P-256 $KID1 $THP1" ] &&
	[ "${out##*point=}" = "$(point "$T/db1/x.jwk")" ]
ok $? "adv: verified with the pin; the exchange key's kid and point are the server's"
"$PARSE" adv "$T/adv1" "$(jose jwk thp -a S1 -i "$T/db1/s.jwk")" >/dev/null 2>"$T/err"
ok $? "adv: an S1 thumbprint pins too"
out=$("$PARSE" adv "$T/adv1" "$THP2")
[ $? = 1 ] && [[ $out == "refused 4:"* ]]
ok $? "adv: another server's thumbprint is refused ($out)"
out=$("$PARSE" adv "$T/adv521")
[ $? = 1 ] && [[ $out == "refused 5:"*P-521* ]]
ok $? "adv: a P-521-only server is refused ($out)"
out=$("$PARSE" adv "$T/adv384" "$(jose jwk thp -i "$T/db384/s.jwk")")
[[ $out == "ok P-384 "* ]]
ok $? "adv: a P-384 exchange key is taken"
# Forged: the payload with the exchange key swapped for another one
# (signatures unchanged), and one with a signature removed.
python3 - "$T/adv1" "$T/db2/x.jwk" "$T/forged" "$T/unsigned" <<'EOF'
import base64, json, sys
def d(s): return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
def e(b): return base64.urlsafe_b64encode(b).rstrip(b'=').decode()
adv = json.load(open(sys.argv[1]))
keys = json.loads(d(adv['payload']))
x2 = json.load(open(sys.argv[2])); x2.pop('d', None)
keys['keys'] = [x2 if k.get('alg') == 'ECMR' else k for k in keys['keys']]
forged = dict(adv, payload=e(json.dumps(keys).encode()))
json.dump(forged, open(sys.argv[3], 'w'))
json.dump(dict(adv, signatures=[]), open(sys.argv[4], 'w'))
EOF
out=$("$PARSE" adv "$T/forged" "$THP1")
[ $? = 1 ] && [[ $out == "refused 3:"* ]]
ok $? "adv: an exchange key swapped under the signatures is refused ($out)"
out=$("$PARSE" adv "$T/unsigned" "$THP1")
[ $? = 1 ] && [[ $out == "refused 3:"* ]]
ok $? "adv: an advertisement without its signatures is refused ($out)"
printf 'not json' >"$T/junk"
out=$("$PARSE" adv "$T/junk"); [ $? = 1 ] && [[ $out == "refused 1:"* ]]
ok $? "adv: bytes that are no JSON are refused"

# Answers: what tangd computes for a request, compared with jose's own
# exchange over the server's private key.
jose jwk gen -i '{"alg":"ECMR","crv":"P-256"}' | jose jwk pub -i- -o "$T/eph.jwk"
curl -sf -X POST -H 'Content-Type: application/jwk+json' \
	--data-binary @"$T/eph.jwk" "$URL1/rec/$KID1" >"$T/rec1"
jose jwk exc -i '{"alg":"ECMR"}' -l "$T/db1/x.jwk" -r "$T/eph.jwk" -o "$T/want1"
out=$("$PARSE" rec "$T/rec1" P-256)
[ "$out" = "ok $(point "$T/want1")" ]
ok $? "rec: tangd's answer parses to s*X"
out=$("$PARSE" rec "$T/rec1" P-384); [ $? = 1 ] && [[ $out == *"not a P-384"* ]]
ok $? "rec: a P-256 answer for a P-384 key is refused ($out)"
bad=0
for mut in "j['x'] = j['x'][:-2]" "j['y'] = j['y'] + 'AA'" "del j['y']" \
	"j['kty'] = 'RSA'" "j['crv'] = 'P-521'" "j['x'] = 7" "j = [j]" "j = 'x'"; do
	python3 -c "import json, sys
j = json.load(open(sys.argv[1])); $mut
json.dump(j, open(sys.argv[2], 'w'))" "$T/rec1" "$T/recbad"
	out=$("$PARSE" rec "$T/recbad" P-256) && { tap_diag "$mut: $out"; bad=1; }
done
printf '{"kty":"EC",' >"$T/recbad"
out=$("$PARSE" rec "$T/recbad" P-256) && bad=1
ok $bad "rec: short or long coordinates, a missing one, another key type or curve, truncated JSON are refused"

# ---- create

kf() { "$BIN" --conf "$CONF" --state-dir "$T/state" --tcti "$TCTI0" "$@"; }
k create t1 --tang "$URL1" --tang-thp "$THP1" >"$T/out" 2>"$T/err"
rc=$?
[ $rc = 0 ] && py "rec('t1')[0]['tang'] == ' tang=' + sys.argv[2] and rec('t1')[0]['tang_threshold'] == '1'" \
	"$KSEAL_FAKE_KEYRING" "$(point "$T/db1/x.jwk")"
ok $? "create --tang --tang-thp: the kernel gets tang=<the server's exchange point> and tang_threshold=1"
jose jwk pub -i "$T/db1/s.jwk" -o "$T/s1pub.jwk"
py "json.load(open(sys.argv[1]))['tang'] == {'threshold': 1, 'servers': [{'url': sys.argv[2], 'kid': sys.argv[3], 'thp': sys.argv[4], 'crv': 'P-256', 'jwk': json.dumps(json.load(open(sys.argv[5])), sort_keys=True, separators=(',', ':'))}]}" \
	"$T/state/current/t1.json" "$URL1" "$KID1" "$THP1" "$T/s1pub.jwk" 2>"$T/err"
ok $? "create: the key file records url, kid, thp, crv and the pinned signing key"
# none of these may write anything
gen() { readlink "$T/state/current"; }
g0=$(gen)
k create t2 --tang "$URL1" --tang-thp "$THP2" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 7 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q "$URL1.*thumbprint $THP2" "$T/err" &&
	[ "$(gen)" = "$g0" ] && py "not rec('t2')" "$KSEAL_FAKE_KEYRING"
ok $? "create: a wrong --tang-thp is refused (exit 7, one line naming server and pin), nothing written"
k create t2 --tang "$URL1" </dev/null >/dev/null 2>"$T/err"; rc=$?
[ $rc = 7 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q "not pinned.*$THP1.*--tang-thp" "$T/err" &&
	[ "$(gen)" = "$g0" ] && py "not rec('t2')" "$KSEAL_FAKE_KEYRING"
ok $? "create: unpinned without --yes off a terminal is refused (exit 7) telling the thumbprint, nothing written"
k create t2 --tang "$URL1" --tang "$URL2" --tang-thp "$THP1" --yes </dev/null >/dev/null 2>"$T/err" &&
	py "[s['thp'] for s in json.load(open(sys.argv[1]))['tang']['servers']] == sys.argv[2:]" \
		"$T/state/current/t2.json" "$THP1" "$THP2"
ok $? "create --yes: the unpinned second server is taken, its signing key's thumbprint recorded"
# On a terminal the thumbprints are shown and the answer decides.
./pty-run.py 'Trust it? [y/N] ' 'n' "$BIN" --conf "$CONF" --state-dir "$T/state" --tcti "$TCTI0" \
	create t5 --tang "$URL1" >"$T/out" 2>&1; rc=$?
[ $rc = 7 ] && grep -q "signs its advertisement with $THP1" "$T/out" &&
	grep -q "not trusted; nothing was written" "$T/out" && [ ! -e "$T/state/current/t5.json" ]
st=$?; [ $st = 0 ] || cat "$T/out" >>"$T/err"
ok $st "create on a terminal: the thumbprint is shown, answering n refuses (exit 7), nothing written"
./pty-run.py 'Trust it? [y/N] ' 'y' "$BIN" --conf "$CONF" --state-dir "$T/state" --tcti "$TCTI0" \
	create t5 --tang "$URL1" >"$T/out" 2>&1 &&
	py "json.load(open(sys.argv[1]))['tang']['servers'][0]['thp'] == sys.argv[2]" "$T/state/current/t5.json" "$THP1"
st=$?; [ $st = 0 ] || cat "$T/out" >>"$T/err"
ok $st "create on a terminal: answering y takes the server, its thumbprint recorded"
k create t3 --tang "$URL521" --yes >/dev/null 2>"$T/err"; rc=$?
[ $rc = 7 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q "$URL521 offers only P-521.*jose jwk gen" "$T/err" &&
	[ ! -e "$T/state/current/t3.json" ]
ok $? "create: a P-521-only server is refused with the line saying what to add"
k create t3 --tang "$DOWN" --yes >/dev/null 2>"$T/err"; rc=$?
[ $rc = 7 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q "Tang server $DOWN: unreachable" "$T/err" &&
	[ ! -e "$T/state/current/t3.json" ]
ok $? "create: an unreachable server is refused naming its URL"
echo TANG_TIMEOUT=1 >"$CONF"
start=$SECONDS
k create t3 --tang "$URLSLOW" --yes >/dev/null 2>"$T/err"; rc=$?
[ $rc = 7 ] && grep -q "$URLSLOW: timed out after 1 s" "$T/err" && [ $((SECONDS - start)) -le 4 ]
ok $? "create: TANG_TIMEOUT=1 bounds a server that never answers"
: >"$CONF"
k create t3 --tang "$URL1" --tang "$URL384" --yes >/dev/null 2>"$T/err"; rc=$?
[ $rc = 7 ] && grep -q "one curve for all servers" "$T/err"
ok $? "create: servers on different curves are refused"
bad=0
for args in "--tang ftp://x" "--tang $URL1 --tang-threshold 2" "--tang $URL1 --tang-thp a --tang-thp b" \
	"--tang-threshold 0 --tang $URL1" "--wrapped-by t1 --tang $URL1" "--tang-thp a+b --tang $URL1"; do
	# shellcheck disable=SC2086
	k create t3 $args >/dev/null 2>"$T/err"; rc=$?
	[ $rc = 1 ] && [ "$(wc -l <"$T/err")" = 1 ] || { tap_diag "$args: rc=$rc $(cat "$T/err")"; bad=1; }
done
ok $bad "create: bad Tang options exit 1 with one line each"

# ---- list
out=$(k list 2>"$T/err")
echo "$out" | grep -q '^t2 .*tang 2/2' && echo "$out" | grep -q "tang server 1: $URL1" &&
	echo "$out" | grep -q "tang server 2: $URL2"
ok $? "list: tang T/N and the server URLs"
k list --json 2>"$T/err" | python3 -c "import json, sys
t = [k['tang'] for k in json.load(sys.stdin) if k['name'] == 't2']
assert t and t[0]['threshold'] == 2
assert [s['url'] for s in t[0]['servers']] == sys.argv[1:3]
assert all(s['crv'] == 'P-256' and s['kid'] and s['thp'] and s['jwk'] for s in t[0]['servers'])" "$URL1" "$URL2"
ok $? "list --json: the tang record (threshold, servers in order with kid, thp, curve and signing key)"

# ---- load
rm -f "$KSEAL_FAKE_KEYRING"
S1=$(point "$T/db1/x.jwk")
echo "{\"alg\":\"ECMR\",\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"$(jose fmt -j "$T/db1/x.jwk" -g x -u-)\",\"y\":\"$(jose fmt -j "$T/db1/x.jwk" -g y -u-)\"}" >"$T/S1.jwk"
jose jwk exc -i '{"alg":"ECMR"}' -l "$T/db1/x.jwk" -r "$T/S1.jwk" -o "$T/Y1"
k load t1 >"$T/out" 2>"$T/err" &&
	py "rec('t1')[0]['tang_answers'] == ' 1:' + sys.argv[2]" "$KSEAL_FAKE_KEYRING" "$(point "$T/Y1")" &&
	py "all(x.get('revoked') for x in json.load(open(sys.argv[1]))['keys'] if x['type'] == 'kseal_tang')" "$KSEAL_FAKE_KEYRING"
ok $? "load: the kernel's request goes to the server, its answer to the kernel as tang=1:<Y>, the session used once"
rm -f "$KSEAL_FAKE_KEYRING"
# The second server down: its URL in the key file points nowhere.
python3 -c "import json, sys
j = json.load(open(sys.argv[1])); j['tang']['servers'][1]['url'] = sys.argv[2]
json.dump(j, open(sys.argv[1], 'w'))" "$T/state/current/t2.json" "$DOWN"
k load t2 >"$T/out" 2>"$T/err"; rc=$?
[ $rc = 7 ] && [ "$(wc -l <"$T/err")" = 2 ] &&
	grep -q "^ksealctl: t2: Tang server $DOWN: unreachable" "$T/err" &&
	grep -q "^ksealctl: load t2: 1 of 2 Tang servers answered, 2 needed ($DOWN: unreachable .*): the key stays unloaded; retry when they are reachable, or load with the recovery passphrase$" "$T/err" &&
	py "not rec('t2')" "$KSEAL_FAKE_KEYRING"
ok $? "load: 1 of 2 answers for threshold 2 is refused (exit 7): one line for the server, the summary line"
# The kernel refuses the answers (a hostile server): the advice says so.
rm -f "$KSEAL_FAKE_KEYRING"
KSEAL_FAKE_REJECT=t1 k load t1 >"$T/out" 2>"$T/err"; rc=$?
[ $rc = 4 ] && [ "$(wc -l <"$T/err")" = 1 ] &&
	grep -q "t1: load failed: Key was rejected by service; the kernel refused its Tang answers or its PCR policy" "$T/err"
ok $? "load: a refused Tang key's advice names the answers and dmesg"
# Threshold 1 of two servers: the one answer is enough.
k create t4 --tang "$URL1" --tang "$URL2" --tang-threshold 1 --tang-thp "$THP1" --tang-thp "$THP2" \
	>/dev/null 2>"$T/err" &&
	py "rec('t4')[0]['tang_threshold'] == '1'" "$KSEAL_FAKE_KEYRING" &&
	python3 -c "import json, sys
j = json.load(open(sys.argv[1])); j['tang']['servers'][1]['url'] = sys.argv[2]
json.dump(j, open(sys.argv[1], 'w'))" "$T/state/current/t4.json" "$DOWN"
rm -f "$KSEAL_FAKE_KEYRING"
k load t4 >"$T/out" 2>"$T/err" && grep -q "t4: Tang server $DOWN: unreachable" "$T/err" &&
	py "rec('t4')[0]['tang_answers'] == ' 1:' + sys.argv[2]" "$KSEAL_FAKE_KEYRING" "$(point "$T/Y1")"
ok $? "load: threshold 1 of 2 (tang_threshold=1 at create): one answer loads it, the other server named"

# ---- boot waits for the servers, at most TANG_WAIT
rm -f "$KSEAL_FAKE_KEYRING"
python3 -c "import json, sys
j = json.load(open(sys.argv[1])); j['tang']['threshold'] = 2
json.dump(j, open(sys.argv[1], 'w'))" "$T/state/current/t2.json"
printf 'TANG_TIMEOUT=1\nTANG_WAIT=3\n' >"$CONF"
start=$SECONDS
k boot >"$T/out" 2>"$T/err"; rc=$?
[ $rc = 2 ] || echo "# boot exit $rc" >>"$T/err"
[ $rc = 2 ] && grep -q "t2: its Tang servers did not answer within TANG_WAIT=3 s" "$T/err" &&
	[ $((SECONDS - start)) -ge 3 ] && [ "$(grep -c "load t2: 1 of 2" "$T/err")" -ge 2 ] &&
	py "rec('t1') and not rec('t2')" "$KSEAL_FAKE_KEYRING"
ok $? "boot: a key whose server is down is retried until TANG_WAIT, the others load, exit 2"
# The server comes up while boot waits.
rm -f "$KSEAL_FAKE_KEYRING"
port=${DOWN##*:}
printf 'TANG_TIMEOUT=1\nTANG_WAIT=20\n' >"$CONF"
(sleep 2; exec socat TCP-LISTEN:"$port",bind=127.0.0.1,reuseaddr,fork \
	EXEC:"/usr/libexec/tangd $T/db2" 2>/dev/null) &
TANG_PIDS="$TANG_PIDS $!"
k boot >"$T/out" 2>"$T/err"; rc=$?
[ $rc = 0 ] && grep -q "loaded t2" "$T/out" && py "rec('t2')" "$KSEAL_FAKE_KEYRING"
st=$?; [ $st = 0 ] || cat "$T/out" >>"$T/err"
ok $st "boot: a server that comes up within TANG_WAIT: the key loads"

# ---- status, rotation and the rebind
: >"$CONF"
out=$(k status 2>"$T/err")
echo "$out" | grep -q "^OK   tang  *t1: Tang server $URL1 reachable"
ok $? "status: a reachable server with the recorded key is OK"
# Rotate db1: new pair, the old ones hidden (still served, not advertised).
jose jwk gen -i '{"alg":"ECMR","crv":"P-256"}' -o "$T/db1/x2.jwk" &&
	jose jwk gen -i '{"alg":"ES256"}' -o "$T/db1/s2.jwk" &&
	mv "$T/db1/x.jwk" "$T/db1/.x.jwk" && mv "$T/db1/s.jwk" "$T/db1/.s.jwk"
out=$(k status 2>"$T/err"); rc=$?
[ $rc = 6 ] && echo "$out" | grep -q "^WARN tang  *t1: Tang server $URL1: rotated" &&
	echo "$out" | grep -q "run ksealctl reseal t1 while the old key is still served"
ok $? "status: a rotated server WARNs (exit 6) with the reseal advice"
k reseal t1 >"$T/out" 2>"$T/err" &&
	py "json.load(open(sys.argv[1]))['tang']['servers'][0]['kid'] == sys.argv[2]" "$T/state/current/t1.json" \
		"$(jose jwk thp -i "$T/db1/x2.jwk")" &&
	py "rec('t1')[0]['tang'] == ' tang=' + sys.argv[2]" "$KSEAL_FAKE_KEYRING" "$(point "$T/db1/x2.jwk")"
ok $? "reseal: verified with the old pin, rebound to the new exchange key, new kid recorded"
out=$(k status 2>"$T/err")
echo "$out" | grep -q "^OK   tang  *t1: Tang server $URL1 reachable"
ok $? "status: OK again after the reseal"
# The old signing key gone too (revoked): the recorded pin no longer verifies.
rm "$T/db1/.s.jwk" "$T/db1/.x.jwk"
g0=$(gen)
k reseal t1 >"$T/out" 2>"$T/err"; rc=$?
[ $rc = 7 ] && [ "$(wc -l <"$T/err")" = 1 ] &&
	grep -q "$URL1 no longer has the pinned signing key $THP1" "$T/err" && [ "$(gen)" = "$g0" ]
ok $? "reseal: a server no longer signing with the pinned key is refused, nothing written"
k reseal t1 --tang "$URL1" --tang-thp "$(jose jwk thp -i "$T/db1/s2.jwk")" >"$T/out" 2>"$T/err" &&
	py "json.load(open(sys.argv[1]))['tang']['servers'][0]['thp'] == sys.argv[2]" "$T/state/current/t1.json" \
		"$(jose jwk thp -i "$T/db1/s2.jwk")"
ok $? "reseal --tang --tang-thp: bound again with the new pin"
k rotate t1 >"$T/out" 2>"$T/err" &&
	py "[x.get('tang') for x in rec('t1')] == [' tang=' + sys.argv[2]]" \
		"$KSEAL_FAKE_KEYRING" "$(point "$T/db1/x2.jwk")" &&
	py "json.load(open(sys.argv[1]))['version'] == 2 and json.load(open(sys.argv[1]))['tang']['servers'][0]['kid'] == sys.argv[2]" \
		"$T/state/current/t1.json" "$(jose jwk thp -i "$T/db1/x2.jwk")"
ok $? "rotate: the new sealed key is bound to the recorded server's current key"

tap_done
