#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the upstream "trusted" key type as a module for Debian's kernel, the
# benchmark's TPM-sealed anchor: Debian leaves CONFIG_TRUSTED_KEYS off. The
# sources come from Debian's linux-source package at bench time and are
# never part of this repository; the module is cached in $CACHE/bench.
#
# Usage: tests/bench/trusted-ko.sh KDIR    prints the path of trusted.ko
# Exit 1 with one line on stderr saying why when it cannot be built.
set -euo pipefail

kdir=$1
CACHE=${KSEAL_CACHE:-/var/cache/kseal}
out="$CACHE/bench"
abi_stamp=$(cat "$CACHE/image/.stamp" 2>/dev/null) ||
	{ echo "trusted-ko: no kernel image cached; run 'make deps'" >&2; exit 1; }
ver=${abi_stamp#* }
abi=${abi_stamp%% *}
want="$ver $kdir"
if [ -f "$out/trusted.ko" ] && [ "$(cat "$out/.stamp" 2>/dev/null)" = "$want" ]; then
	echo "$out/trusted.ko"
	exit 0
fi

# The files the module needs, from an unpacked tree when one is cached
# (scripts/debug-kernel.sh or by hand), else straight from the package.
files=(security/keys/trusted-keys/trusted_core.c
       security/keys/trusted-keys/trusted_tpm1.c
       security/keys/trusted-keys/trusted_tpm2.c
       security/keys/trusted-keys/tpm2key.asn1
       lib/asn1_encoder.c scripts/asn1_compiler.c
       include/linux/asn1_ber_bytecode.h include/linux/asn1.h)
src=""
for d in "$CACHE/linux/linux-source-6.1" "$CACHE/debug/src"; do
	[ -f "$d/security/keys/trusted-keys/trusted_tpm2.c" ] && { src=$d; break; }
done
rm -rf "$out/build" && mkdir -p "$out/build/src"
if [ -z "$src" ]; then
	src_pkg="linux-source-$(echo "$abi" | cut -d. -f1-2)"
	deb=$(ls "$CACHE"/dl/"${src_pkg}"_"${ver}"_*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		mkdir -p "$CACHE/dl"
		chown _apt "$CACHE/dl" 2>/dev/null || true
		(cd "$CACHE/dl" && apt-get download -q "$src_pkg=$ver" >&2) ||
			{ echo "trusted-ko: cannot download $src_pkg $ver" >&2; exit 1; }
		deb=$(ls "$CACHE"/dl/"${src_pkg}"_"${ver}"_*.deb | head -n1)
	fi
	echo "trusted-ko: extracting the trusted-keys sources from $src_pkg" >&2
	dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards './usr/src/*.tar.xz' |
		tar -xJ -C "$out/build/src" --strip-components=1 \
			"${files[@]/#/linux-source-6.1/}" ||
		{ echo "trusted-ko: $src_pkg lacks the trusted-keys sources" >&2; exit 1; }
	src="$out/build/src"
fi

b="$out/build"
cp "$src"/security/keys/trusted-keys/trusted_{core,tpm1,tpm2}.c "$src/lib/asn1_encoder.c" "$b/"
# The ASN.1 compiler is a host tool the headers package does not ship.
gcc -O2 -I"$src/include" -o "$b/asn1_compiler" "$src/scripts/asn1_compiler.c" 2>"$b/log" ||
	{ echo "trusted-ko: building scripts/asn1_compiler failed: $(head -n1 "$b/log")" >&2; exit 1; }
# Generated under a name kbuild has no .asn1 rule for (that rule wants the
# compiler in the headers tree).
"$b/asn1_compiler" "$src/security/keys/trusted-keys/tpm2key.asn1" \
	"$b/tpm2key_asn1.c" "$b/tpm2key.asn1.h"
cat > "$b/Kbuild" <<'EOF'
obj-m := trusted.o
trusted-y := trusted_core.o trusted_tpm1.o trusted_tpm2.o tpm2key_asn1.o asn1_encoder.o
ccflags-y := -DCONFIG_TRUSTED_KEYS_TPM=1 -I$(src)
EOF
if ! make -s -C "$kdir" M="$b" modules >"$b/log" 2>&1; then
	echo "trusted-ko: kbuild failed: $(grep -m1 -E 'error|ERROR' "$b/log")" >&2
	exit 1
fi
cp "$b/trusted.ko" "$out/trusted.ko"
echo "$want" > "$out/.stamp"
echo "$out/trusted.ko"
