#!/bin/sh
# test/kmod-dkms.sh - kmod/dkms.conf as a DKMS package uses it: `dkms add`
# and `dkms build` of kmod/ for the kernel scripts/vm boots (linux-image-
# amd64's ABI, resolved as everywhere else), in trees of its own under
# build/dkms (--sourcetree, --dkmstree: the host's /var/lib/dkms and
# /usr/src stay as they are; dkms may create its module signing key in
# /var/lib/dkms).  Checks the module it builds (vermagic, name) and that
# dkms.conf's version is voipfwd's.  Loading it is test/vm/dkms.sh's, in
# the VM.  Needs dkms and the headers (scripts/deps kmod).
# Last line: "dkms: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
summary() { echo "dkms: $passed passed, $failed failed"; }

abi=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*\)$/\1/p' | head -n 1)
command -v dkms >/dev/null || { fail "no dkms (scripts/deps kmod installs it)"; summary; exit 1; }
[ -n "$abi" ] && [ -d "/usr/src/linux-headers-$abi" ] ||
	{ fail "no headers for linux-image-${abi:-?} (scripts/deps kmod)"; summary; exit 1; }

name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$top/kmod/dkms.conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/kmod/dkms.conf")
expect_ver=$("$top/build/voipfwd" -V 2>/dev/null | sed -n 's/^voipfwd //p')
if [ -n "$ver" ] && [ "$ver" = "$expect_ver" ]; then
	ok "dkms.conf: $name $ver, voipfwd's version"
else
	fail "dkms.conf: version '$ver', voipfwd says '$expect_ver'"
fi

d=$top/build/dkms
rm -rf "$d"
mkdir -p "$d/src/$name-$ver" "$d/tree"
# what a package ships to /usr/src/NAME-VERSION: the sources and dkms.conf
cp "$top"/kmod/Kbuild "$top"/kmod/Makefile "$top"/kmod/*.c "$top"/kmod/*.h \
	"$top"/kmod/dkms.conf "$d/src/$name-$ver/"
t() { dkms "$@" -m "$name" -v "$ver" --sourcetree "$d/src" --dkmstree "$d/tree"; }
if t add >"$d/add.log" 2>&1; then ok "dkms add"; else fail "dkms add: $(tail -n 3 "$d/add.log")"; fi
if t build -k "$abi" >"$d/build.log" 2>&1; then
	ok "dkms build for $abi"
else
	fail "dkms build: $(tail -n 5 "$d/build.log")"
	find "$d/tree" -name make.log -exec tail -n 20 {} \;
fi
ko=$(find "$d/tree/$name/$ver/$abi" -name "$name.ko*" 2>/dev/null | head -n 1)
if [ -n "$ko" ]; then ok "the module: ${ko#"$top"/}"; else fail "no $name.ko in the dkms tree"; fi
if [ -n "$ko" ]; then
	vm=$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)
	if [ "$vm" = "$abi" ]; then ok "its vermagic: $vm"; else fail "vermagic '$vm', want $abi"; fi
	if modinfo -F parm "$ko" | grep -q '^max_sources:'; then ok "its parameter max_sources"
	else fail "no max_sources parameter: $(modinfo "$ko" | head -n 5)"; fi
	# for test/vm/dkms.sh
	cp "$ko" "$d/voipfw.ko"
fi
if t status -k "$abi" 2>/dev/null | grep -q "$name/$ver, $abi, .*: built"; then
	ok "dkms status: built"
else
	fail "dkms status: $(t status -k "$abi" 2>&1)"
fi
summary
[ "$failed" -eq 0 ]
