#!/usr/bin/env python3
# udptool.py - the small UDP ends of the lab and of test/net/e2e.sh.
#
#   udptool.py recv OUT READY PORT...
#       listen on [::]:PORT (IPv4 and IPv6) for each PORT; append one line
#       "PORT SRC-ADDR LEN" per datagram to OUT; touch READY once bound
#   udptool.py sniff OUT READY IFACE
#       every UDP datagram that arrives on IFACE (an AF_PACKET socket: it
#       sees what reached the host even where SIPp holds the port), one
#       line "DPORT SRC-ADDR LEN MARK" in OUT, MARK "stray" for what
#       "send" below sent, else "-"; touch READY once bound
#   udptool.py wire OUT READY IFACE
#       every UDP datagram that leaves or arrives on IFACE (first fragments
#       only), one line "NS DIR SRC DST SPORT DPORT TOS ID" in OUT: NS
#       the kernel's timestamp of the frame (SO_TIMESTAMPNS, CLOCK_REALTIME
#       in nanoseconds, as date +%s%N), DIR in or out, TOS the IPv4 TOS or
#       IPv6 traffic class byte in hex (DSCP << 2 | ECN: ef is b8, cs3 60),
#       ID the payload's first 8 bytes in hex (RTP: version, type,
#       sequence number, timestamp), "-" when shorter; what a far side
#       sees on the wire, and when (the same datagram by its ID on both
#       sides of a gw gives its time through it)
#   udptool.py send SRC DST PORT COUNT [GAP_MS [FIRST_BYTE]]
#       COUNT datagrams of 172 bytes from SRC (any port) to DST:PORT,
#       GAP_MS apart (default 0); FIRST_BYTE in hex, default 80: RTP
#       version 2, payload type 0, as the pinhole rules require; SSRC
#       "stry", the mark sniff looks for
#   udptool.py options SRC DST [PORT [TAG [COUNT [USER-AGENT]]]]
#       COUNT (default 1) SIP OPTIONS requests from SRC (any port) to
#       DST:PORT (default 5060), valid under voipfwd's default policy;
#       with a User-Agent header if given
import os
import select
import socket
import struct
import sys
import time


SO_RCVBUFFORCE = 33


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def recv(out_path, ready_path, ports):
    socks = {}
    for p in ports:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # bursts (a queue of 1024 released at once) must not overflow it
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
        s.bind(("::", int(p)))
        socks[s] = p
    out = open(out_path, "a", buffering=1)
    open(ready_path, "w").close()
    while True:
        for s in select.select(list(socks), [], [])[0]:
            data, addr = s.recvfrom(65535)
            src = addr[0]
            if src.startswith("::ffff:"):
                src = src[7:]
            out.write("%s %s %d\n" % (socks[s], src, len(data)))


MARK = b"stry"


def sniff(out_path, ready_path, iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
    s.bind((iface, 0))
    out = open(out_path, "a", buffering=1)
    open(ready_path, "w").close()
    while True:
        frame, addr = s.recvfrom(65535)
        if addr[2] == socket.PACKET_OUTGOING or len(frame) < 14:
            continue
        etype = struct.unpack("!H", frame[12:14])[0]
        ip = frame[14:]
        if etype == 0x0800 and len(ip) >= 20 and ip[9] == 17:
            if struct.unpack("!H", ip[6:8])[0] & 0x1FFF:
                continue            # not the first fragment
            src = socket.inet_ntop(socket.AF_INET, ip[12:16])
            udp = ip[(ip[0] & 0x0F) * 4:]
        elif etype == 0x86DD and len(ip) >= 40 and ip[6] == 17:
            src = socket.inet_ntop(socket.AF_INET6, ip[8:24])
            udp = ip[40:]
        else:
            continue
        if len(udp) < 8:
            continue
        dport, ulen = struct.unpack("!H", udp[2:4])[0], struct.unpack("!H", udp[4:6])[0]
        mark = "stray" if udp[16:20] == MARK else "-"
        out.write("%d %s %d %s\n" % (dport, src, ulen - 8, mark))


SO_TIMESTAMPNS = 35


def udp_of(frame):
    """(src, dst, sport, dport, tos, id) of an Ethernet frame holding UDP, or None"""
    if len(frame) < 14:
        return None
    etype = struct.unpack("!H", frame[12:14])[0]
    ip = frame[14:]
    if etype == 0x0800 and len(ip) >= 20 and ip[9] == 17:
        if struct.unpack("!H", ip[6:8])[0] & 0x1FFF:
            return None             # not the first fragment
        fam, src, dst, tos = socket.AF_INET, ip[12:16], ip[16:20], ip[1]
        udp = ip[(ip[0] & 0x0F) * 4:]
    elif etype == 0x86DD and len(ip) >= 40 and ip[6] == 17:
        fam, src, dst = socket.AF_INET6, ip[8:24], ip[24:40]
        tos = (struct.unpack("!H", ip[0:2])[0] >> 4) & 0xFF
        udp = ip[40:]
    else:
        return None
    if len(udp) < 8:
        return None
    sport, dport = struct.unpack("!HH", udp[0:4])
    ident = udp[8:16].hex() if len(udp) >= 16 else "-"
    return (socket.inet_ntop(fam, src), socket.inet_ntop(fam, dst), sport, dport, tos, ident)


def wire(out_path, ready_path, iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind((iface, 0))
    out = open(out_path, "a", buffering=1)
    open(ready_path, "w").close()
    while True:
        frame, anc, _, addr = s.recvmsg(65535, 64)
        u = udp_of(frame)
        if u is None:
            continue
        ns = time.time_ns()
        for lvl, typ, data in anc:
            if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS and len(data) >= 16:
                sec, nsec = struct.unpack("=qq", data[:16])
                ns = sec * 1000000000 + nsec
        d = "out" if addr[2] == socket.PACKET_OUTGOING else "in"
        out.write("%d %s %s %s %d %d %02x %s\n" % ((ns, d) + u))


def send(src, dst, port, count, gap_ms=0.0, first=0x80):
    s = socket.socket(family(dst), socket.SOCK_DGRAM)
    s.bind((src, 0))
    for i in range(count):
        hdr = struct.pack("!BBHI", first, 0, i & 0xFFFF, i * 160) + MARK
        s.sendto(hdr + b"\xff" * 160, (dst, port))
        if gap_ms:
            time.sleep(gap_ms / 1000.0)


def options(src, dst, port=5060, tag="probe", count=1, ua=None):
    h = lambda a: "[%s]" % a if ":" in a else a
    s = socket.socket(family(dst), socket.SOCK_DGRAM)
    s.bind((src, 0))
    lport = s.getsockname()[1]
    msg = "\r\n".join([
        "OPTIONS sip:%s:%d SIP/2.0" % (h(dst), port),
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-%s-%d" % (h(src), lport, tag, os.getpid()),
        "Max-Forwards: 70",
        "From: <sip:probe@%s>;tag=%s" % (h(src), tag),
        "To: <sip:%s>" % h(dst),
        "Call-ID: %s-%d@%s" % (tag, os.getpid(), h(src)),
        "CSeq: 1 OPTIONS",
        "Contact: <sip:probe@%s:%d>" % (h(src), lport)] +
        (["User-Agent: %s" % ua] if ua else []) +
        ["Content-Length: 0", "", ""])
    for i in range(count):
        s.sendto(msg.encode(), (dst, port))


def main(argv):
    if len(argv) >= 4 and argv[1] == "recv":
        recv(argv[2], argv[3], argv[4:])
    elif len(argv) == 5 and argv[1] == "sniff":
        sniff(argv[2], argv[3], argv[4])
    elif len(argv) == 5 and argv[1] == "wire":
        wire(argv[2], argv[3], argv[4])
    elif len(argv) >= 6 and argv[1] == "send":
        send(argv[2], argv[3], int(argv[4]), int(argv[5]),
             float(argv[6]) if len(argv) > 6 else 0.0,
             int(argv[7], 16) if len(argv) > 7 else 0x80)
    elif len(argv) >= 4 and argv[1] == "options":
        options(argv[2], argv[3], int(argv[4]) if len(argv) > 4 else 5060,
                argv[5] if len(argv) > 5 else "probe",
                int(argv[6]) if len(argv) > 6 else 1,
                argv[7] if len(argv) > 7 else None)
    else:
        sys.exit("usage: udptool.py recv OUT READY PORT... | sniff OUT READY IFACE | "
                 "send SRC DST PORT COUNT [GAP_MS [FIRST_BYTE]] | "
                 "options SRC DST [PORT [TAG [COUNT [USER-AGENT]]]]")


if __name__ == "__main__":
    main(sys.argv)
