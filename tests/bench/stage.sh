# SPDX-License-Identifier: GPL-2.0-only
# bench_stage NAME SRC DEST [SRC DEST...]: each file SRC appended to the
# test initramfs as DEST, with the shared libraries a program needs (the
# base initramfs may not carry them). For the benchmark and profile boots;
# sourced by bench.sh and profile.sh.
# shellcheck source=tests/vm/copy-libs.sh
. "$repo/tests/vm/copy-libs.sh"

bench_stage() {
	local stage="$VM_DIR/stage-$1"
	shift
	while [ $# -ge 2 ]; do
		copy_with_libs "$stage" "$1"
		mkdir -p "$stage$(dirname "$2")"
		mv "$stage$1" "$stage$2"
		shift 2
	done
	# The sources' directories, left empty by the moves.
	find "$stage" -depth -type d -empty -delete
	(cd "$stage" && find . | cpio -o -H newc --quiet) > "$stage.cpio"
	cat "$VM_INITRD" "$stage.cpio" > "$stage-initrd.cpio"
	VM_INITRD="$stage-initrd.cpio"
}
