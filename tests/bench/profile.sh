# SPDX-License-Identifier: GPL-2.0-only
# Where a data-key load spends its time, next to an encrypted-key load:
# sourced by tests/vm/run --suite-file (make profile). One boot traces
# every add_key of PROFILE_N loads of each type, made by one process, with
# the function-graph tracer, and a netlink reader taking the audit records
# as auditd would;
# tests/bench/profile.awk turns each trace into a flat profile (self time
# per kernel function and its share of the traced add_key time), written
# to profile-<type>.txt in the repository root.
#
# The tracer's own cost lands in the functions it times, and more so under
# TCG, so the shares are a map of where the time goes; make bench gives
# the times.

bench_dir="$repo/tests/bench"
if [ ! -x "$bench_dir/kseal_bench" ] || [ ! -x "$bench_dir/audit_reader" ]; then
	vm_note_fail "profile: tests/bench/kseal_bench or audit_reader is not built (make -C tests/bench)"
	return
fi
. "$bench_dir/stage.sh"
bench_stage profile "$bench_dir/kseal_bench" /tests/kseal_bench \
	"$bench_dir/audit_reader" /tests/audit_reader
profile_n=${PROFILE_N:-300}
vm_disk_new profile 256
vm_boot --disk profile --timeout 1500 "profile of $profile_n loads per key type" \
	< <(echo "n=$profile_n"; cat "$repo/tests/bench/profile-guest.sh")
for t in data encrypted; do
	if vm_disk_get profile "trace-$t.txt" "$VM_DIR/trace-$t.txt"; then
		awk -f "$repo/tests/bench/profile.awk" "$VM_DIR/trace-$t.txt" \
			> "$repo/profile-$t.txt"
		echo "# profile: wrote profile-$t.txt"
		sed -n '1,30p' "$repo/profile-$t.txt" | sed 's/^/# /'
	else
		vm_note_fail "profile: no trace-$t.txt from the guest"
	fi
done
