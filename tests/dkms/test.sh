#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/dkms/test.sh   add and build kseal (scripts/dkms.sh's source tree)
#                      in private DKMS trees against the installed Debian
#                      headers and Debian's Linux 6.12 headers
#                      (scripts/kernel-6.12.sh); changes nothing on the
#                      system
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# source_tree(), $repo and $ver.
# shellcheck source=scripts/dkms.sh
. "$here/../../scripts/dkms.sh"
# shellcheck source=tests/lib/tap.sh
. "$repo/tests/lib/tap.sh"

# The installed Debian 12 headers (6.1), then Debian's Linux 6.12
# headers, unpacked into the cache by scripts/kernel-6.12.sh.
abi=$(basename "$(make -s --no-print-directory -C "$repo" print-kdir)" | sed 's/^linux-headers-//')
[ -d "/lib/modules/$abi/build" ] || abi=$(cut -d' ' -f1 "${KSEAL_CACHE:-/var/cache/kseal}/image/.stamp")
abis=("$abi") kdirs=("/lib/modules/$abi/build")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { tap_ok "dkms: $1"; }
bad() { tap_not_ok "dkms: $1"; tap_detail "$tmp/log"; }
if k612=$("$repo/scripts/kernel-6.12.sh" 2>"$tmp/log") && abi=$(cat "$k612/abi" 2>>"$tmp/log"); then
	abis+=("$abi") kdirs+=("$k612/headers/usr/src/linux-headers-$abi")
else
	bad "Debian's Linux 6.12 headers (scripts/kernel-6.12.sh)"
fi
mkdir -p "$tmp/src" "$tmp/dkms" "$tmp/install"
source_tree "$tmp/src/kseal-$ver"
opts=(--sourcetree "$tmp/src" --dkmstree "$tmp/dkms" --installtree "$tmp/install")
if ! dkms add -m kseal -v "$ver" "${opts[@]}" >"$tmp/log" 2>&1; then
	bad "add kseal/$ver"
	exit 1
fi
ok "add kseal/$ver"
for i in "${!abis[@]}"; do
	abi=${abis[i]}
	if ! dkms build -m kseal -v "$ver" -k "$abi" --kernelsourcedir "${kdirs[i]}" \
		"${opts[@]}" >"$tmp/log" 2>&1; then
		# dkms names the compiler's output only by its path.
		mklog="$tmp/dkms/kseal/$ver/build/make.log"
		[ -f "$mklog" ] && { echo "--- $mklog (last 60 lines)"; tail -n 60 "$mklog"; } >>"$tmp/log"
		bad "build kseal/$ver for $abi"
		continue
	fi
	ok "build kseal/$ver for $abi"
	ko=$(find "$tmp/dkms/kseal/$ver/$abi" -name 'kseal.ko*' | head -n1)
	if [ -n "$ko" ] && modinfo -F version "$ko" | grep -qx "$ver" &&
	   modinfo -F vermagic "$ko" | grep -q "^$abi "; then
		ok "built module for $abi carries version $ver and vermagic $abi"
	else
		tap_not_ok "dkms: no kseal.ko with version $ver and vermagic $abi in the DKMS tree"
		[ -n "$ko" ] && modinfo "$ko" | tap_detail
	fi
	if dkms status -m kseal "${opts[@]}" | grep -q "^kseal/$ver, $abi, .*: built"; then
		ok "status says built for $abi"
	else
		tap_not_ok "dkms: status for $abi"; dkms status "${opts[@]}" | tap_detail
	fi
done
tap_done
