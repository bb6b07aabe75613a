# SPDX-License-Identifier: GPL-2.0-only
# Host side of the VM harness, sourced by tests/vm/run and by the suites.
#
# A suite is a bash file in tests/vm/suites/ that calls vm_boot one or more
# times. Each TPM (a swtpm state directory) and each disk (an ext4 image)
# has a name and lives for the whole suite, so several boots can share one
# machine's TPM and disk, and a second TPM makes a second machine.

VM_TIMEOUT=${VM_TIMEOUT:-240}
VM_MEM=${VM_MEM:-1024}
VM_SMP=${VM_SMP:-1}
VM_TPM_IF=${VM_TPM_IF:-tpm-tis}
# Debian's tang: an inetd-style server, one HTTP request per process.
VM_TANGD=${VM_TANGD:-/usr/libexec/tangd}
# UEFI firmware for vm_boot --uefi (Debian's ovmf): the code is shared and
# read-only, each machine gets its own copy of the variable store.
VM_OVMF_CODE=${VM_OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
VM_OVMF_VARS=${VM_OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
# Lines that mean the guest kernel went wrong, whatever the tests say.
VM_BAD_LOG='BUG:|WARNING:|Oops|general protection|Call Trace|refcount_t'

# shellcheck source=tests/lib/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"
# The runner's own cases go among the guests' numbered lines: no numbers.
TAP_NUMBERS=0
vm_skip_ok=

# vm_note_pass TEXT, vm_note_fail TEXT: a host-side case of the suite.
vm_note_pass() {
	tap_ok "$1"
}

vm_note_fail() {
	tap_not_ok "$1"
}

# Console logs carry carriage returns and the firmware's terminal escapes.
vm_clean_log() {
	sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g; s/\r//g'
}

# vm_allow_skip ERE: a "# SKIP" line matching ERE counts as skipped for the
# rest of this suite. Any other SKIP fails: a test that silently stops
# running must not look like a pass.
vm_allow_skip() {
	vm_skip_ok=${vm_skip_ok:+$vm_skip_ok|}$1
}

# vm_build_module KDIR DIR: kseal.ko built against the kernel tree or
# headers KDIR in a copy of the sources in DIR (DIR/kmod/kseal.ko), leaving
# the release build in kmod/ untouched; on failure the build log on stderr.
vm_build_module() {
	mkdir -p "$2/kmod" &&
	cp -r "$repo/Kbuild" "$repo/include" "$2/" &&
	cp "$repo"/kmod/Kbuild "$repo"/kmod/*.[ch] "$2/kmod/" &&
	rm -f "$2"/kmod/*.mod.c &&
	make -s -C "$1" M="$2" modules > "$2/build.log" 2>&1 ||
		{ cat "$2/build.log" >&2; return 1; }
}

# vm_tpm_new NAME: a fresh TPM ("a new machine"). Its directory also holds
# the machine's UEFI variable store once a --uefi boot has used it.
vm_tpm_new() {
	rm -rf "$VM_DIR/tpm-$1"
	mkdir -p "$VM_DIR/tpm-$1"
}

# vm_disk_new NAME [SIZE_MB]: a fresh ext4 disk.
vm_disk_new() {
	local img="$VM_DIR/disk-$1.img"
	rm -f "$img"
	truncate -s "${2:-64}M" "$img"
	mkfs.ext4 -q -F -L "kseal-$1" "$img"
}

# vm_disk_get NAME GUEST_PATH HOST_FILE and vm_disk_put NAME HOST_FILE
# GUEST_PATH: move files between boots (the guest mounts the disk at /data;
# paths here are relative to the disk's root).
vm_disk_get() {
	debugfs -R "dump -p /$2 $3" "$VM_DIR/disk-$1.img" >/dev/null 2>&1 && [ -f "$3" ]
}

vm_disk_put() {
	debugfs -w -R "rm /$3" "$VM_DIR/disk-$1.img" >/dev/null 2>&1
	debugfs -w -R "write $2 /$3" "$VM_DIR/disk-$1.img" >/dev/null 2>&1
}

vm_swtpm_stop() {
	local pidf="$VM_DIR/tpm-$1.pid" pid
	[ -f "$pidf" ] || return 0
	pid=$(cat "$pidf")
	kill "$pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null
	rm -f "$pidf" "$VM_DIR/tpm-$1.sock"
}

vm_swtpm_start() {
	local name=$1 sock="$VM_DIR/tpm-$1.sock"
	[ -d "$VM_DIR/tpm-$name" ] || vm_tpm_new "$name"
	vm_swtpm_stop "$name"
	swtpm socket --tpm2 --tpmstate "dir=$VM_DIR/tpm-$name" \
		--ctrl "type=unixio,path=$sock" \
		--log "file=$VM_DIR/tpm-$name.log,level=1" \
		--pid "file=$VM_DIR/tpm-$name.pid" --daemon ||
		return 1
	for _ in $(seq 50); do [ -S "$sock" ] && return 0; sleep 0.1; done
	echo "# swtpm $name: no control socket" >&2
	return 1
}

# vm_kill_later MS BOOTDIR: SIGKILL the boot's QEMU after MS milliseconds
# and leave BOOTDIR/killed behind; nothing if QEMU is already gone.
vm_kill_later() {
	local pid
	sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"
	pid=$(cat "$2/qemu.pid" 2>/dev/null) || return 0
	case $(cat "/proc/$pid/comm" 2>/dev/null) in
	qemu-system-*) kill -KILL "$pid" 2>/dev/null && : > "$2/killed" ;;
	esac
}

# vm_boot [--tpm NAME|--no-tpm] [--disk NAME] [--disk2 NAME] [--timeout S]
#         [--kill-after-ms N] [--uefi] [--kernel FILE] [--initrd FILE]
#         [--append WORDS] [--net] [--tang PORT:DBDIR] [--fwd PORT:COMMAND]
#         LABEL < SCRIPT
# Boots the VM once, running the guest script read from stdin. TAP from the
# guest is printed as it arrives and counted. The boot itself fails on a
# hang, a crash, a non-zero script or suite exit, a script that printed no
# TAP line, a SKIP not allowed by vm_allow_skip, or a bad kernel log line.
# With --kill-after-ms, QEMU gets SIGKILL N ms after the guest prints the
# line KSEAL-ARMED (a power cut: the guest's page cache is lost); such a
# boot counts as passed if the kill happened, and is judged as usual if
# the guest powered off first.
#
# --uefi boots OVMF (q35) instead of the default firmware, so the TPM's PCRs
# and event log carry the measured boot chain; the machine's variable store
# lives in its TPM directory. A UEFI boot, or one with --initrd, gets the
# script through fw_cfg instead of the initramfs, so that the initramfs is
# the same file boot after boot (it is measured into PCR 9). --kernel and
# --initrd boot other files than this run's ($VM_KERNEL, $VM_INITRD) and
# --append adds kernel command line words (after $VM_APPEND).
#
# --net gives the guest a virtio NIC on QEMU's user network with
# restrict=on: the guest (10.0.2.15) reaches nothing outside QEMU, only the
# forwards below, at 10.0.2.100:PORT. --tang PORT:DBDIR (repeatable)
# serves the Tang database DBDIR there, one tangd per connection as inetd
# would run it; --fwd PORT:COMMAND (repeatable) runs COMMAND per
# connection with the connection on its stdin and stdout (through
# /bin/sh -c), its stderr appended to $VM_DIR/fwd-PORT.log. Both imply
# --net. A Tang server that is "down" is a boot without its --tang.
vm_boot() {
	local tpm=default disk="" disk2="" timeout=$VM_TIMEOUT label kill_ms=""
	local uefi=0 kernel=$VM_KERNEL initrd="" append=${VM_APPEND:-}
	local net=0 fwds=() fwd
	while [ $# -gt 1 ]; do
		case $1 in
		--tpm) tpm=$2; shift 2 ;;
		--no-tpm) tpm=""; shift ;;
		--disk) disk=$2; shift 2 ;;
		--disk2) disk2=$2; shift 2 ;;	# raw second disk, /dev/vdb
		--timeout) timeout=$2; shift 2 ;;
		--kill-after-ms) kill_ms=$2; shift 2 ;;
		--uefi) uefi=1; shift ;;
		--kernel) kernel=$2; shift 2 ;;
		--initrd) initrd=$2; shift 2 ;;
		--append) append="$append $2"; shift 2 ;;
		--net) net=1; shift ;;
		--tang) net=1; fwds+=("${2%%:*}:exec \"$VM_TANGD\" \"${2#*:}\""); shift 2 ;;
		--fwd) net=1; fwds+=("$2"); shift 2 ;;
		*) break ;;
		esac
	done
	label=$1
	local n=$((${vm_boots:-0} + 1))
	vm_boots=$n
	local bdir="$VM_DIR/boot-$n"
	mkdir -p "$bdir/root/boot"
	cat > "$bdir/root/boot/script.sh"
	local fwcfg=()
	if [ $uefi = 1 ] || [ -n "$initrd" ]; then
		initrd=${initrd:-$VM_INITRD}
		fwcfg=(-fw_cfg "name=opt/kseal/script,file=$bdir/root/boot/script.sh")
	else
		(cd "$bdir/root" && find boot | cpio -o -H newc --quiet) > "$bdir/script.cpio"
		cat "$VM_INITRD" "$bdir/script.cpio" > "$bdir/initrd"
		initrd=$bdir/initrd
	fi
	local cmdline="console=ttyS0 loglevel=7 panic=-1 rdinit=/init${append:+ $append}"
	# What was booted, for suites that compare measurements with files.
	printf '%s\n' "$kernel" > "$bdir/kernel"
	printf '%s\n' "$initrd" > "$bdir/initrd-path"
	printf '%s\n' "$cmdline" > "$bdir/cmdline"

	local args=(-nographic -no-reboot -monitor none -m "$VM_MEM" -smp "$VM_SMP"
		-kernel "$kernel" -initrd "$initrd" -append "$cmdline" "${fwcfg[@]}"
		-serial "file:$bdir/console.log" -serial stdio
		-pidfile "$bdir/qemu.pid")
	if [ $uefi = 1 ]; then
		local vars=$bdir/ovmf-vars.fd
		[ -n "$tpm" ] && vars=$VM_DIR/tpm-$tpm/ovmf-vars.fd
		if [ ! -f "$VM_OVMF_CODE" ] || [ ! -f "$VM_OVMF_VARS" ]; then
			vm_note_fail "$label: no UEFI firmware ($VM_OVMF_CODE); run 'make deps'"
			return 1
		fi
		mkdir -p "$(dirname "$vars")"
		[ -f "$vars" ] || cp "$VM_OVMF_VARS" "$vars"
		args+=(-machine q35
			-drive "if=pflash,format=raw,readonly=on,file=$VM_OVMF_CODE"
			-drive "if=pflash,format=raw,file=$vars")
	fi
	if [ -n "$tpm" ]; then
		vm_swtpm_start "$tpm" || { vm_note_fail "$label: swtpm did not start"; return 1; }
		args+=(-chardev "socket,id=chrtpm,path=$VM_DIR/tpm-$tpm.sock"
			-tpmdev emulator,id=tpm0,chardev=chrtpm
			-device "$VM_TPM_IF,tpmdev=tpm0")
	fi
	[ -n "$disk" ] && args+=(-drive "file=$VM_DIR/disk-$disk.img,format=raw,if=virtio")
	[ -n "$disk2" ] && args+=(-drive "file=$VM_DIR/disk-$disk2.img,format=raw,if=virtio")
	if [ $net = 1 ]; then
		# A comma inside a QEMU option value is written twice.
		local nd="user,id=net0,restrict=on" cmd
		for fwd in "${fwds[@]}"; do
			# QEMU splits the command into words itself (no shell)
			# and hands it the connection as stdin, stdout and
			# stderr: a shell sends its messages to a log instead.
			cmd="exec 2>>$VM_DIR/fwd-${fwd%%:*}.log; ${fwd#*:}"
			cmd="/bin/sh -c '${cmd//\'/\'\\\'\'}'"
			nd+=",guestfwd=tcp:10.0.2.100:${fwd%%:*}-cmd:${cmd//,/,,}"
		done
		args+=(-netdev "$nd" -device virtio-net-pci,netdev=net0)
	fi

	echo "# boot $n: $label${tpm:+ (tpm $tpm)}${disk:+ (disk $disk)}$([ $uefi = 1 ] && echo " (uefi)")$([ $net = 1 ] && echo " (net${fwds[*]:+: ${fwds[*]%%:*}})")"
	local before_fail=$tap_failed
	local line rc done_seen=0 script_rc="" t0=$SECONDS killer="" taps=0
	while IFS= read -r line; do
		line=${line%$'\r'}
		# The script's own TAP lines, not those init adds after it.
		case $line in "ok "*|"not ok "*) [ -n "$script_rc" ] || taps=$((taps + 1)) ;; esac
		case $line in
		"ok "*"# SKIP"*|"ok "*"# skip"*)
			if [ -n "$vm_skip_ok" ] && [[ $line =~ $vm_skip_ok ]]; then
				tap_relay "$line"
			else
				tap_diag "$line"
				vm_note_fail "$label: unexpected SKIP (vm_allow_skip): ${line#ok }"
			fi ;;
		"ok "*|"not ok "*) tap_relay "$line" "$label" ;;
		KSEAL-SUITE-EXIT*)
			set -- $line
			if [ "$3" != 0 ]; then
				vm_note_fail "$label: suite $2 exited $3"
			fi ;;
		KSEAL-SCRIPT-EXIT*) script_rc=${line#KSEAL-SCRIPT-EXIT } ;;
		KSEAL-DONE) done_seen=1 ;;
		KSEAL-ARMED)
			if [ -n "$kill_ms" ] && [ -z "$killer" ]; then
				echo "# armed: SIGKILL to QEMU in $kill_ms ms"
				vm_kill_later "$kill_ms" "$bdir" &
				killer=$!
			fi ;;
		KSEAL-BOOT*) echo "# $line" ;;
		*) echo "$line" ;;
		esac
	done < <(timeout --kill-after=5 "$timeout" qemu-system-x86_64 "${args[@]}" </dev/null 2>"$bdir/qemu.err"; echo "KSEAL-QEMU-EXIT $?" > "$bdir/qemu.rc")
	# A guest that powered off first cancels the pending kill.
	[ -n "$killer" ] && kill "$killer" 2>/dev/null && wait "$killer" 2>/dev/null
	rc=$(sed -n 's/KSEAL-QEMU-EXIT //p' "$bdir/qemu.rc")
	[ -n "$tpm" ] && vm_swtpm_stop "$tpm"

	if [ -f "$bdir/killed" ]; then
		vm_note_pass "$label: QEMU killed $kill_ms ms after KSEAL-ARMED"
	elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		vm_note_fail "$label: guest hung (no power-off within ${timeout}s)"
	elif [ "$done_seen" != 1 ]; then
		vm_note_fail "$label: guest stopped before finishing (qemu exit $rc): $(head -c 300 "$bdir/qemu.err")"
	elif [ "$script_rc" != 0 ]; then
		vm_note_fail "$label: guest script exited $script_rc"
	elif [ "$taps" = 0 ]; then
		vm_note_fail "$label: guest script printed no TAP line (it tested nothing)"
	fi
	local bad
	bad=$(grep -aE "$VM_BAD_LOG" "$bdir/console.log" | head -n 5)
	if [ -n "$bad" ]; then
		vm_note_fail "$label: guest kernel log: $(echo "$bad" | head -n 1)"
	else
		vm_note_pass "$label: guest kernel log clean"
	fi
	echo "# boot $n took $((SECONDS - t0))s"
	if [ "$tap_failed" != "$before_fail" ]; then
		echo "# ---- guest kernel log (boot $n: $label) ----"
		vm_clean_log < "$bdir/console.log" | tap_detail
		echo "# ---- end of guest kernel log ----"
		return 1
	fi
	return 0
}
