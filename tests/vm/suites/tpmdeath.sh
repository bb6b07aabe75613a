# SPDX-License-Identifier: GPL-2.0-only
# The TPM dies (swtpm SIGKILLed on the host) while the guest loads keys in
# a loop: each load either works or fails with EIO/ENODEV, none hangs, no
# key is half-made and the module still unloads.

# fault_kill_swtpm NAME DELAY_MS: run in the background before a vm_boot;
# SIGKILLs the swtpm of TPM NAME DELAY_MS after that boot's guest writes
# KSEAL-KILL-TPM to its kernel log (the first serial port, console.log).
fault_kill_swtpm() {
	local log="$VM_DIR/boot-$((${vm_boots:-0} + 1))/console.log" pid
	for _ in $(seq 1800); do
		grep -aq KSEAL-KILL-TPM "$log" 2>/dev/null && break
		sleep 0.1
	done
	sleep "$(printf '%d.%03d' $(($2 / 1000)) $(($2 % 1000)))"
	pid=$(cat "$VM_DIR/tpm-$1.pid" 2>/dev/null) || return 0
	kill -KILL "$pid" 2>/dev/null && echo "# host: swtpm $1 killed"
}

vm_tpm_new dying
fault_kill_swtpm dying 1500 &
killer=$!
vm_boot --tpm dying --timeout 200 "tpmdeath: swtpm killed during loads" <<'GUEST'
check "setup: parent key" tpm_make_parent
kseal_insmod
K=$(keyctl add kseal k "new 32" @u)
keyctl pipe "$K" > /tmp/k.blob
keyctl unlink "$K" @u >/dev/null
: > /tmp/results
echo KSEAL-KILL-TPM > /dev/kmsg
# Up to 60 s of loads; stop after three failures in a row.
end=$(($(date +%s) + 60)) fails=0
while [ "$(date +%s)" -lt "$end" ] && [ $fails -lt 3 ]; do
	if out=$(timeout 60 keyctl add kseal l "load $(cat /tmp/k.blob)" @u 2>&1); then
		echo ok >> /tmp/results
		keyctl unlink "$out" @u >/dev/null
		fails=0
	else
		echo "$out" >> /tmp/results
		fails=$((fails + 1))
	fi
done
sed 's/^/# load: /' /tmp/results | uniq -c
check "TPM killed: loads worked before the kill" grep -qx ok /tmp/results
check "TPM killed: then loads failed" sh -c '[ "$(tail -n 1 /tmp/results)" != ok ]'
check "TPM killed: every failure is EIO or ENODEV (none hung)" sh -c \
	'! grep -vxE "ok|add_key: (Input/output error|No such device)" /tmp/results'
check_fails "add_key: \(Input/output error\|No such device\)\$" "TPM killed: create fails cleanly" \
	timeout 60 keyctl add kseal n "new 32" @u
check "TPM killed: no key was added" sh -c '! grep -q " kseal " /proc/keys'
check "TPM killed: the module unloads" rmmod kseal
GUEST
kill "$killer" 2>/dev/null
wait "$killer" 2>/dev/null
