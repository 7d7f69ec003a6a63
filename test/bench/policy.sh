#!/bin/bash
# test/bench/policy.sh [BUILD] - the zone policy benchmarks of `make bench`.
#
# As in test/bench/engine.sh, every figure is measured side by side with
# a peer in the same run and printed as a ratio (no goals are set for
# these yet); exit status 1 only when the bench itself cannot run.
#
#  1. Applying a generated config of 50 zones and 2,000 rules
#     (test/bench/mkzones.py, the same bytes every run): `voipfwctl apply`
#     (compile, dry run, one transaction, state dir) vs `nft -f` of the
#     same compiled script, into voipfwd's table with no policy yet; then
#     a re-apply with one rule changed, vs `nft -f` of that script over
#     the first.  Best of 3 trials each, ms; the ratio is voipfwctl's
#     time over nft's.
#  2. UDP packets/s the gw forwards with that policy applied (and
#     voipfwd's table, whose pinhole sets the policy names) vs the same
#     gw with an empty ruleset: traffic that the file's first rule
#     accepts, and traffic that only its last rule accepts (a linear
#     compile makes it pass every rule before it; the zone tree of
#     policy_nft.h only the rules of its zone pair); and denied traffic,
#     which no rule allows and the policy drops: packets/s the policy's
#     drop counted vs packets/s the empty gw forwarded.  For
#     information, the same with voipfwd's table alone and with a table
#     holding only the policy's first rule ("ct state
#     established,related accept": conntrack, which the policy needs).
#
# Topology (scripts/lab-lib.sh): phone (sender, vfwbench send-rtp, one
# flow, pinned to CPU 0) - gw - pbx (sink: a prerouting drop in its own
# netns, packets read from its link counter).  1 runs in the lab's spare
# "out" namespace.  All namespaces are vfw-bpol-PID-*, removed on exit.
#
# POLICY_BENCH_SECONDS=S   length of each packet trial (default 2)
# POLICY_BENCH_TRIALS=N    trials of each figure, the best kept (default 3)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
LAB_BUILD=$build
. "$top/scripts/lab-lib.sh"

secs=${POLICY_BENCH_SECONDS:-2}
vb=$build/bench/vfwbench
nt=$build/net/nfttab_test
NZ=50 NR=2000		# zones and rule lines of the generated config
TRIALS=${POLICY_BENCH_TRIALS:-3}
SNDCPU=0

say() { echo "bench: $*"; }
die() { echo "bench: policy: $*" >&2; exit 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
max() { [ "${1:-0}" -ge "${2:-0}" ] && echo "${1:-0}" || echo "${2:-0}"; }
min() { [ -z "${1:-}" ] || [ "$2" -lt "$1" ] && echo "$2" || echo "$1"; }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }

[ "$(id -u)" = 0 ] || die "needs root"
for t in ip nft python3 taskset; do
	command -v "$t" >/dev/null 2>&1 || die "no $t"
done
for b in "$lab_voipfwctl" "$vb" "$nt"; do
	[ -x "$b" ] || die "no $b (make all net-tools $vb)"
done

lab_init bpol
trap lab_cleanup EXIT
trap 'exit 1' INT TERM
lab_net || die "cannot build the namespaces"
ip netns exec "$NS_PBX" nft -f - <<'EOF' || die "sink ruleset"
table inet vfwbench_sink {
	chain pre { type filter hook prerouting priority -400; policy accept;
		    meta l4proto udp drop; }
}
EOF

# The config, and the one with a rule changed, under one name (the
# rules' comments carry it, so the two scripts differ by that rule only)
conf=$lab_tmp/zones.conf
python3 "$top/test/bench/mkzones.py" "$NZ" "$NR" >"$lab_tmp/a.conf" &&
python3 "$top/test/bench/mkzones.py" "$NZ" "$NR" changed >"$lab_tmp/b.conf" ||
	die "mkzones.py failed"
cp "$lab_tmp/a.conf" "$conf" && "$lab_voipfwctl" compile "$conf" >"$lab_tmp/a.nft" &&
cp "$lab_tmp/b.conf" "$conf" && "$lab_voipfwctl" compile "$conf" >"$lab_tmp/b.nft" ||
	die "voipfwctl compile failed"
nrules=$(grep -c 'comment "' "$lab_tmp/a.nft")
# the rules on the forward path: zones_forward and the chains under it
nfwd=$(awk '/chain zones_forward \{/ { on = 1 } /chain zones_qos \{/ { on = 0 }
	on && /comment "/ { n++ } END { print n + 0 }' "$lab_tmp/a.nft")
# forward_rules: the live forward path's rules of the namespace (nft args)
forward_rules() {
	"$@" nft list table inet voipfw 2>/dev/null |
		awk '/^\tchain / { on = $2 ~ /^(zones_forward|z[fp]_)/ } on && /comment "/'
}
last_line=$(grep -n '^allow z00 -> z01: last$' "$lab_tmp/a.conf" | cut -d: -f1)
policy_line=$(grep -n '^policy drop$' "$lab_tmp/a.conf" | cut -d: -f1)
changed=$(diff "$lab_tmp/a.nft" "$lab_tmp/b.nft" | grep -c '^>')

# ---- 1. apply time ------------------------------------------------------------

# timed NS COMMAND...: COMMAND's wall time in microseconds, taken inside
# namespace NS (no `ip netns exec` in it); empty if it failed
timed() {
	n=$1
	shift
	ip netns exec "$n" sh -c 't0=$(date +%s%N); "$@" >/dev/null 2>"$0" || exit 1
		echo $((($(date +%s%N) - t0) / 1000))' "$lab_tmp/timed.err" "$@" ||
		die "$* failed: $(head -n 5 "$lab_tmp/timed.err")"
}
O() { ip netns exec "$NS_OUT" "$@"; }
# no_policy: voipfwd's table without policy chains, an empty state dir
no_policy() {
	# one batch: every chain flushed, then deleted (the zf_/zp_ chains
	# under zones_forward are thousands)
	names=$(O nft list chains inet 2>/dev/null |
		sed -n 's/^\tchain \(zones_forward\|zones_qos\|z[fp]_[^ ]*\) {$/\1/p')
	{ for c in $names; do echo "flush chain inet voipfw $c"; done
	  for c in $names; do echo "delete chain inet voipfw $c"; done
	} | O nft -f - 2>/dev/null
	rm -rf "$lab_tmp/state"
}
O "$nt" --sip-ports 5060 --media 10000-20000 --timeout 30 install >/dev/null ||
	die "voipfwd's table (nfttab_test install)"
ctl_first= ctl_re= nft_first= nft_re= comp=
# best VAR COMMAND...: time COMMAND in the out namespace, keep the least in VAR
best() {
	v=$1
	shift
	us=$(timed "$NS_OUT" "$@") || exit 1
	eval "$v=\$(min \"\$$v\" \"\$us\")"
}
for i in $(seq "$TRIALS"); do
	no_policy
	cp "$lab_tmp/a.conf" "$conf"
	best ctl_first "$lab_voipfwctl" apply --state-dir "$lab_tmp/state" "$conf"
	cp "$lab_tmp/b.conf" "$conf"
	best ctl_re "$lab_voipfwctl" apply --state-dir "$lab_tmp/state" "$conf"
	no_policy
	best nft_first nft -f "$lab_tmp/a.nft"
	best nft_re nft -f "$lab_tmp/b.nft"
	best comp "$lab_voipfwctl" compile "$conf"
done
live=$(forward_rules O | wc -l)
[ "$live" = "$nfwd" ] || die "the applied forward path holds $live rules, the script $nfwd"
say "policy apply, $NZ zones $NR rules ($nrules nft rules, $nfwd on the forward path):" \
    "voipfwctl apply $(ms "$ctl_first") ms vs nft -f $(ms "$nft_first") ms" \
    "= $(ratio "$ctl_first" "$nft_first")x nft's time (no goal yet)"
say "policy re-apply, one rule changed ($changed script lines): voipfwctl apply" \
    "$(ms "$ctl_re") ms vs nft -f $(ms "$nft_re") ms = $(ratio "$ctl_re" "$nft_re")x nft's time (no goal yet)"
say "  voipfwctl compile alone: $(ms "$comp") ms; best of $TRIALS trials each (information)"
O nft delete table inet voipfw

# ---- 2. packets/s through the compiled ACL vs an empty ruleset --------------

G() { ip netns exec "$NS_GW" "$@"; }
sink_rx() { ip netns exec "$NS_PBX" cat /sys/class/net/eth0/statistics/rx_packets; }
# pps LABEL PORT: packets/s the gw forwarded to the sink from one flow
# to PORT, in $rate
pps() {
	r0=$(sink_rx)
	ip netns exec "$NS_PHONE" taskset -c "$SNDCPU" "$vb" send-rtp "$secs" \
		10.10.1.2 10.10.2.2 "$2" 1 >"$lab_tmp/snd.out" || die "sender failed"
	r1=$(sink_rx)
	echo "$1 $((r1 - r0)) $(awk '{ print $2 }' "$lab_tmp/snd.out")" >>"$lab_tmp/pps.detail"
	rate=$(awk -v n="$((r1 - r0))" -v s="$secs" 'BEGIN { printf "%d", n / s }')
}
# rule_count LINE: packets counted by the policy's rules from line LINE
# of the file, summed
rule_count() {
	forward_rules G | grep "comment \"zones.conf:$1\"" |
		sed -n 's/.*counter packets \([0-9]*\) .*/\1/p' |
		awk '{ n += $1 } END { print n + 0 }'
}
voipfwd_table() {
	G nft delete table inet voipfw 2>/dev/null
	G "$nt" --sip-ports 5060 --media 10000-20000 --timeout 30 install >/dev/null ||
		die "voipfwd's table in the gw"
}
: >"$lab_tmp/pps.detail"
best_empty=0 best_last=0 best_first=0 best_denied=0 best_vfw=0 best_ct=0
for round in $(seq "$TRIALS"); do
	G nft flush ruleset
	pps empty 30001
	best_empty=$(max "$best_empty" "$rate")
	voipfwd_table
	pps voipfwd-table 30001
	best_vfw=$(max "$best_vfw" "$rate")
	G nft -f "$lab_tmp/a.nft" || die "nft -f of the policy in the gw"
	c0=$(rule_count "$last_line")
	pps acl-last-rule 30001
	best_last=$(max "$best_last" "$rate")
	hits=$(($(rule_count "$last_line") - c0))
	pps acl-first-rule 30000
	best_first=$(max "$best_first" "$rate")
	# denied: nothing reaches the sink; the policy's drop counts them
	d0=$(rule_count "$policy_line")
	pps acl-denied 30002
	denied=$(($(rule_count "$policy_line") - d0))
	sed -i '$ s/^acl-denied [0-9]*/acl-denied '"$denied"'/' "$lab_tmp/pps.detail"
	[ "$rate" = 0 ] || die "denied traffic reached the sink: $rate pkts/s"
	best_denied=$(max "$best_denied" "$((denied / secs))")
	G nft flush ruleset
	G nft -f - <<'EOF' || die "conntrack-only table"
table inet vfwbench_ct {
	chain ctfwd { type filter hook forward priority -10; policy accept;
		   ct state established,related accept; }
}
EOF
	pps conntrack-rule 30001
	best_ct=$(max "$best_ct" "$rate")
	G nft flush ruleset
done
last_fw=$(awk '$1 == "acl-last-rule" { n = $2 } END { print n }' "$lab_tmp/pps.detail")
[ "$hits" -ge $((last_fw * 9 / 10)) ] 2>/dev/null ||
	die "the last rule counted $hits of the $last_fw packets forwarded: the traffic missed it"
say "acl pkts/s, traffic the last of $nfwd rules accepts: $best_last vs empty ruleset" \
    "$best_empty = $(ratio "$best_last" "$best_empty") (no goal yet)"
say "acl pkts/s, traffic the first rule accepts: $best_first vs empty ruleset" \
    "$best_empty = $(ratio "$best_first" "$best_empty") (no goal yet)"
say "acl pkts/s, denied traffic (no rule, the policy drops it): $best_denied dropped vs empty ruleset" \
    "$best_empty forwarded = $(ratio "$best_denied" "$best_empty") (no goal yet)"
say "  voipfwd's table alone: $best_vfw = $(ratio "$best_vfw" "$best_empty") of empty;" \
    "conntrack alone (the policy's first rule): $best_ct = $(ratio "$best_ct" "$best_empty") of empty;" \
    "last rule vs first rule: $(ratio "$best_last" "$best_first") (information)"
say "  last acl trial: the last rule counted $hits packets of $last_fw forwarded"
awk '{ printf "bench:   trial %s: %d %s, %d sent\n", $1, $2,
	$1 == "acl-denied" ? "dropped by the policy" : "forwarded", $3 }' "$lab_tmp/pps.detail"
