# Guest half of profile.sh ($n is set before this text): kseal_bench -P
# loads n data keys and n encrypted keys from one process (as ksealctl
# load does at boot), each run traced, with audit_reader as the audit
# daemon.
tpm_make_parent || exit 1
kseal_insmod || exit 1
tr=/sys/kernel/tracing
mount -t tracefs nodev $tr || exit 1
/tests/audit_reader /tmp/audit.log &
sleep 1
echo function_graph > $tr/current_tracer
echo __x64_sys_add_key > $tr/set_graph_function
echo 1 > $tr/options/funcgraph-tail
echo 0 > $tr/options/funcgraph-irqs
echo 65536 > $tr/buffer_size_kb
echo 0 > $tr/tracing_on
/tests/kseal_bench -P "$n" /data || exit 1
for t in data encrypted; do
	lost=$(grep -c "LOST" /data/trace-$t.txt)
	check "$t: $n loads traced, no events lost ($lost)" test "$lost" = 0
done
echo "# audit records read by the netlink reader: $(wc -l < /tmp/audit.log)"
