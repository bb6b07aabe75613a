# SPDX-License-Identifier: GPL-2.0-only
# Tang-bound sealed keys, kernel side only (no Tang server): tang= at new,
# the kseal_tang session, and loads with answers. The servers' exchange
# key here is the generator G itself (s = 1), so a server's answer Y =
# s * X is X: the guest answers each request by echoing it, and a full
# recovery (shares, pads, key id) runs without a server. Answers that are
# not on the curve, wrong, missing or replayed must be refused.
vm_boot tangkernel <<'GUEST'
check "setup: parent key" tpm_make_parent
check "the module loads" kseal_insmod
keyctl new_session >/dev/null
# The generators of P-256 and P-384, x || y.
G256=6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5
G384=aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab73617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f
# G with its last y digit changed: not on the curve.
OFF256=${G256%5}4
# -G = (x, p - y) of P-256: the key of a server with s = n - 1, which
# answers Y = -X. With it the key K = c * S differs from C = c * G, so
# using one for the other cannot go unnoticed.
P256=ffffffff00000001000000000000000000000000ffffffffffffffffffffffff
NEG256=6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296b01cbd1c01e58065711814b583f061e9d431cca994cea1313449bf97c840ae0a
# neg X: -X of a P-256 point x || y, p - y digit by digit.
neg() {
	_y=${1#????????????????????????????????????????????????????????????????}
	_r= _b=0 _i=64
	while [ $_i -gt 0 ]; do
		_i=$((_i - 1))
		_d=$((0x${P256:$_i:1} - 0x${_y:$_i:1} - _b))
		_b=0
		[ $_d -lt 0 ] && _d=$((_d + 16)) && _b=1
		_r=$(printf %x $_d)$_r
	done
	echo "${1%"$_y"}$_r"
}
_n=0
# new NAME OPTIONS: a sealed key, its blob in /tmp/NAME.blob.
new() {
	keyctl add kseal "$1" "new 32 pcrs=7${2:+ $2}" @s > "/tmp/$1.id" &&
	keyctl pipe "$(cat "/tmp/$1.id")" > "/tmp/$1.blob"
}
# begin NAME BLOBNAME: a kseal_tang session; its request lines in
# /tmp/NAME.req.
begin() {
	keyctl add kseal_tang "$1" "begin $(cat "/tmp/$2.blob")" @s > "/tmp/$1.id" &&
	keyctl pipe "$(cat "/tmp/$1.id")" > "/tmp/$1.req"
}
# echoed SESSION [I...]: "tang=i:X_i" for the given servers (all without
# any), which is what a server with s = 1 answers.
echoed() {
	_s=$1
	shift
	while read -r i x; do
		if [ $# = 0 ] || echo " $* " | grep -q " $i "; then
			printf ' tang=%s:%s' "$i" "$x"
		fi
	done < "/tmp/$_s.req"
}
# load BLOBNAME OPTIONS: a new key from that blob; its description l<n>.
load() {
	_n=$((_n + 1))
	keyctl add kseal "l$_n" "load $(cat "/tmp/$1.blob")${2:+ $2}" @s
}
# load_refused ERRNO_TEXT LOG_TEXT DESC BLOBNAME OPTIONS: refused, saying
# LOG_TEXT in the kernel log, and no key of that description is left.
load_refused() {
	dmesg -c >/dev/null
	check_fails "$1" "$3" load "$4" "$5"
	dmesg > /tmp/dmesg.txt
	check "$3: the log says why" grep -qF "$2" /tmp/dmesg.txt
	check "$3: no key" sh -c "! grep -q ' l$_n: ' /proc/keys"
}

check "new with tang=<P-256 point>" new t1 "tang=$G256"
check "  /proc/keys shows tang=1/1" grep -q " t1: sealed pcrs=7 .* tang=1/1\$" /proc/keys
check_fails "Invalid argument" "new with a tang= point off the curve: EINVAL" \
	new t0 "tang=$OFF256"
check_fails "Invalid argument" "new with P-256 and P-384 points mixed: EINVAL" \
	new t0 "tang=$G256 tang=$G384"
check_fails "Invalid argument" "tang_threshold above N: EINVAL" \
	new t0 "tang=$G256 tang_threshold=2"

check "a kseal_tang session on the blob" begin s1 t1
check "  reads one line \"1 <128 hex digits>\"" sh -c \
	'[ "$(wc -l < /tmp/s1.req)" = 1 ] && grep -qE "^1 [0-9a-f]{128}\$" /tmp/s1.req'
check "  the request is not C_1 (it is blinded)" sh -c \
	'X=$(cut -c 3-66 /tmp/s1.req) && [ ${#X} = 64 ] && ! grep -q "$X" /tmp/t1.blob'
check_fails "Operation not supported" "  a session cannot be updated" \
	keyctl update "$(cat /tmp/s1.id)" "begin 00"
check "a key without Tang" new p0 ""
check_fails "Invalid argument" "a session on a blob without Tang: EINVAL" \
	begin s0 p0

# Refused before the TPM: no command goes out, the refusal is counted.
DBG=/sys/kernel/debug/kseal
C0=$(cat $DBG/tpm_commands) R0=$(cat $DBG/tang_refusals)
load_refused "Key was rejected" "Tang answer 1 is not a point on the curve" \
	"a load with an answer off the curve: EKEYREJECTED" t1 \
	"tang_session=s1 tang=1:$OFF256"
check "  no TPM command was sent" [ "$(cat $DBG/tpm_commands)" = "$C0" ]
check "  debugfs tang_refusals counts it" [ "$(cat $DBG/tang_refusals)" = $((R0 + 1)) ]
check "  and the total" grep -qF "this key needs 1 of 1 Tang answers, 0 recovered their share: refused" /tmp/dmesg.txt
load_refused "Key has been revoked" "tang_session=s1 was used by a load already" \
	"a second load with the same session (right answer): refused" t1 \
	"tang_session=s1$(echoed s1)"
load_refused "Key was rejected" "this key needs 1 of 1 Tang answers" \
	"a load without a session: EKEYREJECTED" t1 ""

check "a fresh session" begin s2 t1
check "  the right answer loads the key" load t1 "tang_session=s2$(echoed s2)"
check "  as a Tang key" grep -q " l$_n: sealed .* tang=1/1\$" /proc/keys
check "  a data key made under t1 loads under the recovered key" sh -c \
	'D=$(keyctl add kseal d1 "new 32 wrap=t1" @s) && keyctl pipe $D > /tmp/d1.blob &&
	 echo hello > /tmp/p && keyctl pkey_encrypt $D 0 /tmp/p > /tmp/c &&
	 keyctl revoke $D && keyctl revoke $(cat /tmp/t1.id) &&
	 D2=$(keyctl add kseal d2 "load $(cat /tmp/d1.blob)" @s) &&
	 [ "$(keyctl pkey_decrypt $D2 0 /tmp/c)" = hello ]'

check "a server key other than G (-G)" new t5 "tang=$NEG256"
check "  neg computes -G from G" [ "$(neg $G256)" = "$NEG256" ]
begin s9 t5
X9=$(sed -n 's/^1 //p' /tmp/s9.req)
check "  its answer -X loads the key" load t5 "tang_session=s9 tang=1:$(neg "$X9")"
begin s10 t5
load_refused "Key was rejected" "Tang answer 1 does not recover its share" \
	"  X, the answer of a server with key G, does not" t5 "tang_session=s10$(echoed s10)"

check "2 of 3 servers, P-384" new t3 "tang=$G384 tang=$G384 tang=$G384 tang_threshold=2"
check "  /proc/keys shows tang=2/3" grep -q " t3: .* tang=2/3\$" /proc/keys
check "  a session" begin s3 t3
check "  has three lines of 192 hex digits" sh -c \
	'[ "$(wc -l < /tmp/s3.req)" = 3 ] && [ "$(grep -cE "^[123] [0-9a-f]{192}\$" /tmp/s3.req)" = 3 ]'
check "  answers of servers 1 and 3 load it" load t3 "tang_session=s3$(echoed s3 1 3)"
begin s4 t3
load_refused "Key was rejected" "this key needs 2 of 3 Tang answers, 1 recovered their share: refused" \
	"  one answer is not enough" t3 "tang_session=s4$(echoed s4 2)"
begin s5 t3
# Server 2's answer where server 1's belongs: a point, but the wrong one.
X2=$(sed -n 's/^2 //p' /tmp/s5.req)
load_refused "Key was rejected" "Tang answer 1 does not recover its share (wrong key or hostile server)" \
	"  a wrong answer is named and refused" t3 "tang_session=s5 tang=1:$X2$(echoed s5 2)"
begin s6 t1
load_refused "Invalid argument" "tang_session= belongs to another blob" \
	"  a session of another blob: EINVAL" t3 "tang_session=s6$(echoed s6)"
load_refused "Invalid argument" "given for a blob not bound to Tang servers" \
	"tang_session= for a blob without Tang: EINVAL" p0 "tang_session=s6"

check "recovery: new with tang= and recovery=" new t4 "tang=$G256 recovery=pw"
check "  loads with recovery= and no server" load t4 "recovery=pw"
load_refused "Key was rejected" "wrong recovery passphrase" \
	"  not with a wrong passphrase" t4 "recovery=px"

check "reseal keeps the servers" sh -c \
	'keyctl update $(cat /tmp/t3.id) "update reseal" && keyctl pipe $(cat /tmp/t3.id) > /tmp/t3r.blob &&
	 ! cmp -s /tmp/t3.blob /tmp/t3r.blob && grep -q " t3: .* tang=2/3\$" /proc/keys'
begin s7 t3r
check "  and the new blob loads" load t3r "tang_session=s7$(echoed s7 1 2)"
check "reseal rebinds a key without Tang" sh -c \
	"keyctl update \$(cat /tmp/p0.id) 'update reseal tang=$G256 tang=$G256 tang_threshold=1' &&
	 grep -q ' p0: .* tang=1/2\$' /proc/keys && keyctl pipe \$(cat /tmp/p0.id) > /tmp/p0r.blob"
begin s8 p0r
check "  and the new blob loads with one answer" load p0r "tang_session=s8$(echoed s8 2)"
check "keys without Tang still load" load p0 ""
check "the module unloads" sh -c 'keyctl clear @s && sleep 1 && rmmod kseal'
GUEST
