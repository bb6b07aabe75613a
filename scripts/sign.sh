#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Sign kmod/kseal.ko with the kernel's sign-file.
#
#   scripts/sign.sh sign KDIR KEY CERT   sign in place (sha256)
#
# (tests/sign/test.sh tests it, with sign_file and need_ko from here.)
set -eu

ko=kmod/kseal.ko

usage() {
	echo "usage: $0 sign KDIR KEY CERT" >&2
	exit 1
}

sign_file() {
	tool="$1/scripts/sign-file"
	[ -x "$tool" ] || tool=$(ls /usr/lib/linux-kbuild-*/scripts/sign-file 2>/dev/null | tail -n 1)
	[ -x "$tool" ] || { echo "sign: no scripts/sign-file in $1; install linux-headers-amd64" >&2; exit 1; }
	echo "$tool"
}

need_ko() {
	[ -f "$ko" ] || { echo "sign: $ko is not built; run make first" >&2; exit 1; }
}

# Sourced by the test, which sets this: the functions only.
[ "${KSEAL_SIGN_FUNCTIONS_ONLY:-0}" = 1 ] && return 0

[ $# -ge 2 ] || usage
need_ko

case $1 in
sign)
	[ $# -eq 4 ] || usage
	[ -r "$3" ] || { echo "sign: cannot read key $3" >&2; exit 1; }
	[ -r "$4" ] || { echo "sign: cannot read certificate $4" >&2; exit 1; }
	if tail -c 28 "$ko" | grep -q "Module signature appended"; then
		echo "sign: $ko is already signed; run make module to rebuild it first" >&2
		exit 1
	fi
	"$(sign_file "$2")" sha256 "$3" "$4" "$ko"
	echo "signed $ko: signer $(modinfo -F signer "$ko")"
	;;
*) usage ;;
esac
