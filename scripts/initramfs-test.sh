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
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${KSEAL_CACHE:-/var/cache/kseal}
img="$cache/image"
abi=$(cut -d' ' -f1 "$img/.stamp" 2>/dev/null)
hookfn=/usr/share/initramfs-tools/hook-functions

fail() { echo "initramfs-test: $*" >&2; exit 2; }
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

# run_hook CONF DESTDIR: the hook as mkinitramfs runs it (usr-merged stage,
# the variables it exports), with the scratch modules as /lib/modules.
run_hook() {
	local d=$2 x
	mkdir -p "$d/usr/bin" "$d/usr/lib" "$d/usr/sbin" "$d/usr/lib64" "$d/conf"
	for x in bin lib lib64 sbin; do ln -s "usr/$x" "$d/$x"; done
	: > "$d/conf/modules"
	unshare -m --propagation private sh -c '
		mount --bind "$1" /usr/lib/modules || exit 1
		DESTDIR=$2 MODULESDIR=/lib/modules/$3 version=$3 verbose=n \
		CONFDIR=/etc/initramfs-tools KSEAL_CONF=$4 \
		KSEALCTL=$5 "$6"
	' - "$work/modules" "$d" "$abi" "$1" "$repo/userspace/ksealctl" \
		"$repo/userspace/initramfs/hooks/kseal"
}

n=0
failed=0
t() {
	local desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc"
		failed=1
	fi
}

on="$work/on"
run_hook "$work/on.conf" "$on" > "$work/on.log" 2>&1
rc=$?
sed 's/^/# /' "$work/on.log"
t "hook with INITRAMFS=yes exits 0" [ "$rc" = 0 ]
t "ksealctl in /usr/sbin" [ -x "$on/usr/sbin/ksealctl" ]
libs_ok() {
	local l missing=0
	for l in $(ldd "$repo/userspace/ksealctl" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
		[ -e "$on/usr${l#/usr}" ] || { echo "# missing $l"; missing=1; }
	done
	return $missing
}
t "every shared library of ksealctl" libs_ok
t "libtss2-esys (a ksealctl library) among them" \
	sh -c 'ls "$1"/usr/lib/*/libtss2-esys.so.0 >/dev/null 2>&1' - "$on"
t "the dlopen()ed TCTI libtss2-tcti-device.so.0" \
	sh -c 'ls "$1"/usr/lib/*/libtss2-tcti-device.so.0 >/dev/null 2>&1' - "$on"
t "kseal.ko in the modules tree" \
	[ -f "$on/usr/lib/modules/$abi/updates/kseal.ko" ]
t "the staged kseal.ko is ours" \
	cmp -s "$on/usr/lib/modules/$abi/updates/kseal.ko" "$repo/kmod/kseal.ko"
t "the configuration as /etc/kseal/kseal.conf" \
	cmp -s "$on/etc/kseal/kseal.conf" "$work/on.conf"
t "the state directory at STATE_DIR, blob included" \
	cmp -s "$on$work/state/current/root.json" "$work/state/gen-00000001/root.json"
t "state.json copied" [ -f "$on$work/state/state.json" ]
t "'current' stays a link to the generation" \
	[ "$(readlink "$on$work/state/current")" = gen-00000001 ]
t "the running system's lock file left out" [ ! -e "$on$work/state/lock" ]
t "the copied key files and state.json are mode 0600" \
	[ "$(stat -c %a "$on$work/state/gen-00000001/root.json" "$on$work/state/state.json")" = "600
600" ]
t "the copied state directories are mode 0700" \
	[ "$(stat -c %a "$on$work/state" "$on$work/state/gen-00000001")" = "700
700" ]
t "nothing in the copied state is readable by group or others" \
	[ -z "$(find "$on$work/state" ! -type l -perm /077)" ]
t "nothing under /var/lib/kseal when STATE_DIR points elsewhere" \
	[ ! -e "$on/var/lib/kseal" ]

off="$work/off"
run_hook "$work/off.conf" "$off" > "$work/off.log" 2>&1
rc=$?
sed 's/^/# /' "$work/off.log"
t "hook with INITRAMFS unset exits 0" [ "$rc" = 0 ]
t "with INITRAMFS unset the hook adds nothing" \
	[ -z "$(find "$off" -mindepth 1 ! -type l ! -path "$off/usr" ! -path "$off/usr/bin" \
		! -path "$off/usr/lib" ! -path "$off/usr/sbin" ! -path "$off/usr/lib64" \
		! -path "$off/conf" ! -path "$off/conf/modules")" ]

echo "1..$n"
exit $failed
