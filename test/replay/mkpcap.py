#!/usr/bin/env python3
# mkpcap.py OUT_DIR - write the captures the replay tests use: SIP call
# flows with real RTP, built packet by packet (Ethernet/IPv4|IPv6/UDP) so
# every byte is known.  No third-party modules.
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


def sip(first, call, cseq, frm, to, via_host, body="", extra=()):
    via_host = host(via_host)
    hdrs = [first,
            "Via: SIP/2.0/UDP %s:5060;branch=z9hG4bK%s%d" % (via_host, call[:6], cseq[0]),
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


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
