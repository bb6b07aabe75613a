# SPDX-License-Identifier: GPL-2.0-only
# A bus interposer learns nothing: the vTPM proxy records every command and
# response between the kernel and the TPM (what a device on the TPM's bus
# sees) while the module creates, loads, reseals and recovers sealed keys
# and wraps a data key, all with a known recovery passphrase. The
# transcript must hold neither the passphrase, nor its sha256 (the
# authValue), nor the sealed secrets. A sealed secret never leaves the
# kernel, so it is found by known answer: kseal_offline search tries every
# 32-byte window of every message as the secret whose wrapping key id a
# data blob names. Then an impostor answers for the TPM: another real
# key's public area for the parent's ReadPublic, damaged Unseal and
# StartAuthSession answers; each is refused with nothing left behind.
# Last, the module with bus_encryption=0 (plain sessions, as before it was
# added) must put the secret and the passphrase hash on the bus, found by
# the same search: the detector is proved on every run.
#
# The module's side of the contract: salted, parameter-encrypted sessions
# unless bus_encryption=0; a create that pins the parent's Name
# (parent_name=<68 hex digits>) refuses another key with EKEYREJECTED and
# "not the provisioned parent" in the kernel log; a load refuses it with
# ENOKEY and "not the parent this blob was sealed under"; a damaged Unseal
# response fails with EIO and a kernel log line about the "response HMAC";
# a damaged nonceTPM fails the load (EIO or EKEYREJECTED). The secrets are
# searched for after all of it, so the refused loads must not leak either.
vm_boot --no-tpm "bus interposer" <<'GUEST'
T=/run/tpm-proxy.transcript
PASS=Interposer-Recovery-Passphrase-7
check "proxy TPM up, recording a transcript" proxy_tpm_start $T
check "parent key made through the proxy" proxy_tools tpm_make_parent
check "the module loads (bus encryption on by default)" kseal_insmod

hex() { od -An -tx1 -v | tr -d ' \n'; }
PASS_HEX=$(printf %s "$PASS" | hex)
HASH=$(printf %s "$PASS" | sha256sum | cut -c1-64)
# The TPM drops an authValue's trailing zero bytes, and so does the module.
HASH_TRIMMED=$(echo "$HASH" | sed 's/\(00\)*$//')
echo "# passphrase $PASS_HEX, sha256 $HASH, as authValue $HASH_TRIMMED"

n_keys() { grep -c ' kseal ' /proc/keys; }

# n_cmds FILE CC: how many commands with code CC (e.g. 0x15e) FILE holds.
n_cmds() {
	awk -v cc="$(printf %08x "$2")" '$1 == ">" && substr($2, 13, 8) == cc { n++ }
		END { print n + 0 }' "$1"
}

# n_replies: how many answers the proxy's impostor sent so far.
n_replies() { grep -c '^readpublic .*fault=reply' /run/tpm-proxy.log; }

# No transient object or session may stay in the TPM (the raw device, so
# that the kernel's resource manager hides nothing).
handles_clean() {
	t=$(proxy_tools env TPM2TOOLS_TCTI=device:/dev/tpm0 tpm2 getcap handles-transient) &&
	s=$(proxy_tools env TPM2TOOLS_TCTI=device:/dev/tpm0 tpm2 getcap handles-loaded-session) &&
	[ -z "$t$s" ] || { echo "transient: $t sessions: $s"; return 1; }
}

# clean_after N: no handle left in the TPM and still N kseal keys.
clean_after() {
	handles_clean && [ "$(n_keys)" = "$1" ] || { echo "kseal keys: $(n_keys), before: $1"; return 1; }
}

# log_mark, then log_has TEXT: the kernel logged TEXT since the mark.
log_mark() { dmesg | wc -l > /tmp/log.mark; }
log_has() {
	dmesg | tail -n +$(($(cat /tmp/log.mark) + 1)) > /tmp/log.new
	grep -qi "$1" /tmp/log.new || { echo "not in the kernel log: $1"; cat /tmp/log.new; return 1; }
}

# ops TAG: everything the module does with a sealed key's secret or the
# passphrase on the bus, through the proxy: create with and without a
# recovery branch, load by PCRs, reseal, load by passphrase, and a data
# key wrapped under each sealed key (its blob names the sealed secret by
# its wrapping key id, for the search). Keys are named TAG-...
ops() {
	check "$1: create a PCR-bound key" sh -c \
		"keyctl add kseal $1-pcr 'new 32 pcrs=7' @u > /tmp/$1-pcr.id"
	check "$1: create a key with a recovery passphrase" sh -c \
		"keyctl add kseal $1-rec 'new 32 pcrs=7 recovery=$PASS' @u > /tmp/$1-rec.id"
	for k in pcr rec; do
		check "$1: read the $k blob" sh -c \
			"keyctl pipe \$(cat /tmp/$1-$k.id) > /tmp/$1-$k.blob && test -s /tmp/$1-$k.blob"
		check "$1: load the $k blob back by its PCRs" \
			keyctl add kseal "$1-$k-loaded" "load $(cat /tmp/$1-$k.blob)" @u
		check "$1: a data key wrapped under the $k key" sh -c \
			"keyctl add kseal $1-$k-data 'new 32 wrap=$1-$k' @u > /tmp/$1-$k-data.id &&
			 keyctl pipe \$(cat /tmp/$1-$k-data.id) > /tmp/$1-$k-data.blob"
	done
	check "$1: load the recovery blob by its passphrase" \
		keyctl add kseal "$1-rec-pass" "load $(cat /tmp/$1-rec.blob) recovery=$PASS" @u
	check "$1: reseal the PCR-bound key" keyctl update "$(cat /tmp/$1-pcr.id)" "update reseal"
	check "$1: reseal the recovery key, with its passphrase" \
		keyctl update "$(cat /tmp/$1-rec.id)" "update reseal recovery=$PASS"
	check "$1: the resealed recovery blob loads by its passphrase" sh -c \
		"keyctl pipe \$(cat /tmp/$1-rec.id) > /tmp/$1-rec2.blob &&
		 keyctl add kseal $1-rec2-pass \"load \$(cat /tmp/$1-rec2.blob) recovery=$PASS\" @u"
}

# secret_on_bus TRANSCRIPT TAG: the secret of the sealed key TAG (found by
# its data key's wrapping key id) is in a message; bytes_on_bus TRANSCRIPT
# HEX [WINDOW]: the bytes, or any WINDOW of them, are. Like grep: the hits
# and status 0 if found, one line saying what was searched and 1 if not.
secret_on_bus() { /tests/kseal_offline search "$1" "/tmp/$2-data.blob"; }
bytes_on_bus() { /tests/kseal_offline find "$@"; }

# absent DESCRIPTION SEARCH...: one TAP line, ok if the search ran and
# found nothing; a hit fails with the messages where it was found.
absent() {
	_desc=$1
	shift
	"$@" > /tmp/absent.out 2>&1
	case $? in
	1) tap_ok "$_desc" ;;
	0) tap_not_ok "$_desc" "on the bus"; tap_detail /tmp/absent.out ;;
	*) tap_not_ok "$_desc" "the search failed"; tap_detail /tmp/absent.out ;;
	esac
}

log_mark
ops enc

# The impostor: ReadPublic of the parent answered with the SRK's own
# recorded answer, a real and consistent public area whose Name is the
# SRK's. The module must compare the Name with the one it was given.
# srk_answer: the SRK's ReadPublic answer as the proxy recorded it, a
# response without sessions (tag 0x8001) as the module's ReadPublic gets.
srk_answer() {
	proxy_tools tpm2 readpublic -c 0x81000001 > /dev/null &&
	proxy_response $T 0x173 /tmp/srk.rsp &&
	[ "$(od -An -tx1 -N2 /tmp/srk.rsp | tr -d ' ')" = 8001 ]
}
check "the SRK's ReadPublic answer recorded" srk_answer
PARENT_NAME=$(proxy_tools tpm_name 0x81000100)
check "the parent's Name read (68 hex digits)" test ${#PARENT_NAME} = 68
check "the SRK's answer is not the parent's" sh -c \
	"! od -An -tx1 -v /tmp/srk.rsp | tr -d ' \n' | grep -q $PARENT_NAME"

before=$(n_keys) sent=$(n_replies)
log_mark
proxy_fault "readpublic reply /tmp/srk.rsp"
check_fails "$E_REJECTED" "impostor parent: a create pinned to the parent's Name is refused" \
	keyctl add kseal imp-create "new 32 pcrs=7 parent_name=$PARENT_NAME" @u
proxy_fault ""
check "  the impostor's answer was sent" test "$(n_replies)" = $((sent + 1))
check "  the kernel log says why" log_has "not the provisioned parent"
check "  no key added, no handle left" clean_after "$before"
# The refusal was the Name's, not the option's: the true parent passes.
check "a create pinned to the parent's Name succeeds with the true parent" \
	keyctl add kseal pinned "new 32 pcrs=7 parent_name=$PARENT_NAME" @u

# The module keeps the parent's Name of its last ReadPublic: loaded
# afresh, its first load reads it.
check "the module reloads" sh -c 'rmmod kseal && insmod /lib/kseal.ko'
before=$(n_keys) sent=$(n_replies)
log_mark
proxy_fault "readpublic reply /tmp/srk.rsp"
check_fails "$E_NOKEY" "impostor parent: a load is refused" \
	keyctl add kseal imp-load "load $(cat /tmp/enc-pcr.blob)" @u
proxy_fault ""
check "  the impostor's answer was sent" test "$(n_replies)" = $((sent + 1))
check "  the kernel log says why" log_has "not the parent this blob was sealed under"
check "  no key added, no handle left" clean_after "$before"
check "the true parent still loads the blob" \
	keyctl add kseal enc-pcr-again "load $(cat /tmp/enc-pcr.blob)" @u

# Unseal's response with sessions: header (10), parameterSize (4), outData
# (2 + secret), then nonceTPM (2 + 32), sessionAttributes (1), hmac (2 +
# 32). Byte 16 is the first byte of the encrypted secret, the last byte
# the HMAC's.
for spec in "16 the encrypted secret" "-1 the response HMAC"; do
	before=$(n_keys)
	log_mark
	proxy_fault "unseal flip ${spec%% *}"
	check_fails "Input/output error" "a byte of ${spec#* } flipped in Unseal's answer: EIO" \
		keyctl add kseal flipped "load $(cat /tmp/enc-pcr.blob)" @u
	proxy_fault ""
	check "  the kernel log says the response HMAC did not verify" log_has "response HMAC"
	check "  no key added, no handle left" clean_after "$before"
done

# A wrong nonceTPM makes the module's session key another than the TPM's:
# whichever side notices, the load fails. (Last of the damaged loads: the
# TPM may count it as a failed authorization.)
before=$(n_keys)
proxy_fault "startauthsession flip -1"
check_fails "Input/output error\|$E_REJECTED" "nonceTPM flipped in StartAuthSession's answer: refused" \
	keyctl add kseal flipped "load $(cat /tmp/enc-pcr.blob)" @u
proxy_fault ""
check "  no key added, no handle left" clean_after "$before"

# The searches, over everything the bus carried so far: the operations,
# the impostor's answers and the refused loads.
cp $T /tmp/enc.transcript
# (The operations' 2 creates and 2 reseals are 4 Create commands, their 4
# loads 4 Unseal commands at least.)
check "the transcript holds the operations' Create and Unseal commands" sh -c \
	"[ $(n_cmds /tmp/enc.transcript 0x153) -ge 4 ] && [ $(n_cmds /tmp/enc.transcript 0x15e) -ge 4 ]"
absent "the PCR-bound key's sealed secret never crossed the bus (Create carries it to the TPM, Unseal back)" \
	secret_on_bus /tmp/enc.transcript enc-pcr
absent "the recovery key's sealed secret never crossed the bus (nor in the refused loads' answers)" \
	secret_on_bus /tmp/enc.transcript enc-rec
absent "the passphrase's sha256, the authValue, never crossed the bus (Create's userAuth, PolicyPassword's hmac)" \
	bytes_on_bus /tmp/enc.transcript "$HASH_TRIMMED"
absent "no 16 bytes of the passphrase's sha256 crossed the bus (any part of it, trimmed or not)" \
	bytes_on_bus /tmp/enc.transcript "$HASH" 16
absent "no 16 bytes of the passphrase itself crossed the bus" \
	bytes_on_bus /tmp/enc.transcript "$PASS_HEX" 16

# Positive controls: the searches look at the right bytes. The sealed
# object's public area is no secret and crosses the bus in clear (Create's
# answer, Load's command); root's own tpm2-tools unseal, which encrypts
# nothing, puts the secret on the bus, where the search must find it.
public_on_bus() {
	blob_to_tpm2 /tmp/enc-pcr.blob /tmp/pub /tmp/priv &&
	bytes_on_bus /tmp/enc.transcript "$(hex < /tmp/pub)"
}
check "control: the sealed object's public area is in the transcript" public_on_bus
mark=$(wc -l < $T)
check "control: tpm2-tools' plain unseal through the proxy" proxy_tools tpm2_unseal_blob /tmp/enc-pcr.blob 7
tail -n +$((mark + 1)) $T > /tmp/tools.transcript
check "control: the search finds the secret that plain unseal put on the bus" \
	secret_on_bus /tmp/tools.transcript enc-pcr

# The detector on every run: with bus_encryption=0 the module's sessions
# are plain, as before the parameter existed, and the secret and the
# passphrase hash must be found on the bus by the same searches. (insmod
# accepts an unknown parameter, with a line in the kernel log: a module
# without it runs this block with its plain sessions, and the first check
# fails.)
rmmod kseal
log_mark
if kseal_insmod bus_encryption=0 > /tmp/insmod.out 2>&1; then
	check "bus_encryption=0: the module knows the parameter" sh -c \
		"! dmesg | tail -n +$(($(cat /tmp/log.mark) + 1)) | grep -i 'unknown parameter'"
	: > $T
	ops plain
	cp $T /tmp/plain.transcript
	check "bus_encryption=0: the PCR-bound key's secret is found on the bus" \
		secret_on_bus /tmp/plain.transcript plain-pcr
	check "bus_encryption=0: the recovery key's secret is found on the bus" \
		secret_on_bus /tmp/plain.transcript plain-rec
	check "bus_encryption=0: the passphrase's sha256 is found on the bus" \
		bytes_on_bus /tmp/plain.transcript "$HASH_TRIMMED"
	check "bus_encryption=0: a 16-byte run of it is found too" \
		bytes_on_bus /tmp/plain.transcript "$HASH" 16
else
	tap_not_ok "bus_encryption=0: the module loads" "$(cat /tmp/insmod.out)"
fi
GUEST
