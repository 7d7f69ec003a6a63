#!/bin/sh
# test/geoip.sh [VOIPFWCTL] - `voipfwctl geoip lookup|networks` over the
# small databases test/geoip/mkdb.pl builds: output lines, ranges and
# CIDRs, the same networks from both database shapes, refusals with the
# file named, exit codes, --help; then a smoke test of the real default
# database (fetched with npm by scripts/deps geoip when it is not there).
# Needs perl with MaxMind::DB::Writer (scripts/deps test).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
ctl=${1:-$top/build/voipfwctl}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

check() {	# description, expected exit status, command...
	desc=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $desc: exit $got, want $want"
		sed 's/^/  | /' "$tmp/out" "$tmp/err" | head -n 20
	fi
}

grep_out() {	# description, file, pattern
	if grep -q -- "$3" "$2"; then passed=$((passed + 1)); else
		failed=$((failed + 1)); echo "FAIL: $1: no '$3' in output"; fi
}

same() {	# description, file, file
	if cmp -s "$2" "$3"; then passed=$((passed + 1)); else
		failed=$((failed + 1)); echo "FAIL: $1"; diff "$2" "$3" | head -n 10; fi
}

db=$tmp/db
if ! perl "$top/test/geoip/mkdb.pl" "$db"; then
	echo "geoip: 0 passed, 1 failed (test/geoip/mkdb.pl: scripts/deps test installs libmaxmind-db-writer-perl)"
	exit 1
fi

check "geoip --help" 0 "$ctl" geoip --help
grep_out "help shows lookup" "$tmp/out" "geoip lookup"
check "geoip networks --help" 0 "$ctl" geoip networks --help
check "geoip without a verb" 2 "$ctl" geoip
check "geoip with an unknown verb" 2 "$ctl" geoip where "$db/mm6.mmdb"
check "lookup without ADDR" 2 "$ctl" geoip lookup "$db/mm6.mmdb"
check "networks without CC" 2 "$ctl" geoip networks "$db/mm6.mmdb"
check "unknown option" 2 "$ctl" geoip lookup --bogus "$db/mm6.mmdb" 1.2.3.4

check "lookup (MaxMind shape)" 0 "$ctl" geoip lookup "$db/mm6.mmdb" \
	201.0.0.5 201.0.2.9 200.0.0.1 ::ffff:201.0.0.5 2400:cafe::1 204.0.0.1
printf '%s\n' "201.0.0.5 CN" "201.0.2.9 RU" "200.0.0.1 unknown" \
	"::ffff:201.0.0.5 CN" "2400:cafe::1 CN" "204.0.0.1 unknown" >"$tmp/want"
same "lookup lines (MaxMind shape)" "$tmp/out" "$tmp/want"
check "lookup (ip-location-db shape)" 0 "$ctl" geoip lookup "$db/ipl6.mmdb" \
	201.0.0.5 ::ffff:201.0.0.5 2402::1
printf '%s\n' "201.0.0.5 CN" "::ffff:201.0.0.5 unknown" "2402::1 unknown" >"$tmp/want"
same "lookup lines (ip-location-db shape, no aliases)" "$tmp/out" "$tmp/want"
check "lookup: a bad address among good ones" 2 "$ctl" geoip lookup \
	"$db/mm6.mmdb" 201.0.0.5 201.0.0.300
grep_out "the bad address is named" "$tmp/err" "'201.0.0.300' is not"
grep_out "the good one is answered" "$tmp/out" "^201.0.0.5 CN$"

check "networks CN" 0 "$ctl" geoip networks "$db/mm6.mmdb" CN
grep_out "touching networks merge" "$tmp/out" "^201.0.0.0-201.0.1.255$"
grep_out "a single address" "$tmp/out" "^201.0.3.7-201.0.3.7$"
grep_out "the bottom of IPv4" "$tmp/out" "^0.0.0.0-0.255.255.255$"
grep_out "IPv6 ranges" "$tmp/out" "^2400:cafe::-2400:caff:ffff:ffff:ffff:ffff:ffff:ffff$"
grep_out "counts on stderr" "$tmp/err" "^# CN: [0-9]* IPv4 ranges"
grep_out "MaxMind aliases not followed" "$tmp/err" " 3 aliases not followed"
if grep -q '^#' "$tmp/out"; then failed=$((failed + 1)); echo "FAIL: counts on stdout"
else passed=$((passed + 1)); fi
check "networks --cidr US,RU" 0 "$ctl" geoip networks --cidr "$db/mm6.mmdb" us,ru
grep_out "a /7" "$tmp/out" "^202.0.0.0/7$"
grep_out "the top of IPv4" "$tmp/out" "^255.255.255.0/24$"
grep_out "an IPv6 host" "$tmp/out" "^2401::1/128$"
grep_out "CIDRs counted" "$tmp/err" "CIDRs"

all=CN,RU,US,DE,FR,BR
"$ctl" geoip networks --cidr "$db/mm6.mmdb" $all >"$tmp/mm" 2>/dev/null
"$ctl" geoip networks --cidr "$db/ipl6.mmdb" $all >"$tmp/ipl" 2>/dev/null
"$ctl" geoip networks --cidr "$db/ipl4.mmdb" $all >"$tmp/ipl4" 2>/dev/null
[ -s "$tmp/mm" ] || echo "(no networks from mm6)"
same "both shapes give the same networks" "$tmp/mm" "$tmp/ipl"
grep -v : "$tmp/mm" >"$tmp/mm4"
same "an IPv4 tree gives the IPv4 networks of an IPv6 one" "$tmp/mm4" "$tmp/ipl4"
# every CIDR of the list file is inside the output (they are its merge)
want_n=$(grep -c -v '^--' "$db/mm6.nets")
got_n=$(wc -l <"$tmp/mm")
if [ "$got_n" -gt 0 ] && [ "$got_n" -le "$want_n" ]; then passed=$((passed + 1)); else
	failed=$((failed + 1)); echo "FAIL: $got_n CIDRs for $want_n networks put in"; fi

check "missing database" 1 "$ctl" geoip lookup "$db/none.mmdb" 1.2.3.4
grep_out "missing database named" "$tmp/err" "none.mmdb: No such file"
check "random bytes" 1 "$ctl" geoip networks "$db/random.mmdb" CN
grep_out "random bytes named" "$tmp/err" "random.mmdb: not a MaxMind DB"
check "truncated" 1 "$ctl" geoip lookup "$db/trunc.mmdb" 1.2.3.4
check "corrupt search tree" 1 "$ctl" geoip lookup "$db/flip.mmdb" 1.2.3.4
grep_out "corrupt tree named" "$tmp/err" "flip.mmdb: corrupt"
check "an ASN database" 1 "$ctl" geoip lookup "$db/asn.mmdb" 1.2.3.4
grep_out "ASN database refused" "$tmp/err" "asn.mmdb: not a country database"
check "--key the file does not use" 1 "$ctl" geoip lookup --key country_code \
	"$db/mm6.mmdb" 1.2.3.4
check "--key it does" 0 "$ctl" geoip lookup --key country.iso_code \
	"$db/mm6.mmdb" 201.0.0.5
check "--key unknown" 2 "$ctl" geoip lookup --key iso "$db/mm6.mmdb" 1.2.3.4
check "a bad country list" 2 "$ctl" geoip networks "$db/mm6.mmdb" CN,CHN
grep_out "the bad country is named" "$tmp/err" "'CHN' is not a two-letter"

# The real default database, ip-location-db's geo-whois-asn-country (CC0),
# as scripts/deps geoip fetches it with npm (kept in build/geoip; fetched
# once).  Addresses whose registration does not move: Google's resolvers
# (US) and the RIPE NCC's own networks (NL).  Without npm or the registry
# it is skipped, said so, and not counted as passed.
real=${GEOIP_DIR:-$top/build/geoip}/geo-whois-asn-country.mmdb
skipped=""
if [ ! -s "$real" ]; then
	GEOIP_DIR=$(dirname "$real") "$top/scripts/deps" geoip >"$tmp/fetch" 2>&1 ||
		skipped="the default database could not be fetched: $(tail -n 1 "$tmp/fetch")"
fi
if [ -z "$skipped" ]; then
	check "real database: lookup" 0 "$ctl" geoip lookup "$real" 8.8.8.8 \
		193.0.6.139 2001:4860:4860::8888 2001:67c:2e8:22::c100:68b
	printf '%s\n' "8.8.8.8 US" "193.0.6.139 NL" "2001:4860:4860::8888 US" \
		"2001:67c:2e8:22::c100:68b NL" >"$tmp/want"
	same "real database: the countries of four stable addresses" "$tmp/want" "$tmp/out"
	check "real database: the networks of NL" 0 "$ctl" geoip networks "$real" NL
	cp "$tmp/err" "$tmp/nl.err"
	n4=$(grep -c '^[0-9.]*-[0-9.]*$' "$tmp/out")
	n6=$(grep -c ':' "$tmp/out")
	echo "   (real database: NL has $n4 IPv4 and $n6 IPv6 ranges; $(cat "$tmp/nl.err"))"
	if [ "$n4" -ge 1000 ] && [ "$n6" -ge 1000 ]; then passed=$((passed + 1)); else
		failed=$((failed + 1)); echo "FAIL: real database: NL: $n4 + $n6 ranges, want >= 1000 each"; fi
	# 193.0.6.139 lies in one of them
	in=$(awk -F- -v a=193.0.6.139 'function v(s, p) { split(s, p, "."); return ((p[1] * 256 + p[2]) * 256 + p[3]) * 256 + p[4] }
		/^[0-9.]*-[0-9.]*$/ && v($1) <= v(a) && v(a) <= v($2) { n++ } END { print n + 0 }' "$tmp/out")
	if [ "$in" -eq 1 ]; then passed=$((passed + 1)); else
		failed=$((failed + 1)); echo "FAIL: real database: 193.0.6.139 in $in NL ranges, want 1"; fi
else
	echo "geoip: SKIP real database: $skipped"
fi

echo "geoip: $passed passed, $failed failed${skipped:+, 1 skipped}"
[ "$failed" -eq 0 ]
