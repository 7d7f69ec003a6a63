#!/bin/sh
# test/net/srtp.sh [BUILD] - voipfwd and a zone's `media srtp-only`,
# `codecs` and `signalling tls-only` (voipfw.conf(5) SIP POLICY), in the
# lab's throwaway namespaces (scripts/lab-lib.sh): INVITEs with real SDP
# bodies from the phone (zone "phones") to the PBX, where a receiver on
# port 5060 counts what passed.  An offer on RTP/AVP is dropped
# (plain-rtp), one on RTP/SAVP with a=crypto passes, one with none of the
# zone's codecs is dropped (codec); the outside host, in a zone without
# those settings, passes with RTP; `voipfwctl stats` counts per reason;
# `voipfwctl compliance` lists each device with what it sent; then the
# outside zone turns tls-only and its plaintext OPTIONS are dropped
# (plaintext-sip).
#
# Needs root, ip, nft, python3, sipp (lab-lib) and a build; exits 4
# (skip) without.  Last line: "srtp: N passed, N failed".
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
	echo "srtp: $passed passed, $failed failed"
}
skip_all() {
	echo "srtp: SKIP: $*"
	echo "srtp: 0 passed, 0 failed"
	exit 4
}

missing=$(lab_missing)
[ -z "$missing" ] || skip_all "missing:" $missing

lab_init srtp
trap 'lab_cleanup' EXIT
trap 'exit 1' INT TERM HUP PIPE
lab_net 2>"$lab_tmp/net.err" ||
	skip_all "cannot build the namespaces: $(head -n 1 "$lab_tmp/net.err")"

: >"$lab_tmp/pbx.recv"
lab_bg "$NS_PBX" "$lab_tmp/pbx.recv.err" python3 "$lab_udptool" recv \
	"$lab_tmp/pbx.recv" "$lab_tmp/pbx.recv.ready" 5060
lab_wait_for 5 test -e "$lab_tmp/pbx.recv.ready" ||
	{ fail "receiver in pbx did not start"; summary; exit 1; }

zp=$lab_tmp/zones.conf
cat >"$zp" <<'EOF'
zone phones { subnet 10.10.1.0/24
  sip { media srtp-only; codecs PCMA G722 opus } }
zone outside { subnet 10.10.3.0/24 }
EOF
lab_config zone-policy "$zp"

# invite SRC N PROTO FMTS [ATTRS]: an INVITE from SRC to the PBX whose
# SDP offers audio on PROTO with formats FMTS and the attribute lines
# ATTRS ("|" between lines); how many arrived at the PBX
cat >"$lab_tmp/invite.py" <<'EOF'
import socket, sys
src, dst, n, proto, fmts = sys.argv[1:6]
attrs = [a for a in (sys.argv[6] if len(sys.argv) > 6 else "").split("|") if a]
sdp = ("v=0\r\no=- %s 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
       "m=audio 40000 %s %s\r\n" % (n, src, src, proto, fmts) +
       "".join("a=%s\r\n" % a for a in attrs))
msg = ("INVITE sip:100@%s SIP/2.0\r\n"
       "Via: SIP/2.0/UDP %s:5060;branch=z9hG4bKsrtp%s\r\n"
       "Max-Forwards: 70\r\n"
       "From: <sip:200@%s>;tag=s%s\r\n"
       "To: <sip:100@%s>\r\n"
       "Call-ID: srtp%s@lab\r\n"
       "CSeq: 1 INVITE\r\n"
       "Contact: <sip:200@%s>\r\n"
       "User-Agent: LabPhone/2.0\r\n"
       "Content-Type: application/sdp\r\n"
       "Content-Length: %d\r\n\r\n%s" %
       (dst, src, n, src, n, dst, n, src, len(sdp), sdp))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((src, 5060))
s.sendto(msg.encode(), (dst, 5060))
EOF
call=0
invite() {
	case $1 in "$PHONE4") ns=$NS_PHONE ;; *) ns=$NS_OUT ;; esac
	call=$((call + 1))
	before=$(wc -l <"$lab_tmp/pbx.recv")
	ip netns exec "$ns" python3 "$lab_tmp/invite.py" "$1" "$PBX4" "$call" \
		"$2" "$3" "${4:-}"
	sleep 0.4
	echo $(($(wc -l <"$lab_tmp/pbx.recv") - before))
}
crypto="crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"
fpr="fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF"
# stat WHAT: the count voipfwctl stats gives a line "WHAT N"
stat() { lab_ctl stats | sed -n "s/^$1 \([0-9]*\)$/\1/p"; }
logged() { lab_wait_for "${2:-5}" grep -qF -- "$1" "$lab_log"; }

lab_start >/dev/null || { fail "voipfwd did not start"; summary; exit 1; }
logged "the sip blocks of 2 zones in force" ||
	fail "the zone policy was not read"

echo "--- media srtp-only"
expect "RTP/AVP offer: dropped" \
	"$(invite "$PHONE4" RTP/AVP "8 101" "rtpmap:8 PCMA/8000|rtpmap:101 telephone-event/8000")" 0
expect "RTP/SAVP without a key: dropped" \
	"$(invite "$PHONE4" RTP/SAVP 8 "rtpmap:8 PCMA/8000")" 0
expect "stats: drop plain-rtp 2" "$(stat 'drop plain-rtp')" 2
expect "RTP/SAVP with a=crypto: passes" \
	"$(invite "$PHONE4" RTP/SAVP 8 "rtpmap:8 PCMA/8000|$crypto")" 1
expect "DTLS-SRTP (UDP/TLS/RTP/SAVPF, a=fingerprint), opus: passes" \
	"$(invite "$PHONE4" UDP/TLS/RTP/SAVPF 111 "rtpmap:111 opus/48000/2|$fpr")" 1

echo "--- codecs"
expect "SRTP with PCMU and G.729 only (static types): dropped" \
	"$(invite "$PHONE4" RTP/SAVP "0 18" "$crypto")" 0
expect "stats: drop codec 1" "$(stat 'drop codec')" 1
expect "G.722 by its static type among others: passes" \
	"$(invite "$PHONE4" RTP/SAVP "0 9" "$crypto")" 1

echo "--- a zone without those settings"
expect "the outside host's RTP/AVP PCMU offer passes" \
	"$(invite "$OUT4" RTP/AVP 0 "rtpmap:0 PCMU/8000")" 1

echo "--- voipfwctl compliance"
lab_ctl compliance >"$lab_tmp/comp" 2>&1
expect "the phone: plaintext udp 6, rtp 2 (AVP, SAVP unkeyed), srtp 4" \
	"$(grep -c "^$PHONE4 signalling plaintext udp 6 tcp 0 tls not-seen media rtp 2 srtp 4 idle [0-9]*s ua \"LabPhone/2.0\"$" "$lab_tmp/comp")" 1
expect "the outside host: udp 1, rtp 1, srtp 0" \
	"$(grep -c "^$OUT4 signalling plaintext udp 1 tcp 0 tls not-seen media rtp 1 srtp 0 " "$lab_tmp/comp")" 1
expect "two devices" "$(wc -l <"$lab_tmp/comp")" 2
lab_ctl compliance --json >"$lab_tmp/comp.json" 2>&1
expect "--json: the same, parsed" "$(python3 -c '
import json, sys
d = {x["addr"]: x for x in json.load(open(sys.argv[1]))}
p = d[sys.argv[2]]
print(len(d), p["sip_udp"], p["sdp_rtp"], p["sdp_srtp"], p["tls"], p["user_agent"])
' "$lab_tmp/comp.json" "$PHONE4" 2>&1)" "2 6 2 4 not-seen LabPhone/2.0"

echo "--- signalling tls-only: what still reaches voipfwd"
cat >"$zp.new" <<'EOF'
zone phones { subnet 10.10.1.0/24
  sip { media srtp-only; codecs PCMA G722 opus } }
zone outside { subnet 10.10.3.0/24; sip { signalling tls-only } }
EOF
mv "$zp.new" "$zp"
kill -HUP "$lab_daemon"
sleep 1
expect "the outside host's plaintext INVITE: dropped" \
	"$(invite "$OUT4" RTP/SAVP 8 "$crypto")" 0
expect "stats: drop plaintext-sip 1" "$(stat 'drop plaintext-sip')" 1
expect "the phones' zone is not tls-only: its SRTP offer passes" \
	"$(invite "$PHONE4" RTP/SAVP 8 "$crypto")" 1

lab_stop
summary
[ "$failed" -eq 0 ]
