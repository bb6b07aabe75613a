# SPDX-License-Identifier: GPL-2.0-only
# A function-graph trace of add_key calls (funcgraph-tail on) into a flat
# profile: for each kernel function, its self time (its duration less its
# traced callees'), its inclusive time, both per add_key call and as a share
# of all add_key time, and its calls per add_key.
function dur(s) {
	if (match(s, /[0-9]+\.[0-9]+ us/))
		return substr(s, RSTART, RLENGTH - 3) + 0
	return -1
}
/\|/ {
	left = substr($0, 1, index($0, "|") - 1)
	right = substr($0, index($0, "|") + 1)
	sub(/^ +/, "", right)
	gsub(/ \[[A-Za-z0-9_]+\]/, "", right)	# a module function's " [kseal]"
	if (right ~ /^[A-Za-z0-9_.]+\(\) \{$/) {
		sp++
		stack[sp] = substr(right, 1, index(right, "(") - 1)
		child[sp] = 0
	} else if (right ~ /^[A-Za-z0-9_.]+\(\);$/) {
		name = substr(right, 1, index(right, "(") - 1)
		d = dur(left)
		if (d < 0 || sp < 1)
			next
		self[name] += d; incl[name] += d; calls[name]++
		child[sp] += d
	} else if (right ~ /^\} \/\* [A-Za-z0-9_.]+ \*\/$/ && sp > 0) {
		name = right
		sub(/^\} \/\* /, "", name); sub(/ \*\/$/, "", name)
		d = dur(left)
		if (d < 0)
			d = 0
		self[name] += d - child[sp]; incl[name] += d; calls[name]++
		sp--
		if (sp > 0)
			child[sp] += d
		else if (name == "__x64_sys_add_key") {
			total += d; n++
		}
	}
}
END {
	if (!n) {
		print "no complete add_key call in the trace"
		exit 1
	}
	printf "%d add_key calls traced, %.1f us each (tracer included)\n\n", n, total / n
	print "self time, top 25:"
	print "function\tus/call\tshare %\tcalls/op"
	fflush()
	cmd = "sort -t '\t' -k2,2nr | head -n 25"
	for (f in self)
		printf "%s\t%.3f\t%.1f\t%.1f\n", f, self[f] / n, 100 * self[f] / total, calls[f] / n | cmd
	close(cmd)
	print ""
	print "inclusive time, top 40:"
	print "function\tus/call\tshare %\tcalls/op"
	fflush()
	for (f in incl)
		printf "%s\t%.3f\t%.1f\t%.1f\n", f, incl[f] / n, 100 * incl[f] / total, calls[f] / n | "sort -t '\t' -k2,2nr | head -n 40"
	close("sort -t '\t' -k2,2nr | head -n 40")
}
