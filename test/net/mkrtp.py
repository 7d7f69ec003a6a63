#!/usr/bin/env python3
# mkrtp.py OUT.pcap SECONDS - a G.711 u-law (PCMU, payload type 0) RTP
# stream for SIPp's play_pcap_audio: one 20 ms packet of 160 samples of a
# 440 Hz tone every 20 ms, Ethernet/IPv4/UDP to port 6000.  SIPp keeps
# only the UDP part: it sends each payload from its own media port to the
# port the peer's SDP gave (the capture's lowest port maps to it), with
# the capture's timing.  No third-party modules.
import math
import struct
import sys

RATE = 8000
PTIME_MS = 20
SAMPLES = RATE * PTIME_MS // 1000


def ulaw(sample):
    """ITU-T G.711 u-law of one 16-bit linear sample."""
    bias, clip = 0x84, 32635
    sign = 0x80 if sample < 0 else 0
    if sample < 0:
        sample = -sample
    sample = min(sample, clip) + bias
    exp = 7
    mask = 0x4000
    while exp > 0 and not sample & mask:
        exp -= 1
        mask >>= 1
    mant = (sample >> (exp + 3)) & 0x0F
    return ~(sign | exp << 4 | mant) & 0xFF


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(src, dst, sport, dport, payload):
    udp_len = 8 + len(payload)
    pseudo = src + dst + struct.pack("!xBH", 17, udp_len)
    hdr = struct.pack("!HHHH", sport, dport, udp_len, 0)
    c = csum(pseudo + hdr + payload) or 0xFFFF
    udp = struct.pack("!HHHH", sport, dport, udp_len, c) + payload
    ip = struct.pack("!BBHHHBBH", 0x45, 0, 20 + udp_len, 0, 0x4000, 64, 17, 0) + src + dst
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00"
    return eth + ip + udp


def main(out, seconds):
    src, dst = bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])
    n = int(seconds * 1000 / PTIME_MS)
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        t0 = 1700000000 * 1000000
        for i in range(n):
            samples = bytes(ulaw(int(8000 * math.sin(2 * math.pi * 440 * (i * SAMPLES + k) / RATE)))
                            for k in range(SAMPLES))
            rtp = struct.pack("!BBHII", 0x80, (0x80 if i == 0 else 0), i & 0xFFFF,
                              (i * SAMPLES) & 0xFFFFFFFF, 0x766F6970) + samples
            pkt = frame(src, dst, 6000, 6000, rtp)
            t = t0 + i * PTIME_MS * 1000
            f.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(pkt), len(pkt)) + pkt)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: mkrtp.py OUT.pcap SECONDS")
    main(sys.argv[1], float(sys.argv[2]))
