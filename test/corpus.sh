#!/bin/sh
# test/corpus.sh [VOIPFWCTL] - RFC 4475 torture messages through
# `voipfwctl check-sip` under both policies.  Checks
#   1. the RFC's classes (VERDICTS): every 3.1.1 message passes under both
#      policies, every 3.1.2 message drops under strict;
#   2. voipfw's own stated verdict and reason token for all 49 (EXPECTED);
#   3. no message crashes the parser (exit status 0 or 1, never a signal).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
ctl=${1:-$top/build/voipfwctl}
dir=$top/test/corpus/rfc4475
passed=0 failed=0

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

verdict() {	# file policy -> "pass" or "drop:TOKEN"; exit status checked
	out=$("$ctl" check-sip --policy "$2" "$1" 2>&1)
	rc=$?
	if [ $rc -gt 1 ]; then
		echo "crash-or-error:$rc"
		return
	fi
	case "$out" in
	*": pass") echo pass ;;
	*": drop: "*) echo "drop:$(echo "$out" | sed 's/^.*: drop: \([a-z0-9-]*\):.*$/\1/')" ;;
	*) echo "unparsed:$out" ;;
	esac
}

n=0
while read -r name class section; do
	case "$name" in ''|'#'*) continue ;; esac
	n=$((n + 1))
	f=$dir/$name.dat
	d=$(verdict "$f" default)
	s=$(verdict "$f" strict)
	case "$d$s" in *crash*|*unparsed*) fail "$name: $d / $s"; continue ;; esac
	case "$class" in
	valid)
		[ "$d" = pass ] && [ "$s" = pass ] && ok ||
			fail "$name ($section, valid): default=$d strict=$s, want pass/pass" ;;
	invalid)
		case "$s" in drop:*) ok ;; *) fail "$name ($section, invalid): strict=$s, want drop" ;; esac ;;
	semantic) ok ;;
	*) fail "$name: unknown class $class" ;;
	esac
	exp=$(awk -v n="$name" '$1 == n { print $2 " " $3 }' "$dir/EXPECTED")
	if [ "$exp" = "$d $s" ]; then ok; else fail "$name: got '$d $s', EXPECTED says '$exp'"; fi
done < "$dir/VERDICTS"
[ "$n" -eq 49 ] && ok || fail "VERDICTS lists $n messages, want 49"
echo "rfc4475: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
