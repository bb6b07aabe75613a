# Guest half of profile.sh ($n is set before this text): n loads of a
# 32-byte data key and of an encrypted key, each add_key traced.
tpm_make_parent || exit 1
kseal_insmod || exit 1
tr=/sys/kernel/tracing
mount -t tracefs nodev $tr || exit 1
if [ -x /tests/audit_reader ]; then
	/tests/audit_reader /tmp/audit.log &
	sleep 1
fi
keyctl new_session >/dev/null
ring=$(keyctl newring prof @s) &&
sealed=$(keyctl add kseal prof-sealed "new 32 pcrs=7" @s) &&
dk=$(keyctl add kseal prof-dk "new 32 wrap=prof-sealed" @s) &&
dk_hex=$(keyctl pipe "$dk") &&
keyctl add user kmk "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" @s >/dev/null &&
ek=$(keyctl add encrypted prof-enc "new user:kmk 32" @s) &&
enc_hex=$(keyctl pipe "$ek") || exit 1

echo function_graph > $tr/current_tracer
echo __x64_sys_add_key > $tr/set_graph_function
echo 1 > $tr/options/funcgraph-tail
echo 0 > $tr/options/funcgraph-irqs
echo 65536 > $tr/buffer_size_kb
trace_loads() {	# TYPE HEX OUT
	echo > $tr/trace
	echo 1 > $tr/tracing_on
	i=0
	while [ $i -lt "$n" ]; do
		keyctl add "$1" "p$i" "load $2" "$ring" >/dev/null || exit 1
		i=$((i + 1))
	done
	echo 0 > $tr/tracing_on
	cat $tr/trace > "$3"
	keyctl clear "$ring"
	lost=$(grep -c "LOST" "$3")
	check "$n $1 loads traced, no events lost ($lost)" test "$lost" = 0
}
trace_loads kseal "$dk_hex" /data/trace-data.txt
trace_loads encrypted "$enc_hex" /data/trace-encrypted.txt
[ -f /tmp/audit.log ] && echo "# audit records read by the netlink reader: $(wc -l < /tmp/audit.log)"
