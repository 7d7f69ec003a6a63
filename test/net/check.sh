# test/net/check.sh - sourced by the packet-path suites: the checks they
# print, one line each ("ok: ..." or "FAIL: ..."), counted in $passed and
# $failed (the suite sets them to 0 and prints its own summary line).

ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect DESC GOT WANT
expect() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got '$2', want '$3'"; fi
}

# same DESC FILE1 FILE2: byte for byte, else the diff
same() {
	if cmp -s "$2" "$3"; then ok "$1"; else
		fail "$1:"; diff "$2" "$3" | sed 's/^/    /'; fi
}
