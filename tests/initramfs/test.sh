#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs the real initramfs-tools hook (userspace/initramfs/hooks/kseal) with
# the real hook-functions into a scratch stage, against the cached Debian
# kernel modules plus our kseal.ko, and checks what it copied. TAP output.
# Needs root (a private mount namespace shows the scratch modules tree as
# /lib/modules, which modprobe and modinfo in hook-functions read) and
# `make -s all` first.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$repo/tests/lib/tap.sh"
cache=${KSEAL_CACHE:-/var/cache/kseal}
img="$cache/image"
abi=$(cut -d' ' -f1 "$img/.stamp" 2>/dev/null)
hookfn=/usr/share/initramfs-tools/hook-functions

fail() { tap_bail "initramfs test: $*"; }
[ -n "$abi" ] && [ -d "$img/lib/modules/$abi" ] ||
	fail "no cached kernel modules in $img; run 'make deps' first"
[ -f "$hookfn" ] || fail "no $hookfn; run 'make deps' (initramfs-tools-core)"
[ -f "$repo/kmod/kseal.ko" ] && [ -x "$repo/userspace/ksealctl" ] ||
	fail "build first: make -s all"
[ "$(id -u)" = 0 ] || fail "run as root (it needs a private mount namespace)"

work=$(mktemp -d /tmp/kseal-initramfs.XXXXXX)
trap 'rm -rf "$work"' EXIT

# A scratch modules tree: hard links (or copies) of the cache, never the
# cache itself, plus our module; depmod replaces the index files only.
mkdir -p "$work/modules"
cp -al "$img/lib/modules/$abi" "$work/modules/" 2>/dev/null ||
	cp -a "$img/lib/modules/$abi" "$work/modules/"
mkdir -p "$work/modules/$abi/updates"
cp "$repo/kmod/kseal.ko" "$work/modules/$abi/updates/kseal.ko"
rm -f "$work/modules/$abi"/modules.{dep,dep.bin,alias,alias.bin,softdep,symbols,symbols.bin,builtin.bin,builtin.alias.bin,devname}
mkdir -p "$work/root/lib"
ln -s "$work/modules" "$work/root/lib/modules"
depmod -b "$work/root" "$abi" || fail "depmod on the scratch tree failed"

mkdir -p "$work/state/current.d/gen-00000001"
printf '{"name":"root","blob":"00"}\n' > "$work/state/current.d/gen-00000001/root.json"
mv "$work/state/current.d/gen-00000001" "$work/state/"
rmdir "$work/state/current.d"
ln -s gen-00000001 "$work/state/current"
printf '{}\n' > "$work/state/state.json"
: > "$work/state/lock"
# Readable by all, as a restored backup may be: the copies must not be.
chmod 0755 "$work/state" "$work/state/gen-00000001"
chmod 0644 "$work/state/gen-00000001/root.json" "$work/state/state.json"
printf 'LOCK_PCR=15\nSTATE_DIR=%s\nINITRAMFS=yes\n' "$work/state" > "$work/on.conf"
printf 'LOCK_PCR=15\nSTATE_DIR=%s\n' "$work/state" > "$work/off.conf"
# Volumes files: one volume marked initramfs (not the first option), and
# one where the word appears everywhere but in a line's options.
cat > "$work/vol-initramfs" <<'VOL'
# name	device			key	options
data	/dev/disk/by-id/virtio-d	datakey	discard
root2	/dev/disk/by-id/virtio-r	rootkey	nofail,initramfs,sector-size=4096
VOL
cat > "$work/vol-none" <<'VOL'
#root2	/dev/disk/by-id/virtio-r	rootkey	initramfs
initramfs	/dev/disk/by-id/initramfs	initramfs	discard,nofail
VOL

# run_hook CONF DESTDIR VOLUMES: the hook as mkinitramfs runs it
# (usr-merged stage, the variables it exports), with the scratch modules
# as /lib/modules.
run_hook() {
	local d=$2 x
	mkdir -p "$d/usr/bin" "$d/usr/lib" "$d/usr/sbin" "$d/usr/lib64" "$d/conf"
	for x in bin lib lib64 sbin; do ln -s "usr/$x" "$d/$x"; done
	: > "$d/conf/modules"
	unshare -m --propagation private sh -c '
		mount --bind "$1" /usr/lib/modules || exit 1
		DESTDIR=$2 MODULESDIR=/lib/modules/$3 version=$3 verbose=n \
		CONFDIR=/etc/initramfs-tools KSEAL_CONF=$4 \
		KSEALCTL=$5 KSEAL_VOLUMES=$7 "$6"
	' - "$work/modules" "$d" "$abi" "$1" "$repo/userspace/ksealctl" \
		"$repo/userspace/initramfs/hooks/kseal" "$3"
}

# staged DIR NAME: the path of module NAME (file name, no .ko) in DIR's
# modules tree, empty if it is not there.
staged() {
	find "$1/usr/lib/modules/$abi" -name "$2.ko*" 2>/dev/null | head -n 1
}
# same_module DIR PATH: DIR holds the cache's kernel/PATH, byte for byte.
same_module() {
	cmp -s "$1/usr/lib/modules/$abi/kernel/$2" "$img/lib/modules/$abi/kernel/$2"
}

# hook NAME CONF VOLUMES: run_hook into $work/NAME, its output kept in
# $work/NAME.log and shown as TAP comments; rc is its exit status.
hook() {
	run_hook "$2" "$work/$1" "$3" > "$work/$1.log" 2>&1
	rc=$?
	tap_detail "$work/$1.log"
}

on="$work/on"
hook on "$work/on.conf" "$work/vol-initramfs"
tap_check "hook with INITRAMFS=yes exits 0" [ "$rc" = 0 ]
tap_check "ksealctl in /usr/sbin" [ -x "$on/usr/sbin/ksealctl" ]
libs_ok() {
	local l missing=0
	for l in $(ldd "$repo/userspace/ksealctl" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
		[ -e "$on/usr${l#/usr}" ] || { tap_diag "missing $l"; missing=1; }
	done
	return $missing
}
tap_check "every shared library of ksealctl" libs_ok
tap_check "libtss2-esys (a ksealctl library) among them" \
	sh -c 'ls "$1"/usr/lib/*/libtss2-esys.so.0 >/dev/null 2>&1' - "$on"
tap_check "the dlopen()ed TCTI libtss2-tcti-device.so.0" \
	sh -c 'ls "$1"/usr/lib/*/libtss2-tcti-device.so.0 >/dev/null 2>&1' - "$on"
tap_check "kseal.ko in the modules tree" \
	[ -f "$on/usr/lib/modules/$abi/updates/kseal.ko" ]
tap_check "the staged kseal.ko is ours" \
	cmp -s "$on/usr/lib/modules/$abi/updates/kseal.ko" "$repo/kmod/kseal.ko"
# kseal.ko uses ecdh_generic's symbols (copied as its dependency); the RNG
# the ECDH key comes from is loaded on demand, so the hook names it.
for m in ecdh_generic drbg sha512_generic jitterentropy_rng; do
	tap_check "$m, which salted TPM sessions need, in the initramfs" \
		sh -c 'find "$1/usr/lib/modules/$2" -name "$3.ko*" | grep -q .' - "$on" "$abi" "$m"
done
tap_check "the configuration as /etc/kseal/kseal.conf" \
	cmp -s "$on/etc/kseal/kseal.conf" "$work/on.conf"
tap_check "the state directory at STATE_DIR, blob included" \
	cmp -s "$on$work/state/current/root.json" "$work/state/gen-00000001/root.json"
tap_check "state.json copied" [ -f "$on$work/state/state.json" ]
tap_check "'current' stays a link to the generation" \
	[ "$(readlink "$on$work/state/current")" = gen-00000001 ]
tap_check "the running system's lock file left out" [ ! -e "$on$work/state/lock" ]
tap_check "the copied key files and state.json are mode 0600" \
	[ "$(stat -c %a "$on$work/state/gen-00000001/root.json" "$on$work/state/state.json")" = "600
600" ]
tap_check "the copied state directories are mode 0700" \
	[ "$(stat -c %a "$on$work/state" "$on$work/state/gen-00000001")" = "700
700" ]
tap_check "nothing in the copied state is readable by group or others" \
	[ -z "$(find "$on$work/state" ! -type l -perm /077)" ]
tap_check "nothing under /var/lib/kseal when STATE_DIR points elsewhere" \
	[ ! -e "$on/var/lib/kseal" ]
tap_check "a volume marked initramfs: the volumes file as /etc/kseal/volumes" \
	cmp -s "$on/etc/kseal/volumes" "$work/vol-initramfs"
tap_check "and the kernel's dm-crypt.ko" same_module "$on" drivers/md/dm-crypt.ko
tap_check "and the kernel's dm-mod.ko" same_module "$on" drivers/md/dm-mod.ko
tap_check "and the kernel's xts.ko (for aes-xts-plain64)" same_module "$on" crypto/xts.ko

novol="$work/novol"
hook novol "$work/on.conf" "$work/vol-none"
tap_check "hook with no volume marked initramfs exits 0" [ "$rc" = 0 ]
tap_check "it still stages the keys (ksealctl, the state directory)" \
	cmp -s "$novol$work/state/current/root.json" "$work/state/gen-00000001/root.json"
tap_check "no volume marked initramfs: no volumes file in the image" \
	[ ! -e "$novol/etc/kseal/volumes" ]
tap_check "no volume marked initramfs: no dm-crypt module" [ -z "$(staged "$novol" dm-crypt)" ]

novolf="$work/novolf"
hook novolf "$work/on.conf" "$work/no-such-file"
tap_check "hook with no volumes file exits 0" [ "$rc" = 0 ]
tap_check "no volumes file: none in the image" [ ! -e "$novolf/etc/kseal/volumes" ]
tap_check "no volumes file: no dm-crypt module" [ -z "$(staged "$novolf" dm-crypt)" ]

off="$work/off"
hook off "$work/off.conf" "$work/vol-initramfs"
tap_check "hook with INITRAMFS unset exits 0" [ "$rc" = 0 ]
tap_check "with INITRAMFS unset, a volume marked initramfs is warned about" \
	grep -q "^W: kseal: $work/vol-initramfs marks volumes initramfs but INITRAMFS is not yes" "$work/off.log"
tap_check "with INITRAMFS unset the hook adds nothing" \
	[ -z "$(find "$off" -mindepth 1 ! -type l ! -path "$off/usr" ! -path "$off/usr/bin" \
		! -path "$off/usr/lib" ! -path "$off/usr/sbin" ! -path "$off/usr/lib64" \
		! -path "$off/conf" ! -path "$off/conf/modules")" ]

tap_done
