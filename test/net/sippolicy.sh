#!/bin/sh
# test/net/sippolicy.sh [BUILD] - voipfwd and the zones' SIP policy, in the
# lab's throwaway namespaces (scripts/lab-lib.sh): the policy file is read
# when it appears, followed within seconds when it changes, a broken one
# leaves the policy in force (and says where it is broken), SIGHUP reads
# it at once; a zone's rate limit drops what is over it; a policy naming
# countries is refused while the GeoIP database is missing and works once
# it is there (a database built here, mapping the phone's subnet to CN);
# a scanner's User-Agent is dropped and its source banned; max-headers,
# max-forwards and require drop what breaks them, counted by reason;
# without a file nothing is judged.  OPTIONS go from the phone (zone "phones") to the
# outside host, or from the outside host (zone "outside") to the PBX,
# where receivers on port 5060 count what passed.
#
# Needs root, ip, nft, python3, sipp (lab-lib), perl with MaxMind::DB::Writer
# (./scripts/deps test) and a build; exits 4 (skip) without.  Last line:
# "sippolicy: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
LAB_BUILD=${1:-$top/build}
. "$top/scripts/lab-lib.sh"
passed=0 failed=0
. "$top/test/net/check.sh"

summary() {
	if [ "$failed" -gt 0 ] && [ -s "${lab_log:-}" ]; then
		echo "--- voipfwd log"
		sed 's/^/    /' "$lab_log"
	fi
	echo "sippolicy: $passed passed, $failed failed"
}
skip_all() {
	echo "sippolicy: SKIP: $*"
	echo "sippolicy: 0 passed, 0 failed"
	exit 4
}

missing=$(lab_missing)
perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null || missing="$missing libmaxmind-db-writer-perl"
[ -z "$missing" ] || skip_all "missing:" $missing

lab_init sippol
trap 'lab_cleanup' EXIT
trap 'exit 1' INT TERM HUP PIPE
lab_net 2>"$lab_tmp/net.err" ||
	skip_all "cannot build the namespaces: $(head -n 1 "$lab_tmp/net.err")"

zp=$lab_tmp/zones.conf
for h in out pbx; do
	case $h in out) n=$NS_OUT ;; pbx) n=$NS_PBX ;; esac
	: >"$lab_tmp/$h.recv"
	lab_bg "$n" "$lab_tmp/$h.recv.err" python3 "$lab_udptool" recv \
		"$lab_tmp/$h.recv" "$lab_tmp/$h.recv.ready" 5060
	lab_wait_for 5 test -e "$lab_tmp/$h.recv.ready" ||
		{ fail "receiver in $h did not start"; summary; exit 1; }
done

printf 'friendly-scanner\nsipvicious\n' >"$lab_tmp/scanners.list"
lab_config zone-policy "$zp" scanners "$lab_tmp/scanners.list" \
	geoip "$lab_tmp/cc.mmdb"

# put FILE: the policy, replaced whole as voipfwctl apply does (rename)
put() { cat >"$zp.new" && mv "$zp.new" "$zp"; }
# logged TEXT [SECONDS]: voipfwd's log says TEXT (fixed string), in time
logged() { lab_wait_for "${2:-5}" grep -qF -- "$1" "$lab_log"; }
# options NS SRC COUNT [UA]: OPTIONS across the gw (the phone's to the
# outside host, the outside host's to the PBX); how many arrived
options() {
	if [ "$1" = "$NS_OUT" ]; then to=pbx dst=$PBX4; else to=out dst=$OUT4; fi
	before=$(wc -l <"$lab_tmp/$to.recv")
	ip netns exec "$1" python3 "$lab_udptool" options "$2" "$dst" 5060 \
		"p$$" "$3" ${4:+"$4"}
	sleep 0.5
	echo $(($(wc -l <"$lab_tmp/$to.recv") - before))
}
# stat WHAT: the count voipfwctl stats gives a line "WHAT N"
stat() { lab_ctl stats | sed -n "s/^$1 \([0-9]*\)$/\1/p"; }

lab_start >/dev/null || { fail "voipfwd did not start"; summary; exit 1; }

echo "--- no file"
if logged "no zone policy at $zp"; then ok "no file: said so"; else fail "no file: not said"; fi
expect "no file: nothing judged, 10 of 10 pass" "$(options "$NS_PHONE" "$PHONE4" 10)" 10

echo "--- the file appears"
put <<'EOF2'
zone phones { subnet 10.10.1.0/24; sip { rate options 1/m burst 2; flood off } }
zone outside { subnet 10.10.3.0/24 }
EOF2
if logged "zone policy $zp: the sip blocks of 2 zones in force"; then
	ok "read within 5 s of appearing"; else fail "not read"; fi
expect "rate options 1/m burst 2: 2 of 10 pass" "$(options "$NS_PHONE" "$PHONE4" 10)" 2
expect "stats: drop rate-limit 8" "$(stat 'drop rate-limit')" 8
expect "flood off: no ban" "$(stat 'ban flood')" ""

echo "--- a broken file"
put <<'EOF2'
zone phones { subnet 10.10.1.0/24; sip { rate options 1/m burst 2 } }
zone outside { subnet 10.10.3.0/24; sip { rate bogus 1/s } }
EOF2
if logged "$zp:2:48: unknown method class 'bogus'"; then
	ok "broken: logged with FILE:LINE:COL"; else fail "broken: not logged"; fi
if logged "the SIP policy in force stays"; then ok "broken: says the policy stays"; else fail "broken: no word"; fi
expect "broken: the old policy still drops (0 of 5 pass)" "$(options "$NS_PHONE" "$PHONE4" 5)" 0

echo "--- countries without a database"
put <<'EOF2'
zone phones { subnet 10.10.1.0/24; sip { countries deny CN } }
zone outside { subnet 10.10.3.0/24 }
EOF2
if logged "names countries, but the GeoIP database is refused: $lab_tmp/cc.mmdb"; then
	ok "countries, no database: refused, the file named"; else fail "countries, no database: not refused"; fi
expect "the policy in force stays (0 of 3 pass)" "$(options "$NS_PHONE" "$PHONE4" 3)" 0

echo "--- the database arrives; SIGHUP"
perl -MMaxMind::DB::Writer::Tree -e '
	my $t = MaxMind::DB::Writer::Tree->new(ip_version => 6, record_size => 24,
		database_type => "test-country", languages => ["en"],
		description => { en => "sippolicy.sh" },
		map_key_type_callback => sub { "utf8_string" },
		alias_ipv6_to_ipv4 => 0, remove_reserved_networks => 0);
	$t->insert_network("10.10.1.0/24", { country_code => "CN" });
	$t->insert_network("10.10.3.0/24", { country_code => "US" });
	open my $fh, ">", $ARGV[0] or die; $t->write_tree($fh); close $fh;' \
	"$lab_tmp/cc.mmdb" || fail "building the database"
kill -HUP "$lab_daemon"
if logged ", GeoIP $lab_tmp/cc.mmdb"; then ok "SIGHUP: read with the database"; else fail "SIGHUP: not read"; fi
expect "deny CN: the phone (CN) is dropped (0 of 4)" "$(options "$NS_PHONE" "$PHONE4" 4)" 0
expect "stats: drop country 4" "$(stat 'drop country')" 4
expect "the outside host (US, no countries in its zone) passes" "$(options "$NS_OUT" "$OUT4" 3)" 3

echo "--- a scanner"
put <<'EOF2'
zone phones { subnet 10.10.1.0/24 }
zone outside { subnet 10.10.3.0/24; sip { ban 1m } }
EOF2
logged "the sip blocks of 2 zones in force, scanner list" 5 || true
sleep 1.5	# the previous load logged the same words: let this one land
expect "friendly-scanner: dropped" "$(options "$NS_OUT" "$OUT4" 1 friendly-scanner)" 0
expect "stats: ban scanner 1" "$(stat 'ban scanner')" 1
if lab_ctl bans | grep -Eq "^$OUT4 expires [0-9]+ reason scanner\$"; then
	ok "bans lists the scanner's address, with its reason"; else
	fail "bans: $(lab_ctl bans)"; fi
expect "banned: even a phone's User-Agent is dropped now" \
	"$(options "$NS_OUT" "$OUT4" 2 "Yealink SIP-T46S")" 0
lab_ctl unban "$OUT4" >/dev/null
expect "after unban, a phone's User-Agent passes" "$(options "$NS_OUT" "$OUT4" 2 "Yealink SIP-T46S")" 2

echo "--- validation: max-headers, max-forwards, require"
# udptool's OPTIONS: 8 header fields, Max-Forwards 70; a User-Agent is a 9th
put <<'EOF2'
zone phones { subnet 10.10.1.0/24 }
zone outside { subnet 10.10.3.0/24; sip { max-headers 8; max-forwards 70 } }
EOF2
logged "the sip blocks of 2 zones in force" 5 || true
sleep 1.5
expect "max-headers 8: 8 fields pass" "$(options "$NS_OUT" "$OUT4" 2)" 2
expect "max-headers 8: 9 fields dropped" "$(options "$NS_OUT" "$OUT4" 3 "Yealink SIP-T46S")" 0
expect "stats: drop max-headers 3" "$(stat 'drop max-headers')" 3
put <<'EOF2'
zone phones { subnet 10.10.1.0/24 }
zone outside { subnet 10.10.3.0/24; sip { max-forwards 71 } }
EOF2
sleep 2.5
expect "max-forwards 71: Max-Forwards 70 dropped" "$(options "$NS_OUT" "$OUT4" 2)" 0
expect "stats: drop max-forwards 2" "$(stat 'drop max-forwards')" 2
put <<'EOF2'
zone phones { subnet 10.10.1.0/24 }
zone outside { subnet 10.10.3.0/24; sip { require user-agent Contact } }
EOF2
sleep 2.5
expect "require User-Agent: without one dropped" "$(options "$NS_OUT" "$OUT4" 2)" 0
expect "require User-Agent: with one passes" "$(options "$NS_OUT" "$OUT4" 2 "Yealink SIP-T46S")" 2
expect "stats: drop missing-required-header 2" "$(stat 'drop missing-required-header')" 2
expect "the phones' zone requires nothing" "$(options "$NS_PHONE" "$PHONE4" 2)" 2

echo "--- the file goes"
rm -f "$zp"
if logged "no zone policy at $zp: SIP is judged without" 5; then ok "removed: said so"; else fail "removed: not said"; fi
sleep 1.5
expect "removed: nothing judged, 10 of 10 pass" "$(options "$NS_PHONE" "$PHONE4" 10)" 10

lab_stop
summary
[ "$failed" -eq 0 ]
