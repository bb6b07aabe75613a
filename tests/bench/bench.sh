# SPDX-License-Identifier: GPL-2.0-only
# The benchmark boots, sourced by tests/vm/run --suite-file (make bench).
# Kept out of tests/vm/suites/ because every suite there runs in make check,
# and a benchmark is no test. Writes bench-results.json in the repository;
# bench-results-sealed.json and bench-results-plain.json from a second
# boot that repeats the sealed-key rows with bus encryption on and off
# (compared by bus-compare.sh); and bench-results-audit0.json from a third
# boot that repeats the load rows with audit=0.
#
# The guest gets, on top of the test initramfs: kseal_bench and
# audit_reader with their libraries, and the upstream trusted.ko built by
# trusted-ko.sh; a trusted.ko that cannot be built leaves its rows empty.
# The first boot runs audit_reader as the audit daemon, so that records go
# over netlink to a reader, as on a server with auditd, and not to the
# console.

bench_dir="$repo/tests/bench"
if [ ! -x "$bench_dir/kseal_bench" ] || [ ! -x "$bench_dir/audit_reader" ]; then
	vm_note_fail "bench: tests/bench/kseal_bench or audit_reader is not built (make -C tests/bench)"
	return
fi
bench_kdir=${KDIR:-$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort | tail -n1)}
trusted_ko=$("$bench_dir/trusted-ko.sh" "$bench_kdir") ||
	echo "# bench: the trusted key type is left out (see the line above)"

. "$bench_dir/stage.sh"
bench_stage bench "$bench_dir/kseal_bench" /tests/kseal_bench \
	"$bench_dir/audit_reader" /tests/audit_reader \
	${trusted_ko:+"$trusted_ko" /lib/trusted.ko}

# Two vCPUs: the "2 processes" rows need them. Slow guest: long timeout.
VM_SMP=2
vm_disk_new bench 64
vm_boot --disk bench --timeout 1500 "benchmark" <<'GUEST'
tpm_make_parent || exit 1
kseal_insmod || exit 1
/tests/audit_reader /tmp/audit.log &
sleep 1
targ=""
if [ -f /lib/trusted.ko ]; then
	if insmod /lib/trusted.ko; then targ=-t; else echo "# bench: trusted.ko did not load"; fi
fi
# The tpm2-tools baseline: a 32-byte secret sealed under the SRK, bound to
# PCR 7 like the kseal keys, without userwithauth (policy only).
cd /tmp &&
tpm2 createpolicy -Q --policy-pcr -l sha256:7 -L pcr7.pol &&
head -c 32 /dev/urandom > u.secret &&
tpm2 create -Q -C 0x81000001 -L pcr7.pol -a 'fixedtpm|fixedparent' \
	-i u.secret -u u.pub -r u.priv && rm -f u.secret || exit 1
/tests/kseal_bench -o /data/bench-results.json -u /tmp/u.pub /tmp/u.priv $targ
rc=$?
check "benchmark ran (exit $rc)" test $rc = 0
echo "# audit records taken by the netlink reader: $(wc -l < /tmp/audit.log)"
check "the audit reader took the records (none on the console)" \
	sh -c '[ "$(wc -l < /tmp/audit.log)" -gt 10000 ] && ! dmesg | grep -q "type=1316"'
GUEST
if vm_disk_get bench bench-results.json "$repo/bench-results.json"; then
	echo "# bench: wrote $repo/bench-results.json"
else
	vm_note_fail "bench: no bench-results.json from the guest"
fi

# The sealed-key rows with bus encryption (salted, parameter-encrypted
# sessions) and without (bus_encryption=0, plain sessions), in one boot on
# a fresh TPM: the module is loaded with it on, then reloaded without.
# Keys still alive do not keep the module from unloading.
vm_tpm_new default
vm_boot --disk bench --timeout 900 "benchmark: sealed keys, bus encryption on and off" <<'GUEST'
tpm_make_parent || exit 1
/tests/audit_reader /tmp/audit.log &
sleep 1
kseal_insmod || exit 1
/tests/kseal_bench -S -o /data/bench-results-sealed.json
rc=$?
check "sealed rows with bus encryption ran (exit $rc)" test $rc = 0
check "the module unloads" rmmod kseal
kseal_insmod bus_encryption=0 || exit 1
check "bus_encryption=0 is in effect" \
	grep -qx N /sys/module/kseal/parameters/bus_encryption
/tests/kseal_bench -S -o /data/bench-results-plain.json
rc=$?
check "sealed rows without bus encryption ran (exit $rc)" test $rc = 0
GUEST
bench_bus_ok=1
for f in bench-results-sealed.json bench-results-plain.json; do
	if vm_disk_get bench "$f" "$repo/$f"; then
		echo "# bench: wrote $repo/$f"
	else
		vm_note_fail "bench: no $f from the guest"
		bench_bus_ok=0
	fi
done
if [ $bench_bus_ok = 1 ]; then
	"$bench_dir/bus-compare.sh" "$repo/bench-results-sealed.json" \
		"$repo/bench-results-plain.json" ||
		vm_note_fail "bench: the bus encryption comparison failed"
fi

# The same loads with audit=0 on the kernel command line: every kseal load
# writes an audit record and an encrypted-key load does not, so this boot
# tells how much of the difference is the record.
vm_tpm_new default
VM_APPEND="${VM_APPEND:-} audit=0"
vm_boot --disk bench --timeout 1500 "benchmark: loads with audit=0" <<'GUEST'
tpm_make_parent || exit 1
kseal_insmod || exit 1
/tests/kseal_bench -L -o /data/bench-results-audit0.json
rc=$?
check "load benchmark with audit=0 ran (exit $rc)" test $rc = 0
GUEST
if vm_disk_get bench bench-results-audit0.json "$repo/bench-results-audit0.json"; then
	echo "# bench: wrote $repo/bench-results-audit0.json"
else
	vm_note_fail "bench: no bench-results-audit0.json from the guest"
fi
