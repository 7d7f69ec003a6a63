#!/bin/sh
# test/net/sipnorm.sh [BUILD] - the zones' SIP normalization in voipfwd on
# the packet path, in the lab's throwaway namespaces (scripts/lab-lib.sh):
#
#   zone phones  10.10.1.0/24 fd10:1::/64  strip-identity, trusted .3 / ::3
#   zone pbx     10.10.2.0/24 fd10:2::/64  hide-agent (remove)
#   zone outside 10.10.3.0/24 fd10:3::/64  hide-agent Edge/1 (replace)
#
# SIP messages cross the gw (test/net/sipnorm.py sends them); the far side
# captures the raw packets (AF_PACKET: the bytes as the wire had them; a
# veth receiver would not check a UDP checksum) and each check reads the
# datagram back: IPv4 total length and header checksum, IPv6 payload
# length, UDP length and checksum, and the SIP message byte for byte
# against the message sent with exactly the intended edits (sed below).
# P-Asserted/P-Preferred-Identity from an untrusted phone are gone at the
# far side, from a trusted one they stay; User-Agent and Server towards
# the outside are replaced, towards the PBX removed; a message that needs
# no change arrives byte-identical; an INVITE larger than the MTU arrives
# refragmented by the gw with the edits and right checksums.  IPv4 and
# IPv6 (where the lab has it).  voipfwctl stats counts the rewrites.
#
# Needs root, ip, nft, python3 (lab-lib) and a build; exits 4 (skip)
# without.  Last line: "sipnorm: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
LAB_BUILD=${1:-$top/build}
. "$top/scripts/lab-lib.sh"
passed=0 failed=0
. "$top/test/net/check.sh"
tool=$top/test/net/sipnorm.py

summary() {
	if [ "$failed" -gt 0 ] && [ -s "${lab_log:-}" ]; then
		echo "--- voipfwd log"
		sed 's/^/    /' "$lab_log"
	fi
	echo "sipnorm: $passed passed, $failed failed"
}
skip_all() {
	echo "sipnorm: SKIP: $*"
	echo "sipnorm: 0 passed, 0 failed"
	exit 4
}

missing=$(lab_missing | grep -v '^sipp$')
[ -z "$missing" ] || skip_all "missing:" $missing

lab_init sipnorm
trap 'lab_cleanup' EXIT
trap 'exit 1' INT TERM HUP PIPE
lab_net 2>"$lab_tmp/net.err" ||
	skip_all "cannot build the namespaces: $(head -n 1 "$lab_tmp/net.err")"
# the phone's trusted second address
ip -n "$NS_PHONE" addr add 10.10.1.3/24 dev eth0
families=4
if lab_has_v6; then
	ip -n "$NS_PHONE" addr add fd10:1::3/64 dev eth0 nodad
	families="4 6"
else
	echo "note: no IPv6 in this lab: IPv4 only"
fi

for h in out pbx; do
	case $h in out) n=$NS_OUT ;; pbx) n=$NS_PBX ;; esac
	: >"$lab_tmp/$h.cap"
	lab_bg "$n" "$lab_tmp/$h.cap.err" python3 "$tool" capture \
		"$lab_tmp/$h.cap" "$lab_tmp/$h.cap.ready" eth0
	lab_wait_for 5 test -e "$lab_tmp/$h.cap.ready" ||
		{ fail "capture in $h did not start"; summary; exit 1; }
done

zp=$lab_tmp/zones.conf
cat >"$zp" <<'EOF2'
zone phones {
	subnet 10.10.1.0/24 fd10:1::/64
	sip { strip-identity; trusted 10.10.1.3 fd10:1::3 }
}
zone pbx { subnet 10.10.2.0/24 fd10:2::/64; sip { hide-agent } }
zone outside { subnet 10.10.3.0/24 fd10:3::/64; sip { hide-agent Edge/1 } }
EOF2
lab_config zone-policy "$zp"
lab_start >/dev/null || { fail "voipfwd did not start"; summary; exit 1; }
lab_wait_for 5 grep -qF "the sip blocks of 3 zones in force" "$lab_log" ||
	{ fail "the zone policy was not read"; summary; exit 1; }

# the edits, as sed programs over the message sent (CRLF kept)
strip='/^P-Asserted-Identity:/d; /^P-Preferred-Identity:/d'
edge='s#^\(User-Agent\|Server\): .*\r$#\1: Edge/1\r#'
noua='/^User-Agent:/d; /^Server:/d'

n=0
# flow NAME NS SRC DST KIND TO SED [FRAGS]: send KIND from SRC in NS to
# DST, find it in TO's capture; its headers must be right (FRAGS: "1",
# the default, or "many"), its SIP the message sent run through SED.
# A packet voipfwd rewrote has a whole UDP checksum, voipfwd's own (the
# kernel takes a verdict's payload as it is).  One it left alone may
# still carry the sender's offloaded partial sum (veth, and the queue in
# GSO mode does not complete it): "partial" is right for it, and only
# for it, since without SED nothing may have been changed.
flow() {
	name=$1 ns=$2 src=$3 dst=$4 kind=$5 to=$6 prog=$7 frags=${8:-1}
	n=$((n + 1))
	tag=norm$n-$$
	ip netns exec "$ns" python3 "$tool" send "$src" "$dst" "$kind" "$tag" \
		"$lab_tmp/$tag.sent"
	lab_wait_for 3 grep -q "$(printf '%s' "$tag" | od -An -tx1 | tr -d ' \n')" \
		"$lab_tmp/$to.cap" || true
	sleep 0.2	# the last fragments
	hdrs=$(python3 "$tool" check "$lab_tmp/$to.cap" "$tag" "$lab_tmp/$tag.got")
	case $frags in
	1) want="frags 1 iplen ok" ;;
	many) want="frags [2-9] iplen ok" ;;
	esac
	case $dst in *:*) want="$want ipsum - udplen ok" ;;
	*) want="$want ipsum ok udplen ok" ;; esac
	if [ -n "$prog" ]; then want="$want udpsum ok"
	else want="$want udpsum \(ok\|partial\)"; fi
	if echo "$hdrs" | grep -qx "$want"; then
		ok "$name: lengths and checksums ($hdrs)"
	else
		fail "$name: headers: got '$hdrs', want '$want'"
	fi
	if [ -n "$prog" ]; then
		sed -e "$prog" "$lab_tmp/$tag.sent" >"$lab_tmp/$tag.want"
	else
		cp "$lab_tmp/$tag.sent" "$lab_tmp/$tag.want"
	fi
	if [ -s "$lab_tmp/$tag.got" ]; then
		same "$name: the SIP message as intended" "$lab_tmp/$tag.want" \
			"$lab_tmp/$tag.got"
	else
		fail "$name: nothing arrived"
	fi
}

for f in $families; do
	if [ "$f" = 4 ]; then
		phone=$PHONE4 trusted=10.10.1.3 pbx=$PBX4 out=$OUT4
	else
		phone=$PHONE6 trusted=fd10:1::3 pbx=$PBX6 out=$OUT6
	fi
	echo "--- IPv$f"
	flow "v$f untrusted phone -> outside: identity stripped, agent replaced" \
		"$NS_PHONE" "$phone" "$out" ident out "$strip; $edge"
	flow "v$f trusted phone -> pbx: identity kept, agent removed" \
		"$NS_PHONE" "$trusted" "$pbx" ident pbx "$noua"
	flow "v$f trusted phone -> outside, nothing to change: byte-identical" \
		"$NS_PHONE" "$trusted" "$out" plain out ""
	flow "v$f pbx -> outside: a 200's Server replaced" \
		"$NS_PBX" "$pbx" "$out" server out "$edge"
	flow "v$f outside -> pbx: no strip-identity there, agent removed" \
		"$NS_OUT" "$out" "$pbx" ident pbx "$noua"
	flow "v$f INVITE over the MTU: refragmented, stripped, replaced" \
		"$NS_PHONE" "$phone" "$out" big out "$strip; $edge" many
done

nf=$(echo $families | wc -w)
stat() { lab_ctl stats | sed -n "s/^$1 \([0-9]*\)$/\1/p"; }
expect "stats: rewrite strip-identity" "$(stat 'rewrite strip-identity')" $((2 * nf))
expect "stats: rewrite hide-agent" "$(stat 'rewrite hide-agent')" $((5 * nf))
expect "stats: no rewrite failed" "$(stat 'drop rewrite-failed')" ""

lab_stop
summary
[ "$failed" -eq 0 ]
