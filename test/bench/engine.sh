#!/bin/bash
# test/bench/engine.sh [BUILD] - the engine benchmarks of `make bench`.
#
# Every figure is measured side by side with a peer in the same run and
# printed as a ratio; goals are printed as "met" or "NOT met", never as a
# failure (exit status 1 only when the bench itself cannot run):
#
#  1. SIP messages/s voipfwd handles vs build/net/pktq_accept (accept-all)
#     on the same queue rule (voipfw's own table, installed by voipfwd,
#     voipfwd then stopped): call flows on 1 queue (the goal's figure),
#     then 1 queue vs `queue 0-1` with a paced sender on each CPU
#     (scaling),
#     then OPTIONS only (the engine without kernel commits). goal >= 0.7
#  2. RTP packets/s through the gw with 10k live pinholes vs the same
#     path without table inet voipfw (and, for information, the same on
#     a host whose own firewall runs conntrack).           goal >= 0.95
#  3. 10k pinhole installs: nfttab (libnftnl, one batch) vs `nft -f`
#     with the same elements.                               goal >= 1.5x
#  4. answer dequeued -> its pinholes live (engine_message on the 200 OK
#     with the nfttab backend, real kernel commits): p50/p99. goal p99 <= 1 ms
#  5. peak RSS of voipfwd --replay holding 100k answered calls. goal <= 64 MB
#
# Topology (scripts/lab-lib.sh): phone (sender, 10.10.1.2-17) - gw
# (voipfwd / pktq_accept / pinholes) - pbx (sink, 10.10.2.2: a prerouting
# drop in its own netns, so no ICMP comes back; what the gw forwarded is
# read from the sink's link counter).  3 and 4 run in the lab's spare
# "out" namespace.  All namespaces are vfw-bench-PID-*, removed on exit.
#
# ENGINE_BENCH_SECONDS=S   length of each packet-path trial (default 2)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
LAB_BUILD=$build
. "$top/scripts/lab-lib.sh"

secs=${ENGINE_BENCH_SECONDS:-2}
vb=$build/bench/vfwbench
acc=$build/net/pktq_accept
NPH=10000		# pinholes of bench 2 and 3
NLAT=2000		# calls of bench 4
NRSS=100000		# calls of bench 5
SNDCPU=0		# the sender's CPU (taskset); consumers run anywhere

say() { echo "bench: $*"; }
die() { echo "bench: engine: $*" >&2; exit 1; }

# goal VALUE OP LIMIT: "met" or "NOT met"
goal() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
	ok = op == ">=" ? v >= l : v <= l; print ok ? "met" : "NOT met" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# ---- set-up -----------------------------------------------------------------

[ "$(id -u)" = 0 ] || die "needs root"
for t in ip nft taskset /usr/bin/time; do
	command -v "$t" >/dev/null 2>&1 || die "no $t"
done
for b in "$lab_voipfwd" "$lab_voipfwctl" "$acc"; do
	[ -x "$b" ] || die "no $b (make all net-tools)"
done
# vfwbench: built by the Makefile's bench target; built here if missing
if [ ! -x "$vb" ] || [ "$top/test/bench/engine/vfwbench.c" -nt "$vb" ]; then
	mkdir -p "$build/bench" &&
	${CC:-gcc} -D_GNU_SOURCE -I"$top/userspace" -std=gnu11 -O2 -g -Wall \
		-Wextra -o "$vb" "$top/test/bench/engine/vfwbench.c" \
		"$build/libvoipfw-sys.a" "$build/libvoipfw.a" \
		$(pkg-config --libs libnftnl libmnl libnetfilter_queue) ||
		die "cannot build $vb"
fi

lab_init bench
trap lab_cleanup EXIT
trap 'exit 1' INT TERM
lab_net || die "cannot build the namespaces"
SRCS=""
for i in $(seq 2 17); do
	[ "$i" = 2 ] || ip -n "$NS_PHONE" addr add "10.10.1.$i/24" dev eth0
	SRCS="$SRCS 10.10.1.$i"
done
ip netns exec "$NS_PBX" nft -f - <<'EOF' || die "sink ruleset"
table inet vfwbench_sink {
	chain pre { type filter hook prerouting priority -400; policy accept;
		    meta l4proto udp drop; }
}
EOF

# sink_rx: packets the sink's link received (what the gw forwarded)
sink_rx() {
	ip netns exec "$NS_PBX" cat /sys/class/net/eth0/statistics/rx_packets
}
snd() { ip netns exec "$NS_PHONE" taskset -c "$SNDCPU" "$vb" "$@"; }

# send_sip MODE: SIP for $secs into $lab_tmp/snd.out ("sent N").  SPLIT=1:
# two senders, one pinned to each CPU, half the sources each (the
# table's queue rule spreads a range of queues by CPU, see the scaling
# lines), else one on $SNDCPU.
SPLIT=0 pace=""
send_sip() {
	if [ "$SPLIT" = 1 ]; then
		set -- $SRCS
		h=$(($# / 2))
		a=$(echo $SRCS | cut -d' ' -f1-$h)
		b=$(echo $SRCS | cut -d' ' -f$((h + 1))-)
		ip netns exec "$NS_PHONE" taskset -c 0 "$vb" send-sip $pace \
			"$secs" 10.10.2.2 "$mode" $a >"$lab_tmp/snd0.out" &
		s0=$!
		lab_pids="$lab_pids $s0"
		# its own call numbers: the same SDP addresses and ports from
		# both senders would be two calls' media on one key at once
		ip netns exec "$NS_PHONE" taskset -c 1 "$vb" send-sip $pace \
			-c 524288 "$secs" 10.10.2.2 "$mode" $b \
			>"$lab_tmp/snd1.out" ||
			die "sender failed"
		wait "$s0" || die "sender failed"
		cat "$lab_tmp/snd0.out" "$lab_tmp/snd1.out" |
			awk '{ n += $2 } END { print "sent", n }' >"$lab_tmp/snd.out"
	else
		snd send-sip "$secs" 10.10.2.2 "$mode" $SRCS >"$lab_tmp/snd.out" ||
			die "sender failed"
	fi
}
status_messages() { lab_ctl status | sed -n 's/.*messages \([0-9]*\).*/\1/p'; }

# ---- 1. SIP messages/s: voipfwd vs accept-all -------------------------------

# config_for QUEUES: voipfwd.conf for the SIP bench
config_for() {
	lab_config queue "$1" max-dialogs 262144 max-dialogs-per-source 262144 \
		max-pinholes 1000000 pinhole-timeout 30 trying-timeout 10 \
		sip-meter off
}

# fresh_table QUEUES: an empty table inet voipfw with queue rule QUEUES,
# installed by voipfwd, which is then stopped (the table stays)
fresh_table() {
	lab_gw "$lab_voipfwd" --uninstall >/dev/null 2>&1
	config_for "$1"
	lab_start >/dev/null || die "voipfwd did not start"
	lab_stop
}

# run_accept QUEUES MODE: messages/s pktq_accept handled, in $rate;
# MODE calls or options (vfwbench send-sip).  Not in a subshell: the
# processes it starts must stay known to lab_cleanup.
run_accept() {
	fresh_table "$1"
	pids="" outs=""
	for q in $(seq "${1%-*}" "${1#*-}"); do
		o=$lab_tmp/acc$q.out
		lab_bg "$NS_GW" "$o" "$acc" "$q"
		pids="$pids $lab_last" outs="$outs $o"
	done
	for o in $outs; do
		lab_wait_for 5 grep -q ready "$o" || die "pktq_accept: $(cat "$o")"
	done
	r0=$(sink_rx)
	mode=$2
	send_sip
	r1=$(sink_rx)
	for p in $pids; do lab_reap "$p" 0; done
	per=$(cat $outs | sed -n 's/.*: \([0-9]*\) packets.*/\1/p' |
		paste -sd+)
	n=$((per))
	sent=$(awk '{ print $2 }' "$lab_tmp/snd.out")
	echo "$n $secs $((r1 - r0)) $sent $per" >>"$lab_tmp/detail"
	rate=$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%d", n / s }')
}

# run_engine QUEUES MODE: messages/s voipfwd handled, in $rate
run_engine() {
	lab_gw "$lab_voipfwd" --uninstall >/dev/null 2>&1
	config_for "$1"
	lab_start >/dev/null || die "voipfwd did not start"
	m0=$(status_messages)
	r0=$(sink_rx)
	mode=$2
	send_sip
	m1=$(status_messages)
	r1=$(sink_rx)
	lab_ctl status >"$lab_tmp/status.out"
	lab_stop
	n=$((m1 - m0))
	sent=$(awk '{ print $2 }' "$lab_tmp/snd.out")
	echo "$n $secs $((r1 - r0)) $sent" >>"$lab_tmp/detail"
	rate=$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%d", n / s }')
}

max() { [ "${1:-0}" -ge "${2:-0}" ] && echo "${1:-0}" || echo "${2:-0}"; }

# sip_bench QUEUES MODE LABEL: best of $ROUNDS interleaved trials each
ROUNDS=3
sip_bench() {
	best_a=0 best_e=0
	: >"$lab_tmp/detail"
	for round in $(seq $ROUNDS); do
		run_accept "$1" "$2"
		best_a=$(max "$best_a" "$rate")
		run_engine "$1" "$2"
		best_e=$(max "$best_e" "$rate")
	done
	r=$(ratio "$best_e" "$best_a")
	say "engine msgs/s $best_e vs accept-all $best_a = $r, $3" \
	    "(goal >= 0.7: $(goal "$r" ">=" 0.7))"
	# a consumer that handled (nearly) all that was sent was held back
	# by the sender, not by itself: its figure is a lower bound
	awk '{ printf "bench:   trial %s: %d handled in %ss, %d forwarded, %d sent%s%s\n",
		NR % 2 ? "accept-all" : "engine", $1, $2, $3, $4,
		($5 ~ /\+/ ? " (per queue " $5 ")" : ""),
		($1 >= 0.98 * $4 ? " (sender-bound)" : "") }' "$lab_tmp/detail"
}
sip_bench 0 calls "1 queue, call flows (INVITE/200/ACK/BYE/200)"
grep -E "^(messages|pinholes|commits)" "$lab_tmp/status.out" |
	sed 's/^/bench:   last voipfwd status: /'
# Scaling.  voipfw's queue rule for a range sets the CPU-fanout flag
# (nft lists it "queue num 0-1 fanout"): the queue is picked by the CPU
# that runs the hook - here the sender's - not by address pair.  One
# sender pinned to one CPU would feed queue 0 only, so both scaling runs
# use two senders, one on each CPU.  They are paced: together they offer
# 1.5 times what one worker handled above with a sender to itself, which
# one worker cannot take and two may.  Unpaced, they would spend the 2 cores the workers need on
# messages the full queue then drops, and show nothing but that.
eng_alone=$best_e
[ "$eng_alone" -ge 1000 ] || die "one worker handled $eng_alone msgs/s"
offered=$((eng_alone * 3 / 2))
pace="-r $((offered / 2))"	# each sender
ROUNDS=2 SPLIT=1
sip_bench 0 calls "1 queue, call flows, senders on both CPUs (paced: $offered msgs/s offered)"
acc_1=$best_a eng_1=$best_e
sip_bench 0-1 calls "2 queues (0-1), call flows, senders on both CPUs (paced: $offered msgs/s offered)"
grep -E "^(messages|pinholes|commits|reclosed)" "$lab_tmp/status.out" |
	sed 's/^/bench:   last voipfwd status: /'
say "scaling queue 0-1 vs 1 queue: engine $(ratio "$best_e" "$eng_1")x," \
    "accept-all $(ratio "$best_a" "$acc_1")x (2 cores shared by senders and workers; $offered msgs/s offered)"
SPLIT=0 pace=""
sip_bench 0 options "1 queue, OPTIONS only (no pinhole commits)"

# Where a call-flow message's time goes, without the queue: the engine
# alone (parse, dialogs, pinhole bookkeeping) and with real kernel commits
# of a 64-message batch (information, no goal; the message building of the
# harness is measured apart and taken out).
ip netns exec "$NS_OUT" nft delete table inet voipfw 2>/dev/null
ip netns exec "$NS_OUT" "$vb" engine-cost 20000 64 "$top/rulesets/scanners.list" \
	>"$lab_tmp/cost.out" || die "engine-cost failed"
awk '$1 == "build_ns" { b = $2 } $1 == "engine_ns" { e = $2 }
	$1 == "engine_nfttab_ns" { k = $2 }
	END { printf "bench:   per call-flow message: engine %d ns, with kernel commits (batch 64) %d ns\n", e - b, k - b }' \
	"$lab_tmp/cost.out"
# The zones' SIP policy in full (rates, scanners, methods, countries,
# credentials, detectors) against none, same messages, same run; the
# harness's message building taken out of both.  Goal: <= 15% more.
awk '$1 == "build_ns" { b = $2 } $1 == "policy_off_ns" { f = $2 }
	$1 == "policy_on_ns" { n = $2 }
	END { r = (n - b) / (f - b); printf "bench: zones SIP policy on vs off, per call-flow message: %d vs %d ns: +%.0f%% (goal <= 15%%: %s)\n", n - b, f - b, (r - 1) * 100, r <= 1.15 ? "met" : "NOT met" }' \
	"$lab_tmp/cost.out"
ip netns exec "$NS_OUT" nft delete table inet voipfw 2>/dev/null

# ---- 2. RTP through 10k live pinholes vs no table --------------------------

lab_gw "$lab_voipfwd" --uninstall >/dev/null 2>&1
# rtp_rate: packets/s the gw forwarded to the sink during one blast, in $rate
rtp_rate() {
	r0=$(sink_rx)
	snd send-rtp "$secs" 10.10.1.2 10.10.2.2 10000 "$NPH" >"$lab_tmp/rtp.out" ||
		die "rtp sender failed"
	r1=$(sink_rx)
	sent=$(awk '{ print $2 }' "$lab_tmp/rtp.out")
	echo "$((r1 - r0)) $sent" >>"$lab_tmp/rtp.detail"
	rate=$(awk -v n="$((r1 - r0))" -v s="$secs" 'BEGIN { printf "%d", n / s }')
}
: >"$lab_tmp/rtp.detail"
best_none=0 best_ph=0 hits=0
for round in 1 2 3; do
	lab_gw nft delete table inet voipfw 2>/dev/null
	echo "no-table" >>"$lab_tmp/rtp.detail"
	rtp_rate
	best_none=$(max "$best_none" "$rate")
	# information: the floor of any nftables rule on this path, one
	# forward base chain with a single counter rule
	lab_gw nft -f - <<'EOF' || die "one-rule table"
table inet vfwbench_one {
	chain one { type filter hook forward priority 0; counter; }
}
EOF
	echo "one-rule-chain" >>"$lab_tmp/rtp.detail"
	rtp_rate
	best_one=$(max "${best_one:-0}" "$rate")
	lab_gw nft delete table inet vfwbench_one
	lab_gw "$vb" pinholes "$NPH" 10.10.1.2 10.10.2.2 10000 >"$lab_tmp/ph.out" ||
		die "pinholes: $(cat "$lab_tmp/ph.out")"
	echo "pinholes" >>"$lab_tmp/rtp.detail"
	rtp_rate
	best_ph=$(max "$best_ph" "$rate")
	hits=$(lab_counter pinhole4_peer)
	drops=$(lab_counter drop)
	elems=$(lab_elements)
	# information, not the goal: on a host whose own firewall runs
	# conntrack (NAT, stateful rules), the same pinholes vs that
	# conntrack-only table
	lab_gw nft -f - <<'EOF' || die "conntrack-only table"
table inet vfwbench_ct {
	chain ctfwd { type filter hook forward priority 0; ct state invalid counter; }
}
EOF
	echo "pinholes+conntrack" >>"$lab_tmp/rtp.detail"
	rtp_rate
	best_phct=$(max "${best_phct:-0}" "$rate")
	lab_gw nft delete table inet voipfw 2>/dev/null
	echo "conntrack-only" >>"$lab_tmp/rtp.detail"
	rtp_rate
	best_ct=$(max "${best_ct:-0}" "$rate")
	lab_gw nft delete table inet vfwbench_ct
done
r=$(ratio "$best_ph" "$best_none")
say "rtp pkts/s with $NPH pinholes $best_ph vs no table $best_none = $r" \
    "(goal >= 0.95: $(goal "$r" ">=" 0.95))"
say "  a forward chain with one counter rule, no voipfw: $best_one = $(ratio "$best_one" "$best_none") of no table; the pinholes are $(ratio "$best_ph" "$best_one") of it (information, no goal)"
say "  on a host running conntrack: rtp pkts/s with $NPH pinholes $best_phct vs conntrack only $best_ct = $(ratio "$best_phct" "$best_ct") (information, no goal)"
say "  last pinhole trial: $hits pinhole hits, $drops media drops, $elems elements live"
awk 'NF == 1 { w = $1; next } { printf "bench:   trial %s: %d forwarded, %d sent\n", w, $1, $2 }' \
	"$lab_tmp/rtp.detail"

# ---- 3. pinhole installs: nfttab batch vs nft -f ----------------------------

ip netns exec "$NS_OUT" "$vb" install-vs-nft "$NPH" 3 >"$lab_tmp/inst.out" ||
	die "install-vs-nft failed"
lib=$(sed -n 's/^nfttab_s //p' "$lab_tmp/inst.out")
nftf=$(sed -n 's/^nft_s //p' "$lab_tmp/inst.out")
r=$(ratio "$nftf" "$lib")
say "pinhole installs ($NPH) nfttab $(awk -v t="$lib" -v n="$NPH" 'BEGIN { printf "%d/s (%.1f ms)", n / t, t * 1000 }')" \
    "vs nft -f $(awk -v t="$nftf" -v n="$NPH" 'BEGIN { printf "%d/s (%.1f ms)", n / t, t * 1000 }')" \
    "= ${r}x (goal >= 1.5x: $(goal "$r" ">=" 1.5))"

# ---- 4. answer -> pinholes live --------------------------------------------

ip netns exec "$NS_OUT" nft delete table inet voipfw 2>/dev/null
ip netns exec "$NS_OUT" "$vb" latency "$NLAT" >"$lab_tmp/lat.out" ||
	die "latency failed"
p50=$(sed -n 's/^p50_us //p' "$lab_tmp/lat.out")
p99=$(sed -n 's/^p99_us //p' "$lab_tmp/lat.out")
pmax=$(sed -n 's/^max_us //p' "$lab_tmp/lat.out")
bad=$(sed -n 's/^bad //p' "$lab_tmp/lat.out")
opened=$(sed -n 's/^opened //p' "$lab_tmp/lat.out")
r=$(ratio "$p99" 1000)
say "answer to live pinholes ($NLAT calls, $opened pinholes, $bad failed):" \
    "p50 ${p50} us p99 ${p99} us max ${pmax} us; p99 vs 1 ms = $r" \
    "(goal p99 <= 1 ms: $(goal "$p99" "<=" 1000))"

# ---- 5. RSS for 100k concurrent dialogs ------------------------------------

"$vb" mkpcap "$NRSS" "$lab_tmp/calls.pcap" || die "mkpcap failed"
"$vb" mkpcap 1 "$lab_tmp/one.pcap" || die "mkpcap failed"
cat >"$lab_tmp/rss.conf" <<EOF
max-dialogs $NRSS
max-dialogs-per-source $NRSS
max-pinholes $((NRSS * 4))
pinhole-timeout 3600
EOF
# rss PCAP: peak RSS (kB) of the replay; its summary in $lab_tmp/rss.sum
rss() {
	/usr/bin/time -v "$lab_voipfwd" --replay "$1" --config "$lab_tmp/rss.conf" \
		2>"$lab_tmp/time.out" | tail -n 1 >"$lab_tmp/rss.sum"
	sed -n 's/.*Maximum resident set size (kbytes): //p' "$lab_tmp/time.out"
}
kb0=$(rss "$lab_tmp/one.pcap")
kb=$(rss "$lab_tmp/calls.pcap")
rm -f "$lab_tmp/calls.pcap"
sed 's/^/bench:   replay /' "$lab_tmp/rss.sum"
r=$(ratio "$kb" 65536)
say "rss with $NRSS dialogs $((kb / 1024)) MB vs 64 MB = $r" \
    "(goal <= 64 MB: $(goal "$kb" "<=" 65536)); same limits, 1 call: $((kb0 / 1024)) MB"
