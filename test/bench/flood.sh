#!/bin/bash
# test/bench/flood.sh [BUILD] - the security policy's `make bench` figure:
# the setup time of legitimate calls while an attacker floods INVITEs at
# ten times the zone's configured rate, against the same calls without
# the flood, in the same run.  Goal: p99 <= 200 ms during the flood.
#
# Topology (scripts/lab-lib.sh): phone (legitimate SIPp UAC, uac.xml,
# -trace_rtt: INVITE to 200 per call; 20 calls/s from one address, so a
# trusted one: a PBX or SBC of many phones) - gw (voipfwd with a zone policy:
# zone out has rate invite 20/s) - pbx (SIPp UAS for both), out (the
# attacker: SIPp INVITE flood at 200/s).  voipfwd bans the flooder once
# it keeps going over its limit: the figure is what a legitimate caller
# sees across the attack, ban included.  Namespaces vfw-bflood-PID-*,
# removed on exit.
#
# FLOOD_CALLS=N   legitimate calls each round (default 200, at 20/s)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
LAB_BUILD=$build
. "$top/scripts/lab-lib.sh"
calls=${FLOOD_CALLS:-200}

die() { echo "bench: flood: $*" >&2; exit 1; }
[ -z "$(lab_missing)" ] || die "missing: $(lab_missing | tr '\n' ' ')"

lab_init bflood
trap lab_cleanup EXIT
[ -n "${FLOOD_KEEP:-}" ] && LAB_KEEP=1
trap 'exit 1' INT TERM HUP PIPE
lab_net 2>"$lab_tmp/net.err" || die "namespaces: $(head -n 1 "$lab_tmp/net.err")"
lab_prepare || die "scenarios"

cat >"$lab_tmp/zones.conf" <<'EOF2'
zone phones { subnet 10.10.1.0/24; sip { trusted 10.10.1.2 } }
zone pbx { subnet 10.10.2.0/24 }
zone out { subnet 10.10.3.0/24; sip { rate invite 20/s burst 20 } }
allow phones -> pbx: sip, rtp
allow pbx -> phones: sip, rtp
allow out -> pbx: sip
allow pbx -> out: sip
EOF2
lab_config zone-policy "$lab_tmp/zones.conf" media-ports 10000-20000
lab_start >/dev/null || die "voipfwd did not start"
lab_wait_for 5 grep -q "zone policy .*in force" "$lab_log" || die "no policy"

# the PBX answers everyone, many calls at once
lab_sipp "$NS_PBX" uas -sf uas.xml -i "$PBX4" -p 5060 -mi "$PBX4" -mp 16000 -d 0
uas=$lab_last
sleep 1

# p99 FILE: the 99th percentile of SIPp's rtt CSV (ms)
p99() {
	awk -F';' 'NR > 1 && $2 ~ /^[0-9.]+$/ { print $2 }' "$1" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) { i = int(NR * 0.99); if (i < 1) i = 1; printf "%.1f", v[i] } else print "-" }'
}

# round NAME: legitimate calls, their setup times in $lab_tmp/NAME_rtt
round() {
	rm -f "$lab_tmp"/uac_*_rtt.csv
	lab_sipp "$NS_PHONE" "$1" -sf uac.xml "$PBX4:5060" -i "$PHONE4" -p 5062 \
		-mi "$PHONE4" -mp 12000 -key pad "" \
		-m "$calls" -r 20 -l 100 -d 200 -trace_rtt -rtt_freq 1
	lab_reap "$lab_last" 120 >/dev/null
	cat "$lab_tmp"/uac_*_rtt.csv > "$lab_tmp/$1.rtt" 2>/dev/null
}

round quiet
base=$(p99 "$lab_tmp/quiet.rtt")
# the attacker: INVITEs at 200/s (10x its zone's rate), for the round
lab_sipp "$NS_OUT" flood -sf uac.xml "$PBX4:5060" -i "$OUT4" -p 5064 \
	-mi "$OUT4" -mp 14000 -key pad "" -r 200 -m 100000 -d 200
flood=$lab_last
sleep 1
round flooded
kill "$flood" 2>/dev/null
under=$(p99 "$lab_tmp/flooded.rtt")
bans=$(lab_ctl stats | sed -n 's/^ban flood //p')
n=$(awk -F';' 'NR > 1' "$lab_tmp/flooded.rtt" | wc -l)
awk -v b="$base" -v u="$under" -v n="$n" -v bans="${bans:-0}" 'BEGIN {
	printf "bench: call setup p99 during a 10x INVITE flood: %s ms (quiet: %s ms; %d calls; flooder banned %d time(s)) (goal <= 200 ms: %s)\n",
		u, b, n, bans, (u != "-" && u <= 200) ? "met" : "NOT met" }'
