#!/bin/sh
# test/net/reputation.sh [BUILD] - voipfwd's block lists and blocked
# countries, in the lab's throwaway namespaces (scripts/lab-lib.sh):
# two lists (a Spamhaus DROP-style file and an APIBAN export) and
# "geo-block CN" with a database built here (the phone's subnets are CN)
# are in the kernel's sets from the start; SIP from a listed source or
# a blocked country never reaches the queue (voipfwctl stats counts no
# message) and is counted by its rule in chain ban; SIGHUP after a list
# changed replaces the set; a broken list (FILE:LINE:COL) and a corrupt
# database are refused and the sets keep what they held, across a
# restart too; blocklist-refresh picks a changed list up without SIGHUP.
# OPTIONS go to the PBX from the outside host or from the phone, where a
# receiver on port 5060 counts what passed.
#
# Needs root, ip, nft, python3, sipp (lab-lib), perl with MaxMind::DB::Writer
# (./scripts/deps test) and a build; exits 4 (skip) without.  Last line:
# "reputation: N passed, N failed".
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
	echo "reputation: $passed passed, $failed failed"
}
skip_all() {
	echo "reputation: SKIP: $*"
	echo "reputation: 0 passed, 0 failed"
	exit 4
}

missing=$(lab_missing)
perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null || missing="$missing libmaxmind-db-writer-perl"
[ -z "$missing" ] || skip_all "missing:" $missing

lab_init reput
trap 'lab_cleanup' EXIT
trap 'exit 1' INT TERM HUP PIPE
lab_net 2>"$lab_tmp/net.err" ||
	skip_all "cannot build the namespaces: $(head -n 1 "$lab_tmp/net.err")"

: >"$lab_tmp/pbx.recv"
lab_bg "$NS_PBX" "$lab_tmp/pbx.recv.err" python3 "$lab_udptool" recv \
	"$lab_tmp/pbx.recv" "$lab_tmp/pbx.recv.ready" 5060
lab_wait_for 5 test -e "$lab_tmp/pbx.recv.ready" ||
	{ fail "receiver in pbx did not start"; summary; exit 1; }

db=$lab_tmp/cc.mmdb
mkdb() {
	perl -MMaxMind::DB::Writer::Tree -e '
	my $t = MaxMind::DB::Writer::Tree->new(ip_version => 6, record_size => 24,
		database_type => "test-country", languages => ["en"],
		description => { en => "reputation.sh" },
		map_key_type_callback => sub { "utf8_string" },
		alias_ipv6_to_ipv4 => 0, remove_reserved_networks => 0);
	$t->insert_network("10.10.1.0/24", { country_code => "CN" });
	$t->insert_network("203.0.113.0/24", { country_code => "CN" });
	$t->insert_network("fd10:1::/64", { country_code => "CN" });
	$t->insert_network("10.10.3.0/24", { country_code => "US" });
	open my $fh, ">", $ARGV[0] or die; $t->write_tree($fh); close $fh;' "$1"
}
mkdb "$db" || fail "building the database"

l1=$lab_tmp/drop.txt l2=$lab_tmp/apiban.json
# put FILE: replaced whole (rename), as a list downloader should
put() { cat >"$1.new" && mv "$1.new" "$1"; }
put "$l1" <<'EOF2'
; Spamhaus DROP List (test)
10.10.3.2/32 ; SBL1
198.51.100.0/24 ; SBL2
EOF2
printf '{"ipaddress":["192.0.2.7","2001:db8::7"]}\n' | put "$l2"

# logged TEXT [SECONDS]: voipfwd's log says TEXT (fixed string), in time
logged() { lab_wait_for "${2:-5}" grep -qF -- "$1" "$lab_log"; }
# logs TEXT: how many log lines say TEXT
logs() { grep -cF -- "$1" "$lab_log"; }
# more_logs N TEXT: more than N log lines say TEXT (lab_wait_for polls it)
more_logs() { [ "$(logs "$2")" -gt "$1" ]; }
# options NS SRC DST COUNT: OPTIONS to DST:5060 across the gw; how many
# reached the PBX
options() {
	before=$(wc -l <"$lab_tmp/pbx.recv")
	ip netns exec "$1" python3 "$lab_udptool" options "$2" "$3" 5060 \
		"r$$" "$4"
	sleep 0.5
	echo $(($(wc -l <"$lab_tmp/pbx.recv") - before))
}
# messages: what voipfwctl stats counts as messages judged
messages() { lab_ctl stats | sed -n 's/^messages \([0-9]*\) .*/\1/p'; }
# counter SET: packets the rule "... saddr @SET counter drop" counted
counter() {
	n=$(lab_gw nft list chain inet voipfw ban 2>/dev/null | grep -F " @$1 " |
		sed -n 's/.*counter packets \([0-9]*\) .*/\1/p')
	echo "${n:-0}"
}
# set SET: the set's elements as nft lists them
set_of() { lab_gw nft list set inet voipfw "$1" 2>/dev/null | tr -s ' \t\n' ' '; }

lab_config blocklist "$l1" blocklist "$l2" blocklist-refresh 0 \
	geo-block CN geoip "$db"
# the phone's IPv6 neighbour discovery with the gw would be dropped too
# (its source is in a blocked country, the input hook drops it): a static
# entry, so that what the IPv6 checks count is their datagrams
if lab_has_v6; then
	mac=$(ip -n "$NS_GW" link show phone | sed -n 's/.*link\/ether \([^ ]*\).*/\1/p')
	ip -n "$NS_PHONE" -6 neigh replace "$GW6_PHONE" lladdr "$mac" dev eth0 \
		nud permanent
fi
lab_start >/dev/null || { fail "voipfwd did not start"; summary; exit 1; }

echo "--- at start"
if logged "block lists (2 files): 3 IPv4 + 1 IPv6 ranges in sets block4, block6"; then
	ok "lists loaded at start, counts logged"; else fail "lists: not logged"; fi
if logged "geo-block CN: 2 IPv4 + 1 IPv6 ranges in sets geoblock4, geoblock6"; then
	ok "countries walked at start, counts logged"; else fail "geo-block: not logged"; fi
s=$(set_of block4)
case $s in *"flags interval"*"10.10.3.2"*"192.0.2.7"*"198.51.100.0/24"*) ok "block4 holds both lists";;
	*) fail "block4: $s";; esac
s=$(set_of geoblock4)
case $s in *"10.10.1.0/24"*"203.0.113.0/24"*) ok "geoblock4 holds CN's networks";;
	*) fail "geoblock4: $s";; esac

echo "--- packets"
m0=$(messages)
expect "the outside host (listed): 0 of 4 OPTIONS pass" \
	"$(options "$NS_OUT" "$OUT4" "$PBX4" 4)" 0
expect "counted by the block4 rule" "$(counter block4)" 4
expect "the phone (CN): 0 of 3 pass" "$(options "$NS_PHONE" "$PHONE4" "$PBX4" 3)" 0
expect "counted by the geoblock4 rule" "$(counter geoblock4)" 3
if lab_has_v6; then
	expect "the phone over IPv6 (CN): 0 of 2 pass" \
		"$(options "$NS_PHONE" "$PHONE6" "$PBX6" 2)" 0
	expect "counted by the geoblock6 rule" "$(counter geoblock6)" 2
	expect "the outside host over IPv6 (not listed, US): 2 of 2 pass" \
		"$(options "$NS_OUT" "$OUT6" "$PBX6" 2)" 2
	m0=$((m0 + 2))
else
	echo "    (no IPv6 in the lab: IPv6 checks skipped)"
fi
expect "none of the blocked reached voipfwd (stats messages)" "$(messages)" "$m0"

echo "--- a list changes; SIGHUP"
put "$l1" <<'EOF2'
10.10.9.9/32 ; SBL3
198.51.100.0/24 ; SBL2
EOF2
sleep 1.5
expect "blocklist-refresh 0: no reading without SIGHUP (0 of 2 pass)" \
	"$(options "$NS_OUT" "$OUT4" "$PBX4" 2)" 0
n=$(logs "block lists (2 files)")
kill -HUP "$lab_daemon"
if lab_wait_for 5 more_logs "$n" "block lists (2 files): 3 IPv4 + 1 IPv6 ranges"; then
	ok "SIGHUP: lists read again"; else fail "SIGHUP: not read"; fi
s=$(set_of block4)
case $s in *10.10.3.2*) fail "10.10.3.2 still in block4: $s";;
	*10.10.9.9*) ok "block4: the old entry gone, the new one in";;
	*) fail "block4: $s";; esac
m0=$(messages)
expect "the outside host passes now (3 of 3)" "$(options "$NS_OUT" "$OUT4" "$PBX4" 3)" 3
expect "and voipfwd judged them" "$(messages)" "$((m0 + 3))"

echo "--- a broken list"
before=$(set_of block4)
put "$l1" <<'EOF2'
10.10.3.2/32
10.10.3.0/33
EOF2
kill -HUP "$lab_daemon"
if logged "block list $l1:2:"; then ok "broken: logged with FILE:LINE:COL"; else
	fail "broken: not logged"; fi
if logged "sets block4, block6 keep what they held"; then ok "broken: says the sets stay"; else
	fail "broken: no word"; fi
expect "broken: block4 as it was" "$(set_of block4)" "$before"
expect "broken: the outside host still passes (2 of 2)" \
	"$(options "$NS_OUT" "$OUT4" "$PBX4" 2)" 2

echo "--- a corrupt database"
geo_before=$(set_of geoblock4)
head -c 4096 /dev/urandom >"$db.new" && mv "$db.new" "$db"
kill -HUP "$lab_daemon"
if logged "geo-block CN: the GeoIP database is refused: $db"; then
	ok "corrupt database: refused, the file named"; else fail "corrupt database: not refused"; fi
expect "corrupt database: geoblock4 as it was" "$(set_of geoblock4)" "$geo_before"
expect "corrupt database: the phone still dropped (0 of 2)" \
	"$(options "$NS_PHONE" "$PHONE4" "$PBX4" 2)" 0

echo "--- restart (sets adopted), blocklist-refresh 1"
lab_stop
expect "voipfwd gone: the sets stay in the kernel" "$(set_of geoblock4)" "$geo_before"
put "$l1" <<'EOF2'
10.10.9.9/32
EOF2
lab_config blocklist "$l1" blocklist "$l2" blocklist-refresh 1 \
	geo-block CN geoip "$db"
lab_start >/dev/null || { fail "voipfwd did not restart"; summary; exit 1; }
if logged "geo-block CN: the GeoIP database is refused"; then
	ok "restart with the corrupt database: refused"; else fail "restart: not refused"; fi
expect "restart: geoblock4 kept from before" "$(set_of geoblock4)" "$geo_before"
expect "restart: the phone still dropped (0 of 2)" \
	"$(options "$NS_PHONE" "$PHONE4" "$PBX4" 2)" 0
n=$(logs "block lists (2 files)")
put "$l1" <<'EOF2'
10.10.3.2/32
EOF2
if lab_wait_for 5 more_logs "$n" "block lists (2 files)"; then
	ok "blocklist-refresh 1: the changed list read without SIGHUP"; else
	fail "refresh: not read"; fi
expect "refreshed: the outside host dropped again (0 of 2)" \
	"$(options "$NS_OUT" "$OUT4" "$PBX4" 2)" 0
sleep 2.5
expect "an unchanged list is not put in again by the timer" \
	"$(logs "block lists (2 files)")" "$((n + 1))"

echo "--- the database comes back; no geo-block any more"
mkdb "$db"
kill -HUP "$lab_daemon"
if logged "geo-block CN: 2 IPv4 + 1 IPv6 ranges"; then ok "SIGHUP: database read"; else
	fail "SIGHUP: database not read"; fi
lab_stop
lab_config blocklist "$l1" blocklist "$l2"
lab_start >/dev/null || { fail "voipfwd did not restart"; summary; exit 1; }
if logged "geo-block none: 0 IPv4 + 0 IPv6 ranges"; then ok "no geo-block: sets emptied"; else
	fail "no geo-block: not said"; fi
expect "the phone passes (2 of 2)" "$(options "$NS_PHONE" "$PHONE4" "$PBX4" 2)" 2

lab_stop
summary
[ "$failed" -eq 0 ]
