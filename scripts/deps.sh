#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install what building and testing kseal needs on Debian 12, and fetch the
# kernel image and source that match the installed headers into a cache
# outside the clone. Safe to re-run: a second run only checks stamps.
#
# Usage: scripts/deps.sh [--check]   (--check: exit 1 if anything is missing)
set -euo pipefail

CACHE=${KSEAL_CACHE:-/var/cache/kseal}

PACKAGES=(
	build-essential make gcc pkg-config kmod cpio xz-utils e2fsprogs
	linux-headers-amd64
	libtss2-dev libkeyutils-dev libjson-c-dev libssl-dev libdevmapper-dev libblkid-dev
	libaudit-dev libjose-dev libcurl4-openssl-dev tang jose socat
	qemu-system-x86 swtpm swtpm-tools busybox-static keyutils tpm2-tools
	dmsetup sparse clang libclang-rt-14-dev python3 perl
	flex bison bc libelf-dev dkms debhelper dh-dkms lintian fakeroot openssl
	initramfs-tools-core mmdebstrap systemd pahole ovmf
)

missing_packages() {
	local p
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

# The ABI and Debian version of the headers linux-headers-amd64 pulls in:
# the VM must boot exactly the kernel the module is built against.
headers_abi() {
	dpkg-query -W -f='${Depends}\n' linux-headers-amd64 |
		sed -n 's/.*linux-headers-\([0-9][^ ,]*-amd64\).*/\1/p'
}

headers_version() {
	dpkg-query -W -f='${Version}\n' "linux-headers-$1"
}

# Stamp files hold what a cached item was made from, so a changed headers
# version refreshes the cache instead of reusing a stale kernel.
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

check_only=0
[ "${1:-}" = "--check" ] && check_only=1

miss=$(missing_packages)
if [ -n "$miss" ]; then
	if [ $check_only = 1 ]; then
		echo "deps: missing packages:" $miss >&2
		exit 1
	fi
	echo "deps: installing:" $miss
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $miss
fi

abi=$(headers_abi)
[ -n "$abi" ] || { echo "deps: cannot tell the kernel ABI from linux-headers-amd64; reinstall it" >&2; exit 1; }
ver=$(headers_version "$abi")
want="$abi $ver"

img_dir="$CACHE/image"
ks_dir="$CACHE/kselftest"
cp_dir="$CACHE/checkpatch"
if stamp_ok "$img_dir/.stamp" "$want" && stamp_ok "$ks_dir/.stamp" "$want" &&
   stamp_ok "$cp_dir/.stamp" "$want"; then
	exit 0
fi
if [ $check_only = 1 ]; then
	echo "deps: kernel image or kselftest headers for $abi not cached in $CACHE" >&2
	exit 1
fi

mkdir -p "$CACHE/dl"
# apt's download sandbox user must be able to write there.
chown _apt "$CACHE/dl" 2>/dev/null || true
cd "$CACHE/dl"

img_pkg="linux-image-$abi-unsigned"
src_pkg="linux-source-$(echo "$abi" | cut -d. -f1-2)"

fetch() { # package version
	local deb
	deb=$(ls "$1"_"${2//:/%3a}"_*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		echo "deps: downloading $1 $2" >&2
		apt-get download -q "$1=$2" >&2
		deb=$(ls "$1"_"${2//:/%3a}"_*.deb | head -n1)
	fi
	echo "$CACHE/dl/$deb"
}

if ! stamp_ok "$img_dir/.stamp" "$want"; then
	deb=$(fetch "$img_pkg" "$ver")
	rm -rf "$img_dir" && mkdir -p "$img_dir"
	dpkg -x "$deb" "$img_dir"
	# The package leaves module dependency files to its postinst.
	depmod -b "$img_dir" "$abi"
	echo "$want" > "$img_dir/.stamp"
fi

if ! stamp_ok "$ks_dir/.stamp" "$want" || ! stamp_ok "$cp_dir/.stamp" "$want"; then
	deb=$(fetch "$src_pkg" "$ver")
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './usr/src/*.tar.xz'
	tarball=$(ls "$tmp"/usr/src/*.tar.xz)
	top=$(basename "$tarball" .tar.xz)
	# Only the files we use, in one pass over the archive.
	tar -xJf "$tarball" -C "$tmp" \
		"$top/tools/testing/selftests/kselftest_harness.h" \
		"$top/tools/testing/selftests/kselftest.h" \
		"$top/scripts/checkpatch.pl" \
		"$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch"
	rm -rf "$ks_dir" "$cp_dir" && mkdir -p "$ks_dir" "$cp_dir"
	cp "$tmp/$top"/tools/testing/selftests/kselftest*.h "$ks_dir/"
	cp "$tmp/$top"/scripts/{checkpatch.pl,spelling.txt,const_structs.checkpatch} "$cp_dir/"
	echo "$want" > "$ks_dir/.stamp"
	echo "$want" > "$cp_dir/.stamp"
fi
echo "deps: kernel $abi ($ver) cached in $CACHE"
