#!/bin/sh
# test/net/toll.sh [BUILD] - toll fraud in voipfwd, in the lab's throwaway
# namespaces (scripts/lab-lib.sh): a class file with premium-rate numbers
# limited to 2 calls an hour (cool-down 60 s); SIPp places calls from the
# phone's extension 100 to premium numbers through the gw to the PBX
# (which echoes the RTP).  The two calls within the limit complete with
# media; the third INVITE is dropped and trips the breaker, which is
# logged and counted; the live calls' pinholes go and their media stops
# at the gw (the pinhole counters stand still while the phone's RTP is
# counted by the drop rule); another extension still calls; unblock-ext
# restores service.  Then block-class, block-user, a block with expiry,
# the read-only role (nobody in control-group nogroup may list, not
# block), and a broken class file (logged with FILE:LINE:COL, the one in
# force stays).
#
# Needs root, ip, nft, python3, sipp (lab-lib), setpriv and a build;
# exits 4 (skip) without.  Last line: "toll: N passed, N failed".
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
	echo "toll: $passed passed, $failed failed"
}
skip_all() {
	echo "toll: SKIP: $*"
	echo "toll: 0 passed, 0 failed"
	exit 4
}

missing=$(lab_missing)
command -v setpriv >/dev/null 2>&1 || missing="$missing setpriv"
getent group nogroup >/dev/null 2>&1 || missing="$missing group-nogroup"
[ -z "$missing" ] || skip_all "missing:" $missing

lab_init toll
trap 'lab_cleanup' EXIT
trap 'exit 1' INT TERM HUP PIPE
lab_net 2>"$lab_tmp/net.err" ||
	skip_all "cannot build the namespaces: $(head -n 1 "$lab_tmp/net.err")"
lab_prepare 30 || { fail "scenarios and RTP capture"; summary; exit 1; }

tc=$lab_tmp/toll-classes.list
cat >"$tc" <<'EOF'
country-code 44
international-prefix 00
national-prefix 0
short-max 4
class emergency =112 =999
class internal short name
class unreadable invalid
class national home
class premium +449
class international +
exempt emergency
internal internal
limit premium per-hour 2 cooldown 60
limit international per-hour 10 cooldown 60
limit unreadable per-hour 0 cooldown 0
EOF
# nobody may reach the socket: the read-only role's check
chmod 711 "$lab_tmp"
lab_config toll-classes "$tc" control-group nogroup

# logged TEXT [SECONDS]: voipfwd's log says TEXT (fixed string), in time
logged() { lab_wait_for "${2:-5}" grep -qF -- "$1" "$lab_log"; }
# stat WHAT: the count voipfwctl stats gives a line "WHAT N"
stat() { lab_ctl stats | sed -n "s/^$1 \([0-9]*\)$/\1/p"; }
# media: RTP packets the pinhole rules let through so far
media() { echo $(($(lab_counter pinhole4) + $(lab_counter pinhole4_peer))); }

# call N EXT NUMBER HOLD_MS: SIPp phone N calls NUMBER as EXT; its pid in
# $call_pid.  Each phone its own address, 10.10.1.(10+N) (SIP on port
# 5060 both ways: the queue rule takes SIP by destination port)
call() {
	ip -n "$NS_PHONE" addr add "10.10.1.$((10 + $1))/24" dev eth0 2>/dev/null
	lab_sipp "$NS_PHONE" "call$1" -sf uac-toll.xml "$PBX4:5060" \
		-i "10.10.1.$((10 + $1))" -p 5060 -mi "10.10.1.$((10 + $1))" \
		-mp 12000 -m 1 -d "$4" -s "$3" -key ext "$2"
	call_pid=$lab_last
}
# completes DESC N EXT NUMBER: a short call that must run to its BYE
completes() {
	call "$2" "$3" "$4" 500
	if lab_reap "$call_pid" 15; then ok "$1"; else
		fail "$1: SIPp: $(tail -n 2 "$lab_tmp/call$2.err" 2>/dev/null | tr '\n' ' ')"; fi
}
# refused DESC N EXT NUMBER: a call whose INVITE never gets an answer
refused() {
	LAB_SIPP_TIMEOUT=3 call "$2" "$3" "$4" 500
	if lab_reap "$call_pid" 15; then fail "$1: the call went through"; else ok "$1"; fi
}
up() { [ "$(lab_elements)" -ge "$1" ]; }
show_up() { echo "elements $(lab_elements); pinholes: $(lab_pinholes | tr "\n" " ")"; }

lab_start >/dev/null || { fail "voipfwd did not start"; summary; exit 1; }
if logged "toll classes $tc: 6 classes in force"; then
	ok "the class file is read at start"; else fail "class file not read"; fi

# the PBX: answers every call, echoes its RTP (to each phone's address)
lab_sipp "$NS_PBX" uas -sf uas.xml -i "$PBX4" -p 5060 -mi "$PBX4" -mp 16000 \
	-m 30 -rtp_echo -d 0
listening() { [ -n "$(ip netns exec "$NS_PBX" ss -Hlun 'sport = :5060')" ]; }
lab_wait_for 5 listening || fail "SIPp PBX does not listen"

echo "--- premium calls in a loop from extension 100"
call 1 100 0909111222 40000
a=$call_pid
if lab_wait_for 5 up 2; then ok "call 1 (0909111222, premium): up, pinholes in"; else
	fail "call 1: no pinholes ($(show_up))"; fi
call 2 100 +449092223333 40000
b=$call_pid
if lab_wait_for 5 up 4; then ok "call 2 (+449092223333, premium): up, pinholes in"; else
	fail "call 2: no pinholes"; fi
m0=$(media); sleep 1; m1=$(media)
if [ "$m1" -gt "$m0" ]; then ok "media flows ($((m1 - m0)) RTP packets in 1 s)"; else
	fail "no media through the pinholes"; fi

d0=$(lab_counter drop)
refused "call 3 (0909333444): the INVITE one too many is dropped" 3 100 0909333444
if logged "toll: breaker tripped ext 100 class premium: per-hour limit (2 calls/hour); its guarded classes refused for 60 s"; then
	ok "the breaker's event is logged"; else fail "no breaker event in the log"; fi
expect "stats: drop toll-per-hour 1" "$(stat 'drop toll-per-hour')" 1
expect "stats: toll trips 1" "$(stat 'toll trips')" 1
expect "stats: toll calls-ended 2" "$(stat 'toll calls-ended')" 2
if lab_wait_for 2 lab_no_pinholes; then ok "the live calls' pinholes are gone"; else
	fail "pinholes left: $(lab_pinholes | tr '\n' ' ')"; fi
expect "no pinhole elements in the sets" "$(lab_elements)" 0
m0=$(media); x0=$(lab_counter drop); sleep 1; m1=$(media); x1=$(lab_counter drop)
expect "media stopped: no RTP through pinholes in 1 s" $((m1 - m0)) 0
if [ "$x1" -gt "$x0" ]; then ok "... the phone's RTP is dropped at the gw ($((x1 - x0)) in 1 s)"; else
	fail "the phone's RTP is not seen dropped (is SIPp still playing?)"; fi
if lab_ctl blocks | grep -q '^breaker 100 expires [0-9]* queue 0$'; then
	ok "blocks lists the open breaker"; else fail "blocks: $(lab_ctl blocks | tr '\n' ' ')"; fi
refused "breaker open: ext 100 to an international number (guarded) is refused" 4 100 0033123456789
expect "stats: drop toll-breaker" "$(stat 'drop toll-breaker' | grep -c .)" 1
completes "breaker open: ext 100 to an internal extension passes" 5 100 201
completes "another extension (101) calls premium" 6 101 0909555666
kill "$a" "$b" 2>/dev/null

echo "--- unblock-ext restores service"
expect "unblock-ext 100" "$(lab_ctl unblock-ext 100)" "unblocked ext 100 (breaker reset)"
completes "ext 100 calls premium again" 7 100 0909777888
lab_ctl unblock-ext 100 >/dev/null 2>&1
expect "unblock-ext again: exit 1 (nothing blocked)" $? 1

echo "--- block-class"
expect "block-class premium" "$(lab_ctl block-class premium)" "blocked class premium"
refused "block-class: ext 102 to premium is refused" 8 102 0909888999
expect "stats: drop toll-class-blocked" "$(stat 'drop toll-class-blocked' | grep -c .)" 1
completes "block-class: ext 102 to national passes" 9 102 02079460001
lab_ctl block-class emergency >/dev/null 2>&1
expect "block-class emergency (exempt): refused, exit 2" $? 2
lab_ctl block-class nosuch >/dev/null 2>&1
expect "block-class nosuch: exit 1" $? 1
expect "unblock-class premium" "$(lab_ctl unblock-class premium)" "unblocked class premium"
completes "unblock-class: ext 102 to premium passes" 10 102 0909888999

echo "--- block-user"
expect "block-user 103" "$(lab_ctl block-user 103)" "blocked user 103"
refused "block-user: 103's INVITE (even internal) is dropped" 11 103 201
expect "stats: drop user-blocked" "$(stat 'drop user-blocked' | grep -c .)" 1
expect "unblock-user 103" "$(lab_ctl unblock-user 103)" "unblocked user 103"
completes "unblock-user: 103 calls again" 12 103 201

echo "--- a block with expiry"
expect "block-ext 104 2" "$(lab_ctl block-ext 104 2)" "blocked ext 104 for 2 s"
if lab_ctl blocks | grep -q '^ext 104 expires [12]$'; then ok "blocks lists it with its expiry"; else
	fail "blocks: $(lab_ctl blocks | tr '\n' ' ')"; fi
if logged "toll: block-ext 104 expired" 5; then ok "it expires (logged)"; else fail "no expiry"; fi
completes "ext 104 calls premium after the expiry" 13 104 0909123123

echo "--- roles"
ro() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$lab_voipfwctl" "$@" --socket "$lab_sock"; }
ro blocks >/dev/null 2>&1
expect "read-only (nogroup): blocks, exit 0" $? 0
ro block-ext 105 >/dev/null 2>"$lab_tmp/ro.err"
expect "read-only: block-ext refused, exit 3" $? 3
if grep -q "permission denied" "$lab_tmp/ro.err"; then ok "... with permission denied"; else
	fail "read-only: $(cat "$lab_tmp/ro.err")"; fi

echo "--- the class file"
printf 'country-code 44\nclass internal short name\nclass bad invalid\nclass x +\nlimit nosuch per-hour 1\n' >"$tc.new"
mv "$tc.new" "$tc"
if logged "$tc:5:7: " 5 && logged "the toll classes in force stay"; then
	ok "broken: logged with FILE:LINE:COL, the one in force stays"; else
	fail "broken file: $(grep toll "$lab_log" | tail -n 2 | tr '\n' ' ')"; fi
expect "the old classes still judge: block-class premium" "$(lab_ctl block-class premium)" "blocked class premium"
rm -f "$tc"
if logged "no toll class file at $tc: toll fraud is not checked"; then
	ok "removed: toll fraud off, logged"; else fail "removal not logged"; fi
lab_ctl blocks >/dev/null 2>&1
expect "toll fraud off: blocks says so (exit 2)" $? 2

summary
[ "$failed" -eq 0 ]
