#!/bin/sh
# test/cli.sh [VOIPFWCTL] - voipfwctl's scripted interface: exit codes,
# output lines, --help, and the --media listing against a golden file.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
ctl=${1:-$top/build/voipfwctl}
sip=$top/test/corpus/sip
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

check() {	# description, expected exit status, command...
	desc=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $desc: exit $got, want $want"
		sed 's/^/  | /' "$tmp/out" "$tmp/err"
	fi
}

grep_out() {	# description, file, pattern
	if grep -q -- "$3" "$2"; then passed=$((passed + 1)); else
		failed=$((failed + 1)); echo "FAIL: $1: no '$3' in output"; fi
}

check "--help" 0 "$ctl" --help
grep_out "--help lists check-sip" "$tmp/out" "check-sip"
check "no command" 2 "$ctl"
check "unknown command" 2 "$ctl" frobnicate
check "check-sip --help" 0 "$ctl" check-sip --help
grep_out "check-sip --help shows the media format" "$tmp/out" "RTCP_PORT|mux"
check "check-sip without FILE" 2 "$ctl" check-sip
check "unknown policy" 2 "$ctl" check-sip --policy lax "$sip/bye.sip"
grep_out "unknown policy is named" "$tmp/err" "'lax'"
check "unknown option" 2 "$ctl" check-sip --bogus "$sip/bye.sip"
check "missing file" 2 "$ctl" check-sip "$tmp/nonexistent.sip"
grep_out "missing file is named" "$tmp/err" "nonexistent.sip"
head -c 70000 /dev/zero >"$tmp/big"
check "file over 65535 bytes" 2 "$ctl" check-sip "$tmp/big"
grep_out "large file reason" "$tmp/err" "larger than 65535"
check "all pass" 0 "$ctl" check-sip "$sip"/*.sip
check "one drop among passes" 1 "$ctl" check-sip "$sip/bye.sip" \
	"$top/test/corpus/rfc4475/clerr.dat"
grep_out "pass line format" "$tmp/out" "^$sip/bye.sip: pass\$"
grep_out "drop line format" "$tmp/out" \
	"clerr.dat: drop: content-length-mismatch: Content-Length larger than the body (9999)\$"
check "a missing file among good ones still judges the rest" 2 \
	"$ctl" check-sip "$sip/bye.sip" "$tmp/nonexistent.sip"
grep_out "the readable file was judged" "$tmp/out" "bye.sip: pass"
printf 'OPTIONS sip:a@b SIP/2.0\r\n' >"$tmp/trunc.sip"
check "truncated message drops" 1 "$ctl" check-sip "$tmp/trunc.sip"
grep_out "truncated reason" "$tmp/out" "drop: truncated:"
: >"$tmp/empty.sip"
check "empty file drops" 1 "$ctl" check-sip "$tmp/empty.sip"

# --media golden output (paths made relative to the repo root)
(cd "$top" && "$ctl" check-sip --media test/corpus/sip/*.sip) >"$tmp/media"
if diff -u "$sip/EXPECTED.media" "$tmp/media"; then passed=$((passed + 1)); else
	failed=$((failed + 1)); echo "FAIL: --media output differs from EXPECTED.media"; fi

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
