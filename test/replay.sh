#!/bin/sh
# test/replay.sh [VOIPFWD] - voipfwd --replay over generated captures
# (test/replay/mkpcap.py) against golden outputs: verdicts (SIP over UDP, and
# over TCP through sipstream: per message and per segment), pinholes opened
# and closed at the right messages, media passed and dropped.  Also checks
# the config file's errors name file:line:column and that --replay never
# touches the kernel (it runs unprivileged-style, without a table).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
voipfwd=${1:-$top/build/voipfwd}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

python3 "$top/test/replay/mkpcap.py" "$tmp" || { echo "replay: 0 passed, 1 failed"; exit 1; }
for exp in "$top"/test/replay/*.expected; do
	name=$(basename "$exp" .expected)
	if "$voipfwd" --replay "$tmp/$name.pcap" >"$tmp/$name.out" 2>&1 &&
	   diff -u "$exp" "$tmp/$name.out"; then ok; else fail "$name differs from $name.expected"; fi
done

# configuration errors: file:line:column, exit 2, nothing run
printf 'queue 0\n# comment\nsip-ports 5060,abc\n' >"$tmp/bad.conf"
"$voipfwd" --config "$tmp/bad.conf" --dump-config >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 2 ] && ok || fail "bad config exit $rc, want 2"
grep -q "bad.conf:3:16: 'abc' is not a number" "$tmp/out" && ok ||
	fail "bad config message: $(cat "$tmp/out")"
printf 'pinhole-timout 30\n' >"$tmp/typo.conf"
"$voipfwd" -c "$tmp/typo.conf" --dump-config >"$tmp/out" 2>&1
grep -q "typo.conf:1:1: unknown setting 'pinhole-timout'" "$tmp/out" && ok ||
	fail "typo message: $(cat "$tmp/out")"
printf 'sip-ports 15060\nmedia-ports 10000-20000\n' >"$tmp/overlap.conf"
"$voipfwd" -c "$tmp/overlap.conf" --dump-config >"$tmp/out" 2>&1
grep -q "sip port 15060 lies inside media-ports" "$tmp/out" && ok ||
	fail "overlap message: $(cat "$tmp/out")"
printf 'queue 2-3\nsip-ports 5060,5080\npinhole-match dst\n' >"$tmp/good.conf"
"$voipfwd" -c "$tmp/good.conf" -q 4 --dump-config >"$tmp/out" 2>&1
grep -q "^queue 4-4$" "$tmp/out" && grep -q "^sip-ports 5060,5080$" "$tmp/out" &&
	grep -q "^pinhole-match dst$" "$tmp/out" && ok ||
	fail "options override the file: $(cat "$tmp/out")"

# pinhole-match dst: the wrong-peer packet now passes (one more media pass)
"$voipfwd" -c "$tmp/good.conf" -q 0 --replay "$tmp/basic-call.pcap" >"$tmp/out" 2>&1
grep -q "from 10.0.2.20" "$tmp/out" && fail "dst mode still matches peers" || ok
grep -q "media 11 passed, 3 dropped" "$tmp/out" && ok ||
	fail "dst mode media counts: $(tail -n 1 "$tmp/out")"

# max-pinholes-per-source 2: the call's 4 pinholes do not fit, its 200 is
# dropped with the reason, nothing opens
printf 'max-pinholes-per-source 2\n' >"$tmp/phsrc.conf"
"$voipfwd" -c "$tmp/phsrc.conf" --replay "$tmp/basic-call.pcap" >"$tmp/out" 2>&1
grep -q "verdict drop source-pinhole-limit" "$tmp/out" &&
	grep -q "0 pinholes opened" "$tmp/out" && ok ||
	fail "max-pinholes-per-source: $(grep -E 'verdict drop|summary' "$tmp/out")"

"$voipfwd" --replay "$tmp/nonexistent.pcap" >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "nonexistent.pcap" "$tmp/out" && ok || fail "missing pcap"

echo "replay: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
