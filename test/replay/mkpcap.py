#!/usr/bin/env python3
# mkpcap.py OUT_DIR - write the captures the replay tests use: SIP call
# flows with real RTP, built packet by packet (Ethernet/IPv4|IPv6/UDP, and
# IPv4/TCP for SIP over TCP) so every byte is known.  No third-party modules.
import os
import socket
import struct
import sys

CRLF = "\r\n"


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def udp_packet(src, sport, dst, dport, payload):
    v6 = ":" in src
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    s, d = socket.inet_pton(fam, src), socket.inet_pton(fam, dst)
    ulen = 8 + len(payload)
    if v6:
        pseudo = s + d + struct.pack("!I3xB", ulen, 17)
    else:
        pseudo = s + d + struct.pack("!xBH", 17, ulen)
    hdr = struct.pack("!HHHH", sport, dport, ulen, 0)
    c = csum(pseudo + hdr + payload) or 0xFFFF
    udp = struct.pack("!HHHH", sport, dport, ulen, c) + payload
    if v6:
        ip = struct.pack("!IHBB", 6 << 28, len(udp), 17, 64) + s + d
        eth_type = 0x86DD
    else:
        ip = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0) + s + d
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        eth_type = 0x0800
    eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + struct.pack("!H", eth_type)
    return eth + ip + udp


TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def tcp_packet(src, sport, dst, dport, seq, ack, flags, payload=b""):
    """An IPv4 TCP segment with correct checksums; 20-byte header."""
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    tlen = 20 + len(payload)
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      5 << 4, flags, 65535, 0, 0)
    c = csum(s + d + struct.pack("!xBH", 6, tlen) + hdr + payload)
    tcp = hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload
    ip = struct.pack("!BBHHHBBH", 0x45, 0, 20 + tlen, 0, 0x4000, 64, 6, 0) + s + d
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + struct.pack("!H", 0x0800)
    return eth + ip + tcp


class TcpConn:
    """One TCP connection between a client and a server, both directions'
    sequence numbers kept so every segment is what a real stack sends."""

    def __init__(self, pc, client, cport, server, sport, isn_c, isn_s):
        self.pc = pc
        self.ends = {"c": (client, cport), "s": (server, sport)}
        self.nxt = {"c": isn_c, "s": isn_s}

    def segment(self, side, flags, payload=b"", seq=None):
        """Send from side ("c" or "s"); seq given = a retransmission."""
        other = "s" if side == "c" else "c"
        (src, sp), (dst, dp) = self.ends[side], self.ends[other]
        ack = self.nxt[other] if flags & TCP_ACK else 0
        first = self.nxt[side] if seq is None else seq
        self.pc.add(tcp_packet(src, sp, dst, dp, first, ack, flags, payload))
        if seq is None:
            self.nxt[side] += len(payload) + (1 if flags & (TCP_SYN | TCP_FIN) else 0)
        return first

    def handshake(self):
        self.segment("c", TCP_SYN)
        self.segment("s", TCP_SYN | TCP_ACK)
        self.segment("c", TCP_ACK)

    def send(self, side, payload):
        return self.segment(side, TCP_PSH | TCP_ACK, payload)

    def ack(self, side):
        self.segment(side, TCP_ACK)

    def close(self):
        self.segment("c", TCP_FIN | TCP_ACK)
        self.segment("s", TCP_FIN | TCP_ACK)
        self.segment("c", TCP_ACK)


class Pcap:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        self.t = 1700000000.0

    def add(self, frame, dt=0.02):
        self.t += dt
        sec = int(self.t)
        usec = int(round((self.t - sec) * 1e6))
        self.f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame)

    def close(self):
        self.f.close()


def sdp(addr, port, extra=""):
    ipv = "IP6" if ":" in addr else "IP4"
    return CRLF.join(["v=0", "o=- 1 1 IN %s %s" % (ipv, addr), "s=-",
                      "c=IN %s %s" % (ipv, addr), "t=0 0",
                      "m=audio %d RTP/AVP 0 101" % port,
                      "a=rtpmap:0 PCMU/8000"] + ([extra] if extra else [])) + CRLF


def host(addr):
    """An address as a SIP host: IPv6 references in brackets (RFC 5118)."""
    return "[%s]" % addr if ":" in addr else addr


def sip(first, call, cseq, frm, to, via_host, body="", extra=(), transport="UDP"):
    via_host = host(via_host)
    hdrs = [first,
            "Via: SIP/2.0/%s %s:5060;branch=z9hG4bK%s%d" % (transport, via_host, call[:6],
                                                          cseq[0]),
            "Max-Forwards: 70",
            "From: <sip:1001@pbx.example.com>;tag=%s" % frm,
            "To: <sip:2001@pbx.example.com>%s" % (";tag=" + to if to else ""),
            "Call-ID: %s" % call,
            "CSeq: %d %s" % cseq,
            "Contact: <sip:x@%s:5060>" % via_host] + list(extra)
    if body:
        hdrs.append("Content-Type: application/sdp")
    hdrs.append("Content-Length: %d" % len(body.encode()))
    return (CRLF.join(hdrs) + CRLF + CRLF + body).encode()


def rtp(seq, version=2):
    return struct.pack("!BBHII", version << 6, 0, seq, seq * 160, 0x1234) + b"\xff" * 160


def call_flow(pc, caller, callee, call, cport=16000, eport=18000, rtp_n=5):
    """INVITE/100/180/200/ACK, RTP both ways, BYE/200."""
    a, b = caller, callee
    inv = sip("INVITE sip:2001@%s SIP/2.0" % host(b), call, (1, "INVITE"), "ft1", None, a,
              sdp(a, cport))
    pc.add(udp_packet(a, 5060, b, 5060, inv))
    for first in ("SIP/2.0 100 Trying", "SIP/2.0 180 Ringing"):
        pc.add(udp_packet(b, 5060, a, 5060, sip(first, call, (1, "INVITE"), "ft1",
                                                "tt2" if "180" in first else None, a)))
    pc.add(udp_packet(b, 5060, a, 5060, sip("SIP/2.0 200 OK", call, (1, "INVITE"), "ft1",
                                            "tt2", a, sdp(b, eport))))
    pc.add(udp_packet(a, 5060, b, 5060, sip("ACK sip:2001@%s SIP/2.0" % host(b), call,
                                            (1, "ACK"), "ft1", "tt2", a)))
    for i in range(rtp_n):
        pc.add(udp_packet(a, cport, b, eport, rtp(i)))
        pc.add(udp_packet(b, eport, a, cport, rtp(i)))


def bye(pc, a, b, call):
    pc.add(udp_packet(a, 5060, b, 5060, sip("BYE sip:2001@%s SIP/2.0" % host(b), call,
                                            (2, "BYE"), "ft1", "tt2", a)))
    pc.add(udp_packet(b, 5060, a, 5060, sip("SIP/2.0 200 OK", call, (2, "BYE"), "ft1",
                                            "tt2", a)))


def main(out):
    os.makedirs(out, exist_ok=True)
    a, b, evil = "10.0.1.10", "10.0.2.20", "203.0.113.9"

    # basic: 10 RTP pass; 3 stray packets dropped (wrong port, wrong
    # source, RTP version 1 counted as pass by port only? no: see test);
    # after BYE 2 RTP packets dropped.
    pc = Pcap(os.path.join(out, "basic-call.pcap"))
    call_flow(pc, a, b, "basic-1@10.0.1.10")
    pc.add(udp_packet(evil, 4000, a, 16002, rtp(1)))      # port not negotiated
    pc.add(udp_packet(evil, 4000, a, 16000, rtp(1)))      # right port, wrong peer
    bye(pc, a, b, "basic-1@10.0.1.10")
    pc.add(udp_packet(b, 18000, a, 16000, rtp(99)))       # after BYE
    pc.add(udp_packet(a, 16000, b, 18000, rtp(99)))
    pc.close()

    # hold: re-INVITE with a=sendonly from the caller; then resume
    pc = Pcap(os.path.join(out, "hold.pcap"))
    call = "hold-1@10.0.1.10"
    call_flow(pc, a, b, call, rtp_n=2)
    reinv = sip("INVITE sip:2001@%s SIP/2.0" % host(b), call, (3, "INVITE"), "ft1", "tt2", a,
                sdp(a, 16000, "a=sendonly"))
    pc.add(udp_packet(a, 5060, b, 5060, reinv))
    pc.add(udp_packet(b, 5060, a, 5060, sip("SIP/2.0 200 OK", call, (3, "INVITE"), "ft1",
                                            "tt2", a, sdp(b, 18000, "a=recvonly"))))
    pc.add(udp_packet(b, 18000, a, 16000, rtp(50)))       # caller on hold: dropped
    pc.add(udp_packet(a, 16000, b, 18000, rtp(50)))       # caller still sends: passes
    bye(pc, a, b, call)
    pc.close()

    # cancel and busy
    pc = Pcap(os.path.join(out, "cancel-busy.pcap"))
    call = "cancel-1@10.0.1.10"
    pc.add(udp_packet(a, 5060, b, 5060, sip("INVITE sip:2001@%s SIP/2.0" % host(b), call,
                                            (1, "INVITE"), "ft1", None, a, sdp(a, 16100))))
    pc.add(udp_packet(b, 5060, a, 5060, sip("SIP/2.0 183 Session Progress", call,
                                            (1, "INVITE"), "ft1", "tt2", a, sdp(b, 18100))))
    pc.add(udp_packet(b, 18100, a, 16100, rtp(1)))       # early media passes
    pc.add(udp_packet(a, 5060, b, 5060, sip("CANCEL sip:2001@%s SIP/2.0" % host(b), call,
                                            (1, "CANCEL"), "ft1", None, a)))
    pc.add(udp_packet(b, 18100, a, 16100, rtp(2)))       # after CANCEL: dropped
    call = "busy-1@10.0.1.10"
    pc.add(udp_packet(a, 5060, b, 5060, sip("INVITE sip:2001@%s SIP/2.0" % host(b), call,
                                            (1, "INVITE"), "ft1", None, a, sdp(a, 16200))))
    pc.add(udp_packet(b, 5060, a, 5060, sip("SIP/2.0 486 Busy Here", call,
                                            (1, "INVITE"), "ft1", "tt2", a)))
    pc.close()

    # IPv6 call, and a malformed INVITE from outside
    pc = Pcap(os.path.join(out, "ipv6-and-junk.pcap"))
    a6, b6 = "2001:db8:1::10", "2001:db8:2::20"
    call_flow(pc, a6, b6, "v6-1@2001:db8:1::10", rtp_n=3)
    bye(pc, a6, b6, "v6-1@2001:db8:1::10")
    junk = b"INVITE sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4;;,;,,\r\n\r\n"
    pc.add(udp_packet(evil, 5060, b, 5060, junk))
    pc.close()

    # SIP over TCP, the whole call on one connection from the caller's
    # port 40000 to the callee's 5060 (sequence numbers absolute, as the
    # output prints them: caller from 1000, callee from 5000)
    pc = Pcap(os.path.join(out, "tcp-call.pcap"))
    call = "tcp-1@10.0.1.10"

    def tsip(first, cseq, to, body=""):
        return sip(first, call, cseq, "ft1", to, a, body, transport="TCP")

    c = TcpConn(pc, a, 40000, b, 5060, 1000, 5000)
    c.handshake()
    inv = tsip("INVITE sip:2001@%s SIP/2.0" % b, (1, "INVITE"), None, sdp(a, 16300))
    cut = inv.index(b"\r\n\r\n") // 2
    c.send("c", inv[:cut])                                # starts the INVITE: passes, unjudged
    c.ack("s")
    c.send("c", inv[cut:])                                # completes it: judged
    c.ack("s")
    pc.add(udp_packet(a, 16300, b, 18300, rtp(1)))        # before the answer: dropped
    pc.add(udp_packet(b, 18300, a, 16300, rtp(1)))        # dropped
    c.send("s", tsip("SIP/2.0 100 Trying", (1, "INVITE"), None) +
           tsip("SIP/2.0 180 Ringing", (1, "INVITE"), "tt2"))   # two messages, one segment
    c.ack("c")
    ok = tsip("SIP/2.0 200 OK", (1, "INVITE"), "tt2", sdp(b, 18300))
    seq = c.send("s", ok)                                 # the answer: pinholes open
    c.segment("s", TCP_PSH | TCP_ACK, ok, seq=seq)        # its retransmission: not judged again
    c.ack("c")
    c.send("c", tsip("ACK sip:2001@%s SIP/2.0" % b, (1, "ACK"), "tt2"))
    c.ack("s")
    for i in range(3):                                    # 6 pass
        pc.add(udp_packet(a, 16300, b, 18300, rtp(i + 2)))
        pc.add(udp_packet(b, 18300, a, 16300, rtp(i + 2)))
    pc.add(udp_packet(evil, 4000, a, 16300, rtp(9)))      # right port, wrong peer: dropped

    # meanwhile a scanner's connection: a malformed request is refused,
    # and so is its retransmission; the scanner resets
    sc = TcpConn(pc, evil, 41000, b, 5060, 9000, 7000)
    sc.handshake()
    junk = b"OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/TCP 1.2.3.4;;,;,,\r\nContent-Length: 0\r\n\r\n"
    seq = sc.send("c", junk)
    sc.segment("c", TCP_PSH | TCP_ACK, junk, seq=seq)
    sc.segment("c", TCP_RST)
    # ...and reconnects from the same port with a new ISN: the reset ended
    # the old direction's state, so this is a new stream, not out of order
    sc = TcpConn(pc, evil, 41000, b, 5060, 20000, 30000)
    sc.handshake()
    sc.send("c", sip("OPTIONS sip:2001@%s SIP/2.0" % b, "scan-1@203.0.113.9", (1, "OPTIONS"),
                     "st1", None, evil, transport="TCP"))
    sc.close()

    c.send("c", tsip("BYE sip:2001@%s SIP/2.0" % b, (2, "BYE"), "tt2"))   # pinholes close
    c.send("s", tsip("SIP/2.0 200 OK", (2, "BYE"), "tt2"))
    c.close()
    pc.add(udp_packet(b, 18300, a, 16300, rtp(99)))       # after BYE: dropped
    pc.add(udp_packet(a, 16300, b, 18300, rtp(99)))       # dropped
    pc.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
