#!/usr/bin/env python3
# test/net/vlanprobe.py CONF GW_NS ENDPOINTS... - the probes of
# test/net/vlan.sh, all from this one process (process starts are dear
# under TCG): it enters each namespace with setns(2) to open its sockets
# there, sends every probe at once and waits for them together.
#
# ENDPOINT: NAME,NETNS,ADDR,PART,VLAN,ZONE[+ZONE...]  (PART routed or
# bridged; VLAN the 802.1Q tag the endpoint's frames carry; ZONEs the zones
# a packet from or to it is in, by the topology vlan.sh built).
#
# The expected verdicts are not written down here: they are read from
# CONF (voipfw.conf(5): its rules in file order, first match, then the
# policy), for every pair of endpoints of one part (bridged: of one VLAN,
# the only frames a bridge forwards) and every port of the services the
# rules name.  Then, per probe: delivered or not as the matrix says; an
# allowed one's reply (UDP echo, TCP handshake) came back through
# conntrack; and in GW_NS the counter of the line that decided it (rule
# comment FILE:LINE, or the policy line) moved, in the chains of its part
# (inet zones_forward and the zf_/zp_ chains under it, or bridge
# zones_bridge).  One "ok: ..." or
# "FAIL: ..." line per check.
import ctypes
import errno
import os
import re
import select
import socket
import subprocess
import sys
import time

CLONE_NEWNET = 0x40000000
# voipfw.conf(5) built-in services, the ones a probe can be sent to
BUILTIN = {
    "sip": [("udp", 5060), ("tcp", 5060)], "sip-tls": [("tcp", 5061)],
    "tftp": [("udp", 69)], "http": [("tcp", 80)], "https": [("tcp", 443)],
    "dns": [("udp", 53), ("tcp", 53)], "ntp": [("udp", 123)],
    "ldap": [("tcp", 389)], "ldaps": [("tcp", 636)],
    "syslog": [("udp", 514)], "snmp": [("udp", 161)],
}
WAIT = float(os.environ.get("VLAN_PROBE_WAIT", "4"))

libc = ctypes.CDLL(None, use_errno=True)


def enter(ns):
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET):
            e = ctypes.get_errno()
            raise OSError(e, "setns %s: %s" % (ns, os.strerror(e)))
    finally:
        os.close(fd)


def parse(conf):
    rules, policy = [], "drop"
    base = os.path.basename(conf)
    for n, line in enumerate(open(conf), 1):
        line = line.split("#")[0].strip()
        m = re.match(r"(allow|deny)\s+(\S+)\s*->\s*([^:\s]+)\s*(?::\s*(.*))?$",
                     line)
        if m:
            svc = None
            if m.group(4):
                svc = set()
                for s in m.group(4).split(","):
                    s = s.strip()
                    if s not in BUILTIN:
                        sys.exit("vlanprobe: %s:%d: service %s: only "
                                 "built-in port services" % (conf, n, s))
                    svc |= set(BUILTIN[s])
            rules.append((n, m.group(1) == "allow", m.group(2), m.group(3),
                          svc))
        m = re.match(r"policy\s+(accept|drop)\b", line)
        if m:
            policy = m.group(1)
    return base, rules, policy


def decide(pol, fz, tz, proto, port):
    """(accept?, comment of the deciding line or None: no zone on a side)"""
    base, rules, policy = pol
    for n, allow, f, t, svc in rules:
        if (f == "any" or f in fz) and (t == "any" or t in tz) and \
           (svc is None or (proto, port) in svc):
            return allow, "%s:%d" % (base, n)
    if fz and tz:
        return policy == "accept", "%s: policy %s%s" % (
            base, policy, " (default)" if policy == "drop" else "")
    return True, None


def main():
    conf, gw = sys.argv[1:3]
    eps = []
    for a in sys.argv[3:]:
        name, ns, addr, part, vlan, zones = a.split(",")
        eps.append(dict(name=name, ns=ns, addr=addr, part=part, vlan=vlan,
                        zones=set(zones.split("+"))))
    pol = parse(conf)
    ports = sorted({p for r in pol[1] if r[4] for p in r[4]})
    pairs = [(a, b) for a in eps for b in eps
             if a is not b and a["part"] == b["part"] and
             (a["part"] == "routed" or a["vlan"] == b["vlan"])]

    # listeners: every endpoint, every probed port
    lsn = {}
    for e in eps:
        enter(e["ns"])
        for proto, port in ports:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if proto ==
                              "udp" else socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((e["addr"], port))
            if proto == "tcp":
                s.listen(64)
            s.setblocking(False)
            lsn[s] = (e, proto, port)
    # probes: one socket each, sent at once
    probes = []
    for a, b in pairs:
        enter(a["ns"])
        for proto, port in ports:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if proto ==
                              "udp" else socket.SOCK_STREAM)
            s.bind((a["addr"], 0))
            s.setblocking(False)
            p = dict(src=a, dst=b, proto=proto, port=port, sock=s,
                     sport=s.getsockname()[1], got=False, reply=False)
            p["id"] = "%d" % len(probes)
            if proto == "udp":
                s.sendto(p["id"].encode(), (b["addr"], port))
            else:
                err = s.connect_ex((b["addr"], port))
                if err not in (0, errno.EINPROGRESS):
                    p["err"] = os.strerror(err)
            probes.append(p)
    byid = {p["id"]: p for p in probes}
    byport = {}
    for p in probes:
        byport[(p["src"]["addr"], p["sport"], p["proto"])] = p
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        rd = list(lsn) + [p["sock"] for p in probes if p["proto"] == "udp"]
        wr = [p["sock"] for p in probes if p["proto"] == "tcp" and
              not p["reply"] and "err" not in p]
        r, w, _ = select.select(rd, wr, [], max(0, deadline - time.monotonic()))
        for s in r:
            if s in lsn and lsn[s][1] == "udp":
                data, src = s.recvfrom(100)
                p = byid.get(data.decode(errors="replace"))
                if p:
                    p["got"] = True
                    s.sendto(data, src)	# the reply: back via conntrack
            elif s in lsn:
                c, src = s.accept()
                p = byport.get((src[0], src[1], "tcp"))
                if p:
                    p["got"] = True
                c.close()
            else:
                s.recv(100)
                for p in probes:
                    if p["sock"] is s:
                        p["reply"] = True
        for s in w:
            for p in probes:
                if p["sock"] is s:
                    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err:
                        p["err"] = os.strerror(err)
                    else:
                        p["reply"] = True	# SYN-ACK came back
    # the counters of the lines, per chain, in gw
    enter(gw)
    counters = {}
    # routed: zones_forward and the zf_/zp_ chains under it (policy_nft.h)
    for part, what, chains in (
            ("routed", "table inet voipfw", r"zones_forward|z[fp]_\S+"),
            ("bridged", "chain bridge voipfw zones_bridge", r"zones_bridge")):
        out = subprocess.run(["nft", "list"] + what.split(),
                             capture_output=True, text=True).stdout
        c = counters[part] = {}
        on = False
        for ln in out.splitlines():
            m = re.match(r"\tchain (\S+) \{", ln)
            if m:
                on = re.fullmatch(chains, m.group(1)) is not None
                continue
            m = re.search(r'counter packets (\d+) .*comment "([^"]*)"', ln)
            if on and m:
                c[m.group(2)] = c.get(m.group(2), 0) + int(m.group(1))

    decided = {}
    for p in probes:
        a, b = p["src"], p["dst"]
        allow, line = decide(pol, a["zones"], b["zones"], p["proto"], p["port"])
        # the reply's own cell: dropped there unless conntrack passes it
        rallow, _ = decide(pol, b["zones"], a["zones"], p["proto"], p["sport"])
        desc = "%s %s(%s) -> %s(%s) %s/%d: %s by %s" % (
            a["part"], "+".join(sorted(a["zones"])), a["name"],
            "+".join(sorted(b["zones"])), b["name"], p["proto"], p["port"],
            "accept" if allow else "drop", line)
        if p["got"] != allow:
            print("FAIL: %s: %s" % (desc, "delivered" if p["got"] else
                                    "not delivered" + (" (%s)" % p["err"]
                                                       if "err" in p else "")))
            continue
        if allow and not p["reply"]:
            print("FAIL: %s: delivered, but no reply came back" % desc)
            continue
        if allow:
            how = ", reply back" + ("" if rallow else
                                    " through conntrack (its own cell drops)")
        else:
            how = ", not delivered"
        print("ok: %s%s" % (desc, how))
        if line:
            decided.setdefault((a["part"], line), []).append(desc)
    for (part, line), descs in sorted(decided.items()):
        n = counters[part].get(line, 0)
        if n > 0:
            print("ok: %s chain: line \"%s\" counted %d packets" % (
                part, line, n))
        else:
            print("FAIL: %s chain: line \"%s\" counted nothing, yet it "
                  "decided %d probes" % (part, line, len(descs)))
    print("probes: %d" % len(probes))


if __name__ == "__main__":
    main()
