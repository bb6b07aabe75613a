#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Sign kmod/kseal.ko with the kernel's sign-file.
#
#   scripts/sign.sh sign KDIR KEY CERT   sign in place (sha256)
#   scripts/sign.sh test KDIR            sign a copy with a throwaway key
#                                        and check the signature is there
set -eu

usage() {
	echo "usage: $0 sign KDIR KEY CERT | test KDIR" >&2
	exit 1
}

sign_file() {
	tool="$1/scripts/sign-file"
	[ -x "$tool" ] || tool=$(ls /usr/lib/linux-kbuild-*/scripts/sign-file 2>/dev/null | tail -n 1)
	[ -x "$tool" ] || { echo "sign: no scripts/sign-file in $1; install linux-headers-amd64" >&2; exit 1; }
	echo "$tool"
}

[ $# -ge 2 ] || usage
ko=kmod/kseal.ko
[ -f "$ko" ] || { echo "sign: $ko is not built; run make first" >&2; exit 1; }

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
test)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	openssl req -new -x509 -newkey rsa:2048 -nodes -days 1 -sha256 \
		-subj "/CN=kseal test signing key/" -outform DER \
		-keyout "$tmp/key.pem" -out "$tmp/cert.der" 2>/dev/null
	cp "$ko" "$tmp/kseal.ko"
	"$(sign_file "$2")" sha256 "$tmp/key.pem" "$tmp/cert.der" "$tmp/kseal.ko"
	fail=0
	if tail -c 28 "$tmp/kseal.ko" | grep -q "Module signature appended"; then
		echo "ok 1 sign-file appends a module signature"
	else
		echo "not ok 1 sign-file appends a module signature"; fail=1
	fi
	if [ "$(modinfo -F signer "$tmp/kseal.ko")" = "kseal test signing key" ]; then
		echo "ok 2 modinfo names the signer"
	else
		echo "not ok 2 modinfo names the signer"; fail=1
	fi
	if [ "$(modinfo -F sig_hashalgo "$tmp/kseal.ko")" = sha256 ]; then
		echo "ok 3 the signature uses sha256"
	else
		echo "not ok 3 the signature uses sha256"; fail=1
	fi
	exit $fail
	;;
*) usage ;;
esac
