#!/bin/sh
# test/vm/dkms.sh - in the VM (test/run runs it through scripts/vm): the
# voipfw.ko that `dkms build` made (test/kmod-dkms.sh leaves it at
# build/dkms/voipfw.ko) loads on the distro kernel, answers voipfwd's
# handshake and unloads without a leak.
# Last line: "dkms-vm: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
ko=$top/build/dkms/voipfw.ko
K=$top/build/net/kmodctl
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
summary() { echo "dkms-vm: $passed passed, $failed failed"; }

[ -f "$ko" ] || { fail "no $ko (test/kmod-dkms.sh builds it)"; summary; exit 1; }
dmesg -C
if insmod "$ko" max_sources=64; then ok "insmod of the dkms build"; else fail "insmod"; summary; exit 1; fi
out=$("$K" hello 2>&1)
if [ "$out" = "abi 1 config 108 max-sources 64" ]; then ok "handshake: $out"; else fail "handshake: $out"; fi
if rmmod voipfw; then ok "rmmod"; else fail "rmmod"; fi
if dmesg | grep -q 'voipfw: unloaded: sources allocated \([0-9]*\) freed \1, configs allocated \([0-9]*\) freed \2$'; then
	ok "unloaded, allocations = frees"
else
	fail "unload: $(dmesg | grep voipfw | tail -n 3)"
fi
if dmesg | grep -Eq 'BUG|WARNING|Oops'; then fail "kernel log: $(dmesg | grep -E 'BUG|WARNING|Oops' | head -n 3)"
else ok "kernel log: no oops, warning or bug"; fi
summary
[ "$failed" -eq 0 ]
