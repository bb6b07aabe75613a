# SPDX-License-Identifier: GPL-2.0-only
# VM suite run by tests/deb/test.sh (not one of tests/vm/suites: it needs
# the root file system that script makes). The disk is a Debian root into
# which dpkg installed kseal-dkms and ksealctl, DKMS building the module
# for the VM's kernel in the package's post-install script. The guest runs
# the installed files with the installed libraries (chroot into that
# root): the DKMS-built module is loaded with modprobe and the packaged
# ksealctl provisions the TPM, creates, loads, lists and locks a key; the
# boot unit is enabled and a lock PCR configured, as an admin would. The
# second boot runs the root's own systemd: the package's modules-load.d
# loads the module and kseal-load.service loads the keys, asks for the
# recovery passphrases of two keys whose PCR changed (a test password
# agent answers for one, wrongly at first), and locks before cryptsetup-pre.target although
# a stray file and the unanswered key make the loading fail. The third
# boot kills the unit's ksealctl: its ExecStopPost still locks, and the
# key resealed at the second boot loads without a passphrase
# (tests/deb/kseal-vmtest reports). A second disk is a kseal volume,
# formatted with the packaged ksealctl at the first boot and a file
# written into it, listed in /etc/kseal/volumes and mounted by /etc/fstab:
# at the second boot the package's systemd generator makes its unit, which
# opens it after kseal-load.service, and systemd mounts it; at the third,
# whose key does not load, it is marked nofail and the boot goes on.
[ -n "${KSEAL_PKG_IMG:-}" ] && [ -f "$KSEAL_PKG_IMG" ] || {
	vm_note_fail "packages: KSEAL_PKG_IMG must name the installed root's disk image"
	return
}
mv "$KSEAL_PKG_IMG" "$VM_DIR/disk-pkg.img"
# The volume's disk: raw zeros, no signature for volume format to refuse.
rm -f "$VM_DIR/disk-vol.img"
truncate -s 32M "$VM_DIR/disk-vol.img"
# The guest learns the version from the host; the rest is verbatim.
vm_boot --tpm default --disk pkg --disk2 vol "packages: installed with dpkg, loaded in the VM" < <(
	echo "VER='${KSEAL_PKG_VERSION:?}'"
	cat <<'GUEST'
R=/data
for d in dev proc sys tmp run; do mkdir -p "$R/$d"; done
mount --bind /dev "$R/dev"
mount -t proc proc "$R/proc"
mount -t sysfs sysfs "$R/sys"
mount -t securityfs securityfs "$R/sys/kernel/security" 2>/dev/null
mount -t tmpfs tmpfs "$R/tmp"
mount -t tmpfs tmpfs "$R/run"
# Everything below runs the root's own programs and libraries.
in_root() { chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }
K=$(uname -r)

in_root dpkg-query -W -f='${Package} ${Version} ${db:Status-Status}\n' kseal-dkms ksealctl \
	> /tmp/dpkg.out 2>&1
check "dpkg says both packages are installed" sh -c \
	"cat /tmp/dpkg.out; grep -qx 'kseal-dkms $VER installed' /tmp/dpkg.out && grep -qx 'ksealctl $VER installed' /tmp/dpkg.out"
check "dkms status: kseal/$VER installed for $K" sh -c \
	"chroot $R dkms status kseal | tee /dev/stderr | grep -q '^kseal/$VER, $K, x86_64: installed'"
# The root has kernel headers but no kernel package: root_add_modules
# gives it this kernel's modules, as the kernel package would.
root_add_modules() {
	for m in "$@"; do
		for f in $(find "/lib/modules/$K/kernel" -name "$m.ko*" -o -name "$(echo "$m" | tr _ -).ko*"); do
			[ -f "$R$f" ] || { mkdir -p "$R${f%/*}" && cp "$f" "$R$f"; }
		done
	done
	for f in /lib/modules/"$K"/modules.builtin*; do
		[ -f "$R$f" ] || cp "$f" "$R$f"
	done
}
# What kseal.ko needs: ecdh_generic and ecc for their symbols, the default
# RNG (drbg, sha512_generic, jitterentropy_rng) its ECDH key comes from.
root_add_modules ecdh_generic ecc drbg sha512_generic jitterentropy_rng
check "depmod in the root with the modules kseal needs" in_root depmod "$K"
check "kseal is not loaded before modprobe" sh -c '! grep -q "^kseal " /proc/modules'
check "modprobe kseal loads the DKMS-built module" in_root modprobe kseal
check "the loaded module says version $VER" sh -c "test \"\$(cat /sys/module/kseal/version)\" = '$VER'"
check "it is the file DKMS installed (same srcversion)" sh -c \
	"test \"\$(chroot $R modinfo -F srcversion /lib/modules/$K/updates/dkms/kseal.ko)\" = \"\$(cat /sys/module/kseal/srcversion)\""
check "the packaged ksealctl --version says $VER" sh -c \
	"chroot $R ksealctl --version | grep -qx 'ksealctl $VER'"
check "the unit, the configuration, the man pages and completion are installed" in_root sh -c '
	test -f /usr/lib/systemd/system/kseal-load.service &&
	grep -qx "ExecStart=/usr/sbin/ksealctl boot" /usr/lib/systemd/system/kseal-load.service &&
	grep -qx "ExecStopPost=/usr/sbin/ksealctl lock --if-configured" /usr/lib/systemd/system/kseal-load.service &&
	test -f /etc/kseal/kseal.conf && dpkg-query -W -f="\${Conffiles}" ksealctl | grep -q /etc/kseal/kseal.conf &&
	test -f /usr/share/man/man8/ksealctl.8.gz && test -f /usr/share/man/man7/kseal.7.gz &&
	test -f /usr/share/bash-completion/completions/ksealctl'
check "the volume generator, kseal-volumes(5) and the sample volumes file are installed" in_root sh -c '
	test -x /usr/lib/systemd/system-generators/kseal-volume-generator &&
	test -f /usr/share/man/man5/kseal-volumes.5.gz &&
	dpkg-query -W -f="\${Conffiles}" ksealctl | grep -q /etc/kseal/volumes &&
	! grep -qv "^#" /etc/kseal/volumes'
check "provision with the packaged helper" in_root ksealctl provision
check "create a key bound to PCR 7 in the packaged state directory" in_root ksealctl create vol --pcrs 7
check "its blob is in /var/lib/kseal" test -s "$R/var/lib/kseal/current/vol.json"
check "load --all (the unit's command line) loads it" in_root ksealctl load --all
check "list shows it loaded" sh -c "chroot $R ksealctl list | grep -q '^vol .* yes ('"
check "the key is in the kernel keyrings" grep -q 'vol: sealed pcrs=7' /proc/keys
in_root ksealctl status > /tmp/status.out 2>&1
sed 's/^/#   /' /tmp/status.out
check "status: module loaded, version $VER" grep -q "^OK *module .*version $VER" /tmp/status.out
check "status: a module built by DKMS without a MOK key is reported unsigned" \
	grep -q '^WARN *module-signed ' /tmp/status.out
check "the unit's ExecStopPost line (lock --if-configured) succeeds" in_root ksealctl lock --if-configured
# The volume: a data key under vol, the second disk formatted with it and
# listed in /etc/kseal/volumes, an ext4 file system in it holding a file
# with a random line, and /etc/fstab mounting it, as an admin would.
check "create the volume's data key under vol, offered as logon kseal:vdk" \
	in_root ksealctl create vdk --wrapped-by vol --bytes 64 --logon kseal:vdk
check "volume format /dev/vdb --key vdk with the packaged helper" \
	in_root ksealctl volume format /dev/vdb --key vdk
printf 'secure-data\t/dev/vdb\tvdk\n' >> "$R/etc/kseal/volumes"
check "volume open secure-data, the volumes file's entry" in_root ksealctl volume open secure-data
check "mkfs.ext4 /dev/mapper/secure-data" in_root mkfs.ext4 -q /dev/mapper/secure-data
printf 'written at the first boot: %s\n' "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
	> "$R/root/volume.expected"
mkdir -p /tmp/vol "$R/srv/data"
check "a file written into it" sh -c "mount /dev/mapper/secure-data /tmp/vol &&
	cp $R/root/volume.expected /tmp/vol/hello && umount /tmp/vol"
check "volume close secure-data" in_root ksealctl volume close secure-data
check "the disk holds no plaintext" sh -c "! grep -qF \"\$(cat $R/root/volume.expected)\" /dev/vdb"
printf '/dev/mapper/secure-data /srv/data ext4 defaults 0 0\n' >> "$R/etc/fstab"
# Two keys sealed while PCR 8 held another value, as before a firmware
# update: at the next boot their PCR policy refuses them. rec1 has a data
# key; the test agent below answers rec1's prompt only.
tpm2 pcrextend "8:sha256=$(printf 'firmware v1' | sha256sum | cut -d' ' -f1)"
printf 'rec1-passphrase\n' > "$R/tmp/p1"
printf 'rec2-passphrase\n' > "$R/tmp/p2"
check "create rec1 and rec2 bound to PCR 8 with recovery passphrases, a data key under rec1" in_root sh -c '
	ksealctl -q create rec1 --pcrs 8 --recovery-fd 3 3</tmp/p1 &&
	ksealctl -q create rec1d --wrapped-by rec1 --bytes 32 &&
	ksealctl -q create rec2 --pcrs 8 --recovery-fd 3 3</tmp/p2'
md5sum < "$R/var/lib/kseal/current/rec1.json" > "$R/root/rec1.before"
# The keys and the volume above made this kernel load more (AES-GCM for
# data keys, dm-crypt and XTS): into the root for the next boot.
root_add_modules $(cut -d' ' -f1 /proc/modules)
check "depmod in the root after adding the kernel's loaded modules" in_root depmod "$K"
# A stray editor backup in the state directory: load --all exits 2.
cp "$R/var/lib/kseal/current/vol.json" "$R/var/lib/kseal/current/vol.json~"
# Test scaffolding, not packaged: a password agent (the protocol of
# systemd.io/PASSWORD_AGENTS) that answers kseal's first prompt for rec1
# with a wrong passphrase and the next with the right one, leaves every
# other prompt unanswered, and logs what it saw.
cat > "$R/usr/local/sbin/kseal-vmtest-agent" <<'AGENT'
#!/bin/sh
d=/run/systemd/ask-password
i=0
while [ $i -lt 1800 ]; do
	for f in "$d"/ask.*; do
		[ -f "$f" ] || continue
		grep -qx "$f" /run/kseal-agent.seen 2>/dev/null && continue
		echo "$f" >> /run/kseal-agent.seen
		id=$(sed -n 's/^Id=//p' "$f")
		sed -n 's/^Message=/message: /p' "$f" >> /run/kseal-agent.log
		if [ "$id" = kseal:rec1 ]; then
			# A wrong answer first: ksealctl asks again, saying so.
			pass=rec1-passphrase
			grep -qx "answered $id wrong" /run/kseal-agent.log ||
				pass=Marker-wrong-3b7
			sock=$(sed -n 's/^Socket=//p' "$f")
			if printf '%s\n' "$pass" |
				/lib/systemd/systemd-reply-password 1 "$sock" >> /run/kseal-agent.log 2>&1; then
				[ $pass = rec1-passphrase ] || id="$id wrong"
				echo "answered $id" >> /run/kseal-agent.log
			else
				echo "reply to $id on $sock failed: $?" >> /run/kseal-agent.log
				ls -la /run/systemd/ask-password >> /run/kseal-agent.log 2>&1
			fi
		else
			echo "ignored $id" >> /run/kseal-agent.log
		fi
	done
	sleep 0.1
	i=$((i + 1))
done
AGENT
chmod 0755 "$R/usr/local/sbin/kseal-vmtest-agent"
cat > "$R/etc/systemd/system/kseal-vmtest-agent.service" <<'AGENT'
[Unit]
Description=kseal VM test password agent
DefaultDependencies=no
Before=kseal-load.service

[Service]
ExecStart=/usr/local/sbin/kseal-vmtest-agent

[Install]
WantedBy=sysinit.target
AGENT
in_root systemctl enable kseal-vmtest-agent.service >/dev/null 2>&1
check "the module unloads" rmmod kseal
check "systemctl enable kseal-load.service (offline, as on a server)" \
	in_root systemctl enable kseal-load.service
check "it is wanted by sysinit.target" \
	test -L "$R/etc/systemd/system/sysinit.target.wants/kseal-load.service"
in_root systemctl enable kseal-vmtest.service >/dev/null 2>&1
printf 'LOCK_PCR=15\nRECOVERY_TIMEOUT=10\n' >> "$R/etc/kseal/kseal.conf"
umount "$R/run" "$R/tmp" "$R/sys/kernel/security" "$R/sys" "$R/proc" "$R/dev" 2>/dev/null
GUEST
)

vm_boot --tpm default --disk pkg --disk2 vol "packages: the installed system boots with systemd" <<'GUEST'
check "hand the machine to the installed system's systemd" \
	sh -c 'test -x /data/lib/systemd/systemd && echo /lib/systemd/systemd > /run/kseal-switch-root'
GUEST

vm_boot --tpm default --disk pkg --disk2 vol "packages: the unit's ksealctl killed, systemd boots on" <<'GUEST'
check "hand the machine to the installed system's systemd again" \
	sh -c 'test -f /data/etc/systemd/system/kseal-load.service.d/zz-vmtest-kill.conf &&
		echo /lib/systemd/systemd > /run/kseal-switch-root'
GUEST
