#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/deb.sh build OUTDIR   build kseal-dkms and ksealctl .deb files
#                               from the committed tree into OUTDIR
# (tests/deb/test.sh tests them, with build() from here.)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

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

# Sourced (tests/deb/test.sh): the functions only.
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0

case ${1:-} in
build)
	build "$2"
	;;
*)
	sed -n '4,5s/^# \{0,1\}//p' "$0"
	exit 2
	;;
esac
