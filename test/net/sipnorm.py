#!/usr/bin/env python3
# sipnorm.py - the ends of test/net/sipnorm.sh: SIP messages that carry
# identity and agent fields, a raw capture of what arrives, and a check
# of every byte of the IP and UDP headers around what arrived.
#
#   sipnorm.py capture OUT READY IFACE
#       every IPv4/IPv6 packet that arrives on IFACE carrying UDP or a
#       fragment (an AF_PACKET socket: the bytes as the wire had them,
#       before any checksum offload or reassembly), one hex line each in
#       OUT; touch READY once bound
#   sipnorm.py send SRC DST KIND TAG SENT
#       one SIP message of KIND from SRC (any port) to DST:5060, its exact
#       bytes also written to SENT; the Call-ID holds TAG.  KIND:
#         ident   OPTIONS with P-Asserted-Identity (two), P-Preferred-
#                 Identity and User-Agent
#         plain   OPTIONS with none of them
#         server  a 200 answer to OPTIONS with a Server field
#         big     INVITE with P-Asserted-Identity and User-Agent, an SDP
#                 body that makes it about 3000 bytes (fragmented)
#   sipnorm.py check CAPTURE TAG GOT
#       the datagram whose payload holds TAG, reassembled from its
#       fragments if it came in pieces: its UDP payload into GOT and one
#       line "frags N iplen ok|bad ipsum ok|bad|- udplen ok|bad udpsum
#       ok|bad|none|partial" (ipsum "-" for IPv6, which has none; partial:
#       the sender's offloaded pseudo-header sum, never completed on a
#       veth); "missing" when no datagram holds TAG
import socket
import struct
import sys

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def capture(out_path, ready_path, iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    out = open(out_path, "a", buffering=1)
    open(ready_path, "w").close()
    while True:
        frame, addr = s.recvfrom(65535)
        if addr[2] == PACKET_OUTGOING:
            continue
        proto = addr[1]
        ip = frame[14:]
        if proto == 0x0800 and len(ip) >= 20 and ip[9] == 17:
            out.write(ip.hex() + "\n")
        elif proto == 0x86dd and len(ip) >= 40 and ip[6] in (17, 44):
            out.write(ip.hex() + "\n")


def message(kind, src, dst, lport, tag):
    h = lambda a: "[%s]" % a if ":" in a else a
    via = "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-%s" % (h(src), lport, tag)
    common = ["Max-Forwards: 70",
              "From: <sip:alice@%s>;tag=f%s" % (h(src), tag),
              "To: <sip:bob@%s>" % h(dst),
              "Call-ID: %s@%s" % (tag, h(src))]
    if kind == "server":
        return "\r\n".join(["SIP/2.0 200 OK", via] + common[1:3] +
                           ["Call-ID: %s@%s" % (tag, h(src)),
                            "CSeq: 1 OPTIONS",
                            "Server: FPBX-16.0.40(18.2.0)",
                            "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS",
                            "Content-Length: 0", "", ""]).encode()
    method = "INVITE" if kind == "big" else "OPTIONS"
    hdrs = ["%s sip:bob@%s SIP/2.0" % (method, h(dst)), via] + common + [
        "CSeq: 1 %s" % method,
        "Contact: <sip:alice@%s:%d>" % (h(src), lport)]
    if kind in ("ident", "big"):
        hdrs += ["P-Asserted-Identity: \"CEO\" <sip:ceo@example.com>",
                 "User-Agent: Softphone/4.2 (build 1234)",
                 "P-Preferred-Identity: <tel:+15551234567>",
                 "P-Asserted-Identity: <tel:+15551234567>"]
    body = b""
    if kind == "big":
        c = "IP6" if ":" in src else "IP4"
        sdp = ["v=0", "o=alice 1 1 IN %s %s" % (c, src), "s=-",
               "c=IN %s %s" % (c, src), "t=0 0", "m=audio 40000 RTP/AVP 0",
               "a=rtpmap:0 PCMU/8000"]
        sdp += ["a=x-pad:%04d %s" % (i, "p" * 60) for i in range(40)]
        body = ("\r\n".join(sdp) + "\r\n").encode()
        hdrs += ["Content-Type: application/sdp"]
    hdrs += ["Content-Length: %d" % len(body), "", ""]
    return "\r\n".join(hdrs).encode() + body


def send(src, dst, kind, tag, sent_path):
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((src, 0))
    msg = message(kind, src, dst, s.getsockname()[1], tag)
    open(sent_path, "wb").write(msg)
    s.sendto(msg, (dst, 5060))


def csum(data):
    if len(data) & 1:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def datagrams(path):
    """(ip header, transport bytes, fragments, iplen ok, ipsum) per datagram"""
    frags = {}
    for line in open(path):
        p = bytes.fromhex(line.strip())
        if p[0] >> 4 == 4:
            ihl = (p[0] & 15) * 4
            tot = struct.unpack("!H", p[2:4])[0]
            ok = tot == len(p)
            ipsum = "ok" if csum(p[:ihl]) == 0xffff else "bad"
            fo = struct.unpack("!H", p[6:8])[0]
            off, more = (fo & 0x1fff) * 8, bool(fo & 0x2000)
            key = (4, p[12:20], struct.unpack("!H", p[4:6])[0])
            hdr, data = p[:ihl], p[ihl:tot]
        else:
            plen = struct.unpack("!H", p[4:6])[0]
            ok = plen + 40 == len(p)
            ipsum = "-"
            if p[6] == 44:
                fo = struct.unpack("!H", p[42:44])[0]
                off, more = fo & 0xfff8, bool(fo & 1)
                key = (6, p[8:40], p[44:48])
                hdr, data = p[:40], p[48:40 + plen]
            else:
                off, more, key = 0, False, (6, p[8:40], line)
                hdr, data = p[:40], p[40:40 + plen]
        d = frags.setdefault(key, {"hdr": hdr, "parts": [], "ok": True,
                                   "ipsum": "ok", "last": False})
        d["parts"].append((off, data))
        d["ok"] = d["ok"] and ok
        if ipsum != "ok":
            d["ipsum"] = ipsum
        if off == 0:
            d["hdr"] = hdr
        if not more:
            d["last"] = True
    for d in frags.values():
        if not d["last"]:
            continue
        buf = b""
        for off, data in sorted(d["parts"], key=lambda x: x[0]):
            buf = buf[:off] + data
        yield d["hdr"], buf, len(d["parts"]), d["ok"], d["ipsum"]


def check(path, tag, got_path):
    for hdr, udp, n, iplen, ipsum in datagrams(path):
        if len(udp) < 8 or tag.encode() not in udp:
            continue
        ulen, ck = struct.unpack("!HH", udp[4:8])
        if hdr[0] >> 4 == 4:
            pseudo = hdr[12:20] + struct.pack("!BBH", 0, 17, len(udp))
        else:
            pseudo = hdr[8:40] + struct.pack("!IxxxB", len(udp), 17)
        if ck == 0:
            usum = "none" if hdr[0] >> 4 == 4 else "bad"
        elif csum(pseudo + udp) == 0xffff:
            usum = "ok"
        elif ck == csum(pseudo):
            # CHECKSUM_PARTIAL: the sender's stack left the pseudo-
            # header's sum for the NIC to complete (veth never does)
            usum = "partial"
        else:
            usum = "bad"
        open(got_path, "wb").write(udp[8:])
        print("frags %d iplen %s ipsum %s udplen %s udpsum %s" % (
            n, "ok" if iplen else "bad", ipsum,
            "ok" if ulen == len(udp) else "bad", usum))
        return
    print("missing")


def main(argv):
    if len(argv) == 5 and argv[1] == "capture":
        capture(argv[2], argv[3], argv[4])
    elif len(argv) == 7 and argv[1] == "send":
        send(argv[2], argv[3], argv[4], argv[5], argv[6])
    elif len(argv) == 5 and argv[1] == "check":
        check(argv[2], argv[3], argv[4])
    else:
        sys.exit("usage: sipnorm.py capture OUT READY IFACE | "
                 "send SRC DST KIND TAG SENT | check CAPTURE TAG GOT")


if __name__ == "__main__":
    main(sys.argv)
