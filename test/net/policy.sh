#!/bin/sh
# test/net/policy.sh [BUILD] - the compiled zone policy (voipfwctl
# compile) against the running kernel, in throwaway network namespaces.
#
# Part 1, one namespace with voipfwd's table (build/net/nfttab_test
# install), one pinhole element in it, and a foreign table: every golden
# script (test/policy/*.nft, test/policy/rulesets/*.nft) is applied with
# "nft -f", then applied again: the second apply succeeds and lists the
# same table (one copy of the policy, as many rules as the script has),
# voipfwd's chains, sets and the element are as before, and the foreign
# table is untouched (a golden with VLAN zones, on a kernel without
# bridge filtering: refused whole).  A script that fails halfway changes nothing; the
# script needs voipfwd's table (its pinhole sets) and without it creates
# nothing; voipfwd reinstalling its table keeps the policy.
#
# Part 2, packets:  a (10.0.1.2) --veth-- gw --veth-- b (10.0.2.2)
# with zones a and b on gw's interfaces: an allowed service passes, the
# rest is dropped and counted by the policy line, a deny rule drops,
# replies pass, media passes only through a pinhole, traffic of no zone
# is untouched, and SIP and media leave gw with their DSCP; a zone with
# `signalling tls-only servers` sends no SIP over UDP (dropped, counted
# by the setting's line) and TLS to its server only.
#
# Needs root, ip netns, nft and python3; exits 4 (skip) without.
# Last line: "policy-nft: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
bin=$build/net/nfttab_test
ctl=$build/voipfwctl
ns=voipfw-pol-$$
a=voipfw-pol-$$-a
gw=voipfw-pol-$$-gw
b=voipfw-pol-$$-b
tmp=$(mktemp -d)
passed=0 failed=0
receiver=

skip() {
	echo "policy-nft: SKIP: $*"
	echo "policy-nft: 0 passed, 0 failed"
	exit 4
}

cleanup() {
	[ -n "$receiver" ] && kill "$receiver" 2>/dev/null
	wait 2>/dev/null
	for n in "$ns" "$a" "$gw" "$b"; do
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

. "$top/test/net/check.sh"

[ "$(id -u)" = 0 ] || skip "needs root"
for tool in ip nft python3; do
	command -v "$tool" >/dev/null 2>&1 || skip "no $tool"
done
[ -x "$bin" ] && [ -x "$ctl" ] || skip "build $bin and $ctl first (make all net-tools)"
ip netns add "$ns" || skip "cannot create a network namespace"

N() { ip netns exec "$ns" "$@"; }
# stateless listings (no counters, no expires); stderr holds nft's note
# on xt expressions ("managed by iptables-nft")
table() { N nft -s list table inet voipfw 2>/dev/null; }
# voipfwd's part of a listing: without the policy's chains (zones_forward,
# zones_qos, the per-zone zf_* and per-pair zp_* under zones_forward)
voipfwd_part() {
	awk '/^\tchain (zones_(forward|qos)|z[fp]_[^ ]*) \{/ { skip = 1 }
	     !skip { print }
	     skip && /^\t\}/ { skip = 0 }' "$1" | grep -v '^$'
}
# the policy's rules in a listing / in a script
policy_rules() {
	awk '/^\tchain (zones_(forward|qos)|z[fp]_[^ ]*) \{/ { on = 1; next }
	     on && /^\t\}/ { on = 0 }
	     on && /comment "/ { n++ } END { print n + 0 }' "$1"
}
# drop_tree: what voipfwctl apply does for chains a new version lacks
# (nft -f of a script alone keeps them, unreferenced): flush
# zones_forward and the zf_/zp_ chains, then delete those, one batch
drop_tree() {
	names=$(N nft list chains inet 2>/dev/null |
		sed -n 's/^\tchain \(z[fp]_[^ ]*\) {$/\1/p')
	[ -n "$names" ] || return 0
	{ echo "flush chain inet voipfw zones_forward"
	  for c in $names; do echo "flush chain inet voipfw $c"; done
	  for c in $names; do echo "delete chain inet voipfw $c"; done
	} | N nft -f -
}

# ---- part 1: re-apply -----------------------------------------------------

echo "--- without voipfwd's table"
"$ctl" compile "$top/test/policy/example.conf" >"$tmp/example.nft" 2>/dev/null
N nft -f "$tmp/example.nft" >/dev/null 2>&1
expect "the script needs voipfwd's pinhole sets" "$?" 1
expect "and then creates nothing" "$(N nft list tables)" ""

N "$bin" --sip-ports 5060 --media 10000-20000 --timeout 30 install >/dev/null ||
	fail "voipfwd's table"
N nft add element inet voipfw pinhole4 '{ 192.0.2.7 . 10000 timeout 1h }'
N nft -f - <<'EOF'
table inet other {
	chain check {
		type filter hook forward priority 0; policy accept;
		udp dport 10000 counter accept comment "someone else's"
	}
}
EOF
N nft -s list table inet other >"$tmp/other.0"
table >"$tmp/t.0"

# VLAN zones' bridge chain needs nft_meta_bridge and nf_conntrack_bridge
if N nft -c -f - 2>/dev/null <<'EOF'
table bridge voipfw_probe {
	chain c {
		type filter hook forward priority filter; policy accept;
		meta ibrname "x" ct state established accept
	}
}
EOF
then bridging=1; else bridging=; fi

for golden in "$top"/test/policy/*.nft "$top"/test/policy/rulesets/*.nft; do
	name=$(basename "$golden" .nft)
	echo "--- $name"
	if [ -z "$bridging" ] && grep -q '^table bridge voipfw' "$golden"; then
		table >"$tmp/t.b0"
		N nft -f "$golden" >"$tmp/err" 2>&1
		expect "$name: no bridge filtering in this kernel: refused" "$?" 1
		table >"$tmp/t.b1"
		same "$name: refused whole, the inet part too" "$tmp/t.b0" "$tmp/t.b1"
		expect "$name: and no bridge table" \
			"$(N nft list table bridge voipfw 2>/dev/null)" ""
		continue
	fi
	drop_tree
	N nft -f "$golden" >"$tmp/err" 2>&1
	expect "$name: applied" "$?" 0
	table >"$tmp/t.1"
	N nft -f "$golden" >"$tmp/err" 2>&1
	expect "$name: applied again" "$?" 0
	table >"$tmp/t.2"
	same "$name: the second apply lists the same table" "$tmp/t.1" "$tmp/t.2"
	expect "$name: one copy of the policy, every rule of the script" \
		"$(policy_rules "$tmp/t.2")" "$(policy_rules "$golden")"
	voipfwd_part "$tmp/t.0" >"$tmp/v.0"
	voipfwd_part "$tmp/t.2" >"$tmp/v.2"
	same "$name: voipfwd's chains, sets and pinhole as before" \
		"$tmp/v.0" "$tmp/v.2"
done
N nft -s list table inet other >"$tmp/other.1"
same "foreign table untouched" "$tmp/other.0" "$tmp/other.1"

echo "--- a failing script changes nothing"
table >"$tmp/t.3"
sed 's/^\(\t\tct state established,related accept.*\)$/\1\n\t\tip saddr @no_such_set drop/' \
	"$top/test/policy/example.nft" >"$tmp/broken.nft"
N nft -f "$tmp/broken.nft" >/dev/null 2>&1
expect "broken script refused" "$?" 1
table >"$tmp/t.4"
same "the previous policy stands, whole" "$tmp/t.3" "$tmp/t.4"

echo "--- voipfwd reinstalls its table"
N "$bin" --sip-ports 5060,5070 --media 10000-20000 --timeout 30 install >/dev/null
expect "reinstall" "$?" 0
table >"$tmp/t.5"
expect "the policy survives it" "$(policy_rules "$tmp/t.5")" \
	"$(policy_rules "$tmp/t.4")"
expect "and so does the pinhole" \
	"$(grep -c '192.0.2.7 . 10000' "$tmp/t.5")" 1

# ---- part 2: packets -------------------------------------------------------

echo "--- packet path"
ip netns add "$a"
ip netns add "$gw"
ip netns add "$b"
for n in "$a" "$gw" "$b"; do
	ip -n "$n" link set lo up
done
ip -n "$a" link add eth0 type veth peer name va netns "$gw"
ip -n "$b" link add eth0 type veth peer name vb netns "$gw"
ip -n "$a" addr add 10.0.1.2/24 dev eth0
ip -n "$a" addr add 10.0.9.2/24 dev eth0
ip -n "$gw" addr add 10.0.1.1/24 dev va
ip -n "$gw" addr add 10.0.9.1/24 dev va
ip -n "$gw" addr add 10.0.2.1/24 dev vb
ip -n "$b" addr add 10.0.2.2/24 dev eth0
for l in "$a eth0" "$gw va" "$gw vb" "$b eth0"; do
	set -- $l
	ip -n "$1" link set "$2" up
done
ip -n "$a" route add default via 10.0.1.1
ip -n "$b" route add default via 10.0.2.1
ip netns exec "$gw" sysctl -q -w net.ipv4.ip_forward=1

G() { ip netns exec "$gw" "$@"; }

cat >"$tmp/zones.conf" <<'EOF'
zone a { interface va; subnet 10.0.1.0/24 }
zone b { interface vb }
service echo { udp 7000 }
allow a -> b: echo, sip, rtp
deny b -> a
policy drop
qos { rtp dscp ef; sip dscp cs3; priority 1:6 }
EOF
"$ctl" compile "$tmp/zones.conf" >"$tmp/zones.nft" || fail "compile zones.conf"
G "$bin" --sip-ports 5060 --queue 0 --fail-open --media 10000-20000 \
	--timeout 30 install >/dev/null || fail "voipfwd's table in gw"
G nft -f "$tmp/zones.nft" 2>"$tmp/err"
expect "policy applied in gw" "$?" 0

# b: "PORT TOS" per datagram on $ports; a reply to each on port 7000
ports="5060 7000 7001 10000 10002"
cat >"$tmp/rx.py" <<'EOF'
import select, socket, sys
out = open(sys.argv[1], "a", buffering=1)
socks = {}
for p in sys.argv[3:]:
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1)
	s.bind(("0.0.0.0", int(p)))
	socks[s] = p
open(sys.argv[2], "w").close()
while True:
	for s in select.select(list(socks), [], [])[0]:
		d, anc, _, src = s.recvmsg(65535, 64)
		tos = 0
		for lvl, typ, data in anc:
			if lvl == socket.IPPROTO_IP and typ == socket.IP_TOS:
				tos = data[0]
		out.write("%s %02x\n" % (socks[s], tos))
		if socks[s] == "7000":
			s.sendto(b"reply", src)
EOF
# a: COUNT datagrams SRC -> DST:PORT, then "replies N" on stdout
cat >"$tmp/tx.py" <<'EOF'
import select, socket, sys
src, dst, port, count = sys.argv[1:5]
first = int(sys.argv[5], 16) if len(sys.argv) > 5 else 0x80
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
for i in range(int(count)):
	s.sendto(bytes([first]) + bytes(11), (dst, int(port)))
n = 0
while select.select([s], [], [], 0.3)[0]:
	s.recv(100)
	n += 1
print("replies %d" % n)
EOF
: >"$tmp/rx"
ip netns exec "$b" python3 "$tmp/rx.py" "$tmp/rx" "$tmp/rx.ready" $ports &
receiver=$!
i=0
while [ ! -e "$tmp/rx.ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

# send SRC DST PORT COUNT: how many of them b received
send() {
	before=$(grep -c "^$3 " "$tmp/rx")
	ip netns exec "$a" python3 "$tmp/tx.py" "$1" "$2" "$3" "$4" >"$tmp/replies"
	sleep 0.2
	echo $(($(grep -c "^$3 " "$tmp/rx") - before))
}
tos() { grep "^$1 " "$tmp/rx" | tail -n 1 | cut -d' ' -f2; }
# counter PATTERN: packets of the policy's rules matching PATTERN, summed
counter() {
	G nft list table inet voipfw 2>/dev/null |
		awk '/^\tchain / { on = $2 ~ /^(zones_forward|z[fp]_)/ } on' |
		grep -F -- "$1" |
		sed -n 's/.*counter packets \([0-9]*\) .*/\1/p' |
		awk '{ n += $1 } END { print n + 0 }'
}

expect "allowed service passes" "$(send 10.0.1.2 10.0.2.2 7000 3)" 3
expect "its replies pass (b -> a is denied, but they are replies)" \
	"$(cat "$tmp/replies")" "replies 3"
# one socket: the first datagram is new, the rest belong to its connection
# once conntrack has confirmed it, which a datagram right behind the first
# may overtake (on another CPU): 1 to 3
n=$(counter 'udp . 7000')
expect "the allow rule counted them (new ones only: $n)" \
	"$([ "$n" -ge 1 ] && [ "$n" -le 3 ] && echo yes)" yes
expect "another port: dropped" "$(send 10.0.1.2 10.0.2.2 7001 4)" 0
expect "the policy line counted them" "$(counter 'comment "zones.conf:6"')" 4
expect "an address outside zone a's subnet: untouched" \
	"$(send 10.0.9.2 10.0.2.2 7001 2)" 2
expect "media without a pinhole: dropped" "$(send 10.0.1.2 10.0.2.2 10000 2)" 0
G nft add element inet voipfw pinhole4 '{ 10.0.2.2 . 10000 }'
expect "media through a pinhole passes" "$(send 10.0.1.2 10.0.2.2 10000 3)" 3
expect "the policy's pinhole4 rule counted it" "$(counter '@pinhole4 ')" 3
expect "media leaves with DSCP ef" "$(tos 10000)" b8
expect "another media port: dropped" "$(send 10.0.1.2 10.0.2.2 10002 2)" 0
expect "SIP passes (fail-open queue, no daemon)" \
	"$(send 10.0.1.2 10.0.2.2 5060 2)" 2
expect "SIP leaves with DSCP cs3" "$(tos 5060)" 60
expect "a service without qos keeps its DSCP" "$(tos 7000)" 00

echo "--- a zone of subnets alone behind a zone of interfaces alone"
# trunk is one host behind b's interface: its packets are in trunk, not
# in b (voipfw.conf(5)), whatever the order of the rules; b's other
# hosts are in b.  The linear compile let the first rule decide: the
# allow a -> b line would have passed a's packets to the trunk.
ip -n "$b" addr add 10.0.2.3/24 dev eth0
cat >"$tmp/prec.conf" <<'EOF'
zone a { interface va; subnet 10.0.1.0/24 }
zone b { interface vb }
zone trunk { subnet 10.0.2.2 }
service echo { udp 7000 }
allow a -> b: echo
deny a -> trunk: echo
allow trunk -> a: echo
deny b -> a
policy drop
EOF
G "$ctl" apply --state-dir "$tmp/prec-state" "$tmp/prec.conf" >/dev/null 2>"$tmp/err"
expect "applied over zones.conf" "$?" 0
expect "its pairs' chains are there" \
	"$(G nft list chains inet | grep -c 'chain zp_a\.b \|chain zp_b\.a \|chain zp_trunk\.a ')" 3
expect "to b's interface, trunk's address: trunk's rule denies" \
	"$(send 10.0.1.2 10.0.2.2 7000 2)" 0
expect "... counted by it" "$(counter 'comment "prec.conf:6"')" 2
expect "to b's interface, another address: b's rule allows" \
	"$(send 10.0.1.2 10.0.2.3 7000 2)" 2
# from b's side: counters only (no listener in a)
ip netns exec "$b" python3 "$tmp/tx.py" 10.0.2.2 10.0.1.2 7000 3 >/dev/null
expect "from b's interface, trunk's address: trunk's rule" \
	"$(counter 'comment "prec.conf:7"')" 3
expect "... not b's" "$(counter 'comment "prec.conf:8"')" 0
ip netns exec "$b" python3 "$tmp/tx.py" 10.0.2.3 10.0.1.2 7000 3 >/dev/null
expect "from b's interface, another address: b's deny" \
	"$(counter 'comment "prec.conf:8"')" 3

echo "--- signalling tls-only"
# a's SIP over UDP/TCP is dropped in zf_a whatever the rules allow; TLS
# only to the server 10.0.2.2, not to b's other host 10.0.2.3.  First the
# same rules without the setting: both pass, so the drops are the
# setting's.
cat >"$tmp/tcp.py" <<'EOF'
import socket, sys
if sys.argv[1] == "listen":
	s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	s.bind(("0.0.0.0", int(sys.argv[2])))
	s.listen(16)
	open(sys.argv[3], "w").close()
	while True:
		c, _ = s.accept()
		c.close()
src, dst, port = sys.argv[1:4]
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind((src, 0))
s.settimeout(1.5)
try:
	s.connect((dst, int(port)))
	print("connected")
except OSError:
	print("no")
EOF
ip netns exec "$b" python3 "$tmp/tcp.py" listen 5061 "$tmp/tls.ready" &
tls_listener=$!
i=0
while [ ! -e "$tmp/tls.ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
tls() { ip netns exec "$a" python3 "$tmp/tcp.py" 10.0.1.2 "$1" 5061; }
for setting in "" "sip { signalling tls-only servers 10.0.2.2 }"; do
	cat >"$tmp/tls.conf" <<EOF
zone a { interface va; subnet 10.0.1.0/24; $setting }
zone b { interface vb }
allow a -> b: sip, sip-tls
policy drop
EOF
	G "$ctl" apply --state-dir "$tmp/tls-state" "$tmp/tls.conf" \
		>/dev/null 2>"$tmp/err"
	expect "applied: ${setting:-no signalling setting}" "$?" 0
	if [ -z "$setting" ]; then
		expect "without it: UDP 5060 passes" \
			"$(send 10.0.1.2 10.0.2.2 5060 2)" 2
		expect "without it: TLS to another host of b connects" \
			"$(tls 10.0.2.3)" connected
	fi
done
expect "tls-only: UDP 5060 dropped" "$(send 10.0.1.2 10.0.2.2 5060 3)" 0
expect "... counted by the setting's line" \
	"$(counter 'dport { tcp . 5060, udp . 5060 } counter')" 3
expect "... whose comment names it (tls.conf:1)" \
	"$(G nft list chain inet voipfw zf_a | grep -c 'dport { tcp . 5060, udp . 5060 } counter packets [0-9]* bytes [0-9]* drop comment "tls.conf:1"')" 1
expect "tls-only: TCP 5061 to the server connects" "$(tls 10.0.2.2)" connected
expect "tls-only: TCP 5061 to another host: dropped" "$(tls 10.0.2.3)" no
n=$(counter 'ip daddr != 10.0.2.2 tcp dport 5061')
expect "... counted by the servers line ($n SYNs)" \
	"$([ "$n" -ge 1 ] && echo yes)" yes
kill "$tls_listener" 2>/dev/null

echo "policy-nft: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
