#!/usr/bin/env python3
# sipflood.py - SIP requests at a given rate, for test/vm/kmod.sh.
#
#   sipflood.py raw DST PORT SRCS COUNT RATE [METHOD [USER-AGENT]]
#       COUNT requests over a raw socket (IP_HDRINCL: the source addresses
#       are ours to choose, spoofed) from the addresses SRCS names, in
#       turn: "A.B.C.D" one address, "A.B.C.D+N" N consecutive addresses
#       from A.B.C.D; RATE per second in all (0: as fast as it goes);
#       COUNT 0: until killed
#   sipflood.py udp SRC DST PORT COUNT RATE [METHOD [USER-AGENT]]
#       the same over a plain UDP socket bound to SRC (IPv4 or IPv6)
#
# Prints "sent N seconds S" (S: from the first datagram to the last),
# also when stopped by SIGTERM.
import ipaddress
import signal
import socket
import struct
import sys
import time


def request(method, dst, port, src, n, ua):
    ua_line = f"User-Agent: {ua}\r\n" if ua else ""
    return (f"{method} sip:100@{dst}:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {src}:5060;branch=z9hG4bK-{n}\r\n"
            f"Max-Forwards: 70\r\n"
            f"From: <sip:flood@{src}>;tag={n}\r\n"
            f"To: <sip:100@{dst}>\r\n"
            f"Call-ID: {n}@{src}\r\n"
            f"CSeq: 1 {method}\r\n"
            f"{ua_line}"
            f"Content-Length: 0\r\n\r\n").encode()


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def packet(src, dst, port, payload):
    udp = struct.pack("!HHHH", 5060, port, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + udp


def sources(spec):
    if "+" in spec:
        a, n = spec.split("+")
        base = int(ipaddress.IPv4Address(a))
        return [str(ipaddress.IPv4Address(base + i)) for i in range(int(n))]
    return [spec]


def pace(sent, rate, t0):
    if rate:
        ahead = sent / rate - (time.monotonic() - t0)
        if ahead > 0.002:
            time.sleep(ahead)


def main():
    mode = sys.argv[1]
    if mode == "raw":
        dst, port, spec, count, rate = sys.argv[2], int(sys.argv[3]), sys.argv[4], \
            int(sys.argv[5]), float(sys.argv[6])
        rest = sys.argv[7:]
        srcs = sources(spec)
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    else:
        src, dst, port, count, rate = sys.argv[2], sys.argv[3], int(sys.argv[4]), \
            int(sys.argv[5]), float(sys.argv[6])
        rest = sys.argv[7:]
        fam = socket.AF_INET6 if ":" in src else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((src, 0))
    method = rest[0] if rest else "INVITE"
    ua = rest[1] if len(rest) > 1 else "kmodtest/1.0"
    # prebuilt: the sender's speed should not depend on formatting
    if mode == "raw":
        pkts = [packet(a, dst, port, request(method, dst, port, a, i, ua))
                for i, a in enumerate(srcs[:4096])]
    else:
        pkts = [request(method, dst, port, src, i, ua) for i in range(64)]
    state = {"sent": 0, "t0": time.monotonic(), "last": time.monotonic()}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while count == 0 or state["sent"] < count:
            n = state["sent"]
            if mode == "raw":
                if len(srcs) > len(pkts):
                    a = srcs[n % len(srcs)]
                    p = packet(a, dst, port, request(method, dst, port, a, n, ua))
                else:
                    p = pkts[n % len(pkts)]
                s.sendto(p, (dst, 0))
            else:
                s.sendto(pkts[n % len(pkts)], (dst, port))
            state["sent"] = n + 1
            state["last"] = time.monotonic()
            pace(n + 1, rate, state["t0"])
    finally:
        print(f"sent {state['sent']} seconds {state['last'] - state['t0']:.3f}",
              flush=True)


main()
