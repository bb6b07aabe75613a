#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# tests/sign/test.sh KDIR: sign a copy of kmod/kseal.ko with a throwaway
# key, with scripts/sign.sh's choice of sign-file, and check the signature
# is there. Run from the top of the tree, as make check does.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
KSEAL_SIGN_FUNCTIONS_ONLY=1
# shellcheck source=scripts/sign.sh
. "$here/../../scripts/sign.sh"
# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"

[ $# -eq 1 ] || { echo "usage: $0 KDIR" >&2; exit 1; }
need_ko

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -new -x509 -newkey rsa:2048 -nodes -days 1 -sha256 \
	-subj "/CN=kseal test signing key/" -outform DER \
	-keyout "$tmp/key.pem" -out "$tmp/cert.der" 2>/dev/null
cp "$ko" "$tmp/kseal.ko"
"$(sign_file "$1")" sha256 "$tmp/key.pem" "$tmp/cert.der" "$tmp/kseal.ko"
signed() { tail -c 28 "$tmp/kseal.ko" | grep -q "Module signature appended"; }
tap_check "sign-file appends a module signature" signed
tap_check "modinfo names the signer" \
	[ "$(modinfo -F signer "$tmp/kseal.ko")" = "kseal test signing key" ]
tap_check "the signature uses sha256" \
	[ "$(modinfo -F sig_hashalgo "$tmp/kseal.ko")" = sha256 ]
tap_done
