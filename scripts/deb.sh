#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/deb.sh build OUTDIR   build kseal-dkms and ksealctl .deb files
#                               from the committed tree into OUTDIR
# scripts/deb.sh test           build them in a scratch directory, run
#                               lintian, unpack them into a scratch root,
#                               run the packaged ksealctl and build the
#                               packaged module source with DKMS (private
#                               DKMS trees: the system is left alone)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
ver=$(sed -n 's/^#define KSEAL_VERSION_STRING "\(.*\)"/\1/p' "$repo/include/kseal/version.h")

build() {
	local out=$1 tmp
	tmp=$(mktemp -d)
	mkdir -p "$tmp/src" "$out"
	# Only tracked files: a package must not depend on local build output.
	git -C "$repo" ls-files -z | (cd "$repo" && xargs -0 cp --parents -t "$tmp/src")
	(cd "$tmp/src" && dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1) || {
		tail -n 30 "$tmp/build.log" >&2
		rm -rf "$tmp"
		return 1
	}
	mv "$tmp"/*.deb "$tmp"/*.changes "$out/"
	rm -rf "$tmp"
}

case ${1:-} in
build)
	build "$2"
	;;
test)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	if build "$tmp/out" 2>"$tmp/log"; then
		echo "ok - deb: dpkg-buildpackage -us -uc -b builds kseal-dkms and ksealctl"
	else
		echo "not ok - deb: dpkg-buildpackage failed"
		sed 's/^/#   /' "$tmp/log"
		exit 1
	fi
	if lintian --fail-on error,warning "$tmp"/out/*.deb >"$tmp/log" 2>&1; then
		echo "ok - deb: lintian reports no error or warning"
	else
		echo "not ok - deb: lintian"
		sed 's/^/#   /' "$tmp/log"
	fi
	for d in "$tmp"/out/ksealctl_*.deb "$tmp"/out/kseal-dkms_*.deb; do
		dpkg -x "$d" "$tmp/root"
	done
	if "$tmp/root/usr/sbin/ksealctl" --version | grep -qx "ksealctl $ver"; then
		echo "ok - deb: the packaged ksealctl --version says $ver"
	else
		echo "not ok - deb: the packaged ksealctl --version"
	fi
	if [ -f "$tmp/root/usr/lib/systemd/system/kseal-load.service" ] &&
	   [ -f "$tmp/root/usr/share/man/man8/ksealctl.8.gz" ]; then
		echo "ok - deb: the unit and the man page are packaged"
	else
		echo "not ok - deb: unit or man page missing from ksealctl"
	fi
	abi=$(cut -d' ' -f1 "${KSEAL_CACHE:-/var/cache/kseal}/image/.stamp")
	mkdir -p "$tmp/dkms" "$tmp/inst"
	opts=(--sourcetree "$tmp/root/usr/src" --dkmstree "$tmp/dkms" --installtree "$tmp/inst")
	if dkms add -m kseal -v "$ver" "${opts[@]}" >"$tmp/log" 2>&1 &&
	   dkms build -m kseal -v "$ver" -k "$abi" "${opts[@]}" >>"$tmp/log" 2>&1 &&
	   dkms status -m kseal "${opts[@]}" | grep -q "kseal/$ver, $abi, .*: built"; then
		echo "ok - deb: DKMS builds the packaged module source for $abi"
	else
		echo "not ok - deb: DKMS build of the packaged source"
		sed 's/^/#   /' "$tmp/log"
	fi
	;;
*)
	sed -n '4,11s/^# \{0,1\}//p' "$0"
	exit 2
	;;
esac
