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
grep_out "--help lists check" "$tmp/out" "^  check  "
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

# check: voipfw.conf(5).  The man page's EXAMPLE, straight from its source.
sed -n '/^\.SH EXAMPLE/,/^\.SH/{/^\./d;p}' "$top/doc/voipfw.conf.5" >"$tmp/example.conf"
check "check: the man page EXAMPLE is valid" 0 "$ctl" check "$tmp/example.conf"
grep_out "check summary line" "$tmp/out" \
	"^$tmp/example.conf: 4 zones, 1 service, 6 rules, policy drop\$"
printf 'zone voice { interface eth0.20 }\nallow voive -> any: sip\n' >"$tmp/typo.conf"
check "check: unknown zone" 1 "$ctl" check "$tmp/typo.conf"
grep_out "check error is FILE:LINE:COL: message" "$tmp/err" \
	"^$tmp/typo.conf:2:7: unknown zone 'voive' (did you mean 'voice'?)\$"
if [ -s "$tmp/out" ]; then failed=$((failed + 1)); echo "FAIL: check printed on stdout for an invalid file"; else passed=$((passed + 1)); fi
printf 'policy accept\nzone a { subnet 10.0.0.1/8 }\n' >"$tmp/bits.conf"
check "check: host bits" 1 "$ctl" check "$tmp/bits.conf"
grep_out "host bits message" "$tmp/err" "bits.conf:2:17: 10.0.0.1/8 has host bits set (did you mean 10.0.0.0/8?)"
: >"$tmp/empty.conf"
check "check: an empty file is valid" 0 "$ctl" check "$tmp/empty.conf"
grep_out "empty summary" "$tmp/out" "empty.conf: 0 zones, 0 services, 0 rules, policy drop\$"
check "check: missing file" 2 "$ctl" check "$tmp/nonexistent.conf"
grep_out "check: missing file is named" "$tmp/err" "nonexistent.conf: No such file or directory"
check "check: a directory" 2 "$ctl" check "$tmp"
check "check without FILE" 2 "$ctl" check
check "check with two FILEs" 2 "$ctl" check "$tmp/empty.conf" "$tmp/empty.conf"
check "check: unknown option" 2 "$ctl" check --bogus "$tmp/empty.conf"
check "check --help" 0 "$ctl" check --help
grep_out "check --help shows the error format" "$tmp/out" "FILE:LINE:COL: message"
head -c 1048577 /dev/zero | tr '\0' '\n' >"$tmp/big.conf"
check "check: a file over 1 MiB is invalid" 1 "$ctl" check "$tmp/big.conf"
grep_out "large file reason" "$tmp/err" "big.conf:1048577:1: file larger than 1 MiB"

# apply, rollback, confirm, show, diff: what needs no root and no kernel
st=$tmp/state-none
check "apply without FILE" 2 "$ctl" apply
check "apply with two FILEs" 2 "$ctl" apply "$tmp/empty.conf" "$tmp/empty.conf"
check "apply --confirm not a number" 2 "$ctl" apply --confirm 5s --state-dir "$st" "$tmp/empty.conf"
grep_out "apply --confirm range named" "$tmp/err" "seconds from 1 to 86400"
check "apply --confirm 0" 2 "$ctl" apply --confirm 0 --state-dir "$st" "$tmp/empty.conf"
check "apply: missing file" 2 "$ctl" apply --state-dir "$st" "$tmp/nonexistent.conf"
grep_out "apply: missing file is named" "$tmp/err" "voipfwctl apply: $tmp/nonexistent.conf: No such file or directory"
check "apply: invalid file" 1 "$ctl" apply --state-dir "$st" "$tmp/typo.conf"
grep_out "apply: error is FILE:LINE:COL: message" "$tmp/err" "^$tmp/typo.conf:2:7: unknown zone"
if [ -e "$st" ]; then failed=$((failed + 1)); echo "FAIL: an invalid file created the state dir"; else passed=$((passed + 1)); fi
check "apply: empty --state-dir" 2 "$ctl" apply --state-dir "" "$tmp/empty.conf"
check "apply --help" 0 "$ctl" apply --help
grep_out "apply --help names --confirm" "$tmp/out" "--confirm SECONDS"
check "rollback with an argument" 2 "$ctl" rollback --state-dir "$st" extra
check "rollback: nothing to roll back to" 1 "$ctl" rollback --state-dir "$st"
grep_out "rollback: reason" "$tmp/err" "nothing to roll back to"
check "rollback --help" 0 "$ctl" rollback --help
check "confirm: nothing pending" 1 "$ctl" confirm --state-dir "$st"
grep_out "confirm: reason" "$tmp/err" "nothing to confirm"
check "confirm --bogus" 2 "$ctl" confirm --bogus
check "confirm --help" 0 "$ctl" confirm --help
check "show with an argument" 2 "$ctl" show "$tmp/empty.conf"
check "show --help" 0 "$ctl" show --help
check "diff without FILE" 2 "$ctl" diff
check "diff: invalid file" 1 "$ctl" diff --state-dir "$st" "$tmp/typo.conf"
check "diff: missing file" 2 "$ctl" diff --state-dir "$st" "$tmp/nonexistent.conf"
check "diff --help" 0 "$ctl" diff --help
printf 'zone a { interface a0 }\nzone b { interface b0 }\nallow a -> b: sip\n' >"$tmp/ab.conf"
check "diff against nothing applied" 0 "$ctl" diff --state-dir "$st" "$tmp/ab.conf"
grep_out "diff: header" "$tmp/out" "^+++ $tmp/ab.conf\$"
grep_out "diff: the pair's chain is added" "$tmp/out" '^+.chain zp_a\.b {$'
grep_out "diff: the rule is added" "$tmp/out" '^+.*meta l4proto . th dport.*comment "ab.conf:3"'
if [ -e "$st" ]; then failed=$((failed + 1)); echo "FAIL: diff created the state dir"; else passed=$((passed + 1)); fi

# the control socket's verbs: what is refused before voipfwd is asked
nosock=$tmp/no-voipfwd.sock
for v in status calls pinholes bans stats ban unban kill-call; do
	check "$v --help" 0 "$ctl" "$v" --help
done
grep_out "ban --help: the admin role" "$tmp/out" "root or admin-group"
check "--help lists kill-call" 0 "$ctl" --help
grep_out "--help: exit status 3" "$tmp/out" "3 permission denied"
check "ban without ADDR" 2 "$ctl" ban --socket "$nosock"
check "ban with four arguments" 2 "$ctl" ban 10.0.0.1 60 why x --socket "$nosock"
grep_out "ban: the extra argument named" "$tmp/err" "unexpected argument 'x'"
check "ban with a reason of two words" 2 "$ctl" ban 10.0.0.1 60 "two words" --socket "$nosock"
grep_out "ban: one word expected" "$tmp/err" "one word without spaces expected"
check "ban --json" 2 "$ctl" ban 10.0.0.1 --json --socket "$nosock"
check "unban without ADDR" 2 "$ctl" unban --socket "$nosock"
check "kill-call without CALL-ID" 2 "$ctl" kill-call --socket "$nosock"
check "kill-call: a CALL-ID with a space" 2 "$ctl" kill-call "a b" --socket "$nosock"
grep_out "kill-call: one word" "$tmp/err" "one word without spaces"
check "kill-call: a CALL-ID with a newline" 2 "$ctl" kill-call "a
ban 10.0.0.1" --socket "$nosock"
check "bans with an argument" 2 "$ctl" bans x --socket "$nosock"
check "show --socket (not through voipfwd)" 2 "$ctl" show --socket "$nosock"
check "apply --socket, no voipfwd" 2 "$ctl" apply --socket "$nosock" "$tmp/ab.conf"
grep_out "apply --socket: says so" "$tmp/err" "cannot reach voipfwd at $nosock"
check "apply --socket --state-dir" 2 "$ctl" apply --socket "$nosock" --state-dir "$st" "$tmp/ab.conf"
grep_out "apply --socket --state-dir: voipfwd's" "$tmp/err" "the state directory is voipfwd's"
check "stats: no voipfwd" 2 "$ctl" stats --socket "$nosock"
grep_out "stats: says so" "$tmp/err" "cannot reach voipfwd at $nosock"

# --media golden output (paths made relative to the repo root)
(cd "$top" && "$ctl" check-sip --media test/corpus/sip/*.sip) >"$tmp/media"
if diff -u "$sip/EXPECTED.media" "$tmp/media"; then passed=$((passed + 1)); else
	failed=$((failed + 1)); echo "FAIL: --media output differs from EXPECTED.media"; fi

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
