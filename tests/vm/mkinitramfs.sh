#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the guest's initramfs: busybox, the Debian kernel modules the tests
# need, kseal.ko, ksealctl, the kselftest binaries, keyctl, tpm2-tools and
# dmsetup with exactly the shared libraries they load.
#
# Usage: mkinitramfs.sh OUT.cpio IMAGE_DIR ABI REPO KSEAL_KO
# With IMAGE_DIR "-" no kernel modules are copied (the debug kernel has
# everything built in).
set -euo pipefail

out=$1 img=$2 abi=$3 repo=$4 ko=$5
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# mktemp makes it 0700; the guest's / must let other uids run programs.
chmod 755 "$stage"

mkdir -p "$stage"/{bin,sbin,lib,lib64,usr/bin,usr/sbin,usr/lib,etc,proc,sys,dev,tmp,run,data,tests,root}
ln -s lib "$stage/usr/lib64" 2>/dev/null || true

cp /bin/busybox "$stage/bin/busybox"

# Host binaries the guest runs; their libraries are resolved with ldd.
bins=(/usr/bin/keyctl /usr/bin/tpm2 /usr/sbin/dmsetup /usr/bin/swtpm /usr/bin/strace)
# Loaded with dlopen by tpm2-tss, invisible to ldd of the tools.
dlopened=(/usr/lib/x86_64-linux-gnu/libtss2-tcti-device.so.0)

# shellcheck source=tests/vm/copy-libs.sh
. "$repo/tests/vm/copy-libs.sh"

copy_with_libs "$stage" "${bins[@]}" "${dlopened[@]}"
# tpm2-tools is one binary dispatching on its name.
for t in $(cd /usr/bin && ls tpm2_*); do
	ln -sf tpm2 "$stage/usr/bin/$t"
done

# Our own programs: the module, the helper, the test binaries and scripts.
install -m 0644 "$ko" "$stage/lib/kseal.ko"
if [ -x "$repo/userspace/ksealctl" ]; then
	copy_with_libs "$stage" "$repo/userspace/ksealctl"
	mkdir -p "$stage/usr/sbin"
	mv "$stage$repo/userspace/ksealctl" "$stage/usr/sbin/ksealctl"
fi
for t in "$repo"/tests/kselftest/*_test "$repo"/tests/kselftest/kseal_tpm_proxy \
	"$repo"/tests/kselftest/kseal_offline; do
	[ -x "$t" ] || continue
	copy_with_libs "$stage" "$t"
	mv "$stage$t" "$stage/tests/"
done
rm -rf "${stage:?}$repo"
# The boot unit, so the demo runs the unit's own command lines.
install -D -m 0644 "$repo/userspace/kseal-load.service" \
	"$stage/usr/share/kseal/kseal-load.service"
install -D -m 0755 "$repo/userspace/initramfs/scripts/init-premount/kseal" \
	"$stage/usr/share/kseal/init-premount-kseal"
cp "$repo"/tests/vm/guest/*.sh "$stage/tests/" 2>/dev/null || true
# The TAP emitter guest/lib.sh sources.
install -m 0644 "$repo/tests/lib/tap.sh" "$stage/tests/tap.sh"

# Debian kernel modules the tests load, with their dependencies; ecc is
# kseal.ko's own dependency (the Tang exchange), built in on some kernels.
mods=(virtio_pci virtio_blk ext4 dm_crypt dm_mod tpm_vtpm_proxy gcm ghash_generic
      ctr xts aes_generic crc32c_generic cryptd dm_flakey loop
      ecc ecdh_generic drbg jitterentropy_rng sha512_generic qemu_fw_cfg
      virtio_net)
if [ "$img" != - ]; then
	mkdir -p "$stage/lib/modules/$abi"
	for m in "${mods[@]}"; do
		modprobe -d "$img" -S "$abi" --show-depends "$m" 2>/dev/null |
			awk '$1 == "insmod" { print $2 }'
	done | sort -u | while read -r ko; do
		rel=${ko#"$img"}
		mkdir -p "$stage$(dirname "$rel")"
		cp "$ko" "$stage$rel"
	done
	cp "$img/lib/modules/$abi"/modules.{order,builtin,builtin.modinfo} "$stage/lib/modules/$abi/"
	depmod -b "$stage" "$abi"
fi

install -m 0755 "$repo/tests/vm/guest/init" "$stage/init"

(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet) > "$out"
