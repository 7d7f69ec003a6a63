#!/bin/sh
# test/policy.sh [VOIPFWCTL] [--update] - golden tests of the policy
# compiler, as nftables' tests/shell dumps: each test/policy/NAME.conf
# and each rulesets/NAME.conf is compiled with "voipfwctl compile" and
# its script compared byte for byte with NAME.nft, its warnings with
# NAME.warn (no file: no warnings) next to the golden.  Also: every rule
# of the script carries a comment naming its origin, and the rulesets/
# examples pass "voipfwctl check".  --update rewrites the goldens (read
# the diff before committing them).
# Last line: "policy-compile: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
ctl=$top/build/voipfwctl
update=
for a in "$@"; do
	case $a in
	--update) update=1 ;;
	*) ctl=$a ;;
	esac
done
# golden() compiles from the file's directory: the path must not be relative
case $ctl in /*) ;; *) ctl=$(pwd)/$ctl ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# golden CONF GOLDEN_DIR: compile CONF from its own directory, so that
# the comments carry the basename whatever the caller's directory
golden() {
	conf=$1 dir=$2
	name=$(basename "$conf" .conf)
	(cd "$(dirname "$conf")" && "$ctl" compile "$name.conf") \
		>"$tmp/$name.nft" 2>"$tmp/$name.warn"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "$name: compile exit $rc"; sed 's/^/    /' "$tmp/$name.warn"
		return
	fi
	if [ -n "$update" ]; then
		cp "$tmp/$name.nft" "$dir/$name.nft"
		if [ -s "$tmp/$name.warn" ]; then
			cp "$tmp/$name.warn" "$dir/$name.warn"
		else
			rm -f "$dir/$name.warn"
		fi
	fi
	if cmp -s "$tmp/$name.nft" "$dir/$name.nft"; then
		ok "$name: script as golden"
	else
		fail "$name: script differs from $dir/$name.nft:"
		diff -u "$dir/$name.nft" "$tmp/$name.nft" | sed 's/^/    /'
	fi
	if cmp -s "$tmp/$name.warn" "${dir}/$name.warn" 2>/dev/null ||
	   { [ ! -f "$dir/$name.warn" ] && [ ! -s "$tmp/$name.warn" ]; }; then
		ok "$name: warnings as golden"
	else
		fail "$name: warnings differ:"
		diff -u "$dir/$name.warn" "$tmp/$name.warn" 2>&1 | sed 's/^/    /'
	fi
	# every rule inside a chain (not a comment, not the chain's type
	# line) names where it comes from
	bare=$(grep -P '^\t\t(?!#|type )' "$tmp/$name.nft" | grep -v ' comment "')
	if [ -z "$bare" ]; then
		ok "$name: every rule has a comment"
	else
		fail "$name: rules without a comment:"; echo "$bare" | sed 's/^/    /'
	fi
}

[ -x "$ctl" ] || { echo "no $ctl"; echo "policy-compile: 0 passed, 1 failed"; exit 1; }

for conf in "$top"/test/policy/*.conf; do
	golden "$conf" "$top/test/policy"
done
for conf in "$top"/rulesets/*.conf; do
	if out=$("$ctl" check "$conf" 2>&1); then
		ok "$(basename "$conf"): check"
	else
		fail "$(basename "$conf"): check: $out"
	fi
	golden "$conf" "$top/test/policy/rulesets"
done

# the verb's contract: usage and invalid files as for check
"$ctl" compile >/dev/null 2>&1
rc=$?
[ "$rc" = 2 ] && ok "compile without FILE: exit 2" || fail "compile without FILE: exit $rc, want 2"
"$ctl" compile "$tmp/absent.conf" >/dev/null 2>&1
rc=$?
[ "$rc" = 2 ] && ok "compile of a missing FILE: exit 2" || fail "compile of a missing FILE: exit $rc, want 2"
printf 'zone a { interface eth0 }\nallow a -> b: sip\n' >"$tmp/bad.conf"
out=$("$ctl" compile "$tmp/bad.conf" 2>&1 >"$tmp/bad.out")
rc=$?
if [ "$rc" = 1 ] && [ ! -s "$tmp/bad.out" ] &&
   echo "$out" | grep -q "^$tmp/bad.conf:2:[0-9]*: "; then
	ok "compile of an invalid FILE: exit 1, FILE:LINE:COL, no script"
else
	fail "compile of an invalid FILE: exit $rc, '$out'"
fi
"$ctl" compile --help | grep -q '^Usage: voipfwctl compile FILE' &&
	ok "compile --help" || fail "compile --help"

echo "policy-compile: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
