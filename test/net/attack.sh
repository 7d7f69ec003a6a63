#!/bin/sh
# test/net/attack.sh [BUILD] - the attack battery against voipfwd's zone
# SIP policy, in the lab topology of scripts/lab-lib.sh (throwaway
# namespaces), while legitimate calls go on:
#
#   phone 10.10.1.2 --- gw (voipfwd) --- pbx 10.10.2.2 (test/net/siplab.py:
#                        |                registrar, digest auth, answers)
#                        +-- out: 10.10.3.0/25 zone "out", 10.10.3.128/25
#                            zone "partner" (addresses on one link):
#     .10 svmap    .11 svwar    .12 svcrack   (stock tools: "friendly-scanner")
#     .13 sipsak -F flood (OPTIONS)   .14 SIPp INVITE flood, 10x the rate
#     .16 a flood under "ban 5s"
#     .50 a peer PBX (trusted)   .60 an office: 50 phones behind one NAT
#     .130 svwar, .131 svcrack in zone "partner" (scanners allow: the
#     detectors behind the User-Agent filter, enumeration and brute force)
#
# The policy (written below, applied with voipfwctl apply --state-dir):
# zone out: rate options 2/s burst 10, invite 2/s burst 10, flood 20 per
# 10s, ban 10m, trusted .50 and .60 with trusted-rate register 50/s burst
# 200, invite 20/s burst 60, options 20/s burst 40, other 100/s burst 400;
# partner: register 100/s burst 200 (so that svcrack's guesses meet the
# brute-force detector, not the rate limit), brute-force 10 per 1m,
# enumeration 20 per 1m, scanners allow; phone: invite 20/s burst 40.
#
# Bounds: how many of an attacker's SIP packets may reach voipfwd (its
# packets into the gw's forward hook, counted by a table of the test's
# own at priority -50, less the ones voipfw's ban chain dropped):
#   scanner      1 message bans it                  + in flight: <= 1+F
#   enumeration  20 distinct users answered (1 request each, svwar's
#                sanity probe and its first, repeated, request: +3) + F
#   brute force  10 wrong passwords (1 guess a request after the first
#                challenge, +1 unauthenticated request between) : 2*10+2+F
#   flood        burst 10 + what the rate refills in its T seconds (2/s)
#                + 20 over the limit, and for an INVITE flood the ACK
#                and BYE of each INVITE that passed: 3*(10+2*T)+20+F
#                (a burst faster than voipfwd reads, sipsak -F: all of
#                it is in the queue first, bound 1000 = all; then at
#                most 10+2 reach the PBX, and a second burst none)
# F, the packets in flight: what the kernel queued before voipfwd's ban
# reached the ban set (its group commit follows the batch of up to 64
# messages voipfwd reads at once, and the attacker keeps sending while
# they wait): F = 32 for the tools here, which wait for answers or send
# at 20/s (SIPp); seen: a few.  Also measured: what reached the PBX
# (accepted by voipfwd).
#
# Checks: each attacker ends up in voipfwctl bans, with its reason in
# voipfwd's log ("ban ADDR for Ns: REASON") and in stats, within its
# bound; 30 legitimate SIPp calls with media from the phone all complete;
# the peer PBX (OPTIONS at 20/s, 12 wrong passwords) and the office (50
# phones register, 50 calls) are never banned, every request answered,
# and no rate-limit drop is theirs; unban lets a source through, and a
# source that floods again after its unban is banned again; under "ban
# 5s" a ban leaves the kernel by itself.
#
# Brute force and enumeration are read from answers: voipfwd queues SIP
# from a SIP port too, so an attacker on another source port is caught
# as well (.132: svcrack -P 5999).
#
# Needs root, ip, nft, python3, sipp, svmap/svwar/svcrack (sipvicious),
# sipsak (./scripts/deps test) and a build; exits 4 (skip) without.
# ATTACK_KEEP=1 keeps the temporary directory.  ATTACK_MUTATE=NAME runs
# the suite against a weakened policy, to see its checks fail: flood-off,
# scanners-allow, untrusted (no trusted prefixes), brute-force-off.
# Last line: "attack: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
LAB_BUILD=${1:-$top/build}
LAB_KEEP=${ATTACK_KEEP:-}
. "$top/scripts/lab-lib.sh"
passed=0 failed=0
. "$top/test/net/check.sh"
siplab=$top/test/net/siplab.py
mutate=${ATTACK_MUTATE:-}

summary() {
	if [ "$failed" -gt 0 ] && [ -s "${lab_log:-}" ]; then
		echo "--- voipfwd log (last 40 lines)"
		tail -n 40 "$lab_log" | sed 's/^/    /'
	fi
	[ -n "$LAB_KEEP" ] && [ -n "${lab_tmp:-}" ] && echo "(keeping $lab_tmp)"
	echo "attack: $passed passed, $failed failed"
}
skip_all() {
	echo "attack: SKIP: $*"
	echo "attack: 0 passed, 0 failed"
	exit 4
}
at_most() {	# DESC GOT MAX
	if [ -n "$2" ] && [ "$2" -le "$3" ] 2>/dev/null; then ok "$1 ($2 <= $3)"; else
		fail "$1: got '${2:-nothing}', want at most $3"; fi
}
at_least() {	# DESC GOT MIN
	if [ -n "$2" ] && [ "$2" -ge "$3" ] 2>/dev/null; then ok "$1 ($2 >= $3)"; else
		fail "$1: got '${2:-nothing}', want at least $3"; fi
}

missing=$(lab_missing)
for t in svmap svwar svcrack sipsak; do
	command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
[ -z "$missing" ] || skip_all "missing:" $missing

lab_init attack
trap lab_cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE
st=$lab_tmp/state
lab_net 2>"$lab_tmp/net.err" ||
	skip_all "cannot build the namespaces: $(head -n 1 "$lab_tmp/net.err")"

SVMAP=10.10.3.10 SVWAR=10.10.3.11 SVCRACK=10.10.3.12 SIPSAK=10.10.3.13
IFLOOD=10.10.3.14 SHORT=10.10.3.16
TRUNK=10.10.3.50 OFFICE=10.10.3.60 ENUM=10.10.3.130 CRACK=10.10.3.131
CRACK2=10.10.3.132
for a in $SVMAP $SVWAR $SVCRACK $SIPSAK $IFLOOD $SHORT $TRUNK \
	$OFFICE $ENUM $CRACK $CRACK2; do
	ip -n "$NS_OUT" addr add "$a/24" dev eth0 ||
		skip_all "cannot add $a to the outside namespace"
done

# ---- policy -----------------------------------------------------------------

# policy FILE BAN: the test's voipfw.conf with first bans of BAN
policy() {
	trusted="trusted $TRUNK $OFFICE"
	flood="flood 20 per 10s" scanners="scanners drop" brute="brute-force 10 per 1m"
	case $mutate in
	flood-off) flood="flood off" ;;
	scanners-allow) scanners="scanners allow" ;;
	untrusted) trusted="" ;;
	brute-force-off) brute="brute-force off" ;;
	esac
	cat >"$1" <<EOF
# test/net/attack.sh
zone phone { interface phone; sip { rate invite 20/s burst 40 } }
zone pbx { interface pbx }
zone out {
	interface out
	subnet 10.10.3.0/25
	sip {
		rate options 2/s burst 10
		rate invite 2/s burst 10
		$flood
		ban $2
		$scanners
		$trusted
		trusted-rate register 50/s burst 200
		trusted-rate invite 20/s burst 60
		trusted-rate options 20/s burst 40
		trusted-rate other 100/s burst 400
	}
}
zone partner {
	subnet 10.10.3.128/25
	sip {
		rate register 100/s burst 200
		$brute
		enumeration 20 per 1m
		scanners allow
		ban $2
	}
}
allow phone -> pbx: sip, rtp
allow pbx -> phone: sip, rtp
allow out -> pbx: sip, rtp
allow pbx -> out: sip, rtp
allow partner -> pbx: sip
policy drop
EOF
}
policy "$lab_tmp/attack.conf" 10m
[ -z "$mutate" ] || echo "--- mutation: $mutate"

# ---- the PBX, counters, voipfwd --------------------------------------------

lab_prepare 1 || { fail "cannot prepare SIPp"; summary; exit 1; }
: >"$lab_tmp/pbx.log"
lab_bg "$NS_PBX" "$lab_tmp/pbx.err" python3 "$siplab" pbx "$PBX4" \
	"$lab_tmp/pbx.log" "$lab_tmp/pbx.ready"
lab_wait_for 5 test -e "$lab_tmp/pbx.ready" ||
	{ fail "the PBX did not start: $(cat "$lab_tmp/pbx.err")"; summary; exit 1; }

# the attackers' SIP into the gw, before voipfw's chains see it
{
	echo "table inet attack_count {"
	echo " chain count { type filter hook forward priority -50; policy accept;"
	for a in $SVMAP $SVWAR $SVCRACK $SIPSAK $IFLOOD $SHORT $TRUNK \
		$OFFICE $ENUM $CRACK $CRACK2 $PHONE4; do
		echo "  ip saddr $a udp dport 5060 counter"
	done
	echo " }"; echo "}"
} >"$lab_tmp/count.nft"
lab_gw nft -f "$lab_tmp/count.nft" ||
	{ fail "cannot load the counting table"; summary; exit 1; }
sent() {	# ADDR: its SIP packets into the gw so far
	lab_gw nft list chain inet attack_count count |
		sed -n "s/.*ip saddr $1 udp dport 5060 counter packets \([0-9]*\) .*/\1/p"
}
ban_drops() {	# packets voipfw's ban chain dropped so far
	lab_gw nft list chain inet voipfw ban 2>/dev/null |
		sed -n 's/.*counter packets \([0-9]*\) .*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }'
}
at_pbx() { grep -c "^$1 " "$lab_tmp/pbx.log"; }	# ADDR: its requests the PBX saw
banned() { lab_ctl bans | grep -q "^$1 "; }
stat_of() {	# "ban flood", "drop rate-limit": the count in voipfwctl stats
	n=$(lab_ctl stats | sed -n "s/^$1 \([0-9]*\)$/\1/p")
	echo "${n:-0}"
}
logged_ban() { grep -q "ban $1 for [0-9]*s: $2 " "$lab_log"; }

# zone-policy: what voipfwctl apply keeps in the state dir (lab_config
# sets none unless told)
lab_config state-dir "$st" zone-policy "$st/applied.conf" \
	scanners "$top/rulesets/scanners.list" media-ports 10000-20000
lab_start || { fail "voipfwd did not start"; summary; exit 1; }
lab_gw "$lab_voipfwctl" apply --state-dir "$st" "$lab_tmp/attack.conf" \
	>"$lab_tmp/apply.out" 2>&1 ||
	{ fail "apply: $(cat "$lab_tmp/apply.out")"; summary; exit 1; }
policy_in_force() { grep -q "zone policy .*in force" "$lab_log"; }
lab_wait_for 5 policy_in_force && ok "voipfwd put the applied policy in force" ||
	{ fail "voipfwd did not load the policy"; summary; exit 1; }

# ---- legitimate traffic, in the background ----------------------------------

CALLS=30
lab_sipp "$NS_PHONE" legit -sf uac.xml "$PBX4:5060" -i "$PHONE4" -p 5060 \
	-mi "$PHONE4" -mp 12000 -m $CALLS -r 3 -l 10 -d 1500 -key pad "" \
	-trace_stat -fd 1
legit=$lab_last
lab_bg "$NS_OUT" "$lab_tmp/office.err" python3 "$siplab" office "$OFFICE" \
	"$PBX4" 50 1 "$lab_tmp/office.out"
office=$lab_last
lab_bg "$NS_OUT" "$lab_tmp/trunk.err" python3 "$siplab" trunk "$TRUNK" \
	"$PBX4" 60 12 "$lab_tmp/trunk.out"
trunk=$lab_last

# ---- the battery --------------------------------------------------------------

# attack NAME ADDR REASON BOUND COMMAND...: run the attacker to its end
# (or 20 s), then: banned, for REASON (log and stats), within BOUND
# packets reaching voipfwd
attack() {
	name=$1 addr=$2 why=$3 bound=$4
	shift 4
	s0=$(sent "$addr") b0=$(ban_drops) p0=$(at_pbx "$addr")
	n0=$(stat_of "ban $why")
	# the attacker's address is the source of whatever does not bind
	# one (svwar and svcrack 0.3.3 ignore -b)
	ip -n "$NS_OUT" route replace default via "$GW4_OUT" src "$addr"
	t0=$(date +%s%N)
	(cd "$lab_tmp" && timeout 20 ip netns exec "$NS_OUT" "$@") \
		>"$lab_tmp/$name.out" 2>&1
	t=$((($(date +%s%N) - t0) / 1000000))
	ip -n "$NS_OUT" route replace default via "$GW4_OUT"
	sleep 0.3
	s=$(($(sent "$addr") - s0)) b=$(($(ban_drops) - b0))
	reached=$((s - b)) pbx=$(($(at_pbx "$addr") - p0))
	echo "   ($name: $s packets in $t ms, $b dropped by the ban, $reached reached voipfwd, $pbx the PBX)"
	if banned "$addr"; then ok "$name: $addr banned"; else
		fail "$name: $addr not banned"; fi
	if logged_ban "$addr" "$why"; then ok "$name: banned for $why (log)"; else
		fail "$name: no 'ban $addr ...: $why' in the log: $(grep "ban $addr" "$lab_log" | head -n 2)"; fi
	expect "$name: stats count one more ban $why" $(($(stat_of "ban $why") - n0)) 1
	at_most "$name: its packets that reached voipfwd" "$reached" "$bound"
}

F=32
echo "--- svmap scan from $SVMAP"
attack svmap $SVMAP scanner $((1 + F)) svmap -b $SVMAP 10.10.2.2-10.10.2.30
echo "--- svwar (stock) from $SVWAR"
attack svwar $SVWAR scanner $((1 + F)) svwar -b $SVWAR -e 100-300 $PBX4
echo "--- svcrack (stock) from $SVCRACK"
attack svcrack $SVCRACK scanner $((1 + F)) svcrack --maximumtime 3 -b $SVCRACK -u 100 -r 7000-7999 $PBX4
echo "--- svwar enumeration from $ENUM (zone partner)"
attack enumeration $ENUM enumeration $((20 + 3 + F)) svwar -b $ENUM -e 100-300 $PBX4
echo "--- svcrack password guessing from $CRACK (zone partner)"
attack brute-force $CRACK brute-force $((2 * 10 + 2 + F)) svcrack --maximumtime 3 -b $CRACK -u 100 -r 7000-7999 $PBX4
if grep -q "^$CRACK REGISTER 100 200" "$lab_tmp/pbx.log"; then
	fail "brute-force: svcrack found the password (7531) before its ban"
else ok "brute-force: svcrack never got a 200"; fi
echo "--- svcrack from $CRACK2, source port 5999 (zone partner)"
attack brute-force-5999 $CRACK2 brute-force $((2 * 10 + 2 + F)) svcrack --maximumtime 3 -b $CRACK2 -P 5999 -u 100 -r 7000-7999 $PBX4
echo "--- sipsak flood from $SIPSAK"
# 1000 OPTIONS as fast as sipsak goes (some 16 ms): the whole burst is in
# the kernel's queue before voipfwd reads the 31st, so it all reaches
# voipfwd (the queue's length is the bound); what matters is what passes:
# burst 10, and what the rate refills (2/s)
attack sipsak $SIPSAK flood 1000 sipsak -F -e 1000 -k $SIPSAK -s sip:pbx@$PBX4
at_most "sipsak: its OPTIONS that reached the PBX" "$pbx" $((10 + 2))
echo "--- sipsak again, banned"
s0=$(sent $SIPSAK) b0=$(ban_drops)
ip netns exec "$NS_OUT" sipsak -F -e 1000 -k $SIPSAK -s sip:pbx@$PBX4 >/dev/null 2>&1
sleep 0.3
s=$(($(sent $SIPSAK) - s0)) b=$(($(ban_drops) - b0))
expect "sipsak: a second flood of $s, all dropped by the ban" "$b" "$s"
echo "--- SIPp INVITE flood at 20/s (10x invite 2/s) from $IFLOOD"
# 100 calls at 20/s: 5 s, the rate refills 2 a second
attack invite-flood $IFLOOD flood $((3 * (10 + 2 * 5) + 20 + F)) sipp -nostdin \
	-sf "$lab_tmp/uac.xml" "$PBX4:5060" -i $IFLOOD -p 5060 -m 100 -r 20 \
	-d 100 -key pad "" -timeout 8

# ---- legitimate traffic: the results -------------------------------------------

echo "--- legitimate traffic"
lab_reap "$legit" 60
rc=$?
calls=$(sed -n 's/.*Successful call *| *[0-9]* *| *\([0-9]*\) .*/\1/p' \
	"$lab_tmp/legit.out" | tail -n 1)
expect "phone: SIPp's $CALLS calls completed (exit status)" "$rc" 0
expect "phone: successful calls" "${calls:-?}" $CALLS
lab_reap "$office" 30
expect "office: 50 phones registered, 50 calls, none failed" \
	"$(cat "$lab_tmp/office.out" 2>/dev/null)" "registered 50 calls 50 failed 0"
lab_reap "$trunk" 30
expect "peer PBX: 60 OPTIONS and 12 wrong passwords, all answered" \
	"$(cat "$lab_tmp/trunk.out" 2>/dev/null)" "options 60/60 badreg 12/12"
for a in $PHONE4 $TRUNK $OFFICE; do
	if banned "$a" || grep -q "ban $a " "$lab_log"; then fail "$a was banned"; else
		ok "$a never banned"; fi
	# every one of its requests reached the PBX: none dropped
	expect "$a: its SIP all reached the PBX" "$(at_pbx "$a")" "$(sent "$a")"
done

# ---- unban, a second offence, expiry -------------------------------------

# reaches ADDR TAG: one OPTIONS (no scanner User-Agent) from ADDR gets to
# the PBX within 2 s
reaches() {
	_n0=$(at_pbx "$1")
	ip netns exec "$NS_OUT" python3 "$lab_udptool" options "$1" "$PBX4" 5060 "$2"
	_arrived() { [ "$(at_pbx "$1")" -gt "$_n0" ]; }
	lab_wait_for 2 _arrived "$1"
}
echo "--- unban"
if reaches $SVMAP banned; then fail "unban: $SVMAP passed while banned"; else
	ok "unban: $SVMAP dropped while banned"; fi
lab_ctl unban $SVMAP >"$lab_tmp/unban.out" 2>&1
expect "unban: voipfwctl unban $SVMAP" $? 0
if banned $SVMAP; then fail "unban: $SVMAP still in bans"; else ok "unban: $SVMAP left bans"; fi
if reaches $SVMAP unbanned; then ok "unban: $SVMAP reaches the PBX again"; else
	fail "unban: $SVMAP still dropped"; fi

echo "--- a second flood after its unban"
lab_ctl unban $SIPSAK >/dev/null 2>&1
n0=$(grep -c "ban $SIPSAK for" "$lab_log")
ip netns exec "$NS_OUT" sipsak -F -e 1000 -k $SIPSAK -s sip:pbx@$PBX4 >/dev/null 2>&1
sleep 0.3
if banned $SIPSAK; then ok "re-flood: $SIPSAK banned again"; else
	fail "re-flood: $SIPSAK not banned again"; fi
expect "re-flood: a second ban logged" $(($(grep -c "ban $SIPSAK for" "$lab_log") - n0)) 1
if grep "ban $SIPSAK for" "$lab_log" | tail -n 1 | grep -q "for 1200s"; then
	ok "re-flood: the repeat offender's ban is twice the first (1200s)"
else fail "re-flood: $(grep "ban $SIPSAK for" "$lab_log" | tail -n 1)"; fi

echo "--- ban 5s: a ban expires"
policy "$lab_tmp/short.conf" 5s
lab_gw "$lab_voipfwctl" apply --state-dir "$st" "$lab_tmp/short.conf" \
	>"$lab_tmp/apply2.out" 2>&1
expect "ban 5s: applied" $? 0
reloaded() { [ "$(grep -c "zone policy .*in force" "$lab_log")" -ge 2 ]; }
lab_wait_for 5 reloaded && ok "ban 5s: voipfwd reloaded the policy" ||
	fail "ban 5s: voipfwd did not reload"
ip netns exec "$NS_OUT" sipsak -F -e 200 -k $SHORT -s sip:pbx@$PBX4 >/dev/null 2>&1
sleep 0.3
left=$(lab_ctl bans | sed -n "s/^$SHORT expires \([0-9]*\).*/\1/p")
if banned $SHORT && grep -q "ban $SHORT for 5s: flood" "$lab_log"; then
	ok "ban 5s: $SHORT banned for 5s"; else
	fail "ban 5s: $SHORT: $(lab_ctl bans | grep "^$SHORT "; grep "ban $SHORT" "$lab_log")"; fi
at_most "ban 5s: time left in bans" "$left" 5
t0=$(date +%s)
gone() { ! banned $SHORT; }
if lab_wait_for 8 gone; then ok "ban 5s: gone from bans after $(($(date +%s) - t0)) s"; else
	fail "ban 5s: still banned after 8 s"; fi
if reaches $SHORT expired; then ok "ban 5s: $SHORT reaches the PBX again"; else
	fail "ban 5s: $SHORT still dropped"; fi

echo "--- accounts: the last registrations outlive a reload and a restart"
# the office's 50 phones registered (through the 200s the PBX sent back)
# before the reload above; voipfwd writes STATE-DIR/accounts at stop and
# reads it at start (dormant accounts: voipfwd(8))
lab_stop
if head -n 3 "$st/accounts" 2>/dev/null | grep -q '^voipfw-accounts 1$'; then
	ok "accounts: $st/accounts written at stop"
else
	fail "accounts: no $st/accounts: $(ls "$st")"
fi
n=$(grep -c '^[0-9a-f]\{16\} [0-9]*$' "$st/accounts" 2>/dev/null)
at_least "accounts: the office's 50 usernames among them" "${n:-0}" 50
# nothing but the header, the key and "HASH SECONDS" lines: no name
expect "accounts: hashes and times only" \
	"$(grep -v '^#' "$st/accounts" | grep -vc -e '^voipfw-accounts 1$' \
		-e '^key [0-9a-f]\{32\}$' -e '^[0-9a-f]\{16\} [0-9]*$')" 0
lab_start || { fail "voipfwd did not restart"; summary; exit 1; }
if grep -q "accounts: $n last registrations from $st/accounts" "$lab_log"; then
	ok "accounts: read again at start ($n)"
else
	fail "accounts: $(grep 'accounts:' "$lab_log" | tail -n 2)"
fi
lab_stop

summary
[ "$failed" -eq 0 ]
