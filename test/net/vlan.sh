#!/bin/sh
# test/net/vlan.sh [BUILD] - the 802.1Q packet-path matrix of a zone
# policy with routed and bridged VLAN zones (test/policy/vlan-matrix.conf),
# applied with voipfwctl apply, in throwaway network namespaces.  Needs
# 8021q, nft_meta_bridge and nf_conntrack_bridge: test/run runs it in the
# VM (scripts/vm); elsewhere it skips (exit 4).
#
#   routed:  h10 e10.10 ==tag 10== t10.10 \
#            h20 e20.20 ==tag 20== t20.20  gw (routes; zones_forward)
#            h30 e30.30 ==tag 30== t30.30 /
#   bridged: bl l0.110, l0.120 ==tags 110, 120== b1 [br0 in gw,
#            vlan_filtering, zones_bridge] b2 ==tags 110, 120== u0.110,
#            u0.120 bu
#
# Every interface named e/l/u/t above with a dot is a real 802.1Q
# sub-interface of a veth: the frames on the veths carry the tags.  The
# probes (test/net/vlanprobe.py, one process for all) cover every pair of
# endpoints (bridged: within one VLAN) and every port of the services
# the rules name, both directions; the expected verdicts are read from
# the config.  Also: the apply refuses nothing here, the bridge table is
# there, and a version without VLAN zones removes it.
# Last line: "vlan: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd) || exit 2
bin=$build/net/nfttab_test
ctl=${VOIPFWCTL:-$build/voipfwctl}
conf=$top/test/policy/vlan-matrix.conf
p=voipfw-vlan-$$
gw=$p-gw
nss="$gw $p-h10 $p-h20 $p-h30 $p-bl $p-bu"
tmp=$(mktemp -d)
passed=0 failed=0

skip() {
	echo "vlan: SKIP: $*"
	echo "vlan: 0 passed, 0 failed"
	exit 4
}

cleanup() {
	for n in $nss; do echo "netns del $n"; done >"$tmp/del"
	ip -b "$tmp/del" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

. "$top/test/net/check.sh"

[ "$(id -u)" = 0 ] || skip "needs root"
for tool in ip bridge nft python3; do
	command -v "$tool" >/dev/null 2>&1 || skip "no $tool"
done
[ -x "$bin" ] && [ -x "$ctl" ] || skip "build $bin and $ctl first (make all net-tools)"

# ---- topology: few processes, as ip/bridge batches ------------------------

{
	for n in $nss; do echo "netns add $n"; done
	for v in 10 20 30; do
		echo "link add t$v netns $gw type veth peer name e$v netns $p-h$v"
	done
	echo "link add b1 netns $gw type veth peer name l0 netns $p-bl"
	echo "link add b2 netns $gw type veth peer name u0 netns $p-bu"
} >"$tmp/root"
ip -b "$tmp/root" 2>"$tmp/err" || { cat "$tmp/err"; skip "cannot build the namespaces"; }

{
	echo "link set lo up"
	for v in 10 20 30; do
		echo "link add link t$v name t$v.$v type vlan id $v"
		echo "addr add 10.0.$v.1/24 dev t$v.$v"
		echo "link set t$v up"
		echo "link set t$v.$v up"
	done
	echo "link add br0 type bridge vlan_filtering 1"
	echo "link set b1 master br0"
	echo "link set b2 master br0"
	echo "link set b1 up"
	echo "link set b2 up"
	echo "link set br0 up"
} >"$tmp/gw"
ip -n "$gw" -b "$tmp/gw" 2>"$tmp/err" ||
	{ cat "$tmp/err"; skip "no 802.1Q sub-interfaces or VLAN-aware bridge (8021q, bridge)"; }
for port in b1 b2; do
	for v in 110 120; do echo "vlan add dev $port vid $v"; done
done >"$tmp/br"
ip netns exec "$gw" bridge -b "$tmp/br" || fail "bridge vlans"
ip netns exec "$gw" sysctl -q -w net.ipv4.ip_forward=1

for v in 10 20 30; do
	cat >"$tmp/h$v" <<EOF
link set lo up
link add link e$v name e$v.$v type vlan id $v
addr add 10.0.$v.2/24 dev e$v.$v
link set e$v up
link set e$v.$v up
route add default via 10.0.$v.1
EOF
	ip -n "$p-h$v" -b "$tmp/h$v" || fail "host h$v"
done
# bl and bu: 10.1.V.2 and 10.1.V.1 in VLAN 1V0 (V = 1, 2)
for h in "bl l0 2" "bu u0 1"; do
	set -- $h
	{
		echo "link set lo up"
		echo "link set $2 up"
		for v in 1 2; do
			echo "link add link $2 name $2.1${v}0 type vlan id 1${v}0"
			echo "addr add 10.1.${v}0.$3/24 dev $2.1${v}0"
			echo "link set $2.1${v}0 up"
		done
	} >"$tmp/$1"
	ip -n "$p-$1" -b "$tmp/$1" || fail "host $1"
done

G() { ip netns exec "$gw" "$@"; }

# ---- the policy ----------------------------------------------------------

# voipfwd's table (the inet chain looks media up in its sets); SIP is
# queued to a voipfwd that is not there: --fail-open lets it pass
G "$bin" --sip-ports 5060 --queue 0 --fail-open --media 10000-20000 \
	--timeout 30 install >/dev/null || fail "voipfwd's table in gw"
G "$ctl" apply --state-dir "$tmp/state" "$conf" >"$tmp/out" 2>"$tmp/err"
rc=$?
expect "apply $(basename "$conf"): exit 0" "$rc" 0
[ "$rc" = 0 ] || sed 's/^/    /' "$tmp/err"
if grep -q "cannot filter bridged VLANs" "$tmp/err"; then
	sed 's/^/    /' "$tmp/err"
	skip "this kernel cannot filter bridged VLANs"
fi
G nft list chain bridge voipfw zones_bridge >"$tmp/bridge.0" 2>&1
grep -q 'vlan id 120' "$tmp/bridge.0" && ok "table bridge voipfw applied" ||
	fail "no table bridge voipfw: $(cat "$tmp/bridge.0")"

# ---- the matrix ----------------------------------------------------------

# NAME,NETNS,ADDR,PART,VLAN,ZONES: the zones by the topology: b2 is the
# uplink's bridge port, so bu's frames are in uplink as well
python3 "$top/test/net/vlanprobe.py" "$conf" "$gw" \
	"h10,$p-h10,10.0.10.2,routed,10,servers" \
	"h20,$p-h20,10.0.20.2,routed,20,phones" \
	"h30,$p-h30,10.0.30.2,routed,30,guests" \
	"bl120,$p-bl,10.1.20.2,bridged,120,bphones" \
	"bu120,$p-bu,10.1.20.1,bridged,120,bphones+uplink" \
	"bl110,$p-bl,10.1.10.2,bridged,110,bservers" \
	"bu110,$p-bu,10.1.10.1,bridged,110,bservers+uplink" \
	>"$tmp/probes" 2>&1
rc=$?
while IFS= read -r line; do
	case $line in
	ok:\ *) ok "${line#ok: }" ;;
	FAIL:\ *) fail "${line#FAIL: }" ;;
	*) echo "$line" ;;
	esac
done <"$tmp/probes"
expect "vlanprobe.py: exit 0" "$rc" 0
# 3 routed endpoints: 6 pairs; 2 VLANs of 2 bridged endpoints: 4 pairs;
# 3 ports (udp 5060, tcp 5060, tcp 443)
expect "every pair and port probed" "$(grep -c '^ok: \(routed\|bridged\) .*/[0-9]*: ' "$tmp/probes")" 30

# ---- a version without VLAN zones ----------------------------------------

grep -v '^zone b\|^allow b\|^deny b\|uplink' "$conf" >"$tmp/novlan.conf"
G "$ctl" apply --state-dir "$tmp/state" "$tmp/novlan.conf" >"$tmp/out" 2>"$tmp/err"
expect "a version without VLAN zones: applied" "$?" 0
expect "and table bridge voipfw is gone" \
	"$(G nft list table bridge voipfw 2>/dev/null)" ""
G "$ctl" rollback --state-dir "$tmp/state" >"$tmp/out" 2>"$tmp/err"
expect "rollback to the VLAN version" "$?" 0
G nft list chain bridge voipfw zones_bridge 2>/dev/null | grep -q 'vlan id 120' &&
	ok "the bridge table is back" || fail "no bridge table after rollback"

echo "vlan: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
