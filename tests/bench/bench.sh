# SPDX-License-Identifier: GPL-2.0-only
# The benchmark boots, sourced by tests/vm/run --suite-file (make bench).
# Kept out of tests/vm/suites/ because every suite there runs in make check,
# and a benchmark is no test. Writes bench-results.json in the repository,
# and bench-results-audit0.json from a second boot that repeats the load
# rows with audit=0.
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
