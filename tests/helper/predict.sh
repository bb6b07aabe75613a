# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# ksealctl policy predict, sourced by run-tests.sh: from the reference
# boot's event log of the UEFI test VM (tests/eventlog/README), predict
# the other boots there and compare with the PCRs they really had. The
# kernel images come from the cache, as QEMU patched them before the
# firmware measured them (qemu-kernel.py).

EV=../eventlog
IMG=/var/cache/kseal/image/boot/vmlinuz-6.1.0-57-amd64
IMG612=/var/cache/kseal/k6.12/image/boot/vmlinuz-6.12.118+deb12-amd64
# every PCR but IMA's 10, which no firmware log accounts for
ALL=0-9,11-23
BASE_CMDLINE="console=ttyS0 loglevel=7 panic=-1 rdinit=/init initrd=initrd"
# -append "... kseal.extra=1" after a trailing space, then OVMF's initrd=
EXTRA_CMDLINE="console=ttyS0 loglevel=7 panic=-1 rdinit=/init  kseal.extra=1 initrd=initrd"

# pp ARGS...: predict from the reference boot's log and PCRs.
pp() {
	"$BIN" --conf /dev/null policy predict --eventlog "$EV/ovmf-base.log" \
		--pcr-values "$EV/ovmf-base.pcrs" "$@"
}

# same_as PCRS [LIST]: the JSON on stdin has exactly the PCRs of LIST
# (default $ALL; "default": the module's KSEAL_PCR_DEFAULT_MASK) in
# ascending order, each with its value in the "N hex" file PCRS.
same_as() {
	python3 -c '
import json, re, sys
want = {int(n): h for n, h in (l.split() for l in open(sys.argv[1]) if l.strip())}
sel = sys.argv[2]
if sel == "default":
    m = re.search(r"KSEAL_PCR_DEFAULT_MASK\s+0x([0-9a-fA-F]+)",
                  open("../../include/kseal/limits.h").read())
    mask = int(m.group(1), 16)
    pcrs = [i for i in range(24) if mask >> i & 1]
else:
    pcrs = []
    for part in sel.split(","):
        lo, _, hi = part.partition("-")
        pcrs += range(int(lo), int(hi or lo) + 1)
doc = json.load(sys.stdin)
assert list(doc) == ["sha256"], doc
got = [(e["pcr"], e["hash"]) for e in doc["sha256"]]
assert all(sorted(e) == ["hash", "pcr"] for e in doc["sha256"]), doc
assert [p for p, _ in got] == pcrs, (got, pcrs)
bad = [p for p, h in got if h != want[p]]
assert not bad, "PCRs %s differ" % bad' "$1" "${2:-$ALL}"
}

# one_error RC WANT_RC REGEX: exit WANT_RC, nothing on stdout ($T/out), one
# line on stderr matching REGEX.
one_error() {
	[ "$1" = "$2" ] && [ ! -s "$T/out" ] && [ "$(wc -l <"$T/err")" = 1 ] &&
		grep -Eq -- "$3" "$T/err"
}

out=$("$BIN" policy predict --help 2>"$T/err"); rc=$?
[ $rc = 0 ] && [[ $out == Usage:\ ksealctl\ policy\ predict* ]]
ok $? "policy predict --help exits 0 and prints its usage"
"$BIN" policy >"$T/out" 2>"$T/err"; rc=$?
one_error $rc 1 '^ksealctl: policy'
ok $? "policy without a subcommand: exit 1, one line"
pp --cmdline x >"$T/out" 2>"$T/err"; rc=$?
one_error $rc 1 '^ksealctl: policy predict: --kernel FILE is required'
ok $? "policy predict without --kernel: exit 1, one line"
pp --kernel "$EV/ovmf-base.log" >"$T/out" 2>"$T/err"; rc=$?
one_error $rc 1 'ovmf-base.log is not a PE/COFF \(EFI\) image: no MZ header'
ok $? "policy predict: a kernel that is no PE image is refused (exit 1)"

if [ ! -r "$IMG" ]; then
	tap_skip "policy predict against the VM's boots" "$IMG is not there: run tests/vm/run once to fill the cache"
else
	python3 qemu-kernel.py "$IMG" "$T/k-base" 37403648 &&
		pp --kernel "$T/k-base" --pcrs "$ALL" 2>"$T/err" | same_as "$EV/ovmf-base.pcrs" 2>>"$T/err"
	ok $? "policy predict: the reference boot's kernel gives back its PCRs"
	pp --kernel "$T/k-base" --cmdline "$BASE_CMDLINE" --pcrs "$ALL" 2>"$T/err" |
		same_as "$EV/ovmf-base.pcrs" 2>>"$T/err"
	ok $? "policy predict: its command line too (UTF-16LE with the NUL)"
	pp --kernel "$T/k-base" 2>"$T/err" | same_as "$EV/ovmf-base.pcrs" default 2>>"$T/err"
	ok $? "policy predict: without --pcrs, the PCRs of the module's default mask"
	pp --kernel "$T/k-base" --cmdline "$EXTRA_CMDLINE" --pcrs "$ALL" 2>"$T/err" |
		same_as "$EV/ovmf-cmdline.pcrs" 2>>"$T/err"
	ok $? "policy predict: another command line gives the PCRs of the boot with it"
	! pp --kernel "$T/k-base" --cmdline "${EXTRA_CMDLINE/  / }" --pcrs 9 2>"$T/err" |
		same_as "$EV/ovmf-cmdline.pcrs" 9 2>/dev/null
	ok $? "policy predict: one space less is another PCR 9"
	python3 qemu-kernel.py "$IMG" "$T/k-stamp" 37403648 1024 1 &&
		pp --kernel "$T/k-stamp" --pcrs "$ALL" 2>"$T/err" |
		same_as "$EV/ovmf-kernel.pcrs" 2>>"$T/err"
	ok $? "policy predict: another kernel image gives the PCRs of the boot with it"
	# that boot's initrd is not kept; its size moved PCR 4
	python3 qemu-kernel.py "$IMG" "$T/k-initrd" 37404160 &&
		pp --kernel "$T/k-initrd" --pcrs 0-8 2>"$T/err" |
		same_as "$EV/ovmf-initrd.pcrs" 0-8 2>>"$T/err"
	ok $? "policy predict: PCRs 0-8 of the boot with a longer initrd"
	if [ -r "$IMG612" ]; then
		python3 qemu-kernel.py "$IMG612" "$T/k-612" 37404672 &&
			pp --kernel "$T/k-612" --pcrs 0-8 2>"$T/err" |
			same_as "$EV/ovmf-k612.pcrs" 0-8 2>>"$T/err"
		ok $? "policy predict: PCRs 0-8 of the boot with the 6.12 kernel"
	else
		tap_skip "policy predict: the 6.12 kernel" "$IMG612 is not there"
	fi

	# refusals
	sed 's/^7 ./7 0/' "$EV/ovmf-base.pcrs" >"$T/pcrs7"
	pp --kernel "$T/k-base" --pcr-values "$T/pcrs7" >"$T/out" 2>"$T/err"; rc=$?
	one_error $rc 7 '^ksealctl: policy predict: PCR 7: the event log replays to 65caf8dd[0-9a-f]{56} but .*/pcrs7 holds 0'
	ok $? "policy predict: a PCR the log does not replay to is named (exit 7)"
	pp --kernel "$T/k-base" --pcrs 0-23 >"$T/out" 2>"$T/err"; rc=$?
	one_error $rc 7 '^ksealctl: policy predict: PCR 10: .*leave PCR 10 out of --pcrs$'
	ok $? "policy predict: IMA's PCR 10 cannot be predicted (exit 7)"
	# the same log with the initrd event's tag id one bit off
	python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.index(bytes.fromhex("ec223b8f0d000000") + b"Linux initrd\0")
d[i] ^= 1
open(sys.argv[2], "wb").write(d)' "$EV/ovmf-base.log" "$T/noinitrd.log"
	"$BIN" policy predict --eventlog "$T/noinitrd.log" --pcr-values "$EV/ovmf-base.pcrs" \
		--kernel "$T/k-base" --initrd /dev/null --pcrs "$ALL" >"$T/out" 2>"$T/err"; rc=$?
	one_error $rc 7 "^ksealctl: policy predict: the event log has no 'Linux initrd' event \(EV_EVENT_TAG 0x8F3B22EC in PCR 9\) to replace for --initrd"
	ok $? "policy predict: --initrd without the stub's initrd event in the log is refused (exit 7)"
	"$BIN" policy predict --eventlog "$T/noinitrd.log" --pcr-values "$EV/ovmf-base.pcrs" \
		--kernel "$T/k-base" --pcrs 0-8 2>"$T/err" | same_as "$EV/ovmf-base.pcrs" 0-8 2>>"$T/err"
	ok $? "policy predict: ... and without --initrd that log is used"
	# the kernel's event as another type: same digest, same replay
	python3 -c '
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.index(struct.pack("<II", 4, 0x80000003))
d[i + 4] = 4
open(sys.argv[2], "wb").write(d)' "$EV/ovmf-base.log" "$T/nokernel.log"
	"$BIN" policy predict --eventlog "$T/nokernel.log" --pcr-values "$EV/ovmf-base.pcrs" \
		--kernel "$T/k-base" --pcrs "$ALL" >"$T/out" 2>"$T/err"; rc=$?
	one_error $rc 7 '^ksealctl: policy predict: the event log has no EV_EFI_BOOT_SERVICES_APPLICATION event in PCR 4 to replace for --kernel'
	ok $? "policy predict: a log without the kernel's event is refused (exit 7)"
	head -c 3000 "$EV/ovmf-base.log" >"$T/cut.log"
	"$BIN" policy predict --eventlog "$T/cut.log" --pcr-values "$EV/ovmf-base.pcrs" \
		--kernel "$T/k-base" >"$T/out" 2>"$T/err"; rc=$?
	one_error $rc 7 '^ksealctl: policy predict: .*/cut.log: event log: record [0-9]+ at offset [0-9]+: .* runs past the end of the log'
	ok $? "policy predict: a cut event log is refused (exit 7)"
	pp --kernel "$T/k-base" --cmdline "$(printf 'a\xffb')" >"$T/out" 2>"$T/err"; rc=$?
	one_error $rc 1 '--cmdline must be UTF-8'
	ok $? "policy predict: a command line that is not UTF-8 is refused (exit 1)"
	sed '3s/ .*/ 12/' "$EV/ovmf-base.pcrs" >"$T/pcrs-bad"
	pp --kernel "$T/k-base" --pcr-values "$T/pcrs-bad" >"$T/out" 2>"$T/err"; rc=$?
	one_error $rc 1 'pcrs-bad line 3: expected'
	ok $? "policy predict: a bad --pcr-values line is refused (exit 1)"

	# The same against a TPM whose PCRs the log's events extended.
	if ! command -v tpm2_pcrextend >/dev/null; then
		tap_skip "policy predict against a TPM" "tpm2_pcrextend (tpm2-tools) is not installed"
	elif ! start_swtpm "$T/tpm-predict"; then
		tap_not_ok "policy predict against a TPM" "swtpm did not start"
	else
		tcti="swtpm:host=127.0.0.1,port=$P"
		python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
off = 32 + struct.unpack_from("<I", d, 28)[0]
n = struct.unpack_from("<I", d, 56)[0]
size = dict(struct.unpack_from("<HH", d, 60 + 4 * i) for i in range(n))
while off < len(d):
    pcr, kind, count = struct.unpack_from("<III", d, off)
    off += 12
    for _ in range(count):
        alg = struct.unpack_from("<H", d, off)[0]
        if alg == 0x000b and kind != 3:
            print("%d:sha256=%s" % (pcr, d[off + 2:off + 34].hex()))
        off += 2 + size[alg]
    off += 4 + struct.unpack_from("<I", d, off)[0]' "$EV/ovmf-base.log" >"$T/extends"
		while read -r e; do
			tpm2_pcrextend -T "$tcti" "$e" || break
		done <"$T/extends" 2>"$T/err"
		"$BIN" --conf /dev/null --tcti "$tcti" policy predict --eventlog "$EV/ovmf-base.log" \
			--kernel "$T/k-base" --cmdline "$EXTRA_CMDLINE" --pcrs "$ALL" 2>>"$T/err" |
			same_as "$EV/ovmf-cmdline.pcrs" 2>>"$T/err"
		ok $? "policy predict: checked against the TPM's PCRs (read in several commands)"
		tpm2_pcrextend -T "$tcti" "4:sha256=$(printf '%064d' 0)" 2>"$T/err"
		"$BIN" --conf /dev/null --tcti "$tcti" policy predict --eventlog "$EV/ovmf-base.log" \
			--kernel "$T/k-base" --pcrs 4,7 >"$T/out" 2>"$T/err"; rc=$?
		one_error $rc 7 '^ksealctl: policy predict: PCR 4: the event log replays to [0-9a-f]{64} but the TPM holds'
		ok $? "policy predict: a TPM PCR the log does not explain is named (exit 7)"
	fi
fi
