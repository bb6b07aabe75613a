#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build (once) the debug kernel the VM suites also run on: Debian's
# linux-source, allnoconfig plus tests/debug-kernel/kseal-debug.config
# (KASAN, kmemleak, lockdep, UBSAN, DEBUG_LIST). The build tree stays in the
# cache so that kseal.ko can be built against it. About 8 minutes on two
# cores the first time; then it only checks its stamp.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${KSEAL_CACHE:-/var/cache/kseal}
frag="$repo/tests/debug-kernel/kseal-debug.config"
dir="$CACHE/debug"

abi_stamp=$(cat "$CACHE/image/.stamp" 2>/dev/null) ||
	{ echo "debug-kernel: run 'make deps' first" >&2; exit 1; }
ver=${abi_stamp#* }
want="$ver $(sha256sum "$frag" | cut -c1-16)"
if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$want" ]; then
	exit 0
fi

abi=${abi_stamp%% *}
src_pkg="linux-source-$(echo "$abi" | cut -d. -f1-2)"
deb=$(ls "$CACHE"/dl/"${src_pkg}"_"${ver}"_*.deb 2>/dev/null | head -n1 || true)
if [ -z "$deb" ]; then
	(cd "$CACHE/dl" && apt-get download -q "$src_pkg=$ver")
	deb=$(ls "$CACHE"/dl/"${src_pkg}"_"${ver}"_*.deb | head -n1)
fi

rm -rf "$dir"
mkdir -p "$dir/src" "$dir/build"
echo "debug-kernel: unpacking $src_pkg $ver"
dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards './usr/src/*.tar.xz' |
	tar -xJ -C "$dir/src" --strip-components=1

cd "$dir/src"
make -s O="$dir/build" allnoconfig
scripts/kconfig/merge_config.sh -m -O "$dir/build" "$dir/build/.config" "$frag" >/dev/null
make -s O="$dir/build" olddefconfig

# Kconfig silently drops options whose dependencies are missing: insist.
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=y' "$frag" | while read -r l; do
	grep -qx "$l" "$dir/build/.config" || echo "${l%=y}"
done)
if [ -n "$missing" ]; then
	echo "debug-kernel: the config lost:" $missing >&2
	exit 1
fi

echo "debug-kernel: building (about 8 minutes on two cores)"
# KASAN grows stack frames: the kernel's own frame-size warnings are
# expected noise here, so the log is shown only on failure.
if ! make -s O="$dir/build" -j"$(nproc)" bzImage modules >"$dir/build.log" 2>&1 ||
   ! make -s O="$dir/build" modules_prepare >>"$dir/build.log" 2>&1; then
	tail -n 40 "$dir/build.log" >&2
	echo "debug-kernel: build failed, full log in $dir/build.log" >&2
	exit 1
fi
echo "$want" > "$dir/.stamp"
echo "debug-kernel: $dir/build/arch/x86/boot/bzImage"
