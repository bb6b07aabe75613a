# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# TAP output for the shell tests. Sourced by bash on the host and by
# busybox sh in the guest (as /tests/tap.sh), hence POSIX sh only.
#
#   tap_plan N             "1..N", before the first case
#   tap_ok DESC            a passing case: "ok N - DESC"
#   tap_not_ok DESC [WHY]  a failing case: "not ok N - DESC (WHY)"
#   tap_result RC DESC [LOG]  ok if RC is 0, else not ok with LOG's lines,
#                          if any, as details
#   tap_check DESC CMD...  ok if CMD succeeds (also under set -e)
#   tap_skip DESC WHY      a case not run: "ok N - DESC # SKIP WHY"
#   tap_diag TEXT          a comment line: "# TEXT"
#   tap_detail [FILE...]   the files' lines (or stdin's) as "#   LINE"
#   tap_bail WHY [STATUS]  "Bail out! WHY", exit STATUS (default 2)
#   tap_relay LINE [LABEL] print another producer's line as it is (a
#                          guest's, a kselftest's), counting its case
#   tap_summary            the failed cases, then "N passed, N failed[, N
#                          skipped]"; status 0 only if none failed
#   tap_done               "1..N" unless planned (numbered output only);
#                          status 0 only if no case failed
#
# TAP_NUMBERS=0 leaves out the case numbers, for lines that join other
# producers' numbered lines in one stream (the VM runner's own cases among
# the guest's). The counts are in tap_passed, tap_failed and tap_skipped,
# the failed cases' names in tap_failed_names, one a line. The lines are
# what tests/check.sh's tally and the VM runner count: "ok ", "not ok ",
# "ok ... # SKIP".

tap_n=0
tap_passed=0
tap_failed=0
tap_skipped=0
tap_planned=0
tap_failed_names=

# _tap_line RESULT TEXT: one case line, numbered unless TAP_NUMBERS=0.
_tap_line() {
	tap_n=$((tap_n + 1))
	if [ "${TAP_NUMBERS:-1}" = 0 ]; then
		printf '%s - %s\n' "$1" "$2"
	else
		printf '%s %s - %s\n' "$1" "$tap_n" "$2"
	fi
}

_tap_failed() {
	tap_failed=$((tap_failed + 1))
	tap_failed_names="$tap_failed_names${tap_failed_names:+
}$1"
}

tap_plan() {
	tap_planned=1
	echo "1..$1"
}

tap_ok() {
	tap_passed=$((tap_passed + 1))
	_tap_line ok "$1"
}

tap_not_ok() {
	_tap_failed "$1${2:+ ($2)}"
	_tap_line "not ok" "$1${2:+ ($2)}"
}

tap_result() {
	if [ "$1" = 0 ]; then
		tap_ok "$2"
	else
		tap_not_ok "$2"
		if [ -n "${3:-}" ] && [ -s "$3" ]; then tap_detail "$3"; fi
	fi
}

tap_check() {
	_tap_desc=$1
	shift
	if "$@"; then tap_ok "$_tap_desc"; else tap_not_ok "$_tap_desc"; fi
}

tap_skip() {
	tap_skipped=$((tap_skipped + 1))
	_tap_line ok "$1 # SKIP $2"
}

tap_diag() {
	printf '# %s\n' "$1"
}

# Details never fail the script (set -e), even with a file missing.
tap_detail() {
	sed 's/^/#   /' "$@" || :
}

tap_bail() {
	printf 'Bail out! %s\n' "$1"
	exit "${2:-2}"
}

tap_relay() {
	case $1 in
	"ok "*"# SKIP"* | "ok "*"# skip"*) tap_skipped=$((tap_skipped + 1)) ;;
	"ok "*) tap_passed=$((tap_passed + 1)) ;;
	"not ok "*) _tap_failed "${2:+$2: }${1#not ok }" ;;
	esac
	printf '%s\n' "$1"
}

tap_summary() {
	if [ "$tap_failed" -gt 0 ]; then
		echo "# failed:"
		printf '%s\n' "$tap_failed_names" | tap_detail
	fi
	if [ "$tap_skipped" -gt 0 ]; then
		echo "$tap_passed passed, $tap_failed failed, $tap_skipped skipped"
	else
		echo "$tap_passed passed, $tap_failed failed"
	fi
	[ "$tap_failed" = 0 ]
}

tap_done() {
	if [ "$tap_planned" = 0 ] && [ "${TAP_NUMBERS:-1}" != 0 ]; then
		echo "1..$tap_n"
	fi
	[ "$tap_failed" = 0 ]
}
