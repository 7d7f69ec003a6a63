# scripts/lab-lib.sh - the lab's network, daemon and SIPp plumbing, shared
# by scripts/lab and test/net/e2e.sh.  Source it; it defines functions
# and variables only (no side effects until lab_init).
#
#   phone (10.10.1.2, fd10:1::2)
#     | veth
#   gw (10.10.1.1 | 10.10.2.1 | 10.10.3.1; fd10:N::1; forwards; runs voipfwd)
#     | veth                          | veth
#   pbx (10.10.2.2, fd10:2::2)        out (10.10.3.2, fd10:3::2): the
#                                     outside host, a third link
#
# Every namespace is named vfw-lab-PID-ROLE ($lab_prefix), so runs never
# collide and nothing on the host is touched; lab_cleanup removes them,
# the processes started here (by pid) and the temporary directory.
#
# Caller sets $top (the source tree) before sourcing.

lab_bin=${LAB_BUILD:-$top/build}
lab_voipfwd=$lab_bin/voipfwd
lab_voipfwctl=$lab_bin/voipfwctl
lab_sipp_dir=$top/test/net/sipp
lab_udptool=$top/test/net/udptool.py

PHONE4=10.10.1.2 GW4_PHONE=10.10.1.1
PBX4=10.10.2.2 GW4_PBX=10.10.2.1
OUT4=10.10.3.2 GW4_OUT=10.10.3.1
PHONE6=fd10:1::2 GW6_PHONE=fd10:1::1
PBX6=fd10:2::2 GW6_PBX=fd10:2::1
OUT6=fd10:3::2 GW6_OUT=fd10:3::1

lab_pids=""		# background processes to end at cleanup
lab_daemon=""		# voipfwd's pid while it runs

# lab_init NAME: names and the temporary directory (before any trap).
lab_init() {
	lab_prefix=vfw-$1-$$
	NS_PHONE=$lab_prefix-phone
	NS_GW=$lab_prefix-gw
	NS_PBX=$lab_prefix-pbx
	NS_OUT=$lab_prefix-out
	lab_tmp=$(mktemp -d "/tmp/vfw-$1.XXXXXX")
	lab_sock=$lab_tmp/voipfwd.sock
	lab_conf=$lab_tmp/voipfwd.conf
	lab_log=$lab_tmp/voipfwd.log
	: >"$lab_log"
}

# lab_missing: print what this machine lacks to run the lab (empty: ok).
lab_missing() {
	[ "$(id -u)" = 0 ] || echo "root"
	for t in ip nft python3 sipp; do
		command -v "$t" >/dev/null 2>&1 || echo "$t"
	done
	for b in "$lab_voipfwd" "$lab_voipfwctl"; do
		[ -x "$b" ] || echo "$b (make)"
	done
}

# lab_net: the namespaces, links and addresses; forwarding on the gw.
# IPv6 is set up where the kernel has it (see lab_has_v6); 1 when the
# IPv4 lab cannot be built.
lab_net() {
	for n in "$NS_PHONE" "$NS_GW" "$NS_PBX" "$NS_OUT"; do
		ip netns add "$n" || return 1
		ip -n "$n" link set lo up
	done
	ip -n "$NS_PHONE" link add eth0 type veth peer name phone netns "$NS_GW" &&
	ip -n "$NS_PBX" link add eth0 type veth peer name pbx netns "$NS_GW" &&
	ip -n "$NS_OUT" link add eth0 type veth peer name out netns "$NS_GW" ||
		return 1
	# host namespace, its link's name in the gw, subnet number
	for l in "$NS_PHONE phone 1" "$NS_PBX pbx 2" "$NS_OUT out 3"; do
		set -- $l
		ip -n "$1" addr add "10.10.$3.2/24" dev eth0 &&
		ip -n "$NS_GW" addr add "10.10.$3.1/24" dev "$2" &&
		ip -n "$1" link set eth0 mtu 1500 up &&
		ip -n "$NS_GW" link set "$2" mtu 1500 up &&
		ip -n "$1" route add default via "10.10.$3.1" || return 1
		ip -n "$1" addr add "fd10:$3::2/64" dev eth0 nodad 2>/dev/null &&
		ip -n "$NS_GW" addr add "fd10:$3::1/64" dev "$2" nodad 2>/dev/null &&
		ip -n "$1" -6 route add default via "fd10:$3::1" 2>/dev/null
	done
	ip netns exec "$NS_GW" sysctl -q -w net.ipv4.ip_forward=1 >/dev/null ||
		return 1
	ip netns exec "$NS_GW" sysctl -q -w net.ipv6.conf.all.forwarding=1 \
		>/dev/null 2>&1
	return 0
}

# lab_has_v6: the lab's IPv6 addresses are in place
lab_has_v6() {
	ip -n "$NS_PHONE" -6 addr show dev eth0 2>/dev/null | grep -q "$PHONE6" &&
	ip -n "$NS_GW" -6 addr show dev pbx 2>/dev/null | grep -q "$GW6_PBX"
}

# lab_config [KEY VALUE]...: voipfwd.conf with the control socket in the
# temporary directory, no zone policy (the host's applied one, if any, is
# not the lab's; a later zone-policy setting wins), then the given
# settings.
lab_config() {
	{
		echo "# written by scripts/lab-lib.sh"
		echo "control-socket $lab_sock"
		echo "zone-policy none"
		while [ $# -ge 2 ]; do
			echo "$1 $2"
			shift 2
		done
	} >"$lab_conf"
}

# lab_start [OPTION]...: voipfwd in the gw, foreground, logging to
# $lab_log; waits until it serves its control socket.
lab_start() {
	rm -f "$lab_sock"
	echo "--- voipfwd${*:+ $*} (start $(date +%T.%N | cut -c1-12))" >>"$lab_log"
	# not through a subshell: $! must be voipfwd itself (ip execs it)
	ip netns exec "$NS_GW" "$lab_voipfwd" --foreground --config "$lab_conf" \
		"$@" >>"$lab_log" 2>&1 &
	lab_daemon=$!
	i=0
	while [ $i -lt 100 ]; do
		if [ -S "$lab_sock" ] && grep -q "running:" "$lab_log"; then
			return 0
		fi
		kill -0 "$lab_daemon" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	echo "voipfwd did not start:" >&2
	sed 's/^/    /' "$lab_log" >&2
	lab_daemon=""
	return 1
}

# lab_stop [SIGNAL]: stop voipfwd (TERM by default) and reap it.
lab_stop() {
	[ -n "$lab_daemon" ] || return 0
	kill -"${1:-TERM}" "$lab_daemon" 2>/dev/null
	kill -CONT "$lab_daemon" 2>/dev/null
	i=0
	while kill -0 "$lab_daemon" 2>/dev/null && [ $i -lt 60 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -9 "$lab_daemon" 2>/dev/null
	wait "$lab_daemon" 2>/dev/null
	lab_daemon=""
}

lab_ctl() { "$lab_voipfwctl" "$@" --socket "$lab_sock"; }
lab_gw() { ip netns exec "$NS_GW" "$@"; }

# lab_pinholes: the kernel's pinholes as voipfwctl lists them, without
# the call and expiry columns, sorted: "udp ADDR PORT [from PEER]"; 1
# when voipfwctl fails (no voipfwd)
lab_pinholes() {
	_ph=$(lab_ctl pinholes) || return 1
	[ -z "$_ph" ] || printf '%s\n' "$_ph" | sed 's/ call .*//' | sort
}

# lab_elements: how many elements the four pinhole sets hold (nft's view)
lab_elements() {
	for s in pinhole4 pinhole4_peer pinhole6 pinhole6_peer; do
		lab_gw nft list set inet voipfw "$s" 2>/dev/null
	done | grep -Eo 'expires [0-9]' | wc -l
}

# lab_counter WHAT: packets counted by a rule of table inet voipfw.
# WHAT: pinhole4, pinhole4_peer, pinhole6, pinhole6_peer, drop, sip-udp,
# sip-tcp.
lab_counter() {
	case $1 in
	drop) pat='udp dport [0-9]*-[0-9]* counter' ;;
	sip-udp) pat='udp dport @sip_ports counter' ;;
	sip-tcp) pat='tcp dport @sip_ports counter' ;;
	*) pat=" @$1 .*@th" ;;
	esac
	n=$(lab_gw nft list table inet voipfw 2>/dev/null | grep -e "$pat" |
		sed -n 's/.*counter packets \([0-9]*\) .*/\1/p' | head -n 1)
	echo "${n:-0}"
}

# lab_wait_for SECONDS COMMAND...: poll COMMAND every 0.05 s until it
# succeeds; 1 on timeout.
lab_wait_for() {
	end=$(($(date +%s%N) + $1 * 1000000000))
	shift
	while ! "$@"; do
		[ "$(date +%s%N)" -lt "$end" ] || return 1
		sleep 0.05
	done
	return 0
}

# lab_bg NS OUT COMMAND...: run COMMAND in namespace NS in the background,
# output to OUT; its pid in $lab_last (and in $lab_pids for cleanup).
lab_bg() {
	n=$1 o=$2
	shift 2
	ip netns exec "$n" "$@" >"$o" 2>&1 &
	lab_last=$!
	lab_pids="$lab_pids $lab_last"
}

# lab_monitor_begin: nft monitor in the gw all along, its lines in
# $lab_tmp/monitor; returns once it listens (it reports a table of its
# own, added and removed in the gw's throwaway namespace), 1 if not within
# 10 s.  One monitor known to listen, not one per check: under TCG nft
# takes up to a second to start, and "no element added" would pass unseen.
lab_monitor_begin() {
	lab_bg "$NS_GW" "$lab_tmp/monitor" nft monitor
	lab_wait_for 10 lab_monitor_hears
}
lab_monitor_hears() {
	lab_gw nft add table inet lab_monitor &&
		lab_gw nft delete table inet lab_monitor &&
		grep -q '^add table inet lab_monitor' "$lab_tmp/monitor"
}

# lab_monitor_mark / lab_monitor_count: the pinhole element events nft
# monitor printed between the two: added in $adds (an exclusive add,
# voipfwd's, is "create element"), deleted in $dels, and in $lost those
# it could not print.  nft 1.0.6's monitor forgets the sets of table inet
# voipfw once a script declares that table again (as every compiled
# policy does): after that it reports element events only as "W: Received
# event for an unknown set" or "W: Unable to cache set_elem".
lab_monitor_mark() { lab_mon0=$(wc -l <"$lab_tmp/monitor"); }
lab_monitor_count() {
	sleep 0.3
	tail -n +$((lab_mon0 + 1)) "$lab_tmp/monitor" >"$lab_tmp/monitor.part"
	adds=$(grep -c -E '^(add|create) element inet voipfw pinhole' "$lab_tmp/monitor.part")
	dels=$(grep -c '^delete element inet voipfw pinhole' "$lab_tmp/monitor.part")
	lost=$(grep -c -e 'event for an unknown set' -e 'cache set_elem' "$lab_tmp/monitor.part")
}

# lab_sipp NS NAME SIPP-ARGS...: SIPp in the background in NS, in the
# temporary directory (scenarios, rtp.pcap, logs); its pid in $lab_last.
# It gives up after $LAB_SIPP_TIMEOUT seconds (default 60).
# Logs: $lab_tmp/NAME.out (screens, exit line), NAME errors log.
lab_sipp() {
	n=$1 name=$2
	shift 2
	( cd "$lab_tmp" && exec ip netns exec "$n" sipp -nostdin -trace_err \
		-error_file "$lab_tmp/$name.err" -timeout "${LAB_SIPP_TIMEOUT:-60}" -timeout_error \
		"$@" ) >"$lab_tmp/$name.out" 2>&1 &
	lab_last=$!
	lab_pids="$lab_pids $lab_last"
}

# lab_reap PID [SECONDS]: wait up to SECONDS (default 30) for PID; its
# exit status (124 if it had to be killed).
lab_reap() {
	i=0
	lim=$((${2:-30} * 20))
	while kill -0 "$1" 2>/dev/null && [ $i -lt $lim ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		kill "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		return 124
	fi
	wait "$1"
}

# lab_sent_at MSGFILE START: when SIPp (-trace_msg -message_file MSGFILE)
# first sent a message whose first line begins with START, in
# nanoseconds since the epoch; empty if it never did.
lab_sent_at() {
	ts=$(awk -v m="$2" '
		/^-+ [0-9][0-9][0-9][0-9]-/ { ts = $2 " " $3; sent = 0; next }
		/ message sent / { sent = 1; next }
		sent && NF { if (index($0, m) == 1) { print ts; exit } sent = 0 }
	' "$1" 2>/dev/null)
	[ -n "$ts" ] && date -d "$ts" +%s%N
}

# lab_no_pinholes: voipfwctl answers and lists no pinhole (0), else 1
lab_no_pinholes() { _ph=$(lab_pinholes) && [ -z "$_ph" ]; }

# lab_prepare: scenarios and the RTP capture (SECONDS, default 4) into
# the temporary directory, where SIPp runs.
lab_prepare() {
	cp "$lab_sipp_dir"/*.xml "$lab_tmp"/ &&
	python3 "$top/test/net/mkrtp.py" "$lab_tmp/rtp.pcap" "${1:-4}"
}

lab_cleanup() {
	for p in $lab_pids; do
		kill "$p" 2>/dev/null
	done
	if [ -n "$lab_daemon" ]; then
		kill -CONT "$lab_daemon" 2>/dev/null
		kill "$lab_daemon" 2>/dev/null
	fi
	wait 2>/dev/null
	for n in "$NS_PHONE" "$NS_GW" "$NS_PBX" "$NS_OUT"; do
		ip netns del "$n" 2>/dev/null
	done
	[ -n "${LAB_KEEP:-}" ] || rm -rf "$lab_tmp"
}
