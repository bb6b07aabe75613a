#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/dkms.sh source DIR   copy the module sources and dkms.conf to DIR
# scripts/dkms.sh install      add, build and install kseal with DKMS
#                              (/usr/src/kseal-VERSION), for every kernel
#                              DKMS builds for, and have it loaded at boot
#                              (/usr/lib/modules-load.d/kseal.conf)
# (tests/dkms/test.sh tests it, with source_tree() from here.)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ver=$(sed -n 's/^#define KSEAL_VERSION_STRING "\(.*\)"/\1/p' "$repo/include/kseal/version.h")

source_tree() {
	local dst=$1
	mkdir -p "$dst/kmod" "$dst/include"
	cp "$repo/Kbuild" "$dst/"
	cp "$repo/kmod/Kbuild" "$dst/kmod/"
	find "$repo/kmod" -maxdepth 1 -name '*.[ch]' ! -name '*.mod.c' -exec cp {} "$dst/kmod/" \;
	cp -r "$repo/include/kseal" "$dst/include/"
	sed "s/@VERSION@/$ver/" "$repo/dkms.conf.in" > "$dst/dkms.conf"
}

# Sourced (tests/dkms/test.sh): the functions only.
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0

case ${1:-} in
source)
	source_tree "$2"
	;;
install)
	dst="/usr/src/kseal-$ver"
	dkms remove -m kseal -v "$ver" --all >/dev/null 2>&1 || true
	rm -rf "$dst"
	source_tree "$dst"
	dkms add -m kseal -v "$ver"
	dkms build -m kseal -v "$ver"
	dkms install -m kseal -v "$ver"
	# What kseal-dkms ships: the module is loaded at every boot.
	install -D -m 0644 "$repo/userspace/kseal.modules-load" /usr/lib/modules-load.d/kseal.conf
	;;
*)
	sed -n '4,8s/^# \{0,1\}//p' "$0"
	exit 2
	;;
esac
