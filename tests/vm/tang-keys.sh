#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Tang key databases for the VM suites, made on the host with jose:
#
#   tang-keys.sh new DBDIR [CURVE]  a P-256 (or P-384) ECMR exchange key and
#                                   an ES256 (ES384) signing key; prints the
#                                   signing key's S256 thumbprint (the pin)
#   tang-keys.sh rotate DBDIR [CURVE]  a new pair; the current keys become
#                                   hidden files (.NAME.jwk): tangd still
#                                   answers recoveries with them but no
#                                   longer advertises them; prints the new
#                                   signing thumbprint
#   tang-keys.sh revoke DBDIR       deletes the hidden keys: what was bound
#                                   to them no longer recovers
#   tang-keys.sh thp DBDIR          the current signing thumbprint
#   tang-keys.sh kid DBDIR          the current exchange key's thumbprint
#                                   (the /rec/KID path)
#
# Tang's own tangd-keygen makes P-521 keys, which Debian 6.1's kernel ECC
# code cannot use; the operator adds keys like these instead. Keys are
# named by their thumbprint, as tangd-keygen names them.
set -euo pipefail

die() { echo "tang-keys: $*" >&2; exit 1; }

# gen DBDIR CURVE: one exchange and one signing key, visible.
gen() {
	local db=$1 crv=$2 alg tmp thp
	case $crv in
	P-256) alg=ES256 ;;
	P-384) alg=ES384 ;;
	*) die "curve $crv: P-256 or P-384 (the kernel's ECC code)" ;;
	esac
	mkdir -p "$db"
	for a in ECMR "$alg"; do
		tmp=$db/.new.tmp
		jose jwk gen -i "{\"alg\":\"$a\",\"crv\":\"$crv\"}" -o "$tmp"
		thp=$(jose jwk thp -i "$tmp" -a S256)
		mv "$tmp" "$db/$thp.jwk"
	done
}

# current DBDIR USE: the visible key of that use (sig or exchange).
current() {
	local f alg
	for f in "$1"/*.jwk; do
		[ -f "$f" ] || continue
		alg=$(jose fmt -j "$f" -g alg -Su-)
		case $2:$alg in
		exchange:ECMR | sig:ES*) echo "$f"; return 0 ;;
		esac
	done
	die "no current $2 key in $1"
}

thp_of() { jose jwk thp -i "$1" -a S256 && echo; }

cmd=${1:-}
db=${2:-}
if [ -z "$cmd" ] || [ -z "$db" ]; then
	die "usage: tang-keys.sh new|rotate|revoke|thp|kid DBDIR [CURVE]"
fi
case $cmd in
new)
	[ -e "$db" ] && [ -n "$(ls -A "$db" 2>/dev/null)" ] && die "$db is not empty"
	gen "$db" "${3:-P-256}"
	thp_of "$(current "$db" sig)"
	;;
rotate)
	for f in "$db"/*.jwk; do
		[ -f "$f" ] || die "no keys in $db to rotate"
		mv "$f" "$db/.$(basename "$f")"
	done
	gen "$db" "${3:-P-256}"
	thp_of "$(current "$db" sig)"
	;;
revoke)
	rm -f "$db"/.*.jwk
	;;
thp) thp_of "$(current "$db" sig)" ;;
kid) thp_of "$(current "$db" exchange)" ;;
*) die "unknown command $cmd" ;;
esac
