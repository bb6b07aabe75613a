#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/deb/test.sh   build kseal-dkms and ksealctl (scripts/deb.sh) in a
#                     scratch directory, run lintian, unpack them and run
#                     the packaged ksealctl; install them with dpkg into a
#                     Debian root (DKMS builds the module there) and boot
#                     the VM on it (installed.sh): the module is loaded,
#                     the packaged ksealctl makes and loads a key, and the
#                     root's systemd runs the boot unit and mounts a kseal
#                     volume through the package's generator (needs
#                     kmod/kseal.ko built for the VM harness)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# build() and $repo.
# shellcheck source=scripts/deb.sh
. "$here/../../scripts/deb.sh"
ver=$(sed -n 's/^#define KSEAL_VERSION_STRING "\(.*\)"/\1/p' "$repo/include/kseal/version.h")
# shellcheck source=tests/lib/debroot.sh
. "$repo/tests/lib/debroot.sh"
# shellcheck source=tests/lib/tap.sh
. "$repo/tests/lib/tap.sh"
# Unnumbered: the VM runner's lines follow.
TAP_NUMBERS=0
cache=${KSEAL_CACHE:-/var/cache/kseal}

# deb_names DEPENDS: the package names in Depends fields (first
# alternative, no version), one per line, the packages themselves left out.
deb_names() {
	printf '%s\n' "$1" | tr ',' '\n' |
		sed -e 's/|.*//' -e 's/(.*)//' -e 's/[[:space:]]//g' |
		grep -vxE 'kseal-dkms|ksealctl|' | sort -u
}

# base_root ABI DEB...: print the path of a tarball holding a minimal
# Debian root with what the packages depend on and the kernel headers DKMS
# builds against, and systemd, whose units the boot unit is checked
# against, with udev, whose device units the volume units wait for (and
# the mount of /dev/mapper/NAME). Made with mmdebstrap from this machine's apt sources,
# about a minute, and cached by its package list and the packages'
# versioned dependencies.
base_root() {
	local abi=$1 depends pkgs key f srcs=()
	shift
	depends=$(for f in "$@"; do dpkg-deb -f "$f" Depends; done)
	pkgs=$( (deb_names "$depends"; echo kmod; echo systemd; echo udev; echo "linux-headers-$abi") |
		sort -u | paste -sd, -)
	# Versions count too: a newer library the helper was linked against
	# must not meet an older root.
	key=$(printf '%s\n%s\n' "$pkgs" "$depends" | sha256sum | cut -c1-16)
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		 /etc/apt/sources.list.d/*.sources; do
		[ -s "$f" ] && grep -qv '^[[:space:]]*\(#\|$\)' "$f" && srcs+=("$f")
	done
	# shellcheck disable=SC1091
	debroot_tar "$cache/debroot" "$key" "$(. /etc/os-release && echo "$VERSION_CODENAME")" \
		"$pkgs" "${srcs[@]}" || {
		echo "deb: is linux-headers-$abi still in the archive? apt-get update and make deps" >&2
		return 1
	}
}

# install_root TARBALL ROOT DEB...: unpack the base root and install the
# packages into it with dpkg, as on a server: kseal-dkms's post-install
# script builds and installs the module with DKMS. Private mounts, so
# nothing outlives the command.
install_root() {
	local tar=$1 root=$2 d in=()
	shift 2
	mkdir -p "$root"
	tar -xf "$tar" -C "$root"
	for d in "$@"; do
		cp "$d" "$root/tmp/"
		in+=("/tmp/$(basename "$d")")
	done
	unshare -m sh -ec '
		root=$1
		shift
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		mount -t sysfs sysfs "$root/sys"
		chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			DEBIAN_FRONTEND=noninteractive dpkg -i "$@"
	' sh "$root" "${in[@]}"
	rm -f "$root"/tmp/*.deb
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if build "$tmp/out" 2>"$tmp/log"; then
	tap_ok "deb: dpkg-buildpackage -us -uc -b builds kseal-dkms and ksealctl"
else
	tap_not_ok "deb: dpkg-buildpackage failed"
	tap_detail "$tmp/log"
	exit 1
fi
if lintian --fail-on error,warning "$tmp"/out/*.deb >"$tmp/log" 2>&1; then
	tap_ok "deb: lintian reports no error or warning"
else
	tap_not_ok "deb: lintian"
	tap_detail "$tmp/log"
fi
debs=("$tmp"/out/kseal-dkms_"$ver"_*.deb "$tmp"/out/ksealctl_"$ver"_*.deb)
for d in "${debs[@]}"; do
	dpkg -x "$d" "$tmp/root"
done
if "$tmp/root/usr/sbin/ksealctl" --version | grep -qx "ksealctl $ver"; then
	tap_ok "deb: the packaged ksealctl --version says $ver"
else
	tap_not_ok "deb: the packaged ksealctl --version"
fi
if [ -f "$tmp/root/usr/lib/systemd/system/kseal-load.service" ] &&
   [ -f "$tmp/root/usr/share/man/man8/ksealctl.8.gz" ]; then
	tap_ok "deb: the unit and the man page are packaged"
else
	tap_not_ok "deb: unit or man page missing from ksealctl"
fi
gen="$tmp/root/usr/lib/systemd/system-generators/kseal-volume-generator"
if [ -x "$gen" ] && [ "$(sed -e '/^#/d' "$gen")" = 'exec /usr/sbin/ksealctl volume generate "$@"' ] &&
   [ "$(head -n 1 "$gen")" = '#!/bin/sh' ] &&
   zcat "$tmp/root/usr/share/man/man5/kseal-volumes.5.gz" | grep -q '^\.TH KSEAL\\-VOLUMES 5 ' &&
   cmp -s "$tmp/root/etc/kseal/volumes" "$repo/userspace/volumes" &&
   dpkg-deb -I "$tmp/out/ksealctl_${ver}_"*.deb conffiles | grep -qx /etc/kseal/volumes; then
	tap_ok "deb: the volume generator (running /usr/sbin/ksealctl), kseal-volumes(5) and the sample volumes file (a conffile) are packaged"
else
	tap_not_ok "deb: generator, kseal-volumes(5) or /etc/kseal/volumes missing from ksealctl or wrong"
fi
abi=$(cut -d' ' -f1 "$cache/image/.stamp")
if base=$(base_root "$abi" "${debs[@]}" 2>"$tmp/log") &&
   install_root "$base" "$tmp/proot" "${debs[@]}" >"$tmp/log" 2>&1 &&
   [ -f "$tmp/proot/lib/modules/$abi/updates/dkms/kseal.ko" ]; then
	tap_ok "deb: dpkg -i installs both into a Debian root; DKMS built kseal.ko for $abi"
else
	tap_not_ok "deb: installing the packages into a Debian root"
	tap_detail "$tmp/log"
	exit 1
fi
# Ordering cycles, unknown settings, a missing ExecStart program, against
# Debian's own units (cryptsetup-pre.target, sysinit.target...).
if systemd-analyze verify --root="$tmp/proot" --man=no kseal-load.service >"$tmp/log" 2>&1 &&
   [ ! -s "$tmp/log" ]; then
	tap_ok "deb: systemd-analyze verify finds nothing wrong with the installed kseal-load.service"
else
	tap_not_ok "deb: systemd-analyze verify kseal-load.service"
	tap_detail "$tmp/log"
fi
# The root becomes the VM's disk; the VM suite checks it from inside,
# the second boot under the root's own systemd, whose report unit (test
# scaffolding, not packaged) is added here, with the TAP emitter it uses.
install -D -m 0644 "$repo/tests/deb/kseal-vmtest.service" \
	"$tmp/proot/etc/systemd/system/kseal-vmtest.service"
install -D -m 0755 "$repo/tests/deb/kseal-vmtest" "$tmp/proot/usr/local/sbin/kseal-vmtest"
install -D -m 0644 "$repo/tests/lib/tap.sh" "$tmp/proot/usr/local/lib/kseal-vmtest/tap.sh"
mb=$(du -sm "$tmp/proot" | cut -f1)
truncate -s $((mb + 256))M "$tmp/proot.img"
mkfs.ext4 -q -F -L kseal-pkg -d "$tmp/proot" "$tmp/proot.img"
rm -rf "$tmp/proot"
KSEAL_PKG_IMG="$tmp/proot.img" KSEAL_PKG_VERSION="$ver" \
	"$repo/tests/vm/run" --suite-file "$repo/tests/deb/installed.sh" |
	grep -v '^[0-9]* passed, [0-9]* failed'
vm_rc=${PIPESTATUS[0]}
# The host's cases count too.
tap_done || exit 1
exit "$vm_rc"
