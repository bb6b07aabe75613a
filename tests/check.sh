#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Everything `make check` runs, in order: the VM harness's self-test
# (tests/vm/selftest), the module build with W=1 and sparse, checkpatch on
# the module sources; then, while the suites of
# tests/debug-kernel/suites run on the debug kernel in the background
# (built once, about 8 minutes, then cached; KSEAL_SKIP_DEBUG=1 leaves them
# out of a quick local run): a DKMS build in private trees, the Debian
# packages built, installed and linted in a Debian 13 root, the Debian
# packages (built, linted, unpacked and tried), module signing, the
# initramfs hook, host unit tests, helper tests, short fuzzing runs and
# every VM suite on Debian's kernel, shared with the debug suites' runner
# once it is free. Each part's TAP is printed as it comes (the background
# runner's at the end) and counted; the last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

cache=${KSEAL_CACHE:-/var/cache/kseal}
pass=0 fail=0 skip=0 book=0 failed=()
# shellcheck source=tests/lib/tap.sh
. tests/lib/tap.sh
# Its own cases (lint) go among the parts' numbered lines: no numbers.
TAP_NUMBERS=0

# tally LABEL LOGFILE RC: count a part's TAP lines; a part that failed
# without printing a failing case still counts as one failure.
tally() {
	local label=$1 log=$2 rc=$3 p f s
	p=$(grep -cE '^ok ' "$log" | head -n1)
	s=$(grep -ciE '^ok .*# skip' "$log" | head -n1)
	f=$(grep -cE '^not ok ' "$log" | head -n1)
	p=$((p - s))
	# Harness bookkeeping, not assertions about kseal: a boot's clean
	# kernel log, a power cut that landed, the harness's own self-test.
	if [ "$label" = vm-selftest ]; then
		book=$((book + p))
	else
		book=$((book + $(grep -cE '^ok .*: (guest kernel log clean|QEMU killed [0-9]+ ms after KSEAL-ARMED)$' "$log" | head -n1)))
	fi
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1
		failed+=("$label: exited $rc")
	fi
	while IFS= read -r l; do failed+=("$label: ${l#not ok }"); done < <(grep -E '^not ok ' "$log")
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

# part LABEL COMMAND...: run one part with its output shown and counted.
part() {
	local label=$1 log start=$SECONDS
	shift
	log=$(mktemp)
	tap_diag "==== $label"
	"$@" 2>&1 | tee "$log"
	tally "$label" "$log" "${PIPESTATUS[0]}"
	rm -f "$log"
	tap_diag "$label took $((SECONDS - start)) s"
}

# case LABEL COMMAND...: one TAP line for a command that must succeed
# silently (its output is shown only when it fails).
case_silent() {
	local label=$1 out
	shift
	if out=$("$@" 2>&1) && [ -z "$out" ]; then
		tap_ok "$label"
	else
		tap_not_ok "$label"
		printf '%s\n' "$out" | tap_detail
	fi
}

# build_warnings KDIR DIR: the module in DIR built against KDIR.
build_warnings() {
	local kdir=$1 dir=$2 out rc=0
	# C=1 without sparse skips the check without a word.
	if ! command -v sparse >/dev/null; then
		echo "sparse is not installed: C=1 would check nothing"
		return 1
	fi
	# A clean rebuild, so that every file is compiled and checked.
	make -s -C "$kdir" M="$dir" clean >/dev/null || return 1
	out=$(make -s -C "$kdir" M="$dir" W=1 C=1 modules 2>&1) || rc=$?
	out=$(printf '%s\n' "$out" |
		grep -vE 'Skipping BTF generation|^make\[[0-9]+\]: (Entering|Leaving)')
	if [ "$rc" != 0 ]; then
		printf '%s\n' "$out"
		echo "make exited $rc"
		return 1
	fi
	# -i: modpost reports WARNING: and ERROR:.
	printf '%s\n' "$out" | grep -iE 'warning|error'
	return 0
}

# The sources in a scratch tree, for a build that must not touch kmod/.
module_copy() {
	rm -rf "$1" && mkdir -p "$1/kmod" &&
	cp -r Kbuild include "$1/" && cp kmod/Kbuild kmod/*.[ch] "$1/kmod/" &&
	rm -f "$1"/kmod/*.mod.c
}

build_warnings_6_12() {
	local k abi dir
	k=$(scripts/kernel-6.12.sh) || return 1
	abi=$(cat "$k/abi")
	dir=$(mktemp -d)
	module_copy "$dir" &&
	build_warnings "$k/headers/usr/src/linux-headers-$abi" "$dir"
	local rc=$?
	rm -rf "$dir"
	return $rc
}

lint() {
	local f
	case_silent "module builds with W=1 C=1 (sparse) without warnings" \
		build_warnings "$KDIR_RESOLVED" "$PWD"
	case_silent "module builds against Debian's Linux 6.12 with W=1 C=1 without warnings" \
		build_warnings_6_12
	for f in kmod/*.[ch]; do
		case $f in *.mod.c) continue ;; esac
		case_silent "checkpatch --strict $f" perl "$cache/checkpatch/checkpatch.pl" \
			--no-tree --strict --quiet --no-summary -f "$f"
	done
}

# First, so that a harness unable to fail is found before its results count.
part "vm-selftest" tests/vm/selftest
KDIR_RESOLVED=$(make -s --no-print-directory print-kdir)
part "lint" lint

# The release suites wait in one queue, longest first by the times of the
# last run (new suites first of all), so that two runners finish together.
vm_queue=$(mktemp)
if [ -n "${SUITES:-}" ]; then
	printf '%s\n' $SUITES >"$vm_queue"
else
	for f in tests/vm/suites/*.sh; do
		n=$(basename "$f" .sh)
		echo "$(cat "$cache/suite-seconds/$n" 2>/dev/null || echo 100000) $n"
	done | sort -rn | cut -d' ' -f2 >"$vm_queue"
fi

# The suites that prove the module on the other kernel series servers run
# (Debian's 6.12); with SUITES set, none.
k612_suites=
[ -z "${SUITES:-}" ] &&
	k612_suites=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' tests/kernel-6.12/suites)

# The debug-kernel suites are the longest part: they start now, beside the
# host parts and the release suites (each QEMU, TCG, keeps about one core
# busy); then the same runner runs the 6.12 suites and takes release
# suites from the queue too. Its output is shown when everything else is
# done.
if [ "${KSEAL_SKIP_DEBUG:-0}" = 1 ]; then
	tap_diag "debug-kernel suites left out (KSEAL_SKIP_DEBUG=1)"
else
	part "debug-kernel build" scripts/debug-kernel.sh
	dbg_log=$(mktemp) vm2_log=$(mktemp) k612_log=$(mktemp)
	dbg_suites=${SUITES:-$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' tests/debug-kernel/suites)}
	dbg_start=$SECONDS
	{
		tests/vm/run --kernel debug $dbg_suites >"$dbg_log" 2>&1
		echo $? >"$dbg_log.rc"
		echo $((SECONDS - dbg_start)) >"$dbg_log.took"
		if [ -n "$k612_suites" ]; then
			tests/vm/run --kernel 6.12 $k612_suites >"$k612_log" 2>&1
			echo $? >"$k612_log.rc"
		fi
		if [ -s "$vm_queue" ]; then
			tests/vm/run --queue "$vm_queue" >"$vm2_log" 2>&1
			echo $? >"$vm2_log.rc"
		fi
	} &
	bg_pid=$!
fi
part "dkms" tests/dkms/test.sh
part "debian13" tests/debian13/test.sh
part "deb" tests/deb/test.sh
part "sign" tests/sign/test.sh "$KDIR_RESOLVED"
part "initramfs" tests/initramfs/test.sh
[ -f tests/unit/Makefile ] && part "unit" make -s -C tests/unit check
[ -f tests/helper/Makefile ] && part "helper" make -s -C tests/helper check
[ -f tests/fuzz/Makefile ] && part "fuzz" make -s -C tests/fuzz check
if [ -n "$k612_suites" ] && [ -z "${bg_pid:-}" ]; then
	part "vm-6.12" tests/vm/run --kernel 6.12 $k612_suites
fi
part "vm" tests/vm/run --queue "$vm_queue"
if [ -n "${bg_pid:-}" ]; then
	wait $bg_pid
	tap_diag "==== vm-debug (done $(cat "$dbg_log.took") s after it started)"
	cat "$dbg_log"
	tally "vm-debug" "$dbg_log" "$(cat "$dbg_log.rc")"
	if [ -f "$k612_log.rc" ]; then
		tap_diag "==== vm-6.12 (the second runner, after the debug-kernel suites)"
		cat "$k612_log"
		tally "vm-6.12" "$k612_log" "$(cat "$k612_log.rc")"
	elif [ -n "$k612_suites" ]; then
		tally "vm-6.12" /dev/null 1
	fi
	if [ -f "$vm2_log.rc" ]; then
		tap_diag "==== vm (the second runner, after the debug-kernel suites)"
		cat "$vm2_log"
		tally "vm" "$vm2_log" "$(cat "$vm2_log.rc")"
	fi
	rm -f "$dbg_log"* "$vm2_log"* "$k612_log"*
fi
rm -f "$vm_queue" "$vm_queue.lock"

tap_diag "==== summary"
if [ $fail -gt 0 ]; then
	tap_diag "failed:"
	printf '%s\n' "${failed[@]}" | tap_detail
fi
summary="$pass passed, $fail failed"
[ $skip -gt 0 ] && summary+=", $skip skipped"
tap_diag "make check took $SECONDS s"
tap_diag "of the $pass passed, $book are harness bookkeeping (a boot's clean kernel log, a power cut that landed, the harness self-test), $((pass - book)) assertions"
echo "$summary"
[ $fail = 0 ]
