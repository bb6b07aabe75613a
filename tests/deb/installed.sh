# SPDX-License-Identifier: GPL-2.0-only
# VM suite run by scripts/deb.sh test (not one of tests/vm/suites: it needs
# the root file system that script makes). The disk is a Debian root into
# which dpkg installed kseal-dkms and ksealctl, DKMS building the module
# for the VM's kernel in the package's post-install script. The guest runs
# the installed files with the installed libraries (chroot into that
# root): the DKMS-built module is loaded with modprobe and the packaged
# ksealctl provisions the TPM, creates, loads, lists and locks a key; the
# boot unit is enabled and a lock PCR configured, as an admin would. The
# second boot runs the root's own systemd: the package's modules-load.d
# loads the module and kseal-load.service loads and locks the key before
# cryptsetup-pre.target (tests/deb/kseal-vmtest reports).
[ -n "${KSEAL_PKG_IMG:-}" ] && [ -f "$KSEAL_PKG_IMG" ] || {
	vm_note_fail "packages: KSEAL_PKG_IMG must name the installed root's disk image"
	return
}
mv "$KSEAL_PKG_IMG" "$VM_DIR/disk-pkg.img"
# The guest learns the version from the host; the rest is verbatim.
vm_boot --tpm default --disk pkg "packages: installed with dpkg, loaded in the VM" < <(
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
check "kseal is not loaded before modprobe" sh -c '! grep -q "^kseal " /proc/modules'
check "modprobe kseal loads the DKMS-built module" in_root modprobe kseal
check "the loaded module says version $VER" sh -c "test \"\$(cat /sys/module/kseal/version)\" = '$VER'"
check "it is the file DKMS installed (same srcversion)" sh -c \
	"test \"\$(chroot $R modinfo -F srcversion /lib/modules/$K/updates/dkms/kseal.ko)\" = \"\$(cat /sys/module/kseal/srcversion)\""
check "the packaged ksealctl --version says $VER" sh -c \
	"chroot $R ksealctl --version | grep -qx 'ksealctl $VER'"
check "the unit, the configuration, the man pages and completion are installed" in_root sh -c '
	test -f /usr/lib/systemd/system/kseal-load.service &&
	grep -q "^ExecStart=/usr/sbin/ksealctl load --all" /usr/lib/systemd/system/kseal-load.service &&
	test -f /etc/kseal/kseal.conf && dpkg-query -W -f="\${Conffiles}" ksealctl | grep -q /etc/kseal/kseal.conf &&
	test -f /usr/share/man/man8/ksealctl.8.gz && test -f /usr/share/man/man7/kseal.7.gz &&
	test -f /usr/share/bash-completion/completions/ksealctl'
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
check "the unit's ExecStartPost line (lock --if-configured) succeeds" in_root ksealctl lock --if-configured
check "the module unloads" rmmod kseal
check "systemctl enable kseal-load.service (offline, as on a server)" \
	in_root systemctl enable kseal-load.service
check "it is wanted by sysinit.target" \
	test -L "$R/etc/systemd/system/sysinit.target.wants/kseal-load.service"
in_root systemctl enable kseal-vmtest.service >/dev/null 2>&1
echo 'LOCK_PCR=15' >> "$R/etc/kseal/kseal.conf"
umount "$R/run" "$R/tmp" "$R/sys/kernel/security" "$R/sys" "$R/proc" "$R/dev" 2>/dev/null
GUEST
)

vm_boot --tpm default --disk pkg "packages: the installed system boots with systemd" <<'GUEST'
check "hand the machine to the installed system's systemd" \
	sh -c 'test -x /data/lib/systemd/systemd && echo /lib/systemd/systemd > /run/kseal-switch-root'
GUEST
