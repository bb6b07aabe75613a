# SPDX-License-Identifier: GPL-2.0-only
# copy_with_libs STAGE FILE...: each FILE copied into the tree STAGE at
# its own path, with the shared libraries ldd says it loads (the dynamic
# loader included). Sourced by mkinitramfs.sh for the test initramfs and
# by tests/bench/stage.sh for the benchmark's programs.
copy_with_libs() {
	local stage=$1 f lib
	shift
	for f in "$@"; do
		mkdir -p "$stage$(dirname "$f")"
		cp -L "$f" "$stage$f"
		ldd "$f" 2>/dev/null | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }' |
		while read -r lib; do
			[ -n "$lib" ] && [ -e "$lib" ] || continue
			mkdir -p "$stage$(dirname "$lib")"
			[ -e "$stage$lib" ] || cp -L "$lib" "$stage$lib"
		done
	done
}
