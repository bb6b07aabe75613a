#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/debian13/test.sh   build kseal-dkms and ksealctl from the committed
#                          tree inside a Debian 13 (trixie) root, install
#                          them there with dpkg (DKMS builds the module for
#                          trixie's kernel headers) and check the result:
#                          dpkg's status, dkms status, the module's
#                          modinfo, the packaged ksealctl, trixie's
#                          lintian. The root is made once with mmdebstrap
#                          and cached; nothing on the system changes
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=${KSEAL_CACHE:-/var/cache/kseal}
ver=$(sed -n 's/^#define KSEAL_VERSION_STRING "\(.*\)"/\1/p' "$repo/include/kseal/version.h")
# shellcheck source=tests/lib/debroot.sh
. "$repo/tests/lib/debroot.sh"
# shellcheck source=tests/lib/tap.sh
. "$repo/tests/lib/tap.sh"
suite=trixie
# Given to mmdebstrap only: the system's apt sources stay as they are.
sources=(
	"deb http://deb.debian.org/debian $suite main"
	"deb http://deb.debian.org/debian $suite-updates main"
	"deb http://deb.debian.org/debian-security $suite-security main"
)

# build_deps: the package names in the source stanza's Build-Depends,
# Build-Depends-Arch and Build-Depends-Indep (first alternative, no
# version, architecture or profile), one per line. dpkg-buildpackage checks
# the versions itself.
build_deps() {
	awk '
		/^$/ { exit }
		/^[^[:space:]]/ { on = ($0 ~ /^Build-Depends(-Arch|-Indep)?:/) }
		on { sub(/^Build-Depends[^:]*:/, ""); printf "%s,", $0 }
	' "$repo/debian/control" | tr ',' '\n' |
		sed -e 's/|.*//' -e 's/([^)]*)//g' -e 's/\[[^]]*\]//g' -e 's/<[^>]*>//g' \
		    -e 's/:[a-z]*//' -e 's/[[:space:]]//g' |
		grep -v '^$' | sort -u
}

# base_root: print the path of a tarball holding a Debian 13 root with what
# building the packages needs, trixie's kernel headers and DKMS for the
# install, and lintian. Made with mmdebstrap (a few minutes) and cached by
# its package list and sources.
base_root() {
	local pkgs key
	pkgs=$( (build_deps; printf '%s\n' build-essential dpkg-dev linux-headers-amd64 dkms lintian) |
		sort -u | paste -sd, -)
	key=$(printf '%s\n' "$suite" "$pkgs" "${sources[@]}" | sha256sum | cut -c1-16)
	debroot_tar "$cache/debroot13" "$key" "$suite" "$pkgs" "${sources[@]}"
}

# in_root COMMAND...: run COMMAND in the root with a clean environment.
in_root() {
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

cleanup() {
	local m
	# Innermost first; lazily if something still holds one.
	for m in "$root/sys" "$root/dev" "$root/proc"; do
		if mountpoint -q "$m"; then
			umount -R "$m" 2>/dev/null || umount -R -l "$m"
		fi
	done
	# Never remove through a mount that is still there (the root's /dev
	# is the system's).
	if findmnt -rn -o TARGET | grep -qF "$tmp/"; then
		echo "debian13: $tmp still has mounts, left in place" >&2
		return 1
	fi
	rm -rf --one-file-system "$tmp"
}

case ${1:-} in
"")
	# Its own mount namespace: the root's mounts are seen by nothing else
	# and cannot outlive the test, even if it is killed.
	exec unshare --mount --propagation private -- "$0" in-namespace
	;;
in-namespace) ;;
*)
	sed -n '4,11s/^# \{0,1\}//p' "$0"
	exit 2
	;;
esac

tmp=$(mktemp -d)
root=$tmp/root
trap cleanup EXIT
trap 'exit 130' INT TERM
ok() { tap_ok "debian13: $1"; }
bad() { tap_not_ok "debian13: $1"; tap_detail "$tmp/log"; }

if ! tar=$(base_root 2>"$tmp/log"); then
	bad "making the Debian 13 root with mmdebstrap"
	exit 1
fi
mkdir -p "$root"
tar -xf "$tar" -C "$root"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount --make-rslave "$root/dev"
mount -t sysfs sysfs "$root/sys"

# Only tracked files: a package must not depend on local build output.
mkdir -p "$root/build/src"
git -C "$repo" ls-files -z | (cd "$repo" && xargs -0 cp --parents -t "$root/build/src")
debs=("/build/kseal-dkms_${ver}_all.deb" "/build/ksealctl_${ver}_amd64.deb")
if in_root sh -c 'cd /build/src && dpkg-buildpackage -us -uc -b' >"$tmp/build.log" 2>&1 &&
   ls "${debs[@]/#/$root}" >"$tmp/log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b builds kseal-dkms and ksealctl on Debian 13"
else
	tail -n 40 "$tmp/build.log" >>"$tmp/log"
	bad "dpkg-buildpackage on Debian 13"
	exit 1
fi

# As on a server: kseal-dkms's postinst builds and installs the module.
in_root dpkg -i "${debs[@]}" >"$tmp/log" 2>&1 || true
# shellcheck disable=SC2016
st=$(in_root dpkg-query -W -f '${Package} ${Version} ${db:Status-Status}\n' kseal-dkms ksealctl 2>&1 || true)
if [ "$st" = "kseal-dkms $ver installed
ksealctl $ver installed" ]; then
	ok "dpkg -i installs kseal-dkms and ksealctl $ver (dpkg-query: installed)"
else
	printf 'dpkg-query:\n%s\n' "$st" >>"$tmp/log"
	bad "dpkg -i kseal-dkms and ksealctl on Debian 13"
fi

# The ABI of the headers linux-headers-amd64 brings, as DKMS sees them.
# shellcheck disable=SC2016
abi=$(in_root dpkg-query -W -f '${Depends}' linux-headers-amd64 |
	sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p')
in_root dkms status kseal >"$tmp/log" 2>&1 || true
if grep -qF "kseal/$ver, $abi, " "$tmp/log" &&
   grep -F "kseal/$ver, $abi, " "$tmp/log" | grep -q ': installed'; then
	ok "dkms status: kseal $ver installed for $abi"
else
	echo "(wanted kseal/$ver, $abi, ...: installed)" >>"$tmp/log"
	bad "dkms status kseal for $abi"
fi

ko=$(cd "$root" && find "usr/lib/modules/$abi" -name 'kseal.ko*' 2>/dev/null | head -n1)
{
	echo "module: ${ko:-none under /usr/lib/modules/$abi}"
	[ -n "$ko" ] && in_root modinfo -F vermagic "/$ko" && in_root modinfo -F version "/$ko"
} >"$tmp/log" 2>&1 || true
vermagic=$(sed -n 2p "$tmp/log")
modver=$(sed -n 3p "$tmp/log")
if [ -n "$ko" ] && [ "${vermagic%% *}" = "$abi" ] && [ "$modver" = "$ver" ]; then
	ok "the installed kseal.ko's vermagic is $abi, its version $ver"
else
	echo "(wanted vermagic $abi ..., version $ver)" >>"$tmp/log"
	bad "modinfo of the installed kseal.ko"
fi

{
	in_root ksealctl --version
	in_root ldd /usr/sbin/ksealctl
} >"$tmp/log" 2>&1 || true
if [ "$(head -n1 "$tmp/log")" = "ksealctl $ver" ] &&
   grep -q 'libc\.so' "$tmp/log" && ! grep -q 'not found' "$tmp/log"; then
	ok "the packaged ksealctl --version says $ver; ldd finds every library"
else
	bad "the packaged ksealctl on Debian 13"
fi

# As an ordinary user, as lintian prefers.
if chroot --userspec=nobody:nogroup "$root" /usr/bin/env -i PATH=/usr/bin:/bin \
	HOME=/tmp LC_ALL=C.UTF-8 lintian --fail-on error,warning "${debs[@]}" >"$tmp/log" 2>&1; then
	ok "Debian 13's lintian reports no error or warning"
else
	bad "Debian 13's lintian"
fi
tap_done
