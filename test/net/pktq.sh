#!/bin/sh
# test/net/pktq.sh [BUILD] - pktq on a real packet path, in throwaway
# network namespaces:
#
#     a (10.0.1.1, fd00:1::1) --veth-- gw (forwards) --veth-- b (10.0.2.1,
#                                                             fd00:2::1)
#
# gw queues UDP to port 5060 (iptables-nft's NFQUEUE target: this kernel
# has no nft queue expression; nft_compat runs the xt target) and
# build/net/pktq_accept consumes the queue.  Checks: accept-all and
# dropping on both families, a batch of mixed verdicts, fail-open (bypass)
# and fail-closed without a consumer, a full queue with and without
# NFQA_CFG_F_FAIL_OPEN, and fragmented datagrams reaching the queue
# reassembled.  Nothing outside the namespaces is touched.
#
# Needs root, ip netns, iptables-nft and python3; exits 4 (skip) without.
# Last line: "pktq: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
acc=$build/net/pktq_accept
a=voipfw-pktq-$$-a
gw=voipfw-pktq-$$-gw
b=voipfw-pktq-$$-b
tmp=$(mktemp -d)
passed=0 failed=0
consumer=
receiver=

skip() {
	echo "pktq: SKIP: $*"
	echo "pktq: 0 passed, 0 failed"
	exit 4
}

cleanup() {
	[ -n "$consumer" ] && kill "$consumer" 2>/dev/null
	[ -n "$receiver" ] && kill "$receiver" 2>/dev/null
	wait 2>/dev/null
	for ns in "$a" "$gw" "$b"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

. "$top/test/net/check.sh"


# ---- feature probes -------------------------------------------------------

[ "$(id -u)" = 0 ] || skip "needs root"
for tool in ip iptables-nft ip6tables-nft python3; do
	command -v "$tool" >/dev/null 2>&1 || skip "no $tool"
done
[ -x "$acc" ] || { echo "pktq: no $acc (make $acc)"; \
	echo "pktq: 0 passed, 1 failed"; exit 1; }
ip netns add "$gw" 2>/dev/null || skip "cannot create network namespaces"
ip netns exec "$gw" iptables-nft -A FORWARD -p udp --dport 5060 \
	-j NFQUEUE --queue-num 0 2>/dev/null ||
	skip "no NFQUEUE target (nft_compat, xt_NFQUEUE)"
ip netns exec "$gw" iptables-nft -F FORWARD

# ---- topology ---------------------------------------------------------------

ip netns add "$a"
ip netns add "$b"
for ns in "$a" "$gw" "$b"; do
	ip -n "$ns" link set lo up
done
ip -n "$a" link add eth0 type veth peer name va netns "$gw"
ip -n "$b" link add eth0 type veth peer name vb netns "$gw"
ip -n "$a" addr add 10.0.1.1/24 dev eth0
ip -n "$a" addr add fd00:1::1/64 dev eth0 nodad
ip -n "$gw" addr add 10.0.1.254/24 dev va
ip -n "$gw" addr add fd00:1::fe/64 dev va nodad
ip -n "$gw" addr add 10.0.2.254/24 dev vb
ip -n "$gw" addr add fd00:2::fe/64 dev vb nodad
ip -n "$b" addr add 10.0.2.1/24 dev eth0
ip -n "$b" addr add fd00:2::1/64 dev eth0 nodad
ip -n "$a" link set eth0 mtu 1500 up
ip -n "$gw" link set va mtu 1500 up
ip -n "$gw" link set vb mtu 1500 up
ip -n "$b" link set eth0 mtu 1500 up
ip -n "$a" route add default via 10.0.1.254
ip -n "$a" -6 route add default via fd00:1::fe
ip -n "$b" route add default via 10.0.2.254
ip -n "$b" -6 route add default via fd00:2::fe
ip netns exec "$gw" sysctl -q -w net.ipv4.ip_forward=1 \
	net.ipv6.conf.all.forwarding=1

# rules [bypass]: gw's FORWARD queues UDP to 5060.  The conntrack match
# before it brings in conntrack and with it nf_defrag, which reassembles
# fragments before the forward hook, as the product's own table will.
rules() {
	for ipt in iptables-nft ip6tables-nft; do
		ip netns exec "$gw" "$ipt" -F FORWARD
		ip netns exec "$gw" "$ipt" -A FORWARD \
			-m conntrack --ctstate INVALID -j DROP
		ip netns exec "$gw" "$ipt" -A FORWARD -p udp --dport 5060 \
			-j NFQUEUE --queue-num 0 ${1:+--queue-bypass}
	done
}

# ---- receiver in b, sender in a --------------------------------------------

# One line per datagram (its length) in $tmp/rx, on [::]:5060 for both
# families; a large buffer so bursts are not lost at the receiver.
cat >"$tmp/rx.py" <<'EOF'
import os, socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)	# SO_RCVBUFFORCE
s.bind(("::", 5060))
out = open(sys.argv[1], "a", buffering=1)
open(sys.argv[2], "w").close()
while True:
	d = s.recv(65535)
	out.write("%d\n" % len(d))
EOF
cat >"$tmp/tx.py" <<'EOF'
import socket, sys
dst, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
payload = b"x" * size
for i in range(count):
	s.sendto(payload, (dst, 5060))
EOF

: >"$tmp/rx"
ip netns exec "$b" python3 "$tmp/rx.py" "$tmp/rx" "$tmp/rx.ready" &
receiver=$!
for _ in $(seq 50); do [ -e "$tmp/rx.ready" ] && break; sleep 0.1; done
[ -e "$tmp/rx.ready" ] || { fail "receiver did not start"; exit 1; }

rx_lines() { wc -l <"$tmp/rx"; }

# send DST COUNT SIZE: from a
send() {
	ip netns exec "$a" python3 "$tmp/tx.py" "$1" "$2" "$3"
}

# received SINCE WANT: how many lines after line SINCE, waiting up to 3 s
# for WANT of them (and 0.5 s more, so extra ones show)
received() {
	i=0
	while [ $(($(rx_lines) - $1)) -lt "$2" ] && [ $i -lt 30 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.5
	echo $(($(rx_lines) - $1))
}

# start_consumer ARGS...: pktq_accept in gw, output in $tmp/acc
start_consumer() {
	: >"$tmp/acc"
	ip netns exec "$gw" "$acc" "$@" >"$tmp/acc" 2>&1 &
	consumer=$!
	for _ in $(seq 50); do
		grep -q ready "$tmp/acc" && return 0
		kill -0 "$consumer" 2>/dev/null || break
		sleep 0.1
	done
	fail "pktq_accept $*: did not start: $(cat "$tmp/acc")"
	consumer=
	return 1
}

# stop_consumer: SIGTERM (unless it exited by itself after --count),
# wait up to 5 s; its final count line, less the batches, in $final and
# the batch count in $batches.  A consumer that fails is a failure.
stop_consumer() {
	final='' batches=''
	[ -n "$consumer" ] || return 0
	i=0
	while kill -0 "$consumer" 2>/dev/null && [ $i -lt 50 ]; do
		[ $i -ge 10 ] && kill "$consumer" 2>/dev/null
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$consumer" 2>/dev/null
	wait "$consumer"
	rc=$?
	consumer=
	[ $rc -eq 0 ] || fail "pktq_accept exited with $rc: $(tail -n 5 "$tmp/acc")"
	line=$(grep 'packets,' "$tmp/acc" | tail -n 1 | sed 's/^pktq_accept: //')
	final=${line%, * batches}
	batches=$(echo "$line" | sed -n 's/.*, \([0-9]*\) batches$/\1/p')
}

# ---- checks -----------------------------------------------------------------

rules

# accept-all, both families; GSO asked for and reported
for dst in 10.0.2.1 fd00:2::1; do
	start_consumer 0 --count 20 || continue
	if grep -q 'gso on' "$tmp/acc"; then
		ok "$dst: kernel accepted NFQA_CFG_F_GSO"
	else
		fail "$dst: GSO not accepted: $(head -n 1 "$tmp/acc")"
	fi
	n=$(rx_lines)
	send $dst 20 100
	expect "$dst: accept-all: datagrams at b" "$(received "$n" 20)" 20
	stop_consumer
	expect "$dst: accept-all: consumer's count" "$final" \
		"20 packets, 20 accepted, 0 dropped"
done

# dropping, both families
for dst in 10.0.2.1 fd00:2::1; do
	start_consumer 0 --count 20 --drop-every 2 || continue
	n=$(rx_lines)
	send $dst 20 100
	expect "$dst: --drop-every 2: datagrams at b" "$(received "$n" 10)" 10
	stop_consumer
	expect "$dst: --drop-every 2: consumer's count" "$final" \
		"20 packets, 10 accepted, 10 dropped"
done

# The settle step's last word: the handler accepts, settle drops every
# 3rd packet before the batch's verdicts go out (voipfwd's failed commit)
start_consumer 0 --count 300 --settle-drop-every 3 --max-len 8192 && {
	n=$(rx_lines)
	send 10.0.2.1 300 100
	expect "burst of 300, --settle-drop-every 3: datagrams at b" \
		"$(received "$n" 200)" 200
	stop_consumer
	expect "settle: consumer's count" "$final" \
		"300 packets, 200 accepted, 100 dropped"
}

# A burst: batches of mixed verdicts (runs of two accepts, single drops)
# must pass exactly the accepted ones.  --max-len so the queue holds the
# whole burst should the consumer fall behind.
start_consumer 0 --count 3000 --drop-every 3 --max-len 8192 && {
	n=$(rx_lines)
	send 10.0.2.1 3000 100
	expect "burst of 3000, --drop-every 3: datagrams at b" \
		"$(received "$n" 2000)" 2000
	stop_consumer
	expect "burst: consumer's count" "$final" \
		"3000 packets, 2000 accepted, 1000 dropped"
	echo "   (3000 packets in ${batches:-?} batches)"
}

# Fragments: nf_defrag reassembles before the forward hook, so the queue
# sees one packet of IP header + UDP header + 3000 bytes.
for dst in 10.0.2.1 fd00:2::1; do
	case $dst in *:*) want=3048 ;; *) want=3028 ;; esac
	start_consumer 0 --count 1 --verbose || continue
	n=$(rx_lines)
	send $dst 1 3000
	expect "$dst: 3000-byte datagram at b" \
		"$(received "$n" 1) $(tail -n 1 "$tmp/rx")" "1 3000"
	stop_consumer
	expect "$dst: queue saw it reassembled" \
		"$(sed -n 's/^id [0-9]* \(ipv[46]\) len \([0-9]*\) .*/\1 \2/p' \
			"$tmp/acc")" \
		"$(case $dst in *:*) echo ipv6 ;; *) echo ipv4 ;; esac) $want"
done

# No consumer: --queue-bypass passes (fail-open), without it the kernel
# drops (fail-closed).
for dst in 10.0.2.1 fd00:2::1; do
	rules bypass
	n=$(rx_lines)
	send $dst 5 100
	expect "$dst: no consumer, bypass: pass" "$(received "$n" 5)" 5
	rules
	n=$(rx_lines)
	send $dst 5 100
	expect "$dst: no consumer, no bypass: dropped" "$(received "$n" 0)" 0
done

# A full queue: a consumer that never reads, queue length 2.  With
# fail-open the packets beyond the first two pass; without, they are
# dropped.  The two held are dropped when the consumer goes.
for mode in fail-open fail-closed; do
	if [ $mode = fail-open ]; then
		start_consumer 0 --hold --max-len 2 --fail-open || continue
		want=8
	else
		start_consumer 0 --hold --max-len 2 || continue
		want=0
	fi
	n=$(rx_lines)
	send 10.0.2.1 10 100
	expect "full queue, $mode: datagrams at b" \
		"$(received "$n" "$want")" "$want"
	stop_consumer
	expect "full queue, $mode: held packets dropped on close" \
		"$(received "$n" "$want")" "$want"
done

# A second consumer on a bound queue is refused.
start_consumer 0 && {
	out=$(ip netns exec "$gw" "$acc" 0 2>&1)
	expect "second consumer on queue 0: refused" \
		"$(echo "$out" | grep -c 'bound by another socket')" 1
	stop_consumer
}

echo "pktq: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
