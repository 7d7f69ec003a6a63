#!/bin/sh
# test/net/apply.sh [BUILD] - voipfwctl apply, rollback, --confirm,
# confirm, show and diff against the running kernel, in throwaway
# network namespaces, with a temporary --state-dir.
#
# One namespace with voipfwd's table (build/net/nfttab_test install),
# one pinhole element and a foreign table: a config is applied (chains,
# state dir), a changed one replaces it (the first is previous.conf),
# voipfwd's chains, sets and the element survive; a broken config and
# configs the kernel refuses (no voipfwd table; a hand-made chain in the
# way) leave `nft -s list ruleset` byte for byte as it was; rollback
# restores the previous version's chains exactly, twice returns; diff
# shows an added rule and notices chains changed by hand; show lists
# the chains; a config with VLAN zones on a kernel without bridge
# filtering is refused naming the vlan statement and the missing
# module, nothing changed; a version without VLANs deletes voipfw's
# bridge table in its own transaction; --confirm 2 rolls back by itself, --confirm 5 + confirm
# keeps the policy and stops the watcher; an unconfirmed first apply
# removes the chains again; the watcher says what it did to syslog (a
# stand-in /dev/log in a private mount namespace).
#
# Needs root, ip netns and nft; exits 4 (skip) without.
# Last line: "apply: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd) || exit 2
bin=$build/net/nfttab_test
# VOIPFWCTL: another voipfwctl to test (the ASan build: test/run)
ctl=${VOIPFWCTL:-$build/voipfwctl}
case $ctl in /*) ;; *) ctl=$PWD/$ctl ;; esac
ns=voipfw-apply-$$
ns2=voipfw-apply-$$-b
tmp=$(mktemp -d)
st=$tmp/state
passed=0 failed=0

skip() {
	echo "apply: SKIP: $*"
	echo "apply: 0 passed, 0 failed"
	exit 4
}

# a watcher left by a failing test: ours, found by its pidfile only
kill_watcher() {
	[ -f "$1/confirm.pid" ] || return 0
	read -r pid _ <"$1/confirm.pid"
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = voipfw-confirm ] &&
		kill "$pid" 2>/dev/null
	return 0
}

cleanup() {
	for d in "$st" "$tmp/state2" "$tmp/state3"; do kill_watcher "$d"; done
	for n in "$ns" "$ns2"; do
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

. "$top/test/net/check.sh"
has() {	# description, file, pattern
	if grep -q -- "$3" "$2"; then ok "$1"; else
		fail "$1: no '$3' in:"; sed 's/^/    /' "$2"; fi
}

[ "$(id -u)" = 0 ] || skip "needs root"
for tool in ip nft; do
	command -v "$tool" >/dev/null 2>&1 || skip "no $tool"
done
[ -x "$bin" ] && [ -x "$ctl" ] || skip "build $bin and $ctl first (make all net-tools)"
ip netns add "$ns" || skip "cannot create a network namespace"

N() { ip netns exec "$ns" "$@"; }
ruleset() { N nft -s list ruleset 2>/dev/null; }
table() { N nft -s list table inet voipfw 2>/dev/null; }
# the policy chains as the kernel lists them, stateless: zones_forward,
# zones_qos and the zf_/zp_ chains under zones_forward, by name (the
# kernel lists chains in the order they were created)
chains() {
	table | awk -v OFS='\t' '/^\tchain / { on = $2 ~ /^(zones_(forward|qos)|z[fp]_)/; name = $2 }
		on { print name, NR, $0 } on && /^\t\}/ { on = 0 }' |
		sort -t "$(printf '\t')" -k1,1 -k2,2n | cut -f3-
}
# the names of the zf_/zp_ chains in the kernel, sorted, on one line
tree() {
	N nft list chains inet 2>/dev/null |
		sed -n 's/^\tchain \(z[fp]_[^ ]*\) {$/\1/p' | sort | tr '\n' ' '
}
# voipfwd's part of a listing: without the policy's chains
voipfwd_part() {
	awk '/^\tchain (zones_(forward|qos)|z[fp]_[^ ]*) \{/ { skip = 1 }
	     !skip { print }
	     skip && /^\t\}/ { skip = 0 }' "$1" | grep -v '^$'
}
# the watcher's name while it runs; "" once gone (a zombie is gone too:
# nothing may reap it in a container without an init)
running() {
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 0
	case $(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) in
	Z|X|"") ;;
	*) cat "/proc/$1/comm" 2>/dev/null ;;
	esac
}
# run voipfwctl in the namespace: exit status to $rc, output to out/err
ctl() {
	N "$ctl" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

conf=$tmp/voipfw.conf
cp "$top/test/policy/example.conf" "$tmp/v1.conf"
cp "$tmp/v1.conf" "$tmp/v2.conf"
echo 'allow data -> pbx: sip' >>"$tmp/v2.conf"
l2=$(wc -l <"$tmp/v2.conf")
cp "$tmp/v2.conf" "$tmp/v3.conf"
echo 'allow wan -> pbx: sip-tls' >>"$tmp/v3.conf"
l3=$(wc -l <"$tmp/v3.conf")

echo "--- without voipfwd's table the kernel refuses, nothing changes"
cp "$tmp/v1.conf" "$conf"
ruleset >"$tmp/r.0"
ctl apply --state-dir "$st" "$conf"
expect "refused: exit 1" "$rc" 1
has "refused: the message" "$tmp/err" "^voipfwctl apply: $conf: the kernel refused the ruleset:\$"
has "refused: nft's own error follows, with the line" "$tmp/err" "^$st/apply.nft:[0-9]*:[0-9]*-[0-9]*: Error: "
has "refused: and the line it is on" "$tmp/err" "ip daddr . udp dport @pinhole4 counter accept"
ruleset >"$tmp/r.1"
same "refused: ruleset byte for byte unchanged" "$tmp/r.0" "$tmp/r.1"
expect "refused: nothing saved" "$(ls "$st" 2>/dev/null | grep -c conf)" 0

N "$bin" --sip-ports 5060 --media 10000-20000 --timeout 30 install >/dev/null ||
	fail "voipfwd's table"
N nft add element inet voipfw pinhole4 '{ 192.0.2.7 . 10000 timeout 1h }'
N nft -f - <<'EOF2'
table inet other {
	chain check {
		type filter hook forward priority 0; policy accept;
		udp dport 10000 counter accept comment "someone else's"
	}
}
EOF2
table >"$tmp/t.0"
N nft -s list table inet other >"$tmp/other.0"

echo "--- apply, apply a changed config"
ctl apply --state-dir "$st" "$conf"
expect "apply v1: exit 0" "$rc" 0
has "apply v1: output" "$tmp/out" "^$conf: applied as version 1\$"
chains >"$tmp/c.1"
has "apply v1: zones_forward present" "$tmp/c.1" "chain zones_forward {"
has "apply v1: zones_qos present" "$tmp/c.1" "chain zones_qos {"
has "apply v1: rules from the file" "$tmp/c.1" 'comment "voipfw.conf:10"'
expect "state dir mode 0700" "$(stat -c %a "$st")" 700
same "applied.conf is the file" "$conf" "$st/applied.conf"
expect "no previous.conf yet" "$(ls "$st/previous.conf" 2>/dev/null)" ""
has "applied.info names the file" "$st/applied.info" "^file $conf\$"

cp "$tmp/v2.conf" "$conf"
ctl diff --state-dir "$st" "$conf"
expect "diff: exit 0" "$rc" 0
has "diff: header" "$tmp/out" "^--- applied $conf (version 1)\$"
has "diff: the added rule" "$tmp/out" "^+.*th dport.*comment \"voipfw.conf:$l2\""
expect "diff: only added lines" "$(grep -c '^-[^-]' "$tmp/out")" 0
has "diff: live chains as applied" "$tmp/out" "^live: as applied\$"

ctl apply --state-dir "$st" "$conf"
expect "apply v2: exit 0" "$rc" 0
has "apply v2: output" "$tmp/out" "^$conf: applied as version 2, previous version 1\$"
chains >"$tmp/c.2"
has "apply v2: the new rule" "$tmp/c.2" "comment \"voipfw.conf:$l2\""
expect "apply v2: one copy of the policy" \
	"$(grep -c 'chain zones_forward {' "$tmp/c.2")" 1
same "previous.conf is v1" "$tmp/v1.conf" "$st/previous.conf"
same "applied.conf is v2" "$tmp/v2.conf" "$st/applied.conf"
table >"$tmp/t.2"
voipfwd_part "$tmp/t.0" >"$tmp/v.0"
voipfwd_part "$tmp/t.2" >"$tmp/v.2"
same "voipfwd's chains, sets and pinhole as before" "$tmp/v.0" "$tmp/v.2"
expect "the pinhole element survives" \
	"$(grep -c '192.0.2.7 . 10000' "$tmp/t.2")" 1
N nft -s list table inet other >"$tmp/other.1"
same "foreign table untouched" "$tmp/other.0" "$tmp/other.1"

echo "--- a broken config changes nothing"
ruleset >"$tmp/r.2"
printf 'zone a { interface eth0 }\nallow a -> b: sip\n' >"$tmp/broken.conf"
ctl apply --state-dir "$st" "$tmp/broken.conf"
expect "broken: exit 1" "$rc" 1
has "broken: FILE:LINE:COL" "$tmp/err" "^$tmp/broken.conf:2:12: unknown zone 'b'"
ruleset >"$tmp/r.3"
same "broken: ruleset byte for byte unchanged" "$tmp/r.2" "$tmp/r.3"
same "broken: applied.conf unchanged" "$tmp/v2.conf" "$st/applied.conf"

echo "--- show"
ctl show --state-dir "$st"
expect "show: exit 0" "$rc" 0
has "show: applied version" "$tmp/out" "^applied $conf version 2 "
has "show: previous version" "$tmp/out" "^previous $conf version 1 "
has "show: zones_forward" "$tmp/out" "chain zones_forward {"
has "show: zones_qos" "$tmp/out" "chain zones_qos {"
has "show: with counters" "$tmp/out" "counter packets 0 bytes 0 accept"

echo "--- rollback"
ctl rollback --state-dir "$st"
expect "rollback: exit 0" "$rc" 0
has "rollback: output" "$tmp/out" "^rolled back to $conf (version 1), version 2 is previous\$"
chains >"$tmp/c.r1"
same "rollback: v1's chains exactly" "$tmp/c.1" "$tmp/c.r1"
same "rollback: applied.conf is v1" "$tmp/v1.conf" "$st/applied.conf"
same "rollback: previous.conf is v2" "$tmp/v2.conf" "$st/previous.conf"
ctl rollback --state-dir "$st"
expect "rollback twice: exit 0" "$rc" 0
chains >"$tmp/c.r2"
same "rollback twice: v2's chains again" "$tmp/c.2" "$tmp/c.r2"
same "rollback twice: applied.conf is v2" "$tmp/v2.conf" "$st/applied.conf"
table >"$tmp/t.3"
voipfwd_part "$tmp/t.3" >"$tmp/v.3"
same "rollback: voipfwd's part untouched" "$tmp/v.0" "$tmp/v.3"

echo "--- a chain in the way: the kernel refuses, nothing changes"
ip netns add "$ns2"
ip netns exec "$ns2" "$bin" --sip-ports 5060 --media 10000-20000 --timeout 30 install >/dev/null
# a regular chain of the policy's name cannot become a base chain
ip netns exec "$ns2" nft add chain inet voipfw zones_qos
ip netns exec "$ns2" nft -s list ruleset >"$tmp/r2.0" 2>/dev/null
ip netns exec "$ns2" "$ctl" apply --state-dir "$tmp/state-b" "$conf" >"$tmp/out" 2>"$tmp/err"
expect "chain in the way: exit 1" "$?" 1
has "chain in the way: the kernel's reason" "$tmp/err" "the kernel refused the ruleset:"
ip netns exec "$ns2" nft -s list ruleset >"$tmp/r2.1" 2>/dev/null
same "chain in the way: ruleset byte for byte unchanged" "$tmp/r2.0" "$tmp/r2.1"
ip netns del "$ns2"

echo "--- --confirm 2 without confirm rolls back by itself"
cp "$tmp/v3.conf" "$conf"
ctl apply --confirm 2 --state-dir "$st" "$conf"
expect "confirm 2: exit 0" "$rc" 0
has "confirm 2: says so" "$tmp/out" "rolls back in 2 s unless"
start=$(date +%s)
chains >"$tmp/c.3"
has "confirm 2: v3 applied meanwhile" "$tmp/c.3" "comment \"voipfw.conf:$l3\""
wpid=$(awk '{ print $1 }' "$st/confirm.pid" 2>/dev/null)
expect "confirm 2: the watcher runs" "$(running "$wpid")" voipfw-confirm
expect "confirm 2: the watcher has no terminal" \
	"$(awk '{ print $7 }' "/proc/$wpid/stat" 2>/dev/null)" 0
ctl apply --state-dir "$st" "$tmp/v1.conf"
expect "pending: a second apply is refused" "$rc" 1
has "pending: the reason" "$tmp/err" "waits for confirmation"
ctl rollback --state-dir "$st"
expect "pending: rollback is refused" "$rc" 1
ctl show --state-dir "$st"
has "pending: show says so" "$tmp/out" "^confirm pending, watcher $wpid"
i=0
while [ $i -lt 60 ]; do
	chains >"$tmp/c.w"
	cmp -s "$tmp/c.w" "$tmp/c.2" && [ ! -e "$st/confirm.pid" ] && break
	sleep 0.1
	i=$((i + 1))
done
elapsed=$(($(date +%s) - start))
same "confirm 2: back to v2's chains" "$tmp/c.2" "$tmp/c.w"
if [ "$elapsed" -le 4 ]; then ok "confirm 2: within 4 s ($elapsed s)"; else
	fail "confirm 2: took $elapsed s"; fi
expect "confirm 2: pidfile gone" "$(ls "$st/confirm.pid" 2>/dev/null)" ""
same "confirm 2: applied.conf is v2 again" "$tmp/v2.conf" "$st/applied.conf"
same "confirm 2: previous.conf is the unconfirmed v3" "$tmp/v3.conf" "$st/previous.conf"
sleep 0.3
expect "confirm 2: the watcher is gone" "$(running "$wpid")" ""
ctl confirm --state-dir "$st"
expect "confirm after the rollback: nothing to confirm" "$rc" 1

echo "--- --confirm 5 and confirm keeps it"
ctl apply --confirm 5 --state-dir "$st" "$conf"
expect "confirm 5: exit 0" "$rc" 0
wpid=$(awk '{ print $1 }' "$st/confirm.pid" 2>/dev/null)
ctl confirm --state-dir "$st"
expect "confirm: exit 0" "$rc" 0
has "confirm: what was confirmed" "$tmp/out" "^confirmed $conf (version [0-9]*), watcher $wpid stopped\$"
expect "confirm: the watcher is gone" "$(running "$wpid")" ""
expect "confirm: pidfile gone" "$(ls "$st/confirm.pid" 2>/dev/null)" ""
sleep 5.5
chains >"$tmp/c.k"
same "confirm: v3 still applied after the deadline" "$tmp/c.3" "$tmp/c.k"
same "confirm: applied.conf is v3" "$tmp/v3.conf" "$st/applied.conf"

echo "--- an unconfirmed first apply removes the policy"
mkdir "$tmp/d1"
cp "$tmp/v1.conf" "$tmp/d1/voipfw.conf"
# a relative --state-dir: the watcher works from "/", the path must not
cd "$tmp" || exit 1
ctl apply --confirm 1 --state-dir state2 "$tmp/d1/voipfw.conf"
cd "$top" || exit 1
expect "first apply --confirm 1 (relative --state-dir): exit 0" "$rc" 0
i=0
while [ $i -lt 50 ]; do
	[ -z "$(chains)" ] && [ ! -e "$tmp/state2/confirm.pid" ] && break
	sleep 0.1
	i=$((i + 1))
done
expect "no previous: the chains are removed" "$(chains)" ""
table >"$tmp/t.4"
voipfwd_part "$tmp/t.4" >"$tmp/v.4"
same "no previous: voipfwd's part untouched" "$tmp/v.0" "$tmp/v.4"
expect "no previous: nothing applied" "$(ls "$tmp/state2/applied.conf" 2>/dev/null)" ""
same "no previous: the version is previous" "$tmp/v1.conf" "$tmp/state2/previous.conf"
ctl rollback --state-dir "$tmp/state2"
expect "and rollback brings it back" "$rc" 0
chains >"$tmp/c.5"
same "with v1's chains" "$tmp/c.1" "$tmp/c.5"

echo "--- the watcher logs to syslog"
# a private mount namespace with a /dev of its own, where a datagram
# socket stands in for syslog's /dev/log; the host's /dev is not touched
if command -v unshare >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
	cat >"$tmp/logtest.sh" <<EOF2
mount -t tmpfs tmpfs /dev && mknod -m 666 /dev/null c 1 3 || exit 3
python3 -c '
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
open("$tmp/log.ready", "w").close()
s.settimeout(4)
try:
    while True:
        print(s.recv(4096).decode(errors="replace"), flush=True)
except socket.timeout:
    pass
' >"$tmp/syslog" &
i=0
while [ ! -e "$tmp/log.ready" ] && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done
ip netns exec "$ns" "$ctl" apply --confirm 1 --state-dir "$tmp/state3" "$tmp/d1/voipfw.conf" >/dev/null
wait
EOF2
	unshare -m sh "$tmp/logtest.sh"
	if [ $? -eq 3 ]; then
		echo "skip: no private /dev (unshare -m)"
	else
		has "syslog: the watcher says it waits" "$tmp/syslog" \
			"voipfwctl\[[0-9]*\]: $tmp/d1/voipfw.conf version 1 applied: rolls back in 1 s"
		has "syslog: and that it rolled back" "$tmp/syslog" \
			"not confirmed within 1 s: rolled back"
		has "syslog: and what it did" "$tmp/syslog" \
			"removed the policy chains: no version before"
		expect "syslog: the chains are gone" "$(chains)" ""
	fi
else
	echo "skip: no unshare or python3 for the syslog check"
fi

echo "--- VLAN zones: the bridge table"
vconf=$tmp/vlan.conf
cp "$top/test/policy/vlan.conf" "$vconf"
# voipfw's bridge table left by an earlier version (made by hand here:
# this part needs no bridge filtering in the kernel)
N nft add table bridge voipfw
N nft add chain bridge voipfw zones_bridge
if N nft -c -f - 2>/dev/null <<'EOF2'
table bridge voipfw_probe {
	chain c {
		type filter hook forward priority filter; policy accept;
		meta ibrname "x" ct state established accept
	}
}
EOF2
then
	echo "skip: this kernel filters bridged VLANs (test/net/vlan.sh tests that)"
else
	ruleset >"$tmp/r.v0"
	ctl apply --state-dir "$tmp/state4" "$vconf"
	expect "no bridge filtering: apply refused, exit 1" "$rc" 1
	# the vlan statement's FILE:LINE:COL, and the missing module
	has "no bridge filtering: names the vlan statement and what is missing" "$tmp/err" \
		"^voipfwctl apply: $vconf:3:14: zone voice: vlan 20 on br0: this kernel cannot filter bridged VLANs: no nft_meta_bridge"
	ruleset >"$tmp/r.v1"
	same "no bridge filtering: ruleset byte for byte unchanged" "$tmp/r.v0" "$tmp/r.v1"
	expect "no bridge filtering: nothing saved" "$(ls "$tmp/state4" 2>/dev/null | grep -c conf)" 0
fi
ctl apply --state-dir "$tmp/state4" "$conf"
expect "a version without VLANs: applied" "$rc" 0
expect "and voipfw's bridge table is gone with it" \
	"$(N nft list table bridge voipfw 2>/dev/null)" ""
grep -q "^delete table bridge voipfw" "$tmp/state4/apply.nft" &&
	ok "in the same transaction (apply.nft)" ||
	fail "no delete of the bridge table in apply.nft"
N nft add table bridge voipfw
ctl apply --state-dir "$tmp/state4" "$conf"
expect "applied again" "$rc" 0
grep -q "^delete table bridge voipfw" "$tmp/state4/apply.nft" &&
	ok "bridge table there: deleted in the transaction" ||
	fail "no delete of the bridge table in apply.nft"
ctl apply --state-dir "$tmp/state4" "$conf"
grep -q "bridge" "$tmp/state4/apply.nft" &&
	fail "no bridge table: apply.nft mentions one" ||
	ok "no bridge table: the script is the compiled one"

echo "--- diff notices a hand edit"
ctl apply --state-dir "$st" "$conf"
N nft insert rule inet voipfw zones_forward counter drop comment '"by hand"'
ctl diff --state-dir "$st" "$conf"
expect "hand edit: diff exit 0" "$rc" 0
has "hand edit: no change to the file" "$tmp/out" "^no changes: $conf compiles to the applied version"
has "hand edit: said clearly" "$tmp/out" "^live: differ from applied.conf (changed by hand?)\$"
has "hand edit: the rule shown" "$tmp/out" '^+.*comment "by hand"'

echo "--- fewer zones, a zone renamed: the chains the new version lacks go"
s5=$tmp/state5
ctl apply --state-dir "$s5" "$conf"
expect "example: applied" "$rc" 0
t1=$(tree)
expect "example: a zf_ chain per zone, a zp_ chain per pair (policy drop)" \
	"$(echo "$t1" | wc -w)" 20
cat >"$tmp/small.conf" <<'EOF2'
# voice renamed phones; data and wan gone
zone phones { interface eth0.20; subnet 10.0.20.0/24 }
zone pbx    { interface eth0.10; subnet 10.0.10.5 }
allow phones -> pbx: sip
policy accept
EOF2
ctl apply --state-dir "$s5" "$tmp/small.conf"
expect "smaller: applied" "$rc" 0
expect "smaller: only its own chains are left" "$(tree)" "zf_phones zp_phones.pbx "
has "smaller: a stale chain deleted in the same transaction" "$s5/apply.nft" \
	"^delete chain inet voipfw zp_voice.pbx\$"
last_flush=$(grep -n '^flush chain' "$s5/apply.nft" | tail -n 1 | cut -d: -f1)
first_delete=$(grep -n '^delete chain' "$s5/apply.nft" | head -n 1 | cut -d: -f1)
expect "smaller: every chain flushed before the first delete" \
	"$([ "$last_flush" -lt "$first_delete" ] && echo yes)" yes
table >"$tmp/t.6"
voipfwd_part "$tmp/t.6" >"$tmp/v.6"
same "smaller: voipfwd's chains, sets and pinhole as before" "$tmp/v.0" "$tmp/v.6"
N nft list table inet other >/dev/null 2>&1 && ok "smaller: foreign table still there" ||
	fail "smaller: foreign table gone"
ctl show --state-dir "$s5"
has "smaller: show lists the pair's chain" "$tmp/out" "chain zp_phones.pbx {"
has "smaller: show lists zf_phones" "$tmp/out" "chain zf_phones {"
expect "smaller: show lists no stale chain" "$(grep -c 'chain z[fp]_voice' "$tmp/out")" 0
ctl diff --state-dir "$s5" "$tmp/small.conf"
has "smaller: live as applied" "$tmp/out" "^live: as applied\$"
ctl rollback --state-dir "$s5"
expect "rollback to the larger version" "$rc" 0
expect "rollback: the example's chains again, none of the smaller one" "$(tree)" "$t1"
ctl apply --state-dir "$s5" "$tmp/small.conf"
expect "apply the smaller one again" "$rc" 0
ctl apply --state-dir "$s5" "$tmp/small.conf"
grep -q '^delete chain' "$s5/apply.nft" &&
	fail "same version again: apply.nft deletes a chain" ||
	ok "same version again: nothing stale, nothing deleted"

echo "apply: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
