# SPDX-License-Identifier: GPL-2.0-only
# bench_stage NAME SRC DEST [SRC DEST...]: each file SRC appended to the
# test initramfs as DEST, with the shared libraries a program needs (the
# base initramfs may not carry them). For the benchmark and profile boots;
# sourced by bench.sh and profile.sh.
bench_stage() {
	local stage="$VM_DIR/stage-$1" lib
	shift
	while [ $# -ge 2 ]; do
		mkdir -p "$stage$(dirname "$2")"
		cp "$1" "$stage$2"
		ldd "$1" 2>/dev/null | awk '/=>/ { print $3 }' | while read -r lib; do
			[ -e "$lib" ] || continue
			mkdir -p "$stage$(dirname "$lib")"
			cp -L "$lib" "$stage$lib"
		done
		shift 2
	done
	(cd "$stage" && find . | cpio -o -H newc --quiet) > "$stage.cpio"
	cat "$VM_INITRD" "$stage.cpio" > "$stage-initrd.cpio"
	VM_INITRD="$stage-initrd.cpio"
}
