#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# bus-compare.sh ON.json OFF.json: the single sealed-key rows of two
# kseal_bench -S runs, with bus encryption (ON) and without (OFF), side by
# side: median ms per operation, TPM commands per operation, the ratio
# on/off; then the goal for a PCR-bound load. Run by bench.sh after the
# boot that wrote both files; only reports, never fails on a figure.
set -eu
on=$1 off=$2
command -v jq >/dev/null || { echo "bus-compare: jq is not installed" >&2; exit 1; }

jq -r --slurpfile off "$off" '
	.rows[] | select(.part == "single" and .reps > 0) | . as $r |
	($off[0].rows[] | select(.part == "single" and .what == $r.what and .reps > 0)) as $o |
	[$r.what, $r.median, $r.min, $r.max, $o.median, $o.min, $o.max,
	 ($r.median / $o.median),
	 ($r.tpm_commands_per_key // "-"), ($o.tpm_commands_per_key // "-")] | @tsv
' "$on" | awk -F '\t' '
BEGIN {
	printf "\n# bus encryption on / off, same boot: median (min-max) ms of one operation\n"
	printf "%-40s %-22s %-22s %6s %6s %6s\n", "operation", "on: ms", "off: ms", "on/off", "TPM on", "TPM off"
}
{
	printf "%-40s %-22s %-22s %6.2f %6s %6s\n", $1,
	       sprintf("%.1f (%.1f-%.1f)", $2, $3, $4),
	       sprintf("%.1f (%.1f-%.1f)", $5, $6, $7), $8, $9, $10
	if ($1 == "sealed load, pcrs=7") { ratio = $8; cmds = $9; seen = 1 }
	n++
}
END {
	if (!n) { print "bus-compare: no common rows" > "/dev/stderr"; exit 1 }
	if (!seen) { print "# goal: no PCR-bound load row"; exit 0 }
	printf "# goal: a PCR-bound sealed load with bus encryption in at most 6 TPM commands: %s (%s)\n",
	       cmds, cmds != "-" && cmds <= 6 ? "met" : "NOT met"
	printf "# goal: and at most 1.5x the time without: %.2fx (%s)\n",
	       ratio, ratio <= 1.5 ? "met" : "NOT met"
}'
