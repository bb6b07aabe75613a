# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Minimal Debian roots for the package tests (tests/deb/, tests/debian13/),
# made with mmdebstrap and cached as tarballs.

# debroot_tar DIR KEY SUITE PACKAGES [SOURCE...]: print the path of
# DIR/KEY.tar, a minbase root of SUITE with PACKAGES (comma-separated)
# from SOURCE (apt source lines or files; none: the system's), made first
# if it is missing. KEY names what the root was made from: a new key
# replaces the tarballs of older ones, which are about 1 GB each.
debroot_tar() {
	local dir=$1 key=$2 suite=$3 pkgs=$4 tar
	shift 4
	tar="$dir/$key.tar"
	if [ ! -f "$tar" ]; then
		mkdir -p "$dir"
		rm -f "$dir"/*.tar*
		mmdebstrap --variant=minbase --format=tar --include="$pkgs" \
			"$suite" "$tar.part" "$@" >"$dir/mmdebstrap.log" 2>&1 || {
			echo "mmdebstrap failed (log: $dir/mmdebstrap.log):" >&2
			tail -n 20 "$dir/mmdebstrap.log" >&2
			rm -f "$tar.part"
			return 1
		}
		mv "$tar.part" "$tar"
	fi
	echo "$tar"
}
