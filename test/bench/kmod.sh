#!/bin/sh
# test/bench/kmod.sh - `make bench-kmod` (part of `make bench`), run in the
# VM on Debian's kernel by scripts/vm: an INVITE flood from 20 spoofed
# sources, as fast as the sender goes, at a gateway running voipfwd with a
# zone limit of 5 INVITEs/s per source; once with voipfw.ko (kernel-limits
# invite=5/5) and once without (voipfwd's limits only; sip-meter off in
# both so the nft meter does not hide the difference).  For each: the
# datagrams/s that arrived, that the gateway handled (dropped by the module
# or judged by voipfwd) and that were lost unjudged (queue overflow), and
# voipfwd's CPU (utime + stime over the trial).  Figures, not pass/fail;
# exit 1 only when the bench cannot run.
#   KMOD_BENCH_SECONDS=S  each trial's length (default 8)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
S=${KMOD_BENCH_SECONDS:-8}
KO=$top/kmod/voipfw.ko
tmp=$(mktemp -d)
cleanup() {
	[ -n "${vfd:-}" ] && kill "$vfd" 2>/dev/null
	ip netns del vfb 2>/dev/null
	ip link del gb0 2>/dev/null
	nft delete table inet voipfw 2>/dev/null
	rmmod voipfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
[ -f "$KO" ] && [ -x build/voipfwd ] || { echo "bench-kmod: needs kmod/voipfw.ko and build/voipfwd"; exit 1; }
modprobe nft_queue || exit 1

ip netns add vfb
ip link add gb0 type veth peer name fb0 netns vfb
ip addr add 10.9.1.1/24 dev gb0
ip link set gb0 up
ip -n vfb addr add 10.9.1.2/24 dev fb0
ip -n vfb link set fb0 up
sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.gb0.rp_filter=0
printf 'zone all { subnet 0.0.0.0/0; sip { rate invite 5/s burst 5; flood off } }\n' >"$tmp/zones.conf"
printf 'control-socket %s\nzone-policy %s\nsip-meter off\nkernel-limits invite=5/5\n' \
	"$tmp/vfd.sock" "$tmp/zones.conf" >"$tmp/vfd.conf"

ctl() { build/voipfwctl "$@" --socket "$tmp/vfd.sock"; }
rx() { cat /sys/class/net/gb0/statistics/rx_packets; }
cpu() { awk '{ print $14 + $15 }' "/proc/$vfd/stat"; }
msgs() { ctl stats | sed -n 's/^messages \([0-9]*\) .*/\1/p'; }
kdrops() {
	if lsmod | grep -q '^voipfw '; then
		build/net/kmodctl stats | awk '/^drop-/ { s += $2 } END { print s + 0 }'
	else
		echo 0
	fi
}

trial() {	# NAME
	: >"$tmp/vfd.log"
	build/voipfwd --foreground --config "$tmp/vfd.conf" >"$tmp/vfd.log" 2>&1 &
	vfd=$!
	i=0
	while [ $i -lt 100 ] && ! grep -q "sip blocks of 1 zones" "$tmp/vfd.log"; do
		sleep 0.1; i=$((i + 1))
	done
	r0=$(rx) c0=$(cpu) m0=$(msgs) k0=$(kdrops)
	timeout -s KILL "$S" ip netns exec vfb python3 test/vm/sipflood.py raw 10.9.1.1 5060 \
		10.66.9.1+20 0 0 >/dev/null 2>&1
	sleep 1	# the queue drains
	r1=$(rx) c1=$(cpu) m1=$(msgs) k1=$(kdrops)
	hz=$(getconf CLK_TCK)
	awk -v n="$1" -v s="$S" -v r=$((r1 - r0)) -v m=$((m1 - m0)) -v k=$((k1 - k0)) \
		-v c=$((c1 - c0)) -v hz="$hz" 'BEGIN {
		lost = r - m - k; if (lost < 0) lost = 0
		printf "%-16s arrived %6.0f/s  handled %6.0f/s (module dropped %6.0f/s, voipfwd judged %6.0f/s)  lost unjudged %6.0f/s  voipfwd CPU %5.1f%%\n",
			n, r / s, (m + k) / s, k / s, m / s, lost / s, 100 * c / hz / (s + 1) }'
	kill "$vfd"; wait "$vfd" 2>/dev/null; vfd=
	nft delete table inet voipfw 2>/dev/null
}

echo "bench-kmod: INVITE flood from 20 spoofed sources, ${S} s per trial, zone limit 5/s per source ($(uname -r), $(nproc) CPUs under qemu)"
insmod "$KO" || exit 1
trial "with voipfw.ko"
rmmod voipfw
trial "voipfwd only"
echo "bench-kmod: the offered rate is the sender's (python under qemu TCG, sharing the VM's CPUs with voipfwd); \"lost unjudged\" says whether the gateway kept up"
