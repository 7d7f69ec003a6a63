#!/bin/sh
# test/net/policy-call.sh [BUILD] - a zone policy applied, re-applied,
# refused and rolled back (voipfwctl) on the gw while a real SIPp call
# with RTP passes voipfwd there, in throwaway network namespaces (the lab
# topology of scripts/lab-lib.sh):
#
#   phone 10.10.1.2 --- gw (voipfwd, zone policy) --- pbx 10.10.2.2
#                        |
#                        +--------------------------- out 10.10.3.2
#
# v1.conf allows SIP and RTP between zones phones and pbx (policy drop)
# and marks RTP ef and SIP cs3; v2.conf also allows SIP from phones to
# out and marks RTP af41 and SIP cs5.  v1 is applied before the call;
# during it v2 is applied, then a broken config, then `rollback` (to v1);
# then the call ends with its BYE.  What the far side sees is read from
# the wire (test/net/udptool.py wire on each host's link: every datagram
# in and out, with the kernel's timestamp and its TOS byte).
#
# Checks: the call's RTP and SIP arrive with the configured DSCP (the
# senders' own bytes leave with 0), both ways, and with the new classes
# once v2 is live (SIP: an OPTIONS that only v2 lets through to out);
# the ACL is live (SIP from phones to out dropped by v1's policy line,
# passing under v2, dropped again after the rollback).  Around each of
# the three operations: the call's pinholes are the same elements (nft
# monitor sees no element added or deleted, voipfwctl lists the same
# pinholes of the same call, the RTCP pinholes - no media refreshes them -
# go on counting down their expiry as the clock does, where a re-created
# element would start again from the timeout), media keeps flowing
# (voipfwd's pinhole counter over a second; every RTP datagram either
# end sent from 0.5 s before to 1 s after the operation reached the
# other end, and none took more than 20 ms through the gw, matched by
# their RTP header on both links; the longest gaps at the receivers are
# printed); the broken config is refused with FILE:LINE:COL and the
# policy chains, the applied version and the DSCP stay as they were.
# Then the BYE (with v1's class) ends the call, both SIPp complete and
# the pinholes close.  Last, a short IPv6 call under v1: its RTP and SIP
# carry the classes too (the qos chain's ip6 rules).
#
# VOIPFWCTL: the voipfwctl that applies and rolls back (another build, or
# a mutation's wrapper); voipfwd's queries use BUILD's.  Needs root, ip,
# nft, python3 and sipp (./scripts/deps test) and a build (make); exits 4
# (skip) without.  Run on this host's xt NFQUEUE path (test/run tier 2);
# nothing in it depends on the queue path, but it has not been run in
# scripts/vm on the native one.
# POLICY_CALL_KEEP=1 keeps the temporary directory.  Last line:
# "policy-call: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
LAB_BUILD=${1:-$top/build}
LAB_KEEP=${POLICY_CALL_KEEP:-}
. "$top/scripts/lab-lib.sh"
ctl=${VOIPFWCTL:-$lab_voipfwctl}
passed=0 failed=0
t_start=$(date +%s%N)

. "$top/test/net/check.sh"

summary() {
	if [ "$failed" -gt 0 ] && [ -s "${lab_log:-}" ]; then
		echo "--- voipfwd log"
		sed 's/^/    /' "$lab_log"
	fi
	[ -n "$LAB_KEEP" ] && [ -n "${lab_tmp:-}" ] && echo "(keeping $lab_tmp)"
	echo "policy-call: $passed passed, $failed failed"
}

skip_all() {
	echo "policy-call: SKIP: $*"
	echo "policy-call: 0 passed, 0 failed"
	exit 4
}

# at_least DESC GOT MIN / at_most DESC GOT MAX
at_least() {
	if [ "$2" -ge "$3" ] 2>/dev/null; then ok "$1 ($2)"; else
		fail "$1: got '$2', want at least $3"; fi
}
at_most() {
	if [ -n "$2" ] && [ "$2" -le "$3" ] 2>/dev/null; then ok "$1 ($2)"; else
		fail "$1: got '${2:-nothing}', want at most $3"; fi
}

missing=$(lab_missing)
[ -z "$missing" ] || skip_all "missing:" $missing
case $ctl in /*) ;; *) ctl=$PWD/$ctl ;; esac
[ -x "$ctl" ] || skip_all "no $ctl"

lab_init pcall
trap lab_cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE
st=$lab_tmp/state

lab_net 2>"$lab_tmp/net.err" ||
	skip_all "cannot build the namespaces: $(head -n 1 "$lab_tmp/net.err")"

# ---- observers --------------------------------------------------------------

for h in phone pbx out; do
	case $h in
	phone) n=$NS_PHONE ;; pbx) n=$NS_PBX ;; out) n=$NS_OUT ;;
	esac
	lab_bg "$n" "$lab_tmp/$h.wire.err" python3 "$lab_udptool" wire \
		"$lab_tmp/$h.wire" "$lab_tmp/$h.wire.ready" eth0
done
: >"$lab_tmp/out.recv"
lab_bg "$NS_OUT" "$lab_tmp/out.recv.err" python3 "$lab_udptool" recv \
	"$lab_tmp/out.recv" "$lab_tmp/out.recv.ready" 5060
for f in phone.wire pbx.wire out.wire out.recv; do
	lab_wait_for 5 test -e "$lab_tmp/$f.ready" ||
		{ fail "observer $f did not start: $(cat "$lab_tmp/$f.err")"; summary; exit 1; }
done
lab_monitor_begin ||
	{ fail "nft monitor did not start: $(head -n 3 "$lab_tmp/monitor")"; summary; exit 1; }

# tos HOST DIR SPORT DPORT FROM_NS [TO_NS]: the TOS bytes of the UDP
# datagrams HOST's link saw (DIR in or out) from SPORT to DPORT ("-":
# any) in the time window, "BYTE COUNT" each, one line
tos() {
	awk -v d="$2" -v sp="$3" -v dp="$4" -v t0="$5" -v t1="${6:-9e18}" '
		$2 == d && (sp == "-" || $5 == sp) && (dp == "-" || $6 == dp) &&
		$1 + 0 >= t0 + 0 && $1 + 0 <= t1 + 0 { n[$7]++ }
		END { for (k in n) printf "%s %d\n", k, n[k] }' "$lab_tmp/$1.wire" |
		sort | tr '\n' ' ' | sed 's/ $//'
}

# all_tos DESC HOST DIR SPORT DPORT WANT FROM_NS [TO_NS]: at least one
# datagram, every one with TOS byte WANT
all_tos() {
	got=$(tos "$2" "$3" "$4" "$5" "$7" "${8:-}")
	case $got in
	"$6 "[0-9]*) case $got in *" "*" "*) fail "$1: TOS bytes (byte count) '$got', want only $6" ;;
		*) ok "$1 (${got#* } datagrams, all $6)" ;; esac ;;
	*) fail "$1: TOS bytes (byte count) '${got:-none}', want only $6" ;;
	esac
}

# max_gap HOST DPORT FROM_NS TO_NS: the longest time in ms between two
# datagrams arriving at HOST for DPORT in the window
max_gap() {
	awk -v dp="$2" -v t0="$3" -v t1="$4" '
		$2 == "in" && $6 == dp && $1 + 0 >= t0 + 0 && $1 + 0 <= t1 + 0 {
			if (p && $1 - p > g) g = $1 - p; p = $1 }
		END { printf "%d\n", g / 1000000 }' "$lab_tmp/$1.wire"
}

# through TX SPORT DPORT RX FROM_NS TO_NS: of the datagrams host TX sent
# from SPORT to DPORT in the window, "SENT ARRIVED MAX_MS": how many,
# how many reached host RX (whenever: matched by their first payload
# bytes, RTP's sequence number and timestamp), and the longest time one
# took from TX's link to RX's, through the gw
through() {
	awk -v sp="$2" -v dp="$3" -v t0="$5" -v t1="$6" '
		FNR == NR { if ($2 == "out" && $5 == sp && $6 == dp && $8 != "-" &&
			      $1 + 0 >= t0 + 0 && $1 + 0 <= t1 + 0) { tx[$8] = $1; n++ }
			    next }
		$2 == "in" && $5 == sp && $6 == dp && ($8 in tx) && !($8 in seen) {
			seen[$8] = 1; a++; d = $1 - tx[$8]; if (d > m) m = d }
		END { printf "%d %d %d\n", n, a, m / 1000000 }' \
		"$lab_tmp/$1.wire" "$lab_tmp/$4.wire"
}

# sent_gap HOST SPORT DPORT FROM_NS TO_NS: the longest time in ms
# between two datagrams HOST sent from SPORT to DPORT in the window
sent_gap() {
	awk -v sp="$2" -v dp="$3" -v t0="$4" -v t1="$5" '
		$2 == "out" && $5 == sp && $6 == dp && $1 + 0 >= t0 + 0 && $1 + 0 <= t1 + 0 {
			if (p && $1 - p > g) g = $1 - p; p = $1 }
		END { printf "%d\n", g / 1000000 }' "$lab_tmp/$1.wire"
}

now() { date +%s%N; }
past_end() { [ "$(now)" -gt "$t_end" ]; }

# ---- the daemon and the policies --------------------------------------------

lab_config media-ports 10000-20000 pinhole-timeout 60
lab_start || { fail "voipfwd does not start"; summary; exit 1; }
ok "voipfwd runs in the gw"

cat >"$lab_tmp/v1.conf" <<'EOF'
# policy-call v1: the phones and the PBX talk, nothing else
zone phones { interface phone; subnet 10.10.1.0/24 fd10:1::/64 }
zone pbx { interface pbx; subnet 10.10.2.2 fd10:2::2 }
zone out { interface out }
allow phones -> pbx: sip, rtp
allow pbx -> phones: sip, rtp
policy drop
qos { rtp dscp ef; sip dscp cs3 }
EOF
sed -e 's/^# policy-call v1:.*/# policy-call v2: and phones may send SIP out/' \
	-e 's/^policy drop$/allow phones -> out: sip\npolicy drop/' \
	-e 's/^qos .*/qos { rtp dscp af41; sip dscp cs5 }/' \
	"$lab_tmp/v1.conf" >"$lab_tmp/v2.conf"
# broken: v2 with a zone nobody declared, on a line of its own
sed 's/^allow phones -> out: sip$/allow phones -> outside: sip/' \
	"$lab_tmp/v2.conf" >"$lab_tmp/broken.conf"
bad_line=$(grep -n 'outside' "$lab_tmp/broken.conf" | cut -d: -f1)
drop1=$(grep -n '^policy drop' "$lab_tmp/v1.conf" | cut -d: -f1)

# pctl ARGS...: the voipfwctl under test in the gw, state in $st;
# status in $rc, output in $lab_tmp/ctl.out and ctl.err
pctl() {
	lab_gw "$ctl" "$@" --state-dir "$st" >"$lab_tmp/ctl.out" 2>"$lab_tmp/ctl.err"
	rc=$?
}
# the policy's chains, stateless: zones_forward, zones_qos and the
# zf_/zp_ chains under zones_forward, in the kernel's order
chains() {
	lab_gw nft -s list table inet voipfw 2>/dev/null |
		awk '/^\tchain / { on = $2 ~ /^(zones_(forward|qos)|z[fp]_)/ }
		     on { print } on && /^\t\}/ { on = 0 }'
}
# the forward part of the policy with counters (zones_forward and the
# chains under it)
forward_rules() {
	lab_gw nft list table inet voipfw 2>/dev/null |
		awk '/^\tchain / { on = $2 ~ /^(zones_forward|z[fp]_)/ } on'
}
# policy_count COMMENT: packets counted by the policy's rules with
# comment COMMENT ("v1.conf:7")
policy_count() {
	forward_rules | grep -F "comment \"$1\"" |
		sed -n 's/.*counter packets \([0-9]*\) .*/\1/p' |
		awk '{ n += $1 } END { print n + 0 }'
}
# probe TAG: one SIP OPTIONS from the phone to out:5060, through
# voipfwd's queue (it passes them) and the zone policy; 0 if it reached
# out within a second
probes() { wc -l <"$lab_tmp/out.recv"; }
probe() {
	_n0=$(probes)
	ip netns exec "$NS_PHONE" python3 "$lab_udptool" options "$PHONE4" "$OUT4" 5060 "$1"
	_probe_in() { [ "$(probes)" -gt "$_n0" ]; }
	lab_wait_for 1 _probe_in
}

echo "--- v1 applied before the call"
pctl apply "$lab_tmp/v1.conf"
expect "v1: applied" "$rc" 0
grep -q "applied as version 1" "$lab_tmp/ctl.out" && ok "v1: version 1" ||
	fail "v1: $(cat "$lab_tmp/ctl.out" "$lab_tmp/ctl.err")"
d0=$(policy_count "v1.conf:$drop1")
if probe v1; then fail "v1: SIP from phones to out passed the policy"; else
	ok "v1: SIP from phones to out dropped"; fi
expect "v1: ... by v1's policy line (v1.conf:$drop1)" \
	$(($(policy_count "v1.conf:$drop1") - d0)) 1

# ---- the call ---------------------------------------------------------------

# The call holds 16 s, its RTP plays 18 s (echoed by the PBX); the
# operations and their checks take about 8 s on a host.  A check after
# the last one proves the call was still up for them.
lab_prepare 18 || { fail "cannot write the RTP capture"; summary; exit 1; }
LAB_SIPP_TIMEOUT=60
lab_sipp "$NS_PBX" call-uas -sf uas.xml -i "$PBX4" -p 5060 -mi "$PBX4" \
	-mp 16000 -m 1 -rtp_echo -d 0
uas=$lab_last
listening() { [ -n "$(ip netns exec "$NS_PBX" ss -Hlun 'sport = :5060')" ]; }
lab_wait_for 5 listening || fail "SIPp PBX does not listen"
t_call=$(now)
lab_sipp "$NS_PHONE" call-uac -sf uac.xml "$PBX4:5060" -i "$PHONE4" -p 5060 \
	-mi "$PHONE4" -mp 12000 -m 1 -d 16000 -key pad "" \
	-trace_msg -message_file "$lab_tmp/call-uac.msg"
uac=$lab_last

pinholes="udp $PHONE4 12000 from $PBX4
udp $PHONE4 12001 from $PBX4
udp $PBX4 16000 from $PHONE4
udp $PBX4 16001 from $PHONE4"
pinholes_up() { [ "$(lab_pinholes)" = "$pinholes" ]; }
if lab_wait_for 5 pinholes_up; then ok "call: the answer opens its 4 pinholes"; else
	fail "call: pinholes are: $(lab_pinholes | tr '\n' ';')"
	summary
	exit 1
fi
expect "call: the kernel's sets hold them" "$(lab_elements)" 4

# rate: packets through voipfwd's pinhole4_peer rule in one second
rate() {
	r0=$(lab_counter pinhole4_peer)
	sleep 1
	echo $(($(lab_counter pinhole4_peer) - r0))
}
at_least "call: RTP through the pinholes in 1 s, both ways" "$(rate)" 80

echo "--- v1's classes on the wire"
t=$(now)
all_tos "v1: the phone's RTP leaves it unmarked" phone out 12000 16000 00 "$t_call" "$t"
all_tos "v1: ... and reaches the PBX as ef" pbx in 12000 16000 b8 "$t_call" "$t"
all_tos "v1: the PBX's RTP (echo) leaves it unmarked" pbx out 16000 12000 00 "$t_call" "$t"
all_tos "v1: ... and reaches the phone as ef" phone in 16000 12000 b8 "$t_call" "$t"
all_tos "v1: the INVITE leaves the phone unmarked" phone out 5060 5060 00 "$t_call" "$t"
all_tos "v1: SIP reaches the PBX as cs3" pbx in 5060 5060 60 "$t_call" "$t"
all_tos "v1: SIP answers reach the phone as cs3" phone in 5060 5060 60 "$t_call" "$t"
# the policy's rtp rules see a flow's first packet only: the echo makes
# it a connection, and the rest pass its "ct state established" rule
# (voipfwd's own pinhole rule still judges every packet)
at_least "v1: the policy's rtp rule admitted the media's first packet" \
	"$(forward_rules | grep '@pinhole4_peer' |
		sed -n 's/.*counter packets \([0-9]*\) .*/\1/p' | awk '{ n += $1 } END { print n + 0 }')" 1
echo "   (for comparison, the longest gap between RTP packets reaching the PBX in the" \
	"last second before any operation: $(max_gap pbx 16000 $((t - 1000000000)) "$t") ms," \
	"the phone: $(max_gap phone 12000 $((t - 1000000000)) "$t") ms)"

# rtcp_expiry: ms until the RTCP pinhole to the PBX expires, and when
# that was read ("MS NS"); nothing sends RTCP in this call, so nothing
# refreshes it: a pinhole left alone counts down with the clock
rtcp_expiry() {
	_t=$(now)
	lab_gw nft list set inet voipfw pinhole4_peer 2>/dev/null |
		tr ',{}' '\n\n\n' | grep "$PBX4 . 16001 . $PHONE4 " |
		sed -n 's/.* expires \([0-9hms]*\).*/\1/p' | head -n 1 |
		awk -v t="$_t" '{ ms = 0; s = $1
			while (match(s, /^[0-9]+(ms|h|m|s)/)) {
				u = substr(s, RSTART, RLENGTH); s = substr(s, RLENGTH + 1)
				v = u + 0; sub(/^[0-9]+/, "", u)
				ms += v * (u == "h" ? 3600000 : u == "m" ? 60000 : u == "s" ? 1000 : 1)
			}
			print ms, t }'
}

# around NAME COMMAND...: run COMMAND (an operation on the policy)
# during the call; check the pinholes and the media around it
around() {
	name=$1
	shift
	calls0=$(lab_ctl calls | sed 's/ idle .*//')
	ph0=$(lab_ctl pinholes | sed 's/ expires .*//' | sort)
	e0=$(rtcp_expiry)
	lab_monitor_mark
	t_op0=$(now)
	"$@"
	t_op1=$(now)
	echo "   ($name took $(((t_op1 - t_op0) / 1000000)) ms)"
	r=$(rate)
	lab_monitor_count
	e1=$(rtcp_expiry)
	expect "$name: no pinhole element added or deleted (nft monitor: adds, deletes, unprintable)" \
		"$adds $dels $lost" "0 0 0"
	expect "$name: the same call" "$(lab_ctl calls | sed 's/ idle .*//')" "$calls0"
	expect "$name: the same pinholes of the same call" \
		"$(lab_ctl pinholes | sed 's/ expires .*//' | sort)" "$ph0"
	expect "$name: the kernel's sets hold 4 elements" "$(lab_elements)" 4
	if [ -n "$e0" ] && [ -n "$e1" ]; then
		set -- $e0 $e1
		# the element's countdown against the clock's, ms
		drift=$((($1 - $3) - ($4 - $2) / 1000000))
		echo "   (RTCP pinhole: expires in $1 ms, then $3 ms, $((($4 - $2) / 1000000)) ms later)"
		if [ "$3" -lt "$1" ] && [ "${drift#-}" -le 300 ]; then
			ok "$name: the RTCP pinhole's expiry went on counting down (drift $drift ms)"
		else
			fail "$name: the RTCP pinhole's expiry went from $1 ms to $3 ms in $((($4 - $2) / 1000000)) ms: re-created?"
		fi
	else
		fail "$name: the RTCP pinhole's expiry: '${e0:-none}' then '${e1:-none}'"
	fi
	at_least "$name: RTP through the pinholes in the second after, both ways" "$r" 80
	# media from 0.5 s before the operation to 1 s after it: every RTP
	# datagram one end sent reached the other, none held up in the gw;
	# the longest gaps at each receiver for the record, next to the
	# sender's (SIPp's pacing on a busy host accounts for most of them)
	t_end=$((t_op1 + 1000000000))
	lab_wait_for 2 past_end
	sleep 0.2	# the last ones in flight
	t_beg=$((t_op0 - 500000000))
	for dir in "phone 12000 16000 pbx" "pbx 16000 12000 phone"; do
		set -- $dir
		set -- $1 $2 $3 $4 $(through "$1" "$2" "$3" "$4" "$t_beg" "$t_end")
		at_least "$name: RTP $1 -> $4 around it, datagrams sent" "$5" 50
		expect "$name: ... every one arrived" "$6" "$5"
		at_most "$name: ... the longest one took through the gw, ms" "$7" 20
		echo "   (longest gap between RTP datagrams $4 received: $(max_gap "$4" "$3" "$t_beg" "$t_end") ms, $1 sent: $(sent_gap "$1" "$2" "$3" "$t_beg" "$t_end") ms)"
	done
}

echo "--- v2 applied during the call"
v2() {
	pctl apply "$lab_tmp/v2.conf"
	expect "v2: applied" "$rc" 0
}
around v2 v2
grep -q "applied as version 2, previous version 1" "$lab_tmp/ctl.out" &&
	ok "v2: version 2, previous version 1" || fail "v2: $(cat "$lab_tmp/ctl.out" "$lab_tmp/ctl.err")"
# what arrived after the apply returned (a packet in flight during it
# may carry either class)
t=$(now)
all_tos "v2: RTP now reaches the PBX as af41" pbx in 12000 16000 88 "$((t_op1 + 50000000))" "$t"
all_tos "v2: ... and the phone as af41" phone in 16000 12000 88 "$((t_op1 + 50000000))" "$t"
t_p=$(now)
if probe v2; then ok "v2: SIP from phones to out passes (v2 allows it)"; else
	fail "v2: SIP from phones to out did not pass"; fi
all_tos "v2: ... and reaches out as cs5" out in - 5060 a0 "$t_p"
chains >"$lab_tmp/chains.v2"

echo "--- a broken config during the call"
cp "$st/applied.conf" "$lab_tmp/applied.before" 2>/dev/null
broken() {
	pctl apply "$lab_tmp/broken.conf"
	expect "broken: refused, exit 1" "$rc" 1
}
around broken broken
if grep -q "^$lab_tmp/broken.conf:$bad_line:[0-9]*: unknown zone 'outside'" "$lab_tmp/ctl.err"; then
	ok "broken: the error names FILE:LINE:COL ($(head -n 1 "$lab_tmp/ctl.err"))"
else
	fail "broken: no '$lab_tmp/broken.conf:$bad_line:COL: unknown zone' in: $(cat "$lab_tmp/ctl.err")"
fi
chains >"$lab_tmp/chains.broken"
same "broken: the policy chains byte for byte as v2 left them" \
	"$lab_tmp/chains.v2" "$lab_tmp/chains.broken"
same "broken: the applied version is still v2" "$lab_tmp/v2.conf" "$st/applied.conf"
t=$(now)
all_tos "broken: RTP still reaches the PBX as af41" pbx in 12000 16000 88 "$t_op0" "$t"

echo "--- rollback during the call"
rollback() {
	pctl rollback
	expect "rollback: done" "$rc" 0
}
around rollback rollback
same "rollback: v1 is the applied version again" "$lab_tmp/v1.conf" "$st/applied.conf"
t=$(now)
all_tos "rollback: RTP reaches the PBX as ef again" pbx in 12000 16000 b8 "$((t_op1 + 50000000))" "$t"
all_tos "rollback: ... and the phone" phone in 16000 12000 b8 "$((t_op1 + 50000000))" "$t"
d0=$(policy_count "v1.conf:$drop1")
if probe rollback; then fail "rollback: SIP from phones to out still passes"; else
	ok "rollback: SIP from phones to out dropped again"; fi
expect "rollback: ... by v1's policy line" $(($(policy_count "v1.conf:$drop1") - d0)) 1

if pinholes_up; then ok "call: still up after the checks above"; else
	fail "call: no longer up after the checks above (the call's 16 s were too short)"; fi

echo "--- the call ends"
t_bye0=$(now)
lab_reap "$uac" 30
expect "end: SIPp phone completed its scenario (BYE answered)" "$?" 0
lab_reap "$uas" 10
expect "end: SIPp PBX completed its scenario" "$?" 0
if lab_wait_for 5 lab_no_pinholes; then ok "end: the pinholes closed"; else
	fail "end: pinholes left: $(lab_pinholes | tr '\n' ';')"; fi
expect "end: the kernel's sets are empty" "$(lab_elements)" 0
expect "end: no call left" "$(lab_ctl calls)" ""
all_tos "end: the BYE reaches the PBX as cs3 (v1 again)" pbx in 5060 5060 60 "$t_bye0"
all_tos "end: its 200 reaches the phone as cs3" phone in 5060 5060 60 "$t_bye0"

echo "--- an IPv6 call under v1"
if lab_has_v6; then
	lab_sipp "$NS_PBX" v6-uas -sf uas.xml -i "$PBX6" -p 5060 -mi "$PBX6" \
		-mp 16000 -m 1 -rtp_echo -d 0
	uas=$lab_last
	lab_wait_for 5 listening || fail "v6: SIPp PBX does not listen"
	t_v6=$(now)
	lab_sipp "$NS_PHONE" v6-uac -sf uac.xml "[$PBX6]:5060" -i "$PHONE6" -p 5060 \
		-mi "$PHONE6" -mp 12000 -m 1 -d 3000 -key pad ""
	uac=$lab_last
	v6_up() { [ "$(lab_elements)" = 4 ]; }
	lab_wait_for 5 v6_up || fail "v6: the call's 4 pinholes did not open"
	sleep 1.5
	t=$(now)
	all_tos "v6: the phone's RTP leaves it unmarked" phone out 12000 16000 00 "$t_v6" "$t"
	all_tos "v6: ... and reaches the PBX as ef" pbx in 12000 16000 b8 "$t_v6" "$t"
	all_tos "v6: the PBX's echo reaches the phone as ef" phone in 16000 12000 b8 "$t_v6" "$t"
	all_tos "v6: SIP reaches the PBX as cs3" pbx in 5060 5060 60 "$t_v6" "$t"
	all_tos "v6: SIP answers reach the phone as cs3" phone in 5060 5060 60 "$t_v6" "$t"
	lab_reap "$uac" 30
	expect "v6: SIPp phone completed its scenario" "$?" 0
	lab_reap "$uas" 10
	expect "v6: SIPp PBX completed its scenario" "$?" 0
	if lab_wait_for 5 lab_no_pinholes; then ok "v6: the pinholes closed"; else
		fail "v6: pinholes left: $(lab_pinholes | tr '\n' ';')"; fi
else
	echo "skip: v6: no IPv6 in the namespaces"
fi

lab_stop TERM
elapsed=$((($(now) - t_start) / 1000000))
echo "policy-call took $((elapsed / 1000)).$(printf %03d $((elapsed % 1000))) s"
summary
[ "$failed" -eq 0 ]
