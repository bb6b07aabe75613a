#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch the newest Linux 6.12 that Debian 12's archive carries (the kernel
# of Debian 13 and of Debian 12's own linux-image-6.12 packages) into the
# cache, without installing it on the host: installing its headers would
# make them the newest headers, which the default build then picks for the
# 6.1 test VM. Unpacked: the image and its modules (for the VM) and the
# headers with their kbuild tools (to build kseal.ko against 6.12).
#
# Usage: scripts/kernel-6.12.sh      prints the cache directory
# Layout: DIR/image (dpkg -x of the image), DIR/headers/usr/src/linux-
# headers-ABI (make -C it M=...), DIR/abi.
set -euo pipefail

CACHE=${KSEAL_CACHE:-/var/cache/kseal}
dir="$CACHE/k6.12"

pkg=$(apt-cache pkgnames linux-image-6.12 |
	grep -E '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' | sort -V | tail -n1)
[ -n "$pkg" ] || { echo "kernel-6.12: the archive offers no linux-image-6.12.*+deb12-amd64-unsigned; run apt-get update" >&2; exit 1; }
abi=${pkg#linux-image-}
abi=${abi%-unsigned}
ver=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
want="$abi $ver"
if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$want" ]; then
	echo "$dir"
	exit 0
fi

series=${abi%-amd64}	# 6.12.118+deb12
mkdir -p "$CACHE/dl"
chown _apt "$CACHE/dl" 2>/dev/null || true
cd "$CACHE/dl"
debs=()
for p in "$pkg" "linux-headers-$abi" "linux-headers-$series-common" "linux-kbuild-$series"; do
	deb=$(ls "${p}_${ver}"_*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		echo "kernel-6.12: downloading $p $ver" >&2
		apt-get download -q "$p=$ver" >&2
		deb=$(ls "${p}_${ver}"_*.deb | head -n1)
	fi
	debs+=("$CACHE/dl/$deb")
done

rm -rf "$dir" && mkdir -p "$dir/image" "$dir/headers"
dpkg -x "${debs[0]}" "$dir/image"
depmod -b "$dir/image" "$abi"
for d in "${debs[@]:1}"; do dpkg -x "$d" "$dir/headers"; done
# The arch headers' Makefile includes the common tree by its installed
# path; point it into the cache. The scripts and tools links are relative.
sed -i "s|^include /usr/src/|include $dir/headers/usr/src/|" \
	"$dir/headers/usr/src/linux-headers-$abi/Makefile"
echo "$abi" > "$dir/abi"
echo "$want" > "$dir/.stamp"
echo "$dir"
