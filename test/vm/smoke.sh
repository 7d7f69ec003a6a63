#!/bin/sh
# test/vm/smoke.sh - scripts/vm works: it boots Debian's distro kernel in
# qemu, runs a command there and hands back its exit status and output; the
# guest kernel's modules load (nft_queue, 8021q, veth); the host root is
# read-only inside and /tmp writable.  13 VM boots of about 4 s each under
# TCG plus an 8 s timeout check: about 70 s (plus ~10 s to download the
# kernel into build/vm the first time).  Closes with "vm: N passed, N
# failed"; exits 1 if any failed.
# Needs root and the packages of `scripts/deps vm` plus nftables, iproute2.
set -u
# shellcheck disable=SC2016 # single-quoted $ is meant for the guest shell
top=$(cd "$(dirname "$0")/../.." && pwd)
vm=$top/scripts/vm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
start=$(date +%s)

pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() {
	failed=$((failed + 1))
	echo "FAIL: $1"
	[ -s "$tmp/out" ] && sed 's/^/  | /' "$tmp/out" | tail -n 30
}

# check DESCRIPTION WANT_STATUS [scripts/vm ARGS...]: run scripts/vm with
# ARGS (stdout and stderr to $tmp/out, stdin from $tmp/in if it exists).
check() {
	desc=$1 want=$2
	shift 2
	if [ -f "$tmp/in" ]; then
		"$vm" "$@" <"$tmp/in" >"$tmp/out" 2>&1
	else
		"$vm" "$@" </dev/null >"$tmp/out" 2>&1
	fi
	got=$?
	rm -f "$tmp/in"
	if [ "$got" -eq "$want" ]; then pass "$desc"; else fail "$desc: exit $got, want $want"; fi
}

# out_has DESCRIPTION LINE: the last run printed LINE (a whole line).
out_has() {
	if grep -qxF -- "$2" "$tmp/out"; then pass "$1"; else fail "$1: no line '$2' in the output"; fi
}

# The kernel: download and initramfs (cached after the first run).
t=$(date +%s)
if "$vm" --prepare >"$tmp/out" 2>&1; then
	pass "scripts/vm --prepare ($(($(date +%s) - t)) s)"
else
	fail "scripts/vm --prepare"
	echo "vm: $passed passed, $failed failed"
	exit 1
fi
abi=$(sed -n 's/^vm: ready: kernel \([^,]*\),.*/\1/p' "$tmp/out")
[ -n "$abi" ] || abi=unknown

check "--help" 0 --help
check "no command is a usage error" 2
check "unknown option is a usage error" 2 --frobnicate -- true

# (1) exit statuses come back.
t=$(date +%s)
check "true exits 0" 0 -- true
echo "   (one boot + true: $(($(date +%s) - t)) s)"
check "false exits 1" 1 -- false
check "sh -c 'exit 7' exits 7" 7 -- sh -c 'exit 7'

# (2) the guest runs the Debian kernel linux-image-amd64 names, not the
# host's; stdout comes back; the working directory is kept; argv is kept
# word for word; stdin with -i; --env.
check "uname -r" 0 -- uname -r
out_has "guest kernel is Debian's $abi" "$abi"
if [ "$abi" != "$(uname -r)" ]; then pass "guest kernel differs from the host's $(uname -r)"; else fail "guest kernel is the host's"; fi
cd "$top" || exit 1
check "pwd, arguments with quotes and spaces" 0 -- sh -c 'pwd; printf "<%s>\n" "$@"' sh "a b" "it's" '$HOME' ''
out_has "working directory kept" "$top"
out_has "argument with a space" "<a b>"
out_has "argument with a quote" "<it's>"
out_has "argument with a dollar" '<$HOME>'
out_has "empty argument" "<>"
printf 'line one\nline two\n' >"$tmp/in"
check "-i feeds stdin" 0 -i --env VMTEST=hello -- sh -c 'wc -l; echo "env=$VMTEST vm=$VOIPFW_VM"'
out_has "stdin arrived" "2"
out_has "--env and VOIPFW_VM set" "env=hello vm=1"

# (3) nf_tables with an NFQUEUE rule, from the guest kernel's modules.
cat >"$tmp/in" <<'EOF'
table inet voipfw_vm_smoke {
	chain input {
		type filter hook input priority 0; policy accept;
		udp dport 5060 queue num 0 bypass
	}
}
EOF
check "modprobe nft_queue && nft -f - (queue num 0 bypass)" 0 -i -- sh -c \
	'modprobe nft_queue && nft -f - && nft list table inet voipfw_vm_smoke'
out_has "queue rule listed" "		udp dport 5060 queue flags bypass to 0"

# (4) 802.1Q on a veth pair (veth loaded on demand by the kernel: module
# autoloading works).
check "modprobe 8021q, veth pair, vlan 20 on it" 0 -- sh -c \
	'modprobe 8021q && ip link add vt0 type veth peer name vt1 &&
	 ip link add link vt0 name vt0.20 type vlan id 20 &&
	 ip link set vt0 up && ip link set vt1 up && ip link set vt0.20 up &&
	 ip -d link show vt0.20 | grep -q "vlan protocol 802.1Q id 20" &&
	 lsmod | grep -q "^veth " && ip netns add smoke && ip netns list'
out_has "ip netns works (/run writable)" "smoke"

# (5) the host root is read-only, /tmp writable.
check "write to /usr, /tmp, /var/tmp, /run" 0 -- sh -c '
	if (echo x >/usr/voipfw-vm-smoke) 2>/dev/null; then echo usr-writable; else echo usr-read-only; fi
	echo x >/tmp/f && [ "$(cat /tmp/f)" = x ] && touch /var/tmp/f /run/f && echo tmp-writable'
out_has "writing under /usr fails" "usr-read-only"
out_has "/tmp, /var/tmp, /run are writable" "tmp-writable"
if [ -e /usr/voipfw-vm-smoke ]; then fail "the guest wrote /usr on the host"; rm -f /usr/voipfw-vm-smoke; else pass "host /usr untouched"; fi

# --rw shares a host directory writable.
mkdir -p "$top/build" && rw=$(mktemp -d "$top/build/vm-smoke.XXXXXX") || exit 1
check "--rw DIR is writable" 0 --rw "$rw" -- sh -c "echo from-guest >'$rw/f'"
if [ "$(cat "$rw/f" 2>/dev/null)" = from-guest ]; then pass "--rw file reached the host"; else fail "--rw file did not reach the host"; fi
rm -rf "$rw"

# The timeout: a command that outlives it ends with 124.
t=$(date +%s)
check "--timeout kills the VM, exit 124" 124 --timeout 8 -- sleep 600
echo "   (timeout run: $(($(date +%s) - t)) s)"

# A guest kernel panic ends the VM at once with 126, names the panic, and
# the kernel's log (replayed at the panic) comes out with its backtrace.
check "a guest kernel panic: exit 126" 126 --timeout 60 -- sh -c \
	'echo 1 >/proc/sys/kernel/sysrq; echo c >/proc/sysrq-trigger; sleep 30'
if grep -q "^vm: the guest kernel panicked before the command finished: Kernel panic - not syncing: sysrq triggered crash" "$tmp/out"; then
	pass "a guest kernel panic: named"
else
	fail "a guest kernel panic: not named"
fi
if grep -q "Call Trace:" "$tmp/out"; then
	pass "a guest kernel panic: its backtrace shown"
else
	fail "a guest kernel panic: no backtrace"
fi

echo "   (whole smoke test: $(($(date +%s) - start)) s)"
echo "vm: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
